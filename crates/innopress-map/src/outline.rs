//! The country outline: read from GeoJSON once, projected and kept in metres. The projection
//! follows the outline, so that any country keeps its true shape with north up:
//! - an outline within Finland's national grid keeps EPSG:3067 (ETRS-TM35FIN), the
//!   projection Finnish maps use, so the country keeps its familiar shape;
//! - any other is drawn in a Lambert azimuthal equal-area projection centred on its extent
//!   (north is straight up through the centre, areas are true, and shapes stay close to true
//!   across a country or a region). A fixed national grid elsewhere would tilt the map:
//!   Portugal in Finland's grid came out turned by about 30°.
//!
//! Simplification waits until the drawing scale is known (see `layout`).

use std::sync::OnceLock;

use geo::{Coord, LineString, Polygon};
use geojson::{GeoJson, GeometryValue, PolygonType};
use proj4rs::Proj;

use super::model::MapError;

const WGS84: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";
const TM35FIN: &str = "+proj=utm +zone=35 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";

/// Where EPSG:3067 is meant to be used (its area of use, in degrees, with a margin for
/// outlines drawn a little generously): an outline within it is Finland, or a part of it,
/// and keeps the national grid.
const TM35FIN_AREA: [f64; 4] = [19.0, 58.8, 31.7, 70.2];

/// How far outside the outline's extent a place may lie and still be drawn, as a share of
/// the extent's longer side.
const EDGE: f64 = 0.01;

/// Longitudes accepted: the usual −180° to 180°, and on to 360° for an outline that crosses
/// the 180° meridian and carries its eastern part on (as Russia's and Fiji's built-in ones).
const LONGITUDES: std::ops::RangeInclusive<f64> = -180.0..=360.0;

/// The outline parsed and projected once (metres: x east, y north).
#[derive(Debug, Clone)]
pub struct Outline {
    pub(super) polygons: Vec<Polygon<f64>>,
    /// min x, min y, max x, max y in metres; width and height are both positive.
    pub(super) bounds: [f64; 4],
    /// min lon, min lat, max lon, max lat of the outline, in degrees.
    extent: [f64; 4],
    /// The projection the outline was drawn in, which places are projected in too.
    projection: Projection,
}

/// Why `map_projection` names no projection innopress can draw in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectionError {
    #[error("an EPSG code innopress does not know")]
    UnknownCode,
    #[error("not a UTM zone (the last two digits are 01 to 60)")]
    NoUtmZone,
    #[error("neither an EPSG code nor a proj string (+proj=…)")]
    NotAProjection,
    #[error("a proj string that proj4rs cannot use")]
    Rejected,
}

/// What to write instead, for `check`.
pub const PROJECTION_HINT: &str = "write EPSG:3067 (Finland), EPSG:3035 (Europe, equal-area), EPSG:258NN (UTM zone NN), a proj string such as \"+proj=laea +lat_0=39.5 +lon_0=-8 +ellps=GRS80\", or leave it out for a projection that fits the outline";

/// A projection from WGS84 longitude and latitude to metres.
#[derive(Debug, Clone)]
pub struct Projection {
    /// The proj string, as the manual and the tests can name it.
    pub definition: String,
    to: Proj,
}

/// WGS84, parsed once; `None` only if proj4rs rejected the constant, which the tests rule out.
fn wgs84() -> Option<&'static Proj> {
    static PROJ: OnceLock<Option<Proj>> = OnceLock::new();
    PROJ.get_or_init(|| Proj::from_proj_string(WGS84).ok())
        .as_ref()
}

impl Projection {
    /// EPSG:3067, the Finnish national grid.
    pub fn tm35fin() -> Option<Projection> {
        Projection::from_definition(TM35FIN)
    }

    /// A Lambert azimuthal equal-area projection centred on (`lat`, `lon`).
    pub fn centred(lat: f64, lon: f64) -> Option<Projection> {
        let lon = if lon > 180.0 { lon - 360.0 } else { lon };
        Projection::from_definition(&format!(
            "+proj=laea +lat_0={lat:.4} +lon_0={lon:.4} +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
        ))
    }

