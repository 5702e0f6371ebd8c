"""`lra` reading logs from, and writing summaries to, a real S3-compatible server (moto's server
mode on loopback): prefixes and keys, a `.gz`, a 1 GB object read in flat memory, a missing and
a denied key, `lra merge` to and from objects, a dropped connection resumed, a failed upload
aborted, plain HTTP refused unless allowed, a URL's user-info and query kept out of every
name and message, and `lra show` of an object's line (plain, gzipped, a zip's member).

Run by `make test-integrations`; LRA names the binary.
"""

import functools
import gzip
import http.server
import io
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import unittest
import zipfile

import s3
from s3 import LRA, generate

BUCKET = "ci-logs"
# The large object: at least 1 GB, read by a process that must stay far below it in memory.
LARGE = "1G"
LARGE_RSS_MAX = 300 << 20


class ObjectStore(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="lra-s3-"))
        cls.server = s3.Server()
        root = cls.server.client("s3")
        root.create_bucket(Bucket=BUCKET)
        runs = cls.tmp / "runs"
        runs.mkdir()
        styles = ["seed", "verbose", "flat"]
        for i in range(48):
            generate(runs / f"job-{i:02}.log", "--seed", str(i), "--iterations", str(2 + i % 5), "--tests",
                     str(20 + i), "--flaky", "3", "--style", styles[i % 3])
        plain = (runs / "job-47.log").read_bytes()
        (runs / "job-48.log.gz").write_bytes(gzip.compress(plain))
        shutil.copy(s3.ROOT / "tests/fixtures/runners/gtest.log", runs / "job-49-gtest.log")
        for f in sorted(runs.iterdir()):
            root.upload_file(str(f), BUCKET, f"runs/{f.name}")
        root.put_object(Bucket=BUCKET, Key="secret/denied.log", Body=b"Test: hidden\nResult: PASS\n")
        # For `lra show`: lines numbered in their text (more than one ranged read's worth), with a
        # failed run on lines 150,000 to 150,002; as it is, gzipped, and as a zip's member.
        cls.numbered = "".join(
            {150_000: "Test: far\n", 150_002: "Result: FAIL far\n"}.get(n, f"line {n}\n") for n in range(1, 200_001))
        numbered = cls.numbered.encode()
        bundle = io.BytesIO()
        with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("job-3/test.log", numbered)
        for key, body in [("show/numbered.log", numbered), ("show/numbered.log.gz", gzip.compress(numbered)),
                          ("show/build.zip", bundle.getvalue())]:
            root.put_object(Bucket=BUCKET, Key=key, Body=body)
        cls.medium = cls.tmp / "medium.log"
        generate(cls.medium, "--size", "24M", "--style", "verbose", "--tests", "300")
        root.upload_file(str(cls.medium), BUCKET, "drop/medium.log")
        cls.large = cls.tmp / "large.log"
        generate(cls.large, "--size", LARGE, "--style", "seed", "--tests", "500", "--flaky", "20")
        root.upload_file(str(cls.large), BUCKET, "big/large.log")
        cls.keys = cls.server.user_denied(f"arn:aws:s3:::{BUCKET}/secret/*")
        cls.server.enforce_auth()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp)

    def lra(self, *args, check=True, endpoint_flag=True):
        """Runs lra with the `ci` user's keys, the endpoint given by --endpoint (or else by
        AWS_ENDPOINT_URL), plain HTTP allowed."""
        flags = (["--endpoint", self.server.endpoint] if endpoint_flag else []) + ["--allow-http"]
        env = s3.lra_env(self.keys, None if endpoint_flag else self.server.endpoint)
        p = subprocess.run([LRA, args[0], *flags, *args[1:]], capture_output=True, env=env)
        if check:
            self.assertEqual(p.returncode, 0, p.stderr.decode())
        return p

    def local(self, *paths):
        p = subprocess.run([LRA, "summarize", "--format", "json", *map(str, paths)], capture_output=True, check=True)
        return json.loads(p.stdout.decode().replace(f"{self.tmp}/", f"s3://{BUCKET}/"))

    def test_a_prefix_is_its_objects_in_key_order_as_if_they_were_local_files(self):
        remote = json.loads(self.lra("summarize", "--format", "json", f"s3://{BUCKET}/runs/").stdout)
        self.assertEqual(len(remote["files"]), 50)
        self.assertEqual(remote, self.local(self.tmp / "runs"))
        # The .gz was decoded: its member counts as the plain copy does.
        by_name = {f["name"]: f for f in remote["files"]}
        self.assertEqual(by_name[f"s3://{BUCKET}/runs/job-48.log.gz"]["totals"],
                         by_name[f"s3://{BUCKET}/runs/job-47.log"]["totals"])

    def test_keys_and_prefixes_mixed_with_the_endpoint_from_the_environment(self):
        urls = [f"s3://{BUCKET}/runs/job-03.log", f"s3://{BUCKET}/runs/job-48.log.gz", f"s3://{BUCKET}/runs"]
        remote = json.loads(self.lra("summarize", "--format", "json", *urls, endpoint_flag=False).stdout)
        runs = self.tmp / "runs"
        self.assertEqual(remote, self.local(runs / "job-03.log", runs / "job-48.log.gz", runs))

    def test_a_missing_and_a_denied_key_are_named_and_the_others_still_count(self):
        p = self.lra("summarize", "--format", "json", f"s3://{BUCKET}/runs/job-01.log", f"s3://{BUCKET}/runs/nope.log",
                     f"s3://{BUCKET}/secret/denied.log", f"s3://{BUCKET}/runs/job-02.log", check=False)
        self.assertEqual(p.returncode, 1)
        err = p.stderr.decode()
        self.assertIn(f"s3://{BUCKET}/runs/nope.log: no such object", err)
        self.assertIn(f"s3://{BUCKET}/secret/denied.log: access denied", err)
        self.assertEqual(json.loads(p.stdout), self.local(self.tmp / "runs/job-01.log", self.tmp / "runs/job-02.log"))
        p = self.lra("summarize", f"s3://no-such-bucket/x.log", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("s3://no-such-bucket/x.log: ", p.stderr.decode())
        self.assertIn("NoSuchBucket", p.stderr.decode())

    def test_a_1_gb_object_is_read_in_flat_memory(self):
        out = open(self.tmp / "large.json", "wb")
        env = s3.lra_env(self.keys)
        child = subprocess.Popen([LRA, "summarize", "--endpoint", self.server.endpoint, "--allow-http", "--format", "json",
                                  f"s3://{BUCKET}/big/large.log"], stdout=out, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.close()
        self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertGreater(self.large.stat().st_size, 1 << 30)
        rss = usage.ru_maxrss * 1024
        self.assertLess(rss, LARGE_RSS_MAX, f"lra kept {rss >> 20} MiB to read a {self.large.stat().st_size >> 20} MiB object")
        remote = json.loads((self.tmp / "large.json").read_bytes())
        self.assertEqual(remote, json.loads(json.dumps(self.local(self.large)).replace(
            f"s3://{BUCKET}/large.log", f"s3://{BUCKET}/big/large.log")))

    def test_merge_reads_saved_summaries_from_objects_and_writes_one(self):
        runs = sorted((self.tmp / "runs").iterdir())
        saved = self.server.client("s3", self.keys)
        for i, part in enumerate([runs[:20], runs[20:35], runs[35:]]):
            p = subprocess.run([LRA, "summarize", "--format", "json", *map(str, part)], capture_output=True, check=True)
            saved.put_object(Bucket=BUCKET, Key=f"partials/{i}.json", Body=p.stdout)
        self.lra("merge", f"s3://{BUCKET}/partials/", "-o", f"s3://{BUCKET}/merged/summary.json")
        merged = saved.get_object(Bucket=BUCKET, Key="merged/summary.json")["Body"].read()
        expected = subprocess.run([LRA, "summarize", "--format", "json", *map(str, runs)], capture_output=True, check=True)
        self.assertEqual(merged, expected.stdout)
        # A log among them refuses the merge and writes nothing.
        p = self.lra("merge", f"s3://{BUCKET}/partials/", f"s3://{BUCKET}/runs/job-01.log", "-o",
                     f"s3://{BUCKET}/merged/bad.json", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("job-01.log: not a saved summary", p.stderr.decode())
        keys = [o["Key"] for o in saved.list_objects_v2(Bucket=BUCKET, Prefix="merged/")["Contents"]]
        self.assertEqual(keys, ["merged/summary.json"])


    def test_a_dropped_connection_is_resumed_from_where_it_stopped(self):
        proxy = s3.CuttingProxy(self.server.port, after=3 << 20, cuts=2)
        try:
            p = subprocess.run([LRA, "summarize", "--endpoint", proxy.endpoint, "--allow-http", "--format", "json",
                                f"s3://{BUCKET}/drop/medium.log"], capture_output=True, env=s3.lra_env(self.keys))
        finally:
            proxy.stop()
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(proxy.cut, 2)
        # One ranged GET per drop, from where the bytes stopped; none before.
        self.assertEqual(len(proxy.ranges), 2, proxy.ranges)
        self.assertTrue(all(r.lower().startswith("range: bytes=") for r in proxy.ranges), proxy.ranges)
        self.assertEqual(json.loads(p.stdout), json.loads(json.dumps(self.local(self.medium)).replace(
            f"s3://{BUCKET}/medium.log", f"s3://{BUCKET}/drop/medium.log")))

    def test_a_connection_that_keeps_dropping_cuts_the_object_short_and_the_others_count(self):
        proxy = s3.CuttingProxy(self.server.port, after=1 << 20, cuts=1000)
        try:
            p = subprocess.run([LRA, "summarize", "--endpoint", proxy.endpoint, "--allow-http", "--retries", "2",
                                "--format", "json",
                                f"s3://{BUCKET}/drop/medium.log", f"s3://{BUCKET}/runs/job-05.log"],
                               capture_output=True, env=s3.lra_env(self.keys))
        finally:
            proxy.stop()
        self.assertEqual(p.returncode, 1)
        err = p.stderr.decode()
        self.assertIn(f"s3://{BUCKET}/drop/medium.log: could not be read to its end: the connection dropped and "
                      "could not be resumed", err)
        files = json.loads(p.stdout)["files"]
        self.assertEqual([f["name"] for f in files], [f"s3://{BUCKET}/drop/medium.log", f"s3://{BUCKET}/runs/job-05.log"])
        self.assertIn("dropped", files[0]["damage"])
        self.assertEqual(files[1]["totals"], self.local(self.tmp / "runs/job-05.log")["files"][0]["totals"])

    def test_a_failed_upload_is_aborted_and_leaves_no_part_stored(self):
        # A summary of more than three 8 MiB parts, so that a failed part is seen while the
        # rest is still being written (lra's own loop, not object_store's finish).
        log = self.tmp / "many-tests.log"
        generate(log, "--style", "flat", "--tests", "60000", "--iterations", "1")
        saved = self.tmp / "many-tests.json"
        with open(saved, "wb") as out:
            subprocess.run([LRA, "summarize", "--format", "json", str(log)], stdout=out, check=True)
        self.assertGreater(saved.stat().st_size, 26 << 20)
        proxy = s3.PartRefusingProxy(self.server.port)
        try:
            p = subprocess.run([LRA, "merge", "--endpoint", proxy.endpoint, "--allow-http", "--retries", "0", "-o",
                                f"s3://{BUCKET}/aborted/summary.json", str(saved)], capture_output=True,
                               env=s3.lra_env(self.keys))
        finally:
            proxy.stop()
        self.assertEqual(p.returncode, 1, p.stderr.decode())
        self.assertIn(f"lra: s3://{BUCKET}/aborted/summary.json: ", p.stderr.decode())
        self.assertGreater(proxy.refused, 0)
        client = self.server.client("s3", self.keys)
        self.assertEqual(client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []), [])
        self.assertNotIn("Contents", client.list_objects_v2(Bucket=BUCKET, Prefix="aborted/"))

    def test_plain_http_is_refused_unless_allowed(self):
        url = f"s3://{BUCKET}/runs/job-01.log"
        env = s3.lra_env(self.keys)
        for how, args, extra_env in [
            ("--endpoint", ["--endpoint", self.server.endpoint], {}),
            ("AWS_ENDPOINT_URL", [], {"AWS_ENDPOINT_URL": self.server.endpoint}),
            ("an http:// object URL", [], {}),
            ("AWS_ALLOW_HTTP=false", ["--endpoint", self.server.endpoint], {"AWS_ALLOW_HTTP": "false"}),
        ]:
            with self.subTest(how):
                target = f"{self.server.endpoint}/{BUCKET}/runs/job-01.log" if "object URL" in how else url
                p = subprocess.run([LRA, "summarize", "--format", "json", *args, target], capture_output=True,
                                   env=dict(env, **extra_env))
                self.assertEqual(p.returncode, 1, p.stderr.decode())
                err = p.stderr.decode()
                self.assertIn("plain HTTP (no TLS), which is refused: give --allow-http (or set "
                              "AWS_ALLOW_HTTP=true)", err)
                if "object URL" not in how:
                    self.assertIn(f"the endpoint {self.server.endpoint} is plain HTTP", err)
                self.assertEqual(json.loads(p.stdout)["files"], [])
        # Allowed by the flag (the other tests) or by AWS_ALLOW_HTTP.
        p = subprocess.run([LRA, "summarize", "--format", "json", "--endpoint", self.server.endpoint, url],
                           capture_output=True, env=dict(env, AWS_ALLOW_HTTP="true"))
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(json.loads(p.stdout), self.local(self.tmp / "runs/job-01.log"))
        # lra list and lra merge -o refuse it the same way.
        for args in (["list", url], ["merge", "-o", f"s3://{BUCKET}/merged/http.json", url]):
            p = subprocess.run([LRA, *args, "--endpoint", self.server.endpoint], capture_output=True, env=env)
            self.assertEqual(p.returncode, 1)
            self.assertIn("give --allow-http", p.stderr.decode())

    def test_user_info_and_query_are_in_no_name_and_no_message(self):
        served = self.tmp / "served"
        served.mkdir(exist_ok=True)
        shutil.copy(self.tmp / "runs/job-05.log", served / "job-05.log")
        handler = functools.partial(QuietHandler, directory=str(served))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host = f"127.0.0.1:{server.server_port}"
        secrets = ["user:token", "token", "sekrit", "X-Amz-Signature"]
        try:
            url = f"http://user:token@{host}/job-05.log?X-Amz-Signature=sekrit"
            expected = json.loads(json.dumps(self.local(served / "job-05.log")).replace(
                f"s3://{BUCKET}/served/", f"http://{host}/"))
            for fmt in ["json", "csv", "junit", "markdown", "table"]:
                with self.subTest(fmt):
                    p = self.lra("summarize", "--format", fmt, url)
                    out = p.stdout.decode() + p.stderr.decode()
                    self.assertIn(f"http://{host}/job-05.log", out)
                    for secret in secrets:
                        self.assertNotIn(secret, out)
                    if fmt == "json":
                        self.assertEqual(json.loads(p.stdout), expected)
            self.assertEqual(self.lra("list", url).stdout.decode(), f"http://{host}/job-05.log\n")
            saved = self.tmp / "job-05.json"
            saved.write_bytes(subprocess.run([LRA, "summarize", "--format", "json", str(served / "job-05.log")],
                                             capture_output=True, check=True).stdout)
            # Messages: a missing object, a refused connection, a refused plain HTTP, a bad URL.
            for args, says in [
                (["summarize", "--retries", "0", f"http://user:token@{host}/nope.log?sig=sekrit"],
                 f"http://{host}/nope.log: "),
                (["summarize", "--retries", "0", "http://user:token@127.0.0.1:9/x.log?sig=sekrit"],
                 "http://127.0.0.1:9/x.log: "),
                (["merge", "-o", f"http://user:token@{host}/out.json?sig=sekrit", str(saved)],
                 f"http://{host}/out.json: "),
            ]:
                with self.subTest(args[-1]):
                    p = self.lra(*args, check=False)
                    self.assertEqual(p.returncode, 1)
                    err = p.stderr.decode()
                    self.assertIn(says, err)
                    for secret in secrets:
                        self.assertNotIn(secret, err)
            p = subprocess.run([LRA, "summarize", f"http://user:token@{host}/job-05.log?sig=sekrit"],
                               capture_output=True, env=s3.lra_env(self.keys))
            self.assertIn(f"http://{host}/job-05.log: plain HTTP (no TLS), which is refused", p.stderr.decode())
            self.assertNotIn("token", p.stderr.decode())
        finally:
            server.shutdown()
            server.server_close()


    def test_show_prints_an_objects_lines_at_the_location_lra_names(self):
        lines = self.numbered.splitlines()
        for key in ["show/numbered.log", "show/numbered.log.gz", "show/build.zip/job-3/test.log"]:
            with self.subTest(key):
                url = f"s3://{BUCKET}/{key}"
                out = self.lra("show", f"{url}:150,001", "-C", "1").stdout.decode().splitlines()
                self.assertEqual(out[0], f"{url}: a failed run of far (its failed run 1 of 1)")
                rows = [line.split(" │ ", 1) for line in out[1:]]
                self.assertEqual([(int(left.strip(" >")), text) for left, text in rows],
                                 [(n, lines[n - 1]) for n in range(149_999, 150_004)])
                self.assertEqual([left.startswith(">") for left, _ in rows], [False, True, True, True, False])
                p = self.lra("show", f"{url}:200,001", check=False)
                self.assertEqual(p.returncode, 1)
                self.assertIn(f"{url}: has fewer than 200001 lines", p.stderr.decode())


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    unittest.main()
