"""Shift-share analysis of a region's employment change between two years.

Notation: ``e_i`` the region's employment in industry *i*, ``E_i`` the reference area's (the nation),
``t`` and ``t+1`` the two years, ``E`` the reference area's total.

Dunn's classic form (Dunn 1960; as in REAT's ``shift()``), for each industry and summed:

* national share ``NS = e_i^t (E^{t+1}/E^t - 1)``: the change if the industry had grown as the whole
  reference economy did;
* industry mix ``IM = e_i^t (E_i^{t+1}/E_i^t - E^{t+1}/E^t)``: what the industry's own national trend
  adds or takes away;
* regional (competitive) shift ``RS = e_i^t (e_i^{t+1}/e_i^t - E_i^{t+1}/E_i^t)``: what the region did
  better or worse than the industry nationally.

``NS + IM + RS = e^{t+1} - e^t``, the region's change. Esteban-Marquillas (1972) splits the regional
shift with the *homothetic* employment ``ê_i = e^t E_i^t / E^t`` (what the region would employ in
the industry with the reference area's structure): competitive effect ``sum ê_i (g_ir - g_iN)`` and
allocation effect ``sum (e_i^t - ê_i)(g_ir - g_iN)``, where ``g`` are growth rates; the two add up to RS.

The functions take pandas Series (or dicts) indexed by industry code, one per region and year.
Every figure is needed: a missing one raises :class:`~clusterlab.analysis.AnalysisError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterlab.analysis import AnalysisError
from clusterlab.mapping_measures import figure, figures

__all__ = ["ShiftShare", "EstebanMarquillas", "shift_share", "esteban_marquillas"]

_NAMES = ("region_start", "region_end", "reference_start", "reference_end")


@dataclass(frozen=True)
class ShiftShare:
    """Dunn's components, summed over the industries, and one row per industry in ``by_industry``."""

    national_share: float
    industry_mix: float
    regional_shift: float
    total_change: float
    by_industry: pd.DataFrame

    @property
    def net_shift(self) -> float:
        """Industry mix plus regional shift: the change beyond the reference area's growth."""
        return self.industry_mix + self.regional_shift


@dataclass(frozen=True)
class EstebanMarquillas:
    """Dunn's first two components, and the regional shift split into competitive and allocation effects."""

    national_share: float
    industry_mix: float
    competitive_effect: float
    allocation_effect: float
    total_change: float
    by_industry: pd.DataFrame


def _inputs(region_start, region_end, reference_start, reference_end) -> pd.DataFrame:
    series = {}
    for name, values in zip(_NAMES, (region_start, region_end, reference_start, reference_end)):
        if isinstance(values, dict):
            values = pd.Series(values, dtype=object)
        if not isinstance(values, pd.Series):
            raise AnalysisError(f"{name} must be a pandas Series or a dict of employment by industry code.")
        if values.index.has_duplicates:
            raise AnalysisError(f"{name} lists an industry more than once: give each industry once.")
        series[name] = figures(name, values)
    industries = set(series["region_start"].index)
    for name, values in series.items():
        if set(values.index) != industries:
            odd = sorted(map(str, industries ^ set(values.index)))[:5]
            raise AnalysisError(f"{name} does not list the same industries as region_start ({', '.join(odd)}): "
                                "each of the four needs the same industries.")
    if not industries:
        raise AnalysisError("There are no industries: give employment for at least one industry.")
    table = pd.DataFrame({n: series[n].reindex(series["region_start"].index) for n in _NAMES})
    if table.isna().any().any():
        name, code = next((n, c) for n in _NAMES for c in table.index if pd.isna(table.at[c, n]))
        raise AnalysisError(f"{name} has no figure for {code}: shift-share needs every figure of both years.")
    for year in ("start", "end"):
        larger = table.index[table[f"region_{year}"] > table[f"reference_{year}"]]
        if len(larger):
            raise AnalysisError(f"The region's {larger[0]} employment is larger than the reference area's in the "
                                f"{year} year: the region must be part of the reference area.")
    zero = table.index[table["reference_start"] == 0]
    if len(zero):
        raise AnalysisError(f"The reference area has no employment in {zero[0]} in the start year, so its growth "
                            "rate is not defined: leave that industry out.")
    return table


