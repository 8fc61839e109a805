"""Grading for the cluster development course: the nbgrader course and the checks of trainees' work.

Trainees answer in forms; their answers are data, checked by the grading process, never by running
their code. What a trainee meets (imported by the documents' cells):

- ``forms`` (``forms_for(document)``; the parts and fields of each document in ``forms.yaml``), which
  save into the document's answer file (``answers``: ``answers.json`` next to the notebook);
- ``document``: ``check(...)`` (the visible test cells), ``self_check(document)``; the rules live in
  ``rules_industry``, ``rules_cluster``, ``rules_module1`` and ``rules_value_chain``, listed by
  ``checks`` and built from the validators of ``findings``; ``keys`` reads a test cell's
  ``check``/``expect`` lines as data;
- ``database.load_actors`` (the cluster database, ``actors.csv``); ``rubric`` (the hand-graded parts).

The nbgrader course and the instructor's workflow (``clusterlab grade ...``):

- ``nbconfig`` (the course's nbgrader settings, named by every course directory's
  ``nbgrader_config.py``), ``workflow`` (init, release, collect, feedback), ``feedback`` and
  ``html_clean`` (feedback without hidden tests, scripts or event handlers), ``export`` (scores per
  part), ``student_versions`` (the trainee's version of each document, for trainees on their own),
  ``cli`` (the verbs).
- ``engine/``: the grading engine (``engine.autograde``; intake, the sandboxed reader, workers), which
  trusts nothing that a submission contains.
- ``course/``: the nbgrader course directory (``source/`` assignments, ``examples/`` worked answers,
  ``nbgrader_config.py``).
"""
