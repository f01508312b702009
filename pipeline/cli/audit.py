"""`glossa audit`: report every stray foreign fragment with its exact place.

Rules: parse, :func:`pipeline.app.audit.audit_paths`, render, exit with
:func:`~pipeline.render.exit_codes.audit_exit`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._common import (
    AuditFormatOpt,
    ExecutorOpt,
    FailOn,
    GlossaryOption,
    RayAddressOpt,
    audit_progress,
    make_executor,
    make_settings,
    out_console,
    path_arg,
    pipeline_errors,
    print_unreadable,
    render_audit_chunks,
    show_progress,
    state_of,
)
from pipeline.cli._stdin import StdinFormatOpt, stdin_paths
from pipeline.render.exit_codes import audit_exit

#: The files and folders to audit.
PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Files or folders to audit (folders are searched recursively; - reads standard input).",
        metavar="PATH...",
        show_default=False,
        parser=path_arg,
    ),
]
#: ``-o``: the report file.
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report to this file instead of stdout.",
        parser=path_arg,
        metavar="PATH",
    ),
]

#: ``--checkpoint``: the folder that keeps finished shards.
CheckpointOpt = Annotated[
    Path | None,
    typer.Option(
        "--checkpoint",
        help="Keep each finished shard's result in this folder; rerunning the same command resumes.",
        parser=path_arg,
        metavar="DIR",
    ),
]


def audit(
    ctx: typer.Context,
    paths: PathsArg,
    output_format: AuditFormatOpt = None,
    expect: Annotated[
        str | None, typer.Option("--expect", help="Language the documents should be in (ISO 639-1).")
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Lowest severity that makes the run exit 1 (default: warning)."),
    ] = None,
    field: Annotated[str | None, typer.Option("--field", help="JSON Lines field holding the text.")] = None,
    include: Annotated[
        list[str] | None,
        typer.Option("--include", help="Glob files under a folder must match."),
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Glob of files to skip under a folder (repeatable).")
    ] = None,
    glossary: GlossaryOption = None,
    min_confidence: Annotated[
        float | None, typer.Option("--min-confidence", min=0.0, max=1.0, help="Report only at or above this.")
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Parallel workers.")] = None,
    stdin_format: StdinFormatOpt = None,
    output: OutputOpt = None,
    checkpoint: CheckpointOpt = None,
    executor_name: ExecutorOpt = None,
    ray_address: RayAddressOpt = None,
) -> None:
    """Report stray non-English fragments, homoglyphs and site UI chrome, with file:line:col.

    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 a file or setting could not be used.
    """
    from pipeline.app import audit as workflows

    with pipeline_errors():
        settings = make_settings(
            ctx,
            expected_language=expect,
            jsonl_field=field,
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            glossaries=tuple(glossary or ()),
            min_confidence=min_confidence,
            jobs=jobs,
            fail_on=fail_on,
            executor=executor_name,
            ray_address=ray_address,
        )
        executor = make_executor(settings)
        summary = checkpoint is not None and not state_of(ctx).quiet
        with (
            stdin_paths(paths, stdin_format, max_bytes=settings.max_file_size) as (inputs, rename),
            audit_progress(enabled=show_progress(ctx), summary=summary) as advance,
        ):
            run = rename(
                workflows.audit_paths(
                    inputs,
                    settings,
                    progress=advance,
                    output=output,
                    executor=executor,
                    checkpoint=checkpoint,
                )
            )
        chunks = render_audit_chunks(run, output_format)  # a corpus's report is never one string
        if output is not None:
            from pipeline.formats import write_chunks

            write_chunks(output, chunks, overwrite=True)
        else:
            for chunk in chunks:
                out_console.file.write(chunk)
            out_console.file.flush()
    print_unreadable(run, ctx, output_format)
    raise typer.Exit(audit_exit(run, settings.fail_on))
