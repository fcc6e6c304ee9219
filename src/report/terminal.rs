//! The terminal reporter: progress while the run goes (a bar on a terminal, plain lines in logs),
//! then each non-conforming case with expected vs actual per failed check, the conformance
//! matrix and a summary line. Colour only where [`Style`] says so; the plain text is stable
//! (tests and log readers depend on it) and colour only wraps parts of it.

use super::record::{CheckRecord, Paint, check_words};
use super::{ReportError, Reporter};
use crate::baseline::Standing;
use crate::check::{Check, CheckResult, Verdict};
use crate::matrix::Matrix;
use crate::run::{CaseReport, Event, Outcome, Skip, Summary};
use crate::stop::Interruption;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `--color`: whether the terminal output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// The style for an output that is (or is not) a terminal, under this process's environment.
    pub fn style(self, is_terminal: bool) -> Style {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let color = match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && env("NO_COLOR").is_none() && env("TERM").is_none_or(|t| t != "dumb")
            }
        };
        Style { color }
    }
}

/// ANSI colours, or none: every helper returns its text unchanged when `color` is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub const PLAIN: Style = Style { color: false };

    fn paint(self, sgr: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn red(self, text: &str) -> String {
        self.paint("31", text)
    }
    pub fn bold_red(self, text: &str) -> String {
        self.paint("1;31", text)
    }
    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// How progress is shown while cases run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Nothing until the run finishes.
    Quiet,
    /// An indicatif bar on stderr (for terminals).
    Bar,
    /// A plain line on the output at most this often (for logs and CI).
    Lines(Duration),
}

impl Progress {
    /// A bar when stderr is a terminal and `CI` is unset, else a line every 10 seconds.
    pub fn detect() -> Progress {
        use std::io::IsTerminal;
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        if std::io::stderr().is_terminal() && !ci {
            Progress::Bar
        } else {
            Progress::Lines(Duration::from_secs(10))
        }
    }
}

pub struct Terminal<W: Write> {
    out: W,
    /// Print every case as it finishes, not only the failures at the end.
    pub verbose: bool,
    style: Style,
    progress: Progress,
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    finished: usize,
    failing: usize,
    started: Instant,
    last_line: Instant,
    /// The reader of the output went away.
    closed: bool,
}

impl<W: Write> Terminal<W> {
    /// Plain text, no progress: the output tests and pipes see.
    pub fn new(out: W) -> Terminal<W> {
        Terminal {
            out,
            verbose: false,
            style: Style::PLAIN,
            progress: Progress::Quiet,
            bar: None,
            total: 0,
            finished: 0,
            failing: 0,
            started: Instant::now(),
            last_line: Instant::now(),
            closed: false,
        }
    }

    pub fn with_style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }

    pub fn with_progress(mut self, progress: Progress) -> Self {
        self.progress = progress;
        self
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes a line or more. Once the reader has gone away (`run | head`), nothing more is
    /// written and the run goes on: its report files and exit status still say how it went.
    fn write(&mut self, text: &str) -> Result<(), ReportError> {
        if self.closed {
            return Ok(());
        }
        let out = &mut self.out;
        let mut write = || {
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|source| ReportError::Write {
                    path: PathBuf::from("<stdout>"),
                    source,
                })
        };
        let written = match &self.bar {
            // Lines printed under a live bar go above it.
            Some(bar) => bar.suspend(write),
            None => write(),
        };
        match written {
            Err(e) if e.is_closed_pipe() => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn start_bar(&mut self, cases: usize) {
        let template = if self.style.color {
            "{elapsed:>4} [{bar:32.green/red}] {pos}/{len} {prefix:.red} {wide_msg:.dim}"
        } else {
            "{elapsed:>4} [{bar:32}] {pos}/{len} {prefix} {wide_msg}"
        };
        let bar = indicatif::ProgressBar::new(cases as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        self.bar = Some(bar);
    }
}

impl<W: Write> Reporter for Terminal<W> {
    fn on_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunStarted { target, cases } => {
                self.total = *cases;
                self.started = Instant::now();
                self.last_line = self.started;
                self.write(&format!("running {cases} cases against {target}\n"))?;
                if self.progress == Progress::Bar {
                    self.start_bar(*cases);
                }
                Ok(())
            }
            Event::CaseStarted(case) => {
                if let Some(bar) = &self.bar {
                    bar.set_message(case.name.clone());
                }
                Ok(())
            }
            Event::CaseFinished(report) => {
                self.finished += 1;
                if matches!(report.outcome, Outcome::NonConforming | Outcome::Error(_)) {
                    self.failing += 1;
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                    if self.failing > 0 {
                        bar.set_prefix(format!("{} failing", self.failing));
                    }
                }
                if self.verbose {
                    let word = format!("{:>14}", report.outcome.as_str());
                    let word = match report.outcome {
                        Outcome::Conforming => self.style.green(&word),
                        Outcome::NonConforming | Outcome::Error(_) => self.style.red(&word),
                        Outcome::Inconclusive(_) => self.style.yellow(&word),
                        Outcome::Skipped(_) => self.style.dim(&word),
                    };
                    self.write(&format!("{word} {}\n", report.case.name))?;
                } else if matches!(self.progress, Progress::Lines(every) if self.last_line.elapsed() >= every)
                {
                    self.last_line = Instant::now();
                    let line = format!(
                        "... {}/{} cases done, {} failing [{}s]\n",
                        self.finished,
                        self.total,
                        self.failing,
                        self.started.elapsed().as_secs()
                    );
                    self.write(&line)?;
                }
                Ok(())
            }
            Event::RunFinished {
                reports,
                summary,
                matrix,
                elapsed,
                interrupted,
            } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                let end = End {
                    summary: *summary,
                    elapsed: *elapsed,
                    interrupted: *interrupted,
                };
                let text = render_finish_styled(reports, end, matrix, self.style);
                self.write(&text)
            }
        }
    }
}

