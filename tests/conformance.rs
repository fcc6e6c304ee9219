//! The cases under `cases/` as libtest-mimic trials, one per case, named by their test names:
//! `cargo test --test conformance -- pagination` runs the pagination cases; `--exact`, `--skip`,
//! `--list`, `--ignored` and nextest work as for any test.
//!
//! Target: `VSPC_TARGET` (with `VSPC_TOKEN`, or `VSPC_USERNAME` and `VSPC_PASSWORD`) when set,
//! else the embedded mock. Each trial also snapshots its normalized exchange with insta, one
//! snapshot set per target (the suffix), so contract drift shows as a diff in
//! `cargo insta review`. Cases the target cannot run (mock-only, mutating, unresolved
//! variables) are ignored with their reason printed.

use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use vspc_conformance::case::{self, Case, Origin};
use vspc_conformance::mock::MockConfig;
use vspc_conformance::report::snapshot::{normalized_exchange, sweep_groups};
use vspc_conformance::report::terminal::render_failure;
use vspc_conformance::run::{self, Outcome, RunOptions};
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

/// `embedded-mock`, or the target's host and port: `staging.example.com-1280`.
fn snapshot_suffix(target: &Target) -> String {
    let label = target.label.split("://").last().unwrap_or(&target.label);
    label
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn connect() -> Result<Target, String> {
    let spec = match env("VSPC_TARGET") {
        Some(url) => TargetSpec::Remote(url),
        None => TargetSpec::EmbeddedMock(MockConfig::default()),
    };
    let auth = Auth {
        token: env("VSPC_TOKEN").map(Secret::new),
        readonly_token: env("VSPC_READONLY_TOKEN").map(Secret::new),
        username: env("VSPC_USERNAME"),
        password: env("VSPC_PASSWORD").map(Secret::new),
    };
    runtime()
        .block_on(Target::connect(
            spec,
            auth,
            &SendOptions::default(),
            BTreeMap::new(),
        ))
        .map_err(|e| e.to_string())
}

/// Compares `text` with the committed snapshot `name` of this target; Err when it differs.
fn snapshot(target: &Target, name: &str, description: String, text: String) -> Result<(), ()> {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
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

fn relative(case: &Case) -> String {
    let file = case
        .file
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(&case.file);
    format!("{}:{}", file.display(), case.position.line)
}

/// One case: its verdicts, and for a written case the snapshot of its normalized exchange.
fn trial(case: Arc<Case>, target: Arc<Target>, options: Arc<RunOptions>) -> Trial {
    let name = case.name.clone();
    Trial::test(name, move || {
        let report = runtime().block_on(run::evaluate(&target, case.clone(), &options));
        let failure = match &report.outcome {
            Outcome::Conforming => None,
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
        let reports = runtime().block_on(run::run(&target, cases, &options, |_| {}));
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
            match rules.iter_mut().find(|(r, _)| r == rule) {
                Some((_, list)) => list.push(case.clone()),
                None => rules.push((rule.clone(), vec![case.clone()])),
            }
        }
    }
    rules
}

fn main() {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let loaded = case::load(&[root.join("cases")]);
    if !loaded.problems.is_empty() {
        for problem in &loaded.problems {
            eprintln!("{problem}");
        }
        std::process::exit(2);
    }
    let cases: Vec<Arc<Case>> = loaded.cases.into_iter().map(Arc::new).collect();
    let rules = rules(&cases);
    if args.list {
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
    let options = Arc::new(RunOptions {
        allow_mutations: env("VSPC_ALLOW_MUTATIONS").is_some(),
        ..RunOptions::default()
    });
    let mut trials: Vec<Trial> = cases
        .into_iter()
        .map(|case| match run::skip_reason(&target, &case, &options) {
            Some(reason) => Trial::test(case.name.clone(), || Ok(()))
                .with_ignored_flag(true)
                .with_kind(short(&reason)),
            None => trial(case, target.clone(), options.clone()),
        })
        .collect();
    trials.extend(
        rules
            .into_iter()
            .map(|(rule, cases)| rule_trial(rule, cases, target.clone(), options.clone())),
    );
    libtest_mimic::run(&args, trials).exit();
}

/// The first word of a skip reason (`mock-only`, `mutating`, `unresolved`), shown as the trial's kind.
fn short(reason: &str) -> String {
    reason
        .split([':', ' '])
        .next()
        .unwrap_or("skipped")
        .to_string()
}
