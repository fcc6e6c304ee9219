//! Violation modes, by the answers they bend: each trigger's conforming answer is written out in
//! full, and each mode's answer as that one with the single rule it bends changed. A mode that
//! stops bending, or that also changes anything else the conforming answer has (status, content
//! type, any member of the body), fails the test.

use crate::common::answer::Observed;
use crate::{start, var};
use serde_json::{Map, Value, json};
use std::time::Duration;
use vspc_conformance::contract::Role;
use vspc_conformance::mock::{
    MockConfig, ROLE_PASSWORD, ThrottleGroup, ThrottleLimit, Violation, role_username,
};

/// An error answer, everything a mode can bend: the status, the content type and the body.
#[derive(Debug, Clone, PartialEq)]
struct Answer {
    status: u16,
    content_type: String,
    body: Body,
}

/// The body as JSON when it parses, else as the text it is.
#[derive(Debug, Clone, PartialEq)]
enum Body {
    Json(Value),
    Text(String),
}

impl From<Observed> for Answer {
    fn from(observed: Observed) -> Answer {
        let body = match serde_json::from_str(&observed.text) {
            Ok(json) => Body::Json(json),
            Err(_) => Body::Text(observed.text),
        };
        Answer {
            status: observed.status,
            content_type: observed.content_type,
            body,
        }
    }
}

const JSON: &str = "application/json; charset=utf-8";

impl Answer {
    /// A VSPC envelope with one error.
    fn envelope(status: u16, error: Value) -> Answer {
        Answer {
            status,
            content_type: JSON.into(),
            body: Body::Json(json!({ "errors": [error] })),
        }
    }

    /// The first error of the envelope.
    fn error(&mut self) -> &mut Map<String, Value> {
        match &mut self.body {
            Body::Json(body) => body["errors"][0]
                .as_object_mut()
                .expect("an envelope with an error"),
            Body::Text(text) => panic!("not JSON: {text}"),
        }
    }

    /// The error with `member` changed to `value`; the member must be there already.
    fn with(mut self, member: &str, value: Value) -> Answer {
        let old = self.error().insert(member.into(), value);
        assert!(old.is_some(), "no `{member}` to change");
        self
    }

    /// The error without `member`; the member must be there.
    fn without(mut self, member: &str) -> Answer {
        assert!(
            self.error().remove(member).is_some(),
            "no `{member}` to drop"
        );
        self
    }
}

/// Requests that make the mock answer an error a mode bends.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    NotFound,
    NegativeOffset,
    Fault500,
    LastLocation,
    ReadOnlyPatch,
    NoToken,
    Throttled,
    BadPassword,
    /// A JSON Patch of a company no console has, whose operation is outside the spec's enum.
    BadPatchOp,
    /// A CompanyTenant deleting a company no console has: a role the operation does not admit.
    RoleRefused,
    /// The anonymous password reset, without a token, missing a required property.
    AnonymousBadBody,
}

/// The `missingUid` of the seed.
const MISSING_UID: &str = "5eedffff-0000-4000-8000-000000000000";

/// The OAuth2 description of a wrong password.
const WRONG_PASSWORD: &str =
    "Cannot complete login due to incorrect username or password, or no sufficient rights.";

