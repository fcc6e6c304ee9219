//! Problems in case files, rendered rustc-style: `file:line:col`, the offending line, a caret
//! under the offending text, and what was expected.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A line and column, both 1-based, as editors count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A source text with the line starts computed once, for turning byte spans into positions.
pub struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Source<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Source {
            path,
            text,
            line_starts,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let start = self.line_starts[line - 1];
        let column = self.text[start..offset].chars().count() + 1;
        Position { line, column }
    }

    fn line_text(&self, line: usize) -> &'a str {
        let start = self
            .line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |e| e.saturating_sub(1));
        self.text[start..end.max(start)].trim_end_matches('\r')
    }

    /// A diagnostic pointing at `span` of this source.
    pub fn diagnostic(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let span = span.start.min(self.text.len())..span.end.min(self.text.len());
        let position = self.position(span.start);
        let source_line = self.line_text(position.line).to_string();
        // Carets stop at the end of the first line of a multi-line span.
        let on_line = self.text[span.clone()].lines().next().unwrap_or("");
        let width = on_line.chars().count().max(1);
        Diagnostic {
            file: self.path.to_path_buf(),
            position,
            source_line,
            width,
            message: message.into(),
            label: None,
            help: None,
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub position: Position,
    pub source_line: String,
    /// How many characters the carets cover.
    pub width: usize,
    pub message: String,
    /// Printed after the carets: what is wrong right there.
    pub label: Option<String>,
    /// Printed below: what was expected, or a suggestion.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (unreadable, not UTF-8), with no line to show.
    pub fn file_level(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            position: Position { line: 1, column: 1 },
            source_line: String::new(),
            width: 0,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// `file:line:col`
    pub fn location(&self) -> String {
        format!(
            "{}:{}:{}",
            self.file.display(),
            self.position.line,
            self.position.column
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let number = self.position.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(f, "{pad}--> {}", self.location())?;
        if self.width > 0 {
            writeln!(f, "{pad} |")?;
            writeln!(f, "{number} | {}", self.source_line)?;
            let lead: String = self
                .source_line
                .chars()
                .take(self.position.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "{pad} | {lead}{}", "^".repeat(self.width))?;
            match &self.label {
                Some(label) => writeln!(f, " {label}")?,
                None => writeln!(f)?,
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = {help}")?;
        }
        Ok(())
    }
}

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let text = "a = 1\nbb = 2\n";
        let source = Source::new(Path::new("x.toml"), text);
        assert_eq!(source.position(0), Position { line: 1, column: 1 });
        assert_eq!(source.position(6), Position { line: 2, column: 1 });
        assert_eq!(source.position(11), Position { line: 2, column: 6 });
    }

    #[test]
    fn renders_location_line_carets_and_help() {
        let text = "[[case]]\npramater = \"offset\"\n";
        let source = Source::new(Path::new("cases/p.toml"), text);
        let d = source
            .diagnostic(9..17, "unknown key `pramater`")
            .with_label("did you mean `parameter`?")
            .with_help("expected one of: code, parameter");
        let shown = d.to_string();
        assert!(shown.contains("--> cases/p.toml:2:1"), "{shown}");
        assert!(shown.contains("2 | pramater = \"offset\""), "{shown}");
        assert!(
            shown.contains("  | ^^^^^^^^ did you mean `parameter`?"),
            "{shown}"
        );
        assert!(
            shown.contains("= expected one of: code, parameter"),
            "{shown}"
        );
    }

    #[test]
    fn suggests_close_words_only() {
        let words = ["parameter", "property", "message"];
        assert_eq!(did_you_mean("pramater", words), Some("parameter"));
        assert_eq!(did_you_mean("mesage", words), Some("message"));
        assert_eq!(did_you_mean("zzz", words), None);
    }
}
