"""Time vaultkit on synthetic vaults, side by side with a bare mistune parse and two peers.

    python benchmarks/run.py --sessions 1000                      # a minute or two
    python benchmarks/run.py --sessions 10000 --repeat 5          # the targets' setting
    python benchmarks/run.py --scaling                            # 10,000 and 50,000 sessions
    python benchmarks/run.py --sessions 1000 --group hostile      # add another lane's rows

For each size: generate a vault (benchmarks/generate.py) in a temp dir, then run every
row in a fresh subprocess and record wall time and peak RSS.  With ``--repeat N`` the rows
of a phase run N times interleaved (row 1, row 2, ..., row 1, row 2, ...) and the minimum
is kept.  Every lint row is checked against the planted problems, and the targets of
issue #11 are printed beside the figures with PASS or MISS.  Numbers to steer by: nothing
here is a test, and a figure from a loaded machine says so in ``load_average``.

Peak RSS comes from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by a fresh
wrapper process that runs only that one row: the largest single process of the row's
tree (with parallel work, the larger of the main process and a worker, not their sum).

Row groups: ``--group NAME`` imports ``benchmarks/NAME.py`` and calls its
``rows(bench: Bench)`` after the core rows, on the same (indexed, warm) vault; see
benchmarks/README.md "Adding rows".
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOOLS = HERE / "out" / "tools"
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

RUMDL = "rumdl==0.3.0"
MARKDOWNLINT = "markdownlint-cli2@0.22.1"

# Runs one command, then reports its wall time, its tree's CPU time (user + system of
# every process it waited for: vaultkit's workers too) and the peak RSS as JSON.
MEASURE = r"""
import json, resource, subprocess, sys, time
cmd, cwd, env, out, err = json.loads(sys.argv[1])
with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    code = subprocess.run(cmd, cwd=cwd, env=env, stdout=o, stderr=e).returncode
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss_mb = usage.ru_maxrss / 2**20 if sys.platform == "darwin" else usage.ru_maxrss / 2**10
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": rss_mb,
                  "code": code}))
