//! The run viewer's lines: windows of a log's own lines read by [`lra_input::lines`], shown as
//! the page shows text (a line cut at [`SHOWN_BYTES`], its controls made visible).

use lra_input::lines::Line;
pub use lra_input::lines::{Anchor, LineIndex, SEARCH_BUDGET, Source, search};
use lra_protocol::{LinesWindow, ShownLine};

/// A line is shown cut to this many bytes, as names are; its length is told.
pub const SHOWN_BYTES: usize = lra_core::SHOWN_BYTES;

/// The lines around `anchor` in `src` (see [`lra_input::lines::window`]), as the page shows them.
pub fn window(
    src: &(impl Source + ?Sized),
    index: &mut LineIndex,
    anchor: Anchor,
    before: usize,
    after: usize,
) -> Result<LinesWindow, String> {
    let Some(window) = lra_input::lines::window(src, index, anchor, before, after)? else {
        return Err(match anchor {
            Anchor::Line(n) => format!("the file has fewer than {} lines", lra_protocol::count(n)),
            Anchor::Offset(o) => format!("the file has no line at byte {o}"),
        });
    };
    Ok(LinesWindow {
        first_line: window.first_line,
        lines: window.lines.iter().map(shown).collect(),
        anchor: window.anchor as u32,
        at_start: window.at_start,
        at_end: window.at_end,
    })
}

/// A line as the page shows it: text only, invalid UTF-8 as U+FFFD, without a CRLF's `\r`, cut
/// at [`SHOWN_BYTES`] (on a character boundary), with its whole length in bytes. Controls,
/// bidirectional controls and characters of no width are made visible as in names
/// ([`lra_core::as_shown`]), but a tab stays a tab: logs are indented with them.
fn shown(line: &Line) -> ShownLine {
    let Line { offset, ref start, len } = *line;
    let whole = len <= SHOWN_BYTES as u64;
    let mut bytes =
        if whole { start.strip_suffix(b"\r").unwrap_or(start) } else { &start[..start.len().min(SHOWN_BYTES)] };
    if !whole
        && let Err(e) = std::str::from_utf8(bytes)
        && e.error_len().is_none()
    {
        // A character cut in two at the limit is dropped, not shown as U+FFFD.
        bytes = &bytes[..e.valid_up_to()];
    }
    let mut text = String::with_capacity(bytes.len());
    lra_core::push_visible(&mut text, &String::from_utf8_lossy(bytes), true);
    ShownLine { offset, text, len, cut: !whole }
}
