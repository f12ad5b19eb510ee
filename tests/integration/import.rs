//! `innopress import projects`: the broken-rows fixture (`tests/fixtures/import/`), mapping
//! errors, and both real structural funds registers from `tests/data/registers/`, imported into the
//! example site of `examples/import/` and built.

use crate::common::*;
use std::path::{Path, PathBuf};

/// The located problem lines (`file:line:col: severity: message`) of a run's stderr.
fn located(o: &std::process::Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .map(str::to_string)
        .collect()
}

/// The minimal site with the import fixtures copied into its root.
fn fixture_site() -> tempfile::TempDir {
    let dir = site(None);
    copy_dir(&fixtures().join("import"), dir.path());
    dir
}

/// `innopress import projects broken.csv --map MAPPING` and `extra` options, in `dir`.
fn import_broken(dir: &Path, mapping: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "projects", "broken.csv", "--map", mapping];
    args.extend_from_slice(extra);
    run(dir, &args)
}

const BROKEN: [&str; 8] = [
    "broken.csv:4:7: error: line 4 rejected: no title",
    "broken.csv:5:24: error: line 5 rejected: `31.2.2023` is not a start date",
    "broken.csv:6:30: error: line 6 rejected: the project ends (2023-12-31) before it starts (2025-01-01)",
    "broken.csv:6:52: error: line 6 rejected: `12,5 €` is not an amount: not a number",
    "broken.csv:7:1: error: line 7 rejected: id `t-p-001` is also the id of line 2",
    "broken.csv:8:1: error: line 8 rejected: the row has 4 cells, the header has 7",
    "broken.csv:10:20: error: line 10 rejected: no theme for this row",
    "broken.csv:10:62: error: line 10 rejected: no amount",
];

