//! Where requests go: the embedded mock console (started in-process) or a real console by URL,
//! with the credentials and variables a run needs. Secrets live in [`Secret`], which never
//! prints its content.

use crate::contract::{ApiVersion, Contract, Detected, Operation, Role};
use crate::mock::{
    ADMIN_PASSWORD, ADMIN_USERNAME, MockConfig, MockConsole, MockError, ROLE_PASSWORD,
    role_username,
};
use crate::send::token::{Token, TokenError, login};
use crate::send::{SendOptions, Sender, Tokens, TransportError};
use std::collections::BTreeMap;
use std::sync::Arc;
use thiserror::Error;

pub use crate::secret::Secret;

/// Which console to test.
#[derive(Debug, Clone)]
pub enum TargetSpec {
    /// Start the embedded mock console, optionally bent by a violation mode.
    EmbeddedMock(MockConfig),
    /// A console at this base URL (`https://host:1280`).
    Remote(String),
}

/// How to authenticate against a real console. The embedded mock uses its seeded administrator
/// and its seeded user of every role.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    pub token: Option<Secret>,
    pub readonly_token: Option<Secret>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// Credentials per role, for the cases that send a role's token.
    pub roles: BTreeMap<Role, RoleAuth>,
}

/// One role's credentials: a token (or API key) as is, or a login.
#[derive(Debug, Clone)]
pub enum RoleAuth {
    Token(Secret),
    Login { username: String, password: Secret },
}

/// Whether a role's token works: the GET that admits the role and answered 2xx, or why the
/// role's cases cannot be judged.
pub type RoleProbe = Result<String, String>;

#[derive(Debug, Error)]
pub enum TargetError {
    #[error("cannot reach {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("login to {url} as `{username}` failed: {reason}")]
    Login {
        url: String,
        username: String,
        reason: String,
    },
    #[error("the token was refused by {url}: HTTP {status}")]
    TokenRefused { url: String, status: u16 },
    #[error("no credentials for {0}: give --token, or --username and --password")]
    NoCredentials(String),
    #[error("the embedded mock console did not start: {0}")]
    Mock(#[from] MockError),
    #[error("{0}")]
    Config(String),
}

impl TargetError {
    /// Exit status: 3 when the target could not be reached or authenticated, 2 for bad input.
    pub fn exit_code(&self) -> i32 {
        match self {
            TargetError::Config(_) | TargetError::NoCredentials(_) => 2,
            _ => 3,
        }
    }
}

/// A rule that reads a variable's value from the target: GET `path` with `query`, then the JSON
/// Pointer `pointer` into the answer (`/data/0/instanceUid`: the first item's id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverRule {
    pub name: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub pointer: String,
}

/// A connected target, ready for a run.
pub struct Target {
    /// `embedded-mock`, or the URL given.
    pub label: String,
    /// The API version the run speaks: given, read from the console, or the fallback.
    pub version: ApiVersion,
    /// How the version was decided, when the user should hear it (a newer console, a build that
    /// could not be read).
    pub version_warning: Option<String>,
    pub sender: Sender,
    pub tokens: Tokens,
    pub variables: BTreeMap<String, String>,
    /// Variables discovery could not read, with why: cases needing them are skipped, saying so.
    pub undiscovered: BTreeMap<String, String>,
    /// Each role with a token, and whether its token was accepted where the spec admits it.
    pub roles: BTreeMap<Role, RoleProbe>,
    /// Whether the read-only token was accepted where the spec admits ReadOnlyUser.
    pub read_only: Option<RoleProbe>,
    mock: Option<MockConsole>,
}

impl Target {
    /// Starts or reaches the target and obtains its tokens. `vars` override discovered values.
    pub async fn connect(
        spec: TargetSpec,
        auth: Auth,
        options: &SendOptions,
        vars: BTreeMap<String, String>,
    ) -> Result<Target, TargetError> {
        Target::connect_discovering(spec, auth, options, vars, &[]).await
    }

