//! A test's run durations: how many runs had one, their total, least and most, and their
//! distribution in fixed logarithmic buckets (docs/design.md, "Durations"), so that any merge is exact.
//!
//! Durations are whole microseconds and every figure is an integer: a float sum would depend on
//! the order runs were added in, and so on the chunking and the merge tree. A percentile is read
//! from the buckets, which are the same for every summary ([`DURATION_SCHEME`]): its bucket's
//! upper bound, clamped to the runs' least and most. A bucket spans at most 1/16 of its lower
//! bound, so a percentile is at most 6.25% above the true one, and never outside the runs'
//! range.

use serde::{Deserialize, Serialize};
use smallvec::{SmallVec, smallvec};

/// The name of the bucket scheme, saved in the JSON: summaries bucketed otherwise cannot be
/// merged. `log2-16-us`: sixteen buckets per power of two of microseconds, and values under 16
/// µs each in a bucket of their own.
pub const DURATION_SCHEME: &str = "log2-16-us";

/// Sub-buckets per power of two.
const SUB: u64 = 16;
/// log2 of [`SUB`].
const SUB_BITS: u32 = 4;

/// The bucket `us` falls in.
pub(crate) fn bucket_of(us: u64) -> u16 {
    if us < SUB {
        return us as u16;
    }
    let exp = 63 - us.leading_zeros();
    let sub = (us >> (exp - SUB_BITS)) & (SUB - 1);
    (SUB + u64::from(exp - SUB_BITS) * SUB + sub) as u16
}

/// The largest value in bucket `b`.
pub(crate) fn bucket_top(b: u16) -> u64 {
    let b = u64::from(b);
    if b < SUB {
        return b;
    }
    let exp = (b - SUB) / SUB + u64::from(SUB_BITS);
    let sub = (b - SUB) % SUB;
    let step = 1u64 << (exp - u64::from(SUB_BITS));
    // `step - 1` last, so that the top bucket's top is u64::MAX without overflowing.
    (SUB + sub) * step + (step - 1)
}

/// The durations of a test's runs that had one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    runs: u64,
    total: u64,
    min: u64,
    max: u64,
    /// `(bucket, runs)`, sorted by bucket, no count zero. Most tests take about the same time
    /// each run: two buckets inline spare them an allocation.
    buckets: SmallVec<[(u16, u64); 2]>,
}

impl Durations {
    /// One run's duration.
    pub(crate) fn of(us: u64) -> Durations {
        Durations { runs: 1, total: us, min: us, max: us, buckets: smallvec![(bucket_of(us), 1)] }
    }

    /// Adds one run's duration.
    pub(crate) fn add(&mut self, us: u64) {
        self.add_bucket(bucket_of(us), 1);
        self.runs += 1;
        self.total = self.total.saturating_add(us);
        self.min = self.min.min(us);
        self.max = self.max.max(us);
    }

    fn add_bucket(&mut self, b: u16, n: u64) {
        match self.buckets.binary_search_by_key(&b, |&(k, _)| k) {
            Ok(i) => self.buckets[i].1 += n,
            Err(i) => self.buckets.insert(i, (b, n)),
        }
    }

