//! The JSON schemas of one version's spec, compiled once into an arena (`$ref` and the spec's
//! `allOf: [{$ref}]` with `nullable`/`readOnly` beside it resolved), and the one validator of
//! inputs: the mock refuses a request with it, and the harness checks with it that a request it
//! builds is valid before it breaks one part of it.
//!
//! What the spec's keywords mean here (OpenAPI 3.0, and Swagger 2 for 3.7):
//! - `nullable` (the spec's `x-veeam-nullable`) admits `null`; without it `null` is not a value
//!   of the type.
//! - `readOnly` properties are not inputs: a request neither needs nor breaks them.
//! - `type: object` without `properties` or `additionalProperties` is the spec generator's
//!   `System.Object`: any JSON value (the filter expression's `value` is a string in every
//!   example).
//! - Formats with one unambiguous reading are checked ([`Format::is_checked`]): `uuid`, `date`,
//!   `date-time`, `int32`, `int64`, `byte` and `base64`; the rest (`password`, `double`,
//!   `time-of-day`, `uri`, ...) only name the type's use.
//! - The harness reads names, enum values and formats exactly as the spec writes them
//!   ([`Reading::Exact`]); the mock reads them as ASP.NET binds them ([`Reading::AspNet`]:
//!   property names and enum values in any letter case, a UUID in any of .NET's `Guid` forms).

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// A schema of the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaId(u32);

/// The JSON type a schema declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    /// Swagger 2's `file` (a form or multipart upload).
    File,
}

impl Type {
    fn parse(text: &str) -> Option<Type> {
        Some(match text {
            "string" => Type::String,
            "integer" => Type::Integer,
            "number" => Type::Number,
            "boolean" => Type::Boolean,
            "array" => Type::Array,
            "object" => Type::Object,
            "file" => Type::File,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Array => "array",
            Type::Object => "object",
            Type::File => "file",
        }
    }
}

/// A declared `format`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Format {
    Uuid,
    Date,
    DateTime,
    Int32,
    Int64,
    /// `byte` or `base64`: base64 text.
    Base64,
    /// Any other format: a name, not a check.
    Other(Arc<str>),
}

impl Format {
    fn parse(text: &str) -> Format {
        match text {
            "uuid" => Format::Uuid,
            "date" => Format::Date,
            "date-time" => Format::DateTime,
            "int32" => Format::Int32,
            "int64" => Format::Int64,
            "byte" | "base64" => Format::Base64,
            other => Format::Other(Arc::from(other)),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Format::Uuid => "uuid",
            Format::Date => "date",
            Format::DateTime => "date-time",
            Format::Int32 => "int32",
            Format::Int64 => "int64",
            Format::Base64 => "byte",
            Format::Other(name) => name,
        }
    }

    /// Whether a value can be told apart as malformed for this format.
    pub fn is_checked(&self) -> bool {
        !matches!(self, Format::Other(_))
    }
}

/// A `pattern`, compiled when first used. ECMA-262 syntax: lookaround and backreferences
/// included, which is why it is `fancy_regex`.
#[derive(Debug)]
pub struct Pattern {
    pub source: Arc<str>,
    compiled: OnceLock<Option<fancy_regex::Regex>>,
}

impl Pattern {
    fn new(source: &str) -> Pattern {
        Pattern {
            source: Arc::from(source),
            compiled: OnceLock::new(),
        }
    }

    /// The compiled pattern; None when this engine cannot read it.
    pub fn regex(&self) -> Option<&fancy_regex::Regex> {
        self.compiled
            .get_or_init(|| fancy_regex::Regex::new(&from_ecma(&self.source)).ok())
            .as_ref()
    }

    /// Whether `text` matches; None when the pattern cannot be compiled or run.
    pub fn matches(&self, text: &str) -> Option<bool> {
        self.regex()?.is_match(text).ok()
    }
}

/// An ECMA-262 pattern in the syntax of the regex engine, where the two differ in the spec's
/// patterns: inside a character class ECMA takes `[`, `&&` and `~~` literally (the engine reads
/// them as nested classes and set operations), and a backreference to an optional group that
/// did not take part matches the empty text (the engine fails it), so `(")?...\1` is read as
/// `("?)...\1`.
pub fn from_ecma(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.get(i + 1) {
                    out.push(*next);
                }
                i += 2;
                continue;
            }
            '[' if in_class => out.push_str("\\["),
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                in_class = true;
                out.push(c);
                // A `]` or `^]` right after the opening is a literal in both syntaxes.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '(' if !in_class => {
                // `(x)?` with one character (or one escape) inside: `(x?)`.
                let inner_len = match chars.get(i + 1) {
                    Some('\\') => 2,
                    Some('(' | ')' | '?') | None => 0,
                    Some(_) => 1,
                };
                let close = i + 1 + inner_len;
                if inner_len > 0
                    && chars.get(close) == Some(&')')
                    && chars.get(close + 1) == Some(&'?')
                    && chars.get(close + 2) != Some(&'?')
                {
                    out.push('(');
                    out.extend(&chars[i + 1..close]);
                    out.push_str("?)");
                    i = close + 2;
                    continue;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// One schema, after resolution.
#[derive(Debug, Default)]
pub struct Schema {
    pub ty: Option<Type>,
    pub format: Option<Format>,
    pub nullable: bool,
    pub read_only: bool,
    pub enumeration: Option<Vec<Value>>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<Pattern>,
    pub items: Option<SchemaId>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    /// By name (byte order), as a `serde_json::Map` orders them: the order the cases the
    /// sweeps make have always followed.
    pub properties: Vec<(Arc<str>, SchemaId)>,
    pub required: Vec<Arc<str>>,
    /// The schema of members besides `properties` (a dictionary).
    pub additional: Option<SchemaId>,
    pub default: Option<Value>,
}

impl Schema {
    pub fn property(&self, name: &str) -> Option<SchemaId> {
        self.properties
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, id)| *id)
    }

    pub fn is_required(&self, name: &str) -> bool {
        self.required.iter().any(|r| &**r == name)
    }

    /// `type: object` with nothing declared inside: any JSON value.
    pub fn is_free_form(&self) -> bool {
        self.ty == Some(Type::Object) && self.properties.is_empty() && self.additional.is_none()
    }
}

