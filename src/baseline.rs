//! Known deviations: a baseline file of the non-conformances a console is known to have, so a
//! team can run against a console that is not yet conforming and still learn from CI when it
//! drifts. Each entry names a case, or many (by a glob over test names, or a list), the checks
//! they fail, a fingerprint of the answer (status, code and type, never volatile text), a reason
//! and an optional expiry date: one entry per root cause, such as a rule broken on every
//! operation.
//!
//! The runner asks [`Baseline::standing`] once per judged case; reporters render the
//! [`Standing`] it decided; [`rewrite`] folds a run's failures into entries.
//! `schemas/baseline.schema.json` is generated from [`BaselineFile`] (`tests/baseline.rs` keeps
//! it in sync).

use crate::case::file::OneOrMany;
use crate::case::wildcard_matches;
use crate::contract::Check;
use crate::diagnostic::{Diagnostic, Source, did_you_mean};
use crate::exchange::Said;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// A baseline file: `[[known]]` tables, one per known non-conformance.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vspc-conformance baseline")]
pub struct BaselineFile {
    /// The known non-conformances. A run fails only on a failure none of them holds for (a
    /// case no entry names, or one that fails otherwise than its entries say), and on an
    /// expired entry.
    #[serde(default)]
    #[schemars(with = "Vec<KnownDef>")]
    pub known: Vec<Spanned<KnownDef>>,
}

/// One known non-conformance: the cases it names that fail with exactly its checks and its
/// fingerprint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnownDef {
    /// The case's test name (`auth::no_token`), or a glob over test names where `*` stands for
    /// any run of characters (`sweep::missing_token::*`), or a list of them.
    #[schemars(with = "OneOrMany")]
    pub case: Spanned<OneOrMany>,
    /// The checks the cases fail: status, envelope, type, code, field, message.
    #[schemars(with = "Vec<String>")]
    pub checks: Vec<Spanned<String>>,
    /// The answer the cases got: `status 401, code 401, type -` (`-` where the body had none).
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
    /// The cases it names: test names, and globs over test names (`*`: any run of characters).
    pub cases: Vec<String>,
    /// In report order, each once.
    pub checks: Vec<Check>,
    pub fingerprint: String,
    pub reason: String,
    pub expires: Option<Date>,
}

impl Known {
    /// Whether the entry names the case: by its name, or by a glob that matches it.
    pub fn names(&self, case: &str) -> bool {
        self.cases.iter().any(|pattern| names(pattern, case))
    }

    /// Whether the entry holds for a case that failed `failed` (in report order) with an answer
    /// of `fingerprint`.
    pub fn holds(&self, failed: &[Check], fingerprint: &str) -> bool {
        self.checks == failed && self.fingerprint == fingerprint
    }
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains('*')
}

/// Whether a test name or a glob names the case.
fn names(pattern: &str, case: &str) -> bool {
    match is_glob(pattern) {
        true => wildcard_matches(pattern, case),
        false => pattern == case,
    }
}

/// Checks in report order, each once: how entries hold them and compare them.
fn in_order(mut checks: Vec<Check>) -> Vec<Check> {
    checks.sort();
    checks.dedup();
    checks
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

/// A loaded baseline: its entries, the day the run judges expiry by, and whether a fixed
/// entry fails the run.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    entries: Vec<Known>,
    /// The entries that name a case by its name, by the name.
    by_name: HashMap<String, Vec<usize>>,
    /// The entries with a glob, in file order.
    globs: Vec<usize>,
    pub today: Option<Date>,
    pub strict: bool,
}

