//! Stage 4, validation, in the order ASP.NET applies it: the content type of the body (415),
//! then model binding of the path parameters, the query parameters and the body (400 naming the
//! parameter with `parameterName`, or the body property with `propertyName`; the body as a whole
//! is `body`). Query parameters the operation does not declare are ignored, as ASP.NET does.
//!
//! `POST /token` is the exception: its form body is OAuth2's, so a wrong content type is an
//! OAuth2 `invalid_request`, not a 415.

use super::error::ApiError;
use super::ids::parse_uuid;
use super::personality::{Choice, Personality};
use super::route::{Routed, percent_decode};
use super::state::{self, Model, Property, Ty};
use crate::contract::{BodyKind, Operation};
use axum::body::{Body as HttpBody, Bytes};
use axum::http::{HeaderMap, header, request::Parts};
use serde_json::{Map, Value};

/// Request bodies larger than this are refused (the console's upload chunks are far smaller).
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

const FILTER_OPERATIONS: [&str; 14] = [
    "in",
    "contains",
    "subset",
    "superset",
    "equals",
    "notEquals",
    "lessThan",
    "lessThanOrEqual",
    "greaterThan",
    "greaterThanOrEqual",
    "exclusiveOr",
    "or",
    "and",
    "not",
];
const COLLATIONS: [&str; 3] = ["ordinal", "ignorecase", "lexicographic"];
const SORT_DIRECTIONS: [&str; 2] = ["ascending", "descending"];
pub const PATCH_OPERATIONS: [&str; 6] = ["add", "replace", "test", "remove", "move", "copy"];

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
        trigger: "a bad query parameter (`limit` outside 1..500, `offset` outside 0..2147483647, non-integers, booleans other than true/false, malformed `filter`/`sort`/`select`) or path UUID/integer, named by `parameterName`; a malformed, non-object or empty JSON body, a patch that is not an array (`propertyName: body`); a patch operation without a valid `op`, `path`, `value` or `from`; a missing or mistyped property of a modelled body (`propertyName`)",
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
    /// JSON Patch operations, each checked for `op`, `path`, `value` and `from`.
    Patch(Vec<Value>),
    Form(Vec<(String, String)>),
    Bytes(Bytes),
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

/// The path parameters' values by their format (UUID, integer), in path order.
pub fn path(routed: Routed) -> Result<Vec<(&'static str, String)>, ApiError> {
    let operation = routed.operation;
    routed
        .path_parameters
        .into_iter()
        .map(|(name, raw)| path_parameter(operation, name, raw).map(|value| (name, value)))
        .collect()
}

