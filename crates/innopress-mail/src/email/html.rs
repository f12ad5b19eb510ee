//! The HTML and plain-text parts of an issue: table layout, one fluid column up to 600 px,
//! CSS inlined, absolute links, preheader, "view in browser", footer with organisation and
//! unsubscribe link; the charts as PNG images for inline parts.

use super::issue::{GREETING, InlineImage, RenderedIssue, Template, UNSUBSCRIBE};
use innopress_content::content::model::{Document, IssueMatter};
use innopress_core::markdown::shortcodes::Shortcode;
use innopress_core::strings::fill;
use innopress_render::model::{At, Model, RenderError, Target};
use innopress_render::pictures::Place;
use innopress_render::shortcodes::chart_key;
use serde::Serialize;
use tera::Context;

#[derive(Serialize)]
struct Teaser {
    title: String,
    summary: String,
    url: String,
    date_long: Option<String>,
    /// The article's lead picture as an `<img>` at the column's width, linking to the
    /// published site's file.
    image: Option<String>,
}

/// Whether the issue's text begins with a salutation of its own ("Dear readers,", "Hello
/// all!", "Hei kaikki,"): its first line's first word (or "good morning" and the like).
pub fn opens_with_salutation(body: &str) -> bool {
    const WORDS: [&str; 11] = [
        "dear",
        "hello",
        "hi",
        "hey",
        "greetings",
        "hei",
        "moi",
        "hej",
        "hallo",
        "bonjour",
        "tervehdys",
    ];
    let Some(first) = body.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return false;
    };
    let line = first
        .trim_start_matches(['*', '_', '>', ' '])
        .to_lowercase();
    // the opening phrase: up to four words, ended by a comma or an exclamation mark
    // ("Dear readers,", "Hei kaikki!"), so "Hyvät uutiset ensin: …" or "Hi-tech pilots" is
    // text, not a greeting
    let Some(end) = line.find([',', '!']) else {
        return false;
    };
    let phrase = &line[..end];
    if phrase.split_whitespace().count() > 4 {
        return false;
    }
    let word: String = phrase.chars().take_while(|c| c.is_alphabetic()).collect();
    let after = phrase[word.len()..].chars().next();
    (WORDS.contains(&word.as_str()) && after.is_none_or(char::is_whitespace))
        || [
            "good morning",
            "good afternoon",
            "good evening",
            "hyvät ",
            "hyvä ",
        ]
        .iter()
        .any(|p| phrase.starts_with(p))
}

/// The greeting's words (with a name, without), or `None` for `greeting = false`.
fn greeting_words(model: &Model) -> Option<(String, String)> {
    use innopress_content::content::model::GreetingSetting;
    let words = &model.theme.strings.email;
    match model
        .cfg
        .newsletter
        .as_ref()
        .and_then(|n| n.greeting.as_ref())
        .map(|g| g.get_ref())
    {
        Some(GreetingSetting::On(false)) => None,
        Some(GreetingSetting::Words(w)) => Some((w.clone(), super::issue::without_name(w))),
        _ => Some((words.greeting.clone(), words.greeting_without_name.clone())),
    }
}

/// The site's logo for the masthead: its largest PNG or JPEG on the published site, shown
/// 40 px high (the file is larger, for sharp screens).
fn logo(model: &Model) -> Option<Logo> {
    let rel = model.cfg.logo.as_ref()?.get_ref().trim_start_matches('/');
    let (url, w, h) = model.share_image(rel)?;
    let height = 40;
    Some(Logo {
        url,
        width: (w * height).div_ceil(h.max(1)).max(1),
        height,
    })
}

#[derive(Serialize)]
struct Logo {
    url: String,
    width: u32,
    height: u32,
}

