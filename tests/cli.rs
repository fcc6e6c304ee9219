//! The command as a user meets it: exit statuses, diagnostics, reports, secrets.

mod common;

use common::{bin, temp_dir, text};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn lint_accepts_the_shipped_cases() {
    let output = bin().arg("lint").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(text(&output).contains("no problems"));
}

#[test]
fn lint_reports_every_problem_with_file_line_col_and_exits_2() {
    let dir = temp_dir("lint");
    let file = write(
        &dir,
        "broken.toml",
        r#"[[case]]
name = "typo"
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, pramater = "offset" }

[[case]]
name = "unknown_code"
request = { method = "GET", path = "/organizations/companies" }
expect = { code = 1002 }

[[case]]
name = "unknown_path"
request = { method = "GET", path = "/organisations/companies" }
expect = { code = 400 }
"#,
    );
    let output = bin().arg("lint").arg(&file).output().unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    let at = |line: usize, col: usize| format!("{}:{line}:{col}", file.display());
    assert!(shown.contains(&at(4, 24)), "{shown}");
    assert!(shown.contains("did you mean `parameter`?"), "{shown}");
    assert!(shown.contains(&at(9, 19)), "{shown}");
    assert!(
        shown.contains("code 1002 is not in the error code catalogue"),
        "{shown}"
    );
    assert!(shown.contains(&at(13, 36)), "{shown}");
    assert!(
        shown.contains("4 | expect = { code = 400, pramater = \"offset\" }"),
        "{shown}"
    );
}

#[test]
fn malformed_toml_exits_2_with_its_position() {
    let dir = temp_dir("malformed");
    let file = write(&dir, "bad.toml", "[[case]]\nname = \"unterminated\n");
    let output = bin().arg("lint").arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains(&format!("{}:2:", file.display())),
        "{}",
        text(&output)
    );
}

#[test]
fn run_refuses_broken_cases_before_sending_anything() {
    let dir = temp_dir("run-broken");
    write(&dir, "x.toml", "[[case]]\nname = \"x\"\n");
    let output = bin().args(["run", "--cases"]).arg(&dir).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("nothing was sent"));
}

