//! Sharing cards: a 1200 × 630 picture for each page that has none of its own, in the brand
//! colour with the logo, the page's title and one key figure, drawn as SVG here and turned
//! into PNG with resvg when the output is written (and cached, so only a changed card is
//! drawn again). Articles and projects borrow a card rather than have thousands drawn.

use super::super::model::Model;
use innopress_core::text::{plural, xml_escape};

/// The card every project page without a picture shares, and what it says.
pub const PROJECT_CARD_DIR: &str = "project/";
pub const PROJECT_CARD: &str = "A project of the network";

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Where the card of the page in `dir` is written: `social/home.png`,
/// `social/cities-tampere.png`.
pub fn card_path(dir: &str) -> String {
    let name = dir.trim_matches('/').replace('/', "-");
    format!(
        "social/{}.png",
        if name.is_empty() {
            "home"
        } else {
            name.as_str()
        }
    )
}

/// One card: the page's folder, its title and the figure it shows.
pub struct Card {
    pub dir: String,
    pub title: String,
    pub figure: String,
    pub figure_label: String,
}

impl Model<'_> {
    fn network_figure(&self) -> (String, String) {
        let s = self.summary;
        (
            s.funding.total.display(&s.currency),
            format!(
                "in {} across {}",
                plural(s.projects.total, "project", "projects"),
                plural(s.cities.len(), "city", "cities")
            ),
        )
    }

    /// Every card the site has: the home page, each section, city, theme, report, page and
    /// newsletter issue.
    pub fn cards(&self) -> Vec<Card> {
        let (fig, label) = self.network_figure();
        let card = |dir: &str, title: &str, figure: &str, label: &str| Card {
            dir: dir.to_string(),
            title: title.to_string(),
            figure: figure.to_string(),
            figure_label: label.to_string(),
        };
        let n = &self.theme.strings.navigation;
        let t = &self.theme.strings.titles;
        // the home card's top line is the site's name already: its big text says what the
        // site is, not the name again
        let home = if self.cfg.description.trim().is_empty() {
            String::new()
        } else {
            self.cfg.description.clone()
        };
        let mut out = vec![
            card("", &home, &fig, &label),
            // shared by every project page that has no picture of its own or of its city:
            // it names no figure, which would be the network's and not the project's
            card(PROJECT_CARD_DIR, PROJECT_CARD, "", ""),
            card("news/", &t.news, &fig, &label),
            card("projects/", &t.dashboard, &fig, &label),
            card("cities/", &t.cities, &fig, &label),
            card("themes/", &t.themes, &fig, &label),
            card("impact/", &t.impact, &fig, &label),
            card("reports/", &t.reports, &fig, &label),
            card("newsletter/", &n.newsletter, &fig, &label),
        ];
        let cur = &self.summary.currency;
        for c in &self.summary.cities {
            if self
                .site
                .cities
                .iter()
                .any(|sc| sc.id.get_ref() == &c.id && sc.image.is_some())
            {
                continue;
            }
            out.push(card(
                &Model::city_dir(&c.id),
                &c.name,
                &c.funding.total.display(cur),
                &format!(
                    "in {} led by {}",
                    plural(c.projects, "project", "projects"),
                    c.name
                ),
            ));
        }
        for th in &self.summary.themes {
            out.push(card(
                &Model::theme_dir(&th.id),
                &th.name,
                &th.funding.display(cur),
                &format!("in {}", plural(th.projects, "project", "projects")),
            ));
        }
        for kind in [
            innopress_content::content::model::DocKind::Page,
            innopress_content::content::model::DocKind::Report,
            innopress_content::content::model::DocKind::Newsletter,
        ] {
            for d in self.docs(kind) {
                if d.image_rel().is_none() {
                    out.push(card(&Self::doc_dir(d), d.title(), &fig, &label));
                }
            }
        }
        out
    }

    /// Whether the page in `dir` has a card of its own (the pages [`Self::cards`] draws).
    pub fn has_card(&self, dir: &str) -> bool {
        const SECTIONS: [&str; 9] = [
            "",
            PROJECT_CARD_DIR,
            "news/",
            "projects/",
            "cities/",
            "themes/",
            "impact/",
            "reports/",
            "newsletter/",
        ];
        if SECTIONS.contains(&dir) {
            return true;
        }
        let Some((section, rest)) = dir.split_once('/') else {
            return false;
        };
        let id = rest.trim_end_matches('/');
        let doc_without_image = |kind| {
            self.docs(kind)
                .iter()
                .any(|d| Self::doc_dir(d) == dir && d.image_rel().is_none())
        };
        use innopress_content::content::model::DocKind;
        match section {
            "cities" => self
                .site
                .cities
                .iter()
                .any(|c| c.id.get_ref() == id && c.image.is_none()),
            "themes" => self.summary.themes.iter().any(|t| t.id == id),
            "pages" => doc_without_image(DocKind::Page),
            "reports" => doc_without_image(DocKind::Report),
            "newsletter" => doc_without_image(DocKind::Newsletter),
            _ => false,
        }
    }

    /// A card's SVG; `logo` is the logo as a `data:` address, when the site has one.
    pub fn card_svg(&self, c: &Card, logo: Option<&str>) -> String {
        let brand = self
            .cfg
            .brand_colour
            .as_ref()
            .map_or("#073763", |b| b.get_ref().as_str());
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\"><rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{}\"/><rect y=\"{}\" width=\"{WIDTH}\" height=\"12\" fill=\"#ffd27a\"/>",
            xml_escape(brand),
            HEIGHT - 12
        );
        let mut x = 72;
        if let Some(logo) = logo {
            svg.push_str(&format!(
                "<rect x=\"64\" y=\"56\" width=\"88\" height=\"88\" rx=\"10\" fill=\"#ffffff\"/><image x=\"72\" y=\"64\" width=\"72\" height=\"72\" href=\"{}\"/>",
                xml_escape(logo)
            ));
            x = 176;
        }
        svg.push_str(&format!(
            "<text x=\"{x}\" y=\"112\" font-family=\"DejaVu Sans\" font-weight=\"bold\" font-size=\"34\" fill=\"#ffffff\">{}</text>",
            xml_escape(&self.cfg.title)
        ));
        let lines = wrap(&c.title, 28, 3);
        let size = if lines.len() > 2 { 56 } else { 64 };
        for (i, line) in lines.iter().enumerate() {
            svg.push_str(&format!(
                "<text x=\"72\" y=\"{}\" font-family=\"DejaVu Sans\" font-weight=\"bold\" font-size=\"{size}\" fill=\"#ffffff\">{}</text>",
                250 + i as u32 * (size + 12),
                xml_escape(line)
            ));
        }
        svg.push_str(&format!(
            "<text x=\"72\" y=\"540\" font-family=\"DejaVu Sans\" font-weight=\"bold\" font-size=\"44\" fill=\"#ffd27a\">{}</text><text x=\"72\" y=\"584\" font-family=\"DejaVu Sans\" font-size=\"28\" fill=\"#ffffff\">{}</text></svg>",
            xml_escape(&c.figure),
            xml_escape(&c.figure_label)
        ));
        svg
    }
}

/// Words in lines of at most `width` characters, at most `max` lines (the last cut with …).
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_into_at_most_three_lines() {
        let w = wrap(
            "Oulu's 6G city pilots at halfway: from a test network to everyday services for every resident",
            28,
            3,
        );
        assert_eq!(w.len(), 3);
        assert!(w.iter().all(|l| l.chars().count() <= 29));
        assert!(w[2].ends_with('…'));
        assert_eq!(card_path(""), "social/home.png");
        assert_eq!(card_path("cities/tampere/"), "social/cities-tampere.png");
    }
}
