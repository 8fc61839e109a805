"""Hostile submissions against the real grading engine: real nbgrader, the real sandbox, one batch each.

One course is built for this module (:func:`batch`). Every attack of :mod:`.hostile` is submitted,
together with honest trainees, and each assignment is autograded once (two workers), its feedback
generated, and autograded again with ``force``. The tests then read what the batch left behind:

1. code and tampered test cells score exactly like the same answers without them;
2. code that would reach outside the submission never runs (marker files, gradebook triggers, config);
3. links (the notebook, answers.json, actors.csv, the submission folder) give nothing, with a reason;
4. batch stoppers (deep JSON, odd cells, FIFOs, huge files, 20000 cells) cost only their author;
5. floods give bounded reports and feedback;
6. feedback pages carry no script, no hidden test, nothing of another trainee;
7. the gradebook merge refuses a score out of range;
8. nothing started by the batch is still running;
9. the sandbox itself: user nobody, no capabilities, no network, no course, read-only, limits.

Each class also has a control that shows its assertion could fail.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from clusterlab.grading.engine.outcomes import spreadsheet_text

from .conftest import _private_jupyter
from .hostile import (AUTO_MAX, CLU, FORMULA_NAME, HONEST, IND, MOD, XSS, Attack, Context, active_content,
                      attacks, expected_from_oracle, oracle_score, partial_answers)

pytestmark = pytest.mark.slow

ASSIGNMENTS = (MOD, IND, CLU)
ATTACKS = attacks()
BY_KEY = {(a.assignment, a.student): a for a in ATTACKS}
#: Words of the hidden tests (the instructor's version): none may reach a feedback page.
HIDDEN = ("expect(", "BEGIN HIDDEN", "END HIDDEN", "same_as=", "overlap=", "near=", "equals=",
          'check("supply-ranges")', 'check("lq-matches")', '"North", "East"', "at_least=")
#: A line of /etc/passwd that a link to it would show.
PASSWD_MARK = "root:x:0:0"
BOUND = 2 * 1024 * 1024


# --- reading what was left behind ------------------------------------------------------------------


def tree_digest(folder: Path) -> dict:
    """Every entry under ``folder`` (links not followed, special files not opened) -> its digest."""
    found = {}
    if not os.path.lexists(folder):
        return found
    for here, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(here) / name
            info = path.lstat()
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                found[key] = "dir"
            elif not path.is_file():
                found[key] = f"special:{info.st_mode:o}"
            elif info.st_size > 8 * 2**20:
                found[key] = f"big:{info.st_size}:{info.st_mtime_ns}"
            else:
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def gradebook_dump(db: Path) -> list:
    """Every row of every table of a gradebook (a full dump, to compare runs)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        rows = []
        for table in tables:
            rows += [(table, *map(str, row)) for row in con.execute(f'SELECT * FROM "{table}"')]
    con.close()
    return sorted(rows)


def gradebook_schema(db: Path) -> list:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"), key=str)
        fixed = [sorted(con.execute(f"SELECT * FROM {table}"), key=str)  # the instructor's cells and tests
                 for table in ("base_cell", "grade_cells", "solution_cells", "source_cell", "task_cells",
                               "notebook", "assignment", "course")]
    con.close()
    return rows + fixed


def auto_scores(root: Path, assignment: str, student: str) -> dict:
    """grade_id -> auto score of every automatically graded cell of a trainee (gradebook)."""
    from nbgrader.api import Gradebook

    from clusterlab.grading.nbconfig import COURSE_ID

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        submission = gb.find_submission(assignment, student)
        return {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades
                if g.cell.cell_type == "code"}


def _proc_stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, start time) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[1]), int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, start time) of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(entry)
            if stat:
                found[int(entry)] = stat
    return found


def _mentions(pid: int, text: str) -> bool:
    for part in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{part}", "rb") as handle:
                if text.encode() in handle.read():
                    return True
        except OSError:
            pass
    return False


