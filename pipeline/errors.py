"""One exception hierarchy for the whole pipeline.

The library raises these; only :mod:`pipeline.cli` turns them into messages, and every one of them means exit
code 2 (:func:`pipeline.render.exit_codes.for_exception`, the one exit-code policy). Every message names the
file (and line) at fault and says how to fix the problem, on one line.
"""

from __future__ import annotations

import signal as _signal

__all__ = [
    "BackendError",
    "ConfigError",
    "FormatError",
    "GlossaryError",
    "InputError",
    "ModelArchiveError",
    "ModelNotInstalled",
    "STOP_SIGNALS",
    "PipelineError",
    "Terminated",
    "raise_if_stopped",
    "stop",
    "stopped_by",
]


class PipelineError(Exception):
    """Base class: the run could not complete (exit code 2, :mod:`pipeline.render.exit_codes`).

    Args:
        message: what went wrong and how to fix it.
        path: the file at fault, if any.
        line: the 1-based line at fault, if known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"{where}{self.message}"


class ConfigError(PipelineError):
    """A setting, flag or configuration file is invalid."""


class InputError(PipelineError):
    """An input file cannot be read: missing, unreadable, binary or undecodable."""


class FormatError(InputError):
    """An input file was read but its content does not parse in its format."""


class GlossaryError(PipelineError):
    """A glossary, phrasebook or term-exchange file is invalid."""


class BackendError(PipelineError):
    """A language-detection or translation backend failed."""


class ModelNotInstalled(BackendError):
    """No installed Argos model covers the requested language pair."""


class ModelArchiveError(BackendError):
    """An ``.argosmodel`` archive is not a valid, safe Argos package."""


class Terminated(KeyboardInterrupt):
    """The run was asked to stop by a signal other than Ctrl-C: SIGTERM (``kill``, a batch scheduler's
    cancel, a container's stop) or SIGHUP (the terminal closed).

    A :class:`KeyboardInterrupt`, so every clean-up written for Ctrl-C runs for it too (temporary files,
    what was written, the checkpoint); the exit code is ``128 + signal`` as a shell reports a signal (143 for
    SIGTERM, :func:`pipeline.render.exit_codes.for_exception`). Raised by the command line's handler
    (:func:`pipeline.cli.main`); the library installs none.

    Args:
        signal: the signal's number.
    """

    def __init__(self, signal: int) -> None:
        super().__init__(signal)
        self.signal = signal


#: The signals that stop a run by raising in the main thread: Ctrl-C, and under the command line's handlers
#: (:func:`pipeline.cli.main`) SIGTERM and SIGHUP (:class:`Terminated`). Worker processes ignore them all.
STOP_SIGNALS: tuple[int, ...] = tuple(
    getattr(_signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(_signal, name)
)


_STOPS: list[int] = []  # the stop signals this process has received (stop()), first first


def stop(signal: int) -> None:
    """A stop signal came: raise :class:`Terminated` now, and again at the next :func:`raise_if_stopped`.

    Python raises a signal handler's exception wherever the main thread is, and code that catches every
    exception (langdetect's profile loader has a bare ``except``) may swallow it; the run would then go on,
    with that library's state half-built. The work loops call :func:`raise_if_stopped` between items.
    """
    _STOPS.append(signal)
    raise Terminated(signal)


def raise_if_stopped() -> None:
    """Raise :class:`Terminated` if a stop signal came (:func:`stop`), even if something swallowed it."""
    if _STOPS:
        raise Terminated(_STOPS[0])


def stopped_by() -> int | None:
    """The first stop signal this process received, or None."""
    return _STOPS[0] if _STOPS else None
