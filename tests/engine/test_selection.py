"""Which rules run: select / extend-select / ignore / severity, as in ruff."""

from __future__ import annotations

import pytest

from vaultkit.config import Config
from vaultkit.engine import active_rules
from vaultkit.yamlfile import UsageError


def codes(config: Config) -> dict[str, str]:
    return {a.rule.code: a.severity for a in active_rules(config)}


def test_default_set_skips_off_rules() -> None:
    active = codes(Config())
    assert "VK201" in active and active["VK201"] == "error"
    assert "VK207" not in active  # orphan-asset is off by default


def test_select_prefix_replaces_the_default_set() -> None:
    active = codes(Config(select=("VK2",)))
    assert active and all(code.startswith("VK2") for code in active)
    assert "VK207" not in active  # a prefix does not enable an off rule


def test_exact_code_or_name_enables_an_off_rule() -> None:
    assert codes(Config(extend_select=("VK207",)))["VK207"] == "warning"
    assert "VK207" in codes(Config(extend_select=("orphan-asset",)))
    assert "VK207" in codes(Config(select=("ALL",)))


def test_ignore_and_severity_override() -> None:
    active = codes(Config(ignore=("VK20",), severity=(("VK2", "info"), ("VK210", "warning"))))
    assert not any(code.startswith("VK20") for code in active)
    assert active["VK210"] == "warning"  # the most specific override wins


def test_severity_off_disables() -> None:
    assert "VK201" not in codes(Config(severity=(("VK201", "off"),)))


@pytest.mark.parametrize("selector", ["VK9", "dangling-citekeys", "XX1"])
def test_unknown_selector_is_a_usage_error(selector: str) -> None:
    with pytest.raises(UsageError, match="unknown rule"):
        active_rules(Config(select=(selector,)))


def test_unknown_rule_option_is_a_usage_error() -> None:
    config = Config(rule_options=(("VK201", (("ignor", []),)),), source=".vaultkit.yaml")
    with pytest.raises(UsageError, match="did you mean 'ignore'"):
        active_rules(config)
