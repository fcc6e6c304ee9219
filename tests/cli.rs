//! The command as a user meets it: exit statuses, diagnostics, reports, secrets.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vspc-conformance"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in [
        "VSPC_TARGET",
        "VSPC_TOKEN",
        "VSPC_READONLY_TOKEN",
        "VSPC_USERNAME",
        "VSPC_PASSWORD",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vspc-conformance-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

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
        text(&output).contains("--var `novalue`"),
        "{}",
        text(&output)
    );
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
