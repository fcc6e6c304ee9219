//! The console's state: the store of organizations and their policies, locations, users and
//! their identities, identity providers, licenses, agents, computers and deployment tasks, Veeam
//! ONE servers, failover plans and async actions, and the queries the stages and operations ask
//! of it. What it starts with is in `seed.rs`; the property models the mock validates bodies and
//! patches against are in `model.rs`. What the rest of the mock uses of either is re-exported
//! here, so it names everything `state::...`.

mod model;
mod seed;

pub use model::{
    COMPANY, LOCAL_USER_RULE, LOCATION, Model, Property, SAML2_IDENTITY_PROVIDER, Ty, USER,
    merge_known, type_problem,
};
pub use seed::{
    ADMIN_PASSWORD, ADMIN_UID, ADMIN_USERNAME, COMPANY_PASSWORD, COMPANY_USERNAME,
    LATEST_BACKUP_AGENT_VERSION, LATEST_MANAGEMENT_AGENT_VERSION, MFA_PASSWORD, MFA_USERNAME,
    MOCK_TOTP_CODE, PROVIDER_UID, ROLE_PASSWORD, role_username,
};
/// Named by the unit tests of `operate/identity.rs` only.
#[cfg(test)]
pub use seed::{ADMIN_PUBLIC_KEY, TOTP_SECRET};

use super::AsyncConfig;
use seed::SEED_DATE;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Instant;

/// The kinds of resource the state holds; every other kind of the catalogue never exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The service provider or a company (`organizationUid`).
    Organization,
    Company,
    Location,
    User,
    /// A user identity (`userLoginId`, an integer).
    UserLogin,
    AsyncAction,
    ManagementAgent,
    BackupAgent,
    BackupAgentJob,
    /// A computer found by discovery, where agents and servers can be deployed.
    Computer,
    DeploymentTask,
    BackupServer,
    /// A Veeam Cloud Connect site.
    Site,
    VOneServer,
    FailoverPlan,
}

impl Kind {
    /// The kind a path parameter refers to, when the state models it.
    pub fn of_parameter(name: &str) -> Option<Kind> {
        match name {
            "organizationUid" => Some(Kind::Organization),
            "companyUid" => Some(Kind::Company),
            "locationUid" => Some(Kind::Location),
            "userUid" => Some(Kind::User),
            "userLoginId" => Some(Kind::UserLogin),
            "actionId" => Some(Kind::AsyncAction),
            "managementAgentUid" => Some(Kind::ManagementAgent),
            "backupAgentUid" => Some(Kind::BackupAgent),
            "backupAgentJobUid" => Some(Kind::BackupAgentJob),
            "computerUid" => Some(Kind::Computer),
            "deploymentTaskUid" => Some(Kind::DeploymentTask),
            "backupServerUid" => Some(Kind::BackupServer),
            "siteUid" => Some(Kind::Site),
            "vOneServerUid" => Some(Kind::VOneServer),
            "planUid" => Some(Kind::FailoverPlan),
            _ => None,
        }
    }

    /// The kinds held as plain [`Resource`]s.
    fn is_resource(self) -> bool {
        !matches!(
            self,
            Kind::Organization
                | Kind::Company
                | Kind::Location
                | Kind::User
                | Kind::UserLogin
                | Kind::AsyncAction
        )
    }
}

/// A user; the password never appears in a representation.
#[derive(Debug, Clone)]
pub struct User {
    pub doc: Value,
    pub password: String,
}

/// A user identity: an API key, a public key or a TOTP authenticator.
#[derive(Debug, Clone)]
pub struct Login {
    pub id: u32,
    pub user_uid: String,
    /// `apikey`, `asymmetricalgorithm` or `totp`.
    pub kind: &'static str,
    /// The key material that identifies it (a public key's base64 body, without whitespace).
    pub key: Option<String>,
    pub doc: Value,
}

