"""The words around the quotes, in the asker's language.

Quotes are never translated: when the cited release is in the other language, the quote is
framed ("The French release of 25 September 2025 states: « … » [1]"), so the reader knows
what language the source speaks and that the words are the release's own.
"""
from __future__ import annotations

from dataclasses import dataclass

from communique.index.calendar import month_name

_LANG_NAMES = {
    "en": {"fr": "French", "en": "English"},
    "fr": {"fr": "français", "en": "anglais"},
}

MESSAGES = {
    "en": {
        "not_found": "The announcements I have do not answer this question.",
        "not_found_dated": "The announcements dated {range} do not answer this question.",
        "no_match": "No announcement matches this question.",
        "look_at": "You may want to look at:",
        "empty": "Please type a question about the announcements.",
        "no_words": "I could not find a question in this message. Please ask in words, in English or French.",
        "truncated": "Your question was very long: only its first {n} characters were used.",
        "empty_index": "The index holds no announcements yet: ingest some first.",
        "range_between": "between {a} and {b}",
        "range_from": "from {a}",
        "range_to": "up to {b}",
        "llm_no_citation": "The language model's answer cited no source, so the extractive answer is shown instead.",
        "llm_failed": "The language model did not answer ({reason}), so the extractive answer is shown instead.",
        "llm_unverified": "The language model's answer could not be checked against the sources ({reason}), so the extractive answer is shown instead.",
        "widened": "Nothing published {range} answers this; the answer comes from an announcement of another date.",
    },
    "fr": {
        "not_found": "Les communiqués dont je dispose ne répondent pas à cette question.",
        "not_found_dated": "Les communiqués datés {range} ne répondent pas à cette question.",
        "no_match": "Aucun communiqué ne correspond à cette question.",
        "look_at": "Vous pourriez consulter :",
        "empty": "Veuillez saisir une question sur les communiqués.",
        "no_words": "Je ne trouve pas de question dans ce message. Posez-la avec des mots, en français ou en anglais.",
        "truncated": "Votre question était très longue : seuls ses {n} premiers caractères ont été utilisés.",
        "empty_index": "L'index ne contient encore aucun communiqué : lancez d'abord une ingestion.",
        "range_between": "entre le {a} et le {b}",
        "range_from": "à partir du {a}",
        "range_to": "jusqu'au {b}",
        "llm_no_citation": "La réponse du modèle de langue ne citait aucune source : la réponse extractive est affichée.",
        "llm_failed": "Le modèle de langue n'a pas répondu ({reason}) : la réponse extractive est affichée.",
        "llm_unverified": "La réponse du modèle de langue n'a pas pu être vérifiée dans les sources ({reason}) : la réponse extractive est affichée.",
        "widened": "Aucun communiqué publié {range} n'y répond ; la réponse vient d'un communiqué d'une autre date.",
    },
}


def message(lang: str, key: str, **values: object) -> str:
    table = MESSAGES.get(lang, MESSAGES["en"])
    return table[key].format(**values)


def format_date(iso: str | None, lang: str) -> str:
    """'25 September 2025' / '25 septembre 2025' / '1er juin 2024'; the input as-is if unparsable."""
    if not iso:
        return ""
    try:
        year, month, day = (int(x) for x in iso[:10].split("-"))
        name = month_name(month, lang)
    except (ValueError, IndexError):
        return iso
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {name} {year}"
    return f"{day} {name} {year}"


def date_range(date_from: str | None, date_to: str | None, lang: str) -> str:
    a, b = format_date(date_from, lang), format_date(date_to, lang)
    if a and b:
        if date_from == date_to:
            return ("du " if lang == "fr" else "of ") + a
        return message(lang, "range_between", a=a, b=b)
    if a:
        return message(lang, "range_from", a=a)
    return message(lang, "range_to", b=b)


@dataclass(frozen=True)
class Piece:
    """One quote to show: its text, citation number, and the release it comes from."""

    text: str
    n: int
    release_id: str
    lang: str
    date: str | None
    title: str


def compose(pieces: list[Piece], answer_lang: str) -> str:
    """Answer text: same-language quotes as sentences, other-language ones framed per release."""
    parts: list[str] = []
    i = 0
    while i < len(pieces):
        group = [pieces[i]]
        while i + len(group) < len(pieces) and pieces[i + len(group)].release_id == pieces[i].release_id:
            group.append(pieces[i + len(group)])
        i += len(group)
        if group[0].lang == answer_lang:
            parts.append(" ".join(f"{_as_sentence(p.text)} [{p.n}]" for p in group))
        else:
            quotes = " … ".join(f"{_quoted(p.text, answer_lang)} [{p.n}]" for p in group)
            parts.append(f"{frame(group[0], answer_lang)} {quotes}")
    return "\n\n".join(parts)


def frame(piece: Piece, answer_lang: str) -> str:
    source = _LANG_NAMES.get(answer_lang, _LANG_NAMES["en"]).get(piece.lang, piece.lang)
    when = format_date(piece.date, answer_lang)
    if answer_lang == "fr":
        where = f"du {when}" if when else f"« {piece.title} »" if piece.title else ""
        return f"Le communiqué en {source} {where} indique :".replace("  ", " ")
    where = f"of {when}" if when else f"“{piece.title}”" if piece.title else ""
    return f"The {source} release {where} states:".replace("  ", " ")


def _quoted(text: str, answer_lang: str) -> str:
    stripped = text.strip()
    if stripped[:1] in "«“\"":
        return stripped  # the release quotes someone: its own marks frame it already
    return f"« {stripped} »" if answer_lang == "en" else f"“{stripped}”"


def _as_sentence(text: str) -> str:
    return text.strip()


def not_found(answer_lang: str, suggestions: list[tuple[str, str | None]], *, dated: str | None = None,
              nothing: bool = False) -> str:
    """The plain "not found" answer with the closest releases (title, date) to look at."""
    if nothing:
        head = message(answer_lang, "no_match")
    elif dated:
        head = message(answer_lang, "not_found_dated", range=dated)
    else:
        head = message(answer_lang, "not_found")
    if not suggestions:
        return head
    lines = [head, "", message(answer_lang, "look_at")]
    for title, date in suggestions:
        when = format_date(date, answer_lang)
        lines.append(f"- {title}" + (f" ({when})" if when else ""))
    return "\n".join(lines)
