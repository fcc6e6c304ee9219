//! `run`: resolves the settings (file, flags, environment), chooses the target, runs the
//! selected cases and wires the reporters; `--list` and `--dry-run` stop before the target.

use super::{
    Failure, dry_run, interrupt, load_baseline, load_cases, print, report_specs, verdict, violation,
};
use clap::Args;
use std::collections::{BTreeSet, HashSet};
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use vspc_conformance::baseline::{self, Baseline, Date};
use vspc_conformance::case::{Case, Loaded, LoadedFile};
use vspc_conformance::config::{self, Purpose, Settings};
use vspc_conformance::contract::{ApiVersion, Contract, Role};
use vspc_conformance::mock::{MockConfig, Personality};
use vspc_conformance::partition::Partition;
use vspc_conformance::report::record::{RunInfo, RunRecord};
use vspc_conformance::report::terminal::{ColorChoice, Progress, Terminal};
use vspc_conformance::report::{self, ReportSpec, Reporter};
use vspc_conformance::run::{self, Event};
use vspc_conformance::target::{Target, TargetSpec};

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    overrides: config::Overrides,
    /// The configuration file [default: ./vspc-conformance.toml when it exists].
    #[arg(long, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Write a report: json=PATH, junit=PATH, md=PATH, html=PATH, curl=PATH (repeatable; PATH `-` is stdout).
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
    /// List the requests the run would send, without sending anything.
    #[arg(long)]
    dry_run: bool,
    /// Write a baseline file from this run: the non-conforming cases of one rule that fail
    /// alike as one entry, keeping the reasons and dates of entries that exist (in --baseline's
    /// file, else in FILE); exits 0 once it is written.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// List the selected cases and exit.
    #[arg(long)]
    list: bool,
    /// Print every case as it finishes.
    #[arg(short, long)]
    verbose: bool,
}

