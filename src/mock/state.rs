//! The console's state: organizations, locations, users and async actions, seeded with fixed
//! UUIDs so runs are reproducible, plus the property models the mock validates bodies and
//! patches against.
//!
//! Seeded UIDs read `5eedKKKK-0000-4000-8000-00000000000N` (KKKK: 0000 organization,
//! 0001 company, 0002 location, 0003 user, 0004 async action).

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "mock-admin-password";
/// The seeded company user of Acme Corp.
pub const COMPANY_USERNAME: &str = "acme.owner";
pub const COMPANY_PASSWORD: &str = "mock-company-password";

pub const PROVIDER_UID: &str = "5eed0000-0000-4000-8000-000000000001";
pub const ACME_UID: &str = "5eed0001-0000-4000-8000-000000000001";
pub const GLOBEX_UID: &str = "5eed0001-0000-4000-8000-000000000002";
pub const ACME_LOCATION_UID: &str = "5eed0002-0000-4000-8000-000000000001";
pub const GLOBEX_FIRST_LOCATION_UID: &str = "5eed0002-0000-4000-8000-000000000002";
pub const GLOBEX_SECOND_LOCATION_UID: &str = "5eed0002-0000-4000-8000-000000000003";
pub const ADMIN_UID: &str = "5eed0003-0000-4000-8000-000000000001";
pub const COMPANY_USER_UID: &str = "5eed0003-0000-4000-8000-000000000002";
pub const RUNNING_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000001";
pub const SUCCEEDED_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000002";
pub const FAILED_ACTION_ID: &str = "5eed0004-0000-4000-8000-000000000003";
/// A well-formed UUID that no resource of the mock ever has.
pub const MISSING_UID: &str = "5eedffff-0000-4000-8000-000000000000";

const SEED_DATE: &str = "2025-01-15T09:00:00.0000000+00:00";

/// The kinds of resource the state holds; every other kind of the catalogue never exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The service provider or a company (`organizationUid`).
    Organization,
    Company,
    Location,
    User,
    AsyncAction,
}

