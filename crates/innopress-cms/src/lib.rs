//! Editing in the browser: Decap CMS configured from innopress's own content model.
//! [`schema`] is the model as the editor sees it, [`config`] the Decap configuration made
//! from it, [`normalise`] turns what the editor saves into the files the loader reads,
//! [`store`] answers Decap's local backend over `content/`, and [`assets`] holds the
//! editor itself. `serve` puts them on the network; a build writes them into a site
//! with `[cms]`.

pub mod assets;
pub mod config;
pub mod normalise;
pub mod schema;
pub mod store;

use innopress_content::content::model::SiteConfig;
use std::path::Path;

/// The files of `admin/` in a published site with `[cms]`: the page, the configuration for
/// the Git host's backend and the editor. Nothing when `[cms]` is not set.
pub fn published(root: &Path, cfg: &SiteConfig, base_path: &str) -> Vec<(String, Vec<u8>)> {
    if cfg.cms.is_none() {
        return Vec::new();
    }
    let settings = config::Settings {
        title: Some(cfg.title.clone()),
        base_url: Some(cfg.base_url.get_ref().clone()),
        cms: cfg.cms.clone(),
    };
    let yaml = config::to_yaml(&config::decap(root, &settings, config::Mode::Published));
    let mut out = vec![
        (
            "admin/index.html".to_string(),
            assets::page(&cfg.title, base_path, None).into_bytes(),
        ),
        ("admin/config.yml".to_string(), yaml.into_bytes()),
    ];
    out.extend(assets::files().map(|(name, bytes)| (format!("admin/{name}"), bytes.to_vec())));
    out
}

/// The names [`published`] writes, for the link check.
pub fn published_names(cfg: &SiteConfig) -> Vec<String> {
    if cfg.cms.is_none() {
        return Vec::new();
    }
    let mut v = vec![
        "admin/index.html".to_string(),
        "admin/config.yml".to_string(),
    ];
    v.extend(assets::files().map(|(name, _)| format!("admin/{name}")));
    v
}

#[cfg(test)]
mod tests;