impl Trigger {
    fn of(violation: Violation) -> Trigger {
        match violation {
            Violation::Status500
            | Violation::Status502
            | Violation::Status503
            | Violation::Status504 => Trigger::Fault500,
            Violation::CustomCode400 | Violation::CodeGeneric => Trigger::LastLocation,
            Violation::ClientCode520
            | Violation::TypeMissing
            | Violation::TypeMisspelt
            | Violation::CodeString
            | Violation::ErrorsEmpty
            | Violation::ErrorsObject
            | Violation::MessageVague
            | Violation::MessageMissing
            | Violation::ContentHtml
            | Violation::ContentText
            | Violation::HtmlPage
            | Violation::NotJson
            | Violation::EmptyBody
            | Violation::EnvelopeAsOAuth2 => Trigger::NotFound,
            Violation::TypeWrong => Trigger::NoToken,
            Violation::BothNames | Violation::WrongName => Trigger::NegativeOffset,
            Violation::RetryAfterMissing => Trigger::Throttled,
            Violation::PatchMissing => Trigger::ReadOnlyPatch,
            Violation::OAuth2AsEnvelope => Trigger::BadPassword,
            Violation::BodiesNotValidated
            | Violation::BodyErrorAsParameter
            | Violation::ParentNamed
            | Violation::Validation422
            | Violation::EnumUnchecked => Trigger::BadPatchOp,
            Violation::RolesUnchecked | Violation::RefusalAs401 => Trigger::RoleRefused,
            Violation::AnonymousNeedsToken => Trigger::AnonymousBadBody,
        }
    }

    /// Sends the trigger's request to a fresh console bent by `violation` (or conforming).
    async fn answer(self, violation: Option<Violation>) -> Answer {
        let mut config = MockConfig {
            violation,
            ..MockConfig::default()
        };
        if let Trigger::Throttled = self {
            config.throttle = config.throttle.with(
                ThrottleGroup::User,
                ThrottleLimit::PerTime {
                    requests: 2,
                    per: Duration::from_secs(60),
                },
            );
        }
        let (mock, client) = start(config);
        let observed = match self {
            Trigger::NotFound => {
                let token = client.login().await;
                let missing = var(&mock, "missingUid");
                assert_eq!(missing, MISSING_UID);
                client
                    .get(&format!("/organizations/companies/{missing}"), &token)
                    .await
            }
            Trigger::NegativeOffset => {
                let token = client.login().await;
                client
                    .get("/organizations/companies?offset=-1", &token)
                    .await
            }
            Trigger::Fault500 => {
                let token = client.login().await;
                client
                    .send(
                        "GET",
                        "/about",
                        Some(&token),
                        &[("X-Mock-Fault", "500")],
                        None,
                    )
                    .await
            }
            Trigger::LastLocation => {
                let token = client.login().await;
                let path = format!("/organizations/locations/{}", var(&mock, "locationUid"));
                client.send("DELETE", &path, Some(&token), &[], None).await
            }
            Trigger::ReadOnlyPatch => {
                let token = client.login().await;
                let path = format!("/organizations/companies/{}", var(&mock, "companyUid"));
                let patch = json!([{"op": "replace", "path": "/instanceUid", "value": "x"}]);
                client.json("PATCH", &path, &token, patch).await
            }
            Trigger::NoToken => client.send("GET", "/about", None, &[], None).await,
            Trigger::Throttled => {
                let token = client.login().await;
                client.get("/about", &token).await;
                client.get("/about", &token).await;
                client.get("/about", &token).await
            }
            Trigger::BadPassword => {
                client
                    .token_request("grant_type=password&username=admin&password=wrong")
                    .await
            }
            Trigger::BadPatchOp => {
                let token = client.login().await;
                let path = format!("/organizations/companies/{}", var(&mock, "missingUid"));
                let patch = json!([{"op": "merge", "path": "/name", "value": "x"}]);
                client.json("PATCH", &path, &token, patch).await
            }
            Trigger::RoleRefused => {
                let user = role_username(Role::CompanyTenant);
                let granted = client.login_as(&user, ROLE_PASSWORD, false).await;
                let token = granted["access_token"].as_str().unwrap_or_default();
                let path = format!("/organizations/companies/{MISSING_UID}?removeAllAgents=false");
                client.send("DELETE", &path, Some(token), &[], None).await
            }
            Trigger::AnonymousBadBody => {
                let body = Some(("application/json", json!({"userName": "x"}).to_string()));
                client
                    .send("POST", "/users/resetpassword", None, &[], body)
                    .await
            }
        };
        Answer::from(observed)
    }

