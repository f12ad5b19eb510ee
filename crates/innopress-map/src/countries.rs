//! The country outlines built into the program: Natural Earth's 1:50m admin-0 countries
//! (public domain) in the compact form `scripts/map-countries.mjs` writes, so that
//! `map = "country:PT"` draws Portugal with nothing to download. Pure: the data is embedded.
//!
//! A country's map is its main land and the islands near it: a part farther than
//! [`NEAR_KM`] from every part kept before it is left out, so Portugal is drawn without the
//! Azores and Madeira and Norway without Svalbard, and the country fills the map. A network
//! that needs the far parts gives the map its own GeoJSON outline.

/// The compact outlines (see `scripts/map-countries.mjs` for the format).
static DATA: &[u8] = include_bytes!("countries.bin");

/// How far, in kilometres, an island may lie from the land already on the map and still be
/// drawn: Bornholm (130 km from Zealand), Crete and Shetland are; the Azores, Madeira
/// (700 km), Jan Mayen (450 km) and Svalbard (580 km) are not.
pub const NEAR_KM: f64 = 250.0;

/// One country as the program ships it.
#[derive(Debug, Clone)]
pub struct Country {
    /// The ISO 3166-1 two-letter code, upper case.
    pub code: String,
    /// Its common English name.
    pub name: String,
    /// The country's places in the time zone database, in its order: name, latitude,
    /// longitude in degrees. [`Country::town`] picks the one to start a site with.
    pub places: Vec<(String, f64, f64)>,
    /// Polygons, each a list of rings (outer first), each a list of points in 1/1000
    /// degree (longitude, latitude), not closed.
    polygons: Vec<Vec<Vec<(i32, i32)>>>,
}

/// Reads the embedded data front to back; every read is checked, so a damaged file ends the
/// list rather than panicking.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    fn zigzag(&mut self) -> Option<i64> {
        let n = self.varint()?;
        Some(((n >> 1) as i64) ^ -((n & 1) as i64))
    }

    fn coord(&mut self) -> Option<i32> {
        i32::try_from(self.zigzag()?).ok()
    }

    fn string(&mut self) -> Option<String> {
        let len = self.count()?;
        let end = self.at.checked_add(len)?;
        let s = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(s.to_string())
    }

    /// One country; with `keep` false its outline is read past, not kept.
    fn country(&mut self, keep: bool) -> Option<Country> {
        let code = std::str::from_utf8(self.bytes.get(self.at..self.at + 2)?)
            .ok()?
            .to_string();
        self.at += 2;
        let name = self.string()?;
        let mut places = Vec::new();
        for _ in 0..self.count()? {
            let name = self.string()?;
            let lat = self.zigzag()? as f64 / 1e4;
            let lon = self.zigzag()? as f64 / 1e4;
            places.push((name, lat, lon));
        }
        let mut polygons = Vec::new();
        for _ in 0..self.count()? {
            let mut rings = Vec::new();
            for _ in 0..self.count()? {
                let n = self.count()?;
                let mut ring = Vec::with_capacity(if keep { n.min(1 << 16) } else { 0 });
                let (mut x, mut y) = (0i32, 0i32);
                for _ in 0..n {
                    x = x.checked_add(self.coord()?)?;
                    y = y.checked_add(self.coord()?)?;
                    if keep {
                        ring.push((x, y));
                    }
                }
                if keep {
                    rings.push(ring);
                }
            }
            if keep {
                polygons.push(rings);
            }
        }
        if keep {
            unwrap_antimeridian(&mut polygons);
        }
        Some(Country {
            code,
            name,
            places,
            polygons,
        })
    }
}

