//! Networks in other countries: `init --country CODE` makes a site whose built-in map is
//! that country, right way up and true to shape, that builds with no warning. Checked on the
//! drawing itself: the outline's path in `charts/map.svg` is read back, its box compared with
//! the country's projected extent, and known towns placed by the same projection must fall on
//! its land, and towns across the border off it.

use crate::common::{run, stderr};
use innopress::map::{Outline, countries};

/// The polygons of the map's outline path, in px: `M x y l dx dy … z`, steps in tenths.
fn outline_rings(svg: &str) -> Vec<Vec<(f64, f64)>> {
    let from = svg.find("<path d=\"").expect("an outline path") + 9;
    let d = &svg[from..from + svg[from..].find('"').unwrap()];
    let mut rings = Vec::new();
    for part in d.split('z').filter(|p| !p.is_empty()) {
        let part = part.strip_prefix('M').expect("a ring starts with M");
        let (start, steps) = part.split_once('l').expect("relative steps");
        let mut xy = start.split(' ').map(|n| n.parse::<f64>().unwrap());
        let (mut x, mut y) = (xy.next().unwrap(), xy.next().unwrap());
        // numbers are separated by a space or by the minus sign that starts one
        let nums: Vec<f64> = steps
            .replace('-', " -")
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        let mut ring = vec![(x, y)];
        for pair in nums.chunks(2) {
            x += pair[0];
            y += pair[1];
            ring.push((x, y));
        }
        rings.push(ring);
    }
    rings
}

/// Even-odd: inside an odd number of rings.
fn on_land(rings: &[Vec<(f64, f64)>], (px, py): (f64, f64)) -> bool {
    let mut inside = false;
    for ring in rings {
        for i in 0..ring.len() {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            if (a.1 > py) != (b.1 > py) && px < a.0 + (py - a.1) / (b.1 - a.1) * (b.0 - a.0) {
                inside = !inside;
            }
        }
    }
    inside
}

type Town = (&'static str, f64, f64);

fn check_country(code: &str, land: &[Town], abroad: &[Town]) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = run(dir.path(), &["init", "--country", code, "site"]);
    assert!(o.status.success(), "{code}: {}", stderr(&o));
    let o = run(&site, &["check", "--deny-warnings"]);
    assert!(o.status.success(), "{code}: {}", stderr(&o));
    let o = run(&site, &["build"]);
    assert!(o.status.success(), "{code}: {}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{code}: {}", stderr(&o));
    let svg = std::fs::read_to_string(site.join("output/charts/map.svg")).unwrap();

    let country = countries::find(code).unwrap();
    let outline = Outline::from_geojson(&country.geojson()).unwrap();
    let (min_x, min_y, max_x, max_y) = outline.bounds();
    let rings = outline_rings(&svg);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in rings.iter().flatten() {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    // the drawn box has the projected extent's shape: one scale across and down
    let (sx, sy) = ((x1 - x0) / (max_x - min_x), (y1 - y0) / (max_y - min_y));
    assert!(
        (sx / sy - 1.0).abs() < 0.02,
        "{code}: drawn {:.0}×{:.0} px for {:.0}×{:.0} km",
        x1 - x0,
        y1 - y0,
        (max_x - min_x) / 1e3,
        (max_y - min_y) / 1e3
    );
    let scale = (sx + sy) / 2.0;
    let px = |lat: f64, lon: f64| {
        let (x, y) = outline.projection().project(lat, lon).unwrap();
        (x0 + (x - min_x) * scale, y0 + (max_y - y) * scale)
    };
    for &(name, lat, lon) in land {
        assert!(
            on_land(&rings, px(lat, lon)),
            "{code}: {name} is not on the land drawn"
        );
    }
    for &(name, lat, lon) in abroad {
        assert!(
            !on_land(&rings, px(lat, lon)),
            "{code}: {name} is drawn on the country"
        );
    }
    // the starter's city is drawn where it is
    let (city, lat, lon) = country.town().unwrap();
    let i = svg.find("class=\"map-city\"").unwrap();
    let circle = &svg[i..][svg[i..].find("<circle").unwrap()..];
    let attr = |a: &str| -> f64 {
        let from = circle.find(&format!(" {a}=\"")).unwrap() + a.len() + 3;
        circle[from..].split('"').next().unwrap().parse().unwrap()
    };
    let (want_x, want_y) = px(lat, lon);
    assert!(
        (attr("cx") - want_x).abs() < 1.5 && (attr("cy") - want_y).abs() < 1.5,
        "{code}: {city} drawn at ({}, {}), projected at ({want_x:.1}, {want_y:.1})",
        attr("cx"),
        attr("cy")
    );
    assert!(
        svg.contains(&format!(">{city}</text>")),
        "{code}: {city} is named"
    );
}

#[test]
fn a_portuguese_network_starts_with_its_map() {
    check_country(
        "PT",
        &[
            ("Évora", 38.5714, -7.9135),
            ("Bragança", 41.8061, -6.7567),
            ("Castelo Branco", 39.8222, -7.4931),
            ("Coimbra", 40.2033, -8.4103),
        ],
        &[("Ciudad Rodrigo", 40.60, -6.53), ("Huelva", 37.26, -6.95)],
    );
}

#[test]
fn a_norwegian_network_starts_with_its_map() {
    check_country(
        "NO",
        &[
            ("Lillehammer", 61.115, 10.466),
            ("Røros", 62.574, 11.385),
            ("Kautokeino", 69.012, 23.041),
        ],
        &[
            ("Stockholm", 59.33, 18.07),
            ("Östersund", 63.18, 14.64),
            ("Rovaniemi", 66.50, 25.73),
        ],
    );
}

#[test]
fn a_greek_network_starts_with_its_map() {
    check_country(
        "GR",
        &[
            ("Larissa", 39.639, 22.419),
            ("Tripoli", 37.51, 22.372),
            ("Ioannina", 39.665, 20.853),
        ],
        &[("Izmir", 38.42, 27.14), ("Tirana", 41.33, 19.82)],
    );
}

#[test]
fn an_unknown_country_is_refused_with_the_code_meant() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["init", "--country", "Portugal", "site"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("did you mean PT?"), "{}", stderr(&o));
    assert!(!dir.path().join("site").exists());
    let o = run(dir.path(), &["init", "--list-countries"]);
    assert!(o.status.success());
    let list = String::from_utf8_lossy(&o.stdout);
    assert!(list.lines().any(|l| l == "PT  Portugal"), "{list}");
    assert!(list.lines().count() > 200);
}

