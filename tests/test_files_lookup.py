"""Keyed lookups of the file list (``VaultFiles.named`` / ``cased``) without its whole-vault
dictionaries: the same answers as ``by_name_lower`` / ``by_path_lower``, in path order, for
names whose lower-casing is not one character for one (``İ``, a final ``Σ``)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, strategies as st

from vaultkit.files import VaultFiles

ROOT = Path("/vault")
# characters where lower-casing is not simple: a final sigma, a dotted capital I (two
# code points once lower-cased), the Kelvin sign, and what Obsidian's names hold
LETTERS = "aAbBσΣςİiKk.: -_"
segment = st.text(alphabet=LETTERS, min_size=1, max_size=4)
path = st.lists(segment, min_size=1, max_size=3).map("/".join)
paths = st.lists(path, max_size=12, unique=True).map(lambda ps: tuple(sorted(ps)))


def _dicts(found: tuple[str, ...]) -> VaultFiles:
    files = VaultFiles(ROOT, found)
    files.by_name_lower, files.by_path_lower  # noqa: B018 - built
    return files


@given(paths, st.lists(path, max_size=6))
def test_named_and_cased_answer_as_the_dictionaries(found: tuple[str, ...], asked: list[str]) -> None:
    built = _dicts(found)
    for query in [*found, *asked]:
        for key in {query.lower(), query.rpartition("/")[2].lower(), query}:
            files = VaultFiles(ROOT, found)  # a fresh list each time: few lookups
            assert files.named(key) == built.by_name_lower.get(key, [])
            assert files.cased(key) == built.by_path_lower.get(key, [])
            assert "by_name_lower" not in files.__dict__ and "by_path_lower" not in files.__dict__


def test_a_name_in_many_folders_comes_back_in_path_order() -> None:
    found = tuple(sorted([f"f{i:04d}/Fig.PNG" for i in range(2000)] + ["fig.png", "z/fig.png"]))
    files = VaultFiles(ROOT, found)
    assert files.named("fig.png") == list(found)
    assert files.cased("f0007/fig.png") == ["f0007/Fig.PNG"]
    assert files.named("fig") == [] and files.cased("fig.png/") == []


def test_many_lookups_build_the_dictionaries_once() -> None:
    found = ("a/Note.md", "b/note.md", "c.md")
    files = VaultFiles(ROOT, found)
    for _ in range(VaultFiles.FEW_LOOKUPS):
        assert files.named("note.md") == ["a/Note.md", "b/note.md"]
    assert "by_name_lower" not in files.__dict__
    assert files.named("note.md") == ["a/Note.md", "b/note.md"]  # past the few: the dict
    assert "by_name_lower" in files.__dict__
    assert files.cased("a/note.md") == ["a/Note.md"]
    assert "by_path_lower" in files.__dict__


# -- VK303's pre-check: which known keys share a key's file name, one key at a time ------
from vaultkit.bib.model import BibEntry, Bibliography  # noqa: E402
from vaultkit.config import Config  # noqa: E402
from vaultkit.facts import VaultFacts, _fold  # noqa: E402
from vaultkit.files import paper_notes, sanitize_key  # noqa: E402
from vaultkit.model import Span  # noqa: E402

BASES = ["smith2020", "x:y", "ab", "σς", "é"]


def _variant(base: str, how: int) -> str:
    import unicodedata

    shapes = [base, base.upper(), base.replace(":", "_"), base.replace(":", "?").title(),
              unicodedata.normalize("NFD", base), base + "s", base.replace("s", "ſ"), "İ" + base]
    return shapes[how % len(shapes)]


# keys that fold to one name in many spellings (case, an unsafe character, NFD, long s)
citekey = st.builds(_variant, st.sampled_from(BASES), st.integers(0, 7))
TEMPLATES = ["papers/@{key}.md", "refs/{key}", "{key}.md"]


def _reference(facts: VaultFacts, key: str) -> bool:
    """The answer from every key and every paper note, folded one by one."""
    wanted = _fold(sanitize_key(key))
    keys = {k for k in facts.bibliography.keys() if _fold(sanitize_key(k)) == wanted}
    papers = {p for p in paper_notes(facts.files, facts.config) if _fold(sanitize_key(p)) == wanted}
    return len(keys | papers) > 1 or any(p != key for p in papers)


def _facts(bib_keys: list[str], paper_names: list[str], others: list[str],
           template: str = TEMPLATES[0]) -> VaultFacts:
    from vaultkit.files import nfc

    entries = {k: BibEntry(k, "references.bib", Span(1, 1, 1, 1), "article", None, (), None)
               for k in bib_keys}
    found = {nfc(template.replace("{key}", n)) for n in paper_names if "/" not in n}
    found |= {nfc(p) for p in others}
    return VaultFacts(VaultFiles(ROOT, tuple(sorted(found))), Config(paper_notes=template),
                      Bibliography(entries, (), ("references.bib",)))


@example([], ["ab"], ["refs/AB"], ["ab"], "refs/{key}")  # a file the template names, not a note
@example([], ["ΣΣ"], [], ["σς"], "papers/@{key}.md")  # a final sigma, not final in the path
@example(["x_y"], ["x:y"], [], ["x?y"], "papers/@{key}.md")  # a paper note's name to sanitize
@given(st.lists(citekey, max_size=6), st.lists(citekey, max_size=4),
       st.lists(st.sampled_from(["Papers/@ab.md", "papers/@AB.MD", "papers/x/@ab.md", "refs/ab.txt",
                                 "refs/AB", "AB.md", "x:y.md"]), max_size=3),
       st.lists(citekey, min_size=1, max_size=3), st.sampled_from(TEMPLATES))
def test_may_share_a_file_name_is_the_answer_of_every_key(bib_keys: list[str], paper_names: list[str],
                                                          others: list[str], asked: list[str],
                                                          template: str) -> None:
    for key in [*asked, *bib_keys[:2], *paper_names[:2]]:
        facts = _facts(bib_keys, paper_names, others, template)
        assert facts.may_share_a_file_name(key) == _reference(facts, key), key


def test_one_key_asked_lists_no_paper_note(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    facts = _facts([f"k{i}" for i in range(500)] + ["Smith2020", "smith2020"],
                   [f"k{i}" for i in range(400)] + ["lee2022"], ["notes/x.md"])

    def refuse(*args: object) -> None:
        raise AssertionError("listed every paper note for one key")

    monkeypatch.setattr("vaultkit.facts.paper_notes", refuse)
    assert facts.may_share_a_file_name("smith2020") and facts.may_share_a_file_name("SMITH2020")
    assert not facts.may_share_a_file_name("k7") and not facts.may_share_a_file_name("lee2022")
    assert "notes" not in facts.files.__dict__ and "_by_kind" not in facts.files.__dict__


ENDINGS = (".bib", ".bibtex", ".json", ".yaml", ".yml")
ending_path = st.builds(lambda p, e: p + e, path, st.sampled_from(["", ".BIB", ".bib", ".Bibtex", ".json",
                                                                   ".yml", ".yaml.md", "Σ.bib"]))


@given(st.lists(ending_path, max_size=12, unique=True).map(lambda ps: tuple(sorted(ps))))
def test_ending_with_is_the_scan(found: tuple[str, ...]) -> None:
    files = VaultFiles(ROOT, found)
    assert files.ending_with(ENDINGS) == [p for p in found if p.lower().endswith(ENDINGS)]
    assert files.ending_with(()) == []


def test_the_bibliography_is_located_without_walking_the_paths(tmp_path: Path) -> None:
    """Given the file list's own search, locate never walks ``paths`` (here: none)."""
    from vaultkit.bib.locate import locate

    found = ("a/old.bib", "notes/x.md", "references.bib", "refs.json", "z.yml", "Z.BIB")
    files = VaultFiles(tmp_path, found)
    scanned = locate(tmp_path, found, ("*.bib", "*.json", "*.yaml", "*.yml"), False, lambda p: p != "z.yml")
    searched = locate(tmp_path, (), ("*.bib", "*.json", "*.yaml", "*.yml"), False, lambda p: p != "z.yml",
                      holding=files.holding)
    assert searched == scanned
    assert [d for _, d in searched.files] == ["references.bib", "refs.json"]
    assert searched.elsewhere == ("a/old.bib",)


