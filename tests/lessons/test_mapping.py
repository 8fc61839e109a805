"""Cluster mapping: location quotients with a stated reference and denominator, size, focus, stars,
strong clusters, shift-share, specialisation, and the ranking table the regional mapper draws."""

from __future__ import annotations

import math
import statistics
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from clusterlab import mapping
from clusterlab.analysis import AnalysisError, location_quotient
from clusterlab.mapping import (BUSINESS_ECONOMY, ECO_THRESHOLDS, StarThresholds, coefficient_of_specialisation,
                                eco_stars, esteban_marquillas, focus, krugman_index, ranking, shift_share, size,
                                strong_clusters, top_share)
from clusterlab.regional_data import load_employment



@pytest.fixture(scope="module")
def frame():
    return load_employment()


def _row(table: pd.DataFrame, region: str) -> pd.Series:
    return table.set_index("region").loc[region]


# --- the ranking on the snapshot ------------------------------------------------------------------------

def test_catalonia_leather_against_spain_manufacturing(frame):
    row = _row(ranking(frame, "C15", reference="country", denominator="manufacturing"), "ES51")
    # By hand: (2857 / 404665) / (41009 / 1768607) = 0.304486 (the data README's "about 0.3").
    assert row["lq"] == pytest.approx(0.3044855993, rel=1e-9)
    assert row["lq"] == location_quotient(2857, 404665, 41009, 1768607)
    assert (row["employment"], row["denominator"], row["reference"]) == (2857, 404665, "ES")
    assert row["size"] == pytest.approx(2857 / 41009) and row["focus"] == pytest.approx(2857 / 404665)
    assert row["stars"] == 0 and not row["strong"] and row["missing"] == ""


def test_case_regions(frame):
    c13 = ranking(frame, "C13")
    assert _row(c13, "UKE4")["lq"] == pytest.approx((8379 / 112136) / (51477 / 2454634))
    assert _row(c13, "ITI1")["lq"] == pytest.approx((22616 / 279962) / (121725 / 3618487))
    assert _row(c13, "UKE4")["stars"] == 3 and _row(c13, "ITI1")["stars"] == 3
    tuscany = _row(ranking(frame, "C15"), "ITI1")
    assert tuscany["lq"] == pytest.approx((42770 / 279962) / (141045 / 3618487)) and tuscany["stars"] == 3
    yorkshire = _row(ranking(frame, "C15"), "UKE4")  # the UK's C15 figure is not available
    assert math.isnan(yorkshire["lq"]) and pd.isna(yorkshire["stars"])
    assert yorkshire["missing"] == "reference area UK: C15 not available"
    assert yorkshire["employment"] == 37 and yorkshire["focus"] == pytest.approx(37 / 112136)


def test_missing_parts_are_never_zero(frame):
    table = ranking(frame, "C15", denominator="business economy")
    assert table.attrs["denominator_codes"] == BUSINESS_ECONOMY
    incomplete = table[table["denominator"].isna()]
    assert len(incomplete) > 0 and incomplete["lq"].isna().all() and incomplete["focus"].isna().all()
    assert all("denominator (business economy):" in m for m in incomplete["missing"])
    assert (table.loc[table["lq"].notna(), "missing"] == "").all()
    # A sum with one missing part is missing: C13 + C14 where C14 is not available.
    both = ranking(frame, ["C13", "C14"], reference="all")
    for region in both.loc[both["employment"].isna(), "region"]:
        parts = frame[(frame.region == region) & frame.nace.isin(["C13", "C14"])]
        assert parts["employed"].isna().any()


def test_rows_are_the_regions_at_the_level_with_figures(frame):
    table = ranking(frame, "C13")
    assert table["region"].is_unique and set(table["level"]) == {2}
    assert not {"DE41", "ITD3", "FRZZ", "ELZZ", "ESZZ"} & set(table["region"])  # old codes, Extra-Regio
    assert {"ES51", "ITI1", "UKE4", "DE40", "ITH3"} <= set(table["region"])
    lq = table["lq"].dropna()
    assert lq.is_monotonic_decreasing and table["lq"].isna().sum() == len(table) - len(lq)
    assert table["lq"].iloc[len(lq):].isna().all()  # regions without an LQ come last
    countries = ranking(frame, "C13", level=0)
    assert countries["lq"].dropna().tolist() == pytest.approx([1.0] * countries["lq"].notna().sum())
    assert len(countries) == 30


