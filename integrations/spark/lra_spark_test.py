"""The Spark job on a real Spark (pyspark's local-cluster: a master, two workers with an
executor each, separate JVMs) over objects in a real S3-compatible server (moto's): its result
equals `lra summarize` of the same objects in the same order, also when an executor is killed
while its task runs, and an object key that holds a line break and an option is read as a
name, never as an option.

Run by `make test-integrations`; LRA names the binary, shipped to the executors with --files.
"""

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests/integrations"))
import s3  # noqa: E402
from s3 import LRA, generate  # noqa: E402

import lra_spark  # noqa: E402

BUCKET = "spark-logs"
MASTER = "local-cluster[2,1,1024]"


class SparkJob(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="lra-spark-"))
        cls.server = s3.Server()
        root = cls.server.client("s3")
        root.create_bucket(Bucket=BUCKET)
        logs = cls.tmp / "logs"
        logs.mkdir()
        for i in range(50):
            # The same tests in every file, so that the merge's order shows in every test.
            generate(logs / f"job-{i:02}.log", "--seed", str(i), "--iterations", str(1 + i % 4), "--tests", "40",
                     "--flaky", "6", "--style", ["seed", "verbose"][i % 2])
        # One object large enough that its task is still running when the executor is killed.
        generate(logs / "job-50-large.log", "--size", "400M", "--style", "verbose", "--tests", "40", "--flaky", "6")
        for f in sorted(logs.iterdir()):
            root.upload_file(str(f), BUCKET, f"ci/{f.name}")
        # Beside two logs, one whose key holds a line break (U+2028, which Python's splitlines
        # splits at) and then an option that would send a task's requests to another endpoint.
        # (A key with "\n" or "\r" cannot be listed at all: object_store refuses ASCII controls
        # in a path, so lra list fails naming the prefix; ListedNames checks that. moto's server
        # does not store a key with "\n", so "\r" stands for both there.)
        cls.evil = Listener()
        cls.odd_key = f"odd/x\u2028--endpoint=http:/127.0.0.1:{cls.evil.port}/evil.log"
        for i, key in enumerate(["odd/a.log", cls.odd_key, "odd/z.log"]):
            root.upload_file(str(logs / f"job-{i:02}.log"), BUCKET, key)
        cls.env = s3.lra_env(s3.ROOT_KEYS)
        cls.expected = cls.summarize(f"s3://{BUCKET}/ci/")
        cls.expected_odd = cls.summarize(f"s3://{BUCKET}/odd/")

    @classmethod
    def summarize(cls, url):
        return subprocess.run([LRA, "summarize", "--endpoint", cls.server.endpoint, "--allow-http", "--format",
                               "json", url], capture_output=True, env=cls.env, check=True).stdout

    @classmethod
    def tearDownClass(cls):
        cls.evil.stop()
        cls.server.stop()
        shutil.rmtree(cls.tmp)

    def submit(self, output, *extra, prefix="ci/"):
        spark_submit = pathlib.Path(sys.executable).with_name("spark-submit")
        command = [str(spark_submit), "--master", MASTER, "--files", LRA, "--conf", "spark.ui.enabled=false",
                   "--conf", "spark.task.maxFailures=4", str(HERE / "lra_spark.py"),
                   "--endpoint", self.server.endpoint, "--allow-http", "--output", output, *extra,
                   f"s3://{BUCKET}/{prefix}"]
        env = dict(self.env, PYSPARK_PYTHON=sys.executable)
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def finish(self, job):
        out, err = job.communicate(timeout=600)
        self.assertEqual(job.returncode, 0, err.decode(errors="replace")[-4000:])
        return out.decode(), err.decode(errors="replace")

    def test_the_merged_summary_equals_lra_summarize_of_the_same_objects(self):
        output = self.tmp / "summary.json"
        out, _ = self.finish(self.submit(str(output), "--files-per-task", "3"))
        self.assertIn("51 files in 17 tasks", out)
        self.assertEqual(output.read_bytes(), self.expected)
        # Written to object storage, it is the same.
        self.finish(self.submit(f"s3://{BUCKET}/out/summary.json", "--files-per-task", "2"))
        written = self.server.client("s3").get_object(Bucket=BUCKET, Key="out/summary.json")["Body"].read()
        self.assertEqual(written, self.expected)

    def test_a_killed_executor_leaves_the_result_exact(self):
        output = self.tmp / "after-kill.json"
        job = self.submit(str(output), "--files-per-task", "1")
        killed = kill_the_executor_running(f"s3://{BUCKET}/ci/job-50-large.log", job)
        _, err = self.finish(job)
        self.assertIsNotNone(killed, "no executor was found running the large object's task")
        self.assertRegex(err, r"Lost executor|ExecutorLostFailure|Executor.*exited")
        self.assertEqual(output.read_bytes(), self.expected)
        # The total is what the logs hold, not what the first attempt had counted.
        self.assertEqual(json.loads(output.read_bytes())["files"][-1]["name"], f"s3://{BUCKET}/ci/job-50-large.log")


    def test_a_key_holding_a_line_break_and_an_option_is_a_name_never_an_option(self):
        output = self.tmp / "odd.json"
        out, _ = self.finish(self.submit(str(output), "--files-per-task", "1", prefix="odd/"))
        self.assertIn("3 files in 3 tasks", out)
        self.assertEqual(output.read_bytes(), self.expected_odd)
        names = [f["name"] for f in json.loads(output.read_bytes())["files"]]
        self.assertEqual(names[1], f"s3://{BUCKET}/{self.odd_key}")
        self.assertEqual(self.evil.connections, 0, "a task sent a request to the endpoint named in a key")


