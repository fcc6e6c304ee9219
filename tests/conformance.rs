//! The cases under `cases/` as libtest-mimic trials, one per case, named by their test names:
//! `cargo test --test conformance -- pagination` runs the pagination cases; `--exact`, `--skip`,
//! `--list`, `--ignored` and nextest work as for any test.
//!
//! Target: `VSPC_TARGET` (with `VSPC_TOKEN`, or `VSPC_USERNAME` and `VSPC_PASSWORD`) when set,
//! else the embedded mock; `VSPC_API_VERSION` picks the API version (else read from a console,
//! 3.6.1 for the mock); `VSPC_MOCK_VARIANT=alternative` gives the embedded mock its other
//! personality (docs/mock-choices.md). Each trial also snapshots its normalized exchange with insta, one
//! snapshot set per target and version (the suffix), so contract drift shows as a diff in
//! `cargo insta review`. Cases the target cannot run (mock-only, mutating, unresolved
//! variables) are ignored with their reason printed.
//!
//! After a whole run (no filter, no `--skip`, not `--ignored`), the conformance matrix of all the
//! trials is an insta snapshot too (`tests/snapshots/matrix@<target>.snap`), so a change in
//! coverage or conformance shows in review. Regenerate everything after adding cases with
//! `INSTA_UPDATE=always cargo test --test conformance` (or `cargo insta test --accept --test
//! conformance`).
//!
//! With `VSPC_REPORT_DIR=DIR`, every trial also writes a one-case JSON report into DIR (and
//! every case the target cannot run, a skipped one), so shards run by
//! `cargo nextest run --test conformance --partition count:K/N` can be joined by
//! `vspc-conformance merge DIR...` into one report with one matrix.

use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use vspc_conformance::case::{self, Case, Origin};
use vspc_conformance::contract::ApiVersion;
use vspc_conformance::mock::{MockConfig, Personality};
use vspc_conformance::partition::fnv1a;
use vspc_conformance::report::matrix::Matrix;
use vspc_conformance::report::record::{RunInfo, RunRecord};
use vspc_conformance::report::snapshot::{normalized_exchange, sweep_groups};
use vspc_conformance::report::terminal::{render_failure, render_matrix};
use vspc_conformance::run::{self, CaseReport, Outcome, RunOptions, Summary};
use vspc_conformance::send::SendOptions;
use vspc_conformance::target::{Auth, Secret, Target, TargetSpec};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime for the trials")
    })
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The target and the version: `embedded-mock-3.6.1`, or the target's host and port and the
/// version: `staging.example.com-1280-3.7`; the embedded mock's Alternative personality is a
/// target of its own: `embedded-mock-alternative-3.6.1`.
fn snapshot_suffix(target: &Target) -> String {
    let label = target.label.split("://").last().unwrap_or(&target.label);
    let host: String = label
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let personality = match (target.is_embedded_mock(), mock_variant()) {
        (true, Personality::Alternative) => "-alternative",
        _ => "",
    };
    format!("{host}{personality}-{}", target.version)
}

/// `VSPC_MOCK_VARIANT` (standard or alternative), the embedded mock's personality; an unknown
/// one ends the run (exit 2).
fn mock_variant() -> Personality {
    let Some(text) = env("VSPC_MOCK_VARIANT") else {
        return Personality::Standard;
    };
    match Personality::parse(&text) {
        Some(personality) => personality,
        None => {
            eprintln!("error: VSPC_MOCK_VARIANT={text} is not standard or alternative");
            std::process::exit(2);
        }
    }
}

/// `VSPC_API_VERSION`, when set; an unknown one ends the run (exit 2).
fn api_version() -> Option<ApiVersion> {
    let text = env("VSPC_API_VERSION")?;
    match ApiVersion::parse(&text) {
        Some(version) => Some(version),
        None => {
            eprintln!("error: VSPC_API_VERSION={text} is not a known API version");
            std::process::exit(2);
        }
    }
}

