//! Stage 5, the operation against the state.
//!
//! First, mock-only, `X-Mock-Fault: 500` or `504` makes the operation fail as a server would.
//! Then every UUID (and integer) path parameter must name an existing resource, parent first: a
//! 404 names the resource, derived from the parameter (`backupAgentUid` -> `Backup agent with
//! UID '...' does not exist.`). Kinds the state does not model never exist. Then the operation
//! runs in the module of its area, against the state; an operation no area models gets a
//! plausible generic success.
//!
//! Long operations ([`is_long`]: deployments, updates and patches, license updates and
//! installs, CBT driver installs, failovers) answer `202 Accepted` with the `Location` of an
//! async action (`async_actions.rs`); what the console can refuse at once (an update already
//! running, an agent already up to date) is refused at once, what goes wrong while the action
//! runs is the action's result. `X-Request-id` names the action; sending the same long request
//! again with it answers the same action.
//!
//! Heavy operations ([`is_heavy`]) take [`ThrottleConfig::heavy_service_time`].
//!
//! [`ThrottleConfig::heavy_service_time`]: super::ThrottleConfig::heavy_service_time

mod agents;
mod async_actions;
mod deployment;
mod identity;
mod identity_providers;
mod infrastructure;
mod licensing;
mod organizations;
mod token;
mod users;

use super::auth::Principal;
use super::error::{ApiError, Reply};
use super::patch::{self, Schema};
use super::route::is_token_endpoint;
use super::state::{self, AsyncAction, Kind, Plan, State};
use super::validate::{Body, Valid};
use super::{Console, Delivery, Trigger};
use crate::contract::Operation;
use serde_json::{Map, Value, json};
use std::time::Instant;

/// The mock-only request header that makes the operation fail with 500 or 504.
pub const FAULT_HEADER: &str = "x-mock-fault";

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 404,
        method: "*",
        path: "*",
        trigger: "a UUID or integer path parameter naming nothing (`Company with UID '...' does not exist.`), parent first; kinds the state does not model never exist",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 500,
        method: "*",
        path: "*",
        trigger: "mock-only: header `X-Mock-Fault: 500` (a real console ignores it)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 504,
        method: "*",
        path: "*",
        trigger: "mock-only: header `X-Mock-Fault: 504` (a real console ignores it)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 400,
        method: "*",
        path: "*",
        trigger: "an `X-Mock-Fault` other than 500 or 504; an `X-Request-id` that is not a UUID (`parameterName: X-Request-id`)",
        delivery: Delivery::Answer,
    },
];

/// The triggers of this stage and of every area.
pub(super) fn triggers() -> impl Iterator<Item = Trigger> {
    [
        TRIGGERS,
        async_actions::TRIGGERS,
        organizations::TRIGGERS,
        users::TRIGGERS,
        identity::TRIGGERS,
        identity_providers::TRIGGERS,
        licensing::TRIGGERS,
        deployment::TRIGGERS,
        agents::TRIGGERS,
        infrastructure::TRIGGERS,
    ]
    .into_iter()
    .flatten()
    .copied()
}

/// Heavy operations: the GETs of usage reports (any path with a `usage` segment, e.g.
/// `GET /organizations/companies/usage`), which the console computes on demand. They hold their
/// throttling slot for the configured service time, so a burst of them is throttled.
pub fn is_heavy(operation: &Operation) -> bool {
    operation.method == "GET" && operation.path.split('/').any(|segment| segment == "usage")
}

