//! The preview's HTTP side, served by hyper through an axum router: pages of the output
//! folder with the reload script added as they are served, the event stream that tells open
//! pages to reload or shows why a build failed, and nothing outside the output folder.
//! Files are streamed from disk with a deadline on every stalled write, and only requests
//! addressed to this computer by name (`localhost`, the loopback and bound addresses) are
//! answered, so a web page elsewhere cannot read the drafts through DNS rebinding.

use axum::Router;
use axum::body::Body;
use axum::extract::State as Shared;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::convert::Infallible;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const EVENTS: &str = "/__innopress/events";
const SCRIPT: &str = "/__innopress/reload.js";

/// Connections served at once. More wait in the system's queue until one closes, so slow or
/// idle clients cannot use up the process's file descriptors (often 1,024) and lock
/// everyone out; each open page holds one for its reload events.
pub const MAX_CONNECTIONS: usize = 256;
/// Open pages listening for reloads, at most: their connections last as long as the page, so
/// they get a share of the connections and pages always keep the rest.
pub const MAX_EVENT_STREAMS: usize = 64;
/// Time a client has to send its request head; a client that trickles it is dropped.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// Most bytes a request head may take (hyper answers 431 past it): a request line without
/// an end cannot grow memory.
const MAX_HEAD: usize = 16 * 1024;
/// How long a write may wait for a client that does not read before the connection is
/// dropped: a client asking for a large file and never reading it holds no more than this.
pub const WRITE_DEADLINE: Duration = Duration::from_secs(10);
/// Bytes read from a file at a time while it is sent: what a connection holds, whatever
/// the file's size.
const CHUNK: usize = 64 * 1024;
/// Pages larger than this are sent as they are, without the reload script, rather than
/// read whole into memory to add it.
const MAX_INJECTED: u64 = 16 * 1024 * 1024;

/// What browsers are told: the build generation and, when the last build failed, why.
#[derive(Debug, Clone, Default)]
struct Status {
    generation: u64,
    problems: Option<String>,
}

/// What every request reads: the output folder, the `base_url` path, the build status.
pub struct State {
    output: PathBuf,
    base_path: String,
    status: watch::Sender<Status>,
    streams: Arc<tokio::sync::Semaphore>,
    /// The address listened on: a `Host:` naming it is answered too.
    bound: IpAddr,
    /// The browser editor under `admin/`.
    pub admin: Option<Arc<super::admin::Admin>>,
}

impl State {
    pub fn new(output: PathBuf, base_path: String, bound: IpAddr) -> State {
        State {
            output,
            base_path,
            bound,
            status: watch::Sender::new(Status::default()),
            streams: Arc::new(tokio::sync::Semaphore::new(MAX_EVENT_STREAMS)),
            admin: None,
        }
    }

    /// A build finished: the next generation, with the problems when it failed.
    pub fn publish(&self, problems: Option<String>) {
        self.status.send_modify(|s| {
            s.generation += 1;
            s.problems = problems;
        });
    }
}

/// Serves `listener` until the process stops. Each connection gets hyper's HTTP/1 with a
/// deadline and a size limit for the request head, and at most [`MAX_CONNECTIONS`] are
/// served at once; responses close the connection (pages are few and small, and a closed
/// connection never keeps an edited page in a browser's pipeline).
pub async fn run(listener: std::net::TcpListener, state: Arc<State>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let mut app = Router::new()
        .route(EVENTS, axum::routing::get(events))
        .route(SCRIPT, axum::routing::get(script));
    if let Some(admin) = &state.admin {
        app = editor_routes(app, admin);
    }
    let app = app
        .fallback(page)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            host_check,
        ))
        .with_state(state);
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        // a slot before the connection is taken: past the cap, clients wait in the queue
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return Ok(());
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // out of descriptors or a dropped client: a short pause, not a busy loop
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let peer = stream.peer_addr().ok();
        let service = TowerToHyperService::new(
            app.clone()
                .layer(axum::Extension(peer.map(super::admin::Peer))),
        );
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .title_case_headers(true)
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_DEADLINE)
                .max_buf_size(MAX_HEAD)
                .serve_connection(
                    TokioIo::new(super::deadline::Deadline::new(stream, WRITE_DEADLINE)),
                    service,
                )
                .await;
            drop(slot);
        });
    }
}

