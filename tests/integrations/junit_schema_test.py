"""`lra summarize --format junit` validates against Jenkins' published JUnit schema
(tests/schemas/junit-10.xsd), and says in words what the summary counts.

Run by `make test-integrations`; LRA names the binary.
"""

import json
import os
import pathlib
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

import xmlschema

ROOT = pathlib.Path(__file__).resolve().parents[2]
LRA = os.environ.get("LRA", str(ROOT / "target/release/lra"))
SCHEMA = xmlschema.XMLSchema(str(ROOT / "tests/schemas/junit-10.xsd"))
FIXTURES = ROOT / "tests/fixtures"


def lra(*args):
    return subprocess.run([LRA, *args], check=True, capture_output=True).stdout


class JunitReport(unittest.TestCase):
    def check(self, *logs):
        """The report of `logs` validates, and each testcase says what the JSON summary counts."""
        xml = lra("summarize", "--format", "junit", *map(str, logs))
        SCHEMA.validate(xml.decode("utf-8"))
        summary = json.loads(lra("summarize", "--format", "json", *map(str, logs)))
        suite = ET.fromstring(xml).find("testsuite")
        cases = suite.findall("testcase")
        self.assertEqual([c.get("name") for c in cases], [clean(t["name"]) for t in summary["tests"]])
        failing = [t for t in summary["tests"] if t["failed"] > 0]
        self.assertEqual(int(suite.get("failures")), len(failing))
        for case, test in zip(cases, summary["tests"]):
            failure = case.find("failure")
            if test["failed"] == 0:
                self.assertIsNone(failure, test["name"])
                continue
            first = test["first_failure"]
            runs = test["runs"]
            self.assertEqual(
                failure.get("message"),
                f"{test['failed']} of {runs} run{'s' if runs != 1 else ''} failed, "
                f"first at {first['file']}:{first['line']}",
            )
        return xml

    def test_the_seed_sample_and_a_messy_log(self):
        self.check(FIXTURES / "seed-sample.log", FIXTURES / "messy.log")

    def test_every_runner_fixture(self):
        for log in sorted((FIXTURES / "runners").glob("*.*")):
            if log.suffix in (".log", ".xml"):
                with self.subTest(log=log.name):
                    self.check(log)

    def test_names_xml_forbids_or_escapes(self):
        names = ["a<b>&\"c\"", "it's", "tab\there", "bell\x07and\x1bescape", "\u202eright-to-left", "zero\u200bwidth"]
        with tempfile.TemporaryDirectory() as tmp:
            log = pathlib.Path(tmp, "hostile.log")
            log.write_bytes("".join(f"Test: {n}\nResult: FAIL why <&>\n" for n in names).encode())
            xml = self.check(log)
        self.assertNotIn(b"\x07", xml)
        self.assertNotIn(b"\x1b", xml)


def clean(name):
    """A name as XML 1.0 can carry it: the controls it forbids become U+FFFD."""
    return "".join("\ufffd" if ord(c) < 0x20 and c not in "\t\n\r" else c for c in name)


if __name__ == "__main__":
    unittest.main()
