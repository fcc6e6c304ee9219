//! A request's inputs against what its operation declares: the path, query and header
//! parameters and the JSON body, each against its schema. The one validator of requests: the
//! mock refuses with it, and the harness checks with it that a request it builds is well formed
//! in every way but the one it breaks.
//!
//! Beside the schemas it knows two things the spec leaves to others: a JSON-valued parameter
//! (`filter`, `sort`, `select`) is JSON text, and a JSON Patch body follows RFC 6902 section 4
//! where the spec's `JsonPatch` model says otherwise (`value` belongs to add, replace and test
//! only, and may be any JSON value; move and copy need `from`).

use super::catalogue::{BodyKind, Location, Operation, Parameter};
use super::schema::{Mode, Problem, Schemas, Step, Type, Violation};
use serde_json::Value;
use std::sync::Arc;

/// Where an input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Parameter(Location, String),
    /// A property of the JSON body, by its path from the root.
    Property(Vec<Step>),
}

/// What is wrong with one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub place: Place,
    pub problem: Problem,
}

/// A request's inputs as sent: text values, decoded.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inputs<'a> {
    /// The path parameters' values by name.
    pub path: &'a [(&'a str, String)],
    pub query: &'a [(String, String)],
    pub headers: &'a [(String, String)],
    /// The JSON body, when the operation takes one and it parsed.
    pub body: Option<&'a Value>,
}

/// How the validator reads a request: the schema [`Mode`], and how query names bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub mode: Mode,
    /// Query parameter names match exactly (else in any letter case, as ASP.NET binds).
    pub exact_names: bool,
    /// A parameter sent twice binds its last value (else its first).
    pub last_value: bool,
}

impl Binding {
    /// The harness's reading: exact, every violation.
    pub const EXACT: Binding = Binding {
        mode: Mode::EXACT,
        exact_names: true,
        last_value: false,
    };
}

/// Every violation of the request's inputs (the first only, when `binding.mode` says so): path,
/// query and header parameters in declaration order, then the body depth first.
pub fn validate(
    op: &Operation,
    schemas: &Schemas,
    inputs: Inputs,
    binding: Binding,
) -> Vec<Invalid> {
    let mut found = parameters(op, schemas, inputs, binding, &Location::ALL);
    if !binding.mode.first_only || found.is_empty() {
        found.extend(body(op, schemas, inputs.body, binding));
    }
    found
}

/// The violations of the parameters at these locations, in declaration order.
pub fn parameters(
    op: &Operation,
    schemas: &Schemas,
    inputs: Inputs,
    binding: Binding,
    locations: &[Location],
) -> Vec<Invalid> {
    let mut found = Vec::new();
    let done = |found: &Vec<Invalid>| binding.mode.first_only && !found.is_empty();
    for &location in locations {
        for declared in op
            .parameters
            .iter()
            .filter(|p| p.location == location && !p.is_client_version())
        {
            if done(&found) {
                return found;
            }
            let values = sent_values(declared, inputs, binding);
            let problems = match values.as_slice() {
                [] if declared.required => vec![Violation {
                    at: Vec::new(),
                    problem: Problem::Missing,
                }],
                [] => Vec::new(),
                values => parameter(declared, values, schemas, binding),
            };
            found.extend(problems.into_iter().map(|v| Invalid {
                place: Place::Parameter(location, declared.name.clone()),
                problem: v.problem,
            }));
        }
    }
    found
}

/// The violations of a JSON body, depth first.
pub fn body(
    op: &Operation,
    schemas: &Schemas,
    body: Option<&Value>,
    binding: Binding,
) -> Vec<Invalid> {
    let mut found = Vec::new();
    let done = |found: &Vec<Invalid>| binding.mode.first_only && !found.is_empty();
    if let (Some(spec), Some(body)) = (&op.body, body)
        && matches!(spec.kind, BodyKind::Json | BodyKind::JsonPatch)
    {
        let mut violations = schemas.validate(
            body,
            spec.schema,
            Mode {
                first_only: false,
                ..binding.mode
            },
        );
        if spec.kind == BodyKind::JsonPatch {
            violations = rfc_6902(body, violations);
        }
        for v in violations {
            if done(&found) {
                break;
            }
            found.push(Invalid {
                place: Place::Property(v.at),
                problem: v.problem,
            });
        }
    }
    found
}

