//! Stage 5, the operation against the state.
//!
//! First, mock-only, `X-Mock-Fault: <code>` makes the operation fail as a server would: 500,
//! 504 or any custom code (>= 1000) of the catalogue. Then every UUID (and integer) path
//! parameter must name an existing resource, parent first: a 404 names the resource, derived from
//! the parameter (`backupAgentUid` -> `Backup agent with UID '...' does not exist.`). Kinds the
//! state does not model never exist. Then the modelled operations (token, companies, locations,
//! users, async actions) run against the state, and every other operation gets a plausible
//! generic success. Heavy operations ([`is_heavy`]) take [`ThrottleConfig::heavy_service_time`].
//!
//! [`ThrottleConfig::heavy_service_time`]: super::ThrottleConfig::heavy_service_time

use super::Console;
use super::auth::Principal;
use super::error::{ApiError, Reply};
use super::patch::{self, Schema};
use super::state::{self, AsyncAction, Kind, Model, State, User};
use super::validate::{Body, Valid};
use crate::contract::{Contract, ErrorType, Operation};
use serde_json::{Map, Value, json};

/// The mock-only request header that makes the operation fail with a server-side code.
pub const FAULT_HEADER: &str = "x-mock-fault";

/// Heavy operations: the GETs of usage reports (any path with a `usage` segment, e.g.
/// `GET /organizations/companies/usage`), which the console computes on demand. They hold their
/// throttling slot for the configured service time, so a burst of them is throttled.
pub fn is_heavy(operation: &Operation) -> bool {
    operation.method == "GET" && operation.path.split('/').any(|segment| segment == "usage")
}

/// The stage.
pub async fn operate(
    console: &Console,
    principal: Option<&Principal>,
    request: &Valid,
) -> Result<Reply, ApiError> {
    fault(request)?;
    let reply = if request.operation.anonymous {
        token(console, request)
    } else {
        let mut state = console.state();
        check_path_resources(&state, request)?;
        dispatch(console, &mut state, principal, request)
    }?;
    if is_heavy(request.operation) {
        tokio::time::sleep(console.throttle.heavy_service_time()).await;
    }
    Ok(reply)
}

/// `X-Mock-Fault`: 500, 504 or a custom code of the catalogue.
fn fault(request: &Valid) -> Result<(), ApiError> {
    let Some(value) = request.headers.get(FAULT_HEADER) else {
        return Ok(());
    };
    let code = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok());
    let info = code
        .filter(|&c| c >= 500)
        .and_then(|c| Contract::get().code(c));
    match (code, info) {
        (Some(500), _) => Err(ApiError::unspecified()),
        (Some(504), _) => Err(ApiError::server_unreachable()),
        (Some(code), Some(info)) if code >= 1000 => Err(ApiError::custom(
            code,
            fault_type(code),
            info.description.clone(),
        )),
        _ => Err(ApiError::bad_parameter(
            "X-Mock-Fault",
            "Property value must be 500, 504 or a custom error code (1000 and above) of the catalogue.",
        )),
    }
}

/// The type of a custom code: `retryableLogical` where waiting can help, else `logical`.
pub fn fault_type(code: u16) -> ErrorType {
    match code {
        1000 | 1051 | 1251 | 1253 | 1301 | 4002 | 5002 | 5004 => ErrorType::RetryableLogical,
        _ => ErrorType::Logical,
    }
}

