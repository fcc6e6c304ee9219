//! The book (`docs/`, built with mdBook) and the README are part of the interface, so they are
//! tested like it:
//!
//! - the book builds (`mdbook build docs`, into a temporary directory) and every chapter that
//!   `docs/src/SUMMARY.md` lists becomes an HTML page; no chapter file is left out of SUMMARY.md;
//! - every command a code block shows (`vspc-conformance <sub> ...`, `cargo run --release --
//!   <sub> ...` for `run`, `mock`, `lint`, `merge` and `completions`, lines continued with `\`
//!   as one) uses only flags that `<sub> --help` lists, so a renamed or removed flag cannot
//!   linger in the docs;
//! - every relative link of the book and of the README points to a file that exists (for the
//!   book: inside `docs/src/`, so the built book has it) and, where it names an anchor, to a
//!   heading the built page has. mdBook itself does not check links.
//!
//! The counts of the shipped cases that the README and the book give are held by
//! `tests/readme.rs` (`the_readme_counts_the_shipped_cases_as_they_load`).
//!
//! mdBook is a tool, not a dependency: outside CI a missing `mdbook` skips what needs the build;
//! under CI it fails (`.ci/run` installs it).

mod common;

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const INSTALL: &str = "cargo install mdbook --locked --no-default-features";
/// The book's root (book.toml), its sources and its summary, relative to the crate.
const BOOK: &str = "docs";
const SRC: &str = "docs/src";
const SUMMARY: &str = "docs/src/SUMMARY.md";
/// Where `mdbook build docs` writes by default (book.toml's build-dir): never read as a source.
const BUILD_DIR: &str = "docs/book";
/// The subcommands whose shown invocations are checked against their `--help`.
const SUBCOMMANDS: [&str; 5] = ["run", "mock", "lint", "merge", "completions"];
/// The code blocks whose lines may show a command.
const COMMAND_BLOCKS: [&str; 7] = ["sh", "bash", "shell", "console", "text", "yaml", "yml"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `path` relative to the crate, for messages.
fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Every Markdown file under `dir`, recursively, in a stable order; the built book is skipped.
fn markdown_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path == root().join(BUILD_DIR) {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The chapters SUMMARY.md lists, as paths relative to `docs/src/`, in order.
fn chapters() -> Vec<String> {
    let link = Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let summary = read(&root().join(SUMMARY));
    let chapters: Vec<String> = link
        .captures_iter(&summary)
        .map(|c| c[1].to_string())
        .collect();
    assert!(!chapters.is_empty(), "{SUMMARY} lists no chapter");
    chapters
}

/// The book, built once per test process into cargo's temporary directory for tests (each run
/// writes over the last): the directory, or what mdbook said when it failed.
fn built(mdbook: &Path) -> &'static Result<PathBuf, String> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dest = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book");
        let _ = std::fs::remove_dir_all(&dest);
        let output = Command::new(mdbook)
            .arg("build")
            .arg(root().join(BOOK))
            .arg("--dest-dir")
            .arg(&dest)
            .output()
            .unwrap();
        let said = common::text(&output);
        // mdBook goes on past some problems (an include it cannot read, say) with a warning.
        let complaint = said
            .lines()
            .any(|line| line.contains(" WARN ") || line.contains("ERROR"));
        if output.status.success() && !complaint {
            Ok(dest)
        } else {
            Err(format!(
                "`mdbook build {BOOK}` failed ({}):\n{said}",
                output.status
            ))
        }
    })
}

#[test]
fn the_book_builds_a_page_for_every_chapter() {
    let test = "the_book_builds_a_page_for_every_chapter";
    let Some(mdbook) = common::tool_or_skip("mdbook", test, INSTALL) else {
        return;
    };
    let dest = built(&mdbook).as_ref().unwrap_or_else(|e| panic!("{e}"));
    for chapter in chapters() {
        let page = dest.join(Path::new(&chapter).with_extension("html"));
        assert!(
            page.is_file(),
            "{SUMMARY} lists {chapter}, but the build made no {}",
            page.display()
        );
        // Every chapter opens with its title: an empty or unrendered page has none.
        assert!(
            read(&page).contains("<h1 id="),
            "{} has no title: is {chapter} empty?",
            page.display()
        );
    }
}

