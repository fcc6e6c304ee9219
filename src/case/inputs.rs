//! The inputs plan of a version: for each operation, a request that is well formed by its spec
//! (the base: path ids that exist nowhere, every required parameter, a body that validates),
//! and for each constraint the spec declares on its inputs
//! ([`crate::contract::constraint`]) one break of exactly that constraint, or the reason it
//! cannot be broken alone.
//!
//! Every request here is checked with the one validator of requests ([`input::validate`]): the
//! base has no violation, and a break has violations at its input only, the broken keyword
//! among them. The plan of a version is made once per process ([`plan`]) and shared by every
//! sweep rule that reads it, and by coverage for the reasons.
//!
//! The base body is the spec's example where it validates, else one built from the schema
//! (required properties only). To reach an optional property, the break first fills the path to
//! it with accepted values.

use super::cores::across_cores;
use super::values::{self, MISSING_INTEGER, MISSING_UUID, Samples};
// Made in values.rs, which decides some of them (a keyword that no value breaks) below the plan.
pub use super::values::Why;
use super::{Body, JsonBody, JsonEdit, replace};
use crate::contract::constraint::{Constraint, Input};
use crate::contract::input::{self, Binding, Inputs, Place};
use crate::contract::schema::{
    Format, Keyword, Mode, Problem, SchemaId, Schemas, Step, Type, dotted,
};
use crate::contract::{
    ApiVersion, BodyKind, Contract, Location, Operation, Parameter, ParameterRole,
};
use serde_json::Value;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// Where the base body comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFrom {
    /// The spec's example, which validates.
    Example,
    /// Built from the schema: the example is missing or does not validate.
    Schema,
}

/// An operation's well-formed request.
#[derive(Debug, Clone)]
pub struct Base {
    /// The path under `/api/v3` with every parameter filled (a UUID that exists nowhere, other
    /// parameters an accepted value), the spec's trailing slash kept.
    pub path: String,
    pub path_values: Vec<(String, String)>,
    /// The required query parameters, with accepted values.
    pub query: Vec<(String, String)>,
    /// The required headers (`X-Client-Version` aside), with accepted values.
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub content_type: Option<String>,
    pub body_from: Option<BodyFrom>,
    /// Why the base is not well formed, when no accepted value could be found for some input.
    pub flaw: Option<String>,
}

/// How a break breaks its constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    LeftOut,
    WrongType,
    NotJson,
    BelowMinimum,
    AboveMaximum,
    TooShort,
    TooLong,
    NoMatch,
    NotInEnum,
    TooFewItems,
    TooManyItems,
    DuplicateItems,
}

impl BreakKind {
    fn of(keyword: Keyword, json: bool) -> BreakKind {
        match keyword {
            Keyword::Required => BreakKind::LeftOut,
            Keyword::Type if json => BreakKind::NotJson,
            Keyword::Type => BreakKind::WrongType,
            Keyword::Minimum => BreakKind::BelowMinimum,
            Keyword::Maximum => BreakKind::AboveMaximum,
            Keyword::MinLength => BreakKind::TooShort,
            Keyword::MaxLength => BreakKind::TooLong,
            Keyword::Pattern => BreakKind::NoMatch,
            Keyword::Enum => BreakKind::NotInEnum,
            Keyword::MinItems => BreakKind::TooFewItems,
            Keyword::MaxItems => BreakKind::TooManyItems,
            Keyword::UniqueItems => BreakKind::DuplicateItems,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BreakKind::LeftOut => "left_out",
            BreakKind::WrongType => "wrong_type",
            BreakKind::NotJson => "not_json",
            BreakKind::BelowMinimum => "below_minimum",
            BreakKind::AboveMaximum => "above_maximum",
            BreakKind::TooShort => "too_short",
            BreakKind::TooLong => "too_long",
            BreakKind::NoMatch => "no_match",
            BreakKind::NotInEnum => "not_in_enum",
            BreakKind::TooFewItems => "too_few_items",
            BreakKind::TooManyItems => "too_many_items",
            BreakKind::DuplicateItems => "duplicate_items",
        }
    }
}

impl fmt::Display for BreakKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a break changes in the base request.
#[derive(Debug, Clone)]
pub enum Edit {
    /// A parameter set to `value`, or left out (None).
    Parameter {
        location: Location,
        name: String,
        value: Option<String>,
    },
    /// The base body with these edits: the path to the input filled where the base lacks it,
    /// then the input broken.
    Body(Arc<[JsonEdit]>),
}

