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
from bisect import bisect_left
from collections.abc import Mapping
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
    """The citekeys with their search words, built once per bibliography.

    Keys and words are kept sorted, so a prefix is found by bisection and a completion
    costs the matches it returns, not the size of the bibliography.
    """

    def __init__(self) -> None:
        self._source: tuple[Any, Any] = (None, None)
        """The bibliography and paper-note mapping the index was built from (held, so a
        new one is never mistaken for it)."""
        self._keys: list[_Key] = []
        self._lowers: list[str] = []
        self._words: list[tuple[str, int]] = []
        """(word, index into _keys), sorted."""

    def keys(self, lv: LiveVault) -> list[_Key]:
        bib = lv.bibliography()
        papers = lv.paper_keys()
        if bib is not self._source[0] or papers != self._source[1] or not self._keys:
            self._keys = self._build(bib, papers)
            self._lowers = [k.lower for k in self._keys]
            self._words = sorted((w, i) for i, k in enumerate(self._keys) for w in k.words)
            self._source = (bib, papers)
        return self._keys

    def search(self, lv: LiveVault, query: str, limit: int) -> tuple[list[tuple[int, _Key]], bool]:
        """(rank, key) of the best ``limit`` matches, and whether more matched.

        Rank 0: the key starts with the query; 1: a word of the title or an author's
        family name does; 2: the key contains it.  Alphabetical within a rank.
        """
        keys = self.keys(lv)
        q = query.lower()
        start = bisect_left(self._lowers, q)
        end = start
        while end < len(keys) and self._lowers[end].startswith(q):
            end += 1
        found = [(0, i) for i in range(start, min(end, start + limit + 1))]
        if len(found) <= limit and q:
            seen = set(range(start, end))
            w = bisect_left(self._words, (q, -1))
            by_word = set()
            while w < len(self._words) and self._words[w][0].startswith(q):
                if self._words[w][1] not in seen:
                    by_word.add(self._words[w][1])
                w += 1
            found += [(1, i) for i in sorted(by_word)]
            if len(found) <= limit:
                seen |= by_word
                found += [(2, i) for i, lower in enumerate(self._lowers) if q in lower and i not in seen]
        return [(rank, keys[i]) for rank, i in found[:limit]], len(found) > limit

    @staticmethod
    def _build(bib: Any, papers: Mapping[str, str]) -> list[_Key]:
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
    ranked, cut = keys.search(lv, ctx.query, LIMIT)
    items = []
    for rank, k in ranked:
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
    # a list of key-prefix matches only, all of them: the client may filter it as the
    # user types; a word or substring match it would drop, so it must ask again
    return items, cut or any(rank for rank, _ in ranked)


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
