//! Sweeps: a `[[sweep]]` rule selects operations of the catalogue, breaks each one's well-formed
//! request the same way, and expects the same error from all of them: a few lines of TOML, a
//! case per operation.
//!
//! The well-formed request of an operation: every UUID path parameter is [`MISSING_UUID`] (an id
//! no console has, so even a console that wrongly accepts the broken request finds nothing to
//! change), other path parameters a harmless placeholder, the body an empty one of the
//! operation's kind with its content type, and the default credentials.

use super::file::{BodySelector, Mutating, Selector, SweepDef};
use super::{
    Body, Case, Checker, Credentials, Field, MessagePattern, Origin, RequestSpec, Sources, tags,
};
use crate::contract::{ApiVersion, BodyKind, Contract, Operation, Versions};
use crate::diagnostic::did_you_mean;
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

/// A well-formed UUID that names nothing on any console.
pub const MISSING_UUID: &str = "00000000-0000-4000-8000-000000000404";

/// What a non-UUID path parameter is filled with.
const PLACEHOLDER_SEGMENT: &str = "vspc-conformance";
const PLACEHOLDER_INTEGER: &str = "404404";

impl Checker<'_> {
    /// Checks a rule and adds the cases it generates to `cases` (none when it has a problem);
    /// problems are collected like a case's.
    pub(super) fn sweep(&mut self, span: Range<usize>, rule: SweepDef, cases: &mut Vec<Arc<Case>>) {
        let before = self.problems.len();
        let name = rule.name.get_ref().trim().to_string();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            let d = self.at(rule.name.span(), format!("invalid rule name `{name}`"));
            d.help = Some(
                "a name is letters, digits, `_` and `-`; it becomes part of the test names".into(),
            );
        }
        let select_span = rule.select.span();
        let selector = rule.select.into_inner();
        self.check_selector(&selector);
        let per_parameter = rule.request.path_parameter.is_some();
        if rule.expect.get_ref().names_the_parameter() && !per_parameter {
            let d = self.at(
                rule.expect.span(),
                "`{parameter}` needs `path_parameter` in [sweep.request]",
            );
            d.help = Some("only a rule that sweeps path parameters has a parameter to name".into());
        }
        // The expectation is checked once, with the placeholders standing for sample values.
        let sample = substitute_expect(rule.expect.get_ref(), "companyUid");
        let Some(base) = self.expect(Spanned::new(rule.expect.span(), sample), None) else {
            return;
        };
        let message_span = rule.expect.get_ref().message.as_ref().map(|m| m.span());
        let templates = Templates {
            parameter: rule
                .expect
                .get_ref()
                .parameter
                .as_ref()
                .map(|p| p.get_ref().clone()),
            property: rule
                .expect
                .get_ref()
                .property
                .as_ref()
                .map(|p| p.get_ref().clone()),
            message: rule
                .expect
                .get_ref()
                .message
                .as_ref()
                .map(|m| m.get_ref().clone()),
        };
        let mut body = None;
        if let Some(json) = &rule.request.json {
            match serde_json::to_value(json.get_ref()) {
                Ok(value) => body = Some(Body::Json(value)),
                Err(e) => {
                    self.at(json.span(), format!("cannot turn this into JSON: {e}"));
                }
            }
        }
        if let Some(raw) = &rule.request.raw {
            if body.is_some() {
                self.at(
                    select_span.clone(),
                    "a sweep replaces the body with `json` or `raw`, not both",
                );
            }
            body = Some(Body::Raw(raw.clone()));
        }
        if self.problems.len() > before {
            return;
        }
        let contract = Contract::get();
        let operations: Vec<&Operation> = contract
            .catalogue(self.version)
            .all()
            .iter()
            .filter(|op| selects(&selector, op))
            .collect();
        // A rule may select nothing in one version (operations come and go); in none is a mistake.
        let selects_somewhere = || {
            ApiVersion::ALL.into_iter().any(|v| {
                contract
                    .catalogue(v)
                    .all()
                    .iter()
                    .any(|op| selects(&selector, op))
            })
        };
        if operations.is_empty() && !selects_somewhere() {
            let d = self.at(
                select_span,
                "this selector selects no operation of any API version's catalogue",
            );
            d.help = Some("loosen a condition; `vspc-conformance run --list sweep::` shows what rules generate".into());
            return;
        }
        let mut tags: Vec<String> = rule.tags.into_iter().map(|t| t.into_inner()).collect();
        if !tags.iter().any(|t| t == "sweep") {
            tags.insert(0, "sweep".to_string());
        }
        // Two lists shared by all the rule's cases: as written, and with `mutating` added.
        let mut mutating_tags = tags.clone();
        if !mutating_tags.iter().any(|t| t == tags::MUTATING) {
            mutating_tags.push(tags::MUTATING.to_string());
        }
        let (tags, mutating_tags): (Arc<[String]>, Arc<[String]>) =
            (tags.into(), mutating_tags.into());
        let position = self.source.position(span.start);
        let rule_name: Arc<str> = Arc::from(name.as_str());
        let description: Option<Arc<str>> = rule.description.as_deref().map(Arc::from);
        let query: Vec<(String, String)> = rule
            .request
            .query
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect();
        let mut interned = Interned::default();
        let mut regexes: HashMap<String, Result<MessagePattern, String>> = HashMap::new();
        let first = cases.len();
        cases.reserve(operations.len());
        for op in operations {
            let swept: Vec<Option<&str>> = match &rule.request.path_parameter {
                Some(_) => op
                    .path_parameters
                    .iter()
                    .filter(|p| p.format == "uuid")
                    .map(|p| Some(p.name.as_str()))
                    .collect(),
                None => vec![None],
            };
            for parameter in swept {
                let message = match &templates.message {
                    Some(m) => {
                        let text = fill(m, parameter);
                        let compiled = regexes
                            .entry(text.clone())
                            .or_insert_with(|| {
                                Regex::new(&text)
                                    .map(MessagePattern::new)
                                    .map_err(|e| e.to_string())
                            })
                            .clone();
                        match compiled {
                            Ok(pattern) => Some(pattern),
                            Err(e) => {
                                let span = message_span.clone().unwrap_or(select_span.clone());
                                let d = self.at(
                                    span,
                                    format!(
                                        "the message regex for {} {} does not compile",
                                        op.method, op.path
                                    ),
                                );
                                d.help = Some(e.lines().last().unwrap_or("").trim().to_string());
                                cases.truncate(first);
                                return;
                            }
                        }
                    }
                    None => None,
                };
                let field = match (&templates.parameter, &templates.property) {
                    (Some(p), _) => Some(Field::Parameter(fill(p, parameter))),
                    (None, Some(p)) => Some(Field::Property(fill(p, parameter))),
                    (None, None) => None,
                };
                let operation = operation_label(op, parameter);
                let unscoped_write =
                    op.method != "GET" && !op.path_parameters.iter().any(|p| p.format == "uuid");
                let mutating = match rule.mutating {
                    Mutating::None => false,
                    Mutating::All => true,
                    Mutating::UnscopedWrites => unscoped_write,
                };
                let case_tags = if mutating { &mutating_tags } else { &tags };
                let request = request(op, &rule.request, &query, body.as_ref(), parameter);
                let (tolerate, sources) = interned.judged(&base, op, &request);
                cases.push(Arc::new(Case {
                    name: ["sweep::", &name, "::", &operation].concat(),
                    file: self.file.clone(),
                    position,
                    description: description.clone(),
                    tags: case_tags.clone(),
                    request,
                    expect: super::Expectation {
                        field,
                        message,
                        tolerate,
                        sources,
                        ..base.clone()
                    },
                    origin: Origin::Sweep {
                        rule: rule_name.clone(),
                        operation,
                    },
                    versions: Versions::default().with(self.version),
                }));
            }
        }
    }

    fn check_selector(&mut self, selector: &Selector) {
        const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
        if let Some(methods) = &selector.methods {
            for method in methods.get_ref() {
                if !METHODS.contains(&method.to_ascii_uppercase().as_str()) {
                    let d = self.at(methods.span(), format!("unknown method `{method}`"));
                    d.help = Some(format!("expected one of: {}", METHODS.join(", ")));
                }
            }
        }
        let contract = Contract::get();
        let operations: Vec<&Operation> = ApiVersion::ALL
            .into_iter()
            .flat_map(|v| contract.catalogue(v).all())
            .collect();
        if let Some(tags) = &selector.tags {
            let known: Vec<&str> = {
                let mut t: Vec<&str> = operations.iter().map(|op| op.tag.as_str()).collect();
                t.sort_unstable();
                t.dedup();
                t
            };
            for tag in tags.get_ref() {
                if !known.contains(&tag.as_str()) {
                    let d = self.at(
                        tags.span(),
                        format!("no operation of the catalogue has the tag `{tag}`"),
                    );
                    d.label = did_you_mean(tag, known.iter().copied())
                        .map(|c| format!("did you mean `{c}`?"));
                }
            }
        }
        if let Some(parameter) = &selector.parameter {
            let known = operations
                .iter()
                .flat_map(|op| op.path_parameters.iter())
                .any(|p| &p.name == parameter.get_ref());
            if !known {
                let names: Vec<&str> = operations
                    .iter()
                    .flat_map(|op| op.path_parameters.iter().map(|p| p.name.as_str()))
                    .collect();
                let d = self.at(
                    parameter.span(),
                    format!(
                        "no operation has the path parameter `{}`",
                        parameter.get_ref()
                    ),
                );
                d.label = did_you_mean(parameter.get_ref(), names)
                    .map(|c| format!("did you mean `{c}`?"));
            }
        }
        if let Some(parameter) = &selector.query_parameter {
            let known = operations
                .iter()
                .any(|op| op.query_parameter(parameter.get_ref()).is_some());
            if !known {
                let names: Vec<&str> = operations
                    .iter()
                    .flat_map(|op| op.query_parameters().map(|p| p.name.as_str()))
                    .collect();
                let d = self.at(
                    parameter.span(),
                    format!(
                        "no operation has the query parameter `{}`",
                        parameter.get_ref()
                    ),
                );
                d.label = did_you_mean(parameter.get_ref(), names)
                    .map(|c| format!("did you mean `{c}`?"));
            }
        }
        if let Some(path) = &selector.path
            && !path.get_ref().starts_with('/')
        {
            self.at(path.span(), "a path glob starts with `/`");
        }
        for exclude in &selector.exclude {
            let glob = exclude
                .get_ref()
                .split_once(' ')
                .map_or(exclude.get_ref().as_str(), |(_, p)| p);
            if !glob.starts_with('/') {
                let d = self.at(
                    exclude.span(),
                    "an exclusion is `METHOD /path-glob` or `/path-glob`",
                );
                d.help = Some("e.g. \"DELETE /users/{userUid}\" or \"/asyncActions/**\"".into());
            }
        }
    }
}