/// The values a parameter was sent with: every occurrence (an array parameter's items), the
/// bound one first.
pub fn sent_values<'a>(declared: &Parameter, inputs: Inputs<'a>, binding: Binding) -> Vec<&'a str> {
    let name = declared.name.as_str();
    let same = |n: &str| match (declared.location, binding.exact_names) {
        (Location::Query, true) | (Location::Path, _) => n == name,
        _ => n.eq_ignore_ascii_case(name),
    };
    let pairs: Box<dyn Iterator<Item = (&str, &str)>> = match declared.location {
        Location::Path => Box::new(inputs.path.iter().map(|(n, v)| (*n, v.as_str()))),
        Location::Query => Box::new(inputs.query.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
        Location::Header => Box::new(inputs.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
    };
    let mut values: Vec<&str> = pairs.filter(|(n, _)| same(n)).map(|(_, v)| v).collect();
    if binding.last_value {
        values.reverse();
    }
    values
}

/// One parameter's values against its declaration: JSON text, an array's items each, or the
/// bound value.
fn parameter(
    declared: &Parameter,
    values: &[&str],
    schemas: &Schemas,
    binding: Binding,
) -> Vec<Violation> {
    let mode = binding.mode;
    let value = values[0];
    if declared.json {
        // JSON text of the declared shape (3.7 declares only a string with the role: a filter,
        // sort or select is still a JSON array).
        let not_json = || Violation {
            at: Vec::new(),
            problem: Problem::NotA(Type::Array),
        };
        return match (serde_json::from_str::<Value>(value).ok(), declared.schema) {
            (None, _) => vec![not_json()],
            (Some(json), Some(id)) if schemas.view(id).schema.ty != Some(Type::String) => {
                schemas.validate(&json, id, mode)
            }
            (Some(json), _) if !json.is_array() => vec![not_json()],
            _ => Vec::new(),
        };
    }
    let Some(id) = declared.schema else {
        return Vec::new();
    };
    let view = schemas.view(id);
    match view
        .schema
        .items
        .filter(|_| view.schema.ty == Some(Type::Array))
    {
        Some(items) => {
            // Each occurrence is an item; the array's own keywords count them.
            let list = Value::Array(values.iter().map(|v| Value::from(*v)).collect());
            let mut found: Vec<Violation> = schemas
                .validate(&list, id, mode)
                .into_iter()
                .filter(|v| v.at.is_empty())
                .collect();
            for value in values {
                if mode.first_only && !found.is_empty() {
                    break;
                }
                found.extend(schemas.validate_text(value, items, mode));
            }
            found
        }
        None => schemas.validate_text(value, id, mode),
    }
}

/// RFC 6902 section 4 over the spec's `JsonPatch` model.
fn rfc_6902(body: &Value, violations: Vec<Violation>) -> Vec<Violation> {
    let operations = body.as_array().map(Vec::as_slice).unwrap_or_default();
    let op_of = |i: usize| {
        operations
            .get(i)
            .and_then(|o| o.get("op"))
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    let member = |v: &Violation| match v.at.as_slice() {
        [Step::Index(i), Step::Property(name)] => Some((*i, name.to_ascii_lowercase())),
        _ => None,
    };
    let mut kept: Vec<Violation> = violations
        .into_iter()
        .filter(|v| match member(v) {
            Some((_, name)) if name == "value" && v.problem != Problem::Missing => false,
            Some((i, name)) if name == "value" => {
                matches!(op_of(i).as_deref(), Some("add" | "replace" | "test"))
            }
            _ => true,
        })
        .collect();
    for (i, operation) in operations.iter().enumerate() {
        let needs_from = matches!(op_of(i).as_deref(), Some("move" | "copy"));
        let has_from = operation
            .as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("from")))
            .is_some_and(|(_, v)| v.is_string());
        if needs_from && !has_from {
            kept.push(Violation {
                at: vec![Step::Index(i), Step::Property(Arc::from("from"))],
                problem: Problem::Missing,
            });
        }
    }
    kept.sort_by_key(|v| match v.at.first() {
        Some(Step::Index(i)) => *i,
        _ => 0,
    });
    kept
}