/// The operations that run as async actions: a success answers `202 Accepted`.
const LONG_OPERATIONS: &[(&str, &str)] = &[
    (
        "POST",
        "/discovery/computers/{computerUid}/installBackupAgent",
    ),
    (
        "POST",
        "/discovery/computers/{computerUid}/installLinuxBackupAgent",
    ),
    (
        "POST",
        "/discovery/computers/{computerUid}/installBackupServer",
    ),
    (
        "POST",
        "/discovery/computers/{computerUid}/installVOneServer",
    ),
    ("POST", "/deployment/deploy/{deploymentTaskUid}/wait"),
    (
        "POST",
        "/discovery/computers/{computerUid}/scheduledDeploymentTasks/{taskUid}/start",
    ),
    (
        "POST",
        "/infrastructure/managementAgents/{managementAgentUid}/scheduledDeploymentTasks/{taskUid}/start",
    ),
    (
        "POST",
        "/infrastructure/backupServers/{backupServerUid}/upgrade",
    ),
    (
        "POST",
        "/infrastructure/backupServers/{backupServerUid}/patch",
    ),
    (
        "POST",
        "/infrastructure/voneServers/{vOneServerUid}/upgrade",
    ),
    (
        "POST",
        "/infrastructure/backupAgents/windows/{backupAgentUid}/update",
    ),
    (
        "POST",
        "/infrastructure/backupAgents/linux/{backupAgentUid}/update",
    ),
    (
        "POST",
        "/infrastructure/backupAgents/mac/{backupAgentUid}/update",
    ),
    (
        "POST",
        "/infrastructure/backupAgents/windows/{backupAgentUid}/installCbtDriver",
    ),
    (
        "POST",
        "/infrastructure/backupAgents/windows/{backupAgentUid}/uninstallCbtDriver",
    ),
    ("POST", "/licensing/console/update"),
    ("PUT", "/licensing/console"),
    ("POST", "/licensing/backupServers/{backupServerUid}/update"),
    ("PUT", "/licensing/backupServers/{backupServerUid}"),
    ("POST", "/licensing/sites/{siteUid}/update"),
    ("PUT", "/licensing/sites/{siteUid}"),
    ("POST", "/licensing/vb365Servers/{vb365ServerUid}/update"),
    ("PUT", "/licensing/vb365Servers/{vb365ServerUid}"),
    ("POST", "/licensing/voneServers/{vOneServerUid}/update"),
    ("PUT", "/licensing/voneServers/{vOneServerUid}"),
    (
        "POST",
        "/infrastructure/backupServers/failoverplans/{planUid}/start",
    ),
    (
        "POST",
        "/infrastructure/backupServers/failoverplans/{planUid}/undo",
    ),
];

/// Long operations: they answer `202 Accepted` and run as an async action.
pub fn is_long(operation: &Operation) -> bool {
    LONG_OPERATIONS
        .iter()
        .any(|(method, path)| operation.method == *method && operation.path == *path)
}

/// The stage.
pub async fn operate(
    console: &Console,
    principal: Option<&Principal>,
    request: &Valid,
) -> Result<Reply, ApiError> {
    fault(request)?;
    let reply = if is_token_endpoint(request.operation) {
        token::token(console, request)
    } else {
        let mut state = console.state();
        state.settle(Instant::now(), &console.config.async_actions);
        check_path_resources(&state, request.operation, &request.path)?;
        let mut cx = Cx {
            console,
            state: &mut state,
            principal,
            request,
        };
        dispatch(&mut cx)
    }?;
    if is_heavy(request.operation) {
        tokio::time::sleep(console.throttle.heavy_service_time()).await;
    }
    Ok(reply)
}

/// `X-Mock-Fault`: 500 or 504.
fn fault(request: &Valid) -> Result<(), ApiError> {
    let Some(value) = request.headers.get(FAULT_HEADER) else {
        return Ok(());
    };
    match value.to_str().map(str::trim) {
        Ok("500") => Err(ApiError::unspecified()),
        Ok("504") => Err(ApiError::server_unreachable()),
        _ => Err(ApiError::bad_parameter(
            "X-Mock-Fault",
            "Property value must be 500 or 504.",
        )),
    }
}

