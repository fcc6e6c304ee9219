//! The harness's self-test: every violation mode of the mock bends one rule of the contract, and
//! `run --mock-violate MODE` over the shipped cases must exit 1 with failures in the check that
//! guards that rule. Prints the sensitivity table (mode -> check -> failing verdicts per check),
//! read from each run's JSON report: `cargo test --test violations -- --nocapture`.

mod common;

use common::bin;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use vspc_conformance::case;
use vspc_conformance::check::Check;
use vspc_conformance::contract::ApiVersion;
use vspc_conformance::mock::{MockConfig, Violation};
use vspc_conformance::run::{self, RunOptions};
use vspc_conformance::send::SendOptions;
use vspc_conformance::target::{Auth, Target, TargetSpec};

/// The modes as the command lists them: `name<TAB>check`.
fn listed_modes() -> Vec<(String, String)> {
    let output = bin().args(["mock", "--list-violations"]).output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (mode, check) = line.split_once('\t').unwrap();
            (mode.to_string(), check.to_string())
        })
        .collect()
}

/// The modes that bend a rule the contract does not state at the default version fail where the
/// rule is firm: custom codes travel with 520 as the 3.7 spec states, `retryAfter` is required
/// when the user reads it so, and `failedJsonPatch` rests on the documented 1001 example. By
/// default they are deviations (`a_rule_not_stated_is_bent_as_a_deviation` below).
fn judged_as_bent(mode: &str) -> &'static [&'static str] {
    match mode {
        "custom-code-400" => &["--api-version", "3.7"],
        "retry-after-missing" => &["--retry-after", "required"],
        "patch-missing" => &["--fail-on", "example"],
        _ => &[],
    }
}

#[test]
fn a_rule_not_stated_is_bent_as_a_deviation() {
    for mode in ["custom-code-400", "retry-after-missing", "patch-missing"] {
        let output = bin()
            .args([
                "run",
                "--color",
                "never",
                "--mock-violate",
                mode,
                "--report",
                "json=-",
            ])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{mode}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let deviations: u64 = report["matrix"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["deviations"].as_u64().unwrap())
            .sum();
        assert!(deviations > 0, "{mode}: no deviation reported");
    }
}

#[test]
fn every_violation_mode_fails_the_run_in_the_check_it_breaks() {
    let modes = listed_modes();
    assert_eq!(modes.len(), Violation::ALL.len());
    assert!(modes.len() >= 20, "{} modes", modes.len());

    let mut table = String::from(
        "mode                   check     non-conforming  failing verdicts by check\n",
    );
    let mut undetected = Vec::new();
    // Two runs at a time: one per core.
    let runs = modes.chunks(2).flat_map(|pair| {
        let children: Vec<_> = pair
            .iter()
            .map(|(mode, _)| {
                bin()
                    .args(["run", "--color", "never", "--mock-violate", mode])
                    .args(judged_as_bent(mode))
                    .args(["--report", "json=-"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        pair.iter()
            .zip(children)
            .map(|(mode, child)| (mode, child.wait_with_output().unwrap()))
            .collect::<Vec<_>>()
    });
    for ((mode, check), output) in runs {
        assert_eq!(
            output.status.code(),
            Some(1),
            "{mode}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut failing: BTreeMap<Check, usize> = BTreeMap::new();
        for case in report["cases"].as_array().unwrap() {
            for check in Check::ALL {
                if case["checks"][check.as_str()]["verdict"] == "fail" {
                    *failing.entry(check).or_default() += 1;
                }
            }
        }
        let by_check: Vec<String> = failing.iter().map(|(c, n)| format!("{c} {n}")).collect();
        table.push_str(&format!(
            "{:<22} {:<9} {:>14}  {}\n",
            mode,
            check,
            report["summary"]["non_conforming"].as_u64().unwrap(),
            by_check.join(", ")
        ));
        if !failing.keys().any(|failed| failed.as_str() == check) {
            undetected.push(mode.clone());
        }
    }
    println!("{table}");
    assert!(
        undetected.is_empty(),
        "modes not caught in their own check: {undetected:?}\n{table}"
    );
}

#[test]
fn without_a_violation_every_shipped_case_conforms() {
    let loaded = case::load(
        &[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases")],
        ApiVersion::FALLBACK,
    );
    let cases = loaded.cases;
    let count = cases.len();
    assert!(count >= 60, "{count} hand-written cases");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let reports = runtime.block_on(async {
        let target = Arc::new(
            Target::connect(
                TargetSpec::EmbeddedMock(MockConfig::default()),
                Auth::default(),
                &SendOptions::default(),
                BTreeMap::new(),
            )
            .await
            .unwrap(),
        );
        run::run(&target, &cases, &RunOptions::default(), |_| {}).await
    });
    let bad: Vec<String> = reports
        .iter()
        .filter(|r| r.outcome != run::Outcome::Conforming)
        .map(|r| format!("{} {:?}", r.case.name, r.outcome))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    let codes: BTreeSet<String> = reports
        .iter()
        .map(|r| r.case.expect.error.to_string())
        .collect();
    for code in [
        "400", "401", "403", "404", "409", "415", "429", "500", "504", "1001", "1500",
    ] {
        assert!(codes.contains(code), "no case exercises {code}");
    }
    assert!(codes.iter().any(|c| c.starts_with("oauth2:")));
}
