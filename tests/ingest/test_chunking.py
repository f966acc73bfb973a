import random
import time

import pytest

from communique.index.models import Chunk, Release
from communique.ingest.chunking import chunk_release, estimate_tokens, split_sentences
from communique.ingest.normalize import normalize_release
from communique.ingest.readers import read_file


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M. Joly a parlé. Mme Anand aussi.", ["M. Joly a parlé.", "Mme Anand aussi."]),
        ("Dr. Bonnie Henry spoke. St. John's is in N.L. today.", ["Dr. Bonnie Henry spoke.", "St. John's is in N.L. today."]),
        ("On utilise p. ex. des outils. Le taux est de 1.5 % ou 2,5 %. Fin.",
         ["On utilise p. ex. des outils.", "Le taux est de 1.5 % ou 2,5 %.", "Fin."]),
        ("Elle a dit : « Nous y arriverons. » Puis elle est partie.",
         ["Elle a dit : « Nous y arriverons. »", "Puis elle est partie."]),
        ("He said “We will.” Then he left! Did he? Yes…", ["He said “We will.”", "Then he left!", "Did he?", "Yes…"]),
        ("See No. 5 and J. Smith's report. In the U.S. Congress it passed.",
         ["See No. 5 and J. Smith's report.", "In the U.S. Congress it passed."]),
        ("It ends at no. Then more.", ["It ends at no.", "Then more."]),
        ("Le 25 sept. 2025, il pleuvait. Ensuite, non.", ["Le 25 sept. 2025, il pleuvait.", "Ensuite, non."]),
        ("Title line\n\nFirst paragraph.\nA list:\n- one\n- two", ["Title line", "First paragraph.", "A list:", "- one", "- two"]),
        ("A wrapped\nline goes on. Next one.", ["A wrapped\nline goes on.", "Next one."]),
        ("1. First step.\n2. Second step.", ["1. First step.", "2. Second step."]),
        ("At 10 a.m. ET the doors open. At 5 p.m. Staff leave.", ["At 10 a.m. ET the doors open.", "At 5 p.m.", "Staff leave."]),
        ("   ", []),
    ],
)
def test_split_sentences(text, expected):
    assert _sentences(text) == expected


def _check_invariants(release: Release, chunks: list[Chunk], max_tokens: int, overlap_tokens: int, count=estimate_tokens):
    text = release.text
    assert chunks, "non-empty text gives chunks"
    sentence_spans = split_sentences(text)
    starts = {s for s, _ in sentence_spans}
    ends = {e for _, e in sentence_spans}
    for k, c in enumerate(chunks):
        assert c.text == text[c.start:c.end]
        assert c.text == c.text.strip() and c.text
        assert c.id == Chunk.make_id(release.id, c.start, c.end)
        assert c.release_id == release.id and c.lang == release.lang
        if k:
            assert c.start > chunks[k - 1].start and c.end > chunks[k - 1].end  # each chunk brings new text
            assert not text[chunks[k - 1].end:c.start].strip(), "no text falls between two chunks"
    # Every sentence is inside at least one chunk, so nothing is lost.
    for s, e in sentence_spans:
        if count(text[s:e]) <= max_tokens:  # a sentence that fits stands whole in a chunk
            assert any(c.start <= s and e <= c.end for c in chunks)
        else:  # a longer one is cut across chunks, every part covered
            assert any(c.start < e and s < c.end for c in chunks)
    # Chunks made of whole sentences stay within budget and start/end on sentence boundaries.
    for c in chunks:
        if c.start in starts and c.end in ends and count(c.text) > max_tokens:
            inside = [(s, e) for s, e in sentence_spans if c.start <= s and e <= c.end]
            assert len(inside) == 1, "only a single over-long sentence may exceed the budget"
    assert len({c.id for c in chunks}) == len(chunks)


