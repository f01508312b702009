"""The README's table of second-stage rules shows real outputs: each example row is run and compared."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.detection import StrayFinder
from pipeline.document import Document, Finding, FindingKind

README = Path(__file__).resolve().parents[2] / "README.md"
_BEGIN, _END = "<!-- judge-rules:begin -->", "<!-- judge-rules:end -->"
_ESCAPE = re.compile(r"\\u([0-9a-f]{4})")  # invisible characters are written \u00ad in the README
_ROW = re.compile(r"^\| (?P<rule>[^|]+) \| `(?P<text>(?:[^`]|``)+)` \| (?P<outcome>.+) \|$")


def outcome(findings: list[Finding]) -> str:
    """How the README writes what the audit reports for one example (chrome aside)."""
    parts = []
    for f in findings:
        if f.kind is FindingKind.FOREIGN_TEXT:
            parts.append(f"`foreign-text` ({f.language}): «{f.text}»")
        elif f.kind is FindingKind.FOREIGN_INTENDED:
            parts.append(f"`foreign-intended` ({dict(f.details).get('reason', '')}): «{f.text}»")
    return "; ".join(parts) or "not reported"


def readme_rows() -> list[tuple[str, str, str]]:
    text = README.read_text(encoding="utf-8")
    block = text[text.index(_BEGIN) + len(_BEGIN) : text.index(_END)]
    rows = []
    for line in block.splitlines():
        match = _ROW.match(line)
        if match:
            text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), match["text"])
            expected = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), match["outcome"])
            rows.append((match["rule"].strip(), text, expected))
    return rows


def test_the_table_has_every_rule() -> None:
    rules = {rule for rule, _, _ in readme_rows()}
    assert len(rules) >= 12, rules


@pytest.mark.parametrize(("rule", "text", "expected"), readme_rows())
def test_readme_example(
    finder: StrayFinder, doc: Callable[[str], Document], rule: str, text: str, expected: str
) -> None:
    assert outcome(finder.find(doc(text))) == expected, rule
