//! The one place where a failure becomes a response.
//!
//! Every stage returns `Result<_, ApiError>`. [`ApiError::render`] turns the error into a
//! [`WireError`]: the VSPC envelope `{"errors":[{...}]}` with the HTTP status of
//! [`contract::status_for_code`] (400..=499 verbatim, 500, 504 and every custom code as 520), or,
//! for `POST /token`, the OAuth2 shape with 400. Violation modes (`violate.rs`) bend the
//! `WireError` afterwards; nothing else in the mock builds an error response.

use super::personality::{Choice, Personality};
use crate::contract::schema::{Keyword, Step};
use crate::contract::{self, ErrorType, Role};
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Map, Value, json};
use std::sync::Arc;

pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// The content type of error bodies when [`Choice::PlainJsonContentType`] is picked.
pub const PLAIN_JSON_CONTENT_TYPE: &str = "application/json";

/// One `ResponseError` of the envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseError {
    pub code: u16,
    pub kind: ErrorType,
    pub message: String,
    pub parameter_name: Option<String>,
    pub property_name: Option<String>,
    pub retry_after: Option<u64>,
    pub failed_json_patch: Option<Value>,
    /// What the message is about (the missing id of a 404, the path nobody serves), so that a
    /// reworded message can still name it. Never on the wire by itself.
    pub subject: Option<String>,
    /// For a 400 of validation: the keyword the input broke, and a body property's path. Never
    /// on the wire: what a violation mode bends by.
    pub cause: Option<(Keyword, Option<Arc<[Step]>>)>,
    /// For a 403 of admission: the role refused. Never on the wire.
    pub refused: Option<Role>,
    /// Further errors of the same request, answered in the same envelope after this one.
    pub also: Vec<ResponseError>,
}

/// An error of `POST /token` in the OAuth2 shape (RFC 6749 section 5.2).
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2Error {
    /// One of [`contract::OAUTH2_ERRORS`].
    pub error: &'static str,
    pub description: String,
}

/// Why a request failed, before it is put on the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    Vspc(Box<ResponseError>),
    OAuth2(OAuth2Error),
}

impl ApiError {
    fn vspc(code: u16, kind: ErrorType, message: impl Into<String>) -> ApiError {
        ApiError::Vspc(Box::new(ResponseError {
            code,
            kind,
            message: message.into(),
            parameter_name: None,
            property_name: None,
            retry_after: None,
            failed_json_patch: None,
            subject: None,
            cause: None,
            refused: None,
            also: Vec::new(),
        }))
    }

    /// 403: the token's role is not one the spec admits to the operation.
    pub fn refused(role: Role, message: impl Into<String>) -> ApiError {
        let mut error = Self::forbidden(message);
        if let ApiError::Vspc(e) = &mut error {
            e.refused = Some(role);
        }
        error
    }

    /// A validation 400, with what it broke.
    pub fn because(mut self, keyword: Keyword, at: Option<Arc<[Step]>>) -> ApiError {
        if let ApiError::Vspc(e) = &mut self {
            e.cause = Some((keyword, at));
        }
        self
    }

    /// This error, and `next` answered beside it in one envelope.
    pub fn and(mut self, next: ApiError) -> ApiError {
        if let (ApiError::Vspc(e), ApiError::Vspc(next)) = (&mut self, next) {
            e.also.push(*next);
        }
        self
    }

    /// Every VSPC error of the answer, in order.
    pub fn errors(&self) -> Vec<&ResponseError> {
        match self {
            ApiError::Vspc(e) => std::iter::once(&**e).chain(e.also.iter()).collect(),
            ApiError::OAuth2(_) => Vec::new(),
        }
    }

    fn about(mut self, subject: &str) -> ApiError {
        if let ApiError::Vspc(e) = &mut self {
            e.subject = Some(subject.to_string());
        }
        self
    }

    /// 400: a query or path parameter has an invalid value.
    pub fn bad_parameter(name: &str, message: impl Into<String>) -> ApiError {
        let mut error = Self::vspc(400, ErrorType::Logical, message);
        if let ApiError::Vspc(e) = &mut error {
            e.parameter_name = Some(name.to_string());
        }
        error
    }

    /// 400: a body property (or the body itself, `body`) has an invalid value.
    pub fn bad_property(name: &str, message: impl Into<String>) -> ApiError {
        let mut error = Self::vspc(400, ErrorType::Logical, message);
        if let ApiError::Vspc(e) = &mut error {
            e.property_name = Some(name.to_string());
        }
        error
    }

