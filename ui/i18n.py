"""Interface strings in French and English, and the choice of language from the browser.

Gradio's own i18n follows the browser locale but cannot be switched by the user inside the
page, so the chat keeps its own two-language table and relabels components on a switch.
"""
from __future__ import annotations

UI_LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_UI_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "title": {"fr": "Communiqué", "en": "Communiqué"},
    "tagline": {
        "fr": "Posez une question sur les communiqués officiels : chaque réponse cite ses sources.",
        "en": "Ask about the official announcements: every answer cites its sources.",
    },
    "stats": {
        "fr": "Index : {releases} communiqués ({releases_by_lang}), {chunks} passages ({chunks_by_lang}) · "
        "modèle {embedder} · dernière ingestion {last_ingest}",
        "en": "Index: {releases} releases ({releases_by_lang}), {chunks} passages ({chunks_by_lang}) · "
        "embedder {embedder} · last ingest {last_ingest}",
    },
    "never": {"fr": "jamais", "en": "never"},
    "index_missing": {
        "fr": "Aucun index dans {path}. Créez-le avec : communique ingest <dossier> --index {path}",
        "en": "No index in {path}. Build one with: communique ingest <folder> --index {path}",
    },
    "index_broken": {
        "fr": "L'index de {path} est inutilisable : {error}",
        "en": "The index in {path} cannot be used: {error}",
    },
    "chat_label": {"fr": "Conversation", "en": "Conversation"},
    "chat_placeholder": {
        "fr": "Posez une question en français ou en anglais.",
        "en": "Ask a question in English or French.",
    },
    "question_label": {"fr": "Votre question", "en": "Your question"},
    "question_placeholder": {
        "fr": "p. ex. Quand la subvention a-t-elle été annoncée ?",
        "en": "e.g. When was the grant announced?",
    },
    "send": {"fr": "Envoyer", "en": "Send"},
    "new_conversation": {"fr": "Nouvelle conversation", "en": "New conversation"},
    "ui_language": {"fr": "Langue de l'interface", "en": "Interface language"},
    "answer_language": {"fr": "Langue de la réponse", "en": "Answer language"},
    "answer_lang_auto": {"fr": "Celle de la question", "en": "Same as the question"},
    "lang_fr": {"fr": "Français", "en": "French"},
    "lang_en": {"fr": "Anglais", "en": "English"},
    "filters": {"fr": "Filtres", "en": "Filters"},
    "source_lang": {"fr": "Langue des communiqués", "en": "Language of the releases"},
    "any": {"fr": "Toutes", "en": "Any"},
    "date_from": {"fr": "Du", "en": "From"},
    "date_to": {"fr": "Au", "en": "To"},
    # A format, not a value: "2024-01-01" in grey looked like a filter already set.
    "date_placeholder": {"fr": "AAAA-MM-JJ (facultatif)", "en": "YYYY-MM-DD (optional)"},
    "department": {"fr": "Ministère ou source", "en": "Department or source"},
    "any_source": {"fr": "Toutes les sources", "en": "All sources"},
    "clear_filters": {"fr": "Effacer les filtres", "en": "Clear filters"},
    "filters_active": {"fr": "Filtres actifs : {filters}", "en": "Active filters: {filters}"},
    "examples": {"fr": "Exemples de questions", "en": "Example questions"},
    "sources_title": {"fr": "Sources ({n})", "en": "Sources ({n})"},
    "closest_title": {"fr": "Communiqués les plus proches ({n})", "en": "Closest releases ({n})"},
    "other_passages": {"fr": "Autres passages consultés ({n})", "en": "Other passages retrieved ({n})"},
    "not_found": {"fr": "Introuvable dans les communiqués", "en": "Not found in the announcements"},
    "open_original": {"fr": "original", "en": "original"},
    "no_date": {"fr": "sans date", "en": "undated"},
    "translation_of": {"fr": "aussi en : {langs}", "en": "also in: {langs}"},
    "thinking": {"fr": "Recherche dans les communiqués…", "en": "Searching the announcements…"},
    "empty_question": {"fr": "(question vide)", "en": "(empty question)"},
    "error_empty": {"fr": "Écrivez une question.", "en": "Please type a question."},
    "error_too_long": {
        "fr": "Question trop longue ({n} caractères, maximum {max}). Raccourcissez-la.",
        "en": "Question too long ({n} characters, at most {max}). Please shorten it.",
    },
    "error_date": {
        "fr": "Date invalide « {value} » : utilisez AAAA-MM-JJ.",
        "en": "Invalid date \u201c{value}\u201d: use YYYY-MM-DD.",
    },
    "error_lang": {
        "fr": "Langue inconnue « {value} » : choisissez fr ou en.",
        "en": "Unknown language \u201c{value}\u201d: choose fr or en.",
    },
    "error_date_order": {
        "fr": "La date de début ({start}) est après la date de fin ({end}).",
        "en": "The start date ({start}) is after the end date ({end}).",
    },
    "error_assistant": {
        "fr": "Une erreur est survenue pendant la réponse ({kind}). Réessayez ; si elle persiste, signalez-la.",
        "en": "Something went wrong while answering ({kind}). Try again; if it persists, report it.",
    },
    "feedback_label": {
        "fr": "Commentaire sur la réponse notée (facultatif)",
        "en": "Comment on the rated answer (optional)",
    },
    "feedback_send": {"fr": "Envoyer le commentaire", "en": "Send comment"},
    "feedback_thanks": {"fr": "Merci, c'est noté.", "en": "Thanks, recorded."},
    "feedback_failed": {
        "fr": "Le commentaire n'a pas pu être enregistré : {error}",
        "en": "The comment could not be saved: {error}",
    },
    "feedback_rate": {
        "fr": "Trop d'avis en peu de temps : réessayez dans une minute.",
        "en": "Too much feedback at once: try again in a minute.",
    },
    "feedback_full": {
        "fr": "Le fichier des avis est plein ; prévenez l'administrateur.",
        "en": "The feedback file is full; please tell the administrator.",
    },
    "timing": {"fr": "{ms} ms", "en": "{ms} ms"},
    "saved_label": {"fr": "Conversations enregistrées (dans ce navigateur)",
                    "en": "Saved conversations (in this browser)"},
    "saved_open": {"fr": "Rouvrir", "en": "Open"},
    "saved_delete": {"fr": "Supprimer", "en": "Delete"},
    "saved_rename": {"fr": "Renommer", "en": "Rename"},
    "saved_title": {"fr": "Nouveau nom", "en": "New name"},
    "logout": {"fr": "Se déconnecter", "en": "Log out"},
}


def t(lang: str, key: str, **values: object) -> str:
    """The string `key` in `lang` (English when the language is unknown), formatted with `values`."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_UI_LANGUAGE]
    return text.format(**values) if values else text


def pick_ui_language(accept_language: str | None) -> str:
    """The first of fr/en the browser prefers (RFC 9110 q-values), English if it names neither."""
    if not accept_language:
        return DEFAULT_UI_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        tag = pieces[0].lower()
        quality = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in UI_LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    if not ranked:
        return DEFAULT_UI_LANGUAGE
    return min(ranked)[2]
