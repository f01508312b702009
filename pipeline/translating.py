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
``⟦k⟧`` and put back in order (:mod:`pipeline.placeholders`: the form, and the deterministic repair of a
placeholder a model dropped, duplicated or reordered, reported in :attr:`Change.repairs`). What the model
was sent is kept in :attr:`Change.sent`.

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
    "document_codes",
    "Job",
    "Memory",
    "Phrasebook",
    "Scope",
    "Status",
    "TermUse",
    "plan_all",
    "plan_stray",
    "same_script",
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
    KEPT = "kept"  # --scope all: the segment is already in the target language
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
        codes: absolute ``(start, end)`` spans inside the job that are inline codes (sent as placeholders).
        before: a few characters of the unit text before the job (context for the name rule).
        after: a few characters after it.
    """

    unit: int
    start: int
    end: int
    text: str
    source: str
    reason: str
    codes: tuple[tuple[int, int], ...] = ()
    before: str = ""
    after: str = ""

    def code_texts(self) -> tuple[str, ...]:
        """The inline codes' text, in order."""
        return tuple(self.text[a - self.start : b - self.start] for a, b in self.codes)

    def relative_codes(self) -> list[tuple[int, int]]:
        """The codes' spans relative to :attr:`text`."""
        return [(a - self.start, b - self.start) for a, b in self.codes]


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
        codes: the span's inline codes, in source order (tags, entities, numbers...: kept verbatim).
        sent: what the model was sent (placeholders and renderings in place), or ``""`` when no model ran.
        repairs: placeholder repairs the model's output needed (see :mod:`pipeline.placeholders`).
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
    codes: tuple[str, ...] = ()
    sent: str = ""
    repairs: tuple[str, ...] = ()

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
        """Return the target rendering of a whole interface string, or None.

        The rendering takes the segment's own trailing punctuation and case (see the module docstring).
        """
        if self.chrome is None:
            return None
        entry = self.chrome.match(text)
        if entry is None:
            return None
        if target == "en":
            return fit_phrase(text, entry.english)
        from pipeline.detection.chrome import normalise_chrome

        for lang, rendering in self.renderings.get(normalise_chrome(entry.phrase), ()):
            if lang == target:
                return fit_phrase(text, rendering)
        return None


_END_PUNCT = ".!?…:;,。！？"
_ASCII_PUNCT = {"。": ".", "！": "!", "？": "?", "：": ":", "；": ";", "，": ","}


def fit_phrase(source: str, rendering: str) -> str:
    """``rendering`` with the trailing punctuation and the case of ``source``.

    >>> fit_phrase("Все права защищены.", "All rights reserved")
    'All rights reserved.'
    >>> fit_phrase("ПОДПИСАТЬСЯ", "Subscribe"), fit_phrase("подписаться", "Subscribe")
    ('SUBSCRIBE', 'subscribe')
    >>> fit_phrase("Читать далее…", "Read more")
    'Read more…'
    """
    body = rendering.rstrip(_END_PUNCT + " ")
    trail = source[len(source.rstrip(_END_PUNCT)) :]
    letters = [c for c in source if c.isalpha()]
    if letters and len(letters) > 1 and all(c.isupper() for c in letters):
        body = body.upper()
    elif letters and letters[0].islower() and body[:1].isupper() and not body[1:2].isupper():
        body = body[0].lower() + body[1:]
    elif letters and letters[0].isupper():
        body = body[:1].upper() + body[1:]
    wide = any(ord(c) >= 0x2E80 for c in body)  # a CJK rendering keeps CJK punctuation
    return body + "".join(c if wide else _ASCII_PUNCT.get(c, c) for c in trail)


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
    """Give each job the protected spans of the document's segments inside it as inline codes.

    A protected span the job only partly covers is cut off the job's edge (markup is never half sent); a
    job with no prose left is dropped.
    """
    import bisect

    from pipeline.segmenting import protected_spans

    spans: dict[int, list[tuple[int, int]]] = {}
    for seg in doc.segments:
        found = protected_spans(doc.units[seg.unit].text[seg.start : seg.end], seg.start)
        spans.setdefault(seg.unit, []).extend(_merge_spans([*seg.protected, *found]))
    for unit_spans in spans.values():
        unit_spans.sort()
    out: list[Job] = []
    for job in jobs:
        unit_spans = spans.get(job.unit, [])
        first = max(0, bisect.bisect_left(unit_spans, (job.start, job.start)) - 1)
        start, end = job.start, job.end
        inside: list[tuple[int, int]] = []
        for a, b in unit_spans[first:]:
            if a >= end:
                break
            if b <= start:
                continue
            if a < start:  # starts before the job: cut it off the front
                start = b
            elif b > end:  # runs past the job's end
                end = a
            else:
                inside.append((a, b))
        made = _job(doc.units[job.unit].text, job, start, end, inside)
        if made is not None:
            out.append(made)
    return out


