"""Bad input to ingest: each kind is reported with its file (and line), and the rest of the batch is stored.

One folder holds every kind of bad input beside good releases. It is ingested once through the
library (`ingest_paths`) and once through the real `communique ingest` command; each test then
checks one kind of input against the report, the CLI's stderr and the stored index.
"""
from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from communique.index.retriever import Retriever
from communique.ingest.pipeline import EXIT_REJECTED, IngestReport, ingest_paths
from reliability_support import EXIT_USAGE, REPO_ROOT, child_env, run_cli, write_jsonl

FRENCH = ("Le ministère annonce une aide financière à Québec : les élèves, les héros de l’été et "
          "l’œuvre de la fondation recevront 5 € chacun. « Ça compte », déclare la ministre à Trois-Rivières.")
LATIN1_FRENCH = ("La ministre a annoncé à Sherbrooke une aide financière pour la région. Les élèves de "
                 "l'école secondaire ont reçu des médailles à la fin de l'année, déclare le maire.")
SPANISH = ("El gobierno federal anunció hoy una inversión de diez millones de dólares para ampliar el "
           "puerto de Vancouver y crear doscientos empleos en la región durante los próximos tres años.")
GERMAN = ("Die Bundesregierung hat heute eine Investition von zwölf Millionen Dollar für den Ausbau des "
          "Hafens von Halifax angekündigt. Die Arbeiten beginnen im Frühjahr und schaffen neue Arbeitsplätze.")
