//! How sure a failure rate is: the 95% Wilson score interval of a rate, the one-sided p-value of
//! Fisher's exact test that a rate rose, the binomial distribution behind the one-sided
//! Clopper–Pearson bound (and how many clean runs bring that bound under a target), and Holm's
//! step-down method for many tests at once. A failure rate is failed / (passed + failed).
//!
//! Exact sums of probabilities, not approximations: each sum starts at the term nearest the
//! distribution's mode on the side asked for and walks away from it, where terms only shrink, so
//! it stops once they no longer change the sum (a few hundred terms even for millions of runs).
//! The values are checked against SciPy in `tests/integrations/statistics_test.py`.

/// The standard normal quantile of 0.975: a two-sided 95% interval.
const Z_95: f64 = 1.959_963_984_540_054;

/// The significance level of regressions and change points unless `--alpha` says otherwise.
pub const DEFAULT_ALPHA: f64 = 0.01;

/// The confidence of the one-sided bounds: 95%.
pub const CONFIDENCE: f64 = 0.95;

/// The 95% Wilson score interval of a failure rate of `failed` in `runs`, `None` with no run.
pub fn wilson_interval(failed: u64, runs: u64) -> Option<[f64; 2]> {
    if runs == 0 {
        return None;
    }
    let (n, p) = (runs as f64, failed.min(runs) as f64 / runs as f64);
    let z2 = Z_95 * Z_95;
    let scale = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / scale;
    let half = Z_95 / scale * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

/// The one-sided p-value of Fisher's exact test that the failure rate rose from `before`
/// (failed, runs) to `after`: the chance, were both one rate, that `after` would hold at least
/// as many of the failures as it does (SciPy's `fisher_exact([[a, b], [c, d]],
/// alternative="greater")` with `after` as the first row). 1 when either side has no run.
pub fn fisher_p_worse(before: (u64, u64), after: (u64, u64)) -> f64 {
    let (f1, n1) = (before.0.min(before.1), before.1);
    let (f2, n2) = (after.0.min(after.1), after.1);
    if n1 == 0 || n2 == 0 {
        return 1.0;
    }
    // The failures among `after`'s runs when `f1 + f2` failures fall among all runs at random.
    let (all, failures, drawn) = (n1 + n2, f1 + f2, n2);
    let low = drawn.saturating_sub(all - failures);
    let high = failures.min(drawn);
    let ln_pmf = |x: u64| ln_choose(failures, x) + ln_choose(all - failures, drawn - x) - ln_choose(all, drawn);
    // pmf(x + 1) / pmf(x), and pmf(x - 1) / pmf(x).
    let up = |x: u64| {
        ((failures - x) as f64 * (drawn - x) as f64) / ((x + 1) as f64 * (all - failures + x + 1 - drawn) as f64)
    };
    let down = |x: u64| {
        (x as f64 * (all - failures + x - drawn) as f64) / ((failures - x + 1) as f64 * (drawn - x + 1) as f64)
    };
    let mode = ((drawn + 1) as f64 * (failures + 1) as f64 / (all + 2) as f64) as u64;
    if f2 <= low {
        return 1.0;
    }
    if f2 > mode {
        tail_sum(f2, high, ln_pmf(f2), up, true).min(1.0)
    } else {
        (1.0 - tail_sum(f2 - 1, low, ln_pmf(f2 - 1), down, false)).clamp(0.0, 1.0)
    }
}

/// P(X ≤ `k`) for X binomial with `n` trials of chance `p`.
pub fn binomial_cdf(k: u64, n: u64, p: f64) -> f64 {
    if k >= n || p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let ln_pmf = |x: u64| ln_choose(n, x) + x as f64 * p.ln() + (n - x) as f64 * (-p).ln_1p();
    let odds = p / (1.0 - p);
    let up = |x: u64| (n - x) as f64 / (x + 1) as f64 * odds;
    let down = |x: u64| x as f64 / (n - x + 1) as f64 / odds;
    let mode = ((n + 1) as f64 * p) as u64;
    if k < mode {
        tail_sum(k, 0, ln_pmf(k), down, false).min(1.0)
    } else {
        (1.0 - tail_sum(k + 1, n, ln_pmf(k + 1), up, true)).clamp(0.0, 1.0)
    }
}

/// How many more runs, all clean, bring the one-sided 95% Clopper–Pearson upper bound of a
/// failure rate of `failed` in `runs` under `target`: the fewest `more` for which
/// P(X ≤ failed) < 5% with `runs + more` runs at rate `target`, since the bound is under `target`
/// exactly then. With no failure that is about 3 / `target` runs in all. `None` when no number
/// of runs can (`target` not above 0) or it would pass `u64::MAX / 2`.
pub fn clean_runs_needed(failed: u64, runs: u64, target: f64) -> Option<u64> {
    if target.is_nan() || target <= 0.0 {
        return None;
    }
    let failed = failed.min(runs);
    let shown = |total: u64| binomial_cdf(failed, total, target) < 1.0 - CONFIDENCE;
    if runs > failed && shown(runs) {
        return Some(0);
    }
    // The bound falls as clean runs are added: double, then halve the gap.
    let (mut below, mut above) = (runs, runs.max(failed + 1).max(1));
    while !shown(above) {
        below = above;
        above = above.checked_mul(2).filter(|&a| a <= u64::MAX / 2)?;
    }
    while above - below > 1 {
        let mid = below + (above - below) / 2;
        match shown(mid) {
            true => above = mid,
            false => below = mid,
        }
    }
    Some(above - runs)
}

/// Holm's step-down method: which of `p_values` are rejected with the chance of any false
/// rejection among them all at most `alpha`. The smallest is compared with `alpha / m`, the next
/// with `alpha / (m - 1)`, and so on, stopping at the first that is not under its share.
pub fn holm_rejects(p_values: &[f64], alpha: f64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..p_values.len()).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut rejected = vec![false; p_values.len()];
    let m = p_values.len();
    for (rank, &i) in order.iter().enumerate() {
        if p_values[i] >= alpha / (m - rank) as f64 {
            break;
        }
        rejected[i] = true;
    }
    rejected
}

