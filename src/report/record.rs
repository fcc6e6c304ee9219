//! The report record: what every file report says about a run, as data. Built from the runner's
//! case reports after a run, or read back from JSON reports by `merge`; the JSON, JUnit,
//! Markdown and HTML reporters render it (with the [`Matrix`]) and none of them looks at a
//! response or a verdict's reasons again.
//!
//! Its serde form *is* the JSON report (`schemas/report.schema.json`), so a JSON report read
//! back is the same record that wrote it.

use super::{body_for_report, redact_secrets};
use crate::baseline::Standing;
use crate::case::inputs::Break;
use crate::case::{Body, ExpectedError, Field};
use crate::check::{Check, CheckResult, Shown, Verdict};
use crate::contract::{ApiVersion, Readings, Role, Strength};
use crate::coverage::{Broke, Coverage, Reach, Refusal, provoked};
use crate::matrix::{Matrix, RowKey, Tally, ran};
pub use crate::outcome::OutcomeKind;
use crate::outcome::{CaseReport, Outcome, Summary};
use crate::stop::{Interruption, TargetFailure};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The version of the report skeleton (`format` in the JSON report). Members may be added
/// without a new version; a rename or a removal needs one.
pub const FORMAT_VERSION: u64 = 1;

/// Response bodies in reports are cut at this many characters when they are not JSON.
pub const BODY_LIMIT: usize = 4096;

/// What the report records about the run besides its results.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// `embedded-mock`, or the target's URL.
    pub target: String,
    pub api_version: String,
    pub readings: Readings,
    /// The shard this run was (`count:1/3`), when it was one.
    pub partition: Option<String>,
    /// The roles the run had credentials for.
    pub roles_given: Vec<Role>,
}

/// A whole run: the JSON report without its matrix (the matrix is the [`Matrix`] model, built
/// once and passed beside the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub format: u64,
    pub target: String,
    pub api_version: String,
    /// The readings of the open questions (`--custom-code-status`, `--retry-after`).
    pub readings: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
    /// The roles the run had credentials for, as the specs spell them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles_given: Vec<String>,
    pub elapsed_ms: u64,
    /// A signal stopped the run: `cases` holds the cases that finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interruption>,
    /// Nothing was sent: the target could not be reached or authenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_failed: Option<TargetFailure>,
    /// Recounted from `cases` when a report is read back (see [`RunRecord::recount`]).
    #[serde(skip_deserializing)]
    pub summary: Summary,
    pub cases: Vec<CaseRecord>,
}

impl RunRecord {
    /// The record of a finished run, from the runner's `RunFinished` event.
    pub fn from_run(
        info: &RunInfo,
        reports: &[CaseReport],
        summary: Summary,
        elapsed: Duration,
    ) -> RunRecord {
        RunRecord {
            format: FORMAT_VERSION,
            target: info.target.clone(),
            api_version: info.api_version.clone(),
            readings: serde_json::to_value(info.readings).unwrap_or(Value::Null),
            partition: info.partition.clone(),
            roles_given: info.roles_given.iter().map(|r| r.to_string()).collect(),
            elapsed_ms: elapsed.as_millis() as u64,
            interrupted: None,
            target_failed: None,
            summary,
            cases: reports.iter().map(CaseRecord::from_report).collect(),
        }
    }

    /// The record of a run whose target failed before anything was sent: no cases, and why.
    pub fn of_failed_target(info: &RunInfo, reason: String, not_run: usize) -> RunRecord {
        RunRecord {
            target_failed: Some(TargetFailure { reason, not_run }),
            ..RunRecord::from_run(info, &[], Summary::default(), Duration::ZERO)
        }
    }

    /// Why some selected cases were not run, one line each, as every report says it: empty
    /// when every selected case ran.
    pub fn not_run(&self) -> Vec<String> {
        let interrupted = self.interrupted.iter().map(ToString::to_string);
        let failed = self.target_failed.iter().map(ToString::to_string);
        interrupted.chain(failed).collect()
    }

