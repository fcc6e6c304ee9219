//! The JUnit XML report (`--report junit=PATH`) for CI test tabs (GitLab, Jenkins, GitHub test
//! reporters): one `<testsuite>` per case file, one `<testcase>` per case named by its test name,
//! a `<failure>` listing expected vs actual for each failed check, `<skipped>` with the reason,
//! and `<error>` for cases that could not be evaluated (transport). It follows the common
//! Jenkins-style schema; `tests/junit.xsd` is the schema a test validates every report against.
//!
//! Written by hand: the format is a handful of elements, and the only subtle part, escaping, is
//! [`escape`] below (see Cargo.toml for why quick-junit is not used).

use super::record::{CaseRecord, RunRecord, check_line, compact};
use crate::baseline::Standing;
use crate::matrix::Matrix;
use crate::outcome::OutcomeKind;
use std::fmt::Write as _;

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    millis: u64,
}

impl Counts {
    fn add(&mut self, case: &CaseRecord) {
        self.tests += 1;
        self.millis += case.elapsed_ms;
        let fails = case.baseline.as_ref().is_none_or(Standing::fails);
        match case.outcome {
            OutcomeKind::Conforming if fails && case.baseline.is_some() => self.failures += 1,
            OutcomeKind::Conforming => {}
            OutcomeKind::NonConforming if !fails => self.skipped += 1,
            OutcomeKind::NonConforming => self.failures += 1,
            OutcomeKind::Skipped | OutcomeKind::Inconclusive => self.skipped += 1,
            OutcomeKind::Error => self.errors += 1,
        }
    }

    fn attributes(&self) -> String {
        format!(
            r#"tests="{}" failures="{}" errors="{}" skipped="{}" time="{}""#,
            self.tests,
            self.failures,
            self.errors,
            self.skipped,
            seconds(self.millis)
        )
    }
}

fn seconds(millis: u64) -> String {
    format!("{}.{:03}", millis / 1000, millis % 1000)
}

