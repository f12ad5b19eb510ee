//! Hostile input end to end: outsiders' text (subscriber names and addresses, data fields)
//! and careless editors' text (subjects, Markdown) through load → render → email → send,
//! against the real SMTP test server. The fuzz test at the end asserts the invariants the
//! manual's security chapter lists; `INNOPRESS_FUZZ_CASES` runs more cases than the default.

use crate::common::*;
use crate::newsletter::{Smtp, inspect, journal, last_states, send_with, sending_site};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::Relaxed;

/// A subscriber list written as a spreadsheet would: every field quoted.
fn csv_list(site: &Path, rows: &[(String, String, &str)]) -> std::path::PathBuf {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut s = String::from("email,name,status\n");
    for (e, n, st) in rows {
        s.push_str(&format!("{},{},{st}\n", q(e), q(n)));
    }
    let p = site.join("subscribers.csv");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn a_panic_on_one_recipient_is_recorded_and_the_others_are_sent() {
    for connections in ["1", "3"] {
        let work = tempfile::tempdir().unwrap();
        let smtp = Smtp::start(work.path(), &[]);
        let site = sending_site(&smtp, work.path());
        let rows: Vec<(String, String, &str)> = (0..6)
            .map(|i| (format!("p{i}@example.org"), format!("P {i}"), "subscribed"))
            .collect();
        let csv = csv_list(site.path(), &rows);
        let o = send_with(
            site.path(),
            &[
                "--list",
                csv.to_str().unwrap(),
                "--connections",
                connections,
            ],
            "secret",
            &[("INNOPRESS_TEST_PANIC_FOR", "p2@example.org")],
        );
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{connections}: {err}");
        assert!(
            err.contains("sent 5 ") && err.contains("failed: 1"),
            "{err}"
        );
        assert!(
            err.contains("p***@example.org: innopress failed on this recipient"),
            "{err}"
        );
        let states = last_states(site.path());
        assert_eq!(states.len(), 6, "{states:?}");
        assert_eq!(states["p2@example.org"], "failed-permanent");
        assert_eq!(states.values().filter(|s| *s == "sent").count(), 5);
        let got = smtp.received();
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(!got.contains_key("p2@example.org"));
    }
}

#[test]
fn long_and_odd_names_are_folded_and_read_back_intact() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let names = [
        "A".repeat(300),
        "Ääkkönen ".repeat(40).trim().to_string(),
        "Quote \"me\" \\ back, please".to_string(),
        "=?utf-8?b?QWRtaW4=?=".to_string(),
        "<script>alert(1)</script>".to_string(),
    ];
    let rows: Vec<(String, String, &str)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("n{i}@example.org"), n.clone(), "subscribed"))
        .collect();
    let csv = csv_list(site.path(), &rows);
    let o = send_with(
        site.path(),
        &["--list", csv.to_str().unwrap()],
        "secret",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut seen = 0;
    for f in smtp.files() {
        let m = inspect(&f, None);
        let i: usize = m["to_addr"].as_str().unwrap()[1..2].parse().unwrap();
        assert_eq!(m["to_name"], names[i].as_str(), "{m}");
        assert_eq!(
            m["long_lines"],
            serde_json::json!(["List-Unsubscribe"]),
            "{i}: {m}"
        );
        assert_eq!(m["header_ascii"], true);
        assert!(!m["html"].as_str().unwrap().contains("<script"));
        seen += 1;
    }
    assert_eq!(seen, names.len());
}

