"""Render QA findings (:mod:`pipeline.translation.qa`) as a table, JSON (``glossa.qa/1``) or SARIF 2.1.0."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence

from pipeline.render import OutputFormat, sarif
from pipeline.translation.qa import SEVERITY, QAFinding

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


def _qa_json(findings: Sequence[QAFinding], *, pairs: int, version: str) -> str:
    by_check: dict[str, int] = {}
    for f in findings:
        by_check[f.check] = by_check.get(f.check, 0) + 1
    summary: dict[str, object] = {
        "pairs": pairs,
        "findings": len(findings),
        "by_check": dict(sorted(by_check.items())),
    }
    data = {
        "schema": QA_SCHEMA,
        "tool": {"name": "glossa", "version": version},
        "findings": qa_to_dicts(findings),
        "summary": summary,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _qa_sarif(findings: Sequence[QAFinding], *, version: str, base: str | None = None) -> str:
    root = base if base is not None else os.getcwd()
    checks = sorted({f.check for f in findings})
    index = {check: i for i, check in enumerate(checks)}
    prints: dict[str, sarif.Fingerprints] = {}
    results = []
    for f in findings:
        path, _, unit = f.id.partition("#")
        where = sarif.location(sarif.artifact(path, root), logical=unit or f.id)
        message = f'{sarif.sentence(f.message)} Target: "{f.target}".'
        fingerprints = prints.setdefault(path, sarif.Fingerprints()).of(f.check, f"{unit}\0{f.target}")
        results.append(
            sarif.result(
                f.check, f.severity, message, where, rule_index=index[f.check], fingerprints=fingerprints
            )
        )
    rules = [sarif.rule(r, _TITLES[r], level=SEVERITY[r]) for r in checks]
    data = sarif.log_data(
        version=version, automation_id="glossa/qa/", base=root, rules=rules, results=results
    )
    return sarif.dumps(data)


def _qa_table(findings: Sequence[QAFinding], *, pairs: int) -> str:
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


def render_qa(findings: Sequence[QAFinding], output_format: OutputFormat, *, pairs: int, version: str) -> str:
    """``table``, ``json`` or ``sarif`` (2.1.0; checks are rules, info -> note)."""
    if output_format is OutputFormat.json:
        return _qa_json(findings, pairs=pairs, version=version)
    if output_format is OutputFormat.sarif:
        return _qa_sarif(findings, version=version)
    return _qa_table(findings, pairs=pairs)


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
    "alignment": "Translated document aligns with its source",
}
