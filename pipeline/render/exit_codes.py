"""The exit codes of every ``glossa`` command: the one policy (an API, see README "Exit codes").

* 0 (:data:`OK`): done, nothing at or above ``--fail-on``, nothing left for a person;
* 1 (:data:`FINDINGS`): a finding at or above ``--fail-on`` (stray language, glossary violation, invalid
  glossary, QA finding), or a span left untranslated or missing a required term;
* 2 (:data:`FAILED`): the run could not complete: a usage error, an unreadable input, a missing model,
  invalid settings. Every :class:`~pipeline.errors.PipelineError` means this (:func:`for_exception`);
* 130 (:data:`INTERRUPTED`): stopped with Ctrl-C;
* 128 + N: stopped by signal N, 143 for SIGTERM, 129 for SIGHUP (:class:`~pipeline.errors.Terminated`).

Rules: pure functions of result values; a failed file outranks any finding; ``--fail-on`` is a
:class:`~pipeline.document.Severity` or ``"never"`` (:data:`FailOn`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

from pipeline.document import AuditRun, QARun, Severity, Status, TranslateRun
from pipeline.errors import Terminated

__all__ = [
    "FAILED",
    "FINDINGS",
    "INTERRUPTED",
    "NEVER",
    "OK",
    "FailOn",
    "audit_exit",
    "findings_exit",
    "for_exception",
    "qa_exit",
    "translate_exit",
]

OK: Final = 0
FINDINGS: Final = 1
FAILED: Final = 2
INTERRUPTED: Final = 130

#: ``--fail-on``: the lowest severity that makes a run exit 1, or ``"never"``. A ``Literal`` of the
#: :class:`Severity` members, so the command line offers ``info|warning|error|never`` without a second enum.
FailOn = Literal[Severity.INFO, Severity.WARNING, Severity.ERROR, "never"]

NEVER: Final = "never"


def findings_exit(severities: Iterable[Severity], fail_on: FailOn, *, failed: bool = False) -> int:
    """2 when something ``failed``, 1 when a severity reaches ``fail_on``, else 0.

    >>> findings_exit([Severity.WARNING], Severity.ERROR), findings_exit([Severity.ERROR], Severity.WARNING)
    (0, 1)
    >>> findings_exit([Severity.ERROR], "never"), findings_exit([], "never", failed=True)
    (0, 2)
    """
    if failed:
        return FAILED
    if fail_on == NEVER:
        return OK
    threshold = Severity(fail_on).rank
    return FINDINGS if any(s.rank >= threshold for s in severities) else OK


def audit_exit(run: AuditRun, fail_on: FailOn) -> int:
    """``glossa audit`` and ``glossary check``: 2 when a file could not be read, 1 when a finding reaches
    ``fail_on``, else 0.

    >>> audit_exit(AuditRun("en", ()), Severity.WARNING)
    0
    """
    return findings_exit((f.severity for f in run.findings), fail_on, failed=bool(run.failed_files))


def qa_exit(run: QARun, fail_on: FailOn) -> int:
    """``glossa qa``: 2 when a file could not be read, 1 when a finding reaches ``fail_on``, else 0."""
    return findings_exit((f.severity for f in run.findings), fail_on, failed=bool(run.errors))


def translate_exit(run: TranslateRun) -> int:
    """``glossa translate``: 2 when a file failed, 1 when a span stayed untranslated or missed a required
    term, else 0."""
    if any(f.error is not None for f in run.files):
        return FAILED
    bad = (Status.UNTRANSLATED, Status.TERM_MISSED)
    return FINDINGS if any(c.status in bad for f in run.files for c in f.changes) else OK


def for_exception(exc: BaseException) -> int:
    """The code of a run that stopped on ``exc``: 130 for Ctrl-C, 128 + N for signal N (:class:`Terminated`,
    here or among the exceptions it caused), 0 for a reader that closed stdout early
    (``| head``: not an error of ours), else 2 (every :class:`~pipeline.errors.PipelineError`, and an
    ``OSError`` at the disk edge that no layer below named).

    >>> from pipeline.errors import ConfigError
    >>> for_exception(KeyboardInterrupt()), for_exception(BrokenPipeError()), for_exception(ConfigError("x"))
    (130, 0, 2)
    >>> import signal
    >>> for_exception(Terminated(signal.SIGTERM))
    143
    """
    if isinstance(exc, KeyboardInterrupt):
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, Terminated):  # TranslateInterrupted wraps it
            cause = cause.__cause__ or cause.__context__
        return 128 + cause.signal if cause is not None else INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        return OK
    return FAILED
