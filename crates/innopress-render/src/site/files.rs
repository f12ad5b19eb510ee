//! The files of the site that are not pages: feeds, open data, charts, theme assets and
//! the editor's, each made in parallel and written as soon as it is made; a large
//! register's open data is written as it is made, never held whole.

use super::{cards, feeds, opendata, sheets};
use crate::model::{Model, RenderError};

/// The output paths that are not HTML pages: feeds, data, assets, charts, static files and
/// the newsletter email files.
pub fn other_files(model: &Model) -> Vec<String> {
    let mut v: Vec<String> = [
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "data/summary.json",
        "data/datapackage.json",
        "data/projects.csv",
        "data/projects.xlsx",
        "data/projects.json",
        "data/observations.csv",
        "data/observations.xlsx",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(model.theme.assets.keys().map(|k| format!("assets/{k}")));
    v.extend(model.charts.keys().map(|k| format!("charts/{k}.svg")));
    v.extend(model.charts.keys().map(|k| format!("charts/{k}.csv")));
    v.extend(dated_chart_files(model).map(|(path, _)| path));
    v.extend(model.site.static_files.iter().cloned());
    v.extend(innopress_cms::published_names(model.cfg));
    v.extend(model.cards().iter().map(|c| cards::card_path(&c.dir)));
    for info in model.site.images.values() {
        for variant in info.variants() {
            v.push(variant.webp);
            v.push(variant.fallback);
        }
    }
    for d in &model.newsletters {
        let n = d.issue().map_or(0, |i| *i.number.get_ref());
        for f in ["email.html", "email.txt", "email.eml"] {
            v.push(format!("newsletter/{n}/{f}"));
        }
    }
    v.sort();
    v
}

/// The charts drawn on documents' own dates, as the files the feed links
/// (`charts/NAME-DATE.svg`; pages and email carry them inline), with their SVG.
pub fn dated_chart_files<'m>(model: &'m Model) -> impl Iterator<Item = (String, &'m str)> + 'm {
    model.dated.iter().flat_map(|(date, d)| {
        d.charts.values().map(move |c| {
            (
                format!("charts/{}.svg", crate::dated::chart_stem(&c.name, *date)),
                c.svg.as_str(),
            )
        })
    })
}

/// What fills a file given a writer into it.
pub(super) type Fill<'f> = dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()> + 'f;

/// Where the files that are not pages go, each call returning the error of writing: `put`
/// a file whole, or `stream` one in pieces as `fill` makes it.
pub(super) struct Out<'o> {
    pub(super) put: &'o (dyn Fn(&str, &[u8]) -> Option<RenderError> + Sync),
    pub(super) stream: &'o (dyn Fn(&str, &mut Fill) -> Option<RenderError> + Sync),
}

/// A part of the site that is not a page: makes its files and puts them, returning errors.
type OtherJob<'m> = Box<dyn Fn(&Out) -> Vec<RenderError> + Sync + Send + 'm>;

/// The files that are not pages: feeds, open data, charts, theme assets and the editor's.
pub(super) fn other_jobs<'m>(model: &'m Model) -> Vec<OtherJob<'m>> {
    let one = |path: &'static str, make: fn(&Model) -> String| -> OtherJob<'m> {
        Box::new(move |out: &Out| {
            (out.put)(path, make(model).as_bytes())
                .into_iter()
                .collect()
        })
    };
    vec![
        one("feed.xml", feeds::feed),
        one("sitemap.xml", feeds::sitemap_of),
        one("robots.txt", |m| feeds::robots(&m.base)),
        one("data/summary.json", |m| {
            serde_json::to_string_pretty(m.summary).unwrap_or_default() + "\n"
        }),
        one("data/datapackage.json", opendata::datapackage),
        Box::new(move |out: &Out| {
            let open = opendata::Projects::new(model);
            let mut errors: Vec<RenderError> = [
                (out.stream)("data/projects.json", &mut |w| open.write_json(w)),
                (out.stream)("data/projects-index.json", &mut |w| {
                    open.write_index(model, w)
                }),
            ]
            .into_iter()
            .flatten()
            .collect();
            let names = ("projects", "projects", "Projects");
            errors.extend(table_files(model, &open.table(), names, out));
            errors
        }),
        Box::new(move |out: &Out| {
            let names = ("observations", "impact figures", "Figures");
            table_files(model, &opendata::observations(model), names, out)
        }),
        Box::new(move |out: &Out| {
            let put = out.put;
            let mut errors = Vec::new();
            for chart in model.charts.values() {
                let name = &chart.name;
                errors.extend(put(&format!("charts/{name}.svg"), chart.svg.as_bytes()));
                errors.extend(put(
                    &format!("charts/{name}.csv"),
                    chart.table.csv().as_bytes(),
                ));
            }
            errors.extend(
                dated_chart_files(model).filter_map(|(path, svg)| put(&path, svg.as_bytes())),
            );
            for (name, data) in &model.theme.assets {
                errors.extend(put(&format!("assets/{name}"), data));
            }
            let published = innopress_cms::published(&model.site.root, model.cfg, &model.base.path);
            errors.extend(published.iter().filter_map(|(path, data)| put(path, data)));
            errors
        }),
    ]
}

/// An open data table as CSV and Excel (`data/NAME.csv`, `data/NAME.xlsx`); `names` are
/// NAME, what the workbook's title says it holds, and its sheet's name.
fn table_files(
    model: &Model,
    table: &sheets::Table,
    (name, what, sheet): (&str, &str, &str),
    out: &Out,
) -> Vec<RenderError> {
    let csv = format!("data/{name}.csv");
    let mut errors: Vec<RenderError> = (out.stream)(&csv, &mut |w| table.write_csv(w))
        .into_iter()
        .collect();
    let path = format!("data/{name}.xlsx");
    let title = format!("{}: {what}", model.cfg.title);
    match table.xlsx(&title, sheet, model.summary.as_of) {
        Ok(bytes) => errors.extend((out.put)(&path, &bytes)),
        Err(e) => errors.push(RenderError::Sheet {
            path,
            message: e.to_string(),
        }),
    }
    errors
}
