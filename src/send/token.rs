//! Tokens: a bearer token or API key given as is, or a login session (`POST /api/v3/token`,
//! password grant) that renews itself with the `refresh_token` grant before `expires_in` runs
//! out, so a run longer than the token's life keeps working.

use super::{Sender, TransportError, describe, form_pairs};
use crate::secret::Secret;
use std::sync::Arc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Credentials one kind of case sends.
#[derive(Clone, Debug)]
pub enum Token {
    /// `--token`, `--readonly-token`: sent as given (API keys never expire).
    Static(Secret),
    /// A login that refreshes itself.
    Session(Arc<Session>),
}

#[derive(Debug)]
pub struct Session {
    grant: tokio::sync::Mutex<Grant>,
}

#[derive(Debug)]
struct Grant {
    access: Secret,
    refresh: Option<Secret>,
    expires_at: Instant,
    lifetime: Duration,
}

impl Grant {
    /// Renew when less than a quarter of the lifetime, or a minute, is left.
    fn due(&self) -> bool {
        let margin = (self.lifetime / 4).min(Duration::from_secs(60));
        Instant::now() + margin >= self.expires_at
    }
}

/// Why `POST /token` gave no token.
#[derive(Debug, Error)]
pub enum TokenError {
    #[error("cannot reach {url}: {detail}")]
    Unreachable { url: String, detail: String },
    /// The OAuth2 error the console answered with; never the password.
    #[error("{0}")]
    Refused(String),
}

impl Token {
    /// The token to send now, renewed first when it is about to expire.
    pub async fn current(&self, sender: &Sender) -> Result<Secret, TransportError> {
        let session = match self {
            Token::Static(secret) => return Ok(secret.clone()),
            Token::Session(session) => session,
        };
        // One renewal at a time: refresh tokens are single-use on a console.
        let mut grant = session.grant.lock().await;
        if grant.due()
            && let Some(refresh) = grant.refresh.clone()
        {
            let renewed = request(
                sender,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.expose()),
                ],
            )
            .await
            .map_err(|e| TransportError::Other(format!("renewing the access token failed: {e}")))?;
            *grant = renewed;
        }
        Ok(grant.access.clone())
    }
}

/// Logs in with the password grant (`readOnly=true` for a read-only token).
pub async fn login(
    sender: &Sender,
    username: &str,
    password: &Secret,
    read_only: bool,
) -> Result<Token, TokenError> {
    let mut form = vec![
        ("grant_type", "password"),
        ("username", username),
        ("password", password.expose()),
    ];
    if read_only {
        form.push(("readOnly", "true"));
    }
    let grant = request(sender, &form).await?;
    Ok(Token::Session(Arc::new(Session {
        grant: tokio::sync::Mutex::new(grant),
    })))
}

async fn request(sender: &Sender, form: &[(&str, &str)]) -> Result<Grant, TokenError> {
    let url = sender.base().trim_end_matches("/api/v3").to_string();
    let body = form_pairs(form.iter().copied());
    let unreachable = |e| TokenError::Unreachable {
        url: url.clone(),
        detail: describe(e),
    };
    sender.wait_turn().await;
    let response = sender
        .request(reqwest::Method::POST, &format!("{}/token", sender.base()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(unreachable)?;
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Err(TokenError::Refused(format!(
            "HTTP {status} with a body that is not JSON"
        )));
    };
    let text = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_string);
    match text("access_token").filter(|_| status == 200) {
        Some(access) => {
            let lifetime = Duration::from_secs(
                json.get("expires_in")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(3600),
            );
            Ok(Grant {
                access: Secret::new(access),
                refresh: text("refresh_token").map(Secret::new),
                expires_at: Instant::now() + lifetime,
                lifetime,
            })
        }
        None => {
            let error = text("error").unwrap_or_else(|| "no OAuth2 error".into());
            let description = text("error_description")
                .map(|d| format!(": {d}"))
                .unwrap_or_default();
            Err(TokenError::Refused(format!(
                "HTTP {status}, {error}{description}"
            )))
        }
    }
}
