//! Walking case files: every `*.toml` under the paths given, in name order, each named by its
//! place under the directory given; and case files compiled into the binary, named as if they
//! lay in the directory they were compiled from.

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
    pub files: Vec<LoadedFile>,
}

/// A file that was read, by the path its cases name ([`Case::file`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedFile {
    pub path: PathBuf,
    /// Compiled into the binary rather than read from the disk: `path` may exist nowhere.
    pub embedded: bool,
}

/// A case file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    /// Its path under the directory it was compiled from, `/`-separated: `auth.toml`.
    pub path: &'static str,
    pub text: &'static str,
}

/// Where case files are read from.
#[derive(Debug, Clone, Copy)]
pub enum Files<'a> {
    /// A case file, or a directory walked for `*.toml`.
    Disk(&'a Path),
    /// Files compiled in from `dir` (in name order, as a walk of `dir` would read them): named,
    /// in test names, diagnostics and reports, as if read from there.
    Embedded {
        dir: &'a Path,
        files: &'a [Embedded],
    },
}

/// Loads every `*.toml` under each path (a directory, walked recursively in name order, or a
/// file). Test names are relative to the directory given (`cases/auth/x.toml` under `cases`
/// is `auth::x::<name>`); a file given directly is named by its stem. Sweep rules generate their
/// cases from the catalogue of `version`; a case is checked against every version's catalogue.
pub fn load(paths: &[PathBuf], version: ApiVersion) -> Loaded {
    load_from(paths.iter().map(|p| Files::Disk(p)), version)
}

/// Loads case files from the disk and from the binary, in the order given, as [`load`] does.
/// A test name defined twice, in one place or in two, is a problem naming both.
pub fn load_from<'a>(sources: impl IntoIterator<Item = Files<'a>>, version: ApiVersion) -> Loaded {
    let mut loaded = Loaded::default();
    for source in sources {
        match source {
            Files::Disk(path) => load_path(path, version, &mut loaded),
            Files::Embedded { dir, files } => {
                for file in files {
                    let relative = Path::new(file.path);
                    let path = dir.join(relative);
                    loaded.files.push(LoadedFile {
                        path: path.clone(),
                        embedded: true,
                    });
                    let prefix = test_prefix(relative);
                    let (cases, problems) = parse_cases(&path, file.text, &prefix, version);
                    loaded.cases.extend(cases);
                    loaded.problems.extend(problems);
                }
            }
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

fn load_path(path: &Path, version: ApiVersion, loaded: &mut Loaded) {
    if path.is_dir() {
        let mut files = Vec::new();
        collect_toml(path, &mut files, &mut loaded.problems);
        files.sort();
        for file in files {
            let prefix = test_prefix(file.strip_prefix(path).unwrap_or(&file));
            load_file(&file, &prefix, version, loaded);
        }
    } else if path.exists() {
        let prefix = test_prefix(Path::new(path.file_name().unwrap_or(path.as_os_str())));
        load_file(path, &prefix, version, loaded);
    } else {
        loaded
            .problems
            .push(Diagnostic::file_level(path, "no such file or directory"));
    }
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
    loaded.files.push(LoadedFile {
        path: path.to_path_buf(),
        embedded: false,
    });
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
