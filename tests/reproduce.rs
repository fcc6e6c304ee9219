//! The command printed for every failure reproduces it: the generated `curl` commands, run with
//! real curl against the same mock console, get the status and body the harness saw. Skips with
//! a message only when `curl` is missing and `CI` is unset; under `CI=true` it fails instead.

mod common;

use common::{bin, read_json, temp_dir, text, tool_or_skip};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use vspc_conformance::mock::{ADMIN_PASSWORD, MockConfig, MockConsole, Violation};

/// A token from the mock's POST /token, through curl too.
fn login(mock: &MockConsole, read_only: bool) -> String {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "-d", "grant_type=password", "-d", "username=admin"])
        .arg("--data-urlencode")
        .arg(format!("password={ADMIN_PASSWORD}"));
    if read_only {
        cmd.args(["-d", "readOnly=true"]);
    }
    let output = cmd
        .arg(format!("{}/api/v3/token", mock.uri()))
        .output()
        .unwrap();
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    answer["access_token"].as_str().unwrap().to_string()
}

/// Runs one command as the shell reads it; the status and the body.
fn replay(command: &str, env: &[(&str, &str)], dir: &Path) -> (u16, Vec<u8>) {
    let body = dir.join("body");
    let line = format!("{command} -o '{}' -w '%{{http_code}}'", body.display());
    let output = Command::new("sh")
        .args(["-c", &line])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    (status, std::fs::read(&body).unwrap_or_default())
}

#[test]
fn every_failing_case_comes_with_a_curl_command_that_reproduces_it() {
    let test = "every_failing_case_comes_with_a_curl_command_that_reproduces_it";
    if tool_or_skip("curl", test, "apt-get install curl").is_none() {
        return;
    }
    let dir = temp_dir("reproduce");
    let mock = MockConsole::start(MockConfig {
        violation: Violation::parse("type-missing"),
        ..MockConfig::default()
    })
    .unwrap();
    let (json, script) = (dir.join("report.json"), dir.join("failures.sh"));
    let mut run = bin();
    run.args([
        "run",
        "--color",
        "never",
        "--concurrency",
        "1",
        "--allow-mutations",
    ])
    .args(["--target", &mock.uri()])
    .args(["--username", "admin", "--password", ADMIN_PASSWORD])
    .arg("--report")
    .arg(format!("json={}", json.display()))
    .arg("--report")
    .arg(format!("curl={}", script.display()));
    for (name, value) in mock.variables() {
        run.arg("--var").arg(format!("{name}={value}"));
    }
    run.args(["pagination", "auth::", "resources::duplicate_user_login"]);
    let output = run.output().unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("reproduce:\n   curl -sS -w '\\nHTTP %{http_code}\\n' -g -X 'GET' '"),
        "{shown}"
    );

    let token = login(&mock, false);
    let read_only = login(&mock, true);
    // The one secret member these cases send is the password of the user the case would create.
    let env = [
        ("VSPC_TOKEN", token.as_str()),
        ("VSPC_READONLY_TOKEN", read_only.as_str()),
        ("VSPC_PASSWORD", "Never-used-1"),
    ];
    let report = read_json(&json);
    let failing: Vec<&Value> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "non_conforming")
        .collect();
    assert!(failing.len() >= 20, "{shown}");
    let mut kinds = std::collections::BTreeSet::new();
    for case in &failing {
        let name = &case["name"];
        let command = case["curl"]
            .as_str()
            .unwrap_or_else(|| panic!("{name} has no curl"));
        assert!(
            !command.contains(&token) && !command.contains("Never-used-1"),
            "{command}"
        );
        kinds.insert(
            case["request"]["credentials"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        );
        let (status, body) = replay(command, &env, &dir);
        assert_eq!(
            status as u64, case["observed"]["status"],
            "{name}: {command}"
        );
        let body: Value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        assert_eq!(body, case["observed"]["body"], "{name}: {command}");
    }
    // Every kind of credentials was reproduced, and a JSON body with a secret member.
    assert_eq!(
        kinds,
        ["default", "invalid", "none", "read-only"]
            .map(String::from)
            .into()
    );
    assert!(failing.iter().any(|c| {
        c["curl"]
            .as_str()
            .is_some_and(|c| c.contains(r#""password":"'"$VSPC_PASSWORD"'""#))
    }));

    // The script holds every failing case, each after its name and failed checks, and runs.
    let script_text = std::fs::read_to_string(&script).unwrap();
    for case in &failing {
        let name = case["name"].as_str().unwrap();
        let at = script_text
            .find(&format!("\n# {name} ("))
            .unwrap_or_else(|| panic!("the script lacks {name}"));
        let after = &script_text[at..];
        assert!(after.contains("#   type: "), "{after}");
        assert!(after.contains(case["curl"].as_str().unwrap()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "the script is executable");
    }
    // It sends one request at a time, paced (VSPC_RPS a second), and shows each answer's status.
    assert_eq!(
        script_text.matches("\nsleep \"$pause\"\n").count(),
        failing.len() - 1
    );
    let started = std::time::Instant::now();
    let ran = Command::new(&script)
        .envs(env)
        .env("VSPC_RPS", "40")
        .output()
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    assert!(ran.status.success(), "{}", text(&ran));
    let paced = (failing.len() - 1) as f64 / 40.0;
    assert!(took >= paced, "{} requests in {took:.2}s", failing.len());
    let printed = String::from_utf8_lossy(&ran.stdout);
    let answers: Vec<&str> = printed.split("==> ").skip(1).collect();
    assert_eq!(answers.len(), failing.len(), "{printed}");
    for (case, answer) in failing.iter().zip(&answers) {
        let (name, rest) = answer.split_once('\n').unwrap();
        assert_eq!(name, case["name"].as_str().unwrap());
        let status = rest.trim_end().lines().last().unwrap_or("");
        assert_eq!(
            status,
            format!("HTTP {}", case["observed"]["status"]),
            "{name}: {rest}"
        );
    }
    assert!(!script_text.contains(&token) && !script_text.contains(&read_only));
    // The password the harness logged in with reaches no output.
    let report_text = std::fs::read_to_string(&json).unwrap();
    for written in [&shown, &report_text, &script_text] {
        assert!(!written.contains(ADMIN_PASSWORD));
    }
}