    fn from_definition(definition: &str) -> Option<Projection> {
        Some(Projection {
            definition: definition.to_string(),
            to: Proj::from_proj_string(definition).ok()?,
        })
    }

    /// The projection for an outline whose positions span `extent` (min lon, min lat, max
    /// lon, max lat, in degrees) around `centre` (lat, lon; the middle of its land): see the
    /// module's documentation. The centre is the land's, not the extent's, so that a country
    /// with far islands (Portugal with the Azores) keeps its mainland upright.
    pub fn for_outline(extent: [f64; 4], centre: (f64, f64)) -> Option<Projection> {
        let [w, s, e, n] = extent;
        let [aw, as_, ae, an] = TM35FIN_AREA;
        if w >= aw && s >= as_ && e <= ae && n <= an {
            Projection::tm35fin()
        } else {
            Projection::centred(centre.0, centre.1)
        }
    }

    /// The projection `map_projection` in `site.toml` names: `EPSG:3067` (Finland's grid),
    /// `EPSG:3035` (Europe, equal-area), `EPSG:258NN` or `EPSG:326NN` (UTM zone NN on ETRS89
    /// or WGS84), or a proj string (`+proj=laea +lat_0=52 +lon_0=10 …`).
    pub fn named(name: &str) -> Result<Projection, ProjectionError> {
        let name = name.trim();
        let upper = name.to_ascii_uppercase();
        let utm = |zone: &str, ellps: &str| -> Result<String, ProjectionError> {
            let z: u32 = zone
                .parse()
                .ok()
                .filter(|z| (1..=60).contains(z))
                .ok_or(ProjectionError::NoUtmZone)?;
            Ok(format!(
                "+proj=utm +zone={z} +ellps={ellps} +units=m +no_defs"
            ))
        };
        let definition = if name.starts_with("+proj=") {
            name.to_string()
        } else if let Some(code) = upper.strip_prefix("EPSG:") {
            match code {
                "3067" => TM35FIN.to_string(),
                "3035" => "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs".to_string(),
                c if c.len() == 5 && c.starts_with("258") => utm(&c[3..], "GRS80")?,
                c if c.len() == 5 && c.starts_with("326") => utm(&c[3..], "WGS84")?,
                _ => return Err(ProjectionError::UnknownCode),
            }
        } else {
            return Err(ProjectionError::NotAProjection);
        };
        Projection::from_definition(&definition).ok_or(ProjectionError::Rejected)
    }

    /// WGS84 latitude and longitude in degrees to (easting, northing) in metres. `None` for
    /// non-finite or out-of-range input, or when the projection fails.
    pub fn project(&self, lat: f64, lon: f64) -> Option<(f64, f64)> {
        if !(lat.is_finite() && lon.is_finite()) || lat.abs() > 90.0 || !LONGITUDES.contains(&lon) {
            return None;
        }
        let lon = if lon > 180.0 { lon - 360.0 } else { lon };
        let (x, y) = proj4rs::adaptors::transform_vertex_2d(
            wgs84()?,
            &self.to,
            (lon.to_radians(), lat.to_radians()),
        )
        .ok()?;
        (x.is_finite() && y.is_finite()).then_some((x, y))
    }
}

/// WGS84 latitude and longitude in degrees to EPSG:3067 (easting, northing) in metres.
pub fn project(lat: f64, lon: f64) -> Option<(f64, f64)> {
    Projection::tm35fin()?.project(lat, lon)
}

impl Outline {
    /// Accepts a FeatureCollection, a Feature or a bare Geometry; keeps every Polygon and
    /// MultiPolygon (also inside GeometryCollections) and ignores other geometry. Positions
    /// that cannot be projected are dropped, and so is a ring left with fewer than three.
    pub fn from_geojson(text: &str) -> Result<Outline, MapError> {
        let geojson: GeoJson = text
            .parse()
            .map_err(|e: geojson::Error| MapError::Json(e.to_string()))?;
        Outline::from_parsed(&geojson)
    }

