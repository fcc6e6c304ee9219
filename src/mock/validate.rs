//! Stage 4, validation, in the order ASP.NET applies it: the content type of the body (415),
//! then model binding of the path parameters, the query and header parameters and the body,
//! each against what the version's spec declares for it ([`input::validate`], the one validator
//! of requests): a 400 names the parameter with `parameterName`, or the body property with
//! `propertyName` (the body as a whole is `body`). Query parameters the operation does not
//! declare are ignored, as ASP.NET does.
//!
//! [`Personality::Standard`] answers the first violation, naming a nested property by its dotted
//! path (`organizationInput.name`, `[0].op` in a patch); [`Personality::Alternative`] answers
//! every one, naming properties by JSON Pointer (`/organizationInput/name`).
//!
//! `POST /token` is the exception: its form body is OAuth2's, so a wrong content type is an
//! OAuth2 `invalid_request`, not a 415.

use super::error::ApiError;
use super::ids::parse_uuid;
use super::personality::{Choice, Personality};
use super::route::{Routed, is_token_endpoint, percent_decode};
use super::violate::Violation;
use crate::contract::input::{self, Binding, Inputs, Invalid, Place};
use crate::contract::schema::{self, Mode, Problem, Reading, Schemas};
use crate::contract::{BodyKind, Location, Operation, ParameterRole};
use axum::body::Bytes;
use axum::http::{HeaderMap, header, request::Parts};
use serde_json::{Map, Value};
use std::sync::Arc;

/// Request bodies larger than this are refused (the console's upload chunks are far smaller).
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

pub(super) const TRIGGERS: &[super::Trigger] = &[
    super::Trigger {
        code: 415,
        method: "*",
        path: "*",
        trigger: "a JSON body not sent as `application/json` (patches also take `application/json-patch+json`), an octet-stream or multipart body sent as anything else",
        delivery: super::Delivery::Answer,
    },
    super::Trigger {
        code: 400,
        method: "*",
        path: "*",
        trigger: "a path, query or header parameter, or a property of the JSON body at any depth, that breaks a constraint the version's spec declares for it (required, type and format, minimum, maximum, minLength, maxLength, pattern, enum, minItems, maxItems, uniqueItems), named by `parameterName` or `propertyName`; a body that is not JSON, or not of the declared shape (`propertyName: body`)",
        delivery: super::Delivery::Answer,
    },
];

