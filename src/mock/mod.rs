//! The mock console: a stand-in for a VSPC server of any of the five REST API versions
//! ([`MockConfig::api_version`], 3.6.1 unless told), served over HTTP on
//! `127.0.0.1` for the harness to run its cases against, or over HTTPS with a self-signed
//! certificate made at start ([`MockConfig::tls`], `tls.rs`), as a staging console serves.
//!
//! Every request passes the stages of a real server, each in the file named after it:
//! `throttle.rs` (the console's throttling groups: all, by user, by IP, by user + IP, each with a
//! parallel and a per-time limit) -> `auth.rs` (bearer tokens, read-only tokens, expiry)
//! -> `route.rs` (the catalogue's router over all 942 operations under `/api/v3`) -> `auth.rs`
//! again (admission: the roles the spec admits to the operation, before or after validation as
//! the personality picks, always before an id is looked up) -> `validate.rs` (content type,
//! path, query, body) -> `operate/` (the operation against the seeded `state/`).
//! A stage that refuses the request returns an [`ApiError`]; [`ApiError::render`] in `error.rs`
//! is the one mapping from a failure to a response (the envelope, the status rule), and
//! [`Violation`]s, when configured, bend its output and nothing else.
//!
//! What makes the mock emit each code, by the file that owns it. The full table, code ->
//! operation -> trigger, is generated from [`triggers`] into `docs/error-triggers.md`
//! (`tests/error_triggers.rs` keeps it in sync and holds it against the shipped cases):
//!
//! | file | codes | triggers |
//! |------|-------|----------|
//! | `throttle.rs` | 429 | too many requests in flight, or in one time unit, for a throttling group ([`ThrottleConfig`]) |
//! | `auth.rs` | 401, 403 | no, unknown or expired bearer token; a role the spec does not admit to the operation (a read-only token counts as ReadOnlyUser) |
//! | `route.rs` | 404 | a path or method outside the catalogue |
//! | `validate.rs` | 400, 415 | bad query, path or body values (`parameterName` / `propertyName`); a body of the wrong content type |
//! | `patch.rs` | 1001 | a JSON Patch that changes a read-only or unknown property, sets a wrong type, or fails a `test` |
//! | `operate/mod.rs` | 404, 500, 504 | a path UUID naming nothing; mock-only `X-Mock-Fault: 500` or `504` |
//! | `operate/async_actions.rs` | 1000, 1050, 1051 | the result of a running, canceled or timed-out action; canceling a finished one |
//! | `operate/organizations.rs` | 409, 1500 | a company or location name in use; a company's last location |
//! | `operate/users.rs` | 403, 409, 1100 | deleting the main administrator; a login in use; a user named in a body that does not exist |
//! | `operate/identity.rs` | 1201, 1202, 1203, 1204, 1205, 1207, 1208, 1209, 1210 | identities for a single sign-on user; public keys assigned elsewhere, password-protected, non-RSA, unreadable; wrong or malformed TOTP codes; the `integration` scope; a PKCS#12 container without a key |
//! | `operate/identity_providers.rs` | 1101, 1200, 1206, 1250, 1251, 1252, 1253, 1254, 1255 | single sign-on disabled by the provider; a missing or disabled identity provider; a name or display name in use; maintenance mode; metadata unreachable, unreadable or registered elsewhere |
//! | `operate/licensing.rs` | 1300, 1301, 7000 | a perpetual license or a revoked one (async); an operation on a license while one runs; an outdated Veeam ONE |
//! | `operate/deployment.rs` | 3000, 3001, 1051 | a failed deployment task, an unreachable computer (async); a deployment where one runs; a computer that never answers (async) |
//! | `operate/agents.rs` | 4000, 4001, 4002, 5000, 5001, 5002, 5003, 5004, 5005, 5006, 5007, 5008, 5009, 6000 | outdated or busy management agents; backup agents not found, gone, changing mode, unmanaged, outdated, up to date; CBT driver conditions; no job or policy |
//! | `operate/infrastructure.rs` | 7000, 9000 | an outdated Veeam ONE server; a failover to a future date |
//! | `operate/token.rs` | OAuth2 (400) | `POST /token`: wrong content type, missing or bad parameters, bad credentials (`invalid_request`); unknown grant type (`unsupported_grant_type`); unknown refresh or MFA token, a wrong second factor (`invalid_grant`) |
//!
//! Long operations ([`is_long`]) answer `202 Accepted` with `Location:
//! .../api/v3/asyncActions/{id}` and run as async actions ([`AsyncConfig`]): `GET
//! /asyncActions/{id}` reports `running`, then `succeed`, `failed` or `canceled`; `GET
//! .../result` answers the outcome, an error through the one mapping; `DELETE` cancels.
//!
//! Collections answer `{"meta":{"pagingInfo":{total,count,offset}},"data":[...]}` honouring
//! `limit` and `offset`; `filter`, `sort` and `select` are validated against the spec's
//! expressions but not evaluated. The seeded kinds (organizations, locations, users and their
//! identities, identity providers, agents, computers, deployment tasks, servers, sites, failover
//! plans, async actions) come from the state; every other collection is empty.
//!
//! `X-Mock-Fault` (500 or 504) is the only mock-only input: a real console ignores the header.
//! It is read by the operate stage, so a request that fails an earlier stage fails there first.
//! Every custom code has a realistic trigger instead.
//!
//! Two personalities ([`MockConfig::personality`], `mock --variant`, `run --mock-variant`):
//! wherever the contract leaves a choice open (messages, property naming, the OAuth2 error of a
//! wrong password, the order of the stages, trailing slashes, throttling by default, types of
//! codes no source fixes, the content type and members of error bodies, 415, 202 for long
//! operations, ...), [`Personality::Standard`] makes it the way this page describes and
//! [`Personality::Alternative`] the other way, both keeping every stated rule. Each [`Choice`]
//! is decided in one place by [`Personality::picks`] (`personality.rs`); the table of all of
//! them is `docs/mock-choices.md`, generated by `tests/mock_choices.rs`.