#[derive(Debug)]
enum Node {
    Schema(Box<Schema>),
    /// `$ref`, or `allOf: [{$ref}]`, with what the referring site adds.
    Ref {
        to: SchemaId,
        nullable: bool,
        read_only: bool,
    },
    /// A `$ref` to a schema the document does not define.
    Dangling(Arc<str>),
}

/// A schema as a site of the spec sees it: the schema, and the `nullable`/`readOnly` the
/// referring site adds.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub id: SchemaId,
    pub schema: &'a Schema,
    /// The named schema it is, when it is one.
    pub name: Option<&'a str>,
    pub nullable: bool,
    pub read_only: bool,
    /// The name of a `$ref` the document does not define: nothing can be said of the value.
    pub dangling: Option<&'a str>,
}

/// Every schema of one version's spec.
#[derive(Debug)]
pub struct Schemas {
    nodes: Vec<Node>,
    names: HashMap<Arc<str>, SchemaId>,
    /// The name of each named schema, by id (the named schemas come first in the arena).
    named: Vec<Arc<str>>,
}

static EMPTY: Schema = Schema {
    ty: None,
    format: None,
    nullable: true,
    read_only: false,
    enumeration: None,
    minimum: None,
    maximum: None,
    min_length: None,
    max_length: None,
    pattern: None,
    items: None,
    min_items: None,
    max_items: None,
    unique_items: false,
    properties: Vec::new(),
    required: Vec::new(),
    additional: None,
    default: None,
};

/// How the spec says a `$ref` (`#/schemas/Name`; the reduced files keep the prefix).
fn ref_name(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// Text of the spec, borrowed from it unless JSON escapes made it a copy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Text<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
        }
        deserializer.deserialize_str(Visit)
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// A schema as the spec writes it: the keywords the arena reads, read straight from the
/// document's text (every other keyword is skipped unread, and no `serde_json::Value` is made
/// of the whole: that took most of the time a version's catalogue took to read).
#[derive(Debug, Default, Deserialize)]
pub struct Written<'a> {
    #[serde(rename = "$ref", borrow)]
    pub(super) reference: Option<Text<'a>>,
    #[serde(rename = "allOf", default, borrow)]
    all_of: Vec<Written<'a>>,
    #[serde(rename = "type", borrow)]
    ty: Option<Text<'a>>,
    #[serde(borrow)]
    format: Option<Text<'a>>,
    #[serde(default)]
    nullable: bool,
    #[serde(rename = "readOnly", default)]
    read_only: bool,
    #[serde(rename = "enum")]
    enumeration: Option<Vec<Value>>,
    minimum: Option<Number>,
    maximum: Option<Number>,
    #[serde(rename = "minLength")]
    min_length: Option<u64>,
    #[serde(rename = "maxLength")]
    max_length: Option<u64>,
    #[serde(borrow)]
    pattern: Option<Text<'a>>,
    #[serde(borrow)]
    items: Option<Box<Written<'a>>>,
    #[serde(rename = "minItems")]
    min_items: Option<u64>,
    #[serde(rename = "maxItems")]
    max_items: Option<u64>,
    #[serde(rename = "uniqueItems", default)]
    unique_items: bool,
    /// `additionalProperties`: a schema; `true` or `false` declare none.
    #[serde(
        rename = "additionalProperties",
        default,
        borrow,
        deserialize_with = "schema_unless_boolean"
    )]
    additional: Option<Box<Written<'a>>>,
    /// By name, as [`Schema::properties`] keeps them.
    #[serde(default, borrow)]
    properties: BTreeMap<Text<'a>, Written<'a>>,
    #[serde(default, borrow)]
    required: Vec<Text<'a>>,
    /// Present, `null` included.
    #[serde(default, deserialize_with = "present")]
    default: Option<Value>,
}

