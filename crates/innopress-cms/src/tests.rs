//! What the editor saves, and what it may touch: normalising and the local backend's store.

use super::normalise::normalise;
use super::schema::{self, Shape};
use super::store::{Refusal, Store};
use serde_json::json;

const PROJECTS: &str = "# Projects of the regional funds.\n\n[[project]]\nid = \"a\"\ntitle = \"A\" # short\nthemes = [\"t\"]\nstart = 2023-03-01\nend = 2026-02-28\nprogramme = \"ERDF\"\ninternational = false\n\n[project.funding]\neu = 2520000\ncity = 1260000\n\n[[project]]\nid = \"b\"\ntitle = \"B\"\nthemes = [\"t\"]\nstart = 2023-03-01\nend = 2026-02-28\nprogramme = \"ERDF\"\n";

fn rows() -> Shape {
    Shape::Rows("project", &schema::PROJECT)
}

#[test]
fn a_changed_amount_changes_its_line_and_nothing_else() {
    // what Decap writes: its own layout, dates as strings, whole euros as floats
    let raw = "[[project]]\nid = \"a\"\ntitle = \"A\"\nthemes = [\"t\"]\nstart = \"2023-03-01T00:00:00.000Z\"\nend = \"2026-02-28\"\nprogramme = \"ERDF\"\ninternational = false\nfunding = { eu = 2600000.5, city = 1260000.0 }\n\n[[project]]\nid = \"b\"\ntitle = \"B\"\nthemes = [\"t\"]\nstart = \"2023-03-01\"\nend = \"2026-02-28\"\nprogramme = \"ERDF\"\nurl = \"\"\npartners = []\n";
    let out = normalise(rows(), raw, Some(PROJECTS)).unwrap();
    assert_eq!(out, PROJECTS.replace("eu = 2520000", "eu = 2600000.5"));
}

#[test]
fn rows_are_added_and_removed() {
    let raw = "[[project]]\nid = \"a\"\ntitle = \"A\"\nthemes = [\"t\"]\nstart = 2023-03-01\nend = 2026-02-28\nprogramme = \"ERDF\"\ninternational = false\n[project.funding]\neu = 2520000\ncity = 1260000\n[[project]]\nid = \"c\"\ntitle = \"C\"\nthemes = [\"t\"]\nstart = \"2024-01-01\"\nend = \"2024-12-31\"\nprogramme = \"ESF+\"\nfunding = { eu = 10.25 }\n";
    let out = normalise(rows(), raw, Some(PROJECTS)).unwrap();
    assert!(
        out.starts_with("# Projects of the regional funds."),
        "{out}"
    );
    assert!(out.contains("title = \"A\" # short"), "{out}");
    assert!(!out.contains("id = \"b\""), "{out}");
    let t: toml::Table = out.parse().unwrap();
    let c = &t["project"].as_array().unwrap()[1];
    assert_eq!(c["start"].as_datetime().unwrap().to_string(), "2024-01-01");
    assert_eq!(c["funding"]["eu"].as_float(), Some(10.25));
}

#[test]
fn whatever_is_typed_stays_text_and_the_file_stays_toml() {
    let hostile = "Word’s “quotes” \"\"\"\n[evil]\nx = 1 # \\u0000 \u{7} \t tab";
    let raw = format!(
        "+++\ntitle = {}\ndate = \"2025-03-20\"\nsummary = \"\"\ncities = []\ndraft = false\n+++\nBody with +++ in it\n\n+++\n",
        toml::Value::String(hostile.into())
    );
    let out = normalise(Shape::Document(&schema::DOCUMENT), &raw, None).unwrap();
    let (front, body) = super::normalise::split(&out).unwrap();
    let t: toml::Table = front.parse().unwrap();
    assert_eq!(t["title"].as_str(), Some(hostile));
    assert_eq!(t["date"].as_datetime().unwrap().to_string(), "2025-03-20");
    // emptied optional fields and default switches are left out of a new file
    assert_eq!(t.keys().collect::<Vec<_>>(), ["date", "title"]);
    assert_eq!(body, "Body with +++ in it\n\n+++\n");
    assert!(out.starts_with("+++\ntitle = "), "{out}");
}

#[test]
fn an_edit_keeps_the_front_matter_comments() {
    let old =
        "+++\n# the issue's own line\ntitle = \"Old\"\ndate = 2025-01-15\nnumber = 1\n+++\nText\n";
    let raw =
        "+++\ntitle = \"New\"\ndate = 2025-01-15T00:00:00.000Z\nnumber = 1.0\n+++\nText, edited\n";
    let out = normalise(Shape::Document(&schema::ISSUE), raw, Some(old)).unwrap();
    assert_eq!(
        out,
        "+++\n# the issue's own line\ntitle = \"New\"\ndate = 2025-01-15\nnumber = 1\n+++\nText, edited\n"
    );
}

#[test]
fn what_is_not_toml_is_refused() {
    for raw in [
        "title = \"no front matter\"\n",
        "+++\ntitle = \n+++\n",
        "+++\ntitle = \"x\"\n",
    ] {
        assert!(
            normalise(Shape::Document(&schema::DOCUMENT), raw, None).is_err(),
            "{raw}"
        );
    }
    assert!(normalise(rows(), "project = 3\n", None).is_err());
}

