"""The compact text format: one finding per line, ``path:line:col: severity kind [lang] text``.

A finding with a suggested replacement ends in `` (action: replacement)``, as the table's Action cell
reads (``terms.md:3:5: error forbidden-term [en] Moon Gate (replace: Lunar Gateway)``).

What ``glossa audit`` and ``glossary check`` write when stdout is not a terminal (a pipe, a file, CI), so
``grep``, editors' quickfix lists and ``awk`` read it: every finding is exactly one line, no padding, no
colour. Rules: pure; user text is escaped and shortened (:func:`pipeline.text.names.fragment`, tabs as
``\\t``), so it can hold no line break; ``[lang]`` is ``[-]`` when a finding has no language; files that could
not be read are not lines here (the CLI names them on stderr); nothing else is written, so a clean run
writes nothing.
"""

from __future__ import annotations

from pipeline.document import AuditRun, Finding
from pipeline.text.names import fragment

__all__ = ["compact_line", "render_compact"]


def _escaped(text: str, limit: int) -> str:
    return fragment(text, limit).replace("\t", "\\t")


def compact_line(path: str, finding: Finding) -> str:
    """One finding as ``path:line:col: severity kind [lang] text`` (columns 1-based, as in the table).

    >>> from pipeline.document import FindingKind, Severity
    >>> f = Finding(FindingKind.FOREIGN_TEXT, Severity.WARNING, start=0, end=10, line=3, column=7,
    ...             text="Привет\\tмир", message="", language="ru")
    >>> compact_line("a b.txt", f)
    'a b.txt:3:7: warning foreign-text [ru] Привет\\\\tмир'
    """
    where = f"{_escaped(path, 10_000)}:{finding.line}:{finding.column}"
    facts = f"{finding.severity.value} {finding.kind.value} [{finding.language or '-'}]"
    line = f"{where}: {facts} {_escaped(finding.text, 120)}"
    if finding.replacement:
        line += f" ({finding.action}: {_escaped(finding.replacement, 60)})"
    return line


def render_compact(run: AuditRun) -> str:
    """Every finding of ``run``, one line each, in file and document order."""
    return "".join(compact_line(report.path, f) + "\n" for report in run.files for f in report.findings)
