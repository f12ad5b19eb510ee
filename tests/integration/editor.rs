//! The browser editor on `innopress serve`: what it saves is checked, hostile requests to
//! its endpoints are refused and write nothing, its configuration follows the content
//! model, and a site with `[cms]` is published with the editor for the team.

use crate::common::*;
use crate::serve::start;
use std::io::{Read, Write};
use std::net::TcpStream;

struct Reply {
    code: u16,
    body: String,
}

/// One HTTP request as written; `body` may be larger than what `length` says.
fn request(port: u16, head: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    s.write_all(head.as_bytes()).unwrap();
    // the server may answer and close before it has read a body it refuses
    let _ = s.write_all(body);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    Reply { code, body }
}

fn get(port: u16, path: &str, host: &str) -> Reply {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        b"",
    )
}

/// A POST as the editor's page sends it, with `(header, value)` pairs changed or left out.
fn post(port: u16, path: &str, body: &str, change: &[(&str, Option<&str>)]) -> Reply {
    let host = format!("127.0.0.1:{port}");
    let origin = format!("http://{host}");
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), host),
        ("Origin".into(), origin),
        (
            "Content-Type".into(),
            "application/json; charset=utf-8".into(),
        ),
        ("Content-Length".into(), body.len().to_string()),
    ];
    for (name, value) in change {
        headers.retain(|(n, _)| n != name);
        if let Some(v) = value {
            headers.push((name.to_string(), v.to_string()));
        }
    }
    let mut head = format!("POST {path} HTTP/1.1\r\n");
    for (n, v) in &headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    request(port, &head, body.as_bytes())
}

fn token(port: u16) -> String {
    let page = get(port, "/innocities/admin/", &format!("127.0.0.1:{port}"));
    assert_eq!(page.code, 200, "{}", page.body);
    let at = page
        .body
        .find("name=\"innopress-token\" content=\"")
        .unwrap()
        + 32;
    page.body[at..at + 48].to_string()
}

fn persist(path: &str, raw: &str) -> String {
    serde_json::json!({
        "action": "persistEntry",
        "params": { "dataFiles": [{ "path": path, "raw": raw }], "assets": [], "options": {} }
    })
    .to_string()
}

const ARTICLE: &str = "+++\ntitle = \"Written in the browser\"\ndate = \"2025-04-01\"\nsummary = \"From the editor.\"\n+++\nTotal: {{ figure(name=\"total-funding\") }}\n";

#[test]
fn hostile_requests_to_the_editor_are_refused_and_write_nothing() {
    let dir = site(None);
    let server = start(dir.path());
    let port = server.port;
    let t = token(port);
    let api = format!("/innocities/admin/api/v1?token={t}");
    let before = tree(&dir.path().join("content"));
    let good = persist("content/articles/new-one.md", ARTICLE);
    let huge = format!(
        "{{\"action\":\"persistEntry\",\"x\":\"{}\"}}",
        "A".repeat(40 * 1024 * 1024)
    );
    let evil_host = [("Host", Some("innopress.attacker.example"))];
    let cases: Vec<(&str, Reply)> = vec![
        ("traversal", post(port, &api, &persist("content/../../evil.md", ARTICLE), &[])),
        ("traversal in a picture", post(port, &api, &serde_json::json!({"action": "persistMedia", "params": {"asset": {"path": "content/static/images/../../../x.jpg", "content": "AAAA", "encoding": "base64"}}}).to_string(), &[])),
        ("a theme file", post(port, &api, &persist("themes/default/templates/base.html", ARTICLE), &[])),
        ("another Host", post(port, &api, &good, &evil_host)),
        ("no token", post(port, "/innocities/admin/api/v1", &good, &[])),
        ("a wrong token", post(port, &api.replace(&t[..8], "00000000"), &good, &[])),
        ("another origin", post(port, &api, &good, &[("Origin", Some("http://attacker.example"))])),
        ("no origin", post(port, &api, &good, &[("Origin", None)])),
        ("a form post", post(port, &api, &good, &[("Content-Type", Some("application/x-www-form-urlencoded"))])),
        ("a huge body said", post(port, &api, "{}", &[("Content-Length", Some("999999999"))])),
        ("a huge body sent", post(port, &api, &huge, &[])),
        ("not the protocol", post(port, &api, "{\"action\": \"runShell\"}", &[])),
        ("not JSON", post(port, &api, "<xml/>", &[])),
    ];
    for (what, reply) in &cases {
        assert!(
            (400..500).contains(&reply.code),
            "{what}: answered {} {}",
            reply.code,
            reply.body
        );
        assert!(
            !reply.body.contains(&t),
            "{what}: the answer holds the token"
        );
    }
    let code = |what: &str| cases.iter().find(|(w, _)| *w == what).unwrap().1.code;
    assert_eq!(code("another Host"), 421);
    assert_eq!(code("no token"), 403);
    assert_eq!(code("a huge body said"), 413);
    assert_eq!(code("a huge body sent"), 413);
    // the editor's page (which holds the token) is not given to another name either
    assert_eq!(
        get(port, "/innocities/admin/", "innopress.attacker.example").code,
        421
    );
    assert_eq!(
        tree(&dir.path().join("content")),
        before,
        "a refused request wrote"
    );
    assert!(!dir.path().join("evil.md").exists());
    // and the same request from the editor's page is answered
    let ok = post(port, &api, &good, &[]);
    assert_eq!(ok.code, 200, "{}", ok.body);
    drop(server);
}

