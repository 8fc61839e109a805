"""The three case regions on the course's 2015 snapshot, and how long a ranking takes.

Not a test: a script that prints figures. For Catalonia ES51 (Igualada), Toscana ITI1 (Prato) and West
Yorkshire UKE4 (Huddersfield) it prints, for C13 (textiles), C14 (wearing apparel) and C15 (leather),
the location quotient against the region's own country with manufacturing (section C) as the
denominator, the size (share of the country's employment in the industry), the focus (share of the
region's manufacturing), the European Cluster Observatory's stars (size / specialisation / focus,
among all NUTS-2 regions of the table) and the US Cluster Mapping "strong" test. Then it times
:func:`clusterlab.mapping.ranking` for every NACE code of the table over all NUTS-2 regions.

Run from the repository folder:

    .venv/bin/python tests/benchmarks/case_regions.py
"""

from __future__ import annotations

import statistics
import time

from clusterlab.mapping import ranking
from clusterlab.regional_data import load_employment

CASES = {"ES51": "Catalonia (Igualada)", "ITI1": "Toscana (Prato)", "UKE4": "West Yorkshire (Huddersfield)"}
CODES = ("C13", "C14", "C15")


def _star(value) -> str:
    return "?" if value is None or str(value) == "<NA>" else ("*" if value else "-")


def case_table(frame) -> list[str]:
    lines = [f"{'region':32} {'code':4} {'employed':>8} {'LQ':>6} {'size':>7} {'focus':>7}  stars (S/Sp/F)  strong  missing"]
    tables = {code: ranking(frame, code, reference="country", denominator="manufacturing").set_index("region")
              for code in CODES}
    for region, name in CASES.items():
        for code in CODES:
            row = tables[code].loc[region]
            stars = "?" if str(row["stars"]) == "<NA>" else str(row["stars"])
            marks = "/".join(_star(row[c]) for c in ("size_star", "specialisation_star", "focus_star"))
            lines.append(f"{name + ' ' + region:32} {code:4} {row['employment']:>8,.0f} {row['lq']:>6.2f} "
                         f"{row['size']:>7.1%} {row['focus']:>7.2%}  {stars} ({marks}){'':7} "
                         f"{_star(row['strong']):6}  {row['missing']}")
    return lines


def timings(frame) -> list[str]:
    start = time.perf_counter()
    ranking(frame, "C15")
    first = time.perf_counter() - start
    codes, times = sorted(set(frame["nace"])), []
    for denominator in ("manufacturing", "business economy"):
        for code in codes:
            if denominator == "manufacturing" and not code.startswith("C"):
                continue
            start = time.perf_counter()
            ranking(frame, code, denominator=denominator)
            times.append(time.perf_counter() - start)
    return [f"first call (arranges the table once): {first * 1000:.1f} ms",
            f"then {len(times)} calls (every code, every NUTS-2 region): median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms"]


def main() -> None:
    start = time.perf_counter()
    frame = load_employment()
    loaded = time.perf_counter() - start
    print(frame.attrs["source"])
    print("LQ against the region's country, denominator manufacturing (section C); stars among all NUTS-2 regions\n")
    print("\n".join(case_table(frame)))
    print(f"\nloading the snapshot: {loaded * 1000:.0f} ms")
    print("\n".join(timings(frame)))


if __name__ == "__main__":
    main()
