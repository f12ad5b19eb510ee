//! Decap CMS's local backend protocol (`decap-server`'s actions), answered over the site's
//! `content/` folder: list, read, write and delete entries and pictures. Every path is
//! confined to `content/` (pictures to the picture folder) and must be a file the editor
//! may write; every write is atomic and normalised; a file changed on disk since the editor
//! read it is not overwritten. No I/O outside the site; the HTTP side is `serve`'s.

use super::config::MEDIA_FOLDER;
use super::normalise::{NormaliseError, normalise};
use super::schema::{Shape, shape_of};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The largest picture the editor may upload.
pub const MAX_PICTURE: usize = 25 * 1024 * 1024;
/// The largest entry file read or written.
const MAX_ENTRY: u64 = 4 * 1024 * 1024;
/// Entries listed from one folder, at most.
const MAX_LISTED: usize = 20_000;
const PICTURES: [&str; 5] = ["jpg", "jpeg", "png", "webp", "gif"];

/// Why a request is refused, with the HTTP status that says so.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("cannot {what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::BadRequest(_) => 400,
            Refusal::Forbidden(_) => 403,
            Refusal::Conflict(_) => 409,
            Refusal::Unprocessable(_) => 422,
            Refusal::Io { .. } => 500,
        }
    }
}

impl From<NormaliseError> for Refusal {
    fn from(e: NormaliseError) -> Self {
        Refusal::Unprocessable(e.to_string())
    }
}

/// What an action did: its answer, and the entry files it wrote (to be checked).
pub struct Done {
    pub answer: Value,
    pub written: Vec<String>,
}

impl From<Value> for Done {
    fn from(answer: Value) -> Self {
        Done {
            answer,
            written: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
struct Request {
    action: String,
    #[serde(default)]
    params: Value,
}

#[derive(Deserialize)]
struct DataFile {
    path: String,
    raw: String,
    #[serde(default, rename = "newPath")]
    new_path: Option<String>,
}

#[derive(Deserialize)]
struct Asset {
    path: String,
    content: String,
    #[serde(default)]
    encoding: Option<String>,
}

/// The site's files as the editor reaches them, and what the editor was last shown of each.
pub struct Store {
    root: PathBuf,
    /// Path → SHA-256 of the text the editor last read or wrote: a file whose text on disk
    /// differs was changed by someone else since.
    seen: Mutex<BTreeMap<String, String>>,
}

fn sha(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn param<'a>(params: &'a Value, key: &str) -> Result<&'a str, Refusal> {
    params
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| Refusal::BadRequest(format!("the request has no `{key}`")))
}

fn parsed<T: serde::de::DeserializeOwned>(v: Value, what: &str) -> Result<T, Refusal> {
    serde_json::from_value(v).map_err(|e| Refusal::BadRequest(format!("{what}: {e}")))
}

/// Names Windows keeps for devices: a file so named cannot be made or read there.
fn reserved(component: &str) -> bool {
    let stem = component
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// Whether `rel` is a plain relative path under `content/`: no `..`, no absolute or drive
/// path, no backslash, no hidden or device names, no control characters.
pub fn plain(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    rel.len() <= 512
        && parts.first() == Some(&"content")
        && parts.len() >= 2
        && !rel.contains(['\\', ':', '\0'])
        && !rel.chars().any(char::is_control)
        && parts.iter().all(|p| {
            !p.is_empty() && !p.starts_with('.') && !p.ends_with([' ', '.']) && !reserved(p)
        })
}

fn extension(rel: &str) -> String {
    rel.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_picture_path(rel: &str) -> bool {
    rel.strip_prefix(MEDIA_FOLDER)
        .and_then(|r| r.strip_prefix('/'))
        .is_some_and(|name| !name.contains('/') && PICTURES.contains(&extension(name).as_str()))
}

impl Store {
    pub fn new(root: &Path) -> Store {
        Store {
            root: root.to_path_buf(),
            seen: Mutex::new(BTreeMap::new()),
        }
    }

    /// The file at `rel`, when it is a plain path under `content/` with no link on the way
    /// (a link could lead out of the site).
    fn confine(&self, rel: &str) -> Result<PathBuf, Refusal> {
        if !plain(rel) {
            return Err(Refusal::Forbidden(format!(
                "{rel:?} is not a path inside content/ the editor may use"
            )));
        }
        let mut path = self.root.clone();
        for part in rel.split('/') {
            path.push(part);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(Refusal::Forbidden(format!(
                    "{rel} goes through a link; the editor writes only plain files"
                )));
            }
        }
        Ok(path)
    }

    /// An entry file the editor may write, with its shape.
    fn entry_path(&self, rel: &str) -> Result<(PathBuf, Shape), Refusal> {
        let path = self.confine(rel)?;
        let shape = shape_of(rel).ok_or_else(|| {
            Refusal::Forbidden(format!(
                "{rel} is not a file the editor edits (documents and data under content/)"
            ))
        })?;
        Ok((path, shape))
    }

    fn picture_path(&self, rel: &str) -> Result<PathBuf, Refusal> {
        if !is_picture_path(rel) {
            return Err(Refusal::Forbidden(format!(
                "{rel} is not a picture in {MEDIA_FOLDER}/ (JPEG, PNG, WebP or GIF)"
            )));
        }
        self.confine(rel)
    }

    /// An uploaded picture by its site path (`/images/x.jpg`), for the editor's thumbnails
    /// before a build has made its variants.
    pub fn original_picture(&self, site_path: &str) -> Option<(Vec<u8>, &'static str)> {
        let name = site_path
            .strip_prefix(super::config::PUBLIC_FOLDER)?
            .strip_prefix('/')?;
        let rel = format!("{MEDIA_FOLDER}/{name}");
        let bytes = std::fs::read(self.picture_path(&rel).ok()?).ok()?;
        let kind = match extension(name).as_str() {
            "png" => "image/png",
            "webp" => "image/webp",
            "gif" => "image/gif",
            _ => "image/jpeg",
        };
        Some((bytes, kind))
    }

    fn remember(&self, rel: &str, bytes: &[u8]) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(rel.to_string(), sha(bytes));
        }
    }

