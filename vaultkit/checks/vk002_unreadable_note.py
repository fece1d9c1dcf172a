"""VK002 unreadable-note

## What it does
Reports a note vaultkit cannot read as text: bytes that are not UTF-8 (a Latin-1 or
UTF-16 file), NUL bytes, or a file the operating system refuses to open.

## Why is this bad?
Obsidian expects UTF-8; such a note shows garbled characters, and nothing in it (links,
citations, sessions) can be checked or indexed.  The finding points at the first bad byte.

## Example
A note saved by an old editor in Windows-1252, where `é` is the single byte `0xE9`.
Re-save it as UTF-8.

## Fix safety
No fix: re-encoding a file is a decision about its bytes that vaultkit leaves to you.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks.base import Hit, NoteContext, parse_problems
from vaultkit.model import Note

CODE = "VK002"
NAME = "unreadable-note"
SEVERITY = "error"
SCOPE = "note"
OPTIONS: dict[str, object] = {}


def check(note: Note, ctx: NoteContext) -> Iterable[Hit]:
    return parse_problems(note, CODE)
