//! The VSPC error contract's checks: the status rule, the envelope schema, the error type, the
//! code, the member naming the input, and the message (a 404's names the missing resource).

use super::*;
use crate::case::Field;

impl Judge<'_> {
    pub(super) fn vspc(&self, code: u16, body: Option<&Value>) -> Vec<CheckResult> {
        let errors = body.and_then(|b| b.get("errors")).and_then(Value::as_array);
        // The error under test: the one with the expected code that names the expected input,
        // else the one with the expected code, else the first.
        let has_code = |e: &&Value| e.get("code").and_then(Value::as_i64) == Some(i64::from(code));
        let names_field = |e: &&Value| match &self.expect.field {
            Some(field) => e
                .get(field.member())
                .and_then(Value::as_str)
                .is_some_and(|named| match field {
                    Field::Property(wanted) => property_naming(named, wanted) != Naming::Other,
                    Field::Parameter(wanted) => named.eq_ignore_ascii_case(wanted),
                }),
            None => true,
        };
        let subject = errors.and_then(|list| {
            list.iter()
                .find(|e| has_code(e) && names_field(e))
                .or_else(|| list.iter().find(has_code))
                .or_else(|| list.first())
                .and_then(Value::as_object)
        });
        let answered = subject.and_then(|s| s.get("code")).and_then(Value::as_i64);
        // Claims about the case's own error hold only when that error is the one answered; any
        // other code is judged by its own rules.
        let same = answered == Some(i64::from(code));
        let rules_of = answered
            .and_then(|c| u16::try_from(c).ok())
            .and_then(|c| Contract::get().code(c));
        let mut results = vec![
            self.status_check(code, answered),
            self.envelope_check(body),
            self.type_check(code, same, rules_of, subject),
            self.code_check(code, subject),
            self.field_check(same, rules_of, subject),
            self.message_check(same, rules_of, subject),
        ];
        // Every other error of the answer is judged by its own code's rules: one that breaks
        // them fails its check as the subject would.
        let others = errors
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .filter(|e| subject.is_none_or(|s| !std::ptr::eq(*e, s)));
        for (i, other) in others.enumerate() {
            let rules = other
                .get("code")
                .and_then(Value::as_i64)
                .and_then(|c| u16::try_from(c).ok())
                .and_then(|c| Contract::get().code(c));
            let Some(rules) = rules else {
                continue;
            };
            let judged = [
                self.type_check(rules.code, false, Some(rules), Some(other)),
                self.field_check(false, Some(rules), Some(other)),
                self.message_check(false, Some(rules), Some(other)),
            ];
            for verdict in judged.into_iter().filter(|r| r.verdict == Verdict::Fail) {
                if let Some(slot) = results
                    .iter_mut()
                    .find(|r| r.check == verdict.check && r.verdict != Verdict::Fail)
                {
                    let note = verdict.note.clone().unwrap_or_default();
                    *slot = CheckResult {
                        note: Some(format!("another error of the answer (#{}): {note}", i + 2)),
                        ..verdict
                    };
                }
            }
        }
        results
    }

    pub(super) fn status_check(&self, code: u16, answered: Option<i64>) -> CheckResult {
        let actual = self.observed.status;
        let wanted = self.expect.wanted_status();
        let result = CheckResult::new(Check::Status, Verdict::Pass)
            .expected(wanted)
            .actual(actual);
        if (500..=599).contains(&actual) && actual != 520 {
            return self.fail(result, &fact::SERVER_STATUS).note(format!(
                "server errors travel as 520 on the wire, never {actual}"
            ));
        }
        let Some(body_code) = answered else {
            // No code to hold the status against: the case's own claim decides.
            if actual == wanted {
                return result;
            }
            if self
                .expect
                .inconclusive_on
                .iter()
                .any(|&c| status_for_code(i64::from(c)) == actual)
            {
                return result.note(format!(
                    "HTTP {actual} is the status of a check made first: what the case breaks was not reached"
                ));
            }
            if self
                .expect
                .tolerate
                .iter()
                .any(|&c| status_for_code(i64::from(c)) == actual)
            {
                return self.deviation(result, &fact::ORDER_OF_CHECKS).note(format!(
                    "HTTP {actual} is the status of a code the case tolerates"
                ));
            }
            return self
                .mismatch(result, self.source(Claim::Code))
                .note(format!("code {code} travels with HTTP {wanted}"));
        };
        // Every case expecting 403 sends a token the console accepts (a role's, checked before
        // the run, or the run's read-only one): a 401 denies the token, not the access.
        if code == 403 && (actual == 401 || body_code == 401) {
            return self.fail(result, &fact::REFUSED_NOT_UNAUTHORIZED).note(
                "a valid token refused with 401: a role the operation does not admit is 403",
            );
        }
        if body_code == i64::from(code)
            && let Some(stated) = self.expect.status
        {
            if actual == stated {
                return result;
            }
            return self
                .mismatch(result, self.source(Claim::Status))
                .note(format!("the case expects HTTP {stated} for code {code}"));
        }
        let rule = status_for_code(body_code);
        if actual == rule {
            return match body_code == i64::from(code) {
                true => result,
                false => result.note(format!(
                    "HTTP {actual} is right for the code answered ({body_code}); the code check judges the code"
                )),
            };
        }
        if body_code >= 1000 && (400..=499).contains(&actual) {
            let source = self.readings.custom_code_status();
            return self.mismatch(result, &source).note(format!(
                "custom code {body_code} travelled with {actual}, not 520"
            ));
        }
        let source = if (400..=499).contains(&body_code) {
            &fact::CLIENT_STATUS
        } else {
            &fact::SERVER_STATUS
        };
        self.fail(result, source).note(format!(
            "the body's code {body_code} travels with HTTP {rule}, but came with {actual}"
        ))
    }

    /// The body, when it is JSON sent as JSON (and whether as `application/json` itself), else
    /// the failed envelope check that says why not.
    pub(super) fn json<'b>(
        &self,
        body: Option<&'b Value>,
        shape: &Source,
    ) -> Result<(&'b Value, bool), Box<CheckResult>> {
        let observed = self.observed;
        let result = CheckResult::new(Check::Envelope, Verdict::Pass);
        if observed.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Box::new(self.fail(result, shape).note("the body is empty")));
        }
        let Some(body) = body else {
            let note = format!("the body is not JSON: {}", excerpt(observed.body));
            return Err(Box::new(self.fail(result, shape).note(note)));
        };
        match is_json_media_type(observed.content_type) {
            Ok(media) => Ok((body, media)),
            Err(note) => Err(Box::new(self.fail(result, &fact::JSON_BODY).note(note))),
        }
    }

    pub(super) fn envelope_check(&self, body: Option<&Value>) -> CheckResult {
        let observed = self.observed;
        let result = CheckResult::new(Check::Envelope, Verdict::Pass);
        let fail = |note: String| self.fail(result.clone(), &fact::ENVELOPE).note(note);
        let (body, media) = match self.json(body, &fact::ENVELOPE) {
            Ok(json) => json,
            Err(failed) => return *failed,
        };
        if body.get("errors").is_none()
            && let Some(error) = body.get("error")
        {
            if let Some(kind) = error.as_str() {
                return fail(format!("an OAuth2 error (`{kind}`), not the VSPC envelope"));
            }
            let what = error.get("code").and_then(Value::as_str).unwrap_or("error");
            let message = error.get("message").and_then(Value::as_str).unwrap_or("");
            return fail(format!(
                "a foreign error object ({what}: {message}), not the VSPC envelope"
            ));
        }
        let violations = Contract::get().envelope_violations(body);
        if !violations.is_empty() {
            let shown: Vec<&str> = violations.iter().take(3).map(String::as_str).collect();
            return fail(format!("not a VSPC error envelope: {}", shown.join("; ")));
        }
        if !media {
            return self.mismatch(result, &fact::JSON_SUBTYPE).note(format!(
                "Content-Type {} is a JSON type, but not application/json",
                observed.content_type.unwrap_or("")
            ));
        }
        result
    }

    pub(super) fn type_check(
        &self,
        code: u16,
        same: bool,
        rules_of: Option<&CodeInfo>,
        subject: Option<&Map<String, Value>>,
    ) -> CheckResult {
        let Some(subject) = subject else {
            return no_subject(Check::Type);
        };
        let claimed = match (same, self.expect.error_type) {
            (true, Some(wanted)) => Some((wanted, self.source(Claim::Type).clone())),
            _ => rules_of.and_then(|info| Some((info.usual_type?, info.type_source.clone()?))),
        };
        let mut result = CheckResult::new(Check::Type, Verdict::Pass);
        if let Some((wanted, _)) = &claimed {
            result.expected = Some(Shown::Name(wanted.as_str()));
        }
        let Some(actual) = subject.get("type") else {
            return self
                .fail(result, &fact::ENVELOPE)
                .note("the error has no `type`");
        };
        // A type spelt as the spec enum spells it is shown by that name, without a copy.
        let canonical = ErrorType::ALL
            .into_iter()
            .map(ErrorType::as_str)
            .find(|name| actual.as_str() == Some(*name));
        result.actual = Some(match canonical {
            Some(name) => Shown::Name(name),
            None => Shown::Json(actual.clone()),
        });
        let Some(text) = actual.as_str() else {
            return self
                .fail(result, &fact::TYPE_ENUM)
                .note("`type` is not a string");
        };
        let Some(parsed) = ErrorType::parse(text) else {
            let names = ErrorType::ALL.map(ErrorType::as_str).join(", ");
            return self
                .fail(result, &fact::TYPE_ENUM)
                .note(format!("`{text}` is not an error type ({names})"));
        };
        if let Some((wanted, source)) = &claimed
            && parsed != *wanted
        {
            let note = match same && self.expect.error_type.is_some() {
                true => format!("the case expects type `{wanted}`"),
                false => format!(
                    "code {} has type `{wanted}`",
                    rules_of.map_or(code, |c| c.code)
                ),
            };
            return self.mismatch(result, source).note(note);
        }
        if !is_documented_spelling(text) {
            return self.mismatch(result, &fact::TYPE_CASING).note(format!(
                "spelt `{text}`; the spec enum spells `{}`",
                parsed.as_str()
            ));
        }
        if claimed.is_none() {
            return result.note("no source fixes a type for this code; any known type passes");
        }
        result
    }

    pub(super) fn code_check(
        &self,
        code: u16,
        subject: Option<&Map<String, Value>>,
    ) -> CheckResult {
        let Some(subject) = subject else {
            return no_subject(Check::Code);
        };
        let result = CheckResult::new(Check::Code, Verdict::Pass).expected(code);
        let Some(actual) = subject.get("code") else {
            return self
                .fail(result, &fact::ENVELOPE)
                .note("the error has no `code`");
        };
        let result = result.actual(actual.clone());
        let Some(answered) = actual.as_i64() else {
            return self
                .fail(result, &fact::CODE_INTEGER)
                .note("`code` is not an integer");
        };
        if answered == i64::from(code) {
            return result;
        }
        let Some(known) = u16::try_from(answered)
            .ok()
            .filter(|c| Contract::get().code(*c).is_some())
        else {
            return self
                .fail(result, &fact::CODE_TABLE)
                .note(format!("{answered} is not a code of the catalogue"));
        };
        if self.expect.inconclusive_on.contains(&known) {
            return CheckResult::new(Check::Code, Verdict::Skip)
                .expected(code)
                .actual(answered)
                .note(format!(
                    "{known}: the console checked something else first; what the case breaks was not reached"
                ));
        }
        if self.expect.tolerate.contains(&known) {
            return self.deviation(result, &fact::ORDER_OF_CHECKS).note(format!(
                "{known} is a code the case tolerates: the console checked something else first"
            ));
        }
        self.mismatch(result, self.source(Claim::Code))
    }

    pub(super) fn field_check(
        &self,
        same: bool,
        rules_of: Option<&CodeInfo>,
        subject: Option<&Map<String, Value>>,
    ) -> CheckResult {
        let Some(subject) = subject else {
            return no_subject(Check::Field);
        };
        let (parameter, property) = (subject.get("parameterName"), subject.get("propertyName"));
        let shown: Vec<(&'static str, Value)> =
            [("parameterName", parameter), ("propertyName", property)]
                .into_iter()
                .filter_map(|(member, value)| Some((member, value?.clone())))
                .collect();
        let mut result = CheckResult::new(Check::Field, Verdict::Pass);
        if !shown.is_empty() {
            result.actual = Some(Shown::Object(shown));
        }
        if parameter.is_some() && property.is_some() {
            return self.fail(result, &fact::ONE_NAME).note(
                "both `parameterName` and `propertyName`; propertyName replaces parameterName, never both",
            );
        }
        if let Some(info) = rules_of {
            for rule in &info.members {
                if rule.one_of.iter().any(|m| subject.contains_key(m.as_str())) {
                    continue;
                }
                let names = rule.one_of.join("` or `");
                let source = match rule.one_of.iter().any(|m| m == "retryAfter") {
                    true => self.readings.retry_after(&rule.source),
                    false => rule.source.clone(),
                };
                return self
                    .mismatch(result, &source)
                    .expected(serde_json::json!({ "member": rule.one_of }))
                    .note(format!(
                        "a {} error carries `{names}`; this one has none",
                        info.code
                    ));
            }
        }
        let Some(field) = self.expect.field.as_ref().filter(|_| same) else {
            return result;
        };
        result.expected = Some(Shown::Object(vec![(
            field.member(),
            Value::from(field.value()),
        )]));
        let actual = subject.get(field.member()).and_then(Value::as_str);
        if actual == Some(field.value()) {
            return result;
        }
        if let (Field::Property(wanted), Some(a)) = (field, actual) {
            return match property_naming(a, wanted) {
                Naming::Full => result,
                Naming::Partial(how) => self
                    .deviation(result, &fact::PROPERTY_FORM)
                    .note(format!("names `{a}`: {how} of `{wanted}`")),
                Naming::Parent => self
                    .mismatch(result, self.source(Claim::Field))
                    .note(format!(
                        "names `{a}`, the object around `{wanted}`, not the property"
                    )),
                Naming::Other => self
                    .mismatch(result, self.source(Claim::Field))
                    .note(format!("names `{a}`, not `{wanted}`")),
            };
        }
        if let (Field::Property(wanted), None, Some(Value::String(named))) =
            (field, actual, parameter)
        {
            return self
                .mismatch(result, self.source(Claim::Field))
                .note(format!(
                    "names the body property `{named}` with `parameterName`; a body property is named by `propertyName` (`{wanted}`)"
                ));
        }
        if let Some(a) = actual
            && a.eq_ignore_ascii_case(field.value())
        {
            return self.mismatch(result, &fact::FIELD_CASING).note(format!(
                "names `{a}`, spelt `{}` by the spec",
                field.value()
            ));
        }
        let other = match field.member() {
            "parameterName" => property,
            _ => parameter,
        };
        // Another input of the operation named instead: the console validated it first, and
        // the contract orders no checks.
        let named_instead = match (parameter, property) {
            (Some(Value::String(name)), None) => Some(Input::Parameter(name)),
            (None, Some(Value::String(_))) => Some(Input::Body),
            _ => None,
        };
        if let Some(input) = named_instead
            && self.is_another_input(input)
        {
            return self
                .deviation(result, &fact::ORDER_OF_CHECKS)
                .note("names another input of the operation: the console checked it first");
        }
        let note = match (actual, other) {
            (Some(a), _) => format!("names `{a}`, not `{}`", field.value()),
            (None, Some(_)) => format!(
                "names the wrong kind of input: expected `{}`",
                field.member()
            ),
            (None, None) => format!("no `{}`", field.member()),
        };
        self.mismatch(result, self.source(Claim::Field)).note(note)
    }

    /// Whether the operation answered has this input: a path or query parameter of that name,
    /// or a body.
    pub(super) fn is_another_input(&self, input: Input) -> bool {
        let path = self.observed.path.split('?').next().unwrap_or("");
        let catalogue = Contract::get().catalogue(self.readings.version);
        let Route::Found(op, _) =
            catalogue.route(self.observed.method, path, TrailingSlash::Ignored)
        else {
            return false;
        };
        match input {
            Input::Parameter(name) => {
                op.path_parameters
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case(name))
                    || op
                        .query_parameters()
                        .any(|p| p.name.eq_ignore_ascii_case(name))
            }
            Input::Body => op.body.is_some(),
        }
    }

    pub(super) fn message_check(
        &self,
        same: bool,
        rules_of: Option<&CodeInfo>,
        subject: Option<&Map<String, Value>>,
    ) -> CheckResult {
        let Some(subject) = subject else {
            return no_subject(Check::Message);
        };
        let pattern = self.expect.message.as_ref().filter(|_| same);
        let mut result = CheckResult::new(Check::Message, Verdict::Pass);
        if let Some(pattern) = pattern {
            result = result.expected(format!("/{}/", pattern.as_str()));
        }
        let Some(actual) = subject.get("message") else {
            if rules_of.is_some_and(|info| info.code == 429) {
                return self
                    .deviation(result, &fact::MESSAGE_429)
                    .note("no `message`, as in the documented 429 example");
            }
            return self
                .fail(result, &fact::MESSAGE_PRESENT)
                .note("the error has no `message`");
        };
        result = result.actual(actual.clone());
        let Some(text) = actual.as_str() else {
            return self
                .fail(result, &fact::MESSAGE_PRESENT)
                .note("`message` is not a string");
        };
        if text.trim().is_empty() {
            return self
                .fail(result, &fact::MESSAGE_PRESENT)
                .note("`message` is empty");
        }
        if rules_of.is_some_and(|info| info.missing_resource)
            && !names_resource(text, self.observed, self.readings.version)
        {
            return self
                .fail(result, &fact::MESSAGE_NAMES_RESOURCE)
                .note("the message names neither the id sent nor the kind of resource");
        }
        if let Some(pattern) = pattern
            && !pattern.is_match(text)
        {
            return self
                .mismatch(result, self.source(Claim::Message))
                .note("the message does not match");
        }
        result
    }
}

