//! Secrets: the one type credentials travel in, so no report, log or snapshot can print them.

use std::fmt;
use std::sync::Arc;

/// A token, password or API key. Debug and Display show `[redacted]`; only [`Secret::expose`]
/// gives the text, and only the sender calls it, to build a header or a login form. Shared, not
/// copied: every request of a run clones its token.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(Arc::from(text.into()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
