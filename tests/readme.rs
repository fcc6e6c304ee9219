//! The README is part of the interface: it must show the two commands a new user needs and
//! document every violation mode the mock has.

use vspc_conformance::mock::Violation;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn the_readme_shows_the_main_job_and_the_test_command() {
    let text = readme();
    assert!(text.contains("cargo run --release -- run"));
    assert!(text.contains("cargo test"));
}

#[test]
fn the_readme_documents_every_violation_mode_with_its_check() {
    let text = readme();
    for mode in Violation::ALL {
        let row = format!("| `{}` | {} |", mode.name(), mode.check());
        assert!(text.contains(&row), "README lacks the row {row}");
    }
}