def document_codes(doc: Document, unit: int, start: int, end: int) -> tuple[str, ...]:
    """The inline codes inside ``[start, end)`` of a unit (what a writer puts back verbatim), in order."""
    from pipeline.segmenting import protected_spans

    spans: list[tuple[int, int]] = []
    for seg in doc.segments:
        if seg.unit == unit and seg.start < end and seg.end > start:
            found = protected_spans(doc.units[unit].text[seg.start : seg.end], seg.start)
            spans.extend(_merge_spans([*seg.protected, *found]))
    text = doc.units[unit].text
    return tuple(text[a:b] for a, b in _merge_spans(spans) if start <= a and b <= end)


def _merge_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones merged.

    >>> _merge_spans([(5, 8), (0, 2), (6, 9)])
    [(0, 2), (5, 9)]
    """
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """Up to 12 characters of the unit text either side of a job, on its line (for the name rule)."""
    before = text[max(0, start - 12) : start]
    after = text[end : end + 12]
    return before[before.rfind("\n") + 1 :], after.split("\n", 1)[0]


def _job(text: str, job: Job, start: int, end: int, codes: Sequence[tuple[int, int]]) -> Job | None:
    """``job`` narrowed to ``[start, end)`` (trimmed) with the codes inside it; None without prose."""
    start, end = _strip(text, start, end)
    kept = tuple((a, b) for a, b in sorted(set(codes)) if start <= a and b <= end and a < b)
    # Codes at the edges stay out of the unit: nothing to translate around them.
    while kept and kept[0][0] == start:
        start = kept[0][1]
        start, end = _strip(text, start, end)
        kept = kept[1:]
    while kept and kept[-1][1] == end:
        end = kept[-1][0]
        start, end = _strip(text, start, end)
        kept = kept[:-1]
    if start >= end:
        return None
    prose, cursor = [], start
    for a, b in kept:
        prose.append(text[cursor:a])
        cursor = b
    prose.append(text[cursor:end])
    if not any(c.isalpha() for c in "".join(prose)):
        return None
    before, after = _context(text, start, end)
    return replace(job, start=start, end=end, text=text[start:end], codes=kept, before=before, after=after)


def plan_all(
    doc: Document,
    segments: Iterable[Segment],
    *,
    source: str,
    target: str | None = None,
    findings: Sequence[Finding] | None = None,
) -> tuple[list[Job], list[Change]]:
    """Make one job of every sentence, its protected spans as inline codes (never sent as text).

    With ``target`` and the audit ``findings`` (made with ``target`` as the expected language), a sentence
    already in the target language is left alone: no finding of another language overlaps it and it holds no
    letter of the source's script when the two scripts differ. It gets a ``kept`` change.

    Returns:
        ``(jobs, kept)`` in document order.
    """
    foreign: dict[int, list[tuple[int, int]]] = {}
    for f in findings or ():
        if f.kind in (FindingKind.FOREIGN_TEXT, FindingKind.UI_CHROME) and f.language != target:
            foreign.setdefault(_unit_of(doc, f), []).append((f.start, f.end))
    jobs: list[Job] = []
    kept: list[Change] = []
    for seg in segments:
        text = doc.units[seg.unit].text
        base = Job(seg.unit, seg.start, seg.end, text[seg.start : seg.end], source, "scope-all")
        job = _job(text, base, seg.start, seg.end, seg.protected)
        if job is None:
            continue
        job = replace(job, before="", after="")  # a sentence starts where it starts
        if target is not None and findings is not None and target != source:
            overlaps = any(a < job.end and b > job.start for a, b in foreign.get(seg.unit, ()))
            if not overlaps and not _has_script_of(job.text, source, target):
                kept.append(
                    Change(
                        job.unit,
                        job.start,
                        job.end,
                        job.text,
                        job.text,
                        source,
                        target,
                        "kept",
                        Status.KEPT,
                        note=f"already in the target language ({target}); not sent",
                    )
                )
                continue
        jobs.append(job)
    return jobs, kept


_CYRILLIC_LANGS = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg"})


def _script(lang: str) -> str:
    if lang in _CYRILLIC_LANGS:
        return "CYRILLIC"
    return {"el": "GREEK", "ja": "CJK", "zh": "CJK", "ko": "HANGUL", "ar": "ARABIC", "he": "HEBREW"}.get(
        lang, "LATIN"
    )


def same_script(source: str, target: str) -> bool:
    """Whether two languages write the same script (``de``/``en`` yes, ``ru``/``en`` no).

    >>> same_script("de", "en"), same_script("ru", "en")
    (True, False)
    """
    return _script(source) == _script(target)


def _has_script_of(text: str, source: str, target: str) -> bool:
    """Whether ``text`` holds a letter of ``source``'s script while ``target`` writes another script."""
    script = _script(source)
    if script == _script(target):
        return False
    names = {"CJK": ("CJK", "HIRAGANA", "KATAKANA")}.get(script, (script,))
    return any(c.isalpha() and unicodedata.name(c, "").startswith(names) for c in text)


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
    from pipeline.placeholders import placeholder

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
    from pipeline.placeholders import is_paired

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
        from pipeline.placeholders import PLACEHOLDER, restore

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
