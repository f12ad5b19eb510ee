//! Leaf: the rules for ids and slugs (`[a-z0-9-]+`), shared by loading and validation.

/// `[a-z0-9-]+`: safe in a URL and a file name, the same on every file system.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A slug close to what the user wrote, for hints ("Jyväskylä 2025" → "jyvaskyla-2025").
pub fn suggest_slug(s: &str) -> String {
    let slug = slug::slugify(s);
    if slug.is_empty() {
        "my-page".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("tampere-5g"));
        assert!(!is_slug(""));
        assert!(!is_slug("Tampere"));
        assert!(!is_slug("../x"));
        assert!(!is_slug("jyväskylä"));
        assert_eq!(suggest_slug("Jyväskylä 2025"), "jyvaskyla-2025");
    }
}