def test_reference_areas(frame):
    europe = ranking(frame, "C15", reference="all")
    assert set(europe["reference"]) == {"all countries"}
    reference = europe["reference_employment"].iloc[0]
    national = frame[(frame.level == 0) & (frame.nace == "C15")]["employed"]
    assert reference == national.sum()  # the countries with a figure
    assert any("Europe here = the 24 countries" in n and "UK" in n for n in europe.attrs["notes"])
    spain = ranking(frame, "C15", reference="ES")
    assert set(spain["region"]) == set(frame[(frame.level == 2) & frame.region.str.startswith("ES")
                                             & ~frame.region.str.endswith("Z")
                                             & frame.employed.notna()]["region"])
    assert _row(spain, "ES51")["lq"] == pytest.approx(0.3044855993)
    italy1 = ranking(frame, "C13", reference="ITI", level=2)
    assert set(italy1["region"]) == {"ITI1", "ITI2", "ITI3", "ITI4"}


def test_stars_follow_the_thresholds(frame):
    table = ranking(frame, "C15")
    known = table[table["employment"].notna()]
    assert known["size_star"].sum() == pytest.approx(math.ceil(0.10 * len(known)), abs=2)  # ties may add
    assert (table.loc[table["lq"] >= 2, "specialisation_star"]).all()
    assert not table.loc[table["lq"] < 2, "specialisation_star"].any()
    strict = ranking(frame, "C15", thresholds=StarThresholds(specialisation_lq=4.0))
    assert strict["specialisation_star"].sum() < table["specialisation_star"].sum()


@pytest.mark.parametrize("kwargs, words", [
    ({"industry_codes": "C99"}, "no figures for the industry code"),
    ({"industry_codes": ["C", "C15"]}, "C15 is part of C"),
    ({"industry_codes": "G47"}, "not part of the denominator"),
    ({"industry_codes": []}, "empty"),
    ({"industry_codes": 15}, "industry code"),
    ({"industry_codes": "C15", "reference": "XX"}, "no region 'XX'"),
    ({"industry_codes": "C15", "reference": 3}, "reference must"),
    ({"industry_codes": "C15", "level": 7}, "level must"),
    ({"industry_codes": "C15", "denominator": ["C", "C13"]}, "C13 is part of C"),
    ({"industry_codes": "C15", "year": 2019}, "no figures for 2019"),
    ({"industry_codes": "C15", "thresholds": {"lq": 2}}, "StarThresholds"),
])
def test_bad_choices_are_explained(frame, kwargs, words):
    with pytest.raises(AnalysisError, match=words):
        ranking(frame, **kwargs)


def test_ranking_needs_the_loaders_table():
    with pytest.raises(AnalysisError, match="DataFrame"):
        ranking([1, 2, 3], "C15")
    with pytest.raises(AnalysisError, match="lacks the column"):
        ranking(pd.DataFrame({"region": ["ES"]}), "C15")


def test_ranking_is_fast_after_the_first_call(frame):
    ranking(frame, "C15")  # arranges the table once
    codes = sorted(set(frame["nace"]))
    times = []
    for code in codes:  # every code, every NUTS-2 region, against the business economy
        start = time.perf_counter()
        ranking(frame, code, denominator="business economy")
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.050, f"median {statistics.median(times) * 1000:.1f} ms"


def test_a_changed_table_is_arranged_again(frame):
    changed = frame.copy()
    before = _row(ranking(changed, "C15"), "ES51")["lq"]
    changed.loc[(changed.region == "ES51") & (changed.nace == "C15"), "employed"] = 5714.0
    assert _row(ranking(changed, "C15"), "ES51")["lq"] == pytest.approx(2 * before)


def test_own_figures_against_a_reference_of_their_own():
    text = ("region;industry;persons employed\nCAT;C;404665\nCAT;C15;2857\nANOIA;C;12000\nANOIA;C15;1100\n"
            "BAGES;C;15000\nBAGES;C15;c\n")
    own = load_employment(text.encode(), year=2015)
    table = ranking(own, "C15", reference="CAT", level=None).set_index("region")
    assert set(table.index) == {"ANOIA", "BAGES"}
    assert table.loc["ANOIA", "lq"] == pytest.approx((1100 / 12000) / (2857 / 404665))
    assert math.isnan(table.loc["BAGES", "lq"]) and table.loc["BAGES", "missing"] == "industry: C15 confidential"
    assert mapping.location_quotients(own, "C15", reference="CAT", level=None)["ANOIA"] == pytest.approx(
        table.loc["ANOIA", "lq"])


# --- the measures ---------------------------------------------------------------------------------------

