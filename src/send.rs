//! Send: a case's request goes to the target and comes back as an [`Exchange`]: the request as
//! sent (secrets left out) and the response as observed (status, content type, the raw body up
//! to a cap).

use crate::case::{Body, Case, Credentials, substitute};
use crate::contract::ApiVersion;
pub use crate::exchange::{AsyncTrail, BurstSummary, Exchange, SentRequest};
use crate::secret::Secret;
pub mod token;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;
use token::Token;

/// The bearer token every `invalid` case sends: well formed, never issued by anyone.
pub const INVALID_TOKEN: &str = "vspc-conformance-invalid-token-0000000000000000";

/// How requests are sent: one pooled client for the whole run.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    /// `https://host:1280/api/v3`, no trailing slash.
    base: String,
    /// `base` parsed once (when it parses), so each request's URL is built without parsing the
    /// scheme and host again.
    base_url: Option<reqwest::Url>,
    body_cap: usize,
    /// Sent as `X-Client-Version`; None before a console's version is known (the requests that
    /// read it go without the header).
    api_version: Option<ApiVersion>,
    timeout: Duration,
    async_timeout: Duration,
    pace: Option<Arc<Pace>>,
}

/// Spaces requests evenly at a fixed rate: each takes the next free slot, one interval after the
/// last. Even spacing keeps any window of a second under the rate, whatever the console's window.
struct Pace {
    interval: Duration,
    next: tokio::sync::Mutex<Instant>,
}

impl Pace {
    async fn wait(&self) {
        let (slot, now) = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = (*next).max(now);
            *next = slot + self.interval;
            (slot, now)
        };
        // A slot that is already due is taken at once: tokio's timer rounds every deadline up
        // to its next millisecond tick, so sleeping until `now` would still wait up to 1 ms.
        if slot > now {
            tokio::time::sleep_until(slot.into()).await;
        }
    }
}

