//! Arbitrary bytes into the front-matter splitter and the loaders: errors, never panics.

use crate::common::*;
use innopress::content::{frontmatter, model, tables};
use innopress::diagnostics::{Diagnostics, SourceFile};
use proptest::prelude::*;
use std::sync::Arc;

fn src(text: String) -> SourceFile {
    SourceFile {
        path: "content/x.toml".into(),
        text: Arc::from(text),
    }
}

/// Text that looks like content more often than pure noise does.
fn contentish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "+++\n",
        "[[project]]\n",
        "[[city]]\n",
        "id = \"a\"\n",
        "title = \"x\"\n",
        "start = 2024-01-01\n",
        "end = 2023-01-01\n",
        "[project.funding]\n",
        "eu = 0.125\n",
        "eu = -1\n",
        "themes = [\"a\"]\n",
        "= =\n",
        "\"",
        "\n",
        "ä",
        "\u{feff}",
        "\r\n",
        "date = 2025-02-30\n",
        "x = [\n",
        "{",
        "'''",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn exercise(text: String) {
    let _ = frontmatter::split(&text);
    let s = src(text);
    let mut d = Diagnostics::default();
    let _: tables::Loaded<model::Project> = tables::load_array(&s, "project", &mut d);
    let _: tables::Loaded<model::City> = tables::load_array(&s, "city", &mut d);
    let _: tables::Loaded<innopress::content::observation::ObservationRow> =
        tables::load_array(&s, "observation", &mut d);
    let _: Option<model::SiteConfig> = tables::load_one(&s, 0..s.text.len(), &mut d);
    if let Ok(split) = frontmatter::split(&s.text) {
        let _: Option<model::FrontMatter> = tables::load_one(&s, split.matter, &mut d);
    }
    let _ = d.render();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn loaders_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn loaders_never_panic_on_contentish_text(text in contentish()) {
        exercise(text);
    }

    #[test]
    fn split_ranges_are_inside_the_text(text in contentish()) {
        match frontmatter::split(&text) {
            Ok(s) => {
                prop_assert!(s.matter.end <= s.body.start && s.body.end == text.len());
                prop_assert!(text.is_char_boundary(s.matter.start) && text.is_char_boundary(s.body.start));
            }
            Err(e) => prop_assert!(e.span.end <= text.len()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whole-site loading from disk with arbitrary bytes in a data file and an article.
    #[test]
    fn site_load_never_panics(data in prop::collection::vec(any::<u8>(), 0..256), text in contentish()) {
        let dir = site(None);
        std::fs::write(dir.path().join("content/data/projects/main.toml"), &data).unwrap();
        std::fs::write(dir.path().join("content/articles/hello-world.md"), text.as_bytes()).unwrap();
        let o = run(dir.path(), &["check"]);
        prop_assert!(matches!(o.status.code(), Some(0) | Some(1)));
        prop_assert!(!stderr(&o).contains("panicked"));
    }
}
