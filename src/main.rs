//! The `innopress` binary: parses the command line and hands it to the command's module
//! (`commands/`), which maps the result to an exit code (0 success, 1 problems in content,
//! data, I/O or sending, 2 usage errors).

mod cli;
mod commands;

use clap::Parser;
use std::process::ExitCode;

// A build allocates and frees millions of small strings on several threads; with mimalloc
// a 10,000-article build takes about a third less CPU time than with the system allocator
// (scripts/bench: 1.15-1.44 s down to 0.77-0.93 s user time).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's `mi_option_set` (in the library the `mimalloc` crate links).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// Keeps memory freed by one rebuild of `serve` for the next, rather than returning it to
/// the system after 10 ms: the system had to clear it again on every edit (with transparent
/// huge pages, 2 MB at a time), a fifth of a title edit's 50 ms at 10,000 articles.
pub(crate) fn keep_freed_memory() {
    // mi_option_purge_delay is 15 in mimalloc's mi_option_t (v2 and v3); -1 never purges
    const PURGE_DELAY: std::ffi::c_int = 15;
    // SAFETY: sets one of mimalloc's options, which it reads atomically; no memory is touched
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
    commands::run(cli::Cli::parse().command)
}
