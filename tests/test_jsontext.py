"""vaultkit.jsontext: msgspec reads and writes JSON text with the json module's values.

Each function is compared with its json counterpart on derandomized Hypothesis data --
well-formed, damaged and unusual text; data with non-ASCII, control characters, lone
surrogates and big integers -- and the keys of :func:`canonical` are checked to tell
apart values that JSON would write alike (a date and its ISO string, a tuple and a list,
NaN and null, an integer key and its digits).
"""

from __future__ import annotations

import datetime
import json
import math
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.jsontext import canonical, dumps_indented, dumps_sorted, is_plain, loads

TEXT = st.text(st.characters() | st.sampled_from(["\ud800", "\udce9", "\udfff", "\x1f", "\u2028"]),
               max_size=12)  # lone surrogates (a file name that is not UTF-8) included
JSON_DATA = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=16)


def _json_outcome(function, text):  # type: ignore[no-untyped-def]
    try:
        return "value", repr(function(text))  # repr: NaN equals NaN
    except RecursionError:
        return "recursion", None
    except ValueError as error:
        return type(error).__name__, str(error)


@settings(max_examples=200, derandomize=True)
@given(JSON_DATA, st.data())
def test_loads_gives_what_json_loads_gives(value, data) -> None:  # type: ignore[no-untyped-def]
    text = json.dumps(value, ensure_ascii=data.draw(st.booleans()))
    assert _json_outcome(loads, text) == _json_outcome(json.loads, text)
    # and for text damaged anywhere: a character cut, put in, or the text truncated
    at = data.draw(st.integers(0, len(text)))
    damaged = data.draw(st.sampled_from([
        text[:at], text[:at] + text[at + 1:],
        text[:at] + data.draw(st.sampled_from(list('{}[]",:\\ \x00\t\ud800é0-eE.nN'))) + text[at:]]))
    assert _json_outcome(loads, damaged) == _json_outcome(json.loads, damaged)


def test_loads_on_text_msgspec_reads_otherwise() -> None:
    for text in ['NaN', '[Infinity, -Infinity]', '1e400', '"\\ud800"', '{"a": "\\udc00x"}',
                 '{"a": 1, "a": 2}', '123456789012345678901234567890', ' [1] ', '[' * 5000,
                 '"tab\tinside"', '{"a" 1}', '', '\ufeff{}']:
        assert _json_outcome(loads, text) == _json_outcome(json.loads, text), text


@settings(max_examples=200, derandomize=True)
@given(st.lists(JSON_DATA, max_size=3))
def test_dumps_indented_is_json_dumps_byte_for_byte(value) -> None:  # type: ignore[no-untyped-def]
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=150, derandomize=True)
@given(JSON_DATA | st.dictionaries(st.integers(), st.integers(), max_size=3)
       | st.floats(allow_nan=True, allow_infinity=True) | st.dates())
def test_dumps_sorted_reads_back_as_json_dumps_sorted(value) -> None:  # type: ignore[no-untyped-def]
    try:
        expected = json.dumps(value, sort_keys=True)
    except TypeError:  # what json cannot write at all (a date): neither can dumps_sorted
        try:
            dumps_sorted(value)
        except TypeError:
            return
        raise AssertionError("wrote what json refuses")
    assert repr(json.loads(dumps_sorted(value))) == repr(json.loads(expected))


def test_plain_data_is_what_json_gives_back_exactly() -> None:
    assert is_plain({"a": [1, 2.5, "é", None, True, {"b": 10 ** 30}]})
    for odd in [(1,), {1: "a"}, {"a": float("nan")}, [float("inf")], datetime.date(2024, 1, 2),
                {"x"}, b"x", "lone \udce9", {"k\ud800": 1}]:
        assert not is_plain(odd), odd


@settings(max_examples=150, derandomize=True)
@given(JSON_DATA)
def test_canonical_of_plain_data_is_its_sorted_compact_json(value) -> None:  # type: ignore[no-untyped-def]
    """Plain data take msgspec's text as it is (checked by reading it back): what the
    json module writes with sorted keys, compactly; the rest is tagged."""
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if is_plain(value):
        assert canonical(value) == expected.encode()
    else:  # a lone surrogate somewhere: tagged, never the text of a plain value
        assert b"\\u0000type" in canonical(value)


def test_canonical_keys_tell_apart_what_json_writes_alike() -> None:
    day = datetime.date(2023, 3, 14)
    pairs = [({"d": day}, {"d": "2023-03-14"}), ({"d": day}, {"d": repr(day)}), ((1, 2), [1, 2]),
             ({1: "a"}, {"1": "a"}), ([float("nan")], [None]), ({"a"}, ["a"]), (1, 1.0), (1, True),
             ("\udce9", "\\udce9"), (b"x", "x")]
    for one, other in pairs:
        assert canonical(one) != canonical(other), (one, other)
    assert canonical({"b": 1, "a": [2, {"d": 3, "c": 4}]}) == canonical({"a": [2, {"c": 4, "d": 3}], "b": 1})
    assert canonical({3, 1, 2}) == canonical({2, 3, 1}) and canonical({1: 2, 3: 4}) == canonical({3: 4, 1: 2})


def test_canonical_keys_are_the_same_in_every_process() -> None:
    """A set of strings iterates in another order under each hash seed: its key does not."""
    code = ("from vaultkit.jsontext import canonical; "
            "print(canonical({'tags': {'alpha', 'beta', 'gamma', 'delta'}, 'n': (frozenset('xyz'),)}))")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": str(seed), **_path_env()}).stdout for seed in (1, 2, 3)}
    assert len(seen) == 1 and "alpha" in seen.pop()


def _path_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}


def test_no_float_is_lost() -> None:
    assert math.isnan(loads("NaN")) and loads("[1.5e300]") == [1.5e300]
