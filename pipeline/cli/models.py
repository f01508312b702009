"""`glossa models`: install, list, remove and verify Argos ``.argosmodel`` packages, offline.

Packages live in the models folder: ``--models-dir``, else ``$GLOSSA_MODELS_DIR``, else ``models_dir`` in the
config file, else ``$GLOSSA_HOME/models``. A folder that ``argospm`` filled can be used as it is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipeline.cli._common import err_console, make_settings, out_console, pipeline_errors, state_of
from pipeline.render import OutputFormat, ReportFormat
from pipeline.render.exit_codes import FINDINGS
from pipeline.translation.packages import (
    ArchiveLimits,
    argos_packages_dir,
    install_package,
    list_packages,
    remove_package,
    verify_packages,
)

__all__ = ["MODELS_LIST_SCHEMA", "app"]

MODELS_LIST_SCHEMA = "glossa.models-list/1"  # the JSON of `models list` (pipeline/schemas/)

app = typer.Typer(
    help="Install, list, remove and verify offline Argos translation models.",
    no_args_is_help=True,
)

ModelsDir = Annotated[
    Path | None,
    typer.Option(
        "--models-dir",
        help="Models folder (default: $GLOSSA_MODELS_DIR, config models_dir, or $GLOSSA_HOME/models).",
        file_okay=False,
    ),
]

#: ``--format``: a table for people or JSON for tools.
FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")]


def _human(size: int) -> str:
    """Bytes as a short human string.

    >>> _human(1536), _human(10)
    ('1.5 KiB', '10 B')
    """
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"  # pragma: no cover


@app.command("install")
def install(
    ctx: typer.Context,
    archive: Annotated[
        Path,
        typer.Argument(help="An .argosmodel package file.", exists=True, dir_okay=False, readable=True),
    ],
    models_dir: ModelsDir = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace an installed package of the same language pair (kept until the new one loads).",
        ),
    ] = False,
    max_size: Annotated[
        str | None,
        typer.Option(
            "--max-size",
            help="Largest total the archive may unpack to, e.g. 8GB (default 4GB; max_archive_size).",
        ),
    ] = None,
    max_ratio: Annotated[
        int | None,
        typer.Option(
            "--max-ratio",
            min=1,
            help="Largest compression ratio of the archive or a member (default 200; max_archive_ratio).",
        ),
    ] = None,
) -> None:
    """Install an Argos package from a local file (never downloads anything).

    The archive is checked (layout, language codes, size and compression-ratio limits), extracted into a
    staging folder inside the models folder and loaded (SentencePiece and CTranslate2) before it is moved
    into place; --replace keeps the installed package until then.
    """
    with pipeline_errors():
        settings = make_settings(
            ctx, models_dir=models_dir, max_archive_size=max_size, max_archive_ratio=max_ratio
        )
        limits = ArchiveLimits(settings.max_archive_size, settings.max_archive_ratio)
        package = install_package(archive, settings.models_dir, replace=replace, limits=limits)
    if not state_of(ctx).quiet:
        err_console.print(
            f"installed {package.pair} {package.package_version} into {package.path}",
            markup=False,
            soft_wrap=True,
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    models_dir: ModelsDir = None,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """List installed packages: language pair, version, size and folder."""
    with pipeline_errors():
        settings = make_settings(ctx, models_dir=models_dir)
        packages = list_packages(settings.models_dir)
    if output is OutputFormat.json:
        items = [p.to_json() for p in packages]
        data = {"schema": MODELS_LIST_SCHEMA, "count": len(items), "items": items}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not packages:
        err_console.print(_none_installed(settings.models_dir), markup=False, soft_wrap=True)
        return
    table = Table("pair", "version", "size", "path", box=None)
    for p in packages:
        table.add_row(p.pair, p.package_version, _human(p.size), str(p.path))
    out_console.print(table)


def _none_installed(models_dir: Path) -> str:
    """The hint for an empty models folder; it names argospm's folder when that one holds packages."""
    hint = f"no models installed in {models_dir}; run `glossa models install FILE.argosmodel`"
    argos = argos_packages_dir(os.environ, Path.home())
    found = list_packages(argos, with_size=False) if argos != models_dir else ()
    if found:
        hint += f" (argospm's folder {argos} holds {len(found)}: pass --models-dir {argos} to use them)"
    return hint


@app.command("remove")
def remove(
    ctx: typer.Context,
    pair: Annotated[str, typer.Argument(help="Language pair, e.g. ru-en.")],
    models_dir: ModelsDir = None,
) -> None:
    """Remove the installed package(s) of a language pair."""
    with pipeline_errors():
        settings = make_settings(ctx, models_dir=models_dir)
        removed = remove_package(settings.models_dir, pair)
    if not state_of(ctx).quiet:
        for p in removed:
            err_console.print(
                f"removed {p.pair} {p.package_version} from {p.path}", markup=False, soft_wrap=True
            )


@app.command("verify")
def verify(
    ctx: typer.Context,
    pair: Annotated[str | None, typer.Argument(help="Only this language pair, e.g. ru-en.")] = None,
    models_dir: ModelsDir = None,
) -> None:
    """Re-check installed packages: files present, models load and translate a word. Exit 1 on a problem."""
    with pipeline_errors():
        settings = make_settings(ctx, models_dir=models_dir)
        results = verify_packages(settings.models_dir, pair)
    if not results:
        err_console.print(f"no models installed in {settings.models_dir}", markup=False, soft_wrap=True)
        return
    for result in results:
        status = "ok" if result.ok else "FAILED: " + "; ".join(result.problems)
        out_console.print(
            f"{result.package.pair} {result.package.package_version}: {status}", markup=False, soft_wrap=True
        )
    if not all(r.ok for r in results):
        raise typer.Exit(FINDINGS)
