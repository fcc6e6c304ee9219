//! The HTML report (`--report html=PATH`): one self-contained file a person opens when something
//! drifted. The matrix is a coloured grid (code x check) rendered here; clicking a cell lists its
//! cases, clicking a case shows its request, the observed response and every verdict; filters by
//! tag, verdict and outcome narrow the list. CSS and script are inlined (`html/report.css`,
//! `html/report.js`) and the cases ride along as JSON in the page: nothing is fetched, so the
//! file works offline, as a CI artifact, or attached to a ticket.
//!
//! The grid shows the [`Matrix`] as counted by the runner; the script only looks cases up by the
//! row and verdicts the record gives them. A selection is kept in the address's fragment
//! (`#cell=500/status&case=server_faults::unspecified_error`), so a link opens the same view.

use super::record::{CaseRecord, Headline, RunRecord};
use crate::check::Check;
use crate::contract::Contract;
use crate::coverage::{Constraints, Coverage, Pairs, Roles};
use crate::matrix::Matrix;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

const CSS: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole page.
pub fn render(run: &RunRecord, matrix: &Matrix) -> String {
    let s = &run.summary;
    let (exercised, total) = matrix.coverage();
    let headline = run.headline();
    let mut page = String::with_capacity(64 * 1024 + run.cases.len() * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>VSPC conformance: {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        escape(&run.target)
    );
    let _ = write!(
        page,
        "<header>\n<h1>VSPC error contract: <span class=\"{}\">{}</span></h1>\n<p id=\"summary\">Target <code>{}</code> (API {}){} &middot; <b>{}</b> cases: <span class=\"n-pass\">{} conforming</span>, <span class=\"n-fail\">{} non-conforming</span>, <span class=\"n-inconclusive\">{} inconclusive</span>, {} skipped, <span class=\"n-error\">{} errors</span> &middot; codes exercised {exercised}/{total} &middot; {:.2}s</p>\n",
        match headline {
            Headline::Conforming => "ok",
            Headline::NotConforming => "bad",
            Headline::Incomplete => "incomplete",
        },
        headline.as_str(),
        escape(&run.target),
        escape(&run.api_version),
        run.partition
            .as_ref()
            .map(|p| format!(" shard {}", escape(p)))
            .unwrap_or_default(),
        s.cases,
        s.conforming,
        s.non_conforming,
        s.inconclusive,
        s.skipped,
        s.errors,
        run.elapsed_ms as f64 / 1000.0
    );
    for line in run.not_run() {
        let _ = writeln!(page, "<p class=\"not-run\">{}</p>", escape(&line));
    }
    page.push_str("</header>\n");
    if let Some(b) = s.baseline {
        let _ = writeln!(
            page,
            "<p id=\"baseline\">Baseline: {} known (not failing), <span class=\"n-fail\">{} new, {} changed, {} expired</span>, {} fixed</p>",
            b.known, b.new, b.changed, b.expired, b.fixed
        );
    }
    page.push_str("<main>\n<section id=\"matrix-section\">\n<h2>Conformance matrix</h2>\n");
    page.push_str("<p class=\"legend\"><span class=\"cell pass\">passed</span> <span class=\"cell dev\">deviations</span> <span class=\"cell fail\">failed</span> <span class=\"cell none\">not run</span> Each cell is passed/run over the cases expecting that code. Click a cell to see its cases. <label><input type=\"checkbox\" id=\"hide-unexercised\"> hide unexercised codes</label></p>\n");
    page.push_str(&grid(matrix));
    if let Some(line) = matrix.inconclusive_line() {
        let _ = writeln!(
            page,
            "<p class=\"legend\" id=\"inconclusive\">Inconclusive, counted in no cell: {}</p>",
            escape(&line)
        );
    }
    page.push_str("</section>\n");
    page.push_str(&cases_panel(run));
    if let Some(coverage) = &matrix.operations {
        page.push_str(&operations_section(coverage));
        if coverage.constraints.declared > 0 {
            page.push_str(&constraints_section(&coverage.constraints));
        }
        if coverage.roles.given() > 0 {
            page.push_str(&roles_section(&coverage.roles));
        }
    }
    page.push_str("</main>\n");
    let data = PageData {
        cases: run
            .cases
            .iter()
            .map(|case| CaseData {
                case,
                row: case.row().map(|r| r.id()),
            })
            .collect(),
        target: &run.target,
    };
    // `<` is escaped so no text in the data can close the script element.
    let data = serde_json::to_string(&data)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let _ = write!(
        page,
        "<script type=\"application/json\" id=\"report-data\">{data}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    page
}

/// The cases as the page's script reads them: each written straight from its record, with the
/// matrix row it counts in.
#[derive(Serialize)]
struct PageData<'a> {
    cases: Vec<CaseData<'a>>,
    target: &'a str,
}

#[derive(Serialize)]
struct CaseData<'a> {
    #[serde(flatten)]
    case: &'a CaseRecord,
    row: Option<String>,
}