/// How a run ended, as its `RunFinished` event says.
#[derive(Debug, Clone, Copy, Default)]
pub struct End {
    pub summary: Summary,
    pub elapsed: Duration,
    pub interrupted: Option<Interruption>,
}

/// Everything printed at the end of a run, plain. Public so snapshot tests can pin it.
pub fn render_finish(reports: &[CaseReport], end: End, matrix: &Matrix) -> String {
    render_finish_styled(reports, end, matrix, Style::PLAIN)
}

/// Everything printed at the end of a run: failures, errors, the matrix, skip reasons, why
/// cases were not run, summary.
pub fn render_finish_styled(
    reports: &[CaseReport],
    end: End,
    matrix: &Matrix,
    style: Style,
) -> String {
    let End {
        summary,
        elapsed,
        interrupted,
    } = end;
    let mut out = String::new();
    // A failure the baseline knows is listed below, not printed as one.
    for report in reports.iter().filter(|r| {
        r.outcome == Outcome::NonConforming && r.standing.as_ref().is_none_or(Standing::fails)
    }) {
        out.push_str(&render_failure_styled(report, style));
    }
    for report in reports {
        if let Outcome::Error(reason) = &report.outcome {
            out.push_str(&format!(
                "\n{} {}\n      {reason}\n",
                style.bold_red("ERROR"),
                report.case.name
            ));
        }
    }
    out.push('\n');
    out.push_str(&render_matrix_styled(matrix, style));
    let inconclusive: Vec<&CaseReport> = reports
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Inconclusive(_)))
        .collect();
    if !inconclusive.is_empty() {
        out.push_str("\ninconclusive (the target did not meet the case's precondition):\n");
        for report in inconclusive {
            let why = report.outcome.reason().unwrap_or_default();
            out.push_str(&format!("  {}: {why}\n", report.case.name));
        }
    }
    let skipped = skip_reasons(reports);
    if !skipped.is_empty() {
        out.push_str("\nskipped:\n");
        for (reason, count) in skipped {
            out.push_str(&format!("  {count:>5}  {reason}\n"));
        }
    }
    for (title, kind) in [
        (
            "known non-conformances (the baseline's; they do not fail the run)",
            "known",
        ),
        (
            "fixed (conforming now; their baseline entries can go)",
            "fixed",
        ),
    ] {
        let listed: Vec<(&str, &Standing)> = reports
            .iter()
            .filter_map(|r| Some((r.case.name.as_str(), r.standing.as_ref()?)))
            .filter(|(_, s)| s.as_str() == kind)
            .collect();
        if !listed.is_empty() {
            out.push_str(&format!("\n{title}:\n"));
            for (name, standing) in listed {
                out.push_str(&format!("  {name}: {standing}\n"));
            }
        }
    }
    let (exercised, total) = matrix.coverage();
    let mut line = format!(
        "{} cases: {} conforming, {} non-conforming, {} inconclusive, {} skipped, {} errors; codes exercised {exercised}/{total}",
        summary.cases,
        summary.conforming,
        summary.non_conforming,
        summary.inconclusive,
        summary.skipped,
        summary.errors,
    );
    if let Some(coverage) = &matrix.operations {
        line.push_str(&format!(
            "; operations reached {}/{}",
            coverage.reached(),
            coverage.total()
        ));
    }
    if let Some(b) = summary.baseline {
        line.push_str(&format!(
            "; baseline: {} known, {} new, {} changed, {} expired, {} fixed",
            b.known, b.new, b.changed, b.expired, b.fixed
        ));
    }
    let line = if summary.passed() {
        style.green(&line)
    } else {
        style.bold_red(&line)
    };
    if let Some(constraints) = matrix
        .operations
        .as_ref()
        .map(|c| &c.constraints)
        .filter(|c| c.declared > 0)
    {
        out.push_str(&format!("\n{}", constraints.line()));
    }
    if let Some(roles) = matrix.roles() {
        let text = roles.line();
        let text = match roles.total().let_through {
            0 => text,
            _ => style.bold_red(&text),
        };
        out.push_str(&format!("\n{text}"));
    }
    if let Some(interrupted) = interrupted {
        out.push_str(&format!("\n{}", style.bold_red(&interrupted.to_string())));
    }
    out.push_str(&format!("\n{line} [{:.2}s]\n", elapsed.as_secs_f64()));
    out
}

