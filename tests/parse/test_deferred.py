"""mistune's block parser is imported without the rest of mistune (vaultkit.parse.deferred).

The parser runs mistune's block parser only; mistune's package ``__init__`` (its inline
parser, HTML renderer, plugins and a default HTML Markdown) is most of mistune's import.
A fresh interpreter parses a note, then asks mistune for its whole API as other code in
the process might.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.probe import PRELUDE
from vaultkit.parse.deferred import defer_init

FRONT = {"mistune.inline_parser", "mistune.markdown", "mistune.renderers.html",
         "mistune.plugins.table", "mistune.plugins.footnotes"}

PROBE = PRELUDE + """
import json, sys
from vaultkit.parse.note import parse_note
note = parse_note("n.md", b"# Title\\n\\n- a [[link]]\\n  - $$x$$\\n\\n> quote\\n\\n```py\\ncode\\n```\\n")
after_parse = new_modules()
import mistune
html = mistune.create_markdown()("*x* and `y`")
print("\\0" + json.dumps({"after_parse": after_parse, "html": html, "kinds": [b.kind for b in note.blocks],
                          "whole": "__getattr__" not in vars(mistune), "modules": new_modules()}))
"""


def test_a_parse_imports_no_front_of_mistune_and_mistune_stays_whole() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, timeout=60)
    seen = json.loads(done.stdout.rpartition("\0")[2])
    assert "mistune.block_parser" in seen["after_parse"]  # the probe sees mistune's imports
    assert FRONT & set(seen["after_parse"]) == set()
    assert {"heading", "list", "block_quote", "code"} <= set(seen["kinds"])  # the parse ran
    # asked for its API, mistune ran its own __init__: all of it is there
    assert seen["html"] == "<p><em>x</em> and <code>y</code></p>\n"
    assert seen["whole"] and "mistune.inline_parser" in seen["modules"]


def test_defer_init_leaves_what_it_cannot_defer_alone() -> None:
    whole = sys.modules["json"]
    defer_init("json")  # imported already
    assert sys.modules["json"] is whole
    defer_init("vaultkit_no_such_package")  # nothing to find: the import will say so
    assert "vaultkit_no_such_package" not in sys.modules
    defer_init("vaultkit.lazyre")  # a module, not a package
    assert not hasattr(sys.modules.get("vaultkit.lazyre"), "__getattr__")


def test_two_first_uses_at_once_both_get_the_whole_package(tmp_path, monkeypatch) -> None:
    """Two threads can both find the stand-in's ``__getattr__`` before either has run the
    package's ``__init__``: the second completion must answer too, not fail."""
    package = tmp_path / "vk_deferred_probe"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "part.py").write_text("PART = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "vk_deferred_probe", raising=False)
    monkeypatch.delitem(sys.modules, "vk_deferred_probe.part", raising=False)
    defer_init("vk_deferred_probe")
    from vk_deferred_probe.part import PART  # type: ignore[import-not-found]

    module = sys.modules["vk_deferred_probe"]
    assert PART == 2 and "VALUE" not in vars(module)  # the submodule came without __init__
    complete = vars(module)["__getattr__"]
    assert complete("VALUE") == 1
    assert complete("VALUE") == 1  # the other thread's call, after __init__ ran
    assert "__getattr__" not in vars(module)
