//! The harness's self-test: every violation mode of the mock bends one rule of the contract, and
//! running the shipped cases against the bent mock must fail, in the check that guards that
//! rule. Prints the sensitivity table (mode -> check -> failing verdicts per check):
//! `cargo test --test violations -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use vspc_conformance::case;
use vspc_conformance::check::{Check, Verdict};
use vspc_conformance::mock::{MockConfig, Violation};
use vspc_conformance::run::{self, RunOptions};
use vspc_conformance::send::SendOptions;
use vspc_conformance::target::{Auth, Target, TargetSpec};

#[test]
fn every_violation_mode_fails_the_run_in_the_check_it_breaks() {
    let loaded = case::load(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases")]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let cases: Vec<_> = loaded.cases.into_iter().map(Arc::new).collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    assert!(Violation::ALL.len() >= 20, "{} modes", Violation::ALL.len());

    let mut table = String::from(
        "mode                   check     non-conforming  failing verdicts by check\n",
    );
    let mut undetected = Vec::new();
    for mode in Violation::ALL {
        let config = MockConfig {
            violation: Some(mode),
            ..MockConfig::default()
        };
        let reports = runtime.block_on(async {
            let target = Arc::new(
                Target::connect(
                    TargetSpec::EmbeddedMock(config),
                    Auth::default(),
                    &SendOptions::default(),
                    BTreeMap::new(),
                )
                .await
                .unwrap(),
            );
            run::run(&target, cases.clone(), &RunOptions::default(), |_| {}).await
        });
        let summary = run::Summary::of(&reports);
        let mut failing: BTreeMap<Check, usize> = BTreeMap::new();
        for report in &reports {
            for result in report.checks.iter().filter(|r| r.verdict == Verdict::Fail) {
                *failing.entry(result.check).or_default() += 1;
            }
        }
        let by_check: Vec<String> = failing.iter().map(|(c, n)| format!("{c} {n}")).collect();
        table.push_str(&format!(
            "{:<22} {:<9} {:>14}  {}\n",
            mode.name(),
            mode.check().as_str(),
            summary.non_conforming,
            by_check.join(", ")
        ));
        if summary.passed() || !failing.contains_key(&mode.check()) {
            undetected.push(mode.name());
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
    let loaded = case::load(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases")]);
    let cases: Vec<_> = loaded.cases.into_iter().map(Arc::new).collect();
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
        run::run(&target, cases, &RunOptions::default(), |_| {}).await
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
