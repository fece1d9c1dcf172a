"""The parser: bytes to :class:`vaultkit.model.Note`."""

from vaultkit.parse.note import parse_note, parse_text

__all__ = ["parse_note", "parse_text"]
