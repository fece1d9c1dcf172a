"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run.  ``tool.driver.rules`` describes every vaultkit rule (so ``ruleIndex`` is
stable from one report to the next): id, name, the summary as ``shortDescription``,
the "What it does" paragraph as ``fullDescription``, the whole docstring as ``help``,
and the default level (``enabled: false`` for an off-by-default rule).

Locations are relative: ``artifactLocation.uri`` is the file's path from the root of
the git work tree that holds the vault (the vault's own folder is put in front when the
vault is a subfolder -- GitHub code scanning wants repository paths), or from the vault
root outside git, with ``uriBaseId: "%SRCROOT%"``; ``originalUriBaseIds`` says where
``%SRCROOT%`` is on this machine.  Columns count Unicode code points
(``columnKind: "unicodeCodePoints"``), and ``endColumn`` is exclusive, as in vaultkit.

A finding with a fix gets SARIF's ``fixes``: one fix (its title as ``description``, its
applicability, ``safe`` or ``unsafe``, under ``properties``) whose ``replacements`` are the
fix's edits in the finding's file -- ``deletedRegion`` the span (empty for an insertion)
and ``insertedContent`` the new text, with ``\n`` line breaks (vaultkit writes the file's
own line ending when it applies a fix).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from vaultkit import __version__
from vaultkit.jsontext import dumps_indented
from vaultkit.model import Finding, Fix, Span
from vaultkit.report import ReportContext
from vaultkit.report.github import find_git_root, repo_path, repo_prefix

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}


def _what_it_does(doc: str) -> str:
    """The paragraph under the docstring's "What it does" heading, joined into one line."""
    lines = [line.strip() for line in doc.splitlines()]
    for i, line in enumerate(lines):
        if line.lower().lstrip("# ").startswith("what it does"):
            paragraph: list[str] = []
            for text in lines[i + 1 :]:
                if not text:
                    if paragraph:
                        break
                    continue
                if text.startswith("#"):
                    break
                paragraph.append(text)
            return " ".join(paragraph)
    return ""


def _help_text(doc: str) -> str:
    """The docstring below its title line (the part ``vaultkit explain`` prints)."""
    body = doc.split("\n", 1)[1] if "\n" in doc else doc
    return body.strip() or doc.strip()


def rule_descriptor(rule: Any) -> dict[str, Any]:
    enabled = rule.severity != "off"
    level = LEVELS.get(rule.severity if enabled else rule.enabled_severity, "warning")
    doc = rule.doc or rule.name
    summary = rule.summary or rule.name
    full = _what_it_does(doc) or summary
    help_text = _help_text(doc)
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": level},
        "properties": {"scope": rule.scope},
    }
    if not enabled:
        descriptor["defaultConfiguration"]["enabled"] = False
    return descriptor


def _descriptors(findings: list[Finding]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    from vaultkit.checks import all_rules

    descriptors = [rule_descriptor(rule) for rule in all_rules()]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    for f in findings:  # a code from outside the registry still gets a descriptor
        if f.code not in index:
            index[f.code] = len(descriptors)
            descriptors.append({"id": f.code, "name": f.rule,
                                "shortDescription": {"text": f.rule}})
    return descriptors, index


def _base_uri(vault_root: str) -> str:
    root = Path(vault_root).resolve()
    base = find_git_root(root) or root
    uri = base.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _region(span: Span) -> dict[str, Any]:
    return {
        "startLine": max(span.line, 1),
        "startColumn": max(span.column, 1),
        "endLine": max(span.end_line, span.line, 1),
        "endColumn": max(span.end_column, 1),
    }


def _fix(fix: Fix, artifact: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": {"text": fix.title},
        "artifactChanges": [{
            "artifactLocation": artifact,
            "replacements": [{"deletedRegion": _region(edit.span),
                              "insertedContent": {"text": edit.text}} for edit in fix.edits],
        }],
        "properties": {"applicability": fix.applicability},
    }


def _result(f: Finding, prefix: str, index: dict[str, int]) -> dict[str, Any]:
    artifact = {"uri": quote(repo_path(f.path, prefix), safe="/@+,;=~!$&'()*"),
                "uriBaseId": SRCROOT}
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": LEVELS.get(f.severity, "warning"),
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {"artifactLocation": dict(artifact), "region": _region(f.span)},
        }],
    }
    if f.fix is not None:
        result["fixes"] = [_fix(f.fix, dict(artifact))]
    if f.fixable or f.suggestion:
        result["properties"] = {"fixable": f.fixable}
        if f.suggestion:
            result["properties"]["suggestion"] = f.suggestion
    return result


def to_sarif(findings: list[Finding], ctx: ReportContext) -> dict[str, Any]:
    descriptors, index = _descriptors(findings)
    prefix = repo_prefix(ctx.vault_root)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "vaultkit",
                "version": __version__,
                "rules": descriptors,
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": _base_uri(ctx.vault_root)}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, prefix, index) for f in findings],
        }],
    }


def render(findings: list[Finding], ctx: ReportContext) -> str:
    return dumps_indented(to_sarif(findings, ctx)) + "\n"
