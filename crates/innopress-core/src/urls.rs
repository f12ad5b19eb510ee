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

/// Why a `base_url` is refused, worded to complete "base_url … is not usable: …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("it must start with https:// or http://")]
    Scheme,
    #[error("it must not contain a query, a fragment, spaces or quotes")]
    Characters,
    #[error("it has no host name")]
    NoHost,
    #[error("its path must not contain `..`")]
    DotDot,
    #[error("it is not a web address ({0})")]
    Invalid(url::ParseError),
}

impl BaseUrl {
    /// Parses with the `url` crate (WHATWG rules) after the checks a site address needs
    /// beyond being a URL: http(s), no query or fragment, no `..` (which `url` would resolve
    /// away silently).
    pub fn parse(raw: &str) -> Result<BaseUrl, BaseUrlError> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or(BaseUrlError::Scheme)?;
        if raw.contains(['?', '#', ' ', '"', '<', '>', '\'', '\\']) {
            return Err(BaseUrlError::Characters);
        }
        if rest.split('/').skip(1).any(|p| p == "..") {
            return Err(BaseUrlError::DotDot);
        }
        let url = url::Url::parse(raw).map_err(|e| match e {
            url::ParseError::EmptyHost => BaseUrlError::NoHost,
            e => BaseUrlError::Invalid(e),
        })?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(BaseUrlError::NoHost);
        }
        let mut path = url.path().to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
        Ok(BaseUrl {
            full: format!("{}://{authority}{path}", url.scheme()),
            path,
        })
    }

    /// The absolute URL of a site-relative address such as `news/a/`.
    pub fn abs(&self, rel: &str) -> String {
        format!("{}{}", self.full, rel.trim_start_matches('/'))
    }
}

/// Why an address that comes from data is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataUrlError {
    #[error("`{0}` is not allowed: only http://, https:// and mailto: addresses are")]
    Scheme(String),
    #[error("`{0}` is not a web address ({1})")]
    Invalid(String, url::ParseError),
    #[error(
        "`{0}` has a space, a line break or an invisible character (such as a right-to-left mark), which could disguise where it leads"
    )]
    Hidden(String),
    #[error("`{0}` has a user name before its host (`…@`), which disguises where it leads")]
    UserInfo(String),
}

/// Characters that are invisible or reorder text: a link holding one can show one address
/// and lead to another.
fn is_hidden(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// The one policy for addresses that come from data (a project's or a city's `url`, a
/// register's column): http, https or mailto, in any letter case, and nothing else, so no
/// `javascript:` or `data:` address can become a link. Parsed as browsers parse (WHATWG),
/// so tabs or spaces inside a scheme do not slip through.
pub fn check_data_url(raw: &str) -> Result<(), DataUrlError> {
    if raw.chars().any(is_hidden) {
        return Err(DataUrlError::Hidden(raw.to_string()));
    }
    let url = url::Url::parse(raw).map_err(|e| DataUrlError::Invalid(raw.to_string(), e))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(DataUrlError::UserInfo(raw.to_string()));
    }
    match url.scheme() {
        "http" | "https" if url.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        "mailto" => Ok(()),
        _ => Err(DataUrlError::Scheme(raw.to_string())),
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
        assert_eq!(
            BaseUrl::parse("https://a/b/../c"),
            Err(BaseUrlError::DotDot)
        );
        assert_eq!(BaseUrl::parse("ftp://a/"), Err(BaseUrlError::Scheme));
    }

    #[test]
    fn data_urls_are_web_or_mail_addresses_only() {
        for ok in [
            "https://example.org/x",
            "HTTP://EXAMPLE.ORG",
            "mailto:a@example.org",
        ] {
            assert_eq!(check_data_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "file:///etc/passwd",
            "www.example.org",
            "/projects/x/",
            "https://",
            "https://ok.example/\u{202e}gpj.exe",
            "https://ok.example/a\u{200b}b",
            "https://ok.example/a b",
            "https://accounts.example.com@evil.example/",
        ] {
            assert!(check_data_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn relative_roots() {
        assert_eq!(root_prefix("index.html"), "./");
        assert_eq!(root_prefix("news/index.html"), "../");
        assert_eq!(root_prefix("news/a/index.html"), "../../");
        assert_eq!(page_dir("news/a/index.html"), "news/a/");
    }
}
