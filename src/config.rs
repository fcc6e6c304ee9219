//! Configuration: `vspc-conformance.toml` (or `--config PATH`), with command-line flags over it
//! and defaults under it. Secrets never live in the file: it names the environment variables
//! that hold them.

use crate::case::file::Scalar;
use crate::case::toml_diagnostic;
use crate::contract::Role;
use crate::contract::{ApiVersion, CustomCodeStatus, Readings, RetryAfterReading, Strength};
use crate::diagnostic::{Diagnostic, Source};
use crate::run::RunOptions;
use crate::select::Selection;
use crate::send::SendOptions;
use crate::target::{Auth, DiscoverRule, RoleAuth, Secret};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file a run reads when `--config` is not given, if it exists.
pub const DEFAULT_FILE: &str = "vspc-conformance.toml";

/// `vspc-conformance.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// `https://host:1280`; absent: the embedded mock.
    pub target: Option<String>,
    /// The REST API version to speak (`3.5.1`, `3.6`, `3.6.1`, `3.6.2`, `3.7`); absent: read it
    /// from the console.
    pub api_version: Option<ApiVersion>,
    /// Case files or directories to run instead of the built-in cases, relative to the config
    /// file.
    pub cases: Option<Vec<PathBuf>>,
    /// Case files or directories to run with the built-in cases (or with `cases`), relative to
    /// the config file.
    pub add_cases: Option<Vec<PathBuf>>,
    /// A baseline file of known non-conformances, relative to the config file.
    pub baseline: Option<PathBuf>,
    /// Fail also on a baseline entry whose case conforms now.
    #[serde(default)]
    pub strict_baseline: bool,
    #[serde(default)]
    pub credentials: CredentialsConfig,
    /// Credentials per role (`[roles.CompanyTenant]`), like `[credentials]`: a token, or a
    /// user name and password, each from the environment.
    #[serde(default)]
    pub roles: BTreeMap<String, RoleConfig>,
    #[serde(default)]
    pub tls: TlsConfig,
    #[serde(default)]
    pub pacing: PacingConfig,
    #[serde(default)]
    pub safety: SafetyConfig,
    #[serde(default)]
    pub filters: FiltersConfig,
    #[serde(default)]
    pub readings: ReadingsConfig,
    /// Values for case variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Rules that read a variable's value from the target.
    #[serde(default)]
    pub discover: BTreeMap<String, DiscoverConfig>,
}

/// Names of environment variables, never the secrets themselves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsConfig {
    pub token_env: Option<String>,
    pub readonly_token_env: Option<String>,
    /// A user name is not a secret; it may be written here or named by `username_env`.
    pub username: Option<String>,
    pub username_env: Option<String>,
    pub password_env: Option<String>,
}

/// One role's credentials: `token_env`, or `username` (or `username_env`) with `password_env`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    pub token_env: Option<String>,
    pub username: Option<String>,
    pub username_env: Option<String>,
    pub password_env: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// A PEM file with the private CA that signed the console's certificate.
    pub ca_cert: Option<PathBuf>,
    /// Accept any certificate. Never for a console you do not control.
    #[serde(default)]
    pub insecure: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacingConfig {
    pub rps: Option<f64>,
    pub concurrency: Option<usize>,
    /// Seconds to wait for each answer.
    pub timeout: Option<f64>,
    /// Seconds to wait for an async action to end.
    pub async_timeout: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafetyConfig {
    #[serde(default)]
    pub allow_mutations: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiltersConfig {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub skip: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub exact: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingsConfig {
    pub custom_code_status: Option<String>,
    pub retry_after: Option<String>,
    pub fail_on: Option<String>,
}

/// `[discover.companyUid] path = "/organizations/companies", query = { limit = 1 },
/// pointer = "/data/0/instanceUid"`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverConfig {
    pub path: String,
    #[serde(default)]
    pub query: BTreeMap<String, Scalar>,
    /// A JSON Pointer into the answer.
    pub pointer: String,
}

/// Reads a config file; every problem is a diagnostic with its position.
pub fn load(path: &Path) -> Result<ConfigFile, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::file_level(
            path,
            format!("cannot read the configuration: {e}"),
        )]
    })?;
    let source = Source::new(path, &text);
    toml::from_str::<ConfigFile>(&text).map_err(|e| {
        let mut d = toml_diagnostic(&source, &e);
        if ["token", "password", "readonly_token", "api_key"].iter().any(|k| d.message == format!("unknown key `{k}`")) {
            d.help = Some(format!(
                "secrets never go in the file: name the environment variable that holds it, e.g. {}_env = \"VSPC_STAGING_TOKEN\"",
                d.message.split('`').nth(1).unwrap_or("token")
            ));
        }
        vec![d]
    })
}

