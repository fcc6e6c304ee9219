//! The console's state: organizations and their policies, locations, users and their
//! identities, identity providers, licenses, agents, computers and deployment tasks, Veeam ONE
//! servers, failover plans and async actions, seeded with fixed UUIDs so runs are reproducible,
//! plus the property models the mock validates bodies and patches against.
//!
//! Seeded UIDs read `5eedKKKK-0000-4000-8000-00000000000N`; KKKK is the kind: 0000 provider,
//! 0001 company, 0002 location, 0003 user, 0004 async action, 0005 management agent, 0006 backup
//! agent, 0007 discovered computer, 0008 deployment task, 0009 backup server, 000a Cloud
//! Connect site, 000b Veeam ONE server, 000c failover plan, 000d backup agent job.
//!
//! Each seeded resource exists for one condition a console can be in (an outdated agent, a
//! license update in progress, a computer that cannot be reached...), so that one request on it
//! meets exactly one error, whatever other requests run at the same time.

use super::AsyncConfig;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Instant;

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "mock-admin-password";
/// The seeded company user of Acme Corp.
pub const COMPANY_USERNAME: &str = "acme.owner";
pub const COMPANY_PASSWORD: &str = "mock-company-password";
/// A user of Acme Corp with multi-factor authentication: `POST /token` with `password` answers
/// an `mfa_token`, and the `mfa` grant takes it with the code [`MOCK_TOTP_CODE`].
pub const MFA_USERNAME: &str = "acme.mfa";
pub const MFA_PASSWORD: &str = "mock-mfa-password";
/// The mock runs no authenticator clock: for every TOTP secret, the one code it accepts is this
/// fixed fixture value (public by design, like the passwords above). Any other six digits are
/// a wrong code.
pub const MOCK_TOTP_CODE: &str = "135790";

pub const PROVIDER_UID: &str = "5eed0000-0000-4000-8000-000000000001";
pub const ACME_UID: &str = "5eed0001-0000-4000-8000-000000000001";
pub const GLOBEX_UID: &str = "5eed0001-0000-4000-8000-000000000002";
/// A company whose portal is in maintenance mode (its policy in [`State::policies`]).
pub const UMBRELLA_UID: &str = "5eed0001-0000-4000-8000-000000000003";
pub const ACME_LOCATION_UID: &str = "5eed0002-0000-4000-8000-000000000001";
pub const GLOBEX_FIRST_LOCATION_UID: &str = "5eed0002-0000-4000-8000-000000000002";
pub const GLOBEX_SECOND_LOCATION_UID: &str = "5eed0002-0000-4000-8000-000000000003";
pub const UMBRELLA_LOCATION_UID: &str = "5eed0002-0000-4000-8000-000000000004";
pub const ADMIN_UID: &str = "5eed0003-0000-4000-8000-000000000001";
pub const COMPANY_USER_UID: &str = "5eed0003-0000-4000-8000-000000000002";
/// An Acme Corp user who signs in through the `acme-okta` identity provider.
pub const SSO_USER_UID: &str = "5eed0003-0000-4000-8000-000000000003";
pub const MFA_USER_UID: &str = "5eed0003-0000-4000-8000-000000000004";
pub const RUNNING_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000001";
pub const SUCCEEDED_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000002";
/// An action that took too long: its result is a 1051.
pub const FAILED_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000003";
pub const CANCELED_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000004";
pub const FAILED_DEPLOYMENT_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000005";
pub const FAILED_LICENSE_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000006";
/// The console license update in progress (never ends).
pub const LICENSE_UPDATE_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000007";
/// The backup agent deployment in progress on [`DEPLOYING_COMPUTER_UID`] (never ends).
pub const DEPLOYMENT_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000008";
/// The task [`BUSY_MANAGEMENT_AGENT_UID`] is running (never ends).
pub const AGENT_TASK_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000009";
pub const MANAGEMENT_AGENT_UID: &str = "5eed0005-0000-4000-8000-000000000001";
pub const OUTDATED_MANAGEMENT_AGENT_UID: &str = "5eed0005-0000-4000-8000-000000000002";
pub const BUSY_MANAGEMENT_AGENT_UID: &str = "5eed0005-0000-4000-8000-000000000003";
pub const BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000001";
pub const WORKSTATION_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000002";
pub const OUTDATED_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000003";
pub const UNMANAGED_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000004";
pub const ACTIVATING_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000005";
pub const STALE_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000006";
pub const UNINSTALLED_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000007";
pub const LEGACY_OS_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000008";
pub const UNPROTECTED_BACKUP_AGENT_UID: &str = "5eed0006-0000-4000-8000-000000000009";
pub const COMPUTER_UID: &str = "5eed0007-0000-4000-8000-000000000001";
pub const DEPLOYING_COMPUTER_UID: &str = "5eed0007-0000-4000-8000-000000000002";
pub const UNREACHABLE_COMPUTER_UID: &str = "5eed0007-0000-4000-8000-000000000003";
pub const SILENT_COMPUTER_UID: &str = "5eed0007-0000-4000-8000-000000000004";
pub const DEPLOYMENT_TASK_UID: &str = "5eed0008-0000-4000-8000-000000000001";
pub const FAILED_DEPLOYMENT_TASK_UID: &str = "5eed0008-0000-4000-8000-000000000002";
pub const BACKUP_SERVER_UID: &str = "5eed0009-0000-4000-8000-000000000001";
pub const PERPETUAL_BACKUP_SERVER_UID: &str = "5eed0009-0000-4000-8000-000000000002";
pub const SITE_UID: &str = "5eed000a-0000-4000-8000-000000000001";
pub const VONE_SERVER_UID: &str = "5eed000b-0000-4000-8000-000000000001";
pub const OUTDATED_VONE_SERVER_UID: &str = "5eed000b-0000-4000-8000-000000000002";
pub const FAILOVER_PLAN_UID: &str = "5eed000c-0000-4000-8000-000000000001";
pub const BACKUP_AGENT_JOB_UID: &str = "5eed000d-0000-4000-8000-000000000001";
/// A well-formed UUID that no resource of the mock ever has.
pub const MISSING_UID: &str = "5eedffff-0000-4000-8000-000000000000";

