//! Where the collection of one year stands: for each city and indicator, whether the year's
//! figure is in the data, and which cities are still to chase.

use crate::content::Site;
use std::collections::BTreeSet;

/// One city's row of the grid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CityRow {
    pub id: String,
    pub name: String,
    /// Per indicator, in the order of [`Grid::indicators`]: reported or not.
    pub reported: Vec<bool>,
    /// How many are not.
    pub missing: usize,
}

/// The city × indicator grid of one year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Grid {
    pub year: i32,
    /// Indicator ids, in the order of `indicators.toml`.
    pub indicators: Vec<String>,
    pub cities: Vec<CityRow>,
}

impl Grid {
    /// The grid of `year` from the loaded data.
    pub fn of(site: &Site, year: i32) -> Grid {
        let have: BTreeSet<(&str, &str)> = site
            .observations
            .iter()
            .filter(|o| *o.year.get_ref() == year)
            .map(|o| (o.city.get_ref().as_str(), o.indicator.get_ref().as_str()))
            .collect();
        let indicators: Vec<String> = site
            .indicators
            .iter()
            .map(|i| i.id.get_ref().clone())
            .collect();
        let cities = site
            .cities
            .iter()
            .map(|c| {
                let reported: Vec<bool> = indicators
                    .iter()
                    .map(|i| have.contains(&(c.id.get_ref().as_str(), i.as_str())))
                    .collect();
                CityRow {
                    id: c.id.get_ref().clone(),
                    name: c.name.clone(),
                    missing: reported.iter().filter(|r| !**r).count(),
                    reported,
                }
            })
            .collect();
        Grid {
            year,
            indicators,
            cities,
        }
    }

    /// Cities with at least one figure missing, most missing first, then by name.
    pub fn to_chase(&self) -> Vec<&CityRow> {
        let mut v: Vec<&CityRow> = self.cities.iter().filter(|c| c.missing > 0).collect();
        v.sort_by(|a, b| b.missing.cmp(&a.missing).then(a.name.cmp(&b.name)));
        v
    }

    /// The grid as text for a terminal: a row per city, a column per indicator (numbered,
    /// with a key below), `x` reported and `.` missing.
    pub fn render(&self) -> String {
        let width = self
            .cities
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let mut out = format!("{:width$}", "City");
        for i in 1..=self.indicators.len() {
            out.push_str(&format!(" {i:>2}"));
        }
        out.push_str("  missing\n");
        for c in &self.cities {
            out.push_str(&format!("{:width$}", c.name));
            for r in &c.reported {
                out.push_str(if *r { "  x" } else { "  ." });
            }
            out.push_str(&format!("  {}\n", c.missing));
        }
        out.push('\n');
        for (i, id) in self.indicators.iter().enumerate() {
            out.push_str(&format!("{:>2} {id}\n", i + 1));
        }
        out
    }
}
