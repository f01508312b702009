"""A real Argos ru→en model, when one is installed (skipped otherwise; the default suite needs none).

Point ``GLOSSA_TEST_MODELS_DIR`` at a models folder (or at argospm's
``~/.local/share/argos-translate/packages``) holding a ru→en package to run these.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.translation.ctranslate import ArgosCT2Translator
from pipeline.translation.packages import find_package


def _real_models_dir() -> Path | None:
    candidates = [
        os.environ.get("GLOSSA_TEST_MODELS_DIR"),
        str(Path.home() / ".local/share/argos-translate/packages"),
    ]
    for candidate in candidates:
        if candidate and find_package(Path(candidate), "ru", "en") is not None:
            return Path(candidate)
    return None


@pytest.mark.models
def test_real_model_translates_russian_into_english() -> None:
    models = _real_models_dir()
    if models is None:
        pytest.skip("no real ru→en Argos package installed (set GLOSSA_TEST_MODELS_DIR)")
    [out] = ArgosCT2Translator(models).translate_batch(["Экипаж прибыл на станцию."], "ru", "en")
    assert out.strip()
    assert not any("а" <= ch <= "я" for ch in out.lower())  # no Cyrillic left