class ListedNames(unittest.TestCase):
    """The driver's reading of `lra list`, without a cluster: against moto's S3, and against a
    stand-in lra that lists what the real one never would."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="lra-spark-list-"))
        cls.server = s3.Server()
        root = cls.server.client("s3")
        root.create_bucket(Bucket=BUCKET)
        for key in ["a/1.log", "a/x\u2028--endpoint=http:/127.0.0.1:9/2.log", "a/y\x85--allow-http", "ab/3.log"]:
            root.put_object(Bucket=BUCKET, Key=key, Body=b"Test: t\nResult: PASS\n")
        root.put_object(Bucket=BUCKET, Key="newline/x\r--endpoint=http:/127.0.0.1:9/evil.log", Body=b"Test: t\n")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp)

    def args(self, *inputs, lra=LRA):
        return lra_spark.parse_args(["--lra", lra, "--endpoint", self.server.endpoint, "--allow-http", "--output",
                                     "out.json", *inputs])

    def list(self, *inputs, lra=LRA):
        env = s3.lra_env(s3.ROOT_KEYS)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            return lra_spark.list_inputs(self.args(*inputs, lra=lra))
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def test_every_key_is_one_name_under_its_prefix(self):
        self.assertEqual(self.list(f"s3://{BUCKET}/a/", f"s3://{BUCKET}/ab"), [
            f"s3://{BUCKET}/a/1.log", f"s3://{BUCKET}/a/x\u2028--endpoint=http:/127.0.0.1:9/2.log",
            f"s3://{BUCKET}/a/y\x85--allow-http", f"s3://{BUCKET}/ab/3.log"])

    def test_a_key_lra_cannot_name_fails_the_listing_naming_the_prefix(self):
        with self.assertRaises(SystemExit) as refused:
            self.list(f"s3://{BUCKET}/newline/")
        self.assertIn(f"listing the inputs failed: lra: s3://{BUCKET}/newline/: Encountered object with invalid path",
                      str(refused.exception))

    def test_a_listed_name_under_no_input_is_refused(self):
        fake = self.tmp / "lra"
        fake.write_text("#!/bin/sh\nprintf 's3://%s/a/1.log\\0--endpoint=http://127.0.0.1:9/\\0' "
                        f"{BUCKET}\n")
        fake.chmod(0o755)
        with self.assertRaises(SystemExit) as refused:
            self.list(f"s3://{BUCKET}/a/", lra=str(fake))
        self.assertIn("`lra list` named '--endpoint=http://127.0.0.1:9/', which is under none of the inputs given "
                      f"('s3://{BUCKET}/a/'); nothing was read", str(refused.exception))
        # A prefix is a path's whole segments: a/ does not hold ab/3.log.
        fake.write_text(f"#!/bin/sh\nprintf 's3://%s/ab/3.log\\0' {BUCKET}\n")
        with self.assertRaises(SystemExit):
            self.list(f"s3://{BUCKET}/a", lra=str(fake))
        # A URL's user-info and query are not part of the names lra lists.
        self.assertTrue(lra_spark.under(f"s3://{BUCKET}/a/1.log", f"s3://key:secret@{BUCKET}/a?x=1"))
        self.assertTrue(lra_spark.under(f"s3://{BUCKET}/a b/1.log", f"s3://{BUCKET}/a%20b/"))
        self.assertFalse(lra_spark.under(f"s3://{BUCKET}/ab/1.log", f"s3://{BUCKET}/a"))
        self.assertTrue(lra_spark.under("logs/x/1.log", "logs/"))
        self.assertFalse(lra_spark.under("logs2/1.log", "logs"))


class Listener:
    """A TCP port on loopback that counts the connections made to it, and answers none."""

    def __init__(self):
        import threading

        self.connections = 0
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def stop(self):
        self.socket.close()


def kill_the_executor_running(url, job, timeout=300):
    """Waits for the lra process reading `url`, then kills (SIGKILL) the executor JVM it runs
    under, as a lost machine would. Returns the executor's pid, or None if none was seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and job.poll() is None:
        for pid in pids():
            if url.encode() in cmdline(pid) and b"summarize" in cmdline(pid):
                executor = ancestor(pid, b"CoarseGrainedExecutorBackend")
                if executor:
                    os.kill(executor, signal.SIGKILL)
                    return executor
        time.sleep(0.05)
    return None


def pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def cmdline(pid):
    try:
        return pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def ancestor(pid, marker):
    while pid > 1:
        try:
            stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        if marker in cmdline(pid):
            return pid
    return None


if __name__ == "__main__":
    unittest.main()
