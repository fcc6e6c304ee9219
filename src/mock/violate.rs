//! Violation modes: each bends exactly one rule of the contract, as a layer over the one error
//! mapping ([`ApiError::render`]). A mode sees the error and its conforming wire form and returns
//! the bent wire form; success responses are never bent. The harness's self-test runs against a
//! bent mock and must report the mode's [`Violation::check`] as failed.

use super::error::{ApiError, WireBody, WireError};
use crate::contract::Check;
use crate::contract::input::{Invalid, Place};
use crate::contract::schema::{self, Keyword};
use serde_json::{Value, json};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Violation {
    Status500,
    Status502,
    Status503,
    Status504,
    CustomCode400,
    ClientCode520,
    TypeMissing,
    TypeMisspelt,
    TypeWrong,
    CodeString,
    CodeGeneric,
    ErrorsEmpty,
    ErrorsObject,
    BothNames,
    WrongName,
    RetryAfterMissing,
    PatchMissing,
    MessageVague,
    MessageMissing,
    ContentHtml,
    ContentText,
    HtmlPage,
    NotJson,
    EmptyBody,
    OAuth2AsEnvelope,
    EnvelopeAsOAuth2,
    BodiesNotValidated,
    BodyErrorAsParameter,
    ParentNamed,
    Validation422,
    EnumUnchecked,
    RolesUnchecked,
    RefusalAs401,
    AnonymousNeedsToken,
}

impl Violation {
    pub const ALL: [Violation; 34] = [
        Violation::Status500,
        Violation::Status502,
        Violation::Status503,
        Violation::Status504,
        Violation::CustomCode400,
        Violation::ClientCode520,
        Violation::TypeMissing,
        Violation::TypeMisspelt,
        Violation::TypeWrong,
        Violation::CodeString,
        Violation::CodeGeneric,
        Violation::ErrorsEmpty,
        Violation::ErrorsObject,
        Violation::BothNames,
        Violation::WrongName,
        Violation::RetryAfterMissing,
        Violation::PatchMissing,
        Violation::MessageVague,
        Violation::MessageMissing,
        Violation::ContentHtml,
        Violation::ContentText,
        Violation::HtmlPage,
        Violation::NotJson,
        Violation::EmptyBody,
        Violation::OAuth2AsEnvelope,
        Violation::EnvelopeAsOAuth2,
        Violation::BodiesNotValidated,
        Violation::BodyErrorAsParameter,
        Violation::ParentNamed,
        Violation::Validation422,
        Violation::EnumUnchecked,
        Violation::RolesUnchecked,
        Violation::RefusalAs401,
        Violation::AnonymousNeedsToken,
    ];

