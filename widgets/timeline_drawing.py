"""What the timeline draws, as plain data: dates on the axis, hover texts, wrapped labels stacked on rows
so that they do not overlap, and the chart's traces. Pure functions of the events shown; the view
(:class:`~.timeline.TimelineView`) only sends them to the chart.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from clusterlab import vocabulary

from ._view import esc

if TYPE_CHECKING:
    from .timeline import Event

BASES = tuple(vocabulary.BASES)


def _plot_date(date: str) -> str:
    """'YYYY' or 'YYYY-MM' as a full 'YYYY-MM-DD' (the first day), the same point on the date axis.

    A bare year such as '1950' is also a number: when plotly redraws changed data it may guess
    the axis type again, and a full date keeps it a date axis.
    """
    return date + "-01" * (2 - date.count("-"))


def _year_start(year: float) -> str:
    """A point in time given as a fractional year, in the form the date axis reads."""
    whole = int(year // 1)
    month = 1 + int((year - whole) * 12)
    return f"{whole:04d}-{month:02d}-01"


def _hover(e: Event) -> str:
    detail = "<br>".join(textwrap.wrap(esc(e.detail), 60))
    when = esc(e.when) + (f" (approximate; drawn at {e.date})" if e.approximate else
                          f" ({e.date})" if e.date_label else "")
    return (f"<b>{esc(e.title)}</b><br>{when}" + (f"<br>{detail}" if detail else "")
            + f"<br><i>Source: {'<br>'.join(textwrap.wrap(esc(e.source), 60))}</i>"
            + ("<br>(date reconstructed for teaching)" if e.basis == "reconstructed" else ""))


LEVELS = 8  # rows on which labels are stacked so that they do not overlap
LABEL_WIDTH, LABEL_LINES = 22, 3  # a label is wrapped on lines of about 22 characters, at most 3
PLOT_WIDTH = 800  # pixels of plot width the label layout counts on (the charts are usually wider)
CHAR_PX = 7  # width of a character of a label, in pixels


def _label_lines(e: Event) -> list[str]:
    """The title wrapped on at most LABEL_LINES lines; only a longer title loses its end (its hover keeps it)."""
    lines = textwrap.wrap(e.title, LABEL_WIDTH, break_on_hyphens=False) or [e.title]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_WIDTH - 1].rstrip() + "…"
    return lines


def _label(e: Event) -> str:
    return "<br>".join(esc(line) for line in _label_lines(e))


def _x(e: Event) -> float:
    return e.year + (int(e.date[5:7]) - 1) / 12 if len(e.date) > 4 else e.year


def _levels(shown: list[Event], lo: int, hi: int) -> list[tuple[int, bool]]:
    """A row (1 to LEVELS) per event, so that neighbouring labels sit on different rows.

    A label of three lines is taller than a row: it takes the row above too. Where no row has room,
    the event still gets a point but no label (its hover text remains), on the row whose last label
    ends first.
    """
    span = (hi - lo) + 2 * max(1.0, 0.12 * (hi - lo))
    years_per_px = span / PLOT_WIDTH
    row_end = [float("-inf")] * (LEVELS + 1)
    rows = []
    for e in shown:
        x, lines = _x(e), _label_lines(e)
        half = (max(len(line) for line in lines) * CHAR_PX + 12) * years_per_px / 2
        tall = 2 if len(lines) > 2 else 1
        free = [r for r in range(1, LEVELS + 2 - tall) if all(row_end[r + i] <= x - half for i in range(tall))]
        if free:
            for i in range(tall):
                row_end[free[0] + i] = x + half
            rows.append((free[0], True))
        else:
            rows.append((min(range(1, LEVELS + 1), key=lambda r: row_end[r]), False))
    return rows


def _traces(shown: list[Event], rows: list[tuple[int, bool]]) -> list[dict]:
    """Data for the two traces (published, reconstructed) showing ``shown`` on their ``rows``."""
    out = []
    for basis in BASES:
        picked = [(row, e) for row, e in zip(rows, shown) if e.basis == basis]
        out.append(dict(x=[_plot_date(e.date) for _, e in picked], y=[row for (row, _), _ in picked],
                        text=[_label(e) if labelled else "" for (_, labelled), e in picked],
                        hovertext=[_hover(e) for _, e in picked]))
    return out


def _x_range(lo: int, hi: int) -> list[str]:
    pad = max(1.0, 0.12 * (hi - lo))
    return [_year_start(lo - pad), _year_start(hi + pad)]
