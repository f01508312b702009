"""Wiring only: each command's whole job as one function over plain values.

Workflows open files through :mod:`pipeline.formats` and :mod:`pipeline.glossary.io`, build the pure stages
once, and return result values; they never print. Progress is reported through an optional callback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.config import Settings
from pipeline.errors import InputError
from pipeline.models import AuditRun, FileReport

if TYPE_CHECKING:
    from pipeline.detection import StrayFinder

__all__ = ["AuditRequest", "audit_paths", "build_finder"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """What to audit and how: the picklable part of :class:`Settings` that workers need."""

    expected_language: str
    min_chars: int
    min_confidence: float
    glossaries: tuple[Path, ...]
    jsonl_field: str


def build_finder(request: AuditRequest) -> StrayFinder:
    """Load the glossaries and build the stray-text finder once (per process).

    Raises:
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.detection import AuditOptions, ChromeIndex, StrayFinder
    from pipeline.glossary.io import load_glossary
    from pipeline.glossary.match import chrome_phrases, known_terms

    glossaries = [load_glossary(path) for path in request.glossaries]
    phrases = [p for g in glossaries for p in chrome_phrases(g)]
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


def _audit_one(finder: StrayFinder, path: Path, field: str) -> FileReport:
    from pipeline.formats import read_path

    try:
        doc = read_path(path, field=field)
    except InputError as exc:
        return FileReport(path=str(path), format=None, encoding=None, error=exc.message)
    error = "; ".join(f"line {line}: {message}" for line, message in doc.errors) or None
    return FileReport(
        path=str(path),
        format=doc.format,
        encoding=doc.encoding,
        error=error,
        findings=tuple(finder.find(doc)),
    )


_WORKER: tuple[StrayFinder, str] | None = None


def _init_worker(request: AuditRequest) -> None:
    global _WORKER  # one finder per worker process, built once  # noqa: PLW0603
    _WORKER = (build_finder(request), request.jsonl_field)


def _work(path: Path) -> FileReport:
    assert _WORKER is not None
    finder, field = _WORKER
    return _audit_one(finder, path, field)


def audit_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    progress: Progress | None = None,
) -> AuditRun:
    """Audit files and folders for stray non-English (or non-``expected_language``) text.

    Args:
        paths: files and folders; folders are searched recursively (see :func:`pipeline.formats.discover`).
        settings: the resolved settings (expected language, thresholds, glossaries, globs, jobs).
        progress: called with ``(done, total)`` after each file.

    Returns:
        One :class:`FileReport` per file, in sorted discovery order, whatever ``jobs`` is.

    Raises:
        InputError: a named path does not exist.
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.formats import discover

    files = discover(paths, include=settings.include, exclude=settings.exclude)
    request = AuditRequest(
        expected_language=settings.expected_language,
        min_chars=settings.min_chars,
        min_confidence=settings.min_confidence,
        glossaries=settings.glossaries,
        jsonl_field=settings.jsonl_field,
    )
    reports: list[FileReport] = []
    total = len(files)
    jobs = min(settings.jobs, total, os.cpu_count() or 1)
    if jobs <= 1:
        finder = build_finder(request)
        for path in files:
            reports.append(_audit_one(finder, path, request.jsonl_field))
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
