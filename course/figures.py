"""Showing sourced figures side by side in a lesson, with what they compute, without copying a number.

Lessons take figures from the case files (``case.figure("firms-1950s")``) or from the reference
figures about other places, and pass them here; every figure keeps its year, basis and source.
"""

from __future__ import annotations

import html

from IPython.display import HTML


def ratio_table(rows, *, ratio: str = "share", percent: bool = True, digits: int = 1) -> HTML:
    """A table of ratios between sourced figures, each row ``(label, numerator, denominator)``.

    ``ratio`` names the last column ("share", "jobs per firm"); with ``percent`` the ratio is shown
    as a percentage. Under the table, every figure used is listed with its year, basis and source.
    """
    e = html.escape
    lines, used = [], {}
    for label, top, bottom in rows:
        value = top.value / bottom.value
        shown = f"{value:.{digits}%}" if percent else f"{value:,.{digits}f}"
        used.setdefault(id(top), top)
        used.setdefault(id(bottom), bottom)
        lines.append(f"<tr><td><b>{e(label)}</b></td><td>{e(top.display())}</td><td>{e(bottom.display())}</td>"
                     f"<td><b>{e(shown)}</b></td></tr>")
    cited = "".join(f"<li>{e(f.label)}: {e(f.display())}; {e(f.basis_text)}; source: {e(str(f.source))}</li>"
                    for f in used.values())
    return HTML("<table class='clusterlab-ratios'><thead><tr><th></th><th>figure</th><th>compared with</th>"
                f"<th>{e(ratio)}</th></tr></thead><tbody>{''.join(lines)}</tbody></table>"
                f"<p style='margin:4px 0 0'><small>Figures used:</small></p><ul><small>{cited}</small></ul>")


def budget_mix(private, public) -> HTML:
    """Add up the sourced shares (in % of a budget) that are private, and those that are public.

    What the listed shares leave of 100 % is shown as "the rest (other public money)", and the
    private and public totals follow. Every figure is listed with its year, basis and source.
    """
    e = html.escape
    for figure in (*private, *public):
        if figure.unit.split()[0] != "%":
            raise ValueError(f"{figure.label} is in {figure.unit!r}, not a share in %")
    private_total = sum(f.value for f in private)
    listed_public = sum(f.value for f in public)
    rest = 100 - private_total - listed_public
    rows = [f"<tr><td>{e(f.label)}</td><td>private</td><td>{e(f.display())}</td></tr>" for f in private]
    rows += [f"<tr><td>{e(f.label)}</td><td>public</td><td>{e(f.display())}</td></tr>" for f in public]
    rows.append(f"<tr><td>The rest (other public money)</td><td>public</td><td>about {rest:g} %</td></tr>")
    cited = "".join(f"<li>{e(f.label)}: {e(f.display())}; {e(f.basis_text)}"
                    + (f" ({e(f.note)})" if f.note else "") + f"; source: {e(str(f.source))}</li>"
                    for f in (*private, *public))
    return HTML("<table class='clusterlab-budget'><thead><tr><th>part of the budget</th><th>kind</th>"
                f"<th>share</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
                f"<p><b>Private: about {private_total:g} %. Public: about {100 - private_total:g} %.</b></p>"
                f"<p style='margin:4px 0 0'><small>Figures used:</small></p><ul><small>{cited}</small></ul>")
