"""The regional mapper: its model on the course's 2015 snapshot, and its view (controls, table, chart, export)."""

from __future__ import annotations

import datetime
import io
import pathlib
import json
import re

import pandas as pd
import pytest

from clusterlab.regional_data import SOURCE, load_employment
from clusterlab.widgets import CASE_REGIONS, ComponentError, RegionalMapper, RegionalMapperModel, WorkStore

CONTROL_DESCRIPTIONS = {
    "industry": "Industry", "reference": "Reference area", "denominator": "Denominator", "custom_codes": "Codes",
    "level": "NUTS level", "lq_threshold": "LQ for a star", "size_top_share": "Size: top",
    "focus_top_share": "Focus: top", "y_axis": "Vertical axis", "rows": "Rows shown",
}


@pytest.fixture(scope="module")
def frame():
    return load_employment()


@pytest.fixture
def model(frame):
    return RegionalMapperModel(frame)


def row(table: pd.DataFrame, region: str) -> pd.Series:
    return table.set_index("region").loc[region]


def table_regions(view) -> list[str]:
    """The region codes of the table's rows, in order (the code is in brackets after the name)."""
    return re.findall(r"<tr[^>]*><td>\d+</td><td>[^<]*\((\w+)\)", view.table.value)


# -- the model on the real snapshot ---------------------------------------------------------------
def test_leather_puts_toscana_high_with_three_stars(model):
    table = model.update(industry="C15", reference="country", denominator="manufacturing", level=2)
    toscana = row(table, "ITI1")
    assert toscana["lq"] == pytest.approx(3.92, abs=0.005)
    assert toscana["stars"] == 3
    assert list(table["region"]).index("ITI1") < 10
    assert row(table, "ES51")["lq"] == pytest.approx(0.30, abs=0.005)
    assert table.attrs["industry_codes"] == ("C15",) and table.attrs["denominator"] == "manufacturing"


def test_reference_area_changes_the_order(model):
    own = model.update(industry="C15", reference="country")
    europe = model.update(reference="all")
    assert own["region"].iloc[0] == "EL53"  # Dytiki Makedonia: 6.64 against Greece
    assert europe["region"].iloc[0] == "ITI3"  # Marche: 9.8 against Europe
    assert row(europe, "ITI1")["lq"] == pytest.approx(8.73, abs=0.01)  # 24 countries in both totals
    assert list(own["region"][:5]) != list(europe["region"][:5])
    assert set(europe["reference"]) == {"all countries"}


def test_a_group_adds_its_industries(model):
    table = model.update(industry="C13+C14+C15")
    assert row(table, "ITI1")["employment"] == 22616 + 31577 + 42770
    assert model.industry_label() == "Textiles, apparel and leather (C13+C14+C15)"
    assert model.update(industry=["c13", "C14", "C15"]) is model.ranking
    assert model.settings["industry"] == "C13+C14+C15"


def test_missing_values_stay_missing_with_a_reason(model):
    table = model.update(industry="C15", reference="country")
    yorkshire = row(table, "UKE4")
    assert pd.isna(yorkshire["lq"]) and pd.isna(yorkshire["stars"])
    assert "not available" in yorkshire["missing"] and "UK" in yorkshire["missing"]
    missing = table[table["missing"] != ""]
    assert len(missing) > 50 and missing["lq"].isna().all()  # never 0 where a figure is missing


def test_custom_denominator_and_level_one(model):
    table = model.update(industry="C15", denominator="custom", custom_codes="c, f")
    assert model.settings["custom_codes"] == "C, F"
    assert table.attrs["denominator_codes"] == ("C", "F")
    level1 = model.update(level=1, denominator="manufacturing")
    assert set(level1["level"]) == {1}
    notes = dict(zip(level1["region"], model.highlighted()))
    assert notes["ITI"] == "contains Prato's region" and notes["UKE"] == "contains Huddersfield's region"
    assert notes["ITC"] is None


