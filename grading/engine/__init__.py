"""The grading engine: grades trainees' submissions from their answers and trusts nothing in them.

- ``autograde``: grade every submission of an assignment in parallel and merge the scores into the
  one course gradebook; ``outcomes``: what it found for each submission (the report);
  ``intake``: ordinary files only, within limits, copied before anything reads them;
  ``prevalidate``: checks of the notebook made before grading.
- ``grade_cells``: nbgrader's autograde step without running any cell: the test cells are graded from
  the answers; ``sandbox`` and ``reader``: the answers are read and checked in an operating-system
  sandbox (bubblewrap, user nobody, no network, limits).
- ``pool`` and ``worker``: long-lived grading processes, one job at a time each.
- ``startup`` and ``tuning``: speed patches on nbgrader, setuptools, jsonschema and SQLAlchemy.

Every speed patch on another package's internals is checked against the exact version it was written
for (``clusterlab.patches.applies``) and is skipped, with the stock path running instead, on any
other version or when ``CLUSTERLAB_NO_PATCHES=1``. The sandbox is not a speed patch: it never
depends on that switch.
"""
