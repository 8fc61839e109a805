"""The start-up patches of the grading processes: applied on the versions they were written for,
skipped (with the stock import running) under ``CLUSTERLAB_NO_PATCHES=1`` or on another version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from clusterlab.grading.engine.startup import LAZY_ARCHIVE_UTIL, LEAN_NBGRADER, SKIP_RFC3987

# Starts nbgrader after lean_nbgrader() in a fresh interpreter, collects a zip as nbgrader does, and
# says which patches ran, what nbgrader's import loaded and which warnings were given.
SCRIPT = textwrap.dedent("""
    import json, os, sys, tempfile, warnings, zipfile
    from clusterlab import patches
    if sys.argv[1:] == ["other-versions"]:
        patches.installed_version = lambda package: "0.0"
    warnings.simplefilter("always")
    with warnings.catch_warnings(record=True) as caught:
        from clusterlab.grading.engine.startup import lean_nbgrader
        ran = lean_nbgrader()
        import nbgrader, nbgrader.api, nbgrader.converters
        from nbgrader.utils import unpack_archive
    loaded = [m for m in ("jupyter_server", "pkg_resources") if m in sys.modules]
    folder = tempfile.mkdtemp()
    with zipfile.ZipFile(os.path.join(folder, "a.zip"), "w") as archive:
        archive.writestr("answer.txt", "42")
    unpack_archive(os.path.join(folder, "a.zip"), os.path.join(folder, "out"))
    print(json.dumps({
        "ran": ran, "version": nbgrader.__version__,
        "unpacked": open(os.path.join(folder, "out", "answer.txt")).read(),
        "loaded": loaded,
        "warnings": [str(w.message) for w in caught if issubclass(w.category, patches.PatchWarning)]}))
""")


def start(*args: str, **env: str) -> dict:
    run = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, timeout=120,
                         env={**os.environ, **env})
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


def test_lean_start_up_on_the_versions_it_was_written_for():
    lean = start(CLUSTERLAB_NO_PATCHES="0")
    assert lean["ran"] == {SKIP_RFC3987: True, LEAN_NBGRADER: True, LAZY_ARCHIVE_UTIL: True}
    assert lean["loaded"] == [] and lean["warnings"] == []
    assert lean["version"] == "0.9.6" and lean["unpacked"] == "42"


def test_switch_runs_the_stock_import():
    """Control for the test above: without the patches nbgrader loads its server extensions (and
    setuptools loads pkg_resources), and it still works."""
    stock = start(CLUSTERLAB_NO_PATCHES="1")
    assert stock["ran"] == {SKIP_RFC3987: False, LEAN_NBGRADER: False, LAZY_ARCHIVE_UTIL: False}
    assert stock["loaded"] == ["jupyter_server", "pkg_resources"] and stock["warnings"] == []
    assert stock["version"] == "0.9.6" and stock["unpacked"] == "42"


def test_other_versions_run_the_stock_import_with_a_warning():
    other = start("other-versions", CLUSTERLAB_NO_PATCHES="0")
    assert other["ran"] == {SKIP_RFC3987: False, LEAN_NBGRADER: False, LAZY_ARCHIVE_UTIL: False}
    assert other["loaded"] == ["jupyter_server", "pkg_resources"] and other["unpacked"] == "42"
    for name in ("skip rfc3987_syntax", LEAN_NBGRADER, LAZY_ARCHIVE_UTIL):
        assert any(f"'{name}'" in w and "0.0 is installed" in w for w in other["warnings"]), other["warnings"]
