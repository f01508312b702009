"""`glossa glossary`: list, show, look up, edit, validate, merge, exchange, mine and check terminology.

Commands are thin: parse, call one function of :mod:`pipeline.glossary`, render, pick the exit code
(0 clean, 1 findings at or above ``--fail-on``, 2 could not run).
"""

from __future__ import annotations

import json
from enum import StrEnum
from io import StringIO
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pipeline.cli._common import (
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
from pipeline.errors import GlossaryError, InputError, PipelineError

app = typer.Typer(
    help="Manage glossaries: list, show, lookup, add, remove, validate, merge, import, export, extract and "
    "check terminology.",
    no_args_is_help=True,
)


class Format(StrEnum):
    """Output of list, show, lookup and validate."""

    table = "table"
    json = "json"


class Exchange(StrEnum):
    """Exchange file layouts."""

    csv = "csv"
    tsv = "tsv"
    pairs_csv = "pairs-csv"
    pairs_tsv = "pairs-tsv"
    tbx = "tbx"


class Prefer(StrEnum):
    """Which side wins a conflicting preferred term in merge."""

    none = "none"
    a = "a"
    b = "b"


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
LOOKUP_SCHEMA = "glossa.lookup/1"  # the JSON of `glossary lookup` (pipeline/schemas/)
FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: table for people, json for tools.")
]


def _echo(text: str) -> None:
    out_console.file.write(text if text.endswith("\n") else text + "\n")
    out_console.file.flush()


def _json(data: Any) -> None:
    _echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def _table(table: Table) -> None:
    buffer = StringIO()
    Console(
        file=buffer, width=max(out_console.width, 100), markup=False, highlight=False, color_system=None
    ).print(table)
    _echo(buffer.getvalue())


def _paths(ctx: typer.Context, glossary: list[Path] | None) -> tuple[Path, ...]:
    settings = make_settings(ctx, glossaries=tuple(glossary or ()))
    return settings.glossaries


def _check_output(inputs: list[Path], output: Path) -> None:
    """Refuse an output that is one of the command's inputs (see :mod:`pipeline.formats.targets`)."""
    from pipeline.formats.targets import Planned, check_outputs

    check_outputs(inputs, [Planned(output, "output")])


def _target(ctx: typer.Context, glossary: Path | None) -> Path:
    if glossary is not None:
        return glossary
    paths = _paths(ctx, None)
    if not paths:
        raise GlossaryError("no glossary to edit; pass --glossary FILE")
    return paths[0]


def _concept_dict(concept: Any, glossary_id: str) -> dict[str, Any]:
    return {
        "glossary": glossary_id,
        "id": concept.id,
        "category": concept.category,
        "pos": concept.pos,
        "pattern": concept.pattern,
        "note": concept.note,
        "source": concept.source,
        "line": concept.line,
        "terms": {
            lang: {
                "term": e.term,
                "variants": list(e.variants),
                "forbidden": list(e.forbidden),
                "abbr": list(e.abbr),
                "case": e.case,
            }
            for lang, e in concept.terms
        },
    }


@app.command("list")
def list_(
    ctx: typer.Context,
    glossary: GlossaryOpt = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help="Only this category.")] = None,
    output_format: FormatOpt = Format.table,
) -> None:
    """List the concepts of the glossaries: id, category, English term, languages."""
    from pipeline.app.glossary import load_glossaries

    with pipeline_errors():
        glossaries = load_glossaries(_paths(ctx, glossary))
    rows = [(g, c) for g in glossaries for c in g.concepts if category is None or c.category == category]
    if output_format is Format.json:
        _json(
            {
                "glossaries": [
                    {
                        "id": g.id,
                        "path": g.path,
                        "title": g.title,
                        "version": g.version,
                        "languages": list(g.languages),
                        "concepts": len(g.concepts),
                    }
                    for g in glossaries
                ],
                "concepts": [
                    {
                        "glossary": g.id,
                        "id": c.id,
                        "category": c.category,
                        "en": c.preferred("en"),
                        "languages": list(c.languages),
                    }
                    for g, c in rows
                ],
            }
        )
        return
    table = Table("glossary", "id", "category", "en", "languages", box=None, pad_edge=False)
    for g, c in rows:
        table.add_row(g.id, c.id, c.category, c.preferred("en") or "", " ".join(c.languages))
    _table(table)