/// Flags given on the command line; each one given wins over the file. They are `run`'s flags
/// as clap parses them, so what the user types and what the file is overlaid with are one type.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct Overrides {
    /// Run only cases whose test name contains one of these (as in `cargo test`).
    pub filters: Vec<String>,
    /// Filters match whole test names.
    #[arg(long)]
    pub exact: bool,
    /// Leave out cases whose name contains this (repeatable).
    #[arg(long, value_name = "FILTER")]
    pub skip: Vec<String>,
    /// Run only cases with this tag (repeatable: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Case files or directories to run instead of the built-in cases (repeatable).
    #[arg(long = "cases", value_name = "PATH")]
    pub cases: Vec<PathBuf>,
    /// Case files or directories to run with the built-in cases (repeatable).
    #[arg(long = "add-cases", value_name = "PATH")]
    pub add_cases: Vec<PathBuf>,
    /// The console to test (`https://host:1280`); without it, the embedded mock.
    #[arg(long, env = "VSPC_TARGET")]
    pub target: Option<String>,
    /// Bearer token or API key for the target.
    #[arg(long, env = "VSPC_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// A read-only token for the `read-only` credential.
    #[arg(long, env = "VSPC_READONLY_TOKEN", hide_env_values = true)]
    pub readonly_token: Option<String>,
    /// Log in with this user through POST /api/v3/token.
    #[arg(long, env = "VSPC_USERNAME")]
    pub username: Option<String>,
    /// The user's password (prefer the VSPC_PASSWORD environment variable).
    #[arg(long, env = "VSPC_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// A role's token (repeatable): --role-token CompanyTenant=TOKEN. VSPC_ROLE_TOKENS holds
    /// them comma-separated, so that none has to appear in a process list.
    #[arg(
        long = "role-token",
        value_name = "ROLE=TOKEN",
        env = "VSPC_ROLE_TOKENS",
        hide_env_values = true,
        value_delimiter = ',',
        value_parser = parse_role_token
    )]
    pub role_tokens: Vec<(String, Secret)>,
    /// Requests in flight at once [default: 32 against the embedded mock, 4 against a console].
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Requests per second at most [default: none against the embedded mock, 20 against a console].
    /// It paces this process only: N shards running at once with the same credentials share the
    /// console's rate, so give each rps/N.
    #[arg(long)]
    pub rps: Option<f64>,
    /// Seconds to wait for each answer [default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Seconds to wait for an async action (202 Accepted) to end; one still running then is
    /// inconclusive [default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub async_timeout: Option<f64>,
    /// A PEM file with the private CA that signed the console's certificate.
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,
    /// Accept any TLS certificate (prints a warning). Only for a console you control.
    #[arg(long)]
    pub insecure: bool,
    /// Run `mutating` cases against a real console.
    #[arg(long)]
    pub allow_mutations: bool,
    /// Which status custom codes (>= 1000) may travel with: auto follows the version (stated as
    /// 520 from 3.7, a reading before) [default: auto].
    #[arg(long, value_enum)]
    pub custom_code_status: Option<CustomCodeStatus>,
    /// Whether a 429 must carry retryAfter (the throttling page says it may) [default: optional].
    #[arg(long, value_enum)]
    pub retry_after: Option<RetryAfterReading>,
    /// How firm a fact must be for its mismatch to fail: stated (the error page, the version's
    /// spec, an RFC), example, convention or reading; weaker ones are deviations [default: stated].
    #[arg(long, value_enum, value_name = "STRENGTH")]
    pub fail_on: Option<Strength>,
    /// A value for a case variable (repeatable): --var companyUid=...
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// The REST API version to speak: its catalogue, X-Client-Version and rules [default: read
    /// from the console's GET /api/v3/about, else 3.6.1; the embedded mock: 3.6.1].
    #[arg(long, value_enum, value_name = "VERSION")]
    pub api_version: Option<ApiVersion>,
    /// A baseline file of known non-conformances (TOML): the run fails only on a failure no
    /// entry covers, an entry whose case fails otherwise now, and an expired entry.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Fail also on a baseline entry whose case conforms now, so the file does not rot.
    #[arg(long)]
    pub strict_baseline: bool,
}