/// A country cut at the 180° meridian (Russia's Chukotka, Fiji) has rings that jump from
/// −180° to 180°: its western longitudes are carried past 180° instead, so that every ring is
/// whole and the country's extent and middle are where its land is.
fn unwrap_antimeridian(polygons: &mut [Vec<Vec<(i32, i32)>>]) {
    const HALF_TURN: i32 = 180_000;
    let jumps = polygons.iter().flatten().any(|ring| {
        ring.iter()
            .zip(ring.iter().cycle().skip(1))
            .any(|(a, b)| (a.0 - b.0).abs() > HALF_TURN)
    });
    if jumps {
        for p in polygons.iter_mut().flatten().flatten() {
            if p.0 < 0 {
                p.0 += 2 * HALF_TURN;
            }
        }
    }
}

/// Every country: code and name, in code order.
pub fn list() -> Vec<(String, String)> {
    let mut r = Reader { bytes: DATA, at: 0 };
    let mut out = Vec::new();
    if r.bytes.get(..4) != Some(b"IPC1".as_slice()) {
        return out;
    }
    r.at = 4;
    let n = r.count().unwrap_or(0);
    for _ in 0..n {
        let Some(c) = r.country(false) else { break };
        out.push((c.code, c.name));
    }
    out
}

/// The country with this ISO 3166-1 two-letter code (any case); the EU's own codes for the
/// United Kingdom and Greece (UK, EL) are taken too.
pub fn find(code: &str) -> Option<Country> {
    let mut want = code.trim().to_ascii_uppercase();
    match want.as_str() {
        "UK" => want = "GB".into(),
        "EL" => want = "GR".into(),
        _ => {}
    }
    let mut r = Reader { bytes: DATA, at: 0 };
    if want.len() != 2 || r.bytes.get(..4) != Some(b"IPC1".as_slice()) {
        return None;
    }
    r.at = 4;
    for _ in 0..r.count()? {
        let here = r.bytes.get(r.at..r.at + 2)? == want.as_bytes();
        let c = r.country(here)?;
        if here {
            return Some(c);
        }
    }
    None
}

/// What the user may have meant by something that is not a code: the code of the country
/// whose name it is (`Portugal` → `PT`), ignoring case.
pub fn code_for_name(name: &str) -> Option<String> {
    let name = name.trim();
    list()
        .into_iter()
        .find(|(_, n)| n.eq_ignore_ascii_case(name))
        .map(|(c, _)| c)
}

/// A part's extent in degrees: west, south, east, north.
fn extent(ring: &[(i32, i32)]) -> [f64; 4] {
    let mut e = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for &(x, y) in ring {
        let (x, y) = (f64::from(x) / 1e3, f64::from(y) / 1e3);
        e = [e[0].min(x), e[1].min(y), e[2].max(x), e[3].max(y)];
    }
    e
}

/// The shortest distance between two extents in kilometres (flat, at their mean latitude:
/// close enough to tell 200 km from 500).
fn gap_km(a: [f64; 4], b: [f64; 4]) -> f64 {
    const KM_PER_DEGREE: f64 = 111.2;
    let dx = (a[0] - b[2]).max(b[0] - a[2]).max(0.0);
    let dy = (a[1] - b[3]).max(b[1] - a[3]).max(0.0);
    let lat = ((a[1] + a[3] + b[1] + b[3]) / 4.0).to_radians();
    (dx * lat.cos()).hypot(dy) * KM_PER_DEGREE
}

/// Area of a ring in square degrees of latitude (longitudes shrunk by the cosine of the
/// ring's mean latitude), measured from its first point so that the sum cancels as it
/// should: enough to find the largest part and to tell Alaska (a fifth of the 48 states)
/// from a quarter.
fn area(ring: &[(i32, i32)]) -> f64 {
    let Some(&(x0, y0)) = ring.first() else {
        return 0.0;
    };
    let mean = ring.iter().map(|p| f64::from(p.1)).sum::<f64>() / ring.len() as f64;
    let shrink = (mean / 1e3).to_radians().cos();
    let local = |&(x, y): &(i32, i32)| (f64::from(x - x0) * shrink, f64::from(y - y0));
    let mut a = 0.0;
    for (i, p) in ring.iter().enumerate() {
        let (xa, ya) = local(p);
        let (xb, yb) = local(&ring[(i + 1) % ring.len()]);
        a += xa * yb - xb * ya;
    }
    (a / 2.0).abs()
}

