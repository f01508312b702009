"""Values passed between pipeline stages: frozen, slotted dataclasses and closed enums.

Offsets are always half-open ``[start, end)`` indices in Unicode code points (Python string indices) into the
text of one :class:`TextUnit`. For plain text, Markdown and HTML a document has one unit, the whole decoded
file; for JSON Lines each record's chosen field is a unit of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "AuditRun",
    "BlockKind",
    "Change",
    "Detection",
    "DocFormat",
    "Document",
    "FileReport",
    "FileTranslation",
    "Finding",
    "FindingKind",
    "Job",
    "Provenance",
    "QAFinding",
    "QARun",
    "Region",
    "Scope",
    "Segment",
    "Severity",
    "Status",
    "TermUse",
    "TextUnit",
    "TranslateRun",
    "model_of_provenance",
    "provenance_of_model",
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
class Region:
    """Where a finding lies in the raw file, as SARIF and GitHub code scanning count.

    Lines are 1-based; columns are 1-based and counted in UTF-16 code units on the raw line (for JSON Lines
    the line of the record, escapes included), ``end_column`` just past the last unit. ``snippet`` is the raw
    text of the file inside the region (for JSON Lines, the field literal's escaped characters).
    """

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    snippet: str


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
        details: extra facts as ``(key, value)`` strings (``ui-chrome``: the span is also site interface
            text, with its English).
        region: the place in the raw file (UTF-16 columns), set when the file is read for a report.
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
    region: Region | None = None


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


class Scope(StrEnum):
    """What ``glossa translate`` translates."""

    stray = "stray"
    all = "all"


class Status(StrEnum):
    """The outcome for one span."""

    TRANSLATED = "translated"
    TERM_MISSED = "term-missed"
    UNTRANSLATED = "untranslated"
    KEPT = "kept"  # --scope all: the segment is already in the target language
    REPLACED = "replaced"  # a homoglyph word respelled
    DROPPED = "dropped"  # a ui-chrome line removed with --drop-chrome


class Provenance(StrEnum):
    """Where the text of a :class:`Change` came from; a model's is ``argos:<model id>``
    (:func:`provenance_of_model`, :func:`model_of_provenance`)."""

    PHRASEBOOK = "phrasebook"
    GLOSSARY = "glossary"
    MEMORY = "memory"
    UNTRANSLATED = "untranslated"
    HOMOGLYPH = "homoglyph"  # a homoglyph word respelled (not a translation)
    DROPPED = "dropped"  # a ui-chrome line removed (not a translation)
    KEPT = "kept"  # --scope all: already in the target language
    REVIEW = "review"  # a reviewer's translation (``glossa apply``)


_MODEL_PREFIX = "argos:"


def provenance_of_model(model_id: str) -> str:
    """Return the provenance of text a model produced (an id that already has a prefix is kept).

    >>> provenance_of_model("ru-en@1.0"), provenance_of_model("argos:ru-en@1.0")
    ('argos:ru-en@1.0', 'argos:ru-en@1.0')
    """
    return model_id if ":" in model_id else f"{_MODEL_PREFIX}{model_id}"


def model_of_provenance(provenance: str) -> str | None:
    """Return the model id of a model's provenance, or None when a model did not produce the text.

    >>> model_of_provenance("argos:ru-en@1.0"), model_of_provenance(Provenance.MEMORY)
    ('ru-en@1.0', None)
    """
    return provenance.removeprefix(_MODEL_PREFIX) if provenance.startswith(_MODEL_PREFIX) else None


@dataclass(frozen=True, slots=True)
class Job:
    """One span of one unit to translate.

    Attributes:
        unit: index into :attr:`Document.units`.
        start: start offset in the unit's text.
        end: end offset (exclusive).
        text: the span's text.
        source: its language (ISO 639-1).
        reason: why it is translated: ``foreign-text``, ``ui-chrome`` or ``scope-all``.
        codes: absolute ``(start, end)`` spans inside the job that are inline codes (sent as placeholders).
        before: a few characters of the unit text before the job (context for the name rule).
        after: a few characters after it.
    """

    unit: int
    start: int
    end: int
    text: str
    source: str
    reason: str
    codes: tuple[tuple[int, int], ...] = ()
    before: str = ""
    after: str = ""

    def code_texts(self) -> tuple[str, ...]:
        """The inline codes' text, in order."""
        return tuple(self.text[a - self.start : b - self.start] for a, b in self.codes)

    def relative_codes(self) -> list[tuple[int, int]]:
        """The codes' spans relative to :attr:`text`."""
        return [(a - self.start, b - self.start) for a, b in self.codes]

    def change(
        self,
        target_text: str,
        target_lang: str,
        provenance: str,
        status: Status,
        *,
        terms: tuple[TermUse, ...] = (),
        note: str = "",
        codes: tuple[str, ...] = (),
        sent: str = "",
        repairs: tuple[str, ...] = (),
    ) -> Change:
        """The :class:`Change` of the whole job: its span, in its language, becomes ``target_text``."""
        return Change(
            unit=self.unit,
            start=self.start,
            end=self.end,
            source_text=self.text,
            target_text=target_text,
            source_lang=self.source,
            target_lang=target_lang,
            provenance=provenance,
            status=status,
            terms=terms,
            note=note,
            codes=codes,
            sent=sent,
            repairs=repairs,
        )


@dataclass(frozen=True, slots=True)
class TermUse:
    """A glossary term the source span contained, and whether the output honours it.

    Attributes:
        concept: glossary concept id.
        source: the source text that matched.
        target: the required target rendering.
        honoured: the output contains ``target``.
    """

    concept: str
    source: str
    target: str
    honoured: bool


@dataclass(frozen=True, slots=True)
class Change:
    """What happened to one span.

    Attributes:
        unit: index into :attr:`Document.units`.
        start: start offset in the unit's text.
        end: end offset (exclusive).
        source_text: the original span.
        target_text: what replaces it (equal to ``source_text`` when untranslated).
        source_lang: language of the span.
        target_lang: target language.
        provenance: a :class:`Provenance`, or ``argos:<model id>`` (:func:`provenance_of_model`).
        status: the outcome.
        terms: glossary terms in the span and whether they were honoured.
        note: one sentence for people (e.g. the command that installs a missing model).
        codes: the span's inline codes, in source order (tags, entities, numbers...: kept verbatim).
        sent: what the model was sent (placeholders and renderings in place), or ``""`` when no model ran.
        repairs: placeholder repairs the model's output needed (see :mod:`pipeline.translation.placeholders`).
    """

    unit: int
    start: int
    end: int
    source_text: str
    target_text: str
    source_lang: str
    target_lang: str
    provenance: str
    status: Status
    terms: tuple[TermUse, ...] = ()
    note: str = ""
    codes: tuple[str, ...] = ()
    sent: str = ""
    repairs: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the document changes at this span."""
        return self.target_text != self.source_text


@dataclass(frozen=True, slots=True)
class FileTranslation:
    """The outcome for one input file.

    Attributes:
        path: the input file.
        output: where the result was written (None when the file could not be read).
        error: why the file could not be translated, or None.
        changes: what happened to each span, in document order.
        places: 1-based ``(line, column)`` of each change's start.
        records: JSON Lines record of each change (None for other formats).
        note: how the output had to differ from the input's encoding, or None (see
            :func:`pipeline.formats.fit_encoding`).
        qa: :class:`QAFinding` of the translated spans (ids are ``path:line:col``).
        output_sha256: SHA-256 of the bytes written to ``output`` (None when nothing was written), so
            ``glossa apply`` can tell whether someone edited the output since.
    """

    path: str
    output: str | None
    error: str | None
    changes: tuple[Change, ...] = ()
    places: tuple[tuple[int, int], ...] = ()
    records: tuple[int | None, ...] = ()
    note: str | None = None
    qa: tuple[QAFinding, ...] = ()
    output_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class TranslateRun:
    """The result of translating a set of files.

    ``xliff_root`` is the folder the XLIFF's paths are relative to when it is not the XLIFF's own folder
    (the documents lie outside it): ``glossa apply`` then needs ``--root`` with that folder.
    """

    target: str
    scope: Scope
    files: tuple[FileTranslation, ...]
    glossary_version: str = ""
    xliff_root: str | None = None


@dataclass(frozen=True, slots=True)
class QARun:
    """The result of ``glossa qa``: pairs checked, findings, and files that could not be read."""

    pairs: int
    findings: tuple[QAFinding, ...]
    errors: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class QAFinding:
    """One QA problem.

    Attributes:
        check: the check's name (see :mod:`pipeline.translation.qa`).
        severity: how serious.
        id: the pair's :attr:`pipeline.translation.qa.Pair.id`.
        source: source text.
        target: target text.
        message: what is wrong, for people.
    """

    check: str
    severity: Severity
    id: str
    source: str
    target: str
    message: str
