//! Other countries and regions: the projection follows the outline.

use super::*;

/// Natural Earth 1:50m outlines of other countries (public domain, world-atlas 2.0.2, made
/// as `scripts/map-outline.mjs` makes Finland's): Portugal with the Azores and Madeira,
/// Norway with Svalbard and Jan Mayen (long, thin, far north, many islands), Greece (many
/// islands).
/// A city: name, latitude, longitude.
type City = (&'static str, f64, f64);

const OTHERS: [(&str, &str, [City; 3]); 3] = [
    (
        "Portugal",
        include_str!("../../../../tests/fixtures/map/portugal.geojson"),
        [
            ("Lisbon", 38.72, -9.14),
            ("Porto", 41.15, -8.61),
            ("Faro", 37.02, -7.93),
        ],
    ),
    (
        "Norway",
        include_str!("../../../../tests/fixtures/map/norway.geojson"),
        [
            ("Bergen", 60.39, 5.32),
            ("Tromsø", 69.65, 18.96),
            ("Oslo", 59.91, 10.75),
        ],
    ),
    (
        "Greece",
        include_str!("../../../../tests/fixtures/map/greece.geojson"),
        [
            ("Athens", 37.98, 23.73),
            ("Thessaloniki", 40.64, 22.94),
            ("Heraklion", 35.34, 25.13),
        ],
    ),
];

/// Great-circle distance in metres on the mean sphere.
fn great_circle(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

#[test]
fn any_country_is_drawn_with_north_up_and_true_distances() {
    for (name, text, cities) in OTHERS {
        let outline = Outline::from_geojson(text).expect(name);
        let p = outline.projection();
        assert!(
            p.definition.starts_with("+proj=laea"),
            "{name}: {}",
            p.definition
        );
        // north is up at each city, within the few degrees by which meridians converge away
        // from the middle of a large country's land
        for (city, lat, lon) in cities {
            let (x0, y0) = p.project(lat - 0.2, lon).unwrap();
            let (x1, y1) = p.project(lat + 0.2, lon).unwrap();
            let tilt = (x1 - x0).atan2(y1 - y0).to_degrees().abs();
            // Bergen, 10° west of Norway's middle, leans 9° as on Norway's own UTM maps;
            // mainland Portugal, with the Azores on the map, stands upright
            let most = if name == "Portugal" { 3.0 } else { 12.0 };
            assert!(tilt < most, "{name}: north at {city} is {tilt:.1}° off up");
        }
        let [w, s, e, n] = outline.extent();
        assert!(w < e && s < n);
        // the cities are on the map, each where it belongs: their distances true within 2 %
        for (city, lat, lon) in cities {
            assert!(
                outline.locate(lat, lon).is_some(),
                "{name}: {city} is on the map"
            );
        }
        for i in 0..3 {
            let (a, b) = (cities[i], cities[(i + 1) % 3]);
            let pa = p.project(a.1, a.2).unwrap();
            let pb = p.project(b.1, b.2).unwrap();
            let drawn = ((pa.0 - pb.0).powi(2) + (pa.1 - pb.1).powi(2)).sqrt();
            let truth = great_circle((a.1, a.2), (b.1, b.2));
            let off = (drawn / truth - 1.0).abs();
            assert!(
                off < 0.02,
                "{name}: {}–{} {:.0} km drawn, {:.0} km true",
                a.0,
                b.0,
                drawn / 1e3,
                truth / 1e3
            );
        }
        // north of, east of, as on the ground
        let at = |c: usize| p.project(cities[c].1, cities[c].2).unwrap();
        assert!(
            at(1).1 > at(0).1 && at(0).1 > at(2).1,
            "{name}: north to south"
        );
    }
    // in Finland's grid, as before, Portugal came out turned by about 30°
    let tm = Projection::tm35fin().unwrap();
    let (x0, y0) = tm.project(38.7, -9.1).unwrap();
    let (x1, y1) = tm.project(39.7, -9.1).unwrap();
    assert!((x1 - x0).atan2(y1 - y0).to_degrees().abs() > 20.0);
}

#[test]
fn a_city_region_keeps_its_shape() {
    // a 0.5° by 0.4° region around Lisbon: about 43.5 km wide and 44.5 km high
    let region = r#"{"type":"Polygon","coordinates":[[[-9.4,38.5],[-8.9,38.5],[-8.9,38.9],[-9.4,38.9],[-9.4,38.5]]]}"#;
    let outline = Outline::from_geojson(region).unwrap();
    let (x0, y0, x1, y1) = outline.bounds();
    let drawn = (x1 - x0) / (y1 - y0);
    let truth =
        great_circle((38.7, -9.4), (38.7, -8.9)) / great_circle((38.5, -9.15), (38.9, -9.15));
    assert!(
        (drawn / truth - 1.0).abs() < 0.02,
        "aspect {drawn:.3}, true {truth:.3}"
    );
}

#[test]
fn finland_keeps_its_national_grid_and_a_site_may_name_another() {
    assert!(outline().projection().definition.contains("+zone=35"));
    for ok in [
        "EPSG:3067",
        "epsg:3035",
        "EPSG:25829",
        "EPSG:32633",
        "+proj=laea +lat_0=39.5 +lon_0=-8 +ellps=GRS80",
    ] {
        assert!(Projection::named(ok).is_ok(), "{ok}");
    }
    for bad in [
        "EPSG:4326",
        "EPSG:25899",
        "EPSG:",
        "Mercator",
        "+proj=nonesuch",
    ] {
        assert!(Projection::named(bad).is_err(), "{bad}");
    }
    // Portugal in its own UTM zone (29) is drawn there, north up at 9° W
    let geojson: geojson::GeoJson = OTHERS[0].1.parse().unwrap();
    let utm = Projection::named("EPSG:25829").unwrap();
    let o = Outline::from_parsed_in(&geojson, Some(&utm)).unwrap();
    assert!(o.projection().definition.contains("+zone=29"));
    assert!(o.locate(38.72, -9.14).is_some());
}
