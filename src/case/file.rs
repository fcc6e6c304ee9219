//! The case file format: what a `cases/**/*.toml` file may say, as serde types.
//!
//! `schemas/case.schema.json` is generated from these types (`tests/case_schema.rs` keeps it in
//! sync), so doc comments here are what editors show when completing a case file.

use crate::contract::Role;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// A case file: `[[case]]` tables, each one negative request and the error it must produce, and
/// `[[sweep]]` rules, each generating a case for every operation of the catalogue it selects.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "vspc-conformance case file")]
pub struct CaseFile {
    /// The cases of this file. A case's test name is `<file path under cases/, / as ::>::<name>`.
    #[serde(default)]
    #[schemars(with = "Vec<CaseDef>")]
    pub case: Vec<Spanned<CaseDef>>,
    /// Rules generating cases from the catalogue of the API version under test
    /// (`schemas/spec/<version>.json`). A generated case's test name is
    /// `sweep::<rule>::<METHOD> <path>`.
    #[serde(default)]
    #[schemars(with = "Vec<SweepDef>")]
    pub sweep: Vec<Spanned<SweepDef>>,
}

/// A sweep rule: a selector over the operation catalogue, a change to a well-formed request, and
/// the error every selected operation must answer with.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepDef {
    /// The rule's name: letters, digits, `_` and `-`; unique across all files.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub description: Option<String>,
    /// Tags for every generated case (`mutating` when the rule cannot promise that a conforming
    /// console rejects the request before it changes anything).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub tags: Vec<Spanned<String>>,
    /// Which generated cases are tagged `mutating`: `none` (default), `all`, or `unscoped-writes`
    /// (POST/PUT/PATCH/DELETE without a UUID in the path: a console that wrongly accepted the
    /// broken request would carry out a create or a settings change).
    #[serde(default)]
    pub mutating: Mutating,
    /// Which operations the rule applies to; every condition given must hold.
    #[schemars(with = "Selector")]
    pub select: Spanned<Selector>,
    /// How the well-formed request of each operation is broken.
    #[serde(default)]
    pub request: SweepRequestDef,
    /// Instead of one change per operation: one case per constraint the spec declares on the
    /// selected operations' inputs, each breaking exactly that constraint.
    #[schemars(with = "Option<BreaksDef>")]
    pub breaks: Option<Spanned<BreaksDef>>,
    /// `"refused"`: one case per selected operation and per role of the version that it does
    /// not admit, sent with that role's token (`sweep::<rule>::<METHOD> <path> (<Role>)`). Only
    /// the roles a run has credentials for are swept: every role on the embedded mock.
    #[schemars(with = "Option<RolesDef>")]
    pub roles: Option<Spanned<RolesDef>>,
    /// The error each generated request must produce. `{parameter}` stands for the swept path
    /// parameter.
    #[schemars(with = "ExpectDef")]
    pub expect: Spanned<ExpectDef>,
}

/// The declared constraints a rule breaks, one case each: the well-formed request of the
/// operation (the spec's example body where it validates) with exactly that constraint broken.
/// The expectation's field is the input's own: its `parameterName`, or the `propertyName` of
/// the property's full path.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreaksDef {
    /// The keyword broken: required, type (with its format), minimum, maximum, minLength,
    /// maxLength, pattern, enum, minItems, maxItems, uniqueItems.
    #[schemars(with = "String")]
    pub keyword: Spanned<String>,
    /// Where: any of path, query, header, body (default: all four).
    #[serde(default)]
    pub inputs: Vec<InputSelector>,
    /// Inputs whose constraint a console may read otherwise: the input's name (a parameter, or
    /// a body property's dotted path) and why. A mismatch on them is a deviation.
    #[serde(default)]
    pub readings: BTreeMap<String, String>,
}

/// Where an input travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InputSelector {
    Path,
    Query,
    Header,
    Body,
}

/// Which generated cases a rule cannot promise to be harmless on a console that breaks the rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mutating {
    #[default]
    None,
    All,
    UnscopedWrites,
}

