"""The figures of `lra` that say how sure a failure rate is, against SciPy, an independent
implementation: each test's 95% Wilson interval (`summarize`), Fisher's one-sided p-value that a
rate rose (`diff`'s `p_worse`), and the one-sided Clopper-Pearson bound with the clean runs that
bring it under a target (`plan`). The logs are written here with designed counts.

Run by `make test-integrations`; LRA names the binary.
"""

import json
import os
import pathlib
import subprocess
import tempfile
import unittest

import math

from scipy.stats import beta, binomtest, chi2, fisher_exact

ROOT = pathlib.Path(__file__).resolve().parents[2]
LRA = os.environ.get("LRA", str(ROOT / "target/release/lra"))

# (failed, judged runs): none, all, few, half, many, and counts large enough that sums of
# probabilities run long.
COUNTS = [(0, 1), (1, 1), (0, 10), (1, 10), (5, 10), (10, 10), (3, 100), (5, 100), (50, 100),
          (0, 1000), (30, 1000), (1, 2000), (360, 800), (440, 5000), (40, 20000), (2500, 20000)]


def lra(*args):
    return subprocess.run([LRA, *args], check=True, capture_output=True).stdout


def write_log(path, counts, skipped=0):
    """A log where test `t{i}` runs counts[i][1] times, failing the first counts[i][0]; each
    test also has `skipped` skipped runs, which a failure rate leaves out."""
    lines = []
    for i, (failed, runs) in enumerate(counts):
        for r in range(runs):
            lines.append(f"Test: t{i}\nResult: {'FAIL' if r < failed else 'PASS'}\n")
        lines.append(f"Test: t{i}\nResult: SKIP\n" * skipped)
    path.write_text("".join(lines))
    return str(path)


class Statistics(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.tmp = pathlib.Path(self.dir.name)

    def test_wilson_intervals_equal_scipys(self):
        log = write_log(self.tmp / "rates.log", COUNTS, skipped=2)
        tests = {t["name"]: t for t in json.loads(lra("summarize", "--format", "json", log))["tests"]}
        for i, (failed, runs) in enumerate(COUNTS):
            with self.subTest(failed=failed, runs=runs):
                t = tests[f"t{i}"]
                ci = binomtest(failed, runs).proportion_ci(confidence_level=0.95, method="wilson")
                self.assertAlmostEqual(t["failure_rate"], failed / runs, delta=1e-15)
                self.assertAlmostEqual(t["failure_rate_ci95"][0], ci.low, delta=1e-12)
                self.assertAlmostEqual(t["failure_rate_ci95"][1], ci.high, delta=1e-12)

    def test_fisher_p_worse_equals_scipys(self):
        pairs = [(a, b) for a in COUNTS for b in COUNTS if a[1] * b[1] <= 400_000_000][::3]
        before = write_log(self.tmp / "before.log", [a for a, _ in pairs])
        after = write_log(self.tmp / "after.log", [b for _, b in pairs])
        compared = {c["name"]: c for c in json.loads(lra("diff", "--format", "json", before, after))["compared"]}
        self.assertEqual(sorted(compared), sorted(f"t{i}" for i, (a, b) in enumerate(pairs) if a[0] + b[0] > 0),
                         "the tests that failed on some side")
        for i, ((f1, n1), (f2, n2)) in enumerate(pairs):
            if f1 + f2 == 0:
                continue
            with self.subTest(before=(f1, n1), after=(f2, n2)):
                p = compared[f"t{i}"]["p_worse"]
                expected = fisher_exact([[f2, n2 - f2], [f1, n1 - f1]], alternative="greater").pvalue
                self.assertLessEqual(abs(p - expected), 1e-9 * max(expected, 1e-300) + 1e-13, (p, expected))

    def test_clopper_pearson_bounds_and_clean_runs_equal_scipys(self):
        target = 0.01
        log = write_log(self.tmp / "plan.log", COUNTS)
        plan = json.loads(lra("plan", "--target-rate", str(target), "--format", "json", log))
        planned = {t["name"]: t for t in plan["tests"]}
        failing = [(i, c) for i, c in enumerate(COUNTS) if c[0] > 0]
        self.assertEqual(sorted(planned), sorted(f"t{i}" for i, _ in failing))

        def bound(failed, runs):
            return 1.0 if failed >= runs else beta.ppf(0.95, failed + 1, runs - failed)

        for i, (failed, runs) in failing:
            with self.subTest(failed=failed, runs=runs):
                t = planned[f"t{i}"]
                self.assertAlmostEqual(t["upper_bound"], bound(failed, runs), delta=1e-9)
                more = t["more_runs"]
                # The fewest: one clean run fewer would not do.
                self.assertLess(bound(failed, runs + more), target)
                if more > 0:
                    self.assertGreaterEqual(bound(failed, runs + more - 1), target)
        self.assertEqual(plan["suite_more_runs"], max(t["more_runs"] for t in plan["tests"]))


    def test_change_point_p_values_equal_scipys_chi_square_tail(self):
        # Builds of (passed, failed) runs of one test; the change point's p-value is P(chi2_1 > G)
        # at the boundary of largest G, times the boundaries tried.
        for runs in [[(30, 0), (28, 2), (10, 20)], [(50, 1), (49, 2), (50, 0), (40, 10), (35, 15)], [(5, 0), (0, 5)]]:
            with self.subTest(runs=runs):
                paths = []
                for b, (passed, failed) in enumerate(runs):
                    p = self.tmp / f"build-{b}.log"
                    p.write_text("Test: t\nResult: FAIL\n" * failed + "Test: t\nResult: PASS\n" * passed)
                    paths.append(str(p))
                history = json.loads(lra("history", "--alpha", "0.5", *paths))
                cp = history["tests"][0]["history"]["change_point"]

                def ll(f, n):
                    return sum(k * math.log(k / n) for k in (f, n - f) if k > 0)

                best = None
                for k in range(1, len(runs)):
                    f1, n1 = sum(r[1] for r in runs[:k]), sum(sum(r) for r in runs[:k])
                    f2, n2 = sum(r[1] for r in runs[k:]), sum(sum(r) for r in runs[k:])
                    g = 2 * (ll(f1, n1) + ll(f2, n2) - ll(f1 + f2, n1 + n2))
                    if best is None or g > best[0]:
                        best = (g, k, (f1, n1), (f2, n2))
                g, k, before, after = best
                expected = min(1.0, chi2.sf(g, 1) * (len(runs) - 1))
                self.assertEqual(cp["build"], f"build-{k}.log")
                self.assertEqual((cp["before"]["failed"], cp["before"]["runs"]), before)
                self.assertEqual((cp["after"]["failed"], cp["after"]["runs"]), after)
                self.assertLessEqual(abs(cp["p_value"] - expected), 1e-6 * expected, (cp["p_value"], expected))


if __name__ == "__main__":
    unittest.main()
