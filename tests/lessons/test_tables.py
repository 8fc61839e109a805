"""Tables saved from spreadsheet programs (Excel, LibreOffice) read by clusterlab.tables."""

import sys
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlab.tables import parse_number, read_table

EXCEL_ROWS = (
    "Name;Type;Turnover (M EUR);Share\r\n"
    '"Brasserie ""Le Nord"", Valmora";firm;1.234,5;12,5 %\r\n'
    "Café Müller;firm;0,8;3\r\n"
)
EXCEL_KEYS = ["name", "type", "turnover (m eur)", "share"]


def test_excel_semicolon_file_with_bom_and_decimal_commas():
    read = read_table(b"\xef\xbb\xbf" + EXCEL_ROWS.encode("utf-8"), name="actors.csv")
    assert (read.encoding, read.delimiter, read.problems) == ("UTF-8 with BOM", ";", [])
    assert read.header == ["Name", "Type", "Turnover (M EUR)", "Share"]
    assert [list(row) for row in read.rows] == [EXCEL_KEYS, EXCEL_KEYS]
    assert read.rows[0] == {"name": 'Brasserie "Le Nord", Valmora', "type": "firm",
                            "turnover (m eur)": "1.234,5", "share": "12,5 %"}
    assert read.rows[1]["name"] == "Café Müller" and read.lines == [2, 3]
    assert [parse_number(r["turnover (m eur)"]) for r in read.rows] == [1234.5, 0.8]
    assert [parse_number(r["share"]) for r in read.rows] == [12.5, 3]


def test_the_same_file_saved_as_windows_1252():
    read = read_table(EXCEL_ROWS.encode("cp1252"))
    assert (read.encoding, read.delimiter, read.problems) == ("Windows-1252", ";", [])
    assert read.rows == read_table(EXCEL_ROWS.encode("utf-8")).rows
    assert read.rows[1]["name"] == "Café Müller"
    assert read_table("Société;x\r\n€ 5;y\r\n".encode("cp1252")).header == ["Société", "x"]


def test_a_bom_never_ends_up_in_a_column_name():
    assert read_table(b"\xef\xbb\xbfname,type\nA,firm\n").header == ["name", "type"]
    assert read_table(b"\xef\xbb\xbf\xef\xbb\xbfname\nA\n").header == ["name"]
    latin = read_table(b"\xef\xbb\xbfname,place\nA,K\xf6ln\n")  # a BOM, then Windows-1252 text
    assert latin.header == ["name", "place"] and latin.rows == [{"name": "A", "place": "Köln"}]


def test_comma_file_with_quoted_commas_and_blank_rows():
    data = b'Name , TYPE\n"Smith, Jones & Co",firm\n\n,\n  B  ,  \nC\n'
    read = read_table(data)
    assert (read.encoding, read.delimiter, read.problems) == ("UTF-8", ",", [])
    assert read.header == ["Name", "TYPE"]
    assert read.rows == [{"name": "Smith, Jones & Co", "type": "firm"}, {"name": "B", "type": ""},
                         {"name": "C", "type": ""}]
    assert read.lines == [2, 5, 6]


def test_tab_file():
    read = read_table(b"name\ttype\r\nA, B; C\tfirm\r\n")
    assert read.delimiter == "\t" and read.rows == [{"name": "A, B; C", "type": "firm"}]


def test_the_delimiter_is_counted_outside_quotes_and_a_tie_is_a_comma():
    assert read_table(b'"a;b;c",d\n1,2\n').delimiter == ","
    assert read_table(b"a,b;c\n1,2;3\n").delimiter == ","
    assert read_table(b"name\nA;B\n").delimiter == ";"  # one column: the first lines decide
    assert read_table(b"name\nA\n").delimiter == ","
    assert read_table(b"sep=;\nname,x;type\nA,B;firm\n").rows == [{"name,x": "A,B", "type": "firm"}]