def test_highlight_accepts_other_regions(frame):
    model = RegionalMapperModel(frame, highlight=["ITI3", "ES52"], industry="C15")
    marked = [r for r, n in zip(model.ranking["region"], model.highlighted()) if n is not None]
    assert sorted(marked) == ["ES52", "ITI3"]
    assert RegionalMapperModel(frame, highlight=[]).highlight == {}
    assert RegionalMapperModel(frame).highlight == CASE_REGIONS


def test_shown_rows_are_the_top_and_the_highlighted_regions_further_down(model):
    model.update(industry="C15", rows=10)
    top, later = model.shown()
    assert len(top) == 10 and "ITI1" in set(top["region"])
    assert list(later["region"]) == ["ES51", "UKE4"]


@pytest.mark.parametrize("controls, fragment", [
    (dict(industry="Z99"), "no industry Z99"),
    (dict(industry=15), "industry codes such as 'C15'"),
    (dict(industry=""), "empty"),
    (dict(industry="C1+C15"), "no industry C1"),
    (dict(industry="C+C15"), "counted twice"),
    (dict(industry="G46"), "not part of the denominator"),
    (dict(reference="moon"), "reference area must be one of 'country'"),
    (dict(denominator="everything"), "denominator must be one of 'manufacturing'"),
    (dict(denominator="total"), "no total of all activities"),
    (dict(denominator="custom"), "Give the codes"),
    (dict(denominator="custom", custom_codes="C 15!"), "not an industry code"),
    (dict(level=4), "NUTS level must be 1"),
    (dict(level=True), "NUTS level must be 1"),
    (dict(lq_threshold="two"), "must be a number"),
    (dict(lq_threshold=-1), "between 0.1 and 20"),
    (dict(size_top_share=0), "between 0.01 and 1"),
    (dict(focus_top_share=float("nan")), "ordinary number"),
    (dict(y_axis="lq"), "vertical axis must be one of 'focus'"),
    (dict(rows=0), "between 1 and 1000"),
    (dict(colour="red"), "no control called 'colour'"),
])
def test_bad_controls_are_refused_in_plain_words_and_change_nothing(model, controls, fragment):
    before, table = dict(model.settings), model.ranking
    with pytest.raises(ComponentError, match=re.escape(fragment)):
        model.update(**controls)
    assert model.settings == before and model.ranking is table
    assert "Traceback" not in fragment


def test_settings_round_trip_and_lenient_restore(frame, model):
    model.update(industry="C14", reference="all", level=1, lq_threshold=1.5, rows=25)
    data = json.loads(json.dumps(model.to_dict()))
    again = RegionalMapperModel.from_dict(data, frame)
    assert again.settings == model.settings
    with pytest.raises(ComponentError):
        RegionalMapperModel.from_dict({"industry": "C15", "colour": 1}, frame)
    other = RegionalMapperModel(frame)
    assert other.apply_saved({"kind": "regional_mapper", "industry": "Z99", "reference": "all"}) == ["industry"]
    assert other.settings["reference"] == "all"


def test_own_figures_are_used(frame):
    own = frame[frame["region"].str.startswith(("IT", "ES"))].copy()
    own.attrs = {"source": "Your own figures: test.csv"}
    model = RegionalMapperModel(own, industry="C15")
    assert set(model.ranking["region"].str[:2]) == {"IT", "ES"}
    assert model.source == "Your own figures: test.csv"
    with pytest.raises(ComponentError, match="must be a table"):
        RegionalMapperModel("figures.csv")


OWN_CSV = """region,name,level,industry,persons employed
VL,Valmora,0,C,400000
VL,Valmora,0,C13,20000
VL01,North district,3,C,60000
VL01,North district,3,C13,9000
VL02,South district,3,C,50000
VL02,South district,3,C13,c
"""


def test_own_figures_at_level_three_are_ranked_with_their_gaps(errors_of):
    mine = load_employment(OWN_CSV.encode(), name="mine.csv")
    view = RegionalMapper(frame=mine, highlight=[])
    assert view.model.levels == [3] and view.model.settings["level"] == 3
    assert view.model.settings["industry"] == "C13"  # the textile group is not in these figures
    assert [o[1] for o in view.controls["level"].options] == [3]
    north, south = (row(view.last_ranking, r) for r in ("VL01", "VL02"))
    assert north["lq"] == pytest.approx((9000 / 60000) / (20000 / 400000))
    assert pd.isna(south["lq"]) and "confidential" in south["missing"]
    assert "mine.csv" in view.source_line.value and errors_of(view) == []


