//! Records which system the program is built for, for `innopress self-check`.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=INNOPRESS_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
