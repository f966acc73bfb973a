import json
import tracemalloc
from pathlib import Path

from communique.index.models import Release
from communique.ingest.problems import Problem
from communique.ingest.readers import LINE_KEY, TEXT_FORMAT_KEY, read_file


def _read(path: Path) -> list:
    return list(read_file(path))


# --- JSONL / JSON ---------------------------------------------------------------------------
def _jsonl(tmp_path: Path, lines: list[str], name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_fields_and_metadata(tmp_path):
    rec = {"id": "r1", "lang": "fr", "title": "Titre", "date": "2025-09-25", "url": "https://x", "text": "Texte.",
           "pair_id": 7, "source": "feed", "department": "ISDE", "topics": ["a", "b"]}
    (release,) = _read(_jsonl(tmp_path, [json.dumps(rec, ensure_ascii=False)]))
    assert isinstance(release, Release)
    assert (release.id, release.lang, release.title, release.date, release.url, release.text) == (
        "r1", "fr", "Titre", "2025-09-25", "https://x", "Texte.")
    assert release.pair_id == "7" and release.source == "feed"
    assert release.metadata["department"] == "ISDE" and release.metadata["topics"] == ["a", "b"]
    assert "text" not in release.metadata and "id" not in release.metadata
    assert release.metadata[LINE_KEY] == 1  # for the pipeline's messages; normalize removes it


def test_jsonl_bad_lines_are_problems_with_line_numbers_and_others_go_on(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": "first"}),
        "",  # blank lines are skipped, but still counted
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "b"}),
        json.dumps({"id": "c", "text": "   "}),
        json.dumps({"id": "d", "text": 42}),
        json.dumps({"id": "e", "text": "last"}),
    ]
    results = _read(_jsonl(tmp_path, lines))
    assert [r.id for r in results if isinstance(r, Release)] == ["a", "e"]
    problems = {p.line: p.message for p in results if isinstance(p, Problem)}
    assert problems.keys() == {3, 4, 5, 6, 7}
    assert problems[3].startswith("invalid JSON")
    assert "expected a JSON object, got list" in problems[4]
    assert "missing 'text'" in problems[5]
    assert "empty 'text'" in problems[6]
    assert "must be a string" in problems[7]
    assert all(p.path.endswith("data.jsonl") for p in results if isinstance(p, Problem))


def test_jsonl_missing_id_gets_a_stable_hash(tmp_path):
    path = _jsonl(tmp_path, [json.dumps({"text": "same text"}), json.dumps({"text": "same text"})])
    first = _read(path)
    again = _read(path)
    assert [r.id for r in first] == [r.id for r in again]
    assert all(r.id.startswith("rec-") for r in first)
    assert first[0].id != first[1].id  # the line number is part of the hash
    assert first[0].source == "data.jsonl"


def test_jsonl_markdown_hint(tmp_path):
    path = _jsonl(tmp_path, [json.dumps({"id": "m", "text": "## H\n\nx", "text_kind": "blog post body (markdown)"}),
                             json.dumps({"id": "t", "text": "x"})])
    md, plain = _read(path)
    assert md.metadata[TEXT_FORMAT_KEY] == "markdown" and plain.metadata[TEXT_FORMAT_KEY] == "text"


def test_jsonl_bom_and_cp1252_line(tmp_path):
    path = tmp_path / "enc.jsonl"
    good = json.dumps({"id": "u", "text": "déjà"}, ensure_ascii=False).encode("utf-8")
    legacy = json.dumps({"id": "w", "text": "élève à Québec"}, ensure_ascii=False).encode("cp1252")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + legacy + b"\n")
    first, second = _read(path)
    assert first.text == "déjà" and second.text == "élève à Québec"


def test_jsonl_date_falls_back_to_datetime(tmp_path):
    (release,) = _read(_jsonl(tmp_path, [json.dumps({"id": "x", "text": "t", "datetime": "2024-05-18 10:00"})]))
    assert release.date == "2024-05-18 10:00"  # parsed later by normalize


def test_binary_jsonl_is_one_problem(tmp_path):
    path = tmp_path / "blob.jsonl"
    path.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 40)
    (problem,) = _read(path)
    assert isinstance(problem, Problem) and "binary" in problem.message


