//! Preparing a case's request: variables substituted, the URL built from the parsed base, query
//! and form values encoded, headers and body set, the credential picked; the request as
//! recorded leaves every secret out.

use super::*;

/// Named once, at compile time: a name given as a string is checked again on every request.
const X_CLIENT_VERSION: HeaderName = HeaderName::from_static("x-client-version");

impl Sender {
    pub(super) fn prepare(
        &self,
        case: &Case,
        credential: Option<Token>,
        vars: &BTreeMap<String, String>,
    ) -> Result<(Prepared, SentRequest), SendError> {
        let r = &case.request;
        let resolve = |text: &str| substitute(text, vars).map_err(SendError::Unresolved);
        let path = resolve(&r.path)?;
        let query = r
            .query
            .iter()
            .map(|(k, v)| Ok((k.clone(), resolve(v)?)))
            .collect::<Result<Vec<_>, SendError>>()?;
        let mut headers = HeaderMap::new();
        if let Some(version) = self.api_version {
            headers.insert(X_CLIENT_VERSION, HeaderValue::from_static(version.as_str()));
        }
        for (name, value) in &r.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                SendError::Transport(TransportError::Other(format!("header {name}: {e}")))
            })?;
            headers.insert(name, header_value(&resolve(value)?)?);
        }
        let body: Option<Vec<u8>> = match &r.body {
            Body::Empty => None,
            Body::Json(json) => Some(
                substitute_owned(json.text(), vars)
                    .map_err(SendError::Unresolved)?
                    .into_bytes(),
            ),
            Body::Raw(text) => Some(resolve(text)?.into_bytes()),
            Body::Form(pairs) => {
                let resolved = pairs
                    .iter()
                    .map(|(k, v)| Ok((k, resolve(v)?)))
                    .collect::<Result<Vec<_>, SendError>>()?;
                Some(form_pairs(resolved).into_bytes())
            }
        };
        let content_type = r
            .content_type
            .clone()
            .or_else(|| r.body.default_content_type().map(str::to_string));
        if let Some(ct) = &content_type {
            headers.insert(CONTENT_TYPE, header_value(ct)?);
        }
        let method = reqwest::Method::from_bytes(r.method.as_bytes())
            .map_err(|e| SendError::Transport(TransportError::Other(e.to_string())))?;
        let encoded = form_pairs(query.iter().map(|(k, v)| (k, v)));
        let (url, target) = self
            .address(&path, &encoded)
            .map_err(SendError::Transport)?;
        let sent = SentRequest {
            method: r.method.clone(),
            path,
            query,
            credentials: r.credentials,
            content_type,
            url,
            headers: headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_string(), value)
                })
                .collect(),
            body: body
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned()),
        };
        let prepared = Prepared {
            method,
            target,
            headers,
            credential,
            body: body.map(Bytes::from),
        };
        Ok((prepared, sent))
    }

    /// The URL as sent of a path under `/api/v3` with an encoded query, and what the request
    /// names on the wire (its path and query). A path of plain characters is appended to the
    /// base as it is, which is what the URL parser would make of it, without parsing again;
    /// any other (dot segments, characters to encode, its own `?` or `#`) goes through the
    /// parser.
    pub(super) fn address(
        &self,
        path: &str,
        query: &str,
    ) -> Result<(String, hyper::Uri), TransportError> {
        let base = &self.base_url;
        let plain = path.bytes().all(path_safe)
            && !path
                .as_bytes()
                .split(|&byte| byte == b'/')
                .any(|segment| segment == b"." || segment == b"..")
            && base.query().is_none()
            && base.fragment().is_none();
        let url = if plain {
            let mut url = String::with_capacity(base.as_str().len() + path.len() + query.len() + 1);
            url.push_str(base.as_str());
            url.push_str(path);
            if !query.is_empty() {
                url.push('?');
                url.push_str(query);
            }
            url
        } else {
            self.parsed_url(path, query)?.to_string()
        };
        let origin_form = &url[base[..url::Position::BeforePath].len()..];
        let target = hyper::Uri::try_from(origin_form)
            .map_err(|e| TransportError::Other(format!("cannot send {origin_form}: {e}")))?;
        Ok((url, target))
    }

    /// The URL parsed: the base with the path and query set (the scheme and host are not parsed
    /// again), or the whole text when the path carries its own `?` or `#`.
    fn parsed_url(&self, path: &str, query: &str) -> Result<reqwest::Url, TransportError> {
        if !path.contains(['?', '#']) {
            let mut url = self.base_url.clone();
            url.set_path(&format!("{}{path}", self.base_url.path()));
            if !query.is_empty() {
                url.set_query(Some(query));
            }
            return Ok(url);
        }
        let mut text = format!("{}{path}", self.base);
        if !query.is_empty() {
            text.push('?');
            text.push_str(query);
        }
        reqwest::Url::parse(&text).map_err(|e| TransportError::Other(format!("{text}: {e}")))
    }
}

