"""pre-commit splits long file lists into batches: the findings must not depend on it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.conftest import EXAMPLE_VAULT
from vaultkit.cli import main


def lint(*paths: str) -> list[dict]:
    result = CliRunner().invoke(main, ["lint", "--format", "json", "--vault", str(EXAMPLE_VAULT),
                                       *paths])
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_union_of_batches_equals_one_run() -> None:
    notes = sorted(str(p) for p in EXAMPLE_VAULT.rglob("*.md"))
    whole = lint(*notes)
    for size in (1, 3, 7):
        batched = [f for i in range(0, len(notes), size) for f in lint(*notes[i : i + size])]
        key = lambda f: (f["path"], f["line"], f["column"], f["code"])  # noqa: E731
        assert sorted(batched, key=key) == sorted(whole, key=key)
    assert {f["code"] for f in whole} >= {"VK201", "VK202", "VK203"}