def test_csv_keeps_missing_cells_empty(model):
    model.update(industry="C15")
    table = pd.read_csv(io.StringIO(model.csv_text()), keep_default_na=False, na_values=[""])
    assert len(table) == len(model.ranking)
    assert row(table, "ITI1")["lq"] == pytest.approx(3.919309, abs=1e-6)
    assert row(table, "ITI1")["employment"] == 42770
    assert pd.isna(row(table, "UKE4")["lq"]) and "not available" in row(table, "UKE4")["missing"]
    assert set(table["source"]) == {SOURCE} and set(table["industry"]) == {"C15"}
    assert model.file_name() == "ranking-C15-country-nuts2.csv"


# -- the view ------------------------------------------------------------------------------------
def test_view_builds_with_its_classes_controls_and_source(errors_of):
    view = RegionalMapper()
    assert "clusterlab-regional-mapper" in view.widget._dom_classes
    assert "clusterlab-mapper-table" in view.table._dom_classes
    assert 'class="clusterlab-mapper-table"' in view.table.value
    assert {k: c.description for k, c in view.controls.items()} == CONTROL_DESCRIPTIONS
    assert SOURCE in view.source_line.value
    assert view.last_ranking is view.model.ranking
    assert len(view.figure.data) == 2 and len(view.figure.data[0].x) > 100
    assert errors_of(view) == []


def test_case_regions_are_highlighted_in_table_and_chart():
    view = RegionalMapper()
    view.controls["industry"].value = "C15"
    assert set(re.findall(r'data-highlight="(\w+)"', view.table.value)) == {"ES51", "ITI1", "UKE4"}
    assert "Prato&#x27;s region" in view.table.value
    assert sorted(view.figure.data[1].text) == ["Cataluña", "Toscana"]  # UKE4 has no LQ: not drawn
    assert "region(s) not drawn" in view.chart_note.value


def test_missing_values_show_a_dash_and_the_reason_not_zero():
    view = RegionalMapper()
    view.controls["industry"].value = "C15"
    uke4 = re.search(r'<tr[^>]*data-highlight="UKE4".*?</tr>', view.table.value).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", uke4)
    assert cells[3] == "—" and cells[6] == "—"  # LQ and stars
    assert "reference area UK: C15 not available" in cells[7]
    assert ">0<" not in uke4 and ">0.00<" not in uke4


def test_controls_redraw_the_table_and_chart_in_place():
    view = RegionalMapper()
    figure, regions = view.figure, view.figure.data[0]
    view.controls["industry"].value = "C15"
    first_rows, first_x = table_regions(view), list(regions.x)
    view.controls["reference"].value = "all"
    assert view.figure is figure and view.figure.data[0] is regions  # updated, not rebuilt
    assert table_regions(view)[0] == "ITI3" and first_rows[0] == "EL53"
    assert list(regions.x) != first_x
    assert view.last_ranking["reference"].iloc[0] == "all countries"
    assert "against Europe" in figure.layout.title.text
    view.controls["lq_threshold"].value = 3.0
    assert figure.layout.shapes[1].x0 == 3.0
    view.controls["y_axis"].value = "size"
    assert figure.layout.yaxis.title.text.startswith("Size")
    assert list(regions.y) == list(view.last_ranking.set_index("region").loc[
        [r for r in view.last_ranking.sort_values("employment", ascending=False, kind="stable")["region"]
         if r in set(view.last_ranking.dropna(subset=["lq", "size"]).query("lq > 0 and size > 0")["region"])], "size"])
    view.controls["rows"].value = 25
    assert len(table_regions(view)) >= 25
    view.controls["level"].value = 1
    assert set(view.last_ranking["level"]) == {1}