/// The tolerated codes and sources of a rule's cases, one shared copy of each distinct one.
#[derive(Default)]
struct Interned {
    tolerate: HashMap<Vec<u16>, Arc<[u16]>>,
}

impl Interned {
    /// What the order of checks lets a console answer instead on this operation, and the
    /// sources, weakened where the request rests on a parameter the version only implies.
    fn judged(
        &mut self,
        base: &super::Expectation,
        op: &Operation,
        request: &RequestSpec,
    ) -> (Arc<[u16]>, Arc<Sources>) {
        let expected = base.error.code();
        let mut codes: Vec<u16> = base.tolerate.to_vec();
        let mut allow = |code: u16| {
            if expected != Some(code) && !codes.contains(&code) {
                codes.push(code);
            }
        };
        // Every UUID in a sweep's path names nothing: a console may look it up first.
        if op.path_parameters.iter().any(|p| p.format == "uuid") {
            allow(404);
        }
        // A body, or a parameter the request leaves out, may be validated first.
        let unsent = op
            .query_parameters()
            .any(|p| p.required && !request.query.iter().any(|(name, _)| *name == p.name));
        if op.body.is_some() || unsent {
            allow(400);
        }
        // The run's own token may lack the role an operation needs.
        if request.credentials == Credentials::Default {
            allow(403);
        }
        codes.sort_unstable();
        let tolerate = match self.tolerate.get(&codes) {
            Some(known) => known.clone(),
            None => self
                .tolerate
                .entry(codes.clone())
                .or_insert_with(|| codes.into())
                .clone(),
        };
        (tolerate, base.sources.clone())
    }
}

