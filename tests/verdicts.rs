//! The default set against both personalities of the mock at every API version: the cases the
//! harness ships must conform wherever the contract leaves a choice open and it is made the other
//! way (`docs/mock-choices.md`), and a precondition the target does not meet is inconclusive.

mod common;

use common::bin;
use serde_json::Value;
use vspc_conformance::contract::{ApiVersion, Contract};

fn run(version: ApiVersion, variant: &str) -> std::process::Child {
    bin()
        .args(["run", "--color", "never", "--api-version", version.as_str()])
        .args(["--mock-variant", variant, "--report", "json=-"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn the_default_set_conforms_on_both_personalities_at_every_version() {
    let mut broken = Vec::new();
    for version in ApiVersion::ALL {
        // Both personalities at once: one run per core.
        let children = ["standard", "alternative"].map(|variant| (variant, run(version, variant)));
        for (variant, child) in children {
            let output = child.wait_with_output().unwrap();
            let report: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
            let summary = &report["summary"];
            let failing: Vec<String> = report["cases"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["outcome"] == "non_conforming" || c["outcome"] == "error")
                .map(|c| c["name"].as_str().unwrap_or("").to_string())
                .take(10)
                .collect();
            assert_eq!(
                report["api_version"],
                version.as_str(),
                "{variant} {version}"
            );
            if output.status.code() != Some(0)
                || summary["non_conforming"] != 0
                || summary["errors"] != 0
                || summary["cases"].as_u64().unwrap_or(0) < 7000
            {
                broken.push(format!("{variant} at {version}: {summary} {failing:?}"));
            }
            // Every role of the version given (the mock's users), and every pair of an
            // operation and a role it does not admit refused as the spec says.
            let catalogue = Contract::get().catalogue(version);
            let roles = catalogue.roles();
            let pairs: usize = catalogue
                .all()
                .iter()
                .filter(|op| !op.anonymous)
                .map(|op| roles.iter().filter(|r| !op.admits(*r)).count())
                .sum();
            let swept = &report["coverage"]["roles"];
            if swept["given"] != roles.len() || swept["tried"] != pairs || swept["refused"] != pairs
            {
                broken.push(format!(
                    "{variant} at {version}: roles {} given, {}/{} refused of {pairs} pairs",
                    swept["given"], swept["refused"], swept["tried"]
                ));
            }
            // Inconclusive only with a stated reason, and never on the standard personality.
            let unexplained: Vec<&str> = report["cases"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["outcome"] == "inconclusive")
                .filter(|c| variant == "standard" || c["reason"].as_str().is_none_or(str::is_empty))
                .map(|c| c["name"].as_str().unwrap_or(""))
                .take(10)
                .collect();
            if !unexplained.is_empty() {
                broken.push(format!(
                    "{variant} at {version}: inconclusive {unexplained:?}"
                ));
            }
            if variant == "alternative" {
                let burst = report["cases"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|c| c["name"] == "throttling::burst_of_usage_reports")
                    .cloned()
                    .unwrap_or(Value::Null);
                assert_eq!(burst["outcome"], "inconclusive", "{version}: {burst}");
                assert!(
                    burst["reason"]
                        .as_str()
                        .is_some_and(|r| r.contains("never") || r.contains("throttled")),
                    "{burst}"
                );
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

/// A burst against a console that never throttles is inconclusive, and the run still passes:
/// exit 0, the reason printed, counted apart from the failures.
#[test]
fn a_burst_against_an_unthrottled_target_is_inconclusive_not_a_failure() {
    let output = bin()
        .args(["run", "--color", "never", "--mock-variant", "alternative"])
        .args(["throttling::"])
        .output()
        .unwrap();
    let text = common::text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("1 cases: 0 conforming, 0 non-conforming, 1 inconclusive"),
        "{text}"
    );
    assert!(text.contains("inconclusive, in no cell: 429 ×1"), "{text}");
    assert!(
        text.contains("no copy of the burst of 100 was throttled"),
        "{text}"
    );
}

/// A case on seeded state whose variable names a resource not in the state it needs (a company
/// name nobody has, so the "duplicate" is created) is inconclusive, not a failure.
#[test]
fn a_resource_not_in_the_needed_state_is_inconclusive() {
    let output = bin()
        .args([
            "run",
            "--color",
            "never",
            "--var",
            "companyName=vspc-conformance-fresh-name",
        ])
        .args([
            "--exact",
            "resources::duplicate_company_name",
            "--report",
            "json=-",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", common::text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let case = &report["cases"][0];
    assert_eq!(case["outcome"], "inconclusive", "{case}");
    assert!(
        case["reason"]
            .as_str()
            .is_some_and(|r| r.contains("HTTP 200") && r.contains("state")),
        "{case}"
    );
    assert_eq!(report["summary"]["inconclusive"], 1);
    assert_eq!(report["matrix"]["rows"][4]["code"], 409);
    assert_eq!(report["matrix"]["rows"][4]["inconclusive"], 1);
    assert_eq!(report["matrix"]["rows"][4]["cases"], 0);
}

/// An async action still running when the wait ends is inconclusive, with the action named.
#[test]
fn an_async_action_still_running_at_the_deadline_is_inconclusive() {
    let output = bin()
        .args(["run", "--color", "never", "--async-timeout", "0.01"])
        .args([
            "--exact",
            "deployment::deploy_to_a_computer_that_never_answers",
        ])
        .args(["--report", "junit=-"])
        .output()
        .unwrap();
    let junit = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", common::text(&output));
    assert!(
        junit.contains("<skipped message=\"inconclusive: async action ")
            && junit.contains("still running after 10ms"),
        "{junit}"
    );
    assert!(!junit.contains("<failure"), "{junit}");
}
