//! `POST /token`'s errors, as RFC 6749 §5.2 shapes them: `{"error", "error_description"}`,
//! with the status the RFC gives each error.

use super::*;

impl Judge<'_> {
    pub(super) fn oauth2(&self, accepted: &[String], body: Option<&Value>) -> Vec<CheckResult> {
        let observed = self.observed;
        let object = body
            .and_then(Value::as_object)
            .filter(|o| o.contains_key("error"));
        let error = object.and_then(|o| o.get("error")).and_then(Value::as_str);
        let wanted = self.expect.wanted_status();
        let status = CheckResult::new(Check::Status, Verdict::Pass)
            .expected(wanted)
            .actual(observed.status);
        let status = match observed.status {
            s if s == wanted => status,
            401 if error == Some("invalid_client") && self.expect.status.is_none() => status,
            _ if self.expect.status.is_some() => self
                .mismatch(status, self.source(Claim::Status))
                .note(format!("the case expects HTTP {wanted}")),
            _ => self
                .fail(status, &fact::OAUTH2_STATUS)
                .note("POST /token answers OAuth2 errors with 400"),
        };
        let envelope = self.oauth2_envelope(body);
        let not_applicable = |check| {
            CheckResult::new(check, Verdict::Skip).note("OAuth2 errors carry no VSPC type or field")
        };
        let (code, message) = match object {
            None => (no_subject(Check::Code), no_subject(Check::Message)),
            Some(o) => {
                let actual = o.get("error").cloned().unwrap_or(Value::Null);
                let code = CheckResult::new(Check::Code, Verdict::Pass)
                    .expected(match accepted {
                        [one] => Value::from(one.as_str()),
                        many => Value::from(many.to_vec()),
                    })
                    .actual(actual);
                let code = match error {
                    Some(e) if accepted.iter().any(|a| a == e) => code,
                    Some(e) if OAUTH2_ERRORS.contains(&e) => {
                        self.mismatch(code, self.source(Claim::Code))
                    }
                    _ => self
                        .fail(code, &fact::OAUTH2_CODES)
                        .note("not an error code of RFC 6749 §5.2"),
                };
                (code, self.oauth2_description(o))
            }
        };
        vec![
            status,
            envelope,
            not_applicable(Check::Type),
            code,
            not_applicable(Check::Field),
            message,
        ]
    }

    pub(super) fn oauth2_envelope(&self, body: Option<&Value>) -> CheckResult {
        let result = CheckResult::new(Check::Envelope, Verdict::Pass);
        let fail = |note: String| self.fail(result.clone(), &fact::OAUTH2_SHAPE).note(note);
        let body = match self.json(body, &fact::OAUTH2_SHAPE) {
            Ok((body, _)) => body,
            Err(failed) => return *failed,
        };
        if body.get("errors").is_some() {
            return fail("a VSPC error envelope; POST /token answers with the OAuth2 shape {\"error\", \"error_description\"}".into());
        }
        let violations = Contract::get().oauth2_violations(body);
        if !violations.is_empty() {
            return fail(format!("not an OAuth2 error: {}", violations.join("; ")));
        }
        result
    }

    pub(super) fn oauth2_description(&self, object: &Map<String, Value>) -> CheckResult {
        let mut result = CheckResult::new(Check::Message, Verdict::Pass);
        let pattern = self.expect.message.as_ref();
        if let Some(pattern) = pattern {
            result = result.expected(format!("/{}/", pattern.as_str()));
        }
        match object.get("error_description").and_then(Value::as_str) {
            Some(text) => {
                result = result.actual(text);
                if let Some(pattern) = pattern
                    && !pattern.is_match(text)
                {
                    return self
                        .mismatch(result, self.source(Claim::Message))
                        .note("the description does not match");
                }
                result
            }
            None if pattern.is_some() => self
                .mismatch(result, self.source(Claim::Message))
                .note("no `error_description`"),
            None => result.note("no `error_description` (optional in RFC 6749 §5.2)"),
        }
    }
}
