"""Imports point one way (DESIGN.md): no two newsfuse modules import each
other, directly or around a loop, even inside functions; and the server uses
only the library's public API."""

import ast
from pathlib import Path

import newsfuse

PACKAGE = Path(newsfuse.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def runtime_nodes(node: ast.AST):
    """Every node, leaving out `if TYPE_CHECKING:` blocks (never run)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and getattr(child.test, "id", getattr(child.test, "attr", None)) == "TYPE_CHECKING":
            continue
        yield from runtime_nodes(child)


def imported(path: Path, modules: set[str]) -> set[str]:
    """newsfuse modules that ``path`` imports anywhere (top level or in a function),
    relative imports resolved. ``from package import name`` is the submodule
    when ``name`` is one (the package itself is already imported as its parent)."""
    here = module_name(path)
    base = here if is_package(path) else here.rpartition(".")[0]
    found = set()
    for node in runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            origin = base
            for _ in range(node.level - 1):
                origin = origin.rpartition(".")[0]
            target = ".".join(p for p in (origin if node.level else "", node.module or "") if p)
            submodules = {f"{target}.{alias.name}" for alias in node.names} & modules
            found.update(submodules)
            if len(submodules) < len(node.names):  # names defined in the module (or package) itself
                found.add(target)
    return {name for name in found if name in modules and name != here}


def import_graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(f) for f in files}
    return {module_name(f): imported(f, modules) for f in files}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the components of more than one module (cycles)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_relative_and_function_level_imports():
    graph = import_graph()
    assert "newsfuse.store" in graph["newsfuse.query"]  # from .store import Store
    assert "newsfuse.story_record" in graph["newsfuse.query"]  # inside a function
    assert "newsfuse.serve.app" in graph["newsfuse.cli"]  # inside the serve command


def test_the_checker_finds_a_cycle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_among_newsfuse_modules():
    assert strongly_connected(import_graph()) == []


def test_the_server_uses_only_the_public_api():
    """serve/ may import fastapi and friends, its own modules, and `newsfuse`
    itself: names imported from it and attributes read from it are public."""
    public = set(newsfuse.__all__)
    for path in sorted((PACKAGE / "serve").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 2:  # from .. import X, from ..store import X
                assert node.module is None, f"{path.name}: from ..{node.module} (internal)"
                assert {a.name for a in node.names} <= public, f"{path.name}: {[a.name for a in node.names]}"
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("newsfuse"):
                assert node.module == "newsfuse", f"{path.name}: from {node.module} (internal)"
                assert {a.name for a in node.names} <= public, f"{path.name}: {[a.name for a in node.names]}"
            elif isinstance(node, ast.Import):
                assert all(a.name == "newsfuse" or not a.name.startswith("newsfuse") for a in node.names), path.name
            elif isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "newsfuse":
                assert node.attr in public, f"{path.name}: newsfuse.{node.attr} is not public"