/// A request that passed validation.
#[derive(Debug)]
pub struct Valid {
    pub operation: &'static Operation,
    /// Path parameters in path order; UUIDs normalised to lowercase hyphenated form.
    pub path: Vec<(&'static str, String)>,
    pub query: Query,
    pub body: Body,
    pub headers: HeaderMap,
    /// `X-Request-id`, when sent, normalised like a path UUID.
    pub request_id: Option<String>,
}

impl Valid {
    pub fn path_parameter(&self, name: &str) -> Option<&str> {
        self.path
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The query string: every pair, decoded, plus the paging parameters when declared.
#[derive(Debug, Default)]
pub struct Query {
    pub pairs: Vec<(String, String)>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug)]
pub enum Body {
    /// The operation takes no body (whatever was sent is ignored).
    None,
    /// A JSON object.
    Json(Map<String, Value>),
    /// JSON Patch operations.
    Patch(Vec<Value>),
    /// A JSON array or scalar the schema declares as the body (no operation of the mock reads
    /// one).
    Other,
    Form(Vec<(String, String)>),
    Bytes(Bytes),
}

/// How this console binds a request: as ASP.NET does, in the personality's way.
fn binding(personality: Personality) -> Binding {
    Binding {
        mode: Mode {
            first_only: !personality.picks(Choice::EveryValidationError),
            reading: Reading::AspNet,
        },
        exact_names: personality.picks(Choice::CaseSensitiveQueryNames),
        last_value: personality.picks(Choice::LastQueryValue),
    }
}

/// The 400 of every violation found, or Ok; a violation mode may overlook some.
fn refuse(
    found: Vec<Invalid>,
    personality: Personality,
    lax: Option<Violation>,
) -> Result<(), ApiError> {
    let mut errors = found
        .into_iter()
        .filter(|i| lax.is_none_or(|v| !v.overlooks(i)))
        .map(|i| refusal(i, personality));
    match errors.next() {
        None => Ok(()),
        Some(first) => Err(errors.fold(first, ApiError::and)),
    }
}

/// The one place a violation becomes an error: the member that names the input, its path in
/// the personality's form, and the message.
fn refusal(invalid: Invalid, personality: Personality) -> ApiError {
    let keyword = invalid.problem.keyword();
    match invalid.place {
        Place::Parameter(_, name) => {
            let message = match invalid.problem {
                Problem::Missing => format!("Parameter '{name}' is required."),
                problem => problem.to_string(),
            };
            ApiError::bad_parameter(&name, message).because(keyword, None)
        }
        Place::Property(at) if at.is_empty() => {
            whole_body(personality, invalid.problem.to_string())
        }
        Place::Property(at) => {
            let name = if personality.picks(Choice::PointerPropertyPaths) {
                schema::pointer(&at)
            } else {
                schema::dotted(&at)
            };
            let message = match invalid.problem {
                Problem::Missing => format!("Property '{name}' is required."),
                problem => problem.to_string(),
            };
            ApiError::bad_property(&name, message).because(keyword, Some(Arc::from(at)))
        }
    }
}

/// The stage's first step: the content type of the body.
pub fn content_type(
    operation: &Operation,
    parts: &Parts,
    personality: Personality,
) -> Result<(), ApiError> {
    let Some(spec) = &operation.body else {
        return Ok(());
    };
    let media_type = media_type(&parts.headers);
    check_content_type(
        operation,
        spec.kind,
        &spec.content_type,
        media_type.as_deref(),
        personality,
    )
}

/// The path parameters against their schemas, in path order; UUIDs normalised.
pub fn path(
    routed: Routed,
    schemas: &Schemas,
    personality: Personality,
    lax: Option<Violation>,
) -> Result<Vec<(&'static str, String)>, ApiError> {
    let operation = routed.operation;
    let inputs = Inputs {
        path: &routed.path_parameters,
        ..Inputs::default()
    };
    let found = input::parameters(
        operation,
        schemas,
        inputs,
        binding(personality),
        &[Location::Path],
    );
    refuse(found, personality, lax)?;
    Ok(routed
        .path_parameters
        .into_iter()
        .map(|(name, raw)| {
            let normalised = match operation.path_parameter(name).map(|p| p.format) {
                Some("uuid") => parse_uuid(&raw).unwrap_or(raw),
                Some("integer") => schema::parse_integer(&raw).map_or(raw, |n| n.to_string()),
                _ => raw,
            };
            (name, normalised)
        })
        .collect())
}

/// The stage's last steps: the query and header parameters, then the body.
pub async fn query_and_body(
    operation: &'static Operation,
    schemas: &Schemas,
    path: Vec<(&'static str, String)>,
    parts: &Parts,
    body: Result<Bytes, axum::Error>,
    personality: Personality,
    lax: Option<Violation>,
) -> Result<Valid, ApiError> {
    let binding = binding(personality);
    let pairs = parse_pairs(parts.uri.query().unwrap_or(""));
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            let text = value.to_str().unwrap_or("\u{fffd}");
            (name.as_str().to_string(), text.to_string())
        })
        .collect();
    let inputs = Inputs {
        query: &pairs,
        headers: &headers,
        ..Inputs::default()
    };
    let mut found = input::parameters(
        operation,
        schemas,
        inputs,
        binding,
        &[Location::Query, Location::Header],
    );
    let body = match &operation.body {
        None => Body::None,
        Some(spec) => {
            let bytes = body.map_err(|_| {
                whole_body(
                    personality,
                    "The request body could not be read or is too large.",
                )
            })?;
            match spec.kind {
                BodyKind::Json | BodyKind::JsonPatch
                    if binding.mode.first_only && !found.is_empty() =>
                {
                    Body::None
                }
                BodyKind::Json | BodyKind::JsonPatch => {
                    let root = schemas.view(spec.schema).schema.ty;
                    let value = json_body(spec.kind, root, spec.required, bytes, personality)?;
                    found.extend(input::body(operation, schemas, value.as_ref(), binding));
                    match value {
                        Some(Value::Array(operations)) if spec.kind == BodyKind::JsonPatch => {
                            Body::Patch(operations)
                        }
                        Some(Value::Object(object)) => Body::Json(object),
                        Some(_) => Body::Other,
                        _ if spec.kind == BodyKind::JsonPatch => Body::Patch(Vec::new()),
                        _ => Body::Json(Map::new()),
                    }
                }
                BodyKind::Form => Body::Form(parse_pairs(&String::from_utf8_lossy(&bytes))),
                BodyKind::OctetStream | BodyKind::Multipart => Body::Bytes(bytes),
            }
        }
    };
    found.retain(|i| lax.is_none_or(|v| !v.overlooks(i)));
    if binding.mode.first_only {
        found.truncate(1);
    }
    refuse(found, personality, lax)?;
    let paging = |role| {
        let declared = operation
            .query_parameters()
            .find(|p| p.role == Some(role))?;
        let values = input::sent_values(declared, inputs, binding);
        values.first().and_then(|v| schema::parse_integer(v))
    };
    let query = Query {
        limit: paging(ParameterRole::Limit),
        offset: paging(ParameterRole::Offset),
        pairs: pairs.clone(),
    };
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_uuid);
    Ok(Valid {
        operation,
        path,
        query,
        body,
        headers: parts.headers.clone(),
        request_id,
    })
}