def leftovers(before: dict, mark: str) -> list[str]:
    """Processes that did not exist in ``before`` and belong to this test: descendants of this
    process, or processes whose command line or environment names the batch's private folder."""
    now = processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in now.items():
        children.setdefault(ppid, []).append(pid)
    mine, todo = set(), [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            mine.add(child)
            todo.append(child)
    new = [pid for pid, (_, start) in now.items()
           if pid != os.getpid() and before.get(pid, (None, None))[1] != start]
    alive = []
    for pid in new:
        if pid in mine or _mentions(pid, mark):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            alive.append(f"{pid}: {cmd[:200]}")
    return alive


# --- the batch -------------------------------------------------------------------------------------


@dataclass
class Batch:
    root: Path
    ctx: Context
    outside: Path
    private_tmp: Path
    submitted: dict = field(default_factory=dict)  # assignment -> [students]
    first: dict = field(default_factory=dict)  # assignment -> {student: Outcome}
    reports: dict = field(default_factory=dict)  # assignment -> [rows of the JSON report]
    csv_reports: dict = field(default_factory=dict)
    dump_first: list = field(default_factory=list)
    dump_force: list = field(default_factory=list)
    force: dict = field(default_factory=dict)
    reports_force: dict = field(default_factory=dict)
    unforced: dict = field(default_factory=dict)
    feedback_errors: dict = field(default_factory=dict)
    sentinels_before: dict = field(default_factory=dict)
    sentinels_after: dict = field(default_factory=dict)
    schema_before: list = field(default_factory=list)
    schema_after: list = field(default_factory=list)
    pids_before: dict = field(default_factory=dict)
    left_running: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)

    def outcome(self, attack: Attack):
        return self.first[attack.assignment][attack.student]

    def feedback_files(self, assignment: str, student: str) -> list[Path]:
        folder = self.root / "feedback" / student / assignment
        return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _sentinels(batch: Batch) -> dict:
    root = batch.root
    return {"source": tree_digest(root / "source"), "release": tree_digest(root / "release"),
            "examples": tree_digest(root / "examples"), "exchange": tree_digest(root / "exchange"),
            "submitted": tree_digest(root / "submitted"),
            "nbgrader_config.py": file_digest(root / "nbgrader_config.py"),
            "outside": tree_digest(batch.outside), "/etc/passwd": file_digest(Path("/etc/passwd")),
            "shipped course": tree_digest(Path(__import__("clusterlab.grading.workflow", fromlist=["x"])
                                               .SHIPPED_COURSE))}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from clusterlab.grading.engine.autograde import autograde
    from clusterlab.grading.engine.outcomes import report_paths
    from clusterlab.grading.workflow import StepError, feedback, init_course, release
    from clusterlab.patches import skip_slow_optional_imports

    skip_slow_optional_imports()
    saved_env, saved_tempdir = dict(os.environ), tempfile.tempdir
    private_tmp = tmp_path_factory.mktemp("hostile-tmp")
    os.environ.update(_private_jupyter(tmp_path_factory.mktemp("hostile-jupyter")))
    os.environ.pop("CLUSTERLAB_EXCHANGE", None)
    os.environ.pop("CLUSTERLAB_COURSE_DIR", None)
    os.environ["TMPDIR"] = str(private_tmp)  # the batch's scratch folders, to recognise its processes
    tempfile.tempdir = None
    try:
        started = time.monotonic()
        root = init_course(tmp_path_factory.mktemp("hostile-course") / "course")
        for assignment in ASSIGNMENTS:
            release(root, assignment)
        outside = tmp_path_factory.mktemp("hostile-outside")
        (outside / "markers").mkdir()
        (outside / "sentinel.txt").write_text("outside the course\n", encoding="utf-8")
        tokens = {(a, s): f"TOKEN-{s}-{a}-{i}" for i, (a, s) in
                  enumerate((a, s) for a in ASSIGNMENTS for s in HONEST)}
        ctx = Context(root, outside, tokens)
        b = Batch(root, ctx, outside, private_tmp)
        # honest trainees first: some attacks link to their folders
        for attack in sorted(ATTACKS, key=lambda a: a.klass != 0):
            attack.build(ctx, attack.assignment, attack.student)
        b.seconds["build"] = time.monotonic() - started
        for assignment in ASSIGNMENTS:
            b.submitted[assignment] = sorted(p.name for p in (root / "submitted").iterdir()
                                             if os.path.lexists(p / assignment))
        b.sentinels_before = _sentinels(b)
        b.schema_before = gradebook_schema(root / "gradebook.db")
        b.pids_before = processes()

        for assignment in ASSIGNMENTS:
            started = time.monotonic()
            b.first[assignment] = autograde(root, assignment, jobs=2)
            b.seconds[f"autograde {assignment}"] = time.monotonic() - started
            json_path, csv_path = report_paths(root, assignment)
            b.reports[assignment] = json.loads(json_path.read_text(encoding="utf-8"))
            b.csv_reports[assignment] = csv_path.read_text(encoding="utf-8")
        for assignment in ASSIGNMENTS:
            started = time.monotonic()
            try:
                feedback(root, assignment)
            except StepError as exc:
                b.feedback_errors[assignment] = str(exc)[-3000:]
            b.seconds[f"feedback {assignment}"] = time.monotonic() - started
        b.dump_first = gradebook_dump(root / "gradebook.db")
        for assignment in ASSIGNMENTS:
            b.unforced[assignment] = autograde(root, assignment, jobs=2)
        for assignment in ASSIGNMENTS:
            started = time.monotonic()
            b.force[assignment] = autograde(root, assignment, jobs=2, force=True)
            b.seconds[f"force {assignment}"] = time.monotonic() - started
            b.reports_force[assignment] = json.loads(report_paths(root, assignment)[0].read_text(encoding="utf-8"))
        b.dump_force = gradebook_dump(root / "gradebook.db")
        b.sentinels_after = _sentinels(b)
        b.schema_after = gradebook_schema(root / "gradebook.db")
        time.sleep(0.5)
        b.left_running = leftovers(b.pids_before, str(private_tmp))
        print("\nhostile batch seconds:", {k: round(v, 1) for k, v in b.seconds.items()})
        yield b
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        tempfile.tempdir = saved_tempdir


