//! Known deviations end to end: a baseline written from a run against one violation mode makes
//! the next run green; a second mode makes it red again, naming only what is new. A rule broken
//! everywhere is one entry, not one per case. Changed and expired entries fail, fixed ones fail
//! only under --strict-baseline, every report shows known, new and fixed apart, and the file
//! format has a generated schema and positioned diagnostics.

mod common;

use common::{assert_valid_junit, assert_valid_report, bin, read_json, temp_dir, text};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use vspc_conformance::baseline::BaselineFile;

/// The cases of the baseline's runs: 400s and 401s (bent by `type-missing`).
const SELECTED: [&str; 2] = ["pagination", "auth::"];
/// And 404s, which `message-vague` bends: cases the baseline never saw fail.
const WITH_404S: [&str; 3] = ["pagination", "auth::", "resources::missing_"];

fn run(violation: &str, args: &[&str], dir: &Path) -> (Output, Value) {
    run_of(&SELECTED, violation, args, dir)
}

fn run_of(selected: &[&str], violation: &str, args: &[&str], dir: &Path) -> (Output, Value) {
    let report = dir.join("report.json");
    let output = bin()
        .args(["run", "--color", "never", "--mock-violate", violation])
        .args(args)
        .arg("--report")
        .arg(format!("json={}", report.display()))
        .args(selected)
        .output()
        .unwrap();
    let json = read_json(&report);
    assert_valid_report(&json, "baseline run");
    (output, json)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The names of the cases of a report that stand so against the baseline.
fn standing(report: &Value, standing: &str) -> Vec<String> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["baseline"]["standing"] == standing)
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// The `FAIL <name>` lines of the terminal output.
fn failed(output: &Output) -> Vec<String> {
    text(output)
        .lines()
        .filter_map(|l| l.strip_prefix("FAIL "))
        .map(str::to_string)
        .collect()
}

fn written_baseline(dir: &Path) -> PathBuf {
    let baseline = dir.join("known.toml");
    let (output, report) = run("type-missing", &["--write-baseline", path(&baseline)], dir);
    // The run was asked for the file: written, it exits 0, though its cases did not conform.
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(report["summary"]["non_conforming"].as_u64().unwrap() > 0);
    assert!(report["summary"].get("baseline").is_none());
    assert!(
        text(&output).contains(&format!("wrote {} (", baseline.display())),
        "{}",
        text(&output)
    );
    baseline
}

/// The entry the auth cases answered 401 to: the cases of `cases/auth.toml` all fail under
/// `type-missing`, so one glob names them.
const AUTH_401: &str = "case = \"auth::*\"\nchecks = [\"envelope\", \"type\"]\nfingerprint = \"status 401, code 401, type -\"\n";
/// The cases it holds for.
const AUTH_401_CASES: [&str; 5] = [
    "auth::no_token",
    "auth::no_token_on_an_item",
    "auth::invalid_token",
    "auth::invalid_token_on_users",
    "auth::no_token_on_a_delete",
];

