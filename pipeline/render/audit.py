"""Render audit results: a rich table for people, compact lines (:mod:`pipeline.render.compact`), JSON /
JSON Lines / SARIF 2.1.0 for machines.

Every renderer is a pure function of an :class:`~pipeline.document.AuditRun` and returns a string, so the same
run always renders to the same bytes. JSON keys keep a fixed order; confidences are rounded to 3 decimals.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline import __version__
from pipeline.document import AuditRun, FileReport, Finding, FindingKind, Region, Severity
from pipeline.render import OutputFormat, sarif
from pipeline.text.names import fragment, path_text, printable

__all__ = [
    "AUDIT_SCHEMA",
    "CHECK_SCHEMA",
    "finding_to_dict",
    "summary_line",
    "render_json",
    "render",
    "render_chunks",
    "render_jsonl",
    "render_sarif",
    "render_table",
    "summary",
]


AUDIT_SCHEMA = "glossa.audit/1"
CHECK_SCHEMA = "glossa.check/1"  # glossary check: the same shape, its own id (pipeline/schemas/)


_RULE_HELP = {
    FindingKind.FOREIGN_TEXT: "Text in a language other than the expected one.",
    FindingKind.FOREIGN_INTENDED: (
        "Foreign text the author meant (a name, an original-script name, a gloss, a quotation, a citation)."
    ),
    FindingKind.HOMOGLYPH: "A word that mixes scripts with look-alike letters (e.g. Latin with Cyrillic).",
    FindingKind.UI_CHROME: "Site interface text (subscribe, newsfeed, comments, log in) left by a scraper.",
    FindingKind.FORBIDDEN_TERM: "A rendering the glossary marks as wrong.",
    FindingKind.INCONSISTENT_TERM: "One concept spelled in several ways in one document.",
    FindingKind.GLOSSARY_INVALID: "A glossary entry that fails validation.",
}


def _conf(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """Return the JSON object of one finding (schema ``glossa.audit/1``).

    >>> from pipeline.document import Finding, FindingKind, Severity
    >>> f = Finding(FindingKind.FOREIGN_TEXT, Severity.WARNING, 3, 8, 1, 4, "Привет", "m",
    ...             "translate", "ru", 0.98765)
    >>> finding_to_dict(f)["confidence"], finding_to_dict(f)["language"]
    (0.988, 'ru')
    """
    data: dict[str, Any] = {
        "kind": finding.kind.value,
        "severity": finding.severity.value,
        "start": finding.start,
        "end": finding.end,
        "line": finding.line,
        "column": finding.column,
        "text": finding.text,
        "language": finding.language,
        "confidence": _conf(finding.confidence),
        "action": finding.action,
        "replacement": finding.replacement,
        "message": finding.message,
        "rule": finding.rule or finding.kind.value,
    }
    if finding.record is not None:
        data["record"] = finding.record
        data["field"] = finding.field
    if finding.details:
        data["details"] = dict(finding.details)
    return data


def summary(run: AuditRun) -> dict[str, Any]:
    """Return counts for the whole run: files, errors, findings by kind, severity and language."""
    findings = run.findings
    return {
        "files": len(run.files),
        "files_with_findings": sum(1 for r in run.files if r.findings),
        "files_with_errors": len(run.failed_files),
        "findings": len(findings),
        "by_severity": {s.value: n for s in Severity if (n := sum(1 for f in findings if f.severity is s))},
        "by_kind": dict(sorted(Counter(f.kind.value for f in findings).items())),
        "by_language": dict(sorted(Counter(f.language for f in findings if f.language).items())),
    }


def _file_to_dict(report: FileReport) -> dict[str, Any]:
    return {
        "path": path_text(report.path),
        "format": report.format.value if report.format else None,
        "encoding": report.encoding,
        "error": report.error,
        "findings": [finding_to_dict(f) for f in report.findings],
    }


def render_json(run: AuditRun, *, schema: str = AUDIT_SCHEMA) -> str:
    """Render the whole run as one JSON object (schema ``glossa.audit/1``, or ``glossa.check/1``)."""
    return sarif.dumps(_json_data(run, schema))


def _json_data(run: AuditRun, schema: str) -> dict[str, Any]:
    return {
        "schema": schema,
        "tool": {"name": "glossa", "version": __version__},
        "expected_language": run.expected_language,
        "files": [_file_to_dict(r) for r in run.files],
        "summary": summary(run),
    }


def render_jsonl(run: AuditRun) -> str:
    """Render one JSON object per line: each finding with its ``path``, and each unreadable file's error."""
    return "".join(_jsonl_lines(run))


