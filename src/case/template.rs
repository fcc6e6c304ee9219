//! `{variable}` placeholders: cases name seeded or discovered resources by variable, and the
//! sender substitutes their values just before sending.

use std::collections::BTreeMap;

/// `{name}` placeholders in a text (identifier characters only, so JSON braces never match).
pub fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    // Most texts hold no brace at all: a byte scan says so for less than the splitter's set-up.
    let text = if text.as_bytes().contains(&b'{') {
        text
    } else {
        ""
    };
    text.split('{').skip(1).filter_map(|rest| {
        let name = rest.split('}').next()?;
        let closed = rest.len() > name.len();
        let ident = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        (closed && ident).then_some(name)
    })
}

/// Replaces every `{name}` whose value is known; the names left unresolved are returned.
pub fn substitute(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    substitute_owned(text.to_string(), vars)
}

/// [`substitute`] of a text already owned: returned as it is when it names no variable.
pub fn substitute_owned(text: String, vars: &BTreeMap<String, String>) -> Result<String, String> {
    if placeholders(&text).next().is_none() {
        return Ok(text);
    }
    let mut out = text.clone();
    for name in placeholders(&text) {
        match vars.get(name) {
            Some(value) => out = out.replace(&format!("{{{name}}}"), value),
            None => return Err(name.to_string()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_ignore_json_braces() {
        let found: Vec<&str> = placeholders(r#"[{"op":"x"}] {a} {b_2} {} {1x}"#).collect();
        assert_eq!(found, vec!["a", "b_2"]);
        let vars = BTreeMap::from([("a".to_string(), "1".to_string())]);
        assert_eq!(substitute("/x/{a}", &vars), Ok("/x/1".to_string()));
        assert_eq!(substitute("/x/{b}", &vars), Err("b".to_string()));
    }
}
