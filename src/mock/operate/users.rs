//! Users: creating, changing and deleting them, the password reset, and the Windows accounts
//! and groups given access to the administrator portal. A user named in a body (by user name,
//! or a Windows account by name) that does not exist is a 1100; a user named in the path is a
//! 404. Bodies are the spec's: a `UserInput` names the new user's login in
//! `credentials.userName`, the reset its user in `userName`, a `LocalUserRuleInput` the Windows
//! account or group in `name` (with its `sid`).

use super::organizations::merge;
use super::{Cx, body_text, data, empty, member, missing, patches, referenced, text_at};
use crate::mock::error::{ApiError, Reply};
use crate::mock::patch::{self, Schema};
use crate::mock::state::{self, Kind, User};
use crate::mock::{Delivery, Trigger};
use serde_json::{Value, json};

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 409,
        method: "POST",
        path: "/users",
        trigger: "a `credentials.userName` another user has",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 403,
        method: "DELETE",
        path: "/users/{userUid}",
        trigger: "the main portal administrator (`adminUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1100,
        method: "POST",
        path: "/users/resetpassword",
        trigger: "a `userName` no user has",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1100,
        method: "POST",
        path: "/users/serviceProvider/localUserRule",
        trigger: "a Windows account or group `name` the console's domain does not know",
        delivery: Delivery::Answer,
    },
];

/// The Windows accounts and groups of the mock console's machine and domain, with the type a
/// rule for them has (`LocalUserRuleTypeReadOnly`).
const WINDOWS_PRINCIPALS: &[(&str, &str)] = &[
    ("MOCK\\Administrator", "winNTUser"),
    ("MOCK\\Administrators", "winNTGroup"),
    ("MOCK\\Backup Operators", "winNTGroup"),
    ("MOCK\\svc-vspc", "winNTUser"),
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let result = match (cx.method(), cx.path()) {
        ("POST", "/users") => create_user(cx),
        ("PATCH", "/users/{userUid}") => patch_user(cx),
        ("DELETE", "/users/{userUid}") => delete_user(cx),
        ("POST", "/users/resetpassword") => reset_password(cx),
        ("POST", "/users/serviceProvider/localUserRule") => local_user_rule(cx),
        _ => return None,
    };
    Some(result)
}

/// `POST /users` with a `UserInput`: the login and password in `credentials`.
fn create_user(cx: &mut Cx) -> Result<Reply, ApiError> {
    let body = cx.body();
    referenced(cx.state, &body, "organizationUid", Some(Kind::Organization))?;
    let login = text_at(&body, &["credentials", "userName"]);
    if cx.state.user_by_login(&login).is_some() {
        return Err(ApiError::conflict(format!(
            "User with login '{login}' already exists."
        )));
    }
    let organization =
        crate::mock::ids::parse_uuid(&body_text(&body, "organizationUid")).unwrap_or_default();
    let mut doc = state::user_doc(
        &cx.console.ids.uuid(),
        &organization,
        &login,
        &body_text(&body, "role"),
    );
    merge(
        &mut doc,
        &body,
        &state::USER,
        &["organizationUid", "login", "password", "credentials"],
    );
    let password = text_at(&body, &["credentials", "password"]);
    cx.state.users.push(User {
        doc: doc.clone(),
        password,
    });
    Ok(data(doc))
}

fn patch_user(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = cx.id("userUid");
    let index = cx
        .state
        .users
        .iter()
        .position(|u| state::uid(&u.doc) == uid);
    let Some(index) = index else {
        return Err(missing("userUid", &uid));
    };
    let patched = patch::apply(
        &cx.state.users[index].doc,
        patches(cx.request),
        Schema::Model(&state::USER),
    )?;
    cx.state.users[index].doc = patched.clone();
    Ok(data(patched))
}

fn delete_user(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = cx.id("userUid");
    if uid == state::ADMIN_UID {
        return Err(ApiError::forbidden(
            "The main portal administrator cannot be deleted.",
        ));
    }
    cx.state.users.retain(|u| state::uid(&u.doc) != uid);
    cx.state.logins.retain(|l| l.user_uid != uid);
    cx.console.tokens.revoke_user(&uid);
    Ok(empty())
}

/// `POST /users/resetpassword`: the console mails a reset code to the user with this
/// `userName` (at `email`).
fn reset_password(cx: &mut Cx) -> Result<Reply, ApiError> {
    let login = body_text(&cx.body(), "userName");
    if cx.state.user_by_login(&login).is_none() {
        return Err(ApiError::custom(
            1100,
            format!("Specified user does not exist: no user has the login '{login}'."),
        ));
    }
    Ok(empty())
}

/// `POST /users/serviceProvider/localUserRule`: a Windows account or group of the console's
/// machine or domain gets access to the administrator portal.
fn local_user_rule(cx: &mut Cx) -> Result<Reply, ApiError> {
    let body = cx.body();
    let name = body_text(&body, "name");
    let Some((known, kind)) = WINDOWS_PRINCIPALS
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(&name))
    else {
        return Err(ApiError::custom(
            1100,
            format!(
                "Specified user does not exist: Windows account or group '{name}' was not found."
            ),
        ));
    };
    let mut rule = json!({"instanceUid": cx.console.ids.uuid(), "sid": body_text(&body, "sid"),
                          "name": known, "type": kind, "roleType": "portalAdministrator",
                          "contextType": "machine", "scope": [], "mfaPolicyStatus": "disabled",
                          "description": null, "enabled": true, "hasAccessToProvider": null});
    merge(&mut rule, &body, &state::LOCAL_USER_RULE, &["name", "type"]);
    if let Some(scope) = member(&body, &["scope"]).filter(|s| s.is_array()) {
        rule["scope"] = Value::clone(scope);
    }
    Ok(data(rule))
}