def _jsonl_lines(run: AuditRun) -> Iterator[str]:
    for report in run.files:
        if report.error is not None:
            error = {"path": path_text(report.path), "error": report.error}
            yield json.dumps(error, ensure_ascii=False) + "\n"
        for finding in report.findings:
            record = {"path": path_text(report.path), **finding_to_dict(finding)}
            yield json.dumps(record, ensure_ascii=False) + "\n"


_RULE_TODO = {
    FindingKind.FOREIGN_TEXT: "Translate it into the expected language, or remove it",
    FindingKind.FOREIGN_INTENDED: "Nothing to do unless it was not meant; it is reported for review",
    FindingKind.HOMOGLYPH: "Respell the word in one script (the suggested replacement does)",
    FindingKind.UI_CHROME: "Remove it (glossa translate --drop-chrome removes whole lines)",
    FindingKind.FORBIDDEN_TERM: "Write the glossary's rendering instead",
    FindingKind.INCONSISTENT_TERM: "Use the glossary's preferred spelling throughout",
    FindingKind.GLOSSARY_INVALID: "Fix the glossary entry (glossa glossary validate lists the problems)",
}
_RULE_LEVEL = {
    FindingKind.FOREIGN_TEXT: Severity.WARNING,
    FindingKind.FOREIGN_INTENDED: Severity.INFO,
    FindingKind.HOMOGLYPH: Severity.WARNING,
    FindingKind.UI_CHROME: Severity.INFO,
    FindingKind.FORBIDDEN_TERM: Severity.ERROR,
    FindingKind.INCONSISTENT_TERM: Severity.WARNING,
    FindingKind.GLOSSARY_INVALID: Severity.ERROR,
}
_AUTOMATION = {AUDIT_SCHEMA: "glossa/audit/", CHECK_SCHEMA: "glossa/glossary-check/"}


def _sarif_rule(kind: FindingKind) -> dict[str, Any]:
    todo = sarif.sentence(_RULE_TODO[kind])
    text = f"{sarif.sentence(_RULE_HELP[kind])} {todo}"
    markdown = (
        f"**{kind.value}**: {text}\n\nSee the README of Glossa, section "
        '"What the audit reports" (`README.md#what-the-audit-reports`).'
    )
    return sarif.rule(
        kind.value,
        _RULE_HELP[kind],
        level=_RULE_LEVEL[kind],
        name="".join(part.capitalize() for part in kind.value.split("-")),
        full=text,
        help_text=text,
        help_markdown=markdown,
    )


def _message(f: Finding) -> str:
    """The finding's message and suggestion as sentences (``...; remove it. Suggested: "Share".``)."""
    text = sarif.sentence(f.message)
    if f.replacement:
        text += f' Suggested: "{f.replacement}".'
    return text


def _sarif_result(
    where: dict[str, str], f: Finding, rule_index: int, prints: sarif.Fingerprints
) -> dict[str, Any]:
    properties: dict[str, Any] = {"action": f.action}
    if f.language:
        properties["language"] = f.language
    if f.confidence is not None:
        properties["confidence"] = _conf(f.confidence)
    if f.record is not None:
        properties["record"] = f.record
        properties["field"] = f.field
    tags = [key for key, _ in f.details if key == "ui-chrome"]
    if tags:
        properties["tags"] = tags
    return sarif.result(
        f.kind.value,
        f.severity,
        _message(f),
        sarif.location(where, at=f.region or _fallback_region(f)),
        rule_index=rule_index,
        fingerprints=prints.of(f.kind.value, f.text),
        properties=properties,
    )


def _fallback_region(f: Finding) -> Region:
    """A region from the finding's own line and column, when it was not placed on the raw file."""
    last_nl = f.text.rfind("\n")
    end_column = f.column + len(f.text) if last_nl < 0 else len(f.text) - last_nl
    return Region(f.line, f.column, f.line + f.text.count("\n"), end_column, f.text)


def render_sarif(run: AuditRun, *, schema: str = AUDIT_SCHEMA, base: str | None = None) -> str:
    """Render the run as a SARIF 2.1.0 log (:func:`_sarif_data`)."""
    return sarif.dumps(_sarif_data(run, schema=schema, base=base))


