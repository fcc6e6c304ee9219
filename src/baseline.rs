//! Known deviations: a baseline file of the non-conformances a console is known to have, so a
//! team can run against a console that is not yet conforming and still learn from CI when it
//! drifts. Each entry names a case, the checks it fails, a fingerprint of the answer (status,
//! code and type, never volatile text), a reason and an optional expiry date.
//!
//! The runner asks [`Baseline::standing`] once per judged case; reporters render the
//! [`Standing`] it decided. `schemas/baseline.schema.json` is generated from [`BaselineFile`]
//! (`tests/baseline.rs` keeps it in sync).

use crate::contract::Check;
use crate::diagnostic::{Diagnostic, Source, did_you_mean};
use crate::exchange::Said;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// A baseline file: `[[known]]` tables, one per known non-conforming case.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vspc-conformance baseline")]
pub struct BaselineFile {
    /// The known non-conformances. A run fails only on what none of them covers, on an entry
    /// whose case now fails differently, and on an expired entry.
    #[serde(default)]
    #[schemars(with = "Vec<KnownDef>")]
    pub known: Vec<Spanned<KnownDef>>,
}

/// One known non-conformance.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnownDef {
    /// The case's test name: `auth::no_token`.
    #[schemars(with = "String")]
    pub case: Spanned<String>,
    /// The checks the case fails: status, envelope, type, code, field, message.
    #[schemars(with = "Vec<String>")]
    pub checks: Vec<Spanned<String>>,
    /// The answer the case got: `status 401, code 401, type -` (`-` where the body had none).
    #[schemars(with = "String")]
    pub fingerprint: Spanned<String>,
    /// Why it is accepted for now: free text, e.g. the console owners' ticket.
    pub reason: String,
    /// The last day the entry holds (`2027-03-31`, a TOML date); after it, the run fails.
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub expires: Option<Spanned<toml::value::Datetime>>,
}

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((seconds / 86_400) as i64)
    }

    /// The day `days` after 1970-01-01 (the proleptic Gregorian calendar).
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days: eras of 400 years, March-based years.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl From<Date> for String {
    fn from(date: Date) -> String {
        date.to_string()
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(text: String) -> Result<Date, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let number = |i: usize| parts.get(i).and_then(|p| p.parse::<u16>().ok());
        match (parts.len(), number(0), number(1), number(2)) {
            (3, Some(year), Some(month @ 1..=12), Some(day @ 1..=31)) => Ok(Date {
                year,
                month: month as u8,
                day: day as u8,
            }),
            _ => Err(format!("`{text}` is not a date (YYYY-MM-DD)")),
        }
    }
}

/// The answer of a case, as a baseline entry remembers it: what a console would have to change
/// to break the rule differently, not the wording of its message.
pub fn fingerprint(status: u16, said: &Said) -> String {
    let shown = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "-".to_string(),
        Some(other) => other.to_string(),
    };
    match (&said.first_error, &said.oauth2_error) {
        (None, Some(error)) => format!("status {status}, error {}", shown(Some(error))),
        (first, _) => {
            let (code, error_type) = first
                .as_ref()
                .map_or((None, None), |(c, t)| (c.as_ref(), t.as_ref()));
            format!(
                "status {status}, code {}, type {}",
                shown(code),
                shown(error_type)
            )
        }
    }
}

/// One checked entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub case: String,
    pub checks: Vec<Check>,
    pub fingerprint: String,
    pub reason: String,
    pub expires: Option<Date>,
}

/// Where a judged case stands against the baseline. Decided once, by the runner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// Non-conforming exactly as the entry says: does not fail the run.
    Known { reason: String },
    /// Non-conforming, and no entry covers it.
    New,
    /// Non-conforming, but otherwise than the entry says (other checks, another answer).
    Changed { reason: String, was: String },
    /// Non-conforming as the entry says, but the entry expired.
    Expired { reason: String, expired: Date },
    /// Conforming, though an entry still names it; fails the run under `--strict-baseline`.
    Fixed { reason: String, strict: bool },
}

impl Standing {
    /// Whether this standing fails the run.
    pub fn fails(&self) -> bool {
        match self {
            Standing::Known { .. } => false,
            Standing::New | Standing::Changed { .. } | Standing::Expired { .. } => true,
            Standing::Fixed { strict, .. } => *strict,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Standing::Known { .. } => "known",
            Standing::New => "new",
            Standing::Changed { .. } => "changed",
            Standing::Expired { .. } => "expired",
            Standing::Fixed { .. } => "fixed",
        }
    }
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Standing::Known { reason } => write!(f, "known: {reason}"),
            Standing::New => f.write_str("new: no baseline entry covers it"),
            Standing::Changed { reason, was } => {
                write!(f, "changed: the baseline entry ({reason}) says {was}")
            }
            Standing::Expired { reason, expired } => {
                write!(
                    f,
                    "expired: the baseline entry ({reason}) held until {expired}"
                )
            }
            Standing::Fixed { reason, .. } => {
                write!(
                    f,
                    "fixed: conforms now; remove the baseline entry ({reason})"
                )
            }
        }
    }
}

