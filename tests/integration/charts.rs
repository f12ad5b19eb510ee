//! Charts: accessible names on every SVG, snapshots of two charts, and rendering in a real
//! headless Chromium.

use crate::common::*;
use std::path::Path;
use std::process::Command;

#[test]
fn every_chart_has_role_title_and_desc() {
    let (_dir, out) = built(&[]);
    let charts = tree(&out.join("charts"));
    assert!(charts.len() >= 10, "{:?}", charts.keys());
    for (file, bytes) in &charts {
        let svg = String::from_utf8(bytes.clone()).unwrap();
        let name = file.trim_end_matches(".svg");
        // a chart on a document's own date keeps the chart's ids: `NAME-2025-02-01.svg`
        let name = match name.len().checked_sub(11) {
            Some(at)
                if name[at..].starts_with('-')
                    && name[at + 1..]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b == b'-') =>
            {
                &name[..at]
            }
            _ => name,
        };
        assert!(
            svg.starts_with(&format!(
                "<svg class=\"chart-svg chart-wide\" role=\"img\" aria-labelledby=\"{name}-title {name}-desc\""
            )),
            "{file}"
        );
        assert!(
            svg.contains(&format!("<title id=\"{name}-title\">")),
            "{file}"
        );
        let desc = svg
            .split(&format!("<desc id=\"{name}-desc\">"))
            .nth(1)
            .expect("desc");
        assert!(
            desc.split("</desc>").next().unwrap().len() > 40,
            "{file}: desc states the data"
        );
        let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"];
        assert!(
            palette.iter().any(|c| svg.contains(c)),
            "{file}: Okabe–Ito colours"
        );
        assert!(svg.contains("<text"), "{file}: text labels");
    }
    let impact = read(&out.join("impact/index.html"));
    assert!(
        impact.contains("<details class=\"chart-data\">"),
        "charts come with their data table"
    );
}

#[test]
fn chart_snapshots() {
    let (_dir, out) = built(&[]);
    insta::assert_snapshot!(
        "funding-by-city.svg",
        read(&out.join("charts/funding-by-city.svg"))
    );
    insta::assert_snapshot!(
        "indicator-startups-tampere.svg",
        read(&out.join("charts/indicator-startups-tampere.svg"))
    );
}

/// Debian's Chromium, which scripts/test installs.
fn chromium() -> &'static str {
    for c in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(c).exists() {
            return c;
        }
    }
    panic!("Chromium is not installed: run scripts/test, which installs Debian's chromium");
}

fn headless(profile: &Path) -> Command {
    let mut c = Command::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

#[test]
fn charts_render_in_headless_chromium() {
    let (dir, out) = built(&[]);
    let profile = dir.path().join("chromium-profile");
    // every standalone SVG parses as XML (a broken one shows a parsererror page)
    for name in [
        "funding-by-city",
        "funding-by-source",
        "projects-per-year",
        "indicator-startups-tampere",
    ] {
        let url = format!(
            "file://{}",
            out.join(format!("charts/{name}.svg")).display()
        );
        let o = headless(&profile)
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            dom.contains("<svg") && !dom.contains("parsererror"),
            "{name}: {dom}"
        );
    }
    // the impact page with its inline charts, as a screenshot: the bars must be drawn
    let png = dir.path().join("impact.png");
    let url = format!("file://{}", out.join("impact/index.html").display());
    let o = headless(&profile)
        .args(["--window-size=1280,2400"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        o.status.success() && png.exists(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    // Okabe–Ito blue (#0072B2) is the colour of single-series bars
    let blue = bytes
        .chunks(channels)
        .filter(|p| p[0] < 16 && (0x68..0x7c).contains(&p[1]) && (0xa8..0xbc).contains(&p[2]))
        .count();
    assert!(
        blue > 2_000,
        "only {blue} chart-blue pixels: charts did not render"
    );
}
