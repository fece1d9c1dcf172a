"""vaultkit.globs matches the plain glob shapes itself: each answer is pathspec's
(GitIgnoreSpec), for every shape, checked on paths built to sit on every edge (a
derandomized property), and globs of other shapes are pathspec's own matcher."""

from __future__ import annotations

import pathspec
import pytest
from hypothesis import given, settings, strategies as st

from vaultkit import globs
from tests.probe import PRELUDE

NAMES = ["sessions", "papers", "a", "b.bib", "x.bib", ".bib", "bib", "a.md", "sessions.bib", "s", "..", ".",
         "@a.md", "@.md", "@", "a.", "se.md", ""]
segment = st.sampled_from(NAMES)
paths = st.builds(lambda parts, folder: "/".join(parts) + ("/" if folder else ""),
                  st.lists(segment, min_size=1, max_size=4), st.booleans())
plain_globs = st.one_of(
    st.builds(lambda root, parts: ("/" if root else "") + "/".join(parts) + "/**", st.booleans(),
              st.lists(st.sampled_from(["sessions", "papers", "a", "b.bib", "s"]), min_size=1, max_size=3)),
    st.builds(lambda root, end: ("/" if root else "") + "*" + end, st.booleans(),
              st.sampled_from([".bib", "bib", ".md", "s", "a.md", "ions"])),
    st.builds(lambda root, parts, start, end: ("/" if root else "") + "/".join(parts) + f"/{start}*{end}",
              st.booleans(), st.lists(st.sampled_from(["sessions", "papers", "a"]), min_size=1, max_size=2),
              st.sampled_from(["", "@", "a", "a.", "se"]), st.sampled_from(["", ".md", "a.md", "d", "bib"])),
    st.builds(lambda root, parts: ("/" if root else "") + "/".join(parts), st.booleans(),
              st.lists(st.sampled_from(["sessions", "b.bib", "x.bib", "a", "..", ".", "a."]), min_size=1, max_size=3)),
)
any_globs = st.one_of(plain_globs, st.sampled_from(["!sessions/**", "a/*b*", "papers/x.md", "**/x.bib", "sessions", "#c", "", "a/", "s?"]))


def reference(patterns: list[str], path: str) -> bool:
    return pathspec.GitIgnoreSpec.from_lines(patterns).match_file(path)


@settings(max_examples=1000, derandomize=True, deadline=None)
@given(st.lists(any_globs, min_size=1, max_size=3), paths)
def test_every_answer_is_pathspecs(patterns: list[str], path: str) -> None:
    assert globs.matcher(patterns)(path) == reference(patterns, path)


@pytest.mark.parametrize(("glob", "yes", "no"), [
    ("sessions/**", ["sessions/a.md", "sessions/x/y.md", "sessions/"], ["sessions", "x/sessions/a.md", "sessionsx/a"]),
    ("/*.bib", ["references.bib", "x.bib/y"], ["bib/references.bib", "references.bibx"]),
    ("*.bib", ["references.bib", "a/b/x.bib", "x.bib/y"], ["a/references.bibx", "bib"]),
    ("papers/@*.md", ["papers/@a.md", "papers/@.md", "papers/@x.md/y"], ["papers/a.md", "papers/x/@a.md", "@a.md"]),
    ("references.bib", ["references.bib", "a/references.bib", "references.bib/x", "a/references.bib/"],
     ["references.bibx", "xreferences.bib", "a/references"]),
    ("refs/main.bib", ["refs/main.bib", "refs/main.bib/x"], ["a/refs/main.bib", "refs/main.bibx", "refs"]),
    ("/main.bib", ["main.bib", "main.bib/x"], ["a/main.bib", "main.bibx"]),
])
def test_the_plain_shapes(glob: str, yes: list[str], no: list[str]) -> None:
    match = globs.matcher([glob])
    assert [p for p in yes + no if match(p)] == yes
    assert globs._plain(glob) is not None  # matched here, not by pathspec


def test_plain_globs_do_not_import_pathspec() -> None:
    import subprocess
    import sys

    probe = PRELUDE + ("from vaultkit import globs; "
             "m = globs.matcher(['sessions/**', '/*.bib', '*.md', '', '# comment', 'references.bib', 'refs/a.bib']); "
             "assert m('sessions/a.md') and m('x.bib') and m('a/b.md') and not m('x/y.bib'); "
             "assert m('x/references.bib') and m('refs/a.bib') and not m('x/refs/a.bib'); "
             "print('pathspec' in new_modules())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_other_shapes_are_pathspecs() -> None:
    assert globs._plain("**/x.md") is None and globs._plain("!x/**") is None and globs._plain("a/*b*") is None
    match = globs.matcher(["sessions/**", "!sessions/draft.md"])
    assert match("sessions/a.md") and not match("sessions/draft.md")
    with pytest.raises((ValueError, TypeError)):
        globs.check("a\\")  # a trailing escape
