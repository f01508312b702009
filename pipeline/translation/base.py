"""The translator contract and the values translations travel in.

A :class:`Translator` has one method, :meth:`Translator.translate_batch`. Backends that can do more
(n-best lists, target prefixes, banned sequences) also implement :class:`HypothesisTranslator`. A backend may
name the model it uses for a pair with a ``model_id(source, target)`` method (see :func:`model_id_of`):
that id keys the translation memory and becomes the provenance ``argos:<model id>`` of what it produced
(:func:`provenance_of_model`, defined with :class:`Provenance` in :mod:`pipeline.document` and re-exported
here). :func:`install_hint` is the one message for a pair no model covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from pipeline.document import Provenance, provenance_of_model

__all__ = [
    "DecodeOptions",
    "Hypothesis",
    "HypothesisTranslator",
    "Provenance",
    "Translator",
    "choose_hypothesis",
    "install_hint",
    "model_id_of",
    "provenance_of_model",
]


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One candidate translation of one text.

    Attributes:
        text: the translated text.
        score: the model's log-probability (higher is better; 0.0 when not scored, e.g. from memory).
    """

    text: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How a model decodes (CTranslate2 knobs, with Argos's defaults).

    Attributes:
        beam_size: beam width (1 is greedy).
        num_hypotheses: how many hypotheses to return per text (at most ``beam_size``).
        target_prefixes: per input text, a target-language text the translation must start with (or None);
            empty tuple for none at all.
        suppress_sequences: target-language strings the model must not produce (forbidden variants).
        max_batch_size: at most this many sentences per CTranslate2 call. Each sentence decodes ``beam_size``
            rows, and each row holds a vocabulary-sized score vector (64-200 KB for 16-50k entries) besides
            its attention caches, so rows are capped even for short sentences.
        max_batch_tokens: at most this many padded source tokens (sentences x the longest) per call; 0 for
            no limit. Attention caches grow with sentences x beam x length, so long sentences go 2 or 3 to
            a call while short ones fill the batch: on a base-size model (bench/translate) 8 sentences and
            96 tokens decode as fast as plain batches of 8 with a fifth less peak memory.
        length_penalty: CTranslate2's length penalty on hypothesis scores (Argos uses 0.2).
        replace_unknowns: replace an unknown target token with the source token it attends to most, as
            Argos does, rather than writing SentencePiece's ``⁇``.
        length_ratio: the decoding length cap, in target tokens per source token.
        length_extra: tokens added to the cap (short inputs).
        max_length: absolute cap on decoded tokens.
    """

    beam_size: int = 4
    num_hypotheses: int = 1
    target_prefixes: tuple[str | None, ...] = ()
    suppress_sequences: tuple[str, ...] = ()
    max_batch_size: int = 8
    max_batch_tokens: int = 96
    length_penalty: float = 0.2
    replace_unknowns: bool = True
    length_ratio: float = 2.0
    length_extra: int = 10
    max_length: int = 512

    def __post_init__(self) -> None:
        if self.beam_size < 1 or self.num_hypotheses < 1 or self.max_batch_size < 1:
            raise ValueError("beam_size, num_hypotheses and max_batch_size must be at least 1")
        if self.max_batch_tokens < 0:
            raise ValueError("max_batch_tokens must be 0 (no limit) or more")
        if self.num_hypotheses > self.beam_size:
            raise ValueError("num_hypotheses cannot exceed beam_size")


@runtime_checkable
class Translator(Protocol):
    """Anything that turns texts in one language into texts in another, one output per input."""

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate ``texts`` from ``source`` to ``target`` (ISO 639-1 codes), in order.

        Raises:
            ModelNotInstalled: nothing covers the pair.
            BackendError: the backend failed.
        """
        ...


@runtime_checkable
class HypothesisTranslator(Translator, Protocol):
    """A translator that can return n-best lists and honour target prefixes and banned sequences."""

    def model_id(self, source: str, target: str) -> str:
        """Return a stable id of what translates ``source`` to ``target`` (keys the translation memory)."""
        ...

    def translate_hypotheses(
        self, texts: Sequence[str], source: str, target: str, options: DecodeOptions
    ) -> list[tuple[Hypothesis, ...]]:
        """Return, for each text, ``options.num_hypotheses`` hypotheses, best first."""
        ...


def install_hint(
    source: str, target: str, models_dir: Path | None = None, *, pivot: str | None = None
) -> str:
    """The one-line message for a pair no installed model covers, with the command that fixes it.

    Args:
        source: source language.
        target: target language.
        models_dir: the models folder that was searched, if known.
        pivot: the language a pivot would go through, when neither half was installed either.

    >>> install_hint("ru", "en")
    'no ru→en model installed; run `glossa models install FILE.argosmodel`'
    >>> install_hint("ru", "de", Path("m"), pivot="en")  # doctest: +ELLIPSIS
    'no ru→de model installed in m (nor ru→en + en→de to pivot through); run `glossa models install ...'
    """
    if models_dir is None:
        return f"no {source}→{target} model installed; run `glossa models install FILE.argosmodel`"
    through = f" (nor {source}→{pivot} + {pivot}→{target} to pivot through)" if pivot else ""
    return (
        f"no {source}→{target} model installed in {models_dir}{through}; run `glossa models install "
        f"FILE.argosmodel` with a {source}_{target} package"
    )


def model_id_of(translator: object, source: str, target: str) -> str:
    """Return ``translator.model_id(source, target)``, or its class name when it has none.

    >>> model_id_of(object(), "ru", "en")
    'object'
    """
    method = getattr(translator, "model_id", None)
    if callable(method):
        return str(method(source, target))
    return type(translator).__name__


def choose_hypothesis(
    hypotheses: Sequence[Hypothesis], required: Sequence[str] = (), forbidden: Sequence[str] = ()
) -> tuple[Hypothesis, tuple[str, ...], tuple[str, ...]]:
    """Pick the hypothesis that carries the most required terms and the fewest forbidden variants.

    Ties keep the model's order (best score first). Matching is case-sensitive substring search: callers pass
    the exact target renderings (or placeholders) they expect.

    Args:
        hypotheses: an n-best list, best first (not empty).
        required: strings the translation must contain.
        forbidden: strings it must not contain.

    Returns:
        The chosen hypothesis, the required strings it misses, and the forbidden strings it contains.

    >>> hyps = [Hypothesis("Roskosmos said", -0.1), Hypothesis("Roscosmos said", -0.4)]
    >>> best, missed, banned = choose_hypothesis(hyps, ["Roscosmos"], ["Roskosmos"])
    >>> best.text, missed, banned
    ('Roscosmos said', (), ())
    >>> choose_hypothesis(hyps[:1], ["ISS"])[1]
    ('ISS',)
    """
    if not hypotheses:
        raise ValueError("no hypotheses to choose from")

    def verdict(h: Hypothesis) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(r for r in required if r not in h.text), tuple(f for f in forbidden if f in h.text)

    ranked = sorted(
        enumerate(hypotheses), key=lambda item: (len(verdict(item[1])[0]) + len(verdict(item[1])[1]), item[0])
    )
    chosen = ranked[0][1]
    missed, banned = verdict(chosen)
    return chosen, missed, banned
