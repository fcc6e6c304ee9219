//! `POST /token`, OAuth 2.0: the grants the mock supports (`password`, `refresh_token`, `as`,
//! `mfa`); `authorization_code` and `public_key` are known but none of their credentials is
//! ever valid here. Every error has the OAuth2 shape with 400, never the VSPC envelope.
//!
//! Multi-factor authentication: a `password` login of a user with a TOTP identity answers only
//! an `mfa_token`; the `mfa` grant then takes it with `mfa_code`. The OAuth2 shape has no
//! member for a VSPC code, so a wrong second factor is an `invalid_grant` whose
//! `error_description` is the catalogue's text of the code the console means: 1208 ("Specified
//! MFA answer is invalid.") for an answer that is not a six-digit code, 1207 ("Specified TOTP
//! code is invalid.") for a code that does not verify. The same two codes reach a client in
//! the VSPC envelope where MFA is set up (`POST /users/{userUid}/logins/totp`, `identity.rs`).

use super::identity::{self, CodeCheck};
use crate::mock::auth::Principal;
use crate::mock::error::{ApiError, Reply};
use crate::mock::state;
use crate::mock::validate::{Body, Valid};
use crate::mock::{Choice, Console};
use serde_json::{Value, json};

pub(super) fn token(console: &Console, request: &Valid) -> Result<Reply, ApiError> {
    let Body::Form(form) = &request.body else {
        return Err(ApiError::oauth2(
            "invalid_request",
            "The request body must be a form.",
        ));
    };
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let read_only = match field("readOnly") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(_) => {
            return Err(ApiError::oauth2(
                "invalid_request",
                "The readOnly parameter must be true or false.",
            ));
        }
    };
    let require = |name: &str| {
        field(name).ok_or_else(|| {
            ApiError::oauth2(
                "invalid_request",
                format!("The {name} parameter is required."),
            )
        })
    };
    let principal = match require("grant_type")? {
        "password" => {
            const WRONG: &str = "Cannot complete login due to incorrect username or password, or no sufficient rights.";
            let (username, password) = (require("username")?, require("password")?);
            let state = console.state();
            let user = state
                .user_by_login(username)
                .filter(|u| !u.password.is_empty() && u.password == password);
            let wrong = if console.picks(Choice::InvalidGrantForCredentials) {
                "invalid_grant"
            } else {
                "invalid_request"
            };
            let user = user.ok_or_else(|| ApiError::oauth2(wrong, WRONG))?;
            let principal = Principal {
                user_uid: state::uid(&user.doc).to_string(),
                read_only,
            };
            let second_factor = state
                .logins
                .iter()
                .any(|l| l.user_uid == principal.user_uid && l.kind == "totp");
            if second_factor {
                let mfa_token = console.tokens.issue_mfa(principal);
                return Ok(Reply::ok(json!({
                    "access_token": null, "token_type": null, "refresh_token": null,
                    "mfa_token": mfa_token, "encrypted_code": null, "expires_in": 0,
                })));
            }
            principal
        }
        "refresh_token" => {
            let granted = console.tokens.redeem_refresh(require("refresh_token")?);
            let granted = granted
                .filter(|p| console.state().user(&p.user_uid).is_some())
                .ok_or_else(|| {
                    ApiError::oauth2(
                        "invalid_grant",
                        "The refresh token is invalid or has expired.",
                    )
                })?;
            console.count_refresh_grant();
            Principal {
                read_only: granted.read_only || read_only,
                ..granted
            }
        }
        "as" => {
            let (refresh, user) = (require("refresh_token")?, require("userUid")?);
            let granted = console.tokens.redeem_refresh(refresh);
            let granted = granted.ok_or_else(|| {
                ApiError::oauth2(
                    "invalid_grant",
                    "The refresh token is invalid or has expired.",
                )
            })?;
            let uid =
                crate::mock::ids::parse_uuid(user).filter(|u| console.state().user(u).is_some());
            let uid = uid.ok_or_else(|| {
                ApiError::oauth2("invalid_grant", "The user to act as does not exist.")
            })?;
            Principal {
                user_uid: uid,
                read_only: granted.read_only || read_only,
            }
        }
        "authorization_code" => {
            require("code")?;
            return Err(ApiError::oauth2(
                "invalid_grant",
                "The authorization code is invalid or has expired.",
            ));
        }
        "public_key" => {
            require("public_key")?;
            return Err(ApiError::oauth2(
                "invalid_grant",
                "The public key is not assigned to any user.",
            ));
        }
        "mfa" => {
            let (token, code) = (require("mfa_token")?, require("mfa_code")?);
            let waiting = console.tokens.mfa(token, false).ok_or_else(|| {
                ApiError::oauth2("invalid_grant", "The MFA token is invalid or has expired.")
            })?;
            match identity::check_code(code) {
                CodeCheck::NotACode => {
                    return Err(ApiError::oauth2(
                        "invalid_grant",
                        "Specified MFA answer is invalid.",
                    ));
                }
                CodeCheck::Wrong => {
                    return Err(ApiError::oauth2(
                        "invalid_grant",
                        "Specified TOTP code is invalid.",
                    ));
                }
                CodeCheck::Right => {}
            }
            console.tokens.mfa(token, true);
            Principal {
                read_only: waiting.read_only || read_only,
                ..waiting
            }
        }
        other => {
            return Err(ApiError::oauth2(
                "unsupported_grant_type",
                format!("Grant type '{other}' is not supported."),
            ));
        }
    };
    let issued = console.tokens.issue(principal);
    Ok(Reply::ok(json!({
        "access_token": issued.access_token,
        "token_type": "bearer",
        "refresh_token": issued.refresh_token,
        "mfa_token": Value::Null,
        "encrypted_code": null,
        "expires_in": issued.expires_in,
    })))
}
