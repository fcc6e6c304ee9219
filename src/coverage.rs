//! Coverage per operation: for each operation of the version under test, how many sent cases
//! reached it, the error codes they provoked and the checks that ran on the answers; and the
//! operations no case reached, by tag. Beside it, coverage of the declared input constraints
//! ([`Constraints`]): how many of the version's constraints ([`crate::contract::constraint`]) a
//! case broke and judged, how many conformed, and why each of the others was not. Counted once
//! ([`Coverage::count`]), from a run's reports or from merged records, and carried beside the
//! matrix for every reporter to render. A run counts its cases one by one as they finish
//! ([`Counting`]).

use crate::case::inputs::{self, Planned};
use crate::contract::schema::Keyword;
use crate::contract::{
    ApiVersion, Check, Contract, Operation, Operations, Role, Route, TrailingSlash,
};
use crate::exchange::Said;
use crate::outcome::OutcomeKind;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

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
    /// The declared constraint the case broke, when an input sweep made it.
    pub broke: Option<Broke<'a>>,
}

/// A declared constraint a sent case broke, and how the case ended.
#[derive(Debug, Clone, Copy)]
pub struct Broke<'a> {
    /// As the census names it: `query limit: maximum`, `body organizationInput.name: required`.
    pub constraint: &'a str,
    pub outcome: OutcomeKind,
}

/// A role the spec does not admit to an operation, tried there: the role sweep's pair.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a> {
    pub role: Role,
    pub method: &'a str,
    /// The path of the case's request, under `/api/v3` (sent or not).
    pub path: &'a str,
    pub outcome: OutcomeKind,
}

/// Who may call what, as the run tried it: per role, per tag of the catalogue, the pairs of an
/// operation and a role it does not admit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roles {
    /// The roles the run had credentials for (each role's cases run only then); a role the
    /// spec admits everywhere (PortalAdministrator) has none.
    pub given: BTreeSet<Role>,
    pub cells: BTreeMap<Role, BTreeMap<String, Pairs>>,
}

/// The pairs of one role and one tag (or a total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pairs {
    /// Every pair of the run: judged or inconclusive.
    pub tried: usize,
    /// Refused as the spec says: the case conformed.
    pub refused: usize,
    /// Not refused as the spec says: let through, or refused otherwise (a 401).
    pub let_through: usize,
    /// Not judged: the role's token works nowhere, or a check came first.
    pub inconclusive: usize,
}

impl Pairs {
    fn add(&mut self, outcome: OutcomeKind) {
        match outcome {
            OutcomeKind::Conforming => self.refused += 1,
            OutcomeKind::NonConforming => self.let_through += 1,
            OutcomeKind::Inconclusive => self.inconclusive += 1,
            OutcomeKind::Skipped | OutcomeKind::Error => return,
        }
        self.tried += 1;
    }

    fn plus(self, other: Pairs) -> Pairs {
        Pairs {
            tried: self.tried + other.tried,
            refused: self.refused + other.refused,
            let_through: self.let_through + other.let_through,
            inconclusive: self.inconclusive + other.inconclusive,
        }
    }
}

impl Roles {
    pub fn given(&self) -> usize {
        self.given.len()
    }

    /// One role's pairs over every tag.
    pub fn of(&self, role: Role) -> Pairs {
        self.cells
            .get(&role)
            .into_iter()
            .flat_map(BTreeMap::values)
            .fold(Pairs::default(), |sum, p| sum.plus(*p))
    }

    /// Every pair.
    pub fn total(&self) -> Pairs {
        self.cells
            .keys()
            .fold(Pairs::default(), |sum, role| sum.plus(self.of(*role)))
    }

    /// The tags some role was tried on, in order.
    pub fn tags(&self) -> BTreeSet<&str> {
        self.cells
            .values()
            .flat_map(|tags| tags.keys().map(String::as_str))
            .collect()
    }

