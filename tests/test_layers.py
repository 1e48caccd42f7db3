"""The package's shape: imports point down, no cycles, small modules, a light
start, and the import paths an index stores on disk."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "searchkit"

#: Each part of the package and its layer: a module may import from lower
#: layers and from its own part, never from a higher layer or from another
#: part of its own layer.
LAYERS = {
    "version": 0,
    "errors": 0,
    "model": 1,
    "symbols": 1,
    "works": 1,
    "config": 1,
    "readers": 2,
    "analysis": 2,
    "families": 2,
    "index": 3,
    "query": 3,
    "indexing": 4,
    "retrieval": 4,
    "eval": 5,
    "web": 6,
    "cli": 7,
}
#: The package's own __init__ (lazy public names) and __main__ stand above all.
TOP = {"searchkit", "searchkit.__main__"}
MAX_LINES = 600
HEAVY = ("whoosh", "numpy", "bs4", "pymorphy3")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    """Every searchkit module ``path`` imports, wherever the import statement is
    (imports only for type checkers left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("searchkit")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if not module.startswith("searchkit"):
                continue
            submodules = {f"{module}.{a.name}" for a in node.names}
            if all(_is_module(m) for m in submodules):  # from . import plan: those modules
                found |= submodules
            else:  # from .plan import Plan (and the package's own names)
                found.add(module)
    return found


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        graph[name] = {m for m in _imports(path, name) if _is_module(m) and m != name}
    return graph


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_every_part_has_a_layer() -> None:
    parts = {_part(m) for m in _graph() if m not in TOP}
    assert parts == set(LAYERS)


def _upward(graph: dict[str, set[str]]) -> list[str]:
    """The imports of ``graph`` that point up or sideways."""
    wrong = []
    for module, imported in graph.items():
        if module in TOP:
            continue
        mine = LAYERS[_part(module)]
        for other in imported:
            if other in TOP:
                wrong.append(f"{module} imports the package root {other}")
                continue
            theirs = LAYERS[_part(other)]
            if _part(other) != _part(module) and theirs >= mine:
                wrong.append(f"{module} (layer {mine}) imports {other} (layer {theirs})")
    return wrong


def test_imports_point_down() -> None:
    assert _upward(_graph()) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The modules of ``graph`` that import each other, in groups."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []
    looped = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(looped) == [["a", "b", "c"]]  # the check can fail


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The checks above must be able to fail: an import of the CLI inside a
    function of the index layer, or of a sibling part, is seen and refused."""
    found = _imports(PACKAGE / "index" / "writer.py", "searchkit.index.writer")
    assert "searchkit.index.pool" in found and "searchkit.analysis" in found
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from ..cli import app\n    from ..query.plan import Plan\n",
        encoding="utf-8",
    )
    graph = {"searchkit.index.probe": _imports(probe, "searchkit.index.probe")}
    assert graph["searchkit.index.probe"] == {"searchkit.cli.app", "searchkit.query.plan"}
    assert len(_upward(graph)) == 2


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    return out


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["search", "--help"]])
def test_version_and_help_import_nothing_heavy(argv: list[str]) -> None:
    code = (
        "import sys, contextlib, io\n"
        f"sys.argv = ['searchkit', *{argv!r}]\n"
        "from searchkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()"
    )
    loaded = _loaded_after(code)
    assert "searchkit.cli.app" in loaded  # the command did run
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []


def test_import_searchkit_is_light_and_names_load_on_use() -> None:
    loaded = _loaded_after("import searchkit")
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []
    import searchkit

    assert callable(searchkit.search) and searchkit.Index.__name__ == "Index"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = searchkit.nothing  # type: ignore[attr-defined]


def test_a_search_imports_no_reader_and_no_indexer(seed_index: Path) -> None:
    loaded = _loaded_after(f"from searchkit import search\nsearch({str(seed_index)!r}, 'ввоз')")
    assert "searchkit.retrieval.ranker" in loaded
    assert [m for m in loaded if m.startswith(("searchkit.readers", "searchkit.indexing"))] == []
    assert "bs4" not in loaded and "typer" not in loaded


def test_a_cli_search_imports_no_reader(seed_index: Path) -> None:
    """The command, with --parallel (browse), as cron and users run it."""
    code = (
        "import sys, contextlib, io\n"
        f"sys.argv = ['searchkit', 'search', 'ввоз', '--index', {str(seed_index)!r},"
        " '--parallel', 'en']\n"
        "from searchkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()"
    )
    loaded = _loaded_after(code)
    assert "searchkit.retrieval.browse" in loaded
    assert [m for m in loaded if m.startswith(("searchkit.readers", "searchkit.indexing"))] == []
    assert "bs4" not in loaded


def test_an_index_stores_exactly_the_documented_import_paths(seed_index: Path) -> None:
    """whoosh pickles the schema and the codec into the table of contents: the
    classes named there are part of the on-disk format (searchkit.index.PICKLED)."""
    import re

    from searchkit.index import PICKLED
    from searchkit.index.generations import current_generation

    toc = next((seed_index / str(current_generation(seed_index))).glob("_MAIN_*.toc"))
    data = toc.read_bytes()
    # a pickled class: GLOBAL "c<module>\n<name>\n" (protocol 2), or (protocol 4)
    # SHORT_BINUNICODE module, MEMOIZE, SHORT_BINUNICODE name, MEMOIZE, STACK_GLOBAL
    named = {
        f"{m.decode()}.{n.decode()}" for m, n in re.findall(rb"c(searchkit[\w.]*)\n(\w+)\n", data)
    }
    named |= {
        f"{m.decode()}.{n.decode()}"
        for m, n in re.findall(rb"\x8c.(searchkit[\w.]*)\x94\x8c.(\w+)\x94\x93", data, re.S)
    }
    assert named == set(PICKLED)
