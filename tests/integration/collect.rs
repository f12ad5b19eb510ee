//! The yearly data collection: the templates read back with openpyxl (a spreadsheet library
//! of another ecosystem), byte-identical from run to run; the status grid against the data.

use crate::common::*;
use std::process::Command;

#[test]
fn templates_read_back_with_openpyxl_locked_except_the_cells_to_fill() {
    let dir = site(None);
    let out = dir.path().join("collection");
    let o = run(
        dir.path(),
        &[
            "collect",
            "templates",
            "--year",
            "2025",
            "--out",
            "collection",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<String> = tree(&out).into_keys().collect();
    assert_eq!(
        names,
        ["oulu.csv", "oulu.xlsx", "tampere.csv", "tampere.xlsx"]
    );
    // the same data gives the same files (no clock, no random ids)
    let first = tree(&out);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = run(
        dir.path(),
        &[
            "collect",
            "templates",
            "--year",
            "2025",
            "--out",
            "collection",
        ],
    );
    assert!(o.status.success());
    assert_eq!(tree(&out), first, "templates are byte-identical");

    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
header = [c.value for c in ws[4]]
rows = []
for r in ws.iter_rows(min_row=5):
    rows.append({
        "id": r[0].value,
        "values": [c.value for c in r[5:9]],
        "asked_locked": r[9].protection.locked,
        "target_locked": r[10].protection.locked,
        "comment_locked": r[11].protection.locked,
        "id_locked": r[0].protection.locked,
    })
rules = []
for dv in ws.data_validations.dataValidation:
    rules.append({"type": dv.type, "range": str(dv.sqref), "min": dv.formula1, "max": dv.formula2,
                  "error": dv.error})
print(json.dumps({"title": ws.title, "city": ws["B2"].value, "protected": ws.protection.sheet,
                  "header": header, "rows": rows, "rules": rules}))
"#;
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(out.join("tampere.xlsx"))
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["title"], "2025");
    assert_eq!(v["city"], "tampere");
    assert_eq!(v["protected"], true);
    assert_eq!(
        v["header"],
        serde_json::json!([
            "indicator",
            "name",
            "unit",
            "definition",
            "direction",
            "2021",
            "2022",
            "2023",
            "2024",
            "2025",
            "target",
            "comment"
        ])
    );
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{v}");
    let startups = rows.iter().find(|r| r["id"] == "startups").unwrap();
    // the fixture's Tampere start-ups: 4 in 2023, 6 in 2024
    assert_eq!(startups["values"], serde_json::json!([null, null, 4, 6]));
    for r in rows {
        assert_eq!(r["asked_locked"], false, "{r}");
        assert_eq!(r["target_locked"], false);
        assert_eq!(r["comment_locked"], false);
        assert_eq!(r["id_locked"], true);
    }
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 6, "{rules:?}");
    // the year's cell takes a number or n/a, the target a number
    let rule = |cell: String| {
        rules
            .iter()
            .find(|r| r["range"] == cell)
            .unwrap_or_else(|| panic!("no rule on {cell}: {rules:?}"))
    };
    // the share in percent takes 0–100 in its year and target cells
    let share_row = 5 + rows.iter().position(|r| r["id"] == "share").unwrap();
    let year = rule(format!("J{share_row}"));
    assert_eq!(year["type"], "custom");
    assert_eq!(
        year["min"],
        format!(
            "OR(AND(ISNUMBER(J{share_row}),J{share_row}>=0,J{share_row}<=100),LOWER(TRIM(J{share_row}))=\"n/a\")"
        )
    );
    let target = rule(format!("K{share_row}"));
    assert_eq!(target["type"], "decimal");
    assert_eq!(
        (target["min"].as_str(), target["max"].as_str()),
        (Some("0"), Some("100"))
    );
    let startups_row = 5 + rows.iter().position(|r| r["id"] == "startups").unwrap();
    assert_eq!(
        rule(format!("J{startups_row}"))["min"],
        format!("OR(ISNUMBER(J{startups_row}),LOWER(TRIM(J{startups_row}))=\"n/a\")")
    );
    let csv = read(&out.join("tampere.csv"));
    assert!(csv.starts_with(
        "indicator,name,unit,definition,direction,2021,2022,2023,2024,2025,target,comment\r\n"
    ));
}

