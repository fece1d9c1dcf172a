"""The package's import graph has floors, not a circle (docs: architecture, "One direction").

Module-level imports of every ``vaultkit`` module are read with :mod:`ast` (imports inside
functions and under ``if TYPE_CHECKING:`` are not edges: they run late or never) and the
strongly connected components of that graph are computed; any component of more than one
module is an import circle, named in the failure with one of its edges.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vaultkit"


def module_names(package: Path) -> dict[str, Path]:
    out = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The vaultkit modules ``name`` imports when it is itself imported."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def walk(statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue  # runs when called, not when imported
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                walk(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    prefix = package[: len(package) - node.level + 1]
                    base = ".".join([*prefix, *([base] if base else [])])
                for alias in node.names:
                    # `from pkg import submodule` needs the submodule, not pkg's own body
                    child = f"{base}.{alias.name}"
                    found.add(child if child in known else base)
            for field in ("body", "orelse", "finalbody"):  # if/try/with/for/class bodies
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    walk(inner)
            for handler in getattr(node, "handlers", ()):
                walk(handler.body)

    walk(ast.parse(path.read_text(encoding="utf-8")).body)
    return {m for m in found if m in known and m != name}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = module_names(package)
    known = set(modules)
    return {name: module_imports(name, path, known) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_the_package_has_no_import_circle() -> None:
    graph = import_graph()
    assert len(graph) > 50  # the walk did find the package
    found = cycles(graph)
    described = [f"{' <-> '.join(c)} (e.g. {c[0]} imports "
                 f"{sorted(graph[c[0]] & set(c))})" for c in found]
    assert found == [], "import circle(s): " + "; ".join(described)


def test_the_reader_sees_the_edges_that_matter() -> None:
    graph = import_graph()
    assert "vaultkit.engine" in graph["vaultkit.vault"]  # a plain module-level import
    # imports inside functions (the cli's edges) and under TYPE_CHECKING are not edges
    assert "vaultkit.vault" not in graph["vaultkit.cli_lint"]
    assert "vaultkit.vault" not in graph["vaultkit"]
    assert "vaultkit.index.render" in graph["vaultkit.index.pages"]  # `from pkg import module`


def test_a_circle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
