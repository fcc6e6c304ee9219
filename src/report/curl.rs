//! A command that reproduces a request: `curl`, ready to paste, built from the request as it was
//! sent. Credentials never appear as values: the bearer token is `$VSPC_TOKEN` (or
//! `$VSPC_READONLY_TOKEN`), and a secret member of a body (a password, a refresh token...) or
//! a credential header is `$VSPC_<NAME>`, so the command is safe to paste into a ticket.

use super::{SECRET_HEADERS, SECRET_MEMBERS};
use crate::case::Credentials;
use crate::exchange::{INVALID_TOKEN, SentRequest, USER_AGENT};
use serde_json::Value;

/// What curl prints after the answer's body: the status it reproduces, on a line of its own.
pub const STATUS_LINE: &str = r"\nHTTP %{http_code}\n";

/// `curl -sS -w '\nHTTP %{http_code}\n' -g -X POST 'https://host/api/v3/...' -H ...
/// --data-binary '...'` on one line.
pub fn command(request: &SentRequest) -> String {
    // -w: the body alone does not say whether the status was reproduced.
    // -g: a URL with `[` or `{` is sent as it is, not expanded as a curl glob.
    let mut words = vec![
        "curl".to_string(),
        "-sS".to_string(),
        "-w".to_string(),
        quote(STATUS_LINE),
        "-g".to_string(),
    ];
    if request.url.contains("/.") {
        words.push("--path-as-is".into());
    }
    words.extend(["-X".into(), quote(&request.method), quote(&request.url)]);
    match request.credentials {
        Credentials::Default => words.push(header_var("Authorization: Bearer ", "VSPC_TOKEN")),
        Credentials::ReadOnly => {
            words.push(header_var("Authorization: Bearer ", "VSPC_READONLY_TOKEN"))
        }
        Credentials::Invalid => {
            words.push(header(&format!("Authorization: Bearer {INVALID_TOKEN}")))
        }
        Credentials::None => {}
        Credentials::Role(role) => words.push(header_var(
            "Authorization: Bearer ",
            &format!("VSPC_TOKEN_{}", role.as_str().to_ascii_uppercase()),
        )),
    }
    words.push(header(&format!("User-Agent: {USER_AGENT}")));
    for (name, value) in &request.headers {
        if is_secret(name, &SECRET_HEADERS) {
            words.push(header_var(&format!("{name}: "), &variable(name)));
        } else {
            words.push(header(&format!("{name}: {value}")));
        }
    }
    if let Some(body) = &request.body {
        let form = request
            .content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if form {
            form_words(body, &mut words);
        } else {
            words.push("--data-binary".into());
            words.push(json_or_text(body));
        }
    }
    words.join(" ")
}

/// A form body pair by pair, in order (curl joins them with `&`): as sent, but a secret value
/// is taken from its variable and encoded by curl.
fn form_words(body: &str, words: &mut Vec<String>) {
    for pair in body.split('&') {
        let key = pair.split('=').next().unwrap_or(pair);
        if is_secret(key, &SECRET_MEMBERS) {
            words.push("--data-urlencode".into());
            words.push(format!("\"{key}=${}\"", variable(key)));
        } else {
            words.push("-d".into());
            words.push(quote(pair));
        }
    }
}

/// A JSON body with every secret string member taken from its variable; any other body as it
/// was sent.
fn json_or_text(body: &str) -> String {
    let Ok(mut json) = serde_json::from_str::<Value>(body) else {
        return quote(body);
    };
    let mut found = Vec::new();
    mark_secrets(&mut json, &mut found);
    if found.is_empty() {
        return quote(body);
    }
    // Each secret value became a marker; the text is quoted around each one, which is replaced
    // by its variable, double-quoted so the shell expands it inside the JSON string.
    let mut text = quote(&json.to_string());
    for (i, key) in found.iter().enumerate() {
        text = text.replacen(&marker(i), &format!("'\"${}\"'", variable(key)), 1);
    }
    text
}

fn mark_secrets(value: &mut Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret(key, &SECRET_MEMBERS) && v.is_string() {
                    *v = Value::String(marker(found.len()));
                    found.push(key.clone());
                } else {
                    mark_secrets(v, found);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mark_secrets(v, found)),
        _ => {}
    }
}

fn marker(i: usize) -> String {
    format!("\u{e000}vspc-conformance-secret-{i}\u{e000}")
}

fn is_secret(name: &str, secrets: &[&str]) -> bool {
    secrets.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// `refresh_token` -> `VSPC_REFRESH_TOKEN`, `apiKey` -> `VSPC_API_KEY`, `X-Api-Key` ->
/// `VSPC_X_API_KEY`.
fn variable(name: &str) -> String {
    let mut out = String::from("VSPC_");
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            out.push('_');
            previous_lower = false;
        }
    }
    out
}

fn header(text: &str) -> String {
    format!("-H {}", quote(text))
}

/// A header whose value is a variable: double quotes, so the shell expands it.
fn header_var(prefix: &str, variable: &str) -> String {
    format!(
        "-H \"{}${variable}\"",
        prefix.replace(['"', '$', '`', '\\'], "")
    )
}

/// Single quotes: nothing inside is expanded; a `'` itself is closed, escaped and reopened.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(
        credentials: Credentials,
        content_type: Option<&str>,
        body: Option<&str>,
    ) -> SentRequest {
        SentRequest {
            method: "POST".into(),
            path: "/token".into(),
            query: Vec::new(),
            credentials,
            content_type: content_type.map(str::to_string),
            url: "http://127.0.0.1:1280/api/v3/token".into(),
            headers: content_type
                .map(|c| ("content-type".to_string(), c.to_string()))
                .into_iter()
                .collect(),
            body: body.map(str::to_string),
        }
    }

    #[test]
    fn credentials_are_variables_never_values() {
        let form = "application/x-www-form-urlencoded";
        let login = sent(
            Credentials::None,
            Some(form),
            Some("grant_type=password&username=admin&password=hunter%202"),
        );
        let shown = command(&login);
        assert!(!shown.contains("hunter"), "{shown}");
        assert!(
            shown.ends_with(
                "-d 'grant_type=password' -d 'username=admin' --data-urlencode \"password=$VSPC_PASSWORD\""
            ),
            "{shown}"
        );
        let json = sent(
            Credentials::Default,
            Some("application/json"),
            Some(r#"{"login":"x","password":"It's-s3cret"}"#),
        );
        let shown = command(&json);
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(
            shown.contains("-H \"Authorization: Bearer $VSPC_TOKEN\""),
            "{shown}"
        );
        assert!(
            shown.ends_with(r#"--data-binary '{"login":"x","password":"'"$VSPC_PASSWORD"'"}'"#),
            "{shown}"
        );
    }

    #[test]
    fn quotes_survive_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(variable("refresh_token"), "VSPC_REFRESH_TOKEN");
        assert_eq!(variable("apiKey"), "VSPC_API_KEY");
        assert_eq!(variable("X-Api-Key"), "VSPC_X_API_KEY");
    }
}