#[test]
fn a_save_is_checked_and_a_broken_one_keeps_the_last_good_site() {
    let dir = site(None);
    let server = start(dir.path());
    let port = server.port;
    let api = format!("/innocities/admin/api/v1?token={}", token(port));
    let saved = post(
        port,
        &api,
        &persist("content/articles/from-the-browser.md", ARTICLE),
        &[],
    );
    assert_eq!(saved.code, 200, "{}", saved.body);
    let answer: serde_json::Value = serde_json::from_str(&saved.body).unwrap();
    assert_eq!(answer["problems"], serde_json::json!([]), "{answer}");
    let text = read(&dir.path().join("content/articles/from-the-browser.md"));
    assert!(
        text.starts_with("+++\ntitle = \"Written in the browser\"\ndate = 2025-04-01\n"),
        "{text}"
    );
    assert!(run(dir.path(), &["check"]).status.success());
    // the page appears once serve has rebuilt
    let host = format!("127.0.0.1:{port}");
    let page = (0..100)
        .map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(100));
            get(port, "/innocities/news/from-the-browser/", &host)
        })
        .find(|r| r.code == 200)
        .expect("the saved article was not built");
    assert!(page.body.contains("Written in the browser"));

    // a save that breaks the site: written, its problems in the answer, the site kept
    let broken = ARTICLE.replace("date = \"2025-04-01\"\n", "");
    let mut body = persist("content/articles/from-the-browser.md", &broken);
    let saved = post(port, &api, &body, &[]);
    let answer: serde_json::Value = serde_json::from_str(&saved.body).unwrap();
    let problems = answer["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(
            |p| p["message"].as_str().unwrap().contains("date") && p["line"].as_u64() > Some(0)
        ),
        "{answer}"
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let page = get(port, "/innocities/news/from-the-browser/", &host);
    assert_eq!(page.code, 200, "the last good site was not kept");

    // changed on disk meanwhile: the editor's save is refused
    std::fs::write(
        dir.path().join("content/articles/from-the-browser.md"),
        ARTICLE.replace("browser", "text editor"),
    )
    .unwrap();
    body = persist("content/articles/from-the-browser.md", ARTICLE);
    let refused = post(port, &api, &body, &[]);
    assert_eq!(refused.code, 409, "{}", refused.body);
    assert!(read(&dir.path().join("content/articles/from-the-browser.md")).contains("text editor"));
    drop(server);
}

#[test]
fn the_configuration_follows_the_content_model_and_the_sites_files() {
    let dir = site(None);
    let out = run(dir.path(), &["cms", "config"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = String::from_utf8(out.stdout).unwrap();
    for want in [
        "file: \"content/data/projects/main.toml\"",
        "file: \"content/data/observations/startups.toml\"",
        "format: \"toml-frontmatter\"",
        "local_backend: true",
        "media_folder: \"content/static/images\"",
    ] {
        assert!(yaml.contains(want), "{want} missing from\n{yaml}");
    }
    let again = run(dir.path(), &["cms", "config"]);
    assert_eq!(yaml.as_bytes(), again.stdout.as_slice());
}

#[test]
fn a_site_with_cms_is_published_with_the_editor_for_the_team() {
    let dir = site(None);
    let settings = dir.path().join("content/site.toml");
    let text = read(&settings);
    let (top, rest) = text.split_at(text.find("\n[").unwrap() + 1);
    std::fs::write(
        &settings,
        format!("{top}\n[cms]\nbackend = \"github\"\nrepo = \"innocities/site\"\n\n{rest}"),
    )
    .unwrap();
    let out = run(dir.path(), &["build", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let admin = dir.path().join("output/admin");
    let config = read(&admin.join("config.yml"));
    assert!(
        config.contains("name: \"github\"") && config.contains("repo: \"innocities/site\""),
        "{config}"
    );
    assert!(
        config.contains("publish_mode: \"editorial_workflow\""),
        "{config}"
    );
    assert!(!config.contains("local_backend"), "{config}");
    let page = read(&admin.join("index.html"));
    assert!(
        !page.contains("innopress-token"),
        "a published page holds no token"
    );
    assert!(admin.join("decap-cms.js").is_file() && admin.join("LICENSE").is_file());
    // the same content builds the same editor, byte for byte
    let first = tree(&admin);
    let out = run(dir.path(), &["build", "--quiet", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(first, tree(&admin));
}
