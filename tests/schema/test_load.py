"""Loading the shipped schemas, and a vault's folder adding or overriding them."""

from __future__ import annotations

import pickle
from msgspec.structs import replace
from pathlib import Path

import pytest

from vaultkit.config import Config
from vaultkit.index.collect import SessionSpec
from vaultkit.schema import Schema, builtin_rules_dir, load_schemas
from vaultkit.yamlfile import UsageError

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "schema"


def by_name(schemas: tuple[Schema, ...]) -> dict[str, Schema]:
    return {s.name: s for s in schemas}


def test_builtin_rules_dir_is_the_repo_rules_folder_from_source() -> None:
    folder = builtin_rules_dir()
    assert (folder / "session.yaml").is_file() and (folder / "paper.yaml").is_file()
    assert folder.resolve() == (REPO / "rules").resolve()


def test_shipped_schemas(tmp_path: Path) -> None:
    schemas = by_name(load_schemas(Config(), tmp_path))
    assert set(schemas) == {"session", "paper"}
    session = schemas["session"]
    assert session.source == "rules/session.yaml"
    assert [s.title for s in session.sections] == ["tl;dr", "Context", "Done", "Learned", "Next?", "Log"]
    assert all(s.required and s.level == 2 for s in session.sections)
    assert [s.title for s in session.sections if s.empty == "report"] == ["tl;dr"]
    assert session.section_order == "strict" and session.unknown_sections == "report"
    assert session.log is not None and session.log.verbs == ("skim", "read", "deep-read")
    assert session.log.sources == ("citekey", "link")
    assert set(session.tag_names) == {"soliloquy", "question", "eureka", "hypothesize",
                                      "lesson_learned", "interrupt"}
    assert session.applies_to.paths == ("sessions/**",)
    assert session.applies_to.frontmatter == (("type", ("session",)),)
    paper = schemas["paper"]
    assert paper.frontmatter_schema is not None
    assert paper.frontmatter_schema["required"] == ["citekey", "title"]
    assert paper.applies_to.paths == ("papers/**", "papers/@*.md")


def test_schemas_are_plain_picklable_hashable_data(tmp_path: Path) -> None:
    schemas = load_schemas(Config(), tmp_path)
    assert pickle.loads(pickle.dumps(schemas)) == schemas
    assert hash(schemas) == hash(load_schemas(Config(), tmp_path))


def test_session_spec_for_the_index(tmp_path: Path) -> None:
    schemas = by_name(load_schemas(Config(), tmp_path))
    assert schemas["session"].session_spec == SessionSpec()  # the index's defaults
    assert schemas["paper"].session_spec is None


def test_config_globs_join_the_session_schema(tmp_path: Path) -> None:
    config = Config(sessions=("journal/**/*.md",), paper_notes="lit/{key}.md")
    schemas = by_name(load_schemas(config, tmp_path))
    assert schemas["session"].applies_to.paths == ("sessions/**", "journal/**/*.md")
    assert schemas["paper"].applies_to.paths == ("papers/**", "lit/*.md")


def test_vault_folder_overrides_and_adds() -> None:
    config = Config(schemas="schemas")
    schemas = load_schemas(config, FIXTURES / "override")
    assert [s.name for s in schemas] == ["paper", "session", "meeting"]  # replaced in place
    session = by_name(schemas)["session"]
    assert session.source == "schemas/session.yaml"
    assert session.applies_to.paths == ("journal/**", "sessions/**")
    assert session.log is not None and session.log.verbs == ("glance", "study")
    meeting = by_name(schemas)["meeting"]
    assert meeting.applies_to.frontmatter == (("type", ("meeting", "reading-group")),)
    assert meeting.unknown_sections == "allowed"


def test_nothing_is_cached_between_calls(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "extra.yaml").write_text("applies-to: {paths: [a/**]}\n")
    assert "extra" in by_name(load_schemas(Config(schemas="schemas"), tmp_path))
    (folder / "extra.yaml").write_text("name: other\napplies-to: {paths: [a/**]}\n")
    assert "other" in by_name(load_schemas(Config(schemas="schemas"), tmp_path))


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "Daily.yml").write_text("applies-to: {paths: [daily/**]}\n")
    assert by_name(load_schemas(Config(schemas="s"), tmp_path))["Daily"].source == "s/Daily.yml"


def test_two_files_with_one_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"schemas/b\.yml:1:1: schema name 'meeting' is already used "
                                         r"by schemas/a\.yaml"):
        load_schemas(Config(schemas="schemas"), FIXTURES / "duplicate-names")


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    config = replace(Config(schemas="nope"), source=".vaultkit.yaml")
    with pytest.raises(UsageError, match=r"\.vaultkit\.yaml: schemas: folder 'nope' not found"):
        load_schemas(config, tmp_path)


def test_shipped_schemas_are_documented() -> None:
    """Every key of the schema language appears in rules/README.md."""
    from vaultkit.schema.load import META_SCHEMA

    readme = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    keys = set(META_SCHEMA["properties"])
    for value in META_SCHEMA["properties"].values():
        keys |= set(value.get("properties", {}))
        keys |= set(value.get("items", {}).get("properties", {}))
    missing = sorted(k for k in keys if f"`{k}`" not in readme)
    assert missing == []
