//! Every relative link and resource in the built pages resolves to a file of the output,
//! in the sample site and in the fixture with a `base_url` path prefix.

use crate::common::*;
use std::path::Path;

fn check_links(out: &Path) -> usize {
    let files = tree(out);
    let mut checked = 0;
    let mut broken = Vec::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") || path == "404.html" || path.ends_with("/email.html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let url = piece.split('"').next().unwrap_or("");
                if url.is_empty()
                    || url.starts_with('#')
                    || url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with("mailto:")
                    || url.starts_with("//")
                {
                    continue;
                }
                assert!(
                    !url.starts_with('/'),
                    "{path}: root-absolute link {url} breaks under a path prefix"
                );
                let url = url.split(['#', '?']).next().unwrap();
                let dir = Path::new(path).parent().unwrap().to_path_buf();
                let mut parts: Vec<String> = dir
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                for seg in url.split('/') {
                    match seg {
                        "" | "." => {}
                        ".." => {
                            assert!(parts.pop().is_some(), "{path}: {url} leaves the site");
                        }
                        s => parts.push(s.to_string()),
                    }
                }
                let mut target = parts.join("/");
                if url.ends_with('/') || url == "." || url == "./" {
                    target = if target.is_empty() {
                        "index.html".into()
                    } else {
                        format!("{target}/index.html")
                    };
                }
                checked += 1;
                if !files.contains_key(&target) {
                    broken.push(format!("{path}: {url} -> {target}"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    checked
}

#[test]
fn internal_links_resolve_in_the_fixture() {
    let (_dir, out) = built(&[]);
    assert!(check_links(&out) > 100);
}

#[test]
fn internal_links_resolve_in_the_sample_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run(&repo(), &["build", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(check_links(&out) > 1000);
}

/// A broken internal link is an error in every command that writes output, not only in
/// `check`: `build` and `newsletter build` exit 1, write nothing, and the hint names the
/// nearest page by title as well as by address.
#[test]
fn a_broken_link_fails_build_and_newsletter_build_with_the_nearest_page_by_title() {
    let dir = site(None);
    let root = dir.path();
    assert!(run(root, &["build"]).status.success());
    let before = tree(&root.join("output"));
    let issue = root.join("content/newsletters/issue-1.md");
    let text = read(&issue) + "\nRead about [the care lab](/news/care-lab/).\n";
    std::fs::write(&issue, text).unwrap();
    for args in [&["build"][..], &["newsletter", "build", "1"]] {
        let o = run(root, args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("content/newsletters/issue-1.md:")
                && err.contains("error: broken link `/news/care-lab/`: there is no page or file `/news/care-lab/` in the site"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("hint: by title, the nearest page is “Care lab” at `/projects/care-lab/`"),
            "{args:?}: {err}"
        );
        assert_eq!(tree(&root.join("output")), before, "{args:?}: output kept");
    }
}
