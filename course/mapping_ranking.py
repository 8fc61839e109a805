"""The cluster-mapping table: one row per region with employment, LQ, size, focus and stars.

:func:`ranking` is what the regional mapper draws. It works on the tidy table of
:func:`clusterlab.regional_data.load_employment`; the first call on a table arranges it as a
region × industry matrix (:class:`EmploymentTable`, kept for the table's lifetime), so that the
calls that follow (another industry, denominator or reference) take a few milliseconds.

A figure that is missing is never counted as 0: a sum with a missing part is missing, and the
``missing`` column says which part and why.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Iterable

import numpy as np
import pandas as pd

from clusterlab.analysis import AnalysisError
from clusterlab.mapping_measures import ECO_THRESHOLDS, StarThresholds, flags, stars_arrays, strong_array

__all__ = ["MANUFACTURING", "BUSINESS_ECONOMY", "EmploymentTable", "prepare", "denominator_codes", "ranking",
           "location_quotients"]

MANUFACTURING = ("C",)
#: The business economy as the table covers it: sections B to N without K (financial services, not in
#: structural business statistics) and division S95. The table has no total of all activities.
BUSINESS_ECONOMY = ("B", "C", "D", "E", "F", "G", "H", "I", "J", "L", "M", "N", "S95")
_NAMED = {"manufacturing": MANUFACTURING, "business economy": BUSINESS_ECONOMY}
_EXTRA_REGIO = re.compile(r"[A-Z]{2}Z+")
_REQUIRED = ("region", "level", "nace", "year", "employed", "missing")


class EmploymentTable:
    """A tidy employment table arranged once as region × industry matrices, one per year."""

    def __init__(self, frame: pd.DataFrame):
        if not isinstance(frame, pd.DataFrame):
            raise AnalysisError("The figures must be the table given by load_employment (a pandas DataFrame).")
        absent = [c for c in _REQUIRED if c not in frame.columns]
        if absent:
            raise AnalysisError(f"The table lacks the column(s) {', '.join(absent)}: use the table that "
                                "load_employment gives.")
        region_codes, regions = pd.factorize(frame["region"].astype(str), sort=True)
        code_codes, codes = pd.factorize(frame["nace"].astype(str), sort=True)
        years = frame["year"].astype("Int64")
        self.regions = np.asarray(regions, dtype=object)
        self.codes = {c: i for i, c in enumerate(codes)}
        self.region_index = {r: i for i, r in enumerate(self.regions)}
        first = pd.DataFrame({"r": region_codes, "level": frame["level"].astype("Int64").to_numpy(),
                              "name": (frame["region_name"] if "region_name" in frame else frame["region"])
                              .astype(str).to_numpy()}).drop_duplicates("r").sort_values("r")
        self.levels = first["level"].to_numpy(dtype=float, na_value=np.nan)
        self.names = first["name"].to_numpy(dtype=object)
        try:
            employed = pd.to_numeric(frame["employed"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError, OverflowError):
            raise AnalysisError("The column employed must hold numbers (NaN for a missing figure).") from None
        if np.isinf(employed).any() or (employed < 0).any():
            raise AnalysisError("The column employed holds a negative or infinite number: persons employed are "
                                "0 or more (NaN for a missing figure).")
        reasons = frame["missing"].astype(str).to_numpy(dtype=object)
        reasons = np.where(np.isnan(employed) & (reasons == ""), "not available", reasons)
        self.values, self.reasons = {}, {}
        shape = (len(self.regions), len(codes))
        for year in years.dropna().unique().tolist() + ([None] if years.isna().any() else []):
            rows = (years.isna() if year is None else years == year).to_numpy(dtype=bool, na_value=False)
            values, why = np.full(shape, np.nan), np.full(shape, "not in the table", dtype=object)
            values[region_codes[rows], code_codes[rows]] = employed[rows]
            why[region_codes[rows], code_codes[rows]] = np.where(np.isnan(employed[rows]), reasons[rows], "")
            self.values[year], self.reasons[year] = values, why
        self.years = sorted((y for y in self.values if y is not None)) or [None]
        self.extra_regio = np.array([bool(_EXTRA_REGIO.fullmatch(r)) for r in self.regions], dtype=bool)
        self.with_figures = {y: ~np.isnan(v).all(axis=1) for y, v in self.values.items()}
        self.fingerprint = _fingerprint(frame)

    def column(self, codes: tuple[str, ...], year) -> tuple[np.ndarray, list[str]]:
        """The sum of ``codes`` for every region, and why it is missing where it is (else "")."""
        index = [self.codes[c] for c in codes]
        block = self.values[year][:, index]
        total = block.sum(axis=1)  # NaN as soon as one part is missing: never counted as 0
        why = [""] * len(total)
        for r in np.flatnonzero(np.isnan(total)):
            parts = [f"{codes[k]} {self.reasons[year][r, i]}" for k, i in enumerate(index) if np.isnan(block[r, k])]
            why[r] = "; ".join(parts)
        return total, why


def _fingerprint(frame: pd.DataFrame) -> tuple:
    employed = pd.to_numeric(frame["employed"], errors="coerce").to_numpy(dtype=float)
    return len(frame), tuple(frame.columns), hash(employed.tobytes())


_PREPARED: dict[int, tuple[weakref.ref, EmploymentTable]] = {}
_LOCK = threading.Lock()


def prepare(frame) -> EmploymentTable:
    """The table arranged for :func:`ranking`; kept while ``frame`` lives, rebuilt if its figures change."""
    if isinstance(frame, EmploymentTable):
        return frame
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError("The figures must be the table given by load_employment (a pandas DataFrame).")
    key = id(frame)
    with _LOCK:
        held = _PREPARED.get(key)
    if held is not None and held[0]() is frame and held[1].fingerprint == _fingerprint(frame):
        return held[1]
    table = EmploymentTable(frame)
    with _LOCK:
        _PREPARED[key] = (weakref.ref(frame, lambda _, k=key: _PREPARED.pop(k, None)), table)
    return table


def _code_list(name: str, codes) -> tuple[str, ...]:
    if isinstance(codes, str):
        codes = [codes]
    if not isinstance(codes, Iterable):
        raise AnalysisError(f"{name} must be an industry code such as 'C15' or a list of codes, not {codes!r}.")
    chosen = []
    for code in codes:
        if not isinstance(code, str) or not code.strip():
            raise AnalysisError(f"{name} must hold industry codes such as 'C15', not {code!r}.")
        if code.strip().upper() not in chosen:
            chosen.append(code.strip().upper())
    if not chosen:
        raise AnalysisError(f"{name} is empty: give at least one industry code, such as 'C15'.")
    for a in chosen:
        inside = next((b for b in chosen if a != b and a.startswith(b) and b != "TOTAL"), None)
        if inside:
            raise AnalysisError(f"{name}: {a} is part of {inside}, so it would be counted twice; keep one of them.")
    return tuple(chosen)


def denominator_codes(denominator) -> tuple[str, tuple[str, ...]]:
    """``(label, codes)`` of a denominator: ``"manufacturing"`` (section C), ``"business economy"``
    (sections B-N without K, and S95: the table has no all-activities total) or a list of codes."""
    if isinstance(denominator, str) and denominator.strip().lower() in _NAMED:
        label = denominator.strip().lower()
        return label, _NAMED[label]
    codes = _code_list("denominator", denominator)
    return " + ".join(codes), codes


def _check_codes(table: EmploymentTable, codes: tuple[str, ...], what: str) -> None:
    unknown = [c for c in codes if c not in table.codes]
    if unknown:
        raise AnalysisError(f"The table has no figures for the industry code(s) {', '.join(unknown)} ({what}): "
                            "check the codes (for example C15, with the section letter).")


def _reference(table: EmploymentTable, reference, rows: np.ndarray, year, notes: list[str], what: str):
    """For the ranked regions: the reference area's row(s) as a label per region and a combining function.

    The function takes the industry's and the denominator's columns (values and reasons) and returns the
    reference area's industry and denominator for each ranked region, with why each is missing. Against
    Europe both are summed over the same countries: those with a national figure for both (a country
    with a figure for the denominator but none for the industry would otherwise swell the denominator
    only, and every LQ against Europe would come out too high). ``what`` names the industry and
    denominator in the note that lists the countries left out.
    """
    if not isinstance(reference, str) or not reference.strip():
        raise AnalysisError("reference must be 'country', 'all' or a region code such as 'ES'.")
    choice, n = reference.strip(), int(rows.sum())
    if choice.lower() == "country":
        index = np.array([table.region_index.get(r[:2], -1) for r in table.regions[rows]], dtype=int)
        labels = [r[:2] for r in table.regions[rows]]

        def one(column, why):
            return (np.where(index >= 0, column[np.maximum(index, 0)], np.nan),
                    [why[i] if i >= 0 else "no figures for the country" for i in index])
        return labels, lambda emp, emp_why, den, den_why: (*one(emp, emp_why), *one(den, den_why))
    if choice.lower() in ("all", "europe"):
        countries = np.flatnonzero((table.levels == 0) & ~table.extra_regio)
        industry, denominator = what

        def combined(emp, emp_why, den, den_why):
            both = [i for i in countries if not np.isnan(emp[i]) and not np.isnan(den[i])]
            left_out = [i for i in countries if i not in both]
            if not both:
                why = ["no country has a figure for both the industry and the denominator"] * n
                return np.full(n, np.nan), why, np.full(n, np.nan), why
            if left_out:
                reasons = [f"{table.regions[i]} ({emp_why[i] or den_why[i]})" for i in left_out]
                notes.append(f"Europe here = the {len(both)} countries with figures for {industry} and for the "
                             f"denominator ({denominator}); left out of both the industry and the denominator "
                             f"totals: {', '.join(reasons)}.")
            return np.full(n, emp[both].sum()), [""] * n, np.full(n, den[both].sum()), [""] * n
        return ["all countries"] * n, combined
    code = choice.upper()
    if code not in table.region_index:
        raise AnalysisError(f"The table has no region {choice!r} to use as the reference area: give 'country', "
                            "'all' or a region code of the table, such as 'ES'.")
    i = table.region_index[code]
    return [code] * n, lambda emp, emp_why, den, den_why: (np.full(n, emp[i]), [emp_why[i]] * n,
                                                          np.full(n, den[i]), [den_why[i]] * n)


def _ranked(table: EmploymentTable, reference, level, year) -> np.ndarray:
    """Which regions are ranked: those at ``level`` with a figure, no Extra-Regio, inside the reference."""
    if level is not None and (isinstance(level, bool) or level not in (0, 1, 2, 3)):
        raise AnalysisError(f"level must be 0, 1, 2 or 3 (the NUTS level), or None for every level; not {level!r}.")
    rows = table.with_figures[year] & ~table.extra_regio
    if level is not None:
        rows &= table.levels == level
    code = reference.strip().upper() if isinstance(reference, str) else ""
    if code in table.region_index and code not in ("COUNTRY", "ALL", "EUROPE"):
        inside = rows & np.array([r.startswith(code) and r != code for r in table.regions])
        rows = inside if inside.any() else rows & (table.regions != code)
    return rows


def ranking(frame, industry_codes, reference="country", denominator="manufacturing", level=2,
            thresholds: StarThresholds = ECO_THRESHOLDS, *, year=None) -> pd.DataFrame:
    """One row per region: employment, denominator, LQ, size, focus, stars and why a value is missing.

    ``industry_codes``: a code or a list of codes added together (``["C13", "C14"]``).
    ``reference``: ``"country"`` (each region against its own country), ``"all"`` (against all the
    countries of the table together: the industry and the denominator are both summed over the
    countries with a national figure for both, and ``attrs["notes"]`` names those left out) or a
    region code (against that area; the regions ranked are those inside it). ``denominator``: ``"manufacturing"``, ``"business economy"`` or a list of codes.
    ``level``: NUTS level of the regions ranked (None for all). ``year``: default the latest.

    Stars are given among the regions ranked (see :mod:`clusterlab.mapping_measures`); ``strong`` is
    the US Cluster Mapping test without its establishments condition (the table has no establishments).
    Rows are sorted by LQ, highest first, regions without an LQ last.
    """
    table = prepare(frame)
    codes = _code_list("industry_codes", industry_codes)
    label, den_codes = denominator_codes(denominator)
    _check_codes(table, codes, "industry"), _check_codes(table, den_codes, "denominator")
    outside = [c for c in codes if not any(c.startswith(d) or d == "TOTAL" for d in den_codes)]
    if outside:
        raise AnalysisError(f"{', '.join(outside)} is not part of the denominator ({label}), so its share would "
                            "mean nothing: choose a denominator that includes it, such as 'business economy'.")
    if not isinstance(thresholds, StarThresholds):
        raise AnalysisError("thresholds must be a StarThresholds, for example ECO_THRESHOLDS.")
    year = table.years[-1] if year is None else year
    if year not in table.values:
        raise AnalysisError(f"The table has no figures for {year!r}; it has {', '.join(map(str, table.years))}.")
    notes: list[str] = []
    rows = _ranked(table, reference, level, year)
    labels, combine = _reference(table, reference, rows, year, notes, (" + ".join(codes), label))
    emp_all, emp_why = table.column(codes, year)
    den_all, den_why = table.column(den_codes, year)
    ref_emp, ref_emp_why, ref_den, ref_den_why = combine(emp_all, emp_why, den_all, den_why)
    idx = np.flatnonzero(rows)
    emp, den = emp_all[idx], den_all[idx]
    with np.errstate(all="ignore"):
        focus = np.where(den > 0, emp / den, np.nan)
        size = np.where(ref_emp > 0, emp / ref_emp, np.nan)
        lq = np.where((den > 0) & (ref_emp > 0) & (ref_den > 0), focus / (ref_emp / ref_den), np.nan)
    bad = (emp > den) | (emp > ref_emp) | np.isinf(lq)  # inf: figures beyond what floats can divide
    focus[emp > den], lq[bad], size[emp > ref_emp] = np.nan, np.nan, np.nan
    missing = []
    for k, r in enumerate(idx):
        why = [f"industry: {emp_why[r]}" if emp_why[r] else "",
               f"denominator ({label}): {den_why[r]}" if den_why[r] else "",
               f"reference area {labels[k]}: {ref_emp_why[k]}" if ref_emp_why[k] else "",
               f"reference area {labels[k]} denominator: {ref_den_why[k]}" if ref_den_why[k] else ""]
        if not any(why) and np.isnan(lq[k]):
            why.append("the figures do not add up (a part larger than its total, a total of 0, or figures too "
                       "large to divide): check them")
        missing.append("; ".join(w for w in why if w))
    stars = stars_arrays(emp, lq, focus, thresholds)
    result = pd.DataFrame({
        "region": table.regions[idx], "region_name": table.names[idx],
        "level": pd.array(table.levels[idx], dtype="Int64"), "reference": labels,
        "employment": emp, "denominator": den, "reference_employment": ref_emp,
        "reference_denominator": ref_den, "lq": lq, "size": size, "focus": focus,
        "size_star": flags(stars["size_star"]), "specialisation_star": flags(stars["specialisation_star"]),
        "focus_star": flags(stars["focus_star"]),
        "stars": pd.arrays.IntegerArray(np.nan_to_num(stars["stars"]).astype("int64"), np.isnan(stars["stars"])),
        "strong": flags(strong_array(lq, emp)),
    })
    result["missing"] = missing
    result = result.sort_values(["lq", "region"], ascending=[False, True], na_position="last", kind="stable")
    result = result.reset_index(drop=True)
    source = frame.attrs.get("source", "") if isinstance(frame, pd.DataFrame) else ""
    result.attrs.update(industry_codes=codes, denominator=label, denominator_codes=den_codes,
                        reference=reference, level=level, year=year, thresholds=thresholds,
                        source=source, notes=notes)
    return result


def location_quotients(frame, industry_codes, reference="country", denominator="manufacturing", level=2, *,
                       year=None) -> pd.Series:
    """The LQ of each region (indexed by region code; NaN where a figure is missing). See :func:`ranking`."""
    table = ranking(frame, industry_codes, reference, denominator, level, year=year)
    return pd.Series(table["lq"].to_numpy(), index=pd.Index(table["region"], name="region"), name="lq")
