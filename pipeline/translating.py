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
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from pipeline.errors import ModelNotInstalled
from pipeline.models import Document, Finding, FindingKind, Segment, line_col

if TYPE_CHECKING:
    from pipeline.detection.chrome import ChromeIndex
    from pipeline.glossary.match import TermMatch, TermMatcher
    from pipeline.translation.base import Translator
    from pipeline.translation.memory import MemoryEntry

__all__ = [
    "Change",
    "Job",
    "Memory",
    "Phrasebook",
    "Scope",
    "Status",
    "TermUse",
    "plan_all",
    "plan_stray",
    "translate_jobs",
]


class Scope(StrEnum):
    """What ``glossa translate`` translates."""

    stray = "stray"
    all = "all"


class Status(StrEnum):
    """The outcome for one span."""

    TRANSLATED = "translated"
    TERM_MISSED = "term-missed"
    UNTRANSLATED = "untranslated"
    REPLACED = "replaced"  # a homoglyph word respelled
    DROPPED = "dropped"  # a ui-chrome line removed with --drop-chrome


@dataclass(frozen=True, slots=True)
class Job:
    """One span of one unit to translate.

    Attributes:
        unit: index into :attr:`Document.units`.
        start: start offset in the unit's text.
        end: end offset (exclusive).
        text: the span's text.
        source: its language (ISO 639-1).
        reason: why it is translated: ``foreign-text``, ``ui-chrome`` or ``scope-all``.
    """

    unit: int
    start: int
    end: int
    text: str
    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class TermUse:
    """A glossary term the source span contained, and whether the output honours it.

    Attributes:
        concept: glossary concept id.
        source: the source text that matched.
        target: the required target rendering.
        honoured: the output contains ``target``.
    """

    concept: str
    source: str
    target: str
    honoured: bool


@dataclass(frozen=True, slots=True)
class Change:
    """What happened to one span.

    Attributes:
        unit: index into :attr:`Document.units`.
        start: start offset in the unit's text.
        end: end offset (exclusive).
        source_text: the original span.
        target_text: what replaces it (equal to ``source_text`` when untranslated).
        source_lang: language of the span.
        target_lang: target language.
        provenance: ``phrasebook``, ``glossary``, ``memory``, ``argos:<model>``, ``homoglyph``, ``dropped`` or
            ``untranslated``.
        status: the outcome.
        terms: glossary terms in the span and whether they were honoured.
        note: one sentence for people (e.g. the command that installs a missing model).
    """

    unit: int
    start: int
    end: int
    source_text: str
    target_text: str
    source_lang: str
    target_lang: str
    provenance: str
    status: Status
    terms: tuple[TermUse, ...] = ()
    note: str = ""

    @property
    def changed(self) -> bool:
        """Whether the document changes at this span."""
        return self.target_text != self.source_text


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


@dataclass(frozen=True, slots=True)
class Phrasebook:
    """Interface strings and glossary renderings used as a translation memory.

    Attributes:
        chrome: index of interface phrases (any language) to their English rendering.
        renderings: normalised phrase -> ``(language, rendering)`` pairs, for targets other than English.
    """

    chrome: ChromeIndex | None
    renderings: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def lookup(self, text: str, target: str) -> str | None:
        """Return the target rendering of a whole interface string, or None."""
        if self.chrome is None:
            return None
        entry = self.chrome.match(text)
        if entry is None:
            return None
        if target == "en":
            return entry.english
        from pipeline.detection.chrome import normalise_chrome

        for lang, rendering in self.renderings.get(normalise_chrome(entry.phrase), ()):
            if lang == target:
                return rendering
        return None


def _unit_of(doc: Document, finding: Finding) -> int:
    if finding.record is None:
        return 0
    for index, unit in enumerate(doc.units):
        if unit.record == finding.record:
            return index
    raise ValueError(f"finding for record {finding.record} has no unit")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole line(s) holding ``[start, end)``, with its line end."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end + 1


def plan_stray(
    doc: Document, findings: Sequence[Finding], *, target: str, drop_chrome: bool = False
) -> tuple[list[Job], list[Change]]:
    """Turn audit findings into translation jobs and direct changes.

    ``foreign-text`` findings become jobs; ``ui-chrome`` findings in a language other than ``target`` become
    jobs (the phrasebook usually answers them), or, with ``drop_chrome``, whole-line removals (any language);
    ``homoglyph`` findings with a replacement are respelled directly.

    Returns:
        ``(jobs, changes)`` in document order.
    """
    jobs: list[Job] = []
    changes: list[Change] = []
    for f in findings:
        unit = _unit_of(doc, f)
        text = doc.units[unit].text
        if f.kind is FindingKind.HOMOGLYPH and f.replacement:
            changes.append(
                Change(
                    unit,
                    f.start,
                    f.end,
                    f.text,
                    f.replacement,
                    f.language or target,
                    target,
                    "homoglyph",
                    Status.REPLACED,
                    note="respelled with the letters of its script",
                )
            )
        elif f.kind is FindingKind.UI_CHROME and drop_chrome:
            start, end = _line_span(text, f.start, f.end)
            if text[start:end].strip() == text[f.start : f.end].strip():
                changes.append(
                    Change(
                        unit,
                        start,
                        end,
                        text[start:end],
                        "",
                        f.language or target,
                        target,
                        "dropped",
                        Status.DROPPED,
                        note="site interface text removed (--drop-chrome)",
                    )
                )
            else:  # the chrome shares its line with other text: remove just the span
                changes.append(
                    Change(
                        unit,
                        f.start,
                        f.end,
                        f.text,
                        "",
                        f.language or target,
                        target,
                        "dropped",
                        Status.DROPPED,
                        note="site interface text removed (--drop-chrome)",
                    )
                )
        elif f.kind in (FindingKind.FOREIGN_TEXT, FindingKind.UI_CHROME):
            if not f.language or f.language == target:
                continue
            start, end = _strip(text, f.start, f.end)
            if start < end:
                jobs.append(Job(unit, start, end, text[start:end], f.language, f.kind.value))
    return split_protected(doc, jobs), changes


