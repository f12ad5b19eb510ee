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

/// A PNG of `w` × `h` pixels with a text chunk and an EXIF chunk, both carrying `marker`.
fn png_with_metadata(w: u32, h: u32, marker: &str) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.add_text_chunk("Comment".into(), format!("{marker}-TEXT"))
            .unwrap();
        let mut writer = e.write_header().unwrap();
        let mut exif = b"II*\0".to_vec();
        exif.extend_from_slice(format!("{marker}-EXIF").as_bytes());
        writer
            .write_chunk(png::chunk::ChunkType(*b"eXIf"), &exif)
            .unwrap();
        let data: Vec<u8> = (0..w * h * 3).map(|i| (i * 7 % 251) as u8).collect();
        writer.write_image_data(&data).unwrap();
    }
    out
}

/// An animated GIF of two frames with a comment and an XMP packet carrying `marker`.
fn gif_with_metadata(marker: &str) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = gif::Encoder::new(&mut out, 4, 2, &[0, 0, 0, 255, 255, 255]).unwrap();
        e.set_repeat(gif::Repeat::Infinite).unwrap();
        let comment = format!("{marker}-COMMENT");
        e.write_raw_extension(gif::Extension::Comment.into(), &[comment.as_bytes()])
            .unwrap();
        let xmp = format!("<x:xmpmeta>{marker}-XMP</x:xmpmeta>");
        e.write_raw_extension(
            gif::Extension::Application.into(),
            &[&b"XMP DataXMP"[..], xmp.as_bytes()],
        )
        .unwrap();
        for pixels in [[0u8, 1, 0, 1, 1, 0, 1, 0], [1, 1, 1, 1, 0, 0, 0, 0]] {
            e.write_frame(&gif::Frame::from_indexed_pixels(
                4,
                2,
                pixels.to_vec(),
                None,
            ))
            .unwrap();
        }
    }
    out
}

#[test]
fn every_picture_format_is_re_encoded_or_refused_and_no_metadata_is_published() {
    let dir = site(None);
    let images = dir.path().join("content/static/images");
    std::fs::create_dir_all(&images).unwrap();
    // JPEG under every name a phone or browser gives it, in any case
    for name in ["a.jfif", "b.JPE", "c.Jpeg", "d.pjpeg", "e.JPG"] {
        std::fs::write(images.join(name), phone_photo(640, 480)).unwrap();
    }
    std::fs::write(
        images.join("f.png"),
        png_with_metadata(64, 48, "SECRET-PNG"),
    )
    .unwrap();
    std::fs::write(images.join("g.gif"), gif_with_metadata("SECRET-GIF")).unwrap();
    let o = run(dir.path(), &["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    let files = tree(&dir.path().join("output"));
    for (path, bytes) in &files {
        for marker in [
            &b"SECRET-PLACE-MARKER"[..],
            b"Exif\0\0",
            b"II*\0",
            b"SECRET-PNG",
            b"SECRET-GIF",
            b"tEXt",
            b"eXIf",
        ] {
            assert!(!contains(bytes, marker), "{path} contains {marker:?}");
        }
    }
    // each original path is a picture again, upright and without its metadata
    for name in ["a.jfif", "b.JPE", "c.Jpeg", "d.pjpeg", "e.JPG"] {
        let img = image::load_from_memory(&files[&format!("images/{name}")]).unwrap();
        assert_eq!((img.width(), img.height()), (480, 640), "{name}");
    }
    assert!(files.contains_key("images/a-480w.webp"));
    let png = image::load_from_memory(&files["images/f.png"]).unwrap();
    assert_eq!((png.width(), png.height()), (64, 48));
    // the GIF keeps its two frames, its loop and its pixels
    let frames = |bytes: &[u8]| {
        let mut o = gif::DecodeOptions::new();
        o.set_color_output(gif::ColorOutput::Indexed);
        let mut d = o.read_info(bytes).unwrap();
        let mut all = Vec::new();
        while let Some(f) = d.read_next_frame().unwrap() {
            all.push(f.buffer.to_vec());
        }
        (all, d.repeat())
    };
    assert_eq!(
        frames(&files["images/g.gif"]),
        frames(&gif_with_metadata("SECRET-GIF"))
    );

    // formats innopress cannot rewrite are refused at their path, and nothing is published
    let before = files;
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(b"SECRET-TIFF-GPS");
    std::fs::write(images.join("scan.TIF"), &tiff).unwrap();
    std::fs::write(images.join("iphone.heic"), b"....ftypheic SECRET-HEIC").unwrap();
    let o = run(dir.path(), &["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/static/images/scan.TIF:1:1: error: this is a TIFF picture: innopress does not read it, and copying it as it is would publish its metadata"),
        "{err}"
    );
    assert!(
        err.contains("content/static/images/iphone.heic:1:1: error: this is a HEIC picture"),
        "{err}"
    );
    assert!(err.contains("save it as JPEG (photos) or PNG"), "{err}");
    assert_eq!(tree(&dir.path().join("output")), before);
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1), "check refuses them too");
}

