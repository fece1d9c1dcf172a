"""Hover, definition, references and rename: following citekeys and links through the vault."""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from typing import Callable
from urllib.parse import quote

from lsprotocol import types

from vaultkit.lsp import papers
from vaultkit.lsp.convert import Codec
from vaultkit.lsp.cursor import citation_at, key_span, link_at
from vaultkit.lsp.workspace import LiveVault, block_ids
from vaultkit.model import Citation, Link, Note, Span
from vaultkit.references import heading_key
from vaultkit.vault import NOTE_SUFFIX, sanitize_key

UriOf = Callable[[str], str]
_START = Span(1, 1, 1, 1)
_PREVIEW_LINES = 12


class Navigator:
    def __init__(self, lv: LiveVault, codec: Codec, uri_of: UriOf, *, rename_in_bibliography: bool = True) -> None:
        self.lv, self.codec, self.uri_of = lv, codec, uri_of
        self.rename_in_bibliography = rename_in_bibliography
        """A citekey renamed is renamed in the vault's .bib / CSL files too."""
        self.notices: list[str] = []
        """What the user must be told about the last rename (a file it could not edit)."""

    def location(self, path: str, span: Span) -> types.Location:
        return types.Location(self.uri_of(path), self.codec.range(self.lv.lines(path), span))

    def _at(self, path: str, position: types.Position) -> tuple[Note | None, Citation | None, Link | None]:
        note = self.lv.note(path)
        if note is None or not note.readable:
            return note, None, None
        line, column = self.codec.line_column(note.lines, position)
        return note, citation_at(note, line, column), link_at(note, line, column)

    # -- hover ----------------------------------------------------------------------
    def hover(self, path: str, position: types.Position) -> types.Hover | None:
        note, cite, link = self._at(path, position)
        if note is None:
            return None
        if cite is not None:
            text = (papers.hover_markdown(self.lv, cite.key) if self.lv.ready
                    else f"**@{cite.key}**: the vault is still loading")
            return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text),
                               self.codec.range(note.lines, cite.span))
        if link is not None and not link.is_url:
            text = self._link_preview(path, link)
            if text is not None:
                return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text),
                                   self.codec.range(note.lines, link.span))
        return None

    def _link_preview(self, path: str, link: Link) -> str | None:
        res = self.lv.resolve(link, path)
        if res is None or res.path is None:
            return None if res is None else f"`{link.target}`: no such file in the vault"
        target = res.path
        if not target.lower().endswith(NOTE_SUFFIX):
            uri = self.uri_of(target)
            image = PurePosixPath(target).suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
            return f"![{target}]({uri})\n\n`{target}`" if image else f"`{target}`"
        note = self.lv.note(target)
        if note is None or not note.readable:
            return f"`{target}`"
        first = self._anchor(note, link.fragment).line if link.fragment else note.body_line
        shown = [line for line in note.lines[first - 1 : first - 1 + _PREVIEW_LINES]]
        while shown and not shown[-1].strip():
            shown.pop()
        more = "\n\n…" if first - 1 + _PREVIEW_LINES < len(note.lines) else ""
        return f"`{target}`\n\n---\n\n" + "\n".join(shown) + more

    # -- definition -------------------------------------------------------------------
    def definition(self, path: str, position: types.Position) -> list[types.Location] | None:
        note, cite, link = self._at(path, position)
        if cite is not None:
            return self._key_definition(cite.key)
        if link is not None and not link.is_url:
            res = self.lv.resolve(link, path)
            if res is None or res.path is None:
                return None
            target = self.lv.note(res.path) if res.path.lower().endswith(NOTE_SUFFIX) else None
            span = self._anchor(target, link.fragment) if target is not None and link.fragment else _START
            return [self.location(res.path, span)]
        return None

    def _key_definition(self, key: str) -> list[types.Location] | None:
        note = self.lv.paper_note(key)
        if note is not None:
            return [self.location(note, _START)]
        bib = self.lv.bibliography()
        entry = bib.get(key) if bib is not None else None
        if entry is not None:
            return [self.location(entry.source, entry.span)]
        return None

    @staticmethod
    def _anchor(note: Note, fragment: str | None) -> Span:
        """Where ``#heading`` or ``#^block`` is in ``note`` (its start when not found)."""
        if not fragment:
            return _START
        if fragment.startswith("^"):
            for line, block in block_ids(note):
                if block == fragment[1:]:
                    return Span(line, 1, line, 1)
            return _START
        wanted = heading_key(fragment.split("#")[-1])
        for heading in note.headings:
            if heading_key(heading.text) == wanted:
                return heading.span
        return _START

    # -- references -------------------------------------------------------------------
    def references(self, path: str, position: types.Position,
                   include_declaration: bool) -> list[types.Location]:
        note, cite, link = self._at(path, position)
        key = cite.key if cite is not None else self._paper_key(path)
        if link is not None and not link.is_url and cite is None:
            res = self.lv.resolve(link, path)
            target = res.path if res is not None else None
            key = self._paper_key(target) if target else None
        else:
            target = path if cite is None else None
        out: list[types.Location] = []
        if key is not None:
            out += [self.location(p, c.span) for p, c in sorted(self.lv.citations(key), key=_order)]
            if include_declaration:
                out += self._key_definition(key) or []
        if target is not None:
            out += [self.location(p, k.span) for p, k in sorted(self.lv.backlinks(target), key=_order)]
        return out

    def _paper_key(self, path: str | None) -> str | None:
        if path is None:
            return None
        for key, note in self.lv.paper_keys().items():
            if note == path:
                bib = self.lv.bibliography()
                # the file name is the sanitized key: prefer the real key when it is known
                if bib is not None and key not in bib:
                    real = next((k for k in bib.keys() if sanitize_key(k) == key), None)
                    return real or key
                return key
        return None

    # -- rename -----------------------------------------------------------------------
    def prepare_rename(self, path: str, position: types.Position):
        note, cite, link = self._at(path, position)
        if note is None:
            return None
        if cite is not None:
            return types.PrepareRenamePlaceholder(self.codec.range(note.lines, key_span(cite)), cite.key)
        if link is not None and not link.is_url and link.target_span is not None and link.target:
            res = self.lv.resolve(link, path)
            if res is not None and res.path and res.path.lower().endswith(NOTE_SUFFIX):
                return types.PrepareRenamePlaceholder(
                    self.codec.range(note.lines, link.target_span), PurePosixPath(res.path).stem)
        return None

    def rename(self, path: str, position: types.Position, new_name: str,
               document_changes: bool) -> types.WorkspaceEdit | None:
        note, cite, link = self._at(path, position)
        new_name = new_name.strip()
        if not new_name:
            return None
        if cite is not None:
            return self._rename_key(cite.key, new_name.lstrip("@"), document_changes)
        if link is not None and not link.is_url:
            res = self.lv.resolve(link, path)
            if res is not None and res.path and res.path.lower().endswith(NOTE_SUFFIX):
                return self._rename_note(res.path, new_name, document_changes)
        return None

    def _rename_key(self, old: str, new: str, document_changes: bool) -> types.WorkspaceEdit:
        edits: dict[str, list[types.TextEdit]] = {}
        for path, cite in self.lv.citations(old):
            edits.setdefault(path, []).append(
                types.TextEdit(self.codec.range(self.lv.lines(path), key_span(cite)), new))
        if self.rename_in_bibliography:
            self._bibliography_key(old, new, edits)
        renames: list[tuple[str, str]] = []
        paper = self.lv.paper_note(old)
        if paper is not None:
            self._frontmatter_key(paper, old, new, edits)
            new_path = self.lv.paper_note_path(new)  # the template's path, or new's own note
            if new_path != paper and new_path not in self.lv.files():
                self._link_edits(paper, new_path, edits)
                renames.append((paper, new_path))
        return self._workspace_edit(edits, renames, document_changes)

    def _bibliography_key(self, old: str, new: str, edits: dict[str, list[types.TextEdit]]) -> None:
        """The entry's key in the bibliography file (``@article{old,`` / ``"id": "old"``),
        as Better BibTeX would write it after the key changed in Zotero; only a file in
        the vault (one elsewhere is not the workspace's to edit)."""
        bib = self.lv.bibliography()
        entry = bib.get(old) if bib is not None else None
        if entry is None:
            return
        where = self.lv.bibliography_file(entry.source)
        if entry.source not in self.lv.files():
            self.notices.append(
                f"vaultkit renamed @{old} to @{new} in the vault, but not in {where}: that "
                f"bibliography is outside the vault, so it still holds @{old} (line "
                f"{entry.span.line}). Change the key in Zotero (Better BibTeX) or in that file.")
            return
        lines = self.lv.lines(entry.source)
        span = entry.span
        if not (0 < span.line <= len(lines)) or lines[span.line - 1][span.column - 1 : span.end_column - 1] != old:
            self.notices.append(  # the file changed since it was read: no edit on a guess
                f"vaultkit renamed @{old} to @{new} in the notes, but not in {where}: it changed "
                f"since vaultkit read it, so it may still hold @{old}. Check that file.")
            return
        edits.setdefault(entry.source, []).append(types.TextEdit(self.codec.range(lines, span), new))

    def _frontmatter_key(self, path: str, old: str, new: str,
                         edits: dict[str, list[types.TextEdit]]) -> None:
        """``citekey: old`` in the paper note's properties becomes ``citekey: new``."""
        note = self.lv.note(path)
        if note is None or note.frontmatter is None or note.meta.get("citekey") != old:
            return
        span = note.frontmatter.key_span(("citekey",))
        if span is None:
            return
        text = note.lines[span.line - 1]
        at = text.find(old, span.end_column - 1)
        if at == -1:
            return
        where = Span(span.line, at + 1, span.line, at + 1 + len(old))
        edits.setdefault(path, []).append(types.TextEdit(self.codec.range(note.lines, where), new))

    def _rename_note(self, old_path: str, new_name: str, document_changes: bool) -> types.WorkspaceEdit:
        new_name = new_name[: -len(NOTE_SUFFIX)] if new_name.lower().endswith(NOTE_SUFFIX) else new_name
        folder = posixpath.dirname(old_path)
        new_path = (new_name.lstrip("/") if "/" in new_name
                    else posixpath.join(folder, new_name)) + NOTE_SUFFIX
        edits: dict[str, list[types.TextEdit]] = {}
        self._link_edits(old_path, new_path, edits)
        return self._workspace_edit(edits, [(old_path, new_path)], document_changes)

    def _link_edits(self, old_path: str, new_path: str, edits: dict[str, list[types.TextEdit]]) -> None:
        """Every link to ``old_path`` rewritten to reach ``new_path``, in the link's own style."""
        new_stem = new_path[: -len(NOTE_SUFFIX)]
        for source, link in self.lv.backlinks(old_path):
            if link.target_span is None or not link.target:
                continue
            if link.kind in ("wikilink", "embed"):
                written = link.target
                if "/" in written.strip("/"):
                    text = new_stem if not written.lower().endswith(NOTE_SUFFIX) else new_path
                else:
                    text = PurePosixPath(new_stem).name + (NOTE_SUFFIX if written.lower().endswith(NOTE_SUFFIX) else "")
            else:
                rel = posixpath.relpath(new_path, posixpath.dirname(source) or ".")
                text = quote(rel, safe="/@#:._-~()!$&'*+,;=") if " " in rel or "%" in rel else rel
            edits.setdefault(source, []).append(
                types.TextEdit(self.codec.range(self.lv.lines(source), link.target_span), text))

    def _workspace_edit(self, edits: dict[str, list[types.TextEdit]], renames: list[tuple[str, str]],
                        document_changes: bool) -> types.WorkspaceEdit:
        for path in edits:  # one edit per range: a link may be reached twice
            unique = {(e.range.start.line, e.range.start.character, e.range.end.line,
                       e.range.end.character): e for e in edits[path]}
            edits[path] = list(unique.values())
        if not document_changes:
            return types.WorkspaceEdit(changes={self.uri_of(p): e for p, e in edits.items()})
        changes: list = [
            types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(self.uri_of(p), None), e)
            for p, e in sorted(edits.items())
        ]
        changes += [types.RenameFile(kind="rename", old_uri=self.uri_of(a), new_uri=self.uri_of(b))
                    for a, b in renames]
        return types.WorkspaceEdit(document_changes=changes)


def _order(pair: tuple[str, object]) -> tuple:
    path, element = pair
    return (path, element.span)  # type: ignore[attr-defined]

