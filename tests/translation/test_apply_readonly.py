"""`glossa apply -o` into a read-only folder (issue 8, case 8): one line naming the path, exit 2."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fs_fixture import remount_readonly
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_apply_into_a_read_only_folder(argos_models_dir: Path, tmp_path: Path, tmpfs_dir: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("Роскосмос сообщили о запуске.\n", encoding="utf-8")
    xliff = tmp_path / "a.xlf"
    result = runner.invoke(
        app,
        [
            "translate",
            str(source),
            "-o",
            str(tmp_path / "a.en.txt"),
            "--scope",
            "all",
            "--from",
            "ru",
            "--xliff",
            str(xliff),
            "--models-dir",
            str(argos_models_dir),
        ],
    )
    assert result.exit_code in (0, 1), result.output
    remount_readonly(tmpfs_dir)
    before = {p: _sha(p) for p in (source, xliff, tmp_path / "a.en.txt")}
    target = tmpfs_dir / "out.txt"
    result = runner.invoke(app, ["apply", str(xliff), "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("glossa: error:")]
    assert errors == [f"glossa: error: {target}: cannot write in {tmpfs_dir}: Read-only file system"]
    assert {p: _sha(p) for p in before} == before
    assert not target.exists()
