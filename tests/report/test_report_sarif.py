"""``--format sarif``: SARIF 2.1.0, validated against the official OASIS JSON schema
(vendored in tests/fixtures/sarif/, see its README)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vaultkit import __version__
from vaultkit.checks import all_rules
from vaultkit.report import ReportContext, get_reporter
from vaultkit.report.github import find_git_root

from report_helpers import finding


def sarif(findings, vault_root: Path | str) -> dict:
    out = get_reporter("sarif")(findings, ReportContext(vault_root=str(vault_root),
                                                        notes_checked=1))
    assert out.endswith("\n")
    return json.loads(out)


def errors(validator, log: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(log)]


def test_valid_against_the_official_schema(findings, tmp_path, sarif_validator):
    assert errors(sarif_validator, sarif(findings, tmp_path)) == []


def test_empty_report_is_valid(tmp_path, sarif_validator):
    log = sarif([], tmp_path)
    assert errors(sarif_validator, log) == []
    assert log["runs"][0]["results"] == []


def test_the_validator_catches_mistakes(findings, tmp_path, sarif_validator):
    # The schema is really applied: a broken log does not pass.
    log = sarif(findings, tmp_path)
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    assert len(errors(sarif_validator, log)) == 2


def test_log_and_driver(findings, tmp_path):
    log = sarif(findings, tmp_path)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "vaultkit"
    assert driver["version"] == __version__
    assert run["columnKind"] == "unicodeCodePoints"


def test_rules_describe_every_rule(tmp_path):
    driver = sarif([], tmp_path)["runs"][0]["tool"]["driver"]
    by_id = {r["id"]: r for r in driver["rules"]}
    assert [r["id"] for r in driver["rules"]] == [rule.code for rule in all_rules()]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule in all_rules():
        d = by_id[rule.code]
        assert d["name"] == rule.name
        assert d["shortDescription"]["text"] == rule.summary
        assert d["fullDescription"]["text"]
        assert "What it does" in d["help"]["text"] and d["help"]["markdown"] == d["help"]["text"]
        if rule.severity == "off":
            assert d["defaultConfiguration"]["enabled"] is False
            assert d["defaultConfiguration"]["level"] == levels[rule.enabled_severity]
        else:
            assert d["defaultConfiguration"]["level"] == levels[rule.severity]
            assert "enabled" not in d["defaultConfiguration"]


def test_results(findings, tmp_path):
    run = sarif(findings, tmp_path)["runs"][0]
    results = run["results"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["ruleId"] for r in results] == ["VK203", "VK201", "VK204", "VK210"]
    assert [r["level"] for r in results] == ["warning", "error", "note", "error"]
    for r, f in zip(results, findings):
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["message"]["text"] == f.message
        (loc,) = r["locations"]
        region = loc["physicalLocation"]["region"]
        assert region == {"startLine": f.span.line, "startColumn": f.span.column,
                          "endLine": f.span.end_line, "endColumn": f.span.end_column}
        assert loc["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert results[1]["properties"] == {"fixable": False,
                                        "suggestion": "@huLoRALowRankAdaptation2021"}
    assert results[3]["properties"] == {"fixable": True}
    assert "properties" not in results[0]


def test_uris_are_relative_and_percent_encoded(findings, tmp_path):
    if find_git_root(tmp_path) is not None:
        pytest.skip("the temporary folder is itself inside a git work tree")
    run = sarif(findings + [finding("notes/a:b.md")], tmp_path)["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]]
    assert uris == ["sessions/2023-02-08.md", "sessions/2023-02-24.md",
                    "papers/@vaswani%20%E6%B3%A8%E6%84%8F.md", "references.bib",
                    "notes/a%3Ab.md"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == tmp_path.resolve().as_uri() + "/"


def test_uris_from_the_repository_root(tmp_path, sarif_validator):
    repo = tmp_path / "repo"
    vault = repo / "vaults" / "reading"
    vault.mkdir(parents=True)
    (repo / ".git").mkdir()
    log = sarif([finding("sessions/a.md")], vault)
    run = log["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "vaults/reading/sessions/a.md"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    assert errors(sarif_validator, log) == []


def test_unknown_code_gets_a_descriptor(tmp_path, sarif_validator):
    log = sarif([finding(code="VK999", rule="from-a-plugin", severity="warning")], tmp_path)
    run = log["runs"][0]
    result = run["results"][0]
    descriptor = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert descriptor["id"] == "VK999" and descriptor["name"] == "from-a-plugin"
    assert errors(sarif_validator, log) == []


def test_fixes_carry_the_edits_and_apply_to_the_same_text(example_vault, runner, sarif_validator):
    """Through the CLI on example-vault: a fixable finding's SARIF ``fixes`` hold the very
    edits ``--fix`` applies (a viewer applying them gets what vaultkit writes)."""
    from vaultkit.cli import main

    note = example_vault / "sessions" / "2023-03-14.md"
    text = note.read_text(encoding="utf-8")
    assert "\n## Learned\n" in text
    note.write_text(text.replace("\n## Learned\n", "\n#### Learned\n", 1), encoding="utf-8")
    result = runner.invoke(main, ["lint", "--format", "sarif", "--select", "VK109",
                                  str(note)], catch_exceptions=False)
    log = json.loads(result.stdout)
    assert errors(sarif_validator, log) == []
    (hit,) = log["runs"][0]["results"]
    assert hit["ruleId"] == "VK109" and hit["properties"]["fixable"] is True
    (fix,) = hit["fixes"]
    assert fix["properties"] == {"applicability": "safe"}
    assert "## Learned" in fix["description"]["text"]
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == hit["locations"][0]["physicalLocation"]["artifactLocation"]
    (replacement,) = change["replacements"]
    region = replacement["deletedRegion"]
    lines = note.read_text(encoding="utf-8").splitlines()
    line = lines[region["startLine"] - 1]
    assert region["endLine"] == region["startLine"]
    before = line[: region["startColumn"] - 1]
    after = line[region["endColumn"] - 1 :]
    assert before + replacement["insertedContent"]["text"] + after == "## Learned"


def test_a_finding_without_a_fix_has_no_fixes(findings, tmp_path):
    results = sarif(findings, tmp_path)["runs"][0]["results"]
    assert all("fixes" not in r for r in results)
