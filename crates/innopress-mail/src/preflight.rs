//! The checks an issue passes before its campaign sends the first message: every link and
//! picture answers on the published site, the HTML part is small enough that Gmail shows it
//! whole, the unsubscribe link and the postal address are in it, and no figure is left
//! unfilled. Problems are listed all at once, each at its place (the line of the issue that
//! holds the link, or the template that made it).

use crate::email::RenderedIssue;
use innopress_core::diagnostics::{Diagnostic, Diagnostics, Severity};
use std::collections::BTreeMap;
use std::time::Duration;

/// Gmail shows "[Message clipped]" and hides the rest (the unsubscribe link with it) above
/// about 102 KB of HTML.
pub const CLIP_BYTES: usize = 102_000;
/// Above this, a warning: a few more lines would clip the issue.
pub const WARN_BYTES: usize = 90_000;

/// What the checks need besides the rendered issue, gathered while it was rendered.
#[derive(Debug, Clone)]
pub struct Input {
    /// `content/newsletters/NAME.md`.
    pub issue_file: String,
    /// Every absolute address the issue's Markdown links to or shows, with its place (a
    /// diagnostic whose message is still empty).
    pub places: BTreeMap<String, Vec<Diagnostic>>,
    /// `[newsletter] address`, `None` when unset.
    pub address: Option<String>,
    /// Whether `[newsletter] unsubscribe` is set.
    pub unsubscribe: bool,
    /// Where `[newsletter]` is (`content/site.toml` and its line), for settings it lacks.
    pub settings: Diagnostic,
    /// The pictures the email carries, as it sends them.
    pub pictures: Vec<Picture>,
}

/// A picture of the email: the file it is sent as.
#[derive(Debug, Clone)]
pub struct Picture {
    /// Below `content/static/`.
    pub rel: String,
    /// The sent file's size in pixels.
    pub width: u32,
    pub height: u32,
    /// Its size in bytes, when the site has been built (the file is in the cache).
    pub bytes: Option<u64>,
    /// Where the issue shows it.
    pub place: Diagnostic,
}

/// A picture file above this many bytes is heavy for a phone on mobile data.
pub const HEAVY_PICTURE_BYTES: u64 = 500_000;
/// A picture taller than wide by this much fills a phone's screen (shown 552 px wide, it is
/// 690 px tall or more), pushing the words below the first screen.
pub const TALL_PICTURE: f64 = 1.25;

/// Why a picture is a burden to an email read on a phone, if it is.
fn heavy(p: &Picture) -> Option<String> {
    let tall = f64::from(p.height) >= TALL_PICTURE * f64::from(p.width.max(1));
    let big = p.bytes.is_some_and(|b| b > HEAVY_PICTURE_BYTES);
    if !tall && !big {
        return None;
    }
    let size = match p.bytes {
        Some(b) => format!("a {} KB, ", b.div_ceil(1000)),
        None => "a ".into(),
    };
    let mut why = Vec::new();
    if big {
        why.push("heavy on mobile data");
    }
    if tall {
        why.push("taller than a phone's screen, so the words start below it");
    }
    Some(format!(
        "the picture {} is sent as {size}{} × {} px file: {}",
        p.rel,
        p.width,
        p.height,
        why.join(", and ")
    ))
}

/// How the links are fetched.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Requests at a time.
    pub parallel: usize,
    pub timeout: Duration,
    /// Fetch nothing (a dry run connects to nothing).
    pub offline: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            parallel: 8,
            timeout: Duration::from_secs(15),
            offline: false,
        }
    }
}

/// Runs every check; errors mean the campaign must not start.
pub fn run(issue: &RenderedIssue, input: &Input, opts: Options) -> Diagnostics {
    let mut out = Diagnostics::default();
    let template = format!("output/newsletter/{}/email.html", issue.number);
    let places = Places {
        issue: Diagnostic::file_error(input.issue_file.clone(), ""),
        template: Diagnostic::file_error(template, ""),
    };
    // a realistic message: a long name and an unsubscribe link with a token
    let html = issue.html.fill(
        &issue.greeting("Firstname Lastname-Longername"),
        "https://example.org/unsubscribe?email=firstname.lastname%40example.org&token=0123456789abcdef0123456789abcdef",
    );
    let checks = size(&html, &places)
        .into_iter()
        .chain(footer(issue, input, &html, &places));
    for d in checks {
        out.push(d);
    }
    for p in &input.pictures {
        if let Some(message) = heavy(p) {
            out.push(at(
                &p.place,
                Severity::Warning,
                message,
                "crop it to a landscape shape (3:2) or use a smaller photo; the website shows it as it is",
            ));
        }
    }
    for (code, what) in [("{{ figure(", "figure"), ("{{ chart(", "chart")] {
        if html.contains(code) {
            out.push(at(
                &places.issue,
                Severity::Error,
                format!("a {what} could not be filled in: the message would show its code"),
                "run `innopress check`; the figure's data may be missing on the issue's date",
            ));
        }
    }
    if !opts.offline {
        for d in links(&html, input, &places, &opts) {
            out.push(d);
        }
    }
    out
}