/// One declared constraint, broken.
#[derive(Debug, Clone)]
pub struct Break {
    pub constraint: Constraint,
    /// The constraint as the census names it (`query limit: maximum`): what coverage counts.
    pub label: String,
    /// The constraint's place in the operation's census (`Operations::constraints`).
    pub index: usize,
    pub kind: BreakKind,
    pub edit: Edit,
    /// The value sent, as reports show it (`-1`, `"xxxx…"`, `(left out)`).
    pub shown: String,
    /// Other keywords of the same input the value breaks too, where no value breaks this one
    /// alone (`offset` one above 2147483647 is also outside int32).
    pub also: Vec<Keyword>,
}

/// A constraint of the census, planned.
#[derive(Debug, Clone)]
pub enum Planned {
    Break(Arc<Break>),
    /// It cannot be broken alone.
    Untestable(Untestable),
}

/// Why a declared constraint cannot be broken alone, and the detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untestable {
    pub why: Why,
    pub detail: Arc<str>,
}

fn untestable(why: Why, detail: impl Into<String>) -> Untestable {
    Untestable {
        why,
        detail: Arc::from(detail.into()),
    }
}

impl fmt::Display for Untestable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

/// One operation's plan: its base request, and each of its constraints planned, in census order.
#[derive(Debug)]
pub struct OperationPlan {
    pub base: &'static Base,
    pub constraints: Vec<Planned>,
}

/// A version's plan, in catalogue order.
#[derive(Debug)]
pub struct Plan {
    pub version: ApiVersion,
    pub operations: Vec<OperationPlan>,
}

/// Where a version's once-per-process values sit in their arrays.
fn version_slot(version: ApiVersion) -> usize {
    ApiVersion::ALL
        .iter()
        .position(|v| *v == version)
        .unwrap_or(0)
}

/// The well-formed request of the operation at `index` of a version's catalogue, made once per
/// process when first asked for: a sweep rule that breaks no input asks for those of the
/// operations it selects (a few hundred GETs cost next to nothing; the bodies of the writes are
/// most of the work), the plan of breaks for every one. `samples`, of that version's schemas,
/// keeps the values made for the next request.
pub fn base(version: ApiVersion, index: usize, samples: &mut Samples) -> &'static Base {
    static BASES: [OnceLock<Box<[OnceLock<Base>]>>; ApiVersion::ALL.len()] =
        [const { OnceLock::new() }; ApiVersion::ALL.len()];
    let catalogue = Contract::get().catalogue(version);
    let slots = BASES[version_slot(version)]
        .get_or_init(|| (0..catalogue.len()).map(|_| OnceLock::new()).collect());
    slots[index].get_or_init(|| make_base(&catalogue.all()[index], samples))
}

/// The plan of a version, made once per process.
pub fn plan(version: ApiVersion) -> &'static Plan {
    static PLANS: [OnceLock<Plan>; ApiVersion::ALL.len()] =
        [const { OnceLock::new() }; ApiVersion::ALL.len()];
    PLANS[version_slot(version)].get_or_init(|| {
        let catalogue = Contract::get().catalogue(version);
        let census = catalogue.constraints();
        // Each operation's plan depends on nothing but its own spec.
        let operations = across_cores(
            catalogue.len(),
            || Samples::new(catalogue.schemas()),
            |samples, i| {
                let base = base(version, i, samples);
                plan_operation(&catalogue.all()[i], base, samples, &census[i])
            },
        );
        Plan {
            version,
            operations,
        }
    })
}

fn plan_operation(
    op: &Operation,
    base: &'static Base,
    samples: &mut Samples,
    census: &[Constraint],
) -> OperationPlan {
    let mut planner = Planner {
        op,
        base,
        samples,
        work: None,
        reach: None,
    };
    let constraints = census
        .iter()
        .enumerate()
        .map(
            |(index, constraint)| match planner.plan(constraint, index) {
                Ok(planned) => Planned::Break(Arc::new(planned)),
                Err(why) => Planned::Untestable(why),
            },
        )
        .collect();
    OperationPlan { base, constraints }
}