/// P(X > `x`) for X χ² with one degree of freedom: erfc(√(x/2)).
pub fn chi_square_1_sf(x: f64) -> f64 {
    erfc((x / 2.0).sqrt())
}

/// The complementary error function for z ≥ 0, to a relative error under 1.2 × 10⁻⁷ (the
/// Chebyshev fit of Numerical Recipes' `erfcc`), which keeps its accuracy far into the tail,
/// where 1 − erf would lose it all.
fn erfc(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = [
        -1.265_512_23,
        1.000_023_68,
        0.374_091_96,
        0.096_784_18,
        -0.186_288_06,
        0.278_868_07,
        -1.135_203_98,
        1.488_515_87,
        -0.822_152_23,
        0.170_872_77,
    ]
    .iter()
    .rev()
    .fold(0.0, |acc, c| acc * t + c);
    t * (-z * z + poly).exp()
}

/// Sums a distribution's terms from `start` towards `end` (rising when `rising`), where each is
/// the one before times `ratio(x)`, from the first's logarithm: on that side of the mode the terms
/// only shrink, so the sum stops when they no longer add to it.
fn tail_sum(start: u64, end: u64, ln_first: f64, ratio: impl Fn(u64) -> f64, rising: bool) -> f64 {
    let mut term = ln_first.exp();
    let mut sum = term;
    let mut x = start;
    while x != end && term > sum * 1e-17 {
        term *= ratio(x);
        x = if rising { x + 1 } else { x - 1 };
        sum += term;
    }
    sum
}

/// ln C(n, k).
fn ln_choose(n: u64, k: u64) -> f64 {
    if k == 0 || k == n {
        return 0.0;
    }
    ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
}

