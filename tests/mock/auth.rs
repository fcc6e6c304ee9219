//! Logging in and the tokens it gives: bearer, read-only, refresh, MFA, expiry, and the
//! OAuth2 errors of `POST /token`; who may call what: a user of every role, admitted by the spec.

use crate::{assert_error, start, var};
use serde_json::{Value, json};
use std::time::Duration;
use vspc_conformance::contract::{ApiVersion, Contract, ErrorType};
use vspc_conformance::mock::{
    ADMIN_PASSWORD, ADMIN_USERNAME, MFA_PASSWORD, MFA_USERNAME, MOCK_TOTP_CODE, MockConfig,
    ROLE_PASSWORD, role_username,
};

#[tokio::test]
async fn login_gives_a_bearer_token_that_opens_the_api() {
    let (mock, client) = start(MockConfig::default());
    let granted = client.login_as(ADMIN_USERNAME, ADMIN_PASSWORD, false).await;
    assert_eq!(granted["token_type"], "bearer");
    assert_eq!(granted["expires_in"], 3600);
    assert_eq!(granted["mfa_token"], Value::Null);
    assert_eq!(granted["encrypted_code"], Value::Null);
    assert!(granted["refresh_token"].is_string());
    let token = granted["access_token"].as_str().unwrap();

    let companies = client
        .get("/organizations/companies?limit=1&offset=1", token)
        .await;
    assert_eq!(companies.status, 200, "{}", companies.text);
    let body = companies.json();
    assert_eq!(
        body["meta"]["pagingInfo"],
        json!({"total": 3, "count": 1, "offset": 1})
    );
    assert_eq!(body["data"][0]["name"], "Globex");

    let acme = client
        .get(
            &format!("/organizations/companies/{}", var(&mock, "companyUid")),
            token,
        )
        .await;
    assert_eq!(acme.json()["data"]["name"], var(&mock, "companyName"));
    let me = client.get("/users/me", token).await;
    assert_eq!(me.json()["data"]["login"], ADMIN_USERNAME);
    let locations = client
        .get(
            &format!(
                "/organizations/{}/locations",
                var(&mock, "secondCompanyUid")
            ),
            token,
        )
        .await;
    assert_eq!(locations.json()["meta"]["pagingInfo"]["total"], 2);

    // A refresh token gives a new pair, once.
    let refresh = granted["refresh_token"].as_str().unwrap();
    let refreshed = client
        .token_request(&format!("grant_type=refresh_token&refresh_token={refresh}"))
        .await;
    assert_eq!(refreshed.status, 200);
    let again = client
        .token_request(&format!("grant_type=refresh_token&refresh_token={refresh}"))
        .await;
    assert_eq!(again.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn requests_without_a_valid_token_are_401_security() {
    let (_mock, client) = start(MockConfig::default());
    let none = client
        .send("GET", "/organizations/companies", None, &[], None)
        .await;
    assert_error(&none, 401, ErrorType::Security);
    let unknown = client.get("/organizations/companies", "not-a-token").await;
    assert_error(&unknown, 401, ErrorType::Security);
    // Authentication comes before routing, as on a real console.
    let unrouted = client.send("GET", "/no/such/thing", None, &[], None).await;
    assert_error(&unrouted, 401, ErrorType::Security);
}

#[tokio::test]
async fn a_read_only_token_may_read_but_not_delete() {
    let (mock, client) = start(MockConfig::default());
    let granted = client.login_as(ADMIN_USERNAME, ADMIN_PASSWORD, true).await;
    let token = granted["access_token"].as_str().unwrap();
    let path = format!(
        "/organizations/locations/{}",
        var(&mock, "secondLocationUid")
    );
    assert_eq!(client.get(&path, token).await.status, 200);
    let delete = client.send("DELETE", &path, Some(token), &[], None).await;
    assert_error(&delete, 403, ErrorType::Security);
    // Refreshing a read-only token keeps it read-only.
    let refresh = granted["refresh_token"].as_str().unwrap();
    let refreshed = client
        .token_request(&format!("grant_type=refresh_token&refresh_token={refresh}"))
        .await;
    let token = refreshed.json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        client
            .send("DELETE", &path, Some(&token), &[], None)
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn a_user_with_mfa_logs_in_with_a_second_factor() {
    let (_mock, client) = start(MockConfig::default());
    let first = client
        .token_request(&format!(
            "grant_type=password&username={MFA_USERNAME}&password={MFA_PASSWORD}"
        ))
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let body = first.json();
    assert!(body["access_token"].is_null());
    let mfa_token = body["mfa_token"].as_str().unwrap().to_string();
    for (code, description) in [
        ("000000", "Specified TOTP code is invalid."),
        ("12ab", "Specified MFA answer is invalid."),
    ] {
        let wrong = client
            .token_request(&format!(
                "grant_type=mfa&mfa_token={mfa_token}&mfa_code={code}"
            ))
            .await;
        assert_eq!(wrong.status, 400);
        assert_eq!(wrong.json()["error"], "invalid_grant");
        assert_eq!(wrong.json()["error_description"], description);
    }
    let right = client
        .token_request(&format!(
            "grant_type=mfa&mfa_token={mfa_token}&mfa_code={MOCK_TOTP_CODE}"
        ))
        .await;
    assert_eq!(right.status, 200, "{}", right.text);
    assert!(right.json()["access_token"].is_string());
    let reused = client
        .token_request(&format!(
            "grant_type=mfa&mfa_token={mfa_token}&mfa_code={MOCK_TOTP_CODE}"
        ))
        .await;
    assert_eq!(reused.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn token_errors_have_the_oauth2_shape() {
    let (_mock, client) = start(MockConfig::default());
    let cases = [
        (
            "username=admin",
            "application/x-www-form-urlencoded",
            "invalid_request",
        ),
        (
            "grant_type=password&username=admin&password=x",
            "application/json",
            "invalid_request",
        ),
        (
            "grant_type=telepathy",
            "application/x-www-form-urlencoded",
            "unsupported_grant_type",
        ),
        (
            "grant_type=refresh_token&refresh_token=nope",
            "application/x-www-form-urlencoded",
            "invalid_grant",
        ),
        (
            "grant_type=password&username=admin&password=wrong",
            "application/x-www-form-urlencoded",
            "invalid_request",
        ),
    ];
    for (form, content_type, error) in cases {
        let observed = client
            .send(
                "POST",
                "/token",
                None,
                &[],
                Some((content_type, form.into())),
            )
            .await;
        assert_eq!(observed.status, 400, "{form}");
        let body = observed.json();
        assert!(
            Contract::get().oauth2_violations(&body).is_empty(),
            "{body}"
        );
        assert_eq!(body["error"], error, "{form}");
        assert_eq!(body["error_uri"], Value::Null);
        assert!(body.get("errors").is_none());
    }
    let wrong = client
        .token_request("grant_type=password&username=admin&password=wrong")
        .await;
    assert_eq!(
        wrong.json()["error_description"],
        "Cannot complete login due to incorrect username or password, or no sufficient rights."
    );
}

#[tokio::test]
async fn tokens_expire_after_their_lifetime() {
    let (_mock, client) = start(MockConfig {
        token_lifetime: Duration::from_secs(1),
        ..MockConfig::default()
    });
    let granted = client.login_as(ADMIN_USERNAME, ADMIN_PASSWORD, false).await;
    assert_eq!(granted["expires_in"], 1);
    let token = granted["access_token"].as_str().unwrap();
    assert_eq!(client.get("/about", token).await.status, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = client.get("/about", token).await;
    assert_error(&expired, 401, ErrorType::Security);
    assert!(
        expired.error()["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
    let refresh = granted["refresh_token"].as_str().unwrap();
    let refreshed = client
        .token_request(&format!("grant_type=refresh_token&refresh_token={refresh}"))
        .await;
    assert_eq!(
        refreshed.status, 200,
        "the refresh token outlives the access token"
    );
}

/// Every role of each version has a user, and each is admitted or refused by the spec alone:
/// 403 `security` where the operation does not admit the role, never where it does.
#[tokio::test]
async fn every_role_logs_in_and_is_admitted_exactly_where_the_spec_says() {
    for version in [ApiVersion::V3_5_1, ApiVersion::FALLBACK] {
        let (mock, client) = start(MockConfig {
            api_version: version,
            ..MockConfig::default()
        });
        let catalogue = Contract::get().catalogue(version);
        // A path with ids that exist nowhere: the role is refused before any lookup.
        let missing = var(&mock, "missingUid");
        let companies = catalogue
            .get("DELETE", "/organizations/companies/{companyUid}")
            .unwrap();
        let path =
            format!("/organizations/companies/{missing}?removeAllAgents=false&removeBackups=false");
        for role in catalogue.roles().iter() {
            let granted = client
                .login_as(&role_username(role), ROLE_PASSWORD, false)
                .await;
            let token = granted["access_token"].as_str().unwrap();
            let answer = client.send("DELETE", &path, Some(token), &[], None).await;
            if companies.admits(role) {
                assert_eq!(answer.status, 404, "{version} {role}: {}", answer.text);
            } else {
                assert_error(&answer, 403, ErrorType::Security);
            }
        }
    }
}

/// A read-only token counts as ReadOnlyUser: let through where the spec admits that role, even
/// to a change, and refused where it does not, even a read.
#[tokio::test]
async fn a_read_only_token_is_admitted_as_read_only_user() {
    let (mock, client) = start(MockConfig::default());
    let granted = client.login_as(ADMIN_USERNAME, ADMIN_PASSWORD, true).await;
    let token = granted["access_token"].as_str().unwrap();
    let missing = var(&mock, "missingUid");
    let change = client
        .json(
            "PUT",
            &format!("/asyncActions/{missing}/requestData"),
            token,
            json!({"requestBody": "{}"}),
        )
        .await;
    assert_eq!(change.status, 404, "{}", change.text);
    let about = client.get("/about", token).await;
    assert_error(&about, 403, ErrorType::Security);
}

/// The operations the spec admits anonymous callers to need no token.
#[tokio::test]
async fn anonymous_operations_need_no_token() {
    let (_mock, client) = start(MockConfig::default());
    let islogged = client
        .send("GET", "/plugins/user/islogged", None, &[], None)
        .await;
    assert_eq!(islogged.status, 200, "{}", islogged.text);
    let reset = client
        .send(
            "POST",
            "/users/resetpassword",
            None,
            &[],
            Some(("application/json", json!({"userName": "x"}).to_string())),
        )
        .await;
    assert_eq!(reset.status, 400, "validated, not refused: {}", reset.text);
}
