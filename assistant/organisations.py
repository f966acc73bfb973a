"""Names of companies and bodies in a sentence: the answer to "Which company is doing the work?",
« Quelle fondation finance … ? ».

A name counts when its capitalised words end in (or, in French, open with) a word that only bodies
carry: "Hazelwood Construction", "West Coast General Hospital Foundation", "GI Medical Research
Associates", « Fondation de l'Hôpital général », « Société canadienne du cancer ». Patterns only, like
the other values (no named-entity model ships offline, DESIGN.md).
"""
from __future__ import annotations

import re

_EN_HEAD = (
    r"Inc|Ltd|Limited|Corp|Corporation|Company|Construction|Contracting|Contractors|Associates|Society|"
    r"Foundation|Association|Council|Group|University|College|Bank|Hospital|Clinic|Centre|Center|District|Board|"
    r"Agency|Authority|Institute|Services|Industries|Technologies|Systems|Partners|Alliance|Coalition|Network|Trust|"
    r"Cooperative|Co-op|Federation|Union|Club|Commission|Museum|Library|Enterprises|Holdings|Solutions|Consulting|"
    r"Engineering|Properties|Airlines|Airport|Railway|Ventures|Labs?|Studios?|Industries|Nation|Band"
)
_FR_HEAD = (
    r"Société|Fondation|Association|Centre|Groupe|Conseil|Banque|Université|Institut|Agence|Commission|Coopérative|"
    r"Corporation|Entreprise|Entreprises|Fédération|Alliance|Clinique|Hôpital|Musée|Office|Régie|Chambre|Collège"
)
# Possessive quantifiers (Python 3.11+): a hyphenated run ("Alberni-Clayoquot") is split one way only, so
# a long run of capitalised or spaced words cannot make the pattern backtrack exponentially.
_CAP_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w'’&.]*+(?:-[A-ZÀ-ÖØ-Þ\d][\w'’&.]*+)*+|\d++)"
_JOIN = r"(?:\s+(?:of|for|&|the|on)\s+|\s+|-)"
ORGANISATION = re.compile(
    # English: capitalised words ending in a body's word ("Hazelwood Construction from Nanaimo" → the first two)
    r"\b(?:" + _CAP_WORD + _JOIN + r"){1,6}(?:(?:Inc|Ltd|Corp|Co)\.|(?:" + _EN_HEAD + r")\b(?:\s+(?:of|for)\s+" + _CAP_WORD + r"(?:\s+" + _CAP_WORD + r"){0,3})?)"
    # French: a body's word, then its lower-case or capitalised qualifiers up to the next function word that ends it
    r"|\b(?:" + _FR_HEAD + r")(?:\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’]|pour\s+l['’]|pour\s+la|pour\s+les)?\s*"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’\-]*|[a-zà-öø-ÿ][\w\-]*(?:ienne|ien|aise|ais|ale|al|aux|ique|oise|ois|aire|oire|elle|el|ive|if|ée|é|aine|ain|eur|rice|iste|ire)s?\b)){1,5}",
)
_NAME_RUN = _CAP_WORD + r"(?:(?:\s++(?:of|for|&|de|du|des)\s++|\s++)" + _CAP_WORD + r"){0,5}"
# Said of a body without a telling word: "MDA Space, a company based in Brampton", "organized by Scale AI",
# "the contract was awarded to Harbourline Paving", « Scale AI, l'une des cinq grappes », « organisé par Scale AI ».
DESCRIBED = re.compile(
    r"(?P<a>" + _NAME_RUN + r"),\s+(?:a|an|une?|l['’]une?\s+des)\s+(?:\w+\s+){0,3}?"
    r"(?:compan(?:y|ies)|firm|business|non-?profit|organi[sz]ation|charity|contractor|manufacturer|entreprises?|"
    r"soci[ée]t[ée]s?|firmes?|organismes?|organisations?|grappes?|clusters?)\b"
    r"|\b(?:organi[sz]ed|hosted|led|run|operated|delivered|built|designed)\s+by\s+(?:the\s+)?(?P<b>" + _NAME_RUN + r")"
    r"|\b(?:contract|tender|work)\s+(?:was\s+|has\s+been\s+)?(?:awarded|given|granted)\s+to\s+(?P<d>" + _NAME_RUN + r")"
    r"|\b(?:confi[ée]|attribu[ée]|octroy[ée]|accord[ée])\s+(?:à|a)\s+(?:l['’])?(?P<e>" + _NAME_RUN + r")"
    r"|\b(?:organis[ée]e?s?|dirig[ée]e?s?|anim[ée]e?s?|pilot[ée]e?s?|r[ée]alis[ée]e?s?)\s+par\s+(?:la\s+|le\s+|l['’])?(?P<c>" + _NAME_RUN + r")"
)
_BARE_HEAD = re.compile(r"^(?:the\s+)?(?:" + _EN_HEAD + r"|" + _FR_HEAD + r")$", re.IGNORECASE)
# Words that open a sentence or a heading, not a name: "Since 2019 the Board", "Quick Facts Construction …"
_LEADING = re.compile(r"^(?:(?:The|the|This|These|That|Our|Their|Its|Each|Every|A|An|Since|In|On|At|For|From|With|Today|Quick|"
                      r"Facts|Learn|More|Through|Under|After|Before|During|As|And|But|Also|Le|La|Les|Depuis|En|Dans|\d+)\s+)+")
# A title opens a person's name or role, not a body's: "Minister of Indigenous Services", "Premier David Eby"
_TITLE = re.compile(r"^(?:Minister|Ministre|Premier|Prime|Honourable|Hon\.|Mr\.|Mrs\.|Ms\.|Dr\.|Mayor|Chief|Deputy|"
                    r"Parliamentary|Secretary|Senator|MLA|MP)\b")


def organisations_in(text: str) -> list[tuple[int, int, str]]:
    """Every body named in `text`, in order: (start, end, name)."""
    out: list[tuple[int, int, str]] = []
    for m in ORGANISATION.finditer(text):
        name = m.group().rstrip(" ,;:")
        if name.endswith(".") and not re.search(r"\b(?:Inc|Ltd|Corp|Co)\.$", name):
            name = name[:-1]  # the sentence's full stop, not "Inc."
        a = m.start()
        inner = name.rfind(" The ")  # "Quick Facts The BC Centre for Disease Control" → from "BC"
        if inner >= 0:
            a, name = a + inner + 1, name[inner + 1:]
        lead = _LEADING.match(name)
        if lead:
            a, name = a + lead.end(), name[lead.end():]
        if not name or _BARE_HEAD.match(name) or len(name) < 4 or _TITLE.match(name):
            continue
        out.append((a, a + len(name), name))
    for m in DESCRIBED.finditer(text):
        group = next(g for g in ("a", "b", "c", "d", "e") if m.group(g))
        a, b = m.span(group)
        name = m.group(group).rstrip(" ,.;:")
        if len(name) >= 2 and not any(x <= a < y for x, y, _ in out) and not _LEADING.fullmatch(name + " ") \
                and not _TITLE.match(name):
            out.append((a, a + len(name), name))
    return sorted(out)


def organisation_cue(sentence: str) -> float:
    """1 when a body is named, 0 otherwise."""
    return 1.0 if organisations_in(sentence) else 0.0