    /// 401: no credentials, or credentials the console does not accept.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        Self::vspc(401, ErrorType::Security, message)
    }

    /// 403: authenticated, but not allowed to do this.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        Self::vspc(403, ErrorType::Security, message)
    }

    /// 404 for a resource: `Company with UID '...' does not exist.`
    pub fn missing_resource(resource: &str, id_label: &str, id: &str) -> ApiError {
        Self::vspc(
            404,
            ErrorType::Logical,
            format!("{resource} with {id_label} '{id}' does not exist."),
        )
        .about(id)
    }

    /// 404 for a path nothing serves; the message names `path`.
    pub fn no_such_path(path: &str, message: impl Into<String>) -> ApiError {
        Self::vspc(404, ErrorType::Logical, message).about(path)
    }

    /// 409: a resource with the same identity exists.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        Self::vspc(409, ErrorType::Logical, message)
    }

    /// 415: the body must travel with another content type.
    pub fn unsupported_media_type(message: impl Into<String>) -> ApiError {
        Self::vspc(415, ErrorType::Logical, message)
    }

    /// 429: a throttling limit was broken; `retry_after` seconds until the next period.
    pub fn throttled(retry_after: Option<u64>) -> ApiError {
        let mut error = Self::vspc(
            429,
            ErrorType::Transport,
            "Number of requests exceeds throttling limitations.",
        );
        if let ApiError::Vspc(e) = &mut error {
            e.retry_after = retry_after;
        }
        error
    }

    /// 500: the documented catch-all.
    pub fn unspecified() -> ApiError {
        Self::vspc(500, ErrorType::Unspecified, "Unspecified cause of error.")
    }

    /// 504: the REST service could not reach the console server.
    pub fn server_unreachable() -> ApiError {
        Self::vspc(
            504,
            ErrorType::Transport,
            "REST API failed to access Veeam Service Provider Console server.",
        )
    }

    /// 1001: a JSON Patch operation failed; `operation` is the operation object as sent.
    pub fn patch_failed(operation: Value, message: impl Into<String>) -> ApiError {
        let mut error = Self::vspc(1001, ErrorType::Logical, message);
        if let ApiError::Vspc(e) = &mut error {
            e.failed_json_patch = Some(operation);
        }
        error
    }

    /// A custom (>= 1000) code with its own message, typed by `custom_type` so that every
    /// trigger of a code gives it the same type.
    pub fn custom(code: u16, message: impl Into<String>) -> ApiError {
        Self::vspc(code, custom_type(code), message)
    }

    /// An OAuth2 error of `POST /token`.
    pub fn oauth2(error: &'static str, description: impl Into<String>) -> ApiError {
        ApiError::OAuth2(OAuth2Error {
            error,
            description: description.into(),
        })
    }

    /// The body code (OAuth2 errors travel as 400).
    pub fn code(&self) -> u16 {
        match self {
            ApiError::Vspc(e) => e.code,
            ApiError::OAuth2(_) => 400,
        }
    }

    /// The status rule, applied once, here.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Vspc(e) => contract::status_for_code(i64::from(e.code)),
            ApiError::OAuth2(_) => 400,
        }
    }

    /// The conforming wire form of this error, as [`Personality::Standard`] renders it.
    pub fn render(&self) -> WireError {
        self.render_as(Personality::Standard)
    }

    /// The conforming wire form of this error as `personality` renders it: the status rule
    /// and the envelope are the same for both; wording, types, the spelling of
    /// `retryableLogical`, the content type and the members beside `errors` are its choices.
    pub fn render_as(&self, personality: Personality) -> WireError {
        let body = match self {
            ApiError::Vspc(e) => {
                let errors: Vec<Value> = std::iter::once(&**e)
                    .chain(e.also.iter())
                    .map(|e| e.to_json_as(personality))
                    .collect();
                let mut body = json!({ "errors": errors });
                if personality.picks(Choice::NullMetaAndData) {
                    body["meta"] = Value::Null;
                    body["data"] = Value::Null;
                }
                body
            }
            ApiError::OAuth2(e) => e.to_json_as(personality),
        };
        let content_type = if personality.picks(Choice::PlainJsonContentType) {
            PLAIN_JSON_CONTENT_TYPE
        } else {
            JSON_CONTENT_TYPE
        };
        WireError {
            status: self.status(),
            content_type: content_type.to_string(),
            body: WireBody::Json(body),
        }
    }
}

impl ResponseError {
    /// The member as [`Personality::Standard`] writes it.
    pub fn to_json(&self) -> Value {
        self.to_json_as(Personality::Standard)
    }