/// A PNG of `w` × `h` pixels of `depth` bits, all zeros, written row by row: a file of a
/// few kilobytes that would take gigabytes to decode.
fn huge_png(path: &Path, w: u32, h: u32, color: png::ColorType, depth: png::BitDepth) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut e = png::Encoder::new(file, w, h);
    e.set_color(color);
    e.set_depth(depth);
    e.set_compression(png::Compression::Best);
    let mut writer = e.write_header().unwrap().into_stream_writer().unwrap();
    let samples = match color {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        _ => 1,
    };
    let bytes = if depth == png::BitDepth::Sixteen {
        2
    } else {
        1
    };
    let row = vec![0u8; (w * samples * bytes) as usize];
    for _ in 0..h {
        std::io::Write::write_all(&mut writer, &row).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn pictures_too_large_to_decode_are_refused_from_their_header_within_a_memory_limit() {
    let dir = site(None);
    let images = dir.path().join("content/static/images");
    std::fs::create_dir_all(&images).unwrap();
    // two at once: 16,000 × 16,000 at 16 bits (2 GB decoded each) and a 16-bit picture
    // under the pixel limit but over the bytes one
    huge_png(
        &images.join("huge.png"),
        16_000,
        16_000,
        png::ColorType::Rgba,
        png::BitDepth::Sixteen,
    );
    huge_png(
        &images.join("deep.png"),
        6_000,
        6_000,
        png::ColorType::Rgba,
        png::BitDepth::Sixteen,
    );
    let small = std::fs::metadata(images.join("huge.png")).unwrap().len();
    assert!(small < 8 << 20, "the file is {small} bytes");
    // under a 2 GiB address-space limit the build must end with its own error, not an abort
    let o = std::process::Command::new("prlimit")
        .arg(format!("--as={}", 2u64 << 30))
        .arg(env!("CARGO_BIN_EXE_innopress"))
        .arg("build")
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
    assert!(
        err.contains("content/static/images/huge.png:1:1: error: this picture is 16000 × 16000 pixels (256.0 megapixels), more than the 64.0 megapixels innopress decodes"),
        "{err}"
    );
    assert!(
        err.contains("content/static/images/deep.png:1:1: error: this picture takes 274 MiB once decoded (6000 × 6000 pixels of 8 bytes), more than the 256 MiB innopress decodes"),
        "{err}"
    );
    assert!(err.contains("resize it to at most 4,000 pixels"), "{err}");
    assert!(!dir.path().join("output/images").exists());
}

#[test]
fn files_with_the_same_bytes_or_the_same_name_each_keep_their_own_variants() {
    let dir = site(None);
    let images = dir.path().join("content/static/images");
    std::fs::create_dir_all(&images).unwrap();
    let photo = phone_photo(800, 600);
    // the same bytes twice, and again in a folder of its own
    std::fs::write(images.join("twin-a.jpg"), &photo).unwrap();
    std::fs::write(images.join("twin-b.jpg"), &photo).unwrap();
    std::fs::create_dir_all(images.join("copy")).unwrap();
    std::fs::write(images.join("copy/twin-a.jpg"), &photo).unwrap();
    // two pictures with one name
    std::fs::write(images.join("photo.jpg"), &photo).unwrap();
    std::fs::write(images.join("photo.png"), png_with_metadata(700, 500, "X")).unwrap();
    for round in 0..3 {
        // a fresh build each time: no cache to hide a race
        let _ = std::fs::remove_dir_all(dir.path().join(".innopress"));
        let o = run(dir.path(), &["build"]);
        let err = stderr(&o);
        assert!(o.status.success(), "round {round}: {err}");
        // the twins and photo.jpg share their bytes: encoded once (beside photo.png and
        // the fixture's logo)
        assert!(
            err.contains("pictures: 3 encoded, 3 from the cache"),
            "{err}"
        );
    }
    let files = tree(&dir.path().join("output"));
    for twin in ["images/twin-a", "images/twin-b", "images/copy/twin-a"] {
        assert_eq!(
            files[&format!("{twin}-480w.webp")],
            files["images/twin-a-480w.webp"]
        );
        assert!(files.contains_key(&format!("{twin}.jpg")), "{twin}");
    }
    let size = |name: &str| {
        let img = image::load_from_memory(&files[name]).unwrap();
        (img.width(), img.height())
    };
    // photo.jpg is turned upright (600 × 800), photo.png is not: neither took the other's
    assert_eq!(size("images/photo-jpg-480w.webp"), (480, 640));
    assert_eq!(size("images/photo-png-480w.webp"), (480, 343));
    assert_eq!(size("images/photo.jpg"), (600, 800));
    assert_eq!(size("images/photo.png"), (700, 500));
    assert!(!files.contains_key("images/photo-480w.webp"));

    // a file named like another picture's variant is an error, not overwritten
    std::fs::write(images.join("twin-a-480w.jpg"), &photo).unwrap();
    let o = run(dir.path(), &["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("innopress would write images/twin-a-480w.jpg for this file and for content/static/images/twin-a-480w.jpg"), "{err}");
}
