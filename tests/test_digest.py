"""vaultkit.digest: every digest vaultkit takes, from one module.

Content hashes and cache keys are BLAKE2b (CPython's ``_blake2``, the function hashlib
re-exports: a build without it gets the same values); the store's row seals are a CRC-32
with the length, which must refuse any row whose fields were damaged, truncated or moved.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit import digest
from vaultkit.bib.model import Bibliography
from vaultkit.files import VaultFiles
from vaultkit.store import Store


def test_content_and_keys_are_blake2b_of_the_bytes() -> None:
    # the values hashlib's BLAKE2b gives: a Python without _blake2 keeps every stored key
    data = b"# A note\n\nwith \xff bytes that are not UTF-8\n"
    assert digest.content(data) == hashlib.blake2b(data, digest_size=16).hexdigest()
    assert digest.key(data, 20) == hashlib.blake2b(data, digest_size=10).hexdigest()
    assert len(digest.content(b"")) == digest.CONTENT_HEX == 32
    assert [len(digest.key("k", n)) for n in (16, 20, 32)] == [16, 20, 32]
    # text is its UTF-8 (lone surrogates of undecodable file names included)
    name = "caf\udce9.md"
    assert digest.key(name) == digest.key(name.encode("utf-8", "surrogatepass"))
    assert digest.key("a") != digest.key("b") and digest.content(b"a") != digest.content(b"a\n")
    incremental = digest.hasher(16)
    incremental.update(b"ab")
    incremental.update(b"c")
    assert incremental.hexdigest() == digest.key(b"abc", 16)


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.binary(max_size=40), min_size=1, max_size=4), st.data())
def test_a_seal_refuses_any_damaged_truncated_or_moved_field(  # type: ignore[no-untyped-def]
        parts: list[bytes], data) -> None:
    sealed = digest.seal(*parts)
    assert digest.seal(*parts) == sealed
    which = data.draw(st.integers(0, len(parts) - 1))
    part = parts[which]
    if part:
        # a flipped bit anywhere (CRC-32 catches every error burst up to 32 bits)
        at = data.draw(st.integers(0, len(part) - 1))
        bit = 1 << data.draw(st.integers(0, 7))
        flipped = part[:at] + bytes([part[at] ^ bit]) + part[at + 1:]
        assert digest.seal(*parts[:which], flipped, *parts[which + 1:]) != sealed
        # truncated
        assert digest.seal(*parts[:which], part[:-1], *parts[which + 1:]) != sealed
        # a byte moved across the boundary into the next field
        if which + 1 < len(parts):
            moved = [*parts[:which], part[:-1], part[-1:] + parts[which + 1], *parts[which + 2:]]
            assert digest.seal(*moved) != sealed
    # a field lost or added
    assert digest.seal(*parts[:-1]) != sealed
    assert digest.seal(*parts, b"") != sealed


def test_a_field_holding_a_separator_byte_is_no_ambiguity() -> None:
    # what Hypothesis found in a seal that separated fields by a 0x1f byte
    assert digest.seal(b"\x1f", b"") != digest.seal(b"", b"\x1f")
    assert digest.seal(b"a\x00", b"b") != digest.seal(b"a", b"\x00b")


def test_text_and_numbers_seal_as_their_utf8_and_decimal() -> None:
    assert digest.seal("é", 12) == digest.seal("é".encode(), b"12")
    assert digest.seal("x") != digest.seal("y")


def _tamper(store: Store, sql: str, *args: object) -> None:
    store.close()
    db = sqlite3.connect(store.path)
    db.execute(sql, args)
    db.commit()
    db.close()


def test_the_listing_and_bibliography_rows_refuse_a_damaged_blob(  # type: ignore[no-untyped-def]
        tmp_path: Path, monkeypatch) -> None:
    """The two big rows a one-note lint reads: one byte changed, a byte cut off, or the
    row put under another key, and the store answers "not stored" (computed again)."""
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "v"
    root.mkdir()
    files = VaultFiles(root, ("a.md", "b/c.md"), {}, (("", 1, 2, 3),))
    store = Store(root)
    store.put_files("k1", files)
    store.put_files("k2", files)
    assert store.files("k1") is not None and store.files("k1").paths == ["a.md", "b/c.md"]
    (blob,) = sqlite3.connect(store.path).execute("SELECT data FROM listing WHERE key = 'k1'").fetchone()
    damaged = blob.replace(b"c.md", b"d.md")
    _tamper(store, "UPDATE listing SET data = ? WHERE key = 'k1'", damaged)
    assert store.files("k1") is None
    _tamper(store, "UPDATE listing SET data = ? WHERE key = 'k1'", blob[:-1])
    assert store.files("k1") is None
    _tamper(store, "UPDATE listing SET data = ? WHERE key = 'k1'", blob)  # repaired: trusted again
    assert store.files("k1") is not None
    _tamper(store, "DELETE FROM listing WHERE key = 'k2'")
    _tamper(store, "UPDATE listing SET key = 'k2' WHERE key = 'k1'")  # moved to another key
    assert store.files("k2") is None
    store.close()
    bib = Bibliography({}, (), ("references.bib",), (0,))
    store = Store(root)
    store.put_bibliography("fast", "stamp", bib)
    assert store.bibliography("fast", "stamp", lambda: bib) is not None
    (blob,) = sqlite3.connect(store.path).execute("SELECT data FROM bib WHERE kind = 'fast'").fetchone()
    _tamper(store, "UPDATE bib SET data = ? WHERE kind = 'fast'", blob.replace(b"references", b"referencez"))
    assert store.bibliography("fast", "stamp", lambda: bib) is None
    _tamper(store, "UPDATE bib SET data = ? WHERE kind = 'fast'", blob[:-1])
    assert store.bibliography("fast", "stamp", lambda: bib) is None
    store.close()