"""

# The baseline: read every .md file of the vault and parse it with mistune, in one process.
BASELINE = r"""
import os, sys, mistune
markdown = mistune.create_markdown(renderer=None)
count = 0
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if d not in (".obsidian", ".trash", ".git"))
    for name in sorted(files):
        if name.endswith(".md"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                markdown(handle.read())
            count += 1
print(count)
"""


# Imports what the rows use once, untimed: their byte code is then cached like an install's.
WARM_UP = "import vaultkit.cli, vaultkit.cli_lint, vaultkit.vault, vaultkit.report.json, yaml, jsonschema"


@dataclass
class Step:
    step: str
    seconds: float
    peak_mb: float
    exit_code: int
    findings: int | None = None
    expected: int | None = None
    """How many planted problems the row should report."""
    check: str = ""
    """OK / MISMATCH for lint rows (findings against planted.json)."""
    note: str = ""
    ratio: float = 0.0
    runs: list[float] = field(default_factory=list)
    """Every measured wall time; ``seconds`` is their minimum."""
    cpu: float = 0.0
    """CPU seconds (user + system) of the row's processes, in the run kept (the fastest):
    what a loaded machine inflates least, so what growth between sizes is judged by too."""


@dataclass
class Ran:
    step: Step
    stdout: str
    stderr: str


@dataclass
class Target:
    what: str
    measured: str
    limit: str
    ok: bool | None
    """None: not measurable in this run (a peer missing, a row absent)."""

    @property
    def verdict(self) -> str:
        return "n/a" if self.ok is None else ("PASS" if self.ok else "MISS")


def measure(name: str, cmd: list[str], cwd: Path, env: dict[str, str], scratch: Path) -> Ran:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    out, err = scratch / f"{slug}.out", scratch / f"{slug}.err"
    payload = json.dumps([cmd, str(cwd), env, str(out), str(err)])
    result = subprocess.run([sys.executable, "-c", MEASURE, payload], check=True,
                            capture_output=True, text=True)
    m = json.loads(result.stdout)
    step = Step(name, round(m["wall"], 3), round(m["rss_mb"], 1), m["code"], runs=[round(m["wall"], 3)],
                cpu=round(m["cpu"], 3))
    return Ran(step, out.read_text(errors="replace"), err.read_text(errors="replace"))


def compare_findings(ran: Ran, want: list[tuple[str, str, int, int]]) -> None:
    """Findings must be exactly ``want``: same codes, paths, lines, columns."""
    try:
        findings = json.loads(ran.stdout)
    except json.JSONDecodeError:
        ran.step.check = "MISMATCH"
        ran.step.note = f"{ran.step.note} no JSON: {ran.stderr.strip()[-200:]}".strip()
        return
    got = sorted((f["code"], f["path"], f["line"], f["column"]) for f in findings)
    ran.step.findings, ran.step.expected = len(findings), len(want)
    ran.step.check = "OK" if got == sorted(want) else "MISMATCH"
    if got != sorted(want):
        extra = [g for g in got if g not in want][:3]
        lost = [w for w in want if w not in got][:3]
        ran.step.note = f"{ran.step.note} unexpected {extra} missing {lost}".strip()


class Bench:
    """One vault size: the vault, the cache, the command to time, and the rows so far.

    Row groups from other modules use :meth:`run`, :meth:`lint_cmd`, :meth:`check`,
    :meth:`row` and :meth:`target`; ``vault``, ``env``, ``vk``, ``planted``,
    ``sessions`` and ``scratch`` are theirs to read.
    """

    def __init__(self, sessions: int, seed: int, jobs: int | None, workdir: Path,
                 vk: list[str], peers: dict[str, list[str]], vaults: Path | None = None) -> None:
        self.sessions, self.seed, self.jobs, self.vk, self.peers = sessions, seed, jobs, vk, peers
        self.vault = workdir / f"vault-{sessions}"
        self.cache = workdir / f"cache-{sessions}"
        self.scratch = workdir / f"logs-{sessions}"
        self.scratch.mkdir(parents=True)
        self.planted = generated(self.vault, sessions, seed, vaults)
        md_files = [p for p in self.vault.rglob("*.md") if ".obsidian" not in p.parts]
        self.md_files, self.md_bytes = len(md_files), sum(p.stat().st_size for p in md_files)
        """The vault as generated, before the index adds its notes."""
        # Timed as installed: byte-compiled once (pip does so on install), into a folder
        # of the benchmark's own so nothing is written into the repository.  Without it
        # (PYTHONDONTWRITEBYTECODE set by the caller) every row would compile vaultkit's
        # source again: a fifth of a second on rows that should take a tenth.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env = {**env, "VAULTKIT_CACHE_DIR": str(self.cache),
                    "PYTHONPYCACHEPREFIX": str(workdir / "pycache"),
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "vaultkit")],
                       env=self.env, check=False, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-c", WARM_UP], env=self.env, check=False)  # and its libraries
        self.steps: dict[str, Ran] = {}
        self.targets: list[Target] = []
        self.appended = 0

    # -- rows ---------------------------------------------------------------------
    def run(self, name: str, cmd: list[str], cwd: Path | None = None,
            env: dict[str, str] | None = None) -> Ran:
        """Run one row; a row run again (``--repeat``) keeps its fastest time."""
        ran = measure(name, cmd, cwd or REPO, env or self.env, self.scratch)
        print(f"  {name}: {ran.step.seconds:.2f} s", file=sys.stderr)
        old = self.steps.get(name)
        if old is not None:
            ran.step.runs = old.step.runs + ran.step.runs
            ran.step.peak_mb = max(ran.step.peak_mb, old.step.peak_mb)
            if old.step.check == "MISMATCH":  # a mismatch in any repeat stays visible
                ran.step.check, ran.step.note = old.step.check, old.step.note
            if ran.step.seconds > old.step.seconds:
                ran.step.cpu = old.step.cpu
            ran.step.seconds = min(ran.step.runs)
        self.steps[name] = ran
        return ran

    def row(self, name: str) -> Step | None:
        ran = self.steps.get(name)
        return ran.step if ran else None

    def lint_cmd(self, *args: str) -> list[str]:
        jobs = ["--jobs", str(self.jobs)] if self.jobs else []
        return [*self.vk, "lint", "--vault", str(self.vault), "--format", "json", *jobs, *args]

    def planted_in(self, paths: set[str] | None = None,
                   codes: set[str] | None = None) -> list[tuple[str, str, int, int]]:
        return [(p["code"], p["path"], p["line"], p["column"]) for p in self.planted["problems"]
                if (paths is None or p["path"] in paths) and (codes is None or p["code"] in codes)]

    def check(self, ran: Ran, paths: set[str] | None = None, codes: set[str] | None = None) -> Ran:
        """Compare a lint row's JSON with the planted problems (in ``paths``, of ``codes``
        only)."""
        if ran.step.check != "MISMATCH":
            compare_findings(ran, self.planted_in(paths, codes))
        return ran

    def lint(self, name: str, *args: str, cwd: Path | None = None) -> Ran:
        return self.check(self.run(name, self.lint_cmd(*args), cwd=cwd))

    def target(self, what: str, measured: str, limit: str, ok: bool | None) -> None:
        self.targets.append(Target(what, measured, limit, ok))

    # -- vault edits between rows ---------------------------------------------------
    def append(self, rel: str) -> None:
        """Append a bullet at the end of a note: every planted position stays where it is."""
        self.appended += 1
        with open(self.vault / rel, "a", encoding="utf-8") as handle:
            handle.write(f"  - Appended by the benchmark ({self.appended}): one changed file.\n")

    def clean_session(self) -> str:
        """A session without planted problems."""
        dirty = {p["path"] for p in self.planted["problems"]}
        return next(f"sessions/{p.name}" for p in sorted((self.vault / "sessions").iterdir())
                    if f"sessions/{p.name}" not in dirty)

    def planted_session(self) -> str:
        """A session with a planted problem (a pre-commit run that has something to say)."""
        return sorted({p["path"] for p in self.planted["problems"]})[0]

    def drop_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)


def generated(out: Path, sessions: int, seed: int, vaults: Path | None) -> dict[str, Any]:
    """Generate the vault into ``out``; with ``vaults``, once per (sessions, seed) there,
    copied for each run (the rows change their vault: it is never used in place).  Same
    arguments, same bytes: a kept vault is the one the generator would write."""
    if vaults is None:
        return generate(out, sessions, seed)
    kept = vaults / f"vault-{sessions}-seed-{seed}"
    if not (kept / "planted.json").is_file():  # written last: a vault cut short is redone
        shutil.rmtree(kept, ignore_errors=True)
        generate(kept, sessions, seed)
    shutil.copytree(kept, out, symlinks=True)
    return json.loads((out / "planted.json").read_text(encoding="utf-8"))


# -- the core rows --------------------------------------------------------------------
def baseline_row(bench: Bench) -> None:
    base = bench.run("mistune parse (baseline, 1 core)", [sys.executable, "-c", BASELINE, str(bench.vault)])
    base.step.note = f"{base.stdout.strip()} files"


def peer_rows(bench: Bench) -> None:
    baseline_row(bench)
    if "rumdl" in bench.peers:
        ran = bench.run("rumdl check, no cache (peer)",
                        [*bench.peers["rumdl"], "check", "--no-cache", "--output-format", "concise", "."],
                        cwd=bench.vault)
        count = sum(1 for line in ran.stdout.splitlines() if re.match(r"\S+:\d+:\d+", line))
        ran.step.note = f"{count:,} style findings, default rules (not comparable)"
    if "markdownlint-cli2" in bench.peers:
        ran = bench.run("markdownlint-cli2 (peer)", [*bench.peers["markdownlint-cli2"], "**/*.md"],
                        cwd=bench.vault)
        m = re.search(r"Summary: ([\d,]+) error", ran.stderr + ran.stdout)
        count = f"{int(m.group(1).replace(',', '')):,}" if m else "?"
        ran.step.note = f"{count} style findings, default rules (not comparable)"


def lint_rows(bench: Bench) -> None:
    version = bench.run("vaultkit --version", [*bench.vk, "--version"])
    version.step.note = version.stdout.strip()
    bench.lint("vaultkit lint --no-cache", "--no-cache")
    bench.drop_cache()
    bench.lint("vaultkit lint, cold cache")
    bench.lint("vaultkit lint, warm, nothing changed")
    # a selection is a filter over the cached findings, not a cold run of its own
    selected = bench.run("vaultkit lint --select VK201, after a warm lint",
                         bench.lint_cmd("--select", "VK201"))
    bench.check(selected, codes={"VK201"})
    changed = bench.clean_session()
    bench.append(changed)
    bench.lint("vaultkit lint, one note changed").step.note = changed
    # what the pre-commit hook runs: the staged note only, from the vault folder, warm
    staged = bench.planted_session()
    bench.append(staged)
    hook = [*bench.vk, "lint", "--format", "json", staged]  # the hook's entry, no --vault
    ran = bench.run("pre-commit: vaultkit lint one note", hook, cwd=bench.vault)
    bench.check(ran, {staged})
    ran.step.note = staged


def cache_rows(bench: Bench) -> None:
    """Results stay exact after the cache is deleted, truncated, or shared by two runs."""
    bench.drop_cache()
    bench.lint("cache deleted: lint")
    truncated = 0
    for path in sorted(p for p in bench.cache.rglob("*") if p.is_file()):
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.truncate(size // 2)
        truncated += 1
    bench.lint("cache truncated: lint").step.note = f"{truncated} cache files cut to half"
    bench.lint("cache truncated: lint again")
    bench.drop_cache()
    concurrent(bench, "cache shared: two concurrent cold lints")
    bench.lint("cache shared: lint after both")


def concurrent(bench: Bench, name: str) -> None:
    """Two lints started together on one cache; the row's time is the slower one."""
    logs = {label: (bench.scratch / f"concurrent-{label}.out", bench.scratch / f"concurrent-{label}.err")
            for label in "ab"}
    procs = {label: subprocess.Popen(
        [sys.executable, "-c", MEASURE, json.dumps([bench.lint_cmd(), str(REPO), bench.env,
                                                    str(out), str(err)])],
        stdout=subprocess.PIPE, text=True) for label, (out, err) in logs.items()}
    rans = []
    for label, proc in procs.items():
        m = json.loads(proc.communicate()[0])
        out, err = logs[label]
        ran = Ran(Step(name, round(m["wall"], 3), round(m["rss_mb"], 1), m["code"],
                       runs=[round(m["wall"], 3)], cpu=round(m["cpu"], 3)),
                  out.read_text(errors="replace"), err.read_text(errors="replace"))
        bench.check(ran)
        rans.append(ran)
    slower = max(rans, key=lambda r: r.step.seconds)
    if any(r.step.check != "OK" for r in rans):
        slower.step.check = "MISMATCH"
        slower.step.note = "; ".join(r.step.note for r in rans if r.step.note)
    slower.step.note = (slower.step.note + " both runs checked").strip()
    print(f"  {name}: {slower.step.seconds:.2f} s", file=sys.stderr)
    bench.steps[name] = slower


