"""``pip install .`` into a clean virtual environment, then vaultkit from another folder.

The package is installed non-editable from a snapshot of the source tree (the work
tree's files as a fresh checkout has them, so the build neither writes ``build/`` into
the repository nor depends on stray files).  pip's own cache is reused.  The test
proves the installed package finds its schemas in site-packages, not in the source
tree: the session-schema findings (VK1xx) of example-vault come only from them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from integration_support import EXAMPLE_VAULT, REPO, clean_env, run, snapshot_source

pytestmark = pytest.mark.integration

# example-vault/README.md, "Planted problems": (path, line, code).
PLANTED = {
    ("sessions/2023-04-05.md", 7, "VK201"),
    ("sessions/2023-02-24.md", 26, "VK201"),
    ("sessions/2023-03-02.md", 32, "VK202"),
    ("sessions/2023-02-08.md", 5, "VK203"),
    ("sessions/2023-03-07.md", 25, "VK106"),
    ("sessions/2023-03-22.md", 27, "VK107"),
    ("sessions/2023-03-10.md", 1, "VK105"),
    ("sessions/2023-02-24.md", 22, "VK211"),
}
PLANTED_NO_LINE = {("sessions/2023-04-19.md", "VK101")}


def _bin(env_dir: Path, name: str) -> Path:
    scripts = env_dir / ("Scripts" if os.name == "nt" else "bin")
    return scripts / (name + (".exe" if os.name == "nt" else ""))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory):
    """A fresh venv with vaultkit pip-installed (non-editable) from the source tree."""
    base = tmp_path_factory.mktemp("packaging")
    source = snapshot_source(base / "src")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = _bin(env_dir, "python")
    env = clean_env(VAULTKIT_CACHE_DIR=str(base / "vaultkit-cache"))
    run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
         str(source)], base, env, timeout=900)
    # The source snapshot goes away: nothing may still point at it.
    shutil.rmtree(source)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return {"python": python, "vaultkit": _bin(env_dir, "vaultkit"), "env": env,
            "cwd": elsewhere, "base": base}


def test_lint_example_vault_from_another_folder(installed, tmp_path: Path):
    vault = shutil.copytree(EXAMPLE_VAULT, tmp_path / "my vault")
    proc = run([str(installed["vaultkit"]), "lint", str(vault)], installed["cwd"],
               installed["env"], check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "sessions/2023-04-05.md:7:69: VK201 " in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("Found ")

    proc = run([str(installed["vaultkit"]), "lint", str(vault), "--format", "json"],
               installed["cwd"], installed["env"], check=False)
    assert proc.returncode == 1, proc.stderr
    found = json.loads(proc.stdout)
    got = {(f["path"], f["line"], f["code"]) for f in found}
    assert {g for g in got if g[2] != "VK101"} == PLANTED
    assert {(f["path"], f["code"]) for f in found if f["code"] == "VK101"} == PLANTED_NO_LINE


def test_rules_and_version(installed):
    from vaultkit import __version__
    from vaultkit.checks import all_rules

    proc = run([str(installed["vaultkit"]), "rules"], installed["cwd"], installed["env"])
    listed = [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
    assert listed == [r.code for r in all_rules()]
    proc = run([str(installed["vaultkit"]), "--version"], installed["cwd"], installed["env"])
    assert proc.stdout.strip() == f"vaultkit, version {__version__}"
    proc = run([str(installed["python"]), "-m", "vaultkit", "--version"], installed["cwd"],
               installed["env"])
    assert __version__ in proc.stdout


def test_installed_package_finds_its_schemas_in_site_packages(installed):
    code = (
        "import json, sysconfig, vaultkit\n"
        "from vaultkit.schema import builtin_rules_dir\n"
        "d = builtin_rules_dir()\n"
        "print(json.dumps({'rules': str(d), 'package': vaultkit.__file__,\n"
        "    'purelib': sysconfig.get_paths()['purelib'],\n"
        "    'yaml': sorted(p.name for p in d.glob('*.yaml'))}))\n"
    )
    proc = run([str(installed["python"]), "-c", code], installed["cwd"], installed["env"])
    info = json.loads(proc.stdout)
    site = Path(info["purelib"]).resolve()
    rules = Path(info["rules"]).resolve()
    assert site in rules.parents, info
    assert site in Path(info["package"]).resolve().parents, info
    assert REPO.resolve() not in rules.parents
    assert installed["base"].resolve() / "src" not in rules.parents
    assert "session.yaml" in info["yaml"], info


def test_no_source_tree_on_the_path(installed):
    proc = run([str(installed["python"]), "-c", "import sys; print('\\n'.join(sys.path))"],
               installed["cwd"], installed["env"])
    assert str(REPO) not in proc.stdout.splitlines()