def test_large_jsonl_streams_with_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    body = "Le gouvernement du Canada annonce un investissement. " * 40
    with path.open("w", encoding="utf-8") as fh:
        for i in range(2500):
            fh.write(json.dumps({"id": f"r{i}", "lang": "fr", "text": body, "n": i}) + "\n")
    size = path.stat().st_size
    tracemalloc.start()
    count = sum(1 for r in read_file(path) if isinstance(r, Release))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 2500
    assert size > 5_000_000
    assert peak < size / 10, f"peak {peak} bytes for a {size}-byte file: not streaming"


def test_json_object_and_list(tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"id": "o", "text": "un"}), encoding="utf-8")
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"id": "a", "text": "x"}, {"text": ""}, "oops", {"text": "y"}]), encoding="utf-8")
    assert [r.id for r in _read(one)] == ["o"]
    results = _read(many)
    assert isinstance(results[0], Release) and isinstance(results[3], Release)
    assert results[3].id.startswith("rec-")
    assert isinstance(results[1], Problem) and "record 2" in results[1].message
    assert isinstance(results[2], Problem) and "record 3" in results[2].message


def test_invalid_json_file_is_one_problem(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x",\n "text": }', encoding="utf-8")
    (problem,) = _read(path)
    assert isinstance(problem, Problem) and problem.line == 2


# --- text and Markdown ----------------------------------------------------------------------
def test_txt_header_block(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("Title: Budget 2025\nDate: 2025-04-01\nLang: en\nDepartment: Finance\nid: fin-1\n\n"
                    "The budget was tabled.\n", encoding="utf-8")
    (release,) = _read(path)
    assert (release.id, release.title, release.date, release.lang) == ("fin-1", "Budget 2025", "2025-04-01", "en")
    assert release.metadata["department"] == "Finance"
    assert release.text.strip() == "The budget was tabled."
    assert release.source == "r.txt"


def test_md_front_matter_and_heading(tmp_path):
    path = tmp_path / "post.md"
    path.write_text('---\ntitle: "Un titre"\nlang: fr\ntags: [a, b]\nauthors:\n  - Ann\n  - Bob\n---\n'
                    "# Ignored heading\n\nCorps du texte.\n", encoding="utf-8")
    (release,) = _read(path)
    assert release.title == "Un titre" and release.lang == "fr"
    assert release.metadata["tags"] == "a, b" and release.metadata["authors"] == "Ann, Bob"
    assert release.metadata[TEXT_FORMAT_KEY] == "markdown"
    assert "Corps du texte." in release.text


def test_md_heading_becomes_title_and_leaves_text(tmp_path):
    path = tmp_path / "h.md"
    path.write_text("# Le titre\n\nLe corps.\n", encoding="utf-8")
    (release,) = _read(path)
    assert release.title == "Le titre" and "Le titre" not in release.text


def test_txt_first_short_line_is_title_and_stays_in_text(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Minister announces funding\n\nOTTAWA - The minister announced funding.\n", encoding="utf-8")
    (release,) = _read(path)
    assert release.title == "Minister announces funding"
    assert release.text.startswith("Minister announces funding")


def test_txt_colon_first_line_is_not_a_header(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("Note: the office is closed today.\n\nIt reopens Monday.\n", encoding="utf-8")
    (release,) = _read(path)
    assert release.text.startswith("Note: the office is closed today.")
    assert "note" not in release.metadata


def test_txt_glued_date_prefix(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text(" date 2024-03-01 Sous-titre de la nouvelle\n\nTexte.\n", encoding="utf-8")
    (release,) = _read(path)
    assert release.date == "2024-03-01"
    assert release.text.startswith("Sous-titre de la nouvelle")


def test_txt_id_is_a_stable_hash(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("Some text.\n", encoding="utf-8")
    (a,) = _read(path)
    (b,) = _read(path)
    assert a.id == b.id and a.id.startswith("doc-")


def test_txt_cp1252_and_latin1(tmp_path):
    text = "Réunion à Montréal\n\nLes élèves de l'école Sainte-Thérèse ont reçu leur diplôme à Québec.\n"
    for enc in ("cp1252", "latin-1"):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(text.encode(enc))
        (release,) = _read(path)
        assert release.title == "Réunion à Montréal"
        assert "élèves de l'école Sainte-Thérèse ont reçu" in release.text


def test_binary_and_empty_txt(tmp_path):
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.md"
    blank.write_text("\n  \n", encoding="utf-8")
    (p1,) = _read(binary)
    (p2,) = _read(empty)
    (p3,) = _read(blank)
    assert isinstance(p1, Problem) and p1.message == "binary file, not text"
    assert isinstance(p2, Problem) and p2.message == "empty file"
    assert isinstance(p3, Problem) and p3.message == "empty file"


def test_unreadable_file_is_one_problem(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text("x", encoding="utf-8")

    def deny(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", deny)  # root ignores chmod 000
    (problem,) = _read(path)
    assert isinstance(problem, Problem) and "Permission denied" in problem.message


def test_unsupported_extension(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b", encoding="utf-8")
    (problem,) = _read(path)
    assert isinstance(problem, Problem) and "unsupported" in problem.message


# --- HTML -----------------------------------------------------------------------------------
PAGE = """<!DOCTYPE html>
<html lang="fr-CA"><head><meta charset="utf-8">
<title>Annonce - Canada.ca</title>
<meta name="dcterms.issued" content="2024-06-03">
<meta name="description" content="Résumé">
<link rel="canonical" href="https://www.canada.ca/fr/nouvelles/annonce.html">
<script>var x = "script text";</script><style>p { color: red }</style>
</head><body>
<header><a href="#main">Passer au contenu principal</a><nav><ul><li>Accueil</li></ul></nav></header>
<main>
<h1>La ministre annonce un investissement</h1>
<p>OTTAWA, le 3 juin 2024 &ndash; La ministre a annoncé
   un investissement de <strong>5&nbsp;millions</strong> de dollars.</p>
<aside>Partager cette page</aside>
<p>Deuxième paragraphe<br>avec un saut de ligne.</p>
<ul><li>Point un</li><li>Point deux</li></ul>
<form><button>Signaler un problème</button></form>
</main>
<footer>Date de modification : 2024-06-03</footer>
</body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    (release,) = _read(path)
    assert release.title == "La ministre annonce un investissement"
    assert release.lang == "fr-CA"
    assert release.date == "2024-06-03"
    assert release.url == "https://www.canada.ca/fr/nouvelles/annonce.html"
    assert release.metadata["description"] == "Résumé"
    text = release.text
    assert "La ministre a annoncé un investissement de 5\u00a0millions de dollars." in text
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    assert paragraphs[0].startswith("OTTAWA, le 3 juin 2024 – La ministre")
    assert "Deuxième paragraphe\navec un saut de ligne." in text
    assert "- Point un" in text and "- Point deux" in text
    for noise in ("Accueil", "Passer au contenu", "Partager", "script text", "color: red", "Signaler",
                  "Date de modification", "La ministre annonce un investissement"):
        assert noise not in text


def test_html_time_element_and_body_fallback(tmp_path):
    path = tmp_path / "p.htm"
    path.write_text('<html><head><title>Plain page</title></head><body><nav>Menu</nav>'
                    '<p>Posted <time datetime="2021-02-03T10:00">Feb 3</time></p><p>Body text.</p></body></html>',
                    encoding="utf-8")
    (release,) = _read(path)
    assert release.title == "Plain page" and release.date == "2021-02-03T10:00"
    assert "Body text." in release.text and "Menu" not in release.text


def test_html_cp1252(tmp_path):
    path = tmp_path / "legacy.html"
    path.write_bytes("<html lang=fr><body><main><p>Élève à Québec</p></main></body></html>".encode("cp1252"))
    (release,) = _read(path)
    assert "Élève à Québec" in release.text


# --- the seed -------------------------------------------------------------------------------
def test_seed_release_is_read_raw(seed_path):
    (release,) = _read(seed_path)
    assert isinstance(release, Release)
    assert release.date == "2025-09-25"
    assert release.source == "seed_release_fr.txt"
    assert release.text.startswith("Ils ont pu échanger")
    assert "date 2025-09-25" not in release.text
