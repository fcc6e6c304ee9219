//! Starting and stopping the console: a quick drop, and a bind error naming the address.

use crate::start;
use std::time::Duration;
use vspc_conformance::mock::{MockConfig, MockConsole};

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