/// A parameter's accepted value as text.
fn text_sample(samples: &mut Samples, parameter: &Parameter) -> Option<String> {
    if parameter.json {
        return Some("[]".to_string());
    }
    let Some(id) = parameter.schema else {
        return Some("vspc-conformance".to_string());
    };
    let view = samples.schemas().view(id);
    if view.schema.ty == Some(Type::Array) {
        let item = view.schema.items?;
        return samples.sample(item).map(|v| as_text(&v));
    }
    if view.schema.format == Some(Format::Uuid) {
        return Some(MISSING_UUID.to_string());
    }
    samples.sample(id).map(|v| as_text(&v))
}

/// A JSON scalar as a parameter carries it.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The operation's well-formed request.
fn make_base(op: &Operation, samples: &mut Samples) -> Base {
    let schemas = samples.schemas();
    let mut flaw: Option<String> = None;
    let mut path_values = Vec::new();
    for p in op.path_parameters.iter() {
        let declared = op
            .parameters
            .iter()
            .find(|d| d.location == Location::Path && d.name == p.name);
        let value = match (p.format, declared) {
            ("uuid", _) => Some(MISSING_UUID.to_string()),
            // An id no console has, where the schema allows it.
            ("integer", Some(declared))
                if declared.schema.is_none_or(|id| {
                    values::accepts(schemas, id, &Value::from(MISSING_INTEGER))
                }) =>
            {
                Some(MISSING_INTEGER.to_string())
            }
            (_, Some(declared)) => text_sample(samples, declared),
            (_, None) => Some("vspc-conformance".to_string()),
        };
        let value = value.unwrap_or_else(|| {
            flaw.get_or_insert(format!(
                "no accepted value for the path parameter `{}`",
                p.name
            ));
            "vspc-conformance".to_string()
        });
        path_values.push((p.name.clone(), value));
    }
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for p in op
        .parameters
        .iter()
        .filter(|p| p.required && p.location != Location::Path && !p.is_client_version())
    {
        let value = text_sample(samples, p).unwrap_or_else(|| {
            flaw.get_or_insert(format!(
                "no accepted value for the {} parameter `{}`",
                p.location.as_str(),
                p.name
            ));
            "vspc-conformance".to_string()
        });
        match p.location {
            Location::Query => query.push((p.name.clone(), value)),
            _ => headers.push((p.name.clone(), value)),
        }
    }
    let (body, content_type, body_from) = match &op.body {
        None => (Body::Empty, None, None),
        Some(spec) => match spec.kind {
            BodyKind::Json | BodyKind::JsonPatch => {
                let accepted =
                    |v: &Value| input::body(op, schemas, Some(v), Binding::EXACT).is_empty();
                let from_example = spec.example.as_ref().filter(|e| accepted(e));
                let (value, from) = match from_example {
                    Some(example) => (Some(example.clone()), BodyFrom::Example),
                    None => (
                        samples.sample(spec.schema).filter(|v| accepted(v)),
                        BodyFrom::Schema,
                    ),
                };
                let value = value.unwrap_or_else(|| {
                    flaw.get_or_insert("no body built from the schema validates".to_string());
                    match spec.kind {
                        BodyKind::JsonPatch => Value::Array(Vec::new()),
                        _ => Value::Object(serde_json::Map::new()),
                    }
                });
                (
                    Body::Json(JsonBody::new(value)),
                    Some("application/json".to_string()),
                    Some(from),
                )
            }
            BodyKind::Form => (
                Body::Form(Vec::new()),
                Some("application/x-www-form-urlencoded".to_string()),
                None,
            ),
            BodyKind::OctetStream => (
                Body::Raw("vspc-conformance".to_string()),
                Some("application/octet-stream".to_string()),
                None,
            ),
            BodyKind::Multipart => (
                Body::Raw("--vspc-conformance--\r\n".to_string()),
                Some("multipart/form-data; boundary=vspc-conformance".to_string()),
                None,
            ),
        },
    };
    let mut path = String::with_capacity(op.path.len() + MISSING_UUID.len());
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => path.push_str(
                path_values
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or("vspc-conformance", |(_, v)| v.as_str()),
            ),
            None => path.push_str(segment),
        }
    }
    if op.path.len() > 1 && op.path.ends_with('/') {
        path.push('/');
    }
    let base = Base {
        path,
        path_values,
        query,
        headers,
        body,
        content_type,
        body_from,
        flaw,
    };
    let first = validate_base(op, schemas, &base, None).into_iter().next();
    match (&base.flaw, first) {
        (None, Some(first)) => Base {
            flaw: Some(format!("the base request breaks {}", describe(&first))),
            ..base
        },
        _ => base,
    }
}

