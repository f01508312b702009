"""The whole ``glossa translate`` command, through the model, never loads argostranslate's stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_translate_never_imports_argostranslate_or_torch(argos_models_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "news.txt"
    source.write_text("Экипаж прибыл на станцию, сообщили в агентстве.\n", encoding="utf-8")
    out = tmp_path / "out"
    code = (
        "import contextlib, io, os, sys\n"
        f"os.environ['GLOSSA_MODELS_DIR'] = {str(argos_models_dir)!r}\n"
        f"os.environ['GLOSSA_HOME'] = {str(tmp_path / 'home')!r}\n"
        "from pipeline.cli import app\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        f"    app(['translate', {str(source)!r}, '--scope', 'all', '--from', 'ru', '-o', {str(out)!r}])\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    mods = set(run.stdout.split())
    assert not {m for m in mods if m.split(".")[0] in ("torch", "stanza", "spacy", "argostranslate")}
    assert "ctranslate2" in mods, run.stderr  # the model did run
    assert out.read_text(encoding="utf-8").strip()  # one input: -o names the output file