def test_size_and_focus():
    assert size(2857, 41009) == pytest.approx(0.069668, rel=1e-5)
    assert focus(2857, 404665) == pytest.approx(0.0070601, rel=1e-4)
    shares = size(pd.Series([10.0, np.nan, 0.0]), pd.Series([100.0, 50.0, 0.0]))
    assert shares.iloc[0] == 0.1 and shares.iloc[1:].isna().all()
    for call in (lambda: size(5, 0), lambda: size(6, 5), lambda: focus(-1, 5), lambda: focus("5", 10),
                 lambda: size(True, 5), lambda: focus(pd.Series([6.0]), pd.Series([5.0]))):
        with pytest.raises(AnalysisError):
            call()


def test_top_share_counts_regions_above():
    values = pd.Series(range(1, 271), dtype=float)  # 270 regions: the 27 largest
    assert top_share(values, 0.10).sum() == 27
    assert top_share(pd.Series([5.0, 4, 3, 2, 1]), 0.10).tolist() == [True, False, False, False, False]
    assert top_share(pd.Series([5.0, 5, 1, 1, 1, 1, 1, 1, 1, 1]), 0.10).tolist()[:3] == [True, True, False]
    assert top_share(pd.Series([np.nan, 1.0]), 0.5).isna().tolist() == [True, False]
    with pytest.raises(AnalysisError, match="share"):
        top_share(values, 1.5)


def test_eco_stars_on_a_small_example():
    employment = pd.Series([1000.0, 50, 20, np.nan], index=list("abcd"))
    lq = pd.Series([2.5, 2.0, 0.5, 3.0], index=list("abcd"))
    focus_share = pd.Series([0.01, 0.2, 0.02, 0.1], index=list("abcd"))
    stars = eco_stars(employment, lq, focus_share)
    assert stars["size_star"].tolist()[:3] == [True, False, False]
    assert stars["specialisation_star"].tolist() == [True, True, False, True]  # 2.0 itself gets the star
    assert stars["focus_star"].tolist() == [False, True, False, False]
    assert stars["stars"].tolist()[:3] == [2, 2, 0] and pd.isna(stars["stars"].iloc[3])
    assert ECO_THRESHOLDS == StarThresholds(0.10, 2.0, 0.10)
    for bad in ({"size_top_share": 0}, {"focus_top_share": 2}, {"specialisation_lq": -1},
                {"specialisation_lq": math.inf}, {"size_top_share": "10%"}):
        with pytest.raises(AnalysisError):
            StarThresholds(**bad)


def test_strong_clusters_as_the_us_cluster_mapping_code():
    lq = pd.Series([0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 0.0])
    employment = pd.Series([100.0, 200, 300, 400, 500, 600, 10, 0])
    # Over the 7 regions with employment: Q75(LQ) = 1.75, Q25(employment) = 150 (linear interpolation).
    assert strong_clusters(lq, employment).tolist() == [False, False, False, False, False, True, False, False]
    establishments = pd.Series([5.0, 5, 5, 5, 5, 1, 5, 0])  # Q25 = 5: the sixth has too few
    assert not strong_clusters(lq, employment, establishments).iloc[5]
    assert strong_clusters(lq, employment, lq_quantile=0.9).sum() == 0
    with pytest.raises(AnalysisError, match="same regions"):
        strong_clusters(lq, employment.iloc[:3])


def test_shift_share_by_hand():
    region_start, region_end = {"A": 100, "B": 50}, {"A": 120, "B": 40}
    nation_start, nation_end = {"A": 1000, "B": 1000}, {"A": 1100, "B": 1000}
    result = shift_share(region_start, region_end, nation_start, nation_end)
    # Nation grows 2100 / 2000 = 1.05: NS = 150 x 0.05 = 7.5; IM = 100 x 0.05 + 50 x (-0.05) = 2.5;
    # RS = (120 - 110) + (40 - 50) = 0; total change 160 - 150 = 10.
    assert (result.national_share, result.industry_mix, result.regional_shift, result.total_change) == \
        pytest.approx((7.5, 2.5, 0.0, 10.0))
    assert result.net_shift == pytest.approx(2.5)
    assert result.by_industry.loc["A", "regional_shift"] == pytest.approx(10)
    em = esteban_marquillas(region_start, region_end, nation_start, nation_end)
    # Homothetic employment 75 and 75; advantages 0.1 and -0.2: competitive 7.5 - 15, allocation 2.5 + 5.
    assert em.by_industry["homothetic"].tolist() == [75, 75]
    assert (em.competitive_effect, em.allocation_effect) == pytest.approx((-7.5, 7.5))
    with_totals = shift_share(region_start, region_end, nation_start, nation_end, reference_totals=(4000, 4400))
    assert with_totals.national_share == pytest.approx(15.0) and with_totals.total_change == 10


