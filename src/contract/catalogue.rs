//! One version's operations, read from its official spec (`schemas/spec/<version>.json`, the
//! OpenAPI document reduced to facts): routes, parameters, bodies, roles and declared responses,
//! with their schemas compiled into [`Schemas`], and the router over them.
//!
//! The spec is the one source. What earlier catalogues carried beside it is derived here: a
//! path parameter's format from its schema, a collection from its `limit` parameter, a body's
//! kind from its content type (a JSON Patch body is the `JsonPatches` schema), the snake_case
//! tag selectors use from the spec's tag.

use super::ApiVersion;
use super::role::{Role, Roles};
use super::schema::{Format, SchemaId, Schemas, Type};
use super::schema::{Text, Written};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};

/// How a request body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyKind {
    Json,
    JsonPatch,
    Form,
    OctetStream,
    Multipart,
}

/// An operation's request body.
#[derive(Debug, Clone)]
pub struct BodySpec {
    pub kind: BodyKind,
    /// As the spec declares it (`application/json`, ...).
    pub content_type: String,
    pub required: bool,
    pub schema: SchemaId,
    /// The spec's example of the body, when it has one (valid or not: check before use).
    pub example: Option<Value>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    pub const ALL: [Location; 3] = [Location::Path, Location::Query, Location::Header];

    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// What the spec marks a collection parameter as (`x-veeam-pagination-*` and the like).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterRole {
    Limit,
    Offset,
    Filter,
    Sort,
    Select,
    Expand,
    /// A `global-*-filter` parameter.
    GlobalFilter,
}

impl ParameterRole {
    fn parse(text: &str) -> Option<ParameterRole> {
        Some(match text {
            "limit" => ParameterRole::Limit,
            "offset" => ParameterRole::Offset,
            "filter" => ParameterRole::Filter,
            "sort" => ParameterRole::Sort,
            "select" => ParameterRole::Select,
            "expand" => ParameterRole::Expand,
            other if other.starts_with("global-") => ParameterRole::GlobalFilter,
            _ => return None,
        })
    }

    /// `filter`, `sort` and `select`: JSON text in the query (3.5.1 to 3.6.2 declare its
    /// schema; 3.7 marks the string parameter with the role).
    pub fn is_json(self) -> bool {
        matches!(
            self,
            ParameterRole::Filter | ParameterRole::Sort | ParameterRole::Select
        )
    }
}

/// One declared parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub location: Location,
    pub required: bool,
    /// None when the spec gives the parameter no schema (any text).
    pub schema: Option<SchemaId>,
    /// Its value is JSON text (`content: application/json`, or a filter/sort/select role).
    pub json: bool,
    pub role: Option<ParameterRole>,
}

impl Parameter {
    /// `X-Client-Version`: the harness's own header, not an input of the operation.
    pub fn is_client_version(&self) -> bool {
        self.location == Location::Header && self.name.eq_ignore_ascii_case("X-Client-Version")
    }
}

/// A path parameter as routes and sweeps see it.
#[derive(Debug, Clone)]
pub struct PathParameter {
    pub name: String,
    /// `uuid`, `integer` or `string`.
    pub format: &'static str,
}

/// One operation of a version's spec.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: String,
    /// The path under `/api/v3` exactly as the spec writes it (a trailing slash included),
    /// with its camelCase parameters: `/organizations/companies/{companyUid}`.
    pub path: String,
    /// The spec's tag in snake_case (`Backup Policies` -> `backup_policies`).
    pub tag: String,
    pub operation_id: String,
    /// The roles admitted to the operation (`x-veeam-vspc-admitted-roles`).
    pub roles: Roles,
    /// Admits callers without credentials (`x-veeam-allow-anonymous`).
    pub anonymous: bool,
    pub parameters: Vec<Parameter>,
    pub body: Option<BodySpec>,
    /// The declared response statuses (`200`, `202`, `default`).
    pub responses: Vec<String>,
    /// The resource model a PATCH applies to (`x-veeam-vspc-patch-for`).
    pub patch_for: Option<SchemaId>,
    /// Derived: the path parameters in path order.
    pub path_parameters: Vec<PathParameter>,
    /// Derived: a GET paged with `limit` and `offset`.
    pub collection: bool,
    /// Derived: the spec declares `202 Accepted` (an async action).
    pub may_be_async: bool,
}

