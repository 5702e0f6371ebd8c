//! Numbers written for people, the same on the page and in the exported report.

/// Sizes: `12.3 MB`.
pub fn human_bytes(n: f64) -> String {
    match n {
        n if n < 1e3 => format!("{n:.0} B"),
        n if n < 1e6 => format!("{:.1} kB", n / 1e3),
        n if n < 1e9 => format!("{:.1} MB", n / 1e6),
        n => format!("{:.2} GB", n / 1e9),
    }
}

/// A count with its thousands apart: `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A pass rate: `97.5%`, or `–` when there is nothing to rate.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or("–".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// A test's failure rate with its 95% Wilson interval, `20.0% (5.7–51.0%)`, or `–` with no
/// passed or failed run: as the tests tables (the page's, the report's) show it.
pub fn failure_rate(c: &lra_core::Counts) -> String {
    match (c.failure_rate(), c.failure_rate_ci95()) {
        (Some(r), Some([low, high])) => format!("{:.1}% ({:.1}–{:.1}%)", r * 100.0, low * 100.0, high * 100.0),
        _ => "–".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_their_thousands_apart() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn rates_and_sizes() {
        assert_eq!(percent(None), "–");
        assert_eq!(percent(Some(0.975)), "97.5%");
        assert_eq!(human_bytes(999.0), "999 B");
        assert_eq!(human_bytes(12_300_000.0), "12.3 MB");
    }
}
