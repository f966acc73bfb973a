"""Source files -> `Release` records with raw (uncleaned) text, one reader per format.

Every reader yields `Problem`s instead of raising, so one bad record or file never stops an
ingest. JSONL is streamed line by line (bounded memory on very large files); other formats
hold one document and are read whole.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.models import Release, stable_hash
from ingest.decoding import decode_bytes, looks_binary
from ingest.problems import Problem

# Metadata key telling `normalize` how to clean the text ("markdown" or "text").
TEXT_FORMAT_KEY = "text_format"
# Metadata key carrying a JSONL record's line number from the reader to the pipeline.
LINE_KEY = "_line"

_RECORD_FIELDS = ("id", "lang", "title", "date", "url", "text", "pair_id", "source")
_DATE_FALLBACKS = ("datetime", "published", "date_published", "pubDate", "issued", "created")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read_file(path: Path) -> Iterator[Release | Problem]:
    """Releases (or Problems) from one file, chosen by its extension."""
    path = Path(path)
    ext = path.suffix.lower()
    reader = {
        ".jsonl": read_jsonl,
        ".json": read_json,
        ".txt": read_text,
        ".md": read_text,
        ".markdown": read_text,
        ".html": read_html,
        ".htm": read_html,
    }.get(ext)
    if reader is None:
        yield Problem(str(path), None, f"unsupported file type {ext or '(none)'!r}")
        return
    try:
        yield from reader(path)
    except OSError as exc:
        yield Problem(str(path), None, f"cannot read: {exc.strerror or exc}")


# --- JSON records -------------------------------------------------------------------------------
def record_to_release(obj: Any, path: Path, line: int | None, *, where: str = "") -> Release | Problem:
    """One JSON object -> Release; known fields become attributes, all others `metadata`."""
    prefix = f"{where}: " if where else ""
    if not isinstance(obj, dict):
        return Problem(str(path), line, f"{prefix}expected a JSON object, got {type(obj).__name__}")
    obj = _scrub_surrogates(obj)
    text = obj.get("text")
    if text is None:
        return Problem(str(path), line, f"{prefix}missing 'text' field")
    if not isinstance(text, str):
        return Problem(str(path), line, f"{prefix}'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        return Problem(str(path), line, f"{prefix}empty 'text'")
    rec_id = _as_str(obj.get("id"))
    if not rec_id:
        rec_id = "rec-" + stable_hash(path.name, str(line if line is not None else where), text)
    date = obj.get("date")
    if date in (None, ""):
        date = next((obj[k] for k in _DATE_FALLBACKS if obj.get(k) not in (None, "")), None)
    metadata = {k: v for k, v in obj.items() if k not in _RECORD_FIELDS}
    metadata[TEXT_FORMAT_KEY] = _record_format(obj)
    if line is not None:
        metadata[LINE_KEY] = line  # taken out by the pipeline, so warnings can name the line
    return Release(
        id=rec_id,
        lang=_as_str(obj.get("lang")),
        text=text,
        title=_as_str(obj.get("title")),
        date=_as_str(date) or None,
        url=_as_str(obj.get("url")),
        source=_as_str(obj.get("source")) or path.name,
        pair_id=_as_str(obj.get("pair_id")) or None,
        metadata=metadata,
    )


def _scrub_surrogates(value: Any) -> Any:
    """JSON `\\ud800`-style escapes can yield lone surrogates, which no hash, database or model
    accepts (one would abort the whole ingest): each becomes U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if _LONE_SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_scrub_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_scrub_surrogates(k): _scrub_surrogates(v) for k, v in value.items()}
    return value


def _as_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _record_format(obj: dict[str, Any]) -> str:
    """Markdown only when the record says so: joining soft wraps would damage line-based text."""
    hint = " ".join(str(obj.get(k, "")) for k in ("text_kind", "format", "text_format", "content_type"))
    return "markdown" if "markdown" in hint.lower() else "text"


def read_jsonl(path: Path) -> Iterator[Release | Problem]:
    """One record per line; blank lines are skipped; each bad line is one Problem with its number."""
    with path.open("rb") as fh:
        head = fh.read(8192)
        if looks_binary(head):
            yield Problem(str(path), None, "binary file, not text")
            return
        fh.seek(0)
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                decoded = decode_bytes(raw, path)
                if isinstance(decoded, Problem):
                    yield Problem(str(path), number, decoded.message)
                    continue
                line = decoded
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Problem(str(path), number, f"invalid JSON at column {exc.colno}: {exc.msg}")
                continue
            yield record_to_release(obj, path, number)


