//! Building valid sites: every page family, escaping, drafts, determinism, atomic output,
//! refused output folders, theme overrides, and snapshots of machine-read files.

use crate::common::*;

const FAMILIES: &[&str] = &[
    "index.html",
    "news/index.html",
    "news/hello-world/index.html",
    "news/second-news/index.html",
    "pages/about/index.html",
    "reports/index.html",
    "reports/annual-2024/index.html",
    "projects/index.html",
    "projects/port-5g/index.html",
    "projects/care-lab/index.html",
    "projects/coordination/index.html",
    "cities/index.html",
    "cities/tampere/index.html",
    "cities/oulu/index.html",
    "themes/index.html",
    "themes/wellbeing/index.html",
    "impact/index.html",
    "newsletter/index.html",
    "newsletter/1/index.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "data/summary.json",
    "assets/style.css",
    "assets/dashboard.js",
    "img/logo.svg",
];

#[test]
fn builds_every_page_family() {
    let (_dir, out) = built(&[]);
    for f in FAMILIES {
        assert!(out.join(f).is_file(), "missing {f}");
    }
}

#[test]
fn the_sample_site_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run(&repo(), &["build", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("built "), "{}", stderr(&o));
    let home = read(&out.join("index.html"));
    assert!(home.contains("InnoCities"));
    assert!(
        out.join("projects/innocities-coordination/index.html")
            .is_file()
    );
    let pages = tree(&out).keys().filter(|k| k.ends_with(".html")).count();
    assert!(pages > 90, "{pages} pages");
    let o = run(&repo(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn open_data_cells_never_run_as_spreadsheet_formulas() {
    let dir = site(None);
    let projects = dir.path().join("content/data/projects/main.toml");
    let mut text = read(&projects);
    text.push_str(
        "\n[[project]]\nid = \"formula\"\ntitle = \"=HYPERLINK(\\\"https://evil.example\\\",\\\"open\\\")\"\n\
         themes = [\"wellbeing\"]\nstart = 2024-01-01\nend = 2024-12-31\nprogramme = \"@SUM(1)\"\n\
         summary = \"+1+1\"\n[project.funding]\neu = 1000\n",
    );
    std::fs::write(&projects, text).unwrap();
    let o = run(dir.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = read(&dir.path().join("output/data/projects.csv"));
    let row = csv
        .lines()
        .find(|l| l.starts_with("formula,"))
        .expect("the project's row");
    assert!(
        row.contains(",\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"open\"\")\",")
            && row.contains(",'@SUM(1),")
            && row.contains(",'+1+1,"),
        "{row}"
    );
    // read back with a CSV reader: no cell starts a formula
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !(cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || cell.starts_with('-') && cell.parse::<f64>().is_err()),
                "{cell}"
            );
        }
    }
}

#[test]
fn data_and_text_are_escaped() {
    let (_dir, out) = built(&[]);
    for (path, bytes) in tree(&out) {
        if path.ends_with(".html") || path.ends_with(".xml") {
            let text = String::from_utf8(bytes).unwrap();
            assert!(
                !text.contains("<script>alert"),
                "{path} has an unescaped script"
            );
            assert!(!text.contains("<test bed>"), "{path} has unescaped data");
            assert!(
                !text.contains("<Cities>"),
                "{path} has an unescaped site title"
            );
        }
    }
    let article = read(&out.join("news/hello-world/index.html"));
    assert!(
        article.contains("<h1>Hello &lt;script&gt;alert(1)&lt;&#x2F;script&gt; &amp; world</h1>")
            || article.contains("<h1>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; world</h1>"),
        "{article}"
    );
    assert!(article.contains("A summary with &lt;b&gt;tags&lt;/b&gt; &amp; ampersands."));
    let project = read(&out.join("projects/port-5g/index.html"));
    assert!(project.contains("Port 5G &lt;test bed&gt;"));
    let city = read(&out.join("cities/tampere/index.html"));
    assert!(city.contains("Smart industry &amp; &lt;energy&gt;"));
    let feed = read(&out.join("feed.xml"));
    assert!(
        feed.contains("<title>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; world</title>")
    );
}

#[test]
fn drafts_appear_nowhere_unless_asked() {
    let (_dir, out) = built(&[]);
    assert!(!out.join("news/secret-plan").exists());
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("secret-plan") && !text.contains("Secret draft plan"),
            "draft leaked into {path}"
        );
    }
    let (_dir, out) = built(&["--drafts"]);
    assert!(out.join("news/secret-plan/index.html").is_file());
    assert!(read(&out.join("news/index.html")).contains("Secret draft plan"));
    assert!(read(&out.join("feed.xml")).contains("Secret draft plan"));
}

