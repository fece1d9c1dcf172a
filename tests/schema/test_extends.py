"""``extends: session`` with additions: one verb or tag without copying the schema (#10 item 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write_vault
from tests.references.conftest import lint_findings
from vaultkit.config import load_config
from vaultkit.schema import load_schemas
from vaultkit.yamlfile import UsageError

SESSION = (
    "## tl;dr\nx\n\n## Context\nx\n\n## Done\nx\n\n## Learned\nx\n\n## Next?\nx\n\n## Log\n"
    "- [revisit(@a)]\n  - [todo -> reread the appendix]\n- [skim(@a)]\n"
)


def vault(tmp_path: Path, schema: str) -> Path:
    return write_vault(tmp_path, {
        ".vaultkit.yaml": "schemas: schemas/\n", "schemas/mine.yaml": schema,
        "references.bib": "@misc{a}\n", "sessions/2023-03-14.md": SESSION,
    })


def test_extending_adds_a_verb_and_a_tag_and_keeps_the_rest(tmp_path: Path) -> None:
    root = vault(tmp_path, "extends: session\nlog: {verbs: [revisit]}\ntags: {todo: a task}\n")
    schemas = {s.name: s for s in load_schemas(load_config(None, root), root)}
    session = schemas["session"]  # replaced in place, not applied beside the built-in
    assert list(schemas) == ["paper", "session"]
    assert session.verbs[-1] == "revisit" and "skim" in session.verbs
    assert "todo" in session.tag_names and "eureka" in session.tag_names
    assert [s.title for s in session.sections][:2] == ["tl;dr", "Context"]
    assert [(f.span.line, f.code) for f in lint_findings(root, ("VK1",))] == []


def test_without_extending_the_same_note_has_two_unknown_tags(tmp_path: Path) -> None:
    root = vault(tmp_path, "name: other\napplies-to: {paths: [nothing/**]}\n")
    assert [(f.span.line, f.span.column, f.code) for f in lint_findings(root, ("VK107",))] == [
        (17, 3, "VK107"), (18, 5, "VK107")]


def test_sections_of_the_same_title_are_replaced_others_added(tmp_path: Path) -> None:
    root = vault(tmp_path, (
        "extends: session\nname: my-session\napplies-to: {paths: [reading/**]}\n"
        "sections:\n  - {title: Next?, required: false}\n  - {title: Quotes}\n"))
    mine = {s.name: s for s in load_schemas(load_config(None, root), root)}["my-session"]
    titles = [(s.title, s.required) for s in mine.sections]
    assert ("Next?", False) in titles and titles[-1] == ("Quotes", False)
    assert len(titles) == 7


def test_extending_an_unknown_schema_is_a_usage_error(tmp_path: Path) -> None:
    root = vault(tmp_path, "extends: sesion\nlog: {verbs: [revisit]}\n")
    with pytest.raises(UsageError, match=r"schemas/mine.yaml:1:1: extends: no built-in schema "
                                         r"'sesion' \(did you mean 'session'\?\)"):
        load_schemas(load_config(None, root), root)


def test_a_mistake_in_the_additions_is_still_reported(tmp_path: Path) -> None:
    root = vault(tmp_path, "extends: session\nlog: {verbz: [revisit]}\n")
    with pytest.raises(UsageError, match="unknown key 'verbz'"):
        load_schemas(load_config(None, root), root)
