"""The regional mapper (Module 2): which regions specialise in an industry, and how strongly.

The model holds the trainee's choices (the *controls*) and the employment table, and turns them into
the ranking of :func:`clusterlab.mapping.ranking`: one row per region with its employment, location
quotient (LQ), size, focus and the European Cluster Observatory's stars. The view
(:class:`~clusterlab.widgets.regional_mapper_view.RegionalMapper`) draws it as a table and a cluster
portfolio chart.

The controls, with their keys (used by :meth:`RegionalMapperModel.update`, saved work and the view's
``controls``):

* ``industry``: a NACE code such as ``"C15"`` or codes joined by ``+`` such as ``"C13+C14+C15"``
  (textiles, apparel and leather; see :data:`INDUSTRY_GROUPS`);
* ``reference``: ``"country"`` (each region against its own country) or ``"all"`` (against Europe:
  all the countries of the table);
* ``denominator``: ``"manufacturing"``, ``"business economy"``, ``"total"`` (all activities: the code
  ``TOTAL``, found in a trainee's own figures) or ``"custom"`` (then ``custom_codes``, such as ``"C, F"``);
* ``level``: the NUTS level of the regions, 1 or 2 (or 3, with figures that have it, such as a
  trainee's own);
* ``lq_threshold``, ``size_top_share``, ``focus_top_share``: the thresholds of the three stars;
* ``y_axis`` (``"focus"`` or ``"size"``) and ``rows`` (how many regions the table lists).

A figure that is missing stays missing (NaN, never 0); the ranking's ``missing`` column says why.

The trainee's own figures replace the Eurostat table without any code: :meth:`RegionalMapperModel.load_figures`
takes the bytes of an uploaded CSV or spreadsheet file, and :meth:`RegionalMapperModel.use_eurostat`
goes back to the course's snapshot. The controls are fitted to the new figures (their industries,
NUTS levels and a denominator they have).
"""

from __future__ import annotations

import re

import pandas as pd

from clusterlab import validation as chk
from clusterlab.analysis import AnalysisError
from clusterlab.mapping import BUSINESS_ECONOMY, StarThresholds, ranking
from clusterlab.regional_data import SOURCE, RegionalDataError, load_employment

from .errors import ComponentError

#: The case regions, highlighted by default: the NUTS-2 region around each case town.
CASE_REGIONS: dict[str, str] = {"ES51": "Igualada's region", "ITI1": "Prato's region",
                                "UKE4": "Huddersfield's region"}
#: Named groups of industries, added together (key: the codes joined by '+').
INDUSTRY_GROUPS: dict[str, str] = {
    "C13+C14+C15": "Textiles, apparel and leather",
    "C13+C14": "Textiles and apparel",
}
REFERENCES: dict[str, str] = {"country": "Own country", "all": "Europe"}
DENOMINATORS: dict[str, str] = {"manufacturing": "Manufacturing (section C)",
                                "business economy": "Business economy (sections B to N without K, and S95)",
                                "total": "All activities (TOTAL)",
                                "custom": "My own list of codes"}
_DENOMINATOR_CODES = {"manufacturing": ("C",), "business economy": BUSINESS_ECONOMY, "total": ("TOTAL",)}
Y_AXES: dict[str, str] = {"focus": "Focus", "size": "Size"}
LEVELS = (1, 2, 3)  # 3 only with figures that have it, such as a trainee's own
DEFAULTS: dict = dict(industry="C13+C14+C15", reference="country", denominator="manufacturing", custom_codes="",
                      level=2, lq_threshold=2.0, size_top_share=0.10, focus_top_share=0.10, y_axis="focus", rows=15)
CONTROLS = tuple(DEFAULTS)
_DISPLAY = ("y_axis", "rows")  # controls that change what is shown, not the ranking
_CODE = re.compile(r"[A-Z][0-9A-Z]{0,5}\Z")
_ALIASES = {"reference": {"nation": "country", "national": "country", "europe": "all", "eu": "all"}}


