//! Merging JSON reports of shards into one report with one matrix (`vspc-conformance merge`).
//!
//! Shards of one run are disjoint slices of the same cases against the same target with the same
//! readings. Reports that name their shard (`partition`, `count:K/N`) must be every shard of
//! one N, each once: a shard lost or given twice fails the merge, naming it, rather than merging
//! into a smaller run that looks whole. The merged record holds every shard's cases (by file,
//! line and name, the order of a run over the same case files), its summary and matrix counted
//! again from those cases by the same code as a single run's, the longest shard's elapsed time,
//! and every shard's unrun cases: a merge of an interrupted shard is interrupted.

use super::record::RunRecord;
use crate::partition::Partition;
use crate::stop::{Interruption, TargetFailure};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum MergeError {
    #[error("nothing to merge: give JSON reports, or directories holding them")]
    Nothing,
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    NotAReport { path: PathBuf, message: String },
    #[error(
        "{} and {} are not shards of one run: {what} differs (`{first}` vs `{second}`)",
        first_path.display(),
        second_path.display()
    )]
    Mismatch {
        first_path: PathBuf,
        second_path: PathBuf,
        what: &'static str,
        first: String,
        second: String,
    },
    #[error(
        "case `{name}` is in both {} and {}: shards must be disjoint",
        first.display(),
        second.display()
    )]
    Overlap {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "shard {shard} is given twice, in {} and {}: give each shard once",
        first.display(),
        second.display()
    )]
    DuplicateShard {
        shard: Partition,
        first: PathBuf,
        second: PathBuf,
    },
    #[error(
        "{} missing: a merge needs all {total} shards of the run, and was given {}",
        match missing.as_slice() {
            [one] => format!("shard {one} is"),
            many => format!("shards {} are", list(many)),
        },
        list(given)
    )]
    MissingShards {
        missing: Vec<Partition>,
        given: Vec<Partition>,
        total: u64,
    },
}

fn list(shards: &[Partition]) -> String {
    let names: Vec<String> = shards.iter().map(Partition::to_string).collect();
    names.join(", ")
}

/// Every `*.json` file under the given paths: files as given, directories walked in name order.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, MergeError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), MergeError> {
        let entries = std::fs::read_dir(dir).map_err(|source| MergeError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        found.sort();
        for path in found {
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(MergeError::Nothing);
    }
    Ok(files)
}

/// Reads one JSON report.
pub fn read(path: &Path) -> Result<RunRecord, MergeError> {
    let text = std::fs::read_to_string(path).map_err(|source| MergeError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    super::json::read(&text).map_err(|message| MergeError::NotAReport {
        path: path.to_path_buf(),
        message,
    })
}

/// Merges shard reports (with the paths they came from, for messages) into one record.
pub fn merge(reports: Vec<(PathBuf, RunRecord)>) -> Result<RunRecord, MergeError> {
    every_shard_once(&reports)?;
    let mut reports = reports.into_iter();
    let Some((first_path, mut merged)) = reports.next() else {
        return Err(MergeError::Nothing);
    };
    let mut seen: BTreeMap<String, PathBuf> = merged
        .cases
        .iter()
        .map(|c| (c.name.clone(), first_path.clone()))
        .collect();
    if merged.cases.len() != seen.len() {
        let name = duplicate(&merged).unwrap_or_default();
        return Err(MergeError::Overlap {
            name,
            first: first_path.clone(),
            second: first_path,
        });
    }
    for (path, shard) in reports {
        let same = |what: &'static str, a: String, b: String| {
            if a == b {
                Ok(())
            } else {
                Err(MergeError::Mismatch {
                    first_path: first_path.clone(),
                    second_path: path.clone(),
                    what,
                    first: a,
                    second: b,
                })
            }
        };
        same("target", merged.target.clone(), shard.target.clone())?;
        same(
            "api_version",
            merged.api_version.clone(),
            shard.api_version.clone(),
        )?;
        same(
            "roles_given",
            merged.roles_given.join(","),
            shard.roles_given.join(","),
        )?;
        same(
            "readings",
            merged.readings.to_string(),
            shard.readings.to_string(),
        )?;
        for case in &shard.cases {
            if let Some(first) = seen.insert(case.name.clone(), path.clone()) {
                return Err(MergeError::Overlap {
                    name: case.name.clone(),
                    first,
                    second: path,
                });
            }
        }
        merged.elapsed_ms = merged.elapsed_ms.max(shard.elapsed_ms);
        merged.interrupted = match (merged.interrupted, shard.interrupted) {
            (Some(a), Some(b)) => Some(Interruption {
                not_run: a.not_run + b.not_run,
                ..a
            }),
            (a, b) => a.or(b),
        };
        merged.target_failed = match (merged.target_failed, shard.target_failed) {
            (Some(a), Some(b)) => Some(TargetFailure {
                not_run: a.not_run + b.not_run,
                ..a
            }),
            (a, b) => a.or(b),
        };
        merged.cases.extend(shard.cases);
    }
    merged.partition = None;
    merged.cases.sort_by(|a, b| {
        (Path::new(&a.file), a.line, &a.name).cmp(&(Path::new(&b.file), b.line, &b.name))
    });
    merged.recount();
    Ok(merged)
}

/// Reports that name their shard are every shard of one scheme and N, each once. Reports that
/// name none (whole runs, nextest's one-case reports) are merged as they are, but not with
/// shards.
fn every_shard_once(reports: &[(PathBuf, RunRecord)]) -> Result<(), MergeError> {
    let mut shards: Vec<(&PathBuf, Partition)> = Vec::new();
    let mut whole: Option<&PathBuf> = None;
    for (path, record) in reports {
        match &record.partition {
            None => whole = whole.or(Some(path)),
            Some(text) => {
                let partition = text.parse().map_err(|message| MergeError::NotAReport {
                    path: path.clone(),
                    message: format!("partition {message}"),
                })?;
                shards.push((path, partition));
            }
        }
    }
    let Some(&(first_path, first)) = shards.first() else {
        return Ok(());
    };
    if let Some(whole) = whole {
        return Err(MergeError::Mismatch {
            first_path: first_path.clone(),
            second_path: whole.clone(),
            what: "partition",
            first: first.to_string(),
            second: "none: a whole run".into(),
        });
    }
    let mut seen: BTreeMap<u64, &PathBuf> = BTreeMap::new();
    for &(path, shard) in &shards {
        if (shard.scheme, shard.total) != (first.scheme, first.total) {
            return Err(MergeError::Mismatch {
                first_path: first_path.clone(),
                second_path: path.clone(),
                what: "partition",
                first: first.to_string(),
                second: shard.to_string(),
            });
        }
        if let Some(earlier) = seen.insert(shard.shard, path) {
            return Err(MergeError::DuplicateShard {
                shard,
                first: earlier.clone(),
                second: path.clone(),
            });
        }
    }
    let of = |shard| Partition { shard, ..first };
    let missing: Vec<Partition> = (1..=first.total)
        .filter(|k| !seen.contains_key(k))
        .map(of)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(MergeError::MissingShards {
        missing,
        given: seen.into_keys().map(of).collect(),
        total: first.total,
    })
}

fn duplicate(run: &RunRecord) -> Option<String> {
    let mut names: Vec<&str> = run.cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names
        .windows(2)
        .find(|w| w[0] == w[1])
        .map(|w| w[0].to_string())
}
