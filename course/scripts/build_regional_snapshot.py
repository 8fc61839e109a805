"""Build the course's offline snapshot of regional employment from Eurostat's extract.

Reads ``eurostat_sbs_r_nuts06_r2_2015.csv`` (``nace_r2;geo;n2015``: persons employed in 2015 by
NACE Rev. 2 code and NUTS region) and ``nuts2013_labels.csv`` (GISCO names and label points), and
writes into ``course/data/regional/``:

* ``employment-2015.csv.gz``: one row per row of the extract, in the same order, with the columns
  ``region, level, nace, year, employed, missing, flag``. ``employed`` is empty when there is no
  figure, and ``missing`` says why: ``not available`` (an empty cell, or a flag without a figure),
  ``confidential`` (a flag ``c``), ``unreadable value`` (a cell that is not a figure, such as the
  ``12:00 AM`` a spreadsheet wrote over some Icelandic cells). ``flag`` keeps Eurostat's flag letters.
  In the 2015 extract the only flag is ``d``, which Eurostat's list of flags defines as "definition
  differs, see metadata": a figure with that flag is kept (with its flag), it is not a secret.
  Compressed with gzip at a fixed time stamp, so the same input always gives the same bytes.
* ``regions.csv``: ``code, level, name, lon, lat, country, note`` for exactly the regions of the
  extract. Names and label points come from GISCO; codes the GISCO file lacks (NUTS 2010 codes that
  the table still lists, Extra-Regio, the Canary Islands and the French outermost regions) get their
  name from the NUTS classification, no label point, and a note.
* ``nace.csv``: ``code, label, kind, parent`` for exactly the NACE codes of the extract, with the
  titles of NACE Rev. 2 (Eurostat) in English.

Run from the repository folder (the paths are the defaults):

    .venv/bin/python course/scripts/build_regional_snapshot.py --data ../shared/data --out course/data/regional
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "course" / "data" / "regional"
EMPLOYMENT_FILE = "eurostat_sbs_r_nuts06_r2_2015.csv"
LABELS_FILE = "nuts2013_labels.csv"
YEAR = 2015

SNAPSHOT_COLUMNS = ("region", "level", "nace", "year", "employed", "missing", "flag")

NACE_SOURCE = "Eurostat, NACE Rev. 2"
NACE_LABELS = {
    "B": "Mining and quarrying",
    "B05": "Mining of coal and lignite",
    "B06": "Extraction of crude petroleum and natural gas",
    "B07": "Mining of metal ores",
    "B08": "Other mining and quarrying",
    "B09": "Mining support service activities",
    "C": "Manufacturing",
    "C10": "Manufacture of food products",
    "C11": "Manufacture of beverages",
    "C12": "Manufacture of tobacco products",
    "C13": "Manufacture of textiles",
    "C14": "Manufacture of wearing apparel",
    "C15": "Manufacture of leather and related products",
    "C16": "Manufacture of wood and of products of wood and cork, except furniture; "
           "manufacture of articles of straw and plaiting materials",
    "C17": "Manufacture of paper and paper products",
    "C18": "Printing and reproduction of recorded media",
    "C19": "Manufacture of coke and refined petroleum products",
    "C20": "Manufacture of chemicals and chemical products",
    "C21": "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
    "C22": "Manufacture of rubber and plastic products",
    "C23": "Manufacture of other non-metallic mineral products",
    "C24": "Manufacture of basic metals",
    "C25": "Manufacture of fabricated metal products, except machinery and equipment",
    "C26": "Manufacture of computer, electronic and optical products",
    "C27": "Manufacture of electrical equipment",
    "C28": "Manufacture of machinery and equipment n.e.c.",
    "C29": "Manufacture of motor vehicles, trailers and semi-trailers",
    "C30": "Manufacture of other transport equipment",
    "C31": "Manufacture of furniture",
    "C32": "Other manufacturing",
    "C33": "Repair and installation of machinery and equipment",
    "D": "Electricity, gas, steam and air conditioning supply",
    "D35": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply; sewerage, waste management and remediation activities",
    "E36": "Water collection, treatment and supply",
    "E37": "Sewerage",
    "E38": "Waste collection, treatment and disposal activities; materials recovery",
    "E39": "Remediation activities and other waste management services",
    "F": "Construction",
    "F41": "Construction of buildings",
    "F42": "Civil engineering",
    "F43": "Specialised construction activities",
    "G": "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    "G45": "Wholesale and retail trade and repair of motor vehicles and motorcycles",
    "G451": "Sale of motor vehicles",
    "G452": "Maintenance and repair of motor vehicles",
    "G453": "Sale of motor vehicle parts and accessories",
    "G454": "Sale, maintenance and repair of motorcycles and related parts and accessories",
    "G46": "Wholesale trade, except of motor vehicles and motorcycles",
    "G461": "Wholesale on a fee or contract basis",
    "G462": "Wholesale of agricultural raw materials and live animals",
    "G463": "Wholesale of food, beverages and tobacco",
    "G464": "Wholesale of household goods",
    "G465": "Wholesale of information and communication equipment",
    "G466": "Wholesale of other machinery, equipment and supplies",
    "G467": "Other specialised wholesale",
    "G469": "Non-specialised wholesale trade",
    "G47": "Retail trade, except of motor vehicles and motorcycles",
    "G471": "Retail sale in non-specialised stores",
    "G472": "Retail sale of food, beverages and tobacco in specialised stores",
    "G473": "Retail sale of automotive fuel in specialised stores",
    "G474": "Retail sale of information and communication equipment in specialised stores",
    "G475": "Retail sale of other household equipment in specialised stores",
    "G476": "Retail sale of cultural and recreation goods in specialised stores",
    "G477": "Retail sale of other goods in specialised stores",
    "G478": "Retail sale via stalls and markets",
    "G479": "Retail trade not in stores, stalls or markets",
    "H": "Transportation and storage",
    "H49": "Land transport and transport via pipelines",
    "H50": "Water transport",
    "H51": "Air transport",
    "H52": "Warehousing and support activities for transportation",
    "H53": "Postal and courier activities",
    "I": "Accommodation and food service activities",
    "I55": "Accommodation",
    "I56": "Food and beverage service activities",
    "J": "Information and communication",
    "J58": "Publishing activities",
    "J59": "Motion picture, video and television programme production, sound recording and "
           "music publishing activities",
    "J60": "Programming and broadcasting activities",
    "J61": "Telecommunications",
    "J62": "Computer programming, consultancy and related activities",
    "J63": "Information service activities",
    "L": "Real estate activities",
    "L68": "Real estate activities",
    "M": "Professional, scientific and technical activities",
    "M69": "Legal and accounting activities",
    "M70": "Activities of head offices; management consultancy activities",
    "M71": "Architectural and engineering activities; technical testing and analysis",
    "M72": "Scientific research and development",
    "M73": "Advertising and market research",
    "M74": "Other professional, scientific and technical activities",
    "M75": "Veterinary activities",
    "N": "Administrative and support service activities",
    "N77": "Rental and leasing activities",
    "N78": "Employment activities",
    "N79": "Travel agency, tour operator and other reservation service and related activities",
    "N80": "Security and investigation activities",
    "N81": "Services to buildings and landscape activities",
    "N82": "Office administrative, office support and other business support activities",
    "S95": "Repair of computers and personal and household goods",
}

# Regions of the extract that the GISCO file of NUTS 2013 label points does not have.
_OLD = "NUTS 2010 code, replaced in NUTS 2013; Eurostat's table lists it without figures"
_NO_POINT = "NUTS 2013 region without a label point in the GISCO file"
_EXTRA = "Extra-Regio: employment that cannot be assigned to a region"
EXTRA_NAMES = {
    "DE41": ("Brandenburg - Nordost", _OLD), "DE42": ("Brandenburg - Südwest", _OLD),
    "DED1": ("Chemnitz", _OLD), "DED3": ("Leipzig", _OLD),
    "EL1": ("VOREIA ELLADA", _OLD), "EL11": ("Anatoliki Makedonia, Thraki", _OLD),
    "EL12": ("Kentriki Makedonia", _OLD), "EL13": ("Dytiki Makedonia", _OLD),
    "EL14": ("Thessalia", _OLD), "EL2": ("KENTRIKI ELLADA", _OLD), "EL21": ("Ipeiros", _OLD),
    "EL22": ("Ionia Nisia", _OLD), "EL23": ("Dytiki Ellada", _OLD), "EL24": ("Sterea Ellada", _OLD),
    "EL25": ("Peloponnisos", _OLD),
    "ES7": ("CANARIAS", _NO_POINT), "ES70": ("Canarias", _NO_POINT),
    "FI13": ("Itä-Suomi", _OLD), "FI18": ("Etelä-Suomi", _OLD), "FI1A": ("Pohjois-Suomi", _OLD),
    "FR9": ("DÉPARTEMENTS D'OUTRE-MER", _OLD), "FR91": ("Guadeloupe", _OLD),
    "FR92": ("Martinique", _OLD), "FR93": ("Guyane", _OLD), "FR94": ("Réunion", _OLD),
    "FRA": ("DÉPARTEMENTS D'OUTRE-MER", _NO_POINT), "FRA1": ("Guadeloupe", _NO_POINT),
    "FRA2": ("Martinique", _NO_POINT), "FRA3": ("Guyane", _NO_POINT),
    "FRA4": ("La Réunion", _NO_POINT), "FRA5": ("Mayotte", _NO_POINT),
    "ITD": ("NORD-EST", _OLD), "ITD1": ("Provincia Autonoma di Bolzano/Bozen", _OLD),
    "ITD2": ("Provincia Autonoma di Trento", _OLD), "ITD3": ("Veneto", _OLD),
    "ITD4": ("Friuli-Venezia Giulia", _OLD), "ITD5": ("Emilia-Romagna", _OLD),
    "ITE": ("CENTRO (IT)", _OLD), "ITE1": ("Toscana", _OLD), "ITE2": ("Umbria", _OLD),
    "ITE3": ("Marche", _OLD), "ITE4": ("Lazio", _OLD),
    "SI01": ("Vzhodna Slovenija", _OLD), "SI02": ("Zahodna Slovenija", _OLD),
    "UKD2": ("Cheshire", _OLD), "UKD5": ("Merseyside", _OLD),
    "UKI1": ("Inner London", _OLD), "UKI2": ("Outer London", _OLD),
}

_FIGURE = re.compile(r"(\d+)(?:\s+([a-z]+))?")
_FLAG_ONLY = re.compile(r"[a-z]+")


def read_cell(text: str) -> tuple[str, str, str]:
    """``(employed, missing reason, flag)`` for one cell of the extract."""
    cell = text.strip()
    if not cell:
        return "", "not available", ""
    figure = _FIGURE.fullmatch(cell)
    if figure:
        return figure[1], "", figure[2] or ""
    if _FLAG_ONLY.fullmatch(cell):
        return "", "confidential" if "c" in cell else "not available", cell
    return "", "unreadable value", ""


def nace_kind(code: str) -> tuple[str, str]:
    """``(kind, parent)``: a section (one letter), a division (two digits) or a group (three)."""
    digits = len(code) - 1
    if digits == 0:
        return "section", ""
    if digits == 2:
        return "division", code[0]
    if digits == 3:
        return "group", code[:3]
    raise SystemExit(f"{code} is not a NACE Rev. 2 section, division or group code.")


def employment_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = next(reader)
        if header != ["nace_r2", "geo", "n2015"]:
            raise SystemExit(f"{path}: expected the columns nace_r2;geo;n2015, found {';'.join(header)}.")
        for line, row in enumerate(reader, 2):
            if len(row) != 3:
                raise SystemExit(f"{path}, line {line}: expected 3 cells, found {len(row)}.")
            nace, geo, cell = row
            employed, missing, flag = read_cell(cell)
            yield {"region": geo, "level": str(len(geo) - 2), "nace": nace, "year": str(YEAR),
                   "employed": employed, "missing": missing, "flag": flag}


def csv_text(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def gzip_bytes(text: str) -> bytes:
    """Gzip with no file name and time stamp 0, so that equal text gives equal bytes."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as handle:
        handle.write(text.encode("utf-8"))
    return out.getvalue()