def test_a_refused_choice_shows_a_message_and_keeps_the_last_ranking(errors_of):
    view = RegionalMapper()
    before = view.table.value
    view.controls["industry"].value = "G46"
    assert any("not part of the denominator" in e for e in errors_of(view))
    assert view.table.value == before
    view.controls["denominator"].value = "business economy"
    assert errors_of(view) == []
    assert view.model.settings["industry"] == "G46"
    view.controls["denominator"].value = "custom"
    assert view.controls["custom_codes"].layout.display is None
    assert any("Give the codes" in e for e in errors_of(view))
    view.controls["custom_codes"].value = "G, C"
    assert errors_of(view) == [] and view.last_ranking.attrs["denominator_codes"] == ("G", "C")


def test_download_writes_the_csv_into_the_work_folder(work_folder):
    view = RegionalMapper()
    view.controls["industry"].value = "C15"
    view.download.click()
    path = work_folder / "regional-mapper" / "ranking-C15-country-nuts2.csv"
    assert path.is_file() and view.last_export == path
    assert str(path) in view.download_note.value
    assert 'download="ranking-C15-country-nuts2.csv"' in view.download_note.value
    table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    assert row(table, "ITI1")["stars"] == 3 and pd.isna(row(table, "UKE4")["lq"])


def test_settings_are_kept_between_sittings(work_folder):
    view = RegionalMapper(save_key="m2-mapper")
    view.controls["industry"].value = "C15"
    view.controls["reference"].value = "all"
    saved = WorkStore("m2-mapper").load()
    assert saved["industry"] == "C15" and saved["reference"] == "all"
    later = RegionalMapper(save_key="m2-mapper")
    assert later.controls["industry"].value == "C15" and later.controls["reference"].value == "all"
    assert table_regions(later)[0] == "ITI3"


def test_saved_settings_that_do_not_fit_are_left_out(frame, work_folder, errors_of):
    WorkStore("m2-mapper").save({"kind": "regional_mapper", "industry": "C15", "reference": "all"})
    own = frame[~frame["nace"].isin(["C15"])].copy()
    view = RegionalMapper(frame=own, save_key="m2-mapper")
    assert view.model.settings["reference"] == "all"
    assert any("left out: industry" in e for e in errors_of(view))


def test_a_bad_table_is_reported_in_the_widget_with_the_course_figures_instead(errors_of):
    view = RegionalMapper(frame="not a table")
    assert any("must be a table" in e and "own figures are shown instead" in e for e in errors_of(view))
    assert view.controls and view.last_ranking is not None


def test_read_only_disables_the_controls():
    view = RegionalMapper(read_only=True)
    assert all(c.disabled for c in view.controls.values())


def test_settings_given_as_a_dictionary_use_the_views_figures(frame, errors_of):
    own = frame[frame["region"].str.startswith(("IT", "ES"))].copy()
    view = RegionalMapper({"industry": "C15", "reference": "all"}, frame=own)
    assert set(view.last_ranking["region"].str[:2]) == {"IT", "ES"} and view.model.settings["reference"] == "all"
    bad = RegionalMapper({"industry": "C15", "colour": "red"})
    assert any("unknown field" in e for e in errors_of(bad)) and bad.last_ranking is not None


def test_download_still_offers_the_file_when_the_work_folder_cannot_be_used(tmp_path, monkeypatch):
    view = RegionalMapper()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(blocked))
    view.download.click()
    assert "could not be written to your work folder" in view.download_note.value
    assert "is a file, not a folder" in view.download_note.value and "data:text/csv" in view.download_note.value
    assert view.last_export is None


# -- the trainee's own figures, uploaded ------------------------------------------------------------
EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "modules" / "02-initiative-screening" / "own-figures-example.csv"
TOTAL_ONLY = (b"region,level,industry,persons employed\nVL,0,TOTAL,1000\nVL,0,C13,100\nVL01,3,TOTAL,400\n"
              b"VL01,3,C13,80\nVL02,3,TOTAL,600\nVL02,3,C13,20\n")


def _upload(view, data: bytes, name: str) -> None:
    """Choose a file with the view's upload control, as the trainee does."""
    view.upload.value = ({"name": name, "type": "text/csv", "size": len(data), "content": memoryview(data),
                          "last_modified": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)},)


