"""Offline translation: Argos packages run through CTranslate2 directly, a project memory, a test fake.

Nothing heavy is imported here: CTranslate2 and SentencePiece load inside
:mod:`pipeline.translation.ctranslate` when a model is first used, argostranslate inside
:mod:`pipeline.translation.packages` when one is installed.
"""

from __future__ import annotations

from pipeline.translation.base import (
    DecodeOptions,
    Hypothesis,
    HypothesisTranslator,
    Provenance,
    Translation,
    Translator,
    choose_hypothesis,
    model_id_of,
    provenance_of_model,
)
from pipeline.translation.ctranslate import ArgosCT2Translator
from pipeline.translation.fake import FakeTranslator
from pipeline.translation.memory import CachedTranslator, MemoryEntry, TranslationMemory

__all__ = [
    "ArgosCT2Translator",
    "CachedTranslator",
    "DecodeOptions",
    "FakeTranslator",
    "Hypothesis",
    "HypothesisTranslator",
    "MemoryEntry",
    "Provenance",
    "Translation",
    "TranslationMemory",
    "Translator",
    "choose_hypothesis",
    "model_id_of",
    "provenance_of_model",
]