pub fn render_issue(model: &Model, doc: &Document) -> Result<RenderedIssue, RenderError> {
    let Some(issue) = doc.issue() else {
        return Err(RenderError::Template {
            page: model.site.source(doc.file).path.clone(),
            template: "email/email.html".into(),
            message: "not a newsletter issue".into(),
        });
    };
    let number = *issue.number.get_ref();
    let base = &model.base;
    let path = format!("newsletter/{number}/email.html");
    let body = model.body_html(doc, &base.full, &path, Target::Email)?;
    // an issue that opens with its own "Dear readers," gets no second greeting
    let greeting = greeting_words(model).filter(|_| !opens_with_salutation(model.site.body(doc)));
    let parts = Parts {
        number,
        view_url: base.abs(&format!("newsletter/{number}/")),
        teased: teasers(model, issue),
        slot: if greeting.is_some() { GREETING } else { "" },
        address: postal_address(model),
        subject: issue
            .subject
            .as_ref()
            .map_or_else(|| doc.title().to_string(), |s| s.get_ref().clone()),
        preheader: issue
            .preheader
            .clone()
            .unwrap_or_else(|| doc.summary().to_string()),
        date_long: model.theme.strings.long_date(*issue.date.get_ref()),
        path,
    };
    let html = html_part(model, doc, &parts, &body.html)?;
    let text = text_part(model, doc, &parts)?;
    let images = chart_images(model, doc, &parts.path)?;
    Ok(RenderedIssue {
        number,
        title: doc.title().to_string(),
        subject: parts.subject,
        preheader: parts.preheader,
        date: *issue.date.get_ref(),
        view_url: parts.view_url,
        html: Template::parse(&html, true),
        text: Template::parse(&text, false),
        images,
        greeting,
    })
}

/// What the HTML and the text part of an issue both show.
struct Parts {
    number: u32,
    path: String,
    view_url: String,
    teased: Vec<Teaser>,
    /// The greeting's slot, or nothing when the issue greets its readers itself.
    slot: &'static str,
    address: Vec<String>,
    subject: String,
    preheader: String,
    date_long: String,
}

/// The articles an issue teases, in its order.
fn teasers(model: &Model, issue: &IssueMatter) -> Vec<Teaser> {
    let base = &model.base;
    let words = &model.theme.strings;
    issue
        .articles
        .iter()
        .filter_map(|slug| model.articles.iter().find(|a| a.slug == *slug.get_ref()))
        .map(|a| Teaser {
            title: a.title().to_string(),
            summary: a.summary().to_string(),
            url: base.abs(&Model::doc_dir(a)),
            date_long: a.date().map(|d| words.long_date(d)),
            image: a.lead_image().and_then(|l| {
                // the title below it says what the story is: the picture is decoration
                model.picture(l.rel(), "", &base.full, Place::Card, Target::Email)
            }),
        })
        .collect()
}

