//! The cities' returned spreadsheets as an attacker would send them: far cells, many rows,
//! zip bombs, `.ods` repeats, long CSV lines, formulas without results, a file for the
//! wrong city and figures `check` would refuse. Every run is made under a 1 GiB address
//! space limit (`ulimit -v`), so a reader that allocates by what a file declares aborts
//! the test instead of passing. The fuzz test at the end drives the reader with generated
//! files; `INNOPRESS_FUZZ_CASES` runs more cases than the default.

use crate::common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The address space every import here runs in.
const LIMIT_KB: u64 = 1024 * 1024;

/// `innopress ARGS` in `dir` under [`LIMIT_KB`].
fn run_limited(dir: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {LIMIT_KB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_innopress"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run innopress")
}

/// A site with the 2025 templates in `sent/`, Oulu's filled in (startups 3) as
/// `returned/oulu.xlsx`: the valid file every test imports beside its hostile one.
fn returned() -> (tempfile::TempDir, PathBuf) {
    let dir = site(None);
    let root = dir.path();
    let o = run(
        root,
        &["collect", "templates", "--year", "2025", "--out", "sent"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let back = root.join("returned");
    std::fs::create_dir_all(&back).unwrap();
    fill(
        &root.join("sent/oulu.xlsx"),
        &back.join("oulu.xlsx"),
        "[[\"J5\", 3]]",
        "",
    );
    (dir, back)
}

/// Fills cells with openpyxl (as a script would, formulas without results): `edits` is
/// JSON `[[cell, value], ...]`, where the texts `nan`, `inf` and `-0` become those
/// floats; `code` is more Python run on the sheet `ws` before saving.
fn fill(from: &Path, to: &Path, edits: &str, code: &str) {
    let script = format!(
        r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
special = {{"nan": float("nan"), "inf": float("inf"), "-0": -0.0}}
for cell, value in json.loads(sys.argv[3]):
    ws[cell] = special.get(value, value) if isinstance(value, str) else value
{code}
wb.save(sys.argv[2])
"#
    );
    let o = Command::new("python3")
        .args(["-c", &script])
        .arg(from)
        .arg(to)
        .arg(edits)
        .output()
        .expect("python3 with openpyxl 3.1.5 (pip install openpyxl==3.1.5)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The parts of a zip file.
fn unzip(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)], to: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Tampere's template with its sheet's XML changed by `edit`.
fn tampere_with(root: &Path, to: &Path, edit: impl Fn(String) -> String) {
    let mut parts = unzip(&root.join("sent/tampere.xlsx"));
    for (name, bytes) in &mut parts {
        if name == "xl/worksheets/sheet1.xml" {
            *bytes = edit(String::from_utf8(bytes.clone()).unwrap()).into_bytes();
        }
    }
    rezip(&parts, to);
}

/// Cells added at the end of the sheet's data.
fn append(xml: String, rows: &str) -> String {
    xml.replace("</sheetData>", &format!("{rows}</sheetData>"))
}

fn set_dimension(xml: String, range: &str) -> String {
    let a = xml.find("<dimension ref=\"").unwrap() + 16;
    let b = a + xml[a..].find('"').unwrap();
    format!("{}{range}{}", &xml[..a], &xml[b..])
}

/// Imports `file` beside Oulu's valid file: refused with `expected` among the problems
/// (exit 1, nothing written), then with `--skip-invalid` Oulu's figure is imported.
fn refused_and_others_imported(root: &Path, file: &str, expected: &str) -> String {
    let obs = root.join("content/data/observations");
    let before = tree(&obs);
    let args = ["import", "observations", file, "returned/oulu.xlsx"];
    let o = run_limited(root, &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    assert!(err.lines().count() < 60, "a bounded report: {err}");
    assert_eq!(
        tree(&obs),
        before,
        "nothing written while a file has errors"
    );
    let o = run_limited(root, &[&args[..], &["--skip-invalid"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = read(&obs.join("2025.toml"));
    assert!(written.contains("city = \"oulu\""), "{written}");
    err
}

#[test]
fn collect_a_far_cell_is_refused_at_its_cell_and_allocates_nothing() {
    let (dir, back) = returned();
    let root = dir.path();
    // what openpyxl writes: the far cell and a dimension reaching it
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        "[[\"J5\", 7], [\"XFD1048576\", 1]]",
        "",
    );
    let err = refused_and_others_imported(
        root,
        "returned/tampere.xlsx",
        "returned/tampere.xlsx:2025!XFD1048576: error: the sheet says it spans A1:XFD1048576, beyond the 10000 rows and 100 columns (A to CV) innopress reads",
    );
    assert!(!err.contains("tampere startups"), "{err}");
    // a dimension that hides the far cell: the cell itself is refused
    let (dir, back) = returned();
    let root = dir.path();
    tampere_with(root, &back.join("tampere.xlsx"), |x| {
        append(
            set_dimension(x, "A1:L7"),
            r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        )
    });
    refused_and_others_imported(
        root,
        "returned/tampere.xlsx",
        "returned/tampere.xlsx:2025!XFD1048576: error: a filled cell beyond the 10000 rows",
    );
}

#[test]
fn collect_many_rows_and_many_problems_are_bounded() {
    let (dir, back) = returned();
    let root = dir.path();
    // 200,000 rows in a few hundred KB
    let rows: String = (8..200_000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
        .collect();
    tampere_with(root, &back.join("tampere.xlsx"), |x| {
        append(set_dimension(x, "A1:L7"), &rows)
    });
    refused_and_others_imported(
        root,
        "returned/tampere.xlsx",
        "returned/tampere.xlsx:2025!A10001: error: a filled cell beyond the 10000 rows",
    );
    // 9,000 unknown indicators within the limits: the first 50 problems and a count
    let rows: String = (8..9_000)
        .map(|r| {
            format!(r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x{r}</t></is></c></row>"#)
        })
        .collect();
    tampere_with(root, &back.join("tampere.xlsx"), |x| {
        append(set_dimension(x, "A1:L9000"), &rows)
    });
    let err = refused_and_others_imported(
        root,
        "returned/tampere.xlsx",
        "… and 8942 more problems not shown",
    );
    assert_eq!(
        err.lines()
            .filter(|l| l.contains(": error: unknown indicator"))
            .count(),
        50,
        "{err}"
    );
}

#[test]
fn collect_a_zip_bomb_is_refused_before_it_is_unpacked() {
    let (dir, back) = returned();
    let root = dir.path();
    let mut parts = unzip(&root.join("sent/tampere.xlsx"));
    // 60 MB of shared strings in about 60 KB
    let mut strings = b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>".to_vec();
    strings.extend(std::iter::repeat_n(b'a', 60 << 20));
    strings.extend(b"</t></si></sst>");
    parts.retain(|(n, _)| n != "xl/sharedStrings.xml");
    parts.push(("xl/sharedStrings.xml".into(), strings));
    rezip(&parts, &back.join("tampere.xlsx"));
    assert!(std::fs::metadata(back.join("tampere.xlsx")).unwrap().len() < 1 << 20);
    refused_and_others_imported(
        root,
        "returned/tampere.xlsx",
        "returned/tampere.xlsx: error: the file unpacks to",
    );
}

/// An `.ods` file whose sheet `2025` has `rows` as its table's XML.
fn ods(to: &Path, rows: &str) {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="2025">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    rezip(
        &[
            (
                "mimetype".into(),
                b"application/vnd.oasis.opendocument.spreadsheet".to_vec(),
            ),
            ("content.xml".into(), content.into_bytes()),
        ],
        to,
    );
}

#[test]
fn collect_ods_repeats_are_counted_before_calamine_expands_them() {
    let (dir, back) = returned();
    let root = dir.path();
    let cell = r#"<table:table-cell office:value-type="float" office:value="1"#;
    let cases = [
        // a filled cell repeated over every column of a million rows
        (
            format!(r#"<table:table-row table:number-rows-repeated="1048576">{cell}" table:number-columns-repeated="16384"/></table:table-row>"#),
            "returned/tampere.ods:2025!CW1: error: a filled cell beyond",
        ),
        // a million empty rows, then one filled cell
        (
            format!(r#"<table:table-row table:number-rows-repeated="1048575"><table:table-cell/></table:table-row><table:table-row>{cell}"/></table:table-row>"#),
            "returned/tampere.ods:2025!A1048576: error: a filled cell beyond",
        ),
        // 9,000 rows of 90 filled cells: within the rows and columns, past the cells
        (
            format!(r#"<table:table-row table:number-rows-repeated="9000">{cell}" table:number-columns-repeated="90"/></table:table-row>"#),
            "more than 100000 filled cells",
        ),
        // two thousand million spaces in one cell
        (
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>"#.to_string(),
            "repeated as the file asks, comes to more than",
        ),
    ];
    for (rows, expected) in cases {
        ods(&back.join("tampere.ods"), &rows);
        refused_and_others_imported(root, "returned/tampere.ods", expected);
    }
}

#[test]
fn collect_csv_past_its_limits_is_refused() {
    let (dir, back) = returned();
    let root = dir.path();
    let csv = back.join("tampere.csv");
    std::fs::write(&csv, "a,b\n".repeat(3_000_000)).unwrap();
    refused_and_others_imported(
        root,
        "returned/tampere.csv",
        "returned/tampere.csv: error: the file has 12000000 bytes",
    );
    std::fs::write(&csv, "x\n".repeat(20_000)).unwrap();
    refused_and_others_imported(
        root,
        "returned/tampere.csv",
        "returned/tampere.csv:A10001: error: a filled cell beyond",
    );
    std::fs::write(&csv, format!("indicator,{}\n", "y".repeat(100_000))).unwrap();
    refused_and_others_imported(
        root,
        "returned/tampere.csv",
        "returned/tampere.csv:A1: error: a line longer than 65536 bytes",
    );
}

#[test]
fn collect_a_formula_without_its_result_is_an_error_at_its_cell() {
    let (dir, back) = returned();
    let root = dir.path();
    // openpyxl stores the formula and no value, as any script does
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        "[[\"J5\", \"=2+3\"]]",
        "",
    );
    refused_and_others_imported(
        root,
        "returned/tampere.xlsx",
        "returned/tampere.xlsx:2025!J5: error: a formula whose result the file does not hold (it was saved by a program that does not compute formulas): open the file in a spreadsheet program and save it",
    );
}

#[test]
fn collect_a_file_named_for_one_city_is_never_imported_as_another() {
    let (dir, back) = returned();
    let root = dir.path();
    // Tampere's sheet under Oulu's name as a browser saves a second download
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("oulu (1).xlsx"),
        "[[\"J5\", 7]]",
        "",
    );
    let err = refused_and_others_imported(
        root,
        "returned/oulu (1).xlsx",
        "returned/oulu (1).xlsx:2025!B2: error: the file is named for `oulu` but its sheet is for `tampere`: check which city sent it; nothing of this file is imported",
    );
    assert!(!err.contains("tampere startups"), "{err}");
    // a row added above: the city's cell has moved, and is still read
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("oulu-2025.xlsx"),
        "[[\"J5\", 7]]",
        "ws.insert_rows(1)",
    );
    refused_and_others_imported(
        root,
        "returned/oulu-2025.xlsx",
        "returned/oulu-2025.xlsx:2025!B3: error: the file is named for `oulu` but its sheet is for `tampere`",
    );
}

#[test]
fn collect_what_check_would_refuse_is_reported_and_not_written() {
    let (dir, back) = returned();
    let root = dir.path();
    // startups 1e300, share -0, visitors 1e-300; a second file whose year asked is
    // headed 9999; a third with an infinite target (openpyxl cannot write one)
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere.xlsx"),
        "[[\"J5\", 1e300], [\"J6\", \"-0\"], [\"J7\", 1e-300]]",
        "",
    );
    tampere_with(root, &back.join("tampere-3.xlsx"), |x| {
        append(
            x,
            r#"<row r="5"><c r="J5"><v>5</v></c><c r="K5"><v>inf</v></c></row>"#,
        )
    });
    fill(
        &root.join("sent/tampere.xlsx"),
        &back.join("tampere-2.xlsx"),
        "[[\"J4\", 9999], [\"J5\", 8]]",
        "",
    );
    let o = run_limited(
        root,
        &[
            "import",
            "observations",
            "returned/tampere.xlsx",
            "returned/tampere-2.xlsx",
            "returned/tampere-3.xlsx",
            "returned/oulu.xlsx",
            "--skip-invalid",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    for expected in [
        "returned/tampere.xlsx:2025!J5: error: 1e300 is beyond ±1e15, larger than any figure of the impact model",
        "returned/tampere-3.xlsx:2025!K5: error: not a finite number",
        "returned/tampere-2.xlsx:2025!J4: error: the column heading 9999 is not a year innopress records (1900 to 2200)",
    ] {
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    }
    let written = read(&root.join("content/data/observations/2025.toml"));
    assert!(
        !written.contains("e300") && !written.contains("9999"),
        "{written}"
    );
    assert!(
        written.contains("indicator = \"share\"\nyear = 2025\nvalue = 0\n"),
        "-0 is written as 0: {written}"
    );
    let o = run(root, &["check"]);
    assert!(
        o.status.success(),
        "what the import wrote passes check: {}",
        stderr(&o)
    );
}

/// Garbled spreadsheets: the template's sheet with cells added anywhere (far, huge,
/// formulas without results, another city), random bytes changed, or random CSV.
/// Whether it is an `.xlsx` file, its added cells, its changed bytes, or the CSV bytes.
type Hostile = (bool, Vec<String>, Vec<(usize, u8)>, Vec<u8>);

fn hostile_file() -> impl Strategy<Value = Hostile> {
    let cell = (
        0u32..1_100_000,
        0u32..17_000,
        prop::sample::select(vec![
            "<v>1</v>".to_string(),
            format!("<v>1{}</v>", "0".repeat(300)),
            "<v>1e308</v>".into(),
            "<v>NaN</v>".into(),
            "<f>1+1</f>".into(),
            "<f>1+1</f><v></v>".into(),
            r#"<is><t>oulu</t></is>"#.into(),
            r#"<is><t>9999</t></is>"#.into(),
        ]),
        any::<bool>(),
    )
        .prop_map(|(r, c, v, near)| {
            // half the cells near the template's own
            let (r, c) = if near {
                (r % 12 + 1, c % 12)
            } else {
                (r + 1, c)
            };
            let name = {
                let mut n = String::new();
                let mut c = c as usize;
                loop {
                    n.insert(0, (b'A' + (c % 26) as u8) as char);
                    if c < 26 {
                        break;
                    }
                    c = c / 26 - 1;
                }
                n
            };
            let t = if v.starts_with("<is>") {
                r#" t="inlineStr""#
            } else {
                ""
            };
            format!(r#"<row r="{r}"><c r="{name}{r}"{t}>{v}</c></row>"#)
        });
    (
        any::<bool>(),
        prop::collection::vec(cell, 0..12),
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..3),
        prop::collection::vec(any::<u8>(), 0..400),
    )
}

#[test]
fn collect_hostile_spreadsheets_never_abort_or_hold_back_the_valid_file() {
    let count: u32 = std::env::var("INNOPRESS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let mut runner = TestRunner::new(Config {
        cases: count,
        failure_persistence: None,
        max_shrink_iters: 32,
        ..Config::default()
    });
    let (dir, back) = returned();
    let root = dir.path().to_path_buf();
    let result = runner.run(&hostile_file(), |(xlsx, cells, flips, csv)| {
        let name = if xlsx { "tampere.xlsx" } else { "tampere.csv" };
        let path = back.join(name);
        if xlsx {
            tampere_with(&root, &path, |x| append(x, &cells.concat()));
            let mut bytes = std::fs::read(&path).unwrap();
            for (at, b) in &flips {
                let n = bytes.len();
                bytes[at % n] = *b;
            }
            std::fs::write(&path, bytes).unwrap();
        } else {
            std::fs::write(&path, &csv).unwrap();
        }
        let file = format!("returned/{name}");
        let args = [
            "import",
            "observations",
            &file,
            "returned/oulu.xlsx",
            "--dry-run",
        ];
        let o = run_limited(&root, &args);
        let err = stderr(&o);
        // an exit code, never a signal (an abort on allocation is SIGABRT)
        prop_assert!(
            matches!(o.status.code(), Some(0..=2)),
            "{:?}\n{err}",
            o.status
        );
        prop_assert!(err.lines().count() < 70, "bounded: {err}");
        let o = run_limited(&root, &[&args[..], &["--skip-invalid"]].concat());
        let err = stderr(&o);
        prop_assert_eq!(o.status.code(), Some(0), "{}", err);
        prop_assert!(
            err.contains("would add returned/oulu.xlsx:2025!J5: oulu startups = 3"),
            "the valid file is not held back: {}",
            err
        );
        std::fs::remove_file(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
