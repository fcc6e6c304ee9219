//! The runner: takes the selected cases through send and check against a target on a fixed set
//! of workers, each with its own connection, dealt round one event loop per core, and emits
//! [`Event`]s that reporters consume.
//! Verdicts are decided here once; nothing downstream re-evaluates them.

use crate::baseline::{self, Baseline, Date, Judged, Known, Standing, fingerprint};
use crate::case::{Case, Credentials, ExpectedError, tags};
use crate::check::{self, Check, CheckResult, Verdict};
use crate::contract::{ApiVersion, Readings, Role};
use crate::matrix::{self, Matrix};
pub use crate::outcome::{CaseReport, Inconclusive, Outcome, Skip, Summary};
use crate::send::{Connection, Exchange, SendError, TransportError};
use crate::stop::{Interruption, Stop};
use crate::target::Target;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Requests in flight at once.
    pub concurrency: usize,
    pub readings: Readings,
    /// Run `mutating` cases against a real console.
    pub allow_mutations: bool,
    /// Known non-conformances: a case fails the run only where none covers it.
    pub baseline: Option<Arc<Baseline>>,
    /// Event loops the workers run on; `None`: one per core.
    pub event_loops: Option<usize>,
    /// Once requested, no case is started: the run ends with the cases in flight.
    pub stop: Stop,
    /// Which finished cases' reports the run holds until it ends.
    pub keep: Keep,
}

/// Which finished cases' reports a run holds until it ends, for `RunFinished` and its return
/// value. Every case is counted (summary, matrix) and shown to the reporters as it finishes
/// either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Keep {
    /// Every case's: for reports that list every case (JSON, JUnit, Markdown, HTML) and a
    /// baseline written from the run.
    #[default]
    Every,
    /// Only those the end of a run names one by one: every case but a conforming one that
    /// stands nowhere against a baseline. A run of many conforming cases then holds almost
    /// nothing per case it finished.
    Named,
}

impl Keep {
    fn keeps(self, report: &CaseReport) -> bool {
        self == Keep::Every || report.outcome != Outcome::Conforming || report.standing.is_some()
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: 32,
            readings: Readings::default(),
            allow_mutations: false,
            baseline: None,
            event_loops: None,
            stop: Stop::default(),
            keep: Keep::default(),
        }
    }
}

