"""`glossa qa`: quality checks of translations in XLIFF and TMX files, or of translated documents."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._common import (
    FailOn,
    GlossaryOption,
    make_settings,
    out_console,
    pipeline_errors,
    say_error,
)
from pipeline.errors import InputError
from pipeline.render import OutputFormat, QAFormat
from pipeline.render.exit_codes import qa_exit

__all__ = ["qa"]


def qa(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="XLIFF (.xlf/.xliff, 1.2 or 2.0) or TMX (.tmx) files; with --source, the one translated "
            "document or folder.",
            show_default=False,
        ),
    ],
    source: Annotated[
        Path | None,
        typer.Option(
            "--source",
            help="The source document or folder the translation was made from (folders mirrored, as "
            "translate's -o writes them): sentences are aligned in order within each block.",
            show_default=False,
        ),
    ] = None,
    source_lang: Annotated[
        str, typer.Option("--from", help="With --source: the source language (ISO 639-1).")
    ] = "",
    target_lang: Annotated[
        str, typer.Option("--to", help="With --source: the translation's language (ISO 639-1).")
    ] = "en",
    output_format: Annotated[
        QAFormat, typer.Option("--format", "-f", help="Output: table, json or sarif.")
    ] = OutputFormat.table,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Lowest severity that makes the run exit 1 (default: warning)."),
    ] = None,
    glossary: GlossaryOption = None,
) -> None:
    """Check translations: numbers, placeholders and tags, URLs, untranslated text, terms, consistency,
    length, doubled words and spaces, unpaired brackets and quotes.

    `glossa qa --source src.html out/src.html` (or `--source src/ out/`) checks translated documents
    against their sources, read in the same format and aligned sentence by sentence within each block;
    blocks that do not align are reported (`alignment`).

    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 a file or setting could not be used.
    """
    from pipeline import __version__
    from pipeline.app import qa as workflows
    from pipeline.render.qa import render_qa

    with pipeline_errors():
        settings = make_settings(ctx, glossaries=tuple(glossary or ()), fail_on=fail_on)
        if source is not None:
            if len(paths) != 1:
                raise InputError("with --source, name exactly one translated document or folder")
            run = workflows.qa_documents(
                source, paths[0], settings, source_lang=source_lang, target_lang=target_lang
            )
        else:
            run = workflows.qa_paths(paths, settings)
        out_console.file.write(render_qa(run.findings, output_format, pairs=run.pairs, version=__version__))
        out_console.file.flush()
    for path, message in run.errors:
        say_error(f"{path}: {message}")
    raise typer.Exit(qa_exit(run, settings.fail_on))
