"""Shared pieces of the CLI edge: consoles, global state, settings, error mapping, output-format choices.

Rules: every command parses, calls :mod:`pipeline.app`, renders with :mod:`pipeline.render` and exits with a
code from :mod:`pipeline.render.exit_codes`; errors reach the user as one ``glossa: error:`` line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from pipeline.config import Settings, resolve
from pipeline.document import AuditRun
from pipeline.errors import PipelineError
from pipeline.render import AuditFormat, OutputFormat
from pipeline.render.exit_codes import FailOn, for_exception

if TYPE_CHECKING:
    from pipeline.app.audit import AuditProgress
    from pipeline.app.executor import Executor

__all__ = [
    "AuditFormatOpt",
    "ExecutorChoice",
    "ExecutorOpt",
    "FailOn",
    "GlossaryOption",
    "OutputFormat",
    "State",
    "audit_format",
    "audit_progress",
    "make_executor",
    "throughput_line",
    "err_console",
    "fail",
    "make_settings",
    "out_console",
    "path_arg",
    "pipeline_errors",
    "progress_bar",
    "print_unreadable",
    "RayAddressOpt",
    "render_audit",
    "render_audit_chunks",
    "say_error",
    "say_stopped",
    "show_progress",
    "state_of",
]

#: ``--glossary FILE`` (repeatable), shared by the commands that work under glossaries.
GlossaryOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary in force (repeatable; default: the shipped space glossary and web phrasebook).",
        exists=True,
        dir_okay=False,
        readable=True,
    ),
]

#: ``--format`` of ``audit`` and ``glossary check`` (None: :func:`audit_format` picks).
AuditFormatOpt = Annotated[
    AuditFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output: table for people, compact (one finding per line), json/jsonl/sarif "
        "(default: table on a terminal, else compact).",
    ),
]


class ExecutorChoice(StrEnum):
    """``--executor``: where the workers run."""

    local = "local"
    ray = "ray"


#: ``--executor local|ray``, shared by ``audit`` and ``translate`` (None: the setting, default local).
ExecutorOpt = Annotated[
    ExecutorChoice | None,
    typer.Option(
        "--executor",
        help="Where the --jobs workers run: local (this machine) or ray (a Ray cluster; the ray extra).",
    ),
]
#: ``--ray-address``, the cluster ``--executor ray`` joins (None: ``$RAY_ADDRESS``, else a local instance).
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="Ray cluster for --executor ray (default: $RAY_ADDRESS, else a Ray instance started here).",
        metavar="HOST:PORT",
    ),
]

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=False)


@dataclass(frozen=True, slots=True)
class State:
    """Global options from the root callback, kept on ``ctx.obj``."""

    config: Path | None = None
    quiet: bool = False


def state_of(ctx: typer.Context) -> State:
    """Return the root callback's state (defaults when a command is invoked directly)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State()


def make_settings(ctx: typer.Context, **flags: Any) -> Settings:
    """Resolve :class:`Settings` from the given flags, environment and config file."""
    return resolve(flags, config=state_of(ctx).config)


def show_progress(ctx: typer.Context) -> bool:
    """Whether a progress bar belongs on stderr: not with --quiet, only on a terminal."""
    return not state_of(ctx).quiet and err_console.is_terminal and os.environ.get("TERM") != "dumb"


def path_arg(value: str) -> Path:
    """Parse a path argument: ``""`` is a usage error (exit 2), not the current folder.

    Used as ``parser=`` of every path a command walks or writes; typer would turn ``""`` into ``Path(".")``.
    The refusal is one ``glossa: error:`` line naming the fix, not click's three-line usage block.
    """
    from pipeline.errors import ConfigError
    from pipeline.formats.targets import nonempty

    try:
        nonempty([value], what="path")
    except ConfigError as exc:
        raise fail(exc) from None
    return Path(value)


def say_error(text: str) -> None:
    """Print ``glossa: error: TEXT`` on stderr as one line, control characters and odd bytes escaped."""
    from pipeline.text.names import printable

    err_console.print(f"glossa: error: {printable(text)}", markup=False, highlight=False)


def say_stopped(text: str) -> None:
    """Print an interrupt's message on stderr (control characters and odd bytes escaped), unless stderr is
    a terminal that hung up (SIGHUP): the exit code still tells."""
    from pipeline.text.names import printable

    with suppress(OSError):
        err_console.print(printable(text), markup=False, highlight=False)


