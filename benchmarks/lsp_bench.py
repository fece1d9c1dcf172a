"""Benchmarks of ``vaultkit lsp`` (figures to steer by, not a test).

    python benchmarks/lsp_bench.py --sessions 10000          # generates the vault first
    python benchmarks/lsp_bench.py --vault /tmp/vault         # an existing vault

A real client (pygls) drives the server over stdio, as an editor would:

- **initialize → first diagnostics (warm)**: the store is warmed by one server run first;
  then a fresh server is started, a session note opened right after ``initialized``, and
  the clock stops at the first diagnostics of that note that are its final ones (equal to
  what the server publishes for it once the whole vault is checked, vault-wide rules
  included).  The first diagnostics of any content, and the end of the vault's
  ``$/progress`` (every note checked), are reported too, and the server's CPU time
  (user + system) when its first diagnostics arrive: the figure a loaded machine moves least.
- **didChange → diagnostics**: a session note edited ``--changes`` times (each change a
  different dangling key, after a pause longer than the debounce, as typing with pauses),
  from sending ``didChange`` to receiving the diagnostics of that version.
- **didChange during a save's check**: ``--saves`` times, the note is saved (the server
  checks the whole vault again, in a thread) and 0.1 s later edited: from ``didChange`` to
  the diagnostics of that version, while the vault-wide check runs.
- **completion after @**: ``--completions`` requests after ``@`` with prefixes of real keys
  and title words; the bibliography of the generated vault has max(50, N/2) entries
  (5,000 at 10,000 sessions).
- **server memory**: the server process's peak RSS (``VmHWM``) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"first_diagnostics_s": 1.5, "did_change_median_ms": 50, "did_change_p99_ms": 150,
           "did_change_during_save_check_max_ms": 150,
           "completion_median_ms": 30, "memory_mb": 300}


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("lsp-bench", "1")
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []
        self.loaded_at: float | None = None
        self.event = asyncio.Event()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _publish(params: types.PublishDiagnosticsParams) -> None:
            self.published.append((time.perf_counter(), params))
            self.event.set()

        @self.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def _create(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @self.feature(types.PROGRESS)
        def _progress(params: types.ProgressParams) -> None:
            value = params.value if isinstance(params.value, dict) else {}
            if value.get("kind") == "end" and self.loaded_at is None:
                self.loaded_at = time.perf_counter()
                self.event.set()

        @self.feature(types.WINDOW_LOG_MESSAGE)
        def _log(params: types.LogMessageParams) -> None:
            print("server:", params.message[:500], file=sys.stderr)

    async def wait_loaded(self, timeout: float = 600.0) -> None:
        await self._until(lambda: self.loaded_at is not None, timeout, "the vault did not load")

    async def wait_for(self, predicate, timeout: float = 120.0):
        found: list = []
        await self._until(lambda: found.extend(x for x in self.published if predicate(*x)) or found,
                          timeout, "no matching diagnostics")
        return found[0]

    async def _until(self, done, timeout: float, failure: str) -> None:
        end = time.perf_counter() + timeout
        while not done():
            if time.perf_counter() > end:
                raise TimeoutError(failure)
            self.event.clear()
            try:
                await asyncio.wait_for(self.event.wait(), max(0.0, end - time.perf_counter()))
            except asyncio.TimeoutError:
                pass


def capabilities() -> types.ClientCapabilities:
    return types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]))


async def start(vault: Path, env: dict[str, str]) -> tuple[Client, float]:
    client = Client()
    await client.start_io(sys.executable, "-m", "vaultkit", "lsp", env=env)
    t0 = time.perf_counter()
    await client.initialize_async(types.InitializeParams(
        capabilities=capabilities(), root_uri=from_fs_path(str(vault)),
        initialization_options={"debounceMs": 75}))
    client.initialized(types.InitializedParams())
    return client, t0


async def stop(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """The process's CPU time so far (user + system): what the machine's load does not
    inflate as it does the wall clock."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 3)


def session_note(vault: Path) -> Path:
    """A session with a planted dangling citekey (a VK201: a vault-wide rule, so its first
    diagnostics are right only once the vault's keys are known), else the first one."""
    planted = json.loads((vault / "planted.json").read_text()) if (vault / "planted.json").exists() else {}
    dangling = sorted(p["path"] for p in planted.get("problems", []) if p["code"] == "VK201"
                      and p["path"].startswith("sessions/"))
    if dangling:
        return vault / dangling[0]
    return sorted((vault / "sessions").glob("*.md"))[0]


def keys_and_words(vault: Path) -> list[str]:
    import re

    bib = (vault / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"@\w+\{([^,\s]+),", bib)
    words = [w.lower() for w in re.findall(r"title = \{([^}]*)\}", bib) for w in w.split()]
    return keys + words


