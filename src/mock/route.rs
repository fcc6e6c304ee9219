//! Stage 3, routing: a path under `/api/v3` is routed with the router over the catalogue of the
//! API version the console serves (942 operations at 3.6.1). Anything else (an unknown path, a path outside `/api/v3`, a method the path does
//! not have) is a 404 naming the path: 405 is not a code of the contract.

use super::error::ApiError;
use crate::contract::{Operation, Operations, Route, TrailingSlash};
use axum::http::Method;

pub const API_PREFIX: &str = "/api/v3";

pub(super) const TRIGGERS: &[super::Trigger] = &[super::Trigger {
    code: 404,
    method: "*",
    path: "*",
    trigger: "a path outside `/api/v3`, unknown to the catalogue, or without the method (naming the path)",
    delivery: super::Delivery::Answer,
}];

/// A routed request: the operation and its path parameters' raw (percent-decoded) values.
#[derive(Debug)]
pub struct Routed {
    pub operation: &'static Operation,
    pub path_parameters: Vec<(&'static str, String)>,
}

/// The path under `/api/v3`, or None when the request is outside the API.
pub(super) fn api_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(API_PREFIX)?;
    (rest.starts_with('/') && rest.len() > 1).then_some(rest)
}

/// The stage.
pub fn resolve(
    catalogue: &'static Operations,
    slash: TrailingSlash,
    method: &Method,
    path: &str,
) -> Result<Routed, ApiError> {
    let not_found = || {
        ApiError::no_such_path(
            path,
            format!("The resource at path '{path}' does not exist."),
        )
    };
    let rest = api_path(path).ok_or_else(not_found)?;
    match catalogue.route(method.as_str(), rest, slash) {
        Route::Found(operation, parameters) => Ok(Routed {
            operation,
            path_parameters: parameters
                .into_iter()
                .map(|(name, raw)| (name, percent_decode(&raw, false)))
                .collect(),
        }),
        Route::MethodNotAllowed(methods) => Err(ApiError::no_such_path(
            path,
            format!(
                "The resource at path '{path}' does not exist for {method} (it serves {}).",
                methods.join(", ")
            ),
        )),
        Route::NotFound => Err(not_found()),
    }
}

/// Decodes `%XX` escapes (and `+` as a space in query strings); malformed escapes stay as they
/// are, invalid UTF-8 becomes U+FFFD.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            if let (Some(hi), Some(lo)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                out.push(hi * 16 + lo);
                i += 3;
                continue;
            }
            out.push(byte);
        } else if byte == b'+' && plus_is_space {
            out.push(b' ');
        } else {
            out.push(byte);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: Option<&u8>) -> Option<u8> {
    (*byte? as char).to_digit(16).map(|d| d as u8)
}

/// `POST /token`: the OAuth2 endpoint, whose answers are its own.
pub fn is_token_endpoint(operation: &Operation) -> bool {
    operation.method == "POST" && operation.path == "/token"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{ApiVersion, Contract};

    fn catalogue() -> &'static Operations {
        Contract::get().catalogue(ApiVersion::V3_6_1)
    }

    fn route(method: &Method, path: &str) -> Result<Routed, ApiError> {
        resolve(catalogue(), TrailingSlash::Ignored, method, path)
    }

    #[test]
    fn requests_are_routed_over_the_catalogue_under_api_v3() {
        let routed = route(&Method::GET, "/api/v3/organizations/companies/abc%20d").unwrap();
        assert_eq!(
            routed.operation.path,
            "/organizations/companies/{companyUid}"
        );
        assert_eq!(
            routed.path_parameters,
            vec![("companyUid", "abc d".to_string())]
        );
        for (method, path) in [
            (Method::GET, "/api/v3/no/such/thing"),
            (Method::GET, "/organizations/companies"),
            (Method::GET, "/api/v3"),
            (Method::GET, "/api/v3/"),
            (Method::PUT, "/api/v3/organizations/companies"),
        ] {
            let error = route(&method, path).unwrap_err();
            assert_eq!(error.code(), 404, "{method} {path}");
            let super::super::error::ApiError::Vspc(e) = error else {
                panic!()
            };
            assert!(e.message.contains(path), "{}", e.message);
        }
    }

    #[test]
    fn only_the_token_endpoint_is_anonymous() {
        let anonymous = |method, path| {
            resolve(catalogue(), TrailingSlash::Ignored, method, path)
                .is_ok_and(|routed| routed.operation.anonymous)
        };
        assert!(anonymous(&Method::POST, "/api/v3/token"));
        assert!(!anonymous(&Method::GET, "/api/v3/token"));
        assert!(!anonymous(&Method::GET, "/api/v3/about"));
        assert!(!anonymous(&Method::POST, "/token"));
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("a%20b+c", true), "a b c");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("100%", true), "100%");
        assert_eq!(percent_decode("%zz%4", true), "%zz%4");
        assert_eq!(percent_decode("%ff", true), "\u{fffd}");
    }
}
