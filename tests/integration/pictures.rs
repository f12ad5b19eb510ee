//! Pictures: a phone photo with its orientation and GPS position in EXIF is published
//! resized, upright and without any metadata, and encoded once; sharing tags and JSON-LD
//! on every page family.

use crate::common::*;
use std::path::Path;

/// A JPEG of `w` × `h` pixels whose EXIF block says: rotate 90° clockwise to view
/// (orientation 6), a description with a marker, and a GPS position (60°N).
fn phone_photo(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&img)
        .unwrap();
    // TIFF, little-endian: IFD0 at 8 with three entries, then the GPS IFD, then the data
    let mut t: Vec<u8> = b"II*\0\x08\0\0\0".to_vec();
    let desc = b"SECRET-PLACE-MARKER\0";
    let ifd0_len = 2 + 3 * 12 + 4;
    let gps_at = 8 + ifd0_len;
    let gps_len = 2 + 2 * 12 + 4;
    let desc_at = gps_at + gps_len;
    let lat_at = desc_at + desc.len();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x010e, 2, desc.len() as u32, desc_at as u32); // ImageDescription
    entry(&mut t, 0x0112, 3, 1, 6); // Orientation: rotate 90° CW
    entry(&mut t, 0x8825, 4, 1, gps_at as u32); // GPS IFD
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")); // GPSLatitudeRef
    entry(&mut t, 0x0002, 5, 3, lat_at as u32); // GPSLatitude
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(desc);
    for (num, den) in [(60u32, 1u32), (10, 1), (0, 1)] {
        t.extend_from_slice(&num.to_le_bytes());
        t.extend_from_slice(&den.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&t);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn add_photo_article(site: &Path) {
    let images = site.join("content/static/images");
    std::fs::create_dir_all(&images).unwrap();
    std::fs::write(images.join("phone.jpg"), phone_photo(4000, 3000)).unwrap();
    std::fs::write(
        site.join("content/articles/photo-story.md"),
        "+++\ntitle = \"A photo story\"\ndate = 2025-03-01\nsummary = \"Told in one picture.\"\nimage = \"/images/phone.jpg\"\nimage_alt = \"A colour gradient, upright\"\nimage_caption = \"The test picture.\"\nimage_credit = \"Photo: the test\"\n+++\nThe same picture in the text:\n\n![The gradient again](/images/phone.jpg)\n",
    )
    .unwrap();
}

#[test]
fn a_phone_photo_is_published_resized_upright_without_metadata_and_encoded_once() {
    let dir = site(None);
    add_photo_article(dir.path());
    let original = std::fs::read(dir.path().join("content/static/images/phone.jpg")).unwrap();
    assert!(contains(&original, b"SECRET-PLACE-MARKER") && contains(&original, b"Exif"));

    let o = run(dir.path(), &["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains(" encoded, 0 from the cache"), "{err}");

    let out = dir.path().join("output");
    let files = tree(&out);
    let mut variants: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("images/phone"))
        .collect();
    variants.sort();
    assert_eq!(
        variants,
        [
            "images/phone-1600w.jpg",
            "images/phone-1600w.webp",
            "images/phone-480w.jpg",
            "images/phone-480w.webp",
            "images/phone-960w.jpg",
            "images/phone-960w.webp",
            "images/phone.jpg",
        ]
    );
    // turned upright: the 4000 × 3000 picture stored sideways is 3000 × 4000 as seen
    for (name, w, h) in [
        ("phone-480w.jpg", 480, 640),
        ("phone-960w.webp", 960, 1280),
        ("phone-1600w.jpg", 1600, 2133),
        ("phone.jpg", 1600, 2133),
    ] {
        let img = image::load_from_memory(&files[&format!("images/{name}")]).unwrap();
        assert_eq!((img.width(), img.height()), (w, h), "{name}");
    }
    // nothing of the EXIF block in any file of the output
    for (path, bytes) in &files {
        for marker in [&b"SECRET-PLACE-MARKER"[..], b"Exif\0\0", b"II*\0"] {
            assert!(!contains(bytes, marker), "{path} contains {marker:?}");
        }
    }
    let page = String::from_utf8(files["news/photo-story/index.html"].clone()).unwrap();
    assert!(page.contains("<picture><source type=\"image/webp\" srcset=\"../../images/phone-480w.webp 480w, ../../images/phone-960w.webp 960w, ../../images/phone-1600w.webp 1600w\""), "{page}");
    assert!(page.contains("width=\"1600\" height=\"2133\" alt=\"A colour gradient, upright\" fetchpriority=\"high\""), "{page}");
    assert!(
        page.contains("alt=\"The gradient again\" loading=\"lazy\""),
        "{page}"
    );
    assert!(page.contains("<figcaption>The test picture. <span class=\"credit\">Photo: the test</span></figcaption>"), "{page}");
    assert!(page.contains("<meta property=\"og:image\" content=\"https://example.org/innocities/images/phone-1600w.jpg\">"), "{page}");
    assert!(
        page.contains("<meta property=\"og:image:height\" content=\"2133\">"),
        "{page}"
    );

    // a change elsewhere rebuilds the site but encodes nothing again
    let second = dir.path().join("content/articles/second-news.md");
    let text = read(&second);
    std::fs::write(&second, format!("{text}\nOne more line.\n")).unwrap();
    let o = run(dir.path(), &["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("pictures: 0 encoded, "), "{err}");
    assert_eq!(
        tree(&out)
            .into_iter()
            .filter(|(k, _)| k.starts_with("images/"))
            .collect::<Vec<_>>(),
        files
            .into_iter()
            .filter(|(k, _)| k.starts_with("images/"))
            .collect::<Vec<_>>(),
        "the cached variants are the same bytes"
    );
}

#[test]
fn a_broken_picture_is_an_error_at_its_path_not_a_crash() {
    let dir = site(None);
    let images = dir.path().join("content/static/images");
    std::fs::create_dir_all(&images).unwrap();
    let mut photo = phone_photo(64, 48);
    photo.truncate(300);
    std::fs::write(images.join("cut.jpg"), &photo).unwrap();
    std::fs::write(images.join("text.png"), "not a picture").unwrap();
    let o = run(dir.path(), &["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("content/static/images/text.png:1:1: error:"),
        "{err}"
    );
    assert!(
        err.contains("content/static/images/cut.jpg"),
        "a cut JPEG is refused when read or encoded: {err}"
    );
}

/// Every page family carries Open Graph and Twitter tags and JSON-LD that parses, with the
/// schema.org type its content has.
#[test]
fn every_page_family_shares_with_its_own_tags_and_structured_data() {
    let (_dir, out) = built(&[]);
    let families = [
        ("index.html", "Organization"),
        ("news/index.html", "WebPage"),
        ("news/hello-world/index.html", "NewsArticle"),
        ("projects/index.html", "Dataset"),
        ("cities/tampere/index.html", "WebPage"),
        ("themes/index.html", "WebPage"),
        ("impact/index.html", "WebPage"),
    ];
    let mut descriptions = std::collections::BTreeSet::new();
    for (page, kind) in families {
        let html = read(&out.join(page));
        for tag in [
            "og:title",
            "og:description",
            "og:image",
            "og:image:width",
            "og:image:height",
            "og:url",
            "og:type",
            "og:site_name",
        ] {
            assert!(
                html.contains(&format!("<meta property=\"{tag}\" content=\"")),
                "{page}: {tag}"
            );
        }
        assert!(
            html.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"),
            "{page}"
        );
        let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
        let end = start + html[start..].find("</script>").unwrap();
        let ld: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        let types: Vec<&str> = ld["@graph"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v["@type"].as_str())
            .collect();
        assert!(types.contains(&"BreadcrumbList"), "{page}: {types:?}");
        assert!(types.contains(&kind), "{page}: {types:?}");
        let d = html
            .split("<meta name=\"description\" content=\"")
            .nth(1)
            .unwrap();
        descriptions.insert(d[..d.find('"').unwrap()].to_string());
    }
    assert_eq!(descriptions.len(), families.len(), "{descriptions:#?}");
    // the cards the tags name exist
    assert!(out.join("social/home.png").is_file());
    assert!(out.join("social/cities-tampere.png").is_file());
}