#[test]
fn a_city_off_the_map_is_a_warning_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(
        run(dir.path(), &["init", "--country", "PT", "site"])
            .status
            .success()
    );
    // Helsinki's coordinates pasted into a Portuguese site
    let cities = site.join("content/data/cities.toml");
    let text = std::fs::read_to_string(&cities).unwrap();
    let text = text
        .replace("lat = 38.7167", "lat = 60.1699")
        .replace("lon = -9.1333", "lon = 24.9384");
    std::fs::write(&cities, text).unwrap();
    let o = run(&site, &["check"]);
    let err = stderr(&o);
    assert!(
        err.contains("content/data/cities.toml:7:7: warning: Lisbon (lat 60.1699, lon 24.9384) is outside the map"),
        "{err}"
    );
    assert!(err.contains("not swapped"), "{err}");
}

#[test]
fn map_projection_is_the_one_the_map_is_drawn_in() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(
        run(dir.path(), &["init", "--country", "NO", "site"])
            .status
            .success()
    );
    assert!(run(&site, &["build"]).status.success());
    let fitted = std::fs::read_to_string(site.join("output/charts/map.svg")).unwrap();
    // UTM zone 33, which Norway's own maps use: Norway leans differently
    let settings = site.join("content/site.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let text = text.replace(
        "map = \"country:NO\"",
        "map = \"country:NO\"\nmap_projection = \"EPSG:25833\"",
    );
    std::fs::write(&settings, text).unwrap();
    let o = run(&site, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let utm = std::fs::read_to_string(site.join("output/charts/map.svg")).unwrap();
    assert_ne!(fitted, utm, "map_projection changed nothing");
}

#[test]
fn a_town_on_the_very_coast_is_on_the_map() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    assert!(
        run(dir.path(), &["init", "--country", "pt", "site"])
            .status
            .success()
    );
    // Cabo da Roca, mainland Europe's westernmost point, just off the coarse outline
    let cities = site.join("content/data/cities.toml");
    let text = std::fs::read_to_string(&cities).unwrap();
    let text = text
        .replace("lat = 38.7167", "lat = 38.7804")
        .replace("lon = -9.1333", "lon = -9.4989");
    std::fs::write(&cities, text).unwrap();
    let o = run(&site, &["check", "--deny-warnings"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_country_across_the_180th_meridian_is_drawn_whole() {
    for code in ["RU", "FJ"] {
        let country = countries::find(code).unwrap();
        let outline = Outline::from_geojson(&country.geojson()).unwrap();
        let (min_x, min_y, max_x, max_y) = outline.bounds();
        let (w, h) = (max_x - min_x, max_y - min_y);
        // Russia is twice as wide as tall, Fiji a small group of islands
        match code {
            "RU" => assert!(w / h > 1.5 && w < 9.0e6, "{code}: {w} × {h}"),
            _ => assert!(w < 1.0e6 && h < 1.0e6, "{code}: {w} × {h}"),
        }
        // north is up at the middle of the land the projection is centred on
        let p = outline.projection();
        let param = |key: &str| -> f64 {
            let from = p.definition.find(key).unwrap() + key.len();
            p.definition[from..]
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        let (lat, lon) = (param("+lat_0="), param("+lon_0="));
        assert!(
            !(-170.0..=60.0).contains(&lon) || code == "FJ",
            "{code}: centred on {lon}"
        );
        let (x0, y0) = p.project(lat, lon).unwrap();
        let (x1, y1) = p.project(lat + 0.5, lon).unwrap();
        let tilt = (x1 - x0).atan2(y1 - y0).to_degrees().abs();
        assert!(tilt < 5.0, "{code}: north is {tilt:.1}° off up");
    }
}
