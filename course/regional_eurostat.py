"""Persons employed by region and industry, fetched from Eurostat on request (the online path).

The figures come from Eurostat's dissemination API through the maintained ``eurostat`` client
(PyPI ``eurostat``), from two tables with a break in series between them:

* ``sbs_r_nuts06_r2`` (to 2020): persons employed, indicator ``V16110``, NUTS 2013/2016 regions;
* ``sbs_r_nuts2021`` (from 2021): persons employed in local units, indicator ``EMP_LOC_NR``, NUTS 2021
  regions, compiled under the European business statistics regulation.

What is fetched is kept in ``regional-cache/`` in the trainee's work folder and read from there on
the next request. The client asks a fixed host; :func:`base_url` points it somewhere else (a mirror,
or a test's loopback server): the ``base_url`` argument, else ``$CLUSTERLAB_EUROSTAT_URL``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clusterlab.files import write_atomically

__all__ = ["DEFAULT_BASE_URL", "BASE_URL_ENV", "DATASETS", "EurostatUnavailable", "base_url", "fetch",
           "source_text", "cache_folder"]

DEFAULT_BASE_URL = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/"
BASE_URL_ENV = "CLUSTERLAB_EUROSTAT_URL"
CACHE_FOLDER = "regional-cache"
_RAW_COLUMNS = ["region", "level", "nace", "year", "employed", "missing", "flag"]
_NUTS = re.compile(r"[A-Z]{2}[A-Z0-9]{0,2}")
_LOCK = threading.Lock()  # the client's settings are module globals: one request at a time


@dataclass(frozen=True)
class Dataset:
    code: str
    dimension: str  # the indicator's dimension
    indicator: str  # persons employed
    first: int
    last: int | None
    describes: str


DATASETS = (
    Dataset("sbs_r_nuts06_r2", "indic_sb", "V16110", 2008, 2020,
            "persons employed (V16110), NUTS 2013/2016 regions"),
    Dataset("sbs_r_nuts2021", "indic_sbs", "EMP_LOC_NR", 2021, None,
            "persons employed in local units (EMP_LOC_NR), NUTS 2021 regions"),
)


class EurostatUnavailable(Exception):
    """Eurostat could not be asked, or gave no usable figures; the message says why, briefly."""


def base_url(given: str | None = None) -> str:
    """The address the client asks: ``given``, else ``$CLUSTERLAB_EUROSTAT_URL``, else Eurostat's own."""
    url = (given or os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL).strip()
    return url if url.endswith("/") else url + "/"


def cache_folder() -> Path:
    from clusterlab.widgets.storage import work_dir
    return work_dir() / CACHE_FOLDER


def _dataset(year: int) -> Dataset:
    for dataset in DATASETS:
        if dataset.first <= year and (dataset.last is None or year <= dataset.last):
            return dataset
    from clusterlab.regional_data import RegionalDataError
    raise RegionalDataError(f"Eurostat's regional business statistics by NACE Rev. 2 start in "
                            f"{DATASETS[0].first}: {year} is not available; choose a later year.")


@contextlib.contextmanager
def _client(url: str, timeout: float):
    """The ``eurostat`` client, pointed at ``url`` for every provider, its output captured."""
    import eurostat.eurostat as client
    with _LOCK:
        uri, settings = client.__Uri__, client.get_requests_args()
        saved = dict(uri.BASE_URL), dict(uri.BASE_ASYNC_URL), dict(settings)
        async_url = url.replace("/sdmx/2.1/", "/1.0/async/") if "/sdmx/2.1/" in url else url + "async/"
        try:
            for provider in uri.BASE_URL:  # the client looks a table up with every provider in turn
                uri.BASE_URL[provider] = url
            for provider in uri.BASE_ASYNC_URL:
                uri.BASE_ASYNC_URL[provider] = async_url
            client.set_requests_args(timeout=(min(timeout, 10.0), timeout))
            with contextlib.redirect_stdout(io.StringIO()):  # the client prints its errors
                yield client
        finally:
            uri.BASE_URL.clear(), uri.BASE_URL.update(saved[0])
            uri.BASE_ASYNC_URL.clear(), uri.BASE_ASYNC_URL.update(saved[1])
            settings.clear(), settings.update(saved[2])


def _reachable(url: str, timeout: float) -> None:
    """Fail fast when the host does not answer, instead of letting the client retry for minutes."""
    import requests
    try:
        requests.head(url, timeout=min(timeout, 10.0), allow_redirects=False)
    except requests.Timeout:
        raise EurostatUnavailable(f"{url} did not answer in time") from None
    except requests.ConnectionError:
        raise EurostatUnavailable(f"no connection to {url}") from None
    except (requests.RequestException, ValueError) as exc:  # a malformed address, too
        raise EurostatUnavailable(f"{url} could not be asked ({type(exc).__name__})") from None


