"""Markdown made of list-shaped pieces, for the properties that hold the block parser's
list roads (tests/parse/test_block_mirror.py, test_list_fast_path.py) to mistune's."""

from __future__ import annotations

from hypothesis import strategies as st

PIECES = st.sampled_from(["- ", "* ", "1. ", "2) ", "  ", "    ", "\t", " ", " x", "> ", "# h", "```",
                          "$$", "---", "text", "[[x]] @k2020", "[skim(@a)]", "<div>", "\n", "\n",
                          "\n\n", "  - ", "    - ", "\t- ", "  \t", "- [ ] ", "===", "\\", "~~~"])
"""Both tests' former pieces, together: list markers and indents, a quote, the blocks that
end or interrupt an item, vaultkit's own inline forms."""

LIST_TEXTS = st.lists(PIECES, max_size=40).map("".join)
