//! The map's outline: a country built into the program (`map = "country:PT"`), or the
//! GeoJSON file `site.toml` names under `content/`, read and checked that it parses and
//! holds an area; every problem is reported at `map = …`.

use innopress_core::diagnostics::{Diagnostics, SourceFile};
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
    if rel.len() >= 8 && rel.is_char_boundary(8) && rel[..8].eq_ignore_ascii_case("country:") {
        return built_in(&rel[8..], src, span, diags);
    }
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

/// A built-in country's outline, as GeoJSON text; an unknown code is an error with the code
/// meant when the name of a country was written instead.
fn built_in(
    code: &str,
    src: &SourceFile,
    span: std::ops::Range<usize>,
    diags: &mut Diagnostics,
) -> Option<std::sync::Arc<str>> {
    if let Some(country) = innopress_map::countries::find(code) {
        return Some(country.geojson().into());
    }
    let hint = match innopress_map::countries::code_for_name(code) {
        Some(c) => format!("write map = \"country:{c}\""),
        None => "write the country's two-letter ISO 3166-1 code, as map = \"country:PT\" for Portugal; `innopress init --list-countries` lists them all".to_string(),
    };
    diags.error(
        src,
        span,
        format!("the map names a country `{code}` that innopress does not know"),
        Some(hint),
    );
    None
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
