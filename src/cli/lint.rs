//! `lint`: loads case files and says what they hold, or where their problems are.

use super::{Failure, load_baseline, load_cases};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use vspc_conformance::config::CaseFiles;
use vspc_conformance::contract::ApiVersion;

#[derive(Args)]
pub struct LintArgs {
    /// Case files or directories [default: the built-in cases].
    paths: Vec<PathBuf>,
    /// A baseline file to check as well (repeatable).
    #[arg(long, value_name = "FILE")]
    baseline: Vec<PathBuf>,
}

pub fn command(args: LintArgs) -> Result<ExitCode, Failure> {
    let files = CaseFiles {
        built_in: args.paths.is_empty(),
        paths: args.paths,
    };
    let cases = load_cases(&files, ApiVersion::FALLBACK)?.cases;
    for path in &args.baseline {
        let entries = load_baseline(path)?;
        println!(
            "{}: {} known non-conformances, no problems",
            path.display(),
            entries.len()
        );
    }
    println!(
        "{} cases (sweeps generated for API {}), no problems",
        cases.len(),
        ApiVersion::FALLBACK
    );
    Ok(ExitCode::SUCCESS)
}