def _tidy(table: pd.DataFrame, dataset: Dataset, years: tuple[int, ...]) -> pd.DataFrame:
    """The client's wide table (one column per year and per flag) as raw tidy rows."""
    columns = {c.lower(): c for c in table.columns}
    geo = next((c for low, c in columns.items() if low.startswith("geo")), None)
    nace = columns.get("nace_r2")
    if geo is None or nace is None:
        raise EurostatUnavailable(f"the answer for {dataset.code} has no region or industry column")
    indicator = columns.get(dataset.dimension)
    if indicator is not None:
        table = table[table[indicator] == dataset.indicator]
    table = table[table[geo].astype(str).str.fullmatch(_NUTS.pattern)]
    parts = []
    for year in years:
        value, flag = f"{year}_value", f"{year}_flag"
        if value not in table:
            continue
        employed = pd.to_numeric(table[value], errors="coerce")
        letters = table[flag].fillna("").astype(str).str.replace(r"[:\s]", "", regex=True)
        missing = letters.str.contains("c").map({True: "confidential", False: "not available"})
        parts.append(pd.DataFrame({
            "region": table[geo].astype(str), "level": table[geo].astype(str).str.len() - 2,
            "nace": table[nace].astype(str), "year": year, "employed": employed,
            "missing": missing.where(employed.isna(), ""), "flag": letters}))
    if not parts:
        raise EurostatUnavailable(f"{dataset.code} has no figures for {', '.join(map(str, years))}")
    return pd.concat(parts, ignore_index=True)[_RAW_COLUMNS]


def _download(dataset: Dataset, years: tuple[int, ...], url: str, timeout: float) -> pd.DataFrame:
    _reachable(url, timeout)
    # The client matches filter names to the table's dimension ids exactly; Eurostat writes them in lower
    # case today. The upper-case twin keeps the filter working if that changes (only one of them matches).
    filters = {dataset.dimension: [dataset.indicator], dataset.dimension.upper(): [dataset.indicator],
               "startPeriod": years[0], "endPeriod": years[-1]}
    try:
        with _client(url, timeout) as client:
            table = client.get_data_df(dataset.code, flags=True, filter_pars=filters)
    except Exception as exc:  # the client fails in many ways (network, a changed format, its own asserts)
        raise EurostatUnavailable(f"the request for {dataset.code} failed ({type(exc).__name__})") from None
    if table is None or table.empty:
        raise EurostatUnavailable(f"Eurostat sent no figures for {dataset.code}")
    return _tidy(table, dataset, years)


def _cache_file(dataset: Dataset, years: tuple[int, ...], url: str) -> Path:
    tag = "" if url == DEFAULT_BASE_URL else "-" + hashlib.sha256(url.encode()).hexdigest()[:8]
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return cache_folder() / f"{dataset.code}-{dataset.indicator}-{span}{tag}.csv.gz"


def _read_cache(path: Path) -> pd.DataFrame | None:
    try:
        return pd.read_csv(path, keep_default_na=False, na_values={"employed": [""]},
                           dtype={"region": str, "nace": str, "missing": str, "flag": str})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError):  # a damaged copy is fetched again
        return None


def fetch(years: tuple[int, ...], *, base_url: str, timeout: float = 30.0,
          refresh: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Raw tidy rows for ``years`` (from the work folder's copy, else from Eurostat) and notes.

    Raises :class:`EurostatUnavailable` when Eurostat cannot be asked or sends nothing usable.
    """
    groups: dict[Dataset, list[int]] = {}
    for year in years:
        groups.setdefault(_dataset(year), []).append(year)
    parts, notes = [], []
    for dataset, chosen in groups.items():
        chosen_years = tuple(chosen)
        try:
            path = _cache_file(dataset, chosen_years, base_url)
        except Exception:  # no work folder: fetch without keeping a copy
            path = None
        table = None if refresh or path is None else _read_cache(path)
        when = "kept from an earlier request"
        if table is None:
            table = _download(dataset, chosen_years, base_url, timeout)
            when = f"fetched on {dt.date.today().isoformat()}"
            if path is not None:
                with contextlib.suppress(OSError):
                    path.parent.mkdir(parents=True, exist_ok=True)
                    write_atomically(path, gzip.compress(table.to_csv(index=False).encode("utf-8"), mtime=0))
        parts.append(table)
        notes.append(f"Eurostat, {dataset.code}: {dataset.describes}, {', '.join(map(str, chosen))} ({when}).")
    if len(groups) > 1:
        notes.append("Break in series between 2020 and 2021: the figures to 2020 come from sbs_r_nuts06_r2 "
                     "(NUTS 2013/2016 regions), those from 2021 from sbs_r_nuts2021 (NUTS 2021 regions, persons "
                     "employed in local units under the European business statistics regulation). Some regions "
                     "changed codes or borders, and the figures either side of the break are not strictly "
                     "comparable.")
    if any(d.code == "sbs_r_nuts2021" for d in groups):
        notes.append("Region names come from the NUTS 2013 list; a NUTS 2021 code that is not in it is shown as "
                     "its code.")
    raw = pd.concat(parts, ignore_index=True)
    raw["level"], raw["year"] = raw["level"].astype(int), raw["year"].astype(int)
    return raw, notes


def source_text(raw: pd.DataFrame) -> str:
    """The acknowledgement for fetched figures: the tables and reference years they come from."""
    years = sorted({int(y) for y in raw["year"]})
    codes = [d.code for d in DATASETS if any(d.first <= y and (d.last is None or y <= d.last) for y in years)]
    span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    return f"Source: Eurostat, {' and '.join(codes)}, reference year{'s' if len(years) > 1 else ''} {span}"