@app.command("show")
def show(
    ctx: typer.Context,
    concept_id: Annotated[str, typer.Argument(metavar="ID", help="Concept id (see `glossa glossary list`).")],
    glossary: GlossaryOpt = None,
    output_format: FormatOpt = Format.table,
) -> None:
    """Show one concept with all its terms."""
    from pipeline.app.glossary import load_glossaries

    with pipeline_errors():
        glossaries = load_glossaries(_paths(ctx, glossary))
        found = [(g, g[concept_id]) for g in glossaries if concept_id in g]
        if not found:
            raise GlossaryError(f"no concept {concept_id!r}; see `glossa glossary list`")
    if output_format is Format.json:
        _json([_concept_dict(c, g.id) for g, c in found])
        return
    for g, c in found:
        _echo(f"{c.id} ({g.id}, {g.path}:{c.line})")
        for label, value in (
            ("category", c.category),
            ("pos", c.pos),
            ("note", c.note),
            ("source", c.source),
        ):
            if value:
                _echo(f"  {label}: {value}")
        if c.pattern:
            _echo("  pattern: {n} is a flight number")
        table = Table("lang", "term", "abbr", "variants", "forbidden", box=None, pad_edge=False)
        for lang, e in c.terms:
            table.add_row(lang, e.term, ", ".join(e.abbr), ", ".join(e.variants), ", ".join(e.forbidden))
        _table(table)


@app.command("lookup")
def lookup(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Text to look terms up in (any glossary language).")],
    glossary: GlossaryOpt = None,
    lang: Annotated[str | None, typer.Option("--lang", "-l", help="Only terms of this language.")] = None,
    output_format: FormatOpt = Format.table,
) -> None:
    """Find which glossary terms occur in TEXT, where (code-point offsets), and their renderings.

    The table shows the English rendering; --format json gives every language's.
    """
    from pipeline.app.glossary import load_glossaries
    from pipeline.app.glossary import lookup as find_terms

    with pipeline_errors():
        matches = find_terms(text, load_glossaries(_paths(ctx, glossary)), lang=lang)
    if output_format is Format.json:
        _json(
            {
                "schema": LOOKUP_SCHEMA,
                "text": text,
                "matches": [
                    {
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "concept": m.concept_id,
                        "glossary": m.glossary,
                        "lang": m.lang,
                        "form": m.form,
                        "matched": m.matched,
                        "number": m.number,
                        "renderings": dict(m.renderings),
                    }
                    for m in matches
                ],
            }
        )
        return
    table = Table("start", "end", "text", "concept", "lang", "form", "en", box=None, pad_edge=False)
    for m in matches:
        table.add_row(str(m.start), str(m.end), m.text, m.concept_id, m.lang, m.form, m.rendering("en") or "")
    _table(table)