#[test]
fn every_chapter_file_is_in_the_summary() {
    let listed: BTreeSet<String> = chapters().into_iter().collect();
    let src = root().join(SRC);
    for file in markdown_under(&src) {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if relative != "SUMMARY.md" {
            assert!(
                listed.contains(&relative),
                "{SRC}/{relative} is not listed in {SUMMARY}, so the book does not show it"
            );
        }
    }
}

/// A code block's lines, with the line number (1-based) each starts at.
struct Block {
    language: String,
    lines: Vec<(usize, String)>,
}

/// The fenced code blocks of a Markdown text (fences may be indented, as in a list item).
fn code_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            match open.take() {
                Some(block) => blocks.push(block),
                None => {
                    let language = info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_string();
                    open = Some(Block {
                        language,
                        lines: Vec::new(),
                    });
                }
            }
        } else if let Some(block) = open.as_mut() {
            block.lines.push((index + 1, line.to_string()));
        }
    }
    assert!(open.is_none(), "a code block is never closed");
    blocks
}

/// The block's logical lines: a line ending in `\` goes on on the next one; in YAML, a line
/// that starts with `--` goes on the command of the line before (a folded scalar).
fn logical_lines(block: &Block) -> Vec<(usize, String)> {
    let yaml = block.language == "yaml" || block.language == "yml";
    let mut lines: Vec<(usize, String, bool)> = Vec::new();
    for (number, line) in &block.lines {
        let continues_last = lines.last().is_some_and(|(_, _, open)| *open)
            || (yaml && !lines.is_empty() && line.trim_start().starts_with("--"));
        let (text, open) = match line.trim_end().strip_suffix('\\') {
            Some(text) => (text.trim_end().to_string(), true),
            None => (line.clone(), false),
        };
        match lines.last_mut() {
            Some((_, last, last_open)) if continues_last => {
                last.push(' ');
                last.push_str(text.trim());
                *last_open = open;
            }
            _ => lines.push((*number, text, open)),
        }
    }
    lines.into_iter().map(|(n, text, _)| (n, text)).collect()
}

/// The invocations of our subcommands in a logical line: the subcommand and its arguments up to
/// the end of the command (a comment, `&&`, `||`, `;` or a pipe).
fn invocations(line: &str) -> Vec<(&'static str, String)> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(r"(?:^|[\s/`$])(?:vspc-conformance|cargo run --release --)\s+(run|mock|lint|merge|completions)(?:\s|$)")
            .unwrap()
    });
    let matches: Vec<_> = pattern.captures_iter(line).collect();
    let mut found = Vec::new();
    for (i, captures) in matches.iter().enumerate() {
        let sub = SUBCOMMANDS
            .into_iter()
            .find(|s| *s == &captures[1])
            .unwrap();
        let start = captures.get(0).unwrap().end();
        let end = matches
            .get(i + 1)
            .map_or(line.len(), |next| next.get(0).unwrap().start());
        let mut args = &line[start.min(end)..end];
        for stop in [" #", "\t#", "&&", "||", ";", " | "] {
            if let Some(at) = args.find(stop) {
                args = &args[..at];
            }
        }
        found.push((sub, args.to_string()));
    }
    found
}

