"""The measures of statistical cluster mapping: size, focus, stars, strong clusters, specialisation.

Pure functions on plain numbers or pandas Series (one value per region). In a Series, NaN means
"no figure" and gives NaN (or <NA>) where it is used; a number that is negative, infinite, or not a
number at all raises :class:`~clusterlab.analysis.AnalysisError` with a plain explanation. No
input makes them raise anything else.

Where the thresholds come from (``shared/design/REFERENCES.md``, section 1):

* European Cluster Observatory (classic 2007-2011 method, clusterobservatory.eu "Evaluation of regional
  cluster strength"), one star for each of:

  - **size**: the region is in the top 10 % of the regions compared by employment in the industry.
    The "top 10 %" wording is read at the source (verified).
  - **specialisation**: the location quotient is 2 or more. The comparison (the industry's share of
    the region against its share of Europe) is verified; the value 2 is the standard wording of
    the Observatory's 2009 report (Sölvell, Ketels, Lindqvist) *from memory, not checked*: an
    assumption, which is why it is a parameter.
  - **focus**: the region is in the top 10 % of the regions compared by the industry's share of the
    region's employment. *From memory, not checked*: an assumption.

  The Observatory compared about 259 European regions in 32 countries; here the regions compared are
  those of the ranking (all of Europe's, or one country's), and the region's employment is the
  chosen denominator (the table has no total of all activities).
* US Cluster Mapping Project "strong cluster" (Delgado, Porter & Stern; the project's code,
  ``cluster_calcs_reducer.js``, verified): LQ at or above the 75th percentile of the LQs, employment
  above the 25th percentile of employment, establishments above the 25th percentile of
  establishments, and LQ of at least 1; percentiles over the regions with employment above 0,
  interpolated linearly between ranks (as d3.quantile). The project's LQ divides by *traded*
  employment; here by the chosen denominator.
* Krugman specialisation index ``K = sum |s_i(region) - s_i(reference)|`` (0 = same structure, 2 =
  nothing in common); the coefficient of specialisation (Hoover) is half of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from clusterlab.analysis import AnalysisError

__all__ = ["StarThresholds", "ECO_THRESHOLDS", "size", "focus", "top_share", "eco_stars",
           "strong_clusters", "krugman_index", "coefficient_of_specialisation"]


def _real(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _float(value) -> float:
    """``value`` as a float; NaN for what is not a finite real number (True/False included)."""
    if not _real(value):
        return math.nan
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _share(name: str, value) -> float:
    number = _float(value)
    if not 0 < number <= 1:
        raise AnalysisError(f"{name} must be a share between 0 and 1 (0.10 is the top 10 %), not {value!r}.")
    return number


@dataclass(frozen=True)
class StarThresholds:
    """Thresholds of the European Cluster Observatory's three stars (sources in the module's text).

    ``size_top_share``: share of the regions compared that get the size star (0.10: verified);
    ``specialisation_lq``: LQ at or above which the specialisation star is given (2.0: from memory);
    ``focus_top_share``: share of the regions compared that get the focus star (0.10: from memory).
    """

    size_top_share: float = 0.10
    specialisation_lq: float = 2.0
    focus_top_share: float = 0.10

    def __post_init__(self):
        for name in ("size_top_share", "focus_top_share"):
            _share(name, getattr(self, name))
        if not _float(self.specialisation_lq) > 0:
            raise AnalysisError(f"specialisation_lq must be a positive number (the Observatory used 2), "
                                f"not {self.specialisation_lq!r}.")


ECO_THRESHOLDS = StarThresholds()


def figure(name: str, value) -> float:
    if not _real(value):
        raise AnalysisError(f"{name} must be a number, not {value!r}.")
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise AnalysisError(f"{name} is far too large to be a number of employees.") from None
    if not math.isfinite(number):
        raise AnalysisError(f"{name} must be a finite number, not {value!r}.")
    if number < 0:
        raise AnalysisError(f"{name} cannot be negative (it is {value!r}).")
    return number


def figures(name: str, values) -> pd.Series:
    """``values`` as a float Series (NaN = no figure); AnalysisError if any is negative or infinite."""
    if isinstance(values, pd.Series):
        series = values
    elif isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise AnalysisError(f"{name} must be a pandas Series or a list of numbers, not {values!r}.")
    else:
        try:
            series = pd.Series(list(values), dtype=object)
        except TypeError:
            raise AnalysisError(f"{name} must be a pandas Series or a list of numbers.") from None
    if pd.api.types.is_bool_dtype(series.dtype) or (series.dtype == object and any(isinstance(v, (bool, np.bool_)) for v in series)):
        raise AnalysisError(f"{name} must hold numbers, not True/False values.")
    try:
        numbers = pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError, OverflowError):
        raise AnalysisError(f"{name} must hold numbers only; a value in it is not a number.") from None
    array = numbers.to_numpy()
    if np.isinf(array).any():
        raise AnalysisError(f"{name} holds an infinite value: give finite numbers (NaN for a missing figure).")
    if (array < 0).any():
        raise AnalysisError(f"{name} holds a negative value ({array[array < 0][0]:g}): employment cannot be negative.")
    return numbers


def _ratio(part, total, what: str, part_name: str, total_name: str):
    """``part / total`` for numbers or Series, checking that the part is not larger than its total."""
    if not isinstance(part, pd.Series) and not isinstance(total, pd.Series):
        p, t = figure(part_name, part), figure(total_name, total)
        if t == 0:
            raise AnalysisError(f"{total_name} cannot be zero: the {what} is not defined then.")
        if p > t:
            raise AnalysisError(f"{part_name} cannot be larger than {total_name}: it is part of it.")
        return p / t
    p = figures(part_name, part) if isinstance(part, pd.Series) else figure(part_name, part)
    t = figures(total_name, total) if isinstance(total, pd.Series) else figure(total_name, total)
    _same_regions(*(s for s in (p, t) if isinstance(s, pd.Series)))
    with np.errstate(all="ignore"):
        result = p / t
    result = result.where(~(np.isinf(result) | (t == 0)), np.nan) if isinstance(result, pd.Series) else result
    if isinstance(result, pd.Series) and ((p > t) & result.notna()).any():
        raise AnalysisError(f"{part_name} is larger than {total_name} for some regions: a part cannot be "
                            "larger than its total; check the figures.")
    return result


def size(e_ir, E_i):
    """The region's share of the reference area's employment in the industry: ``e_ir / E_i``.

    Numbers or Series; with Series, a zero or missing total gives NaN.
    """
    return _ratio(e_ir, E_i, "size", "e_ir (the industry's employment in the region)",
                  "E_i (the industry's employment in the reference area)")


def focus(e_ir, e_r):
    """The industry's share of the region's (denominator) employment: ``e_ir / e_r``."""
    return _ratio(e_ir, e_r, "focus", "e_ir (the industry's employment in the region)",
                  "e_r (the region's employment in the denominator)")


def flags(values: np.ndarray) -> pd.arrays.BooleanArray:
    """Floats 1/0/NaN as a boolean array with <NA> for NaN."""
    unknown = np.isnan(values)
    return pd.arrays.BooleanArray(np.where(unknown, 0, values).astype(bool), unknown)


def top_array(values: np.ndarray, share: float) -> np.ndarray:
    """1.0 where a value is in the top ``share`` of the known values, 0.0 elsewhere, NaN where unknown."""
    known = np.sort(values[~np.isnan(values)])
    larger = len(known) - np.searchsorted(known, values, side="right")  # how many known values are larger
    return np.where(np.isnan(values), np.nan, (larger < share * len(known)).astype(float))


def stars_arrays(employment: np.ndarray, lq: np.ndarray, focus_share: np.ndarray,
                 thresholds: StarThresholds) -> dict[str, np.ndarray]:
    """The three stars as 1/0/NaN arrays, and their count (NaN when any is unknown)."""
    with np.errstate(invalid="ignore"):
        special = np.where(np.isnan(lq), np.nan, (lq >= thresholds.specialisation_lq).astype(float))
    table = {"size_star": top_array(employment, thresholds.size_top_share),
             "specialisation_star": special,
             "focus_star": top_array(focus_share, thresholds.focus_top_share)}
    table["stars"] = table["size_star"] + table["specialisation_star"] + table["focus_star"]
    return table


def strong_array(lq: np.ndarray, employment: np.ndarray, establishments: np.ndarray | None = None,
                 lq_quantile: float = 0.75, min_lq: float = 1.0) -> np.ndarray:
    """The US Cluster Mapping Project's strong-cluster test as 1/0/NaN (see :func:`strong_clusters`)."""
    known = ~np.isnan(lq) & ~np.isnan(employment)
    if establishments is not None:
        known &= ~np.isnan(establishments)
    base = known & (np.nan_to_num(employment) > 0)
    if not base.any():
        return np.full(len(lq), np.nan)
    with np.errstate(invalid="ignore"):
        strong = (lq >= np.quantile(lq[base], lq_quantile)) & (lq >= min_lq)
        strong &= employment > np.quantile(employment[base], 0.25)
        if establishments is not None:
            strong &= establishments > np.quantile(establishments[base], 0.25)
    return np.where(known, strong.astype(float), np.nan)


