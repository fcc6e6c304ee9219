//! The cases' connections: each is owned by one runner worker, which sends its cases on it one
//! after another (HTTP/1.1 on hyper, plain or TLS). It opens when first needed and again when
//! the target has closed it; a request a reused connection never sent goes again on a fresh one.
//! Redirects are never followed: a 3xx is an answer like any other here.

use super::TransportError;
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HOST, HeaderValue};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::sync::Arc;
use tokio::net::TcpStream;

pub(super) type RequestBody = http_body_util::Full<Bytes>;

/// Where a run's connections go: the target's origin, parsed once.
#[derive(Clone)]
pub(super) struct Endpoint {
    /// `http://host:port`, as errors name the target.
    origin: String,
    host: url::Host<String>,
    port: u16,
    /// The `Host` header: `host`, or `host:port` when the port is not the scheme's own.
    authority: HeaderValue,
    tls: Option<tokio_rustls::TlsConnector>,
    /// Opens connections without the network, when the target offers that (the embedded mock's
    /// in-process pipe); otherwise a TCP socket each.
    dial: Option<Dial>,
}

/// Opens an in-process connection to the target: a byte stream that carries HTTP/1.1 as a
/// socket would.
pub type Dial = Arc<dyn Fn() -> tokio::io::DuplexStream + Send + Sync>;

impl Endpoint {
    pub(super) fn new(
        base: &reqwest::Url,
        tls: Arc<rustls::ClientConfig>,
    ) -> Result<Endpoint, TransportError> {
        let bad = |why: &str| TransportError::Other(format!("the target `{base}` {why}"));
        let host = base.host().ok_or_else(|| bad("has no host"))?.to_owned();
        let port = base
            .port_or_known_default()
            .ok_or_else(|| bad("has no port"))?;
        let mut authority = base.host_str().unwrap_or_default().to_string();
        if let Some(port) = base.port() {
            authority = format!("{authority}:{port}");
        }
        Ok(Endpoint {
            origin: base.origin().ascii_serialization(),
            host,
            port,
            authority: HeaderValue::from_str(&authority).map_err(|_| bad("has no valid host"))?,
            tls: (base.scheme() == "https").then(|| tokio_rustls::TlsConnector::from(tls)),
            dial: None,
        })
    }

    /// The same endpoint, its connections opened by `dial`.
    pub(super) fn dialing(&self, dial: Dial) -> Endpoint {
        Endpoint {
            dial: Some(dial),
            ..self.clone()
        }
    }

    pub(super) fn authority(&self) -> &HeaderValue {
        &self.authority
    }

    async fn open(&self) -> Result<SendRequest<RequestBody>, TransportError> {
        let failed = |detail: String| TransportError::Connect {
            url: self.origin.clone(),
            detail,
        };
        if let Some(dial) = &self.dial {
            return handshake(TokioIo::new(dial()))
                .await
                .map_err(|e| failed(super::causes(&e)));
        }
        let tcp = match &self.host {
            url::Host::Domain(name) => TcpStream::connect((name.as_str(), self.port)).await,
            url::Host::Ipv4(ip) => TcpStream::connect((*ip, self.port)).await,
            url::Host::Ipv6(ip) => TcpStream::connect((*ip, self.port)).await,
        }
        .map_err(|e| failed(format!("tcp connect error: {}", super::causes(&e))))?;
        // Requests are small and each waits for its answer: no reason to hold a segment back.
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            None => handshake(TokioIo::new(tcp)).await,
            Some(tls) => {
                let name = match &self.host {
                    url::Host::Domain(name) => ServerName::try_from(name.clone())
                        .map_err(|e| failed(format!("invalid TLS server name: {e}")))?,
                    url::Host::Ipv4(ip) => ServerName::from(std::net::IpAddr::V4(*ip)),
                    url::Host::Ipv6(ip) => ServerName::from(std::net::IpAddr::V6(*ip)),
                };
                let stream = tls
                    .connect(name, tcp)
                    .await
                    .map_err(|e| failed(super::client::tls_failure(&e)))?;
                handshake(TokioIo::new(stream)).await
            }
        }
        .map_err(|e| failed(super::causes(&e)))
    }
}

/// HTTP/1.1 over an open stream; the connection's own task reads and writes it until the sender
/// is dropped or the target closes it.
async fn handshake<T>(io: T) -> Result<SendRequest<RequestBody>, hyper::Error>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (sender, connection) = http1::handshake(io).await?;
    tokio::spawn(async move {
        // Its end is seen by the sender: a closed connection is opened again on next use.
        let _ = connection.await;
    });
    Ok(sender)
}

/// One worker's connection to the target, open or not yet.
#[derive(Default)]
pub struct Connection {
    open: Option<SendRequest<RequestBody>>,
}

impl Connection {
    /// Sends the request and returns the answer's head; the body is read by the caller. A
    /// connection whose exchange did not end cleanly must be [`Connection::discard`]ed.
    pub(super) async fn send(
        &mut self,
        endpoint: &Endpoint,
        mut request: Request<RequestBody>,
    ) -> Result<Response<Incoming>, TransportError> {
        request
            .headers_mut()
            .insert(HOST, endpoint.authority().clone());
        loop {
            let reused = match self.open.take() {
                Some(sender) if !sender.is_closed() => Some(sender),
                _ => None,
            };
            let (mut sender, reused) = match reused {
                Some(sender) => (sender, true),
                None => (endpoint.open().await?, false),
            };
            if sender.ready().await.is_err() {
                if reused {
                    continue;
                }
                return Err(TransportError::Other(
                    "the connection closed before the request was sent".into(),
                ));
            }
            match sender.try_send_request(request).await {
                Ok(response) => {
                    self.open = Some(sender);
                    return Ok(response);
                }
                Err(mut refused) => match refused.take_message() {
                    // Never sent: the target had closed the idle connection; a fresh one.
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(TransportError::Other(super::causes(&refused.into_error()))),
                },
            }
        }
    }

    /// Drops the connection: the next request opens another.
    pub(super) fn discard(&mut self) {
        self.open = None;
    }
}