mod auth;
mod error;
mod ids;
mod operate;
mod patch;
mod personality;
mod route;
mod state;
mod throttle;
mod tls;
mod validate;
mod violate;

pub use error::code_type_as;
pub use error::{ApiError, OAuth2Error, ResponseError, WireBody, WireError, code_type};
pub use operate::{FAULT_HEADER, is_heavy, is_long};
pub use personality::{Choice, Personality};
pub use state::{
    ADMIN_PASSWORD, ADMIN_USERNAME, COMPANY_PASSWORD, COMPANY_USERNAME, MFA_PASSWORD, MFA_USERNAME,
    MOCK_TOTP_CODE, ROLE_PASSWORD, role_username,
};
pub use throttle::{ThrottleConfig, ThrottleGroup, ThrottleLimit, ThrottleRule};
pub use tls::TlsError;
pub use violate::{UnknownViolation, Violation};

use crate::contract::{ApiVersion, Contract, Operations, TrailingSlash};
use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, State as Shared};
use axum::http::{Request, Response};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;
use tls::Peer;
use tokio::sync::watch;

/// How the mock console behaves.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The REST API version it serves: its catalogue, and its build in `GET /about`.
    pub api_version: ApiVersion,
    /// Bend one rule of the contract in every error response (the harness's self-test).
    pub violation: Option<Violation>,
    pub throttle: ThrottleConfig,
    /// How long an access token is valid (`expires_in`); default 3600 s.
    pub token_lifetime: Duration,
    /// How long the async actions of long operations run.
    pub async_actions: AsyncConfig,
    /// Serve HTTPS with a self-signed certificate made at start ([`MockConsole::ca_pem`]);
    /// default off: plain HTTP.
    pub tls: bool,
    /// Which way it makes the choices the contract leaves open; default
    /// [`Personality::Standard`].
    pub personality: Personality,
}

impl Default for MockConfig {
    fn default() -> MockConfig {
        MockConfig {
            api_version: ApiVersion::FALLBACK,
            violation: None,
            throttle: ThrottleConfig::default(),
            token_lifetime: Duration::from_secs(3600),
            async_actions: AsyncConfig::default(),
            tls: false,
            personality: Personality::Standard,
        }
    }
}

/// Async actions: a long operation ([`is_long`]) answers `202 Accepted` with
/// `Location: .../api/v3/asyncActions/{id}`; the action is `running` until `duration` has
/// passed, then `succeed` or `failed` as the operation's outcome says. An action that is still
/// running when `time_limit` has passed (one that never ends by itself, e.g. a deployment to a
/// computer that never answers) ends `failed` with 1051.
#[derive(Debug, Clone)]
pub struct AsyncConfig {
    /// How long an action runs; default 50 ms.
    pub duration: Duration,
    /// When a running action is stopped with 1051; default 120 ms.
    pub time_limit: Duration,
}