def test_the_upload_control_ranks_the_example_file(errors_of):
    view = RegionalMapper(save_as="m2-upload-test")
    assert view.upload.description == "Upload your own figures (CSV or spreadsheet)"
    assert view.upload.accept == ".csv,.txt,.xlsx" and view.back.layout.display == "none"
    _upload(view, EXAMPLE.read_bytes(), "own-figures-example.csv")
    assert not errors_of(view) and view.model.own_figures
    table = view.last_ranking
    assert set(table["region"]) == {"VL01", "VL02", "VL03"} and view.model.settings["level"] == 3
    assert view.controls["level"].value == 3 and view.controls["industry"].value == "C13+C14+C15"
    assert row(table, "VL02")["lq"] > 0 and table.attrs["source"].endswith("own-figures-example.csv")
    assert "VL02" in view.table.value and "own-figures-example.csv" in view.source_line.value
    assert view.upload.value == () and view.back.layout.display is None
    view.back.click()
    assert not view.model.own_figures and "ITI1" in set(view.last_ranking["region"])
    assert view.controls["level"].value == 2 and view.back.layout.display == "none"


def test_the_model_ranks_uploaded_bytes(frame):
    model = RegionalMapperModel(frame)
    table = model.load_figures(EXAMPLE.read_bytes(), name="own-figures-example.csv")
    assert set(table["region"]) == {"VL01", "VL02", "VL03"} and table["lq"].notna().all()
    table = model.update(industry="C13", reference="country", denominator="manufacturing")
    latest = load_employment(EXAMPLE.read_bytes(), name="x.csv")
    latest = latest[latest.year == latest.year.max()].set_index(["region", "nace"])["employed"]
    by_hand = (latest["VL02", "C13"] / latest["VL02", "C"]) / (latest["VL", "C13"] / latest["VL", "C"])
    assert row(table, "VL02")["lq"] == pytest.approx(by_hand)


def test_a_bad_file_shows_the_plain_message_and_keeps_the_figures(errors_of):
    view = RegionalMapper()
    before = view.last_ranking
    _upload(view, b"region,industry,persons employed\nVL01,C13,1.200\nVL02,C99X,12\n", "typing-error.csv")
    shown = " ".join(errors_of(view))
    assert "typing-error.csv" in shown and "line 2" in shown and "1.200" in shown
    assert "Traceback" not in shown and "previous figures are still shown" in shown
    assert view.last_ranking is before and not view.model.own_figures
    assert "ITI1" in set(view.model.ranking["region"]) and view.upload.value == ()
    with pytest.raises(ComponentError, match="line 2"):
        RegionalMapperModel().load_figures(b"region,industry,persons employed\nVL01,C13,1.200\n", "x.csv")


def test_a_file_with_only_a_total_ranks_against_the_total(errors_of):
    view = RegionalMapper()
    assert view.load_bytes(TOTAL_ONLY, "total.csv"), errors_of(view)
    s = view.model.settings
    assert s["denominator"] == "total" and s["industry"] == "C13" and view.controls["denominator"].value == "total"
    assert ("All activities (TOTAL)", "total") in view.controls["denominator"].options
    assert ("Manufacturing (section C)", "manufacturing") not in view.controls["denominator"].options
    table = view.last_ranking
    assert table.attrs["denominator_codes"] == ("TOTAL",)
    assert row(table, "VL01")["lq"] == pytest.approx((80 / 400) / (100 / 1000))
    assert row(table, "VL02")["lq"] == pytest.approx((20 / 600) / (100 / 1000))
    # Without any total, the denominator becomes the codes the file has.
    model = RegionalMapperModel()
    model.load_figures(b"region,level,industry,persons employed\nVL,0,C13,100\nVL,0,C14,50\nVL01,3,C13,80\n"
                       b"VL01,3,C14,20\n", "no-total.csv")
    assert model.settings["denominator"] == "custom" and model.settings["custom_codes"] == "C13, C14"
    assert row(model.ranking, "VL01")["lq"] == pytest.approx((80 / 100) / (100 / 150))
