"""The statistical detector edge: a one-method protocol and the langdetect adapter.

langdetect's quirks live here and nowhere else (CONVENTIONS habit 7): it is seeded once, asked with
``detect_langs`` so results carry probabilities, never asked about text shorter than ``min_chars`` letters,
its exception becomes an "undetermined" result, and its codes are normalised through :data:`CODE_ALIASES`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from pipeline.errors import BackendError
from pipeline.models import Detection

__all__ = ["CODE_ALIASES", "Detector", "LangdetectDetector", "normalise_code"]

# One table for every backend's odd codes (langdetect, lingua, Argos) -> ISO 639-1.
CODE_ALIASES = {
    "zh-cn": "zh",
    "zh-tw": "zh",
    "zh-hans": "zh",
    "zh-hant": "zh",
    "iw": "he",
    "in": "id",
    "ji": "yi",
    "jw": "jv",
    "no": "nb",
    "sh": "sr",
}


def normalise_code(code: str) -> str:
    """Return the ISO 639-1 code Glossa uses for a backend's language code.

    >>> normalise_code("zh-cn"), normalise_code("EN"), normalise_code("iw")
    ('zh', 'en', 'he')
    """
    low = code.strip().lower().replace("_", "-")
    return CODE_ALIASES.get(low, low.split("-")[0] if low not in CODE_ALIASES else low)


class Detector(Protocol):
    """Anything that guesses the language of a piece of text."""

    def detect(self, text: str, among: Collection[str] | None = None) -> Detection:
        """Guess the language of ``text``.

        Args:
            text: the text to identify.
            among: if given, only these languages are considered (probabilities renormalised over them).

        Returns:
            A :class:`Detection`; ``language`` is None when the text is too short or undetermined.
        """
        ...


class LangdetectDetector:
    """The customer's detector, langdetect, made deterministic and quiet.

    The profile factory is loaded once per process (on first use) and shared; ``DetectorFactory.seed`` is set
    to 0 before, so the same text always gets the same answer.

    Args:
        min_chars: texts with fewer letters are not asked about (``reason="too-short"``).
    """

    def __init__(self, min_chars: int = 3) -> None:
        self.min_chars = min_chars
        self._factory: Any = None

    def _load(self) -> Any:
        if self._factory is None:
            try:
                from langdetect import DetectorFactory, detector_factory
            except ImportError as exc:  # pragma: no cover - it is a pinned dependency
                raise BackendError(
                    "langdetect is not installed; run `pip install langdetect==1.0.9`"
                ) from exc
            DetectorFactory.seed = 0
            detector_factory.init_factory()
            self._factory = detector_factory._factory
        return self._factory

    def detect(self, text: str, among: Collection[str] | None = None) -> Detection:
        """Guess the language of ``text`` (see :class:`Detector`)."""
        if sum(1 for c in text if c.isalpha()) < self.min_chars:
            return Detection(None, 0.0, "too-short")
        from langdetect.lang_detect_exception import LangDetectException

        factory = self._load()
        try:
            detector = factory.create()
            detector.append(text)
            raw = detector.get_probabilities()
        except LangDetectException:
            return Detection(None, 0.0, "undetermined")
        probs: dict[str, float] = {}
        for item in raw:
            code = normalise_code(str(item.lang))
            probs[code] = probs.get(code, 0.0) + float(item.prob)
        if among is not None:
            allowed = set(among)
            probs = {k: v for k, v in probs.items() if k in allowed}
            total = sum(probs.values())
            if total <= 0.0:
                return Detection(None, 0.0, "undetermined")
            probs = {k: v / total for k, v in probs.items()}
        if not probs:
            return Detection(None, 0.0, "undetermined")
        ranked = sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))
        best, prob = ranked[0]
        return Detection(best, round(prob, 6), "ngram", tuple((k, round(v, 6)) for k, v in ranked[1:]))
