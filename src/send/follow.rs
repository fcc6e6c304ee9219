//! Following an async action: a 202 Accepted names it in `Location`; the action is polled on
//! the target's own origin until it ends, and its result is what the case is checked against.

use super::*;

impl Sender {
    /// A 202 Accepted names an async action in `Location`: poll it (bounded in time, backing off
    /// from 20 ms to 1 s) until it ends, then fetch its result, which is what the case is
    /// checked against. The action must live on the target itself: credentials never follow a
    /// `Location` to another origin.
    pub(super) async fn follow(
        &self,
        connection: &mut Connection,
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
            let parsed = reqwest::Url::parse(&url)
                .map_err(|e| TransportError::Other(format!("{url}: {e}")))?;
            Ok(Prepared {
                method: reqwest::Method::GET,
                target: prepare::request_target(&parsed)?,
                headers: without_body_headers(&prepared.headers),
                credential: prepared.credential.clone(),
                body: None,
            })
        };
        let deadline = Instant::now() + self.async_timeout;
        let mut wait = Duration::from_millis(20);
        let mut polls = 0;
        let status = loop {
            polls += 1;
            let state = self
                .execute_paced(connection, &poll(action_url.clone())?, 200)
                .await?;
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
                connection,
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
}

/// `https://host:1280` of a URL.
pub(super) fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

/// The request's headers for a GET that follows it: credentials and version, no body headers.
pub(super) fn without_body_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    kept.remove(CONTENT_TYPE);
    kept
}
