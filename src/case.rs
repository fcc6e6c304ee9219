//! Load: case files (`cases/**/*.toml`) become [`Case`]s, or [`Diagnostic`]s that point at
//! `file:line:col`.
//!
//! Two layers: the file format ([`file`], serde types with spans, from which
//! `schemas/case.schema.json` is generated) and the checked model ([`Case`]), built only from a
//! file that parsed and whose every reference (code, operation, type, regex) resolved.

pub mod file;

use crate::contract::{Contract, ErrorType, OAUTH2_ERRORS, Route};
use crate::diagnostic::{Diagnostic, Position, Source, did_you_mean};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub use file::Credentials;

/// Tags the runner gives a meaning to. Any other tag is free-form (an area, a ticket).
pub mod tags {
    /// Changes state on the target: skipped against a real console unless `--allow-mutations`.
    pub const MUTATING: &str = "mutating";
    /// Depends on or leaves state on the target (ordering, setup).
    pub const STATEFUL: &str = "stateful";
    pub const SLOW: &str = "slow";
    /// Sends many requests at once: runs alone, after the other cases.
    pub const BURST: &str = "burst";
    /// Uses a trigger only the embedded mock has: skipped against any other target.
    pub const MOCK_ONLY: &str = "mock-only";
}

/// One declared negative request and what the contract says the answer must be.
#[derive(Debug, Clone)]
pub struct Case {
    /// The test name: `<path under cases/ without .toml, / as ::>::<name>`.
    pub name: String,
    /// The file as given to the loader, e.g. `cases/pagination.toml`.
    pub file: PathBuf,
    /// Where the `[[case]]` table starts.
    pub position: Position,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub request: RequestSpec,
    pub expect: Expectation,
}

impl Case {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    /// The `{variables}` the request needs from the target, sorted and unique.
    pub fn variables(&self) -> Vec<String> {
        let mut names = BTreeSet::new();
        let r = &self.request;
        let mut texts: Vec<&str> = vec![&r.path];
        texts.extend(r.query.iter().map(|(_, v)| v.as_str()));
        texts.extend(r.headers.iter().map(|(_, v)| v.as_str()));
        let json_text;
        match &r.body {
            Body::Empty => {}
            Body::Json(value) => {
                json_text = value.to_string();
                texts.push(&json_text);
            }
            Body::Raw(text) => texts.push(text),
            Body::Form(pairs) => texts.extend(pairs.iter().map(|(_, v)| v.as_str())),
        }
        for text in texts {
            names.extend(placeholders(text).map(str::to_string));
        }
        names.into_iter().collect()
    }
}

/// `{name}` placeholders in a text (identifier characters only, so JSON braces never match).
pub fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|rest| {
        let name = rest.split('}').next()?;
        let closed = rest.len() > name.len();
        let ident = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        (closed && ident).then_some(name)
    })
}

/// Replaces every `{name}` whose value is known; the names left unresolved are returned.
pub fn substitute(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = text.to_string();
    for name in placeholders(text) {
        match vars.get(name) {
            Some(value) => out = out.replace(&format!("{{{name}}}"), value),
            None => return Err(name.to_string()),
        }
    }
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// Upper case: GET, POST, PUT, PATCH, DELETE.
    pub method: String,
    /// The path under `/api/v3`, variables unresolved: `/organizations/companies/{companyUid}`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Overrides the content type the body kind implies (e.g. JSON sent as `text/plain`).
    pub content_type: Option<String>,
    pub credentials: Credentials,
    /// Send this many copies at once; at least one must answer as expected.
    pub burst: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Empty,
    Json(serde_json::Value),
    Raw(String),
    Form(Vec<(String, String)>),
}

impl Body {
    /// The content type this body travels with unless the case overrides it.
    pub fn default_content_type(&self) -> Option<&'static str> {
        match self {
            Body::Empty => None,
            Body::Json(_) | Body::Raw(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
        }
    }
}