impl Written<'_> {
    /// The `$ref` it is: its own, or that of `allOf` with one part.
    fn target(&self) -> Option<&str> {
        self.reference.as_deref().or(match self.all_of.as_slice() {
            [only] => only.reference.as_deref(),
            _ => None,
        })
    }
}

fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

fn schema_unless_boolean<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Box<Written<'a>>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either<'a> {
        Flag(#[allow(dead_code)] bool),
        Schema(#[serde(borrow)] Box<Written<'a>>),
    }
    Ok(match Either::deserialize(deserializer)? {
        Either::Flag(_) => None,
        Either::Schema(schema) => Some(schema),
    })
}

impl Schemas {
    /// Compiles the spec's `schemas` map, each schema read from its text as its turn comes;
    /// the sites that use them are added with [`Schemas::add_text`].
    pub fn new(named: &BTreeMap<Text<'_>, &RawValue>) -> Result<Schemas, serde_json::Error> {
        let mut schemas = Schemas {
            nodes: Vec::with_capacity(named.len() * 8),
            names: HashMap::with_capacity(named.len()),
            named: Vec::with_capacity(named.len()),
        };
        // Ids first, so that references (recursive ones too) resolve in one pass.
        for (i, name) in named.keys().enumerate() {
            let id = SchemaId(i as u32);
            let name: Arc<str> = Arc::from(&**name);
            schemas.names.insert(name.clone(), id);
            schemas.named.push(name);
            schemas.nodes.push(Node::Schema(Box::default()));
        }
        for (i, text) in named.values().enumerate() {
            let node = schemas.node(&serde_json::from_str(text.get())?);
            schemas.nodes[i] = node;
        }
        Ok(schemas)
    }

    /// Adds a schema written at a site (a parameter, a body) and returns its id.
    pub fn add_text(&mut self, text: &RawValue) -> Result<SchemaId, serde_json::Error> {
        Ok(self.add(&serde_json::from_str(text.get())?))
    }

    fn add(&mut self, written: &Written) -> SchemaId {
        let node = self.node(written);
        self.push(node)
    }

    fn push(&mut self, node: Node) -> SchemaId {
        self.nodes.push(node);
        SchemaId(self.nodes.len() as u32 - 1)
    }

    fn reference(&self, target: &str) -> Node {
        let name = ref_name(target);
        match self.names.get(name) {
            Some(&to) => Node::Ref {
                to,
                nullable: false,
                read_only: false,
            },
            None => Node::Dangling(Arc::from(name)),
        }
    }

    fn node(&mut self, written: &Written) -> Node {
        if let Some(target) = written.target() {
            return match self.reference(target) {
                Node::Ref { to, .. } => Node::Ref {
                    to,
                    nullable: written.nullable,
                    read_only: written.read_only,
                },
                dangling => dangling,
            };
        }
        let mut schema = Schema {
            ty: written.ty.as_deref().and_then(Type::parse),
            format: written.format.as_deref().map(Format::parse),
            nullable: written.nullable,
            read_only: written.read_only,
            enumeration: written.enumeration.clone(),
            minimum: written.minimum.clone(),
            maximum: written.maximum.clone(),
            min_length: written.min_length,
            max_length: written.max_length,
            pattern: written.pattern.as_deref().map(Pattern::new),
            min_items: written.min_items,
            max_items: written.max_items,
            unique_items: written.unique_items,
            required: written.required.iter().map(|r| Arc::from(&**r)).collect(),
            default: written.default.clone(),
            ..Schema::default()
        };
        if let Some(items) = &written.items {
            schema.items = Some(self.add(items));
        }
        if let Some(additional) = &written.additional {
            schema.additional = Some(self.add(additional));
        }
        schema.properties = written
            .properties
            .iter()
            .map(|(name, written)| (Arc::from(&**name), self.add(written)))
            .collect();
        Node::Schema(Box::new(schema))
    }

    /// The schema `id` stands for, through any chain of references.
    pub fn view(&self, id: SchemaId) -> View<'_> {
        let (mut nullable, mut read_only) = (false, false);
        let mut at = id;
        // A chain of references ends at a schema; a cycle of bare references (which no spec
        // writes) is cut after a few steps.
        for _ in 0..16 {
            match &self.nodes[at.0 as usize] {
                Node::Ref {
                    to,
                    nullable: n,
                    read_only: r,
                } => {
                    nullable |= n;
                    read_only |= r;
                    at = *to;
                }
                Node::Schema(schema) => {
                    return View {
                        id: at,
                        schema,
                        name: self.named.get(at.0 as usize).map(|n| &**n),
                        nullable: nullable || schema.nullable,
                        read_only: read_only || schema.read_only,
                        dangling: None,
                    };
                }
                Node::Dangling(name) => {
                    return View {
                        id: at,
                        schema: &EMPTY,
                        name: None,
                        nullable: true,
                        read_only,
                        dangling: Some(name),
                    };
                }
            }
        }
        View {
            id: at,
            schema: &EMPTY,
            name: None,
            nullable: true,
            read_only,
            dangling: Some("(a cycle of references)"),
        }
    }

    /// A named schema (`CompanyInput`).
    pub fn named(&self, name: &str) -> Option<SchemaId> {
        self.names.get(name).copied()
    }

    /// The value against the schema: every violation (`first` stops at the first), in the
    /// order of the schema's declarations, depth first.
    pub fn validate(&self, value: &Value, id: SchemaId, mode: Mode) -> Vec<Violation> {
        let mut walk = Walk {
            schemas: self,
            mode,
            at: Vec::new(),
            found: Vec::new(),
        };
        walk.value(value, id);
        walk.found
    }

    /// A parameter's text against its schema (a scalar; the items of an array parameter each
    /// on their own). `at` is empty: the parameter names the place.
    pub fn validate_text(&self, text: &str, id: SchemaId, mode: Mode) -> Vec<Violation> {
        let view = self.view(id);
        let schema = view.schema;
        let value = match schema.ty {
            Some(Type::Integer) => match parse_integer(text) {
                Some(n) => Value::from(n),
                None => return vec![Violation::new(Vec::new(), Problem::NotA(Type::Integer))],
            },
            Some(Type::Number) => {
                match text.trim().parse::<f64>().ok().and_then(Number::from_f64) {
                    Some(n) => Value::Number(n),
                    None => return vec![Violation::new(Vec::new(), Problem::NotA(Type::Number))],
                }
            }
            Some(Type::Boolean) => match text.to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return vec![Violation::new(Vec::new(), Problem::NotA(Type::Boolean))],
            },
            _ => Value::String(text.to_string()),
        };
        self.validate(&value, id, mode)
    }
}