    /// [`Outline::from_geojson`] for GeoJSON already parsed (whose properties the caller
    /// reads too).
    pub fn from_parsed(geojson: &GeoJson) -> Result<Outline, MapError> {
        Outline::from_parsed_in(geojson, None)
    }

    /// The outline a site's settings ask for: its GeoJSON `text`, in the projection
    /// `map_projection` names (or the one that fits, when unset or unknown — `check` reports
    /// an unknown one). The parsed GeoJSON comes back too, for its properties. `None` when
    /// the text is not an outline.
    pub fn for_site(text: &str, map_projection: Option<&str>) -> Option<(GeoJson, Outline)> {
        let geojson: GeoJson = text.parse().ok()?;
        let chosen = map_projection.and_then(|p| Projection::named(p).ok());
        let outline = Outline::from_parsed_in(&geojson, chosen.as_ref()).ok()?;
        Some((geojson, outline))
    }

    /// [`Outline::from_parsed`] in the projection `chosen` (`map_projection` of the site),
    /// or in the one that fits the outline when `None`.
    pub fn from_parsed_in(
        geojson: &GeoJson,
        chosen: Option<&Projection>,
    ) -> Result<Outline, MapError> {
        let mut raw: Vec<&PolygonType> = Vec::new();
        match geojson {
            GeoJson::FeatureCollection(fc) => {
                for feature in &fc.features {
                    if let Some(g) = &feature.geometry {
                        collect(&g.value, &mut raw);
                    }
                }
            }
            GeoJson::Feature(feature) => {
                if let Some(g) = &feature.geometry {
                    collect(&g.value, &mut raw);
                }
            }
            GeoJson::Geometry(g) => collect(&g.value, &mut raw),
        }
        let degrees = extent(&raw).ok_or(MapError::NoPolygons)?;
        let projection = match chosen {
            Some(p) => p.clone(),
            None => Projection::for_outline(
                degrees,
                land_centre(&raw).unwrap_or((
                    (degrees[1] + degrees[3]) / 2.0,
                    (degrees[0] + degrees[2]) / 2.0,
                )),
            )
            .ok_or(MapError::NoPolygons)?,
        };
        let polygons: Vec<Polygon<f64>> = raw
            .into_iter()
            .filter_map(|p| project_polygon(&projection, p))
            .collect();
        let mut bounds = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for c in polygons.iter().flat_map(|p| p.exterior().0.iter()) {
            bounds = [
                bounds[0].min(c.x),
                bounds[1].min(c.y),
                bounds[2].max(c.x),
                bounds[3].max(c.y),
            ];
        }
        let (w, h) = (bounds[2] - bounds[0], bounds[3] - bounds[1]);
        // a scale is derived from the extent: a flat or infinite one cannot be drawn
        if polygons.is_empty() || !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0) {
            return Err(MapError::NoPolygons);
        }
        Ok(Outline {
            polygons,
            bounds,
            extent: degrees,
            projection,
        })
    }

    /// Projected position of a place if the map draws it: it must project and fall within
    /// the outline's extent (a city abroad or with a typo in its coordinates is left out
    /// rather than stretching the map). Callers use this to say which places are missing.
    pub fn locate(&self, lat: f64, lon: f64) -> Option<(f64, f64)> {
        let (x, y) = self.projection.project(lat, lon)?;
        let [min_x, min_y, max_x, max_y] = self.bounds;
        // a coarse outline cuts corners: a town on the very coast or border (Cabo da Roca,
        // Nuorgam) may lie a little outside it, and is still on the map
        let m = EDGE * (max_x - min_x).max(max_y - min_y);
        ((min_x - m..=max_x + m).contains(&x) && (min_y - m..=max_y + m).contains(&y))
            .then_some((x, y))
    }

    /// The outline's extent in degrees: (min lon, min lat, max lon, max lat).
    pub fn extent(&self) -> [f64; 4] {
        self.extent
    }

    /// The projection the outline is drawn in.
    pub fn projection(&self) -> &Projection {
        &self.projection
    }

    /// Number of polygons kept (before simplification for drawing).
    pub fn polygon_count(&self) -> usize {
        self.polygons.len()
    }

    /// Projected extent in metres: (min x, min y, max x, max y).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let [a, b, c, d] = self.bounds;
        (a, b, c, d)
    }
}