def top_share(values, share: float) -> pd.Series:
    """Whether each value is in the top ``share`` of the known values (<NA> where unknown).

    A region is in the top 10 % when fewer than 10 % of the regions with a figure have a larger one
    (ties share the better rank): with 270 regions the 27 largest, with 5 regions the largest one.
    """
    values = figures("values", values)
    share = _share("share", share)
    return pd.Series(flags(top_array(values.to_numpy(), share)), index=values.index)


def _same_regions(*series: pd.Series | None) -> None:
    given = [s for s in series if s is not None]
    if given and any(not s.index.equals(given[0].index) for s in given[1:]):
        raise AnalysisError("The figures must describe the same regions (Series with the same index).")


def eco_stars(employment, lq, focus_share, thresholds: StarThresholds = ECO_THRESHOLDS) -> pd.DataFrame:
    """The European Cluster Observatory's stars for the regions compared (one row per region).

    Columns ``size_star``, ``specialisation_star``, ``focus_star`` (<NA> where the figure is missing)
    and ``stars`` (0-3; <NA> when any of the three is unknown). The three Series share one index.
    """
    if not isinstance(thresholds, StarThresholds):
        raise AnalysisError("thresholds must be a StarThresholds, for example ECO_THRESHOLDS.")
    employment, lq, focus_share = (figures(n, v) for n, v in
                                   (("employment", employment), ("lq", lq), ("focus", focus_share)))
    _same_regions(employment, lq, focus_share)
    arrays = stars_arrays(employment.to_numpy(), lq.to_numpy(), focus_share.to_numpy(), thresholds)
    table = pd.DataFrame({k: flags(v) for k, v in arrays.items() if k != "stars"}, index=lq.index)
    stars = arrays["stars"]
    table["stars"] = pd.arrays.IntegerArray(np.nan_to_num(stars).astype("int64"), np.isnan(stars))
    return table