    /// Every selected case ran: no signal stopped the run, and its target was reached.
    pub fn complete(&self) -> bool {
        self.interrupted.is_none() && self.target_failed.is_none()
    }

    /// How many selected cases were not run, for whichever reason.
    pub fn cases_not_run(&self) -> usize {
        let interrupted = self.interrupted.map_or(0, |i| i.not_run);
        interrupted + self.target_failed.as_ref().map_or(0, |f| f.not_run)
    }

    /// What the report says first: a failure found stands whether or not the run finished;
    /// without one, a run that left cases unrun is no evidence of conformance.
    pub fn headline(&self) -> Headline {
        if !self.summary.passed() {
            Headline::NotConforming
        } else if !self.complete() {
            Headline::Incomplete
        } else {
            Headline::Conforming
        }
    }

    /// Counts the outcomes of `cases` into `summary` (after reading or merging records).
    pub fn recount(&mut self) {
        self.summary = Summary::count(self.cases.iter().map(|c| (c.outcome, c.baseline.as_ref())));
    }

    /// The matrix of these cases, counted by [`Matrix::tally`] as a run's is, with the
    /// operations they reached when the record's version is one the harness knows.
    pub fn matrix(&self) -> Matrix {
        let operations = ApiVersion::parse(&self.api_version).map(|version| {
            let reached = self.cases.iter().filter_map(|c| {
                let observed = c.observed.as_ref()?;
                Some(Reach {
                    method: &c.request.method,
                    path: &c.request.path,
                    provoked: provoked(&observed.body),
                    checks: ran(c.checks.verdicts()),
                    broke: c.broken.as_ref().map(|b| Broke {
                        constraint: &b.constraint,
                        outcome: c.outcome,
                    }),
                })
            });
            let refusals = self.cases.iter().filter_map(|c| {
                let role = c.refused_role()?;
                Some(Refusal {
                    role,
                    method: &c.request.method,
                    path: &c.request.path,
                    outcome: c.outcome,
                })
            });
            let given = self.roles_given.iter().filter_map(|r| Role::parse(r));
            Coverage::count(version, reached, refusals, given)
        });
        let matrix = Matrix::tally(
            self.cases
                .iter()
                .filter(|c| c.outcome.evaluated() || c.outcome == OutcomeKind::Inconclusive)
                .filter_map(|c| {
                    let tally = match c.outcome {
                        OutcomeKind::Inconclusive => Tally::Inconclusive,
                        _ => Tally::Judged(c.checks.verdicts()),
                    };
                    Some((c.row()?, tally))
                }),
        );
        Matrix {
            operations,
            ..matrix
        }
    }
}

/// The verdict a report is headed with ([`RunRecord::headline`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headline {
    Conforming,
    NotConforming,
    Incomplete,
}

impl Headline {
    pub fn as_str(self) -> &'static str {
        match self {
            Headline::Conforming => "conforming",
            Headline::NotConforming => "not conforming",
            Headline::Incomplete => "incomplete",
        }
    }
}

/// One case of the report. Its fields, and those of the records inside it, are declared in key
/// order: the JSON report writes each case straight from its record, with its members in key
/// order as the report's other members are, and serde writes a record's fields in the order
/// they are declared. Building a JSON value per case to sort them took more than half of a
/// report's writing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// Where the case stands against the run's baseline file, when it has one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "in_key_order"
    )]
    pub baseline: Option<Standing>,
    /// The declared constraint the case breaks, when an input sweep made it.
    #[serde(rename = "break", default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<BreakRecord>,
    pub checks: Checks,
    /// A `curl` command that sends the request again, for a non-conforming case
    /// ([`super::curl::command`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub elapsed_ms: u64,
    pub expected: ExpectedRecord,
    /// The case file, relative to the working directory when it is under it.
    pub file: String,
    pub line: usize,
    pub name: String,
    /// The answer, when one came (`null` for skipped cases and transport errors).
    pub observed: Option<ObservedRecord>,
    pub outcome: OutcomeKind,
    /// Why, for skipped cases and errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub request: RequestRecord,
    pub tags: Vec<String>,
}

