//! vspc-conformance: a contract conformance harness for the error contract of the Veeam Service
//! Provider Console (VSPC) REST API.
//!
//! Declarative cases fire malformed requests at a console and assert what the contract says the
//! answer must be. One direction of flow, one module per step:
//!
//! ```text
//!   cases/**/*.toml ──load──▶ Case ──send──▶ Exchange ──check──▶ [CheckResult; 6] ──report──▶ matrix, JSON, ...
//!      [case]                   [send]  ▲            [check]                          [report]
//!                                       │
//!                               [target]: the embedded [mock] console, or a real one by URL
//! ```
//!
//! - [`contract`]: the contract as data, from `schemas/`: the status rule (400..=499 verbatim,
//!   everything else 520), the 53 error codes, the error types, the operations of API 3.5.1,
//!   3.6, 3.6.1, 3.6.2 and 3.7, the compiled envelope schema and the names of the checks,
//!   parsed and compiled once per process; [`contract::fact`]: every fact a check applies, with
//!   its source and its strength (stated, example, convention, reading), so a mismatch fails
//!   only where the contract states the fact.
//! - [`case`] (a folder: walk, file, lower, model, sweep, template): loads case files into
//!   [`case::Case`]s, or [`diagnostic::Diagnostic`]s that point at `file:line:col`. [`select`]
//!   picks cases by test name and tag.
//! - [`exchange`]: what was sent and what came back, as data: everything after sending reads
//!   it, nothing after sending needs the HTTP client. [`secret`]: the one type credentials
//!   travel in.
//! - [`send`] (a folder: prepare, pacing, client, connection, tls, follow, burst, token): turns
//!   a case into an [`exchange::Exchange`] on the HTTP/1.1 connection its runner worker owns
//!   (hyper on tokio, paced; reqwest for the requests around the cases, one TLS configuration
//!   for both); [`send::token`]: given
//!   tokens, or login sessions that renew themselves through the sender. It knows neither the
//!   mock nor who chose the target.
//! - [`target`]: chooses and reaches where requests go: starts the embedded [`mock`], or logs
//!   into a console by URL, reads its version and discovers variables.
//! - [`check`] (a folder: the VSPC envelope's checks, the OAuth2 checks): pure functions from an
//!   expectation and an exchange to six verdicts: status, envelope, type, code, field, message;
//!   a failed or deviating verdict carries the fact it rests on.
//! - [`baseline`]: known deviations, from a baseline file: each judged case stands known, new,
//!   changed, expired or fixed against it, so a run fails only on drift.
//! - [`run`]: takes the selected cases through send and check with bounded concurrency (a fixed
//!   set of workers, on one single-threaded event loop per core), decides each skip (for
//!   `--dry-run` too, over an [`run::Offer`]) and each outcome (conforming, non-conforming,
//!   inconclusive where the target did not meet the case's precondition, skipped, error) and
//!   emits [`run::Event`]s; [`stop`]: the first SIGINT or SIGTERM ends a run after the cases in
//!   flight, which are reported, marked interrupted. [`outcome`] is the data it decides (outcomes with typed reasons, case
//!   reports, the summary), [`matrix`] counts them once, with [`coverage`]: the operations of the
//!   version the cases reached, the codes they provoked, the checks that ran.
//! - [`report`] (a folder): the events' consumers (terminal with progress, JSON, JUnit,
//!   Markdown, HTML, snapshot normalization, merging of shard reports), all rendering one
//!   record model. Reporters render verdicts; they never re-run a check.
//! - [`partition`]: shards of a run (`--partition count:K/N`, as cargo-nextest means it), whose
//!   JSON reports `merge` joins into one report with one matrix.
//! - [`config`]: `vspc-conformance.toml`, `run`'s flags over it (the same type clap parses),
//!   defaults under it (modest against a real console); secrets stay in the environment
//!   variables it names.
//! - [`mock`] (a folder: the stages, `operate/`, `state/`): the embedded mock console, over HTTP
//!   or HTTPS. Requests pass the stages of a real server (throttle, auth, route, validate,
//!   operate), every failure becomes a response in one mapping, and violation modes bend that
//!   mapping so the harness can prove each check catches its rule. Two personalities make every
//!   choice the contract leaves open one way and the other (`docs/mock-choices.md`).
//!
//! The binary (`src/main.rs`, `src/cli/`) parses, dispatches to the subcommands and turns their
//! failures into messages and exit statuses. The arrows are a test (`tests/layering.rs`): no
//! import cycle, no pure step names the network, the sender never names the mock or the target,
//! and the mock imports the contract and nothing else of the crate.

pub mod baseline;
pub mod case;
pub mod check;
pub mod config;
pub mod contract;
pub mod coverage;
pub mod diagnostic;
pub mod exchange;
pub mod matrix;
pub mod mock;
pub mod outcome;
pub mod partition;
pub mod report;
pub mod run;
pub mod secret;
pub mod select;
pub mod send;
pub mod stop;
pub mod target;

/// Logins and sessions live with the sender that renews them: `send::token`.
pub use send::token;
