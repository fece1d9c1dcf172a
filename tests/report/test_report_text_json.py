"""The text and JSON reporters on hand-made findings (no vault needed)."""

from __future__ import annotations

import json

from vaultkit.report import ReportContext, get_reporter, statistics, summary

from report_helpers import finding

JSON_FIELDS = {"path", "line", "column", "end_line", "end_column", "code", "rule", "severity",
               "message", "fixable"}


def ctx(**kw) -> ReportContext:
    return ReportContext(vault_root="/nonexistent/vault", notes_checked=3, **kw)


# -- text ---------------------------------------------------------------------------


def test_text_one_line_per_finding(findings):
    out = get_reporter("text")(findings, ctx())
    lines = out.splitlines()
    assert lines[0] == ("sessions/2023-02-08.md:5:28: VK203 unresolved link '2023-01-01': "
                        "no such note")
    assert lines[1].startswith("sessions/2023-02-24.md:26:9: VK201 unknown citekey")
    assert lines[1].endswith("(did you mean @huLoRALowRankAdaptation2021?)")
    assert lines[-1] == "references.bib:1:1: VK210 cannot read: unbalanced braces"
    assert out.endswith("\n")
    assert "\x1b[" not in out  # plain unless asked for colour


def test_text_empty_report_is_empty():
    assert get_reporter("text")([], ctx()) == ""


def test_text_colour_and_source_snippet():
    f = finding("n.md", 2, 5, end_column=9, message="bad key")
    lines = {"n.md": ("first line", "abc @key rest")}
    plain = get_reporter("text")([f], ctx(show_source=True, lines=lambda p: lines[p]))
    assert plain.splitlines() == [
        "n.md:2:5: VK201 bad key",
        "    2 | abc @key rest",
        "        " + " " * 4 + "^^^^",
    ]
    coloured = get_reporter("text")([f], ctx(color=True, show_source=True,
                                              lines=lambda p: lines[p]))
    assert "\x1b[" in coloured
    assert "abc @key rest" in coloured


def test_text_snippet_skipped_when_no_source():
    f = finding("asset/x.png", 1, 1, end_column=1)
    out = get_reporter("text")([f], ctx(show_source=True, lines=lambda p: ()))
    assert out == "asset/x.png:1:1: VK201 unknown citekey @smith2021\n"


# -- JSON ---------------------------------------------------------------------------


def test_json_exact_field_set(findings):
    data = json.loads(get_reporter("json")(findings, ctx()))
    assert isinstance(data, list) and len(data) == len(findings)
    for obj in data:
        assert set(obj) == JSON_FIELDS
    assert data[0] == {
        "path": "sessions/2023-02-08.md", "line": 5, "column": 28, "end_line": 5,
        "end_column": 42, "code": "VK203", "rule": "unresolved-link", "severity": "warning",
        "message": "unresolved link '2023-01-01': no such note", "fixable": False,
    }
    assert data[3]["fixable"] is True


def test_json_types_and_non_ascii(findings):
    out = get_reporter("json")(findings, ctx())
    assert "注意" in out  # kept as written, not \u-escaped
    for obj in json.loads(out):
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(obj[key], int) and obj[key] >= 1
        assert obj["severity"] in ("error", "warning", "info")
        assert isinstance(obj["fixable"], bool)
    multi = json.loads(out)[2]
    assert (multi["line"], multi["column"], multi["end_line"], multi["end_column"]) == (3, 2, 5, 4)


def test_json_empty_report():
    assert json.loads(get_reporter("json")([], ctx())) == []


def test_json_exact_text(findings):
    # the whole document, literally: field order, indentation, non-ASCII kept, escapes
    assert get_reporter("json")(findings[2:], ctx()) == """\
[
  {
    "path": "papers/@vaswani 注意.md",
    "line": 3,
    "column": 2,
    "end_line": 5,
    "end_column": 4,
    "code": "VK204",
    "rule": "link-case-mismatch",
    "severity": "info",
    "message": "case differs: 50% off,\\nsee\\r",
    "fixable": false
  },
  {
    "path": "references.bib",
    "line": 1,
    "column": 1,
    "end_line": 1,
    "end_column": 1,
    "code": "VK210",
    "rule": "bibliography-invalid",
    "severity": "error",
    "message": "cannot read: unbalanced braces",
    "fixable": true
  }
]
"""


# -- summary and statistics ------------------------------------------------------------


def test_summary_lines(findings):
    assert summary([], 1) == "All clear: 1 note checked, no findings."
    assert summary(findings, 12) == "Found 2 errors, 1 warning, 1 info in 4 files (12 notes checked)."


def test_statistics_one_line_per_rule(findings):
    extra = finding("sessions/x.md", 1, 1)
    out = statistics(findings + [extra]).splitlines()
    assert out == [
        "2  VK201  dangling-citekey",
        "1  VK203  unresolved-link",
        "1  VK204  link-case-mismatch",
        "1  VK210  bibliography-invalid",
    ]
