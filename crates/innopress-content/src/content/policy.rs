//! `[policy]` in `site.toml`: the programme's rules and words that a site sets for itself
//! (the least city share, the currency, the names of the funding sources).

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// `[policy]` in `site.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The least share of their projects' funding, in percent, that cities co-finance;
    /// below it `check` warns. Not set, there is no such rule (it is one programme's, such
    /// as the Finnish one the sample site follows with 25).
    #[serde(default)]
    pub min_city_share: Option<Spanned<f64>>,
    /// The code written before every amount ("EUR 9.6 million"). EUR when not set.
    #[serde(default)]
    pub currency: Option<Spanned<String>>,
    /// What the programme calls its four sources of funding; the data keeps the keys
    /// `eu`, `state`, `city` and `other` whatever they are called.
    #[serde(default)]
    pub sources: Sources,
}

/// `[policy.sources]`: the names pages, charts and the dashboard give the funding sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Sources {
    pub eu: String,
    pub state: String,
    pub city: String,
    pub other: String,
}

impl Sources {
    /// The names with a blank one (as a form may save it) replaced by its default.
    pub fn or_defaults(&self) -> Sources {
        let d = Sources::default();
        let pick = |s: &String, d: String| {
            if s.trim().is_empty() {
                d
            } else {
                s.trim().to_string()
            }
        };
        Sources {
            eu: pick(&self.eu, d.eu),
            state: pick(&self.state, d.state),
            city: pick(&self.city, d.city),
            other: pick(&self.other, d.other),
        }
    }
}

impl Default for Sources {
    fn default() -> Sources {
        Sources {
            eu: "EU".into(),
            state: "State".into(),
            city: "City".into(),
            other: "Other".into(),
        }
    }
}

impl Policy {
    /// The minimum city share in percent, when the site's programme has one.
    pub fn min_city_share(&self) -> Option<f64> {
        self.min_city_share.as_ref().map(|s| *s.get_ref())
    }

    /// The currency code.
    pub fn currency(&self) -> &str {
        self.currency
            .as_ref()
            .map_or("EUR", |c| c.get_ref().as_str())
    }
}
