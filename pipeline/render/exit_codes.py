"""The exit codes of a translate run: 0 done, 1 something left for a person, 2 a file failed."""

from __future__ import annotations

from pipeline.document import Status, TranslateRun

__all__ = ["exit_code"]


def exit_code(run: TranslateRun) -> int:
    """2 when a file failed, 1 when a span stayed untranslated or missed a required term, else 0."""
    if any(f.error is not None for f in run.files):
        return 2
    bad = (Status.UNTRANSLATED, Status.TERM_MISSED)
    return 1 if any(c.status in bad for f in run.files for c in f.changes) else 0