/// `backupAgentUid` -> (`Backup agent`, `UID`); `actionId` -> (`Async action`, `ID`).
pub fn resource_name(parameter: &str) -> (String, &'static str) {
    if parameter == "actionId" {
        return ("Async action".to_string(), "ID");
    }
    let (stem, label) = if let Some(stem) = parameter.strip_suffix("Uid") {
        (stem, "UID")
    } else if let Some(stem) = parameter.strip_suffix("Id") {
        (stem, "ID")
    } else {
        (parameter, "ID")
    };
    let mut words = String::new();
    for (i, c) in stem.chars().enumerate() {
        if i == 0 {
            words.extend(c.to_uppercase());
        } else if c.is_ascii_uppercase() {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    (words, label)
}

fn missing(parameter: &str, id: &str) -> ApiError {
    let (resource, label) = resource_name(parameter);
    ApiError::missing_resource(&resource, label, id)
}

fn check_path_resources(state: &State, request: &Valid) -> Result<(), ApiError> {
    for parameter in &request.operation.path_parameters {
        let Some(value) = request.path_parameter(&parameter.name) else {
            continue;
        };
        let exists = match (
            parameter.format.as_str(),
            Kind::of_parameter(&parameter.name),
        ) {
            ("uuid", Some(kind)) => state.exists(kind, value),
            ("uuid" | "integer", _) => false,
            _ => true,
        };
        if !exists {
            return Err(missing(&parameter.name, value));
        }
    }
    Ok(())
}

fn dispatch(
    console: &Console,
    state: &mut State,
    principal: Option<&Principal>,
    request: &Valid,
) -> Result<Reply, ApiError> {
    let op = request.operation;
    let id = |name: &str| request.path_parameter(name).unwrap_or_default().to_string();
    match (op.method.as_str(), op.path.as_str()) {
        ("GET", "/about") => Ok(data(json!({
            "serverVersion": "9.1.0.0", "installationId": state::PROVIDER_UID, "apiVersion": "3.6.1",
            "environment": "mock"}))),
        ("GET", "/users/me") => {
            let me = principal
                .and_then(|p| state.user(&p.user_uid))
                .map(|u| u.doc.clone());
            Ok(data(me.unwrap_or(Value::Null)))
        }
        ("GET", "/asyncActions") => {
            let all: Vec<Value> = state.actions.iter().map(|a| a.doc.clone()).collect();
            Ok(page(all, request))
        }
        ("GET", "/asyncActions/config") => Ok(data(json!({"resultRetentionTime": 86400}))),
        ("GET", "/asyncActions/{actionId}") => {
            let action = action(state, &id("actionId"))?;
            let mut body = json!({"data": action.doc});
            if let (Some((code, message)), "failed") = (&action.error, status_of(action)) {
                let error = ApiError::custom(*code, fault_type(*code), message.clone());
                if let ApiError::Vspc(e) = error {
                    body["errors"] = json!([e.to_json()]);
                }
            }
            Ok(Reply::ok(body))
        }
        ("GET", "/asyncActions/{actionId}/result") => {
            action_result(action(state, &id("actionId"))?)
        }
        ("DELETE", "/asyncActions/{actionId}") => cancel_action(state, &id("actionId")),
        ("POST", "/organizations/companies") => create_company(console, state, request),
        ("PATCH", "/organizations/companies/{companyUid}") => {
            patch_company(state, request, &id("companyUid"))
        }
        ("DELETE", "/organizations/companies/{companyUid}") => {
            let uid = id("companyUid");
            state.companies.retain(|c| state::uid(c) != uid);
            state
                .locations
                .retain(|l| l["organizationUid"] != uid.as_str());
            let gone: Vec<String> = state
                .users
                .iter()
                .filter(|u| u.doc["organizationUid"] == uid.as_str())
                .map(|u| state::uid(&u.doc).to_string())
                .collect();
            state
                .users
                .retain(|u| u.doc["organizationUid"] != uid.as_str());
            gone.iter()
                .for_each(|user| console.tokens.revoke_user(user));
            Ok(empty())
        }
        ("POST", "/organizations/locations") => create_location(console, state, request),
        ("PATCH", "/organizations/locations/{locationUid}") => {
            patch_location(state, request, &id("locationUid"))
        }
        ("DELETE", "/organizations/locations/{locationUid}") => {
            delete_location(state, &id("locationUid"))
        }
        ("POST", "/users") => create_user(console, state, request),
        ("PATCH", "/users/{userUid}") => {
            let uid = id("userUid");
            let index = state.users.iter().position(|u| state::uid(&u.doc) == uid);
            let Some(index) = index else {
                return Err(missing("userUid", &uid));
            };
            let patched = patch::apply(
                &state.users[index].doc,
                patches(request),
                Schema::Model(&state::USER),
            )?;
            state.users[index].doc = patched.clone();
            Ok(data(patched))
        }
        ("DELETE", "/users/{userUid}") => {
            let uid = id("userUid");
            if uid == state::ADMIN_UID {
                return Err(ApiError::forbidden(
                    "The main portal administrator cannot be deleted.",
                ));
            }
            state.users.retain(|u| state::uid(&u.doc) != uid);
            console.tokens.revoke_user(&uid);
            Ok(empty())
        }
        _ => generic(console, state, request),
    }
}

fn data(value: Value) -> Reply {
    Reply::ok(json!({ "data": value }))
}

fn empty() -> Reply {
    data(json!({}))
}

fn patches(request: &Valid) -> &[Value] {
    match &request.body {
        Body::Patch(operations) => operations,
        _ => &[],
    }
}

fn json_body(request: &Valid) -> Map<String, Value> {
    match &request.body {
        Body::Json(object) => object.clone(),
        _ => Map::new(),
    }
}

/// A page of a collection: `limit` (default 100) items from `offset` (default 0).
fn page(items: Vec<Value>, request: &Valid) -> Reply {
    let total = items.len();
    let offset = request.query.offset.unwrap_or(0).max(0) as usize;
    let limit = request.query.limit.unwrap_or(100).max(0) as usize;
    let data: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    Reply::ok(json!({
        "meta": {"pagingInfo": {"total": total, "count": data.len(), "offset": offset}},
        "data": data,
    }))
}

fn action<'a>(state: &'a State, id: &str) -> Result<&'a AsyncAction, ApiError> {
    state.action(id).ok_or_else(|| missing("actionId", id))
}

