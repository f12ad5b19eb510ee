//! The map drawn from the real outline with the 18 cities: the geometry rules (no label
//! overlaps anything, nothing leaves the drawing), the SVG's structure and size, the
//! projection, and robustness against bad input.

use super::*;

const FINLAND: &str = include_str!("../../../../content/data/finland.geojson");

/// (id, name, lat, lon, EUR millions)
const CITIES: [(&str, &str, f64, f64, f64); 18] = [
    ("helsinki", "Helsinki", 60.17, 24.94, 40.0),
    ("espoo", "Espoo", 60.205, 24.656, 22.5),
    ("vantaa", "Vantaa", 60.294, 25.04, 12.0),
    ("tampere", "Tampere", 61.498, 23.761, 30.0),
    ("turku", "Turku", 60.452, 22.267, 18.0),
    ("oulu", "Oulu", 65.012, 25.465, 20.0),
    ("rovaniemi", "Rovaniemi", 66.503, 25.729, 4.0),
    ("vaasa", "Vaasa", 63.096, 21.616, 6.5),
    ("joensuu", "Joensuu", 62.601, 29.764, 5.0),
    ("kuopio", "Kuopio", 62.893, 27.678, 8.0),
    ("jyvaskyla", "Jyväskylä", 62.242, 25.747, 10.0),
    ("lappeenranta", "Lappeenranta", 61.058, 28.188, 4.5),
    ("lahti", "Lahti", 60.983, 25.656, 7.0),
    ("pori", "Pori", 61.485, 21.797, 3.0),
    ("seinajoki", "Seinäjoki", 62.79, 22.84, 2.5),
    ("mikkeli", "Mikkeli", 61.688, 27.272, 2.0),
    ("kajaani", "Kajaani", 64.222, 27.728, 1.0),
    ("kokkola", "Kokkola", 63.838, 23.131, 1.5),
];

fn places() -> Vec<Place<'static>> {
    CITIES
        .iter()
        .map(|&(id, name, lat, lon, millions)| Place {
            id,
            name,
            lat,
            lon,
            cents: (millions * 1e8) as i64,
            value: format!("EUR {millions} million"),
            href: format!("../cities/{id}/"),
            class: None,
        })
        .collect()
}

fn eur(cents: i64) -> String {
    format!("EUR {} million", cents / 100_000_000)
}

fn options(label: &dyn Fn(i64) -> String) -> Options<'_> {
    Options {
        title: "Project funding by city",
        description: "Helsinki has the most funding, EUR 40 million.",
        legend_title: "Total project funding",
        legend_label: label,
        id_suffix: "-funding",
        classes: &[],
        no_value: "",
    }
}

fn outline() -> Outline {
    Outline::from_geojson(FINLAND).expect("the shipped outline parses")
}

/// Every rule label placement promises, checked on the geometry.
fn assert_labels_clear(l: &Layout) {
    assert_eq!(l.labels.len(), l.circles.len());
    for (i, a) in l.labels.iter().enumerate() {
        let ra = a.rect();
        assert!(
            ra.inside(l.width, l.height),
            "{} outside the drawing: {ra:?}",
            a.id
        );
        if let Some(legend) = &l.legend {
            assert!(!ra.intersects(&legend.rect()), "{} on the legend", a.id);
        }
        for b in &l.labels[i + 1..] {
            assert!(!ra.intersects(&b.rect()), "{} overlaps {}", a.id, b.id);
        }
    }
    if let Some(legend) = &l.legend {
        assert!(legend.rect().inside(l.width, l.height));
    }
}

#[test]
fn eighteen_cities_are_labelled_without_overlaps() {
    let places = places();
    let layout = layout(&outline(), &places, &options(&eur));
    assert_eq!(layout.circles.len(), 18);
    assert_labels_clear(&layout);
    // boxes measured on DejaVu are conservative: Helsinki's is at least as wide as its text
    let hel = layout
        .labels
        .iter()
        .find(|b| b.id == "helsinki")
        .expect("Helsinki");
    assert!(hel.w > 55.0 && hel.w < 80.0, "{hel:?}");
    // Finland is about 1.7 times taller than wide
    assert!(layout.height > 1.5 * layout.width && layout.height < 2.1 * layout.width);
}