/// The target's credentials, per kind of case.
#[derive(Clone, Default)]
pub struct Tokens {
    pub default: Option<Token>,
    pub read_only: Option<Token>,
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
    pub fn new(base_url: &str, options: &SendOptions) -> Result<Sender, TransportError> {
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(256)
            .user_agent(concat!("vspc-conformance/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &options.ca_cert {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                TransportError::Other(format!("the CA certificate is not PEM: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        if options.insecure {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let client = builder
            .build()
            .map_err(|e| TransportError::Other(e.to_string()))?;
        let base = format!(
            "{}/api/v3",
            base_url.trim_end_matches('/').trim_end_matches("/api/v3")
        );
        Ok(Sender {
            client,
            base_url: reqwest::Url::parse(&base).ok(),
            base,
            body_cap: options.body_cap,
            api_version: options.api_version,
            timeout: options.timeout,
            async_timeout: options.async_timeout,
            pace: options
                .rps
                .filter(|r| *r > 0.0 && r.is_finite())
                .map(|rps| {
                    Arc::new(Pace {
                        interval: Duration::from_secs_f64(1.0 / rps),
                        next: tokio::sync::Mutex::new(Instant::now()),
                    })
                }),
        })
    }

    /// `https://host:1280/api/v3`
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The `X-Client-Version` every request carries, once known.
    pub fn api_version(&self) -> Option<ApiVersion> {
        self.api_version
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

    /// Sends a case once, or as a burst of copies at once. `wanted` picks, out of a burst, the
    /// first copy answered with that status (else the first answered at all).
    pub async fn send(
        &self,
        case: &Case,
        tokens: &Tokens,
        vars: &BTreeMap<String, String>,
        wanted: u16,
    ) -> Result<Exchange, SendError> {
        let credential = credential(case.request.credentials, tokens)?;
        let prepared = self.prepare(case, credential, vars)?;
        let Some(copies) = case.request.burst else {
            let exchange = self
                .execute_paced(&prepared, wanted)
                .await
                .map_err(SendError::Transport)?;
            if exchange.status == 202 && wanted != 202 {
                return self
                    .follow(&prepared, exchange)
                    .await
                    .map_err(SendError::Transport);
            }
            return Ok(exchange);
        };
        // A burst is simultaneous by design: it takes one pacing slot as a whole.
        self.wait_turn().await;
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..copies {
            let sender = self.clone();
            let prepared = prepared.clone();
            set.spawn(async move { sender.execute_now(&prepared).await });
        }
        let mut summary = BurstSummary {
            sent: copies,
            ..BurstSummary::default()
        };
        let mut chosen: Option<Exchange> = None;
        let mut last_error = None;
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok(Ok(exchange)) => {
                    *summary.statuses.entry(exchange.status).or_default() += 1;
                    let better = match &chosen {
                        None => true,
                        Some(c) => c.status != wanted && exchange.status == wanted,
                    };
                    if better {
                        chosen = Some(exchange);
                    }
                }
                Ok(Err(e)) => {
                    summary.transport_errors += 1;
                    last_error = Some(e);
                }
                Err(e) => {
                    summary.transport_errors += 1;
                    last_error = Some(TransportError::Other(e.to_string()));
                }
            }
        }
        match chosen {
            Some(mut exchange) => {
                exchange.burst = Some(Box::new(summary));
                Ok(exchange)
            }
            None => Err(SendError::Transport(
                last_error.unwrap_or(TransportError::Other("burst sent nothing".into())),
            )),
        }
    }

    fn prepare(
        &self,
        case: &Case,
        credential: Option<Token>,
        vars: &BTreeMap<String, String>,
    ) -> Result<Prepared, SendError> {
        let r = &case.request;
        let resolve = |text: &str| substitute(text, vars).map_err(SendError::Unresolved);
        let path = resolve(&r.path)?;
        let query = r
            .query
            .iter()
            .map(|(k, v)| Ok((k.clone(), resolve(v)?)))
            .collect::<Result<Vec<_>, SendError>>()?;
        let mut headers = HeaderMap::new();
        if let Some(version) = self.api_version {
            headers.insert(
                "x-client-version",
                HeaderValue::from_static(version.as_str()),
            );
        }
        for (name, value) in &r.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                SendError::Transport(TransportError::Other(format!("header {name}: {e}")))
            })?;
            headers.insert(name, header_value(&resolve(value)?)?);
        }
        let body: Option<Vec<u8>> = match &r.body {
            Body::Empty => None,
            Body::Json(value) => Some(resolve(&value.to_string())?.into_bytes()),
            Body::Raw(text) => Some(resolve(text)?.into_bytes()),
            Body::Form(pairs) => {
                let resolved = pairs
                    .iter()
                    .map(|(k, v)| Ok((k, resolve(v)?)))
                    .collect::<Result<Vec<_>, SendError>>()?;
                Some(form_pairs(resolved).into_bytes())
            }
        };
        let content_type = r
            .content_type
            .clone()
            .or_else(|| r.body.default_content_type().map(str::to_string));
        if let Some(ct) = &content_type {
            headers.insert(CONTENT_TYPE, header_value(ct)?);
        }
        let method = reqwest::Method::from_bytes(r.method.as_bytes())
            .map_err(|e| SendError::Transport(TransportError::Other(e.to_string())))?;
        let encoded = form_pairs(query.iter().map(|(k, v)| (k, v)));
        Ok(Prepared {
            method,
            url: self
                .url(&path, &encoded)
                .map_err(|e| SendError::Transport(TransportError::Other(e)))?,
            headers,
            credential,
            body,
            sent: SentRequest {
                method: r.method.clone(),
                path,
                query,
                credentials: r.credentials,
                content_type,
            },
        })
    }

    /// The URL of a path under `/api/v3` with an encoded query: the parsed base with the path
    /// and query set, which skips parsing the scheme and host (the costliest part of parsing a
    /// URL, done for every request otherwise); the whole text is parsed when the base did not
    /// parse or the path carries its own `?` or `#`.
    fn url(&self, path: &str, query: &str) -> Result<reqwest::Url, String> {
        match &self.base_url {
            Some(base) if !path.contains(['?', '#']) => {
                let mut url = base.clone();
                url.set_path(&format!("{}{path}", base.path()));
                if !query.is_empty() {
                    url.set_query(Some(query));
                }
                Ok(url)
            }
            _ => {
                let mut text = format!("{}{path}", self.base);
                if !query.is_empty() {
                    text.push('?');
                    text.push_str(query);
                }
                reqwest::Url::parse(&text).map_err(|e| format!("{text}: {e}"))
            }
        }
    }

    /// Sends once; a 429 the case did not expect is the target pacing us, not an answer: wait
    /// the `retryAfter` it gives (bounded) and send again, a bounded number of times.
    async fn execute_paced(
        &self,
        prepared: &Prepared,
        wanted: u16,
    ) -> Result<Exchange, TransportError> {
        let mut retries = 0;
        loop {
            let mut exchange = self.execute(prepared).await?;
            if exchange.status != 429 || wanted == 429 || retries == MAX_THROTTLED_RETRIES {
                exchange.throttled_retries = retries;
                return Ok(exchange);
            }
            retries += 1;
            tokio::time::sleep(retry_after(&exchange.body)).await;
        }
    }

    /// A 202 Accepted names an async action in `Location`: poll it (bounded in time, backing off
    /// from 20 ms to 1 s) until it ends, then fetch its result, which is what the case is
    /// checked against. The action must live on the target itself: credentials never follow a
    /// `Location` to another origin.
    async fn follow(
        &self,
        prepared: &Prepared,
        accepted: Exchange,
    ) -> Result<Exchange, TransportError> {
        let Some(location) = accepted.location.clone() else {
            return Err(TransportError::Other(
                "202 Accepted without a Location header naming the async action".into(),
            ));
        };
        let action_url = if location.starts_with('/') {
            format!("{}{}", origin(&self.base), location)
        } else {
            location.clone()
        };
        if origin(&action_url) != origin(&self.base) {
            return Err(TransportError::Other(format!(
                "202 Accepted points at {location}, outside the target; not followed with credentials"
            )));
        }
        let action = action_url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let poll = |url: String| -> Result<Prepared, TransportError> {
            Ok(Prepared {
                method: reqwest::Method::GET,
                url: reqwest::Url::parse(&url)
                    .map_err(|e| TransportError::Other(format!("{url}: {e}")))?,
                headers: without_body_headers(&prepared.headers),
                credential: prepared.credential.clone(),
                body: None,
                sent: prepared.sent.clone(),
            })
        };
        let deadline = Instant::now() + self.async_timeout;
        let mut wait = Duration::from_millis(20);
        let mut polls = 0;
        let status = loop {
            polls += 1;
            let state = self.execute_paced(&poll(action_url.clone())?, 200).await?;
            let status = serde_json::from_slice::<serde_json::Value>(&state.body)
                .ok()
                .and_then(|b| b.get("data")?.get("status")?.as_str().map(str::to_string));
            match status.as_deref() {
                Some("running") | None if state.status == 200 => {}
                Some(done) if state.status == 200 => break done.to_string(),
                _ => {
                    // The action itself could not be read: that answer is the outcome.
                    return Ok(Exchange {
                        async_action: Some(Box::new(AsyncTrail {
                            action,
                            status: "unknown".into(),
                            polls,
                        })),
                        ..state
                    });
                }
            }
            if Instant::now() + wait > deadline {
                return Err(TransportError::StillRunning {
                    action,
                    waited: self.async_timeout,
                });
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(1));
        };
        let result = self
            .execute_paced(
                &poll(format!("{}/result", action_url.trim_end_matches('/')))?,
                0,
            )
            .await?;
        Ok(Exchange {
            request: accepted.request,
            elapsed: accepted.elapsed + result.elapsed,
            async_action: Some(Box::new(AsyncTrail {
                action,
                status,
                polls,
            })),
            ..result
        })
    }

    /// Waits for the next pacing slot (at once without `--rps`). Every request to the target
    /// takes one: cases, polls, retries, logins, renewals and discovery.
    pub async fn wait_turn(&self) {
        if let Some(pace) = &self.pace {
            pace.wait().await;
        }
    }

    /// Sends once, in the next pacing slot.
    async fn execute(&self, prepared: &Prepared) -> Result<Exchange, TransportError> {
        self.wait_turn().await;
        self.execute_now(prepared).await
    }

    /// Sends now. The token is read here, as the request leaves, not when the case started: a
    /// session renewed while the request waited for its pacing slot or a `retryAfter` sends
    /// the new token.
    async fn execute_now(&self, prepared: &Prepared) -> Result<Exchange, TransportError> {
        let mut headers = prepared.headers.clone();
        if let Some(credential) = &prepared.credential {
            let token = credential.current(self).await?;
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                    TransportError::Other("the token cannot be sent in a header".into())
                })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let started = Instant::now();
        let mut request = self
            .client
            .request(prepared.method.clone(), prepared.url.clone())
            .headers(headers);
        if let Some(body) = &prepared.body {
            request = request.body(body.clone());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| self.classify(prepared.url.as_str(), e))?;
        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let location = header(LOCATION);
        if (300..400).contains(&status) {
            return Err(TransportError::Redirect {
                status,
                location: location.unwrap_or_else(|| "(no Location header)".into()),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.classify(prepared.url.as_str(), e))?
        {
            if body.len() + chunk.len() > self.body_cap {
                return Err(TransportError::TooLarge { cap: self.body_cap });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Exchange {
            request: prepared.sent.clone(),
            status,
            content_type,
            location,
            body,
            elapsed: started.elapsed(),
            burst: None,
            throttled_retries: 0,
            async_action: None,
        })
    }
}

/// `https://host:1280` of a URL.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

/// The request's headers for a GET that follows it: credentials and version, no body headers.
fn without_body_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    kept.remove(CONTENT_TYPE);
    kept
}