/// Identity providers (named, per organization).
pub const IDP_NAME: &str = "acme-okta";
pub const IDP_DISPLAY_NAME: &str = "Acme Okta";
pub const DISABLED_IDP_NAME: &str = "acme-adfs";
pub const MAINTENANCE_IDP_NAME: &str = "umbrella-keycloak";
/// The SAML entity ID of Globex's identity provider: no other identity provider may use it.
pub const GLOBEX_IDP_ENTITY_ID: &str = "https://sts.globex.example/adfs/services/trust";

/// The RSA public key of the administrator's public-key identity (generated for the mock).
pub const ADMIN_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDKZR6va+5NRr8bpYrieDVPlJzl
pKXjWfh3o4/GUvbpd+Zoes6bgFvCO6ifvn0fGZJEBxV4TmqaKtCzgWtJ1tHx2XmB
vZLlQP+x4eMi/Tg4WwIxy3tDCJQ9IPzZUgSc+o6CUyZxq7J9oJuy1L8I9b9JCQrg
XYgIZTB4seA5YegcSwIDAQAB
-----END PUBLIC KEY-----
";
/// The TOTP secret of [`MFA_USERNAME`]'s authenticator.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";

/// The newest versions the mock knows; older agents lack features.
pub const LATEST_BACKUP_AGENT_VERSION: &str = "6.3.1.1074";
pub const LATEST_MANAGEMENT_AGENT_VERSION: &str = "9.1.0.30713";

const SEED_DATE: &str = "2025-01-15T09:00:00.0000000+00:00";

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

/// The type a body property must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A string, possibly empty.
    Str,
    /// A string with at least one non-blank character.
    Name,
    Bool,
    /// An integer within the bounds.
    Int(i64, i64),
    Uuid,
    /// A JSON object whose known properties are these (none: any object).
    Object(&'static [Property]),
    /// One of the strings, compared case-insensitively.
    Enum(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub nullable: bool,
}

const fn prop(name: &'static str, ty: Ty) -> Property {
    Property {
        name,
        ty,
        required: false,
        nullable: true,
    }
}

const fn required(name: &'static str, ty: Ty) -> Property {
    Property {
        name,
        ty,
        required: true,
        nullable: false,
    }
}

/// What a modelled resource looks like: its properties (create body and representation) and
/// which of them JSON Patch may not change.
#[derive(Debug)]
pub struct Model {
    pub properties: &'static [Property],
    pub read_only: &'static [&'static str],
}

impl Model {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }
}

