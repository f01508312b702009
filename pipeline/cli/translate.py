"""`glossa translate` and `glossa apply`: offline translation under the glossary, and review round trips."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline.cli._common import (
    ExecutorOpt,
    GlossaryOption,
    RayAddressOpt,
    err_console,
    make_settings,
    out_console,
    path_arg,
    pipeline_errors,
    progress_bar,
    say_error,
    say_stopped,
    show_progress,
)
from pipeline.document import Scope
from pipeline.render import OutputFormat, ReportFormat


def _output_arg(value: str) -> str:
    """``-o`` as typed (a trailing slash names a folder); ``""`` is a usage error, as for every path."""
    path_arg(value)
    return value


def _path_option(*names: str, help: str, metavar: str = "PATH") -> Any:
    """An optional path option: ``""`` is a usage error (:func:`path_arg`)."""
    return typer.Option(*names, help=help, parser=path_arg, metavar=metavar)


_Paths = Annotated[
    list[Path], typer.Argument(help="Files or folders to translate.", show_default=False, parser=path_arg)
]
_Output = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        help="Output file (one input) or folder, OUT/ for a folder (default: NAME.<to>.EXT beside it).",
        metavar="PATH",
        parser=_output_arg,
    ),
]
_ScopeOption = Annotated[
    Scope, typer.Option("--scope", help="stray: only what the audit finds; all: whole documents.")
]
_DropChrome = Annotated[
    bool, typer.Option("--drop-chrome", help="Remove site UI lines instead of translating them.")
]
_InPlace = Annotated[
    bool, typer.Option("--in-place", help="Overwrite the inputs (a NAME.bak backup is kept).")
]
_Xliff = Annotated[
    Path | None, _path_option("--xliff", help="Also write an XLIFF 2.0 file of every change for review.")
]
_Field = Annotated[str | None, typer.Option("--field", help="JSON Lines field holding the text.")]
_ModelsDir = Annotated[Path | None, typer.Option("--models-dir", help="Folder of installed Argos packages.")]
_Format = Annotated[ReportFormat, typer.Option("--format", "-f", help="Change report: table or json.")]
_Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Worker processes, each with its own model on 1 thread (default 1)."
    ),
]


def translate(
    ctx: typer.Context,
    paths: _Paths,
    output: _Output = None,
    scope: _ScopeOption = Scope.stray,
    source: Annotated[str | None, typer.Option("--from", help="Source language for --scope all.")] = None,
    target: Annotated[str, typer.Option("--to", help="Target language (ISO 639-1).")] = "en",
    glossary: GlossaryOption = None,
    drop_chrome: _DropChrome = False,
    in_place: _InPlace = False,
    xliff: _Xliff = None,
    field: _Field = None,
    models_dir: _ModelsDir = None,
    report_format: _Format = OutputFormat.table,
    jobs: _Jobs = None,
    executor_name: ExecutorOpt = None,
    ray_address: RayAddressOpt = None,
) -> None:
    """Translate stray fragments (or whole documents) offline: memory, then Argos models, under the glossary.

    Exit codes: 0 all translated, 1 something stayed untranslated or missed a required term, 2 errors.
    """
    from pipeline.app import translate as workflows
    from pipeline.render import exit_codes
    from pipeline.render import translate as translate_reports

    with pipeline_errors():
        request = workflows.translate_request(
            scope.value,
            source,
            target,
            output=output,
            in_place=in_place,
            drop_chrome=drop_chrome,
            xliff=xliff,
        )
        settings = make_settings(
            ctx,
            glossaries=tuple(glossary or ()),
            jsonl_field=field,
            models_dir=models_dir,
            jobs=jobs,
            executor=executor_name,
            ray_address=ray_address,
        )
        try:
            with progress_bar("Translating", enabled=show_progress(ctx)) as advance:
                run = workflows.translate_paths(paths, settings, request, progress=advance)
        except workflows.TranslateInterrupted as interrupted:
            say_stopped(f"glossa: {interrupted.message}")
            raise typer.Exit(exit_codes.for_exception(interrupted)) from None
        if report_format is OutputFormat.json:
            text = translate_reports.render_json(run)
        else:
            text = translate_reports.render_table(run, width=max(out_console.width, 120))
        out_console.file.write(text)
        out_console.file.flush()
    for item in run.files:
        if item.error is not None:
            say_error(f"{item.path}: {item.error}")
    if run.xliff_root is not None:
        _say(
            f"glossa: note: the documents lie outside the XLIFF's folder; its paths are relative to "
            f"{run.xliff_root}: apply it with `glossa apply {xliff} --root {run.xliff_root}`"
        )
    raise typer.Exit(exit_codes.translate_exit(run))


def _say(text: str) -> None:
    """One line on stderr, control characters and odd bytes escaped."""
    from pipeline.text.names import printable

    err_console.print(printable(text), markup=False, highlight=False)


class MinState(StrEnum):
    """XLIFF 2.0 segment states, lowest first (``glossa apply --min-state``)."""

    INITIAL = "initial"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    FINAL = "final"


def apply(
    ctx: typer.Context,
    xliff_file: Annotated[
        Path,
        typer.Argument(
            help="Reviewed XLIFF 2.0 file written by --xliff.", exists=True, dir_okay=False, readable=True
        ),
    ],
    output: Annotated[
        Path | None,
        _path_option(
            "--output", "-o", help="Output file or folder (default: the translation it was made from)."
        ),
    ] = None,
    in_place: Annotated[
        bool,
        typer.Option("--in-place", help="Write into the original documents (a NAME.bak backup is kept)."),
    ] = False,
    field: _Field = None,
    root: Annotated[
        Path | None,
        _path_option(
            "--root",
            help="Folder the XLIFF's document paths are relative to (default: the XLIFF's folder).",
            metavar="DIRECTORY",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite the output even if it was edited since translate wrote it."),
    ] = False,
    min_state: Annotated[
        MinState,
        typer.Option(
            "--min-state",
            help="Lowest segment state whose edited targets are applied (untouched ones always are).",
        ),
    ] = MinState.REVIEWED,
) -> None:
    """Write reviewed XLIFF translations back into the documents and the project memory.

    The documents the XLIFF names must lie inside its folder (or --root). Targets a reviewer changed are
    applied when their state is reviewed or final (see --min-state); a changed target below that, or a
    deleted one, stops the apply. Exit codes: 0 applied, 2 the XLIFF or a document could not be used
    (nothing is written then).
    """
    from pipeline.app import review as xliff
    from pipeline.text.names import printable

    with pipeline_errors():
        if root is not None and not root.is_dir():
            from pipeline.errors import ConfigError

            raise ConfigError(f"--root {root} is not a folder; name the folder the XLIFF's paths start from")
        settings = make_settings(ctx, jsonl_field=field)
        applied = xliff.apply_xliff(
            xliff_file,
            settings,
            output=output,
            in_place=in_place,
            root=root,
            force=force,
            min_state=min_state.value,
        )
        for path, count in applied:
            out_console.print(
                printable(f"{path}: {count} reviewed translation(s) applied"), markup=False, highlight=False
            )