    /// As [`Target::connect`], then reads from a real console every variable of `discover` that
    /// `vars` does not set. The embedded mock's seeded ids need no discovery.
    pub async fn connect_discovering(
        spec: TargetSpec,
        auth: Auth,
        options: &SendOptions,
        vars: BTreeMap<String, String>,
        discover: &[DiscoverRule],
    ) -> Result<Target, TargetError> {
        match spec {
            TargetSpec::EmbeddedMock(mut config) => {
                let version = options.api_version.unwrap_or(config.api_version);
                config.api_version = version;
                let mock = MockConsole::start(config)?;
                let mut sender = sender(&mock.uri(), options)?;
                sender.set_api_version(version);
                // The cases need no socket to a console in this process.
                if let Some(pipe) = mock.pipe() {
                    sender.dial_cases_with(Arc::new(pipe));
                }
                let password = Secret::new(ADMIN_PASSWORD);
                let login = |read_only| login_as(&sender, ADMIN_USERNAME, &password, read_only);
                let mut tokens = Tokens {
                    default: Some(login(false).await?),
                    read_only: Some(login(true).await?),
                    roles: BTreeMap::new(),
                };
                // The mock's user of every role of the version.
                let role_password = Secret::new(ROLE_PASSWORD);
                for role in Contract::get().catalogue(version).roles().iter() {
                    let token =
                        login_as(&sender, &role_username(role), &role_password, false).await?;
                    tokens.roles.insert(role, token);
                }
                let roles = probe_roles(&sender, &tokens, version).await;
                let read_only = probe_read_only(&sender, &tokens, version).await;
                let mut variables = mock.variables().clone();
                variables.extend(vars);
                Ok(Target {
                    label: "embedded-mock".to_string(),
                    version,
                    version_warning: None,
                    sender,
                    tokens,
                    variables,
                    undiscovered: BTreeMap::new(),
                    roles,
                    read_only,
                    mock: Some(mock),
                })
            }
            TargetSpec::Remote(url) => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err(TargetError::Config(format!(
                        "--target `{url}` is not an http:// or https:// URL"
                    )));
                }
                let mut sender = sender(&url, options)?;
                let (mut tokens, about) = remote_tokens(&sender, &auth, &url).await?;
                // A role whose login is refused is not a dead target: only its cases cannot be
                // judged.
                let mut refused_logins = BTreeMap::new();
                for (role, credentials) in &auth.roles {
                    let token = match credentials {
                        RoleAuth::Token(secret) => Token::Static(secret.clone()),
                        RoleAuth::Login { username, password } => {
                            match login_as(&sender, username, password, false).await {
                                Ok(token) => token,
                                Err(e @ TargetError::Login { .. }) => {
                                    refused_logins.insert(*role, Err(e.to_string()));
                                    continue;
                                }
                                Err(e) => return Err(e),
                            }
                        }
                    };
                    tokens.roles.insert(*role, token);
                }
                let (version, version_warning) = match options.api_version {
                    Some(version) => (version, None),
                    None => {
                        let about = match (about, &tokens.default) {
                            (Some(about), _) => Some(about),
                            (None, Some(token)) => about_console(&sender, token, &url).await?,
                            (None, None) => None,
                        };
                        detect_version(about.as_ref())
                    }
                };
                sender.set_api_version(version);
                let mut roles = probe_roles(&sender, &tokens, version).await;
                roles.extend(refused_logins);
                let read_only = probe_read_only(&sender, &tokens, version).await;
                let mut variables = vars;
                let mut undiscovered = BTreeMap::new();
                for rule in discover {
                    if variables.contains_key(&rule.name) {
                        continue;
                    }
                    match discover_one(&sender, &tokens, rule).await {
                        Ok(value) => {
                            variables.insert(rule.name.clone(), value);
                        }
                        Err(why) => {
                            undiscovered.insert(rule.name.clone(), why);
                        }
                    }
                }
                Ok(Target {
                    label: url,
                    version,
                    version_warning,
                    sender,
                    tokens,
                    variables,
                    undiscovered,
                    roles,
                    read_only,
                    mock: None,
                })
            }
        }
    }

    pub fn is_embedded_mock(&self) -> bool {
        self.mock.is_some()
    }

    /// The embedded mock, when the run started one.
    pub fn mock(&self) -> Option<&MockConsole> {
        self.mock.as_ref()
    }
}

