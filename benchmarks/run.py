"""Time vaultkit on synthetic vaults, side by side with a bare mistune parse.

    python benchmarks/run.py --sessions 1000 [--sessions 10000] [--jobs N] [--out FILE]

For each size: generate a vault (benchmarks/generate.py) in a temp dir, then run every
step in a fresh subprocess and record wall time and peak RSS.  Numbers to steer by, not
a test: nothing here asserts a time.

Peak RSS comes from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by a fresh
wrapper process that runs only that one step: the largest single process of the step's
tree (with parallel parsing, the larger of the main process and a worker, not their sum).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

# Runs one command, then reports its wall time and its tree's peak RSS as JSON.
MEASURE = r"""
import json, resource, subprocess, sys, time
cmd, cwd, env, out, err = json.loads(sys.argv[1])
with open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter()
    code = subprocess.run(cmd, cwd=cwd, env=env, stdout=o, stderr=e).returncode
    wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
rss_mb = rss / 2**20 if sys.platform == "darwin" else rss / 2**10
print(json.dumps({"wall": wall, "rss_mb": rss_mb, "code": code}))
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


@dataclass
class Step:
    step: str
    seconds: float
    peak_mb: float
    exit_code: int
    findings: int | None = None
    check: str = ""
    """OK / MISMATCH for lint steps (findings against planted.json)."""
    note: str = ""
    ratio: float = 0.0


@dataclass
class Ran:
    step: Step
    stdout: str
    stderr: str


def measure(name: str, cmd: list[str], cwd: Path, env: dict[str, str], scratch: Path) -> Ran:
    out, err = scratch / f"{name}.out", scratch / f"{name}.err"
    payload = json.dumps([cmd, str(cwd), env, str(out), str(err)])
    result = subprocess.run([sys.executable, "-c", MEASURE, payload], check=True,
                            capture_output=True, text=True)
    m = json.loads(result.stdout)
    step = Step(name, round(m["wall"], 3), round(m["rss_mb"], 1), m["code"])
    return Ran(step, out.read_text(errors="replace"), err.read_text(errors="replace"))


def check_lint(ran: Ran, planted: dict[str, Any]) -> None:
    """Findings must be exactly the planted problems: same codes, paths, lines, columns."""
    try:
        findings = json.loads(ran.stdout)
    except json.JSONDecodeError:
        ran.step.check, ran.step.note = "MISMATCH", f"{ran.step.note} no JSON: {ran.stderr.strip()[-200:]}"
        return
    got = sorted((f["code"], f["path"], f["line"], f["column"]) for f in findings)
    want = sorted((p["code"], p["path"], p["line"], p["column"]) for p in planted["problems"])
    ran.step.findings = len(findings)
    ran.step.check = "OK" if got == want else "MISMATCH"
    if got != want:
        extra = [g for g in got if g not in want][:3]
        lost = [w for w in want if w not in got][:3]
        ran.step.note += f" unexpected {extra} missing {lost}"


