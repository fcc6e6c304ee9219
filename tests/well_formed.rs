//! Every shipped case sends a request that is well formed by the spec of each version that has
//! its operation, but for what it breaks: a break hidden behind another error proves nothing.

use serde_json::Value;
use std::path::PathBuf;
use vspc_conformance::case::{self, Body, Field, substitute};
use vspc_conformance::contract::input::{self, Binding, Inputs, Place};
use vspc_conformance::contract::schema::dotted;
use vspc_conformance::contract::{ApiVersion, Contract, Route, TrailingSlash};
use vspc_conformance::mock::MockConsole;

#[test]
fn written_cases_are_well_formed_but_for_what_they_break() {
    let vars = MockConsole::seeded_variables();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases");
    let mut problems = Vec::new();
    for version in ApiVersion::ALL {
        let loaded = case::load(std::slice::from_ref(&root), version);
        let catalogue = Contract::get().catalogue(version);
        for case in loaded
            .cases
            .iter()
            .filter(|c| c.origin == case::Origin::Written && c.versions.contains(version))
        {
            let r = &case.request;
            let Ok(path) = substitute(&r.path, &vars) else {
                continue;
            };
            let Route::Found(op, values) =
                catalogue.route(&r.method, &path, TrailingSlash::Ignored)
            else {
                continue;
            };
            let query: Vec<(String, String)> = r
                .query
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        substitute(v, &vars).unwrap_or_else(|_| v.clone()),
                    )
                })
                .collect();
            let headers: Vec<(String, String)> = r.headers.clone();
            let body: Option<Value> = match &r.body {
                Body::Json(v) => substitute(&v.text(), &vars)
                    .ok()
                    .and_then(|t| serde_json::from_str(&t).ok()),
                _ => None,
            };
            let values: Vec<(&str, String)> = values;
            let inputs = Inputs {
                path: &values,
                query: &query,
                headers: &headers,
                body: body.as_ref(),
            };
            let found = input::validate(op, catalogue.schemas(), inputs, Binding::EXACT);
            let broken: Option<&str> = case.expect.field.as_ref().map(Field::value);
            for invalid in found {
                let name = match &invalid.place {
                    Place::Parameter(_, name) => name.clone(),
                    Place::Property(at) => dotted(at),
                };
                if broken.is_some_and(|b| {
                    name.eq_ignore_ascii_case(b) || name.ends_with(&format!(".{b}"))
                }) {
                    continue;
                }
                if case.expect.error.code() == Some(400) && broken.is_none() {
                    continue;
                }
                problems.push(format!(
                    "{version} {} ({} {}): {name}: {}",
                    case.name, op.method, op.path, invalid.problem
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