/// Reads one variable from the target, or says why it could not.
async fn discover_one(
    sender: &Sender,
    tokens: &Tokens,
    rule: &DiscoverRule,
) -> Result<String, String> {
    let query: Vec<String> = rule
        .query
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::send::form_encode(v)))
        .collect();
    let shown = if query.is_empty() {
        rule.path.clone()
    } else {
        format!("{}?{}", rule.path, query.join("&"))
    };
    let token = match &tokens.default {
        Some(token) => token.current(sender).await.map_err(|e| e.to_string())?,
        None => return Err("no credentials to discover with".into()),
    };
    sender.wait_turn().await;
    let response = sender
        .request(reqwest::Method::GET, &format!("{}{shown}", sender.base()))
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(|e| format!("discovery GET {shown} failed: {}", crate::send::describe(e)))?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(|e| {
        format!(
            "discovery GET {shown} broke off: {}",
            crate::send::describe(e)
        )
    })?;
    let body: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| format!("discovery GET {shown} answered {status} without JSON"))?;
    match body.pointer(&rule.pointer) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Number(n)) => Ok(n.to_string()),
        _ => Err(format!(
            "discovery GET {shown} answered {status} with nothing at {}",
            rule.pointer
        )),
    }
}

fn sender(url: &str, options: &SendOptions) -> Result<Sender, TargetError> {
    Sender::new(url, options).map_err(|e| TargetError::Config(e.to_string()))
}

/// The tokens of a real console, and the answer of `GET /about` when the token probe read it.
async fn remote_tokens(
    sender: &Sender,
    auth: &Auth,
    url: &str,
) -> Result<(Tokens, Option<serde_json::Value>), TargetError> {
    let login_with = |read_only: bool| async move {
        match (&auth.username, &auth.password) {
            (Some(user), Some(password)) => {
                login_as(sender, user, password, read_only).await.map(Some)
            }
            _ => Ok(None),
        }
    };
    let (default, about) = match &auth.token {
        Some(token) => {
            let token = Token::Static(token.clone());
            let about = about_console(sender, &token, url).await?;
            (token, about)
        }
        None => (
            login_with(false)
                .await?
                .ok_or_else(|| TargetError::NoCredentials(url.to_string()))?,
            None,
        ),
    };
    let read_only = match &auth.readonly_token {
        Some(token) => Some(Token::Static(token.clone())),
        None => login_with(true).await?,
    };
    Ok((
        Tokens {
            default: Some(default),
            read_only,
            roles: BTreeMap::new(),
        },
        about,
    ))
}

/// The precondition of a role's cases: its token is accepted by a GET the spec admits the role
/// to (one without ids or required parameters). A role whose token works nowhere would make
/// every refusal look conforming.
async fn probe_roles(
    sender: &Sender,
    tokens: &Tokens,
    version: ApiVersion,
) -> BTreeMap<Role, RoleProbe> {
    let mut probes = BTreeMap::new();
    for (role, token) in &tokens.roles {
        let probe = match probe_role(sender, (*role, role.as_str()), token, version).await {
            Some(probe) => probe,
            None => Err(no_role_probe(*role, version)),
        };
        probes.insert(*role, probe);
    }
    probes
}

/// The same precondition for the read-only token, which is admitted as ReadOnlyUser: a token
/// refused everywhere would make every refusal of the read-only sweeps look conforming. None
/// when the version admits ReadOnlyUser to no such GET.
async fn probe_read_only(
    sender: &Sender,
    tokens: &Tokens,
    version: ApiVersion,
) -> Option<RoleProbe> {
    let token = tokens.read_only.as_ref()?;
    probe_role(sender, (Role::ReadOnlyUser, "read-only"), token, version).await
}

/// The GET a role's token is tried on before the run: the first operation of the version that
/// admits `role` and needs no ids or required parameters. None when the version has none.
pub fn role_probe(role: Role, version: ApiVersion) -> Option<&'static Operation> {
    Contract::get().catalogue(version).all().iter().find(|op| {
        op.method == "GET"
            && op.admits(role)
            && op.path_parameters.is_empty()
            && !op.parameters.iter().any(|p| p.required)
    })
}

/// Why a role's token cannot be tried: [`role_probe`] found nothing.
pub fn no_role_probe(role: Role, version: ApiVersion) -> String {
    format!("API {version} admits {role} to no GET that needs no ids")
}

/// GET the role's [`role_probe`] with `token`: Ok when it answers 2xx. None when the version has
/// no such operation.
async fn probe_role(
    sender: &Sender,
    (role, who): (Role, &str),
    token: &Token,
    version: ApiVersion,
) -> Option<RoleProbe> {
    let op = role_probe(role, version)?;
    let outcome = async {
        let token = token.current(sender).await.map_err(|e| e.to_string())?;
        sender.wait_turn().await;
        let response = sender
            .request(
                reqwest::Method::GET,
                &format!("{}{}", sender.base(), op.path),
            )
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(crate::send::describe)?;
        let status = response.status().as_u16();
        match status {
            200..=299 => Ok(format!("GET {}", op.path)),
            _ => Err(format!(
                "the {who} token was refused by GET {}, which the spec admits {role} to: HTTP {status}",
                op.path
            )),
        }
    };
    Some(outcome.await)
}

