//! The command line: clap's types for each subcommand and how each presents its result. The one
//! place where library errors become messages and exit statuses: 0 conforming, 1 non-conforming,
//! 2 bad input, 3 target unreachable or not authenticated, 130 and 143 interrupted by SIGINT and
//! SIGTERM.

mod built_in;
mod completions;
mod dry_run;
mod interrupt;
mod lint;
mod merge;
mod mock;
mod run;

use clap::{Parser, Subcommand};
use std::path::Path;
use std::process::ExitCode;
use vspc_conformance::baseline::Known;
use vspc_conformance::case::{self, Files, Loaded};
use vspc_conformance::config::CaseFiles;
use vspc_conformance::contract::ApiVersion;
use vspc_conformance::mock::Violation;
use vspc_conformance::outcome::Summary;
use vspc_conformance::report::ReportSpec;
use vspc_conformance::stop::Interruption;
use vspc_conformance::target::TargetError;

#[derive(Parser)]
#[command(
    name = "vspc-conformance",
    version,
    about = "Conformance harness for the VSPC REST API error contract"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the cases against a console: the embedded mock unless --target is given.
    Run(Box<run::RunArgs>),
    /// Serve the mock console until stopped; the first line printed is the bound address.
    Mock(mock::MockArgs),
    /// Check case files without sending anything.
    Lint(lint::LintArgs),
    /// Merge JSON reports of shards (files, or directories of them) into one report.
    Merge(merge::MergeArgs),
    /// Print the completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
}

impl Command {
    pub fn execute(self) -> Result<ExitCode, Failure> {
        match self {
            Command::Run(args) => run::command(*args),
            Command::Mock(args) => mock::command(args),
            Command::Lint(args) => lint::command(args),
            Command::Merge(args) => merge::command(args),
            Command::Completions(args) => completions::command(args),
        }
    }
}

/// Every way the command can end other than with a run's verdict.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad input: case files, arguments, configuration. Exit 2.
    #[error("{0}")]
    Input(String),
    /// The target could not be reached or authenticated (3), or was misconfigured (2).
    #[error("{0}")]
    Target(TargetError),
    /// The reader of stdout went away (`run --list | head -1`): it asked for no more, so the
    /// command ends quietly with 0.
    #[error("stdout was closed by its reader")]
    Closed,
}

impl Failure {
    pub fn exit_status(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Target(e) => e.exit_code() as u8,
            Failure::Closed => 0,
        }
    }
}

/// Writes to stdout through its handle: `println!` would panic once the reader has gone away.
fn print(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::Closed,
            _ => Failure::Input(format!("cannot write to stdout: {e}")),
        })
}

/// A run's verdict as the exit status, or the verdict of the shards a merge joined: the
/// signal's status (130, 143) when one stopped it, 3 when its target failed, else 0 when every
/// evaluated case conformed and 1 when not.
fn verdict(summary: &Summary, interrupted: Option<Interruption>, target_failed: bool) -> ExitCode {
    match interrupted {
        Some(i) => ExitCode::from(i.signal.exit_status()),
        None if target_failed => ExitCode::from(3),
        None if summary.passed() => ExitCode::SUCCESS,
        None => ExitCode::from(1),
    }
}

fn violation(name: &str, flag: &str) -> Result<Violation, Failure> {
    Violation::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Violation::ALL.iter().map(|v| v.name()).collect();
        Failure::Input(format!(
            "{flag}: unknown violation mode `{name}`; known modes: {}",
            names.join(", ")
        ))
    })
}

/// Loads the built-in cases unless replaced and the case files given, sweeps generating for
/// `version`; any problem is printed with its position and ends the command (exit 2).
fn load_cases(files: &CaseFiles, version: ApiVersion) -> Result<Loaded, Failure> {
    let built_in = files.built_in.then(built_in::files);
    let given = files.paths.iter().map(|p| Files::Disk(p));
    let loaded = case::load_from(built_in.into_iter().chain(given), version);
    if !loaded.problems.is_empty() {
        for problem in &loaded.problems {
            eprintln!("{problem}");
        }
        return Err(Failure::Input(format!(
            "{} problem{} in case files; nothing was sent",
            loaded.problems.len(),
            if loaded.problems.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(loaded)
}

/// Parses every `--report` and makes sure each path can be written, before anything is sent.
fn report_specs(args: &[String]) -> Result<Vec<ReportSpec>, Failure> {
    let specs = args
        .iter()
        .map(|a| ReportSpec::parse(a).map_err(Failure::Input))
        .collect::<Result<Vec<_>, _>>()?;
    let on_stdout: Vec<&str> = args
        .iter()
        .zip(&specs)
        .filter(|(_, s)| s.path.as_os_str() == "-")
        .map(|(a, _)| a.as_str())
        .collect();
    if on_stdout.len() > 1 {
        return Err(Failure::Input(format!(
            "--report: only one report can go to stdout, not {}",
            on_stdout.join(" and ")
        )));
    }
    for spec in &specs {
        spec.preflight()
            .map_err(|e| Failure::Input(e.to_string()))?;
    }
    Ok(specs)
}

/// Reads a baseline file; its problems are printed with their positions (exit 2).
fn load_baseline(path: &Path) -> Result<Vec<Known>, Failure> {
    vspc_conformance::baseline::load(path).map_err(|problems| {
        for problem in &problems {
            eprintln!("{problem}");
        }
        Failure::Input(format!(
            "{}: the baseline has problems; nothing was sent",
            path.display()
        ))
    })
}
