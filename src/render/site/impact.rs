//! The impact page: the network's indicators, funding, programmes and charts.

use super::super::model::{Model, RenderError};
use super::super::view::*;
use crate::text::count;
use crate::urls::root_prefix;
use std::collections::BTreeMap;

impl Model<'_> {
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
        for name in [
            "funding-by-source",
            "funding-by-city",
            "projects-by-theme",
            "projects-per-year",
            "map",
        ] {
            charts.insert(name.to_string(), self.chart_html(name, &root, &path)?);
        }
        for ind in &s.indicators {
            let name = format!("indicator-{}", ind.id);
            charts.insert(name.clone(), self.chart_html(&name, &root, &path)?);
        }
        ctx.insert("charts", &charts);
        Ok((path.clone(), self.render_page("impact.html", &path, ctx)?))
    }
}
