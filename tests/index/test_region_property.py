"""Every byte outside the generated region survives regeneration (a hypothesis property)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.index import replace_region
from vaultkit.index.render import BEGIN, END

REGION = f"{BEGIN.format(name='index')}\n\nnew text\n\n{END.format(name='index')}\n"
# User text: anything but the marker lines themselves (those are vaultkit's).
user_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
    max_size=300,
).filter(lambda t: "vaultkit:begin" not in t and "vaultkit:end" not in t)


@settings(max_examples=300, deadline=None)
@given(before=user_text, old=user_text, after=user_text)
def test_bytes_outside_the_region_are_preserved(before: str, old: str, after: str) -> None:
    begin, end = BEGIN.format(name="index"), END.format(name="index")
    prefix = before if before.endswith("\n") or not before else before + "\n"
    document = f"{prefix}{begin}\n{old}\n{end}\n{after}"
    result = replace_region(document, "index", REGION)
    assert isinstance(result, str)
    assert result.startswith(prefix)
    assert result.endswith(f"\n{after}") or (not after and result.endswith(f"{end}\n"))
    assert result == prefix + REGION + after
    # idempotent
    assert replace_region(result, "index", REGION) == result


@settings(max_examples=200, deadline=None)
@given(text=user_text)
def test_appending_keeps_everything_before(text: str) -> None:
    result = replace_region(text, "index", REGION)
    assert isinstance(result, str)
    assert result.startswith(text)
    assert result.endswith(REGION)
    assert replace_region(result, "index", REGION) == result