impl Kind {
    /// The kind a path parameter refers to, when the state models it.
    pub fn of_parameter(name: &str) -> Option<Kind> {
        match name {
            "organizationUid" => Some(Kind::Organization),
            "companyUid" => Some(Kind::Company),
            "locationUid" => Some(Kind::Location),
            "userUid" => Some(Kind::User),
            "actionId" => Some(Kind::AsyncAction),
            _ => None,
        }
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
    Object,
    /// One of the strings, compared case-insensitively.
    Enum(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy)]
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

pub static USER: Model = Model {
    properties: &[
        required("organizationUid", Ty::Uuid),
        required("login", Ty::Name),
        required("password", Ty::Name),
        required("role", Ty::Enum(USER_ROLES)),
        prop("status", Ty::Enum(&["enabled", "disabled"])),
        prop("profile", Ty::Object),
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

/// A user; the password never appears in a representation.
#[derive(Debug, Clone)]
pub struct User {
    pub doc: Value,
    pub password: String,
}

/// An async action with what `GET .../result` answers: the result of a succeeded action, or the
/// error code and message of a failed or canceled one.
#[derive(Debug, Clone)]
pub struct AsyncAction {
    pub doc: Value,
    pub result: Value,
    pub error: Option<(u16, String)>,
}

pub struct State {
    pub provider: Value,
    pub companies: Vec<Value>,
    pub locations: Vec<Value>,
    pub users: Vec<User>,
    pub actions: Vec<AsyncAction>,
}

/// The `instanceUid` of a representation.
pub fn uid(doc: &Value) -> &str {
    doc.get("instanceUid")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn text<'a>(doc: &'a Value, key: &str) -> &'a str {
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

/// Copies the model's properties present in `body` into `doc` (except the password).
pub fn merge_known(doc: &mut Value, body: &Map<String, Value>, model: &Model) {
    for (key, value) in body {
        match model.property(key) {
            Some(p) if p.name != "password" => doc[p.name] = value.clone(),
            _ => {}
        }
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
        let action = |id: &str, name: &str, status: &str| {
            json!({"id": id, "initiatorUid": ADMIN_UID, "actionName": name, "status": status,
                   "requestBody": null, "queryParameters": {}})
        };
        State {
            provider: json!({"instanceUid": PROVIDER_UID, "name": "Mock Service Provider",
                             "type": "provider", "createdDate": SEED_DATE}),
            companies: vec![acme, globex],
            locations: vec![
                location_doc(ACME_LOCATION_UID, ACME_UID, "Acme Corp", "default"),
                location_doc(GLOBEX_FIRST_LOCATION_UID, GLOBEX_UID, "Globex", "default"),
                location_doc(
                    GLOBEX_SECOND_LOCATION_UID,
                    GLOBEX_UID,
                    "Globex Cypress Creek",
                    "custom",
                ),
            ],
            users: vec![
                User {
                    doc: user_doc(
                        ADMIN_UID,
                        PROVIDER_UID,
                        ADMIN_USERNAME,
                        "portalAdministrator",
                    ),
                    password: ADMIN_PASSWORD.to_string(),
                },
                User {
                    doc: user_doc(COMPANY_USER_UID, ACME_UID, COMPANY_USERNAME, "companyOwner"),
                    password: COMPANY_PASSWORD.to_string(),
                },
            ],
            actions: vec![
                AsyncAction {
                    doc: action(RUNNING_ACTION_ID, "CreateCompany", "running"),
                    result: Value::Null,
                    error: None,
                },
                AsyncAction {
                    doc: action(SUCCEEDED_ACTION_ID, "GetCompanies", "succeed"),
                    result: json!({"instanceUid": ACME_UID, "name": "Acme Corp"}),
                    error: None,
                },
                AsyncAction {
                    doc: action(FAILED_ACTION_ID, "StartBackupAgentJob", "failed"),
                    result: Value::Null,
                    error: Some((
                        1051,
                        "The task took too long to complete and was stopped.".into(),
                    )),
                },
            ],
        }
    }

    /// The seeded ids and names cases can use, by variable name.
    pub fn variables() -> BTreeMap<String, String> {
        [
            ("companyUid", ACME_UID),
            ("companyName", "Acme Corp"),
            ("secondCompanyUid", GLOBEX_UID),
            ("secondCompanyName", "Globex"),
            ("organizationUid", ACME_UID),
            ("providerUid", PROVIDER_UID),
            ("locationUid", ACME_LOCATION_UID),
            ("secondLocationUid", GLOBEX_SECOND_LOCATION_UID),
            ("secondCompanyDefaultLocationUid", GLOBEX_FIRST_LOCATION_UID),
            ("userUid", COMPANY_USER_UID),
            ("userLogin", COMPANY_USERNAME),
            ("adminUid", ADMIN_UID),
            ("asyncActionId", SUCCEEDED_ACTION_ID),
            ("runningAsyncActionId", RUNNING_ACTION_ID),
            ("failedAsyncActionId", FAILED_ACTION_ID),
            ("missingUid", MISSING_UID),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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

    pub fn action(&self, id: &str) -> Option<&AsyncAction> {
        self.actions.iter().find(|a| text(&a.doc, "id") == id)
    }

    /// Whether a resource of `kind` with this (normalised) id exists.
    pub fn exists(&self, kind: Kind, id: &str) -> bool {
        match kind {
            Kind::Organization => self.organization(id).is_some(),
            Kind::Company => self.company(id).is_some(),
            Kind::Location => self.location(id).is_some(),
            Kind::User => self.user(id).is_some(),
            Kind::AsyncAction => self.action(id).is_some(),
        }
    }

    /// The representation of a resource of `kind`.
    pub fn representation(&self, kind: Kind, id: &str) -> Option<Value> {
        match kind {
            Kind::Organization => self.organization(id).cloned(),
            Kind::Company => self.company(id).cloned(),
            Kind::Location => self.location(id).cloned(),
            Kind::User => self.user(id).map(|u| u.doc.clone()),
            Kind::AsyncAction => self.action(id).map(|a| a.doc.clone()),
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
        for (name, value) in &vars {
            if name.ends_with("Uid") || name.ends_with("Id") {
                assert_eq!(
                    super::super::ids::parse_uuid(value).as_deref(),
                    Some(value.as_str())
                );
            }
        }
    }
}
