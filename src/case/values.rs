//! Values for a schema: one it accepts (to build a well-formed request), and ones that break
//! exactly one of its keywords. Each candidate is checked against the schema with the one
//! validator ([`Schemas::validate`]) before it is used: a value is never trusted because of how
//! it was made.

use crate::contract::schema::{
    Format, Keyword, Mode, Problem, SchemaId, Schemas, Type, View, compare,
};
use serde_json::{Number, Value};
use std::collections::HashMap;

/// The kinds of reason a declared constraint is not broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// A path parameter is part of the route: leaving it out (or empty) asks for another path.
    PathParameter,
    /// Every value of a text parameter is a string.
    AnyText,
    /// An array parameter is its repeated values.
    ArrayParameter,
    /// An empty query or header value reads as no value.
    EmptyValue,
    /// RFC 6902 lets a JSON Patch `value` be any JSON value.
    JsonPatchValue,
    /// `type: object` with nothing declared inside takes any value.
    AnyValue,
    /// A keyword of another type (`minItems` on a string).
    NotApplicable,
    /// A bound every value meets (`minLength: 0`).
    HoldsForAll,
    /// The schema refers to one the document does not define.
    UndefinedSchema,
    /// The pattern is not read by the harness's regex engine.
    PatternUnreadable,
    /// No accepted value could be found for the path to the input.
    NoAcceptedValue,
    /// No value breaks it without breaking another input.
    NoBreakingValue,
    /// No request of the operation is well formed to break it in.
    NoWellFormedRequest,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::PathParameter => "path_parameter",
            Why::AnyText => "any_text",
            Why::ArrayParameter => "array_parameter",
            Why::EmptyValue => "empty_value",
            Why::JsonPatchValue => "json_patch_value",
            Why::AnyValue => "any_value",
            Why::NotApplicable => "not_applicable",
            Why::HoldsForAll => "holds_for_all",
            Why::UndefinedSchema => "undefined_schema",
            Why::PatternUnreadable => "pattern_unreadable",
            Why::NoAcceptedValue => "no_accepted_value",
            Why::NoBreakingValue => "no_breaking_value",
            Why::NoWellFormedRequest => "no_well_formed_request",
        }
    }
}

/// A well-formed UUID that names nothing on any console.
pub const MISSING_UUID: &str = "00000000-0000-4000-8000-000000000404";

/// An integer id that names nothing on any console.
pub const MISSING_INTEGER: i64 = 404404;

/// Strings tried, in order, for a string the schema constrains (by pattern, length or format):
/// the common shapes of the spec's patterns (names, addresses, paths, hosts, accounts).
const STRING_CANDIDATES: [&str; 19] = [
    "vspc-conformance",
    "vspc",
    "VspcConformance",
    "vspc.conformance",
    "vspc_conformance",
    "vspc@example.com",
    "10.0.0.1",
    "255.255.255.0",
    "vspc.example.com",
    "https://vspc.example.com/",
    "/vspc/conformance",
    "vspc/conformance",
    "C:\\",
    "C:\\vspc",
    "\\\\vspc\\conformance",
    "DOMAIN\\vspc",
    "2026-01",
    "10:00",
    "1",
];

/// Strings tried to break a pattern: each holds characters the spec's patterns exclude.
const NON_MATCHING: [&str; 12] = [
    "<vspc>",
    "vspc|conformance",
    "vspc conformance",
    "vspc.",
    "%vspc%",
    "\"vspc\"",
    "vspc/conformance",
    "vspc\\conformance",
    "vspc@",
    "$vspc",
    "!",
    " ",
];

/// How deep a generated value may nest: recursive schemas stop here.
const MAX_DEPTH: usize = 12;

/// Whether `value` meets the schema exactly as the spec writes it.
pub fn accepts(schemas: &Schemas, id: SchemaId, value: &Value) -> bool {
    schemas.validate(value, id, Mode::EXACT).is_empty()
}