def bench(sessions: int, seed: int, jobs: int | None, workdir: Path, vk: list[str]) -> dict[str, Any]:
    vault, cache, scratch = workdir / f"vault-{sessions}", workdir / f"cache-{sessions}", workdir / f"logs-{sessions}"
    scratch.mkdir(parents=True)
    planted = generate(vault, sessions, seed)
    md_files = [p for p in vault.rglob("*.md") if ".obsidian" not in p.parts]
    md_bytes = sum(p.stat().st_size for p in md_files)
    env = {**os.environ, "VAULTKIT_CACHE_DIR": str(cache),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    lint = vk + ["lint", "--vault", str(vault), "--format", "json"] + (["--jobs", str(jobs)] if jobs else [])
    index = vk + ["index", "--vault", str(vault)]
    steps: list[Ran] = []

    def run(name: str, cmd: list[str], cwd: Path = REPO) -> Ran:
        ran = measure(name, cmd, cwd, env, scratch)
        steps.append(ran)
        print(f"  {name}: {ran.step.seconds:.2f} s", file=sys.stderr)
        return ran

    baseline = run("mistune parse (baseline)", [sys.executable, "-c", BASELINE, str(vault)])
    baseline.step.note = f"{baseline.stdout.strip()} files"
    if shutil.which("markdownlint-cli2"):
        peer = run("markdownlint-cli2 (peer)", ["markdownlint-cli2", "**/*.md"], cwd=vault)
        m = re.search(r"Summary: (\d+) error", peer.stderr + peer.stdout)
        peer.step.note = f"{m.group(1) if m else '?'} style findings, default rules (not comparable)"
    shutil.rmtree(cache, ignore_errors=True)
    check_lint(run("vaultkit lint, cold cache", lint), planted)
    check_lint(run("vaultkit lint, warm cache", lint), planted)
    changed = vault / planted_free_session(planted, vault)
    with open(changed, "a", encoding="utf-8") as handle:
        handle.write("  - Appended by the benchmark: one changed file.\n")
    one = run("vaultkit lint, one file changed", lint)
    one.step.note = changed.relative_to(vault).as_posix()
    check_lint(one, planted)
    for name in ("vaultkit index", "vaultkit index, again"):
        ran = run(name, index)
        summary = re.search(r"Index: .*", ran.stdout + ran.stderr)
        ran.step.note = summary.group() if summary else ran.stderr.strip()[-200:]
    after = run("vaultkit lint, indexed vault", lint)
    after.step.note = "warm; the index notes are part of the vault now"
    check_lint(after, planted)

    base = baseline.step.seconds or 1e-9
    for ran in steps:
        ran.step.ratio = round(ran.step.seconds / base, 1)
    return {"sessions": sessions, "seed": seed, "jobs": jobs, "md_files": len(md_files),
            "md_bytes": md_bytes,
            "planted": planted["counts"], "planted_total": planted["total"],
            "load_average_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "steps": [asdict(r.step) for r in steps]}


def planted_free_session(planted: dict[str, Any], vault: Path) -> str:
    """A session without planted problems (appending keeps every planted position)."""
    dirty = {p["path"] for p in planted["problems"]}
    return next(f"sessions/{p.name}" for p in sorted((vault / "sessions").iterdir())
                if f"sessions/{p.name}" not in dirty)


def version(cmd: list[str], env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unavailable"


def machine() -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return {
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "vaultkit": version([sys.executable, "-m", "vaultkit", "--version"], env).split()[-1],
        "mistune": version([sys.executable, "-c", "import mistune; print(mistune.__version__)"]),
        "markdownlint-cli2": version(["markdownlint-cli2", "--help"]) if shutil.which("markdownlint-cli2")
        else "not installed (npm install -g markdownlint-cli2)",
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def table(result: dict[str, Any]) -> str:
    head = (f"{result['sessions']} sessions ({result['md_files']} .md files, "
            f"{result['md_bytes'] / 2**20:.1f} MB), planted {result['planted']}")
    rows = [("step", "seconds", "x baseline", "findings", "peak MB", "note")]
    for s in result["steps"]:
        count = "-" if s["findings"] is None else s["findings"]
        found = f"{count}/{result['planted_total']} {s['check']}" if s["check"] else ""
        rows.append((s["step"], f"{s['seconds']:.2f}", f"{s['ratio']:.1f}", found,
                     f"{s['peak_mb']:.0f}", s["note"]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = ["  ".join(c.ljust(w) if i in (0, 3) else c.rjust(w) for i, (c, w) in
                       enumerate(zip(r[:5], widths))) + "  " + r[5] for r in rows]
    return "\n".join([head, *lines])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, action="append", help="vault size; repeatable (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, help="passed to 'vaultkit lint --jobs' (default: vaultkit's)")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "result.json")
    parser.add_argument("--vaultkit", help="the command to time (default: this repo's vaultkit, "
                        "'python -m vaultkit' with the repo on PYTHONPATH)")
    parser.add_argument("--keep", action="store_true", help="keep the generated vaults and logs")
    args = parser.parse_args()

    runs: list[dict[str, Any]] = []
    info = machine()
    workdir = Path(tempfile.mkdtemp(prefix="vaultkit-bench-"))
    try:
        for sessions in args.sessions or [1000]:
            print(f"{sessions} sessions in {workdir}", file=sys.stderr)
            vk = shlex.split(args.vaultkit) if args.vaultkit else [sys.executable, "-m", "vaultkit"]
            run = bench(sessions, args.seed, args.jobs, workdir, vk)
            runs.append(run)
            print(table(run) + "\n")
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": info, "runs": runs}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
