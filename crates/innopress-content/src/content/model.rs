//! The content format as Rust types: what `content/site.toml`, the data tables and the front
//! matter may contain. Every struct denies unknown fields so a typo is an error, not a silently
//! ignored setting. Fields that later checks point at are `Spanned` so those checks can name
//! the line.

use innopress_core::date::Date;
use innopress_core::diagnostics::FileId;
use innopress_core::money::Money;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use toml::Spanned;

pub use super::policy::{Policy, Sources};

pub use super::editing::{CmsBackend, CmsConfig, CollectConfig};
pub use super::mailing::{
    DEFAULT_FREQUENCY, GreetingSetting, InboxConfig, NewsletterConfig, SmtpConfig,
};

pub use super::record::{Record, RecordedFigure, RecordedTable, TomlDate};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub base_url: Spanned<String>,
    #[serde(default)]
    pub organisation: String,
    /// The date that decides whether a project is planned, ongoing or closed.
    pub as_of: Date,
    #[serde(default)]
    pub newsletter: Option<NewsletterConfig>,
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    #[serde(default)]
    pub inbox: Option<InboxConfig>,
    /// The programme's rules that checks apply; today's values when left out.
    #[serde(default)]
    pub policy: Policy,
    /// The site's logo (SVG or PNG), as `/images/logo.svg`: header, favicon, sharing cards.
    #[serde(default)]
    pub logo: Option<Spanned<String>>,
    /// The brand colour as `#rrggbb`: the header and buttons, with white text on it.
    #[serde(default, alias = "brand_color")]
    pub brand_colour: Option<Spanned<String>>,
    /// The open data's licence as an SPDX id (`CC-BY-4.0`).
    #[serde(default)]
    pub license: Option<Spanned<String>>,
    /// Where the licence is read, when the SPDX id alone does not say.
    #[serde(default)]
    pub license_url: Option<Spanned<String>>,
    /// A GeoJSON outline under `content/` for the map of the cities (`data/finland.geojson`).
    #[serde(default)]
    pub map: Option<Spanned<String>>,
    /// The map's projection: `EPSG:3035`, a UTM zone (`EPSG:25829`), or a proj string; by
    /// default one that fits the outline (Finland's grid for Finland).
    #[serde(default)]
    pub map_projection: Option<Spanned<String>>,
    /// Where the team edits the published site in a browser.
    #[serde(default)]
    pub cms: Option<CmsConfig>,
    /// The yearly data collection: whether its status page is published.
    #[serde(default)]
    pub collect: CollectConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub id: Spanned<String>,
    pub name: String,
    /// Where the city is on the map, in decimal degrees (WGS 84).
    #[serde(default)]
    pub lat: Option<Spanned<f64>>,
    #[serde(default)]
    pub lon: Option<Spanned<f64>>,
    pub region: String,
    #[serde(default)]
    pub population: Option<u64>,
    #[serde(default)]
    pub lead_theme: Option<String>,
    /// Checked against [`innopress_core::urls::check_data_url`].
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// A lead picture: `/images/x.jpg` is `content/static/images/x.jpg`.
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    /// What the picture shows, for those who cannot see it; required with `image`.
    #[serde(default)]
    pub image_alt: Option<Spanned<String>>,
    #[serde(default)]
    pub image_caption: Option<String>,
    #[serde(default)]
    pub image_credit: Option<String>,
    /// The picture is decoration only (then `image_alt = ""`).
    #[serde(default)]
    pub decorative: bool,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    #[default]
    Sum,
    Mean,
    Median,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: Spanned<String>,
    pub name: String,
    pub unit: String,
    #[serde(default)]
    pub aggregate: Aggregate,
    #[serde(default = "yes")]
    pub higher_is_better: bool,
    #[serde(default)]
    pub description: String,
    #[serde(skip)]
    pub origin: Origin,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    #[serde(default)]
    pub eu: Money,
    #[serde(default)]
    pub state: Money,
    #[serde(default)]
    pub city: Money,
    #[serde(default)]
    pub other: Money,
}

impl Funding {
    pub fn total(&self) -> Money {
        self.eu + self.state + self.city + self.other
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: Spanned<String>,
    pub title: String,
    /// The owning city; `None` for a network-wide project.
    #[serde(default)]
    pub city: Option<Spanned<String>>,
    #[serde(default)]
    pub partners: Vec<Spanned<String>>,
    pub themes: Spanned<Vec<Spanned<String>>>,
    pub start: Spanned<Date>,
    pub end: Spanned<Date>,
    pub programme: String,
    #[serde(default)]
    pub international: bool,
    #[serde(default)]
    pub summary: String,
    /// Checked against [`innopress_core::urls::check_data_url`].
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    #[serde(default)]
    pub funding: Funding,
    /// A lead picture: `/images/x.jpg` is `content/static/images/x.jpg`.
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    /// What the picture shows, for those who cannot see it; required with `image`.
    #[serde(default)]
    pub image_alt: Option<Spanned<String>>,
    #[serde(default)]
    pub image_caption: Option<String>,
    #[serde(default)]
    pub image_credit: Option<String>,
    /// The picture is decoration only (then `image_alt = ""`).
    #[serde(default)]
    pub decorative: bool,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Planned,
    Ongoing,
    Closed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Planned => "Planned",
            Status::Ongoing => "Ongoing",
            Status::Closed => "Closed",
        }
    }
}

