//! Coverage per operation, in every format: the operations of the version under test that the
//! run's cases reached, with the codes they provoked and the checks that ran, and the ones no
//! case reached, by tag. (Merged shards give the single run's coverage: `tests/sharding.rs`
//! compares whole reports.)

mod common;

use common::{assert_valid_report, bin, read_json, temp_dir, text};
use serde_json::Value;

#[test]
fn every_report_says_which_operations_the_cases_reached() {
    let dir = temp_dir("coverage");
    let (json, md, html) = (dir.join("r.json"), dir.join("r.md"), dir.join("r.html"));
    let junit = dir.join("r.xml");
    let output = bin()
        .args(["run", "--color", "never", "pagination"])
        .args(["--report", &format!("json={}", json.display())])
        .args(["--report", &format!("md={}", md.display())])
        .args(["--report", &format!("html={}", html.display())])
        .args(["--report", &format!("junit={}", junit.display())])
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    let report = read_json(&json);
    assert_valid_report(&report, "coverage");
    let coverage = &report["coverage"];
    assert_eq!(coverage["version"], "3.6.1");
    assert_eq!(coverage["operations_total"], 942);
    let operations = coverage["operations"].as_array().unwrap();
    assert_eq!(operations.len(), 942);
    let reached: Vec<&Value> = operations.iter().filter(|o| o["cases"] != 0).collect();
    assert_eq!(coverage["operations_reached"], reached.len());
    assert!(
        shown.contains(&format!("; operations reached {}/942", reached.len())),
        "{shown}"
    );

    // Every reached operation is one a pagination case sent to, with what it provoked.
    let cases = report["cases"].as_array().unwrap();
    let sent: usize = reached
        .iter()
        .map(|o| o["cases"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(
        sent,
        cases.len(),
        "every pagination case reaches a catalogue operation"
    );
    let companies = reached
        .iter()
        .find(|o| o["method"] == "GET" && o["path"] == "/organizations/companies")
        .expect("GET /organizations/companies is reached");
    assert_eq!(companies["codes"], serde_json::json!(["400"]));
    assert_eq!(
        companies["checks"],
        serde_json::json!(["status", "envelope", "type", "code", "field", "message"])
    );
    assert!(
        reached
            .iter()
            .all(|o| o["codes"] == serde_json::json!(["400"]))
    );

    // The rest are listed by tag, and the lists add up.
    let unreached: usize = coverage["unreached"]
        .as_object()
        .unwrap()
        .values()
        .map(|ops| ops.as_array().unwrap().len())
        .sum();
    assert_eq!(unreached + reached.len(), 942);
    let listed = coverage["unreached"]["accounts"].as_array().unwrap();
    assert!(listed.iter().any(|op| op == "POST /users"), "{listed:?}");
    assert!(
        !listed.iter().any(|op| op == "GET /users"),
        "a pagination case reached it"
    );

    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(
        markdown.contains(&format!(
            "### Operations reached: {}/942 (API 3.6.1)",
            reached.len()
        )),
        "{markdown}"
    );
    assert!(markdown.contains("| about | 0/"), "{markdown}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains(&format!(
        "<property name=\"operations_reached\" value=\"{}/942\"/>",
        reached.len()
    )));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(&format!(
        "<section id=\"operations\">\n<h2>Operations reached: {}/942 (API 3.6.1)</h2>",
        reached.len()
    )));
    assert!(
        page.contains(
            "<tr class=\"reached\"><td class=\"value\">GET /organizations/companies</td>"
        )
    );
}