#[test]
fn the_status_grid_shows_who_reported_and_whom_to_chase() {
    let dir = site(None);
    let o = run(
        dir.path(),
        &["collect", "status", "--year", "2024", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let grid: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let obs = ["startups.toml", "other.toml"]
        .iter()
        .map(|f| read(&dir.path().join("content/data/observations").join(f)))
        .collect::<String>();
    // each city's row says reported exactly where the data has a 2024 figure
    for city in grid["cities"].as_array().unwrap() {
        for (i, ind) in grid["indicators"].as_array().unwrap().iter().enumerate() {
            let needle = format!(
                "city = \"{}\"\nindicator = \"{}\"\nyear = 2024",
                city["id"].as_str().unwrap(),
                ind.as_str().unwrap()
            );
            assert_eq!(
                city["states"][i] == "reported",
                obs.contains(&needle),
                "{needle}"
            );
        }
    }
    let o = run(dir.path(), &["collect", "status", "--year", "2030"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Still to chase (2):"), "{text}");
}

/// Writes the 2025 templates into `root/sent/` and makes `root/returned/` for the files
/// that come back, which it returns.
/// Asks the site in `root` to publish the collection's status page.
fn publish_status(root: &std::path::Path) {
    let settings = root.join("content/site.toml");
    let mut text = read(&settings);
    text.push_str("\n[collect]\npublish_status = true\n");
    std::fs::write(&settings, text).unwrap();
}

fn send_templates(root: &std::path::Path) -> std::path::PathBuf {
    let o = run(
        root,
        &["collect", "templates", "--year", "2025", "--out", "sent"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let back = root.join("returned");
    std::fs::create_dir_all(&back).unwrap();
    back
}

/// Fills cells of an xlsx with openpyxl: `edits` is `[[cell, value], ...]` (text or number).
fn fill(path: &std::path::Path, out: &std::path::Path, edits: serde_json::Value) {
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
for cell, value in json.loads(sys.argv[3]):
    ws[cell] = value
wb.save(sys.argv[2])
"#;
    let o = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .arg(out)
        .arg(edits.to_string())
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn returned_spreadsheets_import_with_every_problem_at_its_cell_once() {
    let dir = site(None);
    let root = dir.path();
    let back = send_templates(root);
    // Tampere: a Finnish decimal typed as text, a target, a share over 100, a text in a
    // number cell; Oulu's file is Tampere's sheet saved under Oulu's name
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        serde_json::json!([["J5", "7,5"], ["K5", 9], ["J6", 140], ["J7", "noin 5"]]),
    );
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("oulu.xlsx"),
        serde_json::json!([["J5", 3]]),
    );
    let obs = root.join("content/data/observations");
    let before = tree(&obs);
    let files = ["returned/tampere.xlsx", "returned/oulu.xlsx"];
    let mut args = vec!["import", "observations"];
    args.extend(files);
    let o = run(root, &args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let reported: Vec<&str> = err.lines().filter(|l| l.starts_with("returned/")).collect();
    assert_eq!(
        reported,
        [
            "returned/oulu.xlsx:2025!B2: error: the file is named for `oulu` but its sheet is for `tampere`: check which city sent it; nothing of this file is imported (name the file for the city that sent it, and ask the other city for its own file)",
            "returned/tampere.xlsx:2025!J6: error: 140 is not a percentage (0–100) for `share`",
            "returned/tampere.xlsx:2025!J7: error: text “noin 5” in a number cell: write a number, or n/a if the indicator does not apply to the city",
        ],
        "{err}"
    );
    assert_eq!(
        tree(&obs),
        before,
        "nothing written while a file has errors"
    );

    // a dry run shows the change and writes nothing
    let mut dry = args.clone();
    dry.extend(["--skip-invalid", "--dry-run"]);
    let o = run(root, &dry);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("would add returned/tampere.xlsx:2025!J5: tampere startups = 7.5 (target 9)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&obs), before);

    // the rest imported; the summary has the new year
    let mut skip = args.clone();
    skip.push("--skip-invalid");
    let o = run(root, &skip);
    assert!(o.status.success(), "{}", stderr(&o));
    let year = read(&obs.join("2025.toml"));
    assert!(
        year.contains("[[observation]]\ncity = \"tampere\"\nindicator = \"startups\"\nyear = 2025\nvalue = 7.5\ntarget = 9\n"),
        "{year}"
    );
    let o = run(root, &["summary", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let startups = summary["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "startups")
        .unwrap()
        .to_string();
    assert!(
        startups.contains("2025") && startups.contains("7.5"),
        "{startups}"
    );

    // importing again changes nothing; a different figure is an error with both values
    let after = tree(&obs);
    let o = run(root, &skip);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("imported 0 figures (1 already in the data)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&obs), after, "a re-import is a no-op");
    fill(
        &back.join("tampere.xlsx"),
        &back.join("tampere.xlsx"),
        serde_json::json!([["J5", 8]]),
    );
    let o = run(root, &["import", "observations", "returned/tampere.xlsx"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("returned/tampere.xlsx:2025!J5: error: 8 differs from 7.5 already in content/data/observations/2025.toml"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&obs), after);
}

#[test]
fn the_same_files_saved_by_libreoffice_as_ods_import_identically() {
    let dir = site(None);
    let root = dir.path();
    let back = send_templates(root);
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        serde_json::json!([["J5", "1 234,5"], ["K5", 9], ["J6", 140], ["J7", "noin 5"]]),
    );
    fill(
        &root.join("sent/oulu.xlsx"),
        &back.join("oulu.xlsx"),
        serde_json::json!([["J5", 3], ["J6", "12,5"], ["L5", "a comment"]]),
    );
    to_ods(
        root,
        &[
            "returned/tampere.xlsx".to_string(),
            "returned/oulu.xlsx".to_string(),
        ],
    );
    let plan = |files: [&str; 2]| {
        let mut args = vec!["import", "observations", "--dry-run", "--skip-invalid"];
        args.extend(files);
        let o = run(root, &args);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o)
    };
    let xlsx = plan(["returned/tampere.xlsx", "returned/oulu.xlsx"]);
    let ods = plan(["ods/tampere.ods", "ods/oulu.ods"]);
    assert!(xlsx.contains("text “noin 5” in a number cell"), "{xlsx}");
    // 1 234,5 start-ups is far from Tampere's 4 and 6: check's warning
    assert!(
        xlsx.contains("returned/tampere.xlsx:2025!J5: warning: `startups` of `tampere`: 1,234.5 in 2025; 6 in 2024 — a typo, or another unit?"),
        "{xlsx}"
    );
    assert!(xlsx.contains("oulu share = 12.5"), "{xlsx}");
    assert_eq!(
        ods.replace("ods/", "returned/").replace(".ods", ".xlsx"),
        xlsx,
        "the .ods files give the same plan"
    );
}

/// An `n/a` in the year's cell is recorded as not applicable: neither a figure nor a gap, in
/// the grid, on the site and against a later import.
#[test]
fn an_n_a_is_recorded_as_not_applicable_and_is_no_longer_chased() {
    let dir = site(None);
    let root = dir.path();
    let back = send_templates(root);
    // Oulu: start-ups n/a (row 5) with a target that cannot apply, and its other two
    fill(
        &root.join("sent/oulu.xlsx"),
        &back.join("oulu.xlsx"),
        serde_json::json!([["J5", " N/A "], ["K5", 2], ["J6", 12], ["J7", 1]]),
    );
    let o = run(root, &["import", "observations", "returned/oulu.xlsx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("returned/oulu.xlsx:2025!K5: warning: the target is left out: `startups` is marked n/a, so it has none"),
        "{err}"
    );
    let obs = root.join("content/data/observations");
    let year = read(&obs.join("2025.toml"));
    assert!(
        year.contains("[[observation]]\ncity = \"oulu\"\nindicator = \"startups\"\nyear = 2025\nnot_applicable = true\n\n"),
        "{year}"
    );
    let o = run(root, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Oulu is no longer chased for start-ups; the grid says not applicable
    let o = run(root, &["collect", "status", "--year", "2025", "--json"]);
    let grid: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let oulu = grid["cities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "oulu")
        .unwrap();
    let startups = grid["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i == "startups")
        .unwrap();
    assert_eq!(oulu["states"][startups], "not_applicable");
    assert_eq!(oulu["applicable"], 2);
    assert_eq!(oulu["missing"], 0, "{oulu}");
    // the summary knows nothing of it: no 2025 start-ups anywhere
    let o = run(root, &["summary", "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ind = summary["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "startups")
        .unwrap()
        .to_string();
    assert!(!ind.contains("2025"), "{ind}");
    // next year's template shows it as n/a among the earlier years
    let o = run(
        root,
        &["collect", "templates", "--year", "2026", "--out", "next"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = read(&root.join("next/oulu.csv"));
    let line = csv.lines().find(|l| l.starts_with("startups,")).unwrap();
    assert!(line.ends_with(",3,n/a,,,"), "{line}");
    // a re-import is a no-op; a figure where the data says n/a is an error with both
    let after = tree(&obs);
    let o = run(root, &["import", "observations", "returned/oulu.xlsx"]);
    assert!(
        stderr(&o).contains("imported 0 figures (3 already in the data)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&obs), after);
    fill(
        &back.join("oulu.xlsx"),
        &back.join("oulu.xlsx"),
        serde_json::json!([["J5", 4]]),
    );
    let o = run(root, &["import", "observations", "returned/oulu.xlsx"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("returned/oulu.xlsx:2025!J5: error: 4 differs from n/a already in content/data/observations/2025.toml for `startups` of oulu in 2025"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&obs), after);
    // the site: the team's page (published on request) and the city page
    publish_status(root);
    let o = run(root, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(&root.join("output/impact/data-collection/index.html"));
    assert!(page.contains("<h1>Data collection 2025</h1>"), "{page}");
    assert_eq!(page.matches("Not applicable").count(), 1, "{page}");
    let city = read(&root.join("output/cities/oulu/index.html"));
    assert!(city.contains("Does not apply to Oulu in 2025: "), "{city}");
    assert!(!city.contains("Not yet reported for 2025"), "{city}");
}

/// The slipped digit: the same rule and words in `import` and `check` (3× off both the
/// previous year and the median); the city's comment is kept with its figure and shown.
#[test]
fn a_slipped_digit_is_named_alike_in_import_and_check_and_a_comment_is_kept() {
    let dir = site(None);
    let root = dir.path();
    let back = send_templates(root);
    // start-ups were 4 and 6: 60 is a digit too many; the share comes with a comment on
    // two lines; the third figure is missing but commented
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        serde_json::json!([
            ["J5", 60],
            ["J6", 40],
            ["L6", "Counted from the new register\nsince 2025"],
            ["L7", "Published only in 2026"]
        ]),
    );
    let o = run(root, &["import", "observations", "returned/tampere.xlsx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let words = "`startups` of `tampere`: 60 in 2025; 6 in 2024 — an extra digit?";
    assert!(
        err.contains(&format!("returned/tampere.xlsx:2025!J5: warning: {words}")),
        "{err}"
    );
    assert!(
        err.contains("returned/tampere.xlsx:2025!L7: warning: a comment without a figure for")
            && err.contains("(“Published only in 2026”)"),
        "{err}"
    );
    let year = read(&root.join("content/data/observations/2025.toml"));
    assert!(
        year.contains("value = 40\ncomment = \"Counted from the new register since 2025\"\n"),
        "{year}"
    );
    let o = run(root, &["check"]);
    let err = stderr(&o);
    assert!(err.contains(&format!("warning: {words}")), "{err}");
    assert!(!err.contains("`share` of `tampere`"), "{err}");
    let o = run(root, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let city = read(&root.join("output/cities/tampere/index.html"));
    assert!(
        city.contains(
            "<span class=\"note-year\">2025:</span> Counted from the new register since 2025</p>"
        ),
        "{city}"
    );
}

/// The status page is the team's: not published unless `[collect] publish_status`, and
/// then not indexed, not in the sitemap, with no commands or paths on it.
#[test]
fn the_collection_status_page_is_published_only_when_asked_and_then_not_indexed() {
    let (dir, out) = built(&[]);
    assert!(!out.join("impact/data-collection").exists());
    publish_status(dir.path());
    let o = run(dir.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let grid = run(
        dir.path(),
        &["collect", "status", "--year", "2024", "--json"],
    );
    let grid: serde_json::Value = serde_json::from_slice(&grid.stdout).unwrap();
    let missing: u64 = grid["cities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["missing"].as_u64().unwrap())
        .sum();
    let page = read(&out.join("impact/data-collection/index.html"));
    assert!(page.contains("<h1>Data collection 2024</h1>"), "{page}");
    assert!(
        page.contains(r#"<meta name="robots" content="noindex">"#),
        "{page}"
    );
    for tool_talk in ["innopress", "content/", "<code>"] {
        assert!(!page.contains(tool_talk), "{tool_talk} in {page}");
    }
    assert_eq!(
        page.matches("<strong>Missing</strong>").count() as u64,
        missing
    );
    assert!(!read(&out.join("sitemap.xml")).contains("data-collection"));
    // not in the main navigation
    let home = read(&out.join("index.html"));
    assert!(!home.contains("data-collection"));
    // a city that has not reported every figure of the year says so
    for c in grid["cities"].as_array().unwrap() {
        let city = read(&out.join(format!("cities/{}/index.html", c["id"].as_str().unwrap())));
        assert_eq!(
            city.contains("Not yet reported for 2024"),
            c["missing"].as_u64().unwrap() > 0,
            "{}",
            c["id"]
        );
    }
}

#[test]
fn an_import_killed_before_its_file_is_in_place_leaves_the_observations_as_they_were() {
    let dir = site(None);
    let root = dir.path();
    let back = send_templates(root);
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        serde_json::json!([["J5", 7]]),
    );
    // an existing 2025 file, so that a half-done import could spoil it
    let obs = root.join("content/data/observations");
    std::fs::write(
        obs.join("2025.toml"),
        "[[observation]]\ncity = \"oulu\"\nindicator = \"startups\"\nyear = 2025\nvalue = 4\n",
    )
    .unwrap();
    let before = tree(&obs);
    let mut child = Command::new(env!("CARGO_BIN_EXE_innopress"))
        .args(["import", "observations", "returned/tampere.xlsx"])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("INNOPRESS_TEST_IMPORT_PAUSE", "written-not-renamed")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let line = kill_when_paused(&mut child);
    assert!(line.contains("PAUSED"), "{line}");
    let after: Vec<(String, Vec<u8>)> = tree(&obs)
        .into_iter()
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    assert_eq!(
        after,
        before.into_iter().collect::<Vec<_>>(),
        "the observations are as they were"
    );
    // and run again, the import completes once
    let o = run(root, &["import", "observations", "returned/tampere.xlsx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read(&obs.join("2025.toml"))
            .matches("[[observation]]")
            .count(),
        2
    );
}

/// The acceptance round trip on the sample site's 18 cities: templates out, three files back
/// (filled by openpyxl), the planted problems reported at their cells, the rest imported.
#[test]
fn eighteen_templates_out_and_back_with_the_planted_problems_found() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&repo().join("content"), &root.join("content"));
    let back = send_templates(root);
    let sent: Vec<String> = tree(&root.join("sent"))
        .into_keys()
        .filter(|n| n.ends_with(".xlsx"))
        .collect();
    assert_eq!(sent.len(), 18, "{sent:?}");
    // rows 5–11: rdi-investment, ecosystem-companies, new-startups, pilot-projects,
    // international-funding-share (percent), ghg-emissions-per-resident, time-to-pilot
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        serde_json::json!([["J7", 130], ["J8", "noin 6"], ["J9", "12,5"], ["K9", "15"]]),
    );
    fill(
        &root.join("sent/helsinki.xlsx"),
        &back.join("oulu.xlsx"),
        serde_json::json!([["J7", 200]]),
    );
    fill(
        &root.join("sent/turku.xlsx"),
        &back.join("turku.xlsx"),
        serde_json::json!([["J5", "98 500 000"], ["J10", "N/A"], ["J11", "1,234.5"]]),
    );
    // the same files saved as .ods by LibreOffice give the same plan
    let files = ["tampere", "oulu", "turku"];
    let xlsx: Vec<String> = files.iter().map(|f| format!("returned/{f}.xlsx")).collect();
    let ods: Vec<String> = files.iter().map(|f| format!("ods/{f}.ods")).collect();
    to_ods(root, &xlsx);
    let plan = |files: &[String]| {
        let mut args = vec!["import", "observations", "--dry-run", "--skip-invalid"];
        args.extend(files.iter().map(String::as_str));
        stderr(&run(root, &args))
    };
    assert_eq!(
        plan(&ods)
            .replace("ods/", "returned/")
            .replace(".ods", ".xlsx"),
        plan(&xlsx)
    );
    let args = [
        "import",
        "observations",
        "returned/tampere.xlsx",
        "returned/oulu.xlsx",
        "returned/turku.xlsx",
        "--skip-invalid",
    ];
    let o = run(root, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        errors,
        [
            "returned/oulu.xlsx:2025!B2: error: the file is named for `oulu` but its sheet is for `helsinki`: check which city sent it; nothing of this file is imported (name the file for the city that sent it, and ask the other city for its own file)",
            "returned/tampere.xlsx:2025!J8: error: text “noin 6” in a number cell: write a number, or n/a if the indicator does not apply to the city",
        ],
        "{err}"
    );
    assert!(err.contains("imported 4 figures and 1 n/a"), "{err}");
    assert!(
        err.contains("add returned/turku.xlsx:2025!J10: turku ghg-emissions-per-resident = n/a"),
        "{err}"
    );
    // 1,234.5 days to a pilot is far from Turku's other years: the warning `check` gives
    assert!(
        err.contains("returned/turku.xlsx:2025!J11: warning: `time-to-pilot` of `turku`: 1,234.5 in 2025; 98 in 2024 (the median of its years is 117) — an extra digit?"),
        "{err}"
    );
    let o = run(root, &["summary", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let share = summary["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "international-funding-share")
        .unwrap()
        .to_string();
    assert!(share.contains("2025") && share.contains("12.5"), "{share}");
    // the status grid has the new figures and the planted gaps
    let o = run(root, &["collect", "status", "--year", "2025", "--json"]);
    let grid: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let count = |state: &str| -> Vec<(String, usize)> {
        grid["cities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let n = c["states"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| *s == state)
                    .count();
                (c["id"].as_str().unwrap().to_string(), n)
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    };
    assert_eq!(
        count("reported"),
        [("tampere".to_string(), 2), ("turku".to_string(), 2)],
        "the year's figures"
    );
    assert_eq!(count("not_applicable"), [("turku".to_string(), 1)]);
    let o = run(root, &["collect", "status", "--year", "2025"]);
    let text = String::from_utf8_lossy(&o.stdout);
    let turku = text.lines().find(|l| l.starts_with("Turku ")).unwrap();
    assert_eq!(
        turku.split_whitespace().collect::<Vec<_>>(),
        ["Turku", "x", ".", ".", ".", ".", "-", "x", "4"],
        "{text}"
    );
    assert!(text.contains("Turku (turku): 4 of 6 missing"), "{text}");
}

/// Saves `files` (relative to `root`) as .ods in `root/ods/` with LibreOffice, headless, with
/// a profile of its own so that it runs as any user.
fn to_ods(root: &std::path::Path, files: &[String]) {
    let profile = root.join("lo-profile");
    let o = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "ods", "--outdir"])
        .arg(root.join("ods"))
        .args(files.iter().map(|f| root.join(f)))
        .output()
        .expect("soffice (Debian's libreoffice-calc)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
