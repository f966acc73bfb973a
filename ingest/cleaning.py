"""Turn scraped release text into clean plain text that can be quoted exactly.

Order matters: markup goes first (tags can hide entities and spaces), then Unicode spaces,
then boilerplate, then per-line whitespace, and last the removal of repeated passages, which
compares words and so must see the final text.
"""
from __future__ import annotations

import html
import re
import unicodedata

from communique.ingest.repeats import remove_repeats

# --- Unicode -------------------------------------------------------------------------------
# NFC, not NFKC: NFKC would also rewrite "km²" as "km2" and "½" as "1⁄2". The few compatibility
# characters that matter (odd spaces, ligatures) are mapped explicitly instead.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\v\f"
_DROPPED = "\u00ad\u200b\u2060\ufeff"  # soft hyphen, zero-width space, word joiner, stray BOM
_SPACE_CHARS = re.compile(f"[{_SPACES}]")
_DROP_CHARS = re.compile(f"[{_DROPPED}\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPECIAL = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
            "\u2028": "\n", "\u2029": "\n\n"}
_SPECIAL_CHARS = re.compile("[" + "".join(_SPECIAL) + "]")


def normalize_unicode(text: str) -> str:
    """NFC, Unix newlines, every kind of space as a plain space, no invisible characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_CHARS.sub(" ", text)
    text = _DROP_CHARS.sub("", text)
    return _SPECIAL_CHARS.sub(lambda m: _SPECIAL[m.group()], text)


# --- Markup --------------------------------------------------------------------------------
# Linear time on hostile text: a lazy `.*?` to a closer that never comes rescans the rest of the text
# from every opener (quadratic), so each body stops at the next opener instead ("tempered" dot),
# and character classes exclude the opening character.
_TEMPLATE = re.compile(r"\{%(?:(?!\{%).)*?%\}|\{\{(?:(?!\{\{).)*?\}\}|\{:[^{}\n]*\}", re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_SCRIPT = re.compile(r"<(script|style|noscript|template)\b[^<>]*>"
                     r"(?:(?!<(?:script|style|noscript|template)\b).)*?</\1\s*>", re.S | re.I)
# Possessive: a long unclosed tag is scanned once, not once per way of splitting it.
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*+)\b(?:[^<>\"']|\"[^\"]*\"|'[^']*')*+/?>")
_BLOCK_TAGS = frozenset(
    "p div section article main header footer aside nav h1 h2 h3 h4 h5 h6 ul ol dl dt dd table "
    "thead tbody tfoot tr caption blockquote figure figcaption details summary pre hr form fieldset "
    "address center".split()
)
_LINE_TAGS = frozenset({"br", "li", "td", "th"})
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def _tag_replacement(match: re.Match[str]) -> str:
    name = match.group(1).lower()
    closing = match.group(0).startswith("</")
    if name in _BLOCK_TAGS:
        return "\n\n"
    if name == "li":
        return "\n" if closing else "\n- "
    if name in ("td", "th"):
        return " " if closing else " "
    if name == "br":
        return "\n"
    return ""


def strip_markup(text: str) -> str:
    """Remove HTML tags, comments, scripts and Liquid/Jinja template tags; decode entities."""
    if "{" in text:
        text = _TEMPLATE.sub("", text)
    if "<" in text:
        text = _COMMENT.sub("", text)
        text = _SCRIPT.sub("", text)
        text = _TAG.sub(_tag_replacement, text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return text


# Link texts and targets never contain the bracket that opens them: each attempt ends at the next one.
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)|!\[[^\[\]\n]*\]\[[^\[\]\n]*\]")
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))+(?:\s+\"[^\"\n]*\")?\)")
_MD_REF_LINK = re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
_MD_LINK_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+.*$", re.M)
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*)$", re.M)  # closing " ##" removed by _heading_text
_MD_SETEXT = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$", re.M)
_MD_RULE = re.compile(r"^ {0,3}(?:[*_-][ \t]*){3,}$", re.M)
_MD_FENCE = re.compile(r"^ {0,3}(?:```|~~~).*$", re.M)
_MD_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+", re.M)
_MD_BULLET = re.compile(r"^([ \t]*)[*+][ \t]+", re.M)
# The body cannot hold its own delimiter nor a blank line: `**a ` repeated stays linear (was 9.4 s for 80 KB).
_MD_STRONG = re.compile(r"\*\*(?=\S)((?:[^*\n]|\*(?!\*)|\n(?!\n))+?)(?<=\S)\*\*"
                        r"|__(?=\S)((?:[^_\n]|_(?!_)|\n(?!\n))+?)(?<=\S)__")
_MD_EM = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_MD_CODE = re.compile(r"`([^`\n]+)`")
_MD_TABLE_SEP = re.compile(r"^[ \t]*(?:\|[ \t]*)?:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*(?:\|[ \t]*)?$", re.M)
_MD_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#|>|\||$)")


def strip_links(text: str) -> str:
    """Drop Markdown images, keep link text: useful for any text, not only Markdown files."""
    if "](" in text or "][" in text:
        text = _MD_IMAGE.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
        text = _MD_REF_LINK.sub(r"\1", text)
    return text


def strip_markdown(text: str) -> str:
    """Markdown to plain text: headings as lines, emphasis and code marks gone, soft wraps joined."""
    text = _MD_LINK_DEF.sub("", text)
    text = _MD_FENCE.sub("", text)
    text = _MD_TABLE_SEP.sub("", text)
    text = _MD_RULE.sub("\n", text)
    text = _MD_SETEXT.sub("", text)
    text = _MD_HEADING.sub(lambda m: f"\n{_heading_text(m.group(1))}\n", text)
    text = _MD_QUOTE.sub("", text)
    text = _MD_BULLET.sub(r"\1- ", text)
    text = _MD_STRONG.sub(_strong_text, text)
    text = _MD_EM.sub(lambda m: m.group(1) or m.group(2) or "", text)
    text = _MD_CODE.sub(r"\1", text)
    text = re.sub(r"^[ \t]*\|(.*)\|[ \t]*$", lambda m: m.group(1).replace("|", " "), text, flags=re.M)
    return _join_soft_wraps(text)


def _strong_text(match: re.Match[str]) -> str:
    return match.group(1) if match.group(1) is not None else match.group(2)


def _heading_text(rest: str) -> str:
    """A heading's text without trailing spaces and without a closing `#` run set off by a space."""
    rest = rest.rstrip(" \t")
    bare = rest.rstrip("#")
    if bare != rest and bare and bare[-1] in " \t":
        return bare.rstrip(" \t")
    return rest