/// The stage's last steps: the query, then the body.
pub async fn query_and_body(
    operation: &'static Operation,
    path: Vec<(&'static str, String)>,
    parts: &Parts,
    body: HttpBody,
    personality: Personality,
) -> Result<Valid, ApiError> {
    let query = query(operation, parts.uri.query().unwrap_or(""), personality)?;
    let body = match &operation.body {
        None => Body::None,
        Some(spec) => {
            let bytes = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
                whole_body(
                    personality,
                    "The request body could not be read or is too large.",
                )
            })?;
            parse_body(operation, spec.kind, bytes, personality)?
        }
    };
    Ok(Valid {
        operation,
        path,
        query,
        body,
        headers: parts.headers.clone(),
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
    if operation.anonymous && kind == BodyKind::Form {
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

fn path_parameter(operation: &Operation, name: &str, raw: String) -> Result<String, ApiError> {
    let format = operation
        .path_parameter(name)
        .map(|p| p.format.as_str())
        .unwrap_or("string");
    match format {
        "uuid" => parse_uuid(&raw)
            .ok_or_else(|| ApiError::bad_parameter(name, "Property value must be a UUID.")),
        "integer" => match parse_integer(&raw) {
            Some(n) if i32::try_from(n).is_ok() => Ok(n.to_string()),
            _ => Err(ApiError::bad_parameter(
                name,
                "Property value must be an integer.",
            )),
        },
        _ => Ok(raw),
    }
}

/// An integer as ASP.NET's binder reads it (an optional sign and digits), within i64.
fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
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

fn query(operation: &Operation, raw: &str, personality: Personality) -> Result<Query, ApiError> {
    let pairs = parse_pairs(raw);
    let mut query = Query::default();
    let exact = personality.picks(Choice::CaseSensitiveQueryNames);
    let last = personality.picks(Choice::LastQueryValue);
    for declared in &operation.query_parameters {
        let name = declared.name.as_str();
        let named = |(n, _): &&(String, String)| {
            if exact {
                n == name
            } else {
                n.eq_ignore_ascii_case(name)
            }
        };
        let found = if last {
            pairs.iter().rfind(named)
        } else {
            pairs.iter().find(named)
        };
        let Some((_, value)) = found else {
            continue;
        };
        match declared.kind.as_str() {
            "integer" => {
                let n = parse_integer(value).ok_or_else(|| {
                    ApiError::bad_parameter(name, "Property value must be an integer.")
                })?;
                let minimum = declared.minimum.unwrap_or(i64::from(i32::MIN));
                let maximum = declared.maximum.unwrap_or(i64::from(i32::MAX));
                if n < minimum {
                    return Err(ApiError::bad_parameter(
                        name,
                        format!("Property value must be larger or equal to {minimum}."),
                    ));
                }
                if n > maximum {
                    return Err(ApiError::bad_parameter(
                        name,
                        format!("Property value must be less or equal to {maximum}."),
                    ));
                }
                match name {
                    "limit" => query.limit = Some(n),
                    "offset" => query.offset = Some(n),
                    _ => {}
                }
            }
            "boolean"
                if !(value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")) =>
            {
                return Err(ApiError::bad_parameter(
                    name,
                    "Property value must be true or false.",
                ));
            }
            "json" => {
                json_parameter(name, value).map_err(|why| ApiError::bad_parameter(name, why))?
            }
            _ => {}
        }
    }
    query.pairs = pairs;
    Ok(query)
}

/// `filter`, `sort` and `select`: a JSON array of the spec's expressions.
fn json_parameter(name: &str, text: &str) -> Result<(), String> {
    let what = match name {
        "filter" => "filter expressions",
        "sort" => "sort expressions",
        "select" => "select expressions",
        _ => "expressions",
    };
    let expected = format!("Property value must be a JSON array of {what}");
    let value: Value = serde_json::from_str(text).map_err(|e| format!("{expected}: {e}."))?;
    let Some(items) = value.as_array() else {
        return Err(format!("{expected}."));
    };
    for (i, item) in items.iter().enumerate() {
        let at = format!("[{i}]");
        let checked = match name {
            "filter" => filter_expression(item, &at),
            "sort" => sort_expression(item, &at),
            "select" => select_expression(item, &at),
            _ => Ok(()),
        };
        checked.map_err(|why| format!("{expected}: {why}."))?;
    }
    Ok(())
}

fn one_of(value: &str, allowed: &[&str]) -> bool {
    allowed.iter().any(|a| a.eq_ignore_ascii_case(value))
}

fn expression_object<'a>(item: &'a Value, at: &str) -> Result<&'a Map<String, Value>, String> {
    item.as_object()
        .ok_or_else(|| format!("{at} is not an object"))
}

/// A non-empty string member, required or optional.
fn string_member<'a>(
    object: &'a Map<String, Value>,
    key: &str,
    at: &str,
    required: bool,
) -> Result<Option<&'a str>, String> {
    match object.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(format!("{at} has no `{key}`")),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s)),
        Some(_) => Err(format!("{at}.{key} is not a non-empty string")),
    }
}

fn enum_member(
    object: &Map<String, Value>,
    key: &str,
    at: &str,
    required: bool,
    allowed: &[&str],
) -> Result<Option<String>, String> {
    let Some(value) = string_member(object, key, at, required)? else {
        return Ok(None);
    };
    if one_of(value, allowed) {
        Ok(Some(value.to_ascii_lowercase()))
    } else {
        Err(format!(
            "{at}.{key} `{value}` is not one of {}",
            allowed.join(", ")
        ))
    }
}