/// `--role-token ROLE=TOKEN`; the role's name is checked once the roles are gathered.
fn parse_role_token(pair: &str) -> Result<(String, Secret), String> {
    match pair.split_once('=') {
        Some((role, token)) if !role.trim().is_empty() && !token.is_empty() => {
            Ok((role.trim().to_string(), Secret::new(token)))
        }
        _ => Err("expected ROLE=TOKEN".to_string()),
    }
}

/// Roles' tokens written as `VSPC_ROLE_TOKENS` holds them, `ROLE=TOKEN,ROLE=TOKEN`: for a
/// harness that reads the environment itself (`tests/conformance.rs`).
pub fn role_tokens(text: &str) -> Result<BTreeMap<Role, RoleAuth>, String> {
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let (name, token) = parse_role_token(pair)?;
            Ok((
                role_named(&name, "VSPC_ROLE_TOKENS")?,
                RoleAuth::Token(token),
            ))
        })
        .collect()
}

/// A role's name as the specs spell it, or a usage error with the closest one.
fn role_named(name: &str, given_as: &str) -> Result<Role, String> {
    Role::parse(name).ok_or_else(|| {
        let names = Role::ALL.map(Role::as_str);
        let close = crate::diagnostic::did_you_mean(name, names)
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        format!(
            "{given_as}: `{name}` is not a role of the specs{close}; the roles are {}",
            names.join(", ")
        )
    })
}

/// `--var NAME=VALUE`.
fn parse_var(pair: &str) -> Result<(String, String), String> {
    match pair.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err("expected NAME=VALUE".to_string()),
    }
}

/// Everything a run needs, resolved.
#[derive(Debug)]
pub struct Settings {
    /// `None`: the embedded mock.
    pub target: Option<String>,
    pub auth: Auth,
    pub send: SendOptions,
    pub run: RunOptions,
    pub selection: Selection,
    pub cases: CaseFiles,
    pub vars: BTreeMap<String, String>,
    pub discover: Vec<DiscoverRule>,
    /// Said to the user before the run (e.g. certificate verification is off).
    pub warnings: Vec<String>,
    /// The baseline file, and whether a fixed entry fails the run.
    pub baseline: Option<PathBuf>,
    pub strict_baseline: bool,
}

/// The case files a run reads: the built-in cases unless replaced, and the files given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFiles {
    /// The cases built into the binary; false when `--cases` (or the file's `cases`) replaced
    /// them.
    pub built_in: bool,
    /// Case files and directories: those run instead of the built-in cases, then those added.
    pub paths: Vec<PathBuf>,
}

