//! Where a run's duration comes from (docs/design.md, "Durations"): a duration the runner states
//! (`(0.35s)`, `(12 ms)`, `[ 0.004s]`, `(elapsed 12 ms)`), or the timestamps at the start of the
//! run's opening and closing lines.
//!
//! A timestamp is read at the start of a line, after a CI prefix if there is one (the prefix is
//! itself a timestamp, and is used when the line has no other): ISO 8601 with a date
//! (`2024-05-01T10:00:00.123Z`, a space for the `T`, a `,` for the `.`, an offset or not), a
//! time alone (`10:00:00.123`), either in brackets (`[10:00:00.123]`), syslog's `Nov 27
//! 10:01:02`, and epoch seconds with a fraction (`1732701662.250`).

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use crate::base::text::{Text, lossy};
use crate::read::prefix;

/// Microseconds in a day: a computed duration longer than this is dropped.
pub(crate) const DAY_US: i64 = 86_400 * 1_000_000;

/// What a timestamp's value counts from: two stamps give a duration only if they agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Clock {
    /// Microseconds since the Unix epoch (a date was given, or epoch seconds).
    Absolute,
    /// Microseconds since midnight: a run that ends at a smaller value crossed midnight.
    TimeOfDay,
    /// Microseconds since the start of a year of no known length (syslog's month and day).
    YearLess,
}

/// A line's leading timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stamp {
    pub(crate) us: i64,
    pub(crate) clock: Clock,
}

/// What two lines' stamps say of the run between them.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Between {
    /// It took this many microseconds.
    Took(u64),
    /// The stamps disagree: negative, or longer than a day. Dropped, and counted.
    Dropped,
    /// Nothing: a stamp is missing or they count from different clocks.
    Unknown,
}

impl Stamp {
    /// The duration from `self` (the run's opening line) to `close` (its result line).
    pub(crate) fn until(self, close: Stamp) -> Between {
        if self.clock != close.clock {
            return Between::Unknown;
        }
        let mut us = close.us - self.us;
        if us < 0 && self.clock == Clock::TimeOfDay {
            us += DAY_US;
        }
        if (0..=DAY_US).contains(&us) { Between::Took(us as u64) } else { Between::Dropped }
    }
}

/// The timestamp a line (without its `\n`) starts with. A line that starts with two (a CI
/// system's prefix, then the log's own: GitHub's ISO time, GitLab's with its stream tag,
/// Jenkins' bracketed one) is the run's by the second.
#[inline]
pub(crate) fn leading(line: &[u8]) -> Option<Stamp> {
    // Called for every line that opens or closes a run: the commonest case, no stamp, is told
    // here by the first byte, without a call.
    if cfg!(feature = "bare-runs") || !line.first().is_some_and(|&b| may_start_stamp(b)) {
        return None;
    }
    leading_stamp(line)
}

/// Whether a timestamp can start with `b`: a digit, a bracket, or a month's initial.
fn may_start_stamp(b: u8) -> bool {
    b.is_ascii_digit() || b == b'[' || month_initial(b)
}

/// Whether `b` is a month's initial in English, which a syslog stamp starts with.
fn month_initial(b: u8) -> bool {
    matches!(b, b'J' | b'F' | b'M' | b'A' | b'S' | b'O' | b'N' | b'D')
}

/// [`leading`], past its first look.
fn leading_stamp(line: &[u8]) -> Option<Stamp> {
    let (stamp, end) = at_start(line)?;
    let Some(rest) = line[end..].strip_prefix(b" ") else { return Some(stamp) };
    Some(at_start(prefix::after_stream_tag(rest)).map_or(stamp, |(own, _)| own))
}

