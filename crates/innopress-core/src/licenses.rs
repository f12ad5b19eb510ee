//! The open-data licences innopress knows by their SPDX id: a title and the address of the
//! licence text, for the footer, the dashboard and `datapackage.json`. Another licence is
//! named by its id with `license_url`.

/// SPDX id, title, address.
const KNOWN: [(&str, &str, &str); 10] = [
    (
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    (
        "CC-BY-SA-4.0",
        "Creative Commons Attribution-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    (
        "CC0-1.0",
        "Creative Commons Zero 1.0 (public domain dedication)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    (
        "CC-BY-3.0",
        "Creative Commons Attribution 3.0",
        "https://creativecommons.org/licenses/by/3.0/",
    ),
    (
        "ODbL-1.0",
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    (
        "ODC-By-1.0",
        "Open Data Commons Attribution License 1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
    (
        "PDDL-1.0",
        "Open Data Commons Public Domain Dedication and License 1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
    (
        "OGL-UK-3.0",
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    (
        "DL-DE-BY-2.0",
        "Data licence Germany – attribution – version 2.0",
        "https://www.govdata.de/dl-de/by-2-0",
    ),
    (
        "etalab-2.0",
        "Etalab Open License 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    ),
];

/// A licence as shown: its id, title and address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct License {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// The licence `id` names (with `url` overriding the known address). `None` for an id not
/// known here when no `url` is given.
pub fn resolve(id: &str, url: Option<&str>) -> Option<License> {
    let known = KNOWN.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(id));
    match (known, url) {
        (Some((k, title, link)), url) => Some(License {
            id: (*k).to_string(),
            title: (*title).to_string(),
            url: url.unwrap_or(link).to_string(),
        }),
        (None, Some(url)) => Some(License {
            id: id.to_string(),
            title: id.to_string(),
            url: url.to_string(),
        }),
        (None, None) => None,
    }
}

/// The ids known without `license_url`, for the hint of an unknown one.
pub fn known_ids() -> String {
    KNOWN.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_resolve_with_their_address() {
        let l = super::resolve("cc-by-4.0", None).unwrap();
        assert_eq!(l.id, "CC-BY-4.0");
        assert!(l.url.starts_with("https://creativecommons.org/"));
        assert!(super::resolve("LicenseRef-city", None).is_none());
        assert_eq!(
            super::resolve("LicenseRef-city", Some("https://x.example/l"))
                .unwrap()
                .url,
            "https://x.example/l"
        );
    }
}