impl CaseFiles {
    /// `--cases` (else the file's `cases`) instead of the built-in cases, and `--add-cases`
    /// (else the file's `add_cases`) with them; the file's paths relative to `base`.
    fn resolve(
        file_cases: Option<Vec<PathBuf>>,
        file_added: Option<Vec<PathBuf>>,
        base: &Path,
        cases: Vec<PathBuf>,
        added: Vec<PathBuf>,
    ) -> CaseFiles {
        let from_file = |paths: Option<Vec<PathBuf>>| {
            paths.map(|paths| paths.into_iter().map(|p| base.join(p)).collect::<Vec<_>>())
        };
        let instead = if cases.is_empty() {
            from_file(file_cases)
        } else {
            Some(cases)
        };
        let added = if added.is_empty() {
            from_file(file_added).unwrap_or_default()
        } else {
            added
        };
        CaseFiles {
            built_in: instead.is_none(),
            paths: [instead.unwrap_or_default(), added].concat(),
        }
    }
}

/// Defaults for a real console: a shared, throttled machine deserves a modest load.
pub const REMOTE_CONCURRENCY: usize = 4;
pub const REMOTE_RPS: f64 = 20.0;
/// The embedded mock takes whatever two cores can send.
pub const MOCK_CONCURRENCY: usize = 32;

/// The built-in discovery rules, used against a real console for variables nothing else sets:
/// the first company and the first user the token can see.
pub fn default_discovery() -> Vec<DiscoverRule> {
    let rule = |name: &str, path: &str, pointer: &str| DiscoverRule {
        name: name.to_string(),
        path: path.to_string(),
        query: vec![("limit".to_string(), "1".to_string())],
        pointer: pointer.to_string(),
    };
    vec![
        rule(
            "companyUid",
            "/organizations/companies",
            "/data/0/instanceUid",
        ),
        rule("companyName", "/organizations/companies", "/data/0/name"),
        rule("userUid", "/users", "/data/0/instanceUid"),
    ]
}

/// What the settings are for. A run needs every secret the file names; `run --list`,
/// `run --dry-run` and `lint` send nothing, so they need none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Send,
    /// A variable the file names that is not set stands for itself (`$VSPC_STAGING_TOKEN`, so
    /// a dry run still shows the login it names), with a warning.
    Inspect,
}

