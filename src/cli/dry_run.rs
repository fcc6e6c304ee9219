//! `run --dry-run`: the requests a run would send, and which cases it would skip and why, with
//! nothing sent. The skip is the runner's own decision ([`run::skip_reason`]), asked of what the
//! target would offer.

use std::collections::BTreeMap;
use std::sync::Arc;
use vspc_conformance::case::{Case, substitute};
use vspc_conformance::config::Settings;
use vspc_conformance::contract::{ApiVersion, Role};
use vspc_conformance::exchange::query_text;
use vspc_conformance::mock::MockConsole;
use vspc_conformance::run::{self, Offer};
use vspc_conformance::target::{RoleAuth, no_role_probe, role_probe};

/// What `--dry-run` prints: the requests before the run (logins, discovery), then each case's
/// request or why the case would be skipped. Nothing is sent, so a variable left to discovery
/// shows as its placeholder.
pub fn render(cases: &[Arc<Case>], settings: &Settings, version: ApiVersion) -> String {
    let auth = &settings.auth;
    // A read-only token is given, or the login gets one.
    let gives_read_only = auth.readonly_token.is_some() || auth.username.is_some();
    let remote = settings.target.is_some();
    let mut out = String::new();
    let mut before = 0;
    if remote {
        let detect = settings.send.api_version.is_none();
        if auth.token.is_some() {
            out.push_str(if detect {
                "probe GET /api/v3/about  (the token is accepted; data.serverVersion gives the API version)\n"
            } else {
                "probe GET /api/v3/about  (the token is accepted)\n"
            });
            before += 1;
        } else if let Some(user) = &auth.username {
            out.push_str(&format!(
                "login POST /api/v3/token  (password grant as `{user}`)\n"
            ));
            before += 1;
            if detect {
                out.push_str(
                    "detect GET /api/v3/about  (data.serverVersion gives the API version)\n",
                );
                before += 1;
            }
        }
        if let (None, Some(user)) = (&auth.readonly_token, &auth.username) {
            out.push_str(&format!(
                "login POST /api/v3/token  (password grant as `{user}`, readOnly=true)\n"
            ));
            before += 1;
        }
        for (role, credentials) in &auth.roles {
            if let RoleAuth::Login { username, .. } = credentials {
                out.push_str(&format!(
                    "login POST /api/v3/token  (password grant as `{username}`, for {role})\n"
                ));
                before += 1;
            }
        }
        // Each role's token, and the read-only one, tried where the spec admits the role: a
        // role token refused there, or with nowhere to be tried, makes the role's cases
        // inconclusive; the read-only token's cases run whatever its probe says.
        let read_only = gives_read_only.then_some((
            Role::ReadOnlyUser,
            "the read-only".to_string(),
            "its cases run untried",
        ));
        let roles = auth.roles.keys().map(|role| {
            (
                *role,
                format!("the {role}"),
                "its cases will be inconclusive",
            )
        });
        for (role, whose, untried) in roles.chain(read_only) {
            match role_probe(role, version) {
                Some(op) => {
                    out.push_str(&format!(
                        "probe GET /api/v3{}  ({whose} token is accepted where the spec admits {role})\n",
                        op.path
                    ));
                    before += 1;
                }
                None => out.push_str(&format!(
                    "no probe for {whose} token  ({}: {untried})\n",
                    no_role_probe(role, version)
                )),
            }
        }
        for rule in settings
            .discover
            .iter()
            .filter(|d| !settings.vars.contains_key(&d.name))
        {
            out.push_str(&format!(
                "discover GET /api/v3{}{}  ({{{}}} at {})\n",
                rule.path,
                query_text(rule.query.iter().map(|(k, v)| (k, v.to_string()))),
                rule.name,
                rule.pointer
            ));
            before += 1;
        }
    }
    // What the target would offer: a real console the variables given and those discovery
    // will read, and the read-only credential when a token or a login gives it; the embedded
    // mock its seeded ids and both credentials.
    let mut variables = settings.vars.clone();
    if remote {
        for rule in &settings.discover {
            variables
                .entry(rule.name.clone())
                .or_insert_with(|| format!("{{{}}}", rule.name));
        }
    } else {
        for (name, value) in MockConsole::seeded_variables() {
            variables.entry(name).or_insert(value);
        }
    }
    let offer = Offer {
        version,
        embedded_mock: !remote,
        read_only: !remote || gives_read_only,
        variables: &variables,
        undiscovered: &BTreeMap::new(),
    };
    let mut sending = 0;
    for case in cases {
        let r = &case.request;
        let skip = run::skip_reason(&offer, case, &settings.run);
        let path = substitute(&r.path, &settings.vars).unwrap_or_else(|_| r.path.clone());
        let query = query_text(r.query.iter().map(|(k, v)| (k, v)));
        let burst = r.burst.map(|n| format!(" x{n}")).unwrap_or_default();
        let line = format!(
            "{} /api/v3{path}{query}{burst}  [{}]",
            r.method,
            r.credentials.label()
        );
        match skip {
            Some(why) => out.push_str(&format!("skip  {line}  ({}: {why})\n", case.name)),
            None => {
                sending += 1;
                out.push_str(&format!("send  {line}  ({})\n", case.name));
            }
        }
    }
    let target = settings.target.as_deref().unwrap_or("the embedded mock");
    let version = match (remote, settings.send.api_version) {
        (true, None) => {
            format!("API {version} until the console's version is read (sweeps differ by version)")
        }
        _ => format!("API {version}"),
    };
    let before = if before > 0 {
        format!(" after {before} before the run")
    } else {
        String::new()
    };
    out.push_str(&format!(
        "{sending} of {} cases would send their requests{before} to {target} ({version}){}; {} skipped\n",
        cases.len(),
        settings
            .send
            .rps
            .map(|r| format!(", at most {r} per second"))
            .unwrap_or_default(),
        cases.len() - sending
    ));
    out
}
