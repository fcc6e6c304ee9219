//! No token, refresh token or password reaches a snapshot, a report or the output of the test
//! harness. `cargo test --test conformance` runs against the mock as against a staging console,
//! writing snapshots (`VSPC_SNAPSHOT_DIR`) and one-case JSON reports (`VSPC_REPORT_DIR`), once
//! with given tokens and once logging in; then everything written and printed is searched.
//! (`tests/cli.rs` does the same for `run` with every report format.)

mod common;

use std::path::{Path, PathBuf};
use vspc_conformance::mock::{ADMIN_PASSWORD, ADMIN_USERNAME, MockConfig, MockConsole};
use vspc_conformance::send::{SendOptions, Sender};
use vspc_conformance::target::Secret;
use vspc_conformance::token::login;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Runs the whole conformance harness against the mock; returns all it printed and wrote.
fn harness(mock: &MockConsole, dir: &Path, env: &[(&str, &str)]) -> String {
    let output = common::cargo()
        // The hand-written cases hold every credential kind (none, invalid, read-only, the
        // token grant itself); the sweep's 7,000 cases repeat them and are searched by
        // `tests/cli.rs`'s run with every report format.
        .args(["test", "-q", "--test", "conformance"])
        // The profile this test was built in: `cargo test --release` builds no debug tree.
        .args(if cfg!(debug_assertions) {
            None
        } else {
            Some("--release")
        })
        .args(["--", "--skip", "sweep::"])
        .env("VSPC_TARGET", mock.uri())
        .env("VSPC_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("VSPC_REPORT_DIR", dir.join("reports"))
        .env("INSTA_UPDATE", "always")
        .env("INSTA_FORCE_PASS", "1")
        .env_remove("CI")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        printed.contains("test result"),
        "the harness ran:\n{printed}"
    );
    let mut written = Vec::new();
    files(dir, &mut written);
    assert!(
        written
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "snap")),
        "snapshots were written"
    );
    assert!(
        written
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "json")),
        "reports were written"
    );
    let mut everything = printed;
    for path in written {
        everything.push_str(&std::fs::read_to_string(path).unwrap_or_default());
    }
    everything
}

#[test]
fn no_secret_reaches_a_snapshot_a_report_or_the_output() {
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (token, read_only) = runtime.block_on(async {
        let sender = Sender::new(&mock.uri(), &SendOptions::default()).unwrap();
        let password = Secret::new(ADMIN_PASSWORD);
        let token = login(&sender, ADMIN_USERNAME, &password, false)
            .await
            .unwrap();
        let read_only = login(&sender, ADMIN_USERNAME, &password, true)
            .await
            .unwrap();
        (
            token.current(&sender).await.unwrap().expose().to_string(),
            read_only
                .current(&sender)
                .await
                .unwrap()
                .expose()
                .to_string(),
        )
    });
    let base = std::env::temp_dir().join(format!("vspc-secrets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let with_tokens = harness(
        &mock,
        &base.join("tokens"),
        &[("VSPC_TOKEN", &token), ("VSPC_READONLY_TOKEN", &read_only)],
    );
    let with_login = harness(
        &mock,
        &base.join("login"),
        &[
            ("VSPC_USERNAME", ADMIN_USERNAME),
            ("VSPC_PASSWORD", ADMIN_PASSWORD),
        ],
    );
    for (what, everything) in [("given tokens", &with_tokens), ("a login", &with_login)] {
        assert!(
            everything.contains("conforming") || everything.contains("HTTP 401"),
            "{what}: nothing checked"
        );
        for secret in [token.as_str(), read_only.as_str(), ADMIN_PASSWORD] {
            assert!(!everything.contains(secret), "{what}: a secret leaked");
        }
        assert!(
            !everything.contains("Bearer "),
            "{what}: an Authorization header leaked"
        );
        assert!(!everything.contains("refresh_token\": \"") || everything.contains("[redacted]"));
    }
    let _ = std::fs::remove_dir_all(&base);
}