#[test]
fn scripts_in_an_issue_stay_out_of_its_email() {
    let dir = site(None);
    let issue = dir.path().join("content/newsletters/issue-1.md");
    let text = read(&issue);
    std::fs::write(
        &issue,
        format!(
            "{text}\n<script>alert(1)</script>\n\n<a href=\"JaVaScRiPt:alert(2)\">x</a> \
             <img src=\"data:,\" onerror=\"alert(3)\" alt=\"x\">\n\n[y](javascript:alert(4))\n\n\
             <iframe src=\"https://example.org/\"></iframe>\n"
        ),
    )
    .unwrap();
    let o = run(dir.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // (the fixture's article title, escaped, shows `alert(1)` as text)
    let html = read(&dir.path().join("output/newsletter/1/email.html")).to_lowercase();
    for bad in ["<script", "javascript:", "onerror", "<iframe"] {
        assert!(!html.contains(bad), "email.html has {bad}");
    }
    // the plain text keeps the link's words, not its script address
    let eml = read(&dir.path().join("output/newsletter/1/email.eml")).to_lowercase();
    assert!(!eml.contains("javascript:"), "{eml}");
}

#[test]
fn a_subject_with_a_line_break_is_an_error_at_its_line() {
    let dir = site(None);
    let issue = dir.path().join("content/newsletters/issue-1.md");
    let text = read(&issue).replace(
        "subject = \"Issue one: news\"",
        "subject = \"Issue one\\r\\nBcc: x@evil.example\"",
    );
    std::fs::write(&issue, text).unwrap();
    for cmd in [&["check"][..], &["build"]] {
        let o = run(dir.path(), cmd);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(
                "content/newsletters/issue-1.md:5:11: error: the subject contains the control character '\\r'"
            ),
            "{cmd:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn sender_settings_are_checked_at_their_line() {
    for (setting, expected) in [
        (
            "unsubscribe = \"javascript:alert(1)\"",
            "content/site.toml:9:15: error: [newsletter] unsubscribe = \"javascript:alert(1)\" must start with mailto: or https://",
        ),
        (
            "unsubscribe = \"https://example.org/u?e={mail}\"",
            "content/site.toml:9:15: error: [newsletter] unsubscribe = \"https://example.org/u?e={mail}\" is not a valid address",
        ),
        (
            "unsubscribe = \"mailto:u@example.org\"\nreply_to = \"Ann <ann@exämple.org>\"",
            "content/site.toml:10:12: error: [newsletter] reply_to = \"Ann <ann@exämple.org>\": the address has letters outside ASCII",
        ),
    ] {
        let dir = site(None);
        let cfg = dir.path().join("content/site.toml");
        let text = read(&cfg).replace("unsubscribe = \"mailto:unsubscribe@example.org\"", setting);
        std::fs::write(&cfg, text).unwrap();
        for cmd in [&["check"][..], &["build"]] {
            let o = run(dir.path(), cmd);
            assert_eq!(o.status.code(), Some(1), "{cmd:?}: {}", stderr(&o));
            assert!(stderr(&o).contains(expected), "{cmd:?}: {}", stderr(&o));
        }
    }
}

#[test]
fn a_site_title_with_a_comma_and_brackets_makes_the_default_sender() {
    let dir = site(None);
    let cfg = dir.path().join("content/site.toml");
    let text = read(&cfg);
    let text = text[..text.find("[newsletter]").unwrap()].replace(
        "title = \"Test <Cities> & Co\"",
        "title = \"Smith, Jones <Finland>\"",
    );
    std::fs::write(&cfg, text).unwrap();
    let o = run(dir.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = inspect(&dir.path().join("output/newsletter/1/email.eml"), None);
    assert_eq!(
        m["headers"]["From"],
        "\"Smith, Jones <Finland>\" <newsletter@example.org>"
    );
}

#[test]
fn addresses_outside_ascii_are_sent_in_ascii_or_refused() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let rows = vec![
        (
            "ann@exämple.org".to_string(),
            "Ann".to_string(),
            "subscribed",
        ),
        ("é@example.org".to_string(), "E".to_string(), "subscribed"),
    ];
    let csv = csv_list(site.path(), &rows);
    let o = send_with(
        site.path(),
        &["--list", csv.to_str().unwrap()],
        "secret",
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "subscribers.csv:3: `é***@example.org` has letters outside ASCII before the @"
        ),
        "{}",
        stderr(&o)
    );
    let o = send_with(
        site.path(),
        &["--list", csv.to_str().unwrap(), "--skip-invalid"],
        "secret",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let got = smtp.received();
    assert_eq!(got.keys().collect::<Vec<_>>(), ["ann@xn--exmple-cua.org"]);
    let m = inspect(&smtp.files()[0], None);
    assert_eq!(m["header_ascii"], true);
    assert_eq!(m["raw"]["To"], "Ann <ann@xn--exmple-cua.org>");
}

// ---------------------------------------------------------------------------------------
// The fuzz test

/// One hostile case: what goes into the site and the list.
#[derive(Debug, Clone)]
struct Case {
    subject: String,
    project_title: String,
    project_url: String,
    markdown: Vec<String>,
    /// (address, name, subscribed); a `None` address is a known-bad one.
    rows: Vec<(Option<String>, String, bool)>,
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,60}",
        "[ -~]{0,60}",
        "[a-zA-Z \\x00-\\x1f\\x7f\\u{85}\\u{2028}\"\\\\<>&=?@,;:]{0,40}",
        "[A-Za-zÄäÖö]{60,300}",
        "( ?[a-zA-Zäö\"'<>&=?]{1,12}){0,40}",
        Just("<script>alert(1)</script>".to_string()),
        Just("=?utf-8?b?PHNjcmlwdD4=?=".to_string()),
        Just("Eve\r\nBcc: x@evil.example".to_string()),
        Just("\u{1b}[31mred\u{1b}[0m".to_string()),
    ]
}