/// The whole JUnit document; each suite's properties name the target, the version, how many
/// of its operations the run reached and, when cases were not run, why. A run with no case
/// (its target failed, or a signal came first) has one empty suite, for those properties.
pub fn render(run: &RunRecord, matrix: &Matrix) -> String {
    let mut properties = not_run(run);
    properties += &matrix
        .operations
        .as_ref()
        .map(|c| {
            let mut properties = format!(
                "\n      <property name=\"operations_reached\" value=\"{}/{}\"/>",
                c.reached(),
                c.total()
            );
            let k = &c.constraints;
            if k.declared > 0 {
                properties.push_str(&format!(
                    "\n      <property name=\"constraints_exercised\" value=\"{}/{}\"/>\n      <property name=\"constraints_conformed\" value=\"{}\"/>",
                    k.exercised, k.declared, k.conformed
                ));
            }
            let roles = &c.roles;
            if roles.given() > 0 {
                let total = roles.total();
                properties.push_str(&format!(
                    "\n      <property name=\"roles_given\" value=\"{}\"/>\n      <property name=\"roles_refused\" value=\"{}/{}\"/>",
                    roles.given(),
                    total.refused,
                    total.tried
                ));
            }
            properties
        })
        .unwrap_or_default();

    // Suites in the order their files first appear, cases in report order within each.
    let mut files: Vec<&str> = Vec::new();
    for case in &run.cases {
        if !files.contains(&case.file.as_str()) {
            files.push(&case.file);
        }
    }
    let no_case = files.is_empty();
    if no_case {
        files.push("vspc-conformance");
    }
    let mut total = Counts::default();
    let mut suites = String::new();
    for (id, file) in files.iter().enumerate() {
        let cases: Vec<&CaseRecord> = run.cases.iter().filter(|c| c.file == *file).collect();
        let mut counts = Counts::default();
        cases.iter().for_each(|c| counts.add(c));
        total.tests += counts.tests;
        total.failures += counts.failures;
        total.errors += counts.errors;
        total.skipped += counts.skipped;
        total.millis += counts.millis;
        let file_attribute = match no_case {
            true => String::new(),
            false => format!(r#" file="{}""#, escape(file)),
        };
        let _ = writeln!(
            suites,
            r#"  <testsuite name="{}" id="{id}" {}{file_attribute}>"#,
            escape(file),
            counts.attributes(),
        );
        // The role x tag matrix once, in the suite whose file sweeps the roles.
        let role_cells = match cases.iter().any(|c| c.refused_role().is_some()) {
            true => role_cells(matrix),
            false => String::new(),
        };
        let _ = writeln!(
            suites,
            "    <properties>\n      <property name=\"target\" value=\"{}\"/>\n      <property name=\"api_version\" value=\"{}\"/>{properties}{role_cells}\n    </properties>",
            escape(&run.target),
            escape(&run.api_version)
        );
        for case in cases {
            suites.push_str(&testcase(case));
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" {}>\n{suites}</testsuites>\n",
        escape(&format!("vspc-conformance {}", run.target)),
        total.attributes()
    )
}

/// `interrupted` (the signal), `target_failed` (why) and `not_run` (how many cases): what a CI
/// reader needs to tell a short run from a whole one.
fn not_run(run: &RunRecord) -> String {
    let mut out = String::new();
    if let Some(i) = &run.interrupted {
        let _ = write!(
            out,
            "\n      <property name=\"interrupted\" value=\"{}\"/>",
            i.signal
        );
    }
    if let Some(f) = &run.target_failed {
        let _ = write!(
            out,
            "\n      <property name=\"target_failed\" value=\"{}\"/>",
            escape(&f.reason)
        );
    }
    if !run.complete() {
        let _ = write!(
            out,
            "\n      <property name=\"not_run\" value=\"{}\"/>",
            run.cases_not_run()
        );
    }
    out
}

/// A property per role tried (`roles.CompanyTenant` = refused/tried) and per cell of the role x
/// tag matrix (`roles.CompanyTenant.companies`).
fn role_cells(matrix: &Matrix) -> String {
    let Some(roles) = matrix.roles() else {
        return String::new();
    };
    let mut out = String::new();
    for (role, tags) in &roles.cells {
        let all = roles.of(*role);
        let _ = write!(
            out,
            "\n      <property name=\"roles.{role}\" value=\"{}/{}\"/>",
            all.refused, all.tried
        );
        for (tag, p) in tags {
            let _ = write!(
                out,
                "\n      <property name=\"roles.{role}.{}\" value=\"{}/{}\"/>",
                escape(tag),
                p.refused,
                p.tried
            );
        }
    }
    out
}

fn testcase(case: &CaseRecord) -> String {
    let mut out = format!(
        r#"    <testcase name="{}" classname="{}" file="{}" line="{}" time="{}""#,
        escape(&case.name),
        escape(case.group()),
        escape(&case.file),
        case.line,
        seconds(case.elapsed_ms)
    );
    let reason = case.reason.as_deref().unwrap_or("");
    match (case.outcome, &case.baseline) {
        // A fixed entry under --strict-baseline: the case conforms, the baseline is stale.
        (OutcomeKind::Conforming, Some(standing)) if standing.fails() => {
            let _ = write!(
                out,
                ">\n      <failure message=\"{}\" type=\"baseline\"/>\n",
                escape(&standing.to_string())
            );
        }
        (OutcomeKind::Conforming, _) => {
            out.push_str("/>\n");
            return out;
        }
        // A failure the baseline knows: JUnit has no "expected failure", so a skip whose
        // message says so (CI shows it apart and never counts it as a failure); the failure
        // itself stays readable in system-out.
        (OutcomeKind::NonConforming, Some(standing)) if !standing.fails() => {
            let _ = write!(
                out,
                ">\n      <skipped message=\"known non-conformance (baseline): {}\"/>\n",
                escape(&standing.to_string())
            );
        }
        (OutcomeKind::Skipped, _) => {
            let _ = write!(out, ">\n      <skipped message=\"{}\"/>\n", escape(reason));
        }
        // JUnit has no inconclusive: a skip whose message says so, which CI shows apart from
        // failures and never counts as one.
        (OutcomeKind::Inconclusive, _) => {
            let _ = write!(
                out,
                ">\n      <skipped message=\"inconclusive: {}\"/>\n",
                escape(reason)
            );
        }
        (OutcomeKind::Error, _) => {
            let kind = reason.split(':').next().unwrap_or("error");
            let _ = write!(
                out,
                ">\n      <error message=\"{}\" type=\"{}\">{}</error>\n",
                escape(reason),
                escape(kind),
                escape(&format!("{}\n{reason}\n", case.request.line()))
            );
        }
        (OutcomeKind::NonConforming, standing) => {
            let mut failed: Vec<String> = case
                .failures()
                .map(|(check, r)| format!("{check}: {}", check_line(r)))
                .collect();
            if let Some(standing) = standing {
                failed.insert(0, format!("baseline {standing}"));
            }
            let kinds: Vec<&str> = case.failures().map(|(c, _)| c.as_str()).collect();
            let _ = write!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                escape(&failed.join("; ")),
                escape(&kinds.join(",")),
                escape(&failure_text(case))
            );
        }
    }
    if let Some(observed) = &case.observed {
        let body = serde_json::to_string_pretty(&observed.body).unwrap_or_default();
        let _ = writeln!(
            out,
            "      <system-out>{}</system-out>",
            escape(&format!(
                "HTTP {} {}\n{body}\n",
                observed.status,
                observed
                    .content_type
                    .as_deref()
                    .unwrap_or("(no content type)")
            ))
        );
    }
    out.push_str("    </testcase>\n");
    out
}

/// The failure's text: where the case is, what was sent and seen, then per failed check the
/// expected and the actual value on lines of their own.
fn failure_text(case: &CaseRecord) -> String {
    let mut text = format!("{}:{}\n{}", case.file, case.line, case.request.line());
    if let Some(o) = &case.observed {
        let _ = write!(text, " -> HTTP {}", o.status);
    }
    text.push('\n');
    for (check, r) in case.failures() {
        let _ = writeln!(text, "\n{check}:");
        if let Some(e) = &r.expected {
            let _ = writeln!(text, "  expected: {}", compact(e));
        }
        if let Some(a) = &r.actual {
            let _ = writeln!(text, "  actual:   {}", compact(a));
        }
        if let Some(note) = &r.note {
            let _ = writeln!(text, "  {note}");
        }
    }
    text
}

/// Escapes text for XML attributes and content. Characters XML 1.0 cannot carry at all
/// (control characters other than tab, newline and carriage return) become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_keeps_xml_well_formed() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\tx"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}\tx"
        );
    }
}