/// `backupAgentUid` -> (`Backup agent`, `UID`); `actionId` -> (`Async action`, `ID`).
pub fn resource_name(parameter: &str) -> (String, &'static str) {
    match parameter {
        "actionId" => return ("Async action".to_string(), "ID"),
        "vOneServerUid" => return ("Veeam ONE server".to_string(), "UID"),
        "planUid" => return ("Failover plan".to_string(), "UID"),
        _ => {}
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

pub(super) fn missing(parameter: &str, id: &str) -> ApiError {
    let (resource, label) = resource_name(parameter);
    ApiError::missing_resource(&resource, label, id)
}

/// [`check_path_resources`] before the operation stage, for a personality that looks the
/// path's ids up before it validates the rest ([`super::Choice::ExistenceBeforeValidation`]).
pub(super) fn path_resources_exist(
    console: &Console,
    operation: &Operation,
    path: &[(&'static str, String)],
) -> Result<(), ApiError> {
    if operation.anonymous {
        return Ok(());
    }
    let mut state = console.state();
    state.settle(Instant::now(), &console.config.async_actions);
    check_path_resources(&state, operation, path)
}

/// Every UUID and integer path parameter names an existing resource; a backup agent job must
/// also belong to the agent of the path.
fn check_path_resources(
    state: &State,
    operation: &Operation,
    path: &[(&'static str, String)],
) -> Result<(), ApiError> {
    let path_parameter = |name: &str| {
        path.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    for parameter in &operation.path_parameters {
        let Some(value) = path_parameter(&parameter.name) else {
            continue;
        };
        let kind = Kind::of_parameter(&parameter.name);
        let exists = match (parameter.format, kind) {
            ("uuid" | "integer", Some(kind)) => state.exists(kind, value),
            ("uuid" | "integer", None) => false,
            _ => true,
        };
        let belongs = match kind {
            Some(Kind::BackupAgentJob) => path_parameter("backupAgentUid").is_none_or(|agent| {
                state
                    .resource(Kind::BackupAgentJob, value)
                    .is_some_and(|job| job["backupAgentUid"] == agent)
            }),
            _ => true,
        };
        if !exists || !belongs {
            return Err(missing(&parameter.name, value));
        }
    }
    Ok(())
}

/// What an operation works with: the console, its locked state, who asks, and the request.
pub(super) struct Cx<'a> {
    pub console: &'a Console,
    pub state: &'a mut State,
    pub principal: Option<&'a Principal>,
    pub request: &'a Valid,
}

impl Cx<'_> {
    pub fn method(&self) -> &str {
        &self.request.operation.method
    }

    pub fn path(&self) -> &str {
        &self.request.operation.path
    }

    /// A path parameter (UUIDs normalised).
    pub fn id(&self, name: &str) -> String {
        self.request
            .path_parameter(name)
            .unwrap_or_default()
            .to_string()
    }

    /// A query parameter, matched case-insensitively as ASP.NET does.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.request
            .query
            .pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body(&self) -> Map<String, Value> {
        json_body(self.request)
    }

    pub fn user_uid(&self) -> &str {
        self.principal.map_or("", |p| p.user_uid.as_str())
    }

    /// Starts the operation as an async action working on `subject` and answers `202
    /// Accepted` with its `Location`. `X-Request-id`, when sent, is the action's id.
    /// A personality that answers long operations synchronously
    /// ([`super::Choice::SynchronousLongOperations`]) answers with the plan's outcome instead.
    pub fn start(&mut self, subject: Option<&str>, plan: Plan) -> Result<Reply, ApiError> {
        if self.console.picks(super::Choice::SynchronousLongOperations) {
            request_id(self.request)?;
            return match plan {
                Plan::Succeed(result) => Ok(data(result)),
                Plan::Fail(code, message) => Err(ApiError::custom(code, message)),
                Plan::Hang => Err(ApiError::custom(
                    1051,
                    format!(
                        "The task took too long to execute and was stopped after {} ms.",
                        self.console.config.async_actions.time_limit.as_millis()
                    ),
                )),
            };
        }
        let id = match request_id(self.request)? {
            Some(id) if self.state.action(&id).is_some() => {
                return Err(ApiError::conflict(format!(
                    "The request ID '{id}' already names another async action."
                )));
            }
            Some(id) => id,
            None => self.console.ids.uuid(),
        };
        let mut doc = state::action_doc(
            &id,
            self.user_uid(),
            action_name(self.request.operation),
            "running",
        );
        doc["queryParameters"] = query_parameters(self.request);
        if let Body::Json(body) = &self.request.body {
            doc["requestBody"] = json!(Value::Object(body.clone()).to_string());
        }
        self.state.actions.push(AsyncAction {
            doc: doc.clone(),
            result: Value::Null,
            error: None,
            subject: subject.map(str::to_string),
            started: Some(Instant::now()),
            plan,
        });
        Ok(accepted(self.console, self.request, doc))
    }
}

/// The `202 Accepted` of an action: its info, and where to follow it.
fn accepted(console: &Console, request: &Valid, doc: Value) -> Reply {
    let host = request
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let id = state::text(&doc, "id").to_string();
    Reply::accepted(
        json!({ "data": doc }),
        format!("{}://{host}/api/v3/asyncActions/{id}", console.scheme()),
    )
}

/// `X-Request-id`, when sent (validation has read it as a UUID).
fn request_id(request: &Valid) -> Result<Option<String>, ApiError> {
    Ok(request.request_id.clone())
}

/// The action's name: the spec's operation id (`InstallCbtDriver`).
fn action_name(operation: &Operation) -> &str {
    &operation.operation_id
}

/// `queryParameters` of an `AsyncActionInfo`: every value of every name.
fn query_parameters(request: &Valid) -> Value {
    let mut map: Map<String, Value> = Map::new();
    for (name, value) in &request.query.pairs {
        let entry = map.entry(name.clone()).or_insert_with(|| json!([]));
        if let Some(values) = entry.as_array_mut() {
            values.push(json!(value));
        }
    }
    Value::Object(map)
}

/// A long request sent again with the `X-Request-id` of its action: the same `202`, whatever
/// the state is now (the console's five-minute idempotence).
fn replay(cx: &Cx) -> Result<Option<Reply>, ApiError> {
    if !is_long(cx.request.operation) {
        return Ok(None);
    }
    let Some(id) = request_id(cx.request)? else {
        return Ok(None);
    };
    let name = action_name(cx.request.operation);
    Ok(cx
        .state
        .action(&id)
        .filter(|a| state::text(&a.doc, "actionName") == name)
        .filter(|a| state::text(&a.doc, "initiatorUid") == cx.user_uid())
        .map(|a| accepted(cx.console, cx.request, a.doc.clone())))
}

type Area = fn(&mut Cx) -> Option<Result<Reply, ApiError>>;

fn dispatch(cx: &mut Cx) -> Result<Reply, ApiError> {
    if let Some(reply) = replay(cx)? {
        return Ok(reply);
    }
    let areas: [Area; 10] = [
        async_actions::operate,
        organizations::operate,
        users::operate,
        identity::operate,
        identity_providers::operate,
        licensing::operate,
        deployment::operate,
        agents::operate,
        infrastructure::operate,
        about,
    ];
    for area in areas {
        if let Some(result) = area(cx) {
            return result;
        }
    }
    generic(cx)
}

fn about(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    match (cx.method(), cx.path()) {
        ("GET", "/about") => {
            let version = cx.console.config.api_version;
            Some(Ok(data(json!({
                "serverVersion": format!("{}.0.0", version.release()),
                "installationId": state::PROVIDER_UID,
                "apiVersion": version.as_str(),
                "environment": "mock"}))))
        }
        ("GET", "/users/me") => {
            let me = cx.state.user(cx.user_uid()).map(|u| u.doc.clone());
            Some(Ok(data(me.unwrap_or(Value::Null))))
        }
        _ => None,
    }
}

pub(super) fn data(value: Value) -> Reply {
    Reply::ok(json!({ "data": value }))
}

pub(super) fn empty() -> Reply {
    data(json!({}))
}

pub(super) fn patches(request: &Valid) -> &[Value] {
    match &request.body {
        Body::Patch(operations) => operations,
        _ => &[],
    }
}

pub(super) fn json_body(request: &Valid) -> Map<String, Value> {
    match &request.body {
        Body::Json(object) => object.clone(),
        _ => Map::new(),
    }
}

/// A page of a collection: `limit` (default 100) items from `offset` (default 0).
pub(super) fn page(items: Vec<Value>, request: &Valid) -> Reply {
    let total = items.len();
    let offset = request.query.offset.unwrap_or(0).max(0) as usize;
    let limit = request.query.limit.unwrap_or(100).max(0) as usize;
    let data: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    Reply::ok(json!({
        "meta": {"pagingInfo": {"total": total, "count": data.len(), "offset": offset}},
        "data": data,
    }))
}

/// A body UUID property that must name an existing resource of the state, or none at all.
pub(super) fn referenced(
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

/// A body string property (names match case-insensitively), trimmed; empty when absent.
pub(super) fn body_text(body: &Map<String, Value>, property: &str) -> String {
    text_at(body, &[property])
}

/// A member of a JSON body by its path from the root, names matched case-insensitively as
/// ASP.NET binds them: `member(&body, &["organizationInput", "name"])`.
pub(super) fn member<'a>(body: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let value = body
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(first))
        .map(|(_, v)| v)?;
    if rest.is_empty() {
        return Some(value);
    }
    member(value.as_object()?, rest)
}

/// A string member of a JSON body by its path from the root, trimmed; empty when absent.
pub(super) fn text_at(body: &Map<String, Value>, path: &[&str]) -> String {
    member(body, path)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Every operation no area models: a plausible success; a long one as an async action.
fn generic(cx: &mut Cx) -> Result<Reply, ApiError> {
    let request = cx.request;
    let op = request.operation;
    let ids: Map<String, Value> = request
        .path
        .iter()
        .map(|(name, value)| (name.to_string(), json!(value)))
        .collect();
    let reply = match op.method.as_str() {
        "GET" if op.collection => return Ok(page(collection(cx.state, request), request)),
        "GET" => {
            // The item itself when the path ends with a modelled parameter, else an object
            // that says which resources it belongs to.
            let last = op.path.rsplit('/').next().unwrap_or_default();
            let item = request.path.last().and_then(|(name, value)| {
                let kind = Kind::of_parameter(name)?;
                (last == format!("{{{name}}}"))
                    .then(|| cx.state.representation(kind, value))
                    .flatten()
            });
            return Ok(data(item.unwrap_or(Value::Object(ids))));
        }
        "POST" | "PUT" if matches!(request.body, Body::Bytes(_)) => {
            let size = if let Body::Bytes(bytes) = &request.body {
                bytes.len()
            } else {
                0
            };
            json!({"receivedBytes": size})
        }
        "POST" | "PUT" => {
            let mut echoed = json_body(request);
            let creates = cx
                .console
                .catalogue
                .get("GET", &op.path)
                .is_some_and(|get| get.collection);
            if creates && !echoed.contains_key("instanceUid") {
                echoed.insert("instanceUid".into(), json!(cx.console.ids.uuid()));
            }
            Value::Object(echoed)
        }
        "PATCH" => patch::apply(&Value::Object(ids), patches(request), Schema::Open)?,
        _ => json!({}),
    };
    if is_long(op) {
        let subject = request.path.last().map(|(_, v)| v.clone());
        return cx.start(subject.as_deref(), Plan::Succeed(reply));
    }
    Ok(data(reply))
}

/// The modelled collections; every other collection is empty.
fn collection(state: &State, request: &Valid) -> Vec<Value> {
    let organization = request
        .path_parameter("organizationUid")
        .unwrap_or_default();
    let of_kind = |kind| state.resources_of(kind);
    match request.operation.path.as_str() {
        // Every organization the provider sees: itself, then its companies.
        "/organizations" => std::iter::once(&state.provider)
            .chain(&state.companies)
            .map(|o| {
                json!({
                    "instanceUid": o["instanceUid"],
                    "name": o["name"],
                    "type": o["type"].as_str().unwrap_or("company"),
                    "createdDate": o["createdDate"],
                })
            })
            .collect(),
        "/organizations/companies" => state.companies.clone(),
        "/organizations/locations" => state.locations.clone(),
        "/users" => state.users.iter().map(|u| u.doc.clone()).collect(),
        "/users/logins" => state.logins.iter().map(|l| l.doc.clone()).collect(),
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
        "/organizations/identityProviders" => state
            .identity_providers
            .iter()
            .map(|p| p.doc.clone())
            .collect(),
        "/organizations/{organizationUid}/identityProviders" => state
            .identity_providers
            .iter()
            .filter(|p| p.organization_uid == organization)
            .map(|p| p.doc.clone())
            .collect(),
        "/infrastructure/managementAgents" => of_kind(Kind::ManagementAgent),
        "/infrastructure/backupAgents" | "/infrastructure/backupAgents/windows" => {
            of_kind(Kind::BackupAgent)
        }
        "/infrastructure/backupAgents/jobs" | "/infrastructure/backupAgents/windows/jobs" => {
            of_kind(Kind::BackupAgentJob)
        }
        "/infrastructure/backupAgents/windows/{backupAgentUid}/jobs" => {
            let agent = request.path_parameter("backupAgentUid").unwrap_or_default();
            of_kind(Kind::BackupAgentJob)
                .into_iter()
                .filter(|j| j["backupAgentUid"] == agent)
                .collect()
        }
        "/discovery/computers" => of_kind(Kind::Computer),
        "/deployment/deploy" => of_kind(Kind::DeploymentTask),
        "/infrastructure/backupServers" => of_kind(Kind::BackupServer),
        "/infrastructure/sites" => of_kind(Kind::Site),
        "/infrastructure/voneServers" => of_kind(Kind::VOneServer),
        "/infrastructure/backupServers/failoverplans" => of_kind(Kind::FailoverPlan),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{ApiVersion, Contract, Operations};

    fn catalogue() -> &'static Operations {
        Contract::get().catalogue(ApiVersion::V3_6_1)
    }

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
        assert_eq!(
            resource_name("vOneServerUid"),
            ("Veeam ONE server".to_string(), "UID")
        );
    }

    #[test]
    fn heavy_operations_are_the_usage_reports() {
        let ops = catalogue();
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
    fn every_long_operation_is_in_the_catalogue() {
        let ops = catalogue();
        for (method, path) in LONG_OPERATIONS {
            let op = ops
                .get(method, path)
                .unwrap_or_else(|| panic!("{method} {path} is not in the catalogue"));
            assert!(is_long(op));
            assert!(!op.anonymous);
        }
        assert!(!is_long(ops.get("GET", "/about").unwrap()));
    }

    #[test]
    fn action_names_are_the_operation_ids() {
        let ops = catalogue();
        let op = ops
            .get(
                "POST",
                "/infrastructure/backupAgents/windows/{backupAgentUid}/installCbtDriver",
            )
            .unwrap();
        assert_eq!(action_name(op), "InstallCbtDriver");
    }

    #[test]
    fn every_trigger_names_an_operation_of_the_catalogue_and_a_code_of_it() {
        let contract = Contract::get();
        for t in triggers() {
            assert!(contract.code(t.code).is_some(), "{t:?}");
            if t.path != "*" {
                assert!(
                    catalogue().get(t.method, t.path).is_some(),
                    "{} {} is not in the catalogue",
                    t.method,
                    t.path
                );
            }
            if t.delivery == Delivery::AsyncAction {
                let op = catalogue().get(t.method, t.path);
                assert!(op.is_some_and(is_long), "{t:?} is not a long operation");
            }
        }
    }
}