/// Accepted values of a version's schemas, each made once: a value the schema accepts is its
/// default or first enum value where they hold, else the smallest value of its type (an object
/// with its required properties only, an array with `minItems` items).
pub struct Samples<'a> {
    schemas: &'a Schemas,
    made: HashMap<SchemaId, Option<Value>>,
    /// Named schemas being built: a required property that recurses is given up.
    stack: Vec<SchemaId>,
    /// How often a recursion was given up: a value made meanwhile depends on where it was
    /// asked for, and is not kept.
    cuts: usize,
}

impl<'a> Samples<'a> {
    pub fn new(schemas: &'a Schemas) -> Samples<'a> {
        Samples {
            schemas,
            made: HashMap::new(),
            stack: Vec::new(),
            cuts: 0,
        }
    }

    pub fn schemas(&self) -> &'a Schemas {
        self.schemas
    }

    /// A value the schema accepts.
    pub fn sample(&mut self, id: SchemaId) -> Option<Value> {
        self.value(id, 0)
    }

    /// `count` items of an array's item schema, distinct from each other when `unique`.
    pub fn items(&mut self, item: SchemaId, count: usize, unique: bool) -> Option<Vec<Value>> {
        match unique {
            true => self.distinct(item, count, 0),
            false => Some(vec![self.value(item, 0)?; count]),
        }
    }

    fn value(&mut self, id: SchemaId, depth: usize) -> Option<Value> {
        if let Some(made) = self.made.get(&id) {
            return made.clone();
        }
        let cuts = self.cuts;
        let made = self.make(id, depth);
        if self.cuts == cuts {
            self.made.insert(id, made.clone());
        }
        made
    }

    fn make(&mut self, id: SchemaId, depth: usize) -> Option<Value> {
        let view = self.schemas.view(id);
        if depth > MAX_DEPTH || (view.name.is_some() && self.stack.contains(&view.id)) {
            self.cuts += 1;
            return None;
        }
        if view.dangling.is_some() {
            return Some(Value::from("vspc-conformance"));
        }
        let schema = view.schema;
        let schemas = self.schemas;
        let ok = |v: &Value| accepts(schemas, id, v);
        if let Some(default) = schema.default.as_ref().filter(|d| !d.is_null() && ok(d)) {
            return Some(default.clone());
        }
        if let Some(first) = schema
            .enumeration
            .as_ref()
            .and_then(|e| e.iter().find(|v| !v.is_null() && ok(v)))
        {
            return Some(first.clone());
        }
        if view.name.is_some() {
            self.stack.push(view.id);
        }
        let made = self.by_type(view, depth);
        if view.name.is_some() {
            self.stack.pop();
        }
        made.filter(ok)
    }

    fn by_type(&mut self, view: View, depth: usize) -> Option<Value> {
        let schema = view.schema;
        match schema.ty {
            Some(Type::String) => string_sample(self.schemas, view),
            Some(Type::Integer) | Some(Type::Number) => Some(number_sample(view)),
            Some(Type::Boolean) => Some(Value::Bool(false)),
            Some(Type::Array) => {
                let count = schema.min_items.unwrap_or(0) as usize;
                match schema.items {
                    Some(item) if schema.unique_items => {
                        Some(Value::Array(self.distinct(item, count, depth + 1)?))
                    }
                    Some(item) if count > 0 => {
                        Some(Value::Array(vec![self.value(item, depth + 1)?; count]))
                    }
                    Some(_) => Some(Value::Array(Vec::new())),
                    None => Some(Value::Array(vec![Value::from("vspc-conformance"); count])),
                }
            }
            Some(Type::Object) | None if !schema.properties.is_empty() => {
                let mut object = serde_json::Map::new();
                for (name, property) in &schema.properties {
                    let inner = self.schemas.view(*property);
                    if inner.read_only || !schema.is_required(name) {
                        continue;
                    }
                    object.insert(name.to_string(), self.value(*property, depth + 1)?);
                }
                Some(Value::Object(object))
            }
            Some(Type::Object) => Some(Value::Object(serde_json::Map::new())),
            Some(Type::File) => None,
            None => Some(Value::from("vspc-conformance")),
        }
    }

