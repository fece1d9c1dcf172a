"""Coverage-guided fuzzing of the parser with atheris (libFuzzer for Python).  Not run in CI.

    pip install atheris
    python benchmarks/fuzz_parser.py -max_total_time=600 benchmarks/out/fuzz-corpus
    python benchmarks/fuzz_parser.py crash-<sha1>          # replay one input

Each input is a note's bytes.  ``parse_note`` must return a note, never raise (an
exception it catches itself becomes a VK000 problem, which counts as a crash here too),
and every span of a readable note must slice the original bytes back to what it says
(the invariant the unit tests check, ``tests/parse/spancheck.py``).  libFuzzer writes a
failing input to ``crash-<sha1>`` in the current folder; turn it into a case of
``tests/parse/test_bad_input.py`` or ``tests/test_bad_input_cli.py``.

A seed corpus is built from the repository's example vault and the hostile pieces of the
property tests on the first run, so the fuzzer starts from real notes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

with atheris.instrument_imports():
    from vaultkit.parse import parse_note

from tests.parse.spancheck import check_note  # noqa: E402 - after the instrumented imports

SEEDS = [
    b"", b"---\n", b"---\ntitle: x\n---\n# T\n", b"\xef\xbb\xbf---\r\na: 1\r\n---\r\n",
    b"## Log\n- [skim(@k2020)]\n  - [question -> why?]\n", b"[[a|b#c^d]] ![[x.png]] [t](u.md)",
    b"%% vaultkit:begin index %%\n# H\n%% vaultkit:end index %%\n", b"```\n[[x]]\n```\n",
    b"> - [ ] @key $m$ `c` <!-- c --> %% c %%\r", b"---\nn: " + b"9" * 4400 + b"\n---\n",
]


def seed_corpus(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        return
    folder.mkdir(parents=True, exist_ok=True)
    notes = [p.read_bytes() for p in sorted((REPO / "example-vault").rglob("*.md"))]
    for number, data in enumerate(SEEDS + notes):
        (folder / f"seed-{number:03d}").write_bytes(data)


def one_input(data: bytes) -> None:
    note = parse_note("fuzz.md", data)
    internal = [p for p in note.problems if p.code == "VK000"]
    if internal:
        raise AssertionError(f"the parser failed: {internal[0].message}")
    if note.readable:
        broken = check_note(data, note)
        if broken:
            raise AssertionError(f"spans do not slice back: {broken[:3]}")


def main() -> None:
    folders = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    for folder in folders:
        if not folder.is_file():
            seed_corpus(folder)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
