//! Outcomes: how a case ended (and why, when it was inconclusive, skipped or an error), the case
//! report that carries it with its verdicts, and the summary of a run. Data only: the runner
//! decides outcomes, the matrix and the reporters read them.

use crate::baseline::Standing;
use crate::case::Case;
use crate::check::CheckResult;
use crate::contract::{ApiVersion, Role};
use crate::exchange::Exchange;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// How one case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No check failed.
    Conforming,
    /// At least one check failed.
    NonConforming,
    /// Sent, but the target did not meet the case's precondition, so the case could not provoke
    /// its error: neither conforming nor not.
    Inconclusive(Inconclusive),
    /// Not sent, with the reason (a mock-only case on a real console, an unresolved variable...).
    Skipped(Skip),
    /// Sent, but could not be evaluated (transport failure), with the reason.
    Error(String),
}

impl Outcome {
    pub fn as_str(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The outcome without its reason.
    pub fn kind(&self) -> OutcomeKind {
        OutcomeKind::of(self)
    }

    pub fn reason(&self) -> Option<String> {
        match self {
            Outcome::Skipped(why) => Some(why.to_string()),
            Outcome::Error(r) => Some(r.clone()),
            Outcome::Inconclusive(why) => Some(why.to_string()),
            _ => None,
        }
    }
}

/// Why a case was not sent. Decided in one place, `run::skip_reason`, which `--dry-run` asks
/// too; reporters group skips by this value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Skip {
    /// The case's operation is not in the catalogue of the version the target speaks.
    NotInVersion {
        version: ApiVersion,
        operation: String,
        versions: String,
    },
    /// The case provokes its error through a trigger only the embedded mock has.
    MockOnly,
    /// The case changes the target, and mutations were not allowed.
    Mutating,
    /// The case needs the `read-only` credential, and the target has none.
    NeedsReadOnly,
    /// Discovery could not read a variable the case needs, for this reason.
    Undiscovered { variable: String, why: String },
    /// Variables the case needs that have no value on this target.
    Unresolved { variables: Vec<String> },
    /// The target has no credentials of this kind.
    NoCredentials(&'static str),
}

impl Skip {
    /// A short name of the reason, for listings that tag each skipped case (a test runner's
    /// kind column).
    pub fn kind(&self) -> &'static str {
        match self {
            Skip::NotInVersion { .. } => "not-in-version",
            Skip::MockOnly => "mock-only",
            Skip::Mutating => "mutating",
            Skip::NeedsReadOnly => "needs-read-only",
            Skip::Undiscovered { .. } | Skip::Unresolved { .. } => "unresolved",
            Skip::NoCredentials(_) => "no-credentials",
        }
    }
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::NotInVersion {
                version,
                operation,
                versions,
            } => write!(
                f,
                "not in API {version}: the case (`{operation}`) applies at API {versions} only"
            ),
            Skip::MockOnly => {
                f.write_str("mock-only: uses a trigger only the embedded mock console has")
            }
            Skip::Mutating => f.write_str(
                "mutating: changes the target; run with --allow-mutations to include it",
            ),
            Skip::NeedsReadOnly => f.write_str(
                "needs a read-only token: give --readonly-token, or --username/--password",
            ),
            Skip::Undiscovered { variable, why } => write!(
                f,
                "unresolved variable {{{variable}}}: {why} (give it with --var)"
            ),
            Skip::Unresolved { variables } => {
                let names: Vec<String> = variables.iter().map(|v| format!("{{{v}}}")).collect();
                let flags: Vec<String> = variables
                    .iter()
                    .map(|v| format!("--var {v}=VALUE"))
                    .collect();
                write!(
                    f,
                    "unresolved variable{} {}: give {}",
                    if variables.len() > 1 { "s" } else { "" },
                    names.join(", "),
                    flags.join(" ")
                )
            }
            Skip::NoCredentials(kind) => write!(f, "no {kind} credentials on this target"),
        }
    }
}

/// Why a sent case could not be judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inconclusive {
    /// No copy of a burst was throttled: the target's limits are above the burst (or off).
    NeverThrottled { sent: u32 },
    /// The target accepted the request where the case's claim rests on an example, a
    /// convention or a reading: the console may read the contract otherwise.
    Accepted { status: u16 },
    /// A case on seeded resources (`{variables}`) got success or another well-formed error:
    /// the resource the variable names may not be in the state the case needs.
    StateNotMet { status: u16, code: Option<i64> },
    /// The async action was still running when the wait ended.
    StillRunning { action: String, waited: Duration },
    /// The answer is a check the console made first (a 404 for an id that exists nowhere, a
    /// 401, a 403), conforming by its own rules: what the case breaks was not reached.
    NotReached { status: u16, code: i64 },
    /// The role's token was refused (or its login failed) where the spec admits the role: a
    /// refusal elsewhere would prove nothing. Nothing was sent.
    RoleUnusable { role: Role, why: String },
}

