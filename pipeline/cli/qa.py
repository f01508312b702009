"""`glossa qa`: quality checks of translations in XLIFF and TMX files."""

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
from pipeline.document import Severity
from pipeline.render import OutputFormat, QAFormat
from pipeline.render.exit_codes import qa_exit

__all__ = ["qa"]


def qa(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="XLIFF (.xlf/.xliff, 1.2 or 2.0) or TMX (.tmx) files.", show_default=False),
    ],
    output_format: Annotated[
        QAFormat, typer.Option("--format", "-f", help="Output: table, json or sarif.")
    ] = OutputFormat.table,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest severity that makes the run exit 1.")
    ] = Severity.WARNING,
    glossary: GlossaryOption = None,
) -> None:
    """Check translations: numbers, placeholders and tags, URLs, untranslated text, terms, consistency,
    length, doubled words and spaces, unpaired brackets and quotes.

    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 a file or setting could not be used.
    """
    from pipeline import __version__
    from pipeline.app import qa as workflows
    from pipeline.render.qa import render_qa

    with pipeline_errors():
        settings = make_settings(ctx, glossaries=tuple(glossary or ()))
        run = workflows.qa_paths(paths, settings)
        out_console.file.write(render_qa(run.findings, output_format, pairs=run.pairs, version=__version__))
        out_console.file.flush()
    for path, message in run.errors:
        say_error(f"{path}: {message}")
    raise typer.Exit(qa_exit(run, fail_on))
