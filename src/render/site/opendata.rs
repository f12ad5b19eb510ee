//! Open data: the project portfolio as `data/projects.csv` and `data/projects.json`, one row
//! per project, money in euros with a dot decimal separator, sorted by id.

use crate::content::model::{Project, Status};
use crate::money::Money;
use crate::render::model::Model;
use serde::Serialize;

#[derive(Serialize)]
pub struct Record<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub city: Option<&'a str>,
    pub partners: Vec<&'a str>,
    pub themes: Vec<&'a str>,
    pub programme: &'a str,
    pub start: String,
    pub end: String,
    pub status: Status,
    pub international: bool,
    pub funding: FundingRecord,
    pub summary: &'a str,
    pub url: Option<&'a str>,
}

#[derive(Serialize)]
pub struct FundingRecord {
    pub eu: Money,
    pub state: Money,
    pub city: Money,
    pub other: Money,
    pub total: Money,
}

pub struct Projects<'a> {
    records: Vec<Record<'a>>,
}

impl<'a> Projects<'a> {
    pub fn new(model: &Model<'a>) -> Projects<'a> {
        let mut projects: Vec<&'a Project> = model.site.projects.iter().collect();
        projects.sort_by(|a, b| a.id.get_ref().cmp(b.id.get_ref()));
        let as_of = model.summary.as_of;
        Projects {
            records: projects
                .into_iter()
                .map(|p| Record {
                    id: p.id.get_ref(),
                    title: &p.title,
                    city: p.city.as_ref().map(|c| c.get_ref().as_str()),
                    partners: p.partners.iter().map(|c| c.get_ref().as_str()).collect(),
                    themes: p
                        .themes
                        .get_ref()
                        .iter()
                        .map(|t| t.get_ref().as_str())
                        .collect(),
                    programme: &p.programme,
                    start: p.start.get_ref().to_string(),
                    end: p.end.get_ref().to_string(),
                    status: p.status(as_of),
                    international: p.international,
                    funding: FundingRecord {
                        eu: p.funding.eu,
                        state: p.funding.state,
                        city: p.funding.city,
                        other: p.funding.other,
                        total: p.funding.total(),
                    },
                    summary: &p.summary,
                    url: p.url.as_ref().map(|u| u.get_ref().as_str()),
                })
                .collect(),
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&self.records).unwrap_or_else(|_| "[]".into()) + "\n"
    }

    /// The compact index the dashboard's filter searches when the projects fill several
    /// pages: one array per project, in the dashboard's order (title, then id).
    pub fn index(&self, model: &Model) -> String {
        let rows: Vec<serde_json::Value> = model
            .projects
            .iter()
            .map(|p| {
                let r = model.names.project_row(p, model.summary.as_of);
                serde_json::json!([
                    r.id,
                    r.title,
                    r.city.as_ref().map_or("", |c| c.id),
                    r.city.as_ref().map_or("Network-wide", |c| c.name),
                    r.partners
                        .iter()
                        .map(|c| c.id)
                        .collect::<Vec<_>>()
                        .join(" "),
                    r.themes.iter().map(|t| t.id).collect::<Vec<_>>().join(" "),
                    r.themes
                        .iter()
                        .map(|t| t.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    r.programme,
                    r.start,
                    r.end,
                    r.status,
                    r.status_label,
                    r.total_cents,
                    r.funding.total,
                    r.cents,
                    r.international,
                ])
            })
            .collect();
        let doc = serde_json::json!({
            "fields": ["id", "title", "city", "city_name", "partners", "themes", "theme_names", "programme", "start", "end", "status", "status_label", "total_cents", "total", "cents", "international"],
            "rows": rows,
        });
        serde_json::to_string(&doc).unwrap_or_default() + "\n"
    }

    /// RFC 4180 CSV with a header row; lists are joined with `;`.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "id,title,city,partners,themes,programme,start,end,status,international,eu,state,city_funding,other,total,summary,url\r\n",
        );
        for r in &self.records {
            let status = match r.status {
                Status::Planned => "planned",
                Status::Ongoing => "ongoing",
                Status::Closed => "closed",
            };
            let fields = [
                r.id.to_string(),
                r.title.to_string(),
                r.city.unwrap_or("").to_string(),
                r.partners.join(";"),
                r.themes.join(";"),
                r.programme.to_string(),
                r.start.clone(),
                r.end.clone(),
                status.to_string(),
                r.international.to_string(),
                Money::plain(r.funding.eu),
                Money::plain(r.funding.state),
                Money::plain(r.funding.city),
                Money::plain(r.funding.other),
                Money::plain(r.funding.total),
                r.summary.to_string(),
                r.url.unwrap_or("").to_string(),
            ];
            let line: Vec<String> = fields.iter().map(|f| crate::text::csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// `data/datapackage.json`: the open data described as a Frictionless Data Package
/// (<https://datapackage.org>), so that tools read it with its types, units and licence.
pub fn datapackage(model: &Model) -> String {
    use serde_json::json;
    let cur = &model.summary.currency;
    let text = |name: &str, title: &str, desc: &str| json!({ "name": name, "title": title, "type": "string", "description": desc });
    let amount = |name: &str, title: &str| {
        json!({
            "name": name, "title": title, "type": "number",
            "description": format!("{title} in {cur}, with two decimals (cents exact)"),
            "unit": cur,
        })
    };
    let fields = vec![
        json!({ "name": "id", "title": "Project id", "type": "string", "constraints": { "required": true, "unique": true } }),
        text("title", "Title", "The project's name"),
        text(
            "city",
            "Lead city",
            "Id of the city that leads the project; empty for a network-wide project",
        ),
        text(
            "partners",
            "Partner cities",
            "Ids of the partner cities, separated by ;",
        ),
        text(
            "themes",
            "Themes",
            "Ids of the project's themes, separated by ;",
        ),
        text(
            "programme",
            "Funding programme",
            "The programme that funds the project",
        ),
        json!({ "name": "start", "title": "Start", "type": "date" }),
        json!({ "name": "end", "title": "End", "type": "date" }),
        json!({ "name": "status", "title": "Status", "type": "string",
                "description": format!("Planned, ongoing or closed on {}", model.summary.as_of),
                "constraints": { "enum": ["planned", "ongoing", "closed"] } }),
        json!({ "name": "international", "title": "International funding", "type": "boolean" }),
        amount("eu", "EU funding"),
        amount("state", "State funding"),
        amount("city_funding", "City funding"),
        amount("other", "Other funding"),
        amount("total", "Total funding"),
        text("summary", "Summary", "What the project does"),
        json!({ "name": "url", "title": "Web page", "type": "string", "format": "uri" }),
    ];
    let publisher = if model.cfg.organisation.is_empty() {
        &model.cfg.title
    } else {
        &model.cfg.organisation
    };
    let mut pkg = json!({
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": crate::ids::suggest_slug(&model.cfg.title),
        "title": format!("{}: projects and funding", model.cfg.title),
        "description": format!(
            "The projects of {} with their funding by source, status and themes, and the summary of the common impact model, as of {}.",
            model.cfg.title, model.summary.as_of
        ),
        "homepage": model.base.abs("projects/"),
        "version": model.summary.as_of.to_string(),
        "created": format!("{}T00:00:00Z", model.summary.as_of),
        "sources": [{ "title": publisher, "path": model.base.full }],
        "contributors": [{ "title": publisher, "roles": ["publisher"] }],
        "resources": [
            {
                "name": "projects",
                "type": "table",
                "path": "projects.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": { "header": true, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"" },
                "schema": { "fields": fields, "primaryKey": ["id"], "missingValues": [""] },
            },
            {
                "name": "projects-json",
                "type": "json",
                "path": "projects.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": "The same projects as projects.csv, with funding as an object and lists as arrays",
            },
            {
                "name": "summary",
                "type": "json",
                "path": "summary.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": format!("Totals by status, source, city, theme, programme and year, and every indicator of the impact model by year (amounts in {cur})"),
            },
        ],
    });
    if let Some(l) = model.license() {
        pkg["licenses"] = json!([{ "name": l.id, "path": l.url, "title": l.title }]);
    }
    serde_json::to_string_pretty(&pkg).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields() {
        assert_eq!(Money(39_965_100).plain(), "399651.00");
        assert_eq!(Money(30).plain(), "0.30");
        assert_eq!(crate::text::csv_field("a, \"b\""), "\"a, \"\"b\"\"\"");
        assert_eq!(crate::text::csv_field("plain"), "plain");
        assert_eq!(crate::text::csv_field("=1+1"), "'=1+1");
        assert_eq!(crate::text::csv_field("=A1,B1"), "\"'=A1,B1\"");
    }
}
