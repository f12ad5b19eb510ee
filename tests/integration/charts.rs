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
    for (file, bytes) in charts.iter().filter(|(f, _)| f.ends_with(".svg")) {
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
fn every_chart_has_its_data_as_csv() {
    let (_dir, out) = built(&[]);
    let csv = read(&out.join("charts/funding-by-city.csv"));
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("City,Total funding (EUR),City share"),
        "{csv}"
    );
    // numbers as numbers, without thousands separators
    let first = lines.next().unwrap();
    assert!(
        first.split(',').nth(1).unwrap().parse::<f64>().is_ok(),
        "{first}"
    );
    let impact = read(&out.join("impact/index.html"));
    assert!(impact.contains("href=\"../charts/funding-by-city.csv\""));
}

/// The minimal site with a map: Finland's outline from the sample site and two located cities.
fn site_with_map() -> tempfile::TempDir {
    let dir = site(None);
    let content = dir.path().join("content");
    std::fs::copy(
        repo().join("content/data/finland.geojson"),
        content.join("data/finland.geojson"),
    )
    .unwrap();
    let site_toml = read(&content.join("site.toml")).replacen(
        "as_of = 2025-04-10\n",
        "as_of = 2025-04-10\nmap = \"data/finland.geojson\"\n",
        1,
    );
    std::fs::write(content.join("site.toml"), site_toml).unwrap();
    let cities = read(&content.join("data/cities.toml"))
        .replacen(
            "name = \"Tampere\"\n",
            "name = \"Tampere\"\nlat = 61.4978\nlon = 23.761\n",
            1,
        )
        .replacen(
            "name = \"Oulu\"\n",
            "name = \"Oulu\"\nlat = 65.0121\nlon = 25.4651\n",
            1,
        );
    std::fs::write(content.join("data/cities.toml"), cities).unwrap();
    dir
}

