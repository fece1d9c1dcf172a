"""vaultkit's one YAML loader: for note frontmatter and for its own files (``.vaultkit.yaml``,
schemas in ``rules/``).

``safe_load`` semantics (the C loader when present) with two changes: timestamps stay
the strings the user wrote (``date: 2023-03-14`` must round-trip and compare as text),
and duplicate keys are recorded (``NoteLoader.duplicates``) instead of silently keeping
the last value.  Aliases are allowed; :func:`expanded_size` counts what a document
expands to without expanding it, so a caller refuses a "billion laughs" bomb before
anything walks it.  :func:`key_spans` says where each key was written.  Core: it imports
PyYAML and the span type, nothing of the parser.
"""

from __future__ import annotations

from typing import Any

import yaml

from vaultkit.model import Span

try:  # libyaml is several times faster on large frontmatter
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_EXPANDED_NODES = 10_000
"""How many nodes a document may expand to once aliases are followed."""


class NoteLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader without the timestamp resolver, recording duplicate keys."""

    duplicates: list[tuple[yaml.Node, yaml.Node]]


NoteLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: NoteLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
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


def _construct_yaml_map(loader: NoteLoader, node: yaml.MappingNode) -> Any:
    data: dict[Any, Any] = {}
    yield data
    data.update(_construct_mapping(loader, node))


def _construct_yaml_int(loader: NoteLoader, node: yaml.ScalarNode) -> Any:
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


NoteLoader.add_constructor("tag:yaml.org,2002:map", _construct_yaml_map)  # type: ignore[arg-type]
NoteLoader.add_constructor("tag:yaml.org,2002:int", _construct_yaml_int)  # type: ignore[arg-type]


def expanded_size(root: yaml.Node) -> int:
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


def key_spans(root: yaml.Node, first_line: int, raw: str) -> list[tuple[tuple[str, ...], Span]]:
    """Where each key of ``root`` was written (``raw`` starts on line ``first_line``):
    key paths (list indexes as strings) in the order of the text."""
    out: list[tuple[tuple[str, ...], Span]] = []
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())]
    seen: set[int] = set()
    lines = raw.split("\n")  # once: a span per key must not split the text again
    while stack:
        node, path = stack.pop()
        if id(node) in seen or len(path) > 32:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    key_path = path + (str(key.value),)
                    out.append((key_path, node_span(key, first_line, raw, lines)))
                    stack.append((value, key_path))
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                stack.append((child, path + (str(index),)))
    out.sort(key=lambda item: (item[1].line, item[1].column))
    return out


def node_span(node: yaml.Node, first_line: int, raw: str, lines: list[str] | None = None) -> Span:
    """The span of ``node``; a block value is kept to its first line."""
    start, end = node.start_mark, node.end_mark
    if end.line != start.line:
        lines = raw.split("\n") if lines is None else lines
        line = lines[start.line] if start.line < len(lines) else ""
        return Span(start.line + first_line, start.column + 1, start.line + first_line, len(line) + 1)
    return Span(start.line + first_line, start.column + 1, end.line + first_line, end.column + 1)
