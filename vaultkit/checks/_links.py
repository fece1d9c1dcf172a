"""Shared by the link rules: resolve each checkable link of a note once."""

from __future__ import annotations

from typing import Iterator

from vaultkit.checks.base import VaultContext
from vaultkit.facts import NoteFacts
from vaultkit.model import Link
from vaultkit.packed import distinct
from vaultkit.references import Resolution, is_note_target


def resolved_links(note: NoteFacts, ctx: VaultContext) -> Iterator[tuple[Link, Resolution]]:
    """Each distinct link of the note (report every place with
    :func:`~vaultkit.checks.base.each`) and where it leads."""
    for link in distinct(note.links):
        if link.is_url or link.kind == "autolink":
            continue
        yield link, ctx.resolver.resolve(link, note.path)


def is_asset_link(link: Link) -> bool:
    return not is_note_target(link)


def show(link: Link) -> str:
    return link.target or "#" + (link.fragment or "")
