"""An independent slicer for the span invariant (shared by the parser tests).

Written without vaultkit's position code on purpose: decode the bytes, drop a BOM, split
lines keeping ``\\r\\n``, ``\\r`` and ``\\n`` breaks, and cut (line, column, end_line,
end_column) -- 1-based, end exclusive, columns in code points -- out of the original text.
"""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import unquote


def original_lines(data: bytes | str) -> list[str]:
    """The file's lines, each with its own line break as written."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        text = text[1:]
    lines: list[str] = []
    start = i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            lines.append(text[start : i + 1])
            start = i + 1
        elif c == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
            lines.append(text[start : i + 1])
            start = i + 1
        i += 1
    lines.append(text[start:])  # the last line (possibly empty)
    return lines


def cut(lines: list[str], span: Any) -> str:
    """The original text between two (line, column) points."""
    line, column, end_line, end_column = span.line, span.column, span.end_line, span.end_column
    assert 1 <= line <= end_line <= len(lines), span
    if line == end_line:
        assert 1 <= column <= end_column, span
        # a span never runs into or past the line break
        assert end_column - 1 <= len(lines[line - 1].rstrip("\r\n")), span
        return lines[line - 1][column - 1 : end_column - 1]
    first = lines[line - 1]
    assert column - 1 <= len(first.rstrip("\r\n")), span
    middle = lines[line : end_line - 1]
    last = lines[end_line - 1]
    assert end_column - 1 <= len(last.rstrip("\r\n")), span
    return first[column - 1 :] + "".join(middle) + last[: end_column - 1]


def expectations(note: Any) -> Iterator[tuple[str, Any, str]]:
    """Every (what, span, expected raw text) pair a Note carries."""
    for link in note.links:
        yield f"link {link.raw!r}", link.span, link.raw
    for cite in note.citations:
        yield f"citation {cite.raw!r}", cite.span, cite.raw
    for tag in note.tags:
        yield f"tag {tag.raw!r}", tag.span, tag.raw
        yield f"tag name of {tag.raw!r}", tag.name_span, tag.name
        if tag.argument is not None:
            yield f"tag argument of {tag.raw!r}", tag.argument_span, tag.argument
    for code in note.code_spans:
        yield f"code span {code.raw!r}", code.span, code.raw
    for comment in note.comments:
        yield f"comment {comment.raw!r}", comment.span, comment.raw
    for heading in note.headings:
        yield f"heading text {heading.text!r}", heading.text_span, heading.text
    for item in note.list_items:
        yield f"list marker on line {item.line}", item.marker_span, item.marker
        yield f"list text {item.text!r}", item.text_span, item.text


def _decoded_target(link: Any, written: str) -> str:
    """What ``written`` (the slice at ``target_span``) means as a target."""
    if link.kind in ("wikilink", "embed"):
        return written.strip()
    if link.kind == "autolink":
        return written
    dest = written[1:-1] if written.startswith("<") and written.endswith(">") else written
    if link.is_url:
        return dest
    return unquote(dest.partition("#")[0])


def _inside(inner: Any, outer: Any) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def check_note(data: bytes | str, note: Any) -> list[str]:
    """Describe every span that does not slice back to its raw text."""
    lines = original_lines(data)
    errors = []

    def sliced(what: str, span: Any) -> str | None:
        if span is None:
            errors.append(f"{what}: no span")
            return None
        try:
            return cut(lines, span)
        except AssertionError as error:
            errors.append(f"{what}: span {span} out of range ({error})")
            return None

    for what, span, expected in expectations(note):
        got = sliced(what, span)
        if got is not None and got != expected:
            errors.append(f"{what}: span {span} slices {got!r}, expected {expected!r}")
    for link in note.links:
        if link.target_span is None:
            continue
        what = f"target of {link.raw!r}"
        got = sliced(what, link.target_span)
        if got is None:
            continue
        if not _inside(link.target_span, link.span):
            errors.append(f"{what}: span {link.target_span} outside the link {link.span}")
        elif _decoded_target(link, got) != link.target:
            errors.append(f"{what}: slices {got!r}, which does not mean {link.target!r}")
    for heading in note.headings:
        whole = sliced(f"heading {heading.text!r}", heading.span)
        if whole is not None and not _inside(heading.text_span, heading.span):
            errors.append(f"heading {heading.text!r}: text span outside {heading.span}: {whole!r}")
    return errors