/// The timestamp `text` starts with, bracketed or not, and where it ends (past its bracket).
fn at_start(text: &[u8]) -> Option<(Stamp, usize)> {
    let first = *text.first()?;
    if !may_start_stamp(first) {
        return None;
    }
    let bracketed = first == b'[';
    let inner = if bracketed { &text[1..] } else { text };
    // Each shape tried in turn, from the start; a plain `match`, so that the readers inline.
    let read = |shape: Shape| {
        let mut r = Reader { text: inner, at: 0 };
        let stamp = match shape {
            Shape::TimeAlone => r.time_alone(),
            Shape::Iso => r.iso(),
            Shape::Epoch => r.epoch(),
            Shape::Syslog => r.syslog(),
        };
        stamp.map(|stamp| (stamp, r.at))
    };
    let (stamp, len) = match inner.first()? {
        // A time alone is the commonest: told by its third byte.
        b'0'..=b'9' if inner.get(2) == Some(&b':') => read(Shape::TimeAlone),
        b'0'..=b'9' => read(Shape::Iso).or_else(|| read(Shape::Epoch)),
        // A month's initial; anything else (GoogleTest's `[ RUN      ]`) is no stamp, told
        // without trying the twelve months.
        &b if month_initial(b) => read(Shape::Syslog),
        _ => None,
    }?;
    match bracketed {
        false => Some((stamp, len)),
        true => (inner.get(len) == Some(&b']')).then_some((stamp, len + 2)),
    }
}

/// The shapes a timestamp may have.
#[derive(Clone, Copy)]
enum Shape {
    TimeAlone,
    Iso,
    Epoch,
    Syslog,
}