/// A loaded baseline: entries by case, the day the run judges expiry by, and whether a fixed
/// entry fails the run.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    entries: BTreeMap<String, Known>,
    pub today: Option<Date>,
    pub strict: bool,
}

impl Baseline {
    pub fn new(entries: Vec<Known>, today: Date, strict: bool) -> Baseline {
        Baseline {
            entries: entries.into_iter().map(|k| (k.case.clone(), k)).collect(),
            today: Some(today),
            strict,
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = &Known> {
        self.entries.values()
    }

    /// Where a judged case stands: `failed` are its failed checks (empty when it conformed),
    /// `fingerprint` its answer's. `None` for a conforming case no entry names.
    pub fn standing(&self, case: &str, failed: &[Check], fingerprint: &str) -> Option<Standing> {
        let entry = self.entries.get(case);
        if failed.is_empty() {
            return entry.map(|k| Standing::Fixed {
                reason: k.reason.clone(),
                strict: self.strict,
            });
        }
        let Some(k) = entry else {
            return Some(Standing::New);
        };
        let mut checks = k.checks.clone();
        checks.sort();
        let mut now = failed.to_vec();
        now.sort();
        if checks != now || k.fingerprint != fingerprint {
            let names: Vec<&str> = k.checks.iter().map(|c| c.as_str()).collect();
            return Some(Standing::Changed {
                reason: k.reason.clone(),
                was: format!("{} failing with {}", names.join(", "), k.fingerprint),
            });
        }
        match (k.expires, self.today) {
            (Some(expired), Some(today)) if expired < today => Some(Standing::Expired {
                reason: k.reason.clone(),
                expired,
            }),
            _ => Some(Standing::Known {
                reason: k.reason.clone(),
            }),
        }
    }
}

/// Reads and checks a baseline file; every problem is a positioned diagnostic.
pub fn load(path: &Path) -> Result<Vec<Known>, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::file_level(
            path,
            format!("cannot read the baseline: {e}"),
        )]
    })?;
    parse(path, &text)
}

/// Parses and checks a baseline's text (public so tests can feed text directly).
pub fn parse(path: &Path, text: &str) -> Result<Vec<Known>, Vec<Diagnostic>> {
    let source = Source::new(path, text);
    let file: BaselineFile =
        toml::from_str(text).map_err(|e| vec![crate::case::toml_diagnostic(&source, &e)])?;
    let mut problems = Vec::new();
    let mut known = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for entry in file.known {
        let def = entry.into_inner();
        let case = def.case.get_ref().trim().to_string();
        if case.is_empty() {
            problems
                .push(source.diagnostic(def.case.span(), "an entry needs the case's test name"));
        } else if let Some(line) =
            seen.insert(case.clone(), source.position(def.case.span().start).line)
        {
            problems.push(
                source
                    .diagnostic(def.case.span(), format!("`{case}` has an entry already"))
                    .with_label(format!("first at line {line}")),
            );
        }
        let mut checks = Vec::new();
        for name in &def.checks {
            match Check::ALL.iter().find(|c| c.as_str() == name.get_ref()) {
                Some(check) => checks.push(*check),
                None => {
                    let names = Check::ALL.map(Check::as_str);
                    let mut d = source
                        .diagnostic(name.span(), format!("unknown check `{}`", name.get_ref()))
                        .with_help(format!("expected one of: {}", names.join(", ")));
                    if let Some(close) = did_you_mean(name.get_ref(), names) {
                        d = d.with_label(format!("did you mean `{close}`?"));
                    }
                    problems.push(d);
                }
            }
        }
        if def.checks.is_empty() {
            problems.push(
                source
                    .diagnostic(def.case.span(), "an entry needs the checks the case fails")
                    .with_help("e.g. checks = [\"type\"]"),
            );
        }
        let expires = match &def.expires {
            None => None,
            Some(value) => match (value.get_ref().date, value.get_ref().time) {
                (Some(d), None) => Some(Date {
                    year: d.year,
                    month: d.month,
                    day: d.day,
                }),
                _ => {
                    problems.push(
                        source
                            .diagnostic(value.span(), "`expires` is a day, without a time")
                            .with_help("e.g. expires = 2027-03-31"),
                    );
                    None
                }
            },
        };
        known.push(Known {
            case,
            checks,
            fingerprint: def.fingerprint.get_ref().clone(),
            reason: def.reason,
            expires,
        });
    }
    if problems.is_empty() {
        Ok(known)
    } else {
        Err(problems)
    }
}

