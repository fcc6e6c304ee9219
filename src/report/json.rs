//! The JSON report: the machine interface (`--report json=PATH`). Its skeleton is fixed by
//! DESIGN.md: members may be added, none renamed. `format` versions the skeleton.

use super::matrix::{Matrix, RowKey};
use super::{ReportError, Reporter, body_for_report};
use crate::case::{Body, ExpectedError, Field};
use crate::check::Check;
use crate::contract::Readings;
use crate::run::{CaseReport, Event, Summary};
use serde_json::{Map, Value, json};
use std::path::PathBuf;
use std::time::Duration;

pub const FORMAT_VERSION: u64 = 1;

/// What the report records about the run besides its results.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub target: String,
    pub api_version: String,
    pub readings: Readings,
}

pub struct JsonReport {
    path: PathBuf,
    info: RunInfo,
}

impl JsonReport {
    pub fn new(path: PathBuf, info: RunInfo) -> JsonReport {
        JsonReport { path, info }
    }
}

impl Reporter for JsonReport {
    fn on_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunStarted { .. } | Event::CaseFinished(_) => Ok(()),
            Event::RunFinished {
                reports,
                summary,
                matrix,
                elapsed,
            } => {
                let doc = document(&self.info, reports, *summary, matrix, *elapsed);
                let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
                super::write_output(&self.path, &text)
            }
        }
    }
}

/// The whole report as a JSON value.
pub fn document(
    info: &RunInfo,
    reports: &[CaseReport],
    summary: Summary,
    matrix: &Matrix,
    elapsed: Duration,
) -> Value {
    json!({
        "format": FORMAT_VERSION,
        "target": info.target,
        "api_version": info.api_version,
        "readings": info.readings,
        "elapsed_ms": elapsed.as_millis() as u64,
        "summary": summary,
        "cases": reports.iter().map(case).collect::<Vec<_>>(),
        "matrix": matrix_value(matrix),
    })
}

fn case(report: &CaseReport) -> Value {
    let c = &report.case;
    let mut request = Map::new();
    match &report.exchange {
        Some(exchange) => {
            request.insert("method".into(), json!(exchange.request.method));
            request.insert("path".into(), json!(exchange.request.path));
            if !exchange.request.query.is_empty() {
                request.insert("query".into(), query_object(&exchange.request.query));
            }
        }
        None => {
            request.insert("method".into(), json!(c.request.method));
            request.insert("path".into(), json!(c.request.path));
            if !c.request.query.is_empty() {
                request.insert("query".into(), query_object(&c.request.query));
            }
        }
    }
    request.insert("credentials".into(), json!(c.request.credentials.as_str()));
    match &c.request.body {
        Body::Empty => {}
        Body::Json(value) => {
            request.insert("json".into(), value.clone());
        }
        Body::Raw(text) => {
            request.insert("raw".into(), json!(text));
        }
        Body::Form(pairs) => {
            // Form bodies are logins; their values are never reported.
            let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            request.insert("form_keys".into(), json!(keys));
        }
    }
    if let Some(ct) = &c.request.content_type {
        request.insert("content_type".into(), json!(ct));
    }
    if let Some(n) = c.request.burst {
        request.insert("burst".into(), json!(n));
    }
    let mut expected = Map::new();
    match &c.expect.error {
        ExpectedError::Vspc { code } => {
            expected.insert("code".into(), json!(code));
        }
        ExpectedError::OAuth2 { error } => {
            expected.insert("oauth2_error".into(), json!(error));
        }
    }
    expected.insert("status".into(), json!(crate::run::expected_status(c)));
    if let Some(t) = c.expect.error_type {
        expected.insert("type".into(), json!(t.as_str()));
    }
    match &c.expect.field {
        Some(Field::Parameter(p)) => {
            expected.insert("parameter".into(), json!(p));
        }
        Some(Field::Property(p)) => {
            expected.insert("property".into(), json!(p));
        }
        None => {}
    }
    if let Some(m) = &c.expect.message {
        expected.insert("message".into(), json!(m.as_str()));
    }
    let observed = report.exchange.as_ref().map(|e| {
        let mut o = json!({
            "status": e.status,
            "content_type": e.content_type,
            "body": body_for_report(&e.body, 4096),
        });
        if let Some(burst) = &e.burst {
            o["burst"] = json!(burst);
        }
        if let Some(action) = &e.async_action {
            o["async_action"] = json!(action);
        }
        if e.throttled_retries > 0 {
            o["throttled_retries"] = json!(e.throttled_retries);
        }
        o
    });
    let checks: Map<String, Value> = report
        .checks
        .iter()
        .map(|r| {
            (
                r.check.as_str().to_string(),
                serde_json::to_value(r).unwrap_or(Value::Null),
            )
        })
        .map(|(k, mut v)| {
            if let Value::Object(map) = &mut v {
                map.remove("check");
            }
            (k, v)
        })
        .collect();
    let mut out = json!({
        "name": c.name,
        "file": c.file.display().to_string(),
        "line": c.position.line,
        "tags": c.tags,
        "request": request,
        "expected": expected,
        "observed": observed,
        "outcome": report.outcome.as_str(),
        "checks": checks,
        "elapsed_ms": report.elapsed.as_millis() as u64,
    });
    if let Some(reason) = report.outcome.reason() {
        out["reason"] = json!(reason);
    }
    out
}

fn query_object(query: &[(String, String)]) -> Value {
    Value::Object(query.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn matrix_value(matrix: &Matrix) -> Value {
    let rows: Vec<Value> = matrix
        .rows
        .iter()
        .map(|row| {
            let mut r = Map::new();
            match row.key {
                RowKey::Code(code) => r.insert("code".into(), json!(code)),
                RowKey::OAuth2 => r.insert("code".into(), json!("oauth2")),
            };
            r.insert("cases".into(), json!(row.cases));
            for check in Check::ALL {
                r.insert(check.as_str().into(), json!(row.cell(check).to_string()));
            }
            let deviations: usize = row.cells.iter().map(|c| c.deviations).sum();
            r.insert("deviations".into(), json!(deviations));
            Value::Object(r)
        })
        .collect();
    json!({ "rows": rows, "unexercised_codes": matrix.unexercised_codes() })
}
