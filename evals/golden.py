"""The golden question set: loading (strict, file:line errors) and checking against releases.

Format (JSONL, one question per line; blank lines and lines starting with `//` are skipped):

    {"id": "q001", "question": "...", "lang": "en"|"fr", "answerable": true,
     "sources": ["<release id>", ...], "answer": "short reference answer",
     "facts": ["Cornwall", ["$70 million", "70 millions"]], "kind": "en-fr",
     "history": [{"role": "user", "content": "..."}, {"role": "assistant", "content": "..."}],
     "class": "event-date", "split": "heldout"}

`kind` is the language direction (en-en, fr-en, ..., followup, unanswerable); `class` is what
the question asks for (event-date, list, where, who-said, yes-no, crosslang, near-miss);
`split` is "dev" (the default) or "heldout" (see `evals.splits`).

`load_golden` refuses a file it cannot turn into items (bad JSON, wrong types, unknown keys:
a typo such as "souces" would otherwise silently drop the gold). `check_golden` reports what
is well-formed but wrong: duplicate ids, unknown source ids, facts absent from their sources.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from evals.matching import fact_alternatives, normalize_for_match, contains_folded
from index.models import Release

LANGS = ("en", "fr")
ROLES = ("user", "assistant")
REQUIRED = ("id", "question", "lang", "answerable")
OPTIONAL = ("sources", "answer", "facts", "kind", "history", "notes", "class", "split")
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
    origin: str = field(default="", compare=False)  # "file:line", for messages


def _type_problems(obj: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key in REQUIRED:
        if key not in obj:
            problems.append(f"missing required key {key!r}")
    unknown = sorted(set(obj) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        problems.append(f"unknown key(s) {unknown} (allowed: {list(REQUIRED + OPTIONAL)})")
    for key in ("id", "question", "lang", "answer", "kind", "notes", "class", "split"):
        if key in obj and not isinstance(obj[key], str):
            problems.append(f"{key!r} must be a string, got {type(obj[key]).__name__}")
    if isinstance(obj.get("split"), str) and obj["split"] not in SPLITS:
        problems.append(f"'split' must be one of {list(SPLITS)}, got {obj['split']!r}")
    if "answerable" in obj and not isinstance(obj["answerable"], bool):
        problems.append(f"'answerable' must be true or false, got {obj['answerable']!r}")
    sources = obj.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append("'sources' must be a list of release id strings")
    facts = obj.get("facts", [])
    if not isinstance(facts, list):
        problems.append("'facts' must be a list")
    else:
        for i, fact in enumerate(facts):
            ok = isinstance(fact, str) or (
                isinstance(fact, list) and fact and all(isinstance(a, str) for a in fact)
            )
            if not ok:
                problems.append(
                    f"facts[{i}] must be a string or a non-empty list of strings, got {fact!r}"
                )
    history = obj.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(t, dict)
        and set(t) == {"role", "content"}
        and isinstance(t.get("role"), str)
        and isinstance(t.get("content"), str)
        for t in history
    ):
        problems.append("'history' must be a list of {\"role\": ..., \"content\": ...} objects")
    return problems


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

    def folded(release: Release) -> str:
        if release.id not in folded_cache:
            folded_cache[release.id] = normalize_for_match(f"{release.title}\n{release.text}")
        return folded_cache[release.id]

    for item in items:
        def report(message: str) -> None:
            problems.append(f"{item.origin or '?'} ({item.id}): {message}")

        if not item.id.strip():
            report("empty id")
        elif item.id in seen:
            report(f"duplicate id, first used at {seen[item.id]}")
        else:
            seen[item.id] = item.origin
        if not item.question.strip():
            report("empty question")
        if item.lang not in LANGS:
            report(f"lang must be one of {list(LANGS)}, got {item.lang!r}")
        for turn in item.history:
            if turn["role"] not in ROLES:
                report(f"history role must be one of {list(ROLES)}, got {turn['role']!r}")
        if len(set(item.sources)) != len(item.sources):
            report("duplicate source ids")
        for i, fact in enumerate(item.facts):
            if any(not normalize_for_match(alt) for alt in fact_alternatives(fact)):
                report(f"facts[{i}] has an empty alternative")

        for message in _class_problems(item):
            report(message)

        if not item.answerable:
            if item.sources:
                report("unanswerable item must have no sources")
            if item.facts:
                report("unanswerable item must have no facts")
            continue
        if not item.sources:
            report("answerable item needs at least one source")
        if not item.facts:
            report("answerable item needs at least one fact")
        known = [releases[s] for s in item.sources if s in releases]
        for source in item.sources:
            if source not in releases:
                report(f"source {source!r} is not a known release id")
        if not known:
            continue
        for i, fact in enumerate(item.facts):
            alts = [normalize_for_match(a) for a in fact_alternatives(fact)]
            if not any(contains_folded(folded(r), alt) for r in known for alt in alts if alt):
                report(f"fact {fact!r} occurs in none of its sources {item.sources}")
    return problems
