"""Link resolution as Obsidian does it, in one place.

* Markdown links and images: relative to the note's folder, then from the vault root;
  percent-decoded (by the parser), ``<…>`` destinations; ``.md`` optional for notes.
* Wikilinks and embeds: by vault path, path suffix or unique file name, case-insensitive;
  ``.md`` optional for notes, the extension required for other files.  When a bare name
  matches several files, one in the linking note's folder wins; otherwise it is ambiguous.
* ``#heading`` and ``#^block`` are checked inside the target note; ``|alias``, ``|300``
  and ``#page=3`` play no part in finding the file.  NFC and NFD spellings match.
* URLs (``http(s)://``, ``mailto:``, ``obsidian://``, ``zotero://``…) are not files.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from vaultkit.model import Link, Note
from vaultkit.vault import NOTE_SUFFIX, VaultFiles, nfc

Status = Literal["ok", "case", "missing", "ambiguous", "outside", "url", "no-heading", "no-block"]
_BLOCK_ID = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$")
_HEADING_NOISE = re.compile(r"[#^\[\]|:\\*_`]")


@dataclass(frozen=True, slots=True)
class Resolution:
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
    """A link meant for a note: no extension, or ``.md``."""
    suffix = PurePosixPath(link.target).suffix.lower()
    return link.target == "" or suffix == NOTE_SUFFIX or suffix == "" or (
        link.kind in ("wikilink", "embed") and not _has_real_extension(link.target)
    )


def _has_real_extension(target: str) -> bool:
    # "[[Dr. Smith]]" or "[[v2.1 notes]]": a dot inside a note name is not an extension
    suffix = PurePosixPath(target).suffix
    return bool(suffix) and 1 < len(suffix) <= 6 and suffix[1:].isalnum() and " " not in suffix


def heading_key(text: str) -> str:
    """How Obsidian compares a link's ``#Heading`` with a heading's text."""
    return " ".join(_HEADING_NOISE.sub(" ", text).split()).casefold()


class Resolver:
    def __init__(self, files: VaultFiles, notes: dict[str, Note]) -> None:
        self.files = files
        self.notes = notes
        self._cache: dict[tuple[Link, str], Resolution] = {}

    def resolve(self, link: Link, source: str) -> Resolution:
        """Where ``link``, written in note ``source``, leads.

        Five link rules, the orphan check and the index all ask about the same links:
        each answer is computed once per vault load.
        """
        key = (link, source)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._resolve(link, source)
        return cached

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
        return Resolution("missing", wanted=target)

    def _exact_or_case(self, path: str) -> Resolution | None:
        if path in self.files.path_set:
            return Resolution("ok", path)
        matches = self.files.by_path_lower.get(path.lower())
        if matches:
            return Resolution("case", matches[0], tuple(matches), path)
        return None

    def _resolve_wikilink(self, target: str, source: str) -> Resolution:
        target = nfc(target.strip().lstrip("/"))
        normalized = posixpath.normpath(target) if target else target
        if normalized == ".." or normalized.startswith("../"):
            return Resolution("outside", wanted=target)
        names = [normalized]
        if not normalized.lower().endswith(NOTE_SUFFIX):
            names.append(normalized + NOTE_SUFFIX)  # ".md" is optional for notes
        for name in names:  # a full vault path first
            hit = self._exact_or_case(name)
            if hit is not None and hit.status == "ok":
                return hit
        exact: list[str] = []
        loose: list[str] = []
        for name in names:
            base = PurePosixPath(name).name.lower()
            for path in self.files.by_name_lower.get(base, ()):
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
                return Resolution(status, unique[0], tuple(unique), target)  # type: ignore[arg-type]
            folder = posixpath.dirname(source)
            near = [p for p in unique if posixpath.dirname(p) == folder]
            if len(near) == 1:
                return Resolution(status, near[0], tuple(unique), target)  # type: ignore[arg-type]
            return Resolution("ambiguous", None, tuple(unique), target)
        return Resolution("missing", wanted=target)

    # -- inside the target --------------------------------------------------------------
    def _check_fragment(self, res: Resolution, fragment: str) -> Resolution:
        assert res.path is not None
        note = self.notes.get(res.path)
        if note is None or not note.readable:
            return res  # #page=3 on a PDF, or an unreadable note: nothing to check
        if fragment.startswith("^"):
            block = fragment[1:]
            if any(m.group(1) == block for line in note.lines if (m := _BLOCK_ID.search(line))):
                return res
            return Resolution("no-block", res.path, wanted=fragment)
        wanted = heading_key(fragment.split("#")[-1])
        if not wanted or any(heading_key(h.text) == wanted for h in note.headings):
            return res
        return Resolution("no-heading", res.path, wanted=fragment)
