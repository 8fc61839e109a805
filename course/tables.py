"""Read a table that someone saved from a spreadsheet program (Excel, LibreOffice) as a CSV file.

:func:`read_table` never raises: whatever it cannot read goes into ``problems``, in plain words.
:func:`parse_number` reads a number as people type it across Europe ("5 400", "12,5", "1.234,5").
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from dataclasses import dataclass, field

__all__ = ["TableRead", "read_table", "parse_number"]

DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "a comma (,)", ";": "a semicolon (;)", "\t": "a tab"}
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_SAVE_AS_CSV = ("in your spreadsheet program choose Save As → CSV (comma or semicolon separated) "
                "and import that file.")


@dataclass
class TableRead:
    """What :func:`read_table` found.

    ``encoding`` is "UTF-8", "UTF-8 with BOM" or "Windows-1252" and ``delimiter`` is ",", ";" or
    a tab; both are "" when the data was not read as text (too large, a spreadsheet file ...).
    """

    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    problems: list[str] = field(default_factory=list)


def read_table(data: bytes, *, name: str = "the file", max_rows: int = 2000,
               max_bytes: int = 5 * 1024 * 1024) -> TableRead:
    """Read a CSV table (comma, semicolon or tab separated; UTF-8 or Windows-1252); never raises.

    The first non-empty line holds the column names. Empty rows are skipped; missing cells are "".
    An ``.xlsx`` file is read (first sheet) only when the package openpyxl is installed.
    """
    the_file, result = _the(name), TableRead()
    if len(data) > max_bytes:
        size = f"{max_bytes / 1024 / 1024:g} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes} bytes"
        result.problems.append(f"{the_file} is larger than {size}: check that you chose the right file, "
                               "or split the table.")
        return result
    if data[:4] in _SPREADSHEET_MAGIC:
        return _read_spreadsheet(data, name, max_rows)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        result.problems.append(f"{the_file} is saved as 'Unicode text' (UTF-16): in your spreadsheet "
                               "program choose Save As → CSV UTF-8 and import that file.")
        return result
    text, result.encoding = _decode(data)
    if "\x00" in text:
        result.problems.append(f"{the_file} contains NUL characters, so it is probably not a text table: "
                               + _SAVE_AS_CSV)
        return result
    if result.encoding == "Windows-1252" and "\ufffd" in text:  # one of the 5 bytes Windows-1252 lacks
        bad = [i for i, line in enumerate(io.StringIO(text, newline=""), 1) if "\ufffd" in line]
        result.problems.append(f"{the_file} has characters that could not be read (shown as \ufffd) "
                               f"{_on_lines(bad)}: save it again as 'CSV UTF-8' and import that file.")
    if not text.strip():
        result.problems.append(f"{the_file} is empty: it needs at least a first line with the column names.")
        return result
    first, skip = text.split("\n", 1)[0].rstrip("\r"), 0
    if first[:4].lower() == "sep=" and first[4:] in DELIMITERS:  # Excel's own note of the delimiter
        result.delimiter, skip = first[4:], 1
    else:
        result.delimiter = _choose_delimiter(text)
    records = _csv_records(text, result.delimiter, the_file, result.problems)
    _fill(result, itertools.islice(records, skip, None), the_file, max_rows)
    return result


def _decode(data: bytes) -> tuple[str, str]:
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        text, encoding = body.decode("utf-8"), "UTF-8 with BOM" if bom else "UTF-8"
    except UnicodeDecodeError:
        text, encoding = body.decode("cp1252", errors="replace"), "Windows-1252"
    return text.lstrip("\ufeff"), encoding


def _choose_delimiter(text: str) -> str:
    """The delimiter found most often outside double quotes on the header line (else the first lines)."""
    for records in (1, 20):
        counts = [_count(text, d, records) for d in DELIMITERS]
        if max(counts):
            return DELIMITERS[counts.index(max(counts))]  # a tie keeps the first: the comma
    return ","


def _count(text: str, delimiter: str, records: int) -> int:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=False)
    count = 0
    try:
        for row in itertools.islice((r for r in reader if any(c.strip() for c in r)), records):
            count += len(row) - 1
    except csv.Error:
        pass
    return count


def _csv_records(text: str, delimiter: str, the_file: str, problems: list[str]):
    """Yield (line number where the record starts, cells) for every record of the text."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=False)
    start = last = 1
    try:
        for row in reader:
            last = start
            yield start, row
            start = reader.line_num + 1
    except csv.Error:
        problems.append(f"{the_file} could not be read from line {start} on: a cell there is far too long, "
                        'or a double quote (") is never closed. Check that line, then save the file again.')
        return
    if reader.line_num > last and _ends_inside_quotes(text, delimiter, last):
        problems.append(f'{the_file} has a double quote (") on line {last} that is never closed, so the rest '
                        "of the file was read as one cell: close that quote or remove it.")