fn describe(invalid: &input::Invalid) -> String {
    let place = match &invalid.place {
        Place::Parameter(location, name) => format!("{} {name}", location.as_str()),
        Place::Property(at) => format!("body {}", dotted(at)),
    };
    format!("{place}: {}", invalid.problem.keyword())
}

/// The violations of the base request with a parameter edited (the body, unchanged, only
/// when `with_body`).
fn validate_base(
    op: &Operation,
    schemas: &Schemas,
    base: &Base,
    edit: Option<(&Location, &str, &Option<String>)>,
) -> Vec<input::Invalid> {
    let mut path: Vec<(&str, String)> = base
        .path_values
        .iter()
        .map(|(n, v)| (n.as_str(), v.clone()))
        .collect();
    let mut query = base.query.clone();
    let mut headers = base.headers.clone();
    match edit {
        Some((Location::Path, name, value)) => {
            for (_, v) in path.iter_mut().filter(|(n, _)| *n == name) {
                *v = value.clone().unwrap_or_default();
            }
        }
        Some((location, name, value)) => {
            let list = match location {
                Location::Query => &mut query,
                _ => &mut headers,
            };
            list.retain(|(n, _)| n != name);
            if let Some(value) = value {
                list.push((name.to_string(), value.clone()));
            }
        }
        None => {}
    }
    let body = match (&base.body, edit) {
        (Body::Json(json), None) => Some(&**json.base()),
        _ => None,
    };
    let inputs = Inputs {
        path: &path,
        query: &query,
        headers: &headers,
        body,
    };
    input::validate(op, schemas, inputs, Binding::EXACT)
}

/// How one path is reached in the base body: the edit that fills the missing part of the
/// path (None: the base has it), and the schema at its end.
struct Reach {
    path: Arc<[Step]>,
    fill: Option<JsonEdit>,
    leaf: SchemaId,
    /// An enclosing list declares uniqueItems: a changed item may now repeat another.
    in_unique_list: bool,
}

struct Planner<'a, 'b> {
    op: &'a Operation,
    base: &'a Base,
    samples: &'a mut Samples<'b>,
    /// The base body, changed and restored for each candidate.
    work: Option<Value>,
    /// The last path reached: a property's constraints follow each other in the census.
    reach: Option<Result<Reach, String>>,
}

impl Planner<'_, '_> {
    fn plan(&mut self, constraint: &Constraint, index: usize) -> Result<Break, Untestable> {
        if let Some(flaw) = &self.base.flaw {
            return Err(untestable(
                Why::NoWellFormedRequest,
                format!("no well-formed request to break it in: {flaw}"),
            ));
        }
        match &constraint.input {
            Input::Parameter {
                location,
                name,
                item,
            } => self.parameter(constraint, index, *location, name, *item),
            Input::Property(path) => self.property(constraint, index, path),
        }
    }

