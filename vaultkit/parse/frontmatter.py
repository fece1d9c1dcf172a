"""YAML frontmatter: ``---`` on line 1 up to the closing ``---`` or ``...``.

The loader is ``safe_load`` semantics (the C loader when present) with two changes that
matter for notes: timestamps stay the strings the user wrote (``date: 2023-03-14`` must
round-trip and compare as text), and a duplicate key is reported instead of silently
keeping the last value.  Aliases are allowed but a document that expands past a budget
(the "billion laughs" bomb) is refused before anything walks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from vaultkit.model import Frontmatter, Problem, Span
from vaultkit.positions import SourceText

try:  # libyaml is several times faster on large frontmatter
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_OPEN = re.compile(r"---[ \t]*\Z")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*\Z")
MAX_EXPANDED_NODES = 10_000
"""How many nodes the frontmatter may expand to once aliases are followed."""


class _NoteLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader without the timestamp resolver, recording duplicate keys."""

    duplicates: list[tuple[yaml.Node, yaml.Node]]


_NoteLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _NoteLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        try:
            key = loader.construct_object(key_node, deep=True)
            hash(key)
        except (TypeError, yaml.constructor.ConstructorError):
            continue
        if key in seen:
            loader.duplicates.append((seen[key], key_node))
        else:
            seen[key] = key_node
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


def _construct_yaml_map(loader: _NoteLoader, node: yaml.MappingNode) -> Any:
    data: dict[Any, Any] = {}
    yield data
    data.update(_construct_mapping(loader, node))


def _construct_yaml_int(loader: _NoteLoader, node: yaml.ScalarNode) -> Any:
    """An integer, or a YAML error at it when Python refuses to convert it.

    Python limits decimal string-to-int conversion to 4,300 digits (CVE-2020-10735);
    past that ``int()`` raises ``ValueError``, which is the note's problem, not vaultkit's.
    """
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError as error:
        digits = sum(c.isdigit() for c in str(node.value))
        raise yaml.constructor.ConstructorError(
            None, None, f"integer with {digits:,} digits is too long to read ({error.args[0].split(':')[0]}); "
            "quote it to keep it as text", node.start_mark) from error


_NoteLoader.add_constructor("tag:yaml.org,2002:map", _construct_yaml_map)  # type: ignore[arg-type]
_NoteLoader.add_constructor("tag:yaml.org,2002:int", _construct_yaml_int)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class FrontmatterResult:
    frontmatter: Frontmatter | None
    body_line: int
    """First line of the body (1 when there is no frontmatter)."""
    problems: tuple[Problem, ...]


def split_frontmatter(source: SourceText) -> FrontmatterResult:
    """Find and parse the frontmatter block of a note."""
    if source.line_count < 1 or not _OPEN.match(source.line(1)):
        return FrontmatterResult(None, 1, ())
    close = next(
        (n for n in range(2, source.line_count + 1) if _CLOSE.match(source.line(n))), None
    )
    if close is None:
        span = source.line_span(1)
        problem = Problem(
            "VK001", span, "frontmatter is not closed: add a line '---' after the properties"
        )
        return FrontmatterResult(None, 1, (problem,))

    raw = "\n".join(source.line(n) for n in range(2, close)) + ("\n" if close > 2 else "")
    fence_span = Span(1, 1, close, len(source.line(close)) + 1)
    data, key_spans, problems = _load(raw, first_line=2)
    fm = Frontmatter(raw=raw, span=fence_span, data=data, key_spans=key_spans)
    if not problems and data is not None and not isinstance(data, dict):
        kind = type(data).__name__
        problems = (
            Problem("VK001", fence_span, f"frontmatter must be a mapping of properties, not a {kind}"),
        )
    return FrontmatterResult(fm, close + 1, problems)


def _load(
    raw: str, first_line: int
) -> tuple[Any, tuple[tuple[tuple[str, ...], Span], ...], tuple[Problem, ...]]:
    """Parse the YAML, returning data, key positions and problems (lines in the note)."""
    loader = _NoteLoader(raw)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, (), ()
        expanded = _expanded_size(node)
        if expanded > MAX_EXPANDED_NODES:
            span = _node_span(node, first_line, raw)
            message = (
                f"frontmatter expands to more than {MAX_EXPANDED_NODES:,} values through "
                "aliases; refusing to load it"
            )
            return None, (), (Problem("VK001", span, message),)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return None, (), (Problem("VK001", _mark_span(mark, first_line, raw), _yaml_message(error)),)
    except yaml.YAMLError as error:
        span = Span(first_line, 1, first_line, 1)
        return None, (), (Problem("VK001", span, f"invalid YAML: {error}"),)
    except RecursionError:
        span = Span(first_line, 1, first_line, 1)
        return None, (), (Problem("VK001", span, "frontmatter is nested too deeply"),)
    finally:
        loader.dispose()

    problems = tuple(
        Problem(
            "VK003",
            _node_span(dup, first_line, raw),
            f"duplicate property '{dup.value}' (first defined on line "
            f"{first.start_mark.line + first_line}); only the last value is kept",
        )
        for first, dup in loader.duplicates
    )
    return data, tuple(_key_spans(node, first_line, raw)), problems


def _expanded_size(root: yaml.Node) -> int:
    """Number of nodes once aliases are followed, counted without expanding them."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        ident = id(node)
        if ident in memo:
            return memo[ident]
        if ident in active:  # a recursive structure: infinite once expanded
            return MAX_EXPANDED_NODES + 1
        active.add(ident)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                total += size(child)
                if total > MAX_EXPANDED_NODES:
                    break
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                total += size(key) + size(value)
                if total > MAX_EXPANDED_NODES:
                    break
        active.discard(ident)
        memo[ident] = total
        return total

    return size(root)


def _key_spans(
    root: yaml.Node, first_line: int, raw: str
) -> list[tuple[tuple[str, ...], Span]]:
    out: list[tuple[tuple[str, ...], Span]] = []
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen or len(path) > 32:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    key_path = path + (str(key.value),)
                    out.append((key_path, _node_span(key, first_line, raw)))
                    stack.append((value, key_path))
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                stack.append((child, path + (str(index),)))
    out.sort(key=lambda item: (item[1].line, item[1].column))
    return out


def _node_span(node: yaml.Node, first_line: int, raw: str) -> Span:
    start, end = node.start_mark, node.end_mark
    if end.line != start.line:  # keep block values to their first line
        line = raw.split("\n")[start.line] if start.line < raw.count("\n") + 1 else ""
        return Span(start.line + first_line, start.column + 1, start.line + first_line, len(line) + 1)
    return Span(start.line + first_line, start.column + 1, end.line + first_line, end.column + 1)


def _mark_span(mark: yaml.Mark | None, first_line: int, raw: str) -> Span:
    if mark is None:
        return Span(first_line, 1, first_line, 1)
    lines = raw.split("\n")
    line_no = min(mark.line, max(len(lines) - 1, 0))
    line = lines[line_no] if lines else ""
    column = min(mark.column, len(line))
    # Point at the rest of the offending line so editors underline something visible.
    return Span(line_no + first_line, column + 1, line_no + first_line, max(len(line), column) + 1)


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (error.context, error.problem) if p]
    return "invalid YAML in frontmatter: " + ", ".join(parts)
