"""The arrows between the packages, read from the source: every `import` of every file, the lazy
ones inside functions included, so that a layer cannot reach upwards by importing late.

    ui → assistant → index,  ingest → index,  evals → assistant, index,  bench → all but ui

Every layer is a subpackage of `communique` (the folder `index/` is `communique.index`), and no
file imports a layer by its bare folder name: a second module identity (`index.models.Hit` beside
`communique.index.models.Hit`) would break isinstance checks and load everything twice.

`index` imports none of ours, `ui` is the top and nothing imports it, and no two files import
each other, directly or round a longer circle (a circle makes import order matter and hides
which file owns what).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "communique"
LAYERS = ("index", "ingest", "assistant", "evals", "bench", "ui")
# What each layer may import (besides itself); anything else of ours is a wrong-way arrow.
ALLOWED: dict[str, frozenset[str]] = {
    "index": frozenset(),
    "ingest": frozenset({"index"}),
    "assistant": frozenset({"index"}),
    "evals": frozenset({"assistant", "index"}),
    "bench": frozenset({"index", "ingest", "assistant", "evals"}),
    "ui": frozenset({"index", "ingest", "assistant", "evals", "bench"}),
}


@dataclass(frozen=True)
class ImportEdge:
    source: str  # dotted module of the importing file
    target: str  # dotted module (or package) of ours it imports
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(REPO_ROOT)}:{self.line}: {self.source} imports {self.target}"


def module_name(path: Path) -> str:
    """`index/retriever.py` → `communique.index.retriever` (pyproject.toml maps the folders)."""
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def layer_of(module: str) -> str:
    """`communique.index.retriever` → `index`."""
    return module.split(".")[1]


def project_files() -> dict[str, Path]:
    files = {}
    for layer in LAYERS:
        for path in sorted((REPO_ROOT / layer).rglob("*.py")):
            files[module_name(path)] = path
    return files


def resolve(name: str, known: set[str]) -> str | None:
    """The longest known module that `name` names or lives in (`index.retriever.Retriever` → `index.retriever`)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def imports_of(source: str, path: Path, module: str, known: set[str]) -> list[ImportEdge]:
    """Every import in `source` that lands on one of our modules, wherever it sits in the file."""
    is_package = path.name == "__init__.py"
    edges: list[ImportEdge] = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: climb from this file's package
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            # `from bench import indexes` imports the submodule; `from index import Retriever` the package.
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        for name in names:
            target = resolve(name, known)
            if target is None or target == module:
                continue
            edge = ImportEdge(module, target, path, getattr(node, "lineno", 0))
            if edge not in edges:
                edges.append(edge)
    return edges


def import_graph() -> list[ImportEdge]:
    files = project_files()
    known = set(files)
    edges = []
    for module, path in files.items():
        edges += imports_of(path.read_text(encoding="utf-8"), path, module, known)
    return edges


def circles(edges: list[ImportEdge]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan), each sorted."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


@pytest.fixture(scope="module")
def edges() -> list[ImportEdge]:
    return import_graph()


def test_the_reader_sees_lazy_relative_and_from_imports(tmp_path):
    known = {"communique.index", "communique.index.models", "communique.index.retriever", "communique.ui",
             "communique.ui.cli", "communique.bench", "communique.bench.indexes", "communique.bench.worker"}
    source = (
        "import communique.index.models as m\n"
        "from . import indexes\n"
        "def late():\n"
        "    from communique.ui.cli import main\n"
        "    import numpy\n"
        "class C:\n"
        "    def m(self):\n"
        "        from communique.index import Retriever\n"
    )
    path = REPO_ROOT / "bench" / "worker.py"
    found = [(e.target, e.line) for e in imports_of(source, path, "communique.bench.worker", known)]
    assert found == [("communique.index.models", 1), ("communique.bench.indexes", 2), ("communique.ui.cli", 4),
                     ("communique.index", 8)]


def bare_layer_imports() -> list[str]:
    """Imports of a layer by its folder name (`from index.models import Hit`), in code and tests."""
    found = []
    for path in sorted([*project_files().values(), *(REPO_ROOT / "tests").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.relative_to(REPO_ROOT)}:{node.lineno}: {name}" for name in names
                      if name.split(".")[0] in LAYERS]
    return found


def test_no_file_imports_a_layer_by_its_folder_name():
    found = bare_layer_imports()
    assert not found, "import these as communique.<layer>:\n" + "\n".join(found)


def test_the_circle_finder_finds_long_circles_only():
    def edge(a: str, b: str) -> ImportEdge:
        return ImportEdge(a, b, REPO_ROOT / "x.py", 1)

    found = circles([edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("c", "d"), edge("d", "e")])
    assert found == [["a", "b", "c"]]


def test_every_layer_has_files_to_check(edges):
    sources = {layer_of(e.source) for e in edges}
    assert sources == set(LAYERS), f"no imports read from {set(LAYERS) - sources}"


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_only_what_it_may(edges, layer):
    wrong = [str(e) for e in edges
             if layer_of(e.source) == layer and layer_of(e.target) not in ALLOWED[layer] | {layer}]
    allowed = ", ".join(sorted(ALLOWED[layer])) or "none of ours"
    assert not wrong, f"`{layer}` may import {allowed}; found:\n" + "\n".join(wrong)


def test_nothing_imports_ui(edges):
    wrong = [str(e) for e in edges if layer_of(e.target) == "ui" and layer_of(e.source) != "ui"]
    assert not wrong, "ui is the top layer; found:\n" + "\n".join(wrong)


def test_no_circles_between_files(edges):
    found = circles(edges)
    detail = []
    for group in found:
        members = set(group)
        detail += [f"  {e}" for e in edges if e.source in members and e.target in members]
    assert not found, "import circles:\n" + "\n".join(" → ".join(g) for g in found) + "\n" + "\n".join(detail)
