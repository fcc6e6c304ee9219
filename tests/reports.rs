//! The file reports as CI and people read them: every JSON report validates against
//! `schemas/report.schema.json`, every JUnit report against `tests/junit.xsd` (xmllint), and the
//! Markdown and HTML reports say what a reader needs. Runs a conforming run, a run against a
//! violation mode, a run with skipped cases, and an in-process run with every outcome.

mod common;

use common::{assert_valid_junit, assert_valid_report, bin, read_json, temp_dir, text};
use serde_json::Value;
use std::path::{Path, PathBuf};
use vspc_conformance::contract::{ApiVersion, Role};

/// `--report` arguments writing all four formats into `dir`.
fn all_formats(dir: &Path) -> Vec<String> {
    ["json", "junit", "md", "html"]
        .iter()
        .flat_map(|f| {
            let ext = match *f {
                "junit" => "xml",
                other => other,
            };
            [
                "--report".to_string(),
                format!("{f}={}", dir.join(format!("report.{ext}")).display()),
            ]
        })
        .collect()
}

struct Reports {
    json: Value,
    junit: String,
    md: String,
    html: String,
    dir: PathBuf,
}

fn read_reports(dir: &Path) -> Reports {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    Reports {
        json: read_json(&dir.join("report.json")),
        junit: read("report.xml"),
        md: read("report.md"),
        html: read("report.html"),
        dir: dir.to_path_buf(),
    }
}

/// Checks that hold for every run's reports.
fn check_common(r: &Reports, what: &str) {
    assert_valid_report(&r.json, what);
    assert_valid_junit(&r.dir.join("report.xml"), what);
    let summary = &r.json["summary"];
    let cases = r.json["cases"].as_array().unwrap();
    // JUnit: one testsuite per case file, one testcase per case, counts that add up.
    let files: std::collections::BTreeSet<&str> =
        cases.iter().map(|c| c["file"].as_str().unwrap()).collect();
    assert_eq!(
        r.junit.matches("<testsuite ").count(),
        files.len(),
        "{what}"
    );
    assert_eq!(r.junit.matches("<testcase ").count(), cases.len(), "{what}");
    let testcases: std::collections::HashSet<&str> = r
        .junit
        .split("<testcase name=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let escaped = name
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(
            testcases.contains(escaped.as_str()),
            "{what}: no testcase {name}"
        );
    }
    let root = r.junit.lines().nth(1).unwrap();
    for (attr, member) in [
        ("tests", "cases"),
        ("failures", "non_conforming"),
        ("errors", "errors"),
        ("skipped", "skipped"),
    ] {
        assert!(
            root.contains(&format!("{attr}=\"{}\"", summary[member])),
            "{what}: {root} vs {summary}"
        );
    }
    // Markdown: the matrix as a table, and the codes no case exercised.
    assert!(
        r.md.contains("| code | cases | status | envelope | type | code | field | message |"),
        "{what}:\n{}",
        r.md
    );
    // The codes no case exercised are listed, unless there are none.
    let unexercised = r.json["matrix"]["unexercised_codes"].as_array().unwrap();
    assert_eq!(
        r.md.contains("### Codes no case exercised"),
        !unexercised.is_empty(),
        "{}",
        r.md
    );
    // HTML: one self-contained file: no fetch of any kind.
    for needle in [
        "<link",
        " src=",
        "@import",
        "url(",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(
            !r.html.contains(needle),
            "{what}: the HTML report contains `{needle}`"
        );
    }
    assert!(r.html.contains("<table id=\"matrix\" class=\"grid\">"));
}

#[test]
fn a_conforming_run_writes_all_four_reports_and_each_validates() {
    let dir = temp_dir("reports-conforming");
    let output = bin().arg("run").args(all_formats(&dir)).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let r = read_reports(&dir);
    check_common(&r, "conforming");
    assert_eq!(r.json["summary"]["non_conforming"], 0);
    assert!(!r.junit.contains("<failure"));
    assert!(r.md.contains("✅ conforming"), "{}", r.md);
    assert!(!r.md.contains("Non-conforming cases"));
}

