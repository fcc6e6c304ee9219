//! The mock console over real HTTP, as the harness (or a user with curl) sees it: one test
//! target, one module per area of the mock, and the client they share.

#[path = "../common/mod.rs"]
mod common;

mod async_actions;
mod auth;
mod base_requests;
mod catalogue;
mod lifecycle;
mod resources;
mod throttling;
mod validation;
mod violations;

use common::answer::Observed;
use serde_json::Value;
use vspc_conformance::contract::{Contract, ErrorType, status_for_code};
use vspc_conformance::mock::{ADMIN_PASSWORD, ADMIN_USERNAME, MockConfig, MockConsole};

/// A client of one console: requests under its `/api/v3`, answers read as [`Observed`].
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