    /// `roles: 16 given, 7260/7260 refused as the spec says`; `roles: 16 given, none tried`
    /// when no case of the run sent a role's token where the spec admits it not.
    pub fn line(&self) -> String {
        let total = self.total();
        if total.tried == 0 {
            return format!(
                "roles: {} given, none tried (no case of this run calls an operation as a role the spec does not admit)",
                self.given()
            );
        }
        let mut line = format!(
            "roles: {} given, {}/{} refused as the spec says",
            self.given(),
            total.refused,
            total.tried
        );
        if total.let_through > 0 {
            line.push_str(&format!(", {} not", total.let_through));
        }
        if total.inconclusive > 0 {
            line.push_str(&format!(", {} inconclusive", total.inconclusive));
        }
        line
    }
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

/// Every operation of one version's catalogue, in catalogue order, and the declared input
/// constraints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub version: ApiVersion,
    pub operations: Vec<Reached>,
    pub constraints: Constraints,
    pub roles: Roles,
}

/// The version's declared input constraints, and what the cases did to them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Constraints {
    pub declared: usize,
    /// Broken by a case that was judged (conforming or not).
    pub exercised: usize,
    /// Of those, broken by a conforming case.
    pub conformed: usize,
    /// Broken by cases that were all inconclusive: the console checked something else first.
    pub not_reached: usize,
    /// By keyword, in keyword order.
    pub by_keyword: BTreeMap<Keyword, KeywordCount>,
    /// What became of each constraint, kept for [`Constraints::unexercised`].
    outcomes: Outcomes,
    /// Worked out when first asked for: the reasons come from the version's whole plan of
    /// breaks, which a run that broke no input would otherwise never make (tens of milliseconds
    /// and megabytes; the terminal shows only the counts).
    unexercised: OnceLock<Vec<Unexercised>>,
}

/// Per operation of a version, what became of each of its declared constraints (empty where no
/// case broke one).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Outcomes {
    version: Option<ApiVersion>,
    seen: Vec<Vec<Seen>>,
}

/// One keyword's constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeywordCount {
    pub declared: usize,
    pub exercised: usize,
    pub conformed: usize,
}

/// A constraint no judged case broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unexercised {
    /// `GET /organizations/companies`
    pub operation: String,
    /// `query limit: maximum`
    pub constraint: String,
    pub keyword: Keyword,
    /// The kind of reason: one of [`inputs::Why`], `not_reached` or `not_run`.
    pub why: &'static str,
    pub detail: String,
}

impl Constraints {
    /// `constraints exercised 12862/14101 (91.2%), 12862 conformed`
    pub fn line(&self) -> String {
        let percent = match self.declared {
            0 => 0.0,
            n => 100.0 * self.exercised as f64 / n as f64,
        };
        let mut line = format!(
            "constraints exercised {}/{} ({percent:.1}%), {} conformed",
            self.exercised, self.declared, self.conformed
        );
        if self.not_reached > 0 {
            line.push_str(&format!(", {} not reached", self.not_reached));
        }
        line
    }

    /// Every constraint no judged case broke, with why, in catalogue order.
    pub fn unexercised(&self) -> &[Unexercised] {
        self.unexercised
            .get_or_init(|| match self.outcomes.version {
                Some(version) => unexercised(version, &self.outcomes.seen),
                None => Vec::new(),
            })
    }

    /// The unexercised constraints by keyword, then by kind of reason: how many.
    pub fn reasons(&self) -> BTreeMap<Keyword, BTreeMap<&'static str, usize>> {
        let mut out: BTreeMap<Keyword, BTreeMap<&'static str, usize>> = BTreeMap::new();
        for u in self.unexercised() {
            *out.entry(u.keyword).or_default().entry(u.why).or_default() += 1;
        }
        out
    }
}

