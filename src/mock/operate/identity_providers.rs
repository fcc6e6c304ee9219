//! Identity providers (single sign-on, SAML2) of an organization: `/organizations/
//! {organizationUid}/identityProviders/...`, and the portal-wide name check.
//!
//! In order, as a console would refuse: the organization's portal is in maintenance mode
//! (1251, every operation); the provider has disabled single sign-on for the organization
//! (1101, every change); the named identity provider does not exist (1200) or is disabled
//! (1206, where it would have to work: revalidation, metadata, new mapping rules). Creating one:
//! its name is taken portal-wide (1250), its display name in the organization (1252); the
//! metadata of an identity provider it trusts cannot be fetched (1253: a metadata location on a
//! reserved, never resolvable domain — `.invalid`, `.test`, `.example`, `.localhost`), is no SAML
//! metadata (1254: a location on IANA's example domains, `example.com`, `.net`, `.org`, which
//! answer an HTML page), or the identity service refuses it (1255: an IdP entity ID another
//! identity provider already uses).
//!
//! The create's body is the spec's `IdentityProviderSettingsInput`: `name`, `displayName`,
//! `template`, `enabled`, and a `Saml2Configuration` whose `identityProviders` each give the
//! IdP's `entityId` and, unless `loadMetadata` is false, where its metadata is
//! (`metadataLocation`, else the entity ID itself, as the SAML2 library the console uses reads
//! it). 3.5.1 declares `configuration` as the Saml2 XML text instead; its `<identityProviders>`
//! `<add entityId=... metadataLocation=... loadMetadata=...>` elements are read the same way.
//!
//! The portal's maintenance mode is one switch on a real console. The mock keeps it per
//! organization (`maintenanceMode` of the organization policy) so a case can meet it while
//! other cases run against the same console; `maintenanceOrganizationUid` is in it.

use super::{Cx, body_text, data, empty, member, page, patches};
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
        trigger: "a `configuration.identityProviders[].metadataLocation` (else its `entityId`), with `loadMetadata` not false, on a domain that never resolves (`.invalid`, `.test`, `.example`, `.localhost`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1254,
        method: "POST",
        path: CREATE,
        trigger: "a metadata location on IANA's example domains (`example.com`, `.net`, `.org`), which answer an HTML page, not SAML metadata",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 1255,
        method: "POST",
        path: CREATE,
        trigger: "a `configuration.identityProviders[].entityId` another identity provider uses (`foreignIdentityProviderEntity`)",
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

