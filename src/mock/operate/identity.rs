//! User identities (`/users/{userUid}/logins/...`: API keys, public keys, TOTP authenticators)
//! and the key material of the `authentication` tag (`/authentication/keys/...`).
//!
//! Key material is recognised the way a console must recognise it, by its encoding: PEM labels
//! (`-----BEGIN PUBLIC KEY-----`, `ENCRYPTED PRIVATE KEY`, `Proc-Type: 4,ENCRYPTED`), OpenSSH
//! one-line keys (`ssh-rsa AAAA...`, `ssh-ed25519 ...`), and inside DER the algorithm OIDs
//! (rsaEncryption vs id-ecPublicKey, Ed25519, DSA) and, in a PKCS#12 container, the key bags.
//! Nothing is decrypted or verified: the mock only reads what a format says about itself.

use super::{Cx, data};
use crate::mock::error::{ApiError, Reply};
use crate::mock::state::{self, Login, MOCK_TOTP_CODE, PROVIDER_UID};
use crate::mock::validate::Body;
use crate::mock::{Delivery, Trigger};
use serde_json::{Value, json};

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 1201,
        method: "POST",
        path: "/users/{userUid}/logins/apikey",
        trigger: "a user who signs in through an identity provider (`ssoUserUid`): no local identity can be assigned",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1201,
        method: "POST",
        path: "/users/{userUid}/logins/totp",
        trigger: "a user who signs in through an identity provider (`ssoUserUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1209,
        method: "POST",
        path: "/users/{userUid}/logins/apikey",
        trigger: "`scopes` with `integration` for a user outside the service provider (`userUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1209,
        method: "POST",
        path: "/users/{userUid}/logins/asymmetricalgorithm",
        trigger: "`scopes` with `integration` for a user outside the service provider",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1202,
        method: "POST",
        path: "/users/{userUid}/logins/asymmetricalgorithm",
        trigger: "a public key already assigned to another user (`assignedPublicKey`, the administrator's)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 409,
        method: "POST",
        path: "/users/{userUid}/logins/asymmetricalgorithm",
        trigger: "a public key the same user already has",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1203,
        method: "POST",
        path: "/users/{userUid}/logins/asymmetricalgorithm",
        trigger: "a password-protected key: `-----BEGIN ENCRYPTED PRIVATE KEY-----`, or a PEM key with `Proc-Type: 4,ENCRYPTED`",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1204,
        method: "POST",
        path: "/users/{userUid}/logins/asymmetricalgorithm",
        trigger: "a non-RSA key: a `PUBLIC KEY`/`PRIVATE KEY` PEM whose algorithm OID is EC, Ed25519/Ed448 or DSA; `EC`/`DSA` PEM labels; `ssh-ed25519`, `ecdsa-sha2-*`, `ssh-dss` lines",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1205,
        method: "POST",
        path: "/users/{userUid}/logins/asymmetricalgorithm",
        trigger: "key material in no supported format: a PuTTY `.ppk`, a certificate, binary DER, text that is no key",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1205,
        method: "POST",
        path: "/authentication/keys/rsa-pkcs12/decrypt",
        trigger: "a `certificateContent` that is not a base64 PKCS#12 container",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1210,
        method: "POST",
        path: "/authentication/keys/rsa-pkcs12/decrypt",
        trigger: "a PKCS#12 container without a key bag (certificates only)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1207,
        method: "POST",
        path: "/users/{userUid}/logins/totp",
        trigger: "a six-digit `code` that does not verify against `secretUrl` (on the mock every code but `MOCK_TOTP_CODE`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1208,
        method: "POST",
        path: "/users/{userUid}/logins/totp",
        trigger: "a `code` that is no answer to a TOTP challenge at all (not six digits)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 400,
        method: "POST",
        path: "/users/{userUid}/logins/totp",
        trigger: "a `secretUrl` that is not an `otpauth://totp/` URL with a `secret` (`parameterName: secretUrl`), an empty `code`",
        delivery: Delivery::Answer,
    },
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let result = match (cx.method(), cx.path()) {
        ("POST", "/users/{userUid}/logins/apikey") => api_key(cx),
        ("POST", "/users/{userUid}/logins/asymmetricalgorithm") => public_key(cx),
        ("POST", "/users/{userUid}/logins/totp") => totp(cx),
        ("POST", "/authentication/keys/rsa-pkcs12/decrypt") => decrypt(cx),
        ("GET", "/authentication/keys/totp-secret") => {
            let secret = base32_secret(cx.console.ids.next_u64(), cx.console.ids.next_u64());
            Ok(data(json!({
                "secret": secret,
                "secretUrl": format!("otpauth://totp/VSPC?secret={secret}&issuer=VSPC"),
            })))
        }
        _ => return None,
    };
    Some(result)
}