fn status_of(action: &AsyncAction) -> &str {
    action.doc["status"].as_str().unwrap_or_default()
}

fn action_result(action: &AsyncAction) -> Result<Reply, ApiError> {
    let id = action.doc["id"].as_str().unwrap_or_default();
    match (status_of(action), &action.error) {
        ("succeed", _) => Ok(data(action.result.clone())),
        ("running", _) => Err(ApiError::custom(
            1000,
            ErrorType::RetryableLogical,
            format!("The async action '{id}' is still running; its result is not available yet."),
        )),
        (_, Some((code, message))) => {
            Err(ApiError::custom(*code, fault_type(*code), message.clone()))
        }
        (status, None) => Err(ApiError::custom(
            1000,
            ErrorType::RetryableLogical,
            format!("The async action '{id}' has no result ({status})."),
        )),
    }
}

/// `DELETE /asyncActions/{actionId}` cancels a running action; a finished one cannot be canceled.
fn cancel_action(state: &mut State, id: &str) -> Result<Reply, ApiError> {
    let Some(action) = state.actions.iter_mut().find(|a| a.doc["id"] == id) else {
        return Err(missing("actionId", id));
    };
    if status_of(action) != "running" {
        return Err(ApiError::custom(
            1000,
            ErrorType::RetryableLogical,
            format!("The async action '{id}' has already finished and cannot be canceled."),
        ));
    }
    action.doc["status"] = json!("canceled");
    action.error = Some((1050, "The async action was canceled by a user.".to_string()));
    Ok(data(action.doc.clone()))
}

/// A body UUID property that must name an existing resource of the state, or none at all.
fn referenced(
    state: &State,
    body: &Map<String, Value>,
    property: &str,
    kind: Option<Kind>,
) -> Result<(), ApiError> {
    let Some(raw) = body
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(property))
        .and_then(|(_, v)| v.as_str())
    else {
        return Ok(());
    };
    let id = super::ids::parse_uuid(raw).unwrap_or_else(|| raw.to_string());
    match kind {
        Some(kind) if state.exists(kind, &id) => Ok(()),
        _ => Err(missing(property, &id)),
    }
}

fn body_text(body: &Map<String, Value>, property: &str) -> String {
    body.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(property))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn create_company(
    console: &Console,
    state: &mut State,
    request: &Valid,
) -> Result<Reply, ApiError> {
    let body = json_body(request);
    let name = body_text(&body, "name");
    if let Some(existing) = state.company_named(&name) {
        return Err(ApiError::conflict(format!(
            "Company with name '{}' already exists (UID '{}').",
            existing["name"].as_str().unwrap_or_default(),
            state::uid(existing)
        )));
    }
    referenced(state, &body, "resellerUid", None)?;
    referenced(state, &body, "subscriptionPlanUid", None)?;
    let uid = console.ids.uuid();
    let mut company = state::company_doc(&uid, &name, &body);
    company["name"] = json!(name);
    // A company always has a location: the console creates a default one with it.
    state.locations.push(state::location_doc(
        &console.ids.uuid(),
        &uid,
        &name,
        "default",
    ));
    state.companies.push(company.clone());
    Ok(data(company))
}