impl Operation {
    pub fn path_parameter(&self, name: &str) -> Option<&PathParameter> {
        self.path_parameters.iter().find(|p| p.name == name)
    }

    /// A declared query parameter.
    pub fn query_parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters
            .iter()
            .find(|p| p.location == Location::Query && p.name == name)
    }

    /// Any declared parameter by name, in any letter case (query names bind so).
    pub fn parameter_named(&self, name: &str) -> Option<&Parameter> {
        self.parameters
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The declared query parameters.
    pub fn query_parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(|p| p.location == Location::Query)
    }

    /// Whether the role is admitted.
    pub fn admits(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// A UUID in the path: the operation acts on a resource it looks up.
    pub fn has_uuid_parameter(&self) -> bool {
        self.path_parameters.iter().any(|p| p.format == "uuid")
    }
}

/// The spec's two parts, each item left as its text until it is read: one operation or one
/// schema at a time, so that what is read of one is freed before the next is read.
#[derive(Deserialize)]
struct RawSpec<'a> {
    #[serde(borrow)]
    operations: Vec<&'a RawValue>,
    #[serde(borrow)]
    schemas: BTreeMap<Text<'a>, &'a RawValue>,
}

#[derive(Deserialize)]
struct RawOperation<'a> {
    method: String,
    path: String,
    #[serde(borrow)]
    tag: Text<'a>,
    operation_id: String,
    #[serde(default, borrow)]
    roles: Vec<Text<'a>>,
    #[serde(default)]
    anonymous: bool,
    #[serde(default, borrow)]
    parameters: Vec<RawParameter<'a>>,
    #[serde(borrow)]
    body: Option<RawBody<'a>>,
    #[serde(default)]
    responses: Vec<String>,
    #[serde(borrow)]
    patch_for: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawParameter<'a> {
    name: String,
    #[serde(rename = "in", borrow)]
    location: Text<'a>,
    #[serde(default)]
    required: bool,
    #[serde(borrow)]
    schema: Option<&'a RawValue>,
    #[serde(borrow)]
    content_type: Option<Text<'a>>,
    #[serde(borrow)]
    role: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct RawBody<'a> {
    content_type: String,
    #[serde(default)]
    required: bool,
    #[serde(borrow)]
    schema: &'a RawValue,
    #[serde(borrow)]
    example: Option<&'a RawValue>,
}

/// `Backup Policies` -> `backup_policies`, `AsyncActions` -> `async_actions`.
pub fn tag_slug(tag: &str) -> String {
    let mut slug = String::with_capacity(tag.len() + 4);
    let mut previous: Option<char> = None;
    for c in tag.chars() {
        if c == ' ' || c == '-' {
            slug.push('_');
        } else if c.is_ascii_uppercase() {
            if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                slug.push('_');
            }
            slug.push(c.to_ascii_lowercase());
        } else {
            slug.push(c);
        }
        previous = Some(c);
    }
    slug
}

/// A version's spec as operations and schemas.
pub(super) fn read(text: &str) -> Result<(Vec<Operation>, Schemas), serde_json::Error> {
    let raw: RawSpec = serde_json::from_str(text)?;
    let read_operations = || {
        raw.operations
            .iter()
            .map(|op| serde_json::from_str::<RawOperation>(op.get()))
            .collect::<Result<Vec<_>, _>>()
    };
    // Every sweep waits for the catalogue, and the core that reads the case files is idle by
    // then: the operations are read there while the named schemas are compiled here (about
    // 3 ms each at 3.6.1). A thread that cannot be started leaves both to this one.
    let (schemas, read) = std::thread::scope(|scope| {
        let other = std::thread::Builder::new().spawn_scoped(scope, read_operations);
        let schemas = Schemas::new(&raw.schemas);
        let read = match other {
            Ok(other) => other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => read_operations(),
        };
        (schemas, read)
    });
    let mut sites = Sites {
        schemas: schemas?,
        compiled: HashMap::new(),
    };
    let json_patch = sites.schemas.named("JsonPatches");
    let operations = read?
        .into_iter()
        .map(|op| operation(op, &mut sites, json_patch))
        .collect::<Result<_, _>>()?;
    Ok((operations, sites.schemas))
}