def _choice(value, what: str, allowed: dict, key: str):
    if isinstance(value, str):
        value = _ALIASES.get(key, {}).get(value.strip().lower(), value.strip().lower())
    if value not in allowed:
        listed = ", ".join(f"'{k}' ({v})" for k, v in allowed.items())
        raise ComponentError(f"{what} must be one of {listed}; got {chk.describe(value)}.")
    return value


def code_list(value, what: str) -> tuple[str, ...]:
    """Industry codes from ``"C13+C14"``, ``"C, F"`` or a list, in capitals, each once."""
    if isinstance(value, str):
        parts = re.split(r"[+,;\s]+", value)
    elif isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        raise ComponentError(f"{what} must be industry codes such as 'C15' or 'C13+C14'; got {chk.describe(value)}.")
    codes: list[str] = []
    for part in parts:
        if not isinstance(part, str):
            raise ComponentError(f"{what} must hold industry codes such as 'C15'; got {chk.describe(part)}.")
        code = part.strip().upper()
        if not code:
            continue
        if not _CODE.match(code):
            raise ComponentError(f"{what}: {part.strip()[:20]!r} is not an industry code. A NACE code is a section "
                                 "letter, then for a division two digits, such as C or C15.")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ComponentError(f"{what} is empty: give at least one industry code, such as C15.")
    return tuple(codes)


def _check(key: str, value):
    """One control's value, checked and put in its usual form."""
    if key == "industry":
        return "+".join(code_list(value, "The industry"))
    if key == "reference":
        return _choice(value, "The reference area", {"country": "the region's own country",
                                                     "all": "Europe, all the countries in the table"}, key)
    if key == "denominator":
        return _choice(value, "The denominator", {"manufacturing": "section C",
                                                  "business economy": "sections B to N without K, and S95",
                                                  "total": "all activities, the code TOTAL of your own figures",
                                                  "custom": "your own list of codes"}, key)
    if key == "custom_codes":
        return "" if value in ("", None) else ", ".join(code_list(value, "The denominator's codes"))
    if key == "level":
        if value not in LEVELS or isinstance(value, bool):
            raise ComponentError(f"The NUTS level must be 1 (large regions), 2 (regions) or, with your own "
                                 f"figures, 3 (small regions); got {chk.describe(value)}.")
        return int(value)
    if key == "lq_threshold":
        return float(chk.number(value, "The LQ needed for the specialisation star", 0.1, 20))
    if key in ("size_top_share", "focus_top_share"):
        what = f"The share of regions that get the {key.split('_')[0]} star"
        return float(chk.number(value, what + " (0.10 is the top 10 %)", 0.01, 1))
    if key == "y_axis":
        return _choice(value, "The vertical axis", {"focus": "the industry's share of the region",
                                                    "size": "the region's share of the industry"}, key)
    if key == "rows":
        return chk.number(value, "The number of rows shown", 1, 1000, whole=True)
    raise ComponentError(f"There is no control called {str(key)[:30]!r}. The controls are: {', '.join(CONTROLS)}.")


def _codes_in(frame: pd.DataFrame) -> dict[str, str]:
    """The industry codes of the table with their labels, in code order."""
    pairs = frame[["nace", "nace_name"]] if "nace_name" in frame else frame[["nace"]].assign(nace_name="")
    pairs = pairs.drop_duplicates("nace").astype(str)
    codes = dict(sorted(zip(pairs["nace"], pairs["nace_name"])))
    if "TOTAL" in codes and codes["TOTAL"] in ("", "<NA>", "nan"):
        codes["TOTAL"] = "All activities"
    return codes


def _levels_in(frame: pd.DataFrame) -> list[int]:
    found = pd.to_numeric(frame["level"], errors="coerce").dropna().astype(int) if "level" in frame else []
    return sorted(set(found) & set(LEVELS)) or [2]