#[test]
fn labels_are_placed_largest_first() {
    // the first city placed gets its first choice: right of its circle, no leader
    let places = places();
    let layout = layout(&outline(), &places, &options(&eur));
    let (c, l) = (&layout.circles[0], &layout.labels[0]);
    assert_eq!((c.id, l.id), ("helsinki", "helsinki"));
    assert!(
        l.leader.is_none() && l.x > c.cx + c.r && l.x < c.cx + c.r + 2.0,
        "{l:?}"
    );
    assert!(l.y < c.cy && l.y + l.h > c.cy);
}

#[test]
fn the_capital_cluster_stays_readable() {
    let places = places();
    let layout = layout(&outline(), &places, &options(&eur));
    let centres: Vec<&Circle> = layout
        .circles
        .iter()
        .filter(|c| ["helsinki", "espoo", "vantaa"].contains(&c.id))
        .collect();
    assert_eq!(centres.len(), 3);
    // the three are a few px apart, the hard case: their circles are moved apart, clear
    // of each other, each keeping its true place as the anchor of its line
    assert!((centres[0].ax - centres[1].ax).hypot(centres[0].ay - centres[1].ay) < 15.0);
    for (i, a) in centres.iter().enumerate() {
        for b in &centres[i + 1..] {
            let d = (a.cx - b.cx).hypot(a.cy - b.cy);
            assert!(d >= a.r + b.r, "{} and {} overlap", a.id, b.id);
        }
    }
    // no circle on the map covers another
    for (i, a) in layout.circles.iter().enumerate() {
        for b in &layout.circles[i + 1..] {
            assert!(
                (a.cx - b.cx).hypot(a.cy - b.cy) >= a.r + b.r,
                "{} {}",
                a.id,
                b.id
            );
        }
    }
    for label in layout
        .labels
        .iter()
        .filter(|b| ["helsinki", "espoo", "vantaa"].contains(&b.id))
    {
        for c in &layout.circles {
            assert!(
                !label.rect().contains(c.cx, c.cy),
                "{} hides {}",
                label.id,
                c.id
            );
        }
        // a label far from its city says whose it is
        let own = layout
            .circles
            .iter()
            .find(|c| c.id == label.id)
            .expect("circle");
        let (nx, ny) = label.rect().nearest(own.cx, own.cy);
        if (nx - own.cx).hypot(ny - own.cy) > own.r + 6.0 {
            assert!(label.leader.is_some(), "{label:?}");
        }
    }
}

#[test]
fn circles_are_proportional_in_area_and_ordered_largest_first() {
    let places = places();
    let layout = layout(&outline(), &places, &options(&eur));
    let first = &layout.circles[0];
    assert_eq!(first.id, "helsinki");
    assert!((first.r - MAX_RADIUS).abs() < 1e-9);
    let tampere = layout
        .circles
        .iter()
        .find(|c| c.id == "tampere")
        .expect("Tampere");
    assert!((tampere.r.powi(2) / first.r.powi(2) - 0.75).abs() < 1e-9);
    assert!(layout.circles.windows(2).all(|w| w[0].r >= w[1].r));
    assert_eq!(radius(0, 100), MIN_RADIUS);
    assert_eq!(radius(1, 1_000_000_000), MIN_RADIUS);
    assert_eq!(radius(5, 0), MIN_RADIUS);
}