fn hostile_url() -> impl Strategy<Value = String> {
    // most cases carry an address the policy accepts, so that they go on to the send
    prop_oneof![
        1 => prop_oneof![
            "(?i)javascript:alert\\(1\\)",
            "(?i)data:text/html,<script>alert\\(1\\)</script>",
            "(?i)vbscript:x",
            Just(" javascript:alert(1)".to_string()),
            Just("java\tscript:alert(1)".to_string()),
            "\\PC{0,40}",
        ],
        3 => prop_oneof![
            Just("https://example.org/\"><script>alert(1)</script>".to_string()),
            Just("https://example.org/?q=<b>&x='y'".to_string()),
            Just("HTTPS://example.org/'onmouseover='alert(1)".to_string()),
            Just("mailto:a@example.org?subject=\"x\"".to_string()),
            "https://example\\.org/[ -~]{0,40}",
        ],
    ]
}

/// A subject: mostly one line of anything, sometimes with what a header cannot hold.
fn hostile_subject() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => hostile_text().prop_map(|s| s.chars().filter(|c| !c.is_control()).collect()),
        1 => hostile_text(),
    ]
}

fn hostile_markdown() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<script>alert(1)</script>".to_string()),
        Just("[x](javascript:alert(1))".to_string()),
        Just("<a href=\"JaVaScRiPt:alert(1)\">x</a>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<iframe src=\"https://example.org/\"></iframe>".to_string()),
        (0usize..110).prop_map(|n| format!("{}deep", "> ".repeat(n))),
        (0usize..110).prop_map(|n| format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n))),
        (0usize..80).prop_map(|n| format!("{}deep", "- ".repeat(n))),
        "\\PC{0,200}",
        "[ -~\\n]{0,200}",
    ]
}

fn hostile_address() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(Some(String::new())),
        1 => Just(None),
    ]
}

fn cases() -> impl Strategy<Value = Case> {
    (
        hostile_subject(),
        hostile_text(),
        hostile_url(),
        prop::collection::vec(hostile_markdown(), 0..4),
        prop::collection::vec((hostile_address(), hostile_text(), any::<bool>()), 1..7),
    )
        .prop_map(
            |(subject, project_title, project_url, markdown, rows)| Case {
                subject,
                project_title,
                project_url,
                markdown,
                rows: rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, (a, n, s))| (a.map(|_| format!("f{i}@example.org")), n, s))
                    .collect(),
            },
        )
}

/// Addresses that are certainly not addresses, one per bad row.
const BAD_ADDRESSES: [&str; 7] = [
    "not an address",
    "a@",
    "@example.org",
    "<x@example.org>",
    "x@example.org\r\nBcc: z@example.org",
    "x@example.org, z@example.org",
    "a b@example.org",
];

/// A TOML basic string for any text: what TOML would refuse raw is escaped.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if cond {
        Ok(())
    } else {
        Err(TestCaseError::fail(what()))
    }
}

/// The exit code of a run that must end in success or a reported error, never a crash.
fn code(o: &Output, what: &str) -> Result<i32, TestCaseError> {
    let err = stderr(o);
    let c = o.status.code();
    check(
        matches!(c, Some(0 | 1)) && !err.contains("panicked"),
        || format!("{what} ended with {:?}: {err}", o.status),
    )?;
    Ok(c.unwrap_or(-1))
}

