"""YAML frontmatter: ``---`` on line 1 up to the closing ``---`` or ``...``.

The loader is vaultkit's one YAML loader (:mod:`vaultkit.yamlload`): ``safe_load``
semantics with timestamps kept as written and duplicate keys recorded; a duplicate is
reported here (VK003), and a document that expands past the alias budget (the "billion
laughs" bomb) is refused (VK001) before anything walks it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from vaultkit.lazyre import lazy
from vaultkit.model import Frontmatter, Problem, Span
from vaultkit.positions import SourceText

if TYPE_CHECKING:
    import yaml

_OPEN = re.compile(r"---[ \t]*\Z")
_CLOSE = lazy(r"(?:---|\.\.\.)[ \t]*\Z")


class FrontmatterResult(Struct, frozen=True):
    # a Struct, not a dataclass: no methods compiled at every start-up
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
    # PyYAML at its use: a note without frontmatter (and a lint of one) never imports it,
    # and its import is a tenth of a one-note lint
    import yaml

    from vaultkit.yamlload import (
        MAX_EXPANDED_NODES, NoteLoader, expanded_size, key_spans, node_span,
    )

    loader = NoteLoader(raw)
    loader.duplicates = []
    try:
        node = loader.get_single_node()
        if node is None:
            return None, (), ()
        expanded = expanded_size(node)
        if expanded > MAX_EXPANDED_NODES:
            span = node_span(node, first_line, raw)
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
            node_span(dup, first_line, raw),
            f"duplicate property '{dup.value}' (first defined on line "
            f"{first.start_mark.line + first_line}); only the last value is kept",
        )
        for first, dup in loader.duplicates
    )
    return data, tuple(key_spans(node, first_line, raw)), problems


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
