//! The map's outline: the GeoJSON file `site.toml` names under `content/`, read and checked
//! that it parses and holds an area; every problem is reported at `map = …`.

use crate::diagnostics::{Diagnostics, SourceFile};
use std::path::Path;
use toml::Spanned;

/// Reads the GeoJSON outline `site.toml` names; every problem is reported at `map = …`.
pub fn load(
    root: &Path,
    map: &Spanned<String>,
    src: &SourceFile,
    diags: &mut Diagnostics,
) -> Option<std::sync::Arc<str>> {
    let rel = map.get_ref();
    let span = map.span();
    let safe = !rel.is_empty()
        && !rel.starts_with(['/', '\\'])
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if !safe {
        diags.error(
            src,
            span,
            format!("the map outline `{rel}` is not a path inside content/"),
            Some("write it from content/, e.g. map = \"data/finland.geojson\"".to_string()),
        );
        return None;
    }
    let text = match std::fs::read_to_string(root.join("content").join(rel)) {
        Ok(t) => t,
        Err(e) => {
            diags.error(
                src,
                span,
                format!("the map outline content/{rel} cannot be read: {e}"),
                Some(
                    "put a GeoJSON file with the country's outline there, or remove `map`"
                        .to_string(),
                ),
            );
            return None;
        }
    };
    match text.parse::<geojson::GeoJson>() {
        Ok(g) if has_polygon(&g) => Some(text.into()),
        Ok(_) => {
            diags.error(
                src,
                span,
                format!("the map outline content/{rel} holds no Polygon or MultiPolygon"),
                Some("the outline is drawn from polygons: export the country's area, not its border line or points".to_string()),
            );
            None
        }
        Err(e) => {
            diags.error(
                src,
                span,
                format!("the map outline content/{rel} is not GeoJSON: {e}"),
                Some("check the file in a GeoJSON viewer, or export it again".to_string()),
            );
            None
        }
    }
}

fn has_polygon(g: &geojson::GeoJson) -> bool {
    use geojson::{GeoJson, GeometryValue};
    let poly = |geom: &geojson::Geometry| {
        matches!(
            geom.value,
            GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. }
        )
    };
    match g {
        GeoJson::Geometry(geom) => poly(geom),
        GeoJson::Feature(f) => f.geometry.as_ref().is_some_and(poly),
        GeoJson::FeatureCollection(fc) => fc
            .features
            .iter()
            .any(|f| f.geometry.as_ref().is_some_and(poly)),
    }
}
