//! Stopping a run before its last case. The first SIGINT or SIGTERM asks the runner to stop:
//! its workers finish the cases they hold and take no other, and the run ends with the cases
//! that finished, marked [`Interruption`]. Whoever hears the signal (the binary) and the
//! runner's workers share one [`Stop`]; nothing here knows how signals are heard.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The signals that stop a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Signal {
    #[serde(rename = "SIGINT")]
    Interrupt,
    #[serde(rename = "SIGTERM")]
    Terminate,
}

impl Signal {
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    /// 128 + the signal's number, as a shell reports a process the signal ended: CI systems and
    /// scripts read 130 and 143 as "interrupted" whether the process died or finished its
    /// reports first.
    pub fn exit_status(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request to stop a run, shared by whoever hears the signal and the runner. Only the first
/// request counts: a run is interrupted by one signal.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<OnceLock<Signal>>);

impl Stop {
    /// Asks the run to stop; `false` when it had been asked already.
    pub fn request(&self, signal: Signal) -> bool {
        self.0.set(signal).is_ok()
    }

    /// The signal that asked the run to stop, once one has.
    pub fn requested(&self) -> Option<Signal> {
        self.0.get().copied()
    }
}

/// A run a signal stopped: the cases that finished are reported, `not_run` were never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interruption {
    pub signal: Signal,
    pub not_run: usize,
}

impl fmt::Display for Interruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} not run: interrupted by {}",
            cases(self.not_run),
            self.signal
        )
    }
}

/// A run that sent nothing because its target could not be reached or authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetFailure {
    /// The error, as the command printed it (`cannot reach https://...: ...`).
    pub reason: String,
    pub not_run: usize,
}

impl fmt::Display for TargetFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} not run: {}", cases(self.not_run), self.reason)
    }
}

/// `1 case`, `7412 cases`.
fn cases(n: usize) -> String {
    format!("{n} case{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_request_counts() {
        let stop = Stop::default();
        assert_eq!(stop.requested(), None);
        assert!(stop.clone().request(Signal::Terminate));
        assert!(!stop.request(Signal::Interrupt));
        assert_eq!(stop.requested(), Some(Signal::Terminate));
    }

    #[test]
    fn an_interruption_reads_as_a_sentence_and_serializes_by_the_signals_name() {
        let i = Interruption {
            signal: Signal::Interrupt,
            not_run: 1,
        };
        assert_eq!(i.to_string(), "1 case not run: interrupted by SIGINT");
        assert_eq!(
            serde_json::to_value(i).unwrap(),
            serde_json::json!({"signal": "SIGINT", "not_run": 1})
        );
    }
}
