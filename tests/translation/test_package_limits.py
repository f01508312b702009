"""Hostile and broken archives (issue 8, case 5): zip bombs, forged headers, garbage models, odd codes.

Every refusal exits 2 with one line, leaves the models folder (and an installed package) as it was, and
leaves the archive itself unchanged.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ModelArchiveError
from pipeline.translation.packages import (
    ArchiveLimits,
    _extract,
    inspect_archive,
    install_package,
    verify_packages,
)

runner = CliRunner()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {"<absent>": ""}
    return {str(p.relative_to(folder)): _sha(p) if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


def _rezip(
    src: Path,
    dest: Path,
    *,
    replace: dict[str, bytes] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copy ``src`` member by member, replacing members by name suffix and adding ``extra``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            for suffix, new in (replace or {}).items():
                if info.filename.endswith(suffix):
                    data = new
            zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dest


def _install(archive: Path, models: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["models", "install", str(archive), "--models-dir", str(models), *extra])
    return result.exit_code, " ".join(result.output.split())


def _refused(archive: Path, models: Path, *extra: str) -> str:
    """Install, expect exit 2 and no change anywhere; return the (one-line) message."""
    before, archive_sha = _tree(models), _sha(archive)
    code, output = _install(archive, models, *extra)
    assert code == 2, output
    assert output.startswith("glossa: error: ")
    assert "Traceback" not in output
    assert _tree(models) == before
    assert _sha(archive) == archive_sha
    return output


def test_a_zip_bomb_is_refused_by_its_ratio(argos_copy_archive: Path, tmp_path: Path) -> None:
    top = inspect_archive(argos_copy_archive).folder
    bomb = _rezip(argos_copy_archive, tmp_path / "bomb.argosmodel", extra={f"{top}/pad.bin": bytes(32 << 20)})
    assert bomb.stat().st_size < 1 << 20  # 32 MiB of zeros in well under 1 MiB
    models = tmp_path / "models"
    message = _refused(bomb, models)
    assert f"'{top}/pad.bin' expands more than 200x" in message
    assert "zip bomb" in message
    assert "--max-ratio" in message


def test_the_size_limit_is_a_setting_and_a_flag(
    argos_copy_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = tmp_path / "models"
    message = _refused(argos_copy_archive, models, "--max-size", "10KB")
    assert "the archive unpacks to more than 10240 bytes (zip bomb?); refusing" in message
    monkeypatch.setenv("GLOSSA_MAX_ARCHIVE_SIZE", "10KB")
    assert "more than 10240 bytes" in _refused(argos_copy_archive, models)
    code, output = _install(argos_copy_archive, models, "--max-size", "64MB")  # the flag wins
    assert code == 0, output


def test_a_forged_size_in_the_zip_header_does_not_get_past(argos_copy_archive: Path, tmp_path: Path) -> None:
    top = inspect_archive(argos_copy_archive).folder
    name = f"{top}/pad.bin"
    forged = _rezip(argos_copy_archive, tmp_path / "forged.argosmodel", extra={name: bytes(8 << 20)})
    data = bytearray(forged.read_bytes())
    with zipfile.ZipFile(forged) as zf:
        local = zf.getinfo(name).header_offset
    struct.pack_into("<I", data, local + 22, 100)  # local header: uncompressed size
    at = data.find(b"PK\x01\x02")
    while at != -1:  # the central directory entry of that member
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            struct.pack_into("<I", data, at + 24, 100)
        at = data.find(b"PK\x01\x02", at + 4)
    forged.write_bytes(bytes(data))
    with zipfile.ZipFile(forged) as zf:
        assert zf.getinfo(name).file_size == 100  # the directory now lies
    models = tmp_path / "models"
    message = _refused(forged, models)
    assert message.endswith(f"damaged zip archive: '{name}' fails its CRC check; download again")
    # Extraction itself counts what it writes: even past the directory checks, it stops at the limit.
    staging = tmp_path / "staging"
    info = inspect_archive(argos_copy_archive)
    with pytest.raises(ModelArchiveError, match="unpacks to more than 1000 bytes"):
        _extract(argos_copy_archive, info, staging, ArchiveLimits(max_size=1000))
    assert sum(p.stat().st_size for p in staging.rglob("*") if p.is_file()) <= 1000 + (1 << 20)


def test_a_garbage_model_is_refused_and_replace_keeps_the_working_one(
    argos_copy_archive: Path, tmp_path: Path
) -> None:
    garbage = _rezip(
        argos_copy_archive, tmp_path / "garbage.argosmodel", replace={"model/model.bin": b"\x00garbage" * 999}
    )
    models = tmp_path / "models"
    message = _refused(garbage, models)
    assert "the package does not load (CTranslate2 model does not load" in message
    assert "nothing was installed" in message
    install_package(argos_copy_archive, models)
    message = _refused(garbage, models, "--replace")
    assert "the installed package was kept" in message
    assert all(r.ok for r in verify_packages(models))


def test_replace_swaps_in_a_package_that_loads(argos_copy_archive: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    install_package(argos_copy_archive, models)
    code, output = _install(argos_copy_archive, models, "--replace")
    assert code == 0, output
    assert [p.name for p in models.iterdir()] == [inspect_archive(argos_copy_archive).folder]


@pytest.mark.parametrize("code", ["../../x", "ru/../..", "", "r u", "русский", "ruxx"])
def test_a_language_code_that_is_not_a_code_is_refused(
    argos_copy_archive: Path, tmp_path: Path, code: str
) -> None:
    info = inspect_archive(argos_copy_archive)
    meta = {k: json.loads(v) for k, v in info.metadata}
    meta["from_code"] = code
    bad = _rezip(
        argos_copy_archive, tmp_path / "bad.argosmodel", replace={"/metadata.json": json.dumps(meta).encode()}
    )
    message = _refused(bad, tmp_path / "models")
    if code:
        assert f"from_code {code!r} is not a language code (two or three letters)" in message
    else:
        assert "lacks from_code" in message


def test_install_into_a_read_only_models_folder(argos_copy_archive: Path, readonly_dir: Path) -> None:
    models = readonly_dir / "models"
    message = _refused(argos_copy_archive, models)
    assert message == (
        f"glossa: error: {models}: cannot write in the models folder: Read-only file system; nothing was "
        "installed (pick a writable --models-dir)"
    )


def test_an_argospm_extracted_folder_installs_alongside(argos_copy_archive: Path, tmp_path: Path) -> None:
    """The layout stays argostranslate's: what argospm extracts and what Glossa installs are the same."""
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    install_package(argos_copy_archive, ours)
    with zipfile.ZipFile(argos_copy_archive) as zf:
        zf.extractall(theirs)
    assert _tree(ours) == _tree(theirs)
