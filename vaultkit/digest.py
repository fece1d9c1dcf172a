"""Every digest vaultkit takes: content hashes, cache keys and the store's row seals.

Content hashes and cache keys are BLAKE2b, from CPython's own ``_blake2`` (the module
``hashlib`` itself re-exports it from): ``import hashlib`` starts OpenSSL -- loads
libcrypto and builds a context for each algorithm it offers -- which was a fiftieth of a
one-note pre-commit lint, while ``_blake2`` starts at once.  (On a CPU with SHA
instructions OpenSSL's SHA-256 hashes twice as fast, about 1 GB/s against 0.5: a cold
lint of a 30 MB vault pays some 30 ms more for its content hashes, spread over its
workers, where every run paid the start-up.)  ``digest_size`` gives the short keys
directly: a key of 16 hex digits is a whole 64-bit digest, not a cut of a longer one.
A build without ``_blake2`` takes hashlib's (the same function, the same values).

Row seals (:func:`seal`) guard against a row damaged, truncated, of another format or
moved to another key -- accidents, not an adversary: a CRC-32 of the row's fields and
the key they belong to, with their total length, is that check at a quarter of
BLAKE2b's cost (a one-note lint seals half a megabyte of store rows it reads).

Nothing here is written inside a vault: index notes, their markers and every output
format carry no digest, so a change of algorithm changes only what the cache folder
holds (the store's format is bumped with it, and older files are rebuilt).
"""

from __future__ import annotations

from zlib import crc32

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without CPython's own BLAKE2
    from hashlib import blake2b

__all__ = ["blake2b", "content", "key", "hasher", "seal"]

CONTENT_HEX = 32
"""Hex digits of a file's content hash: 128 bits, what tells one version of a note
from another (the stat pass decides most; this answers when a stat is in doubt)."""


def content(data: bytes) -> str:
    """The content hash of a file's bytes: what the store keeps to know a note unchanged."""
    return blake2b(data, digest_size=CONTENT_HEX // 2).hexdigest()


def key(data: bytes | str, length: int = 32) -> str:
    """A cache key of ``length`` hex digits (even, at most 128) for ``data``; text is
    encoded as UTF-8, lone surrogates of undecodable file names included."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return blake2b(data, digest_size=length // 2).hexdigest()


def hasher(length: int = 32) -> blake2b:
    """An incremental :func:`key`: ``update()`` it with bytes, read ``hexdigest()``."""
    return blake2b(digest_size=length // 2)


def seal(*parts: bytes | str | int) -> str:
    """A check of a row's fields, in order: CRC-32 and total length, as hex.

    Each field is checked with its length before it (never a separator byte, which a
    field could hold: ``("\x1f", "")`` and ``("", "\x1f")`` seal differently), so bytes
    moved from one field to the next change the seal; text is encoded as UTF-8 (lone
    surrogates included), numbers in decimal.
    """
    crc = 0
    size = 0
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        crc = crc32(data, crc32(len(data).to_bytes(8, "little"), crc))
        size += len(data)
    return f"{crc:08x}{size:x}"
