//! The impact summary as a plain-text table for the terminal (`innopress summary`).

use innopress_core::text::{count, number, percent};
use innopress_impact::Summary;
use std::fmt::Write as _;

pub fn summary_table(title: &str, s: &Summary) -> String {
    let mut o = String::new();
    headline(&mut o, title, s);
    cities(&mut o, s);
    themes(&mut o, s);
    indicators(&mut o, s);
    o
}

/// The title and the network's totals.
fn headline(o: &mut String, title: &str, s: &Summary) {
    let _ = writeln!(o, "{title}: impact summary as of {}", s.as_of.long());
    let _ = writeln!(o);
    let p = &s.projects;
    let f = &s.funding;
    let cur = &s.currency;
    let rows = [
        (
            "Projects",
            format!(
                "{} (planned {}, ongoing {}, closed {})",
                count(p.total),
                count(p.planned),
                count(p.ongoing),
                count(p.closed)
            ),
        ),
        ("Total funding", format!("{cur} {}", f.total.grouped())),
        (
            "  by source",
            format!(
                "EU {} · state {} · city {} · other {}",
                f.eu.grouped(),
                f.state.grouped(),
                f.city.grouped(),
                f.other.grouped()
            ),
        ),
        ("City share", percent(f.city_share)),
        (
            "Ongoing funding",
            format!("{cur} {}", s.ongoing_funding.grouped()),
        ),
        (
            "International",
            format!(
                "{} projects, {cur} {}",
                count(s.international.projects),
                s.international.funding.grouped()
            ),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "{k:<16} {v}");
    }
}

/// Each city's projects and funding.
fn cities(o: &mut String, s: &Summary) {
    let cur = &s.currency;
    let _ = writeln!(o);
    let (total, ongoing) = (format!("Total funding ({cur})"), format!("Ongoing ({cur})"));
    let header = [
        "City",
        "Projects",
        "Partner in",
        total.as_str(),
        "City share",
        ongoing.as_str(),
    ];
    let body: Vec<Vec<String>> = s
        .cities
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                count(c.projects),
                count(c.partner_projects),
                c.funding.total.grouped(),
                percent(c.funding.city_share),
                c.ongoing_funding.grouped(),
            ]
        })
        .collect();
    table(o, &header, &body);
}

/// Each theme's projects and funding, and each programme's.
fn themes(o: &mut String, s: &Summary) {
    let cur = &s.currency;
    let _ = writeln!(o);
    let funding = format!("Funding ({cur})");
    let header = ["Theme", "Projects", funding.as_str()];
    let body: Vec<Vec<String>> = s
        .themes
        .iter()
        .map(|t| vec![t.name.clone(), count(t.projects), t.funding.grouped()])
        .collect();
    table(o, &header, &body);

    if !s.programmes.is_empty() {
        let _ = writeln!(o);
        let header = ["Programme", "Projects", "Ongoing", funding.as_str()];
        let body: Vec<Vec<String>> = s
            .programmes
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    count(p.projects),
                    count(p.ongoing),
                    p.funding.grouped(),
                ]
            })
            .collect();
        table(o, &header, &body);
    }
}

/// Each indicator's latest value and change.
fn indicators(o: &mut String, s: &Summary) {
    if !s.indicators.is_empty() {
        let _ = writeln!(o);
        let header = ["Indicator", "Unit", "Latest", "Year", "Change"];
        let body: Vec<Vec<String>> = s
            .indicators
            .iter()
            .map(|i| {
                vec![
                    i.name.clone(),
                    i.unit.clone(),
                    i.latest.map_or("–".into(), |v| number(v.value)),
                    i.latest.map_or("–".into(), |v| v.year.to_string()),
                    i.change.map_or("–".into(), |c| {
                        if c > 0.0 {
                            format!("+{}", number(c))
                        } else {
                            number(c)
                        }
                    }),
                ]
            })
            .collect();
        table(o, &header, &body);
    }
}

/// Columns padded to their widest cell (counted in characters); numbers right-aligned.
fn table(o: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>, o: &mut String| {
        let mut parts = Vec::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            if i == 0 {
                parts.push(format!("{c}{}", " ".repeat(pad)));
            } else {
                parts.push(format!("{}{c}", " ".repeat(pad)));
            }
        }
        let _ = writeln!(o, "{}", parts.join("  ").trim_end());
    };
    line(header.iter().map(|h| h.to_string()).collect(), o);
    let _ = writeln!(
        o,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    );
    for r in rows {
        line(r.clone(), o);
    }
}