/// A cursor over a timestamp's bytes.
struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// Exactly `n` digits.
    #[inline]
    fn digits(&mut self, n: usize) -> Option<i64> {
        let d = self.text.get(self.at..self.at + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.at += n;
        Some(d.iter().fold(0, |v, &b| v * 10 + i64::from(b - b'0')))
    }

    #[inline]
    fn byte(&mut self, one_of: &[u8]) -> Option<u8> {
        let b = *self.text.get(self.at)?;
        one_of.contains(&b).then(|| {
            self.at += 1;
            b
        })
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// `.123` or `,123456`: microseconds (digits past the sixth are cut).
    #[inline]
    fn fraction(&mut self) -> i64 {
        if self.byte(b".,").is_none() {
            return 0;
        }
        let mut us = 0;
        let mut scale = 100_000;
        while let Some(&b) = self.text.get(self.at)
            && b.is_ascii_digit()
        {
            us += i64::from(b - b'0') * scale;
            scale /= 10;
            self.at += 1;
        }
        us
    }

    /// `HH:MM:SS` with a fraction or not, as microseconds since midnight.
    #[inline]
    fn clock(&mut self) -> Option<i64> {
        // Read at once, not a byte at a time: every timestamp has one, and most lines of a
        // stamped log start with one.
        let t = self.text.get(self.at..self.at + 8)?;
        let d = |i: usize| i64::from(t[i].wrapping_sub(b'0'));
        let digits = [0, 1, 3, 4, 6, 7].iter().all(|&i| d(i) <= 9);
        if !digits || t[2] != b':' || t[5] != b':' {
            return None;
        }
        let (h, m, s) = (d(0) * 10 + d(1), d(3) * 10 + d(4), d(6) * 10 + d(7));
        if h > 23 || m > 59 || s > 60 {
            return None;
        }
        self.at += 8;
        let frac = self.fraction();
        Some(((h * 60 + m) * 60 + s) * 1_000_000 + frac)
    }

    /// Whether the stamp ends here: the text does, or it goes on with neither a digit nor a `:`.
    #[inline]
    fn ends(&self) -> bool {
        self.peek().is_none_or(|b| !b.is_ascii_digit() && b != b':')
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH[:]MM]`.
    fn iso(&mut self) -> Option<Stamp> {
        let y = self.digits(4)?;
        self.byte(b"-")?;
        let mo = self.digits(2)?;
        self.byte(b"-")?;
        let d = self.digits(2)?;
        self.byte(b"T ")?;
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
            return None;
        }
        let mut us = self.clock()?;
        match self.peek() {
            Some(b'Z') => self.at += 1,
            Some(sign @ (b'+' | b'-')) => {
                self.at += 1;
                let oh = self.digits(2)?;
                self.byte(b":");
                let om = self.digits(2)?;
                let off = (oh * 60 + om) * 60_000_000;
                us -= if sign == b'+' { off } else { -off };
            }
            _ => {}
        }
        self.ends().then_some(Stamp { us: days_from_civil(y, mo, d) * DAY_US + us, clock: Clock::Absolute })
    }

    /// `HH:MM:SS[.frac]`.
    #[inline]
    fn time_alone(&mut self) -> Option<Stamp> {
        let us = self.clock()?;
        self.ends().then_some(Stamp { us, clock: Clock::TimeOfDay })
    }

    /// Epoch seconds with a fraction: at least nine digits (after 1973), a `.`, digits.
    fn epoch(&mut self) -> Option<Stamp> {
        let int = self.text.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(9..=11).contains(&int) || self.text.get(int) != Some(&b'.') {
            return None;
        }
        let seconds = self.digits(int)?;
        let start = self.at;
        let frac = self.fraction();
        if self.at == start + 1 || !self.ends() {
            return None;
        }
        Some(Stamp { us: seconds * 1_000_000 + frac, clock: Clock::Absolute })
    }

    /// `Mmm DD HH:MM:SS`, the day padded with a space or a zero.
    fn syslog(&mut self) -> Option<Stamp> {
        const MONTHS: [[u8; 3]; 12] = [
            *b"Jan", *b"Feb", *b"Mar", *b"Apr", *b"May", *b"Jun", *b"Jul", *b"Aug", *b"Sep", *b"Oct", *b"Nov", *b"Dec",
        ];
        // Days before each month in a year of 365: a run over a leap day's midnight is dropped.
        const BEFORE: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        // Compared as arrays of three bytes, not slices (a length check and a call each).
        let name: [u8; 3] = self.text.get(..3)?.try_into().ok()?;
        let month = MONTHS.iter().position(|m| *m == name)?;
        self.at = 3;
        self.byte(b" ")?;
        self.byte(b" ");
        let day = match self.digits(2) {
            Some(d) => d,
            None => self.digits(1)?,
        };
        self.byte(b" ")?;
        if !(1..=31).contains(&day) {
            return None;
        }
        let us = self.clock()?;
        self.ends().then_some(Stamp { us: (BEFORE[month] + day - 1) * DAY_US + us, clock: Clock::YearLess })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A stated duration: a number (a fraction or not), perhaps a space, and a unit (`ns`, `us`,
/// `µs`, `ms`, `s`), the whole text. In microseconds, digits past them cut.
pub(crate) fn stated(text: &[u8]) -> Option<u64> {
    let text = text.trim_ascii();
    let number = text.iter().take_while(|b| b.is_ascii_digit() || **b == b'.').count();
    let (digits, unit) = text.split_at(number);
    // The unit in nanoseconds, as a power of ten.
    let unit_exp = match unit.trim_ascii_start() {
        b"ns" => 0,
        b"us" | b"\xc2\xb5s" => 3,
        b"ms" => 6,
        b"s" => 9,
        _ => return None,
    };
    decimal_us(digits, unit_exp)
}

/// JUnit's `time`: seconds, as a decimal, thousands perhaps grouped with `,` (`1,234.5`), or
/// `,` for the decimal point (`0,25`), as some locales write them.
pub(crate) fn seconds(text: &[u8]) -> Option<u64> {
    let text = text.trim_ascii();
    // Most times have no comma: read in place, with nothing copied.
    let digits = match memchr::memchr(b',', text) {
        None => Cow::Borrowed(text),
        Some(_) if text.contains(&b'.') => Cow::Owned(text.iter().copied().filter(|&b| b != b',').collect()),
        Some(comma) => {
            let mut digits = text.to_vec();
            digits[comma] = b'.';
            Cow::Owned(digits)
        }
    };
    if !digits.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        return None;
    }
    decimal_us(&digits, 9)
}

/// Powers of ten that fit a `u64`, by exponent.
const POW10: [u64; 20] = {
    let mut p = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// `digits` (ASCII digits with at most one `.`, a digit before it) of a unit of `10^unit_exp`
/// nanoseconds (at most 9), in whole microseconds.
fn decimal_us(digits: &[u8], unit_exp: u32) -> Option<u64> {
    let unit_exp = unit_exp as usize;
    if digits.is_empty() {
        return None;
    }
    // Up to nine digits (below 10⁹ units of at most 10⁹ ns), read in one pass and summed in u64,
    // without a 128-bit division for every `(0.00s)`; and with no division at all when the
    // fraction has no more digits than the unit has powers of ten (`0.00s`).
    let (mut int, mut frac, mut frac_len, mut dot) = (0u64, 0u64, 0usize, None);
    for (i, &b) in digits.iter().enumerate().take(10) {
        match (b, dot) {
            (b'0'..=b'9', None) => int = int * 10 + u64::from(b - b'0'),
            (b'0'..=b'9', Some(_)) => {
                frac = frac * 10 + u64::from(b - b'0');
                frac_len += 1;
            }
            (b'.', None) if i > 0 => dot = Some(i),
            _ => return None,
        }
    }
    if digits.len() - usize::from(dot.is_some()) <= 9 {
        let frac_ns = match unit_exp.checked_sub(frac_len) {
            Some(up) => frac * POW10[up],
            None => frac / POW10[frac_len - unit_exp],
        };
        return Some((int * POW10[unit_exp] + frac_ns) / 1_000);
    }
    long_decimal_us(digits, unit_exp)
}

/// [`decimal_us`] of more than nine digits, summed in u128.
fn long_decimal_us(digits: &[u8], unit_exp: usize) -> Option<u64> {
    let (int, frac) = match digits.iter().position(|&b| b == b'.') {
        Some(dot) => (&digits[..dot], &digits[dot + 1..]),
        None => (digits, &b""[..]),
    };
    if int.is_empty() || frac.contains(&b'.') || int.len() + frac.len() > 30 {
        return None;
    }
    let value = |d: &[u8]| d.iter().fold(0u128, |v, &b| v * 10 + u128::from(b - b'0'));
    let ns_per_unit = u128::from(POW10[unit_exp]);
    let ns = value(int) * ns_per_unit + value(frac) * ns_per_unit / 10u128.pow(frac.len() as u32);
    u64::try_from(ns / 1_000).ok()
}

/// A result's text with its `(elapsed DURATION)` cut out, and the duration, if it has one: the
/// rest is the failure's reason, which must not differ by the run's duration.
pub(crate) fn cut_elapsed(detail: &[u8]) -> Option<(u64, Cow<'_, [u8]>)> {
    const OPEN: &[u8] = b"(elapsed ";
    // Most results have no text, or none with a parenthesis: no search set up for them.
    if detail.len() < OPEN.len() + 3 || memchr::memchr(b'(', detail).is_none() {
        return None;
    }
    static FINDER: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(OPEN));
    let at = FINDER.find(detail)?;
    let inner = &detail[at + OPEN.len()..];
    let close = memchr::memchr(b')', inner)?;
    let us = stated(&inner[..close])?;
    let (before, after) = (detail[..at].trim_ascii_end(), inner[close + 1..].trim_ascii_start());
    let rest = match (before.is_empty(), after.is_empty()) {
        (_, true) => Cow::Borrowed(before),
        (true, false) => Cow::Borrowed(after),
        (false, false) => Cow::Owned([before, b" ", after].concat()),
    };
    Some((us, rest))
}

/// [`cut_elapsed`] for a `Text` (borrowed bytes may need repair, owned ones are valid): the text
/// back when it states no duration.
pub(crate) fn cut_elapsed_text(text: Text<'_>) -> Result<(u64, Text<'_>), Text<'_>> {
    match text {
        Cow::Borrowed(bytes) => match cut_elapsed(bytes) {
            Some((us, Cow::Borrowed(rest))) => Ok((us, Cow::Borrowed(rest))),
            Some((us, Cow::Owned(rest))) => Ok((us, Cow::Owned(lossy(&rest).into_owned().into_bytes()))),
            None => Err(text),
        },
        Cow::Owned(bytes) => match cut_elapsed(&bytes) {
            Some((us, rest)) => Ok((us, Cow::Owned(rest.into_owned()))),
            None => Err(Cow::Owned(bytes)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(line: &str) -> Option<(i64, Clock)> {
        leading(line.as_bytes()).map(|s| (s.us, s.clock))
    }

    const H: i64 = 3_600_000_000;

    #[test]
    fn iso_8601_with_a_date() {
        // 2024-05-01 is day 19844 since the epoch (date -d 2024-05-01 +%s gives 1714521600).
        let day = 1_714_521_600 * 1_000_000;
        assert_eq!(us("2024-05-01T10:00:00.123Z Test: a"), Some((day + 10 * H + 123_000, Clock::Absolute)));
        assert_eq!(us("2024-05-01 10:00:00,5 INFO Test: a"), Some((day + 10 * H + 500_000, Clock::Absolute)));
        assert_eq!(us("2024-05-01T12:00:00+02:00 x"), Some((day + 10 * H, Clock::Absolute)));
        assert_eq!(us("2024-05-01T09:30:00-0030 x"), Some((day + 10 * H, Clock::Absolute)));
        assert_eq!(us("[2024-05-01T10:00:00.1234567Z] x"), Some((day + 10 * H + 123_456, Clock::Absolute)));
        // GitHub's prefix, then a stamp of the log's own: the log's is the run's.
        assert_eq!(us("2024-05-01T10:00:00.0000000Z 10:00:01 Test: a"), Some((10 * H + 1_000_000, Clock::TimeOfDay)));
        // GitHub's prefix alone.
        assert_eq!(us("2024-05-01T10:00:00.0000000Z Test: a"), Some((day + 10 * H, Clock::Absolute)));
    }

    #[test]
    fn a_time_alone_bracketed_or_not() {
        assert_eq!(us("10:01:02.250 Result: PASS"), Some((10 * H + 62_250_000, Clock::TimeOfDay)));
        assert_eq!(us("[10:01:02.250] Result: PASS"), Some((10 * H + 62_250_000, Clock::TimeOfDay)));
        assert_eq!(us("[00:00:05]"), Some((5_000_000, Clock::TimeOfDay)));
    }

    #[test]
    fn syslog_and_epoch_seconds() {
        // Nov 27 is day 330 of a year of 365 (0-based).
        assert_eq!(
            us("Nov 27 10:01:02 host app: Test: a"),
            Some((330 * 24 * H + 10 * H + 62_000_000, Clock::YearLess))
        );
        assert_eq!(us("Nov  7 10:01:02 host"), Some((310 * 24 * H + 10 * H + 62_000_000, Clock::YearLess)));
        assert_eq!(us("1732701662.25 Test: a"), Some((1_732_701_662_250_000, Clock::Absolute)));
        assert_eq!(us("[1732701662.000001] x"), Some((1_732_701_662_000_001, Clock::Absolute)));
    }

    #[test]
    fn lines_that_only_look_like_stamps() {
        for line in [
            "Test: a",
            "12 tests passed",
            "10:01 later",
            "25:00:00 x",
            "2024-13-01T10:00:00Z x",
            "1732701662 Test: a",
            "12345.5 s",
            "Nov 27 x",
            "November 27 10:01:02",
            "10:00:00:00 x",
            "[ RUN      ] A.B",
            "",
        ] {
            assert_eq!(us(line), None, "{line}");
        }
    }

    #[test]
    fn durations_between_stamps() {
        let at = |us, clock| Stamp { us, clock };
        assert_eq!(at(10, Clock::Absolute).until(at(25, Clock::Absolute)), Between::Took(15));
        assert_eq!(at(25, Clock::Absolute).until(at(10, Clock::Absolute)), Between::Dropped);
        assert_eq!(at(0, Clock::Absolute).until(at(DAY_US + 1, Clock::Absolute)), Between::Dropped);
        // Over midnight.
        assert_eq!(at(DAY_US - 1_000, Clock::TimeOfDay).until(at(500, Clock::TimeOfDay)), Between::Took(1_500));
        assert_eq!(at(10, Clock::TimeOfDay).until(at(25, Clock::Absolute)), Between::Unknown);
    }

    #[test]
    fn stated_durations() {
        assert_eq!(stated(b"0.35s"), Some(350_000));
        assert_eq!(stated(b"12 ms"), Some(12_000));
        assert_eq!(stated(b"   0.004s"), Some(4_000));
        assert_eq!(stated(b"1.5 s"), Some(1_500_000));
        assert_eq!(stated(b"250us"), Some(250));
        assert_eq!(stated("3 µs".as_bytes()), Some(3));
        assert_eq!(stated(b"1500ns"), Some(1));
        assert_eq!(stated(b"0.0000009s"), Some(0));
        for bad in [&b"ms"[..], b"1.2.3s", b"12 min", b"twelve ms", b"", b".5s"] {
            assert_eq!(stated(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(seconds(b"0.123"), Some(123_000));
        assert_eq!(seconds(b"1,234.5"), Some(1_234_500_000));
        assert_eq!(seconds(b"0,25"), Some(250_000));
        assert_eq!(seconds(b"12"), Some(12_000_000));
        assert_eq!(seconds(b"-1"), None);
        assert_eq!(seconds(b"NaN"), None);
    }

    #[test]
    fn short_numbers_read_in_u64_as_long_ones_in_u128() {
        // At the edge of the short path (nine digits) and past it, each worked out by hand.
        assert_eq!(stated(b"999999999s"), Some(999_999_999_000_000));
        assert_eq!(stated(b"123456.789 ms"), Some(123_456_789));
        assert_eq!(stated(b"99999.9999 ns"), Some(99));
        assert_eq!(stated(b"0.00000001s"), Some(0));
        assert_eq!(stated(b"1234567890s"), Some(1_234_567_890_000_000));
        assert_eq!(stated(b"12345.67890ms"), Some(12_345_678));
        // Every split of a few digit strings, in every unit, against the sums done in u128.
        let wide = |int: &str, frac: &str, ns_per_unit: u128| {
            let ns = int.parse::<u128>().unwrap() * ns_per_unit
                + frac.parse::<u128>().unwrap_or(0) * ns_per_unit / 10u128.pow(frac.len() as u32);
            u64::try_from(ns / 1_000).ok()
        };
        for digits in ["987654321", "100000007", "000000001", "55", "1234567890123"] {
            for dot in 1..=digits.len() {
                let (int, frac) = digits.split_at(dot);
                for (unit, ns_per_unit) in [("ns", 1), ("us", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000)] {
                    let text = match frac {
                        "" => format!("{int}{unit}"),
                        _ => format!("{int}.{frac}{unit}"),
                    };
                    assert_eq!(stated(text.as_bytes()), wide(int, frac, ns_per_unit), "{text}");
                }
            }
        }
    }

    #[test]
    fn an_elapsed_duration_is_cut_from_the_reason() {
        let cut =
            |d: &str| cut_elapsed(d.as_bytes()).map(|(us, rest)| (us, String::from_utf8(rest.into_owned()).unwrap()));
        assert_eq!(cut("(elapsed 12 ms)"), Some((12_000, String::new())));
        assert_eq!(cut("timeout after 3 tries (elapsed 1.5 s)"), Some((1_500_000, "timeout after 3 tries".into())));
        assert_eq!(cut("(elapsed 7ms) timeout"), Some((7_000, "timeout".into())));
        assert_eq!(cut("a (elapsed 7ms) b"), Some((7_000, "a b".into())));
        assert_eq!(cut("(elapsed forever)"), None);
        assert_eq!(cut("timeout"), None);
    }
}