/// The user of the path may get a local identity: not one who signs in through an identity
/// provider.
fn assignable(cx: &Cx) -> Result<String, ApiError> {
    let uid = cx.id("userUid");
    let provider = cx
        .state
        .user(&uid)
        .map(|u| state::text(&u.doc, "identityProviderName").to_string())
        .unwrap_or_default();
    if !provider.is_empty() {
        return Err(ApiError::custom(
            1201,
            format!(
                "User identity cannot be assigned to the specified user: user '{uid}' signs in through identity provider '{provider}'."
            ),
        ));
    }
    Ok(uid)
}

/// `scopes`: an array parameter, one item per occurrence (`scopes=rest&scopes=ui`), each one of
/// the spec's enum (validation has checked them); `integration` only for users of the service
/// provider.
fn scopes(cx: &Cx, user_uid: &str) -> Result<Vec<String>, ApiError> {
    let scopes: Vec<String> = cx
        .request
        .query
        .pairs
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("scopes"))
        .map(|(_, value)| value.trim().to_ascii_lowercase())
        .collect();
    let organization = cx
        .state
        .user(user_uid)
        .map(|u| state::text(&u.doc, "organizationUid").to_string())
        .unwrap_or_default();
    if scopes.iter().any(|s| s == "integration") && organization != PROVIDER_UID {
        return Err(ApiError::custom(
            1209,
            "The specified scope cannot be assigned: 'integration' is available to service provider users only.",
        ));
    }
    Ok(scopes)
}

/// Adds an identity and answers it.
fn add_login(
    cx: &mut Cx,
    user_uid: &str,
    kind: &'static str,
    key: Option<String>,
    scopes: Vec<String>,
    parameters: Value,
) -> Reply {
    let id = cx.state.logins.iter().map(|l| l.id).max().unwrap_or(0) + 1;
    let read_only = cx
        .query("isReadAccessOnly")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let doc = json!({"id": id, "userUid": user_uid, "type": kind,
                     "description": cx.query("description"), "status": "enabled",
                     "scopes": scopes, "isReadAccessOnly": read_only});
    cx.state.logins.push(Login {
        id,
        user_uid: user_uid.to_string(),
        kind,
        key,
        doc: doc.clone(),
    });
    let mut answer = doc;
    answer["parameters"] = parameters;
    data(answer)
}

fn api_key(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = assignable(cx)?;
    let scopes = scopes(cx, &uid)?;
    let key = cx.console.ids.token();
    Ok(add_login(
        cx,
        &uid,
        "apikey",
        None,
        scopes,
        json!({"apiKey": key}),
    ))
}

