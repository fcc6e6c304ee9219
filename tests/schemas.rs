//! The contract as data: the committed files under `schemas/` are pinned here.
//!
//! `schemas/spec/<version>.json` are the official OpenAPI documents of the five API versions,
//! reduced to facts (operations, parameters, bodies, roles, responses and the schemas they
//! reach). `schemas/routes.json`, which versions serve each route, is derived from them in this
//! test so it can never drift from them: run `UPDATE_SCHEMAS=1 cargo test --test schemas` to
//! rewrite it after a spec file changes.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(rel: &str) -> Value {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

const VERSIONS: [&str; 5] = ["3.5.1", "3.6", "3.6.1", "3.6.2", "3.7"];

fn spec(version: &str) -> Value {
    read_json(&format!("schemas/spec/{version}.json"))
}

fn operations(doc: &Value) -> &Vec<Value> {
    doc["operations"].as_array().unwrap()
}

/// The route index, as the harness reads it: `"GET /about": "3.5.1 3.6 3.6.1 3.6.2 3.7"`.
fn derived_routes() -> Value {
    let mut routes: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for version in VERSIONS {
        for op in operations(&spec(version)) {
            let route = format!(
                "{} {}",
                op["method"].as_str().unwrap(),
                op["path"].as_str().unwrap()
            );
            routes.entry(route).or_default().push(version);
        }
    }
    let routes: serde_json::Map<String, Value> = routes
        .into_iter()
        .map(|(route, versions)| (route, Value::from(versions.join(" "))))
        .collect();
    json!({
        "$comment": "Which API versions serve each route: derived from schemas/spec/<version>.json by tests/schemas.rs; do not edit by hand (UPDATE_SCHEMAS=1 cargo test --test schemas).",
        "routes": routes,
    })
}

#[test]
fn the_route_index_is_derived_from_the_specs() {
    let derived = derived_routes();
    let path = root().join("schemas/routes.json");
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        let text = serde_json::to_string_pretty(&derived).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
    }
    assert_eq!(
        read_json("schemas/routes.json"),
        derived,
        "{} is stale: run UPDATE_SCHEMAS=1 cargo test --test schemas",
        path.display()
    );
}

#[test]
fn each_version_has_the_operations_its_spec_has() {
    let counts: Vec<(&str, usize, String)> = VERSIONS
        .iter()
        .map(|v| {
            let doc = spec(v);
            (
                *v,
                operations(&doc).len(),
                doc["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            ("3.5.1", 910, "3.5.1".to_string()),
            ("3.6", 939, "3.6".to_string()),
            ("3.6.1", 942, "3.6.1".to_string()),
            ("3.6.2", 986, "3.6.2".to_string()),
            ("3.7", 1026, "3.7".to_string())
        ]
    );
}

#[test]
fn every_version_but_3_7_declares_filter_sort_and_select_as_json() {
    for version in VERSIONS {
        let doc = spec(version);
        for op in operations(&doc) {
            for p in op["parameters"].as_array().unwrap() {
                if matches!(p["role"].as_str(), Some("filter" | "sort" | "select")) {
                    let json = p["content_type"] == json!("application/json");
                    assert_eq!(json, version != "3.7", "{version} {op}");
                }
            }
        }
    }
}

#[test]
fn paths_keep_their_trailing_slash() {
    let doc = spec("3.6.1");
    let paths: Vec<&str> = operations(&doc)
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/organizations/companies/billing/invoices/"));
    assert!(!paths.contains(&"/organizations/companies/billing/invoices"));
}

#[test]
fn the_3_6_1_spec_has_all_942_operations_by_method() {
    let doc = spec("3.6.1");
    let mut by_method = BTreeMap::new();
    for op in operations(&doc) {
        *by_method.entry(op["method"].as_str().unwrap()).or_insert(0) += 1;
    }
    let expected: BTreeMap<&str, i32> = [
        ("GET", 576),
        ("POST", 203),
        ("PATCH", 82),
        ("DELETE", 67),
        ("PUT", 14),
    ]
    .into();
    assert_eq!(by_method, expected);
}

#[test]
fn path_parameters_use_camel_case() {
    let doc = spec("3.6.1");
    let paths: Vec<&str> = operations(&doc)
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/organizations/companies/{companyUid}"));
    assert!(paths.contains(&"/infrastructure/vb365Servers/{vb365ServerUid}"));
    let snake: Vec<&&str> = paths
        .iter()
        .filter(|p| {
            p.split('{')
                .skip(1)
                .any(|s| s.split('}').next().unwrap_or("").contains('_'))
        })
        .collect();
    assert!(
        snake.is_empty(),
        "snake_case path parameters left: {snake:?}"
    );
}

#[test]
fn roles_and_anonymous_operations_are_as_the_contract_counts_them() {
    // Pairs of an operation and a role it does not admit (CONTRACT.md, "The official specs").
    let expected = [6505, 7236, 7260, 7793, 8143];
    for (version, pairs) in VERSIONS.into_iter().zip(expected) {
        let doc = spec(version);
        let ops = operations(&doc);
        let mut roles: Vec<&str> = ops
            .iter()
            .flat_map(|o| {
                o["roles"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
            })
            .collect();
        roles.sort_unstable();
        roles.dedup();
        let refused: usize = ops
            .iter()
            .map(|o| roles.len() - o["roles"].as_array().unwrap().len())
            .sum();
        assert_eq!(refused, pairs, "{version}");
        let anonymous = ops.iter().filter(|o| o["anonymous"] == json!(true)).count();
        assert_eq!(
            anonymous,
            if version == "3.5.1" { 8 } else { 5 },
            "{version}"
        );
    }
}

#[test]
fn the_code_catalogue_has_all_53_codes_with_the_status_rule() {
    let doc = read_json("schemas/error-codes.json");
    let codes = doc["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 53);
    for entry in codes {
        let code = entry["code"].as_u64().unwrap();
        let status = entry["status"].as_u64().unwrap();
        let expected = if (400..=499).contains(&code) {
            code
        } else {
            520
        };
        assert_eq!(status, expected, "code {code}");
        assert!(!entry["description"].as_str().unwrap().is_empty());
    }
    let members =
        |code: u64| codes.iter().find(|c| c["code"] == code).unwrap()["members"].to_string();
    assert!(members(400).contains("parameterName") && members(400).contains("propertyName"));
    assert!(members(429).contains("retryAfter"));
    assert!(members(1001).contains("failedJsonPatch"));
}

#[test]
fn the_documented_examples_validate_against_the_envelope_schema() {
    let schema = read_json("schemas/error-envelope.schema.json");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let examples = [
        json!({"errors":[{"message":"Property value must be larger or equal to 0.","type":"logical","code":400,"parameterName":"offset"}]}),
        json!({"errors":[{"type":"transport","code":429,"retryAfter":25}]}),
        json!({"errors":[{"message":"The property at path 'mfaPolicyConfigurationStatus' could not be updated.","type":"logical","code":1001,"failedJsonPatch":{"value":"NotConfigured","path":"mfaPolicyConfigurationStatus","op":"replace"}}]}),
    ];
    for example in &examples {
        assert!(validator.is_valid(example), "{example}");
    }
    let broken = [
        json!({"errors": []}),
        json!({"errors": {"code": 400}}),
        json!({"errors":[{"message":"x","type":"logical","code":"400"}]}),
        json!({"errors":[{"message":"x","code":400}]}),
        json!({"error":{"code":"UnsupportedApiVersion","message":"not supported","innerError":null}}),
    ];
    for body in &broken {
        assert!(!validator.is_valid(body), "{body}");
    }
}
