//! The conformance matrix: one row per code of the catalogue (one for OAuth2 errors, and one
//! for the calls the spec admits anonymously), one
//! column per check, each cell `passed/run`. Counted once, case by case as a run's cases finish
//! ([`Counter`]) or from merged records; every reporter renders this model and none recounts.

use crate::case::ExpectedError;
use crate::check::{Check, Verdict};
use crate::contract::{ApiVersion, Contract};
use crate::coverage::{Broke, Counting, Coverage, Reach, Refusal};
use crate::outcome::{CaseReport, Outcome};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowKey {
    Code(u16),
    OAuth2,
    /// Calls that must be let through: the anonymous operations without a token.
    Admitted,
}

impl RowKey {
    /// The row a case's expectation belongs to.
    pub fn of(expected: &ExpectedError) -> RowKey {
        match expected {
            ExpectedError::Vspc { code } => RowKey::Code(*code),
            ExpectedError::OAuth2 { .. } => RowKey::OAuth2,
            ExpectedError::Admitted => RowKey::Admitted,
        }
    }

    /// The row's name in reports: the code, `oauth2` or `admitted`.
    pub fn id(&self) -> String {
        match self {
            RowKey::Code(code) => code.to_string(),
            RowKey::OAuth2 => "oauth2".into(),
            RowKey::Admitted => "admitted".into(),
        }
    }
}

impl fmt::Display for RowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowKey::Code(code) => write!(f, "{code}"),
            RowKey::OAuth2 => f.write_str("OAuth2"),
            RowKey::Admitted => f.write_str("admitted"),
        }
    }
}

/// One check over the cases of one row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Verdicts that did not fail: pass and deviation.
    pub passed: usize,
    pub deviations: usize,
    /// Verdicts other than skip.
    pub run: usize,
}

impl Cell {
    pub fn failed(&self) -> usize {
        self.run - self.passed
    }
}

impl fmt::Display for Cell {
    /// `passed/run`, or `-` when the check never ran for the row.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.run == 0 {
            f.write_str("-")
        } else {
            write!(f, "{}/{}", self.passed, self.run)
        }
    }
}

/// The checks that ran, of a case's verdicts (a skipped check did not).
pub fn ran(verdicts: impl IntoIterator<Item = (Check, Verdict)>) -> Vec<Check> {
    verdicts
        .into_iter()
        .filter(|(_, v)| *v != Verdict::Skip)
        .map(|(c, _)| c)
        .collect()
}

/// How a case counts in the matrix: by its verdicts, or apart when it could not be judged.
pub enum Tally<V> {
    Judged(V),
    Inconclusive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub key: RowKey,
    /// Judged cases expecting this code (inconclusive, skipped and errored cases are not
    /// counted).
    pub cases: usize,
    /// Cases expecting this code that could not be judged; their verdicts are in no cell.
    pub inconclusive: usize,
    /// In [`Check::ALL`] order.
    pub cells: [Cell; 6],
}

impl Row {
    pub fn cell(&self, check: Check) -> Cell {
        self.cells[Check::ALL.iter().position(|c| *c == check).unwrap_or(0)]
    }

