//! `newsletter inbox` against real servers: messages built from what a real campaign sent
//! through aiosmtpd (its List-Unsubscribe, Message-IDs and VERP return paths), read from
//! saved files and from a Dovecot IMAP server on loopback with a test CA; confirmations go
//! out through aiosmtpd. Also: a second run changes nothing, a forged unsubscribe changes
//! nothing, a kill at any point loses nothing, and a 100,000-row list costs no more memory
//! than a small one.

use crate::common::*;
use crate::newsletter::{Smtp, python, send, sending_site};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};

/// The sending site with the inbox's addresses: an unsubscribe mailto carrying each
/// recipient's token, a subscribe address and a VERP return path.
fn inbox_site(smtp: &Smtp, work: &Path) -> tempfile::TempDir {
    let dir = sending_site(smtp, work);
    let cfg = dir.path().join("content/site.toml");
    let text = read(&cfg).replace(
        "unsubscribe = \"https://example.org/innocities/unsubscribe?e={email}&t={token}\"",
        "unsubscribe = \"mailto:leave@example.org?subject=unsubscribe%20{token}\"\nsubscribe = \"mailto:join@example.org?subject=subscribe\"\nreturn_path = \"bounces@example.org\"",
    );
    assert!(text.contains("return_path"), "{text}");
    std::fs::write(&cfg, text).unwrap();
    dir
}

pub(crate) fn inbox(site: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = inbox_command(site, args, env);
    c.output().unwrap()
}

