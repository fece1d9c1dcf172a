"""The position layer's list parsing builds mistune's own block tree (vaultkit.parse.blocks).

``parse_list``, the list-item parse and the collection of an item's lines are mirrored
from mistune to record lines, with faster roads for the common case (a line without a
tab, an item of one line).  Whatever the text, the tree must be the one mistune's own
block parser builds, once vaultkit's position keys are set aside.  (Block quotes are left
out: their mirror deliberately keeps the blocks that end a quote in document order.)
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from mistune.block_parser import BlockParser
from mistune.core import BlockState

from tests.parse.list_texts import LIST_TEXTS
from vaultkit.parse.blocks import _MD, _PositionedState, _markdown


PLAIN = _markdown(BlockParser())  # mistune as ours is set up, with its own block parser


def _tree(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (_tree(v) if k == "children" else v) for k, v in t.items() if not k.startswith("_vk_")}
            for t in tokens]


def trees(text: str) -> tuple[list, list]:
    text = text if text.endswith("\n") else text + "\n"
    ours = _PositionedState()
    ours.process(text)
    _MD.block.parse(ours)
    theirs = BlockState()
    theirs.process(text)
    PLAIN.block.parse(theirs)
    return _tree(ours.tokens), _tree(theirs.tokens)


CASES = [
    "- a\n- b\n  - c\n    - d\n- e\n",
    "- a\n\n- b\n",  # loose
    "-\ta\n\t- b\n\t\t- c\n",  # tabs: mistune's own helpers
    "- a\n  \tb\n- \t\tcode\n",
    "1. a\n2. b\n   - c\n\n   para\n3) d\n",
    "- a\n# h\n- b\n```\ncode\n```\n",
    "- a\n  ```\n  fence\n  ```\n- b\n    indented\n",
    "-\n  a\n-\n\n  b\n",  # an empty marker line, CommonMark 280
    "- a\n---\n- b\n***\n",
    "- $$\n  x\n  $$\n- <div>\n",
    "* a\n+ b\n- c\n",
    "- a\n      code in item\n  lazy\nnext para\n",
    "- a\n\n\tb\n- c\n\n\t- d\n",  # a tab continues an item after a blank line
    "1. a\n\n\t\tcode\n",
    "- a\n  - b\n lazy\n   deeper\n",  # a lazy line keeps what indent it has
    "- a\n\n  b\n c\n",
]


@pytest.mark.parametrize("text", CASES)
def test_lists_build_mistunes_tree(text: str) -> None:
    ours, theirs = trees(text)
    assert ours == theirs




@given(LIST_TEXTS)
def test_any_text_builds_mistunes_tree(text: str) -> None:
    ours, theirs = trees(text)
    assert ours == theirs