/// What the answer must be.
#[derive(Debug, Clone)]
pub struct Expectation {
    pub error: ExpectedError,
    /// Overrides the status the status rule gives the code.
    pub status: Option<u16>,
    /// Overrides the catalogue's usual type for the code.
    pub error_type: Option<ErrorType>,
    pub field: Option<Field>,
    pub message: Option<MessagePattern>,
    /// Where each expectation was written, so a failed check can point at its line.
    pub lines: ExpectationLines,
}

#[derive(Debug, Clone)]
pub enum ExpectedError {
    /// A VSPC error with this catalogue code in the `{"errors":[...]}` envelope.
    Vspc { code: u16 },
    /// An OAuth2 error of `POST /token`: `{"error": "invalid_grant", ...}`.
    OAuth2 { error: String },
}

impl ExpectedError {
    pub fn code(&self) -> Option<u16> {
        match self {
            ExpectedError::Vspc { code } => Some(*code),
            ExpectedError::OAuth2 { .. } => None,
        }
    }
}

impl fmt::Display for ExpectedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedError::Vspc { code } => write!(f, "{code}"),
            ExpectedError::OAuth2 { error } => write!(f, "oauth2:{error}"),
        }
    }
}

/// The member that must name the offending input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Parameter(String),
    Property(String),
}

impl Field {
    /// The member name in the error object.
    pub fn member(&self) -> &'static str {
        match self {
            Field::Parameter(_) => "parameterName",
            Field::Property(_) => "propertyName",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Field::Parameter(v) | Field::Property(v) => v,
        }
    }
}

/// A message regex, compiled once at load time.
#[derive(Debug, Clone)]
pub struct MessagePattern(pub Regex);

impl MessagePattern {
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ExpectationLines {
    pub error: Option<Position>,
    pub status: Option<Position>,
    pub error_type: Option<Position>,
    pub field: Option<Position>,
    pub message: Option<Position>,
}

/// The result of loading: every case that loaded, every problem found. A broken file does not
/// stop the others from loading; the caller decides (exit 2).
#[derive(Debug, Default)]
pub struct Loaded {
    pub cases: Vec<Case>,
    pub problems: Vec<Diagnostic>,
    pub files: Vec<PathBuf>,
}

/// Loads every `*.toml` under each path (a directory, walked recursively in name order, or a
/// file). Test names are relative to the directory given (`cases/auth/x.toml` under `cases`
/// is `auth::x::<name>`); a file given directly is named by its stem.
pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        let mut files = Vec::new();
        if path.is_dir() {
            collect_toml(path, &mut files, &mut loaded.problems);
            files.sort();
            for file in files {
                let prefix = test_prefix(file.strip_prefix(path).unwrap_or(&file));
                load_file(&file, &prefix, &mut loaded);
            }
        } else if path.exists() {
            let prefix = test_prefix(Path::new(path.file_name().unwrap_or(path.as_os_str())));
            load_file(path, &prefix, &mut loaded);
        } else {
            loaded
                .problems
                .push(Diagnostic::file_level(path, "no such file or directory"));
        }
    }
    let mut seen: BTreeMap<&str, &Case> = BTreeMap::new();
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

fn load_file(path: &Path, prefix: &str, loaded: &mut Loaded) {
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
    let (cases, problems) = parse_cases(path, &text, prefix);
    loaded.cases.extend(cases);
    loaded.problems.extend(problems);
}

