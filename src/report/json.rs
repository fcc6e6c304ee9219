//! The JSON report: the machine interface (`--report json=PATH`). Its skeleton is fixed by
//! DESIGN.md: members may be added, none renamed. `format` versions the skeleton, and
//! `schemas/report.schema.json` describes it (a test validates every report it writes).

use super::matrix::{Matrix, RowKey};
use super::record::RunRecord;
use super::{ReportError, Reporter};
use crate::check::Check;
use crate::run::Event;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::path::PathBuf;

pub use super::record::{FORMAT_VERSION, RunInfo};

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
            Event::RunStarted { .. } | Event::CaseStarted(_) | Event::CaseFinished(_) => Ok(()),
            Event::RunFinished {
                reports,
                summary,
                matrix,
                elapsed,
            } => {
                let record = RunRecord::from_run(&self.info, reports, *summary, *elapsed);
                super::write_output(&self.path, &render(&record, matrix))
            }
        }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    run: &'a RunRecord,
    matrix: Value,
}

/// The report as JSON text (pretty, with a final newline).
pub fn render(run: &RunRecord, matrix: &Matrix) -> String {
    serde_json::to_string_pretty(&document(run, matrix)).unwrap_or_default() + "\n"
}

/// The report as a JSON value.
pub fn document(run: &RunRecord, matrix: &Matrix) -> Value {
    serde_json::to_value(Document {
        run,
        matrix: matrix_value(matrix),
    })
    .unwrap_or(Value::Null)
}

/// Reads a JSON report back into its record (for `merge`); the summary is recounted from the
/// cases, the matrix is left to [`RunRecord::matrix`].
pub fn read(text: &str) -> Result<RunRecord, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("format").and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "report format {other}; this version reads format {FORMAT_VERSION}"
            ));
        }
        None => return Err("no `format` member: not a vspc-conformance JSON report".into()),
    }
    let mut record: RunRecord =
        serde_json::from_value(value).map_err(|e| format!("not a report of format 1: {e}"))?;
    record.recount();
    Ok(record)
}

/// The matrix: one row per code, `code` naming the row (`"oauth2"` for the OAuth2 row). Each
/// check's cell is a `passed/run` text member named after the check, except the code check's,
/// which is `code_check` because `code` names the row; `cells` has every cell as numbers.
fn matrix_value(matrix: &Matrix) -> Value {
    let rows: Vec<Value> = matrix
        .rows
        .iter()
        .map(|row| {
            let mut r = Map::new();
            r.insert(
                "code".into(),
                match row.key {
                    RowKey::Code(code) => json!(code),
                    RowKey::OAuth2 => json!("oauth2"),
                },
            );
            r.insert("cases".into(), json!(row.cases));
            let mut cells = Map::new();
            for check in Check::ALL {
                let cell = row.cell(check);
                let name = match check {
                    Check::Code => "code_check",
                    other => other.as_str(),
                };
                r.insert(name.into(), json!(cell.to_string()));
                cells.insert(
                    check.as_str().into(),
                    json!({"passed": cell.passed, "run": cell.run, "deviations": cell.deviations}),
                );
            }
            let deviations: usize = row.cells.iter().map(|c| c.deviations).sum();
            r.insert("deviations".into(), json!(deviations));
            r.insert("cells".into(), Value::Object(cells));
            Value::Object(r)
        })
        .collect();
    let (exercised, total) = matrix.coverage();
    json!({
        "rows": rows,
        "unexercised_codes": matrix.unexercised_codes(),
        "codes_exercised": exercised,
        "codes_total": total,
    })
}
