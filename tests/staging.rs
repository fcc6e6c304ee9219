//! The command against the mock console configured like a staging console: served over HTTPS
//! with a self-signed certificate, throttled, with access tokens that expire within seconds. The
//! mock runs in this process; the real binary reaches it by URL, as it would reach a console,
//! logging in as `admin` with the password in `VSPC_PASSWORD`. Every run gives `--rps` and
//! `--concurrency`: the defaults for a real target (20 per second, 4 in flight) are not what a
//! test wants to depend on.

mod common;

use common::{bin, temp_dir, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use vspc_conformance::mock::{
    ADMIN_PASSWORD, MockConfig, MockConsole, ThrottleConfig, ThrottleGroup, ThrottleLimit,
};

/// `run --target <mock> --username admin` with the password in the environment, at the given
/// pace, selecting `filters`.
fn run(mock: &MockConsole, rps: &str, concurrency: &str, filters: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.args(["run", "--target", &mock.uri(), "--username", "admin"])
        .args(["--rps", rps, "--concurrency", concurrency])
        .args(filters)
        .env("VSPC_PASSWORD", ADMIN_PASSWORD);
    cmd
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes the mock's certificate where `--ca-cert` can read it.
fn cert_file(mock: &MockConsole, dir: &Path) -> PathBuf {
    let path = dir.join("mock-ca.pem");
    std::fs::write(&path, mock.ca_pem().expect("the mock serves TLS")).unwrap();
    path
}

fn tls_mock() -> MockConsole {
    MockConsole::start(MockConfig {
        tls: true,
        ..MockConfig::default()
    })
    .unwrap()
}

/// Runs to completion with a JSON report; returns the output, the report and the wall time.
fn run_with_report(mut cmd: Command, dir: &Path) -> (Output, Value, Duration) {
    let report = dir.join("report.json");
    let started = Instant::now();
    let output = cmd
        .arg("--report")
        .arg(format!("json={}", report.display()))
        .output()
        .unwrap();
    let took = started.elapsed();
    let json = std::fs::read_to_string(&report)
        .map(|text| serde_json::from_str(&text).unwrap())
        .unwrap_or_else(|e| panic!("no report ({e}): {}", text(&output)));
    (output, json, took)
}

fn cases(report: &Value) -> &Vec<Value> {
    report["cases"].as_array().unwrap()
}

/// The sum of `observed.throttled_retries` over the report's cases.
fn throttled_retries(report: &Value) -> u64 {
    cases(report)
        .iter()
        .filter_map(|c| c["observed"]["throttled_retries"].as_u64())
        .sum()
}

/// Every selected case conformed, none skipped, none in error.
fn assert_all_conform(report: &Value, output: &Output) {
    let summary = &report["summary"];
    assert!(summary["cases"].as_u64().unwrap() > 0, "{}", text(output));
    assert_eq!(
        summary["conforming"],
        summary["cases"],
        "{summary}\n{}",
        text(output)
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(output));
}

// -- TLS ---------------------------------------------------------------------------------------

#[test]
fn a_self_signed_console_is_refused_without_its_certificate_in_one_line() {
    let mock = tls_mock();
    assert!(
        mock.uri().starts_with("https://127.0.0.1:"),
        "{}",
        mock.uri()
    );
    let output = run(&mock, "1000", "4", &["pagination"]).output().unwrap();
    let shown = stderr(&output);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    assert_eq!(shown.lines().count(), 1, "{shown}");
    assert!(
        shown.contains(&format!("cannot reach {}", mock.uri())),
        "{shown}"
    );
    assert!(shown.contains("certificate is not trusted"), "{shown}");
    assert!(shown.contains("--ca-cert"), "the way out is named: {shown}");
    assert!(!shown.contains(ADMIN_PASSWORD));
}

#[test]
fn the_consoles_certificate_given_with_ca_cert_makes_the_run_work_through_async_actions() {
    let mock = tls_mock();
    let dir = temp_dir("ca-cert");
    let pem = cert_file(&mock, &dir);
    let unreachable = &mock.variables()["unreachableComputerUid"];
    let mut cmd = run(
        &mock,
        "1000",
        "4",
        &[
            "pagination",
            "deployment::deploy_to_an_unreachable_computer",
        ],
    );
    cmd.arg("--ca-cert")
        .arg(&pem)
        .arg("--allow-mutations")
        .arg("--var")
        .arg(format!("unreachableComputerUid={unreachable}"));
    let (output, report, _) = run_with_report(cmd, &dir);
    assert_all_conform(&report, &output);
    assert!(!stderr(&output).contains("warning"), "{}", text(&output));
    // The 202's Location is an https URL on the same origin, so the harness followed it.
    let deployment = cases(&report)
        .iter()
        .find(|c| c["name"] == "deployment::deploy_to_an_unreachable_computer")
        .unwrap();
    assert_eq!(
        deployment["observed"]["async_action"]["status"], "failed",
        "{deployment}"
    );
}

#[test]
fn insecure_works_against_the_self_signed_console_and_warns() {
    let mock = tls_mock();
    let dir = temp_dir("insecure");
    let mut cmd = run(&mock, "1000", "4", &["pagination"]);
    cmd.arg("--insecure");
    let (output, report, _) = run_with_report(cmd, &dir);
    assert_all_conform(&report, &output);
    let shown = stderr(&output);
    assert!(
        shown.contains("warning: TLS certificate verification is off (--insecure)"),
        "{shown}"
    );
}

#[test]
fn a_ca_cert_that_is_not_a_pem_certificate_exits_2_naming_the_option() {
    let mock = tls_mock();
    let dir = temp_dir("bad-pem");
    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    let broken = dir.join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let missing = dir.join("missing.pem");
    for (file, why) in [
        (&not_pem, "holds no PEM certificate"),
        (&broken, "certificate 1 is not a usable X.509 certificate"),
        (&missing, "cannot read it"),
    ] {
        let started = Instant::now();
        let mut cmd = run(&mock, "1000", "4", &["pagination"]);
        let output = cmd.arg("--ca-cert").arg(file).output().unwrap();
        let shown = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            shown.contains(&format!("--ca-cert {}: {why}", file.display())),
            "{shown}"
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}

#[test]
fn mock_tls_writes_its_certificate_for_ca_cert_before_printing_its_address() {
    use std::io::{BufRead, BufReader};
    let dir = temp_dir("mock-tls");
    let pem = dir.join("mock.pem");
    let mut child = bin()
        .args(["mock", "--tls", "--cert-out"])
        .arg(&pem)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr: std::net::SocketAddr = first.trim().parse().unwrap();
    let written = std::fs::read_to_string(&pem).unwrap_or_default();
    let output = bin()
        .args(["run", "--target", &format!("https://{addr}")])
        .args(["--username", "admin", "--rps", "1000", "--concurrency", "4"])
        .arg("--ca-cert")
        .arg(&pem)
        .arg("pagination")
        .env("VSPC_PASSWORD", ADMIN_PASSWORD)
        .output()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(
        written.starts_with("-----BEGIN CERTIFICATE-----"),
        "{written}"
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let without = bin()
        .args(["mock", "--cert-out"])
        .arg(dir.join("x.pem"))
        .output()
        .unwrap();
    assert_eq!(without.status.code(), Some(2), "--cert-out needs --tls");
}

// -- Tokens that expire within the run ----------------------------------------------------------

/// 40 cases of one request each: the run's length is set by `--rps`.
const FORTY_CASES: [&str; 2] = [
    "sweep::below_minimum::GET /organizations/companies",
    "sweep::below_minimum::GET /organizations/locations (query",
];

#[test]
fn a_run_longer_than_the_token_lifetime_renews_its_session_and_every_case_conforms() {
    let lifetime = Duration::from_secs(2);
    let mock = MockConsole::start(MockConfig {
        tls: true,
        token_lifetime: lifetime,
        ..MockConfig::default()
    })
    .unwrap();
    let dir = temp_dir("refresh");
    let pem = cert_file(&mock, &dir);
    let mut cmd = run(&mock, "8", "4", &FORTY_CASES);
    cmd.arg("--ca-cert").arg(&pem);
    let (output, report, took) = run_with_report(cmd, &dir);
    assert_all_conform(&report, &output);
    let n = report["summary"]["cases"].as_u64().unwrap();
    assert_eq!(n, 40, "the selection changed; keep it one request per case");
    // The run outlived two token lifetimes (40 requests at 8 per second: at least 4.9 s) ...
    assert!(took > lifetime * 2, "{took:?}");
    // ... and no case met an expired token ...
    for case in cases(&report) {
        assert_ne!(case["observed"]["status"], 401, "{case}");
    }
    // ... because the session renewed itself with the refresh_token grant, not a new login.
    assert!(
        mock.refresh_grants() >= 2,
        "{} refresh grants in {took:?}",
        mock.refresh_grants()
    );
}

// -- Pacing against the console's throttling --------------------------------------------------

/// The limit of the pacing tests: R requests per second per user.
const LIMIT_PER_SECOND: u32 = 10;

fn throttled_mock() -> MockConsole {
    MockConsole::start(MockConfig {
        throttle: ThrottleConfig::default().with(
            ThrottleGroup::User,
            ThrottleLimit::PerTime {
                requests: LIMIT_PER_SECOND,
                per: Duration::from_secs(1),
            },
        ),
        ..MockConfig::default()
    })
    .unwrap()
}

#[test]
fn paced_just_under_the_consoles_limit_the_run_is_never_throttled_and_keeps_the_pace() {
    let mock = throttled_mock();
    let dir = temp_dir("paced");
    let rps = f64::from(LIMIT_PER_SECOND) - 1.0;
    let (output, report, took) =
        run_with_report(run(&mock, &rps.to_string(), "4", &FORTY_CASES), &dir);
    assert_all_conform(&report, &output);
    let n = report["summary"]["cases"].as_u64().unwrap() as f64;
    // No 429 the harness did not ask for: nothing was waited out and sent again.
    assert_eq!(throttled_retries(&report), 0, "{}", text(&output));
    for case in cases(&report) {
        assert!(
            case["observed"].get("throttled_retries").is_none(),
            "{case}"
        );
    }
    // It obeyed the pace: N requests, evenly spaced, take at least (N - 1) / rps.
    let floor = Duration::from_secs_f64((n - 1.0) / rps);
    assert!(took >= floor, "{took:?} < {floor:?}");
    let elapsed_ms = report["elapsed_ms"].as_u64().unwrap();
    eprintln!(
        "paced: N = {n}, R = {LIMIT_PER_SECOND}/s per user, --rps {rps}: {:.2} s for the cases, {:.2} s for the whole command (N/R = {:.1} s)",
        elapsed_ms as f64 / 1000.0,
        took.as_secs_f64(),
        n / f64::from(LIMIT_PER_SECOND)
    );
}

#[test]
fn unpaced_against_the_same_limit_429s_are_waited_out_reported_and_never_failures() {
    let mock = throttled_mock();
    let dir = temp_dir("unpaced");
    let (output, report, took) = run_with_report(run(&mock, "100000", "4", &FORTY_CASES), &dir);
    // Throttled, but every case still conforms: a 429 it did not ask for is not its answer.
    assert_all_conform(&report, &output);
    let retried = throttled_retries(&report);
    assert!(retried > 0, "the unpaced run was never throttled");
    for case in cases(&report) {
        assert_ne!(case["observed"]["status"], 429, "{case}");
    }
    eprintln!(
        "unpaced: {} cases, {retried} throttled retries, {:.2} s",
        report["summary"]["cases"],
        took.as_secs_f64()
    );
}
