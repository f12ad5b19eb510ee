//! The country outline: read from GeoJSON once, projected to EPSG:3067 (ETRS-TM35FIN, the
//! projection Finnish maps use, so the country keeps its familiar shape) and kept in metres.
//! Simplification waits until the drawing scale is known (see `layout`).

use std::sync::OnceLock;

use geo::{Coord, LineString, Polygon};
use geojson::{GeoJson, GeometryValue, PolygonType};
use proj4rs::Proj;

use super::model::MapError;

const WGS84: &str = "+proj=longlat +ellps=WGS84 +datum=WGS84 +no_defs";
const TM35FIN: &str = "+proj=utm +zone=35 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";

/// The outline parsed and projected once (EPSG:3067, metres: x east, y north).
#[derive(Debug, Clone)]
pub struct Outline {
    pub(super) polygons: Vec<Polygon<f64>>,
    /// min x, min y, max x, max y in metres; width and height are both positive.
    pub(super) bounds: [f64; 4],
}

/// Both projections are parsed once; `None` only if proj4rs rejected the constant strings,
/// which the tests rule out.
fn projections() -> Option<&'static (Proj, Proj)> {
    static PROJ: OnceLock<Option<(Proj, Proj)>> = OnceLock::new();
    PROJ.get_or_init(|| {
        Some((
            Proj::from_proj_string(WGS84).ok()?,
            Proj::from_proj_string(TM35FIN).ok()?,
        ))
    })
    .as_ref()
}

/// WGS84 latitude and longitude in degrees to EPSG:3067 (easting, northing) in metres.
/// `None` for non-finite or out-of-range input, or when the projection fails.
pub fn project(lat: f64, lon: f64) -> Option<(f64, f64)> {
    if !(lat.is_finite() && lon.is_finite()) || lat.abs() > 90.0 || lon.abs() > 180.0 {
        return None;
    }
    let (src, dst) = projections()?;
    let (x, y) =
        proj4rs::adaptors::transform_vertex_2d(src, dst, (lon.to_radians(), lat.to_radians()))
            .ok()?;
    (x.is_finite() && y.is_finite()).then_some((x, y))
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
        let polygons: Vec<Polygon<f64>> = raw.into_iter().filter_map(project_polygon).collect();
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
        Ok(Outline { polygons, bounds })
    }

    /// Projected position of a place if the map draws it: it must project and fall within
    /// the outline's extent (a city abroad or with a typo in its coordinates is left out
    /// rather than stretching the map). Callers use this to say which places are missing.
    pub fn locate(&self, lat: f64, lon: f64) -> Option<(f64, f64)> {
        let (x, y) = project(lat, lon)?;
        let [min_x, min_y, max_x, max_y] = self.bounds;
        ((min_x..=max_x).contains(&x) && (min_y..=max_y).contains(&y)).then_some((x, y))
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

fn project_polygon(rings: &PolygonType) -> Option<Polygon<f64>> {
    let mut rings = rings.iter().map(|ring| {
        let mut coords: Vec<Coord<f64>> = Vec::with_capacity(ring.len());
        for pos in ring {
            let (Some(&lon), Some(&lat)) = (pos.as_slice().first(), pos.as_slice().get(1)) else {
                continue;
            };
            let Some((x, y)) = project(lat, lon) else {
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
