"""The pre-commit hooks of ``.pre-commit-hooks.yaml`` under real ``pre-commit`` and ``git``.

A vault repository gets a real ``.pre-commit-config.yaml`` whose ``repo:`` is a git
snapshot of this source tree (work-tree state, uncommitted files included) at its
commit ``rev:``, and ``pre-commit install``; the tests then make real commits.

Why not ``pre-commit try-repo``: it takes a work tree's *tracked* changes only (a new,
unstaged module would be missing) and builds the hook environment in a throw-away store
every time.  A snapshot repository gives the same hooks, one environment build in a
session-scoped ``PRE_COMMIT_HOME`` shared by every test here, and exercises the
``repo:``/``rev:`` path a user's config takes.  Installing vaultkit into that
environment needs only the package registries.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from integration_support import EXAMPLE_VAULT, REPO, clean_env, dev_vaultkit, run, snapshot_source

pytestmark = pytest.mark.integration

FIX_HOOK = "vaultkit lint --fix"
LINT_HOOK = "vaultkit lint"
INDEX_HOOK = "vaultkit index"
INDEX_CHECK_HOOK = "vaultkit index --check"
DEFAULT_HOOKS = ("vaultkit-fix", "vaultkit-lint", "vaultkit-index")


def hook_status(output: str, name: str) -> str | None:
    """``Passed``/``Failed``/``(no files to check)Skipped`` for a hook in pre-commit's output."""
    m = re.search(rf"^{re.escape(name)}\.+(.*)$", output, re.MULTILINE)
    return m.group(1).strip() if m else None


@pytest.fixture(scope="module")
def precommit(tmp_path_factory: pytest.TempPathFactory, git_config: dict[str, str]):
    """The hook repository (a committed snapshot of this tree) and an environment with a
    clean, shared PRE_COMMIT_HOME.  The first commit that runs the hooks builds the one
    hook environment; every later test reuses it."""
    pytest.importorskip("pre_commit")
    base = tmp_path_factory.mktemp("precommit")
    env = clean_env(
        PRE_COMMIT_HOME=str(base / "home"),
        PRE_COMMIT_COLOR="never",
        VAULTKIT_CACHE_DIR=str(base / "vaultkit-cache"),
        **git_config,
    )
    hooks = snapshot_source(base / "hook-repo")
    assert (hooks / ".pre-commit-hooks.yaml").is_file()
    run(["git", "init", "-q"], hooks, env)
    run(["git", "add", "-A"], hooks, env)
    run(["git", "commit", "-q", "-m", "snapshot of the vaultkit work tree"], hooks, env)
    rev = run(["git", "rev-parse", "HEAD"], hooks, env).stdout.strip()
    run([sys.executable, "-m", "pre_commit", "--version"], base, env)
    return {"base": base, "env": env, "repo": hooks, "rev": rev}


class VaultRepo:
    def __init__(self, root: Path, env: dict[str, str]):
        self.root = root
        self.env = env

    def git(self, *args: str, check: bool = True):
        return run(["git", *args], self.root, self.env, check=check)

    def commit(self, message: str):
        """``git add -A`` and ``git commit``: the hooks run; returns the process."""
        self.git("add", "-A")
        return self.git("commit", "-m", message, check=False)

    def vaultkit(self, *args: str, check: bool = True):
        env = dict(self.env, PYTHONPATH=str(REPO))
        return run([*dev_vaultkit(), *args], self.root, env, check=check)


def hooked_repo(root: Path, precommit, message: str, *index_args: str,
                hooks: tuple[str, ...] = DEFAULT_HOOKS) -> VaultRepo:
    """``git init`` at ``root``, the hooks configured with no arguments as README's
    ``repo:``/``rev:`` form shows, the index generated, a first commit, and
    ``pre-commit install``."""
    repo = VaultRepo(root, precommit["env"])
    repo.git("init", "-q")
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {precommit['repo'].as_posix()}\n"
        f"    rev: {precommit['rev']}\n"
        "    hooks:\n" + "".join(f"      - id: {hook}\n" for hook in hooks),
        encoding="utf-8",
    )
    repo.vaultkit("index", *index_args)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", message)
    run([sys.executable, "-m", "pre_commit", "install"], root, precommit["env"])
    return repo


@pytest.fixture
def vault_repo(precommit, tmp_path: Path) -> VaultRepo:
    """A git repository holding a copy of example-vault with an up-to-date index, its
    first commit made, and the vaultkit hooks installed from the snapshot repository."""
    root = tmp_path / "vault-repo"
    shutil.copytree(EXAMPLE_VAULT, root)
    return hooked_repo(root, precommit, "vault")  # the committed state has its index notes


