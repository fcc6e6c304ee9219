//! Identity providers (single sign-on, SAML2) of an organization: `/organizations/
//! {organizationUid}/identityProviders/...`, and the portal-wide name check.
//!
//! In order, as a console would refuse: the organization's portal is in maintenance mode
//! (1251, every operation); the provider has disabled single sign-on for the organization
//! (1101, every change); the named identity provider does not exist (1200) or is disabled
//! (1206, where it would have to work: revalidation, metadata, new mapping rules). Creating one:
//! its name is taken portal-wide (1250), its display name in the organization (1252); its
//! metadata cannot be fetched (1253: a `metadataUrl` on a reserved, never resolvable domain —
//! `.invalid`, `.test`, `.example`, `.localhost`), cannot be read as SAML metadata (1254: a
//! `metadataXml` without an `EntityDescriptor` with an `entityID`), or the identity service
//! refuses it (1255: an `entityID` another identity provider already uses).
//!
//! The portal's maintenance mode is one switch on a real console. The mock keeps it per
//! organization (`maintenanceMode` of the organization policy) so a case can meet it while
//! other cases run against the same console; `maintenanceOrganizationUid` is in it.

use super::{Cx, body_text, data, empty, page, patches};
use crate::mock::error::{ApiError, Reply};
use crate::mock::patch::{self, Schema};
use crate::mock::state::{self, IdentityProvider};
use crate::mock::{Choice, Delivery, Trigger};
use serde_json::{Value, json};

const CREATE: &str = "/organizations/{organizationUid}/identityProviders/saml2";
const ITEM: &str = "/organizations/{organizationUid}/identityProviders/{identityProviderName}";
const REVALIDATE: &str =
    "/organizations/{organizationUid}/identityProviders/{identityProviderName}/revalidate";
const METADATA: &str =
    "/organizations/{organizationUid}/identityProviders/saml2/{identityProviderName}/metadata";
const RULES: &str =
    "/organizations/{organizationUid}/identityProviders/{identityProviderName}/rules";
const NAME_CHECK: &str = "/organizations/identityProviders/name";

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 1200,
        method: "GET",
        path: ITEM,
        trigger: "an identity provider name the organization does not have",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1200,
        method: "POST",
        path: RULES,
        trigger: "a mapping rule for an identity provider the organization does not have",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1206,
        method: "POST",
        path: REVALIDATE,
        trigger: "a disabled identity provider (`disabledIdentityProviderName`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1206,
        method: "GET",
        path: METADATA,
        trigger: "the metadata of a disabled identity provider",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1206,
        method: "POST",
        path: RULES,
        trigger: "a mapping rule for a disabled identity provider",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1101,
        method: "POST",
        path: CREATE,
        trigger: "an organization for which the provider disabled single sign-on (`ssoDisabledOrganizationUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1250,
        method: "POST",
        path: CREATE,
        trigger: "a `name` another identity provider has (names are unique portal-wide)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1250,
        method: "POST",
        path: NAME_CHECK,
        trigger: "`name` of an existing identity provider",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1251,
        method: "GET",
        path: ITEM,
        trigger: "an organization whose portal is in maintenance mode (`maintenanceOrganizationUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1251,
        method: "POST",
        path: CREATE,
        trigger: "an organization whose portal is in maintenance mode",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1252,
        method: "POST",
        path: CREATE,
        trigger: "a `displayName` another identity provider of the organization has (`identityProviderDisplayName`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1252,
        method: "PATCH",
        path: ITEM,
        trigger: "renaming the display name to that of another identity provider of the organization",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1253,
        method: "POST",
        path: CREATE,
        trigger: "a `metadataUrl` on a domain that never resolves (`.invalid`, `.test`, `.example`, `.localhost`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1254,
        method: "POST",
        path: CREATE,
        trigger: "a `metadataXml` that is not SAML metadata (no `EntityDescriptor` with an `entityID`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1255,
        method: "POST",
        path: CREATE,
        trigger: "metadata whose `entityID` another identity provider uses (`foreignIdentityProviderEntity`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 400,
        method: "POST",
        path: CREATE,
        trigger: "neither `metadataUrl` nor `metadataXml`; a `metadataUrl` that is not http(s) (`propertyName: metadataUrl`)",
        delivery: Delivery::Answer,
    },
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let path = cx.path().to_string();
    if path == NAME_CHECK && cx.method() == "POST" {
        return Some(check_name(cx));
    }
    if !path.starts_with("/organizations/{organizationUid}/identityProviders") {
        return None;
    }
    Some(organization_operation(cx, &path))
}