/// An integer as ASP.NET's binder reads it: an optional sign and digits, within i64.
pub fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// How many violations to collect, and how to read names, enum values and formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub first_only: bool,
    pub reading: Reading,
}

impl Mode {
    /// The harness's reading: exactly as the spec writes it, every violation.
    pub const EXACT: Mode = Mode {
        first_only: false,
        reading: Reading::Exact,
    };
}

/// How a value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Names and enum values exactly as the spec writes them; a UUID as `8-4-4-4-12` hex.
    Exact,
    /// As ASP.NET binds a request: names and enum values in any letter case, a UUID in any of
    /// .NET's `Guid` forms (32 digits, braces, parentheses).
    AspNet,
}

impl Reading {
    fn same(self, a: &str, b: &str) -> bool {
        match self {
            Reading::Exact => a == b,
            Reading::AspNet => a.eq_ignore_ascii_case(b),
        }
    }

    fn format_holds(self, format: &Format, text: &str) -> bool {
        match (self, format) {
            (Reading::AspNet, Format::Uuid) => {
                let inner = match text.as_bytes() {
                    [b'{', .., b'}'] | [b'(', .., b')'] => &text[1..text.len() - 1],
                    _ => text,
                };
                is_uuid(inner)
                    || (inner.len() == 32 && inner.bytes().all(|b| b.is_ascii_hexdigit()))
            }
            _ => format_holds(format, text),
        }
    }
}

/// A step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Property(Arc<str>),
    Index(usize),
}

/// The path of a value inside a body: `organizationInput.name`, `items[0].name`.
pub fn dotted(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Property(name) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(name);
            }
            Step::Index(i) => {
                text.push('[');
                text.push_str(&i.to_string());
                text.push(']');
            }
        }
    }
    text
}

/// A JSON Pointer (RFC 6901) of a path: `/items/0/name`.
pub fn pointer(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        text.push('/');
        match step {
            Step::Property(name) => text.push_str(&name.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => text.push_str(&i.to_string()),
        }
    }
    text
}

/// The keyword of a declared constraint: what a break breaks, and what a violation violated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Keyword {
    Required,
    /// `type` with its `format` (and, for JSON-valued parameters, the JSON itself).
    Type,
    Minimum,
    Maximum,
    MinLength,
    MaxLength,
    Pattern,
    Enum,
    MinItems,
    MaxItems,
    UniqueItems,
}

impl Keyword {
    pub const ALL: [Keyword; 11] = [
        Keyword::Required,
        Keyword::Type,
        Keyword::Minimum,
        Keyword::Maximum,
        Keyword::MinLength,
        Keyword::MaxLength,
        Keyword::Pattern,
        Keyword::Enum,
        Keyword::MinItems,
        Keyword::MaxItems,
        Keyword::UniqueItems,
    ];

    /// As the spec spells it (`type` stands for type and format).
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Required => "required",
            Keyword::Type => "type",
            Keyword::Minimum => "minimum",
            Keyword::Maximum => "maximum",
            Keyword::MinLength => "minLength",
            Keyword::MaxLength => "maxLength",
            Keyword::Pattern => "pattern",
            Keyword::Enum => "enum",
            Keyword::MinItems => "minItems",
            Keyword::MaxItems => "maxItems",
            Keyword::UniqueItems => "uniqueItems",
        }
    }

    pub fn parse(text: &str) -> Option<Keyword> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is wrong with a value, with the limit it broke: enough to word a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A required property is absent (the path ends at the property).
    Missing,
    /// `null` where the schema is not nullable.
    Null,
    NotA(Type),
    Malformed(Format),
    Below(Number),
    Above(Number),
    TooShort(u64),
    TooLong(u64),
    NoMatch(Arc<str>),
    NotInEnum,
    TooFew(u64),
    TooMany(u64),
    Duplicates,
}

