//! Who may call what, as a user runs it against a console served by URL: only the roles given
//! are swept, each role's token is proved before its cases count, the summary and every report
//! carry the role x tag matrix, and no role's secret appears anywhere.

mod common;

use common::{bin, read_json, temp_dir, text};
use serde_json::Value;
use vspc_conformance::contract::{ApiVersion, Contract, Role};
use vspc_conformance::mock::{
    ADMIN_PASSWORD, ADMIN_USERNAME, MockConfig, MockConsole, ROLE_PASSWORD, role_username,
};
use vspc_conformance::send::{SendOptions, Sender};
use vspc_conformance::target::Secret;
use vspc_conformance::token::login;

/// A token the mock issued to its user of `role`.
fn token_of(mock: &MockConsole, role: Role) -> String {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let sender = Sender::new(&mock.uri(), &SendOptions::default()).unwrap();
        let token = login(
            &sender,
            &role_username(role),
            &Secret::new(ROLE_PASSWORD),
            false,
        )
        .await
        .unwrap();
        token.current(&sender).await.unwrap().expose().to_string()
    })
}

/// The pairs of the default version that the role's cases cover, unscoped writes aside (they
/// are `mutating`, skipped against a console served by URL).
fn pairs_without_mutating(role: Role) -> usize {
    Contract::get()
        .catalogue(ApiVersion::FALLBACK)
        .all()
        .iter()
        .filter(|op| !op.anonymous && !op.admits(role))
        .filter(|op| op.method == "GET" || op.has_uuid_parameter())
        .count()
}

fn cases_of(report: &Value) -> Vec<&Value> {
    report["cases"].as_array().into_iter().flatten().collect()
}

#[test]
fn two_role_tokens_sweep_only_those_roles_into_every_report_and_never_show_a_token() {
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let tenant = token_of(&mock, Role::CompanyTenant);
    let auditor = token_of(&mock, Role::ServiceProviderInvoiceAuditor);
    let dir = temp_dir("roles-two");
    let (json, md, junit, html) = (
        dir.join("r.json"),
        dir.join("r.md"),
        dir.join("r.xml"),
        dir.join("r.html"),
    );
    let output = bin()
        .args(["run", "--color", "never", "--target", &mock.uri()])
        .args(["--username", ADMIN_USERNAME, "--password", ADMIN_PASSWORD])
        // From the environment, so that no token is in the process list.
        .env(
            "VSPC_ROLE_TOKENS",
            format!("CompanyTenant={tenant},ServiceProviderInvoiceAuditor={auditor}"),
        )
        .args([
            "--rps",
            "100000",
            "--concurrency",
            "8",
            "sweep::role_refused::",
        ])
        .args(["--report", &format!("json={}", json.display())])
        .args(["--report", &format!("md={}", md.display())])
        .args(["--report", &format!("junit={}", junit.display())])
        .args(["--report", &format!("html={}", html.display())])
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    let tried = pairs_without_mutating(Role::CompanyTenant)
        + pairs_without_mutating(Role::ServiceProviderInvoiceAuditor);
    assert!(
        shown.contains(&format!(
            "roles: 2 given, {tried}/{tried} refused as the spec says"
        )),
        "{shown}"
    );
    let report = read_json(&json);
    common::assert_valid_report(&report, "two roles");
    let credentials: std::collections::BTreeSet<&str> = cases_of(&report)
        .iter()
        .map(|c| c["request"]["credentials"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        credentials.into_iter().collect::<Vec<_>>(),
        ["role:CompanyTenant", "role:ServiceProviderInvoiceAuditor"],
        "only the roles given are swept"
    );
    let roles = &report["coverage"]["roles"];
    assert_eq!(roles["given"], 2);
    assert_eq!(roles["refused"], tried);
    assert_eq!(report["roles_given"].as_array().map(Vec::len), Some(2));
    let tenant_row = roles["matrix"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["role"] == "CompanyTenant")
        .cloned()
        .unwrap_or(Value::Null);
    let by_tag: u64 = tenant_row["tags"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, p)| p["tried"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(by_tag, tenant_row["tried"].as_u64().unwrap_or(u64::MAX));

    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(
        markdown.contains("### Who may call what: roles: 2 given"),
        "{markdown}"
    );
    assert!(markdown.contains("| CompanyTenant |"), "{markdown}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<property name=\"roles_given\" value=\"2\"/>"));
    assert!(xml.contains("<property name=\"roles.CompanyTenant.companies\""));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<section id=\"roles\">"));
    assert!(
        !page.contains("cell fail\" title"),
        "no role was let through"
    );

    let mut everything = shown;
    for path in [&json, &md, &junit, &html] {
        everything.push_str(&std::fs::read_to_string(path).unwrap_or_default());
    }
    for secret in [tenant.as_str(), auditor.as_str(), ADMIN_PASSWORD] {
        assert!(!everything.contains(secret), "a secret leaked");
    }
}

