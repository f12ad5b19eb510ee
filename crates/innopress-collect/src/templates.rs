//! The spreadsheets sent to the cities each January: one per city (`tampere.xlsx`, and
//! `tampere.csv` for those who prefer it), a row per indicator with its id, name, unit,
//! definition and direction, the four years before filled in for reference (locked), and
//! the year asked, a target and a comment to fill. The sheet is protected except for those
//! cells, which accept numbers only (percentages 0–100) and, in the year's cell, `n/a` for
//! an indicator that does not apply to the city, so what comes back can be read without
//! guessing. The same site and year give byte-identical files.

use innopress_content::content::Site;
use innopress_content::content::model::{City, Indicator};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatBorder, Workbook, XlsxError,
};
use std::collections::BTreeMap;

/// What the year's cell takes for "does not apply to this city", in any case.
pub const NOT_APPLICABLE: &str = "n/a";

/// Earlier years shown for reference.
pub const EARLIER_YEARS: i32 = 4;
/// Where the table's header is (0-based row): the rows above name the city and say what to do.
pub const HEADER_ROW: u32 = 3;
/// The cell that names the city (`B2`), for the import to check against the file name.
pub const CITY_CELL: (u32, u16) = (1, 1);

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("the spreadsheet for {city} could not be written: {source}")]
    Xlsx {
        city: String,
        #[source]
        source: XlsxError,
    },
    #[error("{0} is not a year a spreadsheet can hold (1900–9999)")]
    Year(i32),
}

/// One template: its file name and bytes.
pub type TemplateFile = (String, Vec<u8>);

/// The columns, in order: fixed ones, the earlier years, the year asked, target, comment.
pub fn columns(year: i32) -> Vec<String> {
    let mut c: Vec<String> = ["indicator", "name", "unit", "definition", "direction"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    c.extend((year - EARLIER_YEARS..year).map(|y| y.to_string()));
    c.push(year.to_string());
    c.push("target".into());
    c.push("comment".into());
    c
}

/// Whether an indicator is a share in percent (its cells take 0–100).
pub fn is_percent(ind: &Indicator) -> bool {
    matches!(ind.unit.trim(), "%" | "percent" | "per cent")
}

/// Every city's `.xlsx` and `.csv` for `year`, sorted by file name.
pub fn all(site: &Site, title: &str, year: i32) -> Result<Vec<TemplateFile>, TemplateError> {
    if !(1900..=9999).contains(&year) {
        return Err(TemplateError::Year(year));
    }
    let values = values(site);
    let mut out = Vec::new();
    for city in &site.cities {
        let id = city.id.get_ref();
        out.push((
            format!("{id}.xlsx"),
            xlsx(site, &values, city, title, year)?,
        ));
        out.push((
            format!("{id}.csv"),
            csv(site, &values, city, year).into_bytes(),
        ));
    }
    out.sort();
    Ok(out)
}

/// Earlier years' figures by city, indicator and year; `None` where the city said n/a.
type Values<'s> = BTreeMap<(&'s str, &'s str, i32), Option<f64>>;

fn values(site: &Site) -> Values<'_> {
    let not_applicable = site.not_applicable.iter().map(|n| (n.key(), None));
    let figures = site.observations.iter().map(|o| (o.key(), Some(o.value)));
    not_applicable.chain(figures).collect()
}

fn direction(ind: &Indicator) -> &'static str {
    if ind.higher_is_better {
        "higher is better"
    } else {
        "lower is better"
    }
}