fn site() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
    std::fs::create_dir_all(dir.path().join("content/static/images")).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
    std::fs::write(
        dir.path().join("content/articles/a.md"),
        "+++\ntitle = \"A\"\ndate = 2025-01-01\n+++\nA\n",
    )
    .unwrap();
    let store = Store::new(dir.path());
    (dir, store)
}

fn ask(
    store: &Store,
    action: &str,
    params: serde_json::Value,
) -> Result<serde_json::Value, Refusal> {
    let body = json!({ "action": action, "params": params }).to_string();
    store.handle(body.as_bytes()).map(|d| d.answer)
}

fn persist(store: &Store, path: &str, raw: &str) -> Result<serde_json::Value, Refusal> {
    ask(
        store,
        "persistEntry",
        json!({ "dataFiles": [{ "path": path, "raw": raw }], "assets": [], "options": {} }),
    )
}

#[test]
fn no_path_leads_out_of_content() {
    let (dir, store) = site();
    let raw = "+++\ntitle = \"x\"\ndate = 2025-01-01\n+++\nx\n";
    for path in [
        "content/../secret.txt",
        "content/articles/../../secret.md",
        "/etc/passwd",
        "../secret.md",
        "content\\articles\\b.md",
        "C:/Windows/x.md",
        "content/articles/NUL.md",
        "content/articles/.b.md",
        "content/articles/b.md\0.txt",
        "themes/default/templates/base.html",
        "content/static/evil.html",
        "output/index.html",
        "",
    ] {
        let refused = persist(&store, path, raw);
        assert!(
            matches!(refused, Err(Refusal::Forbidden(_))),
            "{path:?}: {refused:?}"
        );
        assert!(
            ask(&store, "getEntry", json!({ "path": path })).is_err(),
            "{path:?}"
        );
        assert!(
            ask(&store, "deleteFile", json!({ "path": path })).is_err(),
            "{path:?}"
        );
    }
    // a picture goes only into the picture folder, and only as a picture
    for path in [
        "content/static/images/x.svg",
        "content/static/x.jpg",
        "content/articles/x.jpg",
    ] {
        let r = ask(
            &store,
            "persistMedia",
            json!({ "asset": { "path": path, "content": "AAAA", "encoding": "base64" } }),
        );
        assert!(matches!(r, Err(Refusal::Forbidden(_))), "{path}: {r:?}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path(), dir.path().join("content/articles/out")).unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("content/articles/l.md"),
        )
        .unwrap();
        assert!(matches!(
            persist(&store, "content/articles/out/x.md", raw),
            Err(Refusal::Forbidden(_))
        ));
        assert!(matches!(
            persist(&store, "content/articles/l.md", raw),
            Err(Refusal::Forbidden(_))
        ));
        let listed = ask(
            &store,
            "entriesByFolder",
            json!({ "folder": "content/articles", "extension": "md", "depth": 3 }),
        )
        .unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("secret.txt")).unwrap(),
        "no"
    );
    assert!(!dir.path().join("content/articles/b.md").exists());
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let (dir, store) = site();
    let path = dir.path().join("content/articles/a.md");
    let raw = "+++\ntitle = \"From the editor\"\ndate = 2025-01-01\n+++\nA\n";
    // never opened in the editor: it exists, so a new entry may not take its name
    assert!(matches!(
        persist(&store, "content/articles/a.md", raw),
        Err(Refusal::Conflict(_))
    ));
    ask(
        &store,
        "getEntry",
        json!({ "path": "content/articles/a.md" }),
    )
    .unwrap();
    std::fs::write(
        &path,
        "+++\ntitle = \"From a text editor\"\ndate = 2025-01-01\n+++\nA\n",
    )
    .unwrap();
    assert!(matches!(
        persist(&store, "content/articles/a.md", raw),
        Err(Refusal::Conflict(_))
    ));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("From a text editor")
    );
    // read again, the same save goes through, and a second save after it too
    ask(
        &store,
        "getEntry",
        json!({ "path": "content/articles/a.md" }),
    )
    .unwrap();
    persist(&store, "content/articles/a.md", raw).unwrap();
    persist(
        &store,
        "content/articles/a.md",
        &raw.replace("editor", "editor, again"),
    )
    .unwrap();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("From the editor, again")
    );
}

#[test]
fn pictures_are_saved_and_listed() {
    let (dir, store) = site();
    let jpeg = [0xffu8, 0xd8, 0xff, 0xe0];
    let content = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, jpeg);
    let saved = ask(&store, "persistMedia", json!({ "asset": { "path": "content/static/images/p.jpg", "content": content, "encoding": "base64" } })).unwrap();
    assert_eq!(saved["name"], "p.jpg");
    assert_eq!(
        std::fs::read(dir.path().join("content/static/images/p.jpg")).unwrap(),
        jpeg
    );
    let listed = ask(
        &store,
        "getMedia",
        json!({ "mediaFolder": "content/static/images" }),
    )
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let huge = "A".repeat(super::store::MAX_PICTURE / 3 * 4 + 8);
    let r = ask(
        &store,
        "persistMedia",
        json!({ "asset": { "path": "content/static/images/q.jpg", "content": huge, "encoding": "base64" } }),
    );
    assert!(matches!(r, Err(Refusal::Unprocessable(_))));
    assert!(!dir.path().join("content/static/images/q.jpg").exists());
}