impl Country {
    /// The town a new site starts with: the first of the country's places on its map.
    /// `None` when none is (an island territory whose town's island is too small for the
    /// outline, or a microstate the outline misses): its coordinates would have to be made up.
    pub fn town(&self) -> Option<(String, f64, f64)> {
        let outline = super::Outline::from_geojson(&self.geojson()).ok()?;
        // on a part of the map, not merely within its extent: Kaliningrad lies inside
        // Russia's, on a part left out
        let parts: Vec<[f64; 4]> = self
            .near_parts()
            .into_iter()
            .filter_map(|i| self.polygons[i].first())
            .map(|ring| extent(ring))
            .collect();
        const SLACK: f64 = 0.1;
        self.places
            .iter()
            .find(|(_, lat, lon)| {
                let lon = if *lon < 0.0 && parts.iter().any(|e| e[2] > 180.0) {
                    lon + 360.0
                } else {
                    *lon
                };
                parts.iter().any(|e| {
                    (e[0] - SLACK..=e[2] + SLACK).contains(&lon)
                        && (e[1] - SLACK..=e[3] + SLACK).contains(lat)
                }) && outline.locate(*lat, lon).is_some()
            })
            .cloned()
    }

    /// The indexes of the parts drawn: the largest, every part at least a quarter its size
    /// (the two halves of Malaysia), then every part within [`NEAR_KM`] of one already kept,
    /// until none is added.
    fn near_parts(&self) -> Vec<usize> {
        let outer: Vec<&[(i32, i32)]> = self
            .polygons
            .iter()
            .map(|p| p.first().map_or(&[][..], Vec::as_slice))
            .collect();
        let Some(main) = (0..outer.len())
            .filter(|&i| !outer[i].is_empty())
            .max_by(|&a, &b| area(outer[a]).total_cmp(&area(outer[b])))
        else {
            return Vec::new();
        };
        let extents: Vec<[f64; 4]> = outer.iter().map(|r| extent(r)).collect();
        let largest = area(outer[main]);
        let mut kept: Vec<usize> = (0..outer.len())
            .filter(|&i| i == main || area(outer[i]) >= largest / 4.0)
            .collect();
        loop {
            let more: Vec<usize> = (0..outer.len())
                .filter(|i| !outer[*i].is_empty() && !kept.contains(i))
                .filter(|&i| {
                    kept.iter()
                        .any(|&k| gap_km(extents[i], extents[k]) <= NEAR_KM)
                })
                .collect();
            if more.is_empty() {
                break;
            }
            kept.extend(more);
        }
        kept.sort_unstable();
        kept
    }