fn patch_company(state: &mut State, request: &Valid, uid: &str) -> Result<Reply, ApiError> {
    let Some(index) = state.companies.iter().position(|c| state::uid(c) == uid) else {
        return Err(missing("companyUid", uid));
    };
    let patched = patch::apply(
        &state.companies[index],
        patches(request),
        Schema::Model(&state::COMPANY),
    )?;
    let name = patched["name"].as_str().unwrap_or_default();
    if let Some(other) = state.company_named(name).filter(|c| state::uid(c) != uid) {
        return Err(ApiError::conflict(format!(
            "Company with name '{}' already exists (UID '{}').",
            other["name"].as_str().unwrap_or_default(),
            state::uid(other)
        )));
    }
    state.companies[index] = patched.clone();
    Ok(data(patched))
}

fn location_conflict(
    state: &State,
    organization: &str,
    name: &str,
    except: &str,
) -> Result<(), ApiError> {
    let clash = state.locations.iter().any(|l| {
        l["organizationUid"] == organization
            && state::uid(l) != except
            && l["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
    });
    if clash {
        return Err(ApiError::conflict(format!(
            "Location with name '{name}' already exists in organization '{organization}'."
        )));
    }
    Ok(())
}

fn create_location(
    console: &Console,
    state: &mut State,
    request: &Valid,
) -> Result<Reply, ApiError> {
    let body = json_body(request);
    referenced(state, &body, "organizationUid", Some(Kind::Organization))?;
    let organization =
        super::ids::parse_uuid(&body_text(&body, "organizationUid")).unwrap_or_default();
    let name = body_text(&body, "name");
    location_conflict(state, &organization, &name, "")?;
    let mut location = state::location_doc(&console.ids.uuid(), &organization, &name, "custom");
    merge(
        &mut location,
        &body,
        &state::LOCATION,
        &["organizationUid", "name"],
    );
    state.locations.push(location.clone());
    Ok(data(location))
}

fn patch_location(state: &mut State, request: &Valid, uid: &str) -> Result<Reply, ApiError> {
    let Some(index) = state.locations.iter().position(|l| state::uid(l) == uid) else {
        return Err(missing("locationUid", uid));
    };
    let patched = patch::apply(
        &state.locations[index],
        patches(request),
        Schema::Model(&state::LOCATION),
    )?;
    let organization = patched["organizationUid"].as_str().unwrap_or_default();
    location_conflict(
        state,
        organization,
        patched["name"].as_str().unwrap_or_default(),
        uid,
    )?;
    state.locations[index] = patched.clone();
    Ok(data(patched))
}

/// A company must keep one location: deleting its last one is a 1500.
fn delete_location(state: &mut State, uid: &str) -> Result<Reply, ApiError> {
    let Some(location) = state.location(uid) else {
        return Err(missing("locationUid", uid));
    };
    let organization = location["organizationUid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if state.locations_of(&organization).len() <= 1 {
        return Err(ApiError::custom(
            1500,
            ErrorType::Logical,
            format!(
                "Location '{}' cannot be deleted: a company must have at least one location.",
                location["name"].as_str().unwrap_or_default()
            ),
        ));
    }
    state.locations.retain(|l| state::uid(l) != uid);
    Ok(empty())
}

fn create_user(console: &Console, state: &mut State, request: &Valid) -> Result<Reply, ApiError> {
    let body = json_body(request);
    referenced(state, &body, "organizationUid", Some(Kind::Organization))?;
    let login = body_text(&body, "login");
    if state.user_by_login(&login).is_some() {
        return Err(ApiError::conflict(format!(
            "User with login '{login}' already exists."
        )));
    }
    let organization =
        super::ids::parse_uuid(&body_text(&body, "organizationUid")).unwrap_or_default();
    let mut doc = state::user_doc(
        &console.ids.uuid(),
        &organization,
        &login,
        &body_text(&body, "role"),
    );
    merge(
        &mut doc,
        &body,
        &state::USER,
        &["organizationUid", "login", "password"],
    );
    let password = body_text(&body, "password");
    state.users.push(User {
        doc: doc.clone(),
        password,
    });
    Ok(data(doc))
}

/// Copies the model's properties from the body, except those already set from it.
fn merge(doc: &mut Value, body: &Map<String, Value>, model: &Model, except: &[&str]) {
    let rest: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| !except.iter().any(|e| e.eq_ignore_ascii_case(k)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    state::merge_known(doc, &rest, model);
}

/// Every operation the state does not model: a plausible success.
fn generic(console: &Console, state: &State, request: &Valid) -> Result<Reply, ApiError> {
    let op = request.operation;
    let ids: Map<String, Value> = request
        .path
        .iter()
        .map(|(name, value)| (name.to_string(), json!(value)))
        .collect();
    match op.method.as_str() {
        "GET" if op.collection => Ok(page(collection(state, request), request)),
        "GET" => {
            // The item itself when the path ends with a modelled parameter, else an object
            // that says which resources it belongs to.
            let last = op.path.rsplit('/').next().unwrap_or_default();
            let item = request.path.last().and_then(|(name, value)| {
                let kind = Kind::of_parameter(name)?;
                (last == format!("{{{name}}}"))
                    .then(|| state.representation(kind, value))
                    .flatten()
            });
            Ok(data(item.unwrap_or(Value::Object(ids))))
        }
        "POST" | "PUT" if matches!(request.body, Body::Bytes(_)) => {
            let size = if let Body::Bytes(bytes) = &request.body {
                bytes.len()
            } else {
                0
            };
            Ok(data(json!({"receivedBytes": size})))
        }
        "POST" | "PUT" => {
            let mut echoed = json_body(request);
            let creates = Contract::get()
                .operations()
                .get("GET", &op.path)
                .is_some_and(|get| get.collection);
            if creates && !echoed.contains_key("instanceUid") {
                echoed.insert("instanceUid".into(), json!(console.ids.uuid()));
            }
            Ok(data(Value::Object(echoed)))
        }
        "PATCH" => Ok(data(patch::apply(
            &Value::Object(ids),
            patches(request),
            Schema::Open,
        )?)),
        _ => Ok(empty()),
    }
}

/// The modelled collections; every other collection is empty.
fn collection(state: &State, request: &Valid) -> Vec<Value> {
    let organization = request
        .path_parameter("organizationUid")
        .unwrap_or_default();
    match request.operation.path.as_str() {
        "/organizations/companies" => state.companies.clone(),
        "/organizations/locations" => state.locations.clone(),
        "/users" => state.users.iter().map(|u| u.doc.clone()).collect(),
        "/organizations/{organizationUid}/locations" => state.locations_of(organization),
        "/organizations/{organizationUid}/users" => state.users_of(organization),
        "/organizations/locations/{locationUid}/users" => {
            let location = request
                .path_parameter("locationUid")
                .and_then(|l| state.location(l));
            let organization = location
                .and_then(|l| l["organizationUid"].as_str())
                .unwrap_or_default();
            state.users_of(organization)
        }
        _ => Vec::new(),
    }
}

/// `POST /token`: the OAuth2 grants the mock supports (`password`, `refresh_token`, `as`);
/// the others are known but no credential of theirs is ever valid here.
fn token(console: &Console, request: &Valid) -> Result<Reply, ApiError> {
    let Body::Form(form) = &request.body else {
        return Err(ApiError::oauth2(
            "invalid_request",
            "The request body must be a form.",
        ));
    };
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let read_only = match field("readOnly") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("true") => true,
        Some(v) if v.eq_ignore_ascii_case("false") => false,
        Some(_) => {
            return Err(ApiError::oauth2(
                "invalid_request",
                "The readOnly parameter must be true or false.",
            ));
        }
    };
    let require = |name: &str| {
        field(name).ok_or_else(|| {
            ApiError::oauth2(
                "invalid_request",
                format!("The {name} parameter is required."),
            )
        })
    };
    let principal = match require("grant_type")? {
        "password" => {
            const WRONG: &str = "Cannot complete login due to incorrect username or password, or no sufficient rights.";
            let (username, password) = (require("username")?, require("password")?);
            let state = console.state();
            let user = state
                .user_by_login(username)
                .filter(|u| u.password == password);
            let user = user.ok_or_else(|| ApiError::oauth2("invalid_request", WRONG))?;
            Principal {
                user_uid: state::uid(&user.doc).to_string(),
                read_only,
            }
        }
        "refresh_token" => {
            let granted = console.tokens.redeem_refresh(require("refresh_token")?);
            let granted = granted
                .filter(|p| console.state().user(&p.user_uid).is_some())
                .ok_or_else(|| {
                    ApiError::oauth2(
                        "invalid_grant",
                        "The refresh token is invalid or has expired.",
                    )
                })?;
            Principal {
                read_only: granted.read_only || read_only,
                ..granted
            }
        }
        "as" => {
            let (refresh, user) = (require("refresh_token")?, require("userUid")?);
            let granted = console.tokens.redeem_refresh(refresh);
            let granted = granted.ok_or_else(|| {
                ApiError::oauth2(
                    "invalid_grant",
                    "The refresh token is invalid or has expired.",
                )
            })?;
            let uid = super::ids::parse_uuid(user).filter(|u| console.state().user(u).is_some());
            let uid = uid.ok_or_else(|| {
                ApiError::oauth2("invalid_grant", "The user to act as does not exist.")
            })?;
            Principal {
                user_uid: uid,
                read_only: granted.read_only || read_only,
            }
        }
        "authorization_code" => {
            require("code")?;
            return Err(ApiError::oauth2(
                "invalid_grant",
                "The authorization code is invalid or has expired.",
            ));
        }
        "public_key" => {
            require("public_key")?;
            return Err(ApiError::oauth2(
                "invalid_grant",
                "The public key is not assigned to any user.",
            ));
        }
        "mfa" => {
            require("mfa_token")?;
            return Err(ApiError::oauth2(
                "invalid_grant",
                "The MFA token is invalid or has expired.",
            ));
        }
        other => {
            return Err(ApiError::oauth2(
                "unsupported_grant_type",
                format!("Grant type '{other}' is not supported."),
            ));
        }
    };
    let issued = console.tokens.issue(principal);
    Ok(Reply::ok(json!({
        "access_token": issued.access_token,
        "token_type": "bearer",
        "refresh_token": issued.refresh_token,
        "mfa_token": null,
        "encrypted_code": null,
        "expires_in": issued.expires_in,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_read_like_the_console() {
        assert_eq!(resource_name("companyUid"), ("Company".to_string(), "UID"));
        assert_eq!(
            resource_name("backupAgentUid"),
            ("Backup agent".to_string(), "UID")
        );
        assert_eq!(
            resource_name("vb365ResourceUid"),
            ("Vb365 resource".to_string(), "UID")
        );
        assert_eq!(
            resource_name("actionId"),
            ("Async action".to_string(), "ID")
        );
        assert_eq!(
            resource_name("userLoginId"),
            ("User login".to_string(), "ID")
        );
    }

    #[test]
    fn heavy_operations_are_the_usage_reports() {
        let ops = Contract::get().operations();
        assert!(is_heavy(
            ops.get("GET", "/organizations/companies/usage").unwrap()
        ));
        assert!(!is_heavy(
            ops.get("GET", "/organizations/companies").unwrap()
        ));
        assert!(!is_heavy(
            ops.get(
                "POST",
                "/organizations/companies/{companyUid}/billing/generateQuotaUsageReport"
            )
            .unwrap()
        ));
    }

    #[test]
    fn every_custom_code_the_mock_can_emit_is_in_the_catalogue() {
        let contract = Contract::get();
        for code in [1000, 1050, 1051, 1500] {
            assert!(contract.code(code).is_some(), "{code}");
        }
        for info in contract.codes().filter(|c| c.code >= 1000) {
            if let Some(usual) = info.usual_type {
                assert_eq!(fault_type(info.code), usual, "{}", info.code);
            }
        }
    }
}