    /// The conforming console's answer, in full. `retry_after` is the one part the clock
    /// decides: the whole seconds left of the throttled trigger's 60-second window.
    fn conforming(self, retry_after: u64) -> Answer {
        match self {
            Trigger::NotFound => Answer::envelope(
                404,
                json!({"message": format!("Company with UID '{MISSING_UID}' does not exist."),
                       "type": "logical", "code": 404}),
            ),
            Trigger::NegativeOffset => Answer::envelope(
                400,
                json!({"message": "Property value must be larger or equal to 0.",
                       "type": "logical", "code": 400, "parameterName": "offset"}),
            ),
            Trigger::Fault500 => Answer::envelope(
                520,
                json!({"message": "Unspecified cause of error.", "type": "unspecified",
                       "code": 500}),
            ),
            Trigger::LastLocation => Answer::envelope(
                520,
                json!({"message": "Location 'Acme Corp' cannot be deleted: a company must have at least one location.",
                       "type": "logical", "code": 1500}),
            ),
            Trigger::ReadOnlyPatch => Answer::envelope(
                520,
                json!({"message": "The property at path 'instanceUid' could not be updated.",
                       "type": "logical", "code": 1001,
                       "failedJsonPatch": {"op": "replace", "path": "/instanceUid", "value": "x"}}),
            ),
            Trigger::NoToken => Answer::envelope(
                401,
                json!({"message": "Authorization has been denied for this request: no bearer token was sent.",
                       "type": "security", "code": 401}),
            ),
            Trigger::Throttled => Answer::envelope(
                429,
                json!({"message": "Number of requests exceeds throttling limitations.",
                       "type": "transport", "code": 429, "retryAfter": retry_after}),
            ),
            Trigger::BadPatchOp => Answer::envelope(
                400,
                json!({"message": "Property value is not one of the allowed values.",
                       "type": "logical", "code": 400, "propertyName": "[0].op"}),
            ),
            Trigger::RoleRefused => Answer::envelope(
                403,
                json!({"message": "Access to the requested resource is forbidden.",
                       "type": "security", "code": 403}),
            ),
            Trigger::AnonymousBadBody => Answer::envelope(
                400,
                json!({"message": "Property 'email' is required.",
                       "type": "logical", "code": 400, "propertyName": "email"}),
            ),
            Trigger::BadPassword => Answer {
                status: 400,
                content_type: JSON.into(),
                body: Body::Json(json!({"error": "invalid_request",
                                        "error_description": WRONG_PASSWORD,
                                        "error_uri": null})),
            },
        }
    }
}

