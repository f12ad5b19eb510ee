//! Addresses. Pages link to each other with relative URLs (`../../news/`), so the site works
//! wherever it is served: at a domain's root, under a path prefix such as
//! `https://example.org/innocities/`, or from a local preview server. Feeds, the sitemap and
//! canonical links need absolute URLs and take them from `base_url`.

/// The parsed `base_url`, always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `https://example.org/innocities/`
    pub full: String,
    /// `/innocities/`
    pub path: String,
}

impl BaseUrl {
    pub fn parse(raw: &str) -> Result<BaseUrl, String> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or_else(|| "it must start with https:// or http://".to_string())?;
        if raw.contains(['?', '#', ' ', '"', '<', '>', '\'', '\\']) {
            return Err("it must not contain a query, a fragment, spaces or quotes".into());
        }
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() {
            return Err("it has no host name".into());
        }
        if path.split('/').any(|p| p == "..") {
            return Err("its path must not contain `..`".into());
        }
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        let scheme = &raw[..raw.len() - rest.len()];
        Ok(BaseUrl {
            full: format!("{scheme}{host}{path}"),
            path,
        })
    }

    /// The absolute URL of a site-relative address such as `news/a/`.
    pub fn abs(&self, rel: &str) -> String {
        format!("{}{}", self.full, rel.trim_start_matches('/'))
    }
}

/// The relative prefix from an output file to the site root: `news/a/index.html` → `../../`,
/// `index.html` → `./`.
pub fn root_prefix(output_path: &str) -> String {
    let depth = output_path.matches('/').count();
    if depth == 0 {
        "./".to_string()
    } else {
        "../".repeat(depth)
    }
}

/// The address of a page whose file is `dir/index.html`: `news/a/` (no leading slash).
pub fn page_dir(output_path: &str) -> &str {
    output_path
        .strip_suffix("index.html")
        .unwrap_or(output_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_base_urls() {
        let b = BaseUrl::parse("https://example.org/innocities").unwrap();
        assert_eq!(b.full, "https://example.org/innocities/");
        assert_eq!(b.path, "/innocities/");
        assert_eq!(b.abs("news/a/"), "https://example.org/innocities/news/a/");
        let b = BaseUrl::parse("http://localhost:1111").unwrap();
        assert_eq!(b.full, "http://localhost:1111/");
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https://").is_err());
        assert!(BaseUrl::parse("https://a/?x").is_err());
    }

    #[test]
    fn relative_roots() {
        assert_eq!(root_prefix("index.html"), "./");
        assert_eq!(root_prefix("news/index.html"), "../");
        assert_eq!(root_prefix("news/a/index.html"), "../../");
        assert_eq!(page_dir("news/a/index.html"), "news/a/");
    }
}