/// Conditions on an operation of the catalogue. Omitted conditions do not filter.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// HTTP methods (GET, POST, PUT, PATCH, DELETE).
    #[schemars(with = "Option<Vec<String>>")]
    pub methods: Option<Spanned<Vec<String>>>,
    /// A collection GET (paged with limit and offset).
    pub collection: Option<bool>,
    /// Body kinds the operation takes: json, json-patch, form, octet-stream, multipart, none.
    pub body: Option<Vec<BodySelector>>,
    /// Whether the path has a UUID parameter.
    pub uuid_parameter: Option<bool>,
    /// The path has this parameter (camelCase, as in the spec).
    #[schemars(with = "Option<String>")]
    pub parameter: Option<Spanned<String>>,
    /// The operation takes this query parameter, as the spec of the version under test declares
    /// it.
    #[schemars(with = "Option<String>")]
    pub query_parameter: Option<Spanned<String>>,
    /// Whether the spec lets anonymous callers reach the operation (POST /token, the password
    /// reset, SAML metadata, ...).
    pub anonymous: Option<bool>,
    /// Catalogue tags (the spec's operation groups, e.g. `companies`, `accounts`).
    #[schemars(with = "Option<Vec<String>>")]
    pub tags: Option<Spanned<Vec<String>>>,
    /// A path glob: `*` matches within one segment, `**` any number of segments
    /// (`/organizations/**`).
    #[schemars(with = "Option<String>")]
    pub path: Option<Spanned<String>>,
    /// The spec admits this role to the operation (`ReadOnlyUser`, `CompanyTenant`, ...).
    #[schemars(with = "Option<String>")]
    pub admits: Option<Spanned<String>>,
    /// The spec does not admit this role to the operation.
    #[schemars(with = "Option<String>")]
    pub refuses: Option<Spanned<String>>,
    /// Operations to leave out: `METHOD /path-glob` or `/path-glob`.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub exclude: Vec<Spanned<String>>,
}

/// Which roles a rule sweeps, per operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RolesDef {
    /// Each role of the version that the operation does not admit.
    Refused,
}

/// A body kind of the catalogue, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum BodySelector {
    Json,
    JsonPatch,
    Form,
    OctetStream,
    Multipart,
    None,
}

/// The change a sweep makes to each operation's well-formed request (path ids that exist on no
/// console, an empty body of the operation's kind, the default credentials).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepRequestDef {
    pub credentials: Option<Credentials>,
    /// Query parameters to add.
    #[serde(default)]
    pub query: BTreeMap<String, Scalar>,
    /// Headers to add.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The Content-Type to send instead of the operation's.
    pub content_type: Option<String>,
    /// A JSON body (as TOML) instead of the well-formed one.
    #[schemars(with = "Option<serde_json::Value>")]
    pub json: Option<Spanned<toml::Value>>,
    /// A body sent byte for byte instead of the well-formed one.
    pub raw: Option<String>,
    /// One case per UUID path parameter of the operation, with that parameter set to this text.
    pub path_parameter: Option<String>,
}

/// One case.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseDef {
    /// Unique within the file: letters, digits, `_` and `-`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// What the case is about, for people reading reports.
    pub description: Option<String>,
    /// Free-form tags, plus those the runner knows: `mutating` (skipped against a real console
    /// without --allow-mutations), `stateful`, `slow`, `burst` (runs alone, after the others),
    /// `mock-only` (uses a trigger only the embedded mock has).
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub tags: Vec<Spanned<String>>,
    /// The API versions the case is written for, where a body's shape differs between versions
    /// (`["3.6", "3.6.1", "3.6.2", "3.7"]`); by default every version whose spec has the
    /// operation. A run of another version skips the case.
    #[schemars(with = "Option<Vec<String>>")]
    pub versions: Option<Spanned<Vec<String>>>,
    /// The request to send.
    pub request: RequestDef,
    /// The error the contract requires in answer.
    #[schemars(with = "ExpectDef")]
    pub expect: Spanned<ExpectDef>,
}

/// The request. `{name}` anywhere in path, query, headers or body is a variable the target
/// resolves (e.g. `{companyUid}`, an id that must exist on the target).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestDef {
    /// GET, POST, PUT, PATCH or DELETE.
    #[schemars(with = "String")]
    pub method: Spanned<String>,
    /// The path under `/api/v3`, an operation of a version's catalogue
    /// (`schemas/spec/<version>.json`): `/organizations/companies/{companyUid}`.
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    /// Query parameters, sent as given (`offset = -1`, `filter = '[{"property":1}]'`).
    #[serde(default)]
    pub query: BTreeMap<String, Scalar>,
    /// Extra request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body, written as TOML (tables are objects, arrays are arrays).
    #[schemars(with = "Option<serde_json::Value>")]
    pub json: Option<Spanned<toml::Value>>,
    /// A body sent byte for byte (malformed JSON, text).
    pub raw: Option<String>,
    /// A form body (`application/x-www-form-urlencoded`), as for POST /token.
    pub form: Option<BTreeMap<String, Scalar>>,
    /// The Content-Type to send instead of the one the body implies.
    pub content_type: Option<String>,
    /// Which credentials to send.
    #[serde(default)]
    pub credentials: Credentials,
    /// Send this many copies at once (for 429); at least one must answer as expected.
    #[schemars(with = "Option<u32>", range(min = 2))]
    pub burst: Option<Spanned<u32>>,
}

/// Which credentials a request carries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, JsonSchema, serde::Serialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Credentials {
    /// The run's token (from --token, or a login with --username/--password).
    #[default]
    Default,
    /// No Authorization header.
    None,
    /// A well-formed bearer token the target never issued.
    Invalid,
    /// A read-only token (a login with readOnly=true, or --readonly-token).
    ReadOnly,
    /// The token of a role (`{ role = "CompanyTenant" }`): `--role-token ROLE=TOKEN`, or
    /// `[roles.<Role>]` in the configuration; the embedded mock has a user of every role.
    Role(Role),
}

