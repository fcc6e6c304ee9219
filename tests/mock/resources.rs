//! Resources and their errors: missing resources and paths (404), conflicts and JSON Patch
//! (409, 1001), the last location (1500), and the mock-only faults (500, 504).

use crate::{assert_error, start, var};
use serde_json::json;
use vspc_conformance::contract::ErrorType;
use vspc_conformance::mock::MockConfig;

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
async fn companies_conflict_and_patch_like_the_console() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let duplicate = client
        .json(
            "POST",
            "/organizations/companies",
            &token,
            json!({
                "organizationInput": {"name": "acme corp"},
                "ownerCredentials": {"userName": "acme.second", "password": "Secret-1"}
            }),
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
            json!({
                "organizationInput": {"name": "Initech", "alias": "initech"},
                "ownerCredentials": {"userName": "initech.owner", "password": "Secret-1"}
            }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.json()["data"]["name"], "Initech");
    assert_eq!(created.json()["data"]["alias"], "initech");
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
            &format!("/organizations/companies/{uid}?removeAllAgents=false"),
            Some(&token),
            &[],
            None,
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
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
