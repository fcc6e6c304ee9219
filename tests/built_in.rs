//! The binary carries its cases: copied into an empty folder, far from any checkout, it runs
//! exactly the cases it runs in the checkout, names a built-in case's file and line as in the
//! checkout, and runs a user's case file with the built-in cases (`--add-cases`) or instead of
//! them (`--cases`). In the checkout it was built from, it reads `cases/` from the disk.

mod common;

use common::{TempDir, assert_valid_report, bin, read_json, temp_dir, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A user's own case, in a file of its own.
const MINE: &str = r#"[[case]]
name = "offset_below_zero"
request = { method = "GET", path = "/organizations/companies", query = { offset = -7 } }
expect = { code = 400, parameter = "offset" }
"#;

/// The built binary, copied into a fresh empty folder; the folder goes when the copy does (a
/// binary is tens of megabytes).
struct Copy {
    dir: TempDir,
    binary: PathBuf,
}

impl Copy {
    fn new(name: &str) -> Copy {
        let dir = temp_dir(name);
        let binary = dir.join("vspc-conformance");
        std::fs::copy(env!("CARGO_BIN_EXE_vspc-conformance"), &binary).unwrap();
        Copy { dir, binary }
    }

    /// The copy, run in its folder with no variable of the environment that would aim it
    /// elsewhere.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(&self.binary)
            .current_dir(&self.dir)
            .env_remove("VSPC_TARGET")
            .env_remove("VSPC_ROLE_TOKENS")
            .args(args)
            .output()
            .unwrap()
    }

    /// The JSON report of a run that conformed.
    fn reported(&self, args: &[&str]) -> Value {
        let run = ["run", "--color", "never", "--report", "json=report.json"];
        let output = self.run(&[&run[..], args].concat());
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
        let report = read_json(&self.dir.join("report.json"));
        assert_valid_report(&report, "built-in run");
        report
    }
}

/// `--list`'s lines as (name, origin).
fn listed(output: &Output) -> Vec<(String, String)> {
    assert_eq!(output.status.code(), Some(0), "{}", text(output));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let (name, origin) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("`{line}` has no origin"));
            (name.to_string(), origin.to_string())
        })
        .collect()
}

/// A JSON report's case names.
fn names(report: &Value) -> Vec<&str> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

#[test]
fn outside_a_checkout_the_binary_runs_the_cases_it_runs_inside_one() {
    let copy = Copy::new("built-in-elsewhere");
    let inside = listed(&bin().args(["run", "--list"]).output().unwrap());
    let outside = listed(&copy.run(&["run", "--list"]));
    let names_of = |list: &[(String, String)]| list.iter().map(|(n, _)| n.clone()).collect();
    let (inside_names, outside_names): (Vec<String>, Vec<String>) =
        (names_of(&inside), names_of(&outside));
    assert!(inside_names.len() > 10_000, "{}", inside_names.len());
    assert!(
        inside_names == outside_names,
        "the same cases, in the same order"
    );
    // Inside, each case names the file it was read from; outside, the copy built in.
    for ((_, here), (_, there)) in inside.iter().zip(&outside) {
        assert!(here.starts_with("cases/"), "{here}");
        assert_eq!(*there, format!("built-in ({here})"));
    }

    // The whole run, out there.
    let json = copy.reported(&[]);
    assert_eq!(json["summary"]["cases"], inside_names.len());
    assert_eq!(json["summary"]["conforming"], inside_names.len());
    assert_eq!(
        json["cases"][0]["file"],
        inside[0].1.split(':').next().unwrap()
    );
}

#[test]
fn a_built_in_case_that_fails_names_its_file_and_line_as_in_the_checkout() {
    let copy = Copy::new("built-in-failure");
    let args = [
        "run",
        "--color",
        "never",
        "--mock-violate",
        "type-missing",
        "--exact",
        "auth::no_token",
    ];
    let outside = copy.run(&args);
    let inside = bin().args(args).output().unwrap();
    assert_eq!(outside.status.code(), Some(1), "{}", text(&outside));
    let at = |output: &Output| {
        text(output)
            .lines()
            .find(|l| l.trim_start().starts_with("--> "))
            .map(str::to_string)
    };
    assert_eq!(at(&outside), Some("  --> cases/auth.toml:6:1".to_string()));
    assert_eq!(at(&outside), at(&inside));
}

#[test]
fn a_users_case_file_runs_with_the_built_in_cases_or_instead_of_them() {
    let copy = Copy::new("built-in-mine");
    std::fs::write(copy.dir.join("mine.toml"), MINE).unwrap();
    let built_in = listed(&copy.run(&["run", "--list"])).len();

    // With them: every built-in case and the user's, which says where it comes from.
    let with = listed(&copy.run(&["run", "--list", "--add-cases", "mine.toml"]));
    assert_eq!(with.len(), built_in + 1);
    assert!(with.contains(&("mine::offset_below_zero".into(), "mine.toml:1".into())));
    let report = copy.reported(&["--add-cases", "mine.toml", "auth::", "mine::"]);
    let ran = names(&report);
    assert!(ran.contains(&"mine::offset_below_zero"), "{ran:?}");
    assert!(ran.contains(&"auth::no_token"), "{ran:?}");

    // Instead of them: only the user's.
    let report = copy.reported(&["--cases", "mine.toml"]);
    assert_eq!(names(&report), ["mine::offset_below_zero"]);
    assert_eq!(report["cases"][0]["outcome"], "conforming");

    // A user's case named as a built-in one is refused, naming both places.
    std::fs::write(
        copy.dir.join("auth.toml"),
        MINE.replace("offset_below_zero", "no_token"),
    )
    .unwrap();
    let output = copy.run(&["run", "--add-cases", "auth.toml"]);
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("duplicate test name `auth::no_token`"),
        "{shown}"
    );
    assert!(shown.contains("--> auth.toml:1:1"), "{shown}");
    assert!(
        shown.contains("also defined at cases/auth.toml:6"),
        "{shown}"
    );

    // The configuration file says the same, relative to itself.
    std::fs::write(
        copy.dir.join("vspc-conformance.toml"),
        "add_cases = [\"mine.toml\"]\n",
    )
    .unwrap();
    let configured = listed(&copy.run(&["run", "--list"]));
    assert_eq!(configured.len(), built_in + 1);
}

#[test]
fn in_the_checkout_the_case_files_on_the_disk_are_the_built_in_cases() {
    // A folder whose `cases` leads to the checkout's: the binary counts it as the checkout's
    // and reads the files there, so an edited case runs without a rebuild. Any other `cases`
    // folder is the user's, run only when given.
    let copy = Copy::new("built-in-checkout");
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("cases"),
        copy.dir.join("cases"),
    )
    .unwrap();
    let linked = listed(&copy.run(&["run", "--list", "auth::no_token"]));
    assert_eq!(linked[0].1, "cases/auth.toml:6");

    let copy = Copy::new("built-in-other-cases");
    std::fs::create_dir(copy.dir.join("cases")).unwrap();
    std::fs::write(copy.dir.join("cases/mine.toml"), MINE).unwrap();
    let other = listed(&copy.run(&["run", "--list", "offset"]));
    assert!(other.iter().all(|(name, _)| !name.starts_with("mine::")));
    assert!(
        other
            .iter()
            .all(|(_, origin)| origin.starts_with("built-in ("))
    );
}
