//! Report: consumers of the runner's events. Each reporter renders verdicts it is given; none
//! re-runs a check or recounts the matrix.
//!
//! ```text
//!   run::Event ──▶ terminal (progress, failures, matrix)
//!              └─▶ RunFinished ──▶ record::RunRecord + matrix::Matrix ──▶ json, junit, markdown, html
//!   JSON reports ──read──▶ RunRecord ──merge──▶ RunRecord + Matrix::tally ──▶ the same renderers
//! ```

pub mod curl;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub use crate::matrix;
pub mod merge;
pub mod record;
pub mod script;
pub mod snapshot;
pub mod terminal;

use crate::run::Event;
use serde_json::Value;
use std::path::PathBuf;
use thiserror::Error;

/// A consumer of run events.
pub trait Reporter {
    fn on_event(&mut self, event: &Event<'_>) -> Result<(), ReportError>;
}

#[derive(Debug, Error)]
pub enum ReportError {
    #[error("cannot write the report {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ReportError {
    /// Whether the reader of the output went away (`run --report json=- | head -1`): the reader
    /// chose to stop reading, so the output simply ends; nothing failed.
    pub fn is_closed_pipe(&self) -> bool {
        match self {
            ReportError::Write { source, .. } => source.kind() == std::io::ErrorKind::BrokenPipe,
        }
    }
}

/// Report formats for `--report FORMAT=PATH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Junit,
    Markdown,
    Html,
    /// A shell script of every non-conforming case's `curl` command.
    Curl,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "junit" => Some(Format::Junit),
            "md" | "markdown" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            "curl" => Some(Format::Curl),
            _ => None,
        }
    }

    pub const NAMES: &'static [&'static str] = &["json", "junit", "md", "html", "curl"];

    /// The whole report of a run record in this format.
    pub fn render(self, run: &record::RunRecord, matrix: &matrix::Matrix) -> String {
        match self {
            Format::Json => json::render(run, matrix),
            Format::Junit => junit::render(run, matrix),
            Format::Markdown => markdown::render(run, matrix),
            Format::Html => html::render(run, matrix),
            Format::Curl => script::render(run),
        }
    }

    /// Renders a run record in this format and writes it to `path` (`-`: stdout); a script is
    /// made executable.
    pub fn write(
        self,
        path: &std::path::Path,
        run: &record::RunRecord,
        matrix: &matrix::Matrix,
    ) -> Result<(), ReportError> {
        write_output(path, &self.render(run, matrix))?;
        if self == Format::Curl && path.as_os_str() != "-" {
            make_executable(path)?;
        }
        Ok(())
    }

    /// The reporter that writes this format to `path` at the end of a run.
    pub fn reporter(self, path: PathBuf, info: record::RunInfo) -> Box<dyn Reporter + Send> {
        Box::new(FileReport {
            format: self,
            path,
            info,
        })
    }
}

/// A report file: nothing to do until the run finishes, then the whole report in its format.
struct FileReport {
    format: Format,
    path: PathBuf,
    info: record::RunInfo,
}

impl Reporter for FileReport {
    fn on_event(&mut self, event: &Event<'_>) -> Result<(), ReportError> {
        match event {
            Event::RunStarted { .. } | Event::CaseStarted(_) | Event::CaseFinished(_) => Ok(()),
            Event::RunFinished {
                reports,
                summary,
                matrix,
                elapsed,
                interrupted,
            } => match self.format {
                // Streamed: a large run's cases are not recorded all at once first.
                Format::Json => json::write_run(
                    &self.path,
                    &self.info,
                    reports,
                    (*summary, *elapsed, *interrupted),
                    matrix,
                ),
                format => {
                    let record = record::RunRecord {
                        interrupted: *interrupted,
                        ..record::RunRecord::from_run(&self.info, reports, *summary, *elapsed)
                    };
                    format.write(&self.path, &record, matrix)
                }
            },
        }
    }
}

/// A `--report FORMAT=PATH` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    pub format: Format,
    /// `-` is stdout.
    pub path: PathBuf,
}

impl ReportSpec {
    /// Parses `FORMAT=PATH`; the error names the argument and what was expected.
    pub fn parse(spec: &str) -> Result<ReportSpec, String> {
        let Some((format, path)) = spec.split_once('=') else {
            return Err(format!(
                "--report `{spec}`: expected FORMAT=PATH, e.g. json=report.json"
            ));
        };
        let Some(format) = Format::parse(format) else {
            return Err(format!(
                "--report `{spec}`: unknown format `{format}`; known formats: {}",
                Format::NAMES.join(", ")
            ));
        };
        if path.is_empty() {
            return Err(format!(
                "--report `{spec}`: no path; give a file, or `-` for stdout"
            ));
        }
        Ok(ReportSpec {
            format,
            path: PathBuf::from(path),
        })
    }

