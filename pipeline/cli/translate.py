"""`glossa translate` and `glossa apply`: work in progress (filled in by the translation issue)."""

from __future__ import annotations

import typer


def translate(ctx: typer.Context) -> None:
    """Translate stray fragments or whole documents, offline."""
    raise typer.Exit(2)


def apply(ctx: typer.Context) -> None:
    """Write reviewed XLIFF translations back into documents."""
    raise typer.Exit(2)
