"""VK203 unresolved-link

## What it does
Reports a link to a note that does not resolve: `[[Note]]`, `[text](other.md)`, and a
`[[Note#Heading]]` or `[[Note#^block]]` whose heading or block id is not in the target.

## Why is this bad?
Obsidian quietly creates an empty note when you click it; the thread you meant to follow
is lost.  Heading links break silently when a heading is renamed.

## Example
```markdown
See [[2023-03-02#Lessons]] for the ablation.
```
when that note's heading is `## Learned`.

## Fix safety
A link whose name ends in a stray `\\` (`[[Note\\]]`, copied out of a table) while the
name without it resolves gets a safe fix that drops the backslash.  A link with exactly one
close candidate -- one note whose name is within a typo of the link's, or one heading of the
target close to the link's `#heading` -- gets an unsafe fix that writes that name (the
shortest name Obsidian would write); the candidate may be the wrong note, so check the diff.
With no candidate, or several, there is no fix.
"""

from __future__ import annotations

from typing import Iterable

from vaultkit.checks._fixes import note_name, replace, retarget
from vaultkit.checks._links import is_asset_link, resolved_links, show
from vaultkit.checks.base import Hit, VaultContext, each
from vaultkit.facts import NoteFacts
from vaultkit.model import Fix, Link
from vaultkit.references import heading_key
from vaultkit.suggest import closest

CONFIDENT = 85.0
"""Percent similarity (difflib's ratio) a lone candidate needs for a fix to be offered."""

CODE = "VK203"
NAME = "unresolved-link"
SEVERITY = "warning"
SCOPE = "vault"
OPTIONS: dict[str, object] = {}


def check(note: NoteFacts, ctx: VaultContext) -> Iterable[Hit]:
    close: dict[str, str | None] = {}  # the note a name is a typo of: asked once per name
    for link, res in resolved_links(note, ctx):
        if res.status == "missing" and not is_asset_link(link) and link.kind != "image":
            message = f"unresolved link '{show(link)}': no such note"
            yield from each(note.links, link, lambda at: Hit(
                at.span, message, fix=_backslash_fix(at, note, ctx) or _note_fix(at, note, ctx, close)))
        elif res.status == "no-heading":
            message = f"'{res.path}' has no heading '{link.fragment}'"
            yield from each(note.links, link, lambda at: Hit(
                at.span, message, fix=_heading_fix(at, res.path, ctx)))
        elif res.status == "no-block":
            message = f"'{res.path}' has no block '{link.fragment}'"
            yield from each(note.links, link, lambda at: Hit(at.span, message))


def _backslash_fix(link: Link, note: NoteFacts, ctx: VaultContext) -> Fix | None:
    """``[[Note\\]]``: the name without its trailing backslash resolves."""
    if not link.target.endswith("\\"):
        return None
    bare = link.target.rstrip("\\").rstrip()
    if not bare or not ctx.resolver.resolve(link._replace(target=bare), note.path).found:
        return None
    return retarget(link, bare, "Remove the trailing '\\' from the link")


def _note_fix(link: Link, note: NoteFacts, ctx: VaultContext, close: dict[str, str | None]) -> Fix | None:
    """The one note whose name is within a typo of the link's."""
    wanted = link.target.rsplit("/", 1)[-1]
    wanted = (wanted[:-3] if wanted.lower().endswith(".md") else wanted).lower()
    notes = ctx.files.notes
    if wanted not in close:
        names = [p.rsplit("/", 1)[-1][:-3].lower() for p in notes]
        found = closest(wanted, names, CONFIDENT, 2)
        close[wanted] = notes[found[0][2]] if len(found) == 1 else None
    target = close[wanted]
    if target is None or target == note.path:
        return None
    if link.kind in ("wikilink", "embed"):
        name = note_name(target, notes)
    else:
        import posixpath

        name = posixpath.relpath(target, posixpath.dirname(note.path) or ".")
        if not link.target.lower().endswith(".md"):
            name = name[:-3]
    return retarget(link, name, f"Link to '{target}'", "unsafe")


def _heading_fix(link: Link, path: str | None, ctx: VaultContext) -> Fix | None:
    """The one heading of the target close to the link's ``#heading``."""
    target = ctx.notes.get(path) if path else None
    fragment = link.fragment or ""
    if target is None or not fragment or link.raw.count("#" + fragment) != 1:
        return None
    headings = [h.text for h in target.headings]
    found = closest(heading_key(fragment), [heading_key(h) for h in headings], CONFIDENT, 2)
    if len(found) != 1:
        return None
    heading = headings[found[0][2]]
    return replace(link.span, link.raw.replace("#" + fragment, "#" + heading, 1),
                   f"Link to the heading '{heading}'", "unsafe")
