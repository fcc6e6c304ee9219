//! The contract under test, as data: the status rule, the error code catalogue, the error types,
//! the operation catalogue of REST API 3.6.1 and the compiled JSON Schemas of the error bodies.
//!
//! Everything here is read from `schemas/` at compile time (`include_str!`) and parsed and compiled
//! once per process ([`Contract::get`]), so no check ever rebuilds a validator.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

pub const ERROR_CODES_JSON: &str = include_str!("../schemas/error-codes.json");
pub const OPERATIONS_JSON: &str = include_str!("../schemas/operations.json");
pub const ENVELOPE_SCHEMA_JSON: &str = include_str!("../schemas/error-envelope.schema.json");
pub const OAUTH2_SCHEMA_JSON: &str = include_str!("../schemas/oauth2-error.schema.json");

/// The HTTP status the contract wants for a body `code`: 400..=499 verbatim, everything else 520.
pub fn status_for_code(code: i64) -> u16 {
    if (400..=499).contains(&code) {
        code as u16
    } else {
        520
    }
}

/// Custom codes (>= 1000) travel with 520 by the 3.7 spec; 3.6.x does not say, so users choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CustomCodeStatus {
    /// Custom codes must travel with 520 (the 3.7 spec's wording).
    #[default]
    #[value(name = "520")]
    Always520,
    /// A custom code may also travel with a 4xx status; reported as a deviation, not a failure.
    #[value(name = "520-or-4xx")]
    Allow4xx,
}

/// `retryAfter` on 429: the catalogue requires it, but the throttling page says it "may" be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryAfterReading {
    /// A 429 without `retryAfter` fails the field check.
    #[default]
    Required,
    /// A 429 without `retryAfter` is a deviation.
    Optional,
}

/// The readings the user chose for the facts the public sources leave open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Readings {
    pub custom_code_status: CustomCodeStatus,
    pub retry_after: RetryAfterReading,
}

/// `ResponseErrorType`, compared case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize)]
pub enum ErrorType {
    #[serde(rename = "logical")]
    Logical,
    #[serde(rename = "retryableLogical")]
    RetryableLogical,
    #[serde(rename = "security")]
    Security,
    #[serde(rename = "transport")]
    Transport,
    #[serde(rename = "unspecified")]
    Unspecified,
}

impl ErrorType {
    pub const ALL: [ErrorType; 5] = [
        ErrorType::Logical,
        ErrorType::RetryableLogical,
        ErrorType::Security,
        ErrorType::Transport,
        ErrorType::Unspecified,
    ];

    /// The spelling of the spec enum.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Logical => "logical",
            ErrorType::RetryableLogical => "retryableLogical",
            ErrorType::Security => "security",
            ErrorType::Transport => "transport",
            ErrorType::Unspecified => "unspecified",
        }
    }

    /// Any casing of a known type name.
    pub fn parse(text: &str) -> Option<ErrorType> {
        Self::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The OAuth2 error codes `POST /token` answers with (RFC 6749, the spec's `OAuth2ErrorCode`).
pub const OAUTH2_ERRORS: [&str; 6] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
];

/// One row of `schemas/error-codes.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct CodeInfo {
    pub code: u16,
    pub description: String,
    pub status: u16,
    #[serde(rename = "type")]
    pub usual_type: Option<ErrorType>,
    pub members: Vec<MemberRule>,
}

/// A member an error must carry: exactly one of `one_of` (e.g. `parameterName` | `propertyName`).
#[derive(Debug, Clone, Deserialize)]
pub struct MemberRule {
    pub one_of: Vec<String>,
}

#[derive(Deserialize)]
struct CodesFile {
    codes: Vec<CodeInfo>,
}

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