    fn parameter(
        &mut self,
        constraint: &Constraint,
        index: usize,
        location: Location,
        name: &str,
        item: bool,
    ) -> Result<Break, Untestable> {
        let schemas = self.samples.schemas();
        let declared = self
            .op
            .parameters
            .iter()
            .find(|p| p.location == location && p.name == name)
            .ok_or_else(|| untestable(Why::UndefinedSchema, "the parameter is not declared"))?;
        let keyword = constraint.keyword;
        let mut texts: Vec<Option<String>> = Vec::new();
        let mut json = false;
        if keyword == Keyword::Required {
            if location == Location::Path {
                return Err(untestable(
                    Why::PathParameter,
                    "a path parameter is part of the route: without it the path is another one",
                ));
            }
            texts.push(None);
        } else if declared.json {
            json = true;
            texts.push(Some(
                match declared.role {
                    Some(ParameterRole::Sort) => r#"[{"property":"#,
                    Some(ParameterRole::Select) => r#"{"propertyPath""#,
                    _ => r#"[{"property":"name","#,
                }
                .to_string(),
            ));
        } else {
            let id = constraint
                .schema
                .ok_or_else(|| untestable(Why::UndefinedSchema, "the parameter has no schema"))?;
            let view = schemas.view(id);
            if let Some(name) = view.dangling {
                return Err(untestable(
                    Why::UndefinedSchema,
                    format!("its schema `{name}` is not defined by the document"),
                ));
            }
            if keyword == Keyword::Type {
                if view.schema.ty == Some(Type::Array) && !item {
                    return Err(untestable(
                        Why::ArrayParameter,
                        "an array parameter is its repeated values: any values make a list",
                    ));
                }
                let wrong = values::wrong_text(view).ok_or_else(|| {
                    untestable(
                        Why::AnyText,
                        format!(
                            "every {} value is text, which a string without a checked format accepts",
                            location.as_str()
                        ),
                    )
                })?;
                texts.push(Some(wrong));
            } else {
                if let Some((why, detail)) = values::unbreakable(view, keyword) {
                    return Err(untestable(why, detail));
                }
                let valid = self.samples.sample(id).unwrap_or(Value::Null);
                texts = values::breaking(self.samples, view, keyword, &valid)
                    .iter()
                    .map(|v| Some(as_text(v)))
                    .collect();
                if !texts.is_empty() && texts.iter().all(|t| t.as_deref() == Some("")) {
                    return Err(match location {
                        Location::Path => untestable(
                            Why::PathParameter,
                            "an empty path segment makes the path another one",
                        ),
                        _ => untestable(
                            Why::EmptyValue,
                            format!("an empty {} value reads as no value", location.as_str()),
                        ),
                    });
                }
            }
        }
        let mut last = format!("no value breaks its {keyword}");
        let mut fallback = None;
        for text in texts {
            let found = validate_base(self.op, schemas, self.base, Some((&location, name, &text)));
            let shown = text.clone().unwrap_or_else(|| "(left out)".to_string());
            match verdict(found, &constraint.input, keyword, &shown) {
                Ok(also) => {
                    let made = Break {
                        label: constraint.to_string(),
                        constraint: constraint.clone(),
                        index,
                        kind: BreakKind::of(keyword, json),
                        edit: Edit::Parameter {
                            location,
                            name: name.to_string(),
                            value: text,
                        },
                        shown,
                        also,
                    };
                    if made.also.is_empty() {
                        return Ok(made);
                    }
                    fallback.get_or_insert(made);
                }
                Err(why) => last = why,
            }
        }
        fallback.ok_or_else(|| untestable(Why::NoBreakingValue, last))
    }