#[test]
fn a_violation_mode_shows_expected_vs_actual_in_every_report() {
    let dir = temp_dir("reports-violation");
    let output = bin()
        .args(["run", "--mock-violate", "status-500"])
        .args(all_formats(&dir))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let r = read_reports(&dir);
    check_common(&r, "violation");
    let failing = r.json["summary"]["non_conforming"].as_u64().unwrap();
    assert!(failing > 0);
    let case = r.json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "server_faults::unspecified_error")
        .unwrap();
    assert_eq!(case["outcome"], "non_conforming");
    assert_eq!(case["checks"]["status"]["verdict"], "fail");
    assert_eq!(case["checks"]["status"]["expected"], 520);
    assert_eq!(case["checks"]["status"]["actual"], 500);
    // JUnit: a failure per non-conforming case, its text giving expected and actual.
    assert_eq!(r.junit.matches("<failure ").count() as u64, failing);
    assert!(
        r.junit.contains("  expected: 520\n  actual:   500\n"),
        "{}",
        r.junit
    );
    assert!(r.junit.contains(r#"type="status""#));
    // Markdown: the list of non-conforming cases with expected vs actual, the failing row marked.
    assert!(
        r.md.contains(&format!("### Non-conforming cases ({failing})")),
        "{}",
        r.md
    );
    assert!(
        r.md.contains("  - status: expected 520, actual 500"),
        "{}",
        r.md
    );
    assert!(r.md.contains("| 500 ❌ | 2 | **0/2** ❌ |"), "{}", r.md);
    // The matrix's failing cell.
    let row = r.json["matrix"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["code"] == 500)
        .unwrap();
    assert_eq!(row["status"], "0/2");
    assert_eq!(row["cells"]["status"]["run"], 2);
    assert!(
        r.html
            .contains(r#"class="cell fail" data-row="500" data-check="status""#)
    );
}

#[test]
fn a_run_with_skipped_cases_reports_them_with_their_reasons() {
    use vspc_conformance::mock::{ADMIN_PASSWORD, MockConfig, MockConsole};
    // Against a console by URL, mock-only and mutating cases are skipped.
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let dir = temp_dir("reports-skipped");
    let output = bin()
        .args(["run", "--target", &mock.uri(), "--username", "admin"])
        // The mock takes any pace; a real console gets the modest default.
        .args(["--rps", "100000", "--concurrency", "32"])
        .env("VSPC_PASSWORD", ADMIN_PASSWORD)
        .args(all_formats(&dir))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let r = read_reports(&dir);
    check_common(&r, "skipped");
    let skipped = r.json["summary"]["skipped"].as_u64().unwrap();
    assert!(skipped > 0, "{}", r.json["summary"]);
    for case in r.json["cases"].as_array().unwrap() {
        if case["outcome"] == "skipped" {
            assert!(case["reason"].as_str().is_some_and(|r| !r.is_empty()));
            assert!(case["observed"].is_null());
        }
    }
    assert_eq!(
        r.junit.matches("<skipped message=\"").count() as u64,
        skipped
    );
    assert!(
        r.junit.contains("<skipped message=\"mock-only: "),
        "{}",
        r.junit
    );
    // Secrets stay out of every report, also against a console by URL.
    for report in [&r.junit, &r.md, &r.html, &r.json.to_string()] {
        assert!(!report.contains(ADMIN_PASSWORD));
    }
}

/// Reports of one in-process run whose cases end in every way: conforming, non-conforming,
/// skipped and error (a transport failure), rendered by each format.
#[test]
fn every_outcome_renders_in_every_format() {
    use std::sync::Arc;
    use vspc_conformance::case;
    use vspc_conformance::contract::Readings;
    use vspc_conformance::mock::{MockConfig, Violation};
    use vspc_conformance::report::Format;
    use vspc_conformance::report::matrix::Matrix;
    use vspc_conformance::report::record::{RunInfo, RunRecord};
    use vspc_conformance::run::{self, Outcome, RunOptions, Summary};
    use vspc_conformance::send::SendOptions;
    use vspc_conformance::target::{Auth, Target, TargetSpec};

    let text = r#"
[[case]]
name = "ok"
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "server_error"
request = { method = "GET", path = "/organizations/companies", headers = { X-Mock-Fault = "500" } }
expect = { code = 500 }
tags = ["mock-only"]

[[case]]
name = "needs_a_variable"
request = { method = "GET", path = "/organizations/companies/{noSuchVariable}" }
expect = { code = 404 }

[[case]]
name = "cut_off"
request = { method = "POST", path = "/organizations/companies", json = { name = "<Ünïcødé & \"quotes\">", password = "hunter2-in-a-body" } }
expect = { code = 400, property = "name" }
"#;
    let (cases, problems) = case::parse_cases(
        Path::new("cases/outcomes.toml"),
        text,
        "outcomes",
        ApiVersion::FALLBACK,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let reports = runtime.block_on(async {
        let spec = TargetSpec::EmbeddedMock(MockConfig {
            violation: Violation::parse("status-500"),
            ..MockConfig::default()
        });
        let target = Arc::new(
            Target::connect(
                spec,
                Auth::default(),
                &SendOptions::default(),
                Default::default(),
            )
            .await
            .unwrap(),
        );
        let mut counted = None;
        let reports = run::run(&target, &cases, &RunOptions::default(), |event| {
            if let run::Event::RunFinished { matrix, .. } = event {
                counted = Some(matrix.clone());
            }
        })
        .await;
        let given: Vec<Role> = target.roles.keys().copied().collect();
        (reports, counted, given)
    });
    let (mut reports, counted, given) = reports;
    assert_eq!(
        given.len(),
        16,
        "the mock has a user of every role of 3.6.1"
    );
    assert_eq!(
        counted,
        Some(Matrix::of_run(
            &reports,
            ApiVersion::FALLBACK,
            given.clone()
        )),
        "the matrix the runner counts as cases finish is the matrix of its reports"
    );
    // A transport failure, as the runner reports one: no exchange, no checks.
    reports[3].outcome = Outcome::Error("transport: connection reset by peer".into());
    reports[3].exchange = None;
    reports[3].checks.clear();
    let outcomes: Vec<&str> = reports.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        ["conforming", "non_conforming", "skipped", "error"]
    );

    let info = RunInfo {
        target: "embedded-mock".into(),
        api_version: "3.6.1".into(),
        readings: Readings::default(),
        partition: None,
        roles_given: given.clone(),
    };
    let summary = Summary::of(&reports);
    let matrix = Matrix::of_run(&reports, ApiVersion::FALLBACK, given.clone());
    assert!(matrix.operations.as_ref().is_some_and(|c| c.reached() > 0));
    let record = RunRecord::from_run(&info, &reports, summary, std::time::Duration::ZERO);
    assert_eq!(
        record.matrix(),
        matrix,
        "the matrix and the coverage counted from the record are the run's"
    );
    let dir = temp_dir("reports-outcomes");
    let mut rendered = Vec::new();
    for (format, name) in [
        (Format::Json, "report.json"),
        (Format::Junit, "report.xml"),
        (Format::Markdown, "report.md"),
        (Format::Html, "report.html"),
    ] {
        let body = format.render(&record, &matrix);
        std::fs::write(dir.join(name), &body).unwrap();
        assert!(
            !body.contains("hunter2-in-a-body"),
            "{name} leaks a body's password"
        );
        rendered.push(body);
    }
    let r = read_reports(&dir);
    check_common(&r, "every outcome");
    assert!(
        r.junit
            .contains(r#"<error message="transport: connection reset by peer" type="transport">"#)
    );
    assert!(
        r.junit.contains("<skipped message=\"unresolved variable"),
        "{}",
        r.junit
    );
    assert!(r.md.contains("### Not evaluated (1)"), "{}", r.md);
    assert!(r.md.contains("connection reset by peer"));
    // Text from cases and bodies is escaped in the markup formats.
    assert!(!r.html.contains("<Ünïcødé"));
    assert!(!r.junit.contains("<Ünïcødé"));
    // The JSON report reads back into the same record.
    let back = vspc_conformance::report::json::read(&rendered[0]).unwrap();
    assert_eq!(back, record);
}

/// The cases of `text`, a case file of group `group` at API 3.6.1.
fn cases_of(text: &str, group: &str) -> Vec<std::sync::Arc<vspc_conformance::case::Case>> {
    let file = PathBuf::from(format!("cases/{group}.toml"));
    let (cases, problems) =
        vspc_conformance::case::parse_cases(&file, text, group, ApiVersion::FALLBACK);
    assert!(problems.is_empty(), "{problems:?}");
    cases
}

/// Runs `cases` against a fresh embedded mock, showing every event to `on_event`.
fn run_on_mock(
    cases: Vec<std::sync::Arc<vspc_conformance::case::Case>>,
    options: &vspc_conformance::run::RunOptions,
    on_event: impl FnMut(vspc_conformance::run::Event<'_>),
) -> Vec<vspc_conformance::run::CaseReport> {
    use vspc_conformance::target::{Auth, Target, TargetSpec};
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let target = Target::connect(
            TargetSpec::EmbeddedMock(Default::default()),
            Auth::default(),
            &vspc_conformance::send::SendOptions::default(),
            Default::default(),
        )
        .await
        .unwrap();
        vspc_conformance::run::run(&std::sync::Arc::new(target), &cases, options, on_event).await
    })
}

/// The runner starts cases tagged `slow` before the others (their waits overlap the rest), and
/// still reports every case in case order.
#[test]
fn slow_cases_start_first_and_reports_keep_case_order() {
    use vspc_conformance::run::{Event, RunOptions};

    let text = r#"
[[case]]
name = "first"
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "second"
request = { method = "GET", path = "/organizations/resellers", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "last_but_slow"
tags = ["slow"]
request = { method = "GET", path = "/users", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }
"#;
    // One worker: the order cases start in is the runner's queue, nothing else.
    let options = RunOptions {
        concurrency: 1,
        ..RunOptions::default()
    };
    let mut started = Vec::new();
    let reports = run_on_mock(cases_of(text, "order"), &options, |event| {
        if let Event::CaseStarted(case) = event {
            started.push(case.name.clone());
        }
    });
    assert_eq!(
        started,
        ["order::last_but_slow", "order::first", "order::second"]
    );
    let names: Vec<&str> = reports.iter().map(|r| r.case.name.as_str()).collect();
    assert_eq!(
        names,
        ["order::first", "order::second", "order::last_but_slow"]
    );
}

/// A run shared out over several event loops (as against any target but the embedded mock, one
/// per core) reports exactly what a run on one loop reports: every case started once, finished
/// once, in case order, with the same verdicts; and `--rps` still spaces every request, whichever
/// loop sends it.
#[test]
fn several_event_loops_report_what_one_loop_reports() {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use vspc_conformance::case;
    use vspc_conformance::mock::{ADMIN_PASSWORD, MockConfig, MockConsole};
    use vspc_conformance::run::{self, Event, Outcome, RunOptions};
    use vspc_conformance::secret::Secret;
    use vspc_conformance::send::SendOptions;
    use vspc_conformance::target::{Auth, Target, TargetSpec};

    let text = r#"
[[sweep]]
name = "loops"
select = { collection = true }
request = { query = { offset = -1 } }
expect = { code = 400, type = "logical", parameter = "offset" }

[[case]]
name = "written"
request = { method = "GET", path = "/organizations/companies", query = { limit = 0 } }
expect = { code = 400, parameter = "limit" }
"#;
    let (cases, problems) = case::parse_cases(
        Path::new("cases/loops.toml"),
        text,
        "loops",
        ApiVersion::FALLBACK,
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert!(cases.len() > 100, "{} cases", cases.len());
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let run_on = |loops: usize, send: SendOptions, cases: Vec<Arc<case::Case>>| {
        runtime.block_on(async {
            let auth = Auth {
                username: Some("admin".into()),
                password: Some(Secret::new(ADMIN_PASSWORD)),
                ..Auth::default()
            };
            let target =
                Target::connect(TargetSpec::Remote(mock.uri()), auth, &send, BTreeMap::new())
                    .await
                    .unwrap();
            assert!(!target.is_embedded_mock());
            let options = RunOptions {
                concurrency: 8,
                event_loops: Some(loops),
                ..RunOptions::default()
            };
            let (mut started, mut finished) = (BTreeMap::new(), BTreeMap::new());
            let began = Instant::now();
            let reports = run::run(&Arc::new(target), &cases, &options, |event| match event {
                Event::CaseStarted(case) => *started.entry(case.name.clone()).or_insert(0) += 1,
                Event::CaseFinished(report) => {
                    *finished.entry(report.case.name.clone()).or_insert(0) += 1
                }
                _ => {}
            })
            .await;
            (reports, started, finished, began.elapsed())
        })
    };
    let verdicts = |reports: &[run::CaseReport]| -> Vec<(String, Outcome, Option<u16>)> {
        reports
            .iter()
            .map(|r| {
                let status = r.exchange.as_ref().map(|e| e.status);
                (r.case.name.clone(), r.outcome.clone(), status)
            })
            .collect()
    };
    let (one, ..) = run_on(1, SendOptions::default(), cases.clone());
    let (three, started, finished, _) = run_on(3, SendOptions::default(), cases.clone());
    assert_eq!(verdicts(&three), verdicts(&one));
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let reported: Vec<&str> = three.iter().map(|r| r.case.name.as_str()).collect();
    assert_eq!(reported, names, "reports in case order");
    assert!(three.iter().all(|r| r.outcome == Outcome::Conforming));
    assert_eq!(started.len(), cases.len());
    assert!(started.values().chain(finished.values()).all(|n| *n == 1));
    assert_eq!(started, finished);

    // 40 cases at 200 requests per second over three loops: evenly spaced, they take at least
    // 39 intervals (the login before them takes a slot too).
    let paced = SendOptions {
        rps: Some(200.0),
        ..SendOptions::default()
    };
    let (reports, _, _, took) = run_on(3, paced, cases[..40].to_vec());
    assert!(reports.iter().all(|r| r.outcome == Outcome::Conforming));
    assert!(
        took >= Duration::from_secs_f64(39.0 / 200.0),
        "40 requests at 200/s took {took:?}"
    );
}

/// A run that keeps only the cases its end names (the terminal's case, `Keep::Named`) counts
/// every case as one that keeps them all: the same summary and matrix, the same reports but the
/// conforming ones.
#[test]
fn a_run_keeping_only_the_named_cases_counts_every_case() {
    use vspc_conformance::report::matrix::Matrix;
    use vspc_conformance::run::{Event, Keep, RunOptions, Summary};

    let text = r#"
[[case]]
name = "conforms"
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "expects_another_code"
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 401 }

[[case]]
name = "conforms_too"
request = { method = "GET", path = "/organizations/companies", query = { limit = -1 } }
expect = { code = 400, parameter = "limit" }

[[case]]
name = "needs_a_variable"
request = { method = "GET", path = "/organizations/companies/{noSuchVariable}" }
expect = { code = 404 }
"#;
    let cases = cases_of(text, "keep");
    let run = |keep: Keep| -> (Vec<String>, Option<(Summary, Matrix, usize)>) {
        let options = RunOptions {
            keep,
            ..RunOptions::default()
        };
        let mut finished = None;
        let reports = run_on_mock(cases.clone(), &options, |event| {
            if let Event::RunFinished {
                summary,
                matrix,
                reports,
                ..
            } = event
            {
                finished = Some((summary, matrix.clone(), reports.len()));
            }
        });
        let names = reports.iter().map(|r| r.case.name.clone()).collect();
        (names, finished)
    };
    let (every, every_end) = run(Keep::Every);
    let (named, named_end) = run(Keep::Named);
    assert_eq!(
        every,
        [
            "keep::conforms",
            "keep::expects_another_code",
            "keep::conforms_too",
            "keep::needs_a_variable"
        ]
    );
    assert_eq!(
        named,
        ["keep::expects_another_code", "keep::needs_a_variable"]
    );
    let (every_end, named_end) = (every_end.unwrap(), named_end.unwrap());
    assert_eq!(
        (every_end.2, named_end.2),
        (4, 2),
        "RunFinished holds the kept reports"
    );
    assert_eq!(named_end.0, every_end.0, "the summary counts every case");
    assert_eq!(
        (
            named_end.0.cases,
            named_end.0.conforming,
            named_end.0.non_conforming,
            named_end.0.skipped
        ),
        (4, 2, 1, 1)
    );
    assert_eq!(named_end.1, every_end.1, "the matrix counts every case");
}