def index_once(bench: Bench) -> None:
    ran = bench.run("vaultkit index (writes every index note)", [*bench.vk, "index", "--vault", str(bench.vault)])
    ran.step.note = _index_summary(ran)
    bench.lint("vaultkit lint, indexed vault, first")


def index_rows(bench: Bench) -> None:
    ran = bench.run("vaultkit index, nothing to write", [*bench.vk, "index", "--vault", str(bench.vault)])
    ran.step.note = _index_summary(ran)
    bench.lint("vaultkit lint, indexed vault, warm")


def _index_summary(ran: Ran) -> str:
    found = re.search(r"Index: .*", ran.stdout + ran.stderr)
    return found.group() if found else ran.stderr.strip()[-200:]


# -- targets (issue #11, set for 10,000 sessions on 2 cores) --------------------------
def judge(bench: Bench) -> None:
    s = bench.row
    version, precommit = s("vaultkit --version"), s("pre-commit: vaultkit lint one note")
    cold, warm = s("vaultkit lint, cold cache"), s("vaultkit lint, warm, nothing changed")
    changed, base = s("vaultkit lint, one note changed"), s("mistune parse (baseline, 1 core)")
    rumdl = s("rumdl check, no cache (peer)")
    index_again, indexed_warm = s("vaultkit index, nothing to write"), s("vaultkit lint, indexed vault, warm")

    def ratio(what: str, a: Step | None, b: Step | None, limit: float, unit: str = "x") -> None:
        if a is None or b is None:
            bench.target(what, "-", f"<= {limit:g} {unit}", None)
            return
        value = a.seconds / (b.seconds or 1e-9)
        shown = f"{100 * value:.1f} %" if unit == "%" else f"{value:.2f} x"
        limit_value = limit / 100 if unit == "%" else limit
        bench.target(what, f"{a.seconds:.2f} s / {b.seconds:.2f} s = {shown}",
                     f"<= {limit:g} {'%' if unit == '%' else 'x'}", value <= limit_value)

    if version is not None:
        bench.target("vaultkit --version", f"{version.seconds:.3f} s", "<= 0.12 s", version.seconds <= 0.12)
    ratio("pre-commit single-note lint vs --version", precommit, version, 2)
    ratio("warm lint, nothing changed, vs cold", warm, cold, 5, "%")
    ratio("warm lint vs rumdl's cold check", warm, rumdl, 1.0)
    ratio("one note changed vs cold", changed, cold, 8, "%")
    ratio("lint --select VK201 after a warm lint vs warm lint (+20 %)",
          s("vaultkit lint --select VK201, after a warm lint"), warm, 1.2)
    ratio("index, nothing to write, vs warm lint (+20 %)", index_again, indexed_warm, 1.2)
    ratio("cold lint vs bare 1-core mistune parse", cold, base, 1.0)
    vaultkit_rows = [r.step for r in bench.steps.values()
                     if r.step.step.startswith(("vaultkit", "pre-commit", "cache"))]
    peak = max((r.peak_mb for r in vaultkit_rows), default=0.0)
    limit = 600 if bench.sessions >= 50_000 else 250
    bench.target("peak memory, any vaultkit row", f"{peak:.0f} MB", f"<= {limit} MB", peak <= limit)
    checked = [r.step for r in bench.steps.values() if r.step.check]
    bad = [r.step for r in checked if r.check != "OK"]
    bench.target("every lint row finds exactly the planted problems (as --no-cache does)",
                 f"{len(checked) - len(bad)}/{len(checked)} OK", "all", not bad and bool(checked))
    cache_checked = [r for r in checked if r.step.startswith("cache")]
    bench.target("identical after the cache is deleted, truncated, shared by two runs",
                 f"{sum(r.check == 'OK' for r in cache_checked)}/{len(cache_checked)} OK", "all",
                 all(r.check == "OK" for r in cache_checked) if cache_checked else None)


