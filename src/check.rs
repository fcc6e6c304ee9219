//! Check: an exchange and a case's expectation become one verdict per check.

use serde::Serialize;
use std::fmt;

/// The six checks of the contract, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    Status,
    Envelope,
    Type,
    Code,
    Field,
    Message,
}

impl Check {
    pub const ALL: [Check; 6] =
        [Check::Status, Check::Envelope, Check::Type, Check::Code, Check::Field, Check::Message];

    pub fn as_str(self) -> &'static str {
        match self {
            Check::Status => "status",
            Check::Envelope => "envelope",
            Check::Type => "type",
            Check::Code => "code",
            Check::Field => "field",
            Check::Message => "message",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check's verdict. A case conforms when none of its checks fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Skip,
    /// Allowed by a reading of the contract, but not its canonical form.
    Deviation,
}
