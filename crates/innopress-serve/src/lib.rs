//! `innopress serve`: builds the site, serves it on 127.0.0.1, watches `content/` and
//! `themes/`, rebuilds on change and tells open pages to reload (server-sent events). A broken
//! edit keeps the last good site served and shows the diagnostics in the terminal and as an
//! overlay in the browser. The reload script is added to HTML as it is served, never written
//! into the output. Only files inside the output folder are ever served.

mod admin;
mod deadline;
mod http;

use http::State;
use innopress_build::incremental::{Outcome, Session};
use innopress_build::pipeline::{BuildError, BuildOptions};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    /// Open the served site in the default browser.
    pub open: bool,
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
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
}

/// Hands the address to the system's opener (`start` on Windows, `open` on macOS,
/// `xdg-open` elsewhere); a failure is said, and serving goes on.
fn open_browser(addr: SocketAddr) {
    // a server on every address is still this computer's to open
    let ip = if addr.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    let url = format!("http://{}/", SocketAddr::new(ip, addr.port()));
    let mut c = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        // the empty title keeps `start` from taking the address as a window title
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    c.arg(&url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Err(e) = c.spawn() {
        eprintln!("cannot open a browser ({e}): open {url} yourself");
    }
}

/// The editor's address as this computer's browser opens it: loopback, not the address
/// listened on, since the editor answers only there.
fn local_address(addr: SocketAddr, base: &str) -> String {
    let port = addr.port();
    format!("127.0.0.1:{port}{}", base.trim_end_matches('/'))
}

/// Serves until the process is stopped.
pub fn serve(opts: &Options) -> Result<(), ServeError> {
    // watch events come with absolute paths; so must the root be
    let root = innopress_build::output::absolute(&opts.root);
    let opts = &Options {
        root,
        ..opts.clone()
    };
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        output: None,
        drafts: opts.drafts,
        as_of: None,
        force: false,
    };
    let output = opts.root.join("output");
    let base = base_path(&opts.root);
    let mut state = State::new(output, base.clone(), opts.bind);
    state.admin = Some(Arc::new(admin::Admin::new(opts.root.clone(), base.clone())));
    let state = Arc::new(state);
    let session = start_session(&build_opts, &state);

    // watch before announcing the address, so no edit made after that line is missed
    let (watcher, changes) = watcher(&opts.root);
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener.local_addr().map_err(ServeError::Address)?;
    eprintln!("serving http://{addr}/ (watching content/ and themes/; Ctrl+C to stop)");
    eprintln!(
        "edit in the browser: http://{}/admin/",
        local_address(addr, &base)
    );
    if opts.open {
        open_browser(addr);
    }

    let watcher_state = state.clone();
    std::thread::spawn(move || {
        let _keep = watcher;
        if let Some(changes) = changes {
            watch(&changes, &build_opts, session, &watcher_state);
        }
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime
        .block_on(http::run(listener, state))
        .map_err(ServeError::Runtime)
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
    innopress_content::content::read_source(root, "content/site.toml")
        .and_then(Result::ok)
        .and_then(|src| toml::from_str::<toml::Table>(&src.text).ok())
        .and_then(|t| {
            t.get("base_url")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .and_then(|u| innopress_core::urls::BaseUrl::parse(&u).ok())
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
    warnings: Option<&innopress_core::diagnostics::Diagnostics>,
) {
    if let Some(w) = warnings.filter(|w| !w.items.is_empty()) {
        eprint!(
            "{}",
            w.render_styled(innopress_core::diagnostics::stderr_color())
        );
    }
    match result {
        Ok(line) => {
            eprintln!("{line}");
            state.publish(None);
        }
        Err(e) => {
            let text = match &e {
                BuildError::Content(d) => d.render(),
                other => format!("error: {other}\n"),
            };
            eprint!("{text}");
            eprintln!("the build failed; still serving the last good site");
            state.publish(Some(text));
        }
    }
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
