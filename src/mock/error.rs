//! The one place where a failure becomes a response.
//!
//! Every stage returns `Result<_, ApiError>`. [`ApiError::render`] turns the error into a
//! [`WireError`]: the VSPC envelope `{"errors":[{...}]}` with the HTTP status of
//! [`contract::status_for_code`] (400..=499 verbatim, 500, 504 and every custom code as 520), or,
//! for `POST /token`, the OAuth2 shape with 400. Violation modes (`violate.rs`) bend the
//! `WireError` afterwards; nothing else in the mock builds an error response.

use crate::contract::{self, ErrorType};
use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use serde_json::{Map, Value, json};

pub const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

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
        }))
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
    }

    /// 404 for a path nothing serves.
    pub fn no_such_path(message: impl Into<String>) -> ApiError {
        Self::vspc(404, ErrorType::Logical, message)
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
    pub fn throttled(retry_after: u64) -> ApiError {
        let mut error = Self::vspc(
            429,
            ErrorType::Transport,
            "Number of requests exceeds throttling limitations.",
        );
        if let ApiError::Vspc(e) = &mut error {
            e.retry_after = Some(retry_after);
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

    /// The conforming wire form of this error.
    pub fn render(&self) -> WireError {
        let body = match self {
            ApiError::Vspc(e) => json!({ "errors": [e.to_json()] }),
            ApiError::OAuth2(e) => e.to_json(),
        };
        WireError {
            status: self.status(),
            content_type: JSON_CONTENT_TYPE.to_string(),
            body: WireBody::Json(body),
        }
    }
}

impl ResponseError {
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("message".into(), Value::from(self.message.as_str()));
        out.insert("type".into(), Value::from(self.kind.as_str()));
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
        json!({ "error": self.error, "error_description": self.description, "error_uri": null })
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

/// The type of any code the mock emits: the one its constructor above gives it.
pub fn code_type(code: u16) -> ErrorType {
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
            ApiError::no_such_path("x"),
            ApiError::conflict("x"),
            ApiError::unsupported_media_type("x"),
            ApiError::throttled(1),
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
