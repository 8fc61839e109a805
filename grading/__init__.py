"""Grading for the cluster development course: the nbgrader course and the checks of trainees' work.

What a trainee meets (imported by the documents' cells):

- ``checks``: ``check_document(globals())`` (the trainee's self-check) and ``require(...)`` (used by
  the graded test cells); the rules live in ``rules_industry``, ``rules_cluster``, ``rules_module1``
  and ``rules_value_chain`` (shared by both documents), built from the validators of ``findings``.
- ``database.load_actors`` (the cluster database); ``rubric`` (the hand-graded parts).

The nbgrader course and the instructor's workflow (``clusterlab grade ...``):

- ``nbconfig`` (the course's nbgrader settings, named by every course directory's
  ``nbgrader_config.py``), ``workflow`` (init, release, collect, feedback), ``feedback`` (feedback
  without hidden tests), ``export`` (scores per part), ``student_versions`` (the trainee's version of
  each document, for trainees on their own), ``cli`` (the verbs).
- ``engine/``: the grading engine (``engine.autograde`` and the sandbox, workers and kernels behind
  it), which trusts nothing that a submission contains.
- ``course/``: the nbgrader course directory (``source/`` assignments, ``nbgrader_config.py``).
"""
