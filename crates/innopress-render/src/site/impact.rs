//! The impact page: the network's indicators, funding, programmes and charts.

use super::super::model::{Model, RenderError};
use super::super::view::*;
use innopress_core::catalogue::ChartName;
use innopress_core::text::count;
use innopress_core::urls::root_prefix;
use innopress_impact::status::Grid;
use std::collections::BTreeMap;

impl Model<'_> {
    /// The year being collected: the latest year any city has reported (a figure, or that
    /// an indicator does not apply), up to the year of the site's date. `None` without
    /// observations.
    fn collection_year(&self) -> Option<i32> {
        let limit = self.summary.as_of.year;
        let site = self.site;
        let figures = site.observations.iter().map(|o| *o.year.get_ref());
        let not_applicable = site.not_applicable.iter().map(|n| *n.year.get_ref());
        figures.chain(not_applicable).filter(|y| *y <= limit).max()
    }

    /// The grid of the year being collected (see [`Model::collection_year`]), made once.
    pub(super) fn collection(&self) -> Option<&Grid> {
        self.collection
            .get_or_init(|| self.collection_year().map(|y| Grid::of(self.site, y)))
            .as_ref()
    }

    /// An indicator's name, or its id when it has none.
    pub(super) fn indicator_name<'s>(&'s self, id: &'s str) -> &'s str {
        self.site
            .indicators
            .iter()
            .find(|i| i.id.get_ref() == id)
            .map_or(id, |i| i.name.as_str())
    }

    /// The team's page of the yearly data collection (`impact/data-collection/`, not in the
    /// navigation): which city has reported which indicator for the year, and whom to chase.
    pub(super) fn data_collection(&self) -> Result<(String, String), RenderError> {
        let path = "impact/data-collection/index.html".to_string();
        let empty;
        let grid = match self.collection() {
            Some(grid) => grid,
            None => {
                empty = Grid::of(self.site, self.summary.as_of.year);
                &empty
            }
        };
        let year = grid.year;
        let title = format!("Data collection {year}");
        let description = format!(
            "Which cities of {} have reported which impact figures for {year}.",
            self.cfg.title
        );
        let mut ctx = self.page_context(&path, "impact", &title, description);
        let names: Vec<&str> = grid
            .indicators
            .iter()
            .map(|id| self.indicator_name(id))
            .collect();
        let complete = grid.cities.iter().filter(|c| c.missing == 0).count();
        ctx.insert("year", &year);
        ctx.insert("grid", &grid);
        ctx.insert("names", &names);
        ctx.insert("complete", &complete);
        ctx.insert("chase", &grid.to_chase());
        Ok((
            path.clone(),
            self.render_page("data-collection.html", &path, ctx)?,
        ))
    }

    pub(super) fn impact(&self) -> Result<(String, String), RenderError> {
        let s = self.summary;
        let path = "impact/index.html".to_string();
        let description = self.describe(&self.theme.strings.descriptions.impact, &[]);
        let mut ctx = self.page_context(
            &path,
            "impact",
            &self.theme.strings.titles.impact,
            description,
        );
        let list: Vec<_> = s
            .indicators
            .iter()
            .map(|ind| {
                let desc = self
                    .site
                    .indicators
                    .iter()
                    .find(|i| *i.id.get_ref() == ind.id)
                    .map_or("", |i| i.description.as_str());
                IndicatorView::new(ind, desc, &s.currency)
            })
            .collect();
        ctx.insert("indicators", &list);
        let years: Vec<_> = s
            .years
            .iter()
            .map(|y| {
                (
                    y.year,
                    count(y.active_projects),
                    y.funding.display(&s.currency),
                )
            })
            .collect();
        ctx.insert("years", &years);
        let programmes: Vec<_> = s
            .programmes
            .iter()
            .map(|p| {
                (
                    &p.name,
                    count(p.projects),
                    count(p.ongoing),
                    p.funding.display(&s.currency),
                )
            })
            .collect();
        ctx.insert("programmes", &programmes);
        let funding = FundingView::from_totals(&s.funding, &s.currency);
        ctx.insert("funding", &funding);
        let root = root_prefix(&path);
        let mut charts = BTreeMap::new();
        for chart in [
            ChartName::FundingBySource,
            ChartName::FundingByCity,
            ChartName::ProjectsByTheme,
            ChartName::ProjectsPerYear,
            ChartName::Map,
        ] {
            let name = chart.name();
            charts.insert(name.to_string(), self.chart_html(name, &root, &path)?);
        }
        for ind in &s.indicators {
            for name in [format!("indicator-{}", ind.id), format!("map-{}", ind.id)] {
                let html = self.chart_html(&name, &root, &path)?;
                charts.insert(name, html);
            }
        }
        ctx.insert("charts", &charts);
        Ok((path.clone(), self.render_page("impact.html", &path, ctx)?))
    }
}