def build(data: Path, out: Path) -> dict[str, Path]:
    rows = list(employment_rows(data / EMPLOYMENT_FILE))
    with (data / LABELS_FILE).open(encoding="utf-8", newline="") as handle:
        labels = {r["code"]: r for r in csv.DictReader(handle)}
    regions, nace = sorted({r["region"] for r in rows}), list(dict.fromkeys(r["nace"] for r in rows))
    region_rows = []
    for code in regions:
        if code in labels:
            label = labels[code]
            name, lon, lat, note = label["name"], label["lon"], label["lat"], ""
        elif code in EXTRA_NAMES:
            (name, note), lon, lat = EXTRA_NAMES[code], "", ""
        elif code.endswith("Z"):
            name, lon, lat, note = "Extra-Regio NUTS " + str(len(code) - 2), "", "", _EXTRA
        else:
            raise SystemExit(f"The region {code} has no name: add it to EXTRA_NAMES in this script.")
        region_rows.append([code, len(code) - 2, name, lon, lat, code[:2], note])
    nace_rows = []
    for code in nace:
        if code not in NACE_LABELS:
            raise SystemExit(f"The NACE code {code} has no label: add it to NACE_LABELS in this script.")
        nace_rows.append([code, NACE_LABELS[code], *nace_kind(code)])
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "employment": out / f"employment-{YEAR}.csv.gz",
        "regions": out / "regions.csv",
        "nace": out / "nace.csv",
    }
    files["employment"].write_bytes(gzip_bytes(csv_text(SNAPSHOT_COLUMNS, ([r[c] for c in SNAPSHOT_COLUMNS]
                                                                           for r in rows))))
    files["regions"].write_text(csv_text(("code", "level", "name", "lon", "lat", "country", "note"),
                                         region_rows), encoding="utf-8")
    files["nace"].write_text(csv_text(("code", "label", "kind", "parent"), nace_rows), encoding="utf-8")
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"folder with {EMPLOYMENT_FILE} and {LABELS_FILE} (default: {DEFAULT_DATA})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    for name in (EMPLOYMENT_FILE, LABELS_FILE):
        if not (args.data / name).is_file():
            print(f"{args.data / name} was not found: give the folder that holds it with --data.", file=sys.stderr)
            return 2
    for path in build(args.data, args.out).values():
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
