//! Where each rule the checks apply was read, and how firmly the contract states it.
//!
//! A mismatch fails a check only where the contract *states* the fact (`--fail-on` moves the
//! line); where an example, a convention or a reading is all that supports it, the mismatch is
//! a deviation. Every rule the checks apply is one constant here, so a report can print its
//! source next to the verdict.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

use super::ApiVersion;

/// How firmly the contract supports an expectation, strongest first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// The error page, the spec of the version under test or an RFC says so.
    #[default]
    Stated,
    /// Only a documented example shows it.
    Example,
    /// What consoles and HTTP APIs usually do; no VSPC source says it.
    Convention,
    /// Our reading of a source that leaves it open.
    Reading,
}

impl Strength {
    pub const ALL: [Strength; 4] = [
        Strength::Stated,
        Strength::Example,
        Strength::Convention,
        Strength::Reading,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Stated => "stated",
            Strength::Example => "example",
            Strength::Convention => "convention",
            Strength::Reading => "reading",
        }
    }

    /// Whether a mismatch of a claim this strong fails under `--fail-on threshold`.
    pub fn fails_at(self, threshold: Strength) -> bool {
        self <= threshold
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fact's source: how firm, and where it was read (`errors page: ...`, `RFC 6749 §5.2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    pub strength: Strength,
    #[serde(rename = "source")]
    pub text: Cow<'static, str>,
}

impl Source {
    pub const fn stated(text: &'static str) -> Source {
        Source {
            strength: Strength::Stated,
            text: Cow::Borrowed(text),
        }
    }

    pub const fn example(text: &'static str) -> Source {
        Source {
            strength: Strength::Example,
            text: Cow::Borrowed(text),
        }
    }

    pub const fn convention(text: &'static str) -> Source {
        Source {
            strength: Strength::Convention,
            text: Cow::Borrowed(text),
        }
    }

    pub const fn reading(text: &'static str) -> Source {
        Source {
            strength: Strength::Reading,
            text: Cow::Borrowed(text),
        }
    }

    pub fn new(strength: Strength, text: impl Into<String>) -> Source {
        Source {
            strength,
            text: Cow::Owned(text.into()),
        }
    }

    /// The same text, no firmer than `cap` (a claim that rests on an implied parameter).
    pub fn at_most(&self, cap: Strength) -> Source {
        Source {
            strength: self.strength.max(cap),
            text: self.text.clone(),
        }
    }

    /// The source with a reason added to its text.
    pub fn because(self, why: &str) -> Source {
        Source {
            strength: self.strength,
            text: Cow::Owned(format!("{}; {why}", self.text)),
        }
    }
}

impl fmt::Display for Source {
    /// `stated: errors page: ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.strength, self.text)
    }
}

pub const CLIENT_STATUS: Source =
    Source::stated("errors page: client errors 400-499 travel with that same HTTP status");
pub const SERVER_STATUS: Source =
    Source::stated("errors page: server errors travel as HTTP 520, never 500-599 otherwise");
pub const CUSTOM_STATUS_3_7: Source = Source::stated(
    "API 3.7 spec, default error response: custom codes (1000 and above) travel with HTTP 520",
);
pub const CUSTOM_STATUS_BEFORE_3_7: Source = Source::reading(
    "the 3.7 spec sends custom codes (1000 and above) with 520; the spec of this version says it of server errors only",
);
pub const ENVELOPE: Source =
    Source::stated("errors page and spec ErrorResponse: {\"errors\":[{message, type, code, ...}]}");
pub const JSON_BODY: Source = Source::stated("spec: every error response is application/json");
pub const JSON_SUBTYPE: Source =
    Source::convention("a +json media type carries JSON, but the spec names application/json");
pub const TYPE_ENUM: Source = Source::stated(
    "spec ResponseErrorType: logical, retryableLogical, security, transport, unspecified",
);
pub const TYPE_CASING: Source = Source::reading(
    "the spec enum spells retryableLogical and the prose retryablelogical; other casings are a reading",
);
pub const CODE_INTEGER: Source = Source::stated("spec ResponseError: code is an integer");
pub const CODE_TABLE: Source =
    Source::stated("errors page: the code table (400 ... 9000) lists every code");
pub const ONE_NAME: Source =
    Source::stated("errors page: propertyName replaces parameterName, never both");
pub const MESSAGE_PRESENT: Source =
    Source::stated("spec ResponseError: message (a string) is required");
pub const MESSAGE_429: Source =
    Source::example("errors page: the documented 429 example has no message");
pub const MESSAGE_NAMES_RESOURCE: Source =
    Source::stated("errors page: code 404, the message names the missing resource");
pub const FIELD_CASING: Source = Source::reading(
    "the contract names inputs as the spec spells them; another casing is a reading",
);
/// A 401 says authorization is required: the answer to missing or bad credentials, never to a
/// token the console accepts but a role it refuses.
pub const REFUSED_NOT_UNAUTHORIZED: Source = Source::stated(
    "errors page: 401 authorization is required, 403 access to the requested resource is forbidden; a valid token of a refused role is 403",
);
pub const PARAMETER_NAMED: Source = Source::stated(
    "errors page: 400 carries parameterName, the query or path parameter with the invalid value",
);
pub const PROPERTY_NAMED: Source = Source::stated(
    "errors page: propertyName replaces parameterName when a body property is wrong",
);
pub const PROPERTY_FORM: Source = Source::reading(
    "the contract does not say how propertyName spells a nested property (leaf, dotted path, JSON Pointer, JSONPath); the full path is the plain reading",
);
pub const DECLARED_CONSTRAINT: Source = Source::stated(
    "spec of the version under test: the input's declared schema; errors page: 400 invalid data input",
);
pub const ORDER_OF_CHECKS: Source =
    Source::reading("the contract does not say in which order a console checks a request");
pub const OAUTH2_SHAPE: Source = Source::stated(
    "spec POST /token and RFC 6749 §5.2: {\"error\", \"error_description\", \"error_uri\"}",
);
pub const OAUTH2_STATUS: Source =
    Source::stated("RFC 6749 §5.2: 400 Bad Request (401 allowed for invalid_client)");
pub const OAUTH2_CODES: Source = Source::stated(
    "RFC 6749 §5.2: error is invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type or invalid_scope",
);
pub const OAUTH2_DESCRIPTION: Source =
    Source::stated("RFC 6749 §5.2: error_description is optional");
pub static NO_SOURCE: Source = Source::stated("the case's own expectation (it names no source)");

/// Whether custom codes (>= 1000) travelling with 520 is stated for `version`.
pub fn custom_code_status(version: ApiVersion) -> Source {
    if version.states_custom_code_status() {
        CUSTOM_STATUS_3_7
    } else {
        CUSTOM_STATUS_BEFORE_3_7
    }
}
