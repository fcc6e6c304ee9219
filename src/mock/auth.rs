//! Stage 2, authentication: everything but the spec's anonymous operations (`POST /token`, the
//! password reset, ...) needs `Authorization: Bearer <token>` with a token this console issued,
//! that has not expired, and whose user still exists. Then admission ([`admit`]): the token's
//! role (its user's, or ReadOnlyUser for a read-only token) must be one the spec admits to the
//! operation, else 403.
//!
//! The token store lives here too: `operate.rs` issues tokens through it, `throttle.rs` asks it
//! whose a token is.

use super::error::ApiError;
use super::ids::IdGen;
use super::state::{self, User};
use super::violate::Violation;
use crate::contract::{Operation, Role};
use axum::http::{HeaderMap, header};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(super) const TRIGGERS: &[super::Trigger] = &[
    super::Trigger {
        code: 401,
        method: "*",
        path: "*",
        trigger: "no `Authorization: Bearer`, a token the console never issued or that expired, a token whose user was deleted",
        delivery: super::Delivery::Answer,
    },
    super::Trigger {
        code: 403,
        method: "*",
        path: "*",
        trigger: "a token whose role the spec does not admit to the operation (a read-only token, `readOnly=true`, is ReadOnlyUser; one user per role is seeded: `role.<role>`)",
        delivery: super::Delivery::Answer,
    },
];

/// How long a refresh token stays usable. Refresh tokens are single use: refreshing rotates them.
pub const REFRESH_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long an `mfa_token` (a password login of a user with MFA, waiting for the second
/// factor) stays usable.
pub const MFA_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// Expired tokens are forgotten when the store holds more than this many.
const PURGE_ABOVE: usize = 10_000;

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_uid: String,
    pub read_only: bool,
}

#[derive(Debug, Clone)]
struct Grant {
    principal: Principal,
    expires_at: Instant,
}

/// Tokens issued by `POST /token`.
pub struct Tokens {
    lifetime: Duration,
    ids: IdGen,
    inner: Mutex<TokenMaps>,
}

#[derive(Default)]
struct TokenMaps {
    access: HashMap<String, Grant>,
    refresh: HashMap<String, Grant>,
    mfa: HashMap<String, Grant>,
}

/// A freshly issued pair.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// Why a bearer token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Unknown,
    Expired,
}

impl Tokens {
    pub fn new(lifetime: Duration) -> Tokens {
        Tokens {
            lifetime,
            ids: IdGen::new(),
            inner: Mutex::new(TokenMaps::default()),
        }
    }

    fn maps(&self) -> std::sync::MutexGuard<'_, TokenMaps> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Issues an access token and a refresh token for `principal`.
    pub fn issue(&self, principal: Principal) -> Issued {
        let now = Instant::now();
        let issued = Issued {
            access_token: self.ids.token(),
            refresh_token: self.ids.token(),
            // `expires_in` is whole seconds; a sub-second lifetime still says 1.
            expires_in: self.lifetime.as_secs().max(1),
        };
        let mut maps = self.maps();
        // A long-running `mock` session must not grow without bound.
        if maps.access.len() + maps.refresh.len() + maps.mfa.len() > PURGE_ABOVE {
            maps.access.retain(|_, g| g.expires_at > now);
            maps.refresh.retain(|_, g| g.expires_at > now);
            maps.mfa.retain(|_, g| g.expires_at > now);
        }
        maps.access.insert(
            issued.access_token.clone(),
            Grant {
                principal: principal.clone(),
                expires_at: now + self.lifetime,
            },
        );
        maps.refresh.insert(
            issued.refresh_token.clone(),
            Grant {
                principal,
                expires_at: now + REFRESH_TOKEN_LIFETIME,
            },
        );
        issued
    }

    /// Issues an `mfa_token`: the first factor of `principal` was right, the second is due.
    pub fn issue_mfa(&self, principal: Principal) -> String {
        let token = self.ids.token();
        self.maps().mfa.insert(
            token.clone(),
            Grant {
                principal,
                expires_at: Instant::now() + MFA_TOKEN_LIFETIME,
            },
        );
        token
    }

    /// The principal waiting on a valid `mfa_token`; `consume` forgets the token (the second
    /// factor was right), else it stays for another attempt.
    pub fn mfa(&self, token: &str, consume: bool) -> Option<Principal> {
        let mut maps = self.maps();
        let grant = maps.mfa.get(token)?;
        let valid = (grant.expires_at > Instant::now()).then(|| grant.principal.clone());
        if consume || valid.is_none() {
            maps.mfa.remove(token);
        }
        valid
    }

    /// Consumes a refresh token: the principal it was issued for, if it is valid.
    pub fn redeem_refresh(&self, token: &str) -> Option<Principal> {
        let grant = self.maps().refresh.remove(token)?;
        (grant.expires_at > Instant::now()).then_some(grant.principal)
    }

    /// The principal of a valid access token.
    pub fn principal(&self, token: &str) -> Result<Principal, Rejection> {
        let mut maps = self.maps();
        let grant = maps.access.get(token).ok_or(Rejection::Unknown)?;
        if grant.expires_at <= Instant::now() {
            maps.access.remove(token);
            return Err(Rejection::Expired);
        }
        Ok(grant.principal.clone())
    }

    /// The user of a valid access token, without touching the store (for throttling).
    pub fn owner(&self, token: &str) -> Option<String> {
        let maps = self.maps();
        let grant = maps.access.get(token)?;
        (grant.expires_at > Instant::now()).then(|| grant.principal.user_uid.clone())
    }