#[test]
fn a_baseline_makes_a_non_conforming_console_green_until_it_drifts() {
    let dir = temp_dir("baseline-drift");
    let baseline = written_baseline(&dir);
    let text_of = std::fs::read_to_string(&baseline).unwrap();
    assert!(
        text_of.contains(&format!("[[known]]\n{AUTH_401}reason = \"first seen ")),
        "{text_of}"
    );

    // The same console again: green, every failure known.
    let (output, report) = run("type-missing", &["--baseline", path(&baseline)], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let known = standing(&report, "known");
    assert_eq!(
        known.len(),
        report["summary"]["non_conforming"].as_u64().unwrap() as usize
    );
    assert!(known.len() >= 20, "{known:?}");
    assert!(failed(&output).is_empty(), "{}", text(&output));
    assert_eq!(report["summary"]["baseline"]["known"], known.len());
    assert!(text(&output).contains(&format!(
        "baseline: {} known, 0 new, 0 changed, 0 expired, 0 fixed",
        known.len()
    )));

    // It drifts: the 404 messages go vague, the types come back. Red, naming only the new.
    let (output, report) = run_of(
        &WITH_404S,
        "message-vague",
        &["--baseline", path(&baseline)],
        &dir,
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let new = standing(&report, "new");
    assert!(!new.is_empty() && new.iter().all(|n| n.starts_with("resources::missing_")));
    assert_eq!(
        failed(&output),
        new,
        "only the new failures are printed as failures"
    );
    let fixed = standing(&report, "fixed");
    assert_eq!(fixed.len(), known.len(), "every known failure conforms now");
    assert!(text(&output).contains("fixed (conforming now; their baseline entries can go):"));

    // Every report shows known, new and fixed apart.
    let dir2 = temp_dir("baseline-reports");
    let (junit, md, html) = (dir2.join("r.xml"), dir2.join("r.md"), dir2.join("r.html"));
    let output = bin()
        .args(["run", "--color", "never", "--mock-violate", "type-missing"])
        .args(["--baseline", path(&baseline)])
        .args(["--report", &format!("junit={}", junit.display())])
        .args(["--report", &format!("md={}", md.display())])
        .args(["--report", &format!("html={}", html.display())])
        .args(SELECTED)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(r#"failures="0""#), "{xml}");
    assert!(
        xml.contains(r#"<skipped message="known non-conformance (baseline): known: first seen"#),
        "{xml}"
    );
    assert_valid_junit(
        &junit,
        "a_baseline_makes_a_non_conforming_console_green_until_it_drifts",
    );
    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(
        markdown.contains("## VSPC error contract: ✅ conforming"),
        "{markdown}"
    );
    assert!(markdown.contains("Baseline: "), "{markdown}");
    assert!(
        markdown.contains("### Known non-conformances (baseline) ("),
        "{markdown}"
    );
    assert!(!markdown.contains("### Non-conforming cases"), "{markdown}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("<p id=\"baseline\">Baseline: "),
        "the HTML summary"
    );
    assert!(page.contains("id=\"filter-baseline\""), "the HTML filter");
    assert!(
        page.contains("\"standing\":\"known\""),
        "the HTML page's case data"
    );
}

/// A console that gives one wrong type on every 401 and 403 (`type-wrong`), run in full: the
/// baseline written from it holds an entry per rule, checks and fingerprint, not one per case,
/// and the next run against the same console with it exits 0, each case counted known.
#[test]
fn a_rule_broken_everywhere_is_one_entry_and_the_next_run_is_green() {
    let dir = temp_dir("baseline-root-cause");
    let baseline = dir.join("known.toml");
    let (output, report) = run_of(
        &[],
        "type-wrong",
        &["--write-baseline", path(&baseline)],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let failing: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "non_conforming")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(failing.len() > 5_000, "{}", failing.len());
    let entries = vspc_conformance::baseline::load(&baseline).unwrap();
    assert!(
        entries.len() < 20,
        "{}",
        std::fs::read_to_string(&baseline).unwrap()
    );

    // Each entry names the failures of one rule; no two name one rule's with one answer.
    let rule = |name: &str| match name.strip_prefix("sweep::") {
        Some(rest) => format!("sweep::{}", rest.split("::").next().unwrap()),
        None => name.rsplit_once("::").unwrap().0.to_string(),
    };
    let mut seen = BTreeSet::new();
    for entry in &entries {
        let rules: BTreeSet<String> = failing
            .iter()
            .filter(|name| entry.names(name))
            .map(|name| rule(name))
            .collect();
        assert_eq!(rules.len(), 1, "{:?} names {rules:?}", entry.cases);
        let key = (rules, entry.checks.clone(), entry.fingerprint.clone());
        assert!(seen.insert(key), "{:?}: a second entry", entry.cases);
    }
    assert!(
        entries
            .iter()
            .any(|e| e.cases == ["sweep::missing_token::*"])
    );

    // The same console again: green, every failure known, counted per case.
    let (output, report) = run_of(&[], "type-wrong", &["--baseline", path(&baseline)], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(report["summary"]["baseline"]["known"], failing.len());
    assert_eq!(report["summary"]["baseline"]["new"], 0);
    assert_eq!(standing(&report, "known"), failing);
    // The reports of a whole run are tens of megabytes.
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn changed_and_expired_entries_fail_fixed_ones_only_when_strict() {
    let dir = temp_dir("baseline-entries");
    let baseline = written_baseline(&dir);
    let original = std::fs::read_to_string(&baseline).unwrap();
    let entry = AUTH_401;
    assert!(original.contains(entry));

    // The console breaks the rule otherwise than the entry says: each case it named changed.
    let other = entry.replace("code 401", "code 400");
    std::fs::write(&baseline, original.replace(entry, &other)).unwrap();
    let (output, report) = run("type-missing", &["--baseline", path(&baseline)], &dir);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(standing(&report, "changed"), AUTH_401_CASES);
    assert_eq!(failed(&output), AUTH_401_CASES);
    assert!(text(&output).contains("baseline: changed: the baseline entry (first seen"));

    // The entry's last day has passed.
    let dated = format!("{entry}reason = \"VSPC-7\"\nexpires = 2001-02-03\n");
    let undated = original
        .split("\n[[known]]\n")
        .map(|block| {
            if block.starts_with(entry) {
                dated.clone()
            } else {
                block.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n[[known]]\n");
    std::fs::write(&baseline, &undated).unwrap();
    let (output, report) = run("type-missing", &["--baseline", path(&baseline)], &dir);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(standing(&report, "expired"), AUTH_401_CASES);
    assert!(
        text(&output)
            .contains("baseline: expired: the baseline entry (VSPC-7) held until 2001-02-03")
    );

    // Rewriting keeps the reason and the date of an entry that exists.
    let rewritten = dir.join("rewritten.toml");
    let (output, _) = run(
        "type-missing",
        &[
            "--baseline",
            path(&baseline),
            "--write-baseline",
            path(&rewritten),
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let again = std::fs::read_to_string(&rewritten).unwrap();
    assert!(again.contains(&dated), "{again}");

    // A conforming console: every entry is fixed, which fails only under --strict-baseline.
    std::fs::write(&baseline, &original).unwrap();
    let conforming = |strict: &[&str]| {
        let output = bin()
            .args(["run", "--color", "never", "--baseline", path(&baseline)])
            .args(strict)
            .args(SELECTED)
            .output()
            .unwrap();
        (output.status.code(), text(&output))
    };
    let (code, shown) = conforming(&[]);
    assert_eq!(code, Some(0), "{shown}");
    assert!(shown.contains(" 0 new, 0 changed, 0 expired, "), "{shown}");
    let (code, shown) = conforming(&["--strict-baseline"]);
    assert_eq!(code, Some(1), "{shown}");
}

#[test]
fn the_config_file_names_the_baseline_relative_to_itself() {
    let dir = temp_dir("baseline-config");
    let baseline = written_baseline(&dir);
    let config = dir.join("vspc-conformance.toml");
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    std::fs::write(
        &config,
        format!(
            "cases = [{:?}]\nbaseline = {:?}\n",
            cases.display().to_string(),
            baseline.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    let output = bin()
        .args(["run", "--color", "never", "--mock-violate", "type-missing"])
        .args(["--config", path(&config)])
        .args(SELECTED)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
}

#[test]
fn a_broken_baseline_is_bad_input_pointing_at_its_line_and_column() {
    let dir = temp_dir("baseline-broken");
    let baseline = dir.join("known.toml");
    std::fs::write(
        &baseline,
        "[[known]]\ncase = \"auth::no_token\"\nchecks = [\"typ\"]\nfingerprint = \"status 401, code 401, type -\"\nreason = \"\"\n",
    )
    .unwrap();
    for args in [
        vec!["lint", "--baseline", path(&baseline)],
        vec!["run", "--baseline", path(&baseline), "pagination"],
    ] {
        let output = bin().args(&args).output().unwrap();
        let shown = text(&output);
        assert_eq!(output.status.code(), Some(2), "{shown}");
        assert!(
            shown.contains(&format!("{}:3:11", baseline.display())),
            "{shown}"
        );
        assert!(shown.contains("unknown check `typ`"), "{shown}");
        assert!(shown.contains("did you mean `type`?"), "{shown}");
    }
    let good_dir = temp_dir("baseline-good");
    let good = written_baseline(&good_dir);
    let output = bin()
        .args(["lint", "--baseline", path(&good)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(text(&output).contains("known non-conformances, no problems"));
}

#[test]
fn the_committed_baseline_schema_matches_the_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/baseline.schema.json");
    let mut schema = serde_json::to_value(schemars::schema_for!(BaselineFile)).unwrap();
    schema["$id"] = "https://vspc-conformance.invalid/schemas/baseline.schema.json".into();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&schema).unwrap() + "\n").unwrap();
    }
    let committed = read_json(&path);
    assert_eq!(
        committed, schema,
        "schemas/baseline.schema.json is stale: UPDATE_SCHEMAS=1 cargo test --test baseline"
    );
}