def read_json(path: Path) -> Iterator[Release | Problem]:
    """A JSON object (one release) or a list of objects."""
    text = decode_bytes(path.read_bytes(), path)
    if isinstance(text, Problem):
        yield text
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield Problem(str(path), exc.lineno, f"invalid JSON at column {exc.colno}: {exc.msg}")
        return
    if isinstance(data, list):
        if not data:
            yield Problem(str(path), None, "empty JSON list: no records")
        for index, obj in enumerate(data, start=1):
            yield record_to_release(obj, path, None, where=f"record {index}")
    else:
        yield record_to_release(data, path, None)


# --- Plain text and Markdown ---------------------------------------------------------------------
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]{0,30})[ \t]*:[ \t]*(.*?)\s*$")
_KNOWN_KEYS = frozenset({"title", "date", "lang", "url", "id", "pair_id", "source"})
_KEY_ALIASES = {"titre": "title", "language": "lang", "langue": "lang", "lien": "url", "link": "url",
                "published": "date", "pair": "pair_id", "pairid": "pair_id"}
_GLUED_DATE = re.compile(r"^[ \t]*date[ \t]*:?[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+|$)", re.I)
_MD_TITLE = re.compile(r"^[ \t]{0,3}#[ \t]+(.+?)[ \t#]*$")
_TITLE_MAX_CHARS = 200


def read_text(path: Path) -> Iterator[Release | Problem]:
    """A `.txt`/`.md` file is one release: optional front matter or header lines, then the body."""
    text = decode_bytes(path.read_bytes(), path)
    if isinstance(text, Problem):
        yield text
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, body = split_header(text)
    body, glued_date = _take_glued_date(body)
    if not body.strip():
        yield Problem(str(path), None, "empty file" if not text.strip() else "no text after the header")
        return
    title = header.pop("title", "")
    if not title:
        title, body = _title_from_body(body)
    date = header.pop("date", "") or glued_date
    rec_id = header.pop("id", "") or "doc-" + stable_hash(path.name, body)
    markdown = path.suffix.lower() in (".md", ".markdown")
    metadata: dict[str, Any] = dict(header)
    metadata[TEXT_FORMAT_KEY] = "markdown" if markdown else "text"
    yield Release(
        id=rec_id,
        lang=metadata.pop("lang", ""),
        text=body,
        title=title,
        date=date or None,
        url=metadata.pop("url", ""),
        source=metadata.pop("source", "") or path.name,
        pair_id=metadata.pop("pair_id", "") or None,
        metadata=metadata,
    )


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Front matter (`---` ... `---`) or a leading block of `key: value` lines, and the rest.

    A leading block counts only if every line is `key: value`, it ends at a blank line, and it
    names at least one known key (title, date, lang, url, id, pair_id, source): a first line
    like "Note: ..." or "MONTREAL: ..." is text, not a header.
    """
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].strip() == "---":
        for end in range(start + 1, min(len(lines), start + 200)):
            if lines[end].strip() in ("---", "..."):
                header = _parse_pairs(lines[start + 1:end])
                if header is not None:
                    return header, "\n".join(lines[end + 1:])
                break
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    if end > start and (end == len(lines) or not lines[end].strip()):
        header = _parse_pairs(lines[start:end])
        if header is not None and _KNOWN_KEYS & header.keys() and end < len(lines):
            return header, "\n".join(lines[end + 1:])
    return {}, text


def _parse_pairs(lines: list[str]) -> dict[str, str] | None:
    """`key: value` lines (YAML-ish: quotes removed, `- item` lines join a list); None if not all match."""
    header: dict[str, str] = {}
    last_key = ""
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = re.match(r"^\s+-\s+(.*)$", line) or re.match(r"^-\s+(.*)$", line)
        if item and last_key:
            value = _unquote(item.group(1))
            header[last_key] = f"{header[last_key]}, {value}" if header[last_key] else value
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            return None
        key = m.group(1).lower().replace("-", "_")
        key = _KEY_ALIASES.get(key, key)
        value = _unquote(m.group(2))
        if value.startswith("[") and value.endswith("]"):
            value = ", ".join(_unquote(v) for v in value[1:-1].split(",") if v.strip())
        header[key] = value
        last_key = key
    return header


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _take_glued_date(body: str) -> tuple[str, str]:
    """The seed's scraper glued `date 2025-09-25` before the subtitle: take the date, keep the rest."""
    stripped = body.lstrip("\n")
    m = _GLUED_DATE.match(stripped)
    if not m:
        return body, ""
    return stripped[m.end():], m.group(1)


