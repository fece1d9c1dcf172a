"""Helpers for the reporter and CLI tests: hand-made findings, copies of example-vault."""

from __future__ import annotations

import shutil
from pathlib import Path

from vaultkit.model import Finding, Span

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_VAULT = REPO / "example-vault"
SARIF_SCHEMA = REPO / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"

# The planted problems of example-vault/README.md: (path, line, column, code); ``None``
# where the table gives no position (VK101 points at a place the README leaves open).
PLANTED = {
    ("sessions/2023-04-05.md", 7, 69, "VK201"),
    ("sessions/2023-02-24.md", 26, 9, "VK201"),
    ("sessions/2023-03-02.md", 32, 5, "VK202"),
    ("sessions/2023-02-08.md", 5, 28, "VK203"),
    ("sessions/2023-03-07.md", 25, 3, "VK106"),
    ("sessions/2023-03-22.md", 27, 5, "VK107"),
    ("sessions/2023-04-19.md", None, None, "VK101"),
    ("sessions/2023-03-10.md", 1, 1, "VK105"),
    ("sessions/2023-02-24.md", 22, 9, "VK211"),
}

# The same problems, repaired in a copy of the vault (old text -> new text, per file).
REPAIRS: dict[str, list[tuple[str, str]]] = {
    "sessions/2023-04-05.md": [("@smithNonexistentPaper2021", "@hoffmannTrainingComputeOptimalLarge2022")],
    "sessions/2023-02-24.md": [("@huLoRALowRankAdaption2021", "@huLoRALowRankAdaptation2021"),
                               # a link source the bibliography knows (LoRA's arXiv page)
                               ("https://example.org/posts/lora-in-practice", "https://arxiv.org/abs/2106.09685")],
    "sessions/2023-03-02.md": [("../asset/missing_figure.png", "../asset/ldm_architecture.png")],
    "sessions/2023-02-08.md": [("[[2023-01-01]]", "[[2023-02-13]]")],
    "sessions/2023-03-07.md": [("[skim(radfordLearningTransferableVisual2021)]",
                                "[skim(@radfordLearningTransferableVisual2021)]")],
    "sessions/2023-03-22.md": [("[solilquy ->", "[soliloquy ->")],
    "sessions/2023-04-19.md": [("## Next?", "## Learned\n- RLHF needs far less data than pre-training.\n\n## Next?")],
    "sessions/2023-03-10.md": [("## tl;dr\n", "## tl;dr\nA detour to PaLM-E.\n")],
}


def copy_example_vault(dest: Path) -> Path:
    shutil.copytree(EXAMPLE_VAULT, dest)
    return dest


def repair(vault: Path) -> Path:
    """Fix every planted problem in a copy of example-vault."""
    for rel, edits in REPAIRS.items():
        path = vault / rel
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, f"{rel}: {old!r} not found; update REPAIRS with example-vault"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    return vault


def finding(path: str = "sessions/2023-04-05.md", line: int = 7, column: int = 69,
            end_line: int | None = None, end_column: int | None = None,
            code: str = "VK201", rule: str = "dangling-citekey", severity: str = "error",
            message: str = "unknown citekey @smith2021", fixable: bool = False,
            suggestion: str | None = None) -> Finding:
    return Finding(
        path=path,
        span=Span(line, column, line if end_line is None else end_line,
                  column + 10 if end_column is None else end_column),
        code=code, rule=rule, severity=severity,  # type: ignore[arg-type]
        message=message, fixable=fixable, suggestion=suggestion,
    )