    /// Adds another test's (or side's) durations.
    pub(crate) fn merge(&mut self, other: &Durations) {
        for &(b, n) in &other.buckets {
            self.add_bucket(b, n);
        }
        self.runs += other.runs;
        self.total = self.total.saturating_add(other.total);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Runs with a duration.
    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Their sum, in microseconds.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The shortest, in microseconds.
    pub fn min(&self) -> u64 {
        self.min
    }

    /// The longest, in microseconds.
    pub fn max(&self) -> u64 {
        self.max
    }

    /// Whether the buckets outgrew their inline room.
    #[cfg(test)]
    pub(crate) fn buckets_spilled(&self) -> bool {
        self.buckets.spilled()
    }

    /// `(bucket, runs)` in bucket order, as the JSON saves them.
    pub fn buckets(&self) -> &[(u16, u64)] {
        &self.buckets
    }

    /// The `percent`-th percentile (nearest rank: the smallest duration at least `percent`% of
    /// the runs do not exceed), as its bucket's top clamped to `[min, max]`.
    pub fn percentile(&self, percent: u8) -> u64 {
        let rank = (u128::from(self.runs) * u128::from(percent.min(100))).div_ceil(100).max(1);
        let mut seen = 0u128;
        for &(b, n) in &self.buckets {
            seen += u128::from(n);
            if seen >= rank {
                return bucket_top(b).clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// The median.
    pub fn p50(&self) -> u64 {
        self.percentile(50)
    }

    /// The 95th percentile.
    pub fn p95(&self) -> u64 {
        self.percentile(95)
    }

    /// Durations read back from their saved parts, if they agree with each other.
    pub(crate) fn from_parts(
        runs: u64,
        total: u64,
        min: u64,
        max: u64,
        buckets: Vec<(u16, u64)>,
    ) -> Result<Durations, String> {
        let sorted = buckets.windows(2).all(|w| w[0].0 < w[1].0);
        let counted: u128 = buckets.iter().map(|&(_, n)| u128::from(n)).sum();
        if runs == 0 || !sorted || counted != u128::from(runs) || min > max || buckets.iter().any(|&(_, n)| n == 0) {
            return Err(format!("durations that do not add up ({runs} runs, buckets {buckets:?})"));
        }
        Ok(Durations { runs, total, min, max, buckets: buckets.into() })
    }
}

/// A duration for people: `850 µs`, `12.5 ms`, `3.25 s`, `4m 05s`, `2h 03m`.
pub fn human_duration(us: u64) -> String {
    match us {
        0..1_000 => format!("{us} µs"),
        1_000..1_000_000 => format!("{:.1} ms", us as f64 / 1e3),
        1_000_000..60_000_000 => format!("{:.2} s", us as f64 / 1e6),
        60_000_000..3_600_000_000 => format!("{}m {:02}s", us / 60_000_000, us / 1_000_000 % 60),
        _ => format!("{}h {:02}m", us / 3_600_000_000, us / 60_000_000 % 60),
    }
}

/// Microseconds as milliseconds with three decimals, exactly: `12.345`.
pub fn exact_ms(us: u64) -> String {
    format!("{}.{:03}", us / 1_000, us % 1_000)
}

/// The runs of an iteration with a duration, and their sum: what a duration-per-iteration chart
/// draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timed {
    /// Runs with a duration.
    pub runs: u64,
    /// Their sum, in microseconds.
    pub total: u64,
}

impl Timed {
    /// Adds one run's duration.
    pub(crate) fn add(&mut self, us: u64) {
        self.runs += 1;
        self.total = self.total.saturating_add(us);
    }

    /// Adds another's.
    pub(crate) fn add_all(&mut self, other: Timed) {
        self.runs += other.runs;
        self.total = self.total.saturating_add(other.total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_in_order_and_within_a_sixteenth() {
        let mut values: Vec<u64> = (0..5000).collect();
        values.extend((4..64).flat_map(|e| [(1u64 << e) - 1, 1 << e, (1 << e) + 1, (3 << e) / 2]));
        values.push(u64::MAX);
        for v in values {
            let b = bucket_of(v);
            let top = bucket_top(b);
            assert!(top >= v, "{v} is in bucket {b}, whose top is {top}");
            let bottom = if b == 0 { 0 } else { bucket_top(b - 1) + 1 };
            assert!(bottom <= v, "{v} is in bucket {b}, which starts at {bottom}");
            assert!((top - bottom) as f64 <= bottom as f64 / 16.0 + 1e-9 || top == bottom, "bucket {b} is too wide");
        }
        assert_eq!(bucket_top(bucket_of(u64::MAX)), u64::MAX);
    }

    #[test]
    fn percentiles_are_the_nearest_ranks_bucket_clamped_to_the_range() {
        // 100 runs of 1..=100 ms: the exact p50 is 50 ms, the p95 95 ms.
        let mut d = Durations::of(1_000);
        for ms in 2..=100u64 {
            d.add(ms * 1_000);
        }
        assert_eq!((d.runs(), d.total(), d.min(), d.max()), (100, 5_050_000, 1_000, 100_000));
        for (p, exact) in [(50u8, 50_000u64), (95, 95_000), (100, 100_000), (1, 1_000)] {
            let got = d.percentile(p);
            assert!(got >= exact && got as f64 <= exact as f64 * 1.0625, "p{p} is {got}, the exact one {exact}");
        }
        // One run: every percentile is that run.
        let one = Durations::of(123_456);
        assert_eq!((one.p50(), one.p95()), (123_456, 123_456));
    }

    #[test]
    fn a_merge_is_the_same_as_adding_every_run() {
        let runs = [5u64, 17, 17, 900, 1 << 40, 3];
        let mut all = Durations::of(runs[0]);
        runs[1..].iter().for_each(|&r| all.add(r));
        let mut left = Durations::of(runs[0]);
        runs[1..3].iter().for_each(|&r| left.add(r));
        let mut right = Durations::of(runs[3]);
        runs[4..].iter().for_each(|&r| right.add(r));
        left.merge(&right);
        assert_eq!(left, all);
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(human_duration(850), "850 µs");
        assert_eq!(human_duration(12_500), "12.5 ms");
        assert_eq!(human_duration(3_250_000), "3.25 s");
        assert_eq!(human_duration(245_000_000), "4m 05s");
        assert_eq!(human_duration(7_380_000_000), "2h 03m");
        assert_eq!(exact_ms(12_345), "12.345");
        assert_eq!(exact_ms(7), "0.007");
    }

    #[test]
    fn saved_parts_that_do_not_add_up_are_refused() {
        assert!(Durations::from_parts(2, 10, 5, 5, vec![(5, 2)]).is_ok());
        assert!(Durations::from_parts(3, 10, 5, 5, vec![(5, 2)]).is_err());
        assert!(Durations::from_parts(2, 10, 5, 5, vec![(6, 1), (5, 1)]).is_err());
        assert!(Durations::from_parts(0, 0, 0, 0, vec![]).is_err());
    }
}
