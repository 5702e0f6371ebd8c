//! The timestamps CI systems put before each line of a job's log, which the runners' formats
//! look past (markers are found anywhere in a line, so they need not):
//! - GitHub Actions: `2024-05-01T10:00:00.1234567Z ` (ISO 8601, UTC);
//! - GitLab: the same, then a stream tag such as `00O ` or `01E+`;
//! - Jenkins' timestamper: `[2024-05-01T10:00:00.123Z] ` or `[10:00:00] `.

use std::borrow::Cow;

/// A line as the runners' formats read it: without its trailing `\r`, its terminal escapes
/// (colours, and the `^V` byte that frames `-test.v=test2json` events) and its leading CI
/// timestamp. Borrowed unless the line holds an escape: most lines hold none.
pub(crate) fn runner_line(line: &[u8]) -> Cow<'_, [u8]> {
    plain(line, false)
}

/// [`runner_line`], keeping `^V`: the reader of `go test -v` follows test2json's framing rules,
/// which need it (once the test binary frames its lines, unframed ones are a test's output).
pub(crate) fn framed_runner_line(line: &[u8]) -> Cow<'_, [u8]> {
    plain(line, true)
}

/// [`runner_line`] (and [`framed_runner_line`]) of a line known to hold no escape byte and no
/// `^V`.
pub(crate) fn clean_runner_line(line: &[u8]) -> &[u8] {
    strip(line.strip_suffix(b"\r").unwrap_or(line))
}

fn plain(line: &[u8], keep_frames: bool) -> Cow<'_, [u8]> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let first = if keep_frames { memchr::memchr(ESC, line) } else { first_escape(line) };
    match first {
        None => Cow::Borrowed(strip(line)),
        Some(first) => {
            let plain = without_escapes(line, first, keep_frames);
            Cow::Owned(strip(&plain).to_vec())
        }
    }
}

/// The escape byte that starts a terminal control sequence.
const ESC: u8 = 0x1b;
/// `^V`, which Go's test binaries write before each event line with `-test.v=test2json`.
pub(crate) const SYN: u8 = 0x16;

/// Where the first byte that [`runner_line`] takes out (an `ESC` or a `^V`) is in `bytes`.
pub(crate) fn first_escape(bytes: &[u8]) -> Option<usize> {
    memchr::memchr2(ESC, SYN, bytes)
}

