"""The Spark side of benches/scale.py: one application that runs the lra job each time it is
asked on the GO pipe, and answers on the DONE pipe with the seconds the job took."""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "integrations/spark"))
import lra_spark  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402


def main(go, done, argv):
    args = lra_spark.parse_args(argv)
    spark = SparkSession.builder.appName("lra summarize, timed").getOrCreate()
    with open(go) as asks, open(done, "w") as answers:
        for _ in asks:
            start = time.perf_counter()
            lra_spark.summarize(spark.sparkContext, args)
            answers.write(f"{time.perf_counter() - start}\n")
            answers.flush()
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
