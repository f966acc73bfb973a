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
    fr=[],
    en=[],
)


def load_examples() -> Examples:
    return Examples(list(SAMPLE_EXAMPLES.fr), list(SAMPLE_EXAMPLES.en))