    /// The stable kebab-case name (`--violate NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Violation::Status500 => "status-500",
            Violation::Status502 => "status-502",
            Violation::Status503 => "status-503",
            Violation::Status504 => "status-504",
            Violation::CustomCode400 => "custom-code-400",
            Violation::ClientCode520 => "client-code-520",
            Violation::TypeMissing => "type-missing",
            Violation::TypeMisspelt => "type-misspelt",
            Violation::TypeWrong => "type-wrong",
            Violation::CodeString => "code-string",
            Violation::CodeGeneric => "code-generic",
            Violation::ErrorsEmpty => "errors-empty",
            Violation::ErrorsObject => "errors-object",
            Violation::BothNames => "both-names",
            Violation::WrongName => "wrong-name",
            Violation::RetryAfterMissing => "retry-after-missing",
            Violation::PatchMissing => "patch-missing",
            Violation::MessageVague => "message-vague",
            Violation::MessageMissing => "message-missing",
            Violation::ContentHtml => "content-html",
            Violation::ContentText => "content-text",
            Violation::HtmlPage => "html-page",
            Violation::NotJson => "not-json",
            Violation::EmptyBody => "empty-body",
            Violation::OAuth2AsEnvelope => "oauth2-as-envelope",
            Violation::EnvelopeAsOAuth2 => "envelope-as-oauth2",
            Violation::BodiesNotValidated => "bodies-not-validated",
            Violation::BodyErrorAsParameter => "body-error-as-parameter",
            Violation::ParentNamed => "parent-named",
            Violation::Validation422 => "validation-422",
            Violation::EnumUnchecked => "enum-unchecked",
            Violation::RolesUnchecked => "roles-unchecked",
            Violation::RefusalAs401 => "refusal-as-401",
            Violation::AnonymousNeedsToken => "anonymous-needs-token",
        }
    }

    pub fn parse(name: &str) -> Option<Violation> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The check that must catch this mode.
    pub fn check(self) -> Check {
        match self {
            Violation::Status500
            | Violation::Status502
            | Violation::Status503
            | Violation::Status504
            | Violation::CustomCode400
            | Violation::ClientCode520
            | Violation::BodiesNotValidated
            | Violation::Validation422
            | Violation::EnumUnchecked
            | Violation::RolesUnchecked
            | Violation::RefusalAs401
            | Violation::AnonymousNeedsToken => Check::Status,
            Violation::TypeMissing | Violation::TypeMisspelt | Violation::TypeWrong => Check::Type,
            Violation::CodeString | Violation::CodeGeneric => Check::Code,
            Violation::ErrorsEmpty
            | Violation::ErrorsObject
            | Violation::ContentHtml
            | Violation::ContentText
            | Violation::HtmlPage
            | Violation::NotJson
            | Violation::EmptyBody
            | Violation::OAuth2AsEnvelope
            | Violation::EnvelopeAsOAuth2 => Check::Envelope,
            Violation::BothNames
            | Violation::WrongName
            | Violation::RetryAfterMissing
            | Violation::PatchMissing
            | Violation::BodyErrorAsParameter
            | Violation::ParentNamed => Check::Field,
            Violation::MessageVague | Violation::MessageMissing => Check::Message,
        }
    }

    /// What the mode does, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Violation::Status500 => {
                "server errors (500, 504, custom codes) travel with HTTP 500 instead of 520"
            }
            Violation::Status502 => {
                "server errors (500, 504, custom codes) travel with HTTP 502 instead of 520"
            }
            Violation::Status503 => {
                "server errors (500, 504, custom codes) travel with HTTP 503 instead of 520"
            }
            Violation::Status504 => {
                "server errors (500, 504, custom codes) travel with HTTP 504 instead of 520"
            }
            Violation::CustomCode400 => {
                "custom codes (>= 1000) travel with HTTP 400 instead of 520"
            }
            Violation::ClientCode520 => {
                "client codes (400-499) travel with HTTP 520 instead of their own status"
            }
            Violation::TypeMissing => "errors have no `type`",
            Violation::TypeMisspelt => {
                "`type` is misspelt (`logic`, `secure`, `transfer`, `retryable`, `unspecific`)"
            }
            Violation::TypeWrong => "401 and 403 errors are typed `logical` instead of `security`",
            Violation::CodeString => "`code` is a string (\"404\") instead of an integer",
            Violation::CodeGeneric => "504 and custom codes (>= 1000) are all reported as code 500",
            Violation::ErrorsEmpty => "`errors` is an empty array",
            Violation::ErrorsObject => "`errors` is a single object instead of an array",
            Violation::BothNames => {
                "errors naming a parameter or property carry both `parameterName` and `propertyName`"
            }
            Violation::WrongName => "the invalid parameter or property is always named `id`",
            Violation::RetryAfterMissing => "429 errors have no `retryAfter`",
            Violation::PatchMissing => "1001 errors have no `failedJsonPatch`",
            Violation::MessageVague => "404 messages do not name the resource (`Not found.`)",
            Violation::MessageMissing => "errors have no `message`",
            Violation::ContentHtml => "error bodies are JSON but labelled `text/html`",
            Violation::ContentText => "error bodies are JSON but labelled `text/plain`",
            Violation::HtmlPage => "errors are an HTML page instead of JSON",
            Violation::NotJson => "error bodies are the text `Internal error`, labelled as JSON",
            Violation::EmptyBody => "error bodies are empty, labelled as JSON",
            Violation::OAuth2AsEnvelope => "OAuth2 errors of POST /token come in the VSPC envelope",
            Violation::EnvelopeAsOAuth2 => "VSPC errors come in the OAuth2 shape of POST /token",
            Violation::BodiesNotValidated => {
                "JSON bodies are not validated against their schema (only their syntax): a broken property goes on to the operation"
            }
            Violation::BodyErrorAsParameter => {
                "an error about a body property names it with `parameterName` instead of `propertyName`"
            }
            Violation::ParentNamed => {
                "an error about a body property names the object around it (`organizationInput` for `organizationInput.name`; `body` at the top)"
            }
            Violation::Validation422 => {
                "validation errors (400 naming an input) travel with HTTP 422 Unprocessable Entity"
            }
            Violation::EnumUnchecked => {
                "values outside a declared enum are accepted, in parameters and bodies"
            }
            Violation::RolesUnchecked => {
                "every role is admitted to every operation: no 403 for a role the spec does not admit"
            }
            Violation::RefusalAs401 => {
                "a role the spec does not admit is refused with 401 (code 401) instead of 403"
            }
            Violation::AnonymousNeedsToken => {
                "the anonymous operations but POST /token (the password reset, SAML metadata, ...) demand a token: 401 without one"
            }
        }
    }

    /// Whether this mode lets the validation stage accept what it finds: the modes that bend
    /// what a console checks rather than how it answers.
    pub fn overlooks(self, invalid: &Invalid) -> bool {
        match self {
            Violation::BodiesNotValidated => {
                matches!(&invalid.place, Place::Property(at) if !at.is_empty())
            }
            Violation::EnumUnchecked => invalid.problem.keyword() == Keyword::Enum,
            _ => false,
        }
    }

    /// Bends the conforming wire form of `error`; leaves it alone where this mode has nothing
    /// to bend (a status mode on a 404, a field mode on a 401, ...).
    pub fn apply(self, error: &ApiError, mut wire: WireError) -> WireError {
        let code = error.code();
        let server_side = matches!(error, ApiError::Vspc(_)) && !(400..=499).contains(&code);
        match self {
            Violation::Status500
            | Violation::Status502
            | Violation::Status503
            | Violation::Status504 => {
                if server_side {
                    wire.status = match self {
                        Violation::Status500 => 500,
                        Violation::Status502 => 502,
                        Violation::Status503 => 503,
                        _ => 504,
                    };
                }
            }
            Violation::CustomCode400 => {
                if matches!(error, ApiError::Vspc(_)) && code >= 1000 {
                    wire.status = 400;
                }
            }
            Violation::ClientCode520 => {
                if matches!(error, ApiError::Vspc(_)) && (400..=499).contains(&code) {
                    wire.status = 520;
                }
            }
            Violation::TypeMissing => edit_errors(&mut wire, |e| {
                e.remove("type");
            }),
            Violation::TypeMisspelt => edit_errors(&mut wire, |e| {
                let misspelt = match e.get("type").and_then(Value::as_str) {
                    Some("logical") => "logic",
                    Some("security") => "secure",
                    Some("transport") => "transfer",
                    Some("retryableLogical") => "retryable",
                    _ => "unspecific",
                };
                e.insert("type".into(), Value::from(misspelt));
            }),
            Violation::TypeWrong => {
                if code == 401 || code == 403 {
                    edit_errors(&mut wire, |e| {
                        e.insert("type".into(), Value::from("logical"));
                    })
                }
            }
            Violation::CodeString => edit_errors(&mut wire, |e| {
                if let Some(code) = e.get("code").and_then(Value::as_i64) {
                    e.insert("code".into(), Value::from(code.to_string()));
                }
            }),
            Violation::CodeGeneric => {
                if server_side && code != 500 {
                    edit_errors(&mut wire, |e| {
                        e.insert("code".into(), Value::from(500));
                        // 1001's member belongs to 1001; code 500 has none.
                        e.remove("failedJsonPatch");
                    })
                }
            }
            Violation::ErrorsEmpty => {
                if let (ApiError::Vspc(_), WireBody::Json(body)) = (error, &mut wire.body) {
                    body["errors"] = json!([]);
                }
            }
            Violation::ErrorsObject => {
                if let (ApiError::Vspc(_), WireBody::Json(body)) = (error, &mut wire.body) {
                    let first = body["errors"][0].take();
                    body["errors"] = first;
                }
            }
            Violation::BothNames => edit_errors(&mut wire, |e| {
                let name = e
                    .get("parameterName")
                    .or_else(|| e.get("propertyName"))
                    .cloned();
                if let Some(name) = name {
                    e.insert("parameterName".into(), name.clone());
                    e.insert("propertyName".into(), name);
                }
            }),
            Violation::WrongName => edit_errors(&mut wire, |e| {
                for member in ["parameterName", "propertyName"] {
                    if e.contains_key(member) {
                        e.insert(member.into(), Value::from("id"));
                    }
                }
            }),
            Violation::RetryAfterMissing => edit_errors(&mut wire, |e| {
                e.remove("retryAfter");
            }),
            Violation::PatchMissing => edit_errors(&mut wire, |e| {
                e.remove("failedJsonPatch");
            }),
            Violation::MessageVague => {
                if code == 404 {
                    edit_errors(&mut wire, |e| {
                        e.insert("message".into(), Value::from("Not found."));
                    })
                }
            }
            Violation::MessageMissing => edit_errors(&mut wire, |e| {
                e.remove("message");
            }),
            Violation::ContentHtml => wire.content_type = "text/html; charset=utf-8".into(),
            Violation::ContentText => wire.content_type = "text/plain; charset=utf-8".into(),
            Violation::HtmlPage => {
                let status = wire.status;
                wire.content_type = "text/html; charset=utf-8".into();
                wire.body = WireBody::Text(format!(
                    "<!DOCTYPE html>\n<html><head><title>Error {status}</title></head>\
                     <body><h1>Server Error</h1><p>An error occurred while processing your request.</p>\
                     </body></html>\n"
                ));
            }
            Violation::NotJson => wire.body = WireBody::Text("Internal error".into()),
            Violation::EmptyBody => wire.body = WireBody::Text(String::new()),
            Violation::OAuth2AsEnvelope => {
                if let ApiError::OAuth2(e) = error {
                    wire.body = WireBody::Json(json!({"errors": [{
                        "message": e.description, "type": "security", "code": 400,
                        "propertyName": "grant_type"}]}));
                }
            }
            Violation::BodiesNotValidated
            | Violation::EnumUnchecked
            | Violation::RolesUnchecked
            | Violation::AnonymousNeedsToken => {}
            Violation::RefusalAs401 => {
                let refusal = error.errors().iter().any(|e| e.refused.is_some());
                if refusal {
                    wire.status = 401;
                    edit_errors(&mut wire, |e| {
                        e.insert("code".into(), Value::from(401));
                    });
                }
            }
            Violation::BodyErrorAsParameter => edit_errors(&mut wire, |e| {
                if let Some(name) = e.remove("propertyName") {
                    e.insert("parameterName".into(), name);
                }
            }),
            Violation::ParentNamed => {
                // Each error of the envelope in order, with the property path it was about.
                let paths: Vec<Option<std::sync::Arc<[schema::Step]>>> = error
                    .errors()
                    .iter()
                    .map(|e| e.cause.as_ref().and_then(|(_, at)| at.clone()))
                    .collect();
                let mut at = paths.into_iter();
                edit_errors(&mut wire, |e| {
                    let Some(Some(path)) = at.next() else {
                        return;
                    };
                    let Some(Value::String(named)) = e.get("propertyName") else {
                        return;
                    };
                    let parent = &path[..path.len().saturating_sub(1)];
                    let name = match (parent.is_empty(), named.starts_with('/')) {
                        (true, _) => "body".to_string(),
                        (false, true) => schema::pointer(parent),
                        (false, false) => schema::dotted(parent),
                    };
                    e.insert("propertyName".into(), Value::from(name));
                })
            }
            Violation::Validation422 => {
                let validation = error.errors().iter().any(|e| e.cause.is_some());
                if validation {
                    wire.status = 422;
                }
            }
            Violation::EnvelopeAsOAuth2 => {
                if let ApiError::Vspc(e) = error {
                    let kind = if e.code == 401 || e.code == 403 {
                        "invalid_client"
                    } else {
                        "invalid_request"
                    };
                    wire.body = WireBody::Json(json!({
                        "error": kind, "error_description": e.message, "error_uri": null}));
                }
            }
        }
        wire
    }
}

