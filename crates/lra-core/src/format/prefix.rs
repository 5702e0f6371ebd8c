//! The timestamps CI systems put before each line of a job's log, which the runners' formats
//! look past (markers are found anywhere in a line, so they need not):
//! - GitHub Actions: `2024-05-01T10:00:00.1234567Z ` (ISO 8601, UTC);
//! - GitLab: the same, then a stream tag such as `00O ` or `01E+`;
//! - Jenkins' timestamper: `[2024-05-01T10:00:00.123Z] ` or `[10:00:00] `.

/// A line as the runners' formats read it: without its trailing `\r` and leading CI timestamp.
pub(crate) fn runner_line(line: &[u8]) -> &[u8] {
    strip(line.strip_suffix(b"\r").unwrap_or(line))
}

/// `line` without a leading CI timestamp, if it has one.
pub(crate) fn strip(line: &[u8]) -> &[u8] {
    if let Some(rest) = line.strip_prefix(b"[")
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
    use super::strip;

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
}
