"""The golden question set: loading (strict, file:line errors) and checking against releases.

Format (JSONL, one question per line; blank lines and lines starting with `//` are skipped):

    {"id": "q001", "question": "...", "lang": "en"|"fr", "answerable": true,
     "sources": ["<release id>", ...], "answer": "short reference answer",
     "facts": ["Cornwall", ["$70 million", "70 millions"]], "kind": "en-fr",
     "history": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}],
     "class": "event-date", "split": "heldout", "batch": 2}

`kind` is the language direction (en-en, fr-en, ..., followup, unanswerable); `class` is what
the question asks for (event-date, list, where, who-said, yes-no, crosslang, near-miss);
`split` is "dev" (the default) or "heldout" (see `evals.splits`); `batch` (an integer, default 1)
says which writing round an item came from, so that a later round is split on its own and never
moves an earlier item between splits.

`load_golden` refuses a file it cannot turn into items (bad JSON, wrong types, unknown keys:
a typo such as "souces" would otherwise silently drop the gold). `check_golden` reports what
is well-formed but wrong: duplicate ids, unknown source ids, facts absent from their sources.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from communique.evals.matching import contains_folded, fact_alternatives, normalize_for_match
from communique.index.models import Release

LANGS = ("en", "fr")
ROLES = ("user", "assistant")
REQUIRED = ("id", "question", "lang", "answerable")
OPTIONAL = ("sources", "answer", "facts", "kind", "history", "notes", "class", "split", "batch")
NO_KIND = "unspecified"
NO_CLASS = "unclassified"
SPLITS = ("dev", "heldout")
# What a question asks for (README table). A typo must not create a class of its own.
CLASSES = ("event-date", "list", "where", "who-said", "yes-no", "crosslang", "near-miss")
CROSS_KINDS = ("en-fr", "fr-en")
YES_NO_OPENINGS = ("yes", "no", "oui", "non")
DEV = "dev"

Fact = str | list[str]


class GoldenError(ValueError):
    """A golden file that cannot be loaded; the message lists every `file:line: problem`."""


@dataclass
class GoldenItem:
    id: str
    question: str
    lang: str
    answerable: bool
    sources: list[str] = field(default_factory=list)
    answer: str = ""
    facts: list[Fact] = field(default_factory=list)
    kind: str = NO_KIND
    history: list[dict[str, str]] = field(default_factory=list)
    notes: str = ""
    question_class: str = NO_CLASS  # JSON key "class"
    split: str = DEV
    batch: int = 1
    origin: str = field(default="", compare=False)  # "file:line", for messages


def _type_problems(obj: dict[str, Any]) -> list[str]:
    problems: list[str] = [f"missing required key {key!r}" for key in REQUIRED if key not in obj]
    unknown = sorted(set(obj) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        problems.append(f"unknown key(s) {unknown} (allowed: {list(REQUIRED + OPTIONAL)})")
    for key in ("id", "question", "lang", "answer", "kind", "notes", "class", "split"):
        if key in obj and not isinstance(obj[key], str):
            problems.append(f"{key!r} must be a string, got {type(obj[key]).__name__}")
    if isinstance(obj.get("split"), str) and obj["split"] not in SPLITS:
        problems.append(f"'split' must be one of {list(SPLITS)}, got {obj['split']!r}")
    if "batch" in obj and (isinstance(obj["batch"], bool) or not isinstance(obj["batch"], int) or obj["batch"] < 1):
        problems.append(f"'batch' must be a positive integer, got {obj['batch']!r}")
    if "answerable" in obj and not isinstance(obj["answerable"], bool):
        problems.append(f"'answerable' must be true or false, got {obj['answerable']!r}")
    sources = obj.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append("'sources' must be a list of release id strings")
    return problems + _fact_problems(obj.get("facts", [])) + _history_problems(obj.get("history", []))


def _fact_problems(facts: Any) -> list[str]:
    if not isinstance(facts, list):
        return ["'facts' must be a list"]
    return [f"facts[{i}] must be a string or a non-empty list of strings, got {fact!r}"
            for i, fact in enumerate(facts)
            if not (isinstance(fact, str) or (isinstance(fact, list) and fact and all(isinstance(a, str) for a in fact)))]


def _history_problems(history: Any) -> list[str]:
    if isinstance(history, list) and all(
        isinstance(t, dict) and set(t) == {"role", "content"}
        and isinstance(t.get("role"), str) and isinstance(t.get("content"), str)
        for t in history
    ):
        return []
    return ["'history' must be a list of {\"role\": ..., \"content\": ...} objects"]


def load_golden(path: str | Path) -> list[GoldenItem]:
    """Read a golden JSONL file; raise `GoldenError` listing every malformed line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise GoldenError(f"{path}: golden file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldenError(f"{path}: cannot read golden file: {exc}") from None

    items: list[GoldenItem] = []
    problems: list[str] = []
    for lineno, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("//"):
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            problems.append(f"{where}: expected a JSON object, got {type(obj).__name__}")
            continue
        # An explicit null in an optional field means "not given".
        obj = {k: v for k, v in obj.items() if not (k in OPTIONAL and v is None)}
        line_problems = _type_problems(obj)
        if line_problems:
            label = f" ({obj['id']})" if isinstance(obj.get("id"), str) else ""
            problems.extend(f"{where}{label}: {p}" for p in line_problems)
            continue
        items.append(
            GoldenItem(
                id=obj["id"],
                question=obj["question"],
                lang=obj["lang"],
                answerable=obj["answerable"],
                sources=list(obj.get("sources", [])),
                answer=obj.get("answer", ""),
                facts=[f if isinstance(f, str) else list(f) for f in obj.get("facts", [])],
                kind=obj.get("kind") or NO_KIND,
                history=[dict(t) for t in obj.get("history", [])],
                notes=obj.get("notes", ""),
                question_class=obj.get("class") or NO_CLASS,
                split=obj.get("split") or DEV,
                batch=obj.get("batch", 1),
                origin=where,
            )
        )
    if problems:
        raise GoldenError(f"{path}: {len(problems)} problem(s):\n" + "\n".join(problems))
    if not items:
        raise GoldenError(f"{path}: no questions in golden file")
    return items


def _class_problems(item: GoldenItem) -> list[str]:
    """What `class` promises about an item: near misses are unanswerable, yes/no answers say so."""
    cls = item.question_class
    if cls == NO_CLASS:
        return []
    if cls not in CLASSES:
        return [f"class must be one of {list(CLASSES)}, got {cls!r}"]
    problems = []
    if (cls == "near-miss") == item.answerable:
        problems.append("near-miss items are unanswerable; other classes are answerable")
    if cls == "crosslang" and item.kind not in CROSS_KINDS:
        problems.append(f"crosslang items need kind {' or '.join(CROSS_KINDS)}, got {item.kind!r}")
    if cls == "yes-no":
        opening = item.answer.strip().split(None, 1)[0].strip(":,.;!").casefold() if item.answer.strip() else ""
        if opening not in YES_NO_OPENINGS:
            problems.append("yes-no reference answer must open with Yes/No/Oui/Non")
    return problems


def check_golden(items: list[GoldenItem], releases: Mapping[str, Release]) -> list[str]:
    """Everything wrong with well-formed items, as `origin (id): problem` lines; [] if fine.

    `releases` maps release id to the release as indexed (cleaned text): facts are checked
    against what the assistant can actually quote.
    """
    problems: list[str] = []
    seen: dict[str, str] = {}
    folded_cache: dict[str, str] = {}
    for item in items:
        messages = _item_problems(item, seen) + _class_problems(item) + _source_problems(item, releases, folded_cache)
        problems += [f"{item.origin or '?'} ({item.id}): {message}" for message in messages]
    return problems


def _item_problems(item: GoldenItem, seen: dict[str, str]) -> list[str]:
    out: list[str] = []
    if not item.id.strip():
        out.append("empty id")
    elif item.id in seen:
        out.append(f"duplicate id, first used at {seen[item.id]}")
    else:
        seen[item.id] = item.origin
    if not item.question.strip():
        out.append("empty question")
    if item.lang not in LANGS:
        out.append(f"lang must be one of {list(LANGS)}, got {item.lang!r}")
    out += [f"history role must be one of {list(ROLES)}, got {turn['role']!r}"
            for turn in item.history if turn["role"] not in ROLES]
    if len(set(item.sources)) != len(item.sources):
        out.append("duplicate source ids")
    out += [f"facts[{i}] has an empty alternative" for i, fact in enumerate(item.facts)
            if any(not normalize_for_match(alt) for alt in fact_alternatives(fact))]
    return out


def _source_problems(item: GoldenItem, releases: Mapping[str, Release], folded_cache: dict[str, str]) -> list[str]:
    """Sources and facts: unanswerable items have none; answerable ones name known releases holding each fact."""
    if not item.answerable:
        return (["unanswerable item must have no sources"] if item.sources else []) + (
            ["unanswerable item must have no facts"] if item.facts else [])
    out = [] if item.sources else ["answerable item needs at least one source"]
    if not item.facts:
        out.append("answerable item needs at least one fact")
    out += [f"source {source!r} is not a known release id" for source in item.sources if source not in releases]
    known = [releases[s] for s in item.sources if s in releases]
    if not known:
        return out

    def folded(release: Release) -> str:
        if release.id not in folded_cache:
            folded_cache[release.id] = normalize_for_match(f"{release.title}\n{release.text}")
        return folded_cache[release.id]

    for fact in item.facts:
        alts = [normalize_for_match(a) for a in fact_alternatives(fact)]
        if not any(contains_folded(folded(r), alt) for r in known for alt in alts if alt):
            out.append(f"fact {fact!r} occurs in none of its sources {item.sources}")
    return out
