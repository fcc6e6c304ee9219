//! The `vspc-conformance` command: run, mock, lint, merge. The one place where library errors become
//! messages and exit statuses: 0 conforming, 1 non-conforming, 2 bad input, 3 target unreachable
//! or not authenticated.

use clap::{Args, Parser, Subcommand};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use vspc_conformance::case::{self, Case};
use vspc_conformance::config::{self, Settings};
use vspc_conformance::contract::{ApiVersion, CustomCodeStatus, RetryAfterReading, Strength};
use vspc_conformance::exchange::query_text;
use vspc_conformance::mock::{MockConfig, MockConsole, Personality, Violation};
use vspc_conformance::partition::Partition;
use vspc_conformance::report::record::RunInfo;
use vspc_conformance::report::terminal::{ColorChoice, Progress, Terminal};
use vspc_conformance::report::{self, ReportSpec, Reporter};
use vspc_conformance::run;
use vspc_conformance::target::{Target, TargetSpec};

/// mimalloc, not glibc's malloc: see its entry in Cargo.toml for why and by how much.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "vspc-conformance",
    version,
    about = "Conformance harness for the VSPC REST API error contract"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the cases against a console: the embedded mock unless --target is given.
    Run(Box<RunArgs>),
    /// Serve the mock console until stopped; the first line printed is the bound address.
    Mock(MockArgs),
    /// Check case files without sending anything.
    Lint(LintArgs),
    /// Merge JSON reports of shards (files, or directories of them) into one report.
    Merge(MergeArgs),
}