fn filter_expression(item: &Value, at: &str) -> Result<(), String> {
    let object = expression_object(item, at)?;
    let operation =
        enum_member(object, "operation", at, true, &FILTER_OPERATIONS)?.unwrap_or_default();
    enum_member(object, "collation", at, false, &COLLATIONS)?;
    let logical = matches!(operation.as_str(), "and" | "or" | "not");
    match object.get("items") {
        None | Some(Value::Null) if logical => {
            return Err(format!("{at} ({operation}) has no `items`"));
        }
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            if logical && items.is_empty() {
                return Err(format!("{at}.items is empty"));
            }
            for (i, inner) in items.iter().enumerate() {
                filter_expression(inner, &format!("{at}.items[{i}]"))?;
            }
        }
        Some(_) => return Err(format!("{at}.items is not an array")),
    }
    if !logical {
        string_member(object, "property", at, true)?;
    }
    Ok(())
}

fn sort_expression(item: &Value, at: &str) -> Result<(), String> {
    let object = expression_object(item, at)?;
    string_member(object, "property", at, true)?;
    enum_member(object, "direction", at, true, &SORT_DIRECTIONS)?;
    enum_member(object, "collation", at, false, &COLLATIONS)?;
    Ok(())
}

fn select_expression(item: &Value, at: &str) -> Result<(), String> {
    let object = expression_object(item, at)?;
    string_member(object, "propertyPath", at, true)?;
    Ok(())
}

fn parse_body(
    operation: &Operation,
    kind: BodyKind,
    bytes: Bytes,
    personality: Personality,
) -> Result<Body, ApiError> {
    match kind {
        BodyKind::Json | BodyKind::JsonPatch => {
            if bytes.iter().all(u8::is_ascii_whitespace) {
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
            if kind == BodyKind::JsonPatch {
                let Value::Array(operations) = value else {
                    return Err(whole_body(
                        personality,
                        "The request body must be a JSON array of JSON Patch operations.",
                    ));
                };
                for (i, operation) in operations.iter().enumerate() {
                    patch_operation(operation, i, personality)?;
                }
                return Ok(Body::Patch(operations));
            }
            let Value::Object(object) = value else {
                return Err(whole_body(
                    personality,
                    "The request body must be a JSON object.",
                ));
            };
            if let Some(model) = create_model(operation) {
                check_properties(&object, model, personality)?;
            }
            Ok(Body::Json(object))
        }
        BodyKind::Form => {
            let text = String::from_utf8_lossy(&bytes);
            Ok(Body::Form(parse_pairs(&text)))
        }
        BodyKind::OctetStream | BodyKind::Multipart => Ok(Body::Bytes(bytes)),
    }
}

/// One JSON Patch operation (RFC 6902 section 4): `op` and `path` always, `value` for add,
/// replace and test, `from` for move and copy.
fn patch_operation(
    operation: &Value,
    index: usize,
    personality: Personality,
) -> Result<(), ApiError> {
    let Some(object) = operation.as_object() else {
        return Err(whole_body(
            personality,
            "Each JSON Patch operation must be a JSON object.",
        ));
    };
    // The operation's member: by its name, or by its JSON Pointer in the patch document.
    let member = |name: &str, message: String| {
        if personality.picks(Choice::PatchPointerNames) {
            ApiError::bad_property(&format!("/{index}/{name}"), message)
        } else {
            ApiError::bad_property(name, message)
        }
    };
    let op = match object.get("op") {
        Some(Value::String(op)) if one_of(op, &PATCH_OPERATIONS) => op.to_ascii_lowercase(),
        Some(Value::String(op)) => {
            return Err(member(
                "op",
                format!(
                    "JSON Patch operation '{op}' is not one of {}.",
                    PATCH_OPERATIONS.join(", ")
                ),
            ));
        }
        Some(_) => {
            return Err(member("op", "Property value must be a string.".into()));
        }
        None => return Err(member("op", "Property 'op' is required.".into())),
    };
    match object.get("path") {
        Some(Value::String(_)) => {}
        Some(_) => {
            return Err(member("path", "Property value must be a string.".into()));
        }
        None => {
            return Err(member("path", "Property 'path' is required.".into()));
        }
    }
    if matches!(op.as_str(), "add" | "replace" | "test") && !object.contains_key("value") {
        return Err(member(
            "value",
            format!("Property 'value' is required for '{op}'."),
        ));
    }
    if matches!(op.as_str(), "move" | "copy")
        && !matches!(object.get("from"), Some(Value::String(_)))
    {
        return Err(member(
            "from",
            format!("Property 'from' is required for '{op}'."),
        ));
    }
    Ok(())
}

/// The model of a modelled create operation's body.
pub fn create_model(operation: &Operation) -> Option<&'static Model> {
    match (operation.method.as_str(), operation.path.as_str()) {
        ("POST", "/organizations/companies") => Some(&state::COMPANY),
        ("POST", "/organizations/locations") => Some(&state::LOCATION),
        ("POST", "/users") => Some(&state::USER),
        ("POST", "/users/resetpassword") => Some(&state::RESET_PASSWORD),
        ("POST", "/users/serviceProvider/localUserRule") => Some(&state::LOCAL_USER_RULE),
        ("POST", "/authentication/keys/rsa-pkcs12/decrypt") => Some(&state::PKCS12_DECRYPTION),
        _ => None,
    }
}

