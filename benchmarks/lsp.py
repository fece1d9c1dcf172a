"""LSP rows for benchmarks/run.py: ``python benchmarks/run.py --sessions 10000 --group lsp``.

Runs :mod:`lsp_bench` (a pygls client driving ``vaultkit lsp`` over stdio) on the row
group's vault with its warm cache, and records issue #13's targets: initialize to first
diagnostics, didChange to diagnostics (median, p99), completion after ``@`` (median) and
the server's peak memory.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def rows(bench) -> None:
    out = bench.scratch / "lsp.json"
    ran = bench.run("vaultkit lsp (client session)",
                    [sys.executable, str(HERE / "lsp_bench.py"), "--vault", str(bench.vault), "--out", str(out)])
    if not out.is_file():
        ran.step.note = "failed: " + ran.stderr.strip()[-200:]
        return
    got = json.loads(out.read_text(encoding="utf-8"))
    ran.step.note = (f"first diagnostics {got['first_diagnostics_s']} s, didChange {got['did_change_median_ms']} ms "
                     f"median, completion {got['completion_median_ms']} ms median")
    for key, what, unit in (("first_diagnostics_s", "lsp: initialize to first diagnostics (warm)", "s"),
                            ("did_change_median_ms", "lsp: didChange to diagnostics, median", "ms"),
                            ("did_change_p99_ms", "lsp: didChange to diagnostics, p99", "ms"),
                            ("did_change_during_save_check_max_ms",
                             "lsp: didChange during a save's vault-wide check, max", "ms"),
                            ("completion_median_ms", "lsp: completion after @, median", "ms"),
                            ("memory_mb", "lsp: server peak memory", "MB")):
        value, limit = got.get(key), got["targets"][key]
        bench.target(what, "n/a" if value is None else f"{value} {unit}", f"<= {limit} {unit}",
                     None if value is None else value <= limit)
