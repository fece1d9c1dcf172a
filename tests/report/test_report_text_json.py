"""The text and JSON reporters on hand-made findings (no vault needed)."""

from __future__ import annotations

import json

from msgspec.structs import replace

from vaultkit.model import Edit, Fix, Span
from vaultkit.report import ReportContext, fix_summary, get_reporter, statistics, summary

from report_helpers import finding

JSON_FIELDS = {"path", "line", "column", "end_line", "end_column", "code", "rule", "severity",
               "message", "fixable", "fix"}


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
        "VK201 bad key",
        " --> n.md:2:5",
        "  |",
        "2 | abc @key rest",
        "  |     ^^^^",
        "  |",
        "",
    ]
    coloured = get_reporter("text")([f], ctx(color=True, show_source=True,
                                              lines=lambda p: lines[p]))
    assert "\x1b[" in coloured
    assert "abc @key rest" in coloured


def test_text_block_marks_fixable_and_shows_help():
    safe = Fix("Replace with @key2", (Edit(Span(2, 5, 2, 9), "@key2"),))
    unsafe = Fix("Replace with 'skim'", (Edit(Span(1, 2, 1, 7), "skim"),), "unsafe")
    lines = {"n.md": ("[skimm(@a)] 注意 x", "abc @key rest")}
    found = [replace(finding("n.md", 1, 2, end_column=7, message="unknown tag"), fix=unsafe),
             replace(finding("n.md", 2, 5, end_column=9, message="bad key"), fix=safe),
             finding("n.md", 1, 16, end_column=17, message="after wide", suggestion="@b")]
    out = get_reporter("text")(found, ctx(show_source=True, lines=lambda p: lines[p]))
    blocks = out.split("\n\n")
    assert blocks[0].splitlines()[0] == "VK201 unknown tag"  # unsafe: no [*] without the flag
    assert blocks[0].splitlines()[-1] == "help: Replace with 'skim' (unsafe: --unsafe-fixes)"
    assert blocks[1].splitlines()[0] == "VK201 [*] bad key"
    assert blocks[1].splitlines()[-1] == "help: Replace with @key2"
    # 15 characters before the span, two of them wide: the caret is 17 columns in
    assert blocks[2].splitlines()[4] == "  | " + " " * 17 + "^"
    assert blocks[2].splitlines()[-1] == "help: did you mean @b?"
    with_unsafe = get_reporter("text")(found, ctx(show_source=True, lines=lambda p: lines[p],
                                                  unsafe_fixes=True))
    assert with_unsafe.startswith("VK201 [*] unknown tag")


def test_pipe_lines_never_carry_the_fix_marker():
    fixed = replace(finding("n.md", 2, 5, end_column=9, message="bad key"),
                    fix=Fix("Replace", (Edit(Span(2, 5, 2, 9), "@k"),)))
    assert get_reporter("text")([fixed], ctx()) == "n.md:2:5: VK201 bad key\n"


def test_fix_summary_counts_safe_and_hidden():
    safe = replace(finding(), fix=Fix("a", (Edit(Span(1, 1, 1, 2), "x"),)))
    unsafe = replace(finding(), fix=Fix("b", (Edit(Span(1, 1, 1, 2), "y"),), "unsafe"))
    assert fix_summary([finding()]) == ""
    assert fix_summary([safe, unsafe, safe]) == "[*] 2 fixable with --fix (1 more with --unsafe-fixes)."
    assert fix_summary([safe, unsafe], unsafe_fixes=True) == "[*] 2 fixable with --fix --unsafe-fixes."
    assert fix_summary([unsafe]) == "No fix with --fix (1 with --unsafe-fixes)."


def test_text_snippet_skipped_when_no_source():
    f = finding("asset/x.png", 1, 1, end_column=1)
    out = get_reporter("text")([f], ctx(show_source=True, lines=lambda p: ()))
    assert out == "VK201 unknown citekey @smith2021\n --> asset/x.png:1:1\n\n"


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
        "fix": None,
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


def test_json_fix_object():
    fix = Fix("Cite it: @k", (Edit(Span(3, 5, 3, 8), "@k"), Edit(Span(4, 1, 4, 1), "x\n")), "unsafe")
    obj = json.loads(get_reporter("json")([replace(finding(), fixable=True, fix=fix)], ctx()))[0]
    assert obj["fixable"] is True
    assert obj["fix"] == {
        "applicability": "unsafe", "message": "Cite it: @k",
        "edits": [{"line": 3, "column": 5, "end_line": 3, "end_column": 8, "content": "@k"},
                  {"line": 4, "column": 1, "end_line": 4, "end_column": 1, "content": "x\n"}],
    }


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
    "fixable": false,
    "fix": null
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
    "fixable": true,
    "fix": null
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
