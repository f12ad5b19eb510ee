//! The checks before a campaign, against the site published on a real web server (Python's
//! `http.server` on loopback) and a real SMTP server: a broken link, a picture missing on the
//! published site, an issue Gmail would clip and a missing postal address each stop the
//! campaign with a located message and send nothing; once fixed, it reaches everyone once.

use crate::common::*;
use crate::newsletter::{Smtp, list, python, sending_site};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `python3 -m http.server` serving `dir`; killed on drop.
struct Web {
    child: Child,
    port: u16,
}

impl Web {
    fn start(dir: &Path) -> Web {
        // a free port: bound, read, released, then taken by the server
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(python())
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start python3 -m http.server");
        // killed and waited for on drop, also when it never answers
        let web = Web { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return web;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("http.server did not start on port {port}");
    }
}

impl Drop for Web {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A sending site published at `base_url` on loopback: its `output/` is what the server
/// serves, built again after each edit.
fn publish(root: &Path) {
    let o = run(root, &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn each_problem_stops_the_campaign_at_its_place_and_the_fixed_issue_goes_to_everyone_once() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let dir = sending_site(&smtp, work.path());
    let root = dir.path();
    std::fs::create_dir_all(root.join("output")).unwrap();
    let web = Web::start(&root.join("output"));
    let cfg = root.join("content/site.toml");
    edit(
        &cfg,
        "base_url = \"https://example.org/innocities\"",
        &format!("base_url = \"http://127.0.0.1:{}/\"", web.port),
    );
    // the issue's picture, a broken link in the issue, and its own links are on the site
    let issue = root.join("content/newsletters/issue-1.md");
    let picture = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    picture
        .save(root.join("content/static/img/harbour.png"))
        .unwrap();
    // a portrait photo of noise: a tall, heavy file in the email, which only warns
    let mut seed = 7u32;
    let tower = image::RgbImage::from_fn(1600, 2400, |_, _| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let b = seed.to_le_bytes();
        image::Rgb([b[1], b[2], b[3]])
    });
    tower
        .save(root.join("content/static/img/tower.jpg"))
        .unwrap();
    // (written as a full address: the build refuses a broken link within the site, so a
    // page gone from the published site is the one the build cannot see)
    edit(
        &issue,
        "Read [the annual report]",
        &format!(
            "![Cranes in the harbour](/img/harbour.png)\n\n![The harbour tower](/img/tower.jpg)\n\nSee [the old story](http://127.0.0.1:{}/news/gone/). Read [the annual report]",
            web.port
        ),
    );
    publish(root);
    let csv = list(
        root,
        &[
            ("a@example.org", "Aino", "subscribed"),
            ("b@example.org", "Bo", "subscribed"),
        ],
    );
    let send = |root: &Path| send_with_preflight(root, &["--list", csv.to_str().unwrap()]);

    // 1. a broken link: refused, at the line of the issue that holds it
    let o = send(root);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/newsletters/issue-1.md:")
            && err.contains("news/gone/` answers HTTP 404")
            && err.contains("nothing was sent"),
        "{err}"
    );
    // the tall photo: a warning with its size, at its line
    let warned = err
        .lines()
        .find(|l| l.contains("warning: the picture img/tower.jpg is sent as a "))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        warned.starts_with("content/newsletters/issue-1.md:")
            && warned.contains(
                " KB, 1600 × 2400 px file: heavy on mobile data, and taller than a phone's screen"
            ),
        "{warned}"
    );
    assert!(smtp.received().is_empty());
    assert!(!root.join(".innopress/sends/1.jsonl").exists());
    assert!(!root.join("content/newsletters/issue-1.sent.toml").exists());
    edit(
        &issue,
        &format!(
            "See [the old story](http://127.0.0.1:{}/news/gone/). ",
            web.port
        ),
        "",
    );
    publish(root);

    // 2. a picture the published site lacks (a file lost in the upload)
    let email_html = read(&root.join("output/newsletter/1/email.html"));
    let src = email_html
        .split("src=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .find(|s| s.contains("/img/harbour"))
        .expect("the email shows the picture")
        .to_string();
    let name = src.rsplit('/').next().unwrap().to_string();
    let gone = root.join("output/img").join(&name);
    std::fs::remove_file(&gone).unwrap();
    let o = send(root);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/newsletters/issue-1.md:")
            && err.contains(&format!("{name}` answers HTTP 404")),
        "{err}"
    );
    assert!(smtp.received().is_empty());
    publish(root);

    // 3. an issue Gmail would clip
    let long = "A long paragraph of the issue that goes on and on about the projects. ".repeat(20);
    let body = format!("{}\n\n", long).repeat(80);
    let text = read(&issue);
    std::fs::write(&issue, format!("{text}\n{body}")).unwrap();
    publish(root);
    let o = send(root);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/newsletters/issue-1.md:1:1: error: the HTML part is")
            && err.contains("Gmail clips"),
        "{err}"
    );
    assert!(smtp.received().is_empty());
    std::fs::write(&issue, text).unwrap();
    publish(root);

    // 4. no postal address
    let cfg_text = read(&cfg);
    let without: String = cfg_text
        .lines()
        .filter(|l| !l.starts_with("address"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&cfg, without).unwrap();
    publish(root);
    let o = send(root);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/site.toml:") && err.contains("no postal address"),
        "{err}"
    );
    assert!(smtp.received().is_empty());
    std::fs::write(&cfg, cfg_text).unwrap();
    publish(root);

    // `newsletter check` says the same as the campaign would, and now: ready
    let o = run(root, &["newsletter", "check", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("issue 1: ready to send"),
        "{}",
        stderr(&o)
    );

    // fixed: each subscriber once, and a second run sends nothing more
    let o = send(root);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = send(root);
    assert!(o.status.success(), "{}", stderr(&o));
    let received = smtp.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert!(received.values().all(|&n| n == 1), "{received:?}");
}

/// A campaign run with the checks on (the sending tests turn them off).
fn send_with_preflight(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["newsletter", "send", "1"])
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("INNOPRESS_SMTP_PASSWORD", "secret")
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .env_remove("INNOPRESS_SMTP_URL")
        .output()
        .unwrap()
}
