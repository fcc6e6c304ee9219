//! Agents: management agents (4000-4002) and Veeam backup agents for Windows, their settings,
//! updates, jobs and the Veeam CBT driver (4001, 5000-5009, 6000).
//!
//! A backup agent must first be there and managed: an agent the last data collection did not
//! find is a 5002 (the console starts a collection to find it), one gone from its computer a
//! 5003, one whose management mode is changing a 5004, one not managed by the console a 5005.
//! Then each operation has its own conditions: an update needs an agent that is not up to date
//! (5001); remote settings need a current agent (5000) with a job or policy to hold them
//! (6000); the CBT driver needs a supported guest OS (4001), the server mode (5006), a current
//! agent (5007), and is installed once (5008) and uninstalled once (5009).

use super::{Cx, data, empty, patches};
use crate::mock::error::{ApiError, Reply};
use crate::mock::patch::{self, Schema};
use crate::mock::state::{self, Kind, LATEST_BACKUP_AGENT_VERSION, Plan};
use crate::mock::{Delivery, Trigger};
use serde_json::{Value, json};

const MANAGEMENT_AGENT: &str = "/infrastructure/managementAgents/{managementAgentUid}";
const INSTALL_CBT: &str = "/infrastructure/backupAgents/windows/{backupAgentUid}/installCbtDriver";
const UNINSTALL_CBT: &str =
    "/infrastructure/backupAgents/windows/{backupAgentUid}/uninstallCbtDriver";
const SETTINGS: &str = "/infrastructure/backupAgents/windows/{backupAgentUid}/settings";
const UPDATE: &str = "/infrastructure/backupAgents/windows/{backupAgentUid}/update";
const RESTART: &str = "/infrastructure/backupAgents/{backupAgentUid}/restart";

/// Agents older than this major version lack remote settings and the CBT driver.
const MINIMUM_MAJOR: u64 = 6;

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 4000,
        method: "POST",
        path: "/infrastructure/managementAgents/{managementAgentUid}/reboot",
        trigger: "a management agent older than the console (`outdatedManagementAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 4000,
        method: "PUT",
        path: "/infrastructure/managementAgents/{managementAgentUid}/credentials",
        trigger: "credentials for a management agent older than the console",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 4002,
        method: "POST",
        path: "/infrastructure/managementAgents/{managementAgentUid}/restart",
        trigger: "the management agent is running a task (`busyManagementAgentUid`, patching a backup server)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 4002,
        method: "POST",
        path: "/infrastructure/managementAgents/{managementAgentUid}/reboot",
        trigger: "rebooting a computer whose management agent is running a task",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 4001,
        method: "POST",
        path: INSTALL_CBT,
        trigger: "a guest OS the CBT driver does not support, Windows Server 2008 R2 (`legacyOsBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5000,
        method: "PATCH",
        path: SETTINGS,
        trigger: "an agent older than 6.0 (`outdatedBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5000,
        method: "PUT",
        path: SETTINGS,
        trigger: "an agent older than 6.0",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5001,
        method: "POST",
        path: UPDATE,
        trigger: "an agent already at the latest version (`backupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5002,
        method: "POST",
        path: RESTART,
        trigger: "an agent the last data collection did not find (`staleBackupAgentUid`); a collection starts",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5003,
        method: "POST",
        path: "/infrastructure/backupAgents/{backupAgentUid}/activate",
        trigger: "an agent no longer installed on its computer (`uninstalledBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5004,
        method: "POST",
        path: "/infrastructure/backupAgents/{backupAgentUid}/deactivate",
        trigger: "an agent whose management mode is changing (`activatingBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5005,
        method: "PATCH",
        path: SETTINGS,
        trigger: "an agent not managed by the console (`unmanagedBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5005,
        method: "POST",
        path: RESTART,
        trigger: "an agent not managed by the console",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5006,
        method: "POST",
        path: INSTALL_CBT,
        trigger: "an agent in Workstation mode (`workstationBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5007,
        method: "POST",
        path: INSTALL_CBT,
        trigger: "an agent older than 6.0 (`outdatedBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5008,
        method: "POST",
        path: INSTALL_CBT,
        trigger: "the driver is already installed (`backupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 5009,
        method: "POST",
        path: UNINSTALL_CBT,
        trigger: "the driver is not installed (`workstationBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 6000,
        method: "GET",
        path: SETTINGS,
        trigger: "an agent with no job and no policy (`unprotectedBackupAgentUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 6000,
        method: "PATCH",
        path: SETTINGS,
        trigger: "an agent with no job and no policy",
        delivery: Delivery::Answer,
    },
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let path = cx.path().to_string();
    if path.starts_with(MANAGEMENT_AGENT) {
        return management_agent(cx, &path);
    }
    if !path.starts_with("/infrastructure/backupAgents/") || !path.contains("{backupAgentUid}") {
        return None;
    }
    let agent = cx.id("backupAgentUid");
    let doc = cx
        .state
        .resource(Kind::BackupAgent, &agent)
        .cloned()
        .unwrap_or(Value::Null);
    if cx.method() == "GET" && path != SETTINGS {
        return None;
    }
    let result = match (cx.method(), path.as_str()) {
        ("DELETE", "/infrastructure/backupAgents/{backupAgentUid}") => {
            cx.state
                .resources
                .retain(|r| !(r.kind == Kind::BackupAgent && state::uid(&r.doc) == agent));
            Ok(empty())
        }
        ("POST", "/infrastructure/backupAgents/{backupAgentUid}/activate") => present(&doc)
            .and_then(|()| match state::text(&doc, "managementMode") {
                "Changing" => Err(mode_changing()),
                _ => set_mode(cx, &agent, "ManagedByConsole"),
            }),
        ("POST", "/infrastructure/backupAgents/{backupAgentUid}/deactivate") => {
            ready(&doc).and_then(|()| set_mode(cx, &agent, "UnManaged"))
        }
        ("POST", UPDATE) => update(cx, &doc, &agent),
        ("POST", INSTALL_CBT) => install_cbt(cx, &doc, &agent),
        ("POST", UNINSTALL_CBT) => uninstall_cbt(cx, &doc, &agent),
        (_, SETTINGS) => settings(cx, &doc, &agent),
        _ => ready(&doc).and_then(|()| super::generic(cx)),
    };
    Some(result)
}

