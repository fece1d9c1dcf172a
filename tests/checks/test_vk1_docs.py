"""The documentation of every VK1xx rule: its example fires the rule, its fix does not."""

from __future__ import annotations

import re

import pytest

from vaultkit.checks import all_rules

RULES = [r for r in all_rules() if r.code.startswith("VK1")]


def test_every_rule_of_the_issue_table() -> None:
    table = {
        "VK101": ("missing-section", "error"), "VK102": ("section-order", "warning"),
        "VK103": ("unknown-section", "info"), "VK104": ("duplicate-section", "error"),
        "VK105": ("empty-section", "warning"), "VK106": ("malformed-action", "error"),
        "VK107": ("unknown-tag", "warning"), "VK108": ("frontmatter-schema", "error"),
        "VK109": ("heading-level", "warning"), "VK110": ("log-without-actions", "warning"),
    }
    assert {r.code: (r.name, r.severity) for r in RULES} == table
    assert all(r.scope == "note" for r in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docstring_shape(rule) -> None:
    assert rule.doc.splitlines()[0] == f"{rule.code} {rule.name}"
    for heading in ("## What it does", "## Why is this bad?", "## Example"):
        assert heading in rule.doc
    assert rule.summary.startswith("Reports ")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_example_fires_and_fix_does_not(vk1, rule) -> None:
    bad, good = re.findall(r"```markdown\n(.*?)```", rule.doc, re.S)[:2]
    path = "papers/@vaswaniAttentionAllYou2017.md" if rule.code == "VK108" else "sessions/2023-03-14.md"
    assert [c for *_, c in vk1(bad, path=path, select=(rule.code,))], "the example raises nothing"
    assert vk1(good, path=path, select=(rule.code,)) == []