const USER_ROLES: &[&str] = &[
    "portalAdministrator",
    "portalOperator",
    "readOnlyUser",
    "companyOwner",
    "companyAdministrator",
    "companyInvoiceAuditor",
    "companySubtenant",
    "resellerOwner",
    "resellerAdministrator",
    "resellerOperator",
    "resellerUser",
];

pub static COMPANY: Model = Model {
    properties: &[
        required("name", Ty::Name),
        prop("alias", Ty::Str),
        prop("taxId", Ty::Str),
        prop("email", Ty::Str),
        prop("phone", Ty::Str),
        prop("country", Ty::Int(0, 1000)),
        prop("city", Ty::Str),
        prop("street", Ty::Str),
        prop("resellerUid", Ty::Uuid),
        prop("subscriptionPlanUid", Ty::Uuid),
        prop("isAlarmDetectEnabled", Ty::Bool),
        prop("status", Ty::Enum(&["active", "disabled"])),
    ],
    read_only: &["instanceUid", "id", "createdDate"],
};

pub static LOCATION: Model = Model {
    properties: &[
        required("organizationUid", Ty::Uuid),
        required("name", Ty::Name),
        prop("quotaGb", Ty::Int(0, i32::MAX as i64)),
    ],
    read_only: &[
        "instanceUid",
        "id",
        "organizationUid",
        "type",
        "createdDate",
    ],
};

/// A user's `profile`: the one nested object of a modelled body.
const USER_PROFILE: &[Property] = &[
    prop("firstName", Ty::Str),
    prop("lastName", Ty::Str),
    prop("title", Ty::Str),
    prop("email", Ty::Str),
];

pub static USER: Model = Model {
    properties: &[
        required("organizationUid", Ty::Uuid),
        required("login", Ty::Name),
        required("password", Ty::Name),
        required("role", Ty::Enum(USER_ROLES)),
        prop("status", Ty::Enum(&["enabled", "disabled"])),
        prop("profile", Ty::Object(USER_PROFILE)),
        prop(
            "mfaPolicyStatus",
            Ty::Enum(&["disabled", "enabled", "enforced"]),
        ),
    ],
    read_only: &[
        "instanceUid",
        "id",
        "organizationUid",
        "login",
        "mfaPolicyConfigurationStatus",
        "createdDate",
    ],
};

pub static SAML2_IDENTITY_PROVIDER: Model = Model {
    properties: &[
        required("name", Ty::Name),
        required("displayName", Ty::Name),
        prop(
            "template",
            Ty::Enum(&["ADFS", "Okta", "Keycloak", "Custom"]),
        ),
        prop("enabled", Ty::Bool),
        prop("metadataUrl", Ty::Str),
        prop("metadataXml", Ty::Str),
    ],
    read_only: &["name", "organizationUid", "type", "entityId"],
};

pub static RESET_PASSWORD: Model = Model {
    properties: &[required("login", Ty::Name), prop("email", Ty::Str)],
    read_only: &[],
};

pub static LOCAL_USER_RULE: Model = Model {
    properties: &[
        required("name", Ty::Name),
        required("type", Ty::Enum(&["user", "group"])),
        prop(
            "role",
            Ty::Enum(&["portalAdministrator", "portalOperator", "readOnlyUser"]),
        ),
        prop("description", Ty::Str),
        prop("enabled", Ty::Bool),
    ],
    read_only: &[],
};

pub static PKCS12_DECRYPTION: Model = Model {
    properties: &[
        required("certificateContent", Ty::Name),
        prop("password", Ty::Str),
    ],
    read_only: &[],
};

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

/// Copies the model's properties present in `body` into `doc` (except the password).
pub fn merge_known(doc: &mut Value, body: &Map<String, Value>, model: &Model) {
    for (key, value) in body {
        match model.property(key) {
            Some(p) if p.name != "password" => doc[p.name] = value.clone(),
            _ => {}
        }
    }
}

/// An `AsyncActionInfo`.
pub fn action_doc(id: &str, initiator: &str, name: &str, status: &str) -> Value {
    json!({"id": id, "initiatorUid": initiator, "actionName": name, "status": status,
           "requestBody": null, "queryParameters": {}})
}

/// A seeded action: it stays as seeded.
fn seeded_action(
    id: &str,
    name: &str,
    status: &str,
    subject: Option<&str>,
    error: Option<(u16, &str)>,
) -> AsyncAction {
    AsyncAction {
        doc: action_doc(id, ADMIN_UID, name, status),
        result: Value::Null,
        error: error.map(|(code, message)| (code, message.to_string())),
        subject: subject.map(str::to_string),
        started: None,
        plan: Plan::Hang,
    }
}