def strong_clusters(lq, employment, establishments=None, *, lq_quantile: float = 0.75,
                    min_lq: float = 1.0) -> pd.Series:
    """The US Cluster Mapping Project's "strong cluster" test for each region (<NA> where unknown).

    ``LQ >= Q75(LQ)``, ``employment > Q25(employment)``, ``establishments > Q25(establishments)``
    (left out when ``establishments`` is None, as with Eurostat's table, which has none) and
    ``LQ >= 1``; the quantiles are taken over the regions with employment above 0, interpolated
    linearly (as the project's d3.quantile). ``lq_quantile=0.90`` gives the project's "strong10".
    """
    lq, employment = figures("lq", lq), figures("employment", employment)
    est = None if establishments is None else figures("establishments", establishments)
    _same_regions(lq, employment, est)
    if not 0 <= _float(lq_quantile) <= 1:
        raise AnalysisError(f"lq_quantile must be between 0 and 1 (0.75 is the top quartile), not {lq_quantile!r}.")
    result = strong_array(lq.to_numpy(), employment.to_numpy(), None if est is None else est.to_numpy(),
                          float(lq_quantile), figure("min_lq", min_lq))
    return pd.Series(flags(result), index=lq.index)


def _shares(name: str, values) -> pd.Series:
    series = figures(name, values)
    if series.isna().any():
        missing = ", ".join(map(str, series.index[series.isna()][:5]))
        raise AnalysisError(f"{name} has no figure for {missing}: the index needs every industry's figure.")
    with np.errstate(over="ignore", invalid="ignore"):  # a sum beyond floats is refused just below
        total = series.sum()
    if not math.isfinite(total) or total <= 0:
        raise AnalysisError(f"{name} must have some employment: its figures add up to {total:g}.")
    return series / total


def krugman_index(region, reference) -> float:
    """Krugman's specialisation index: ``sum_i |s_i(region) - s_i(reference)|``, from 0 to 2.

    ``region`` and ``reference`` are Series of employment by industry over the same industries, which
    should cover the economy compared without overlaps (for example the sections, or the
    manufacturing divisions); the shares are taken within them.
    """
    s_region, s_reference = _shares("region", region), _shares("reference", reference)
    if set(s_region.index) != set(s_reference.index):
        raise AnalysisError("region and reference must list the same industries.")
    value = float((s_region - s_reference.reindex(s_region.index)).abs().sum())
    return min(max(value, 0.0), 2.0)


def coefficient_of_specialisation(region, reference) -> float:
    """The coefficient of specialisation (Hoover): half of Krugman's index, from 0 to 1."""
    return krugman_index(region, reference) / 2
