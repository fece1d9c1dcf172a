"""`vaultkit --version` and `--help` import only what they use.

Start-up time is what a pre-commit hook and an editor pay on every call; the parser,
schemas and bibliography (jsonschema, PyYAML, mistune, bibtexparser) are most of it.
This asserts the *set of modules* a fresh interpreter holds after the command, not a
time: the timing target lives in benchmarks/run.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE_VAULT
from tests.probe import PRELUDE

HEAVY = {"jsonschema", "yaml", "mistune", "bibtexparser", "pathspec", "rapidfuzz", "sqlite3",
         "pygls", "lsprotocol", "difflib", "logging", "concurrent", "json", "hashlib", "msgspec"}
ALLOWED_OWN = {"vaultkit", "vaultkit.cli", "vaultkit.errors"}

# the probe imports nothing but sys (json is one of the modules it looks for): the
# command's arguments as they are, the modules one a line
PROBE = PRELUDE + """
import sys
from vaultkit.cli import main
sys.argv = ["vaultkit", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("\\0" + "\\n".join(new_modules()))
"""


def modules_after(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args],
                          capture_output=True, text=True, check=True, timeout=60)
    output, _, listing = done.stdout.rpartition("\0")
    return output, set(listing.split())


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("lint", "--help"),
                                  ("index", "--help")], ids=" ".join)
def test_startup_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    output, modules = modules_after(*args)
    assert "vaultkit" in output  # the command ran and printed
    top_level = {name.partition(".")[0] for name in modules}
    assert top_level & HEAVY == set()
    assert {m for m in modules if m.startswith("vaultkit")} <= ALLOWED_OWN


def test_the_probe_sees_a_real_command() -> None:
    # the same probe does see the heavy modules when a command does real work
    _, modules = modules_after("rules")
    assert {"yaml", "jsonschema"} & modules or "vaultkit.checks" in modules


def test_the_config_and_schemas_load_without_the_markdown_parser() -> None:
    """The one YAML loader is core (vaultkit.yamlload): reading `.vaultkit.yaml` and the
    schemas in rules/ needs PyYAML, not mistune nor vaultkit's note parser."""
    # parsed, not taken from the cache folder (--no-cache): then PyYAML is needed
    probe = PRELUDE + ("import json, sys; from pathlib import Path; from vaultkit import memo; "
             "from vaultkit.config import load_config; from vaultkit.schema import load_schemas; "
             "memo.use_files(False); root = Path(sys.argv[1]); "
             "load_schemas(load_config(None, root), root); "
             "print(json.dumps(new_modules()))")
    done = subprocess.run([sys.executable, "-c", probe, str(EXAMPLE_VAULT)], capture_output=True,
                          text=True, check=True, timeout=60)
    modules = set(json.loads(done.stdout))
    assert "yaml" in modules and "vaultkit.yamlload" in modules
    assert not {m for m in modules if m.partition(".")[0] == "mistune" or m.startswith("vaultkit.parse")}
