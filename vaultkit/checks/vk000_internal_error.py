"""VK000 internal-error

## What it does
Reports that a vaultkit rule, or the parser, failed on a note -- a bug in vaultkit, not in
the note.  When a rule fails the other rules still ran and their findings are reported;
when the parser fails nothing in that note was checked, but every other note was.  The
message names the rule (or the parser) and the error so that it can be reported with
the note.

## Why is this bad?
The failing rule checked nothing in that note, so a real problem there may be missing
from the report.  The engine raises this finding itself; no rule produces it, and it
cannot be deselected or suppressed.

## Example
`sessions/2023-03-14.md:1:1: VK000 rule VK203 failed on this note (KeyError: 'x'); the
other rules ran. Please report this with the note.`

## Fix safety
No fix: report the note (or a copy with the private parts removed).
"""

from __future__ import annotations

CODE = "VK000"
NAME = "internal-error"
SEVERITY = "error"
SCOPE = "engine"
OPTIONS: dict[str, object] = {}
