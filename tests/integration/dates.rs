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
