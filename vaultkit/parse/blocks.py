"""The position layer over mistune's block parser.

mistune 3 records no source positions (its issue #218).  This module, and only this one,
reaches into mistune's block machinery to recover them.  It is tested against the mistune
range pinned in ``pyproject.toml`` (the list code it mirrors is the same in 3.3.2 and 3.4.0);
``tests/parse/test_structure.py`` checks the block structure so a mistune change that
moves anything fails loudly.

How positions are recovered:

* Every ``BlockState`` gets ``base``: the absolute 0-based line of its ``src`` line 0.
  mistune builds the child states of list items and block quotes over rewritten text
  (markers, ``>`` and indentation stripped) whose lines map one to one onto the parent's.
  The parser itself knows where a child starts -- a block quote at the cursor it starts
  from, a list item on its marker line (or the line after, when the marker line holds
  nothing else) -- so ``parse_block_quote`` and ``parse_list`` are mirrored here to pass
  that line to ``child_state`` and to stamp the container tokens with their line range.
  Nothing is placed by searching for text, so repeated or tab-indented lines cannot
  mislead it.
* ``parse_method`` stamps the leaf tokens a call creates with the line range it consumed;
  paragraphs created by the parse loop itself are stamped in ``add_paragraph``, and
  indented code found by mistune's fast path in ``_parse_indent_code_fast``.

Only line numbers come from here.  Columns are found on the original lines by
:mod:`vaultkit.parse.note`, and inline elements by :mod:`vaultkit.parse.inline`, which
reads the original text directly.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from typing import Any, Iterator, NamedTuple, Optional, Set

from vaultkit.parse.deferred import defer_init

# mistune's block parser is all vaultkit runs of mistune: its package __init__ (the inline
# parser, the HTML renderer, a default Markdown) runs only if something else asks for it
defer_init("mistune")

from mistune.block_parser import BlockParser  # noqa: E402 (after defer_init)
from mistune.core import BlockState  # noqa: E402
from mistune.list_parser import (  # noqa: E402
    _clean_list_item_text,
    _compile_continue_width,
    _compile_list_break_sc,
    _compile_list_item_pattern,
    _create_list_marker,
    _expand_leading_tabs,
    _get_list_break_rules,
    _get_list_bullet,
    _has_continuation_indent,
    _is_loose_list,
    _ListItemLines,
    _ListMarker,
    _match_list_item_break,
    _transform_tight_list,
)
from mistune.util import strip_end  # noqa: E402
from mistune.plugins.math import math, math_in_list, math_in_quote  # noqa: E402

LINE = "_vk_line"
END = "_vk_end"
MARKER = "_vk_marker"
FIRST = "_vk_first"


class _PositionedState(BlockState):
    """A BlockState that knows which original lines its ``src`` covers."""

    def __init__(self, parent: Optional[Any] = None) -> None:
        super().__init__(parent)
        self.base = 0
        self.pending_base: int | None = None
        self._starts: list[int] | None = None

    def process(self, src: str) -> None:
        super().process(src)
        self._starts = None

    def line_of(self, offset: int) -> int:
        """0-based line of an offset in this state's ``src``."""
        if self._starts is None:
            starts = [0]
            pos = self.src.find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = self.src.find("\n", pos + 1)
            self._starts = starts
        return bisect_right(self._starts, offset) - 1

    def absolute_line(self, offset: int) -> int:
        return self.base + self.line_of(offset)

    def child_state(self, src: str, lazy_line_starts: Optional[Set[int]] = None) -> BlockState:
        child = super().child_state(src, lazy_line_starts)
        assert isinstance(child, _PositionedState)
        if self.pending_base is not None:
            child.base, self.pending_base = self.pending_base, None
        else:  # a container this module does not mirror: best effort
            child.base = self.absolute_line(self.cursor)
        return child

    def add_paragraph(self, text: str) -> None:
        super().add_paragraph(text)
        token = self.tokens[-1]
        if LINE not in token:
            token[LINE] = self.absolute_line(self.cursor)


def _last_line(base: int, src: str) -> int | None:
    """Absolute last line of ``src`` placed at ``base``, trailing blank lines excluded."""
    stripped = src.rstrip()
    return base + stripped.count("\n") if stripped else None


