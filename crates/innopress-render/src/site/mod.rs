//! The website renderer: every page of the site, its feeds and open data. Each page is an
//! independent job with its own small context; jobs run in parallel and hand their bytes to
//! the caller's writer at once, so memory follows the largest page, not the whole site.
//! Output never depends on the order jobs finish in. The page families live in the files
//! beside this one; this one lists the jobs and runs them.

pub mod cards;
mod chrome;
mod documents;
pub mod feeds;
mod files;
mod home;
mod impact;
mod lists;
mod news;
pub mod opendata;
mod places;
mod projects;
pub mod share;
mod sheets;

use super::model::{Model, RenderError};
use super::view::*;
use files::{Fill, Out, other_jobs};
pub use files::{dated_chart_files, other_files};
use innopress_content::content::model::{DocKind, Document};
use innopress_core::text::count;
pub use news::NewsOf;
use projects::DASHBOARD_PAGE;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where rendered files go: `write(relative path, bytes)`. The build passes the staging
/// folder, a serve rebuild the live one; the renderer itself touches no file.
pub type Sink<'s> = dyn Fn(&str, &[u8]) -> Result<(), RenderError> + Sync + 's;
/// Where a large file goes in pieces: `stream(relative path, fill)` hands `fill` a writer
/// into the file and returns the bytes written, so that a big register's open data is
/// written as it is made and never held whole.
pub type Stream<'s> = dyn Fn(
        &str,
        &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<usize, RenderError>
    + Sync
    + 's;
/// What sees each rendered page of [`render_site`]: (path, HTML).
pub type PageHook<'s> = dyn Fn(&str, &str) + Sync + 's;

/// What a render produced, for the summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    pub bytes: usize,
    /// Pictures encoded by this build, and pictures whose variants came from the cache.
    pub images_encoded: usize,
    pub images_cached: usize,
}

#[derive(Debug, Clone)]
enum Job {
    Home,
    /// Page `n` (1-based) of a news list.
    News(NewsOf, usize),
    Doc(DocKind, usize),
    ReportList,
    /// Page `n` (1-based) of the project dashboard.
    Dashboard(usize),
    Project(usize),
    CityList,
    City(usize),
    ThemeList,
    Theme(usize),
    Impact,
    NewsletterList,
    NotFound,
    Privacy,
    Search,
    DataCollection,
}

impl<'a> Model<'a> {
    fn jobs(&self) -> Vec<Job> {
        let mut jobs = vec![
            Job::Home,
            Job::News(NewsOf::All, 1),
            Job::ReportList,
            Job::Dashboard(1),
            Job::CityList,
            Job::ThemeList,
            Job::Impact,
            Job::NewsletterList,
            Job::NotFound,
            Job::Search,
        ];
        if self.cfg.collect.publish_status {
            jobs.push(Job::DataCollection);
        }
        if self.cfg.newsletter.is_some() {
            jobs.push(Job::Privacy);
        }
        for kind in DocKind::ALL {
            jobs.extend((0..self.docs(kind).len()).map(|i| Job::Doc(kind, i)));
        }
        jobs.extend((2..=self.news_pages(NewsOf::All)).map(|n| Job::News(NewsOf::All, n)));
        let topics = (0..self.site.cities.len())
            .map(NewsOf::City)
            .chain((0..self.site.themes.len()).map(NewsOf::Theme));
        for of in topics {
            jobs.extend((1..=self.news_pages(of)).map(|n| Job::News(of, n)));
        }
        jobs.extend((2..=self.dashboard_pages()).map(Job::Dashboard));
        jobs.extend((0..self.projects.len()).map(Job::Project));
        jobs.extend((0..self.site.cities.len()).map(Job::City));
        jobs.extend((0..self.site.themes.len()).map(Job::Theme));
        jobs
    }

    /// Renders one job: its output path, page text and (a document's) search record.
    fn run(&self, job: &Job) -> Result<Rendered, RenderError> {
        let page = match job {
            Job::Doc(kind, i) => return self.doc_page(self.docs(*kind)[*i]),
            Job::Home => self.home(),
            Job::News(of, n) => self.news_list(*of, *n),
            Job::ReportList => self.report_list(),
            Job::NewsletterList => self.newsletter_list(),
            Job::Dashboard(n) => self.dashboard(*n),
            Job::Project(i) => self.project(*i),
            Job::CityList => self.city_list(),
            Job::City(i) => self.city(*i),
            Job::ThemeList => self.theme_list(),
            Job::Theme(i) => self.theme_page(*i),
            Job::Impact => self.impact(),
            Job::NotFound => self.not_found(),
            Job::Privacy => self.privacy(),
            Job::Search => self.search_page(),
            Job::DataCollection => self.data_collection(),
        };
        page.map(|(path, html)| Rendered {
            path,
            html,
            record: None,
        })
    }

