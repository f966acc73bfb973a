"""Golden set loading (file:line errors) and checking against releases."""
import json

import pytest

from communique.evals.golden import GoldenError, GoldenItem, check_golden, load_golden
from communique.index.models import Release

RELEASES = {
    "r-fr": Release(id="r-fr", lang="fr", title="Financement à Cornwall",
                    text="Le gouvernement annonce 600\u202f000 $ pour l’usine de Cornwall.", pair_id="p1"),
    "r-en": Release(id="r-en", lang="en", title="Funding in Cornwall",
                    text="The government announces $600,000 for the Cornwall plant.", pair_id="p1"),
}


def write(tmp_path, lines, name="golden.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in lines) + "\n",
                    encoding="utf-8")
    return path


def good(**overrides):
    item = {"id": "q1", "question": "Combien pour Cornwall ?", "lang": "fr", "answerable": True,
            "sources": ["r-fr", "r-en"], "answer": "600 000 $", "facts": ["600 000 $", ["Cornwall"]],
            "kind": "fr-fr"}
    item.update(overrides)
    return item


def test_load_valid_file_with_blank_and_comment_lines(tmp_path):
    path = write(tmp_path, [good(), "", "// a comment", good(id="q2", answerable=False, sources=[], facts=[],
                                                            kind="none",
                                                            history=[{"role": "user", "content": "hi"}])])
    items = load_golden(path)
    assert [i.id for i in items] == ["q1", "q2"]
    assert items[0].facts == ["600 000 $", ["Cornwall"]]
    assert items[0].origin == f"{path}:1"
    assert items[1].origin == f"{path}:4"
    assert items[1].history == [{"role": "user", "content": "hi"}]


def test_missing_kind_is_unspecified(tmp_path):
    item = good()
    del item["kind"]
    assert load_golden(write(tmp_path, [item]))[0].kind == "unspecified"


def test_load_reports_every_bad_line_with_file_and_line(tmp_path):
    lines = [
        good(),
        '{"id": "q2", "question": ',  # truncated JSON
        "[1, 2]",
        good(id="q4", answerable="yes"),
        good(id="q5", souces=["r-fr"]),  # typo must not silently drop the gold
        good(id="q6", facts=[["a"], []]),
        {"question": "no id", "lang": "en", "answerable": False},
        good(id="q8", history=[{"role": "user"}]),
    ]
    path = write(tmp_path, lines)
    with pytest.raises(GoldenError) as err:
        load_golden(path)
    message = str(err.value)
    assert f"{path}:2: invalid JSON" in message
    assert f"{path}:3: expected a JSON object" in message
    assert f"{path}:4 (q4): 'answerable' must be true or false" in message
    assert f"{path}:5 (q5): unknown key(s) ['souces']" in message
    assert f"{path}:6 (q6): facts[1]" in message
    assert f"{path}:7: missing required key 'id'" in message
    assert f"{path}:8 (q8): 'history'" in message
    assert f"{path}:1" not in message


def test_load_missing_and_empty_files(tmp_path):
    with pytest.raises(GoldenError, match="not found"):
        load_golden(tmp_path / "nope.jsonl")
    with pytest.raises(GoldenError, match="no questions"):
        load_golden(write(tmp_path, ["", "// only a comment"]))


def test_check_accepts_facts_found_in_any_source_with_typography_differences(tmp_path):
    items = load_golden(write(tmp_path, [good(facts=["600 000 $", "$600,000", "l'usine", "Funding in Cornwall"])]))
    assert check_golden(items, RELEASES) == []