/// A 400 about the body as a whole: `propertyName: body`, or `parameterName: body` where
/// [`Choice::BodyAsParameter`] is picked.
fn whole_body(personality: Personality, message: impl Into<String>) -> ApiError {
    if personality.picks(Choice::BodyAsParameter) {
        ApiError::bad_parameter("body", message)
    } else {
        ApiError::bad_property("body", message)
    }
}

/// A JSON body's text as JSON of the declared shape (an object, an array where the schema says
/// so, a patch's array); None for an empty body the operation does not require.
fn json_body(
    kind: BodyKind,
    root: Option<schema::Type>,
    required: bool,
    bytes: Bytes,
    personality: Personality,
) -> Result<Option<Value>, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        if !required {
            return Ok(None);
        }
        return Err(whole_body(
            personality,
            "A non-empty request body is required.",
        ));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        whole_body(
            personality,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    // The shape of any other body is its schema's root type, which validation reads.
    let (fits, what) = match (kind, root) {
        (BodyKind::JsonPatch, _) => (value.is_array(), "a JSON array of JSON Patch operations"),
        (_, None) => (value.is_object(), "a JSON object"),
        _ => (true, ""),
    };
    if !fits {
        return Err(whole_body(
            personality,
            format!("The request body must be {what}."),
        ));
    }
    Ok(Some(value))
}

/// The media type of `Content-Type`, lowercased, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    (!media.is_empty()).then_some(media)
}

fn check_content_type(
    operation: &Operation,
    kind: BodyKind,
    declared: &str,
    sent: Option<&str>,
    personality: Personality,
) -> Result<(), ApiError> {
    let accepted: &[&str] = match kind {
        BodyKind::Json => &["application/json"],
        BodyKind::JsonPatch => &["application/json", "application/json-patch+json"],
        BodyKind::Form => &["application/x-www-form-urlencoded"],
        BodyKind::OctetStream => &["application/octet-stream"],
        BodyKind::Multipart => &["multipart/form-data"],
    };
    if sent.is_some_and(|s| accepted.contains(&s)) {
        return Ok(());
    }
    let json = matches!(kind, BodyKind::Json | BodyKind::JsonPatch);
    if let (Some(sent), true) = (sent, json) {
        if personality.picks(Choice::ContentTypeAsParameter) {
            return Err(ApiError::bad_parameter(
                "Content-Type",
                format!("The body is JSON and must be sent as {declared}, not {sent}."),
            ));
        }
    }
    let sent = sent.unwrap_or("none");
    if is_token_endpoint(operation) {
        return Err(ApiError::oauth2(
            "invalid_request",
            format!("The request must be sent as {declared}, not {sent}."),
        ));
    }
    Err(ApiError::unsupported_media_type(format!(
        "Content type '{sent}' is not supported by {} {}; send {}.",
        operation.method,
        operation.path,
        accepted.join(" or ")
    )))
}