@contextmanager
def _interrupt_kept() -> Iterator[None]:
    """Let an interrupt through a progress display that fails to clear itself from a terminal that hung up
    (SIGHUP: the write fails with EIO while the interrupt unwinds), instead of the write's error."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):
            raise exc.__context__ from None
        raise


def fail(exc: PipelineError) -> typer.Exit:
    """Print a pipeline error on stderr as one line and return the Exit to raise."""
    say_error(str(exc))
    return typer.Exit(for_exception(exc))


@contextmanager
def pipeline_errors() -> Iterator[None]:
    """Turn any :class:`PipelineError` raised inside the block into its message and exit code."""
    try:
        yield
    except PipelineError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt as exc:
        # apply and glossary edits may have written files before the interrupt: every write is atomic.
        # An interrupt that knows what is on disk (audit's, translate's) says so instead.
        told = getattr(exc, "message", None)
        message = "interrupted; no file was left half-written (writes are atomic)"
        message = told if isinstance(told, str) else message
        say_stopped(f"glossa: {message}")
        raise typer.Exit(for_exception(exc)) from None
    except BrokenPipeError as exc:
        # stdout closed early (e.g. `| head`): not an error of ours.
        sys.stderr.close()
        raise typer.Exit(for_exception(exc)) from None
    except OSError as exc:
        # The last resort for a failure at the disk edge that no layer below named (a folder that cannot be
        # made, a file in the way): one line naming the path, exit 2, never a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        reason = f"{exc.strerror or exc}; check the path, its permissions and free space"
        if isinstance(exc, FileExistsError | NotADirectoryError):
            reason = "a file is in the way where a folder is needed; choose another output"
        err_console.print(
            f"glossa: error: {where}{reason}",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(for_exception(exc)) from None


@contextmanager
def progress_bar(description: str, *, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``(done, total)`` callback that drives a rich progress bar on stderr (or does nothing)."""
    if not enabled:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with (
        _interrupt_kept(),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance


def make_executor(settings: Settings) -> Executor:
    """The executor the settings ask for: workers on this machine (one a core at most), or Ray actors."""
    from pipeline.app.executor import executor_for

    return executor_for(settings)


def _rate(p: AuditProgress) -> str:
    eta = "" if p.eta is None else f", ETA {_duration(p.eta)}"
    return (
        f"{p.shards_done}/{p.shards_total} shards, {p.records_per_second:,.0f} records/s, "
        f"{p.mb_per_second:.2f} MB/s{eta}"
    )


def _duration(seconds: float) -> str:
    """``1:02:03``, ``2:03`` or ``4.5s``."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def throughput_line(p: AuditProgress) -> str:
    """The run's last progress as one summary line (records, megabytes, time, rates, shards resumed).

    >>> from pipeline.app.audit import AuditProgress
    >>> throughput_line(AuditProgress(4, 4, 1, 1, 1500, 9_500_000, 1.0, 20.0, 2))
    'audited 1,500 records (9.5 MB) in 20.0s: 75 records/s, 0.47 MB/s; 4 shards, 2 from the checkpoint'
    """
    resumed = f", {p.resumed} from the checkpoint" if p.resumed else ""
    return (
        f"audited {p.records:,} records ({p.size / 1e6:.1f} MB) in {_duration(p.elapsed)}: "
        f"{p.records_per_second:,.0f} records/s, {p.mb_per_second:.2f} MB/s; {p.shards_done} shards{resumed}"
    )


@contextmanager
def audit_progress(*, enabled: bool, summary: bool = False) -> Iterator[Callable[[AuditProgress], None]]:
    """Yield the audit's progress callback: a bar on stderr when ``enabled`` (shards done, records and MB a
    second, ETA); at the end one :func:`throughput_line` on stderr when ``enabled`` or ``summary``."""
    last: list[AuditProgress] = []

    def keep(p: AuditProgress) -> None:
        last[:] = [p]

    if not enabled:
        yield keep
    else:
        from rich.progress import BarColumn, Progress, TextColumn

        with _interrupt_kept(), Progress(
            TextColumn("Auditing"), BarColumn(), TextColumn("{task.fields[rate]}"),
            console=err_console, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("Auditing", total=1.0, rate="")

            def advance(p: AuditProgress) -> None:
                keep(p)
                progress.update(task, completed=p.fraction, rate=_rate(p))

            yield advance
    if last and (enabled or summary):
        err_console.print(throughput_line(last[0]), markup=False, highlight=False)


def audit_format(chosen: OutputFormat | None) -> OutputFormat:
    """``--format`` as given, else the table on a terminal and compact lines anywhere else (pipes, files)."""
    if chosen is not None:
        return chosen
    return OutputFormat.table if out_console.is_terminal else OutputFormat.compact


def render_audit(run: AuditRun, output_format: OutputFormat | None, *, schema: str | None = None) -> str:
    """Render an audit-shaped run (``audit``, ``glossary check``) for stdout.

    The table fits a terminal's width; written anywhere else (asked for with ``--format table``) it is 120
    columns wide. ``schema`` is the JSON report's schema id (default ``glossa.audit/1``).
    """
    return "".join(render_audit_chunks(run, output_format, schema=schema))


def render_audit_chunks(
    run: AuditRun, output_format: OutputFormat | None, *, schema: str | None = None
) -> Iterator[str]:
    """:func:`render_audit` in pieces (:func:`pipeline.render.audit.render_chunks`), for large reports."""
    from pipeline.render.audit import AUDIT_SCHEMA, render_chunks

    width = out_console.width if out_console.is_terminal else 120
    return render_chunks(
        run,
        audit_format(output_format),
        width=width,
        color=out_console.is_terminal,
        schema=schema or AUDIT_SCHEMA,
    )


def print_unreadable(
    run: AuditRun, ctx: typer.Context | None = None, chosen: OutputFormat | None = None
) -> None:
    """One line on stderr for each file that could not be read; after compact output (given ``ctx`` and
    the ``--format`` chosen) also the summary line, unless ``--quiet``."""
    for report in run.failed_files:
        say_error(f"{report.path}: {report.error}")
    if ctx is not None and audit_format(chosen) is OutputFormat.compact and not state_of(ctx).quiet:
        from pipeline.render.audit import summary_line

        err_console.print(summary_line(run), markup=False, highlight=False)