#[test]
fn output_is_byte_identical_across_builds() {
    let dir = site(None);
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    for out in [&a, &b] {
        let o = run(dir.path(), &["build", "--output", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between builds");
    }
    // no absolute temp paths leak into output
    let root = dir.path().to_string_lossy().into_owned();
    for (k, v) in &ta {
        assert!(
            !String::from_utf8_lossy(v).contains(&root),
            "{k} contains the build path"
        );
    }
}

#[test]
fn successful_build_replaces_output_and_keeps_gitkeep() {
    let dir = site(None);
    let out = dir.path().join("output");
    std::fs::create_dir_all(out.join("stale")).unwrap();
    std::fs::write(out.join("stale/old.html"), "old").unwrap();
    std::fs::write(out.join(".gitkeep"), "").unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("stale").exists(), "stale files survive a build");
    assert!(out.join(".gitkeep").exists());
    assert!(out.join("index.html").exists());
}

#[test]
fn refuses_dangerous_output_folders() {
    let dir = site(None);
    let root = dir.path();
    std::fs::create_dir_all(root.join("themes")).unwrap();
    let parent = root.parent().unwrap().to_str().unwrap().to_string();
    for target in [
        ".",
        "content",
        "themes",
        "content/out",
        "..",
        parent.as_str(),
        "content/data/x",
    ] {
        let o = run(root, &["build", "--output", target]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{target}: {err}");
        assert!(err.contains("refusing to write"), "{target}: {err}");
    }
    assert!(
        root.join("content/site.toml").is_file(),
        "content was touched"
    );
    std::fs::write(root.join("afile"), "x").unwrap();
    let o = run(root, &["build", "--output", "afile"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn an_output_folder_holding_other_files_is_never_emptied_without_force() {
    let dir = site(None);
    let root = dir.path();
    let other = tempfile::tempdir().unwrap();
    let papers = other.path().join("papers");
    std::fs::create_dir_all(&papers).unwrap();
    std::fs::write(papers.join("thesis.tex"), "years of work").unwrap();
    let target = papers.to_str().unwrap();

    let o = run(root, &["build", "--output", target]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("holds files but no innopress output")
            && stderr(&o).contains("--force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(&papers.join("thesis.tex")), "years of work");

    // an `output` that is a link to another folder is refused too, that folder untouched
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&papers, root.join("output")).unwrap();
        let o = run(root, &["build"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("is a link to"), "{}", stderr(&o));
        assert_eq!(read(&papers.join("thesis.tex")), "years of work");
        std::fs::remove_file(root.join("output")).unwrap();
    }

    // a new folder, then the same folder again (an earlier output), build without --force
    let fresh = other.path().join("site");
    for _ in 0..2 {
        let o = run(root, &["build", "--output", fresh.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // --force replaces the folder as asked
    let o = run(root, &["build", "--output", target, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(papers.join("index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_linked_static_folder_is_not_published() {
    let dir = site(None);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("id_rsa"), "PRIVATE KEY").unwrap();
    let static_dir = dir.path().join("content/static");
    let _ = std::fs::remove_dir_all(&static_dir);
    std::os::unix::fs::symlink(home.path(), &static_dir).unwrap();
    // the about page's picture is in the folder that is no longer published
    let about = dir.path().join("content/pages/about.md");
    std::fs::write(&about, read(&about).replace(" ![Logo](/img/logo.svg)", "")).unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "content/static:1:1: warning: symbolic link skipped: nothing in it is published"
        ),
        "{}",
        stderr(&o)
    );
    assert!(
        !tree(&dir.path().join("output"))
            .keys()
            .any(|k| k.contains("id_rsa"))
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_skipped_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let dir = site(None);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    std::fs::write(dir.path().join("content/articles").join(name), "+++\n").unwrap();
    let static_dir = dir.path().join("content/static");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(
        static_dir.join(std::ffi::OsStr::from_bytes(b"logo\xff.svg")),
        "<svg/>",
    )
    .unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "content/articles/caf\u{fffd}.md:1:1: warning: ignored: the file name is not valid UTF-8"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "content/static/logo\u{fffd}.svg:1:1: warning: skipped: the name is not valid UTF-8"
        ),
        "{err}"
    );
}

#[test]
fn links_are_relative_and_feeds_absolute_under_a_path_prefix() {
    let (_dir, out) = built(&[]);
    let home = read(&out.join("index.html"));
    assert!(home.contains("href=\"./news/\""));
    let article = read(&out.join("news/hello-world/index.html"));
    // a site-root link in Markdown follows the page's relative root
    assert!(
        article.contains("href=\"../../projects/port-5g/\""),
        "{article}"
    );
    assert!(article.contains(
        "<link rel=\"canonical\" href=\"https://example.org/innocities/news/hello-world/\">"
    ));
    let not_found = read(&out.join("404.html"));
    assert!(
        not_found.contains("href=\"/innocities/news/\""),
        "404 needs prefix-absolute links"
    );
    let feed = read(&out.join("feed.xml"));
    assert!(feed.contains("href=\"https://example.org/innocities/news/hello-world/\""));
    // links inside feed content are absolute too
    assert!(feed.contains("https://example.org/innocities/projects/port-5g/"));
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://example.org/innocities/cities/oulu/</loc>"));
    assert!(
        read(&out.join("robots.txt"))
            .contains("Sitemap: https://example.org/innocities/sitemap.xml")
    );
}

#[test]
fn markdown_extensions_render() {
    let (_dir, out) = built(&[]);
    let article = read(&out.join("news/hello-world/index.html"));
    assert!(article.contains("<h2 id=\"first-section\">"));
    assert!(article.contains("<h2 id=\"first-section-1\">"));
    assert!(article.contains("<del>struck</del>"));
    assert!(article.contains("<table>"));
    assert!(article.contains("footnote-definition"));
}

#[test]
fn pages_show_their_data() {
    let (_dir, out) = built(&[]);
    let dash = read(&out.join("projects/index.html"));
    for id in ["port-5g", "care-lab", "coordination"] {
        assert!(
            dash.contains(&format!("href=\"../projects/{id}/\"")),
            "{id} not on dashboard"
        );
    }
    assert!(dash.contains("Network-wide"));
    assert!(dash.contains("1,250,000.50"));
    let tampere = read(&out.join("cities/tampere/index.html"));
    assert!(tampere.contains("Port 5G"), "owned project listed");
    let oulu = read(&out.join("cities/oulu/index.html"));
    assert!(oulu.contains("Projects with Oulu as a partner"));
    assert!(
        oulu.contains("Port 5G &lt;test bed&gt;"),
        "partner project listed on partner city"
    );
    let issue = read(&out.join("newsletter/1/index.html"));
    assert!(issue.contains("Second news"), "teased articles listed");
    let theme = read(&out.join("themes/wellbeing/index.html"));
    assert!(theme.contains("Care lab") && theme.contains("Network coordination"));
}

#[test]
fn status_follows_as_of_and_its_override() {
    let (_dir, out) = built(&[]);
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/summary.json"))).unwrap();
    // port-5g ends on as_of (ongoing), care-lab starts the day after (planned)
    assert_eq!(
        json["projects"],
        serde_json::json!({"total": 3, "planned": 1, "ongoing": 1, "closed": 1})
    );
    assert_eq!(json["ongoing_funding"], serde_json::json!(0.3));
    let (_dir, out) = built(&["--as-of", "2026-01-01"]);
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/summary.json"))).unwrap();
    assert_eq!(json["projects"]["ongoing"], 1);
    assert_eq!(json["projects"]["closed"], 2);
}

#[test]
fn theme_files_override_the_embedded_theme() {
    let dir = site(None);
    let t = dir.path().join("themes/default");
    std::fs::create_dir_all(t.join("templates")).unwrap();
    std::fs::create_dir_all(t.join("static")).unwrap();
    std::fs::write(
        t.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Custom missing page</h1>{% endblock content %}",
    )
    .unwrap();
    std::fs::write(t.join("static/style.css"), "body { color: black; }").unwrap();
    std::fs::write(t.join("static/extra.js"), "// extra").unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    assert!(read(&out.join("404.html")).contains("Custom missing page"));
    assert_eq!(
        read(&out.join("assets/style.css")),
        "body { color: black; }"
    );
    assert!(out.join("assets/extra.js").is_file());
    // templates not overridden still come from the embedded theme
    assert!(read(&out.join("news/index.html")).contains("<h1>News</h1>"));
}

#[test]
fn warnings_do_not_fail_the_build() {
    let dir = site(None);
    std::fs::write(dir.path().join("content/articles/notes.txt"), "stray").unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/articles/notes.txt:1:1: warning: ignored"),
        "{}",
        stderr(&o)
    );
    // a build skipped because nothing changed still says the warning stands
    let o = run(dir.path(), &["build"]);
    assert!(stderr(&o).contains("nothing changed"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("that build had 1 warning; `innopress check` lists it"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn snapshots_of_machine_read_files() {
    let (_dir, out) = built(&[]);
    insta::assert_snapshot!("feed.xml", read(&out.join("feed.xml")));
    insta::assert_snapshot!("sitemap.xml", read(&out.join("sitemap.xml")));
    insta::assert_snapshot!("summary.json", read(&out.join("data/summary.json")));
    insta::assert_snapshot!(
        "project.html",
        read(&out.join("projects/port-5g/index.html"))
    );
}

#[test]
fn a_build_with_nothing_changed_does_nothing_and_any_change_rebuilds() {
    let dir = site(None);
    assert!(run(dir.path(), &["build"]).status.success());
    let o = run(dir.path(), &["build"]);
    assert!(
        stderr(&o).contains("nothing changed since the last build"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    // an edit, a deleted output file and other options all build again
    let article = dir.path().join("content/articles/second-news.md");
    std::fs::write(
        &article,
        read(&article).replace("Older news.", "Older news, edited."),
    )
    .unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(stderr(&o).contains("built "), "{}", stderr(&o));
    assert!(read(&dir.path().join("output/news/index.html")).contains("Older news, edited."));
    std::fs::remove_file(dir.path().join("output/news/index.html")).unwrap();
    assert!(stderr(&run(dir.path(), &["build"])).contains("built "));
    assert!(dir.path().join("output/news/index.html").is_file());
    // the record written after a rebuild over an old output (with a kept .gitkeep) matches it
    std::fs::write(dir.path().join("output/.gitkeep"), "").unwrap();
    assert!(stderr(&run(dir.path(), &["build"])).contains("built "));
    let o = run(dir.path(), &["build"]);
    assert!(stderr(&o).contains("nothing changed"), "{}", stderr(&o));
    // a file added to the output is not what the build wrote: build again
    std::fs::write(dir.path().join("output/news/stray.html"), "x").unwrap();
    assert!(stderr(&run(dir.path(), &["build"])).contains("built "));
    assert!(!dir.path().join("output/news/stray.html").exists());
    assert!(dir.path().join("output/.gitkeep").is_file());
    assert!(stderr(&run(dir.path(), &["build", "--drafts"])).contains("built "));
    assert!(
        !dir.path().join("output/.innopress").exists(),
        "the cache record stays out of the output"
    );
    // a static file that replaces a generated one is recorded once, so the shortcut holds
    std::fs::create_dir_all(dir.path().join("content/static")).unwrap();
    std::fs::write(
        dir.path().join("content/static/robots.txt"),
        "User-agent: *\n",
    )
    .unwrap();
    assert!(stderr(&run(dir.path(), &["build"])).contains("built "));
    let o = run(dir.path(), &["build"]);
    assert!(stderr(&o).contains("nothing changed"), "{}", stderr(&o));
    // a theme folder linked in from elsewhere is watched through the link
    #[cfg(unix)]
    {
        let shared = tempfile::tempdir().unwrap();
        let templates = shared.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap();
        let footer = "{% extends \"base.html\" %}";
        std::fs::write(templates.join("page.html"), footer).unwrap();
        std::fs::create_dir_all(dir.path().join("themes")).unwrap();
        std::os::unix::fs::symlink(shared.path(), dir.path().join("themes/default")).unwrap();
        assert!(stderr(&run(dir.path(), &["build"])).contains("built "));
        let o = run(dir.path(), &["build"]);
        assert!(stderr(&o).contains("nothing changed"), "{}", stderr(&o));
        std::fs::write(templates.join("page.html"), format!("{footer}\n")).unwrap();
        let o = run(dir.path(), &["build"]);
        assert!(stderr(&o).contains("built "), "{}", stderr(&o));
    }
}

#[test]
fn parallel_output_equals_the_single_threaded_output() {
    let dir = site(None);
    let one = dir.path().join("one-thread");
    let many = dir.path().join("many-threads");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["build", "--output", one.to_str().unwrap()])
        .current_dir(dir.path())
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["build", "--output", many.to_str().unwrap()])
        .current_dir(dir.path())
        .env("RAYON_NUM_THREADS", "8")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        tree(&one) == tree(&many),
        "output depends on the number of threads"
    );
}

#[test]
fn a_dashboard_of_20000_projects_has_bounded_pages_and_a_compact_index() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("big");
    let o = run(
        tmp.path(),
        &[
            "synth",
            site.to_str().unwrap(),
            "--articles",
            "5",
            "--projects",
            "20000",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&site, &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.join("output");
    let mut pages = vec![out.join("projects/index.html")];
    pages.extend((2..=40).map(|n| out.join(format!("projects/page/{n}/index.html"))));
    assert!(!out.join("projects/page/41").exists());
    for p in &pages {
        let html = read(p);
        assert!(
            html.len() < 512 * 1024,
            "{} is {} bytes",
            p.display(),
            html.len()
        );
        assert_eq!(
            html.matches("<tr data-status").count(),
            500,
            "{}",
            p.display()
        );
        assert!(html.contains("aria-label=\"Pages of the project list\""));
        assert!(
            html.contains("data-index=\""),
            "the filter searches the index"
        );
    }
    assert!(
        read(&pages[1])
            .contains("<a href=\"../../../projects/page/2/\" aria-current=\"page\">2</a>")
    );
    let index: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/projects-index.json"))).unwrap();
    assert_eq!(index["rows"].as_array().unwrap().len(), 20000);
    assert!(
        std::fs::metadata(out.join("data/projects-index.json"))
            .unwrap()
            .len()
            < 6 * 1024 * 1024
    );
    // a small site keeps one page, without page links; its filters, totals and download
    // read the same index
    let (_dir, small) = built(&[]);
    let page = read(&small.join("projects/index.html"));
    assert!(!page.contains("class=\"pagination\""));
    assert!(page.contains("data-index=\"../data/projects-index.json\""));
}

#[test]
fn a_long_news_list_has_pages_of_fifty_with_a_short_pager() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("news");
    let args = ["synth", site.to_str().unwrap(), "--articles", "260"];
    let o = run(tmp.path(), &[&args[..], &["--projects", "5"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&site, &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = site.join("output");
    let page = |n: usize| match n {
        1 => read(&out.join("news/index.html")),
        n => read(&out.join(format!("news/page/{n}/index.html"))),
    };
    let listed = |html: &str| html.matches("<h2><a href=").count();
    assert_eq!(listed(&page(1)), 50);
    assert_eq!(listed(&page(6)), 10);
    assert!(!out.join("news/page/7").exists());
    assert!(!out.join("news/page/1").exists());
    let first = page(1);
    assert!(first.contains("<h1>News</h1>"));
    assert!(first.contains("Articles 1–50 of 260, newest first."));
    assert!(!first.contains("rel=\"prev\""));
    assert!(first.contains("<a href=\"../news/page/2/\" rel=\"next\">Older</a>"));
    // the first and last pages and two either side of this one, the rest left out
    let pager = |html: &str| -> Vec<String> {
        let nav = html
            .split("aria-label=\"Pages of the news\"")
            .nth(1)
            .unwrap();
        let nav = nav.split("</nav>").next().unwrap();
        nav.split("<li>")
            .skip(1)
            .map(|li| {
                let li = li.split("</li>").next().unwrap();
                let text = li.rsplit_once("\">").map_or(li, |(_, t)| t);
                text.trim_end_matches("</a>")
                    .trim_end_matches("</span>")
                    .to_string()
            })
            .collect()
    };
    assert_eq!(pager(&first), ["1", "2", "3", "…", "6", "Older"]);
    let fourth = page(4);
    assert!(fourth.contains("<title>News, page 4"));
    assert!(fourth.contains("<a href=\"../../../news/page/4/\" aria-current=\"page\">4</a>"));
    assert_eq!(
        pager(&fourth),
        ["Newer", "1", "2", "3", "4", "5", "6", "Older"]
    );
    assert!(page(2).contains("<a href=\"../../../news/\" rel=\"prev\">Newer</a>"));
    // every article is on exactly one page, in the order of the list
    let all: String = (1..=6).map(page).collect();
    assert_eq!(listed(&all), 260);
    assert!(!read(&out.join("sitemap.xml")).contains("news/page/"));
    // a theme with more articles than its page shows has a news list of its own
    let theme = read(&out.join("themes/wellbeing/index.html"));
    let shown = theme.split("id=\"news-heading\"").nth(1).unwrap();
    assert_eq!(shown.matches("<h3><a href=").count(), 20);
    assert!(
        theme.contains("<a href=\"../../themes/wellbeing/news/\">All news about wellbeing</a>")
    );
    let list = read(&out.join("themes/wellbeing/news/index.html"));
    assert!(list.contains("<h1>News about wellbeing</h1>"));
    assert!(list.contains("<a href=\"../../../themes/wellbeing/\">Back to wellbeing</a>"));
    let topic_pages =
        std::fs::read_dir(out.join("themes/wellbeing/news/page")).map_or(0, |d| d.count()) + 1;
    let listed_in_theme: usize = (1..=topic_pages)
        .map(|n| match n {
            1 => list.clone(),
            n => read(&out.join(format!("themes/wellbeing/news/page/{n}/index.html"))),
        })
        .map(|html| listed(&html))
        .sum();
    let total: usize = theme
        .split("These are the newest 20 of ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(listed_in_theme, total);
    // a city with no more than its page shows has none
    let city = std::fs::read_dir(out.join("cities"))
        .unwrap()
        .flatten()
        .find(|e| e.path().join("index.html").is_file() && !e.path().join("news").exists());
    assert!(city.is_some());
}
