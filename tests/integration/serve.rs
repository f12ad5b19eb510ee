//! `innopress serve`: pages over HTTP, rebuild and reload on edit, the last good site kept
//! on a broken edit, recovery, and no way out of the output folder.

use crate::common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub(crate) struct Server {
    child: Child,
    pub(crate) port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start(root: &std::path::Path) -> Server {
    // a free port; serve moves on to the next one if it is taken meanwhile
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(root)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let port = loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "serve stopped");
        if let Some(rest) = line.strip_prefix("serving http://127.0.0.1:") {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // keep draining stderr so the server never blocks on it
    std::thread::spawn(move || for _ in err.lines() {});
    Server { child, port }
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let code = buf.split_whitespace().nth(1).unwrap().parse().unwrap();
    (code, buf)
}

/// Lines of the event stream, as they come.
fn events(port: u16) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /__innopress/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn wait_for(rx: &mpsc::Receiver<String>, want: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            let hit = line.contains(want);
            seen.push(line);
            if hit {
                return seen;
            }
        }
    }
    panic!("no `{want}` in the event stream: {seen:?}");
}

#[test]
fn serve_rebuilds_reloads_keeps_the_last_good_site_and_recovers() {
    let dir = site(None);
    let server = start(dir.path());
    let (code, home) = get(server.port, "/");
    assert_eq!(code, 200);
    assert!(home.contains("Content-Type: text/html"));
    assert!(
        home.contains("/__innopress/reload.js\" data-generation=\"1\""),
        "the reload script is injected when serving"
    );
    assert!(
        !read(&dir.path().join("output/index.html")).contains("__innopress"),
        "but never written to the output"
    );
    let (code, css) = get(server.port, "/assets/style.css");
    assert_eq!(code, 200);
    assert!(css.contains("Content-Type: text/css"));
    // the base_url path prefix works too
    assert_eq!(get(server.port, "/innocities/news/").0, 200);

    let rx = events(server.port);
    wait_for(&rx, "event: hello");
    let article = dir.path().join("content/articles/second-news.md");
    let text = read(&article);
    std::fs::write(
        &article,
        text.replace("See [the first]", "Edited while serving. See [the first]"),
    )
    .unwrap();
    let lines = wait_for(&rx, "event: reload");
    let (_, page) = get(server.port, "/news/second-news/");
    assert!(page.contains("Edited while serving."));
    // the page says which build it shows, so a late event stream still knows to reload
    let generation = rx.recv_timeout(Duration::from_secs(5)).unwrap();
    let generation = generation
        .strip_prefix("data: ")
        .expect("reload carries the generation");
    assert!(
        page.contains(&format!("data-generation=\"{generation}\"")),
        "{lines:?} {page}"
    );

    // a broken edit: the error goes to the browser, the last good page stays
    std::fs::write(
        &article,
        "+++\ntitle = \"Second news\"\n\nno closing fence\n",
    )
    .unwrap();
    let lines = wait_for(&rx, "never closed");
    assert!(lines.iter().any(|l| l == "event: problems"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("content/articles/second-news.md:1:1")),
        "{lines:?}"
    );
    let (code, page) = get(server.port, "/news/second-news/");
    assert_eq!(code, 200);
    assert!(
        page.contains("Edited while serving."),
        "the last good site is still served"
    );

    // fixed again
    std::fs::write(
        &article,
        text.replace("See [the first]", "Fixed. See [the first]"),
    )
    .unwrap();
    wait_for(&rx, "event: reload");
    assert!(get(server.port, "/news/second-news/").1.contains("Fixed."));

    // an issue nested 10,000 levels deep: reported, and the server stays up
    let issue = dir.path().join("content/newsletters/issue-1.md");
    let text = read(&issue);
    std::fs::write(&issue, format!("{text}\n{}deep\n", "> ".repeat(10_000))).unwrap();
    let lines = wait_for(&rx, "levels deep here");
    assert!(lines.iter().any(|l| l == "event: problems"), "{lines:?}");
    assert_eq!(get(server.port, "/news/second-news/").0, 200);
}

#[test]
fn serve_never_leaves_the_output_folder() {
    let dir = site(None);
    let server = start(dir.path());
    for path in [
        "/../content/site.toml",
        "/%2e%2e/content/site.toml",
        "/..%2fcontent/site.toml",
        "/%2E%2E%2Fcontent%2Fsite.toml",
        "/news/../../content/site.toml",
        "/.gitkeep",
        "/no/such/page/",
    ] {
        let (code, body) = get(server.port, path);
        assert_eq!(code, 404, "{path}");
        assert!(!body.contains("base_url"), "{path} leaked site.toml");
        assert!(
            body.contains("Page not found"),
            "{path}: the site's 404 page"
        );
    }
    let (code, _) = get(server.port, "/news/");
    assert_eq!(code, 200);
}

