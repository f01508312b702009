"""Translate with installed Argos packages by driving CTranslate2 and SentencePiece directly.

No argostranslate translator, stanza or torch is imported: a package's ``sentencepiece.model`` tokenises,
its ``model/`` folder is loaded with ``ctranslate2.Translator(device="cpu")``, and long texts are cut into
sentences by :func:`pipeline.text.sentences.split_sentences` (rule-based, offline, the audit's splitter, with
the abbreviations of the package's source language). Texts are translated in batches of similar length, each
batch with a decoding length capped relative to its longest input, so even a model that never emits
``</s>`` stops. When no package covers a pair but ``source→en`` and ``en→target`` exist, the text
is pivoted through English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from pipeline.errors import BackendError, ModelNotInstalled
from pipeline.text.sentences import split_sentences
from pipeline.translation.base import DecodeOptions, Hypothesis, install_hint
from pipeline.translation.packages import InstalledPackage, find_package

__all__ = ["ArgosCT2Translator", "decoding_cap"]


PIVOT = "en"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Loaded:
    package: InstalledPackage
    processor: Any  # sentencepiece.SentencePieceProcessor
    translator: Any  # ctranslate2.Translator


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one text is cut: ``pieces`` alternates literal gaps and unit indices."""

    lead: str
    parts: tuple[tuple[int, str], ...]  # (unit index, whitespace after it)


