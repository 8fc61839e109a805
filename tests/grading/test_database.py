from clusterlab.grading.database import COLUMNS, load_actors


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
    (tmp_path / "latin.csv").write_bytes(b"name\n\xe9\xff\n")
    assert "UTF-8" in load_actors(tmp_path / "latin.csv").problems[0]
    (tmp_path / "long.csv").write_text("name,type\nA,firm,extra\n")
    assert "more cells" in load_actors(tmp_path / "long.csv").problems[0]
    (tmp_path / "folder.csv").mkdir()
    assert load_actors(tmp_path / "folder.csv").problems