/// A value written with its members in key order, as a JSON value keeps them: for a type whose
/// fields are not declared so (an internally tagged enum writes its tag first).
fn in_key_order<T: Serialize, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::Error;
    serde_json::to_value(value)
        .map_err(S::Error::custom)?
        .serialize(serializer)
}

/// A declared constraint broken, as data: which, how, and the value sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakRecord {
    /// Other keywords of the same input the value breaks too, where none breaks it alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// As the census names it: `query limit: maximum`.
    pub constraint: String,
    /// `query limit`, `body organizationInput.name`.
    pub input: String,
    pub keyword: String,
    /// `below_minimum`, `left_out`, ...
    pub kind: String,
    /// The value sent, as shown (`-1`, `(left out)`).
    pub value: String,
}

impl BreakRecord {
    fn of(broken: &Break) -> BreakRecord {
        BreakRecord {
            constraint: broken.label.clone(),
            input: broken.constraint.input.to_string(),
            keyword: broken.constraint.keyword.to_string(),
            kind: broken.kind.to_string(),
            value: broken.shown.clone(),
            also: broken.also.iter().map(|k| k.to_string()).collect(),
        }
    }
}

impl CaseRecord {
    pub fn from_report(report: &CaseReport) -> CaseRecord {
        let c = &report.case;
        CaseRecord {
            name: c.name.clone(),
            file: display_path(&c.file),
            line: c.position.line,
            description: c.description.as_deref().map(str::to_string),
            tags: c.tags.to_vec(),
            request: RequestRecord::of(report),
            expected: ExpectedRecord::of(report),
            observed: report.exchange.as_ref().map(|e| ObservedRecord {
                status: e.status,
                content_type: e.content_type.clone(),
                body: body_for_report(&e.body, BODY_LIMIT),
                burst: e.burst.as_ref().and_then(|b| serde_json::to_value(b).ok()),
                async_action: e
                    .async_action
                    .as_ref()
                    .and_then(|a| serde_json::to_value(a).ok()),
                throttled_retries: e.throttled_retries,
            }),
            outcome: OutcomeKind::of(&report.outcome),
            reason: report.outcome.reason(),
            checks: Checks::of(&report.checks),
            elapsed_ms: report.elapsed.as_millis() as u64,
            curl: report
                .exchange
                .as_ref()
                .filter(|_| report.outcome == Outcome::NonConforming)
                .map(|e| super::curl::command(&e.request)),
            baseline: report.standing.clone(),
            broken: c.broken.as_deref().map(BreakRecord::of),
        }
    }

    /// The role the case expects to be refused: sent with a role's token, expecting 403 (as
    /// [`crate::matrix::refused_role`] reads a case).
    pub fn refused_role(&self) -> Option<Role> {
        let role = self.request.credentials.strip_prefix("role:")?;
        (self.expected.code == Some(403))
            .then(|| Role::parse(role))
            .flatten()
    }

    /// The matrix row this case counts in.
    pub fn row(&self) -> Option<RowKey> {
        match (&self.expected.code, &self.expected.oauth2_error) {
            (Some(code), _) => Some(RowKey::Code(*code)),
            (None, Some(_)) => Some(RowKey::OAuth2),
            (None, None) if self.expected.admitted => Some(RowKey::Admitted),
            (None, None) => None,
        }
    }

    /// `pagination` for `pagination::negative_offset`: the case's group (its file's test path).
    pub fn group(&self) -> &str {
        self.name
            .rsplit_once("::")
            .map(|(group, _)| group)
            .unwrap_or("")
    }

    /// The failed checks, in report order.
    pub fn failures(&self) -> impl Iterator<Item = (Check, &CheckRecord)> {
        self.checks
            .iter()
            .filter(|(_, r)| r.verdict == Verdict::Fail)
    }
}

