//! The two places that take arbitrary input, under generated input: the checks (any status, any
//! content type, any body bytes) give six verdicts and never panic; the case loader (any text)
//! gives cases or diagnostics whose `file:line:col` points into the text, and never panics.

use proptest::prelude::*;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use vspc_conformance::case::{self, Case};
use vspc_conformance::check::{self, Check, Observed, Verdict};
use vspc_conformance::contract::{ApiVersion, Readings};

/// Expectations of every kind the shipped cases make: VSPC codes with and without fields and
/// messages, OAuth2 errors, tolerated codes, sourced claims.
fn shipped() -> &'static [Arc<Case>] {
    static CASES: OnceLock<Vec<Arc<Case>>> = OnceLock::new();
    CASES.get_or_init(|| {
        let loaded = case::load(
            &[concat!(env!("CARGO_MANIFEST_DIR"), "/cases").into()],
            ApiVersion::FALLBACK,
        );
        // One case per rule or file is enough variety, and keeps each iteration cheap.
        let mut seen = std::collections::BTreeSet::new();
        loaded
            .cases
            .into_iter()
            .filter(|c| {
                seen.insert(
                    c.name
                        .rsplit_once("::")
                        .map_or(c.name.clone(), |(a, _)| a.to_string()),
                ) || c.name.starts_with("token::")
            })
            .collect()
    })
}

/// Bodies near the contract's shapes, so the checks' deeper branches see input too.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let member = prop_oneof![
        Just(r#""code":404"#.to_string()),
        Just(r#""code":"404""#.to_string()),
        any::<i64>().prop_map(|c| format!(r#""code":{c}"#)),
        "[a-zA-Z]{0,12}".prop_map(|t| format!(r#""type":"{t}""#)),
        ".{0,20}".prop_map(|m| format!(r#""message":{}"#, serde_json::Value::from(m))),
        "[a-zA-Z/]{0,10}".prop_map(|n| format!(r#""parameterName":"{n}""#)),
        "[a-zA-Z/.]{0,10}".prop_map(|n| format!(r#""propertyName":"{n}""#)),
        Just(r#""retryAfter":-3"#.to_string()),
        Just(r#""failedJsonPatch":{"op":7}"#.to_string()),
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        proptest::collection::vec(member, 0..6).prop_map(|m| format!(
            r#"{{"errors":[{{{}}}]}}"#,
            m.join(",")
        )
        .into_bytes()),
        "[a-z_]{0,20}"
            .prop_map(|e| format!(r#"{{"error":"{e}","error_description":null}}"#).into_bytes()),
        Just(br#"{"errors":[]}"#.to_vec()),
        Just(br#"{"meta":null,"data":[],"errors":null}"#.to_vec()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_answer_gives_six_verdicts_and_no_panic(
        pick in any::<prop::sample::Index>(),
        status in 0u16..1000,
        content_type in prop_oneof![Just(None), ".{0,40}".prop_map(Some), Just(Some("application/json".to_string()))],
        body in body(),
        path in prop_oneof![Just(String::new()), "/[a-zA-Z0-9/{}%-]{0,60}"],
        version in prop::sample::select(ApiVersion::ALL.to_vec()),
    ) {
        let case = &shipped()[pick.index(shipped().len())];
        let observed = Observed {
            status,
            content_type: content_type.as_deref(),
            body: &body,
            method: &case.request.method,
            path: &path,
        };
        let readings = Readings { version, ..Readings::default() };
        let results = check::check(&case.expect, observed, readings);
        let checks: Vec<Check> = results.iter().map(|r| r.check).collect();
        prop_assert_eq!(checks, Check::ALL.to_vec());
        // A verdict that fails or deviates says which fact it rests on.
        for r in &results {
            if matches!(r.verdict, Verdict::Fail | Verdict::Deviation) {
                prop_assert!(r.source.is_some(), "{:?}", r);
            }
        }
    }

    #[test]
    fn any_text_gives_cases_or_diagnostics_that_point_into_it(text in ".{0,400}") {
        check_loader(&text)?;
    }

    #[test]
    fn a_shipped_file_cut_or_spliced_anywhere_gives_diagnostics_that_point_into_it(
        file in prop::sample::select(vec!["auth.toml", "pagination.toml", "token.toml", "sweep.toml", "json_patch.toml"]),
        cut in any::<prop::sample::Index>(),
        splice in prop_oneof![Just(String::new()), ".{0,12}", Just("\"".to_string()), Just("{".to_string()), Just("]]\n[[".to_string())],
    ) {
        let original = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("cases").join(file)).unwrap();
        let mut at = cut.index(original.len() + 1);
        while !original.is_char_boundary(at) {
            at -= 1;
        }
        let text = format!("{}{splice}{}", &original[..at], &original[at..]);
        check_loader(&text)?;
    }
}

fn check_loader(text: &str) -> Result<(), TestCaseError> {
    let (cases, problems) = case::parse_cases(
        Path::new("cases/generated.toml"),
        text,
        "generated",
        ApiVersion::FALLBACK,
    );
    let lines: Vec<&str> = text.split('\n').collect();
    for p in &problems {
        prop_assert!(
            p.position.line >= 1 && p.position.line <= lines.len(),
            "{p:?}"
        );
        let line = lines[p.position.line - 1];
        prop_assert!(
            p.position.column >= 1 && p.position.column <= line.chars().count() + 1,
            "{p:?}"
        );
        prop_assert!(!p.message.is_empty());
    }
    for c in &cases {
        prop_assert!(c.position.line >= 1 && c.position.line <= lines.len());
    }
    Ok(())
}
