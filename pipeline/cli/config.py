"""`glossa config`: show every resolved setting and where it came from (flag, env VAR, file PATH, default).

Rules: resolves as every command does (:func:`pipeline.config.resolve_with_sources`), renders with
:mod:`pipeline.render.config`, exits 0 (2 when a setting is invalid).
"""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.cli._common import out_console, pipeline_errors, state_of
from pipeline.render import OutputFormat, ReportFormat

__all__ = ["config"]


def config(
    ctx: typer.Context,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Output: table for people, json for tools.")
    ] = OutputFormat.table,
) -> None:
    """Show each setting as resolved here (flags > GLOSSA_* > config file > default) and its source."""
    from pipeline.config import resolve_with_sources
    from pipeline.render.config import render_config_json, render_config_table

    with pipeline_errors():
        resolved = resolve_with_sources(config=state_of(ctx).config)
    render = render_config_json if output_format is OutputFormat.json else render_config_table
    out_console.file.write(render(resolved))
    out_console.file.flush()
