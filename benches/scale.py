"""Object storage and Spark, each against a baseline measured in the same run (make bench-scale).

1. One large object in a local S3 server (moto): `lra summarize` of it against `curl` fetching
   the same object from the same server into a pipe. Target: lra's rate at least 80% of curl's.
2. At least 2 GB in 50 objects: the Spark job on `local-cluster[2,1,1024]` (after a warm-up
   job) against `lra summarize` of the same objects on this machine. Target: within 1.5x.

Each figure is the median of ROUNDS rounds, the two sides interleaved.
"""

import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests/integrations"))
import s3  # noqa: E402
from s3 import LRA  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "3"))
BUCKET = "bench"
LARGE = os.environ.get("LARGE", "1G")
OBJECTS = 50
OBJECT_SIZE = os.environ.get("OBJECT_SIZE", "42M")


def timed(command, **kw):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def round_trip(ask, answer):
    """Asks the Spark driver for one job; the seconds it took, as the driver measured them."""
    ask.write("run\n")
    ask.flush()
    return float(answer.readline())


def main():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="lra-bench-scale-"))
    server = s3.Server()
    root = server.client("s3")
    root.create_bucket(Bucket=BUCKET)
    env = s3.lra_env(s3.ROOT_KEYS)
    large = tmp / "large.log"
    with open(large, "wb") as out:
        subprocess.run([LRA, "generate", "--size", LARGE, "--style", "verbose", "--tests", "1000"], stdout=out, check=True)
    root.upload_file(str(large), BUCKET, "large.log")
    size = large.stat().st_size
    url = f"{server.endpoint}/{BUCKET}/large.log"
    curl, lra = [], []
    for _ in range(ROUNDS):
        # moto answers unsigned requests: curl needs no credentials.
        curl.append(timed(["bash", "-c", f"curl -sf {url} | cat > /dev/null"]))
        lra.append(timed([LRA, "summarize", "--endpoint", server.endpoint, "--allow-http", "--format", "json", f"s3://{BUCKET}/large.log"],
                         env=env))
    c, l = statistics.median(curl), statistics.median(lra)
    print(f"one object of {size / 1e9:.2f} GB: curl {size / c / 1e6:.0f} MB/s, lra {size / l / 1e6:.0f} MB/s; "
          f"lra/curl rate {c / l:.2f} (target at least 0.80)")
    large.unlink()

    total = 0
    for i in range(OBJECTS):
        path = tmp / f"job-{i:02}.log"
        with open(path, "wb") as out:
            subprocess.run([LRA, "generate", "--size", OBJECT_SIZE, "--seed", str(i), "--style", ["seed", "verbose"][i % 2],
                            "--tests", "500"], stdout=out, check=True)
        total += path.stat().st_size
        root.upload_file(str(path), BUCKET, f"many/{path.name}")
        path.unlink()
    # One Spark application runs a warm-up job (the executors' JVMs and Python workers start),
    # then a timed job each round, interleaved with lra on this machine, which it waits for.
    spark_submit = pathlib.Path(sys.executable).with_name("spark-submit")
    go, done = tmp / "go", tmp / "done"
    os.mkfifo(go)
    os.mkfifo(done)
    driver = subprocess.Popen(
        [str(spark_submit), "--master", "local-cluster[2,1,1024]", "--files", LRA, "--conf", "spark.ui.enabled=false",
         "--py-files", str(ROOT / "integrations/spark/lra_spark.py"), str(ROOT / "benches/spark_rounds.py"), str(go), str(done), "--endpoint", server.endpoint, "--allow-http",
         "--output", str(tmp / "out.json"), f"s3://{BUCKET}/many/"],
        env=dict(env, PYSPARK_PYTHON=sys.executable), stderr=subprocess.DEVNULL)
    native_cmd = [LRA, "summarize", "--endpoint", server.endpoint, "--allow-http", "--format", "json", f"s3://{BUCKET}/many/"]
    spark, native = [], []
    with open(go, "w") as ask, open(done) as answer:
        warm_up = round_trip(ask, answer)
        for _ in range(ROUNDS):
            spark.append(round_trip(ask, answer))
            native.append(timed(native_cmd, env=env))
    driver.wait()
    sp, na = statistics.median(spark), statistics.median(native)
    print(f"{OBJECTS} objects, {total / 1e9:.2f} GB: lra {na:.1f} s ({total / na / 1e6:.0f} MB/s), Spark job {sp:.1f} s "
          f"(warm-up job {warm_up:.1f} s); Spark/lra time {sp / na:.2f} (target at most 1.50)")
    server.stop()


if __name__ == "__main__":
    main()