/// Flags over the file over defaults. `env` reads environment variables (a parameter so tests
/// need not touch the process environment). `base` is the directory the file's paths are
/// relative to.
pub fn resolve(
    file: ConfigFile,
    base: &Path,
    cli: Overrides,
    env: impl Fn(&str) -> Option<String>,
    purpose: Purpose,
) -> Result<Settings, String> {
    let unset = std::cell::RefCell::new(Vec::new());
    let from_env = |name: &Option<String>, what: &str| -> Result<Option<String>, String> {
        match name {
            Some(var) => match env(var).filter(|v| !v.is_empty()) {
                Some(value) => Ok(Some(value)),
                None => {
                    let problem =
                        format!("the configuration takes the {what} from ${var}, which is not set");
                    match purpose {
                        Purpose::Send => Err(problem),
                        Purpose::Inspect => {
                            unset
                                .borrow_mut()
                                .push(format!("{problem}: a run would stop here"));
                            Ok(Some(format!("${var}")))
                        }
                    }
                }
            },
            None => Ok(None),
        }
    };
    let c = &file.credentials;
    let pick = |flag: Option<String>,
                named: Result<Option<String>, String>|
     -> Result<Option<String>, String> {
        match flag {
            Some(value) => Ok(Some(value)),
            None => named,
        }
    };
    let token = pick(cli.token, from_env(&c.token_env, "token"))?;
    let readonly_token = pick(
        cli.readonly_token,
        from_env(&c.readonly_token_env, "read-only token"),
    )?;
    let username = match cli.username {
        Some(u) => Some(u),
        None => c
            .username
            .clone()
            .map(Ok)
            .or_else(|| from_env(&c.username_env, "user name").transpose())
            .transpose()?,
    };
    let password = pick(cli.password, from_env(&c.password_env, "password"))?;
    // Each role's credentials: the command line's token wins over the file's.
    let mut roles: BTreeMap<Role, RoleAuth> = BTreeMap::new();
    for (name, role) in &file.roles {
        let parsed = role_named(name, &format!("[roles.{name}]"))?;
        let what = |w: &str| format!("{w} of the role {name}");
        let token = from_env(&role.token_env, &what("token"))?;
        let username = match &role.username {
            Some(u) => Some(u.clone()),
            None => from_env(&role.username_env, &what("user name"))?,
        };
        let password = from_env(&role.password_env, &what("password"))?;
        let auth = match (token, username, password) {
            (Some(token), _, _) => RoleAuth::Token(Secret::new(token)),
            (None, Some(username), Some(password)) => RoleAuth::Login {
                username,
                password: Secret::new(password),
            },
            _ => {
                return Err(format!(
                    "[roles.{name}]: give `token_env`, or `username` (or `username_env`) and `password_env`"
                ));
            }
        };
        roles.insert(parsed, auth);
    }
    for (name, token) in cli.role_tokens {
        let role = role_named(&name, "--role-token")?;
        roles.insert(role, RoleAuth::Token(token));
    }
    let target = cli.target.or(file.target);
    let remote = target.is_some();
    let ca_path = cli
        .ca_cert
        .or_else(|| file.tls.ca_cert.map(|p| base.join(p)));
    let ca_cert = match &ca_path {
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| format!("--ca-cert {}: cannot read it: {e}", path.display()))?;
            check_ca_pem(&pem).map_err(|why| format!("--ca-cert {}: {why}", path.display()))?;
            Some(pem)
        }
        None => None,
    };
    let insecure = cli.insecure || file.tls.insecure;
    let mut warnings = unset.take();
    if insecure {
        warnings.push(
            "TLS certificate verification is off (--insecure): anyone between you and the console can read the token".into(),
        );
    }
    let timeout = cli.timeout.or(file.pacing.timeout).unwrap_or(10.0);
    if !(timeout > 0.0 && timeout.is_finite()) {
        return Err(format!(
            "--timeout {timeout}: expected a positive number of seconds"
        ));
    }
    let async_timeout = cli
        .async_timeout
        .or(file.pacing.async_timeout)
        .unwrap_or(30.0);
    if !(async_timeout > 0.0 && async_timeout.is_finite()) {
        return Err(format!(
            "--async-timeout {async_timeout}: expected a positive number of seconds"
        ));
    }
    let rps = cli.rps.or(file.pacing.rps).or(remote.then_some(REMOTE_RPS));
    if let Some(rps) = rps
        && !(rps > 0.0 && rps.is_finite())
    {
        return Err(format!(
            "--rps {rps}: expected a positive number of requests per second"
        ));
    }
    let concurrency = cli
        .concurrency
        .or(file.pacing.concurrency)
        .unwrap_or(if remote {
            REMOTE_CONCURRENCY
        } else {
            MOCK_CONCURRENCY
        });
    if concurrency == 0 {
        return Err("--concurrency 0: at least one request must be in flight".into());
    }
    let api_version = cli.api_version.or(file.api_version);
    let readings = Readings {
        custom_code_status: match cli.custom_code_status {
            Some(r) => r,
            None => parse_reading(
                file.readings.custom_code_status.as_deref(),
                "readings.custom_code_status",
            )?,
        },
        retry_after: match cli.retry_after {
            Some(r) => r,
            None => parse_reading(file.readings.retry_after.as_deref(), "readings.retry_after")?,
        },
        fail_on: match cli.fail_on {
            Some(strength) => strength,
            None => parse_reading(file.readings.fail_on.as_deref(), "readings.fail_on")?,
        },
        // The version under test is known once the target is: the runner sets it.
        version: api_version.unwrap_or_default(),
    };
    let cases = CaseFiles::resolve(file.cases, file.add_cases, base, cli.cases, cli.add_cases);
    let baseline = cli.baseline.or_else(|| file.baseline.map(|p| base.join(p)));
    let strict_baseline = cli.strict_baseline || file.strict_baseline;
    let filters_given = !cli.filters.is_empty();
    let selection = Selection {
        filters: if filters_given {
            cli.filters
        } else {
            file.filters.include
        },
        exact: cli.exact || (!filters_given && file.filters.exact),
        skip: [file.filters.skip, cli.skip].concat(),
        tags: [file.filters.tags, cli.tags].concat(),
    };
    let mut vars = file.variables;
    vars.extend(cli.vars);
    let mut discover: Vec<DiscoverRule> = file
        .discover
        .into_iter()
        .map(|(name, rule)| DiscoverRule {
            name,
            path: rule.path,
            query: rule
                .query
                .into_iter()
                .map(|(k, v)| (k, v.to_string()))
                .collect(),
            pointer: rule.pointer,
        })
        .collect();
    for rule in default_discovery() {
        if !discover.iter().any(|d| d.name == rule.name) {
            discover.push(rule);
        }
    }
    Ok(Settings {
        target,
        auth: Auth {
            token: token.map(Secret::new),
            readonly_token: readonly_token.map(Secret::new),
            username,
            password: password.map(Secret::new),
            roles,
        },
        send: SendOptions {
            timeout: Duration::from_secs_f64(timeout),
            async_timeout: Duration::from_secs_f64(async_timeout),
            api_version,
            ca_cert,
            insecure,
            rps,
            ..SendOptions::default()
        },
        run: RunOptions {
            concurrency,
            readings,
            allow_mutations: cli.allow_mutations || file.safety.allow_mutations,
            baseline: None,
            event_loops: None,
            stop: Default::default(),
            keep: Default::default(),
        },
        selection,
        cases,
        vars,
        discover,
        warnings,
        baseline,
        strict_baseline,
    })
}

