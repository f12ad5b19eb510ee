//! `innopress serve`: builds the site, serves it on 127.0.0.1, watches `content/` and
//! `themes/`, rebuilds on change and tells open pages to reload (server-sent events). A broken
//! edit keeps the last good site served and shows the diagnostics in the terminal and as an
//! overlay in the browser. The reload script is added to HTML as it is served, never written
//! into the output. Only files inside the output folder are ever served.

use crate::incremental::{Outcome, Session};
use crate::pipeline::{BuildError, BuildOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const EVENTS: &str = "/__innopress/events";
const SCRIPT: &str = "/__innopress/reload.js";

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
}

/// What browsers are told: the build generation and, when the last build failed, why.
struct State {
    output: PathBuf,
    base_path: String,
    status: Mutex<(u64, Option<String>)>,
    changed: Condvar,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {ip} from port {port}: {source}")]
    Bind {
        ip: IpAddr,
        port: u16,
        source: std::io::Error,
    },
    #[error("cannot read the address being served: {0}")]
    Address(std::io::Error),
}

/// Serves until the process is stopped.
pub fn serve(opts: &Options) -> Result<(), ServeError> {
    // watch events come with absolute paths; so must the root be
    let root = crate::output::absolute(&opts.root);
    let opts = &Options {
        root,
        ..opts.clone()
    };
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: None,
        drafts: opts.drafts,
        as_of: None,
    };
    let output = opts.root.join("output");
    let state = Arc::new(State {
        output: output.clone(),
        base_path: base_path(&opts.root),
        status: Mutex::new((0, None)),
        changed: Condvar::new(),
    });
    let session = start_session(&build_opts, &state);

    // watch before announcing the address, so no edit made after that line is missed
    let (watcher, changes) = watcher(&opts.root);
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(ServeError::Address)?;
    eprintln!("serving http://{addr}/ (watching content/ and themes/; Ctrl+C to stop)");

    let watcher_state = state.clone();
    std::thread::spawn(move || {
        let _keep = watcher;
        if let Some(changes) = changes {
            watch(&changes, &build_opts, session, &watcher_state);
        }
    });

    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let state = state.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &state);
        });
    }
    Ok(())
}

/// The first free port from `port` on (up to 50 tries), so a second preview just works.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, ServeError> {
    let mut last = std::io::Error::other("no port tried");
    for p in port..port.saturating_add(50) {
        match TcpListener::bind(SocketAddr::new(ip, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = e,
        }
        if port == 0 {
            break;
        }
    }
    Err(ServeError::Bind {
        ip,
        port,
        source: last,
    })
}

fn base_path(root: &Path) -> String {
    crate::content::read_source(root, "content/site.toml")
        .and_then(Result::ok)
        .and_then(|src| toml::from_str::<toml::Table>(&src.text).ok())
        .and_then(|t| {
            t.get("base_url")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .and_then(|u| crate::urls::BaseUrl::parse(&u).ok())
        .map_or_else(|| "/".to_string(), |b| b.path)
}

fn start_session(opts: &BuildOptions, state: &State) -> Option<Session> {
    let started = Instant::now();
    match Session::start(opts) {
        Ok((session, report)) => {
            publish(
                state,
                Ok(format!(
                    "built {} pages in {} ms",
                    report.pages,
                    started.elapsed().as_millis()
                )),
                Some(&report.warnings),
            );
            Some(session)
        }
        Err(e) => {
            publish(state, Err(e), None);
            None
        }
    }
}

/// Tells the terminal and the open pages how a build went.
fn publish(
    state: &State,
    result: Result<String, BuildError>,
    warnings: Option<&crate::diagnostics::Diagnostics>,
) {
    let mut status = state.status.lock().unwrap_or_else(|p| p.into_inner());
    status.0 += 1;
    if let Some(w) = warnings.filter(|w| !w.items.is_empty()) {
        eprint!("{}", w.render_styled(crate::diagnostics::stderr_color()));
    }
    match result {
        Ok(line) => {
            eprintln!("{line}");
            status.1 = None;
        }
        Err(e) => {
            let text = match &e {
                BuildError::Content(d) => d.render(),
                other => format!("error: {other}\n"),
            };
            eprint!("{text}");
            eprintln!("the build failed; still serving the last good site");
            status.1 = Some(text);
        }
    }
    state.changed.notify_all();
}

type Changes = std::sync::mpsc::Receiver<Vec<PathBuf>>;

/// A watcher of `content/` and `themes/` and the channel of changed paths it feeds.
fn watcher(root: &Path) -> (Option<notify::RecommendedWatcher>, Option<Changes>) {
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = match notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev
            && !matches!(ev.kind, notify::EventKind::Access(_))
        {
            let _ = tx.send(ev.paths);
        }
    }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("warning: cannot watch for changes ({e}); restart serve to see edits");
            return (None, None);
        }
    };
    for dir in ["content", "themes"] {
        let p = root.join(dir);
        if p.is_dir()
            && let Err(e) = watcher.watch(&p, RecursiveMode::Recursive)
        {
            eprintln!("warning: cannot watch {}: {e}", p.display());
        }
    }
    (Some(watcher), Some(rx))
}

