"""VK304 index-write-failed

## What it does
Reports an index note `vaultkit index` could not write: the disk is full, the vault is
on a read-only mount, the folder is not writable, or the file is read-only or immutable.
The note is left exactly as it was (the write goes to a temp file first) and the run's
summary counts it as failed, never as created or updated.  `vaultkit index` raises this
finding itself; `lint` does not.

## Why is this bad?
The index note is stale, and a nightly job that reports success while writing nothing
would hide it.  The exit code is 1.

## Example
`papers/@vaswaniAttentionAllYou2017.md:1:1: VK304 not written: No space left on device`
Free space, make the file writable (`chmod u+w`, `chattr -i`), or remount read-write,
then run `vaultkit index` again.

## Fix safety
Nothing to fix in a note.
"""

from __future__ import annotations

CODE = "VK304"
NAME = "index-write-failed"
SEVERITY = "error"
SCOPE = "engine"
OPTIONS: dict[str, object] = {}