def item(**kw) -> GoldenItem:
    base = dict(id="q1", question="Q?", lang="fr", answerable=True, sources=["r-fr"], facts=["Cornwall"],
                origin="g.jsonl:1")
    base.update(kw)
    return GoldenItem(**base)


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(sources=["r-fr", "missing"]), "source 'missing' is not a known release id"),
        (dict(facts=["Toronto"]), "fact 'Toronto' occurs in none of its sources"),
        (dict(facts=[["Toronto", "Ottawa"]]), "occurs in none of its sources"),
        (dict(sources=[]), "answerable item needs at least one source"),
        (dict(facts=[]), "answerable item needs at least one fact"),
        (dict(answerable=False), "unanswerable item must have no sources"),
        (dict(answerable=False, sources=[]), "unanswerable item must have no facts"),
        (dict(lang="de"), "lang must be one of ['en', 'fr']"),
        (dict(question="  "), "empty question"),
        (dict(sources=["r-fr", "r-fr"]), "duplicate source ids"),
        (dict(facts=["  "]), "facts[0] has an empty alternative"),
        (dict(history=[{"role": "system", "content": "x"}]), "history role must be one of"),
    ],
)
def test_check_reports_problem_with_origin_and_id(kwargs, expected):
    problems = check_golden([item(**kwargs)], RELEASES)
    assert any(p.startswith("g.jsonl:1 (q1): ") and expected in p for p in problems), problems


def test_check_fact_only_in_other_language_version_is_fine_when_both_listed():
    assert check_golden([item(sources=["r-fr", "r-en"], facts=["plant"])], RELEASES) == []
    assert check_golden([item(sources=["r-fr"], facts=["plant"])], RELEASES) != []


def test_check_duplicate_ids():
    problems = check_golden([item(), item(origin="g.jsonl:7")], RELEASES)
    assert problems == ["g.jsonl:7 (q1): duplicate id, first used at g.jsonl:1"]


def test_check_valid_unanswerable_item():
    assert check_golden([item(answerable=False, sources=[], facts=[])], RELEASES) == []


def test_class_and_split_are_loaded(tmp_path):
    item = load_golden(write(tmp_path, [good(**{"class": "where", "split": "heldout"})]))[0]
    assert (item.question_class, item.split) == ("where", "heldout")
    plain = load_golden(write(tmp_path, [good()], name="plain.jsonl"))[0]
    assert (plain.question_class, plain.split) == ("unclassified", "dev")


def test_batch_is_loaded_and_defaults_to_one(tmp_path):
    assert load_golden(write(tmp_path, [good(batch=2)]))[0].batch == 2
    assert load_golden(write(tmp_path, [good()], name="plain.jsonl"))[0].batch == 1


@pytest.mark.parametrize("bad", [0, "2", True, 1.5])
def test_a_batch_that_is_not_a_positive_integer_is_a_load_error(tmp_path, bad):
    with pytest.raises(GoldenError, match=r"golden.jsonl:1 \(q1\): 'batch' must be a positive integer"):
        load_golden(write(tmp_path, [good(batch=bad)]))


def test_unknown_split_is_a_load_error(tmp_path):
    with pytest.raises(GoldenError, match=r"golden.jsonl:1 \(q1\): 'split' must be one of \['dev', 'heldout'\]"):
        load_golden(write(tmp_path, [good(split="test")]))


@pytest.mark.parametrize("overrides, message", [
    ({"class": "wher"}, "class must be one of"),
    ({"class": "near-miss"}, "near-miss items are unanswerable"),
    ({"class": "crosslang"}, "crosslang items need kind en-fr or fr-en"),
    ({"class": "yes-no", "answer": "600 000 $"}, "yes-no reference answer must open with Yes/No/Oui/Non"),
])
def test_class_promises_are_checked(tmp_path, overrides, message):
    items = load_golden(write(tmp_path, [good(**overrides)]))
    problems = check_golden(items, RELEASES)
    assert len(problems) == 1 and message in problems[0]


def test_well_formed_classes_pass(tmp_path):
    lines = [good(id="a", **{"class": "yes-no", "answer": "Oui : 600 000 $."}),
             good(id="b", kind="fr-en", **{"class": "crosslang"}),
             good(id="c", answerable=False, sources=[], facts=[], kind="unanswerable", **{"class": "near-miss"})]
    assert check_golden(load_golden(write(tmp_path, lines)), RELEASES) == []