/// What a running action ends with, once its time has come.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    Succeed(Value),
    Fail(u16, String),
    /// Never ends by itself: it runs into the time limit and fails with 1051.
    Hang,
}

/// An async action. `doc` is its `AsyncActionInfo` (with `status`); `result` and `error` are
/// what `GET .../result` answers once it has finished. Actions started by requests run for the
/// configured time ([`AsyncConfig`]) and then end as their [`Plan`] says; seeded actions have no
/// start and stay as seeded.
#[derive(Debug, Clone)]
pub struct AsyncAction {
    pub doc: Value,
    pub result: Value,
    pub error: Option<(u16, String)>,
    /// What the action works on (`licensing:console`, a computer, a management agent...), so
    /// that a second request on it meets the first.
    pub subject: Option<String>,
    pub started: Option<Instant>,
    pub plan: Plan,
}

impl AsyncAction {
    pub fn id(&self) -> &str {
        text(&self.doc, "id")
    }

    pub fn status(&self) -> &str {
        text(&self.doc, "status")
    }

    pub fn is_running(&self) -> bool {
        self.status() == "running"
    }

    /// Ends the action as failed with `code`.
    pub fn fail(&mut self, code: u16, message: String) {
        self.doc["status"] = json!("failed");
        self.error = Some((code, message));
    }
}

/// A resource of the kinds [`Kind::is_resource`]: its representation, `instanceUid` first.
#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: Kind,
    pub doc: Value,
}

/// An identity provider of an organization, known by its name.
#[derive(Debug, Clone)]
pub struct IdentityProvider {
    pub organization_uid: String,
    pub doc: Value,
}

impl IdentityProvider {
    pub fn name(&self) -> &str {
        text(&self.doc, "name")
    }
}

pub struct State {
    pub provider: Value,
    pub companies: Vec<Value>,
    pub locations: Vec<Value>,
    pub users: Vec<User>,
    pub logins: Vec<Login>,
    pub actions: Vec<AsyncAction>,
    pub resources: Vec<Resource>,
    pub identity_providers: Vec<IdentityProvider>,
    /// `GET /organizations/{organizationUid}/configuration/policy`, by organization:
    /// `isSingleSignOnEnabled` (the provider lets the organization configure identity
    /// providers) and `maintenanceMode` (the organization's portal is in maintenance mode).
    pub policies: BTreeMap<String, Value>,
    /// The Veeam Service Provider Console license (`GET /licensing/console`).
    pub console_license: Value,
}

/// The `instanceUid` of a representation.
pub fn uid(doc: &Value) -> &str {
    doc.get("instanceUid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

pub fn text<'a>(doc: &'a Value, key: &str) -> &'a str {
    doc.get(key).and_then(Value::as_str).unwrap_or_default()
}

pub fn company_doc(uid: &str, name: &str, body: &Map<String, Value>) -> Value {
    let mut doc = json!({
        "instanceUid": uid, "name": name, "alias": null, "taxId": null, "email": null,
        "phone": null, "country": null, "city": null, "street": null, "resellerUid": null,
        "subscriptionPlanUid": null, "isAlarmDetectEnabled": false, "status": "active",
        "createdDate": SEED_DATE,
    });
    merge_known(&mut doc, body, &COMPANY);
    doc
}

pub fn location_doc(uid: &str, organization: &str, name: &str, kind: &str) -> Value {
    json!({"instanceUid": uid, "organizationUid": organization, "name": name, "quotaGb": 0,
           "type": kind, "createdDate": SEED_DATE})
}

pub fn user_doc(uid: &str, organization: &str, login: &str, role: &str) -> Value {
    json!({
        "instanceUid": uid, "organizationUid": organization, "login": login, "role": role,
        "status": "enabled", "mfaPolicyStatus": "disabled",
        "mfaPolicyConfigurationStatus": "NotConfigured",
        "profile": {"firstName": null, "lastName": null, "title": null, "email": null},
        "createdDate": SEED_DATE,
    })
}