/// One non-conforming case, plain: where it is, what was sent, and each failing check.
pub fn render_failure(report: &CaseReport) -> String {
    render_failure_styled(report, Style::PLAIN)
}

/// One non-conforming case: where it is, what was sent, and per failing check the expected
/// value (green) against the actual one (red).
pub fn render_failure_styled(report: &CaseReport, style: Style) -> String {
    let case = &report.case;
    let mut out = format!(
        "\n{} {}\n  {} {}:{}:{}\n",
        style.bold_red("FAIL"),
        style.bold(&case.name),
        style.dim("-->"),
        case.file.display(),
        case.position.line,
        case.position.column
    );
    let bar = style.dim("|");
    if let Some(standing) = &report.standing {
        out.push_str(&format!("   {bar}  baseline: {standing}\n"));
    }
    if let Some(exchange) = &report.exchange {
        let query = crate::exchange::query_text(exchange.request.query.iter().map(|(k, v)| (k, v)));
        out.push_str(&format!(
            "   {bar}  {} {}{query} -> HTTP {} {}\n",
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
                "   {bar}  burst of {}: {}\n",
                burst.sent,
                statuses.join(", ")
            ));
        }
    }
    for result in report.checks.iter().filter(|r| r.verdict == Verdict::Fail) {
        out.push_str(&render_check(report, result, style));
    }
    if let Some(exchange) = &report.exchange {
        out.push_str(&format!(
            "   {}
   {}
",
            style.dim("reproduce:"),
            super::curl::command(&exchange.request)
        ));
    }
    out
}

/// `   status   expected 520, actual 500: note (expected at line 9)`
fn render_check(report: &CaseReport, result: &CheckResult, style: Style) -> String {
    let record = CheckRecord::from(result);
    let name = format!("{:<9}", result.check.as_str());
    let mut line = format!("   {}", style.bold(&name));
    let (green, red) = (|v: &str| style.green(v), |v: &str| style.red(v));
    let paint = Paint {
        expected: &green,
        actual: &red,
    };
    line.push_str(&check_words(&record, paint));
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
        line.push_str(&style.dim(&format!(" (expected at line {})", p.line)));
    }
    // Without values or a note the name alone is padded: keep lines free of trailing blanks.
    let mut line = line.trim_end().to_string();
    line.push('\n');
    if let Some(source) = record.rests_on() {
        line.push_str(&format!(
            "   {:<9}{}\n",
            "",
            style.dim(&format!("rests on {source}"))
        ));
    }
    line
}

fn skip_reasons(reports: &[CaseReport]) -> BTreeMap<&Skip, usize> {
    let mut reasons = BTreeMap::new();
    for report in reports {
        if let Outcome::Skipped(reason) = &report.outcome {
            *reasons.entry(reason).or_default() += 1;
        }
    }
    reasons
}

/// The matrix as a fixed-width table, plain.
pub fn render_matrix(matrix: &Matrix) -> String {
    render_matrix_styled(matrix, Style::PLAIN)
}

/// The matrix as a fixed-width table: failing rows and cells red, deviations yellow, cells
/// that never ran dim. Padding is computed on the plain text, so columns align either way.
pub fn render_matrix_styled(matrix: &Matrix, style: Style) -> String {
    let mut out = format!("{:<9}{:>6}", "code", "cases");
    for check in Check::ALL {
        out.push_str(&format!("  {:<9}", check.as_str()));
    }
    out = style.bold(out.trim_end());
    out.push('\n');
    for row in &matrix.rows {
        let (code, mark) = if row.conforming() {
            (format!("{:<8}", row.key.to_string()), " ".to_string())
        } else {
            (
                style.red(&format!("{:<8}", row.key.to_string())),
                style.bold_red("!"),
            )
        };
        let mut line = format!("{code}{mark}{:>6}", row.cases);
        let mut pending = String::new();
        for cell in row.cells {
            let text = if cell.deviations > 0 {
                format!("{cell}~")
            } else {
                cell.to_string()
            };
            let pad = " ".repeat(9usize.saturating_sub(text.chars().count()));
            let painted = if cell.run == 0 {
                style.dim(&text)
            } else if cell.failed() > 0 {
                style.bold_red(&text)
            } else if cell.deviations > 0 {
                style.yellow(&text)
            } else {
                text
            };
            // Padding goes before the next cell only, so no line ends in blanks.
            line.push_str(&pending);
            line.push_str("  ");
            line.push_str(&painted);
            pending = pad;
        }
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(line) = matrix.inconclusive_line() {
        out.push_str(&format!("inconclusive, in no cell: {line}\n"));
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
