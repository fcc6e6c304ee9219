//! The mock console over real HTTP, as the harness (or a user with curl) sees it.

mod common;

use common::answer::Observed;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::Duration;
use vspc_conformance::check::Check;
use vspc_conformance::contract::ApiVersion;
use vspc_conformance::contract::{Contract, ErrorType, status_for_code};
use vspc_conformance::mock::{
    ADMIN_PASSWORD, ADMIN_USERNAME, AsyncConfig, MFA_PASSWORD, MFA_USERNAME, MOCK_TOTP_CODE,
    MockConfig, MockConsole, ThrottleConfig, ThrottleGroup, ThrottleLimit, Violation,
};

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(mock: &MockConsole) -> Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().build().unwrap();
        Client {
            http,
            base: format!("{}/api/v3", mock.uri()),
        }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> Observed {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let mut request = self.http.request(method, url);
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some((content_type, body)) = body {
            if !content_type.is_empty() {
                request = request.header("Content-Type", content_type);
            }
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = response.text().await.unwrap();
        Observed {
            status,
            content_type,
            location,
            text,
        }
    }

    async fn get(&self, path: &str, token: &str) -> Observed {
        self.send("GET", path, Some(token), &[], None).await
    }

    async fn json(&self, method: &str, path: &str, token: &str, body: Value) -> Observed {
        self.send(
            method,
            path,
            Some(token),
            &[],
            Some(("application/json", body.to_string())),
        )
        .await
    }

    async fn token_request(&self, form: &str) -> Observed {
        self.send(
            "POST",
            "/token",
            None,
            &[],
            Some(("application/x-www-form-urlencoded", form.into())),
        )
        .await
    }

    async fn login_as(&self, username: &str, password: &str, read_only: bool) -> Value {
        let form = format!(
            "grant_type=password&username={username}&password={password}&readOnly={read_only}"
        );
        let observed = self.token_request(&form).await;
        assert_eq!(observed.status, 200, "{}", observed.text);
        observed.json()
    }

    async fn login(&self) -> String {
        let granted = self.login_as(ADMIN_USERNAME, ADMIN_PASSWORD, false).await;
        granted["access_token"].as_str().unwrap().to_string()
    }
}

fn start(config: MockConfig) -> (MockConsole, Client) {
    let mock = MockConsole::start(config).unwrap();
    let client = Client::new(&mock);
    (mock, client)
}

fn var(mock: &MockConsole, name: &str) -> String {
    mock.variables()[name].clone()
}

