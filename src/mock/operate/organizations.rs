//! Organizations: companies, their locations, and the organization policy that holds the
//! switches other areas obey (`isSingleSignOnEnabled`, `maintenanceMode`).

use super::{Cx, body_text, data, empty, member, missing, patches, referenced, text_at};
use crate::mock::error::{ApiError, Reply};
use crate::mock::patch::{self, Schema};
use crate::mock::state::{self, Kind, Model, State};
use crate::mock::{Delivery, Trigger};
use serde_json::{Map, Value, json};

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 409,
        method: "POST",
        path: "/organizations/companies",
        trigger: "an `organizationInput.name` another company has (case-insensitive)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 409,
        method: "PATCH",
        path: "/organizations/companies/{companyUid}",
        trigger: "renaming a company to the name of another",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 409,
        method: "POST",
        path: "/organizations/locations",
        trigger: "a `name` another location of the `organizationUid` has",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 404,
        method: "POST",
        path: "/organizations/companies",
        trigger: "a `resellerUid` or `subscriptionPlanUid` naming nothing",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1500,
        method: "DELETE",
        path: "/organizations/locations/{locationUid}",
        trigger: "the company's last location (`locationUid`)",
        delivery: Delivery::Answer,
    },
];

/// What `PATCH /organizations/{organizationUid}/configuration/policy` may change.
static POLICY: Model = Model {
    properties: &[
        state::Property {
            name: "isSingleSignOnEnabled",
            ty: state::Ty::Bool,
            required: false,
            nullable: false,
        },
        state::Property {
            name: "maintenanceMode",
            ty: state::Ty::Bool,
            required: false,
            nullable: false,
        },
    ],
    read_only: &[],
};

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let result = match (cx.method(), cx.path()) {
        ("POST", "/organizations/companies") => create_company(cx),
        ("PATCH", "/organizations/companies/{companyUid}") => patch_company(cx),
        ("DELETE", "/organizations/companies/{companyUid}") => delete_company(cx),
        ("POST", "/organizations/locations") => create_location(cx),
        ("PATCH", "/organizations/locations/{locationUid}") => patch_location(cx),
        ("DELETE", "/organizations/locations/{locationUid}") => delete_location(cx),
        ("GET", "/organizations/{organizationUid}/configuration/policy") => {
            Ok(data(cx.state.policy(&cx.id("organizationUid"))))
        }
        ("PATCH", "/organizations/{organizationUid}/configuration/policy") => patch_policy(cx),
        _ => return None,
    };
    Some(result)
}

fn company_conflict(other: &Value) -> ApiError {
    ApiError::conflict(format!(
        "Company with name '{}' already exists (UID '{}').",
        other["name"].as_str().unwrap_or_default(),
        state::uid(other)
    ))
}

/// `POST /organizations/companies` with a `CompanyInput`: the organization's own properties in
/// `organizationInput` (its `name`, `alias`, `email`...), the company's beside it
/// (`resellerUid`, `subscriptionPlanUid`, `isAlarmDetectEnabled`, `ownerCredentials`).
fn create_company(cx: &mut Cx) -> Result<Reply, ApiError> {
    let body = cx.body();
    let name = text_at(&body, &["organizationInput", "name"]);
    if let Some(existing) = cx.state.company_named(&name) {
        return Err(company_conflict(existing));
    }
    referenced(cx.state, &body, "resellerUid", None)?;
    referenced(cx.state, &body, "subscriptionPlanUid", None)?;
    let uid = cx.console.ids.uuid();
    // The representation is flat: the organization's properties beside the company's.
    let mut flat: Map<String, Value> = member(&body, &["organizationInput"])
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    flat.extend(
        body.iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("organizationInput"))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    let mut company = state::company_doc(&uid, &name, &flat);
    company["name"] = json!(name);
    // A company always has a location: the console creates a default one with it.
    cx.state.locations.push(state::location_doc(
        &cx.console.ids.uuid(),
        &uid,
        &name,
        "default",
    ));
    cx.state.companies.push(company.clone());
    Ok(data(company))
}

fn patch_company(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = cx.id("companyUid");
    let Some(index) = cx.state.companies.iter().position(|c| state::uid(c) == uid) else {
        return Err(missing("companyUid", &uid));
    };
    let patched = patch::apply(
        &cx.state.companies[index],
        patches(cx.request),
        Schema::Model(&state::COMPANY),
    )?;
    let name = patched["name"].as_str().unwrap_or_default();
    if let Some(other) = cx
        .state
        .company_named(name)
        .filter(|c| state::uid(c) != uid)
    {
        return Err(company_conflict(other));
    }
    cx.state.companies[index] = patched.clone();
    Ok(data(patched))
}

fn delete_company(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = cx.id("companyUid");
    let state = &mut *cx.state;
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
        .for_each(|user| cx.console.tokens.revoke_user(user));
    Ok(empty())
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

fn create_location(cx: &mut Cx) -> Result<Reply, ApiError> {
    let body = cx.body();
    referenced(cx.state, &body, "organizationUid", Some(Kind::Organization))?;
    let organization =
        crate::mock::ids::parse_uuid(&body_text(&body, "organizationUid")).unwrap_or_default();
    let name = body_text(&body, "name");
    location_conflict(cx.state, &organization, &name, "")?;
    let mut location = state::location_doc(&cx.console.ids.uuid(), &organization, &name, "custom");
    merge(
        &mut location,
        &body,
        &state::LOCATION,
        &["organizationUid", "name"],
    );
    cx.state.locations.push(location.clone());
    Ok(data(location))
}

fn patch_location(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = cx.id("locationUid");
    let Some(index) = cx.state.locations.iter().position(|l| state::uid(l) == uid) else {
        return Err(missing("locationUid", &uid));
    };
    let patched = patch::apply(
        &cx.state.locations[index],
        patches(cx.request),
        Schema::Model(&state::LOCATION),
    )?;
    let organization = patched["organizationUid"].as_str().unwrap_or_default();
    location_conflict(
        cx.state,
        organization,
        patched["name"].as_str().unwrap_or_default(),
        &uid,
    )?;
    cx.state.locations[index] = patched.clone();
    Ok(data(patched))
}

/// A company must keep one location: deleting its last one is a 1500.
fn delete_location(cx: &mut Cx) -> Result<Reply, ApiError> {
    let uid = cx.id("locationUid");
    let Some(location) = cx.state.location(&uid) else {
        return Err(missing("locationUid", &uid));
    };
    let organization = state::text(location, "organizationUid").to_string();
    if cx.state.locations_of(&organization).len() <= 1 {
        return Err(ApiError::custom(
            1500,
            format!(
                "Location '{}' cannot be deleted: a company must have at least one location.",
                state::text(location, "name")
            ),
        ));
    }
    cx.state.locations.retain(|l| state::uid(l) != uid);
    Ok(empty())
}

fn patch_policy(cx: &mut Cx) -> Result<Reply, ApiError> {
    let organization = cx.id("organizationUid");
    let patched = patch::apply(
        &cx.state.policy(&organization),
        patches(cx.request),
        Schema::Model(&POLICY),
    )?;
    cx.state.policies.insert(organization, patched.clone());
    Ok(data(patched))
}

/// Copies the model's properties from the body, except those already set from it.
pub(super) fn merge(doc: &mut Value, body: &Map<String, Value>, model: &Model, except: &[&str]) {
    let rest: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| !except.iter().any(|e| e.eq_ignore_ascii_case(k)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    state::merge_known(doc, &rest, model);
}
