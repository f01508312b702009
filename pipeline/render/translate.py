"""Render what ``glossa translate`` did: a table for people, JSON (``glossa.translate/1``) for machines."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline import __version__
from pipeline.document import Change, FileTranslation, Status, TranslateRun
from pipeline.text.names import fragment, path_text, printable

__all__ = ["TRANSLATE_SCHEMA", "change_to_dict", "render_json", "render_table"]


TRANSLATE_SCHEMA = "glossa.translate/1"


def change_to_dict(change: Change, place: tuple[int, int], record: int | None) -> dict[str, Any]:
    """The JSON object of one change (schema ``glossa.translate/1``)."""
    data: dict[str, Any] = {
        "status": change.status.value,
        "line": place[0],
        "column": place[1],
        "start": change.start,
        "end": change.end,
        "source": change.source_text,
        "target": change.target_text,
        "source_language": change.source_lang,
        "target_language": change.target_lang,
        "provenance": change.provenance,
        "terms": [
            {"concept": t.concept, "source": t.source, "target": t.target, "honoured": t.honoured}
            for t in change.terms
        ],
        "note": change.note,
        "sent": change.sent,
        "repairs": list(change.repairs),
    }
    if record is not None:
        data["record"] = record
    return data


def _file_dict(item: FileTranslation) -> dict[str, Any]:
    from pipeline.render.qa import qa_to_dicts

    return {
        "path": path_text(item.path),
        "output": None if item.output is None else path_text(item.output),
        "error": item.error,
        "note": item.note,
        "changes": [
            change_to_dict(c, p, r) for c, p, r in zip(item.changes, item.places, item.records, strict=True)
        ],
        "qa": qa_to_dicts(item.qa),
    }


def _summary(run: TranslateRun) -> dict[str, int]:
    counts: dict[str, int] = {status.value: 0 for status in Status}
    for item in run.files:
        for change in item.changes:
            counts[change.status.value] += 1
    counts["qa"] = sum(len(item.qa) for item in run.files)
    counts["files"] = len(run.files)
    counts["files_with_errors"] = sum(1 for f in run.files if f.error is not None)
    return counts


def render_json(run: TranslateRun) -> str:
    """The whole run as one JSON object."""
    data = {
        "schema": TRANSLATE_SCHEMA,
        "tool": {"name": "glossa", "version": __version__},
        "target_language": run.target,
        "scope": run.scope,
        "files": [_file_dict(f) for f in run.files],
        "summary": _summary(run),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_table(run: TranslateRun, *, width: int = 120) -> str:
    """Every change as a table row, then each distinct note once and a summary line.

    User text is never read as markup (scraped pages contain ``[brackets]``).
    """
    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False)
    # Sentences kept as they were (already in the target language) are counted, not listed.
    rows = [
        (f, c, p)
        for f in run.files
        for c, p in zip(f.changes, f.places, strict=True)
        if c.status is not Status.KEPT
    ]
    notes: dict[str, None] = {}
    if rows:
        table = Table(pad_edge=False, expand=True, box=box.SIMPLE_HEAD)
        table.add_column("Location", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Lang", no_wrap=True)
        table.add_column("Source", overflow="fold", ratio=3)
        table.add_column("Target", overflow="fold", ratio=3)
        table.add_column("From", overflow="fold", ratio=2, min_width=12)
        for item, change, (line, column) in rows:
            origin = change.provenance
            if change.terms:
                origin += "; terms " + ", ".join(
                    ("✓" if t.honoured else "✗") + t.target for t in change.terms
                )
            if change.note and change.status in (Status.UNTRANSLATED, Status.TERM_MISSED):
                notes[change.note] = None
            table.add_row(
                Text(f"{printable(item.path)}:{line}:{column}"),
                Text(change.status.value),
                Text(f"{change.source_lang}→{change.target_lang}"),
                Text(fragment(change.source_text, 80)),
                Text(fragment(change.target_text, 80)),
                Text(origin),
            )
        console.print(table)
    for note in notes:
        console.print(Text(f"note: {note}"))
    for item in run.files:
        for finding in item.qa:
            console.print(Text(f"qa: {finding.id}: {finding.check}: {finding.message}"))
    for item in run.files:
        if item.error is not None:
            console.print(Text(printable(f"{item.path}: error: {item.error}")))
        elif item.output is not None:
            note = f" ({item.note})" if item.note else ""
            console.print(Text(printable(f"{item.path} -> {item.output}{note}")))
    s = _summary(run)
    console.print(
        Text(
            f"{s['files']} file(s): {s['translated']} translated, {s['term-missed']} term missed, "
            f"{s['untranslated']} untranslated, {s['replaced']} respelled, {s['dropped']} dropped"
            + (f", {s['kept']} already in {run.target}" if s["kept"] else "")
            + f"; {s['qa']} QA finding(s)"
        )
    )
    return buffer.getvalue()
