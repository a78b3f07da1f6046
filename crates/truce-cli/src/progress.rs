//! The progress bar: drawn on stderr only when stdout is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar for long runs; hidden when output is piped or redirected.
pub struct Bar(ProgressBar);

impl Bar {
    /// A bar labelled `what`.
    pub fn new(what: &'static str) -> Bar {
        let bar = ProgressBar::hidden();
        if std::io::stdout().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        if let Ok(style) = ProgressStyle::with_template("{prefix} {bar:40} {pos}/{len} {per_sec} eta {eta}") {
            bar.set_style(style);
        }
        bar.set_prefix(what);
        Bar(bar)
    }
}

impl truce_engine::Progress for Bar {
    fn start(&self, inputs: u64) {
        self.0.set_length(inputs);
    }

    fn advance(&self, n: u64) {
        self.0.inc(n);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