def test_seed_chunks(seed_path):
    (raw,) = list(read_file(seed_path))
    release = normalize_release(raw)
    # 160 tokens: more than the seed's longest sentence (~140), so no sentence is cut.
    chunks = chunk_release(release, max_tokens=160, overlap_tokens=40)
    _check_invariants(release, chunks, 160, 40)
    assert all(c.start in {s for s, _ in split_sentences(release.text)} for c in chunks)
    assert len(chunks) > 5
    # Overlap: some chunk starts before the previous one ends, with whole sentences.
    assert any(b.start < a.end for a, b in zip(chunks, chunks[1:]))
    assert chunk_release(release, max_tokens=160, overlap_tokens=40) == chunks  # deterministic ids and spans


WORDS = ("le la ministre Canada gouvernement fund program M. Dr. St. 1.5 3,07 « » “ ” investit annonce the of "
         "and project région Québec Ottawa p. ex. U.S. No. 5 - • — ! ? … ; :").split()


def _random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 60)):
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40)))
        parts.append(sentence.capitalize() + rng.choice([".", "!", "?", "", "."]))
        parts.append(rng.choice([" ", " ", " ", "\n", "\n\n", "  ", " \n "]))
    return "".join(parts).strip()


@pytest.mark.parametrize("seed", range(40))
def test_random_texts_keep_offsets(seed):
    rng = random.Random(seed)
    release = Release(id=f"r{seed}", lang="fr", text=_random_text(rng))
    max_tokens = rng.choice([8, 20, 50, 200])
    overlap = rng.choice([0, 5, 15])
    chunks = chunk_release(release, max_tokens=max_tokens, overlap_tokens=overlap)
    _check_invariants(release, chunks, max_tokens, overlap)


def test_long_sentence_is_split_at_word_boundaries():
    words = [f"mot{i}" for i in range(500)]
    release = Release(id="long", lang="fr", text=" ".join(words) + ".")
    chunks = chunk_release(release, max_tokens=50, overlap_tokens=0)
    assert len(chunks) > 5
    rebuilt = " ".join(c.text for c in chunks)
    assert rebuilt == release.text
    assert all(estimate_tokens(c.text) <= 50 for c in chunks)


def test_custom_token_counter_and_overlap():
    sentences = [f"Sentence number {i} is here." for i in range(30)]
    release = Release(id="c", lang="en", text=" ".join(sentences))
    calls = []

    def count(text: str) -> int:
        calls.append(text)
        return len(text.split()) + 2  # like a tokenizer adding [CLS] and [SEP]

    chunks = chunk_release(release, max_tokens=27, overlap_tokens=10, count_tokens=count)
    assert calls, "the given counter is used"
    # 5 words per sentence; the 2 special tokens count once per chunk, not per sentence.
    assert all(len(c.text.split()) <= 25 for c in chunks)
    assert all(len(c.text.split()) >= 20 for c in chunks[:-1])
    # Overlap is made of whole trailing sentences, here two sentences (10 words).
    for a, b in zip(chunks, chunks[1:]):
        overlap = release.text[b.start:a.end]
        assert overlap.count(".") == 2 and overlap.startswith("Sentence")


def test_empty_text_gives_no_chunks():
    assert chunk_release(Release(id="e", lang="en", text="")) == []


def test_invalid_budget():
    with pytest.raises(ValueError):
        chunk_release(Release(id="e", lang="en", text="x"), max_tokens=0)


def test_chunking_is_fast_on_large_text():
    rng = random.Random(1)
    paragraph = " ".join(_random_text(rng) for _ in range(20))
    text = ("\n\n".join([paragraph] * (5_000_000 // len(paragraph) + 1)))[:5_000_000]
    release = Release(id="big", lang="fr", text=text.strip())
    started = time.perf_counter()
    chunks = chunk_release(release)
    elapsed = time.perf_counter() - started
    assert chunks[-1].end == len(release.text)
    assert elapsed < 15, f"{elapsed:.1f}s for 5 MB: 50 MB would take over a minute"