/// The editor's routes under `admin/`, ahead of the output's own files.
fn editor_routes(app: Router<Arc<State>>, admin: &Arc<super::admin::Admin>) -> Router<Arc<State>> {
    use super::admin::{self, Peer};
    use axum::Extension;
    use axum::extract::Path as UrlPath;
    use axum::http::HeaderMap;
    use axum::routing::{get, post};
    let prefix = admin.prefix();
    let (a, b, c, d) = (admin.clone(), admin.clone(), admin.clone(), admin.clone());
    let to_page = format!("{prefix}/");
    app.route(
        &prefix,
        get(move || async move { axum::response::Redirect::permanent(&to_page) }),
    )
    .route(
        &format!("{prefix}/"),
        get(
            move |Extension(peer): Extension<Option<Peer>>, headers: HeaderMap| {
                admin::page(a.clone(), peer, headers)
            },
        ),
    )
    .route(
        &format!("{prefix}/{{*file}}"),
        get(
            move |Extension(peer): Extension<Option<Peer>>,
                  headers: HeaderMap,
                  name: UrlPath<String>| {
                admin::file(b.clone(), peer, headers, name)
            },
        ),
    )
    .route(
        &format!("{prefix}/api/v1"),
        post(
            move |Extension(peer): Extension<Option<Peer>>, request: axum::extract::Request| {
                admin::api(c.clone(), peer, request)
            },
        ),
    )
    .route(
        &format!("{prefix}/api/preview"),
        post(
            move |Extension(peer): Extension<Option<Peer>>, request: axum::extract::Request| {
                admin::preview(d.clone(), peer, request)
            },
        ),
    )
}

async fn page(
    Shared(state): Shared<Arc<State>>,
    peer: axum::Extension<Option<super::admin::Peer>>,
    headers: axum::http::HeaderMap,
    method: Method,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return respond(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            b"only GET and HEAD".to_vec(),
        );
    }
    // read before the file: a page is never older than the build it claims to show
    let generation = state.status.borrow().generation;
    if let Some(file) = resolve(&state.output, &state.base_path, uri.path())
        && let Ok(opened) = tokio::fs::File::open(&file).await
        && let Ok(meta) = opened.metadata().await
    {
        let kind = mime_guess::from_path(&file).first_or_octet_stream();
        if kind.essence_str() != "text/html" || meta.len() > MAX_INJECTED {
            return stream(opened, meta.len(), &content_type(&kind));
        }
        if let Ok(body) = tokio::fs::read(&file).await {
            return respond(
                StatusCode::OK,
                "text/html; charset=utf-8",
                inject(body, generation),
            );
        }
    }
    if let Some(admin) = &state.admin
        && let Some(found) = super::admin::original_picture(admin, peer.0, &headers, uri.path())
    {
        return found;
    }
    let body = tokio::fs::read(state.output.join("404.html"))
        .await
        .unwrap_or_else(|_| b"<h1>Not found</h1>".to_vec());
    respond(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        inject(body, generation),
    )
}

/// The media type to send: text with its charset, since every text file innopress writes
/// is UTF-8.
fn content_type(kind: &mime_guess::Mime) -> String {
    let text = kind.type_() == mime_guess::mime::TEXT
        || matches!(kind.subtype().as_str(), "javascript" | "json" | "xml");
    if text && kind.get_param("charset").is_none() {
        format!("{kind}; charset=utf-8")
    } else {
        kind.to_string()
    }
}

fn respond(code: StatusCode, content_type: &str, body: Vec<u8>) -> Response {
    with_headers(Response::new(Body::from(body)), code, content_type)
}

