//! Lowering: one file's text, parsed into the file format, checked against the contract and
//! turned into [`Case`]s, with every problem as a positioned diagnostic.

use super::cores::across_cores;
use super::*;
use crate::contract::fact;
use crate::contract::{
    ApiVersion, Contract, ErrorType, OAUTH2_ERRORS, Route, TrailingSlash, Versions,
};
use crate::diagnostic::{Diagnostic, Position, Source, did_you_mean};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

/// Parses and checks one file's text. Each `[[case]]` table is deserialized on its own, so one
/// broken case does not hide the problems of the next. Public so tests can feed text directly.
pub fn parse_cases(
    path: &Path,
    text: &str,
    prefix: &str,
    version: ApiVersion,
) -> (Vec<Arc<Case>>, Vec<Diagnostic>) {
    let source = Source::new(path, text);
    let file: Arc<Path> = Arc::from(path);
    let document = match toml::de::DeTable::parse(text) {
        Ok(document) => document.into_inner(),
        Err(e) => return (Vec::new(), vec![toml_diagnostic(&source, &e)]),
    };
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (key, value) in document {
        let tables = match (key.get_ref().as_ref(), value.get_ref()) {
            ("case" | "sweep", toml::de::DeValue::Array(items)) => items.clone(),
            (kind @ ("case" | "sweep"), _) => {
                let d =
                    source.diagnostic(key.span(), format!("`{kind}` must be an array of tables"));
                problems.push(d.with_help(format!("write each under a [[{kind}]] header")));
                continue;
            }
            (other, _) => {
                let mut d = source.diagnostic(key.span(), format!("unknown key `{other}`"));
                if let Some(close) = did_you_mean(other, ["case", "sweep"]) {
                    d = d.with_label(format!("did you mean `{close}`?"));
                }
                problems.push(d.with_help("a case file holds [[case]] tables and [[sweep]] rules"));
                continue;
            }
        };
        if key.get_ref().as_ref() == "sweep" {
            // Each rule depends on nothing but itself, and thousands of cases can come of a
            // file's rules: they are expanded on every core, their cases kept in file order.
            let expanded = across_cores(
                tables.len(),
                || (),
                |_, i| {
                    let table = tables[i].clone();
                    let span = table.span();
                    let mut cases = Vec::new();
                    let problems = match serde::Deserialize::deserialize(
                        toml::de::ValueDeserializer::from(table),
                    ) {
                        Ok(rule) => {
                            let mut checker = Checker {
                                source: &source,
                                file: file.clone(),
                                version,
                                problems: Vec::new(),
                            };
                            checker.sweep(span, rule, &mut cases);
                            checker.problems
                        }
                        Err(e) => vec![toml_diagnostic(&source, &e)],
                    };
                    (cases, problems)
                },
            );
            for (made, found) in expanded {
                cases.extend(made);
                problems.extend(found);
            }
            continue;
        }
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
                file: file.clone(),
                version,
                problems: Vec::new(),
            };
            if let Some(case) = checker.case(prefix, span, def) {
                cases.push(Arc::new(case));
            }
            problems.extend(checker.problems);
        }
    }
    (cases, problems)
}