def scaling(runs: list[dict[str, Any]]) -> list[Target]:
    """From the smallest to the largest size, every row grows at most 1.1 x the size ratio
    (5.5 x from 10,000 to 50,000 sessions)."""
    if len(runs) < 2:
        return []
    small, large = min(runs, key=lambda r: r["sessions"]), max(runs, key=lambda r: r["sessions"])
    limit = 1.1 * large["sessions"] / small["sessions"]
    before = {s["step"]: s for s in small["steps"]}
    out = []
    for step in large["steps"]:
        old = before.get(step["step"])
        if old is None or step["step"].startswith("vaultkit --version"):
            continue
        for what, a, b, unit in (("time", step["seconds"], old["seconds"], "s"),
                                 ("CPU time", step.get("cpu", 0), old.get("cpu", 0), "s"),
                                 ("memory", step["peak_mb"], old["peak_mb"], "MB")):
            growth = a / (b or 1e-9)
            out.append(Target(f"{step['step']}: {what}", f"{b:.2f} -> {a:.2f} {unit} = {growth:.1f} x",
                              f"<= {limit:.1f} x", growth <= limit))
    return out


# -- peers ------------------------------------------------------------------------------
def find_peers(install: bool) -> dict[str, list[str]]:
    """rumdl and markdownlint-cli2: on PATH, in benchmarks/out/tools, or installed there."""
    peers: dict[str, list[str]] = {}
    rumdl = shutil.which("rumdl") or _existing(TOOLS / "rumdl" / "bin" / "rumdl")
    if rumdl is None and install:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target",
                        str(TOOLS / "rumdl"), RUMDL], check=False)
        rumdl = _existing(TOOLS / "rumdl" / "bin" / "rumdl")
    if rumdl:
        peers["rumdl"] = [rumdl]
    mdl = shutil.which("markdownlint-cli2") or _existing(TOOLS / "node" / "node_modules" / ".bin" / "markdownlint-cli2")
    if mdl is None and install and shutil.which("npm"):
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(TOOLS / "node"), MARKDOWNLINT], check=False)
        mdl = _existing(TOOLS / "node" / "node_modules" / ".bin" / "markdownlint-cli2")
    if mdl:
        peers["markdownlint-cli2"] = [mdl]
    return peers


