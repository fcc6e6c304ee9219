//! Faults of the network and the server: each is a clear failure of its case, and the run goes
//! on. A small raw-TCP server misbehaves in one precise way per path.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use vspc_conformance::case::parse_cases;
use vspc_conformance::check::{Check, Verdict};
use vspc_conformance::contract::ApiVersion;
use vspc_conformance::run::{self, Outcome, RunOptions};
use vspc_conformance::send::SendOptions;
use vspc_conformance::target::{Auth, Secret, Target, TargetSpec};

const OFFSET: &str = r#"{"errors":[{"message":"Property value must be larger or equal to 0.","type":"logical","code":400,"parameterName":"offset"}]}"#;

/// Answers by path; `/about` (the harness's probe) and `/organizations/resellers` conform.
fn answer(path: &str, stream: &mut TcpStream) {
    let respond = |stream: &mut TcpStream, head: &str, body: &[u8]| {
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    let json = |status: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    match path.split('?').next().unwrap_or("") {
        "/api/v3/about" => respond(stream, &json("200 OK", r#"{"data":{}}"#), b""),
        "/api/v3/organizations/resellers" => respond(stream, &json("400 Bad Request", OFFSET), b""),
        // Accepts and never answers: the case times out.
        "/api/v3/organizations/companies" => std::thread::sleep(Duration::from_secs(5)),
        // Promises 1000 bytes, sends a few, hangs up.
        "/api/v3/users" => respond(
            stream,
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n",
            br#"{"errors":[{"mess"#,
        ),
        // Larger than the 1 MiB cap.
        "/api/v3/alarms/active" => {
            let body = vec![b' '; 2 << 20];
            let head = format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            respond(stream, &head, &body);
        }
        // A conforming envelope with a 20,000-character message.
        "/api/v3/infrastructure/sites" => {
            let body = OFFSET.replace("larger or equal to 0.", &"long ".repeat(4000));
            respond(stream, &json("400 Bad Request", &body), b"");
        }
        // Not JSON at all.
        "/api/v3/organizations/locations" => respond(
            stream,
            "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 11\r\nconnection: close\r\n\r\n",
            b"Bad Request",
        ),
        // Sends the client (and its credentials) elsewhere.
        "/api/v3/infrastructure/backupAgents" => respond(
            stream,
            "HTTP/1.1 302 Found\r\nlocation: http://elsewhere.invalid/api/v3/infrastructure/backupAgents\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            b"",
        ),
        _ => respond(
            stream,
            &json(
                "404 Not Found",
                r#"{"errors":[{"message":"x","type":"logical","code":404}]}"#,
            ),
            b"",
        ),
    }
}

/// Serves until `stop` is set; then the port refuses connections.
fn misbehaving_server(stop: Arc<AtomicBool>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break; // dropping the listener closes the port
            }
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                    head.push(byte[0]);
                }
                let line = String::from_utf8_lossy(&head);
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                answer(&path, &mut stream);
            });
        }
    });
    addr
}