/// A link or source attribute holding a script URL, in any letter case.
fn script_url(html: &str) -> Option<String> {
    let lower = html.to_lowercase();
    for attr in ["href=", "src=", "action="] {
        for (i, _) in lower.match_indices(attr) {
            let v = lower[i + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            let v: String = v.chars().filter(|c| !c.is_whitespace()).take(12).collect();
            if ["javascript:", "data:", "vbscript:"]
                .iter()
                .any(|s| v.starts_with(s))
            {
                return Some(lower[i..(i + 60).min(lower.len())].to_string());
            }
        }
    }
    None
}

/// How far the cases went: refused by the build, stopped by invalid rows, sent.
static REFUSED: AtomicU32 = AtomicU32::new(0);
static STOPPED: AtomicU32 = AtomicU32::new(0);
static SENT: AtomicU32 = AtomicU32::new(0);

fn one_case(case: &Case, n: u32) -> Result<(), TestCaseError> {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let root = site.path();

    // the case's text into the site
    let issue = root.join("content/newsletters/issue-1.md");
    let text = read(&issue).replace(
        "subject = \"Issue one: news\"",
        &format!("subject = {}", toml_string(&case.subject)),
    );
    std::fs::write(&issue, format!("{text}\n{}\n", case.markdown.join("\n\n"))).unwrap();
    let projects = root.join("content/data/projects/main.toml");
    let data = read(&projects).replacen(
        "title = \"Port 5G <test bed>\"",
        &format!(
            "title = {}\nurl = {}",
            toml_string(&case.project_title),
            toml_string(&case.project_url)
        ),
        1,
    );
    std::fs::write(&projects, data).unwrap();
    let rows: Vec<(String, String, &str)> = case
        .rows
        .iter()
        .enumerate()
        .map(|(i, (a, name, sub))| {
            // the list trims cells, as the tool does; the oracle below trims too
            let a = a
                .clone()
                .unwrap_or_else(|| BAD_ADDRESSES[i % BAD_ADDRESSES.len()].to_string());
            (
                a,
                name.clone(),
                if *sub { "subscribed" } else { "unsubscribed" },
            )
        })
        .collect();
    let csv = csv_list(root, &rows);
    let list = ["--list", csv.to_str().unwrap()];

    // check and build agree, and neither crashes; a refusal is located
    let checked = code(&run(root, &["check"]), "check")?;
    let built_out = run(root, &["build", "--quiet"]);
    let built = code(&built_out, "build")?;
    // check is the stricter (it also checks links), so what build refuses, check refuses
    check(built == 0 || checked == 1, || {
        format!("build refused what check passed: {}", stderr(&built_out))
    })?;
    if built == 1 {
        REFUSED.fetch_add(1, Relaxed);
        check(stderr(&built_out).contains("content/"), || {
            format!("a refusal without a place: {}", stderr(&built_out))
        })?;
        let o = send_with(root, &list, "secret", &[]);
        check(code(&o, "send")? == 1, || {
            "sent a site that does not build".into()
        })?;
        check(smtp.received().is_empty(), || "mail went out".into())?;
        return Ok(());
    }

    // no script from data anywhere, none at all in the email files
    for entry in walkdir::WalkDir::new(root.join("output")) {
        let entry = entry.unwrap();
        let path = entry.path();
        if !path.extension().is_some_and(|e| e == "html" || e == "xml") {
            continue;
        }
        let page = std::fs::read_to_string(path).unwrap();
        let email = path.ends_with("newsletter/1/email.html");
        // the issue's web page shows the editors' own HTML, as the trust model allows
        if path.ends_with("newsletter/1/index.html") && !email {
            continue;
        }
        check(!page.contains("<script>alert"), || {
            format!("{} has a script", path.display())
        })?;
        if let Some(bad) = script_url(&page) {
            return Err(TestCaseError::fail(format!(
                "{} links to a script: {bad}",
                path.display()
            )));
        }
        if email {
            let lower = page.to_lowercase();
            check(
                !lower.contains("<script") && !lower.contains(" onerror"),
                || "email.html has a script".into(),
            )?;
        }
    }

    // the send: invalid rows stop it unless skipped; every valid subscribed row ends in
    // the journal; the exit code says whether all were sent
    // a row's line is where it starts; a quoted line break in an earlier row moves it on
    let mut line = 2;
    let mut invalid = Vec::new();
    for ((a, name, _), (address, _, _)) in case.rows.iter().zip(&rows) {
        if a.is_none() || is_control(name.trim()) {
            invalid.push(line);
        }
        line += 1 + address.matches('\n').count() + name.matches('\n').count();
    }
    let o = send_with(root, &list, "secret", &[]);
    let c = code(&o, "send")?;
    if !invalid.is_empty() {
        STOPPED.fetch_add(1, Relaxed);
        check(
            c == 1 && smtp.received().is_empty() && journal(root).is_empty(),
            || format!("invalid rows did not stop the send: {}", stderr(&o)),
        )?;
        for line in &invalid {
            check(
                stderr(&o).contains(&format!("subscribers.csv:{line}:")),
                || format!("line {line} not reported: {}", stderr(&o)),
            )?;
        }
    }
    let o = send_with(root, &[list[0], list[1], "--skip-invalid"], "secret", &[]);
    let c = code(&o, "send --skip-invalid")?;
    // a row over several lines (a quoted line break) is a list read wrongly: nothing is
    // sent to it, not even with --skip-invalid
    if rows
        .iter()
        .any(|(a, name, _)| a.contains('\n') || name.contains('\n'))
    {
        return check(
            c == 1
                && smtp.received().is_empty()
                && journal(root).is_empty()
                && stderr(&o).contains("run together"),
            || {
                format!(
                    "a row over several lines did not stop the send: {}",
                    stderr(&o)
                )
            },
        );
    }
    let expected: BTreeMap<String, String> = case
        .rows
        .iter()
        .filter_map(|(a, name, sub)| {
            let a = a.as_ref()?;
            (*sub && !is_control(name.trim())).then(|| (a.clone(), name.trim().to_string()))
        })
        .collect();
    let states = last_states(root);
    check(
        states.keys().collect::<Vec<_>>() == expected.keys().collect::<Vec<_>>(),
        || format!("journal {states:?}, expected {expected:?}"),
    )?;
    let all_sent = states.values().all(|s| s == "sent");
    check((c == 0) == all_sent, || {
        format!("exit {c} with journal {states:?}: {}", stderr(&o))
    })?;
    let received = smtp.received();
    SENT.fetch_add(received.len() as u32, Relaxed);
    check(
        received.len() == expected.len() && received.values().all(|n| *n == 1),
        || format!("received {received:?}, expected {expected:?}"),
    )?;

    // every message: the headers it should have, once each, folded, ASCII; names and
    // subject read back as given
    let subject_words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for f in smtp.files() {
        let m: Value = inspect(&f, None);
        let mut names: Vec<String> = m["header_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_ascii_lowercase())
            .collect();
        names.sort();
        let want = [
            "content-type",
            "date",
            "from",
            "list-id",
            "list-unsubscribe",
            "list-unsubscribe-post",
            "message-id",
            "mime-version",
            "reply-to",
            "subject",
            "to",
        ];
        check(names == want, || format!("case {n}: headers {names:?}"))?;
        check(m["header_ascii"] == true, || {
            format!("non-ASCII header: {m}")
        })?;
        // only the unsubscribe address, which cannot be folded, may pass 78 characters
        let long: Vec<&str> = m["long_lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        check(
            long.iter().all(|h| *h == "List-Unsubscribe")
                && m["longest_header_line"].as_u64().unwrap() <= 998,
            || format!("unfolded header: {long:?} {}", m["longest_header_line"]),
        )?;
        let addr = m["to_addr"].as_str().unwrap_or_default().to_string();
        let name = expected.get(&addr).cloned().unwrap_or_default();
        check(m["to_name"].as_str() == Some(name.as_str()), || {
            format!("To read back as {:?}, given {name:?}", m["to_name"])
        })?;
        let subject = m["headers"]["Subject"].as_str().unwrap_or_default();
        check(
            subject_words(subject) == subject_words(&case.subject),
            || format!("Subject read back as {subject:?}, given {:?}", case.subject),
        )?;
        let html = m["html"].as_str().unwrap_or_default().to_lowercase();
        check(
            !html.contains("<script") && script_url(&html).is_none(),
            || "a script in the mail".into(),
        )?;
    }
    Ok(())
}

#[test]
fn hostile_input_never_crashes_drops_a_recipient_or_injects() {
    let count: u32 = std::env::var("INNOPRESS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let mut runner = TestRunner::new(Config {
        cases: count,
        failure_persistence: None,
        max_shrink_iters: 64,
        ..Config::default()
    });
    let counter = AtomicU32::new(0);
    let result = runner.run(&cases(), |case| {
        let n = counter.fetch_add(1, Relaxed);
        one_case(&case, n)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!(
        "{count} cases: {} refused by the build (located), {} stopped by invalid rows before \
         a --skip-invalid run, {} messages sent and read back",
        REFUSED.load(Relaxed),
        STOPPED.load(Relaxed),
        SENT.load(Relaxed)
    );
}
