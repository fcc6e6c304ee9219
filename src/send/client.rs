//! The HTTP clients of a run, both on the run's one TLS configuration: the cases' own
//! connections ([`super::connection`]) and one reqwest client for the requests around them
//! (logins, the probe, discovery, renewals), redirects never followed. Sending one prepared
//! request and reading its answer up to the cap; and what a failure below HTTP tells the user,
//! a refused certificate above all.

use super::*;

const BEARER: &[u8] = b"Bearer ";

impl Sender {
    pub fn new(base_url: &str, options: &SendOptions) -> Result<Sender, TransportError> {
        let plain = !base_url
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("https:");
        let tls = tls::client_config(options.ca_cert.as_deref(), options.insecure, plain)?;
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .tls_backend_preconfigured(rustls::ClientConfig::clone(&tls))
            .build()
            .map_err(|e| TransportError::Other(e.to_string()))?;
        let base = format!(
            "{}/api/v3",
            base_url.trim_end_matches('/').trim_end_matches("/api/v3")
        );
        let base_url = reqwest::Url::parse(&base)
            .map_err(|e| TransportError::Other(format!("the target `{base}`: {e}")))?;
        Ok(Sender {
            client,
            endpoint: Arc::new(Endpoint::new(&base_url, tls)?),
            base_url,
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
                        next: std::sync::Mutex::new(Instant::now()),
                    })
                }),
        })
    }

    /// Sends now, on `connection`. The token is read here, as the request leaves, not when the
    /// case started: a session renewed while the request waited for its pacing slot or a
    /// `retryAfter` sends the new token.
    pub(super) async fn execute_now(
        &self,
        connection: &mut Connection,
        prepared: &Prepared,
    ) -> Result<Exchange, TransportError> {
        let mut request = hyper::Request::new(match &prepared.body {
            Some(body) => RequestBody::from(body.clone()),
            None => RequestBody::default(),
        });
        *request.method_mut() = prepared.method.clone();
        *request.uri_mut() = prepared.target.clone();
        let headers = request.headers_mut();
        *headers = prepared.headers.clone();
        headers.insert(USER_AGENT_HEADER, HeaderValue::from_static(USER_AGENT));
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        if let Some(credential) = &prepared.credential {
            let token = credential.current(self).await?;
            let mut bearer = Vec::with_capacity(BEARER.len() + token.expose().len());
            bearer.extend_from_slice(BEARER);
            bearer.extend_from_slice(token.expose().as_bytes());
            let mut value = HeaderValue::from_maybe_shared(Bytes::from(bearer)).map_err(|_| {
                TransportError::Other("the token cannot be sent in a header".into())
            })?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let started = Instant::now();
        let answered = tokio::time::timeout(self.timeout, async {
            let response = connection.send(&self.endpoint, request).await?;
            self.read(response).await
        })
        .await;
        let (status, content_type, location, body) = match answered {
            Ok(Ok(answer)) => answer,
            failed => {
                // Whatever was left on the connection (a body cut short or unread) is not the
                // next request's answer.
                connection.discard();
                return Err(match failed {
                    Ok(Err(e)) => e,
                    _ => TransportError::Timeout(self.timeout),
                });
            }
        };
        Ok(Exchange {
            // The case's own, filled in once by `Sender::send` (a poll or a copy has none).
            request: SentRequest::default(),
            status,
            content_type,
            location,
            body,
            elapsed: started.elapsed(),
            burst: None,
            throttled_retries: 0,
            async_action: None,
            said: Said::default(),
        })
    }

    /// The answer's status, content type, location and body (up to the cap). A redirect is not
    /// read further: it is never followed.
    async fn read(
        &self,
        response: hyper::Response<hyper::body::Incoming>,
    ) -> Result<(u16, Option<String>, Option<String>, Vec<u8>), TransportError> {
        use http_body_util::BodyExt;
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
        let mut incoming = response.into_body();
        let mut body = Vec::new();
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|e| TransportError::Body(causes(&e)))?;
            if let Ok(chunk) = frame.into_data() {
                if body.len() + chunk.len() > self.body_cap {
                    return Err(TransportError::TooLarge { cap: self.body_cap });
                }
                body.extend_from_slice(&chunk);
            }
        }
        Ok((status, content_type, location, body))
    }
}

/// reqwest's error with its causes, without the URL (the caller names the target once). A
/// certificate the client refused is said in words a user can act on.
pub(crate) fn describe(error: reqwest::Error) -> String {
    if let Some(problem) = certificate_problem(&error) {
        return untrusted_certificate(problem);
    }
    causes(&error.without_url())
}

/// A failed TLS handshake, a refused certificate said in words a user can act on.
pub(super) fn tls_failure(error: &std::io::Error) -> String {
    match certificate_problem(error) {
        Some(problem) => untrusted_certificate(problem),
        None => format!("TLS handshake failed: {}", causes(error)),
    }
}

/// An error and each of its causes that it does not already say, joined by `: `.
pub(super) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut detail = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let cause = inner.to_string();
        if !detail.contains(&cause) {
            detail = format!("{detail}: {cause}");
        }
        source = inner.source();
    }
    detail
}

/// The rustls certificate error among an error's causes. rustls reaches reqwest wrapped in
/// `io::Error`s, whose `source()` skips what they wrap, so each one is opened too.
pub(super) fn certificate_problem<'a>(
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
pub(super) fn untrusted_certificate(problem: &rustls::CertificateError) -> String {
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