def _expected(batch: Batch, attack: Attack) -> float:
    if isinstance(attack.score, (int, float)):
        return float(attack.score)
    if attack.score.startswith("oracle:"):
        return expected_from_oracle(batch.ctx, attack)
    return _expected(batch, BY_KEY[(attack.assignment, attack.score)])


# --- every trainee has an outcome; honest trainees are graded exactly --------------------------------


def test_the_batch_is_big_enough_and_every_trainee_has_an_outcome(batch):
    assert sum(1 for a in ATTACKS if a.klass) >= 25
    for assignment in ASSIGNMENTS:
        students = batch.submitted[assignment]
        assert {a.student for a in ATTACKS if a.assignment == assignment} == set(students)
        rows = {row["student"]: row for row in batch.reports[assignment]}
        assert set(rows) == set(students), f"{assignment}: missing outcomes {set(students) - set(rows)}"
        assert set(batch.first[assignment]) == set(students)
        table = list(csv.reader(io.StringIO(batch.csv_reports[assignment])))
        assert sorted(row[0] for row in table[1:]) == sorted(spreadsheet_text(s) for s in students)
        for student, row in rows.items():
            assert row["status"] in ("graded", "flagged", "rejected", "failed")
            if row["status"] != "graded":
                assert row["reasons"] and all(isinstance(r, str) and r.strip() for r in row["reasons"]), student
            assert row["max_score"] > 0, student


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_honest_trainees_are_graded_exactly(batch, assignment):
    ctx, root = batch.ctx, batch.root
    actors = ctx.actors().encode() if assignment == CLU else None
    partial = oracle_score(root, assignment, partial_answers(ctx, assignment), actors)
    assert 0 < partial < AUTO_MAX[assignment]
    if assignment == MOD:
        assert partial == 6.0  # worked out by hand: Q1 3, Q2 partly 1, Q3 2
    expected = {"honest-full": AUTO_MAX[assignment], "honest-zero": 0.0, "honest-partial": partial}
    for student, score in expected.items():
        outcome = batch.first[assignment][student]
        assert (outcome.status, outcome.reasons) == ("graded", []), (student, outcome)
        assert outcome.score == score, (student, outcome.score, score)
        cells = auto_scores(root, assignment, student)
        assert sum(cells.values()) == score
    assert set(auto_scores(root, assignment, "honest-zero").values()) == {0.0}
    assert oracle_score(root, assignment, ctx.full(assignment), actors) == AUTO_MAX[assignment]


# --- each attack --------------------------------------------------------------------------------------


def _id(attack: Attack) -> str:
    return f"{attack.assignment}:" + "".join(c if c.isalnum() or c in "-_" else "_" for c in attack.student)


@pytest.mark.parametrize("attack", [a for a in ATTACKS if a.klass], ids=_id)
def test_attack_gains_nothing(batch, attack):
    outcome = batch.outcome(attack)
    expected = _expected(batch, attack)
    reasons = " | ".join(outcome.reasons)
    assert outcome.score == expected, f"{attack.what}: scored {outcome.score}, expected {expected} ({reasons})"
    assert outcome.status in attack.statuses, f"{attack.what}: status {outcome.status} ({reasons})"
    for word in attack.reasons:
        assert word.lower() in reasons.lower(), f"{attack.what}: '{word}' not in the reasons: {reasons}"
    if not isinstance(attack.score, str) or attack.score.startswith("oracle:"):
        return
    if outcome.status in ("rejected", "failed"):
        return
    # cell by cell, the attacker scores exactly like the same answers without the attack
    twin = BY_KEY[(attack.assignment, attack.score)]
    while isinstance(twin.score, str) and not twin.score.startswith("oracle:") and twin.klass:
        twin = BY_KEY[(attack.assignment, twin.score)]
    assert auto_scores(batch.root, attack.assignment, attack.student) == \
        auto_scores(batch.root, twin.assignment, twin.student)