fn connect() -> Result<Target, String> {
    let spec = match env("VSPC_TARGET") {
        Some(url) => TargetSpec::Remote(url),
        None => TargetSpec::EmbeddedMock(MockConfig {
            personality: mock_variant(),
            ..MockConfig::default()
        }),
    };
    let auth = Auth {
        token: env("VSPC_TOKEN").map(Secret::new),
        readonly_token: env("VSPC_READONLY_TOKEN").map(Secret::new),
        username: env("VSPC_USERNAME"),
        password: env("VSPC_PASSWORD").map(Secret::new),
        roles: env("VSPC_ROLE_TOKENS")
            .map(|text| vspc_conformance::config::role_tokens(&text))
            .transpose()?
            .unwrap_or_default(),
    };
    let options = SendOptions {
        api_version: api_version(),
        ..SendOptions::default()
    };
    runtime()
        .block_on(Target::connect(spec, auth, &options, BTreeMap::new()))
        .map_err(|e| e.to_string())
}

/// The version the trials speak, once the target is connected.
fn version() -> &'static OnceLock<ApiVersion> {
    static VERSION: OnceLock<ApiVersion> = OnceLock::new();
    &VERSION
}

/// Every finished trial's report, for the matrix snapshot after a whole run.
fn finished() -> &'static Mutex<Vec<CaseReport>> {
    static FINISHED: OnceLock<Mutex<Vec<CaseReport>>> = OnceLock::new();
    FINISHED.get_or_init(|| Mutex::new(Vec::new()))
}

fn run_info() -> RunInfo {
    RunInfo {
        target: env("VSPC_TARGET").unwrap_or_else(|| "embedded-mock".into()),
        api_version: version()
            .get()
            .copied()
            .unwrap_or(ApiVersion::FALLBACK)
            .as_str()
            .to_string(),
        readings: RunOptions::default().readings,
        partition: None,
        roles_given: roles_given().get().cloned().unwrap_or_default(),
    }
}

/// The roles the target has credentials for, once it is connected.
fn roles_given() -> &'static OnceLock<Vec<vspc_conformance::contract::Role>> {
    static ROLES: OnceLock<Vec<vspc_conformance::contract::Role>> = OnceLock::new();
    &ROLES
}

/// With `VSPC_REPORT_DIR` set, writes the case's report as a one-case JSON report there.
fn write_fragment(report: &CaseReport) -> Result<(), Failed> {
    let Some(dir) = env("VSPC_REPORT_DIR") else {
        return Ok(());
    };
    let reports = std::slice::from_ref(report);
    let record = RunRecord::from_run(&run_info(), reports, Summary::of(reports), report.elapsed);
    let text = vspc_conformance::report::json::render(&record, &Matrix::build(reports));
    let stem: String = report
        .case
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(80)
        .collect();
    // The hash keeps names that differ only in punctuation apart.
    let file = format!("{stem}-{:016x}.json", fnv1a(report.case.name.as_bytes()));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(PathBuf::from(&dir).join(file), text))
        .map_err(|e| {
            Failed::from(format!(
                "VSPC_REPORT_DIR={dir}: cannot write the report: {e}"
            ))
        })
}

fn trial(case: Arc<Case>, target: Arc<Target>, options: Arc<RunOptions>) -> Trial {
    let name = case.name.clone();
    Trial::test(name, move || {
        let report = runtime().block_on(run::evaluate(&target, case.clone(), &options));
        write_fragment(&report)?;
        finished()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(report.clone());
        let failure = match &report.outcome {
            Outcome::Conforming => None,
            // Not a failure: the target did not meet the case's precondition (libtest has no
            // such outcome once a trial runs; the reason is in its captured output).
            Outcome::Inconclusive(why) => {
                println!("inconclusive: {why}");
                None
            }
            Outcome::NonConforming => Some(render_failure(&report)),
            Outcome::Error(reason) => Some(format!("could not evaluate: {reason}")),
            Outcome::Skipped(reason) => {
                return Err(Failed::from(format!("skipped at run time: {reason}")));
            }
        };
        // The snapshot is compared even when the case fails, so a reviewer sees the drift.
        // Generated cases are snapshotted per rule (`rule_trial`), not one file each.
        let written = case.origin == Origin::Written;
        let drift = match report.exchange.as_ref().filter(|_| written) {
            Some(exchange) => snapshot(
                &target,
                &case.name,
                format!("{} ({})", case.name, relative(&case)),
                normalized_exchange(&case, exchange),
            )
            .is_err(),
            None => false,
        };
        match (failure, drift) {
            (None, false) => Ok(()),
            (Some(failure), false) => Err(failure.into()),
            (None, true) => {
                Err("the normalized exchange differs from its snapshot (cargo insta review)".into())
            }
            (Some(failure), true) => {
                Err(format!("{failure}\nand the exchange differs from its snapshot").into())
            }
        }
    })
}

