//! Figures on each document's own date: status, counts and indicator values as of the
//! document's `date`, its `as_of`, or the site's, checked against values worked out by hand
//! from `tests/fixtures/minimal` (as_of 2025-04-10; port-5g runs 2024-01-01 – 2025-04-10,
//! care-lab 2025-04-11 – 2026-12-31, coordination 2022-06-01 – 2024-10-31; Tampere's
//! start-ups: 4 in 2023, 6 in 2024).

use crate::common::*;
use std::path::Path;

/// The page's main text, tags removed and spaces collapsed.
fn main_text(path: &Path) -> String {
    let html = read(path);
    let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_docs(content: &Path) {
    std::fs::write(
        content.join("articles/before-the-port.md"),
        "+++\ntitle = \"Before the port\"\ndate = 2023-12-01\n+++\n\
         Ongoing {{ figure(name=\"ongoing-count\") }}, planned {{ figure(name=\"planned-count\") }}, \
         closed {{ figure(name=\"closed-count\") }}, as of {{ figure(name=\"as-of\") }}.\n\n\
         {{ table(name=\"projects\", status=\"planned\") }}\n",
    )
    .unwrap();
    std::fs::write(
        content.join("reports/year-2023.md"),
        "+++\ntitle = \"The year 2023\"\ndate = 2024-03-01\nas_of = 2023-12-31\n+++\n\
         As of {{ figure(name=\"as-of\") }}.\n\n\
         {{ chart(name=\"indicator\", indicator=\"startups\", city=\"tampere\") }}\n",
    )
    .unwrap();
    std::fs::write(
        content.join("pages/live.md"),
        "+++\ntitle = \"Live\"\ndate = 2023-01-01\nas_of = \"site\"\n+++\n\
         Ongoing {{ figure(name=\"ongoing-count\") }}, planned {{ figure(name=\"planned-count\") }}, \
         as of {{ figure(name=\"as-of\") }}.\n",
    )
    .unwrap();
}

#[test]
fn each_document_is_computed_on_its_own_date() {
    let dir = site(None);
    let content = dir.path().join("content");
    write_docs(&content);
    let o = run(dir.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");

    // 1 December 2023: the coordination runs, port-5g has not started
    let before = main_text(&out.join("news/before-the-port/index.html"));
    assert!(
        before.contains("Ongoing 1, planned 2, closed 0, as of 1 December 2023."),
        "{before}"
    );
    assert!(
        before.contains(
            "Port 5G &lt;test bed&gt; Tampere Digitalisation ERDF 2024-01-01 – 2025-04-10 Planned"
        ),
        "{before}"
    );
    let page = read(&out.join("news/before-the-port/index.html"));
    assert!(
        page.contains("Figures as of 1 December 2023."),
        "the footer"
    );

    // as of 31 December 2023, Tampere's start-ups end with 2023
    let report = main_text(&out.join("reports/year-2023/index.html"));
    assert!(report.contains("As of 31 December 2023."), "{report}");
    let table = &report[report.find("Data table").unwrap()..];
    assert!(table.contains("2023 4"), "{table}");
    assert!(!table.contains("2024"), "a later year's value: {table}");
    assert!(
        out.join("charts/indicator-startups-tampere-2023-12-31.svg")
            .is_file()
    );
    // the site's own chart still has 2024
    assert!(read(&out.join("charts/indicator-startups-tampere.svg")).contains("2024"));

    // as_of = "site" follows site.toml: on 10 April 2025 port-5g ends that day
    let live = main_text(&out.join("pages/live/index.html"));
    assert!(
        live.contains("Ongoing 1, planned 1, as of 10 April 2025."),
        "{live}"
    );
    let cfg = content.join("site.toml");
    std::fs::write(
        &cfg,
        read(&cfg).replace("as_of = 2025-04-10", "as_of = 2024-06-01"),
    )
    .unwrap();
    let o = run(dir.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let live = main_text(&out.join("pages/live/index.html"));
    assert!(
        live.contains("Ongoing 2, planned 1, as of 1 June 2024."),
        "{live}"
    );
    // … while the dated article keeps its own date
    let before = main_text(&out.join("news/before-the-port/index.html"));
    assert!(
        before.contains("Ongoing 1, planned 2, closed 0"),
        "{before}"
    );
}

#[test]
fn a_wrong_as_of_is_a_located_error() {
    let dir = site(None);
    let content = dir.path().join("content");
    std::fs::write(
        content.join("articles/bad-date.md"),
        "+++\ntitle = \"Bad\"\ndate = 2024-01-01\nas_of = \"today\"\n+++\nText.\n",
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/articles/bad-date.md:4:")
            && stderr(&o).contains("as_of is a date like 2024-12-31 (unquoted) or \"site\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_sent_issue_stays_as_sent_and_drift_is_reported() {
    use crate::newsletter::{Smtp, send, sending_site};
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let root = site.path();
    let content = root.join("content");
    let figures = "\nOngoing {{ figure(name=\"ongoing-count\") }} worth {{ figure(name=\"ongoing-funding\") }}.\n\n\
        {{ chart(name=\"indicator\", indicator=\"startups\", city=\"tampere\") }}\n\n\
        {{ table(name=\"projects\", city=\"tampere\") }}\n";
    let issue = content.join("newsletters/issue-1.md");
    std::fs::write(&issue, read(&issue) + figures).unwrap();
    std::fs::write(
        content.join("newsletters/issue-2.md"),
        format!("+++\ntitle = \"Issue two\"\ndate = 2025-04-09\nnumber = 2\n+++\n{figures}"),
    )
    .unwrap();
    let csv = root.join("subscribers.csv");
    std::fs::write(&csv, "email,name,status\na@example.org,A,subscribed\n").unwrap();

    let o = send(root, &["--list", csv.to_str().unwrap()], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("recorded the issue's figures in"),
        "{}",
        stderr(&o)
    );
    let record = read(&content.join("newsletters/issue-1.sent.toml"));
    assert!(record.starts_with("# Written by innopress"), "{record}");
    assert!(record.contains("as_of = 2025-04-09"), "{record}");
    assert!(record.contains("html_sha256 = "), "{record}");

    let o = run(root, &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sent = tree(&root.join("output/newsletter/1"));
    let page = String::from_utf8(sent["index.html"].clone()).unwrap();
    assert!(page.contains("Sent on"), "the archive says it was sent");
    assert!(page.contains("figures as of"), "and on which date");
    let issue2_before = read(&root.join("output/newsletter/2/index.html"));

    // the data changes: a new ongoing project in Tampere, a corrected observation
    let projects = content.join("data/projects/main.toml");
    std::fs::write(
        &projects,
        read(&projects)
            + "\n[[project]]\nid = \"new-lab\"\ntitle = \"New lab\"\ncity = \"tampere\"\n\
               themes = [\"digitalisation\"]\nstart = 2025-01-01\nend = 2026-06-30\n\
               programme = \"ERDF\"\nsummary = \"A new lab.\"\n[project.funding]\neu = 500000\n",
    )
    .unwrap();
    let obs = content.join("data/observations/startups.toml");
    std::fs::write(&obs, read(&obs).replace("value = 6", "value = 9")).unwrap();

    let o = run(root, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        tree(&root.join("output/newsletter/1")),
        sent,
        "the sent issue's archive page and email files are byte-identical"
    );
    let err = stderr(&o);
    assert!(
        err.contains("content/newsletters/issue-1.md:1:1: warning: sent on ")
            && err.contains(
                " with total-funding EUR 1.6 million; the data now gives EUR 2.1 million"
            ),
        "{err}"
    );
    // the unsent issue shows today's figures
    let issue2 = read(&root.join("output/newsletter/2/index.html"));
    assert_ne!(issue2, issue2_before);
    assert!(issue2.contains("Ongoing 2 worth"), "{issue2}");
    assert!(issue2.contains("New lab"));
    // check reports the drift too
    let o = run(root, &["check"]);
    assert!(stderr(&o).contains("content/newsletters/issue-1.md:1:1: warning: sent on "));

    // an edit of the sent issue's text is shown, and reported as differing from what was sent
    std::fs::write(&issue, read(&issue) + "\nA line added later.\n").unwrap();
    let o = run(root, &["build"]);
    assert!(
        stderr(&o).contains(
            "the HTML and text parts of this issue's email now differ from what was sent"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn only_a_campaign_writes_the_record() {
    use crate::newsletter::{Smtp, send, sending_site};
    let work = tempfile::tempdir().unwrap();
    let smtp = Smtp::start(work.path(), &[]);
    let site = sending_site(&smtp, work.path());
    let root = site.path();
    let csv = root.join("subscribers.csv");
    std::fs::write(&csv, "email,name,status\na@example.org,A,subscribed\n").unwrap();
    let list = csv.to_str().unwrap();
    for args in [
        &["--to", "me@example.org"][..],
        &["--list", list, "--dry-run"],
    ] {
        let o = send(root, args, "secret");
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            !root.join("content/newsletters/issue-1.sent.toml").exists(),
            "{args:?}"
        );
    }
    // a resumed campaign keeps the first record
    let o = send(root, &["--list", list], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    let record = root.join("content/newsletters/issue-1.sent.toml");
    let first = read(&record);
    let o = send(root, &["--list", list], "secret");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("recorded the issue's figures"));
    assert_eq!(read(&record), first);
}

#[test]
fn freeze_keeps_a_report_refuses_twice_and_locates_a_broken_record() {
    let dir = site(None);
    let root = dir.path();
    let report = root.join("content/reports/annual-2024.md");
    std::fs::write(
        &report,
        read(&report)
            + "\n{{ chart(name=\"indicator\", indicator=\"startups\", city=\"tampere\") }}\n",
    )
    .unwrap();
    let o = run(root, &["freeze", "content/reports/annual-2024.md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let record_path = root.join("content/reports/annual-2024.frozen.toml");
    let record = read(&record_path);
    assert!(record.contains("published = "), "{record}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&record_path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(
            mode, 0o644,
            "a record is content, readable like the document"
        );
    }
    assert!(
        record.contains("[[figure]]\nname = \"total-funding\""),
        "{record}"
    );

    let o = run(root, &["freeze", "content/reports/annual-2024.md"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("was frozen on"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = run(
        root,
        &["freeze", "content/reports/annual-2024.md", "--force"],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    // only a chart's data changes: the page stays, and the warning names the chart
    let o = run(root, &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(&root.join("output/reports/annual-2024/index.html"));
    let obs = root.join("content/data/observations/startups.toml");
    std::fs::write(&obs, read(&obs).replace("value = 6", "value = 9")).unwrap();
    let o = run(root, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("content/reports/annual-2024.md:1:1: warning: published on ")
            && stderr(&o).contains(
                "; the data behind its chart \u{201c}New start-ups in Tampere\u{201d} has changed since"
            ),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        read(&root.join("output/reports/annual-2024/index.html")),
        page
    );
    for (path, says) in [
        ("content/newsletters/issue-1.md", "is a newsletter issue"),
        (
            "content/reports/no-such.md",
            "is not an article, report or page",
        ),
    ] {
        let o = run(root, &["freeze", path]);
        assert_eq!(o.status.code(), Some(1), "{path}");
        assert!(stderr(&o).contains(says), "{path}: {}", stderr(&o));
    }

    // a hand-edited record is an error at its line, in check and build; no panic
    std::fs::write(
        &record_path,
        read(&record_path).replacen("as_of = ", "as_of = \"soon\"\nbroken = ", 1),
    )
    .unwrap();
    for cmd in [&["check"][..], &["build"]] {
        let o = run(root, cmd);
        assert_eq!(o.status.code(), Some(1), "{cmd:?}");
        assert!(
            stderr(&o).contains("content/reports/annual-2024.frozen.toml:"),
            "{cmd:?}: {}",
            stderr(&o)
        );
    }
}

/// A frozen report keeps its indicator figures; when the data changes, the warning names the
/// indicator, the city and the year, also for a figure the data no longer gives at all.
#[test]
fn frozen_indicator_figures_stay_and_their_drift_is_named() {
    let dir = site(None);
    let root = dir.path();
    let report = root.join("content/reports/annual-2024.md");
    std::fs::write(
        &report,
        read(&report)
            + "\nOulu: [{{ figure(name=\"indicator\", indicator=\"startups\", city=\"oulu\", year=2024) }}]\n",
    )
    .unwrap();
    let o = run(root, &["freeze", "content/reports/annual-2024.md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let record = read(&root.join("content/reports/annual-2024.frozen.toml"));
    assert!(
        record.contains(
            "[[figure]]\nname = \"indicator\"\nindicator = \"startups\"\ncity = \"oulu\"\nyear = 2024\nvalue = \"3\"\n"
        ),
        "{record}"
    );
    // Oulu's 2024 start-ups leave the data: the page keeps 3, the warning says what changed
    let obs = root.join("content/data/observations/startups.toml");
    let text = read(&obs);
    let oulu = text.find("city = \"oulu\"").unwrap();
    let start = text[..oulu].rfind("[[observation]]").unwrap();
    std::fs::write(
        &obs,
        format!(
            "{}{}",
            &text[..start],
            &text[oulu..].replacen(
                "city = \"oulu\"\nindicator = \"startups\"\nyear = 2024\nvalue = 3\n",
                "",
                1
            )
        ),
    )
    .unwrap();
    let o = run(root, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("with indicator startups of oulu for 2024 at 3; the data now gives no value"),
        "{}",
        stderr(&o)
    );
    let page = read(&root.join("output/reports/annual-2024/index.html"));
    assert!(page.contains("Oulu: [3]"), "{page}");
}
