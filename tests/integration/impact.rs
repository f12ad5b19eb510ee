//! The impact summary of the minimal fixture against figures computed by hand, and the
//! `summary` command.

use crate::common::*;
use innopress::money::Money;
use innopress::pipeline::load_checked;

fn summary() -> innopress::impact::Summary {
    load_checked(&fixtures().join("minimal"), false, None)
        .map_err(|d| d.render())
        .unwrap()
        .summary
}

#[test]
fn totals_by_status_and_source() {
    let s = summary();
    // port-5g ends on as_of (ongoing), care-lab starts the day after (planned),
    // coordination ended before (closed)
    assert_eq!(
        (
            s.projects.total,
            s.projects.planned,
            s.projects.ongoing,
            s.projects.closed
        ),
        (3, 1, 1, 1)
    );
    // 0.10 + 1,000,000 + 399,651 and 0.20 + 250,000.50, exactly
    assert_eq!(s.funding.eu, Money(139_965_110));
    assert_eq!(s.funding.city, Money(25_000_070));
    assert_eq!(s.funding.state, Money::ZERO);
    assert_eq!(s.funding.total, Money(164_965_180));
    assert_eq!(s.funding.city_share, 0.1515);
    // 0.10 + 0.20 is 0.30, not 0.30000000000000004
    assert_eq!(s.ongoing_funding, Money(30));
    assert_eq!(
        serde_json::to_value(s.ongoing_funding).unwrap(),
        serde_json::json!(0.3)
    );
    assert_eq!(s.international.projects, 1);
    assert_eq!(s.international.funding, Money(125_000_050));
}

#[test]
fn a_project_starting_on_as_of_is_ongoing() {
    let day = innopress::date::Date::new(2025, 4, 11);
    let s = load_checked(&fixtures().join("minimal"), false, day)
        .map_err(|d| d.render())
        .unwrap()
        .summary;
    // care-lab starts 2025-04-11: ongoing; port-5g ended the day before: closed
    assert_eq!(
        (s.projects.planned, s.projects.ongoing, s.projects.closed),
        (0, 1, 2)
    );
    assert_eq!(s.ongoing_funding, Money(125_000_050));
}

#[test]
fn cities_count_owned_money_and_list_partners() {
    let s = summary();
    let ids: Vec<&str> = s.cities.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["oulu", "tampere"], "ids ascending");
    let oulu = &s.cities[0];
    assert_eq!((oulu.projects, oulu.partner_projects), (1, 1));
    assert_eq!(oulu.funding.total, Money(125_000_050));
    assert_eq!(oulu.ongoing_funding, Money::ZERO);
    let tampere = &s.cities[1];
    assert_eq!((tampere.projects, tampere.partner_projects), (1, 0));
    assert_eq!(tampere.funding.total, Money(30));
    assert_eq!(tampere.ongoing_funding, Money(30));
    // the network-wide coordination project counts in the network total only
    let city_sum: Money = s.cities.iter().map(|c| c.funding.total).sum();
    assert_eq!(s.funding.total.cents() - city_sum.cents(), 39_965_100);
}

#[test]
fn themes_and_years() {
    let s = summary();
    let themes: Vec<(&str, usize, Money)> = s
        .themes
        .iter()
        .map(|t| (t.id.as_str(), t.projects, t.funding))
        .collect();
    assert_eq!(
        themes,
        [
            ("digitalisation", 2, Money(125_000_080)),
            ("wellbeing", 2, Money(164_965_150))
        ]
    );
    let years: Vec<(i32, usize)> = s
        .years
        .iter()
        .map(|y| (y.year, y.active_projects))
        .collect();
    assert_eq!(
        years,
        [(2022, 1), (2023, 1), (2024, 2), (2025, 2), (2026, 1)]
    );
}

#[test]
fn indicators_aggregate_sum_mean_and_even_median() {
    let s = summary();
    let ids: Vec<&str> = s.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["share", "startups", "visitors"]);
    let startups = &s.indicators[1];
    let network: Vec<(i32, f64)> = startups.network.iter().map(|v| (v.year, v.value)).collect();
    assert_eq!(
        network,
        [(2023, 4.0), (2024, 9.0)],
        "sum over reporting cities"
    );
    assert_eq!(startups.latest.map(|v| v.value), Some(9.0));
    assert_eq!(startups.change, Some(5.0));
    let tampere = startups
        .cities
        .iter()
        .find(|c| c.city == "tampere")
        .unwrap();
    assert_eq!(tampere.values[1].target, Some(8.0));
    assert_eq!(
        s.indicators[0].network[0].value, 12.5,
        "median of an even count"
    );
    assert_eq!(s.indicators[2].network[0].value, 1.5, "mean");
}