#[test]
fn bad_arguments_exit_2_naming_the_option() {
    let output = bin()
        .args(["run", "--report", "yaml=out.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("--report `yaml=out.yaml`: unknown format `yaml`"),
        "{}",
        text(&output)
    );
    let output = bin()
        .args(["run", "--mock-violate", "no-such-mode"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("--mock-violate: unknown violation mode `no-such-mode`"),
        "{}",
        text(&output)
    );
    let output = bin()
        .args(["run", "--concurrency", "many"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).contains("--concurrency"), "{}", text(&output));
    let output = bin().args(["run", "--var", "novalue"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("'novalue' for '--var <NAME=VALUE>': expected NAME=VALUE"),
        "{}",
        text(&output)
    );
}

#[test]
fn a_report_path_that_cannot_be_written_exits_2_naming_it_before_anything_is_sent() {
    let dir = temp_dir("unwritable");
    let path = dir.join("no-such-dir").join("report.json");
    let started = Instant::now();
    let output = bin()
        .args(["run", "--report"])
        .arg(format!("json={}", path.display()))
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains(&format!("cannot write the report {}", path.display())),
        "{shown}"
    );
    assert!(!shown.contains("running "), "cases ran: {shown}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let output = bin()
        .args(["merge", "--report"])
        .arg(format!("md={}", path.display()))
        .arg(dir.join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains(&path.display().to_string()));
    // Checking a path leaves no empty report behind when the run then cannot start for bad
    // input; a target that cannot be reached gets a report saying so (tests/interrupt.rs).
    let fresh = dir.join("fresh.json");
    let run = |extra: &[&str]| {
        bin()
            .args([
                "run",
                "--target",
                "http://127.0.0.1:1",
                "--token",
                "t",
                "--timeout",
                "2",
            ])
            .args(extra)
            .arg("--report")
            .arg(format!("json={}", fresh.display()))
            .output()
            .unwrap()
    };
    let output = run(&["--mock-violate", "status-500"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(!fresh.exists(), "an empty report was left behind");
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    assert!(
        std::fs::read_to_string(&fresh).is_ok_and(|r| r.contains("\"target_failed\"")),
        "{}",
        text(&output)
    );
}

#[test]
fn a_report_on_stdout_keeps_stdout_to_itself() {
    let output = bin()
        .args(["run", "pagination", "--report", "json=-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not the JSON report ({e}): {}", text(&output)));
    assert_eq!(report["format"], 1);
    assert!(String::from_utf8_lossy(&output.stderr).contains("code      cases"));
    let output = bin()
        .args(["run", "--report", "json=-", "--report", "md=-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("only one report can go to stdout"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let run = |args: &[&str], no_color: bool| {
        let mut cmd = bin();
        cmd.args([
            "run",
            "--mock-violate",
            "status-500",
            "server_faults::unspecified_error",
        ])
        .args(args);
        if no_color {
            cmd.env("NO_COLOR", "1");
        } else {
            cmd.env_remove("NO_COLOR");
        }
        let output = cmd.output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", text(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    // Not a terminal: plain, unless asked for.
    let plain = run(&[], false);
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(plain.contains("status   expected 520, actual 500: server errors travel as 520"));
    assert!(!run(&["--color", "auto"], true).contains('\x1b'));
    assert!(!run(&["--color", "never"], false).contains('\x1b'));
    let coloured = run(&["--color", "always"], true);
    assert!(coloured.contains("\x1b[1;31mFAIL\x1b[0m"), "{coloured}");
    assert!(
        coloured.contains("expected \x1b[32m520\x1b[0m, actual \x1b[31m500\x1b[0m"),
        "{coloured}"
    );
    // Stripped of its colour codes, the coloured text is the plain text.
    let stripped = regex_free_strip(&coloured);
    // Each run starts its own embedded mock: the reproduce commands differ by its port only.
    let tail = |s: &str| {
        let s = without_ports(s);
        s.split("FAIL")
            .nth(1)
            .unwrap()
            .split("[")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(tail(&stripped), tail(&plain));
}

/// `127.0.0.1:PORT` as `127.0.0.1:PORT`, whatever the port.
fn without_ports(text: &str) -> String {
    let mut parts = text.split("127.0.0.1:");
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        out.push_str("127.0.0.1:PORT");
        out.push_str(part.trim_start_matches(|c: char| c.is_ascii_digit()));
    }
    out
}

/// Removes ANSI SGR sequences (`ESC [ ... m`).
fn regex_free_strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn an_unreachable_target_exits_3_with_one_line_within_the_timeout() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let started = Instant::now();
    let output = bin()
        .args([
            "run",
            "--target",
            "http://127.0.0.1:1",
            "--token",
            "t0ken-value",
            "--timeout",
            "2",
        ])
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(3), "{shown}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(shown.contains("cannot reach http://127.0.0.1:1"), "{shown}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).lines().count(),
        1,
        "{shown}"
    );
    assert!(!shown.contains("t0ken-value"), "{shown}");
}

/// Logs in to a mock and returns (default token, read-only token).
fn tokens(mock: &vspc_conformance::mock::MockConsole) -> (String, String) {
    use vspc_conformance::mock::{ADMIN_PASSWORD, ADMIN_USERNAME};
    use vspc_conformance::send::{SendOptions, Sender};
    use vspc_conformance::target::Secret;
    use vspc_conformance::token::login;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sender = Sender::new(&mock.uri(), &SendOptions::default()).unwrap();
        let password = Secret::new(ADMIN_PASSWORD);
        let token = login(&sender, ADMIN_USERNAME, &password, false)
            .await
            .unwrap();
        let read_only = login(&sender, ADMIN_USERNAME, &password, true)
            .await
            .unwrap();
        let token = token.current(&sender).await.unwrap();
        let read_only = read_only.current(&sender).await.unwrap();
        (token.expose().to_string(), read_only.expose().to_string())
    })
}

#[test]
fn no_token_or_password_appears_in_output_or_reports() {
    use vspc_conformance::mock::{ADMIN_PASSWORD, MockConfig, MockConsole};
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let (token, read_only) = tokens(&mock);
    let dir = temp_dir("secrets");
    // Every report format, for each way of giving credentials.
    let reports = |stem: &str| -> Vec<PathBuf> {
        ["json", "xml", "md", "html"]
            .iter()
            .map(|ext| dir.join(format!("{stem}.{ext}")))
            .collect()
    };
    let report_args = |paths: &[PathBuf]| -> Vec<String> {
        ["json", "junit", "md", "html"]
            .iter()
            .zip(paths)
            .flat_map(|(format, path)| {
                [
                    "--report".to_string(),
                    format!("{format}={}", path.display()),
                ]
            })
            .collect()
    };
    let with_tokens = reports("tokens");
    let output = bin()
        .args([
            "run",
            "--verbose",
            "--color",
            "always",
            "--target",
            &mock.uri(),
            "--token",
            &token,
            "--readonly-token",
            &read_only,
        ])
        // The mock takes any pace; a real console gets the modest default.
        .args(["--rps", "100000", "--concurrency", "32"])
        .args(report_args(&with_tokens))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let with_login = reports("login");
    let login_output = bin()
        .args([
            "run",
            "--verbose",
            "--target",
            &mock.uri(),
            "--username",
            "admin",
        ])
        // The mock takes any pace; a real console gets the modest default.
        .args(["--rps", "100000", "--concurrency", "32"])
        .env("VSPC_PASSWORD", ADMIN_PASSWORD)
        .args(report_args(&with_login))
        .output()
        .unwrap();
    assert_eq!(
        login_output.status.code(),
        Some(0),
        "{}",
        text(&login_output)
    );
    // The JSON reports of both runs, merged, in every format too.
    let merged = reports("merged");
    let merge_output = bin()
        .arg("merge")
        .arg(&with_tokens[0])
        .args(report_args(&merged))
        .output()
        .unwrap();
    assert_eq!(
        merge_output.status.code(),
        Some(0),
        "{}",
        text(&merge_output)
    );
    let mut everything = vec![text(&output), text(&login_output), text(&merge_output)];
    for path in with_tokens.iter().chain(&with_login).chain(&merged) {
        let report = std::fs::read_to_string(path).unwrap();
        assert!(report.len() > 100, "{} is empty", path.display());
        everything.push(report);
    }
    let everything = everything.join("\n");
    assert!(
        everything.contains("conforming"),
        "the runs produced output"
    );
    for secret in [token.as_str(), read_only.as_str(), ADMIN_PASSWORD] {
        assert!(
            !everything.contains(secret),
            "a secret leaked into the output or a report"
        );
    }
    assert!(
        !everything.contains("Bearer "),
        "an Authorization header leaked"
    );
}

#[test]
fn a_refused_token_exits_3() {
    use vspc_conformance::mock::{MockConfig, MockConsole};
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let output = bin()
        .args([
            "run",
            "--target",
            &mock.uri(),
            "--token",
            "not-a-token-it-issued",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    assert!(
        text(&output).contains("the token was refused"),
        "{}",
        text(&output)
    );
    assert!(!text(&output).contains("not-a-token-it-issued"));
}

#[test]
fn a_failed_login_exits_3_with_the_oauth2_error_and_never_the_password() {
    use vspc_conformance::mock::{MockConfig, MockConsole};
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let output = bin()
        .args([
            "run",
            "--target",
            &mock.uri(),
            "--username",
            "admin",
            "--password",
            "wr0ng-pa55word",
        ])
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(3), "{shown}");
    assert!(shown.contains("invalid_request"), "{shown}");
    assert!(!shown.contains("wr0ng-pa55word"), "{shown}");
}

#[test]
fn the_main_job_runs_every_case_conforming_and_writes_the_json_report() {
    let dir = temp_dir("main-job");
    let report = dir.join("report.json");
    let output = bin()
        .args(["run", "--report"])
        .arg(format!("json={}", report.display()))
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(
            "code      cases  status     envelope   type       code       field      message"
        ),
        "{shown}"
    );
    assert!(shown.contains("0 non-conforming"), "{shown}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["target"], "embedded-mock");
    assert_eq!(json["summary"]["non_conforming"], 0);
    assert!(json["summary"]["cases"].as_u64().unwrap() >= 60);
    let first = &json["cases"][0];
    for member in [
        "name", "file", "tags", "request", "expected", "observed", "outcome", "checks",
    ] {
        assert!(!first[member].is_null(), "case member {member}: {first}");
    }
    // Every catalogue code, OAuth2, and the anonymous calls that must be let through.
    assert_eq!(json["matrix"]["rows"].as_array().unwrap().len(), 55);
    assert!(json["matrix"]["unexercised_codes"].is_array());
}

#[test]
fn a_violation_mode_makes_the_run_exit_1_and_show_expected_vs_actual() {
    let output = bin()
        .args(["run", "--mock-violate", "status-500", "server_faults"])
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("FAIL server_faults::unspecified_error"),
        "{shown}"
    );
    assert!(
        shown.contains("status   expected 520, actual 500: server errors travel as 520"),
        "{shown}"
    );
}

#[test]
fn mock_lists_its_violation_modes_with_their_checks() {
    let output = bin().args(["mock", "--list-violations"]).output().unwrap();
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(listed.lines().count() >= 20);
    for line in listed.lines() {
        let (name, check) = line.split_once('\t').unwrap();
        assert!(!name.is_empty());
        assert!(
            ["status", "envelope", "type", "code", "field", "message"].contains(&check),
            "{line}"
        );
    }
}

#[test]
fn mock_prints_its_bound_address_first() {
    use std::io::{BufRead, BufReader};
    let mut child = bin()
        .args(["mock", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let addr: std::net::SocketAddr = first.trim().parse().unwrap();
    let reachable = std::net::TcpStream::connect(addr).is_ok();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(reachable, "nothing listens on {addr}");
}

#[test]
fn dry_run_lists_every_request_and_every_skip_and_sends_nothing() {
    // Port 9 on loopback has no listener: a run would be exit 3, a dry run sends nothing.
    let output = bin()
        .args(["run", "--dry-run", "--color", "never"])
        .args(["--target", "http://127.0.0.1:9", "--token", "dry-t0ken"])
        .args(["--var", "companyName=Acme", "--rps", "7"])
        .args(["organizations", "server_faults", "async_actions::result_of"])
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            "probe GET /api/v3/about  (the token is accepted; data.serverVersion gives the API version)"
        )
    );
    assert!(
        shown.contains("discover GET /api/v3/organizations/companies?limit=1  ({companyUid} at /data/0/instanceUid)"),
        "{shown}"
    );
    assert!(
        !shown.contains("({companyName} at"),
        "a variable given with --var is not discovered:\n{shown}"
    );
    assert!(
        shown.contains(
            "(server_faults::unspecified_error: mock-only: uses a trigger only the embedded mock console has)"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("mutating: changes the target; run with --allow-mutations to include it"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "unresolved variable {runningAsyncActionId}: give --var runningAsyncActionId=VALUE"
        ),
        "{shown}"
    );
    let sends = lines.iter().filter(|l| l.starts_with("send  ")).count();
    let skips = lines.iter().filter(|l| l.starts_with("skip  ")).count();
    assert!(sends > 0 && skips > 0, "{shown}");
    assert_eq!(
        lines.last().copied(),
        Some(
            format!(
                "{sends} of {} cases would send their requests after 3 before the run to http://127.0.0.1:9 (API 3.6.1 until the console's version is read (sweeps differ by version)), at most 7 per second; {skips} skipped",
                sends + skips
            )
            .as_str()
        )
    );
    assert!(!shown.contains("dry-t0ken"));

    // Against the embedded mock, every case is sent and nothing is needed before.
    let output = bin()
        .args(["run", "--dry-run", "server_faults"])
        .output()
        .unwrap();
    let shown = text(&output);
    assert!(
        shown.ends_with(
            "cases would send their requests to the embedded mock (API 3.6.1); 0 skipped\n"
        ),
        "{shown}"
    );
}