/// Parses and checks one file's text. Each `[[case]]` table is deserialized on its own, so one
/// broken case does not hide the problems of the next. Public so tests can feed text directly.
pub fn parse_cases(path: &Path, text: &str, prefix: &str) -> (Vec<Case>, Vec<Diagnostic>) {
    let source = Source::new(path, text);
    let document = match toml::de::DeTable::parse(text) {
        Ok(document) => document.into_inner(),
        Err(e) => return (Vec::new(), vec![toml_diagnostic(&source, &e)]),
    };
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (key, value) in document {
        let tables = match (key.get_ref().as_ref(), value.get_ref()) {
            ("case", toml::de::DeValue::Array(items)) => items.clone(),
            ("case", _) => {
                let d = source.diagnostic(key.span(), "`case` must be an array of tables");
                problems.push(d.with_help("write each case under a [[case]] header"));
                continue;
            }
            (other, _) => {
                let mut d = source.diagnostic(key.span(), format!("unknown key `{other}`"));
                if let Some(close) = did_you_mean(other, ["case"]) {
                    d = d.with_label(format!("did you mean `{close}`?"));
                }
                problems.push(d.with_help("a case file holds [[case]] tables"));
                continue;
            }
        };
        for table in tables {
            let span = table.span();
            let def: file::CaseDef =
                match serde::Deserialize::deserialize(toml::de::ValueDeserializer::from(table)) {
                    Ok(def) => def,
                    Err(e) => {
                        problems.push(toml_diagnostic(&source, &e));
                        continue;
                    }
                };
            let name = def.name.get_ref().clone();
            if let Some(line) = names.insert(name.clone(), source.position(span.start).line) {
                problems.push(
                    source
                        .diagnostic(def.name.span(), format!("duplicate case name `{name}`"))
                        .with_help(format!("the first `{name}` is on line {line}")),
                );
                continue;
            }
            let mut checker = Checker {
                source: &source,
                problems: Vec::new(),
            };
            if let Some(case) = checker.case(prefix, span, def) {
                cases.push(case);
            }
            problems.extend(checker.problems);
        }
    }
    (cases, problems)
}

/// Turns toml's parse and deserialize errors into positioned diagnostics, with a suggestion
/// when the problem is an unknown key close to a known one.
fn toml_diagnostic(source: &Source, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let span = error.span().unwrap_or(0..0);
    let ticked: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") || message.starts_with("unknown variant") {
        let what = if message.starts_with("unknown field") {
            "key"
        } else {
            "value"
        };
        let unknown = ticked.first().copied().unwrap_or("");
        let expected = &ticked[1.min(ticked.len())..];
        let mut d = source.diagnostic(span, format!("unknown {what} `{unknown}`"));
        if let Some(close) = did_you_mean(unknown, expected.iter().copied()) {
            d = d.with_label(format!("did you mean `{close}`?"));
        }
        if !expected.is_empty() {
            d = d.with_help(format!("expected one of: {}", expected.join(", ")));
        }
        return d;
    }
    if let Some(missing) = message.strip_prefix("missing field ") {
        return source
            .diagnostic(span, format!("missing key {missing}"))
            .with_help(
                "every [[case]] needs name, [case.request] (method, path) and [case.expect]",
            );
    }
    source.diagnostic(span, message)
}

