//! Newsletter rendering and sending against a real SMTP server: aiosmtpd on loopback with
//! STARTTLS (a test CA trusted through `[smtp] ca_file`) and AUTH, started per test, with
//! injected faults. Messages are read back with Python's email parser and dkimpy.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub(crate) fn python() -> &'static str {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd, trustme, dkim"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "the SMTP tests need python3 with aiosmtpd, trustme and dkimpy: run scripts/test, which installs them"
    );
    "python3"
}

/// A running aiosmtpd; killed on drop.
pub(crate) struct Smtp {
    child: Child,
    pub(crate) port: u16,
    pub(crate) dir: PathBuf,
}

impl Smtp {
    pub(crate) fn start(work: &Path, extra: &[&str]) -> Smtp {
        let ca = work.join("ca.pem").display().to_string();
        let mut args = vec!["--tls", "--auth", "news:secret", "--ca-out", &ca];
        args.extend(extra);
        Smtp::run(work, &args)
    }

    /// A relay as on the user's own computer: no TLS, no login.
    pub(crate) fn relay(work: &Path) -> Smtp {
        Smtp::run(work, &[])
    }

    fn run(work: &Path, args: &[&str]) -> Smtp {
        let dir = work.join("mailbox");
        let mut cmd = Command::new(python());
        cmd.arg(repo().join("tests/smtp/server.py"))
            .args(["--port", "0"])
            .arg("--dir")
            .arg(&dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        let mut child = cmd.spawn().expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("server said {line:?}"));
        Smtp { child, port, dir }
    }

    /// Recipient → number of messages received.
    pub(crate) fn received(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        let Ok(text) = std::fs::read_to_string(self.dir.join("index.jsonl")) else {
            return m;
        };
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["tls"], true, "every message travelled over TLS");
            *m.entry(v["rcpt"].as_str().unwrap().to_string())
                .or_insert(0) += 1;
        }
        m
    }

    pub(crate) fn files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        v.sort();
        v
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The minimal site set up to send through `smtp`.
pub(crate) fn sending_site(smtp: &Smtp, work: &Path) -> tempfile::TempDir {
    let dir = site(None);
    let cfg = dir.path().join("content/site.toml");
    let text = read(&cfg).replace(
        "unsubscribe = \"mailto:unsubscribe@example.org\"",
        "reply_to = \"editor@example.org\"\nunsubscribe = \"https://example.org/innocities/unsubscribe?e={email}&t={token}\"",
    );
    std::fs::write(&cfg, format!("{text}\n[smtp]\nurl = \"smtp://localhost:{}\"\nusername = \"news\"\nca_file = \"ca.pem\"\n", smtp.port)).unwrap();
    std::fs::copy(work.join("ca.pem"), dir.path().join("ca.pem")).unwrap();
    dir
}

pub(crate) fn send(site: &Path, args: &[&str], password: &str) -> Output {
    send_with(site, args, password, &[])
}

/// [`send`] with more environment variables (test hooks).
pub(crate) fn send_with(
    site: &Path,
    args: &[&str],
    password: &str,
    env: &[(&str, &str)],
) -> Output {
    send_command(site, 1, args, password, env)
}

/// [`send`] of issue `number`.
pub(crate) fn send_issue(site: &Path, number: u32, args: &[&str], password: &str) -> Output {
    send_command(site, number, args, password, &[])
}

