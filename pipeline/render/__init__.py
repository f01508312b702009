"""Renderers: pure functions from result values to text (table, compact lines, JSON, JSON Lines, SARIF),
and the exit codes.

Nothing here reads files or the environment; the CLI prints what these return. :class:`OutputFormat` names
every output a renderer writes;
:data:`AuditFormat`, :data:`QAFormat` and :data:`ReportFormat` the ones each renderer offers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

__all__ = ["AuditFormat", "OutputFormat", "QAFormat", "ReportFormat"]


class OutputFormat(StrEnum):
    """How a command writes its results to stdout: ``table`` for people, the others for tools (not every
    command writes every one)."""

    table = "table"
    compact = "compact"
    json = "json"
    jsonl = "jsonl"
    sarif = "sarif"


# What each renderer writes, as a ``Literal`` of members: a command's ``--format`` lists these choices.
#: :mod:`pipeline.render.audit` (``audit``, ``glossary check``).
AuditFormat = Literal[
    OutputFormat.table, OutputFormat.compact, OutputFormat.json, OutputFormat.jsonl, OutputFormat.sarif
]
#: :mod:`pipeline.render.qa`.
QAFormat = Literal[OutputFormat.table, OutputFormat.json, OutputFormat.sarif]
#: Table or JSON: ``translate``'s change report and the list, show and lookup commands.
ReportFormat = Literal[OutputFormat.table, OutputFormat.json]