impl Problem {
    pub fn keyword(&self) -> Keyword {
        match self {
            Problem::Missing => Keyword::Required,
            Problem::Null | Problem::NotA(_) | Problem::Malformed(_) => Keyword::Type,
            Problem::Below(_) => Keyword::Minimum,
            Problem::Above(_) => Keyword::Maximum,
            Problem::TooShort(_) => Keyword::MinLength,
            Problem::TooLong(_) => Keyword::MaxLength,
            Problem::NoMatch(_) => Keyword::Pattern,
            Problem::NotInEnum => Keyword::Enum,
            Problem::TooFew(_) => Keyword::MinItems,
            Problem::TooMany(_) => Keyword::MaxItems,
            Problem::Duplicates => Keyword::UniqueItems,
        }
    }
}

impl fmt::Display for Problem {
    /// In the console's style: `Property value must be larger or equal to 0.`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing => f.write_str("The property is required."),
            Problem::Null => f.write_str("Property value must not be null."),
            Problem::NotA(Type::Boolean) => f.write_str("Property value must be true or false."),
            Problem::NotA(Type::Integer) => f.write_str("Property value must be an integer."),
            Problem::NotA(Type::Number) => f.write_str("Property value must be a number."),
            Problem::NotA(Type::String) => f.write_str("Property value must be a string."),
            Problem::NotA(Type::Array) => f.write_str("Property value must be an array."),
            Problem::NotA(Type::Object) => f.write_str("Property value must be an object."),
            Problem::NotA(Type::File) => f.write_str("Property value must be a file."),
            Problem::Malformed(Format::Uuid) => f.write_str("Property value must be a UUID."),
            Problem::Malformed(Format::Int32) => {
                f.write_str("Property value must be a 32-bit integer.")
            }
            Problem::Malformed(Format::Int64) => {
                f.write_str("Property value must be a 64-bit integer.")
            }
            Problem::Malformed(format) => {
                write!(f, "Property value must be a {}.", format.as_str())
            }
            Problem::Below(n) => write!(f, "Property value must be larger or equal to {n}."),
            Problem::Above(n) => write!(f, "Property value must be less or equal to {n}."),
            Problem::TooShort(n) => write!(f, "Property value must be at least {n} long."),
            Problem::TooLong(n) => write!(f, "Property value must be at most {n} long."),
            Problem::NoMatch(p) => write!(f, "Property value must match '{p}'."),
            Problem::NotInEnum => f.write_str("Property value is not one of the allowed values."),
            Problem::TooFew(n) => write!(f, "Property value must have at least {n} items."),
            Problem::TooMany(n) => write!(f, "Property value must have at most {n} items."),
            Problem::Duplicates => f.write_str("Property value must not repeat an item."),
        }
    }
}

/// One violation: where in the value (empty: the value itself), and what.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub at: Vec<Step>,
    pub problem: Problem,
}

impl Violation {
    fn new(at: Vec<Step>, problem: Problem) -> Violation {
        Violation { at, problem }
    }

    pub fn keyword(&self) -> Keyword {
        self.problem.keyword()
    }
}

struct Walk<'a> {
    schemas: &'a Schemas,
    mode: Mode,
    at: Vec<Step>,
    found: Vec<Violation>,
}