/// Semantic checks on one parsed case; collects every problem rather than stopping at the first.
struct Checker<'s> {
    source: &'s Source<'s>,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.problems.push(self.source.diagnostic(span, message));
        self.problems.last_mut().expect("just pushed")
    }

    fn pos<T>(&self, spanned: &Spanned<T>) -> Position {
        self.source.position(spanned.span().start)
    }

    fn case(&mut self, prefix: &str, span: Range<usize>, def: file::CaseDef) -> Option<Case> {
        let before = self.problems.len();
        let name = def.name.get_ref().trim().to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            let d = self.at(def.name.span(), format!("invalid case name `{name}`"));
            d.help = Some(
                "a name is letters, digits, `_` and `-`; it becomes part of the test name".into(),
            );
        }
        let request = self.request(def.request);
        let expect = self.expect(def.expect, request.as_ref());
        if def.tags.iter().any(|t| t.get_ref().trim().is_empty()) {
            let span = def
                .tags
                .iter()
                .find(|t| t.get_ref().trim().is_empty())
                .map(|t| t.span());
            self.at(span.unwrap_or(0..0), "empty tag");
        }
        if self.problems.len() > before {
            return None;
        }
        let mut tags: Vec<String> = def.tags.into_iter().map(|t| t.into_inner()).collect();
        let request = request?;
        if request.burst.is_some() && !tags.iter().any(|t| t == tags::BURST) {
            tags.push(tags::BURST.to_string());
        }
        Some(Case {
            name: format!("{prefix}::{name}"),
            file: self.source.path.to_path_buf(),
            position: self.source.position(span.start),
            description: def.description,
            tags,
            request,
            expect: expect?,
        })
    }

    fn request(&mut self, def: file::RequestDef) -> Option<RequestSpec> {
        let method = def.method.get_ref().to_ascii_uppercase();
        const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        let mut ok = true;
        if !METHODS.contains(&method.as_str()) {
            let d = self.at(
                def.method.span(),
                format!("unknown method `{}`", def.method.get_ref()),
            );
            d.help = Some(format!("expected one of: {}", METHODS.join(", ")));
            ok = false;
        }
        let path = def.path.get_ref().clone();
        if !path.starts_with('/') {
            let d = self.at(def.path.span(), "a path starts with `/`");
            d.help = Some("write the path under /api/v3, e.g. \"/organizations/companies\"".into());
            ok = false;
        } else if let Some(rest) = path.strip_prefix("/api/v3") {
            let d = self.at(def.path.span(), "the path includes the `/api/v3` prefix");
            d.help = Some(format!("write it without: \"{rest}\""));
            ok = false;
        } else if ok {
            ok &= self.route(&method, &def.path);
        }
        let body = [def.json.is_some(), def.raw.is_some(), def.form.is_some()];
        if body.iter().filter(|b| **b).count() > 1 {
            let d = self.at(
                def.method.span(),
                "a request has one body: `json`, `raw` or `form`",
            );
            d.label = Some("in this request".into());
            ok = false;
        }
        let body = if let Some(json) = def.json {
            match serde_json::to_value(json.get_ref()) {
                Ok(value) => Body::Json(value),
                Err(e) => {
                    self.at(json.span(), format!("cannot turn this into JSON: {e}"));
                    return None;
                }
            }
        } else if let Some(raw) = def.raw {
            Body::Raw(raw)
        } else if let Some(form) = def.form {
            Body::Form(form.into_iter().map(|(k, v)| (k, v.to_string())).collect())
        } else {
            Body::Empty
        };
        let burst = match def.burst {
            Some(b) if *b.get_ref() < 2 => {
                let d = self.at(b.span(), "a burst sends at least 2 requests");
                d.help = Some("leave `burst` out to send one request".into());
                return None;
            }
            Some(b) => Some(b.into_inner()),
            None => None,
        };
        ok.then(|| RequestSpec {
            method,
            path,
            query: def
                .query
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect(),
            headers: def.headers.into_iter().collect(),
            body,
            content_type: def.content_type,
            credentials: def.credentials,
            burst,
        })
    }

    /// The path (with `{variables}` standing for parameters) must be an operation of the catalogue.
    fn route(&mut self, method: &str, path: &Spanned<String>) -> bool {
        let operations = Contract::get().operations();
        let concrete = path.get_ref().split('?').next().unwrap_or("");
        match operations.route(method, concrete) {
            Route::Found(..) => true,
            Route::MethodNotAllowed(methods) => {
                let d = self.at(
                    path.span(),
                    format!("`{method} {concrete}` is not an operation of the API 3.6.1 catalogue"),
                );
                d.help = Some(format!("this path has: {}", methods.join(", ")));
                false
            }
            Route::NotFound => {
                let templates = operations.all().iter().map(|op| op.path.as_str());
                let close = did_you_mean(concrete, templates);
                let d = self.at(
                    path.span(),
                    format!("no operation of the API 3.6.1 catalogue has the path `{concrete}`"),
                );
                d.label = close.map(|c| format!("did you mean `{c}`?"));
                d.help = Some("paths are under /api/v3 as in schemas/operations.json; `{name}` stands for a path parameter".into());
                false
            }
        }
    }

    fn expect(
        &mut self,
        def: Spanned<file::ExpectDef>,
        request: Option<&RequestSpec>,
    ) -> Option<Expectation> {
        let before = self.problems.len();
        let table = def.span();
        let def = def.into_inner();
        let mut lines = ExpectationLines::default();
        let error = match (&def.code, &def.oauth2_error) {
            (Some(code), None) => {
                lines.error = Some(self.pos(code));
                let value = *code.get_ref();
                if Contract::get().code(value).is_none() {
                    let known: Vec<String> = Contract::get()
                        .codes()
                        .map(|c| c.code.to_string())
                        .collect();
                    let close = did_you_mean(&value.to_string(), known.iter().map(String::as_str));
                    let d = self.at(
                        code.span(),
                        format!("code {value} is not in the error code catalogue"),
                    );
                    d.label = close.map(|c| format!("did you mean {c}?"));
                    d.help =
                        Some("the catalogue is schemas/error-codes.json (400 ... 9000)".into());
                }
                Some(ExpectedError::Vspc { code: value })
            }
            (None, Some(error)) => {
                lines.error = Some(self.pos(error));
                if !OAUTH2_ERRORS.contains(&error.get_ref().as_str()) {
                    let close = did_you_mean(error.get_ref(), OAUTH2_ERRORS);
                    let d = self.at(
                        error.span(),
                        format!("unknown OAuth2 error `{}`", error.get_ref()),
                    );
                    d.label = close.map(|c| format!("did you mean `{c}`?"));
                    d.help = Some(format!("expected one of: {}", OAUTH2_ERRORS.join(", ")));
                }
                if let Some(r) = request
                    && !(r.method == "POST" && r.path == "/token")
                {
                    let d = self.at(
                        error.span(),
                        "only `POST /token` answers with OAuth2 errors",
                    );
                    d.help = Some("expect a VSPC `code` for every other operation".into());
                }
                Some(ExpectedError::OAuth2 {
                    error: error.get_ref().clone(),
                })
            }
            (Some(code), Some(_)) => {
                let d = self.at(
                    code.span(),
                    "expect either `code` or `oauth2_error`, not both",
                );
                d.help = Some("`oauth2_error` is for POST /token only".into());
                None
            }
            (None, None) => {
                let d = self.at(
                    table,
                    "an expectation needs `code` (or `oauth2_error` for POST /token)",
                );
                d.help = Some("e.g. code = 400".into());
                None
            }
        };
        let status = def.status.as_ref().map(|s| {
            lines.status = Some(self.pos(s));
            if !(100..=599).contains(s.get_ref()) {
                self.at(s.span(), format!("{} is not an HTTP status", s.get_ref()));
            }
            *s.get_ref()
        });
        let error_type = match &def.error_type {
            Some(t) => {
                lines.error_type = Some(self.pos(t));
                let parsed = ErrorType::parse(t.get_ref());
                if parsed.is_none() {
                    let names = ErrorType::ALL.map(ErrorType::as_str);
                    let close = did_you_mean(t.get_ref(), names);
                    let d = self.at(t.span(), format!("unknown error type `{}`", t.get_ref()));
                    d.label = close.map(|c| format!("did you mean `{c}`?"));
                    d.help = Some(format!("expected one of: {}", names.join(", ")));
                }
                parsed
            }
            None => None,
        };
        let field = match (&def.parameter, &def.property) {
            (Some(_), Some(property)) => {
                let d = self.at(
                    property.span(),
                    "expect `parameter` or `property`, never both",
                );
                d.help = Some("the contract: propertyName replaces parameterName when a body property is wrong".into());
                None
            }
            (Some(p), None) => {
                lines.field = Some(self.pos(p));
                Some(Field::Parameter(p.get_ref().clone()))
            }
            (None, Some(p)) => {
                lines.field = Some(self.pos(p));
                Some(Field::Property(p.get_ref().clone()))
            }
            (None, None) => None,
        };
        let message = match &def.message {
            Some(m) => {
                lines.message = Some(self.pos(m));
                match Regex::new(m.get_ref()) {
                    Ok(re) => Some(MessagePattern(re)),
                    Err(e) => {
                        let d = self.at(m.span(), "invalid message regex");
                        d.help = Some(
                            e.to_string()
                                .lines()
                                .last()
                                .unwrap_or("")
                                .trim()
                                .to_string(),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        if self.problems.len() > before {
            return None;
        }
        Some(Expectation {
            error: error?,
            status,
            error_type,
            field,
            message,
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Case>, Vec<Diagnostic>) {
        parse_cases(Path::new("cases/sample.toml"), text, "sample")
    }

    const GOOD: &str = r#"
[[case]]
name = "negative_offset"
tags = ["pagination"]
request = { method = "get", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, type = "logical", parameter = "offset", message = "larger or equal to 0" }

[[case]]
name = "bad_grant"
[case.request]
method = "POST"
path = "/token"
credentials = "none"
form = { grant_type = "password", username = "admin", password = "wrong" }
[case.expect]
oauth2_error = "invalid_request"
"#;

    #[test]
    fn a_good_file_loads_with_test_names_and_normalized_requests() {
        let (cases, problems) = parse(GOOD);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].name, "sample::negative_offset");
        assert_eq!(cases[0].request.method, "GET");
        assert_eq!(cases[0].request.query, vec![("offset".into(), "-1".into())]);
        assert_eq!(
            cases[0].expect.field,
            Some(Field::Parameter("offset".into()))
        );
        assert_eq!(cases[0].position.line, 2);
        assert_eq!(cases[1].request.credentials, Credentials::None);
        assert!(
            matches!(&cases[1].expect.error, ExpectedError::OAuth2 { error } if error == "invalid_request")
        );
    }

    #[test]
    fn an_unknown_key_points_at_it_and_suggests_the_close_one() {
        let text = GOOD.replace("parameter = \"offset\"", "pramater = \"offset\"");
        let (_, problems) = parse(&text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let shown = problems[0].to_string();
        assert!(shown.contains("unknown key `pramater`"), "{shown}");
        assert!(shown.contains("did you mean `parameter`?"), "{shown}");
        assert!(shown.contains("cases/sample.toml:6:"), "{shown}");
    }

    #[test]
    fn a_code_outside_the_catalogue_is_an_error_at_its_value() {
        let text = GOOD.replace("code = 400", "code = 1002");
        let (_, problems) = parse(&text);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .contains("code 1002 is not in the error code catalogue")
        );
        assert_eq!(problems[0].position.line, 6);
        assert_eq!(
            problems[0].source_line.find("1002").map(|i| i + 1),
            Some(problems[0].position.column)
        );
    }

    #[test]
    fn a_path_outside_the_catalogue_is_an_error_with_a_suggestion() {
        let text = GOOD.replace("/organizations/companies\"", "/organisations/companies\"");
        let (_, problems) = parse(&text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].message.contains("no operation"),
            "{}",
            problems[0]
        );
        assert_eq!(
            problems[0].label.as_deref(),
            Some("did you mean `/organizations/companies`?")
        );
    }

    #[test]
    fn a_method_the_path_does_not_have_is_an_error_listing_the_methods() {
        let text = GOOD.replace("method = \"get\"", "method = \"PUT\"");
        let (_, problems) = parse(&text);
        assert!(
            problems[0].help.as_deref().unwrap_or("").contains("GET"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn malformed_toml_is_a_positioned_error() {
        let (_, problems) = parse("[[case]]\nname = \"x\nrequest = 1\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].position.line, 2, "{}", problems[0]);
    }

    #[test]
    fn both_parameter_and_property_is_an_error() {
        let text = GOOD.replace(
            "parameter = \"offset\"",
            "parameter = \"offset\", property = \"name\"",
        );
        let (_, problems) = parse(&text);
        assert!(
            problems[0].message.contains("never both"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn variables_come_from_placeholders_in_the_request() {
        let text = r#"
[[case]]
name = "missing"
request = { method = "GET", path = "/organizations/companies/{companyUid}", headers = { "X-Request-id" = "{requestId}" } }
expect = { code = 404 }
"#;
        let (cases, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            cases[0].variables(),
            vec!["companyUid".to_string(), "requestId".to_string()]
        );
    }

    #[test]
    fn placeholders_ignore_json_braces() {
        let found: Vec<&str> = placeholders(r#"[{"op":"x"}] {a} {b_2} {} {1x}"#).collect();
        assert_eq!(found, vec!["a", "b_2"]);
        let vars = BTreeMap::from([("a".to_string(), "1".to_string())]);
        assert_eq!(substitute("/x/{a}", &vars), Ok("/x/1".to_string()));
        assert_eq!(substitute("/x/{b}", &vars), Err("b".to_string()));
    }
}