#[derive(Debug, Clone, Deserialize)]
pub struct BodySpec {
    pub kind: BodyKind,
    pub content_type: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PathParameter {
    pub name: String,
    /// `uuid`, `integer` or `string`.
    pub format: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct QueryParameter {
    pub name: String,
    /// `integer`, `boolean`, `string`, `array` or `json` (filter, sort, select).
    #[serde(rename = "type")]
    pub kind: String,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub default: Option<serde_json::Value>,
}

/// One operation of the catalogue (`schemas/operations.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    pub method: String,
    /// The path under `/api/v3`, with the spec's camelCase parameters: `/organizations/companies/{companyUid}`.
    pub path: String,
    pub summary: String,
    pub tag: String,
    pub path_parameters: Vec<PathParameter>,
    pub query_parameters: Vec<QueryParameter>,
    pub body: Option<BodySpec>,
    pub collection: bool,
    pub anonymous: bool,
    #[serde(rename = "async")]
    pub may_be_async: bool,
}

impl Operation {
    pub fn query_parameter(&self, name: &str) -> Option<&QueryParameter> {
        self.query_parameters.iter().find(|p| p.name == name)
    }

    pub fn path_parameter(&self, name: &str) -> Option<&PathParameter> {
        self.path_parameters.iter().find(|p| p.name == name)
    }
}

#[derive(Deserialize)]
struct OperationsFile {
    operations: Vec<Operation>,
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

/// The operation catalogue with a router over it: segment-wise matching where a literal segment
/// beats a parameter (`/asyncActions/config` before `/asyncActions/{actionId}`).
pub struct Operations {
    list: Vec<Operation>,
    segments: Vec<Vec<Segment>>,
    /// Operation indexes by number of path segments.
    by_len: HashMap<usize, Vec<usize>>,
}

impl Operations {
    fn new(list: Vec<Operation>) -> Operations {
        let segments: Vec<Vec<Segment>> = list
            .iter()
            .map(|op| {
                split_path(&op.path)
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
        let mut by_len: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, segs) in segments.iter().enumerate() {
            by_len.entry(segs.len()).or_default().push(i);
        }
        Operations { list, segments, by_len }
    }

    pub fn all(&self) -> &[Operation] {
        &self.list
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Routes a concrete path (or a case's templated path, where `{var}` segments match
    /// parameters) to the operation that serves it.
    pub fn route(&self, method: &str, path: &str) -> Route<'_> {
        let parts: Vec<&str> = split_path(path).collect();
        let Some(candidates) = self.by_len.get(&parts.len()) else {
            return Route::NotFound;
        };
        // Like ASP.NET's router: among the operations whose path matches and whose method is the
        // request's, the most literal one wins; 405 only when no path match has the method.
        let mut best: Option<(usize, usize)> = None;
        let mut methods: Vec<&str> = Vec::new();
        let mut best_literals_any = 0usize;
        let mut any = false;
        for &i in candidates {
            let Some(literals) = matches(&self.segments[i], &parts) else {
                continue;
            };
            let op = &self.list[i];
            if !any || literals > best_literals_any {
                best_literals_any = literals;
                methods.clear();
            }
            any = true;
            if literals == best_literals_any {
                methods.push(op.method.as_str());
            }
            if op.method.eq_ignore_ascii_case(method) && best.is_none_or(|(_, l)| literals > l) {
                best = Some((i, literals));
            }
        }
        match best {
            Some((i, _)) => {
                let op = &self.list[i];
                let params = op
                    .path_parameters
                    .iter()
                    .map(|p| p.name.as_str())
                    .zip(
                        self.segments[i]
                            .iter()
                            .zip(&parts)
                            .filter(|(s, _)| matches!(s, Segment::Parameter))
                            .map(|(_, v)| (*v).to_string()),
                    )
                    .collect();
                Route::Found(op, params)
            }
            None if any => Route::MethodNotAllowed(methods),
            None => Route::NotFound,
        }
    }

    /// The operation with exactly this method and catalogue path.
    pub fn get(&self, method: &str, path: &str) -> Option<&Operation> {
        self.list.iter().find(|op| op.method == method && op.path == path)
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

/// The whole contract, parsed and compiled once.
pub struct Contract {
    codes: BTreeMap<u16, CodeInfo>,
    operations: Operations,
    envelope: jsonschema::Validator,
    oauth2: jsonschema::Validator,
}

impl Contract {
    /// The contract embedded in this binary. The embedded files are pinned by `tests/schemas.rs`,
    /// so a failure here is a build defect, never bad user input.
    pub fn get() -> &'static Contract {
        static CONTRACT: OnceLock<Contract> = OnceLock::new();
        CONTRACT.get_or_init(|| {
            let codes: CodesFile =
                serde_json::from_str(ERROR_CODES_JSON).expect("embedded schemas/error-codes.json");
            let operations: OperationsFile =
                serde_json::from_str(OPERATIONS_JSON).expect("embedded schemas/operations.json");
            let compile = |text: &str| {
                let schema: serde_json::Value =
                    serde_json::from_str(text).expect("embedded schema is JSON");
                jsonschema::draft202012::new(&schema).expect("embedded schema compiles")
            };
            Contract {
                codes: codes.codes.into_iter().map(|c| (c.code, c)).collect(),
                operations: Operations::new(operations.operations),
                envelope: compile(ENVELOPE_SCHEMA_JSON),
                oauth2: compile(OAUTH2_SCHEMA_JSON),
            }
        })
    }

    pub fn code(&self, code: u16) -> Option<&CodeInfo> {
        self.codes.get(&code)
    }

    pub fn codes(&self) -> impl Iterator<Item = &CodeInfo> {
        self.codes.values()
    }

    pub fn operations(&self) -> &Operations {
        &self.operations
    }

    /// Schema violations of a VSPC error body, each as `at <json pointer>: <what>`; empty when valid.
    pub fn envelope_violations(&self, body: &serde_json::Value) -> Vec<String> {
        schema_violations(&self.envelope, body)
    }

    /// Schema violations of an OAuth2 error body of `POST /token`.
    pub fn oauth2_violations(&self, body: &serde_json::Value) -> Vec<String> {
        schema_violations(&self.oauth2, body)
    }
}

fn schema_violations(validator: &jsonschema::Validator, body: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(body)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() { format!("{e}") } else { format!("at {at}: {e}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_rule_keeps_client_codes_and_sends_the_rest_as_520() {
        assert_eq!(status_for_code(400), 400);
        assert_eq!(status_for_code(429), 429);
        assert_eq!(status_for_code(499), 499);
        assert_eq!(status_for_code(500), 520);
        assert_eq!(status_for_code(504), 520);
        assert_eq!(status_for_code(1001), 520);
        assert_eq!(status_for_code(9000), 520);
    }

    #[test]
    fn type_names_parse_in_any_casing() {
        assert_eq!(ErrorType::parse("retryablelogical"), Some(ErrorType::RetryableLogical));
        assert_eq!(ErrorType::parse("Security"), Some(ErrorType::Security));
        assert_eq!(ErrorType::parse("fatal"), None);
    }

    #[test]
    fn routing_prefers_literal_segments_and_extracts_parameters() {
        let ops = Contract::get().operations();
        match ops.route("GET", "/asyncActions/config") {
            Route::Found(op, params) => {
                assert_eq!(op.path, "/asyncActions/config");
                assert!(params.is_empty());
            }
            other => panic!("{other:?}"),
        }
        match ops.route("GET", "/organizations/companies/abc") {
            Route::Found(op, params) => {
                assert_eq!(op.path, "/organizations/companies/{companyUid}");
                assert_eq!(params, vec![("companyUid", "abc".to_string())]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(ops.route("PUT", "/organizations/companies"), Route::MethodNotAllowed(_)));
        assert!(matches!(ops.route("GET", "/no/such/thing"), Route::NotFound));
    }

    #[test]
    fn the_catalogue_knows_the_token_endpoint_as_anonymous_form() {
        let op = Contract::get().operations().get("POST", "/token").unwrap();
        assert!(op.anonymous);
        assert_eq!(op.body.as_ref().unwrap().kind, BodyKind::Form);
    }
}