/// A `--ca-cert` file must hold at least one PEM certificate, each one usable as a trust
/// anchor: checked before anything is sent, so a wrong file is bad input (exit 2) and not an
/// unreachable target.
fn check_ca_pem(pem: &[u8]) -> Result<(), String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for (i, cert) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let cert = cert.map_err(|e| format!("not a readable PEM file ({e})"))?;
        roots.add(cert).map_err(|e| {
            let why = match e {
                rustls::Error::InvalidCertificate(problem) => format!("{problem:?}"),
                other => other.to_string(),
            };
            format!(
                "certificate {} is not a usable X.509 certificate ({why})",
                i + 1
            )
        })?;
    }
    if roots.is_empty() {
        return Err(
            "holds no PEM certificate (expected a -----BEGIN CERTIFICATE----- block)".into(),
        );
    }
    Ok(())
}

fn parse_reading<T: clap::ValueEnum + Default>(
    value: Option<&str>,
    key: &str,
) -> Result<T, String> {
    match value {
        None => Ok(T::default()),
        Some(text) => T::from_str(text, false).map_err(|_| {
            let names: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value())
                .map(|p| p.get_name().to_string())
                .collect();
            format!("{key} = \"{text}\": expected one of {}", names.join(", "))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ConfigFile {
        toml::from_str(text).unwrap()
    }

    /// The error of a run's settings from `file` alone, with no variable set.
    fn refused(file: ConfigFile) -> String {
        resolve(
            file,
            Path::new("."),
            Overrides::default(),
            |_| None,
            Purpose::Send,
        )
        .unwrap_err()
    }

    const STAGING: &str = r#"
target = "https://vspc-staging.example.com:1280"
[credentials]
username = "conformance"
password_env = "STAGING_PASSWORD"
[pacing]
rps = 5
concurrency = 2
[filters]
skip = ["token::"]
[variables]
companyUid = "from-file"
[discover.locationUid]
path = "/organizations/locations"
query = { limit = 1 }
pointer = "/data/0/instanceUid"
"#;

    fn env(name: &str) -> Option<String> {
        (name == "STAGING_PASSWORD").then(|| "s3cret".to_string())
    }

    #[test]
    fn the_file_sets_a_staging_run_and_flags_win() {
        let cli = Overrides {
            rps: Some(9.0),
            vars: vec![("companyUid".into(), "from-flag".into())],
            ..Overrides::default()
        };
        let s = resolve(parse(STAGING), Path::new("."), cli, env, Purpose::Send).unwrap();
        assert_eq!(
            s.target.as_deref(),
            Some("https://vspc-staging.example.com:1280")
        );
        assert_eq!(s.auth.username.as_deref(), Some("conformance"));
        assert_eq!(s.auth.password.as_ref().map(Secret::expose), Some("s3cret"));
        assert_eq!(s.send.rps, Some(9.0));
        assert_eq!(s.run.concurrency, 2);
        assert_eq!(s.selection.skip, vec!["token::".to_string()]);
        assert_eq!(s.vars["companyUid"], "from-flag");
        assert!(s.discover.iter().any(|d| d.name == "locationUid"));
        assert!(
            s.discover.iter().any(|d| d.name == "companyUid"),
            "built-in rules fill the rest"
        );
    }

    #[test]
    fn a_real_target_gets_modest_defaults_and_the_mock_gets_speed() {
        let remote = resolve(
            parse(r#"target = "https://x:1280""#),
            Path::new("."),
            Overrides::default(),
            |_| None,
            Purpose::Send,
        )
        .unwrap();
        assert_eq!(
            (remote.run.concurrency, remote.send.rps),
            (REMOTE_CONCURRENCY, Some(REMOTE_RPS))
        );
        let mock = resolve(
            ConfigFile::default(),
            Path::new("."),
            Overrides::default(),
            |_| None,
            Purpose::Send,
        )
        .unwrap();
        assert_eq!(
            (mock.run.concurrency, mock.send.rps),
            (MOCK_CONCURRENCY, None)
        );
    }

    #[test]
    fn a_named_variable_that_is_not_set_is_an_error_naming_it() {
        let err = refused(parse(STAGING));
        assert!(err.contains("$STAGING_PASSWORD"), "{err}");
        // What sends nothing needs no secret: the variable stands for itself, with a warning.
        let s = resolve(
            parse(STAGING),
            Path::new("."),
            Overrides::default(),
            |_| None,
            Purpose::Inspect,
        )
        .unwrap();
        assert_eq!(
            s.auth.password.as_ref().map(Secret::expose),
            Some("$STAGING_PASSWORD")
        );
        assert!(
            s.warnings.iter().any(|w| w.contains("$STAGING_PASSWORD")),
            "{:?}",
            s.warnings
        );
    }

    #[test]
    fn a_secret_written_in_the_file_is_refused_with_a_position() {
        let dir = std::env::temp_dir().join(format!("vspc-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("vspc-conformance.toml");
        std::fs::write(
            &path,
            "target = \"https://x:1280\"\n[credentials]\npassword = \"hunter2\"\n",
        )
        .unwrap();
        let problems = load(&path).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        let shown = problems[0].to_string();
        assert!(shown.contains(":3:1"), "{shown}");
        assert!(shown.contains("password_env"), "{shown}");
    }

    const ROLES: &str = r#"
target = "https://x:1280"
[credentials]
token_env = "MAIN_TOKEN"
[roles.CompanyTenant]
token_env = "TENANT_TOKEN"
[roles.ReadOnlyUser]
username = "auditor"
password_env = "AUDITOR_PASSWORD"
"#;

    fn role_env(name: &str) -> Option<String> {
        match name {
            "MAIN_TOKEN" => Some("main".into()),
            "TENANT_TOKEN" => Some("tenant-from-file".into()),
            "AUDITOR_PASSWORD" => Some("auditor-pw".into()),
            _ => None,
        }
    }

    #[test]
    fn each_role_has_a_token_or_a_login_and_the_command_line_wins() {
        let cli = Overrides {
            role_tokens: vec![
                ("CompanyTenant".into(), Secret::new("tenant-from-flag")),
                ("Subtenant".into(), Secret::new("sub")),
            ],
            ..Overrides::default()
        };
        let s = resolve(parse(ROLES), Path::new("."), cli, role_env, Purpose::Send).unwrap();
        let roles: Vec<Role> = s.auth.roles.keys().copied().collect();
        assert_eq!(
            roles,
            [Role::CompanyTenant, Role::Subtenant, Role::ReadOnlyUser]
        );
        assert!(matches!(
            &s.auth.roles[&Role::CompanyTenant],
            RoleAuth::Token(t) if t.expose() == "tenant-from-flag"
        ));
        assert!(matches!(
            &s.auth.roles[&Role::ReadOnlyUser],
            RoleAuth::Login { username, password }
                if username == "auditor" && password.expose() == "auditor-pw"
        ));
    }

    #[test]
    fn an_unknown_role_is_an_error_with_the_closest_name() {
        let file = parse("[roles.CompanyTennant]\ntoken_env = \"T\"\n");
        let err = resolve(
            file,
            Path::new("."),
            Overrides::default(),
            |_| Some("x".into()),
            Purpose::Send,
        )
        .unwrap_err();
        assert!(err.contains("[roles.CompanyTennant]"), "{err}");
        assert!(err.contains("did you mean `CompanyTenant`"), "{err}");
        let cli = Overrides {
            role_tokens: vec![("portaladmin".into(), Secret::new("x"))],
            ..Overrides::default()
        };
        let err = resolve(
            ConfigFile::default(),
            Path::new("."),
            cli,
            |_| None,
            Purpose::Send,
        )
        .unwrap_err();
        assert!(err.contains("--role-token"), "{err}");
        assert!(err.contains("PortalAdministrator"), "{err}");
        let err = role_tokens("CompanyTenant=a,Subtenantt=b").unwrap_err();
        assert!(err.contains("did you mean `Subtenant`"), "{err}");
        let given = role_tokens("CompanyTenant=a,Subtenant=b").unwrap();
        assert_eq!(given.len(), 2);
    }

    #[test]
    fn a_role_without_a_token_or_a_login_is_an_error() {
        let file = parse("[roles.Subtenant]\nusername = \"sub\"\n");
        let err = refused(file);
        assert!(err.contains("[roles.Subtenant]"), "{err}");
        assert!(err.contains("password_env"), "{err}");
    }

    #[test]
    fn cases_replace_the_built_in_ones_and_added_cases_join_them_flags_over_the_file() {
        let resolve_with = |text: &str, cases: &[&str], added: &[&str]| {
            let cli = Overrides {
                cases: cases.iter().map(PathBuf::from).collect(),
                add_cases: added.iter().map(PathBuf::from).collect(),
                ..Overrides::default()
            };
            resolve(parse(text), Path::new("conf"), cli, |_| None, Purpose::Send)
                .unwrap()
                .cases
        };
        let files = |built_in, paths: &[&str]| CaseFiles {
            built_in,
            paths: paths.iter().map(PathBuf::from).collect(),
        };
        assert_eq!(resolve_with("", &[], &[]), files(true, &[]));
        assert_eq!(resolve_with("", &["mine"], &[]), files(false, &["mine"]));
        assert_eq!(resolve_with("", &[], &["mine"]), files(true, &["mine"]));
        let file = "cases = [\"theirs\"]\nadd_cases = [\"more\"]\n";
        assert_eq!(
            resolve_with(file, &[], &[]),
            files(false, &["conf/theirs", "conf/more"])
        );
        assert_eq!(
            resolve_with(file, &["mine"], &[]),
            files(false, &["mine", "conf/more"])
        );
        assert_eq!(
            resolve_with("add_cases = [\"more\"]\n", &[], &["mine"]),
            files(true, &["mine"])
        );
    }

    #[test]
    fn unknown_readings_are_errors() {
        let file = parse("[readings]\nretry_after = \"sometimes\"\n");
        let err = refused(file);
        assert!(err.contains("required, optional"), "{err}");
    }
}
