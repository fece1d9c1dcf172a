"""The ``vaultkit`` command through click's CliRunner, on copies of example-vault:
exit codes, formats, ``--statistics``, ``--output-file``, ``rules``, ``explain``."""

from __future__ import annotations

import json
from pathlib import Path

from vaultkit import __version__
from vaultkit.checks import all_rules
from vaultkit.cli import main

from report_helpers import PLANTED

SUMMARY_PREFIXES = ("Found ", "All clear: ")


def lint(runner, *args: str):
    return runner.invoke(main, ["lint", *args], catch_exceptions=False)


def json_findings(runner, vault: Path, *args: str) -> list[dict]:
    result = lint(runner, str(vault), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


# -- exit codes ---------------------------------------------------------------------


def test_example_vault_reports_the_planted_problems(runner, example_vault):
    result = lint(runner, str(example_vault), "--format", "json")
    assert result.exit_code == 1, result.stderr
    found = json.loads(result.stdout)
    got = {(f["path"], f["line"], f["column"], f["code"]) for f in found}
    expected = {p for p in PLANTED if p[1] is not None}
    assert got - {g for g in got if g[3] == "VK101"} == expected
    assert {(f["path"], f["code"]) for f in found if f["code"] == "VK101"} == {
        (p[0], "VK101") for p in PLANTED if p[1] is None}
    assert "VK207" not in {f["code"] for f in found}  # off by default
    assert result.stderr.strip().startswith("Found ")


def test_text_report_on_example_vault(runner, example_vault):
    result = lint(runner, str(example_vault))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "sessions/2023-04-05.md:7:69: VK201 " in result.stdout
    assert lines[-1].startswith("Found ") and "errors" in lines[-1]
    # the planted VK101 has a safe fix; the planted VK107 and VK201 typos unsafe ones
    assert lines[-1].endswith(" checked). Bibliography: references.bib (19 entries). "
                              "[*] 1 fixable with --fix (2 more with --unsafe-fixes).")
    assert "\x1b[" not in result.stdout  # not a terminal: plain


def test_clean_vault_exits_0(runner, clean_vault):
    result = lint(runner, str(clean_vault))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("All clear: ") and "no findings" in result.stdout


def test_strict_makes_warnings_fail(runner, clean_vault):
    note = clean_vault / "sessions" / "2023-02-13.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("- Follow-up of [[2023-02-08]].",
                                 "- Follow-up of [[2023-02-08]] and [[no-such-note]]."),
                    encoding="utf-8")
    found = json_findings(runner, clean_vault)
    assert [(f["code"], f["severity"]) for f in found] == [("VK203", "warning")]
    assert lint(runner, str(clean_vault)).exit_code == 0
    assert lint(runner, str(clean_vault), "--strict").exit_code == 1


def test_only_the_given_paths_are_reported(runner, example_vault):
    clean = example_vault / "sessions" / "2023-02-13.md"
    result = lint(runner, str(clean))
    assert result.exit_code == 0, result.stdout
    assert "All clear: 1 note checked" in result.stdout
    one = example_vault / "sessions" / "2023-02-24.md"
    result = lint(runner, str(one), "--format", "json")
    assert result.exit_code == 1
    assert {(f["path"], f["line"], f["code"]) for f in json.loads(result.stdout)} == {
        ("sessions/2023-02-24.md", 26, "VK201"), ("sessions/2023-02-24.md", 22, "VK211")}


def test_unknown_select_is_a_usage_error(runner, example_vault):
    result = lint(runner, str(example_vault), "--select", "XX9")
    assert result.exit_code == 2
    assert "XX9" in result.stderr
    assert result.stdout == ""


def test_bad_config_key_is_a_usage_error(runner, example_vault):
    (example_vault / ".vaultkit.yaml").write_text("select: [VK2]\nignre: [VK209]\n",
                                                  encoding="utf-8")
    result = lint(runner, str(example_vault))
    assert result.exit_code == 2
    assert ".vaultkit.yaml:2:" in result.stderr
    assert "ignre" in result.stderr and "did you mean 'ignore'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_config_type_is_a_usage_error(runner, example_vault):
    (example_vault / ".vaultkit.yaml").write_text("severity: {VK105: loud}\n", encoding="utf-8")
    result = lint(runner, str(example_vault))
    assert result.exit_code == 2
    assert ".vaultkit.yaml:1:" in result.stderr


def test_vault_not_a_directory(runner, tmp_path):
    missing = tmp_path / "nowhere"
    result = lint(runner, "--vault", str(missing))
    assert result.exit_code == 2
    assert "not a directory" in result.stderr
    afile = tmp_path / "file.md"
    afile.write_text("x\n")
    assert lint(runner, "--vault", str(afile)).exit_code == 2


# -- rules, explain, version ------------------------------------------------------------