/// The host of a URL, lowercase, without a trailing dot.
fn host(url: &str) -> String {
    url.split("://")
        .nth(1)
        .unwrap_or_default()
        .split(['/', ':', '?'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Domains that never resolve (RFC 2606, RFC 6761): metadata there cannot be received.
fn never_resolves(url: &str) -> bool {
    let host = host(url);
    ["invalid", "test", "example", "localhost"]
        .iter()
        .any(|tld| host == *tld || host.ends_with(&format!(".{tld}")))
}

/// IANA's example domains (RFC 2606), which answer any path with an HTML page: what comes
/// back from there is no SAML metadata.
fn serves_a_web_page(url: &str) -> bool {
    let host = host(url);
    ["example.com", "example.net", "example.org"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// An identity provider the new one trusts: its entity ID, and where its metadata is loaded
/// from (None when `loadMetadata` is false).
#[derive(Debug, PartialEq)]
struct Trusted {
    entity_id: String,
    metadata: Option<String>,
}

impl Trusted {
    fn new(entity_id: &str, location: &str, load: bool) -> Trusted {
        let location = if location.is_empty() {
            entity_id
        } else {
            location
        };
        Trusted {
            entity_id: entity_id.to_string(),
            metadata: (load && !location.is_empty()).then(|| location.to_string()),
        }
    }
}

/// The identity providers a `configuration` trusts: the `identityProviders` of a
/// `Saml2Configuration`, or the `<add>` elements under `<identityProviders>` of 3.5.1's Saml2
/// XML text.
fn trusted(configuration: Option<&Value>) -> Vec<Trusted> {
    match configuration {
        Some(Value::Object(configuration)) => member(configuration, &["identityProviders"])
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(Value::as_object)
            .map(|idp| {
                let text = |name: &str| {
                    member(idp, &[name])
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .trim()
                };
                let load = member(idp, &["loadMetadata"]).and_then(Value::as_bool);
                Trusted::new(
                    text("entityId"),
                    text("metadataLocation"),
                    load != Some(false),
                )
            })
            .collect(),
        Some(Value::String(xml)) => {
            let Some((_, providers)) = xml.split_once("<identityProviders") else {
                return Vec::new();
            };
            let providers = providers
                .split("</identityProviders")
                .next()
                .unwrap_or_default();
            providers
                .split("<add")
                .skip(1)
                .map(|element| {
                    let element = element.split('>').next().unwrap_or_default();
                    let load = attribute(element, "loadMetadata");
                    Trusted::new(
                        &attribute(element, "entityId"),
                        &attribute(element, "metadataLocation"),
                        !load.eq_ignore_ascii_case("false"),
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The value of an XML attribute in an element's text (`name="value"` or `name='value'`).
fn attribute(element: &str, name: &str) -> String {
    let mut rest = element;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().last();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=').map(str::trim_start) else {
            continue;
        };
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        return value[1..]
            .split(quote)
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
    }
    String::new()
}

fn create(cx: &mut Cx, organization: &str) -> Result<Reply, ApiError> {
    let body = cx.body();
    let name = body_text(&body, "name");
    let display_name = body_text(&body, "displayName");
    name_is_free(cx, &name)?;
    display_name_is_free(cx, organization, &display_name, "")?;
    let trusted = trusted(member(&body, &["configuration"]));
    for idp in &trusted {
        let Some(url) = &idp.metadata else {
            continue;
        };
        if never_resolves(url) {
            return Err(ApiError::custom(
                1253,
                format!(
                    "Veeam Service Provider Console failed to receive metadata from IdP: '{url}' cannot be reached."
                ),
            ));
        }
        if serves_a_web_page(url) {
            return Err(ApiError::custom(
                1254,
                format!(
                    "Veeam Service Provider Console failed to process metadata received from IdP: '{url}' answered an HTML page, not an EntityDescriptor."
                ),
            ));
        }
    }
    for idp in &trusted {
        if let Some(other) = cx
            .state
            .identity_providers
            .iter()
            .find(|p| state::text(&p.doc, "entityId") == idp.entity_id)
        {
            return Err(ApiError::custom(
                1255,
                format!(
                    "IdP creation or modification failed: entity ID '{}' is already registered by identity provider '{}'.",
                    idp.entity_id,
                    other.name()
                ),
            ));
        }
    }
    let entity = trusted
        .first()
        .map(|t| t.entity_id.clone())
        .unwrap_or_default();
    let known =
        |property: &str, default: Value| member(&body, &[property]).cloned().unwrap_or(default);
    let doc = json!({"name": name, "displayName": display_name, "type": "SAML2",
                     "template": known("template", json!("Custom")),
                     "enabled": known("enabled", json!(true)),
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
    fn iana_example_domains_serve_a_web_page() {
        assert!(serves_a_web_page("https://example.com/"));
        assert!(serves_a_web_page("http://www.example.org/metadata"));
        assert!(!serves_a_web_page("https://idp.example/metadata"));
        assert!(!serves_a_web_page("https://notexample.com/"));
    }

    #[test]
    fn trusted_identity_providers_are_read_from_either_configuration() {
        let object = json!({"identityProviders": [
            {"entityId": "https://idp/a", "metadataLocation": "https://idp/a/metadata"},
            {"entityId": "https://idp/b", "loadMetadata": false},
            {"EntityId": "https://idp/c"}]});
        assert_eq!(
            trusted(Some(&object)),
            vec![
                Trusted::new("https://idp/a", "https://idp/a/metadata", true),
                Trusted {
                    entity_id: "https://idp/b".into(),
                    metadata: None
                },
                Trusted::new("https://idp/c", "https://idp/c", true),
            ]
        );
        let xml = json!(
            r#"<identityProvider><saml2 entityId="sp"><identityProviders>
            <add entityId="https://idp/a" metadataLocation='https://idp/a/m' loadMetadata="true"/>
            <add entityId="https://idp/b" loadMetadata="false" />
            </identityProviders></saml2></identityProvider>"#
        );
        assert_eq!(
            trusted(Some(&xml)),
            vec![
                Trusted::new("https://idp/a", "https://idp/a/m", true),
                Trusted {
                    entity_id: "https://idp/b".into(),
                    metadata: None
                },
            ]
        );
        assert!(trusted(None).is_empty());
    }
}
