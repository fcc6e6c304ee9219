//! The floor under vspc-conformance's sender, for `benches/peers.sh`: the same GET sent N times
//! on hyper 1.x, as bare as the project's path could ever be. One event loop, C connections,
//! each owned by one task that sends its share in turn; every answer checked as Hurl checks it
//! in that script (status 400, JSON content type, code, type and parameterName), plus a parse of
//! the whole body. No case model, no reports: what is left of the project's time above this is
//! its own per-case work.
//!
//!   hyper_floor URL REQUESTS CONCURRENCY
//!
//! Prints `<requests>/<requests> conforming` and exits 1 if any answer was not as expected.

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

type Failure = Box<dyn std::error::Error + Send + Sync>;

struct Work {
    host: String,
    authority: String,
    path_and_query: String,
    requests: usize,
    taken: AtomicUsize,
}

fn main() -> ExitCode {
    match run() {
        Ok((conforming, requests)) => {
            println!("{conforming}/{requests} conforming");
            if conforming == requests {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("hyper_floor: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(usize, usize), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, requests, concurrency] = args.as_slice() else {
        return Err("usage: hyper_floor URL REQUESTS CONCURRENCY".into());
    };
    let uri: hyper::Uri = url.parse()?;
    let authority = uri.authority().ok_or("the URL has no host")?.to_string();
    let work = Arc::new(Work {
        host: uri.host().ok_or("the URL has no host")?.to_string(),
        path_and_query: uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.to_string()),
        authority,
        requests: requests.parse()?,
        taken: AtomicUsize::new(0),
    });
    let port = uri.port_u16().unwrap_or(80);
    let concurrency: usize = concurrency.parse()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let conforming = runtime.block_on(async move {
        let mut workers = Vec::new();
        for _ in 0..concurrency.max(1) {
            let work = work.clone();
            workers.push(tokio::spawn(async move { worker(&work, port).await }));
        }
        let mut conforming = 0;
        for worker in workers {
            conforming += worker.await??;
        }
        Ok::<_, Failure>(conforming)
    })?;
    Ok((conforming, requests.parse()?))
}

/// One connection, its share of the requests sent on it one after another.
async fn worker(work: &Work, port: u16) -> Result<usize, Failure> {
    let tcp = tokio::net::TcpStream::connect((work.host.as_str(), port)).await?;
    tcp.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp)).await?;
    tokio::spawn(connection);
    let mut conforming = 0;
    while work.taken.fetch_add(1, Ordering::Relaxed) < work.requests {
        sender.ready().await?;
        let request = hyper::Request::get(work.path_and_query.as_str())
            .header("host", work.authority.as_str())
            .header("authorization", "Bearer x")
            .header("x-client-version", "3.6.1")
            .body(Empty::<Bytes>::new())?;
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let json = response
            .headers()
            .get(hyper::header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        let body = response.into_body().collect().await?.to_bytes();
        let answer: serde_json::Value = serde_json::from_slice(&body)?;
        let error = &answer["errors"][0];
        if status == 400
            && json
            && error["code"] == 400
            && error["type"] == "logical"
            && error["parameterName"] == "offset"
        {
            conforming += 1;
        }
    }
    Ok(conforming)
}
