"""VK000 internal-error

## What it does
Reports that a vaultkit rule failed on a note -- a bug in vaultkit, not in the note.  The
other rules still ran and their findings are reported; the message names the rule and
the error so that it can be reported with the note.

## Why is this bad?
The failing rule checked nothing in that note, so a real problem there may be missing
from the report.  The engine raises this finding itself; no rule produces it.

## Example
`sessions/2023-03-14.md:1:1: VK000 rule VK203 failed on this note (KeyError: 'x'); the
other rules ran. Please report this with the note.`
"""

from __future__ import annotations

CODE = "VK000"
NAME = "internal-error"
SEVERITY = "error"
SCOPE = "engine"
OPTIONS: dict[str, object] = {}
