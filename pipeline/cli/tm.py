"""`glossa tm`: the project translation memory: import and export TMX, list entries, show counts.

The memory is ``$GLOSSA_HOME/memory.sqlite`` (``Settings.memory_path``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipeline.cli._common import err_console, make_settings, out_console, pipeline_errors, state_of
from pipeline.render import OutputFormat, ReportFormat
from pipeline.translation.memory import TranslationMemory, export_tmx, import_tmx

__all__ = ["TM_LIST_SCHEMA", "app"]

TM_LIST_SCHEMA = "glossa.tm-list/1"  # the JSON of `tm list` (pipeline/schemas/)

app = typer.Typer(
    help="Import, export and inspect the project translation memory (TMX).", no_args_is_help=True
)

#: ``--format``: a table for people or JSON for tools.
FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]


@app.command("import")
def import_(
    ctx: typer.Context,
    tmx: Annotated[Path, typer.Argument(help="A TMX file.", exists=True, dir_okay=False, readable=True)],
) -> None:
    """Add the translation units of a TMX file to the memory."""
    with pipeline_errors():
        settings = make_settings(ctx)
        with TranslationMemory(settings.memory_path) as memory:
            count = import_tmx(memory, tmx)
    if not state_of(ctx).quiet:
        err_console.print(
            f"imported {count} entries into {settings.memory_path}", markup=False, soft_wrap=True
        )


@app.command("export")
def export(
    ctx: typer.Context,
    tmx: Annotated[Path, typer.Argument(help="The TMX file to write.", dir_okay=False)],
    source: Annotated[str | None, typer.Option("--from", help="Only this source language.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="Only this target language.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the memory as a TMX 1.4b file (sorted, byte-for-byte reproducible)."""
    with pipeline_errors():
        settings = make_settings(ctx)
        # export_tmx itself refuses the memory database and its journal files (even with --force).
        with TranslationMemory(settings.memory_path) as memory:
            count = export_tmx(memory, tmx, overwrite=force, source_lang=source, target_lang=target)
    if not state_of(ctx).quiet:
        err_console.print(f"exported {count} entries to {tmx}", markup=False, soft_wrap=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--from", help="Only this source language.")] = None,
    target: Annotated[str | None, typer.Option("--to", help="Only this target language.")] = None,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """List memory entries: pair, source, target, model, provenance."""
    with pipeline_errors():
        settings = make_settings(ctx)
        with TranslationMemory(settings.memory_path) as memory:
            entries = memory.entries(source, target)
    if output is OutputFormat.json:
        data = {"schema": TM_LIST_SCHEMA, "count": len(entries), "items": [asdict(e) for e in entries]}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("pair", "source", "target", "model", "provenance", box=None)
    for e in entries:
        table.add_row(f"{e.source_lang}-{e.target_lang}", e.source, e.target, e.model, e.provenance)
    out_console.print(table, markup=False, soft_wrap=True)


@app.command("stats")
def stats(
    ctx: typer.Context,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """Count memory entries per language pair and per model."""
    with pipeline_errors():
        settings = make_settings(ctx)
        with TranslationMemory(settings.memory_path) as memory:
            counts = memory.stats()
    if output is OutputFormat.json:
        typer.echo(
            json.dumps(
                {
                    "path": str(settings.memory_path),
                    "entries": counts.entries,
                    "pairs": dict(counts.pairs),
                    "models": dict(counts.models),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    out_console.print(f"{counts.entries} entries in {settings.memory_path}", markup=False, soft_wrap=True)
    for pair, n in counts.pairs:
        out_console.print(f"  {pair}: {n}", markup=False, soft_wrap=True)
    for model, n in counts.models:
        out_console.print(f"  model {model}: {n}", markup=False, soft_wrap=True)