    /// The project rows of a city or theme page, bounded like a dashboard page: past
    /// [`DASHBOARD_PAGE`] projects, the largest by funding, with a pointer to the dashboard
    /// filtered to all of them (`filter` is its query, e.g. `theme=wellbeing`).
    fn capped_rows(
        &self,
        filter: &str,
        pred: impl Fn(&innopress_content::content::model::Project) -> bool,
    ) -> (Vec<ProjectRow<'a>>, Option<More>) {
        let mut rows = self.rows(pred);
        if rows.len() <= DASHBOARD_PAGE {
            return (rows, None);
        }
        let total = rows.len();
        rows.sort_by(|a, b| b.total_cents.cmp(&a.total_cents).then(a.id.cmp(b.id)));
        rows.truncate(DASHBOARD_PAGE);
        let more = More {
            shown: count(DASHBOARD_PAGE),
            total: count(total),
            href: format!("projects/?{filter}"),
        };
        (rows, Some(more))
    }

    /// How many pages the dashboard has (bounded pages, so 20,000 projects stay usable).
    fn dashboard_pages(&self) -> usize {
        self.projects.len().div_ceil(DASHBOARD_PAGE).max(1)
    }
}

/// One rendered page.
pub(crate) struct Rendered {
    path: String,
    html: String,
    /// A document's search record, made from its body as it rendered.
    record: Option<crate::search::SearchRecord>,
}

/// A link to one page of a list that has several; a `gap` stands for the pages left out
/// between two links.
#[derive(Debug, Serialize)]
struct PageLink {
    number: usize,
    href: String,
    current: bool,
    gap: bool,
}

impl PageLink {
    /// The links a pager shows on page `current` of `total`: the first and last pages and
    /// the two on either side of this one, with a gap where pages are left out, so that a
    /// list of a hundred pages has a pager of nine links, not a hundred.
    fn window(current: usize, total: usize, href: impl Fn(usize) -> String) -> Vec<PageLink> {
        let mut links = Vec::new();
        let mut shown = 0;
        for k in 1..=total {
            if k == 1 || k == total || k.abs_diff(current) <= 2 {
                if k > shown + 1 {
                    links.push(PageLink {
                        number: 0,
                        href: String::new(),
                        current: false,
                        gap: true,
                    });
                }
                links.push(PageLink {
                    number: k,
                    href: href(k),
                    current: k == current,
                    gap: false,
                });
                shown = k;
            }
        }
        links
    }
}

/// A list cut short on a page, and where the whole list is.
#[derive(Debug, Serialize)]
struct More {
    shown: String,
    total: String,
    /// From the site root.
    href: String,
}

/// What an edit needs rendered again (see `incremental` in the build crate).
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// Documents by kind and slug.
    pub docs: Vec<(DocKind, String)>,
    /// The home page and the news, report and newsletter lists.
    pub lists: bool,
    /// The home page and the pages of the news list that show an edited article.
    pub news: NewsPages,
    pub feed: bool,
    pub sitemap: bool,
    pub cities: std::collections::BTreeSet<String>,
    pub themes: std::collections::BTreeSet<String>,
    /// Newsletter issues whose email files are written again.
    pub emails: std::collections::BTreeSet<u32>,
}

/// Which pages of the news list an edit shows on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub enum NewsPages {
    #[default]
    None,
    /// The page of each list that shows this article (by slug): its place in the lists is
    /// the same.
    Of(String),
    /// Every page: an article's date or its cities or themes changed, and with them the
    /// lists.
    All,
}