    pub fn conforming(&self) -> bool {
        self.cells.iter().all(|c| c.failed() == 0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// Every catalogue code in order, then OAuth2, then the admitted calls.
    pub rows: Vec<Row>,
    /// The operations of the version under test the cases reached, counted beside the rows
    /// (by the runner, or from merged records) when the version is known.
    pub operations: Option<Coverage>,
}

/// A run's matrix counted case by case as the cases finish, each while its report is fresh,
/// rather than in passes over every report at the end.
pub struct Counter {
    rows: Rows,
    operations: Option<Counting>,
}

impl Counter {
    /// With the operations of `version` when it is known.
    pub fn new(version: Option<ApiVersion>) -> Counter {
        Counter {
            rows: Rows::new(),
            operations: version.map(Counting::new),
        }
    }

    pub fn add(&mut self, report: &CaseReport) {
        if let (Some(operations), Some(role)) = (&mut self.operations, refused_role(&report.case)) {
            operations.refusal(Refusal {
                role,
                method: &report.case.request.method,
                path: &report.case.request.path,
                outcome: report.outcome.kind(),
            });
        }
        if let (Some(operations), Some(exchange)) = (&mut self.operations, &report.exchange) {
            operations.add(Reach {
                method: &exchange.request.method,
                path: &exchange.request.path,
                provoked: exchange.said.provoked(),
                checks: ran(report.checks.iter().map(|c| (c.check, c.verdict))),
                broke: report.case.broken.as_ref().map(|b| Broke {
                    constraint: &b.label,
                    outcome: report.outcome.kind(),
                }),
            });
        }
        let tally = match report.outcome {
            Outcome::Conforming | Outcome::NonConforming => {
                Tally::Judged(report.checks.iter().map(|c| (c.check, c.verdict)))
            }
            Outcome::Inconclusive(_) => Tally::Inconclusive,
            Outcome::Skipped(_) | Outcome::Error(_) => return,
        };
        self.rows.add(RowKey::of(&report.case.expect.error), tally);
    }

    /// The roles the run had credentials for, for the roles line.
    pub fn roles_given(&mut self, given: impl IntoIterator<Item = crate::contract::Role>) {
        if let Some(operations) = &mut self.operations {
            operations.roles_given(given);
        }
    }

    pub fn finish(self) -> Matrix {
        Matrix {
            rows: self.rows.0,
            operations: self.operations.map(Counting::finish),
        }
    }
}

/// The role a case expects to be refused: sent with a role's token, expecting 403.
pub fn refused_role(case: &crate::case::Case) -> Option<crate::contract::Role> {
    let role = case.request.credentials.role()?;
    (case.expect.error.code() == Some(403)).then_some(role)
}

/// The rows as they are counted: every catalogue code in order, then OAuth2, then the admitted
/// calls.
struct Rows(Vec<Row>);

impl Rows {
    fn new() -> Rows {
        Rows(
            Contract::get()
                .codes()
                .map(|c| RowKey::Code(c.code))
                .chain([RowKey::OAuth2, RowKey::Admitted])
                .map(|key| Row {
                    key,
                    cases: 0,
                    inconclusive: 0,
                    cells: [Cell::default(); 6],
                })
                .collect(),
        )
    }

    /// The one place cells are counted: one evaluated case with its row and verdicts.
    fn add<V>(&mut self, key: RowKey, tally: Tally<V>)
    where
        V: IntoIterator<Item = (Check, Verdict)>,
    {
        let Some(row) = self.0.iter_mut().find(|r| r.key == key) else {
            return;
        };
        let verdicts = match tally {
            Tally::Judged(verdicts) => verdicts,
            Tally::Inconclusive => {
                row.inconclusive += 1;
                return;
            }
        };
        row.cases += 1;
        for (check, verdict) in verdicts {
            let Some(i) = Check::ALL.iter().position(|c| *c == check) else {
                continue;
            };
            let cell = &mut row.cells[i];
            match verdict {
                Verdict::Skip => {}
                Verdict::Pass => {
                    cell.run += 1;
                    cell.passed += 1;
                }
                Verdict::Deviation => {
                    cell.run += 1;
                    cell.passed += 1;
                    cell.deviations += 1;
                }
                Verdict::Fail => cell.run += 1,
            }
        }
    }
}

impl Matrix {
    /// Who may call what, when the run had credentials for some role.
    pub fn roles(&self) -> Option<&crate::coverage::Roles> {
        self.operations
            .as_ref()
            .map(|c| &c.roles)
            .filter(|r| r.given() > 0)
    }

    /// The matrix of a run's case reports, with the operations of `version` they reached.
    pub fn of_run(
        reports: &[CaseReport],
        version: ApiVersion,
        roles_given: impl IntoIterator<Item = crate::contract::Role>,
    ) -> Matrix {
        let mut counter = Counter::new(Some(version));
        counter.roles_given(roles_given);
        reports.iter().for_each(|r| counter.add(r));
        counter.finish()
    }

    /// The matrix of a run's case reports.
    pub fn build(reports: &[CaseReport]) -> Matrix {
        let mut counter = Counter::new(None);
        reports.iter().for_each(|r| counter.add(r));
        counter.finish()
    }

    /// The one way cells are counted, for a list of evaluated cases (conforming or not), each
    /// with its row and its verdicts: `merge` feeds it the cases of JSON reports, so a merged
    /// matrix is counted exactly as a single run's ([`Counter`]).
    pub fn tally<V>(evaluated: impl IntoIterator<Item = (RowKey, Tally<V>)>) -> Matrix
    where
        V: IntoIterator<Item = (Check, Verdict)>,
    {
        let mut rows = Rows::new();
        for (key, tally) in evaluated {
            rows.add(key, tally);
        }
        Matrix {
            rows: rows.0,
            operations: None,
        }
    }

    /// Catalogue codes no evaluated case exercised.
    pub fn unexercised_codes(&self) -> Vec<u16> {
        self.rows
            .iter()
            .filter_map(|r| match r.key {
                RowKey::Code(code) if r.cases == 0 => Some(code),
                _ => None,
            })
            .collect()
    }

    /// `429 ×1, 1000 ×2`: the rows with cases that could not be judged, or None.
    pub fn inconclusive_line(&self) -> Option<String> {
        let rows: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.inconclusive > 0)
            .map(|r| format!("{} ×{}", r.key, r.inconclusive))
            .collect();
        (!rows.is_empty()).then(|| rows.join(", "))
    }

    /// How many catalogue codes some case exercised, of how many.
    pub fn coverage(&self) -> (usize, usize) {
        let codes = self
            .rows
            .iter()
            .filter(|r| matches!(r.key, RowKey::Code(_)));
        let total = codes.clone().count();
        (total - self.unexercised_codes().len(), total)
    }
}
