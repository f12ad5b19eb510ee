//! Synthetic sites for benchmarks and scale tests: a network of cities, projects, indicators
//! with yearly observations, articles and newsletter issues, generated deterministically from
//! a seed (the same parameters always give the same files).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Params {
    pub seed: u64,
    pub cities: usize,
    pub projects: usize,
    pub indicators: usize,
    pub years: usize,
    pub articles: usize,
    pub newsletters: usize,
    /// Photos (2400×1600 JPEG) under `static/images/`: the cities' pictures and the lead
    /// pictures of every 20th article, so that a benchmark also measures the picture cache.
    pub pictures: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            seed: 1,
            cities: 18,
            projects: 5_000,
            indicators: 20,
            years: 10,
            articles: 0,
            newsletters: 0,
            pictures: 0,
        }
    }
}

/// SplitMix64: tiny, fast and good enough to vary synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: [&str; 24] = [
    "innovation",
    "city",
    "ecosystem",
    "pilot",
    "data",
    "energy",
    "health",
    "mobility",
    "platform",
    "university",
    "companies",
    "network",
    "climate",
    "digital",
    "services",
    "residents",
    "test",
    "bed",
    "research",
    "funding",
    "impact",
    "region",
    "skills",
    "circular",
];
const PROGRAMMES: [&str; 6] = [
    "ERDF",
    "ESF+",
    "JTF",
    "Horizon Europe",
    "Interreg Europe",
    "City funding",
];
const THEMES: [&str; 3] = ["sustainable-transition", "digitalisation", "wellbeing"];

/// Writes a complete site (with `content/`) into `dir`.
pub fn generate(dir: &Path, p: &Params) -> io::Result<()> {
    let mut rng = Rng(p.seed);
    let c = dir.join("content");
    if p.pictures > 0 {
        std::fs::create_dir_all(c.join("static/images"))?;
        for n in 0..p.pictures {
            photo(&mut rng, &c.join(format!("static/images/photo-{n:02}.jpg")))?;
        }
    }
    for sub in [
        "data/projects",
        "data/observations",
        "articles",
        "newsletters",
        "pages",
        "reports",
    ] {
        std::fs::create_dir_all(c.join(sub))?;
    }
    std::fs::write(
        c.join("site.toml"),
        "title = \"Synthetic network\"\ndescription = \"Generated for benchmarks\"\nbase_url = \"https://bench.example/\"\norganisation = \"Bench\"\nas_of = 2025-04-10\n",
    )?;
    tables(&c, p, &mut rng)?;
    projects(&c, p, &mut rng)?;
    observations(&c, p, &mut rng)?;
    documents(&c, p, &mut rng)?;
    Ok(())
}

/// The cities, themes and indicators.
fn tables(c: &Path, p: &Params, rng: &mut Rng) -> io::Result<()> {
    let mut s = String::new();
    for i in 0..p.cities {
        let _ = write!(
            s,
            "[[city]]\nid = \"city-{i}\"\nname = \"City {i}\"\nregion = \"Region {}\"\npopulation = {}\n",
            i % 6,
            20_000 + rng.below(600_000)
        );
        if p.pictures > 0 {
            let _ = write!(
                s,
                "image = \"/images/photo-{:02}.jpg\"\nimage_alt = \"A street in City {i}\"\n",
                i % p.pictures
            );
        }
        s.push('\n');
    }
    std::fs::write(c.join("data/cities.toml"), &s)?;
    s.clear();
    for t in THEMES {
        let _ = write!(s, "[[theme]]\nid = \"{t}\"\nname = \"{t}\"\n\n");
    }
    std::fs::write(c.join("data/themes.toml"), &s)?;
    s.clear();
    let aggregates = ["sum", "mean", "median"];
    for i in 0..p.indicators {
        let _ = write!(
            s,
            "[[indicator]]\nid = \"indicator-{i}\"\nname = \"Indicator {i}\"\nunit = \"{}\"\naggregate = \"{}\"\n\n",
            if i % 4 == 0 { "EUR" } else { "count" },
            aggregates[i % 3]
        );
    }
    std::fs::write(c.join("data/indicators.toml"), &s)?;
    Ok(())
}

/// The projects, in files of 500 like exports split by programme period.
fn projects(c: &Path, p: &Params, rng: &mut Rng) -> io::Result<()> {
    let mut s = String::new();
    for (file, chunk) in (0..p.projects).collect::<Vec<_>>().chunks(500).enumerate() {
        s.clear();
        for &i in chunk {
            let year = 2021 + rng.below(8) as i32;
            let month = 1 + rng.below(12);
            let len = 1 + rng.below(4) as i32;
            let eu = rng.below(3_000_000);
            let city_money = eu / 3 + rng.below(100) * 100;
            let _ = write!(
                s,
                "[[project]]\nid = \"project-{i}\"\ntitle = \"{} {} project {i}\"\n{}themes = [\"{}\"]\nstart = {year}-{month:02}-01\nend = {}-{month:02}-28\nprogramme = \"{}\"\ninternational = {}\nsummary = \"A synthetic project about {} and {}.\"\n[project.funding]\neu = {eu}\ncity = {city_money}.{:02}\nother = {}\n\n",
                rng.pick(&WORDS),
                rng.pick(&WORDS),
                if rng.below(10) == 0 {
                    String::new()
                } else {
                    format!("city = \"city-{}\"\n", rng.below(p.cities as u64))
                },
                rng.pick(&THEMES),
                year + len,
                rng.pick(&PROGRAMMES),
                rng.below(5) == 0,
                rng.pick(&WORDS),
                rng.pick(&WORDS),
                rng.below(100),
                rng.below(200_000),
            );
        }
        std::fs::write(c.join(format!("data/projects/part-{file:03}.toml")), &s)?;
    }
    Ok(())
}

