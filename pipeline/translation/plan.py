"""Which spans of a document become translation jobs, and where changes land.

Pure. :func:`plan_stray` turns audit findings into jobs (``foreign-text``, foreign ``ui-chrome``) and direct
changes (homoglyph respellings, ``--drop-chrome`` removals); :func:`plan_all` makes one job of every sentence
(``--scope all``) and keeps the sentences already in the target language. Every job's protected spans and
inline markup are its codes (sent as placeholders, never as text). :func:`merge_changes` orders the changes
and drops overlaps (first wins); :func:`locate` gives a change's line and column.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipeline.detection.scripts import language_script, script_group, script_of
from pipeline.document import Change, Document, Finding, FindingKind, Job, Provenance, Segment, Status
from pipeline.text.spans import line_bounds, line_col, merge_spans

__all__ = ["document_codes", "has_script_of", "is_letter", "plan_all", "plan_stray", "same_script"]


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
    line_start, line_end = line_bounds(text, start, end)
    return line_start, line_end + (line_end < len(text))


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
            changes.append(_direct(f, unit, (f.start, f.end), f.replacement, target, Provenance.HOMOGLYPH))
        elif f.kind is FindingKind.UI_CHROME and drop_chrome:
            start, end = _line_span(text, f.start, f.end)
            if text[start:end].strip() == text[f.start : f.end].strip():
                changes.append(
                    _direct(f, unit, (start, end), "", target, Provenance.DROPPED, text[start:end])
                )
            else:  # the chrome shares its line with other text: remove just the span
                changes.append(_direct(f, unit, (f.start, f.end), "", target, Provenance.DROPPED))
        elif f.kind in (FindingKind.FOREIGN_TEXT, FindingKind.UI_CHROME):
            if not f.language or f.language == target:
                continue
            start, end = _strip(text, f.start, f.end)
            if start < end:
                jobs.append(Job(unit, start, end, text[start:end], f.language, f.kind.value))
    return split_protected(doc, jobs), changes


_DIRECT = {
    Provenance.HOMOGLYPH: (Status.REPLACED, "respelled with the letters of its script"),
    Provenance.DROPPED: (Status.DROPPED, "site interface text removed (--drop-chrome)"),
}


def _direct(
    f: Finding,
    unit: int,
    span: tuple[int, int],
    replacement: str,
    target: str,
    provenance: Provenance,
    source_text: str | None = None,
) -> Change:
    """A change made without translation: a homoglyph respelling or a ``--drop-chrome`` removal."""
    status, note = _DIRECT[provenance]
    return Change(
        unit=unit,
        start=span[0],
        end=span[1],
        source_text=f.text if source_text is None else source_text,
        target_text=replacement,
        source_lang=f.language or target,
        target_lang=target,
        provenance=provenance,
        status=status,
        note=note,
    )


def split_protected(doc: Document, jobs: Sequence[Job]) -> list[Job]:
    """Give each job the protected spans of the document's segments inside it as inline codes.

    A protected span the job only partly covers is cut off the job's edge (markup is never half sent); a
    job with no prose left is dropped.
    """
    import bisect

    spans: dict[int, list[tuple[int, int]]] = {}
    for seg in doc.segments:
        spans.setdefault(seg.unit, []).extend(segment_codes(doc.units[seg.unit].text, seg))
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


def segment_codes(text: str, seg: Segment) -> list[tuple[int, int]]:
    """The inline codes of one segment of a unit's ``text``: its own protected spans and the tokens
    translation keeps whole (``МС-07``, ``2.1а``: :func:`~pipeline.text.spans.protected_spans`)."""
    from pipeline.text.spans import protected_spans

    found = protected_spans(text[seg.start : seg.end], seg.start, whole_tokens=True)
    return merge_spans([*seg.protected, *found], join_adjacent=False)


def document_codes(doc: Document, unit: int, start: int, end: int) -> tuple[str, ...]:
    """The inline codes inside ``[start, end)`` of a unit (what a writer puts back verbatim), in order."""
    spans: list[tuple[int, int]] = []
    for seg in doc.segments:
        if seg.unit == unit and seg.start < end and seg.end > start:
            spans.extend(segment_codes(doc.units[unit].text, seg))
    text = doc.units[unit].text
    return tuple(text[a:b] for a, b in merge_spans(spans, join_adjacent=False) if start <= a and b <= end)


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
        job = _job(text, base, seg.start, seg.end, segment_codes(text, seg))
        if job is None:
            continue
        job = replace(job, before="", after="")  # a sentence starts where it starts
        if target is not None and findings is not None and target != source:
            overlaps = any(a < job.end and b > job.start for a, b in foreign.get(seg.unit, ()))
            if not overlaps and not has_script_of(job.text, source, target):
                note = f"already in the target language ({target}); not sent"
                kept.append(job.change(job.text, target, Provenance.KEPT, Status.KEPT, note=note))
                continue
        jobs.append(job)
    return jobs, kept


def same_script(source: str, target: str) -> bool:
    """Whether two languages write the same script group (``de``/``en`` yes, ``ru``/``en`` and ``fa``/``en``
    no; :func:`~pipeline.detection.scripts.language_script`).

    >>> same_script("de", "en"), same_script("ru", "en"), same_script("fa", "en"), same_script("ja", "zh")
    (True, False, False, True)
    """
    return language_script(source) == language_script(target)


def has_script_of(text: str, source: str, target: str) -> bool:
    """Whether ``text`` holds a letter of ``source``'s script group while ``target`` writes another one.

    >>> has_script_of("Экипаж ISS", "ru", "en"), has_script_of("crew ISS", "ru", "en")
    (True, False)
    >>> has_script_of("ماموریت", "fa", "en"), has_script_of("Экипаж", "ru", "uk")
    (True, False)
    """
    group = language_script(source)
    if group == language_script(target):
        return False
    return any(is_letter(c) and script_group(script_of(c)) == group for c in text)


def is_letter(char: str) -> bool:
    """A letter, or a mark written on one: Indic vowel signs and viramas (``ो``, ``्``) are not
    ``isalpha()``, and counting them keeps a Hindi word from weighing half its letters.

    >>> [c for c in "खोलें" if is_letter(c)] == list("खोलें"), [c for c in "खोलें" if c.isalpha()]
    (True, ['ख', 'ल'])
    """
    return char.isalpha() or unicodedata.category(char).startswith("M")


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
