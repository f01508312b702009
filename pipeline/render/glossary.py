"""Render ``glossa glossary`` results: JSON for tools, plain tables and lines for people, one-line notes.

Rules: every function is pure (values in, the exact text to write out: stdout text ends with a newline, the
one-line notes for stderr do not); JSON keys keep a fixed order and non-ASCII stays as it is
(``ensure_ascii=False``, two-space indent); tables are rich tables without colour or markup at the width the
caller gives; the exit-code policy of ``validate`` is :func:`validation_exit_code`. Nothing here reads files,
prints, or imports :mod:`pipeline.app`: it takes plain values.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from pipeline.document import Finding
from pipeline.errors import PipelineError
from pipeline.glossary.match import TermMatch
from pipeline.glossary.model import Concept, Glossary
from pipeline.render.exit_codes import FailOn, findings_exit

__all__ = [
    "concept_dict",
    "render_added",
    "render_concepts",
    "render_concepts_json",
    "render_concepts_table",
    "render_exported",
    "render_extracted",
    "render_imported",
    "render_list",
    "render_list_json",
    "render_list_table",
    "render_lookup",
    "render_lookup_json",
    "render_lookup_table",
    "render_merged",
    "render_removed",
    "render_validation_json",
    "render_validation_table",
    "validation_exit_code",
]

#: ``(glossary, concept)`` pairs, as :mod:`pipeline.app.glossary` lists and finds them.
Rows = Sequence[tuple[Glossary, Concept]]


def _line(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _json(data: Any) -> str:
    return _line(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False))


def _table(table: Table, width: int) -> str:
    buffer = StringIO()
    Console(file=buffer, width=width, markup=False, highlight=False, color_system=None).print(table)
    return _line(buffer.getvalue())


def concept_dict(concept: Concept, glossary_id: str) -> dict[str, Any]:
    """One concept with every term, as ``show --format json`` writes it."""
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


def render_list(glossaries: Sequence[Glossary], rows: Rows, *, as_json: bool, width: int) -> str:
    """``list``: :func:`render_list_json` or :func:`render_list_table`."""
    return render_list_json(glossaries, rows) if as_json else render_list_table(rows, width=width)


def render_concepts(found: Rows, *, as_json: bool, width: int) -> str:
    """``show``: :func:`render_concepts_json` or :func:`render_concepts_table`."""
    return render_concepts_json(found) if as_json else render_concepts_table(found, width=width)


def render_lookup(text: str, matches: Sequence[TermMatch], *, as_json: bool, width: int) -> str:
    """``lookup``: :func:`render_lookup_json` or :func:`render_lookup_table`."""
    return render_lookup_json(text, matches) if as_json else render_lookup_table(matches, width=width)


def render_list_json(glossaries: Sequence[Glossary], rows: Rows) -> str:
    """``list --format json``: each glossary's header and size, then one short record a concept."""
    return _json(
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


def render_list_table(rows: Rows, *, width: int) -> str:
    """``list``: glossary, id, category, English term and languages, a row a concept."""
    table = Table("glossary", "id", "category", "en", "languages", box=None, pad_edge=False)
    for g, c in rows:
        table.add_row(g.id, c.id, c.category, c.preferred("en") or "", " ".join(c.languages))
    return _table(table, width)


def render_concepts_json(found: Rows) -> str:
    """``show --format json``: a list of :func:`concept_dict`."""
    return _json([concept_dict(c, g.id) for g, c in found])


def render_concepts_table(found: Rows, *, width: int) -> str:
    """``show``: each concept's heading and fields, then a table of its terms."""
    out: list[str] = []
    for g, c in found:
        out.append(_line(f"{c.id} ({g.id}, {g.path}:{c.line})"))
        fields = (("category", c.category), ("pos", c.pos), ("note", c.note), ("source", c.source))
        out += [_line(f"  {label}: {value}") for label, value in fields if value]
        if c.pattern:
            out.append(_line("  pattern: {n} is a flight number"))
        table = Table("lang", "term", "abbr", "variants", "forbidden", box=None, pad_edge=False)
        for lang, e in c.terms:
            table.add_row(lang, e.term, ", ".join(e.abbr), ", ".join(e.variants), ", ".join(e.forbidden))
        out.append(_table(table, width))
    return "".join(out)


LOOKUP_SCHEMA = "glossa.lookup/1"  # the JSON of `glossary lookup` (pipeline/schemas/)


def render_lookup_json(text: str, matches: Sequence[TermMatch]) -> str:
    """``lookup --format json``: the text and every match with its offsets and every rendering."""
    return _json(
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


def render_lookup_table(matches: Sequence[TermMatch], *, width: int) -> str:
    """``lookup``: offsets, text, concept, language, form and the English rendering of each match."""
    table = Table("start", "end", "text", "concept", "lang", "form", "en", box=None, pad_edge=False)
    for m in matches:
        table.add_row(str(m.start), str(m.end), m.text, m.concept_id, m.lang, m.form, m.rendering("en") or "")
    return _table(table, width)


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "line": finding.line,
        "severity": finding.severity.value,
        "rule": finding.rule,
        "concept": finding.text,
        "message": finding.message,
    }


Results = Sequence[tuple[Glossary, Sequence[Finding]]]


def render_validation_json(failed: Sequence[PipelineError], results: Results) -> str:
    """``validate --format json``: each file that failed (path, error, line), each glossary's findings."""
    return _json(
        [{"path": e.path, "error": e.message, "line": e.line} for e in failed]
        + [
            {
                "path": g.path,
                "id": g.id,
                "concepts": len(g.concepts),
                "findings": [_finding_dict(f) for f in found],
            }
            for g, found in results
        ]
    )


def render_validation_table(results: Results) -> str:
    """``validate``: ``path:line: severity: message [rule]`` a finding, then a summary line a glossary."""
    out: list[str] = []
    for g, found in results:
        out += [f"{g.path}:{f.line}: {f.severity.value}: {f.message} [{f.rule}]\n" for f in found]
        out.append(f"{g.path}: {len(g.concepts)} concepts, {len(found)} finding(s)\n")
    return "".join(out)


def validation_exit_code(failed: bool, results: Results, fail_on: FailOn) -> int:
    """2 when a file failed, 1 when a finding reaches ``fail_on`` (:mod:`pipeline.render.exit_codes`), else 0.

    >>> from pipeline.document import Severity
    >>> validation_exit_code(False, (), Severity.ERROR), validation_exit_code(True, (), "never")
    (0, 2)
    """
    return findings_exit((f.severity for _, found in results for f in found), fail_on, failed=failed)


def render_added(path: Path, count: int, glossary: Glossary) -> str:
    """The note after ``add``."""
    return f"added {count} concept(s) to {path} (now {len(glossary.concepts)})"


def render_removed(path: Path, count: int, glossary: Glossary) -> str:
    """The note after ``remove``."""
    return f"removed {count} concept(s) from {path} (now {len(glossary.concepts)})"


def render_merged(output: Path, merged: Glossary, changed: Sequence[str]) -> str:
    """The note after ``merge``."""
    return f"wrote {output}: {len(merged.concepts)} concepts, {len(changed)} added or changed"


def render_imported(output: Path, glossary: Glossary) -> str:
    """The note after ``import``."""
    return f"wrote {output}: {len(glossary.concepts)} concepts"


def render_exported(output: Path, layout: str, glossary: Glossary) -> str:
    """The note after ``export``."""
    return f"wrote {output} ({layout}, {len(glossary.concepts)} concepts)"


def render_extracted(output: Path, count: int) -> str:
    """The note after ``extract``."""
    return f"wrote {output}: {count} candidates"