const MAX_THROTTLED_RETRIES: u32 = 3;
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);

/// How long a 429 asks us to wait: its `retryAfter` in seconds, at least 1 s, at most 10 s.
fn retry_after(body: &[u8]) -> Duration {
    let seconds = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|b| b.get("errors")?.get(0)?.get("retryAfter")?.as_u64())
        .unwrap_or(1)
        .max(1);
    Duration::from_secs(seconds).min(MAX_RETRY_WAIT)
}

#[derive(Clone)]
struct Prepared {
    method: reqwest::Method,
    url: reqwest::Url,
    /// Every header but `Authorization`, which [`Sender::execute_now`] adds from `credential`.
    headers: HeaderMap,
    credential: Option<Token>,
    body: Option<Vec<u8>>,
    sent: SentRequest,
}

/// Where the bearer token a kind of credentials sends comes from.
fn credential(credentials: Credentials, tokens: &Tokens) -> Result<Option<Token>, SendError> {
    match credentials {
        Credentials::Default => tokens
            .default
            .clone()
            .map(Some)
            .ok_or(SendError::NoCredentials("default")),
        Credentials::ReadOnly => tokens
            .read_only
            .clone()
            .map(Some)
            .ok_or(SendError::NoCredentials("read-only")),
        Credentials::Invalid => Ok(Some(Token::Static(Secret::new(INVALID_TOKEN)))),
        Credentials::None => Ok(None),
    }
}

