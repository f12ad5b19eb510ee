//! The editor's files: Decap CMS (the pinned npm release in `vendor/decap-cms/`, embedded
//! so the editor works offline), innopress's own script for it, and its page.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

/// The Decap CMS release embedded (see `scripts/vendor-decap`).
pub const DECAP_VERSION: &str = "3.16.3";

static ZIP: &[u8] = include_bytes!("../../../vendor/decap-cms/decap-cms.zip");
static ADMIN_JS: &str = include_str!("admin/innopress-admin.js");

/// The unpacked release, read from the embedded zip once.
fn decap() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut files = BTreeMap::new();
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(ZIP)) else {
            return files;
        };
        for i in 0..zip.len() {
            let Ok(mut f) = zip.by_index(i) else { continue };
            let Ok(name) = f.name().map(|n| n.to_string()) else {
                continue;
            };
            let mut bytes = Vec::with_capacity(f.size() as usize);
            if f.read_to_end(&mut bytes).is_ok() {
                files.insert(name, bytes);
            }
        }
        files
    })
}

/// A file of the editor by its name under `admin/`, with its media type.
pub fn file(name: &str) -> Option<(&'static [u8], &'static str)> {
    if name == "innopress-admin.js" {
        return Some((ADMIN_JS.as_bytes(), "text/javascript; charset=utf-8"));
    }
    let bytes = decap().get(name)?;
    let kind = match name.rsplit_once('.').map(|(_, e)| e) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        _ => "text/plain; charset=utf-8",
    };
    Some((bytes.as_slice(), kind))
}

/// Every file of the editor but its page and configuration, as written into a published
/// site: (name under `admin/`, bytes).
pub fn files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    decap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_slice()))
        .chain(std::iter::once(("innopress-admin.js", ADMIN_JS.as_bytes())))
}

/// The editor's page. `token` is set when `serve` answers the local backend: the editing
/// requests must carry it, and only this page has it.
pub fn page(title: &str, base_path: &str, token: Option<&str>) -> String {
    let esc = innopress_core::text::escape_html;
    let token = token.map_or_else(String::new, |t| {
        format!("<meta name=\"innopress-token\" content=\"{}\">\n", esc(t))
    });
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"robots\" content=\"noindex\">\n{token}<meta name=\"innopress-base\" content=\"{}\">\n\
<title>Edit {} (innopress)</title>\n</head>\n<body>\n\
<noscript>The editor needs JavaScript. The site's files are in content/; the manual's chapter \
“Editing in the browser” says how to edit them without it.</noscript>\n\
<script>window.CMS_MANUAL_INIT = true;</script>\n\
<script src=\"decap-cms.js\"></script>\n<script src=\"innopress-admin.js\"></script>\n\
</body>\n</html>\n",
        esc(base_path),
        esc(title),
    )
}
