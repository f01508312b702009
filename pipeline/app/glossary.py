"""Wiring for ``glossa glossary``: load glossaries, read user files, run the pure stages.

These functions touch the disk only through :mod:`pipeline.glossary.io` and :mod:`pipeline.formats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.document import AuditRun, Document, FileReport, Finding
from pipeline.errors import GlossaryError, InputError
from pipeline.formats import DEFAULT_MAX_FILE_SIZE
from pipeline.glossary.checks import check_text
from pipeline.glossary.extract import Candidate, extract_candidates
from pipeline.glossary.io import load_glossary
from pipeline.glossary.match import TermMatch, TermMatcher, known_terms
from pipeline.glossary.model import Glossary
from pipeline.text.spans import blank_protected

__all__ = ["check_paths", "document_texts", "extract_paths", "load_glossaries", "lookup"]


def load_glossaries(paths: Sequence[Path]) -> tuple[Glossary, ...]:
    """Load every glossary; at least one is needed.

    Raises:
        GlossaryError: none given (and none shipped), or one is invalid.
        InputError: one is unreadable.
    """
    if not paths:
        raise GlossaryError("no glossary found; pass --glossary FILE (the shipped glossaries/ are missing)")
    return tuple(load_glossary(p) for p in paths)


def lookup(text: str, glossaries: Sequence[Glossary], *, lang: str | None = None) -> list[TermMatch]:
    """Every glossary term in ``text`` with its offsets and renderings.

    Each match's renderings are the ones translation writes: an abbreviation's are the abbreviations of the
    other languages where they have one (``МКС`` -> ``ISS``).
    """
    from dataclasses import replace

    matcher = TermMatcher(glossaries)
    out = []
    for m in matcher.find(text, lang):
        if m.form == "abbr":
            codes = [code for code, _ in m.renderings]
            m = replace(m, renderings=tuple((c, matcher.rendering(m, c) or "") for c in codes))
        out.append(m)
    return out


def document_texts(doc: Document) -> list[tuple[int, str]]:
    """Each unit's prose: the unit's text with everything outside segments and protected spans blanked.

    Offsets into the returned texts equal offsets into the unit texts.
    """
    out: list[tuple[int, str]] = []
    for index, unit in enumerate(doc.units):
        chars = [" " if not ch.isspace() else ch for ch in unit.text]
        for segment in doc.segments:
            if segment.unit == index:
                chars[segment.start : segment.end] = blank_protected(unit.text, segment)
        out.append((index, "".join(chars)))
    return out


def _check_document(
    doc: Document, matcher: TermMatcher, glossaries: Sequence[Glossary]
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for index, prose in document_texts(doc):
        unit = doc.units[index]
        matches = matcher.find(prose, "en")
        for finding in check_text(unit.text, matches, glossaries, first_line=unit.line):
            findings.append(
                replace(finding, record=unit.record, field=unit.field) if unit.record else finding
            )
    return tuple(findings)


def check_paths(
    paths: Sequence[Path],
    glossaries: Sequence[Glossary],
    *,
    field: str = "text",
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
) -> AuditRun:
    """Terminology QA of English files: forbidden renderings and inconsistent spellings.

    Args:
        paths: files and folders (folders are searched like ``glossa audit`` does).
        glossaries: the glossaries in force.
        field: JSON Lines field holding the text.

    Returns:
        One report per file; unreadable files carry their error instead of findings.

    Raises:
        InputError: a named path does not exist.
    """
    from pipeline.formats import discover, read_path

    matcher = TermMatcher(glossaries, languages=("en",))
    reports: list[FileReport] = []
    for path in discover(paths):
        try:
            doc = read_path(path, field=field, max_bytes=max_bytes)
        except InputError as exc:
            reports.append(FileReport(path=str(path), format=None, encoding=None, error=str(exc)))
            continue
        reports.append(
            FileReport(
                path=str(path),
                format=doc.format,
                encoding=doc.encoding,
                error=None,
                findings=_check_document(doc, matcher, glossaries),
            )
        )
    return AuditRun(expected_language="en", files=tuple(reports))


def extract_paths(
    paths: Sequence[Path],
    glossaries: Sequence[Glossary],
    *,
    min_count: int = 2,
    min_foreign: int = 1,
    field: str = "text",
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
) -> tuple[list[Candidate], tuple[InputError, ...]]:
    """Mine candidate terms from files (see :func:`pipeline.glossary.extract.extract_candidates`).

    A file that cannot be read or decoded is left out and its error returned; the others are mined.

    Returns:
        The candidates, and the errors of the files left out.

    Raises:
        InputError: a named path does not exist.
    """
    from pipeline.formats import discover, read_path

    documents: list[tuple[str, str]] = []
    failed: list[InputError] = []
    for path in discover(paths):
        try:
            doc = read_path(path, field=field, max_bytes=max_bytes)
        except InputError as exc:
            failed.append(exc)
            continue
        documents += [(str(path), prose) for _, prose in document_texts(doc)]
    found = extract_candidates(
        documents, known_terms(glossaries), min_count=min_count, min_foreign=min_foreign
    )
    return found, tuple(failed)