/// What became of one constraint, the best outcome of the cases that broke it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Seen {
    #[default]
    Not,
    Inconclusive,
    NonConforming,
    Conforming,
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
    /// Per operation, what became of each of its declared constraints (allocated when a case
    /// first breaks one of them), and their names as the census gives them.
    seen: Vec<Vec<Seen>>,
    labels: Vec<Vec<String>>,
    roles: Roles,
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
            seen: vec![Vec::new(); operations.len()],
            labels: vec![Vec::new(); operations.len()],
            operations,
            routed: Vec::new(),
            roles: Roles::default(),
        }
    }

    /// A role tried on an operation it is not admitted to, counted under the operation's tag.
    /// The roles the run had credentials for.
    pub fn roles_given(&mut self, given: impl IntoIterator<Item = Role>) {
        self.roles.given.extend(given);
    }

    pub fn refusal(&mut self, refusal: Refusal<'_>) {
        let Some(i) = self.operation(refusal.method, refusal.path) else {
            return;
        };
        let tag = &self.operations[i].operation.tag;
        let tags = self.roles.cells.entry(refusal.role).or_default();
        match tags.get_mut(tag.as_str()) {
            Some(pairs) => pairs.add(refusal.outcome),
            None => {
                let mut pairs = Pairs::default();
                pairs.add(refusal.outcome);
                tags.insert(tag.clone(), pairs);
            }
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
        if let Some(broke) = reach.broke {
            self.broke(i, broke);
        }
    }

    /// A case broke one of the operation's declared constraints, found by its name.
    fn broke(&mut self, operation: usize, broke: Broke<'_>) {
        let census = &self.catalogue.constraints()[operation];
        if self.labels[operation].is_empty() {
            self.labels[operation] = census.iter().map(|c| c.to_string()).collect();
            self.seen[operation] = vec![Seen::Not; census.len()];
        }
        let Some(at) = self.labels[operation]
            .iter()
            .position(|l| l == broke.constraint)
        else {
            return;
        };
        let now = match broke.outcome {
            OutcomeKind::Conforming => Seen::Conforming,
            OutcomeKind::NonConforming => Seen::NonConforming,
            OutcomeKind::Inconclusive => Seen::Inconclusive,
            OutcomeKind::Skipped | OutcomeKind::Error => Seen::Not,
        };
        let slot = &mut self.seen[operation][at];
        *slot = (*slot).max(now);
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
        let constraints = constraints(self.version, self.catalogue, self.seen);
        Coverage {
            version: self.version,
            operations: self.operations,
            constraints,
            roles: self.roles,
        }
    }
}

/// The constraint coverage of what the cases did (`seen`, per operation): the counts now, the
/// reasons for what no case broke when asked for.
fn constraints(version: ApiVersion, catalogue: &Operations, seen: Vec<Vec<Seen>>) -> Constraints {
    let mut out = Constraints::default();
    for (census, seen) in catalogue.constraints().iter().zip(&seen) {
        for (at, constraint) in census.iter().enumerate() {
            let got = seen.get(at).copied().unwrap_or_default();
            let count = out.by_keyword.entry(constraint.keyword).or_default();
            out.declared += 1;
            count.declared += 1;
            match got {
                Seen::Conforming | Seen::NonConforming => {
                    out.exercised += 1;
                    count.exercised += 1;
                    if got == Seen::Conforming {
                        out.conformed += 1;
                        count.conformed += 1;
                    }
                }
                Seen::Inconclusive => out.not_reached += 1,
                Seen::Not => {}
            }
        }
    }
    out.outcomes = Outcomes {
        version: Some(version),
        seen,
    };
    out
}

/// Every constraint of `version` no judged case broke, with the plan's reason where it has one.
fn unexercised(version: ApiVersion, seen: &[Vec<Seen>]) -> Vec<Unexercised> {
    let catalogue = Contract::get().catalogue(version);
    let plan = inputs::plan(version);
    let mut out = Vec::new();
    for (i, (op, census)) in catalogue
        .all()
        .iter()
        .zip(catalogue.constraints())
        .enumerate()
    {
        for (at, constraint) in census.iter().enumerate() {
            let got = seen[i].get(at).copied().unwrap_or_default();
            let (why, detail) = match (got, plan.operations[i].constraints.get(at)) {
                (Seen::Conforming | Seen::NonConforming, _) => continue,
                (Seen::Inconclusive, _) => (
                    "not_reached",
                    "every case that broke it was answered by a check the console made first"
                        .to_string(),
                ),
                (_, Some(Planned::Untestable(u))) => (u.why.as_str(), u.detail.to_string()),
                _ => (
                    "not_run",
                    "no case of this run broke it (not selected, or skipped)".to_string(),
                ),
            };
            out.push(Unexercised {
                operation: format!("{} {}", op.method, op.path),
                constraint: constraint.to_string(),
                keyword: constraint.keyword,
                why,
                detail,
            });
        }
    }
    out
}

