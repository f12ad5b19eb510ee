//! `innopress init DIR`: a new site from the starter embedded in the binary (`starter/` in
//! the repository): one city, theme, indicator, project, article and newsletter issue, and a
//! README on how to go on. It builds and checks clean as it is. With a country
//! (`--country PT`) the site gets that country's built-in map and its city is one of the
//! country's (the first place the time zone database names: Lisbon), so it still builds
//! with no warning.

use include_dir::{Dir, include_dir};
use innopress_map::countries::{self, Country};
use std::path::Path;

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../starter");

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{} is a file, not a folder", .0.display())]
    NotAFolder(std::path::PathBuf),
    #[error(
        "{} is not empty; innopress init only writes into a new or empty folder, so nothing is overwritten",
        .0.display()
    )]
    NotEmpty(std::path::PathBuf),
    #[error("innopress has no outline of a country `{code}`{}", .hint.as_ref().map(|h| format!("; did you mean {h}?")).unwrap_or_default())]
    UnknownCountry { code: String, hint: Option<String> },
    #[error(
        "the built-in map of {0} ({1}) is too coarse to show a town of it; run init without --country and give the map an outline of your own (see the manual: the map of the cities)"
    )]
    NoTown(String, String),
    /// `action` is what failed: "read", "create", "write".
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> InitError {
    let path = path.to_path_buf();
    move |source| InitError::Io {
        action,
        path,
        source,
    }
}

/// The built-in country with this code, or why there is none.
pub fn country(code: &str) -> Result<Country, InitError> {
    let c = countries::find(code).ok_or_else(|| InitError::UnknownCountry {
        code: code.to_string(),
        hint: countries::code_for_name(code),
    })?;
    if c.town().is_none() {
        return Err(InitError::NoTown(c.name, c.code));
    }
    Ok(c)
}

/// Writes the starter site into `dir`, which must not exist or be empty, for `country` when
/// given. Returns the files written, relative to `dir`.
pub fn init(dir: &Path, country: Option<&Country>) -> Result<Vec<String>, InitError> {
    let local = country.and_then(Local::new);
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotAFolder(dir.to_path_buf()));
        }
        let mut entries = std::fs::read_dir(dir).map_err(io("read", dir))?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    }
    let mut written = Vec::new();
    let mut stack: Vec<&Dir> = vec![&STARTER];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            let rel = f.path();
            let target = dir.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io("create", parent))?;
            }
            let name = rel.to_string_lossy().replace('\\', "/");
            let contents = match (&local, f.contents_utf8()) {
                (Some(l), Some(text)) => l.adapt(&name, text).into_bytes(),
                _ => f.contents().to_vec(),
            };
            std::fs::write(&target, contents).map_err(io("write", &target))?;
            written.push(name);
        }
        stack.extend(d.dirs());
    }
    let output = dir.join("output");
    std::fs::create_dir_all(&output).map_err(io("create", &output))?;
    written.sort();
    Ok(written)
}

/// The starter made local: the country's map, its city in place of the starter's.
struct Local {
    code: String,
    country: String,
    city: String,
    id: String,
    lat: f64,
    lon: f64,
}

/// The starter's city, which a country's starter renames everywhere.
const STARTER_CITY: &str = "tampere";

impl Local {
    /// `None` for a country without a town ([`country`] refuses those).
    fn new(c: &Country) -> Option<Local> {
        let (city, lat, lon) = c.town()?;
        Some(Local {
            code: c.code.clone(),
            country: c.name.clone(),
            id: innopress_core::ids::suggest_slug(&city),
            city,
            lat,
            lon,
        })
    }

    fn adapt(&self, file: &str, text: &str) -> String {
        match file {
            "content/data/cities.toml" => format!(
                "# One [[city]] table per city. The id is used in projects, observations and addresses.\n\
                 [[city]]\n\
                 id = \"{id}\"\n\
                 name = \"{city}\"\n\
                 region = \"{country}\"   # the region the city is in\n\
                 # where the city is on the map, in decimal degrees\n\
                 lat = {lat}\n\
                 lon = {lon}\n",
                id = self.id,
                city = self.city,
                country = self.country,
                lat = self.lat,
                lon = self.lon,
            ),
            "content/site.toml" => text.replacen(
                "\n[newsletter]",
                &format!(
                    "\n# the map of the cities: {country}'s outline, built into innopress (Natural Earth)\n\
                     map = \"country:{code}\"\n\n[newsletter]",
                    country = self.country,
                    code = self.code,
                ),
                1,
            ),
            _ => text.replace(STARTER_CITY, &self.id),
        }
    }
}
