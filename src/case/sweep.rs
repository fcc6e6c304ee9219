//! Sweeps: a `[[sweep]]` rule selects operations of the catalogue, breaks each one's well-formed
//! request the same way, and expects the same error from all of them: a few lines of TOML, a
//! case per operation.
//!
//! The well-formed request of an operation: every UUID path parameter is [`MISSING_UUID`] (an id
//! no console has, so even a console that wrongly accepts the broken request finds nothing to
//! change), other path parameters a harmless placeholder, the body an empty one of the
//! operation's kind with its content type, and the default credentials.

use super::file::{BodySelector, BreaksDef, InputSelector, Mutating, RolesDef, Selector, SweepDef};
use super::inputs::{self, Base, Break, Edit, Planned};
use super::values::Samples;
use super::{
    Body, Case, Checker, Credentials, Field, JsonBody, MessagePattern, Origin, RequestSpec,
    Sources, tags,
};
use crate::contract::constraint::Input;
use crate::contract::fact::{self, Source, Strength};
use crate::contract::schema::Keyword;
use crate::contract::{ApiVersion, BodyKind, Contract, Location, Operation, Role, Versions};
use crate::diagnostic::did_you_mean;
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use toml::Spanned;

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
        if let Some(roles) = &rule.roles
            && (rule.breaks.is_some()
                || rule.request.credentials.is_some()
                || rule.request.path_parameter.is_some())
        {
            let d = self.at(
                roles.span(),
                "a rule over roles sends each role's token to the well-formed request, unchanged",
            );
            d.help =
                Some("drop `breaks`, `credentials` and `path_parameter`, or drop `roles`".into());
        }
        let breaks = rule
            .breaks
            .as_ref()
            .and_then(|b| self.check_breaks(b, &rule.request, rule.expect.get_ref()));
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
                Ok(value) => body = Some(Body::Json(JsonBody::new(value))),
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
        if rule.breaks.is_some() && breaks.is_none() {
            return;
        }
        let contract = Contract::get();
        let operations: Vec<(usize, &Operation)> = contract
            .catalogue(self.version)
            .all()
            .iter()
            .enumerate()
            .filter(|(_, op)| selects(&selector, op))
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
        if let Some(breaks) = breaks {
            let plan = inputs::plan(self.version);
            for (index, op) in operations {
                let unscoped_write = op.method != "GET" && !op.has_uuid_parameter();
                let mutating = match rule.mutating {
                    Mutating::None => false,
                    Mutating::All => true,
                    Mutating::UnscopedWrites => unscoped_write,
                };
                let case_tags = if mutating { &mutating_tags } else { &tags };
                let planned = &plan.operations[index];
                for broken in planned.constraints.iter().filter_map(|p| match p {
                    Planned::Break(b) if breaks.selects(b) => Some(b),
                    _ => None,
                }) {
                    let request = broken_request(op, planned.base, broken, &rule.request);
                    let (tolerate, inconclusive_on, _) = interned.judged(&base, op, &request);
                    let input = &broken.constraint.input;
                    let (field, field_source) = match input.is_property() {
                        true => (Field::Property(input.field()), &fact::PROPERTY_NAMED),
                        false => (Field::Parameter(input.field()), &fact::PARAMETER_NAMED),
                    };
                    cases.push(Arc::new(Case {
                        name: case_name(&name, op, Some(&input.to_string())),
                        file: self.file.clone(),
                        position,
                        description: description.clone(),
                        tags: case_tags.clone(),
                        request,
                        expect: super::Expectation {
                            field: Some(field),
                            tolerate,
                            inconclusive_on,
                            sources: interned.break_sources(
                                &breaks,
                                &base.sources,
                                input,
                                field_source,
                            ),
                            ..base.clone()
                        },
                        origin: Origin::Sweep {
                            rule: rule_name.clone(),
                        },
                        versions: Versions::default().with(self.version),
                        broken: Some(broken.clone()),
                    }));
                }
            }
            return;
        }
        let mut regexes: HashMap<String, Result<MessagePattern, String>> = HashMap::new();
        let first = cases.len();
        let catalogue = crate::contract::Contract::get().catalogue(self.version);
        let mut samples = Samples::new(catalogue.schemas());
        cases.reserve(operations.len());
        let roles = catalogue.roles();
        for (index, op) in operations {
            // A rule over roles: each role of the version the operation does not admit.
            let refused: Vec<Option<Role>> = match rule.roles.as_ref().map(|r| *r.get_ref()) {
                Some(RolesDef::Refused) => {
                    roles.iter().filter(|r| !op.admits(*r)).map(Some).collect()
                }
                None => vec![None],
            };
            let swept: Vec<Option<&str>> = match &rule.request.path_parameter {
                Some(_) => op
                    .path_parameters
                    .iter()
                    .filter(|p| p.format == "uuid")
                    .map(|p| Some(p.name.as_str()))
                    .collect(),
                None => vec![None],
            };
            for (parameter, role) in swept
                .iter()
                .flat_map(|p| refused.iter().map(move |r| (*p, *r)))
            {
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
                let unscoped_write =
                    op.method != "GET" && !op.path_parameters.iter().any(|p| p.format == "uuid");
                let mutating = match rule.mutating {
                    Mutating::None => false,
                    Mutating::All => true,
                    Mutating::UnscopedWrites => unscoped_write,
                };
                let case_tags = if mutating { &mutating_tags } else { &tags };
                let well_formed = inputs::base(self.version, index, &mut samples);
                let mut request = request(
                    op,
                    well_formed,
                    &rule.request,
                    &query,
                    body.as_ref(),
                    parameter,
                );
                if let Some(role) = role {
                    request.credentials = Credentials::Role(role);
                }
                let (tolerate, inconclusive_on, sources) = interned.judged(&base, op, &request);
                cases.push(Arc::new(Case {
                    name: case_name(&name, op, parameter.or(role.map(Role::as_str))),
                    file: self.file.clone(),
                    position,
                    description: description.clone(),
                    tags: case_tags.clone(),
                    request,
                    expect: super::Expectation {
                        field,
                        message,
                        tolerate,
                        inconclusive_on,
                        sources,
                        ..base.clone()
                    },
                    origin: Origin::Sweep {
                        rule: rule_name.clone(),
                    },
                    versions: Versions::default().with(self.version),
                    broken: None,
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
        let version = self.version;
        // A name the version under test knows is checked there alone: the other versions' specs
        // are parsed only to tell a typo from a name another version has.
        let known_anywhere = |known: &dyn Fn(&Operation) -> bool| {
            contract.catalogue(version).all().iter().any(known)
                || ApiVersion::ALL
                    .into_iter()
                    .filter(|v| *v != version)
                    .any(|v| contract.catalogue(v).all().iter().any(known))
        };
        let every_operation = || {
            ApiVersion::ALL
                .into_iter()
                .flat_map(|v| contract.catalogue(v).all())
                .collect::<Vec<&Operation>>()
        };
        if let Some(tags) = &selector.tags {
            for tag in tags.get_ref() {
                if !known_anywhere(&|op| op.tag == *tag) {
                    let mut known: Vec<&str> =
                        every_operation().iter().map(|op| op.tag.as_str()).collect();
                    known.sort_unstable();
                    known.dedup();
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
            let name = parameter.get_ref();
            if !known_anywhere(&|op| op.path_parameter(name).is_some()) {
                let operations = every_operation();
                let names: Vec<&str> = operations
                    .iter()
                    .flat_map(|op| op.path_parameters.iter().map(|p| p.name.as_str()))
                    .collect();
                let d = self.at(
                    parameter.span(),
                    format!("no operation has the path parameter `{name}`"),
                );
                d.label = did_you_mean(name, names).map(|c| format!("did you mean `{c}`?"));
            }
        }
        if let Some(parameter) = &selector.query_parameter {
            let name = parameter.get_ref();
            if !known_anywhere(&|op| op.query_parameter(name).is_some()) {
                let operations = every_operation();
                let names: Vec<&str> = operations
                    .iter()
                    .flat_map(|op| op.query_parameters().map(|p| p.name.as_str()))
                    .collect();
                let d = self.at(
                    parameter.span(),
                    format!("no operation has the query parameter `{name}`"),
                );
                d.label = did_you_mean(name, names).map(|c| format!("did you mean `{c}`?"));
            }
        }
        for role in [&selector.admits, &selector.refuses].into_iter().flatten() {
            let name = role.get_ref();
            if Role::parse(name).is_none() {
                let names = Role::ALL.map(Role::as_str);
                let d = self.at(role.span(), format!("`{name}` is not a role of the specs"));
                d.label = did_you_mean(name, names).map(|c| format!("did you mean `{c}`?"));
                d.help = Some(format!("the roles are {}", names.join(", ")));
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

/// A list of status codes, shared by the cases it is the same for.
type Codes = Arc<[u16]>;

/// What decides the codes that make a sweep's case inconclusive: whether its request names ids,
/// and the credentials it sends.
type Precondition = (bool, Credentials);

/// The tolerated and inconclusive codes of a rule's cases, one shared copy of each distinct
/// list, and the sources of its breaks.
#[derive(Default)]
struct Interned {
    lists: HashMap<Vec<u16>, Arc<[u16]>>,
    /// The rule's tolerated codes as written, and their shared copy: asked for every case.
    tolerated: Option<(Codes, Codes)>,
    /// What makes a case inconclusive, by whether the request names ids and the credentials
    /// (a few of them: looked through, not hashed, for every case).
    first: Vec<(Precondition, Codes)>,
    /// Whether a base body names an id, by the address of the shared base (held, so that the
    /// address is not reused).
    body_ids: HashMap<usize, (Arc<serde_json::Value>, bool)>,
    /// A break's sources, by whether it names a property and the reading it rests on.
    sources: HashMap<(bool, Option<String>), Arc<Sources>>,
}

impl Interned {
    /// A uuid anywhere in the base body (`resellerUid` of a new company): ids that exist
    /// nowhere, which a console may look up before it validates or checks the role.
    fn body_names_an_id(&mut self, body: &Body) -> bool {
        fn names(value: &serde_json::Value) -> bool {
            match value {
                serde_json::Value::String(s) => crate::contract::schema::is_uuid(s),
                serde_json::Value::Array(items) => items.iter().any(names),
                serde_json::Value::Object(map) => map.values().any(names),
                _ => false,
            }
        }
        let Body::Json(json) = body else {
            return false;
        };
        let base = json.base();
        self.body_ids
            .entry(Arc::as_ptr(base) as usize)
            .or_insert_with(|| (base.clone(), names(base)))
            .1
    }

    /// A break's sources, one shared copy per kind of input and reading.
    fn break_sources(
        &mut self,
        breaks: &Breaks,
        base: &Arc<Sources>,
        input: &Input,
        field: &Source,
    ) -> Arc<Sources> {
        let reading = breaks.reading_of(input).map(str::to_string);
        let key = (input.is_property(), reading);
        self.sources
            .entry(key)
            .or_insert_with(|| breaks.sources(base, input, field))
            .clone()
    }

    fn shared(&mut self, mut codes: Vec<u16>) -> Arc<[u16]> {
        codes.sort_unstable();
        codes.dedup();
        if let Some(known) = self.lists.get(&codes) {
            return known.clone();
        }
        self.lists
            .entry(codes.clone())
            .or_insert_with(|| codes.into())
            .clone()
    }

    /// What the rule tolerates, what the order of checks makes inconclusive on this operation,
    /// and the rule's sources.
    fn judged(
        &mut self,
        base: &super::Expectation,
        op: &Operation,
        request: &RequestSpec,
    ) -> (Arc<[u16]>, Arc<[u16]>, Arc<Sources>) {
        let key = (
            !op.path_parameters.is_empty() || self.body_names_an_id(&request.body),
            request.credentials,
        );
        let first = match self.first.iter().find(|(k, _)| *k == key) {
            Some((_, known)) => known.clone(),
            None => {
                let expected = base.error.code();
                let mut first: Vec<u16> = base.inconclusive_on.to_vec();
                // Every id in a sweep's path or base body names nothing: a console may look it
                // up first (a call that must only be let through is let through by a 404 too).
                if key.0 && expected.is_some() {
                    first.push(404);
                }
                // The run's own token: a console may check it, and the role it carries, first.
                if request.credentials == Credentials::Default {
                    first.extend([401, 403]);
                }
                first.retain(|c| Some(*c) != expected);
                let shared = self.shared(first);
                self.first.push((key, shared.clone()));
                shared
            }
        };
        let tolerate = match &self.tolerated {
            Some((written, shared)) if Arc::ptr_eq(written, &base.tolerate) => shared.clone(),
            _ => {
                let shared = self.shared(base.tolerate.to_vec());
                self.tolerated = Some((base.tolerate.clone(), shared.clone()));
                shared
            }
        };
        (tolerate, first, base.sources.clone())
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
        admitted: def.admitted.clone(),
        status: def.status.clone(),
        error_type: def.error_type.clone(),
        parameter: filled(&def.parameter),
        property: filled(&def.property),
        message: filled(&def.message),
        tolerate: def.tolerate.clone(),
        inconclusive_on: def.inconclusive_on.clone(),
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
        && selector
            .admits
            .as_ref()
            .is_none_or(|r| Role::parse(r.get_ref()).is_some_and(|r| op.admits(r)))
        && selector
            .refuses
            .as_ref()
            .is_none_or(|r| Role::parse(r.get_ref()).is_some_and(|r| !op.admits(r)))
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
                .is_some_and(|(p, tail)| wildcard_matches(g, p) && walk(rest, tail)),
        }
    }
    walk(&segments(glob), &segments(path))
}

/// `*` stands for any run of characters (none included), every other character for itself: a
/// segment of a path glob, or a baseline entry's glob over test names.
pub fn wildcard_matches(glob: &str, text: &str) -> bool {
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

/// A generated case's name: `sweep::<rule>::GET /users/{userUid}`, with what the case varies
/// (the swept path parameter, the role, the broken input) in parentheses when there is one.
/// Written in one piece, sized exactly: every case of a run holds one.
fn case_name(rule: &str, op: &Operation, detail: Option<&str>) -> String {
    let parts = ["sweep::", rule, "::", &op.method, " ", &op.path];
    let tail = detail.map_or(["", "", ""], |d| [" (", d, ")"]);
    let mut name = String::with_capacity(parts.iter().chain(&tail).map(|p| p.len()).sum());
    for part in parts.iter().chain(&tail) {
        name.push_str(part);
    }
    name
}

/// The path of the base request with one path parameter's value replaced.
fn path_with(op: &Operation, base: &Base, name: &str, value: &str) -> String {
    let mut path = String::with_capacity(base.path.len());
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(n) if n == name => path.push_str(value),
            Some(n) => path.push_str(
                base.path_values
                    .iter()
                    .find(|(p, _)| p == n)
                    .map_or("", |(_, v)| v.as_str()),
            ),
            None => path.push_str(segment),
        }
    }
    // The spec's path exactly as written: `/plugins/` keeps its slash.
    if op.path.len() > 1 && op.path.ends_with('/') {
        path.push('/');
    }
    path
}

/// `list` with `name` set to `value`, or taken out (None).
/// `list` with each pair of `set` (names distinct) in place of the pairs of its name; a name
/// set to None is left out.
fn with_pairs<'a>(
    list: &[(String, String)],
    set: impl Iterator<Item = (&'a str, Option<&'a str>)> + Clone,
) -> Vec<(String, String)> {
    // Sized once: a run holds every generated case, and a vector grown by pushes holds twice
    // the room of its pairs.
    let mut out = Vec::with_capacity(list.len() + set.clone().count());
    out.extend(
        list.iter()
            .filter(|(n, _)| !set.clone().any(|(name, _)| name == n))
            .cloned(),
    );
    out.extend(set.filter_map(|(name, value)| Some((name.to_string(), value?.to_string()))));
    out.shrink_to_fit();
    out
}

/// The operation's well-formed request with the rule's change applied; `swept` is the path
/// parameter set to the rule's `path_parameter` text.
fn request(
    op: &Operation,
    base: &Base,
    change: &super::file::SweepRequestDef,
    query: &[(String, String)],
    body: Option<&Body>,
    swept: Option<&str>,
) -> RequestSpec {
    let path = match swept {
        Some(name) => path_with(
            op,
            base,
            name,
            change.path_parameter.as_deref().unwrap_or(""),
        ),
        None => base.path.clone(),
    };
    RequestSpec {
        method: op.method.clone(),
        path,
        query: with_pairs(
            &base.query,
            query.iter().map(|(n, v)| (n.as_str(), Some(v.as_str()))),
        ),
        headers: with_pairs(
            &base.headers,
            change
                .headers
                .iter()
                .map(|(n, v)| (n.as_str(), Some(v.as_str()))),
        ),
        body: body.cloned().unwrap_or_else(|| base.body.clone()),
        content_type: change.content_type.clone().or(base.content_type.clone()),
        credentials: change.credentials.unwrap_or_default(),
        burst: None,
    }
}

/// The operation's well-formed request with one declared constraint broken.
fn broken_request(
    op: &Operation,
    base: &Base,
    broken: &Break,
    change: &super::file::SweepRequestDef,
) -> RequestSpec {
    // Each part is the base's, or the base's with the break: made once, never copied over.
    let (mut path, mut query, mut headers, mut body) = (None, None, None, None);
    match &broken.edit {
        Edit::Parameter {
            location: Location::Path,
            name,
            value,
        } => path = Some(path_with(op, base, name, value.as_deref().unwrap_or(""))),
        Edit::Parameter {
            location: Location::Query,
            name,
            value,
        } => {
            query = Some(with_pairs(
                &base.query,
                [(&**name, value.as_deref())].into_iter(),
            ))
        }
        Edit::Parameter { name, value, .. } => {
            headers = Some(with_pairs(
                &base.headers,
                [(&**name, value.as_deref())].into_iter(),
            ))
        }
        Edit::Body(edits) => {
            if let Body::Json(json) = &base.body {
                body = Some(Body::Json(JsonBody::edited(
                    json.base().clone(),
                    edits.clone(),
                )));
            }
        }
    }
    RequestSpec {
        method: op.method.clone(),
        path: path.unwrap_or_else(|| base.path.clone()),
        query: query.unwrap_or_else(|| base.query.clone()),
        headers: headers.unwrap_or_else(|| base.headers.clone()),
        body: body.unwrap_or_else(|| base.body.clone()),
        content_type: base.content_type.clone(),
        credentials: change.credentials.unwrap_or_default(),
        burst: None,
    }
}

/// A rule's `breaks`, checked: which constraints it breaks, and which rest on a reading.
struct Breaks {
    keyword: Keyword,
    locations: Vec<InputSelector>,
    readings: Vec<(String, Source)>,
}

impl Breaks {
    fn selects(&self, broken: &Break) -> bool {
        let c = &broken.constraint;
        let at = match &c.input {
            Input::Parameter { location, .. } => match location {
                Location::Path => InputSelector::Path,
                Location::Query => InputSelector::Query,
                Location::Header => InputSelector::Header,
            },
            Input::Property(_) => InputSelector::Body,
        };
        c.keyword == self.keyword && (self.locations.is_empty() || self.locations.contains(&at))
    }

    /// The name of the reading the input's constraint rests on, when the rule gives one.
    fn reading_of(&self, input: &Input) -> Option<&str> {
        let name = input.field();
        self.readings
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, _)| n.as_str())
    }

    /// The case's sources: the declared constraint for the code (a reading where the rule says
    /// so), the member that names the input for the field.
    fn sources(&self, base: &Arc<Sources>, input: &Input, field: &Source) -> Arc<Sources> {
        let name = input.field();
        let code = match self.readings.iter().find(|(n, _)| *n == name) {
            Some((_, reading)) => reading.clone(),
            None => base.code.clone().unwrap_or(fact::DECLARED_CONSTRAINT),
        };
        let field = match input.is_property() {
            true => field.clone(),
            false => base.field.clone().unwrap_or_else(|| field.clone()),
        };
        Arc::new(Sources {
            code: Some(code),
            field: Some(field),
            ..(**base).clone()
        })
    }
}

impl Checker<'_> {
    /// A rule's `breaks`: a known keyword, no other change to the request than its credentials,
    /// and no field of its own (the field is the broken input's).
    fn check_breaks(
        &mut self,
        def: &Spanned<BreaksDef>,
        r: &super::file::SweepRequestDef,
        e: &super::file::ExpectDef,
    ) -> Option<Breaks> {
        let before = self.problems.len();
        let keyword_text = def.get_ref().keyword.get_ref();
        let keyword = Keyword::parse(keyword_text);
        if keyword.is_none() {
            let names = Keyword::ALL.map(Keyword::as_str);
            let d = self.at(
                def.get_ref().keyword.span(),
                format!("`{keyword_text}` is not a keyword a constraint is declared with"),
            );
            d.label = did_you_mean(keyword_text, names).map(|c| format!("did you mean `{c}`?"));
            d.help = Some(format!("expected one of: {}", names.join(", ")));
        }
        if r.json.is_some()
            || r.raw.is_some()
            || r.path_parameter.is_some()
            || !r.query.is_empty()
            || !r.headers.is_empty()
            || r.content_type.is_some()
        {
            let d = self.at(
                def.span(),
                "a rule that breaks declared constraints changes nothing else of the request",
            );
            d.help = Some("keep only `credentials` in [sweep.request], or drop `breaks`".into());
        }
        if let Some(field) = e.parameter.as_ref().or(e.property.as_ref()) {
            let d = self.at(
                field.span(),
                "the field of a broken constraint is its input's own",
            );
            d.help =
                Some("drop `parameter`/`property`: each case names the input it breaks".into());
        }
        if self.problems.len() > before {
            return None;
        }
        Some(Breaks {
            keyword: keyword?,
            locations: def.get_ref().inputs.clone(),
            readings: def
                .get_ref()
                .readings
                .iter()
                .map(|(name, why)| (name.clone(), Source::new(Strength::Reading, why.clone())))
                .collect(),
        })
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
        let index = ops.all().iter().position(|o| std::ptr::eq(o, op)).unwrap();
        let base = inputs::base(ApiVersion::V3_6_1, index, &mut Samples::new(ops.schemas()));
        let request = request(op, base, &Default::default(), &[], None, None);
        assert_eq!(
            request.path,
            format!(
                "/organizations/companies/{}/billing/settings/",
                crate::case::MISSING_UUID
            )
        );
    }
}
