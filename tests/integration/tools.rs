//! `init`, shell completions and the data warnings of `check`.

use crate::common::*;

#[test]
fn init_makes_a_site_that_checks_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    let o = run(tmp.path(), &["init", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join("README.md").is_file() && dir.join("content/site.toml").is_file());
    let o = run(&dir, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("no problems found"), "{}", stderr(&o));
    let o = run(&dir, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for page in [
        "index.html",
        "news/welcome/index.html",
        "newsletter/1/email.eml",
        "cities/tampere/index.html",
    ] {
        assert!(dir.join("output").join(page).is_file(), "{page}");
    }
    // never overwrites
    let o = run(tmp.path(), &["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));
}

/// The starter sends to a relay on this computer as it is; with the example login put back
/// and no password, the error names the line to delete.
/// A site saved on Windows (every text file with CRLF line endings) builds exactly as the
/// same site with LF: Notepad and Excel must not change a page.
#[test]
fn a_site_saved_with_windows_line_endings_builds_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let (lf, crlf) = (tmp.path().join("lf"), tmp.path().join("crlf"));
    let o = run(tmp.path(), &["init", lf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    copy_dir(&lf, &crlf);
    let mut converted = 0;
    for e in walkdir::WalkDir::new(crlf.join("content")) {
        let p = e.unwrap().into_path();
        if p.extension()
            .is_some_and(|x| x == "toml" || x == "md" || x == "csv")
        {
            let text = read(&p);
            std::fs::write(&p, text.replace('\n', "\r\n")).unwrap();
            converted += 1;
        }
    }
    assert!(converted >= 9, "{converted}");
    for site in [&lf, &crlf] {
        let o = run(site, &["build"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    }
    let (a, b) = (tree(&lf.join("output")), tree(&crlf.join("output")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(bytes == &b[name], "{name} differs with CRLF input");
    }
}

#[test]
fn self_check_names_the_build_and_the_settings_but_never_a_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my site");
    assert!(
        run(tmp.path(), &["init", dir.to_str().unwrap()])
            .status
            .success()
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["self-check", "--root"])
        .arg(&dir)
        .env("INNOPRESS_SMTP_PASSWORD", "hunter2-very-secret")
        .env_remove("INNOPRESS_DKIM_KEY")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", stderr(&o));
    assert!(
        out.starts_with(&format!("innopress {} for ", env!("CARGO_PKG_VERSION"))),
        "{out}"
    );
    assert!(
        out.contains("site.toml (\"My innovation network\")"),
        "{out}"
    );
    assert!(out.contains("INNOPRESS_SMTP_PASSWORD       set\n"), "{out}");
    assert!(
        out.contains("INNOPRESS_DKIM_KEY            not set\n"),
        "{out}"
    );
    assert!(!out.contains("hunter2"), "{out}");
    // outside a site it says where it looked and how to go on, and exits 1
    let o = run(tmp.path(), &["self-check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("innopress init"));
}

#[test]
fn the_starter_sends_to_a_local_relay_without_edits() {
    use crate::newsletter::Smtp;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("new-site");
    assert!(
        run(tmp.path(), &["init", dir.to_str().unwrap()])
            .status
            .success()
    );
    let cfg = read(&dir.join("content/site.toml"));
    assert!(cfg.contains("\nurl = \"smtp://localhost:25\"\n"), "{cfg}");
    let relay = Smtp::relay(tmp.path());
    // a test cannot listen on port 25: the same relay on its own port, through the
    // environment, with the site's settings untouched
    let send = |dir: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_innopress"))
            .args([
                "newsletter",
                "send",
                "1",
                "--to",
                "you@example.org",
                "--no-preflight",
            ])
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env(
                "INNOPRESS_SMTP_URL",
                format!("smtp://localhost:{}", relay.port),
            )
            .env_remove("INNOPRESS_SMTP_PASSWORD")
            .output()
            .unwrap()
    };
    let o = send(&dir);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(relay.files().len(), 1, "{}", stderr(&o));
    // the organisation's login, uncommented, without its password
    std::fs::write(
        dir.join("content/site.toml"),
        cfg.replace("#   username = ", "username = "),
    )
    .unwrap();
    let line = cfg
        .lines()
        .position(|l| l.starts_with("#   username = "))
        .unwrap()
        + 1;
    let o = send(&dir);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "content/site.toml:{line}: `username = \"news@example.org\"` in [smtp] logs in to the relay, but INNOPRESS_SMTP_PASSWORD is not set: set it to the relay's password, or delete line {line}"
        )),
        "{}",
        stderr(&o)
    );
    assert_eq!(relay.files().len(), 1, "nothing more was sent");
}

#[test]
fn completions_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let o = run(tmp.path(), &["completions", shell]);
        assert!(o.status.success());
        let script = String::from_utf8(o.stdout).unwrap();
        assert!(
            script.contains("innopress") && script.contains("newsletter"),
            "{shell}"
        );
    }
    assert_eq!(
        run(tmp.path(), &["completions", "tcsh"]).status.code(),
        Some(2)
    );
}

#[test]
fn check_warns_about_data_that_is_probably_wrong() {
    let dir = site(None);
    let c = dir.path().join("content/data");
    let mut projects = read(&c.join("projects/main.toml"));
    projects.push_str("\n[[project]]\nid = \"empty\"\ntitle = \"Nothing yet\"\nthemes = [\"wellbeing\"]\nstart = 2024-01-01\nend = 2024-12-31\nprogramme = \"ERDF\"\n");
    std::fs::write(c.join("projects/main.toml"), projects).unwrap();
    let mut ind = read(&c.join("indicators.toml"));
    ind.push_str("\n[[indicator]]\nid = \"unused\"\nname = \"Unused\"\nunit = \"count\"\n");
    std::fs::write(c.join("indicators.toml"), ind).unwrap();
    let mut obs = read(&c.join("observations/startups.toml"));
    obs.push_str("\n[[observation]]\ncity = \"tampere\"\nindicator = \"startups\"\nyear = 2022\nvalue = 500\n");
    std::fs::write(c.join("observations/startups.toml"), obs).unwrap();

    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    assert!(o.status.success(), "warnings do not fail check: {err}");
    assert!(
        err.contains("content/data/projects/main.toml:")
            && err.contains("warning: project `empty` has no funding"),
        "{err}"
    );
    assert!(
        err.contains("warning: indicator `unused` has no observations"),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: `startups` of `tampere`: 500 in 2022; 4 in 2023 (the median of its years is 6) — extra digits?"
        ),
        "{err}"
    );
    assert!(err.contains("content/data/cities.toml:9:6: warning: Oulu co-finances 20.0 % of its projects, below the 25 % minimum"), "{err}");
    assert!(
        run(dir.path(), &["build"]).status.success(),
        "warnings do not fail the build"
    );
    let o = run(dir.path(), &["check", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("error: project `empty` has no funding"));
}

#[test]
fn the_minimum_city_share_is_a_setting() {
    let dir = site(None);
    let settings = dir.path().join("content/site.toml");
    let original = read(&settings).replace("\n[policy]\nmin_city_share = 25\n", "");
    let warning = "Oulu co-finances 20.0 % of its projects, below the";
    // no rule set, no warning: a minimum is one programme's rule, not every network's
    std::fs::write(&settings, &original).unwrap();
    let o = run(dir.path(), &["check"]);
    assert!(!stderr(&o).contains("co-finances"), "{}", stderr(&o));
    // below Oulu's 20 %: no warning
    std::fs::write(
        &settings,
        format!("{original}\n[policy]\nmin_city_share = 19.5\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert!(!stderr(&o).contains(warning), "{}", stderr(&o));
    // above it: the warning names the setting's value
    std::fs::write(
        &settings,
        format!("{original}\n[policy]\nmin_city_share = 22.5\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert!(
        stderr(&o).contains(&format!("{warning} 22.5 % minimum")),
        "{}",
        stderr(&o)
    );
    // not a percentage: located error; a typo in the table too
    std::fs::write(
        &settings,
        format!("{original}\n[policy]\nmin_city_share = 250\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/site.toml:")
            && stderr(&o).contains("min_city_share = 250 is not a percentage"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        &settings,
        format!("{original}\n[policy]\nmin_city_shar = 20\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn check_finds_broken_links_and_anchors() {
    let dir = site(None);
    let article = dir.path().join("content/articles/second-news.md");
    std::fs::write(
        &article,
        "+++\ntitle = \"Second news\"\ndate = 2025-01-05\n+++\n\
Good: [first](/news/hello-world/#first-section), [relative](../hello-world/), [logo](/img/logo.svg), \
[csv](/data/projects.csv), [self](#top-of-nothing-but-ok), [prefixed](/innocities/news/hello-world/)\n\n\
Broken: [missing page](/news/helo-world/) and [missing anchor](/news/hello-world/#no-such-heading).\n\n\
![missing image](/img/nope.png)\n",
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("content/articles/second-news.md:7:9: error: broken link `/news/helo-world/`: there is no page or file `/news/helo-world/` in the site"), "{err}");
    assert!(
        err.contains("= hint: the nearest existing page is “Hello <script>alert(1)</script> & world” at `/news/hello-world/`"),
        "{err}"
    );
    assert!(err.contains("broken link `/news/hello-world/#no-such-heading`: the page `/news/hello-world/` has no heading or element with id `no-such-heading`"), "{err}");
    assert!(err.contains("broken link `/img/nope.png`"), "{err}");
    assert!(
        err.contains("#top-of-nothing-but-ok"),
        "a missing anchor on the page itself is reported too: {err}"
    );
    assert_eq!(err.matches("error: broken link").count(), 4, "{err}");
    // a link written with the base_url path prefix works like a site-root link
    assert!(!err.contains("/innocities/news/hello-world/`"), "{err}");
    // the sample site and the fixture as shipped have no broken links
    assert!(run(&repo(), &["check"]).status.success());
}

/// A local web server for the external link check: `/ok` 200, `/gone` 404, `/nohead` 405 to
/// HEAD and 200 to GET, `/slow` answers after 3 s. Counts requests per path.
fn web_server() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                r.read_line(&mut line).unwrap_or(0);
                let mut parts = line.split_whitespace();
                let (method, path) = (
                    parts.next().unwrap_or("").to_string(),
                    parts.next().unwrap_or("").to_string(),
                );
                loop {
                    let mut h = String::new();
                    if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                        break;
                    }
                }
                seen.lock().unwrap().push(format!("{method} {path}"));
                let code = match (method.as_str(), path.as_str()) {
                    (_, "/ok") => 200,
                    ("HEAD", "/nohead") => 405,
                    (_, "/nohead") => 200,
                    (_, "/slow") => {
                        std::thread::sleep(std::time::Duration::from_secs(3));
                        200
                    }
                    _ => 404,
                };
                let mut s = stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    (port, log)
}

#[test]
fn check_external_fetches_each_link_once_in_parallel_with_a_timeout() {
    let (port, log) = web_server();
    let dir = site(None);
    let base = format!("http://127.0.0.1:{port}");
    std::fs::write(
        dir.path().join("content/articles/second-news.md"),
        format!(
            "+++\ntitle = \"Second news\"\ndate = 2025-01-05\n+++\n[ok]({base}/ok) [ok again]({base}/ok) [head refused]({base}/nohead)\n\n[gone]({base}/gone)\n\n[slow]({base}/slow)\n"
        ),
    )
    .unwrap();
    // without --external nothing is fetched
    assert!(run(dir.path(), &["check"]).status.success());
    assert!(log.lock().unwrap().is_empty());

    let o = run(
        dir.path(),
        &["check", "--external", "--timeout", "1", "--parallel", "4"],
    );
    let err = stderr(&o);
    assert!(
        o.status.success(),
        "broken external links are warnings: {err}"
    );
    assert!(err.contains(&format!("content/articles/second-news.md:7:1: warning: external link `{base}/gone` answers HTTP 404")), "{err}");
    assert!(
        err.contains(&format!(
            "external link `{base}/slow` did not answer in time"
        )),
        "{err}"
    );
    assert!(!err.contains("/ok`") && !err.contains("/nohead`"), "{err}");
    let requests = log.lock().unwrap().clone();
    assert_eq!(
        requests.iter().filter(|r| r.ends_with(" /ok")).count(),
        1,
        "each address once: {requests:?}"
    );
    assert!(
        requests.contains(&"GET /nohead".to_string()),
        "GET after a refused HEAD: {requests:?}"
    );
    let o = run(
        dir.path(),
        &["check", "--external", "--timeout", "1", "--deny-warnings"],
    );
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn theme_words_come_from_strings_toml_and_a_site_overrides_them_key_by_key() {
    let dir = site(None);
    let theme = dir.path().join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    let strings = theme.join("strings.toml");
    std::fs::write(
        &strings,
        "[navigation]\nnews = \"Uutiset\"\n\n[titles]\nnews = \"Uutiset ja tarinat\"\n\n\
         [email]\ngreeting = \"Hei {name},\"\ngreeting_without_name = \"Hei,\"\n",
    )
    .unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    let news = read(&out.join("news/index.html"));
    assert!(news.contains("<title>Uutiset ja tarinat"), "{news}");
    assert!(
        news.contains(">Uutiset</a>"),
        "the navigation uses the override"
    );
    assert!(
        news.contains(">Projects</a>"),
        "keys left out keep the built-in words"
    );
    let text = std::fs::read_dir(out.join("newsletter"))
        .unwrap()
        .flatten()
        .find_map(|e| std::fs::read_to_string(e.path().join("email.txt")).ok())
        .expect("an issue's email.txt");
    assert!(text.contains("Hei,"), "{text}");

    // a typo is an error at its line, with the key it probably means
    std::fs::write(&strings, "[titles]\nnewz = \"x\"\n").unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("themes/default/strings.toml:2:1: error: unknown string `titles.newz`")
            && err.contains("did you mean `news`?"),
        "{err}"
    );
    // so is a value of the wrong kind, and the build keeps the previous output
    std::fs::write(&strings, "months = \"Tammikuu\"\n").unwrap();
    let o = run(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`months` must be an array"),
        "{}",
        stderr(&o)
    );
    assert!(out.join("news/index.html").is_file());
}

#[test]
fn the_currency_is_a_setting() {
    let dir = site(None);
    let settings = dir.path().join("content/site.toml");
    let original = read(&settings).replace("\n[policy]\nmin_city_share = 25\n", "");
    std::fs::write(
        &settings,
        format!("{original}\n[policy]\ncurrency = \"SEK\"\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    for page in [
        "index.html",
        "projects/index.html",
        "impact/index.html",
        "cities/index.html",
    ] {
        let html = read(&out.join(page));
        assert!(html.contains("SEK"), "{page}");
        assert!(!html.contains("EUR"), "{page} still says EUR");
    }
    let chart = read(&out.join("charts/funding-by-city.svg"));
    assert!(chart.contains("SEK") && !chart.contains("EUR"), "{chart}");
    assert!(read(&out.join("data/summary.json")).contains("\"currency\": \"SEK\""));
    let o = run(dir.path(), &["summary"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Total funding (SEK)"));

    std::fs::write(
        &settings,
        format!("{original}\n[policy]\ncurrency = \"kr\"\n"),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("currency = \"kr\" is not a currency code"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn addresses_from_data_are_web_or_mail_links_only() {
    let dir = site(None);
    let data = dir.path().join("content/data");
    let projects = data.join("projects/main.toml");
    let good = read(&projects);
    let mut text = good.clone();
    text.push_str(
        "\n[[project]]\nid = \"evil\"\ntitle = \"Evil\"\nthemes = [\"wellbeing\"]\n\
         start = 2024-01-01\nend = 2024-12-31\nprogramme = \"ERDF\"\n\
         url = \"JavaScript:alert(document.cookie)\"\n[project.funding]\neu = 1\n",
    );
    std::fs::write(&projects, &text).unwrap();
    let cities = data.join("cities.toml");
    let mut c = read(&cities);
    c = c.replacen(
        "[[city]]",
        "[[city]]\nurl = \"data:text/html,<script>alert(1)</script>\"",
        1,
    );
    std::fs::write(&cities, &c).unwrap();
    let o = run(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let line = text
        .lines()
        .position(|l| l.starts_with("url = \"JavaScript"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!(
            "content/data/projects/main.toml:{line}:7: error: url: `JavaScript:alert(document.cookie)` is not allowed"
        )),
        "{err}"
    );
    assert!(
        err.contains("content/data/cities.toml:2:7: error: url: `data:text/html"),
        "{err}"
    );
    assert!(!dir.path().join("output/projects/evil").exists());
}

#[test]
fn an_imported_register_cannot_bring_a_script_link() {
    let dir = site(None);
    std::fs::write(
        dir.path().join("register.csv"),
        "Code,Name,Start,End,Granted,Web\n\
         A1,Good,1.1.2024,31.12.2024,100,https://example.org/a1\n\
         A2,Bad,1.1.2024,31.12.2024,100,javascript:alert(1)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mapping.toml"),
        "[csv]\ndate_format = \"d.m.yyyy\"\n\n[id]\ncolumn = \"Code\"\n\n[fields]\n\
         title = { column = \"Name\" }\nstart = { column = \"Start\" }\nend = { column = \"End\" }\n\
         programme = { value = \"ERDF\" }\nurl = { column = \"Web\" }\n\n\
         [funding]\neu = { column = \"Granted\" }\n\n[themes]\ndefault = [\"wellbeing\"]\n",
    )
    .unwrap();
    let o = run(
        dir.path(),
        &[
            "import",
            "projects",
            "register.csv",
            "--map",
            "mapping.toml",
            "--skip-invalid",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "register.csv:3:32: warning: line 3 rejected: url: `javascript:alert(1)` is not allowed"
        ),
        "{}",
        stderr(&o)
    );
    let toml = read(&dir.path().join("content/data/projects/register.toml"));
    assert!(
        toml.contains("https://example.org/a1") && !toml.contains("javascript"),
        "{toml}"
    );
}

#[test]
fn text_nested_too_deep_is_an_error_not_a_crash() {
    for (name, body) in [
        ("quotes", format!("{}deep\n", "> ".repeat(10_000))),
        ("lists", format!("{}deep\n", "- ".repeat(5_000))),
        (
            "emphasis",
            format!("{}deep{}\n", "*".repeat(10_000), "*".repeat(10_000)),
        ),
        (
            "divs",
            format!(
                "{}deep{}\n",
                "<div>".repeat(40_000),
                "</div>".repeat(40_000)
            ),
        ),
    ] {
        let dir = site(None);
        assert!(run(dir.path(), &["build", "--quiet"]).status.success());
        let issue = dir.path().join("content/newsletters/issue-1.md");
        let text = read(&issue);
        let end = text[3..].find("+++").unwrap() + 6;
        let line = text[..end].lines().count() + 1;
        std::fs::write(&issue, format!("{}\n{body}{}", &text[..end], &text[end..])).unwrap();
        for cmd in [&["check"][..], &["build"], &["newsletter", "build", "1"]] {
            let o = run(dir.path(), cmd);
            assert_eq!(o.status.code(), Some(1), "{name} {cmd:?}: {}", stderr(&o));
            assert!(
                stderr(&o).contains(&format!("content/newsletters/issue-1.md:{line}:"))
                    && stderr(&o).contains("levels deep here; at most 100 are allowed"),
                "{name} {cmd:?}: {}",
                stderr(&o)
            );
        }
        // the last good output stays, and no staging folder is left behind
        assert!(dir.path().join("output/index.html").is_file());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("staging"))
            .collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
    }
}