#[test]
fn svg_is_small_structured_and_deterministic() {
    let places = places();
    let label = eur;
    let opts = options(&label);
    let svg = draw(&outline(), &places, &opts);
    assert_eq!(svg, draw(&outline(), &places, &opts));
    assert!(svg.len() < 40_000, "{} bytes", svg.len());
    assert_eq!(svg.matches("<a ").count(), 18);
    assert_eq!(
        svg.matches("fill=\"#e8ecef\"").count(),
        1,
        "one path for the whole outline"
    );
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" width=\"360\"")
    );
    assert!(svg.contains(r#"role="group" aria-labelledby="map-title-funding">"#));
    assert!(svg.contains(r#"<title id="map-title-funding">Project funding by city</title>"#));
    assert!(svg.contains(r#"<desc id="map-desc-funding">"#));
    assert!(svg.contains(r#"<g role="img" aria-labelledby="map-title-funding map-desc-funding">"#));
    assert!(svg.contains(
        r#"<a href="../cities/helsinki/" class="map-city" aria-label="Helsinki: EUR 40 million">"#
    ));
    assert!(svg.contains("a.map-city:focus-visible circle"));
    assert!(svg.contains(">Total project funding</text>"));
    assert!(svg.contains(">EUR 20 million</text>"), "legend amount");
    // the largest amount is linked first, so smaller circles are drawn on top
    assert!(svg.find("cities/helsinki/").unwrap() < svg.find("cities/kajaani/").unwrap());
    // one decimal at most
    let long_number = svg
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'.' && w[1].is_ascii_digit() && w[2].is_ascii_digit());
    assert!(!long_number);
}

#[test]
fn projection_matches_the_finnish_grid() {
    let (x, y) = project(60.17, 24.94).expect("Helsinki projects");
    assert!(
        (x - 385_800.0).abs() < 2_000.0 && (y - 6_672_000.0).abs() < 2_000.0,
        "{x} {y}"
    );
    assert!(project(f64::NAN, 24.0).is_none());
    assert!(project(91.0, 24.0).is_none());
    assert!(project(60.0, f64::INFINITY).is_none());
    let places = places();
    let layout = layout(&outline(), &places, &options(&eur));
    let at = |id: &str| {
        let c = layout.circles.iter().find(|c| c.id == id).expect(id);
        (c.cx, c.cy)
    };
    assert!(at("helsinki").1 > at("oulu").1, "Helsinki is south of Oulu");
    assert!(at("joensuu").0 > at("vaasa").0, "Joensuu is east of Vaasa");
    for c in &layout.circles {
        assert!(c.cx - c.r >= 0.0 && c.cx + c.r <= layout.width && c.cy >= 0.0);
    }
}

#[test]
fn places_with_bad_coordinates_are_left_out() {
    let mut places = places();
    places[1].lat = f64::NAN;
    places[2].lon = f64::INFINITY;
    places[3].lat = 123.0;
    places[4].lat = -33.9; // Cape Town: on the globe, off the map
    places[4].lon = 18.4;
    let outline = outline();
    assert!(
        outline.locate(59.33, 18.07).is_none(),
        "Stockholm is off the map"
    );
    assert!(outline.locate(60.1, 19.94).is_some(), "Mariehamn is on it");
    let layout = layout(&outline, &places, &options(&eur));
    assert_eq!(layout.circles.len(), 14);
    assert!(
        !layout
            .circles
            .iter()
            .any(|c| c.id == "espoo" || c.id == "turku")
    );
    assert_labels_clear(&layout);
}

#[test]
fn user_text_is_escaped() {
    let mut places = places();
    places[0].name = "<script>&\"'";
    places[0].value = "EUR <1> & more".to_owned();
    places[0].href = "../cities/a&b\"/".to_owned();
    let label = |_: i64| "<b>".to_owned();
    let opts = Options {
        title: "T<i>",
        description: "D&",
        legend_title: "L\"",
        legend_label: &label,
        id_suffix: "\"x",
        classes: &[],
        no_value: "",
    };
    let svg = draw(&outline(), &places, &opts);
    assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<i>"));
    assert!(svg.contains("&lt;script&gt;&amp;&quot;&apos;"));
    assert!(svg.contains(r#"href="../cities/a&amp;b&quot;/""#));
    assert!(svg.contains("map-title&quot;x"));
}

#[test]
fn garbage_outlines_are_errors_not_panics() {
    let bad = [
        "",
        "not json",
        "{}",
        "[1,2,3]",
        r#"{"type":"Point","coordinates":[24,60]}"#,
        r#"{"type":"FeatureCollection","features":[]}"#,
        r#"{"type":"Feature","geometry":null,"properties":{}}"#,
        r#"{"type":"Polygon","coordinates":[]}"#,
        r#"{"type":"Polygon","coordinates":[[[24,60],[24,60],[24,60],[24,60]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[1e300,60],[-1e300,61],[5e307,1e308],[1e300,60]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[24,600],[25,-600],[26,90.5],[24,600]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[24],[25],[26]]]}"#,
        r#"{"type":"MultiPolygon","coordinates":[[[["a",60]]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[24,60],[25,60],[24.5,61],[24,60]]"#,
    ];
    for text in bad {
        assert!(Outline::from_geojson(text).is_err(), "{text}");
    }
}

/// Deterministic pseudo-random numbers (a linear congruential generator), so a failure
/// reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn mangled_outlines_never_panic() {
    let label = eur;
    let opts = options(&label);
    let places = places();
    let seed = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[20,60],[31,60],[31,70],[20,70],[20,60]]],[[[24,60.1],[24.2,60.1],[24.1,60.3],[24,60.1]]]]}}]}"#;
    let alphabet = b"0123456789.-e[]{},\" :E+";
    let mut rng = Lcg(7);
    let numbers = [
        "1e308",
        "-1e308",
        "1e-320",
        "-0",
        "180",
        "-90",
        "90.000001",
        "1e18",
        "3",
    ];
    for _ in 0..400 {
        let mut bytes = seed.as_bytes().to_vec();
        for _ in 0..1 + rng.next() % 4 {
            let at = (rng.next() as usize) % bytes.len();
            bytes[at] = alphabet[(rng.next() as usize) % alphabet.len()];
        }
        let mut text = String::from_utf8(bytes).expect("ASCII");
        // and numbers at the edges of what JSON and the globe allow
        let n = numbers[(rng.next() as usize) % numbers.len()];
        text = text.replacen("24.2", n, 1);
        if let Ok(outline) = Outline::from_geojson(&text) {
            let l = layout(&outline, &places, &opts);
            assert_labels_clear(&l);
            assert!(draw(&outline, &places, &opts).ends_with("</svg>"));
        }
    }
}