fn header_value(text: &str) -> Result<HeaderValue, SendError> {
    HeaderValue::from_str(text).map_err(|_| {
        SendError::Transport(TransportError::Other(format!(
            "`{}` cannot be sent in a header",
            text.chars().take(40).collect::<String>()
        )))
    })
}

/// `a=1&b=x+y`: pairs as a query string or an `application/x-www-form-urlencoded` body.
pub fn form_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> String {
    let mut encoded = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        if i > 0 {
            encoded.push('&');
        }
        encoded.push_str(&form_encode(k.as_ref()));
        encoded.push('=');
        encoded.push_str(&form_encode(v.as_ref()));
    }
    encoded
}

pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

impl Sender {
    /// Maps reqwest's error to what a user can act on, naming the target once.
    fn classify(&self, url: &str, error: reqwest::Error) -> TransportError {
        if error.is_timeout() {
            return TransportError::Timeout(self.timeout);
        }
        let (connect, body) = (error.is_connect(), error.is_body() || error.is_decode());
        let detail = describe(error);
        if connect {
            let origin = url.split("/api/v3").next().unwrap_or(url).to_string();
            TransportError::Connect {
                url: origin,
                detail,
            }
        } else if body {
            TransportError::Body(detail)
        } else {
            TransportError::Other(detail)
        }
    }
}

/// reqwest's error with its causes, without the URL (the caller names the target once). A
/// certificate the client refused is said in words a user can act on.
pub(crate) fn describe(error: reqwest::Error) -> String {
    if let Some(problem) = certificate_problem(&error) {
        return untrusted_certificate(problem);
    }
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&error);
    while let Some(inner) = source {
        causes.push(inner.to_string());
        source = inner.source();
    }
    let mut detail = error.without_url().to_string();
    for cause in causes {
        if !detail.contains(&cause) {
            detail = format!("{detail}: {cause}");
        }
    }
    detail
}

/// The rustls certificate error among an error's causes. rustls reaches reqwest wrapped in
/// `io::Error`s, whose `source()` skips what they wrap, so each one is opened too.
fn certificate_problem<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::CertificateError> {
    let mut pending = vec![error];
    while let Some(error) = pending.pop() {
        if let Some(rustls::Error::InvalidCertificate(problem)) = error.downcast_ref() {
            return Some(problem);
        }
        if let Some(inner) = error
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            pending.push(inner);
        }
        pending.extend(error.source());
    }
    None
}

/// One line: that the certificate is not trusted, why, and what to do about it.
fn untrusted_certificate(problem: &rustls::CertificateError) -> String {
    use rustls::CertificateError as E;
    let why = match problem {
        E::UnknownIssuer => {
            "it is not signed by a CA this machine trusts (a self-signed or private-CA certificate)"
        }
        E::NotValidForName | E::NotValidForNameContext { .. } => {
            "it is not issued for this host name or address"
        }
        E::Expired | E::ExpiredContext { .. } => "it has expired",
        E::NotValidYet | E::NotValidYetContext { .. } => "it is not valid yet",
        E::BadSignature => "its signature does not verify",
        _ => "it failed verification",
    };
    format!(
        "the console's TLS certificate is not trusted: {why} ({problem:?}); give the CA that signed it with --ca-cert PEM, or --insecure for a console you control"
    )
}

/// rustls needs a process-wide crypto provider; ring keeps aws-lc (a C build) out of the tree.
pub fn install_crypto_provider() {
    // An Err means a provider is installed already, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_url_encoded() {
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }
}