/// Compares `text` with the committed snapshot `name` of this target; Err when it differs.
fn snapshot(target: &Target, name: &str, description: String, text: String) -> Result<(), ()> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(snapshot_suffix(target));
    settings.set_omit_expression(true);
    settings.set_description(description);
    let name = name.replace("::", "__");
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, text));
    }))
    .map_err(|_| ())
}

/// `tests/snapshots`, or `VSPC_SNAPSHOT_DIR` (e.g. to keep a staging console's set elsewhere).
fn snapshot_dir() -> PathBuf {
    env("VSPC_SNAPSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"))
}

fn relative(case: &Case) -> String {
    let file = case
        .file
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(&case.file);
    format!("{}:{}", file.display(), case.position.line)
}

/// One sweep rule as a whole: runs all its cases and snapshots their answers grouped by shape.
/// Named `sweep::<rule>`, so a filter for the rule selects it with the rule's cases.
fn rule_trial(
    rule: String,
    cases: Vec<Arc<Case>>,
    target: Arc<Target>,
    options: Arc<RunOptions>,
) -> Trial {
    Trial::test(format!("sweep::{rule}"), move || {
        let description = format!(
            "sweep::{rule} ({})",
            cases.first().map(|c| relative(c)).unwrap_or_default()
        );
        let reports = runtime().block_on(run::run(&target, &cases, &options, |_| {}));
        let text = sweep_groups(&rule, &reports);
        snapshot(&target, &format!("sweep::{rule}"), description, text).map_err(|()| {
            Failed::from(format!(
                "the answers of sweep::{rule} differ from its snapshot (cargo insta review)"
            ))
        })
    })
}

/// The sweep rules of the loaded cases, in order, with their cases.
fn rules(cases: &[Arc<Case>]) -> Vec<(String, Vec<Arc<Case>>)> {
    let mut rules: Vec<(String, Vec<Arc<Case>>)> = Vec::new();
    for case in cases {
        if let Origin::Sweep { rule, .. } = &case.origin {
            match rules.iter_mut().find(|(r, _)| r.as_str() == &**rule) {
                Some((_, list)) => list.push(case.clone()),
                None => rules.push((rule.to_string(), vec![case.clone()])),
            }
        }
    }
    rules
}

/// The shipped cases, sweeps generated for `version`; a problem ends the run (exit 2).
fn load(version: ApiVersion) -> Vec<Arc<Case>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let loaded = case::load(&[root.join("cases")], version);
    if !loaded.problems.is_empty() {
        for problem in &loaded.problems {
            eprintln!("{problem}");
        }
        std::process::exit(2);
    }
    loaded.cases
}