/// The schemas written at the operations' sites, each distinct text compiled once (at 3.6.1,
/// 5,365 parameter schemas are 82 texts): a schema is the same wherever it is written, and
/// nothing tells two sites' ids apart.
struct Sites<'a> {
    schemas: Schemas,
    compiled: HashMap<&'a str, SchemaId>,
}

impl<'a> Sites<'a> {
    fn add(&mut self, text: &'a RawValue) -> Result<SchemaId, serde_json::Error> {
        if let Some(&id) = self.compiled.get(text.get()) {
            return Ok(id);
        }
        let id = self.schemas.add_text(text)?;
        self.compiled.insert(text.get(), id);
        Ok(id)
    }
}

fn operation<'a>(
    raw: RawOperation<'a>,
    sites: &mut Sites<'a>,
    json_patch: Option<SchemaId>,
) -> Result<Operation, serde_json::Error> {
    let mut parameters: Vec<Parameter> = Vec::with_capacity(raw.parameters.len());
    // A parameter is one name in one place; the specs declare `entityUid` of
    // PATCH /permissions/{entityUid} twice, alike: the first declaration counts.
    let mut declared: Vec<Parameter> = Vec::with_capacity(raw.parameters.len());
    for p in raw.parameters {
        let location = match &*p.location {
            "path" => Location::Path,
            "query" => Location::Query,
            "header" => Location::Header,
            _ => continue,
        };
        let role = p.role.as_deref().and_then(ParameterRole::parse);
        declared.push(Parameter {
            json: p.content_type.is_some() || role.is_some_and(ParameterRole::is_json),
            schema: p.schema.map(|s| sites.add(s)).transpose()?,
            name: p.name,
            location,
            required: p.required || location == Location::Path,
            role,
        });
    }
    for parameter in declared {
        let twice = parameters
            .iter()
            .any(|p| p.location == parameter.location && p.name == parameter.name);
        if !twice {
            parameters.push(parameter);
        }
    }
    let body = match raw.body {
        None => None,
        Some(b) => {
            let schema = sites.add(b.schema)?;
            let kind = match b.content_type.as_str() {
                "application/x-www-form-urlencoded" => BodyKind::Form,
                "application/octet-stream" => BodyKind::OctetStream,
                "multipart/form-data" => BodyKind::Multipart,
                _ if json_patch.is_some()
                    && sites.schemas.view(schema).id == json_patch.unwrap_or(schema) =>
                {
                    BodyKind::JsonPatch
                }
                _ => BodyKind::Json,
            };
            Some(BodySpec {
                kind,
                content_type: b.content_type,
                required: b.required,
                schema,
                example: b
                    .example
                    .map(|e| serde_json::from_str(e.get()))
                    .transpose()?,
            })
        }
    };
    let path_parameters = raw
        .path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let schema = parameters
                .iter()
                .find(|p| p.location == Location::Path && p.name == name)
                .and_then(|p| p.schema)
                .map(|id| sites.schemas.view(id));
            let format = match schema.map(|v| (v.schema.ty, v.schema.format.clone())) {
                Some((_, Some(Format::Uuid))) => "uuid",
                Some((Some(Type::Integer), _)) => "integer",
                _ => "string",
            };
            PathParameter {
                name: name.to_string(),
                format,
            }
        })
        .collect();
    let collection = raw.method == "GET"
        && parameters
            .iter()
            .any(|p| p.role == Some(ParameterRole::Limit));
    let patch_for = match raw.patch_for {
        Some(text) => serde_json::from_str::<Written>(text.get())?
            .reference
            .and_then(|r| sites.schemas.named(r.rsplit('/').next().unwrap_or(&r))),
        None => None,
    };
    Ok(Operation {
        may_be_async: raw.responses.iter().any(|r| r == "202"),
        tag: tag_slug(&raw.tag),
        method: raw.method,
        path: raw.path,
        operation_id: raw.operation_id,
        roles: raw.roles.iter().filter_map(|r| Role::parse(r)).collect(),
        anonymous: raw.anonymous,
        parameters,
        body,
        responses: raw.responses,
        patch_for,
        path_parameters,
        collection,
    })
}

