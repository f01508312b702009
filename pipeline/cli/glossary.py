"""`glossa glossary`: work in progress (filled in by its issue)."""

from __future__ import annotations

import typer

app = typer.Typer(help="glossary commands.", no_args_is_help=True)