    /// The outline as GeoJSON text: one feature with the country's name and source, its
    /// near parts as a MultiPolygon. The same country always gives the same bytes.
    pub fn geojson(&self) -> String {
        let mut polygons = Vec::new();
        for i in self.near_parts() {
            let rings: Vec<String> = self.polygons[i]
                .iter()
                .filter(|r| r.len() >= 3)
                .map(|r| {
                    let pts: Vec<String> = r
                        .iter()
                        .chain(r.first())
                        .map(|&(x, y)| format!("[{},{}]", f64::from(x) / 1e3, f64::from(y) / 1e3))
                        .collect();
                    format!("[{}]", pts.join(","))
                })
                .collect();
            if !rings.is_empty() {
                polygons.push(format!("[{}]", rings.join(",")));
            }
        }
        let name = if self.code == "FI" {
            "Finland and Åland".to_string()
        } else {
            self.name.clone()
        };
        let props = serde_json::json!({
            "name": self.name,
            "source": format!("Natural Earth, 1:50m Admin 0 – Countries ({name}), public domain"),
        });
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{props},"geometry":{{"type":"MultiPolygon","coordinates":[{}]}}}}]}}"#,
            polygons.join(",")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_reads_and_codes_are_unique_and_sorted() {
        let all = list();
        assert!(all.len() > 200, "{}", all.len());
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0));
        for code in ["PT", "NO", "GR", "FI", "EE", "DE", "XK"] {
            assert!(find(code).is_some(), "{code}");
        }
        assert_eq!(find("pt").map(|c| c.name), Some("Portugal".into()));
        assert!(find("ZZ").is_none() && find("").is_none() && find("PRT").is_none());
        assert_eq!(code_for_name("portugal").as_deref(), Some("PT"));
        assert_eq!(find("EL").map(|c| c.code), Some("GR".into()));
        assert_eq!(find("uk").map(|c| c.code), Some("GB".into()));
    }

    #[test]
    fn far_parts_are_left_out_and_near_islands_kept() {
        let extent_of = |code: &str| {
            let g: geojson::GeoJson = find(code).unwrap().geojson().parse().unwrap();
            let mut e = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
            let geojson::GeoJson::FeatureCollection(fc) = g else {
                panic!()
            };
            let geom = fc.features[0].geometry.as_ref().unwrap();
            let geojson::GeometryValue::MultiPolygon { coordinates } = &geom.value else {
                panic!()
            };
            for p in coordinates {
                for r in p {
                    for pt in r {
                        e = [
                            e[0].min(pt[0]),
                            e[1].min(pt[1]),
                            e[2].max(pt[0]),
                            e[3].max(pt[1]),
                        ];
                    }
                }
            }
            e
        };
        // mainland Portugal, without the Azores (−31°) and Madeira (32.6°N)
        let pt = extent_of("PT");
        assert!(
            pt[0] > -10.0 && pt[1] > 36.5 && pt[2] < -6.0 && pt[3] < 42.3,
            "{pt:?}"
        );
        // mainland Norway, without Svalbard (to 80°N) and Jan Mayen (−9°)
        let no = extent_of("NO");
        assert!(no[0] > 4.0 && no[3] < 72.0 && no[2] > 30.0, "{no:?}");
        // Greece with Crete (to 34.9°N) and Rhodes (28.2°E)
        let gr = extent_of("GR");
        assert!(gr[1] < 35.0 && gr[2] > 28.0, "{gr:?}");
        // Denmark with Bornholm (15.1°E), Finland with Åland (19.5°E)
        assert!(extent_of("DK")[2] > 15.0);
        assert!(extent_of("FI")[0] < 20.0);
        // across the 180° meridian: Russia and Fiji whole, east of it carried past 180°
        let ru = extent_of("RU");
        assert!(ru[0] > 19.0 && ru[2] > 180.0 && ru[2] < 192.0, "{ru:?}");
        let fj = extent_of("FJ");
        assert!(
            fj[0] > 170.0 && fj[2] > 180.0 && fj[2] - fj[0] < 15.0,
            "{fj:?}"
        );
        // the 48 states without Alaska (a fifth of their area, and 800 km away)
        assert!(extent_of("US")[3] < 50.0);
    }

    #[test]
    fn every_country_but_a_few_islands_and_microstates_has_a_town_on_its_map() {
        let (mut without, mut off) = (Vec::new(), Vec::new());
        for (code, _) in list() {
            let c = find(&code).unwrap();
            if c.places.is_empty() {
                without.push(code);
                continue;
            }
            let outline = crate::Outline::from_geojson(&c.geojson()).expect(&code);
            match c.town() {
                Some((_, lat, lon)) if outline.locate(lat, lon).is_some() => {}
                _ => off.push(code),
            }
        }
        assert_eq!(without, ["HM"], "only uninhabited Heard Island has no town");
        // island territories whose town's island is too small for the 1:50m outline, and
        // microstates it misses; `init --country` refuses them, saying so
        assert_eq!(off, ["BH", "MC", "MF", "PN", "PW", "TC", "VA"]);
    }

    #[test]
    fn the_outline_is_the_same_bytes_every_time() {
        assert_eq!(find("GR").unwrap().geojson(), find("GR").unwrap().geojson());
    }
}
