//! The table of the choices the contract leaves open and how each personality of the mock
//! makes them, `docs/mock-choices.md`, is rendered from the mock's own data ([`Choice::ALL`]),
//! so it cannot drift: this test fails when the committed file differs. Regenerate it with
//! `UPDATE_DOCS=1 cargo test --test mock_choices`.

use std::path::Path;
use vspc_conformance::mock::{Choice, Personality};

const DOC: &str = "docs/mock-choices.md";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn render() -> String {
    let mut out = String::from(
        "# The choices the contract leaves open, and how the mock console makes them\n\
         \n\
         <!-- Generated from `vspc_conformance::mock::Choice::ALL` by tests/mock_choices.rs; do not edit.\n\
         \x20    Regenerate with `UPDATE_DOCS=1 cargo test --test mock_choices`. -->\n\
         \n\
         The embedded mock console has two personalities (`MockConfig::personality`, `mock --variant`,\n\
         `run --mock-variant`, `VSPC_MOCK_VARIANT` for `tests/conformance.rs`). Wherever the contract\n\
         (`CONTRACT.md`) leaves a choice open, *standard* makes it one way and *alternative* the other;\n\
         both keep every stated rule: the status rule (400..=499 verbatim, everything else 520), the\n\
         envelope `{\"errors\":[{message,type,code,...}]}`, `parameterName` or `propertyName` (never both)\n\
         on 400, a 404 that names what is missing, 429 `transport`, the OAuth2 shape with 400 on\n\
         `POST /token`, 401 without a valid token, 403 for a read-only token on anything but GET.\n\
         A case that passes against one personality and fails against the other leans on a reading\n\
         the contract does not state.\n\
         \n\
         | choice | standard | alternative | why the contract leaves it open |\n\
         |---|---|---|---|\n",
    );
    for choice in Choice::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            choice.name(),
            cell(choice.standard()),
            cell(choice.alternative()),
            cell(choice.why())
        ));
    }
    out
}

#[test]
fn the_committed_choice_table_is_the_mocks() {
    let rendered = render();
    let path = root().join(DOC);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create docs/");
        }
        std::fs::write(&path, &rendered).expect("write the choice table");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "{DOC} differs from the mock's choices: run `UPDATE_DOCS=1 cargo test --test mock_choices` and commit it"
    );
}

#[test]
fn the_mock_module_doc_points_to_the_table() {
    let doc = std::fs::read_to_string(root().join("src/mock/mod.rs")).expect("src/mock/mod.rs");
    assert!(doc.contains(DOC), "src/mock/mod.rs does not point to {DOC}");
    assert!(doc.contains("Personality::Alternative"));
}

#[test]
fn only_the_alternative_picks_and_it_picks_every_choice() {
    for choice in Choice::ALL {
        assert!(!Personality::Standard.picks(choice), "{choice}");
        assert!(Personality::Alternative.picks(choice), "{choice}");
    }
}