fn organization_operation(cx: &mut Cx, path: &str) -> Result<Reply, ApiError> {
    let organization = cx.id("organizationUid");
    let policy = cx.state.policy(&organization);
    if policy["maintenanceMode"] == true {
        return Err(ApiError::custom(
            1251,
            "Operations on IdP are unavailable while Veeam Service Provider Console portal is in the maintenance mode.",
        ));
    }
    if cx.method() != "GET" && policy["isSingleSignOnEnabled"] == false {
        return Err(ApiError::custom(
            1101,
            "Requested operation requires functionality that is disabled by a service provider: single sign-on is disabled for this organization.",
        ));
    }
    if path == CREATE {
        return create(cx, &organization);
    }
    if !path.contains("{identityProviderName}") {
        // The organization's collections: its identity providers, or their mapping rules.
        let all = if path.ends_with("/rules") {
            Vec::new()
        } else {
            cx.state
                .identity_providers
                .iter()
                .filter(|p| p.organization_uid == organization)
                .map(|p| p.doc.clone())
                .collect()
        };
        return Ok(page(all, cx.request));
    }
    let name = cx.id("identityProviderName");
    let Some(provider) = cx.state.identity_provider(&organization, &name).cloned() else {
        if cx.console.picks(Choice::MissingProviderIs404) {
            return Err(ApiError::missing_resource(
                "Identity provider",
                "name",
                &name,
            ));
        }
        return Err(ApiError::custom(
            1200,
            format!(
                "Specified identity provider does not exist: organization '{organization}' has no identity provider '{name}'."
            ),
        ));
    };
    let needs_enabled = matches!(
        (cx.method(), path),
        ("POST", REVALIDATE) | ("GET", METADATA) | ("POST", RULES)
    );
    if needs_enabled && provider.doc["enabled"] == false {
        return Err(ApiError::custom(
            1206,
            format!(
                "Specified identity provider is disabled: enable '{}' first.",
                provider.name()
            ),
        ));
    }
    match (cx.method(), path) {
        ("GET", ITEM) | ("POST", REVALIDATE) => Ok(data(provider.doc)),
        ("GET", METADATA) => Ok(data(json!({"metadata": format!(
            "<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"{}\"/>",
            state::text(&provider.doc, "entityId")
        )}))),
        ("PATCH", ITEM) => modify(cx, &organization, &provider),
        ("DELETE", ITEM) => {
            cx.state
                .identity_providers
                .retain(|p| !(p.organization_uid == organization && p.name() == provider.name()));
            Ok(empty())
        }
        ("GET", RULES) => Ok(page(Vec::new(), cx.request)),
        ("POST", RULES) => {
            let mut rule = cx.body();
            rule.insert("instanceUid".into(), json!(cx.console.ids.uuid()));
            rule.insert("identityProviderName".into(), json!(provider.name()));
            Ok(data(Value::Object(rule)))
        }
        _ => super::generic(cx),
    }
}

/// `POST /organizations/identityProviders/name?name=`: whether a new identity provider may
/// take this name.
fn check_name(cx: &mut Cx) -> Result<Reply, ApiError> {
    let name = cx
        .query("name")
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::bad_parameter("name", "Property 'name' is required."))?
        .to_string();
    name_is_free(cx, &name)?;
    Ok(data(json!({"name": name, "isUnique": true})))
}

fn name_is_free(cx: &Cx, name: &str) -> Result<(), ApiError> {
    if cx
        .state
        .identity_providers
        .iter()
        .any(|p| p.name().eq_ignore_ascii_case(name))
    {
        return Err(ApiError::custom(
            1250,
            format!("IdP with the specified name already exists: '{name}'."),
        ));
    }
    Ok(())
}

fn display_name_is_free(
    cx: &Cx,
    organization: &str,
    display_name: &str,
    except: &str,
) -> Result<(), ApiError> {
    let clash = cx.state.identity_providers.iter().any(|p| {
        p.organization_uid == organization
            && !p.name().eq_ignore_ascii_case(except)
            && state::text(&p.doc, "displayName").eq_ignore_ascii_case(display_name)
    });
    if clash {
        return Err(ApiError::custom(
            1252,
            format!(
                "IdP with the display name '{display_name}' is already configured for the organization."
            ),
        ));
    }
    Ok(())
}

