"""Summarize logs with lra on a Spark cluster, when one machine is not enough.

    spark-submit --files /path/to/lra lra_spark.py --output OUT INPUT...

INPUT is what `lra summarize` takes: files or directories on a file system every executor
sees, or object storage URLs (s3://bucket/prefix/, gs://, az://). OUT is a path or an object
URL; it gets one `lra-summary/1` JSON, which the app and `lra` open like any saved summary.

How it works (README, "At scale"):
1. The driver lists the inputs with `lra list -0`, in the order `lra summarize` reads them:
   NUL-separated, since a file name or an object key may hold a line break. Every name is
   passed after `--`, so that none is ever taken for an option, and a name that is not under
   one of the inputs given is refused: the job fails, saying which.
2. Whole files are spread over tasks, consecutive files to a task: a file is never split,
   since a test's run can straddle any split, and never loaded whole (each task streams its
   files through `lra summarize --format json`).
3. The partial summaries are merged in file order, in a tree of adjacent ranges: each partial
   is keyed by its rank (the order of its first file), groups of consecutive ranks are merged
   by `lra merge`, and so on up to one. The merge is associative but not commutative (files,
   tests and first failures keep their order), so the grouping is by rank, never by whatever
   order the partitions finish in (`treeReduce` would combine them in no fixed order).
4. The driver merges the last few and writes OUT with `lra merge -o`.

Every step is a pure function of its inputs, so a task that Spark retries (a lost executor, a
failed fetch) gives the same partial, and the result equals `lra summarize` of the same files
in the same order.
"""

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

from pyspark import SparkFiles
from pyspark.sql import SparkSession

# How many partial summaries one merge takes.
FAN_IN = 8