def split_protected(doc: Document, jobs: Sequence[Job]) -> list[Job]:
    """Cut jobs at the protected spans of the document's segments (HTML tags and entities, inline code,
    URLs), so markup is never sent to translation nor escaped twice on the way back.
    """
    import bisect

    spans: dict[int, list[tuple[int, int]]] = {}
    for seg in doc.segments:
        spans.setdefault(seg.unit, []).extend(seg.protected)
    for unit_spans in spans.values():
        unit_spans.sort()
    out: list[Job] = []
    for job in jobs:
        unit_spans = spans.get(job.unit, [])
        first = max(0, bisect.bisect_left(unit_spans, (job.start, job.start)) - 1)
        inside = [
            (max(a, job.start), min(b, job.end))
            for a, b in unit_spans[first:]
            if a < job.end and b > job.start
        ]
        if not inside:
            out.append(job)
            continue
        text = doc.units[job.unit].text
        cursor = job.start
        for p_start, p_end in [*inside, (job.end, job.end)]:
            if p_start > cursor:
                start, end = _strip(text, cursor, p_start)
                if start < end and any(c.isalpha() for c in text[start:end]):
                    out.append(replace(job, start=start, end=end, text=text[start:end]))
            cursor = max(cursor, p_end)
            if unit_spans and p_start >= job.end:
                break
    return out


def plan_all(doc: Document, segments: Iterable[Segment], *, source: str) -> list[Job]:
    """Make a job of every prose run of every segment (protected spans are never sent)."""
    jobs: list[Job] = []
    for seg in segments:
        text = doc.units[seg.unit].text
        cursor = seg.start
        for p_start, p_end in [*sorted(seg.protected), (seg.end, seg.end)]:
            p_start = max(p_start, seg.start)
            if p_start > cursor:
                start, end = _strip(text, cursor, min(p_start, seg.end))
                if start < end and any(c.isalpha() for c in text[start:end]):
                    jobs.append(Job(seg.unit, start, end, text[start:end], source, "scope-all"))
            cursor = max(cursor, min(p_end, seg.end))
    return jobs


def _casefold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _rendering(matcher: TermMatcher | None, match: TermMatch, target: str) -> str | None:
    """The required target rendering of a match: an abbreviation renders as the target's abbreviation."""
    if matcher is not None and match.form == "abbr":
        from pipeline.glossary.model import fill_number

        entry = matcher.concept(match).term(target)
        if entry is not None and entry.abbr:
            return fill_number(entry.abbr[0], match.number)
    return match.rendering(target)


def _mask(
    job_text: str, matches: Sequence[TermMatch], target: str, matcher: TermMatcher | None = None
) -> tuple[str, list[tuple[str, str, str]]]:
    """Replace each matched term by its target rendering; return the masked text and (concept, src, tgt)."""
    out: list[str] = []
    used: list[tuple[str, str, str]] = []
    cursor = 0
    for m in matches:
        rendering = _rendering(matcher, m, target)
        if rendering is None or m.start < cursor:
            continue
        out.append(job_text[cursor : m.start])
        out.append(rendering)
        used.append((m.concept_id, m.text, rendering))
        cursor = m.end
    out.append(job_text[cursor:])
    return "".join(out), used


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
        hit = phrasebook.lookup(job.text, target) if phrasebook else None
        if hit is not None:
            results[i] = Change(
                job.unit,
                job.start,
                job.end,
                job.text,
                hit,
                job.source,
                target,
                "phrasebook",
                Status.TRANSLATED,
            )
            continue
        matches = matcher.find(job.text, lang=job.source) if matcher else []
        if len(matches) == 1 and (matches[0].start, matches[0].end) == (0, len(job.text)):
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
        for i in todo:
            text, used = _mask(
                jobs[i].text, matcher.find(jobs[i].text, lang=source) if matcher else [], target, matcher
            )
            masked.append(text)
            required.append(used)
        forbidden = (
            _forbidden_for(matcher, {c for used in required for c, _, _ in used}, target) if matcher else {}
        )
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
        for i, out, used in zip(todo, outputs, required, strict=True):
            job = jobs[i]
            out = _post_edit(out.strip(), forbidden)
            uses = tuple(TermUse(c, s, t, _casefold(t) in _casefold(out)) for c, s, t in used)
            status = Status.TRANSLATED if all(u.honoured for u in uses) else Status.TERM_MISSED
            note = (
                ""
                if status is Status.TRANSLATED
                else "required glossary term(s) missing: "
                + ", ".join(u.target for u in uses if not u.honoured)
            )
            results[i] = Change(
                job.unit, job.start, job.end, job.text, out, source, target, provenance, status, uses, note
            )
            if status is Status.TRANSLATED and out:
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


def locate(doc: Document, change: Change) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of a change's start in its file."""
    unit = doc.units[change.unit]
    if unit.record is not None:
        return unit.line, change.start + 1
    return line_col(unit.text, change.start, first_line=unit.line)


def merge_changes(changes: Iterable[Change]) -> list[Change]:
    """Sort changes by place and drop any that overlaps an earlier one (first wins)."""
    out: list[Change] = []
    last: dict[int, int] = {}
    for change in sorted(changes, key=lambda c: (c.unit, c.start, -c.end)):
        if change.start < last.get(change.unit, -1):
            continue
        out.append(change)
        last[change.unit] = max(change.end, change.start + (change.end == change.start))
    return out