/// A number from the server's `/proc/PID/status` (Linux), such as `VmRSS` in kB.
fn proc_status(pid: u32, key: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

fn open_descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

#[test]
fn serve_bounds_request_heads_and_connections() {
    let dir = site(None);
    let server = start(dir.path());
    let pid = server.child.id();
    assert_eq!(get(server.port, "/news/").0, 200);
    let before = proc_status(pid, "VmRSS");

    // request lines without an end: each is cut off at the head limit, memory stays flat
    let floods: Vec<_> = (0..4)
        .map(|_| {
            let port = server.port;
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                let chunk = vec![b'a'; 64 * 1024];
                let _ = s.write_all(b"GET /");
                let mut sent = 0;
                while sent < 32 << 20 && s.write_all(&chunk).is_ok() {
                    sent += chunk.len();
                }
                let mut reply = String::new();
                let _ = s.read_to_string(&mut reply);
                (sent, reply)
            })
        })
        .collect();
    for f in floods {
        let (sent, reply) = f.join().unwrap();
        assert!(
            sent < 32 << 20,
            "the server read {sent} bytes of one request line"
        );
        assert!(
            reply.is_empty()
                || reply.starts_with("HTTP/1.1 431")
                || reply.starts_with("HTTP/1.1 400"),
            "{reply}"
        );
    }
    let grown = proc_status(pid, "VmRSS").saturating_sub(before);
    assert!(grown < 64 * 1024, "memory grew by {grown} kB");
    assert_eq!(get(server.port, "/news/").0, 200);

    // open pages listening for reloads get a share of the connections, not all of them
    let streams: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(
                s,
                "GET /__innopress/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
            )
            .unwrap();
            let mut first = [0u8; 12];
            s.read_exact(&mut first).unwrap();
            assert_eq!(&first, b"HTTP/1.1 200");
            s
        })
        .collect();
    let (code, busy) = get(server.port, "/__innopress/events");
    assert_eq!(code, 503, "{busy}");
    assert!(busy.contains("Retry-After: 5"), "{busy}");
    assert_eq!(get(server.port, "/news/").0, 200);
    drop(streams);

    // more idle clients than the cap: the server holds at most the cap of them open, drops
    // them at the head deadline, and then serves everyone else
    let base = open_descriptors(pid);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], server.port));
    // past the cap and the system's queue, a connection attempt waits; those are let go
    let idle: Vec<TcpStream> = (0..400)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok())
        .collect();
    assert!(idle.len() > 256, "only {} clients connected", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    let held = open_descriptors(pid) - base;
    assert!(held <= 256, "{held} connections held open");
    let started = Instant::now();
    assert_eq!(get(server.port, "/news/").0, 200);
    assert!(started.elapsed() < Duration::from_secs(30));
    drop(idle);
}

#[test]
fn a_rebuild_after_moving_a_documents_date_equals_a_full_build() {
    let dir = site(None);
    let article = dir.path().join("content/articles/on-a-date.md");
    let text = |date: &str| {
        format!(
            "+++\ntitle = \"On a date\"\ndate = {date}\n+++\n\
             Ongoing {{{{ figure(name=\"ongoing-count\") }}}} as of {{{{ figure(name=\"as-of\") }}}}.\n\n\
             {{{{ chart(name=\"indicator\", indicator=\"startups\", city=\"tampere\") }}}}\n"
        )
    };
    std::fs::write(&article, text("2023-12-01")).unwrap();
    let server = start(dir.path());
    let rx = events(server.port);
    wait_for(&rx, "event: hello");
    assert!(
        get(server.port, "/news/on-a-date/")
            .1
            .contains("Ongoing 1 as of 1 December 2023.")
    );
    std::fs::write(&article, text("2024-06-01")).unwrap();
    wait_for(&rx, "event: reload");
    let (_, page) = get(server.port, "/news/on-a-date/");
    assert!(page.contains("Ongoing 2 as of 1 June 2024."), "{page}");
    drop(server);
    same_as_a_full_build(dir.path());
}