    /// The member as `personality` writes it (also inside an async action's envelope).
    pub fn to_json_as(&self, personality: Personality) -> Value {
        let mut out = Map::new();
        let silent = self.code == 429 && personality.picks(Choice::ThrottleWithoutMessage);
        if !silent {
            let message = if personality.picks(Choice::RewordedMessages) {
                reword(self)
            } else {
                self.message.clone()
            };
            out.insert("message".into(), Value::from(message));
        }
        let kind = code_type_as(personality, self.code);
        let spelled = match kind {
            ErrorType::RetryableLogical if personality.picks(Choice::LowercaseRetryable) => {
                "retryablelogical"
            }
            _ => kind.as_str(),
        };
        out.insert("type".into(), Value::from(spelled));
        out.insert("code".into(), Value::from(self.code));
        if let Some(name) = &self.parameter_name {
            out.insert("parameterName".into(), Value::from(name.as_str()));
        }
        if let Some(name) = &self.property_name {
            out.insert("propertyName".into(), Value::from(name.as_str()));
        }
        if let Some(seconds) = self.retry_after {
            out.insert("retryAfter".into(), Value::from(seconds));
        }
        if let Some(operation) = &self.failed_json_patch {
            out.insert("failedJsonPatch".into(), operation.clone());
        }
        Value::Object(out)
    }
}

impl OAuth2Error {
    pub fn to_json(&self) -> Value {
        self.to_json_as(Personality::Standard)
    }

    pub fn to_json_as(&self, personality: Personality) -> Value {
        let description = if personality.picks(Choice::RewordedMessages) {
            format!("Token request refused: {}", lower_first(&self.description))
        } else {
            self.description.clone()
        };
        json!({ "error": self.error, "error_description": description, "error_uri": null })
    }
}

/// The Alternative wording of a message ([`Choice::RewordedMessages`]): the documented
/// sentences and the 404s said another way, every other message led in by what kind of
/// failure it is, so no message is the Standard one and each keeps its detail (a 1000 still
/// says why).
fn reword(error: &ResponseError) -> String {
    let message = error.message.trim_end_matches('.');
    if error.code == 404 {
        if let Some(subject) = &error.subject {
            return if subject.starts_with('/') {
                format!("Nothing is served at '{subject}'.")
            } else {
                format!("No object has the identifier '{subject}'.")
            };
        }
    }
    let bound = |prefix: &str| message.strip_prefix(prefix).map(str::trim);
    if let Some(n) = bound("Property value must be larger or equal to") {
        return format!("The value may not be less than {n}.");
    }
    if let Some(n) = bound("Property value must be less or equal to") {
        return format!("The value may not be greater than {n}.");
    }
    if let Some(kind) = bound("Property value must be") {
        return format!("The value given is not {}.", with_article(kind));
    }
    if let Some(name) = message
        .strip_prefix("Property '")
        .and_then(|rest| rest.strip_suffix("' is required"))
    {
        return format!("A value for '{name}' must be given.");
    }
    let lead = match error.code {
        400 => "Invalid input",
        401 => "Not authenticated",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict",
        415 => "Wrong media type",
        429 => "Too many requests",
        500 => "Internal failure",
        504 => "Console server unreachable",
        1000 => "Cannot do this now",
        _ => "The operation failed",
    };
    format!("{lead}: {}.", lower_first(message))
}