    /// Forgets every token of a deleted user.
    pub fn revoke_user(&self, user_uid: &str) {
        let mut maps = self.maps();
        maps.access.retain(|_, g| g.principal.user_uid != user_uid);
        maps.refresh.retain(|_, g| g.principal.user_uid != user_uid);
        maps.mfa.retain(|_, g| g.principal.user_uid != user_uid);
    }
}

/// The token of an `Authorization: Bearer` header; None when there is no such header or it is
/// not a bearer credential.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The stage: None for anonymous operations (`anonymous`: the catalogue says so), else the
/// request's principal or a 401 ([`authorize`] gives the 403). `user_exists` tells whether a token's user is still in the
/// state.
pub fn authenticate(
    tokens: &Tokens,
    anonymous: bool,
    headers: &HeaderMap,
    user_exists: impl Fn(&str) -> bool,
) -> Result<Option<Principal>, ApiError> {
    if anonymous {
        return Ok(None);
    }
    let Some(token) = bearer(headers) else {
        return Err(ApiError::unauthorized(
            "Authorization has been denied for this request: no bearer token was sent.",
        ));
    };
    let principal = match tokens.principal(token) {
        Ok(principal) => principal,
        Err(Rejection::Unknown) => {
            return Err(ApiError::unauthorized("The access token is invalid."));
        }
        Err(Rejection::Expired) => {
            return Err(ApiError::unauthorized("The access token has expired."));
        }
    };
    if !user_exists(&principal.user_uid) {
        return Err(ApiError::unauthorized(
            "The user of the access token no longer exists.",
        ));
    }
    Ok(Some(principal))
}

/// The role a principal acts as: ReadOnlyUser with a read-only token, else its user's `role`
/// (None when the console knows no such role).
pub fn role_of(principal: &Principal, user: Option<&User>) -> Option<Role> {
    if principal.read_only {
        return Some(Role::ReadOnlyUser);
    }
    user.and_then(|u| Role::parse(state::text(&u.doc, "role")))
}

const REFUSED: &str = "Access to the requested resource is forbidden.";

/// Admission, the one place it is decided: the roles the spec admits to the operation
/// (`x-veeam-vspc-admitted-roles`); `role` is None for an anonymous request, which an
/// anonymous operation admits. Apart from [`authenticate`] because when it is checked is a
/// choice of the personality. A violation mode may let every role through.
pub fn admit(
    role: Option<Option<Role>>,
    operation: &Operation,
    violation: Option<Violation>,
) -> Result<(), ApiError> {
    let Some(role) = role else {
        return Ok(());
    };
    if violation == Some(Violation::RolesUnchecked) {
        return Ok(());
    }
    match role {
        Some(role) if operation.admits(role) => Ok(()),
        // The error page's words: a refusal names neither the role nor the operation.
        Some(role) => Err(ApiError::refused(role, REFUSED)),
        None => Err(ApiError::forbidden(REFUSED)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(authorization).unwrap(),
        );
        map
    }

    #[test]
    fn bearer_tokens_are_read_in_any_scheme_casing() {
        assert_eq!(bearer(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(&headers("Basic abc")), None);
        assert_eq!(bearer(&headers("Bearer")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }

    #[test]
    fn tokens_expire_and_refresh_tokens_are_single_use() {
        let tokens = Tokens::new(Duration::ZERO);
        let who = Principal {
            user_uid: "u".into(),
            read_only: false,
        };
        let issued = tokens.issue(who.clone());
        assert_eq!(issued.expires_in, 1);
        assert_eq!(
            tokens.principal(&issued.access_token),
            Err(Rejection::Expired)
        );
        assert_eq!(
            tokens.principal(&issued.access_token),
            Err(Rejection::Unknown)
        );
        assert_eq!(tokens.redeem_refresh(&issued.refresh_token), Some(who));
        assert_eq!(tokens.redeem_refresh(&issued.refresh_token), None);
    }

    #[test]
    fn a_read_only_token_is_read_only_user_and_roles_are_admitted_by_the_spec() {
        let catalogue =
            crate::contract::Contract::get().catalogue(crate::contract::ApiVersion::V3_6_1);
        let create = catalogue.get("POST", "/organizations/companies").unwrap();
        let list = catalogue.get("GET", "/organizations/companies").unwrap();
        let token = |read_only| Principal {
            user_uid: "u".into(),
            read_only,
        };
        let admin = role_of(&token(false), None);
        assert_eq!(admin, None, "no user, no role");
        assert_eq!(role_of(&token(true), None), Some(Role::ReadOnlyUser));
        let read_only = Some(Some(Role::ReadOnlyUser));
        assert!(admit(read_only, list, None).is_ok());
        assert_eq!(admit(read_only, create, None).unwrap_err().code(), 403);
        assert!(admit(Some(Some(Role::PortalAdministrator)), create, None).is_ok());
        assert_eq!(
            admit(Some(Some(Role::CompanyTenant)), create, None)
                .unwrap_err()
                .code(),
            403
        );
        assert!(
            admit(
                Some(Some(Role::CompanyTenant)),
                create,
                Some(Violation::RolesUnchecked)
            )
            .is_ok()
        );
        // An anonymous request of an anonymous operation.
        assert!(admit(None, create, None).is_ok());
        let h = headers("Bearer nope");
        let tokens = Tokens::new(Duration::from_secs(60));
        assert_eq!(
            authenticate(&tokens, false, &h, |_| true)
                .unwrap_err()
                .code(),
            401
        );
        assert!(
            authenticate(&tokens, true, &HeaderMap::new(), |_| true)
                .unwrap()
                .is_none()
        );
    }
}