def _ends_inside_quotes(text: str, delimiter: str, line: int) -> bool:
    """Whether the record that starts at ``line`` runs to the end of the text inside double quotes."""
    rest = "".join(io.StringIO(text, newline="").readlines()[line - 1:])
    try:
        list(csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, quotechar='"', strict=True))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _fill(result: TableRead, records, the_file: str, max_rows: int) -> None:
    """Turn the records into the header and the rows of ``result``."""
    records = ((line, [c.strip() for c in cells]) for line, cells in records)
    records = ((line, cells) for line, cells in records if any(cells))
    first = next(records, None)
    if first is None:
        result.problems.append(f"{the_file} has no column names: its first line should name the columns.")
        return
    header = [h.replace("\ufeff", "").strip() for h in first[1]]  # a stray byte order mark is no name
    while header and not header[-1]:
        header.pop()  # empty cells after the last column name are left over from the spreadsheet
    result.header = header
    keys = [h.lower() for h in header]
    empty = [i for i, k in enumerate(keys, 1) if not k]
    twice = sorted({h for h in keys if h and keys.count(h) > 1})
    if empty:
        result.problems.append(f"{the_file} has columns without a name on its first line (column "
                               f"{', '.join(map(str, empty))}): give each column a name, or delete the empty columns.")
    if twice:
        result.problems.append(f"{the_file} has the column name(s) {', '.join(twice)} more than once: "
                               "give each column a different name.")
    long = []
    for line, cells in records:
        if len(result.rows) == max_rows:
            result.problems.append(f"{the_file} has more than {max_rows} rows: only the first {max_rows} were "
                                   "read. Remove the rows you do not need, or split the table.")
            break
        if any(cells[len(keys):]):
            long.append(line)
        row: dict[str, str] = {}
        for key, cell in itertools.zip_longest(keys, cells[:len(keys)], fillvalue=""):
            if key:
                row.setdefault(key, cell)
        result.rows.append(row)
        result.lines.append(line)
    if long:
        sep = _DELIMITER_NAMES.get(result.delimiter, "a delimiter")
        result.problems.append(
            f"{the_file} has more cells than there are columns {_on_lines(long)}, probably because a "
            f"text contains {sep} and is not in double quotes. The extra cells were left out: put such "
            "texts in double quotes, or save the file again from your spreadsheet program.")


def _the(name: str) -> str:
    return "The file" if name == "the file" else f"The file {name}"


def _on_lines(numbers: list[int]) -> str:
    """ "on line 4", "on lines 4, 7 and 9", "on lines 1, 2, 3, 4, 5 and 2 more"."""
    if len(numbers) == 1:
        return f"on line {numbers[0]}"
    shown, more = [str(n) for n in numbers[:5]], len(numbers) - 5
    if more > 0:
        return f"on lines {', '.join(shown)} and {more} more"
    return f"on lines {', '.join(shown[:-1])} and {shown[-1]}"