/// The long flags a text names (`--report`, from `--report=json=...` too).
fn long_flags(text: &str) -> BTreeSet<String> {
    static FLAG: OnceLock<Regex> = OnceLock::new();
    let flag =
        FLAG.get_or_init(|| Regex::new(r#"(?:^|[\s"'(\[])(--[A-Za-z][A-Za-z0-9-]*)"#).unwrap());
    flag.captures_iter(text).map(|c| c[1].to_string()).collect()
}

/// The flags `<sub> --help` lists.
fn help_flags(sub: &str) -> BTreeSet<String> {
    let output = common::bin().arg(sub).arg("--help").output().unwrap();
    assert!(
        output.status.success(),
        "`vspc-conformance {sub} --help` failed:\n{}",
        common::text(&output)
    );
    let flags = long_flags(&String::from_utf8_lossy(&output.stdout));
    assert!(flags.contains("--help"), "{sub} --help lists no flags");
    flags
}

/// README.md and every Markdown file of the book: its chapters, and what they include
/// (`docs/error-triggers.md`, `docs/mock-choices.md`).
fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    files.extend(markdown_under(&root().join(BOOK)));
    files
}

#[test]
fn every_command_shown_uses_only_flags_its_subcommand_has() {
    let known: BTreeMap<&str, BTreeSet<String>> =
        SUBCOMMANDS.iter().map(|s| (*s, help_flags(s))).collect();
    let mut unknown = Vec::new();
    let mut seen = BTreeMap::<&str, usize>::new();
    for file in documents() {
        for block in code_blocks(&read(&file)) {
            if !COMMAND_BLOCKS.contains(&block.language.as_str()) {
                continue;
            }
            for (line, text) in logical_lines(&block) {
                for (sub, args) in invocations(&text) {
                    *seen.entry(sub).or_default() += 1;
                    for flag in long_flags(&args) {
                        if !known[sub].contains(&flag) {
                            unknown.push(format!(
                                "{}:{line}: `{}`: `{sub}` has no flag {flag}",
                                shown(&file),
                                text.trim()
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "commands shown with flags `--help` does not list:\n{}",
        unknown.join("\n")
    );
    // The check reads what it should: every subcommand is shown somewhere.
    for sub in SUBCOMMANDS {
        assert!(
            seen.contains_key(sub),
            "no code block shows `vspc-conformance {sub}`: is the command pattern still right? (seen: {seen:?})"
        );
    }
}

/// A text with its code blocks and inline code spans blanked, so only prose links remain.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            let mut in_code = false;
            for c in line.chars() {
                if c == '`' {
                    in_code = !in_code;
                } else if !in_code {
                    out.push(c);
                }
            }
        }
        out.push('\n');
    }
    out
}

/// `path` with `.` and `..` resolved, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn every_link_of_the_book_and_the_readme_resolves() {
    let test = "every_link_of_the_book_and_the_readme_resolves";
    let link = Regex::new(r#"\]\(([^)\s]+)(?:\s+"[^"]*")?\)"#).unwrap();
    let include = Regex::new(r"\{\{#include\s+([^}\s]+)\s*\}\}").unwrap();
    let src = root().join(SRC);
    let mut files = vec![root().join("README.md")];
    files.extend(markdown_under(&src));
    let mut broken = Vec::new();
    // Anchors are checked against the built pages, once all files are.
    let mut anchors: Vec<(String, PathBuf, String)> = Vec::new();
    for file in &files {
        let text = read(file);
        let in_book = file.starts_with(&src);
        let dir = file.parent().unwrap();
        for captures in include.captures_iter(&text) {
            let target = normalize(&dir.join(&captures[1]));
            if !target.is_file() {
                broken.push(format!(
                    "{}: includes {}, which does not exist",
                    shown(file),
                    &captures[1]
                ));
            }
        }
        for captures in link.captures_iter(&prose(&text)) {
            let target = &captures[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = match target.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (target, None),
            };
            let resolved = if path.is_empty() {
                file.clone()
            } else {
                normalize(&dir.join(path))
            };
            if !resolved.exists() {
                broken.push(format!(
                    "{}: [{target}] points to {}, which does not exist",
                    shown(file),
                    shown(&resolved)
                ));
                continue;
            }
            if in_book && !resolved.starts_with(&src) {
                broken.push(format!(
                    "{}: [{target}] points outside {SRC}/, so the built book does not have it",
                    shown(file)
                ));
                continue;
            }
            if let Some(fragment) = fragment {
                if resolved.starts_with(&src) && resolved.extension().is_some_and(|e| e == "md") {
                    let page = resolved.strip_prefix(&src).unwrap().with_extension("html");
                    anchors.push((
                        format!("{}: [{target}]", shown(file)),
                        page,
                        fragment.to_string(),
                    ));
                } else {
                    broken.push(format!(
                        "{}: [{target}] names an anchor in a file that is not a chapter",
                        shown(file)
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(
        !anchors.is_empty(),
        "no link names an anchor: is the pattern still right?"
    );
    let Some(mdbook) = common::tool_or_skip("mdbook", test, INSTALL) else {
        return;
    };
    let dest = built(&mdbook).as_ref().unwrap_or_else(|e| panic!("{e}"));
    for (link, page, fragment) in anchors {
        let html = read(&dest.join(&page));
        if !html.contains(&format!("id=\"{fragment}\"")) {
            broken.push(format!(
                "{link}: {} has no heading #{fragment}",
                page.display()
            ));
        }
    }
    assert!(
        broken.is_empty(),
        "links to headings that do not exist:\n{}",
        broken.join("\n")
    );
}

/// The recipes of the CI chapter put the pieces together: a baseline, every report a CI job
/// wants, shards and their merge, for both CI systems.
#[test]
fn the_ci_recipes_shard_keep_a_baseline_and_merge_every_report() {
    let chapter = "docs/src/ci.md";
    let blocks = code_blocks(&read(&root().join(chapter)));
    let yaml: Vec<String> = blocks
        .iter()
        .filter(|b| b.language == "yaml")
        .map(|b| {
            b.lines
                .iter()
                .map(|(_, l)| l.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let github: Vec<&String> = yaml.iter().filter(|y| y.contains("runs-on:")).collect();
    let gitlab: Vec<&String> = yaml.iter().filter(|y| y.contains("parallel:")).collect();
    assert_eq!(
        (github.len(), gitlab.len()),
        (1, 1),
        "{chapter} should have one GitHub Actions and one GitLab CI recipe"
    );
    for (ci, recipe) in [("GitHub Actions", github[0]), ("GitLab CI", gitlab[0])] {
        for needed in [
            "--baseline ",
            "--partition count:",
            "vspc-conformance merge ",
            "--report json=",
            "--report junit=",
            "--report md=",
            "--report curl=",
        ] {
            assert!(
                recipe.contains(needed),
                "the {ci} recipe of {chapter} lacks `{needed}`"
            );
        }
    }
}

#[test]
fn the_command_check_reads_commands_as_written() {
    // A command continued over lines, in a shell block and in a YAML one.
    let block = Block {
        language: "sh".into(),
        lines: vec![
            (1, "cargo run --release -- run --target X \\".into()),
            (
                2,
                "  --ca-cert mock.pem pagination   # a comment --not-a-flag".into(),
            ),
            (3, "vspc-conformance merge a.json --report md=-".into()),
        ],
    };
    let lines = logical_lines(&block);
    assert_eq!(lines.len(), 2, "{:?}", lines);
    let found = invocations(&lines[0].1);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "run");
    assert_eq!(
        long_flags(&found[0].1),
        BTreeSet::from(["--target".to_string(), "--ca-cert".to_string()])
    );
    assert_eq!(invocations(&lines[1].1)[0].0, "merge");
    let yaml = Block {
        language: "yaml".into(),
        lines: vec![
            (1, "      - run: >-".into()),
            (
                2,
                "          target/release/vspc-conformance run --partition count:1/3".into(),
            ),
            (3, "          --report json=shard-1.json".into()),
        ],
    };
    let lines = logical_lines(&yaml);
    let found: Vec<_> = lines.iter().flat_map(|(_, l)| invocations(l)).collect();
    assert_eq!(found.len(), 1, "{lines:?}");
    assert_eq!(
        long_flags(&found[0].1),
        BTreeSet::from(["--partition".to_string(), "--report".to_string()])
    );
    // Not commands of ours: cargo's own flags, other tools, the binary's name in text.
    for text in [
        "cargo test --test conformance -- --exact pagination::limit_zero",
        "cargo nextest run --test conformance --partition count:1/3",
        "vspc-conformance   20000 cases, 6 checks each, c=32",
        "-H 'User-Agent: vspc-conformance/0.1.0'",
    ] {
        assert!(invocations(text).is_empty(), "{text}");
    }
}
