"""Bad input to ingest: each kind is reported with its file (and line), and the rest of the batch is stored.

One folder holds every kind of bad input beside good releases. It is ingested once through the
library (`ingest_paths`) and once through the real `communique ingest` command; each test then
checks one kind of input against the report, the CLI's stderr and the stored index.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.retriever import Retriever
from ingest.pipeline import EXIT_REJECTED, IngestReport, ingest_paths
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
    found = [l for l in cli_run.stderr.splitlines() if where in l]
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