@pytest.mark.parametrize("call, words", [
    (lambda: shift_share({"A": 1}, {"A": 1}, {"A": 1}, {"B": 1}), "same industries"),
    (lambda: shift_share({"A": 0}, {"A": 1}, {"A": 0}, {"A": 1}), "no employment in A"),
    (lambda: shift_share({"A": 5}, {"A": 1}, {"A": 2}, {"A": 9}), "part of the reference"),
    (lambda: shift_share({"A": np.nan}, {"A": 1}, {"A": 2}, {"A": 9}), "no figure for A"),
    (lambda: shift_share({}, {}, {}, {}), "at least one industry"),
    (lambda: shift_share([1], [1], [1], [1]), "Series or a dict"),
    (lambda: shift_share({"A": 1}, {"A": 1}, {"A": 2}, {"A": 2}, reference_totals=(1, 1)), "smaller"),
    (lambda: esteban_marquillas({"A": 0}, {"A": 1}, {"A": 2}, {"A": 2}), "growth rate is not defined"),
])
def test_shift_share_problems_are_explained(call, words):
    with pytest.raises(AnalysisError, match=words):
        call()


def test_krugman_index():
    assert krugman_index(pd.Series({"A": 100, "B": 50}), pd.Series({"A": 1000, "B": 1000})) == pytest.approx(1 / 3)
    assert coefficient_of_specialisation(pd.Series({"A": 1, "B": 0}), pd.Series({"A": 0, "B": 1})) == 1.0
    assert krugman_index(pd.Series({"A": 3, "B": 1}), pd.Series({"A": 30, "B": 10})) == pytest.approx(0)
    with pytest.raises(AnalysisError, match="same industries"):
        krugman_index(pd.Series({"A": 1}), pd.Series({"B": 1}))
    with pytest.raises(AnalysisError, match="some employment"):
        krugman_index(pd.Series({"A": 0}), pd.Series({"A": 1}))


# --- properties -----------------------------------------------------------------------------------------

anything = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**400, 10**400),
                     st.booleans(), st.none(), st.text(max_size=3), st.decimals(allow_nan=True))
numbers = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-10**30, 10**30)
series = st.lists(numbers, min_size=0, max_size=8).map(lambda v: pd.Series(v, dtype=object))


@given(anything, anything)
def test_scalar_measures_raise_only_analysis_errors(a, b):
    for function in (size, focus):
        try:
            value = function(a, b)
        except AnalysisError:
            continue
        assert 0 <= value <= 1


@given(anything, anything, anything, anything)
def test_the_location_quotient_raises_only_analysis_errors(a, b, c, d):
    try:
        value = mapping.location_quotient(a, b, c, d)
    except AnalysisError:
        return
    assert value >= 0 and math.isfinite(value)


def test_figures_beyond_floats_are_refused_plainly():
    for args in ((10**400, 10**401, 10**402, 10**403), (5e-324, 5e-324, 5e-324, 1e300)):
        with pytest.raises(AnalysisError, match="too large or too small"):
            mapping.location_quotient(*args)


@given(series, series, series, st.floats(allow_nan=True, allow_infinity=True))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_series_measures_raise_only_analysis_errors(a, b, c, share):
    calls = (lambda: size(a, b), lambda: focus(a, b), lambda: top_share(a, share),
             lambda: eco_stars(a, b, c), lambda: strong_clusters(a, b), lambda: strong_clusters(a, b, c),
             lambda: krugman_index(a, b), lambda: coefficient_of_specialisation(a, b),
             lambda: StarThresholds(share, share, share))
    for call in calls:
        try:
            call()
        except AnalysisError:
            pass


industries = st.lists(st.sampled_from(["C13", "C14", "C15", "C16", "C20"]), min_size=1, max_size=5, unique=True)


@given(industries.flatmap(lambda codes: st.tuples(*[st.tuples(*[st.integers(0, 10**7)] * 4)] * len(codes))
                          .map(lambda rows: (codes, rows))))