fn main() {
    let args = Arguments::from_args();
    if args.list {
        // Listing sends nothing, so a console's version is not read: the given one, or 3.6.1.
        let cases = load(api_version().unwrap_or(ApiVersion::FALLBACK));
        let rules = rules(&cases);
        let names = cases
            .iter()
            .map(|c| c.name.clone())
            .chain(rules.iter().map(|(r, _)| format!("sweep::{r}")));
        let trials = names.map(|name| Trial::test(name, || Ok(()))).collect();
        libtest_mimic::run(&args, trials).exit();
    }
    let target = match connect() {
        Ok(target) => Arc::new(target),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(3);
        }
    };
    if let Some(warning) = &target.version_warning {
        eprintln!("warning: {warning}");
    }
    let _ = version().set(target.version);
    let _ = roles_given().set(target.roles.keys().copied().collect());
    // A role's cases only where the role was given (every role on the embedded mock).
    let mut cases = load(target.version);
    cases.retain(|c| vspc_conformance::run::takes(c, |r| target.roles.contains_key(&r)));
    let rules = rules(&cases);
    let options = Arc::new(RunOptions {
        allow_mutations: env("VSPC_ALLOW_MUTATIONS").is_some(),
        ..RunOptions::default()
    });
    let mut skipped = 0;
    let mut trials = Vec::new();
    for case in &cases {
        match run::skip_reason(&run::Offer::of(&target), case, &options) {
            Some(reason) => {
                skipped += 1;
                // A skip is recorded at once for the cases this process was asked for, so shards
                // merged from VSPC_REPORT_DIR list skipped cases as `run` does, whether nextest
                // runs them as ignored trials or not at all.
                if selected(&args, &case.name) {
                    let report = CaseReport {
                        case: case.clone(),
                        outcome: Outcome::Skipped(reason.clone()),
                        exchange: None,
                        checks: Vec::new(),
                        elapsed: Duration::ZERO,
                        standing: None,
                    };
                    if let Err(e) = write_fragment(&report) {
                        eprintln!("error: {}", e.message().unwrap_or_default());
                        std::process::exit(2);
                    }
                }
                trials.push(
                    Trial::test(case.name.clone(), || Ok(()))
                        .with_ignored_flag(true)
                        .with_kind(reason.kind()),
                );
            }
            None => trials.push(trial(case.clone(), target.clone(), options.clone())),
        }
    }
    trials.extend(
        rules
            .into_iter()
            .map(|(rule, cases)| rule_trial(rule, cases, target.clone(), options.clone())),
    );
    let conclusion = libtest_mimic::run(&args, trials);
    let whole = conclusion.num_filtered_out == 0 && !args.ignored;
    if whole && !matrix_snapshot_matches(&cases, skipped, &target) {
        std::process::exit(101);
    }
    conclusion.exit();
}

/// The matrix of every trial of a whole run against its snapshot (`matrix@<target>.snap`).
fn matrix_snapshot_matches(cases: &[Arc<Case>], skipped: usize, target: &Target) -> bool {
    let mut reports = std::mem::take(&mut *finished().lock().unwrap_or_else(|e| e.into_inner()));
    // In case order, so nothing in the snapshot depends on which trial finished first.
    reports.sort_by_key(|r| cases.iter().position(|c| c.name == r.case.name));
    let summary = Summary::of(&reports);
    let matrix = Matrix::build(&reports);
    let (exercised, total) = matrix.coverage();
    let text = format!(
        "{} cases: {} conforming, {} non-conforming, {} errors, {skipped} skipped; codes exercised {exercised}/{total}\n\n{}",
        summary.cases + skipped,
        summary.conforming,
        summary.non_conforming,
        summary.errors,
        render_matrix(&matrix)
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshot_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_suffix(snapshot_suffix(target));
    settings.set_omit_expression(true);
    settings.set_description(
        "The conformance matrix of a whole `cargo test --test conformance` run. Regenerate after \
         adding cases: INSTA_UPDATE=always cargo test --test conformance",
    );
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!("matrix", text));
    }));
    if result.is_err() {
        eprintln!(
            "\nerror: the conformance matrix differs from tests/snapshots/matrix@{}.snap: coverage or \
             conformance changed. Review with `cargo insta review`, or regenerate with \
             `INSTA_UPDATE=always cargo test --test conformance`.",
            snapshot_suffix(target)
        );
    }
    result.is_ok()
}

/// Whether libtest's filter and `--skip` select this test name (as libtest-mimic applies them).
fn selected(args: &Arguments, name: &str) -> bool {
    let matches = |pattern: &str| {
        if args.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    args.filter.as_deref().is_none_or(matches) && !args.skip.iter().any(|s| matches(s))
}