/// A body against its model: required properties present, every known property well typed,
/// nested objects too. Names match case-insensitively (as System.Text.Json's web defaults);
/// unknown ones are ignored.
pub fn check_properties(
    body: &Map<String, Value>,
    model: &Model,
    personality: Personality,
) -> Result<(), ApiError> {
    check_object(body, model.properties, "", personality)
}

/// The properties of one object of a body; `at` is the dotted path of the object from the root
/// (empty at the root).
fn check_object(
    body: &Map<String, Value>,
    properties: &[Property],
    at: &str,
    personality: Personality,
) -> Result<(), ApiError> {
    for property in properties {
        let full = if at.is_empty() {
            property.name.to_string()
        } else {
            format!("{at}.{}", property.name)
        };
        let name = if personality.picks(Choice::DottedPropertyPaths) {
            full.as_str()
        } else {
            property.name
        };
        let value = body
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(property.name))
            .map(|(_, v)| v);
        match value {
            None | Some(Value::Null) if property.required => {
                return Err(ApiError::bad_property(
                    name,
                    format!("Property '{name}' is required."),
                ));
            }
            None | Some(Value::Null) => {}
            Some(value) => {
                if let Some(why) = type_problem(property.ty, value) {
                    return Err(ApiError::bad_property(name, why));
                }
                if let (Ty::Object(inner), Value::Object(object)) = (property.ty, value) {
                    check_object(object, inner, &full, personality)?;
                }
            }
        }
    }
    Ok(())
}