def _read_spreadsheet(data: bytes, name: str, max_rows: int) -> TableRead:
    the_file, result = _the(name), TableRead()
    try:
        import openpyxl
    except ImportError:
        openpyxl = None
    if openpyxl is None or not data.startswith(b"PK"):
        result.problems.append(f"{the_file} is a spreadsheet file; " + _SAVE_AS_CSV)
        return result
    records = []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            cells = [_cell_text(v) for v in values]
            if any(c.strip() for c in cells):
                records.append((line, cells))
            if len(records) > max_rows + 1:
                break
        book.close()
    except Exception:  # openpyxl fails in many ways on files it cannot read (an .ods file, a damaged one)
        result.problems.append(f"{the_file} could not be read as an Excel workbook; " + _SAVE_AS_CSV)
        return result
    _fill(result, records, the_file, max_rows)
    return result


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_SPACES = " \u00a0\u202f\u2009'\u2019"  # space, no-break spaces, thin space, Swiss apostrophes
_GROUPED = re.compile(r"\d{1,3}(?:[%s]\d{3})+" % _SPACES)
_NUMBER = re.compile(r"(\d*)(?:([.,])(\d+))?(?:[eE]([+-]?\d+))?")


def parse_number(text: str) -> float | int:
    """Read a number typed in any European way; whole numbers come back as ``int``.

    The rules: spaces (also no-break and thin spaces) and apostrophes may separate groups of three
    digits; a percent sign at the end is dropped ("45 %" is 45). When the text has both dots and
    commas, the last of them is the decimal mark ("1.234,5" and "1,234.5" are 1234.5). Several dots
    or several commas alone separate thousands ("1.234.567"). A single dot or a single comma alone
    is always a decimal mark: "12,5" and "12.5" are 12.5, and "1,234" and "1.234" are 1.234.
    """
    hint = "write digits with at most one decimal comma or dot, for example 5400, 5 400, 12.5 or 12,5."
    s = str(text).strip()
    if s.endswith("%"):
        s = s[:-1].rstrip()
    sign = -1 if s[:1] in ("-", "\u2212") else 1
    if s[:1] in ("-", "\u2212", "+"):
        s = s[1:]
    if not s:
        raise ValueError(f"'{text}' is not a number: there are no digits in it; {hint}")
    if len(s) > 60:
        raise ValueError(f"'{text}' is not a number: it is far too long; {hint}")
    if any(c in s for c in _SPACES):
        int_part, rest = re.match(r"([^.,eE]*)(.*)", s).groups()
        if not _GROUPED.fullmatch(int_part):
            raise ValueError(f"'{text}' is not a number: spaces may only separate groups of three digits; {hint}")
        s = re.sub(f"[{_SPACES}]", "", int_part) + rest
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        thousands = "." if s.rfind(",") > s.rfind(".") else ","
        int_part, _, rest = s.rpartition("," if thousands == "." else ".")
        if not re.fullmatch(r"\d{1,3}(?:%s\d{3})+" % re.escape(thousands), int_part):
            raise ValueError(f"'{text}' is not a number: {hint}")
        s = int_part.replace(thousands, "") + "." + rest
    elif dots > 1 or commas > 1:
        mark = "." if dots else ","
        if not re.fullmatch(r"\d{1,3}(?:%s\d{3})+" % re.escape(mark), s):
            raise ValueError(f"'{text}' is not a number: {hint}")
        s = s.replace(mark, "")
    match = _NUMBER.fullmatch(s)
    if not match or not (match[1] or match[3]):
        raise ValueError(f"'{text}' is not a number: {hint}")
    if not match[2] and not match[4]:
        return sign * int(match[1])
    value = float(f"{match[1] or 0}.{match[3] or 0}e{match[4] or 0}")
    if not math.isfinite(value):
        raise ValueError(f"'{text}' is not a number: it is far too large; {hint}")
    return sign * (int(value) if value.is_integer() else value)
