"""Document symbols (sections and Log actions), workspace symbols (papers), code actions."""

from __future__ import annotations

from typing import Callable, Sequence

from lsprotocol import types

from vaultkit.lsp.convert import Codec
from vaultkit.lsp.workspace import LiveVault
from vaultkit.model import Finding, Note, Span

WORKSPACE_LIMIT = 200


def document_symbols(lv: LiveVault, codec: Codec, note: Note) -> list[types.DocumentSymbol]:
    """Headings as a tree (each spanning its section), Log actions inside their section."""
    lines = note.lines
    roots: list[types.DocumentSymbol] = []
    stack: list[tuple[int, types.DocumentSymbol]] = []
    actions = _actions(lv, note)
    for section in note.sections:
        heading = section.heading
        if heading is None:
            continue
        end_line = max(section.end_line, heading.span.end_line)
        end_col = len(lines[end_line - 1]) + 1 if 0 < end_line <= len(lines) else 1
        symbol = types.DocumentSymbol(
            name=heading.text or "(empty heading)",
            kind=types.SymbolKind.Namespace if heading.level <= 2 else types.SymbolKind.Module,
            range=codec.range(lines, Span(heading.span.line, 1, end_line, end_col)),
            selection_range=codec.range(lines, heading.text_span),
            detail="#" * heading.level,
            children=[],
        )
        for span, name, detail in actions:
            if section.start_line <= span.line <= section.direct_end_line:
                symbol.children.append(types.DocumentSymbol(  # type: ignore[union-attr]
                    name=name, kind=types.SymbolKind.Event, detail=detail,
                    range=codec.range(lines, span), selection_range=codec.range(lines, span)))
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(symbol)  # type: ignore[union-attr]
        stack.append((heading.level, symbol))
    return roots


def _actions(lv: LiveVault, note: Note) -> list[tuple[Span, str, str]]:
    """(span of the whole bullet line, ``verb @key``, the bullet text) of each Log action."""
    from vaultkit.schema.log import action_citekey, log_entries

    out = []
    for schema in lv.schemas_for(note):
        if schema.log is None:
            continue
        for entry in log_entries(note, schema):
            if entry.kind != "action" or entry.tag is None:
                continue
            key = action_citekey(note, entry)
            source = f"@{key}" if key else (entry.tag.argument or "")
            item = entry.item
            span = Span(item.line, item.marker_span.column, item.line, item.text_span.end_column)
            out.append((span, f"{entry.tag.name} {source}".strip(), item.text))
        break
    return out


def workspace_symbols(lv: LiveVault, codec: Codec, uri_of: Callable[[str], str],
                      query: str) -> list[types.SymbolInformation]:
    """Papers whose key or title contains ``query``: the paper note, else the entry."""
    q = query.lower().lstrip("@")
    bib = lv.bibliography()
    out = []
    seen = set()
    for entry in (bib.entries.values() if bib is not None else ()):
        seen.add(entry.key)
        if q and q not in entry.key.lower() and q not in (entry.title or "").lower():
            continue
        note = lv.paper_note(entry.key)
        path, span = (note, Span(1, 1, 1, 1)) if note else (entry.source, entry.span)
        out.append(types.SymbolInformation(
            name=f"@{entry.key}", kind=types.SymbolKind.Class, container_name=entry.title or None,
            location=types.Location(uri_of(path), codec.range(lv.lines(path), span))))
        if len(out) >= WORKSPACE_LIMIT:
            return out
    for key, path in sorted(lv.paper_keys().items()):
        if key in seen or (q and q not in key.lower()):
            continue
        out.append(types.SymbolInformation(
            name=f"@{key}", kind=types.SymbolKind.Class,
            location=types.Location(uri_of(path), codec.range(lv.lines(path), Span(1, 1, 1, 1)))))
        if len(out) >= WORKSPACE_LIMIT:
            break
    return out


def code_actions(codec: Codec, uri_of: Callable[[str], str], findings: Sequence[Finding],
                 lines: Sequence[str], want: types.Range, only: Sequence[str] | None,
                 docs_url: str | None, fix_all: Callable[[], tuple[str, int] | None] | None = None,
                 ) -> list[types.CodeAction]:
    """A quick fix per finding with a fix in ``want``; "fix all" (``fix_all()``: the note
    with every safe fix applied, as ``lint --fix`` would, and how many) for the note."""
    out: list[types.CodeAction] = []
    if not only or any(k.startswith(types.CodeActionKind.QuickFix) for k in only):
        for finding in findings:
            if finding.fix is None or not _overlaps(codec.range(lines, finding.span), want):
                continue
            out.append(types.CodeAction(
                title=finding.fix.title + ("" if finding.fix.applicability == "safe" else " (unsafe)"),
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[codec.diagnostic(finding, lines, docs_url)],
                is_preferred=finding.fix.applicability == "safe",
                edit=types.WorkspaceEdit(changes={uri_of(finding.path): codec.text_edits(lines, finding.fix.edits)}),
            ))
    # "source", "source.fixAll" and "source.fixAll.vaultkit" all ask for it
    wants_all = not only or any(types.CodeActionKind.SourceFixAll.startswith(k) or k.startswith(
        types.CodeActionKind.SourceFixAll) for k in only)
    safe = [f for f in findings if f.fix is not None and f.fix.applicability == "safe"]
    if safe and wants_all and fix_all is not None:
        fixed = fix_all()
        if fixed is not None:
            text, count = fixed
            end = codec.position(lines, len(lines), len(lines[-1]) + 1 if lines else 1)
            whole = types.Range(types.Position(0, 0), end)
            out.append(types.CodeAction(
                title=f"vaultkit: fix all safe problems ({count})",
                kind=types.CodeActionKind.SourceFixAll + ".vaultkit",
                edit=types.WorkspaceEdit(changes={uri_of(safe[0].path): [types.TextEdit(whole, text)]}),
            ))
    return out


def _overlaps(a: types.Range, b: types.Range) -> bool:
    start_a, end_a = (a.start.line, a.start.character), (a.end.line, a.end.character)
    start_b, end_b = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return start_a <= end_b and start_b <= end_a

