"""The Spark job on a real Spark (pyspark's local-cluster: a master, two workers with an
executor each, separate JVMs) over objects in a real S3-compatible server (moto's): its result
equals `lra summarize` of the same objects in the same order, also when an executor is killed
while its task runs.

Run by `make test-integrations`; LRA names the binary, shipped to the executors with --files.
"""

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests/integrations"))
import s3  # noqa: E402
from s3 import LRA, generate  # noqa: E402

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
        cls.env = s3.lra_env(s3.ROOT_KEYS)
        expected = subprocess.run([LRA, "summarize", "--endpoint", cls.server.endpoint, "--allow-http", "--format", "json",
                                   f"s3://{BUCKET}/ci/"], capture_output=True, env=cls.env, check=True)
        cls.expected = expected.stdout

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp)

    def submit(self, output, *extra):
        spark_submit = pathlib.Path(sys.executable).with_name("spark-submit")
        command = [str(spark_submit), "--master", MASTER, "--files", LRA, "--conf", "spark.ui.enabled=false",
                   "--conf", "spark.task.maxFailures=4", str(HERE / "lra_spark.py"),
                   "--endpoint", self.server.endpoint, "--allow-http", "--output", output, *extra, f"s3://{BUCKET}/ci/"]
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
