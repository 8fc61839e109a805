"""Lessons read case figures from the case files: no figure is copied into lesson code."""

from __future__ import annotations

import io
import re
import tokenize

import nbformat
import pytest

from clusterlab.casestudies import load_case, load_reference
from clusterlab.figures import budget_mix, ratio_table
from clusterlab.syllabus import lessons

NUMBER = re.compile(r"(?<![\w.\-])\d[\d,_]*(?:\.\d+)?(?![\w\-])")


def code_without_text(source: str) -> str:
    """The code with its string literals and comments removed (labels may name a year)."""
    kept = [tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type not in (tokenize.STRING, tokenize.COMMENT)]
    return " ".join(kept)


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson.id)
def test_no_lesson_code_cell_holds_a_figure(lesson):
    for cell in nbformat.read(lesson.path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        numbers = [n for n in NUMBER.findall(code_without_text(cell.source)) if n not in ("0", "1")]
        assert not numbers, f"{lesson.file}: a code cell holds the number(s) {numbers}; read figures from a case file"


def test_the_number_scan_can_fail():
    """Control: the scan finds a figure copied into code, as lessons once did."""
    assert NUMBER.findall(code_without_text("prato_establishments_2021 = 6627   # source")) == ["6627"]


def test_ratio_table_computes_from_the_case_files_and_cites_each_figure():
    prato = load_case("prato")
    whole, members = prato.figure("establishments-2021"), prato.figure("tfc-members")
    html = ratio_table([("Members", members, whole)]).data
    assert f"{members.value / whole.value:.1%}" in html
    assert str(whole.source).split(",")[0] in html and str(members.source).split(",")[0] in html


def test_a_correction_in_a_case_file_changes_the_lesson(monkeypatch):
    """One source for each figure: change the value in the case and the computed share follows."""
    prato = load_case("prato")
    whole = prato.figure("establishments-2021").model_copy(update={"value": 8000})
    html = ratio_table([("Members", prato.figure("tfc-members"), whole)]).data
    assert f"{prato.figure('tfc-members').value / 8000:.1%}" in html


def test_budget_mix_adds_private_shares_and_leaves_the_rest_to_public_money():
    h = load_reference("hamburg-aviation")
    private = [h.figure(f) for f in ("membership-share", "services-events-share", "company-services-share")]
    html = budget_mix(private=private, public=[h.figure("eu-projects-share")]).data
    assert "Private: about 23.5 %. Public: about 76.5 %." in html
    assert "The rest (other public money)</td><td>public</td><td>about 56.5 %" in html
    with pytest.raises(ValueError, match="not a share"):
        budget_mix(private=[load_case("prato").figure("establishments-2021")], public=[])
