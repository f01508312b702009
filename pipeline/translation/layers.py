"""The translation core: which spans to translate, layer by layer, under the glossary.

Pure apart from the injected translator and memory. The layers, in order, for each span:

1. **phrasebook**: the span is a known site-interface string (``ui-chrome``) with a rendering in the target
   language;
2. **glossary**: the whole span is one glossary term (``МКС`` -> ``ISS``);
3. **memory**: the project translation memory has the span for this language pair, model and glossary
   version;
4. **model**: an installed Argos model translates it. Glossary terms in the span are first replaced by
   their target-language renderings (the model copies them through); when the backend gives n-best lists,
   the first hypothesis that carries every required term and no forbidden variant wins; forbidden
   variants left in the output are replaced by the preferred term; every required term is then checked;
5. otherwise the span stays as it was and is reported ``untranslated`` with the command that would
   install the missing model. Nothing is lost or silently half-translated.

Leading and trailing whitespace of a span never goes through a layer: it is kept as it was.

Each layer is one function (``_phrasebook_layer``, ``_glossary_layer``, ``_memory_layer``, ``_model_layer``,
``_untranslated``) and :func:`translate_jobs` only runs them in order. What the glossary requires is asked
of the matcher (:meth:`~pipeline.glossary.match.TermMatcher.rendering`,
:meth:`~pipeline.glossary.match.TermMatcher.forbidden_renderings`), never read out of its concepts.

**A unit is a whole sentence.** Its inline codes (HTML tags and entities, Markdown emphasis, link brackets
and targets, images, inline code, URLs, e-mail addresses, handles, numbers, codes) are sent as placeholders
``⟦k⟧`` and put back in order (:mod:`pipeline.translation.placeholders`: the form, and the deterministic
repair of a placeholder a model dropped, duplicated or reordered, reported in :attr:`Change.repairs`).
What the model was sent is kept in :attr:`Change.sent`.

**Terms keep the author's punctuation and names.**

* A term is rendered in place (the model copies the rendering through); a code inside a term (the ``07`` of
  ``Союза МС-07``) is part of the term, not a placeholder; a term that would cut a code is not rendered.
* A term match never takes quotes or brackets with it: a match that holds one (``Ракета "Союз`` for the
  variant ``ракета «Союз»``) is matched again between its marks, and each term there is rendered inside the
  author's quotes (``Rocket "Soyuz"``, never ``Soyuz rocket"``); the change's note says so.
* A variant that extends its term (``Союз-2.1а`` of ``Союз-2``) renders as the target variant that extends
  the target term the same way (``Soyuz-2.1a``), when the glossary lists it.
* A common word of the glossary (a concept whose ``pos`` is not ``proper-noun``) that stands as a name is
  not the common word: quoted on its own (``сайт «Орбита»``) or capitalised inside a sentence while the
  glossary writes it in lower case (``на сайте Орбита``). It is transliterated (``«Orbita»``, BGN/PCGN for
  Cyrillic), as the English press writes such names; at a sentence start (``Орбита станции...``) it is the
  common word.
* The phrasebook keeps the segment's own trailing punctuation and case (``Все права защищены.`` ->
  ``All rights reserved.``; ``ПОДПИСАТЬСЯ`` -> ``SUBSCRIBE``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pipeline.detection.scripts import language_script
from pipeline.document import Change, Job, Provenance, Status, TermUse, provenance_of_model
from pipeline.errors import ModelNotInstalled
from pipeline.translation.base import install_hint, model_id_of
from pipeline.translation.phrasebook import Phrasebook

if TYPE_CHECKING:
    from pipeline.glossary.match import TermMatch, TermMatcher
    from pipeline.translation.base import Translator
    from pipeline.translation.memory import MemoryEntry

__all__ = ["Memory", "translate_jobs"]


class Memory(Protocol):
    """The memory operations the core needs (:class:`pipeline.translation.memory.TranslationMemory`)."""

    def lookup(
        self, texts: Iterable[str], source_lang: str, target_lang: str, model: str, glossary_version: str
    ) -> Mapping[str, MemoryEntry]:
        """Return the remembered entry of each text that has one."""
        ...

    def add(self, entries: Iterable[MemoryEntry]) -> int:
        """Remember accepted translations."""
        ...


def _casefold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


_OPEN_MARKS = "«“„‘‹「『([{"


_CLOSE_MARKS = "»”“’›」』)]}"


_QUOTE_MARKS = "\"'"


def _balanced(text: str) -> bool:
    """Whether every quote and bracket in ``text`` is closed inside it.

    >>> _balanced('Ракета "Союз'), _balanced("ракета «Союз»"), _balanced("МКС")
    (False, True, True)
    """
    depth = 0
    for c in text:
        if c in _OPEN_MARKS and not (c == "“" and depth > 0):
            depth += 1
        elif c in _CLOSE_MARKS:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and all(text.count(q) % 2 == 0 for q in _QUOTE_MARKS)


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґў",
        "a b v g d e yo zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya ye i yi g w".split(),  # noqa: SIM905
        strict=True,
    )
)


def transliterate(text: str) -> str:
    """Cyrillic letters in Latin (BGN/PCGN, simplified; hard and soft signs dropped); the rest as it is.

    >>> transliterate("Орбита"), transliterate("Щука-2"), transliterate("ЁЖ")
    ('Orbita', 'Shchuka-2', 'YOZH')
    """
    out: list[str] = []
    for c in text:
        latin = _TRANSLIT.get(c.lower())
        if latin is None:
            out.append(c)
            continue
        latin = latin.replace("_", "")
        if c.isupper():
            latin = latin.upper() if text.isupper() and len(text) > 1 else latin.capitalize()
        out.append(latin)
    return "".join(out)


def _stands_as_name(
    text: str, match: TermMatch, matcher: TermMatcher | None, before_text: str = "", after_text: str = ""
) -> bool:
    """Whether a common-word match stands as a name here (see the module docstring).

    ``before_text`` and ``after_text`` are the unit text around ``text`` (a stray fragment's context).
    """
    if matcher is None or match.form == "abbr":
        return False
    try:
        concept = matcher.concept(match)
    except KeyError:
        return False
    if concept.pos == "proper-noun" or match.matched[:1].isupper() or not match.text[:1].isupper():
        return False
    before = (before_text + text[: match.start]).rstrip()
    after = (text[match.end :] + after_text).lstrip()
    if (
        before[-1:]
        and before[-1] in _OPEN_MARKS + _QUOTE_MARKS
        and after[:1]
        and after[0] in (_CLOSE_MARKS + _QUOTE_MARKS)
    ):
        return True
    # Capitalised inside a sentence (not after a sentence end or at the start).
    return bool(before) and before[-1] not in ".!?…:" + _OPEN_MARKS + _QUOTE_MARKS + "-—–"


_MARKS = _OPEN_MARKS + _CLOSE_MARKS + _QUOTE_MARKS


def _without_marks(
    text: str, matches: Sequence[TermMatch], matcher: TermMatcher, lang: str
) -> tuple[list[TermMatch], list[str]]:
    """The matches with every one that holds a quote or bracket replaced by the matches between its marks.

    ``Ракета "Союз`` (the variant ``ракета «Союз»``) becomes ``Ракета`` and ``Союз``: each is rendered
    where it stands and the author's quotes stay around ``Soyuz``, never swallowed by ``Soyuz rocket``.
    """
    import re
    from dataclasses import replace

    out: list[TermMatch] = []
    notes: list[str] = []
    for m in matches:
        if not any(c in _MARKS for c in m.text):
            out.append(m)
            continue
        notes.append(f"term {m.text!r} rendered inside the author's quotes or brackets, not taking them")
        for piece in re.finditer(f"[^{re.escape(_MARKS)}]+", m.text):
            for sub in matcher.find(piece.group(), lang=lang):
                shift = m.start + piece.start()
                out.append(replace(sub, start=sub.start + shift, end=sub.end + shift))
    out.sort(key=lambda x: (x.start, -x.end))
    return out, notes


def _variant_rendering(
    match: TermMatch, matcher: TermMatcher, rendering: str, source: str, target: str
) -> str:
    """The target variant that extends the rendering as the matched variant extends the source term.

    ``Союз-2.1а`` (a variant of ``Союз-2``) is ``Soyuz-2.1a`` where the target lists it (``Soyuz-2`` +
    ``.1a``, the suffix transliterated); otherwise the preferred term.
    """
    if match.form != "variant":
        return rendering
    try:
        concept = matcher.concept(match)
    except KeyError:
        return rendering
    own, other = concept.term(match.lang or source), concept.term(target)
    if own is None or other is None or not _casefold(match.matched).startswith(_casefold(own.term)):
        return rendering
    wanted = _casefold(rendering + transliterate(match.matched[len(own.term) :]))
    return next((v for v in other.variants if _casefold(v) == wanted), rendering)


@dataclass(frozen=True, slots=True)
class _Masked:
    """What the model is sent for one job.

    Attributes:
        sent: the job's text with codes and names as placeholders and terms as their renderings.
        terms: the terms rendered in place, as ``(concept, source text, rendering)``.
        codes: what each placeholder stands for, in placeholder order.
        notes: why a term was not rendered, or was written as a name.
    """

    sent: str
    terms: tuple[tuple[str, str, str], ...]
    codes: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def bare(self) -> bool:
        """Nothing is left for a model (a name, terms only): the job is written as masked."""
        from pipeline.translation.placeholders import PLACEHOLDER

        return not any(c.isalpha() for c in PLACEHOLDER.sub("", self.sent))


def _mask_job(job: Job, matches: Sequence[TermMatch], target: str, matcher: TermMatcher | None) -> _Masked:
    """What the model is sent for ``job``: codes as placeholders, terms as their renderings."""
    from pipeline.translation.placeholders import placeholder

    text = job.text
    codes = job.relative_codes()
    pieces: list[tuple[int, int, str, str]] = []  # (start, end, kind, replacement)
    used: list[tuple[str, str, str]] = []
    notes: list[str] = []
    cursor = 0
    if matcher is not None:
        matches, trimmed = _without_marks(text, matches, matcher, job.source)
        notes.extend(trimmed)
    for m in matches:
        if m.start < cursor or matcher is None:
            continue
        if any(a < m.end and b > m.start and not (m.start <= a and b <= m.end) for a, b in codes):
            continue  # the term would cut a code
        inner = [(a, b) for a, b in codes if m.start <= a and b <= m.end]
        if any(not _is_token(text[a:b]) for a, b in inner):
            continue  # markup inside the term: the words go to the model as they are
        if _stands_as_name(text, m, matcher, job.before, job.after):
            name = transliterate(m.text) if language_script(job.source) == "Cyrillic" else m.text
            notes.append(f"{m.text!r} stands as a name here: written {name!r}, not the common word")
            pieces.append((m.start, m.end, "name", name))
            cursor = m.end
            continue
        rendering = matcher.rendering(m, target)
        if rendering is None:
            continue
        rendering = _variant_rendering(m, matcher, rendering, job.source, target)
        if m.text[:1].isupper() and m.matched[:1].islower() and rendering[:1].islower():
            rendering = rendering[0].upper() + rendering[1:]  # capitalised where it stands (sentence start)
        pieces.append((m.start, m.end, "term", rendering))
        used.append((m.concept_id, m.text, rendering))
        cursor = m.end
    for a, b in codes:
        if not any(p[0] <= a and b <= p[1] for p in pieces):
            pieces.append((a, b, "code", text[a:b]))
    pieces.sort()
    out: list[str] = []
    kept_codes: list[str] = []
    cursor = 0
    for start, end, kind, value in pieces:
        out.append(text[cursor:start])
        if kind in ("code", "name"):
            out.append(placeholder(len(kept_codes)))
            kept_codes.append(value)
        else:
            out.append(value)
        cursor = end
    out.append(text[cursor:])
    return _Masked("".join(out), tuple(used), tuple(kept_codes), tuple(notes))


def _only_run(job: Job) -> tuple[int, int] | None:
    """The one run of ``job.text`` (between codes) that holds letters, when there is just one, trimmed of the
    non-letters at its edges (``© 2024 Все права защищены.`` -> ``Все права защищены.``).

    Without codes it is the whole text.
    """
    if not job.codes:
        return 0, len(job.text)
    runs: list[tuple[int, int]] = []
    cursor = 0
    for a, b in [*job.relative_codes(), (len(job.text), len(job.text))]:
        if any(c.isalpha() for c in job.text[cursor:a]):
            runs.append((cursor, a))
        cursor = b
    if len(runs) != 1:
        return None
    start, end = runs[0]
    while start < end and not job.text[start].isalpha():
        start += 1
    return (start, end) if start < end else None


def _is_token(code: str) -> bool:
    """A standalone code (number, URL, handle, entity...), as opposed to markup around words."""
    from pipeline.translation.placeholders import is_paired

    return not is_paired(code) and not code.startswith("<")


def _post_edit(text: str, forbidden: Mapping[str, str]) -> str:
    """Replace every forbidden variant left in ``text`` by the preferred term (longest first, any case)."""
    for bad, good in sorted(forbidden.items(), key=lambda kv: -len(kv[0])):
        lowered = _casefold(text)
        needle = _casefold(bad)
        index = lowered.find(needle)
        while index >= 0 and len(lowered) == len(text):
            text = text[:index] + good + text[index + len(bad) :]
            lowered = _casefold(text)
            index = lowered.find(needle, index + len(good))
    return text


@dataclass(frozen=True, slots=True)
class _Layers:
    """What the layers are run with (the arguments of :func:`translate_jobs`)."""

    target: str
    translator: Translator | None
    phrasebook: Phrasebook | None
    matcher: TermMatcher | None
    memory: Memory | None
    glossary_version: str
    n_best: int
    document: Callable[[Job], object] | None = None


#: A job still to translate: its index in the run, the job, and the glossary matches in its text.
_Pending = tuple[int, Job, Sequence["TermMatch"]]


def translate_jobs(
    jobs: Sequence[Job],
    *,
    target: str,
    translator: Translator | None,
    phrasebook: Phrasebook | None = None,
    matcher: TermMatcher | None = None,
    memory: Memory | None = None,
    glossary_version: str = "",
    n_best: int = 4,
    document: Callable[[Job], object] | None = None,
) -> list[Change]:
    """Translate every job layer by layer (see the module docstring); one :class:`Change` per job.

    The forbidden variants of the glossary concepts met anywhere in a document are banned from all of its
    translations; the model gets the jobs of one source language in one batch for each set of banned
    variants (documents that ban the same, most often none, share it).

    Args:
        jobs: spans to translate.
        target: target language.
        translator: the machine-translation backend, or None for memory-only runs.
        phrasebook: interface strings in force.
        matcher: glossary term matcher in force.
        memory: project translation memory.
        glossary_version: version string of the glossaries in force (keys the memory).
        n_best: hypotheses asked of a backend that can give n-best lists.
        document: which document a job belongs to (a JSON Lines record: each is an article of its own, and
            a file translated in ranges gives what the whole file gives); default: all jobs are one.

    Returns:
        Changes in the order of ``jobs``.

    Raises:
        BackendError: the backend failed for another reason than a missing model.
    """
    layers = _Layers(target, translator, phrasebook, matcher, memory, glossary_version, n_best, document)
    results: dict[int, Change] = {}
    pending: dict[str, list[_Pending]] = {}
    for i, job in enumerate(jobs):
        change = _phrasebook_layer(job, target, phrasebook)
        if change is not None:
            results[i] = change
            continue
        matches = matcher.find(job.text, lang=job.source) if matcher else []
        change = _glossary_layer(job, matches, target, matcher)
        if change is not None:
            results[i] = change
        else:
            pending.setdefault(job.source, []).append((i, job, matches))
    for source in sorted(pending):
        results.update(_translate_pair(layers, source, pending[source]))
    return [results[i] for i in sorted(results)]


def _phrasebook_layer(job: Job, target: str, phrasebook: Phrasebook | None) -> Change | None:
    """Layer 1: the job's one prose run is a known interface string with a rendering in ``target``."""
    run = _only_run(job) if phrasebook else None
    if phrasebook is None or run is None:
        return None
    start, end = run
    hit = phrasebook.lookup(job.text[start:end], target)
    if hit is None:
        return None
    return Change(
        unit=job.unit,
        start=job.start + start,
        end=job.start + end,
        source_text=job.text[start:end],
        target_text=hit,
        source_lang=job.source,
        target_lang=target,
        provenance=Provenance.PHRASEBOOK,
        status=Status.TRANSLATED,
    )


def _glossary_layer(
    job: Job, matches: Sequence[TermMatch], target: str, matcher: TermMatcher | None
) -> Change | None:
    """Layer 2: the whole job (without codes) is one glossary term, not standing as a name."""
    if matcher is None or job.codes or len(matches) != 1:
        return None
    match = matches[0]
    if (match.start, match.end) != (0, len(job.text)) or _stands_as_name(
        job.text, match, matcher, job.before, job.after
    ):
        return None
    rendering = matcher.rendering(match, target)
    if rendering is None:
        return None
    term = TermUse(match.concept_id, job.text, rendering, True)
    return job.change(rendering, target, Provenance.GLOSSARY, Status.TRANSLATED, terms=(term,))


def _translate_pair(layers: _Layers, source: str, todo: Sequence[_Pending]) -> dict[int, Change]:
    """Layers 3-5 for the jobs of one source language: memory, then the model, else untranslated."""
    model, missing = "", install_hint(source, layers.target)
    if layers.translator is not None:
        try:
            model = model_id_of(layers.translator, source, layers.target)
        except ModelNotInstalled as exc:
            missing = exc.message
    out = _memory_layer(layers, source, model, todo)
    rest = [item for item in todo if item[0] not in out]
    if rest and (layers.translator is None or not model):
        out.update((i, _untranslated(job, layers.target, missing)) for i, job, _ in rest)
    elif rest and layers.translator is not None:
        out.update(_model_layer(layers, layers.translator, source, model, rest))
    return out


def _memory_layer(layers: _Layers, source: str, model: str, todo: Sequence[_Pending]) -> dict[int, Change]:
    """Layer 3: the memory has the job for this pair, model (or any model) and glossary version."""
    from pipeline.translation.memory import ANY

    if layers.memory is None:
        return {}
    texts = [job.text for _, job, _ in todo]
    known = layers.memory.lookup(texts, source, layers.target, model or ANY, layers.glossary_version)
    out: dict[int, Change] = {}
    for i, job, matches in todo:
        entry = known.get(job.text)
        if entry is None:
            continue
        out[i] = job.change(
            entry.target,
            layers.target,
            Provenance.MEMORY,
            Status.TRANSLATED,
            terms=_term_uses(matches, entry.target, layers.matcher, layers.target),
            codes=job.code_texts(),
        )
    return out


def _model_layer(
    layers: _Layers, translator: Translator, source: str, model: str, todo: Sequence[_Pending]
) -> dict[int, Change]:
    """Layer 4: the model translates the masked jobs; accepted outputs go to the memory.

    A job with nothing left for a model once masked (a name, terms only) is written as masked.
    """
    from pipeline.translation.memory import MemoryEntry

    target = layers.target
    masked = [_mask_job(job, matches, target, layers.matcher) for _, job, matches in todo]
    out = {
        i: _written_as_masked(job, m, target) for (i, job, _), m in zip(todo, masked, strict=True) if m.bare
    }
    every = [(i, job, m) for (i, job, _), m in zip(todo, masked, strict=True)]
    sent = [item for item in every if not item[2].bare]
    provenance = provenance_of_model(model)
    accepted: list[MemoryEntry] = []
    for forbidden, batch in _batches(layers, every):
        try:
            outputs = _decode(translator, [m for _, _, m in batch], source, target, forbidden, layers.n_best)
        except ModelNotInstalled as exc:
            out.update((i, _untranslated(job, target, exc.message)) for i, job, _ in sent)
            return out
        for (i, job, m), output in zip(batch, outputs, strict=True):
            out[i] = change = _model_change(job, m, output, forbidden, target, provenance)
            if (
                change.status is Status.TRANSLATED and change.target_text and not change.repairs
            ):  # a repair is a guess
                accepted.append(
                    MemoryEntry(
                        job.text,
                        source,
                        target,
                        change.target_text,
                        model,
                        layers.glossary_version,
                        provenance,
                    )
                )
    if layers.memory is not None and accepted:
        layers.memory.add(accepted)
    return out


def _batches(
    layers: _Layers, every: Sequence[tuple[int, Job, _Masked]]
) -> list[tuple[Mapping[str, str], list[tuple[int, Job, _Masked]]]]:
    """The jobs of ``every`` not bare once masked, in batches for the model, each with the forbidden
    variants banned in it: those of the concepts met in every job of the same document
    (:attr:`_Layers.document`), so jobs of documents that ban the same share a batch. Batches in the order
    of their first job."""
    document = layers.document or (lambda job: None)
    concepts: dict[object, set[str]] = {}
    for _, job, m in every:
        concepts.setdefault(document(job), set()).update(concept for concept, _, _ in m.terms)
    matcher = layers.matcher
    banned = {
        key: matcher.forbidden_renderings(found, layers.target) if matcher else {}
        for key, found in concepts.items()
    }
    batches: dict[tuple[tuple[str, str], ...], list[tuple[int, Job, _Masked]]] = {}
    for item in (item for item in every if not item[2].bare):
        batches.setdefault(tuple(sorted(banned[document(item[1])].items())), []).append(item)
    return [(dict(key), items) for key, items in batches.items()]


def _decode(
    translator: Translator,
    masked: Sequence[_Masked],
    source: str,
    target: str,
    forbidden: Mapping[str, str],
    n_best: int,
) -> list[str]:
    """The model's output for each masked job.

    A backend that gives n-best lists decodes with the forbidden variants banned and keeps the hypothesis
    that carries every required term.

    Raises:
        ModelNotInstalled: nothing covers the pair.
    """
    from pipeline.translation.base import DecodeOptions, HypothesisTranslator, choose_hypothesis

    texts = [m.sent for m in masked]
    if not (isinstance(translator, HypothesisTranslator) and n_best > 1):
        return translator.translate_batch(texts, source, target)
    banned = sorted(forbidden)
    options = DecodeOptions(beam_size=max(4, n_best), num_hypotheses=n_best, suppress_sequences=tuple(banned))
    hypotheses = translator.translate_hypotheses(texts, source, target, options)
    return [
        choose_hypothesis(hyps, [rendering for _, _, rendering in m.terms], banned)[0].text
        for hyps, m in zip(hypotheses, masked, strict=True)
    ]


def _model_change(
    job: Job, masked: _Masked, output: str, forbidden: Mapping[str, str], target: str, provenance: str
) -> Change:
    """The change of a model's output: forbidden variants replaced, codes put back, terms checked."""
    from pipeline.translation.placeholders import restore

    restored = restore(_post_edit(output.strip(), forbidden), masked.codes)
    text = restored.text
    uses = tuple(TermUse(c, s, t, _casefold(t) in _casefold(text)) for c, s, t in masked.terms)
    status = Status.TRANSLATED if all(u.honoured for u in uses) else Status.TERM_MISSED
    parts = list(masked.notes)
    if status is not Status.TRANSLATED:
        missed = ", ".join(u.target for u in uses if not u.honoured)
        parts.insert(0, f"required glossary term(s) missing: {missed}")
    if restored.repairs:
        parts.append("placeholders repaired: " + ", ".join(restored.repairs))
    return job.change(
        text,
        target,
        provenance,
        status,
        terms=uses,
        note="; ".join(parts),
        codes=tuple(c for c in masked.codes if c in job.text),
        sent=masked.sent,
        repairs=restored.repairs,
    )


def _written_as_masked(job: Job, masked: _Masked, target: str) -> Change:
    """The change of a job the glossary alone answers once masked (its renderings and names in place)."""
    from pipeline.translation.placeholders import restore

    return job.change(
        restore(masked.sent, masked.codes).text,
        target,
        Provenance.GLOSSARY,
        Status.TRANSLATED,
        terms=tuple(TermUse(c, s, t, True) for c, s, t in masked.terms),
        note="; ".join(masked.notes),
        codes=tuple(c for c in masked.codes if c in job.text),
    )


def _term_uses(
    matches: Sequence[TermMatch], output: str, matcher: TermMatcher | None, target: str
) -> tuple[TermUse, ...]:
    """The glossary terms of a job's matches and whether ``output`` honours each."""
    if matcher is None:
        return ()
    uses = []
    for m in matches:
        rendering = matcher.rendering(m, target)
        if rendering is not None:
            uses.append(TermUse(m.concept_id, m.text, rendering, _casefold(rendering) in _casefold(output)))
    return tuple(uses)


def _untranslated(job: Job, target: str, note: str) -> Change:
    """Layer 5: the job stays as it was, with the reason (e.g. the command that installs the model)."""
    return job.change(job.text, target, Provenance.UNTRANSLATED, Status.UNTRANSLATED, note=note)
