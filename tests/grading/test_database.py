import os
import threading

from clusterlab.grading.database import COLUMNS, load_actors, load_actors_bytes


def test_reads_rows_and_strips(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_text("name,type,helix,size,location,member\n A ,firm,industry,small,X,yes\n\n", encoding="utf-8")
    table = load_actors(path)
    assert table.problems == [] and table.columns == COLUMNS
    assert table == [{"name": "A", "type": "firm", "helix": "industry", "size": "small", "location": "X", "member": "yes"}]
    assert table.count_where(member="yes") == 1
    assert "<table>" in table._repr_html_()


def test_semicolons_and_bom(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_bytes("\ufeffname;type;helix;size;location;member\nA;firm;industry;small;X;no\n".encode("utf-8"))
    assert load_actors(path)[0]["member"] == "no"


def test_problems_instead_of_errors(tmp_path):
    assert "not found" in load_actors(tmp_path / "missing.csv").problems[0]
    (tmp_path / "empty.csv").write_text("")
    assert "empty" in load_actors(tmp_path / "empty.csv").problems[0]
    (tmp_path / "latin.csv").write_bytes(b"name\n\xe9\xff\n")  # Windows-1252 is read now
    assert load_actors(tmp_path / "latin.csv") == [{"name": "\xe9\xff"}]
    (tmp_path / "unreadable.csv").write_bytes(b"name\n\xe9\x81\n")  # 0x81 is neither UTF-8 nor Windows-1252
    assert "UTF-8" in load_actors(tmp_path / "unreadable.csv").problems[0]
    (tmp_path / "long.csv").write_text("name,type\nA,firm,extra\n")
    assert "more cells" in load_actors(tmp_path / "long.csv").problems[0]
    (tmp_path / "folder.csv").mkdir()
    assert load_actors(tmp_path / "folder.csv").problems


EXCEL_SEMICOLON_CP1252 = (
    "name;type;helix;size;location;member\r\n"
    '"Brasserie ""Le Nord"", Valmora";firm;industry;micro;Valmora;yes\r\n'
    "Café Müller;firm;industry;small;Süderheim;no\r\n"
    ";;;;;\r\n"
    "Université de Valmora;university;academia;large;Valmora;yes\r\n"
).encode("cp1252")


def test_excel_semicolon_file_in_windows_1252(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_bytes(EXCEL_SEMICOLON_CP1252)
    table = load_actors(path)
    assert table.problems == [] and table.columns == COLUMNS and table.path == str(path)
    assert table == [
        {"name": 'Brasserie "Le Nord", Valmora', "type": "firm", "helix": "industry", "size": "micro",
         "location": "Valmora", "member": "yes"},
        {"name": "Café Müller", "type": "firm", "helix": "industry", "size": "small",
         "location": "Süderheim", "member": "no"},
        {"name": "Université de Valmora", "type": "university", "helix": "academia", "size": "large",
         "location": "Valmora", "member": "yes"},
    ]
    assert load_actors_bytes(EXCEL_SEMICOLON_CP1252) == table


def test_bytes_of_an_upload():
    table = load_actors_bytes(b"Name,Type\nA,firm\n", name="upload.csv")
    assert table.columns == ("name", "type") and table == [{"name": "A", "type": "firm"}]
    assert "upload.csv" in load_actors_bytes(b"", name="upload.csv").problems[0]
    long = load_actors_bytes(b"name,type\nA,firm\nB,firm,extra\n")
    assert len(long) == 2 and "line 3" in long.problems[0] and "more cells" in long.problems[0]


def test_a_link_is_not_followed(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("name,type\nTOP SECRET,firm\n")
    link = tmp_path / "actors.csv"
    link.symlink_to(secret)
    table = load_actors(link)
    assert table == [] and len(table.problems) == 1
    assert "link" in table.problems[0] and "ordinary file" in table.problems[0]
    assert "SECRET" not in repr(table.problems) and "SECRET" not in table._repr_html_()


def test_a_pipe_gives_a_problem_without_waiting(tmp_path):
    fifo = tmp_path / "actors.csv"
    os.mkfifo(fifo)
    result = []
    worker = threading.Thread(target=lambda: result.append(load_actors(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # unblock the reader so that the test run can go on, then fail
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert not worker.is_alive(), "load_actors waited for a writer on a pipe"
    assert result[0] == [] and "ordinary file" in result[0].problems[0]


def test_a_file_too_large(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_bytes(b"name\n" + b"A\n" * (3 * 1024 * 1024))
    table = load_actors(path)
    assert table == [] and "larger than 5 MB" in table.problems[0]
