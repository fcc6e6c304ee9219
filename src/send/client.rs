//! The HTTP client: one pooled reqwest client per run, redirects never followed, TLS with a
//! private CA or none; sending one prepared request and reading its answer up to the cap; and
//! what a failure below HTTP tells the user, a refused certificate above all.

use super::*;

impl Sender {
    pub fn new(base_url: &str, options: &SendOptions) -> Result<Sender, TransportError> {
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(256)
            .user_agent(USER_AGENT);
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

    /// Sends now. The token is read here, as the request leaves, not when the case started: a
    /// session renewed while the request waited for its pacing slot or a `retryAfter` sends
    /// the new token.
    pub(super) async fn execute_now(
        &self,
        prepared: &Prepared,
    ) -> Result<Exchange, TransportError> {
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

impl Sender {
    /// Maps reqwest's error to what a user can act on, naming the target once.
    pub(super) fn classify(&self, url: &str, error: reqwest::Error) -> TransportError {
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
