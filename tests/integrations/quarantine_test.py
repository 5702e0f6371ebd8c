"""`lra quarantine` fed to the real runners: the arguments it prints for a runner's log make that
runner leave out exactly the quarantined tests. The logs are the fixtures each runner printed
(tests/fixtures/runners/make.sh), of the fixture suite: one test always passes, one always
fails, one is skipped, one is flaky. So by the suite's design, `--flaky` names the flaky one,
`--failing` the one that always fails, and what the runner then runs is the other tests.

GoogleTest (g++ and Debian's libgtest-dev), pytest (with pytest-repeat, in the venv) and libtest
always run; cargo-nextest where it is installed; go where it is 1.20 or later (`-skip`).

Run by `make test-integrations`; LRA names the binary.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LRA = os.environ.get("LRA", str(ROOT / "target/release/lra"))
RUNNERS = ROOT / "tests/fixtures/runners"
WORK = ROOT / "target/runner-fixtures"

# (the runner's name for each test of the suite) for each selection, by the suite's design.
SELECTIONS = {"--flaky": "flaky", "--failing": "always_fails"}


def quarantine(runner, log, selection):
    """The arguments `lra quarantine` gives, and the tests it says it skips."""
    out = subprocess.run(
        [LRA, "quarantine", "--runner", runner, selection, "--format", "json", str(RUNNERS / log)],
        check=True, capture_output=True, text=True,
    ).stdout
    q = json.loads(out)
    assert q["unnamed"] == [], q
    return q["args"], q["tests"]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


class Quarantine(unittest.TestCase):
    def check(self, runner, log, all_tests, key, ran):
        """For each selection, the runner given lra's arguments runs all tests but the one the
        selection names; `key` maps a runner id to the suite's short name; `ran(args)` lists the
        ids the runner runs."""
        self.assertEqual(sorted(ran([])), sorted(all_tests), "without arguments the runner runs all")
        for selection, short in SELECTIONS.items():
            with self.subTest(selection=selection):
                args, tests = quarantine(runner, log, selection)
                self.assertEqual([key(t) for t in tests], [short])
                expected = sorted(t for t in all_tests if key(t) != short)
                self.assertEqual(sorted(ran(args)), expected)

    def test_googletest_runs_all_but_the_quarantined(self):
        binary = WORK / "quarantine-gtest"
        WORK.mkdir(parents=True, exist_ok=True)
        build = run(["g++", "-std=c++17", "-O0", "-o", str(binary), "suite_test.cc", "-lgtest", "-lgtest_main",
                     "-pthread"], cwd=RUNNERS / "gtest")
        self.assertEqual(build.returncode, 0, build.stderr)

        def ran(args):
            out = run([str(binary), "--gtest_color=no", *args]).stdout
            return re.findall(r"^\[ RUN      \] (\S+)$", out, re.M)

        tests = ["Suite.AlwaysPasses", "Suite.AlwaysFails", "Suite.Skipped", "Flaky.EveryThirdRunFails"]
        names = {"Flaky.EveryThirdRunFails": "flaky", "Suite.AlwaysFails": "always_fails"}
        self.check("gtest", "gtest.log", tests, lambda t: names.get(t, t), ran)

    def test_pytest_collects_all_but_the_quarantined(self):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(RUNNERS / "pytest/test_suite.py", tmp)

            def ran(args):
                # As the log was made: six repetitions, each id with its `[K-6]`.
                out = run([sys.executable, "-m", "pytest", "--collect-only", "-q", "--count=6", "-p",
                           "no:cacheprovider", "test_suite.py", *args], cwd=tmp).stdout
                ids = re.findall(r"^(test_suite\.py::\S+)\[(\d)-6\]$", out, re.M)
                self.assertEqual(sorted(k for _, k in ids), sorted("123456" * (len(ids) // 6)))
                return sorted({name for name, _ in ids})

            tests = ["test_suite.py::test_always_passes", "test_suite.py::test_always_fails",
                     "test_suite.py::test_skipped", "test_suite.py::test_flaky"]
            self.check("pytest", "pytest.log", tests, lambda t: t.removeprefix("test_suite.py::test_"), ran)

    def test_pytest_repeated_parameters_deselect_exactly_or_are_said(self):
        """Parametrized and repeated, pytest-repeat's ids are `test_p[x-K-N]`: `x` always
        passes, `x-y` always fails, `y` fails its second of three runs (flaky). The flaky one is
        deselected by `test_p[y-`; the failing one, `test_p[x-y]`, shares `test_p[x-` with `x`,
        and its own prefix `test_p[x-y-` is exact."""
        with tempfile.TemporaryDirectory() as tmp:
            pathlib.Path(tmp, "test_p.py").write_text(
                "import pytest\nruns = {}\n\n\n@pytest.mark.parametrize('v', ['x', 'x-y', 'y'])\n"
                "def test_p(v):\n    runs[v] = runs.get(v, 0) + 1\n"
                "    assert v != 'x-y' and not (v == 'y' and runs[v] == 2)\n")
            pytest = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--count=3", "test_p.py"]
            log = pathlib.Path(tmp, "p.log")
            log.write_text(run([*pytest, "-v"], cwd=tmp).stdout)

            def ran(args):
                out = run([*pytest, "--collect-only", "-q", *args], cwd=tmp).stdout
                return sorted(re.findall(r"^test_p\.py::test_p\[(\S+)-\d-3\]$", out, re.M))

            self.assertEqual(ran([]), sorted(["x", "x-y", "y"] * 3))
            for selection, deselected in (("--flaky", "y"), ("--failing", "x-y")):
                with self.subTest(selection=selection):
                    q = json.loads(run([LRA, "quarantine", "--runner", "pytest", selection, "--format", "json",
                                        str(log)], check=True).stdout)
                    self.assertEqual((q["tests"], q["unnamed"]), ([f"test_p.py::test_p[{deselected}]"], []))
                    kept = sorted(v for v in ["x", "x-y", "y"] if v != deselected)
                    self.assertEqual(ran(q["args"]), sorted(kept * 3))

    def rust_suite(self):
        built = run(["cargo", "test", "--offline", "--no-run", "--message-format=json"], cwd=RUNNERS / "rust",
                    env={**os.environ, "CARGO_TARGET_DIR": str(WORK / "rust")})
        self.assertEqual(built.returncode, 0, built.stderr)
        for line in built.stdout.splitlines():
            message = json.loads(line)
            if message.get("reason") == "compiler-artifact" and message.get("executable"):
                return message["executable"]
        self.fail("cargo built no test binary")

    def test_libtest_lists_all_but_the_quarantined(self):
        binary = self.rust_suite()

        def ran(args):
            out = run([binary, "--list", "--format", "terse", "--include-ignored", *args]).stdout
            return re.findall(r"^(\S+): test$", out, re.M)

        tests = ["tests::always_passes", "tests::always_fails", "tests::skipped", "tests::flaky"]
        self.check("libtest", "libtest.log", tests, lambda t: t.removeprefix("tests::"), ran)

    @unittest.skipUnless(shutil.which("cargo-nextest"), "cargo-nextest is not installed")
    def test_nextest_lists_all_but_the_quarantined(self):
        env = {**os.environ, "CARGO_TARGET_DIR": str(WORK / "rust")}

        def ran(args):
            listed = run(["cargo", "nextest", "list", "--offline", "--run-ignored", "all", *args],
                         cwd=RUNNERS / "rust", env=env)
            self.assertEqual(listed.returncode, 0, listed.stderr)
            return [line for line in listed.stdout.splitlines() if line.startswith("suite ")]

        tests = ["suite tests::always_passes", "suite tests::always_fails", "suite tests::skipped",
                 "suite tests::flaky"]
        self.check("nextest", "nextest.log", tests, lambda t: t.removeprefix("suite tests::"), ran)

    def test_go_runs_all_but_the_quarantined(self):
        version = run(["go", "version"]).stdout if shutil.which("go") else ""
        found = re.search(r"go1\.(\d+)", version)
        if not found or int(found.group(1)) < 20:
            self.skipTest(f"go test -skip needs Go 1.20 or later; here: {version.strip() or 'no go'}")

        def ran(args):
            out = run(["go", "test", "-v", "-count=1", *args, "."], cwd=RUNNERS / "go").stdout
            return re.findall(r"^=== RUN   (\S+)$", out, re.M)

        tests = ["TestAlwaysPasses", "TestAlwaysFails", "TestSkipped", "TestFlaky"]
        names = {"TestFlaky": "flaky", "TestAlwaysFails": "always_fails"}
        self.check("go", "go.log", tests, lambda t: names.get(t, t), ran)


if __name__ == "__main__":
    unittest.main()