/// A path segment of a catalogue path: literal text or a `{parameter}`.
#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Parameter,
}

/// What the catalogue says about a method and a path.
#[derive(Debug)]
pub enum Route<'a> {
    /// The operation, with the path parameters' values in path order.
    Found(&'a Operation, Vec<(&'a str, String)>),
    /// The path exists, but not with this method; the methods it has.
    MethodNotAllowed(Vec<&'a str>),
    NotFound,
}

/// Whether a router tells `/plugins/` from `/plugins`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailingSlash {
    /// Either matches the catalogue's path.
    Ignored,
    /// Only the catalogue's path exactly as written matches.
    Significant,
}

/// A router over `(method, path)` pairs: segment-wise matching where a literal segment beats a
/// parameter (`/asyncActions/config` before `/asyncActions/{actionId}`), as ASP.NET routes.
#[derive(Default)]
pub struct Router {
    routes: Vec<(String, String)>,
    segments: Vec<Vec<Segment>>,
    /// Route indexes by number of path segments, then by first segment.
    by_len: HashMap<usize, Heads>,
}

/// The routes of one path length, by their first segment: a path's candidates are those
/// whose first segment is its own and those whose first segment is a parameter.
#[derive(Default)]
struct Heads {
    literal: HashMap<String, Vec<usize>>,
    /// A parameter first, or no segment at all (`/`).
    parameter: Vec<usize>,
}

impl Heads {
    /// The candidates for a path starting with `head`, in catalogue order.
    fn candidates(&self, head: Option<&str>) -> impl Iterator<Item = usize> + '_ {
        let literal = head
            .and_then(|h| self.literal.get(h))
            .map_or(&[][..], Vec::as_slice);
        let (mut a, mut b) = (literal.iter().peekable(), self.parameter.iter().peekable());
        std::iter::from_fn(move || match (a.peek(), b.peek()) {
            (Some(&&x), Some(&&y)) if x < y => a.next().copied(),
            (Some(_), Some(_)) | (None, Some(_)) => b.next().copied(),
            (Some(_), None) => a.next().copied(),
            (None, None) => None,
        })
    }
}

/// Where a path matched: the route's index and the parameter values in path order.
pub struct Matched {
    pub index: usize,
    pub values: Vec<String>,
}