def _finite(*values: float) -> None:
    if not all(np.isfinite(values)):
        raise AnalysisError("The figures are too large (or too small) to compute shift-share with.")


def shift_share(region_start, region_end, reference_start, reference_end, *,
                reference_totals: tuple[float, float] | None = None) -> ShiftShare:
    """Dunn's shift-share of the region's change between the two years (see the module's text).

    The reference area's growth ``E^{t+1}/E^t`` is that of the industries given, unless
    ``reference_totals`` gives its total employment in the two years (for example all of
    manufacturing when the industries are C13, C14 and C15).
    """
    table = _inputs(region_start, region_end, reference_start, reference_end)
    if reference_totals is None:
        total_start, total_end = table["reference_start"].sum(), table["reference_end"].sum()
    else:
        if not isinstance(reference_totals, (tuple, list)) or len(reference_totals) != 2:
            raise AnalysisError("reference_totals must be two numbers: the reference area's total in each year.")
        total_start = figure("reference_totals[0]", reference_totals[0])
        total_end = figure("reference_totals[1]", reference_totals[1])
        if total_start < table["reference_start"].sum() or total_end < table["reference_end"].sum():
            raise AnalysisError("reference_totals are smaller than the industries given: they must include them.")
    if total_start == 0:
        raise AnalysisError("The reference area has no employment in the start year: its growth is not defined.")
    with np.errstate(all="ignore"):
        growth = total_end / total_start
        industry_growth = table["reference_end"] / table["reference_start"]
        rows = pd.DataFrame({
            "start": table["region_start"], "end": table["region_end"],
            "national_share": table["region_start"] * (growth - 1),
            "industry_mix": table["region_start"] * (industry_growth - growth),
            "regional_shift": table["region_end"] - table["region_start"] * industry_growth,
        })
        rows["change"] = rows["end"] - rows["start"]
    parts = [float(rows[c].sum()) for c in ("national_share", "industry_mix", "regional_shift", "change")]
    _finite(growth, *parts, *rows.to_numpy().ravel())
    return ShiftShare(*parts, by_industry=rows)


def esteban_marquillas(region_start, region_end, reference_start, reference_end) -> EstebanMarquillas:
    """Esteban-Marquillas' split of the regional shift into competitive and allocation effects.

    Growth rates need employment in the start year: an industry the region did not have then raises
    AnalysisError (leave it out, or use :func:`shift_share`).
    """
    table = _inputs(region_start, region_end, reference_start, reference_end)
    zero = table.index[table["region_start"] == 0]
    if len(zero):
        raise AnalysisError(f"The region has no employment in {zero[0]} in the start year, so its growth rate is "
                            "not defined: leave that industry out.")
    region_total, reference_total = table["region_start"].sum(), table["reference_start"].sum()
    with np.errstate(all="ignore"):
        growth = table["reference_end"].sum() / reference_total
        homothetic = region_total * table["reference_start"] / reference_total
        advantage = table["region_end"] / table["region_start"] - table["reference_end"] / table["reference_start"]
        rows = pd.DataFrame({
            "start": table["region_start"], "end": table["region_end"], "homothetic": homothetic,
            "national_share": table["region_start"] * (growth - 1),
            "industry_mix": table["region_start"] * (table["reference_end"] / table["reference_start"] - growth),
            "competitive_effect": homothetic * advantage,
            "allocation_effect": (table["region_start"] - homothetic) * advantage,
        })
        rows["change"] = rows["end"] - rows["start"]
    parts = [float(rows[c].sum()) for c in ("national_share", "industry_mix", "competitive_effect",
                                            "allocation_effect", "change")]
    _finite(*parts, *rows.to_numpy().ravel())
    return EstebanMarquillas(*parts, by_industry=rows)