/// Where problems are placed: the issue's file, the email template.
struct Places {
    issue: Diagnostic,
    template: Diagnostic,
}

/// A problem at the place of `d`.
fn at(d: &Diagnostic, severity: Severity, message: String, hint: &str) -> Diagnostic {
    Diagnostic {
        severity,
        stage: Default::default(),
        message,
        hint: Some(hint.to_string()),
        ..d.clone()
    }
}

/// The HTML part's size against Gmail's clipping.
fn size(html: &str, places: &Places) -> Option<Diagnostic> {
    let size = html.len();
    if size > CLIP_BYTES {
        return Some(at(
            &places.issue,
            Severity::Error,
            format!(
                "the HTML part is {} KB: Gmail clips messages above {} KB and hides the rest, the unsubscribe link with it",
                size / 1000,
                CLIP_BYTES / 1000
            ),
            "shorten the issue, tease fewer articles, or move long tables to the website and link them",
        ));
    }
    (size > WARN_BYTES).then(|| {
        at(
            &places.issue,
            Severity::Warning,
            format!(
                "the HTML part is {} KB, close to the {} KB at which Gmail clips a message",
                size / 1000,
                CLIP_BYTES / 1000
            ),
            "keep an eye on the length: a little more text would clip it",
        )
    })
}

/// The unsubscribe link and the postal address, set and shown.
fn footer(issue: &RenderedIssue, input: &Input, html: &str, places: &Places) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !input.unsubscribe {
        out.push(at(
            &input.settings,
            Severity::Error,
            "[newsletter] has no unsubscribe link: a campaign must let every subscriber leave"
                .into(),
            "add unsubscribe = \"mailto:unsubscribe@example.org\" (or an https address) to [newsletter]",
        ));
    } else if !issue.html.has_unsubscribe() || !issue.text.has_unsubscribe() {
        out.push(at(
            &places.template,
            Severity::Error,
            "the email templates do not show the unsubscribe link".into(),
            "keep {{ unsubscribe_url }} in email/email.html and email/email.txt",
        ));
    }
    match &input.address {
        None => out.push(at(
            &input.settings,
            Severity::Error,
            "[newsletter] has no postal address: anti-spam laws ask every campaign to show one"
                .into(),
            "add address = \"Street 1, 33100 Tampere, Finland\" to [newsletter]",
        )),
        Some(a) => {
            let first = a
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .unwrap_or("");
            if !html.contains(&innopress_core::text::escape_html(first)) {
                out.push(at(
                    &places.template,
                    Severity::Error,
                    "the email template does not show the postal address".into(),
                    "keep the {% for line in address %} loop of the default email/email.html",
                ));
            }
        }
    }
    out
}

/// Every web address of the message fetched; one problem for each place it is written.
fn links(html: &str, input: &Input, places: &Places, opts: &Options) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let urls = web_addresses(html);
    for (url, problem) in innopress_render::links::fetch_all(&urls, opts.parallel, opts.timeout) {
        let hint = "fix the address, or publish the site before sending: subscribers follow these links to the published site";
        match input.places.get(&url) {
            Some(written) => {
                for p in written {
                    out.push(at(p, Severity::Error, format!("`{url}` {problem}"), hint));
                }
            }
            None => out.push(at(
                &places.template,
                Severity::Error,
                format!("`{url}` {problem} (a link of the template or a teased article)"),
                hint,
            )),
        }
    }
    out
}

/// The http(s) addresses of every `href` and `src` in the HTML, each once, sorted.
fn web_addresses(html: &str) -> Vec<String> {
    let mut urls = std::collections::BTreeSet::new();
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            let url = &rest[..rest.find('"').unwrap_or(rest.len())];
            let url = url.replace("&amp;", "&");
            let lower = url.to_ascii_lowercase();
            if (lower.starts_with("http://") || lower.starts_with("https://"))
                && !url.starts_with("https://example.org/unsubscribe?")
            {
                urls.insert(url);
            }
        }
    }
    urls.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_found_once_and_the_test_unsubscribe_link_is_not() {
        let html = "<a href=\"https://e.org/a?x=1&amp;y=2\">a</a><img src=\"https://e.org/i.png\">\
                    <a href=\"https://e.org/i.png\">i</a><a href=\"mailto:x@e.org\">m</a>\
                    <img src=\"cid:c@innopress\"><a href=\"https://example.org/unsubscribe?email=x\">u</a>";
        assert_eq!(
            web_addresses(html),
            ["https://e.org/a?x=1&y=2", "https://e.org/i.png"]
        );
    }
}