impl Router {
    pub fn new(routes: Vec<(String, String)>) -> Router {
        let segments: Vec<Vec<Segment>> = routes
            .iter()
            .map(|(_, path)| {
                split_path(path)
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            Segment::Parameter
                        } else {
                            Segment::Literal(s.to_string())
                        }
                    })
                    .collect()
            })
            .collect();
        let mut by_len: HashMap<usize, Heads> = HashMap::new();
        for (i, segs) in segments.iter().enumerate() {
            let heads = by_len.entry(segs.len()).or_default();
            match segs.first() {
                Some(Segment::Literal(text)) => {
                    heads.literal.entry(text.clone()).or_default().push(i)
                }
                _ => heads.parameter.push(i),
            }
        }
        Router {
            routes,
            segments,
            by_len,
        }
    }

    /// Routes a concrete path (or a case's templated path, where `{var}` segments match
    /// parameters); a trailing slash counts as `slash` says. Ok: the route; Err: the methods the
    /// path has (empty: no route has the path).
    pub fn route(
        &self,
        method: &str,
        path: &str,
        slash: TrailingSlash,
    ) -> Result<Matched, Vec<&str>> {
        let slashed = path.len() > 1 && path.ends_with('/');
        let parts: Vec<&str> = split_path(path).collect();
        let Some(heads) = self.by_len.get(&parts.len()) else {
            return Err(Vec::new());
        };
        // Like ASP.NET's router: among the routes whose path matches and whose method is the
        // request's, the most literal one wins; 405 only when no path match has the method.
        let mut best: Option<(usize, usize)> = None;
        let mut methods: Vec<&str> = Vec::new();
        let mut best_literals_any = 0usize;
        let mut any = false;
        for i in heads.candidates(parts.first().copied()) {
            let Some(literals) = matches(&self.segments[i], &parts) else {
                continue;
            };
            let (route_method, route_path) = &self.routes[i];
            if slash == TrailingSlash::Significant && route_path.ends_with('/') != slashed {
                continue;
            }
            if !any || literals > best_literals_any {
                best_literals_any = literals;
                methods.clear();
            }
            any = true;
            if literals == best_literals_any {
                methods.push(route_method.as_str());
            }
            if route_method.eq_ignore_ascii_case(method) && best.is_none_or(|(_, l)| literals > l) {
                best = Some((i, literals));
            }
        }
        match best {
            Some((index, _)) => Ok(Matched {
                index,
                values: self.segments[index]
                    .iter()
                    .zip(&parts)
                    .filter(|(s, _)| matches!(s, Segment::Parameter))
                    .map(|(_, v)| (*v).to_string())
                    .collect(),
            }),
            None => Err(methods),
        }
    }

    pub fn len(&self) -> usize {
        self.routes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }
}

fn split_path(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The number of literal segments that matched, or None.
fn matches(segments: &[Segment], parts: &[&str]) -> Option<usize> {
    let mut literals = 0;
    for (segment, part) in segments.iter().zip(parts) {
        match segment {
            Segment::Literal(text) if text == part => literals += 1,
            Segment::Literal(_) => return None,
            Segment::Parameter => {}
        }
    }
    Some(literals)
}

/// One version's operations with their schemas and a router over them.
pub struct Operations {
    version: ApiVersion,
    list: Vec<Operation>,
    schemas: Schemas,
    router: Router,
}

impl Operations {
    pub(super) fn new(version: ApiVersion, list: Vec<Operation>, schemas: Schemas) -> Operations {
        let router = Router::new(
            list.iter()
                .map(|op| (op.method.clone(), op.path.clone()))
                .collect(),
        );
        Operations {
            version,
            list,
            schemas,
            router,
        }
    }

    /// The version whose spec this is.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    pub fn all(&self) -> &[Operation] {
        &self.list
    }

    /// The compiled schemas the operations' parameters and bodies refer to.
    pub fn schemas(&self) -> &Schemas {
        &self.schemas
    }

    /// Every role some operation of the version admits: the version's roles.
    pub fn roles(&self) -> Roles {
        self.list
            .iter()
            .fold(Roles::default(), |all, op| all.union(op.roles))
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Routes a concrete path (or a case's templated path, where `{var}` segments match
    /// parameters) to the operation that serves it; a trailing slash counts as `slash` says.
    pub fn route(&self, method: &str, path: &str, slash: TrailingSlash) -> Route<'_> {
        match self.router.route(method, path, slash) {
            Ok(Matched { index, values }) => {
                let op = &self.list[index];
                let params = op
                    .path_parameters
                    .iter()
                    .map(|p| p.name.as_str())
                    .zip(values)
                    .collect();
                Route::Found(op, params)
            }
            Err(methods) if methods.is_empty() => Route::NotFound,
            Err(methods) => Route::MethodNotAllowed(methods),
        }
    }

    /// The operation with exactly this method and catalogue path.
    pub fn get(&self, method: &str, path: &str) -> Option<&Operation> {
        self.list
            .iter()
            .find(|op| op.method == method && op.path == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_the_selectors_snake_case() {
        assert_eq!(tag_slug("Backup Policies"), "backup_policies");
        assert_eq!(tag_slug("AsyncActions"), "async_actions");
        assert_eq!(tag_slug("About"), "about");
    }
}
