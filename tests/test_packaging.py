"""The wheel installs one import name, `communique`, and every folder of ours inside it.

A wheel that put `index`, `assistant` or `ui` into site-packages let a user's own `assistant.py`
shadow the library; these tests build the real wheel and read what it would install.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest

from tests.test_imports import LAYERS, REPO_ROOT


def packages_on_disk() -> set[str]:
    found = {"communique"}
    for layer in LAYERS:
        for init in (REPO_ROOT / layer).rglob("__init__.py"):
            found.add(".".join(["communique", *init.parent.relative_to(REPO_ROOT).parts]))
    return found


def test_every_folder_of_ours_is_a_listed_subpackage():
    settings = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(settings["packages"]) == packages_on_disk()
    for package, folder in settings["package-dir"].items():
        assert package == "communique." + folder.replace("/", "."), (package, folder)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    # Built from a copy of the files git knows: setuptools leaves build/ and *.egg-info in the source
    # folder, and a stale build/ would smuggle deleted modules into the wheel.
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=True).stdout.split("\n")
    for name in filter(None, listed):
        if (REPO_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, source / name)
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(out), str(source)], capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    (path,) = out.glob("communique-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_adds_one_top_level_name(wheel):
    names = wheel.namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"communique"}
    top_level = [n for n in names if n.endswith(".dist-info/top_level.txt")]
    if top_level:  # setuptools writes it; its content is what pip reports as installed names
        assert wheel.read(top_level[0]).decode().split() == ["communique"]


def test_the_wheel_carries_the_code_and_data_the_product_reads(wheel):
    names = set(wheel.namelist())
    for expected in ("communique/__init__.py", "communique/index/retriever.py", "communique/ui/cli.py",
                     "communique/ui/style.css", "communique/assistant/abstain_model.json", "communique/assistant/glossary.txt",
                     "communique/index/storage/postgres.py", "communique/ingest/readers/jsonl.py"):
        assert expected in names, expected
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "communique = communique.ui.cli:main" in wheel.read(entry).decode()


def test_the_public_names_load_lazily_from_one_import():
    code = ("import sys, communique; assert 'faiss' not in sys.modules, 'import communique loaded FAISS'; "
            "from communique import Assistant, Retriever, ingest_paths, Answer; "
            "print(Assistant.__module__, Retriever.__module__, ingest_paths.__module__, Answer.__module__)")
    run = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["communique.assistant.assistant", "communique.index.retriever",
                                  "communique.ingest.pipeline", "communique.assistant.models"]