def _sarif_data(run: AuditRun, *, schema: str, base: str | None) -> dict[str, Any]:
    """The run as a SARIF 2.1.0 log, so code-scanning dashboards show findings inline.

    Each finding kind is a rule; severities map to SARIF levels (info -> note). Regions are on the raw file
    line (JSON Lines: the record's line, escapes counted), columns in UTF-16 code units; URIs are relative to
    ``base`` (default: the current folder). Unreadable files become error-level tool execution
    notifications and mark the invocation as unsuccessful. ``schema`` picks the ``automationDetails.id``.
    """
    root = base if base is not None else os.getcwd()
    kinds = sorted({f.kind for f in run.findings}, key=lambda k: k.value)
    rule_index = {kind: i for i, kind in enumerate(kinds)}
    results = []
    for report in run.files:
        where, prints = sarif.artifact(report.path, root), sarif.Fingerprints()
        results += [_sarif_result(where, f, rule_index[f.kind], prints) for f in report.findings]
    notifications = [
        {
            "level": "error",
            "message": {"text": sarif.sentence(report.error or "")},
            "locations": [sarif.location(sarif.artifact(report.path, root))],
        }
        for report in run.failed_files
    ]
    return sarif.log_data(
        version=__version__,
        automation_id=_AUTOMATION.get(schema, "glossa/audit/"),
        base=root,
        rules=[_sarif_rule(kind) for kind in kinds],
        results=results,
        invocations=[{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        artifacts=[sarif.artifact(r.path, root) for r in run.files],
    )


def summary_line(run: AuditRun) -> str:
    """``N file(s) audited, M finding(s) (...), K unreadable``: the table's last line, and the note on stderr
    after the compact format."""
    counts = summary(run)
    parts = ", ".join(f"{n} {name}" for name, n in counts["by_severity"].items()) or "none"
    return (
        f"{counts['files']} file(s) audited, {counts['findings']} finding(s) ({parts}), "
        f"{counts['files_with_errors']} unreadable"
    )


#: Below this many columns the table leaves out Conf and Action and folds long locations.
_WIDE = 100


def render_table(run: AuditRun, *, width: int = 120, color: bool = False) -> str:
    """Render findings as a table for people, followed by a one-line summary.

    Fitted to ``width``: narrower than 100 columns it shows location, kind, language and fragment only
    (``--format json`` has everything).

    User text is never interpreted as rich markup (scraped pages contain ``[brackets]``).
    """
    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system="standard" if color else None, highlight=False)
    findings = run.findings
    narrow = width < _WIDE
    if findings:
        table = Table(show_lines=False, expand=True, pad_edge=False, box=box.SIMPLE_HEAD)
        table.add_column("Location", no_wrap=not narrow, overflow="fold", ratio=2 if narrow else None)
        table.add_column("Kind", no_wrap=True)
        table.add_column("Lang", no_wrap=True)
        if not narrow:
            table.add_column("Conf", justify="right", no_wrap=True)
        table.add_column(
            "Fragment", overflow="fold", ratio=4 if not narrow else 3, min_width=12 if narrow else 20
        )
        if not narrow:
            table.add_column("Action", overflow="fold", ratio=2)
        style = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
        for report in run.files:
            for f in report.findings:
                where = f"{printable(report.path)}:{f.line}:{f.column}"
                if f.record is not None:
                    where += f" [{f.field}]"
                action = f.action if not f.replacement else f"{f.action}: {fragment(f.replacement, 40)}"
                cells = [Text(where), Text(f.kind.value, style=style[f.severity]), Text(f.language or "-")]
                if not narrow:
                    cells.append(Text("-" if f.confidence is None else f"{f.confidence:.2f}"))
                cells.append(Text(fragment(f.text)))
                if not narrow:
                    cells.append(Text(action))
                table.add_row(*cells)
        console.print(table)
    for report in run.failed_files:
        console.print(Text(printable(f"{report.path}: error: {report.error}"), style="red"))
    console.print(Text(summary_line(run)))
    # rich pads every cell to its column: no line ends in spaces (grep, diffs, narrow terminals).
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def render(
    run: AuditRun,
    output_format: OutputFormat,
    *,
    width: int = 120,
    color: bool = False,
    schema: str = AUDIT_SCHEMA,
) -> str:
    """Render an audit-shaped run (``audit``, ``glossary check``) in ``output_format``."""
    return "".join(render_chunks(run, output_format, width=width, color=color, schema=schema))


def render_chunks(
    run: AuditRun,
    output_format: OutputFormat,
    *,
    width: int = 120,
    color: bool = False,
    schema: str = AUDIT_SCHEMA,
) -> Iterator[str]:
    """:func:`render` in pieces whose concatenation is its text, for a writer that writes each as it comes:
    the JSON, SARIF and JSON Lines reports of a large corpus are never held as one string (a 1 GB corpus's
    JSON report, 55,000 findings, took 270 MB as one)."""
    if output_format is OutputFormat.json:
        return sarif.dump_chunks(_json_data(run, schema))
    if output_format is OutputFormat.sarif:
        return sarif.dump_chunks(_sarif_data(run, schema=schema, base=None))
    if output_format is OutputFormat.jsonl:
        return _jsonl_lines(run)
    if output_format is OutputFormat.compact:
        from pipeline.render.compact import render_compact

        return iter([render_compact(run)])
    return iter([render_table(run, width=width, color=color)])
