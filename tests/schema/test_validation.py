"""Strict validation of schema files: every mistake is a UsageError with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultkit.config import Config
from vaultkit.schema import load_schemas
from vaultkit.yamlfile import UsageError

HEAD = "applies-to:\n  paths: [sessions/**]\n"  # lines 1-2 of every case

CASES = [
    pytest.param(HEAD + "section:\n  - title: Log\n",
                 r":3:1: unknown key 'section' in schema \(did you mean 'sections'\?\)", id="unknown-key"),
    pytest.param(HEAD + "sections:\n  - title: Log\n    requried: true\n",
                 r":5:5: unknown key 'requried' in schema \(did you mean 'required'\?\)",
                 id="unknown-section-key"),
    pytest.param("applies-to:\n  path: [a/**]\n",
                 r":2:3: unknown key 'path' in schema \(did you mean 'paths'\?\)", id="unknown-applies-key"),
    pytest.param(HEAD + "sections:\n  - title: Log\n    level: two\n",
                 r":5:5: schema: 'sections.0.level': 'two' is not of type 'integer'", id="wrong-type"),
    pytest.param(HEAD + "heading-level: 7\n", r":3:1: schema: 'heading-level': 7 is greater than",
                 id="level-range"),
    pytest.param(HEAD + "sections:\n  - title: tl;dr\n    empty: warn\n",
                 r":5:5: schema: 'sections.0.empty': 'warn' is not one of \['allowed', 'report'\]",
                 id="bad-enum"),
    pytest.param(HEAD + "sections:\n  - title: Next?\n    match: 'Next(?'\n",
                 r":5:5: schema: bad regular expression 'Next\(\?'", id="bad-regex"),
    pytest.param(HEAD + "sections:\n  - title: Log\n  - title: Notes\n    aliases: [Ideas, log]\n",
                 r":6:5: schema: section name 'log' is used twice \(also in section #1\)",
                 id="section-name-twice"),
    pytest.param(HEAD + "date:\n  filename: YYYY-MM\n",
                 r":4:3: schema: date.filename 'YYYY-MM' must contain YYYY, MM and DD", id="date-fields"),
    pytest.param(HEAD + "date: {}\n", r":3:1: schema: 'date' needs 'filename' or 'frontmatter'",
                 id="date-empty"),
    pytest.param(HEAD + "sections:\n  - title: Log\nlog:\n  section: Logs\n  verbs: [skim]\n",
                 r":6:3: schema: log.section 'Logs' is not one of the sections \(did you mean 'Log'\?\)",
                 id="log-section-unknown"),
    pytest.param(HEAD + "log:\n  section: Log\n",
                 r":3:1: schema: 'log': 'verbs' is a required property", id="log-without-verbs"),
    pytest.param(HEAD + "log:\n  section: Log\n  verbs: [Skim]\n",
                 r":5:3: schema: 'log.verbs.0': 'Skim' does not match", id="verb-not-a-tag-name"),
    pytest.param(HEAD + "log:\n  section: Log\n  verbs: [skim, read, skim]\n",
                 r":5:3: schema: log.verbs lists 'skim' twice", id="verb-twice"),
    pytest.param(HEAD + "log:\n  section: Log\n  verbs: [skim]\n  sources: [doi]\n",
                 r":6:3: schema: 'log.sources.0': 'doi' is not one of", id="unknown-source-kind"),
    pytest.param(HEAD + "log:\n  section: Log\n  verbs: [skim]\n  harvest: [eurika]\ntags:\n  eureka: x\n",
                 r":6:3: schema: log.harvest names 'eurika', which is not in 'tags' "
                 r"\(did you mean 'eureka'\?\)", id="harvest-unknown-tag"),
    pytest.param(HEAD + "log:\n  section: Log\n  verbs: [skim, read]\ntags:\n  read: A verb.\n",
                 r":5:3: schema: 'read' is both a verb and a tag", id="verb-and-tag"),
    pytest.param(HEAD + "tags:\n  Bad Tag: x\n", r":3:1: schema: 'tags': 'Bad Tag' does not match",
                 id="bad-tag-name"),
    pytest.param(HEAD + "frontmatter:\n  type: object\n  properties:\n    title:\n      type: strnig\n",
                 r":7:7: schema: 'frontmatter' is not a valid JSON Schema", id="bad-json-schema"),
    pytest.param("applies-to:\n  from-config: journal\n",
                 r":2:3: schema: 'applies-to.from-config': 'journal' is not one of", id="bad-from-config"),
    pytest.param("applies-to:\n  frontmatter:\n    type: {a: 1}\n",
                 r":3:5: schema: 'applies-to.frontmatter.type'", id="frontmatter-match-not-scalar"),
    pytest.param("name: x\n", r":1:1: schema: 'top level': 'applies-to' is a required property",
                 id="no-applies-to"),
    pytest.param("", r":1:1: schema: 'top level': None is not of type 'object'", id="empty-file"),
    pytest.param(HEAD + "sections: [\n", r":4:1: invalid YAML", id="invalid-yaml"),
    pytest.param(HEAD + "sections: []\nsections: []\n",
                 r":4:1: duplicate key 'sections' \(first on line 3\)", id="duplicate-key"),
]


@pytest.mark.parametrize(("text", "error"), CASES)
def test_invalid_schema_file(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=r"^schemas/bad\.yaml" + error):
        load_schemas(Config(schemas="schemas"), tmp_path)


def test_smallest_valid_schema(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "tiny.yaml").write_text("applies-to: {paths: [x/**]}\n")
    [tiny] = [s for s in load_schemas(Config(schemas="schemas"), tmp_path) if s.name == "tiny"]
    assert (tiny.sections, tiny.log, tiny.tags, tiny.frontmatter_json) == ((), None, (), None)