/// `a UUID` stays, `integer` -> `an integer`, `true or false` -> `true or false`.
fn with_article(kind: &str) -> String {
    let starts = |w: &str| kind.starts_with(w);
    if starts("a ") || starts("an ") || starts("one of") || starts("true") || starts("500") {
        kind.to_string()
    } else if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {kind}")
    } else {
        format!("a {kind}")
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    // Keep acronyms and names (`UID`, `JSON`, `Veeam`) as they are.
    let second_upper = chars.clone().next().is_some_and(char::is_uppercase);
    if second_upper || first.is_lowercase() {
        return text.to_string();
    }
    match text.split_whitespace().next() {
        Some("The" | "A" | "An" | "Each" | "Either" | "Specified" | "Provided" | "Property") => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

/// The type the mock gives each custom code (>= 1000): `retryableLogical` where waiting can help
/// (a busy agent, a running operation, an unreachable metadata URL), `security` for a wrong
/// second factor, else `logical`. The catalogue fixes only 1001 (`logical`); the rest is the
/// mock's choice, kept in this one place.
pub fn custom_type(code: u16) -> ErrorType {
    match code {
        1000 | 1051 | 1251 | 1253 | 1301 | 4002 | 5002 | 5004 => ErrorType::RetryableLogical,
        1207 | 1208 => ErrorType::Security,
        _ => ErrorType::Logical,
    }
}

/// The type of any code the mock emits as [`Personality::Standard`] types it: the one its
/// constructor above gives it.
pub fn code_type(code: u16) -> ErrorType {
    code_type_as(Personality::Standard, code)
}

/// The type `personality` gives `code`. [`Choice::OtherErrorTypes`] changes only the types the
/// contract documents nowhere; 400, 401, 403 and 429 keep theirs.
pub fn code_type_as(personality: Personality, code: u16) -> ErrorType {
    if !personality.picks(Choice::OtherErrorTypes) {
        return standard_type(code);
    }
    match code {
        404 => ErrorType::Unspecified,
        409 => ErrorType::RetryableLogical,
        415 | 500 => ErrorType::Transport,
        504 => ErrorType::Unspecified,
        1000.. => match custom_type(code) {
            ErrorType::RetryableLogical | ErrorType::Security => ErrorType::Logical,
            _ => ErrorType::RetryableLogical,
        },
        _ => standard_type(code),
    }
}

fn standard_type(code: u16) -> ErrorType {
    match code {
        401 | 403 => ErrorType::Security,
        429 | 504 => ErrorType::Transport,
        500 => ErrorType::Unspecified,
        400..=499 => ErrorType::Logical,
        _ => custom_type(code),
    }
}

/// An error as it goes on the wire: status, content type and body.
#[derive(Debug, Clone, PartialEq)]
pub struct WireError {
    pub status: u16,
    pub content_type: String,
    pub body: WireBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WireBody {
    Json(Value),
    Text(String),
}

impl WireError {
    pub fn into_response(self) -> Response<Body> {
        let bytes = match self.body {
            WireBody::Json(value) => value.to_string(),
            WireBody::Text(text) => text,
        };
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let Ok(value) = HeaderValue::from_str(&self.content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response
    }
}

/// A successful answer: status (200 unless said otherwise), JSON body, and for `202 Accepted`
/// the `Location` of the async action.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub location: Option<String>,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body,
            location: None,
        }
    }

    /// `202 Accepted`: the request was queued as the async action at `location`.
    pub fn accepted(body: Value, location: String) -> Reply {
        Reply {
            status: 202,
            body,
            location: Some(location),
        }
    }

    pub fn into_response(self) -> Response<Body> {
        let mut response = Response::new(Body::from(self.body.to_string()));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(JSON_CONTENT_TYPE),
        );
        if let Some(location) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Contract;

    /// Every constructor, so the test below covers every code the stages can build.
    fn one_of_each() -> Vec<ApiError> {
        vec![
            ApiError::bad_parameter("offset", "Property value must be larger or equal to 0."),
            ApiError::bad_property("name", "Property 'name' is required."),
            ApiError::unauthorized("x"),
            ApiError::forbidden("x"),
            ApiError::missing_resource("Company", "UID", "x"),
            ApiError::no_such_path("/x", "x"),
            ApiError::conflict("x"),
            ApiError::unsupported_media_type("x"),
            ApiError::throttled(Some(1)),
            ApiError::unspecified(),
            ApiError::server_unreachable(),
            ApiError::patch_failed(json!({"op": "replace", "path": "/id", "value": 1}), "x"),
        ]
        .into_iter()
        .chain(
            Contract::get()
                .codes()
                .filter(|c| c.code >= 1000 && c.code != 1001)
                .map(|c| ApiError::custom(c.code, "x")),
        )
        .collect()
    }

    #[test]
    fn every_rendered_error_is_in_the_catalogue_and_follows_the_status_rule() {
        let contract = Contract::get();
        for error in one_of_each() {
            let code = error.code();
            let info = contract
                .code(code)
                .unwrap_or_else(|| panic!("{code} not in the catalogue"));
            let wire = error.render();
            assert_eq!(wire.status, info.status, "{code}");
            let WireBody::Json(body) = &wire.body else {
                panic!("not JSON")
            };
            assert!(contract.envelope_violations(body).is_empty(), "{body}");
            let member = &body["errors"][0];
            for rule in &info.members {
                let present = rule
                    .one_of
                    .iter()
                    .filter(|m| member.get(m.as_str()).is_some())
                    .count();
                assert_eq!(present, 1, "{code}: {member}");
            }
            if let Some(kind) = info.usual_type {
                assert_eq!(member["type"], kind.as_str(), "{code}");
            }
            assert_eq!(member["type"], code_type(code).as_str(), "{code}");
        }
    }

    #[test]
    fn the_documented_offset_example_renders_verbatim() {
        let wire =
            ApiError::bad_parameter("offset", "Property value must be larger or equal to 0.")
                .render();
        assert_eq!(wire.status, 400);
        assert_eq!(
            wire.body,
            WireBody::Json(
                json!({"errors":[{"message":"Property value must be larger or equal to 0.",
                "type":"logical","code":400,"parameterName":"offset"}]})
            )
        );
    }

    #[test]
    fn oauth2_errors_keep_their_own_shape_with_400() {
        let wire = ApiError::oauth2("invalid_grant", "x").render();
        assert_eq!(wire.status, 400);
        let WireBody::Json(body) = &wire.body else {
            panic!("not JSON")
        };
        assert!(Contract::get().oauth2_violations(body).is_empty());
        assert_eq!(body["error_uri"], Value::Null);
    }
}