fn management_agent(uid: &str, name: &str, version: &str) -> Resource {
    Resource {
        kind: Kind::ManagementAgent,
        doc: json!({"instanceUid": uid, "name": name, "organizationUid": ACME_UID,
                    "version": version, "type": "Client", "status": "Healthy",
                    "tag": null, "createdDate": SEED_DATE}),
    }
}

/// A Veeam Agent for Microsoft Windows: `status` is `Active`, `Inaccessible` (not found right
/// now) or `NotInstalled` (gone from its computer); `managementMode` is `ManagedByConsole`,
/// `UnManaged`, or `Changing` while an activation is in progress.
#[allow(clippy::too_many_arguments)]
fn backup_agent(
    uid: &str,
    name: &str,
    version: &str,
    management_mode: &str,
    operation_mode: &str,
    status: &str,
    guest_os: &str,
    cbt_installed: bool,
) -> Resource {
    Resource {
        kind: Kind::BackupAgent,
        doc: json!({"instanceUid": uid, "agentPlatform": "Windows", "name": name,
                    "organizationUid": ACME_UID, "managementAgentUid": MANAGEMENT_AGENT_UID,
                    "version": version, "managementMode": management_mode,
                    "operationMode": operation_mode, "status": status, "guestOs": guest_os,
                    "cbtDriverStatus": if cbt_installed { "Installed" } else { "NotInstalled" },
                    "createdDate": SEED_DATE}),
    }
}

fn resource(kind: Kind, doc: Value) -> Resource {
    Resource { kind, doc }
}