/// The pages an edit touches, as jobs.
fn selected_jobs(model: &Model, sel: &Selection) -> Vec<Job> {
    let mut jobs = Vec::new();
    for (kind, slug) in &sel.docs {
        if let Some(i) = model.docs(*kind).iter().position(|d| d.slug == *slug) {
            jobs.push(Job::Doc(*kind, i));
        }
    }
    // the pages of a news list an edit shows on: the one with the article when it kept
    // its place, every one when the order changed
    let news_pages = |of: NewsOf| -> Vec<Job> {
        let page = match &sel.news {
            NewsPages::None => return Vec::new(),
            NewsPages::Of(slug) => model.news_page_of(of, slug),
            NewsPages::All => None,
        };
        match page.filter(|_| model.news_pages(of) > 0) {
            Some(n) => vec![Job::News(of, n)],
            None => (1..=model.news_pages(of))
                .map(|n| Job::News(of, n))
                .collect(),
        }
    };
    if sel.lists {
        jobs.extend([Job::Home, Job::ReportList, Job::NewsletterList]);
        jobs.extend((1..=model.news_pages(NewsOf::All)).map(|n| Job::News(NewsOf::All, n)));
    } else if sel.news != NewsPages::None {
        jobs.push(Job::Home);
        jobs.extend(news_pages(NewsOf::All));
    }
    for (i, c) in model.site.cities.iter().enumerate() {
        if sel.cities.contains(c.id.get_ref()) {
            jobs.push(Job::City(i));
            jobs.extend(news_pages(NewsOf::City(i)));
        }
    }
    for (i, t) in model.site.themes.iter().enumerate() {
        if sel.themes.contains(t.id.get_ref()) {
            jobs.push(Job::Theme(i));
            jobs.extend(news_pages(NewsOf::Theme(i)));
        }
    }
    jobs
}

/// Renders only `sel` into `sink` (a serve rebuild). Returns the number of files written
/// and the search records of the documents rendered, for the index to take.
pub fn render_selected(
    model: &Model,
    sel: &Selection,
    sink: &Sink,
) -> Result<(usize, Vec<crate::search::SearchRecord>), Vec<RenderError>> {
    let jobs = selected_jobs(model, sel);
    let written = AtomicUsize::new(0);
    let records = std::sync::Mutex::new(Vec::new());
    let mut errors: Vec<RenderError> = jobs
        .par_iter()
        .filter_map(|job| {
            let r = model.run(job).and_then(|page| {
                if let (Some(record), Ok(mut records)) = (page.record, records.lock()) {
                    records.push(record);
                }
                sink(&page.path, page.html.as_bytes())
            });
            written.fetch_add(1, Ordering::Relaxed);
            r.err()
        })
        .collect();
    let mut extra: Vec<OutputFile> = Vec::new();
    if sel.feed {
        extra.push(("feed.xml".into(), feeds::feed(model).into_bytes()));
    }
    if sel.sitemap {
        extra.push(("sitemap.xml".into(), feeds::sitemap_of(model).into_bytes()));
    }
    for (path, bytes) in &extra {
        match sink(path, bytes) {
            Ok(()) => {
                written.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        let mut records = records.into_inner().unwrap_or_default();
        records.sort();
        Ok((written.load(Ordering::Relaxed), records))
    } else {
        Err(errors)
    }
}

/// What every HTML page links to and the ids it has, by path: each page is rendered,
/// scanned and dropped, so a check of the rendered site holds its links, never its pages.
pub fn scan_pages(model: &Model) -> (crate::links::Scans, Vec<RenderError>) {
    let scanner = crate::links::Scanner::new(&model.base.full);
    let mut errors: Vec<RenderError> = model
        .jobs()
        .par_iter()
        .filter_map(|job| match model.run(job) {
            Ok(page) => {
                scanner.add(&page.path, &page.html);
                None
            }
            Err(e) => Some(e),
        })
        .collect();
    errors.sort_by_key(|e| e.to_string());
    (scanner.finish(), errors)
}

pub use super::model::OutputFile;

/// The address of every search record of the site: documents, cities, themes and projects.
/// An [`crate::search::Index`] numbers its documents by them before the first page renders.
pub fn search_urls(model: &Model) -> Vec<String> {
    let mut urls: Vec<String> = DocKind::ALL
        .iter()
        .flat_map(|k| model.docs(*k).iter().map(|d| Model::doc_dir(d)))
        .collect();
    let site = model.site;
    urls.extend(site.cities.iter().map(|c| Model::city_dir(c.id.get_ref())));
    urls.extend(site.themes.iter().map(|t| Model::theme_dir(t.id.get_ref())));
    urls.extend(
        model
            .projects
            .iter()
            .map(|p| Model::project_dir(p.id.get_ref())),
    );
    urls
}

/// The index of every search record of the site, each document's body rendered for it: for
/// a `serve` session that has no index from its first build, which was skipped.
pub fn search_index(model: &Model) -> crate::search::Index {
    use crate::search::SearchRecord;
    let index = crate::search::Index::new(search_urls(model));
    let docs: Vec<&Document> = DocKind::ALL
        .iter()
        .flat_map(|k| model.docs(*k).iter().copied())
        .collect();
    docs.par_iter().for_each(|doc| {
        let dir = Model::doc_dir(doc);
        let path = format!("{dir}index.html");
        let root = innopress_core::urls::root_prefix(&path);
        if let Ok(body) = model.body_html(doc, &root, &path, crate::Target::Page) {
            index.add(&SearchRecord::of_document(doc, dir, &body.html));
        }
    });
    table_records(model).for_each(|r| {
        index.add(&r);
    });
    index
}

/// The search records of the data tables: every city, theme and project page, made as they
/// are taken (a register of a million projects is never held as records).
fn table_records<'m>(
    model: &'m Model,
) -> impl ParallelIterator<Item = crate::search::SearchRecord> + 'm {
    use crate::search::SearchRecord;
    let site = model.site;
    let cities = site.cities.par_iter().map(SearchRecord::of_city);
    let themes = site.themes.par_iter().map(SearchRecord::of_theme);
    let projects = model.projects.par_iter().map(move |p| {
        let city = p.city.as_ref().and_then(|c| {
            site.cities
                .iter()
                .find(|x| x.id.get_ref() == c.get_ref())
                .map(|x| x.name.as_str())
        });
        SearchRecord::of_project(p, city)
    });
    cities.chain(themes).chain(projects)
}

