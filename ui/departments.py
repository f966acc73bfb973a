"""Departments as people think of them: one entry per department, named in the interface language.

The index stores the department a release names (from the source's department field), in the
release's own language, so "Fisheries and Oceans Canada" and "Pêches et Océans Canada" are two
values. The catalog pairs them through the releases' translations (a release and its
translation name the same department in two languages), lists each department once, and
filters by a `DepartmentName`: a string equal to every name of its department, so the
retriever's equality test on the department field keeps both language versions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from communique.ui.seams import RetrieverLike

PROBE_HITS = 8  # passages read per department name to find its language and its translations


class DepartmentName(str):
    """A department filter value that compares equal to each of the department's names.

    The retriever keeps a hit when `metadata["department"] != value` is false; Python tries
    the right operand's `__ne__` first when it is a subclass of the left one's type, so this
    matches every alias without any change to the retriever. Serialised, it is its first name.
    """

    aliases: frozenset[str]

    def __new__(cls, name: str, aliases: frozenset[str] = frozenset()) -> "DepartmentName":
        self = super().__new__(cls, name)
        self.aliases = frozenset({name, *aliases})
        return self

    @classmethod
    def single(cls, name: str) -> "DepartmentName":
        return cls(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and str.__str__(other) in self.aliases

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return str.__hash__(self)


@dataclass
class DepartmentGroup:
    names: dict[str, str] = field(default_factory=dict)  # lang -> name
    others: set[str] = field(default_factory=set)  # names whose language the index did not tell

    def all_names(self) -> set[str]:
        return set(self.names.values()) | self.others

    def key(self) -> str:
        return self.names.get("en") or self.names.get("fr") or sorted(self.all_names())[0]

    def label(self, ui_lang: str) -> str:
        return self.names.get(ui_lang) or self.key()


class DepartmentCatalog:
    def __init__(self, groups: list[DepartmentGroup]) -> None:
        self.groups = groups
        self._by_name = {name: g for g in groups for name in g.all_names()}

    @classmethod
    def build(cls, names: list[str], retriever: RetrieverLike) -> "DepartmentCatalog":
        """Group `names` by the translations of the releases that carry them."""
        lang_of: dict[str, str] = {}
        parent: dict[str, str] = {n: n for n in names}

        def find(n: str) -> str:
            while parent[n] != n:
                parent[n] = parent[parent[n]]
                n = parent[n]
            return n

        for name in names:
            hits = retriever.search(name, k=PROBE_HITS, department=name, collapse_pairs=False)
            mine = [h for h in hits if h.metadata.get("department") == name]
            if not mine:
                continue
            lang_of[name] = mine[0].lang
            other_ids = sorted({t for h in mine for t in h.translations})
            for other in retriever.releases(other_ids).values():
                dept = other.metadata.get("department")
                if isinstance(dept, str) and dept in parent and dept != name:
                    lang_of.setdefault(dept, other.lang)
                    parent[find(dept)] = find(name)
        grouped: dict[str, DepartmentGroup] = {}
        for name in names:
            group = grouped.setdefault(find(name), DepartmentGroup())
            lang = lang_of.get(name)
            if lang and lang not in group.names:
                group.names[lang] = name
            else:
                group.others.add(name)
        return cls(list(grouped.values()))

    def choices(self, ui_lang: str) -> list[tuple[str, str]]:
        """(label, value) sorted by label, one per department."""
        return sorted(((g.label(ui_lang), g.key()) for g in self.groups), key=lambda c: c[0].casefold())

    def label_of(self, value: str, ui_lang: str) -> str:
        """How the interface names the department `value` (any of its names)."""
        group = self._by_name.get(value)
        return group.label(ui_lang) if group is not None else value

    def matcher(self, value: str) -> DepartmentName:
        group = self._by_name.get(value)
        if group is None:
            return DepartmentName.single(value)
        return DepartmentName(value, frozenset(group.all_names()))