fn collect<'a>(value: &'a GeometryValue, out: &mut Vec<&'a PolygonType>) {
    match value {
        GeometryValue::Polygon { coordinates } => out.push(coordinates),
        GeometryValue::MultiPolygon { coordinates } => out.extend(coordinates.iter()),
        // serde_json's recursion limit bounds the nesting, so this cannot overflow the stack
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                collect(&g.value, out);
            }
        }
        _ => {}
    }
}

/// The extent in degrees of the outer rings' positions that are numbers in range: (min lon,
/// min lat, max lon, max lat); `None` when there is none.
fn extent(raw: &[&PolygonType]) -> Option<[f64; 4]> {
    let mut e = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for ring in raw.iter().filter_map(|p| p.first()) {
        for pos in ring {
            let (Some(&lon), Some(&lat)) = (pos.as_slice().first(), pos.as_slice().get(1)) else {
                continue;
            };
            if LONGITUDES.contains(&lon) && lat.abs() <= 90.0 {
                e = [e[0].min(lon), e[1].min(lat), e[2].max(lon), e[3].max(lat)];
            }
        }
    }
    e.iter().all(|v| v.is_finite()).then_some(e)
}

/// The middle of the outline's land, (lat, lon): the centroid of its outer rings weighted by
/// their areas, in degrees (near enough to choose a projection's centre); `None` for rings
/// without area.
fn land_centre(raw: &[&PolygonType]) -> Option<(f64, f64)> {
    let (mut area, mut lon, mut lat) = (0.0f64, 0.0f64, 0.0f64);
    for ring in raw.iter().filter_map(|p| p.first()) {
        let pts: Vec<(f64, f64)> = ring
            .iter()
            .filter_map(|p| Some((*p.as_slice().first()?, *p.as_slice().get(1)?)))
            .filter(|(x, y)| LONGITUDES.contains(x) && y.abs() <= 90.0)
            .collect();
        let (mut a, mut cx, mut cy) = (0.0f64, 0.0f64, 0.0f64);
        for (p, q) in pts.iter().zip(pts.iter().cycle().skip(1)) {
            let cross = p.0 * q.1 - q.0 * p.1;
            a += cross;
            cx += (p.0 + q.0) * cross;
            cy += (p.1 + q.1) * cross;
        }
        if a.abs() > f64::EPSILON {
            // the ring's centroid is (cx, cy) / 3a; weighted by |a / 2|
            let w = (a / 2.0).abs();
            area += w;
            lon += w * cx / (3.0 * a);
            lat += w * cy / (3.0 * a);
        }
    }
    (area > 0.0 && (lat / area).is_finite() && (lon / area).is_finite())
        .then(|| (lat / area, lon / area))
}

fn project_polygon(projection: &Projection, rings: &PolygonType) -> Option<Polygon<f64>> {
    let mut rings = rings.iter().map(|ring| {
        let mut coords: Vec<Coord<f64>> = Vec::with_capacity(ring.len());
        for pos in ring {
            let (Some(&lon), Some(&lat)) = (pos.as_slice().first(), pos.as_slice().get(1)) else {
                continue;
            };
            let Some((x, y)) = projection.project(lat, lon) else {
                continue;
            };
            if coords.last() != Some(&Coord { x, y }) {
                coords.push(Coord { x, y });
            }
        }
        if coords.len() > 1 && coords.first() == coords.last() {
            coords.pop();
        }
        (coords.len() >= 3).then(|| LineString::new(coords))
    });
    let exterior = rings.next()??;
    let interiors: Vec<LineString<f64>> = rings.flatten().collect();
    Some(Polygon::new(exterior, interiors))
}
