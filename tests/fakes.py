"""Test doubles of the translation backends (tests and bench only; nothing here ships).

* :class:`FakeTranslator` wraps every text in ``(…)`` and records what it was sent (golden files use it);
* :class:`CachedTranslator` puts the project memory in front of a translator, one distinct text a miss
  (the memory benchmark and the memory tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.document import Provenance, provenance_of_model
from pipeline.translation.base import DecodeOptions, Hypothesis, Translator, model_id_of
from pipeline.translation.memory import MemoryEntry, TranslationMemory

__all__ = ["CachedTranslator", "FakeTranslator", "Translation"]


@dataclass(slots=True)
class FakeTranslator:
    """Wrap every text in parentheses, so tests can see exactly what was sent to machine translation.

    Attributes:
        calls: one entry per :meth:`translate_batch` call: ``(source, target, texts)``.

    >>> fake = FakeTranslator()
    >>> fake.translate_batch(["Привет", "мир"], "ru", "en")
    ['(Привет)', '(мир)']
    >>> fake.calls
    [('ru', 'en', ('Привет', 'мир'))]
    """

    calls: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Return ``(text)`` for every text."""
        self.calls.append((source, target, tuple(texts)))
        return [f"({text})" for text in texts]

    def translate_hypotheses(
        self, texts: Sequence[str], source: str, target: str, options: DecodeOptions
    ) -> list[tuple[Hypothesis, ...]]:
        """Return the same wrapped text as the only hypothesis (a prefix, if given, is kept in front)."""
        outputs = self.translate_batch(texts, source, target)
        result: list[tuple[Hypothesis, ...]] = []
        for i, out in enumerate(outputs):
            prefix = options.target_prefixes[i] if i < len(options.target_prefixes) else None
            result.append((Hypothesis(f"{prefix}{out}" if prefix else out),))
        return result

    def model_id(self, source: str, target: str) -> str:
        """Return ``fake``."""
        return "fake"

    @property
    def texts_sent(self) -> int:
        """How many texts were sent in all."""
        return sum(len(texts) for _, _, texts in self.calls)


@dataclass(frozen=True, slots=True)
class Translation:
    """A translated text and where it came from.

    Attributes:
        source: the text that was translated.
        target: its translation (equal to ``source`` when untranslated).
        provenance: ``memory``, ``untranslated`` or ``argos:<model id>``.
        model: the model id that produced the target originally, if any.
    """

    source: str
    target: str
    provenance: str
    model: str | None = None


@dataclass(slots=True)
class CachedTranslator:
    """Look texts up in the memory first; translate only the misses (each distinct text once); remember them.

    Args:
        inner: the translator for misses.
        memory: the project memory.
        glossary_version: version of the glossaries in force (part of the key).
        remember: store what ``inner`` produced.

    Attributes:
        hits: texts answered from memory so far.
        misses: distinct texts sent to ``inner`` so far.
    """

    inner: Translator
    memory: TranslationMemory
    glossary_version: str = ""
    remember: bool = True
    hits: int = field(default=0)
    misses: int = field(default=0)

    def model_id(self, source: str, target: str) -> str:
        """The inner translator's model id."""
        return model_id_of(self.inner, source, target)

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate ``texts``; see :meth:`translate_detailed`."""
        return [t.target for t in self.translate_detailed(texts, source, target)]

    def translate_detailed(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        """Translate ``texts``, each result saying whether it came from memory or from the model.

        Raises:
            ModelNotInstalled: a text missed the memory and nothing covers the pair.
        """
        if not texts:
            return []
        model = self.model_id(source, target) if any(t.strip() for t in texts) else ""
        found = self.memory.lookup(
            (t for t in texts if t.strip()), source, target, model, self.glossary_version
        )
        misses = list(dict.fromkeys(t for t in texts if t.strip() and t not in found))
        produced: dict[str, str] = {}
        if misses:
            outputs = self.inner.translate_batch(misses, source, target)
            produced = dict(zip(misses, outputs, strict=True))
            self.misses += len(misses)
            if self.remember:
                provenance = provenance_of_model(model)
                self.memory.add(
                    MemoryEntry(s, source, target, t, model, self.glossary_version, provenance)
                    for s, t in produced.items()
                )
        results = []
        for text in texts:
            if not text.strip():
                results.append(Translation(text, text, Provenance.UNTRANSLATED.value))
            elif text in found:
                self.hits += 1
                entry = found[text]
                results.append(Translation(text, entry.target, Provenance.MEMORY.value, entry.model))
            else:
                results.append(Translation(text, produced[text], provenance_of_model(model), model))
        return results
