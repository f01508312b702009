"""The statistical detector edge: a one-method protocol and the langdetect adapter.

langdetect's quirks live here and nowhere else: it is seeded once, asked with
``detect_langs`` so results carry probabilities, never asked about text shorter than ``min_chars`` letters,
its exception becomes an "undetermined" result, and its codes are normalised through :data:`CODE_ALIASES`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from functools import lru_cache
from operator import add
from pathlib import Path
from typing import Any, Protocol

from pipeline.document import Detection
from pipeline.errors import BackendError

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


# ISO 639-1 -> langdetect profile names, where they differ.
_PROFILES = {"zh": ("zh-cn", "zh-tw"), "nb": ("no",), "he": ("he",)}


@lru_cache(maxsize=4)
def _factory_for(languages: tuple[str, ...] | None) -> Any:
    """Load (once) a langdetect factory with all profiles or with those of ``languages``."""
    try:
        from langdetect import DetectorFactory, detector_factory
    except ImportError as exc:  # pragma: no cover - it is a pinned dependency
        raise BackendError("langdetect is missing; run `pip install langdetect==1.0.9`") from exc
    DetectorFactory.seed = 0
    if languages is None:
        detector_factory.init_factory()
        return detector_factory._factory
    folder = Path(detector_factory.PROFILES_DIRECTORY)
    texts = []
    for lang in languages:
        for name in _PROFILES.get(lang, (lang,)):
            profile = folder / name
            if profile.is_file():
                texts.append(profile.read_text(encoding="utf-8"))
    if len(texts) < 2:
        raise BackendError(f"langdetect has profiles for fewer than two of {', '.join(languages)}")
    factory = DetectorFactory()
    factory.load_json_profile(texts)
    return factory


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


#: (code, index in langdetect's profiles) of some languages, and n-gram -> its log probability in each.
_LogTable = tuple[tuple[tuple[str, int], ...], dict[str, tuple[float, ...]]]


class LangdetectDetector:
    """The customer's detector, langdetect, made deterministic and quiet.

    Profiles are loaded once per process per language set (on first use) and shared; ``DetectorFactory.seed``
    is set to 0 before, so the same text always gets the same answer.

    Args:
        min_chars: texts with fewer letters are not asked about (``reason="too-short"``).
        languages: load only these languages' profiles (ISO 639-1; saves memory and time); None loads all 55.
    """

    def __init__(self, min_chars: int = 3, languages: Collection[str] | None = None) -> None:
        self.min_chars = min_chars
        self.languages = tuple(sorted(set(languages))) if languages is not None else None
        self._factory: Any = None
        self._logs: dict[frozenset[str], _LogTable] = {}  # per set of languages asked about

    def _load(self) -> Any:
        if self._factory is None:
            self._factory = _factory_for(self.languages)
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

    def likelihoods(self, text: str, among: Collection[str]) -> dict[str, float]:
        """Score ``text`` against langdetect's character 1-3-gram profiles, without random sampling.

        A deterministic naive-Bayes reading of the same profiles ``detect`` samples from: the sum, over every
        n-gram of the text, of log P(n-gram | language), normalised into probabilities over ``among``. It
        costs one pass over the text, so it suits single words, which ``detect`` handles slowly and badly.

        Returns:
            language -> probability, for the languages of ``among`` that have a profile (empty if none, or if
            the text has no known n-gram).
        """
        factory = self._load()
        detector = factory.create()
        detector.append(text)
        detector.cleaning_text()
        grams = detector._extract_ngrams()
        wanted, logs = self._log_table(factory, among)
        if not grams or not wanted:
            return {}
        totals = [0.0] * len(wanted)
        table = factory.word_lang_prob_map
        for gram in grams:
            row = logs.get(gram)
            if row is None:  # log P(gram | language) of the wanted languages, computed once per gram
                probs = table[gram]
                row = logs[gram] = tuple(math.log(probs[i] + 1e-6) for _, i in wanted)
            totals = list(map(add, totals, row))  # one sum per language, in the order of the grams
        top = max(totals)
        weights: dict[str, float] = {}
        for (code, _), total in zip(wanted, totals, strict=True):
            weights[code] = weights.get(code, 0.0) + math.exp(total - top)
        norm = sum(weights.values())
        return {code: weight / norm for code, weight in sorted(weights.items())}

    def _log_table(self, factory: Any, among: Collection[str]) -> _LogTable:
        """The profiles of ``among`` as (code, index in the profiles), in the profiles' order, and the rows
        kept for that set of languages so far: n-gram -> its log probability in each of them."""
        key = frozenset(among)
        found = self._logs.get(key)
        if found is None:
            codes = [normalise_code(str(name)) for name in factory.langlist]
            wanted = tuple((code, i) for i, code in enumerate(codes) if code in key)
            found = self._logs[key] = (wanted, {})
        return found