/// The policy of an organization nobody changed.
pub fn default_policy() -> Value {
    json!({"isSingleSignOnEnabled": true, "maintenanceMode": false})
}

/// An `AsyncActionInfo`.
pub fn action_doc(id: &str, initiator: &str, name: &str, status: &str) -> Value {
    json!({"id": id, "initiatorUid": initiator, "actionName": name, "status": status,
           "requestBody": null, "queryParameters": {}})
}

/// The base64 body of a PEM block or the key of an OpenSSH line, without whitespace: how the
/// mock recognises the same key sent twice.
pub fn key_fingerprint(material: &str) -> String {
    let lines: Vec<&str> = material
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----") && !l.contains(':'))
        .collect();
    match lines.as_slice() {
        [single] if single.contains(' ') => single.split(' ').nth(1).unwrap_or_default().into(),
        _ => lines.concat(),
    }
}

impl State {
    /// Brings running actions up to date: an action started at run time ends as its plan says
    /// once `config.duration` has passed, or with 1051 once `config.time_limit` has passed.
    pub fn settle(&mut self, now: Instant, config: &AsyncConfig) {
        for action in self.actions.iter_mut().filter(|a| a.is_running()) {
            let Some(started) = action.started else {
                continue;
            };
            let elapsed = now.saturating_duration_since(started);
            let over_time = elapsed >= config.time_limit
                && (action.plan == Plan::Hang || config.duration >= config.time_limit);
            if over_time {
                action.fail(
                    1051,
                    format!(
                        "The task took too long to execute and was stopped after {} ms.",
                        config.time_limit.as_millis()
                    ),
                );
                continue;
            }
            if elapsed < config.duration {
                continue;
            }
            match action.plan.clone() {
                Plan::Succeed(result) => {
                    action.doc["status"] = json!("succeed");
                    action.result = result;
                }
                Plan::Fail(code, message) => action.fail(code, message),
                Plan::Hang => {}
            }
        }
    }

    /// A running action working on `subject`.
    pub fn running_on(&self, subject: &str) -> Option<&AsyncAction> {
        self.actions
            .iter()
            .find(|a| a.is_running() && a.subject.as_deref() == Some(subject))
    }

    pub fn company(&self, uid: &str) -> Option<&Value> {
        self.companies.iter().find(|c| self::uid(c) == uid)
    }

    /// The service provider or a company.
    pub fn organization(&self, uid: &str) -> Option<&Value> {
        if self::uid(&self.provider) == uid {
            Some(&self.provider)
        } else {
            self.company(uid)
        }
    }

    /// The policy of an organization.
    pub fn policy(&self, organization: &str) -> Value {
        self.policies
            .get(organization)
            .cloned()
            .unwrap_or_else(default_policy)
    }

    pub fn location(&self, uid: &str) -> Option<&Value> {
        self.locations.iter().find(|l| self::uid(l) == uid)
    }

    pub fn user(&self, uid: &str) -> Option<&User> {
        self.users.iter().find(|u| self::uid(&u.doc) == uid)
    }