#[test]
fn the_configuration_is_the_same_each_time() {
    let root = &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let settings = super::config::Settings::read(root);
    let a = super::config::to_yaml(&super::config::decap(
        root,
        &settings,
        super::config::Mode::Local,
    ));
    let b = super::config::to_yaml(&super::config::decap(
        root,
        &settings,
        super::config::Mode::Local,
    ));
    assert_eq!(a, b);
    assert!(a.contains("name: \"projects-erdf\""), "{a}");
    assert!(a.starts_with("backend:\n"), "{a}");
}

/// The schema against the loader's own structs.
mod fields {
    use super::super::schema::*;
    use innopress_content::content::model::*;
    use innopress_content::content::observation::ObservationRow;
    use serde::de::DeserializeOwned;

    /// The fields the loader's own struct accepts, as serde lists them when it meets a field
    /// it does not know: the struct itself is the list, nothing kept by hand.
    fn loader_fields<T: DeserializeOwned>() -> Vec<String> {
        let e = toml::from_str::<T>("innopress_probe = 1")
            .err()
            .map(|e| e.message().to_string())
            .unwrap_or_default();
        let expected = e.split_once("expected").map_or("", |(_, rest)| rest);
        let mut names: Vec<String> = expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }

    fn ours(fields: &[Field]) -> Vec<String> {
        let mut names: Vec<String> = fields
            .iter()
            .filter(|f| !matches!(f.kind, Kind::Body))
            .map(|f| f.name.to_string())
            .collect();
        names.sort();
        names
    }

    /// Every field the loader reads is in the editor, and the editor writes none it does not
    /// read (aliases are other spellings of the same field).
    #[test]
    fn the_editor_knows_every_field_the_loader_reads() {
        let aliases = ["brand_color"];
        let cases: Vec<(&str, Vec<String>, Vec<String>)> = vec![
            ("site.toml", loader_fields::<SiteConfig>(), ours(&SITE)),
            ("[policy]", loader_fields::<Policy>(), ours(&POLICY)),
            (
                "[newsletter]",
                loader_fields::<NewsletterConfig>(),
                ours(&NEWSLETTER),
            ),
            ("[smtp]", loader_fields::<SmtpConfig>(), ours(&SMTP)),
            ("[inbox]", loader_fields::<InboxConfig>(), ours(&INBOX)),
            ("[cms]", loader_fields::<CmsConfig>(), ours(&CMS)),
            (
                "[collect]",
                loader_fields::<CollectConfig>(),
                ours(&COLLECT),
            ),
            ("[[city]]", loader_fields::<City>(), ours(&CITY)),
            ("[[theme]]", loader_fields::<Theme>(), ours(&THEME)),
            (
                "[[indicator]]",
                loader_fields::<Indicator>(),
                ours(&INDICATOR),
            ),
            ("[[project]]", loader_fields::<Project>(), ours(&PROJECT)),
            (
                "[project.funding]",
                loader_fields::<Funding>(),
                ours(&FUNDING),
            ),
            (
                "[[observation]]",
                loader_fields::<ObservationRow>(),
                ours(&OBSERVATION),
            ),
            (
                "front matter",
                loader_fields::<FrontMatter>(),
                ours(&DOCUMENT),
            ),
            (
                "newsletter issue",
                loader_fields::<IssueMatter>(),
                ours(&ISSUE),
            ),
        ];
        for (what, mut loader, ours) in cases {
            loader.retain(|f| !aliases.contains(&f.as_str()));
            assert!(
                !loader.is_empty(),
                "{what}: the loader's fields were not found"
            );
            assert_eq!(
                loader, ours,
                "{what}: the editor's fields differ from the loader's"
            );
        }
    }

    #[test]
    fn only_content_files_of_the_model_are_editable() {
        assert!(matches!(
            shape_of("content/articles/a.md"),
            Some(Shape::Document(_))
        ));
        assert!(
            matches!(shape_of("content/newsletters/n.md"), Some(Shape::Document(f)) if f.len() == ISSUE.len())
        );
        assert!(matches!(
            shape_of("content/data/projects/x.toml"),
            Some(Shape::Rows("project", _))
        ));
        assert!(matches!(
            shape_of("content/site.toml"),
            Some(Shape::Settings(_))
        ));
        for no in [
            "content/static/x.js",
            "content/articles/.hidden.md",
            "content/articles/deep/a.md",
            "content/data/finland.geojson",
            "themes/default/templates/base.html",
            "content/reports/r.frozen.toml",
            "output/index.html",
        ] {
            assert!(shape_of(no).is_none(), "{no}");
        }
    }
}
