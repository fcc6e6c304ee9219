//! A run that stops early keeps its evidence. The binary runs against the mock console served
//! by URL and throttled as a staging console is (20 requests a second), so a whole run would take
//! minutes; a SIGTERM or SIGINT after the first cases finish ends it with every report written,
//! holding exactly the cases that finished and saying the run was interrupted, and the exit
//! status of the signal. A target that cannot be reached or logged into writes its reports too,
//! saying why nothing ran.

mod common;

use common::{TempDir, assert_valid_junit, assert_valid_report, bin, read_json, temp_dir, text};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use vspc_conformance::mock::{
    ADMIN_PASSWORD, MockConfig, MockConsole, ThrottleConfig, ThrottleGroup, ThrottleLimit,
};

/// Cases that finish before the signal is sent.
const BEFORE_SIGNAL: usize = 6;

/// No line for this long means the run hangs.
const PATIENCE: Duration = Duration::from_secs(120);

/// `--report` for all four file formats into `dir`, as `report.<ext>`.
fn reports(dir: &Path) -> Vec<String> {
    [
        ("json", "json"),
        ("junit", "xml"),
        ("md", "md"),
        ("html", "html"),
    ]
    .iter()
    .flat_map(|(format, ext)| {
        [
            "--report".to_string(),
            format!("{format}={}", dir.join(format!("report.{ext}")).display()),
        ]
    })
    .collect()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("no {name} in {}: {e}", dir.display()))
}

/// Every report in `dir` is whole and valid, and no temporary file is left beside them.
fn assert_reports_written(dir: &Path, test: &str) -> Value {
    let json = read_json(&dir.join("report.json"));
    assert_valid_report(&json, test);
    assert_valid_junit(&dir.join("report.xml"), test);
    let left: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    json
}

/// What the run printed, split: the total from `running N cases`, the names of the cases its
/// `--verbose` lines say finished, and everything else.
struct Printed {
    total: usize,
    finished: BTreeSet<String>,
    all: String,
}

/// `run` against the console at `uri`, logged in as its administrator.
fn run_against(uri: &str) -> Command {
    let mut cmd = bin();
    cmd.args(["run", "--target", uri, "--username", "admin"])
        .env("VSPC_PASSWORD", ADMIN_PASSWORD);
    cmd
}

/// Runs against a console throttled to 20 requests a second, sends `signal` (`SIGTERM`) once
/// [`BEFORE_SIGNAL`] cases have finished, and returns the exit status, what was printed and
/// the reports' directory.
fn interrupt(signal: &str, name: &str) -> (Option<i32>, Printed, TempDir) {
    let mock = MockConsole::start(MockConfig {
        throttle: ThrottleConfig::default().with(
            ThrottleGroup::All,
            ThrottleLimit::PerTime {
                requests: 20,
                per: Duration::from_secs(1),
            },
        ),
        ..MockConfig::default()
    })
    .unwrap();
    let dir = temp_dir(name);
    let mut child = run_against(&mock.uri())
        .args([
            "--rps",
            "20",
            "--concurrency",
            "4",
            "--verbose",
            "--color",
            "never",
        ])
        .args(reports(&dir))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, heard) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut printed = Printed {
        total: 0,
        finished: BTreeSet::new(),
        all: String::new(),
    };
    let mut signalled = false;
    // The finished cases' lines come between `running N cases` and the first blank line, which
    // opens the end of the run.
    let mut in_cases = false;
    loop {
        let line = match heard.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("the run printed nothing for {PATIENCE:?}:\n{}", printed.all);
            }
        };
        printed.all.push_str(&line);
        printed.all.push('\n');
        if let Some(rest) = line.strip_prefix("running ") {
            printed.total = rest.split(' ').next().unwrap().parse().unwrap();
            in_cases = true;
        } else if line.is_empty() {
            in_cases = false;
        } else if in_cases {
            let (outcome, name) = line.trim_start().split_once(' ').unwrap();
            assert!(
                [
                    "conforming",
                    "non_conforming",
                    "inconclusive",
                    "skipped",
                    "error"
                ]
                .contains(&outcome),
                "{line}"
            );
            printed.finished.insert(name.to_string());
            if printed.finished.len() == BEFORE_SIGNAL && !signalled {
                let kill = format!("-{}", signal.trim_start_matches("SIG"));
                let sent = Command::new("kill")
                    .args([&kill, &child.id().to_string()])
                    .status()
                    .unwrap();
                assert!(sent.success(), "kill {signal} failed");
                signalled = true;
            }
        }
    }
    let status = child.wait().unwrap();
    printed.all.push_str(&errors.join().unwrap());
    assert!(
        signalled,
        "the run ended before {BEFORE_SIGNAL} cases:\n{}",
        printed.all
    );
    (status.code(), printed, dir)
}