fn public_key(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = assignable(cx)?;
    let scopes = scopes(cx, &uid)?;
    let bytes: &[u8] = match &cx.request.body {
        Body::Bytes(bytes) => bytes,
        _ => &[],
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_property(
            "body",
            "A non-empty request body is required: the public key.",
        ));
    }
    let fingerprint = match classify_key(bytes) {
        KeyMaterial::Rsa(fingerprint) => fingerprint,
        KeyMaterial::PasswordProtected => {
            return Err(ApiError::custom(
                1203,
                "Provided key is protected with password and cannot be used in the requested operation.",
            ));
        }
        KeyMaterial::NonRsa(algorithm) => {
            return Err(ApiError::custom(
                1204,
                format!(
                    "Non-RSA keys are not supported for asymmetric authentication: the key is {algorithm}."
                ),
            ));
        }
        KeyMaterial::Unsupported(what) => {
            return Err(ApiError::custom(
                1205,
                format!(
                    "Format of the provided key is not supported: {what}. Send an RSA key as PEM or as an OpenSSH public key."
                ),
            ));
        }
    };
    let holder = cx
        .state
        .logins
        .iter()
        .find(|l| l.key.as_deref() == Some(fingerprint.as_str()))
        .map(|l| l.user_uid.clone());
    match holder {
        Some(holder) if holder == uid => Err(ApiError::conflict(format!(
            "The key is already assigned to user '{uid}'."
        ))),
        Some(_) => Err(ApiError::custom(
            1202,
            "Provided key is already assigned to a different user.",
        )),
        None => Ok(add_login(
            cx,
            &uid,
            "asymmetricalgorithm",
            Some(fingerprint),
            scopes,
            json!({}),
        )),
    }
}

/// How a TOTP code compares with what the authenticator would show.
pub(super) enum CodeCheck {
    /// Not six digits: no answer to a TOTP challenge (1208).
    NotACode,
    /// Six digits, but not the ones that verify (1207).
    Wrong,
    Right,
}

/// The mock runs no authenticator clock: the code that verifies is [`MOCK_TOTP_CODE`].
pub(super) fn check_code(code: &str) -> CodeCheck {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        CodeCheck::NotACode
    } else if code == MOCK_TOTP_CODE {
        CodeCheck::Right
    } else {
        CodeCheck::Wrong
    }
}

fn totp(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = assignable(cx)?;
    let secret = cx.query("secretUrl").and_then(totp_secret).ok_or_else(|| {
        ApiError::bad_parameter(
            "secretUrl",
            "Property value must be an otpauth://totp/ URL with a secret.",
        )
    })?;
    let code = cx
        .query("code")
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| ApiError::bad_parameter("code", "Property 'code' is required."))?;
    match check_code(code) {
        CodeCheck::NotACode => {
            return Err(ApiError::custom(
                1208,
                "Specified MFA answer is invalid: the answer to a TOTP challenge is six digits.",
            ));
        }
        CodeCheck::Wrong => {
            return Err(ApiError::custom(
                1207,
                "Specified TOTP code is invalid for the secret.",
            ));
        }
        CodeCheck::Right => {}
    }
    let scopes = scopes(cx, &uid)?;
    Ok(add_login(cx, &uid, "totp", Some(secret), scopes, json!({})))
}

/// The base32 secret of an `otpauth://totp/LABEL?secret=...` URL.
fn totp_secret(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("otpauth://totp/")?;
    let (_, query) = rest.split_once('?')?;
    let secret = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| name.eq_ignore_ascii_case("secret"))
        .map(|(_, value)| value.trim().to_ascii_uppercase())?;
    let base32 = |b: u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b) || b == b'=';
    (!secret.is_empty() && secret.bytes().all(base32)).then_some(secret)
}

fn base32_secret(a: u64, b: u64) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let bits = (u128::from(a) << 64) | u128::from(b);
    (0..26)
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// `POST /authentication/keys/rsa-pkcs12/decrypt`: a PKCS#12 container, base64, must hold a
/// private key.
fn decrypt(cx: &mut Cx) -> Result<Reply, ApiError> {
    let body = cx.body();
    let content = super::body_text(&body, "certificateContent");
    let der = decode_base64(&content)
        .filter(|der| der.first() == Some(&0x30) && contains(der, PKCS7_DATA))
        .ok_or_else(|| {
            ApiError::custom(
                1205,
                "Format of the provided key is not supported: certificateContent is not a base64 PKCS#12 container.",
            )
        })?;
    if !(contains(&der, SHROUDED_KEY_BAG) || contains(&der, KEY_BAG)) {
        return Err(ApiError::custom(
            1210,
            "Container does not include a private key.",
        ));
    }
    Ok(data(
        json!({"certificateContent": content, "isEncrypted": false}),
    ))
}

