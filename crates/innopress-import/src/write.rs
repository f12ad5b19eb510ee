//! The two files an import writes: the projects in the content format (sorted by id, each
//! with its source line) and the rejected rows as CSV (the original cells after a `line` and
//! a `reason` column). Pure functions of the mapped rows, so a re-import gives the same bytes.

use super::model::{Imported, Mapped};
use innopress_core::text::csv_safe;
use std::fmt::Write as _;

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn thousands(n: usize) -> String {
    innopress_core::money::group_thousands(n as u64)
}

pub fn projects_toml(
    mapped: &Mapped,
    csv_name: &str,
    mapping_name: &str,
    rejects_name: &str,
) -> String {
    let mut out = String::with_capacity(mapped.projects.len() * 400);
    let _ = writeln!(
        out,
        "# Projects imported by `innopress import projects` from {csv_name}\n\
         # with the mapping {mapping_name}: {} of {} rows; {} rejected rows are in {rejects_name}.\n\
         # Sorted by id; `# line N` is the project's line in the CSV. Import again to update.",
        thousands(mapped.projects.len()),
        thousands(mapped.rows()),
        thousands(mapped.rejects.len()),
    );
    for p in &mapped.projects {
        project(&mut out, p);
    }
    out
}

fn project(out: &mut String, p: &Imported) {
    let _ = writeln!(out, "\n# line {}\n[[project]]", p.line);
    let _ = writeln!(out, "id = {}", quoted(&p.id));
    let _ = writeln!(out, "title = {}", quoted(&p.title));
    if let Some(city) = &p.city {
        let _ = writeln!(out, "city = {}", quoted(city));
    }
    let themes: Vec<String> = p.themes.iter().map(|t| quoted(t)).collect();
    let _ = writeln!(out, "themes = [{}]", themes.join(", "));
    let _ = writeln!(out, "start = {}\nend = {}", p.start, p.end);
    let _ = writeln!(out, "programme = {}", quoted(&p.programme));
    if p.international {
        out.push_str("international = true\n");
    }
    if let Some(s) = &p.summary {
        let _ = writeln!(out, "summary = {}", quoted(s));
    }
    if let Some(u) = &p.url {
        let _ = writeln!(out, "url = {}", quoted(u));
    }
    let parts: Vec<String> = ["eu", "state", "city", "other"]
        .iter()
        .zip(p.funding)
        .filter(|(_, m)| m.cents() != 0)
        .map(|(name, m)| format!("{name} = {}", m.plain()))
        .collect();
    if !parts.is_empty() {
        let _ = writeln!(out, "funding = {{ {} }}", parts.join(", "));
    }
}

pub fn rejects_csv(mapped: &Mapped) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut header = vec!["line".to_string(), "reason".to_string()];
    header.extend(mapped.header.iter().cloned());
    w.write_record(&header)?;
    for r in &mapped.rejects {
        let reasons: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
        let mut row = vec![
            r.line.to_string(),
            csv_safe(&reasons.join("; ")).into_owned(),
        ];
        // the cells come from an outside register: never a formula when opened
        row.extend(r.cells.iter().map(|c| csv_safe(c).into_owned()));
        w.write_record(&row)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use innopress_core::money::Money;

    #[test]
    fn amounts_round_trip_through_toml() {
        for cents in [0, 5, 50, 12345, 44_390_900, 9_999_999_999] {
            let text = format!("x = {}", Money(cents).plain());
            let v: toml::Table = toml::from_str(&text).unwrap();
            let back = match &v["x"] {
                toml::Value::Integer(i) => Money(i * 100),
                toml::Value::Float(f) => Money::parse_decimal(&f.to_string()).unwrap(),
                _ => unreachable!(),
            };
            assert_eq!(back, Money(cents));
        }
    }
}
