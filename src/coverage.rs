//! Coverage per operation: for each operation of the version under test, how many sent cases
//! reached it, the error codes they provoked and the checks that ran on the answers; and the
//! operations no case reached, by tag. Counted once ([`Coverage::count`]), from a run's reports
//! or from merged records, and carried beside the matrix for every reporter to render.
//! A run counts its cases one by one as they finish ([`Counting`]).

use crate::contract::{ApiVersion, Check, Contract, Operation, Operations, Route, TrailingSlash};
use crate::exchange::Said;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a over a case's method and path: the routing memo is asked once per sent case, and
/// SipHash's resistance to chosen keys buys nothing for paths the harness itself generated.
#[derive(Default)]
struct PathHasher(u64);

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// One sent case, as coverage counts it.
pub struct Reach<'a> {
    pub method: &'a str,
    /// The path as sent, under `/api/v3`.
    pub path: &'a str,
    /// The error the answer named: its VSPC `code`, or its OAuth2 `error`.
    pub provoked: Option<String>,
    /// The checks that ran on the answer (a skipped check did not).
    pub checks: Vec<Check>,
}

/// The error an answer's body names: the first error's `code`, or an OAuth2 `error`.
pub fn provoked(body: &Value) -> Option<String> {
    Said::of(Some(body)).provoked()
}

/// What the cases did to one operation.
#[derive(Debug, Clone)]
pub struct Reached {
    pub operation: &'static Operation,
    pub cases: usize,
    pub codes: BTreeSet<String>,
    pub checks: BTreeSet<Check>,
}

/// The same operation of the catalogue (there is one per process), reached alike.
impl PartialEq for Reached {
    fn eq(&self, other: &Reached) -> bool {
        std::ptr::eq(self.operation, other.operation)
            && (self.cases, &self.codes, &self.checks) == (other.cases, &other.codes, &other.checks)
    }
}

impl Eq for Reached {}

/// Every operation of one version's catalogue, in catalogue order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub version: ApiVersion,
    pub operations: Vec<Reached>,
}

/// Coverage counted one sent case at a time, as a run's cases finish: each is counted while
/// its report is fresh, not in a pass over every report at the end.
pub struct Counting {
    version: ApiVersion,
    catalogue: &'static Operations,
    operations: Vec<Reached>,
    index: BTreeMap<(&'static str, &'static str), usize>,
    /// Cases share paths (a sweep's rules each visit every operation): each path is routed once,
    /// per method.
    routed: Vec<(String, Memo)>,
    /// The checks that ran, per operation, as bits (`Check as u8`) until the end: a case adds
    /// its few without touching a set.
    ran: Vec<u8>,
}

type Memo = HashMap<String, Option<usize>, BuildHasherDefault<PathHasher>>;

impl Counting {
    pub fn new(version: ApiVersion) -> Counting {
        let catalogue = Contract::get().catalogue(version);
        let operations: Vec<Reached> = catalogue
            .all()
            .iter()
            .map(|operation| Reached {
                operation,
                cases: 0,
                codes: BTreeSet::new(),
                checks: BTreeSet::new(),
            })
            .collect();
        Counting {
            version,
            catalogue,
            index: catalogue
                .all()
                .iter()
                .enumerate()
                .map(|(i, op)| ((op.method.as_str(), op.path.as_str()), i))
                .collect(),
            ran: vec![0; operations.len()],
            operations,
            routed: Vec::new(),
        }
    }

    pub fn add(&mut self, reach: Reach<'_>) {
        let Some(i) = self.operation(reach.method, reach.path) else {
            return;
        };
        let reached = &mut self.operations[i];
        reached.cases += 1;
        if let Some(code) = reach.provoked
            && !reached.codes.contains(&code)
        {
            reached.codes.insert(code);
        }
        self.ran[i] |= reach.checks.iter().fold(0, |bits, &c| bits | 1 << c as u8);
    }