impl Walk<'_> {
    fn done(&self) -> bool {
        self.mode.first_only && !self.found.is_empty()
    }

    fn report(&mut self, problem: Problem) {
        self.found.push(Violation::new(self.at.clone(), problem));
    }

    fn value(&mut self, value: &Value, id: SchemaId) {
        let view = self.schemas.view(id);
        if view.dangling.is_some() {
            return;
        }
        let schema = view.schema;
        if value.is_null() {
            if !view.nullable {
                self.report(Problem::Null);
            }
            return;
        }
        if schema.is_free_form() {
            return;
        }
        let typed = match schema.ty {
            None | Some(Type::File) => true,
            Some(Type::String) => value.is_string(),
            Some(Type::Integer) => value.is_i64() || value.is_u64(),
            Some(Type::Number) => value.is_number(),
            Some(Type::Boolean) => value.is_boolean(),
            Some(Type::Array) => value.is_array(),
            Some(Type::Object) => value.is_object(),
        };
        if !typed {
            if let Some(ty) = schema.ty {
                self.report(Problem::NotA(ty));
            }
            return;
        }
        match value {
            Value::String(text) => self.string(text, schema),
            Value::Number(n) => self.number(n, schema),
            Value::Array(items) => self.array(items, schema),
            Value::Object(members) => self.object(members, schema),
            _ => {}
        }
        if self.done() {
            return;
        }
        if let Some(allowed) = &schema.enumeration
            && !self.in_enum(value, allowed)
        {
            self.report(Problem::NotInEnum);
        }
    }

    fn in_enum(&self, value: &Value, allowed: &[Value]) -> bool {
        allowed.iter().any(|a| match (a, value) {
            (Value::String(a), Value::String(v)) => self.mode.reading.same(a, v),
            (a, v) => a == v,
        })
    }

    fn string(&mut self, text: &str, schema: &Schema) {
        if let Some(format) = &schema.format
            && !self.mode.reading.format_holds(format, text)
        {
            self.report(Problem::Malformed(format.clone()));
            return;
        }
        let length = text.chars().count() as u64;
        if let Some(min) = schema.min_length
            && length < min
        {
            self.report(Problem::TooShort(min));
            if self.done() {
                return;
            }
        }
        if let Some(max) = schema.max_length
            && length > max
        {
            self.report(Problem::TooLong(max));
            if self.done() {
                return;
            }
        }
        if let Some(pattern) = &schema.pattern
            && pattern.matches(text) == Some(false)
        {
            self.report(Problem::NoMatch(pattern.source.clone()));
        }
    }

    fn number(&mut self, n: &Number, schema: &Schema) {
        let bits = match &schema.format {
            Some(Format::Int32) => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
            Some(Format::Int64) => Some((i64::MIN, i64::MAX)),
            _ => None,
        };
        if let (Some((low, high)), Some(format)) = (bits, &schema.format) {
            let fits = n.as_i64().is_some_and(|v| (low..=high).contains(&v));
            if !fits && schema.ty == Some(Type::Integer) {
                // Still a number: its bounds are read too (a value above an int32 maximum
                // breaks both).
                self.report(Problem::Malformed(format.clone()));
                if self.done() {
                    return;
                }
            }
        }
        if let Some(min) = &schema.minimum
            && compare(n, min) == std::cmp::Ordering::Less
        {
            self.report(Problem::Below(min.clone()));
            if self.done() {
                return;
            }
        }
        if let Some(max) = &schema.maximum
            && compare(n, max) == std::cmp::Ordering::Greater
        {
            self.report(Problem::Above(max.clone()));
        }
    }

    fn array(&mut self, items: &[Value], schema: &Schema) {
        let count = items.len() as u64;
        if let Some(min) = schema.min_items
            && count < min
        {
            self.report(Problem::TooFew(min));
            if self.done() {
                return;
            }
        }
        if let Some(max) = schema.max_items
            && count > max
        {
            self.report(Problem::TooMany(max));
            if self.done() {
                return;
            }
        }
        if schema.unique_items && has_duplicates(items) {
            self.report(Problem::Duplicates);
            if self.done() {
                return;
            }
        }
        if let Some(item) = schema.items {
            for (i, value) in items.iter().enumerate() {
                self.at.push(Step::Index(i));
                self.value(value, item);
                self.at.pop();
                if self.done() {
                    return;
                }
            }
        }
    }

    fn object(&mut self, members: &Map<String, Value>, schema: &Schema) {
        let reading = self.mode.reading;
        let member = |name: &str| {
            members.get(name).or_else(|| match reading {
                Reading::Exact => None,
                Reading::AspNet => members
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v),
            })
        };
        for (name, id) in &schema.properties {
            let view = self.schemas.view(*id);
            if view.read_only {
                continue;
            }
            self.at.push(Step::Property(name.clone()));
            match member(name) {
                None if schema.is_required(name) => self.report(Problem::Missing),
                None => {}
                Some(value) => self.value(value, *id),
            }
            self.at.pop();
            if self.done() {
                return;
            }
        }
        if let Some(additional) = schema.additional {
            for (name, value) in members {
                if schema.properties.iter().any(|(n, _)| reading.same(n, name)) {
                    continue;
                }
                self.at.push(Step::Property(Arc::from(name.as_str())));
                self.value(value, additional);
                self.at.pop();
                if self.done() {
                    return;
                }
            }
        }
    }
}

/// Two JSON numbers in order, exactly where both are integers.
pub fn compare(a: &Number, b: &Number) -> std::cmp::Ordering {
    let int = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (int(a), int(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
        }
    }
}

fn has_duplicates(items: &[Value]) -> bool {
    items
        .iter()
        .enumerate()
        .any(|(i, a)| items[i + 1..].iter().any(|b| a == b))
}

/// Whether a string is well formed for a checked format.
pub fn format_holds(format: &Format, text: &str) -> bool {
    match format {
        Format::Uuid => is_uuid(text),
        Format::Date => is_date(text),
        Format::DateTime => is_date_time(text),
        Format::Base64 => is_base64(text),
        Format::Int32 | Format::Int64 | Format::Other(_) => true,
    }
}

