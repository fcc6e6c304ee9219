//! The README and the book (docs/src/) are part of the interface: the README must show the two
//! commands a new user needs, the book must document every violation mode the mock has, show the
//! example configuration as it is and lay out the tree as it is, and both must count the shipped
//! cases as they load. tests/book.rs builds the book and checks its commands and links.

use vspc_conformance::contract::ApiVersion;
use vspc_conformance::mock::Violation;

fn read(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn readme() -> String {
    read("README.md")
}

/// The book's chapter that holds the violation modes.
const VIOLATIONS: &str = "docs/src/violations.md";
/// The book's chapter that holds the staging configuration.
const STAGING: &str = "docs/src/staging.md";
/// The book's chapter that holds the case format and the sweep rules.
const CASES: &str = "docs/src/cases.md";
/// The book's chapter that opens with the quick start.
const INTRODUCTION: &str = "docs/src/introduction.md";
/// The book's chapter that holds the layout of the tree.
const LAYOUT: &str = "docs/src/layout.md";

#[test]
fn the_readme_shows_the_main_job_and_the_test_command() {
    let text = readme();
    assert!(text.contains("cargo run --release -- run"));
    assert!(text.contains("cargo test"));
}

#[test]
fn the_book_documents_every_violation_mode_with_its_check() {
    let text = read(VIOLATIONS);
    for mode in Violation::ALL {
        let row = format!("| `{}` | {} |", mode.name(), mode.check());
        assert!(text.contains(&row), "{VIOLATIONS} lacks the row {row}");
    }
}

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/docs/vspc-conformance.example.toml"
);

#[test]
fn the_book_shows_the_example_configuration_as_it_is() {
    let example = std::fs::read_to_string(EXAMPLE).unwrap();
    assert!(
        read(STAGING).contains(&format!("```toml\n{example}```")),
        "the staging configuration of {STAGING} differs from docs/vspc-conformance.example.toml"
    );
}