struct Templates {
    parameter: Option<String>,
    property: Option<String>,
    message: Option<String>,
}

/// The expectation with `{parameter}` standing for a sample value, to check it once.
fn substitute_expect(def: &super::file::ExpectDef, parameter: &str) -> super::file::ExpectDef {
    let filled = |s: &Option<Spanned<String>>| {
        s.as_ref()
            .map(|v| Spanned::new(v.span(), fill(v.get_ref(), Some(parameter))))
    };
    super::file::ExpectDef {
        code: def.code.clone(),
        oauth2_error: def.oauth2_error.clone(),
        status: def.status.clone(),
        error_type: def.error_type.clone(),
        parameter: filled(&def.parameter),
        property: filled(&def.property),
        message: filled(&def.message),
        tolerate: def.tolerate.clone(),
        source: def.source.clone(),
    }
}

/// Whether every condition of the selector holds for the operation.
pub fn selects(selector: &Selector, op: &Operation) -> bool {
    let body_kind = op.body.as_ref().map(|b| match b.kind {
        BodyKind::Json => BodySelector::Json,
        BodyKind::JsonPatch => BodySelector::JsonPatch,
        BodyKind::Form => BodySelector::Form,
        BodyKind::OctetStream => BodySelector::OctetStream,
        BodyKind::Multipart => BodySelector::Multipart,
    });
    let has_uuid = op.path_parameters.iter().any(|p| p.format == "uuid");
    selector.methods.as_ref().is_none_or(|m| {
        m.get_ref()
            .iter()
            .any(|x| x.eq_ignore_ascii_case(&op.method))
    }) && selector.collection.is_none_or(|c| c == op.collection)
        && selector
            .body
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&body_kind.unwrap_or(BodySelector::None)))
        && selector.uuid_parameter.is_none_or(|u| u == has_uuid)
        && selector
            .parameter
            .as_ref()
            .is_none_or(|p| op.path_parameter(p.get_ref()).is_some())
        && selector.anonymous.is_none_or(|a| a == op.anonymous)
        && selector
            .tags
            .as_ref()
            .is_none_or(|t| t.get_ref().contains(&op.tag))
        && selector
            .query_parameter
            .as_ref()
            .is_none_or(|p| op.query_parameter(p.get_ref()).is_some())
        && selector
            .path
            .as_ref()
            .is_none_or(|g| glob_matches(g.get_ref(), &op.path))
        && !selector.exclude.iter().any(|x| excludes(x.get_ref(), op))
}