/// `8-4-4-4-12` hexadecimal digits.
pub fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn digits(text: &str, count: usize) -> Option<u32> {
    (text.len() == count && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD`, a day of the calendar.
pub fn is_date(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) = (
        parts.next().and_then(|p| digits(p, 4)),
        parts.next().and_then(|p| digits(p, 2)),
        parts.next().and_then(|p| digits(p, 2)),
        parts.next(),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// RFC 3339 `date-time`: a date, `T`, `hh:mm:ss` with optional fractions, and `Z` or an offset
/// (which .NET also lets go missing).
pub fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else {
        return false;
    };
    if !is_date(date) {
        return false;
    }
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let clock = clock.split('.').collect::<Vec<_>>();
    let hms: Vec<&str> = clock[0].split(':').collect();
    let fraction_ok = clock.len() == 1
        || (clock.len() == 2
            && !clock[1].is_empty()
            && clock[1].bytes().all(|b| b.is_ascii_digit()));
    let time_ok = hms.len() == 3
        && digits(hms[0], 2).is_some_and(|h| h < 24)
        && digits(hms[1], 2).is_some_and(|m| m < 60)
        && digits(hms[2], 2).is_some_and(|s| s < 61);
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        offset => {
            let rest = &offset[1..];
            let hm: Vec<&str> = rest.split(':').collect();
            hm.len() == 2
                && digits(hm[0], 2).is_some_and(|h| h < 24)
                && digits(hm[1], 2).is_some_and(|m| m < 60)
        }
    };
    time_ok && fraction_ok && zone_ok
}

/// Standard base64 with padding.
pub fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    text.len() % 4 == 0
        && padding <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(named: Value, site: Value) -> (Schemas, SchemaId) {
        let texts: Vec<(String, Box<RawValue>)> = named
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, schema)| {
                (
                    name.clone(),
                    serde_json::value::to_raw_value(schema).unwrap(),
                )
            })
            .collect();
        let named: BTreeMap<Text, &RawValue> = texts
            .iter()
            .map(|(name, text)| (Text(name.as_str().into()), &**text))
            .collect();
        let mut schemas = Schemas::new(&named).unwrap();
        let site = serde_json::value::to_raw_value(&site).unwrap();
        let id = schemas.add_text(&site).unwrap();
        (schemas, id)
    }

    fn problems(schemas: &Schemas, id: SchemaId, value: Value) -> Vec<(String, Keyword)> {
        schemas
            .validate(&value, id, Mode::EXACT)
            .into_iter()
            .map(|v| (dotted(&v.at), v.keyword()))
            .collect()
    }

    #[test]
    fn keywords_are_read_from_the_text_as_a_json_value_would_give_them() {
        let (schemas, id) = compile(
            json!({}),
            json!({"type": "object", "additionalProperties": true, "properties": {
                "b": {"type": "string", "pattern": "^\\d+\"?$", "default": null},
                "a": {"type": "object", "additionalProperties": {"type": "integer"},
                      "x-unknown": {"nested": [1, 2]}}}}),
        );
        let view = schemas.view(id);
        assert_eq!(view.schema.additional, None, "`true` declares no schema");
        let names: Vec<&str> = view.schema.properties.iter().map(|(n, _)| &**n).collect();
        assert_eq!(names, ["a", "b"], "properties by name");
        let b = schemas.view(view.schema.property("b").unwrap()).schema;
        assert_eq!(b.pattern.as_ref().map(|p| &*p.source), Some("^\\d+\"?$"));
        assert_eq!(b.default, Some(Value::Null), "a null default is a default");
        let a = schemas.view(view.schema.property("a").unwrap()).schema;
        let additional = schemas.view(a.additional.unwrap()).schema;
        assert_eq!(additional.ty, Some(Type::Integer));
    }

    #[test]
    fn references_and_all_of_resolve_with_what_the_site_adds() {
        let (schemas, id) = compile(
            json!({
                "Input": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "maxLength": 3},
                    "owner": {"allOf": [{"$ref": "#/schemas/Owner"}], "nullable": true},
                    "id": {"type": "string", "format": "uuid", "readOnly": true}}},
                "Owner": {"type": "object", "required": ["login"], "properties": {
                    "login": {"type": "string", "pattern": "^[a-z]+$"}}}
            }),
            json!({"$ref": "#/schemas/Input"}),
        );
        assert_eq!(schemas.view(id).name, Some("Input"));
        assert!(problems(&schemas, id, json!({"name": "abc", "owner": null})).is_empty());
        assert_eq!(
            problems(&schemas, id, json!({"owner": {"login": "A1"}})),
            vec![
                ("name".to_string(), Keyword::Required),
                ("owner.login".to_string(), Keyword::Pattern)
            ]
        );
        // readOnly properties are not inputs: never required, never checked.
        assert!(problems(&schemas, id, json!({"name": "a", "id": 7})).is_empty());
        assert_eq!(
            problems(&schemas, id, json!({"name": "abcd"})),
            vec![("name".to_string(), Keyword::MaxLength)]
        );
    }

    #[test]
    fn a_dangling_reference_says_nothing_of_the_value() {
        let (schemas, id) = compile(json!({}), json!({"$ref": "#/schemas/Missing"}));
        assert_eq!(schemas.view(id).dangling, Some("Missing"));
        assert!(problems(&schemas, id, json!(42)).is_empty());
    }

    #[test]
    fn types_formats_bounds_and_items() {
        let (schemas, id) = compile(
            json!({}),
            json!({"type": "object", "properties": {
                "n": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 500},
                "u": {"type": "string", "format": "uuid"},
                "d": {"type": "string", "format": "date-time"},
                "e": {"type": "string", "enum": ["a", "b"]},
                "tags": {"type": "array", "minItems": 1, "uniqueItems": true,
                         "items": {"type": "string", "minLength": 2}},
                "free": {"type": "object"}}}),
        );
        let check = |value: Value| problems(&schemas, id, value);
        assert!(
            check(json!({"n": 5, "u": "00000000-0000-4000-8000-000000000404",
                "d": "2026-12-04T10:00:00Z", "e": "a", "tags": ["xy"], "free": "anything"}))
            .is_empty()
        );
        assert_eq!(check(json!({"n": 0}))[0].1, Keyword::Minimum);
        assert_eq!(check(json!({"n": 501}))[0].1, Keyword::Maximum);
        assert_eq!(check(json!({"n": 2147483648_i64}))[0].1, Keyword::Type);
        assert_eq!(check(json!({"n": "5"}))[0].1, Keyword::Type);
        assert_eq!(check(json!({"n": null}))[0].1, Keyword::Type);
        assert_eq!(check(json!({"u": "x"}))[0].1, Keyword::Type);
        assert_eq!(
            check(json!({"d": "2026-13-01T00:00:00Z"}))[0].1,
            Keyword::Type
        );
        assert_eq!(check(json!({"e": "c"}))[0].1, Keyword::Enum);
        assert_eq!(check(json!({"tags": []}))[0].1, Keyword::MinItems);
        assert_eq!(
            check(json!({"tags": ["xy", "xy"]}))[0].1,
            Keyword::UniqueItems
        );
        assert_eq!(
            check(json!({"tags": ["xy", "z"]})),
            vec![("tags[1]".to_string(), Keyword::MinLength)]
        );
    }

    #[test]
    fn any_case_names_read_as_aspnet_binds_them() {
        let (schemas, id) = compile(
            json!({}),
            json!({"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"}, "kind": {"type": "string", "enum": ["Active"]}}}),
        );
        let value = json!({"NAME": "x", "kind": "active"});
        assert_eq!(schemas.validate(&value, id, Mode::EXACT).len(), 2);
        let lenient = Mode {
            first_only: false,
            reading: Reading::AspNet,
        };
        assert!(schemas.validate(&value, id, lenient).is_empty());
    }

    #[test]
    fn parameter_text_is_read_by_type() {
        let (schemas, id) = compile(
            json!({}),
            json!({"type": "integer", "format": "int32", "minimum": 0}),
        );
        assert!(schemas.validate_text("12", id, Mode::EXACT).is_empty());
        assert_eq!(
            schemas.validate_text("abc", id, Mode::EXACT)[0].keyword(),
            Keyword::Type
        );
        assert_eq!(
            schemas.validate_text("-1", id, Mode::EXACT)[0].keyword(),
            Keyword::Minimum
        );
        let (schemas, id) = compile(json!({}), json!({"type": "boolean"}));
        assert!(schemas.validate_text("True", id, Mode::EXACT).is_empty());
        assert!(!schemas.validate_text("yes", id, Mode::EXACT).is_empty());
    }

    #[test]
    fn formats() {
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-1-01"));
        assert!(is_date_time("2026-12-04T10:00:00.123+01:00"));
        assert!(is_date_time("2026-12-04T10:00:00"));
        assert!(!is_date_time("not-a-date-time") && !is_date_time("2026-12-04"));
        assert!(is_base64("dnNwYw==") && !is_base64("!!!!"));
        assert!(!is_uuid("not-a-uuid"));
    }

    #[test]
    fn ecma_patterns_are_read_as_ecma_reads_them() {
        let email = Pattern::new(
            r#"^(")?(?:[^\."])(?:(?:[\.])?(?:[\w\-!#$%&'*+\/=?\^_`{|}~]))*\1@(\w[\-\w]*\.){1,5}([A-Za-z]){2,6}$"#,
        );
        assert_eq!(email.matches("vspc@example.com"), Some(true));
        assert_eq!(email.matches("\"vspc\"@example.com"), Some(true));
        assert_eq!(email.matches("vspc"), Some(false));
        let share = Pattern::new(
            r#"^([^/\\\][":;|<>+=,?* _]+\/[^/\\\][":;|<>+=,?*]+)((?:\/[^\\/:*?"<>|]+)*\/?)$"#,
        );
        assert_eq!(share.matches("server/share"), Some(true));
        assert_eq!(share.matches("server share"), Some(false));
        assert_eq!(share.matches("[server]/share"), Some(false));
    }

    #[test]
    fn patterns_in_ecma_syntax_compile() {
        let pattern = Pattern::new(r#"^[^\/\\\[\]:;|=,+\*\?<>@"!#$%^&(){}]+(?<!\.)$"#);
        assert_eq!(pattern.matches("server01"), Some(true));
        assert_eq!(pattern.matches("server."), Some(false));
        assert_eq!(pattern.matches("a<b"), Some(false));
    }
}