/// Turns toml's parse and deserialize errors into positioned diagnostics, with a suggestion
/// when the problem is an unknown key close to a known one.
pub(crate) fn toml_diagnostic(source: &Source, error: &toml::de::Error) -> Diagnostic {
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
pub(crate) struct Checker<'s> {
    pub(super) source: &'s Source<'s>,
    /// `source`'s path, as its cases share it.
    pub(super) file: Arc<Path>,
    /// The version sweeps generate their cases for.
    pub(super) version: ApiVersion,
    pub(super) problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    pub(super) fn at(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.problems.push(self.source.diagnostic(span, message));
        self.problems.last_mut().expect("just pushed")
    }

    /// The versions a case lists, each one the harness knows.
    fn versions(&mut self, listed: &Spanned<Vec<String>>) -> Versions {
        let mut versions = Versions::default();
        for text in listed.get_ref() {
            match ApiVersion::parse(text) {
                Some(version) => versions = versions.with(version),
                None => {
                    let known = ApiVersion::ALL.map(ApiVersion::as_str);
                    let d = self.at(
                        listed.span(),
                        format!("`{text}` is not a known API version"),
                    );
                    d.label = did_you_mean(text, known).map(|c| format!("did you mean `{c}`?"));
                    d.help = Some(format!("known: {}", known.join(", ")));
                }
            }
        }
        versions
    }

    pub(super) fn pos<T>(&self, spanned: &Spanned<T>) -> Position {
        self.source.position(spanned.span().start)
    }

    pub(super) fn case(
        &mut self,
        prefix: &str,
        span: Range<usize>,
        def: file::CaseDef,
    ) -> Option<Case> {
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
        let written_for = def.versions.as_ref().map(|v| self.versions(v));
        let expect = self.expect(def.expect, request.as_ref().map(|(r, _)| r));
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
        let (request, mut versions) = request?;
        if let (Some(listed), Some(span)) = (written_for, def.versions.as_ref().map(|v| v.span())) {
            let both = versions
                .iter()
                .filter(|v| listed.contains(*v))
                .fold(Versions::default(), Versions::with);
            if both.is_empty() {
                let d = self.at(span, format!("the case's operation is in none of these versions; its spec has it at {versions}"));
                d.help = Some(
                    "list versions whose spec has the operation, or leave `versions` out".into(),
                );
                return None;
            }
            versions = both;
        }
        if request.burst.is_some() && !tags.iter().any(|t| t == tags::BURST) {
            tags.push(tags::BURST.to_string());
        }
        let mut expect = expect?;
        let catalogue = Contract::get().catalogue(self.version);
        if let Route::Found(op, _) = catalogue.route(
            &request.method,
            request.path.split('?').next().unwrap_or(""),
            TrailingSlash::Ignored,
        ) && let Some(parameter) = shape_undeclared(op, catalogue.schemas(), &request.query)
        {
            let code = expect
                .sources
                .of(Claim::Code)
                .at_most(fact::Strength::Reading)
                .because(&format!(
                    "this version's spec declares `{parameter}` as text marked as a {parameter} parameter; the shape of its expressions is declared by 3.5.1 to 3.6.2"
                ));
            expect.sources = Arc::new(Sources {
                code: Some(code),
                ..(*expect.sources).clone()
            });
        }
        Some(Case {
            name: format!("{prefix}::{name}"),
            file: self.file.clone(),
            position: self.source.position(span.start),
            description: def.description.map(Arc::from),
            tags: tags.into(),
            request,
            expect,
            origin: Origin::Written,
            versions,
            broken: None,
        })
    }

    /// The request, and the versions whose catalogue has its operation.
    pub(super) fn request(&mut self, def: file::RequestDef) -> Option<(RequestSpec, Versions)> {
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
        let mut versions = Versions::default();
        if !path.starts_with('/') {
            let d = self.at(def.path.span(), "a path starts with `/`");
            d.help = Some("write the path under /api/v3, e.g. \"/organizations/companies\"".into());
            ok = false;
        } else if let Some(rest) = path.strip_prefix("/api/v3") {
            let d = self.at(def.path.span(), "the path includes the `/api/v3` prefix");
            d.help = Some(format!("write it without: \"{rest}\""));
            ok = false;
        } else if ok {
            versions = self.route(&method, &def.path);
            ok &= !versions.is_empty();
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
                Ok(value) => Body::Json(JsonBody::new(value)),
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
        ok.then(|| {
            let request = RequestSpec {
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
            };
            (request, versions)
        })
    }

    /// The path (with `{variables}` standing for parameters) must be an operation of some
    /// version's catalogue; the versions that have it.
    pub(super) fn route(&mut self, method: &str, path: &Spanned<String>) -> Versions {
        let contract = Contract::get();
        let concrete = path.get_ref().split('?').next().unwrap_or("");
        let versions = contract.versions_serving(method, concrete);
        if !versions.is_empty() {
            return versions;
        }
        let methods: Vec<&str> = ApiVersion::ALL
            .into_iter()
            .filter_map(|v| {
                match contract
                    .catalogue(v)
                    .route(method, concrete, TrailingSlash::Ignored)
                {
                    Route::MethodNotAllowed(methods) => Some(methods),
                    _ => None,
                }
            })
            .next()
            .unwrap_or_default();
        if !methods.is_empty() {
            let d = self.at(
                path.span(),
                format!("`{method} {concrete}` is not an operation of any API version's catalogue"),
            );
            d.help = Some(format!("this path has: {}", methods.join(", ")));
            return versions;
        }
        let templates = contract
            .catalogue(self.version)
            .all()
            .iter()
            .map(|op| op.path.as_str());
        let close = did_you_mean(concrete, templates);
        let d = self.at(
            path.span(),
            format!(
                "no operation of any API version's catalogue ({}) has the path `{concrete}`",
                Versions::ALL
            ),
        );
        d.label = close.map(|c| format!("did you mean `{c}`?"));
        d.help = Some("paths are under /api/v3 as in schemas/spec/<version>.json; `{name}` stands for a path parameter".into());
        versions
    }

    pub(super) fn expect(
        &mut self,
        def: Spanned<file::ExpectDef>,
        request: Option<&RequestSpec>,
    ) -> Option<Expectation> {
        let before = self.problems.len();
        let table = def.span();
        let def = def.into_inner();
        let mut lines = ExpectationLines::default();
        if let Some(admitted) = &def.admitted
            && (def.code.is_some() || def.oauth2_error.is_some() || !*admitted.get_ref())
        {
            let d = self.at(
                admitted.span(),
                "`admitted = true` stands alone: the call is let through, no error is expected",
            );
            d.help = Some("drop `code`/`oauth2_error`, or drop `admitted`".into());
        }
        let error = match (&def.code, &def.oauth2_error) {
            (None, None) if def.admitted.is_some() => {
                lines.error = def.admitted.as_ref().map(|a| self.pos(a));
                Some(ExpectedError::Admitted)
            }
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
                let accepted = error.get_ref().values();
                if accepted.is_empty() {
                    self.at(
                        error.span(),
                        "an empty list of OAuth2 errors accepts nothing",
                    );
                }
                for value in &accepted {
                    if !OAUTH2_ERRORS.contains(&value.as_str()) {
                        let close = did_you_mean(value, OAUTH2_ERRORS);
                        let d = self.at(error.span(), format!("unknown OAuth2 error `{value}`"));
                        d.label = close.map(|c| format!("did you mean `{c}`?"));
                        d.help = Some(format!("expected one of: {}", OAUTH2_ERRORS.join(", ")));
                    }
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
                    accepted: accepted.into(),
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
                    "an expectation needs `code` (or `oauth2_error` for POST /token, or `admitted = true`)",
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
                    Ok(re) => Some(MessagePattern::new(re)),
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
        let tolerate = self.tolerate(def.tolerate.as_ref());
        let inconclusive_on = self.tolerate(def.inconclusive_on.as_ref());
        let sources = self.sources(def.source.as_ref(), &def);
        if self.problems.len() > before {
            return None;
        }
        Some(Expectation {
            error: error?,
            status,
            error_type,
            field,
            message,
            tolerate: tolerate.into(),
            inconclusive_on: inconclusive_on.into(),
            sources: Arc::new(sources),
            lines: Arc::new(lines),
        })
    }

    pub(super) fn tolerate(&mut self, codes: Option<&Spanned<Vec<u16>>>) -> Vec<u16> {
        let Some(codes) = codes else {
            return Vec::new();
        };
        for code in codes.get_ref() {
            if Contract::get().code(*code).is_none() {
                let d = self.at(
                    codes.span(),
                    format!("code {code} is not in the error code catalogue"),
                );
                d.help = Some("the catalogue is schemas/error-codes.json (400 ... 9000)".into());
            }
        }
        codes.get_ref().clone()
    }

    /// Each source names a claim the expectation makes, with at most one strength.
    pub(super) fn sources(
        &mut self,
        def: Option<&Spanned<file::SourceDef>>,
        expect: &file::ExpectDef,
    ) -> Sources {
        let mut sources = Sources::default();
        let Some(def) = def else {
            return sources;
        };
        let span = def.span();
        let claims = match def.get_ref() {
            file::SourceDef::Code(text) => {
                sources.code = Some(fact::Source::new(fact::Strength::Stated, text.clone()));
                return sources;
            }
            file::SourceDef::Claims(claims) => claims,
        };
        for (key, claim_source) in claims {
            let (claim, made) = match key.as_str() {
                "code" => (Claim::Code, expect.code.is_some()),
                "oauth2_error" => (Claim::Code, expect.oauth2_error.is_some()),
                "status" => (Claim::Status, expect.status.is_some()),
                "type" => (Claim::Type, expect.error_type.is_some()),
                "parameter" => (Claim::Field, expect.parameter.is_some()),
                "property" => (Claim::Field, expect.property.is_some()),
                "message" => (Claim::Message, expect.message.is_some()),
                other => {
                    let keys = [
                        "code",
                        "oauth2_error",
                        "status",
                        "type",
                        "parameter",
                        "property",
                        "message",
                    ];
                    let d = self.at(span.clone(), format!("`source.{other}` names no claim"));
                    d.label = did_you_mean(other, keys).map(|c| format!("did you mean `{c}`?"));
                    d.help = Some(format!("a source is given for one of: {}", keys.join(", ")));
                    continue;
                }
            };
            if !made {
                self.at(
                    span.clone(),
                    format!(
                        "`source.{key}` gives a source for a claim the expectation does not make"
                    ),
                );
            }
            let source = match claim_source {
                file::ClaimSourceDef::Stated(text) => {
                    fact::Source::new(fact::Strength::Stated, text.clone())
                }
                file::ClaimSourceDef::Graded(graded) => {
                    let given: Vec<(fact::Strength, &String)> = [
                        (fact::Strength::Stated, &graded.stated),
                        (fact::Strength::Example, &graded.example),
                        (fact::Strength::Convention, &graded.convention),
                        (fact::Strength::Reading, &graded.reading),
                    ]
                    .into_iter()
                    .filter_map(|(strength, text)| Some((strength, text.as_ref()?)))
                    .collect();
                    let [(strength, text)] = given.as_slice() else {
                        let d = self.at(
                            span.clone(),
                            format!("`source.{key}` needs exactly one of stated, example, convention, reading"),
                        );
                        d.help = Some(format!(
                            "e.g. source.{key} = {{ example = \"errors page: the documented 400 example\" }}"
                        ));
                        continue;
                    };
                    fact::Source::new(*strength, (*text).clone())
                }
            };
            *sources.slot(claim) = Some(source);
        }
        sources
    }
}

/// The JSON-valued query parameter the request sends whose shape this version's spec does not
/// declare (3.7 marks `filter`, `sort` and `select` as such but gives them no schema): a claim
/// about what such a value may hold is a reading at this version.
fn shape_undeclared<'a>(
    op: &'a crate::contract::Operation,
    schemas: &crate::contract::schema::Schemas,
    query: &[(String, String)],
) -> Option<&'a str> {
    op.query_parameters()
        .filter(|p| p.json && query.iter().any(|(n, _)| n.eq_ignore_ascii_case(&p.name)))
        .find(|p| {
            p.schema.is_none_or(|id| {
                schemas.view(id).schema.ty == Some(crate::contract::schema::Type::String)
            })
        })
        .map(|p| p.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Arc<Case>>, Vec<Diagnostic>) {
        parse_cases(
            Path::new("cases/sample.toml"),
            text,
            "sample",
            ApiVersion::FALLBACK,
        )
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
    fn sources_tolerated_codes_and_accepted_oauth2_errors_load_with_their_strengths() {
        let (cases, problems) = parse(
            r#"
[[case]]
name = "sourced"
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, parameter = "offset", message = "0", tolerate = [404], source = { code = "spec: offset minimum 0", message = { example = "the 400 example" } } }

[[case]]
name = "either"
request = { method = "POST", path = "/token", credentials = "none", form = { grant_type = "password" } }
expect = { oauth2_error = ["invalid_grant", "invalid_request"], source = "RFC 6749 §5.2" }
"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let e = &cases[0].expect;
        assert_eq!(&e.tolerate[..], &[404]);
        let code = e.sources.of(Claim::Code);
        assert_eq!(
            (code.strength, code.text.as_ref()),
            (fact::Strength::Stated, "spec: offset minimum 0")
        );
        assert_eq!(
            e.sources.of(Claim::Message).strength,
            fact::Strength::Example
        );
        // A claim without a source is the case's own, taken as stated.
        assert_eq!(e.sources.get(Claim::Field), None);
        assert_eq!(e.sources.of(Claim::Field).strength, fact::Strength::Stated);
        assert!(
            matches!(&cases[1].expect.error, ExpectedError::OAuth2 { accepted } if accepted.len() == 2)
        );
        assert_eq!(
            cases[1].expect.sources.of(Claim::Code).text,
            "RFC 6749 §5.2"
        );
    }

    #[test]
    fn a_bad_source_or_tolerated_code_is_a_diagnostic_at_its_line() {
        for (expect, wanted) in [
            (
                r#"{ code = 400, source = { cod = "x" } }"#,
                "`source.cod` names no claim",
            ),
            (
                r#"{ code = 400, source = { message = "x" } }"#,
                "a claim the expectation does not make",
            ),
            (
                r#"{ code = 400, source = { code = { example = "x", reading = "y" } } }"#,
                "exactly one of stated",
            ),
            (
                r#"{ code = 400, tolerate = [4711] }"#,
                "code 4711 is not in the error code catalogue",
            ),
        ] {
            let text = format!(
                "[[case]]\nname = \"x\"\nrequest = {{ method = \"GET\", path = \"/organizations/companies\" }}\nexpect = {expect}\n"
            );
            let (_, problems) = parse(&text);
            assert!(
                problems
                    .iter()
                    .any(|p| p.message.contains(wanted) && p.position.line == 4),
                "{expect}: {problems:?}"
            );
        }
    }

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
            matches!(&cases[1].expect.error, ExpectedError::OAuth2 { accepted } if accepted[..] == ["invalid_request".to_string()])
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
}
