"""`glossa translate` and `glossa apply`: offline translation under the glossary, and review round trips."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._common import (
    GlossaryOption,
    err_console,
    make_settings,
    out_console,
    path_arg,
    pipeline_errors,
    progress_bar,
    say_error,
    show_progress,
)
from pipeline.document import Scope


class ReportFormat(StrEnum):
    """How the change report is written to stdout."""

    table = "table"
    json = "json"


def translate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders to translate.", show_default=False, parser=path_arg),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Output file (one input) or folder, OUT/ for a folder (default: NAME.<to>.EXT beside it).",
            metavar="<path>",
        ),
    ] = None,
    scope: Annotated[
        Scope, typer.Option("--scope", help="stray: only what the audit finds; all: whole documents.")
    ] = Scope.stray,
    source: Annotated[str | None, typer.Option("--from", help="Source language for --scope all.")] = None,
    target: Annotated[str, typer.Option("--to", help="Target language (ISO 639-1).")] = "en",
    glossary: GlossaryOption = None,
    drop_chrome: Annotated[
        bool, typer.Option("--drop-chrome", help="Remove site UI lines instead of translating them.")
    ] = False,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Overwrite the inputs (a NAME.bak backup is kept).")
    ] = False,
    xliff: Annotated[
        Path | None,
        typer.Option(
            "--xliff",
            help="Also write an XLIFF 2.0 file of every change for review.",
            parser=path_arg,
            metavar="<path>",
        ),
    ] = None,
    field: Annotated[str | None, typer.Option("--field", help="JSON Lines field holding the text.")] = None,
    models_dir: Annotated[
        Path | None, typer.Option("--models-dir", help="Folder of installed Argos packages.")
    ] = None,
    report_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Change report: table or json.")
    ] = ReportFormat.table,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="CPU threads for the model (default 1).")
    ] = None,
) -> None:
    """Translate stray fragments (or whole documents) offline: memory, then Argos models, under the glossary.

    Exit codes: 0 all translated, 1 something stayed untranslated or missed a required term, 2 errors.
    """
    from pipeline.app import translate as workflows
    from pipeline.config import language_code
    from pipeline.errors import ConfigError
    from pipeline.render import exit_codes
    from pipeline.render import translate as translate_reports

    with pipeline_errors():
        if in_place and output is not None:
            raise ConfigError("--in-place and --output exclude each other; pick one")
        for option, code in (("--to", target), ("--from", source)):
            if code is not None:
                try:
                    language_code(code)
                except ValueError as exc:
                    raise ConfigError(f"{option}: {exc}") from None
        settings = make_settings(
            ctx,
            glossaries=tuple(glossary or ()),
            jsonl_field=field,
            models_dir=models_dir,
            jobs=jobs,
        )
        request = workflows.TranslateRequest(
            scope=scope.value,
            source=source,
            target=target.lower(),
            drop_chrome=drop_chrome,
            in_place=in_place,
            output=path_arg(output) if output is not None else None,
            output_is_folder=output is not None and output.endswith(("/", os.sep)),
            xliff=xliff,
        )
        with progress_bar("Translating", enabled=show_progress(ctx)) as advance:
            run = workflows.translate_paths(paths, settings, request, progress=advance)
        if report_format is ReportFormat.json:
            text = translate_reports.render_json(run)
        else:
            text = translate_reports.render_table(run, width=max(out_console.width, 120))
        out_console.file.write(text)
        out_console.file.flush()
    for item in run.files:
        if item.error is not None:
            say_error(f"{item.path}: {item.error}")
    if run.xliff_root is not None:
        from pipeline.text.names import printable

        err_console.print(
            printable(
                f"glossa: note: the documents lie outside the XLIFF's folder; its paths are relative to "
                f"{run.xliff_root}: apply it with `glossa apply {xliff} --root {run.xliff_root}`"
            ),
            markup=False,
            highlight=False,
        )
    raise typer.Exit(exit_codes.exit_code(run))


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
        typer.Option(
            "--output",
            "-o",
            help="Output file or folder (default: the translation it was made from).",
            parser=path_arg,
            metavar="<path>",
        ),
    ] = None,
    in_place: Annotated[
        bool,
        typer.Option("--in-place", help="Write into the original documents (a NAME.bak backup is kept)."),
    ] = False,
    field: Annotated[str | None, typer.Option("--field", help="JSON Lines field holding the text.")] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            help="Folder the XLIFF's document paths are relative to (default: the XLIFF's folder).",
            parser=path_arg,
            metavar="<dir>",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite the output even if it was edited since translate wrote it."),
    ] = False,
) -> None:
    """Write reviewed XLIFF translations back into the documents and the project memory.

    The documents the XLIFF names must lie inside its folder (or --root). Exit codes: 0 applied, 2 the
    XLIFF or a document could not be used (nothing is written then).
    """
    from pipeline.app import review as xliff
    from pipeline.text.names import printable

    with pipeline_errors():
        if root is not None and not root.is_dir():
            from pipeline.errors import ConfigError

            raise ConfigError(f"--root {root} is not a folder; name the folder the XLIFF's paths start from")
        settings = make_settings(ctx, jsonl_field=field)
        applied = xliff.apply_xliff(
            xliff_file, settings, output=output, in_place=in_place, root=root, force=force
        )
        for path, count in applied:
            out_console.print(
                printable(f"{path}: {count} reviewed translation(s) applied"), markup=False, highlight=False
            )