@given(st.text(alphabet='ab:*"\\/<>|?_\0é', max_size=30))
def test_sanitize_names_is_sanitize_key(text: str) -> None:
    from vaultkit.files import sanitize_names

    assert sanitize_names(text) == sanitize_key(text)


BIB_PATTERNS = ["references.bib", "*.bib", "refs/*.bib", "refs/", "[Rr]efs.bib", "refs.bib ",
                "x/**", "*.BIB", "lib.bib/", "refs.bib/*", "r?fs.bib", "Σ.bib", "refs\\ .bib"]
bib_path = st.builds(lambda folder, name: folder + name,
                     st.sampled_from(["", "refs/", "x/", "lib.bib/", "a/refs.bib/", "REFS/"]),
                     st.sampled_from(["references.bib", "refs.bib", "Refs.bib", "x.BIB", "Σ.bib",
                                      "refs .bib", "n.md", "refs.bibtex", "rafs.bib"]))


@given(st.lists(bib_path, max_size=8, unique=True).map(lambda ps: tuple(sorted(ps))),
       st.lists(st.sampled_from(BIB_PATTERNS), min_size=1, max_size=2))
def test_a_configured_bibliography_glob_matches_what_the_scan_matches(found: tuple[str, ...],
                                                                      patterns: list[str]) -> None:
    """``bibliography:`` globs tested only on the paths holding their literal end (a
    superset) find what testing every path finds, or fail alike."""
    from vaultkit.bib.locate import locate
    from vaultkit.errors import UsageError

    def outcome(**kwargs: object) -> object:
        try:
            return locate(ROOT, found, tuple(patterns), True, lambda p: True, **kwargs)  # type: ignore[arg-type]
        except UsageError as error:
            return str(error)

    assert outcome(holding=VaultFiles(ROOT, found).holding) == outcome()