/// The postal address of the footer, line by line.
fn postal_address(model: &Model) -> Vec<String> {
    model
        .cfg
        .newsletter
        .as_ref()
        .and_then(|n| n.address.as_ref())
        .map(|a| {
            a.get_ref()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The HTML part: the template with absolute links, the body sanitised, the CSS inlined.
fn html_part(model: &Model, doc: &Document, p: &Parts, body: &str) -> Result<String, RenderError> {
    let base = &model.base;
    let lead = doc.lead_image().and_then(|l| {
        model
            .picture(
                l.rel(),
                l.alt_text(),
                &base.full,
                Place::Lead,
                Target::Email,
            )
            .map(|html| (html, l.caption.map(str::to_string)))
    });
    let mut ctx = model.base_context(&p.path, "newsletter", &p.subject);
    ctx.insert("number", &p.number);
    ctx.insert("title", doc.title());
    ctx.insert("subject", &p.subject);
    ctx.insert("preheader", &p.preheader);
    ctx.insert("date_long", &p.date_long);
    // the body goes in after the template's own links are made absolute, so that text in it
    // that merely looks like an attribute is never rewritten
    ctx.insert("content", BODY);
    ctx.insert("teased", &p.teased);
    ctx.insert("view_url", &p.view_url);
    ctx.insert("site_url", &base.full);
    ctx.insert("greeting", p.slot);
    ctx.insert("unsubscribe_url", UNSUBSCRIBE);
    ctx.insert("address", &p.address);
    ctx.insert("logo", &logo(model));
    ctx.insert("lead", &lead.as_ref().map(|(h, _)| h));
    ctx.insert("lead_caption", &lead.as_ref().and_then(|(_, c)| c.as_ref()));
    let html = model.render("email/email.html", &p.path, &ctx)?;
    let html = absolute_urls(&html, &p.view_url).replacen(BODY, &email_safe(body, &p.view_url), 1);
    inline_css(&html).map_err(|e| RenderError::Template {
        page: p.path.clone(),
        template: "email/email.html".into(),
        message: e.to_string(),
    })
}

/// The plain-text part, written from the Markdown.
fn text_part(model: &Model, doc: &Document, p: &Parts) -> Result<String, RenderError> {
    let base = &model.base;
    let at = model.at(doc);
    let text_body = super::text::render(
        model.site.body(doc),
        &base.full,
        &|sc| text_shortcode(model, at, sc, &p.view_url),
        &|url| {
            let rel = innopress_core::markdown::site_path(url, &base.path)?;
            model.share_image(rel).map(|(u, _, _)| u)
        },
    );
    let mut ctx = Context::new();
    ctx.insert("site", &model.site_title());
    ctx.insert("organisation", &model.cfg.organisation);
    ctx.insert("number", &p.number);
    ctx.insert("title", doc.title());
    ctx.insert("date_long", &p.date_long);
    ctx.insert("content", &text_body);
    ctx.insert("teased", &p.teased);
    ctx.insert("view_url", &p.view_url);
    ctx.insert("greeting", p.slot);
    ctx.insert("unsubscribe_url", UNSUBSCRIBE);
    ctx.insert("address", &p.address);
    ctx.insert(
        "lead",
        &doc.lead_image().map(|l| {
            // a drawing's raster file: no mail client shows SVG
            let url = model
                .share_image(l.rel())
                .map_or_else(|| base.abs(l.rel()), |(url, _, _)| url);
            (l.alt_text().to_string(), url)
        }),
    );
    model.render("email/email.txt", &p.path, &ctx)
}

/// The charts the body shows, as PNG parts.
fn chart_images(
    model: &Model,
    doc: &Document,
    path: &str,
) -> Result<Vec<InlineImage>, RenderError> {
    let at = model.at(doc);
    let mut keys: Vec<String> =
        innopress_core::markdown::shortcodes::find_in_markdown(model.site.body(doc))
            .into_iter()
            .flatten()
            .filter(|sc| sc.name == "chart")
            .map(|sc| chart_key(&sc))
            .collect();
    keys.sort();
    keys.dedup();
    let mut images = Vec::new();
    for key in keys {
        let Some(chart) = at.chart(&key) else {
            continue;
        };
        let png = innopress_charts::to_png(chart.for_email().0, 2.0).map_err(|e| {
            RenderError::Template {
                page: path.to_string(),
                template: format!("chart {key}"),
                message: e.to_string(),
            }
        })?;
        images.push(InlineImage {
            cid: format!("{key}@innopress"),
            png,
            alt: chart.desc.clone(),
        });
    }
    Ok(images)
}

fn text_shortcode(model: &Model, at: At<'_>, sc: &Shortcode, view_url: &str) -> Option<String> {
    let words = &model.theme.strings;
    match sc.name.as_str() {
        "figure" => at.figure(sc, words),
        "chart" => {
            let chart = at.chart(&chart_key(sc))?;
            Some(fill(
                &words.email.text_chart,
                &[("title", &chart.title), ("description", &chart.desc)],
            ))
        }
        "table" => Some(fill(&words.email.text_table, &[("url", view_url)])),
        _ => None,
    }
}

/// Where the body goes into the rendered template.
const BODY: &str = "INNOPRESS-SLOT-BODY";

/// CSS properties the issue's own `style` attributes may set: the look of text, boxes and
/// tables; not position, layering, backgrounds images or behaviours.
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "line-height",
    "letter-spacing",
    "text-align",
    "text-decoration",
    "text-transform",
    "vertical-align",
    "white-space",
    "display",
    "width",
    "min-width",
    "max-width",
    "height",
    "min-height",
    "max-height",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-collapse",
    "border-spacing",
    "border-radius",
    "list-style-type",
];

/// The issue's own HTML as a mail may carry it. Editors may write raw HTML, and on the
/// website it stays theirs; but a script, frame, form, event handler, a link to anything but
/// the web, mail or the message's own images, or positioned and scripted CSS has no place in
/// a mail (clients drop them, spam filters count them), so they go here. Relative
/// addresses become absolute, as a mail has no address of its own.
fn email_safe(html: &str, page_url: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["class", "id", "style", "width", "height", "align", "role"])
        .url_schemes(["http", "https", "mailto", "tel", "cid"].into())
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
        .link_rel(None);
    if let Ok(base) = url::Url::parse(page_url) {
        b.url_relative(ammonia::UrlRelative::RewriteWithBase(base));
    }
    b.clean(html).to_string()
}

/// Inlines the template's CSS into `style` attributes. `@media` rules cannot be inlined and
/// stay in a `<style>` element for the clients that read it.
fn inline_css(html: &str) -> Result<String, css_inline::InlineError> {
    let inliner = css_inline::CSSInliner::options()
        .keep_at_rules(true)
        .load_remote_stylesheets(false)
        .build();
    inliner.inline(html)
}

/// Makes every `href`/`src` absolute: email has no base address, so a relative link would
/// point nowhere. `cid:`, `mailto:`, `#` and absolute URLs are left alone.
pub fn absolute_urls(html: &str, page_url: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\""]
            .iter()
            .filter_map(|a| rest.find(a).map(|i| (i, a.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        let end = rest.find('"').unwrap_or(rest.len());
        let url = &rest[..end];
        out.push_str(&resolve(url, page_url));
        rest = &rest[end..];
    }
    out
}

/// `url` as found on the page at `page_url`, made absolute.
pub fn resolve(url: &str, page_url: &str) -> String {
    // an address with a scheme (in any letter case) is absolute already
    if url.is_empty()
        || url.starts_with('#')
        || url.starts_with(UNSUBSCRIBE)
        || url::Url::parse(url).is_ok()
    {
        return url.to_string();
    }
    let (scheme_host, path) = match page_url
        .find("://")
        .and_then(|i| page_url[i + 3..].find('/').map(|j| i + 3 + j))
    {
        Some(i) => (&page_url[..i], &page_url[i..]),
        None => (page_url, "/"),
    };
    if let Some(rest) = url.strip_prefix("//") {
        let scheme = page_url.split("://").next().unwrap_or("https");
        return format!("{scheme}://{rest}");
    }
    let mut parts: Vec<&str> = if url.starts_with('/') {
        Vec::new()
    } else {
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    let trailing = url.ends_with('/');
    for seg in url.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut s = format!("{scheme_host}/{}", parts.join("/"));
    if trailing && !s.ends_with('/') {
        s.push('/');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_that_greets_its_readers_is_known() {
        for yes in [
            "Dear readers,\n\nWelcome",
            "\n**Hello all!** This spring",
            "Hei kaikki,",
            "Hyvät lukijat,",
            "Good morning from Oulu!",
        ] {
            assert!(opens_with_salutation(yes), "{yes}");
        }
        for no in [
            "## Highlights\n\nDear",
            "Hiring season is here",
            "Helsinki opens",
            "Hyvät uutiset ensin: kolme pilottia",
            "Hi-tech pilots in Oulu, Tampere and Turku",
            "",
        ] {
            assert!(!opens_with_salutation(no), "{no}");
        }
    }

    #[test]
    fn slots_are_filled_and_escaped() {
        let t = Template::parse(
            &format!("<p>{GREETING}</p><a href=\"{UNSUBSCRIBE}\">x</a>"),
            true,
        );
        assert_eq!(
            t.fill("Hello <Maija>,", "https://u/?a=1&b=2"),
            "<p>Hello &lt;Maija&gt;,</p><a href=\"https://u/?a=1&amp;b=2\">x</a>"
        );
        let t = Template::parse(&format!("{GREETING}\n{UNSUBSCRIBE}"), false);
        assert_eq!(t.fill("Hi <x>", "u"), "Hi <x>\nu");
    }

    #[test]
    fn scripts_handlers_and_script_links_leave_the_email() {
        let html = email_safe(
            "<p onclick=\"x()\">a <a href=\"JavaScript:alert(1)\">b</a></p>\
             <script>alert(1)</script><iframe src=\"https://e.org\"></iframe>\
             <img src=\"cid:chart@innopress\" alt=\"c\"><a href=\"https://e.org/\" class=\"k\">d</a>\
             <a href=\"../x/\">e</a><a href=\"magnet:?x\">f</a>",
            "https://e.org/n/1/",
        );
        assert_eq!(
            html,
            "<p>a <a>b</a></p><img src=\"cid:chart@innopress\" alt=\"c\"><a href=\"https://e.org/\" class=\"k\">d</a>\
             <a href=\"https://e.org/n/x/\">e</a><a>f</a>"
        );
        // CSS: only the look of text and boxes, and nothing malformed for the inliner
        let html = email_safe(
            "<p style=\"color:red;position:fixed;z-index:9;background:url(javascript:x);(\">s</p>",
            "https://e.org/",
        );
        assert_eq!(html, "<p style=\"color:red\">s</p>");
    }

    #[test]
    fn relative_urls_become_absolute() {
        let page = "https://e.org/inno/newsletter/2/";
        assert_eq!(resolve("../../news/a/", page), "https://e.org/inno/news/a/");
        assert_eq!(resolve("/x.png", page), "https://e.org/x.png");
        assert_eq!(
            resolve("img.png", page),
            "https://e.org/inno/newsletter/2/img.png"
        );
        assert_eq!(resolve("cid:a@b", page), "cid:a@b");
        let html = absolute_urls("<a href=\"../x/\">a</a><img src=\"cid:c\">", page);
        assert_eq!(
            html,
            "<a href=\"https://e.org/inno/newsletter/x/\">a</a><img src=\"cid:c\">"
        );
    }
}
