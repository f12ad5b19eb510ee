//! Every class of bad input: exit code 1, each expected `file:line:column: error: message`
//! reported (all of them in one run), no panic, and the previous output left unchanged.

use crate::common::*;

fn cases() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_invalid_case_reports_its_errors_and_keeps_output() {
    let cases = cases();
    assert!(cases.len() >= 14, "fixture cases missing: {cases:?}");
    for case in cases {
        let dir = site(Some(&case));
        // a previous good output that must survive the failed build
        let out = dir.path().join("output");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("index.html"), "previous build").unwrap();
        let before = tree(&out);

        let expected = read(&fixtures().join("invalid").join(&case).join("expected.txt"));
        let expected: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
        assert!(!expected.is_empty(), "{case}: expected.txt is empty");

        for cmd in ["check", "build"] {
            let o = run(dir.path(), &[cmd]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{case} {cmd}: exit code\n{err}");
            assert!(!err.contains("panicked"), "{case} {cmd}: panic\n{err}");
            let reported: Vec<&str> = err.lines().filter(|l| l.starts_with("content/")).collect();
            for want in &expected {
                assert!(
                    reported.contains(want),
                    "{case} {cmd}: missing\n  {want}\nin\n{err}"
                );
            }
            assert_eq!(
                reported.len(),
                expected.len(),
                "{case} {cmd}: unexpected extra diagnostics\n{err}"
            );
            // each diagnostic quotes the line and gives a hint
            assert!(err.contains(" | "), "{case}: no source line quoted\n{err}");
            assert!(err.contains("= hint: "), "{case}: no hint\n{err}");
        }
        assert_eq!(tree(&out), before, "{case}: previous output changed");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("staging"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{case}: staging left behind: {leftovers:?}"
        );
    }
}

#[test]
fn check_reports_errors_in_several_files_at_once() {
    let dir = site(Some("many-errors"));
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    let files: std::collections::BTreeSet<&str> = err
        .lines()
        .filter(|l| l.starts_with("content/"))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert!(files.len() >= 4, "{err}");
    assert!(err.contains("5 errors"), "{err}");
}

#[test]
fn missing_site_toml_and_missing_content_are_explained() {
    let dir = site(None);
    std::fs::remove_file(dir.path().join("content/site.toml")).unwrap();
    let o = run(dir.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("content/site.toml:1:1: error: missing `content/site.toml`"),
        "{}",
        stderr(&o)
    );

    let empty = tempfile::tempdir().unwrap();
    let o = run(empty.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no `content/` folder here"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn bad_file_names_and_non_utf8_files_are_errors() {
    let dir = site(None);
    std::fs::write(
        dir.path().join("content/articles/My Post.md"),
        "+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/pages/latin1.md"),
        b"+++\ntitle = \"J\xe4rvi\"\n+++\n",
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "content/articles/My Post.md:1:1: error: file name `My Post.md` is not a valid slug"
        ),
        "{err}"
    );
    assert!(err.contains("`my-post.md`"), "{err}");
    assert!(
        err.contains("content/pages/latin1.md:2:11: error: the file is not valid UTF-8 text"),
        "{err}"
    );
}

#[test]
fn template_errors_in_theme_overrides_name_the_file() {
    let dir = site(None);
    let t = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&t).unwrap();
    std::fs::write(
        t.join("news.html"),
        "{% extends \"base.html\" %}\n{% block content %}{{ oops( }}{% endblock content %}",
    )
    .unwrap();
    let o = run(dir.path(), &["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("themes/default/templates/news.html:2:"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = site(None);
    assert_eq!(
        run(dir.path(), &["build", "--as-of", "2025-13-01"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(dir.path(), &["frobnicate"]).status.code(), Some(2));
}

/// The sample site (18 cities, every article, project and observation naming them) with one
/// unclosed quote in `cities.toml`: one error, not one per reference; with the table's
/// header broken too, so that an id cannot be read, still one error and a single note.
#[test]
fn an_unclosed_quote_in_cities_is_one_error_not_forty() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    let path = dir.path().join("content/data/cities.toml");
    let cities = read(&path);
    std::fs::write(
        &path,
        cities.replacen("name = \"Kokkola\"", "name = \"Kokkola", 1),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("content/")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("content/data/cities.toml:")
            && lines[0].contains(": error: TOML syntax: invalid basic string"),
        "{err}"
    );
    assert!(err.ends_with("1 error\n"), "{err}");

    // a broken header: the ids are still read from their lines, so still one error alone
    let at = cities.find("id = \"kokkola\"").unwrap();
    let header = cities[..at].rfind("[[city]]").unwrap();
    let mut broken = cities.clone();
    broken.replace_range(header..header + "[[city]]".len(), "[[city]");
    std::fs::write(&path, broken).unwrap();
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("content/")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains(": error: TOML syntax: unclosed array table"),
        "{err}"
    );

    // the id itself unreadable (a multi-line quote): references to it are not checked,
    // and one note says so
    std::fs::write(
        &path,
        cities.replacen("id = \"kokkola\"", "id = \"\"\"kokkola\"", 1),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("content/")).collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains(": error: TOML syntax: invalid multi-line basic string"),
        "{err}"
    );
    assert!(
        lines[1].contains(": note: ")
            && lines[1].contains("references to city ids not found in what could be read of content/data/cities.toml were not checked"),
        "{err}"
    );
    assert!(err.ends_with("1 error\n"), "{err}");
}

/// Seven independent mistakes in four files, as a data expert makes them: one `check`
/// lists all seven, at their places, where it took four runs when a table stopped at its
/// first fault.
#[test]
fn seven_mistakes_in_four_files_in_one_run() {
    let dir = site(Some("seven-mistakes"));
    let o = run(dir.path(), &["check"]);
    let err = stderr(&o);
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 7, "{err}");
    let files: std::collections::BTreeSet<&str> = errors
        .iter()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(files.len(), 4, "{files:?}");
    // the same project's negative amount and missing programme, the same project's quoted
    // date and unknown field: each reported
    for want in [
        "content/data/projects/main.toml:15:1: error: missing field `programme`",
        "content/data/projects/main.toml:24:6: error: money cannot be negative",
        "content/data/projects/main.toml:31:9: error: invalid type: string \"2022-06-01\", expected a TOML datetime",
        "content/data/projects/main.toml:34:1: error: unknown field `budjet`",
    ] {
        assert!(errors.iter().any(|e| e.starts_with(want)), "{want}\n{err}");
    }
    assert!(err.ends_with("7 errors\n"), "{err}");
}