/// A status, code and type, as the contract wants them for `code`.
fn assert_error(observed: &Observed, code: u16, kind: ErrorType) {
    assert_eq!(
        observed.status,
        status_for_code(i64::from(code)),
        "{}",
        observed.text
    );
    assert_eq!(observed.content_type, "application/json; charset=utf-8");
    let body = observed.json();
    assert!(
        Contract::get().envelope_violations(&body).is_empty(),
        "{body}"
    );
    assert_eq!(body["errors"][0]["code"], code, "{body}");
    assert_eq!(body["errors"][0]["type"], kind.as_str(), "{body}");
}

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
async fn a_missing_resource_is_404_naming_it() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let missing = var(&mock, "missingUid");
    let company = client
        .get(&format!("/organizations/companies/{missing}"), &token)
        .await;
    assert_error(&company, 404, ErrorType::Logical);
    assert_eq!(
        company.error()["message"],
        format!("Company with UID '{missing}' does not exist.")
    );
    // Kinds the state does not model never exist; the message names them after the parameter.
    let agent = client
        .get(
            &format!("/infrastructure/backupAgents/{}", var(&mock, "companyUid")),
            &token,
        )
        .await;
    assert_error(&agent, 404, ErrorType::Logical);
    assert!(
        agent.error()["message"]
            .as_str()
            .unwrap()
            .starts_with("Backup agent with UID '")
    );
    // Parents first: a missing company under a nested path is the company.
    let nested = client
        .get(&format!("/organizations/companies/{missing}/usage"), &token)
        .await;
    assert!(
        nested.error()["message"]
            .as_str()
            .unwrap()
            .starts_with("Company with UID")
    );
    let action = client
        .get(&format!("/asyncActions/{missing}"), &token)
        .await;
    assert_eq!(
        action.error()["message"],
        format!("Async action with ID '{missing}' does not exist.")
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_are_404_naming_the_path() {
    let (_mock, client) = start(MockConfig::default());
    let token = client.login().await;
    for (method, path) in [
        ("GET", "/no/such/thing"),
        ("PUT", "/organizations/companies"),
    ] {
        let observed = client.send(method, path, Some(&token), &[], None).await;
        assert_error(&observed, 404, ErrorType::Logical);
        assert!(
            observed.error()["message"]
                .as_str()
                .unwrap()
                .contains(&format!("/api/v3{path}"))
        );
    }
    let outside = client
        .send(
            "GET",
            &format!("{}/api/v2/about", client.base.trim_end_matches("/api/v3")),
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_error(&outside, 404, ErrorType::Logical);
}

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
    let body = json!({"name": "Initech"}).to_string();
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
        ("{", "body"),
        ("[]", "body"),
        (r#"{"alias":"x"}"#, "name"),
        (r#"{"name":"  "}"#, "name"),
        (
            r#"{"name":"Hooli","isAlarmDetectEnabled":"yes"}"#,
            "isAlarmDetectEnabled",
        ),
    ] {
        let observed = client
            .send(
                "POST",
                "/organizations/companies",
                Some(&token),
                &[],
                Some(("application/json", sent.into())),
            )
            .await;
        assert_error(&observed, 400, ErrorType::Logical);
        assert_eq!(observed.error()["propertyName"], property, "{sent}");
    }
    let company = format!("/organizations/companies/{}", var(&mock, "companyUid"));
    for (sent, property) in [
        (r#"{"op":"replace"}"#, "body"),
        (r#"[{"op":"frobnicate","path":"/name","value":"x"}]"#, "op"),
        (r#"[{"op":"replace","value":"x"}]"#, "path"),
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

#[tokio::test]
async fn companies_conflict_and_patch_like_the_console() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let duplicate = client
        .json(
            "POST",
            "/organizations/companies",
            &token,
            json!({"name": "acme corp"}),
        )
        .await;
    assert_error(&duplicate, 409, ErrorType::Logical);
    assert!(
        duplicate.error()["message"]
            .as_str()
            .unwrap()
            .contains("Acme Corp")
    );

    let company = format!("/organizations/companies/{}", var(&mock, "companyUid"));
    let operation =
        json!({"op": "replace", "path": "/instanceUid", "value": var(&mock, "missingUid")});
    let read_only = client
        .json("PATCH", &company, &token, json!([operation]))
        .await;
    assert_error(&read_only, 1001, ErrorType::Logical);
    assert_eq!(read_only.status, 520);
    assert_eq!(read_only.error()["failedJsonPatch"], operation);
    assert_eq!(
        read_only.error()["message"],
        "The property at path 'instanceUid' could not be updated."
    );

    let test = json!({"op": "test", "path": "/name", "value": "Globex"});
    let failed_test = client.json("PATCH", &company, &token, json!([test])).await;
    assert_eq!(failed_test.error()["code"], 1001);
    assert_eq!(failed_test.error()["failedJsonPatch"], test);

    let renamed = client
        .json(
            "PATCH",
            &company,
            &token,
            json!([{"op": "replace", "path": "/name", "value": "Acme Industries"}]),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(
        client.get(&company, &token).await.json()["data"]["name"],
        "Acme Industries"
    );
    let clash = client
        .json(
            "PATCH",
            &company,
            &token,
            json!([{"op": "replace", "path": "/name", "value": "GLOBEX"}]),
        )
        .await;
    assert_error(&clash, 409, ErrorType::Logical);

    let created = client
        .json(
            "POST",
            "/organizations/companies",
            &token,
            json!({"name": "Initech"}),
        )
        .await;
    let uid = created.json()["data"]["instanceUid"]
        .as_str()
        .unwrap()
        .to_string();
    let locations = client
        .get(&format!("/organizations/{uid}/locations"), &token)
        .await;
    assert_eq!(
        locations.json()["meta"]["pagingInfo"]["total"],
        1,
        "a new company has its default location"
    );
    let deleted = client
        .send(
            "DELETE",
            &format!("/organizations/companies/{uid}"),
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        client
            .get(&format!("/organizations/companies/{uid}"), &token)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_company_keeps_its_last_location() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let acme = format!("/organizations/locations/{}", var(&mock, "locationUid"));
    let last = client.send("DELETE", &acme, Some(&token), &[], None).await;
    assert_error(&last, 1500, ErrorType::Logical);
    assert_eq!(last.status, 520);
    assert_eq!(
        client.get(&acme, &token).await.status,
        200,
        "the location is still there"
    );

    let second = format!(
        "/organizations/locations/{}",
        var(&mock, "secondLocationUid")
    );
    assert_eq!(
        client
            .send("DELETE", &second, Some(&token), &[], None)
            .await
            .status,
        200
    );
    assert_eq!(client.get(&second, &token).await.status, 404);
    let first = format!(
        "/organizations/locations/{}",
        var(&mock, "secondCompanyDefaultLocationUid")
    );
    assert_eq!(
        client
            .send("DELETE", &first, Some(&token), &[], None)
            .await
            .error()["code"],
        1500
    );
}

#[tokio::test]
async fn async_actions_answer_from_state() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let list = client.get("/asyncActions", &token).await;
    assert_eq!(list.json()["meta"]["pagingInfo"]["total"], 9);

    let succeeded = var(&mock, "asyncActionId");
    assert_eq!(
        client
            .get(&format!("/asyncActions/{succeeded}/result"), &token)
            .await
            .status,
        200
    );

    let failed = var(&mock, "failedAsyncActionId");
    let envelope = client
        .get(&format!("/asyncActions/{failed}"), &token)
        .await
        .json();
    assert_eq!(envelope["data"]["status"], "failed");
    assert_eq!(envelope["errors"][0]["code"], 1051);
    assert_error(
        &client
            .get(&format!("/asyncActions/{failed}/result"), &token)
            .await,
        1051,
        ErrorType::RetryableLogical,
    );

    let running = var(&mock, "runningAsyncActionId");
    let result = format!("/asyncActions/{running}/result");
    assert_error(
        &client.get(&result, &token).await,
        1000,
        ErrorType::RetryableLogical,
    );
    let cancel = client
        .send(
            "DELETE",
            &format!("/asyncActions/{running}"),
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_eq!(cancel.json()["data"]["status"], "canceled");
    assert_error(&client.get(&result, &token).await, 1050, ErrorType::Logical);
    let again = client
        .send(
            "DELETE",
            &format!("/asyncActions/{running}"),
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_error(&again, 1000, ErrorType::RetryableLogical);
}

/// Follows a 202 as a client does: polls the action until it is final, then reads its result.
async fn follow(client: &Client, accepted: &Observed, token: &str) -> (String, Observed) {
    assert_eq!(accepted.status, 202, "{}", accepted.text);
    let location = accepted.location.clone().expect("a Location header");
    let id = accepted.json()["data"]["id"].as_str().unwrap().to_string();
    assert!(
        location.ends_with(&format!("/api/v3/asyncActions/{id}")),
        "{location}"
    );
    for _ in 0..100 {
        let polled = client.get(&location, token).await;
        let status = polled.json()["data"]["status"]
            .as_str()
            .unwrap()
            .to_string();
        if status != "running" {
            let result = client.get(&format!("{location}/result"), token).await;
            return (status, result);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the action at {location} never ended");
}

#[tokio::test]
async fn long_operations_answer_202_and_their_actions_end_as_the_state_says() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let install = |computer: &str| {
        format!(
            "/discovery/computers/{}/installBackupAgent",
            var(&mock, computer)
        )
    };
    let post = |path: String| {
        let (client, token) = (&client, &token);
        async move { client.json("POST", &path, token, json!({})).await }
    };

    let (status, result) = follow(&client, &post(install("computerUid")).await, &token).await;
    assert_eq!(status, "succeed");
    assert_eq!(result.status, 200, "{}", result.text);

    // While it runs, a second deployment to the same computer is refused at once.
    let first = post(install("unreachableComputerUid")).await;
    assert_error(
        &post(install("unreachableComputerUid")).await,
        3001,
        ErrorType::Logical,
    );
    let (status, result) = follow(&client, &first, &token).await;
    assert_eq!(status, "failed");
    assert_error(&result, 3000, ErrorType::Logical);
    let envelope = client.get(first.location.as_deref().unwrap(), &token).await;
    assert_eq!(envelope.json()["errors"][0]["code"], 3000);

    let (status, result) = follow(&client, &post(install("silentComputerUid")).await, &token).await;
    assert_eq!(status, "failed");
    assert_error(&result, 1051, ErrorType::RetryableLogical);

    let update = format!(
        "/infrastructure/backupAgents/windows/{}/update",
        var(&mock, "outdatedBackupAgentUid")
    );
    let running = post(update).await;
    let location = running.location.clone().unwrap();
    let canceled = client
        .send("DELETE", &location, Some(&token), &[], None)
        .await;
    assert_eq!(canceled.json()["data"]["status"], "canceled");
    let (status, result) = follow(&client, &running, &token).await;
    assert_eq!(status, "canceled");
    assert_error(&result, 1050, ErrorType::Logical);
}

#[tokio::test]
async fn the_request_id_names_the_action_and_makes_a_long_request_idempotent() {
    let (mock, client) = start(MockConfig {
        async_actions: AsyncConfig {
            duration: Duration::from_secs(30),
            time_limit: Duration::from_secs(60),
        },
        ..MockConfig::default()
    });
    let token = client.login().await;
    let id = "0f8c3d3a-5a6e-4b7b-9d55-0c1f2e3d4a5b";
    let path = format!(
        "/licensing/backupServers/{}/update",
        var(&mock, "backupServerUid")
    );
    let send = |request_id: &'static str| {
        let (client, token, path) = (&client, &token, &path);
        async move {
            client
                .send(
                    "POST",
                    path,
                    Some(token),
                    &[("X-Request-id", request_id)],
                    None,
                )
                .await
        }
    };
    let first = send(id).await;
    assert_eq!(first.status, 202, "{}", first.text);
    assert_eq!(first.json()["data"]["id"], id);
    assert_eq!(
        first.json()["data"]["actionName"],
        "UpdateVeeamBackupReplicationLicense"
    );
    // The same request again: the same action, not a 1301.
    let again = send(id).await;
    assert_eq!(again.status, 202, "{}", again.text);
    assert_eq!(again.location, first.location);
    // Without the id, the update in progress refuses a second one.
    let other = client.send("POST", &path, Some(&token), &[], None).await;
    assert_error(&other, 1301, ErrorType::RetryableLogical);
    assert_error(&send("not-a-uuid").await, 400, ErrorType::Logical);
    let result = client
        .get(&format!("/asyncActions/{id}/result"), &token)
        .await;
    assert_error(&result, 1000, ErrorType::RetryableLogical);
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
async fn mock_faults_travel_as_520() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let path = format!("/organizations/companies/{}", var(&mock, "companyUid"));
    let unspecified = client
        .send("GET", &path, Some(&token), &[("X-Mock-Fault", "500")], None)
        .await;
    assert_error(&unspecified, 500, ErrorType::Unspecified);
    assert_eq!(
        unspecified.error()["message"],
        "Unspecified cause of error."
    );
    let unreachable = client
        .send("GET", &path, Some(&token), &[("X-Mock-Fault", "504")], None)
        .await;
    assert_error(&unreachable, 504, ErrorType::Transport);
    assert_eq!(
        unreachable.error()["message"],
        "REST API failed to access Veeam Service Provider Console server."
    );
    // Custom codes have realistic triggers; the fault header is only for 500 and 504.
    let custom = client
        .send(
            "GET",
            &path,
            Some(&token),
            &[("X-Mock-Fault", "5003")],
            None,
        )
        .await;
    assert_error(&custom, 400, ErrorType::Logical);
    let bad = client
        .send("GET", &path, Some(&token), &[("X-Mock-Fault", "418")], None)
        .await;
    assert_error(&bad, 400, ErrorType::Logical);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_on_a_heavy_operation_is_throttled() {
    let (_mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let client = std::sync::Arc::new(client);
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let (client, token) = (client.clone(), token.clone());
        burst.spawn(async move { client.get("/organizations/companies/usage", &token).await });
    }
    let mut throttled = 0;
    while let Some(observed) = burst.join_next().await {
        let observed = observed.unwrap();
        if observed.status == 429 {
            assert_error(&observed, 429, ErrorType::Transport);
            assert_eq!(observed.error()["retryAfter"], 1);
            throttled += 1;
        } else {
            assert_eq!(observed.status, 200, "{}", observed.text);
        }
    }
    assert!(
        throttled > 0,
        "100 simultaneous heavy requests were all served"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_at_a_time_over_light_operations_is_never_throttled() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let client = std::sync::Arc::new(client);
    let paths = [
        "/organizations/companies".to_string(),
        format!("/organizations/companies/{}", var(&mock, "companyUid")),
        "/organizations/locations?limit=1".to_string(),
        format!("/organizations/companies/{}", var(&mock, "missingUid")),
    ];
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..32 {
        let (client, token, paths) = (client.clone(), token.clone(), paths.clone());
        workers.spawn(async move {
            let mut statuses = Vec::new();
            for round in 0..8 {
                statuses.push(
                    client
                        .get(&paths[(worker + round) % paths.len()], &token)
                        .await
                        .status,
                );
            }
            statuses
        });
    }
    while let Some(statuses) = workers.join_next().await {
        assert!(!statuses.unwrap().contains(&429));
    }
}

#[tokio::test]
async fn the_rate_window_answers_429_with_the_seconds_left() {
    let throttle = ThrottleConfig::default().with(
        ThrottleGroup::User,
        ThrottleLimit::PerTime {
            requests: 2,
            per: Duration::from_secs(30),
        },
    );
    let (_mock, client) = start(MockConfig {
        throttle,
        ..MockConfig::default()
    });
    let token = client.login().await;
    assert_eq!(client.get("/about", &token).await.status, 200);
    assert_eq!(client.get("/about", &token).await.status, 200);
    let throttled = client.get("/about", &token).await;
    assert_error(&throttled, 429, ErrorType::Transport);
    let retry_after = throttled.error()["retryAfter"].as_u64().unwrap();
    assert!((29..=30).contains(&retry_after), "{retry_after}");
}

/// Every operation of the catalogue answers, with a success or a conforming error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_the_catalogue_answers() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let client = std::sync::Arc::new(client);
    let contract = Contract::get();
    let mut requests = Vec::new();
    for op in contract
        .catalogue(ApiVersion::FALLBACK)
        .all()
        .iter()
        .filter(|op| !op.anonymous)
    {
        let mut path = op.path.clone();
        for parameter in &op.path_parameters {
            let value = match parameter.format.as_str() {
                "uuid" => mock
                    .variables()
                    .get(&parameter.name)
                    .cloned()
                    .unwrap_or_else(|| var(&mock, "companyUid")),
                "integer" => "1".to_string(),
                _ => "name".to_string(),
            };
            path = path.replace(&format!("{{{}}}", parameter.name), &value);
        }
        let body = op.body.as_ref().map(|spec| {
            let text = match spec.kind {
                vspc_conformance::contract::BodyKind::JsonPatch => "[]".to_string(),
                vspc_conformance::contract::BodyKind::Json => json!({"name": "Sweep"}).to_string(),
                _ => "x".to_string(),
            };
            (spec.content_type.clone(), text)
        });
        requests.push((op.method.clone(), path, body));
    }
    let chunks: Vec<Vec<_>> = requests.chunks(60).map(<[_]>::to_vec).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in chunks {
        let (client, token) = (client.clone(), token.clone());
        tasks.spawn(async move {
            let mut seen = Vec::new();
            for (method, path, body) in chunk {
                let body = body.as_ref().map(|(ct, text)| (ct.as_str(), text.clone()));
                let observed = client.send(&method, &path, Some(&token), &[], body).await;
                seen.push((method, path, observed));
            }
            seen
        });
    }
    let mut answered = 0;
    while let Some(seen) = tasks.join_next().await {
        for (method, path, observed) in seen.unwrap() {
            answered += 1;
            if observed.status == 202 {
                assert!(
                    observed.json()["data"]["status"] == "running",
                    "{method} {path}: {}",
                    observed.text
                );
                continue;
            }
            if observed.status == 200 {
                assert!(
                    observed.json().get("data").is_some(),
                    "{method} {path}: {}",
                    observed.text
                );
                continue;
            }
            let body = observed.json();
            assert!(
                contract.envelope_violations(&body).is_empty(),
                "{method} {path}: {body}"
            );
            let code = body["errors"][0]["code"].as_i64().unwrap();
            assert_eq!(
                i64::from(observed.status),
                i64::from(status_for_code(code)),
                "{method} {path}"
            );
            assert!(code != 500 && code != 429, "{method} {path}: {body}");
        }
    }
    assert_eq!(answered, contract.catalogue(ApiVersion::FALLBACK).len() - 1);
}

/// What a request of the violation test expects back.
struct Expect {
    code: u16,
    kind: Option<ErrorType>,
    /// The parameter or property the error must name.
    field: Option<&'static str>,
    /// Text the message must contain.
    message: Option<String>,
    oauth2: bool,
}

/// The checks a response fails, judged the way the harness judges (in small).
fn failed_checks(observed: &Observed, expect: &Expect) -> BTreeSet<Check> {
    let mut failed = BTreeSet::new();
    let want_status = if expect.oauth2 {
        400
    } else {
        status_for_code(i64::from(expect.code))
    };
    if observed.status != want_status {
        failed.insert(Check::Status);
    }
    let body = serde_json::from_str::<Value>(&observed.text).ok();
    let json_label = observed.content_type.starts_with("application/json");
    if expect.oauth2 {
        let ok = body.is_some_and(|b| Contract::get().oauth2_violations(&b).is_empty());
        if !ok || !json_label {
            failed.insert(Check::Envelope);
        }
        return failed;
    }
    let error = body
        .as_ref()
        .and_then(|b| b.get("errors"))
        .and_then(Value::as_array)
        .and_then(|errors| errors.first())
        .and_then(Value::as_object);
    let Some(error) = error.filter(|_| json_label) else {
        failed.insert(Check::Envelope);
        return failed;
    };
    let kind = error
        .get("type")
        .and_then(Value::as_str)
        .and_then(ErrorType::parse);
    if expect.kind.is_some_and(|k| kind != Some(k)) || kind.is_none() {
        failed.insert(Check::Type);
    }
    if error.get("code").and_then(Value::as_u64) != Some(u64::from(expect.code)) {
        failed.insert(Check::Code);
    }
    let info = Contract::get().code(expect.code).unwrap();
    let members_ok = info.members.iter().all(|rule| {
        rule.one_of
            .iter()
            .filter(|m| error.contains_key(m.as_str()))
            .count()
            == 1
    });
    let both = error.contains_key("parameterName") && error.contains_key("propertyName");
    let named = expect.field.is_none_or(|field| {
        [error.get("parameterName"), error.get("propertyName")]
            .into_iter()
            .flatten()
            .any(|n| n == field)
    });
    if !members_ok || both || !named {
        failed.insert(Check::Field);
    }
    let message = error.get("message").and_then(Value::as_str);
    let message_ok = match (&expect.message, message) {
        (_, None) => false,
        (Some(fragment), Some(message)) => message.contains(fragment.as_str()),
        (None, Some(_)) => true,
    };
    if !message_ok {
        failed.insert(Check::Message);
    }
    failed
}

/// Requests that make the mock answer an error a mode bends.
#[derive(Clone, Copy)]
enum Trigger {
    NotFound,
    NegativeOffset,
    Fault500,
    LastLocation,
    ReadOnlyPatch,
    NoToken,
    Throttled,
    BadPassword,
}

fn trigger(violation: Violation) -> Trigger {
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
    }
}

async fn provoke(trigger: Trigger, violation: Option<Violation>) -> (Observed, Expect) {
    let mut config = MockConfig {
        violation,
        ..MockConfig::default()
    };
    if let Trigger::Throttled = trigger {
        config.throttle = config.throttle.with(
            ThrottleGroup::User,
            ThrottleLimit::PerTime {
                requests: 2,
                per: Duration::from_secs(60),
            },
        );
    }
    let (mock, client) = start(config);
    let expect = |code, kind, field, message| Expect {
        code,
        kind: Some(kind),
        field,
        message,
        oauth2: false,
    };
    match trigger {
        Trigger::NotFound => {
            let token = client.login().await;
            let missing = var(&mock, "missingUid");
            let observed = client
                .get(&format!("/organizations/companies/{missing}"), &token)
                .await;
            (
                observed,
                expect(404, ErrorType::Logical, None, Some(missing)),
            )
        }
        Trigger::NegativeOffset => {
            let token = client.login().await;
            let observed = client
                .get("/organizations/companies?offset=-1", &token)
                .await;
            (
                observed,
                expect(400, ErrorType::Logical, Some("offset"), None),
            )
        }
        Trigger::Fault500 => {
            let token = client.login().await;
            let observed = client
                .send(
                    "GET",
                    "/about",
                    Some(&token),
                    &[("X-Mock-Fault", "500")],
                    None,
                )
                .await;
            (observed, expect(500, ErrorType::Unspecified, None, None))
        }
        Trigger::LastLocation => {
            let token = client.login().await;
            let path = format!("/organizations/locations/{}", var(&mock, "locationUid"));
            let observed = client.send("DELETE", &path, Some(&token), &[], None).await;
            (observed, expect(1500, ErrorType::Logical, None, None))
        }
        Trigger::ReadOnlyPatch => {
            let token = client.login().await;
            let path = format!("/organizations/companies/{}", var(&mock, "companyUid"));
            let patch = json!([{"op": "replace", "path": "/instanceUid", "value": "x"}]);
            let observed = client.json("PATCH", &path, &token, patch).await;
            (
                observed,
                expect(1001, ErrorType::Logical, None, Some("instanceUid".into())),
            )
        }
        Trigger::NoToken => {
            let observed = client.send("GET", "/about", None, &[], None).await;
            (observed, expect(401, ErrorType::Security, None, None))
        }
        Trigger::Throttled => {
            let token = client.login().await;
            client.get("/about", &token).await;
            client.get("/about", &token).await;
            let observed = client.get("/about", &token).await;
            (observed, expect(429, ErrorType::Transport, None, None))
        }
        Trigger::BadPassword => {
            let observed = client
                .token_request("grant_type=password&username=admin&password=wrong")
                .await;
            (
                observed,
                Expect {
                    code: 400,
                    kind: None,
                    field: None,
                    message: None,
                    oauth2: true,
                },
            )
        }
    }
}

/// Each mode visibly bends its trigger's response so that exactly its check fails, while the
/// same request against the conforming mock passes every check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_violation_mode_bends_exactly_its_check() {
    for violation in Violation::ALL {
        let trigger = trigger(violation);
        let (conforming, expect) = provoke(trigger, None).await;
        assert_eq!(
            failed_checks(&conforming, &expect),
            BTreeSet::new(),
            "{violation} without the mode: {conforming:?}"
        );
        let (bent, expect) = provoke(trigger, Some(violation)).await;
        assert_eq!(
            failed_checks(&bent, &expect),
            BTreeSet::from([violation.check()]),
            "{violation}: {bent:?}"
        );
    }
}

#[tokio::test]
async fn dropping_the_console_is_quick_even_with_idle_client_connections() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    assert_eq!(client.get("/about", &token).await.status, 200);
    let uri = mock.uri();
    let started = std::time::Instant::now();
    drop(mock);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        client
            .http
            .get(format!("{uri}/api/v3/about"))
            .send()
            .await
            .is_err()
    );
}

#[test]
fn binding_a_taken_address_names_it() {
    let first = MockConsole::start(MockConfig::default()).unwrap();
    let error = MockConsole::bind(first.addr(), MockConfig::default()).unwrap_err();
    assert!(
        matches!(error, vspc_conformance::mock::MockError::Bind { addr, .. } if addr == first.addr())
    );
    assert!(
        error.to_string().contains(&first.addr().to_string()),
        "{error}"
    );
    assert!(first.uri().starts_with("http://127.0.0.1:"));
}
