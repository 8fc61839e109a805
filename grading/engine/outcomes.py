"""What autograding found for each submission: the report kept in ``reports/autograde-<assignment>``.

Statuses: ``graded`` (all in order), ``flagged`` (graded, with notes to read), ``rejected`` (not graded,
see the reasons), ``failed`` (grading did not finish: time limit or a crash). Rejected and failed
submissions score zero until the trainee resubmits or the instructor grades them by hand.

``patches_off`` names the speed patches that did not run in the worker that graded a submission
(``CLUSTERLAB_NO_PATCHES=1``, or a package at another version than a patch was written for): nbgrader's
stock code graded it, slower, to the same scores. It is kept in the JSON report only.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path



__all__ = ["Outcome", "report_paths", "load_report", "save_report", "spreadsheet_text"]


@dataclass
class Outcome:
    student: str
    status: str  #: graded, flagged, rejected or failed
    reasons: list[str] = field(default_factory=list)  #: why it was flagged, rejected or failed
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0  #: the worker's time for it, course copy included
    fingerprint: str = ""  #: digest of the submitted files (unchanged submissions are not graded again)
    patches_off: list[str] = field(default_factory=list)  #: speed patches that did not run for it


def report_paths(root: Path, assignment: str) -> tuple[Path, Path]:
    folder = Path(root) / "reports"
    return folder / f"autograde-{assignment}.json", folder / f"autograde-{assignment}.csv"


def load_report(root: Path, assignment: str) -> dict[str, Outcome]:
    """The last report of an assignment, by student (empty when there is none)."""
    path = report_paths(root, assignment)[0]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {row["student"]: Outcome(**row) for row in data}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def save_report(root: Path, assignment: str, outcomes: dict[str, Outcome]) -> Path:
    """Write the report as JSON (for the tools) and CSV (for people); returns the CSV's path."""
    json_path, csv_path = report_paths(root, assignment)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    rows = [asdict(outcomes[s]) for s in sorted(outcomes)]
    tmp = json_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    tmp.replace(json_path)
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "status", "score", "max_score", "seconds", "reasons"])
        for row in rows:
            writer.writerow([spreadsheet_text(row["student"]), row["status"], row["score"], row["max_score"], row["seconds"],
                             spreadsheet_text("; ".join(row["reasons"]))])
    return csv_path


def spreadsheet_text(text: str) -> str:
    """A text as a spreadsheet shows it, never as a formula (a trainee chooses their id and files' names)."""
    text = str(text)
    try:
        float(text)
        return text  # a number (a negative one too) stays a number
    except ValueError:
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