def test_shift_share_components_add_up(case):
    codes, rows = case
    region_start = {c: r[0] for c, r in zip(codes, rows)}
    region_end = {c: r[1] for c, r in zip(codes, rows)}
    nation_start = {c: r[0] + r[2] for c, r in zip(codes, rows)}
    nation_end = {c: r[1] + r[3] for c, r in zip(codes, rows)}
    try:
        result = shift_share(region_start, region_end, nation_start, nation_end)
    except AnalysisError:
        assert any(v == 0 for v in nation_start.values())
        return
    change = sum(region_end.values()) - sum(region_start.values())
    tolerance = 1e-9 * (1 + result.by_industry.abs().to_numpy().sum())  # rounding of floating-point sums
    assert result.total_change == change
    assert result.national_share + result.industry_mix + result.regional_shift == pytest.approx(change, abs=tolerance)
    try:
        em = esteban_marquillas(region_start, region_end, nation_start, nation_end)
    except AnalysisError:
        assert any(v == 0 for v in region_start.values())
        return
    tolerance = 1e-9 * (1 + em.by_industry.abs().to_numpy().sum())
    assert em.competitive_effect + em.allocation_effect == pytest.approx(result.regional_shift, abs=tolerance)
    assert em.national_share + em.industry_mix + em.competitive_effect + em.allocation_effect == pytest.approx(
        change, abs=tolerance)


@given(st.lists(numbers | st.booleans() | st.none(), min_size=4, max_size=4),
       st.lists(numbers, min_size=2, max_size=2))
def test_shift_share_raises_only_analysis_errors(values, totals):
    try:
        shift_share({"A": values[0]}, {"A": values[1]}, {"A": values[2]}, {"A": values[3]},
                    reference_totals=tuple(totals))
        esteban_marquillas({"A": values[0]}, {"A": values[1]}, {"A": values[2]}, {"A": values[3]})
    except AnalysisError:
        pass


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e12), st.floats(allow_nan=True, allow_infinity=True)),
                min_size=12, max_size=12))
@settings(deadline=None)
def test_ranking_raises_only_analysis_errors(values):
    regions = ["AA", "AA1", "AA2", "BB", "BB1", "BB2"]
    rows = [{"region": r, "region_name": r, "level": len(r) - 2, "nace": n, "year": 2015,
             "employed": v, "missing": "" if v is not None else "confidential", "flag": ""}
            for (r, n), v in zip([(r, n) for r in regions for n in ("C", "C15")], values)]
    table = pd.DataFrame(rows)
    for reference in ("country", "all", "AA"):
        try:
            result = ranking(table, "C15", reference=reference, level=1)
        except AnalysisError:
            continue
        assert set(result["region"]) <= {"AA1", "AA2", "BB1", "BB2"}
        lq = result["lq"].dropna()
        assert (lq >= 0).all() and np.isfinite(lq).all()


def test_europe_sums_industry_and_denominator_over_the_same_countries(frame):
    """Against Europe, a country without a figure for the industry is left out of the denominator too."""
    countries = frame[(frame.level == 0) & ~frame.region.str.fullmatch(r"[A-Z]{2}Z+")]
    national = countries.pivot(index="region", columns="nace", values="employed")[["C15", "C"]]
    both = national.dropna()
    assert sorted(set(national.index) - set(both.index)) == ["DK", "FR", "IE", "MT", "SE", "UK"]
    toscana = frame[frame.region == "ITI1"].set_index("nace")["employed"]
    by_hand = (toscana["C15"] / toscana["C"]) / (both["C15"].sum() / both["C"].sum())
    europe = ranking(frame, "C15", reference="all")
    iti1 = _row(europe, "ITI1")
    assert iti1["lq"] == pytest.approx(by_hand, rel=1e-12)
    assert iti1["lq"] == pytest.approx(8.73, abs=0.01)
    assert iti1["reference_denominator"] == both["C"].sum() and iti1["reference_employment"] == both["C15"].sum()
    # Control: the old mixed base (industry over 24 countries, denominator over all 30) is too high.
    mixed = (toscana["C15"] / toscana["C"]) / (national["C15"].sum() / national["C"].sum())
    assert mixed > by_hand * 1.2 and iti1["lq"] != pytest.approx(mixed, rel=0.01)
    note = next(n for n in europe.attrs["notes"] if n.startswith("Europe here"))
    assert "24 countries with figures for C15" in note
    assert all(code in note for code in ("DK", "FR", "IE", "MT", "SE", "UK"))
    # Against each region's own country, nothing changes.
    own = ranking(frame, "C15")
    assert _row(own, "ITI1")["lq"] == pytest.approx(
        (toscana["C15"] / toscana["C"]) / (national.loc["IT", "C15"] / national.loc["IT", "C"]))