/// What a request names on the wire: the URL's path and query (origin form). The sender's
/// connections only ever go to the target's own origin.
pub(super) fn request_target(url: &reqwest::Url) -> Result<hyper::Uri, TransportError> {
    let origin_form = &url[url::Position::BeforePath..url::Position::AfterQuery];
    hyper::Uri::try_from(origin_form)
        .map_err(|e| TransportError::Other(format!("cannot send {origin_form}: {e}")))
}

#[derive(Clone)]
pub(super) struct Prepared {
    pub(super) method: reqwest::Method,
    /// Path and query, as [`request_target`] gives them.
    pub(super) target: hyper::Uri,
    /// Every header but `Authorization`, which [`Sender::execute_now`] adds from `credential`.
    pub(super) headers: HeaderMap,
    pub(super) credential: Option<Token>,
    pub(super) body: Option<Bytes>,
}

/// Where the bearer token a kind of credentials sends comes from.
pub(super) fn credential(
    credentials: Credentials,
    tokens: &Tokens,
) -> Result<Option<Token>, SendError> {
    match credentials {
        Credentials::Default => tokens
            .default
            .clone()
            .map(Some)
            .ok_or(SendError::NoCredentials("default")),
        Credentials::ReadOnly => tokens
            .read_only
            .clone()
            .map(Some)
            .ok_or(SendError::NoCredentials("read-only")),
        Credentials::Invalid => Ok(Some(Token::Static(Secret::new(INVALID_TOKEN)))),
        Credentials::None => Ok(None),
        Credentials::Role(role) => tokens
            .roles
            .get(&role)
            .cloned()
            .map(Some)
            .ok_or(SendError::NoCredentials("role")),
    }
}

pub(super) fn header_value(text: &str) -> Result<HeaderValue, SendError> {
    HeaderValue::from_str(text).map_err(|_| {
        SendError::Transport(TransportError::Other(format!(
            "`{}` cannot be sent in a header",
            text.chars().take(40).collect::<String>()
        )))
    })
}

/// `a=1&b=x+y`: pairs as a query string or an `application/x-www-form-urlencoded` body.
pub fn form_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> String {
    let mut encoded = String::new();
    for (i, (k, v)) in pairs.into_iter().enumerate() {
        let (k, v) = (k.as_ref(), v.as_ref());
        // Room for the pair as it is: grown once per pair, not once per character pushed.
        encoded.reserve(k.len() + v.len() + 2);
        if i > 0 {
            encoded.push('&');
        }
        encode_into(&mut encoded, k);
        encoded.push('=');
        encode_into(&mut encoded, v);
    }
    encoded
}

pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(&mut out, text);
    out
}

/// A byte a URL path carries as it is: unreserved, a sub-delimiter, `:`, `@`, `/` or an escape's
/// `%` (RFC 3986, 3.3).
fn path_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'%'
        )
}

/// `application/x-www-form-urlencoded`, appended to `out`: every request's query goes through
/// here, so no string is made per value or per escaped byte.
fn encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => {
                out.push('%');
                out.push(HEX[usize::from(other >> 4)] as char);
                out.push(HEX[usize::from(other & 0xf)] as char);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_path_is_sent_as_the_url_parser_would_make_it() {
        let sender = Sender::new("http://127.0.0.1:1280", &SendOptions::default()).unwrap();
        for path in [
            "/organizations/companies",
            "/plugins/",
            "/users/00000000-0000-0000-0000-000000000000/x:y@z",
            "//double",
            "/a b",
            "/x/./y",
            "/x/../y",
            "/x/..",
            "/x/.",
            "/é",
            "/%41%zz",
            "/q?inline=1",
            "/{unresolved}",
            "/x!$&'()*+,;=~_.-/Zz09",
            "/back\\slash",
            "/caret^/pipe|",
        ] {
            for query in ["", "offset=-1&filter=%5B%5D+x"] {
                let (url, target) = sender.address(path, query).unwrap();
                let parsed = sender.parsed_url(path, query).unwrap();
                assert_eq!(url, parsed.as_str(), "{path} {query}");
                assert_eq!(
                    target.to_string(),
                    parsed[url::Position::BeforePath..].to_string()
                );
            }
        }
    }

    #[test]
    fn form_values_are_url_encoded() {
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(form_encode("\u{1}\u{7f}~-_.*"), "%01%7F%7E-_.*");
        assert_eq!(
            form_pairs([("offset", "-1"), ("filter", "[{\"a\":1}]")]),
            "offset=-1&filter=%5B%7B%22a%22%3A1%7D%5D"
        );
    }
}