/// How a `propertyName` names the property a case broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Naming {
    /// By its full path, in any of the forms (dotted, JSON Pointer, JSONPath) and any case.
    Full,
    /// By part of it (the leaf, a path without the item's index, a path with a prefix).
    Partial(&'static str),
    /// By an object around it.
    Parent,
    /// Something else.
    Other,
}

/// The steps of a property path in any of its forms, in lower case: `organizationInput.name`,
/// `items[0].name`, `/items/0/name`, `$.items[0].name`, `$['items'][0]['name']`.
pub(super) fn path_steps(text: &str) -> Vec<String> {
    let text = text.trim();
    let text = text.strip_prefix('$').unwrap_or(text);
    if let Some(pointer) = text.strip_prefix('/') {
        return pointer
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~").to_ascii_lowercase())
            .collect();
    }
    let mut steps = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !current.is_empty() {
                    steps.push(std::mem::take(&mut current));
                }
            }
            '[' => {
                if !current.is_empty() {
                    steps.push(std::mem::take(&mut current));
                }
                let mut inside = String::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    inside.push(c);
                }
                steps.push(inside.trim_matches(['\'', '"']).to_ascii_lowercase());
            }
            c => current.push(c.to_ascii_lowercase()),
        }
    }
    if !current.is_empty() {
        steps.push(current);
    }
    steps
}

