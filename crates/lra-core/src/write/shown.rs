//! Text from a log as people are shown it (docs/design.md §1, "Names shown and kept"). A test's
//! name, a result word, a failure's reason and an iteration's label are whatever the log said:
//! they may hold terminal escapes, bidirectional controls that reorder what is read
//! ("Trojan Source"), characters of no width that make two names look alike, or a megabyte of
//! text. The summary and every export keep them exact; the page, the charts and the report show
//! them through [`as_shown`], as text with those characters made visible and a long one cut.

use std::borrow::Cow;

/// Text over this many bytes is shown cut, with its length (the run viewer's lines too).
pub const SHOWN_BYTES: usize = 2048;

/// How `c` is shown when it is not shown as itself, or `None`:
/// - C0 controls (U+0000–U+001F, tab and line feed included) as their control pictures
///   (U+2400–U+241F: `␀` … `␛` … `␟`), and DEL (U+007F) as `␡` (U+2421);
/// - C1 controls (U+0080–U+009F), the bidirectional controls (U+061C, U+200E, U+200F,
///   U+202A–U+202E, U+2066–U+2069), the characters of no width (U+200B–U+200D, U+2060, U+FEFF)
///   and the line and paragraph separators (U+2028, U+2029) as their code point in angle
///   brackets: `⟨U+202E⟩`.
fn visible(c: char) -> Option<Visible> {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).map(Visible::Picture),
        '\u{7f}' => Some(Visible::Picture('\u{2421}')),
        '\u{80}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200b}'..='\u{200d}'
        | '\u{2060}'
        | '\u{feff}'
        | '\u{2028}'
        | '\u{2029}' => Some(Visible::CodePoint(c as u32)),
        _ => None,
    }
}

/// A character's visible form.
enum Visible {
    Picture(char),
    CodePoint(u32),
}

/// Appends `text` to `out` with the characters of [`visible`] made visible; a tab is kept as
/// it is when `keep_tab` (a log's line is indented with tabs; a name's tab is shown).
pub fn push_visible(out: &mut String, text: &str, keep_tab: bool) {
    for c in text.chars() {
        match visible(c) {
            Some(_) if keep_tab && c == '\t' => out.push(c),
            Some(Visible::Picture(p)) => out.push(p),
            Some(Visible::CodePoint(u)) => {
                use std::fmt::Write as _;
                write!(out, "⟨U+{u:04X}⟩").expect("a String takes any text");
            }
            None => out.push(c),
        }
    }
}

/// `text` as it is shown: its characters of [`visible`] made visible (a tab too), and, when it
/// is longer than [`SHOWN_BYTES`], its first bytes up to there (whole characters) followed by
/// ` … (N bytes in all)`. A text the summary keeps cut (`crate::base::cut`) is shown by its kept
/// text, with N the whole's length, not its cut form's. Text with nothing to change is borrowed.
pub fn as_shown(text: &str) -> Cow<'_, str> {
    let (text, whole) = match crate::base::cut::split_cut(text) {
        (kept, Some(cut)) => (kept, Some(cut.bytes)),
        (text, None) => (text, None),
    };
    let long = text.len() > SHOWN_BYTES || whole.is_some();
    if !long && !text.chars().any(|c| visible(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut end = text.len().min(SHOWN_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + 32);
    push_visible(&mut out, &text[..end], false);
    if long {
        use std::fmt::Write as _;
        let bytes = whole.unwrap_or(text.len() as u64);
        write!(out, " … ({bytes} bytes in all)").expect("a String takes any text");
    }
    Cow::Owned(out)
}

/// `text` as a terminal or a CI log is shown it: as [`as_shown`] shows it (controls, bidi and
/// zero-width characters visible, line breaks never raw, a long text cut with its length), and
/// with the two ways a CI log's line becomes a command of the CI made visible too:
/// - text that starts with `::` after white space (a GitHub Actions workflow command,
///   `::error file=x::…`, read at a line's start after its white space) has that first `:`
///   shown as `⟨U+003A⟩`;
/// - `##` before `[`, or before ASCII letters and `[` (`##[error]`, Azure's `##vso[`,
///   TeamCity's `##teamcity[`, read anywhere in a line), has its first `#` shown as `⟨U+0023⟩`.
///
/// Every string from a log, an archive or a saved summary goes through this before the CLI
/// prints it for people (the table, `lra show`, gate messages, warnings, Markdown).
pub fn as_printed(text: &str) -> Cow<'_, str> {
    let shown = as_shown(text);
    if !is_command_like(&shown) {
        return shown;
    }
    let mut out = String::with_capacity(shown.len() + 16);
    push_defused(&mut out, &shown);
    Cow::Owned(out)
}

