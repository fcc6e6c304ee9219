//! The conformance matrix: one row per code of the catalogue (and one for OAuth2 errors), one
//! column per check, each cell `passed/run`. Built once from the case reports; every reporter
//! renders this model and none recounts.

use crate::case::ExpectedError;
use crate::check::{Check, Verdict};
use crate::contract::Contract;
use crate::run::{CaseReport, Outcome};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RowKey {
    Code(u16),
    OAuth2,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub key: RowKey,
    /// Evaluated cases expecting this code (skipped and errored cases are not counted).
    pub cases: usize,
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
}

impl Matrix {
    pub fn build(reports: &[CaseReport]) -> Matrix {
        let mut rows: Vec<Row> = Contract::get()
            .codes()
            .map(|c| RowKey::Code(c.code))
            .chain([RowKey::OAuth2])
            .map(|key| Row {
                key,
                cases: 0,
                cells: [Cell::default(); 6],
            })
            .collect();
        for report in reports {
            if !matches!(report.outcome, Outcome::Conforming | Outcome::NonConforming) {
                continue;
            }
            let key = match &report.case.expect.error {
                ExpectedError::Vspc { code } => RowKey::Code(*code),
                ExpectedError::OAuth2 { .. } => RowKey::OAuth2,
            };
            let Some(row) = rows.iter_mut().find(|r| r.key == key) else {
                continue;
            };
            row.cases += 1;
            for result in &report.checks {
                let Some(i) = Check::ALL.iter().position(|c| *c == result.check) else {
                    continue;
                };
                let cell = &mut row.cells[i];
                match result.verdict {
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
        Matrix { rows }
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