/// A baseline file's text for `entries`, in case order.
pub fn render(entries: &[Known]) -> String {
    let mut out = String::from(
        "# vspc-conformance baseline: known non-conformances of a console (run --baseline FILE).\n\
         # A run fails only on what no entry covers, on an entry whose case now fails otherwise,\n\
         # and on an expired entry. Regenerate with run --write-baseline FILE: reasons and dates\n\
         # of entries that exist are kept.\n",
    );
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    let mut sorted: Vec<&Known> = entries.iter().collect();
    sorted.sort_by(|a, b| a.case.cmp(&b.case));
    for k in sorted {
        let checks: Vec<String> = k.checks.iter().map(|c| quoted(c.as_str())).collect();
        out.push_str(&format!(
            "\n[[known]]\ncase = {}\nchecks = [{}]\nfingerprint = {}\nreason = {}\n",
            quoted(&k.case),
            checks.join(", "),
            quoted(&k.fingerprint),
            quoted(&k.reason)
        ));
        if let Some(expires) = k.expires {
            out.push_str(&format!("expires = {expires}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_calendar_dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_782).to_string(), "2024-02-29");
        assert_eq!(Date::from_days(20_789).to_string(), "2026-12-02");
    }

    #[test]
    fn a_rendered_baseline_parses_back_to_itself() {
        let entries = vec![Known {
            case: "auth::no_token".into(),
            checks: vec![Check::Envelope, Check::Type],
            fingerprint: "status 401, code 401, type -".into(),
            reason: "VSPC-1 \"quoted\"".into(),
            expires: Some(Date {
                year: 2027,
                month: 3,
                day: 31,
            }),
        }];
        let text = render(&entries);
        assert_eq!(parse(Path::new("b.toml"), &text), Ok(entries));
    }

    #[test]
    fn problems_point_at_their_line_and_column() {
        let text = "[[known]]\ncase = \"a\"\nchecks = [\"typo\"]\nfingerprint = \"x\"\nreason = \"r\"\nexpires = 2027-01-01T10:00:00\n";
        let problems = parse(Path::new("b.toml"), text).unwrap_err();
        let shown: Vec<String> = problems.iter().map(|d| d.location()).collect();
        assert_eq!(shown, ["b.toml:3:11", "b.toml:6:11"]);
        assert_eq!(problems[0].label.as_deref(), Some("did you mean `type`?"));
        let unknown = parse(Path::new("b.toml"), "[[known]]\ncas = \"a\"\n").unwrap_err();
        assert_eq!(unknown[0].location(), "b.toml:2:1");
    }

    #[test]
    fn standings_follow_the_entry() {
        let entry = |expires| Known {
            case: "c".into(),
            checks: vec![Check::Type],
            fingerprint: "status 401, code 401, type -".into(),
            reason: "ticket".into(),
            expires,
        };
        let today = Date::from_days(20_789);
        let baseline = Baseline::new(vec![entry(None)], today, false);
        let fp = "status 401, code 401, type -";
        assert_eq!(
            baseline.standing("c", &[Check::Type], fp),
            Some(Standing::Known {
                reason: "ticket".into()
            })
        );
        assert_eq!(
            baseline.standing("d", &[Check::Type], fp),
            Some(Standing::New)
        );
        assert_eq!(baseline.standing("d", &[], fp), None);
        assert!(matches!(
            baseline.standing("c", &[Check::Type], "status 500, code 500, type -"),
            Some(Standing::Changed { .. })
        ));
        assert!(matches!(
            baseline.standing("c", &[Check::Type, Check::Code], fp),
            Some(Standing::Changed { .. })
        ));
        assert!(!baseline.standing("c", &[], fp).unwrap().fails());
        let strict = Baseline::new(vec![entry(None)], today, true);
        assert!(strict.standing("c", &[], fp).unwrap().fails());
        let old = Baseline::new(vec![entry(Some(Date::from_days(20_788)))], today, false);
        assert!(matches!(
            old.standing("c", &[Check::Type], fp),
            Some(Standing::Expired { .. })
        ));
        let last_day = Baseline::new(vec![entry(Some(today))], today, false);
        assert!(!last_day.standing("c", &[Check::Type], fp).unwrap().fails());
    }
}
