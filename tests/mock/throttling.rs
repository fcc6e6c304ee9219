//! Throttling: a burst on a heavy operation, light traffic that never is, and a per-time
//! window's `retryAfter`.

use crate::{assert_error, start, var};
use std::time::Duration;
use vspc_conformance::contract::ErrorType;
use vspc_conformance::mock::{MockConfig, ThrottleConfig, ThrottleGroup, ThrottleLimit};

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