    /// The operation a method and path reach, routed once per distinct pair.
    fn operation(&mut self, method: &str, path: &str) -> Option<usize> {
        let at = match self.routed.iter().position(|(m, _)| m == method) {
            Some(at) => at,
            None => {
                self.routed.push((method.to_string(), Memo::default()));
                self.routed.len() - 1
            }
        };
        let memo = &mut self.routed[at].1;
        if let Some(known) = memo.get(path) {
            return *known;
        }
        let found = match self.catalogue.route(method, path, TrailingSlash::Ignored) {
            Route::Found(op, _) => self
                .index
                .get(&(op.method.as_str(), op.path.as_str()))
                .copied(),
            _ => None,
        };
        memo.insert(path.to_string(), found);
        found
    }

    pub fn finish(mut self) -> Coverage {
        for (reached, bits) in self.operations.iter_mut().zip(self.ran) {
            reached.checks = Check::ALL
                .into_iter()
                .filter(|&c| bits & 1 << c as u8 != 0)
                .collect();
        }
        Coverage {
            version: self.version,
            operations: self.operations,
        }
    }
}

impl Coverage {
    /// Routes each sent case to the operation of `version` that serves its path; a path outside
    /// the catalogue (a case about unknown paths) reaches none.
    pub fn count<'a>(version: ApiVersion, sent: impl IntoIterator<Item = Reach<'a>>) -> Coverage {
        let mut counting = Counting::new(version);
        sent.into_iter().for_each(|reach| counting.add(reach));
        counting.finish()
    }

    pub fn total(&self) -> usize {
        self.operations.len()
    }

    /// Operations some case reached.
    pub fn reached(&self) -> usize {
        self.operations.iter().filter(|r| r.cases > 0).count()
    }

    /// Per tag: the operations reached, of how many.
    pub fn by_tag(&self) -> BTreeMap<&str, (usize, usize)> {
        let mut tags: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for r in &self.operations {
            let t = tags.entry(r.operation.tag.as_str()).or_default();
            t.0 += usize::from(r.cases > 0);
            t.1 += 1;
        }
        tags
    }

    /// Per tag, the operations no case reached (`GET /path`), in catalogue order.
    pub fn unreached(&self) -> BTreeMap<&str, Vec<String>> {
        let mut tags: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for r in self.operations.iter().filter(|r| r.cases == 0) {
            tags.entry(r.operation.tag.as_str())
                .or_default()
                .push(format!("{} {}", r.operation.method, r.operation.path));
        }
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sent_cases_reach_the_operation_their_path_routes_to() {
        let sent = [
            Reach {
                method: "GET",
                path: "/organizations/companies/5eed0001-0000-4000-8000-000000000001",
                provoked: Some("404".into()),
                checks: vec![Check::Status, Check::Code],
            },
            Reach {
                method: "GET",
                path: "/organizations/companies/not-a-uuid",
                provoked: provoked(&json!({"errors": [{"code": 400}]})),
                checks: vec![Check::Field],
            },
            Reach {
                method: "GET",
                path: "/no/such/path",
                provoked: Some("404".into()),
                checks: vec![Check::Status],
            },
        ];
        let coverage = Coverage::count(ApiVersion::FALLBACK, sent);
        assert_eq!(coverage.reached(), 1);
        assert_eq!(coverage.total(), 942);
        let item = coverage
            .operations
            .iter()
            .find(|r| r.cases > 0)
            .expect("one operation reached");
        assert_eq!(item.operation.path, "/organizations/companies/{companyUid}");
        assert_eq!(item.cases, 2);
        assert_eq!(item.codes, BTreeSet::from(["400".into(), "404".into()]));
        assert_eq!(
            item.checks,
            BTreeSet::from([Check::Status, Check::Code, Check::Field])
        );
        let unreached: usize = coverage.unreached().values().map(Vec::len).sum();
        assert_eq!(unreached, 941);
        assert_eq!(
            provoked(&json!({"error": "invalid_grant"})),
            Some("invalid_grant".into())
        );
        assert_eq!(provoked(&json!({"data": []})), None);
    }
}
