"""Render QA findings (:mod:`pipeline.translation.qa`) as a table, JSON (``glossa.qa/1``) or SARIF 2.1.0."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pipeline.document import Severity
from pipeline.translation.qa import QAFinding

__all__ = ["QA_SCHEMA", "qa_to_dicts", "render_qa"]


QA_SCHEMA = "glossa.qa/1"


def qa_to_dicts(findings: Iterable[QAFinding]) -> list[dict[str, str]]:
    """JSON objects of findings (schema ``glossa.qa/1``)."""
    return [
        {
            "check": f.check,
            "severity": f.severity.value,
            "id": f.id,
            "source": f.source,
            "target": f.target,
            "message": f.message,
        }
        for f in findings
    ]


def render_qa(findings: Sequence[QAFinding], output_format: str, *, pairs: int, version: str) -> str:
    """``table``, ``json`` or ``sarif`` (2.1.0; checks are rules, info -> note)."""
    import json

    if output_format == "json":
        summary: dict[str, object] = {"pairs": pairs, "findings": len(findings), "by_check": {}}
        by_check: dict[str, int] = {}
        for f in findings:
            by_check[f.check] = by_check.get(f.check, 0) + 1
        summary["by_check"] = dict(sorted(by_check.items()))
        data = {
            "schema": QA_SCHEMA,
            "tool": {"name": "glossa", "version": version},
            "findings": qa_to_dicts(findings),
            "summary": summary,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output_format == "sarif":
        rules = sorted({f.check for f in findings})
        level = {Severity.INFO: "note", Severity.WARNING: "warning", Severity.ERROR: "error"}
        results = []
        for f in findings:
            path, _, unit = f.id.partition("#")
            results.append(
                {
                    "ruleId": f.check,
                    "level": level[f.severity],
                    "message": {"text": f"{f.message}: {f.target}"},
                    "locations": [
                        {
                            "physicalLocation": {"artifactLocation": {"uri": path}},
                            "logicalLocations": [{"name": unit or f.id}],
                        }
                    ],
                }
            )
        log = {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "glossa",
                            "version": version,
                            "rules": [{"id": r, "shortDescription": {"text": _TITLES[r]}} for r in rules],
                        }
                    },
                    "results": results,
                }
            ],
        }
        return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
    from io import StringIO

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buffer = StringIO()
    console = Console(file=buffer, width=120, color_system=None, highlight=False)
    if findings:
        table = Table(pad_edge=False, expand=True, box=box.SIMPLE_HEAD)
        for name in ("Unit", "Check", "Severity", "Message", "Target"):
            table.add_column(name, overflow="fold")
        for f in findings:
            table.add_row(
                Text(f.id), Text(f.check), Text(f.severity.value), Text(f.message), Text(f.target[:80])
            )
        console.print(table)
    console.print(Text(f"{pairs} unit(s) checked: {len(findings)} QA finding(s)"))
    return buffer.getvalue()


_TITLES = {
    "numbers": "Numbers and dates kept",
    "placeholders": "Placeholders and tags kept, in order",
    "urls": "URLs, e-mail addresses and handles kept",
    "untranslated": "Target is translated",
    "terms": "Required terms present, forbidden variants absent",
    "inconsistent-target": "One source, one translation",
    "inconsistent-source": "One target, one source",
    "length": "Length ratio in range",
    "doubled": "No doubled words or spaces",
    "brackets": "Brackets and quotes paired",
}
