"""Helpers for the integration tests: a snapshot of the source tree, child-process
environments, running commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_VAULT = REPO / "example-vault"

# Never copied into a snapshot of the source tree.
_SKIP_PARTS = {".git", "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", ".venv",
               ".benchmarks", ".ruff_cache", "build", "dist", ".vaultkit-cache"}


def source_files(repo: Path = REPO) -> list[str]:
    """The files of the source tree as a fresh checkout of the work tree would have them:
    tracked and untracked-but-not-ignored files (``git ls-files``, read only), or a walk
    of the folder when it is not a git work tree (an unpacked sdist)."""
    names: list[str]
    if (repo / ".git").exists() and shutil.which("git"):
        out = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True, check=True, env=clean_env(),
        )
        names = [n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    else:
        names = [p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file()]
    keep = []
    for name in names:
        parts = Path(name).parts
        if any(part in _SKIP_PARTS or part.endswith(".egg-info") for part in parts):
            continue
        if parts[0] in ("benchmarks",) and len(parts) > 1 and parts[1] == "out":
            continue
        if (repo / name).is_file() and not (repo / name).is_symlink():
            keep.append(name)
    return sorted(keep)


def snapshot_source(dest: Path, repo: Path = REPO) -> Path:
    """Copy the source tree (work-tree state, uncommitted changes included) to ``dest``."""
    for name in source_files(repo):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    return dest


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for child processes: no git or pre-commit state inherited from a
    calling hook, no PYTHONPATH pointing at the source tree."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "PRE_COMMIT")) and k not in ("PYTHONPATH", "SKIP",
                                                                    "VIRTUAL_ENV")}
    env.update(extra)
    return env


def run(cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


def dev_vaultkit() -> list[str]:
    """The vaultkit of this source tree, run as a child process."""
    return [sys.executable, "-m", "vaultkit"]