def _join_soft_wraps(text: str) -> str:
    """In Markdown a single newline inside a paragraph is a space; list items and headings stay lines.

    Paragraphs are gathered as lists and joined once: growing one string per line was quadratic.
    """
    out: list[list[str]] = []  # each entry: the pieces of one output line
    for line in text.split("\n"):
        if not line or line.isspace():
            out.append([line])
            continue
        last = out[-1] if out else None
        if (
            last is not None
            and last[-1].strip()
            and not _MD_BLOCK_START.match(line)
            and not last[-1].endswith("  ")  # Markdown hard break
        ):
            last[-1] = last[-1].rstrip()
            last.append(line.strip())
        else:
            out.append([line])
    return "\n".join(" ".join(pieces) for pieces in out)


# --- Boilerplate ---------------------------------------------------------------------------
# Phrases that are page furniture wherever they appear (scrapers glue them to the text).
# Only whole interface strings, so that prose using the same words is untouched.
_BOILERPLATE_ANYWHERE = re.compile(
    r"(?:Some parts of this page will not display\.?"
    r"|JavaScript is (?:not available in this browser or may be turned off|disabled(?: in your browser)?)\.?"
    r"|(?:You need to|Please) enable JavaScript(?: to (?:run this app|view this page))?\.?"
    r"|Certaines parties de cette page ne s[’']afficheront pas\.?"
    r"|JavaScript (?:n[’']est pas disponible dans ce navigateur ou (?:est|a été) désactivé|est désactivé)\.?"
    r"|Share this page\s*:\s*(?:Email this page to a friend)?"
    r"|Email this page to a friend"
    r"|Partager cette page\s*:"
    r"|Date (?:modified|de modification)\s*:\s*\d{4}-\d{2}-\d{2}"
    r")",  # case-sensitive: these are fixed interface strings, and "share this page" is also prose
)
# Lines that are boilerplate only when they stand alone (the words could occur in a sentence).
_BOILERPLATE_LINE = re.compile(
    r"^[ \t]*(?:-\s?30\s?-|#\s?#\s?#|[-*_=]{3,}"
    r"|Back to top|Haut de la page|Top of page"
    r"|Skip to (?:main )?content|Passer au contenu principal"
    r"|Report a problem or mistake on this page|Signaler un problème ou une erreur sur cette page"
    r"|Print(?: this page)?|Imprimer(?: cette page)?"
    r"|Date (?:modified|de modification)\s*:.*"
    r"|Share(?: this page| this| on)?\s*:?|Partager(?: cette page| sur)?\s*:?"
    r"|Follow us(?: on (?:Twitter|X|Facebook|LinkedIn|Instagram))?\s*:?"
    r"|Suivez-nous(?: sur (?:Twitter|X|Facebook|LinkedIn|Instagram))?\s*:?"
    r"|Stay connected|Restez branchés"
    r")[.!]?[ \t]*$",
    re.I | re.M,
)
# Cheap pre-check: the expensive case-insensitive pattern only runs when one of these occurs.
_BOILERPLATE_KEYS = ("javascript", "this page", "cette page", "date modified", "date de modification")
_END_MARKER = re.compile(r"(?<![ \t])[ \t]+-\s?30\s?-[ \t]*$", re.M)  # "-30-" glued at the end of a line