class ArgosCT2Translator:
    """Translate with the Argos packages installed in a models folder, through CTranslate2 directly.

    Args:
        models_dir: the models folder (``Settings.models_dir``).
        intra_threads: CTranslate2 threads per translation (0: its default).
        options: default decoding options for :meth:`translate_batch`.
        max_source_tokens: longer sentences are cut into chunks of this many tokens.

    Example (with a package installed)::

        translator = ArgosCT2Translator(settings.models_dir)
        translator.translate_batch(["Привет, мир."], "ru", "en")
    """

    def __init__(
        self,
        models_dir: Path,
        *,
        intra_threads: int = 0,
        options: DecodeOptions | None = None,
        max_source_tokens: int = 400,
    ) -> None:
        self.models_dir = models_dir
        self.intra_threads = intra_threads
        self.options = options or DecodeOptions()
        self.max_source_tokens = max_source_tokens
        self._loaded: dict[Path, _Loaded] = {}
        self._routes: dict[tuple[str, str], tuple[InstalledPackage, ...]] = {}
        self.calls = 0  # CTranslate2 batches run (for tests and benchmarks)

    def route(self, source: str, target: str) -> tuple[InstalledPackage, ...]:
        """Return the package(s) that translate ``source`` to ``target``: one, or two through English.

        The answer is kept for the translator's lifetime (packages do not change during a run).

        Raises:
            ModelNotInstalled: neither a direct package nor both pivot halves are installed.
        """
        known = self._routes.get((source, target))
        if known is not None:
            return known
        self._routes[(source, target)] = route = self._find_route(source, target)
        return route

    def _find_route(self, source: str, target: str) -> tuple[InstalledPackage, ...]:
        direct = find_package(self.models_dir, source, target)
        if direct is not None:
            return (direct,)
        if PIVOT not in (source, target):
            first = find_package(self.models_dir, source, PIVOT)
            second = find_package(self.models_dir, PIVOT, target)
            if first is not None and second is not None:
                return (first, second)
        pivot = PIVOT if PIVOT not in (source, target) else None
        raise ModelNotInstalled(install_hint(source, target, self.models_dir, pivot=pivot))

    def model_id(self, source: str, target: str) -> str:
        """``ru-en@1.0``, or ``ru-en@1.0+en-de@1.0`` for a pivot."""
        return "+".join(p.model_id for p in self.route(source, target))

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate ``texts`` (best hypothesis each), keeping the whitespace around and between sentences.

        Raises:
            ModelNotInstalled: nothing covers the pair.
            BackendError: the model could not be loaded or run.
        """
        options = replace(self.options, num_hypotheses=1, target_prefixes=(), suppress_sequences=())
        return [h[0].text for h in self.translate_hypotheses(texts, source, target, options)]

    def translate_hypotheses(
        self, texts: Sequence[str], source: str, target: str, options: DecodeOptions
    ) -> list[tuple[Hypothesis, ...]]:
        """Return ``options.num_hypotheses`` hypotheses per text, best first.

        Target prefixes and suppressed sequences apply to the last model of a pivot; a prefix constrains the
        first sentence of its text.

        Raises:
            ModelNotInstalled: nothing covers the pair.
            BackendError: the model could not be loaded or run.
        """
        if source == target:
            return [(Hypothesis(text),) for text in texts]
        route = self.route(source, target)
        current = list(texts)
        score_offset = [0.0] * len(current)
        for index, package in enumerate(route):
            if index < len(route) - 1:
                step = replace(options, num_hypotheses=1, target_prefixes=(), suppress_sequences=())
                best = self._run(package, current, step)
                current = [h[0].text for h in best]
                score_offset = [s + h[0].score for s, h in zip(score_offset, best, strict=True)]
            else:
                final = self._run(package, current, options)
        return [
            tuple(Hypothesis(h.text, h.score + offset) for h in hyps)
            for hyps, offset in zip(final, score_offset, strict=True)
        ]

    def _load(self, package: InstalledPackage) -> _Loaded:
        loaded = self._loaded.get(package.path)
        if loaded is not None:
            return loaded
        import ctranslate2
        import sentencepiece

        try:
            processor = sentencepiece.SentencePieceProcessor(
                model_file=str(package.path / "sentencepiece.model")
            )
            translator = ctranslate2.Translator(
                str(package.path / "model"),
                device="cpu",
                inter_threads=1,
                intra_threads=self.intra_threads,
            )
        except (OSError, RuntimeError, ValueError) as exc:
            raise BackendError(
                f"cannot load the {package.pair} model ({exc}); run `glossa models verify {package.pair}`",
                path=str(package.path),
            ) from exc
        loaded = _Loaded(package, processor, translator)
        self._loaded[package.path] = loaded
        return loaded

    def _plan(self, texts: Sequence[str], lang: str) -> tuple[list[_Plan], list[str], list[int]]:
        """Cut texts in ``lang`` into sentence units; return plans, unit texts, and each unit's text index."""
        plans: list[_Plan] = []
        units: list[str] = []
        owner: list[int] = []
        for t, text in enumerate(texts):
            spans = split_sentences(text, lang)
            if not spans:
                plans.append(_Plan(text, ()))
                continue
            parts = []
            for i, (start, end) in enumerate(spans):
                after = text[end : spans[i + 1][0]] if i + 1 < len(spans) else text[end:]
                parts.append((len(units), after))
                units.append(text[start:end])
                owner.append(t)
            plans.append(_Plan(text[: spans[0][0]], tuple(parts)))
        return plans, units, owner

    def _run(
        self, package: InstalledPackage, texts: Sequence[str], options: DecodeOptions
    ) -> list[tuple[Hypothesis, ...]]:
        """Translate ``texts`` with one package: cut into sentences and chunks, decode in batches, rejoin."""
        loaded = self._load(package)
        plans, units, owner = self._plan(texts, package.from_code)
        first_unit = {plan.parts[0][0] for plan in plans if plan.parts}
        pieces: list[list[str]] = [loaded.processor.encode(u, out_type=str) for u in units]
        # Chunk over-long units; a unit's outputs are the chunks' outputs joined.
        chunks: list[tuple[int, list[str]]] = []
        for u, tokens in enumerate(pieces):
            step = self.max_source_tokens
            for start in range(0, max(len(tokens), 1), step):
                chunks.append((u, tokens[start : start + step]))
        prefixes = _prefix_tokens(loaded, chunks, first_unit, owner, options)
        outputs = self._decode(loaded, chunks, prefixes, options)
        # A unit's hypotheses: its chunks' token lists joined, then decoded once (no seam at chunk edges).
        unit_tokens: list[list[tuple[list[str], float]]] = [[] for _ in units]
        for (u, _), hyps in zip(chunks, outputs, strict=True):
            if not unit_tokens[u]:
                unit_tokens[u] = hyps
            else:
                count = max(len(unit_tokens[u]), len(hyps))
                unit_tokens[u] = [
                    (a[0] + b[0], a[1] + b[1])
                    for a, b in zip(_pad(unit_tokens[u], count), _pad(hyps, count), strict=True)
                ]
        unit_hyps = [[(loaded.processor.decode(t), sc) for t, sc in hyps] for hyps in unit_tokens]
        return [_assemble(text, plan, unit_hyps) for text, plan in zip(texts, plans, strict=True)]

    def _decode(
        self,
        loaded: _Loaded,
        chunks: Sequence[tuple[int, list[str]]],
        prefixes: Sequence[list[str] | None],
        options: DecodeOptions,
    ) -> list[list[tuple[list[str], float]]]:
        """Each chunk's hypotheses as ``(tokens, score)``, decoded in batches of similar length."""
        package = loaded.package
        # A sequence the model cannot spell cannot be produced either: nothing to suppress.
        spelled = (_known_pieces(loaded.processor, s) for s in options.suppress_sequences if s.strip())
        suppress = [pieces for pieces in spelled if pieces]
        outputs: list[list[tuple[list[str], float]]] = [[] for _ in chunks]
        order = sorted(range(len(chunks)), key=lambda i: (len(chunks[i][1]), i))
        for batch in _batches(order, [len(chunks[i][1]) for i in order], options):
            kwargs: dict[str, Any] = {
                "beam_size": options.beam_size,
                "num_hypotheses": options.num_hypotheses,
                "max_decoding_length": decoding_cap(max(len(chunks[i][1]) for i in batch), options),
                "length_penalty": options.length_penalty,
                "replace_unknowns": options.replace_unknowns,
                "return_scores": True,
            }
            if any(prefixes[i] is not None for i in batch):
                kwargs["target_prefix"] = [prefixes[i] for i in batch]
            if suppress:
                kwargs["suppress_sequences"] = suppress
            try:
                results = loaded.translator.translate_batch([chunks[i][1] for i in batch], **kwargs)
            except (RuntimeError, ValueError) as exc:
                raise BackendError(f"CTranslate2 failed on the {package.pair} model: {exc}") from exc
            self.calls += 1
            for i, result in zip(batch, results, strict=True):
                hyps = []
                for tokens, score in zip(result.hypotheses, result.scores, strict=True):
                    if package.target_prefix and tokens[:1] == [package.target_prefix]:
                        tokens = tokens[1:]
                    hyps.append((list(tokens), float(score)))
                outputs[i] = hyps
        return outputs