DUPLICATE_TEXT = "Title: Flags at half-mast\n\nFlags on the Peace Tower in Ottawa are lowered to half-mast today in memory of the former senator.\n"
NAV_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Site</title>
<script>var tracker = "Scripts announce nothing but must not be indexed";</script><style>body{color:red}</style></head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/contact">Contact us</a></li>
<li><a href="/a">Programs and services</a></li><li><a href="/b">Departments and agencies</a></li></ul></nav></header>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}</script>
<main><h1>Bridge repairs in Moncton</h1><p>The federal government will fund repairs to the Gunningsville bridge
in Moncton, with work starting in May.</p><script>console.log("inline script inside main")</script></main>
<footer><nav><a href="/terms">Terms and conditions</a> <a href="/privacy">Privacy</a></nav><script src="x.js"></script></footer>
</body></html>"""
NAV_ONLY_PAGE = """<html><body><nav><a href="/">Home</a> <a href="/x">Sitemap</a></nav>
<script>alert("a long script that is not an announcement at all")</script><footer>Footer links</footer></body></html>"""

GOOD_RECORDS = [
    {"id": "good-regina", "lang": "en", "title": "Regina bridge", "date": "2024-05-01",
     "text": "The minister announced $4 million for the Regina bridge repairs, to be finished in 2025."},
    {"id": "good-moncton", "lang": "fr", "title": "Pont de Moncton", "date": "2024-05-02",
     "text": "La ministre a annoncé 3 millions de dollars pour réparer le pont de Moncton d'ici 2026."},
    {"id": "bad-date", "lang": "en", "title": "Iqaluit clinic", "date": "next Tuesday-ish",
     "text": "Officials confirmed that the new health clinic in Iqaluit opens to patients in the autumn."},
    {"id": "bad-lang", "lang": "klingon", "title": "Halifax research chairs",
     "text": "The agency approved grants for twelve research chairs at universities in Halifax this year."},
    {"id": "spanish", "lang": "es", "title": "Puerto de Vancouver", "date": "2024-06-03", "text": SPANISH},
]
# Line numbers of mixed.jsonl (1-based): good records on 1, 3, 6, 8, 10; bad ones elsewhere.
MIXED_LINES = [
    GOOD_RECORDS[0],
    '{"id": "broken", "text": "unterminated',  # 2: malformed JSON
    GOOD_RECORDS[1],
    {"id": "no-text", "lang": "en", "title": "No text at all"},  # 4
    {"id": "empty-text", "lang": "en", "text": "   "},  # 5
    GOOD_RECORDS[2],
    ["a", "list", "not", "an", "object"],  # 7
    GOOD_RECORDS[3],
    {"id": "number-text", "text": 12345},  # 9
    GOOD_RECORDS[4],
]


@dataclass
class Batch:
    root: Path
    index_dir: Path
    report: IngestReport
    retriever: Retriever

    def problems_for(self, name: str) -> list:
        return [p for p in self.report.problems if Path(p.path).name == name]

    def warnings_for(self, needle: str) -> list[str]:
        return [w for w in self.report.warnings if needle in w]

    def stored(self) -> dict:
        store = self.retriever._snapshot.store
        return store.get_releases(store.all_release_ids())

    def stored_with(self, needle: str) -> list:
        return [r for r in self.stored().values() if needle in r.text]


def _write_inputs(root: Path) -> dict[str, Path]:
    import json

    root.mkdir(parents=True)
    files: dict[str, Path] = {}
    files["empty"] = root / "empty.txt"
    files["empty"].write_bytes(b"")
    files["blank"] = root / "blank.md"
    files["blank"].write_text("\n \n\t\n", encoding="utf-8")
    files["binary"] = root / "binary.txt"
    files["binary"].write_bytes(bytes(range(256)) * 40 + os.urandom(2048))
    files["png_as_html"] = root / "photo.html"
    files["png_as_html"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(4096))
    files["cp1252"] = root / "annonce-cp1252.txt"
    files["cp1252"].write_bytes(f"Titre: Annonce à Québec\nlang: fr\n\n{FRENCH}\n".encode("cp1252"))
    files["latin1"] = root / "annonce-latin1.txt"
    files["latin1"].write_bytes(f"Aide financière à Sherbrooke\n\n{LATIN1_FRENCH}\n".encode("latin-1"))
    files["bom_txt"] = root / "bom.txt"
    files["bom_txt"].write_bytes(
        "\ufeffTitle: Cornwall harbour\ndate: 2024-03-04\n\nThe minister announced funding for the harbour in Cornwall today.\n".encode())
    files["bom_jsonl"] = root / "bom.jsonl"
    files["bom_jsonl"].write_bytes("\ufeff".encode() + json.dumps(
        {"id": "bom-record", "lang": "en", "title": "Kelowna transit",
         "text": "Kelowna receives new electric buses for its public transit network."}).encode() + b"\n")
    files["mixed"] = root / "mixed.jsonl"
    with open(files["mixed"], "w", encoding="utf-8") as handle:
        for line in MIXED_LINES:
            handle.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
    files["german"] = root / "hafen-halifax.txt"
    files["german"].write_text(f"Hafen Halifax\n\n{GERMAN}\n", encoding="utf-8")
    files["nav"] = root / "moncton-bridge.html"
    files["nav"].write_text(NAV_PAGE, encoding="utf-8")
    files["nav_only"] = root / "navigation-only.html"
    files["nav_only"].write_text(NAV_ONLY_PAGE, encoding="utf-8")
    # The same release twice in one batch: one file copied under another name, one in a subfolder
    # under the same name, and one JSONL record repeated.
    files["dup_a"] = root / "flags.txt"
    files["dup_a"].write_text(DUPLICATE_TEXT, encoding="utf-8")
    (root / "copies").mkdir()
    files["dup_b"] = root / "copies" / "flags.txt"
    files["dup_b"].write_text(DUPLICATE_TEXT, encoding="utf-8")
    files["dup_c"] = root / "copies" / "flags-copy.txt"
    files["dup_c"].write_text(DUPLICATE_TEXT, encoding="utf-8")
    dup_record = {"id": "repeated", "lang": "en", "title": "Thunder Bay port",
                  "text": "The port of Thunder Bay gets a new grain terminal, the minister announced."}
    write_jsonl(root / "repeated.jsonl", [dup_record, dup_record])
    # A symlink loop: loop/up points back at the root folder.
    (root / "loop").mkdir()
    (root / "loop" / "up").symlink_to("..")
    # A FIFO named like a text file: reading it would block forever.
    files["fifo"] = root / "pipe.txt"
    os.mkfifo(files["fifo"])
    # An unsupported extension inside a folder is ignored silently (not an announcement format).
    (root / "notes.docx").write_bytes(b"PK\x03\x04 not a release")
    return files


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    return _write_inputs(tmp_path_factory.mktemp("bad") / "inbox")


@pytest.fixture(scope="module")
def missing_path(inputs) -> Path:
    return inputs["empty"].parent.parent / "does-not-exist.jsonl"


@pytest.fixture(scope="module")
def batch(inputs, missing_path, tmp_path_factory) -> Batch:
    root = inputs["empty"].parent
    index_dir = tmp_path_factory.mktemp("bad-ix") / "index"
    report = ingest_paths([root, missing_path], index_dir, progress=False)
    return Batch(root, index_dir, report, Retriever.open(index_dir, auto_reload=False))


@pytest.fixture(scope="module")
def cli_run(inputs, missing_path, tmp_path_factory) -> subprocess.CompletedProcess:
    root = inputs["empty"].parent
    index_dir = tmp_path_factory.mktemp("bad-cli") / "index"
    return run_cli("ingest", root, missing_path, "--index", index_dir, "--no-progress")


def _cli_line(cli_run, path: Path, line: int | None = None) -> str:
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    found = [text for text in cli_run.stderr.splitlines() if where in text]
    assert found, f"stderr does not name {where}\n{cli_run.stderr}"
    return found[0]


# --- the batch as a whole --------------------------------------------------------------------
def test_good_releases_of_the_batch_are_all_stored(batch):
    stored = batch.stored()
    for record in GOOD_RECORDS:
        assert record["id"] in stored, record["id"]
    assert "bom-record" in stored and "repeated" in stored
    assert batch.report.added == len(batch.stored()) == batch.retriever.stats().releases
    # 5 good JSONL records, bom.jsonl, repeated.jsonl, cp1252, latin-1, bom.txt, German, HTML, flags.
    assert batch.report.added == 13


def test_cli_exit_code_is_distinct_from_usage_errors_and_names_every_problem(batch, cli_run):
    assert cli_run.returncode == EXIT_REJECTED != EXIT_USAGE
    assert "Traceback" not in cli_run.stderr
    for problem in batch.report.problems:
        assert str(problem) in cli_run.stderr
    assert "13 added" in cli_run.stdout


def test_cli_usage_errors_exit_2(tmp_path):
    assert run_cli("ingest").returncode == EXIT_USAGE  # no path
    bad = run_cli("ingest", REPO_ROOT / "samples" / "md", "--index", tmp_path / "ix", "--embedder", "nonsense")
    assert bad.returncode == EXIT_USAGE and "unknown embedder" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_exit_code_is_0_when_nothing_is_rejected_even_with_warnings(tmp_path):
    path = write_jsonl(tmp_path / "ok.jsonl", [GOOD_RECORDS[0], GOOD_RECORDS[2]])  # the second has a bad date
    result = run_cli("ingest", path, "--index", tmp_path / "ix", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert f"{path}:2: date 'next Tuesday-ish' is not a date" in result.stderr


# --- one kind of input per test ---------------------------------------------------------------
def test_empty_and_blank_files_are_rejected_by_name(batch, cli_run, inputs):
    for key in ("empty", "blank"):
        (problem,) = batch.problems_for(inputs[key].name)
        assert "empty" in problem.message
        assert "empty" in _cli_line(cli_run, inputs[key])


def test_binary_files_with_text_extensions_are_rejected(batch, cli_run, inputs):
    for key in ("binary", "png_as_html"):
        (problem,) = batch.problems_for(inputs[key].name)
        assert "binary" in problem.message
        assert "binary" in _cli_line(cli_run, inputs[key])
    assert not batch.stored_with("IHDR")


def test_cp1252_french_keeps_its_accents(batch, inputs):
    assert not batch.problems_for(inputs["cp1252"].name)
    (release,) = batch.stored_with("Trois-Rivières")
    assert release.lang == "fr" and release.title == "Annonce à Québec"
    for word in ("ministère", "financière", "élèves", "héros de l’été", "l’œuvre", "5 €", "« Ça compte »"):
        assert word in release.text, word
    assert "\ufffd" not in release.text and "Ã" not in release.text  # no replacement chars, no mojibake


def test_latin1_french_keeps_its_accents(batch, inputs):
    assert not batch.problems_for(inputs["latin1"].name)
    (release,) = batch.stored_with("Sherbrooke une aide")
    assert release.lang == "fr"
    assert release.title == "Aide financière à Sherbrooke"
    for word in ("annoncé à Sherbrooke", "élèves", "l'école", "reçu des médailles", "l'année", "déclare"):
        assert word in release.text, word
    assert "\ufffd" not in release.text and "Ã" not in release.text


def test_utf8_bom_is_not_part_of_the_header_or_text(batch):
    (release,) = batch.stored_with("harbour in Cornwall")
    assert release.title == "Cornwall harbour" and release.date == "2024-03-04"
    assert "\ufeff" not in release.text and "Title:" not in release.text
    bom_record = batch.retriever.release("bom-record")
    assert bom_record is not None and bom_record.title == "Kelowna transit"


def test_jsonl_bad_lines_are_reported_by_number_and_good_lines_kept(batch, cli_run, inputs):
    mixed = inputs["mixed"]
    by_line = {p.line: p.message for p in batch.problems_for(mixed.name)}
    assert set(by_line) == {2, 4, 5, 7, 9}
    assert "invalid JSON" in by_line[2]
    assert "missing 'text'" in by_line[4]
    assert "empty 'text'" in by_line[5]
    assert "expected a JSON object" in by_line[7]
    assert "must be a string" in by_line[9]
    assert "invalid JSON" in _cli_line(cli_run, mixed, 2)
    stored = batch.stored()
    assert not {"broken", "no-text", "empty-text", "number-text"} & stored.keys()
    assert {"good-regina", "good-moncton", "bad-date", "bad-lang", "spanish"} <= stored.keys()


def test_a_date_that_is_not_a_date_is_dropped_with_a_warning_and_the_release_kept(batch, cli_run, inputs):
    release = batch.retriever.release("bad-date")
    assert release is not None and release.date is None
    assert any("next Tuesday-ish" in w for w in release.metadata["warnings"])
    (warning,) = batch.warnings_for("next Tuesday-ish")
    assert warning.startswith(f"{inputs['mixed']}:6: ")
    assert "not a date" in _cli_line(cli_run, inputs["mixed"], 6)
    assert batch.retriever.search("Iqaluit health clinic", k=1)[0].release_id == "bad-date"


def test_an_unknown_lang_is_replaced_by_the_detected_language_with_a_warning(batch, inputs):
    release = batch.retriever.release("bad-lang")
    assert release.lang == "en"
    (warning,) = batch.warnings_for("'klingon'")
    assert warning.startswith(f"{inputs['mixed']}:8: ") and "detected 'en'" in warning


def test_a_third_language_is_stored_with_its_language_searchable_and_flagged(batch, inputs):
    spanish = batch.retriever.release("spanish")
    assert spanish.lang == "es"
    (german,) = batch.stored_with("Bundesregierung")
    assert german.lang == "de"
    for needle in ("'es' is neither French nor English", "'de' is neither French nor English"):
        assert len(batch.warnings_for(needle)) == 1, batch.report.warnings
    assert batch.retriever.stats().releases_by_lang.get("es") == 1
    assert batch.retriever.search("inversión en el puerto de Vancouver", k=1)[0].release_id == "spanish"
    assert batch.retriever.search("Ausbau des Hafens von Halifax", k=1)[0].release_id == german.id
    # An English question finds it too (the multilingual embedder crosses languages).
    hits = batch.retriever.search("investment to expand the port of Vancouver", k=3)
    assert "spanish" in [h.release_id for h in hits]


def test_html_navigation_and_scripts_are_not_indexed(batch, inputs):
    (release,) = batch.stored_with("Gunningsville")
    assert release.title == "Bridge repairs in Moncton"
    for noise in ("Home", "Contact us", "Programs and services", "Privacy", "Terms and conditions",
                  "dataLayer", "tracker", "console.log", "color:red"):
        assert noise not in release.text, noise
    assert len(release.text) < 200
    (problem,) = batch.problems_for(inputs["nav_only"].name)
    assert "no text" in problem.message


def test_the_same_release_twice_in_one_batch_is_stored_once(batch):
    assert len(batch.stored_with("Peace Tower in Ottawa")) == 1
    assert len(batch.stored_with("grain terminal")) == 1
    # flags.txt twice (same id), flags-copy.txt (same content), the repeated JSONL record.
    assert batch.report.duplicates == 3
    chunks = batch.retriever.chunks_of(batch.stored_with("Peace Tower")[0].id)
    hits = batch.retriever.search("flags half-mast Peace Tower", k=5)
    assert len([h for h in hits if "Peace Tower" in h.text]) == 1 and len(chunks) == 1


def test_the_same_release_in_a_second_batch_is_stored_once(batch, inputs, tmp_path):
    index_dir = tmp_path / "ix"
    first = ingest_paths([inputs["dup_a"]], index_dir, progress=False)
    assert first.added == 1
    again = tmp_path / "again"
    again.mkdir()
    shutil.copy(inputs["dup_a"], again / "flags.txt")  # same name and content: same id
    shutil.copy(inputs["dup_a"], again / "renamed.txt")  # same content, another id
    second = ingest_paths([inputs["dup_a"], again], index_dir, progress=False)
    assert (second.added, second.updated, second.chunks) == (0, 0, 0)
    assert second.unchanged + second.duplicates == 3
    stats = Retriever.open(index_dir).stats()
    assert stats.releases == 1 and stats.chunks == 1


def test_a_path_that_does_not_exist_is_reported(batch, cli_run, missing_path):
    (problem,) = batch.problems_for(missing_path.name)
    assert problem.path == str(missing_path) and "no such file" in problem.message
    assert "no such file" in _cli_line(cli_run, missing_path)


def test_a_symlink_loop_is_reported_and_not_followed_forever(batch, cli_run, inputs):
    loop = inputs["empty"].parent / "loop" / "up"
    (problem,) = batch.problems_for("up")
    assert problem.path == str(loop) and "loop" in problem.message
    assert "loop" in _cli_line(cli_run, loop)
    # Files under the root were read once, not once per trip round the loop.
    assert len(batch.stored_with("Gunningsville")) == 1 and batch.report.duplicates == 3


def test_a_fifo_named_like_a_text_file_is_rejected_without_blocking(batch, inputs):
    (problem,) = batch.problems_for(inputs["fifo"].name)
    assert "not a regular file" in problem.message


def _without_read_permission() -> list[str]:
    """A command prefix under which file permissions apply: as root, drop the capabilities
    that bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH); as another user, nothing."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot drop CAP_DAC_OVERRIDE here (setpriv refused)")
    return prefix