def parse_args(argv):
    p = argparse.ArgumentParser(prog="lra_spark.py", description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", help="files, directories or object URLs, as for `lra summarize`")
    p.add_argument("--output", required=True, help="where the merged summary goes: a path or an object URL")
    p.add_argument("--lra", default="lra",
                   help="the lra binary: a name shipped with --files (the default, `lra`), or a path every "
                        "machine has")
    p.add_argument("--endpoint", help="an S3-compatible store's endpoint, passed to lra")
    p.add_argument("--allow-http", action="store_true",
                   help="let lra speak plain HTTP (an http:// endpoint or object URL), passed to lra")
    p.add_argument("--files-per-task", type=int, default=0,
                   help="consecutive files in one task (default: the files spread over 4 tasks per core)")
    p.add_argument("--lra-arg", action="append", default=[],
                   help="an option for `lra summarize`, such as --lra-arg=--name=first-word (repeatable)")
    return p.parse_args(argv)


def binary(name):
    """The lra binary on this machine: shipped with --files, else the path or name given."""
    if os.path.sep not in name:
        shipped = SparkFiles.get(name)
        if os.path.exists(shipped):
            os.chmod(shipped, 0o755)
            return shipped
        return shutil.which(name) or name
    return name


def run(command, what):
    """Runs lra; its stdout, or an error with what it said (so that Spark retries the task, and
    fails the job with lra's own message if it keeps failing)."""
    p = subprocess.run(command, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"{what} failed (exit status {p.returncode}): {p.stderr.decode(errors='replace')}")
    return p.stdout


def store_flags(args):
    return (["--endpoint", args.endpoint] if args.endpoint else []) + (["--allow-http"] if args.allow_http else [])


def summarize_task(args):
    """The task that summarizes a range of consecutive files: (rank, partial summary JSON)."""
    lra, flags, extra = args.lra, store_flags(args), args.lra_arg

    def task(item):
        rank, files = item
        command = [binary(lra), "summarize", "--format", "json", "--threads", "1", *flags, *extra, "--", *files]
        return rank, run(command, f"lra summarize of {files[0]} and the {len(files) - 1} files after it")

    return task


def merge_group(lra):
    """The task that merges a group of partials of consecutive ranks, in rank order."""

    def task(item):
        group, partials = item
        partials = sorted(partials)
        return group, merge_in_order(lra, partials, [], f"lra merge of ranks {partials[0][0]}..{partials[-1][0]}")

    return task


def merge_in_order(lra, partials, flags, what):
    """`lra merge FLAGS` of `partials`, (rank, summary JSON) pairs in rank order, through files
    of a temporary directory; its stdout."""
    with tempfile.TemporaryDirectory(prefix="lra-merge-") as tmp:
        paths = []
        for rank, summary in partials:
            path = os.path.join(tmp, f"{rank:09}.json")
            with open(path, "wb") as f:
                f.write(summary)
            paths.append(path)
        return run([binary(lra), "merge", *flags, "--", *paths], what)


def list_inputs(args):
    """The files and objects the inputs name, as `lra list -0` lists them; the job fails if any
    is not under one of the inputs."""
    p = subprocess.run([binary(args.lra), "list", "-0", *store_flags(args), "--", *args.inputs], capture_output=True)
    if p.returncode != 0:
        sys.exit(f"lra_spark: listing the inputs failed: {p.stderr.decode(errors='replace')}")
    # os.fsdecode: a file's name that is not UTF-8 goes back to lra byte for byte.
    names = [os.fsdecode(name) for name in p.stdout.split(b"\0")[:-1]]
    for name in names:
        if not any(under(name, given) for given in args.inputs):
            sys.exit(f"lra_spark: `lra list` named {name!r}, which is under none of the inputs given "
                     f"({', '.join(map(repr, args.inputs))}); nothing was read")
    return names


def under(name, given):
    """Whether `name`, as lra lists it, is the input `given` or under it: the same path, or a
    path that continues it after a `/`. A URL is compared as lra names its objects: without
    user-info, query and fragment, its path as written or percent-decoded."""
    roots = [given]
    if "://" in given and not given.startswith("file://"):
        roots = [shown_url(given), urllib.parse.unquote(shown_url(given))]
    return any(name == root or name.startswith(root.rstrip("/") + "/") for root in roots)


def shown_url(url):
    """`url` without its user-info, query and fragment, as lra shows it (`shown_url` in
    crates/lra-cli/src/input.rs): the user-info is up to the last `@` before the first `/` or
    `\\`; the query starts at the first `?` or `#` after it."""
    scheme = url.find("://")
    if scheme < 0:
        return url
    head, rest = url[:scheme + 3], url[scheme + 3:]
    authority = min([i for i in (rest.find("/"), rest.find("\\")) if i >= 0], default=len(rest))
    rest = rest[rest.rfind("@", 0, authority) + 1:]
    end = min([i for i in (rest.find("?"), rest.find("#")) if i >= 0], default=len(rest))
    return head + rest[:end]


def main(argv):
    args = parse_args(argv)
    spark = SparkSession.builder.appName("lra summarize").getOrCreate()
    files, tasks = summarize(spark.sparkContext, args)
    print(f"lra_spark: {files} files in {tasks} tasks, merged into {args.output}")
    spark.stop()


def summarize(sc, args):
    """The job: the inputs `args` names summarized into `args.output`. Returns how many files
    it read, and in how many tasks."""
    files = list_inputs(args)
    if not files:
        sys.exit("lra_spark: the inputs name no file")
    per_task = args.files_per_task or max(1, math.ceil(len(files) / (4 * sc.defaultParallelism)))
    ranges = [(rank, files[start:start + per_task]) for rank, start in enumerate(range(0, len(files), per_task))]
    partials = sc.parallelize(ranges, len(ranges)).map(summarize_task(args))
    count = len(ranges)
    # Merge groups of FAN_IN consecutive ranks on the executors until the driver can take the
    # rest; each level's partial is ranked by its group.
    while count > FAN_IN:
        groups = math.ceil(count / FAN_IN)
        partials = partials.map(lambda p: (p[0] // FAN_IN, p)).groupByKey(groups).map(merge_group(args.lra))
        count = groups
    last = sorted(partials.collect())
    merge_in_order(args.lra, last, [*store_flags(args), "-o", args.output], f"writing {args.output}")
    return len(files), len(ranges)


if __name__ == "__main__":
    main(sys.argv[1:])
