"""The shape of the package, checked: layer contracts, types, no import cycles, small modules with
a stated role, and every deferred import declared (dynaprompt_tui/deferred.py) and kept off the
first frame. See docs/architecture.md for the map these rules keep true."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

from dynaprompt_tui import deferred

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "dynaprompt_tui"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400
MAX_APP_LINES = 200


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_import_contracts_hold() -> None:
    """pyproject's [tool.importlinter]: the core imports no UI, the layers point one way."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    """pyproject's [tool.mypy]: the whole package, strict for the core."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v) & modules:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for m in sorted(modules):
        if m not in index:
            visit(m)
    return out


def test_no_import_cycle_anywhere() -> None:
    """Not even one hidden behind TYPE_CHECKING or inside a function (grimp counts both)."""
    graph = grimp.build_graph("dynaprompt_tui")
    modules = {m for m in graph.modules if m.startswith("dynaprompt_tui")}
    assert _cycles(graph, modules) == []


def test_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for m in ("p.a", "p.b", "p.c"):
        graph.add_module(m)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.b", imported="p.c")
    assert _cycles(graph, {"p.a", "p.b", "p.c"}) == [["p.a", "p.b"]]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_module_is_small_and_says_its_role(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    lines = source.count("\n")
    limit = MAX_APP_LINES if path == PACKAGE / "tui" / "app.py" else MAX_LINES
    assert lines <= limit, f"{path.relative_to(REPO)} has {lines} lines (at most {limit})"
    if path.name != "__init__.py" or source.strip():
        doc = ast.get_docstring(ast.parse(source))
        assert doc and len(doc) > 20, f"{path.relative_to(REPO)} has no docstring saying its role"


def _type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def function_level_imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) of each import made inside a function, outside `if TYPE_CHECKING:`."""
    found: list[tuple[str, int]] = []
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                continue
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if in_function and isinstance(child, ast.Import):
                found.extend((a.name, child.lineno) for a in child.names)
            elif in_function and isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: resolve against this module's package
                    parent = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                # `from pkg import mod` defers pkg.mod when mod is a module.
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    found.append((full if _is_module(full) else base, child.lineno))
            walk(child, inside)

    walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


DECLARED = {**deferred.OFF_FIRST_FRAME, **deferred.OFF_COMMAND_LINE}


def _declared(module: str) -> str | None:
    """The most specific entry that covers `module` (itself or a package above it)."""
    covering = [e for e in DECLARED if module == e or module.startswith(e + ".")]
    return max(covering, key=len) if covering else None


def test_every_function_level_import_is_declared() -> None:
    undeclared = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for path in MODULES
        for module, line in function_level_imports(path)
        if _declared(module) is None
    ]
    assert undeclared == [], "declare these in dynaprompt_tui/deferred.py, or import at the top"


def test_every_declared_deferred_import_is_one() -> None:
    used = {_declared(module) for path in MODULES for module, _ in function_level_imports(path)}
    assert sorted(set(DECLARED) - used) == [], "stale entries in dynaprompt_tui/deferred.py"


FIRST_FRAME = """
import json, sys
from pathlib import Path
from dynaprompt_tui.cli.main import build_app
from dynaprompt_tui.config import load_settings

here = Path.cwd()
settings = load_settings(
    {"db_path": str(here / "chat.db"), "base_url": "http://127.0.0.1:9/v1", "tz": "UTC"},
    env={"OPENAI_API_KEY": "sk-not-used-123456"}, cwd=here, config_path=here / "none.toml",
)
app = build_app(settings)
seen = []
first = app.on_first_frame

def at_first_frame():
    seen.append(sorted(sys.modules))
    first()
    app.exit()

app.on_first_frame = at_first_frame
app.run(headless=True, size=(120, 36))
print(json.dumps(seen[0]))
"""


def _loaded(names: list[str], entries: dict[str, str]) -> list[str]:
    return sorted(m for m in names if any(m == e or m.startswith(e + ".") for e in entries))


def test_the_first_frame_loads_nothing_declared_off_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FIRST_FRAME)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    import json

    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "dynaprompt_tui.tui.app" in loaded  # (the snapshot is of a running app)
    assert _loaded(loaded, deferred.OFF_FIRST_FRAME) == []


def test_help_loads_nothing_declared_off_the_command_line() -> None:
    code = (
        "import sys\nfrom dynaprompt_tui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.strip().splitlines()[-1].split()
    assert _loaded(loaded, deferred.OFF_COMMAND_LINE) == []
    assert "textual" not in loaded


ARCHITECTURE = REPO / "docs" / "architecture.md"


def test_the_map_names_only_paths_that_exist() -> None:
    import re

    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w./]+/[\w./]*)`", text))
    assert named, "docs/architecture.md names no paths"
    missing = [
        p
        for p in sorted(named)
        if not any(
            (base / p).exists() for base in (REPO, PACKAGE, PACKAGE / "core", PACKAGE / "tui")
        )
    ]
    assert missing == []


def test_the_map_names_every_module_of_the_core_and_the_ui() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    unnamed = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if p.name != "__init__.py"
        and p.parent != PACKAGE
        and p.parent.name not in ("widgets", "screens")  # named as folders, read on the screen
        and p.name not in text
    ]
    assert unnamed == [], "add these to docs/architecture.md"
