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
    rules.append({"type": dv.type, "range": str(dv.sqref), "min": dv.formula1, "max": dv.formula2})
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
    assert_eq!(rules.len(), 3, "{rules:?}");
    assert!(rules.iter().all(|r| r["type"] == "decimal"), "{rules:?}");
    // the share in percent takes 0–100 in its year and target cells
    let share_row = 5 + rows.iter().position(|r| r["id"] == "share").unwrap();
    let percent = rules
        .iter()
        .find(|r| r["range"] == format!("J{share_row}:K{share_row}"))
        .expect("a rule on the share's cells");
    assert_eq!(
        (percent["min"].as_str(), percent["max"].as_str()),
        (Some("0"), Some("100"))
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
                city["reported"][i].as_bool().unwrap(),
                obs.contains(&needle),
                "{needle}"
            );
        }
    }
    let o = run(dir.path(), &["collect", "status", "--year", "2030"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Still to chase (2):"), "{text}");
}