def remove_boilerplate(text: str) -> str:
    """Remove web page furniture (FR and EN) and wire-service end markers, keep everything else."""
    lowered = text.lower()
    if any(key in lowered for key in _BOILERPLATE_KEYS):
        text = _BOILERPLATE_ANYWHERE.sub(" ", text)
    text = _END_MARKER.sub("", text)
    return _BOILERPLATE_LINE.sub("", text)


# --- Whitespace ----------------------------------------------------------------------------
_SPACE_RUN = re.compile(r" {2,}")
_SPACE_BEFORE = re.compile(r" +([,.)\]])(?!\d)")
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) +")
_COLLAPSED_BREAK = re.compile(r" {3,}")
_LINE_EDGES = re.compile(r" *\n *")
_STRAY_PUNCT_LINE = re.compile(r"^[^\w\s]{1,3}$", re.M)
_BLANK_LINES = re.compile(r"\n{3,}")


def restore_line_breaks(text: str) -> str:
    """Scrapers that collapsed newlines often left runs of 3+ spaces where a break was.

    Only applied to text without any newline, where the runs are the only trace of structure.
    """
    if "\n" in text or len(text) < 300:
        return text
    return _COLLAPSED_BREAK.sub("\n", text)


def tidy_lines(text: str) -> str:
    """One space between words, no spaces at line ends, at most one blank line between paragraphs."""
    text = _SPACE_RUN.sub(" ", text)
    text = _LINE_EDGES.sub("\n", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    text = _STRAY_PUNCT_LINE.sub("", text)  # a stray "." or ")" left behind by markup removal
    return _BLANK_LINES.sub("\n\n", text).strip()


# --- Public API ----------------------------------------------------------------------------
def clean_text(text: str, *, markdown: bool = False) -> str:
    """Clean release text; `markdown=True` also removes Markdown syntax and joins soft wraps."""
    text = normalize_unicode(strip_markup(text))
    text = strip_links(text)
    if markdown:
        text = strip_markdown(text)
    text = restore_line_breaks(text)
    text = remove_boilerplate(text)
    text = tidy_lines(text)
    text = remove_repeats(text)
    return tidy_lines(text)


def clean_title(title: str) -> str:
    """A title is one line: markup, Markdown marks and every kind of space reduced to words."""
    text = normalize_unicode(strip_markup(title or ""))
    text = strip_links(text)
    text = _MD_HEADING.sub(lambda m: _heading_text(m.group(1)), text.strip())
    text = _MD_STRONG.sub(_strong_text, text)
    text = " ".join(text.split())
    return _SPACE_BEFORE.sub(r"\1", text)
