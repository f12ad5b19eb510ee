//! What a run tells its user: the report at the end (sent, skipped, failed, uncertain,
//! with masked addresses) and the progress while it runs.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Report {
    pub sent: u64,
    /// Rows not subscribed: unsubscribed, pending or bounced.
    pub skipped_unsubscribed: u64,
    /// Subscribed rows outside the `--where` segment.
    pub skipped_outside: u64,
    pub skipped_duplicate: u64,
    pub skipped_already_sent: u64,
    pub skipped_invalid: u64,
    /// Known from earlier runs, left alone: (masked address, state, reply).
    pub earlier_failed: Vec<(String, String)>,
    pub earlier_uncertain: u64,
    /// This run: (masked address, reason).
    pub failed: Vec<(String, String)>,
    pub uncertain: Vec<String>,
    pub elapsed: Duration,
    pub would_send: u64,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.uncertain.is_empty()
    }

    pub fn render(&self, journal: &Path, dry_run: bool) -> String {
        let mut s = String::new();
        if dry_run {
            s.push_str(&format!(
                "dry run: would send {} messages; nothing was sent\n",
                self.would_send
            ));
        } else {
            let secs = self.elapsed.as_secs_f64().max(1e-9);
            s.push_str(&format!(
                "sent {} in {:.1} s ({:.0} messages/s)\n",
                self.sent,
                self.elapsed.as_secs_f64(),
                self.sent as f64 / secs
            ));
        }
        s.push_str(&format!(
            "skipped: {} unsubscribed, {} duplicates, {} already sent, {} invalid rows\n",
            self.skipped_unsubscribed,
            self.skipped_duplicate,
            self.skipped_already_sent,
            self.skipped_invalid
        ));
        if self.skipped_outside > 0 {
            s.push_str(&format!(
                "outside the segment (--where): {}\n",
                self.skipped_outside
            ));
        }
        if self.earlier_uncertain > 0 {
            s.push_str(&format!(
                "uncertain from an earlier run (not re-sent): {}; check whether they received the issue, then re-run with --retry-uncertain to send to them\n",
                self.earlier_uncertain
            ));
        }
        if !self.earlier_failed.is_empty() {
            s.push_str(&format!(
                "failed in an earlier run (not re-sent): {}; re-run with --retry-failed to try them again\n",
                self.earlier_failed.len()
            ));
        }
        s.push_str(&format!("failed: {}\n", self.failed.len()));
        for (who, why) in self.failed.iter().take(50) {
            s.push_str(&format!("  {who}: {why}\n"));
        }
        if self.failed.len() > 50 {
            s.push_str(&format!("  … and {} more\n", self.failed.len() - 50));
        }
        s.push_str(&format!("uncertain: {}\n", self.uncertain.len()));
        for who in self.uncertain.iter().take(50) {
            s.push_str(&format!(
                "  {who}: the connection failed after the message was sent; it may have arrived\n"
            ));
        }
        if !dry_run {
            s.push_str(&format!(
                "journal (with full addresses): {}\n",
                journal.display()
            ));
        }
        s
    }
}

/// A progress bar on a terminal; otherwise a plain line every tenth of the list.
pub(super) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    done: AtomicU64,
    quiet: bool,
}

impl Progress {
    pub(super) fn new(total: u64, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} messages, {per_sec}, {eta} left",
            ) {
                b.set_style(style);
            }
            b
        });
        Progress {
            bar,
            total,
            done: AtomicU64::new(0),
            quiet,
        }
    }

    pub(super) fn tick(&self) {
        let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(b) => b.inc(1),
            None if !self.quiet => {
                let step = (self.total / 10).max(1);
                if n.is_multiple_of(step) {
                    eprintln!("progress: {n} of up to {} recipients done", self.total);
                }
            }
            None => {}
        }
    }

    pub(super) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
