//! The property models: what a modelled resource's representation may hold (each property's
//! type, whether it is required or nullable) and which properties JSON Patch may not change.
//! Request bodies are validated by the spec (`contract::input`); `patch.rs` checks patches
//! against these models, and the operations copy what a body sets into a representation
//! ([`merge_known`]). They live apart from the store because they describe the API's resources,
//! not the console's contents.

use serde_json::{Map, Value};

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
    /// A JSON object whose known properties are these (none: any object).
    Object(&'static [Property]),
    /// One of the strings, compared case-insensitively.
    Enum(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A user's `profile`: the one nested object of a modelled body.
const USER_PROFILE: &[Property] = &[
    prop("firstName", Ty::Str),
    prop("lastName", Ty::Str),
    prop("title", Ty::Str),
    prop("email", Ty::Str),
];

pub static USER: Model = Model {
    properties: &[
        required("organizationUid", Ty::Uuid),
        required("login", Ty::Name),
        required("password", Ty::Name),
        required("role", Ty::Enum(USER_ROLES)),
        prop("status", Ty::Enum(&["enabled", "disabled"])),
        prop("profile", Ty::Object(USER_PROFILE)),
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

pub static SAML2_IDENTITY_PROVIDER: Model = Model {
    properties: &[
        required("name", Ty::Name),
        required("displayName", Ty::Name),
        prop(
            "template",
            Ty::Enum(&["ADFS", "Okta", "Keycloak", "Custom"]),
        ),
        prop("enabled", Ty::Bool),
        // The Saml2Configuration (3.6 and later; the Saml2 XML text in 3.5.1).
        prop("configuration", Ty::Object(&[])),
    ],
    read_only: &["name", "organizationUid", "type", "entityId"],
};

/// A `LocalUserRule`: `type` (`winNTUser`, `winNTGroup`) is the console's to say.
pub static LOCAL_USER_RULE: Model = Model {
    properties: &[
        required("sid", Ty::Str),
        required("name", Ty::Name),
        prop("type", Ty::Enum(&["winNTUser", "winNTGroup"])),
        prop(
            "roleType",
            Ty::Enum(&[
                "unknown",
                "readonlyOperator",
                "operator",
                "siteAdministrator",
                "portalAdministrator",
            ]),
        ),
        prop(
            "contextType",
            Ty::Enum(&["machine", "domain", "applicationDirectory"]),
        ),
        prop("mfaPolicyStatus", Ty::Enum(&["disabled", "enabled"])),
        prop("description", Ty::Str),
        prop("enabled", Ty::Bool),
        prop("hasAccessToProvider", Ty::Bool),
    ],
    read_only: &["instanceUid", "type"],
};

/// Copies the model's properties present in `body` into `doc` (except the password).
pub fn merge_known(doc: &mut Value, body: &Map<String, Value>, model: &Model) {
    for (key, value) in body {
        match model.property(key) {
            Some(p) if p.name != "password" => doc[p.name] = value.clone(),
            _ => {}
        }
    }
}

/// Why `value` is not of type `ty`, or None when it is.
pub fn type_problem(ty: Ty, value: &Value) -> Option<String> {
    let ok = match ty {
        Ty::Str => value.is_string(),
        Ty::Name => value.as_str().is_some_and(|s| !s.trim().is_empty()),
        Ty::Bool => value.is_boolean(),
        Ty::Int(min, max) => match value.as_i64() {
            Some(n) if n < min => {
                return Some(format!("Property value must be larger or equal to {min}."));
            }
            Some(n) if n > max => {
                return Some(format!("Property value must be less or equal to {max}."));
            }
            Some(_) => true,
            None => false,
        },
        Ty::Uuid => value
            .as_str()
            .and_then(crate::mock::ids::parse_uuid)
            .is_some(),
        Ty::Object(_) => value.is_object(),
        Ty::Enum(allowed) => value
            .as_str()
            .is_some_and(|s| allowed.iter().any(|a| a.eq_ignore_ascii_case(s))),
    };
    if ok {
        return None;
    }
    Some(match ty {
        Ty::Str => "Property value must be a string.".to_string(),
        Ty::Name => "Property value must be a non-empty string.".to_string(),
        Ty::Bool => "Property value must be true or false.".to_string(),
        Ty::Int(..) => "Property value must be an integer.".to_string(),
        Ty::Uuid => "Property value must be a UUID.".to_string(),
        Ty::Object(_) => "Property value must be an object.".to_string(),
        Ty::Enum(allowed) => format!("Property value must be one of: {}.", allowed.join(", ")),
    })
}
