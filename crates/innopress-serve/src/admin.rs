//! The browser editor on `serve`: Decap CMS's page and files under `admin/`, and the local
//! backend's protocol at `admin/api/v1`, answered by [`innopress_cms::store`]. Editing is
//! offered to this computer only: every `admin/` request must come from a loopback address
//! and name a loopback host, and the editing requests must also come from the editor's own
//! origin and carry the token that only the editor's page holds. Each save is checked with
//! `innopress check`, and the problems in the saved files come back in the answer.

use axum::body::Body;
use axum::extract::{Path as UrlPath, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use innopress_cms::{assets, config, store::Store};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// The largest editing request: a picture of [`innopress_cms::store::MAX_PICTURE`] in base64,
/// with room for the JSON around it.
pub const MAX_BODY: usize = innopress_cms::store::MAX_PICTURE / 3 * 4 + 1024 * 1024;

/// The address a connection comes from, set on each request by the server.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// What the editing side holds: the site, its files as the editor reaches them, and the
/// token of this run.
pub struct Admin {
    root: PathBuf,
    base_path: String,
    token: String,
    store: Store,
}

fn token() -> String {
    let mut bytes = [0u8; 24];
    // without the system's randomness there is no editing: a token no page holds
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    hex::encode(bytes)
}

impl Admin {
    pub fn new(root: PathBuf, base_path: String) -> Admin {
        Admin {
            store: Store::new(&root),
            root,
            base_path,
            token: token(),
        }
    }

    /// The editor's address prefix (`/admin/`, or under the site's path).
    pub fn prefix(&self) -> String {
        format!("{}admin", self.base_path)
    }
}

fn answer(code: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = code;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

fn json_answer(code: StatusCode, v: &Value) -> Response {
    answer(
        code,
        "application/json; charset=utf-8",
        v.to_string().into_bytes(),
    )
}

fn refuse(code: StatusCode, message: &str) -> Response {
    json_answer(code, &json!({ "error": message }))
}

/// A loopback name: what a page on this computer sends, and no rebound name does.
fn loopback_host(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map(|(n, _)| n)?,
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    let ok = name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    ok.then_some(host)
}

/// Why a request to the editor is refused: the status and the words for it.
pub struct Denied(StatusCode, &'static str);

impl Denied {
    fn answer(self) -> Response {
        refuse(self.0, self.1)
    }
}

/// Refuses an `admin/` request that is not from this computer to this computer.
pub fn local_only(peer: Option<Peer>, headers: &HeaderMap) -> Result<(), Denied> {
    let from_here = peer.is_some_and(|Peer(a)| a.ip().is_loopback());
    if from_here && loopback_host(headers).is_some() {
        return Ok(());
    }
    Err(Denied(
        StatusCode::FORBIDDEN,
        "the editor answers only on this computer: open http://127.0.0.1:PORT/admin/ in its own browser",
    ))
}

/// Refuses an editing request without this run's token, or from another origin.
fn editor_only(admin: &Admin, token: Option<&str>, headers: &HeaderMap) -> Result<(), Denied> {
    let given = token.unwrap_or("").as_bytes();
    let ours = admin.token.as_bytes();
    let same = !ours.is_empty()
        && given.len() == ours.len()
        && given.iter().zip(ours).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0;
    if !same {
        return Err(Denied(
            StatusCode::FORBIDDEN,
            "this request does not come from the editor's page (no or a wrong token); reload the editor",
        ));
    }
    let host = loopback_host(headers).unwrap_or("");
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if origin != Some(format!("http://{host}").as_str()) {
        return Err(Denied(
            StatusCode::FORBIDDEN,
            "editing requests are answered only from the editor's own page",
        ));
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    if !json {
        return Err(Denied(StatusCode::UNSUPPORTED_MEDIA_TYPE, "send JSON"));
    }
    Ok(())
}

/// The request's body, or a refusal when it is larger than [`MAX_BODY`].
async fn body(request: Request) -> Result<axum::body::Bytes, Response> {
    let too_big = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request is too large: pictures up to 25 MB, documents up to 4 MB",
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_big());
    }
    axum::body::to_bytes(request.into_body(), MAX_BODY)
        .await
        .map_err(|_| too_big())
}

/// The `token` of a request's query (hex, so nothing to decode).
fn token_of(uri: &axum::http::Uri) -> Option<&str> {
    uri.query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
}

pub async fn page(admin: Arc<Admin>, peer: Option<Peer>, headers: HeaderMap) -> Response {
    if let Err(d) = local_only(peer, &headers) {
        return d.answer();
    }
    let title = config::Settings::read(&admin.root)
        .title
        .unwrap_or_else(|| "the site".into());
    let html = assets::page(&title, &admin.base_path, Some(&admin.token));
    answer(
        StatusCode::OK,
        "text/html; charset=utf-8",
        html.into_bytes(),
    )
}

pub async fn file(
    admin: Arc<Admin>,
    peer: Option<Peer>,
    headers: HeaderMap,
    UrlPath(name): UrlPath<String>,
) -> Response {
    if let Err(d) = local_only(peer, &headers) {
        return d.answer();
    }
    if name == "config.yml" {
        let settings = config::Settings::read(&admin.root);
        let mut decap = config::decap(&admin.root, &settings, config::Mode::Local);
        // "View Live" opens the preview being edited, not the published site
        if let Some(host) = loopback_host(&headers) {
            decap["site_url"] = json!(format!("http://{host}{}", admin.base_path));
            decap["display_url"] = decap["site_url"].clone();
        }
        let yaml = config::to_yaml(&decap);
        return answer(
            StatusCode::OK,
            "text/yaml; charset=utf-8",
            yaml.into_bytes(),
        );
    }
    if name.is_empty() || name == "index.html" {
        return page(admin, peer, headers).await;
    }
    match assets::file(&name) {
        Some((bytes, kind)) => {
            let mut r = answer(StatusCode::OK, "text/plain; charset=utf-8", bytes.to_vec());
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            r
        }
        None => refuse(StatusCode::NOT_FOUND, "no such file of the editor"),
    }
}

/// One action of the local backend; after a save, the problems `check` finds in the files
/// saved.
pub async fn api(admin: Arc<Admin>, peer: Option<Peer>, request: Request) -> Response {
    let headers = request.headers().clone();
    let token = token_of(request.uri()).map(str::to_string);
    if let Err(r) =
        local_only(peer, &headers).and_then(|()| editor_only(&admin, token.as_deref(), &headers))
    {
        return r.answer();
    }
    let bytes = match body(request).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let worker = admin.clone();
    let done = tokio::task::spawn_blocking(move || {
        let done = worker.store.handle(&bytes)?;
        let mut answer = done.answer;
        if !done.written.is_empty() {
            answer["problems"] = problems(&worker.root, &done.written);
        }
        Ok::<Value, innopress_cms::store::Refusal>(answer)
    })
    .await;
    match done {
        Ok(Ok(v)) => json_answer(StatusCode::OK, &v),
        Ok(Err(e)) => {
            let code = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            refuse(code, &e.to_string())
        }
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request could not be answered",
        ),
    }
}

/// A picture uploaded in the editor that no build has made variants of yet, at its site
/// path: only for this computer, as the rest of the editor.
pub fn original_picture(
    admin: &Admin,
    peer: Option<Peer>,
    headers: &HeaderMap,
    path: &str,
) -> Option<Response> {
    local_only(peer, headers).ok()?;
    let (bytes, kind) = admin.store.original_picture(path)?;
    Some(answer(StatusCode::OK, kind, bytes))
}

/// What `innopress check` says about the files just saved, and the errors elsewhere that
/// stop the build (a renamed id breaks the files that use it), at most 50.
fn problems(root: &std::path::Path, written: &[String]) -> Value {
    let diags = innopress_build::pipeline::check(root);
    let list: Vec<Value> = diags
        .items
        .iter()
        .filter(|d| {
            written.contains(&d.path) || d.severity == innopress_core::diagnostics::Severity::Error
        })
        .take(50)
        .map(|d| {
            json!({
                "path": d.path,
                "line": d.line,
                "column": d.column,
                "severity": match d.severity {
                    innopress_core::diagnostics::Severity::Error => "error",
                    _ => "warning",
                },
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    Value::Array(list)
}

/// A body as the site would show it, with live figures and charts, for the preview pane.
pub async fn preview(admin: Arc<Admin>, peer: Option<Peer>, request: Request) -> Response {
    let headers = request.headers().clone();
    let token = token_of(request.uri()).map(str::to_string);
    if let Err(r) =
        local_only(peer, &headers).and_then(|()| editor_only(&admin, token.as_deref(), &headers))
    {
        return r.answer();
    }
    let bytes = match body(request).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Ok(asked) = serde_json::from_slice::<Value>(&bytes) else {
        return refuse(StatusCode::BAD_REQUEST, "send {\"body\": \"…\"}");
    };
    let text = |k: &str| {
        asked
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let Some(md) = asked
        .get("body")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return refuse(StatusCode::BAD_REQUEST, "send {\"body\": \"…\"}");
    };
    let on = preview_date(&text("as_of"), &text("date"));
    let root = admin.root.clone();
    let html = tokio::task::spawn_blocking(move || render_preview(root, &md, on)).await;
    match html {
        Ok(Ok(html)) => json_answer(StatusCode::OK, &json!({ "html": html })),
        Ok(Err(Unshown(message))) => {
            json_answer(StatusCode::OK, &json!({ "html": "", "error": message }))
        }
        Err(_) => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the preview could not be made",
        ),
    }
}

/// Why the preview shows no text, in words for the writer.
struct Unshown(String);

/// The date a document's figures are computed on, as the loader decides it: its `as_of`
/// (a date, or `site`), else its `date`, else the site's (`None`).
fn preview_date(as_of: &str, date: &str) -> Option<innopress_core::date::Date> {
    match as_of.trim() {
        "site" => None,
        "" => innopress_core::date::Date::parse(date.trim()),
        d => innopress_core::date::Date::parse(d),
    }
}

fn render_preview(
    root: PathBuf,
    md: &str,
    on: Option<innopress_core::date::Date>,
) -> Result<String, Unshown> {
    let opts = innopress_build::pipeline::BuildOptions {
        root,
        output: None,
        drafts: true,
        as_of: None,
        force: false,
    };
    let loaded = innopress_build::pipeline::Loaded::load(&opts).map_err(|_| {
        Unshown(
            "The site does not build just now, so live figures cannot be shown; save to see why."
                .into(),
        )
    })?;
    let c = &loaded.checked;
    // the figures on the document's own date, computed for this preview alone
    let mut dated = std::collections::BTreeMap::new();
    if let Some(d) = on.filter(|d| *d != c.summary.as_of) {
        let summary = innopress_impact::summarise_on(&c.site, &c.summary, d);
        let charts = (*innopress_charts::named(&summary, &loaded.theme.strings.charts)).clone();
        dated.insert(d, innopress_render::dated::Dated { summary, charts });
    }
    let model = innopress_render::model::Model::with_charts(
        &c.site,
        &c.config,
        &c.summary,
        &loaded.theme,
        loaded.charts.clone(),
        std::sync::Arc::new(dated),
    );
    model
        .preview_html(md, on)
        .map_err(|e| Unshown(e.to_string()))
}