/// ln Γ(x) for x ≥ 1: Lanczos' approximation (g = 7, nine terms), good to about 15 digits.
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let t = x + G + 0.5;
    let series = C[1..].iter().enumerate().fold(C[0], |acc, (i, c)| acc + c / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn ln_gamma_is_the_log_of_factorials() {
        let mut factorial = 1.0f64;
        for n in 1..=30u32 {
            factorial *= n as f64;
            assert!(close(ln_gamma(n as f64 + 1.0), factorial.ln(), 1e-13), "{n}!");
        }
    }

    #[test]
    fn wilson_by_hand() {
        // 0 of 10: [0, z²/(n + z²)].
        let [low, high] = wilson_interval(0, 10).unwrap();
        assert_eq!(low, 0.0);
        assert!(close(high, Z_95 * Z_95 / (10.0 + Z_95 * Z_95), 1e-12));
        // Symmetric about a half.
        let [low, high] = wilson_interval(5, 10).unwrap();
        assert!(close(low + high, 1.0, 1e-12));
        assert_eq!(wilson_interval(0, 0), None);
    }

    #[test]
    fn fisher_on_tables_small_enough_to_count() {
        // 1 of 2 before, 2 of 2 after: of the C(4, 2) = 6 ways to place 3 failures... counted:
        // the after row holds both of its 2 with chance C(3,2)·C(1,0)/C(4,2) = 3/6.
        assert!(close(fisher_p_worse((1, 2), (2, 2)), 0.5, 1e-12));
        // Nothing failed after: no evidence it rose.
        assert_eq!(fisher_p_worse((5, 10), (0, 10)), 1.0);
        // All 3 failures after, of 3 + 3 runs: 1 / C(6, 3).
        assert!(close(fisher_p_worse((0, 3), (3, 3)), 1.0 / 20.0, 1e-12));
        assert_eq!(fisher_p_worse((0, 0), (3, 3)), 1.0);
    }

    #[test]
    fn the_gate_examples_of_the_issue() {
        assert!(fisher_p_worse((3, 100), (5, 100)) > 0.3);
        assert!(fisher_p_worse((0, 1000), (30, 1000)) < 1e-8);
    }

    #[test]
    fn binomial_cdf_by_hand() {
        // P(X ≤ 1), 3 trials at a half: (1 + 3) / 8.
        assert!(close(binomial_cdf(1, 3, 0.5), 0.5, 1e-12));
        assert!(close(binomial_cdf(0, 10, 0.1), 0.9f64.powi(10), 1e-12));
        assert_eq!(binomial_cdf(3, 3, 0.5), 1.0);
    }

    #[test]
    fn clean_runs_with_no_failure_are_about_three_over_the_target() {
        // The bound with no failure is 1 - 0.05^(1/n): under 1% from n = 299.
        assert_eq!(clean_runs_needed(0, 0, 0.01), Some(299));
        assert_eq!(clean_runs_needed(0, 100, 0.01), Some(199));
        assert_eq!(clean_runs_needed(0, 1000, 0.01), Some(0));
        assert_eq!(clean_runs_needed(1, 10, 0.0), None);
        // More failures need more runs, and each answer is the fewest.
        for failed in [1, 3, 10] {
            let more = clean_runs_needed(failed, 50, 0.01).unwrap();
            assert!(binomial_cdf(failed, 50 + more, 0.01) < 0.05);
            assert!(binomial_cdf(failed, 50 + more - 1, 0.01) >= 0.05);
        }
    }

    #[test]
    fn chi_square_tails_by_hand() {
        // The 95th and 99th percentiles of χ²(1), and the median.
        assert!(close(chi_square_1_sf(3.841_458_820_694_124), 0.05, 2e-7));
        assert!(close(chi_square_1_sf(6.634_896_601_021_213), 0.01, 2e-7));
        assert!(close(chi_square_1_sf(0.454_936_423_119_572_6), 0.5, 2e-7));
        assert!(close(chi_square_1_sf(0.0), 1.0, 2e-7));
    }

    #[test]
    fn holm_steps_down() {
        assert_eq!(holm_rejects(&[0.004, 0.02, 0.5], 0.05), [true, true, false]);
        // The first is under 0.05 / 3, the next not under 0.05 / 2, though under 0.05 alone.
        assert_eq!(holm_rejects(&[0.01, 0.04, 0.045], 0.05), [true, false, false]);
        assert_eq!(holm_rejects(&[0.01, 0.02, 0.03], 0.05), [true, true, true]);
        assert_eq!(holm_rejects(&[0.001], 0.01), [true]);
        assert!(holm_rejects(&[], 0.01).is_empty());
    }
}
