//! Sharding: disjoint shards of one run, merged, give the single run's report (timings aside).
//! Shards by `run --partition` (count and hash), and shards run by cargo-nextest's
//! `--partition` over the conformance trials writing one-case reports (`VSPC_REPORT_DIR`).

mod common;

use common::{assert_valid_report, bin, read_json, temp_dir, text, tool_or_skip, without_timings};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The report as compared across runs: no timings, cases by name, and what varies run to run
/// left out: how many copies of a burst the mock throttled, an async action's id and polls.
fn comparable(report: Value) -> Value {
    let mut report = without_timings(report);
    if let Some(cases) = report["cases"].as_array_mut() {
        cases.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        for case in cases {
            if let Some(burst) = case["observed"].get_mut("burst") {
                burst["statuses"] = Value::Null;
                burst["transport_errors"] = Value::Null;
            }
            // An async action's id is new each run, and how often it was polled is timing.
            if let Some(action) = case["observed"].get_mut("async_action") {
                action["action"] = Value::Null;
                action["polls"] = Value::Null;
            }
        }
    }
    report
}

fn names(report: &Value) -> BTreeSet<String> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// One run of the selected cases (`filters` as for `run`) as a JSON report.
fn single_run(dir: &Path, filters: &[&str]) -> Value {
    let path = dir.join("single.json");
    let output = bin()
        .arg("run")
        .args(filters)
        .arg("--report")
        .arg(format!("json={}", path.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    read_json(&path)
}

fn merge(inputs: &[PathBuf], out: &Path) -> Value {
    let output = bin()
        .arg("merge")
        .args(inputs)
        .arg("--report")
        .arg(format!("json={}", out.display()))
        .arg("--report")
        .arg(format!("md={}", out.with_extension("md").display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let merged = read_json(out);
    assert_valid_report(&merged, "merged");
    merged
}

fn assert_same_report(merged: Value, single: Value, what: &str) {
    let (merged, single) = (comparable(merged), comparable(single));
    if merged != single {
        let (m, s) = (merged.to_string(), single.to_string());
        let at = m.chars().zip(s.chars()).take_while(|(a, b)| a == b).count();
        let from = at.saturating_sub(200);
        panic!(
            "{what}: the merged report differs from the single run's at character {at}:\nmerged: {}\nsingle: {}",
            &m.chars().skip(from).take(400).collect::<String>(),
            &s.chars().skip(from).take(400).collect::<String>()
        );
    }
}

#[test]
fn run_partitions_are_disjoint_and_merge_into_the_single_run() {
    let dir = temp_dir("sharding-run");
    let single = single_run(&dir, &[]);
    let all = names(&single);
    for scheme in ["count", "hash"] {
        let mut shards = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for k in 1..=3 {
            let path = dir.join(format!("{scheme}-{k}.json"));
            let output = bin()
                .args(["run", "--partition", &format!("{scheme}:{k}/3"), "--report"])
                .arg(format!("json={}", path.display()))
                .output()
                .unwrap();
            assert_eq!(output.status.code(), Some(0), "{}", text(&output));
            let shard = read_json(&path);
            assert_valid_report(&shard, "shard");
            assert_eq!(shard["partition"], format!("{scheme}:{k}/3"));
            write_small(&shard, &dir.join(format!("{scheme}-{k}-small.json")));
            let shard_names = names(&shard);
            assert!(!shard_names.is_empty(), "{scheme}:{k}/3 is empty");
            assert!(seen.is_disjoint(&shard_names), "{scheme}:{k}/3 overlaps");
            seen.extend(shard_names);
            shards.push(path);
        }
        assert_eq!(seen, all, "{scheme}: the shards together are the whole run");
        let merged = merge(&shards, &dir.join(format!("{scheme}-merged.json")));
        assert_same_report(merged, single.clone(), scheme);
    }
    lost_doubled_and_interrupted_shards(&dir);
    // Four whole runs' reports: hundreds of MB, kept only when the test fails.
    let _ = std::fs::remove_dir_all(&dir);
}

/// The shard's report with its first two cases only: what `merge` checks of the shards does not
/// depend on their cases, and small reports keep the checks fast.
fn write_small(shard: &Value, path: &Path) {
    let mut small = shard.clone();
    if let Some(cases) = small["cases"].as_array_mut() {
        cases.truncate(2);
    }
    std::fs::write(path, small.to_string()).unwrap();
}

/// `merge` of shards `count:K/3` (their small copies in `dir`) that are not each there once,
/// and of an interrupted one.
fn lost_doubled_and_interrupted_shards(dir: &Path) {
    let shard = |k: u32| dir.join(format!("count-{k}-small.json"));
    let refused = |inputs: &[PathBuf], says: &str| {
        let output = bin().arg("merge").args(inputs).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(text(&output).contains(says), "{says}: {}", text(&output));
    };
    // Overlapping whole runs are refused, naming the case and both reports; a shard with a
    // whole run, as not one run's shards.
    let mut whole = read_json(&shard(1));
    whole.as_object_mut().unwrap().remove("partition");
    let (whole_path, again) = (dir.join("whole.json"), dir.join("whole-again.json"));
    for path in [&whole_path, &again] {
        std::fs::write(path, whole.to_string()).unwrap();
    }
    refused(&[whole_path.clone(), again], "shards must be disjoint");
    refused(
        &[shard(2), whole_path],
        "not shards of one run: partition differs",
    );
    // Two shards of three: the merge names the one missing.
    refused(
        &[shard(1), shard(3)],
        "shard count:2/3 is missing: a merge needs all 3 shards of the run, and was given count:1/3, count:3/3",
    );
    // A shard given twice, under two names.
    let twice = dir.join("count-2-small-again.json");
    std::fs::copy(shard(2), &twice).unwrap();
    refused(
        &[shard(1), shard(2), twice, shard(3)],
        "shard count:2/3 is given twice",
    );
    // An interrupted shard makes an interrupted merge, with the shard's exit status.
    let mut interrupted = read_json(&shard(2));
    interrupted["interrupted"] = serde_json::json!({"signal": "SIGTERM", "not_run": 5});
    let path = dir.join("count-2-interrupted.json");
    std::fs::write(&path, interrupted.to_string()).unwrap();
    let out = dir.join("merged-interrupted.json");
    let output = bin()
        .arg("merge")
        .args([shard(1), path, shard(3)])
        .arg("--report")
        .arg(format!("json={}", out.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(143), "{}", text(&output));
    assert!(
        text(&output).contains("5 cases not run: interrupted by SIGTERM"),
        "{}",
        text(&output)
    );
    let merged = read_json(&out);
    assert_valid_report(&merged, "merged interrupted");
    assert_eq!(
        merged["interrupted"],
        serde_json::json!({"signal": "SIGTERM", "not_run": 5})
    );
}

#[test]
fn nextest_partitions_of_the_trials_merge_into_the_single_run() {
    let test = "nextest_partitions_of_the_trials_merge_into_the_single_run";
    if tool_or_skip(
        "cargo-nextest",
        test,
        "cargo install cargo-nextest --locked",
    )
    .is_none()
    {
        return;
    }
    let dir = temp_dir("sharding-nextest");
    // Under nextest every trial is a process of its own (a mock and a login each), so the
    // hand-written cases stand for the whole: the sweep's thousands would take minutes.
    let single = single_run(&dir, &["--skip", "sweep::"]);
    let mut shard_dirs = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for k in 1..=3 {
        let shard_dir = dir.join(format!("shard-{k}"));
        let output = common::cargo()
            .args(["nextest", "run", "--test", "conformance", "--no-fail-fast"])
            // The profile this test was built in: `cargo test --release` builds no debug tree.
            .args(if cfg!(debug_assertions) {
                None
            } else {
                Some("--release")
            })
            .args(["-E", "not test(/^sweep::/)"])
            .args([
                "--partition",
                &format!("count:{k}/3"),
                "--run-ignored",
                "all",
            ])
            .env("VSPC_REPORT_DIR", &shard_dir)
            .env_remove("VSPC_TARGET")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "nextest shard {k}:\n{}",
            text(&output)
        );
        let fragments: BTreeSet<String> = std::fs::read_dir(&shard_dir)
            .unwrap()
            .map(|e| {
                let report = read_json(&e.unwrap().path());
                assert_valid_report(&report, "one-case");
                report["cases"][0]["name"].as_str().unwrap().to_string()
            })
            .collect();
        assert!(!fragments.is_empty(), "shard {k} wrote no report");
        assert!(seen.is_disjoint(&fragments), "shard {k} overlaps");
        seen.extend(fragments);
        shard_dirs.push(shard_dir);
    }
    assert_eq!(
        seen,
        names(&single),
        "the shards together are the whole run"
    );
    let merged = merge(&shard_dirs, &dir.join("merged.json"));
    assert_same_report(merged, single, "nextest shards");
    let _ = std::fs::remove_dir_all(&dir);
}
