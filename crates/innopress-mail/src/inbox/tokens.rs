//! What looks like a token in a message's text: 32 hex digits, as the unsubscribe and
//! confirmation tokens are written. Pure functions; whether one is ours is decided
//! against the list.

/// A word that is a whole token: 32 hex digits.
pub fn is_token(w: &str) -> bool {
    w.len() == 32 && w.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What look like tokens in one request: a reply quoting the newsletter has its own, and
/// any 32 hex digits (a file's hash in a signature) look alike.
pub const MAX_TOKENS: usize = 8;

/// The first 32-hex-digit token after `prefix` in `text`, lower-cased.
pub fn find_token(text: &str, prefix: &str) -> Option<String> {
    find_tokens(text, prefix, 1).pop()
}

/// The first `max` 32-hex-digit tokens after `prefix` in `text`, lower-cased.
pub fn find_tokens(text: &str, prefix: &str, max: usize) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while found.len() < max
        && let Some(i) = lower[from..].find(prefix).map(|i| i + from)
    {
        let start = i + prefix.len();
        let run: String = lower[start..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        let before_ok = prefix.is_empty()
            && (i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric())
            || !prefix.is_empty();
        if run.len() == 32 && before_ok {
            found.push(run.clone());
        }
        from = start + run.len().max(1);
        if from >= lower.len() {
            break;
        }
        while !lower.is_char_boundary(from) {
            from += 1;
        }
    }
    found
}