/// Why `value` is not of type `ty`, or None when it is.
pub fn type_problem(ty: Ty, value: &Value) -> Option<String> {
    let ok = match ty {
        Ty::Str => value.is_string(),
        Ty::Name => value.as_str().is_some_and(|s| !s.trim().is_empty()),
        Ty::Bool => value.is_boolean(),
        Ty::Int(min, max) => match value.as_i64() {
            Some(n) if n < min => {
                return Some(format!("Property value must be larger or equal to {min}."));
            }
            Some(n) if n > max => {
                return Some(format!("Property value must be less or equal to {max}."));
            }
            Some(_) => true,
            None => false,
        },
        Ty::Uuid => value.as_str().and_then(parse_uuid).is_some(),
        Ty::Object(_) => value.is_object(),
        Ty::Enum(allowed) => value.as_str().is_some_and(|s| one_of(s, allowed)),
    };
    if ok {
        return None;
    }
    Some(match ty {
        Ty::Str => "Property value must be a string.".to_string(),
        Ty::Name => "Property value must be a non-empty string.".to_string(),
        Ty::Bool => "Property value must be true or false.".to_string(),
        Ty::Int(..) => "Property value must be an integer.".to_string(),
        Ty::Uuid => "Property value must be a UUID.".to_string(),
        Ty::Object(_) => "Property value must be an object.".to_string(),
        Ty::Enum(allowed) => format!("Property value must be one of: {}.", allowed.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Contract;
    use serde_json::json;

    const STD: Personality = Personality::Standard;

    fn op(method: &str, path: &str) -> &'static Operation {
        Contract::get()
            .catalogue(crate::contract::ApiVersion::V3_6_1)
            .get(method, path)
            .unwrap()
    }

    fn parameter_of(error: ApiError) -> (u16, Option<String>, Option<String>, String) {
        match error {
            ApiError::Vspc(e) => (e.code, e.parameter_name, e.property_name, e.message),
            ApiError::OAuth2(e) => panic!("{e:?}"),
        }
    }

    fn query_error(raw: &str) -> (u16, Option<String>, Option<String>, String) {
        parameter_of(query(op("GET", "/organizations/companies"), raw, STD).unwrap_err())
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
        let ok = query(
            op("GET", "/organizations/companies"),
            "limit=5&offset=2&unknown=x",
            STD,
        )
        .unwrap();
        assert_eq!((ok.limit, ok.offset), (Some(5), Some(2)));
    }

    #[test]
    fn filter_sort_and_select_follow_the_spec_expressions() {
        for good in [
            r#"filter=[{"property":"name","operation":"equals","value":"x"}]"#,
            r#"filter=[{"operation":"or","items":[{"property":"a","operation":"in","value":[1]}]}]"#,
            r#"filter=%5B%5D"#,
            r#"sort=[{"property":"name","direction":"Descending"}]"#,
            r#"select=[{"propertyPath":"instanceUid"}]"#,
        ] {
            assert!(
                query(op("GET", "/organizations/companies"), good, STD).is_ok(),
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
            (r#"filter=[{"operation":"and"}]"#, "filter"),
            (r#"filter=[{"operation":"equals","value":1}]"#, "filter"),
            (r#"sort=[{"property":"name"}]"#, "sort"),
            (r#"sort=["name"]"#, "sort"),
            (r#"select=[{"property":"name"}]"#, "select"),
        ] {
            assert_eq!(query_error(bad).1.as_deref(), Some(parameter), "{bad}");
        }
    }

    #[test]
    fn path_parameters_are_checked_by_format() {
        let company = op("GET", "/organizations/companies/{companyUid}");
        let (_, parameter, ..) =
            parameter_of(path_parameter(company, "companyUid", "abc".into()).unwrap_err());
        assert_eq!(parameter.as_deref(), Some("companyUid"));
        let login = op("GET", "/users/{userUid}/logins/{userLoginId}");
        assert!(path_parameter(login, "userLoginId", "x1".into()).is_err());
        assert_eq!(
            path_parameter(login, "userLoginId", "7".into()).unwrap(),
            "7"
        );
    }

    #[test]
    fn json_bodies_and_patches_name_the_offending_property() {
        let create = op("POST", "/organizations/companies");
        let property = |kind, body: &str| {
            parameter_of(parse_body(create, kind, Bytes::from(body.to_string()), STD).unwrap_err())
                .2
        };
        assert_eq!(property(BodyKind::Json, "{").as_deref(), Some("body"));
        assert_eq!(property(BodyKind::Json, "[1]").as_deref(), Some("body"));
        assert_eq!(property(BodyKind::Json, "").as_deref(), Some("body"));
        assert_eq!(
            property(BodyKind::Json, r#"{"name":""}"#).as_deref(),
            Some("name")
        );
        assert_eq!(
            property(BodyKind::Json, r#"{"alias":"x"}"#).as_deref(),
            Some("name")
        );
        assert_eq!(
            property(
                BodyKind::Json,
                r#"{"name":"x","isAlarmDetectEnabled":"yes"}"#
            )
            .as_deref(),
            Some("isAlarmDetectEnabled")
        );
        assert_eq!(
            property(BodyKind::JsonPatch, r#"{"op":"add"}"#).as_deref(),
            Some("body")
        );
        assert_eq!(
            property(BodyKind::JsonPatch, r#"[{"op":"frobnicate","path":"/a"}]"#).as_deref(),
            Some("op")
        );
        assert_eq!(
            property(BodyKind::JsonPatch, r#"[{"op":"replace","value":1}]"#).as_deref(),
            Some("path")
        );
        assert_eq!(
            property(BodyKind::JsonPatch, r#"[{"op":"replace","path":"/a"}]"#).as_deref(),
            Some("value")
        );
        assert_eq!(
            property(BodyKind::JsonPatch, r#"[{"op":"move","path":"/a"}]"#).as_deref(),
            Some("from")
        );
        assert!(
            parse_body(
                create,
                BodyKind::Json,
                Bytes::from(r#"{"NAME":"x","other":1}"#),
                STD
            )
            .is_ok()
        );
        assert!(type_problem(Ty::Int(0, 10), &json!(11)).is_some());
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