def _pairs(values: list[str] | None, option: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for value in values or ():
        lang, sep, term = value.partition("=")
        if not sep or not lang.strip() or not term.strip():
            raise GlossaryError(f"{option} {value!r}: write LANG=TERM, e.g. {option} en=Roscosmos")
        out.append((lang.strip().lower(), term.strip()))
    return out


@app.command("add")
def add(
    ctx: typer.Context,
    concept_id: Annotated[str | None, typer.Option("--id", help="Concept id ([a-z0-9][a-z0-9.-]*).")] = None,
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
    from pipeline.glossary.exchange import loads_csv
    from pipeline.glossary.io import add_concepts, read_glossary_text
    from pipeline.glossary.model import Concept, TermEntry

    with pipeline_errors():
        target = _target(ctx, glossary)
        if from_csv is not None:
            concepts = list(loads_csv(read_glossary_text(from_csv), path=str(from_csv)).concepts)
        else:
            if not concept_id or not term:
                raise GlossaryError("give --id and at least --lang en=TERM, or --from-csv FILE")
            entries: dict[str, dict[str, Any]] = {}
            for lang, value in _pairs(term, "--lang"):
                entries.setdefault(lang, {"variants": [], "forbidden": [], "abbr": []})["term"] = value
            for option, key, values in (
                ("--variant", "variants", variant),
                ("--forbidden", "forbidden", forbidden),
                ("--abbr", "abbr", abbr),
            ):
                for lang, value in _pairs(values, option):
                    if lang not in entries:
                        raise GlossaryError(f"{option} {lang}=...: give --lang {lang}=TERM first")
                    entries[lang][key].append(value)
            concepts = [
                Concept(
                    id=concept_id,
                    category=category,
                    pos=pos,
                    note=note,
                    source=source,
                    pattern=pattern,
                    terms=tuple(
                        (
                            lang,
                            TermEntry(
                                e["term"], tuple(e["variants"]), tuple(e["forbidden"]), tuple(e["abbr"])
                            ),
                        )
                        for lang, e in entries.items()
                    ),
                )
            ]
        origin = str(from_csv) if from_csv else "the command line"
        result = add_concepts(target, concepts, replace=replace, origin=origin)
    err_console.print(
        f"added {len(concepts)} concept(s) to {target} (now {len(result.concepts)})",
        markup=False,
        highlight=False,
    )


@app.command("remove")
def remove(
    ctx: typer.Context,
    concept_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Concept ids to remove.")],
    glossary: TargetOpt = None,
) -> None:
    """Remove concepts from a glossary file (every other record keeps its bytes)."""
    from pipeline.glossary.io import remove_concepts

    with pipeline_errors():
        target = _target(ctx, glossary)
        result = remove_concepts(target, concept_ids)
    err_console.print(
        f"removed {len(concept_ids)} concept(s) from {target} (now {len(result.concepts)})",
        markup=False,
        highlight=False,
    )


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Glossary files to validate.")],
    output_format: FormatOpt = Format.table,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity that makes it exit 1.")] = (
        FailOn.error
    ),
) -> None:
    """Validate glossaries: duplicates, conflicting renderings, empty languages, broken patterns.

    Exit codes: 0 valid, 1 findings at or above --fail-on, 2 a file cannot be read or parsed.
    """
    from pipeline.document import Severity
    from pipeline.glossary.checks import validate_glossary
    from pipeline.glossary.io import load_glossary

    glossaries = []
    failed: list[PipelineError] = []
    for file in files:  # one bad file is reported; the others are still validated
        try:
            glossaries.append(load_glossary(file))
        except PipelineError as exc:
            failed.append(exc)
    results = [(g, validate_glossary(g)) for g in glossaries]
    if output_format is Format.json:
        _json(
            [{"path": e.path, "error": e.message, "line": e.line} for e in failed]
            + [
                {
                    "path": g.path,
                    "id": g.id,
                    "concepts": len(g.concepts),
                    "findings": [
                        {
                            "line": f.line,
                            "severity": f.severity.value,
                            "rule": f.rule,
                            "concept": f.text,
                            "message": f.message,
                        }
                        for f in found
                    ],
                }
                for g, found in results
            ]
        )
    else:
        for g, found in results:
            for f in found:
                _echo(f"{g.path}:{f.line}: {f.severity.value}: {f.message} [{f.rule}]")
            _echo(f"{g.path}: {len(g.concepts)} concepts, {len(found)} finding(s)")
    for problem in failed:
        err_console.print(f"glossa: error: {problem}", markup=False, highlight=False)
    if failed:
        raise typer.Exit(2)
    if fail_on is FailOn.never:
        raise typer.Exit(0)
    threshold = Severity(fail_on.value).rank
    raise typer.Exit(1 if any(f.severity.rank >= threshold for _, found in results for f in found) else 0)


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
    from pipeline.glossary.io import merge_files

    with pipeline_errors():
        _check_output([a, b], output)
        merged, changed = merge_files(
            a, b, output, prefer="" if prefer is Prefer.none else prefer.value, force=force
        )
    err_console.print(
        f"wrote {output}: {len(merged.concepts)} concepts, {len(changed)} added or changed",
        markup=False,
        highlight=False,
    )


def _layout(path: Path, layout: Exchange | None) -> Exchange:
    if layout is not None:
        return layout
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        return Exchange.tbx
    if suffix == ".tsv":
        return Exchange.tsv
    if suffix == ".csv":
        return Exchange.csv
    raise GlossaryError(f"cannot tell the layout of {path.name}; pass --as csv|tsv|pairs-csv|pairs-tsv|tbx")


