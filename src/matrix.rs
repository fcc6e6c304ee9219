//! The conformance matrix: one row per code of the catalogue (and one for OAuth2 errors), one
//! column per check, each cell `passed/run`. Built once from the case reports; every reporter
//! renders this model and none recounts.

use crate::case::ExpectedError;
use crate::check::{Check, Verdict};
use crate::contract::{ApiVersion, Contract};
use crate::coverage::{Coverage, Reach};
use crate::outcome::{CaseReport, Outcome};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowKey {
    Code(u16),
    OAuth2,
}

impl RowKey {
    /// The row a case's expectation belongs to.
    pub fn of(expected: &ExpectedError) -> RowKey {
        match expected {
            ExpectedError::Vspc { code } => RowKey::Code(*code),
            ExpectedError::OAuth2 { .. } => RowKey::OAuth2,
        }
    }

    /// The row's name in reports: the code, or `oauth2`.
    pub fn id(&self) -> String {
        match self {
            RowKey::Code(code) => code.to_string(),
            RowKey::OAuth2 => "oauth2".into(),
        }
    }
}

impl fmt::Display for RowKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowKey::Code(code) => write!(f, "{code}"),
            RowKey::OAuth2 => f.write_str("OAuth2"),
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
    /// Every catalogue code in order, then OAuth2.
    pub rows: Vec<Row>,
    /// The operations of the version under test the cases reached, counted beside the rows
    /// (by the runner, or from merged records) when the version is known.
    pub operations: Option<Coverage>,
}

impl Matrix {
    /// The matrix of a run's case reports, with the operations of `version` they reached.
    pub fn of_run(reports: &[CaseReport], version: ApiVersion) -> Matrix {
        let reached = reports.iter().filter_map(|r| {
            let exchange = r.exchange.as_ref()?;
            Some(Reach {
                method: &exchange.request.method,
                path: &exchange.request.path,
                provoked: exchange.said.provoked(),
                checks: ran(r.checks.iter().map(|c| (c.check, c.verdict))),
            })
        });
        Matrix {
            operations: Some(Coverage::count(version, reached)),
            ..Matrix::build(reports)
        }
    }

    /// The matrix of a run's case reports.
    pub fn build(reports: &[CaseReport]) -> Matrix {
        Matrix::tally(reports.iter().filter_map(|r| {
            let key = RowKey::of(&r.case.expect.error);
            let tally = match r.outcome {
                Outcome::Conforming | Outcome::NonConforming => {
                    Tally::Judged(r.checks.iter().map(|c| (c.check, c.verdict)))
                }
                Outcome::Inconclusive(_) => Tally::Inconclusive,
                Outcome::Skipped(_) | Outcome::Error(_) => return None,
            };
            Some((key, tally))
        }))
    }

    /// The one place cells are counted: each evaluated case (conforming or not) with its row and
    /// its verdicts. [`Matrix::build`] feeds it a run's reports; `merge` feeds it the cases of
    /// JSON reports, so a merged matrix is counted exactly as a single run's.
    pub fn tally<V>(evaluated: impl IntoIterator<Item = (RowKey, Tally<V>)>) -> Matrix
    where
        V: IntoIterator<Item = (Check, Verdict)>,
    {
        let mut rows: Vec<Row> = Contract::get()
            .codes()
            .map(|c| RowKey::Code(c.code))
            .chain([RowKey::OAuth2])
            .map(|key| Row {
                key,
                cases: 0,
                inconclusive: 0,
                cells: [Cell::default(); 6],
            })
            .collect();
        for (key, tally) in evaluated {
            let Some(row) = rows.iter_mut().find(|r| r.key == key) else {
                continue;
            };
            let verdicts = match tally {
                Tally::Judged(verdicts) => verdicts,
                Tally::Inconclusive => {
                    row.inconclusive += 1;
                    continue;
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
        Matrix {
            rows,
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
