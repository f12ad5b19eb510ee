//! Where the cities are: degrees in range, both or neither, and with a map, every city on
//! it (a city without a location, or outside the outline, is left off it: a warning).

use crate::content::Site;
use innopress_core::diagnostics::Diagnostics;

/// Map locations: degrees in range, both or neither; with a map, a city left off it is
/// worth a warning.
pub fn check(site: &Site, diags: &mut Diagnostics) {
    let map = site.config.as_ref().is_some_and(|c| c.map.is_some());
    // the outline as the map will draw it, to tell which cities fall off it
    let projection = site
        .config
        .as_ref()
        .and_then(|c| c.map_projection.as_ref())
        .map(|p| p.get_ref().as_str());
    let outline = site
        .outline
        .as_deref()
        .and_then(|t| innopress_map::Outline::for_site(t, projection))
        .map(|(_, o)| o);
    for c in &site.cities {
        let file = c.origin.file;
        for (value, name, max) in [(&c.lat, "lat", 90.0), (&c.lon, "lon", 180.0)] {
            if let Some(v) = value
                && !(v.get_ref().is_finite() && v.get_ref().abs() <= max)
            {
                diags.error(
                    site.source(file),
                    v.span(),
                    format!("`{name}` of {} is {}, outside -{max}..{max}", c.name, v.get_ref()),
                    Some("write decimal degrees (WGS 84), as lat = 61.4978, lon = 23.761 for Tampere".into()),
                );
            }
        }
        match (&c.lat, &c.lon) {
            (Some(v), None) | (None, Some(v)) => diags.error(
                site.source(file),
                v.span(),
                format!("{} has only one of `lat` and `lon`", c.name),
                Some("give both, in decimal degrees, or neither".into()),
            ),
            (Some(lat), Some(lon))
                if lat.get_ref().abs() <= 90.0
                    && lon.get_ref().abs() <= 180.0
                    && outline.as_ref().is_some_and(|o| {
                    o.locate(*lat.get_ref(), *lon.get_ref()).is_none()
                }) =>
            {
                let [w, s, e, n] = outline.as_ref().map_or([0.0; 4], |o| o.extent());
                diags.warning(
                    site.source(file),
                    lat.span(),
                    format!(
                        "{} (lat {}, lon {}) is outside the map, which covers lat {s:.1} to {n:.1} and lon {w:.1} to {e:.1}, so the map leaves it out",
                        c.name,
                        lat.get_ref(),
                        lon.get_ref()
                    ),
                    Some("check that lat and lon are not swapped and are in decimal degrees, or give the map an outline that covers the city".into()),
                );
            }
            (None, None) if map => diags.warning(
                site.source(file),
                c.id.span(),
                format!("{} has no location, so the map leaves it out", c.name),
                Some("add lat = … and lon = … (decimal degrees) to the city in content/data/cities.toml".into()),
            ),
            _ => {}
        }
    }
}
