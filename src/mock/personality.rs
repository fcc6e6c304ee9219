//! The mock's personalities: wherever the contract leaves a choice open, the mock makes it one
//! way ([`Personality::Standard`]) or the other ([`Personality::Alternative`]). A conforming
//! harness must accept both, so running the shipped cases against each shows which cases
//! lean on a reading the contract does not state.
//!
//! Every open choice is a [`Choice`]; a stage asks [`Personality::picks`] at the one place that
//! decides it. The table of all choices, `docs/mock-choices.md`, is rendered from
//! [`Choice::ALL`] by `tests/mock_choices.rs`.

use std::fmt;

/// Which way the mock console makes every choice the contract leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Personality {
    /// The readings the mock started with (the spec's examples where there is one).
    #[default]
    Standard,
    // Plain text, not a doc link: clap shows this line in `--help`. Each reading is a `Choice`.
    /// The other reading of every choice the contract leaves open.
    Alternative,
}

impl Personality {
    pub const ALL: [Personality; 2] = [Personality::Standard, Personality::Alternative];

    /// `standard` or `alternative` (`mock --variant`, `run --mock-variant`).
    pub fn name(self) -> &'static str {
        match self {
            Personality::Standard => "standard",
            Personality::Alternative => "alternative",
        }
    }

    pub fn parse(text: &str) -> Option<Personality> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(text.trim()))
    }

    /// Whether this personality answers as `choice`'s [`Choice::alternative`] column says.
    /// Each variant of [`Choice`] is named after that alternative behaviour, so a stage reads
    /// `if personality.picks(Choice::RouteBeforeAuth)`.
    pub fn picks(self, choice: Choice) -> bool {
        // Every choice is made the other way at once: a case that leans on any one reading
        // fails against one of the two personalities.
        let _ = choice;
        self == Personality::Alternative
    }
}

impl fmt::Display for Personality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One choice the contract leaves open, named after what [`Personality::Alternative`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    RewordedMessages,
    PointerPropertyPaths,
    EveryValidationError,
    BodyAsParameter,
    InvalidGrantForCredentials,
    RouteBeforeAuth,
    ExistenceBeforeValidation,
    RoleAfterValidation,
    SignificantTrailingSlash,
    NoDefaultThrottling,
    OtherErrorTypes,
    LowercaseRetryable,
    PlainJsonContentType,
    NullMetaAndData,
    RetryAfterOnlyPerTime,
    ThrottleWithoutMessage,
    ContentTypeAsParameter,
    MissingProviderIs404,
    SynchronousLongOperations,
    CaseSensitiveQueryNames,
    LastQueryValue,
}

impl Choice {
    pub const ALL: [Choice; 21] = [
        Choice::RewordedMessages,
        Choice::PointerPropertyPaths,
        Choice::EveryValidationError,
        Choice::BodyAsParameter,
        Choice::InvalidGrantForCredentials,
        Choice::RouteBeforeAuth,
        Choice::ExistenceBeforeValidation,
        Choice::RoleAfterValidation,
        Choice::SignificantTrailingSlash,
        Choice::NoDefaultThrottling,
        Choice::OtherErrorTypes,
        Choice::LowercaseRetryable,
        Choice::PlainJsonContentType,
        Choice::NullMetaAndData,
        Choice::RetryAfterOnlyPerTime,
        Choice::ThrottleWithoutMessage,
        Choice::ContentTypeAsParameter,
        Choice::MissingProviderIs404,
        Choice::SynchronousLongOperations,
        Choice::CaseSensitiveQueryNames,
        Choice::LastQueryValue,
    ];

