"""The vault: its root, its files, and the vault-wide index rules resolve against.

Discovery honours every ``.gitignore`` (each for its own folder, as git does) and the
configured ``exclude`` globs, both via pathspec, and never enters ``.obsidian/``,
``.trash/`` or ``.git/``.  Directory symlinks are not followed, so a symlink loop cannot
trap the walk.  Every file -- notes and
attachments -- is indexed by vault path and by lower-cased file name, the two ways
Obsidian resolves a link.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable

import pathspec

from vaultkit.config import CONFIG_NAME, Config
from vaultkit.safe_read import read_regular
from vaultkit.yamlfile import UsageError

if TYPE_CHECKING:
    from vaultkit.bib import Bibliography
    from vaultkit.checks.base import VaultContext
    from vaultkit.index import IndexPlan
    from vaultkit.model import Finding, Note
    from vaultkit.references import Resolver

ALWAYS_SKIPPED = (".obsidian", ".trash", ".git")
NOTE_SUFFIX = ".md"
_UNSAFE_IN_NAMES = re.compile(r'[*"\\/<>:|?]')


def find_root(paths: list[Path], vault: Path | None) -> Path:
    """``--vault``; else the nearest ancestor of the first path (or cwd) holding
    ``.vaultkit.yaml`` or ``.obsidian/``; else a directory given as the path."""
    if vault is not None:
        if not vault.is_dir():
            raise UsageError(f"--vault {vault}: not a directory")
        return vault.resolve()
    start = paths[0] if paths else Path.cwd()
    if not start.exists():
        raise UsageError(f"{start}: no such file or directory")
    start = start.resolve()
    here = start if start.is_dir() else start.parent
    for candidate in (here, *here.parents):
        if (candidate / CONFIG_NAME).is_file() or (candidate / ".obsidian").is_dir():
            return candidate
    if start.is_dir():
        return start
    raise UsageError(
        f"{paths[0]}: no vault found (no {CONFIG_NAME} or .obsidian/ above it); use --vault DIR"
    )


def sanitize_key(key: str) -> str:
    """The file-name form of a citekey, as the Zotero citation plugins write it."""
    return _UNSAFE_IN_NAMES.sub("_", key)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class VaultFiles:
    """Every file of the vault by POSIX path relative to the root (NFC-normalized)."""

    root: Path
    paths: tuple[str, ...]
    real: dict[str, str] = field(default_factory=dict)
    """NFC path -> path as stored on disk (macOS keeps NFD names)."""

    @cached_property
    def by_path_lower(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for path in self.paths:
            out.setdefault(path.lower(), []).append(path)
        return out

    @cached_property
    def by_name_lower(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for path in self.paths:
            out.setdefault(PurePosixPath(path).name.lower(), []).append(path)
        return out

    @cached_property
    def notes(self) -> tuple[str, ...]:
        return tuple(p for p in self.paths if p.lower().endswith(NOTE_SUFFIX))

    @cached_property
    def path_set(self) -> frozenset[str]:
        return frozenset(self.paths)

    def absolute(self, path: str) -> Path:
        return self.root / self.real.get(path, path)


def discover(root: Path, config: Config) -> VaultFiles:
    """Walk the vault once: all files, ignoring what git and the config ignore.

    Every ``.gitignore`` counts for its own folder and below, as in git; ``exclude``
    globs count from the vault root.
    """
    # (folder prefix, spec): a pattern in a/.gitignore matches paths relative to a/
    specs: list[tuple[str, pathspec.PathSpec]] = []
    if config.exclude:
        specs.append(("", pathspec.GitIgnoreSpec.from_lines(config.exclude)))

    def ignored(rel: str) -> bool:
        return any(rel.startswith(prefix) and spec.match_file(rel[len(prefix):])
                   for prefix, spec in specs)

    paths: list[str] = []
    real: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        if ".gitignore" in filenames:
            gitignore = _read_gitignore(Path(dirpath) / ".gitignore")
            if gitignore is not None:
                specs.append((rel_dir, gitignore))
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in ALWAYS_SKIPPED and not ignored(rel_dir + d + "/")
        )
        for name in filenames:
            rel = rel_dir + name
            if ignored(rel):
                continue
            full = os.path.join(dirpath, name)
            if os.path.islink(full) and not _inside(root, full):
                continue  # never read through a link that leaves the vault
            key = nfc(rel)
            paths.append(key)
            if key != rel:
                real[key] = rel
    paths.sort()
    return VaultFiles(root, tuple(paths), real)


def _read_gitignore(path: Path) -> pathspec.PathSpec | None:
    try:
        lines = read_regular(path).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _inside(root: Path, path: str) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


def select_targets(root: Path, files: VaultFiles, given: list[Path]) -> tuple[str, ...]:
    """The files to report on under the given files and folders."""
    wanted: list[str] = []
    for path in given:
        resolved = path.resolve() if path.exists() else (Path.cwd() / path)
        try:
            rel = resolved.relative_to(root).as_posix()
        except ValueError as error:
            raise UsageError(f"{path}: outside the vault {root}") from error
        rel = nfc("" if rel == "." else rel)
        if resolved.is_dir():
            prefix = rel + "/" if rel else ""
            wanted.extend(p for p in files.paths if p.startswith(prefix))
        elif rel in files.path_set:
            wanted.append(rel)
        elif not resolved.exists():
            raise UsageError(f"{path}: no such file or directory")
        # a file git or the config ignores is skipped, as pre-commit expects
    return tuple(dict.fromkeys(wanted))


def paper_note_pattern(template: str) -> re.Pattern[str]:
    """A regex with group ``key`` for a template such as ``papers/@{key}.md``."""
    before, _, after = template.partition("{key}")
    return re.compile(re.escape(before) + r"(?P<key>[^/]+)" + re.escape(after) + r"\Z")


class Vault:
    """A loaded vault: files, parsed notes, bibliography, schemas.  The Python API.

    >>> vault = Vault.load("example-vault")
    >>> findings = vault.lint()
    """

    def __init__(self, root: Path, config: Config, files: VaultFiles,
                 notes: dict[str, "Note"], schemas: tuple = ()) -> None:
        self.root = root
        self.config = config
        self.files = files
        self.notes = notes
        self.schemas = schemas
        self._note_findings: dict[str, list] = {}
        self._generated: dict[str, range] = {}
        self._schemas_for: dict[str, tuple] = {}
        self._suggestions: dict[str, list[str]] = {}

    @classmethod
    def load(cls, root: str | Path, config: Config | None = None, *,
             config_file: Path | None = None, jobs: int | None = None,
             use_cache: bool = True, parse: "Callable[[str], bool] | None" = None) -> "Vault":
        """Discover and parse the vault.

        ``parse`` limits which notes are parsed up front (all by default); the others
        are parsed on demand by :meth:`note`.  ``vaultkit index`` uses it to skip the
        index notes it is about to regenerate.
        """
        from vaultkit.config import load_config
        from vaultkit.notes import NoteCache, load_notes
        from vaultkit.schema import load_schemas

        root = Path(root).resolve()
        if not root.is_dir():
            raise UsageError(f"{root}: not a directory")
        if config is None:
            config = load_config(config_file, root)
        schemas = load_schemas(config, root)  # a bad schema file fails before any parsing
        files = discover(root, config)
        cache = NoteCache(root, enabled=use_cache)
        wanted = [p for p in files.notes if parse is None or parse(p)]
        notes = load_notes({p: files.absolute(p) for p in wanted}, cache, jobs)
        return cls(root, config, files, notes, schemas)

    def note(self, path: str) -> "Note | None":
        """A note by vault path, parsing it now if it was not parsed up front."""
        if path not in self.notes and path in self.files.path_set and path.lower().endswith(NOTE_SUFFIX):
            from vaultkit.notes import read_note

            self.notes[path] = read_note(path, self.files.absolute(path))
        return self.notes.get(path)

    # -- what rules see -------------------------------------------------------------
    @cached_property
    def bibliography(self) -> "Bibliography":
        from vaultkit.bib import load_bibliography

        return load_bibliography(
            [(self.files.absolute(p), p) for p in self.bibliography_files], full=False
        )

    @cached_property
    def full_bibliography(self) -> "Bibliography":
        """With titles, authors and years: what the index generator needs."""
        from vaultkit.bib import load_bibliography

        return load_bibliography(
            [(self.files.absolute(p), p) for p in self.bibliography_files], full=True
        )

    @cached_property
    def bibliography_files(self) -> tuple[str, ...]:
        """Explicit ``bibliography`` globs anywhere; by default, files at the root only."""
        spec = pathspec.GitIgnoreSpec.from_lines(
            list(self.config.bibliography) if self.config.bibliography_explicit
            else ["/" + g for g in self.config.bibliography]
        )
        found = []
        for path in self.files.paths:
            if not spec.match_file(path) or path == CONFIG_NAME:
                continue
            if not self.config.bibliography_explicit and path.endswith((".json", ".yaml", ".yml")):
                if not _looks_like_csl(self.files.absolute(path)):
                    continue
            found.append(path)
        return tuple(found)

    @cached_property
    def paper_notes(self) -> dict[str, str]:
        """Sanitized citekey -> path of its paper note."""
        pattern = paper_note_pattern(self.config.paper_notes)
        out: dict[str, str] = {}
        for path in self.files.notes:
            m = pattern.match(path)
            if m:
                out[m.group("key")] = path
        return out

    def knows_key(self, key: str) -> bool:
        return key in self.bibliography or sanitize_key(key) in self.paper_notes

    @cached_property
    def known_keys(self) -> tuple[str, ...]:
        keys = set(self.bibliography.keys()) | set(self.paper_notes)
        return tuple(sorted(keys))

    @cached_property
    def _key_trigrams(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, key in enumerate(self.known_keys):
            for gram in _trigrams(key):
                index.setdefault(gram, []).append(i)
        return index

    def suggest_keys(self, key: str, n: int = 3) -> list[str]:
        """The known keys closest to ``key`` (did-you-mean).

        difflib over every key is quadratic in a large library; only the keys sharing
        the most trigrams with ``key`` are handed to it.
        """
        if key in self._suggestions:
            return self._suggestions[key]
        shared: dict[int, int] = {}
        for gram in _trigrams(key):
            for i in self._key_trigrams.get(gram, ()):
                shared[i] = shared.get(i, 0) + 1
        best = sorted(shared, key=lambda i: -shared[i])[:50]
        candidates = [self.known_keys[i] for i in best]
        result = difflib.get_close_matches(key, candidates, n=n, cutoff=0.6)
        self._suggestions[key] = result
        return result

    @cached_property
    def resolver(self) -> "Resolver":
        from vaultkit.references import Resolver

        return Resolver(self.files, self.notes)

    def schemas_for(self, note: "Note") -> tuple:
        """The schemas that apply to ``note`` (asked once per rule: memoized per path)."""
        from vaultkit.schema import applicable

        if note.path not in self._schemas_for:
            self._schemas_for[note.path] = applicable(self.schemas, note)
        return self._schemas_for[note.path]

    def context(self, options: dict, schemas: tuple) -> "VaultContext":
        from vaultkit.checks.base import VaultContext

        return VaultContext(self.config, options, schemas, files=self.files, notes=self.notes,
                            bibliography=self.bibliography, resolver=self.resolver, vault=self)

    def note_findings(self, note: "Note", rules: tuple) -> list:
        from vaultkit.engine import run_note_rules

        if note.path not in self._note_findings:
            self._note_findings[note.path] = run_note_rules(
                note, self.config, rules, self.schemas_for(note))
        return self._note_findings[note.path]

    @cached_property
    def index_plan(self) -> "IndexPlan":
        """What ``vaultkit index`` would write now (computed once, written never)."""
        from vaultkit.index import plan

        return plan(self)

    def generated_lines(self, path: str) -> range:
        """Lines of ``path`` inside a vaultkit-generated region (1-based), or empty."""
        from vaultkit.markers import find_region

        if path in self._generated:
            return self._generated[path]
        lines = range(0)
        note = self.notes.get(path)
        if note is not None and note.readable:
            for name in ("index", "overview"):
                found = find_region(note.lines, name)
                if isinstance(found, tuple):
                    lines = range(found[0] + 1, found[1] + 2)
                    break
        self._generated[path] = lines
        return lines

    # -- the jobs ---------------------------------------------------------------------
    def targets(self, paths: list[Path] | None = None) -> tuple[str, ...]:
        """Vault paths to report on: every file under the given files and folders."""
        if not paths:
            return self.files.paths
        return select_targets(self.root, self.files, paths)

    def lint(self, paths: list[Path] | None = None) -> list["Finding"]:
        """Findings for the given files and folders (default: the whole vault)."""
        from vaultkit.engine import lint

        return lint(self, self.targets(paths))


def _trigrams(text: str) -> set[str]:
    lowered = f"  {text.lower()} "
    return {lowered[i : i + 3] for i in range(len(lowered) - 2)}


def _looks_like_csl(path: Path) -> bool:
    """A root .json/.yaml is a bibliography only if it looks like CSL (has ids)."""
    try:
        head = read_regular(path, limit=4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return '"id"' in head or "\n- id:" in head or "\n  id:" in head or "references:" in head