#[test]
fn a_role_whose_token_works_nowhere_is_inconclusive_not_failed() {
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let tenant = token_of(&mock, Role::CompanyTenant);
    let output = bin()
        .args(["run", "--color", "never", "--target", &mock.uri()])
        .args(["--username", ADMIN_USERNAME, "--password", ADMIN_PASSWORD])
        .args(["--role-token", "Subtenant=never-issued-by-the-console"])
        .args(["--role-token", &format!("CompanyTenant={tenant}")])
        .args([
            "--rps",
            "100000",
            "--report",
            "json=-",
            "sweep::role_refused::GET /about",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        text(&output).contains("roles: 2 given, 1/2 refused as the spec says, 1 inconclusive"),
        "{}",
        text(&output)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cases: Vec<&Value> = cases_of(&report)
        .into_iter()
        .filter(|c| c["request"]["credentials"] == "role:Subtenant")
        .collect();
    assert_eq!(cases.len(), 1, "GET /about does not admit Subtenant");
    assert_eq!(cases[0]["outcome"], "inconclusive");
    let reason = cases[0]["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("Subtenant token") && reason.contains("HTTP 401"),
        "{reason}"
    );
    assert_eq!(report["coverage"]["roles"]["inconclusive"], 1);
    assert!(!text(&output).contains("never-issued-by-the-console"));
    assert!(!text(&output).contains(&tenant));
}

#[test]
fn a_read_only_token_that_works_nowhere_leaves_the_read_only_cases_unjudged() {
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let output = bin()
        .args(["run", "--color", "never", "--target", &mock.uri()])
        .args(["--username", ADMIN_USERNAME, "--password", ADMIN_PASSWORD])
        .args(["--readonly-token", "never-issued-by-the-console"])
        .args(["--rps", "100000", "--report", "json=-"])
        .arg("sweep::read_only_token::DELETE /alarms/active/{activeAlarmUid}")
        .output()
        .unwrap();
    // Refused with 401 everywhere, the token would make a refusal look conforming: not judged.
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cases = cases_of(&report);
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["outcome"], "inconclusive");
    let reason = cases[0]["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("read-only token") && reason.contains("ReadOnlyUser"),
        "{reason}"
    );
    assert!(!text(&output).contains("never-issued-by-the-console"));
}

#[test]
fn a_role_logs_in_from_the_configuration_and_a_refused_login_leaves_only_its_cases_unjudged() {
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let dir = temp_dir("roles-config");
    let config = dir.join("vspc-conformance.toml");
    std::fs::write(
        &config,
        format!(
            "target = \"{}\"\n[credentials]\nusername = \"{ADMIN_USERNAME}\"\npassword_env = \"ADMIN_PW\"\n\
             [roles.CompanyOwner]\nusername = \"{}\"\npassword_env = \"ROLE_PW\"\n\
             [roles.LocationUser]\nusername = \"{}\"\npassword_env = \"WRONG_PW\"\n",
            mock.uri(),
            role_username(Role::CompanyOwner),
            role_username(Role::LocationUser),
        ),
    )
    .unwrap();
    let output = bin()
        .args(["run", "--color", "never", "--config"])
        .arg(&config)
        .env("ADMIN_PW", ADMIN_PASSWORD)
        .env("ROLE_PW", ROLE_PASSWORD)
        .env("WRONG_PW", "not-the-password")
        .args([
            "--rps",
            "100000",
            "--report",
            "json=-",
            "sweep::role_refused::GET /about",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let outcome = |role: &str| {
        cases_of(&report)
            .iter()
            .find(|c| c["request"]["credentials"] == format!("role:{role}"))
            .map(|c| (c["outcome"].clone(), c["reason"].clone()))
            .unwrap_or_default()
    };
    assert_eq!(outcome("CompanyOwner").0, "conforming");
    let (refused, reason) = outcome("LocationUser");
    assert_eq!(refused, "inconclusive");
    assert!(reason.as_str().unwrap_or("").contains("login"), "{reason}");
    let shown = text(&output);
    assert!(
        shown.contains("roles: 2 given, 1/2 refused as the spec says, 1 inconclusive"),
        "{shown}"
    );
    for secret in [ROLE_PASSWORD, "not-the-password", ADMIN_PASSWORD] {
        assert!(!shown.contains(secret), "a password leaked");
    }
}

#[test]
fn an_unknown_role_is_a_usage_error_with_the_closest_name() {
    let output = bin()
        .args(["run", "--role-token", "CompanyTennant=x"])
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(2), "{shown}");
    assert!(shown.contains("did you mean `CompanyTenant`"), "{shown}");
    assert!(!shown.contains("=x"), "{shown}");
}

#[test]
fn the_anonymous_operations_are_let_through_without_a_token() {
    let output = bin()
        .args(["run", "--color", "never", "--report", "json=-"])
        .arg("sweep::anonymous_admitted::")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cases = cases_of(&report);
    assert_eq!(
        cases.len(),
        4,
        "the anonymous operations of 3.6.1 but POST /token"
    );
    assert!(cases.iter().all(|c| c["outcome"] == "conforming"));
    assert!(cases.iter().all(|c| c["expected"]["admitted"] == true));
    let row = report["matrix"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["code"] == "admitted")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(row["cases"], 4, "{row}");
}

/// `run --dry-run` with `args` and `env`, which must end with 0: all it printed.
fn dry_run(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = bin()
        .args(["run", "--dry-run", "--color", "never"])
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let shown = text(&output);
    assert_eq!(output.status.code(), Some(0), "{shown}");
    shown
}

#[test]
fn a_dry_run_lists_each_role_login_and_the_get_each_token_is_tried_on() {
    let dir = temp_dir("roles-dry-run");
    let config = dir.join("vspc-conformance.toml");
    // Port 9 on loopback has no listener: nothing is sent.
    std::fs::write(
        &config,
        "target = \"http://127.0.0.1:9\"\n[credentials]\ntoken_env = \"MAIN_T\"\n\
         [roles.CompanyOwner]\nusername = \"owner-1\"\npassword_env = \"OWNER_PW\"\n\
         [roles.LocationUser]\ntoken_env = \"LOCATION_T\"\n",
    )
    .unwrap();
    let shown = dry_run(
        &[
            "--api-version",
            "3.6.1",
            "--config",
            config.to_str().unwrap(),
            "pagination",
        ],
        &[
            ("MAIN_T", "main-t0ken"),
            ("OWNER_PW", "owner-pa55word"),
            ("LOCATION_T", "location-t0ken"),
        ],
    );
    let before: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("probe ") || l.starts_with("login "))
        .collect();
    // The GET each role is tried on is the first of the version's spec that admits the role and
    // needs no ids: as the run itself picks it.
    let probe = |role: Role| {
        let op = vspc_conformance::target::role_probe(role, ApiVersion::V3_6_1).unwrap();
        format!(
            "probe GET /api/v3{}  (the {role} token is accepted where the spec admits {role})",
            op.path
        )
    };
    assert_eq!(
        before,
        [
            "probe GET /api/v3/about  (the token is accepted)",
            "login POST /api/v3/token  (password grant as `owner-1`, for CompanyOwner)",
            probe(Role::LocationUser).as_str(),
            probe(Role::CompanyOwner).as_str(),
        ],
        "{shown}"
    );
    // And the three discoveries of the default configuration.
    assert!(shown.contains(" after 7 before the run "), "{shown}");
    for secret in ["main-t0ken", "owner-pa55word", "location-t0ken"] {
        assert!(!shown.contains(secret), "{secret} shown:\n{shown}");
    }

    // API 3.5.1 admits CompanyTenant to no GET that needs no ids: nothing to try its token on.
    assert!(
        vspc_conformance::target::role_probe(Role::CompanyTenant, ApiVersion::V3_5_1).is_none()
    );
    let shown = dry_run(
        &[
            "--api-version",
            "3.5.1",
            "--target",
            "http://127.0.0.1:9",
            "--token",
            "main-t0ken",
            "--role-token",
            "CompanyTenant=tenant-t0ken",
            "pagination",
        ],
        &[],
    );
    assert!(
        shown.contains(
            "no probe for the CompanyTenant token  (API 3.5.1 admits CompanyTenant to no GET that needs no ids: its cases will be inconclusive)"
        ),
        "{shown}"
    );
    assert!(!shown.contains("tenant-t0ken"), "{shown}");
}