    /// Makes sure the path can be written before anything is sent, leaving no trace: an
    /// existing file is opened for appending (not truncated), a new one is removed again.
    /// Stdout always can be written.
    pub fn preflight(&self) -> Result<(), ReportError> {
        if self.path.as_os_str() == "-" {
            return Ok(());
        }
        ReportSpec::preflight_path(&self.path)
    }

    /// Makes sure a file can be written, leaving no trace (see [`ReportSpec::preflight`]): the
    /// file itself, and its temporary file beside it ([`write_output_with`]).
    pub fn preflight_path(path: &std::path::Path) -> Result<(), ReportError> {
        for file in [path.to_path_buf(), temporary_beside(path)] {
            let existed = file.exists();
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&file)
                .map_err(|source| ReportError::Write {
                    path: path.to_path_buf(),
                    source,
                })?;
            if !existed {
                let _ = std::fs::remove_file(&file);
            }
        }
        Ok(())
    }
}

/// Header names whose values are credentials; reports show them as `[redacted]`, reproducing
/// commands as a variable.
pub const SECRET_HEADERS: [&str; 4] = [
    "authorization",
    "x-api-key",
    "cookie",
    "proxy-authorization",
];

/// Members of a body that carry credentials; their values never reach a report, a log or a
/// snapshot.
pub const SECRET_MEMBERS: [&str; 6] = [
    "access_token",
    "refresh_token",
    "mfa_token",
    "encrypted_code",
    "password",
    "apiKey",
];

/// The body with every credential-carrying member replaced by `[redacted]`.
pub fn redact_secrets(mut body: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if SECRET_MEMBERS.iter().any(|s| s.eq_ignore_ascii_case(key)) && !v.is_null() {
                        *v = Value::String("[redacted]".into());
                    } else {
                        walk(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut body);
    body
}

/// A response body for a report: parsed JSON (secrets redacted) when it is JSON, else its text,
/// cut at `limit` characters.
pub fn body_for_report(body: &[u8], limit: usize) -> Value {
    match serde_json::from_slice::<Value>(body) {
        Ok(json) => redact_secrets(json),
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            if text.chars().count() > limit {
                Value::String(format!("{}…", text.chars().take(limit).collect::<String>()))
            } else {
                Value::String(text.into_owned())
            }
        }
    }
}

/// Writes a report to a file, or to stdout when the path is `-`, through a buffer as `write`
/// produces it: a report need not be built whole in memory first. A file is written whole or
/// not at all: into a temporary file beside it, renamed over it once complete, so a reader (or
/// a run killed while writing) never sees half a report, and an older report stays until the
/// new one replaces it.
pub fn write_output_with(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), ReportError> {
    use std::io::Write;
    let result = if path.as_os_str() == "-" {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        write(&mut out).and_then(|()| out.flush())
    } else {
        let temporary = temporary_beside(path);
        let written = std::fs::File::create(&temporary)
            .and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                write(&mut out).and_then(|()| out.flush())
            })
            .and_then(|()| std::fs::rename(&temporary, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    };
    result.map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// `dir/.report.json.1234.tmp` for `dir/report.json`: in the same directory, so the rename
/// stays on one file system and is atomic; hidden, and named by this process, so two runs
/// writing one path never share it.
fn temporary_beside(path: &std::path::Path) -> PathBuf {
    let name = path
        .file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

#[cfg(unix)]
fn make_executable(path: &std::path::Path) -> Result<(), ReportError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(|source| {
        ReportError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn make_executable(_: &std::path::Path) -> Result<(), ReportError> {
    Ok(())
}

/// Writes a report to a file (whole, as [`write_output_with`] does), or to stdout when the path
/// is `-`.
pub fn write_output(path: &std::path::Path, text: &str) -> Result<(), ReportError> {
    write_output_with(path, |out| out.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_members_are_redacted_at_any_depth() {
        let body = json!({"access_token": "abc", "data": [{"refresh_token": "def", "name": "x"}], "mfa_token": null});
        let redacted = redact_secrets(body);
        assert_eq!(
            redacted,
            json!({"access_token": "[redacted]", "data": [{"refresh_token": "[redacted]", "name": "x"}], "mfa_token": null})
        );
    }
}
