"""`glossa models` and the installer: valid packages install, unsafe or broken ones are refused first."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ModelArchiveError
from pipeline.translation.packages import (
    find_package,
    inspect_archive,
    install_package,
    list_packages,
    parse_pair,
    verify_packages,
)

runner = CliRunner()


def _snapshot(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else ["<absent>"]


def _rezip(
    src: Path, dest: Path, rename: Callable[[str], str | None], extra: dict[str, bytes] | None = None
) -> Path:
    """Copy an archive member by member, renaming (or dropping, on None) members, adding ``extra``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = rename(info.filename)
            if name is not None:
                zout.writestr(name, zin.read(info.filename))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dest


def test_install_list_verify_remove_through_the_cli(argos_copy_archive: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    result = runner.invoke(app, ["models", "install", str(argos_copy_archive), "--models-dir", str(models)])
    assert result.exit_code == 0, result.output
    assert "installed ru-en 1.0" in result.output

    result = runner.invoke(app, ["models", "list", "--format", "json", "--models-dir", str(models)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["schema"], report["count"]) == ("glossa.models-list/1", 1)
    listed = report["items"]
    assert [(p["pair"], p["version"]) for p in listed] == [("ru-en", "1.0")]
    assert listed[0]["size"] > 0
    assert Path(listed[0]["path"]).parent == models

    table = runner.invoke(app, ["models", "list", "--models-dir", str(models)])
    assert table.exit_code == 0
    assert "ru-en" in table.stdout
    assert "1.0" in table.stdout

    result = runner.invoke(app, ["models", "verify", "--models-dir", str(models)])
    assert result.exit_code == 0, result.output
    assert "ru-en 1.0: ok" in result.stdout

    result = runner.invoke(app, ["models", "remove", "ru-en", "--models-dir", str(models)])
    assert result.exit_code == 0, result.output
    assert list_packages(models) == ()


def test_glossa_home_decides_the_default_models_folder(
    argos_copy_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOSSA_HOME", str(tmp_path / "home"))
    result = runner.invoke(app, ["models", "install", str(argos_copy_archive)])
    assert result.exit_code == 0, result.output
    assert [p.pair for p in list_packages(tmp_path / "home" / "models")] == ["ru-en"]


def test_second_install_of_a_pair_is_refused_unless_replace(argos_copy_archive: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_package(argos_copy_archive, models)
    before = _snapshot(models)
    result = runner.invoke(app, ["models", "install", str(argos_copy_archive), "--models-dir", str(models)])
    assert result.exit_code == 2
    assert "already installed" in result.output
    assert "--replace" in result.output
    assert _snapshot(models) == before
    result = runner.invoke(
        app, ["models", "install", str(argos_copy_archive), "--models-dir", str(models), "--replace"]
    )
    assert result.exit_code == 0, result.output
    assert len(list_packages(models)) == 1


def test_install_leaves_no_staging_folder_and_keeps_argos_settings_inside(
    argos_copy_archive: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    package = install_package(argos_copy_archive, models)
    assert sorted(p.name for p in models.iterdir()) == [package.path.name]
    assert (package.path / "model" / "model.bin").is_file()
    assert (package.path / "sentencepiece.model").is_file()


def test_an_argospm_folder_is_used_as_it_is(argos_copy_archive: Path, tmp_path: Path) -> None:
    # argospm extracts packages into ~/.local/share/argos-translate/packages; emulate that layout.
    argos_dir = tmp_path / "argos-translate" / "packages"
    with zipfile.ZipFile(argos_copy_archive) as zf:
        zf.extractall(argos_dir)
    found = find_package(argos_dir, "ru", "en")
    assert found is not None
    assert found.model_id == "ru-en@1.0"
    assert all(r.ok for r in verify_packages(argos_dir))


def _not_zip(src: Path, dest: Path) -> Path:
    dest.write_text("this is not a zip file\n", encoding="utf-8")
    return dest


def _no_metadata(src: Path, dest: Path) -> Path:
    return _rezip(src, dest, lambda n: None if n.endswith("/metadata.json") else n)


def _two_top_folders(src: Path, dest: Path) -> Path:
    return _rezip(src, dest, lambda n: n, {"other-folder/readme.txt": b"hi"})


def _file_at_root(src: Path, dest: Path) -> Path:
    return _rezip(src, dest, lambda n: n, {"stray.txt": b"hi"})


def _zip_slip(src: Path, dest: Path) -> Path:
    top = inspect_archive(src).folder
    return _rezip(src, dest, lambda n: n, {f"{top}/../evil": b"pwned"})


def _absolute(src: Path, dest: Path) -> Path:
    return _rezip(src, dest, lambda n: n, {"/tmp/evil": b"pwned"})


def _truncated(src: Path, dest: Path) -> Path:
    data = src.read_bytes()
    dest.write_bytes(data[: len(data) // 2])
    return dest


def _corrupt(src: Path, dest: Path) -> Path:
    with zipfile.ZipFile(src) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("model.bin"))
    data = bytearray(src.read_bytes())
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100
    data[at] ^= 0xFF
    dest.write_bytes(bytes(data))
    return dest


def _no_model(src: Path, dest: Path) -> Path:
    return _rezip(src, dest, lambda n: None if "/model/" in n else n)


def _no_sentencepiece(src: Path, dest: Path) -> Path:
    return _rezip(src, dest, lambda n: None if n.endswith("sentencepiece.model") else n)


def _metadata_without_to_code(src: Path, dest: Path) -> Path:
    top = inspect_archive(src).folder
    meta = json.dumps({"package_version": "1.0", "from_code": "ru"}).encode()
    return _rezip(
        src, dest, lambda n: None if n.endswith("/metadata.json") else n, {f"{top}/metadata.json": meta}
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(_not_zip, "not a zip archive", id="not-a-zip"),
        pytest.param(_no_metadata, "no translate-ru_en-1_0/metadata.json", id="no-metadata"),
        pytest.param(_two_top_folders, "outside one top-level folder", id="two-top-level-folders"),
        pytest.param(_file_at_root, "outside one top-level folder", id="file-at-root"),
        pytest.param(_zip_slip, "zip slip", id="zip-slip-dotdot"),
        pytest.param(_absolute, "absolute path", id="zip-slip-absolute"),
        pytest.param(_truncated, "truncated or damaged", id="truncated"),
        pytest.param(_corrupt, "damaged zip archive", id="crc-mismatch"),
        pytest.param(_no_model, "model/model.bin", id="no-model-folder"),
        pytest.param(_no_sentencepiece, "sentencepiece.model", id="no-sentencepiece"),
        pytest.param(_metadata_without_to_code, "lacks to_code", id="metadata-incomplete"),
    ],
)
def test_bad_archives_are_refused_before_anything_is_written(
    argos_copy_archive: Path,
    tmp_path: Path,
    make: Callable[[Path, Path], Path],
    message: str,
) -> None:
    bad = make(argos_copy_archive, tmp_path / "bad.argosmodel")
    models = tmp_path / "models"
    models.mkdir()
    (models / "keep.txt").write_text("user file\n", encoding="utf-8")
    before = _snapshot(models)
    with pytest.raises(ModelArchiveError, match=message):
        inspect_archive(bad)
    result = runner.invoke(app, ["models", "install", str(bad), "--models-dir", str(models)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert _snapshot(models) == before
    assert not (tmp_path / "evil").exists()


def test_missing_models_folder_is_not_created_by_a_refused_install(tmp_path: Path) -> None:
    bad = _not_zip(tmp_path, tmp_path / "x.argosmodel")
    models = tmp_path / "models"
    result = runner.invoke(app, ["models", "install", str(bad), "--models-dir", str(models)])
    assert result.exit_code == 2
    assert not models.exists()


def test_remove_of_an_absent_pair_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["models", "remove", "ru-de", "--models-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "no ru-de package is installed" in " ".join(result.output.split())


def test_verify_reports_a_broken_package(argos_models_dir: Path) -> None:
    (next(argos_models_dir.glob("translate-*")) / "model" / "model.bin").unlink()
    result = runner.invoke(app, ["models", "verify", "--models-dir", str(argos_models_dir)])
    assert result.exit_code == 1
    assert "missing model/model.bin" in result.stdout


def test_verify_loads_a_random_model(argos_random_archive: Path, tmp_path: Path) -> None:
    install_package(argos_random_archive, tmp_path)
    assert [r.problems for r in verify_packages(tmp_path, "ru-en")] == [()]


def test_list_skips_foreign_folders(argos_models_dir: Path) -> None:
    (argos_models_dir / "not-a-package").mkdir()
    (argos_models_dir / "broken").mkdir()
    (argos_models_dir / "broken" / "metadata.json").write_text("{", encoding="utf-8")
    assert [p.pair for p in list_packages(argos_models_dir)] == ["ru-en"]


@pytest.mark.parametrize("text", ["ru-en", "ru_en", "ru→en", "RU:EN"])
def test_parse_pair(text: str) -> None:
    assert parse_pair(text) == ("ru", "en")


def test_archive_is_small(argos_copy_archive: Path, argos_random_archive: Path) -> None:
    assert argos_copy_archive.stat().st_size < 400_000
    assert argos_random_archive.stat().st_size < 400_000


@pytest.mark.parametrize("args", [["models", "--help"], ["models", "install", "-h"], ["tm", "--help"]])
def test_help(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Usage" in result.output
