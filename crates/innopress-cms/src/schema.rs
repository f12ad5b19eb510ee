//! The content model as the editor sees it: each kind of file, its fields, their types,
//! whether they are required and the manual's hint. The Decap configuration is generated
//! from this, and saves are normalised by it; a unit test holds it against the loader's
//! own structs, so a field added there cannot be forgotten here.

/// Another table a field names by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    City,
    Theme,
    Indicator,
    Article,
}

/// What a field holds, and so which widget edits it and how a save is typed.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Long,
    /// A document's Markdown body.
    Body,
    Bool,
    Int,
    /// Euros with at most two decimals.
    Money,
    Float,
    /// A TOML date (`2025-04-10`).
    Date,
    /// A date or `"site"`.
    AsOf,
    /// A site path of a picture (`/images/x.jpg`).
    Image,
    /// The picture's alternative text: required when there is a picture.
    Alt,
    /// An address of another site.
    Url,
    Select(&'static [&'static str]),
    /// One id of another table.
    One(Ref),
    /// Several ids of another table.
    Many(Ref),
    /// The newsletter greeting: words, or `false` for none.
    Greeting,
    /// A sub-table (`[project.funding]`, `[newsletter]`).
    Table(&'static [Field]),
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub hint: &'static str,
}

const fn f(name: &'static str, label: &'static str, kind: Kind, hint: &'static str) -> Field {
    Field {
        name,
        label,
        kind,
        required: false,
        hint,
    }
}

const fn req(name: &'static str, label: &'static str, kind: Kind, hint: &'static str) -> Field {
    Field {
        name,
        label,
        kind,
        required: true,
        hint,
    }
}

/// The picture fields that documents, cities and projects share.
macro_rules! picture_fields {
    () => {
        [
            f(
                "image",
                "Picture",
                Kind::Image,
                "A photo or drawing shown at the top and on sharing cards (JPEG, PNG, WebP or GIF).",
            ),
            f(
                "image_alt",
                "Picture description (alt text)",
                Kind::Alt,
                "What the picture shows, for readers who cannot see it. Required with a picture.",
            ),
            f("image_caption", "Picture caption", Kind::Text, "Shown under the picture."),
            f("image_credit", "Picture credit", Kind::Text, "Who took or owns the picture."),
            f(
                "decorative",
                "The picture is decoration only",
                Kind::Bool,
                "Then leave the description empty: screen readers pass the picture by.",
            ),
        ]
    };
}

const PICTURE: [Field; 5] = picture_fields!();

