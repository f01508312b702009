"""Glossa installs and runs models without argostranslate, torch or Stanza, and leaves process state alone.

argostranslate is the ``argos`` extra (only the comparison benchmark imports it): a plain ``pip install``
does not have it, so ``glossa models`` must never reach for it, nor for its settings module, which creates
folders and reads the environment when imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.translation.packages import argos_packages_dir

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("argostranslate", "torch", "stanza", "spacy")

runner = CliRunner()


def test_models_commands_run_with_argostranslate_torch_and_stanza_unimportable(
    argos_copy_archive: Path, tmp_path: Path
) -> None:
    """As after a plain ``pip install``: importing any of them fails, and nothing even tries."""
    home = tmp_path / "home"
    home.mkdir()
    models = tmp_path / "models"
    script = textwrap.dedent(
        f"""
        import contextlib, io, os, sys
        tried = []

        class Absent:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {HEAVY!r}:
                    tried.append(name)
                    raise ImportError(f"{{name}} is not installed")
                return None

        sys.meta_path.insert(0, Absent())
        env = dict(os.environ)
        from pipeline.cli import app
        for args in (
            ["models", "install", {str(argos_copy_archive)!r}, "--models-dir", {str(models)!r}],
            ["models", "list", "--models-dir", {str(models)!r}],
            ["models", "verify", "--models-dir", {str(models)!r}],
        ):
            with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()) as out:
                app(args)
            print(args[1], out.getvalue().strip().splitlines()[-1:])
        print("TRIED", tried)
        print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r}))
        print("ENV CHANGED", dict(os.environ) != env)
        try:
            import argostranslate.package
        except ImportError:
            print("BLOCKER WORKS", tried)
        """
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ARGOS_", "SNAP"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**clean, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "TRIED []" in result.stdout
    assert "LOADED []" in result.stdout
    assert "ENV CHANGED False" in result.stdout
    assert "verify ['ru-en 1.0: ok']" in result.stdout
    assert "BLOCKER WORKS ['argostranslate']" in result.stdout
    assert [p.name for p in models.iterdir()] == ["translate-ru_en-1_0"]
    assert list(home.iterdir()) == []  # no argos-translate data, config or cache folder was made


def test_argostranslate_is_an_extra_and_every_pin_is_exact() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [d.split("==")[0] for d in project["dependencies"]]
    assert not {"argostranslate", "torch", "stanza", "spacy"} & set(names)
    assert {"ctranslate2", "sentencepiece"} <= set(names)
    assert project["optional-dependencies"]["argos"] == ["argostranslate==1.11.0"]
    for group in (project["dependencies"], *project["optional-dependencies"].values()):
        for requirement in group:
            assert "==" in requirement, requirement
    extras = project["optional-dependencies"]
    assert set(extras["ray"]) <= set(extras["dev"])  # CI's Ray tests run the pinned Ray


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return home


def test_argos_packages_dir_defaults_to_argospm_folder(tmp_path: Path) -> None:
    home = _home(tmp_path)
    assert argos_packages_dir({}, home) == home / ".local/share/argos-translate/packages"
    assert argos_packages_dir({"XDG_DATA_HOME": "/data"}, home) == Path("/data/argos-translate/packages")
    assert list(home.iterdir()) == []  # unlike importing argostranslate.settings, nothing is created


def test_argos_packages_dir_honours_the_variable_then_the_settings_file(tmp_path: Path) -> None:
    home = _home(tmp_path)
    config = home / ".config" / "argos-translate"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({"ARGOS_PACKAGES_DIR": "/from-file"}), encoding="utf-8")
    assert argos_packages_dir({}, home) == Path("/from-file")
    assert argos_packages_dir({"ARGOS_PACKAGES_DIR": "/from-env"}, home) == Path("/from-env")
    (config / "settings.json").write_text("{not json", encoding="utf-8")
    assert argos_packages_dir({}, home) == home / ".local/share/argos-translate/packages"
    elsewhere = tmp_path / "xdg-config" / "argos-translate"
    elsewhere.mkdir(parents=True)
    (elsewhere / "settings.json").write_text('{"ARGOS_PACKAGES_DIR": "/xdg"}', encoding="utf-8")
    assert argos_packages_dir({"XDG_CONFIG_HOME": str(tmp_path / "xdg-config")}, home) == Path("/xdg")


def test_argos_packages_dir_under_snap(tmp_path: Path) -> None:
    env = {"SNAP": "/snap/x", "SNAP_USER_DATA": str(tmp_path / "snap")}
    expected = tmp_path / "snap/.local/share/argos-translate/packages"
    assert argos_packages_dir(env, tmp_path / "home") == expected


def test_matches_argostranslate_settings_when_it_is_installed(tmp_path: Path) -> None:
    """Where the ``argos`` extra is installed, compare with argostranslate's own answer (in a child)."""
    pytest.importorskip("argostranslate")
    home = _home(tmp_path)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ARGOS_", "SNAP"))}
    for extra in ({}, {"XDG_DATA_HOME": str(tmp_path / "d")}, {"ARGOS_PACKAGES_DIR": str(tmp_path / "p")}):
        env = {**clean, "HOME": str(home), **extra}
        out = subprocess.run(
            [sys.executable, "-c", "import argostranslate.settings as s; print(s.package_data_dir)"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert Path(out.stdout.strip()) == argos_packages_dir(env, home)


def test_models_list_points_at_argospm_folder_when_it_holds_packages(
    argos_copy_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argos = tmp_path / "argos"
    with zipfile.ZipFile(argos_copy_archive) as zf:
        zf.extractall(argos)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos))
    result = runner.invoke(app, ["models", "list", "--models-dir", str(tmp_path / "empty")])
    assert result.exit_code == 0
    assert f"argospm's folder {argos} holds 1: pass --models-dir {argos} to use them" in result.stderr
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "nothing"))
    result = runner.invoke(app, ["models", "list", "--models-dir", str(tmp_path / "empty")])
    assert "argospm" not in result.stderr
