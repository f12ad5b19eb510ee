//! Data that is valid but probably wrong (a project without funding, a city co-financing
//! below the minimum, a value far off a city's other years): warnings, which
//! `check --deny-warnings` turns into errors.

use super::slips::{Point, slip};
use crate::content::Site;
use crate::content::model::Policy;
use innopress_core::diagnostics::{Diagnostics, FileId};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// Data that is valid but probably wrong: reported as warnings by `check`, which
/// `--deny-warnings` turns into errors. Pure, like [`validate`].
pub fn data_warnings(site: &Site, policy: &Policy) -> Diagnostics {
    let min_share = policy.min_city_share();
    let mut diags = Diagnostics::default();
    let mut warn = |file: FileId, span: Range<usize>, msg: String, hint: Option<String>| {
        diags.warning(site.source(file), span, msg, hint)
    };
    // co-financing per city, in cents
    let mut per_city: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for p in &site.projects {
        let total = p.funding.total().cents();
        if total == 0 {
            warn(
                p.origin.file,
                p.id.span(),
                format!("project `{}` has no funding", p.id.get_ref()),
                Some("add its funding under [project.funding] (eu, state, city, other), or remove the project".into()),
            );
        }
        if let Some(c) = &p.city {
            let e = per_city.entry(c.get_ref().as_str()).or_insert((0, 0));
            e.0 += p.funding.city.cents();
            e.1 += total;
        }
    }
    for c in &site.cities {
        if let Some(min_share) = min_share
            && let Some((city, total)) = per_city.get(c.id.get_ref().as_str()).copied()
            && total > 0
            && (city as f64) * 100.0 < min_share * total as f64
        {
            warn(
                c.origin.file,
                c.id.span(),
                format!(
                    "{} co-finances {:.1} % of its projects, below the {} % minimum",
                    c.name,
                    100.0 * city as f64 / total as f64,
                    innopress_core::text::number(min_share)
                ),
                Some(
                    "check the `city` amounts of its projects' funding (the minimum is [policy] min_city_share in content/site.toml)"
                        .into(),
                ),
            );
        }
    }
    let observed: BTreeSet<&str> = site
        .observations
        .iter()
        .map(|o| o.indicator.get_ref().as_str())
        .collect();
    // while an observation did not load, "none" may be untrue
    let complete = site.broken.observations.complete();
    for ind in &site.indicators {
        if complete && !observed.contains(ind.id.get_ref().as_str()) {
            warn(
                ind.origin.file,
                ind.id.span(),
                format!("indicator `{}` has no observations", ind.id.get_ref()),
                Some(
                    "add observations in content/data/observations/, or remove the indicator"
                        .into(),
                ),
            );
        }
    }
    slipped_digits(site, &mut warn);
    diags
}

/// A figure far from both the city's previous year and its median: a likely slip.
fn slipped_digits(
    site: &Site,
    warn: &mut impl FnMut(FileId, Range<usize>, String, Option<String>),
) {
    let mut series: BTreeMap<(&str, &str), Vec<&crate::content::observation::Observation>> =
        BTreeMap::new();
    for o in &site.observations {
        series
            .entry((o.city.get_ref(), o.indicator.get_ref()))
            .or_default()
            .push(o);
    }
    for obs in series.values() {
        let points: Vec<Point> = obs.iter().map(|o| point(o)).collect();
        for o in obs {
            if let Some(s) = slip(&points, *o.year.get_ref()) {
                warn(
                    o.origin.file,
                    o.year.span(),
                    s.message(o.indicator.get_ref(), o.city.get_ref()),
                    Some(SLIP_HINT.into()),
                );
            }
        }
    }
}

/// What to do about a likely slip, in `check` and the import alike.
pub const SLIP_HINT: &str = "check the figure with the city; if it is right, add a `comment` beside it saying why it changed, and it is not flagged again";

/// An observation as the slip rule reads it.
pub fn point(o: &crate::content::observation::Observation) -> Point {
    Point {
        year: *o.year.get_ref(),
        value: o.value,
        target: o.target,
        commented: o.comment.is_some(),
    }
}
