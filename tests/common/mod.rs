//! Helpers shared by the integration tests: the command, temporary directories,
//! and validation of reports against their schemas.
#![allow(dead_code)]

pub mod answer;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vspc-conformance"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    for var in [
        "VSPC_TARGET",
        "VSPC_TOKEN",
        "VSPC_READONLY_TOKEN",
        "VSPC_USERNAME",
        "VSPC_PASSWORD",
        "VSPC_REPORT_DIR",
        "VSPC_ROLE_TOKENS",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// The cargo running the tests, for a test that runs cargo itself; run in this crate's root. The
/// variables cargo sets for a test process (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, ...) are left
/// out: the inner cargo would see them as a change of its environment, run again the build scripts
/// that watch them (ring's watches `CARGO_PKG_NAME`) and rebuild everything above them, this crate
/// included: about a minute on 2 cores, twice (once more for the next plain `cargo test`).
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        let set_for_tests = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_EXE_")
            || matches!(
                name,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_MANIFEST_LINKS"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "OUT_DIR"
            );
        if set_for_tests {
            cmd.env_remove(name);
        }
    }
    cmd
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A fresh directory under the system's temp dir, unique to this test process and name. It is
/// removed when the test passes and kept, with its path printed, when the test fails: a run of
/// the whole suite writes over a gigabyte of reports there, which must not pile up in `/tmp`.
pub fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("vspc-conformance-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// See [`temp_dir`].
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempDir {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept for inspection: {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Panics with every violation when the report does not validate against
/// `schemas/report.schema.json`.
pub fn assert_valid_report(report: &serde_json::Value, what: &str) {
    let schema =
        read_json(&Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json"));
    let validator = jsonschema::draft202012::new(&schema).expect("the report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .take(20)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the {what} JSON report does not validate against schemas/report.schema.json:\n{}",
        errors.join("\n")
    );
}

/// Whether CI is running us: there, a missing tool is a failure, not a skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The path of a program on PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// The program, or `None` after printing why the test is skipped; under CI a missing program
/// fails the test instead.
pub fn tool_or_skip(program: &str, test: &str, install: &str) -> Option<PathBuf> {
    match which(program) {
        Some(path) => Some(path),
        None if under_ci() => panic!(
            "{test}: `{program}` is not installed and CI is set, so this test may not skip; install it with `{install}` (.ci/run does)"
        ),
        None => {
            // Written to stderr directly, past libtest's capture, so the skip is seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: `{program}` is not installed (install it with `{install}`; under CI=true this test fails instead)"
            );
            None
        }
    }
}

/// Validates a JUnit report against `tests/junit.xsd` with xmllint; skips (outside CI) when
/// xmllint is missing.
pub fn assert_valid_junit(path: &Path, test: &str) {
    let Some(xmllint) = tool_or_skip("xmllint", test, "apt-get install libxml2-utils") else {
        return;
    };
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit.xsd");
    let output = Command::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{} does not validate against tests/junit.xsd:\n{}",
        path.display(),
        text(&output)
    );
}

/// The report without what changes from run to run (timings), for comparing runs.
pub fn without_timings(mut report: serde_json::Value) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("elapsed_ms");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut report);
    report
}