/// What `violation` makes of the conforming answer to its trigger, mode by mode: the one rule
/// it bends, and nothing else.
fn bent(violation: Violation, conforming: &Answer) -> Answer {
    let mut answer = conforming.clone();
    match violation {
        // The 520 of a server-side code travels as another 5xx.
        Violation::Status500 => answer.status = 500,
        Violation::Status502 => answer.status = 502,
        Violation::Status503 => answer.status = 503,
        Violation::Status504 => answer.status = 504,
        // 1500 travels as 400 instead of 520.
        Violation::CustomCode400 => answer.status = 400,
        // 404 travels as 520 instead of 404.
        Violation::ClientCode520 => answer.status = 520,
        Violation::TypeMissing => answer = answer.without("type"),
        Violation::TypeMisspelt => answer = answer.with("type", json!("logic")),
        // A 401 typed `logical` instead of `security`.
        Violation::TypeWrong => answer = answer.with("type", json!("logical")),
        Violation::CodeString => answer = answer.with("code", json!("404")),
        // 1500 reported as code 500.
        Violation::CodeGeneric => answer = answer.with("code", json!(500)),
        Violation::ErrorsEmpty => answer.body = Body::Json(json!({"errors": []})),
        Violation::ErrorsObject => {
            let error = Value::Object(answer.error().clone());
            answer.body = Body::Json(json!({ "errors": error }));
        }
        // `propertyName` beside the `parameterName` there is.
        Violation::BothNames => {
            let error = answer.error();
            assert_eq!(error["parameterName"], "offset");
            assert_eq!(error.insert("propertyName".into(), json!("offset")), None);
        }
        Violation::WrongName => answer = answer.with("parameterName", json!("id")),
        Violation::RetryAfterMissing => answer = answer.without("retryAfter"),
        Violation::PatchMissing => answer = answer.without("failedJsonPatch"),
        Violation::MessageVague => answer = answer.with("message", json!("Not found.")),
        Violation::MessageMissing => answer = answer.without("message"),
        Violation::ContentHtml => answer.content_type = "text/html; charset=utf-8".into(),
        Violation::ContentText => answer.content_type = "text/plain; charset=utf-8".into(),
        Violation::HtmlPage => {
            answer.content_type = "text/html; charset=utf-8".into();
            answer.body = Body::Text(
                "<!DOCTYPE html>\n<html><head><title>Error 404</title></head><body>\
                 <h1>Server Error</h1><p>An error occurred while processing your request.</p>\
                 </body></html>\n"
                    .into(),
            );
        }
        // Labelled JSON still.
        Violation::NotJson => answer.body = Body::Text("Internal error".into()),
        Violation::EmptyBody => answer.body = Body::Text(String::new()),
        Violation::OAuth2AsEnvelope => {
            answer.body = Body::Json(json!({"errors": [{
                "message": WRONG_PASSWORD, "type": "security", "code": 400,
                "propertyName": "grant_type"}]}));
        }
        Violation::EnvelopeAsOAuth2 => {
            answer.body = Body::Json(json!({
                "error": "invalid_request",
                "error_description": format!("Company with UID '{MISSING_UID}' does not exist."),
                "error_uri": null}));
        }
        // The broken patch goes on to the operation, which finds no such company.
        Violation::BodiesNotValidated | Violation::EnumUnchecked => {
            answer = Trigger::NotFound.conforming(60);
        }
        Violation::BodyErrorAsParameter => {
            let error = answer.error();
            let name = error.remove("propertyName").expect("a property named");
            error.insert("parameterName".into(), name);
        }
        // `[0].op` named by the operation it is a member of.
        Violation::ParentNamed => answer = answer.with("propertyName", json!("[0]")),
        Violation::Validation422 => answer.status = 422,
        // The refused role goes on to the operation, which finds no such company.
        Violation::RolesUnchecked => {
            answer = Trigger::NotFound.conforming(60);
        }
        // Refused as if the token were not valid.
        Violation::RefusalAs401 => {
            answer.status = 401;
            answer = answer.with("code", json!(401));
        }
        // The call never reaches validation.
        Violation::AnonymousNeedsToken => answer = Trigger::NoToken.conforming(60),
    }
    answer
}

/// Each mode bends its trigger's answer in exactly its one rule: the same request against the
/// conforming console gets the answer written out in [`Trigger::conforming`], against the bent
/// one that answer changed as [`bent`] says, and in nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_violation_mode_bends_exactly_its_rule() {
    for violation in Violation::ALL {
        let trigger = Trigger::of(violation);
        let conforming = trigger.answer(None).await;
        // 60 whole seconds are left of the window, or 59 if the requests took over a second.
        let retry_after = match (trigger, &conforming.body) {
            (Trigger::Throttled, Body::Json(body)) => {
                body["errors"][0]["retryAfter"].as_u64().unwrap_or(0)
            }
            _ => 60,
        };
        assert!((59..=60).contains(&retry_after), "{conforming:?}");
        assert_eq!(
            conforming,
            trigger.conforming(retry_after),
            "{trigger:?} without a mode"
        );
        let expected = bent(violation, &conforming);
        assert_ne!(expected, conforming, "{violation}: bends nothing");
        let answer = trigger.answer(Some(violation)).await;
        assert_eq!(
            answer,
            expected,
            "{violation} ({}) on {trigger:?}",
            violation.description()
        );
    }
}