pub fn parse_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true), percent_decode(value, true))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{ApiVersion, Contract, Operations};

    const STD: Personality = Personality::Standard;

    fn catalogue() -> &'static Operations {
        Contract::get().catalogue(ApiVersion::V3_6_1)
    }

    fn op(method: &str, path: &str) -> &'static Operation {
        catalogue().get(method, path).unwrap()
    }

    fn first(error: ApiError) -> (u16, Option<String>, Option<String>, String) {
        match error {
            ApiError::Vspc(e) => (e.code, e.parameter_name, e.property_name, e.message),
            other => panic!("{other:?}"),
        }
    }

    fn query_problems(method: &str, path: &str, raw: &str) -> Result<(), ApiError> {
        let pairs = parse_pairs(raw);
        let inputs = Inputs {
            query: &pairs,
            ..Inputs::default()
        };
        let found = input::parameters(
            op(method, path),
            catalogue().schemas(),
            inputs,
            binding(STD),
            &[Location::Query],
        );
        refuse(found, STD, None)
    }

    fn query_error(raw: &str) -> (u16, Option<String>, Option<String>, String) {
        first(query_problems("GET", "/organizations/companies", raw).unwrap_err())
    }

    #[test]
    fn paging_bounds_name_the_parameter_in_the_documented_style() {
        let (code, parameter, _, message) = query_error("offset=-1");
        assert_eq!((code, parameter.as_deref()), (400, Some("offset")));
        assert_eq!(message, "Property value must be larger or equal to 0.");
        assert_eq!(
            query_error("limit=0").3,
            "Property value must be larger or equal to 1."
        );
        assert_eq!(
            query_error("limit=501").3,
            "Property value must be less or equal to 500."
        );
        for raw in [
            "offset=abc",
            "offset=1.5",
            "offset=2147483648",
            "offset=",
            "LIMIT=x",
        ] {
            let (code, parameter, ..) = query_error(raw);
            assert_eq!(code, 400, "{raw}");
            assert!(parameter.is_some(), "{raw}");
        }
        assert!(
            query_problems(
                "GET",
                "/organizations/companies",
                "limit=5&offset=2&unknown=x"
            )
            .is_ok()
        );
    }

    #[test]
    fn filter_sort_and_select_follow_the_specs_expressions() {
        for good in [
            r#"filter=[{"property":"name","operation":"equals","value":"x"}]"#,
            r#"filter=[{"operation":"or","items":[{"property":"a","operation":"in","value":[1]}]}]"#,
            r#"filter=%5B%5D"#,
            r#"sort=[{"property":"name","direction":"Descending"}]"#,
            r#"select=[{"propertyPath":"instanceUid"}]"#,
        ] {
            assert!(
                query_problems("GET", "/organizations/companies", good).is_ok(),
                "{good}"
            );
        }
        for (bad, parameter) in [
            ("filter=name", "filter"),
            (r#"filter={"property":"name"}"#, "filter"),
            (
                r#"filter=[{"property":"name","operation":"like"}]"#,
                "filter",
            ),
            (r#"filter=[{"property":"name"}]"#, "filter"),
            (r#"sort=["name"]"#, "sort"),
        ] {
            assert_eq!(query_error(bad).1.as_deref(), Some(parameter), "{bad}");
        }
    }

    #[test]
    fn a_required_query_parameter_left_out_is_named() {
        let error = query_problems("GET", "/permissions/{entityUid}", "").unwrap_err();
        let (code, parameter, ..) = first(error);
        assert_eq!((code, parameter.as_deref()), (400, Some("entityType")));
    }

    fn body_error(method: &str, path: &str, body: &str, personality: Personality) -> ApiError {
        let operation = op(method, path);
        let spec = operation.body.as_ref().unwrap();
        let root = catalogue().schemas().view(spec.schema).schema.ty;
        let value = match json_body(
            spec.kind,
            root,
            spec.required,
            Bytes::from(body.to_string()),
            personality,
        ) {
            Err(e) => return e,
            Ok(value) => value,
        };
        let found = input::body(
            operation,
            catalogue().schemas(),
            value.as_ref(),
            binding(personality),
        );
        let found = if personality.picks(Choice::EveryValidationError) {
            found
        } else {
            found.into_iter().take(1).collect()
        };
        refuse(found, personality, None).unwrap_err()
    }

    #[test]
    fn json_bodies_name_the_offending_property_by_its_path() {
        let property =
            |body: &str| first(body_error("POST", "/organizations/companies", body, STD)).2;
        assert_eq!(property("{").as_deref(), Some("body"));
        assert_eq!(property("[1]").as_deref(), Some("body"));
        assert_eq!(property("").as_deref(), Some("body"));
        assert_eq!(property("{}").as_deref(), Some("organizationInput"));
        assert_eq!(
            property(r#"{"organizationInput":{}}"#).as_deref(),
            Some("organizationInput.name")
        );
        let alternative = body_error(
            "POST",
            "/organizations/companies",
            r#"{"organizationInput":{}}"#,
            Personality::Alternative,
        );
        let names: Vec<String> = alternative
            .errors()
            .iter()
            .filter_map(|e| e.property_name.clone())
            .collect();
        assert!(
            names.contains(&"/organizationInput/name".to_string()),
            "{names:?}"
        );
        assert!(
            names.len() > 1,
            "the alternative answers every violation: {names:?}"
        );
    }

    #[test]
    fn patches_follow_rfc_6902_over_the_specs_model() {
        let path = "/organizations/companies/{companyUid}";
        let property = |body: &str| first(body_error("PATCH", path, body, STD)).2;
        assert_eq!(property(r#"{"op":"add"}"#).as_deref(), Some("body"));
        assert_eq!(
            property(r#"[{"op":"frobnicate","path":"/a","value":"x"}]"#).as_deref(),
            Some("[0].op")
        );
        assert_eq!(
            property(r#"[{"op":"replace","value":1}]"#).as_deref(),
            Some("[0].path")
        );
        assert_eq!(
            property(r#"[{"op":"replace","path":"/a"}]"#).as_deref(),
            Some("[0].value")
        );
        assert_eq!(
            property(r#"[{"op":"move","path":"/a"}]"#).as_deref(),
            Some("[0].from")
        );
        let operation = op("PATCH", path);
        for good in [
            r#"[{"op":"remove","path":"/a"}]"#,
            r#"[{"op":"replace","path":"/a","value":false}]"#,
        ] {
            let value: Value = serde_json::from_str(good).unwrap();
            let found = input::body(operation, catalogue().schemas(), Some(&value), binding(STD));
            assert!(found.is_empty(), "{good}: {found:?}");
        }
    }

    #[test]
    fn content_types_are_checked_by_body_kind() {
        let create = op("POST", "/organizations/companies");
        let json = &create.body.as_ref().unwrap().content_type;
        assert!(
            check_content_type(create, BodyKind::Json, json, Some("application/json"), STD).is_ok()
        );
        assert_eq!(
            check_content_type(create, BodyKind::Json, json, Some("text/plain"), STD)
                .unwrap_err()
                .code(),
            415
        );
        assert_eq!(
            check_content_type(create, BodyKind::Json, json, None, STD)
                .unwrap_err()
                .code(),
            415
        );
        let patch = op("PATCH", "/organizations/companies/{companyUid}");
        assert!(
            check_content_type(
                patch,
                BodyKind::JsonPatch,
                json,
                Some("application/json-patch+json"),
                STD
            )
            .is_ok()
        );
        let token = op("POST", "/token");
        let form = &token.body.as_ref().unwrap().content_type;
        assert!(matches!(
            check_content_type(token, BodyKind::Form, form, Some("application/json"), STD),
            Err(ApiError::OAuth2(_))
        ));
    }
}