fn management_agent(cx: &mut Cx, path: &str) -> Option<Result<Reply, ApiError>> {
    let agent = cx.id("managementAgentUid");
    let outdated = cx
        .state
        .resource(Kind::ManagementAgent, &agent)
        .map(|a| state::text(a, "version") != state::LATEST_MANAGEMENT_AGENT_VERSION)
        .unwrap_or(false);
    let busy = cx.state.running_on(&agent).map(|a| a.id().to_string());
    let busy_error = |task: String| {
        ApiError::custom(
            4002,
            format!(
                "Management agent is busy and cannot perform the requested operation: it is running task '{task}'."
            ),
        )
    };
    let outdated_error = || {
        ApiError::custom(
            4000,
            format!(
                "Version of a managed agent is outdated: update management agent '{agent}' to {} first.",
                state::LATEST_MANAGEMENT_AGENT_VERSION
            ),
        )
    };
    let result = match (
        cx.method(),
        path.strip_prefix(MANAGEMENT_AGENT).unwrap_or(path),
    ) {
        ("POST", "/reboot") => match (outdated, busy) {
            (true, _) => Err(outdated_error()),
            (_, Some(task)) => Err(busy_error(task)),
            _ => Ok(empty()),
        },
        ("POST", "/restart") | ("DELETE", "") => match busy {
            Some(task) => Err(busy_error(task)),
            None => super::generic(cx),
        },
        ("PUT", "/credentials") if outdated => Err(outdated_error()),
        _ => return None,
    };
    Some(result)
}

fn mode_changing() -> ApiError {
    ApiError::custom(
        5004,
        "Veeam backup agent management mode is currently changing and is not yet set to managed.",
    )
}

/// The agent is where the console believes it is.
fn present(doc: &Value) -> Result<(), ApiError> {
    match state::text(doc, "status") {
        "Inaccessible" => Err(ApiError::custom(
            5002,
            format!(
                "Veeam backup agent cannot be found right now; a data collection session is initiated to find '{}'.",
                state::text(doc, "name")
            ),
        )),
        "NotInstalled" => Err(ApiError::custom(
            5003,
            format!(
                "Veeam backup agent cannot be found on computer '{}'.",
                state::text(doc, "name")
            ),
        )),
        _ => Ok(()),
    }
}

