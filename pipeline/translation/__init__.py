"""Offline translation: Argos packages run through CTranslate2 directly, a project memory.

Names are imported on first use (PEP 562), so ``import pipeline.translation.ctranslate`` does not also load
SQLite and the TMX code of :mod:`pipeline.translation.memory`. Nothing heavy is imported either way:
CTranslate2 and SentencePiece load inside :mod:`pipeline.translation.ctranslate` when a model is first used.
argostranslate is never imported (it is the ``argos`` extra, for the comparison benchmark only):
:mod:`pipeline.translation.packages` installs packages itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.translation.base import (
        DecodeOptions,
        Hypothesis,
        HypothesisTranslator,
        Provenance,
        Translator,
        choose_hypothesis,
        model_id_of,
        provenance_of_model,
    )
    from pipeline.translation.ctranslate import ArgosCT2Translator
    from pipeline.translation.memory import MemoryEntry, TranslationMemory

__all__ = [
    "ArgosCT2Translator",
    "DecodeOptions",
    "Hypothesis",
    "HypothesisTranslator",
    "MemoryEntry",
    "Provenance",
    "TranslationMemory",
    "Translator",
    "choose_hypothesis",
    "model_id_of",
    "provenance_of_model",
]


_HOME = {
    "ArgosCT2Translator": "ctranslate",
    "DecodeOptions": "base",
    "Hypothesis": "base",
    "HypothesisTranslator": "base",
    "MemoryEntry": "memory",
    "Provenance": "base",
    "TranslationMemory": "memory",
    "Translator": "base",
    "choose_hypothesis": "base",
    "model_id_of": "base",
    "provenance_of_model": "base",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