const fn join<const A: usize, const B: usize, const N: usize>(
    a: [Field; A],
    b: [Field; B],
) -> [Field; N] {
    let mut out = [a[0]; N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

const AS_OF_HINT: &str = "The date the figures in the text are computed on: a date (2024-12-31) or \"site\" for the site's date. The document's date when empty.";

const DOC_HEAD: [Field; 8] = [
    req("title", "Title", Kind::Text, ""),
    f(
        "date",
        "Date",
        Kind::Date,
        "The day it is published; news is listed newest first.",
    ),
    f("as_of", "Figures as of", Kind::AsOf, AS_OF_HINT),
    f(
        "summary",
        "Summary",
        Kind::Long,
        "One or two sentences for lists, feeds and newsletters.",
    ),
    f(
        "cities",
        "Cities",
        Kind::Many(Ref::City),
        "The cities it is about.",
    ),
    f(
        "themes",
        "Themes",
        Kind::Many(Ref::Theme),
        "The themes it is about.",
    ),
    f(
        "draft",
        "Draft",
        Kind::Bool,
        "A draft is left out of the published site.",
    ),
    f(
        "body",
        "Text",
        Kind::Body,
        "Markdown. Live figures: {{ figure(name=\"total-funding\") }}, charts: {{ chart(name=\"funding-by-city\") }}.",
    ),
];

/// Articles, pages and reports.
pub const DOCUMENT: [Field; 13] = join(DOC_HEAD, PICTURE);

const ISSUE_HEAD: [Field; 13] = [
    req("title", "Title", Kind::Text, ""),
    req("date", "Date", Kind::Date, "The day the issue goes out."),
    f("as_of", "Figures as of", Kind::AsOf, AS_OF_HINT),
    req(
        "number",
        "Issue number",
        Kind::Int,
        "Unique: one more than the last issue.",
    ),
    f(
        "subject",
        "Email subject",
        Kind::Text,
        "The title when empty.",
    ),
    f(
        "preheader",
        "Preheader",
        Kind::Text,
        "The line email programs show after the subject.",
    ),
    f("summary", "Summary", Kind::Long, ""),
    f(
        "articles",
        "Articles teased",
        Kind::Many(Ref::Article),
        "In the order they appear in the email.",
    ),
    f("cities", "Cities", Kind::Many(Ref::City), ""),
    f("themes", "Themes", Kind::Many(Ref::Theme), ""),
    f(
        "draft",
        "Draft",
        Kind::Bool,
        "A draft is neither published nor sent.",
    ),
    f("body", "Text", Kind::Body, "Markdown, as in articles."),
    f(
        "image",
        "Picture",
        Kind::Image,
        "Shown at the top of the email and the issue's page.",
    ),
];

const ISSUE_PICTURE: [Field; 4] = [PICTURE[1], PICTURE[2], PICTURE[3], PICTURE[4]];

/// Newsletter issues.
pub const ISSUE: [Field; 17] = join(ISSUE_HEAD, ISSUE_PICTURE);

const ID_HINT: &str = "Lowercase letters, digits and hyphens (tampere, green-transition). Other tables use it; change it with care.";

const CITY_HEAD: [Field; 8] = [
    req("id", "Id", Kind::Text, ID_HINT),
    req("name", "Name", Kind::Text, ""),
    req("region", "Region", Kind::Text, ""),
    f("population", "Population", Kind::Int, ""),
    f(
        "lead_theme",
        "Lead theme",
        Kind::Text,
        "In the city's own words.",
    ),
    f("url", "Web address", Kind::Url, "https://…"),
    f(
        "lat",
        "Latitude",
        Kind::Float,
        "Decimal degrees, for the map (61.4981).",
    ),
    f(
        "lon",
        "Longitude",
        Kind::Float,
        "Decimal degrees, for the map (23.7610).",
    ),
];

pub const CITY: [Field; 13] = join(CITY_HEAD, PICTURE);

pub const THEME: [Field; 3] = [
    req("id", "Id", Kind::Text, ID_HINT),
    req("name", "Name", Kind::Text, ""),
    f("description", "Description", Kind::Long, ""),
];

pub const INDICATOR: [Field; 6] = [
    req("id", "Id", Kind::Text, ID_HINT),
    req("name", "Name", Kind::Text, ""),
    req(
        "unit",
        "Unit",
        Kind::Text,
        "EUR, count, percent, or a unit in words.",
    ),
    f(
        "aggregate",
        "How city values combine",
        Kind::Select(&["sum", "mean", "median"]),
        "The network's value for a year: the sum (default), mean or median of the cities'.",
    ),
    f(
        "higher_is_better",
        "Higher is better",
        Kind::Bool,
        "On by default.",
    ),
    f("description", "Description", Kind::Long, ""),
];

pub const FUNDING: [Field; 4] = [
    f("eu", "EU", Kind::Money, "Euros, at most two decimals."),
    f("state", "State", Kind::Money, "Euros."),
    f(
        "city",
        "City",
        Kind::Money,
        "Euros: the city's own co-financing.",
    ),
    f(
        "other",
        "Other",
        Kind::Money,
        "Euros: other public or private partners.",
    ),
];

const PROJECT_HEAD: [Field; 12] = [
    req("id", "Id", Kind::Text, ID_HINT),
    req("title", "Title", Kind::Text, ""),
    f(
        "city",
        "Owning city",
        Kind::One(Ref::City),
        "Empty for a network-wide project.",
    ),
    f(
        "partners",
        "Partner cities",
        Kind::Many(Ref::City),
        "Listed, not credited.",
    ),
    req("themes", "Themes", Kind::Many(Ref::Theme), "At least one."),
    req("start", "Start", Kind::Date, ""),
    req("end", "End", Kind::Date, "The last day (inclusive)."),
    req(
        "programme",
        "Programme",
        Kind::Text,
        "ERDF, ESF+, Horizon Europe, …",
    ),
    f(
        "international",
        "Won from an international competition",
        Kind::Bool,
        "",
    ),
    f("summary", "Summary", Kind::Long, ""),
    f("url", "Web address", Kind::Url, "https://…"),
    f(
        "funding",
        "Funding",
        Kind::Table(&FUNDING),
        "The total is the sum of the four.",
    ),
];

pub const PROJECT: [Field; 17] = join(PROJECT_HEAD, PICTURE);

pub const OBSERVATION: [Field; 7] = [
    req("city", "City", Kind::One(Ref::City), ""),
    req("indicator", "Indicator", Kind::One(Ref::Indicator), ""),
    req("year", "Year", Kind::Int, ""),
    f(
        "value",
        "Value",
        Kind::Float,
        "In the indicator's unit. Empty with “Not applicable”.",
    ),
    f(
        "target",
        "Target",
        Kind::Float,
        "The city's own target for the year.",
    ),
    f(
        "not_applicable",
        "Not applicable",
        Kind::Bool,
        "The indicator does not apply to the city this year (then no value).",
    ),
    f(
        "comment",
        "Comment",
        Kind::Text,
        "The city's note on the figure, shown beside it: “published only in 2026”.",
    ),
];

pub const NEWSLETTER: [Field; 10] = [
    req("from", "Sender", Kind::Text, "Name <address@example.org>"),
    f("reply_to", "Replies go to", Kind::Text, ""),
    f(
        "unsubscribe",
        "Unsubscribe address",
        Kind::Text,
        "mailto:… or an https address; {token} proves whose message it is.",
    ),
    f(
        "dkim_domain",
        "DKIM domain",
        Kind::Text,
        "The key file comes from INNOPRESS_DKIM_KEY.",
    ),
    f("dkim_selector", "DKIM selector", Kind::Text, ""),
    f(
        "address",
        "Postal address",
        Kind::Long,
        "In every message's footer; required for a campaign.",
    ),
    f(
        "greeting",
        "Greeting",
        Kind::Greeting,
        "{name} is the subscriber's name; false for none.",
    ),
    f(
        "subscribe",
        "How to join",
        Kind::Text,
        "mailto:join@example.org?subject=subscribe",
    ),
    f("return_path", "Bounces go to", Kind::Text, ""),
    f(
        "frequency",
        "How often issues come",
        Kind::Text,
        "The sign-up box's words: “A few times a year, by email, in English.” when empty.",
    ),
];

pub const SMTP: [Field; 4] = [
    f(
        "url",
        "Relay",
        Kind::Text,
        "smtp://host:587?tls=required; INNOPRESS_SMTP_URL overrides it.",
    ),
    f(
        "username",
        "Login name",
        Kind::Text,
        "The password only from INNOPRESS_SMTP_PASSWORD.",
    ),
    f("per_minute", "Messages per minute", Kind::Int, ""),
    f("ca_file", "Extra CA file", Kind::Text, ""),
];

pub const INBOX: [Field; 2] = [
    f(
        "url",
        "Mailbox",
        Kind::Text,
        "imaps://user@host/INBOX; the password from INNOPRESS_IMAP_PASSWORD.",
    ),
    f("ca_file", "Extra CA file", Kind::Text, ""),
];

pub const POLICY: [Field; 3] = [
    f(
        "min_city_share",
        "Least city share (%)",
        Kind::Float,
        "Empty: no such rule (the sample site's programme asks 25).",
    ),
    f("currency", "Currency code", Kind::Text, "EUR when empty."),
    f(
        "sources",
        "Names of the funding sources",
        Kind::Table(&SOURCES),
        "As pages and charts write them; the data keeps its keys.",
    ),
];

pub const SOURCES: [Field; 4] = [
    f("eu", "EU", Kind::Text, "EU when empty."),
    f("state", "State", Kind::Text, "State when empty."),
    f("city", "City", Kind::Text, "City when empty."),
    f("other", "Other", Kind::Text, "Other when empty."),
];

pub const CMS: [Field; 6] = [
    req(
        "backend",
        "Where the site is kept",
        Kind::Select(&["github", "gitlab"]),
        "",
    ),
    req("repo", "Repository", Kind::Text, "owner/name"),
    f("branch", "Branch", Kind::Text, "main when empty."),
    f(
        "auth_url",
        "Sign-in service",
        Kind::Text,
        "The OAuth service Decap signs in through; the host's own when empty.",
    ),
    f(
        "app_id",
        "OAuth application id",
        Kind::Text,
        "GitLab: the application's id, and Decap signs in by itself.",
    ),
    f(
        "editorial_workflow",
        "Changes as pull requests",
        Kind::Bool,
        "On by default: every change is a pull request to review.",
    ),
];

pub const COLLECT: [Field; 1] = [f(
    "publish_status",
    "Publish the collection's status page",
    Kind::Bool,
    "Off by default: which city still owes which figure is the team's page.",
)];

pub const SITE: [Field; 17] = [
    req("title", "Site name", Kind::Text, ""),
    f(
        "description",
        "Description",
        Kind::Long,
        "One line for the home page, search engines and the feed.",
    ),
    req(
        "base_url",
        "Public address",
        Kind::Url,
        "https://… where the site is published.",
    ),
    f("organisation", "Publisher", Kind::Text, ""),
    req(
        "as_of",
        "Figures as of",
        Kind::Date,
        "Decides which projects are planned, ongoing or closed.",
    ),
    f("logo", "Logo", Kind::Image, "SVG or PNG."),
    f(
        "brand_colour",
        "Brand colour",
        Kind::Text,
        "#rrggbb; white text on it must reach 4.5:1.",
    ),
    f(
        "license",
        "Licence of the open data",
        Kind::Text,
        "An SPDX id: CC-BY-4.0.",
    ),
    f("license_url", "Licence address", Kind::Url, ""),
    f(
        "map",
        "Map outline",
        Kind::Text,
        "A GeoJSON file under content/ (data/finland.geojson).",
    ),
    f(
        "map_projection",
        "Map projection",
        Kind::Text,
        "Empty: one that fits the outline. Or EPSG:3035, EPSG:258NN, a +proj= string.",
    ),
    f("newsletter", "Newsletter", Kind::Table(&NEWSLETTER), ""),
    f("smtp", "Sending", Kind::Table(&SMTP), ""),
    f("inbox", "Inbox", Kind::Table(&INBOX), ""),
    f("policy", "Programme rules", Kind::Table(&POLICY), ""),
    f(
        "cms",
        "Editing online",
        Kind::Table(&CMS),
        "Where the team edits the published site.",
    ),
    f("collect", "Data collection", Kind::Table(&COLLECT), ""),
];

/// What a file under `content/` is, to the editor.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// A Markdown document with TOML front matter.
    Document(&'static [Field]),
    /// A TOML file of top-level fields (`site.toml`).
    Settings(&'static [Field]),
    /// A TOML file of one array of tables (`[[city]]`).
    Rows(&'static str, &'static [Field]),
}

/// The shape of the file at `rel` (a path from the site's folder, with `/`), if the editor
/// may write it.
pub fn shape_of(rel: &str) -> Option<Shape> {
    let rest = rel.strip_prefix("content/")?;
    let (dir, name) = rest.rsplit_once('/').unwrap_or(("", rest));
    if name.starts_with('.') || name.contains('\\') {
        return None;
    }
    match (dir, name) {
        ("", "site.toml") => Some(Shape::Settings(&SITE)),
        ("data", "cities.toml") => Some(Shape::Rows("city", &CITY)),
        ("data", "themes.toml") => Some(Shape::Rows("theme", &THEME)),
        ("data", "indicators.toml") => Some(Shape::Rows("indicator", &INDICATOR)),
        ("data/projects", n) if n.ends_with(".toml") => Some(Shape::Rows("project", &PROJECT)),
        ("data/observations", n) if n.ends_with(".toml") => {
            Some(Shape::Rows("observation", &OBSERVATION))
        }
        ("newsletters", n) if n.ends_with(".md") && !n.ends_with(".frozen.md") => {
            Some(Shape::Document(&ISSUE))
        }
        ("articles" | "pages" | "reports", n) if n.ends_with(".md") => {
            Some(Shape::Document(&DOCUMENT))
        }
        _ => None,
    }
}