/// What the runner tells its reporters, in order: one `RunStarted`, a `CaseStarted` when a case
/// takes a concurrency slot and a `CaseFinished` when it is done (cases overlap, so these
/// interleave; finishes come in completion order), one `RunFinished` with the reports the run
/// kept ([`Keep`]) in case order: of every case, or, when the run was stopped, of every case
/// that finished; its summary and matrix count every case that finished.
#[derive(Debug)]
pub enum Event<'a> {
    RunStarted {
        target: &'a str,
        cases: usize,
    },
    CaseStarted(&'a Case),
    CaseFinished(&'a CaseReport),
    RunFinished {
        reports: &'a [CaseReport],
        summary: Summary,
        matrix: &'a Matrix,
        elapsed: Duration,
        /// Set when a [`Stop`] was requested: `reports` are of the cases that finished.
        interrupted: Option<Interruption>,
    },
}

/// Runs the cases against the target and returns the reports it kept ([`RunOptions::keep`]) in
/// case order. Slow cases start first; burst cases run last and one at a time, so their load
/// never throttles another case. Once `options.stop` is requested no case starts; the reports
/// are those of the cases that finished.
pub async fn run(
    target: &Arc<Target>,
    cases: &[Arc<Case>],
    options: &RunOptions,
    mut on_event: impl FnMut(Event<'_>),
) -> Vec<CaseReport> {
    let began = Instant::now();
    on_event(Event::RunStarted {
        target: &target.label,
        cases: cases.len(),
    });
    let (bursts, mut normal): (Vec<_>, Vec<_>) = cases
        .iter()
        .cloned()
        .enumerate()
        .partition(|(_, c)| c.has_tag(tags::BURST));
    normal.sort_by_key(|(_, c)| !c.has_tag(tags::SLOW));
    // The reports kept, by case index, in completion order until the run ends.
    let mut kept: Vec<(usize, CaseReport)> = Vec::new();
    let mut summary = Summary::default();
    // Which cases were taken and which finished: a stopped run's missing reports are cases
    // never started; a case taken and never finished is one whose worker panicked.
    let mut started = vec![false; cases.len()];
    let mut finished_at = vec![false; cases.len()];
    // A fixed set of workers, each with its own connection, taking the next case when it is
    // done with one: memory holds that many cases in flight, and no task is spawned per case.
    let queue = Arc::new(Queue {
        cases: normal,
        next: AtomicUsize::new(0),
        stop: options.stop.clone(),
    });
    let (done, mut finished) = tokio::sync::mpsc::unbounded_channel::<Vec<Finished>>();
    // A run is bound by the client's work per case, which one thread per core shares out. The
    // embedded mock serves on threads of this process too, yet since its cases go over
    // in-process pipes (no loopback sockets) a second loop still gains against it: 0.56 s for
    // the default run on two cores, against 0.60 s on one loop (medians of six).
    let loops = options
        .event_loops
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut lanes = Lanes::start(loops.clamp(1, options.concurrency.max(1)), done);
    for worker in 0..options.concurrency.max(1) {
        let Some(first) = queue.take() else { break };
        started[queue.cases[first].0] = true;
        on_event(Event::CaseStarted(&queue.cases[first].1));
        lanes.spawn(worker, |done| {
            work(first, queue.clone(), target.clone(), options.clone(), done)
        });
    }
    lanes.seal();
    // The matrix is counted as cases finish: while the other loops send, and while each report
    // is fresh in memory, not in a pass over every report once the last is in.
    let mut matrix = matrix::Counter::new(Some(target.version));
    matrix.roles_given(target.roles.keys().copied());
    while let Some(batch) = finished.recv().await {
        for Finished {
            index,
            report,
            next,
        } in batch
        {
            on_event(Event::CaseFinished(&report));
            matrix.add(&report);
            summary.add(report.outcome.kind(), report.standing.as_ref());
            finished_at[index] = true;
            if options.keep.keeps(&report) {
                kept.push((index, report));
            }
            if let Some(next) = next {
                started[queue.cases[next].0] = true;
                on_event(Event::CaseStarted(&queue.cases[next].1));
            }
        }
    }
    for (index, case) in bursts {
        if options.stop.requested().is_some() {
            break;
        }
        started[index] = true;
        on_event(Event::CaseStarted(&case));
        let report = evaluate(target, case, options).await;
        on_event(Event::CaseFinished(&report));
        matrix.add(&report);
        summary.add(report.outcome.kind(), report.standing.as_ref());
        finished_at[index] = true;
        if options.keep.keeps(&report) {
            kept.push((index, report));
        }
    }
    drop(lanes);
    // A case started and not finished can only be so if its worker panicked; report that
    // instead of dropping it (an error, which no cell of the matrix counts). A case never
    // started is one a stop left out.
    let not_run = started.iter().filter(|s| !**s).count();
    for (index, case) in cases.iter().enumerate() {
        if started[index] && !finished_at[index] {
            let report = CaseReport {
                case: case.clone(),
                outcome: Outcome::Error("the case's worker panicked".into()),
                exchange: None,
                checks: Vec::new(),
                elapsed: Duration::ZERO,
                standing: None,
            };
            summary.add(report.outcome.kind(), None);
            kept.push((index, report));
        }
    }
    kept.sort_unstable_by_key(|(index, _)| *index);
    let reports: Vec<CaseReport> = kept.into_iter().map(|(_, report)| report).collect();
    let interrupted = options
        .stop
        .requested()
        .map(|signal| Interruption { signal, not_run });
    let matrix = matrix.finish();
    on_event(Event::RunFinished {
        reports: &reports,
        summary,
        matrix: &matrix,
        elapsed: began.elapsed(),
        interrupted,
    });
    reports
}

/// One worker: its own connection, on which it sends the cases it takes from the queue, one
/// after another, until the queue is empty or the runner has stopped listening.
async fn work(
    first: usize,
    queue: Arc<Queue>,
    target: Arc<Target>,
    options: RunOptions,
    done: Done,
) {
    let mut connection = Connection::default();
    let mut taken = Some(first);
    while let Some(at) = taken {
        let (index, case) = queue.cases[at].clone();
        let report = evaluate_on(&mut connection, &target, case, &options).await;
        taken = queue.take();
        let finished = Finished {
            index,
            report,
            next: taken,
        };
        if done.send(finished).is_err() {
            return;
        }
    }
}

/// The event loops the workers run on: the runner's own, and one more thread per further core,
/// each with a single-threaded runtime of its own. A worker stays on its loop, so its connection
/// is only ever driven by one thread, and the loops share nothing but the queue, the pacing slots
/// and the runner's channel. Each loop hands its finished cases to the runner in batches: a loop
/// wakes the runner's once per turn of its own, not once per case.
struct Lanes {
    /// The runner's own loop first.
    lanes: Vec<Lane>,
}

struct Lane {
    /// `None` for the runner's own loop.
    handle: Option<tokio::runtime::Handle>,
    /// Where this loop's workers say a case is done, to its forwarder; `None` once sealed.
    done: Option<Done>,
    /// Dropped with the `Lanes`: the loop's thread then ends. Until then the loop keeps serving
    /// what was started on it after its workers are done, such as a connection of the pooled
    /// client that a token renewal opened and a worker on another loop may still be using.
    _release: Option<tokio::sync::oneshot::Sender<()>>,
}

type Done = tokio::sync::mpsc::UnboundedSender<Finished>;
type Runner = tokio::sync::mpsc::UnboundedSender<Vec<Finished>>;

impl Lanes {
    /// `loops` event loops, the runner's own among them. A loop that cannot be started leaves
    /// its workers to the others.
    fn start(loops: usize, runner: Runner) -> Lanes {
        let (done, finished) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(forward(finished, runner.clone()));
        let mut lanes = vec![Lane {
            handle: None,
            done: Some(done),
            _release: None,
        }];
        for _ in 1..loops {
            match Lane::start(runner.clone()) {
                Ok(lane) => lanes.push(lane),
                Err(_) => break,
            }
        }
        Lanes { lanes }
    }

    /// Spawns worker number `worker` on its loop: workers are dealt round the loops.
    fn spawn<F: Future<Output = ()> + Send + 'static>(
        &self,
        worker: usize,
        work: impl FnOnce(Done) -> F,
    ) {
        let lane = &self.lanes[worker % self.lanes.len()];
        let Some(done) = &lane.done else { return };
        let future = work(done.clone());
        match &lane.handle {
            None => drop(tokio::spawn(future)),
            Some(handle) => drop(handle.spawn(future)),
        }
    }

    /// No more workers: the runner's channel closes when the last worker is done.
    fn seal(&mut self) {
        for lane in &mut self.lanes {
            lane.done = None;
        }
    }
}

impl Lane {
    fn start(runner: Runner) -> std::io::Result<Lane> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (done, finished) = tokio::sync::mpsc::unbounded_channel();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let handle = runtime.handle().clone();
        let forwarded = handle.spawn(forward(finished, runner));
        std::thread::Builder::new()
            .name("vspc-run-lane".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = forwarded.await;
                    let _ = released.await;
                })
            })?;
        Ok(Lane {
            handle: Some(handle),
            done: Some(done),
            _release: Some(release),
        })
    }
}