fn excludes(pattern: &str, op: &Operation) -> bool {
    match pattern.split_once(' ') {
        Some((method, glob)) => {
            method.eq_ignore_ascii_case(&op.method) && glob_matches(glob.trim(), &op.path)
        }
        None => glob_matches(pattern, &op.path),
    }
}

/// Segment-wise glob: `*` within a segment (any run of characters), `**` any number of segments.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    fn segments(s: &str) -> Vec<&str> {
        s.split('/').filter(|x| !x.is_empty()).collect()
    }
    fn walk(glob: &[&str], path: &[&str]) -> bool {
        match glob.split_first() {
            None => path.is_empty(),
            Some((&"**", rest)) => (0..=path.len()).any(|i| walk(rest, &path[i..])),
            Some((g, rest)) => path
                .split_first()
                .is_some_and(|(p, tail)| segment_matches(g, p) && walk(rest, tail)),
        }
    }
    walk(&segments(glob), &segments(path))
}

fn segment_matches(glob: &str, text: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    if parts.len() == 1 {
        return glob == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(tail) = rest.strip_prefix(part) else {
                return false;
            };
            rest = tail;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The operation's well-formed request with the rule's change applied; `swept` is the path
/// parameter set to the rule's `path_parameter` text.
/// A template of the rule's expectation with `{parameter}` filled in (with nothing when the rule
/// sweeps no path parameter).
fn fill(template: &str, parameter: Option<&str>) -> String {
    const PLACEHOLDER: &str = "{parameter}";
    match template.contains(PLACEHOLDER) {
        true => template.replace(PLACEHOLDER, parameter.unwrap_or("")),
        false => template.to_string(),
    }
}

/// How a generated case names its operation: `GET /users/{userUid}`, with the swept path
/// parameter in parentheses when there is one.
fn operation_label(op: &Operation, parameter: Option<&str>) -> String {
    match parameter {
        Some(p) => [&op.method, " ", &op.path, " (", p, ")"].concat(),
        None => [&op.method, " ", &op.path].concat(),
    }
}

fn request(
    op: &Operation,
    change: &super::file::SweepRequestDef,
    query: &[(String, String)],
    body: Option<&Body>,
    swept: Option<&str>,
) -> RequestSpec {
    let mut path = String::with_capacity(op.path.len() + MISSING_UUID.len());
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) if Some(name) == swept => {
                path.push_str(change.path_parameter.as_deref().unwrap_or(""))
            }
            Some(name) => path.push_str(match op.path_parameter(name).map(|p| p.format) {
                Some("uuid") => MISSING_UUID,
                Some("integer") => PLACEHOLDER_INTEGER,
                _ => PLACEHOLDER_SEGMENT,
            }),
            None => path.push_str(segment),
        }
    }
    // The catalogue's path exactly as written: `/plugins/` keeps its slash.
    if op.path.len() > 1 && op.path.ends_with('/') {
        path.push('/');
    }
    let (default_body, default_type) = match op.body.as_ref().map(|b| b.kind) {
        None => (Body::Empty, None),
        Some(BodyKind::Json) => (Body::Json(serde_json::json!({})), Some("application/json")),
        Some(BodyKind::JsonPatch) => (Body::Json(serde_json::json!([])), Some("application/json")),
        Some(BodyKind::Form) => (
            Body::Form(Vec::new()),
            Some("application/x-www-form-urlencoded"),
        ),
        Some(BodyKind::OctetStream) => (Body::Raw(String::new()), Some("application/octet-stream")),
        Some(BodyKind::Multipart) => (
            Body::Raw("--vspc-conformance--\r\n".into()),
            Some("multipart/form-data; boundary=vspc-conformance"),
        ),
    };
    RequestSpec {
        method: op.method.clone(),
        path,
        query: query.to_vec(),
        headers: change
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        body: body.cloned().unwrap_or(default_body),
        content_type: change
            .content_type
            .clone()
            .or(default_type.map(str::to_string)),
        credentials: change.credentials.unwrap_or_default(),
        burst: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_within_and_across_segments() {
        assert!(glob_matches(
            "/organizations/**",
            "/organizations/companies/{companyUid}"
        ));
        assert!(glob_matches("/organizations/*", "/organizations/companies"));
        assert!(!glob_matches(
            "/organizations/*",
            "/organizations/companies/{companyUid}"
        ));
        assert!(glob_matches("/**/usage", "/organizations/companies/usage"));
        assert!(glob_matches(
            "/infrastructure/backup*",
            "/infrastructure/backupServers"
        ));
        assert!(!glob_matches("/users", "/users/me"));
    }

    #[test]
    fn a_generated_request_keeps_the_catalogues_trailing_slash() {
        let ops = Contract::get().catalogue(ApiVersion::V3_6_1);
        let op = ops
            .get(
                "GET",
                "/organizations/companies/{companyUid}/billing/settings/",
            )
            .unwrap();
        let request = request(op, &Default::default(), &[], None, None);
        assert_eq!(
            request.path,
            format!("/organizations/companies/{MISSING_UUID}/billing/settings/")
        );
    }
}