/// Renders every page, feed, data file, chart and theme asset into `sink`, and every search
/// record into `index` (each record's own file into `sink` at once; the term shards are
/// left to [`crate::search::Index::write`]). All errors are collected, not just the first.
/// `on_page` sees each HTML page (path, text) before it is written: the build scans it
/// there for the link check, with no second copy of the site in memory.
pub fn render_site(
    model: &Model,
    index: &crate::search::Index,
    (sink, stream): (&Sink, &Stream),
    on_page: &PageHook,
) -> Result<Report, Vec<RenderError>> {
    let pages = AtomicUsize::new(0);
    let indexed = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let write = |path: &str, data: &[u8]| {
        bytes.fetch_add(data.len(), Ordering::Relaxed);
        sink(path, data)
    };
    let add = |record: &crate::search::SearchRecord| {
        let (path, data) = index.add(record)?;
        indexed.fetch_add(1, Ordering::Relaxed);
        write(&path, &data).err()
    };
    // the other files first, made in parallel and each written as soon as it is made, so
    // the large ones (a big register's spreadsheets) are never all held at once, nor beside
    // the pages' links and the search index, which grow as the pages are rendered
    let others = AtomicUsize::new(0);
    let put = |path: &str, data: &[u8]| {
        others.fetch_add(1, Ordering::Relaxed);
        write(path, data).err()
    };
    let streamed = |path: &str, fill: &mut Fill| {
        others.fetch_add(1, Ordering::Relaxed);
        stream(path, fill)
            .map(|written| bytes.fetch_add(written, Ordering::Relaxed))
            .err()
    };
    let out = Out {
        put: &put,
        stream: &streamed,
    };
    let mut errors: Vec<RenderError> = other_jobs(model)
        .par_iter()
        .flat_map_iter(|job| job(&out))
        .collect();
    let jobs = model.jobs();
    errors.par_extend(jobs.par_iter().filter_map(|job| {
        let page = match model.run(job) {
            Ok(r) => r,
            Err(e) => return Some(e),
        };
        pages.fetch_add(1, Ordering::Relaxed);
        on_page(&page.path, &page.html);
        if let Err(e) = write(&page.path, page.html.as_bytes()) {
            return Some(e);
        }
        page.record.as_ref().and_then(add)
    }));
    errors.par_extend(table_records(model).filter_map(|r| add(&r)));
    let files = pages.load(Ordering::Relaxed)
        + indexed.load(Ordering::Relaxed)
        + others.load(Ordering::Relaxed);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Report {
        pages: pages.load(Ordering::Relaxed),
        files,
        bytes: bytes.load(Ordering::Relaxed),
        ..Report::default()
    })
}