const CASES: &str = r#"
[[case]]
name = "conforming"
request = { method = "GET", path = "/organizations/resellers", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "never_answers"
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "closes_mid_body"
request = { method = "GET", path = "/users", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "body_over_the_cap"
request = { method = "GET", path = "/alarms/active", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "not_json"
request = { method = "GET", path = "/organizations/locations", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "large_conforming_body"
request = { method = "GET", path = "/infrastructure/sites", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "redirect"
request = { method = "GET", path = "/infrastructure/backupAgents", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }
"#;

fn reason(reports: &[run::CaseReport], name: &str) -> Outcome {
    reports
        .iter()
        .find(|r| r.case.name == format!("faults::{name}"))
        .unwrap()
        .outcome
        .clone()
}

fn error_containing(outcome: Outcome, needle: &str) {
    match outcome {
        Outcome::Error(reason) => assert!(reason.contains(needle), "`{reason}` lacks `{needle}`"),
        other => panic!("expected a transport error containing `{needle}`, got {other:?}"),
    }
}

#[test]
fn every_fault_fails_its_own_case_clearly_and_the_run_goes_on() {
    let stop = Arc::new(AtomicBool::new(false));
    let addr = misbehaving_server(stop.clone());
    let (cases, problems) = parse_cases(
        Path::new("cases/faults.toml"),
        CASES,
        "faults",
        ApiVersion::FALLBACK,
    );
    assert!(problems.is_empty(), "{problems:?}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let options = SendOptions {
        timeout: Duration::from_millis(800),
        ..SendOptions::default()
    };
    let auth = Auth {
        token: Some(Secret::new("a-token")),
        ..Auth::default()
    };
    let target = runtime
        .block_on(Target::connect(
            TargetSpec::Remote(format!("http://{addr}")),
            auth,
            &options,
            BTreeMap::new(),
        ))
        .unwrap();
    let target = Arc::new(target);
    let reports = runtime.block_on(run::run(&target, &cases, &RunOptions::default(), |_| {}));
    assert_eq!(reports.len(), 7, "every case has an outcome");
    assert_eq!(reason(&reports, "conforming"), Outcome::Conforming);
    // A conforming case's body is checked whole, then held only as far as reports show it.
    let large = reports
        .iter()
        .find(|r| r.case.name == "faults::large_conforming_body")
        .unwrap();
    assert_eq!(large.outcome, Outcome::Conforming, "{:?}", large.checks);
    let held = &large.exchange.as_ref().unwrap().body;
    assert_eq!(held.len(), run::HELD_BODY + "…".len());
    assert!(held.ends_with("…".as_bytes()));
    error_containing(reason(&reports, "never_answers"), "no answer within 800ms");
    error_containing(reason(&reports, "closes_mid_body"), "the answer broke off");
    error_containing(
        reason(&reports, "body_over_the_cap"),
        "larger than the 1024 KiB cap",
    );
    error_containing(
        reason(&reports, "redirect"),
        "redirected (302) to http://elsewhere.invalid",
    );
    // A body that is not JSON is the contract broken, not the network: the envelope check says so.
    let not_json = reports
        .iter()
        .find(|r| r.case.name == "faults::not_json")
        .unwrap();
    assert_eq!(not_json.outcome, Outcome::NonConforming);
    let envelope = not_json
        .checks
        .iter()
        .find(|c| c.check == Check::Envelope)
        .unwrap();
    assert_eq!(envelope.verdict, Verdict::Fail);
    assert!(
        envelope
            .note
            .as_deref()
            .unwrap_or("")
            .contains("the body is not JSON: `Bad Request`"),
        "{envelope:?}"
    );

    // The console goes away mid-run: the next cases fail to connect, each on its own.
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(addr); // wakes the accept loop so it sees `stop`
    std::thread::sleep(Duration::from_millis(100));
    let again = runtime.block_on(run::run(
        &target,
        &cases[..1],
        &RunOptions::default(),
        |_| {},
    ));
    error_containing(
        reason(&again, "conforming"),
        &format!("connection to http://{addr} failed"),
    );
}

#[test]
fn the_command_reports_transport_failures_per_case_and_exits_1() {
    let stop = Arc::new(AtomicBool::new(false));
    let addr = misbehaving_server(stop);
    let dir = std::env::temp_dir().join(format!("vspc-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("faults.toml"), CASES).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_vspc-conformance"))
        .args(["run", "--cases"])
        .arg(dir.join("faults.toml"))
        .args([
            "--target",
            &format!("http://{addr}"),
            "--token",
            "a-token",
            "--timeout",
            "1",
            "--rps",
            "1000",
        ])
        .env_remove("VSPC_TARGET")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let shown = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains("ERROR faults::never_answers"), "{shown}");
    assert!(shown.contains("ERROR faults::redirect"), "{shown}");
    assert!(
        shown.contains(
            "7 cases: 2 conforming, 1 non-conforming, 0 inconclusive, 0 skipped, 4 errors"
        ),
        "{shown}"
    );
    assert!(!shown.contains("a-token"));
}
