//! The seed: the fixed credentials, UIDs and names the mock starts with, and the state built
//! from them ([`State::seeded`]) with the variables cases read them by ([`State::variables`]).
//! Fixed so that runs are reproducible and cases can name resources; kept apart from the store
//! so the queries read without the fixture data around them.
//!
//! Seeded UIDs read `5eedKKKK-0000-4000-8000-00000000000N`; KKKK is the kind: 0000 provider,
//! 0001 company, 0002 location, 0003 user, 0004 async action, 0005 management agent, 0006 backup
//! agent, 0007 discovered computer, 0008 deployment task, 0009 backup server, 000a Cloud
//! Connect site, 000b Veeam ONE server, 000c failover plan, 000d backup agent job.
//!
//! Each seeded resource exists for one condition a console can be in (an outdated agent, a
//! license update in progress, a computer that cannot be reached...), so that one request on it
//! meets exactly one error, whatever other requests run at the same time.

use super::{
    AsyncAction, IdentityProvider, Kind, Login, Plan, Resource, State, User, action_doc,
    company_doc, key_fingerprint, location_doc, user_doc,
};
use crate::contract::Role;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "mock-admin-password";
/// The seeded company user of Acme Corp.
pub const COMPANY_USERNAME: &str = "acme.owner";
pub const COMPANY_PASSWORD: &str = "mock-company-password";
/// A user of Acme Corp with multi-factor authentication: `POST /token` with `password` answers
/// an `mfa_token`, and the `mfa` grant takes it with the code [`MOCK_TOTP_CODE`].
pub const MFA_USERNAME: &str = "acme.mfa";
/// The password of every seeded role user (one per role of the specs, `role.<role>`): a fixture,
/// public by design like the administrator's.
pub const ROLE_PASSWORD: &str = "mock-role-password";
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
/// An Acme Corp user who signs in through the `acme_okta` identity provider.
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
pub const IDP_NAME: &str = "acme_okta";
pub const IDP_DISPLAY_NAME: &str = "Acme Okta";
pub const DISABLED_IDP_NAME: &str = "acme_adfs";
pub const MAINTENANCE_IDP_NAME: &str = "umbrella_keycloak";
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

/// The `createdDate` of every resource, seeded or created at run time.
pub(super) const SEED_DATE: &str = "2025-01-15T09:00:00.0000000+00:00";

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

/// The login of the seeded user of a role: `role.companytenant`.
pub fn role_username(role: Role) -> String {
    format!("role.{}", role.as_str().to_ascii_lowercase())
}

/// The seeded user of a role: the provider's for the portal's and the provider's roles, Acme
/// Corp's for the rest.
fn role_user(role: Role) -> Value {
    let uid = format!("5eed0003-0000-4000-8000-0000000001{:02x}", role as u8);
    let provider_side = matches!(
        role,
        Role::PortalAdministrator
            | Role::PortalOperator
            | Role::ServiceProviderGlobalAdministrator
            | Role::ServiceProviderAdministrator
            | Role::ServiceProviderOperator
            | Role::ServiceProviderUser
            | Role::ServiceProviderInvoiceAuditor
            | Role::SiteAdministrator
            | Role::ReadOnlyUser
    );
    let organization = if provider_side {
        PROVIDER_UID
    } else {
        ACME_UID
    };
    let mut name = role.as_str().to_string();
    name[..1].make_ascii_lowercase();
    user_doc(&uid, organization, &role_username(role), &name)
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
            ]
            .into_iter()
            .chain(
                Role::ALL
                    .into_iter()
                    .map(|role| user(role_user(role), ROLE_PASSWORD)),
            )
            .collect(),
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
                    "globex_adfs",
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
    /// [`crate::mock::MockConsole::variables`]).
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
    use super::super::{default_policy, text};
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
                    crate::mock::ids::parse_uuid(value).as_deref(),
                    Some(value.as_str())
                );
            }
        }
    }
}