def shape(params: types.PublishDiagnosticsParams) -> list[tuple]:
    return sorted((str(d.code), d.range.start.line, d.range.start.character, d.message) for d in params.diagnostics)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def bench(vault: Path, changes: int, completions: int, saves: int = 20,
                settle: float = 2.0) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    note = session_note(vault)
    uri = from_fs_path(str(note)) or ""
    text = note.read_text(encoding="utf-8")

    # warm the parse cache with one full run of the server
    client, _ = await start(vault, env)
    await client.wait_loaded()
    await asyncio.sleep(1)
    await stop(client)

    client, t0 = await start(vault, env)
    pid = client._server.pid if client._server else None  # type: ignore[attr-defined]
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    first_any, _ = await client.wait_for(lambda w, p: p.uri == uri)
    first_cpu = cpu_seconds(pid) if pid else None
    await client.wait_loaded()
    await asyncio.sleep(1)  # the whole vault is checked: what it publishes now is final
    final = [p for _, p in client.published if p.uri == uri][-1]
    first_full, _ = await client.wait_for(lambda w, p: p.uri == uri and shape(p) == shape(final))
    result: dict[str, Any] = {
        "first_diagnostics_any_s": round(first_any - t0, 3),
        "first_diagnostics_s": round(first_full - t0, 3),
        "first_diagnostics_cpu_s": first_cpu if first_full == first_any else None,
        "vault_loaded_s": round((client.loaded_at or first_full) - t0, 3),
    }
    await asyncio.sleep(3)  # let the vault-wide pass publish the other notes first

    lines = text.split("\n")
    insert_at = next(i for i, line in enumerate(lines) if line.startswith("## Context")) + 1

    async def typed(version: int, key: str) -> float:
        """Milliseconds from a didChange (a line citing ``@key`` added) to its diagnostics."""
        edited = lines[:insert_at] + [f"- typing @{key} here"] + lines[insert_at:]
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text="\n".join(edited))]))
        got, _ = await client.wait_for(lambda w, p: p.uri == uri and p.version == version and w >= sent)
        return (got - sent) * 1000

    latencies = []
    for version in range(2, changes + 2):
        latencies.append(await typed(version, f"benchTypo{version}Key"))
        await asyncio.sleep(0.12)
    result["did_change_median_ms"] = round(statistics.median(latencies), 1)
    result["did_change_p99_ms"] = round(pct(latencies, 0.99), 1)

    # a keystroke while the whole vault is checked again after a save
    during = []
    version = changes + 2
    for round_ in range(saves):
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
        await asyncio.sleep(0.1)  # the vault-wide check has started
        version += 1
        during.append(await typed(version, f"benchSave{round_}Key"))
        await asyncio.sleep(settle)  # the check ends before the next save
    if during:
        result["did_change_during_save_check_median_ms"] = round(statistics.median(during), 1)
        result["did_change_during_save_check_max_ms"] = round(max(during), 1)

    words = keys_and_words(vault)
    rng = random.Random(1)
    base = "\n".join(lines + ["", "See @"])
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version + 10),
        [types.TextDocumentContentChangeWholeDocument(text=base)]))
    timings = []
    line_no = len(lines) + 1
    for i in range(completions):
        word = rng.choice(words)
        prefix = word[: rng.randint(0, min(5, len(word)))]
        current = base + prefix
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version + 11 + i),
            [types.TextDocumentContentChangeWholeDocument(text=current)]))
        sent = time.perf_counter()
        await client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(uri), types.Position(line_no, 5 + len(prefix))))
        timings.append((time.perf_counter() - sent) * 1000)
    result["completion_median_ms"] = round(statistics.median(timings), 1)
    result["completion_p99_ms"] = round(pct(timings, 0.99), 1)
    result["bibliography_entries"] = len([w for w in words if any(c.isdigit() for c in w[-4:])])
    result["memory_mb"] = round(peak_rss_mb(pid), 1) if pid else None
    await stop(client)
    return result


def byte_compiled(scratch: Path) -> None:
    """Run the server as installed, byte-compiled (as ``benchmarks/run.py`` does; it sets
    the folder itself): with ``PYTHONDONTWRITEBYTECODE`` set, every start would compile
    vaultkit's source again, a quarter of a second of the first diagnostics."""
    if "PYTHONPYCACHEPREFIX" in os.environ:
        return
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "vaultkit")],
                   check=False, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vault", type=Path, help="an existing vault (default: generate one)")
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--completions", type=int, default=200)
    parser.add_argument("--saves", type=int, default=20,
                        help="saves, each followed by a keystroke during the vault-wide check")
    parser.add_argument("--settle", type=float, default=2.0,
                        help="seconds after each of those keystrokes (the check ends)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "lsp.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vaultkit-lsp-bench-") as scratch:
        vault = args.vault
        if vault is None:
            vault = Path(scratch) / "vault"
            subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(vault),
                            "--sessions", str(args.sessions), "--seed", str(args.seed)], check=True)
        os.environ.setdefault("VAULTKIT_CACHE_DIR", str(Path(scratch) / "cache"))
        byte_compiled(Path(scratch))
        result = asyncio.run(bench(vault.resolve(), args.changes, args.completions, args.saves, args.settle))
    result["sessions"] = args.sessions if args.vault is None else None
    result["targets"] = TARGETS
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for name, value in result.items():
        if name != "targets":
            target = TARGETS.get(name)
            print(f"{name:28} {value}" + (f"   (target <= {target})" if target is not None else ""))


if __name__ == "__main__":
    main()
