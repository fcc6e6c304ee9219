//! Async actions: the seeded ones, the 202 of long operations and the actions they start, and
//! `x-request-id` idempotency.

use crate::common::answer::Observed;
use crate::{Client, assert_error, start, var};
use serde_json::json;
use std::time::Duration;
use vspc_conformance::contract::ErrorType;
use vspc_conformance::mock::{AsyncConfig, MockConfig};

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
        "UpdateBackupServerLicense"
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
