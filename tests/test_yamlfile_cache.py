"""A config or schema file read before is not parsed again (vaultkit.yamlfile.load_yaml):
its data and key spans are kept by its bytes in the cache folder, when JSON gives them
back exactly.  Every case is compared with a fresh parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultkit import memo, yamlfile

TEXT = "name: session\nsections:\n  - name: Log\n    required: true\nlevels: [2, 3]\n"


def refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "_parse", lambda text, name: (_ for _ in ()).throw(
        AssertionError("parsed again")))


def fresh(path: Path) -> yamlfile.YamlDocument:
    return yamlfile._parse(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULTKIT_CACHE_DIR", str(tmp_path / "cache"))
    memo.use_files(True)


def test_a_file_read_before_is_not_parsed_again(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(TEXT, encoding="utf-8")
    first = yamlfile.load_yaml(path)
    assert first == fresh(path)
    assert first.where(("sections", "0", "required")) == f"{path}:4:5"
    with monkeypatch.context() as patched:
        refuse_parsing(patched)
        again = yamlfile.load_yaml(path, "rules/s.yaml")
    assert again == yamlfile.YamlDocument("rules/s.yaml", first.data, first.key_spans)
    path.write_text(TEXT.replace("Log", "Done"), encoding="utf-8")  # new bytes: parsed
    assert yamlfile.load_yaml(path).data["sections"][0]["name"] == "Done"


@pytest.mark.parametrize("text", ["1: one\n", "s: !!set {a: null}\n", "x: .nan\n", "x: [.inf]\n"],
                         ids=["int key", "set", "nan", "inf"])
def test_data_json_would_change_are_not_kept(tmp_path: Path, monkeypatch, text: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    yamlfile.load_yaml(path)
    with monkeypatch.context() as patched:
        refuse_parsing(patched)
        with pytest.raises(AssertionError, match="parsed again"):
            yamlfile.load_yaml(path)


def test_no_cache_reads_and_keeps_nothing(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(TEXT, encoding="utf-8")
    memo.use_files(False)
    try:
        yamlfile.load_yaml(path)
        assert not (tmp_path / "cache").exists()
        memo.use_files(True)
        yamlfile.load_yaml(path)  # kept now
        memo.use_files(False)
        with monkeypatch.context() as patched:
            refuse_parsing(patched)
            with pytest.raises(AssertionError, match="parsed again"):
                yamlfile.load_yaml(path)
    finally:
        memo.use_files(True)


def test_a_damaged_kept_file_means_parse_again(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(TEXT, encoding="utf-8")
    expected = yamlfile.load_yaml(path)
    kept = list((tmp_path / "cache" / "results").iterdir())
    assert len(kept) == 1
    for damage in (b"", b'{"data": 1}', kept[0].read_bytes()[:20], b'{"data": {}, "spans": [[["a"], [1]]]}'):
        kept[0].write_bytes(damage)
        assert yamlfile.load_yaml(path) == expected == fresh(path)
        yamlfile.load_yaml(path)  # and kept again, whole


def test_an_error_is_never_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(yamlfile.UsageError, match="duplicate key 'a'"):
            yamlfile.load_yaml(path)
    assert not (tmp_path / "cache" / "results").exists()
