"""Only top-level marker lines delimit a region (one finder for index, parser, VK301/302)."""

from __future__ import annotations

import pytest

from vaultkit.markers import RegionError, find_region, scan
from vaultkit.parse.note import parse_text

B, E = "%% vaultkit:begin index %%", "%% vaultkit:end index %%"


def lines(text: str) -> list[str]:
    return text.split("\n")


@pytest.mark.parametrize(("text", "expected"), [
    (f"# T\n{B}\nx\n{E}\n", (1, 3)),
    (f"   {B}\nx\n   {E}", (0, 2)),                          # up to three spaces
    (f"    {B}\nx\n    {E}", None),                           # four: indented code
    (f"\t{B}\nx\n\t{E}", None),                               # a tab is four columns
    (f"---\nnote: |\n  x\n{B}\n{E}\n---\nbody\n", None),       # inside the frontmatter
    (f"---\n{B}\n{E}\n...\n{B}\n{E}\n", (4, 5)),               # '...' closes frontmatter too
    (f"---\n{B}\n{E}\n", (1, 2)),                              # never closed: not frontmatter
    (f"```markdown\n{B}\n{E}\n```\n", None),                   # an example in a code block
    (f"~~~\n{B}\n{E}\n~~~\n", None),
    (f"  ```\n{B}\n{E}\n   ```\n", None),                      # indented fences
    (f"````\n```\n{B}\n{E}\n````\n{B}\n{E}\n", (5, 6)),        # a shorter run does not close
    (f"```\n{B}\n~~~\n{E}\n```\n", None),                      # another character does not close
    (f"```\n{B}\n``` x\n{E}\n```\n{B}\n{E}\n", (5, 6)),        # a closing fence has no info string
    (f"``` `x` ```\n{B}\n{E}\n", (1, 2)),                      # backticks in the info: not a fence
    (f"    ```\n{B}\n{E}\n", (1, 2)),                          # indented 4: not a fence
    (f"```\nexample\n```\n{B}\nx\n{E}\n", (3, 5)),              # after a closed fence
    (f"~~~\n```\n~~~\n{B}\n{E}\n", (3, 4)),
    # a fence opened in a list item holds the item's indented lines
    (f"- example:\n- ```markdown\n  {B}\n  {E}\n  ```\n", None),
    (f"1. ```\n   {B}\n   {E}\n   ```\n{B}\n{E}\n", (4, 5)),
    (f"- ```\n  {B}\n\n  {E}\n  ```\n", None),                # a blank line stays in the item
    (f"- ```\n  code\n{B}\nx\n{E}\n", (2, 4)),                # the item ended: so did its fence
    (f"- ```\n  ```\n{B}\n{E}\n", (2, 3)),                     # closed inside the item
    (f"- ~~~\n  ```\n  {B}\n  {E}\n  ~~~\n", None),
    # and one opened in a block quote, the quote's lines
    (f"> ```\n> {B}\n> {E}\n> ```\n", None),
    (f"> ```\n>{B}\n>{E}\n", None),
    (f"> ```\n> x\n{B}\n{E}\n", (2, 3)),                       # the quote ended, and the fence
])
def test_region_lines(text: str, expected: tuple[int, int] | None) -> None:
    assert find_region(lines(text), "index") == expected


def test_an_example_region_in_a_fence_does_not_count_against_the_real_one() -> None:
    text = f"Like this:\n```\n{B}\n{E}\n```\n\n{B}\ngenerated\n{E}\n"
    assert find_region(lines(text), "index") == (6, 8)


def test_a_region_inside_a_fence_that_never_closes_is_an_error_not_absent() -> None:
    # A deleted closing fence above the region must not make vaultkit append a second
    # region: it would land inside the same open fence on every run.
    text = f"```\ncode\n\n{B}\nx\n{E}\n"
    found = find_region(lines(text), "index")
    assert isinstance(found, RegionError)
    assert found.line == 1
    assert "never closed" in found.message


def test_two_regions_and_a_reversed_region_are_errors() -> None:
    assert isinstance(find_region(lines(f"{B}\n{E}\n{B}\n{E}"), "index"), RegionError)
    reversed_ = find_region(lines(f"x\n{E}\n{B}"), "index")
    assert isinstance(reversed_, RegionError) and reversed_.line == 2


def test_one_scan_serves_every_name() -> None:
    text = f"{B}\n{E}\n%% vaultkit:begin overview %%\n```\n%% vaultkit:end overview %%\n```\n%% vaultkit:end overview %%"
    found = scan(lines(text))
    assert found.names == {"index", "overview"}
    assert find_region(lines(text), "overview", found) == (2, 6)


def test_scan_is_linear() -> None:
    # 200,000 fence openers and markers: a quadratic scan would not finish in time
    text = "\n".join(["```", B, "```"] * 70_000)
    found = scan(lines(text))
    assert found.markers == () and found.open_fence is None


def test_the_parser_skips_the_real_region_despite_an_example_marker() -> None:
    text = f"# T\nWrite this:\n```\n{B}\n```\n@mine\n{B}\n- @generated\n{E}\n"
    note = parse_text("n.md", text)
    assert [c.key for c in note.citations] == ["mine"]


def test_the_parser_does_not_blank_text_between_markers_in_frontmatter() -> None:
    text = f"---\ntitle: x\nx: |\n  {B}\n  y\n  {E}\n---\n# T\n"
    note = parse_text("n.md", text)
    assert note.meta["x"] == f"{B}\ny\n{E}\n"