def _fitted(settings: dict, codes: dict[str, str], levels: list[int]) -> dict:
    """``settings`` changed where they do not fit figures with these ``codes`` and ``levels``: an industry,
    a denominator and a NUTS level that the figures have."""
    s = dict(settings)
    if not set(s["industry"].split("+")) <= set(codes) and codes:
        # Figures without the industry chosen: start with their first manufacturing division.
        divisions = [c for c in codes if len(c) == 3 and c.startswith("C")]
        others = [c for c in codes if c != "TOTAL" and len(c) > 1] or [c for c in codes if c != "TOTAL"]
        s["industry"] = (divisions or others or list(codes))[0]
    usable = [k for k, need in _DENOMINATOR_CODES.items() if set(need) <= set(codes)]
    if s["denominator"] != "custom" and s["denominator"] not in usable:
        if usable:
            s["denominator"] = "manufacturing" if "manufacturing" in usable else usable[0]
        else:  # no total of their own: add up the broadest codes they have
            s["denominator"] = "custom"
            s["custom_codes"] = ", ".join(c for c in codes if not any(c != o and c.startswith(o) for o in codes))
    elif s["denominator"] == "custom" and s["custom_codes"] and not set(s["custom_codes"].split(", ")) <= set(codes):
        s["denominator"] = usable[0] if usable else "custom"
        if not usable:
            s["custom_codes"] = ", ".join(c for c in codes if not any(c != o and c.startswith(o) for o in codes))
    if s["level"] not in levels:
        s["level"] = 2 if 2 in levels else levels[-1]
    return s


