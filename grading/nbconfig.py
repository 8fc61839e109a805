"""The nbgrader configuration of the course, as code.

The course directory's ``nbgrader_config.py`` calls :func:`configure`, so the command line, the
formgrader in JupyterLab and the parallel autograder all read the same settings. That file names
this module (``CONFIG_FILE_TEXT``), in every course directory ever created: its path stays
``clusterlab.grading.nbconfig``. The grading engine reads its settings from here too.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["COURSE_ID", "ASSIGNMENTS", "KEEP_SUBMITTED", "configure", "CONFIG_FILE_TEXT"]

COURSE_ID = "clusterlab"
#: The assignments, in the order of the course.
ASSIGNMENTS = ("module-1-check", "module-2-check", "industry-document", "cluster-document")
#: Files a trainee fills in besides the notebook: autograde keeps the submitted version.
KEEP_SUBMITTED = {"module-1-check": ["answers.json"], "module-2-check": ["answers.json"],
                  "industry-document": ["answers.json"],
                  "cluster-document": ["answers.json", "actors.csv"]}

CONFIG_FILE_TEXT = '''\
"""nbgrader configuration of the cluster development course (see clusterlab.grading.nbconfig)."""
from pathlib import Path

from clusterlab.grading.nbconfig import configure

configure(get_config(), Path(__file__).resolve().parent)
'''


def configure(c, root: str | Path):
    """Fill the traitlets config ``c`` for the course whose directory is ``root``.

    The exchange (where released assignments and submissions pass between instructor and trainees)
    is ``$CLUSTERLAB_EXCHANGE`` when set, else the folder ``exchange`` inside the course directory.
    Autograding never runs a notebook: nbgrader's ``Execute`` step is replaced by
    :class:`~clusterlab.grading.engine.grade_cells.GradeFromAnswers`, which grades the test cells from
    the submitted answers, read in the sandbox; this holds for every way nbgrader is started.
    """
    # imported when called: importing this module must not load nbgrader (see engine.startup)
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, GetGrades, IgnorePattern,
                                        LimitOutput, SaveAutoGrades)

    from .engine.grade_cells import GradeFromAnswers
    from .exchange_collect import SafeCollect
    from .feedback import SanitizeFeedback

    root = Path(root).resolve()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.Exchange.root = os.environ.get("CLUSTERLAB_EXCHANGE") or str(root / "exchange")
    c.Exchange.course_id = COURSE_ID
    c.Autograde.exclude_overwriting = dict(KEEP_SUBMITTED)
    c.ExchangeFactory.collect = SafeCollect  # ordinary files only, from the trainee they name
    c.Autograde.autograde_preprocessors = [GradeFromAnswers, IgnorePattern, ClearMetadataPreprocessor,
                                           LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    c.GenerateFeedback.preprocessors = [GetGrades, SanitizeFeedback, CSSHTMLHeaderPreprocessor]
    return c