    fn property(
        &mut self,
        constraint: &Constraint,
        index: usize,
        path: &Arc<[Step]>,
    ) -> Result<Break, Untestable> {
        let schemas = self.samples.schemas();
        let Some(spec) = &self.op.body else {
            return Err(untestable(
                Why::NoWellFormedRequest,
                "the operation takes no body",
            ));
        };
        let Body::Json(base) = &self.base.body else {
            return Err(untestable(Why::NoWellFormedRequest, "the body is not JSON"));
        };
        let keyword = constraint.keyword;
        if spec.kind == BodyKind::JsonPatch
            && keyword == Keyword::Type
            && matches!(path.last(), Some(Step::Property(name)) if name.eq_ignore_ascii_case("value"))
        {
            return Err(untestable(
                Why::JsonPatchValue,
                "RFC 6902 section 4 lets a JSON Patch `value` be any JSON value; the spec's JsonPatch model says string",
            ));
        }
        let work = self.work.get_or_insert_with(|| (**base.base()).clone());
        let reached = matches!(&self.reach, Some(Ok(r)) if r.path == *path);
        if !reached {
            self.reach = Some(reach(self.samples, work, spec.schema, path));
        }
        let reach = match &self.reach {
            Some(Ok(reach)) => reach,
            Some(Err(why)) => return Err(untestable(Why::NoAcceptedValue, why.clone())),
            None => {
                return Err(untestable(
                    Why::NoAcceptedValue,
                    "the path could not be reached",
                ));
            }
        };
        let leaf_view = schemas.view(reach.leaf);
        if let Some(name) = leaf_view.dangling {
            return Err(untestable(
                Why::UndefinedSchema,
                format!("its schema `{name}` is not defined by the document"),
            ));
        }
        // The path filled in the working copy while the candidates are tried.
        let unfilled = reach
            .fill
            .as_ref()
            .map(|f| (f.at.clone(), replace(work, &f.at, f.value.clone())));
        if let Some((why, detail)) = values::unbreakable(leaf_view, keyword) {
            if let Some((at, previous)) = unfilled {
                replace(work, &at, previous);
            }
            return Err(untestable(why, detail));
        }
        let candidates: Vec<Option<Value>> = match keyword {
            Keyword::Required => vec![None],
            Keyword::Type if leaf_view.schema.is_free_form() => Vec::new(),
            _ => {
                let current = get(work, path).cloned().unwrap_or(Value::Null);
                values::breaking(self.samples, leaf_view, keyword, &current)
                    .into_iter()
                    .map(Some)
                    .collect()
            }
        };
        let mut last = match keyword {
            Keyword::Type if leaf_view.schema.is_free_form() => untestable(
                Why::AnyValue,
                "`type: object` with nothing declared inside takes any JSON value",
            ),
            _ => untestable(
                Why::NoBreakingValue,
                format!("no value breaks its {keyword}"),
            ),
        };
        // The rest of the body was checked once: a change is judged by the changed value alone,
        // unless something reaches across (a patch's RFC 6902 rules, an enclosing list's
        // uniqueItems), where the whole body is checked again.
        let local = spec.kind != BodyKind::JsonPatch && !reach.in_unique_list;
        let mut chosen: Option<(Option<Value>, String, Vec<Keyword>)> = None;
        for candidate in candidates {
            let shown = candidate
                .as_ref()
                .map_or_else(|| "(left out)".to_string(), shown);
            let found = match (&candidate, local) {
                (None, true) => vec![input::Invalid {
                    place: Place::Property(path.to_vec()),
                    problem: Problem::Missing,
                }],
                (Some(value), true) => schemas
                    .validate(value, reach.leaf, Mode::EXACT)
                    .into_iter()
                    .map(|v| input::Invalid {
                        place: Place::Property(path.iter().cloned().chain(v.at).collect()),
                        problem: v.problem,
                    })
                    .collect(),
                (_, false) => {
                    let previous = replace(work, path, candidate.clone());
                    let found = input::body(self.op, schemas, Some(work), Binding::EXACT);
                    // Put back what was there (a property that was absent is removed again).
                    replace(work, path, previous);
                    found
                }
            };
            match verdict(found, &constraint.input, keyword, &shown) {
                Ok(also) if also.is_empty() => {
                    chosen = Some((candidate, shown, also));
                    break;
                }
                Ok(also) => {
                    chosen.get_or_insert((candidate, shown, also));
                }
                Err(why) => last = untestable(Why::NoBreakingValue, why),
            }
        }
        if let Some((at, previous)) = unfilled {
            replace(work, &at, previous);
        }
        let (value, shown, also) = chosen.ok_or(last)?;
        let edits: Vec<JsonEdit> = reach
            .fill
            .iter()
            .cloned()
            .chain(std::iter::once(JsonEdit {
                at: path.clone(),
                value,
            }))
            .collect();
        Ok(Break {
            label: constraint.to_string(),
            constraint: constraint.clone(),
            index,
            kind: BreakKind::of(keyword, false),
            edit: Edit::Body(edits.into()),
            shown,
            also,
        })
    }
}

/// What the violations of a candidate say: it breaks the keyword at its input (with the other
/// keywords of that input it also breaks), or why not.
fn verdict(
    found: Vec<input::Invalid>,
    on: &Input,
    keyword: Keyword,
    shown: &str,
) -> Result<Vec<Keyword>, String> {
    if let Some(other) = found.iter().find(|i| !at_input(i, on)) {
        return Err(format!("{shown} also breaks {}", describe(other)));
    }
    let problems: Vec<Problem> = found.into_iter().map(|i| i.problem).collect();
    values::judge_break(&problems, keyword).map_err(|why| format!("{shown} {why}"))
}

/// A value as reports show it: JSON, cut to 60 characters.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!(
            "{}… ({} characters)",
            text.chars().take(40).collect::<String>(),
            text.chars().count()
        )
    } else {
        text
    }
}

/// Whether a violation is at the input a constraint is on.
fn at_input(invalid: &input::Invalid, on: &Input) -> bool {
    match (&invalid.place, on) {
        (Place::Parameter(l, n), Input::Parameter { location, name, .. }) => {
            l == location && n.as_str() == &**name
        }
        (Place::Property(at), Input::Property(path)) => at.as_slice() == &**path,
        _ => false,
    }
}

