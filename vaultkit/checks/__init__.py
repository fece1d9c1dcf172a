"""The rule registry: one module per rule code, found by name (``vkNNN_*.py``)."""

from __future__ import annotations

import importlib
import re
import pkgutil
from functools import lru_cache
from types import ModuleType
from typing import Any

from msgspec import Struct

_SCOPES = {"note": "one note at a time", "vault": "the whole vault",
           "engine": "raised by the engine itself"}


class Rule(Struct, frozen=True):
    code: str
    name: str
    severity: str
    """Default severity; ``off`` rules run only when selected by code."""
    enabled_severity: str
    """The severity an off-by-default rule gets when selected."""
    scope: str
    options: dict[str, Any]
    doc: str
    module: ModuleType

    @property
    def scope_text(self) -> str:
        """The scope in words, as ``vaultkit explain`` and the rule pages say it."""
        return _SCOPES.get(self.scope, self.scope)

    @property
    def summary(self) -> str:
        """The first sentence of the paragraph under the docstring's "What it does"."""
        lines = [line.strip() for line in self.doc.splitlines()]
        for i, line in enumerate(lines):
            if line.lower().lstrip("# ").startswith("what it does"):
                paragraph: list[str] = []
                for text in lines[i + 1 :]:
                    if not text and paragraph:
                        break
                    if text:
                        paragraph.append(text)
                joined = " ".join(paragraph)
                first = re.split(r"[.:;]\s| -- ", joined, maxsplit=1)[0]
                return first.rstrip(".:;")
        return self.name


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    rules = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("vk"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        severity = module.SEVERITY
        rules.append(
            Rule(
                code=module.CODE,
                name=module.NAME,
                severity=severity,
                enabled_severity=getattr(module, "ENABLED_SEVERITY", "warning")
                if severity == "off" else severity,
                scope=module.SCOPE,
                options=dict(getattr(module, "OPTIONS", {})),
                doc=(module.__doc__ or "").strip(),
                module=module,
            )
        )
    rules.sort(key=lambda r: r.code)
    return tuple(rules)


def rule_by_code(code: str) -> Rule | None:
    wanted = code.upper()
    for rule in all_rules():
        if rule.code == wanted or rule.name == code.lower():
            return rule
    return None
