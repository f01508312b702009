"""The ``glossa`` command: thin typer edges over :mod:`pipeline.app`.

Every command parses its arguments, runs a job of :mod:`pipeline.app`, prints what :mod:`pipeline.render`
returns and exits with a code of :mod:`pipeline.render.exit_codes` (an API, see README "Exit codes": 0 clean,
1 findings at or above ``--fail-on`` or something left untranslated, 2 the run could not complete).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from typer import _click  # typer 0.2x vendors click; its Context is what the group gets
from typer.core import TyperGroup

from pipeline import __version__
from pipeline.cli import audit, glossary, models, qa, tm, translate
from pipeline.cli import config as config_command
from pipeline.cli._common import State, err_console
from pipeline.cli._help import install as _install_help
from pipeline.errors import STOP_SIGNALS, PipelineError, stop, stopped_by
from pipeline.render.exit_codes import INTERRUPTED, for_exception

__all__ = ["app", "hoist_global_options", "main"]

_install_help()

#: Options of the root callback that may also follow the subcommand (``glossa audit -q``); ``--version``
#: is not among them (``glossary import --version`` is the glossary's version).
_GLOBAL_FLAGS = frozenset({"-q", "--quiet"})
_GLOBAL_WITH_VALUE = frozenset({"--config"})


def hoist_global_options(args: list[str]) -> list[str]:
    """Move the global options found after the subcommand to the front, where click reads them.

    Stops at ``--`` (what follows is arguments).

    >>> hoist_global_options(["audit", "-q", "a.txt", "--config", "c.toml", "--", "-q"])
    ['-q', '--config', 'c.toml', 'audit', 'a.txt', '--', '-q']
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in _GLOBAL_FLAGS or arg.split("=", 1)[0] in _GLOBAL_WITH_VALUE and "=" in arg:
            front.append(arg)
        elif arg in _GLOBAL_WITH_VALUE and i + 1 < len(args):
            front.extend(args[i : i + 2])
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


class _Root(TyperGroup):
    """The root group: global options are accepted after the subcommand too."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))


app = typer.Typer(
    name="glossa",
    cls=_Root,
    help="Audit, translate and keep terminology straight in English articles scraped from foreign sites. "
    "Fully offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"glossa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="TOML settings file (default: the nearest glossa.toml or [tool.glossa] in pyproject.toml, "
            "searched upward to the repository root).",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or notes on stderr.")] = False,
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """Audit, translate and keep terminology straight, offline."""
    ctx.obj = State(config=config, quiet=quiet)


app.command("audit")(audit.audit)
app.command("translate")(translate.translate)
app.command("apply")(translate.apply)
app.command("qa")(qa.qa)
app.add_typer(glossary.app, name="glossary")
app.add_typer(models.app, name="models")
app.add_typer(tm.app, name="tm")
app.command("config")(config_command.config)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, mapping :class:`PipelineError` to a one-line message and exit code 2.

    SIGTERM and SIGHUP stop a run as Ctrl-C does (:func:`_stop_on_signals`).
    """
    with _stop_on_signals():
        try:
            app(args=argv, prog_name="glossa", standalone_mode=True)
        except PipelineError as exc:  # raised outside a command body (settings, callbacks)
            err_console.print(f"glossa: error: {exc}", markup=False, highlight=False)
            sys.exit(for_exception(exc))
        except KeyboardInterrupt as exc:  # before click runs the command (building it, reading argv)
            sys.exit(for_exception(exc))
        except SystemExit as exc:
            # click answers an interrupt outside a command's body (imports, argument parsing) with a bare
            # exit 130, Ctrl-C's code: a stop signal keeps its own
            signalled = stopped_by()
            if exc.code == INTERRUPTED and signalled is not None:
                sys.exit(128 + signalled)
            raise


def _terminate(number: int, frame: object) -> None:
    stop(number)


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Terminated` in the main thread while the block runs.

    Their default action ends the process at once: a run's temporary files stayed behind, its worker
    processes lived on (idle, for ever, holding their memory) and nothing said what the checkpoint kept.
    As a :class:`KeyboardInterrupt` the signal takes the Ctrl-C path instead: workers are stopped, temporary
    files removed, the message says what is on disk, and the exit code is 128 + the signal (143, 129).
    Signals whose handler is not the default (a host program's, or ignored as under ``nohup``) are left
    alone, and every handler is put back afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for number in STOP_SIGNALS:
        if number != signal.SIGINT and signal.getsignal(number) is signal.SIG_DFL:  # Ctrl-C: Python's own
            previous[number] = signal.signal(number, _terminate)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