def test_line_breaks_inside_quotes_keep_file_line_numbers():
    data = b'name;note\r\n"A";"first line\r\nsecond line"\r\nB;x;extra\r\n'
    read = read_table(data)
    assert read.rows[0] == {"name": "A", "note": "first line\r\nsecond line"}
    assert read.lines == [2, 4]
    assert "line 4" in read.problems[0]


def test_more_cells_than_columns():
    read = read_table(b"name,type\nA,firm\nSmith, Jones,firm\nB,firm,,\n")
    assert read.rows[1] == {"name": "Smith", "type": "Jones"}
    assert read.rows[2] == {"name": "B", "type": "firm"}  # empty extra cells are harmless
    assert len(read.problems) == 1
    assert "more cells than there are columns on line 3" in read.problems[0]
    assert "comma" in read.problems[0] and "double quotes" in read.problems[0]
    many = read_table(b"a;b\n" + b"1;2;3\n" * 8)
    assert "on lines 2, 3, 4, 5, 6 and 3 more" in many.problems[0] and "semicolon" in many.problems[0]


def test_fewer_cells_are_empty():
    assert read_table(b"a,b,c\n1\n").rows == [{"a": "1", "b": "", "c": ""}]


def test_column_names_empty_or_twice():
    read = read_table(b"name,,Name,type,,\n1,2,3,4,,\n")
    assert read.header == ["name", "", "Name", "type"]  # empty names at the end are dropped
    assert read.rows == [{"name": "1", "type": "4"}]
    assert "without a name" in read.problems[0] and "column 2" in read.problems[0]
    assert "name more than once" in read.problems[1]


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_an_empty_file(data):
    read = read_table(data, name="actors.csv")
    assert read.rows == [] and read.problems == [
        "The file actors.csv is empty: it needs at least a first line with the column names."]


def test_nul_bytes():
    read = read_table(b"name,type\nA\x00,firm\n")
    assert read.rows == [] and "NUL" in read.problems[0] and "not a text table" in read.problems[0]


def test_utf16_files_get_a_clear_message():
    read = read_table("name\ttype\n".encode("utf-16"))
    assert read.rows == [] and "UTF-16" in read.problems[0] and "CSV UTF-8" in read.problems[0]


def test_bytes_that_are_not_windows_1252():
    read = read_table(b"name\nA\n\x81B\nC\n\x9dD\n", name="actors.csv")
    assert read.encoding == "Windows-1252" and [r["name"] for r in read.rows] == ["A", "\ufffdB", "C", "\ufffdD"]
    assert read.problems == ["The file actors.csv has characters that could not be read (shown as \ufffd) "
                             "on lines 3 and 5: save it again as 'CSV UTF-8' and import that file."]


def test_a_quote_that_is_never_closed():
    read = read_table(b'name,type\nA,firm\n"B,firm\nC,firm\n')
    assert read.rows[0] == {"name": "A", "type": "firm"} and len(read.rows) == 2
    assert "line 3" in read.problems[0] and "never closed" in read.problems[0]
    assert read_table(b'name,note\nA,"two\nlines"\n').problems == []
    huge = read_table(b'name\n"' + b"x" * 200_000 + b"\n")
    assert "line 2" in huge.problems[0] and huge.rows == []