/// What a client sent as a key.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum KeyMaterial {
    /// An RSA key, by the fingerprint that recognises it again.
    Rsa(String),
    PasswordProtected,
    /// Another algorithm, named.
    NonRsa(&'static str),
    /// No format the console reads, and what it looks like instead.
    Unsupported(&'static str),
}

// DER encodings of the object identifiers the mock looks for.
const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
const DSA: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01];
const ED25519: &[u8] = &[0x06, 0x03, 0x2B, 0x65, 0x70];
const ED448: &[u8] = &[0x06, 0x03, 0x2B, 0x65, 0x71];
const PKCS7_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01];
const KEY_BAG: &[u8] = &[
    0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x01,
];
const SHROUDED_KEY_BAG: &[u8] = &[
    0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x02,
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Recognises key material by its encoding.
pub(super) fn classify_key(bytes: &[u8]) -> KeyMaterial {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return KeyMaterial::Unsupported("binary data, not a PEM or OpenSSH key");
    };
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("-----BEGIN ") {
        let label = rest.split("-----").next().unwrap_or_default();
        return classify_pem(label, text);
    }
    let first_word = text.split_whitespace().next().unwrap_or_default();
    match first_word {
        "ssh-rsa" => KeyMaterial::Rsa(state::key_fingerprint(text)),
        "ssh-ed25519" | "sk-ssh-ed25519@openssh.com" => KeyMaterial::NonRsa("Ed25519"),
        "ssh-dss" => KeyMaterial::NonRsa("DSA"),
        w if w.starts_with("ecdsa-sha2-") || w.starts_with("sk-ecdsa-sha2-") => {
            KeyMaterial::NonRsa("ECDSA")
        }
        w if w.starts_with("PuTTY-User-Key-File-") => {
            KeyMaterial::Unsupported("a PuTTY private key file (.ppk)")
        }
        _ => KeyMaterial::Unsupported("no recognisable key"),
    }
}

fn classify_pem(label: &str, text: &str) -> KeyMaterial {
    if label == "ENCRYPTED PRIVATE KEY" || text.contains("Proc-Type: 4,ENCRYPTED") {
        return KeyMaterial::PasswordProtected;
    }
    match label {
        "RSA PUBLIC KEY" | "RSA PRIVATE KEY" => KeyMaterial::Rsa(state::key_fingerprint(text)),
        "EC PRIVATE KEY" | "EC PUBLIC KEY" => KeyMaterial::NonRsa("EC"),
        "DSA PRIVATE KEY" => KeyMaterial::NonRsa("DSA"),
        "PUBLIC KEY" | "PRIVATE KEY" => {
            let Some(der) = decode_base64(&state::key_fingerprint(text)) else {
                return KeyMaterial::Unsupported("a PEM block that is not base64");
            };
            if contains(&der, RSA_ENCRYPTION) {
                KeyMaterial::Rsa(state::key_fingerprint(text))
            } else if contains(&der, EC_PUBLIC_KEY) {
                KeyMaterial::NonRsa("EC")
            } else if contains(&der, ED25519) {
                KeyMaterial::NonRsa("Ed25519")
            } else if contains(&der, ED448) {
                KeyMaterial::NonRsa("Ed448")
            } else if contains(&der, DSA) {
                KeyMaterial::NonRsa("DSA")
            } else {
                KeyMaterial::Unsupported("a key of an unknown algorithm")
            }
        }
        "CERTIFICATE" => KeyMaterial::Unsupported("a certificate, not a key"),
        _ => KeyMaterial::Unsupported("a PEM block that holds no key"),
    }
}