/// Appends `text` to `out` as [`as_printed`] shows it, but whole (not cut): a log's line, cut
/// by its reader; a tab is kept as it is when `keep_tab`.
pub fn push_printed(out: &mut String, text: &str, keep_tab: bool) {
    if !text.chars().any(|c| visible(c).is_some()) && !is_command_like(text) {
        return out.push_str(text);
    }
    let mut visible = String::with_capacity(text.len() + 16);
    push_visible(&mut visible, text, keep_tab);
    push_defused(out, &visible);
}

/// Whether `text` (already made visible) holds what [`as_printed`] defuses.
fn is_command_like(text: &str) -> bool {
    text.trim_start().starts_with("::") || bracket_commands(text).next().is_some()
}

/// Where `##[` or `##word[` starts in `text`, each `##` in turn (`###[` holds one, at 1).
fn bracket_commands(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'#', bytes).filter(move |&at| {
        if bytes.get(at + 1) != Some(&b'#') {
            return false;
        }
        let word = bytes[at + 2..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
        bytes.get(at + 2 + word) == Some(&b'[')
    })
}

/// Appends `text` (already made visible) with a leading `::` and every `##[` or `##word[`
/// defused, as [`as_printed`] says.
fn push_defused(out: &mut String, text: &str) {
    let lead = text.len() - text.trim_start().len();
    let mut from = 0;
    if text[lead..].starts_with("::") {
        out.push_str(&text[..lead]);
        out.push_str("⟨U+003A⟩");
        from = lead + 1;
    }
    for at in bracket_commands(text) {
        out.push_str(&text[from..at]);
        out.push_str("⟨U+0023⟩");
        from = at + 1;
    }
    out.push_str(&text[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values are written from the rule in the docs above, by hand.

    #[test]
    fn plain_text_is_itself_and_borrowed() {
        for text in
            ["", "Apples", "suite17/case_123", "ünïcode ✓ 测试", "a b", "<b>&amp;</b>", "x".repeat(2048).as_str()]
        {
            assert!(matches!(as_shown(text), Cow::Borrowed(t) if t == text), "{text:?}");
        }
    }

    #[test]
    fn c0_controls_and_del_are_control_pictures() {
        assert_eq!(as_shown("bell\u{7}"), "bell␇");
        assert_eq!(as_shown("\u{1b}[31mred\u{1b}[0m"), "␛[31mred␛[0m");
        assert_eq!(as_shown("nul\0 tab\t lf\n cr\r us\u{1f}"), "nul␀ tab␉ lf␊ cr␍ us␟");
        assert_eq!(as_shown("del\u{7f}"), "del␡");
    }

    #[test]
    fn c1_bidi_zero_width_and_separators_are_code_points() {
        assert_eq!(as_shown("next\u{85}line"), "next⟨U+0085⟩line");
        assert_eq!(as_shown("\u{80}\u{9f}"), "⟨U+0080⟩⟨U+009F⟩");
        assert_eq!(as_shown("abc\u{202e}fed"), "abc⟨U+202E⟩fed");
        let bidi = "\u{202a}\u{202b}\u{202c}\u{202d}\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}";
        assert_eq!(
            as_shown(bidi),
            "⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩⟨U+2066⟩⟨U+2067⟩⟨U+2068⟩⟨U+2069⟩⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩"
        );
        assert_eq!(
            as_shown("a\u{200b}b\u{200c}c\u{200d}d\u{2060}e\u{feff}"),
            "a⟨U+200B⟩b⟨U+200C⟩c⟨U+200D⟩d⟨U+2060⟩e⟨U+FEFF⟩"
        );
        assert_eq!(as_shown("one\u{2028}two\u{2029}"), "one⟨U+2028⟩two⟨U+2029⟩");
    }

    #[test]
    fn neighbours_of_the_ranges_are_themselves() {
        // Just outside each range: space, `~`, U+00A0, U+2027, U+202F, U+2065, U+206A, U+FEFE.
        for text in
            [" ", "~", "\u{a0}", "\u{2027}", "\u{202f}", "\u{2065}", "\u{206a}", "\u{fefe}", "\u{200a}", "\u{2061}"]
        {
            assert_eq!(as_shown(text), text, "{:?}", text.chars().next().map(|c| c as u32));
        }
    }

    #[test]
    fn html_is_left_as_text_for_the_page_to_insert_as_text() {
        // Making a name safe for HTML is the job of the place that writes HTML.
        assert_eq!(as_shown("<img src=x onerror=alert(1)>"), "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn a_long_text_is_cut_at_2_kib_with_its_length() {
        let name = "n".repeat(1 << 20);
        assert_eq!(as_shown(&name), format!("{} … (1048576 bytes in all)", "n".repeat(2048)));
        let name = "n".repeat(2049);
        assert_eq!(as_shown(&name), format!("{} … (2049 bytes in all)", "n".repeat(2048)));
        // A character across the bound is left out whole: 2047 bytes, `é` (2 bytes), ` tail` (5).
        let name = format!("{}é tail", "n".repeat(2047));
        assert_eq!(as_shown(&name), format!("{} … (2054 bytes in all)", "n".repeat(2047)));
        // The cut is of the name's bytes; what is kept is then made visible.
        let name = format!("\u{1b}{}", "n".repeat(3000));
        assert_eq!(as_shown(&name), format!("␛{} … (3001 bytes in all)", "n".repeat(2047)));
    }

    #[test]
    fn printed_text_is_shown_text() {
        for text in ["", "Apples", "tests::a_b::c", "a ## b", "x::error", "#[test]", "## [x]", "#️⃣#["] {
            assert!(matches!(as_printed(text), Cow::Borrowed(t) if t == text), "{text:?}");
        }
        assert_eq!(as_printed("\u{1b}]52;c;cHduZWQ=\u{7}"), "␛]52;c;cHduZWQ=␇");
        assert_eq!(as_printed("ok\rFAIL"), "ok␍FAIL");
        assert_eq!(as_printed("abc\u{202e}fed"), "abc⟨U+202E⟩fed");
        let long = "n".repeat(3000);
        assert_eq!(as_printed(&long), as_shown(&long));
    }

    #[test]
    fn printed_text_cannot_be_a_ci_command() {
        // A workflow command: `::` first on the line, after white space.
        assert_eq!(as_printed("::error file=x::pwned"), "⟨U+003A⟩:error file=x::pwned");
        assert_eq!(as_printed("  \u{a0}::add-mask::x"), "  \u{a0}⟨U+003A⟩:add-mask::x");
        // Made visible, a line break is no line start: the `::` after it is left.
        assert_eq!(as_printed("x\n::error::pwned"), "x␊::error::pwned");
        assert_eq!(as_printed("\t::error::pwned"), "␉::error::pwned");
        // The older form, anywhere in the line, and the other CIs' ones.
        assert_eq!(as_printed("a ##[error]b"), "a ⟨U+0023⟩#[error]b");
        assert_eq!(as_printed("##vso[task.setvariable]x"), "⟨U+0023⟩#vso[task.setvariable]x");
        assert_eq!(as_printed("##teamcity[x] ##[y]"), "⟨U+0023⟩#teamcity[x] ⟨U+0023⟩#[y]");
        assert_eq!(as_printed("###[x]"), "#⟨U+0023⟩#[x]");
        assert_eq!(as_printed("::x ##[y]"), "⟨U+003A⟩:x ⟨U+0023⟩#[y]");
        let mut line = String::from("    │ ");
        push_printed(&mut line, "\t##[group]\u{1b}[2J", true);
        assert_eq!(line, "    │ \t⟨U+0023⟩#[group]␛[2J");
    }

    #[test]
    fn a_text_kept_cut_is_shown_with_the_length_of_the_whole() {
        // The summary keeps 1 MiB of `n` as its first 4 KiB and the whole's length and hash; it
        // is shown as any long text is, by the whole's length.
        let kept = crate::base::cut::cut_text(&"n".repeat(1 << 20)).into_owned();
        assert!(kept.len() < 5000, "{}", kept.len());
        assert_eq!(as_shown(&kept), format!("{} … (1048576 bytes in all)", "n".repeat(2048)));
    }

    #[test]
    fn a_line_keeps_its_tabs() {
        let mut out = String::new();
        push_visible(&mut out, "\tindented\u{1b}[2J\u{202e}", true);
        assert_eq!(out, "\tindented␛[2J⟨U+202E⟩");
    }
}
