//! Licensing: updating and installing the licenses of the console, backup servers, Cloud
//! Connect sites and Veeam ONE servers. Updates and installs are long operations (202 and an
//! async action). A license operation while another one on the same license is running is a
//! 1301 at once; a license that cannot be updated is a 1300 at once (a perpetual license has no
//! automatic update) or as the action's result (the license server refuses the update).

use super::Cx;
use crate::mock::error::{ApiError, Reply};
use crate::mock::state::{self, Kind, Plan};
use crate::mock::{Delivery, Trigger};
use serde_json::json;

const CONSOLE: &str = "licensing:console";

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 1301,
        method: "POST",
        path: "/licensing/console/update",
        trigger: "a console license update is already running (seeded, it never ends)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1301,
        method: "PUT",
        path: "/licensing/console",
        trigger: "installing a console license while its update is running",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1300,
        method: "POST",
        path: "/licensing/backupServers/{backupServerUid}/update",
        trigger: "a perpetual license, which has no automatic update (`perpetualBackupServerUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1300,
        method: "POST",
        path: "/licensing/sites/{siteUid}/update",
        trigger: "the license server refuses the update: the site's license was revoked (`siteUid`)",
        delivery: Delivery::AsyncAction,
    },
    Trigger {
        code: 7000,
        method: "POST",
        path: "/licensing/voneServers/{vOneServerUid}/update",
        trigger: "a Veeam ONE server older than 12 (`outdatedVOneServerUid`)",
        delivery: Delivery::Answer,
    },
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let result = match (cx.method(), cx.path()) {
        ("POST", "/licensing/console/update") | ("PUT", "/licensing/console") => {
            not_in_progress(cx, CONSOLE).and_then(|()| {
                let license = cx.state.console_license.clone();
                cx.start(Some(CONSOLE), Plan::Succeed(license))
            })
        }
        ("POST", "/licensing/backupServers/{backupServerUid}/update") => update_backup_server(cx),
        ("POST", "/licensing/sites/{siteUid}/update") => {
            let site = cx.id("siteUid");
            let subject = format!("licensing:{site}");
            not_in_progress(cx, &subject).and_then(|()| {
                cx.start(
                    Some(&subject),
                    Plan::Fail(
                        1300,
                        "The license operation failed to execute: the license has been revoked by Veeam.".into(),
                    ),
                )
            })
        }
        ("POST", "/licensing/voneServers/{vOneServerUid}/update") => {
            let server = cx.id("vOneServerUid");
            let subject = format!("licensing:{server}");
            super::infrastructure::veeam_one_is_current(cx, &server)
                .and_then(|()| not_in_progress(cx, &subject))
                .and_then(|()| cx.start(Some(&subject), Plan::Succeed(json!({"status": "Valid"}))))
        }
        _ => return None,
    };
    Some(result)
}

/// A license operation on `subject` may start: none is running.
fn not_in_progress(cx: &Cx, subject: &str) -> Result<(), ApiError> {
    match cx.state.running_on(subject) {
        Some(running) => Err(ApiError::custom(
            1301,
            format!(
                "Requested operation on the specified license is already in progress (async action '{}').",
                running.id()
            ),
        )),
        None => Ok(()),
    }
}

fn update_backup_server(cx: &mut Cx) -> Result<Reply, ApiError> {
    let server = cx.id("backupServerUid");
    let license_type = cx
        .state
        .resource(Kind::BackupServer, &server)
        .map(|s| state::text(s, "licenseType").to_string())
        .unwrap_or_default();
    if license_type == "Perpetual" {
        return Err(ApiError::custom(
            1300,
            "Requested operation on the specified license failed to execute: a perpetual license cannot be updated automatically.",
        ));
    }
    let subject = format!("licensing:{server}");
    not_in_progress(cx, &subject)?;
    cx.start(Some(&subject), Plan::Succeed(json!({"status": "Valid"})))
}
