//! The Markdown report (`--report md=PATH`), for `$GITHUB_STEP_SUMMARY` and merge-request
//! comments: a summary line, the matrix as a table (the codes some case exercised), a short list
//! of non-conforming cases with expected vs actual, errors, and the codes no case exercised.

use super::record::{Headline, RunRecord, check_line};
use crate::baseline::Standing;
use crate::check::Check;
use crate::matrix::Matrix;
use crate::outcome::OutcomeKind;
use std::fmt::Write as _;

/// At most this many non-conforming cases are listed; the rest are counted.
pub const LISTED_FAILURES: usize = 25;

/// Text safe in a table cell or a list item: pipes, backticks and newlines neutralised.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('`', "'")
        .replace(['\n', '\r'], " ")
}

/// The whole Markdown document.
pub fn render(run: &RunRecord, matrix: &Matrix) -> String {
    let s = &run.summary;
    let (exercised, total) = matrix.coverage();
    let headline = run.headline();
    let mark = match headline {
        Headline::Conforming => "✅",
        Headline::NotConforming => "❌",
        Headline::Incomplete => "⚠️",
    };
    let mut out = format!("## VSPC error contract: {mark} {}\n\n", headline.as_str());
    for line in run.not_run() {
        let _ = writeln!(out, "⚠️ {}\n", line.replace(['\n', '\r'], " "));
    }
    let _ = writeln!(
        out,
        "Target `{}` (API {}){}: **{}** cases, {} conforming, {} non-conforming, {} inconclusive, {} skipped, {} errors; codes exercised {exercised}/{total}.\n",
        cell(&run.target),
        cell(&run.api_version),
        run.partition
            .as_ref()
            .map(|p| format!(", shard {p}"))
            .unwrap_or_default(),
        s.cases,
        s.conforming,
        s.non_conforming,
        s.inconclusive,
        s.skipped,
        s.errors
    );
    if let Some(b) = s.baseline {
        let _ = writeln!(
            out,
            "Baseline: {} known (not failing), **{} new**, **{} changed**, **{} expired**, {} fixed.\n",
            b.known, b.new, b.changed, b.expired, b.fixed
        );
    }

    out.push_str("### Conformance matrix\n\n");
    out.push_str("Each cell is passed/run over the cases expecting that code; ❌ some failed, ⚠️ some deviations.\n\n");
    out.push_str("| code | cases |");
    for check in Check::ALL {
        let _ = write!(out, " {check} |");
    }
    out.push_str("\n|---:|---:|");
    for _ in Check::ALL {
        out.push_str(":---:|");
    }
    out.push('\n');
    for row in matrix.rows.iter().filter(|r| r.cases > 0) {
        let mark = if row.conforming() { "" } else { " ❌" };
        let _ = write!(out, "| {}{mark} | {} |", row.key, row.cases);
        for c in row.cells {
            let text = if c.failed() > 0 {
                format!("**{c}** ❌")
            } else if c.deviations > 0 {
                format!("{c} ⚠️")
            } else {
                c.to_string()
            };
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }

    // A failure the baseline knows is listed apart, below.
    let failing: Vec<_> = run
        .cases
        .iter()
        .filter(|c| {
            c.outcome == OutcomeKind::NonConforming
                && c.baseline.as_ref().is_none_or(Standing::fails)
        })
        .collect();
    if !failing.is_empty() {
        let _ = writeln!(out, "\n### Non-conforming cases ({})\n", failing.len());
        for case in failing.iter().take(LISTED_FAILURES) {
            let status = case
                .observed
                .as_ref()
                .map(|o| format!(" → HTTP {}", o.status))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- **`{}`** (`{}:{}`): `{}`{status}",
                cell(&case.name),
                cell(&case.file),
                case.line,
                cell(&case.request.line())
            );
            if let Some(standing) = &case.baseline {
                let _ = writeln!(out, "  - baseline {}", cell(&standing.to_string()));
            }
            for (check, r) in case.failures() {
                let _ = writeln!(out, "  - {check}: {}", cell(&check_line(r)));
            }
        }
        if failing.len() > LISTED_FAILURES {
            let _ = writeln!(
                out,
                "\n…and {} more: see the JSON or HTML report.",
                failing.len() - LISTED_FAILURES
            );
        }
    }

    for (kind, title) in [
        ("known", "Known non-conformances (baseline)"),
        ("fixed", "Fixed: conforming now, baseline entries to remove"),
    ] {
        let listed: Vec<_> = run
            .cases
            .iter()
            .filter_map(|c| Some((c, c.baseline.as_ref()?)))
            .filter(|(_, s)| s.as_str() == kind)
            .collect();
        if !listed.is_empty() {
            let _ = writeln!(out, "\n### {title} ({})\n", listed.len());
            for (case, standing) in listed.iter().take(LISTED_FAILURES) {
                let _ = writeln!(
                    out,
                    "- `{}`: {}",
                    cell(&case.name),
                    cell(&standing.to_string())
                );
            }
        }
    }

    if let Some(line) = matrix.inconclusive_line() {
        let _ = writeln!(out, "\nInconclusive, counted in no cell: {line}.");
    }
    reasons(&mut out, run, OutcomeKind::Inconclusive, "Inconclusive");
    reasons(&mut out, run, OutcomeKind::Error, "Not evaluated");

    if let Some(coverage) = &matrix.operations {
        let _ = writeln!(
            out,
            "\n### Operations reached: {}/{} (API {})\n\n| tag | reached | not reached |\n|---|---:|---|",
            coverage.reached(),
            coverage.total(),
            coverage.version
        );
        let unreached = coverage.unreached();
        for (tag, (reached, total)) in coverage.by_tag() {
            let missing = unreached.get(tag).map(Vec::as_slice).unwrap_or_default();
            let mut listed: Vec<String> = missing
                .iter()
                .take(5)
                .map(|op| format!("`{}`", cell(op)))
                .collect();
            if missing.len() > 5 {
                listed.push(format!("…{} more", missing.len() - 5));
            }
            let _ = writeln!(
                out,
                "| {} | {reached}/{total} | {} |",
                cell(tag),
                listed.join(", ")
            );
        }
    }

    if let Some(c) = matrix
        .operations
        .as_ref()
        .map(|c| &c.constraints)
        .filter(|c| c.declared > 0)
    {
        let _ = writeln!(
            out,
            "\n### Declared input constraints: {}\n\n| keyword | declared | exercised | conformed | not exercised, why |\n|---|---:|---:|---:|---|",
            c.line()
        );
        let reasons = c.reasons();
        for (keyword, n) in &c.by_keyword {
            let why: Vec<String> = reasons
                .get(keyword)
                .map(|r| {
                    r.iter()
                        .map(|(why, count)| format!("{why} ×{count}"))
                        .collect()
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| `{keyword}` | {} | {} | {} | {} |",
                n.declared,
                n.exercised,
                n.conformed,
                why.join(", ")
            );
        }
    }

    if let Some(roles) = matrix.roles() {
        let tags = roles.tags();
        let _ = writeln!(
            out,
            "\n### Who may call what: {}\n\nPer role, per tag: the pairs of an operation and a role the spec does not admit to it, refused with 403 out of those tried.\n",
            roles.line()
        );
        let header: Vec<String> = tags.iter().map(|t| cell(t)).collect();
        let _ = writeln!(out, "| role | all | {} |", header.join(" | "));
        let _ = writeln!(out, "|---|---:|{}", "---:|".repeat(tags.len()));
        for (role, by_tag) in &roles.cells {
            let cells: Vec<String> = tags
                .iter()
                .map(|t| by_tag.get(*t).map_or("-".to_string(), pairs_cell))
                .collect();
            let _ = writeln!(
                out,
                "| {role} | {} | {} |",
                pairs_cell(&roles.of(*role)),
                cells.join(" | ")
            );
        }
    }

    let unexercised = matrix.unexercised_codes();
    if !unexercised.is_empty() {
        let list: Vec<String> = unexercised.iter().map(|c| format!("`{c}`")).collect();
        let _ = writeln!(
            out,
            "\n### Codes no case exercised ({})\n\n{}",
            unexercised.len(),
            list.join(", ")
        );
    }
    out
}

/// A section listing the cases of one outcome with their reasons, the first
/// [`LISTED_FAILURES`] of them.
fn reasons(out: &mut String, run: &RunRecord, kind: OutcomeKind, title: &str) {
    let cases: Vec<_> = run.cases.iter().filter(|c| c.outcome == kind).collect();
    if cases.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### {title} ({})\n", cases.len());
    for case in cases.iter().take(LISTED_FAILURES) {
        let _ = writeln!(
            out,
            "- `{}`: {}",
            cell(&case.name),
            cell(case.reason.as_deref().unwrap_or(""))
        );
    }
    if cases.len() > LISTED_FAILURES {
        let _ = writeln!(out, "\n…and {} more.", cases.len() - LISTED_FAILURES);
    }
}

/// `12/12`, with what was not refused marked: `**10/12** (2 let through)`.
fn pairs_cell(p: &crate::coverage::Pairs) -> String {
    let mut text = match p.let_through {
        0 => format!("{}/{}", p.refused, p.tried),
        n => format!("**{}/{}** ({n} let through)", p.refused, p.tried),
    };
    if p.inconclusive > 0 {
        text.push_str(&format!(" ({} inconclusive)", p.inconclusive));
    }
    text
}