impl Default for AsyncConfig {
    fn default() -> AsyncConfig {
        AsyncConfig {
            duration: Duration::from_millis(50),
            time_limit: Duration::from_millis(120),
        }
    }
}

/// How a trigger's error reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// In the answer to the request itself.
    Answer,
    /// The request answers `202 Accepted`; the error is the result of its async action
    /// (`GET /asyncActions/{id}/result`) once the action has ended.
    AsyncAction,
}

/// One way to make the mock answer with a code: which request, on which operation. The table
/// of all of them ([`triggers`]) is rendered to `docs/error-triggers.md` by a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    pub code: u16,
    /// `GET`, `POST`, ... or `*` for any method.
    pub method: &'static str,
    /// A path of the operation catalogue, or `*` for any operation.
    pub path: &'static str,
    /// What in the request, or in the seeded state it meets, makes the mock answer so.
    pub trigger: &'static str,
    pub delivery: Delivery,
}

/// Every trigger of the mock, from the stage or operation that owns it, sorted by code.
pub fn triggers() -> Vec<Trigger> {
    let mut all: Vec<Trigger> = [
        throttle::TRIGGERS,
        auth::TRIGGERS,
        route::TRIGGERS,
        validate::TRIGGERS,
        patch::TRIGGERS,
    ]
    .into_iter()
    .flatten()
    .copied()
    .chain(operate::triggers())
    .collect();
    all.sort_by_key(|t| t.code);
    all
}