/// The example, copied as a user would and pointed at the mock served like a staging console
/// (HTTPS with its own certificate as `staging-ca.pem`), runs: its tokens come from the
/// variables it names, its discovery rules find their resources, its pacing holds.
#[test]
fn the_example_configuration_runs_against_a_console_like_staging() {
    use vspc_conformance::mock::{ADMIN_PASSWORD, ADMIN_USERNAME, MockConfig, MockConsole};
    use vspc_conformance::send::{SendOptions, Sender};
    use vspc_conformance::target::Secret;
    use vspc_conformance::token::login;

    let mock = MockConsole::start(MockConfig {
        tls: true,
        ..MockConfig::default()
    })
    .unwrap();
    let dir = std::env::temp_dir().join(format!("vspc-example-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::fs::read_to_string(EXAMPLE).unwrap();
    // The example's console and resources, swapped for the mock's.
    let vars = mock.variables();
    let mut config = example.clone();
    for (theirs, ours) in [
        ("https://vspc-staging.example.com:1280", mock.uri()),
        ("okta-staging", vars["identityProviderName"].clone()),
        (
            "6a1f0e2d-3c4b-4a59-8e7f-1d2c3b4a5f6e",
            vars["outdatedVOneServerUid"].clone(),
        ),
    ] {
        assert!(config.contains(theirs), "the example has {theirs}");
        config = config.replace(theirs, &ours);
    }
    std::fs::write(dir.join("vspc-conformance.toml"), config).unwrap();
    std::fs::write(dir.join("staging-ca.pem"), mock.ca_pem().unwrap()).unwrap();
    std::os::unix::fs::symlink(
        concat!(env!("CARGO_MANIFEST_DIR"), "/cases"),
        dir.join("cases"),
    )
    .unwrap();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (token, read_only) = runtime.block_on(async {
        let options = SendOptions {
            ca_cert: mock.ca_pem().map(|pem| pem.as_bytes().to_vec()),
            ..SendOptions::default()
        };
        let sender = Sender::new(&mock.uri(), &options).unwrap();
        let password = Secret::new(ADMIN_PASSWORD);
        let mut tokens = Vec::new();
        for read_only in [false, true] {
            let session = login(&sender, ADMIN_USERNAME, &password, read_only)
                .await
                .unwrap();
            tokens.push(session.current(&sender).await.unwrap().expose().to_string());
        }
        (tokens[0].clone(), tokens[1].clone())
    });
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_vspc-conformance"))
            .current_dir(&dir)
            .arg("run")
            .args(["--color", "never"])
            .args(args)
            .env_remove("VSPC_TARGET")
            .env("VSPC_STAGING_TOKEN", &token)
            .env("VSPC_STAGING_READONLY_TOKEN", &read_only)
            .output()
            .unwrap();
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!shown.contains(&token) && !shown.contains(&read_only));
        (output.status.code(), shown)
    };

    let (code, shown) = run(&["--dry-run"]);
    assert_eq!(code, Some(0), "{shown}");
    for line in [
        "discover GET /api/v3/organizations?limit=1  ({organizationUid} at /data/0/instanceUid)",
        "discover GET /api/v3/infrastructure/backupServers?limit=1  ({backupServerUid} at /data/0/instanceUid)",
    ] {
        assert!(shown.contains(line), "{shown}");
    }
    assert!(shown.contains(", at most 10 per second;"), "{shown}");

    // The variables the file gives and the ones it discovers are used; the skips say why.
    let (code, shown) = run(&[
        "identity_providers::missing_identity_provider",
        "identity_providers::identity_provider_name_check",
        "outdated_veeam_one",
        "pagination",
        "--verbose",
    ]);
    assert_eq!(code, Some(0), "{shown}");
    for uses in [
        "identity_providers::missing_identity_provider",
        "identity_providers::identity_provider_name_check",
        "infrastructure::data_collection_from_an_outdated_veeam_one",
    ] {
        assert!(
            shown.contains(&format!("conforming {uses}")),
            "{uses}:\n{shown}"
        );
    }
    assert!(
        shown.contains(&format!("against {}", mock.uri())),
        "{shown}"
    );
    assert!(shown.contains(" 0 non-conforming, "), "{shown}");
    assert!(
        shown.contains("skipped infrastructure::alarm_options_of_an_outdated_veeam_one"),
        "{shown}"
    );
    assert!(
        shown.contains("mutating: changes the target; run with --allow-mutations to include it"),
        "{shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `1234567` as the README and the book write it: `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The counts the README and the book give of the shipped cases are the counts that load, so
/// adding a case or a rule without updating them fails here rather than misleading a reader.
#[test]
fn the_readme_counts_the_shipped_cases_as_they_load() {
    use std::collections::BTreeSet;
    use vspc_conformance::case::{self, Origin};

    let loaded = case::load(
        &[concat!(env!("CARGO_MANIFEST_DIR"), "/cases").into()],
        ApiVersion::FALLBACK,
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let rules: BTreeSet<&str> = loaded
        .cases
        .iter()
        .filter_map(|case| match &case.origin {
            Origin::Sweep { rule, .. } => Some(rule.as_ref()),
            _ => None,
        })
        .collect();
    let written = loaded
        .cases
        .iter()
        .filter(|case| case.origin == Origin::Written)
        .count();
    let generated = loaded.cases.len() - written;
    let run = format!("running {} cases against embedded-mock", loaded.cases.len());
    let that_is = format!(
        "That is {written} hand-written cases under `cases/` and {} generated by the {} sweep rules",
        thousands(generated),
        rules.len()
    );
    // Each claim in every file that makes it: the README's quick start, the book's (whole)
    // quick start, and the book's chapter on cases.
    for (file, claims) in [
        ("README.md", vec![run.clone(), that_is.clone()]),
        (INTRODUCTION, vec![run, that_is]),
        (
            CASES,
            vec![
                format!("The shipped hand-written cases ({written}, one file per area)"),
                format!(
                    "`cases/sweep.toml` ships {} rules, {} cases",
                    rules.len(),
                    thousands(generated)
                ),
            ],
        ),
    ] {
        // Line breaks as spaces: a claim may wrap anywhere in the file.
        let flowing = read(file).split_whitespace().collect::<Vec<_>>().join(" ");
        for claim in claims {
            let claim = claim.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flowing.contains(&claim), "{file} lacks: {claim}");
        }
    }
    let text = read(CASES);
    let areas = &text[text.find("The shipped hand-written cases (").unwrap()..];
    let areas = &areas[..areas.find("\n\n").unwrap()];
    for case in &loaded.cases {
        if case.origin == Origin::Written {
            let area = case.name.split("::").next().unwrap();
            assert!(
                areas.contains(&format!("`{area}`")),
                "the areas of {CASES} lack `{area}`"
            );
        }
    }
}

/// The block of the book's `# Layout` chapter.
fn layout() -> String {
    let text = read(LAYOUT);
    let start = text.find("# Layout").expect("a Layout section");
    let block = &text[start..];
    let open = block.find("```text\n").expect("a text block") + "```text\n".len();
    let close = block[open..].find("```").expect("a closed block");
    block[open..open + close].to_string()
}

#[test]
fn the_book_layout_names_every_module_and_test_target_and_nothing_gone() {
    let layout = layout();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Each line's first word is a path of the tree.
    for line in layout.lines() {
        let Some(path) = line
            .split_whitespace()
            .next()
            .filter(|_| !line.starts_with(' '))
        else {
            continue;
        };
        assert!(
            root.join(path).exists(),
            "the layout names `{path}`, which is not in the tree"
        );
    }
    // Every module of src/ has its line.
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let shown = if path.is_dir() {
            format!("src/{name}/")
        } else {
            format!("src/{name}")
        };
        // A module folder beside its file (contract.rs and contract/) is one module.
        let beside = path.is_dir() && root.join("src").join(format!("{name}.rs")).exists();
        assert!(
            beside || layout.lines().any(|l| l.starts_with(&format!("{shown} "))),
            "the layout has no line for {shown}"
        );
    }
    // Every file of the folders the layout details is named in it.
    for folder in ["cli", "case", "send", "check"] {
        for entry in std::fs::read_dir(root.join("src").join(folder)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().to_string();
            assert!(
                layout.contains(&name),
                "the layout does not name src/{folder}/{name}"
            );
        }
    }
    // Every test target is named.
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let target = path.extension().is_some_and(|e| e == "rs") || path.join("main.rs").exists();
        if target {
            assert!(
                layout.contains(&stem),
                "the layout does not name the test target `{stem}`"
            );
        }
    }
}
