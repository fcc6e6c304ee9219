//! Send: a case's request goes to the target and comes back as an [`Exchange`]: the request as
//! sent (secrets left out) and the response as observed (status, content type, the raw body up
//! to a cap).
//!
//! ```text
//!   Case ──prepare──▶ Prepared ──pacing (slot, 429 retry)──▶ client ──▶ Exchange
//!                         └──burst: copies at once, one slot──┘    └─follow: 202 → the action's result
//! ```
//! A case goes out on the [`Connection`] of the runner worker that sends it.
//! [`token`]: given tokens, or login sessions that renew themselves through this sender.

use crate::case::{Body, Case, Credentials, substitute, substitute_owned};
use crate::contract::ApiVersion;
pub use crate::exchange::{
    AsyncTrail, BurstSummary, Exchange, INVALID_TOKEN, Said, SentRequest, USER_AGENT,
};
use crate::secret::Secret;
mod burst;
mod client;
mod connection;
mod follow;
mod pacing;
mod prepare;
mod tls;
pub mod token;

use client::causes;
pub(crate) use client::describe;
pub use client::install_crypto_provider;
pub use connection::{Connection, Dial};
use connection::{Endpoint, RequestBody};
use pacing::Pace;
use prepare::{Prepared, credential};
pub use prepare::{form_encode, form_pairs};

use hyper::body::Bytes;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION,
    USER_AGENT as USER_AGENT_HEADER,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use token::Token;

/// How requests are sent: the cases on the workers' own connections to one endpoint, the
/// requests around them on one pooled client.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    endpoint: Arc<Endpoint>,
    /// `https://host:1280/api/v3`, no trailing slash.
    base: String,
    /// `base` parsed once, so each request's URL is built without parsing the scheme and host
    /// again.
    base_url: reqwest::Url,
    body_cap: usize,
    /// Sent as `X-Client-Version`; None before a console's version is known (the requests that
    /// read it go without the header).
    api_version: Option<ApiVersion>,
    timeout: Duration,
    async_timeout: Duration,
    pace: Option<Arc<Pace>>,
}

/// The target's credentials, per kind of case.
#[derive(Clone, Default)]
pub struct Tokens {
    pub default: Option<Token>,
    pub read_only: Option<Token>,
    /// A token per role given.
    pub roles: std::collections::BTreeMap<crate::contract::Role, Token>,
}

#[derive(Debug, Clone)]
pub struct SendOptions {
    pub timeout: Duration,
    pub body_cap: usize,
    /// The version spoken; None: read it from the console (`GET /about`) before the run.
    pub api_version: Option<ApiVersion>,
    /// Extra root certificate (PEM) for a private CA.
    pub ca_cert: Option<Vec<u8>>,
    pub insecure: bool,
    /// How long to follow an async action (202 Accepted) before giving up.
    pub async_timeout: Duration,
    /// Requests per second at most, across the run (every request: cases, polls, retries).
    pub rps: Option<f64>,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            timeout: Duration::from_secs(10),
            body_cap: 1 << 20,
            api_version: None,
            ca_cert: None,
            insecure: false,
            async_timeout: Duration::from_secs(30),
            rps: None,
        }
    }
}

#[derive(Debug, Error)]
pub enum SendError {
    /// A `{variable}` of the case has no value on this target: the case is skipped, not failed.
    #[error("variable `{0}` has no value on this target (give it with --var {0}=VALUE)")]
    Unresolved(String),
    #[error("no {0} credentials on this target")]
    NoCredentials(&'static str),
    #[error("{0}")]
    Transport(TransportError),
}

/// A failure below HTTP: the case could not be evaluated.
#[derive(Debug, Clone, Error)]
pub enum TransportError {
    #[error("connection to {url} failed: {detail}")]
    Connect { url: String, detail: String },
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// Not a failure of the target: the action had not ended when the wait did. The runner
    /// reports the case inconclusive.
    #[error("async action {action} still running after {waited:?}")]
    StillRunning { action: String, waited: Duration },
    #[error("the answer broke off: {0}")]
    Body(String),
    #[error("the answer is larger than the {} KiB cap; not evaluated", cap / 1024)]
    TooLarge { cap: usize },
    #[error(
        "redirected ({status}) to {location}; redirects are never followed, so credentials stay with the target"
    )]
    Redirect { status: u16, location: String },
    #[error("{0}")]
    Other(String),
}

impl Sender {
    /// `https://host:1280/api/v3`
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The `X-Client-Version` every request carries, once known.
    pub fn api_version(&self) -> Option<ApiVersion> {
        self.api_version
    }

    /// Send the cases on connections `dial` opens instead of sockets: the target's in-process
    /// pipe. The requests around the cases still go by the pooled client.
    pub fn dial_cases_with(&mut self, dial: Dial) {
        self.endpoint = Arc::new(self.endpoint.dialing(dial));
    }

    /// Speak `version` from now on.
    pub fn set_api_version(&mut self, version: ApiVersion) {
        self.api_version = Some(version);
    }

    /// A request outside the cases (a login, a probe, discovery) to `url`, with the version
    /// header when the version is known.
    pub fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let builder = self.client.request(method, url);
        match self.api_version {
            Some(version) => builder.header("x-client-version", version.as_str()),
            None => builder,
        }
    }

    /// Sends a case once on `connection`, or as a burst of copies at once, each on its own.
    /// `wanted` picks, out of a burst, the first copy answered with that status (else the first
    /// answered at all).
    pub async fn send(
        &self,
        connection: &mut Connection,
        case: &Case,
        tokens: &Tokens,
        vars: &BTreeMap<String, String>,
        wanted: u16,
    ) -> Result<Exchange, SendError> {
        let credential = credential(case.request.credentials, tokens)?;
        let (prepared, sent) = self.prepare(case, credential, vars)?;
        let mut exchange = match case.request.burst {
            Some(copies) => self.burst(&prepared, copies, wanted).await?,
            None => {
                let exchange = self
                    .execute_paced(connection, &prepared, wanted)
                    .await
                    .map_err(SendError::Transport)?;
                if exchange.status == 202 && wanted != 202 {
                    self.follow(connection, &prepared, exchange)
                        .await
                        .map_err(SendError::Transport)?
                } else {
                    exchange
                }
            }
        };
        exchange.request = sent;
        Ok(exchange)
    }
}