/// How the path is reached in `body` (which is left as it is): the first step the body lacks
/// (or holds `null` on the way) gets an accepted value, filled on down the path (an array given
/// one item to reach into); and the schema at the path's end.
fn reach(
    samples: &mut Samples,
    body: &Value,
    root: SchemaId,
    path: &Arc<[Step]>,
) -> Result<Reach, String> {
    let schemas = samples.schemas();
    let mut id = root;
    let mut at: Option<&Value> = Some(body);
    // The missing part: where it starts, and its value as filled so far.
    let mut fill: Option<(usize, Value)> = None;
    let mut in_unique_list = false;
    for (i, step) in path.iter().enumerate() {
        let view = schemas.view(id);
        in_unique_list |= matches!(step, Step::Index(_)) && view.schema.unique_items;
        let last = i + 1 == path.len();
        let next = match step {
            Step::Property(name) => view
                .schema
                .property(name)
                .ok_or_else(|| format!("`{}` has no property `{name}`", dotted(&path[..i])))?,
            Step::Index(_) => view
                .schema
                .items
                .ok_or_else(|| format!("`{}` has no items", dotted(&path[..i])))?,
        };
        let present = at.and_then(|v| match step {
            Step::Property(name) => v.get(&**name),
            Step::Index(n) => v.get(*n),
        });
        let missing = match present {
            None => true,
            Some(Value::Null) => !last,
            Some(_) => false,
        };
        if fill.is_none() && missing {
            if let (Some(container), Step::Index(_)) = (at, step)
                && !container.is_array()
            {
                return Err(format!("`{}` is not an array", dotted(&path[..i])));
            }
            let value = samples
                .sample(next)
                .ok_or_else(|| format!("no accepted value for `{}`", dotted(&path[..=i])))?;
            fill = Some((i, value));
        } else if let Some((start, value)) = &mut fill {
            // Inside the filled part: make this step exist in the value being built.
            let mut inner = &mut *value;
            for s in &path[*start + 1..i] {
                inner = match s {
                    Step::Property(name) => inner.get_mut(&**name),
                    Step::Index(n) => inner.get_mut(*n),
                }
                .ok_or("the filled value lost its path")?;
            }
            match step {
                Step::Property(name) => {
                    let object = inner
                        .as_object_mut()
                        .ok_or_else(|| format!("`{}` is not an object", dotted(&path[..i])))?;
                    let absent = object.get(&**name).is_none_or(|v| v.is_null() && !last);
                    if absent {
                        let value = samples.sample(next).ok_or_else(|| {
                            format!("no accepted value for `{}`", dotted(&path[..=i]))
                        })?;
                        object.insert(name.to_string(), value);
                    }
                }
                Step::Index(n) => {
                    let list = inner
                        .as_array_mut()
                        .ok_or_else(|| format!("`{}` is not an array", dotted(&path[..i])))?;
                    while list.len() <= *n {
                        let value = samples.sample(next).ok_or_else(|| {
                            format!("no accepted item for `{}`", dotted(&path[..i]))
                        })?;
                        list.push(value);
                    }
                }
            }
        }
        at = present;
        id = next;
    }
    // An index past the end of an existing array is a missing step too: handled above as
    // `present == None` at that step, whose container must then be the array itself.
    let fill = fill.map(|(start, value)| match path[start] {
        Step::Index(n) => JsonEdit {
            at: Arc::from(&path[..start]),
            value: Some(grow(at_path(body, &path[..start]), n, value)),
        },
        Step::Property(_) => JsonEdit {
            at: Arc::from(&path[..=start]),
            value: Some(value),
        },
    });
    Ok(Reach {
        path: path.clone(),
        fill,
        leaf: id,
        in_unique_list,
    })
}

/// The array at a path with `item` at index `n` (the items before it as they are; an array
/// shorter than that is given `item` until it reaches it).
fn grow(array: Option<&Value>, n: usize, item: Value) -> Value {
    let mut list = array.and_then(Value::as_array).cloned().unwrap_or_default();
    while list.len() <= n {
        list.push(item.clone());
    }
    Value::Array(list)
}

fn at_path<'a>(body: &'a Value, path: &[Step]) -> Option<&'a Value> {
    get(body, path)
}

fn get<'a>(body: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(body, |at, step| match step {
        Step::Property(name) => at.get(&**name),
        Step::Index(i) => at.get(*i),
    })
}