@pytest.mark.parametrize("magic", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_spreadsheet_files_without_openpyxl(magic, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as when it is not installed
    read = read_table(magic + b"\x00" * 100, name="actors.xlsx")
    assert read.rows == [] and read.problems == [
        "The file actors.xlsx is a spreadsheet file; in your spreadsheet program choose Save As → CSV "
        "(comma or semicolon separated) and import that file."]


def test_xlsx_read_with_openpyxl_when_it_is_installed(monkeypatch):
    class Book:
        worksheets = [types.SimpleNamespace(iter_rows=lambda values_only: iter([
            ("Name", "Size", None), (None, None, None), ("A", 12.0, None), ("B", 2.5, "x")]))]

        def close(self):
            pass

    fake = types.SimpleNamespace(load_workbook=lambda *args, **kwargs: Book())
    monkeypatch.setitem(sys.modules, "openpyxl", fake)
    read = read_table(b"PK\x03\x04rest")
    assert read.header == ["Name", "Size"] and read.lines == [3, 4]
    assert read.rows == [{"name": "A", "size": "12"}, {"name": "B", "size": "2.5"}]
    assert "more cells" in read.problems[0]

    def broken(*args, **kwargs):
        raise KeyError("content.xml")

    monkeypatch.setitem(sys.modules, "openpyxl", types.SimpleNamespace(load_workbook=broken))
    assert "Save As → CSV" in read_table(b"PK\x03\x04an ods file").problems[0]


def test_limits():
    read = read_table(b"n\n" + b"x\n\n" * 10, max_rows=4)
    assert len(read.rows) == 4 and read.lines == [2, 4, 6, 8]
    assert "more than 4 rows" in read.problems[0]
    assert len(read_table(b"n\n" + b"x\n" * 4, max_rows=4).problems) == 0
    big = read_table(b"n\n" + b"x\n" * 100, max_bytes=100, name="actors.csv")
    assert big.rows == [] and big.header == [] and "larger than 100 bytes" in big.problems[0]
    assert "larger than 5 MB" in read_table(b"x" * (5 * 1024 * 1024 + 1)).problems[0]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.lists(st.sampled_from(
    [b",", b";", b"\t", b'"', b"\n", b"\r", b"a", b" ", b"\xe9", b"\x81", b"\xef\xbb\xbf", b"\x00"]),
    max_size=40).map(b"".join))
def test_never_raises(data):
    read = read_table(data, max_rows=5)
    assert len(read.rows) == len(read.lines) <= 5
    assert all(isinstance(p, str) and p for p in read.problems)
    assert all("\ufeff" not in h for h in read.header)


@pytest.mark.parametrize("text, number", [
    ("5400", 5400), ("5 400", 5400), ("5\u00a0400", 5400), ("5\u202f400", 5400), ("1 234 567", 1234567),
    ("5.400", 5.4), ("12.5", 12.5), ("5.400,5", 5400.5), ("1.234.567", 1234567), ("1.234,5", 1234.5),
    ("1,234.5", 1234.5), ("1,234,567", 1234567), ("12,5", 12.5), ("1,234", 1.234), ("0,75", 0.75),
    (",5", 0.5), ("-3,5", -3.5), ("\u22123,5", -3.5), ("+4", 4), ("45 %", 45), ("45%", 45),
    ("12,5 %", 12.5), ("  7 ", 7), ("1 234,5", 1234.5), ("1'234.5", 1234.5), ("12,0", 12),
    ("1.5E+3", 1500), ("0", 0),
])
def test_parse_number(text, number):
    value = parse_number(text)
    assert value == number and type(value) is type(number)


@pytest.mark.parametrize("text", [
    "", "   ", "-", "%", "abc", "1,2,3", "1.2.3", "inf", "-inf", "nan", "1e999", "12,", "1 2", "5  400",
    "12.345,6.7", "1,23.4", "1.2,3", "12a", "--5", "0x10", "1" * 100,
])
def test_parse_number_refuses(text):
    with pytest.raises(ValueError) as error:
        parse_number(text)
    message = str(error.value)
    assert message.startswith(f"'{text}' is not a number") and "for example" in message


def test_a_real_excel_workbook_is_read():
    """A workbook written by openpyxl (as Excel saves one): first sheet, numbers kept, names with commas."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "type", "employees"])
    sheet.append(['Brasserie "Le Nord", Valmora', "firm", 12])
    sheet.append(["Café Müller", "firm", 3.5])
    sheet.append([None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_table(buffer.getvalue(), name="actors.xlsx")
    assert read.problems == []
    assert read.header == ["name", "type", "employees"]
    assert [row["name"] for row in read.rows] == ['Brasserie "Le Nord", Valmora', "Café Müller"]
    assert [parse_number(row["employees"]) for row in read.rows] == [12, 3.5]