def new_session(repo: VaultRepo, name: str, replace: tuple[str, str] | None = None) -> Path:
    """A new session note, a copy of a clean one (optionally with one edit)."""
    text = (repo.root / "sessions" / "2023-02-13.md").read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(*replace)
    path = repo.root / "sessions" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_commit_with_dangling_citekey_fails_then_fixed_commit_passes(vault_repo: VaultRepo):
    good, bad = "@huLoRALowRankAdaptation2021)]", "@huLoRALowRankAdaption2021)]"
    note = new_session(vault_repo, "2023-06-01.md", (f"[skim({good}", f"[skim({bad}"))
    head = vault_repo.git("rev-parse", "HEAD").stdout

    failed = vault_repo.commit("a session with a typo'd citekey")
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert hook_status(out, LINT_HOOK) == "Failed", out
    assert "sessions/2023-06-01.md:" in out
    assert "VK201" in out and "@huLoRALowRankAdaption2021" in out
    assert "did you mean @huLoRALowRankAdaptation2021" in out
    assert vault_repo.git("rev-parse", "HEAD").stdout == head  # nothing committed

    note.write_text(note.read_text(encoding="utf-8").replace(bad, good), encoding="utf-8")
    vault_repo.vaultkit("index")  # the new session is news for the LoRA index note
    passed = vault_repo.commit("the session, key fixed")
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert hook_status(out, LINT_HOOK) == "Passed", out
    assert hook_status(out, INDEX_HOOK) == "Passed", out
    assert vault_repo.git("rev-parse", "HEAD").stdout != head


def test_lint_hook_reports_only_the_committed_files(vault_repo: VaultRepo):
    # example-vault's planted problems are committed already; a commit touching a clean
    # note must not fail because of them.
    note = vault_repo.root / "sessions" / "2023-05-03.md"
    note.write_text(note.read_text(encoding="utf-8").replace(
        "- Then swap the linear layer", "- Then, maybe, swap the linear layer"), encoding="utf-8")
    result = vault_repo.commit("edit a clean note")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert hook_status(out, LINT_HOOK) == "Passed", out


def test_index_hook_regenerates_then_the_second_commit_passes(vault_repo: VaultRepo):
    # pre-commit's fixer convention: the hook writes the index notes and fails the commit
    # because files changed; `git add` and commit again passes
    new_session(vault_repo, "2023-06-02.md")  # clean, but new readings of two papers
    head = vault_repo.git("rev-parse", "HEAD").stdout
    failed = vault_repo.commit("a new session, index not regenerated")
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert hook_status(out, LINT_HOOK) == "Passed", out
    assert hook_status(out, INDEX_HOOK) == "Failed", out
    assert "Index notes regenerated: 'git add' them and commit again." in out
    assert vault_repo.git("rev-parse", "HEAD").stdout == head  # nothing committed
    changed = vault_repo.git("status", "--porcelain").stdout.splitlines()
    written = sorted(line[3:] for line in changed if line[3:].startswith("papers/"))
    assert written, changed  # the hook wrote the index notes of the papers read
    for path in written:
        assert "2023-06-02" in (vault_repo.root / path).read_text(encoding="utf-8")
    assert vault_repo.vaultkit("index", "--check", check=False).returncode == 0

    passed = vault_repo.commit("a new session and its index")
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert hook_status(out, INDEX_HOOK) == "Passed", out
    assert vault_repo.git("status", "--porcelain").stdout == ""
    committed = vault_repo.git("show", "--name-only", "--format=", "HEAD").stdout.split()
    assert set(written) <= set(committed)


def test_index_check_hook_fails_and_writes_nothing(precommit, tmp_path: Path):
    root = tmp_path / "ci-repo"
    shutil.copytree(EXAMPLE_VAULT, root)
    repo = hooked_repo(root, precommit, "vault", hooks=("vaultkit-lint", "vaultkit-index-check"))
    new_session(repo, "2023-06-02.md")
    failed = repo.commit("a new session, index not regenerated")
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert hook_status(out, INDEX_CHECK_HOOK) == "Failed", out
    assert "run 'vaultkit index'" in out
    # nothing written: only the new session differs from the last commit
    assert repo.git("status", "--porcelain").stdout.splitlines() == ["A  sessions/2023-06-02.md"]

    repo.vaultkit("index")
    passed = repo.commit("a new session and its index")
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert hook_status(out, INDEX_CHECK_HOOK) == "Passed", out


def test_fix_hook_fixes_the_note_then_the_second_commit_passes(vault_repo: VaultRepo):
    note = new_session(vault_repo, "2023-02-13.md", ("\n## Learned\n", "\n### Learned\n"))
    vault_repo.git("commit", "-q", "-a", "--no-verify", "-m", "a heading at the wrong level")
    note.write_text(note.read_text(encoding="utf-8").replace(
        "- Deep read of LoRA", "- Deep read of LoRA, soon"), encoding="utf-8")
    head = vault_repo.git("rev-parse", "HEAD").stdout
    failed = vault_repo.commit("edit the note")
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert hook_status(out, FIX_HOOK) == "Failed", out
    assert "files were modified by this hook" in out
    assert vault_repo.git("rev-parse", "HEAD").stdout == head
    text = note.read_text(encoding="utf-8")
    assert "\n## Learned\n" in text and "### Learned" not in text
    assert "- Deep read of LoRA, soon" in text  # the user's own edit is kept

    passed = vault_repo.commit("edit the note, fixed")
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert hook_status(out, FIX_HOOK) == "Passed", out
    assert "\n## Learned\n" in vault_repo.git("show", "HEAD:sessions/2023-02-13.md").stdout