/// Reads the configuration file (`--config`, else `./vspc-conformance.toml` if present) and puts
/// the flags over it.
pub(super) fn settings(
    config: Option<&Path>,
    overrides: config::Overrides,
    purpose: Purpose,
) -> Result<Settings, Failure> {
    let (file, base) = match config {
        Some(path) => (
            Some(path.to_path_buf()),
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
    config::resolve(
        file,
        &base,
        overrides,
        |name| std::env::var(name).ok(),
        purpose,
    )
    .map_err(Failure::Input)
}

pub fn command(args: RunArgs) -> Result<ExitCode, Failure> {
    let purpose = if args.list || args.dry_run {
        Purpose::Inspect
    } else {
        Purpose::Send
    };
    let settings = settings(args.config.as_deref(), args.overrides.clone(), purpose)?;
    // The version's spec and schemas take some twenty milliseconds: another core reads them
    // while this one reads the case files. The base requests and the plan of input breaks are
    // made when the loaded cases ask for them, on every core: a run sweeping a few hundred GETs
    // needs a few hundred bases, and only input sweeps need the plan (40 ms of CPU).
    let assumed = settings.send.api_version.unwrap_or(ApiVersion::FALLBACK);
    std::thread::spawn(move || Contract::get().warm_up(assumed));
    for path in &settings.cases.paths {
        if !path.exists() {
            return Err(Failure::Input(format!(
                "case files {}: no such file or directory (the built-in cases run without --cases; --add-cases runs yours with them)",
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
    let (files, selection) = (settings.cases.clone(), settings.selection.clone());
    // The roles swept: those given credentials; on the embedded mock, every one (None).
    let given: Option<BTreeSet<Role>> = settings
        .target
        .as_ref()
        .map(|_| settings.auth.roles.keys().copied().collect());
    let select = |version: ApiVersion| -> Result<(Vec<Arc<Case>>, Vec<LoadedFile>), Failure> {
        let Loaded {
            mut cases, files, ..
        } = load_cases(&files, version)?;
        cases.retain(|c| {
            selection.selects(c) && run::takes(c, |r| given.as_ref().is_none_or(|g| g.contains(&r)))
        });
        if let Some(partition) = &partition {
            cases = partition.retain(cases, |c| c.name.as_str());
        }
        Ok((cases, files))
    };
    // Case files are checked before anything is sent; a console whose version is read from it
    // gets its own sweeps once it is known.
    let (mut cases, read) = select(assumed)?;
    if args.list {
        let embedded: HashSet<&OsStr> = read
            .iter()
            .filter(|f| f.embedded)
            .map(|f| f.path.as_os_str())
            .collect();
        let names: String = cases
            .iter()
            .map(|case| format!("{}\t{}\n", case.name, origin(case, &embedded)))
            .collect();
        print(&names)?;
        return Ok(ExitCode::SUCCESS);
    }
    for warning in &settings.warnings {
        eprintln!("warning: {warning}");
    }
    if args.dry_run {
        print(&dry_run::render(&cases, &settings, assumed))?;
        return Ok(ExitCode::SUCCESS);
    }
    let specs = report_specs(&args.reports)?;
    let today = Date::today();
    let prior = settings
        .baseline
        .as_deref()
        .map(load_baseline)
        .transpose()?;
    let kept = match (&args.write_baseline, &prior) {
        (_, Some(prior)) => prior.clone(),
        (Some(path), None) if path.exists() => load_baseline(path)?,
        _ => Vec::new(),
    };
    if let Some(path) = &args.write_baseline {
        ReportSpec::preflight_path(path)
            .map_err(|e| Failure::Input(format!("--write-baseline: {e}")))?;
    }
    let strict = settings.strict_baseline;
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
    // The runner's event loop: the runner drives its workers on loops of one thread each (this
    // one, and one per further core against a real target; `run::run`), so a connection is only
    // ever woken on its own thread. A multi-threaded runtime took context switches from 670 to
    // 8,100 per 20,000 cases against nginx, at the same wall time.
    let runtime = tokio::runtime::Builder::new_current_thread()
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
    if let Err(e) = interrupt::listen(options.stop.clone()) {
        eprintln!(
            "warning: cannot listen for SIGINT and SIGTERM ({e}): a signal ends the run without reports"
        );
    }
    let target = match runtime.block_on(Target::connect_discovering(
        spec, auth, &send, vars, &discover,
    )) {
        Ok(target) => target,
        Err(e) => {
            // Not reached or not authenticated, nothing ran: the reports say why (a
            // misconfiguration, exit 2, is bad input, which writes none).
            if e.exit_code() == 3 {
                let info = RunInfo {
                    target: target_label,
                    api_version: assumed.as_str().to_string(),
                    readings: options.readings,
                    partition: partition.map(|p| p.to_string()),
                    roles_given: Vec::new(),
                };
                write_not_run(
                    &specs,
                    &RunRecord::of_failed_target(&info, e.to_string(), cases.len()),
                );
            }
            return Err(Failure::Target(e));
        }
    };
    if let Some(warning) = &target.version_warning {
        eprintln!("warning: {warning}");
    }
    if target.version != assumed {
        cases = select(target.version)?.0;
    }
    options.readings.version = target.version;
    // The terminal names only the cases that did not simply conform; a file report lists every
    // case, and a baseline written from the run is folded over every judged case.
    if specs.is_empty() && args.write_baseline.is_none() {
        options.keep = run::Keep::Named;
    }
    options.baseline = prior.map(|entries| Arc::new(Baseline::new(entries, today, strict)));
    let write_baseline = args.write_baseline.clone();
    let readings = options.readings;
    let info = RunInfo {
        target: target_label,
        api_version: target.version.as_str().to_string(),
        readings,
        partition: partition.map(|p| p.to_string()),
        roles_given: target.roles.keys().copied().collect(),
    };
    // A report on stdout keeps stdout to itself: the terminal output moves to stderr.
    let report_on_stdout = specs.iter().any(|s| s.path.as_os_str() == "-");
    let mut reporters: Vec<Box<dyn Reporter + Send>> =
        vec![terminal(report_on_stdout, args.color, args.verbose)];
    for spec in specs {
        reporters.push(spec.format.reporter(spec.path, info.clone()));
    }
    let target = Arc::new(target);
    let (summary, interrupted, report_error, written) = runtime.block_on(async {
        // A task of its own, so that a panic in the run is reported as an error, not a crash.
        let runner = tokio::spawn(async move {
            let (mut summary, mut interrupted, mut report_error, mut written) =
                (None, None, None, Ok(None));
            let reports = run::run(&target, &cases, &options, |event| {
                if let Event::RunFinished {
                    summary: s,
                    reports,
                    interrupted: i,
                    ..
                } = &event
                {
                    summary = Some(*s);
                    interrupted = *i;
                    match (&write_baseline, i) {
                        // Entries of the cases not run would stand for cases that were.
                        (Some(path), Some(i)) => eprintln!(
                            "warning: --write-baseline {}: not written, {i}",
                            path.display()
                        ),
                        (Some(path), None) => {
                            let entries = run::baseline_after(reports, &kept, today);
                            written = report::write_output(path, &baseline::render(&entries))
                                .map(|()| {
                                    Some(format!(
                                        "wrote {} ({} entries; the {} non-conforming cases of this run are known now)",
                                        path.display(),
                                        entries.len(),
                                        s.non_conforming
                                    ))
                                })
                                .map_err(|e| format!("--write-baseline: {e}"));
                        }
                        (None, _) => {}
                    }
                }
                for reporter in reporters.iter_mut() {
                    match reporter.on_event(&event) {
                        // A report on stdout whose reader went away (`--report json=- | head`).
                        Err(e) if !e.is_closed_pipe() => {
                            report_error.get_or_insert(e);
                        }
                        _ => {}
                    }
                }
            })
            .await;
            // The process ends right after: freeing every report, its exchange and verdicts, and
            // every case, one by one would only add a serial tail to the run (4% of its
            // instructions; 30 ms of 2.9 s for 200,000 cases).
            std::mem::forget(reports);
            std::mem::forget(cases);
            (
                summary.unwrap_or_default(),
                interrupted,
                report_error,
                written,
            )
        });
        runner
            .await
            .map_err(|e| Failure::Input(format!("the run stopped: {e}")))
    })?;
    if let Some(e) = report_error {
        return Err(Failure::Input(e.to_string()));
    }
    if let Some(written) = written.map_err(Failure::Input)? {
        eprintln!("{written}");
        // The run was asked for the file, and its failures are in it now.
        return Ok(ExitCode::SUCCESS);
    }
    Ok(verdict(&summary, interrupted, false))
}

/// Writes every requested report of a run that ran nothing; a report that cannot be written is
/// said, and the run's own failure stays the one that sets the exit status.
fn write_not_run(specs: &[ReportSpec], record: &RunRecord) {
    let matrix = record.matrix();
    for spec in specs {
        if let Err(e) = spec.format.write(&spec.path, record, &matrix) {
            eprintln!("error: {e}");
        }
    }
}

/// Where `--list` says a case comes from: `built-in (cases/auth.toml:6)` for the copy compiled
/// in, else the file it was read from and the line of its table.
fn origin(case: &Case, embedded: &HashSet<&OsStr>) -> String {
    let at = format!("{}:{}", case.file.display(), case.position.line);
    if embedded.contains(case.file.as_os_str()) {
        format!("built-in ({at})")
    } else {
        at
    }
}

/// The terminal reporter, on stdout, or on stderr when a report takes stdout.
fn terminal(on_stderr: bool, color: ColorChoice, verbose: bool) -> Box<dyn Reporter + Send> {
    use std::io::IsTerminal;
    let (out, is_terminal): (Box<dyn Write + Send>, bool) = if on_stderr {
        (Box::new(std::io::stderr()), std::io::stderr().is_terminal())
    } else {
        (Box::new(std::io::stdout()), std::io::stdout().is_terminal())
    };
    let mut t = Terminal::new(out)
        .with_style(color.style(is_terminal))
        .with_progress(Progress::detect());
    t.verbose = verbose;
    Box::new(t)
}