/// A file sent as it is read, [`CHUNK`] bytes at a time: a large file never sits whole in
/// memory, and a client that stops reading stops the reading too.
fn stream(mut file: tokio::fs::File, len: u64, content_type: &str) -> Response {
    use std::task::Poll;
    use tokio::io::{AsyncRead, ReadBuf};
    let mut buf = vec![0u8; CHUNK];
    let chunks = futures_util::stream::poll_fn(move |cx| {
        let mut read = ReadBuf::new(&mut buf);
        match std::pin::Pin::new(&mut file).poll_read(cx, &mut read) {
            Poll::Ready(Ok(())) if read.filled().is_empty() => Poll::Ready(None),
            Poll::Ready(Ok(())) => Poll::Ready(Some(Ok::<_, std::io::Error>(
                axum::body::Bytes::copy_from_slice(read.filled()),
            ))),
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Pending => Poll::Pending,
        }
    });
    let body = Body::from_stream(chunks);
    let mut r = with_headers(Response::new(body), StatusCode::OK, content_type);
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    r
}

/// Whether a request's `Host:` names this computer: `localhost`, `127.0.0.1`, `[::1]` or
/// the address listened on, with any port (any address when listening on all of them).
/// A name a page elsewhere could point at this computer (DNS rebinding) is refused; a
/// request without the header comes from no browser and is answered.
pub fn host_allowed(host: Option<&HeaderValue>, bound: IpAddr) -> bool {
    let Some(host) = host else { return true };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some(parts) => parts,
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) => (name, &host[name.len()..][..port.len() + 1]),
            None => (host, ""),
        },
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !port_ok {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    // an address is never a rebound name: only a page from that address sends it
    name.parse::<IpAddr>().is_ok_and(|ip| {
        ip == IpAddr::from([127, 0, 0, 1])
            || ip == IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
            || ip == bound
            || bound.is_unspecified()
    })
}

/// Refuses, with `421`, a request addressed to a name other than this computer's.
async fn host_check(
    Shared(state): Shared<Arc<State>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if host_allowed(request.headers().get(header::HOST), state.bound) {
        return next.run(request).await;
    }
    respond(
        StatusCode::MISDIRECTED_REQUEST,
        "text/plain; charset=utf-8",
        b"innopress serve answers only requests to localhost, 127.0.0.1, [::1] or the address it listens on\n".to_vec(),
    )
}

fn with_headers(mut r: Response, code: StatusCode, content_type: &str) -> Response {
    *r.status_mut() = code;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

async fn script() -> Response {
    respond(
        StatusCode::OK,
        "text/javascript; charset=utf-8",
        RELOAD_JS.as_bytes().to_vec(),
    )
}

/// Server-sent events: `hello` with the current generation, then `reload` after each good
/// build and `problems` (the diagnostics) after each failed one.
async fn events(Shared(state): Shared<Arc<State>>) -> Response {
    // past the share of event streams, the page's script tries again in a few seconds
    let Ok(stream_slot) = state.streams.clone().try_acquire_owned() else {
        let mut busy = respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain; charset=utf-8",
            b"too many open pages".to_vec(),
        );
        busy.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return busy;
    };
    let mut rx = state.status.subscribe();
    let first = rx.borrow_and_update().clone();
    let mut opening = vec![event("hello", &first.generation.to_string())];
    if let Some(text) = &first.problems {
        opening.push(event("problems", text));
    }
    let opening = futures_util::stream::iter(opening.into_iter().map(Ok::<_, Infallible>));
    // the slot lives in the stream, so it is given back when the page goes away
    let changes = futures_util::stream::unfold((rx, stream_slot), |(mut rx, slot)| async move {
        rx.changed().await.ok()?;
        let s = rx.borrow_and_update().clone();
        let e = match &s.problems {
            Some(text) => event("problems", text),
            None => event("reload", &s.generation.to_string()),
        };
        Some((Ok::<_, Infallible>(e), (rx, slot)))
    });
    let mut response = Sse::new(futures_util::StreamExt::chain(opening, changes))
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("keep-alive"),
        )
        .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One event; SSE cannot carry carriage returns, and each line of `data` becomes a `data:`
/// line.
fn event(name: &str, data: &str) -> Event {
    Event::default().event(name).data(data.replace('\r', ""))
}

