//! The terminal reporter: each non-conforming case with expected vs actual per failed check,
//! then the conformance matrix and a summary line.

use super::matrix::Matrix;
use super::{ReportError, Reporter};
use crate::check::{Check, CheckResult, Verdict};
use crate::run::{CaseReport, Event, Outcome, Summary};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

pub struct Terminal<W: Write> {
    out: W,
    /// Print every case as it finishes, not only the failures at the end.
    pub verbose: bool,
}

impl<W: Write> Terminal<W> {
    pub fn new(out: W) -> Terminal<W> {
        Terminal {
            out,
            verbose: false,
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    fn write(&mut self, text: &str) -> Result<(), ReportError> {
        self.out
            .write_all(text.as_bytes())
            .map_err(|source| ReportError::Write {
                path: PathBuf::from("<stdout>"),
                source,
            })
    }
}

impl<W: Write> Reporter for Terminal<W> {
    fn on_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunStarted { target, cases } => {
                self.write(&format!("running {cases} cases against {target}\n"))
            }
            Event::CaseFinished(report) => {
                if self.verbose {
                    let line = format!("{:>14} {}\n", report.outcome.as_str(), report.case.name);
                    self.write(&line)?;
                }
                Ok(())
            }
            Event::RunFinished {
                reports,
                summary,
                matrix,
                elapsed,
            } => {
                let text = render_finish(reports, *summary, matrix, *elapsed);
                self.write(&text)
            }
        }
    }
}

/// Everything printed at the end of a run. Public so snapshot tests can pin it.
pub fn render_finish(
    reports: &[CaseReport],
    summary: Summary,
    matrix: &Matrix,
    elapsed: Duration,
) -> String {
    let mut out = String::new();
    for report in reports
        .iter()
        .filter(|r| r.outcome == Outcome::NonConforming)
    {
        out.push_str(&render_failure(report));
    }
    for report in reports {
        if let Outcome::Error(reason) = &report.outcome {
            out.push_str(&format!("\nERROR {}\n      {reason}\n", report.case.name));
        }
    }
    out.push('\n');
    out.push_str(&render_matrix(matrix));
    let skipped = skip_reasons(reports);
    if !skipped.is_empty() {
        out.push_str("\nskipped:\n");
        for (reason, count) in skipped {
            out.push_str(&format!("  {count:>5}  {reason}\n"));
        }
    }
    let (exercised, total) = matrix.coverage();
    out.push_str(&format!(
        "\n{} cases: {} conforming, {} non-conforming, {} skipped, {} errors; codes exercised {exercised}/{total} [{:.2}s]\n",
        summary.cases, summary.conforming, summary.non_conforming, summary.skipped, summary.errors,
        elapsed.as_secs_f64()
    ));
    out
}

/// One non-conforming case: where it is, what was sent, and each failing check.
pub fn render_failure(report: &CaseReport) -> String {
    let case = &report.case;
    let mut out = format!(
        "\nFAIL {}\n  --> {}:{}:{}\n",
        case.name,
        case.file.display(),
        case.position.line,
        case.position.column
    );
    if let Some(exchange) = &report.exchange {
        let query: Vec<String> = exchange
            .request
            .query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        out.push_str(&format!(
            "   |  {} {}{query} -> HTTP {} {}\n",
            exchange.request.method,
            exchange.request.path,
            exchange.status,
            exchange
                .content_type
                .as_deref()
                .unwrap_or("(no content type)")
        ));
        if let Some(action) = &exchange.async_action {
            out.push_str(&format!(
                "   |  202 Accepted, followed async action {}: {} after {} poll{}\n",
                action.action,
                action.status,
                action.polls,
                if action.polls == 1 { "" } else { "s" }
            ));
        }
        if let Some(burst) = &exchange.burst {
            let statuses: Vec<String> = burst
                .statuses
                .iter()
                .map(|(s, n)| format!("{n}x{s}"))
                .collect();
            out.push_str(&format!(
                "   |  burst of {}: {}\n",
                burst.sent,
                statuses.join(", ")
            ));
        }
    }
    for result in report.checks.iter().filter(|r| r.verdict == Verdict::Fail) {
        out.push_str(&render_check(report, result));
    }
    out
}

fn render_check(report: &CaseReport, result: &CheckResult) -> String {
    let mut line = format!("   {:<9}", result.check.as_str());
    let show = |v: &Option<Value>| v.as_ref().map(compact);
    match (show(&result.expected), show(&result.actual)) {
        (Some(e), Some(a)) => line.push_str(&format!("expected {e}, actual {a}")),
        (Some(e), None) => line.push_str(&format!("expected {e}")),
        (None, Some(a)) => line.push_str(&format!("actual {a}")),
        (None, None) => {}
    }
    if let Some(note) = &result.note {
        if !line.trim_end().ends_with(result.check.as_str()) {
            line.push_str(": ");
        }
        line.push_str(note);
    }
    let lines = &report.case.expect.lines;
    let set_at = match result.check {
        Check::Status => lines.status.or(lines.error),
        Check::Code => lines.error,
        Check::Type => lines.error_type,
        Check::Field => lines.field,
        Check::Message => lines.message,
        Check::Envelope => None,
    };
    if let Some(p) = set_at {
        line.push_str(&format!(" (expected at line {})", p.line));
    }
    line.push('\n');
    line
}

fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

fn skip_reasons(reports: &[CaseReport]) -> BTreeMap<&str, usize> {
    let mut reasons = BTreeMap::new();
    for report in reports {
        if let Outcome::Skipped(reason) = &report.outcome {
            *reasons.entry(reason.as_str()).or_default() += 1;
        }
    }
    reasons
}

/// The matrix as a fixed-width table.
pub fn render_matrix(matrix: &Matrix) -> String {
    let mut out = format!("{:<8}{:>6}", "code", "cases");
    for check in Check::ALL {
        out.push_str(&format!("  {:<9}", check.as_str()));
    }
    out = out.trim_end().to_string();
    out.push('\n');
    for row in &matrix.rows {
        let mark = if row.conforming() { ' ' } else { '!' };
        let mut line = format!("{:<7}{mark}{:>6}", row.key.to_string(), row.cases);
        for cell in row.cells {
            let text = if cell.deviations > 0 {
                format!("{cell}~")
            } else {
                cell.to_string()
            };
            line.push_str(&format!("  {text:<9}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let unexercised = matrix.unexercised_codes();
    if !unexercised.is_empty() {
        let list: Vec<String> = unexercised.iter().map(u16::to_string).collect();
        out.push_str(&format!(
            "unexercised codes ({}): {}\n",
            unexercised.len(),
            list.join(", ")
        ));
    }
    if matrix
        .rows
        .iter()
        .any(|r| r.cells.iter().any(|c| c.deviations > 0))
    {
        out.push_str("~ some verdicts are deviations: allowed by a reading of the contract, not its canonical form\n");
    }
    out
}
