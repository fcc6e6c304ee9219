//! `mock`: serves the embedded mock console until stopped, or lists its violation modes.

use super::{Failure, print, violation};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use vspc_conformance::contract::ApiVersion;
use vspc_conformance::mock::{MockConfig, MockConsole, Personality, Violation};

#[derive(Args)]
pub struct MockArgs {
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// The REST API version to serve: its catalogue, and its release in GET /about.
    #[arg(long, value_enum, value_name = "VERSION", default_value = "3.6.1")]
    api_version: ApiVersion,
    /// Bend one rule of the contract (see --list-violations).
    #[arg(long, value_name = "MODE")]
    violate: Option<String>,
    /// Which way to make the choices the contract leaves open (docs/mock-choices.md).
    #[arg(long, value_enum, value_name = "VARIANT", default_value = "standard")]
    variant: Personality,
    /// Print the violation modes (name, tab, the check that must catch it) and exit.
    #[arg(long)]
    list_violations: bool,
    /// Serve HTTPS with a self-signed certificate made at start (for trying --ca-cert and
    /// --insecure by hand).
    #[arg(long)]
    tls: bool,
    /// Write the certificate (PEM) here before the address is printed; give it to
    /// `run --ca-cert`.
    #[arg(long, value_name = "PATH", requires = "tls")]
    cert_out: Option<PathBuf>,
}

pub fn command(args: MockArgs) -> Result<ExitCode, Failure> {
    if args.list_violations {
        let lines: String = Violation::ALL
            .iter()
            .map(|v| format!("{}\t{}\n", v.name(), v.check()))
            .collect();
        print(&lines)?;
        return Ok(ExitCode::SUCCESS);
    }
    let config = MockConfig {
        api_version: args.api_version,
        violation: args
            .violate
            .as_deref()
            .map(|n| violation(n, "--violate"))
            .transpose()?,
        tls: args.tls,
        personality: args.variant,
        ..MockConfig::default()
    };
    let mock = MockConsole::bind(args.addr, config).map_err(|e| {
        let causes = std::iter::successors(std::error::Error::source(&e), |c| c.source());
        let detail: String = causes.map(|c| format!(": {c}")).collect();
        Failure::Input(format!("--addr {}: {e}{detail}", args.addr))
    })?;
    if let (Some(path), Some(pem)) = (&args.cert_out, mock.ca_pem()) {
        std::fs::write(path, pem).map_err(|e| {
            Failure::Input(format!(
                "--cert-out {}: cannot write the certificate: {e}",
                path.display()
            ))
        })?;
    }
    print(&format!("{}\n", mock.addr()))?;
    eprintln!(
        "serving the VSPC mock console at {}/api/v3 (log in as admin / mock-admin-password); stop with Ctrl-C",
        mock.uri()
    );
    if mock.ca_pem().is_some() {
        match &args.cert_out {
            Some(path) => eprintln!(
                "its self-signed certificate is in {}: run --target {} --ca-cert {}",
                path.display(),
                mock.uri(),
                path.display()
            ),
            None => eprintln!(
                "its certificate is self-signed and new at every start: save it with --cert-out PATH for run --ca-cert PATH"
            ),
        }
    }
    mock.wait();
    Ok(ExitCode::SUCCESS)
}