# What each block rule's match can begin with, after the line's leading spaces: the
# spaces it allows before that (``None``: any number) and the characters that may follow
# them (``None``: any).  Read off mistune's patterns (its ``SPECIFICATION``, the math
# plugin's, the list-break variants); tests/parse/test_scanner.py holds every rule's
# pattern against it.  A rule not here (another plugin's) means mistune's own scanner.
_STARTS: dict[str, tuple[int | None, str | None]] = {
    "fenced_code": (3, "`~"),
    "atx_heading": (3, "#"),
    "setex_heading": (3, "=-"),
    "thematic_break": (3, "-_*"),
    "block_quote": (3, ">"),
    "block_math": (3, "$"),
    "list": (3, "*+-"),  # or a decimal digit (``\\d``: any of Unicode's), see _may_start
    "ref_link": (3, "["),
    "raw_html": (3, "<"),
    "block_html": (3, "<"),
    "blank_line": (None, "\t\v\f\n"),
}


def _may_start(name: str, spaces: int, char: str) -> bool:
    """Whether rule ``name`` may match a line of ``spaces`` spaces (4 or more: 4) and then
    ``char`` (``""``: the end of the text)."""
    if name == "indent_code":  # four spaces, or a tab after fewer, then text
        return spaces >= 4 or char == "\t"
    most, chars = _STARTS[name]
    if char == "" or (most is not None and spaces > most):
        return False
    return chars is None or char in chars or (name == "list" and char.isdecimal())


_SPACES = re.compile(" *")


