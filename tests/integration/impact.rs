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