def test_the_oracle_can_tell_right_from_wrong(batch):
    """Control of the exact scores: the oracle gives different scores to different answers."""
    ctx = batch.ctx
    assert oracle_score(ctx.root, MOD, {}) == 0.0
    assert oracle_score(ctx.root, MOD, ctx.full(MOD)) == 8.0
    assert oracle_score(ctx.root, CLU, ctx.full(CLU), None) < 13.0


# --- 2. nothing ran, nothing outside was written ------------------------------------------------------


def test_no_submitted_code_ran(batch):
    assert sorted(p.name for p in (batch.outside / "markers").iterdir()) == []
    with sqlite3.connect(f"file:{batch.root / 'gradebook.db'}?mode=ro", uri=True) as con:
        assert con.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    assert batch.schema_after == batch.schema_before
    from clusterlab.grading.nbconfig import CONFIG_FILE_TEXT

    assert (batch.root / "nbgrader_config.py").read_text(encoding="utf-8") == CONFIG_FILE_TEXT


def test_the_markers_would_show_code_that_ran(batch, tmp_path):
    """Control: the harmful cells do write their markers when they do run (here, in a plain Python)."""
    from .hostile import HARMFUL_CODE

    markers = tmp_path / "markers"
    markers.mkdir()
    code = HARMFUL_CODE[-4].replace("{marker}", str(markers))  # the one that writes 'ran'
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    assert (markers / "ran").read_text() == "this cell ran"


def test_nothing_outside_the_submission_copies_changed(batch):
    before, after = batch.sentinels_before, batch.sentinels_after
    assert before["submitted"] and before["source"] and before["outside"]
    for name in before:
        assert after[name] == before[name], f"{name} changed during grading"


# --- re-running changes nothing ----------------------------------------------------------------------


def _scratchless(reasons: list[str]) -> list[str]:
    """Reasons without the batch's temporary folders (an nbgrader error quotes the worker's path)."""
    import re

    return [re.sub(r"\S*clusterlab-grade-\S*", "<scratch>", r) for r in reasons]


def test_rerunning_with_force_changes_nothing(batch):
    assert batch.dump_first and batch.dump_force == batch.dump_first
    for assignment in ASSIGNMENTS:
        assert batch.unforced[assignment] == {}, "an unchanged submission was graded again without force"
        first = {r["student"]: (r["status"], r["score"], r["max_score"], _scratchless(r["reasons"]))
                 for r in batch.reports[assignment]}
        again = {r["student"]: (r["status"], r["score"], r["max_score"], _scratchless(r["reasons"]))
                 for r in batch.reports_force[assignment]}
        assert again == first
        assert set(batch.force[assignment]) == set(batch.submitted[assignment])


# --- 3. links: nothing of their targets anywhere ------------------------------------------------------


def _texts_of(paths) -> str:
    return "\n".join(Path(p).read_bytes().decode("utf-8", "replace") for p in paths)


def test_link_targets_reach_no_feedback_and_no_report(batch):
    solution = batch.root / "source" / MOD / f"{MOD}.ipynb"
    solution_text = next(c.source for c in nbformat.read(solution, as_version=4).cells
                         if c.metadata.get("nbgrader", {}).get("grade_id") == "q5")
    secret_line = solution_text.splitlines()[0]
    reports = _texts_of(Path(batch.root / "reports").iterdir())
    assert PASSWD_MARK not in reports and secret_line not in reports
    for attack in ATTACKS:
        if attack.klass != 3:
            continue
        text = _texts_of(batch.feedback_files(attack.assignment, attack.student))
        assert PASSWD_MARK not in text and secret_line not in text, attack.student
        if "link" in attack.student and "hard" not in attack.student:
            # a link's target is neither graded nor copied into the autograded or feedback folders
            for folder in ("autograded", "feedback"):
                copied = batch.root / folder / attack.student / attack.assignment
                for path in (copied.rglob("*") if copied.is_dir() else []):
                    assert not path.is_symlink()
                    assert path.name not in ("source", "gradebook.db")
    other = batch.ctx.tokens[(CLU, "honest-full")]
    assert other not in _texts_of(batch.feedback_files(CLU, "c3-folder-link"))
    copied = batch.root / "autograded" / "c3-folder-link"
    assert other not in _texts_of(p for p in (copied.rglob("*") if copied.is_dir() else []) if p.is_file())


def test_a_hard_link_is_an_ordinary_file(batch):
    """A hard link cannot be told from a copy: its content is graded as the trainee's own (as a copy of
    the worked example would be). Creating one to a file one may not read is refused by the kernel
    (fs.protected_hardlinks), and nbgrader's exchange copies files, so none reaches submitted/ as a link."""
    folder = batch.ctx.folder(MOD, "c3-hardlink-answers")
    assert os.stat(folder / "answers.json").st_nlink >= 2
    assert batch.first[MOD]["c3-hardlink-answers"].score == AUTO_MAX[MOD]