/// Hands on what a loop's workers finished, as many at once as are waiting. It ends when the
/// loop's workers and its sender are gone.
async fn forward(mut finished: tokio::sync::mpsc::UnboundedReceiver<Finished>, runner: Runner) {
    loop {
        let mut batch = Vec::new();
        if finished.recv_many(&mut batch, usize::MAX).await == 0 || runner.send(batch).is_err() {
            return;
        }
    }
}

/// The cases the workers share, taken in order, each once, until the run is stopped.
struct Queue {
    cases: Vec<(usize, Arc<Case>)>,
    next: AtomicUsize,
    stop: Stop,
}

impl Queue {
    fn take(&self) -> Option<usize> {
        if self.stop.requested().is_some() {
            return None;
        }
        let at = self.next.fetch_add(1, Ordering::Relaxed);
        (at < self.cases.len()).then_some(at)
    }
}

/// A worker's word to the runner: a case is done, and which one it took next.
struct Finished {
    index: usize,
    report: CaseReport,
    next: Option<usize>,
}

/// What a target offers the cases: everything the skip decision reads. A connected [`Target`]
/// offers what it has ([`Offer::of`]); `--dry-run` describes what a target would offer before
/// anything is sent, and asks the same [`skip_reason`].
#[derive(Debug, Clone, Copy)]
pub struct Offer<'a> {
    pub version: ApiVersion,
    pub embedded_mock: bool,
    /// The `read-only` credential is there (or will be, after a login).
    pub read_only: bool,
    /// Variables with a value (or a discovery rule that will give one).
    pub variables: &'a BTreeMap<String, String>,
    /// Variables discovery could not read, with why.
    pub undiscovered: &'a BTreeMap<String, String>,
}

