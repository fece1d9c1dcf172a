"""A one-note lint's imports generate no code (the import half of issue #11's target).

A frozen dataclass compiles its __init__/__eq__/__hash__/__repr__/__setattr__ from
source on every start-up (about 3.5 M instructions a class), and ``typing.NamedTuple``
compiles each string annotation it is given: vaultkit's records are msgspec Structs and
the NamedTuple modules evaluate their annotations.  The probe runs the lint a
pre-commit hook runs with an audit hook on ``compile`` and names, for each compile of
generated source, the vaultkit module whose import caused it.  It asserts that set, not
a time: the timing target lives in benchmarks/run.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.engine.test_few_paths import _files, backdate, edit, rows
from tests.probe import PRELUDE

TARGET = "sessions/2023-03-05.md"

PROBE = PRELUDE + """
import json, sys

generated = {}

def _importing():
    # the module whose body is running (a dataclass or NamedTuple made at its import)
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_name != "<module>":
        frame = frame.f_back
    name = frame.f_globals.get("__name__", "") if frame is not None else ""
    return name if name.startswith("vaultkit") else None

def _hook(event, args):
    if event == "compile" and args[1] == "<string>":
        source = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        kind = ("dataclass" if "__create_fn__" in source
                else "namedtuple" if source.startswith("lambda _cls") else "annotation")
        module = _importing()
        if module is not None:
            generated.setdefault(module, set()).add(kind)

sys.addaudithook(_hook)
from vaultkit.cli import main
sys.argv = ["vaultkit", "lint", "--format", "json", sys.argv[1]]
try:
    main()
except SystemExit:
    pass
if len(sys.argv) > 1:  # the control: the probe does see a dataclass made at an import
    exec("from dataclasses import dataclass\\n@dataclass(frozen=True)\\nclass C:\\n    x: int\\n",
         {"__name__": "vaultkit.probe_control"})
print("\\0" + json.dumps({m: sorted(k) for m, k in generated.items()}))
"""


def generated_code(root: Path, path: str, cache: Path) -> dict[str, list[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, path], cwd=root, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "VAULTKIT_CACHE_DIR": str(cache)})
    _, _, listing = done.stdout.rpartition("\0")
    return json.loads(listing)


def test_a_one_note_lint_imports_no_generated_methods(tmp_path: Path) -> None:
    from tests.conftest import write_vault

    root = write_vault(tmp_path / "v", _files())
    backdate(root)
    rows(root, [])
    cache = Path(os.environ["VAULTKIT_CACHE_DIR"])
    generated_code(root, TARGET, cache)  # a run of its own first: the cache is warm
    edit(root, TARGET, "the paper", "the paper, staged")
    found = generated_code(root, TARGET, cache)
    assert found.pop("vaultkit.probe_control") == ["dataclass"]  # the probe sees one
    # namedtuple's own __new__ is still compiled (one eval a class); no record's methods
    # and no annotation are, in any other module
    made = {m: [k for k in kinds if k != "namedtuple"] for m, kinds in found.items()}
    assert {m: k for m, k in made.items() if k} == {}
