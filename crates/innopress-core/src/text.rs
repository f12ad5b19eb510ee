//! Leaf: how numbers and text are written for readers, and escaping for HTML and XML.
//! Every renderer (pages, feeds, charts, email, terminal) formats through here, so a figure
//! reads the same wherever it appears.

use crate::money::group_thousands;

/// Escapes what can break out of text or a quoted attribute. tera's default also escapes `/`,
/// which is harmless in HTML and makes every link unreadable in the page source.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // every page's text passes through here: copy the runs between special bytes whole
    // (they are ASCII, so a run never splits a UTF-8 character)
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&input[start..]);
    out
}

/// XML text escaping (also safe inside attribute values).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // characters XML 1.0 forbids
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `s` cut at a word boundary to at most `max` characters, with "…" when cut.
pub fn truncate_words(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let end = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end_matches([',', ';', ':', ' ']))
}

/// "1 project", "2 projects": `one` and `many` are the word's two forms.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// An indicator's value in its unit: money by the one money rule ("EUR 896.1 million"),
/// percentages with a sign ("20.4 %"), counts bare ("9,961"), other units after the number
/// ("4.2 t CO2e per resident"). `currency` is the site's currency code.
pub fn with_unit(v: f64, unit: &str, currency: &str) -> String {
    match unit {
        u if u == currency || u == "EUR" => {
            let cents = (v * 100.0).round();
            if cents.is_finite() && cents.abs() < 1e17 {
                crate::money::Money(cents as i64).display(u)
            } else {
                format!("{u} {}", number(v))
            }
        }
        "percent" | "%" => format!("{} %", number(v)),
        "" | "count" | "number" => number(v),
        u => format!("{} {u}", number(v)),
    }
}

/// A change in an indicator's unit, with its sign: "+762 companies", "-1.5 %".
pub fn change_with_unit(v: f64, unit: &str, currency: &str) -> String {
    let s = with_unit(v.abs(), unit, currency);
    if v > 0.0 {
        format!("+{s}")
    } else if v < 0.0 {
        format!("−{s}")
    } else {
        s
    }
}

/// A 0–1 share as "15.0 %".
pub fn percent(share: f64) -> String {
    crate::numbers::with_decimal_mark(format!("{:.1} %", share * 100.0))
}

/// A count with thousands separators.
pub fn count(n: usize) -> String {
    group_thousands(n as u64)
}

/// An indicator value: thousands separators, at most two decimals, no trailing zeros.
pub fn number(v: f64) -> String {
    let neg = v < 0.0;
    let cents = (v.abs() * 100.0).round() as u64;
    let whole = group_thousands(cents / 100);
    let frac = cents % 100;
    let mark = crate::numbers::style().decimal;
    let s = if frac == 0 {
        whole
    } else if frac.is_multiple_of(10) {
        format!("{whole}{mark}{}", frac / 10)
    } else {
        format!("{whole}{mark}{frac:02}")
    };
    if neg && cents != 0 {
        format!("-{s}")
    } else {
        s
    }
}

/// The first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// The message of an error and all its causes on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// A spreadsheet cell that cannot run as a formula: text that begins with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'`, as OWASP advises against CSV
/// injection, unless it is a plain number such as `-5000` or `+1.5`, which a spreadsheet
/// reads as a number anyway. Every CSV innopress writes passes its cells through here.
pub fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = {
        let digits = cell.trim_start_matches(['+', '-']);
        cell.len() - digits.len() == 1
            && !digits.is_empty()
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
            && digits.bytes().filter(|b| matches!(b, b'.' | b',')).count() <= 1
            && digits.bytes().next().is_some_and(|b| b.is_ascii_digit())
    };
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV field: [`csv_safe`], then quoted when it holds a comma, a quote or a line break.
pub fn csv_field(field: &str) -> String {
    let field = csv_safe(field);
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.into_owned()
    }
}

/// Text from outside (a list, a message) as it may be shown in a terminal: control
/// characters (escape sequences, line breaks) are left out, so it cannot rewrite the screen.
pub fn printable(text: &str) -> String {
    text.chars().filter(|c| !is_control(*c)).collect()
}

/// The first control character of `s`, if any: line breaks, tabs, escapes, and the
/// invisible Unicode controls (C0, DEL, C1, the line and paragraph separators). Text with
/// one cannot be a mail header, and may rewrite a terminal.
pub fn control_char(s: &str) -> Option<char> {
    s.chars().find(|c| is_control(*c))
}

/// See [`control_char`].
pub fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// HTML's character references back to text: `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`,
/// `&nbsp;` and numeric references (`&#39;`, `&#xE4;`); anything else stays as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // a reference is short: look for its `;` within the next dozen characters
        let end = after
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| {
            let name = &after[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &after[len..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(number(1234.5), "1,234.5");
        assert_eq!(number(12.345), "12.35");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(-0.001), "0");
        assert_eq!(percent(0.15), "15.0 %");
    }

    #[test]
    fn truncates_at_words_and_counts_in_the_right_form() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 12), "one two…");
        assert_eq!(plural(1, "project", "projects"), "1 project");
        assert_eq!(plural(1200, "city", "cities"), "1,200 cities");
    }

    #[test]
    fn values_follow_their_unit() {
        assert_eq!(with_unit(896_070_000.0, "EUR", "EUR"), "EUR 896.1 million");
        assert_eq!(with_unit(475_000.75, "EUR", "EUR"), "EUR 475,001");
        assert_eq!(with_unit(20.4, "percent", "EUR"), "20.4 %");
        assert_eq!(with_unit(9961.0, "count", "EUR"), "9,961");
        assert_eq!(
            with_unit(4.25, "t CO2e per resident", "EUR"),
            "4.25 t CO2e per resident"
        );
        assert_eq!(
            change_with_unit(762.0, "companies", "EUR"),
            "+762 companies"
        );
        assert_eq!(change_with_unit(-1.5, "percent", "EUR"), "−1.5 %");
    }

    #[test]
    fn escapes_html_around_any_characters() {
        assert_eq!(
            escape_html("Jyväskylä <a href='x'>&\"€\"</a>"),
            "Jyväskylä &lt;a href=&#39;x&#39;&gt;&amp;&quot;€&quot;&lt;/a&gt;"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("ä"), "ä");
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(
            decode_entities("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &#228;&#xE4;&nbsp;f"),
            "a & b <c> \"d\" 'e' ää f"
        );
        assert_eq!(decode_entities("&bogus; &#xZZ; &"), "&bogus; &#xZZ; &");
        assert_eq!(decode_entities("&äääääääääääää;"), "&äääääääääääää;");
        // decoded once: an escaped reference stays a reference
        assert_eq!(decode_entities("&amp;lt;"), "&lt;");
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }

    #[test]
    fn csv_cells_cannot_be_formulas() {
        for risky in [
            "=HYPERLINK(\"http://x\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "-",
            "+",
        ] {
            assert_eq!(csv_safe(risky), format!("'{risky}"), "{risky:?}");
        }
        for fine in ["-5000", "+1.5", "-0,25", "plain", "", "1=1", "a-b"] {
            assert_eq!(csv_safe(fine), fine, "{fine:?}");
        }
    }
}
