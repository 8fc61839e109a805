"""The public dashboards import nothing from grading: not in their code, not in their notebooks,
not at run time.

Two checks, each with a control that shows it can fail: a scan of the source (every module of
``casestudies/public`` and every code cell of the dashboard notebooks) for imports of
``clusterlab.grading`` and for strings that name it (import strings), and a subprocess that loads
the app and builds every case story as the dashboard kernels do, then lists the grading modules
it has loaded.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PUBLIC = REPO / "casestudies" / "public"
PACKAGE = "clusterlab.casestudies.public"
NOTEBOOKS = [REPO / "casestudies" / "index.ipynb", *sorted((REPO / "casestudies").glob("*/dashboard.ipynb"))]
GRADING = "clusterlab.grading"

#: A string naming the grading package, whole or relative (``"clusterlab.grading.x"``, ``".grading"``).
NAMES_GRADING = re.compile(r"\bclusterlab\.grading\b|(?<![\w.])\.+grading\b")


def _in_grading(module: str) -> bool:
    return module == GRADING or module.startswith(GRADING + ".")


def _absolute(module: str | None, level: int, package: str) -> str:
    """The module a ``from`` import names, relative imports resolved against ``package``."""
    if not level:
        return module or ""
    base = package.split(".")[: len(package.split(".")) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (text for people, not code)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def grading_references(source: str, package: str = PACKAGE) -> list[str]:
    """Imports of ``clusterlab.grading`` in Python ``source``, and strings that name it."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if _in_grading(a.name)]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node.module, node.level, package)
            names = [f"{module}.{a.name}" for a in node.names]
            if _in_grading(module) or any(_in_grading(n) for n in names):
                found.append(f"from {'.' * node.level}{node.module or ''} import ...")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                and NAMES_GRADING.search(node.value):
            found.append(f"string {node.value!r}")
    return found


def code_cells(path: Path) -> list[str]:
    """The code cells of a notebook, without IPython's magics and shell lines."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["\n".join(line for line in "".join(c["source"]).splitlines() if not line.lstrip().startswith(("%", "!")))
            for c in cells if c["cell_type"] == "code"]


def test_every_module_and_dashboard_notebook_is_scanned():
    modules = sorted(PUBLIC.rglob("*.py"))
    assert {p.name for p in modules} >= {"__init__.py", "story.py", "server.py", "dashboards.py", "charts.py"}
    assert len(NOTEBOOKS) == 4 and all(p.is_file() for p in NOTEBOOKS)


def test_the_public_app_names_nothing_from_grading():
    found = {}
    for path in sorted(PUBLIC.rglob("*.py")):
        rel = path.relative_to(PUBLIC).with_suffix("")
        package = ".".join([PACKAGE, *rel.parts[:-1]])
        found[str(path.relative_to(REPO))] = grading_references(path.read_text(encoding="utf-8"), package)
    for path in NOTEBOOKS:
        for n, cell in enumerate(code_cells(path), 1):
            found[f"{path.relative_to(REPO)} cell {n}"] = grading_references(cell)
    found = {where: refs for where, refs in found.items() if refs}
    assert not found, f"the public dashboards refer to clusterlab.grading: {found}"


@pytest.mark.parametrize("snippet", [
    "import clusterlab.grading",
    "import clusterlab.grading.checks as checks",
    "from clusterlab.grading.checks import check",
    "from clusterlab import grading",
    "from ...grading import rubric",  # relative, from clusterlab.casestudies.public
    "import importlib\nimportlib.import_module('clusterlab.grading.checks')",
    "import importlib\nimportlib.import_module('.grading', 'clusterlab')",
    "def f():\n    return __import__('clusterlab.grading')",
    "MODULES = {'rubric': ('..grading', 'Rubric')}",
])
def test_control_the_scan_finds_an_injected_reference(snippet):
    """Control: each way of reaching grading, injected into a module, is found."""
    assert grading_references(snippet), f"the scan missed: {snippet}"


@pytest.mark.parametrize("snippet", [
    "import clusterlab.widgets", "from ..schema import Case", "text = 'grading is done by instructors'",
    '"""Nothing here imports clusterlab.grading."""',
])
def test_the_scan_leaves_other_code_alone(snippet):
    assert grading_references(snippet) == []


#: Loads every module of the public app, then builds the landing page and every case story, section
#: by section, as the dashboard kernels do; prints the grading modules then loaded.
KERNEL_LIKE = """
import importlib, json, pkgutil, sys
{inject}
import clusterlab.casestudies.public as app
for info in pkgutil.iter_modules(app.__path__):
    importlib.import_module(f"{{app.__name__}}.{{info.name}}")
from clusterlab.casestudies.public import story
story.landing()
for name in story.CASES:
    page = story.CaseStory(name, defer=False)  # every section built at once
    for section in ("header", "timeline", "segments", "five_forces", "value_chain", "diamond", "before_after", "sources"):
        getattr(page, section)()
print(json.dumps(sorted(m for m in sys.modules if m == "clusterlab.grading" or m.startswith("clusterlab.grading."))))
"""


def grading_modules_loaded(inject: str = "") -> list[str]:
    env = {**os.environ, "CLUSTERLAB_PUBLIC_DASHBOARDS": "1"}
    done = subprocess.run([sys.executable, "-c", KERNEL_LIKE.format(inject=inject)], capture_output=True,
                          text=True, timeout=300, env=env, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_dashboards_load_nothing_from_grading():
    assert grading_modules_loaded() == []


def test_control_a_grading_import_is_seen():
    """Control: the same run with one grading import injected reports it."""
    assert "clusterlab.grading" in grading_modules_loaded("import clusterlab.grading")
