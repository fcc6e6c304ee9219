//! The table code -> operation -> trigger of the mock console, `docs/error-triggers.md`, is
//! rendered from the mock's own data ([`mock::triggers`]), so it cannot drift: this test fails
//! when the committed file differs. Regenerate it with
//! `UPDATE_DOCS=1 cargo test --test error_triggers`.
//!
//! The table is also held against the catalogue and the shipped cases: every code has a trigger
//! and a case; every trigger on a named operation is exercised by a case on that operation (the
//! harness follows a 202 to the action's result, so async triggers count too); and every case
//! expecting a custom code meets a trigger of its operation, so no case claims what the mock
//! does not do.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use vspc_conformance::case::{self, Case};
use vspc_conformance::contract::{ApiVersion, TrailingSlash};
use vspc_conformance::contract::{Contract, Route};
use vspc_conformance::mock::{self, Delivery, Trigger};

const DOC: &str = "docs/error-triggers.md";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn operation(t: &Trigger) -> String {
    if t.path == "*" {
        "any".to_string()
    } else {
        format!("`{} {}`", t.method, t.path)
    }
}

fn render() -> String {
    let contract = Contract::get();
    let mut out = String::from(
        "# What makes the mock console answer each error code\n\
         \n\
         <!-- Generated from `vspc_conformance::mock::triggers()` by tests/error_triggers.rs; do not edit.\n\
         \x20    Regenerate with `UPDATE_DOCS=1 cargo test --test error_triggers`. -->\n\
         \n\
         Every code of the catalogue (`schemas/error-codes.json`), the operations of the catalogue on\n\
         which the embedded mock console answers it, and what in the request or in the seeded state\n\
         makes it do so. Names in backticks in parentheses are the variables of the seeded resources\n\
         (`MockConsole::variables()`, listed in the book's chapter on the mock). *At once*: the request's own answer is\n\
         the error. *Async action*: the request answers `202 Accepted` with the `Location` of an\n\
         async action, and the error is the action's result once it has ended\n\
         (`GET /asyncActions/{id}/result`). The type is the one the mock gives the code everywhere;\n\
         the status follows the status rule (400..=499 verbatim, every other code 520).\n\
         \n\
         | code | meaning | type | status | operation | trigger | answered |\n\
         |---:|---|---|---:|---|---|---|\n",
    );
    let mut last = None;
    for t in mock::triggers() {
        let meaning = if last == Some(t.code) {
            String::new()
        } else {
            contract
                .code(t.code)
                .map(|c| c.description.clone())
                .unwrap_or_default()
        };
        last = Some(t.code);
        let answered = match t.delivery {
            Delivery::Answer => "at once",
            Delivery::AsyncAction => "async action",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            t.code,
            meaning.replace('|', "\\|"),
            mock::code_type(t.code),
            vspc_conformance::contract::status_for_code(i64::from(t.code)),
            operation(&t),
            t.trigger.replace('|', "\\|"),
            answered
        ));
    }
    out
}

#[test]
fn the_committed_trigger_table_is_the_mocks() {
    let rendered = render();
    let path = root().join(DOC);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "{DOC} differs from the mock's triggers: run `UPDATE_DOCS=1 cargo test --test error_triggers` and commit it"
    );
}

#[test]
fn the_readme_links_the_trigger_table() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("]({DOC})")),
        "README.md does not link {DOC}"
    );
}

#[test]
fn the_mock_module_doc_names_every_code() {
    let doc = std::fs::read_to_string(root().join("src/mock/mod.rs")).unwrap();
    let table: String = doc
        .lines()
        .filter(|l| l.starts_with("//! | `"))
        .collect::<Vec<_>>()
        .join("\n");
    for info in Contract::get().codes() {
        let listed = table
            .split(|c: char| !c.is_ascii_digit())
            .any(|n| n == info.code.to_string());
        assert!(
            listed,
            "the table in src/mock/mod.rs does not list {}",
            info.code
        );
    }
}

fn shipped_cases() -> Vec<std::sync::Arc<Case>> {
    let loaded = case::load(
        &[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases")],
        ApiVersion::FALLBACK,
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.cases
}

/// The catalogue operation a case's request reaches (variables stand for one path segment).
fn case_operation(case: &Case) -> Option<(String, String)> {
    let mut path = case.request.path.clone();
    for name in case::placeholders(&case.request.path.clone()) {
        path = path.replace(&format!("{{{name}}}"), "x");
    }
    match Contract::get().catalogue(ApiVersion::FALLBACK).route(
        &case.request.method,
        &path,
        TrailingSlash::Ignored,
    ) {
        Route::Found(op, _) => Some((op.method.clone(), op.path.clone())),
        _ => None,
    }
}

fn expected_code(case: &Case) -> Option<u16> {
    case.expect.error.code()
}

#[test]
fn every_catalogue_code_has_a_trigger_and_a_shipped_case() {
    let triggered: BTreeSet<u16> = mock::triggers().iter().map(|t| t.code).collect();
    let cased: BTreeSet<u16> = shipped_cases()
        .iter()
        .filter_map(|c| expected_code(c))
        .collect();
    for info in Contract::get().codes() {
        assert!(
            triggered.contains(&info.code),
            "no trigger for {}",
            info.code
        );
        assert!(
            cased.contains(&info.code),
            "no shipped case for {}",
            info.code
        );
    }
}

#[test]
fn every_trigger_on_an_operation_is_exercised_by_a_shipped_case() {
    let cased: BTreeSet<(u16, String, String)> = shipped_cases()
        .iter()
        .filter_map(|c| {
            let (method, path) = case_operation(c)?;
            Some((expected_code(c)?, method, path))
        })
        .collect();
    let missing: Vec<String> = mock::triggers()
        .iter()
        .filter(|t| t.path != "*")
        .filter(|t| !cased.contains(&(t.code, t.method.to_string(), t.path.to_string())))
        .map(|t| format!("{} {} {}", t.code, t.method, t.path))
        .collect();
    assert!(
        missing.is_empty(),
        "triggers no shipped case exercises: {missing:#?}"
    );
}

#[test]
fn every_shipped_case_with_a_custom_code_meets_a_trigger_of_its_operation() {
    let triggers = mock::triggers();
    let unbacked: Vec<String> = shipped_cases()
        .iter()
        .filter(|c| expected_code(c).is_some_and(|code| code >= 1000))
        .filter(|c| {
            let code = expected_code(c);
            let op = case_operation(c);
            !triggers.iter().any(|t| {
                Some(t.code) == code
                    && (t.path == "*"
                        || op
                            .as_ref()
                            .is_some_and(|(m, p)| m == t.method && p == t.path))
            })
        })
        .map(|c| c.name.clone())
        .collect();
    assert!(
        unbacked.is_empty(),
        "cases without a trigger: {unbacked:#?}"
    );
}