def _prefix_tokens(
    loaded: _Loaded,
    chunks: Sequence[tuple[int, list[str]]],
    first_unit: set[int],
    owner: Sequence[int],
    options: DecodeOptions,
) -> list[list[str] | None]:
    """The target prefix of each chunk: the package's language token, and a text's prefix on the first chunk
    of its first sentence."""
    package = loaded.package
    prefix_tokens: list[list[str] | None] = []
    seen_units: set[int] = set()
    for u, _ in chunks:
        prefix = None
        if u in first_unit and u not in seen_units:
            t = owner[u]
            if t < len(options.target_prefixes):
                prefix = options.target_prefixes[t]
        seen_units.add(u)
        # A prefix the model cannot spell is dropped: it decodes freely and the term check reports it.
        tokens = (_known_pieces(loaded.processor, prefix) if prefix else None) or []
        if package.target_prefix:
            tokens = [package.target_prefix, *tokens]
        prefix_tokens.append(tokens or None)
    return prefix_tokens


def _assemble(text: str, plan: _Plan, unit_hyps: Sequence[list[tuple[str, float]]]) -> tuple[Hypothesis, ...]:
    """A text's hypotheses: its sentences' j-th hypotheses joined with the original gaps (scores summed)."""
    if not plan.parts:
        return (Hypothesis(text),)
    count = max(len(unit_hyps[u]) for u, _ in plan.parts)
    hyps_out = []
    for j in range(count):
        out = [plan.lead]
        score = 0.0
        for u, after in plan.parts:
            text_j, score_j = _pad(unit_hyps[u], count)[j]
            out.append(text_j)
            out.append(after)
            score += score_j
        hyps_out.append(Hypothesis("".join(out), score))
    return tuple(hyps_out)


def _known_pieces(processor: Any, text: str) -> list[str] | None:
    """``text`` as SentencePiece pieces, or None when a piece is outside the vocabulary.

    SentencePiece spells a character it has no piece (nor byte fallback) for as the raw character, which
    CTranslate2 refuses in a target prefix or suppressed sequence ("Token C is not in the vocabulary").
    """
    ids = processor.encode(text)
    if any(i == processor.unk_id() for i in ids):
        return None
    return [processor.id_to_piece(i) for i in ids]


def _batches(order: list[int], lengths: list[int], options: DecodeOptions) -> list[list[int]]:
    """Cut ``order`` (sorted shortest first, ``lengths`` in the same order) into CTranslate2 batches.

    A batch holds at most ``max_batch_size`` sentences and, when ``max_batch_tokens`` is set, at most that
    many padded source tokens (sentences x longest): decoding memory grows with both, so short sentences
    travel many to a call and long ones few.

    >>> _batches([0, 1, 2, 3], [5, 5, 20, 40], DecodeOptions(max_batch_size=8, max_batch_tokens=40))
    [[0, 1], [2], [3]]
    """
    batches: list[list[int]] = []
    current: list[int] = []
    for i, length in zip(order, lengths, strict=True):
        over = options.max_batch_tokens and (len(current) + 1) * max(length, 1) > options.max_batch_tokens
        if current and (len(current) >= options.max_batch_size or over):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def decoding_cap(source_tokens: int, options: DecodeOptions) -> int:
    """The most target tokens decoded for a batch whose longest source has ``source_tokens`` tokens.

    >>> decoding_cap(10, DecodeOptions())
    30
    >>> decoding_cap(1000, DecodeOptions())
    512
    """
    return max(1, min(options.max_length, int(options.length_ratio * source_tokens) + options.length_extra))


def _pad(hyps: list[tuple[T, float]], count: int) -> list[tuple[T, float]]:
    """Repeat the last hypothesis so there are ``count`` (a beam can return fewer than asked).

    >>> _pad([("a", -1.0)], 2)
    [('a', -1.0), ('a', -1.0)]
    """
    return hyps + [hyps[-1]] * (count - len(hyps))