    /// `{data, file}` of an entry, as decap-server answers; `data: null` when unreadable.
    fn entry(&self, rel: &str, label: Option<&str>) -> Value {
        let text = self
            .confine(rel)
            .ok()
            .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() <= MAX_ENTRY))
            .and_then(|p| std::fs::read(p).ok());
        let mut file = json!({ "path": rel });
        if let Some(l) = label {
            file["label"] = json!(l);
        }
        match text.and_then(|b| String::from_utf8(b).ok()) {
            Some(t) => {
                self.remember(rel, t.as_bytes());
                file["id"] = json!(sha(t.as_bytes()));
                json!({ "data": t, "file": file })
            }
            None => {
                file["id"] = Value::Null;
                json!({ "data": null, "file": file })
            }
        }
    }

    /// Files under `folder` ending in `extension`, `depth` levels down, sorted.
    fn list(&self, folder: &str, extension: &str, depth: u64) -> Result<Vec<String>, Refusal> {
        let start = self.confine(folder.trim_end_matches('/'))?;
        let mut out = Vec::new();
        let mut dirs = vec![(start, folder.trim_end_matches('/').to_string(), depth)];
        while let Some((dir, rel, depth)) = dirs.pop() {
            if depth == 0 {
                continue;
            }
            let Ok(read) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in read.flatten() {
                let Ok(name) = e.file_name().into_string() else {
                    continue;
                };
                let child = format!("{rel}/{name}");
                let Ok(kind) = e.file_type() else { continue };
                if name.starts_with('.') || kind.is_symlink() {
                    continue;
                }
                if kind.is_dir() {
                    dirs.push((e.path(), child, depth - 1));
                } else if child.ends_with(extension) && out.len() < MAX_LISTED {
                    out.push(child);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn media_file(&self, rel: &str) -> Result<Value, Refusal> {
        let path = self.picture_path(rel)?;
        let bytes = std::fs::read(&path).map_err(|source| Refusal::Io {
            what: "read",
            path: rel.to_string(),
            source,
        })?;
        let name = rel.rsplit('/').next().unwrap_or(rel);
        Ok(json!({
            "id": sha(&bytes),
            "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "encoding": "base64",
            "path": rel,
            "name": name,
        }))
    }

    /// Refuses to replace a file whose text is not the one the editor last saw.
    fn unchanged_since_read(&self, rel: &str, path: &Path) -> Result<(), Refusal> {
        let Ok(now) = std::fs::read(path) else {
            return Ok(());
        };
        let seen = self.seen.lock().ok().and_then(|s| s.get(rel).cloned());
        match seen {
            Some(s) if s == sha(&now) => Ok(()),
            Some(_) => Err(Refusal::Conflict(format!(
                "{rel} was changed on disk since the editor opened it (in another program, or by git). Nothing was saved: copy your text, reload the page to see the file as it is now, then make your change again."
            ))),
            None => Err(Refusal::Conflict(format!(
                "{rel} already exists; choose another title (or open the existing entry)"
            ))),
        }
    }

    fn write(&self, rel: &str, path: &Path, bytes: &[u8]) -> Result<(), Refusal> {
        let io = |what, source| Refusal::Io {
            what,
            path: rel.to_string(),
            source,
        };
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| io("make the folder of", e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".innopress-edit")
            .tempfile_in(dir)
            .map_err(|e| io("write", e))?;
        std::io::Write::write_all(&mut tmp, bytes).map_err(|e| io("write", e))?;
        tmp.persist(path)
            .map_err(|e| io("replace", innopress_core::files::replace_error(e.error)))?;
        self.remember(rel, bytes);
        Ok(())
    }

    fn persist_entry(&self, params: Value) -> Result<Done, Refusal> {
        let files: Vec<DataFile> = match params.get("dataFiles") {
            Some(v) if v.is_array() => parsed(v.clone(), "dataFiles")?,
            _ => vec![parsed(
                params.get("entry").cloned().unwrap_or_default(),
                "entry",
            )?],
        };
        let assets: Vec<Asset> = match params.get("assets") {
            Some(v) if v.is_array() => parsed(v.clone(), "assets")?,
            _ => Vec::new(),
        };
        // everything is checked before anything is written
        let mut plan: Vec<(String, PathBuf, Vec<u8>)> = Vec::new();
        let mut moved: Vec<(String, PathBuf)> = Vec::new();
        for f in &files {
            let (path, shape) = self.entry_path(&f.path)?;
            if f.raw.len() as u64 > MAX_ENTRY {
                return Err(Refusal::Unprocessable(format!(
                    "{} is too long to save",
                    f.path
                )));
            }
            self.unchanged_since_read(&f.path, &path)?;
            let old = std::fs::read_to_string(&path).ok();
            let text = normalise(shape, &f.raw, old.as_deref())?;
            match &f.new_path {
                Some(to) if to != &f.path => {
                    let (to_path, _) = self.entry_path(to)?;
                    if to_path.exists() {
                        return Err(Refusal::Conflict(format!("{to} already exists")));
                    }
                    moved.push((f.path.clone(), path));
                    plan.push((to.clone(), to_path, text.into_bytes()));
                }
                _ => plan.push((f.path.clone(), path, text.into_bytes())),
            }
        }
        for a in &assets {
            let path = self.picture_path(&a.path)?;
            plan.push((a.path.clone(), path, decode(a)?));
        }
        let mut written = Vec::new();
        for (rel, path, bytes) in &plan {
            self.write(rel, path, bytes)?;
            if shape_of(rel).is_some() {
                written.push(rel.clone());
            }
        }
        for (rel, path) in moved {
            let _ = std::fs::remove_file(path);
            if let Ok(mut seen) = self.seen.lock() {
                seen.remove(&rel);
            }
        }
        Ok(Done {
            answer: json!({ "message": "entry persisted" }),
            written,
        })
    }

    fn delete(&self, rel: &str) -> Result<(), Refusal> {
        let path = if is_picture_path(rel) {
            self.picture_path(rel)?
        } else {
            let (path, _) = self.entry_path(rel)?;
            self.unchanged_since_read(rel, &path)?;
            path
        };
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Refusal::Io {
                what: "delete",
                path: rel.to_string(),
                source,
            }),
        }
    }

    /// Answers one request body of the protocol.
    pub fn handle(&self, body: &[u8]) -> Result<Done, Refusal> {
        let req: Request = serde_json::from_slice(body)
            .map_err(|e| Refusal::BadRequest(format!("not a request of the editor: {e}")))?;
        let p = req.params;
        match req.action.as_str() {
            "info" => {
                let repo = self
                    .root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Ok(json!({ "repo": repo, "publish_modes": ["simple"], "type": "local_fs" }).into())
            }
            "entriesByFolder" => {
                let folder = param(&p, "folder")?;
                let ext = p.get("extension").and_then(Value::as_str).unwrap_or("");
                let depth = p.get("depth").and_then(Value::as_u64).unwrap_or(1).min(8);
                let entries: Vec<Value> = self
                    .list(folder, ext, depth)?
                    .iter()
                    .filter(|f| shape_of(f).is_some())
                    .map(|f| self.entry(f, None))
                    .collect();
                Ok(Value::Array(entries).into())
            }
            "entriesByFiles" => {
                let files = p
                    .get("files")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut out = Vec::new();
                for f in &files {
                    let rel = param(f, "path")?;
                    self.entry_path(rel)?;
                    out.push(self.entry(rel, f.get("label").and_then(Value::as_str)));
                }
                Ok(Value::Array(out).into())
            }
            "getEntry" => {
                let rel = param(&p, "path")?;
                self.entry_path(rel)?;
                Ok(self.entry(rel, None).into())
            }
            "persistEntry" => self.persist_entry(p),
            "getMedia" => {
                let folder = param(&p, "mediaFolder")?;
                let mut out = Vec::new();
                for f in self.list(folder, "", 1)? {
                    if is_picture_path(&f) {
                        out.push(self.media_file(&f)?);
                    }
                }
                Ok(Value::Array(out).into())
            }
            "getMediaFile" => Ok(self.media_file(param(&p, "path")?)?.into()),
            "persistMedia" => {
                let asset: Asset = parsed(p.get("asset").cloned().unwrap_or_default(), "asset")?;
                let path = self.picture_path(&asset.path)?;
                self.write(&asset.path, &path, &decode(&asset)?)?;
                Ok(self.media_file(&asset.path)?.into())
            }
            "deleteFile" => {
                let rel = param(&p, "path")?;
                self.delete(rel)?;
                Ok(json!({ "message": format!("deleted file {rel}") }).into())
            }
            "deleteFiles" => {
                let paths: Vec<String> =
                    parsed(p.get("paths").cloned().unwrap_or_default(), "paths")?;
                for rel in &paths {
                    self.delete(rel)?;
                }
                Ok(json!({ "message": format!("deleted files {}", paths.join(", ")) }).into())
            }
            "getDeployPreview" => Ok(Value::Null.into()),
            other => Err(Refusal::Unprocessable(format!("unknown action {other:?}"))),
        }
    }
}

/// An uploaded picture's bytes, within the size limit.
fn decode(a: &Asset) -> Result<Vec<u8>, Refusal> {
    if a.content.len() > MAX_PICTURE / 3 * 4 + 4 {
        return Err(Refusal::Unprocessable(format!(
            "{} is larger than {} MB; make the picture smaller first",
            a.path,
            MAX_PICTURE / 1024 / 1024
        )));
    }
    match a.encoding.as_deref() {
        Some("base64") | None => base64::engine::general_purpose::STANDARD
            .decode(a.content.as_bytes())
            .map_err(|e| Refusal::BadRequest(format!("{}: not base64 ({e})", a.path))),
        Some(other) => Err(Refusal::BadRequest(format!(
            "{}: unknown encoding {other:?}",
            a.path
        ))),
    }
}
