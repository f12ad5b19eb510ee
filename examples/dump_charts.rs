fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or(".".into()));
    let out = std::path::PathBuf::from(std::env::args().nth(2).unwrap_or("/tmp/charts".into()));
    let checked = innopress::pipeline::load_checked(&root, false, None)
        .map_err(|d| d.render())
        .unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let t = std::time::Instant::now();
    let charts = innopress::charts::all(&checked.summary);
    eprintln!("{} charts in {:?}", charts.len(), t.elapsed());
    for c in charts {
        std::fs::write(out.join(format!("{}.svg", c.name)), c.svg).unwrap();
    }
}