def _existing(path: Path) -> str | None:
    return str(path) if path.exists() else None


def version(cmd: list[str], env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unavailable"


def machine(peers: dict[str, list[str]]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "vaultkit": version([sys.executable, "-m", "vaultkit", "--version"], env).split()[-1],
        "mistune": version([sys.executable, "-c", "import mistune; print(mistune.__version__)"]),
        "rumdl": version([*peers["rumdl"], "--version"]) if "rumdl" in peers else f"not installed (pip install {RUMDL})",
        "markdownlint-cli2": version([*peers["markdownlint-cli2"], "--help"]) if "markdownlint-cli2" in peers
        else f"not installed (npm install {MARKDOWNLINT})",
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


# -- output -----------------------------------------------------------------------------
def table(result: dict[str, Any]) -> str:
    head = (f"{result['sessions']:,} sessions ({result['md_files']:,} .md files, "
            f"{result['md_bytes'] / 2**20:.1f} MB), planted {result['planted']}, "
            f"min of {result['repeat']}")
    rows = [("row", "seconds", "x baseline", "CPU s", "findings", "peak MB", "note")]
    for s in result["steps"]:
        count = "-" if s["findings"] is None else f"{s['findings']:,}"
        found = f"{count}/{s['expected'] or 0:,} {s['check']}" if s["check"] else ""
        rows.append((s["step"], f"{s['seconds']:.2f}", f"{s['ratio']:.2f}", f"{s.get('cpu', 0):.2f}",
                     found, f"{s['peak_mb']:.0f}", s["note"]))
    return "\n".join([head, _columns(rows, left=(0, 4))])


def target_table(targets: list[dict[str, Any]] | list[Target], title: str) -> str:
    items = [t if isinstance(t, dict) else asdict(t) | {"verdict": t.verdict} for t in targets]
    rows = [("target", "measured", "limit", "")]
    rows += [(t["what"], t["measured"], t["limit"], t["verdict"]) for t in items]
    return "\n".join([title, _columns(rows, left=(0, 1, 2))])


def _columns(rows: list[tuple[str, ...]], left: tuple[int, ...]) -> str:
    n = len(rows[0]) - 1
    widths = [max(len(r[i]) for r in rows) for i in range(n)]
    return "\n".join("  ".join(c.ljust(w) if i in left else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r[:n], widths))) + "  " + r[n]
                     for r in rows)


