"""Config file lookup (upward to the repository root), paths relative to the file, ``fail_on = "never"``,
and ``glossa config``'s report of where each setting came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import ENV_VARIABLES, find_config, resolve, resolve_with_sources
from pipeline.errors import ConfigError
from pipeline.schemas import load_schema

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent


def test_the_nearest_config_upward_is_found(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "glossa.toml").write_text('expected_language = "de"\n', encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / "glossa.toml"
    (tmp_path / "a" / "pyproject.toml").write_text(
        '[tool.glossa]\nexpected_language = "fr"\n', encoding="utf-8"
    )
    assert find_config(deep) == tmp_path / "a" / "pyproject.toml"
    assert resolve(env={}, cwd=deep).expected_language == "fr"


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "glossa.toml").write_text('expected_language = "de"\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(tmp_path / "sub") == tmp_path / "glossa.toml"


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "glossa.toml").write_text('expected_language = "de"\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")  # a worktree's .git is a file
    assert find_config(repo / "src") is None
    assert resolve(env={}, cwd=repo / "src").expected_language == "en"


def test_paths_in_a_config_file_are_relative_to_its_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "glossa.toml").write_text('glossary = ["g.toml"]\nmodels_dir = "models"\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    settings = resolve(env={}, cwd=tmp_path / "sub")
    assert settings.glossaries == (tmp_path / "g.toml",)
    assert settings.models_dir == tmp_path / "models"
    # a variable's relative path stays relative to the working directory
    assert resolve(env={"GLOSSA_MODELS_DIR": "m"}, cwd=tmp_path / "sub").models_dir == Path("m")


@pytest.mark.parametrize("value", ["never", "NEVER", "error", "info"])
def test_fail_on_accepts_what_the_flag_accepts(tmp_path: Path, value: str) -> None:
    (tmp_path / "glossa.toml").write_text(f'fail_on = "{value}"\n', encoding="utf-8")
    assert str(resolve(env={}, cwd=tmp_path).fail_on) == value.lower()
    assert str(resolve(env={"GLOSSA_FAIL_ON": value}, cwd=tmp_path).fail_on) == value.lower()


def test_a_bad_fail_on_names_the_choices_and_the_file(tmp_path: Path) -> None:
    (tmp_path / "glossa.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"info, warning, error or never.*glossa\.toml"):
        resolve(env={}, cwd=tmp_path)


def test_sources_name_each_layer(tmp_path: Path) -> None:
    (tmp_path / "glossa.toml").write_text('expected_language = "de"\njobs = 2\n', encoding="utf-8")
    resolved = resolve_with_sources({"jobs": 3}, env={"GLOSSA_FIELD": "body"}, cwd=tmp_path)
    assert resolved.sources["expected_language"] == f"file {tmp_path / 'glossa.toml'}"
    assert resolved.sources["jsonl_field"] == "env GLOSSA_FIELD"
    assert resolved.sources["jobs"] == "flag"
    assert resolved.sources["min_chars"] == "default"
    assert resolved.config_file == tmp_path / "glossa.toml"


def test_glossa_config_table_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "glossa.toml").write_text('fail_on = "never"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GLOSSA_EXPECT", "fr")
    table = runner.invoke(app, ["config"])
    assert table.exit_code == 0, table.output
    rows = {line.split()[0]: line for line in table.stdout.splitlines()[2:]}
    assert rows["fail_on"].split()[1:] == ["never", "file", str(tmp_path / "glossa.toml")]
    assert rows["expected_language"].split()[1:] == ["fr", "env", "GLOSSA_EXPECT"]
    data = json.loads(runner.invoke(app, ["config", "-f", "json"]).stdout)
    Draft202012Validator(load_schema("glossa.config/1")).validate(data)
    by_name = {s["name"]: s for s in data["settings"]}
    assert by_name["fail_on"] == {
        "name": "fail_on",
        "value": "never",
        "source": f"file {tmp_path / 'glossa.toml'}",
        "env": "GLOSSA_FAIL_ON",
    }


def test_glossa_config_reports_an_invalid_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GLOSSA_JOBS", "0")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 2
    assert "GLOSSA_JOBS" in result.output


def test_every_variable_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for variable in ENV_VARIABLES.values():
        assert f"`{variable}`" in readme, variable
