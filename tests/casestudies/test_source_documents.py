"""The catalogue of source documents (references/documents.yaml) and how sources are cited.

Every source that names a document takes the document's title and year from the catalogue; a case
citing a document the catalogue lacks does not load. The public pages cite a document by title,
year and section: its file name stays in the case files and in a data attribute, never in the
visible text or in a hover.
"""

from __future__ import annotations

import html
import json
import re

import pytest
import yaml
from pydantic import ValidationError

from clusterlab.casestudies import (
    CaseFileError,
    Source,
    case_path,
    list_cases,
    load_case,
    load_case_file,
    load_references,
)
from clusterlab.casestudies.schema import (
    CATALOGUE_FILE,
    document_catalogue,
    load_document_catalogue,
)

PUBLICATION = "000_2a945ab753eb11eb.txt"
CITED_AS = "CLUSTEM final publication (n.d.; reports on 2016–2017)"
FILE_NAMES = re.compile(r"00[0-9]_[0-9a-f]{16}\.txt")


def error_for(path) -> CaseFileError:
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    return info.value


# ------------------------------------------------------------------------------ the catalogue
def test_the_catalogue_lists_the_four_source_documents_with_the_years_they_state():
    docs = document_catalogue().documents
    assert {"000_2a945ab753eb11eb.txt", "001_83d11fce85c392fd.txt", "002_8f3f40128ed89ef5.txt",
            "003_3521f04c17025c64.txt"} <= set(docs)
    # none of the four states a date of publication: 'n.d.', never a guess
    assert {name: d.year for name, d in docs.items() if name.endswith(".txt")} == dict.fromkeys(
        ["000_2a945ab753eb11eb.txt", "001_83d11fce85c392fd.txt", "002_8f3f40128ed89ef5.txt",
         "003_3521f04c17025c64.txt"], "n.d.")
    assert docs[PUBLICATION].period == "2016–2017" and docs[PUBLICATION].year_text() == "n.d.; reports on 2016–2017"
    assert all(d.kind and d.title for d in docs.values())


def test_every_cited_document_is_in_the_catalogue_and_no_source_copies_a_year():
    known = set(document_catalogue().documents)
    texts = [case_path(name).read_text(encoding="utf-8") for name in list_cases()]
    texts.append((CATALOGUE_FILE.parent / "figures.yaml").read_text(encoding="utf-8"))
    for text in texts:
        for document in re.findall(r"^\s+document: (.+)$", text, flags=re.M):
            assert document.strip() in known
    for name in list_cases():
        for source in load_case(name).bibliography():
            assert "year" not in source.model_dump()
            if source.document:
                assert source.catalogued is document_catalogue().get(source.document)
    assert load_references().places[0].figures[0].source.catalogued.title == "CLUSTEM final publication"


def test_a_case_citing_a_document_the_catalogue_lacks_does_not_load(write_case):
    def cite_unknown(d):
        d["key_figures"][2]["source"] = {"document": "000_2a945ab753eb11eb.pdf", "section": "Igualada case"}

    path = write_case(cite_unknown)
    err = error_for(path)
    assert err.field == "key_figures[2].source"
    assert "'000_2a945ab753eb11eb.pdf' is not in the catalogue of source documents" in err.reason
    assert "casestudies/references/documents.yaml" in err.reason and "did you mean '000_2a945ab753eb11eb.txt'" in err.reason
    assert "source:" in path.read_text(encoding="utf-8").splitlines()[err.line - 1]


def test_a_source_has_no_year_of_its_own(write_case):
    def add_year(d):
        d["key_figures"][0]["source"] = {**d["key_figures"][0]["source"], "year": 2017}

    err = error_for(write_case(add_year))
    assert err.field == "key_figures[0].source"
    assert "a source has no `year`" in err.reason and "documents.yaml" in err.reason


def test_a_series_needs_the_date_of_the_item_cited():
    with pytest.raises(ValidationError, match="is a series: give the `date`"):
        Source(document="Hansard (UK Parliament)", title="A debate", section="debate of 2 December 2014")
    debate = Source(document="Hansard (UK Parliament)", title="A debate", section="debate of 2 December 2014",
                    date="2014-12-02")
    assert debate.year == 2014 and str(debate) == "A debate, in Hansard (2014), debate of 2 December 2014"


