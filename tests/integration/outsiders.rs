//! Input from strangers against the mailbox and the list: mail built to crash or bloat the
//! inbox run, requests that must not be lost or forged, and lists that must not swallow
//! rows or change under a campaign. Each run is a real `innopress` under a memory limit,
//! and every genuine request in the same run must still be applied. The property test at
//! the end generates hostile mail; `INNOPRESS_FUZZ_CASES` runs more cases.

use crate::common::*;
use crate::inbox::{dsn, hash_of, mail, status_of, write_mail};
use crate::newsletter::{Smtp, list, send, sending_site};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The address space one inbox run may take: far below what the attacks took before.
const LIMIT_KIB: u64 = 512 * 1024;

/// A site whose unsubscribe address carries each recipient's token, with a list of `rows`.
fn inbox_site(rows: &[&str]) -> tempfile::TempDir {
    let site = site(None);
    let cfg = site.path().join("content/site.toml");
    std::fs::write(
        &cfg,
        read(&cfg).replace(
            "unsubscribe = \"mailto:unsubscribe@example.org\"",
            "unsubscribe = \"mailto:leave@example.org?subject=unsubscribe%20{token}\"\nreturn_path = \"bounces@example.org\"",
        ),
    )
    .unwrap();
    let mut text = String::from("email,name,status\n");
    for r in rows {
        text.push_str(&format!("{r},{r},subscribed\n"));
    }
    std::fs::write(site.path().join("subscribers.csv"), text).unwrap();
    site
}

/// `newsletter inbox` under an address-space limit; also its peak resident memory (KiB).
fn limited_inbox(site: &Path, list: &str, args: &[&str]) -> (Output, u64) {
    let script = "import resource, subprocess, sys\nlimit = int(sys.argv[1]) * 1024\np = subprocess.run(sys.argv[2:], capture_output=True, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))\nsys.stdout.buffer.write(b'%d %d\\n' % (p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\nsys.stdout.buffer.write(p.stderr)";
    let o = Command::new("python3")
        .args(["-c", script, &LIMIT_KIB.to_string()])
        .arg(env!("CARGO_BIN_EXE_innopress"))
        .args(["newsletter", "inbox", "--list", list])
        .args(args)
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .env_remove("INNOPRESS_IMAP_URL")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
    let mut nums = first.split(' ').map(|n| n.parse::<i64>().unwrap_or(-999));
    let (code, peak) = (nums.next().unwrap_or(-999), nums.next().unwrap_or(0));
    let mut out = o.clone();
    out.status = std::os::unix::process::ExitStatusExt::from_raw(if code >= 0 {
        (code as i32) << 8
    } else {
        // killed by a signal: Python gives its negative number
        (-code) as i32
    });
    out.stderr = rest.as_bytes().to_vec();
    (out, peak as u64)
}

fn unsubscribe_from(from: &str, id: &str, body: &str) -> String {
    mail(
        &[
            ("From", from),
            ("To", "leave@example.org"),
            ("Subject", "unsubscribe"),
            ("Message-ID", &format!("<{id}>")),
        ],
        body,
    )
}

/// A message nested `levels` deep in attached messages.
fn nested(levels: usize) -> String {
    let mut s = String::from(
        "From: deep@evil.example\r\nTo: leave@example.org\r\nSubject: unsubscribe\r\n",
    );
    s.push_str(&"Content-Type: message/rfc822\r\n\r\n".repeat(levels));
    s.push_str("Subject: x\r\n\r\nhi\r\n");
    s
}

/// `inner` attached in base64, as the standard forbids and parsers still decode.
fn in_base64(inner: &str) -> String {
    use base64::Engine;
    let b = base64::engine::general_purpose::STANDARD.encode(inner);
    let lines: Vec<&str> = b
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "From: hidden@evil.example\r\nTo: leave@example.org\r\nSubject: hi\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        lines.join("\r\n")
    )
}

fn mbox_of(messages: &[String]) -> String {
    messages
        .iter()
        .map(|m| {
            format!(
                "From sender Mon Nov 30 10:00:00 2026\n{}\n",
                m.replace("\r\n", "\n").replace("\nFrom ", "\n>From ")
            )
        })
        .collect()
}

