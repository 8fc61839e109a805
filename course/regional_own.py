"""The trainee's own employment figures (a CSV or spreadsheet file), read into the regional table.

The file needs one row per region and industry, with at least three columns (names are matched
without regard to case; the first name of each list is the one the course suggests):

* the region: ``region`` (also ``region code``, ``code``, ``nuts``, ``geo``, ``area``): a NUTS code
  (``ES51``), a NUTS name as Eurostat writes it (``Cataluña``), or a name of the trainee's own
  (``Anoia``);
* the industry: ``industry`` (also ``industry code``, ``nace``, ``nace code``, ``activity``,
  ``sector``): a NACE Rev. 2 code written as ``C15``, ``15``, ``C 15``, ``47.1`` ... or ``TOTAL`` for
  all activities;
* persons employed: ``persons employed`` (also ``employed``, ``employment``, ``employees``, ``jobs``,
  ``workers``, ``value``): a number as people type it (``5 400``, ``1.234``, ``12,5``), or a marker for
  a missing figure: ``c``, ``confidential``, ``x`` or ``*`` (confidential); empty, ``:``, ``..``, ``-``
  or ``n/a`` (not available). A figure may end with Eurostat's flag letters (``219 d``). A figure
  such as ``1.200`` or ``1,200`` is refused as ambiguous (1200 persons, or 1.2?): write ``1200`` or
  ``1 200``; a time or a date (``12:00 AM``, a spreadsheet's doing) is refused too.

Optional columns: ``year``, ``name`` (the region's name) and ``level`` (NUTS level, 0-3).

Every problem is collected with its line number and reported at once in a
:class:`~clusterlab.regional_data.RegionalDataError`; nothing is returned then, so that a bad row
never becomes a zero or silently disappears.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from clusterlab.tables import parse_number, read_table

__all__ = ["load_own_figures", "nace_code"]

_COLUMNS = {
    "region": ("region", "region code", "code", "nuts", "nuts code", "geo", "area", "territory"),
    "industry": ("industry", "industry code", "nace", "nace code", "nace r2", "nace rev 2", "activity",
                 "sector"),
    "employed": ("persons employed", "employed", "employment", "employees", "jobs", "workers", "value",
                 "persons"),
    "year": ("year", "time", "period"),
    "name": ("name", "region name", "area name"),
    "level": ("level", "nuts level"),
}
_CONFIDENTIAL = {"c", "conf", "conf.", "confidential", "x", "*", ":c"}
_NOT_AVAILABLE = {"", ":", "..", "...", "-", "\u2013", "\u2014", "n/a", "na", "n.a.", "not available"}
_FLAGGED = re.compile(r"(.*\d)\s+([a-z]{1,3})")
# NACE Rev. 2: the section of each division (divisions are numbered 01-99 across sections A-U).
_SECTIONS = (("A", 1, 3), ("B", 5, 9), ("C", 10, 33), ("D", 35, 35), ("E", 36, 39), ("F", 41, 43),
             ("G", 45, 47), ("H", 49, 53), ("I", 55, 56), ("J", 58, 63), ("K", 64, 66), ("L", 68, 68),
             ("M", 69, 75), ("N", 77, 82), ("O", 84, 84), ("P", 85, 85), ("Q", 86, 88), ("R", 90, 93),
             ("S", 94, 96), ("T", 97, 98), ("U", 99, 99))
_MAX_LISTED = 15


def _section(division: int) -> str | None:
    return next((letter for letter, low, high in _SECTIONS if low <= division <= high), None)


def nace_code(text: str) -> str | None:
    """The NACE Rev. 2 code in the course's form (``C15``, ``G471``, ``C``, ``TOTAL``), or None.

    Accepts ``C15``, ``c15``, ``15``, ``C 15``, ``C.15``, ``47.1``, ``G47.1``, ``5`` (division 05).
    """
    s = re.sub(r"[\s._]", "", str(text)).upper()
    if s in ("TOTAL", "ALL"):
        return "TOTAL"
    match = re.fullmatch(r"([A-U])?(\d{1,4})?", s)
    if not match or not (match[1] or match[2]):
        return None
    letter, digits = match[1], match[2]
    if not digits:
        return letter
    if len(digits) == 1:
        digits = "0" + digits
    section = _section(int(digits[:2]))
    if section is None or (letter and letter != section) or digits[2:3] == "0":  # groups are numbered 1-9
        return None
    return section + digits


def _header_map(header: list[str]) -> dict[str, str]:
    """Which of the file's columns (as read_table lower-cases them) holds each field."""
    found = {}
    for column in header:
        key = re.sub(r"[\s_\-.]+", " ", column.lower()).strip()
        for field, names in _COLUMNS.items():
            if key in names and field not in found:
                found[field] = column.lower()
    return found