/// Why the mock console could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    #[error("cannot bind the mock console to {addr}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up the mock console's listener on {addr}")]
    Listener {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the mock console's runtime")]
    Runtime {
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the mock console's server thread")]
    Thread {
        #[source]
        source: std::io::Error,
    },
    #[error("cannot set up HTTPS for the mock console")]
    Tls {
        #[source]
        source: TlsError,
    },
}

/// What every request handler shares.
pub(crate) struct Console {
    config: MockConfig,
    /// The catalogue of the version served.
    catalogue: &'static Operations,
    throttle: throttle::Throttle,
    tokens: auth::Tokens,
    state: Mutex<state::State>,
    ids: ids::IdGen,
    /// `refresh_token` grants answered with a new token.
    refresh_grants: AtomicU64,
}

impl Console {
    fn new(config: MockConfig) -> Console {
        Console {
            catalogue: Contract::get().catalogue(config.api_version),
            throttle: throttle::Throttle::as_personality(
                config.throttle.clone(),
                config.personality,
            ),
            tokens: auth::Tokens::new(config.token_lifetime),
            state: Mutex::new(state::State::seeded()),
            ids: ids::IdGen::new(),
            refresh_grants: AtomicU64::new(0),
            config,
        }
    }

    /// `https` when the console serves TLS: the scheme of the URLs it hands out (`Location`).
    fn scheme(&self) -> &'static str {
        if self.config.tls { "https" } else { "http" }
    }

    fn count_refresh_grant(&self) {
        self.refresh_grants.fetch_add(1, Ordering::Relaxed);
    }

    fn state(&self) -> MutexGuard<'_, state::State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn picks(&self, choice: Choice) -> bool {
        self.config.personality.picks(choice)
    }

    /// The stages, in the order of the personality: where the contract gives no order of
    /// checks ([`Choice::RouteBeforeAuth`], [`Choice::ExistenceBeforeValidation`],
    /// [`Choice::RoleAfterValidation`]) it is decided here and nowhere else.
    async fn serve(
        &self,
        peer: SocketAddr,
        request: Request<Body>,
    ) -> Result<error::Reply, ApiError> {
        let (parts, body) = request.into_parts();
        // The whole request is read before any stage answers, as a server that drains what it
        // was sent: an early answer must not cut a client off mid-body.
        let body = axum::body::to_bytes(body, validate::BODY_LIMIT).await;
        let personality = self.config.personality;
        let token = auth::bearer(&parts.headers);
        let owner = token.and_then(|t| self.tokens.owner(t));
        let client = throttle::Client {
            user: owner,
            ip: peer.ip(),
        };
        let _slot = self.throttle.admit(&client)?;
        let slash = if self.picks(Choice::SignificantTrailingSlash) {
            TrailingSlash::Significant
        } else {
            TrailingSlash::Ignored
        };
        let path = parts.uri.path();
        // Routed once; whether its failure answers before authentication is the personality's.
        let routed = route::resolve(self.catalogue, slash, &parts.method, path);
        // A violation mode may make an anonymous operation demand a token: every one but the
        // login itself, without which no caller could get one.
        let login = parts.method == axum::http::Method::POST
            && route::api_path(path).is_some_and(|p| p.trim_end_matches('/') == "/token");
        let demands_token = self.config.violation == Some(Violation::AnonymousNeedsToken) && !login;
        let authenticate = |anonymous: bool| {
            auth::authenticate(
                &self.tokens,
                anonymous && !demands_token,
                &parts.headers,
                |uid| self.state().user(uid).is_some(),
            )
        };
        let (principal, routed) = if self.picks(Choice::RouteBeforeAuth) {
            let routed = routed?;
            (authenticate(routed.operation.anonymous)?, routed)
        } else {
            let anonymous = routed.as_ref().is_ok_and(|r| r.operation.anonymous);
            (authenticate(anonymous)?, routed?)
        };
        let operation = routed.operation;
        let admit = || {
            let role = principal
                .as_ref()
                .map(|p| auth::role_of(p, self.state().user(&p.user_uid)));
            auth::admit(role, operation, self.config.violation)
        };
        // Either way the role is refused before the path's ids are looked up: a console that
        // answered 404 first would hide from a caller which ids exist.
        let role_late = self.picks(Choice::RoleAfterValidation);
        if !role_late {
            admit()?;
        }
        let schemas = self.catalogue.schemas();
        // A violation mode that bends what the console checks, not how it answers.
        let lax = self.config.violation;
        let request = if self.picks(Choice::ExistenceBeforeValidation) {
            let path = validate::path(routed, schemas, personality, lax)?;
            if role_late {
                admit()?;
            }
            operate::path_resources_exist(self, operation, &path)?;
            validate::content_type(operation, &parts, personality)?;
            validate::query_and_body(operation, schemas, path, &parts, body, personality, lax)
                .await?
        } else {
            validate::content_type(operation, &parts, personality)?;
            let path = validate::path(routed, schemas, personality, lax)?;
            let request =
                validate::query_and_body(operation, schemas, path, &parts, body, personality, lax)
                    .await?;
            if role_late {
                admit()?;
            }
            request
        };
        operate::operate(self, principal.as_ref(), &request).await
    }

    /// The one mapping, then the configured violation.
    fn fail(&self, error: &ApiError) -> WireError {
        let wire = error.render_as(self.config.personality);
        match self.config.violation {
            Some(violation) => violation.apply(error, wire),
            None => wire,
        }
    }
}

/// The single fallback handler: all routing is the catalogue's.
async fn handle(
    Shared(console): Shared<Arc<Console>>,
    ConnectInfo(Peer(peer)): ConnectInfo<Peer>,
    request: Request<Body>,
) -> Response<Body> {
    match console.serve(peer, request).await {
        Ok(reply) => reply.into_response(),
        Err(error) => console.fail(&error).into_response(),
    }
}

/// A running mock console. Like wiremock's `MockServer`: it owns its runtime on its own thread,
/// and shuts down when dropped.
pub struct MockConsole {
    addr: SocketAddr,
    /// The certificate's PEM when the console serves HTTPS.
    ca_pem: Option<String>,
    console: Arc<Console>,
    variables: BTreeMap<String, String>,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
    /// Serves the in-process connections of [`MockConsole::pipe`], when the console speaks plain
    /// HTTP.
    pipes: Option<Pipes>,
}

/// The console's own service and runtime, for connections that are not sockets.
#[derive(Clone)]
struct Pipes {
    app: Router,
    runtime: tokio::runtime::Handle,
}

/// Bytes in flight each way on an in-process connection before its writer waits: more than
/// any request or answer of the cases but the largest, which then flow in turns.
const PIPE_BUFFER: usize = 64 * 1024;

/// How long in-flight requests may take to finish once the console is stopped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