/// The reports of a run interrupted by `signal`: whole, valid, holding exactly the cases that
/// finished, and saying so.
fn assert_interrupted(signal: &str, printed: &Printed, dir: &Path, test: &str) {
    let json = assert_reports_written(dir, test);
    let cases: BTreeSet<String> = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        cases, printed.finished,
        "the report holds the finished cases"
    );
    assert!(cases.len() >= BEFORE_SIGNAL, "{}", printed.all);
    assert!(cases.len() < printed.total, "{}", printed.all);
    assert_eq!(json["summary"]["cases"], cases.len());
    let not_run = printed.total - cases.len();
    assert_eq!(
        json["interrupted"],
        serde_json::json!({"signal": signal, "not_run": not_run}),
        "{}",
        printed.all
    );
    let said = format!("{not_run} cases not run: interrupted by {signal}");
    let junit = read(dir, "report.xml");
    assert!(
        junit.contains(&format!(
            r#"<property name="interrupted" value="{signal}"/>"#
        )) && junit.contains(&format!(r#"<property name="not_run" value="{not_run}"/>"#)),
        "{junit}"
    );
    assert_eq!(junit.matches("<testcase ").count(), cases.len(), "{junit}");
    for (name, text) in [
        ("Markdown", read(dir, "report.md")),
        ("HTML", read(dir, "report.html")),
        ("terminal", printed.all.clone()),
    ] {
        assert!(
            text.contains(&said),
            "the {name} report does not say `{said}`:\n{text}"
        );
    }
    assert!(
        read(dir, "report.md").starts_with("## VSPC error contract: ⚠️ incomplete")
            || json["summary"]["non_conforming"] != 0,
        "{}",
        read(dir, "report.md")
    );
}

/// A slow run that `signal` (`SIGTERM`) interrupts ends with `status` and its reports.
fn interrupted_by(signal: &str, status: i32, test: &str) {
    let (code, printed, dir) = interrupt(signal, test);
    assert_eq!(code, Some(status), "{}", printed.all);
    assert_interrupted(signal, &printed, &dir, test);
}

#[test]
fn sigterm_ends_a_slow_run_with_every_report_of_the_finished_cases_and_exit_143() {
    interrupted_by(
        "SIGTERM",
        143,
        "sigterm_ends_a_slow_run_with_every_report_of_the_finished_cases_and_exit_143",
    );
}

#[test]
fn sigint_ends_a_slow_run_with_every_report_of_the_finished_cases_and_exit_130() {
    interrupted_by(
        "SIGINT",
        130,
        "sigint_ends_a_slow_run_with_every_report_of_the_finished_cases_and_exit_130",
    );
}

#[test]
fn an_interrupted_run_writes_no_baseline() {
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let dir = temp_dir("interrupt-baseline");
    let baseline = dir.join("baseline.toml");
    // At 5 requests a second the whole run would take half an hour: the signal, sent as soon
    // as it starts, comes long before its end.
    let mut child = run_against(&mock.uri())
        .args(["--rps", "5", "--concurrency", "1"])
        .arg("--write-baseline")
        .arg(&baseline)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("running "), "{first}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(143), "{}", text(&output));
    assert!(!baseline.exists(), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--write-baseline"),
        "{}",
        text(&output)
    );
}

#[test]
fn a_target_that_cannot_be_reached_or_logged_into_writes_its_reports_and_exits_3() {
    let test = "a_target_that_cannot_be_reached_or_logged_into_writes_its_reports_and_exits_3";
    // A port nothing listens on: the port of a mock that has stopped.
    let gone = {
        let mock = MockConsole::start(MockConfig::default()).unwrap();
        mock.uri()
    };
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    for (name, target, password, why) in [
        ("unreachable", gone.as_str(), ADMIN_PASSWORD, "cannot reach"),
        (
            "unauthenticated",
            mock.uri().as_str(),
            "not-the-password",
            "login to",
        ),
    ] {
        let dir = temp_dir(&format!("interrupt-{name}"));
        let output = run_against(target)
            .arg("pagination")
            .args(reports(&dir))
            .env("VSPC_PASSWORD", password)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "{name}: {}", text(&output));
        let json = assert_reports_written(&dir, test);
        let failed = &json["target_failed"];
        let reason = failed["reason"].as_str().unwrap();
        assert!(reason.starts_with(why), "{name}: {reason}");
        assert!(failed["not_run"].as_u64().unwrap() > 0, "{name}: {failed}");
        assert_eq!(json["cases"], serde_json::json!([]), "{name}");
        assert_eq!(json["summary"]["cases"], 0, "{name}");
        assert!(json.get("interrupted").is_none(), "{name}");
        let said = format!("{} cases not run: {reason}", failed["not_run"]);
        for report in ["report.md", "report.html"] {
            let text = unescape(&read(&dir, report));
            assert!(
                text.contains(&said),
                "{name}: {report} does not say `{said}`:\n{text}"
            );
        }
        assert!(
            read(&dir, "report.xml").contains(r#"<property name="target_failed" value=""#),
            "{name}"
        );
        assert!(!text(&output).contains(ADMIN_PASSWORD), "{name}");
    }
}

/// HTML text as read: the entities the report writes, undone.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
