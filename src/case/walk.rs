//! Walking case files: every `*.toml` under the paths given, in name order, each named by its
//! place under the directory given.

use super::*;
use crate::contract::ApiVersion;
use crate::diagnostic::Diagnostic;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The result of loading: every case that loaded, every problem found. A broken file does not
/// stop the others from loading; the caller decides (exit 2). Each case is shared from the
/// moment it is made: a run hands cases round by pointer, and a case moved into a growing list
/// and again into a box would copy every case twice into fresh memory.
#[derive(Debug, Default)]
pub struct Loaded {
    pub cases: Vec<Arc<Case>>,
    pub problems: Vec<Diagnostic>,
    pub files: Vec<PathBuf>,
}

/// Loads every `*.toml` under each path (a directory, walked recursively in name order, or a
/// file). Test names are relative to the directory given (`cases/auth/x.toml` under `cases`
/// is `auth::x::<name>`); a file given directly is named by its stem. Sweep rules generate their
/// cases from the catalogue of `version`; a case is checked against every version's catalogue.
pub fn load(paths: &[PathBuf], version: ApiVersion) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        let mut files = Vec::new();
        if path.is_dir() {
            collect_toml(path, &mut files, &mut loaded.problems);
            files.sort();
            for file in files {
                let prefix = test_prefix(file.strip_prefix(path).unwrap_or(&file));
                load_file(&file, &prefix, version, &mut loaded);
            }
        } else if path.exists() {
            let prefix = test_prefix(Path::new(path.file_name().unwrap_or(path.as_os_str())));
            load_file(path, &prefix, version, &mut loaded);
        } else {
            loaded
                .problems
                .push(Diagnostic::file_level(path, "no such file or directory"));
        }
    }
    let mut seen: HashMap<&str, &Arc<Case>> = HashMap::with_capacity(loaded.cases.len());
    let mut duplicates = Vec::new();
    for case in &loaded.cases {
        if let Some(first) = seen.insert(&case.name, case) {
            duplicates.push(
                Diagnostic::file_level(&case.file, format!("duplicate test name `{}`", case.name))
                    .with_help(format!(
                        "also defined at {}:{}",
                        first.file.display(),
                        first.position.line
                    )),
            );
        }
    }
    loaded.problems.extend(duplicates);
    loaded
}

fn collect_toml(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Diagnostic::file_level(
                dir,
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_toml(&path, files, problems);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}

fn test_prefix(relative: &Path) -> String {
    let without_ext = relative.with_extension("");
    without_ext
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("::")
}

fn load_file(path: &Path, prefix: &str, version: ApiVersion, loaded: &mut Loaded) {
    loaded.files.push(path.to_path_buf());
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            loaded.problems.push(Diagnostic::file_level(
                path,
                format!("cannot read file: {e}"),
            ));
            return;
        }
    };
    let (cases, problems) = parse_cases(path, &text, prefix, version);
    loaded.cases.extend(cases);
    loaded.problems.extend(problems);
}
