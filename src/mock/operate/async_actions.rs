//! Async actions: what long operations leave behind (`Cx::start`), and the operations of
//! `/asyncActions` that follow them. `GET /asyncActions/{id}` reports the action's status
//! (`running`, `succeed`, `canceled`, `failed`), with the error in `errors` beside `data` once it
//! has failed or been canceled; `GET .../result` answers the outcome: the result, or the error
//! through the one mapping (a custom code travels as 520); `DELETE` cancels a running action
//! (its result then is 1050).

use super::{Cx, data, empty, missing, page};
use crate::mock::error::{ApiError, Reply};
use crate::mock::state::AsyncAction;
use crate::mock::{Delivery, Personality, Trigger};
use serde_json::json;

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 1000,
        method: "GET",
        path: "/asyncActions/{actionId}/result",
        trigger: "the action is still running (`runningAsyncActionId`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1000,
        method: "DELETE",
        path: "/asyncActions/{actionId}",
        trigger: "the action has already finished and cannot be canceled (`asyncActionId`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1000,
        method: "DELETE",
        path: "/asyncActions/{actionId}/result",
        trigger: "the action is still running, so it has no result to delete (`runningAsyncActionId`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1050,
        method: "GET",
        path: "/asyncActions/{actionId}/result",
        trigger: "the action was canceled with `DELETE /asyncActions/{actionId}` (`canceledAsyncActionId`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1051,
        method: "GET",
        path: "/asyncActions/{actionId}/result",
        trigger: "the action ran into its time limit (`failedAsyncActionId`; at run time, an action still running after `AsyncConfig::time_limit`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 3000,
        method: "GET",
        path: "/asyncActions/{actionId}/result",
        trigger: "the result of a deployment that failed (`failedDeploymentActionId`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1300,
        method: "GET",
        path: "/asyncActions/{actionId}/result",
        trigger: "the result of a license update that failed (`failedLicenseActionId`)",
        delivery: Delivery::Answer,
    },
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let id = cx.id("actionId");
    let result = match (cx.method(), cx.path()) {
        ("GET", "/asyncActions") => {
            let all = cx.state.actions.iter().map(|a| a.doc.clone()).collect();
            Ok(page(all, cx.request))
        }
        ("GET", "/asyncActions/config") => Ok(data(json!({"resultRetentionTime": 86400}))),
        ("GET", "/asyncActions/{actionId}") => {
            let personality = cx.console.config.personality;
            action(cx, &id).map(|a| envelope(a, personality))
        }
        ("GET", "/asyncActions/{actionId}/result") => action(cx, &id).and_then(outcome),
        ("DELETE", "/asyncActions/{actionId}") => cancel(cx, &id),
        ("DELETE", "/asyncActions/{actionId}/result") => delete_result(cx, &id),
        _ => return None,
    };
    Some(result)
}

fn action<'a>(cx: &'a Cx, id: &str) -> Result<&'a AsyncAction, ApiError> {
    cx.state.action(id).ok_or_else(|| missing("actionId", id))
}

/// The action's info; a failed or canceled action carries its error beside it.
fn envelope(action: &AsyncAction, personality: Personality) -> Reply {
    let mut body = json!({ "data": action.doc });
    if let (Some((code, message)), false) = (&action.error, action.is_running()) {
        if let ApiError::Vspc(error) = ApiError::custom(*code, message.clone()) {
            body["errors"] = json!([error.to_json_as(personality)]);
        }
    }
    Reply::ok(body)
}

/// `GET .../result`: the result of a succeeded action, the error of a failed or canceled one.
fn outcome(action: &AsyncAction) -> Result<Reply, ApiError> {
    let id = action.id();
    match (action.status(), &action.error) {
        ("succeed", _) => Ok(data(action.result.clone())),
        ("running", _) => Err(ApiError::custom(
            1000,
            format!("The async action '{id}' is still running; its result is not available yet."),
        )),
        (_, Some((code, message))) => Err(ApiError::custom(*code, message.clone())),
        (status, None) => Err(ApiError::custom(
            1000,
            format!("The async action '{id}' has no result ({status})."),
        )),
    }
}

/// `DELETE /asyncActions/{actionId}` cancels a running action; a finished one cannot be canceled.
fn cancel(cx: &mut Cx, id: &str) -> Result<Reply, ApiError> {
    let Some(action) = cx.state.actions.iter_mut().find(|a| a.id() == id) else {
        return Err(missing("actionId", id));
    };
    if !action.is_running() {
        return Err(ApiError::custom(
            1000,
            format!("The async action '{id}' has already finished and cannot be canceled."),
        ));
    }
    action.doc["status"] = json!("canceled");
    action.error = Some((1050, "The task was canceled by a user.".to_string()));
    Ok(data(action.doc.clone()))
}

/// `DELETE /asyncActions/{actionId}/result` forgets a finished action.
fn delete_result(cx: &mut Cx, id: &str) -> Result<Reply, ApiError> {
    let running = action(cx, id)?.is_running();
    if running {
        return Err(ApiError::custom(
            1000,
            format!("The async action '{id}' is still running; it has no result to delete yet."),
        ));
    }
    cx.state.actions.retain(|a| a.id() != id);
    Ok(empty())
}
