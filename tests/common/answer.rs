//! What a mock console answered, as the tests that talk to it over HTTP read it.

use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Observed {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    pub text: String,
}

impl Observed {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    /// The first error of the envelope.
    pub fn error(&self) -> Value {
        self.json()["errors"][0].clone()
    }

    pub fn code(&self) -> Value {
        self.error()["code"].clone()
    }
}
