"""JSON text read and written by msgspec, with the values the json module would give.

msgspec is imported by every lint (the store's payloads are msgspec JSON); the json
module is a few more milliseconds of start-up that a one-note lint has no other use for.
Each function here gives what its json counterpart gives, and falls back to the json
module itself -- imported then, never before -- for the rare text or value msgspec
treats otherwise: NaN and infinities, lone surrogates, numbers past a double, keys that
are not strings.  So reading Obsidian's settings, writing the JSON report and keying a
check never import json, and nothing a user sees changes.
"""

from __future__ import annotations

from typing import Any

import msgspec

_DECODE = msgspec.json.Decoder()
_ENCODE = msgspec.json.Encoder()
_SORTED = msgspec.json.Encoder(order="sorted")
_INFINITIES = (float("inf"), float("-inf"))


def loads(text: str) -> Any:
    """``json.loads(text)``: the same value, or the same :class:`json.JSONDecodeError`
    (its message and position) for text that is not JSON."""
    try:
        return _DECODE.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeEncodeError, RecursionError):
        # an edge: malformed or unusual text (1e400, a lone surrogate, NaN) is json's to
        # answer, with its own error and position
        import json

        return json.loads(text)


def dumps_indented(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` of JSON data (dicts with string
    keys, lists, strings, integers, booleans, ``None``), byte for byte."""
    try:
        return msgspec.json.format(_ENCODE.encode(value), indent=2).decode()
    except (UnicodeEncodeError, TypeError, OverflowError):
        # an edge: a lone surrogate (a file name that is not UTF-8) or a value msgspec
        # does not write as json does
        import json

        return json.dumps(value, indent=2, ensure_ascii=False)


def dumps_sorted(value: Any) -> str:
    """Text that ``json.loads`` reads back as the value ``json.dumps(value,
    sort_keys=True)`` writes (msgspec's compact form for plain data)."""
    if is_plain(value):
        return _SORTED.encode(value).decode()
    import json  # an edge: not plain JSON data (a date, NaN, an integer key)

    return json.dumps(value, sort_keys=True)


def is_plain(value: Any) -> bool:
    """Whether JSON gives back exactly ``value`` (no tuple, set, date, non-string key,
    NaN or infinity, no lone surrogate)."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _plain_str(k) and is_plain(v) for k, v in value.items())
    if kind is list:
        return all(is_plain(v) for v in value)
    if kind is str:
        return _plain_str(value)
    if kind is float:
        return value == value and value not in _INFINITIES
    return kind is int or kind is bool or value is None


def _plain_str(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:  # a lone surrogate: JSON text cannot hold it as it is
        return False
    return True


def canonical(value: Any) -> bytes:
    """One JSON text per value, for keys: dict keys sorted, and every value that is not
    plain JSON data (a date, a set, a tuple, bytes, NaN, a non-string key...) written as
    its type and repr -- never equal to a plain value that reads the same."""
    try:
        text = _SORTED.encode(value)
        if _DECODE.decode(text) == value:
            # plain data (what JSON gives back equal): msgspec's text as it is, checked
            # in C -- a config's JSON Schema is a few hundred values to walk in Python
            return text
    except (TypeError, UnicodeEncodeError, OverflowError, ValueError):
        pass  # a non-string key, a lone surrogate, a value msgspec does not write
    return _SORTED.encode(_tagged(value))


def _tagged(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        if all(type(k) is str and _plain_str(k) for k in value):
            return {k: _tagged(v) for k, v in value.items()}
        items = sorted(([_tagged(k), _tagged(v)] for k, v in value.items()),
                       key=lambda item: _SORTED.encode(item[0]))
        return {"\0type": "dict", "\0items": items}
    if kind is list:
        return [_tagged(v) for v in value]
    if kind is tuple:
        return {"\0type": "tuple", "\0items": [_tagged(v) for v in value]}
    if kind in (set, frozenset):
        items = sorted((_tagged(v) for v in value), key=_SORTED.encode)
        return {"\0type": kind.__name__, "\0items": items}
    if is_plain(value):
        return value
    # YAML gives dates and could give bytes: keyed by type and repr, never equal to a
    # string that happens to read the same
    return {"\0type": kind.__name__, "\0repr": repr(value).encode("utf-8", "backslashreplace").decode()}