#[derive(Args)]
struct RunArgs {
    /// Run only cases whose test name contains one of these (as in `cargo test`).
    filters: Vec<String>,
    /// Filters match whole test names.
    #[arg(long)]
    exact: bool,
    /// Leave out cases whose name contains this (repeatable).
    #[arg(long, value_name = "FILTER")]
    skip: Vec<String>,
    /// Run only cases with this tag (repeatable: all must match).
    #[arg(long)]
    tag: Vec<String>,
    /// Case files or directories [default: cases].
    #[arg(long = "cases", value_name = "PATH")]
    cases: Vec<PathBuf>,
    /// The configuration file [default: ./vspc-conformance.toml when it exists].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// The console to test (`https://host:1280`); without it, the embedded mock.
    #[arg(long, env = "VSPC_TARGET")]
    target: Option<String>,
    /// Bearer token or API key for the target.
    #[arg(long, env = "VSPC_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// A read-only token for the `read-only` credential.
    #[arg(long, env = "VSPC_READONLY_TOKEN", hide_env_values = true)]
    readonly_token: Option<String>,
    /// Log in with this user through POST /api/v3/token.
    #[arg(long, env = "VSPC_USERNAME")]
    username: Option<String>,
    /// The user's password (prefer the VSPC_PASSWORD environment variable).
    #[arg(long, env = "VSPC_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    /// Write a report: json=PATH, junit=PATH, md=PATH, html=PATH (repeatable; PATH `-` is stdout).
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    reports: Vec<String>,
    /// Run only one shard of the selected cases: count:K/N or hash:K/N (as cargo-nextest's
    /// --partition); merge the shards' JSON reports with `merge`.
    #[arg(long, value_name = "SCHEME:K/N")]
    partition: Option<String>,
    /// Colour the terminal output (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t, value_name = "WHEN")]
    color: ColorChoice,
    /// Run against the embedded mock bent by this violation mode (the harness's self-test).
    #[arg(long, value_name = "MODE")]
    mock_violate: Option<String>,
    /// The embedded mock's personality: which way it makes the choices the contract leaves open
    /// (docs/mock-choices.md) [default: standard].
    #[arg(long, value_enum, value_name = "VARIANT")]
    mock_variant: Option<Personality>,
    /// Requests in flight at once [default: 32 against the embedded mock, 4 against a console].
    #[arg(long)]
    concurrency: Option<usize>,
    /// Requests per second at most [default: none against the embedded mock, 20 against a console].
    #[arg(long)]
    rps: Option<f64>,
    /// Seconds to wait for each answer [default: 10].
    #[arg(long, value_name = "SECONDS")]
    timeout: Option<f64>,
    /// Seconds to wait for an async action (202 Accepted) to end; one still running then is
    /// inconclusive [default: 30].
    #[arg(long, value_name = "SECONDS")]
    async_timeout: Option<f64>,
    /// A PEM file with the private CA that signed the console's certificate.
    #[arg(long, value_name = "PEM")]
    ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate (prints a warning). Only for a console you control.
    #[arg(long)]
    insecure: bool,
    /// List the requests the run would send, without sending anything.
    #[arg(long)]
    dry_run: bool,
    /// Run `mutating` cases against a real console.
    #[arg(long)]
    allow_mutations: bool,
    /// Which status custom codes (>= 1000) may travel with: auto follows the version (stated as
    /// 520 from 3.7, a reading before) [default: auto].
    #[arg(long, value_enum)]
    custom_code_status: Option<CustomCodeStatus>,
    /// Whether a 429 must carry retryAfter (the throttling page says it may) [default: optional].
    #[arg(long, value_enum)]
    retry_after: Option<RetryAfterReading>,
    /// How firm a fact must be for its mismatch to fail: stated (the error page, the version's
    /// spec, an RFC), example, convention or reading; weaker ones are deviations [default: stated].
    #[arg(long, value_enum, value_name = "STRENGTH")]
    fail_on: Option<Strength>,
    /// A value for a case variable (repeatable): --var companyUid=...
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// The REST API version to speak: its catalogue, X-Client-Version and rules [default: read
    /// from the console's GET /api/v3/about, else 3.6.1; the embedded mock: 3.6.1].
    #[arg(long, value_enum, value_name = "VERSION")]
    api_version: Option<ApiVersion>,
    /// List the selected cases and exit.
    #[arg(long)]
    list: bool,
    /// Print every case as it finishes.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Args)]
struct MockArgs {
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

#[derive(Args)]
struct MergeArgs {
    /// JSON reports of shards, or directories holding them (`*.json`, walked recursively).
    #[arg(required = true, value_name = "REPORT")]
    inputs: Vec<PathBuf>,
    /// Write the merged report: json=PATH, junit=PATH, md=PATH, html=PATH (repeatable; PATH `-`
    /// is stdout). Without any, the merged matrix is printed.
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    reports: Vec<String>,
}

#[derive(Args)]
struct LintArgs {
    /// Case files or directories.
    #[arg(default_value = "cases")]
    paths: Vec<PathBuf>,
}

/// Every way the command can end other than with a run's verdict.
enum Failure {
    /// Bad input: case files, arguments, configuration. Exit 2.
    Input(String),
    /// The target could not be reached or authenticated (3), or was misconfigured (2).
    Target(vspc_conformance::target::TargetError),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run_command(*args),
        Command::Mock(args) => mock_command(args),
        Command::Lint(args) => lint_command(args),
        Command::Merge(args) => merge_command(args),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Input(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Target(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
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

/// Loads case files, sweeps generating for `version`; any problem is printed with its position
/// and ends the command (exit 2).
fn load_cases(paths: &[PathBuf], version: ApiVersion) -> Result<Vec<Case>, Failure> {
    let loaded = case::load(paths, version);
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
    Ok(loaded.cases)
}

fn lint_command(args: LintArgs) -> Result<ExitCode, Failure> {
    let cases = load_cases(&args.paths, ApiVersion::FALLBACK)?;
    println!(
        "{} cases (sweeps generated for API {}), no problems",
        cases.len(),
        ApiVersion::FALLBACK
    );
    Ok(ExitCode::SUCCESS)
}

fn mock_command(args: MockArgs) -> Result<ExitCode, Failure> {
    if args.list_violations {
        for v in Violation::ALL {
            println!("{}\t{}", v.name(), v.check());
        }
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
    println!("{}", mock.addr());
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

fn parse_vars(pairs: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
            _ => Err(Failure::Input(format!(
                "--var `{pair}`: expected NAME=VALUE"
            ))),
        })
        .collect()
}

/// Reads the configuration file (`--config`, else `./vspc-conformance.toml` if present) and puts
/// the flags over it.
fn settings(args: &RunArgs) -> Result<Settings, Failure> {
    let (file, base) = match &args.config {
        Some(path) => (
            Some(path.clone()),
            path.parent().map(PathBuf::from).unwrap_or_default(),
        ),
        None if Path::new(config::DEFAULT_FILE).exists() => {
            (Some(PathBuf::from(config::DEFAULT_FILE)), PathBuf::new())
        }
        None => (None, PathBuf::new()),
    };
    let file = match file {
        Some(path) => config::load(&path).map_err(|problems| {
            for problem in &problems {
                eprintln!("{problem}");
            }
            Failure::Input(format!(
                "{}: the configuration has problems; nothing was sent",
                path.display()
            ))
        })?,
        None => config::ConfigFile::default(),
    };
    let overrides = config::Overrides {
        target: args.target.clone(),
        token: args.token.clone(),
        readonly_token: args.readonly_token.clone(),
        username: args.username.clone(),
        password: args.password.clone(),
        api_version: args.api_version,
        cases: args.cases.clone(),
        filters: args.filters.clone(),
        exact: args.exact,
        skip: args.skip.clone(),
        tags: args.tag.clone(),
        concurrency: args.concurrency,
        rps: args.rps,
        timeout: args.timeout,
        async_timeout: args.async_timeout,
        ca_cert: args.ca_cert.clone(),
        insecure: args.insecure,
        allow_mutations: args.allow_mutations,
        custom_code_status: args.custom_code_status,
        retry_after: args.retry_after,
        fail_on: args.fail_on,
        vars: parse_vars(&args.vars)?.into_iter().collect(),
    };
    config::resolve(file, &base, overrides, |name| std::env::var(name).ok()).map_err(Failure::Input)
}

fn run_command(args: RunArgs) -> Result<ExitCode, Failure> {
    let settings = settings(&args)?;
    for path in &settings.cases {
        if !path.exists() {
            return Err(Failure::Input(format!(
                "--cases {}: no such file or directory (run from the project directory, or point --cases at your case files)",
                path.display()
            )));
        }
    }
    let partition: Option<Partition> = args
        .partition
        .as_deref()
        .map(|p| {
            p.parse()
                .map_err(|e| Failure::Input(format!("--partition {e}")))
        })
        .transpose()?;
    // The cases of a version: loaded (sweeps generated for it), selected, this shard's.
    let (paths, selection) = (settings.cases.clone(), settings.selection.clone());
    let select = |version: ApiVersion| -> Result<Vec<Arc<Case>>, Failure> {
        let mut cases: Vec<Arc<Case>> = load_cases(&paths, version)?
            .into_iter()
            .filter(|c| selection.selects(c))
            .map(Arc::new)
            .collect();
        // The collect above reuses the loaded cases' buffer (a `Case` wide per case) for the
        // `Arc`s (a pointer each): give the rest back rather than hold it through the run.
        cases.shrink_to_fit();
        if let Some(partition) = &partition {
            cases = partition.retain(cases, |c| c.name.as_str());
        }
        Ok(cases)
    };
    // Case files are checked before anything is sent; a console whose version is read from it
    // gets its own sweeps once it is known.
    let assumed = settings.send.api_version.unwrap_or(ApiVersion::FALLBACK);
    let mut cases = select(assumed)?;
    if args.list {
        for case in &cases {
            println!("{}", case.name);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.dry_run {
        print!("{}", dry_run(&cases, &settings, assumed));
        return Ok(ExitCode::SUCCESS);
    }
    for warning in &settings.warnings {
        eprintln!("warning: {warning}");
    }
    let specs = report_specs(&args.reports)?;
    if let (Some(_), Some(_)) = (&settings.target, args.mock_variant) {
        return Err(Failure::Input(
            "--mock-variant picks the embedded mock's personality; it cannot go with --target"
                .into(),
        ));
    }
    let spec = match (&settings.target, &args.mock_violate) {
        (Some(_), Some(_)) => {
            return Err(Failure::Input(
                "--mock-violate bends the embedded mock; it cannot go with --target".into(),
            ));
        }
        (Some(url), None) => TargetSpec::Remote(url.clone()),
        (None, mode) => TargetSpec::EmbeddedMock(MockConfig {
            api_version: assumed,
            violation: mode
                .as_deref()
                .map(|n| violation(n, "--mock-violate"))
                .transpose()?,
            personality: args.mock_variant.unwrap_or_default(),
            ..MockConfig::default()
        }),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Input(format!("cannot start the async runtime: {e}")))?;
    let target_label = settings
        .target
        .clone()
        .unwrap_or_else(|| "embedded-mock".into());
    let Settings {
        auth,
        send,
        run: mut options,
        vars,
        discover,
        ..
    } = settings;
    let target = runtime
        .block_on(Target::connect_discovering(
            spec, auth, &send, vars, &discover,
        ))
        .map_err(Failure::Target)?;
    if let Some(warning) = &target.version_warning {
        eprintln!("warning: {warning}");
    }
    if target.version != assumed {
        cases = select(target.version)?;
    }
    options.readings.version = target.version;
    let readings = options.readings;
    let info = RunInfo {
        target: target_label,
        api_version: target.version.as_str().to_string(),
        readings,
        partition: partition.map(|p| p.to_string()),
    };
    // A report on stdout keeps stdout to itself: the terminal output moves to stderr.
    let report_on_stdout = specs.iter().any(|s| s.path.as_os_str() == "-");
    let mut reporters: Vec<Box<dyn Reporter + Send>> =
        vec![terminal(report_on_stdout, args.color, args.verbose)];
    for spec in specs {
        reporters.push(spec.format.reporter(spec.path, info.clone()));
    }
    let target = Arc::new(target);
    let (summary, report_error) = runtime.block_on(async {
        // The runner's loop runs on a worker thread, beside the cases it spawns: a finished case
        // wakes it through the worker's queue, not with a futex call to the thread in block_on.
        let runner = tokio::spawn(async move {
            let mut report_error = None;
            let reports = run::run(&target, cases, &options, |event| {
                for reporter in reporters.iter_mut() {
                    if let Err(e) = reporter.on_event(&event) {
                        report_error.get_or_insert(e);
                    }
                }
            })
            .await;
            let summary = run::Summary::of(&reports);
            // The process ends right after: freeing every report, its exchange and verdicts one
            // by one would only add a serial tail to the run (4% of its instructions).
            std::mem::forget(reports);
            (summary, report_error)
        });
        runner
            .await
            .map_err(|e| Failure::Input(format!("the run stopped: {e}")))
    })?;
    if let Some(e) = report_error {
        return Err(Failure::Input(e.to_string()));
    }
    Ok(if summary.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The terminal reporter, on stdout, or on stderr when a report takes stdout.
fn terminal(on_stderr: bool, color: ColorChoice, verbose: bool) -> Box<dyn Reporter + Send> {
    use std::io::IsTerminal;
    let progress = Progress::detect();
    if on_stderr {
        let style = color.style(std::io::stderr().is_terminal());
        let mut t = Terminal::new(std::io::stderr())
            .with_style(style)
            .with_progress(progress);
        t.verbose = verbose;
        Box::new(t)
    } else {
        let style = color.style(std::io::stdout().is_terminal());
        let mut t = Terminal::new(std::io::stdout())
            .with_style(style)
            .with_progress(progress);
        t.verbose = verbose;
        Box::new(t)
    }
}

/// What `--dry-run` prints: the requests before the run (logins, discovery), then each case's
/// request or why the case would be skipped. Nothing is sent, so a variable left to discovery
/// shows as its placeholder.
fn dry_run(cases: &[Arc<Case>], settings: &Settings, version: ApiVersion) -> String {
    use vspc_conformance::case::{Credentials, substitute, tags};
    let remote = settings.target.is_some();
    let mut out = String::new();
    let mut before = 0;
    if remote {
        let auth = &settings.auth;
        let detect = settings.send.api_version.is_none();
        if auth.token.is_some() {
            out.push_str(if detect {
                "probe GET /api/v3/about  (the token is accepted; data.serverVersion gives the API version)\n"
            } else {
                "probe GET /api/v3/about  (the token is accepted)\n"
            });
            before += 1;
        } else if let Some(user) = &auth.username {
            out.push_str(&format!(
                "login POST /api/v3/token  (password grant as `{user}`)\n"
            ));
            before += 1;
            if detect {
                out.push_str(
                    "detect GET /api/v3/about  (data.serverVersion gives the API version)\n",
                );
                before += 1;
            }
        }
        if let (None, Some(user)) = (&auth.readonly_token, &auth.username) {
            out.push_str(&format!(
                "login POST /api/v3/token  (password grant as `{user}`, readOnly=true)\n"
            ));
            before += 1;
        }
        for rule in settings
            .discover
            .iter()
            .filter(|d| !settings.vars.contains_key(&d.name))
        {
            out.push_str(&format!(
                "discover GET /api/v3{}{}  ({{{}}} at {})\n",
                rule.path,
                query_text(rule.query.iter().map(|(k, v)| (k, v.to_string()))),
                rule.name,
                rule.pointer
            ));
            before += 1;
        }
    }
    let known = |name: &String| {
        settings.vars.contains_key(name) || settings.discover.iter().any(|d| &d.name == name)
    };
    let mut sending = 0;
    for case in cases {
        let r = &case.request;
        let missing: Vec<String> = if remote {
            case.variables().into_iter().filter(|v| !known(v)).collect()
        } else {
            Vec::new()
        };
        let skip = if remote && case.has_tag(tags::MOCK_ONLY) {
            Some("mock-only".to_string())
        } else if remote && case.has_tag(tags::MUTATING) && !settings.run.allow_mutations {
            Some("mutating (needs --allow-mutations)".to_string())
        } else if remote
            && r.credentials == Credentials::ReadOnly
            && settings.auth.readonly_token.is_none()
            && settings.auth.username.is_none()
        {
            Some("needs a read-only token (--readonly-token)".to_string())
        } else if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|v| format!("{{{v}}}")).collect();
            Some(format!("unresolved {}: give --var", names.join(", ")))
        } else {
            None
        };
        let path = substitute(&r.path, &settings.vars).unwrap_or_else(|_| r.path.clone());
        let query = query_text(r.query.iter().map(|(k, v)| (k, v)));
        let burst = r.burst.map(|n| format!(" x{n}")).unwrap_or_default();
        let line = format!(
            "{} /api/v3{path}{query}{burst}  [{}]",
            r.method,
            r.credentials.as_str()
        );
        match skip {
            Some(why) => out.push_str(&format!("skip  {line}  ({}: {why})\n", case.name)),
            None => {
                sending += 1;
                out.push_str(&format!("send  {line}  ({})\n", case.name));
            }
        }
    }
    let target = settings.target.as_deref().unwrap_or("the embedded mock");
    let version = match (remote, settings.send.api_version) {
        (true, None) => {
            format!("API {version} until the console's version is read (sweeps differ by version)")
        }
        _ => format!("API {version}"),
    };
    let before = if before > 0 {
        format!(" after {before} before the run")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{sending} of {} cases would send their requests{before} to {target} ({version}){}; {} skipped\n",
        cases.len(),
        settings
            .send
            .rps
            .map(|r| format!(", at most {r} per second"))
            .unwrap_or_default(),
        cases.len() - sending
    ));
    out
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

fn merge_command(args: MergeArgs) -> Result<ExitCode, Failure> {
    use vspc_conformance::report::merge;
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
    if specs.is_empty() {
        print!("{}", report::terminal::render_matrix(&matrix));
    }
    for spec in &specs {
        report::write_output(&spec.path, &spec.format.render(&merged, &matrix))
            .map_err(|e| Failure::Input(e.to_string()))?;
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
    Ok(if s.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
