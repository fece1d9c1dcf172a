"""vaultkit.lazyre: a pattern compiled on first use answers as the compiled pattern does.

And importing vaultkit compiles none of them: a module that reads a lazy pattern at
import (``_QUOTE.pattern`` spliced into another pattern, a default argument bound to
``PATTERN.match``) would pay the compile on every start-up again.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests.probe import PRELUDE
from vaultkit.lazyre import lazy

SOURCE = r"(?P<word>[a-z]+)-(?P<digits>\d+)"
TEXT = "see ab-12 and cd-345, not EF-6"


def test_the_stand_in_answers_as_the_pattern() -> None:
    compiled, stand_in = re.compile(SOURCE, re.I), lazy(SOURCE, re.I)
    assert type(stand_in).__name__ == "_LazyPattern"  # nothing compiled yet
    assert stand_in.search(TEXT).group("digits") == compiled.search(TEXT).group("digits") == "12"
    assert type(stand_in).__name__ == "_Compiled"  # the first use compiled it
    assert [m.span() for m in stand_in.finditer(TEXT)] == [m.span() for m in compiled.finditer(TEXT)]
    assert stand_in.findall(TEXT) == compiled.findall(TEXT)
    assert stand_in.sub(r"\g<digits>", TEXT) == compiled.sub(r"\g<digits>", TEXT)
    assert stand_in.subn("x", TEXT) == compiled.subn("x", TEXT)
    assert stand_in.split(TEXT) == compiled.split(TEXT)
    assert stand_in.match(TEXT) is None and stand_in.fullmatch("ab-1") is not None
    assert stand_in.scanner(TEXT).search().group() == "ab-12"
    assert (stand_in.pattern, stand_in.flags, stand_in.groups, dict(stand_in.groupindex)) == (
        compiled.pattern, compiled.flags, compiled.groups, dict(compiled.groupindex))


def test_any_first_attribute_compiles() -> None:
    stand_in = lazy(SOURCE)
    assert stand_in.groupindex["digits"] == 2  # not a method: compiled all the same
    assert stand_in.match("ab-1") is not None


def test_a_bad_pattern_fails_when_used_and_again_after() -> None:
    stand_in = lazy(r"(unclosed")
    for _ in range(2):
        try:
            stand_in.match("x")
        except re.error:
            continue
        raise AssertionError("a bad pattern matched")


IMPORTS = PRELUDE + """
import json, sys
import vaultkit.cli, vaultkit.cli_lint, vaultkit.engine, vaultkit.vault, vaultkit.index.render
import vaultkit.index.templates, vaultkit.parse.canvas
from vaultkit.lazyre import _LazyPattern, _Compiled
seen, compiled = 0, []
for name, module in list(sys.modules.items()):
    if name.startswith("vaultkit"):
        for key, value in vars(module).items():
            if isinstance(value, _Compiled):
                seen += 1
                if not isinstance(value, _LazyPattern):
                    compiled.append(f"{name}.{key}")
print("\\0" + json.dumps([seen, compiled]))
"""


def test_importing_vaultkit_compiles_no_lazy_pattern() -> None:
    done = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True,
                          check=True, timeout=60)
    seen, compiled = json.loads(done.stdout.rpartition("\0")[2])
    assert seen >= 30  # the probe does find the modules' lazy patterns
    assert compiled == []