impl Baseline {
    pub fn new(entries: Vec<Known>, today: Date, strict: bool) -> Baseline {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut globs = Vec::new();
        for (i, k) in entries.iter().enumerate() {
            for pattern in &k.cases {
                if is_glob(pattern) {
                    globs.push(i);
                } else {
                    by_name.entry(pattern.clone()).or_default().push(i);
                }
            }
        }
        globs.dedup();
        Baseline {
            entries,
            by_name,
            globs,
            today: Some(today),
            strict,
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = &Known> {
        self.entries.iter()
    }

    /// The entries that name a case, the more precise first: those naming it by its name, then
    /// the globs that match it, in file order.
    fn naming(&self, case: &str) -> impl Iterator<Item = &Known> {
        let exact = self.by_name.get(case).into_iter().flatten();
        let globs = self.globs.iter().filter(move |&&i| {
            let mut globs = self.entries[i].cases.iter().filter(|p| is_glob(p));
            globs.any(|glob| wildcard_matches(glob, case))
        });
        exact.chain(globs).map(|&i| &self.entries[i])
    }

    /// Where a judged case stands: `failed` are its failed checks (empty when it conformed),
    /// `fingerprint` its answer's. The first entry naming it that holds for its failure decides;
    /// when none holds, the first entry naming it is what changed. `None` for a conforming case
    /// no entry names.
    pub fn standing(&self, case: &str, failed: &[Check], fingerprint: &str) -> Option<Standing> {
        let first = self.naming(case).next();
        if failed.is_empty() {
            return first.map(|k| Standing::Fixed {
                reason: k.reason.clone(),
                strict: self.strict,
            });
        }
        let Some(first) = first else {
            return Some(Standing::New);
        };
        let now = in_order(failed.to_vec());
        let Some(k) = self.naming(case).find(|k| k.holds(&now, fingerprint)) else {
            let names: Vec<&str> = first.checks.iter().map(|c| c.as_str()).collect();
            return Some(Standing::Changed {
                reason: first.reason.clone(),
                was: format!("{} failing with {}", names.join(", "), first.fingerprint),
            });
        };
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
    let mut seen: BTreeMap<(Vec<String>, Vec<Check>, String), usize> = BTreeMap::new();
    for entry in file.known {
        let def = entry.into_inner();
        let cases: Vec<String> = def
            .case
            .get_ref()
            .values()
            .iter()
            .map(|c| c.trim().to_string())
            .collect();
        if cases.is_empty() || cases.iter().any(String::is_empty) {
            problems.push(
                source
                    .diagnostic(
                        def.case.span(),
                        "an entry needs the case's test name, or a glob over test names",
                    )
                    .with_help(
                        "e.g. case = \"auth::no_token\", or case = \"sweep::missing_token::*\"",
                    ),
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
        let checks = in_order(checks);
        let fingerprint = def.fingerprint.get_ref().clone();
        let mut named = cases.clone();
        named.sort();
        named.dedup();
        let line = source.position(def.case.span().start).line;
        if let Some(first) = seen.insert((named, checks.clone(), fingerprint.clone()), line) {
            problems.push(
                source
                    .diagnostic(
                        def.case.span(),
                        format!(
                            "`{}` has an entry with these checks and this fingerprint already",
                            cases.join("`, `")
                        ),
                    )
                    .with_label(format!("first at line {first}")),
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
            cases,
            checks,
            fingerprint,
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

/// A case of a run, as a baseline written from the run sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged<'a> {
    pub name: &'a str,
    /// The rule the case comes from, the start of its name: a sweep rule's
    /// (`sweep::missing_token`), the file's (`auth`) for a case written out.
    pub rule: &'a str,
    /// The checks it failed and its answer's fingerprint; `None` when it conformed.
    pub failed: Option<(Vec<Check>, String)>,
}

/// The baseline a run leaves (`--write-baseline`), from the cases it judged (conforming or
/// not; the others are not known either way) and the entries there were:
/// - an entry that names no judged case, and a glob that holds for every judged case it
///   names, stay as they are;
/// - every other failing case is folded with the cases of its rule that fail with the same
///   checks and fingerprint into one entry: `<rule>::*` when that glob names no judged case
///   that conforms, else the list of their names. It keeps the reason and date of the entries
///   that held for its cases when they agree on one, else it is an entry per reason; a failure
///   no entry held for is `first seen <today>`. So a baseline of an entry per case, rewritten,
///   folds where its reasons allow;
/// - an entry that holds for no judged case it names (each conforms now, or fails otherwise)
///   goes.
pub fn rewrite(judged: &[Judged], prior: &[Known], today: Date) -> Vec<Known> {
    let failures: Vec<Option<(Vec<Check>, &str)>> = judged
        .iter()
        .map(|j| {
            j.failed
                .as_ref()
                .map(|(checks, fp)| (in_order(checks.clone()), fp.as_str()))
        })
        .collect();
    let holds = |k: &Known, i: usize| {
        failures[i]
            .as_ref()
            .is_some_and(|(checks, fp)| k.holds(checks, fp))
    };
    let by_name: HashMap<&str, usize> = judged
        .iter()
        .enumerate()
        .map(|(i, j)| (j.name, i))
        .collect();
    let named = |pattern: &str| -> Vec<usize> {
        match is_glob(pattern) {
            true => (0..judged.len())
                .filter(|&i| wildcard_matches(pattern, judged[i].name))
                .collect(),
            false => by_name.get(pattern).copied().into_iter().collect(),
        }
    };
    // What stays of each entry as it is: a name or glob that names no judged case (the run
    // knows nothing new of it), and a glob that holds for every judged case it names.
    let mut covered = vec![false; judged.len()];
    let mut kept: Vec<Vec<String>> = Vec::with_capacity(prior.len());
    for k in prior {
        let mut stay = Vec::new();
        for pattern in &k.cases {
            let named = named(pattern);
            if named.is_empty() || (is_glob(pattern) && named.iter().all(|&i| holds(k, i))) {
                named.iter().for_each(|&i| covered[i] = true);
                stay.push(pattern.clone());
            }
        }
        kept.push(stay);
    }
    // A name that holds for its case stays too where a glob that stays holds for the case: it
    // keeps its own reason and date, which decide before the glob's.
    for (k, stay) in prior.iter().zip(&mut kept) {
        for name in k.cases.iter().filter(|p| !is_glob(p)) {
            if let Some(&i) = by_name.get(name.as_str())
                && covered[i]
                && holds(k, i)
                && !stay.contains(name)
            {
                stay.push(name.clone());
            }
        }
    }
    let mut entries: Vec<Known> = prior
        .iter()
        .zip(kept)
        .filter(|(_, stay)| !stay.is_empty())
        .map(|(k, cases)| Known { cases, ..k.clone() })
        .collect();
    // The failures left, by rule, checks and fingerprint; each with the reason and date of the
    // entry that held for it, if one did.
    let earlier = Baseline::new(prior.to_vec(), today, false);
    type Said<'k> = Option<(&'k str, Option<Date>)>;
    type RootCause<'k> = (&'k str, &'k [Check], &'k str);
    let mut groups: BTreeMap<RootCause, Vec<(usize, Said)>> = BTreeMap::new();
    for (i, j) in judged.iter().enumerate() {
        let Some((checks, fp)) = &failures[i] else {
            continue;
        };
        if covered[i] {
            continue;
        }
        let said = earlier
            .naming(j.name)
            .find(|k| k.holds(checks, fp))
            .map(|k| (k.reason.as_str(), k.expires));
        groups
            .entry((j.rule, checks.as_slice(), fp))
            .or_default()
            .push((i, said));
    }
    let first_seen = format!("first seen {today}");
    for ((rule, checks, fingerprint), cases) in groups {
        let entry = |cases: Vec<String>, said: Said| {
            let (reason, expires) = said.unwrap_or((&first_seen, None));
            Known {
                cases,
                checks: checks.to_vec(),
                fingerprint: fingerprint.to_string(),
                reason: reason.to_string(),
                expires,
            }
        };
        let name = |&(i, _): &(usize, Said)| judged[i].name.to_string();
        let said: BTreeSet<(&str, Option<Date>)> = cases.iter().filter_map(|(_, s)| *s).collect();
        if said.len() > 1 {
            // Earlier entries gave these cases different reasons: an entry for each reason.
            let mut by_reason: BTreeMap<Said, Vec<String>> = BTreeMap::new();
            for case in &cases {
                by_reason.entry(case.1).or_default().push(name(case));
            }
            entries.extend(
                by_reason
                    .into_iter()
                    .map(|(said, names)| entry(names, said)),
            );
            continue;
        }
        let glob = format!("{rule}::*");
        let conforming_named = (0..judged.len())
            .any(|i| failures[i].is_none() && wildcard_matches(&glob, judged[i].name));
        let cases_named = if cases.len() > 1 && !conforming_named {
            vec![glob]
        } else {
            cases.iter().map(name).collect()
        };
        entries.push(entry(cases_named, said.first().copied()));
    }
    entries
}

/// A baseline file's text for `entries`, in the order of their case names and globs.
pub fn render(entries: &[Known]) -> String {
    let mut out = String::from(
        "# vspc-conformance baseline: known non-conformances of a console (run --baseline FILE).\n\
         # An entry names cases by test name, by glob (`*`: any run of characters) or by a list\n\
         # of them; it holds for those that fail its checks with its fingerprint. A run fails\n\
         # only on what no entry holds for, on a case that now fails otherwise than its entries\n\
         # say, and on an expired entry. Regenerate with run --write-baseline FILE: the cases of\n\
         # one rule that fail alike are one entry; reasons and dates of entries that exist are\n\
         # kept.\n",
    );
    let quoted = |text: &str| serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into());
    let mut sorted: Vec<&Known> = entries.iter().collect();
    sorted.sort_by(|a, b| (&a.cases, &a.fingerprint).cmp(&(&b.cases, &b.fingerprint)));
    for k in sorted {
        let checks: Vec<String> = k.checks.iter().map(|c| quoted(c.as_str())).collect();
        let cases = match k.cases.as_slice() {
            [one] => quoted(one),
            many => {
                let lines: Vec<String> =
                    many.iter().map(|c| format!("  {},\n", quoted(c))).collect();
                format!("[\n{}]", lines.concat())
            }
        };
        out.push_str(&format!(
            "\n[[known]]\ncase = {cases}\nchecks = [{}]\nfingerprint = {}\nreason = {}\n",
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
            cases: vec!["auth::no_token".into()],
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
            cases: vec!["c".into()],
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

    const FP: &str = "status 401, code 401, type logical";

    fn known(cases: &[&str], fingerprint: &str, reason: &str) -> Known {
        Known {
            cases: cases.iter().map(|c| c.to_string()).collect(),
            checks: vec![Check::Type],
            fingerprint: fingerprint.into(),
            reason: reason.into(),
            expires: None,
        }
    }

    #[test]
    fn a_glob_holds_for_every_case_it_names_that_fails_as_it_says() {
        let today = Date::from_days(20_789);
        let glob = known(&["sweep::missing_token::*"], FP, "VSPC-1");
        let baseline = Baseline::new(vec![glob], today, false);
        let stand = |case: &str, failed: &[Check], fp: &str| {
            baseline
                .standing(case, failed, fp)
                .map(|s| s.as_str().to_string())
        };
        assert_eq!(
            stand("sweep::missing_token::GET /users", &[Check::Type], FP).as_deref(),
            Some("known")
        );
        assert_eq!(
            stand(
                "sweep::missing_token::GET /about",
                &[Check::Type],
                "status 401, code 401, type -"
            )
            .as_deref(),
            Some("changed")
        );
        assert_eq!(
            stand("sweep::missing_token::GET /about", &[], FP).as_deref(),
            Some("fixed")
        );
        assert_eq!(
            stand("sweep::invalid_token::GET /users", &[Check::Type], FP).as_deref(),
            Some("new")
        );
        assert_eq!(stand("sweep::invalid_token::GET /users", &[], FP), None);
    }

    #[test]
    fn an_entry_for_the_case_decides_before_a_glob() {
        let today = Date::from_days(20_789);
        let mut dated = known(&["auth::a", "auth::b"], FP, "VSPC-2");
        dated.expires = Some(Date::from_days(20_000));
        let glob = known(&["auth::*"], FP, "VSPC-1");
        let baseline = Baseline::new(vec![glob, dated], today, false);
        assert!(matches!(
            baseline.standing("auth::b", &[Check::Type], FP),
            Some(Standing::Expired { reason, .. }) if reason == "VSPC-2"
        ));
        assert!(matches!(
            baseline.standing("auth::c", &[Check::Type], FP),
            Some(Standing::Known { reason }) if reason == "VSPC-1"
        ));
    }

    #[test]
    fn a_list_of_cases_renders_and_parses_back_and_a_repeated_entry_is_a_problem() {
        let entries = vec![
            known(&["auth::a", "auth::b"], FP, "r"),
            known(&["sweep::x::*"], FP, "r"),
        ];
        let text = render(&entries);
        assert!(
            text.contains("case = [\n  \"auth::a\",\n  \"auth::b\",\n]\n"),
            "{text}"
        );
        assert_eq!(parse(Path::new("b.toml"), &text), Ok(entries));
        let twice = "[[known]]\ncase = [\"a\", \"b\"]\nchecks = [\"type\"]\nfingerprint = \"x\"\nreason = \"\"\n\n[[known]]\ncase = [\"b\", \"a\"]\nchecks = [\"type\"]\nfingerprint = \"x\"\nreason = \"\"\n";
        let problems = parse(Path::new("b.toml"), twice).unwrap_err();
        assert_eq!(problems[0].location(), "b.toml:8:8");
        assert_eq!(problems[0].label.as_deref(), Some("first at line 2"));
        let other_answer = twice.replacen("fingerprint = \"x\"", "fingerprint = \"y\"", 1);
        assert!(parse(Path::new("b.toml"), &other_answer).is_ok());
    }

    fn judged<'a>(name: &'a str, failed: Option<&str>) -> Judged<'a> {
        Judged {
            name,
            rule: name.rsplit_once("::").map_or(name, |(rule, _)| rule),
            failed: failed.map(|fp| (vec![Check::Type], fp.to_string())),
        }
    }

    /// Each entry's cases, with what `also` says of it.
    fn shown(entries: &[Known], also: impl Fn(&Known) -> &String) -> Vec<(Vec<String>, &str)> {
        let shown = entries.iter().map(|k| (k.cases.clone(), also(k).as_str()));
        shown.collect()
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_rule_whose_cases_fail_alike_is_one_entry() {
        let today = Date::from_days(20_789);
        let run = [
            judged("sweep::r::GET /a", Some(FP)),
            judged("sweep::r::GET /b", Some(FP)),
            judged("sweep::r::GET /c", Some("other")),
            judged("auth::a", Some(FP)),
            judged("auth::b", None),
            judged("auth::c", Some(FP)),
            judged("solo::x", Some(FP)),
        ];
        let mut written = rewrite(&run, &[], today);
        written.sort_by(|a, b| (&a.cases, &a.fingerprint).cmp(&(&b.cases, &b.fingerprint)));
        let shown = shown(&written, |k| &k.fingerprint);
        assert_eq!(
            shown,
            [
                // A glob would name auth::b, which conforms: the names instead.
                (names(&["auth::a", "auth::c"]), FP),
                (names(&["solo::x"]), FP),
                (names(&["sweep::r::*"]), FP),
                (names(&["sweep::r::GET /c"]), "other"),
            ]
        );
        assert!(written.iter().all(|k| k.reason == "first seen 2026-12-02"));
        // Every failure of the run is known against what was written.
        let baseline = Baseline::new(written, today, false);
        for j in &run {
            let (failed, fp) = j.failed.clone().map_or((vec![], String::new()), |f| f);
            let standing = baseline.standing(j.name, &failed, &fp);
            assert!(standing.is_none_or(|s| s.as_str() == "known"), "{}", j.name);
        }
    }

    #[test]
    fn rewriting_keeps_reasons_and_folds_what_they_allow() {
        let today = Date::from_days(20_789);
        let prior = vec![
            // One entry per case, as a baseline before globs had them: they fold.
            known(&["sweep::r::GET /a"], FP, "VSPC-1"),
            known(&["sweep::r::GET /b"], FP, "VSPC-1"),
            // A glob that still holds, and an entry of its own for one of its cases.
            known(&["sweep::s::*"], FP, "VSPC-2"),
            known(&["sweep::s::GET /a"], FP, "VSPC-3"),
            // Another run's cases: this one knows nothing of them.
            known(&["sweep::t::*", "other::x"], FP, "VSPC-4"),
            // Fixed: it goes.
            known(&["fixed::x"], FP, "VSPC-5"),
        ];
        let run = [
            judged("sweep::r::GET /a", Some(FP)),
            judged("sweep::r::GET /b", Some(FP)),
            judged("sweep::r::GET /c", Some(FP)),
            judged("sweep::s::GET /a", Some(FP)),
            judged("sweep::s::GET /b", Some(FP)),
            judged("fixed::x", None),
        ];
        let written = rewrite(&run, &prior, today);
        let shown = shown(&written, |k| &k.reason);
        assert_eq!(
            shown,
            [
                (names(&["sweep::s::*"]), "VSPC-2"),
                (names(&["sweep::s::GET /a"]), "VSPC-3"),
                (names(&["sweep::t::*", "other::x"]), "VSPC-4"),
                // A new failure of the rule joins the rule's entry and its reason.
                (names(&["sweep::r::*"]), "VSPC-1"),
            ]
        );
    }
}
