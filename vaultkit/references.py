"""Link resolution as Obsidian does it, in one place.

Obsidian resolves every internal link -- wikilink, embed, Markdown link or image -- with
one function (``getFirstLinkpathDest``), whatever "New link format" is set to: that
setting only decides how Obsidian *writes* new links.  So vaultkit resolves each link
the same way (help: "Internal links", "Settings > Files and links"):

* ``./x`` and ``../x``: from the linking note's folder (the "relative" format); a path
  that climbs above the vault root is outside.
* otherwise a vault path (the "absolute" format; ``.md`` optional for notes), a path
  relative to the note's folder (``[[sub/x]]`` written by the relative format), then the
  shortest unique path: the file name or a path suffix, case-insensitive.  When a name
  matches several files, one in the linking note's folder wins; otherwise it is
  ambiguous.  Markdown links try the note's folder and the vault root first, as
  CommonMark readers do, then the same name lookup (``![x](bases.png)`` with the file in
  ``Attachments/``).
* a wikilink's extension is required for attachments; a dot in a *note* name is not an
  extension (``[[TLS 1.0]]``, ``[[winbase.h]]``): only the formats Obsidian opens itself
  count as attachments, so a missing ``[[winbase.h]]`` is a missing note.
* ``#heading`` and ``#^block`` are checked inside the target note.  Obsidian compares
  headings ignoring punctuation and case (``[[FAQ#How large can each remote vault be]]``
  finds ``### How large can each remote vault be?``); ``|alias``, ``|300`` and
  ``#page=3`` play no part in finding the file.  NFC and NFD spellings match.
* URLs (``http(s)://``, ``mailto:``, ``obsidian://``, ``zotero://``…) are not files.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Literal, Protocol

from msgspec import Struct

from vaultkit.files import NOTE_SUFFIX, VaultFiles, nfc
from vaultkit.lazyre import lazy
from vaultkit.markers import find_region
from vaultkit.model import Heading, Link, Note, Span

Status = Literal["ok", "case", "missing", "ambiguous", "outside", "url", "no-heading", "no-block"]
BLOCK_ID = lazy(r"(?:^|(?<=\s)|(?<=\]\]))\^([A-Za-z0-9-]+)\s*$")
"""A block id ends its line: ``text ^id``, ``^id`` alone, or right after an embed
(``![[a.png]]^fig-id``, which Obsidian's own "Link to block" writes for an image)."""

ATTACHMENT_SUFFIXES = frozenset(
    "avif bmp gif jpeg jpg png svg webp flac m4a mp3 ogg wav webm 3gp mkv mov mp4 ogv pdf "
    "canvas base".split()
)
"""The file formats Obsidian opens itself (help: "Accepted file formats"), without the dot.
A wikilink ending in another "extension" names a note: Obsidian creates ``TLS 1.0.md``."""


class Resolution(Struct, frozen=True):
    status: Status
    path: str | None = None
    """The file the link reaches (also set for ``case``, ``no-heading``, ``no-block``)."""
    candidates: tuple[str, ...] = ()
    wanted: str = ""
    """What was looked for, normalized (for messages)."""

    @property
    def found(self) -> bool:
        return self.path is not None


def is_note_target(link: Link) -> bool:
    """A link meant for a note: no extension or ``.md``; for a wikilink, also any suffix
    that is not a format Obsidian opens (``[[TLS 1.0]]``, ``[[winbase.h]]``)."""
    return _is_note_target(link.target, link.kind)


@lru_cache(maxsize=8192)
def _is_note_target(target: str, kind: str) -> bool:
    # memoized by target: the link rules ask for every link, and a note repeats targets
    suffix = PurePosixPath(target).suffix.lower()
    if target == "" or suffix in (NOTE_SUFFIX, ""):
        return True
    if kind in ("wikilink", "embed"):
        return suffix[1:] not in ATTACHMENT_SUFFIXES
    return False


def block_id(line: str) -> str | None:
    """The block id a line ends with (``^id`` without the caret), or ``None``."""
    found = find_block_id(line)
    return found[0] if found else None


def find_block_id(line: str) -> tuple[str, int, int] | None:
    """(id, start, end) of the ``^id`` a line ends with: 0-based, the caret included."""
    m = BLOCK_ID.search(line) if "^" in line else None
    return (m.group(1), m.start(1) - 1, m.end(1)) if m else None


def heading_key(text: str) -> str:
    """How Obsidian compares a link's ``#Heading`` with a heading's text.

    Obsidian strips the characters a link cannot hold and compares case-insensitively,
    so ``#How large can each remote vault be`` finds ``How large can each remote vault
    be?`` and ``#DCG Definite Clause Grammas`` finds ``DCG (Definite Clause Grammas)``.
    vaultkit drops every punctuation and symbol character (Unicode categories P and S),
    which also lets a slug (``#how-large-can``) find its heading, and casefolds.
    """
    return " ".join(_unpunctuated(text).split()).casefold()


def _unpunctuated(text: str) -> str:
    if text.isalnum():
        return text
    return "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in text)


class Anchors(Protocol):
    """What a link's ``#heading`` or ``#^block`` is checked against (a note's facts)."""

    @property
    def readable(self) -> bool: ...
    @property
    def headings(self) -> tuple[Heading, ...]: ...
    @property
    def block_ids(self) -> tuple[tuple[str, Span], ...]: ...


GENERATED_BY = ("generated-by", "vaultkit")
"""The frontmatter property ``vaultkit index`` writes in a note it creates (the same as
``vaultkit.index.render.GENERATED_KEY/VALUE``; a test keeps the two equal)."""
_H1 = lazy(r"#[ \t]")


def wholly_generated(note: Note) -> bool:
    """Whether vaultkit wrote every word of a note: its frontmatter says
    ``generated-by: vaultkit`` and, outside the index region, it holds only that
    frontmatter, the title heading vaultkit writes, and blank lines.

    Such a paper note never makes its citekey known (#10 item 10): it only repeats the
    bibliography, so when the entry is deleted or renamed in Zotero, ``@key`` must be
    reported, not kept alive by the index note generated from it.
    """
    key, value = GENERATED_BY
    if not note.readable or note.meta.get(key) != value:
        return False
    region = find_region(note.lines, "index")
    if not isinstance(region, tuple):
        return False
    begin, end = region
    outside = [line for n, line in enumerate(note.lines, start=1)
               if n >= note.body_line and not begin < n <= end + 1 and line.strip()]
    return len(outside) <= 1 and all(_H1.match(line) for line in outside)


class Resolver:
    def __init__(self, files: VaultFiles, notes: Mapping[str, Anchors]) -> None:
        self.files = files
        self.notes = notes
        self._cache: dict[tuple[str, str, str | None, bool, str], Resolution] = {}
        self.generation = 0
        """Counts :meth:`forget`: an answer kept elsewhere is good while it is unchanged."""

    def resolve(self, link: Link, source: str) -> Resolution:
        """Where ``link``, written in note ``source``, leads.

        Five link rules, the orphan check and the index all ask about the same links:
        each answer is computed once per vault load -- and once per distinct target, not
        per link: where a link leads does not depend on its span or label (a line of
        180,000 ``[[x]]`` resolves ``x`` once).  Nor on the note it is written in, but
        for that note's folder (relative paths, the nearer of two names): keyed by
        folder, the memo holds a vault's distinct targets, not one answer per link of
        every note (a cold lint's largest growth after the workers).  An empty target
        (``[[#heading]]``) is the note itself.
        """
        where = source if not link.target else posixpath.dirname(source)
        key = (link.kind, link.target, link.fragment, link.is_url, where)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._resolve(link, source)
        return cached

    def forget(self) -> None:
        """Drop the memo: a file or a note's headings changed."""
        self._cache.clear()
        self.generation += 1

    def _resolve(self, link: Link, source: str) -> Resolution:
        if link.is_url:
            return Resolution("url")
        if link.target == "":
            res = Resolution("ok", source)
        elif link.kind in ("markdown", "image"):
            res = self._resolve_relative(link.target, source)
        else:
            res = self._resolve_wikilink(link.target, source)
        if res.status != "ok" or not res.path or link.fragment is None:
            return res
        return self._check_fragment(res, link.fragment)

    # -- files --------------------------------------------------------------------------
    def _resolve_relative(self, target: str, source: str) -> Resolution:
        target = nfc(target)
        folder = posixpath.dirname(source)
        bases = [target[1:]] if target.startswith("/") else [posixpath.join(folder, target), target]
        escapes = []
        for candidate in bases:
            normalized = posixpath.normpath(candidate)
            escapes.append(normalized == ".." or normalized.startswith("../"))
            if escapes[-1]:
                continue
            for name in (normalized, normalized + NOTE_SUFFIX):
                hit = self._exact_or_case(name)
                if hit is not None:
                    return hit
        # Outside only when the note-relative reading climbs out; the root fallback of
        # "../x" is meaningless, not a second way out.
        if escapes[0]:
            return Resolution("outside", wanted=target)
        if target.startswith(("/", "./", "../")):
            return Resolution("missing", wanted=target)
        # Obsidian resolves Markdown links by the shortest unique path too.
        by_name = self._by_name(posixpath.normpath(target), source)
        return by_name if by_name.status != "missing" else Resolution("missing", wanted=target)

    def _exact_or_case(self, path: str) -> Resolution | None:
        if self.files.has(path):
            return Resolution("ok", path)
        matches = self.files.cased(path.lower())
        if matches:
            return Resolution("case", matches[0], tuple(matches), path)
        return None

    def _resolve_wikilink(self, target: str, source: str) -> Resolution:
        target = nfc(target.strip())
        folder = posixpath.dirname(source)
        if target.startswith(("./", "../")):
            # the "relative" link format: from the note's folder, nowhere else
            joined = posixpath.normpath(posixpath.join(folder, target))
            if joined == ".." or joined.startswith("../"):
                return Resolution("outside", wanted=target)
            for name in _with_note_suffix(joined):
                hit = self._exact_or_case(name)
                if hit is not None:
                    return hit
            return Resolution("missing", wanted=target)
        target = target.lstrip("/")
        normalized = posixpath.normpath(target) if target else target
        if normalized == ".." or normalized.startswith("../"):
            return Resolution("outside", wanted=target)
        names = _with_note_suffix(normalized)
        for name in names:  # a full vault path first
            hit = self._exact_or_case(name)
            if hit is not None and hit.status == "ok":
                return hit
        if "/" in normalized and folder:
            # [[sub/x]] written by the relative format from a note in a folder
            for name in _with_note_suffix(posixpath.join(folder, normalized)):
                if self.files.has(name):
                    return Resolution("ok", name)
        return self._by_name(normalized, source)

    def _by_name(self, normalized: str, source: str) -> Resolution:
        """The shortest unique path: file name or path suffix, case-insensitive."""
        names = _with_note_suffix(normalized)
        exact: list[str] = []
        loose: list[str] = []
        for name in names:
            base = posixpath.basename(name).lower()  # not a PurePosixPath per name (a third of the resolver's time)
            for path in self.files.named(base):
                lower = path.lower()
                wanted = name.lower()
                if lower == wanted or lower.endswith("/" + wanted):
                    tail = path[len(path) - len(name):]
                    (exact if tail == name else loose).append(path)
        for group, status in ((exact, "ok"), (loose, "case")):
            if not group:
                continue
            unique = sorted(set(group))
            if len(unique) == 1:
                return Resolution(status, unique[0], tuple(unique), normalized)  # type: ignore[arg-type]
            folder = posixpath.dirname(source)
            near = [p for p in unique if posixpath.dirname(p) == folder]
            if len(near) == 1:
                return Resolution(status, near[0], tuple(unique), normalized)  # type: ignore[arg-type]
            return Resolution("ambiguous", None, tuple(unique), normalized)
        return Resolution("missing", wanted=normalized)

    # -- inside the target --------------------------------------------------------------
    def _check_fragment(self, res: Resolution, fragment: str) -> Resolution:
        assert res.path is not None
        note = self.notes.get(res.path)
        if note is None or not note.readable or not res.path.lower().endswith(NOTE_SUFFIX):
            return res  # #page=3 on a PDF, a canvas, an unreadable note: nothing to check
        if fragment.startswith("^"):
            block = fragment[1:]
            if any(found == block for found, _ in note.block_ids):
                return res
            return Resolution("no-block", res.path, wanted=fragment)
        wanted = heading_key(fragment.split("#")[-1])
        if not wanted or any(heading_key(h.text) == wanted for h in note.headings):
            return res
        return Resolution("no-heading", res.path, wanted=fragment)


def _with_note_suffix(name: str) -> list[str]:
    """``name`` and, unless it already ends so, ``name.md`` (".md" is optional for notes)."""
    return [name] if name.lower().endswith(NOTE_SUFFIX) else [name, name + NOTE_SUFFIX]