# --- 4/5. bounded messages, no copies of extra files ---------------------------------------------------


def test_reports_and_feedback_are_bounded(batch):
    for assignment in ASSIGNMENTS:
        for row in batch.reports[assignment]:
            size = len(json.dumps(row))
            assert size < 16 * 1024, f"{assignment}/{row['student']}: a report row of {size} bytes"
            assert len(row["reasons"]) <= 40
        assert len(batch.csv_reports[assignment]) < BOUND
    for attack in ATTACKS:
        if attack.klass in (5, 6) or attack.student.startswith("c4-answers"):
            for path in batch.feedback_files(attack.assignment, attack.student):
                if path.suffix == ".html":
                    assert path.stat().st_size < BOUND, f"{path}: {path.stat().st_size} bytes"


def test_flood_messages_are_cut_short(batch):
    for student in ("c5-flood-texts", "c5-flood-rows", "c6-xss"):
        nb = nbformat.read(batch.root / "autograded" / student / IND / f"{IND}.ipynb", as_version=4)
        for c in nb.cells:
            for output in c.get("outputs", []):
                if output.get("output_type") == "error":
                    assert len(output["evalue"]) < 21 * 420, (student, len(output["evalue"]))


def test_files_the_assignment_does_not_have_are_never_copied(batch):
    expected = {MOD: {f"{MOD}.ipynb", "answers.json"}, IND: {f"{IND}.ipynb", "answers.json"},
                CLU: {f"{CLU}.ipynb", "answers.json", "actors.csv"}}
    for assignment in ASSIGNMENTS:
        for student in batch.submitted[assignment]:
            for folder in ("autograded", "feedback"):
                here = batch.root / folder / student / assignment
                if here.is_dir():
                    names = {p.name for p in here.iterdir()}
                    assert names - {f"{assignment}.html", "timestamp.txt"} <= expected[assignment], \
                        (folder, student, names)
    assert not any(batch.private_tmp.iterdir()), "the batch left scratch folders behind"


# --- 6. feedback pages ------------------------------------------------------------------------------


def test_feedback_was_generated_for_every_graded_trainee(batch):
    assert batch.feedback_errors == {}
    for assignment in ASSIGNMENTS:
        for student, outcome in batch.first[assignment].items():
            if outcome.status in ("graded", "flagged"):
                assert (batch.root / "feedback" / student / assignment / f"{assignment}.html").is_file(), student


def test_the_script_detector_finds_the_payloads(batch):
    """Control: the payloads are in the submitted notebook as written, and the detector sees them
    in the notebook as nbconvert renders it without the course's sanitising."""
    from nbconvert import HTMLExporter

    path = batch.ctx.folder(IND, "c6-xss") / f"{IND}.ipynb"
    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    analysis = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "analysis")
    for payload in XSS:
        assert payload in analysis.source
    assert len(active_content(analysis.source)) >= 6
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    found = active_content(html)
    assert any("script" in f for f in found) and any("onerror" in f for f in found), found
    assert active_content('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><a href="https://x">x</a>') == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_pages_run_no_script(batch, assignment):
    found = {}
    for student in batch.submitted[assignment]:
        for path in batch.feedback_files(assignment, student):
            if path.suffix == ".html":
                bad = active_content(path.read_text(encoding="utf-8"))
                if bad:
                    found[student] = bad[:4]
    assert found == {}, f"active content in the feedback of {assignment}: {found}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_test(batch, assignment):
    """The pages show no hidden test; the other files of a feedback folder are the trainee's own files."""
    for student in batch.submitted[assignment]:
        files = batch.feedback_files(assignment, student)
        pages = [p for p in files if p.suffix == ".html"]
        text = _texts_of(pages)
        shown = [h for h in HIDDEN if h in text]
        assert shown == [], f"{student}'s feedback shows {shown}"
        for path in set(files) - set(pages):
            own = batch.ctx.folder(assignment, student) / path.name
            assert own.is_file() and not own.is_symlink() and own.read_bytes() == path.read_bytes(), path


def test_the_hidden_words_are_in_the_source(batch):
    """Control: the hidden words looked for are really in the instructor's notebooks."""
    text = "".join((batch.root / "source" / a / f"{a}.ipynb").read_text() for a in ASSIGNMENTS)
    assert all(h.replace('"', '\\"') in text for h in HIDDEN)