/// `line` without its terminal control sequences (ECMA-48: CSI `ESC [ params final`, OSC
/// `ESC ] text BEL` or `ESC ] text ESC \`, and two-byte `ESC X`) and `^V` bytes; the first
/// such byte is at `first`. A runner's colours wrap its words, and a reader must see the words.
fn without_escapes(line: &[u8], first: usize, keep_frames: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    out.extend_from_slice(&line[..first]);
    let mut i = first;
    while i < line.len() {
        match line[i] {
            SYN if !keep_frames => i += 1,
            ESC => i = past_escape(line, i),
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// Where the control sequence that starts at `line[esc]` (an `ESC`) ends. An unfinished one runs
/// to the line's end: a terminal would swallow it too.
fn past_escape(line: &[u8], esc: usize) -> usize {
    let rest = &line[esc + 1..];
    match rest.first() {
        // CSI: parameter and intermediate bytes, then one final byte.
        Some(b'[') => {
            let body = rest[1..].iter().position(|b| !(0x20..=0x3f).contains(b));
            match body {
                Some(k) if (0x40..=0x7e).contains(&rest[1 + k]) => esc + 3 + k,
                Some(k) => esc + 2 + k,
                None => line.len(),
            }
        }
        // OSC (a window title, a hyperlink): up to BEL or ST (`ESC \`).
        Some(b']') => {
            let mut k = 1;
            while k < rest.len() {
                match rest[k] {
                    0x07 => return esc + 2 + k,
                    ESC if rest.get(k + 1) == Some(&b'\\') => return esc + 3 + k,
                    _ => k += 1,
                }
            }
            line.len()
        }
        Some(b) if (0x20..=0x7e).contains(b) => esc + 2,
        _ => esc + 1,
    }
}

/// `line` without a leading CI timestamp, if it has one.
pub(crate) fn strip(line: &[u8]) -> &[u8] {
    if let Some(rest) = line.strip_prefix(b"[")
        // A timestamp starts with what `is_timestamp` allows first: GoogleTest's `[ RUN      ]`
        // is told by its space, without a search for its `]`.
        && rest.first().is_some_and(|&b| b.is_ascii_digit() || matches!(b, b':' | b'.'))
        && let Some(end) = rest.iter().position(|&b| b == b']')
        && is_timestamp(&rest[..end])
    {
        return rest[end + 1..].strip_prefix(b" ").unwrap_or(&rest[end + 1..]);
    }
    if !line.first().is_some_and(u8::is_ascii_digit) {
        return line;
    }
    let end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
    if end == line.len() || !is_iso(&line[..end]) {
        return line;
    }
    after_stream_tag(&line[end + 1..])
}

/// `rest` past GitLab's stream tag (two digits, `O` or `E`, then a space or `+`), if it starts
/// with one.
pub(crate) fn after_stream_tag(rest: &[u8]) -> &[u8] {
    match rest {
        [a, b, c, d, tail @ ..]
            if a.is_ascii_digit() && b.is_ascii_digit() && matches!(c, b'O' | b'E') && matches!(d, b' ' | b'+') =>
        {
            tail
        }
        _ => rest,
    }
}

/// `2024-05-01T10:00:00Z`, with a fraction and an offset or not.
fn is_iso(t: &[u8]) -> bool {
    t.len() >= 19
        && t[..4].iter().all(u8::is_ascii_digit)
        && t[4] == b'-'
        && t[7] == b'-'
        && t[10] == b'T'
        && t[13] == b':'
        && t[16] == b':'
        && t[19..].iter().all(|&b| b.is_ascii_digit() || matches!(b, b'.' | b'Z' | b'+' | b'-' | b':'))
}

/// An ISO 8601 time or a bare `HH:MM:SS`, as Jenkins' timestamper writes them.
fn is_timestamp(t: &[u8]) -> bool {
    is_iso(t)
        || (t.len() >= 8
            && t[2] == b':'
            && t[5] == b':'
            && t.iter().all(|&b| b.is_ascii_digit() || matches!(b, b':' | b'.')))
}

#[cfg(test)]
mod tests {
    use super::{runner_line, strip};

    #[test]
    fn ci_timestamps_are_looked_past() {
        assert_eq!(strip(b"2024-05-01T10:00:00.1234567Z [ RUN      ] A.B"), b"[ RUN      ] A.B");
        assert_eq!(strip(b"2024-05-01T10:00:00.123456Z 00O [ RUN      ] A.B"), b"[ RUN      ] A.B");
        assert_eq!(strip(b"2024-05-01T10:00:00.123456Z 01E+x"), b"x");
        assert_eq!(strip(b"[2024-05-01T10:00:00.123Z] test a ... ok"), b"test a ... ok");
        assert_eq!(strip(b"[10:00:00] test a ... ok"), b"test a ... ok");
        // Not timestamps: left alone.
        assert_eq!(strip(b"[ RUN      ] A.B"), b"[ RUN      ] A.B");
        assert_eq!(strip(b"[gw0] [ 50%] PASSED t.py::a"), b"[gw0] [ 50%] PASSED t.py::a");
        assert_eq!(strip(b"2024 was a year"), b"2024 was a year");
    }

    #[test]
    fn colours_and_frames_are_looked_past() {
        let plain = |l: &[u8]| runner_line(l).into_owned();
        assert_eq!(plain(b"\x1b[0;32m[ RUN      ] \x1b[mSuite.Name\r"), b"[ RUN      ] Suite.Name");
        assert_eq!(plain(b"\x1b[1m\x1b[31mFAILED\x1b[0m"), b"FAILED");
        assert_eq!(plain(b"\x16=== RUN   TestA"), b"=== RUN   TestA");
        // A hyperlink (OSC 8) around a name, as some terminals' runners print.
        assert_eq!(plain(b"\x1b]8;;file:///t.py\x07t.py\x1b]8;;\x1b\\::test_a PASSED"), b"t.py::test_a PASSED");
        // A CI timestamp before the colour, and one after it.
        assert_eq!(plain(b"2024-05-01T10:00:00.1234567Z \x1b[32mok 1 - a\x1b[0m"), b"ok 1 - a");
        assert_eq!(plain(b"\x1b[90m2024-05-01T10:00:00Z\x1b[0m ok 1 - a"), b"ok 1 - a");
        // Unfinished sequences end the line, as a terminal would swallow them; a bare ESC goes.
        assert_eq!(plain(b"ok 1 - a\x1b[3"), b"ok 1 - a");
        assert_eq!(plain(b"ok 1\x1b"), b"ok 1");
        assert!(matches!(runner_line(b"ok 1 - a\r"), std::borrow::Cow::Borrowed(b"ok 1 - a")));
    }
}