def load_group(name: str) -> Callable[[Bench], None]:
    module = importlib.import_module(name)
    rows = getattr(module, "rows", None)
    if not callable(rows):
        raise SystemExit(f"benchmarks/{name}.py has no rows(bench) function")
    return rows


PHASES = ("peers", "lint", "cache", "index")


def bench_size(sessions: int, args: argparse.Namespace, workdir: Path, vk: list[str],
               peers: dict[str, list[str]], groups: list[tuple[str, Callable[[Bench], None]]]) -> dict[str, Any]:
    bench = Bench(sessions, args.seed, args.jobs, workdir, vk, peers, args.vaults)
    phases = set(args.phase or PHASES)
    for _ in range(args.repeat):  # interleaved: every row of the phase, then again
        (peer_rows if "peers" in phases else baseline_row)(bench)
        if "lint" in phases:
            lint_rows(bench)
    if "cache" in phases:
        cache_rows(bench)
    if "index" in phases:
        index_once(bench)
        for _ in range(args.repeat):
            index_rows(bench)
    judge(bench)  # the core targets first; a group's own targets follow
    for name, rows in groups:
        print(f"  row group {name}", file=sys.stderr)
        rows(bench)
    base = bench.row("mistune parse (baseline, 1 core)")
    for ran in bench.steps.values():
        ran.step.ratio = round(ran.step.seconds / (base.seconds if base else 1e-9), 2)
    return {"sessions": sessions, "seed": args.seed, "jobs": args.jobs, "repeat": args.repeat,
            "md_files": bench.md_files, "md_bytes": bench.md_bytes,
            "planted": bench.planted["counts"], "planted_total": bench.planted["total"],
            "load_average_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "steps": [asdict(r.step) for r in bench.steps.values()],
            "targets": [asdict(t) | {"verdict": t.verdict} for t in bench.targets]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, action="append", help="vault size; repeatable (default 1000)")
    parser.add_argument("--scaling", action="store_true", help="10,000 and 50,000 sessions, with the growth of every row")
    parser.add_argument("--repeat", type=int, default=1, help="run the timed rows N times, interleaved; keep the minimum")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, help="passed to 'vaultkit lint --jobs' (default: vaultkit's)")
    parser.add_argument("--group", action="append", default=[], metavar="NAME",
                        help="also run the rows of benchmarks/NAME.py (repeatable)")
    parser.add_argument("--phase", action="append", choices=PHASES,
                        help="run only these core phases (repeatable; default all): peers "
                        "(without it, only the baseline row), lint, cache, index")
    parser.add_argument("--vaults", type=Path, metavar="DIR",
                        help="keep each generated vault in DIR and copy it for later runs "
                        "(50,000 sessions take minutes to generate)")
    parser.add_argument("--no-install", action="store_true",
                        help=f"do not install missing peers ({RUMDL}, {MARKDOWNLINT}) into benchmarks/out/tools")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "result.json")
    parser.add_argument("--vaultkit", help="the command to time (default: this repo's vaultkit, "
                        "'python -m vaultkit' with the repo on PYTHONPATH)")
    parser.add_argument("--keep", action="store_true", help="keep the generated vaults and logs")
    args = parser.parse_args()

    sizes = sorted(set((args.sessions or []) + ([10_000, 50_000] if args.scaling else []))) or [1000]
    groups = [(name, load_group(name)) for name in args.group]
    peers = find_peers(install=not args.no_install)
    info = machine(peers)
    vk = shlex.split(args.vaultkit) if args.vaultkit else [sys.executable, "-m", "vaultkit"]
    runs: list[dict[str, Any]] = []
    workdir = Path(tempfile.mkdtemp(prefix="vaultkit-bench-"))
    try:
        for sessions in sizes:
            print(f"{sessions} sessions in {workdir}", file=sys.stderr)
            run = bench_size(sessions, args, workdir, vk, peers, groups)
            runs.append(run)
            print(table(run) + "\n")
            print(target_table(run["targets"], f"targets at {sessions:,} sessions "
                               "(issue #11 sets them for 10,000)") + "\n")
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    growth = scaling(runs)
    if growth:
        print(target_table(growth, f"growth from {min(sizes):,} to {max(sizes):,} sessions") + "\n")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": info, "runs": runs,
                                    "growth": [asdict(t) | {"verdict": t.verdict} for t in growth]},
                                   indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