/// Rebuilds after changes, waiting until edits settle: only the pages an edited document
/// touches when it can, the whole site otherwise.
fn watch(rx: &Changes, opts: &BuildOptions, mut session: Option<Session>, state: &State) {
    while let Ok(first) = rx.recv() {
        let mut paths = first;
        // an editor's save is several events; take them together
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(10)) {
            paths.extend(more);
        }
        paths.sort();
        paths.dedup();
        // editors' swap and backup files are not content
        paths.retain(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.') && !n.ends_with('~') && !n.ends_with(".swp"))
        });
        if paths.is_empty() {
            continue;
        }
        let started = Instant::now();
        match session.as_mut() {
            None => session = start_session(opts, state),
            Some(s) => match s.rebuild(&paths) {
                Ok(Outcome::Incremental { files, .. }) => publish(
                    state,
                    Ok(format!(
                        "rebuilt {files} files in {} ms",
                        started.elapsed().as_millis()
                    )),
                    None,
                ),
                Ok(Outcome::Full(report)) => publish(
                    state,
                    Ok(format!(
                        "rebuilt the site ({} pages) in {} ms",
                        report.pages,
                        started.elapsed().as_millis()
                    )),
                    Some(&report.warnings),
                ),
                Err(e) => publish(state, Err(e), None),
            },
        }
    }
}

fn handle(mut stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // headers are read and ignored
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD",
            method == "HEAD",
        );
    }
    let head = method == "HEAD";
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == EVENTS {
        return events(stream, state);
    }
    if path == SCRIPT {
        return respond(
            &mut stream,
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes(),
            head,
        );
    }
    // read before the file: a page is never older than the build it claims to show
    let generation = state.status.lock().unwrap_or_else(|p| p.into_inner()).0;
    match resolve(&state.output, &state.base_path, path) {
        Some(file) => {
            let body = std::fs::read(&file)?;
            let ctype = content_type(&file);
            if ctype.starts_with("text/html") {
                respond(&mut stream, 200, ctype, &inject(body, generation), head)
            } else {
                respond(&mut stream, 200, ctype, &body, head)
            }
        }
        None => {
            let body = std::fs::read(state.output.join("404.html"))
                .unwrap_or_else(|_| b"<h1>Not found</h1>".to_vec());
            respond(
                &mut stream,
                404,
                "text/html; charset=utf-8",
                &inject(body, generation),
                head,
            )
        }
    }
}

/// Maps a request path to a file inside `output`, or `None`. Percent-decoding happens before
/// the checks, so `%2e%2e` is `..` and refused like it.
pub fn resolve(output: &Path, base_path: &str, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
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

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "xml" => "application/xml; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "eml" => "message/rfc822",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
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

fn respond(
    stream: &mut TcpStream,
    code: u16,
    ctype: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match code {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    write!(
        stream,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Server-sent events: `hello` with the current generation, then `reload` after each good
/// build and `problems` (the diagnostics) after each failed one.
fn events(mut stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n")?;
    let mut seen = {
        let s = state.status.lock().unwrap_or_else(|p| p.into_inner());
        send(&mut stream, "hello", &s.0.to_string())?;
        if let Some(text) = &s.1 {
            send(&mut stream, "problems", text)?;
        }
        s.0
    };
    loop {
        let guard = state.status.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = state
            .changed
            .wait_timeout_while(guard, Duration::from_secs(15), |s| s.0 == seen)
            .unwrap_or_else(|p| p.into_inner());
        if guard.0 == seen {
            drop(guard);
            stream.write_all(b": keep-alive\n\n")?;
            continue;
        }
        seen = guard.0;
        let problems = guard.1.clone();
        drop(guard);
        match problems {
            Some(text) => send(&mut stream, "problems", &text)?,
            None => send(&mut stream, "reload", &seen.to_string())?,
        }
    }
}

fn send(stream: &mut TcpStream, event: &str, data: &str) -> std::io::Result<()> {
    let mut msg = format!("event: {event}\n");
    for line in data.lines() {
        msg.push_str("data: ");
        msg.push_str(line);
        msg.push('\n');
    }
    msg.push('\n');
    stream.write_all(msg.as_bytes())?;
    stream.flush()
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
  var source = new EventSource("/__innopress/events");
  // a rebuild that finished before this stream connected: the page is already out of date
  source.addEventListener("hello", function (e) { if (Number(e.data) > built) { location.reload(); } });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("problems", function (e) { show(e.data); });
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
}
