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

/// One request over an in-process connection of `mock.pipe()`: status, content type and body.
async fn over_the_pipe(
    mock: &MockConsole,
    request: hyper::Request<http_body_util::Full<hyper::body::Bytes>>,
) -> (u16, Option<String>, Vec<u8>) {
    use http_body_util::BodyExt;
    let dial = mock.pipe().expect("a plain-HTTP console offers a pipe");
    let io = hyper_util::rt::TokioIo::new(dial());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await.unwrap();
    tokio::spawn(connection);
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, body.to_vec())
}

#[tokio::test]
async fn the_pipe_answers_as_the_socket_does() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let requests = [
        ("/about", Some(token.as_str())),
        ("/organizations/companies?offset=-1", Some(token.as_str())),
        ("/organizations/companies", None),
        ("/no/such/route", Some(token.as_str())),
    ];
    for (path, token) in requests {
        let url = format!("{}/api/v3{path}", mock.uri());
        let mut by_socket = client.http.get(&url);
        let mut by_pipe = hyper::Request::get(format!("/api/v3{path}")).header("host", "127.0.0.1");
        if let Some(token) = token {
            by_socket = by_socket.bearer_auth(token);
            by_pipe = by_pipe.header("authorization", format!("Bearer {token}"));
        }
        let socket = by_socket.send().await.unwrap();
        let socket = (
            socket.status().as_u16(),
            socket
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            socket.bytes().await.unwrap().to_vec(),
        );
        let pipe = over_the_pipe(&mock, by_pipe.body(Default::default()).unwrap()).await;
        assert_eq!(pipe, socket, "{path}");
    }
}

#[test]
fn an_https_console_offers_no_pipe() {
    let mock = MockConsole::start(MockConfig {
        tls: true,
        ..MockConfig::default()
    })
    .unwrap();
    assert!(mock.pipe().is_none());
}
