//! The crate as `cargo package` makes it: everything the build reads is in it (every file a
//! source compiles in with `include_str!` or `include_bytes!`, the licenses the manifest names,
//! the README), and what only the repository needs (the tests and their snapshots, the book,
//! the benches) is not. `.ci/run` makes the package itself (`cargo package --no-verify`).

mod common;

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files `cargo package` would put in the crate, relative to the root.
fn packaged() -> BTreeSet<String> {
    let output = common::cargo()
        .args(["package", "--list", "--allow-dirty", "--locked", "--quiet"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo package --list failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// `a/b/../c` as `a/c`.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// Every file a source of `src/` compiles in, relative to the root: the literal path of each
/// `include_str!`/`include_bytes!`, relative to the file that names it, or to the root when it
/// is joined to `CARGO_MANIFEST_DIR`.
fn compiled_in() -> BTreeSet<String> {
    let include = regex::Regex::new(
        r#"include_(?:str|bytes)!\(\s*(concat!\(\s*env!\(\s*"CARGO_MANIFEST_DIR"\s*\)\s*,\s*)?"([^"]+)""#,
    )
    .unwrap();
    let mut found = BTreeSet::new();
    let mut pending = vec![root().join("src")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for captures in include.captures_iter(&text) {
                let named = &captures[2];
                let base: PathBuf = if captures.get(1).is_some() {
                    root().to_path_buf()
                } else {
                    path.parent().unwrap().to_path_buf()
                };
                let file = base.join(named.trim_start_matches('/'));
                found.insert(normalize(file.strip_prefix(root()).unwrap()));
            }
        }
    }
    found
}

#[test]
fn the_package_holds_what_the_build_reads_and_not_the_repository() {
    let packaged = packaged();
    let compiled = compiled_in();
    assert!(
        compiled.iter().any(|f| f.starts_with("schemas/spec/")),
        "the include reader finds nothing: {compiled:?}"
    );
    // A folder named as a macro's prefix (`concat!(..., "/cases/", $file)`): its files are
    // packaged when the folder's are.
    let missing: Vec<&String> = compiled
        .difference(&packaged)
        .filter(|f| {
            !(root().join(f).is_dir() && packaged.iter().any(|p| p.starts_with(&format!("{f}/"))))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "compiled in but not packaged (Cargo.toml `include`): {missing:?}"
    );
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        assert!(packaged.contains(needed), "the package lacks {needed}");
    }
    for file in ["src/main.rs", "src/lib.rs"] {
        assert!(packaged.contains(file), "the package lacks {file}");
    }
    if root().join("build.rs").exists() {
        assert!(packaged.contains("build.rs"), "the package lacks build.rs");
    }
    // Every case file the repository ships is in it: the binary carries them.
    let cases: Vec<&String> = packaged
        .iter()
        .filter(|f| f.starts_with("cases/"))
        .collect();
    assert!(cases.len() > 10, "{cases:?}");
    let repository_only: Vec<&String> = packaged
        .iter()
        .filter(|f| {
            ["tests/", "docs/", "benches/", "target/", ".ci/"]
                .iter()
                .any(|d| f.starts_with(d))
        })
        .collect();
    assert!(
        repository_only.is_empty(),
        "packaged but needed by the repository only: {repository_only:?}"
    );
}

#[test]
fn the_manifest_names_its_repository_readme_and_licenses() {
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let package = manifest["package"].as_table().unwrap();
    for key in [
        "repository",
        "readme",
        "keywords",
        "categories",
        "license",
        "description",
    ] {
        assert!(package.contains_key(key), "Cargo.toml lacks package.{key}");
    }
    assert_eq!(package["license"].as_str(), Some("MIT OR Apache-2.0"));
    for (file, first_words) in [
        ("LICENSE-MIT", "MIT License"),
        ("LICENSE-APACHE", "Apache License"),
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        assert!(text.trim_start().starts_with(first_words), "{file}");
    }
}