/// A path as reports show it: relative to the working directory when it is under it.
fn display_path(path: &Path) -> String {
    // Asked of the system once: a report names every case's file, and the harness never
    // changes its working directory.
    static WORKING_DIRECTORY: std::sync::OnceLock<Option<std::path::PathBuf>> =
        std::sync::OnceLock::new();
    let relative = WORKING_DIRECTORY
        .get_or_init(|| std::env::current_dir().ok())
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok());
    relative
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/")
}

/// What was sent: the request as sent when it was (variables resolved), else as the case wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `default`, `none`, `invalid` or `read-only`.
    pub credentials: String,
    /// A form body, by its keys only: forms are logins, their values are never reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_keys: Option<Vec<String>>,
    /// Headers the case sets (credential headers redacted).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// A JSON body (credential members redacted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<Value>,
    pub method: String,
    /// Under `/api/v3`.
    pub path: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
}

impl RequestRecord {
    fn of(report: &CaseReport) -> RequestRecord {
        let c = &report.case;
        let (method, path, query) = match &report.exchange {
            Some(e) => (&e.request.method, &e.request.path, &e.request.query),
            None => (&c.request.method, &c.request.path, &c.request.query),
        };
        let (mut json, mut raw, mut form_keys) = (None, None, None);
        match &c.request.body {
            Body::Empty => {}
            Body::Json(body) => json = Some(redact_secrets(body.value().into_owned())),
            Body::Raw(text) => raw = Some(cut(text, BODY_LIMIT)),
            Body::Form(pairs) => form_keys = Some(pairs.iter().map(|(k, _)| k.clone()).collect()),
        }
        RequestRecord {
            method: method.clone(),
            path: path.clone(),
            query: query.iter().cloned().collect(),
            headers: c
                .request
                .headers
                .iter()
                .map(|(k, v)| {
                    let secret = super::SECRET_HEADERS
                        .iter()
                        .any(|s| s.eq_ignore_ascii_case(k));
                    let v = if secret {
                        "[redacted]".into()
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect(),
            credentials: c.request.credentials.label().into_owned(),
            json,
            raw,
            form_keys,
            content_type: c.request.content_type.clone(),
            burst: c.request.burst,
        }
    }

    /// `GET /organizations/companies?offset=-1`
    pub fn line(&self) -> String {
        let query = crate::exchange::query_text(&self.query);
        format!("{} {}{query}", self.method, self.path)
    }
}

fn cut(text: &str, limit: usize) -> String {
    if text.chars().count() > limit {
        format!("{}…", text.chars().take(limit).collect::<String>())
    } else {
        text.to_string()
    }
}

/// What the contract says the answer must be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpectedRecord {
    /// The call must be let through (no 401, no 403); `status` is then the first success.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub admitted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// A regex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth2_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    pub status: u16,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
}

impl ExpectedRecord {
    fn of(report: &CaseReport) -> ExpectedRecord {
        let e = &report.case.expect;
        let (code, oauth2_error) = match &e.error {
            ExpectedError::Vspc { code } => (Some(*code), None),
            ExpectedError::OAuth2 { accepted } => (None, Some(accepted.join("|"))),
            ExpectedError::Admitted => (None, None),
        };
        let (parameter, property) = match &e.field {
            Some(Field::Parameter(p)) => (Some(p.clone()), None),
            Some(Field::Property(p)) => (None, Some(p.clone())),
            None => (None, None),
        };
        ExpectedRecord {
            code,
            oauth2_error,
            admitted: matches!(e.error, ExpectedError::Admitted),
            status: report.case.expect.wanted_status(),
            error_type: e.error_type.map(|t| t.as_str().to_string()),
            parameter,
            property,
            message: e.message.as_ref().map(|m| m.as_str().to_string()),
        }
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedRecord {
    /// When the answer was 202 Accepted: the async action followed to its end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub async_action: Option<Value>,
    /// The body: JSON with credential members redacted, else its text (cut).
    pub body: Value,
    /// For `burst` cases: how many were sent and the statuses that came back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<Value>,
    pub content_type: Option<String>,
    pub status: u16,
    /// 429s the case did not ask for, waited out and sent again.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub throttled_retries: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One check's verdict, with what was expected and seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where that fact was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// How firm the fact is that a failed or deviating check rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<Strength>,
    pub verdict: Verdict,
}

impl From<&CheckResult> for CheckRecord {
    fn from(r: &CheckResult) -> CheckRecord {
        CheckRecord {
            verdict: r.verdict,
            expected: r.expected.as_ref().map(Shown::to_value),
            actual: r.actual.as_ref().map(Shown::to_value),
            note: r.note.clone(),
            strength: r.source.as_ref().map(|s| s.strength),
            source: r.source.as_ref().map(|s| s.text.to_string()),
        }
    }
}

impl CheckRecord {
    /// `stated: errors page: ...`, the fact a failed or deviating check rests on.
    pub fn rests_on(&self) -> Option<String> {
        Some(format!("{}: {}", self.strength?, self.source.as_deref()?))
    }
}

/// The six verdicts of a case, by check (absent for cases that were not evaluated).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<CheckRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<CheckRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<CheckRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<CheckRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CheckRecord>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<CheckRecord>,
}

impl Checks {
    fn of(results: &[CheckResult]) -> Checks {
        let mut checks = Checks::default();
        for r in results {
            *checks.slot(r.check) = Some(r.into());
        }
        checks
    }

    fn slot(&mut self, check: Check) -> &mut Option<CheckRecord> {
        match check {
            Check::Status => &mut self.status,
            Check::Envelope => &mut self.envelope,
            Check::Type => &mut self.error_type,
            Check::Code => &mut self.code,
            Check::Field => &mut self.field,
            Check::Message => &mut self.message,
        }
    }

    pub fn get(&self, check: Check) -> Option<&CheckRecord> {
        match check {
            Check::Status => self.status.as_ref(),
            Check::Envelope => self.envelope.as_ref(),
            Check::Type => self.error_type.as_ref(),
            Check::Code => self.code.as_ref(),
            Check::Field => self.field.as_ref(),
            Check::Message => self.message.as_ref(),
        }
    }

    /// The checks present, in [`Check::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Check, &CheckRecord)> {
        Check::ALL
            .into_iter()
            .filter_map(|c| self.get(c).map(|r| (c, r)))
    }

    pub fn verdicts(&self) -> Vec<(Check, Verdict)> {
        self.iter().map(|(c, r)| (c, r.verdict)).collect()
    }
}

/// A check's expected or actual value as one line of text: strings quoted, JSON compact.
pub fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// `expected 520, actual 500: note` — one failed (or deviating) check in words, as the
/// terminal, JUnit and Markdown reports print it; `paint` dresses the expected and the actual
/// value (the terminal colours them, the files leave them as they are).
pub fn check_words(record: &CheckRecord, paint: Paint) -> String {
    let show = |v: &Option<Value>| v.as_ref().map(compact);
    let mut line = match (show(&record.expected), show(&record.actual)) {
        (Some(e), Some(a)) => format!(
            "expected {}, actual {}",
            (paint.expected)(&e),
            (paint.actual)(&a)
        ),
        (Some(e), None) => format!("expected {}", (paint.expected)(&e)),
        (None, Some(a)) => format!("actual {}", (paint.actual)(&a)),
        (None, None) => String::new(),
    };
    if let Some(note) = &record.note {
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(note);
    }
    line
}

/// How [`check_words`] dresses the values.
#[derive(Clone, Copy)]
pub struct Paint<'a> {
    pub expected: &'a dyn Fn(&str) -> String,
    pub actual: &'a dyn Fn(&str) -> String,
}

impl Paint<'_> {
    pub const PLAIN: Paint<'static> = Paint {
        expected: &str::to_string,
        actual: &str::to_string,
    };
}

