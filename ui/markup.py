"""The few ways text becomes HTML in the chat: escaping, safe links, citation markers, the answer's marks.

Everything that comes from a release (title, passage, source, URL) or a user is untrusted:
it is passed through `html.escape` here, before it is put into markup, and the Chatbot is
configured with markdown and LaTeX off so nothing in the text is interpreted a second time.
Gradio's sanitizer stays on as a second wall, never the only one. The Chatbot shows its
messages with `white-space: pre-wrap`, so markup is built without newlines of its own.
"""
from __future__ import annotations

import html
import re

_MARKER = re.compile(r"\[(\d{1,3})\]")


def esc(text: object) -> str:
    """Escape for HTML text and attribute values; newlines become line breaks."""
    return html.escape("" if text is None else str(text), quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link, else None: no `javascript:` or `data:` links."""
    if not url:
        return None
    candidate = url.strip()
    if re.match(r"^https?://[^\s<>\"']+$", candidate, re.IGNORECASE):
        return candidate
    return None


def lang_label(lang: str | None) -> str:
    return (lang or "?").upper()


_BOLD = re.compile(r"\*\*([^*\n]{1,400}?)\*\*")  # bounded and single-line: linear on any text


def answer_markup(text: str, titles: dict[int, str]) -> str:
    """The assistant's answer text as HTML: escaped, `[n]` marked, its `**value**` bold, `- item` lines a list.

    Those two marks are the assistant's own: it turns any `**` inside quoted release text into
    `∗∗` and any bracketed number into `［n］`, so only what it wrote itself is shaped here.
    """
    html_lines: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            html_lines.append('<ul class="cq-items">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        shaped = _mark_citations(_BOLD.sub(r"<strong>\1</strong>", esc(line)), titles)  # bold first: titles go in attributes
        if line.startswith("- "):
            items.append(shaped[2:])
            continue
        flush()
        html_lines.append(shaped)
    flush()
    out = ""
    for i, chunk in enumerate(html_lines):
        if i and not chunk.startswith("<ul") and not html_lines[i - 1].startswith("<ul"):
            out += "<br>"
        out += chunk
    return out


def _mark_citations(escaped_text: str, titles: dict[int, str]) -> str:
    """Wrap `[n]` in a span; runs on already-escaped text, where brackets and digits are unchanged."""

    def wrap(match: re.Match[str]) -> str:
        n = int(match.group(1))
        title = titles.get(n)
        if titles and title is None:
            return match.group(0)
        tip = f' title="{esc(title)}"' if title else ""
        return f'<span class="cq-cite"{tip}>[{n}]</span>'

    return _MARKER.sub(wrap, escaped_text)