/// How `named` names the property at `wanted` (a dotted path).
pub(super) fn property_naming(named: &str, wanted: &str) -> Naming {
    let (named, wanted) = (path_steps(named), path_steps(wanted));
    if named.is_empty() {
        return Naming::Other;
    }
    if named == wanted {
        return Naming::Full;
    }
    let is_index = |s: &String| s.bytes().all(|b| b.is_ascii_digit());
    let bare = |steps: &[String]| -> Vec<String> {
        steps.iter().filter(|s| !is_index(s)).cloned().collect()
    };
    let (named_bare, wanted_bare) = (bare(&named), bare(&wanted));
    if named.ends_with(&wanted) {
        return Naming::Partial("its full path with a prefix");
    }
    if named_bare == wanted_bare || named_bare.ends_with(&wanted_bare) {
        return Naming::Partial("its path without the items' indexes");
    }
    // An item's constraint named by its list.
    let mut list = wanted.clone();
    while list.last().is_some_and(is_index) {
        list.pop();
    }
    if list.len() < wanted.len() && (named == list || bare(&named) == bare(&list)) {
        return Naming::Partial("the list for one of its items");
    }
    if wanted_bare.ends_with(&named_bare) && !named_bare.is_empty() {
        return match named_bare.len() {
            1 => Naming::Partial("its leaf name only"),
            _ => Naming::Partial("a partial path"),
        };
    }
    if wanted_bare.starts_with(&named_bare) && named_bare.len() < wanted_bare.len() {
        return Naming::Parent;
    }
    Naming::Other
}

