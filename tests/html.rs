//! The HTML report as a person sees it, in headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs): the grid, the failing cell after a run against
//! a violation mode, the cell's cases after a click, a case's request and observed response
//! after another, and the filters. Driven through chromedriver's WebDriver HTTP API with a
//! dozen lines of std networking below (no browser-automation crate).
//!
//! Skips with a message only when `chromium` is missing and `CI` is unset; under `CI=true` a
//! missing browser fails the test. `VSPC_UPDATE_SCREENSHOT=1` also writes `docs/report.png`,
//! the screenshot the README shows.

mod common;

use common::{bin, temp_dir, text, tool_or_skip, under_ci, which};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TEST: &str = "the_html_report_shows_the_grid_a_failing_cell_and_a_case";

/// The flags every Chromium here starts with: no network of its own, no first-run work.
fn chromium_flags(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1400,1000",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// chromedriver, started on a free port, killed on drop.
struct Driver {
    child: Child,
    port: u16,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange with chromedriver on loopback; the `value` of its JSON answer.
fn http(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    // chromedriver keeps connections open: read the head, then exactly the body it announces.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let complete = |raw: &[u8]| -> Option<(String, String)> {
        let text = String::from_utf8_lossy(raw);
        let (head, payload) = text.split_once("\r\n\r\n")?;
        let head = head.to_ascii_lowercase();
        let length = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            (name.trim() == "content-length").then(|| value.trim().parse::<usize>().ok())?
        });
        let done = match length {
            Some(n) => payload.len() >= n,
            None if head.contains("transfer-encoding: chunked")
                || head.contains("transfer-encoding:chunked") =>
            {
                payload.ends_with("0\r\n\r\n")
            }
            None => false,
        };
        done.then(|| (head.clone(), payload.to_string()))
    };
    let (head, mut payload) = loop {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        raw.extend_from_slice(&buf[..n]);
        if let Some(done) = complete(&raw) {
            break done;
        }
        if n == 0 {
            let text = String::from_utf8_lossy(&raw);
            let (head, payload) = text.split_once("\r\n\r\n").ok_or("no HTTP answer")?;
            break (head.to_ascii_lowercase(), payload.to_string());
        }
    };
    if head.contains("transfer-encoding: chunked") || head.contains("transfer-encoding:chunked") {
        let mut decoded = String::new();
        let mut rest = payload.as_str();
        while let Some((size, after)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).map_err(|e| e.to_string())?;
            if size == 0 {
                break;
            }
            decoded.push_str(&after[..size]);
            rest = &after[size + 2..];
        }
        payload = decoded;
    }
    let answer: Value = serde_json::from_str(&payload).map_err(|e| format!("{e}: {payload}"))?;
    if let Some(error) = answer["value"].get("error") {
        return Err(format!(
            "{method} {path}: {error}: {}",
            answer["value"]["message"]
        ));
    }
    Ok(answer["value"].clone())
}