impl Coverage {
    /// Routes each sent case to the operation of `version` that serves its path; a path outside
    /// the catalogue (a case about unknown paths) reaches none.
    pub fn count<'a>(
        version: ApiVersion,
        sent: impl IntoIterator<Item = Reach<'a>>,
        refusals: impl IntoIterator<Item = Refusal<'a>>,
        given: impl IntoIterator<Item = Role>,
    ) -> Coverage {
        let mut counting = Counting::new(version);
        counting.roles_given(given);
        sent.into_iter().for_each(|reach| counting.add(reach));
        refusals
            .into_iter()
            .for_each(|refusal| counting.refusal(refusal));
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
                broke: None,
            },
            Reach {
                method: "GET",
                path: "/organizations/companies/not-a-uuid",
                provoked: provoked(&json!({"errors": [{"code": 400}]})),
                checks: vec![Check::Field],
                broke: None,
            },
            Reach {
                method: "GET",
                path: "/no/such/path",
                provoked: Some("404".into()),
                checks: vec![Check::Status],
                broke: None,
            },
        ];
        let coverage = Coverage::count(ApiVersion::FALLBACK, sent, [], []);
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

    #[test]
    fn the_roles_line_says_so_when_no_role_was_tried() {
        let mut roles = Roles {
            given: BTreeSet::from([Role::CompanyOwner, Role::CompanyTenant]),
            cells: BTreeMap::new(),
        };
        assert_eq!(
            roles.line(),
            "roles: 2 given, none tried (no case of this run calls an operation as a role the spec does not admit)"
        );
        let mut pairs = Pairs::default();
        pairs.add(OutcomeKind::Conforming);
        pairs.add(OutcomeKind::Inconclusive);
        roles
            .cells
            .entry(Role::CompanyOwner)
            .or_default()
            .insert("Companies".into(), pairs);
        assert_eq!(
            roles.line(),
            "roles: 2 given, 1/2 refused as the spec says, 1 inconclusive"
        );
    }

    #[test]
    fn constraints_no_case_broke_are_counted_and_listed_with_the_plans_reason() {
        let census = Contract::get()
            .catalogue(ApiVersion::FALLBACK)
            .constraints();
        let declared: usize = census.iter().map(Vec::len).sum();
        let coverage = Coverage::count(ApiVersion::FALLBACK, [], [], []);
        let c = &coverage.constraints;
        assert_eq!((c.declared, c.exercised, c.not_reached), (declared, 0, 0));
        let unexercised = c.unexercised();
        assert_eq!(unexercised.len(), declared);
        // What the plan cannot break says why; every other constraint was simply not run.
        let untestable = unexercised.iter().filter(|u| u.why != "not_run").count();
        assert!(untestable > 0 && untestable < declared, "{untestable}");
        let reasons: usize = c.reasons().values().flat_map(|by| by.values()).sum();
        assert_eq!(reasons, declared);
        // In catalogue order: the first is of the first operation that declares any.
        let catalogue = Contract::get().catalogue(ApiVersion::FALLBACK);
        let first = catalogue
            .all()
            .iter()
            .zip(census)
            .find(|(_, c)| !c.is_empty());
        let (op, _) = first.expect("an operation declaring constraints");
        assert_eq!(
            unexercised[0].operation,
            format!("{} {}", op.method, op.path)
        );
    }
}
