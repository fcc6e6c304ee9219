//! JSON Patch (RFC 6902) as the console applies it to a resource: paths may omit the leading
//! slash and match property names case-insensitively (`/Description` finds `description`);
//! read-only properties and properties the resource's model does not have cannot be changed;
//! a value of the wrong type cannot be set. Any failure is a 1001 whose `failedJsonPatch` is the
//! operation as sent. The patch is atomic: the resource changes only when every operation applies.

use super::error::ApiError;
use super::state::Model;
use super::state::type_problem;
use serde_json::Value;

pub(super) const TRIGGERS: &[super::Trigger] = &[super::Trigger {
    code: 1001,
    method: "PATCH",
    path: "*",
    trigger: "a patch of a modelled resource (company, location, user, organization policy, identity provider) that changes a read-only property, touches one the resource does not have, sets a wrong type, or whose `test` fails; `failedJsonPatch` is the operation",
    delivery: super::Delivery::Answer,
}];

/// What the patched document is.
#[derive(Clone, Copy)]
pub enum Schema {
    /// A modelled resource: its representation's properties only, read-only ones excepted.
    Model(&'static Model),
    /// A resource the mock does not model: any property may be added.
    Open,
}

/// Applies `operations` (already checked for `op`, `path`, `value`, `from`) to a copy of `doc`.
pub fn apply(doc: &Value, operations: &[Value], schema: Schema) -> Result<Value, ApiError> {
    let mut patched = doc.clone();
    for operation in operations {
        apply_one(&mut patched, operation, schema)?;
    }
    Ok(patched)
}

fn member<'a>(operation: &'a Value, key: &str) -> &'a str {
    operation
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The path as the documented messages show it: without the leading slash.
fn shown(path: &str) -> &str {
    path.strip_prefix('/').unwrap_or(path)
}

fn not_updated(operation: &Value, path: &str) -> ApiError {
    ApiError::patch_failed(
        operation.clone(),
        format!(
            "The property at path '{}' could not be updated.",
            shown(path)
        ),
    )
}

fn apply_one(doc: &mut Value, operation: &Value, schema: Schema) -> Result<(), ApiError> {
    let op = member(operation, "op").to_ascii_lowercase();
    let path = member(operation, "path");
    let fail = || not_updated(operation, path);
    let tokens = pointer(path);
    let value = operation.get("value").cloned().unwrap_or(Value::Null);
    let resolved = resolve(doc, &tokens);
    if op == "test" {
        let equal = resolved
            .as_deref()
            .and_then(|r| get(doc, r))
            .is_some_and(|v| *v == value);
        return if equal {
            Ok(())
        } else {
            Err(ApiError::patch_failed(
                operation.clone(),
                format!(
                    "The value at path '{}' is not equal to the test value.",
                    shown(path)
                ),
            ))
        };
    }
    if read_only(schema, &tokens) {
        return Err(fail());
    }
    match op.as_str() {
        "add" => add(doc, &tokens, value, schema).ok_or_else(fail)?,
        "replace" => {
            let target = resolved.ok_or_else(fail)?;
            *get_mut(doc, &target).ok_or_else(fail)? = value;
        }
        "remove" => remove(doc, resolved.as_deref().ok_or_else(fail)?, schema).ok_or_else(fail)?,
        "move" | "copy" => {
            let from_path = member(operation, "from");
            let from = pointer(from_path);
            let from_fail = || not_updated(operation, from_path);
            let source = resolve(doc, &from).ok_or_else(from_fail)?;
            let moved = get(doc, &source).cloned().ok_or_else(from_fail)?;
            if op == "move" {
                if read_only(schema, &from)
                    || tokens.starts_with(&from) && tokens.len() > from.len()
                {
                    return Err(from_fail());
                }
                remove(doc, &source, schema).ok_or_else(from_fail)?;
            }
            add(doc, &tokens, moved, schema).ok_or_else(fail)?;
        }
        _ => return Err(fail()),
    }
    if let Schema::Model(model) = schema {
        let top = tokens.first().map(String::as_str).unwrap_or_default();
        if let Some(property) = model.property(top) {
            let now = doc
                .as_object()
                .and_then(|o| find_key(o, top))
                .and_then(|k| doc.get(k));
            let broken = match now {
                None | Some(Value::Null) => property.required || !property.nullable,
                Some(v) => type_problem(property.ty, v).is_some(),
            };
            if broken {
                return Err(fail());
            }
        }
    }
    Ok(())
}

/// The reference tokens of a JSON Pointer; the leading slash is optional, as in ASP.NET.
fn pointer(path: &str) -> Vec<String> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    path.split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn find_key<'a>(object: &'a serde_json::Map<String, Value>, token: &str) -> Option<&'a str> {
    if object.contains_key(token) {
        return object.get_key_value(token).map(|(k, _)| k.as_str());
    }
    object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(token))
        .map(String::as_str)
}

/// The tokens with object keys spelt as in `doc`; None when the location does not exist.
fn resolve(doc: &Value, tokens: &[String]) -> Option<Vec<String>> {
    let mut at = doc;
    let mut out = Vec::with_capacity(tokens.len());
    for token in tokens {
        match at {
            Value::Object(object) => {
                let key = find_key(object, token)?;
                at = object.get(key)?;
                out.push(key.to_string());
            }
            Value::Array(items) => {
                let index: usize = token.parse().ok()?;
                at = items.get(index)?;
                out.push(token.clone());
            }
            _ => return None,
        }
    }
    Some(out)
}