#[test]
fn the_map_links_each_located_city_and_turns_into_png_for_email() {
    let dir = site_with_map();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    let svg = read(&out.join("charts/map.svg"));
    assert!(svg.len() < 40_000, "{} bytes", svg.len());
    assert_eq!(svg.matches("<a href=\"../cities/").count(), 2, "{svg}");
    assert!(svg.contains("<title id=\"map-title\">") && svg.contains("<desc id=\"map-desc\">"));
    // the home page is at the root: its map links from there
    let home = read(&out.join("index.html"));
    assert!(
        home.contains("<a href=\"cities/tampere/\""),
        "home map links"
    );
    let cities_page = read(&out.join("cities/index.html"));
    assert!(cities_page.contains("<a href=\"../cities/oulu/\""));
    let png = innopress::charts::to_png(&svg, 2.0).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().unwrap();
    assert_eq!(reader.info().width, 720);
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

/// Another network's map: a Portuguese outline is drawn in a projection centred on it, north
/// up (it came out turned by about 30° in Finland's grid), with Porto straight above Lisbon.
#[test]
fn a_portuguese_network_gets_its_map_north_up() {
    let dir = site(None);
    let c = dir.path().join("content");
    std::fs::copy(
        repo().join("tests/fixtures/map/portugal.geojson"),
        c.join("data/portugal.geojson"),
    )
    .unwrap();
    let cities = read(&c.join("data/cities.toml"))
        .replacen(
            "id = \"tampere\"\n",
            "id = \"tampere\"\nlat = 41.15\nlon = -8.61\n",
            1,
        )
        .replacen(
            "id = \"oulu\"\n",
            "id = \"oulu\"\nlat = 38.72\nlon = -9.14\n",
            1,
        );
    std::fs::write(c.join("data/cities.toml"), cities).unwrap();
    let settings = read(&c.join("site.toml")).replacen(
        "as_of = 2025-04-10\n",
        "as_of = 2025-04-10\nmap = \"data/portugal.geojson\"\n",
        1,
    );
    std::fs::write(c.join("site.toml"), settings).unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning: "), "{}", stderr(&o));
    let svg = read(&dir.path().join("output/charts/map.svg"));
    let at = |id: &str| -> (f64, f64) {
        let i = svg.find(&format!("cities/{id}/")).expect(id);
        let circle = &svg[i..][svg[i..].find("<circle").unwrap()..];
        let num = |attr: &str| -> f64 {
            let from = circle.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
            circle[from..].split('"').next().unwrap().parse().unwrap()
        };
        (num("cx"), num("cy"))
    };
    let (porto, lisbon) = (at("tampere"), at("oulu"));
    // 270 km apart: Porto 243 km north and 46 km east of Lisbon; north up, the line between
    // them leans about 11° east of north (it leant some 40° in Finland's grid)
    let lean = (porto.0 - lisbon.0).atan2(lisbon.1 - porto.1).to_degrees();
    assert!(
        (5.0..17.0).contains(&lean),
        "Porto is {lean:.1}° east of north of Lisbon"
    );
}

/// A map of a figure: each city coloured by its value, on the impact page and where a text
/// asks for it with `map(indicator=…, year=…)`.
#[test]
fn an_indicator_is_mapped_by_colour_with_legend_and_table() {
    let dir = site_with_map();
    let article = dir.path().join("content/articles/hello-world.md");
    let text = read(&article) + "\n{{ map(indicator=\"share\", year=2024) }}\n";
    std::fs::write(&article, text).unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    // the latest year's map, and one per year a city reported
    let svg = read(&out.join("charts/map-share.svg"));
    for year in [
        "map-share-2024.svg",
        "map-share-2024.csv",
        "map-startups-2023.svg",
    ] {
        assert!(out.join("charts").join(year).is_file(), "{year}");
    }
    // two values, two classes: the palest and the darkest of viridis, each with a dark edge
    assert!(
        svg.contains(r##"fill="#fde725" stroke="#08306b""##),
        "{svg}"
    );
    assert!(
        svg.contains(r##"fill="#440154" stroke="#08306b""##),
        "{svg}"
    );
    assert!(
        svg.contains(">10 % to under 15 %</text>") && svg.contains(">15 %</text>"),
        "{svg}"
    );
    assert!(svg.contains("aria-label=\"Oulu: 15 %\""), "{svg}");
    let desc = &svg[svg.find("<desc").unwrap()..svg.find("</desc>").unwrap()];
    assert!(
        desc.contains("highest first: Oulu 15 %, Tampere 10 %"),
        "{desc}"
    );
    let csv = read(&out.join("charts/map-share.csv"));
    assert!(csv.lines().any(|l| l.trim_end() == "Oulu,15,15"), "{csv}");
    // on the impact page beside the indicator's line chart, linking from there
    let impact = read(&out.join("impact/index.html"));
    let at = impact
        .find("<figure class=\"chart\" id=\"map-share\">")
        .expect("map on the impact page");
    assert!(impact[at..].contains("href=\"../cities/oulu/\""));
    // the article's map, two folders down, links to the cities from there
    let page = read(&out.join("news/hello-world/index.html"));
    let at = page
        .find("id=\"map-share-2024\"")
        .expect("the article's map");
    assert!(
        page[at..].contains("href=\"../../cities/tampere/\""),
        "{}",
        &page[at..]
    );
}

/// The programme names its own funding sources: pages, charts and the dashboard use the
/// names, the data and the open data keep their keys.
#[test]
fn funding_sources_have_the_programme_s_names() {
    let dir = site(None);
    let settings = dir.path().join("content/site.toml");
    let text = read(&settings).replacen(
        "as_of = 2025-04-10\n",
        "as_of = 2025-04-10\n\n[policy.sources]\nstate = \"National\"\ncity = \"Municipal\"\n\n",
        1,
    );
    std::fs::write(&settings, text).unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    let chart = read(&out.join("charts/funding-by-source.svg"));
    assert!(chart.contains("National") && chart.contains("Municipal") && chart.contains("EU"));
    assert!(!chart.contains(">State"), "{chart}");
    let dashboard = read(&out.join("projects/index.html"));
    assert!(dashboard.contains("National funding") && dashboard.contains("Municipal funding"));
    let project = std::fs::read_dir(out.join("projects"))
        .unwrap()
        .map(|e| e.unwrap().path().join("index.html"))
        .find(|p| p.is_file())
        .unwrap();
    let page = read(&project);
    assert!(page.contains("<th scope=\"row\">National</th>"), "{page}");
    // the open data keeps its keys
    let csv = read(&out.join("data/projects.csv"));
    assert!(csv.lines().next().unwrap().contains(",state,"), "{csv}");
}

/// A site writes numbers and dates its own way (strings.toml): pages, charts and the
/// dashboard's script follow; the open data keeps plain numbers.
#[test]
fn numbers_and_dates_are_written_the_site_s_way() {
    let dir = site(None);
    let theme = dir.path().join("themes/default");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(
        theme.join("strings.toml"),
        "numbers = \"1 234,5\"\ndate = \"{day}.{month_number}.{year}\"\n",
    )
    .unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    let nbsp = '\u{a0}';
    let impact = read(&out.join("impact/index.html"));
    // the minimal site's EUR 250,001 of city funding, 1.6 million in all, 15.2 %
    assert!(
        impact.contains(&format!("City EUR 250{nbsp}001 (15,2 %)")),
        "{impact}"
    );
    assert!(impact.contains("EUR 1,6 million") && !impact.contains("250,001"));
    let chart = read(&out.join("charts/funding-by-source.svg"));
    assert!(chart.contains("EUR 1,4 million (84,8 %)"), "{chart}");
    // the open data and the charts' CSV keep plain numbers
    let csv = read(&out.join("charts/funding-by-city.csv"));
    assert!(!csv.contains(nbsp), "{csv}");
    assert!(csv.lines().skip(1).all(|l| !l.contains(" %")), "{csv}");
    let summary = read(&out.join("data/summary.json"));
    assert!(!summary.contains(nbsp));
    // the dashboard's script groups the same way
    let dashboard = read(&out.join("projects/index.html"));
    assert!(
        dashboard.contains(&format!("data-thousands=\"{nbsp}\" data-decimal=\",\"")),
        "{dashboard}"
    );
    let news = read(&out.join("news/index.html"));
    assert!(
        news.contains(".2025") || news.contains(".2024"),
        "dates: {news}"
    );

    // a style innopress does not know is an error that lists those it does
    std::fs::write(theme.join("strings.toml"), "numbers = \"1234.5\"\n").unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("themes/default/strings.toml:1:1: error: numbers = \"1234.5\" is not a way")
            && err.contains("\"1 234,5\""),
        "{err}"
    );
}
