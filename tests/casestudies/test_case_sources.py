"""The case figures checked against the text of the source documents they cite, and the figures
the lessons read. In CI the source documents must be present (../shared/sources); elsewhere the
check is skipped with its reason."""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from pathlib import Path

import pytest

from clusterlab.casestudies import (
    CASES_DIR,
    REFERENCES_FILE,
    Source,
    list_cases,
    load_references,
)

REPO = Path(__file__).resolve().parents[2]
PUBLICATION = "000_2a945ab753eb11eb.txt"
STRATEGY_SLIDES = "001_83d11fce85c392fd.txt"


# --------------------------------------------------------- numbers against the source text
SOURCES_ENV = "CLUSTERLAB_SOURCES_DIR"
DEFAULT_SOURCES = REPO.parent / "shared" / "sources"


def in_ci() -> bool:
    """True when the variable CI is set to something other than an empty, '0', 'false' or 'no'."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def sources_dir() -> Path:
    """The folder of the source documents, or skip (fail in CI) with the reason.

    ``CLUSTERLAB_SOURCES_DIR`` overrides the default ``<repo>/../shared/sources/``.
    """
    override = os.environ.get(SOURCES_ENV)
    folder = Path(override) if override else DEFAULT_SOURCES
    if (folder / PUBLICATION).is_file() and (folder / STRATEGY_SLIDES).is_file():
        return folder
    how = f"{SOURCES_ENV}={override}" if override else f"the default {DEFAULT_SOURCES}"
    reason = (f"source documents not found in {folder} (from {how}); put the shared folder next to the "
              f"repository or set {SOURCES_ENV}")
    if in_ci():
        pytest.fail(f"CI is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def source_lines():
    """``source_lines(document, first, last)``: the text of those lines (1-based, inclusive).

    The folder is looked up inside the test, so that missing documents make the test itself fail
    in CI (or skip outside CI), not its setup.
    """

    def lines(document: str, first: int, last: int) -> str:
        path = sources_dir() / document
        if path not in _SOURCE_CACHE:
            _SOURCE_CACHE[path] = path.read_text(encoding="utf-8").splitlines()
        return "\n".join(_SOURCE_CACHE[path][first - 1:last])

    return lines


_SOURCE_CACHE: dict[Path, list[str]] = {}


def test_sources_dir_fails_in_ci_and_skips_outside(monkeypatch, tmp_path):
    monkeypatch.setenv(SOURCES_ENV, str(tmp_path / "nowhere"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        sources_dir()
    for off in ("", "false", "0"):
        monkeypatch.setenv("CI", off)
        with pytest.raises(pytest.skip.Exception, match=SOURCES_ENV):
            sources_dir()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="nowhere"):
        sources_dir()


def test_sources_dir_override_and_default(monkeypatch, tmp_path):
    for name in (PUBLICATION, STRATEGY_SLIDES):
        (tmp_path / name).write_text("x", encoding="utf-8")
    monkeypatch.setenv(SOURCES_ENV, str(tmp_path))
    assert sources_dir() == tmp_path
    monkeypatch.delenv(SOURCES_ENV)
    assert DEFAULT_SOURCES == REPO.parent / "shared" / "sources"
    if (DEFAULT_SOURCES / PUBLICATION).is_file():
        assert sources_dir() == DEFAULT_SOURCES


WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def spellings(value: float, unit: str) -> set[str]:
    out = set()
    values = [value]
    if "million" in unit:
        values.append(value * 1_000_000)
    for v in values:
        if float(v).is_integer():
            i = int(abs(round(v)))
            out |= {str(i), f"{i:,}", f"{i:,}".replace(",", ".")}
            if i < len(WORDS):
                out.add(WORDS[i])
        else:
            text = f"{abs(v)}"
            out |= {text, text.replace(".", ",")}
    return out


def number_in(text: str, value: float, unit: str) -> bool:
    return any(re.search(r"(?<![\d.,])" + re.escape(x) + r"(?!\d)", text, re.I) for x in spellings(value, unit))


def cited_lines(source: Source) -> tuple[int, int]:
    return tuple(map(int, re.search(r"lines (\d+)–(\d+)", source.section).groups()))


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_published_numbers_appear_in_the_cited_lines(cases, name, source_lines):
    checked = 0
    for n in cases[name].figures():
        s = n.source
        if n.basis != "published" or s.document not in (PUBLICATION, STRATEGY_SLIDES):
            continue
        first, last = cited_lines(s)
        assert number_in(source_lines(s.document, first, last), n.value, n.unit), \
            f"{name}: {n.path} = {n.value} not found in {s.document} lines {first}–{last}"
        checked += 1
    assert checked >= 5


def test_reference_numbers_appear_in_the_cited_lines(source_lines):
    checked = 0
    for place in load_references().places:
        for f in place.figures:
            if f.basis_of("value") != "published" or f.source.document not in (PUBLICATION, STRATEGY_SLIDES):
                continue
            first, last = cited_lines(f.source)
            assert number_in(source_lines(f.source.document, first, last), f.value, f.unit), \
                f"{place.id}/{f.id} = {f.value} not found in lines {first}–{last}"
            checked += 1
    assert checked >= 5


def test_the_corrected_citations_match_the_source_text(source_lines):
    """The facts behind the fact-check corrections, read in the source lines the cases now cite."""
    members = source_lines(PUBLICATION, 215, 217)
    assert "80 member" in members and "480" in members and "2011-2014" in members
    assert "80" not in source_lines(PUBLICATION, 213, 214)  # 213–214 are the trends, not the members
    industry_first = source_lines(PUBLICATION, 3464, 3467)
    assert "cluster organization" in industry_first and "industry" in industry_first
    assert "municipality" not in industry_first.lower()
    footnote = source_lines(PUBLICATION, 3319, 3319)
    assert "Etzkowitz (1993)" in footnote and "Leydesdorff (1995)" in footnote
    assert "Leydesdorff (1993" not in footnote
    decline = source_lines(PUBLICATION, 374, 376)
    assert "coalfields" in decline and "synthetics" in decline and "196" not in decline
    hamburg = source_lines(PUBLICATION, 1624, 1627)
    assert "3-4%" in hamburg and "10% is from services" in hamburg and "around 20%" in hamburg
    assert "30.000 inhabitants" in source_lines(PUBLICATION, 3316, 3316)


# -------------------------------------------------------------------------- packaging
def test_case_files_match_the_package_data_patterns():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["clusterlab.casestudies"]
    files = sorted(CASES_DIR.glob("*/case.yaml"))
    assert [f.parent.name for f in files] == list_cases()
    for f in files + [REFERENCES_FILE]:
        relative = f.relative_to(CASES_DIR).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


# ------------------------------------------------------------ figures the Module 1 lessons use
#: (case, figure id) -> (value, year, unit) for every case number the Module 1 notebooks quote or
#: compute with, so that a lesson can read it with ``load_case(case).figure(id)``.
LESSON_FIGURES = {
    # notebook 01: Prato, the textbook district
    ("prato", "district-comuni"): (12, 2000, "comuni"),
    ("prato", "district-area"): (700, None, "km²"),
    ("prato", "district-population"): (300000, None, "inhabitants"),
    ("prato", "establishments-2021"): (6627, 2021, "establishments"),
    ("prato", "employees-2021"): (41251, 2021, "employees"),
    ("prato", "arpat-machinery-firms"): (200, None, "firms"),
    ("prato", "otir-partners"): (6, 2011, "partners"),
    # notebook 02: Prato's three layers, and Huddersfield
    ("prato", "tfc-members"): (80, 2017, "companies"),
    ("prato", "tfc-network-2011-2014"): (480, 2014, "companies"),
    ("huddersfield", "tcoe-members"): (108, 2017, "companies"),
    ("huddersfield", "lcr-textile-businesses"): (365, None, "businesses"),
    ("huddersfield", "lcr-textile-employees"): (6500, None, "employees"),
    # notebook 03: Igualada and Huddersfield on the lifecycle
    ("igualada", "population-clustem"): (30000, None, "inhabitants"),
    ("igualada", "population-2025"): (42085, 2025, "inhabitants"),
    ("igualada", "distance-barcelona"): (60, None, "km"),
    ("igualada", "tanning-tradition"): (7, None, "centuries"),
    ("igualada", "firms-1950s"): (268, 1950, "firms"),
    ("igualada", "workers-1950s"): (1000, 1950, "people"),
    ("igualada", "firms-today"): (28, 2017, "firms"),
    ("igualada", "direct-jobs-today"): (800, 2017, "people"),
    ("igualada", "indirect-jobs-today"): (1200, 2017, "people"),
    ("huddersfield", "textile-workers-1911"): (22000, 1911, "people"),
    ("huddersfield", "tcoe-investment"): (2, 1999, "GBP million"),
    # notebook 04: money and quick wins
    ("huddersfield", "tcoe-turnover-2015"): (1.26, 2015, "GBP million"),
    ("huddersfield", "tcoe-public-share-2015"): (70, 2015, "%"),
    ("huddersfield", "tcoe-private-share-2015"): (30, 2015, "%"),
    ("igualada", "treatment-plant-cost-usd"): (17, None, "USD million"),
    ("igualada", "treatment-plant-build-time"): (10, None, "years"),
}


@pytest.mark.parametrize(("case_id", "figure_id"), sorted(LESSON_FIGURES))
def test_lesson_figures_are_sourced_key_figures(cases, case_id, figure_id):
    f = cases[case_id].figure(figure_id)
    value, year, unit = LESSON_FIGURES[(case_id, figure_id)]
    assert (f.value, f.year, f.unit) == (value, year, unit)
    assert f.basis_of("value") == "published"
    assert (f.source.document and f.source.section) or f.source.url
    assert f.year is not None or f.note  # an undated figure says why
    assert isinstance(f.value, float) and f.value == value  # usable in computations


def test_lesson_ratios_compute_from_the_case_files(cases):
    prato, igualada = cases["prato"], cases["igualada"]
    establishments = prato.figure("establishments-2021").value
    assert round(prato.figure("tfc-members").value / establishments, 3) == 0.012
    assert round(prato.figure("tfc-network-2011-2014").value / establishments, 3) == 0.072
    firms = (igualada.figure("firms-1950s").value, igualada.figure("firms-today").value)
    jobs = (igualada.figure("workers-1950s").value, igualada.figure("direct-jobs-today").value)
    assert [round(j / n, 1) for j, n in zip(jobs, firms)] == [3.7, 28.6]
