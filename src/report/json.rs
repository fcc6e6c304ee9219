//! The JSON report: the machine interface (`--report json=PATH`). Its skeleton is fixed by
//! DESIGN.md: members may be added, none renamed. `format` versions the skeleton, and
//! `schemas/report.schema.json` describes it (a test validates every report it writes).

use super::ReportError;
use super::record::{CaseRecord, RunRecord};
use crate::check::Check;
use crate::coverage::{Constraints, Coverage, Pairs, Roles};
use crate::matrix::{Matrix, RowKey};
use crate::run::{CaseReport, Summary};
use crate::stop::Interruption;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::path::Path;
use std::time::Duration;

pub use super::record::{FORMAT_VERSION, RunInfo};

/// Writes the report of a finished run to `path`, each case recorded just before it is written,
/// so the run's reports are never held a second time as records.
pub fn write_run(
    path: &Path,
    info: &RunInfo,
    reports: &[CaseReport],
    (summary, elapsed, interrupted): (Summary, Duration, Option<Interruption>),
    matrix: &Matrix,
) -> Result<(), ReportError> {
    let head = RunRecord {
        interrupted,
        ..RunRecord::from_run(info, &[], summary, elapsed)
    };
    super::write_output_with(path, |out| {
        write_cases(out, &head, Cases::Reports(reports), matrix)
    })
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    run: &'a RunRecord,
    matrix: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<Value>,
}

/// The report as JSON text (pretty, with a final newline).
pub fn render(run: &RunRecord, matrix: &Matrix) -> String {
    let mut text = Vec::new();
    let _ = write(&mut text, run, matrix);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes the report as JSON text (pretty, with a final newline): the same text as
/// [`document`] printed, without building it whole. Everything but the cases is turned into JSON
/// at once (members in key order, as a JSON object keeps them); the cases are turned into JSON
/// one at a time as they are written, so a large run's report never exists twice in memory,
/// as a value tree and as text.
pub fn write(
    out: &mut dyn std::io::Write,
    run: &RunRecord,
    matrix: &Matrix,
) -> std::io::Result<()> {
    write_cases(out, run, Cases::Records(&run.cases), matrix)
}

/// The cases of a report: recorded already, or the runner's reports, recorded as written.
#[derive(Clone, Copy)]
enum Cases<'a> {
    Records(&'a [CaseRecord]),
    Reports(&'a [CaseReport]),
}

/// Writes `run`'s members (its own `cases` aside) with `cases` as its cases.
fn write_cases(
    out: &mut dyn std::io::Write,
    run: &RunRecord,
    cases: Cases<'_>,
    matrix: &Matrix,
) -> std::io::Result<()> {
    // The record without its cases; a literal with every field, so a new field is not missed.
    let head = RunRecord {
        format: run.format,
        target: run.target.clone(),
        api_version: run.api_version.clone(),
        readings: run.readings.clone(),
        partition: run.partition.clone(),
        roles_given: run.roles_given.clone(),
        elapsed_ms: run.elapsed_ms,
        interrupted: run.interrupted,
        target_failed: run.target_failed.clone(),
        summary: run.summary,
        cases: Vec::new(),
    };
    let head = match document(&head, matrix) {
        Value::Object(members) => members,
        _ => Map::new(),
    };
    // A buffer of a type known here: the formatter's many small writes (quotes, colons,
    // indentation) go into it inline, not each through `out`'s vtable.
    use std::io::Write;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &Streamed { head: &head, cases })?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// The report's members in key order, with `cases` written case by case.
struct Streamed<'a> {
    head: &'a Map<String, Value>,
    cases: Cases<'a>,
}

impl Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.head.len()))?;
        for (key, value) in self.head {
            if key == "cases" {
                map.serialize_entry(key, &EachAsJson(self.cases))?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// Cases written as a JSON array, each recorded (if it is not yet) just before it is written.
/// A record writes its members in key order itself ([`CaseRecord`]).
struct EachAsJson<'a>(Cases<'a>);

impl Serialize for EachAsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self.0 {
            Cases::Records(records) => {
                let mut seq = serializer.serialize_seq(Some(records.len()))?;
                for case in records {
                    seq.serialize_element(case)?;
                }
                seq.end()
            }
            Cases::Reports(reports) => {
                let mut seq = serializer.serialize_seq(Some(reports.len()))?;
                for report in reports {
                    seq.serialize_element(&CaseRecord::from_report(report))?;
                }
                seq.end()
            }
        }
    }
}

/// The report as a JSON value.
pub fn document(run: &RunRecord, matrix: &Matrix) -> Value {
    serde_json::to_value(Document {
        run,
        matrix: matrix_value(matrix),
        coverage: matrix.operations.as_ref().map(coverage_value),
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

/// Coverage per operation: every operation of the version with the cases that reached it, the
/// codes they provoked and the checks that ran; the unreached ones by tag.
fn coverage_value(coverage: &Coverage) -> Value {
    let operations: Vec<Value> = coverage
        .operations
        .iter()
        .map(|r| {
            json!({
                "method": r.operation.method,
                "path": r.operation.path,
                "tag": r.operation.tag,
                "cases": r.cases,
                "codes": r.codes,
                "checks": r.checks.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "version": coverage.version.as_str(),
        "operations_total": coverage.total(),
        "operations_reached": coverage.reached(),
        "operations": operations,
        "unreached": coverage.unreached(),
        "constraints": constraints_value(&coverage.constraints),
        "roles": roles_value(&coverage.roles),
    })
}

/// Who may call what: per role tried, per tag, the pairs refused of those tried.
fn roles_value(roles: &Roles) -> Value {
    let pairs = |p: &Pairs| json!({"tried": p.tried, "refused": p.refused, "let_through": p.let_through, "inconclusive": p.inconclusive});
    let matrix: Vec<Value> = roles
        .cells
        .iter()
        .map(|(role, tags)| {
            let by_tag: serde_json::Map<String, Value> = tags
                .iter()
                .map(|(tag, p)| (tag.clone(), pairs(p)))
                .collect();
            let mut row = pairs(&roles.of(*role));
            row["role"] = json!(role.as_str());
            row["tags"] = Value::Object(by_tag);
            row
        })
        .collect();
    let mut value = pairs(&roles.total());
    value["given"] = json!(roles.given());
    value["matrix"] = Value::Array(matrix);
    value
}

/// The declared input constraints: how many, exercised, conformed, by keyword; and each one no
/// judged case broke, with why.
fn constraints_value(c: &Constraints) -> Value {
    let by_keyword: serde_json::Map<String, Value> = c
        .by_keyword
        .iter()
        .map(|(keyword, n)| {
            (
                keyword.to_string(),
                json!({"declared": n.declared, "exercised": n.exercised, "conformed": n.conformed}),
            )
        })
        .collect();
    let unexercised: Vec<Value> = c
        .unexercised()
        .iter()
        .map(|u| {
            json!({
                "operation": u.operation,
                "constraint": u.constraint,
                "keyword": u.keyword.as_str(),
                "why": u.why,
                "detail": u.detail,
            })
        })
        .collect();
    json!({
        "declared": c.declared,
        "exercised": c.exercised,
        "conformed": c.conformed,
        "not_reached": c.not_reached,
        "by_keyword": by_keyword,
        "unexercised": unexercised,
    })
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
                    RowKey::Admitted => json!("admitted"),
                },
            );
            r.insert("cases".into(), json!(row.cases));
            r.insert("inconclusive".into(), json!(row.inconclusive));
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
