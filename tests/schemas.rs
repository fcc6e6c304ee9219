//! The contract as data: the committed files under `schemas/` are pinned here.
//!
//! `schemas/operations.json` is derived from `schemas/source/operations-3.6.1.tsv` (one row per
//! operation of REST API 3.6.1, from a client generated from the official spec). The derivation
//! lives in this test so the JSON can never drift from its source: run
//! `UPDATE_SCHEMAS=1 cargo test --test schemas` to rewrite it after changing the rules below.

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

fn path_parameter_format(name: &str) -> &'static str {
    if name.ends_with("Uid") || name == "actionId" {
        "uuid"
    } else if name == "userLoginId" {
        "integer"
    } else {
        "string"
    }
}

fn query_parameter(name: &str, default: Option<&str>) -> Value {
    let mut param = match name {
        "limit" => json!({"name": "limit", "type": "integer", "minimum": 1, "maximum": 500}),
        "offset" => json!({"name": "offset", "type": "integer", "minimum": 0, "maximum": 2147483647}),
        "expand" => json!({"name": "expand", "type": "array"}),
        _ => match default {
            Some("True") | Some("False") => json!({"name": name, "type": "boolean"}),
            _ => json!({"name": name, "type": "string"}),
        },
    };
    if let Some(default) = default {
        let default = match default {
            "True" => json!(true),
            "False" => json!(false),
            other => other.parse::<i64>().map(Value::from).unwrap_or(json!(other)),
        };
        param["default"] = default;
    }
    param
}

/// The whole derivation of one TSV row.
fn operation(row: &[&str]) -> Value {
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
    ] = row
    else {
        panic!("row has {} columns, want 10: {row:?}", row.len());
    };
    let mut spec_path = String::new();
    let mut path_parameters = Vec::new();
    for segment in path.split('/').skip(1) {
        spec_path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(snake) => {
                let name = camel(snake);
                path_parameters
                    .push(json!({"name": name, "format": path_parameter_format(&name)}));
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
    let names: Vec<&str> = query.split(';').map(|p| p.split('=').next().unwrap_or("")).collect();
    let collection = *method == "GET" && names.contains(&"limit") && names.contains(&"offset");
    if collection {
        // The generated client drops the JSON-valued parameters; the spec has them on collection GETs.
        for name in ["filter", "sort", "select"] {
            query_parameters.push(json!({"name": name, "type": "json"}));
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

fn derived_operations() -> Value {
    let tsv =
        std::fs::read_to_string(root().join("schemas/source/operations-3.6.1.tsv")).unwrap();
    let operations: Vec<Value> = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| operation(&line.split('\t').collect::<Vec<_>>()))
        .collect();
    json!({
        "$comment": "Derived by tests/schemas.rs from schemas/source/operations-3.6.1.tsv; do not edit by hand (UPDATE_SCHEMAS=1 cargo test --test schemas).",
        "version": "3.6.1",
        "operations": operations,
    })
}

#[test]
fn operations_json_is_derived_from_the_tsv() {
    let derived = derived_operations();
    let path = root().join("schemas/operations.json");
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        let text = serde_json::to_string_pretty(&derived).unwrap() + "\n";
        std::fs::write(&path, text).unwrap();
    }
    assert_eq!(
        read_json("schemas/operations.json"),
        derived,
        "schemas/operations.json is stale: run UPDATE_SCHEMAS=1 cargo test --test schemas"
    );
}

#[test]
fn the_operation_catalogue_has_all_942_operations_by_method() {
    let doc = read_json("schemas/operations.json");
    let operations = doc["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 942);
    let mut by_method = BTreeMap::new();
    for op in operations {
        *by_method.entry(op["method"].as_str().unwrap()).or_insert(0) += 1;
    }
    let expected: BTreeMap<&str, i32> =
        [("GET", 576), ("POST", 203), ("PATCH", 82), ("DELETE", 67), ("PUT", 14)].into();
    assert_eq!(by_method, expected);
}

#[test]
fn path_parameters_use_the_specs_camel_case() {
    let doc = read_json("schemas/operations.json");
    let paths: Vec<&str> =
        doc["operations"].as_array().unwrap().iter().map(|o| o["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"/organizations/companies/{companyUid}"));
    assert!(paths.contains(&"/infrastructure/vb365Servers/{vb365ServerUid}"));
    let snake: Vec<&&str> = paths
        .iter()
        .filter(|p| p.split('{').skip(1).any(|s| s.split('}').next().unwrap_or("").contains('_')))
        .collect();
    assert!(snake.is_empty(), "snake_case path parameters left: {snake:?}");
}

#[test]
fn the_code_catalogue_has_all_53_codes_with_the_status_rule() {
    let doc = read_json("schemas/error-codes.json");
    let codes = doc["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 53);
    for entry in codes {
        let code = entry["code"].as_u64().unwrap();
        let status = entry["status"].as_u64().unwrap();
        let expected = if (400..=499).contains(&code) { code } else { 520 };
        assert_eq!(status, expected, "code {code}");
        assert!(!entry["description"].as_str().unwrap().is_empty());
    }
    let members = |code: u64| {
        codes.iter().find(|c| c["code"] == code).unwrap()["members"].to_string()
    };
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
