"""Benchmark of autograding (a script, not a test).

    python tests/benchmarks/grading_benchmark.py [--submissions 40] [--per-kind 4]

1. Per-submission time: the industry and cluster documents graded by ``clusterlab grade autograde``
   (one worker; each submission taken in and read in the bubblewrap sandbox; the time a worker
   reports for each submission, from receiving it to answering, course copy included), next to
   nbgrader's own autograde of a trivial one-cell notebook (stock nbgrader, which runs the notebook in
   a kernel: ``NbGraderAPI.autograde`` in this process), in the same run. Goal: documents at most as
   long as the trivial notebook.
2. Wall time for N submissions of the industry document: ``clusterlab grade autograde`` (all cores,
   sandbox on) against sequential stock ``nbgrader autograde`` of the same submissions in a course
   configured as nbgrader ships (it runs each notebook in a kernel), both started as commands and
   timed from the command's start to its end (start-up of the workers included). Goal: at least 5
   times faster on 2 cores.

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
from tests.grading.helpers import example_answers, submit  # noqa: E402

BIN = Path(sys.executable).parent


def trivial_assignment(root: Path) -> None:
    cell = new_code_cell("assert 1 + 1 == 2", metadata={"nbgrader": {
        "grade": True, "locked": True, "solution": False, "points": 1, "grade_id": "only", "schema_version": 3}})
    nb = new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}})
    (root / "source" / "trivial").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "trivial" / "trivial.ipynb")


STOCK_CONFIG = """c = get_config()
c.CourseDirectory.course_id = "clusterlab"
c.Exchange.root = "exchange"
"""


def stock_course(base: Path, ours: Path) -> Path:
    """A course with the same assignments, configured as nbgrader ships: it runs notebooks to grade."""
    root = base / "stock"
    shutil.copytree(ours / "source", root / "source")
    (root / "nbgrader_config.py").write_text(STOCK_CONFIG, encoding="utf-8")
    return root


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
    args = parser.parse_args()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from clusterlab.grading.engine.autograde import autograde
    from clusterlab.grading.engine.sandbox import describe
    from clusterlab.grading.engine.startup import scripts_on_path
    from clusterlab.grading.workflow import init_course, release
    from clusterlab.patches import skip_slow_optional_imports

    skip_slow_optional_imports()
    scripts_on_path()
    warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy warnings in this process
    load_start = os.getloadavg()[0]
    base = Path(tempfile.mkdtemp(prefix="grading-benchmark-"))
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        os.environ[name] = str(base / name.lower())
    try:
        print(f"Reading submissions: {describe()}")
        root = init_course(base / "course")
        stock = stock_course(base, root)
        trivial_assignment(stock)
        for assignment in ("industry-document", "cluster-document"):
            release(root, assignment, to_exchange=False)
        csv = (root / "examples" / "cluster-document" / "actors.csv").read_text()
        per, each = {}, {}
        for assignment in ("industry-document", "cluster-document"):
            full = example_answers(root, assignment)
            for i in range(args.per_kind):
                submit(root, assignment, f"s{i:03d}", answers=full, csv=csv if assignment == "cluster-document" else None)
            results = autograde(root, assignment, jobs=1)
            assert all(o.status == "graded" and o.score == o.max_score - 6 for o in results.values()), results
            each[assignment] = [o.seconds for o in results.values()]
            per[assignment] = statistics.median(each[assignment])
        config = Config()
        config.CourseDirectory.root = str(stock)
        config.CourseDirectory.course_id = "clusterlab"
        grader = NbGraderAPI(CourseDirectory(config=config), config=config)
        for assignment in ("trivial", "industry-document"):
            assert grader.generate_assignment(assignment, force=True, create=True)["success"]
        trivial = []
        for i in range(args.per_kind):
            submit(stock, "trivial", f"s{i:03d}")
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

        full = example_answers(root, "industry-document")
        for i in range(args.submissions):
            submit(root, "industry-document", f"b{i:03d}", answers=full)
            submit(stock, "industry-document", f"b{i:03d}", answers=full)
        students = [f"--student=b{i:03d}" for i in range(args.submissions)]
        ours = timed([str(BIN / "clusterlab"), "grade", "autograde", "--course", str(root), "industry-document",
                      "--force", *students], root)
        plain = timed([str(BIN / "nbgrader"), "autograde", "industry-document", "--student=b*", "--force"], stock)
        print(f"Wall time for {args.submissions} submissions of the industry document:")
        print(f"  clusterlab grade autograde (parallel, sandboxed)  {ours:7.1f} s")
        print(f"  stock nbgrader autograde (sequential, kernels)    {plain:7.1f} s")
        print(f"  speed-up                                          {plain / ours:7.2f} x")
        print(f"  per submission (wall / N): clusterlab {ours / args.submissions:.2f} s, "
              f"nbgrader {plain / args.submissions:.2f} s")
        print(f"Load average (1 min) at start {load_start:.2f}, at end {os.getloadavg()[0]:.2f}")
        print("Goals:")
        print(f"  1. documents <= 1.0 x trivial per submission: {ratio:.2f} x -> {verdict(ratio <= 1.0)}")
        print(f"  2. >= 5 x faster than sequential nbgrader on {args.submissions} submissions "
              f"({os.cpu_count()} cores): {plain / ours:.2f} x -> {verdict(plain / ours >= 5)}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
