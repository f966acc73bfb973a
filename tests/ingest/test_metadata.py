"""Metadata a release carries from its source (issues 11 and 15): notice ids, department, pair ids.

The department comes from the source's own department field (`department` in records,
`<meta name="dcterms.creator">` in HTML) under the metadata key `department`, never from a file
name; half-masting notices lose their leading numeric id line, which is kept as `notice_id`.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from communique.index.retriever import Retriever
from communique.ingest.normalize import NOTICE_ID_KEY, normalize_release
from communique.ingest.pipeline import ingest_paths
from communique.ingest.problems import Problem
from communique.ingest.readers import read_file
from communique.ingest.readers.common import DEPARTMENT_KEY
from communique.ingest.report import IngestReport

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
HALFMAST = SHARED_CORPUS / "gc_halfmast_notice_pairs.jsonl"


def _normalised(path: Path) -> list:
    out = []
    for item in read_file(path):
        assert not isinstance(item, Problem), item
        release = normalize_release(item, path=str(path))
        assert not isinstance(release, Problem), release
        out.append(release)
    return out


def test_half_masting_notices_lose_their_numeric_id_line_and_keep_it_as_metadata():
    if not HALFMAST.is_file():
        pytest.skip(f"{HALFMAST} absent (the shared development corpus is not here)")
    releases = _normalised(HALFMAST)
    assert len(releases) == 886
    for release in releases:
        number = re.search(r"\d{10,}", release.id).group()
        assert release.metadata[NOTICE_ID_KEY] == number, release.id
        assert not re.match(r"\d", release.text) and not re.match(r"\d", release.title), release.id
    first = next(r for r in releases if r.id == "halfmast-1312403417695-en")
    assert first.title.startswith("Notice of half-masting: Death of the Honourable Allan Blakeney")
    assert first.text.startswith("Notice of half-masting: Death of the Honourable Allan Blakeney")


def test_a_text_opening_with_a_short_number_keeps_it(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": "y", "lang": "en", "text": "2025 marks the 80th anniversary of the pact."}) + "\n")
    (release,) = _normalised(path)
    assert release.text.startswith("2025 marks") and NOTICE_ID_KEY not in release.metadata


def test_record_fields_speaker_department_minister_are_kept_in_metadata(tmp_path):
    record = {"id": "m-1", "lang": "en", "title": "Harbour", "date": "2024-06-01", "speaker": "Minister Joly",
              "department": "Fisheries and Oceans Canada", "minister": "Diane Lebouthillier", "region": "NS",
              "text": "The Government of Canada is investing $12 million to repair the wharf in Digby, Nova Scotia."}
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    ingest_paths([path], tmp_path / "ix", progress=False)
    stored = Retriever.open(tmp_path / "ix", auto_reload=False).release("m-1")
    assert {k: stored.metadata.get(k) for k in ("speaker", DEPARTMENT_KEY, "minister", "region")} == {
        "speaker": "Minister Joly", "department": "Fisheries and Oceans Canada",
        "minister": "Diane Lebouthillier", "region": "NS"}


def test_html_department_comes_from_dcterms_creator_and_pair_id_from_its_meta():
    (release,) = read_file(REPO / "samples" / "html" / "lasalle-causeway-en.html")
    assert release.metadata[DEPARTMENT_KEY] == "Public Services and Procurement Canada"
    assert "dcterms.creator" not in release.metadata  # one key for the department
    assert release.metadata["type"] == "media advisory"
    assert release.pair_id == "smp-lasalle-causeway"
    (french,) = read_file(REPO / "samples" / "html" / "lasalle-causeway-fr.html")
    assert french.pair_id == release.pair_id


def test_no_department_is_made_up_from_a_file_name(tmp_path):
    page = tmp_path / "health-canada-announcement.html"
    page.write_text("<html lang=en><body><main><h1>Clinic</h1><p>The clinic opens in May.</p></main></body></html>")
    text = tmp_path / "Health Canada.txt"
    text.write_text("Title: Clinic\n\nThe clinic opens in May in Iqaluit.\n", encoding="utf-8")
    record = tmp_path / "transport-canada.jsonl"
    record.write_text(json.dumps({"id": "t", "text": "The bridge opens in May."}) + "\n", encoding="utf-8")
    for path in (page, text, record):
        (release,) = read_file(path)
        assert DEPARTMENT_KEY not in release.metadata, path


def test_summary_says_one_translation_in_the_singular():
    report = IngestReport(index_dir="ix", embedder="use", paired=1)
    assert "1 translation paired" in report.summary()
    report.paired = 2
    assert "2 translations paired" in report.summary()
