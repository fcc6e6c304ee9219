//! What was sent and what came back: the data every step after sending reads (the checks, the
//! runner, the reporters), free of the HTTP client that produced it.

use crate::case::Credentials;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// The bearer token every `invalid` case sends: well formed, never issued by anyone.
pub const INVALID_TOKEN: &str = "vspc-conformance-invalid-token-0000000000000000";

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("vspc-conformance/", env!("CARGO_PKG_VERSION"));

/// The request as sent, without secrets: what reports and snapshots show, and what a command
/// that reproduces it is written from.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SentRequest {
    pub method: String,
    /// The resolved path under `/api/v3`.
    pub path: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<(String, String)>,
    pub credentials: Credentials,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The whole URL as sent, the query encoded.
    #[serde(skip)]
    pub url: String,
    /// Every header sent, in order, but `Authorization` (the credential is
    /// [`SentRequest::credentials`]) and `User-Agent` ([`USER_AGENT`]).
    #[serde(skip)]
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    #[serde(skip)]
    pub body: Option<String>,
}

impl SentRequest {
    /// Lets go of what only a reproducing command needs (the URL, headers and body as sent): a
    /// conforming case needs none, and a run holds every case until it ends.
    pub fn forget_wire(&mut self) {
        self.url = String::new();
        self.headers = Vec::new();
        self.body = None;
    }
}

/// One request and its response.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: SentRequest,
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: Vec<u8>,
    pub elapsed: Duration,
    /// Boxed, like `async_action`: rare, and a run holds every exchange until it ends.
    pub burst: Option<Box<BurstSummary>>,
    /// 429s the case did not ask for, waited out (after `retryAfter`) and sent again.
    pub throttled_retries: u32,
    /// Set when the target answered 202 Accepted and the outcome came from the async action.
    pub async_action: Option<Box<AsyncTrail>>,
    /// What the body says of itself, as the checks read it; empty until they have.
    pub said: Said,
}

/// What an answer's body says of itself: the first error's `code` and `type` (the VSPC
/// envelope), or the OAuth2 `error`. Read once, when the answer is checked; the runner judges by
/// it, the coverage counts the code it provoked, the baseline fingerprints it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Said {
    /// `errors[0]`, when the body has one: its `code` and `type` members as written.
    pub first_error: Option<(Option<Value>, Option<Value>)>,
    /// The body's `error` member (`POST /token`).
    pub oauth2_error: Option<Value>,
}

impl Said {
    pub fn of(body: Option<&Value>) -> Said {
        let Some(body) = body else {
            return Said::default();
        };
        Said {
            first_error: body
                .get("errors")
                .and_then(|e| e.get(0))
                .map(|e| (e.get("code").cloned(), e.get("type").cloned())),
            oauth2_error: body.get("error").cloned(),
        }
    }

    /// The first error's code, when it is an integer.
    pub fn code(&self) -> Option<i64> {
        self.first_error.as_ref()?.0.as_ref()?.as_i64()
    }

    /// The code the answer provoked, as coverage lists it: the first error's code, else the
    /// OAuth2 error.
    pub fn provoked(&self) -> Option<String> {
        if let Some((Some(code), _)) = &self.first_error {
            return Some(match code {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        self.oauth2_error
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_string)
    }
}

/// How a 202 was followed: the action polled until it ended, then its result fetched.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AsyncTrail {
    /// The action's id, from the `Location` header.
    pub action: String,
    /// The action's final status: `succeed`, `failed` or `canceled`.
    pub status: String,
    /// How many times the action was polled.
    pub polls: u32,
}

/// What a burst saw across its copies.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct BurstSummary {
    pub sent: u32,
    /// Responses per HTTP status.
    pub statuses: BTreeMap<u16, u32>,
    /// Copies that failed in transport.
    pub transport_errors: u32,
}

/// `?k=v&k2=v2` as written, not encoded (for people to read), or nothing without pairs.
pub fn query_text<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> String {
    let mut text = String::new();
    for (k, v) in pairs {
        text.push(if text.is_empty() { '?' } else { '&' });
        text.push_str(k.as_ref());
        text.push('=');
        text.push_str(v.as_ref());
    }
    text
}