fn get<'a>(doc: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    tokens.iter().try_fold(doc, |at, t| match at {
        Value::Object(o) => o.get(t),
        Value::Array(items) => items.get(t.parse::<usize>().ok()?),
        _ => None,
    })
}

fn get_mut<'a>(doc: &'a mut Value, tokens: &[String]) -> Option<&'a mut Value> {
    tokens.iter().try_fold(doc, |at, t| match at {
        Value::Object(o) => o.get_mut(t),
        Value::Array(items) => items.get_mut(t.parse::<usize>().ok()?),
        _ => None,
    })
}

fn read_only(schema: Schema, tokens: &[String]) -> bool {
    match (schema, tokens.first()) {
        (Schema::Model(model), Some(top)) => {
            model.read_only.iter().any(|r| r.eq_ignore_ascii_case(top))
        }
        (_, None) => true,
        (Schema::Open, Some(_)) => false,
    }
}

fn add(doc: &mut Value, tokens: &[String], value: Value, schema: Schema) -> Option<()> {
    let (last, parent_tokens) = tokens.split_last()?;
    let parent_path = resolve(doc, parent_tokens)?;
    let top_level = parent_tokens.is_empty();
    match get_mut(doc, &parent_path)? {
        Value::Object(object) => {
            let key = find_key(object, last).map(str::to_string);
            match (key, schema) {
                (Some(key), _) => {
                    object.insert(key, value);
                }
                // A typed resource has no room for properties its model lacks.
                (None, Schema::Model(_)) if top_level => return None,
                (None, _) => {
                    object.insert(last.clone(), value);
                }
            }
        }
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse().ok()?
            };
            if index > items.len() {
                return None;
            }
            items.insert(index, value);
        }
        _ => return None,
    }
    Some(())
}

fn remove(doc: &mut Value, resolved: &[String], schema: Schema) -> Option<()> {
    let (last, parent) = resolved.split_last()?;
    let top_level = parent.is_empty();
    match get_mut(doc, parent)? {
        // Removing a property of a typed resource resets it to null.
        Value::Object(object) if top_level && matches!(schema, Schema::Model(_)) => {
            *object.get_mut(last)? = Value::Null;
        }
        Value::Object(object) => {
            object.remove(last)?;
        }
        Value::Array(items) => {
            let index: usize = last.parse().ok()?;
            (index < items.len()).then(|| items.remove(index))?;
        }
        _ => return None,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::state::{COMPANY, USER, company_doc};
    use serde_json::json;

    fn company() -> Value {
        company_doc(
            "5eed0001-0000-4000-8000-000000000001",
            "Acme Corp",
            &serde_json::Map::new(),
        )
    }

    fn failure(result: Result<Value, ApiError>) -> (u16, String, Option<Value>) {
        match result.unwrap_err() {
            ApiError::Vspc(e) => (e.code, e.message, e.failed_json_patch),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn replacing_with_any_path_spelling_works() {
        let ops = [
            json!({"op": "replace", "path": "/Name", "value": "Acme Ltd"}),
            json!({"op": "replace", "path": "alias", "value": "acme-ltd"}),
            json!({"op": "test", "path": "/name", "value": "Acme Ltd"}),
        ];
        let patched = apply(&company(), &ops, Schema::Model(&COMPANY)).unwrap();
        assert_eq!(patched["name"], "Acme Ltd");
        assert_eq!(patched["alias"], "acme-ltd");
    }

    #[test]
    fn read_only_properties_fail_with_the_documented_message() {
        let op = json!({"op": "replace", "path": "/instanceUid", "value": "x"});
        let (code, message, failed) = failure(apply(
            &company(),
            std::slice::from_ref(&op),
            Schema::Model(&COMPANY),
        ));
        assert_eq!(code, 1001);
        assert_eq!(
            message,
            "The property at path 'instanceUid' could not be updated."
        );
        assert_eq!(failed, Some(op));
        let doc = crate::mock::state::user_doc("u", "o", "l", "companyOwner");
        let documented = json!({"value": "NotConfigured", "path": "mfaPolicyConfigurationStatus", "op": "replace"});
        let (_, message, _) = failure(apply(&doc, &[documented], Schema::Model(&USER)));
        assert_eq!(
            message,
            "The property at path 'mfaPolicyConfigurationStatus' could not be updated."
        );
    }

    #[test]
    fn failing_operations_are_reported_and_nothing_changes() {
        for op in [
            json!({"op": "test", "path": "/name", "value": "Globex"}),
            json!({"op": "replace", "path": "/noSuchProperty", "value": 1}),
            json!({"op": "add", "path": "/noSuchProperty", "value": 1}),
            json!({"op": "replace", "path": "/name", "value": 5}),
            json!({"op": "remove", "path": "/name"}),
            json!({"op": "move", "from": "/nothing", "path": "/alias"}),
            json!({"op": "replace", "path": "", "value": {}}),
        ] {
            let (code, _, failed) = failure(apply(
                &company(),
                std::slice::from_ref(&op),
                Schema::Model(&COMPANY),
            ));
            assert_eq!((code, failed), (1001, Some(op)));
        }
    }

    #[test]
    fn open_documents_take_new_properties_and_arrays() {
        let ops = [
            json!({"op": "add", "path": "/tags", "value": ["a"]}),
            json!({"op": "add", "path": "/tags/-", "value": "b"}),
            json!({"op": "copy", "from": "/tags/0", "path": "/first"}),
            json!({"op": "remove", "path": "/tags/0"}),
        ];
        let patched = apply(&json!({}), &ops, Schema::Open).unwrap();
        assert_eq!(patched, json!({"tags": ["b"], "first": "a"}));
    }
}
