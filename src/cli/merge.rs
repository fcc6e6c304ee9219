//! `merge`: joins the JSON reports of shards into one report with one matrix.

use super::{Failure, print, report_specs, verdict};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use vspc_conformance::report::{self, merge};

#[derive(Args)]
pub struct MergeArgs {
    /// JSON reports of shards, or directories holding them (`*.json`, walked recursively).
    #[arg(required = true, value_name = "REPORT")]
    inputs: Vec<PathBuf>,
    /// Write the merged report: json=PATH, junit=PATH, md=PATH, html=PATH, curl=PATH (repeatable; PATH `-`
    /// is stdout). Without any, the merged matrix is printed.
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    reports: Vec<String>,
}

pub fn command(args: MergeArgs) -> Result<ExitCode, Failure> {
    let specs = report_specs(&args.reports)?;
    let input = |e: merge::MergeError| Failure::Input(e.to_string());
    let files = merge::collect(&args.inputs).map_err(input)?;
    let records = files
        .into_iter()
        .map(|path| merge::read(&path).map(|record| (path, record)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(input)?;
    let shards = records.len();
    let merged = merge::merge(records).map_err(input)?;
    let matrix = merged.matrix();
    // A reader that went away takes the rest of stdout, not the merge's verdict.
    if specs.is_empty() {
        match print(&report::terminal::render_matrix(&matrix)) {
            Ok(()) | Err(Failure::Closed) => {}
            Err(e) => return Err(e),
        }
    }
    for spec in &specs {
        match spec.format.write(&spec.path, &merged, &matrix) {
            Err(e) if !e.is_closed_pipe() => return Err(Failure::Input(e.to_string())),
            _ => {}
        }
    }
    let s = merged.summary;
    eprintln!(
        "merged {shards} report{}: {} cases, {} conforming, {} non-conforming, {} skipped, {} errors",
        if shards == 1 { "" } else { "s" },
        s.cases,
        s.conforming,
        s.non_conforming,
        s.skipped,
        s.errors
    );
    for line in merged.not_run() {
        eprintln!("{line}");
    }
    let failed = merged.target_failed.is_some();
    Ok(verdict(&s, merged.interrupted, failed))
}
