"""The regional employment data: the shipped snapshot, the loader, own figures and the online path.

The snapshot is checked against Eurostat's extract in ``../shared/data`` row for row. The online path
runs against a loopback HTTP server that answers with responses written by hand in Eurostat's
formats (SDMX-ML 2.1 structure messages, gzip-compressed TSV); a guard fails the test if anything
tries to reach another host.
"""

from __future__ import annotations

import csv
import gzip
import http.server
import importlib.util
import socket
import threading
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from clusterlab import regional_data
from clusterlab.analysis import location_quotient
from clusterlab.errors import ClusterlabError
from clusterlab.regional_data import RegionalDataError, clear_cache, industries, load_employment, regions
from clusterlab.regional_own import nace_code

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
RAW = SHARED / "eurostat_sbs_r_nuts06_r2_2015.csv"
needs_shared = pytest.mark.skipif(not RAW.is_file(), reason="Eurostat's extract is not in ../shared/data")


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


def _build_module():
    spec = importlib.util.spec_from_file_location("build_regional_snapshot",
                                                  REPO / "course" / "scripts" / "build_regional_snapshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the snapshot --------------------------------------------------------------------------------------

@needs_shared
def test_snapshot_build_is_deterministic_and_matches_the_shipped_files(tmp_path):
    build = _build_module()
    first, second = build.build(SHARED, tmp_path / "a"), build.build(SHARED, tmp_path / "b")
    for kind, path in first.items():
        assert path.read_bytes() == second[kind].read_bytes(), kind
        shipped = regional_data.DATA_DIR / path.name
        if path.suffix == ".gz":  # compare the content: another zlib may compress the same text differently
            assert gzip.decompress(path.read_bytes()) == gzip.decompress(shipped.read_bytes())
            assert path.read_bytes()[4:8] == b"\0\0\0\0"  # gzip time stamp 0
        else:
            assert path.read_bytes() == shipped.read_bytes(), f"{path.name}: rebuild the snapshot"
    assert regional_data.SNAPSHOT_FILE.stat().st_size < 400_000  # well under 1 MB


@needs_shared
def test_snapshot_matches_the_shared_extract_row_for_row():
    with RAW.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    frame = load_employment()
    assert len(frame) == len(rows) == 46_859
    assert list(frame["region"]) == [r[1] for r in rows]
    assert list(frame["nace"]) == [r[0] for r in rows]
    counts = {"figure": 0, "empty": 0, "mangled": 0, "flagged figure": 0, "flag only": 0}
    for (nace, geo, cell), employed, missing, flag in zip(rows, frame["employed"], frame["missing"], frame["flag"]):
        text = cell.strip()
        if text.isdigit():
            counts["figure"] += 1
            assert (employed, missing, flag) == (int(text), "", ""), (nace, geo)
        elif not text:
            counts["empty"] += 1
            assert pd.isna(employed) and missing == "not available" and flag == "", (nace, geo)
        elif text == "12:00 AM":
            counts["mangled"] += 1
            assert pd.isna(employed) and missing == "unreadable value" and geo.startswith("IS"), (nace, geo)
        elif text.endswith(" d"):
            counts["flagged figure"] += 1
            assert (employed, missing, flag) == (int(text[:-2]), "", "d"), (nace, geo)
        else:
            assert text == "d", (nace, geo, cell)
            counts["flag only"] += 1
            assert pd.isna(employed) and missing == "not available" and flag == "d", (nace, geo)
    # About 8,500 empty cells (8,490 holding one space, 9 holding nothing) and the 30 Icelandic "12:00 AM".
    assert counts == {"figure": 37_944, "empty": 8_499, "mangled": 30, "flagged figure": 267, "flag only": 119}


def test_every_missing_flag_path_in_the_snapshot():
    frame = load_employment().set_index(["region", "nace"])
    assert frame.loc[("AT32", "B"), ["employed", "missing"]].tolist()[1] == "not available"  # "B;AT32; "
    assert frame.loc[("FR", "B06"), "missing"] == "not available"  # "B06;FR;" (nothing at all)
    assert frame.loc[("IS", "B05"), "missing"] == "unreadable value"  # "B05;IS;12:00 AM"
    assert frame.loc[("NO", "B05"), ["employed", "flag"]].tolist() == [219, "d"]  # "B05;NO;219 d"
    assert frame.loc[("NO01", "B05"), ["employed", "flag"]].tolist() == [0, "d"]  # a real zero, flagged
    assert frame.loc[("PL11", "B"), ["missing", "flag"]].tolist() == ["not available", "d"]  # "B;PL11; d"
    missing = frame[frame["missing"] != ""]
    assert missing["employed"].isna().all()  # never zero
    assert set(missing["missing"]) == {"not available", "unreadable value"}
    assert frame.loc[frame["missing"] == "", "employed"].notna().all()


def test_pinned_catalonia_leather():
    frame = load_employment()
    figure = lambda region, nace: frame.loc[(frame.region == region) & (frame.nace == nace), "employed"].item()  # noqa: E731
    assert figure("ES51", "C15") == 2857
    # By hand from the extract: C15;ES51;2857  C;ES51;404665  C15;ES;41009  C;ES;1768607
    # LQ = (2857 / 404665) / (41009 / 1768607) = 0.0070601 / 0.0231872 = 0.30449 (about 0.3)
    assert (figure("ES51", "C"), figure("ES", "C15"), figure("ES", "C")) == (404665, 41009, 1768607)
    assert location_quotient(2857, 404665, 41009, 1768607) == pytest.approx(0.3044855993, rel=1e-9)


def test_table_shape_names_and_acknowledgements():
    frame = load_employment()
    assert tuple(frame.columns) == regional_data.COLUMNS
    assert frame.attrs["source"] == regional_data.SOURCE == "Source: Eurostat, sbs_r_nuts06_r2, reference year 2015"
    assert regional_data.LABELS_SOURCE == "Region names and label points: Eurostat GISCO"
    assert frame.attrs["origin"] == "snapshot" and frame.attrs["notice"] == ""
    assert str(frame["employed"].dtype) == "float64" and set(frame["year"]) == {2015}
    row = frame[(frame.region == "ITI1") & (frame.nace == "C13")].iloc[0]
    assert (row.region_name, row.level, row.nace_name, row.employed) == ("Toscana", 2, "Manufacture of textiles", 22616)
    assert frame.loc[frame.region == "UKE4", "region_name"].iloc[0] == "West Yorkshire"
    assert (frame["region_name"] != "").all() and (frame["nace_name"] != "").all()


def test_regions_and_industries_are_exactly_the_codes_present():
    frame = load_employment()
    assert set(regions()["code"]) == set(frame["region"]) and regions()["code"].is_unique
    assert set(industries()["code"]) == set(frame["nace"])
    table = industries().set_index("code")
    assert "K" not in table.index and table.loc["S95", "kind"] == "division"
    assert table.loc["C15", ["label", "kind", "parent"]].tolist() == [
        "Manufacture of leather and related products", "division", "C"]
    assert table.loc["G471", ["kind", "parent"]].tolist() == ["group", "G47"]
    assert set(table["kind"]) == {"section", "division", "group"}
    places = regions().set_index("code")
    assert places.loc["ES51", ["name", "country", "level"]].tolist() == ["Cataluña", "ES", 2]
    assert places.loc["ES51", "lon"] == pytest.approx(1.741)
    assert pd.isna(places.loc["ES70", "lon"]) and "label point" in places.loc["ES70", "note"]
    assert "Extra-Regio" in places.loc["FRZZ", "note"] and "NUTS 2010" in places.loc["DE41", "note"]


def test_tables_are_kept_in_memory():
    first = load_employment()
    assert load_employment("snapshot") is first
    clear_cache()
    assert load_employment() is not first


@pytest.mark.parametrize("call, words", [
    (lambda: load_employment(years=2019), "2015 only"),
    (lambda: load_employment(years=[]), "empty"),
    (lambda: load_employment(years="recent"), "years must"),
    (lambda: load_employment(42), "source must"),
    (lambda: load_employment("eurostat", timeout="soon"), "timeout must"),
])
def test_bad_requests_are_explained(call, words):
    with pytest.raises(RegionalDataError, match=words) as caught:
        call()
    assert isinstance(caught.value, ClusterlabError)


def test_a_missing_snapshot_file_is_explained(monkeypatch, tmp_path):
    monkeypatch.setattr(regional_data, "SNAPSHOT_FILE", tmp_path / "employment-2015.csv.gz")
    with pytest.raises(RegionalDataError, match="build_regional_snapshot"):
        load_employment()


# --- own figures ---------------------------------------------------------------------------------------

OWN = (
    "Region;Industry code;Persons employed;Year\r\n"
    "Anoia;C15;1 250;2015\r\n"
    "Anoia;13;840,5;2015\r\n"          # a decimal comma (full-time equivalents), a division number
    "Anoia;C14;c;2015\r\n"             # confidential
    "Anoia;C;12 400;2015\r\n"
    "Cataluña;C15;2 857;2015\r\n"      # a NUTS name
    "ES51;C;404.665,0;2015\r\n"
    "ES51;C13;;2015\r\n"               # not available
)


def test_own_figures_with_semicolons_decimal_commas_and_markers():
    frame = load_employment(OWN.encode("cp1252"), name="anoia.csv")
    assert tuple(frame.columns) == regional_data.COLUMNS
    assert frame.attrs["origin"] == "own figures" and "anoia.csv" in frame.attrs["source"]
    rows = {(r.region, r.nace): r for r in frame.itertuples()}
    assert rows[("Anoia", "C15")].employed == 1250
    assert rows[("Anoia", "C13")].employed == 840.5
    assert pd.isna(rows[("Anoia", "C14")].employed) and rows[("Anoia", "C14")].missing == "confidential"
    assert rows[("ES51", "C15")].region_name == "Cataluña" and rows[("ES51", "C15")].level == 2
    assert rows[("ES51", "C")].employed == 404665
    assert pd.isna(rows[("ES51", "C13")].employed) and rows[("ES51", "C13")].missing == "not available"
    assert pd.isna(rows[("Anoia", "C15")].level) and rows[("Anoia", "C15")].region_name == "Anoia"


def test_own_figures_report_every_bad_row_with_its_line():
    text = OWN + "Anoia;C16;12:00 AM;2015\r\nAnoia;C17;lots;2015\r\nAnoia;X99;5;2015\r\nAnoia;C15;7;2015\r\n" \
                 "Anoia;C18;1.200;2015\r\nAnoia;C19;-4;2015\r\n"
    with pytest.raises(RegionalDataError) as caught:
        load_employment(text.encode(), name="anoia.csv")
    message = str(caught.value)
    assert "anoia.csv" in message and "6 problems" in message and "no figure was taken" in message
    assert "line 9: persons employed: '12:00 AM' looks like a time" in message
    assert "line 10: persons employed: 'lots' is not a number" in message
    assert "line 11: 'X99' is not a NACE Rev. 2 code" in message
    assert "lines 2 and 12 both give C15 for Anoia in 2015" in message
    assert "line 13: persons employed: '1.200' could mean 1200 or 1.200" in message
    assert "line 14: persons employed: '-4' is negative" in message


@pytest.mark.parametrize("text, words", [
    (b"", "empty"),
    (b"region;persons employed\nAnoia;5\n", "needs the columns industry"),
    (b"region;industry;employed\n", "no figures"),
    (b"region;industry;employed\n;C15;5\n", "line 2: the region is empty"),
    (b"region;industry;employed;year\nAnoia;C15;5;15\n", "line 2: the year '15' is not a year"),
    (b"region;industry;employed;level\nAnoia;C15;5;region\n", "line 2: the level 'region'"),
])
def test_own_figures_problems_are_explained(text, words):
    with pytest.raises(RegionalDataError, match=words):
        load_employment(text)


def test_own_figures_from_a_path(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("region,industry,employed,name\nANOIA,C15,1250,Anoia (comarca)\n", encoding="utf-8")
    frame = load_employment(path, year=2015)
    assert frame[["region", "region_name", "year", "employed"]].values.tolist() == [["ANOIA", "Anoia (comarca)", 2015, 1250]]
    assert load_employment(str(path))["employed"].tolist() == [1250]
    with pytest.raises(RegionalDataError, match="was not found"):
        load_employment(tmp_path / "absent.csv")
    with pytest.raises(RegionalDataError, match="is a folder"):
        load_employment(tmp_path)


@given(st.text(alphabet=st.sampled_from("0123456789 .,:-cdx*AMP/%e+\u00a0"), max_size=12))
@settings(max_examples=300, deadline=None)
def test_an_own_figure_is_a_number_a_reason_or_a_problem_never_a_silent_zero(cell):
    text = f"region;industry;persons employed\nAnoia;C15;{cell}\n".encode()
    try:
        frame = load_employment(text)
    except RegionalDataError as exc:
        assert "line 2" in str(exc) or "more cells" in str(exc)
        return
    employed, missing = frame["employed"].item(), frame["missing"].item()
    if pd.isna(employed):
        assert missing in ("confidential", "not available")
    else:
        assert missing == "" and employed >= 0
        assert employed > 0 or any(ch.isdigit() for ch in cell)  # a zero only when a 0 was written


@pytest.mark.parametrize("text, code", [
    ("C15", "C15"), ("c15", "C15"), ("15", "C15"), ("C 15", "C15"), ("C.15", "C15"), ("47.1", "G471"),
    ("G47.1", "G471"), ("5", "B05"), ("C", "C"), ("total", "TOTAL"), ("15.11", "C1511"),
    ("G15", None), ("X", None), ("", None), ("1a", None), ("100", None),
])
def test_nace_codes_as_people_write_them(text, code):
    assert nace_code(text) == code


# --- the online path (a loopback server with recorded official responses) --------------------------------

_MESSAGE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<m:Structure xmlns:m="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
            'xmlns:s="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" '
            'xmlns:c="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">'
            '<m:Header><m:ID>IREF000001</m:ID><m:Test>false</m:Test><m:Prepared>2026-11-30T08:00:00Z</m:Prepared>'
            '<m:Sender id="ESTAT"/></m:Header><m:Structures>{}</m:Structures></m:Structure>')


def _dataflow(code: str, title: str) -> bytes:
    return _MESSAGE.format(
        f'<s:Dataflows><s:Dataflow id="{code}" agencyID="ESTAT" version="1.0" isFinal="true">'
        f'<c:Name xml:lang="en">{title}</c:Name><s:Structure><Ref id="{code}" version="3.0" agencyID="ESTAT" '
        'package="datastructure" class="DataStructure"/></s:Structure></s:Dataflow></s:Dataflows>').encode()


def _structure(code: str, dimensions: list[str]) -> bytes:
    dims = "".join(
        f'<s:Dimension id="{d}" position="{i}"><s:ConceptIdentity><Ref id="{d}" maintainableParentID="{code}" '
        'maintainableParentVersion="3.0" agencyID="ESTAT" class="Concept" package="conceptscheme"/>'
        f'</s:ConceptIdentity><s:LocalRepresentation><s:Enumeration><Ref id="{d.upper()}" version="1.0" '
        'agencyID="ESTAT" package="codelist" class="Codelist"/></s:Enumeration></s:LocalRepresentation>'
        '</s:Dimension>' for i, d in enumerate(dimensions, 1))
    return _MESSAGE.format(
        f'<s:DataStructures><s:DataStructure id="{code}" agencyID="ESTAT" version="3.0" isFinal="true">'
        f'<c:Name xml:lang="en">{code}</c:Name><s:DataStructureComponents><s:DimensionList id="DimensionDescriptor">'
        f'{dims}<s:TimeDimension id="TIME_PERIOD" position="{len(dimensions) + 1}"/></s:DimensionList>'
        '</s:DataStructureComponents></s:DataStructure></s:DataStructures>').encode()


# Series as Eurostat's TSV gives them: "value flag" cells, ":" for no figure, a space after a plain value.
_SERIES = {
    "sbs_r_nuts06_r2": (["freq", "nace_r2", "indic_sb", "geo"], "V16110", {
        ("C", "ES"): {2014: "1702110 ", 2015: "1768607 ", 2020: "1800000 "},
        ("C", "ES51"): {2014: "392004 ", 2015: "404665 ", 2020: "410000 "},
        ("C15", "ES"): {2014: "39012 ", 2015: "41009 ", 2020: "40000 "},
        ("C15", "ES51"): {2014: "2770 ", 2015: "2857 ", 2020: "2700 "},
        ("C15", "UK"): {2014: ": c", 2015: ": c", 2020: ":"},
        ("B05", "NO"): {2014: "221 d", 2015: "219 d", 2020: "200 d"},
        ("C13", "ES51"): {2014: ":", 2015: ": ", 2020: ":"},
    }),
    "sbs_r_nuts2021": (["freq", "indic_sbs", "nace_r2", "geo"], "EMP_LOC_NR", {
        ("C", "ES"): {2021: "1850000 "}, ("C", "ES51"): {2021: "415000 "},
        ("C15", "ES"): {2021: "38000 "}, ("C15", "ES51"): {2021: "2600 p"},
    }),
}


def _tsv(dataset: str, start: int, end: int) -> bytes:
    dims, indicator, series = _SERIES[dataset]
    years = sorted({y for cells in series.values() for y in cells if start <= y <= end})
    lines = [",".join(dims) + "\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years)]
    for (nace, geo), cells in series.items():
        key = {"freq": "A", "nace_r2": nace, "geo": geo}
        codes = ",".join(key.get(d, indicator) for d in dims)
        lines.append(codes + "\t" + "\t".join(cells.get(y, ":") for y in years))
    return gzip.compress(("\r\n".join(lines) + "\r\n").encode(), mtime=0)


class _Eurostat(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.send_response(200)
        self.end_headers()

    def do_GET(self):
        self.requests.append(self.path)
        url = urllib.parse.urlsplit(self.path)
        parts, query = url.path.strip("/").split("/"), dict(urllib.parse.parse_qsl(url.query))
        body, kind = None, "application/xml"
        if parts[:3] == ["sdmx", "2.1", "dataflow"] and parts[3] == "ESTAT" and parts[4].lower() in _SERIES:
            body = _dataflow(parts[4].upper(), "SBS data by NUTS 2 regions and NACE Rev. 2")
        elif parts[:3] == ["sdmx", "2.1", "datastructure"] and parts[4].lower() in _SERIES:
            body = _structure(parts[4], _SERIES[parts[4].lower()][0])
        elif parts[:3] == ["sdmx", "2.1", "data"] and parts[3] in _SERIES and query.get("format") == "TSV":
            indicator = _SERIES[parts[3]][1]
            assert indicator in parts[4].split("."), self.path  # the client asks for persons employed only
            body, kind = _tsv(parts[3], int(query["startPeriod"]), int(query["endPeriod"])), "application/octet-stream"
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def no_internet(monkeypatch):
    """Fail the test if anything tries to reach a host other than this machine."""
    attempts = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection
    loopback = {"127.0.0.1", "localhost", "::1"}

    def getaddrinfo(host, *args, **kwargs):
        if str(host) not in loopback:
            attempts.append(host)
            raise OSError(f"test guard: no connection to {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        if str(address[0]) not in loopback:
            attempts.append(address[0])
            raise OSError(f"test guard: no connection to {address[0]}")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("CLUSTERLAB_EUROSTAT_URL", raising=False)
    yield attempts
    assert attempts == [], f"a test tried to reach {attempts}"


@pytest.fixture
def eurostat(no_internet):
    _Eurostat.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Eurostat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sdmx/2.1/", _Eurostat.requests
    server.shutdown()
    server.server_close()


def test_the_guard_stops_other_hosts(no_internet):
    with pytest.raises(OSError, match="test guard"):
        socket.create_connection(("example.org", 443))
    no_internet.clear()


def test_online_figures_through_the_client(eurostat, work_folder):
    url, requests = eurostat
    frame = load_employment("eurostat", years=2015, base_url=url)
    assert frame.attrs["origin"] == "eurostat" and frame.attrs["notice"] == ""
    assert frame.attrs["source"] == "Source: Eurostat, sbs_r_nuts06_r2, reference year 2015"
    assert tuple(frame.columns) == regional_data.COLUMNS
    rows = {(r.region, r.nace): r for r in frame.itertuples()}
    assert rows[("ES51", "C15")].employed == 2857 and rows[("ES51", "C15")].region_name == "Cataluña"
    assert rows[("ES51", "C15")].nace_name == "Manufacture of leather and related products"
    assert pd.isna(rows[("UK", "C15")].employed) and rows[("UK", "C15")].missing == "confidential"
    assert (rows[("NO", "B05")].employed, rows[("NO", "B05")].flag) == (219, "d")
    assert pd.isna(rows[("ES51", "C13")].employed) and rows[("ES51", "C13")].missing == "not available"
    data = [r for r in requests if "/data/" in r]
    assert len(data) == 1 and "startPeriod=2015" in data[0] and "V16110" in data[0]
    assert any(p.name.startswith("sbs_r_nuts06_r2-V16110-2015") for p in (work_folder / "regional-cache").iterdir())


def test_second_call_uses_memory_then_the_work_folder_copy(eurostat):
    url, requests = eurostat
    first = load_employment("eurostat", years=2015, base_url=url)
    asked = len(requests)
    assert load_employment("eurostat", years=2015, base_url=url) is first and len(requests) == asked
    clear_cache()
    again = load_employment("eurostat", years=2015, base_url=url)
    assert len(requests) == asked  # read from regional-cache/, not fetched
    assert "kept from an earlier request" in " ".join(again.attrs["notes"])
    pd.testing.assert_frame_equal(again, first)
    load_employment("eurostat", years=2015, base_url=url, refresh=True)
    assert len(requests) > asked


def test_years_across_the_break_in_series(eurostat, monkeypatch):
    url, requests = eurostat
    monkeypatch.setenv("CLUSTERLAB_EUROSTAT_URL", url)
    frame = load_employment("eurostat", years=[2020, 2021])
    assert frame.attrs["source"] == "Source: Eurostat, sbs_r_nuts06_r2 and sbs_r_nuts2021, reference years 2020-2021"
    assert any("Break in series" in n for n in frame.attrs["notes"])
    catalonia = frame[(frame.region == "ES51") & (frame.nace == "C15")].set_index("year")
    assert catalonia.loc[2020, "employed"] == 2700 and catalonia.loc[2021, ["employed", "flag"]].tolist() == [2600, "p"]
    assert any("sbs_r_nuts2021" in r and "EMP_LOC_NR" in r for r in requests if "/data/" in r)


def test_offline_falls_back_to_the_snapshot_with_a_notice(no_internet):
    with socket.socket() as probe:  # a port on this machine where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    frame = load_employment("eurostat", years=2019, base_url=f"http://127.0.0.1:{port}/sdmx/2.1/", timeout=2)
    assert frame.attrs["origin"] == "snapshot" and frame.attrs["source"] == regional_data.SOURCE
    assert "could not be reached" in frame.attrs["notice"] and "2015" in frame.attrs["notice"]
    assert len(frame) == 46_859 and load_employment() is not frame  # the shared snapshot is untouched


def test_years_before_the_tables_are_refused(no_internet):
    with pytest.raises(RegionalDataError, match="start in 2008"):
        load_employment("eurostat", years=2005, base_url="http://127.0.0.1:9/")
