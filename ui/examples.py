"""Example questions shown under the chat, in both languages, about the bundled samples."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Examples:
    """Example questions, French first then English (the order they are shown in)."""

    fr: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.fr, *self.en]


# Questions whose answers are in `samples/` (checked by tests/ui/test_api.py), so a new user
# who ingested the samples sees the assistant answer with citations at the first click.
SAMPLE_EXAMPLES = Examples(
    fr=[
        "Quel est le taux de cotisation à l'assurance-emploi pour 2025 ?",
        "Combien coûte la prochaine phase du Canadarm3 ?",
        "Pourquoi la zone de pêche du homard 23 C a-t-elle été fermée ?",
        "Quels ministres ont participé à ALL IN 2025 ?",
    ],
    en=[
        "How much will Nova Scotia small craft harbours receive?",
        "Where did Minister Wilkinson announce the hydrogen funding with Germany?",
        "What did Canadians say about trusting AI on Canada.ca?",
        "What did the ministers do at ALL IN 2025?",
    ],
)


def load_examples() -> Examples:
    return Examples(list(SAMPLE_EXAMPLES.fr), list(SAMPLE_EXAMPLES.en))