@pytest.mark.parametrize("entry, fragment", [
    ({"title": "T", "kind": "k"}, "give the year of publication as the document states it"),
    ({"title": "T", "kind": "k", "year": "2017?"}, "must be one of 'n.d.'"),
    ({"title": "T", "kind": "k", "series": True, "year": 2014}, "a series has no year of its own"),
    ({"title": "T", "year": 2017}, "the required field `kind` is missing"),
    ({"title": "T", "kind": "k", "year": 2017, "yaer": 1}, "did you mean `year`?"),
])
def test_a_broken_catalogue_names_its_file_field_and_line(tmp_path, entry, fragment):
    path = tmp_path / "documents.yaml"
    path.write_text(yaml.safe_dump({"documents": {"doc.txt": entry}}), encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_document_catalogue(path)
    err = info.value
    assert err.file == str(path) and err.field.startswith("documents['doc.txt']") and err.line
    assert fragment in str(err)


# ------------------------------------------------------------------------------- the citation
def test_a_document_is_cited_by_title_year_and_section_and_traced_by_file_name():
    s = Source(document=PUBLICATION, section="Igualada case, historical legacy, lines 3311–3337")
    assert str(s) == f"{CITED_AS}, Igualada case, historical legacy"
    assert s.year is None  # the document gives no year of publication
    assert s.trace == f"{PUBLICATION}, Igualada case, historical legacy, lines 3311–3337"
    web = Source(title="Regió7: a new cluster", url="https://www.regio7.cat/x", date="2018-09-17")
    assert str(web) == "Regió7: a new cluster, 2018-09-17, https://www.regio7.cat/x" and web.year == 2018


def test_the_lessons_figure_card_keeps_the_file_name_for_checking():
    f = load_case("igualada").figure("firms-1950s")
    card = f._repr_html_()
    assert CITED_AS in card and PUBLICATION in card and "lines 3311–3337" in card


# --------------------------------------------------------------------------- the public pages
def _visible(markup: str) -> str:
    """The text a visitor reads: tags and their attributes removed, except the hover (title) texts."""
    hovers = " ".join(re.findall(r'title="([^"]*)"', markup))
    return html.unescape(re.sub(r"<[^>]+>", " ", markup) + " " + hovers)


def _page_texts(shown) -> list[str]:
    """Everything a section shows or shows on hover: HTML, widget texts, chart labels and hover texts."""
    from clusterlab.casestudies.public.deferral import as_widget, walk

    out = []
    for item in walk(as_widget(shown)):
        if isinstance(getattr(item, "value", None), str):
            out.append(_visible(item.value))
        for key in ("description", "tooltip"):
            if isinstance(getattr(item, key, None), str):
                out.append(item.__getattribute__(key))
        if hasattr(item, "_widget_data"):
            out.append(_visible(json.dumps([{k: t.get(k) for k in ("text", "hovertext", "name")}
                                            for t in item._widget_data], ensure_ascii=False)))
            out.append(_visible(json.dumps(item._layout, ensure_ascii=False)))
        if hasattr(item, "options") and isinstance(item.options, (list, tuple)):
            out.append(json.dumps(item.options, ensure_ascii=False, default=str))
    return out


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_no_public_page_shows_a_file_name_as_a_citation(name):
    from clusterlab.casestudies.public import story

    page = story.CaseStory(name, defer=False)
    sections = ("header", "timeline", "segments", "five_forces", "value_chain", "diamond", "before_after",
                "sources")
    texts = {s: _page_texts(getattr(page, s)()) for s in sections}
    texts["tables"] = [_visible(page._timeline_table()), _visible(page._outcomes_table()),
                       _visible(page._five_forces_table())]
    for section, shown in texts.items():
        leaked = [FILE_NAMES.search(t)[0] for t in shown if FILE_NAMES.search(t)]
        assert not leaked, f"{name}, {section}: a source is shown as a file name ({leaked[0]})"
    sources = page.sources().data
    assert CITED_AS in _visible(sources)
    assert f'data-document="{PUBLICATION}"' in sources  # kept for the course's own checking, not shown
    charts = " ".join(t for s in sections[1:-1] for t in texts[s])
    assert "CLUSTEM final publication (n.d.;" in charts  # the components' hover texts cite the same way
    assert f'title="Source: {html.escape(CITED_AS)}' in page.header().data


def test_the_landing_page_shows_no_file_name():
    from clusterlab.casestudies.public import story

    assert not FILE_NAMES.search(_visible(story.landing().data))