    /// A short kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Choice::RewordedMessages => "reworded-messages",
            Choice::PointerPropertyPaths => "pointer-property-paths",
            Choice::EveryValidationError => "every-validation-error",
            Choice::BodyAsParameter => "body-as-parameter",
            Choice::InvalidGrantForCredentials => "invalid-grant-for-credentials",
            Choice::RouteBeforeAuth => "route-before-auth",
            Choice::ExistenceBeforeValidation => "existence-before-validation",
            Choice::RoleAfterValidation => "role-after-validation",
            Choice::SignificantTrailingSlash => "significant-trailing-slash",
            Choice::NoDefaultThrottling => "no-default-throttling",
            Choice::OtherErrorTypes => "other-error-types",
            Choice::LowercaseRetryable => "lowercase-retryable",
            Choice::PlainJsonContentType => "plain-json-content-type",
            Choice::NullMetaAndData => "null-meta-and-data",
            Choice::RetryAfterOnlyPerTime => "retry-after-only-per-time",
            Choice::ThrottleWithoutMessage => "throttle-without-message",
            Choice::ContentTypeAsParameter => "content-type-as-parameter",
            Choice::MissingProviderIs404 => "missing-provider-is-404",
            Choice::SynchronousLongOperations => "synchronous-long-operations",
            Choice::CaseSensitiveQueryNames => "case-sensitive-query-names",
            Choice::LastQueryValue => "last-query-value",
        }
    }

    /// What [`Personality::Standard`] does.
    pub fn standard(self) -> &'static str {
        match self {
            Choice::RewordedMessages => {
                "messages in the console's own style: `Company with UID 'ID' does not exist.`, `Property value must be larger or equal to 0.`"
            }
            Choice::PointerPropertyPaths => {
                "a body property is named by its dotted path from the body's root: `propertyName: \"organizationInput.name\"`, `\"[0].op\"` in a JSON Patch"
            }
            Choice::EveryValidationError => {
                "a request that breaks several declared constraints is answered with the first one found (parameters, then the body, depth first)"
            }
            Choice::BodyAsParameter => {
                "a JSON body that is not valid JSON, empty, or of the wrong shape: 400 with `propertyName: \"body\"`"
            }
            Choice::InvalidGrantForCredentials => {
                "`POST /token` with a wrong password or an unknown user: `invalid_request` (the spec's example)"
            }
            Choice::RouteBeforeAuth => {
                "authenticates before it routes: an unknown path without a token is 401"
            }
            Choice::ExistenceBeforeValidation => {
                "validates content type, path, query and body (400, 415) before it looks the path's ids up (404)"
            }
            Choice::RoleAfterValidation => {
                "refuses a role the spec does not admit (403, a read-only token as ReadOnlyUser) once the token is accepted and the operation found, before it validates anything"
            }
            Choice::SignificantTrailingSlash => {
                "a trailing slash is ignored: `/about/` is `/about`, and a catalogue path written with one is also served without"
            }
            Choice::NoDefaultThrottling => {
                "the default throttling (32 requests in flight per user) is on"
            }
            Choice::OtherErrorTypes => {
                "404, 409, 415 `logical`; 500 `unspecified`; 504 `transport`; custom codes `logical`, `retryableLogical` where waiting helps, `security` for 1207/1208"
            }
            Choice::LowercaseRetryable => "`retryableLogical` (the spec enum)",
            Choice::PlainJsonContentType => {
                "error bodies travel as `application/json; charset=utf-8`"
            }
            Choice::NullMetaAndData => "error bodies hold only `errors`",
            Choice::RetryAfterOnlyPerTime => {
                "429 carries `retryAfter` on both limits (1 on the parallel limit)"
            }
            Choice::ThrottleWithoutMessage => "429 carries a `message`",
            Choice::ContentTypeAsParameter => {
                "a JSON body sent with another content type (`text/plain`) is a 415"
            }
            Choice::MissingProviderIs404 => {
                "an identity provider name the organization does not have is a 1200 (520)"
            }
            Choice::SynchronousLongOperations => {
                "long operations answer `202 Accepted` with `Location: .../asyncActions/{id}`; errors met while the action runs are its result"
            }
            Choice::CaseSensitiveQueryNames => {
                "query parameter names match case-insensitively (`LIMIT=0` is `limit=0`), as ASP.NET binds them"
            }
            Choice::LastQueryValue => "a query parameter sent twice binds its first value",
        }
    }

    /// What [`Personality::Alternative`] does.
    pub fn alternative(self) -> &'static str {
        match self {
            Choice::RewordedMessages => {
                "every message reworded: a 404 names only the id (`No object has the identifier 'ID'.`), a 1000 still says why"
            }
            Choice::PointerPropertyPaths => {
                "a body property is named by its JSON Pointer: `propertyName: \"/organizationInput/name\"`, `\"/0/op\"`"
            }
            Choice::EveryValidationError => {
                "every broken constraint of the request is an error of its own in one 400's `errors`"
            }
            Choice::BodyAsParameter => {
                "the same bodies: 400 with `parameterName: \"body\"` (the body is the action's parameter)"
            }
            Choice::InvalidGrantForCredentials => {
                "`invalid_grant` (RFC 6749 section 5.2: the resource owner credentials are invalid)"
            }
            Choice::RouteBeforeAuth => {
                "routes before it authenticates: an unknown path without a token is 404"
            }
            Choice::ExistenceBeforeValidation => {
                "checks path values' format (400), then that the path's ids exist (404), then content type, query and body"
            }
            Choice::RoleAfterValidation => {
                "checks the role after validating what comes before its lookups (a malformed path id is 400 before a role is refused), but always before it looks the path's ids up"
            }
            Choice::SignificantTrailingSlash => {
                "a trailing slash is significant: a path is served only as the catalogue writes it, with or without"
            }
            Choice::NoDefaultThrottling => {
                "the default throttling is off (`Throttling:IsDisabled`); limits configured explicitly still apply"
            }
            Choice::OtherErrorTypes => {
                "404 `unspecified`, 409 `retryableLogical`, 415 `transport`, 500 `transport`, 504 `unspecified`; custom codes: `retryableLogical` <-> `logical`, 1207/1208 `logical`"
            }
            Choice::LowercaseRetryable => "`retryablelogical` (the reference prose)",
            Choice::PlainJsonContentType => "error bodies travel as `application/json`",
            Choice::NullMetaAndData => {
                "error bodies also hold `\"meta\": null, \"data\": null`, as success bodies hold `errors`"
            }
            Choice::RetryAfterOnlyPerTime => {
                "429 carries `retryAfter` only on the per-time limit (visible with limits configured explicitly)"
            }
            Choice::ThrottleWithoutMessage => {
                "429 has no `message`, as the documented example (visible with limits configured explicitly)"
            }
            Choice::ContentTypeAsParameter => {
                "a JSON body sent with another content type is a 400 with `parameterName: \"Content-Type\"`; no content type at all is still a 415"
            }
            Choice::MissingProviderIs404 => {
                "a 404 naming the provider: the resource does not exist"
            }
            Choice::SynchronousLongOperations => {
                "long operations answer at once: the result with 200, or the error the action would have ended with"
            }
            Choice::CaseSensitiveQueryNames => {
                "query parameter names match exactly; `LIMIT=0` is an unknown parameter and ignored"
            }
            Choice::LastQueryValue => "a query parameter sent twice binds its last value",
        }
    }

    /// Why the contract leaves it open.
    pub fn why(self) -> &'static str {
        match self {
            Choice::RewordedMessages => {
                "only three messages are documented; the exact texts for most inputs are [unconfirmed]; 404 need only name the resource, 1000 say why"
            }
            Choice::PointerPropertyPaths => {
                "`propertyName` is \"the body property\"; nothing says how a nested one is spelled"
            }
            Choice::EveryValidationError => {
                "`errors` is an array; nothing says whether a console stops at the first invalid input"
            }
            Choice::BodyAsParameter => {
                "a body that cannot be read has no property; the contract names no member for it beyond \"parameterName or propertyName\""
            }
            Choice::InvalidGrantForCredentials => {
                "the spec's example says `invalid_request`; RFC 6749 says `invalid_grant`; both are in the allowed list"
            }
            Choice::RouteBeforeAuth => "the contract gives no order of checks",
            Choice::ExistenceBeforeValidation => "the contract gives no order of checks",
            Choice::RoleAfterValidation => {
                "the spec lists the roles each operation admits but not when a console checks them; the contract gives no order of checks. Neither reading looks an id up before the role: a 404 before 403 would tell a caller which ids exist"
            }
            Choice::SignificantTrailingSlash => {
                "the catalogue writes some paths with a trailing slash; whether the console requires it is not said"
            }
            Choice::NoDefaultThrottling => {
                "limits are not published; `IsDisabled` is a console setting"
            }
            Choice::OtherErrorTypes => {
                "only 400 (documented example), 401/403 (security) and 429 (transport, documented example) have a documented type"
            }
            Choice::LowercaseRetryable => {
                "the prose spells `retryablelogical`, the spec enum `retryableLogical`; which is on the wire is [unconfirmed]"
            }
            Choice::PlainJsonContentType => "the charset parameter is not documented either way",
            Choice::NullMetaAndData => {
                "documented examples hold only `errors`; whether `meta`/`data` may stand beside it is [unconfirmed]"
            }
            Choice::RetryAfterOnlyPerTime => {
                "the throttling page says `retryAfter` \"may\" be present, and only for the per-time limit"
            }
            Choice::ThrottleWithoutMessage => {
                "the documented 429 example has no `message`; the model requires one"
            }
            Choice::ContentTypeAsParameter => "what exactly triggers 415 is [unconfirmed]",
            Choice::MissingProviderIs404 => {
                "1200 (identity provider does not exist) and 404 (resource does not exist) both fit"
            }
            Choice::SynchronousLongOperations => {
                "almost any call \"may\" answer 202 Accepted; none must"
            }
            Choice::CaseSensitiveQueryNames => {
                "the contract names parameters but not how strictly they are matched"
            }
            Choice::LastQueryValue => "the contract does not say which of repeated values counts",
        }
    }
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_choice_is_listed_once_with_distinct_sides() {
        let names: HashSet<_> = Choice::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Choice::ALL.len());
        for choice in Choice::ALL {
            assert_ne!(choice.standard(), choice.alternative(), "{choice}");
            assert!(!choice.why().is_empty(), "{choice}");
            assert!(!Personality::Standard.picks(choice));
            assert!(Personality::Alternative.picks(choice));
        }
    }

    #[test]
    fn names_parse_back() {
        for p in Personality::ALL {
            assert_eq!(Personality::parse(p.name()), Some(p));
        }
        assert_eq!(Personality::parse("other"), None);
    }
}
