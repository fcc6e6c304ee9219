//! What was sent and what came back: the data every step after sending reads (the checks, the
//! runner, the reporters), free of the HTTP client that produced it.

use crate::case::Credentials;
use std::collections::BTreeMap;
use std::time::Duration;

/// The bearer token every `invalid` case sends: well formed, never issued by anyone.
pub const INVALID_TOKEN: &str = "vspc-conformance-invalid-token-0000000000000000";

/// The `User-Agent` every request carries.
pub const USER_AGENT: &str = concat!("vspc-conformance/", env!("CARGO_PKG_VERSION"));

/// The request as sent, without secrets: what reports and snapshots show, and what a command
/// that reproduces it is written from.
#[derive(Debug, Clone, serde::Serialize)]
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
