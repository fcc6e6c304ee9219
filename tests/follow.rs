//! A 202 Accepted is followed to the async action's final error, within bounds, on the target
//! only.

mod common;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use common::server::TestServer;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use vspc_conformance::case::parse_cases;
use vspc_conformance::check::{self, Verdict};
use vspc_conformance::contract::ApiVersion;
use vspc_conformance::contract::Readings;
use vspc_conformance::send::{SendError, SendOptions, Sender, Tokens};
use vspc_conformance::target::Secret;
use vspc_conformance::token::Token;

const CASE: &str = r#"
[[case]]
name = "deployment_fails"
request = { method = "POST", path = "/organizations/companies", json = { name = "x" } }
expect = { code = 3000 }
"#;

fn json(status: StatusCode, body: String) -> impl IntoResponse {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
}

fn server(location: &'static str, polls_needed: u32) -> (TestServer, Arc<AtomicU32>) {
    let polls = Arc::new(AtomicU32::new(0));
    let counter = polls.clone();
    let router = Router::new()
        .route(
            "/api/v3/organizations/companies",
            post(move |headers: HeaderMap| async move {
                assert!(headers.contains_key(header::AUTHORIZATION));
                (StatusCode::ACCEPTED, [(header::LOCATION, location)], "")
            }),
        )
        .route(
            "/api/v3/asyncActions/{id}",
            get(move |headers: HeaderMap| async move {
                assert!(headers.contains_key(header::AUTHORIZATION), "polls carry the credentials");
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let status = if n < polls_needed { "running" } else { "failed" };
                json(StatusCode::OK, format!(r#"{{"data":{{"id":"a1","status":"{status}"}}}}"#))
            }),
        )
        .route(
            "/api/v3/asyncActions/{id}/result",
            get(|| async {
                json(
                    StatusCode::from_u16(520).unwrap(),
                    r#"{"errors":[{"message":"Deployment task failed to execute.","type":"logical","code":3000}]}"#
                        .to_string(),
                )
            }),
        );
    (TestServer::start(router), polls)
}

fn send(uri: &str, timeout_ms: u64) -> Result<vspc_conformance::send::Exchange, SendError> {
    let (cases, problems) = parse_cases(Path::new("x.toml"), CASE, "x", ApiVersion::FALLBACK);
    assert!(problems.is_empty(), "{problems:?}");
    let options = SendOptions {
        async_timeout: std::time::Duration::from_millis(timeout_ms),
        ..SendOptions::default()
    };
    let sender = Sender::new(uri, &options).unwrap();
    let tokens = Tokens {
        default: Some(Token::Static(Secret::new("t"))),
        read_only: None,
        roles: Default::default(),
    };
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(sender.send(
            &mut Default::default(),
            &cases[0],
            &tokens,
            &BTreeMap::new(),
            520,
        ))
        .inspect(|e| {
            let verdicts = check::check(&cases[0].expect, e.into(), Readings::default());
            assert!(
                verdicts.iter().all(|v| v.verdict != Verdict::Fail),
                "{verdicts:#?}"
            );
        })
}

#[test]
fn a_202_is_followed_to_the_actions_final_error() {
    let (server, polls) = server("/api/v3/asyncActions/a1", 3);
    let exchange = send(&server.uri(), 5_000).unwrap();
    assert_eq!(exchange.status, 520);
    let trail = exchange
        .async_action
        .expect("the exchange says it went through an async action");
    assert_eq!(
        (trail.action.as_str(), trail.status.as_str(), trail.polls),
        ("a1", "failed", 3)
    );
    assert_eq!(polls.load(Ordering::SeqCst), 3);
}

#[test]
fn a_location_on_another_origin_is_never_followed_with_credentials() {
    let (server, polls) = server("http://127.0.0.2:9/api/v3/asyncActions/a1", 1);
    let err = send(&server.uri(), 5_000).unwrap_err();
    assert!(err.to_string().contains("outside the target"), "{err}");
    assert_eq!(polls.load(Ordering::SeqCst), 0);
}

#[test]
fn an_action_that_never_ends_is_given_up_within_the_bound() {
    let (server, _) = server("/api/v3/asyncActions/a1", u32::MAX);
    let started = std::time::Instant::now();
    let err = send(&server.uri(), 300).unwrap_err();
    assert!(err.to_string().contains("still running"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}