/// What serve wrote into ROOT/output equals a full build of the same content (serve may
/// leave files a full build has no more, such as the chart of a date a document had).
fn same_as_a_full_build(root: &std::path::Path) {
    let served = tree(&root.join("output"));
    let full_dir = tempfile::tempdir().unwrap();
    let o = run(
        root,
        &[
            "build",
            "--quiet",
            "--output",
            full_dir.path().to_str().unwrap(),
            "--force",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for (path, bytes) in tree(full_dir.path()) {
        assert!(
            served.get(&path) == Some(&bytes),
            "{path} differs between serve's rebuild and a full build"
        );
    }
}

#[test]
fn a_long_news_list_is_rebuilt_a_page_at_a_time_and_equals_a_full_build() {
    let dir = site(None);
    let articles = dir.path().join("content/articles");
    let text = |title: &str, date: &str| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = {date}\nsummary = \"About {title}.\"\n\
             themes = [\"digitalisation\"]\n+++\nThe body of {title}.\n"
        )
    };
    let date = |i: usize| format!("2022-{:02}-{:02}", 1 + i % 12, 1 + i / 12);
    for i in 0..120 {
        let name = articles.join(format!("many-{i:03}.md"));
        std::fs::write(name, text(&format!("Many {i}"), &date(i))).unwrap();
    }
    let server = start(dir.path());
    let rx = events(server.port);
    wait_for(&rx, "event: hello");
    assert_eq!(get(server.port, "/news/page/3/").0, 200);
    // a new title: the article keeps its place, and its page of the list shows it
    std::fs::write(articles.join("many-005.md"), text("Renamed five", &date(5))).unwrap();
    wait_for(&rx, "event: reload");
    let pages: Vec<String> = ["/news/", "/news/page/2/", "/news/page/3/"]
        .iter()
        .map(|p| get(server.port, p).1)
        .collect();
    assert_eq!(
        pages.iter().filter(|p| p.contains("Renamed five")).count(),
        1
    );
    // and so does the theme's own news list
    let theme: String = ["", "page/2/", "page/3/"]
        .iter()
        .map(|p| get(server.port, &format!("/themes/digitalisation/news/{p}")).1)
        .collect();
    assert!(theme.contains("Renamed five"));
    // a new date moves it to the top of the first page, and every page after shifts
    std::fs::write(
        articles.join("many-007.md"),
        text("Moved seven", "2026-01-01"),
    )
    .unwrap();
    wait_for(&rx, "event: reload");
    assert!(get(server.port, "/news/").1.contains("Moved seven"));
    drop(server);
    same_as_a_full_build(dir.path());
}

/// What a raw request with `host` as its `Host:` is answered.
fn get_with_host(port: u16, path: &str, host: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let code = buf.split_whitespace().nth(1).unwrap().parse().unwrap();
    (code, buf)
}

#[test]
fn serve_answers_only_requests_addressed_to_this_computer() {
    let dir = site(None);
    let server = start(dir.path());
    let port = server.port;
    // a page elsewhere whose name was made to point here (DNS rebinding) reads nothing
    let with_port = format!("evil.example:{port}");
    for host in ["evil.example", with_port.as_str(), "localhost.evil.example"] {
        for path in ["/news/", "/__innopress/events", "/__innopress/reload.js"] {
            let (code, reply) = get_with_host(port, path, host);
            assert_eq!(code, 421, "{host}{path}: {reply}");
            assert!(
                reply.contains("answers only requests to localhost"),
                "{reply}"
            );
            assert!(!reply.contains("<html"), "{reply}");
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_string(),
    ] {
        let (code, reply) = get_with_host(port, "/news/", &host);
        assert_eq!(code, 200, "{host}: {reply}");
    }
}

#[test]
fn serve_streams_large_files_and_drops_clients_that_never_read() {
    let dir = site(None);
    // 200 MB of zeros, held on disk sparse
    let big = std::fs::File::create(dir.path().join("content/static/big.bin")).unwrap();
    big.set_len(200 << 20).unwrap();
    drop(big);
    let server = start(dir.path());
    let pid = server.child.id();
    assert_eq!(get(server.port, "/news/").0, 200);
    let rss_before = proc_status(pid, "VmRSS");
    let fds_before = open_descriptors(pid);

    // clients that ask for the large file and never read a byte of it
    let stalled: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            write!(s, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let started = Instant::now();
    let (code, _) = get(server.port, "/news/");
    let answered = started.elapsed();
    assert_eq!(code, 200);
    assert!(
        answered < Duration::from_secs(3),
        "a page took {answered:?}"
    );
    let grown = proc_status(pid, "VmRSS").saturating_sub(rss_before);
    eprintln!("RSS grew by {grown} kB with 8 stalled 200 MB downloads; a page in {answered:?}");
    assert!(grown < 64 * 1024, "memory grew by {grown} kB");

    // past the write deadline the stalled connections are closed
    let deadline = Instant::now() + Duration::from_secs(25);
    while open_descriptors(pid) > fds_before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(
        open_descriptors(pid) <= fds_before,
        "{} descriptors still open, {fds_before} before",
        open_descriptors(pid)
    );
    drop(stalled);

    // a client that reads gets the whole file
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(s, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).unwrap();
    let head_end = reply.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&reply[..head_end]);
    assert!(head.contains("Content-Length: 209715200"), "{head}");
    assert_eq!(reply.len() - head_end, 200 << 20);
}

/// `serve --open` hands the served address to the system's opener (`xdg-open` here, a
/// stand-in on PATH that writes down what it was given).
#[test]
fn serve_open_hands_the_address_to_the_systems_opener() {
    let site = site(None);
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened.txt");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&opener, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["serve", "--port", "0", "--open"])
        .current_dir(site.path())
        .env("PATH", path)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let served = loop {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "serve stopped");
        if let Some(rest) = line.strip_prefix("serving ") {
            break rest.split(' ').next().unwrap().to_string();
        }
    };
    let started = Instant::now();
    while !opened.exists() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(read(&opened).trim(), served);
}
