"""Every byte outside the generated region survives regeneration (Hypothesis, derandomized).

The user's bytes are arbitrary: any encoding (not even UTF-8), every line ending, a lone
CR, with or without a BOM.  Only the region between the markers is vaultkit's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.index import splice_region
from vaultkit.markers import BEGIN, END

BEGIN_B, END_B = BEGIN.format(name="index").encode(), END.format(name="index").encode()
REGION = f"{BEGIN.format(name='index')}\n\nnew text\n\n{END.format(name='index')}\n"
_BREAK = rb"(?:\r\n|\r|\n)"

# Bytes a user might have: pieces of text in several encodings, stray bytes, breaks.
piece = st.one_of(
    st.text(max_size=12).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(alphabet="àéîõü€ß caf", max_size=8).map(lambda t: t.encode("latin-1", "replace")),
    st.text(max_size=6).map(lambda t: t.encode("utf-16-le", "surrogatepass")),
    st.binary(max_size=8),
    st.sampled_from([b"\n", b"\r\n", b"\r", b"\n\n", b"\xef\xbb\xbf", b"```", b"~~~"]),
)
user_bytes = st.lists(piece, max_size=12).map(b"".join).filter(
    # marker lines, code fences and frontmatter are structure, not content (tested in test_markers)
    lambda b: b"vaultkit:" not in b and b"```" not in b and b"~~~" not in b and b"---" not in b)


def settings_() -> settings:
    return settings(max_examples=200, deadline=None, derandomize=True)


@settings_()
@given(bom=st.booleans(), before=user_bytes, old=user_bytes, after=user_bytes,
       eol=st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_bytes_outside_the_region_are_identical(bom: bool, before: bytes, old: bytes,
                                                 after: bytes, eol: bytes) -> None:
    prefix = (b"\xef\xbb\xbf" if bom else b"") + before
    if prefix and not prefix.endswith((b"\n", b"\r")) and prefix != b"\xef\xbb\xbf":
        prefix += eol
    old_region = BEGIN_B + eol + old.replace(b"\r", b"").replace(b"\n", b"") + eol + END_B
    suffix = (eol + after) if after else b""
    document = prefix + old_region + suffix
    result = splice_region(document, "index", REGION)
    assert isinstance(result, bytes)
    assert result.startswith(prefix)
    assert result.endswith(END_B + suffix)
    middle = result[len(prefix): len(result) - len(suffix)]
    assert middle.startswith(BEGIN_B) and middle.endswith(END_B)
    assert splice_region(result, "index", REGION) == result  # a second run writes nothing


@settings_()
@given(data=user_bytes)
def test_appending_keeps_every_byte_before(data: bytes) -> None:
    result = splice_region(data, "index", REGION)
    assert isinstance(result, bytes)
    assert result.startswith(data)
    assert result.rstrip(b"\r\n").endswith(END_B)
    assert splice_region(result, "index", REGION) == result


def test_non_utf8_bom_mixed_endings_and_lone_cr_survive() -> None:
    document = (b"\xef\xbb\xbfcaf\xe9\r\nline two\rlone cr\n" + BEGIN_B + b"\r\nold\r\n" + END_B
                + b"\r\nafter \xff\xfe\rend")
    result = splice_region(document, "index", REGION)
    assert result == (b"\xef\xbb\xbfcaf\xe9\r\nline two\rlone cr\n" + BEGIN_B + b"\r\n\r\nnew text\r\n\r\n"
                      + END_B + b"\r\nafter \xff\xfe\rend")


def test_the_region_takes_the_dominant_line_ending() -> None:
    result = splice_region(b"a\r\nb\r\nc\n", "index", REGION)
    assert isinstance(result, bytes)
    assert result.startswith(b"a\r\nb\r\nc\n\r\n" + BEGIN_B + b"\r\n")
    assert not re.search(rb"[^\r]\n", result[len(b"a\r\nb\r\nc\n"):])


# -- the same through `vaultkit index` itself (the Python API, one vault reused) --------

_VAULT_FILES = {
    "references.bib": "@article{alpha2020,\n  title = {Alpha},\n  year = {2020},\n}\n",
    "sessions/2024-01-01.md": "## Log\n- [read(@alpha2020)]\n  - a note\n",
}


@pytest.fixture(scope="module")
def one_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import write_vault

    return write_vault(tmp_path_factory.mktemp("prop") / "vault", dict(_VAULT_FILES))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(bom=st.booleans(), before=user_bytes, after=user_bytes,
       eol=st.sampled_from([b"\n", b"\r\n", b"\r"]))
def test_vaultkit_index_keeps_every_byte_outside_the_region(one_vault: Path, bom: bool, before: bytes,
                                                             after: bytes, eol: bytes) -> None:
    from vaultkit import build_index
    from vaultkit.vault import Vault

    prefix = (b"\xef\xbb\xbf" if bom else b"") + before
    if before and not prefix.endswith((b"\n", b"\r")):
        prefix += eol
    suffix = (eol + after) if after else b""
    note = one_vault / "papers" / "@alpha2020.md"
    note.parent.mkdir(exist_ok=True)
    note.write_bytes(prefix + BEGIN_B + eol + b"stale" + eol + END_B + suffix)
    build_index(Vault.load(one_vault, use_cache=False), write=True)
    written = note.read_bytes()
    assert written.startswith(prefix + BEGIN_B)
    assert written.endswith(END_B + suffix)
    assert b"stale" not in written and b"a note" in written
    again = build_index(Vault.load(one_vault, use_cache=False), write=True)
    assert note.read_bytes() == written and not again.stale  # a second run writes nothing