impl std::fmt::Display for Inconclusive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Inconclusive::NeverThrottled { sent } => write!(
                f,
                "no copy of the burst of {sent} was throttled: the target's limits are higher (or throttling is off)"
            ),
            Inconclusive::Accepted { status } => write!(
                f,
                "the target accepted the request ({status}); the case's claim is not stated by the contract"
            ),
            Inconclusive::StateNotMet { status, code } => {
                let answer = match code {
                    Some(code) => format!("code {code} (HTTP {status})"),
                    None => format!("HTTP {status}"),
                };
                write!(
                    f,
                    "answered {answer}: the resource the case's variables name may not be in the state it needs"
                )
            }
            Inconclusive::StillRunning { action, waited } => write!(
                f,
                "async action {action} still running after {waited:?} (raise --async-timeout)"
            ),
            Inconclusive::NotReached { status, code } => write!(
                f,
                "not reached: answered code {code} (HTTP {status}) first, a check the contract lets a console make before this one"
            ),
            Inconclusive::RoleUnusable { role, why } => write!(
                f,
                "the {role} token cannot be trusted to be valid, so its refusal proves nothing: {why}"
            ),
        }
    }
}

/// A finished case: what was sent and seen, and the verdicts.
#[derive(Debug, Clone)]
pub struct CaseReport {
    pub case: Arc<Case>,
    pub outcome: Outcome,
    pub exchange: Option<Exchange>,
    pub checks: Vec<CheckResult>,
    pub elapsed: Duration,
    /// Where the case stands against the baseline, when the run has one.
    pub standing: Option<Standing>,
}

/// Counts of a finished run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub cases: usize,
    pub conforming: usize,
    pub non_conforming: usize,
    pub inconclusive: usize,
    pub skipped: usize,
    pub errors: usize,
    /// The cases a baseline file named or should have named, when the run has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineCounts>,
}

/// How the judged cases stand against the baseline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BaselineCounts {
    pub known: usize,
    pub new: usize,
    pub changed: usize,
    pub expired: usize,
    pub fixed: usize,
    /// Of `fixed`, those that fail the run (`--strict-baseline`).
    pub stale: usize,
}

impl Summary {
    pub fn of(reports: &[CaseReport]) -> Summary {
        Summary::count(
            reports
                .iter()
                .map(|r| (r.outcome.kind(), r.standing.as_ref())),
        )
    }

    /// The one place outcomes are counted: a run's reports, or the cases of JSON reports read
    /// back and merged.
    pub fn count<'a>(
        outcomes: impl IntoIterator<Item = (OutcomeKind, Option<&'a Standing>)>,
    ) -> Summary {
        let mut s = Summary::default();
        for (outcome, standing) in outcomes {
            s.add(outcome, standing);
        }
        s
    }

    /// Counts one more case (a runner counts its cases as they finish).
    pub fn add(&mut self, outcome: OutcomeKind, standing: Option<&Standing>) {
        if let Some(standing) = standing {
            let b = self.baseline.get_or_insert_with(BaselineCounts::default);
            match standing {
                Standing::Known { .. } => b.known += 1,
                Standing::New => b.new += 1,
                Standing::Changed { .. } => b.changed += 1,
                Standing::Expired { .. } => b.expired += 1,
                Standing::Fixed { .. } => {
                    b.fixed += 1;
                    b.stale += usize::from(standing.fails());
                }
            }
        }
        self.cases += 1;
        match outcome {
            OutcomeKind::Conforming => self.conforming += 1,
            OutcomeKind::NonConforming => self.non_conforming += 1,
            OutcomeKind::Inconclusive => self.inconclusive += 1,
            OutcomeKind::Skipped => self.skipped += 1,
            OutcomeKind::Error => self.errors += 1,
        }
    }

    /// Every evaluated case conformed, or failed as a baseline entry says (skips do not break
    /// a run; errors do, and so does a fixed entry under `--strict-baseline`).
    pub fn passed(&self) -> bool {
        let (known, stale) = self.baseline.map_or((0, 0), |b| (b.known, b.stale));
        self.non_conforming == known && stale == 0 && self.errors == 0
    }
}

/// How a case ended, as the report spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Conforming,
    NonConforming,
    Inconclusive,
    Skipped,
    Error,
}

impl OutcomeKind {
    pub fn of(outcome: &Outcome) -> OutcomeKind {
        match outcome {
            Outcome::Conforming => OutcomeKind::Conforming,
            Outcome::NonConforming => OutcomeKind::NonConforming,
            Outcome::Inconclusive(_) => OutcomeKind::Inconclusive,
            Outcome::Skipped(_) => OutcomeKind::Skipped,
            Outcome::Error(_) => OutcomeKind::Error,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Conforming => "conforming",
            OutcomeKind::NonConforming => "non_conforming",
            OutcomeKind::Inconclusive => "inconclusive",
            OutcomeKind::Skipped => "skipped",
            OutcomeKind::Error => "error",
        }
    }

    /// Sent and checked: the cases the matrix counts.
    pub fn evaluated(self) -> bool {
        matches!(self, OutcomeKind::Conforming | OutcomeKind::NonConforming)
    }
}