def _title_from_body(body: str) -> tuple[str, str]:
    """A leading `# heading` is the title (and leaves the body); else a short first line is a title."""
    lines = body.split("\n")
    first = next((k for k, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "", body
    m = _MD_TITLE.match(lines[first])
    if m:
        return m.group(1).strip(), "\n".join(lines[:first] + lines[first + 1:])
    line = lines[first].strip()
    rest = "\n".join(lines[first + 1:]).strip()
    if rest and len(line) <= _TITLE_MAX_CHARS and not line.endswith((".", ",", ";", ":")):
        return line, body  # kept in the text too: it may be a subtitle carrying facts
    return "", body


# --- HTML ----------------------------------------------------------------------------------------
_DROP_SELECTOR = "nav, header, footer, script, style, noscript, aside, form, template, svg, iframe, button"
_DATE_META = ("dcterms.issued", "dcterms.date", "dc.date", "date", "article:published_time",
              "og:published_time", "pubdate", "publishdate", "dcterms.modified")
_WHITESPACE = re.compile(r"\s+")


def read_html(path: Path) -> Iterator[Release | Problem]:
    """One page = one release: main content only, title/lang/date/url from the usual places."""
    from selectolax.lexbor import LexborHTMLParser

    from ingest.cleaning import strip_markup

    text = decode_bytes(path.read_bytes(), path)
    if isinstance(text, Problem):
        yield text
        return
    tree = LexborHTMLParser(text)
    meta = _html_meta(tree)
    root = tree.css_first("html")
    lang = (root.attributes.get("lang") or root.attributes.get("xml:lang") or "") if root else ""
    lang = lang or meta.get("dcterms.language", "") or meta.get("content-language", "")
    head_title = tree.css_first("title")
    date = next((meta[k] for k in _DATE_META if meta.get(k)), "")
    if not date:
        time = tree.css_first("time[datetime]")
        date = (time.attributes.get("datetime") or "") if time else ""
    canonical = tree.css_first('link[rel="canonical"]')
    url = (canonical.attributes.get("href") or "") if canonical else meta.get("og:url", "")

    content = tree.css_first("main") or tree.css_first("article") or tree.css_first('[role="main"]') or tree.body
    if content is None:
        yield Problem(str(path), None, "HTML without a body")
        return
    h1 = content.css_first("h1") or tree.css_first("h1")
    title = " ".join(h1.text().split()) if h1 else ""
    if title and h1 is not None:
        h1.decompose()  # the title is kept apart from the text
    else:
        title = meta.get("dcterms.title") or meta.get("og:title") or (
            " ".join(head_title.text().split()) if head_title else "")
    for node in content.css(_DROP_SELECTOR):
        node.decompose()
    body = strip_markup(_WHITESPACE.sub(" ", content.html or ""))
    if not body.strip():
        yield Problem(str(path), None, "empty file" if not text.strip() else "no text in the page")
        return
    metadata: dict[str, Any] = {TEXT_FORMAT_KEY: "text"}
    for key in ("description", "dcterms.creator", "keywords"):
        if meta.get(key):
            metadata[key] = meta[key]
    yield Release(
        id=meta.get("dcterms.identifier") or "doc-" + stable_hash(path.name, body),
        lang=lang.strip(),
        text=body,
        title=title,
        date=date.strip() or None,
        url=url.strip(),
        source=path.name,
        pair_id=None,
        metadata=metadata,
    )


def _html_meta(tree: Any) -> dict[str, str]:
    """`<meta name|property|http-equiv=... content=...>` as a lower-cased dict (first one wins)."""
    out: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("name") or attrs.get("property") or attrs.get("http-equiv") or ""
        content = attrs.get("content")
        if key and content and key.lower() not in out:
            out[key.lower()] = content.strip()
    return out