fn identity_provider(
    organization: &str,
    name: &str,
    display_name: &str,
    template: &str,
    enabled: bool,
    entity_id: &str,
) -> IdentityProvider {
    IdentityProvider {
        organization_uid: organization.to_string(),
        doc: json!({"name": name, "displayName": display_name, "type": "SAML2",
                    "template": template, "enabled": enabled, "organizationUid": organization,
                    "entityId": entity_id}),
    }
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
    pub fn seeded() -> State {
        let none = Map::new();
        let mut acme = company_doc(ACME_UID, "Acme Corp", &none);
        acme["alias"] = json!("acme");
        acme["email"] = json!("it@acme.example");
        let mut globex = company_doc(GLOBEX_UID, "Globex", &none);
        globex["alias"] = json!("globex");
        let mut umbrella = company_doc(UMBRELLA_UID, "Umbrella Corp", &none);
        umbrella["alias"] = json!("umbrella");
        let mut sso_user = user_doc(
            SSO_USER_UID,
            ACME_UID,
            "jane@acme.example",
            "companyAdministrator",
        );
        sso_user["identityProviderName"] = json!(IDP_NAME);
        let mut mfa_user = user_doc(MFA_USER_UID, ACME_UID, MFA_USERNAME, "companyAdministrator");
        mfa_user["mfaPolicyStatus"] = json!("enabled");
        mfa_user["mfaPolicyConfigurationStatus"] = json!("Configured");
        let user = |doc, password: &str| User {
            doc,
            password: password.to_string(),
        };
        let mut succeeded =
            seeded_action(SUCCEEDED_ACTION_ID, "GetCompanies", "succeed", None, None);
        succeeded.result = json!({"instanceUid": ACME_UID, "name": "Acme Corp"});
        State {
            provider: json!({"instanceUid": PROVIDER_UID, "name": "Mock Service Provider",
                             "type": "provider", "createdDate": SEED_DATE}),
            companies: vec![acme, globex, umbrella],
            locations: vec![
                location_doc(ACME_LOCATION_UID, ACME_UID, "Acme Corp", "default"),
                location_doc(GLOBEX_FIRST_LOCATION_UID, GLOBEX_UID, "Globex", "default"),
                location_doc(
                    GLOBEX_SECOND_LOCATION_UID,
                    GLOBEX_UID,
                    "Globex Cypress Creek",
                    "custom",
                ),
                location_doc(
                    UMBRELLA_LOCATION_UID,
                    UMBRELLA_UID,
                    "Umbrella Corp",
                    "default",
                ),
            ],
            users: vec![
                user(
                    user_doc(
                        ADMIN_UID,
                        PROVIDER_UID,
                        ADMIN_USERNAME,
                        "portalAdministrator",
                    ),
                    ADMIN_PASSWORD,
                ),
                user(
                    user_doc(COMPANY_USER_UID, ACME_UID, COMPANY_USERNAME, "companyOwner"),
                    COMPANY_PASSWORD,
                ),
                // Signs in through the identity provider: it has no password of the console.
                user(sso_user, ""),
                user(mfa_user, MFA_PASSWORD),
            ],
            logins: vec![
                Login {
                    id: 1,
                    user_uid: ADMIN_UID.into(),
                    kind: "asymmetricalgorithm",
                    key: Some(key_fingerprint(ADMIN_PUBLIC_KEY)),
                    doc: json!({"id": 1, "userUid": ADMIN_UID, "type": "asymmetricalgorithm",
                                "description": "Automation key", "status": "enabled",
                                "scopes": ["rest"], "isReadAccessOnly": false}),
                },
                Login {
                    id: 2,
                    user_uid: MFA_USER_UID.into(),
                    kind: "totp",
                    key: Some(TOTP_SECRET.into()),
                    doc: json!({"id": 2, "userUid": MFA_USER_UID, "type": "totp",
                                "description": "Authenticator app", "status": "enabled",
                                "scopes": ["ui", "rest"], "isReadAccessOnly": false}),
                },
            ],
            actions: vec![
                seeded_action(RUNNING_ACTION_ID, "CreateCompany", "running", None, None),
                succeeded,
                seeded_action(
                    FAILED_ACTION_ID,
                    "StartBackupAgentJob",
                    "failed",
                    None,
                    Some((1051, "The task took too long to complete and was stopped.")),
                ),
                seeded_action(
                    CANCELED_ACTION_ID,
                    "InstallCbtDriver",
                    "canceled",
                    None,
                    Some((1050, "The task was canceled by a user.")),
                ),
                seeded_action(
                    FAILED_DEPLOYMENT_ACTION_ID,
                    "InstallBackupAgent",
                    "failed",
                    Some(UNREACHABLE_COMPUTER_UID),
                    Some((
                        3000,
                        "Deployment task failed to execute: the computer 'acme-fs02' cannot be reached on port 6180.",
                    )),
                ),
                seeded_action(
                    FAILED_LICENSE_ACTION_ID,
                    "UpdateSiteLicense",
                    "failed",
                    Some(SITE_UID),
                    Some((
                        1300,
                        "The license operation failed to execute: the license has been revoked by Veeam.",
                    )),
                ),
                seeded_action(
                    LICENSE_UPDATE_ACTION_ID,
                    "UpdateConsoleLicense",
                    "running",
                    Some("licensing:console"),
                    None,
                ),
                seeded_action(
                    DEPLOYMENT_ACTION_ID,
                    "InstallBackupAgent",
                    "running",
                    Some(DEPLOYING_COMPUTER_UID),
                    None,
                ),
                seeded_action(
                    AGENT_TASK_ACTION_ID,
                    "PatchBackupServer",
                    "running",
                    Some(BUSY_MANAGEMENT_AGENT_UID),
                    None,
                ),
            ],
            resources: seeded_resources(),
            identity_providers: vec![
                identity_provider(
                    ACME_UID,
                    IDP_NAME,
                    IDP_DISPLAY_NAME,
                    "Okta",
                    true,
                    "http://www.okta.example/exk1acme",
                ),
                identity_provider(
                    ACME_UID,
                    DISABLED_IDP_NAME,
                    "Acme ADFS (retired)",
                    "ADFS",
                    false,
                    "https://sts.acme.example/adfs/services/trust",
                ),
                identity_provider(
                    GLOBEX_UID,
                    "globex-adfs",
                    "Globex ADFS",
                    "ADFS",
                    true,
                    GLOBEX_IDP_ENTITY_ID,
                ),
                identity_provider(
                    UMBRELLA_UID,
                    MAINTENANCE_IDP_NAME,
                    "Umbrella Keycloak",
                    "Keycloak",
                    true,
                    "https://sso.umbrella.example/realms/umbrella",
                ),
            ],
            policies: [
                (
                    GLOBEX_UID,
                    json!({"isSingleSignOnEnabled": false, "maintenanceMode": false}),
                ),
                (
                    UMBRELLA_UID,
                    json!({"isSingleSignOnEnabled": true, "maintenanceMode": true}),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
            console_license: json!({"licenseId": "5eed-console-license", "edition": "Rental",
                                    "status": "Valid", "autoUpdateEnabled": true,
                                    "expirationDate": "2027-01-31T00:00:00.0000000+00:00"}),
        }
    }

    /// The seeded ids and names cases can use, by variable name (documented on
    /// [`super::MockConsole::variables`]).
    pub fn variables() -> BTreeMap<String, String> {
        [
            ("companyUid", ACME_UID),
            ("companyName", "Acme Corp"),
            ("secondCompanyUid", GLOBEX_UID),
            ("secondCompanyName", "Globex"),
            ("organizationUid", ACME_UID),
            ("providerUid", PROVIDER_UID),
            ("ssoDisabledOrganizationUid", GLOBEX_UID),
            ("maintenanceOrganizationUid", UMBRELLA_UID),
            ("locationUid", ACME_LOCATION_UID),
            ("secondLocationUid", GLOBEX_SECOND_LOCATION_UID),
            ("secondCompanyDefaultLocationUid", GLOBEX_FIRST_LOCATION_UID),
            ("userUid", COMPANY_USER_UID),
            ("userLogin", COMPANY_USERNAME),
            ("adminUid", ADMIN_UID),
            ("ssoUserUid", SSO_USER_UID),
            ("assignedPublicKey", ADMIN_PUBLIC_KEY),
            ("identityProviderName", IDP_NAME),
            ("identityProviderDisplayName", IDP_DISPLAY_NAME),
            ("disabledIdentityProviderName", DISABLED_IDP_NAME),
            ("maintenanceIdentityProviderName", MAINTENANCE_IDP_NAME),
            ("foreignIdentityProviderEntity", GLOBEX_IDP_ENTITY_ID),
            ("asyncActionId", SUCCEEDED_ACTION_ID),
            ("runningAsyncActionId", RUNNING_ACTION_ID),
            ("failedAsyncActionId", FAILED_ACTION_ID),
            ("canceledAsyncActionId", CANCELED_ACTION_ID),
            ("failedDeploymentActionId", FAILED_DEPLOYMENT_ACTION_ID),
            ("failedLicenseActionId", FAILED_LICENSE_ACTION_ID),
            ("backupServerUid", BACKUP_SERVER_UID),
            ("perpetualBackupServerUid", PERPETUAL_BACKUP_SERVER_UID),
            ("siteUid", SITE_UID),
            ("computerUid", COMPUTER_UID),
            ("deployingComputerUid", DEPLOYING_COMPUTER_UID),
            ("unreachableComputerUid", UNREACHABLE_COMPUTER_UID),
            ("silentComputerUid", SILENT_COMPUTER_UID),
            ("deploymentTaskUid", DEPLOYMENT_TASK_UID),
            ("failedDeploymentTaskUid", FAILED_DEPLOYMENT_TASK_UID),
            ("managementAgentUid", MANAGEMENT_AGENT_UID),
            ("outdatedManagementAgentUid", OUTDATED_MANAGEMENT_AGENT_UID),
            ("busyManagementAgentUid", BUSY_MANAGEMENT_AGENT_UID),
            ("backupAgentUid", BACKUP_AGENT_UID),
            ("backupAgentJobUid", BACKUP_AGENT_JOB_UID),
            ("workstationBackupAgentUid", WORKSTATION_BACKUP_AGENT_UID),
            ("outdatedBackupAgentUid", OUTDATED_BACKUP_AGENT_UID),
            ("unmanagedBackupAgentUid", UNMANAGED_BACKUP_AGENT_UID),
            ("activatingBackupAgentUid", ACTIVATING_BACKUP_AGENT_UID),
            ("staleBackupAgentUid", STALE_BACKUP_AGENT_UID),
            ("uninstalledBackupAgentUid", UNINSTALLED_BACKUP_AGENT_UID),
            ("legacyOsBackupAgentUid", LEGACY_OS_BACKUP_AGENT_UID),
            ("unprotectedBackupAgentUid", UNPROTECTED_BACKUP_AGENT_UID),
            ("vOneServerUid", VONE_SERVER_UID),
            ("outdatedVOneServerUid", OUTDATED_VONE_SERVER_UID),
            ("planUid", FAILOVER_PLAN_UID),
            ("missingUid", MISSING_UID),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

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

fn seeded_resources() -> Vec<Resource> {
    const LATEST: &str = LATEST_BACKUP_AGENT_VERSION;
    const SERVER_2022: &str = "Microsoft Windows Server 2022 Standard";
    let job = |uid: &str, agent: &str, name: &str| {
        resource(
            Kind::BackupAgentJob,
            json!({"instanceUid": uid, "backupAgentUid": agent, "name": name,
                   "status": "Success", "createdDate": SEED_DATE}),
        )
    };
    let computer = |uid: &str, name: &str, reachability: &str| {
        resource(
            Kind::Computer,
            json!({"instanceUid": uid, "name": name, "organizationUid": ACME_UID,
                   "operatingSystem": SERVER_2022, "reachability": reachability,
                   "ipAddresses": ["10.0.0.12"]}),
        )
    };
    vec![
        management_agent(
            MANAGEMENT_AGENT_UID,
            "acme-hv01",
            LATEST_MANAGEMENT_AGENT_VERSION,
        ),
        management_agent(OUTDATED_MANAGEMENT_AGENT_UID, "acme-legacy01", "6.0.0.7739"),
        management_agent(
            BUSY_MANAGEMENT_AGENT_UID,
            "acme-vbr01",
            LATEST_MANAGEMENT_AGENT_VERSION,
        ),
        backup_agent(
            BACKUP_AGENT_UID,
            "acme-sql01",
            LATEST,
            "ManagedByConsole",
            "Server",
            "Active",
            SERVER_2022,
            true,
        ),
        backup_agent(
            WORKSTATION_BACKUP_AGENT_UID,
            "acme-laptop07",
            LATEST,
            "ManagedByConsole",
            "Workstation",
            "Active",
            "Microsoft Windows 11 Pro",
            false,
        ),
        backup_agent(
            OUTDATED_BACKUP_AGENT_UID,
            "acme-app02",
            "5.0.3.4708",
            "ManagedByConsole",
            "Server",
            "Active",
            SERVER_2022,
            false,
        ),
        backup_agent(
            UNMANAGED_BACKUP_AGENT_UID,
            "acme-dev03",
            LATEST,
            "UnManaged",
            "Server",
            "Active",
            SERVER_2022,
            false,
        ),
        backup_agent(
            ACTIVATING_BACKUP_AGENT_UID,
            "acme-web04",
            LATEST,
            "Changing",
            "Server",
            "Active",
            SERVER_2022,
            false,
        ),
        backup_agent(
            STALE_BACKUP_AGENT_UID,
            "acme-web05",
            LATEST,
            "ManagedByConsole",
            "Server",
            "Inaccessible",
            SERVER_2022,
            false,
        ),
        backup_agent(
            UNINSTALLED_BACKUP_AGENT_UID,
            "acme-old06",
            LATEST,
            "ManagedByConsole",
            "Server",
            "NotInstalled",
            SERVER_2022,
            false,
        ),
        backup_agent(
            LEGACY_OS_BACKUP_AGENT_UID,
            "acme-nt08",
            LATEST,
            "ManagedByConsole",
            "Server",
            "Active",
            "Microsoft Windows Server 2008 R2 Standard",
            false,
        ),
        backup_agent(
            UNPROTECTED_BACKUP_AGENT_UID,
            "acme-new09",
            LATEST,
            "ManagedByConsole",
            "Server",
            "Active",
            SERVER_2022,
            false,
        ),
        job(BACKUP_AGENT_JOB_UID, BACKUP_AGENT_UID, "SQL nightly"),
        job(
            "5eed000d-0000-4000-8000-000000000002",
            WORKSTATION_BACKUP_AGENT_UID,
            "Laptop daily",
        ),
        job(
            "5eed000d-0000-4000-8000-000000000003",
            OUTDATED_BACKUP_AGENT_UID,
            "App server",
        ),
        job(
            "5eed000d-0000-4000-8000-000000000004",
            LEGACY_OS_BACKUP_AGENT_UID,
            "NT server",
        ),
        computer(COMPUTER_UID, "acme-fs01", "online"),
        computer(DEPLOYING_COMPUTER_UID, "acme-fs03", "online"),
        computer(UNREACHABLE_COMPUTER_UID, "acme-fs02", "offline"),
        computer(SILENT_COMPUTER_UID, "acme-fs04", "silent"),
        resource(
            Kind::DeploymentTask,
            json!({"instanceUid": DEPLOYMENT_TASK_UID, "computerUid": DEPLOYING_COMPUTER_UID,
                   "type": "InstallBackupAgent", "status": "Running"}),
        ),
        resource(
            Kind::DeploymentTask,
            json!({"instanceUid": FAILED_DEPLOYMENT_TASK_UID,
                   "computerUid": UNREACHABLE_COMPUTER_UID, "type": "InstallBackupAgent",
                   "status": "Failed"}),
        ),
        resource(
            Kind::BackupServer,
            json!({"instanceUid": BACKUP_SERVER_UID, "name": "acme-vbr01",
                   "version": "12.3.1.1139", "managementAgentUid": BUSY_MANAGEMENT_AGENT_UID,
                   "licenseType": "Rental", "licenseStatus": "Valid"}),
        ),
        resource(
            Kind::BackupServer,
            json!({"instanceUid": PERPETUAL_BACKUP_SERVER_UID, "name": "globex-vbr01",
                   "version": "12.3.1.1139", "managementAgentUid": MANAGEMENT_AGENT_UID,
                   "licenseType": "Perpetual", "licenseStatus": "Valid"}),
        ),
        resource(
            Kind::Site,
            json!({"instanceUid": SITE_UID, "siteName": "Mock Cloud Connect",
                   "licenseStatus": "Valid", "maintenanceModeIsEnabled": false}),
        ),
        resource(
            Kind::VOneServer,
            json!({"instanceUid": VONE_SERVER_UID, "name": "acme-vone01",
                   "version": "12.3.0.4670"}),
        ),
        resource(
            Kind::VOneServer,
            json!({"instanceUid": OUTDATED_VONE_SERVER_UID, "name": "acme-vone-old",
                   "version": "11.0.1.1880"}),
        ),
        resource(
            Kind::FailoverPlan,
            json!({"instanceUid": FAILOVER_PLAN_UID, "name": "Acme DR plan",
                   "backupServerUid": BACKUP_SERVER_UID, "status": "Ready"}),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_has_what_the_variables_promise() {
        let state = State::seeded();
        let vars = State::variables();
        assert_eq!(state.locations_of(&vars["companyUid"]).len(), 1);
        assert_eq!(state.locations_of(&vars["secondCompanyUid"]).len(), 2);
        assert!(state.location(&vars["secondLocationUid"]).is_some());
        assert_eq!(
            text(state.company(&vars["companyUid"]).unwrap(), "name"),
            vars["companyName"]
        );
        assert!(state.user(&vars["userUid"]).is_some());
        assert!(state.action(&vars["asyncActionId"]).is_some());
        assert!(!state.exists(Kind::Organization, &vars["missingUid"]));
        for (name, kind) in [
            ("backupAgentUid", Kind::BackupAgent),
            ("backupAgentJobUid", Kind::BackupAgentJob),
            ("managementAgentUid", Kind::ManagementAgent),
            ("computerUid", Kind::Computer),
            ("deploymentTaskUid", Kind::DeploymentTask),
            ("backupServerUid", Kind::BackupServer),
            ("siteUid", Kind::Site),
            ("vOneServerUid", Kind::VOneServer),
            ("planUid", Kind::FailoverPlan),
        ] {
            assert!(state.exists(kind, &vars[name]), "{name}");
            assert_eq!(Kind::of_parameter(name), Some(kind), "{name}");
        }
        for name in ["identityProviderName", "disabledIdentityProviderName"] {
            assert!(
                state.identity_provider(ACME_UID, &vars[name]).is_some(),
                "{name}"
            );
        }
        assert!(
            state
                .identity_provider(
                    &vars["maintenanceOrganizationUid"],
                    &vars["maintenanceIdentityProviderName"]
                )
                .is_some()
        );
        assert_eq!(
            state.policy(&vars["maintenanceOrganizationUid"])["maintenanceMode"],
            true
        );
        assert_eq!(
            state.policy(&vars["ssoDisabledOrganizationUid"])["isSingleSignOnEnabled"],
            false
        );
        assert_eq!(state.policy(&vars["companyUid"]), default_policy());
        assert!(state.logins.iter().any(
            |l| l.key.as_deref() == Some(key_fingerprint(&vars["assignedPublicKey"]).as_str())
        ));
        for (name, value) in &vars {
            if name.ends_with("Uid") || name.ends_with("Id") {
                assert_eq!(
                    super::super::ids::parse_uuid(value).as_deref(),
                    Some(value.as_str())
                );
            }
        }
    }

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