class RegionalMapperModel:
    """The mapper's controls and the ranking they give on ``frame`` (default: the course's 2015 snapshot).

    ``highlight``: region codes to pick out (default :data:`CASE_REGIONS`); at NUTS level 1 the larger
    region that contains one is picked out. Other keyword arguments set controls (see the module's text).
    Invalid values raise :class:`ComponentError`; the model then keeps its previous controls.
    """

    def __init__(self, frame: pd.DataFrame | None = None, *, highlight=None, **controls):
        if frame is None:
            try:
                frame = load_employment()
            except RegionalDataError as exc:
                raise ComponentError(str(exc)) from None
        if not isinstance(frame, pd.DataFrame) or not {"region", "nace", "employed"} <= set(frame.columns):
            raise ComponentError("The figures must be a table from load_employment (a pandas DataFrame with the "
                                 "columns region, nace and employed, among others).")
        self.frame = frame
        self.codes = _codes_in(frame)
        self.highlight = self._highlight(CASE_REGIONS if highlight is None else highlight)
        self.levels = _levels_in(frame)
        self.settings: dict = _fitted(DEFAULTS, self.codes, self.levels)
        self.ranking: pd.DataFrame | None = None
        self.update(**controls)

    # -- the figures -------------------------------------------------------------------------------
    @property
    def own_figures(self) -> bool:
        """True when the figures are not Eurostat's (the trainee's own, or a table given by code)."""
        return self.frame.attrs.get("origin") not in ("snapshot", "eurostat")

    def use_figures(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rank ``frame`` (a table from ``load_employment``) instead, with the controls fitted to it; return
        the ranking. On a problem raise ComponentError and keep the previous figures and controls."""
        if not isinstance(frame, pd.DataFrame) or not {"region", "nace", "employed"} <= set(frame.columns):
            raise ComponentError("The figures must be a table from load_employment.")
        before = (self.frame, self.codes, self.levels, self.settings, self.ranking)
        codes, levels = _codes_in(frame), _levels_in(frame)
        settings = _fitted(self.settings, codes, levels)
        self.frame, self.codes, self.levels = frame, codes, levels
        try:
            self.settings, self.ranking = settings, self._rank(settings)
        except ComponentError as exc:
            self.frame, self.codes, self.levels, self.settings, self.ranking = before
            raise ComponentError(f"The figures were read but cannot be ranked: {exc} The previous figures are "
                                 "still shown.") from None
        return self.ranking

    def load_figures(self, data, name: str = "your file") -> pd.DataFrame:
        """Rank the figures in ``data``, the bytes of a CSV or spreadsheet file called ``name`` (see
        :func:`clusterlab.regional_data.load_employment`); return the ranking. A file that cannot be read
        raises ComponentError with every problem and its line number; the previous figures stay."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ComponentError(f"The file's content must be bytes; got {chk.describe(data)}.")
        if not bytes(data).strip():
            raise ComponentError(f"{name} is empty: choose the file that holds your figures. The previous "
                                 "figures are still shown.")
        try:
            frame = load_employment(bytes(data), name=name)
        except RegionalDataError as exc:
            raise ComponentError(f"{exc} The previous figures are still shown.") from None
        return self.use_figures(frame)

    def use_eurostat(self) -> pd.DataFrame:
        """Go back to the course's Eurostat figures (the 2015 snapshot); return the ranking."""
        try:
            frame = load_employment()
        except RegionalDataError as exc:
            raise ComponentError(str(exc)) from None
        return self.use_figures(frame)

    def denominator_options(self) -> list[str]:
        """The denominators these figures can give (keys of :data:`DENOMINATORS`)."""
        return [k for k in DENOMINATORS if k == "custom" or set(_DENOMINATOR_CODES[k]) <= set(self.codes)]

    @staticmethod
    def _highlight(codes) -> dict[str, str]:
        """``{code: label}`` from a code, a list of codes or a dictionary of codes and labels."""
        if isinstance(codes, str):
            codes = [codes]
        if isinstance(codes, dict):
            labels = [chk.text(v, "The label of a highlighted region", max_len=80, empty_ok=True)
                      for v in codes.values()]
            return dict(zip(code_list(list(codes), "The regions to highlight"), labels))
        if not isinstance(codes, (list, tuple)):
            raise ComponentError(f"highlight must be a list of region codes such as ['ITI1']; got "
                                 f"{chk.describe(codes)}.")
        return {c: CASE_REGIONS.get(c, "") for c in code_list(list(codes), "The regions to highlight")} if codes else {}

    # -- computing -------------------------------------------------------------------------------
    def update(self, **controls) -> pd.DataFrame:
        """Change some controls and return the new ranking; on a problem raise ComponentError, change nothing."""
        chosen = dict(self.settings)
        for key, value in controls.items():
            chosen[key] = _check(key, value)
        same = self.ranking is not None and all(chosen[k] == self.settings[k] for k in CONTROLS if k not in _DISPLAY)
        table = self.ranking if same else self._rank(chosen)
        self.settings, self.ranking = chosen, table
        return table

    def _rank(self, s: dict) -> pd.DataFrame:
        industry = s["industry"].split("+")
        unknown = [c for c in industry if c not in self.codes]
        if unknown:
            raise ComponentError(f"The figures have no industry {', '.join(unknown)}. Pick an industry from the "
                                 "list, such as C15 (leather).")
        if s["denominator"] == "custom":
            if not s["custom_codes"]:
                raise ComponentError("Give the codes to add up as the denominator, such as 'C, F' "
                                     "(manufacturing and construction).")
            denominator = s["custom_codes"].split(", ")
        elif s["denominator"] == "total":
            if "TOTAL" not in self.codes:
                raise ComponentError("These figures have no total of all activities (the code TOTAL): choose "
                                     "manufacturing, the business economy or your own list of codes.")
            denominator = ["TOTAL"]
        else:
            denominator = s["denominator"]
        try:
            thresholds = StarThresholds(s["size_top_share"], s["lq_threshold"], s["focus_top_share"])
            return ranking(self.frame, industry, s["reference"], denominator, s["level"], thresholds)
        except AnalysisError as exc:
            raise ComponentError(str(exc)) from None

    # -- what the view shows ----------------------------------------------------------------------
    @property
    def source(self) -> str:
        """The acknowledgement to show with the figures."""
        return str(self.frame.attrs.get("source") or SOURCE)

    def industry_label(self, industry: str | None = None) -> str:
        industry = industry or self.settings["industry"]
        name = INDUSTRY_GROUPS.get(industry) or (self.codes.get(industry) if "+" not in industry else "")
        return f"{name} ({industry})" if name else industry

    def industry_options(self) -> list[tuple[str, str]]:
        """``(label, value)`` for the industry list: the groups the table can make, then every code."""
        groups = [(f"{label} ({key})", key) for key, label in INDUSTRY_GROUPS.items()
                  if set(key.split("+")) <= set(self.codes)]
        return groups + [(f"{code}: {label}" if label else code, code) for code, label in self.codes.items()]

    def highlighted(self, table: pd.DataFrame | None = None) -> list[str | None]:
        """For each row of the ranking: None if it is not highlighted, else its note (possibly "").

        A region is highlighted when its code is in ``highlight``, lies inside a highlighted area
        (``IT`` picks out every Italian region) or contains a highlighted region (at NUTS level 1).
        """
        table = self.ranking if table is None else table
        notes: list[str | None] = []
        for region in table["region"]:
            note = None
            for code, label in self.highlight.items():
                if region.startswith(code):
                    note = label
                    break
                if code.startswith(region):
                    note = f"contains {label or code}"
            notes.append(note)
        return notes

    def shown_positions(self) -> tuple[list[int], list[int]]:
        """Positions in the ranking of the table's rows: the first ``rows``, then highlighted ones further down."""
        first = min(self.settings["rows"], len(self.ranking))
        later = [k for k, note in enumerate(self.highlighted()) if note is not None and k >= first]
        return list(range(first)), later

    def shown(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The table's rows: the first ``rows`` regions, and the highlighted regions further down."""
        first, later = self.shown_positions()
        return self.ranking.iloc[first], self.ranking.iloc[later]

    def csv_text(self) -> str:
        """The whole ranking as CSV: a missing figure is an empty cell, never 0; the settings and source
        are repeated on each row so that the file speaks for itself."""
        table = self.ranking.copy()
        for column in ("employment", "denominator", "reference_employment", "reference_denominator"):
            if table[column].dropna().mod(1).eq(0).all():  # persons employed: whole numbers, without ".0"
                table[column] = table[column].astype("Int64")
        table["industry"] = self.settings["industry"]
        table["denominator_codes"] = "+".join(self.ranking.attrs.get("denominator_codes", ()))
        table["year"] = self.ranking.attrs.get("year")
        table["source"] = self.source
        return table.to_csv(index=False)

    def file_name(self) -> str:
        s = self.settings
        return f"ranking-{s['industry'].replace('+', '-')}-{s['reference']}-nuts{s['level']}.csv"

    # -- saving ------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"kind": "regional_mapper", **self.settings}

    @classmethod
    def from_dict(cls, data, frame: pd.DataFrame | None = None, highlight=None) -> RegionalMapperModel:
        d = chk.fields(data, "The mapper's settings", (), (*CONTROLS, "kind"))
        chk.kind(d, "regional_mapper", "This dictionary")
        return cls(frame, highlight=highlight, **{k: v for k, v in d.items() if k != "kind"})

    def apply_saved(self, data) -> list[str]:
        """Take saved settings, those that fit these figures; return the names of those left out."""
        d = dict(chk.mapping(data, "The saved settings"))
        chk.kind(d, "regional_mapper", "The saved settings")
        d.pop("kind", None)
        try:
            self.update(**{k: v for k, v in d.items() if k in CONTROLS})
            return sorted(set(d) - set(CONTROLS))
        except ComponentError:
            pass
        skipped = sorted(set(d) - set(CONTROLS))
        for key in CONTROLS:
            if key in d:
                try:
                    self.update(**{key: d[key]})
                except ComponentError:
                    skipped.append(key)
        return skipped

def __getattr__(name: str):  # the view lives in its own module; ``regional_mapper.RegionalMapper`` works too
    if name == "RegionalMapper":
        from .regional_mapper_view import RegionalMapper
        return RegionalMapper
    raise AttributeError(name)
