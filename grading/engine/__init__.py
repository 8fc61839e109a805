"""The grading engine: runs trainees' submissions and trusts nothing that a submission contains.

- ``autograde``: grade every submission of an assignment in parallel, each in its own course copy
  and sandboxed kernel, and merge the scores into the one course gradebook; ``outcomes``: what it
  found for each submission (the report); ``prevalidate``: checks made before grading.
- ``pool`` and ``worker``: long-lived grading processes, one job at a time each; ``isolation``:
  network and process namespaces for them.
- ``sandbox`` (limits and a guard on actions) and ``sandbox_kernel`` (the kernel that runs a
  submission); ``kernel_zygote`` and ``forkkernel``: kernels forked from a warmed-up process.
- ``startup`` and ``tuning``: speed patches on nbgrader, setuptools, jsonschema and SQLAlchemy.

Every speed patch on another package's internals is checked against the exact version it was written
for (``clusterlab.patches.applies``) and is skipped, with the stock path running instead, on any
other version or when ``CLUSTERLAB_NO_PATCHES=1``. The sandbox is not a speed patch: it never
depends on that switch.

The engine imports only ``clusterlab.grading.nbconfig`` (the course's nbgrader settings) from the
rest of grading; the trainee-facing checks run inside the sandboxed kernel, as the submission's
test cells call them.
"""