/// Applies `edit` to every `ResponseError` object of a VSPC envelope; other bodies stay as they are.
fn edit_errors(wire: &mut WireError, mut edit: impl FnMut(&mut serde_json::Map<String, Value>)) {
    let WireBody::Json(body) = &mut wire.body else {
        return;
    };
    let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) else {
        return;
    };
    for error in errors.iter_mut().filter_map(Value::as_object_mut) {
        edit(error);
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a violation mode; its message lists the modes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown violation mode `{0}`; the modes are: {modes}", modes = Violation::ALL.map(Violation::name).join(", "))]
pub struct UnknownViolation(pub String);

impl FromStr for Violation {
    type Err = UnknownViolation;

    fn from_str(name: &str) -> Result<Violation, UnknownViolation> {
        Violation::parse(name).ok_or_else(|| UnknownViolation(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_kebab_case_and_parse_back() {
        let mut seen = HashSet::new();
        for v in Violation::ALL {
            assert!(seen.insert(v.name()), "duplicate {}", v.name());
            assert!(
                v.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            );
            assert_eq!(Violation::parse(v.name()), Some(v));
            assert_eq!(v.name().parse::<Violation>(), Ok(v));
            assert!(!v.description().is_empty());
        }
        assert!(
            "status-999"
                .parse::<Violation>()
                .unwrap_err()
                .to_string()
                .contains("status-500")
        );
    }

    #[test]
    fn every_check_has_a_mode_that_must_trip_it() {
        for check in Check::ALL {
            assert!(Violation::ALL.iter().any(|v| v.check() == check), "{check}");
        }
    }

    #[test]
    fn a_mode_leaves_errors_it_does_not_concern_alone() {
        let not_found = ApiError::missing_resource("Company", "UID", "x");
        for v in [
            Violation::Status500,
            Violation::CustomCode400,
            Violation::RetryAfterMissing,
            Violation::PatchMissing,
            Violation::TypeWrong,
            Violation::OAuth2AsEnvelope,
            Violation::BothNames,
        ] {
            assert_eq!(
                v.apply(&not_found, not_found.render()),
                not_found.render(),
                "{v}"
            );
        }
    }
}