/// Every city's figures of every indicator, one file per indicator.
fn observations(c: &Path, p: &Params, rng: &mut Rng) -> io::Result<()> {
    let mut s = String::new();
    for i in 0..p.indicators {
        s.clear();
        for city in 0..p.cities {
            let base = 10 + rng.below(1000);
            for y in 0..p.years {
                let _ = write!(
                    s,
                    "[[observation]]\ncity = \"city-{city}\"\nindicator = \"indicator-{i}\"\nyear = {}\nvalue = {}\n{}\n",
                    2015 + y,
                    base + rng.below(100) + y as u64 * 5,
                    if y + 1 == p.years {
                        format!("target = {}\n", base + 200)
                    } else {
                        String::new()
                    }
                );
            }
        }
        std::fs::write(c.join(format!("data/observations/indicator-{i}.toml")), &s)?;
    }
    Ok(())
}

/// The articles and the newsletter issues that tease them.
fn documents(c: &Path, p: &Params, rng: &mut Rng) -> io::Result<()> {
    for i in 0..p.articles {
        std::fs::write(
            c.join(format!("articles/article-{i:05}.md")),
            article(rng, i, p),
        )?;
    }
    for n in 1..=p.newsletters {
        let mut teased = Vec::new();
        for k in 0..3.min(p.articles) {
            teased.push(format!("\"article-{:05}\"", (n * 7 + k) % p.articles));
        }
        std::fs::write(
            c.join(format!("newsletters/issue-{n:02}.md")),
            format!(
                "+++\ntitle = \"Issue {n}\"\ndate = 2025-{:02}-15\nnumber = {n}\npreheader = \"News from the network\"\narticles = [{}]\n+++\nWelcome to issue {n}. The network's projects total {{{{ figure(name=\"total-funding\") }}}}.\n",
                1 + (n - 1) % 12,
                teased.join(", ")
            ),
        )?;
    }
    Ok(())
}

/// A 2400×1600 "photo": smooth colour fields with grain, which compresses like a photograph
/// rather than like a flat drawing.
fn photo(rng: &mut Rng, path: &Path) -> io::Result<()> {
    let (w, h) = (2400u32, 1600u32);
    let tint = [
        rng.below(256) as f32,
        rng.below(256) as f32,
        rng.below(256) as f32,
    ];
    let mut grain = Rng(rng.next());
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let n = grain.below(24) as f32;
        let c = |k: usize, f: f32| (tint[k] * (1.0 - f) + 255.0 * f * 0.6 + n).min(255.0) as u8;
        image::Rgb([c(0, fx), c(1, fy), c(2, (fx + fy) / 2.0)])
    });
    img.save_with_format(path, image::ImageFormat::Jpeg)
        .map_err(io::Error::other)
}

/// A word of a made-up vocabulary of 40,000 words, drawn with Zipf's law (the word of rank
/// `r` about `1/r` as often as the most common one), written from syllables of its rank.
fn vocabulary_word(rng: &mut Rng, s: &mut String) {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "su", "ta", "vi", "ro", "pe", "ju", "ha", "ki", "to", "va", "le",
        "si",
    ];
    let u = (rng.below(1 << 30) as f64) / f64::from(1u32 << 30);
    let mut rank = (40_000f64.powf(u)) as usize;
    loop {
        s.push_str(SYLLABLES[rank % 16]);
        rank /= 16;
        if rank == 0 {
            break;
        }
    }
}

/// An article of about 600 words with headings, a list, links, a table, code and a footnote.
fn article(rng: &mut Rng, i: usize, p: &Params) -> String {
    let mut s = String::with_capacity(5_000);
    let day = 1 + (i % 28);
    let month = 1 + (i / 28) % 12;
    let _ = write!(
        s,
        "+++\ntitle = \"Article {i}: {} {}\"\ndate = 2024-{month:02}-{day:02}\nsummary = \"Synthetic article {i}.\"\ncities = [\"city-{}\"]\nthemes = [\"{}\"]\n{}+++\n",
        rng.pick(&WORDS),
        rng.pick(&WORDS),
        i % p.cities.max(1),
        rng.pick(&THEMES),
        if p.pictures > 0 && i.is_multiple_of(20) {
            format!(
                "image = \"/images/photo-{:02}.jpg\"\nimage_alt = \"A scene from article {i}\"\n",
                (i / 20) % p.pictures
            )
        } else {
            String::new()
        }
    );
    let paragraph = |rng: &mut Rng, s: &mut String, words: usize| {
        for w in 0..words {
            // one word in four from the network's own words; the others from a vocabulary
            // with the long tail of real text, where most words are rare, so that a search
            // index meets words in a few articles as well as in all of them
            if rng.below(4) == 0 {
                s.push_str(rng.pick(&WORDS));
            } else {
                vocabulary_word(rng, s);
            }
            s.push(if w % 15 == 14 { '.' } else { ' ' });
        }
        s.push_str("\n\n");
    };
    for section in 0..4 {
        let _ = write!(s, "## Section {section}\n\n");
        paragraph(rng, &mut s, 110);
    }
    s.push_str("- first point\n- second point with a [link](https://example.org/)\n- third point, see [the projects](/projects/)\n\n");
    s.push_str("| Year | Value |\n|---|---|\n| 2023 | 12 |\n| 2024 | 15 |\n\n");
    s.push_str("```\nlet x = 1;\n```\n\nA closing sentence with a note.[^1]\n\n[^1]: The note.\n");
    s
}