/// Who may call what: a row per role, a column per tag, each cell the pairs refused of those
/// tried; red wherever a role was let through.
fn roles_section(roles: &Roles) -> String {
    let tags = roles.tags();
    let mut out = format!(
        "<section id=\"roles\">\n<h2>Who may call what</h2>\n<p>{}. Each cell: the pairs of an operation of the tag and the role, which the spec does not admit to it, refused with 403, of those tried.</p>\n<div class=\"scroll\"><table id=\"roles-matrix\" class=\"grid\">\n<thead><tr><th>role</th><th>all</th>",
        escape(&roles.line())
    );
    for tag in &tags {
        let _ = write!(out, "<th class=\"tag\">{}</th>", escape(tag));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let cell = |p: Option<&Pairs>| match p {
        None => "<td class=\"cell none\">-</td>".to_string(),
        Some(p) => {
            let class = match (p.let_through, p.inconclusive) {
                (0, 0) => "pass",
                (0, _) => "dev",
                _ => "fail",
            };
            format!(
                "<td class=\"cell {class}\" title=\"{} refused, {} let through, {} inconclusive\">{}/{}</td>",
                p.refused, p.let_through, p.inconclusive, p.refused, p.tried
            )
        }
    };
    for (role, by_tag) in &roles.cells {
        let _ = write!(
            out,
            "<tr data-role=\"{role}\"><th scope=\"row\">{role}</th>{}",
            cell(Some(&roles.of(*role)))
        );
        for tag in &tags {
            out.push_str(&cell(by_tag.get(*tag)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n</section>\n");
    out
}

/// The declared input constraints: a row per keyword (exercised of declared, conformed), opening
/// onto the ones no judged case broke, with why.
fn constraints_section(c: &Constraints) -> String {
    let mut out = format!(
        "<section id=\"constraints\">\n<h2>Declared input constraints</h2>\n<p>{}</p>\n",
        escape(&c.line())
    );
    for (keyword, n) in &c.by_keyword {
        let missing = n.declared - n.exercised;
        let note = if n.exercised > n.conformed {
            format!(
                " <span class=\"n-fail\">{} broke it</span>",
                n.exercised - n.conformed
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<details class=\"tag\"><summary><b>{}</b> {}/{} exercised, {} conformed{note}</summary>",
            escape(keyword.as_str()),
            n.exercised,
            n.declared,
            n.conformed
        );
        if missing > 0 {
            out.push_str("<table class=\"checks\"><tr><th>operation</th><th>constraint</th><th>why</th></tr>\n");
            for u in c.unexercised().iter().filter(|u| u.keyword == *keyword) {
                let _ = writeln!(
                    out,
                    "<tr class=\"unreached\"><td class=\"value\">{}</td><td class=\"value\">{}</td><td>{}: {}</td></tr>",
                    escape(&u.operation),
                    escape(&u.constraint),
                    escape(u.why),
                    escape(&u.detail)
                );
            }
            out.push_str("</table>");
        }
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
    out
}

/// Coverage per operation: a row per tag (reached of all), opening onto its operations with the
/// cases that reached each one, the codes they provoked and the checks that ran.
fn operations_section(coverage: &Coverage) -> String {
    let mut out = format!(
        "<section id=\"operations\">\n<h2>Operations reached: {}/{} (API {})</h2>\n",
        coverage.reached(),
        coverage.total(),
        escape(coverage.version.as_str())
    );
    let tags = coverage.by_tag();
    for (tag, (reached, total)) in &tags {
        let missing = total - reached;
        let note = if missing > 0 {
            format!(" <span class=\"n-fail\">{missing} unreached</span>")
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<details class=\"tag\"><summary><b>{}</b> {reached}/{total}{note}</summary>\n<table class=\"checks\"><tr><th>operation</th><th>cases</th><th>codes provoked</th><th>checks run</th></tr>\n",
            escape(tag)
        );
        for r in coverage
            .operations
            .iter()
            .filter(|r| r.operation.tag == *tag)
        {
            let codes: Vec<&str> = r.codes.iter().map(String::as_str).collect();
            let checks: Vec<&str> = r.checks.iter().map(|c| c.as_str()).collect();
            let _ = writeln!(
                out,
                "<tr class=\"{}\"><td class=\"value\">{} {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                if r.cases == 0 { "unreached" } else { "reached" },
                escape(&r.operation.method),
                escape(&r.operation.path),
                r.cases,
                escape(&codes.join(", ")),
                escape(&checks.join(", "))
            );
        }
        out.push_str("</table></details>\n");
    }
    out.push_str("</section>\n");
    out
}

fn grid(matrix: &Matrix) -> String {
    let contract = Contract::get();
    let mut out = String::from(
        "<table id=\"matrix\" class=\"grid\">\n<thead><tr><th>code</th><th class=\"desc\">description</th><th>cases</th>",
    );
    for check in Check::ALL {
        let _ = write!(out, "<th>{check}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &matrix.rows {
        let id = row.key.id();
        let description = match row.key {
            super::matrix::RowKey::Code(code) => contract
                .code(code)
                .map(|c| c.description.clone())
                .unwrap_or_default(),
            super::matrix::RowKey::OAuth2 => "OAuth2 errors of POST /token".into(),
            super::matrix::RowKey::Admitted => "Anonymous calls let through".into(),
        };
        let class = match (row.cases, row.conforming()) {
            (0, _) => "unexercised",
            (_, true) => "conforming",
            (_, false) => "non-conforming",
        };
        let _ = write!(
            out,
            "<tr class=\"{class}\" data-row=\"{}\"><th scope=\"row\">{}</th><td class=\"desc\" title=\"{}\">{}</td><td class=\"num\">{}</td>",
            escape(&id),
            escape(&row.key.to_string()),
            escape(&description),
            escape(&description),
            row.cases
        );
        for check in Check::ALL {
            let cell = row.cell(check);
            let (class, word) = if cell.run == 0 {
                ("none", "not run")
            } else if cell.failed() > 0 {
                ("fail", "failed")
            } else if cell.deviations > 0 {
                ("dev", "deviations")
            } else {
                ("pass", "passed")
            };
            let mut title = format!("{} × {check}: {cell} {word}", row.key);
            if cell.run > 0 {
                let _ = write!(
                    title,
                    " ({} failed, {} deviations)",
                    cell.failed(),
                    cell.deviations
                );
            }
            let _ = write!(
                out,
                "<td class=\"cell {class}\" data-row=\"{}\" data-check=\"{check}\" title=\"{}\" tabindex=\"0\" role=\"button\">{}</td>",
                escape(&id),
                escape(&title),
                escape(&cell.to_string())
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn cases_panel(run: &RunRecord) -> String {
    let tags: BTreeSet<&str> = run
        .cases
        .iter()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    let mut out = String::from(
        "<section id=\"cases-section\">\n<h2 id=\"cases-title\">All cases</h2>\n<div class=\"filters\">\n",
    );
    out.push_str("<label>tag <select id=\"filter-tag\"><option value=\"\">any</option>");
    for tag in tags {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", escape(tag));
    }
    out.push_str("</select></label>\n");
    out.push_str("<label>verdict <select id=\"filter-verdict\"><option value=\"\">any</option><option value=\"fail\">fail</option><option value=\"deviation\">deviation</option><option value=\"pass\">pass</option><option value=\"skip\">skip</option></select></label>\n");
    out.push_str("<label>outcome <select id=\"filter-outcome\"><option value=\"\">any</option><option value=\"non_conforming\">non-conforming</option><option value=\"error\">error</option><option value=\"inconclusive\">inconclusive</option><option value=\"skipped\">skipped</option><option value=\"conforming\">conforming</option></select></label>\n");
    out.push_str("<label>baseline <select id=\"filter-baseline\"><option value=\"\">any</option><option value=\"new\">new</option><option value=\"changed\">changed</option><option value=\"expired\">expired</option><option value=\"known\">known</option><option value=\"fixed\">fixed</option></select></label>\n");
    out.push_str("<button type=\"button\" id=\"show-all\">all cells</button>\n<span id=\"case-count\"></span>\n</div>\n");
    out.push_str("<ul id=\"case-list\"></ul>\n<div id=\"case-detail\" hidden></div>\n</section>\n");
    out
}
