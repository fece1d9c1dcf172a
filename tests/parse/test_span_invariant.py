"""The span invariant: every element's span, cut from the original file, is its raw text.

The slicer (``spancheck``) is written independently of vaultkit's position code. It runs
over every fixture note, the seed, the real corpus, the example vault (globbed at test
time) and random documents generated from a grammar of the fragments notes are made of.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spancheck import check_note, cut, original_lines
from vaultkit.parse import parse_note

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
FIXTURES = TESTS / "fixtures" / "notes"


def _files() -> list[tuple[str, Path]]:
    found = [(f"fixture/{p.name}", p) for p in sorted(FIXTURES.glob("*.md"))]
    seed = SHARED / "seed" / "reading-session.md"
    corpus = sorted((SHARED / "corpus").glob("**/*.md"))
    found += [("seed/" + seed.name, seed)] if seed.exists() else []
    found += [(f"corpus/{p.name}", p) for p in corpus if p.name != "README.md"]
    vault = REPO / "example-vault"
    found += [(f"example-vault/{p.relative_to(vault).as_posix()}", p) for p in sorted(vault.glob("**/*.md"))]
    return found


FILES = _files()


def _count(note) -> int:
    return sum(map(len, (note.links, note.citations, note.tags, note.code_spans, note.comments,
                         note.headings, note.list_items)))


@pytest.mark.parametrize("path", [p for _, p in FILES], ids=[name for name, _ in FILES])
def test_span_invariant_on_files(path: Path) -> None:
    data = path.read_bytes()
    note = parse_note(path.name, data)
    assert note.readable, note.problems
    assert check_note(data, note) == []
    assert _count(note) > 0  # the file exercised something
    assert pickle.loads(pickle.dumps(note)) == note


def test_the_shared_notes_are_covered() -> None:
    names = {name for name, _ in FILES}
    if not (SHARED / "seed").exists():
        pytest.skip("../shared is not available")
    assert "seed/reading-session.md" in names
    assert {"corpus/palm-e-session.md", "corpus/toolformer-session.md"} <= names


def test_fixtures_kept_their_bytes() -> None:
    """Guard against a checkout that normalizes line endings or strips the BOM."""
    def raw(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    assert raw("crlf-session.md").count(b"\r\n") == raw("crlf-session.md").count(b"\n") > 10
    assert b"\r" in raw("lone-cr.md") and b"\n" not in raw("lone-cr.md")
    mixed = raw("mixed-endings-setext.md")
    assert b"\r\n" in mixed and b"\r" in mixed.replace(b"\r\n", b"") and b"\n" in mixed.replace(b"\r\n", b"")
    assert raw("bom-frontmatter.md").startswith(b"\xef\xbb\xbf---")
    assert b"\t" in raw("tabs-session.md")
    assert "\u0301".encode() in raw("cjk-emoji.md") and "👨‍👩‍👧‍👦".encode() in raw("cjk-emoji.md")
    assert len(list(FIXTURES.glob("*.md"))) >= 10


def test_the_slicer_itself() -> None:
    from vaultkit.model import Span

    lines = original_lines("\ufeffab\r\ncd\ref\n🧠x")
    assert lines == ["ab\r\n", "cd\r", "ef\n", "🧠x"]
    assert cut(lines, Span(1, 2, 2, 2)) == "b\r\nc"
    assert cut(lines, Span(4, 2, 4, 3)) == "x"
    with pytest.raises(AssertionError):
        cut(lines, Span(1, 1, 1, 4))  # runs into the line break


# -- random documents -------------------------------------------------------------------
WORDS = st.sampled_from([
    "paper", "model", "LoRA", "read", "x", "多模态", "読んだ", "李", "café", "cafe\u0301", "n\u0303",
    "🧠", "👩‍🔬", "🇯🇵", "𝔸", "❤\ufe0f", "a.b", "e-mail", "jane@example.org", "9@key", "(", ")",
    "[", "]", "`", "``", "$", "$$", "%%", "<!--", "-->", "<", ">", "!", "#", "\\", "\\[", "->", "|",
    "@", "@{", "}", "*", "_", ":", "https://x.com/@user", "~~~", "```",
])
KEYS = st.sampled_from(["doe2020", "Foo_bar.baz.", "a:b-c/d", "müller2020", "李2021", "_k", "2020k",
                        "a..b", "k;", "k,"])
NAMES = st.sampled_from(["skim", "read", "question", "eureka", "soliloquy", "lesson_learned",
                         "follow-up", "QA", "x"])
TARGETS = st.sampled_from(["note", "folder/note", "Some Note", "图表 1.png", "doc.pdf", "", "@key",
                           "a b"])

LINK_SUFFIXES = st.sampled_from(["", "#H", "#^b", "|alias", "|300", "#page=3"])
DESTINATIONS = st.sampled_from(["a.md", "my%20note.md", "<a b.md>", 'x.md "t"', "https://x.org/a(b)",
                                "y.md#Some%20H", "mailto:a@b.org"])
FILLERS = st.sampled_from(["\t", "  ", " ", "%%", "`", "$$", "<!--", "[", "](", "\n"])


@st.composite
def _inline(draw) -> str:
    kind = draw(st.integers(0, 17))
    word, key, name, target = draw(WORDS), draw(KEYS), draw(NAMES), draw(TARGETS)
    other, suffix, dest = draw(KEYS), draw(LINK_SUFFIXES), draw(DESTINATIONS)
    filler = draw(FILLERS)
    return [
        word,
        f"@{key}",
        f"[@{key}; @{other}, p. 3]",
        f"[-@{key}]",
        f"@{{{word} {key}}}",
        f"[{name}]",
        f"[{name} -> {word}]",
        f"[{name}({'@' + key})]",
        f"[{name}([{word}](https://x.org/{key}))]",
        f"[[{target}{suffix}]]",
        f"![[{target}]]",
        f"[{word}]({dest})",
        f"![{word}](asset/{word}.png)",
        f"`{word} @{key}`",
        f"%% {word} @{key} %%",
        f"$x {word}$",
        f"<!-- {word} -->",
        filler,
    ][kind]


@st.composite
def _line(draw) -> str:
    prefix = draw(st.sampled_from([
        "", "", "", "- ", "  - ", "    - ", " - ", "\t- ", "\t\t- ", "1. ", "10) ", "- [ ] ", "- [x] ",
        "> ", "> - ", "> > ", "# ", "## ", "### ", "    ", "```", "~~~", "$$", "---", "===", "- - ",
    ]))
    parts = draw(st.lists(_inline(), max_size=6))
    glue = draw(st.sampled_from([" ", " ", "\t", ""]))
    return prefix + glue.join(parts) + draw(st.sampled_from(["", "", " ", " ##", "\t"]))


@st.composite
def documents(draw) -> bytes:
    lines = draw(st.lists(_line(), max_size=25))
    if draw(st.booleans()):
        lines = ["---", draw(st.sampled_from(["a: 1", "date: 2023-03-14", "x: [", "- a", ""])), "---"] + lines
    newline = draw(st.sampled_from(["\n", "\r\n", "\r", "mixed"]))
    if newline == "mixed":
        text = "".join(line + draw(st.sampled_from(["\n", "\r\n", "\r"])) for line in lines)
    else:
        text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.encode("utf-8")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_span_invariant_on_random_documents(data: bytes) -> None:
    note = parse_note("random.md", data)
    assert note.readable
    assert check_note(data, note) == []
    for item in note.list_items:
        assert item.end_line >= item.line
        if item.parent is not None:
            parent = note.list_items[item.parent]
            assert parent.line <= item.line <= parent.end_line
            assert item.depth == parent.depth + 1
    for section in note.sections:
        assert section.start_line <= section.direct_end_line + 1
        assert section.direct_end_line <= section.end_line
    for block in note.blocks:
        assert 1 <= block.start_line <= block.end_line <= max(len(note.lines), 1)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab @[](){}`$%<!->#*_\\|^:.\t\n\r") + ["多", "🧠", "\u0301"]),
               max_size=200))
def test_parse_never_raises_on_random_characters(text: str) -> None:
    data = text.encode("utf-8")
    note = parse_note("chars.md", data)
    assert check_note(data, note) == []