def _employed(text: str) -> tuple[float, str, str]:
    """``(figure or NaN, missing reason, flag)``; raises ValueError with a plain reason."""
    cell = " ".join(text.split())
    low = cell.lower()
    if low in _CONFIDENTIAL or low.replace(" ", "") in _CONFIDENTIAL:
        return float("nan"), "confidential", ""
    if low in _NOT_AVAILABLE:
        return float("nan"), "not available", ""
    flag = ""
    flagged = _FLAGGED.fullmatch(cell)
    if flagged:
        cell, flag = flagged[1], flagged[2]
    if re.search(r"\d:\d\d|\d/\d+/\d", cell):
        raise ValueError(f"'{text}' looks like a time or a date, not a figure: a spreadsheet may have changed "
                         "it; type the figure again and format the column as a number")
    if re.fullmatch(r"\d{1,3}[.,]\d{3}", cell):
        raise ValueError(f"'{text}' could mean {cell.replace(',', '').replace('.', '')} or "
                         f"{cell.replace(',', '.')}: write it without a thousands separator "
                         f"({cell.replace(',', '').replace('.', '')}) or with a space ({cell[:-4]} {cell[-3:]})")
    number = parse_number(cell)
    if number < 0:
        raise ValueError(f"'{text}' is negative: persons employed cannot be fewer than zero")
    return float(number), "", flag


def _the(name: str) -> str:
    return f"The file {name}" if name else "The file"


def _fail(name: str, problems: list[str]):
    from clusterlab.regional_data import RegionalDataError
    shown = problems[:_MAX_LISTED]
    more = len(problems) - len(shown)
    lines = "\n".join(f"- {p}" for p in shown) + (f"\n- ... and {more} more" if more > 0 else "")
    count = "a problem" if len(problems) == 1 else f"{len(problems)} problems"
    raise RegionalDataError(f"{_the(name)} could not be used: it has {count}. Correct the file and load it "
                            f"again; no figure was taken from it.\n{lines}")


def _read(source, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or ""
    path = Path(source).expanduser()
    try:
        return path.read_bytes(), name or path.name
    except FileNotFoundError:
        problem = "was not found: check the path and the file name"
    except IsADirectoryError:
        problem = "is a folder, not a file: give the path of the CSV file in it"
    except OSError as exc:
        problem = f"could not be opened ({exc.strerror or exc})"
    from clusterlab.regional_data import RegionalDataError
    raise RegionalDataError(f"The file {path} {problem}.")


def _regions() -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
    from clusterlab.regional_data import regions
    table = regions()
    codes = {c: (n, int(lv)) for c, n, lv in zip(table["code"], table["name"], table["level"])}
    by_name: dict[str, list[str]] = {}
    for code, name in zip(table["code"], table["name"]):
        by_name.setdefault(name.casefold(), []).append(code)
    return codes, {n: cs[0] for n, cs in by_name.items() if len(cs) == 1}


def _year(text: str, default: int | None) -> int | None:
    if not text:
        return default
    if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2100:
        return int(text)
    raise ValueError(f"the year '{text}' is not a year: write it with four digits, such as 2015")


def load_own_figures(source, *, name: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Read the trainee's figures from a path or a file's bytes into the regional table."""
    from clusterlab.regional_data import RegionalDataError, tidy
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100):
        raise RegionalDataError(f"year must be a year such as 2015 (for the rows without one), not {year!r}.")
    data, name = _read(source, name)
    table = read_table(data, name=name or "the file", max_rows=20000)
    problems = list(table.problems)
    columns = _header_map(table.header)
    absent = [f for f in ("region", "industry", "employed") if f not in columns]
    if absent:
        wanted = {"region": "region", "industry": "industry", "employed": "persons employed"}
        problems.append(f"{_the(name)} needs the columns {', '.join(wanted[f] for f in absent)} "
                        f"(found: {', '.join(table.header) or 'none'}); name the columns on the first line.")
    if not table.rows and not absent and not problems:
        problems.append(f"{_the(name)} has column names but no figures below them.")
    if problems and (absent or not table.rows):
        _fail(name, problems)
    codes, names = _regions()
    rows, seen = [], {}
    for line, row in zip(table.lines, table.rows):
        get = lambda field: row.get(columns.get(field, ""), "").strip()  # noqa: E731
        where = f"line {line}"
        region, industry = get("region"), get("industry")
        if not region:
            problems.append(f"{where}: the region is empty.")
            continue
        nace = nace_code(industry)
        if nace is None:
            problems.append(f"{where}: '{industry}' is not a NACE Rev. 2 code: write it like C15, 15, 47.1 or "
                            "TOTAL." if industry else f"{where}: the industry code is empty.")
            continue
        try:
            employed, missing, flag = _employed(get("employed"))
        except ValueError as exc:
            problems.append(f"{where}: persons employed: {exc}")
            continue
        try:
            the_year = _year(get("year"), year)
        except ValueError as exc:
            problems.append(f"{where}: {exc}.")
            continue
        code = region.upper() if region.upper() in codes else names.get(region.casefold(), region)
        level = codes[code][1] if code in codes else None
        if get("level"):
            if not re.fullmatch(r"[0-3]", get("level")):
                problems.append(f"{where}: the level '{get('level')}' is not a NUTS level: write 0, 1, 2 or 3.")
                continue
            level = int(get("level"))
        key = (code, nace, the_year)
        if key in seen:
            when = f" in {the_year}" if the_year else ""
            problems.append(f"lines {seen[key]} and {line} both give {nace} for {region}{when}: keep one of them.")
            continue
        seen[key] = line
        rows.append({"region": code, "region_name": get("name") or (codes[code][0] if code in codes else region),
                     "level": level, "nace": nace, "year": the_year, "employed": employed,
                     "missing": missing, "flag": flag})
    if problems:
        _fail(name, problems)
    frame = tidy(pd.DataFrame(rows))
    frame.attrs.update(source=f"Your own figures{': ' + name if name else ''}", labels_source="",
                       origin="own figures", notice="", notes=[])
    return frame