    pub fn user_by_login(&self, login: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| text(&u.doc, "login").eq_ignore_ascii_case(login))
    }

    pub fn login(&self, id: &str) -> Option<&Login> {
        self.logins.iter().find(|l| l.id.to_string() == id)
    }

    pub fn action(&self, id: &str) -> Option<&AsyncAction> {
        self.actions.iter().find(|a| a.id() == id)
    }

    pub fn resource(&self, kind: Kind, uid: &str) -> Option<&Value> {
        self.resources
            .iter()
            .find(|r| r.kind == kind && self::uid(&r.doc) == uid)
            .map(|r| &r.doc)
    }

    pub fn resource_mut(&mut self, kind: Kind, uid: &str) -> Option<&mut Value> {
        self.resources
            .iter_mut()
            .find(|r| r.kind == kind && self::uid(&r.doc) == uid)
            .map(|r| &mut r.doc)
    }

    pub fn resources_of(&self, kind: Kind) -> Vec<Value> {
        self.resources
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.doc.clone())
            .collect()
    }

    /// An identity provider of an organization, by name (case-insensitive).
    pub fn identity_provider(&self, organization: &str, name: &str) -> Option<&IdentityProvider> {
        self.identity_providers
            .iter()
            .find(|p| p.organization_uid == organization && p.name().eq_ignore_ascii_case(name))
    }

    /// Whether a resource of `kind` with this (normalised) id exists.
    pub fn exists(&self, kind: Kind, id: &str) -> bool {
        self.representation(kind, id).is_some()
    }

    /// The representation of a resource of `kind`.
    pub fn representation(&self, kind: Kind, id: &str) -> Option<Value> {
        match kind {
            Kind::Organization => self.organization(id).cloned(),
            Kind::Company => self.company(id).cloned(),
            Kind::Location => self.location(id).cloned(),
            Kind::User => self.user(id).map(|u| u.doc.clone()),
            Kind::UserLogin => self.login(id).map(|l| l.doc.clone()),
            Kind::AsyncAction => self.action(id).map(|a| a.doc.clone()),
            kind if kind.is_resource() => self.resource(kind, id).cloned(),
            _ => None,
        }
    }

    pub fn locations_of(&self, organization: &str) -> Vec<Value> {
        self.locations
            .iter()
            .filter(|l| text(l, "organizationUid") == organization)
            .cloned()
            .collect()
    }

    pub fn users_of(&self, organization: &str) -> Vec<Value> {
        self.users
            .iter()
            .filter(|u| text(&u.doc, "organizationUid") == organization)
            .map(|u| u.doc.clone())
            .collect()
    }

    pub fn company_named(&self, name: &str) -> Option<&Value> {
        self.companies
            .iter()
            .find(|c| text(c, "name").eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::seed::RUNNING_ACTION_ID;
    use super::*;

    #[test]
    fn started_actions_end_as_planned_or_run_into_the_time_limit() {
        use std::time::Duration;
        let config = AsyncConfig {
            duration: Duration::from_millis(50),
            time_limit: Duration::from_millis(200),
        };
        let mut state = State::seeded();
        let start = Instant::now();
        for (id, plan) in [
            ("a", Plan::Succeed(json!({"ok": true}))),
            ("b", Plan::Fail(3000, "failed".into())),
            ("c", Plan::Hang),
        ] {
            state.actions.push(AsyncAction {
                doc: action_doc(id, ADMIN_UID, "Test", "running"),
                result: Value::Null,
                error: None,
                subject: Some(id.into()),
                started: Some(start),
                plan,
            });
        }
        state.settle(start + Duration::from_millis(10), &config);
        assert!(state.running_on("a").is_some() && state.running_on("c").is_some());
        state.settle(start + Duration::from_millis(60), &config);
        assert_eq!(state.action("a").unwrap().status(), "succeed");
        assert_eq!(state.action("a").unwrap().result, json!({"ok": true}));
        assert_eq!(state.action("b").unwrap().error.as_ref().unwrap().0, 3000);
        assert!(state.action("c").unwrap().is_running());
        state.settle(start + Duration::from_millis(200), &config);
        assert_eq!(state.action("c").unwrap().error.as_ref().unwrap().0, 1051);
        // Seeded actions never move.
        assert!(state.action(RUNNING_ACTION_ID).unwrap().is_running());
    }

    #[test]
    fn keys_are_recognised_whatever_their_line_breaks() {
        let folded = ADMIN_PUBLIC_KEY.replace('\n', "\r\n");
        assert_eq!(key_fingerprint(&folded), key_fingerprint(ADMIN_PUBLIC_KEY));
        assert_eq!(key_fingerprint("ssh-rsa AAAAB3Nza me@host"), "AAAAB3Nza");
    }
}