def test_feedback_holds_nothing_of_another_trainee(batch):
    for (assignment, owner), token in batch.ctx.tokens.items():
        if owner != "honest-full":
            continue
        assert token in _texts_of(batch.feedback_files(assignment, owner)), "control: the token is in its page"
        for student in batch.submitted[assignment]:
            if student != owner:
                assert token not in _texts_of(batch.feedback_files(assignment, student)), (owner, student)


def test_the_csv_report_holds_no_formula(batch):
    """A trainee id is chosen by the trainee (the name of the folder dropped into the exchange): the CSV
    report, opened in a spreadsheet, must not run it as a formula (a cell starting with = + - @)."""
    rows = list(csv.reader(io.StringIO(batch.csv_reports[MOD])))
    assert any(FORMULA_NAME[1:] in cell for row in rows for cell in row), "control: the name is in the report"
    formulas = [cell for row in rows[1:] for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert formulas == [], f"cells a spreadsheet runs as formulas: {formulas}"


# --- 7. the gradebook merge ---------------------------------------------------------------------------


def test_the_merge_refuses_a_score_out_of_range(batch, tmp_path):
    from nbgrader.api import Gradebook

    from clusterlab.grading.engine.autograde import ScoreError, _merge
    from clusterlab.grading.nbconfig import COURSE_ID

    db = tmp_path / "gradebook.db"
    shutil.copyfile(batch.root / "gradebook.db", db)
    before = gradebook_dump(db)
    student = "honest-partial"
    assert auto_scores(batch.root, MOD, student)["q4"] == 0.0
    with Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        for bad in (66, -1, float("nan"), float("inf"), 1.0000001):
            answer = {"grades": [[MOD, "q4", 1.0, 1.0, False], [MOD, "q1-a", bad, 1.0, False]],
                      "comments": [], "timestamp": None}
            with pytest.raises(ScoreError):
                _merge(gb, MOD, student, answer)
            gb.db.rollback()
        assert gradebook_dump(db) == before
        # control: a score within range goes in
        _merge(gb, MOD, student, {"grades": [[MOD, "q4", 1.0, 1.0, False]], "comments": [], "timestamp": None})
    after = gradebook_dump(db)
    assert after != before
    from nbgrader.api import Gradebook as _Gradebook

    with _Gradebook(f"sqlite:///{db}", COURSE_ID) as gb:
        scores = {g.name: g.auto_score for nb in gb.find_submission(MOD, student).notebooks for g in nb.grades}
    assert scores["q4"] == 1.0 and scores["q1-a"] == 1.0


# --- 8. processes -----------------------------------------------------------------------------------


def test_nothing_started_by_the_batch_still_runs(batch):
    assert batch.left_running == []
    bwraps = [pid for pid in processes() if _mentions(pid, str(batch.private_tmp))]
    assert bwraps == []


def test_the_process_check_sees_a_leftover(batch, tmp_path):
    """Control: a process started (and left) under the batch's private folder is found, then ended."""
    before = processes()
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(batch.private_tmp)],
                            start_new_session=True)
    try:
        time.sleep(0.2)
        assert any(str(proc.pid) in line for line in leftovers(before, str(batch.private_tmp)))
    finally:
        proc.kill()
        proc.wait()


# --- 9. the sandbox itself ---------------------------------------------------------------------------

PROBE = textwrap.dedent(r'''
    import json, os, socket, sys, time
    port, course, writable, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    out = {}
    def attempt(name, fn):
        try:
            out[name] = ["ok", fn()]
        except BaseException as exc:
            out[name] = ["failed", f"{type(exc).__name__}: {exc}"]
    out["uid"] = [os.getuid(), os.geteuid(), os.getgid(), os.getegid()]
    status = dict(line.split(":\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\t" in line)
    out["caps"] = {k: int(status[k].strip(), 16) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
    out["no_new_privs"] = status.get("NoNewPrivs", "").strip()
    def connect():
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            return s.recv(16).decode()
    attempt("network", connect)
    attempt("passwd", lambda: open("/etc/passwd").read()[:10])
    attempt("course", lambda: sorted(os.listdir(course)))
    def write_small():
        with open(os.path.join(writable, "probe.txt"), "w") as f:
            f.write("x")
        return "written"
    attempt("write_staged", write_small)
    def write_big():
        path = os.path.join(os.environ.get("BIG_DIR", "/tmp"), "big.bin")
        with open(path, "wb") as f:
            f.write(b"x" * (2 * 1024 * 1024))
        os.unlink(path)
        return "written"
    attempt("write_2mb", write_big)
    attempt("memory_1gb", lambda: len(bytearray(1024 ** 3)))
    children = []
    for _ in range(100):
        try:
            pid = os.fork()
        except OSError as exc:
            out["fork_error"] = str(exc)
            break
        if pid == 0:
            fd = os.open(os.devnull, os.O_RDWR)
            for i in (0, 1, 2):
                os.dup2(fd, i)
            time.sleep(120)
            os._exit(0)
        children.append(pid)
    out["forked"] = len(children)
    out["pids_seen"] = len([p for p in os.listdir("/proc") if p.isdigit()])
    out["child_pids"] = children
    print(json.dumps(out), flush=True)
''')


