"""Generators of Better-BibTeX-style bibliographies for tests and timing runs.

Run ``python tests/bib/bibgen.py [N]`` to time the fast and full BibTeX loaders on an
``N``-entry file (10,000 by default); the tests only check counts, never timings.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

_TYPES = ("article", "inproceedings", "book", "misc", "online")


def citekey(index: int) -> str:
    """A unique Better-BibTeX-like key (``vaswaniAttentionAllYou2017_42``)."""
    return f"author{index}Title{index % 97}Word{2000 + index % 25}_{index}"


def bibtex_entry(index: int) -> str:
    """One entry laid out the way Better BibTeX writes it."""
    kind = _TYPES[index % len(_TYPES)]
    return (
        f"@{kind}{{{citekey(index)},\n"
        f"  title = {{Attention {{Is All}} You Need, Part {index}: {{\\\"u}}ber \\& More}},\n"
        "  author = {Vaswani, Ashish and Shazeer, Noam and M{\\\"u}ller, Jan and {Google Brain}},\n"
        f"  date = {{{2000 + index % 25}-03-01}},\n"
        f"  journaltitle = {{Advances in Neural Information Processing Systems}},\n"
        f"  volume = {{{index % 40}}},\n"
        f"  pages = {{{index}--{index + 10}}},\n"
        f"  doi = {{10.1000/xyz{index}}},\n"
        f"  url = {{https://example.org/paper/{index}}},\n"
        f"  urldate = {{2024-01-01}},\n"
        f"  abstract = {{We study {{things}} and $x^2$ in \\emph{{depth}}; entry {index}.}},\n"
        f"  keywords = {{deep learning,transformers}},\n"
        f"  file = {{/home/user/Zotero/storage/ABC{index}/paper.pdf}}\n"
        "}\n"
    )


def bibtex_text(count: int) -> str:
    """A whole ``.bib`` file with ``count`` entries, a comment and a ``@string``."""
    header = "% Exported by Better BibTeX\n@string{neurips = {NeurIPS}}\n\n"
    return header + "\n".join(bibtex_entry(i) for i in range(count))


_LAYOUTS = (
    "@{kind}{{{key},\n  title = {{{title}}},\n  year = {{2020}}\n}}\n",
    "@{kind}{{ {key} ,title={{{title}}},author={{A, B and C D}}}}\n",
    "@{kind}\n  {{{key},\n\ttitle = \"{title}\",\n\tdate = {{2021-01}}}}\n",
    "@{kind}({key}, title = \"{title} (draft)\", note = {{a ) b}})\n",
    "% a comment line with @misc{{not{key}, title = {{x}}}}\n@{kind}{{{key}}}\n",
    "@{kind}{{{key}, title = {{{{Nested {{{{deeply {{{{braced}}}}}}}}}} \\{{escaped\\}}}}}}\n",
    "junk between entries\n@STRING{{s{key} = {{Macro}}}}\n@{kind}{{{key}, journal = s{key}}}\n",
)


def varied_bibtex_text(count: int) -> str:
    """Entries in every header and body layout the scanner handles, CRLF line endings.

    Used to check that the fast scan and the full parse agree on keys and spans.
    """
    chunks = [
        _LAYOUTS[i % len(_LAYOUTS)].format(
            kind=_TYPES[i % len(_TYPES)], key=f"k{i}-é", title=f"T{{\\\"u}}tle {i}"
        )
        for i in range(count)
    ]
    return "\ufeff" + "\n".join(chunks).replace("\n", "\r\n")


def csl_json_text(count: int) -> str:
    """A CSL JSON export with ``count`` items, pretty-printed like Better BibTeX."""
    items = [
        {
            "id": citekey(i),
            "type": "article-journal",
            "title": f"Paper {i}",
            "author": [{"family": "Vaswani", "given": "Ashish"}],
            "issued": {"date-parts": [[2000 + i % 25, 3]]},
        }
        for i in range(count)
    ]
    return json.dumps(items, indent=2)


def _time_bibtex(count: int) -> None:
    from vaultkit.bib import load_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bib"
        path.write_text(bibtex_text(count), encoding="utf-8")
        for full in (False, True):
            start = time.perf_counter()
            entries, issues = load_file(path, "big.bib", full=full)
            elapsed = time.perf_counter() - start
            print(f"full={full}: {len(entries)} entries, {len(issues)} issues, {elapsed:.3f} s")


if __name__ == "__main__":
    _time_bibtex(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
