"""The case data model on its own: sources, basis rules, figures, dates and cross-field rules."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clusterlab.casestudies import (
    FORCES,
    Case,
    FiveForces,
    KeyFigure,
    Observation,
    Outcome,
    Source,
    TimelineEvent,
    load_case,
)

DOC = {"document": "000_2a945ab753eb11eb.txt", "section": "Igualada case, lines 3311–3548"}


def figure(**changes) -> dict:
    data = {"id": "firms", "label": "Firms", "value": 28, "unit": "firms", "year": 2017,
            "source": DOC, "basis": "published"}
    data.update(changes)
    return data


# ------------------------------------------------------------------------------- Source
def test_source_needs_document_and_section_or_url():
    Source(**DOC)
    Source(url="https://example.org/page")
    with pytest.raises(ValidationError, match="document and a section, or a url"):
        Source()
    with pytest.raises(ValidationError, match="section"):
        Source(document="000_2a945ab753eb11eb.txt")
    with pytest.raises(ValidationError, match="http"):
        Source(url="www.example.org")


def test_source_renders_a_readable_citation():
    # title and year from the catalogue of source documents; the file name and lines only in the trace
    assert str(Source(**DOC)) == "CLUSTEM final publication (n.d.; reports on 2016–2017), Igualada case"
    assert Source(**DOC).trace == "000_2a945ab753eb11eb.txt, Igualada case, lines 3311–3548"
    part = Source(**DOC, title="The Igualada case")
    assert str(part) == "The Igualada case, in CLUSTEM final publication (n.d.; reports on 2016–2017), Igualada case"
    web = Source(title="Regió7: a new cluster", url="https://www.regio7.cat/x", date="2018-09-17")
    assert str(web) == "Regió7: a new cluster, 2018-09-17, https://www.regio7.cat/x"
    assert str(Source(url="https://example.org/a")) == "https://example.org/a"


def test_source_refuses_unknown_fields():
    with pytest.raises(ValidationError, match="extra"):
        Source(url="https://example.org", publisher="x")


# ------------------------------------------------------------------------ basis rules
def test_reconstruction_needs_a_note():
    with pytest.raises(ValidationError, match="note"):
        KeyFigure(**figure(basis="reconstructed"))
    KeyFigure(**figure(basis="reconstructed", note="Estimated by the course from the 1950s count."))


def test_reconstructed_fields_must_exist_and_need_a_note():
    with pytest.raises(ValidationError, match="not a field"):
        KeyFigure(**figure(reconstructed_fields=["colour"], note="x"))
    with pytest.raises(ValidationError, match="note"):
        KeyFigure(**figure(reconstructed_fields=["year"]))
    with pytest.raises(ValidationError, match="already 'reconstructed'"):
        KeyFigure(**figure(basis="reconstructed", reconstructed_fields=["year"], note="x"))
    f = KeyFigure(**figure(reconstructed_fields=["year"], note="Year inferred."))
    assert f.basis_of("year") == "reconstructed" and f.basis_of("value") == "published"


def test_figure_without_year_needs_a_note():
    with pytest.raises(ValidationError, match="without a year"):
        KeyFigure(**figure(year=None))
    KeyFigure(**figure(year=None, note="The source gives no year."))
    with pytest.raises(ValidationError):  # the key must be written, even as null
        KeyFigure(**{k: v for k, v in figure().items() if k != "year"})


def test_figure_display():
    assert KeyFigure(**figure(value=1200, unit="workers", year=2018, qualifier="about")).display() == \
        "about 1,200 workers (2018)"
    assert KeyFigure(**figure(value=27.1, unit="%", year=None, note="n")).display() == "27.1 %"


def test_ids_are_slugs():
    with pytest.raises(ValidationError, match="lower case"):
        KeyFigure(**figure(id="Firms 1950"))


# ------------------------------------------------------------------------------ dates
@pytest.mark.parametrize("raw, stored", [(1994, "1994"), ("2018-09", "2018-09"), ("2013-12-01", "2013-12-01")])
def test_timeline_dates(raw, stored):
    event = TimelineEvent(date=raw, title="t", source=DOC, basis="published")
    assert event.date == stored and event.year == int(stored[:4])


def test_yaml_dates_are_accepted():
    import datetime

    assert TimelineEvent(date=datetime.date(2013, 12, 1), title="t", source=DOC, basis="published").date == \
        "2013-12-01"


@pytest.mark.parametrize("bad", ["1990s", "2018-13", "2019-02-30", "18-09", "mid-1970s"])
def test_bad_dates(bad):
    with pytest.raises(ValidationError):
        TimelineEvent(date=bad, title="t", source=DOC, basis="published")


def test_approximate_date_needs_a_label():
    with pytest.raises(ValidationError, match="date_label"):
        TimelineEvent(date="1950", approximate=True, title="t", source=DOC, basis="published")
    e = TimelineEvent(date="1950", approximate=True, date_label="1950s", title="t", source=DOC, basis="published")
    assert e.when == "1950s"


# --------------------------------------------------------------------------- outcomes
def test_outcome_rules():
    base = {"id": "o", "label": "Turnover", "subject": "Firm", "source": DOC, "basis": "published"}
    with pytest.raises(ValidationError, match="unit"):
        Outcome(**base, before={"year": 2003, "text": "3", "value": 3}, after={"year": 2015, "text": "54", "value": 54})
    with pytest.raises(ValidationError, match="before"):
        Outcome(**base, unit="x", before={"year": 2015, "text": "a"}, after={"year": 2003, "text": "b"})
    with pytest.raises(ValidationError, match="low"):
        Observation(year=2003, text="10–49", low=49, high=10)
    with pytest.raises(ValidationError, match="both"):
        Observation(year=2003, text="10–49", low=10)


# -------------------------------------------------------------------- rules across fields
def test_case_cross_checks_report_paths(igualada_data):
    import copy

    data = copy.deepcopy(igualada_data)
    data["five_forces"][0]["segment"] = "nowhere"
    data["strategic_options"][1]["segments"] = ["luxury", "elsewhere"]
    data["value_chain_ideal"]["stages"].pop()
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    cause = info.value.errors()[0]["ctx"]["error"]
    paths = [p for p, _ in cause.problems]
    assert "five_forces[0].segment" in paths
    assert "strategic_options[1].segments[1]" in paths
    assert "value_chain_ideal.stages" in paths


def test_five_forces_helpers(cases):
    ff: FiveForces = cases["igualada"].five_forces_for("shoe-leather")
    assert list(ff.scores()) == list(FORCES)
    assert 1 <= ff.mean_score() <= 5


def test_round_trip_through_json(cases):
    for case in cases.values():
        assert Case.model_validate_json(case.model_dump_json()) == case


def test_figures_cover_every_number_slot(cases):
    paths = [n.path for n in cases["igualada"].figures()]
    for prefix in ("key_figures[", "outcomes[", "five_forces[", "value_chain_today.stages[",
                   "value_chain_ideal.stages[", "diamond_today.", "diamond_ideal.", "purchasing_criteria[",
                   "strategic_options["):
        assert any(p.startswith(prefix) for p in paths), prefix


def test_figures_table(cases):
    table = cases["prato"].figures_table()
    assert list(table.columns) == ["path", "label", "value", "unit", "year", "basis", "source", "note"]
    assert len(table) == len(list(cases["prato"].figures()))
    assert set(table["basis"]) == {"published", "reconstructed"}


def test_lookups(cases):
    igualada = load_case("igualada")
    assert igualada.figure("firms-today").value == 28
    with pytest.raises(KeyError, match="no key figure"):
        igualada.figure("nope")
    assert igualada.segment("luxury").label == "Ideal 1"
    assert igualada.outcome("badia-turnover").after.value == 54
    dates = [e.date for e in igualada.timeline_sorted()]
    assert dates == sorted(dates, key=lambda d: d.ljust(10))
    gaps = igualada.value_chain_gaps()
    assert gaps and all(g["gap"] == g["ideal"] - g["today"] for g in gaps)


# ------------------------------------------------------------------ showing a figure
def test_display_is_plain_text():
    assert KeyFigure(**figure(value=1200, qualifier="about", unit="workers", year=2018)).display() == \
        "about 1,200 workers (2018)"
    assert KeyFigure(**figure(value=2.11, unit="%", year=None, note="No year.")).display() == "2.11 %"


def test_html_card_shows_value_unit_year_basis_and_a_linked_source():
    web = {"title": "Il Manifesto <data>", "url": "https://example.org/a?b=1&c=\"2\"", "date": "2024-10-17",
           "certainty": "excerpt"}
    f = KeyFigure(**figure(id="est", label="Establishments & firms", value=6627, unit="establishments",
                           year=2021, source=web, note="Search excerpt <only>."))
    card = f._repr_html_()
    assert "Establishments &amp; firms" in card and "<data>" not in card and "&lt;data&gt;" in card
    assert "6,627 establishments" in card and "Year: 2021" in card and "Basis: published" in card
    assert 'href="https://example.org/a?b=1&amp;c=&quot;2&quot;"' in card
    assert "2024-10-17" in card and "Search excerpt &lt;only&gt;." in card
    assert 'data-figure-id="est"' in card
    assert f.value / 80 == pytest.approx(82.8375)  # the number stays a number


def test_html_card_says_what_the_course_reconstructed():
    inferred = KeyFigure(**figure(qualifier="about", reconstructed_fields=["year"], note="Year inferred."))
    card = inferred._repr_html_()
    assert "about 28 firms" in card and "year inferred by the course" in card
    assert "000_2a945ab753eb11eb.txt" in card and "lines 3311–3548" in card and "href" not in card
    whole = KeyFigure(**figure(basis="reconstructed", note="Estimated by the course."))
    assert "Basis: reconstructed by the course" in whole._repr_html_()
    value = KeyFigure(**figure(value=3.5, reconstructed_fields=["value"], note="Middle of a range."))
    assert "value reconstructed by the course" in value._repr_html_()
    undated = KeyFigure(**figure(year=None, note="The source gives no year."))
    assert "Year: no year given" in undated._repr_html_()


def test_shipped_figures_render():
    import html

    for name in ("igualada", "prato", "huddersfield"):
        for f in load_case(name).key_figures:
            card = f._repr_html_()
            assert html.escape(f.label) in card and html.escape(f.unit) in card, (name, f.id)
            assert ("<a href=" in card) == bool(f.source.url), (name, f.id)