#[test]
fn broken_rows_are_listed_with_line_and_reason_and_kept_in_the_rejects_file() {
    let dir = fixture_site();
    let out = dir.path().join("content/data/projects/broken.toml");
    let rejects = dir.path().join("content/data/projects/broken.rejects.csv");
    let o = import_broken(dir.path(), "mapping.toml", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(located(&o), BROKEN, "{}", stderr(&o));
    assert!(stderr(&o).contains("6 of 9 rows"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is imported while rows are rejected");
    let expected_rejects = "\
line,reason,Code,Name,Fund,Start,End,Implementer,Granted
4,no title,P-003,,ERDF,1.1.2023,31.12.2024,Turun yliopisto,5000
5,`31.2.2023` is not a start date,P-004,Smart ports,ERDF,31.2.2023,31.12.2024,Vaasan yliopisto,5000
6,\"the project ends (2023-12-31) before it starts (2025-01-01); `12,5 €` is not an amount: not a number\",P-005,Reversed,ERDF,1.1.2025,31.12.2023,Sporing Oy,\"12,5 €\"
7,id `t-p-001` is also the id of line 2,P-001,Duplicate code,ERDF,1.1.2023,31.12.2024,,1000
8,\"the row has 4 cells, the header has 7\",P-007,Too few cells,ERDF,1.1.2023
10,no amount; no theme for this row,P-009,Unknown fund,EAFRD,1.1.2023,31.12.2024,Lahden kaupunki,
";
    assert_eq!(read(&rejects), expected_rejects);

    // with --skip-invalid the good rows are written, the same problems shown as warnings
    let skip = ["--skip-invalid"];
    let o = import_broken(dir.path(), "mapping.toml", &skip);
    assert!(o.status.success(), "{}", stderr(&o));
    let warnings: Vec<String> = BROKEN
        .iter()
        .map(|l| l.replace(": error: ", ": warning: "))
        .collect();
    assert_eq!(located(&o), warnings);
    let toml = read(&out);
    insta::assert_snapshot!("import-broken.toml", toml);
    assert_eq!(read(&rejects), expected_rejects);
    // the same input gives the same bytes
    assert!(
        import_broken(dir.path(), "mapping.toml", &skip)
            .status
            .success()
    );
    assert_eq!(read(&out), toml);
    // and the imported projects are valid content; the rejects file is not read as data
    let o = run(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("rejects.csv"), "{}", stderr(&o));
    let o = run(dir.path(), &["summary", "--json"]);
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(
        summary.contains("\"name\": \"ERDF 2021–2027\""),
        "{summary}"
    );
}

#[test]
fn a_long_list_of_rejected_rows_shows_the_first_40_and_keeps_all() {
    let dir = fixture_site();
    let mut csv = String::from("Code;Name;Fund;Start;End;Implementer;Granted\n");
    for i in 0..50 {
        csv.push_str(&format!("X-{i};;ERDF;1.1.2023;31.12.2024;;1000\n"));
    }
    std::fs::write(dir.path().join("broken.csv"), csv).unwrap();
    let o = import_broken(dir.path(), "mapping.toml", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(located(&o).len(), 40, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("… 10 more problems not shown"),
        "{}",
        stderr(&o)
    );
    let rejects = read(&dir.path().join("content/data/projects/broken.rejects.csv"));
    assert_eq!(
        rejects.lines().count(),
        51,
        "a header and every rejected row"
    );
    // skipped rows are warnings, which --quiet does not print
    let o = import_broken(dir.path(), "mapping.toml", &["--skip-invalid", "--quiet"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}

#[test]
fn windows_line_ends_a_byte_order_mark_and_blank_rows_keep_lines_right() {
    let dir = fixture_site();
    // what Excel writes: a BOM, CRLF line ends, and rows of only delimiters at the end
    let lf = read(&dir.path().join("broken.csv"));
    let crlf = format!(
        "\u{feff}{}\r\n;;;;;;\r\n",
        lf.trim_end().replace('\n', "\r\n")
    );
    std::fs::write(dir.path().join("broken.csv"), crlf).unwrap();
    let o = import_broken(dir.path(), "mapping.toml", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(located(&o), BROKEN, "{}", stderr(&o));
    // a blank line moves the rows after it down by one, and nothing else
    let mut lines: Vec<&str> = lf.lines().collect();
    lines.insert(2, "");
    std::fs::write(dir.path().join("broken.csv"), lines.join("\n") + "\n").unwrap();
    let o = import_broken(dir.path(), "mapping.toml", &[]);
    let moved: Vec<String> = BROKEN
        .iter()
        .map(|l| {
            let (file, rest) = l.split_once(':').unwrap();
            let (line, rest) = rest.split_once(':').unwrap();
            let n: u64 = line.parse().unwrap();
            let rest = rest.replace(
                &format!("line {n} rejected"),
                &format!("line {} rejected", n + 1),
            );
            format!("{file}:{}:{rest}", n + 1)
        })
        .collect();
    assert_eq!(located(&o), moved, "{}", stderr(&o));
}

#[test]
fn mapping_problems_are_located_in_the_mapping_file() {
    let dir = fixture_site();
    let o = import_broken(dir.path(), "bad-mapping.toml", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        located(&o),
        [
            "bad-mapping.toml:3:15: error: unknown date format `dd.mm.yy`",
            "bad-mapping.toml:5:23: error: the thousands separator must be one character other than a digit and the decimal separator",
            "bad-mapping.toml:8:10: error: the CSV has no column \"Kode\"",
            "bad-mapping.toml:9:10: error: the id prefix `ERDF_` is not part of a slug",
            "bad-mapping.toml:13:9: error: a field needs exactly one of `column`, `format` or `value`",
            "bad-mapping.toml:16:22: error: a `[` without its `]` in the format",
        ],
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("did you mean \"Code\"?"));
    let o = import_broken(dir.path(), "typo-mapping.toml", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("typo-mapping.toml:9:1: error: unknown field `sumary`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("did you mean `summary`?"));
    // a bad delimiter is reported alone, not as a header of unknown columns
    let o = import_broken(dir.path(), "delimiter-mapping.toml", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        located(&o),
        [
            "delimiter-mapping.toml:2:13: error: the delimiter must be one character (not a quote or a line break)"
        ],
        "{}",
        stderr(&o)
    );
    // and the import never overwrites its own inputs
    let o = import_broken(dir.path(), "mapping.toml", &["--output", "mapping.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("would overwrite its input"),
        "{}",
        stderr(&o)
    );
    assert!(read(&dir.path().join("mapping.toml")).contains("[themes]"));
    assert!(
        !dir.path()
            .join("content/data/projects/broken.rejects.csv")
            .exists()
    );
}

/// The real registers, kept gzip-compressed in `tests/data/registers/` (see its README),
/// unpacked once per test into `dir`; returns the path of the CSV named `csv_name`.
fn unpack_register(csv_name: &str, dir: &Path) -> PathBuf {
    let packed = repo()
        .join("tests/data/registers")
        .join(format!("{csv_name}.gz"));
    let file = std::fs::File::open(&packed).unwrap_or_else(|e| panic!("{}: {e}", packed.display()));
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(file), &mut text).unwrap();
    let csv = dir.join(csv_name);
    std::fs::write(&csv, text).unwrap();
    csv
}

/// Cents of an amount cell, read independently of innopress (digits, optional decimals).
fn cents(cell: &str) -> Option<i64> {
    let t = cell.trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    let frac = format!("{frac:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?)
}

/// Imports one register into a copy of the example site and checks counts and sums.
fn import_register(csv_name: &str, rows: usize, rejected: usize) {
    let registers = tempfile::tempdir().unwrap();
    let csv = unpack_register(csv_name, registers.path());
    let mapping = repo()
        .join("examples/import")
        .join(csv_name.replace(".csv", ".toml"));
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("examples/import/site"), dir.path());
    let args = [
        "import",
        "projects",
        csv.to_str().unwrap(),
        "--map",
        mapping.to_str().unwrap(),
        "--skip-invalid",
        "--quiet",
    ];
    let o = run(dir.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let stem = csv_name.trim_end_matches(".csv");
    let projects_dir = dir.path().join("content/data/projects");
    let toml = read(&projects_dir.join(format!("{stem}.toml")));

    // every row is either imported or rejected
    let mut reader = ::csv::Reader::from_path(&csv).unwrap();
    let header = reader.headers().unwrap().clone();
    let granted = header
        .iter()
        .position(|h| h == "Myönnetty EU- ja valtion rahoitus")
        .unwrap();
    let records: Vec<(u64, ::csv::StringRecord)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r.position().unwrap().line(), r)
        })
        .collect();
    assert_eq!(records.len(), rows);
    let mut rejects =
        ::csv::Reader::from_path(projects_dir.join(format!("{stem}.rejects.csv"))).unwrap();
    let rejected_lines: std::collections::BTreeSet<u64> = rejects
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    let imported = toml.matches("\n[[project]]\n").count();
    assert_eq!(
        rejected_lines.len(),
        rejected,
        "rejected lines: {rejected_lines:?}"
    );
    assert_eq!(imported + rejected_lines.len(), rows);

    // the summary's granted total equals the column's sum over the imported rows, to the cent
    let expected: i64 = records
        .iter()
        .filter(|(line, _)| !rejected_lines.contains(line))
        .map(|(_, r)| cents(&r[granted]).expect("an imported row has a valid amount"))
        .sum();
    let o = run(dir.path(), &["summary", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let total = &summary["funding"]["total"];
    assert_eq!(
        format!("{:.2}", total.as_f64().unwrap()),
        format!("{}.{:02}", expected / 100, expected % 100),
        "funding total"
    );
    assert_eq!(summary["projects"]["total"], imported);

    // re-importing gives the same bytes
    assert!(run(dir.path(), &args).status.success());
    assert_eq!(read(&projects_dir.join(format!("{stem}.toml"))), toml);

    // the site passes check and builds, with bounded page sizes
    let o = run(dir.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(dir.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let biggest = largest_html(&dir.path().join("output"));
    assert!(biggest.1 < 1_000_000, "page too large: {biggest:?}");
}

fn largest_html(dir: &Path) -> (PathBuf, u64) {
    let mut best = (PathBuf::new(), 0);
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            let b = largest_html(&p);
            if b.1 > best.1 {
                best = b;
            }
        } else if p.extension().is_some_and(|x| x == "html") {
            let len = e.metadata().unwrap().len();
            if len > best.1 {
                best = (p, len);
            }
        }
    }
    best
}

#[test]
fn the_2014_2020_register_imports_exactly() {
    // 14 rows of this export are shifted (a comma in a title moved cells) or lack dates
    import_register("erdf-esf-2014-2020.csv", 2881, 14);
}

#[test]
fn the_2007_2013_register_of_19940_projects_imports_exactly_and_builds() {
    import_register("erdf-esf-2007-2013.csv", 19940, 0);
}