/// Standard base64 (RFC 4648, `+/`, optional `=` padding); whitespace is skipped.
pub(super) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    let mut padding = false;
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            _ => return None,
        };
        if padding {
            return None;
        }
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EC_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+jtWQImyzaVdQ0gB7M543rwDgIju
+D+OPmksVqg9zAII5CjrZJiXkIHUMNAetE8i7CWjXwZXzKnZoPRnnNN8Fg==
-----END PUBLIC KEY-----";
    const ED25519_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAzqmmE2aZ3DwhDKS3bGiIlOtmbUpd7cWyau04haCvuG0=
-----END PUBLIC KEY-----";

    #[test]
    fn base64_decodes_as_rfc_4648_says() {
        assert_eq!(decode_base64("TWFu").unwrap(), b"Man");
        assert_eq!(decode_base64("TWE=").unwrap(), b"Ma");
        assert_eq!(decode_base64("TQ==\n").unwrap(), b"M");
        assert_eq!(decode_base64("T!=="), None);
        assert_eq!(decode_base64("TQ==TQ"), None);
        assert_eq!(decode_base64(""), None);
    }

    #[test]
    fn keys_are_told_apart_by_their_encoding() {
        assert!(matches!(
            classify_key(state::ADMIN_PUBLIC_KEY.as_bytes()),
            KeyMaterial::Rsa(_)
        ));
        assert_eq!(
            classify_key(EC_PUBLIC.as_bytes()),
            KeyMaterial::NonRsa("EC")
        );
        assert_eq!(
            classify_key(ED25519_PUBLIC.as_bytes()),
            KeyMaterial::NonRsa("Ed25519")
        );
        assert_eq!(
            classify_key(
                b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHs\n-----END ENCRYPTED PRIVATE KEY-----"
            ),
            KeyMaterial::PasswordProtected
        );
        assert_eq!(
            classify_key(b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----"),
            KeyMaterial::PasswordProtected
        );
        assert_eq!(
            classify_key(b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA me@host"),
            KeyMaterial::NonRsa("Ed25519")
        );
        assert_eq!(
            classify_key(b"ssh-rsa AAAAB3NzaC1yc2E me@host"),
            KeyMaterial::Rsa("AAAAB3NzaC1yc2E".into())
        );
        assert!(matches!(
            classify_key(b"PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none"),
            KeyMaterial::Unsupported(_)
        ));
        assert!(matches!(
            classify_key(&[0x30, 0x82, 0xff]),
            KeyMaterial::Unsupported(_)
        ));
        assert!(matches!(
            classify_key(b"hello"),
            KeyMaterial::Unsupported(_)
        ));
    }

    #[test]
    fn totp_secrets_come_from_otpauth_urls() {
        let url = format!(
            "otpauth://totp/VSPC:acme.mfa?secret={}&issuer=VSPC",
            state::TOTP_SECRET
        );
        assert_eq!(totp_secret(&url).as_deref(), Some(state::TOTP_SECRET));
        assert_eq!(totp_secret("otpauth://hotp/x?secret=ABC"), None);
        assert_eq!(totp_secret("otpauth://totp/x?issuer=y"), None);
        assert_eq!(totp_secret("otpauth://totp/x?secret=not-base32"), None);
        assert_eq!(base32_secret(1, 2).len(), 26);
        assert!(totp_secret(&format!("otpauth://totp/x?secret={}", base32_secret(7, 9))).is_some());
    }

    #[test]
    fn codes_are_answers_when_six_digits_and_right_when_the_fixture() {
        assert!(matches!(check_code(MOCK_TOTP_CODE), CodeCheck::Right));
        assert!(matches!(check_code("000000"), CodeCheck::Wrong));
        assert!(matches!(check_code("12345"), CodeCheck::NotACode));
        assert!(matches!(check_code("abcdef"), CodeCheck::NotACode));
    }
}
