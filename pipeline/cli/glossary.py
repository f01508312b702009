"""`glossa glossary`: list, show, look up, edit, validate, merge, exchange, mine and check terminology.

Rules: a command parses its options, calls one job of :mod:`pipeline.app.glossary`, renders the result with
:mod:`pipeline.render.glossary` (or :mod:`pipeline.render.audit` for ``check``), writes it (results to stdout,
notes and errors to stderr) and exits 0 clean, 1 findings at or above ``--fail-on``, 2 could not run.
Nothing here builds concepts, picks layouts or shapes JSON.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._common import (
    AuditFormatOpt,
    FailOn,
    OutputFormat,
    err_console,
    make_settings,
    out_console,
    path_arg,
    pipeline_errors,
    print_unreadable,
    render_audit,
)
from pipeline.cli._stdin import StdinFormatOpt, stdin_paths
from pipeline.document import Severity
from pipeline.glossary.model import CONCEPT_ID_SYNTAX, Layout
from pipeline.render import ReportFormat, exit_codes

app = typer.Typer(
    help="Manage glossaries: list, show, lookup, add, remove, validate, merge, import, export, extract and "
    "check terminology.",
    no_args_is_help=True,
)


GlossaryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary file (repeatable; default: the shipped space glossary and web phrasebook).",
        dir_okay=False,
    ),
]
TargetOpt = Annotated[
    Path | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary file to edit (default: the shipped space glossary).",
        dir_okay=False,
    ),
]
SourceGlossaryOpt = Annotated[
    Path | None,
    typer.Option(
        "--glossary",
        "-g",
        help="Glossary file to export (default: the shipped glossaries).",
        dir_okay=False,
    ),
]
FormatOpt = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="Output: table for people, json for tools.")
]


def _write(text: str) -> None:
    """Write rendered text to stdout."""
    out_console.file.write(text)
    out_console.file.flush()


def _note(text: str) -> None:
    """Write a one-line note (or error) to stderr, as it is."""
    err_console.print(text, markup=False, highlight=False)


def _width() -> int:
    return max(out_console.width, 100)


def _paths(ctx: typer.Context, glossary: list[Path] | None) -> tuple[Path, ...]:
    return make_settings(ctx, glossaries=tuple(glossary or ())).glossaries


def _target(ctx: typer.Context, glossary: Path | None) -> Path:
    from pipeline.app.glossary import target_glossary

    return target_glossary(glossary, () if glossary is not None else _paths(ctx, None))


@app.command("list")
def list_(
    ctx: typer.Context,
    glossary: GlossaryOpt = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help="Only this category.")] = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """List the concepts of the glossaries: id, category, English term, languages."""
    from pipeline.app.glossary import list_concepts, load_glossaries
    from pipeline.render import glossary as render

    with pipeline_errors():
        glossaries = load_glossaries(_paths(ctx, glossary))
    rows = list_concepts(glossaries, category)
    _write(render.render_list(glossaries, rows, as_json=output_format is OutputFormat.json, width=_width()))


@app.command("show")
def show(
    ctx: typer.Context,
    concept_id: Annotated[str, typer.Argument(metavar="ID", help="Concept id (see `glossa glossary list`).")],
    glossary: GlossaryOpt = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Show one concept with all its terms."""
    from pipeline.app.glossary import find_concept, load_glossaries
    from pipeline.render import glossary as render

    with pipeline_errors():
        found = find_concept(load_glossaries(_paths(ctx, glossary)), concept_id)
    _write(render.render_concepts(found, as_json=output_format is OutputFormat.json, width=_width()))


@app.command("lookup")
def lookup(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Text to look terms up in (any glossary language).")],
    glossary: GlossaryOpt = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="Only terms of this language.")] = None,
    output_format: FormatOpt = OutputFormat.table,
) -> None:
    """Find which glossary terms occur in TEXT, where (code-point offsets), and their renderings.

    The table shows the English rendering; --format json gives every language's.
    """
    from pipeline.app.glossary import load_glossaries
    from pipeline.app.glossary import lookup as find_terms
    from pipeline.render import glossary as render

    with pipeline_errors():
        matches = find_terms(text, load_glossaries(_paths(ctx, glossary)), lang=lang)
    _write(render.render_lookup(text, matches, as_json=output_format is OutputFormat.json, width=_width()))


