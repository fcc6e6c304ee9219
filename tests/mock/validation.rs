//! Validation of requests: query and path parameters (400 naming the parameter) and bodies
//! (content type 415, shape and properties 400 naming the property).

use crate::{assert_error, start, var};
use serde_json::json;
use vspc_conformance::contract::ErrorType;
use vspc_conformance::mock::MockConfig;

#[tokio::test]
async fn a_negative_offset_is_the_documented_400() {
    let (_mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let observed = client
        .get("/organizations/companies?offset=-1", &token)
        .await;
    assert_eq!(observed.status, 400);
    assert_eq!(
        observed.json(),
        json!({"errors":[{"message":"Property value must be larger or equal to 0.","type":"logical","code":400,"parameterName":"offset"}]})
    );
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("offset=abc", "offset"),
        ("offset=1.5", "offset"),
        ("offset=2147483648", "offset"),
        ("filter=%5B%7B%22property%22%3A%22name%22%7D%5D", "filter"),
        ("sort=name", "sort"),
        ("select=%7B%7D", "select"),
    ] {
        let observed = client
            .get(&format!("/organizations/companies?{query}"), &token)
            .await;
        assert_error(&observed, 400, ErrorType::Logical);
        assert_eq!(observed.error()["parameterName"], parameter, "{query}");
    }
    let bad_uid = client.get("/organizations/companies/abc", &token).await;
    assert_eq!(bad_uid.error()["parameterName"], "companyUid");
    let bad_bool = client.send("POST", "/infrastructure/backupServers/failoverplans/5eedffff-0000-4000-8000-000000000000/start?test=maybe", Some(&token), &[], None).await;
    assert_eq!(bad_bool.error()["parameterName"], "test");
    // Parameters the operation does not declare are ignored.
    assert_eq!(
        client
            .get("/organizations/companies?frobnicate=1", &token)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn bodies_are_checked_for_content_type_shape_and_properties() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let owner = r#""ownerCredentials":{"userName":"initech.owner","password":"Secret-1"}"#;
    let body = format!(r#"{{"organizationInput":{{"name":"Initech"}},{owner}}}"#);
    for content_type in ["text/plain", ""] {
        let observed = client
            .send(
                "POST",
                "/organizations/companies",
                Some(&token),
                &[],
                Some((content_type, body.clone())),
            )
            .await;
        assert_error(&observed, 415, ErrorType::Logical);
    }
    let charset = client
        .send(
            "POST",
            "/organizations/companies",
            Some(&token),
            &[],
            Some(("application/json; charset=utf-8", body)),
        )
        .await;
    assert_eq!(charset.status, 200, "{}", charset.text);
    assert_eq!(charset.json()["data"]["name"], "Initech");

    for (sent, property) in [
        ("{".to_string(), "body"),
        ("[]".to_string(), "body"),
        (
            format!(r#"{{"organizationInput":{{"alias":"x"}},{owner}}}"#),
            "organizationInput.name",
        ),
        (
            format!(r#"{{"organizationInput":{{"name":"Hooli <b>"}},{owner}}}"#),
            "organizationInput.name",
        ),
        (
            r#"{"organizationInput":{"name":"Hooli"}}"#.to_string(),
            "ownerCredentials",
        ),
        (
            format!(
                r#"{{"organizationInput":{{"name":"Hooli"}},"isAlarmDetectEnabled":"yes",{owner}}}"#
            ),
            "isAlarmDetectEnabled",
        ),
    ] {
        let observed = client
            .send(
                "POST",
                "/organizations/companies",
                Some(&token),
                &[],
                Some(("application/json", sent.clone())),
            )
            .await;
        assert_error(&observed, 400, ErrorType::Logical);
        assert_eq!(observed.error()["propertyName"], property, "{sent}");
    }
    let company = format!("/organizations/companies/{}", var(&mock, "companyUid"));
    for (sent, property) in [
        (r#"{"op":"replace"}"#, "body"),
        (
            r#"[{"op":"frobnicate","path":"/name","value":"x"}]"#,
            "[0].op",
        ),
        (r#"[{"op":"replace","value":"x"}]"#, "[0].path"),
    ] {
        let observed = client
            .send(
                "PATCH",
                &company,
                Some(&token),
                &[],
                Some(("application/json-patch+json", sent.into())),
            )
            .await;
        assert_error(&observed, 400, ErrorType::Logical);
        assert_eq!(observed.error()["propertyName"], property, "{sent}");
    }
}