def test_a_file_without_read_permission_is_reported_and_the_rest_ingested(tmp_path):
    """Run as root, chmod does not stop reads: the child drops the capabilities that let root
    ignore permissions (the honest equivalent of an ordinary user)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = inbox / "secret.txt"
    secret.write_text("Title: Secret\n\nThe minister announced a secret plan for Regina today.\n", encoding="utf-8")
    (inbox / "open.txt").write_text("Title: Open\n\nThe minister announced an open plan for Halifax today.\n",
                                    encoding="utf-8")
    secret.chmod(0)
    prefix = _without_read_permission()
    probe = subprocess.run([*prefix, "cat", str(secret)], capture_output=True)
    assert probe.returncode != 0, "the file is still readable: the test would prove nothing"

    result = run_cli("ingest", inbox, "--index", tmp_path / "ix", "--no-progress", prefix=prefix)
    assert result.returncode == EXIT_REJECTED, result.stderr
    assert f"{secret}: cannot read: Permission denied" in result.stderr
    assert "1 added" in result.stdout

    # The library reports it the same way (run in a child for the same reason).
    code = ("import sys; from ingest.pipeline import ingest_paths; "
            "r = ingest_paths([sys.argv[1]], sys.argv[2], progress=False); "
            "print(r.added, r.rejected); print(*r.problems, sep='\\n')")
    lib = subprocess.run([*prefix, sys.executable, "-c", code, str(inbox), str(tmp_path / "ix2")],
                         cwd=REPO_ROOT, env=child_env(), capture_output=True, text=True, timeout=300)
    assert lib.returncode == 0, lib.stderr
    counts, *problems = lib.stdout.splitlines()
    assert counts == "1 1" and problems == [f"{secret}: cannot read: Permission denied"]


# --- round two (issue 12): what an attacker found from outside ----------------------------------
# One folder holds every hostile input of rows 1, 2, 3, 9, 13, 14, 15, 16 and 17 beside good
# records; it is ingested once through the library and once through the real command.
LONG_TITLE_CHARS = 100_000
FORGED_NAME = "evil\nrejected: forged.txt"


def _record(i: int, **extra) -> dict:
    towns = ["Gander", "Yellowknife", "Brandon", "Rimouski", "Nanaimo", "Timmins", "Sudbury", "Corner Brook"]
    base = {"id": f"h-{i}", "lang": "en", "title": f"Project {i}", "date": "2024-04-0" + str(1 + i % 9),
            "text": f"The minister announced {i + 2} million dollars for the harbour of {towns[i % len(towns)]} "
                    f"in project {i}, with work starting in {2020 + i}."}
    base.update(extra)
    return base


def _nested(depth: int) -> object:
    value: object = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def _write_hostile(root: Path) -> dict[str, Path]:
    import json

    root.mkdir(parents=True)
    files: dict[str, Path] = {}
    lines = lambda records: "".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in records)  # noqa: E731
    # Row 1: a record nested 600 levels deep between two good ones (and in a .json list).
    deep = json.dumps(_record(1, extra=_nested(600)))
    files["deep"] = root / "deep.jsonl"
    files["deep"].write_text(lines([_record(0), deep + "\n", _record(2)]), encoding="utf-8")
    files["deep_json"] = root / "deep.json"
    files["deep_json"].write_text(json.dumps([_record(3), _record(4, extra=_nested(100))]), encoding="utf-8")
    # Row 2: known fields with wrong types.
    files["types"] = root / "types.jsonl"
    files["types"].write_text(lines([
        _record(5, warnings=5),                          # 1
        _record(6, warnings=None),                       # 2
        _record(7, title=12345),                         # 3
        _record(8, title=["a", "list"], url={"x": 1}),   # 4
        _record(9, id=["not", "an", "id"]),              # 5: rejected
        _record(10, lang=True, date=20240115),           # 6
        '{"id": "h-11", "text": "Big number", "title": ' + "9" * 5000 + "}\n",  # 7: rejected
        _record(12, pair_id={"a": 1}, source=3.5),       # 8
    ]), encoding="utf-8")
    # Row 3: a file name that is not UTF-8 (latin-1 "é"), inside a folder.
    latin_name = os.fsdecode(b"annonce-caf\xe9.txt")
    files["latin_name"] = root / latin_name
    files["latin_name"].write_text("Title: Cafe in Gaspe\n\nThe minister opened a cafe for fishers in Gaspe today.\n",
                                   encoding="utf-8")
    # Row 9: UTF-16 and UTF-32 JSONL with a BOM.
    for k, codec in enumerate(("utf-16", "utf-16-be", "utf-32")):
        files[codec] = root / f"records-{codec}.jsonl"
        bom = {"utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")  # the -be codec writes no BOM itself
        files[codec].write_bytes(bom + lines([_record(20 + 2 * k + i, id=f"{codec}-{i}") for i in range(2)]).encode(codec))
    # Row 13: records separated by bare CR, CR LF, and a mixture.
    files["cr"] = root / "cr.jsonl"
    files["cr"].write_bytes(b"\r".join(json.dumps(_record(30 + i)).encode() for i in range(4)))
    files["crlf"] = root / "crlf.jsonl"
    files["crlf"].write_bytes(b"".join(json.dumps(_record(40 + i)).encode() + b"\r\n" for i in range(3)))
    files["mixed_ends"] = root / "mixed-ends.jsonl"
    files["mixed_ends"].write_bytes(json.dumps(_record(50)).encode() + b"\r" + json.dumps(_record(51)).encode()
                                    + b"\n" + json.dumps(_record(52)).encode() + b"\r\n\r" + b'{"broken"\r')
    # Row 14: a 100,000-character title.
    files["long_title"] = root / "long-title.jsonl"
    files["long_title"].write_text(lines([_record(60, title="Harbour " * (LONG_TITLE_CHARS // 8))]), encoding="utf-8")
    # Row 15: a file name with a newline and a forged report line, holding binary data.
    files["forged"] = root / FORGED_NAME
    files["forged"].write_bytes(b"\x00\x01\x02" * 100)
    # Row 16: the same id in two files with different content.
    files["dup_a"] = root / "dupe-a.jsonl"
    files["dup_a"].write_text(lines([_record(70), _record(71, id="twice")]), encoding="utf-8")
    (root / "more").mkdir()
    files["dup_b"] = root / "more" / "dupe-b.jsonl"
    files["dup_b"].write_text(lines([_record(72, id="twice")]), encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def hostile_inputs(tmp_path_factory) -> dict[str, Path]:
    return _write_hostile(tmp_path_factory.mktemp("hostile") / "inbox")


@pytest.fixture(scope="module")
def other_index(hostile_inputs) -> Path:
    """Row 17: another index placed inside the folder being ingested."""
    index_dir = hostile_inputs["deep"].parent / "other-index"
    seed = write_jsonl(index_dir.parent.parent / "seed" / "one.jsonl", [_record(80)])
    ingest_paths([seed], index_dir, progress=False)
    return index_dir


@pytest.fixture(scope="module")
def hostile(hostile_inputs, other_index) -> Batch:
    root = hostile_inputs["deep"].parent
    index_dir = root / "own-index"  # row 17: the ingest's own index inside its input folder
    report = ingest_paths([root], index_dir, progress=False)
    return Batch(root, index_dir, report, Retriever.open(index_dir, auto_reload=False))


@pytest.fixture(scope="module")
def hostile_cli(hostile, tmp_path_factory) -> subprocess.CompletedProcess:
    return run_cli("ingest", hostile.root, "--index", tmp_path_factory.mktemp("hostile-cli") / "ix", "--no-progress")


def _problem_lines(batch: Batch, path: Path) -> dict[int | None, str]:
    return {p.line: p.message for p in batch.report.problems if p.path == str(path)}


def test_row1_a_deeply_nested_record_is_rejected_alone(hostile, hostile_inputs):
    assert _problem_lines(hostile, hostile_inputs["deep"]) == {2: "JSON nested deeper than 32 levels"}
    assert _problem_lines(hostile, hostile_inputs["deep_json"]) == {
        None: "record 2: record nested deeper than 32 levels"}
    assert {"h-0", "h-2", "h-3"} <= set(hostile.stored())


def test_row2_known_fields_with_wrong_types_are_coerced_or_dropped_with_a_message(hostile, hostile_inputs):
    path = hostile_inputs["types"]
    assert _problem_lines(hostile, path) == {
        5: "field 'id' must be text, got a list",
        7: "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; "
           "use sys.set_int_max_str_digits() to increase the limit"}
    stored = hostile.stored()
    assert {"h-5", "h-6", "h-7", "h-8", "h-10", "h-12"} <= set(stored)
    assert stored["h-7"].title == "12345"
    assert stored["h-8"].title == "" and stored["h-8"].url == ""
    assert stored["h-10"].date == "2024-01-15" and stored["h-10"].lang == "en"
    assert stored["h-12"].pair_id is None and stored["h-12"].source == "3.5"
    assert hostile.warnings_for(f"{path}:1: field 'warnings' must be a list of text, got a number; ignored")
    assert hostile.warnings_for(f"{path}:4: field 'title' must be text, got a list; ignored")
    assert hostile.warnings_for(f"{path}:4: field 'url' must be text, got an object; ignored")
    assert hostile.warnings_for(f"{path}:6: field 'lang' must be text, got a boolean; ignored")
    assert not hostile.warnings_for(f"{path}:2:")  # "warnings": null is simply no warnings


def test_row3_a_file_name_that_is_not_utf8_is_read_and_named_escaped(hostile, hostile_inputs):
    (release,) = hostile.stored_with("cafe for fishers in Gaspe")
    assert release.source == "annonce-caf\\xe9.txt"


def test_row9_utf16_and_utf32_jsonl_with_a_bom_are_read(hostile, hostile_inputs):
    stored = hostile.stored()
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        assert {f"{codec}-0", f"{codec}-1"} <= set(stored), codec
        assert not _problem_lines(hostile, hostile_inputs[codec])


def test_row13_cr_crlf_and_lf_all_separate_records(hostile, hostile_inputs):
    stored = hostile.stored()
    assert {f"h-{30 + i}" for i in range(4)} <= set(stored)
    assert {f"h-{40 + i}" for i in range(3)} <= set(stored)
    assert {"h-50", "h-51", "h-52"} <= set(stored)
    assert not _problem_lines(hostile, hostile_inputs["cr"])
    # Line 4 is the blank one between CR LF and CR; the broken record is line 5.
    assert list(_problem_lines(hostile, hostile_inputs["mixed_ends"])) == [5]


def test_row14_a_huge_title_is_capped_and_kept_whole_in_metadata(hostile):
    from communique.index.passage_text import embedding_text

    release = hostile.stored()["h-60"]
    assert len(release.title) <= 300 and release.title.endswith("…")
    assert len(release.metadata["full_title"]) == LONG_TITLE_CHARS - 1  # cleaned: the last space trimmed
    chunks = hostile.retriever.chunks_of("h-60")
    assert chunks and all(len(embedding_text(release, c)) < 300 + len(c.text) + 2 for c in chunks)
    assert hostile.warnings_for("title of 99,999 characters cut to 300")


def test_row15_a_file_name_cannot_forge_a_report_line(hostile, hostile_inputs, hostile_cli):
    forged = hostile_inputs["forged"]
    (problem,) = [p for p in hostile.report.problems if p.path == str(forged)]
    assert "\n" not in str(problem) and "evil\\nrejected: forged.txt" in str(problem)
    assert hostile_cli.returncode == EXIT_REJECTED and "Traceback" not in hostile_cli.stderr
    assert not [line for line in hostile_cli.stderr.splitlines() if line.startswith("rejected: forged")]
    assert "evil\\nrejected: forged.txt: binary file, not text" in hostile_cli.stderr


def test_row16_a_duplicate_id_names_both_files_and_lines(hostile, hostile_inputs):
    (warning,) = hostile.warnings_for("id twice appears twice")
    assert warning.startswith(f"{hostile_inputs['dup_b']}:1: ")
    assert f"first at {hostile_inputs['dup_a']}:2" in warning
    assert hostile.stored()["twice"].text.startswith("The minister announced 73 million")


def test_row17_no_index_folder_is_read_as_input(hostile, other_index, hostile_cli):
    assert not [p for p in hostile.report.problems if "index" in p.path]
    assert hostile.warnings_for(f"{other_index}: an index folder, not input: skipped")
    assert hostile.warnings_for(f"{hostile.index_dir}: the index being written, not input: skipped")
    assert "h-80" not in hostile.stored()
    # Again, now that the own index is published (CURRENT + gen-*): still skipped, nothing changes.
    again = ingest_paths([hostile.root], hostile.index_dir, progress=False)
    assert (again.added, again.updated) == (0, 0)
    assert [w for w in again.warnings if "index" in w and "skipped" in w] == [
        f"{other_index}: an index folder, not input: skipped",
        f"{hostile.index_dir}: the index being written, not input: skipped"]
    assert sorted(str(p) for p in again.problems) == sorted(str(p) for p in hostile.report.problems)


def test_round_two_batch_stores_everything_good(hostile, hostile_cli):
    # Rejected: one deep record in each of deep.jsonl and deep.json, two in types.jsonl, the broken
    # line of mixed-ends.jsonl and the binary file with the forged name.
    assert hostile.report.rejected == len(hostile.report.problems) == 6
    # Stored: deep 2 + deep.json 1 + types 6 + latin-1 name 1 + UTF-16/32 6 + CR 4 + CRLF 3
    # + mixed ends 3 + long title 1 + dupe-a 2 (dupe-b's "twice" is the duplicate id).
    assert hostile.report.added == len(hostile.stored()) == 29
    assert "29 added" in hostile_cli.stdout