    /// `count` items, distinct from each other (enough for `uniqueItems`).
    fn distinct(&mut self, item: SchemaId, count: usize, depth: usize) -> Option<Vec<Value>> {
        let first = match count {
            0 => return Some(Vec::new()),
            _ => self.value(item, depth)?,
        };
        let mut list = vec![first];
        let view = self.schemas.view(item);
        let mut variants = variants(view).into_iter();
        while list.len() < count {
            let next = variants.find(|v| !list.contains(v) && accepts(self.schemas, item, v))?;
            list.push(next);
        }
        Some(list)
    }
}

/// Other accepted values of a schema, for distinct items: its enum values, numbers counting up,
/// strings with a suffix.
fn variants(view: View) -> Vec<Value> {
    let schema = view.schema;
    if let Some(values) = &schema.enumeration {
        return values.clone();
    }
    match schema.ty {
        Some(Type::Integer) | Some(Type::Number) => {
            let start = schema
                .minimum
                .as_ref()
                .and_then(Number::as_i64)
                .unwrap_or(0);
            (0..64).map(|i| Value::from(start + i)).collect()
        }
        Some(Type::String) => (1..64)
            .map(|i| {
                Value::from(match &schema.format {
                    Some(Format::Uuid) => format!("00000000-0000-4000-8000-{i:012}"),
                    _ => format!("vspc-conformance-{i}"),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A string the schema accepts.
fn string_sample(schemas: &Schemas, view: View) -> Option<Value> {
    let schema = view.schema;
    let by_format = match &schema.format {
        Some(Format::Uuid) => Some(MISSING_UUID.to_string()),
        Some(Format::Date) => Some("2026-01-01".to_string()),
        Some(Format::DateTime) => Some("2026-01-01T00:00:00Z".to_string()),
        Some(Format::Base64) => Some("dnNwYy1jb25mb3JtYW5jZQ==".to_string()),
        Some(Format::Other(name)) if &**name == "password" => {
            Some("Vspc-Conformance-1".to_string())
        }
        Some(Format::Other(name)) if &**name == "time-of-day" => Some("10:00".to_string()),
        Some(Format::Other(name)) if &**name == "uri" => {
            Some("https://vspc.example.com/".to_string())
        }
        _ => None,
    };
    let candidates = by_format
        .into_iter()
        .chain(STRING_CANDIDATES.iter().map(|s| s.to_string()));
    let (min, max) = (schema.min_length, schema.max_length);
    for candidate in candidates {
        let fitted = fit_length(&candidate, min, max, 'x');
        let value = Value::from(fitted);
        if accepts(schemas, view.id, &value) {
            return Some(value);
        }
    }
    None
}

/// `text` padded with `pad` up to `min` characters, or cut to `max`.
pub fn fit_length(text: &str, min: Option<u64>, max: Option<u64>, pad: char) -> String {
    let mut out: String = text.to_string();
    let length = out.chars().count() as u64;
    if let Some(min) = min
        && length < min
    {
        out.push_str(&pad.to_string().repeat((min - length) as usize));
    }
    if let Some(max) = max
        && (out.chars().count() as u64) > max
    {
        out = out.chars().take(max as usize).collect();
    }
    out
}

/// A number the schema accepts: its default, else 1 brought within its bounds.
fn number_sample(view: View) -> Value {
    let schema = view.schema;
    let one = Number::from(1);
    let low = schema.minimum.clone();
    let high = schema.maximum.clone();
    let mut chosen = one;
    if let Some(low) = &low
        && compare(&chosen, low).is_lt()
    {
        chosen = low.clone();
    }
    if let Some(high) = &high
        && compare(&chosen, high).is_gt()
    {
        chosen = high.clone();
    }
    if schema.ty == Some(Type::Integer) && chosen.as_i64().is_none() && chosen.as_u64().is_none() {
        // A fractional bound of an integer: the next integer inside it.
        let f = chosen.as_f64().unwrap_or(1.0).ceil();
        return Value::from(f as i64);
    }
    Value::Number(chosen)
}

/// The values tried to break one keyword of a schema, best first: each is checked by the
/// caller, which keeps the first that breaks the keyword and nothing else.
pub fn breaking(samples: &mut Samples, view: View, keyword: Keyword, valid: &Value) -> Vec<Value> {
    let schema = view.schema;
    let text = valid.as_str().unwrap_or("vspc-conformance");
    let (min_len, max_len) = (schema.min_length, schema.max_length);
    match keyword {
        Keyword::Type => vec![wrong_type(view)],
        Keyword::Minimum => schema
            .minimum
            .as_ref()
            .and_then(|m| step(m, -1, schema.ty))
            .into_iter()
            .collect(),
        Keyword::Maximum => schema
            .maximum
            .as_ref()
            .and_then(|m| step(m, 1, schema.ty))
            .into_iter()
            .collect(),
        Keyword::MinLength => {
            let Some(min) = min_len.filter(|m| *m > 0) else {
                return Vec::new();
            };
            let length = (min - 1) as usize;
            let mut tries: Vec<Value> = [
                text,
                "vspc-conformance",
                "xxxxxxxxxxxxxxxx",
                "1111111111111111",
            ]
            .iter()
            .map(|t| Value::from(t.chars().cycle().take(length).collect::<String>()))
            .collect();
            tries.dedup();
            tries
        }
        Keyword::MaxLength => {
            let Some(max) = max_len else {
                return Vec::new();
            };
            // Long limits get the two likeliest paddings only: each try is max + 1 characters.
            let pads: &[char] = match max {
                0..=4096 => &['x', 'a', '1', '0', '-', 'X'],
                _ => &['x', 'a'],
            };
            pads.iter()
                .map(|pad| Value::from(fit_length(text, Some(max + 1), None, *pad)))
                .collect()
        }
        Keyword::Pattern => NON_MATCHING
            .iter()
            .map(|t| Value::from(fit_length(t, min_len, max_len, 'x')))
            .collect(),
        Keyword::Enum => {
            let listed = schema.enumeration.clone().unwrap_or_default();
            match schema.ty {
                Some(Type::Integer) | Some(Type::Number) => {
                    let top = listed.iter().filter_map(Value::as_i64).max().unwrap_or(0);
                    vec![Value::from(top + 1), Value::from(-1)]
                }
                _ => [
                    "vspc-conformance-not-in-enum",
                    "VspcConformanceNotInEnum",
                    "x",
                ]
                .iter()
                .map(|t| Value::from(fit_length(t, min_len, max_len, 'x')))
                .collect(),
            }
        }
        Keyword::MinItems => {
            let Some(min) = schema.min_items.filter(|m| *m > 0) else {
                return Vec::new();
            };
            let item = schema.items;
            item.and_then(|i| samples.items(i, (min - 1) as usize, schema.unique_items))
                .map(|list| vec![Value::Array(list)])
                .unwrap_or_default()
        }
        Keyword::MaxItems => {
            let Some(max) = schema.max_items else {
                return Vec::new();
            };
            schema
                .items
                .and_then(|i| samples.items(i, (max + 1) as usize, schema.unique_items))
                .map(|list| vec![Value::Array(list)])
                .unwrap_or_default()
        }
        Keyword::UniqueItems => {
            let Some(item) = schema.items.and_then(|i| samples.sample(i)) else {
                return Vec::new();
            };
            let count = schema.min_items.unwrap_or(2).max(2) as usize;
            vec![Value::Array(vec![item; count])]
        }
        Keyword::Required => Vec::new(),
    }
}

/// Why no value can break the keyword, when the schema says so itself: a bound that every value
/// meets, or a keyword of another type.
pub fn unbreakable(view: View, keyword: Keyword) -> Option<(Why, String)> {
    let schema = view.schema;
    let ty = schema.ty.map_or("untyped", Type::as_str);
    let applies = |types: &[Type], what: &str| match schema.ty {
        Some(t) if !types.contains(&t) => Some((
            Why::NotApplicable,
            format!(
                "`{keyword}` applies to {what}; this schema is a {ty}, which it says nothing of"
            ),
        )),
        _ => None,
    };
    match keyword {
        Keyword::MinLength | Keyword::MaxLength | Keyword::Pattern => {
            if let Some(why) = applies(&[Type::String], "strings") {
                return Some(why);
            }
        }
        Keyword::MinItems | Keyword::MaxItems | Keyword::UniqueItems => {
            if let Some(why) = applies(&[Type::Array], "arrays") {
                return Some(why);
            }
        }
        Keyword::Minimum | Keyword::Maximum => {
            if let Some(why) = applies(&[Type::Integer, Type::Number], "numbers") {
                return Some(why);
            }
        }
        _ => {}
    }
    match keyword {
        Keyword::MinLength if schema.min_length == Some(0) => Some((
            Why::HoldsForAll,
            "`minLength` 0 holds for every string".to_string(),
        )),
        Keyword::MinItems if schema.min_items == Some(0) => Some((
            Why::HoldsForAll,
            "`minItems` 0 holds for every list".to_string(),
        )),
        Keyword::UniqueItems if schema.max_items.is_some_and(|m| m < 2) => Some((
            Why::HoldsForAll,
            "two equal items would exceed `maxItems` first".to_string(),
        )),
        Keyword::Pattern => match &schema.pattern {
            Some(pattern) if pattern.regex().is_none() => Some((
                Why::PatternUnreadable,
                format!(
                    "the pattern `{}` is not read by this harness's regex engine",
                    pattern.source
                ),
            )),
            _ => None,
        },
        _ => None,
    }
}

/// A JSON value of the wrong type for the schema, one no JSON binder coerces: text for numbers,
/// booleans, arrays and objects; an object for a string; for a checked format, text that is not
/// of it.
pub fn wrong_type(view: View) -> Value {
    let schema = view.schema;
    match (&schema.format, schema.ty) {
        (Some(Format::Uuid), _) => Value::from("not-a-uuid"),
        (Some(Format::Date), _) => Value::from("not-a-date"),
        (Some(Format::DateTime), _) => Value::from("not-a-date-time"),
        (Some(Format::Base64), _) => Value::from("not base64!"),
        (_, Some(Type::String)) => Value::Object(serde_json::Map::new()),
        (_, Some(Type::Integer)) | (_, Some(Type::Number)) => Value::from("not-a-number"),
        (_, Some(Type::Boolean)) => Value::from("not-a-boolean"),
        (_, Some(Type::Array)) => Value::from("not-an-array"),
        _ => Value::from("not-an-object"),
    }
}

/// A parameter's text of the wrong type for its schema (a query or path value is always text:
/// a string without a checked format has no wrong type).
pub fn wrong_text(view: View) -> Option<String> {
    let schema = view.schema;
    match (&schema.format, schema.ty) {
        (Some(Format::Uuid), _) => Some("not-a-uuid".into()),
        (Some(Format::Date), _) => Some("not-a-date".into()),
        (Some(Format::DateTime), _) => Some("not-a-date-time".into()),
        (Some(Format::Base64), _) => Some("not base64!".into()),
        (_, Some(Type::Integer)) | (_, Some(Type::Number)) => Some("not-a-number".into()),
        (_, Some(Type::Boolean)) => Some("not-a-boolean".into()),
        _ => None,
    }
}

/// A bound moved by `by` (one below a minimum, one above a maximum), as the type writes it.
fn step(bound: &Number, by: i64, ty: Option<Type>) -> Option<Value> {
    if let Some(n) = bound.as_i64() {
        return n.checked_add(by).map(Value::from);
    }
    if let Some(n) = bound.as_u64() {
        return match by {
            1 => n.checked_add(1).map(Value::from),
            _ => Some(Value::from(n - 1)),
        };
    }
    let f = bound.as_f64()? + by as f64;
    match ty {
        Some(Type::Integer) => Some(Value::from(if by < 0 { f.floor() } else { f.ceil() } as i64)),
        _ => Number::from_f64(f).map(Value::Number),
    }
}

/// What a violation list says of one break: exactly the keyword (`Ok(())`), or why not.
pub fn judge_break(found: &[Problem], keyword: Keyword) -> Result<Vec<Keyword>, String> {
    if found.is_empty() {
        return Err("accepted".to_string());
    }
    if !found.iter().any(|p| p.keyword() == keyword) {
        let others: Vec<&str> = found.iter().map(|p| p.keyword().as_str()).collect();
        return Err(format!("breaks {} instead", others.join(", ")));
    }
    let mut also: Vec<Keyword> = found
        .iter()
        .map(Problem::keyword)
        .filter(|k| *k != keyword)
        .collect();
    also.sort();
    also.dedup();
    Ok(also)
}
