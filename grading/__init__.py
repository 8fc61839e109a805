"""Grading for the cluster development course: the nbgrader course and the checks of trainees' work.

- ``checks``: ``check_document(globals())`` (the trainee's self-check) and ``require(...)`` (used by the
  graded test cells); the rules live in ``rules_industry``, ``rules_cluster`` and ``rules_module1``.
- ``clusterlab.analysis.location_quotient`` (used by the checks); ``database.load_actors`` (the cluster database); ``rubric``.
- The instructor's workflow (``clusterlab grade ...``): ``workflow`` (release, collect, feedback),
  ``autograde`` (parallel and sandboxed: ``pool``, ``worker``, ``sandbox``, ``sandbox_kernel``,
  ``kernel_zygote`` and ``forkkernel`` (kernels forked from a warmed-up process), ``isolation``,
  ``prevalidate``, ``outcomes``, ``startup``, ``tuning``), ``feedback`` (no hidden tests), ``export``.
- ``course/``: the nbgrader course directory (``source/`` assignments, ``nbgrader_config.py``).
"""
