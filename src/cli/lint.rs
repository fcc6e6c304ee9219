//! `lint`: loads case files and says what they hold, or where their problems are. Without
//! paths it reads what a run would: the configuration's cases and baseline. It sends nothing,
//! so it needs none of the secrets the configuration names.

use super::{Failure, load_baseline, load_cases, print};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use vspc_conformance::config::{CaseFiles, Overrides, Purpose};
use vspc_conformance::contract::ApiVersion;

#[derive(Args)]
pub struct LintArgs {
    /// Case files or directories [default: the configuration's cases, else the built-in cases].
    paths: Vec<PathBuf>,
    /// A baseline file to check as well (repeatable) [default: the configuration's baseline].
    #[arg(long, value_name = "FILE")]
    baseline: Vec<PathBuf>,
    /// The configuration file [default: ./vspc-conformance.toml when it exists].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
}

pub fn command(args: LintArgs) -> Result<ExitCode, Failure> {
    let settings = super::run::settings(
        args.config.as_deref(),
        Overrides::default(),
        Purpose::Inspect,
    )?;
    let files = if args.paths.is_empty() {
        settings.cases
    } else {
        CaseFiles {
            built_in: false,
            paths: args.paths,
        }
    };
    let baselines = if args.baseline.is_empty() {
        settings.baseline.into_iter().collect()
    } else {
        args.baseline
    };
    let cases = load_cases(&files, ApiVersion::FALLBACK)?.cases;
    for path in &baselines {
        let entries = load_baseline(path)?;
        print(&format!(
            "{}: {} known non-conformances, no problems\n",
            path.display(),
            entries.len()
        ))?;
    }
    print(&format!(
        "{} cases (sweeps generated for API {}), no problems\n",
        cases.len(),
        ApiVersion::FALLBACK
    ))?;
    Ok(ExitCode::SUCCESS)
}
