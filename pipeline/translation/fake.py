"""A translator for tests and golden files: it wraps every text in ``(…)`` and records what it was sent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.translation.base import DecodeOptions, Hypothesis

__all__ = ["FakeTranslator"]


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