def test_readme_local_hooks_work_as_written(precommit, tmp_path: Path):
    """README's ``repo: local`` snippet, copied verbatim, runs the vaultkit on PATH."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## pre-commit\n"):]
    snippet = re.search(r"```yaml\n(repos:\n  - repo: local\n.*?)```", section, re.DOTALL)
    assert snippet, "README's pre-commit section lost its repo: local snippet"
    root = tmp_path / "local-repo"
    shutil.copytree(EXAMPLE_VAULT, root)
    env = dict(precommit["env"])
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    repo = VaultRepo(root, env)
    repo.git("init", "-q")
    (root / ".pre-commit-config.yaml").write_text(snippet.group(1), encoding="utf-8")
    repo.vaultkit("index")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "vault")
    run([sys.executable, "-m", "pre_commit", "install"], root, env)

    new_session(repo, "2023-06-02.md", ("\n## Learned\n", "\n### Learned\n"))
    failed = repo.commit("a new session")
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert hook_status(out, FIX_HOOK) == "Failed", out
    assert hook_status(out, INDEX_HOOK) == "Failed", out
    passed = repo.commit("a new session, fixed and indexed")
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    for hook in (FIX_HOOK, LINT_HOOK, INDEX_HOOK):
        assert hook_status(out, hook) == "Passed", out


@pytest.fixture
def subfolder_repo(precommit, tmp_path: Path) -> VaultRepo:
    """A repository whose vault is ``vault/`` beside a README and ``docs/``, with the
    hooks configured as README shows (no arguments: they find the vault themselves)."""
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE_VAULT, root / "vault")
    (root / "README.md").write_text("# Reading notes\nSee @nobody and [[nothing]].\n", encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "howto.md").write_text("---\nbroken: [\n---\n[[missing]]\n", encoding="utf-8")
    return hooked_repo(root, precommit, "repo with a vault in vault/", "--vault", "vault")


def test_subfolder_vault_markdown_outside_the_vault_never_blocks(subfolder_repo: VaultRepo):
    root = subfolder_repo.root
    (root / "README.md").write_text("# Reading notes\nNow with @moreNonsense.\n", encoding="utf-8")
    (root / "docs" / "howto.md").write_text("---\nstill: [broken\n---\n", encoding="utf-8")
    result = subfolder_repo.commit("docs only")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert hook_status(out, LINT_HOOK) == "Passed", out
    assert hook_status(out, INDEX_HOOK) == "Passed", out


def test_subfolder_vault_findings_and_a_stale_index_still_fail(subfolder_repo: VaultRepo):
    root = subfolder_repo.root
    text = (root / "vault" / "sessions" / "2023-02-13.md").read_text(encoding="utf-8")
    good, bad = "@huLoRALowRankAdaptation2021)]", "@huLoRALowRankAdaption2021)]"
    (root / "vault" / "sessions" / "2023-06-01.md").write_text(
        text.replace(f"[skim({good}", f"[skim({bad}"), encoding="utf-8")
    (root / "README.md").write_text("# Reading notes, edited\n", encoding="utf-8")
    failed = subfolder_repo.commit("a session with a typo, and the README")
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert hook_status(out, LINT_HOOK) == "Failed", out
    assert "sessions/2023-06-01.md:" in out and "VK201" in out
    assert "skipped 1 file outside the vault vault/: README.md" in out
    assert "README.md:" not in out.replace("vault/: README.md", "")  # no finding on it

    # the typo fixed: lint passes, but the new session makes the index stale -- found
    # although the hook runs from the repository root (once a false pass)
    (root / "vault" / "sessions" / "2023-06-01.md").write_text(text, encoding="utf-8")
    failed = subfolder_repo.commit("the session, key fixed, index not regenerated")
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0, out
    assert hook_status(out, LINT_HOOK) == "Passed", out
    assert hook_status(out, INDEX_HOOK) == "Failed", out
    assert "Index notes regenerated" in out
    lora = root / "vault" / "papers" / "@huLoRALowRankAdaptation2021.md"
    assert "2023-06-01" in lora.read_text(encoding="utf-8")  # written in the vault, not the root
    assert not (root / "papers").exists()

    passed = subfolder_repo.commit("the session and its index")
    out = passed.stdout + passed.stderr
    assert passed.returncode == 0, out
    assert hook_status(out, INDEX_HOOK) == "Passed", out