/// The agent is there and managed by the console.
fn ready(doc: &Value) -> Result<(), ApiError> {
    present(doc)?;
    match state::text(doc, "managementMode") {
        "Changing" => Err(mode_changing()),
        "UnManaged" => Err(ApiError::custom(
            5005,
            "Veeam backup agent is not managed by Veeam Service Provider Console; activate it first.",
        )),
        _ => Ok(()),
    }
}

fn major(version: &str) -> u64 {
    version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

fn is_current(doc: &Value) -> bool {
    major(state::text(doc, "version")) >= MINIMUM_MAJOR
}

fn set_mode(cx: &mut Cx, agent: &str, mode: &str) -> Result<Reply, ApiError> {
    let Some(doc) = cx.state.resource_mut(Kind::BackupAgent, agent) else {
        return Err(super::missing("backupAgentUid", agent));
    };
    doc["managementMode"] = json!(mode);
    Ok(data(doc.clone()))
}

fn update(cx: &mut Cx, doc: &Value, agent: &str) -> Result<Reply, ApiError> {
    ready(doc)?;
    if state::text(doc, "version") == LATEST_BACKUP_AGENT_VERSION {
        return Err(ApiError::custom(
            5001,
            format!(
                "Veeam backup agent cannot be patched or updated because it is already up-to-date ({LATEST_BACKUP_AGENT_VERSION})."
            ),
        ));
    }
    let mut updated = doc.clone();
    updated["version"] = json!(LATEST_BACKUP_AGENT_VERSION);
    cx.start(Some(agent), Plan::Succeed(updated))
}

fn install_cbt(cx: &mut Cx, doc: &Value, agent: &str) -> Result<Reply, ApiError> {
    ready(doc)?;
    let guest_os = state::text(doc, "guestOs");
    if guest_os.contains("2008") || guest_os.contains("Windows 7") {
        return Err(ApiError::custom(
            4001,
            format!("Veeam CBT driver does not support the guest OS: {guest_os}."),
        ));
    }
    if state::text(doc, "operationMode") == "Workstation" {
        return Err(ApiError::custom(
            5006,
            "Veeam CBT driver is not compatible with the Workstation agent mode.",
        ));
    }
    if !is_current(doc) {
        return Err(ApiError::custom(
            5007,
            format!(
                "Veeam CBT driver cannot be installed due to outdated Veeam backup agent version {}.",
                state::text(doc, "version")
            ),
        ));
    }
    if state::text(doc, "cbtDriverStatus") == "Installed" {
        return Err(ApiError::custom(
            5008,
            "Veeam CBT driver is already installed on the computer.",
        ));
    }
    cx.start(
        Some(agent),
        Plan::Succeed(json!({"cbtDriverStatus": "Installed"})),
    )
}

fn uninstall_cbt(cx: &mut Cx, doc: &Value, agent: &str) -> Result<Reply, ApiError> {
    ready(doc)?;
    if state::text(doc, "cbtDriverStatus") != "Installed" {
        return Err(ApiError::custom(
            5009,
            "Veeam CBT driver is not installed and cannot be deleted.",
        ));
    }
    cx.start(
        Some(agent),
        Plan::Succeed(json!({"cbtDriverStatus": "NotInstalled"})),
    )
}

/// The agent's settings live in its job or policy.
fn settings(cx: &mut Cx, doc: &Value, agent: &str) -> Result<Reply, ApiError> {
    ready(doc)?;
    if !is_current(doc) {
        return Err(ApiError::custom(
            5000,
            format!(
                "Version of a Veeam backup agent is outdated: {} cannot be configured remotely; update it first.",
                state::text(doc, "version")
            ),
        ));
    }
    let has_job = cx
        .state
        .resources_of(Kind::BackupAgentJob)
        .iter()
        .any(|j| j["backupAgentUid"] == agent);
    if !has_job {
        return Err(ApiError::custom(
            6000,
            "No job or policy is configured for the Veeam backup agent.",
        ));
    }
    let current = json!({"backupAgentUid": agent, "throttlingEnabled": false,
                         "limitBandwidthConsumption": false, "scheduleRetryCount": 3});
    match cx.method() {
        "PATCH" => Ok(data(patch::apply(
            &current,
            patches(cx.request),
            Schema::Open,
        )?)),
        "PUT" => Ok(data(Value::Object(cx.body()))),
        _ => Ok(data(current)),
    }
}