LayoutOpt = Annotated[
    Exchange | None, typer.Option("--as", help="Layout (default by suffix: .csv, .tsv full; .tbx/.xml TBX).")
]
SourceOpt = Annotated[str, typer.Option("--source", help="Pairs: language of the first column.")]
TargetLangOpt = Annotated[str, typer.Option("--target", help="Pairs: language of the second column.")]


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or TBX file to import.", dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Glossary .toml to create.")],
    layout: LayoutOpt = None,
    source: SourceOpt = "ru",
    target: TargetLangOpt = "en",
    glossary_id: Annotated[
        str | None, typer.Option("--id", help="Glossary id (default: from the file).")
    ] = None,
    title: Annotated[str, typer.Option("--title", help="Glossary title (CSV only).")] = "",
    version: Annotated[str, typer.Option("--version", help="Glossary version (CSV only).")] = "",
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
) -> None:
    """Import term pairs (DeepL/Google CSV or TSV), a full CSV/TSV or TBX-Basic into a new glossary file."""
    from pipeline.glossary import exchange
    from pipeline.glossary.io import dumps_glossary, read_glossary_text, write_new_glossary
    from pipeline.glossary.model import Glossary

    with pipeline_errors():
        _check_output([file], output)
        kind = _layout(file, layout)
        text = read_glossary_text(file)
        default_id = exchange.slug(file.stem)
        try:
            if kind is Exchange.tbx:
                imported = exchange.loads_tbx(text, path=str(file), glossary_id=default_id)
            elif kind in (Exchange.pairs_csv, Exchange.pairs_tsv):
                imported = exchange.loads_pairs(
                    text,
                    source,
                    target,
                    delimiter="\t" if kind is Exchange.pairs_tsv else ",",
                    path=str(file),
                    glossary_id=default_id,
                )
            else:
                imported = exchange.loads_csv(
                    text,
                    delimiter="\t" if kind is Exchange.tsv else ",",
                    path=str(file),
                    glossary_id=default_id,
                    title=title,
                    version=version,
                )
        except GlossaryError as exc:
            if exc.path is None:
                exc.path = str(file)
            raise
        imported = Glossary(
            id=glossary_id or imported.id,
            title=title or imported.title,
            version=version or imported.version,
            languages=imported.languages,
            concepts=imported.concepts,
            path=str(output),
            license=imported.license,
        )
        result = write_new_glossary(output, dumps_glossary(imported), force=force)
    err_console.print(f"wrote {output}: {len(result.concepts)} concepts", markup=False, highlight=False)


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Argument(metavar="FILE", help="File to write (.csv, .tsv, .tbx).")],
    glossary: TargetOpt = None,
    layout: LayoutOpt = None,
    source: SourceOpt = "ru",
    target: TargetLangOpt = "en",
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Export a glossary as term pairs (DeepL/Google), a full CSV/TSV or TBX-Basic."""
    from pipeline.glossary import exchange
    from pipeline.glossary.io import load_glossary, write_text_atomic

    with pipeline_errors():
        kind = _layout(output, layout)
        source_path = _target(ctx, glossary)
        _check_output([source_path], output)
        g = load_glossary(source_path)
        if kind is Exchange.tbx:
            text = exchange.dumps_tbx(g)
        elif kind in (Exchange.pairs_csv, Exchange.pairs_tsv):
            text = exchange.dumps_pairs(
                g, source, target, delimiter="\t" if kind is Exchange.pairs_tsv else ","
            )
        else:
            text = exchange.dumps_csv(g, delimiter="\t" if kind is Exchange.tsv else ",")
        if output.exists() and not force:
            raise InputError("exists already; pick a new file or pass --force", path=str(output))
        write_text_atomic(output, text)
    err_console.print(
        f"wrote {output} ({kind.value}, {len(g.concepts)} concepts)", markup=False, highlight=False
    )


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
    from pipeline.app.glossary import extract_paths, load_glossaries
    from pipeline.glossary.extract import candidates_csv
    from pipeline.glossary.io import write_text_atomic

    with pipeline_errors():
        _check_output([*corpus, *_paths(ctx, glossary)], output)
        glossaries = load_glossaries(_paths(ctx, glossary))
        settings = make_settings(ctx)
        found, failed = extract_paths(
            corpus,
            glossaries,
            min_count=min_count,
            min_foreign=min_foreign,
            max_bytes=settings.max_file_size,
        )
        if output.exists() and not force:
            raise InputError("exists already; pick a new file or pass --force", path=str(output))
        write_text_atomic(output, candidates_csv(found))
    for exc in failed:  # the other files were mined and written
        err_console.print(f"glossa: error: {exc}; left out", markup=False, highlight=False)
    err_console.print(f"wrote {output}: {len(found)} candidates", markup=False, highlight=False)
    if failed:
        raise typer.Exit(2)


@app.command("check")
def check(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(metavar="FILE...", help="English files or folders to check.", parser=path_arg),
    ],
    glossary: GlossaryOpt = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output: table, json, jsonl or sarif.")
    ] = OutputFormat.table,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="Lowest severity that makes it exit 1.")] = (
        FailOn.warning
    ),
) -> None:
    """Terminology QA of English text: forbidden renderings and inconsistent spellings, with positions.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 a file or glossary could not be used.
    """
    from pipeline.app.glossary import check_paths, load_glossaries
    from pipeline.cli.audit import exit_code_for
    from pipeline.render.audit import CHECK_SCHEMA

    with pipeline_errors():
        settings = make_settings(ctx)
        run = check_paths(files, load_glossaries(_paths(ctx, glossary)), max_bytes=settings.max_file_size)
    out_console.file.write(render_audit(run, output_format, schema=CHECK_SCHEMA))
    out_console.file.flush()
    print_unreadable(run)
    raise typer.Exit(exit_code_for(run, fail_on))
