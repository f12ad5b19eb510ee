//! The city and theme pages: lists and one page each, with their projects and articles.

use super::super::model::{Model, RenderError};
use super::super::view::*;
use innopress_core::text::count;
use innopress_core::urls::root_prefix;
use serde::Serialize;

impl Model<'_> {
    pub(super) fn city_list(&self) -> Result<(String, String), RenderError> {
        let s = self.summary;
        let path = "cities/index.html".to_string();
        let n = count(s.cities.len());
        let funding = s.funding.total.display(&s.currency);
        let description = self.describe(
            &self.theme.strings.descriptions.cities,
            &[("n", &n), ("funding", &funding)],
        );
        let mut ctx = self.page_context(
            &path,
            "cities",
            &self.theme.strings.titles.cities,
            description,
        );
        let mut list: Vec<_> = s
            .cities
            .iter()
            .map(|c| CityView::new(c, &s.currency))
            .collect();
        list.sort_by(|a, b| a.name.cmp(b.name));
        ctx.insert("cities", &list);
        ctx.insert("map", &self.chart_html("map", "../", &path)?);
        let regions: Vec<_> = self
            .site
            .cities
            .iter()
            .map(|c| (c.id.get_ref(), &c.region))
            .collect();
        ctx.insert(
            "regions",
            &regions
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        );
        Ok((path.clone(), self.render_page("cities.html", &path, ctx)?))
    }
    pub(super) fn city(&self, i: usize) -> Result<(String, String), RenderError> {
        let s = self.summary;
        let city = &self.site.cities[i];
        let id = city.id.get_ref().as_str();
        let path = format!("cities/{id}/index.html");
        let cs = s.cities.iter().find(|c| c.id == id);
        let projects =
            innopress_core::text::plural(cs.map_or(0, |c| c.projects), "project", "projects");
        let funding = cs
            .map_or(innopress_core::money::Money::ZERO, |c| c.funding.total)
            .display(&s.currency);
        let description = self.describe(
            &self.theme.strings.descriptions.city,
            &[
                ("name", &city.name),
                ("projects", &projects),
                ("funding", &funding),
            ],
        );
        let mut ctx = self.page_context(&path, "cities", &city.name, description);
        if let Some(lead) = city.lead_image() {
            let about = super::share::About {
                path: &path,
                title: &city.name,
                description: self.describe(
                    &self.theme.strings.descriptions.city,
                    &[
                        ("name", &city.name),
                        ("projects", &projects),
                        ("funding", &funding),
                    ],
                ),
                kind: super::share::Kind::Page,
                image: Some(lead),
                date: None,
                fallback: None,
            };
            self.share(&mut ctx, about);
            ctx.insert("lead", &self.lead_view(Some(lead), &root_prefix(&path)));
        }
        ctx.insert(
            "city",
            &CityInfo {
                id,
                name: &city.name,
                region: &city.region,
                population: city.population.map(innopress_core::money::group_thousands),
                lead_theme: city.lead_theme.as_deref(),
                url: city.url.as_ref().map(|u| u.get_ref().as_str()),
            },
        );
        let summary = s
            .cities
            .iter()
            .find(|c| c.id == id)
            .map(|c| CityView::new(c, &s.currency));
        ctx.insert("summary", &summary);
        self.city_projects(id, &mut ctx);
        let (articles, more) = self.topic_news(super::NewsOf::City(i));
        ctx.insert("articles", &articles);
        ctx.insert("news_more", &more);
        let root = root_prefix(&path);
        ctx.insert(
            "funding_chart",
            &self.chart_html(&format!("funding-by-source-{id}"), &root, &path)?,
        );
        let indicators = self.city_indicators(id, &root, &path)?;
        ctx.insert("indicators", &indicators);
        self.city_collection(id, &mut ctx);
        Ok((path.clone(), self.render_page("city.html", &path, ctx)?))
    }
    /// The projects a city leads and those it is a partner in, a page's worth each.
    fn city_projects(&self, id: &str, ctx: &mut tera::Context) {
        let filter = format!("city={id}");
        let (rows, more) = self.capped_rows(&filter, |p| {
            p.city.as_ref().is_some_and(|c| c.get_ref() == id)
        });
        ctx.insert("projects", &rows);
        ctx.insert("projects_more", &more);
        let partner_filter = format!("city={id}&role=partner");
        let (rows, more) = self.capped_rows(&partner_filter, |p| {
            p.partners.iter().any(|c| c.get_ref() == id)
                && p.city.as_ref().is_none_or(|c| c.get_ref() != id)
        });
        ctx.insert("partner_projects", &rows);
        ctx.insert("partner_projects_more", &more);
    }

    /// Each indicator the city reports: its latest value and target, and its chart.
    fn city_indicators(
        &self,
        id: &str,
        root: &str,
        path: &str,
    ) -> Result<Vec<CityIndicator<'_>>, RenderError> {
        let s = self.summary;
        let mut indicators = Vec::new();
        for ind in &s.indicators {
            let Some(values) = ind.cities.iter().find(|c| c.city == id) else {
                continue;
            };
            let latest = values.values.last();
            let target = values
                .values
                .iter()
                .rev()
                .find_map(|v| v.target.map(|t| (v.year, t)));
            indicators.push(CityIndicator {
                id: &ind.id,
                name: &ind.name,
                unit: &ind.unit,
                higher_is_better: ind.higher_is_better,
                latest: latest
                    .map(|v| innopress_core::text::with_unit(v.value, &ind.unit, &s.currency)),
                latest_year: latest.map(|v| v.year),
                target: target
                    .map(|(_, t)| innopress_core::text::with_unit(t, &ind.unit, &s.currency)),
                target_year: target.map(|(y, _)| y),
                chart: self.chart_html(&format!("indicator-{}-{id}", ind.id), root, path)?,
                notes: self.notes(id, &ind.id),
            });
        }
        Ok(indicators)
    }

    /// The year being collected, and this city's figures of it that have not come in:
    /// said plainly, so an older year is not read as the current one.
    fn city_collection(&self, id: &str, ctx: &mut tera::Context) {
        if let Some(grid) = self.collection() {
            use innopress_impact::status::State;
            let names = |state| -> Vec<&str> {
                grid.of_city(id, state)
                    .into_iter()
                    .map(|m| self.indicator_name(m))
                    .collect()
            };
            ctx.insert("collection_year", &grid.year);
            ctx.insert("missing", &names(State::Missing));
            // with the city's reason, where it gave one
            let not_applicable: Vec<String> = grid
                .of_city(id, State::NotApplicable)
                .into_iter()
                .map(|m| {
                    let name = self.indicator_name(m);
                    let why = self.site.not_applicable.iter().find_map(|n| {
                        (n.city.get_ref() == id
                            && n.indicator.get_ref() == m
                            && *n.year.get_ref() == grid.year)
                            .then_some(n.comment.as_deref())
                            .flatten()
                    });
                    match why {
                        Some(why) => format!("{name} ({why})"),
                        None => name.to_string(),
                    }
                })
                .collect();
            ctx.insert("not_applicable", &not_applicable);
        }
    }
    /// A city's comments on its figures of one indicator, by year.
    fn notes(&self, city: &str, indicator: &str) -> Vec<(i32, String)> {
        let mut notes: Vec<(i32, String)> = self
            .site
            .observations
            .iter()
            .filter(|o| o.city.get_ref() == city && o.indicator.get_ref() == indicator)
            .filter_map(|o| Some((*o.year.get_ref(), o.comment.clone()?)))
            .collect();
        notes.sort();
        notes
    }
    pub(super) fn theme_list(&self) -> Result<(String, String), RenderError> {
        let path = "themes/index.html".to_string();
        let n = count(self.summary.themes.len());
        let description = self.describe(&self.theme.strings.descriptions.themes, &[("n", &n)]);
        let mut ctx = self.page_context(
            &path,
            "themes",
            &self.theme.strings.titles.themes,
            description,
        );
        let list = self.theme_cards();
        ctx.insert("themes", &list);
        Ok((path.clone(), self.render_page("themes.html", &path, ctx)?))
    }
    pub(super) fn theme_page(&self, i: usize) -> Result<(String, String), RenderError> {
        let s = self.summary;
        let theme = &self.site.themes[i];
        let id = theme.id.get_ref().as_str();
        let path = format!("themes/{id}/index.html");
        let ts = s.themes.iter().find(|t| t.id == id);
        let description = if theme.description.trim().is_empty() {
            let projects =
                innopress_core::text::plural(ts.map_or(0, |t| t.projects), "project", "projects");
            let funding = ts
                .map_or(innopress_core::money::Money::ZERO, |t| t.funding)
                .display(&s.currency);
            self.describe(
                &self.theme.strings.descriptions.theme,
                &[
                    ("name", &theme.name),
                    ("projects", &projects),
                    ("funding", &funding),
                ],
            )
        } else {
            theme.description.clone()
        };
        let mut ctx = self.page_context(&path, "themes", &theme.name, description);
        ctx.insert(
            "theme",
            &ThemeInfo {
                id,
                name: &theme.name,
                description: &theme.description,
                projects: innopress_core::text::plural(
                    ts.map_or(0, |t| t.projects),
                    "project",
                    "projects",
                ),
                funding: ts
                    .map_or(innopress_core::money::Money::ZERO, |t| t.funding)
                    .display(&s.currency),
            },
        );
        let (rows, more) = self.capped_rows(&format!("theme={id}"), |p| {
            p.themes.get_ref().iter().any(|t| t.get_ref() == id)
        });
        ctx.insert("projects", &rows);
        ctx.insert("projects_more", &more);
        let (articles, more) = self.topic_news(super::NewsOf::Theme(i));
        ctx.insert("articles", &articles);
        ctx.insert("news_more", &more);
        Ok((path.clone(), self.render_page("theme.html", &path, ctx)?))
    }
}

#[derive(Serialize)]
struct CityIndicator<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a str,
    higher_is_better: bool,
    latest: Option<String>,
    latest_year: Option<i32>,
    target: Option<String>,
    target_year: Option<i32>,
    chart: String,
    /// What the city wrote beside its figures, by year.
    notes: Vec<(i32, String)>,
}

#[derive(Serialize)]
struct ThemeInfo<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    projects: String,
    funding: String,
}

#[derive(Serialize)]
struct CityInfo<'a> {
    id: &'a str,
    name: &'a str,
    region: &'a str,
    population: Option<String>,
    lead_theme: Option<&'a str>,
    url: Option<&'a str>,
}