#[test]
fn summary_json_is_only_json_and_matches_the_site_file() {
    let (dir, out) = built(&[]);
    let o = run(dir.path(), &["summary", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let printed: serde_json::Value =
        serde_json::from_slice(&o.stdout).expect("stdout is only JSON");
    let file: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/summary.json"))).unwrap();
    assert_eq!(printed, file);
    assert_eq!(printed["as_of"], "2025-04-10");
    assert_eq!(printed["currency"], "EUR");
    assert_eq!(printed["funding"]["total"], serde_json::json!(1649651.8));
    for key in [
        "projects",
        "funding",
        "ongoing_funding",
        "international",
        "cities",
        "themes",
        "years",
        "indicators",
    ] {
        assert!(printed.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn summary_table_names_cities() {
    let dir = site(None);
    let o = run(dir.path(), &["summary"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("Tampere") && text.contains("Oulu"), "{text}");
    assert!(text.contains("1,649,651.80"), "{text}");
    let o = run(dir.path(), &["summary", "--as-of", "2027-01-01"]);
    assert!(String::from_utf8(o.stdout).unwrap().contains("closed 3"));
}

#[test]
fn open_data_files() {
    let (_dir, out) = built(&[]);
    let csv = read(&out.join("data/projects.csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "header and one row per project");
    assert!(lines[0].starts_with("id,title,city,"));
    assert!(lines[1].starts_with("care-lab,Care lab,oulu,,wellbeing;digitalisation,Horizon Europe,2025-04-11,2026-12-31,planned,true,1000000.00,0.00,250000.50,0.00,1250000.50,"), "{}", lines[1]);
    let json: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/projects.json"))).unwrap();
    assert_eq!(json[2]["id"], "port-5g");
    assert_eq!(json[2]["funding"]["total"], serde_json::json!(0.3));
    let dash = read(&out.join("projects/index.html"));
    assert!(
        dash.contains("href=\"../data/projects.csv\"")
            && dash.contains("href=\"../data/projects.json\"")
    );
}

/// For Excel users: each table also as `.xlsx`, read back by openpyxl with typed cells
/// (numbers, dates, booleans), a formula-like title kept as text, and the observations with
/// the city's comment; linked beside the CSV.
#[test]
fn open_data_tables_come_as_workbooks_too_with_typed_cells_and_comments() {
    let dir = site(None);
    let obs = dir.path().join("content/data/observations/startups.toml");
    let text = read(&obs).replacen(
        "value = 6\n",
        "value = 6\ncomment = \"Counted from the new register\"\n",
        1,
    );
    std::fs::write(&obs, text).unwrap();
    let projects = dir.path().join("content/data/projects/main.toml");
    let text = read(&projects).replacen("title = \"Care lab\"", "title = \"=1+2 Care lab\"", 1);
    std::fs::write(&projects, text).unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("output");
    let script = r#"
import json, sys, openpyxl
rows = {}
for name in ["projects", "observations"]:
    ws = openpyxl.load_workbook(sys.argv[1] + "/" + name + ".xlsx").active
    rows[name] = [[c.value.isoformat()[:10] if hasattr(c.value, "isoformat") else c.value for c in r] for r in ws.iter_rows()]
    rows[name + "_formulas"] = sum(1 for r in ws.iter_rows() for c in r if c.data_type == "f")
print(json.dumps(rows))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(out.join("data"))
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let book: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &book["projects"];
    assert_eq!(p[0][0], "id");
    assert_eq!(p[1][0], "care-lab");
    assert_eq!(p[1][1], "=1+2 Care lab", "text, never a formula");
    assert_eq!(book["projects_formulas"], 0);
    assert_eq!(p[1][6], "2025-04-11", "a date");
    assert_eq!(p[1][9], true, "a boolean");
    assert_eq!(p[1][14], 1250000.5, "an amount as a number");
    let csv = read(&out.join("data/observations.csv"));
    assert!(csv.starts_with("city,city_name,indicator,indicator_name,unit,year,value,target,not_applicable,comment\r\n"), "{csv}");
    assert!(
        csv.contains("tampere,Tampere,startups,")
            && csv.contains(",2024,6,8,false,Counted from the new register\r\n"),
        "{csv}"
    );
    let o_rows = book["observations"].as_array().unwrap();
    assert_eq!(
        o_rows.len(),
        csv.lines().count(),
        "the same rows as the CSV"
    );
    assert!(
        o_rows
            .iter()
            .any(|r| r[5] == 2024 && r[6] == 6 && r[9] == "Counted from the new register"),
        "{o_rows:?}"
    );
    let dash = read(&out.join("projects/index.html"));
    for f in ["projects.xlsx", "observations.xlsx", "observations.csv"] {
        assert!(dash.contains(&format!("href=\"../data/{f}\"")), "{f}");
    }
    let package = read(&out.join("data/datapackage.json"));
    for r in [
        "\"projects.xlsx\"",
        "\"observations.csv\"",
        "\"observations.xlsx\"",
    ] {
        assert!(package.contains(r), "{r}");
    }
}

#[test]
fn shortcodes_fill_in_figures_charts_and_tables() {
    let (_dir, out) = built(&[]);
    let report = read(&out.join("reports/annual-2024/index.html"));
    assert!(
        report.contains("The projects total EUR 1.6 million; the cities fund 15.2 %."),
        "{report}"
    );
    assert!(report.contains("Tampere leads 1 project worth EUR 0.30."));
    assert!(
        report.contains("<code>{{ figure(name=\"total-funding\") }}</code>"),
        "code spans stay literal"
    );
    assert!(
        report.contains("{{ chart(name=\"nothing-here\") }}"),
        "code blocks stay literal"
    );
    assert!(report.contains("aria-labelledby=\"funding-by-city-title funding-by-city-desc\""));
    assert!(report.contains("aria-labelledby=\"indicator-startups-tampere-title"));
    assert!(
        !report.contains("<p><figure"),
        "block shortcodes replace their paragraph"
    );
    assert!(report.contains("<caption>Planned projects</caption>"));
    assert!(
        report.contains("Care lab") && !report.contains(">Port 5G"),
        "the table is filtered"
    );
    // in the feed charts become images with absolute URLs (only articles are in the feed)
}

/// `figure(name="indicator")` against values computed by hand: a sum, a median and a mean,
/// for the network and for one city, latest and for a given year. A third city makes the
/// median and the mean differ.
#[test]
fn indicator_figures_for_sum_median_and_mean() {
    let dir = site(None);
    let data = dir.path().join("content/data");
    let mut cities = read(&data.join("cities.toml"));
    cities
        .push_str("\n[[city]]\nid = \"turku\"\nname = \"Turku\"\nregion = \"Southwest Finland\"\n");
    std::fs::write(data.join("cities.toml"), cities).unwrap();
    std::fs::write(
        data.join("observations/turku.toml"),
        [("share", 35), ("visitors", 6), ("startups", 2)]
            .iter()
            .map(|(i, v)| {
                format!(
                    "[[observation]]\ncity = \"turku\"\nindicator = \"{i}\"\nyear = 2024\nvalue = {v}\n\n"
                )
            })
            .collect::<String>(),
    )
    .unwrap();
    let figure = |args: &str| format!("{{{{ figure(name=\"indicator\", {args}) }}}}");
    let cases = [
        // startups, sum: 2024 is 6 + 3 + 2; 2023 has Tampere's 4 only
        ("S", figure("indicator=\"startups\""), "11"),
        ("S23", figure("indicator=\"startups\", year=2023"), "4"),
        (
            "ST",
            figure("indicator=\"startups\", city=\"tampere\""),
            "6",
        ),
        (
            "ST23",
            figure("indicator=\"startups\", city=\"tampere\", year=2023"),
            "4",
        ),
        // share, median of 10, 15 and 35 (the mean would be 20)
        ("M", figure("indicator=\"share\""), "15 %"),
        ("MU", figure("indicator=\"share\", city=\"turku\""), "35 %"),
        // visitors, mean of 1, 2 and 6 (the median would be 2)
        ("A", figure("indicator=\"visitors\""), "3"),
        (
            "AO",
            figure("indicator=\"visitors\", city=\"oulu\", year=2024"),
            "2",
        ),
    ];
    let body: String = cases
        .iter()
        .map(|(k, sc, _)| format!("[{k}={sc}]\n"))
        .collect();
    std::fs::write(
        dir.path().join("content/articles/figures.md"),
        format!("+++\ntitle = \"Figures\"\ndate = 2025-04-01\nsummary = \"s\"\n+++\n{body}"),
    )
    .unwrap();
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(&dir.path().join("output/news/figures/index.html"));
    for (k, _, want) in cases {
        assert!(
            page.contains(&format!("[{k}={want}]")),
            "{k}: {want} in {page}"
        );
    }

    // what cannot be shown is an error at its place
    let bad = [
        figure("indicator=\"startup\""),
        figure("indicator=\"startups\", year=2019"),
        figure("indicator=\"startups\", year=2026"),
        figure("indicator=\"startups\", city=\"turku\", year=2023"),
        figure("indicator=\"startups\", year=\"2024\""),
        "{{ figure(name=\"indicator\") }}".to_string(),
        figure("indicator=\"startups\", year=1800"),
    ];
    let body: String = bad.iter().map(|sc| format!("{sc}\n\n")).collect();
    std::fs::write(
        dir.path().join("content/articles/figures.md"),
        format!("+++\ntitle = \"Figures\"\ndate = 2025-04-01\nsummary = \"s\"\n+++\n{body}"),
    )
    .unwrap();
    let o = run(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        // what is wrong with the shortcodes themselves, then with the data, then references
        [
            "content/articles/figures.md:14:1: error: argument `year` must be a year as a number",
            "content/articles/figures.md:16:1: error: figure `indicator` needs an indicator",
            "content/articles/figures.md:18:1: error: 1800 is not a year of the impact model",
            "content/articles/figures.md:8:1: error: no figure of `startups` for any city in 2019",
            "content/articles/figures.md:10:1: error: 2026 is after the date this document's figures are computed on (2025-04-01)",
            "content/articles/figures.md:12:1: error: no figure of `startups` for `turku` in 2023",
            "content/articles/figures.md:6:1: error: unknown indicator `startup`",
        ]
        .map(String::from)
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
        "{err}"
    );
}