fn xlsx(
    site: &Site,
    values: &Values,
    city: &City,
    title: &str,
    year: i32,
) -> Result<Vec<u8>, TemplateError> {
    let id = city.id.get_ref();
    let err = |source| TemplateError::Xlsx {
        city: id.clone(),
        source,
    };
    let mut wb = Workbook::new();
    // a fixed creation date: the same data gives the same file
    let created = ExcelDateTime::from_ymd(year as u16, 1, 1).map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{title}: figures of {} for {year}", city.name))
            .set_author(title)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDE6F0")
        .set_border_bottom(FormatBorder::Thin)
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    let earlier = Format::new().set_font_color("#4A5360");
    let fill = Format::new()
        .set_unlocked()
        .set_background_color("#FFF7D6")
        .set_border(FormatBorder::Thin);
    let ws = wb.add_worksheet();
    heading(ws, title, city, year, &bold).map_err(err)?;
    for (c, name) in columns(year).iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, name, &head)
            .map_err(err)?;
    }
    let asked = 5 + EARLIER_YEARS as u16;
    for (r, ind) in site.indicators.iter().enumerate() {
        let row = HEADER_ROW + 1 + r as u32;
        let iid = ind.id.get_ref();
        ws.write_string(row, 0, iid).map_err(err)?;
        ws.write_string_with_format(row, 1, &ind.name, &wrap)
            .map_err(err)?;
        ws.write_string(row, 2, &ind.unit).map_err(err)?;
        ws.write_string_with_format(row, 3, &ind.description, &wrap)
            .map_err(err)?;
        ws.write_string(row, 4, direction(ind)).map_err(err)?;
        for (k, y) in (year - EARLIER_YEARS..year).enumerate() {
            match values.get(&(id.as_str(), iid.as_str(), y)) {
                Some(Some(v)) => {
                    ws.write_number_with_format(row, 5 + k as u16, *v, &earlier)
                        .map_err(err)?;
                }
                Some(None) => {
                    ws.write_string_with_format(row, 5 + k as u16, NOT_APPLICABLE, &earlier)
                        .map_err(err)?;
                }
                None => {}
            }
        }
        for c in asked..asked + 3 {
            ws.write_blank(row, c, &fill).map_err(err)?;
        }
        validations(ws, ind, row, asked).map_err(err)?;
    }
    for (c, w) in [14.0, 28.0, 10.0, 48.0, 14.0]
        .into_iter()
        .enumerate()
        .chain((5..asked as usize + 2).map(|c| (c, 11.0)))
    {
        ws.set_column_width(c as u16, w).map_err(err)?;
    }
    ws.set_column_width(asked + 2, 36.0).map_err(err)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 2).map_err(err)?;
    ws.protect();
    wb.save_to_buffer().map_err(err)
}

/// The sheet's name and first rows: the title, the city's id (which the import checks)
/// and what to fill in.
fn heading(
    ws: &mut rust_xlsxwriter::Worksheet,
    title: &str,
    city: &City,
    year: i32,
    bold: &Format,
) -> Result<(), XlsxError> {
    let id = city.id.get_ref();
    ws.set_name(year.to_string())?;
    ws.write_string_with_format(
        0,
        0,
        format!("{title}: figures of {} for {year}", city.name),
        bold,
    )?;
    ws.write_string(CITY_CELL.0, 0, "city")?;
    ws.write_string(CITY_CELL.0, CITY_CELL.1, id)?;
    ws.write_string(
        2,
        0,
        format!(
            "Fill in the yellow cells: the column {year} (a number, or {NOT_APPLICABLE} where an indicator does not apply to your city), and your target and a comment where you have one. Earlier years are shown for reference."
        ),
    )
    ?;
    Ok(())
}

/// The rules of an indicator's row: the year's cell takes a number (a percentage within
/// 0 to 100) or n/a, the target a number.
fn validations(
    ws: &mut rust_xlsxwriter::Worksheet,
    ind: &Indicator,
    row: u32,
    asked: u16,
) -> Result<(), XlsxError> {
    let cell = format!("{}{}", super::sheet::column_name(asked.into()), row + 1);
    let (number, range, message) = if is_percent(ind) {
        (
            format!("AND(ISNUMBER({cell}),{cell}>=0,{cell}<=100)"),
            (0.0, 100.0),
            "A percentage from 0 to 100, as a number (12.5)".to_string(),
        )
    } else {
        (
            format!("ISNUMBER({cell})"),
            (-1e15, 1e15),
            format!("A number, in {} (1234.5)", ind.unit),
        )
    };
    let year_rule = DataValidation::new()
        .allow_custom(
            format!("=OR({number},LOWER(TRIM({cell}))=\"{NOT_APPLICABLE}\")")
                .as_str()
                .into(),
        )
        .set_error_message(format!(
            "{message}, or {NOT_APPLICABLE} if it does not apply to your city."
        ))?
        .set_error_style(DataValidationErrorStyle::Stop);
    ws.add_data_validation(row, asked, row, asked, &year_rule)?;
    let target_rule = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(range.0, range.1))
        .set_error_message(format!("{message}."))?
        .set_error_style(DataValidationErrorStyle::Stop);
    ws.add_data_validation(row, asked + 1, row, asked + 1, &target_rule)?;
    Ok(())
}

fn csv(site: &Site, values: &Values, city: &City, year: i32) -> String {
    let id = city.id.get_ref();
    let quote = innopress_core::text::csv_field;
    let mut out = columns(year).join(",");
    out.push_str("\r\n");
    for ind in &site.indicators {
        let iid = ind.id.get_ref();
        let mut cells = vec![
            quote(iid),
            quote(&ind.name),
            quote(&ind.unit),
            quote(&ind.description),
            direction(ind).to_string(),
        ];
        for y in year - EARLIER_YEARS..year {
            cells.push(match values.get(&(id.as_str(), iid.as_str(), y)) {
                Some(Some(v)) => format!("{v}"),
                Some(None) => NOT_APPLICABLE.to_string(),
                None => String::new(),
            });
        }
        cells.extend([String::new(), String::new(), String::new()]);
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}