top_path = st.builds(lambda folder, name: folder + name,
                     st.sampled_from(["", "", "refs/", "x.json/", "lib.bib/", "a/refs.bib/", "REFS.BIB/",
                                      "lib.bib/deep/", "lib.bib0/", "lib.bib-/", "lib/"]),
                     st.sampled_from(["references.bib", "x.BIB", "Σ.bib", "refs.json", "c.yaml",
                                      "n.md", "refs.bibtex", "lib.bib", "old.yml", "a.txt"]))


@given(st.lists(top_path, max_size=10, unique=True).map(lambda ps: tuple(sorted(ps))),
       st.booleans())
def test_the_default_bibliography_is_located_from_the_top_names(found: tuple[str, ...],
                                                                reverse: bool) -> None:
    """The default globs (``/*.bib``... anchored at the root) tested on the files whose
    name at the root -- theirs or their top folder's -- has a bibliography's ending find
    what testing every candidate finds, and the ``.bib`` files elsewhere alike; a
    hand-made list out of order too."""
    from vaultkit.bib.locate import locate

    listed = tuple(reversed(found)) if reverse else found
    files = VaultFiles(ROOT, listed)
    defaults = ("*.bib", "*.json", "*.yaml", "*.yml")
    scanned = locate(ROOT, listed, defaults, False, lambda p: "refs" in p)
    assert locate(ROOT, (), defaults, False, lambda p: "refs" in p, holding=files.holding,
                  at_top=files.at_top) == scanned
    assert files.at_top((".bib",)) == [p for p in listed if p.partition("/")[0].lower().endswith(".bib")]
