"""Employment by region and industry: the figures behind statistical cluster mapping (Module 2).

:func:`load_employment` returns one tidy table, whatever the figures come from:

* ``"snapshot"`` (the default, offline): persons employed in 2015 by NUTS 0/1/2 region and NACE Rev. 2
  code, from Eurostat's structural business statistics (table ``sbs_r_nuts06_r2``), shipped with the
  course in ``data/regional/`` and built by ``scripts/build_regional_snapshot.py``;
* ``"eurostat"`` (online, only when asked): the same figures for other years, fetched with the
  ``eurostat`` client, kept in ``regional-cache/`` in the trainee's work folder, and replaced by the
  snapshot, with a notice, when Eurostat cannot be reached (see :mod:`clusterlab.regional_eurostat`);
* the trainee's own figures: a path, or the bytes of a CSV or spreadsheet file, with a region, an
  industry code and persons employed on each row (see :mod:`clusterlab.regional_own`).

The table has the columns ``region, region_name, level, nace, nace_name, year, employed, missing,
flag``. A figure that is not there is NaN, never 0, and ``missing`` says why: ``not available``,
``confidential`` or ``unreadable value`` (a cell that held no figure, such as a spreadsheet's
``12:00 AM``); ``missing`` is empty when there is a figure. ``flag`` keeps Eurostat's flag letters
(``d``: "definition differs, see metadata"; ``c``: confidential). ``frame.attrs`` holds ``source``
(the acknowledgement to show with the figures), ``labels_source``, ``origin`` (``snapshot``,
``eurostat`` or ``own figures``), ``notes`` (a list of plain sentences, such as a break in series)
and ``notice`` (non-empty when the snapshot replaced figures that could not be fetched).

Tables are kept in memory: the same call returns the same table object, so treat it as read-only
(take ``.copy()`` to change it). :func:`clear_cache` forgets them.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pandas as pd

from clusterlab.errors import ClusterlabError

__all__ = ["SOURCE", "LABELS_SOURCE", "NACE_SOURCE", "COLUMNS", "SNAPSHOT_YEAR", "RegionalDataError",
           "load_employment", "regions", "industries", "clear_cache"]

SOURCE = "Source: Eurostat, sbs_r_nuts06_r2, reference year 2015"
LABELS_SOURCE = "Region names and label points: Eurostat GISCO"
NACE_SOURCE = "Industry labels: Eurostat, NACE Rev. 2"
SNAPSHOT_YEAR = 2015
COLUMNS = ("region", "region_name", "level", "nace", "nace_name", "year", "employed", "missing", "flag")
DATA_DIR = Path(__file__).resolve().parent / "data" / "regional"
SNAPSHOT_FILE = DATA_DIR / f"employment-{SNAPSHOT_YEAR}.csv.gz"
_REBUILD = ("Reinstall the course, or rebuild the file with "
            "'python course/scripts/build_regional_snapshot.py' from the course folder.")

_CACHE: dict[tuple, pd.DataFrame] = {}
_LOCK = threading.Lock()


class RegionalDataError(ClusterlabError, ValueError):
    """Regional figures that cannot be loaded or used, explained in plain words."""


def _read_shipped(path: Path, **options) -> pd.DataFrame:
    try:
        return pd.read_csv(path, keep_default_na=False, **options)
    except FileNotFoundError:
        raise RegionalDataError(f"The course's regional data file {path.name} is missing. {_REBUILD}") from None
    except (OSError, ValueError, EOFError) as exc:  # a damaged or truncated file
        raise RegionalDataError(f"The course's regional data file {path.name} could not be read ({exc}). "
                                f"{_REBUILD}") from None


@functools.cache
def regions() -> pd.DataFrame:
    """The regions of the snapshot: ``code, level, name, lon, lat, country, note`` (one row per code).

    Names and label points (WGS84) come from Eurostat GISCO (NUTS 2013, names in the regions' own
    languages; levels 0 and 1 in capitals, as the source gives them). ``lon``/``lat`` are NaN where
    GISCO has no label point; ``note`` says why (an older NUTS code, Extra-Regio ...).
    """
    table = _read_shipped(DATA_DIR / "regions.csv", dtype={"code": str, "name": str, "country": str,
                                                           "note": str, "level": "Int64"},
                          na_values={"lon": [""], "lat": [""]})
    table.attrs["source"] = LABELS_SOURCE
    return table


@functools.cache
def industries() -> pd.DataFrame:
    """The NACE Rev. 2 codes of the snapshot: ``code, label, kind, parent``.

    ``kind`` is ``section`` (a letter), ``division`` (a letter and two digits) or ``group`` (three digits);
    ``parent`` is the section of a division and the division of a group. Labels: Eurostat, NACE Rev. 2.
    """
    table = _read_shipped(DATA_DIR / "nace.csv", dtype=str)
    table.attrs["source"] = NACE_SOURCE
    return table


def _names(column: pd.Series, table: pd.DataFrame, key: str, value: str) -> pd.Series:
    return column.map(dict(zip(table[key], table[value]))).fillna("").astype(str)


def tidy(raw: pd.DataFrame) -> pd.DataFrame:
    """Complete ``raw`` (region, level, nace, year, employed, missing, flag) into the loader's table.

    Region and industry names come from ``raw`` where it has them, else from the course's lists.
    """
    raw = raw.reset_index(drop=True)
    frame = pd.DataFrame({
        "region": raw["region"].astype(str),
        "region_name": raw["region_name"] if "region_name" in raw else "",
        "level": raw["level"].astype("Int64"),
        "nace": raw["nace"].astype(str),
        "nace_name": "",
        "year": raw["year"].astype("Int64"),
        "employed": pd.to_numeric(raw["employed"], errors="raise").astype(float),
        "missing": raw["missing"].fillna("").astype(str),
        "flag": raw["flag"].fillna("").astype(str),
    })
    known = _names(frame["region"], regions(), "code", "name")
    given = frame["region_name"].fillna("").astype(str)
    frame["region_name"] = given.where(given != "", known).where(lambda s: s != "", frame["region"])
    frame["nace_name"] = _names(frame["nace"], industries(), "code", "label")
    frame.loc[frame["employed"].notna(), "missing"] = ""
    no_reason = frame["employed"].isna() & (frame["missing"] == "")
    frame.loc[no_reason, "missing"] = "not available"
    return frame


def _snapshot() -> pd.DataFrame:
    raw = _read_shipped(SNAPSHOT_FILE, dtype={"region": str, "nace": str, "missing": str, "flag": str,
                                              "level": "Int64", "year": "Int64", "employed": float},
                        na_values={"employed": [""]})
    frame = tidy(raw)
    frame.attrs.update(source=SOURCE, labels_source=LABELS_SOURCE, origin="snapshot", notice="", notes=[
        "Persons employed in local units, from Eurostat's structural business statistics: the business "
        "economy only (NACE sections B to N without K, and division S95); the table has no total of all "
        "activities.",
        "Eurostat's flag 'd' means 'definition differs, see metadata': such figures are kept, with the flag.",
    ])
    return frame


def _years(years) -> tuple[int, ...] | None:
    if years is None:
        return None
    if isinstance(years, int) and not isinstance(years, bool):
        years = (years,)
    try:
        chosen = tuple(sorted({int(y) for y in years if not isinstance(y, bool)}))
    except (TypeError, ValueError):
        raise RegionalDataError(f"years must be a year or a list of years, such as 2015 or [2015, 2019], "
                                f"not {years!r}.") from None
    if not chosen:
        raise RegionalDataError("years is empty: give at least one year, such as 2015.")
    return chosen


def _cached(key: tuple, build):
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = build()
        return _CACHE[key]


def load_employment(source="snapshot", *, years=None, refresh: bool = False, base_url: str | None = None,
                    timeout: float = 30.0, name: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Persons employed by region and industry, as one tidy table (see the module's description).

    ``source``: ``"snapshot"`` (offline, 2015), ``"eurostat"`` (online; ``years`` to fetch, default
    the snapshot's year; ``refresh`` fetches again instead of using the copy in the work folder;
    ``base_url`` or the environment variable ``CLUSTERLAB_EUROSTAT_URL`` point the client at a mirror),
    or the trainee's own figures: a path or the bytes of a CSV/spreadsheet file (``name`` is how
    messages call the file; ``year`` is used for rows without a year).

    Own figures are all or nothing: if any row cannot be read (a bad number, an unknown industry
    code, a duplicate ...) :class:`RegionalDataError` lists every problem with its line number, and
    no table is returned, so that a bad row never turns into a zero or silently disappears.
    """
    if isinstance(source, str) and source.strip().lower() in ("snapshot", "eurostat"):
        source = source.strip().lower()
    elif isinstance(source, (bytes, bytearray, memoryview, Path, str)):
        from clusterlab.regional_own import load_own_figures
        return load_own_figures(source, name=name, year=year)
    if not isinstance(source, str):
        raise RegionalDataError(f"source must be 'snapshot', 'eurostat', a file path or a file's bytes, "
                                f"not {type(source).__name__}.")
    chosen = _years(years)
    if source == "snapshot":
        if chosen not in (None, (SNAPSHOT_YEAR,)):
            raise RegionalDataError(f"The course's snapshot has the year {SNAPSHOT_YEAR} only; for "
                                    f"{', '.join(map(str, chosen))} use source='eurostat' (online).")
        return _cached(("snapshot",), _snapshot)
    from clusterlab import regional_eurostat
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise RegionalDataError(f"timeout must be a number of seconds between 1 and 600, not {timeout!r}.")
    chosen = chosen or (SNAPSHOT_YEAR,)
    url = regional_eurostat.base_url(base_url)
    key = ("eurostat", chosen, url)
    with _LOCK:
        if refresh:
            _CACHE.pop(key, None)
        elif key in _CACHE:
            return _CACHE[key]
    try:
        raw, notes = regional_eurostat.fetch(chosen, base_url=url, timeout=timeout, refresh=refresh)
    except regional_eurostat.EurostatUnavailable as exc:
        frame = _cached(("snapshot",), _snapshot).copy()
        frame.attrs = {**frame.attrs, "origin": "snapshot", "notes": list(frame.attrs["notes"]),
                       "notice": f"Eurostat could not be reached ({exc}), so these are the course's "
                                 f"{SNAPSHOT_YEAR} figures from its offline snapshot. Try again when online."}
        return frame  # not cached: the next call tries Eurostat again
    frame = tidy(raw)
    frame.attrs.update(source=regional_eurostat.source_text(raw), labels_source=LABELS_SOURCE,
                       origin="eurostat", notes=notes, notice="")
    with _LOCK:
        return _CACHE.setdefault(key, frame)


def clear_cache() -> None:
    """Forget the tables kept in memory (the copies in the work folder stay)."""
    with _LOCK:
        _CACHE.clear()