def _run_probe(command_prefix, staging: Path, writable: str, port: int, token: str, *, limits: bool,
               env: dict) -> tuple[dict, subprocess.CompletedProcess]:
    from clusterlab.grading.engine import sandbox

    course = os.path.join(sandbox._package_folders()["clusterlab.grading"], "course", "source")
    command = [*command_prefix, sys.executable, "-I", "-c", PROBE, str(port), course, writable, token]
    done = subprocess.run(command, capture_output=True, timeout=120, env=env, start_new_session=True,
                          preexec_fn=sandbox._limits(sandbox.MEMORY_MB, sandbox.CPU_SECONDS) if limits else None)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout), done


def _still_running(token: str) -> list[int]:
    return [pid for pid in processes() if _mentions(pid, token)]


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    stop = []

    def serve():
        while not stop:
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.sendall(b"hello")
            conn.close()

    import threading

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.append(1)
    thread.join(2)
    server.close()


def _sandbox_available() -> bool:
    from clusterlab.grading.engine import sandbox

    return sandbox.available()


sandboxed = pytest.mark.skipif(not _sandbox_available(),
                               reason="bubblewrap (Debian's 'bubblewrap', with setpriv as root) cannot start a "
                                      "sandbox here: clusterlab.grading.engine.sandbox.available() is false")


@sandboxed
def test_the_sandbox_confines_the_reader(tmp_path, listener):
    from clusterlab.grading.engine import sandbox

    staging = tmp_path / "staged"
    staging.mkdir()
    staging.chmod(0o755)
    (staging / "answers.json").write_text("{}")
    token = f"sandbox-probe-{os.getpid()}-{time.monotonic_ns()}"
    inside, _ = _run_probe(sandbox._command(staging), staging, "/submission", listener, token, limits=True,
                           env={"PATH": "/usr/bin:/bin"})
    assert not (staging / "probe.txt").exists()
    time.sleep(0.5)
    assert _still_running(token) == [], "a process started in the sandbox outlived it"
    outside_tmp = tmp_path / "outside-tmp"
    outside_tmp.mkdir()
    outside, _ = _run_probe([], staging, str(staging), listener, token, limits=False,
                            env={"PATH": "/usr/bin:/bin", "BIG_DIR": str(outside_tmp)})
    try:
        # the controls: every action succeeds outside the sandbox
        assert outside["network"] == ["ok", "hello"]
        assert outside["passwd"][0] == "ok"
        assert outside["course"][0] == "ok" and MOD in outside["course"][1]
        assert outside["write_staged"] == ["ok", "written"]
        assert outside["write_2mb"] == ["ok", "written"]
        assert outside["memory_1gb"] == ["ok", 1024 ** 3]
        assert outside["forked"] == 100
        assert len(_still_running(token)) >= 100, "control: forked processes outlive a plain parent"
    finally:
        import signal

        for pid in outside["child_pids"]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    # inside
    assert inside["uid"] == [sandbox.NOBODY] * 4
    assert {k: v for k, v in inside["caps"].items() if k != "CapBnd"} == \
        {"CapInh": 0, "CapPrm": 0, "CapEff": 0, "CapAmb": 0}
    assert inside["no_new_privs"] == "1"
    assert inside["network"][0] == "failed"
    assert inside["passwd"][0] == "failed" and "FileNotFoundError" in inside["passwd"][1]
    assert inside["course"][0] == "failed" or inside["course"] == ["ok", []]
    assert inside["write_staged"][0] == "failed"
    assert inside["write_2mb"][0] == "failed"
    assert inside["memory_1gb"][0] == "failed"
    assert inside["pids_seen"] <= inside["forked"] + 5, "the sandbox sees processes of the host"
    time.sleep(0.5)
    assert _still_running(token) == []