/// Domains that never resolve (RFC 2606, RFC 6761): metadata there cannot be received.
fn never_resolves(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .split(['/', ':', '?'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    ["invalid", "test", "example", "localhost"]
        .iter()
        .any(|tld| host == *tld || host.ends_with(&format!(".{tld}")))
}

/// The `entityID` of SAML metadata, when the XML is some.
fn entity_id(xml: &str) -> Option<String> {
    if !xml.contains("EntityDescriptor") {
        return None;
    }
    let after = xml.split("entityID=").nth(1)?;
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let id = after[1..].split(quote).next()?.trim();
    (!id.is_empty()).then(|| id.to_string())
}

fn create(cx: &mut Cx, organization: &str) -> Result<Reply, ApiError> {
    let body = cx.body();
    let name = body_text(&body, "name");
    let display_name = body_text(&body, "displayName");
    name_is_free(cx, &name)?;
    display_name_is_free(cx, organization, &display_name, "")?;
    let url = body_text(&body, "metadataUrl");
    let xml = body_text(&body, "metadataXml");
    let entity = if !url.is_empty() {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(ApiError::bad_property(
                "metadataUrl",
                "Property value must be an http or https URL.",
            ));
        }
        if never_resolves(&url) {
            return Err(ApiError::custom(
                1253,
                format!(
                    "Veeam Service Provider Console failed to receive metadata from IdP: '{url}' cannot be reached."
                ),
            ));
        }
        url.clone()
    } else if !xml.is_empty() {
        entity_id(&xml).ok_or_else(|| {
            ApiError::custom(
                1254,
                "Veeam Service Provider Console failed to process metadata received from IdP: no EntityDescriptor with an entityID.",
            )
        })?
    } else {
        return Err(ApiError::bad_property(
            "metadataUrl",
            "Either 'metadataUrl' or 'metadataXml' is required.",
        ));
    };
    if let Some(other) = cx
        .state
        .identity_providers
        .iter()
        .find(|p| state::text(&p.doc, "entityId") == entity)
    {
        return Err(ApiError::custom(
            1255,
            format!(
                "IdP creation or modification failed: entity ID '{entity}' is already registered by identity provider '{}'.",
                other.name()
            ),
        ));
    }
    let doc = json!({"name": name, "displayName": display_name, "type": "SAML2",
                     "template": body.get("template").cloned().unwrap_or(json!("Custom")),
                     "enabled": body.get("enabled").cloned().unwrap_or(json!(true)),
                     "organizationUid": organization, "entityId": entity});
    cx.state.identity_providers.push(IdentityProvider {
        organization_uid: organization.to_string(),
        doc: doc.clone(),
    });
    Ok(data(doc))
}

fn modify(cx: &mut Cx, organization: &str, provider: &IdentityProvider) -> Result<Reply, ApiError> {
    let patched = patch::apply(
        &provider.doc,
        patches(cx.request),
        Schema::Model(&state::SAML2_IDENTITY_PROVIDER),
    )?;
    display_name_is_free(
        cx,
        organization,
        state::text(&patched, "displayName"),
        provider.name(),
    )?;
    if let Some(stored) = cx
        .state
        .identity_providers
        .iter_mut()
        .find(|p| p.organization_uid == organization && p.name() == provider.name())
    {
        stored.doc = patched.clone();
    }
    Ok(data(patched))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_domains_never_resolve() {
        assert!(never_resolves("https://idp.invalid/metadata"));
        assert!(never_resolves("https://login.example:8443/saml"));
        assert!(never_resolves("http://localhost/x"));
        assert!(!never_resolves("https://login.microsoftonline.com/x"));
        assert!(!never_resolves("https://example.com/x"));
    }

    #[test]
    fn entity_ids_are_read_from_saml_metadata() {
        assert_eq!(
            entity_id(r#"<md:EntityDescriptor entityID="https://idp/x">"#).as_deref(),
            Some("https://idp/x")
        );
        assert_eq!(
            entity_id("<EntityDescriptor entityID='a'/>").as_deref(),
            Some("a")
        );
        assert_eq!(entity_id("<html>not metadata</html>"), None);
        assert_eq!(entity_id("<EntityDescriptor/>"), None);
    }
}