#[test]
fn mail_over_the_limits_is_skipped_and_every_genuine_request_still_applies() {
    let people = [
        "a@example.org",
        "b@example.org",
        "c@example.org",
        "d@example.org",
    ];
    let site = inbox_site(&people);
    let saved = site.path().join("saved");
    // in an mbox: a genuine request among a message nested 200,000 deep and one whose line
    // is longer than a message may be
    let mut long = unsubscribe_from("x@evil.example", "long@x", "");
    long.push_str(&"y".repeat(12 << 20));
    let mbox = mbox_of(&[
        nested(200_000),
        unsubscribe_from("a@example.org", "a@x", "take me off"),
        long,
        in_base64(&nested(200_000)),
    ]);
    std::fs::create_dir_all(&saved).unwrap();
    std::fs::write(saved.join("box.mbox"), mbox).unwrap();
    // a Maildir: a million empty parts, a million headers, deep comments, ten large
    // messages, and a request whose body quotes 32 hex digits that are no token
    let md = saved.join("Maildir");
    let parts = format!(
        "From: p@evil.example\r\nTo: leave@example.org\r\nSubject: hi\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n{}--b--\r\n",
        "--b\r\n\r\n".repeat(1_000_000)
    );
    write_mail(&md.join("new"), "1.parts", &parts);
    write_mail(
        &md.join("new"),
        "2.headers",
        &format!("{}\r\nhi\r\n", "a: b\r\n".repeat(1_400_000)),
    );
    let comments = format!(
        "From: {}x@evil.example{}\r\nSubject: unsubscribe\r\nTo: leave@example.org\r\n\r\nx\r\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    write_mail(&md.join("new"), "3.comments", &comments);
    let big = format!(
        "{}{}\r\n",
        unsubscribe_from("big@evil.example", "big@x", ""),
        "z".repeat(9 << 20)
    );
    for i in 0..10 {
        write_mail(
            &md.join("cur"),
            &format!("big{i}:2,S"),
            &big.replace("big@x", &format!("big{i}@x")),
        );
    }
    write_mail(
        &md.join("cur"),
        "4.genuine:2,S",
        &unsubscribe_from(
            "b@example.org",
            "b@x",
            "Sent from my phone. Attachment sha: 0123456789abcdef0123456789abcdef",
        ),
    );
    // an .eml with c's own token, sent from another address
    let token = innopress::newsletter::email::message::token("test-secret", "c@example.org");
    let by_token = mail(
        &[
            ("From", "forwarded@elsewhere.example"),
            ("To", "leave@example.org"),
            ("Subject", &format!("unsubscribe {token}")),
            ("Message-ID", "<c@x>"),
        ],
        "",
    );
    let eml = write_mail(&saved, "c.eml", &by_token);

    let args = [saved.join("box.mbox"), md.clone(), eml];
    let args: Vec<&str> = args.iter().map(|p| p.to_str().unwrap()).collect();
    let started = std::time::Instant::now();
    let (o, peak) = limited_inbox(site.path(), "subscribers.csv", &args);
    let err = stderr(&o);
    eprintln!(
        "hostile mail: peak {} MiB, {:.1} s\n{err}",
        peak / 1024,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(o.status.code(), Some(0), "{err}");
    let list = site.path().join("subscribers.csv");
    for who in ["a@example.org", "b@example.org", "c@example.org"] {
        assert_eq!(status_of(&list, who), "unsubscribed", "{who}: {err}");
    }
    assert_eq!(status_of(&list, "d@example.org"), "subscribed");
    assert!(err.contains("more than 100 Content-Type headers"), "{err}");
    assert!(
        err.contains("box.mbox message 3: larger than 10 MB, not read"),
        "{err}"
    );
    assert!(err.contains("more than 1000 MIME parts"), "{err}");
    assert!(err.contains("more than 200000 lines"), "{err}");
    assert!(peak < 200 * 1024, "peak {} MiB", peak / 1024);
    // the same mail again: everything handled is known, nothing changes
    let before = read(&list);
    let (o, _) = limited_inbox(site.path(), "subscribers.csv", &args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read(&list), before);
}

#[test]
fn forged_report_dates_do_not_make_days_but_arrivals_do() {
    let site = inbox_site(&["soft@example.org"]);
    let list = site.path().join("subscribers.csv");
    let report = |id: &str, date: &str| {
        dsn(
            id,
            &format!("bounces+{}@example.org", hash_of("soft@example.org")),
            date,
            "soft@example.org",
            "4.2.2",
            None,
        )
    };
    // three reports in one run, their senders' dates three days apart
    let dir = site.path().join("forged");
    let files: Vec<PathBuf> = (0..3)
        .map(|d| {
            write_mail(
                &dir,
                &format!("{d}.eml"),
                &report(&format!("<f{d}@mx>"), &crate::inbox::days_ago(d, 9)),
            )
        })
        .collect();
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let (o, _) = limited_inbox(site.path(), "subscribers.csv", &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(status_of(&list, "soft@example.org"), "subscribed", "{err}");
    assert!(err.contains("day 1 of 3"), "{err}");
    // the same three arriving on three days (a Maildir's names say when it delivered them)
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let md = site.path().join("Maildir");
    for d in 0..3u64 {
        write_mail(
            &md.join("new"),
            &format!("{}.M{d}P1.host", now - d * 86_400 - 60),
            &report(&format!("<r{d}@mx>"), &crate::inbox::days_ago(0, 9)),
        );
    }
    let (o, _) = limited_inbox(site.path(), "subscribers.csv", &[md.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(status_of(&list, "soft@example.org"), "bounced", "{err}");
}

/// `newsletter inbox` of `site` on the list at `list`, paused at `pause` when given.
fn inbox_on(site: &Path, list: &Path, mail: &Path, pause: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innopress"));
    c.args(["newsletter", "inbox", "--list"])
        .arg(list)
        .arg(mail)
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .env_remove("INNOPRESS_IMAP_URL")
        .env_remove("INNOPRESS_TEST_INBOX_PAUSE");
    if let Some(p) = pause {
        c.env("INNOPRESS_TEST_INBOX_PAUSE", p);
    }
    c
}

#[test]
fn two_site_folders_never_change_one_list_at_once() {
    let shared = tempfile::tempdir().unwrap();
    let list = shared.path().join("subscribers.csv");
    std::fs::write(
        &list,
        "email,name,status\na@example.org,A,subscribed\nb@example.org,B,subscribed\n",
    )
    .unwrap();
    let (one, two) = (inbox_site(&[]), inbox_site(&[]));
    let mail_a = write_mail(
        one.path(),
        "a.eml",
        &unsubscribe_from("a@example.org", "a1@x", ""),
    );
    let mail_b = write_mail(
        two.path(),
        "b.eml",
        &unsubscribe_from("b@example.org", "b1@x", ""),
    );
    // one holds the list while the other tries, from another site folder
    let mut child = inbox_on(one.path(), &list, &mail_a, Some("mid-list"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut paused = String::new();
    // held open until the end: a closed pipe would make the paused run fail as it writes
    let mut held = child.stderr.take().unwrap();
    {
        use std::io::Read;
        let mut buf = [0u8; 256];
        while !paused.contains("mid-list\n") {
            let n = held.read(&mut buf).unwrap();
            assert!(n > 0, "{paused}");
            paused.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
    let o = inbox_on(two.path(), &list, &mail_b, None).output().unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("another innopress run is using the subscriber list")
            && e.contains(".subscribers.csv.lock"),
        "{e}"
    );
    // the holder is killed halfway: its lock dies with it, and the list is whole
    child.kill().unwrap();
    child.wait().unwrap();
    drop(held);
    for (site, mail) in [(&two, &mail_b), (&one, &mail_a)] {
        let o = inbox_on(site.path(), &list, mail, None).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(status_of(&list, "a@example.org"), "unsubscribed");
    assert_eq!(status_of(&list, "b@example.org"), "unsubscribed");
}

#[test]
fn forget_knows_both_spellings_of_a_domain() {
    let site = inbox_site(&[]);
    let list = site.path().join("subscribers.csv");
    std::fs::write(
        &list,
        "email,name,status\nmaija@exämple.org,Maija,subscribed\nkeep@example.org,Keep,subscribed\n",
    )
    .unwrap();
    let o = run(
        site.path(),
        &[
            "newsletter",
            "subscriber",
            "forget",
            "MAIJA@xn--exmple-cua.org",
            "--list",
            "subscribers.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read(&list),
        "email,name,status\nkeep@example.org,Keep,subscribed\n"
    );
    // an old export brings both spellings back: each is refused
    std::fs::write(&list, "email,name,status\nmaija@EXÄMPLE.org,Maija,subscribed\nmaija@xn--exmple-cua.org,Maija,subscribed\nkeep@example.org,Keep,subscribed\n").unwrap();
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let sending = sending_site(&smtp, work.path());
    std::fs::copy(site.path().join(".innopress/forgotten.txt"), {
        std::fs::create_dir_all(sending.path().join(".innopress")).unwrap();
        sending.path().join(".innopress/forgotten.txt")
    })
    .unwrap();
    std::fs::copy(
        site.path().join(".innopress/forgotten.salt"),
        sending.path().join(".innopress/forgotten.salt"),
    )
    .unwrap();
    std::fs::copy(&list, sending.path().join("subscribers.csv")).unwrap();
    let o = send(
        sending.path(),
        &["--list", "subscribers.csv", "--dry-run"],
        "secret",
    );
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("subscribers.csv:2: this address was forgotten")
            && e.contains("subscribers.csv:3: this address was forgotten"),
        "{e}"
    );
}

#[test]
fn a_stray_quote_stops_the_campaign_before_anything_is_sent() {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let p = list(
        site.path(),
        &[
            ("a@example.org", "A", "subscribed"),
            ("b@example.org", "B", "subscribed"),
            ("c@example.org", "C", "subscribed"),
        ],
    );
    // a quote left open in the city column swallows the rows after it
    std::fs::write(&p, read(&p).replacen(",Tampere\n", ",\"Tampere\n", 1)).unwrap();
    for args in [&["--dry-run"][..], &["--skip-invalid"], &[]] {
        let mut all = vec!["--list", "subscribers.csv"];
        all.extend(args);
        let o = send(site.path(), &all, "secret");
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains("subscribers.csv:2: a quote (\") opens a cell on this line and is not closed on it, so lines 2–4 run together"), "{e}");
        assert!(smtp.received().is_empty());
    }
}

fn campaign_in_background(site: &Path, per_minute: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args([
            "newsletter",
            "send",
            "1",
            "--no-preflight",
            "--list",
            "subscribers.csv",
        ])
        .args(["--per-minute", per_minute, "--connections", "1"])
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("INNOPRESS_SMTP_PASSWORD", "secret")
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .env_remove("INNOPRESS_SMTP_URL")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// A sending site with a list of `n` subscribed people `pNNNN@example.org`, and the list's
/// path and text.
fn campaign_of(n: usize) -> (tempfile::TempDir, Smtp, tempfile::TempDir, PathBuf, String) {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let people: Vec<String> = (0..n).map(|i| format!("p{i:04}@example.org")).collect();
    let rows: Vec<(&str, &str, &str)> = people
        .iter()
        .map(|p| (p.as_str(), "P", "subscribed"))
        .collect();
    let p = list(site.path(), &rows);
    let text = read(&p);
    (work, smtp, site, p, text)
}

#[test]
fn a_list_changed_while_a_campaign_runs_stops_it_and_a_second_run_mails_the_rest_once() {
    let (_work, smtp, site, p, text) = campaign_of(1200);
    // rewritten in place, as a script or an editor saving in place would, while the
    // campaign sends 100 a second: the rows from 800 on are other people now
    let changed = text
        .replace("p08", "q08")
        .replace("p09", "q09")
        .replace("p1", "q1");
    let child = campaign_in_background(site.path(), "6000");
    std::thread::sleep(std::time::Duration::from_millis(500));
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&p)
            .unwrap();
        f.write_all(changed.as_bytes()).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("the list changed on disk after it was checked (from line"),
        "{e}"
    );
    let got = smtp.received();
    eprintln!("mailed before the change was found: {}", got.len());
    assert!(!got.is_empty() && got.len() < 800, "{}", got.len());
    assert!(
        got.keys().all(|k| k.starts_with('p')),
        "nobody from the changed rows"
    );
    // the second run mails the list as it is now: the rest, nobody twice
    let o = send(site.path(), &["--list", "subscribers.csv"], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    let got = smtp.received();
    assert_eq!(got.len(), 1200);
    assert!(got.values().all(|&n| n == 1));
    assert_eq!(got.keys().filter(|k| k.starts_with('q')).count(), 400);
}

#[test]
fn a_list_replaced_after_it_was_read_is_an_error_at_the_end() {
    let (_work, smtp, site, p, text) = campaign_of(30);
    // a short list is read whole at once; it is replaced while the messages go out
    let child = campaign_in_background(site.path(), "1200");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let tmp = site.path().join("new.csv");
    std::fs::write(
        &tmp,
        format!("{text}late@example.org,Late,subscribed,Oulu\n"),
    )
    .unwrap();
    std::fs::rename(&tmp, &p).unwrap();
    let o = child.wait_with_output().unwrap();
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("the list changed on disk after it was checked"),
        "{e}"
    );
    let o = send(site.path(), &["--list", "subscribers.csv"], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    let got = smtp.received();
    assert_eq!(got.len(), 31);
    assert!(got.values().all(|&n| n == 1));
}

/// One generated piece of mail: a hostile shape, or a genuine request.
#[derive(Debug, Clone)]
enum Piece {
    Nested { levels: usize, base64: u8 },
    Parts(usize),
    Headers(usize),
    LongLine(usize),
    Bytes(Vec<u8>),
    Genuine(usize),
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        (50usize..300_000, 0u8..4).prop_map(|(levels, base64)| Piece::Nested { levels, base64 }),
        (500usize..1_500_000).prop_map(Piece::Parts),
        (100_000usize..2_000_000).prop_map(Piece::Headers),
        (1usize..14).prop_map(Piece::LongLine),
        proptest::collection::vec(any::<u8>(), 0..4096).prop_map(Piece::Bytes),
        (0usize..6).prop_map(Piece::Genuine),
    ]
}

fn render(p: &Piece, n: usize) -> String {
    match p {
        Piece::Nested { levels, base64 } => {
            let mut m = nested(*levels);
            for _ in 0..*base64 {
                m = in_base64(&m);
            }
            m
        }
        Piece::Parts(k) => format!(
            "From: p@evil.example\r\nSubject: unsubscribe\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n{}--b--\r\n",
            "--b\r\n\r\n".repeat((*k).min(1_600_000))
        ),
        Piece::Headers(k) => format!("{}\r\nx\r\n", "a: b\r\n".repeat((*k).min(1_700_000))),
        Piece::LongLine(mb) => format!("Subject: unsubscribe\r\n\r\n{}\r\n", "y".repeat(mb << 20)),
        Piece::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Piece::Genuine(i) => unsubscribe_from(
            &format!("g{i}@example.org"),
            &format!("g{i}-{n}@x"),
            "0123456789abcdef0123456789abcdef",
        ),
    }
}

fn one_case(pieces: &[Piece]) -> Result<(), TestCaseError> {
    let people: Vec<String> = (0..6).map(|i| format!("g{i}@example.org")).collect();
    let refs: Vec<&str> = people.iter().map(String::as_str).collect();
    let site = inbox_site(&refs);
    let rendered: Vec<String> = pieces
        .iter()
        .enumerate()
        .map(|(n, p)| render(p, n))
        .collect();
    // half in an mbox, half as files of a Maildir
    let (a, b) = rendered.split_at(rendered.len() / 2);
    std::fs::write(site.path().join("box.mbox"), mbox_of(a)).unwrap();
    let md = site.path().join("Maildir");
    std::fs::create_dir_all(md.join("new")).unwrap();
    for (i, m) in b.iter().enumerate() {
        std::fs::write(md.join("new").join(format!("{i}.x")), m).unwrap();
    }
    let (o, peak) = limited_inbox(site.path(), "subscribers.csv", &["box.mbox", "Maildir"]);
    let err = stderr(&o);
    prop_assert_eq!(
        o.status.code(),
        Some(0),
        "{:?}\n{}",
        pieces
            .iter()
            .map(|p| format!("{p:.60?}"))
            .collect::<Vec<_>>(),
        err
    );
    prop_assert!(peak < 300 * 1024, "peak {} MiB", peak / 1024);
    let list = site.path().join("subscribers.csv");
    for p in pieces {
        if let Piece::Genuine(i) = p {
            prop_assert_eq!(
                status_of(&list, &format!("g{i}@example.org")),
                "unsubscribed",
                "{}",
                err
            );
        }
    }
    Ok(())
}

#[test]
fn generated_hostile_mail_never_aborts_bloats_or_loses_a_request() {
    let cases = std::env::var("INNOPRESS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = proptest::collection::vec(piece(), 2..7);
    runner.run(&strategy, |pieces| one_case(&pieces)).unwrap();
}