impl Project {
    /// Status on `as_of`: a project starting or ending that very day is ongoing.
    pub fn status(&self, as_of: Date) -> Status {
        if *self.start.get_ref() > as_of {
            Status::Planned
        } else if *self.end.get_ref() < as_of {
            Status::Closed
        } else {
            Status::Ongoing
        }
    }
}

/// Where an item was read: its file and the span of its table, for diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub file: FileId,
    pub span: Range<usize>,
}

/// The date a document's figures are computed on, when the front matter says: a date, or
/// `"site"` for the site's own `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    Date(Date),
    Site,
}

impl<'de> Deserialize<'de> for AsOf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match toml::Value::deserialize(d)? {
            toml::Value::String(s) if s == "site" => Ok(AsOf::Site),
            toml::Value::Datetime(dt) => Date::deserialize(toml::Value::Datetime(dt))
                .map(AsOf::Date)
                .map_err(|e| D::Error::custom(e.message())),
            other => Err(D::Error::custom(format!(
                "as_of is a date like 2024-12-31 (unquoted) or \"site\", not {other}"
            ))),
        }
    }
}

/// A lead picture as front matter or a data table gives it.
#[derive(Debug, Clone, Copy)]
pub struct LeadImage<'a> {
    pub path: &'a Spanned<String>,
    pub alt: Option<&'a Spanned<String>>,
    pub caption: Option<&'a str>,
    pub credit: Option<&'a str>,
    pub decorative: bool,
}

impl<'a> LeadImage<'a> {
    /// The file below `content/static/` (`/images/x.jpg` → `images/x.jpg`).
    pub fn rel(&self) -> &'a str {
        self.path.get_ref().trim_start_matches('/')
    }

    /// The alternative text ("" when decorative or missing; validation saw to it).
    pub fn alt_text(&self) -> &'a str {
        self.alt.map_or("", |a| a.get_ref().as_str())
    }
}

/// The lead picture fields, wherever they are.
macro_rules! lead_image {
    ($t:ty) => {
        impl $t {
            pub fn lead_image(&self) -> Option<LeadImage<'_>> {
                self.image.as_ref().map(|path| LeadImage {
                    path,
                    alt: self.image_alt.as_ref(),
                    caption: self.image_caption.as_deref(),
                    credit: self.image_credit.as_deref(),
                    decorative: self.decorative,
                })
            }

            /// `image_alt` given without `image`, for the check that says so.
            pub fn stray_alt(&self) -> Option<&Spanned<String>> {
                self.image_alt.as_ref().filter(|_| self.image.is_none())
            }
        }
    };
}
lead_image!(FrontMatter);
lead_image!(IssueMatter);
lead_image!(City);
lead_image!(Project);

/// Front matter of articles, pages and reports.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub date: Option<Spanned<Date>>,
    /// The date the figures are computed on; the document's `date` when not given.
    #[serde(default)]
    pub as_of: Option<AsOf>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub cities: Vec<Spanned<String>>,
    #[serde(default)]
    pub themes: Vec<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    /// A lead picture: `/images/x.jpg` is `content/static/images/x.jpg`.
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    /// What the picture shows, for those who cannot see it; required with `image`.
    #[serde(default)]
    pub image_alt: Option<Spanned<String>>,
    #[serde(default)]
    pub image_caption: Option<String>,
    #[serde(default)]
    pub image_credit: Option<String>,
    /// The picture is decoration only (then `image_alt = ""`).
    #[serde(default)]
    pub decorative: bool,
}