@app.command("add")
def add(
    ctx: typer.Context,
    concept_id: Annotated[str | None, typer.Option("--id", help=f"Concept id ({CONCEPT_ID_SYNTAX}).")] = None,
    term: Annotated[
        list[str] | None, typer.Option("--lang", help="LANG=TERM preferred term (repeatable).")
    ] = None,
    variant: Annotated[
        list[str] | None, typer.Option("--variant", help="LANG=TERM admitted variant.")
    ] = None,
    forbidden: Annotated[
        list[str] | None, typer.Option("--forbidden", help="LANG=TERM wrong rendering.")
    ] = None,
    abbr: Annotated[list[str] | None, typer.Option("--abbr", help="LANG=ABBR abbreviation.")] = None,
    category: Annotated[str, typer.Option("--category", help="Category tag.")] = "",
    pos: Annotated[str, typer.Option("--pos", help="noun, proper-noun, verb, adjective or phrase.")] = "",
    note: Annotated[str, typer.Option("--note", help="Short note.")] = "",
    source: Annotated[str, typer.Option("--source", help="Where the terms come from.")] = "",
    pattern: Annotated[bool, typer.Option("--pattern", help="Terms contain {n}, a flight number.")] = False,
    from_csv: Annotated[
        Path | None,
        typer.Option(
            "--from-csv", help="Add every row of a full-layout CSV (e.g. from `extract`).", dir_okay=False
        ),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Rewrite a concept with the same id.")] = False,
    glossary: TargetOpt = None,
) -> None:
    """Add concepts to a glossary file (untouched records keep their bytes; safe against concurrent adds)."""
    from pipeline.app.glossary import ConceptOptions, add_from_csv, add_from_options
    from pipeline.render.glossary import render_added

    with pipeline_errors():
        target = _target(ctx, glossary)
        if from_csv is not None:
            edit = add_from_csv(target, from_csv, replace=replace)
        else:
            terms, variants, forbids, abbrs = (tuple(v or ()) for v in (term, variant, forbidden, abbr))
            options = ConceptOptions(
                concept_id, terms, variants, forbids, abbrs, category, pos, note, source, pattern
            )
            edit = add_from_options(target, options, replace=replace)
    _note(render_added(edit.path, edit.count, edit.glossary))


@app.command("remove")
def remove(
    ctx: typer.Context,
    concept_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Concept ids to remove.")],
    glossary: TargetOpt = None,
) -> None:
    """Remove concepts from a glossary file (every other record keeps its bytes)."""
    from pipeline.app.glossary import remove as remove_ids
    from pipeline.render.glossary import render_removed

    with pipeline_errors():
        edit = remove_ids(_target(ctx, glossary), concept_ids)
    _note(render_removed(edit.path, edit.count, edit.glossary))


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Glossary files to validate.")],
    output_format: FormatOpt = OutputFormat.table,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity that makes it exit 1.")] = (
        Severity.ERROR
    ),
) -> None:
    """Validate glossaries: duplicates, conflicting renderings, empty languages, broken patterns.

    Exit codes: 0 valid, 1 findings at or above --fail-on, 2 a file cannot be read or parsed.
    """
    from pipeline.app.glossary import validate_files
    from pipeline.render import glossary as render

    checked = validate_files(files)
    if output_format is OutputFormat.json:
        _write(render.render_validation_json(checked.failed, checked.results))
    else:
        _write(render.render_validation_table(checked.results))
    for problem in checked.failed:
        _note(f"glossa: error: {problem}")
    raise typer.Exit(render.validation_exit_code(bool(checked.failed), checked.results, fail_on))


class Prefer(StrEnum):
    """Which side wins a conflicting preferred term in merge."""

    none = "none"
    a = "a"
    b = "b"