impl<'a> Offer<'a> {
    pub fn of(target: &'a Target) -> Offer<'a> {
        Offer {
            version: target.version,
            embedded_mock: target.is_embedded_mock(),
            read_only: target.tokens.read_only.is_some(),
            variables: &target.variables,
            undiscovered: &target.undiscovered,
        }
    }
}

/// Whether a run with credentials for the roles `given` takes the case: a case sent with a
/// role's token only when that role was given. A role nobody gave is not swept, as a case
/// filtered out is not run.
pub fn takes(case: &Case, given: impl Fn(Role) -> bool) -> bool {
    case.request.credentials.role().is_none_or(given)
}

/// Why a case must not be sent to this target, if it must not: the one place a skip is decided.
pub fn skip_reason(offer: &Offer<'_>, case: &Case, options: &RunOptions) -> Option<Skip> {
    if !case.versions.contains(offer.version) {
        return Some(Skip::NotInVersion {
            version: offer.version,
            operation: format!("{} {}", case.request.method, case.request.path),
            versions: case.versions.to_string(),
        });
    }
    if !offer.embedded_mock {
        if case.has_tag(tags::MOCK_ONLY) {
            return Some(Skip::MockOnly);
        }
        if case.has_tag(tags::MUTATING) && !options.allow_mutations {
            return Some(Skip::Mutating);
        }
    }
    if case.request.credentials == Credentials::ReadOnly && !offer.read_only {
        return Some(Skip::NeedsReadOnly);
    }
    // The variables the target does not give, sorted and unique; nothing is allocated when it
    // gives them all.
    let mut missing = BTreeSet::new();
    case.each_variable(&mut |name| {
        if !offer.variables.contains_key(name) && !missing.contains(name) {
            missing.insert(name.to_string());
        }
    });
    let missing: Vec<String> = missing.into_iter().collect();
    if let Some((variable, why)) = missing
        .iter()
        .find_map(|v| offer.undiscovered.get_key_value(v))
    {
        return Some(Skip::Undiscovered {
            variable: variable.clone(),
            why: why.clone(),
        });
    }
    if !missing.is_empty() {
        return Some(Skip::Unresolved { variables: missing });
    }
    None
}

/// The outcome of a sent case: inconclusive where the target did not meet its precondition,
/// else conforming unless a check failed.
fn judge(case: &Case, exchange: &Exchange, checks: &[CheckResult]) -> Outcome {
    let success = (200..=299).contains(&exchange.status);
    if let Some(burst) = &exchange.burst
        && !burst.statuses.contains_key(&429)
        && burst.statuses.keys().all(|s| (200..=299).contains(s))
    {
        return Outcome::Inconclusive(Inconclusive::NeverThrottled { sent: burst.sent });
    }
    let failed: Vec<Check> = checks
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .map(|c| c.check)
        .collect();
    let code = exchange.said.code();
    if failed.is_empty()
        && let Some(first) = code
            .filter(|c| u16::try_from(*c).is_ok_and(|c| case.expect.inconclusive_on.contains(&c)))
    {
        return Outcome::Inconclusive(Inconclusive::NotReached {
            status: exchange.status,
            code: first,
        });
    }
    if failed.is_empty() {
        if success && !matches!(case.expect.error, ExpectedError::Admitted) {
            return Outcome::Inconclusive(Inconclusive::Accepted {
                status: exchange.status,
            });
        }
        return Outcome::Conforming;
    }
    // On seeded state, an answer that keeps every rule but names another outcome than the
    // case's says more about the resource than about the console; a server error does not.
    let about_state = code.is_some_and(|c| !(500..=599).contains(&c));
    let other_answer = success || (failed == [Check::Code] && about_state);
    if case.has_variables() && other_answer {
        return Outcome::Inconclusive(Inconclusive::StateNotMet {
            status: exchange.status,
            code,
        });
    }
    Outcome::NonConforming
}

/// Where a judged case stands against the baseline: only conforming and non-conforming cases
/// stand anywhere; one that could not be judged neither fixes nor breaks an entry.
fn stand(
    baseline: &Baseline,
    case: &Case,
    outcome: &Outcome,
    exchange: &Exchange,
    checks: &[CheckResult],
) -> Option<Standing> {
    let failed = judged_failures(outcome, checks)?;
    let answer = fingerprint(exchange.status, &exchange.said);
    baseline.standing(&case.name, &failed, &answer)
}

/// The failed checks of a judged case (none when it conformed); `None` when it was not judged.
fn judged_failures(outcome: &Outcome, checks: &[CheckResult]) -> Option<Vec<Check>> {
    match outcome {
        Outcome::Conforming => Some(Vec::new()),
        Outcome::NonConforming => Some(
            checks
                .iter()
                .filter(|c| c.verdict == Verdict::Fail)
                .map(|c| c.check)
                .collect(),
        ),
        _ => None,
    }
}

/// The baseline a run leaves (`--write-baseline`): the judged cases folded by rule, checks and
/// fingerprint over the entries there were ([`baseline::rewrite`]).
pub fn baseline_after(reports: &[CaseReport], prior: &[Known], today: Date) -> Vec<Known> {
    let judged: Vec<Judged> = reports
        .iter()
        .filter_map(|report| {
            let failed = judged_failures(&report.outcome, &report.checks)?;
            let failed = match (&report.exchange, failed.is_empty()) {
                (Some(exchange), false) => {
                    Some((failed, fingerprint(exchange.status, &exchange.said)))
                }
                _ => None,
            };
            Some(Judged {
                name: &report.case.name,
                rule: report.case.rule(),
                failed,
            })
        })
        .collect();
    baseline::rewrite(&judged, prior, today)
}

/// How much of a conforming case's body is held until the run ends, for the reports: a body
/// the checks passed needs no more than its start to be shown, and a run holds every case.
pub const HELD_BODY: usize = 4096;

/// Cuts a conforming case's body to [`HELD_BODY`] bytes, marked with `…` where it was cut.
fn hold_cut(body: &mut Vec<u8>) {
    if body.len() > HELD_BODY {
        body.truncate(HELD_BODY);
        body.extend_from_slice("…".as_bytes());
        body.shrink_to_fit();
    }
}

/// Sends one case on a connection of its own and checks the answer.
pub async fn evaluate(target: &Target, case: Arc<Case>, options: &RunOptions) -> CaseReport {
    evaluate_on(&mut Connection::default(), target, case, options).await
}

/// Sends one case on a worker's connection and checks the answer.
async fn evaluate_on(
    connection: &mut Connection,
    target: &Target,
    case: Arc<Case>,
    options: &RunOptions,
) -> CaseReport {
    let started = Instant::now();
    let finish = |outcome, exchange, checks| CaseReport {
        case: case.clone(),
        outcome,
        exchange,
        checks,
        elapsed: started.elapsed(),
        standing: None,
    };
    if let Some(reason) = skip_reason(&Offer::of(target), &case, options) {
        return finish(Outcome::Skipped(reason), None, Vec::new());
    }
    let probe = match case.request.credentials {
        Credentials::ReadOnly => target.read_only.as_ref().map(|p| (Role::ReadOnlyUser, p)),
        credentials => credentials
            .role()
            .and_then(|role| target.roles.get(&role).map(|p| (role, p))),
    };
    if let Some((role, Err(why))) = probe {
        let why = Inconclusive::RoleUnusable {
            role,
            why: why.clone(),
        };
        return finish(Outcome::Inconclusive(why), None, Vec::new());
    }
    let sent = target
        .sender
        .send(
            connection,
            &case,
            &target.tokens,
            &target.variables,
            case.expect.wanted_status(),
        )
        .await;
    match sent {
        Ok(mut exchange) => {
            let (checks, said) = check::check_answer(
                &case.expect,
                (&exchange).into(),
                Readings {
                    version: target.version,
                    ..options.readings
                },
            );
            exchange.said = said;
            let outcome = judge(&case, &exchange, &checks);
            let standing = options
                .baseline
                .as_ref()
                .and_then(|baseline| stand(baseline, &case, &outcome, &exchange, &checks));
            if outcome == Outcome::Conforming {
                hold_cut(&mut exchange.body);
                exchange.request.forget_wire();
            }
            CaseReport {
                standing,
                ..finish(outcome, Some(exchange), checks)
            }
        }
        Err(SendError::Transport(TransportError::StillRunning { action, waited })) => finish(
            Outcome::Inconclusive(Inconclusive::StillRunning { action, waited }),
            None,
            Vec::new(),
        ),
        Err(SendError::Transport(e)) => {
            finish(Outcome::Error(format!("transport: {e}")), None, Vec::new())
        }
        Err(SendError::Unresolved(variable)) => finish(
            Outcome::Skipped(Skip::Unresolved {
                variables: vec![variable],
            }),
            None,
            Vec::new(),
        ),
        Err(SendError::NoCredentials(kind)) => finish(
            Outcome::Skipped(Skip::NoCredentials(kind)),
            None,
            Vec::new(),
        ),
    }
}