#[test]
fn odd_but_valid_outlines_still_draw() {
    let label = eur;
    let opts = options(&label);
    let places = places();
    let odd = [
        // one small square, a Feature and a GeometryCollection with a line to ignore
        r#"{"type":"Polygon","coordinates":[[[24,60],[25,60],[25,61],[24,61],[24,60]]]}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[20,60],[31,60],[31,70],[20,70]]]}}"#,
        r#"{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[0,0],[1,1]]},{"type":"Polygon","coordinates":[[[24,60],[24.0001,60],[24,60.0001]]]}]}"#,
        // a world-sized polygon, far from the projection's zone, and a sliver
        r#"{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,90]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[24,60],[24,61],[24,62],[24,60]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[24,60],[24.00001,60],[24.00001,70],[24,70]]]}"#,
        r#"{"type":"Polygon","coordinates":[[[24,60],[90,60],[90,60.00001],[24,60.00001]]]}"#,
    ];
    for text in odd {
        let Ok(outline) = Outline::from_geojson(text) else {
            continue;
        };
        let l = layout(&outline, &places, &opts);
        assert_labels_clear(&l);
        assert!(
            l.height.is_finite() && l.height < 5_000.0,
            "{text}: {}",
            l.height
        );
        let svg = draw(&outline, &places, &opts);
        assert!(svg.ends_with("</svg>"));
    }
    assert!(Outline::from_geojson(odd[1]).is_ok() && Outline::from_geojson(odd[0]).is_ok());
}

#[test]
fn crowded_and_degenerate_places_keep_the_rules() {
    let label = eur;
    let opts = options(&label);
    let outline = outline();
    // forty places on one spot: most labels end up in the fallbacks
    let names: Vec<String> = (0..40).map(|i| format!("Place number {i}")).collect();
    let crowd: Vec<Place> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Place {
            id: n,
            name: n,
            lat: 60.17,
            lon: 24.94,
            cents: i as i64 * 1000,
            value: String::new(),
            href: String::new(),
            class: None,
        })
        .collect();
    assert_labels_clear(&layout(&outline, &crowd, &opts));
    // all zero: small dots, no legend; a name wider than the drawing is shortened
    let long = "A".repeat(80);
    let zero = [Place {
        id: "z",
        name: &long,
        lat: 62.0,
        lon: 26.0,
        cents: 0,
        value: String::new(),
        href: String::new(),
        class: None,
    }];
    let l = layout(&outline, &zero, &opts);
    assert!(l.legend.is_none() && l.circles[0].r == MIN_RADIUS);
    assert!(l.labels[0].text.ends_with('…'));
    assert_labels_clear(&l);
    assert!(layout(&outline, &[], &opts).circles.is_empty());
    // an amount formatted wider than the drawing: no legend rather than one cut off
    let wide = |_: i64| "W".repeat(60);
    let opts = Options {
        legend_label: &wide,
        ..options(&label)
    };
    let places = places();
    let l = layout(&outline, &places, &opts);
    assert!(l.legend.is_none());
    assert_labels_clear(&l);
}

#[test]
fn a_moved_circle_marks_where_its_city_is() {
    let places = places();
    let svg = draw(&outline(), &places, &options(&eur));
    let link = |id: &str| {
        let i = svg.find(&format!("cities/{id}/")).expect(id);
        svg[i..i + svg[i..].find("</a>").unwrap()].to_string()
    };
    // the dot where Vantaa is, a line from it to the moved circle; Oulu, alone, has neither
    let vantaa = link("vantaa");
    assert!(
        vantaa.contains(r#"r="1.8""#) && vantaa.contains("<line"),
        "{vantaa}"
    );
    assert!(!link("oulu").contains(r#"r="1.8""#));
}

mod others;