impl Driver {
    fn start(chromedriver: &Path, chromium: &Path, profile: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut driver = Driver {
            child,
            port,
            session: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(port, "GET", "/status", None).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer in 20 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "goog:chromeOptions": {"binary": chromium, "args": chromium_flags(profile)}
        }}});
        let session = http(port, "POST", "/session", Some(capabilities)).expect("a session");
        driver.session = session["sessionId"].as_str().unwrap().to_string();
        driver
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        http(self.port, method, &path, body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn open(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let found = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e.as_object()
                    .and_then(|o| o.values().next())
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    fn find(&self, css: &str) -> String {
        let all = self.find_all(css);
        assert_eq!(
            all.len(),
            1,
            "expected one element for `{css}`, found {}",
            all.len()
        );
        all[0].clone()
    }

    /// The element's rendered text: what a person reads.
    fn text(&self, css: &str) -> String {
        let id = self.find(css);
        self.call("GET", &format!("/element/{id}/text"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn texts(&self, css: &str) -> Vec<String> {
        self.find_all(css)
            .iter()
            .map(|id| {
                let shown = self.call("GET", &format!("/element/{id}/displayed"), None);
                let text = self.call("GET", &format!("/element/{id}/text"), None);
                (shown, text)
            })
            .filter(|(shown, _)| shown == &json!(true))
            .map(|(_, t)| t.as_str().unwrap().to_string())
            .collect()
    }

    fn displayed(&self, css: &str) -> bool {
        let id = self.find(css);
        self.call("GET", &format!("/element/{id}/displayed"), None) == json!(true)
    }

    fn css(&self, css: &str, property: &str) -> String {
        let id = self.find(css);
        self.call("GET", &format!("/element/{id}/css/{property}"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.call("POST", &format!("/element/{id}/click"), Some(json!({})));
    }

    fn screenshot(&self) -> Vec<u8> {
        decode_base64(self.call("GET", "/screenshot", None).as_str().unwrap())
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| *c != b'=' && !c.is_ascii_whitespace())
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n =
            chunk.iter().fold(0u32, |acc, d| (acc << 6) | u32::from(*d)) << (6 * (4 - chunk.len()));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

/// A run against the mock bent by `status-500`, its HTML report written to `dir`.
/// An HTML report of a run against a violation mode, and the same run's JSON report, which
/// says what each cell of the grid must read.
fn violation_report(dir: &Path) -> (PathBuf, serde_json::Value) {
    violation_report_of(dir, "status-500")
}

fn violation_report_of(dir: &Path, mode: &str) -> (PathBuf, serde_json::Value) {
    let report = dir.join("report.html");
    let json = dir.join("report.json");
    let output = bin()
        .args(["run", "--mock-violate", mode, "--report"])
        .arg(format!("html={}", report.display()))
        .arg("--report")
        .arg(format!("json={}", json.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let json = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    (report, json)
}

/// The text of a matrix cell in the JSON report: row `code`, column `check`.
fn cell(json: &serde_json::Value, code: u64, check: &str) -> String {
    let rows = json["matrix"]["rows"].as_array().unwrap();
    let row = rows.iter().find(|r| r["code"] == code).unwrap();
    row[check].as_str().unwrap().to_string()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[test]
fn the_html_report_shows_the_grid_a_failing_cell_and_a_case() {
    let Some(chromium) = tool_or_skip("chromium", TEST, "apt-get install chromium chromium-driver")
    else {
        return;
    };
    let dir = temp_dir("html");
    let (report, json) = violation_report(&dir);
    let Some(chromedriver) = which("chromedriver") else {
        assert!(
            !under_ci(),
            "{TEST}: chromedriver is not installed and CI is set; install chromium-driver (.ci/run does)"
        );
        eprintln!(
            "{TEST}: chromedriver is missing (apt-get install chromium-driver); checking the rendered page without clicks"
        );
        return dump_dom_only(&chromium, &report, &dir);
    };
    let driver = Driver::start(&chromedriver, &chromium, &dir.join("profile"));
    driver.open(&file_url(&report));

    // The grid: every code of the catalogue, the OAuth2 row and the admitted row, six checks.
    assert_eq!(driver.find_all("#matrix tbody tr").len(), 55);
    let header = driver.text("#matrix thead");
    assert!(
        header.contains("status envelope type code field message"),
        "{header}"
    );
    let passing = r#"td.cell[data-row="400"][data-check="status"]"#;
    let expected = cell(&json, 400, "status");
    assert!(
        expected.split('/').next() == expected.split('/').nth(1),
        "400 passes: {expected}"
    );
    assert_eq!(driver.text(passing), expected);
    assert_eq!(
        driver.css(passing, "background-color"),
        "rgba(200, 230, 201, 1)"
    );
    // The failing cell, red, after a run against a violation mode.
    let failing = r#"td.cell[data-row="500"][data-check="status"]"#;
    let expected = cell(&json, 500, "status");
    assert!(
        expected.starts_with("0/"),
        "every 500 case fails its status: {expected}"
    );
    assert_eq!(driver.text(failing), expected);
    assert_eq!(
        driver.css(failing, "background-color"),
        "rgba(239, 154, 154, 1)"
    );
    assert!(driver.text("header").contains("not conforming"));
    assert_eq!(driver.text("#cases-title"), "All cases");
    assert!(!driver.displayed("#case-detail"));

    // Click the failing cell: its cases, failing first.
    driver.click(failing);
    assert_eq!(driver.text("#cases-title"), "Cases of 500 × status");
    let listed = driver.texts("#case-list li");
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|t| t.contains("status: fail")),
        "{listed:?}"
    );
    assert!(
        listed[0].contains("server_faults::unspecified_error"),
        "{listed:?}"
    );

    // Click a case: its request, the observed response and the verdicts.
    driver.click(r#"#case-list li[data-name="server_faults::unspecified_error"]"#);
    assert!(driver.displayed("#case-detail"));
    let request = driver.text("#case-detail pre.request");
    assert!(
        request.contains("GET /organizations/companies"),
        "{request}"
    );
    assert!(request.contains("X-Mock-Fault: 500"), "{request}");
    let observed = driver.text("#case-detail pre.observed");
    assert!(observed.starts_with("HTTP 500"), "{observed}");
    assert!(observed.contains("\"code\": 500"), "{observed}");
    let status = driver.text(r#"#case-detail tr[data-check="status"]"#);
    assert!(
        status.contains("fail") && status.contains("520") && status.contains("500"),
        "{status}"
    );
    std::fs::write(dir.join("report.png"), driver.screenshot()).unwrap();
    if std::env::var_os("VSPC_UPDATE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(dir.join("report.png"), docs.join("report.png")).unwrap();
    }

    // Filters: verdict `pass` empties this cell's list; over all cells, a tag narrows it.
    driver.click(r#"#filter-verdict option[value="pass"]"#);
    assert!(driver.texts("#case-list li").is_empty());
    assert!(driver.text("#case-count").starts_with("0 of "));
    driver.click("#show-all");
    assert_eq!(driver.text("#cases-title"), "All cases");
    driver.click(r#"#filter-tag option[value="pagination"]"#);
    let pagination = driver.texts("#case-list li .name");
    assert!(!pagination.is_empty());
    assert!(
        pagination.iter().all(|n| n.starts_with("pagination::")),
        "{pagination:?}"
    );
    driver.click(r#"#filter-outcome option[value="non_conforming"]"#);
    assert!(
        driver.texts("#case-list li").is_empty(),
        "no pagination case failed"
    );
    driver.click(r#"#filter-tag option[value=""]"#);
    let failing_cases = driver.texts("#case-list li .name");
    assert!(failing_cases.contains(&"server_faults::unspecified_error".to_string()));

    // A link to a cell and a case opens the same view.
    driver.open(&format!(
        "{}#cell=1001/status&case=json_patch::patch_failed_test",
        file_url(&report)
    ));
    assert_eq!(driver.text("#cases-title"), "Cases of 1001 × status");
    assert!(
        driver
            .text("#case-detail h3")
            .contains("json_patch::patch_failed_test")
    );
}

/// Without chromedriver: the page Chromium renders for a link to a cell and a case.
#[test]
fn the_html_report_shows_a_role_let_through_in_red() {
    let Some(chromium) = tool_or_skip("chromium", TEST, "apt-get install chromium chromium-driver")
    else {
        return;
    };
    let dir = temp_dir("html-roles");
    let (report, json) = violation_report_of(&dir, "roles-unchecked");
    let Some(chromedriver) = which("chromedriver") else {
        assert!(
            !under_ci(),
            "{TEST}: chromedriver is not installed and CI is set"
        );
        return;
    };
    let driver = Driver::start(&chromedriver, &chromium, &dir.join("profile"));
    driver.open(&file_url(&report));

    // One row per role of the version; the JSON's matrix says which roles were let through.
    let rows = json["coverage"]["roles"]["matrix"].as_array().unwrap();
    assert_eq!(driver.find_all("#roles-matrix tbody tr").len(), rows.len());
    let through = rows
        .iter()
        .find(|r| r["let_through"].as_u64().unwrap() > 0)
        .expect("with every role admitted everywhere, some role is let through");
    let role = through["role"].as_str().unwrap();
    let all = format!(r#"#roles-matrix tr[data-role="{role}"] td.cell:first-of-type"#);
    assert_eq!(
        driver.css(&all, "background-color"),
        "rgba(239, 154, 154, 1)",
        "{role}'s cell is red"
    );
    assert!(driver.text("#roles").contains("16 given"));
}

fn dump_dom_only(chromium: &Path, report: &Path, dir: &Path) {
    let url = format!(
        "{}#cell=500/status&case=server_faults::unspecified_error",
        file_url(report)
    );
    let output = Command::new(chromium)
        .args(chromium_flags(&dir.join("profile-dump")))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        dom.contains(r#"class="cell fail selected" data-row="500" data-check="status""#),
        "{dom}"
    );
    assert!(dom.contains("Cases of 500 × status"));
    assert!(dom.contains("X-Mock-Fault: 500"));
    assert!(dom.contains("HTTP 500"));
}
