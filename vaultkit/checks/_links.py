"""Shared by the link rules: resolve each checkable link of a note once."""

from __future__ import annotations

from typing import Iterator

from vaultkit.checks.base import VaultContext
from vaultkit.facts import NoteFacts
from vaultkit.model import Link
from vaultkit.packed import distinct
from vaultkit.references import Resolution, Resolver, is_note_target


def resolved_links(note: NoteFacts, ctx: VaultContext) -> Iterator[tuple[Link, Resolution]]:
    """Each distinct link of the note (report every place with
    :func:`~vaultkit.checks.base.each`) and where it leads."""
    global _last
    resolver = ctx.resolver
    last = _last
    if last is None or last[0] is not note or last[1] is not resolver or last[2] != resolver.generation:
        found = [(link, resolver.resolve(link, note.path)) for link in distinct(note.links)
                 if not (link.is_url or link.kind == "autolink")]
        _last = last = (note, resolver, resolver.generation, found)
    return iter(last[3])


_last: tuple[NoteFacts, Resolver, int, list[tuple[Link, Resolution]]] | None = None
"""The last note's links and their resolutions: the five link rules ask in turn about
the same note (each asking built every link of its table again)."""


def is_asset_link(link: Link) -> bool:
    return not is_note_target(link)


def show(link: Link) -> str:
    return link.target or "#" + (link.fragment or "")
