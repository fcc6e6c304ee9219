//! The command in a shell, as a user first meets it: piped into `head`, asked for `--help`,
//! completed by the shell, and looked at (`--list`, `--dry-run`, `lint`) before any secret is
//! set.

mod common;

use common::{bin, temp_dir, text};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{ExitStatus, Stdio};

/// Ended by itself with `expected`, or by SIGPIPE; never by a panic (101).
fn quiet_end(status: ExitStatus, expected: i32, stderr: &str, what: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if status.signal() == Some(13) {
            return;
        }
    }
    assert_eq!(status.code(), Some(expected), "{what}: {status}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{what}: {stderr}");
}

/// Runs the command with stdout piped, reads its first line, closes the pipe as `head -1`
/// does, and waits.
fn first_line_then_close(args: &[&str], dir: &Path) -> (String, ExitStatus, String) {
    let mut child = bin()
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // The reader is dropped here: the rest of stdout has nowhere to go.
    let output = child.wait_with_output().unwrap();
    (
        line,
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Each prints far more than a pipe holds, so the pipe is closed while it still writes.
    for args in [&["run", "--list"][..], &["run", "--dry-run"]] {
        let what = args.join(" ");
        let (line, status, stderr) = first_line_then_close(args, root);
        assert!(!line.trim().is_empty(), "{what}: no first line");
        quiet_end(status, 0, &stderr, &what);
    }
    // A run goes on when its terminal output has no reader: its report file is written whole
    // and its exit status is its verdict.
    let dir = temp_dir("shell-pipe");
    let report = dir.join("report.json");
    let report_arg = format!("json={}", report.display());
    for (violation, verdict) in [(None, 0), (Some("type-missing"), 1)] {
        let mut args = vec![
            "run",
            "--verbose",
            "--color",
            "never",
            "--report",
            &report_arg,
        ];
        if let Some(mode) = violation {
            args.extend(["--mock-violate", mode]);
        }
        args.push("pagination");
        let (line, status, stderr) = first_line_then_close(&args, root);
        assert!(line.starts_with("running "), "{line}");
        quiet_end(status, verdict, &stderr, &format!("run {violation:?}"));
        let written = common::read_json(&report);
        assert!(
            written["summary"]["cases"].as_u64().unwrap() > 1,
            "{written}"
        );
        std::fs::remove_file(&report).unwrap();
    }
    // A report on stdout whose reader went away is no failure of the run.
    let (line, status, stderr) =
        first_line_then_close(&["run", "--report", "json=-", "pagination"], root);
    assert_eq!(line.trim(), "{");
    quiet_end(status, 0, &stderr, "run --report json=-");
}

#[test]
fn help_reads_as_plain_text() {
    let mut subcommands = vec![Vec::new()];
    subcommands.extend(["run", "mock", "lint", "merge", "completions"].map(|s| vec![s]));
    for sub in subcommands {
        for help in ["--help", "-h"] {
            let output = bin().args(&sub).arg(help).output().unwrap();
            let shown = text(&output);
            assert!(output.status.success(), "{sub:?} {help}: {shown}");
            for markup in ["[`", "`]", "](", "<!--"] {
                assert!(
                    !shown.contains(markup),
                    "{sub:?} {help} shows rustdoc markup `{markup}`:\n{shown}"
                );
            }
        }
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef vspc-conformance"),
        ("fish", "complete -c vspc-conformance"),
    ] {
        let output = bin().args(["completions", shell]).output().unwrap();
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{shell}: {}", text(&output));
        assert!(script.contains(marker), "{shell}: {script}");
        for word in ["run", "lint", "merge", "partition", "report"] {
            assert!(script.contains(word), "{shell} completion lacks `{word}`");
        }
    }
    let output = bin().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
}

/// A folder with a configuration for a console whose password variable is not set, a case file
/// of its own and a baseline, and no `cases/` beside it.
fn configured_folder() -> common::TempDir {
    let dir = temp_dir("shell-config");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir.join("conformance")).unwrap();
    std::fs::copy(
        root.join("cases/auth.toml"),
        dir.join("conformance/auth.toml"),
    )
    .unwrap();
    std::fs::write(dir.join("known.toml"), "").unwrap();
    std::fs::write(
        dir.join("vspc-conformance.toml"),
        "target = \"https://vspc-staging.invalid:1280\"\n\
         cases = [\"conformance\"]\n\
         baseline = \"known.toml\"\n\
         [credentials]\n\
         username = \"conformance-bot\"\n\
         password_env = \"VSPC_SHELL_TEST_UNSET_PASSWORD\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn looking_before_running_needs_no_secret() {
    let dir = configured_folder();
    let run = |args: &[&str]| {
        let output = bin()
            .args(args)
            .current_dir(&dir)
            .env_remove("VSPC_SHELL_TEST_UNSET_PASSWORD")
            .output()
            .unwrap();
        (output.status.code(), text(&output), output)
    };
    let (code, shown, output) = run(&["run", "--list"]);
    assert_eq!(code, Some(0), "{shown}");
    let listed = String::from_utf8_lossy(&output.stdout).lines().count();
    assert!(shown.contains("auth::no_token\t"), "{shown}");

    let (code, shown, _) = run(&["run", "--dry-run"]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains("login POST /api/v3/token  (password grant as `conformance-bot`)"),
        "{shown}"
    );
    assert!(
        shown.contains("warning: the configuration takes the password from $VSPC_SHELL_TEST_UNSET_PASSWORD, which is not set"),
        "{shown}"
    );

    // lint reads what a run would: the configuration's cases and baseline, with --baseline too.
    for args in [&["lint"][..], &["lint", "--baseline", "known.toml"]] {
        let (code, shown, _) = run(args);
        assert_eq!(code, Some(0), "{args:?}: {shown}");
        assert!(
            shown.contains(&format!("{listed} cases")),
            "{args:?}: {shown}"
        );
        assert!(shown.contains("known.toml: 0 known"), "{args:?}: {shown}");
    }

    // Sending needs the secret, and says which variable holds it, before anything is sent.
    let (code, shown, _) = run(&["run"]);
    assert_eq!(code, Some(2), "{shown}");
    assert!(shown.contains("$VSPC_SHELL_TEST_UNSET_PASSWORD"), "{shown}");
}
