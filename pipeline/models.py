"""Values passed between pipeline stages: frozen, slotted dataclasses and closed enums.

Offsets are always half-open ``[start, end)`` indices in Unicode code points (Python string indices) into the
text of one :class:`TextUnit`. For plain text, Markdown and HTML a document has one unit, the whole decoded
file; for JSON Lines each record's chosen field is a unit of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BlockKind",
    "Detection",
    "DocFormat",
    "Document",
    "AuditRun",
    "FileReport",
    "Finding",
    "FindingKind",
    "Severity",
    "Segment",
    "TextUnit",
    "blank_protected",
    "line_col",
]


class DocFormat(StrEnum):
    """Input formats Glossa reads and writes."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSONL = "jsonl"


class BlockKind(StrEnum):
    """What a segment was in its document."""

    LINE = "line"
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list-item"
    TABLE_CELL = "table-cell"
    QUOTE = "quote"
    TEXT_RUN = "text-run"  # HTML visible text between tags
    FIELD = "field"  # JSON Lines field value
    SENTENCE = "sentence"


class Severity(StrEnum):
    """How serious a finding is; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Numeric order for comparisons (info=0, warning=1, error=2)."""
        return ("info", "warning", "error").index(self.value)


class FindingKind(StrEnum):
    """Kinds of findings any stage can report."""

    FOREIGN_TEXT = "foreign-text"
    FOREIGN_INTENDED = "foreign-intended"
    HOMOGLYPH = "homoglyph"
    UI_CHROME = "ui-chrome"
    FORBIDDEN_TERM = "forbidden-term"
    INCONSISTENT_TERM = "inconsistent-term"
    GLOSSARY_INVALID = "glossary-invalid"


@dataclass(frozen=True, slots=True)
class TextUnit:
    """A text in which offsets are counted.

    Attributes:
        text: the decoded text.
        line: 1-based line of the file where the unit's text starts (JSON Lines: the record's line).
        record: JSON Lines only: 1-based line number of the record.
        field: JSON Lines only: the field name the text came from.
    """

    text: str
    line: int = 1
    record: int | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of prose inside one unit.

    Attributes:
        unit: index into :attr:`Document.units`.
        start: start offset into the unit's text.
        end: end offset (exclusive).
        kind: what the run was in the document.
        protected: absolute ``(start, end)`` spans inside ``[start, end)`` that are not prose (inline code,
            link targets, HTML entities and tags, URLs, e-mail addresses): never detected, never sent to MT.
    """

    unit: int
    start: int
    end: int
    kind: BlockKind
    protected: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded input file and its prose segments.

    Attributes:
        source: the path as the user named it (used in reports).
        format: the format it was read as.
        encoding: the detected encoding (Python codec name, e.g. ``utf-8``, ``utf-8-sig``, ``cp1251``).
        text: the whole decoded file text (what offsets in text, Markdown and HTML refer to).
        units: texts offsets count in (one for text/Markdown/HTML, one per record for JSON Lines).
        segments: prose blocks in document order.
        errors: per-record problems that did not stop reading (JSON Lines broken lines), as
            ``(line, message)``.
    """

    source: str
    format: DocFormat
    encoding: str
    text: str
    units: tuple[TextUnit, ...]
    segments: tuple[Segment, ...]
    errors: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Detection:
    """A language guess for one piece of text.

    Attributes:
        language: ISO 639-1 code, or None when undetermined.
        confidence: calibrated probability of ``language`` in [0, 1].
        reason: why ``language`` is None, or which evidence decided it
            (``script``, ``lexicon``, ``ngram``...).
        candidates: other languages with their probabilities, best first.
    """

    language: str | None
    confidence: float
    reason: str = ""
    candidates: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a stage reports, with its exact place.

    Attributes:
        kind: what was found.
        severity: how serious.
        start: start offset in the unit's text.
        end: end offset (exclusive).
        line: 1-based line of ``start`` in the file.
        column: 1-based column of ``start`` (code points; JSON Lines: inside the field's string).
        text: the fragment itself.
        message: one human sentence.
        action: suggested action: ``translate``, ``remove``, ``replace``, ``review``.
        language: ISO 639-1 code of the fragment, if known.
        confidence: calibrated confidence in [0, 1], if known.
        replacement: what to write instead, when the action is ``replace`` or ``translate`` and known.
        record: JSON Lines record (1-based line), if any.
        field: JSON Lines field name, if any.
        rule: a stable identifier of the rule or glossary concept that fired.
    """

    kind: FindingKind
    severity: Severity
    start: int
    end: int
    line: int
    column: int
    text: str
    message: str
    action: str = "review"
    language: str | None = None
    confidence: float | None = None
    replacement: str | None = None
    record: int | None = None
    field: str | None = None
    rule: str = ""
    details: tuple[tuple[str, str], ...] = ()


def blank_protected(text: str, segment: Segment) -> str:
    """Return the segment's text with every protected span replaced by spaces (same length).

    Offsets into the result equal offsets into the unit's text minus ``segment.start``.

    >>> t = "see `code` here"
    >>> blank_protected(t, Segment(0, 0, len(t), BlockKind.LINE, ((4, 10),)))
    'see        here'
    """
    chars = list(text[segment.start : segment.end])
    for start, end in segment.protected:
        for i in range(max(start, segment.start), min(end, segment.end)):
            chars[i - segment.start] = " "
    return "".join(chars)


def line_col(text: str, offset: int, *, first_line: int = 1) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of ``offset`` in ``text``.

    Lines end at ``\\n``, ``\\r\\n`` (one line end) or a lone ``\\r``.

    >>> line_col("ab\\ncd", 3)
    (2, 1)
    >>> line_col("ab\\ncd", 1, first_line=10)
    (10, 2)
    >>> line_col("ab\\rcd\\r\\nef", 7)
    (3, 1)
    """
    line = text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset)
    last = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))
    return first_line + line, offset - last


@dataclass(frozen=True, slots=True)
class FileReport:
    """What a run found in one file.

    Attributes:
        path: the file as the user named it (or as found under a named folder).
        format: the format it was read as (None when it could not be read).
        encoding: the detected encoding (None when it could not be read).
        error: one-line reason the file could not be read, or None.
        findings: findings in document order.
    """

    path: str
    format: DocFormat | None
    encoding: str | None
    error: str | None
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditRun:
    """The result of auditing a set of files."""

    expected_language: str
    files: tuple[FileReport, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        """All findings of all files, in file order."""
        return tuple(f for report in self.files for f in report.findings)

    @property
    def failed_files(self) -> tuple[FileReport, ...]:
        """Files that could not be read."""
        return tuple(r for r in self.files if r.error is not None)