/// [`check_words`] plain, with the fact it rests on: one line for JUnit and Markdown.
pub fn check_line(record: &CheckRecord) -> String {
    let mut line = check_words(record, Paint::PLAIN);
    if let Some(source) = record.rests_on() {
        line.push_str(&format!(" [{source}]"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::Date;
    use serde_json::json;

    fn check(verdict: Verdict) -> Option<CheckRecord> {
        Some(CheckRecord {
            actual: Some(json!({"parameterName": "offset", "code": 400})),
            expected: Some(json!({"parameterName": "limit"})),
            note: Some("names `offset`, not `limit`".into()),
            source: Some("errors page: the field".into()),
            strength: Some(Strength::Stated),
            verdict,
        })
    }

    /// Every member a case can carry, so that each record's key order is tried.
    fn full(baseline: Standing) -> CaseRecord {
        CaseRecord {
            baseline: Some(baseline),
            broken: Some(BreakRecord {
                also: vec!["maxLength".into()],
                constraint: "query limit: maximum".into(),
                input: "query limit".into(),
                keyword: "maximum".into(),
                kind: "above_maximum".into(),
                value: "1001".into(),
            }),
            checks: Checks {
                code: check(Verdict::Fail),
                envelope: check(Verdict::Pass),
                field: check(Verdict::Deviation),
                message: check(Verdict::Skip),
                status: check(Verdict::Pass),
                error_type: check(Verdict::Pass),
            },
            curl: Some("curl -X GET ...".into()),
            description: Some("a limit above the maximum".into()),
            elapsed_ms: 3,
            expected: ExpectedRecord {
                admitted: true,
                code: Some(400),
                message: Some("(?i)limit".into()),
                oauth2_error: Some("invalid_grant".into()),
                parameter: Some("limit".into()),
                property: Some("name".into()),
                status: 400,
                error_type: Some("logical".into()),
            },
            file: "cases/sweep.toml".into(),
            line: 12,
            name: "sweep::above_maximum::GET /x (query limit)".into(),
            observed: Some(ObservedRecord {
                async_action: Some(json!({"action": "a1", "status": "failed"})),
                body: json!({"errors": [{"message": "m", "type": "logical", "code": 400}]}),
                burst: Some(json!({"sent": 3, "statuses": {"429": 1}})),
                content_type: Some("application/json".into()),
                status: 400,
                throttled_retries: 2,
            }),
            outcome: OutcomeKind::NonConforming,
            reason: Some("why".into()),
            request: RequestRecord {
                burst: Some(3),
                content_type: Some("application/json".into()),
                credentials: "default".into(),
                form_keys: Some(vec!["grant_type".into()]),
                headers: BTreeMap::from([("X-A".into(), "1".into())]),
                json: Some(json!({"b": 1, "a": [true, null]})),
                method: "GET".into(),
                path: "/x".into(),
                query: BTreeMap::from([("limit".into(), "1001".into())]),
                raw: Some("raw".into()),
            },
            tags: vec!["sweep".into()],
        }
    }

    #[test]
    fn a_case_written_straight_from_its_record_is_the_text_of_its_json_value() {
        let date = Date {
            year: 2026,
            month: 12,
            day: 5,
        };
        let reason = || "known".to_string();
        for standing in [
            Standing::Known { reason: reason() },
            Standing::New,
            Standing::Changed {
                reason: reason(),
                was: "field".into(),
            },
            Standing::Expired {
                reason: reason(),
                expired: date,
            },
            Standing::Fixed {
                reason: reason(),
                strict: true,
            },
        ] {
            let record = full(standing);
            let value = serde_json::to_value(&record).unwrap();
            assert_eq!(
                serde_json::to_string_pretty(&record).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
            // Members a case leaves out are left out alike.
            let bare = CaseRecord {
                baseline: None,
                broken: None,
                curl: None,
                description: None,
                observed: None,
                reason: None,
                checks: Checks::default(),
                ..record
            };
            let value = serde_json::to_value(&bare).unwrap();
            assert_eq!(
                serde_json::to_string_pretty(&bare).unwrap(),
                serde_json::to_string_pretty(&value).unwrap()
            );
        }
    }
}