@app.command("merge")
def merge(
    a: Annotated[Path, typer.Argument(help="Base glossary (its records keep their bytes).", dir_okay=False)],
    b: Annotated[Path, typer.Argument(help="Glossary merged into A.", dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Merged glossary to write (new file).")],
    prefer: Annotated[
        Prefer, typer.Option("--prefer", help="Who wins a conflicting preferred term.")
    ] = Prefer.none,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """Merge glossary B into A and write OUT: new concepts appended, shared ids merged per language."""
    from pipeline.app.glossary import merge_to_file
    from pipeline.render.glossary import render_merged

    with pipeline_errors():
        side = "" if prefer is Prefer.none else prefer.value
        merged, changed = merge_to_file(a, b, output, prefer=side, force=force)
    _note(render_merged(output, merged, changed))


LayoutOpt = Annotated[
    Layout | None,
    typer.Option("--layout", "--as", help="Layout (default by suffix: .csv, .tsv full; .tbx/.xml TBX)."),
]
ImportLayoutOpt = Annotated[
    Layout | None,
    typer.Option(
        "--layout",
        "--as",
        help="Layout (default: .tbx/.xml TBX; a .csv/.tsv told by its first row: header or term pair).",
    ),
]
SourceOpt = Annotated[str, typer.Option("--source", help="Pairs: language of the first column.")]
TargetLangOpt = Annotated[str, typer.Option("--target", help="Pairs: language of the second column.")]


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or TBX file to import.", dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Glossary .toml to create.")],
    layout: ImportLayoutOpt = None,
    source: SourceOpt = "ru",
    target: TargetLangOpt = "en",
    gid: Annotated[str | None, typer.Option("--id", help="Glossary id (default: from the file).")] = None,
    title: Annotated[str, typer.Option("--title", help="Glossary title (CSV only).")] = "",
    version: Annotated[str, typer.Option("--version", help="Glossary version (CSV only).")] = "",
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """Import term pairs, Google term sets, full CSV/TSV or TBX-Basic as a new glossary."""
    from pipeline.app.glossary import ExchangeSpec, import_file
    from pipeline.render.glossary import render_imported

    with pipeline_errors():
        spec = ExchangeSpec(layout, source, target)
        made = import_file(file, output, spec, glossary_id=gid, title=title, version=version, force=force)
    _note(render_imported(output, made))


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Argument(metavar="FILE", help="File to write (.csv, .tsv, .tbx).")],
    glossary: SourceGlossaryOpt = None,
    layout: LayoutOpt = None,
    source: SourceOpt = "ru",
    target: TargetLangOpt = "en",
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Export a glossary as term pairs, Google term sets, a full CSV/TSV or TBX-Basic."""
    from pipeline.app.glossary import ExchangeSpec, export_file
    from pipeline.render.glossary import render_exported

    with pipeline_errors():
        defaults = () if glossary is not None else _paths(ctx, None)
        spec = ExchangeSpec(layout, source, target)
        kind, exported = export_file(glossary, output, spec, defaults=defaults, force=force)
    _note(render_exported(output, kind.value, exported))


@app.command("extract")
def extract(
    ctx: typer.Context,
    corpus: Annotated[
        list[Path], typer.Argument(metavar="CORPUS...", help="Files or folders to mine.", parser=path_arg)
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Candidates CSV to write (new file).")],
    glossary: GlossaryOpt = None,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Fewest occurrences of a name.")] = 2,
    min_foreign: Annotated[int, typer.Option("--min-foreign", min=1, help="Fewest of foreign text.")] = 1,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output if it exists.")] = False,
) -> None:
    """Mine candidate terms not yet in the glossary into a reviewable CSV that `add --from-csv` takes."""
    from pipeline.app.glossary import extract_to_file
    from pipeline.render.glossary import render_extracted

    with pipeline_errors():
        settings = make_settings(ctx, glossaries=tuple(glossary or ()))
        found, failed = extract_to_file(
            corpus,
            settings.glossaries,
            output,
            min_count=min_count,
            min_foreign=min_foreign,
            max_bytes=settings.max_file_size,
            force=force,
        )
    for exc in failed:  # the other files were mined and written
        _note(f"glossa: error: {exc}; left out")
    _note(render_extracted(output, len(found)))
    if failed:
        raise typer.Exit(exit_codes.FAILED)


Globs = list[str] | None


@app.command("check")
def check(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...",
            help="English files or folders to check (- reads standard input).",
            parser=path_arg,
        ),
    ],
    glossary: GlossaryOpt = None,
    output_format: AuditFormatOpt = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Lowest severity that makes it exit 1 (default: warning)."),
    ] = None,
    field: Annotated[str | None, typer.Option("--field", help="JSON Lines field holding the text.")] = None,
    include: Annotated[Globs, typer.Option("--include", help="Glob files under a folder must match.")] = None,
    exclude: Annotated[
        Globs, typer.Option("--exclude", help="Glob of files to skip under a folder (repeatable).")
    ] = None,
    stdin_format: StdinFormatOpt = None,
) -> None:
    """Terminology QA of English text: forbidden renderings and inconsistent spellings, with positions.

    Files are found and read as `glossa audit` reads them (--field, --include, --exclude, the size limit).
    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 a file or glossary could not be used.
    """
    from pipeline.app.glossary import check_paths, load_glossaries
    from pipeline.render.audit import CHECK_SCHEMA

    with pipeline_errors():
        settings = make_settings(
            ctx,
            glossaries=tuple(glossary or ()),
            jsonl_field=field,
            include=tuple(include or ()),
            exclude=tuple(exclude or ()),
            fail_on=fail_on,
        )
        with stdin_paths(files, stdin_format, max_bytes=settings.max_file_size) as (inputs, rename):
            run = rename(check_paths(inputs, load_glossaries(settings.glossaries), settings))
    _write(render_audit(run, output_format, schema=CHECK_SCHEMA))
    print_unreadable(run, ctx, output_format)
    raise typer.Exit(exit_codes.audit_exit(run, settings.fail_on))