def test_rules_lists_every_code(runner):
    result = runner.invoke(main, ["rules"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == [r.code for r in all_rules()]
    for rule in all_rules():
        assert rule.name in result.stdout
    as_json = json.loads(runner.invoke(main, ["rules", "--format", "json"]).stdout)
    assert [r["code"] for r in as_json] == [r.code for r in all_rules()]


def test_explain(runner):
    result = runner.invoke(main, ["explain", "VK201"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("VK201 dangling-citekey")
    for heading in ("What it does", "Why", "Example"):
        assert heading in out
    assert runner.invoke(main, ["explain", "dangling-citekey"]).stdout == out
    assert runner.invoke(main, ["explain", "vk201"]).stdout == out


def test_explain_every_rule(runner):
    for rule in all_rules():
        result = runner.invoke(main, ["explain", rule.code])
        assert result.exit_code == 0
        assert "What it does" in result.stdout, rule.code


def test_explain_unknown_code(runner):
    result = runner.invoke(main, ["explain", "VK999"])
    assert result.exit_code == 2
    assert "VK999" in result.stderr
    assert result.stdout == ""


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"vaultkit, version {__version__}"


# -- --statistics and --output-file -----------------------------------------------------


def expected_statistics(found: list[dict]) -> list[str]:
    counts: dict[tuple[str, str], int] = {}
    for f in found:
        counts[(f["code"], f["rule"])] = counts.get((f["code"], f["rule"]), 0) + 1
    width = max(len(str(n)) for n in counts.values())
    return [f"{n:>{width}}  {code}  {name}" for (code, name), n in sorted(counts.items())]


def test_statistics_text(runner, example_vault):
    found = json_findings(runner, example_vault)
    result = lint(runner, str(example_vault), "--statistics")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    stats = expected_statistics(found)
    assert len(stats) == len({f["code"] for f in found})
    assert any(line.split()[:2] == ["2", "VK201"] for line in stats)
    # findings, then one line per rule, then the summary
    assert lines[-1 - len(stats):-1] == stats
    assert lines[-1].startswith("Found ")


def test_statistics_json_keeps_stdout_pure(runner, example_vault):
    found = json_findings(runner, example_vault)
    result = lint(runner, str(example_vault), "--format", "json", "--statistics")
    assert json.loads(result.stdout) == found
    err = result.stderr.splitlines()
    assert set(expected_statistics(found)) <= set(err)
    assert any(line.startswith("Found ") for line in err)


def test_statistics_clean_vault_prints_no_table(runner, clean_vault):
    result = lint(runner, str(clean_vault), "--statistics")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [result.stdout.strip()]


def test_output_file_text(runner, example_vault, tmp_path):
    plain = lint(runner, str(example_vault)).stdout.splitlines()
    report = tmp_path / "report.txt"
    result = lint(runner, str(example_vault), "--output-file", str(report))
    assert result.exit_code == 1
    assert report.read_text(encoding="utf-8").splitlines() == plain[:-1]
    assert result.stdout.splitlines() == [plain[-1]]  # the summary still prints


def test_output_file_json_stdout_has_the_summary_only(runner, example_vault, tmp_path):
    found = json_findings(runner, example_vault)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    result = lint(runner, str(example_vault), "--format", "json", "--output-file", str(report))
    assert result.exit_code == 1
    assert json.loads(report.read_text(encoding="utf-8")) == found
    (line,) = result.stdout.splitlines()
    assert line.startswith(SUMMARY_PREFIXES)


def test_output_file_with_statistics(runner, example_vault, tmp_path):
    found = json_findings(runner, example_vault)
    report = tmp_path / "report.sarif"
    result = lint(runner, str(example_vault), "--format", "sarif", "--statistics",
                  "--output-file", str(report))
    assert result.exit_code == 1
    assert json.loads(report.read_text(encoding="utf-8"))["version"] == "2.1.0"
    lines = result.stdout.splitlines()
    assert set(expected_statistics(found)) <= set(lines)
    assert sum(line.startswith("Found ") for line in lines) == 1
    assert len(lines) == len(expected_statistics(found)) + 1  # no findings on stdout


def test_output_file_unwritable_is_a_usage_error(runner, example_vault, tmp_path):
    result = lint(runner, str(example_vault), "--output-file", str(tmp_path / "no" / "dir.txt"))
    assert result.exit_code == 2
    assert "--output-file" in result.stderr


def test_output_file_clean_vault_exit_0(runner, clean_vault, tmp_path):
    report = tmp_path / "r.json"
    result = lint(runner, str(clean_vault), "--format", "json", "--output-file", str(report))
    assert result.exit_code == 0
    assert json.loads(report.read_text(encoding="utf-8")) == []
    assert result.stdout.startswith("All clear: ")


# -- github and sarif through the CLI -------------------------------------------------------


def test_github_format_in_a_repository_subfolder(runner, tmp_path):
    from report_helpers import copy_example_vault

    repo = tmp_path / "repo"
    vault = copy_example_vault(repo / "notes" / "vault")
    (repo / ".git").mkdir()
    found = json_findings(runner, vault)
    result = lint(runner, str(vault), "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == len(found)
    kinds = {"error": "::error ", "warning": "::warning ", "info": "::notice "}
    for line, f in zip(lines, found):
        assert line.startswith(kinds[f["severity"]] + f"file=notes/vault/{f['path']},"
                               f"line={f['line']},")
        assert f",title={f['code']} {f['rule']}::" in line
    assert ("::error file=notes/vault/sessions/2023-04-05.md,line=7,col=69,endLine=7,"
            "endColumn=95,title=VK201 dangling-citekey::unknown citekey "
            "@smithNonexistentPaper2021") in result.stdout
    assert result.stderr.strip().startswith("Found ")


def test_sarif_format_is_valid(runner, example_vault, sarif_validator):
    found = json_findings(runner, example_vault)
    result = lint(runner, str(example_vault), "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert [e.message for e in sarif_validator.iter_errors(log)] == []
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["message"]["text"]) for r in results] == [
        (f["code"], f["message"]) for f in found]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results]
    assert [(g["startLine"], g["startColumn"], g["endLine"], g["endColumn"]) for g in regions] == [
        (f["line"], f["column"], f["end_line"], f["end_column"]) for f in found]