impl Credentials {
    /// The kind: `default`, `none`, `invalid`, `read-only` or `role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Credentials::Default => "default",
            Credentials::None => "none",
            Credentials::Invalid => "invalid",
            Credentials::ReadOnly => "read-only",
            Credentials::Role(_) => "role",
        }
    }

    /// As reports name it: the kind, or `role:CompanyTenant`.
    pub fn label(self) -> std::borrow::Cow<'static, str> {
        match self {
            Credentials::Role(role) => format!("role:{role}").into(),
            other => other.as_str().into(),
        }
    }

    /// The role whose token the request carries, when it carries one.
    pub fn role(self) -> Option<Role> {
        match self {
            Credentials::Role(role) => Some(role),
            _ => None,
        }
    }
}

/// What the answer must be. The status, type and members the catalogue gives the code are
/// implied; write them only to override.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectDef {
    /// The VSPC error code (schemas/error-codes.json).
    #[schemars(with = "Option<u16>")]
    pub code: Option<Spanned<u16>>,
    /// Instead of an error: `admitted = true`, the console lets the call through (no 401, no
    /// 403), as the spec's anonymous operations must without a token. Any other error it answers
    /// is judged by its own code's rules.
    #[schemars(with = "Option<bool>")]
    pub admitted: Option<Spanned<bool>>,
    /// For POST /token: the OAuth2 `error` (invalid_request, invalid_grant, ...), or the list of
    /// those the contract allows (`["invalid_grant", "invalid_request"]`).
    #[schemars(with = "Option<OneOrMany>")]
    pub oauth2_error: Option<Spanned<OneOrMany>>,
    /// The HTTP status, where the status rule (400..=499 verbatim, else 520) does not decide it.
    #[schemars(with = "Option<u16>")]
    pub status: Option<Spanned<u16>>,
    /// The error type: logical, retryableLogical, security, transport, unspecified.
    #[serde(rename = "type")]
    #[schemars(with = "Option<String>")]
    pub error_type: Option<Spanned<String>>,
    /// The `parameterName` the error must carry (a query or path parameter).
    #[schemars(with = "Option<String>")]
    pub parameter: Option<Spanned<String>>,
    /// The `propertyName` the error must carry (a body property).
    #[schemars(with = "Option<String>")]
    pub property: Option<Spanned<String>>,
    /// A regex the message must match (else any non-empty message passes).
    #[schemars(with = "Option<String>")]
    pub message: Option<Spanned<String>>,
    /// Codes a console may answer instead, which the contract allows too: a deviation, not a
    /// failure.
    #[schemars(with = "Option<Vec<u16>>")]
    pub tolerate: Option<Spanned<Vec<u16>>>,
    /// Codes that show the console checked another part of the request first and never reached
    /// what the case breaks (a 404 for an id that exists nowhere, a 401, a 403): such an answer,
    /// conforming by its own rules, makes the case inconclusive.
    #[schemars(with = "Option<Vec<u16>>")]
    pub inconclusive_on: Option<Spanned<Vec<u16>>>,
    /// What the claims rest on: a text for the code (`"errors page: 1500 location cannot be
    /// deleted"`, taken as stated), or a table by claim (`code`, `status`, `type`, `parameter`,
    /// `property`, `message`, `oauth2_error`), each a text (stated) or `{ example = "..." }`,
    /// `{ convention = "..." }`, `{ reading = "..." }`. A mismatch fails only a stated claim (under
    /// the default `--fail-on stated`); the others are deviations.
    #[schemars(with = "Option<SourceDef>")]
    pub source: Option<Spanned<SourceDef>>,
}

impl ExpectDef {
    /// Whether a claim stands on the `{parameter}` a sweep over path parameters fills in.
    pub fn names_the_parameter(&self) -> bool {
        [&self.parameter, &self.property, &self.message]
            .into_iter()
            .flatten()
            .any(|text| text.get_ref().contains("{parameter}"))
    }
}

/// One value or a list of them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn values(&self) -> Vec<String> {
        match self {
            OneOrMany::One(v) => vec![v.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// `source = "..."` (the code claim, stated) or `source = { code = "...", message = { example =
/// "..." } }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum SourceDef {
    Code(String),
    Claims(BTreeMap<String, ClaimSourceDef>),
}

/// A claim's source: a text (stated) or a table with one strength as its key.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ClaimSourceDef {
    Stated(String),
    Graded(GradedSourceDef),
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradedSourceDef {
    pub stated: Option<String>,
    pub example: Option<String>,
    pub convention: Option<String>,
    pub reading: Option<String>,
}

/// A query or form value: written as a TOML string, integer, float or boolean, sent as text.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    Text(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Text(s) => f.write_str(s),
            Scalar::Integer(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Boolean(b) => write!(f, "{b}"),
        }
    }
}