class _RuleScanner:
    """A block-rule alternation that compiles, the first time a kind of line start needs
    it, only the rules that may match there.

    mistune joins every rule into one pattern (``(?P<rule>...)|...``) and compiles it on
    the first parse: the block scanner, the list-break one, the quote's -- 16 M
    instructions of a one-note lint, where a note's lines start with a handful of
    characters (``#``, ``-``, a letter) that most rules cannot match after.  The line's
    leading spaces and the character after them pick the rules that may match
    (:func:`_may_start`); those, in the alternation's order, are compiled as one pattern
    of the same form.  An alternation matches with its first alternative that matches,
    and a rule left out cannot match there: the same match, group for group by name
    (mistune reads a scanner's matches by name: ``lastgroup``, ``group("fenced_1")``).

    ``search`` tries line starts only (every rule begins with ``^``): ``re``'s own
    search tries every character, which on one line of 20 MB inside a list item or a
    quote took seconds.  Trying ``match`` at each line start finds the same, leftmost
    match.
    """

    __slots__ = ("_parts", "_flags", "_by_start", "_whole")

    def __init__(self, parts: list[tuple[str, str]], flags: int) -> None:
        self._parts = parts
        """(rule name, its pattern as the alternation holds it), in the alternation's order."""
        self._flags = flags
        self._by_start: dict[object, re.Pattern[str] | None] = {}
        self._whole: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The whole alternation, as mistune would compile it (asked for nothing else)."""
        if self._whole is None:
            self._whole = re.compile("|".join(f"(?P<{n}>{p})" for n, p in self._parts), self._flags)
        return self._whole

    def _for(self, spaces: int, char: str) -> re.Pattern[str] | None:
        key = char if not spaces else (spaces, char)
        if key in self._by_start:
            return self._by_start[key]
        names = [(n, p) for n, p in self._parts if _may_start(n, spaces, char)]
        found = self._by_start[key] = re.compile(
            "|".join(f"(?P<{n}>{p})" for n, p in names), self._flags) if names else None
        return found

    def match(self, src: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if endpos < len(src):  # the start's characters may lie past the end: all rules
            return self.pattern.match(src, pos, endpos)
        char = src[pos:pos + 1]
        if char == " ":  # the character after every leading space; four or more count as 4
            after = _SPACES.match(src, pos).end()  # type: ignore[union-attr]
            char = src[after:after + 1]
            found = self._for(min(after - pos, 4), char)
        else:
            found = self._by_start.get(char, False)
            if found is False:
                found = self._for(0, char)
        return found.match(src, pos) if found is not None else None  # type: ignore[union-attr]

    def search(self, src: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return _search_line_starts(self.match, src, pos, endpos)


def _search_line_starts(match: Any, src: str, pos: int, endpos: int) -> re.Match[str] | None:
    """The leftmost ``match`` at a line start from ``pos`` (``pos`` itself included: there
    "^" decides whether it is one)."""
    found = match(src, pos, endpos)
    while found is None:
        pos = src.find("\n", pos, endpos) + 1
        if pos == 0:
            return None
        found = match(src, pos, endpos)
    return found


def _scanner(parts: list[tuple[str, str]], flags: int) -> _RuleScanner | None:
    """A :class:`_RuleScanner` of ``parts``, if every rule is one whose starts are known."""
    if all(name in _STARTS or name == "indent_code" for name, _ in parts):
        return _RuleScanner(parts, flags)
    return None


class _LineStartSearch:
    """A compiled block-rule alternation whose ``search`` tries line starts only (as
    :class:`_RuleScanner`'s does): the scanner of rules whose starts are not known, all
    of them anchored."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def match(self, src: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.pattern.match(src, pos, endpos)

    def search(self, src: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return _search_line_starts(self.pattern.match, src, pos, endpos)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) of each ``(``, ``)`` and ``|`` of a regular
    expression, escapes and character classes stepped over."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[c]
            yield i, c, depth
        i += 1


def _branches(pattern: str) -> Iterator[str]:
    """The top-level alternatives of a regular expression."""
    start = 0
    for i, c, depth in _structure(pattern):
        if c == "|" and depth == 0:
            yield pattern[start:i]
            start = i + 1
    yield pattern[start:]


def _group_body(pattern: str, start: int) -> str | None:
    """The inside of the group whose body starts at ``start`` (after its ``(``)."""
    for i, c, depth in _structure(pattern, start):
        if c == ")" and depth == -1:
            return pattern[start:i]
    return None


_GROUP = re.compile(r"\((?:\?:|\?P<\w+>)?")


def _anchored(pattern: str) -> bool:
    """Whether every alternative of ``pattern`` begins with ``^`` (perhaps inside a group
    that cannot repeat zero times)."""
    for branch in _branches(pattern):
        if branch.startswith("^"):
            continue
        group = _GROUP.match(branch)
        if group is None:
            return False
        body = _group_body(branch, group.end())
        if body is None or not _anchored(body):
            return False
        if branch[group.end() + len(body) + 1 : group.end() + len(body) + 3].startswith(("*", "?", "{0")):
            return False
    return True


class _PositionedBlockParser(BlockParser):
    state_cls = _PositionedState

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._item_re: dict[tuple[str, int], tuple[re.Pattern[str], Any]] = {}
        self._scanners: dict[tuple[str, ...], Any] = {}
        super().__init__(*args, **kwargs)

    def register(self, name: str, pattern: Any, func: Any, before: Optional[str] = None) -> None:
        super().register(name, pattern, func, before)
        self._item_re.clear()  # a new rule (a plugin's) may be a list break
        self._scanners.clear()  # or a rule of a scanner, or another pattern of one

    def compile_sc(self, rules: Optional[list[str]] = None) -> Any:
        names = tuple(rules if rules is not None else self.rules)
        found = self._scanners.get(names)  # mistune asks on every parse of every list and quote
        if found is None:
            found = _scanner([(n, self.specification[n]) for n in names], self.sc_flag)
            if found is None:  # a rule of unknown starts (another plugin's): mistune's own
                sc = super().compile_sc(rules)  # (its cache is cleared when a rule changes)
                anchored = all(_anchored(self.specification[name]) for name in names)
                # a rule that may match mid-line keeps re's own search
                found = _LineStartSearch(sc) if anchored else sc
            self._scanners[names] = found
        return found

    def parse_method(self, m: Any, state: Any) -> Optional[int]:
        start = state.cursor
        before = len(state.tokens)
        end = super().parse_method(m, state)
        stop = end if end else state.cursor
        first = state.absolute_line(start)
        last = state.absolute_line(max(stop - 1, start))
        for token in state.tokens[max(before - 1, 0) :]:
            if LINE not in token:
                token[LINE] = first
                token[END] = last
        return end

    def _parse_indent_code_fast(self, state: Any) -> Optional[int]:  # mistune >= 3.4
        start = state.cursor
        before = len(state.tokens)
        end = super()._parse_indent_code_fast(state)  # type: ignore[misc]
        for token in state.tokens[before:]:
            token.setdefault(LINE, state.absolute_line(start))
        return end

    def parse_block_quote(self, m: Any, state: Any) -> int:
        # Mirrors BlockParser.parse_block_quote; only the position bookkeeping is new.
        first = state.absolute_line(state.cursor)
        index = len(state.tokens)
        text, end_pos, lazy_line_starts = self.extract_block_quote(m, state)
        state.pending_base = first
        child = state.child_state(text, lazy_line_starts=lazy_line_starts)
        if state.depth() >= self.max_nested_level - 1:
            rules = [rule for rule in self.block_quote_rules if rule not in ("block_quote", "list")]
        else:
            rules = self.block_quote_rules
        self.parse(child, rules)
        last = _last_line(first, text)
        token = {"type": "block_quote", "children": child.tokens, LINE: first,
                 END: first if last is None else last}
        if end_pos:
            # The block that ended the quote is already in the tokens, maybe with more
            # blocks it ended in turn: mistune's ``prepend_token`` puts the quote before
            # only the last of them, out of document order.
            state.tokens.insert(index, token)
            return end_pos
        state.append_token(token)
        return state.cursor

    def parse_list(self, m: Any, state: Any) -> int:
        # Mirrors mistune.list_parser.parse_list; only the position bookkeeping is new.
        item = _create_list_marker(m, "list")
        if not item.text.strip():
            end_pos = state.append_paragraph()
            if end_pos:
                return end_pos
        depth = state.depth()
        token: dict[str, Any] = {
            "type": "list",
            "children": [],
            "tight": True,
            "bullet": item.bullet,
            "attrs": {"depth": depth, "ordered": item.ordered},
        }
        if item.ordered:
            start = int(item.marker[:-1])
            if start != 1:
                end_pos = state.append_paragraph()
                if end_pos:
                    return end_pos
                token["attrs"]["start"] = start

        state.cursor = m.end() + 1
        if depth >= self.max_nested_level - 1:
            rules = [rule for rule in self.list_rules if rule not in ("list", "block_quote")]
        else:
            rules = self.list_rules
        bullet = _get_list_bullet(item.bullet)
        item_or_none: Optional[_ListMarker] = item
        while item_or_none:
            item_or_none = self._parse_list_item(bullet, item_or_none, token, state, rules)

        children = token["children"]
        token[LINE] = children[0][LINE]
        token[END] = max(child[END] for child in children)
        end_pos = token.pop("_end_pos", None)
        _transform_tight_list(token)
        if end_pos:
            state.tokens.insert(token.pop("_tok_index"), token)
            return int(end_pos)
        state.append_token(token)
        return int(state.cursor)

    def _item_patterns(self, bullet: str, leading_width: int) -> tuple[re.Pattern[str], Any]:
        """The next-item and list-break patterns of an item: mistune builds (and looks up
        in ``re``'s cache) both for every item; they depend only on the bullet, the
        indent and this parser's rules, so each is built once."""
        key = (bullet, leading_width)
        found = self._item_re.get(key)
        if found is None:
            found = self._item_re[key] = (
                re.compile(_compile_list_item_pattern(bullet, leading_width)),
                _list_break_scanner(self, leading_width))
        return found

    def _collect_lines(self, list_item_re: re.Pattern[str], break_sc: Any, state: Any, text: str,
                       continue_width: int) -> _ListItemLines:
        # Mirrors mistune.list_parser._collect_list_item_lines, which asks two helpers
        # of every line that scan its indentation in Python; a line without a tab
        # answers both with a string test (see _continues, _clean_text).
        src = ""
        prev_blank_line = False
        blank = self.BLANK_LINE.match
        source = state.src
        indent = " " * continue_width
        while state.cursor < state.cursor_max:
            cursor = state.cursor
            end = source.find("\n", cursor)
            next_pos = len(source) if end < 0 else end + 1
            raw_line = source[cursor:next_pos]
            if blank(raw_line):
                src += "\n"
                prev_blank_line = True
                state.cursor = next_pos
                continue

            has_continuation = _continues(raw_line, indent)
            if has_continuation:
                if prev_blank_line and not text and not src.strip():
                    break  # CommonMark example 280: at most one blank line opens an item
                src += raw_line
                prev_blank_line = False
                state.cursor = next_pos
                continue

            line = _expand_leading_tabs(raw_line) if "\t" in raw_line else raw_line
            line_break = _match_list_item_break(list_item_re, break_sc, state, line)
            if line_break:
                tok_type, m = line_break
                if tok_type == "list_item":
                    state.cursor = next_pos
                    return _ListItemLines(src, next_item=_create_list_marker(m, "listitem"),
                                          loose=prev_blank_line)
                if tok_type == "list":
                    break
                tok_index = len(state.tokens)
                end_pos = self.parse_method(m, state)
                if end_pos:
                    return _ListItemLines(src, end_pos=end_pos, token_index=tok_index)

            if prev_blank_line:
                break  # not a continuation line, after a blank one

            src += raw_line
            state.cursor = next_pos
        return _ListItemLines(src)

    def _one_line_item(self, source: str, rules: list[str], base: int) -> list[dict[str, Any]] | None:
        """The tokens of a list item whose text is one line that starts no block (most
        items: ``- a thought``), as :meth:`parse` of a child state would make them -- one
        paragraph of the whole line -- without making that state; ``None`` for any
        other item.

        With no block rule matching anywhere in the line (``search``: the parse loop's
        own question), the loop ends on its first turn with the line as one paragraph,
        whether it starts like a paragraph or not; a line starting with a blank could
        be indented code, so it is left to the loop.
        """
        if len(source) < 2 or source.find("\n") != len(source) - 1 or source[0] in " \t":
            return None
        if self.compile_sc(rules).search(source) is not None:
            return None
        return [{"type": "paragraph", "text": source, LINE: base}]

    def _parse_list_item(
        self, bullet: str, item: _ListMarker, token: dict[str, Any], state: Any,
        rules: list[str],
    ) -> Optional[_ListMarker]:
        # Mirrors mistune.list_parser._parse_list_item.  The cursor sits just past the
        # item's marker line: for the first item (parse_list) and for the next ones
        # (_collect_list_item_lines stops right after the next marker line).
        marker_line = state.absolute_line(state.cursor - 1)
        leading_width = item.leading_width
        text, continue_width = _compile_continue_width(item.text, leading_width)
        list_item_re, break_sc = self._item_patterns(bullet, leading_width)
        lines = self._collect_lines(list_item_re, break_sc, state, text, continue_width)
        if lines.loose:
            token["tight"] = False
        if lines.end_pos is not None:
            token["_tok_index"] = lines.token_index
            token["_end_pos"] = lines.end_pos

        source = strip_end(text + _clean_text(lines.src, continue_width))
        # an empty marker line is not part of the child's text: it starts on the next line
        base = marker_line if text else marker_line + 1
        children = self._one_line_item(source, rules, base)
        if children is None:
            state.pending_base = base
            child = state.child_state(source)
            self.parse(child, rules)
            children = child.tokens
        if token["tight"] and _is_loose_list(children):
            token["tight"] = False
        last = _last_line(base, source)
        token["children"].append({
            "type": "list_item",
            "children": children,
            LINE: marker_line,
            END: marker_line if last is None else max(last, marker_line),
            MARKER: item.marker,
            FIRST: item.text,
        })
        return lines.next_item


def _continues(line: str, indent: str) -> bool:
    """mistune's ``_has_continuation_indent(line, len(indent))`` (``indent``: that many
    spaces): a line without a tab in its first columns continues when it starts with
    them, and not otherwise."""
    if line.startswith(indent):
        return True
    if "\t" not in line[: len(indent)]:
        return False
    return _has_continuation_indent(line, len(indent))


_INDENTS: dict[int, re.Pattern[str]] = {}


def _clean_text(src: str, continue_width: int) -> str:
    """mistune's ``_clean_list_item_text``: each line's continuation indent taken off.
    Without a tab that is ``continue_width`` leading spaces, where a line has them
    (any other line is kept as it is): one substitution instead of a scan per line."""
    if "\t" in src:
        return _clean_list_item_text(src, continue_width)
    pattern = _INDENTS.get(continue_width)
    if pattern is None:
        pattern = _INDENTS[continue_width] = re.compile("^ {%d}" % continue_width, re.M)
    return pattern.sub("", src)


def _list_break_scanner(block: BlockParser, leading_width: int) -> Any:
    """mistune's ``_compile_list_break_sc`` as a :class:`_RuleScanner`: its rules, each
    after a line break, the leading indent bound relaxed for a shallow item -- the same
    alternation, compiled rule by rule as lines need them."""
    pairs = [(name, block.specification[name]) for name in _get_list_break_rules(block)]
    if leading_width < 3:
        bound = " {0,%d}" % leading_width
        pairs = [(n, p.replace(" {0,3}", bound, 1)) for n, p in pairs]
    found = _scanner([(n, "(?<=\n)" + p) for n, p in pairs], re.M)
    return found if found is not None else _compile_list_break_sc(block, leading_width)


class _InlineRules:
    """Takes the inline rules a plugin registers: vaultkit's own scanner
    (:mod:`vaultkit.parse.inline`) reads inline text, never mistune's inline parser."""

    def register(self, *args: Any, **kwargs: Any) -> None:
        pass


class _Blocks:
    """What mistune's plugins are handed in place of a ``mistune.Markdown``: the block
    parser they extend, no inline parser to build, no renderer."""

    renderer = None

    def __init__(self, block: BlockParser) -> None:
        self.block = block
        self.inline = _InlineRules()


def _markdown(block: BlockParser | None = None) -> _Blocks:
    """The parser's set-up: mistune's block parser with its math plugins, our positioned
    one unless another is given (the tests' plain mistune to compare with)."""
    md = _Blocks(block if block is not None else _PositionedBlockParser())
    for plugin in (math, math_in_list, math_in_quote):
        plugin(md)  # type: ignore[arg-type]
    return md


_MD = _markdown()


# A tuple (the parse unpacks it), in NamedTuple's call form: its types are evaluated here,
# where the class form's (strings, this module postponing annotations) were each compiled
# at every start-up.
RawBlock = NamedTuple("RawBlock", [("type", str), ("start", int), ("end", int), ("depth", int),
                                   ("token", dict[str, Any])])
RawBlock.__doc__ = """A block token placed on absolute 0-based lines (``end`` inclusive); ``token``
is mistune's token, its text taken out (``attrs``, ``style``, the marker, ...)."""


def parse_blocks(body: str, first_line: int) -> list[RawBlock]:
    """Parse ``body`` (normalized text) whose line 0 is absolute line ``first_line`` (0-based).

    Returns the blocks in document order, containers before their children.
    """
    state = _PositionedState()
    state.base = first_line
    text = body if body.endswith("\n") else body + "\n"
    state.process(text)
    _MD.block.parse(state)
    out: list[RawBlock] = []
    _walk(state.tokens, out)
    return out


_TEXT_KINDS = frozenset(("paragraph", "block_text", "heading"))


def _walk(tokens: list[dict[str, Any]], out: list[RawBlock]) -> None:
    # An explicit stack: mistune caps nesting, but our walk must never be the thing that
    # overflows on a hostile note.
    stack: list[tuple[Iterator[dict[str, Any]], int]] = [(iter(tokens), 0)]
    append = out.append
    while stack:
        iterator, level = stack[-1]
        for token in iterator:
            kind = token["type"]
            if kind == "blank_line":
                continue
            start = token.get(LINE, 0)
            # what is read of a token from here on is kept, not mistune's texts (copies
            # of the note, the size of the note together)
            if kind in _TEXT_KINDS and "text" in token:
                end = start + token.pop("text").rstrip("\n").count("\n")
                if token.get("style") == "setext":
                    end += 1
            elif kind == "block_code" and token.get("style") == "indent":
                end = start + token.pop("raw", "").count("\n")  # trailing blank lines excluded
            else:
                end = token.get(END, start)
                token.pop("text", None)
                token.pop("raw", None)
            append(RawBlock(kind, start, end, level, token))
            children = token.pop("children", None)
            if children:
                stack.append((iter(children), level + (kind in ("list_item", "block_quote"))))
                break
        else:
            stack.pop()
