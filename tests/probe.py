"""What a command imports, seen from a fresh interpreter.

The interpreter may hold modules before any of vaultkit's is imported: every ``.pth`` file
in site-packages runs at start-up (a machine's CA-certificate hook imports certifi, and
with it importlib.resources and tempfile).  Those are the machine's, not the command's, so
a probe that asks what a command imports counts only what appears after its own start.
"""

from __future__ import annotations

PRELUDE = """\
import sys as _probe_sys
_probe_startup = frozenset(_probe_sys.modules)


def new_modules() -> list[str]:
    return sorted(set(_probe_sys.modules) - _probe_startup)
"""
"""Put before a probe's code: its ``new_modules()`` names the modules imported since."""