/// Maps a request path to a file inside `output`, or `None`. Percent-decoding happens before
/// the checks, so `%2e%2e` is `..` and refused like it.
pub fn resolve(output: &Path, base_path: &str, path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    // a `%` not followed by two hex digits is malformed, not literal: refused
    if path
        .split('%')
        .skip(1)
        .any(|h| !(h.len() >= 2 && h.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit)))
    {
        return None;
    }
    let rel = decoded
        .strip_prefix(base_path)
        .or_else(|| decoded.strip_prefix('/'))
        .unwrap_or(&decoded);
    let mut file = output.to_path_buf();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains('\0') || p.starts_with('.') => return None,
            p => file.push(p),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    // a symlink inside the output could still point outside it
    let real = file.canonicalize().ok()?;
    let out = output.canonicalize().ok()?;
    (real.starts_with(&out) && real.is_file()).then_some(real)
}

/// Adds the reload script before `</body>`, with the build generation the page comes from:
/// a page whose event stream connects only after a rebuild still learns it is out of date.
fn inject(body: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT}\" data-generation=\"{generation}\" defer></script>");
    let text = String::from_utf8_lossy(&body);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

const RELOAD_JS: &str = r#"// innopress serve: reloads the page after a rebuild and shows build problems.
(function () {
  "use strict";
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:1.5rem;font:14px/1.45 ui-monospace,monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "The last change could not be built; the page shows the last good version.\n\n" + text;
  }
  var script = document.currentScript;
  var built = script ? Number(script.getAttribute("data-generation")) : NaN;
  function listen() {
    var source = new EventSource("/__innopress/events");
    // a rebuild that finished before this stream connected: the page is already out of date
    source.addEventListener("hello", function (e) { if (Number(e.data) > built) { location.reload(); } });
    source.addEventListener("reload", function () { location.reload(); });
    source.addEventListener("problems", function (e) { show(e.data); });
    // refused (too many open pages): the browser gives up on its own, so try again later
    source.onerror = function () {
      if (source.readyState === EventSource.CLOSED) { setTimeout(listen, 5000); }
    };
  }
  listen();
}());
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("output");
        std::fs::create_dir_all(out.join("news")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("news/index.html"), "news").unwrap();
        std::fs::write(dir.path().join("secret.toml"), "x").unwrap();
        assert!(resolve(&out, "/", "/").unwrap().ends_with("index.html"));
        assert!(
            resolve(&out, "/", "/news/")
                .unwrap()
                .ends_with("news/index.html")
        );
        assert!(
            resolve(&out, "/inno/", "/inno/news/")
                .unwrap()
                .ends_with("news/index.html")
        );
        for bad in [
            "/../secret.toml",
            "/%2e%2e/secret.toml",
            "/..%2fsecret.toml",
            "/news/../../secret.toml",
            "/%2E%2E%2Fsecret.toml",
            "/.git/config",
            "/%zz",
        ] {
            assert!(resolve(&out, "/", bad).is_none(), "{bad}");
        }
        assert_eq!(
            inject(b"<body>x</body>".to_vec(), 7),
            format!("<body>x<script src=\"{SCRIPT}\" data-generation=\"7\" defer></script></body>")
                .into_bytes()
        );
    }

    #[test]
    fn only_this_computers_names_are_answered() {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        let lan = IpAddr::from([192, 168, 1, 20]);
        let host = |h: &str| HeaderValue::from_str(h).unwrap();
        for ok in [
            "localhost",
            "LocalHost:8080",
            "127.0.0.1",
            "127.0.0.1:1111",
            "[::1]",
            "[::1]:80",
        ] {
            assert!(host_allowed(Some(&host(ok)), loopback), "{ok}");
        }
        assert!(host_allowed(Some(&host("192.168.1.20:1111")), lan));
        assert!(host_allowed(None, loopback));
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "192.168.1.20",
            "127.0.0.1:x",
            "[::1",
            "localhost:",
            "",
            "127.0.0.1.nip.io",
        ] {
            assert!(!host_allowed(Some(&host(bad)), loopback), "{bad}");
        }
        let any = IpAddr::from([0, 0, 0, 0]);
        assert!(host_allowed(Some(&host("192.168.1.20:1111")), any));
        assert!(!host_allowed(Some(&host("evil.example")), any));
    }
}
