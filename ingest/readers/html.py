"""HTML: one page is one release; main content only, title/lang/date/url from the usual places."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from communique.index.models import Release, stable_hash
from communique.ingest import guard
from communique.ingest.decoding import decode_bytes
from communique.ingest.problems import Problem, file_label
from communique.ingest.readers.common import DEPARTMENT_KEY, TEXT_FORMAT_KEY
from communique.ingest.readers.nesting import cap_nesting

_DROP_SELECTOR = "nav, header, footer, script, style, noscript, aside, form, template, svg, iframe, button"
_DATE_META = ("dcterms.issued", "dcterms.date", "dc.date", "date", "article:published_time",
              "og:published_time", "pubdate", "publishdate", "dcterms.modified")
_DEPARTMENT_META = ("dcterms.creator", "dc.creator", "department")
_WHITESPACE = re.compile(r"\s+")


def read_html(path: Path) -> Iterator[Release | Problem]:
    """One page = one release: main content only, title/lang/date/url from the usual places."""
    where = str(path)
    text = guard.attempt("decode", where, None, decode_bytes, path.read_bytes(), path)
    if isinstance(text, Problem):
        yield text
        return
    yield guard.attempt("read", where, None, parse_html_document, text, path)


def parse_html_document(text: str, path: Path) -> Release | Problem:
    """Decoded text of one HTML page -> its release (nesting capped first: linear time)."""
    from selectolax.lexbor import LexborHTMLParser

    from communique.ingest.cleaning import strip_markup

    tree = LexborHTMLParser(cap_nesting(text))
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
        return Problem(str(path), None, "HTML without a body")
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
        return Problem(str(path), None, "empty file" if not text.strip() else "no text in the page")
    metadata: dict[str, Any] = {TEXT_FORMAT_KEY: "text"}
    for key in ("description", "keywords"):
        if meta.get(key):
            metadata[key] = meta[key]
    if meta.get("dcterms.type"):
        metadata["type"] = meta["dcterms.type"]  # "news release", "media advisory": searchable
    department = next((meta[k] for k in _DEPARTMENT_META if meta.get(k)), "")
    if department:
        metadata[DEPARTMENT_KEY] = department  # from the page's own metadata, never from its file name
    name = file_label(path.name)
    return Release(
        id=meta.get("dcterms.identifier") or "doc-" + stable_hash(name, body),
        lang=lang.strip(),
        text=body,
        title=title,
        date=date.strip() or None,
        url=url.strip(),
        source=name,
        pair_id=meta.get("pair_id") or meta.get("dcterms.relation.pair_id") or None,
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