/// A login, with failures as target errors: unreachable (exit 3) or refused, showing the OAuth2
/// error and never the password.
async fn login_as(
    sender: &Sender,
    username: &str,
    password: &Secret,
    read_only: bool,
) -> Result<Token, TargetError> {
    login(sender, username, password, read_only)
        .await
        .map_err(|e| match e {
            TokenError::Unreachable { url, detail } => TargetError::Unreachable { url, detail },
            TokenError::Refused(reason) => TargetError::Login {
                url: sender.base().trim_end_matches("/api/v3").to_string(),
                username: username.to_string(),
                reason,
            },
        })
}

/// `GET /about` before the run: it proves a given token (a dead target or a refused token stops
/// the run with exit 3 instead of failing every case) and tells the console's build, from which
/// the version is read. The answer's JSON, when it has one.
async fn about_console(
    sender: &Sender,
    token: &Token,
    url: &str,
) -> Result<Option<serde_json::Value>, TargetError> {
    let token = token
        .current(sender)
        .await
        .map_err(|e| TargetError::Config(e.to_string()))?;
    sender.wait_turn().await;
    let response = sender
        .request(reqwest::Method::GET, &format!("{}/about", sender.base()))
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(|e| unreachable(url, e))?;
    let status = response.status().as_u16();
    if status == 401 {
        return Err(TargetError::TokenRefused {
            url: url.to_string(),
            status,
        });
    }
    let bytes = response.bytes().await.map_err(|e| unreachable(url, e))?;
    Ok(serde_json::from_slice(&bytes)
        .ok()
        .filter(|_| status == 200))
}

/// The version a console's `GET /about` answer names (`data.serverVersion`), or the fallback;
/// with a warning unless the console's release is one of the table's.
pub fn detect_version(about: Option<&serde_json::Value>) -> (ApiVersion, Option<String>) {
    let fallback = ApiVersion::FALLBACK;
    let Some(build) = about
        .and_then(|a| a.pointer("/data/serverVersion"))
        .and_then(serde_json::Value::as_str)
    else {
        return (
            fallback,
            Some(format!(
                "the console's version could not be read (GET /api/v3/about has no data.serverVersion); speaking API {fallback}: give --api-version to choose"
            )),
        );
    };
    match ApiVersion::of_server(build) {
        Ok(Detected::Known(version)) => (version, None),
        Ok(Detected::Newer(version)) => (
            version,
            Some(format!(
                "the console is VSPC {build}, newer than every known release; speaking API {version}, the newest known: give --api-version to choose"
            )),
        ),
        Err(why) => (
            fallback,
            Some(format!(
                "the console's version is unknown ({why}); speaking API {fallback}: give --api-version to choose"
            )),
        ),
    }
}

fn unreachable(url: &str, error: reqwest::Error) -> TargetError {
    TargetError::Unreachable {
        url: url.to_string(),
        detail: crate::send::describe(error),
    }
}

impl From<TransportError> for TargetError {
    fn from(e: TransportError) -> Self {
        TargetError::Config(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_read_from_server_version_or_falls_back_with_a_warning() {
        let about = |build: &str| serde_json::json!({"data": {"serverVersion": build}});
        assert_eq!(
            detect_version(Some(&about("9.3.0.100"))),
            (ApiVersion::V3_7, None)
        );
        assert_eq!(
            detect_version(Some(&about("9.0.1.5"))),
            (ApiVersion::V3_6, None)
        );
        let (newer, warning) = detect_version(Some(&about("10.1.0.1")));
        assert_eq!(newer, ApiVersion::V3_7);
        assert!(warning.unwrap().contains("newer"));
        for unreadable in [
            None,
            Some(serde_json::json!({"data": {}})),
            Some(about("x")),
        ] {
            let (version, warning) = detect_version(unreadable.as_ref());
            assert_eq!(version, ApiVersion::FALLBACK);
            assert!(warning.unwrap().contains("--api-version"));
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "[redacted] [redacted]");
        assert_eq!(s.expose(), "hunter2");
    }
}
