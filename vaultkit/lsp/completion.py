"""Completion: citekeys, note names, headings, block ids, attachments, tags and Log verbs.

Everything offered comes from the vault (bibliography, files, headings) and from the
schemas that apply to the note (tag vocabulary, Log verbs), never from a fixed list.

Citekeys match the typed text against the key and against every word of the title and
the authors' names, so ``@lora`` finds ``huLoRALowRankAdaptation2021``.  Lists are
capped (:data:`LIMIT`) and marked incomplete, so the client asks again as the user types
and the server, not the client, does the filtering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Sequence

from lsprotocol import types

from vaultkit.lsp.convert import Codec
from vaultkit.lsp.cursor import Context, completion_context
from vaultkit.lsp.papers import detail
from vaultkit.lsp.workspace import LiveVault, block_ids
from vaultkit.model import Link, Span
from vaultkit.vault import NOTE_SUFFIX

LIMIT = 100
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class _Key:
    key: str
    lower: str
    words: tuple[str, ...]
    detail: str
    title: str


class KeyIndex:
    """The citekeys with their search words, rebuilt when the bibliography changes."""

    def __init__(self) -> None:
        self._source: tuple[int, int] | None = None
        self._keys: list[_Key] = []

    def keys(self, lv: LiveVault) -> list[_Key]:
        bib = lv.bibliography()
        papers = lv.paper_keys()
        source = (id(bib), id(lv.vault.__dict__.get("paper_notes")) if lv.vault else 0)
        if source != self._source:
            self._keys = self._build(lv, bib, papers)
            self._source = source
        return self._keys

    @staticmethod
    def _build(lv: LiveVault, bib: Any, papers: dict[str, str]) -> list[_Key]:
        out = []
        seen = set()
        for entry in (bib.entries.values() if bib is not None else ()):
            families = " ".join(a.split(",")[0] for a in entry.authors)
            words = tuple(dict.fromkeys(w.lower() for w in _WORD.findall(f"{entry.title or ''} {families}")))
            out.append(_Key(entry.key, entry.key.lower(), words, detail(entry), entry.title or ""))
            seen.add(entry.key)
        for key, path in papers.items():
            if key in seen:
                continue
            out.append(_Key(key, key.lower(), (), f"paper note {path}", ""))
        out.sort(key=lambda k: k.lower)
        return out


def complete(lv: LiveVault, keys: KeyIndex, codec: Codec, path: str, lines: Sequence[str],
             position: types.Position) -> types.CompletionList | None:
    line_no, column = codec.line_column(lines, position)
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    ctx = completion_context(line, column)
    if ctx is None:
        return None
    edit_range = codec.range(lines, Span(line_no, ctx.start, line_no, ctx.end))
    items, incomplete = _ITEMS[ctx.kind](lv, keys, path, ctx, line_no)
    for item in items:
        item.text_edit = types.TextEdit(edit_range, item.insert_text or item.label)
        item.insert_text = None
    return types.CompletionList(is_incomplete=incomplete, items=items)


def _citekeys(lv: LiveVault, keys: KeyIndex, path: str, ctx: Context, line_no: int):
    query = ctx.query.lower()
    ranked: list[tuple[int, _Key]] = []
    for k in keys.keys(lv):
        if not query or k.lower.startswith(query):
            ranked.append((0, k))
        elif any(w.startswith(query) for w in k.words):
            ranked.append((1, k))
        elif query in k.lower:
            ranked.append((2, k))
    ranked.sort(key=lambda rk: (rk[0], rk[1].lower))
    items = []
    for rank, k in ranked[:LIMIT]:
        items.append(types.CompletionItem(
            label=k.key,
            kind=types.CompletionItemKind.Reference,
            detail=k.detail,
            sort_text=f"{rank}{k.lower}",
            # a client filters by the typed text: let the words that matched pass
            filter_text=k.key if rank == 0 else f"{ctx.query} {k.key}",
            insert_text=k.key,
            data={"citekey": k.key},
        ))
    return items, True


def _note_names(lv: LiveVault) -> list[tuple[str, str]]:
    """(link text, path) per note: the bare name when unique, as Obsidian writes links."""
    files = lv.vault.files if lv.vault is not None else None
    if files is None:
        return []
    out = []
    for path in files.notes:
        name = PurePosixPath(path).name
        unique = len(files.by_name_lower.get(name.lower(), ())) == 1
        out.append(((name if unique else path)[: -len(NOTE_SUFFIX)], path))
    return out


def _attachments(lv: LiveVault) -> list[tuple[str, str]]:
    files = lv.vault.files if lv.vault is not None else None
    if files is None:
        return []
    skip = set(lv.bibliography_files()) | {".vaultkit.yaml", ".gitignore"}
    out = []
    for path in files.paths:
        if path.lower().endswith(NOTE_SUFFIX) or path in skip or PurePosixPath(path).name.startswith("."):
            continue
        name = PurePosixPath(path).name
        unique = len(files.by_name_lower.get(name.lower(), ())) == 1
        out.append((name if unique else path, path))
    return out


def _matching(pairs: list[tuple[str, str]], query: str, kind: types.CompletionItemKind,
              rank: int = 0) -> list[types.CompletionItem]:
    q = query.lower()
    hits = [(0 if label.lower().startswith(q) else 1, label, path) for label, path in pairs
            if q in label.lower() or q in path.lower()]
    hits.sort()
    return [types.CompletionItem(label=label, kind=kind, detail=path,
                                 sort_text=f"{rank}{first}{label.lower()}", filter_text=label)
            for first, label, path in hits[:LIMIT]]


def _notes(lv: LiveVault, keys: KeyIndex, path: str, ctx: Context, line_no: int):
    pairs = _note_names(lv)
    return _matching(pairs, ctx.query, types.CompletionItemKind.File), len(pairs) > LIMIT


def _embeds(lv: LiveVault, keys: KeyIndex, path: str, ctx: Context, line_no: int):
    attachments = _attachments(lv)
    items = _matching(attachments, ctx.query, types.CompletionItemKind.File, 0)
    items += _matching(_note_names(lv), ctx.query, types.CompletionItemKind.File, 1)
    return items[: 2 * LIMIT], True


def _target(lv: LiveVault, path: str, ctx: Context, line_no: int) -> str | None:
    if not ctx.target.strip():
        return path
    link = Link("wikilink", f"[[{ctx.target}]]", Span(line_no, 1, line_no, 1), ctx.target)
    res = lv.resolve(link, path)
    return res.path if res is not None else None


def _anchors(lv: LiveVault, keys: KeyIndex, path: str, ctx: Context, line_no: int):
    """Headings after ``[[Note#``, block ids after ``[[Note#^`` (``[[#`` is this note)."""
    target = _target(lv, path, ctx, line_no)
    note = lv.note(target) if target else None
    if note is None:
        return [], False
    q = ctx.query.lower()
    if ctx.kind == "heading":
        found = [(h.text, f"{'#' * h.level} {h.text}") for h in note.headings]
    else:
        found = [(block, note.lines[n - 1].strip()[:80]) for n, block in block_ids(note)]
    items = [types.CompletionItem(label=label, kind=types.CompletionItemKind.Reference, detail=detail,
                                  sort_text=f"{i:05d}", filter_text=label)
             for i, (label, detail) in enumerate(found) if q in label.lower()]
    return items, False


def _vocabulary(lv: LiveVault, path: str) -> tuple[list[tuple[str, str]], list[str]]:
    note = lv.note(path)
    if note is None:
        return [], []
    tags: dict[str, str] = {}
    verbs: list[str] = []
    for schema in lv.schemas_for(note):
        for name, description in schema.tags:
            tags.setdefault(name, description)
        verbs.extend(v for v in schema.verbs if v not in verbs)
    return list(tags.items()), verbs


def _tag_items(tags: list[tuple[str, str]], query: str, rank: int) -> list[types.CompletionItem]:
    q = query.lower()
    return [types.CompletionItem(
        label=name, kind=types.CompletionItemKind.Keyword, detail="tag",
        documentation=types.MarkupContent(types.MarkupKind.Markdown, description) if description else None,
        sort_text=f"{rank}{i:03d}", filter_text=name)
        for i, (name, description) in enumerate(tags) if name.lower().startswith(q)]


def _tags(lv: LiveVault, keys: KeyIndex, path: str, ctx: Context, line_no: int):
    tags, _ = _vocabulary(lv, path)
    return _tag_items(tags, ctx.query, 0), False


def _verbs(lv: LiveVault, keys: KeyIndex, path: str, ctx: Context, line_no: int):
    tags, verbs = _vocabulary(lv, path)
    q = ctx.query.lower()
    items = [types.CompletionItem(
        label=verb, kind=types.CompletionItemKind.Function,
        detail="Log action: " + ", ".join(verbs), sort_text=f"0{i:03d}", filter_text=verb,
        insert_text=f"{verb}(@")
        for i, verb in enumerate(verbs) if verb.lower().startswith(q)]
    return items + _tag_items(tags, ctx.query, 1), False


_ITEMS = {"citekey": _citekeys, "note": _notes, "embed": _embeds, "heading": _anchors,
          "block": _anchors, "tag": _tags, "verb": _verbs}
