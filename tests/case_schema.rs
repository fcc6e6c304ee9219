//! `schemas/case.schema.json` is generated from the case file's serde types (schemars), so
//! editors can validate and complete case files. This test fails when the committed schema
//! drifts from the types (regenerate: `UPDATE_SCHEMAS=1 cargo test --test case_schema`), and
//! validates every shipped case file against it.

use std::path::{Path, PathBuf};
use vspc_conformance::case::file::CaseFile;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generated() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(CaseFile)).unwrap();
    schema["$id"] = "https://vspc-conformance.invalid/schemas/case.schema.json".into();
    schema
}

#[test]
fn the_committed_case_schema_matches_the_types() {
    let path = root().join("schemas/case.schema.json");
    let schema = generated();
    if std::env::var_os("UPDATE_SCHEMAS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&schema).unwrap() + "\n").unwrap();
    }
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        committed, schema,
        "schemas/case.schema.json is stale: UPDATE_SCHEMAS=1 cargo test --test case_schema"
    );
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn every_shipped_case_file_validates_against_the_schema() {
    let validator = jsonschema::validator_for(&generated()).unwrap();
    let mut files = Vec::new();
    toml_files(&root().join("cases"), &mut files);
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let value: toml::Value = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let json = serde_json::to_value(value).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn the_schema_rejects_an_unknown_key() {
    let validator = jsonschema::validator_for(&generated()).unwrap();
    let bad = serde_json::json!({"case": [{"name": "x", "request": {"method": "GET", "path": "/about"}, "expect": {"code": 400, "pramater": "offset"}}]});
    assert!(!validator.is_valid(&bad));
}