fn send_command(
    site: &Path,
    number: u32,
    args: &[&str],
    password: &str,
    env: &[(&str, &str)],
) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innopress"));
    // the checks before a campaign have their own tests (preflight.rs); these are about sending
    c.args(["newsletter", "send", &number.to_string(), "--no-preflight"])
        .args(args)
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("INNOPRESS_SMTP_PASSWORD", password)
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .env("INNOPRESS_RETRY_DELAY_MS", "20")
        .env_remove("INNOPRESS_SMTP_URL")
        .env_remove("INNOPRESS_TEST_PANIC_FOR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

pub(crate) fn list(site: &Path, rows: &[(&str, &str, &str)]) -> PathBuf {
    let mut s = String::from("email,name,status,city\n");
    for (e, n, st) in rows {
        s.push_str(&format!("{e},{n},{st},Tampere\n"));
    }
    let p = site.join("subscribers.csv");
    std::fs::write(&p, s).unwrap();
    p
}

pub(crate) fn inspect(file: &Path, dkim_pub: Option<&str>) -> Value {
    let mut c = Command::new(python());
    c.arg(repo().join("tests/smtp/mailcheck.py"))
        .arg("show")
        .arg(file);
    if let Some(p) = dkim_pub {
        c.args(["--dkim-pub", p]);
    }
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

pub(crate) fn journal(site: &Path) -> Vec<Value> {
    std::fs::read_to_string(site.join(".innopress/sends/1.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The last journaled state of each address.
pub(crate) fn last_states(site: &Path) -> BTreeMap<String, String> {
    journal(site)
        .iter()
        .map(|e| {
            (
                e["email"].as_str().unwrap().to_string(),
                e["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn addresses(n: usize, prefix: &str) -> Vec<String> {
    (0..n)
        .map(|i| format!("{prefix}{i:04}@example.org"))
        .collect()
}

/// The greeting takes the first name when the list has a column for it; an issue that
/// opens with its own salutation gets no second one; the sign-up box's words come from
/// `[newsletter] frequency`.
#[test]
fn the_greeting_uses_the_first_name_and_a_greeting_issue_gets_no_second() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let csv = site.path().join("subscribers.csv");
    std::fs::write(
        &csv,
        "Email Address,First Name,Last Name,Status\naino@example.org,Aino,Virtanen,subscribed\nbo@example.org,,Berg,subscribed\n",
    )
    .unwrap();
    let o = send(site.path(), &["--list", csv.to_str().unwrap()], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    let mut greetings: Vec<String> = smtp
        .files()
        .iter()
        .map(|f| {
            let m = inspect(f, None);
            let text = m["text"].as_str().unwrap().to_string();
            text.lines()
                .find(|l| l.starts_with("Hello"))
                .unwrap_or("")
                .to_string()
        })
        .collect();
    greetings.sort();
    assert_eq!(
        greetings,
        ["Hello Aino,", "Hello Berg,"],
        "first name, else the name the list has"
    );

    // an issue that says "Dear readers," itself: no "Hello," above it
    let issue = site.path().join("content/newsletters/issue-1.md");
    let text = read(&issue);
    let end = text.rfind("+++\n").unwrap() + 4;
    let opened = format!("{}Dear readers,\n\n{}", &text[..end], &text[end..]);
    std::fs::write(&issue, opened).unwrap();
    let settings = site.path().join("content/site.toml");
    let cfg = read(&settings).replacen(
        "[newsletter]\n",
        "[newsletter]\nfrequency = \"Every month, by email, in English.\"\nsubscribe = \"mailto:join@example.org?subject=subscribe\"\n",
        1,
    );
    std::fs::write(&settings, cfg).unwrap();
    let o = run(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let email = read(&site.path().join("output/newsletter/1/email.txt"));
    assert!(email.contains("Dear readers,"), "{email}");
    // (the teased article's title starts with "Hello" too, but on no line of its own)
    assert!(!email.lines().any(|l| l.trim() == "Hello,"), "{email}");
    let page = read(&site.path().join("output/newsletter/index.html"));
    assert!(
        page.contains("Every month, by email, in English. To join"),
        "{page}"
    );
    assert!(!page.contains("A few times a year"), "{page}");
}

#[test]
fn campaign_reaches_each_subscriber_once_with_list_headers() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let subs = addresses(20, "reader");
    let mut rows: Vec<(&str, &str, &str)> = subs
        .iter()
        .map(|e| (e.as_str(), "Reader", "subscribed"))
        .collect();
    rows.push(("gone@example.org", "Gone", "unsubscribed"));
    rows.push(("READER0001@example.org", "Twice", "subscribed"));
    rows.push(("reader0002@EXAMPLE.org", "Thrice", "subscribed"));
    rows.push(("not an address", "X", "subscribed"));
    let csv = list(site.path(), &rows);
    let csv = csv.to_str().unwrap();

    // an invalid row stops the run before anything is sent, and names the line
    let o = send(site.path(), &["--list", csv], "secret");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("subscribers.csv:25:"), "{err}");
    assert!(
        !err.contains("not an address"),
        "the list is not echoed in full: {err}"
    );
    assert!(smtp.received().is_empty());

    let o = send(
        site.path(),
        &["--list", csv, "--skip-invalid", "--connections", "3"],
        "secret",
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("sent 20 "), "{err}");
    assert!(
        err.contains("skipped: 1 unsubscribed, 2 duplicates, 0 already sent, 1 invalid rows"),
        "{err}"
    );
    for e in &subs {
        assert!(
            !err.contains(e.as_str()),
            "full addresses stay out of the terminal: {err}"
        );
    }
    let got = smtp.received();
    assert_eq!(got.len(), 20, "{got:?}");
    assert!(got.values().all(|n| *n == 1), "{got:?}");
    assert!(!got.contains_key("gone@example.org"));

    let m = inspect(&smtp.files()[0], None);
    let h = &m["headers"];
    assert_eq!(h["From"], "Test <news@example.org>");
    assert_eq!(h["Reply-To"], "editor@example.org");
    assert_eq!(h["Subject"], "Issue one: news");
    assert_eq!(h["List-Id"], "Test Cities Co <newsletter.example.org>");
    assert_eq!(h["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    let unsub = h["List-Unsubscribe"].as_str().unwrap();
    assert!(
        unsub.starts_with("<https://example.org/innocities/unsubscribe?e=reader")
            && unsub.contains("&t="),
        "{unsub}"
    );
    // as written, not only as decoded: mail providers read these fields, never decode them
    for name in [
        "List-Unsubscribe",
        "List-Id",
        "List-Unsubscribe-Post",
        "Message-ID",
    ] {
        assert_eq!(m["raw"][name], h[name], "{name} is written as it reads");
    }
    assert!(h["Message-ID"].as_str().unwrap().ends_with("@example.org>"));
    assert_eq!(
        m["tree"],
        "multipart/alternative[text/plain,multipart/related[text/html,image/png]]"
    );
    assert!(m["images"][0]["bytes"].as_u64().unwrap() > 2_000);
    let html = m["html"].as_str().unwrap();
    assert!(html.contains("Hello Reader,") && html.contains("cid:funding-by-city@innopress"));
    assert!(!html.contains("<svg"));
    assert!(m["text"].as_str().unwrap().contains("Hello Reader,"));
    // unique Message-IDs
    let ids: std::collections::BTreeSet<String> = smtp
        .files()
        .iter()
        .map(|f| {
            inspect(f, None)["headers"]["Message-ID"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 20);

    // the journal has each address attempting, then sent
    let j = journal(site.path());
    assert_eq!(j.iter().filter(|e| e["state"] == "sent").count(), 20);
    assert_eq!(j.iter().filter(|e| e["state"] == "attempting").count(), 20);
    // it holds full addresses: only its owner may read it
    #[cfg(unix)]
    for f in ["1.jsonl", "1.lock"] {
        use std::os::unix::fs::PermissionsExt;
        let path = site.path().join(".innopress/sends").join(f);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f} is {mode:o}");
    }

    // a re-run sends nothing
    let o = send(site.path(), &["--list", csv, "--skip-invalid"], "secret");
    assert!(o.status.success());
    assert!(stderr(&o).contains("20 already sent"), "{}", stderr(&o));
    assert_eq!(smtp.received().values().sum::<usize>(), 20);
}

#[test]
fn a_wrong_password_sends_nothing() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let subs = addresses(5, "r");
    let rows: Vec<_> = subs
        .iter()
        .map(|e| (e.as_str(), "", "subscribed"))
        .collect();
    let csv = list(site.path(), &rows);
    let o = send(site.path(), &["--list", csv.to_str().unwrap()], "wrong");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    // a campaign that never got past the login keeps no record of being sent
    assert!(
        !site
            .path()
            .join("content/newsletters/issue-1.sent.toml")
            .exists()
    );
    assert!(
        err.contains("refused the login") && err.contains("nothing was sent"),
        "{err}"
    );
    assert!(!err.contains("wrong"), "the password never appears: {err}");
    assert!(smtp.received().is_empty());
    assert!(journal(site.path()).is_empty());
}

#[test]
fn plain_smtp_to_another_host_is_refused() {
    let dir = site(None);
    let o = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args([
            "newsletter",
            "send",
            "1",
            "--to",
            "me@example.org",
            "--no-preflight",
        ])
        .current_dir(dir.path())
        .env("INNOPRESS_SMTP_URL", "smtp://mail.example.org:25?tls=none")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("refusing to send without TLS"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn test_message_is_marked_and_not_journaled() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let o = send(site.path(), &["--to", "editor@example.org"], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    let m = inspect(&smtp.files()[0], None);
    assert_eq!(m["headers"]["Subject"], "[TEST] Issue one: news");
    assert!(!site.path().join(".innopress/sends/1.jsonl").exists());
}

#[test]
fn a_segment_of_an_export_with_semicolons_gets_the_issue() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let dir = sending_site(&smtp, work.path());
    // a spreadsheet's export: BOM, semicolons, its own header names, extra columns
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &csv,
        "\u{feff}Email Address;First Name;Last Name;City;Status\n\
         a@example.org;Aino;Aalto;Tampere;subscribed\n\
         b@example.org;Bo;;Oulu;subscribed\n\
         c@example.org;Cai;;tampere;pending\n\
         d@example.org;Dan;;TAMPERE;subscribed\n\
         e@example.org;Eva;;Tampere;bounced\n",
    )
    .unwrap();
    let o = send(
        dir.path(),
        &["--list", csv.to_str().unwrap(), "--where", "city=tampere"],
        "secret",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("outside the segment (--where): 1"),
        "{}",
        stderr(&o)
    );
    let got: Vec<String> = smtp.received().into_keys().collect();
    assert_eq!(got, ["a@example.org", "d@example.org"]);
    let m = inspect(&smtp.files()[0], None);
    assert!(
        m["raw"]["To"].as_str().unwrap().contains("Aino Aalto")
            || m["raw"]["To"].as_str().unwrap().contains("Dan"),
        "{m}"
    );
}

#[test]
fn a_forgotten_subscriber_is_gone_and_an_old_list_cannot_bring_them_back() {
    let dir = site(None);
    let root = dir.path();
    let old = "email,name,status\nann@example.org,Ann,subscribed\nbo@example.org,Bo,subscribed\n";
    let csv = root.join("subscribers.csv");
    std::fs::write(&csv, old).unwrap();
    let o = run(
        root,
        &[
            "newsletter",
            "subscriber",
            "show",
            "BO@example.org",
            "--list",
            "subscribers.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        shown.contains("line 3:") && shown.contains("name: Bo"),
        "{shown}"
    );
    let o = run(
        root,
        &[
            "newsletter",
            "subscriber",
            "forget",
            "bo@example.org",
            "--list",
            "subscribers.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read(&csv),
        "email,name,status\nann@example.org,Ann,subscribed\n"
    );
    let kept = read(&root.join(".innopress/forgotten.txt"));
    assert!(!kept.contains("bo@"), "{kept}");
    // an old export with the address: refused at its line, nothing sent
    std::fs::write(&csv, old).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args([
            "newsletter",
            "send",
            "1",
            "--dry-run",
            "--list",
            "subscribers.csv",
        ])
        .current_dir(root)
        .env("INNOPRESS_SMTP_URL", "smtp://127.0.0.1:9?tls=none")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("subscribers.csv:3: this address was forgotten on request"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn dry_run_connects_to_nothing() {
    let dir = site(None);
    let subs = addresses(7, "d");
    let rows: Vec<_> = subs
        .iter()
        .map(|e| (e.as_str(), "", "subscribed"))
        .collect();
    let csv = list(dir.path(), &rows);
    let o = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args([
            "newsletter",
            "send",
            "1",
            "--dry-run",
            "--list",
            csv.to_str().unwrap(),
        ])
        .current_dir(dir.path())
        // nothing listens here; a dry run must not try
        .env("INNOPRESS_SMTP_URL", "smtp://127.0.0.1:9?tls=none")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("would send 7 messages"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join(".innopress").exists());
}

#[test]
fn a_line_break_in_a_name_is_an_invalid_row_a_dry_run_reports() {
    let dir = site(None);
    let csv = dir.path().join("subscribers.csv");
    std::fs::write(
        &csv,
        "email,name,status\n\
         ann@example.org,Ann,subscribed\n\
         eve@example.org,\"Eve\r\nBcc: x@evil.example\",subscribed\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["newsletter", "send", "1", "--dry-run", "--list"])
        .arg(&csv)
        .current_dir(dir.path())
        .env("INNOPRESS_SMTP_URL", "smtp://127.0.0.1:9?tls=none")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        // the line break is inside quotes: the row runs over two lines of the file
        stderr(&o).contains("subscribers.csv:3: a quote (\") opens a cell on this line and is not closed on it, so lines 3–4 run together"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("nothing was sent"), "{}", stderr(&o));
}

#[test]
fn dropped_connections_resume_without_duplicates() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &["--drop-after", "3"]);
    let site = sending_site(&smtp, work.path());
    let subs = addresses(40, "drop");
    let rows: Vec<_> = subs
        .iter()
        .map(|e| (e.as_str(), "", "subscribed"))
        .collect();
    let csv = list(site.path(), &rows);
    let o = send(
        site.path(),
        &["--list", csv.to_str().unwrap(), "--connections", "2"],
        "secret",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let got = smtp.received();
    assert_eq!(got.len(), 40);
    assert!(got.values().all(|n| *n == 1), "{got:?}");
}

#[test]
fn temporary_and_permanent_failures_are_recorded_not_repeated() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(
        work.path(),
        &[
            "--tempfail",
            "^(soft|flaky)",
            "--tempfail-times",
            "0",
            "--permfail",
            "^bounce",
        ],
    );
    let site = sending_site(&smtp, work.path());
    let rows = [
        ("ok1@example.org", "", "subscribed"),
        ("soft@example.org", "", "subscribed"),
        ("bounce@example.org", "", "subscribed"),
        ("ok2@example.org", "", "subscribed"),
    ];
    let csv = list(site.path(), &rows);
    let o = send(site.path(), &["--list", csv.to_str().unwrap()], "secret");
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "failures make the run fail: {err}"
    );
    assert!(err.contains("failed: 2"), "{err}");
    assert!(
        err.contains("s***@example.org") && err.contains("451"),
        "{err}"
    );
    assert!(
        err.contains("b***@example.org") && err.contains("550"),
        "{err}"
    );
    // the server's replies quote the addresses; the terminal never shows them whole
    assert!(
        !err.contains("bounce@example.org") && !err.contains("soft@example.org"),
        "{err}"
    );
    let got = smtp.received();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        ["ok1@example.org", "ok2@example.org"]
    );
    let states = last_states(site.path());
    assert_eq!(states["soft@example.org"], "failed-temporary");
    assert_eq!(states["bounce@example.org"], "failed-permanent");
    // a re-run leaves them alone and says so
    let o = send(site.path(), &["--list", csv.to_str().unwrap()], "secret");
    assert!(
        stderr(&o).contains("failed in an earlier run (not re-sent): 2"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("bounce@example.org"), "{}", stderr(&o));
    assert_eq!(smtp.received().values().sum::<usize>(), 2);
}

#[test]
fn a_temporary_failure_is_retried_and_then_delivered_once() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(
        work.path(),
        &["--tempfail", "^flaky", "--tempfail-times", "1"],
    );
    let site = sending_site(&smtp, work.path());
    let csv = list(
        site.path(),
        &[
            ("flaky@example.org", "", "subscribed"),
            ("fine@example.org", "", "subscribed"),
        ],
    );
    let o = send(site.path(), &["--list", csv.to_str().unwrap()], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(smtp.received().get("flaky@example.org"), Some(&1));
}

#[test]
fn killed_mid_run_then_resumed_mails_nobody_twice() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let subs = addresses(300, "kill");
    let rows: Vec<_> = subs
        .iter()
        .map(|e| (e.as_str(), "", "subscribed"))
        .collect();
    let csv = list(site.path(), &rows);
    let csv = csv.to_str().unwrap();
    // 6,000 a minute: about 3 s for the list, killed after about 1 s
    let mut child = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args([
            "newsletter",
            "send",
            "1",
            "--no-preflight",
            "--list",
            csv,
            "--per-minute",
            "6000",
            "--connections",
            "3",
        ])
        .current_dir(site.path())
        .env("INNOPRESS_SMTP_PASSWORD", "secret")
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = smtp.received().values().sum::<usize>();
    assert!(
        before > 0 && before < 300,
        "killed mid-run: {before} delivered"
    );

    let o = send(
        site.path(),
        &["--list", csv, "--per-minute", "60000"],
        "secret",
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let got = smtp.received();
    let states = last_states(site.path());
    let mut uncertain = 0;
    for e in &subs {
        let n = got.get(e).copied().unwrap_or(0);
        assert!(n <= 1, "{e} received {n} messages");
        match states.get(e).map(String::as_str) {
            Some("sent") => assert_eq!(n, 1, "{e} journaled sent but not received"),
            Some("attempting") => uncertain += 1,
            other => panic!("{e} is neither sent nor reported uncertain: {other:?}"),
        }
    }
    if uncertain > 0 {
        assert!(
            err.contains(&format!(
                "uncertain from an earlier run (not re-sent): {uncertain}"
            )),
            "{err}"
        );
    }
}

#[test]
fn dkim_signature_verifies_with_an_independent_verifier() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let key = work.path().join("dkim.pem");
    let o = Command::new(python())
        .arg(repo().join("tests/smtp/mailcheck.py"))
        .arg("genkey")
        .arg(&key)
        .output()
        .unwrap();
    let public = String::from_utf8(o.stdout).unwrap().trim().to_string();
    let cfg = site.path().join("content/site.toml");
    let text = read(&cfg).replace(
        "[newsletter]\n",
        "[newsletter]\ndkim_domain = \"example.org\"\ndkim_selector = \"news\"\n",
    );
    std::fs::write(&cfg, text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args([
            "newsletter",
            "send",
            "1",
            "--to",
            "reader@example.org",
            "--no-preflight",
        ])
        .current_dir(site.path())
        .env("INNOPRESS_SMTP_PASSWORD", "secret")
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .env("INNOPRESS_DKIM_KEY", &key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let m = inspect(&smtp.files()[0], Some(&public));
    assert_eq!(m["dkim"], true, "dkimpy verifies the signature");
    let sig = m["headers"]["DKIM-Signature"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(
        sig.contains("list-unsubscribe") && sig.contains("list-unsubscribe-post"),
        "{sig}"
    );
}

#[test]
fn email_files_are_email_safe() {
    let dir = site(None);
    let o = run(dir.path(), &["newsletter", "build", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output/newsletter/1");
    let html = read(&out.join("email.html"));
    assert!(!html.contains("<svg"), "no SVG in email");
    assert!(!html.contains("rel=\"stylesheet\""), "no external CSS");
    assert!(html.contains("style=\""), "CSS is inlined");
    assert!(html.contains("max-width: 600px") || html.contains("max-width:600px"));
    assert!(html.contains("The first issue"), "preheader");
    for attr in ["href=\"", "src=\""] {
        for url in html
            .split(attr)
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
        {
            assert!(
                url.starts_with("https://")
                    || url.starts_with("mailto:")
                    || url.starts_with("cid:"),
                "relative URL in email: {url}"
            );
        }
    }
    assert!(
        html.contains("https://example.org/innocities/newsletter/1/"),
        "view in browser"
    );
    assert!(
        html.contains("https://example.org/innocities/reports/annual-2024/"),
        "site-root links made absolute"
    );
    let text = read(&out.join("email.txt"));
    for (title, url) in [
        (
            "Hello <script>alert(1)</script> & world",
            "https://example.org/innocities/news/hello-world/",
        ),
        (
            "Second news",
            "https://example.org/innocities/news/second-news/",
        ),
    ] {
        assert!(
            text.contains(title),
            "{title} missing from the text part:\n{text}"
        );
        assert!(
            text.contains(url),
            "{url} missing from the text part:\n{text}"
        );
    }
    assert!(
        text.contains("EUR 1.6 million"),
        "figures are filled in:\n{text}"
    );
    let m = inspect(&out.join("email.eml"), None);
    assert_eq!(
        m["tree"],
        "multipart/alternative[text/plain,multipart/related[text/html,image/png]]"
    );
    let o = run(dir.path(), &["newsletter", "build", "9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("there is no newsletter issue number 9"),
        "{}",
        stderr(&o)
    );
}