pub(crate) fn inbox_command(site: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innopress"));
    c.args(["newsletter", "inbox", "--list", "subscribers.csv"])
        .args(args)
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("INNOPRESS_SMTP_PASSWORD", "secret")
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .env_remove("INNOPRESS_SMTP_URL")
        .env_remove("INNOPRESS_IMAP_URL")
        .env_remove("INNOPRESS_TEST_INBOX_PAUSE");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// A header of a raw message, unfolded.
fn header(eml: &str, name: &str) -> Option<String> {
    let head = eml.split("\r\n\r\n").next()?;
    let mut value: Option<String> = None;
    for line in head.split("\r\n") {
        if let Some(v) = value.as_mut() {
            if line.starts_with([' ', '\t']) {
                v.push_str(line.trim_start());
                continue;
            }
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case(name)
        {
            value = Some(v.trim().to_string());
        }
    }
    value
}

/// (recipient, message file, envelope sender) of everything the server received.
fn deliveries(smtp: &Smtp) -> Vec<(String, PathBuf, String)> {
    let Ok(text) = std::fs::read_to_string(smtp.dir.join("index.jsonl")) else {
        return Vec::new();
    };
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["rcpt"].as_str().unwrap().to_string(),
                smtp.dir.join(v["file"].as_str().unwrap()),
                v["mail_from"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

pub(crate) fn mail(headers: &[(&str, &str)], body: &str) -> String {
    let mut s = String::new();
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str("\r\n");
    s.push_str(&body.replace('\n', "\r\n"));
    s
}

/// A delivery status notification as an MTA writes it.
pub(crate) fn dsn(
    id: &str,
    to: &str,
    date: &str,
    recipient: &str,
    status: &str,
    original_id: Option<&str>,
) -> String {
    // a 4.x.x that failed: the server gave up after its retries (a delay warning, which
    // says the server keeps trying, is no failure)
    let action = "failed";
    let original = original_id.map_or(String::new(), |m| {
        format!("--BOUNDARY\nContent-Type: text/rfc822-headers\n\nMessage-ID: {m}\nSubject: Issue one: news\n\n")
    });
    mail(
        &[
            (
                "From",
                "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
            ),
            ("To", to),
            ("Subject", "Undelivered Mail Returned to Sender"),
            ("Date", date),
            ("Message-ID", id),
            ("Auto-Submitted", "auto-replied"),
            ("MIME-Version", "1.0"),
            (
                "Content-Type",
                "multipart/report; report-type=delivery-status; boundary=\"BOUNDARY\"",
            ),
        ],
        &format!(
            "--BOUNDARY\nContent-Type: text/plain\n\nI'm sorry to have to inform you that your message could not be delivered.\n\n--BOUNDARY\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\nDiagnostic-Code: smtp; {status} mailbox problem\n\n{original}--BOUNDARY--\n"
        ),
    )
}

/// An RFC 5322 date `days` days before now at `hour`:00 UTC: the inbox trusts a message's
/// date only near the time of the run, so the tests' dates move with the clock.
pub(crate) fn days_ago(days: i64, hour: u32) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let d = now.div_euclid(86_400) - days;
    let date = innopress::date::Date::from_days_since_epoch(d).unwrap();
    let (day, month, year) = (date.day, i64::from(date.month), date.year);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][d.rem_euclid(7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day} {} {year} {hour:02}:00:00 +0000",
        months[(month - 1) as usize]
    )
}

/// The keyed hash campaigns put into Message-IDs and return paths, as the tests' secret
/// makes it.
pub(crate) fn hash_of(email: &str) -> String {
    innopress::newsletter::email::message::recipient_hash(Some("test-secret"), email)
}

/// `path`, its modification time set `days` ago: when a saved message arrived.
fn arrived_days_ago(days: u64, path: PathBuf) -> PathBuf {
    let t = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(t))
        .unwrap();
    path
}

pub(crate) fn write_mail(dir: &Path, name: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

pub(crate) fn rows(list: &Path) -> Vec<Vec<String>> {
    read(list)
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

pub(crate) fn status_of(list: &Path, email: &str) -> String {
    rows(list)
        .into_iter()
        .find(|r| r[0] == email)
        .map(|r| r[2].clone())
        .unwrap_or_else(|| panic!("{email} not in\n{}", read(list)))
}

/// The messages of a first campaign, and the mail that comes back about them.
struct Campaign {
    _work: tempfile::TempDir,
    smtp: Smtp,
    site: tempfile::TempDir,
    mail: PathBuf,
}

fn campaign() -> Campaign {
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = inbox_site(&smtp, work.path());
    std::fs::write(
        site.path().join("subscribers.csv"),
        "email,name,status,city\nmaija@example.org,Maija,subscribed,Tampere\ngone@example.org,Gone,subscribed,Oulu\nmoved@example.org,Moved,subscribed,Oulu\nfull@example.org,Full,subscribed,Turku\nkeep@example.org,Keep,subscribed,Turku\nold@example.org,Old,unsubscribed,Turku\n",
    )
    .unwrap();
    let o = send(site.path(), &["--list", "subscribers.csv"], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    let mail = work.path().join("saved");
    Campaign {
        mail,
        _work: work,
        smtp,
        site,
    }
}

impl Campaign {
    /// The raw message the campaign sent to `email`, and its envelope sender.
    fn sent_to(&self, email: &str) -> (String, String) {
        let (_, file, from) = deliveries(&self.smtp)
            .into_iter()
            .find(|(r, _, _)| r == email)
            .unwrap_or_else(|| panic!("nothing was sent to {email}"));
        (read(&file), from)
    }

    fn list(&self) -> PathBuf {
        self.site.path().join("subscribers.csv")
    }
}

#[test]
fn saved_mail_keeps_the_list_and_a_second_run_changes_nothing() {
    let c = campaign();
    // the unsubscribe address of a real message, as a mail client follows it
    let (to_maija, _) = c.sent_to("maija@example.org");
    let unsub = header(&to_maija, "List-Unsubscribe").unwrap();
    let subject = unsub
        .trim_matches(['<', '>'])
        .split("subject=")
        .nth(1)
        .unwrap()
        .replace("%20", " ");
    assert!(
        subject.starts_with("unsubscribe ") && subject.len() == 12 + 32,
        "{unsub}"
    );
    let (to_gone, _) = c.sent_to("gone@example.org");
    let gone_id = header(&to_gone, "Message-ID").unwrap();
    let (_, moved_return_path) = c.sent_to("moved@example.org");
    assert!(
        moved_return_path.starts_with("bounces+") && moved_return_path.ends_with("@example.org"),
        "a VERP return path per recipient: {moved_return_path}"
    );
    let m = &c.mail;
    let files = vec![
        // from another address of hers: the token says who
        write_mail(
            m,
            "unsub.eml",
            &mail(
                &[
                    ("From", "Maija <maija.home@example.net>"),
                    ("To", "leave@example.org"),
                    ("Subject", &subject),
                    ("Date", &days_ago(0, 0)),
                    ("Message-ID", "<u1@example.net>"),
                ],
                "",
            ),
        ),
        write_mail(
            m,
            "hard.eml",
            &dsn(
                "<d1@mx>",
                "bounces@example.org",
                &days_ago(0, 1),
                "gone@example.org",
                "5.1.1",
                Some(&gone_id),
            ),
        ),
        // a report anyone could write, naming a subscriber: counted, not believed at once
        write_mail(
            m,
            "forged-dsn.eml",
            &dsn(
                "<d9@evil>",
                "bounces@example.org",
                &days_ago(0, 1),
                "keep@example.org",
                "5.1.1",
                None,
            ),
        ),
        // forwarded elsewhere: only the return path says whose it was
        write_mail(
            m,
            "verp.eml",
            &dsn(
                "<d2@mx>",
                &moved_return_path,
                &days_ago(0, 1),
                "someone@forwarded.example",
                "5.2.1",
                None,
            ),
        ),
        // saved as it arrived, 3 days ago: the day counts, not the report's Date
        arrived_days_ago(
            3,
            write_mail(
                m,
                "soft1.eml",
                &dsn(
                    "<s1@mx>",
                    "bounces@example.org",
                    &days_ago(3, 10),
                    "full@example.org",
                    "4.2.2",
                    None,
                ),
            ),
        ),
        // saved as it arrived, 3 days ago: the day counts, not the report's Date
        arrived_days_ago(
            3,
            write_mail(
                m,
                "soft1b.eml",
                &dsn(
                    "<s1b@mx>",
                    "bounces@example.org",
                    &days_ago(3, 16),
                    "full@example.org",
                    "4.2.2",
                    None,
                ),
            ),
        ),
        // saved as it arrived, 2 days ago: the day counts, not the report's Date
        arrived_days_ago(
            2,
            write_mail(
                m,
                "soft2.eml",
                &dsn(
                    "<s2@mx>",
                    "bounces@example.org",
                    &days_ago(2, 10),
                    "full@example.org",
                    "4.2.2",
                    None,
                ),
            ),
        ),
        write_mail(
            m,
            "ooo.eml",
            &mail(
                &[
                    ("From", "keep@example.org"),
                    ("To", "news@example.org"),
                    ("Subject", "Automatic reply: Issue one: news"),
                    ("Auto-Submitted", "auto-replied"),
                    ("Message-ID", "<o1@example.org>"),
                ],
                "I am away.",
            ),
        ),
        // someone else's address without its token
        write_mail(
            m,
            "forged.eml",
            &mail(
                &[
                    ("From", "attacker@evil.example"),
                    ("To", "leave@example.org"),
                    ("Subject", "unsubscribe keep@example.org"),
                    ("Message-ID", "<f1@evil>"),
                ],
                "",
            ),
        ),
        write_mail(
            m,
            "forged2.eml",
            &mail(
                &[
                    ("From", "keep@example.org"),
                    ("To", "news@example.org"),
                    ("Subject", "Re: Issue one"),
                    ("Message-ID", "<f2@evil>"),
                ],
                "Great issue. unsubscribe 00000000000000000000000000000000",
            ),
        ),
        write_mail(
            m,
            "join.eml",
            &mail(
                &[
                    ("From", "\"New =Person\" <new@example.org>"),
                    ("To", "join@example.org"),
                    ("Subject", "subscribe"),
                    ("Date", &days_ago(0, 2)),
                    ("Message-ID", "<j1@example.org>"),
                ],
                "",
            ),
        ),
    ];
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let before = read(&c.list());
    let sent_before = deliveries(&c.smtp).len();

    let mut dry = args.clone();
    dry.push("--dry-run");
    let o = inbox(c.site.path(), &dry, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&c.list()), before, "a dry run changes nothing");
    assert_eq!(
        deliveries(&c.smtp).len(),
        sent_before,
        "a dry run sends nothing"
    );
    assert!(
        stderr(&o).contains("a confirmation would be sent"),
        "{}",
        stderr(&o)
    );

    let o = inbox(c.site.path(), &args, &[]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let list = c.list();
    assert_eq!(
        status_of(&list, "maija@example.org"),
        "unsubscribed",
        "{err}"
    );
    assert_eq!(status_of(&list, "gone@example.org"), "bounced");
    assert_eq!(status_of(&list, "moved@example.org"), "bounced");
    assert_eq!(
        status_of(&list, "full@example.org"),
        "subscribed",
        "two days of soft bounces are not yet three"
    );
    assert_eq!(
        status_of(&list, "keep@example.org"),
        "subscribed",
        "neither a forged unsubscribe nor an auto-reply changes a row"
    );
    assert_eq!(status_of(&list, "new@example.org"), "pending");
    let text = read(&list);
    assert!(
        text.starts_with("email,name,status,city,consent_at,source\n"),
        "{text}"
    );
    assert!(
        text.contains("maija@example.org,Maija,unsubscribed,Tampere,20"),
        "{text}"
    );
    assert!(
        text.contains("Z,unsubscribe by mail <u1@example.net>\n"),
        "{text}"
    );
    assert!(
        text.contains("new@example.org,'=Person,") || text.contains("new@example.org,New =Person,"),
        "{text}"
    );
    assert!(
        err.contains("full@example.org: failure counted, day 2 of 3"),
        "{err}"
    );
    assert!(
        err.contains("keep@example.org: failure counted, day 1 of 3"),
        "{err}"
    );
    assert!(err.contains("left for a person (2)"), "{err}");
    assert!(err.contains("an automatic reply"), "{err}");
    // the confirmation went out through the real server
    let sent = deliveries(&c.smtp);
    assert_eq!(sent.len(), sent_before + 1);
    let (rcpt, file, _) = sent.last().unwrap();
    assert_eq!(rcpt, "new@example.org");
    let confirmation = read(file);
    assert_eq!(
        header(&confirmation, "Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert!(
        header(&confirmation, "Reply-To")
            .unwrap()
            .contains("join@example.org")
    );
    let subject = header(&confirmation, "Subject").unwrap();
    assert!(subject.contains("[confirm-"), "{subject}");

    // the same messages again: nothing changes, nothing is sent
    let after = read(&list);
    let o = inbox(c.site.path(), &args, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&list), after);
    assert_eq!(deliveries(&c.smtp).len(), sent_before + 1);
    assert!(
        stderr(&o).contains("10 handled by an earlier run"),
        "{}",
        stderr(&o)
    );

    // a third day of soft bounces, and the reply to the confirmation
    let files = [
        write_mail(
            m,
            "soft3.eml",
            &dsn(
                "<s3@mx>",
                "bounces@example.org",
                &days_ago(1, 10),
                "full@example.org",
                "4.2.2",
                None,
            ),
        ),
        write_mail(
            m,
            "reply.eml",
            &mail(
                &[
                    ("From", "new@example.org"),
                    ("To", "join@example.org"),
                    ("Subject", &format!("Re: {subject}")),
                    ("Date", &days_ago(0, 3)),
                    ("Message-ID", "<r1@example.org>"),
                ],
                "> Hello,\n",
            ),
        ),
    ];
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let o = inbox(c.site.path(), &args, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(status_of(&list, "full@example.org"), "bounced");
    assert_eq!(status_of(&list, "new@example.org"), "subscribed");

    // the next campaign mails exactly the subscribed rows
    let issue = c.site.path().join("content/newsletters/issue-1.md");
    std::fs::write(
        c.site.path().join("content/newsletters/issue-2.md"),
        read(&issue)
            .replace("number = 1", "number = 2")
            .replace("Issue one", "Issue two"),
    )
    .unwrap();
    let before = deliveries(&c.smtp).len();
    let o =
        crate::newsletter::send_issue(c.site.path(), 2, &["--list", "subscribers.csv"], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    let mut got: Vec<String> = deliveries(&c.smtp)[before..]
        .iter()
        .map(|d| d.0.clone())
        .collect();
    got.sort();
    assert_eq!(got, ["keep@example.org", "new@example.org"]);
}

/// A Dovecot on loopback; stopped on drop.
struct Imap {
    child: Child,
    stdin: ChildStdin,
    out: BufReader<std::process::ChildStdout>,
    port: u16,
}

impl Imap {
    fn start(work: &Path, ca: &Path) -> Imap {
        let mut child = Command::new(python())
            .arg(repo().join("tests/imap/server.py"))
            .arg("--dir")
            .arg(work.join("imap"))
            .arg("--ca-out")
            .arg(ca)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start Dovecot (scripts/test installs dovecot-imapd)");
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let port = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("Dovecot said {line:?}"));
        Imap {
            child,
            stdin,
            out,
            port,
        }
    }

    fn ask(&mut self, command: &str) -> String {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.out.read_line(&mut line).unwrap();
        line.trim().to_string()
    }
}

impl Drop for Imap {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "QUIT");
        let _ = self.stdin.flush();
        let _ = self.child.wait();
    }
}

#[test]
fn an_imap_mailbox_is_read_over_tls_and_handled_messages_are_marked() {
    let c = campaign();
    let work = tempfile::tempdir().unwrap();
    let ca = c.site.path().join("imap-ca.pem");
    let mut imap = Imap::start(work.path(), &ca);
    let cfg = c.site.path().join("content/site.toml");
    std::fs::write(
        &cfg,
        format!(
            "{}\n[inbox]\nurl = \"imaps://news@localhost:{}/INBOX\"\nca_file = \"imap-ca.pem\"\n",
            read(&cfg),
            imap.port
        ),
    )
    .unwrap();
    let (to_gone, _) = c.sent_to("gone@example.org");
    let gone_id = header(&to_gone, "Message-ID").unwrap();
    let m = &c.mail;
    for (name, text) in [
        (
            "hard.eml",
            dsn(
                "<d1@mx>",
                "bounces@example.org",
                &days_ago(0, 1),
                "gone@example.org",
                "5.1.1",
                Some(&gone_id),
            ),
        ),
        (
            "leave.eml",
            mail(
                &[
                    ("From", "Maija <maija@example.org>"),
                    ("To", "leave@example.org"),
                    ("Subject", "unsubscribe"),
                    ("Message-ID", "<u2@example.org>"),
                ],
                "",
            ),
        ),
        (
            "ooo.eml",
            mail(
                &[
                    ("From", "keep@example.org"),
                    ("To", "news@example.org"),
                    ("Subject", "Out of office"),
                    ("X-Autoreply", "yes"),
                    ("Message-ID", "<o2@example.org>"),
                ],
                "",
            ),
        ),
        (
            "question.eml",
            mail(
                &[
                    ("From", "reader@example.net"),
                    ("To", "news@example.org"),
                    ("Subject", "A question about the report"),
                    ("Message-ID", "<q1@example.net>"),
                ],
                "Where is the data?",
            ),
        ),
    ] {
        let p = write_mail(m, name, &text);
        assert_eq!(imap.ask(&format!("APPEND {}", p.display())), "OK");
    }
    assert_eq!(imap.ask("UNMARKED"), "4");

    let o = inbox(c.site.path(), &[], &[]);
    assert!(!o.status.success(), "no password, no login");
    assert!(
        stderr(&o).contains("INNOPRESS_IMAP_PASSWORD"),
        "{}",
        stderr(&o)
    );
    let o = inbox(c.site.path(), &[], &[("INNOPRESS_IMAP_PASSWORD", "wrong")]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("refused"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("wrong"),
        "the password is never printed"
    );

    let o = inbox(c.site.path(), &[], &[("INNOPRESS_IMAP_PASSWORD", "secret")]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("read 4 message(s)"), "{err}");
    assert!(err.contains("marked 3 message(s)"), "{err}");
    let list = c.list();
    assert_eq!(status_of(&list, "gone@example.org"), "bounced");
    assert_eq!(status_of(&list, "maija@example.org"), "unsubscribed");
    assert_eq!(status_of(&list, "keep@example.org"), "subscribed");
    // the question waits for a person, unmarked; the rest is marked and not read again
    assert_eq!(imap.ask("UNMARKED"), "1");
    let after = read(&list);
    let o = inbox(c.site.path(), &[], &[("INNOPRESS_IMAP_PASSWORD", "secret")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("read 0 message(s)"), "{}", stderr(&o));
    assert_eq!(read(&list), after);
}

#[test]
fn killed_at_any_point_the_list_is_whole_and_every_change_happens_once() {
    let c = campaign();
    let m = &c.mail;
    let files = [
        write_mail(
            m,
            "leave.eml",
            &mail(
                &[
                    ("From", "maija@example.org"),
                    ("To", "leave@example.org"),
                    ("Subject", "unsubscribe"),
                    ("Message-ID", "<u3@example.org>"),
                ],
                "",
            ),
        ),
        write_mail(
            m,
            "hard.eml",
            &dsn(
                "<d3@mx>",
                &format!("bounces+{}@example.org", hash_of("gone@example.org")),
                &days_ago(0, 1),
                "gone@example.org",
                "5.1.1",
                None,
            ),
        ),
        write_mail(
            m,
            "join.eml",
            &mail(
                &[
                    ("From", "new@example.org"),
                    ("To", "join@example.org"),
                    ("Subject", "subscribe"),
                    ("Message-ID", "<j3@example.org>"),
                ],
                "",
            ),
        ),
    ];
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let original = read(&c.list());
    let confirmations = |c: &Campaign| {
        deliveries(&c.smtp)
            .iter()
            .filter(|d| d.0 == "new@example.org")
            .count()
    };
    for point in ["mid-list", "list-written"] {
        std::fs::write(c.list(), &original).unwrap();
        let _ = std::fs::remove_file(c.site.path().join(".innopress/inbox.jsonl"));
        let before = confirmations(&c);
        let mut child = inbox_command(
            c.site.path(),
            &args,
            &[("INNOPRESS_TEST_INBOX_PAUSE", point)],
        )
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let line = kill_when_paused(&mut child);
        assert!(line.contains(point), "{line}");
        let text = read(&c.list());
        if point == "mid-list" {
            assert_eq!(
                text, original,
                "killed before the rename: the old list, whole"
            );
        } else {
            assert!(
                text.contains("maija@example.org,Maija,unsubscribed"),
                "{text}"
            );
        }
        let o = inbox(c.site.path(), &args, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = read(&c.list());
        assert_eq!(text.lines().count(), original.lines().count() + 1, "{text}");
        assert_eq!(status_of(&c.list(), "maija@example.org"), "unsubscribed");
        assert_eq!(status_of(&c.list(), "gone@example.org"), "bounced");
        assert_eq!(status_of(&c.list(), "new@example.org"), "pending");
        assert_eq!(text.matches("new@example.org").count(), 1);
        assert_eq!(
            confirmations(&c),
            before + 1,
            "one confirmation after a kill at {point}"
        );
        let o = inbox(c.site.path(), &args, &[]);
        assert!(o.status.success());
        assert_eq!(read(&c.list()), text);
    }
}

/// Peak memory (KiB) of the inbox over a list of `rows` rows, through Python's rusage.
fn peak_kib(site: &Path, args: &[&str]) -> u64 {
    let script = "import resource, subprocess, sys\nsubprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL)\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
    let o = Command::new("python3")
        .args([
            "-c",
            script,
            env!("CARGO_BIN_EXE_innopress"),
            "newsletter",
            "inbox",
            "--list",
            "subscribers.csv",
        ])
        .args(args)
        .current_dir(site)
        .env("INNOPRESS_UNSUBSCRIBE_SECRET", "test-secret")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
}

#[test]
fn a_list_of_100000_rows_is_kept_in_flat_memory() {
    let site = site(None);
    let cfg = site.path().join("content/site.toml");
    std::fs::write(&cfg, read(&cfg).replace("unsubscribe = \"mailto:unsubscribe@example.org\"", "unsubscribe = \"mailto:leave@example.org?subject=unsubscribe%20{token}\"\nreturn_path = \"bounces@example.org\"")).unwrap();
    let dir = site.path().join("saved");
    let mut files = Vec::new();
    for i in 0..200 {
        let text = if i % 2 == 0 {
            mail(
                &[
                    ("From", &format!("p{}@example.org", i * 400)),
                    ("To", "leave@example.org"),
                    ("Subject", "unsubscribe"),
                    ("Message-ID", &format!("<u{i}@x>")),
                ],
                "",
            )
        } else {
            dsn(
                &format!("<d{i}@mx>"),
                &format!(
                    "bounces+{}@example.org",
                    hash_of(&format!("p{}@example.org", i * 400))
                ),
                &days_ago(0, 1),
                &format!("p{}@example.org", i * 400),
                "5.1.1",
                None,
            )
        };
        files.push(write_mail(&dir, &format!("{i}.eml"), &text));
    }
    let args: Vec<&str> = files.iter().map(|p| p.to_str().unwrap()).collect();
    let mut peaks = Vec::new();
    for n in [1_000usize, 100_000] {
        let mut list = String::from("email,name,status,city\n");
        for i in 0..n {
            list.push_str(&format!("p{i}@example.org,Person {i},subscribed,Tampere\n"));
        }
        std::fs::write(site.path().join("subscribers.csv"), &list).unwrap();
        let _ = std::fs::remove_file(site.path().join(".innopress/inbox.jsonl"));
        let started = std::time::Instant::now();
        let peak = peak_kib(site.path(), &args);
        eprintln!(
            "inbox over {n} rows: peak {} MiB, {:.2} s",
            peak / 1024,
            started.elapsed().as_secs_f64()
        );
        let text = read(&site.path().join("subscribers.csv"));
        let changed = text
            .lines()
            .filter(|l| l.contains(",unsubscribed,") || l.contains(",bounced,"))
            .count();
        assert_eq!(
            changed,
            200.min(n.div_ceil(400)),
            "every message applied to its row"
        );
        peaks.push(peak);
    }
    assert!(
        peaks[1] < peaks[0] + 8 * 1024,
        "memory grows with the list: {} KiB for 1,000 rows, {} KiB for 100,000",
        peaks[0],
        peaks[1]
    );
}