impl MockConsole {
    /// Starts a console on `127.0.0.1` with a free port.
    pub fn start(config: MockConfig) -> Result<MockConsole, MockError> {
        Self::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config)
    }

    /// Starts a console on `addr`.
    pub fn bind(addr: SocketAddr, config: MockConfig) -> Result<MockConsole, MockError> {
        let listener =
            std::net::TcpListener::bind(addr).map_err(|source| MockError::Bind { addr, source })?;
        let listener_error = |source| MockError::Listener { addr, source };
        listener.set_nonblocking(true).map_err(listener_error)?;
        let bound = listener.local_addr().map_err(listener_error)?;
        let identity = match config.tls {
            true => {
                let tls = |source| MockError::Tls { source };
                let identity = tls::Identity::generate(bound.ip()).map_err(tls)?;
                let server = identity.server_config().map_err(tls)?;
                Some((identity.pem, server))
            }
            false => None,
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("vspc-mock-worker")
            .enable_all()
            .build()
            .map_err(|source| MockError::Runtime { source })?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener).map_err(listener_error)?
        };
        let console = Arc::new(Console::new(config));
        let app = Router::new().fallback(handle).with_state(console.clone());
        // An in-process connection comes from this host, as a loopback socket does: the
        // throttle's per-address limits see the same client either way.
        let pipes = identity.is_none().then(|| Pipes {
            app: app.clone().layer(MockConnectInfo(Peer(SocketAddr::from((
                Ipv4Addr::LOCALHOST,
                0,
            ))))),
            runtime: runtime.handle().clone(),
        });
        let (stop, mut stopped) = watch::channel(false);
        let mut grace = stop.subscribe();
        let (ca_pem, server_config) = identity.unzip();
        let thread = std::thread::Builder::new()
            .name("vspc-mock-server".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let service = app.into_make_service_with_connect_info::<Peer>();
                    let shutdown = async move {
                        let _ = stopped.wait_for(|stop| *stop).await;
                    };
                    let server: std::pin::Pin<
                        Box<dyn Future<Output = std::io::Result<()>> + Send>,
                    > = match server_config {
                        None => Box::pin(
                            axum::serve(listener, service)
                                .with_graceful_shutdown(shutdown)
                                .into_future(),
                        ),
                        Some(server_config) => {
                            match tls::TlsListener::new(listener, server_config) {
                                Ok(listener) => Box::pin(
                                    axum::serve(listener, service)
                                        .with_graceful_shutdown(shutdown)
                                        .into_future(),
                                ),
                                // The address was read once already; it cannot fail now.
                                Err(_) => return,
                            }
                        }
                    };
                    let deadline = async move {
                        let _ = grace.wait_for(|stop| *stop).await;
                        tokio::time::sleep(SHUTDOWN_GRACE).await;
                    };
                    tokio::select! {
                        _ = server => {}
                        _ = deadline => {}
                    }
                });
                runtime.shutdown_timeout(Duration::from_millis(100));
            })
            .map_err(|source| MockError::Thread { source })?;
        Ok(MockConsole {
            addr: bound,
            ca_pem,
            console,
            variables: state::State::variables(),
            stop: Some(stop),
            thread: Some(thread),
            pipes,
        })
    }

    /// Opens a connection to the console inside this process: an in-memory pipe whose other
    /// end the console serves as it serves a socket (HTTP/1.1 through the same stages), without
    /// the kernel's loopback in between. `None` when the console serves HTTPS, which only a
    /// socket carries here. The connections close when the console stops.
    pub fn pipe(&self) -> Option<impl Fn() -> tokio::io::DuplexStream + Send + Sync + 'static> {
        let pipes = self.pipes.clone()?;
        Some(move || {
            let (client, server) = tokio::io::duplex(PIPE_BUFFER);
            let service = hyper_util::service::TowerToHyperService::new(pipes.app.clone());
            pipes.runtime.spawn(async move {
                // Its end is the client's hanging up, or the console stopping.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(server), service)
                    .await;
            });
            client
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` when it serves TLS; the API is under
    /// `/api/v3`.
    pub fn uri(&self) -> String {
        format!("{}://{}", self.console.scheme(), self.addr)
    }

    /// The self-signed certificate (PEM) of a console serving HTTPS ([`MockConfig::tls`]): what
    /// a client must trust to reach it with verification on (`run --ca-cert`). None over HTTP.
    /// A new certificate is made at every start.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// How many `refresh_token` grants of `POST /token` this console has answered with a new
    /// token: how a test sees that a client renewed its session instead of logging in again.
    pub fn refresh_grants(&self) -> u64 {
        self.console.refresh_grants.load(Ordering::Relaxed)
    }

    /// The seeded ids and names every mock console has, before one is started (what
    /// `--dry-run` tells apart from unresolved variables).
    pub fn seeded_variables() -> BTreeMap<String, String> {
        state::State::variables()
    }

    /// Seeded ids and names cases can use, each a resource in one condition:
    ///
    /// - organizations: `companyUid`, `companyName`, `organizationUid`: Acme Corp, which has
    ///   exactly one location; `secondCompanyUid`, `secondCompanyName`: Globex, which has two,
    ///   and is also `ssoDisabledOrganizationUid` (the provider disabled single sign-on for it);
    ///   `maintenanceOrganizationUid`: Umbrella Corp, whose portal is in maintenance mode;
    ///   `providerUid`: the service provider;
    /// - locations: `locationUid`: Acme Corp's only one (deleting it is a 1500);
    ///   `secondLocationUid`: Globex's second (deletable once); `secondCompanyDefaultLocationUid`:
    ///   Globex's first;
    /// - users: `userUid`, `userLogin`: Acme Corp's company owner (password
    ///   [`COMPANY_PASSWORD`]); `adminUid`: the administrator [`ADMIN_USERNAME`] (cannot be
    ///   deleted); `ssoUserUid`: a user who signs in through an identity provider;
    /// - identities: `assignedPublicKey`: the administrator's RSA public key (PEM);
    /// - identity providers: `identityProviderName`, `identityProviderDisplayName`: Acme Corp's
    ///   enabled one; `disabledIdentityProviderName`: Acme Corp's disabled one;
    ///   `maintenanceIdentityProviderName`: Umbrella Corp's; `foreignIdentityProviderEntity`:
    ///   the SAML entity ID of Globex's;
    /// - async actions: `asyncActionId`: succeeded (canceling it is a 1000);
    ///   `runningAsyncActionId`: stays running (its result is a 1000; deleting it cancels it);
    ///   `failedAsyncActionId`: timed out (result 1051); `canceledAsyncActionId`: canceled
    ///   (result 1050); `failedDeploymentActionId`: result 3000; `failedLicenseActionId`: result
    ///   1300;
    /// - deployment: `computerUid`: a computer where deployments succeed;
    ///   `deployingComputerUid`: one with a deployment running; `unreachableComputerUid`: one
    ///   that cannot be reached (the deployment's action fails with 3000);
    ///   `silentComputerUid`: one that never answers (the action runs into its time limit:
    ///   1051); `deploymentTaskUid`: a running task; `failedDeploymentTaskUid`: a failed one;
    /// - licensing and servers: `backupServerUid`: a backup server with a rental license, being
    ///   patched by its management agent; `perpetualBackupServerUid`: one with a perpetual
    ///   license; `siteUid`: a Cloud Connect site whose license update fails in its action;
    ///   `vOneServerUid`: a Veeam ONE 12 server; `outdatedVOneServerUid`: a Veeam ONE 11 one;
    ///   `planUid`: a failover plan;
    /// - management agents: `managementAgentUid` (current, idle), `outdatedManagementAgentUid`,
    ///   `busyManagementAgentUid` (running a task);
    /// - backup agents for Windows: `backupAgentUid` (current, managed, server mode, CBT driver
    ///   installed) and its job `backupAgentJobUid`; `workstationBackupAgentUid` (Workstation
    ///   mode, no CBT driver); `outdatedBackupAgentUid` (version 5); `unmanagedBackupAgentUid`;
    ///   `activatingBackupAgentUid` (management mode changing); `staleBackupAgentUid` (not found
    ///   by the last collection); `uninstalledBackupAgentUid` (gone from its computer);
    ///   `legacyOsBackupAgentUid` (Windows Server 2008 R2); `unprotectedBackupAgentUid` (no job,
    ///   no policy);
    /// - `missingUid`: a well-formed UUID no resource has.
    pub fn variables(&self) -> &BTreeMap<String, String> {
        &self.variables
    }

    /// Blocks until the server stops (it runs until the process ends).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl std::fmt::Debug for MockConsole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockConsole")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for MockConsole {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
