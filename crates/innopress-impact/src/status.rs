//! Where the collection of one year stands: for each city and indicator, whether the year's
//! figure is in the data, missing, or said not to apply, and which cities are still to chase.

use innopress_content::content::Site;
use innopress_content::content::observation::Key;
use std::collections::BTreeSet;

/// One cell of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Reported,
    Missing,
    /// The city said the indicator does not apply to it (`not_applicable = true`).
    NotApplicable,
}

impl State {
    /// The grid's mark in a terminal.
    fn mark(self) -> &'static str {
        match self {
            State::Reported => "x",
            State::Missing => ".",
            State::NotApplicable => "-",
        }
    }
}

/// One city's row of the grid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CityRow {
    pub id: String,
    pub name: String,
    /// Per indicator, in the order of [`Grid::indicators`].
    pub states: Vec<State>,
    /// How many are missing.
    pub missing: usize,
    /// How many apply to the city (those not said to be not applicable).
    pub applicable: usize,
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
    pub fn of<'s>(site: &'s Site, year: i32) -> Grid {
        let of_year = |(city, indicator, y): Key<'s>| (y == year).then_some((city, indicator));
        let have: BTreeSet<(&str, &str)> = site
            .observations
            .iter()
            .filter_map(|o| of_year(o.key()))
            .collect();
        let not_applicable: BTreeSet<(&str, &str)> = site
            .not_applicable
            .iter()
            .filter_map(|n| of_year(n.key()))
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
                let states: Vec<State> = indicators
                    .iter()
                    .map(|i| {
                        let key = (c.id.get_ref().as_str(), i.as_str());
                        if have.contains(&key) {
                            State::Reported
                        } else if not_applicable.contains(&key) {
                            State::NotApplicable
                        } else {
                            State::Missing
                        }
                    })
                    .collect();
                CityRow {
                    id: c.id.get_ref().clone(),
                    name: c.name.clone(),
                    missing: states.iter().filter(|s| **s == State::Missing).count(),
                    applicable: states
                        .iter()
                        .filter(|s| **s != State::NotApplicable)
                        .count(),
                    states,
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

    /// The indicators in `state` for `city`, such as those it has not reported.
    pub fn of_city(&self, city: &str, state: State) -> Vec<&str> {
        self.cities
            .iter()
            .find(|c| c.id == city)
            .map(|c| {
                self.indicators
                    .iter()
                    .zip(&c.states)
                    .filter(|(_, s)| **s == state)
                    .map(|(i, _)| i.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The grid as text for a terminal: a row per city, a column per indicator (numbered,
    /// with a key below), `x` reported, `.` missing and `-` not applicable.
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
            for s in &c.states {
                out.push_str("  ");
                out.push_str(s.mark());
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
