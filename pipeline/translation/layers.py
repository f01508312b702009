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

**A unit is a whole sentence.** Its inline codes (HTML tags and entities, Markdown emphasis, link brackets
and targets, images, inline code, URLs, e-mail addresses, handles, numbers, codes) are sent as placeholders
``⟦k⟧`` and put back in order (:mod:`pipeline.translation.placeholders`: the form, and the deterministic
repair of a placeholder a model dropped, duplicated or reordered, reported in :attr:`Change.repairs`).
What the model was sent is kept in :attr:`Change.sent`.

**Terms keep the author's punctuation and names.**

* A term is rendered in place (the model copies the rendering through); a code inside a term (the ``07`` of
  ``Союза МС-07``) is part of the term, not a placeholder; a term that would cut a code is not rendered.
* A match whose quotes or brackets are unbalanced (``Ракета "Союз`` for the variant ``ракета «Союз»``) is
  not rendered: a rendering would swallow the author's quote. The words go to the model as written.
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
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from pipeline.document import Change, Job, Status, TermUse
from pipeline.errors import ModelNotInstalled
from pipeline.translation.phrasebook import Phrasebook
from pipeline.translation.plan import _CYRILLIC_LANGS

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


def _rendering(matcher: TermMatcher | None, match: TermMatch, target: str) -> str | None:
    """The required target rendering of a match: an abbreviation renders as the target's abbreviation."""
    return matcher.rendering(match, target) if matcher is not None else match.rendering(target)


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


def _mask_job(
    job: Job, matches: Sequence[TermMatch], target: str, matcher: TermMatcher | None = None
) -> tuple[str, list[tuple[str, str, str]], tuple[str, ...], list[str]]:
    """What the model is sent for ``job``: codes as placeholders, terms as their renderings.

    Returns:
        ``(sent, used terms as (concept, source, target), codes, notes)``.
    """
    from pipeline.translation.placeholders import placeholder

    text = job.text
    codes = job.relative_codes()
    pieces: list[tuple[int, int, str, str]] = []  # (start, end, kind, replacement)
    used: list[tuple[str, str, str]] = []
    notes: list[str] = []
    cursor = 0
    for m in matches:
        if m.start < cursor:
            continue
        if any(a < m.end and b > m.start and not (m.start <= a and b <= m.end) for a, b in codes):
            continue  # the term would cut a code
        inner = [(a, b) for a, b in codes if m.start <= a and b <= m.end]
        if any(not _is_token(text[a:b]) for a, b in inner):
            continue  # markup inside the term: the words go to the model as they are
        if not _balanced(m.text):
            notes.append(f"term {m.text!r} not rendered: it would take the author's quotes or brackets")
            continue
        if _stands_as_name(text, m, matcher, job.before, job.after):
            name = transliterate(m.text) if job.source in _CYRILLIC_LANGS else m.text
            notes.append(f"{m.text!r} stands as a name here: written {name!r}, not the common word")
            pieces.append((m.start, m.end, "name", name))
            cursor = m.end
            continue
        rendering = _rendering(matcher, m, target)
        if rendering is None:
            continue
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
    return "".join(out), used, tuple(kept_codes), notes


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


def _forbidden_for(matcher: TermMatcher, concept_ids: Iterable[str], target: str) -> dict[str, str]:
    """Forbidden target-language variants of these concepts -> the preferred term."""
    out: dict[str, str] = {}
    for concept_id in concept_ids:
        for glossary in matcher.glossaries:
            concept = glossary.get(concept_id)
            entry = concept.term(target) if concept else None
            if entry is not None:
                for bad in entry.forbidden:
                    if "{n}" not in bad:
                        out[bad] = entry.term
    return out


def _post_edit(text: str, forbidden: Mapping[str, str]) -> str:
    for bad, good in sorted(forbidden.items(), key=lambda kv: -len(kv[0])):
        lowered = _casefold(text)
        needle = _casefold(bad)
        index = lowered.find(needle)
        while index >= 0 and len(lowered) == len(text):
            text = text[:index] + good + text[index + len(bad) :]
            lowered = _casefold(text)
            index = lowered.find(needle, index + len(good))
    return text


def _install_hint(source: str, target: str) -> str:
    return f"no {source}→{target} model installed; run `glossa models install FILE.argosmodel`"


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
) -> list[Change]:
    """Translate every job layer by layer (see the module docstring); one :class:`Change` per job.

    Args:
        jobs: spans to translate.
        target: target language.
        translator: the machine-translation backend, or None for memory-only runs.
        phrasebook: interface strings in force.
        matcher: glossary term matcher in force.
        memory: project translation memory.
        glossary_version: version string of the glossaries in force (keys the memory).
        n_best: hypotheses asked of a backend that can give n-best lists.

    Returns:
        Changes in the order of ``jobs``.

    Raises:
        BackendError: the backend failed for another reason than a missing model.
    """
    from pipeline.translation.base import DecodeOptions, HypothesisTranslator, choose_hypothesis, model_id_of
    from pipeline.translation.memory import MemoryEntry

    results: list[Change | None] = [None] * len(jobs)
    pending: dict[str, list[int]] = {}
    for i, job in enumerate(jobs):
        run = _only_run(job) if phrasebook else None
        hit = phrasebook.lookup(job.text[run[0] : run[1]], target) if phrasebook and run else None
        if hit is not None and run is not None:
            results[i] = Change(
                job.unit,
                job.start + run[0],
                job.start + run[1],
                job.text[run[0] : run[1]],
                hit,
                job.source,
                target,
                "phrasebook",
                Status.TRANSLATED,
            )
            continue
        matches = matcher.find(job.text, lang=job.source) if matcher else []
        whole = len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(job.text))
        if (
            whole
            and not job.codes
            and not _stands_as_name(job.text, matches[0], matcher, job.before, job.after)
        ):
            rendering = _rendering(matcher, matches[0], target)
            if rendering is not None:
                term = TermUse(matches[0].concept_id, job.text, rendering, True)
                results[i] = Change(
                    job.unit,
                    job.start,
                    job.end,
                    job.text,
                    rendering,
                    job.source,
                    target,
                    "glossary",
                    Status.TRANSLATED,
                    (term,),
                )
                continue
        pending.setdefault(job.source, []).append(i)

    for source in sorted(pending):
        indices = pending[source]
        model = ""
        missing = _install_hint(source, target)
        if translator is not None:
            try:
                model = model_id_of(translator, source, target)
            except ModelNotInstalled as exc:
                missing = exc.message
        todo: list[int] = []
        texts = [jobs[i].text for i in indices]
        known = memory.lookup(texts, source, target, model or "*", glossary_version) if memory else {}
        for i in indices:
            job = jobs[i]
            entry = known.get(job.text)
            if entry is not None:
                uses = _term_uses(job.text, entry.target, matcher, source, target)
                results[i] = Change(
                    job.unit,
                    job.start,
                    job.end,
                    job.text,
                    entry.target,
                    source,
                    target,
                    "memory",
                    Status.TRANSLATED,
                    uses,
                    codes=job.code_texts(),
                )
            else:
                todo.append(i)
        if not todo:
            continue
        if translator is None or not model:
            for i in todo:
                results[i] = _untranslated(jobs[i], target, missing)
            continue
        masked: list[str] = []
        required: list[list[tuple[str, str, str]]] = []
        job_codes: list[tuple[str, ...]] = []
        job_notes: list[list[str]] = []
        for i in todo:
            text, used, codes, notes = _mask_job(
                jobs[i], matcher.find(jobs[i].text, lang=source) if matcher else [], target, matcher
            )
            masked.append(text)
            required.append(used)
            job_codes.append(codes)
            job_notes.append(notes)
        forbidden = (
            _forbidden_for(matcher, {c for used in required for c, _, _ in used}, target) if matcher else {}
        )
        from pipeline.translation.placeholders import PLACEHOLDER, restore

        bare = [k for k, text in enumerate(masked) if not any(c.isalpha() for c in PLACEHOLDER.sub("", text))]
        for k in bare:  # nothing left for a model (a name, terms only): written as masked
            job = jobs[todo[k]]
            results[todo[k]] = Change(
                job.unit,
                job.start,
                job.end,
                job.text,
                restore(masked[k], job_codes[k]).text,
                source,
                target,
                "glossary",
                Status.TRANSLATED,
                tuple(TermUse(c, s_, t, True) for c, s_, t in required[k]),
                "; ".join(job_notes[k]),
                codes=tuple(c for c in job_codes[k] if c in job.text),
            )
        keep = [k for k in range(len(todo)) if k not in set(bare)]
        todo = [todo[k] for k in keep]
        masked = [masked[k] for k in keep]
        required = [required[k] for k in keep]
        job_codes = [job_codes[k] for k in keep]
        job_notes = [job_notes[k] for k in keep]
        if not todo:
            continue
        try:
            if isinstance(translator, HypothesisTranslator) and n_best > 1:
                # n-best with the forbidden variants banned; keep the hypothesis that carries every term.
                options = DecodeOptions(
                    beam_size=max(4, n_best),
                    num_hypotheses=n_best,
                    suppress_sequences=tuple(sorted(forbidden)),
                )
                hyps = translator.translate_hypotheses(masked, source, target, options)
                outputs = [
                    choose_hypothesis(hyp_list, [t for _, _, t in used], sorted(forbidden))[0].text
                    for hyp_list, used in zip(hyps, required, strict=True)
                ]
            else:
                outputs = translator.translate_batch(masked, source, target)
        except ModelNotInstalled as exc:
            for i in todo:
                results[i] = _untranslated(jobs[i], target, exc.message)
            continue
        accepted: list[MemoryEntry] = []
        provenance = model if ":" in model else f"argos:{model}"
        for i, sent, out, used, codes, notes in zip(
            todo, masked, outputs, required, job_codes, job_notes, strict=True
        ):
            job = jobs[i]
            restored = restore(_post_edit(out.strip(), forbidden), codes)
            out = restored.text
            uses = tuple(TermUse(c, s, t, _casefold(t) in _casefold(out)) for c, s, t in used)
            status = Status.TRANSLATED if all(u.honoured for u in uses) else Status.TERM_MISSED
            parts = list(notes)
            if status is not Status.TRANSLATED:
                parts.insert(
                    0,
                    "required glossary term(s) missing: "
                    + ", ".join(u.target for u in uses if not u.honoured),
                )
            if restored.repairs:
                parts.append("placeholders repaired: " + ", ".join(restored.repairs))
            results[i] = Change(
                job.unit,
                job.start,
                job.end,
                job.text,
                out,
                source,
                target,
                provenance,
                status,
                uses,
                "; ".join(parts),
                codes=tuple(c for c in codes if c in job.text),
                sent=sent,
                repairs=restored.repairs,
            )
            if status is Status.TRANSLATED and out and not restored.repairs:  # a repair is a guess
                accepted.append(
                    MemoryEntry(job.text, source, target, out, model, glossary_version, provenance)
                )
        if memory is not None and accepted:
            memory.add(accepted)
    return [r for r in results if r is not None]


def _term_uses(
    source_text: str, output: str, matcher: TermMatcher | None, source: str, target: str
) -> tuple[TermUse, ...]:
    if matcher is None:
        return ()
    uses = []
    for m in matcher.find(source_text, lang=source):
        rendering = _rendering(matcher, m, target)
        if rendering is not None:
            uses.append(TermUse(m.concept_id, m.text, rendering, _casefold(rendering) in _casefold(output)))
    return tuple(uses)


def _untranslated(job: Job, target: str, note: str) -> Change:
    return Change(
        job.unit,
        job.start,
        job.end,
        job.text,
        job.text,
        job.source,
        target,
        "untranslated",
        Status.UNTRANSLATED,
        note=note,
    )
