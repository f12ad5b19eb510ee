//! The team's own settings in `site.toml`: `[cms]`, where the team edits the published
//! site in a browser (Decap CMS with a Git host's backend; local editing through
//! `innopress serve` needs none of it), and `[collect]`, whether the yearly collection's
//! status page is published.

use serde::Deserialize;
use toml::Spanned;

/// The Git hosts Decap CMS edits through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CmsBackend {
    Github,
    Gitlab,
}

impl CmsBackend {
    pub fn name(self) -> &'static str {
        match self {
            CmsBackend::Github => "github",
            CmsBackend::Gitlab => "gitlab",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CmsConfig {
    pub backend: CmsBackend,
    /// `owner/name` of the repository holding the site.
    pub repo: Spanned<String>,
    /// The branch edits go to; `main` when not set.
    #[serde(default)]
    pub branch: Option<String>,
    /// The OAuth service Decap signs in through (its `base_url`), when not the host's own.
    #[serde(default)]
    pub auth_url: Option<String>,
    /// The OAuth application's id: with GitLab, Decap then signs in by itself (PKCE), with
    /// no service in between.
    #[serde(default)]
    pub app_id: Option<String>,
    /// Changes as pull requests to review (Decap's editorial workflow); on by default.
    #[serde(default = "yes")]
    pub editorial_workflow: bool,
}

fn yes() -> bool {
    true
}

/// `[collect]` in `site.toml`: the yearly data collection.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectConfig {
    /// Whether `impact/data-collection/` (which city still owes which figure) is published.
    /// Off by default: it is the team's working page; `collect status` prints the same. When
    /// on, the page asks search engines not to index it and is left out of the sitemap.
    #[serde(default)]
    pub publish_status: bool,
}
