//! The input sweeps, held to the trust rule: every base request is well formed by the spec of
//! its version, every generated case breaks exactly the constraint it names (its violations are
//! at its input only, its keyword among them), every declared constraint is either broken or
//! listed with why, and the default run exercises most of them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use vspc_conformance::case::inputs::{self, Planned, Why};
use vspc_conformance::case::{self, Body, Case};
use vspc_conformance::contract::constraint::Input;
use vspc_conformance::contract::input::{self, Binding, Inputs, Place};
use vspc_conformance::contract::{ApiVersion, Contract, Route, TrailingSlash};

fn cases(version: ApiVersion) -> Vec<Arc<Case>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases");
    let loaded = case::load(&[root], version);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.cases
}

/// The violations of a case's request, as the one validator reads it.
fn violations(version: ApiVersion, case: &Case) -> Vec<input::Invalid> {
    let catalogue = Contract::get().catalogue(version);
    let r = &case.request;
    let Route::Found(op, values) = catalogue.route(&r.method, &r.path, TrailingSlash::Ignored)
    else {
        panic!("{}: {} {} routes nowhere", case.name, r.method, r.path);
    };
    let body = match &r.body {
        Body::Json(json) => Some(json.value().into_owned()),
        _ => None,
    };
    let inputs = Inputs {
        path: &values,
        query: &r.query,
        headers: &r.headers,
        body: body.as_ref(),
    };
    input::validate(op, catalogue.schemas(), inputs, Binding::EXACT)
}

#[test]
fn every_base_request_is_well_formed_at_every_version() {
    for version in ApiVersion::ALL {
        let catalogue = Contract::get().catalogue(version);
        let plan = inputs::plan(version);
        assert_eq!(plan.operations.len(), catalogue.len());
        let flawed: Vec<String> = catalogue
            .all()
            .iter()
            .zip(&plan.operations)
            .filter_map(|(op, p)| {
                p.base
                    .flaw
                    .as_ref()
                    .map(|f| format!("{} {}: {f}", op.method, op.path))
            })
            .collect();
        assert!(flawed.is_empty(), "{version}: {}", flawed.join("\n"));
    }
}

#[test]
fn every_generated_case_breaks_exactly_its_constraint() {
    for version in ApiVersion::ALL {
        let mut wrong = Vec::new();
        let mut count = 0;
        for case in cases(version) {
            let Some(broken) = &case.broken else {
                continue;
            };
            count += 1;
            let found = violations(version, &case);
            let at_input = |i: &input::Invalid| match (&i.place, &broken.constraint.input) {
                (Place::Parameter(l, n), Input::Parameter { location, name, .. }) => {
                    l == location && n.as_str() == &**name
                }
                (Place::Property(at), Input::Property(path)) => at.as_slice() == &**path,
                _ => false,
            };
            if found.is_empty() {
                wrong.push(format!("{}: the request is valid", case.name));
            } else if let Some(other) = found.iter().find(|i| !at_input(i)) {
                wrong.push(format!("{}: also breaks {other:?}", case.name));
            } else if !found
                .iter()
                .any(|i| i.problem.keyword() == broken.constraint.keyword)
            {
                wrong.push(format!("{}: breaks {found:?} instead", case.name));
            }
            // The field the case expects is the broken input's own.
            let field = case.expect.field.as_ref().map(|f| f.value().to_string());
            assert_eq!(
                field,
                Some(broken.constraint.input.field()),
                "{}",
                case.name
            );
        }
        assert!(
            count > 4000 || version == ApiVersion::V3_5_1,
            "{version}: {count} cases"
        );
        assert!(wrong.is_empty(), "{version}:\n{}", wrong.join("\n"));
    }
}

#[test]
fn the_other_sweeps_send_well_formed_requests_but_for_their_change() {
    // Rules that change no input but the credentials or the ids send the base request as it is.
    for version in [ApiVersion::V3_5_1, ApiVersion::V3_6_1, ApiVersion::V3_7] {
        for case in cases(version) {
            let rule = match &case.origin {
                case::Origin::Sweep { rule, .. } => rule.to_string(),
                case::Origin::Written => continue,
            };
            if !matches!(
                rule.as_str(),
                "missing_token"
                    | "invalid_token"
                    | "read_only_token"
                    | "unknown_uuid"
                    | "unknown_uuid_collection"
            ) || case.request.path.ends_with("/token")
            {
                continue;
            }
            let found = violations(version, &case);
            assert!(found.is_empty(), "{version} {}: {found:?}", case.name);
        }
    }
}

#[test]
fn every_declared_constraint_is_broken_or_listed_with_why() {
    for version in ApiVersion::ALL {
        let catalogue = Contract::get().catalogue(version);
        let plan = inputs::plan(version);
        let mut by_why: BTreeMap<&str, usize> = BTreeMap::new();
        let (mut declared, mut broken) = (0, 0);
        for (census, planned) in catalogue.constraints().iter().zip(&plan.operations) {
            assert_eq!(census.len(), planned.constraints.len());
            for p in &planned.constraints {
                declared += 1;
                match p {
                    Planned::Break(_) => broken += 1,
                    Planned::Untestable(u) => {
                        assert!(!u.detail.is_empty());
                        *by_why.entry(u.why.as_str()).or_default() += 1;
                    }
                }
            }
        }
        // 3.5.1 declares about half as many body constraints, so its path parameters (which no
        // request can leave out) weigh more.
        let share = broken as f64 / declared as f64;
        let floor = if version == ApiVersion::V3_5_1 {
            0.85
        } else {
            0.9
        };
        assert!(
            share >= floor,
            "{version}: {broken}/{declared} broken; {by_why:?}"
        );
        // Nothing is left untestable for want of a well-formed request or an accepted value.
        for why in [
            Why::NoWellFormedRequest,
            Why::NoAcceptedValue,
            Why::PatternUnreadable,
        ] {
            assert!(!by_why.contains_key(why.as_str()), "{version}: {by_why:?}");
        }
    }
}

#[test]
fn a_path_parameter_is_never_left_out_and_a_query_value_is_never_empty() {
    let plan = inputs::plan(ApiVersion::V3_6_1);
    let catalogue = Contract::get().catalogue(ApiVersion::V3_6_1);
    for ((op, census), planned) in catalogue
        .all()
        .iter()
        .zip(catalogue.constraints())
        .zip(&plan.operations)
    {
        for (constraint, p) in census.iter().zip(&planned.constraints) {
            if let (Input::Parameter { .. }, Planned::Break(b)) = (&constraint.input, p) {
                assert_ne!(b.shown, "", "{} {} {constraint}", op.method, op.path);
            }
        }
    }
}