/// Front matter of a newsletter issue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueMatter {
    pub title: String,
    pub date: Spanned<Date>,
    #[serde(default)]
    pub as_of: Option<AsOf>,
    pub number: Spanned<u32>,
    #[serde(default)]
    pub subject: Option<Spanned<String>>,
    #[serde(default)]
    pub preheader: Option<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub articles: Vec<Spanned<String>>,
    #[serde(default)]
    pub cities: Vec<Spanned<String>>,
    #[serde(default)]
    pub themes: Vec<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    /// A lead picture: `/images/x.jpg` is `content/static/images/x.jpg`.
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    /// What the picture shows, for those who cannot see it; required with `image`.
    #[serde(default)]
    pub image_alt: Option<Spanned<String>>,
    #[serde(default)]
    pub image_caption: Option<String>,
    #[serde(default)]
    pub image_credit: Option<String>,
    /// The picture is decoration only (then `image_alt = ""`).
    #[serde(default)]
    pub decorative: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Article,
    Page,
    Report,
    Newsletter,
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [
        DocKind::Article,
        DocKind::Page,
        DocKind::Report,
        DocKind::Newsletter,
    ];

    /// The folder under `content/` holding this kind of document.
    pub fn folder(self) -> &'static str {
        match self {
            DocKind::Article => "articles",
            DocKind::Page => "pages",
            DocKind::Report => "reports",
            DocKind::Newsletter => "newsletters",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Matter {
    Doc(FrontMatter),
    Issue(IssueMatter),
}

/// A Markdown file: its front matter and where its body lies in the source text (the text
/// itself stays in [`innopress_core::diagnostics::Sources`], so it is held once).
#[derive(Debug, Clone)]
pub struct Document {
    pub kind: DocKind,
    pub slug: String,
    pub file: FileId,
    /// What the document was sent or frozen with, and the file that says so.
    pub record: Option<(std::sync::Arc<Record>, FileId)>,
    /// Whether the body may hold a shortcode (`{{`), found while the file was read, so that
    /// later stages need not search every body again.
    pub has_shortcodes: bool,
    /// The pictures its Markdown shows, found while the file was read.
    pub images: Vec<MarkdownImage>,
    /// Byte offset of the front matter within the file: spans in `matter` are relative to it.
    pub matter_offset: usize,
    pub body: Range<usize>,
    pub matter: Matter,
}

/// A Markdown picture `![alt](dest "title")`, where its source lies in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownImage {
    pub span: Range<usize>,
    pub dest: String,
    pub alt: String,
    pub title: String,
}

impl Document {
    pub fn lead_image(&self) -> Option<LeadImage<'_>> {
        match &self.matter {
            Matter::Doc(m) => m.lead_image(),
            Matter::Issue(m) => m.lead_image(),
        }
    }

    /// The lead picture's path below `content/static/`.
    pub fn image_rel(&self) -> Option<&str> {
        self.lead_image().map(|l| l.rel())
    }

    pub fn stray_alt(&self) -> Option<&Spanned<String>> {
        match &self.matter {
            Matter::Doc(m) => m.stray_alt(),
            Matter::Issue(m) => m.stray_alt(),
        }
    }

    pub fn title(&self) -> &str {
        match &self.matter {
            Matter::Doc(m) => &m.title,
            Matter::Issue(m) => &m.title,
        }
    }

    pub fn summary(&self) -> &str {
        match &self.matter {
            Matter::Doc(m) => &m.summary,
            Matter::Issue(m) => &m.summary,
        }
    }

    pub fn date(&self) -> Option<Date> {
        match &self.matter {
            Matter::Doc(m) => m.date.as_ref().map(|d| *d.get_ref()),
            Matter::Issue(m) => Some(*m.date.get_ref()),
        }
    }

    /// Where the record of this document is kept: `content/newsletters/NAME.sent.toml` for an
    /// issue (written when its campaign starts), `content/FOLDER/NAME.frozen.toml` otherwise.
    pub fn record_path(&self) -> String {
        let what = if self.kind == DocKind::Newsletter {
            "sent"
        } else {
            "frozen"
        };
        format!("content/{}/{}.{what}.toml", self.kind.folder(), self.slug)
    }

    /// The date this document's figures, charts and tables are computed on: its `as_of`,
    /// else its `date`, else the site's `as_of` (`site`), which `as_of = "site"` also asks for.
    pub fn as_of(&self, site: Date) -> Date {
        let own = match &self.matter {
            Matter::Doc(m) => m.as_of,
            Matter::Issue(m) => m.as_of,
        };
        if let Some((r, _)) = &self.record {
            return r.as_of.0;
        }
        match own {
            Some(AsOf::Date(d)) => d,
            Some(AsOf::Site) => site,
            None => self.date().unwrap_or(site),
        }
    }

    pub fn draft(&self) -> bool {
        match &self.matter {
            Matter::Doc(m) => m.draft,
            Matter::Issue(m) => m.draft,
        }
    }

    pub fn cities(&self) -> &[Spanned<String>] {
        match &self.matter {
            Matter::Doc(m) => &m.cities,
            Matter::Issue(m) => &m.cities,
        }
    }

    pub fn themes(&self) -> &[Spanned<String>] {
        match &self.matter {
            Matter::Doc(m) => &m.themes,
            Matter::Issue(m) => &m.themes,
        }
    }

    pub fn issue(&self) -> Option<&IssueMatter> {
        match &self.matter {
            Matter::Issue(m) => Some(m),
            Matter::Doc(_) => None,
        }
    }

    /// A span inside the front matter, made relative to the whole file.
    pub fn file_span(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.matter_offset..span.end + self.matter_offset
    }
}
