//! Open data: the project portfolio as `data/projects.csv`, `.xlsx` and `.json`, one row per
//! project, money in euros with a dot decimal separator, sorted by id; the impact model's
//! figures as `data/observations.csv` and `.xlsx`; and the package that describes them.

use super::sheets::{Cell, Table};
use crate::model::Model;
use innopress_content::content::model::{Project, Status};
use innopress_core::date::Date;
use innopress_core::money::Money;
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

/// The projects in open data's order (by id), each made into a [`Record`] as it is written:
/// a register of a million projects is never held as records, JSON or cells.
pub struct Projects<'a> {
    sorted: Vec<&'a Project>,
    as_of: Date,
}

impl<'a> Projects<'a> {
    pub fn new(model: &Model<'a>) -> Projects<'a> {
        let mut sorted: Vec<&'a Project> = model.site.projects.iter().collect();
        sorted.sort_by(|a, b| a.id.get_ref().cmp(b.id.get_ref()));
        Projects {
            sorted,
            as_of: model.summary.as_of,
        }
    }

    fn record(&self, p: &'a Project) -> Record<'a> {
        Record {
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
            status: p.status(self.as_of),
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
        }
    }

    /// `projects.json`: the records as one pretty-printed array.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let records = Lazy(|| self.sorted.iter().map(|p| self.record(p)));
        serde_json::to_writer_pretty(&mut *out, &records)?;
        out.write_all(b"\n")
    }

    /// The compact index the dashboard's filter searches when the projects fill several
    /// pages: one array per project, in the dashboard's order (title, then id).
    pub fn write_index(&self, model: &Model, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let rows = Lazy(|| {
            model.projects.iter().map(|p| {
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
        });
        #[derive(Serialize)]
        struct Index<R> {
            fields: [&'static str; 16],
            rows: R,
        }
        let doc = Index {
            fields: [
                "id",
                "title",
                "city",
                "city_name",
                "partners",
                "themes",
                "theme_names",
                "programme",
                "start",
                "end",
                "status",
                "status_label",
                "total_cents",
                "total",
                "cents",
                "international",
            ],
            rows,
        };
        serde_json::to_writer(&mut *out, &doc)?;
        out.write_all(b"\n")
    }

    /// The projects as a table (lists joined with `;`): `projects.csv` and `projects.xlsx`.
    pub fn table(&self) -> Table<'_> {
        let date = |s: &str| Date::parse(s).map_or_else(|| Cell::Text(s.to_string()), Cell::Date);
        let row = move |i: usize| {
            let r = self.record(self.sorted[i]);
            let status = match r.status {
                Status::Planned => "planned",
                Status::Ongoing => "ongoing",
                Status::Closed => "closed",
            };
            vec![
                Cell::Text(r.id.to_string()),
                Cell::Text(r.title.to_string()),
                Cell::text(r.city),
                Cell::Text(r.partners.join(";")),
                Cell::Text(r.themes.join(";")),
                Cell::Text(r.programme.to_string()),
                date(&r.start),
                date(&r.end),
                Cell::Text(status.to_string()),
                Cell::Bool(r.international),
                Cell::Money(r.funding.eu),
                Cell::Money(r.funding.state),
                Cell::Money(r.funding.city),
                Cell::Money(r.funding.other),
                Cell::Money(r.funding.total),
                Cell::Text(r.summary.to_string()),
                Cell::text(r.url),
            ]
        };
        Table::made(
            vec![
                "id",
                "title",
                "city",
                "partners",
                "themes",
                "programme",
                "start",
                "end",
                "status",
                "international",
                "eu",
                "state",
                "city_funding",
                "other",
                "total",
                "summary",
                "url",
            ],
            self.sorted.len(),
            row,
        )
    }
}

/// Every figure of the impact model, and every "does not apply", with the city's comment:
/// `observations.csv` and `observations.xlsx`, sorted by indicator, city and year.
pub fn observations<'m>(model: &Model) -> Table<'m> {
    let site = model.site;
    let city_name = |id: &str| {
        site.cities
            .iter()
            .find(|c| c.id.get_ref() == id)
            .map_or(id.to_string(), |c| c.name.clone())
    };
    let indicator = |id: &str| site.indicators.iter().find(|i| i.id.get_ref() == id);
    let mut rows: Vec<((String, String, i32), Vec<Cell>)> = Vec::new();
    let mut push = |city: &str,
                    ind: &str,
                    year: i32,
                    value: Cell,
                    target: Cell,
                    na: bool,
                    comment: Option<&str>| {
        let i = indicator(ind);
        rows.push((
            (ind.to_string(), city.to_string(), year),
            vec![
                Cell::Text(city.to_string()),
                Cell::Text(city_name(city)),
                Cell::Text(ind.to_string()),
                Cell::text(i.map(|i| i.name.as_str())),
                Cell::text(i.map(|i| i.unit.as_str())),
                Cell::Number(f64::from(year)),
                value,
                target,
                Cell::Bool(na),
                Cell::text(comment),
            ],
        ));
    };
    for o in &site.observations {
        push(
            o.city.get_ref(),
            o.indicator.get_ref(),
            *o.year.get_ref(),
            Cell::Number(o.value),
            o.target.map_or(Cell::Empty, Cell::Number),
            false,
            o.comment.as_deref(),
        );
    }
    for n in &site.not_applicable {
        push(
            n.city.get_ref(),
            n.indicator.get_ref(),
            *n.year.get_ref(),
            Cell::Empty,
            Cell::Empty,
            true,
            n.comment.as_deref(),
        );
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Table::held(
        vec![
            "city",
            "city_name",
            "indicator",
            "indicator_name",
            "unit",
            "year",
            "value",
            "target",
            "not_applicable",
            "comment",
        ],
        rows.into_iter().map(|(_, r)| r).collect(),
    )
}

/// A sequence serialised from an iterator made when it is written, so that its items are
/// made one at a time and never held together.
struct Lazy<F>(F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// The media type of an `.xlsx` workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `data/datapackage.json`: the open data described as a Frictionless Data Package
/// (<https://datapackage.org>), so that tools read it with its types, units and licence.
pub fn datapackage(model: &Model) -> String {
    use serde_json::json;
    let cur = &model.summary.currency;
    let fields = project_fields(model);
    let observation_schema = observation_schema();
    let publisher = if model.cfg.organisation.is_empty() {
        &model.cfg.title
    } else {
        &model.cfg.organisation
    };
    let mut pkg = json!({
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": innopress_core::ids::suggest_slug(&model.cfg.title),
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
        "resources": resources(&fields, observation_schema, cur),
    });
    if let Some(l) = model.license() {
        pkg["licenses"] = json!([{ "name": l.id, "path": l.url, "title": l.title }]);
    }
    serde_json::to_string_pretty(&pkg).unwrap_or_default() + "\n"
}

fn string_field(name: &str, title: &str, desc: &str) -> serde_json::Value {
    serde_json::json!({ "name": name, "title": title, "type": "string", "description": desc })
}

/// The columns of `projects.csv` (and of its workbook).
fn project_fields(model: &Model) -> Vec<serde_json::Value> {
    use serde_json::json;
    let cur = &model.summary.currency;
    let text = string_field;
    let amount = |name: &str, title: &str| {
        json!({
            "name": name, "title": title, "type": "number",
            "description": format!("{title} in {cur}, with two decimals (cents exact)"),
            "unit": cur,
        })
    };
    vec![
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
    ]
}

/// The columns of `observations.csv` (and of its workbook).
fn observation_schema() -> serde_json::Value {
    use serde_json::json;
    let text = string_field;
    json!({
        "fields": [
            text("city", "City", "The city's id"),
            text("city_name", "City name", "The city's name"),
            text("indicator", "Indicator", "The indicator's id in the common impact model"),
            text("indicator_name", "Indicator name", "The indicator's name"),
            text("unit", "Unit", "The unit of value and target"),
            json!({ "name": "year", "title": "Year", "type": "integer" }),
            json!({ "name": "value", "title": "Value", "type": "number", "description": "The city's figure; empty where the indicator does not apply" }),
            json!({ "name": "target", "title": "Target", "type": "number", "description": "The city's own target for the year, where it set one" }),
            json!({ "name": "not_applicable", "title": "Does not apply", "type": "boolean" }),
            text("comment", "Comment", "What the city wrote beside the figure"),
        ],
        "primaryKey": ["city", "indicator", "year"],
        "missingValues": [""],
    })
}

/// The package's files: the tables in CSV and Excel, the projects and the summary in JSON.
fn resources(
    fields: &[serde_json::Value],
    observation_schema: serde_json::Value,
    cur: &str,
) -> serde_json::Value {
    serde_json::json!([
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
                "name": "projects-xlsx",
                "type": "table",
                "path": "projects.xlsx",
                "scheme": "file",
                "format": "xlsx",
                "mediatype": XLSX,
                "description": "The same projects as projects.csv, as an Excel workbook",
                "schema": { "fields": fields, "primaryKey": ["id"], "missingValues": [""] },
            },
            {
                "name": "observations",
                "type": "table",
                "path": "observations.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": "Every figure of the common impact model by city, indicator and year, and where an indicator does not apply, with the city's comment",
                "dialect": { "header": true, "delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"" },
                "schema": observation_schema.clone(),
            },
            {
                "name": "observations-xlsx",
                "type": "table",
                "path": "observations.xlsx",
                "scheme": "file",
                "format": "xlsx",
                "mediatype": XLSX,
                "description": "The same figures as observations.csv, as an Excel workbook",
                "schema": observation_schema,
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
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields() {
        assert_eq!(Money(39_965_100).plain(), "399651.00");
        assert_eq!(Money(30).plain(), "0.30");
        assert_eq!(
            innopress_core::text::csv_field("a, \"b\""),
            "\"a, \"\"b\"\"\""
        );
        assert_eq!(innopress_core::text::csv_field("plain"), "plain");
        assert_eq!(innopress_core::text::csv_field("=1+1"), "'=1+1");
        assert_eq!(innopress_core::text::csv_field("=A1,B1"), "\"'=A1,B1\"");
    }
}
