//! Benchmark: computing the summary and rendering every chart for a generated network of 18
//! cities, 5,000 projects and 20 indicators over 10 years. Run with
//! `cargo bench --bench summary`; prints a table and writes target/bench/summary.json.

use innopress::synth::{Params, generate};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let params = Params::default();
    generate(dir.path(), &params).expect("generate");
    let checked = innopress::pipeline::load_checked(dir.path(), false, None)
        .unwrap_or_else(|d| panic!("{}", d.render()));
    let as_of = checked.summary.as_of;
    let words = innopress::strings::Strings::builtin();
    let runs = 15;
    let (mut summary_t, mut charts_t, mut total_t) = (Vec::new(), Vec::new(), Vec::new());
    let mut charts = 0;
    for run in 0..=runs {
        let t0 = Instant::now();
        let summary = innopress::impact::summarise(&checked.site, as_of, Some(&checked.config));
        let t1 = Instant::now();
        let all = innopress::charts::all(&summary, &words.charts);
        let t2 = Instant::now();
        charts = all.len();
        if run > 0 {
            // run 0 is the warm-up
            summary_t.push(t1 - t0);
            charts_t.push(t2 - t1);
            total_t.push(t2 - t0);
        }
    }
    let (s, c, t) = (median(summary_t), median(charts_t), median(total_t));
    println!(
        "summary + charts: {} cities, {} projects, {} indicators x {} years ({charts} charts), median of {runs} runs",
        params.cities, params.projects, params.indicators, params.years
    );
    println!("  summary  {:>8.2} ms", s.as_secs_f64() * 1e3);
    println!("  charts   {:>8.2} ms", c.as_secs_f64() * 1e3);
    println!(
        "  total    {:>8.2} ms   (goal: under 100 ms)",
        t.as_secs_f64() * 1e3
    );
    let json = format!(
        "{{\"cities\":{},\"projects\":{},\"indicators\":{},\"years\":{},\"charts\":{charts},\"runs\":{runs},\"summary_ms\":{:.3},\"charts_ms\":{:.3},\"total_ms\":{:.3}}}\n",
        params.cities,
        params.projects,
        params.indicators,
        params.years,
        s.as_secs_f64() * 1e3,
        c.as_secs_f64() * 1e3,
        t.as_secs_f64() * 1e3
    );
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("summary.json"), json);
}
