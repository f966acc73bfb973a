from communique.ingest.problems import Problem


def test_str_with_line():
    assert str(Problem("data/a.jsonl", 12, "invalid JSON")) == "data/a.jsonl:12: invalid JSON"


def test_str_without_line():
    assert str(Problem("data/b.bin", None, "binary file, not text")) == "data/b.bin: binary file, not text"
