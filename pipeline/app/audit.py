"""``glossa audit`` as one function over plain values: read each file, find what is stray, return an AuditRun.

The detectors and the glossary are built once per process (:func:`build_finder`); with ``jobs > 1`` files are
audited in a process pool, results kept in input order. Nothing here prints.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.app import Progress
from pipeline.config import DEFAULT_MAX_FILE_SIZE, Settings
from pipeline.document import AuditRun, Document, FileReport, Finding, FindingKind
from pipeline.errors import InputError

if TYPE_CHECKING:
    from pipeline.detection import StrayFinder
    from pipeline.glossary.model import Glossary

__all__ = ["AuditRequest", "audit_paths", "build_finder", "fold_chrome", "read_report"]


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """What to audit and how: the picklable part of :class:`Settings` that workers need."""

    expected_language: str
    min_chars: int
    min_confidence: float
    glossaries: tuple[Path, ...]
    jsonl_field: str
    max_file_size: int = DEFAULT_MAX_FILE_SIZE

    @classmethod
    def of(cls, settings: Settings, expected_language: str | None = None) -> AuditRequest:
        """The request ``settings`` make, expecting ``expected_language`` (default: the settings' own)."""
        return cls(
            expected_language=settings.expected_language if expected_language is None else expected_language,
            min_chars=settings.min_chars,
            min_confidence=settings.min_confidence,
            glossaries=settings.glossaries,
            jsonl_field=settings.jsonl_field,
            max_file_size=settings.max_file_size,
        )


def interface_strings(glossary: Glossary) -> Glossary:
    """The glossary's site-interface concepts only (``category = "ui-chrome"``): the web phrasebook."""
    return replace(glossary, concepts=tuple(c for c in glossary.concepts if c.category == "ui-chrome"))


def terminology(glossary: Glossary) -> Glossary:
    """The glossary without its site-interface concepts: the terms enforced inside sentences."""
    return replace(glossary, concepts=tuple(c for c in glossary.concepts if c.category != "ui-chrome"))


def build_finder(request: AuditRequest, glossaries: Sequence[Glossary] | None = None) -> StrayFinder:
    """Load the glossaries (unless the caller has them) and build the stray-text finder once (per process).

    Raises:
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.detection import AuditOptions, ChromeIndex, StrayFinder
    from pipeline.glossary.io import load_glossary
    from pipeline.glossary.match import chrome_phrases, known_terms

    if glossaries is None:
        glossaries = [load_glossary(path) for path in request.glossaries]
    phrases = [p for g in glossaries for p in chrome_phrases(interface_strings(g))]
    options = AuditOptions(
        expected_language=request.expected_language,
        min_chars=request.min_chars,
        min_confidence=request.min_confidence,
    )
    return StrayFinder(
        options,
        chrome=ChromeIndex.from_phrases(phrases) if phrases else None,
        known_terms=known_terms(glossaries),
    )


def fold_chrome(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per span: drop the ``ui-chrome`` twin of a ``foreign-text`` finding over the same span.

    Foreign-language interface text is reported by detection as both (translate it; it is chrome). A report
    shows it once, as the ``foreign-text`` warning that carries ``details["ui-chrome"]`` (the English of
    the interface string). Translation reads detection directly and still sees both.

    >>> from pipeline.document import FindingKind as K, Severity as S
    >>> a = Finding(K.FOREIGN_TEXT, S.WARNING, 0, 4, 1, 1, "Вход", "m", details=(("ui-chrome", "Log in"),))
    >>> b = Finding(K.UI_CHROME, S.INFO, 0, 4, 1, 1, "Вход", "m")
    >>> [f.kind.value for f in fold_chrome([a, b])]
    ['foreign-text']
    """
    items = list(findings)
    foreign = {
        (f.record, f.start, f.end)
        for f in items
        if f.kind is FindingKind.FOREIGN_TEXT and any(key == "ui-chrome" for key, _ in f.details)
    }
    return [
        f for f in items if not (f.kind is FindingKind.UI_CHROME and (f.record, f.start, f.end) in foreign)
    ]


def read_report(
    path: Path, field: str, max_bytes: int, find: Callable[[Document], Iterable[Finding]]
) -> FileReport:
    """Read one file as ``glossa audit`` does and report what ``find`` finds in it.

    A file that cannot be read carries its error (the message, without the path) and no findings; a JSON
    Lines file with broken records carries them as ``line N: message`` and the findings of the rest.
    Findings are one per span (:func:`fold_chrome`) and carry their :class:`~pipeline.document.Region`.
    ``glossa glossary check`` reads through here too.
    """
    from pipeline.formats import read_path
    from pipeline.formats.regions import place

    try:
        doc = read_path(path, field=field, max_bytes=max_bytes)
    except InputError as exc:
        return FileReport(path=str(path), format=None, encoding=None, error=exc.message)
    error = "; ".join(f"line {line}: {message}" for line, message in doc.errors) or None
    return FileReport(
        path=str(path),
        format=doc.format,
        encoding=doc.encoding,
        error=error,
        findings=tuple(place(doc, fold_chrome(find(doc)))),
    )


def _audit_one(finder: StrayFinder, path: Path, field: str, max_bytes: int) -> FileReport:
    return read_report(path, field, max_bytes, finder.find)


_WORKER: tuple[StrayFinder, str, int] | None = None


def _init_worker(request: AuditRequest) -> None:
    global _WORKER  # one finder per worker process, built once
    _WORKER = (build_finder(request), request.jsonl_field, request.max_file_size)


def _work(path: Path) -> FileReport:
    assert _WORKER is not None
    finder, field, max_bytes = _WORKER
    return _audit_one(finder, path, field, max_bytes)


def audit_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    progress: Progress | None = None,
    output: Path | None = None,
) -> AuditRun:
    """Audit files and folders for stray non-English (or non-``expected_language``) text.

    Args:
        paths: files and folders; folders are searched recursively (see :func:`pipeline.formats.discover`).
        settings: the resolved settings (expected language, thresholds, glossaries, globs, jobs).
        progress: called with ``(done, total)`` after each file.
        output: the report file the caller will write (``-o``); checked against the inputs first.

    Returns:
        One :class:`FileReport` per file, in sorted discovery order, whatever ``jobs`` is.

    Raises:
        InputError: a named path does not exist.
        GlossaryError: a glossary in force is invalid.
        ConfigError: ``output`` is one of the inputs (see :mod:`pipeline.formats.targets`).
    """
    from pipeline.formats import discover
    from pipeline.formats.targets import Planned, check_outputs

    files = discover(paths, include=settings.include, exclude=settings.exclude)
    if output is not None:
        check_outputs([*files, *settings.glossaries], [Planned(output, "-o")])
    request = AuditRequest.of(settings)
    reports: list[FileReport] = []
    total = len(files)
    jobs = min(settings.jobs, total, os.cpu_count() or 1)
    if jobs <= 1:
        finder = build_finder(request)
        for path in files:
            reports.append(_audit_one(finder, path, request.jsonl_field, request.max_file_size))
            if progress:
                progress(len(reports), total)
    else:
        build_finder(request)  # fail fast on a bad glossary, in this process, with its message
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(request,)) as pool:
            for report in pool.map(_work, files, chunksize=max(1, total // (jobs * 8))):
                reports.append(report)
                if progress:
                    progress(len(reports), total)
    return AuditRun(expected_language=settings.expected_language, files=tuple(reports))
