"""Benchmark of autograding (a script, not a test).

    python tests/benchmarks/grading_benchmark.py [--submissions 40] [--per-kind 4] [--no-isolation]

1. Per-submission time: the industry and cluster documents graded by ``clusterlab grade autograde``
   (one worker, sandboxed kernel; the time a worker reports for each submission, from receiving it to
   answering, course copy included), next to nbgrader's own autograde of a trivial one-cell notebook
   (``NbGraderAPI.autograde`` in this process), in the same run. Goal: documents at most 1.5 times the
   trivial notebook.
2. Wall time for N submissions of the industry document: ``clusterlab grade autograde`` (all cores)
   against plain sequential ``nbgrader autograde``, both started as commands and timed from the
   command's start to its end (start-up of the workers included). Goal: at least 1.7 times faster on
   2 cores.

The load average of the machine is printed before and after: other processes slow both sides, and
the parallel side more (it needs every core). Everything happens in a temporary folder, with private
Jupyter folders; only loopback is used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.grading.helpers import answers, submit  # noqa: E402

BIN = Path(sys.executable).parent


def trivial_assignment(root: Path) -> None:
    cell = new_code_cell("assert 1 + 1 == 2", metadata={"nbgrader": {
        "grade": True, "locked": True, "solution": False, "points": 1, "grade_id": "only", "schema_version": 3}})
    nb = new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}})
    (root / "source" / "trivial").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "trivial" / "trivial.ipynb")


def timed(command: list[str], cwd: Path) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--per-kind", type=int, default=4, help="submissions per kind for the per-submission times")
    parser.add_argument("--no-isolation", action="store_true", help="grade without network/process namespaces")
    args = parser.parse_args()
    from clusterlab.grading.engine.autograde import autograde
    from clusterlab.grading.engine.startup import scripts_on_path
    from clusterlab.grading.workflow import api, init_course, release
    from clusterlab.patches import skip_slow_optional_imports

    skip_slow_optional_imports()
    scripts_on_path()
    warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy warnings in this process
    load_start = os.getloadavg()[0]
    base = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        os.environ[name] = str(base / name.lower())
    try:
        root = init_course(base / "course")
        trivial_assignment(root)
        for assignment in ("industry-document", "cluster-document", "trivial"):
            release(root, assignment, to_exchange=False)
        csv = (root / "examples" / "cluster-document" / "actors.csv").read_text()
        per, each = {}, {}
        for assignment in ("industry-document", "cluster-document"):
            full = answers(root, assignment)
            for i in range(args.per_kind):
                submit(root, assignment, f"s{i:03d}", fill=full, csv=csv if assignment == "cluster-document" else None)
            results = autograde(root, assignment, jobs=1, isolate=not args.no_isolation)
            each[assignment] = [o.seconds for o in results.values()]
            per[assignment] = statistics.median(each[assignment])
        grader = api(root)
        trivial = []
        for i in range(args.per_kind):
            submit(root, "trivial", f"s{i:03d}")
            started = time.monotonic()
            assert grader.autograde("trivial", f"s{i:03d}", force=True)["success"]
            trivial.append(time.monotonic() - started)
        each["trivial (nbgrader)"] = trivial
        per["trivial (nbgrader)"] = statistics.median(trivial[1:] or trivial)
        print(f"Per-submission autograde time (median of {args.per_kind}, {os.cpu_count()} cores):")
        for name, seconds in per.items():
            print(f"  {name:<22} {seconds:6.2f} s   ({seconds / per['trivial (nbgrader)']:.2f} x trivial)   "
                  f"each: {', '.join(f'{s:.2f}' for s in each[name])}")
        ratio = max(per["industry-document"], per["cluster-document"]) / per["trivial (nbgrader)"]

        full = answers(root, "industry-document")
        for i in range(args.submissions):
            submit(root, "industry-document", f"b{i:03d}", fill=full)
        students = [f"--student=b{i:03d}" for i in range(args.submissions)]
        ours = timed([str(BIN / "clusterlab"), "grade", "autograde", "--course", str(root), "industry-document",
                      "--force", *students] + (["--no-isolation"] if args.no_isolation else []), root)
        shutil.rmtree(root / "autograded")
        plain = timed([str(BIN / "nbgrader"), "autograde", "industry-document", "--student=b*", "--force"], root)
        print(f"Wall time for {args.submissions} submissions of the industry document:")
        print(f"  clusterlab grade autograde (parallel, sandboxed) {ours:7.1f} s")
        print(f"  nbgrader autograde (sequential)                  {plain:7.1f} s")
        print(f"  speed-up                                         {plain / ours:7.2f} x")
        print(f"  per submission (wall / N): clusterlab {ours / args.submissions:.2f} s, "
              f"nbgrader {plain / args.submissions:.2f} s")
        print(f"Load average (1 min) at start {load_start:.2f}, at end {os.getloadavg()[0]:.2f}")
        print("Goals:")
        print(f"  1. documents <= 1.5 x trivial per submission: {ratio:.2f} x -> {verdict(ratio <= 1.5)}")
        print(f"  2. >= 1.7 x faster than sequential nbgrader on {args.submissions} submissions "
              f"({os.cpu_count()} cores{', no isolation' if args.no_isolation else ''}): "
              f"{plain / ours:.2f} x -> {verdict(plain / ours >= 1.7)}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