/// What an error named: a parameter by its name, or a property of the body.
#[derive(Clone, Copy)]
pub(super) enum Input<'a> {
    Parameter(&'a str),
    Body,
}

/// `retryableLogical` as the spec enum spells it, `retryablelogical` as the prose does, or any
/// other type exactly as the enum spells it.
pub(super) fn is_documented_spelling(text: &str) -> bool {
    text == "retryablelogical" || ErrorType::ALL.iter().any(|t| t.as_str() == text)
}

pub(super) fn is_json_media_type(content_type: Option<&str>) -> Result<bool, String> {
    let Some(ct) = content_type else {
        return Err("no Content-Type".to_string());
    };
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media == "application/json" {
        Ok(true)
    } else if media.starts_with("application/") && media.ends_with("+json") {
        Ok(false)
    } else {
        Err(format!("Content-Type is {ct}, not application/json"))
    }
}

/// Whether a 404 message names the missing resource, read generously: it mentions a value the
/// path carried (the id sent), a word of a path parameter's name (`backupServerUid`: backup,
/// server), or a word of the path's own segments (`companies`: compani...). Only a path with a
/// parameter says which resource is missing; for any other (a resource named in the body, a
/// path outside the catalogue) the rule cannot be judged here, and holds.
pub fn names_resource(message: &str, observed: Observed, version: ApiVersion) -> bool {
    let path = observed.path.split('?').next().unwrap_or("");
    let catalogue = Contract::get().catalogue(version);
    let Route::Found(operation, values) =
        catalogue.route(observed.method, path, TrailingSlash::Ignored)
    else {
        return true;
    };
    if values.is_empty() {
        return true;
    }
    let message = message.to_ascii_lowercase();
    let sent = values.iter().map(|(_, value)| {
        percent_encoding::percent_decode_str(value)
            .decode_utf8_lossy()
            .to_ascii_lowercase()
    });
    let words = operation
        .path
        .split('/')
        .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
        .flat_map(camel_words)
        .map(|w| stem(&w).to_string())
        .filter(|w| w.len() >= 3 && !matches!(w.as_str(), "api" | "uid" | "uids" | "id" | "ids"));
    sent.filter(|value| value.len() >= 3)
        .chain(words)
        .any(|needle| message.contains(needle.as_str()))
}

/// `backupServerUid` -> backup, server, uid (lower case).
pub(super) fn camel_words(name: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            words.push(String::new());
            continue;
        }
        let last = words.last_mut().map(|w| w.is_empty());
        if c.is_ascii_uppercase() && last == Some(false) {
            words.push(String::new());
        }
        if let Some(word) = words.last_mut() {
            word.push(c.to_ascii_lowercase());
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// `companies` -> `compani`, `servers` -> `server`: enough of a plural to find its singular.
pub(super) fn stem(word: &str) -> &str {
    word.strip_suffix("es")
        .filter(|w| w.ends_with("i"))
        .or_else(|| word.strip_suffix('s'))
        .unwrap_or(word)
}
