//! The `vspc-conformance` command: parse, dispatch, exit. Each subcommand's flags and
//! presentation live in `cli/`; what a run does lives in the library.

mod cli;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

/// mimalloc, not glibc's malloc: see its entry in Cargo.toml for why and by how much.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::Cli::parse().command.execute() {
        Ok(code) => code,
        Err(cli::Failure::Closed) => ExitCode::SUCCESS,
        Err(failure) => {
            // Not eprintln!, which panics when stderr is a pipe whose reader has gone away.
            let _ = writeln!(std::io::stderr(), "error: {failure}");
            ExitCode::from(failure.exit_status())
        }
    }
}