@sandboxed
def test_the_sandbox_hides_the_course_and_other_submissions(tmp_path):
    """The reader sees neither the course folder nor another staged submission nor this test's files."""
    from clusterlab.grading.engine import sandbox

    staging, other = tmp_path / "staged" / "a", tmp_path / "staged" / "b"
    for folder in (staging, other):
        folder.mkdir(parents=True)
        folder.chmod(0o755)
        (folder / "answers.json").write_text('{"secret": "of %s"}' % folder.name)
    script = ("import os, sys, json; print(json.dumps({p: os.path.exists(p) for p in sys.argv[1:]}))")
    paths = [str(other / "answers.json"), str(staging / "answers.json"), "/submission/answers.json",
             str(Path(__file__)), str(tmp_path), str(Path(__file__).parent.parent), "/home", "/etc/shadow"]
    done = subprocess.run([*sandbox._command(staging), sys.executable, "-I", "-c", script, *paths],
                          capture_output=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    seen = json.loads(done.stdout)
    assert seen.pop("/submission/answers.json") is True
    assert seen == {p: False for p in seen}, seen
    assert all(os.path.exists(p) for p in paths if not p.startswith("/submission/") and "shadow" not in p)


@sandboxed
def test_the_sandbox_empties_the_capability_bounding_set(tmp_path):
    """``setpriv --bounding-set=-all`` needs CAP_SETPCAP, which the bubblewrap command drops first: the
    reader then runs with the full bounding set (harmless with no_new_privs and no permitted
    capabilities, but not what the command asks for). Passing ``--cap-add CAP_SETPCAP`` to bwrap
    makes setpriv's request effective."""
    from clusterlab.grading.engine import sandbox

    tmp_path.chmod(0o755)
    done = subprocess.run([*sandbox._command(tmp_path), "/bin/sh", "-c", "grep CapBnd /proc/self/status"],
                          capture_output=True, timeout=60, env={"PATH": "/usr/bin:/bin"}, text=True)
    assert done.stdout.split() == ["CapBnd:", "0000000000000000"], done.stdout + done.stderr


# --- the exchange: a link dropped into the inbound folder -------------------------------------------


def test_collect_does_not_turn_links_into_files(tmp_path, monkeypatch):
    """A trainee may write into the exchange's inbound folder directly. ``clusterlab grade collect``
    must not copy what a link there points to (here the worked example's answers: full marks) into
    ``submitted/`` as an ordinary file: the instructor's process would read it for the trainee."""
    from clusterlab.grading.workflow import collect, init_course, release

    for name, path in _private_jupyter(tmp_path / "jupyter").items():
        monkeypatch.setenv(name, path)
    monkeypatch.delenv("CLUSTERLAB_EXCHANGE", raising=False)
    root = init_course(tmp_path / "course")
    release(root, MOD)
    inbound = root / "exchange" / "clusterlab" / "inbound" / f"intruder+{MOD}+2026-01-01 10:00:00.000000 UTC+abc"
    shutil.copytree(root / "release" / MOD, inbound)
    (inbound / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")
    (inbound / "answers.json").unlink()
    os.symlink(root / "examples" / MOD / "answers.json", inbound / "answers.json")
    try:
        collect(root, MOD)
    except Exception:
        pass  # refusing the submission is fine
    collected = root / "submitted" / "intruder" / MOD / "answers.json"
    assert not (collected.is_file() and not collected.is_symlink()
                and collected.read_bytes() == (root / "examples" / MOD / "answers.json").read_bytes()), \
        "collect copied the target of a link in the inbound folder: the trainee gets the worked answers"


COLLECT_DEVICE = textwrap.dedent(r"""
    import os, resource, shutil, sys
    from pathlib import Path
    from clusterlab.grading.workflow import collect, init_course, release
    root = init_course(Path(sys.argv[1]))
    release(root, "module-1-check")
    inbound = root / "exchange" / "clusterlab" / "inbound" / "intruder+module-1-check+2026-01-01 10:00:00.000000 UTC+abc"
    shutil.copytree(root / "release" / "module-1-check", inbound)
    (inbound / "timestamp.txt").write_text("2026-01-01 10:00:00.000000 UTC")
    os.symlink("/dev/zero", inbound / "actors.csv")
    resource.setrlimit(resource.RLIMIT_FSIZE, (50 * 2**20, 50 * 2**20))  # instead of filling the disk
    try:
        collect(root, "module-1-check")
    except Exception as exc:
        print(type(exc).__name__)
""")


def test_collect_does_not_copy_a_device_from_a_link(tmp_path):
    """A link to /dev/zero dropped into the inbound folder: ``collect`` must not copy the device's endless
    content (here stopped at 50 MB by a file-size limit; without it, until the disk is full)."""
    env = dict(os.environ, **_private_jupyter(tmp_path / "jupyter"))
    env.pop("CLUSTERLAB_EXCHANGE", None)
    subprocess.run([sys.executable, "-c", COLLECT_DEVICE, str(tmp_path / "course")], env=env, timeout=120,
                   capture_output=True)
    copied = tmp_path / "course" / "submitted" / "intruder" / MOD / "actors.csv"
    size = copied.stat().st_size if copied.exists() and not copied.is_symlink() else 0
    assert size < 2**20, f"collect copied {size} bytes of /dev/zero into submitted/"
