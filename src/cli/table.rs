//! The table format of decision records, for people at a terminal. Every text in a row may
//! come from an event, so control characters are escaped before they reach the terminal: an
//! event field must not be able to move the cursor, recolour the screen, retitle the window or
//! hide text (bidirectional overrides).

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::decision_log::{DecisionRecord, DecisionSink, Entry, LineOutput, SinkError};
use crate::policy::Mode;

/// Whether a character must not reach a terminal as it is: C0 and C1 controls, DEL, and the
/// bidirectional embeddings, overrides and isolates that can reorder what is displayed.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character escaped as Rust writes it (`\n`, `\t`, `\u{1b}`), so that
/// it prints on one line and moves nothing. Borrowed when there is nothing to escape.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

const WIDTHS: [usize; 5] = [13, 8, 42, 34, 30];

fn cell(text: &str, width: usize) -> String {
    let text = printable(text);
    if text.chars().count() <= width {
        format!("{text:<width$}")
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

pub fn header() -> String {
    let names = ["DECISION", "SEVERITY", "ACTION", "RESOURCE", "PRINCIPAL"];
    let cols: Vec<String> = names.iter().zip(WIDTHS).map(|(n, w)| cell(n, w)).collect();
    format!("{} POLICIES -> REVERT", cols.join(" "))
}

pub fn row(r: &DecisionRecord) -> String {
    let resource = format!(
        "{}/{}",
        r.resource.ty.trim_start_matches("Aws::"),
        r.resource.id
    );
    let principal = r.principal.arn.rsplit(['/', ':']).next().unwrap_or("");
    let severity = r.severity.map_or("-", |s| s.as_str());
    let cols = [
        r.decision.as_str(),
        severity,
        &r.action,
        &resource,
        principal,
    ];
    let cols: Vec<String> = cols.iter().zip(WIDTHS).map(|(c, w)| cell(c, w)).collect();
    let detail = if r.policies.is_empty() {
        match r.decision {
            crate::engine::Outcome::Compliant => String::new(),
            _ => r.reason.clone(),
        }
    } else {
        r.policies
            .iter()
            .map(|p| match (&p.remediation, p.mode) {
                (Some(rem), Mode::Enforce) => format!("{} -> {rem}", p.id),
                (Some(rem), _) => format!("{} -> {rem} (audit: would run)", p.id),
                (None, _) => format!("{} (detect only)", p.id),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let line = format!("{} {}", cols.join(" "), printable(&detail));
    if r.decision == crate::engine::Outcome::Error {
        format!("{line} [{}]", printable(&r.source))
    } else {
        line
    }
}

/// Decision records as table rows (after [`header`]), for the pipeline to write to, through a
/// [`LineOutput`] (quiet once the writer fails, a closed pipe).
#[derive(Debug)]
pub struct Rows<W: std::io::Write>(LineOutput<W>);

impl<W: std::io::Write> Rows<W> {
    pub fn new(out: W, flush_each: bool) -> Self {
        Self(LineOutput::new(out, flush_each))
    }
}

impl<W: std::io::Write> DecisionSink for Rows<W> {
    fn write(&mut self, entry: &mut Entry) -> Result<(), SinkError> {
        self.0.put(|out| writeln!(out, "{}", row(&entry.record)))
    }

    fn flush(&mut self) -> Result<(), SinkError> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An event field holding an escape sequence (here: clear the screen, set the window title,
    /// and a right-to-left override) printed raw in `--format table` before.
    #[test]
    fn control_characters_in_event_fields_are_escaped() {
        let hostile = "sg-1\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}cba\r\n\u{9b}31m";
        let shown = printable(hostile);
        assert!(!shown.chars().any(unsafe_char), "{shown}");
        assert_eq!(
            shown,
            "sg-1\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{202e}cba\\r\\n\\u{9b}31m"
        );
        assert!(matches!(printable("sg-0a1b/ünïcödé ok"), Cow::Borrowed(_)));
        assert!(!cell(hostile, 80).contains('\u{1b}'));
    }
}
