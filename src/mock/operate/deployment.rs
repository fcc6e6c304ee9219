//! Deployment: installing agents and servers on discovered computers, continuing deployment
//! tasks, patching and upgrading backup servers. Deployments are long operations (202 and an
//! async action). A deployment where one is already running is a 3001 at once; a deployment
//! that fails is a 3000: at once when the console already knows (continuing a failed task), or
//! as the action's result (the computer cannot be reached). A computer that never answers
//! keeps the action running until its time limit: 1051.

use super::Cx;
use crate::mock::error::{ApiError, Reply};
use crate::mock::state::{self, Kind, Plan};
use crate::mock::{Delivery, Trigger};
use serde_json::json;

const INSTALL_BACKUP_AGENT: &str = "/discovery/computers/{computerUid}/installBackupAgent";

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 3001,
        method: "POST",
        path: INSTALL_BACKUP_AGENT,
        trigger: "a deployment to the computer is already running (`deployingComputerUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 3001,
        method: "POST",
        path: "/discovery/computers/{computerUid}/installBackupServer",
        trigger: "the same for every installation on a computer (backup server, Veeam ONE, Linux agent)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 3001,
        method: "POST",
        path: "/discovery/computers/{computerUid}/scheduledTasks/installBackupServer",
        trigger: "scheduling a deployment to a computer where one is running",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 3001,
        method: "POST",
        path: "/infrastructure/backupServers/{backupServerUid}/patch",
        trigger: "a patch of the backup server is already running on its management agent (`backupServerUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 3000,
        method: "POST",
        path: "/deployment/deploy/{deploymentTaskUid}/wait",
        trigger: "continuing a deployment task that failed (`failedDeploymentTaskUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 3000,
        method: "POST",
        path: INSTALL_BACKUP_AGENT,
        trigger: "the computer cannot be reached (`unreachableComputerUid`)",
        delivery: Delivery::AsyncAction,
    },
    Trigger {
        code: 1051,
        method: "POST",
        path: INSTALL_BACKUP_AGENT,
        trigger: "the computer never answers, so the action runs into its time limit (`silentComputerUid`)",
        delivery: Delivery::AsyncAction,
    },
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let path = cx.path().to_string();
    let result = match (cx.method(), path.as_str()) {
        (
            "POST",
            "/discovery/computers/{computerUid}/installBackupAgent"
            | "/discovery/computers/{computerUid}/installLinuxBackupAgent"
            | "/discovery/computers/{computerUid}/installBackupServer"
            | "/discovery/computers/{computerUid}/installVOneServer",
        ) => install(cx),
        (
            "POST",
            "/discovery/computers/{computerUid}/scheduledTasks/installBackupServer"
            | "/discovery/computers/{computerUid}/scheduledTasks/installVOneServer",
        ) => {
            let computer = cx.id("computerUid");
            no_deployment_on(cx, &computer, "computer").map(|()| {
                super::data(json!({"instanceUid": cx.console.ids.uuid(),
                                   "computerUid": computer, "status": "Scheduled"}))
            })
        }
        ("POST", "/deployment/deploy/{deploymentTaskUid}/wait") => continue_task(cx),
        (
            "POST",
            "/infrastructure/backupServers/{backupServerUid}/patch"
            | "/infrastructure/backupServers/{backupServerUid}/upgrade"
            | "/infrastructure/backupServers/{backupServerUid}/scheduledTasks/patch"
            | "/infrastructure/backupServers/{backupServerUid}/scheduledTasks/upgrade",
        ) => update_backup_server(cx, &path),
        _ => return None,
    };
    Some(result)
}

/// No deployment is running on `subject` (a computer, or a server's management agent).
fn no_deployment_on(cx: &Cx, subject: &str, what: &str) -> Result<(), ApiError> {
    let task = cx
        .state
        .resources_of(Kind::DeploymentTask)
        .into_iter()
        .find(|t| t["computerUid"] == subject && t["status"] == "Running")
        .map(|t| state::uid(&t).to_string());
    let action = cx.state.running_on(subject).map(|a| a.id().to_string());
    match task.or(action) {
        Some(existing) => Err(ApiError::custom(
            3001,
            format!(
                "Deployment task initiated by the request already exists: '{existing}' is running on this {what}."
            ),
        )),
        None => Ok(()),
    }
}

fn install(cx: &mut Cx) -> Result<Reply, ApiError> {
    let computer = cx.id("computerUid");
    no_deployment_on(cx, &computer, "computer")?;
    let (name, reachability) = cx
        .state
        .resource(Kind::Computer, &computer)
        .map(|c| {
            (
                state::text(c, "name").to_string(),
                state::text(c, "reachability").to_string(),
            )
        })
        .unwrap_or_default();
    let plan = match reachability.as_str() {
        "offline" => Plan::Fail(
            3000,
            format!(
                "Deployment task failed to execute: the computer '{name}' cannot be reached on port 6180."
            ),
        ),
        "silent" => Plan::Hang,
        _ => Plan::Succeed(json!({"deploymentTaskUid": cx.console.ids.uuid(),
                                  "computerUid": computer, "status": "Success"})),
    };
    cx.start(Some(&computer), plan)
}

fn continue_task(cx: &mut Cx) -> Result<Reply, ApiError> {
    let task = cx.id("deploymentTaskUid");
    let doc = cx
        .state
        .resource(Kind::DeploymentTask, &task)
        .cloned()
        .unwrap_or_default();
    if doc["status"] == "Failed" {
        return Err(ApiError::custom(
            3000,
            format!(
                "Deployment task failed to execute: task '{task}' has failed and cannot be continued."
            ),
        ));
    }
    let computer = state::text(&doc, "computerUid").to_string();
    cx.start(Some(&computer), Plan::Succeed(doc))
}

fn update_backup_server(cx: &mut Cx, path: &str) -> Result<Reply, ApiError> {
    let server = cx.id("backupServerUid");
    let agent = cx
        .state
        .resource(Kind::BackupServer, &server)
        .map(|s| state::text(s, "managementAgentUid").to_string())
        .unwrap_or_default();
    no_deployment_on(cx, &agent, "backup server's management agent")?;
    if path.contains("/scheduledTasks/") {
        return Ok(super::data(json!({"instanceUid": cx.console.ids.uuid(),
                                     "backupServerUid": server, "status": "Scheduled"})));
    }
    cx.start(
        Some(&agent),
        Plan::Succeed(json!({"backupServerUid": server})),
    )
}
