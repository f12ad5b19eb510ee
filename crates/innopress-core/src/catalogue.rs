//! Leaf: the names shortcodes accept, as types. Validation parses a name into a
//! [`FigureName`] or [`ChartName`] and the renderers match on every variant without a
//! wildcard, so a name that is accepted but never rendered does not compile.

use std::fmt;
use std::str::FromStr;

/// A name that is not in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a name the catalogue knows")]
pub struct UnknownName;

/// Declares a name enum: its variants with their shortcode names, in the catalogue's order,
/// with `ALL`, `NAMES`, `name()`, `FromStr` and `Display`.
macro_rules! names {
    ($(#[$doc:meta])* $ty:ident, $names:ident { $($variant:ident = $name:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $ty {
            $($variant,)*
        }

        impl $ty {
            /// Every name, in the order the manual and the error hints list them.
            pub const ALL: &'static [$ty] = &[$($ty::$variant,)*];

            /// The name as a shortcode writes it.
            pub const fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)*
                }
            }
        }

        /// The names as shortcodes write them, for hints (`did you mean`).
        pub const $names: &[&str] = &[$($name,)*];

        impl FromStr for $ty {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($name => Ok($ty::$variant),)*
                    _ => Err(UnknownName),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

names!(
    /// What the `figure` shortcode shows.
    FigureName, FIGURES {
        TotalFunding = "total-funding",
        EuFunding = "eu-funding",
        StateFunding = "state-funding",
        CityFunding = "city-funding",
        OtherFunding = "other-funding",
        CityShare = "city-share",
        OngoingFunding = "ongoing-funding",
        ProjectCount = "project-count",
        OngoingCount = "ongoing-count",
        PlannedCount = "planned-count",
        ClosedCount = "closed-count",
        InternationalFunding = "international-funding",
        InternationalCount = "international-count",
        PartnerCount = "partner-count",
        CityCount = "city-count",
        AsOf = "as-of",
        Indicator = "indicator",
    }
);

names!(
    /// What the `chart` shortcode draws.
    ChartName, CHARTS {
        Map = "map",
        FundingByCity = "funding-by-city",
        FundingBySource = "funding-by-source",
        ProjectsByTheme = "projects-by-theme",
        ProjectsPerYear = "projects-per-year",
        Indicator = "indicator",
    }
);

impl FigureName {
    /// Whether the figure can be narrowed to one city, must be, or cannot.
    pub const fn city(self) -> CityArg {
        match self {
            FigureName::PartnerCount => CityArg::Required,
            FigureName::CityCount | FigureName::AsOf => CityArg::None,
            _ => CityArg::Optional,
        }
    }
}

impl ChartName {
    /// Whether the chart can be narrowed to one city.
    pub const fn takes_city(self) -> bool {
        matches!(self, ChartName::FundingBySource | ChartName::Indicator)
    }
}

/// What a name does with a `city` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CityArg {
    Required,
    Optional,
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_itself() {
        for f in FigureName::ALL {
            assert_eq!(f.name().parse::<FigureName>(), Ok(*f));
            assert_eq!(f.to_string(), f.name());
        }
        for c in ChartName::ALL {
            assert_eq!(c.name().parse::<ChartName>(), Ok(*c));
        }
        assert_eq!(FIGURES.len(), FigureName::ALL.len());
        assert_eq!("total".parse::<FigureName>(), Err(UnknownName));
    }
}
