"""``glossa glossary`` as whole jobs over plain values: look up, list, edit, validate, exchange, mine, check.

Each function is one command's work, given paths and options as plain values and returning values (a
glossary, an :class:`Edit`, a :class:`Validation`, an :class:`~pipeline.document.AuditRun`) for the renderers
in :mod:`pipeline.render.glossary`. Rules: nothing here prints or picks an exit code; files are read and
written only through :mod:`pipeline.glossary.io` and :mod:`pipeline.formats` (documents are read exactly as
``glossa audit`` reads them, :func:`pipeline.app.audit.read_report`); every output is checked against the
inputs before the first byte is written (:mod:`pipeline.formats.targets`); failures are
:class:`~pipeline.errors.PipelineError` subclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.config import Settings
from pipeline.document import AuditRun, Document, Finding
from pipeline.errors import GlossaryError, InputError, PipelineError
from pipeline.formats import DEFAULT_MAX_FILE_SIZE
from pipeline.glossary import exchange, io
from pipeline.glossary.checks import check_text, language_problem, validate_glossary
from pipeline.glossary.exchange import Layout
from pipeline.glossary.extract import Candidate, candidates_csv, extract_candidates
from pipeline.glossary.io import load_glossary
from pipeline.glossary.match import TermMatch, TermMatcher, known_terms
from pipeline.glossary.model import Concept, Glossary, TermEntry
from pipeline.text.spans import blank_protected

__all__ = [
    "ConceptOptions",
    "Edit",
    "ExchangeSpec",
    "Validation",
    "add_from_csv",
    "add_from_options",
    "check_paths",
    "concept_from_options",
    "document_texts",
    "export_file",
    "extract_paths",
    "extract_to_file",
    "find_concept",
    "import_file",
    "list_concepts",
    "load_glossaries",
    "lookup",
    "merge_to_file",
    "remove",
    "target_glossary",
    "validate_files",
]


@dataclass(frozen=True, slots=True)
class Edit:
    """What an edit of a glossary file did.

    Attributes:
        path: the file edited.
        count: concepts added (or rewritten) or removed.
        glossary: the glossary as written.
    """

    path: Path
    count: int
    glossary: Glossary


@dataclass(frozen=True, slots=True)
class Validation:
    """The result of validating glossary files.

    Attributes:
        failed: the errors of the files that could not be read or parsed.
        results: each loaded glossary with its findings, in the order given.
    """

    failed: tuple[PipelineError, ...]
    results: tuple[tuple[Glossary, tuple[Finding, ...]], ...]


@dataclass(frozen=True, slots=True)
class ConceptOptions:
    """One concept as given on the command line; each term is ``LANG=TERM``.

    Attributes:
        concept_id: the id (required).
        terms: preferred terms (at least one).
        variants, forbidden, abbr: further strings of languages that have a preferred term.
        category, pos, note, source, pattern: the concept's fields.
    """

    concept_id: str | None
    terms: tuple[str, ...]
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    abbr: tuple[str, ...] = ()
    category: str = ""
    pos: str = ""
    note: str = ""
    source: str = ""
    pattern: bool = False


@dataclass(frozen=True, slots=True)
class ExchangeSpec:
    """How an exchange file is laid out.

    Attributes:
        layout: the layout; None: told by the file's suffix (:func:`pipeline.glossary.exchange.layout_for`),
            and on import a ``.csv``/``.tsv`` by its first row (:func:`pipeline.glossary.exchange.layout_of`).
        source, target: for term pairs, the languages of the first and the second column.
    """

    layout: Layout | None = None
    source: str = "ru"
    target: str = "en"

    @property
    def pair(self) -> tuple[str, str]:
        """``(source, target)``."""
        return (self.source, self.target)


def load_glossaries(paths: Sequence[Path]) -> tuple[Glossary, ...]:
    """Load every glossary; at least one is needed.

    Raises:
        GlossaryError: none given (and none shipped), or one is invalid.
        InputError: one is unreadable.
    """
    if not paths:
        raise GlossaryError("no glossary found; pass --glossary FILE (the shipped glossaries/ are missing)")
    return tuple(load_glossary(p) for p in paths)


def target_glossary(explicit: Path | None, defaults: Sequence[Path]) -> Path:
    """The glossary file an edit or export works on: the one named, else the first in force.

    Raises:
        GlossaryError: none named and none in force.
    """
    if explicit is not None:
        return explicit
    if not defaults:
        raise GlossaryError("no glossary to edit; pass --glossary FILE")
    return defaults[0]


def _check_output(inputs: Sequence[Path], output: Path) -> None:
    """Refuse an output that is one of the job's inputs (see :mod:`pipeline.formats.targets`)."""
    from pipeline.formats.targets import Planned, check_outputs

    check_outputs(inputs, [Planned(output, "output")])


def _refuse_existing(output: Path, force: bool) -> None:
    if output.exists() and not force:
        raise InputError("exists already; pick a new file or pass --force", path=str(output))


def list_concepts(
    glossaries: Sequence[Glossary], category: str | None = None
) -> tuple[tuple[Glossary, Concept], ...]:
    """Every concept of the glossaries (of one category, if given), with its glossary, in file order."""
    return tuple((g, c) for g in glossaries for c in g.concepts if category is None or c.category == category)


def find_concept(glossaries: Sequence[Glossary], concept_id: str) -> tuple[tuple[Glossary, Concept], ...]:
    """The concept with this id in each glossary that has it.

    Raises:
        GlossaryError: no glossary has it.
    """
    found = tuple((g, g[concept_id]) for g in glossaries if concept_id in g)
    if not found:
        raise GlossaryError(f"no concept {concept_id!r}; see `glossa glossary list`")
    return found


def lookup(text: str, glossaries: Sequence[Glossary], *, lang: str | None = None) -> list[TermMatch]:
    """Every glossary term in ``text`` with its offsets and renderings.

    Each match's renderings are the ones translation writes: an abbreviation's are the abbreviations of the
    other languages where they have one (``МКС`` -> ``ISS``).
    """
    matcher = TermMatcher(glossaries)
    out = []
    for m in matcher.find(text, lang):
        if m.form == "abbr":
            codes = [code for code, _ in m.renderings]
            m = replace(m, renderings=tuple((c, matcher.rendering(m, c) or "") for c in codes))
        out.append(m)
    return out


def _pairs(values: Sequence[str], option: str) -> list[tuple[str, str]]:
    """``LANG=TERM`` strings as ``(lang, term)``, both stripped, the language lower-cased."""
    out: list[tuple[str, str]] = []
    for value in values:
        lang, sep, term = value.partition("=")
        if not sep or not lang.strip() or not term.strip():
            raise GlossaryError(f"{option} {value!r}: write LANG=TERM, e.g. {option} en=Roscosmos")
        out.append((lang.strip().lower(), term.strip()))
    return out


def concept_from_options(options: ConceptOptions) -> Concept:
    """The concept the ``add`` options describe (validated later, with the file it is added to).

    Raises:
        GlossaryError: no id or no term, a ``LANG=TERM`` is malformed, or a variant, forbidden rendering or
            abbreviation names a language without a preferred term.
    """
    cid, o = options.concept_id, options
    if not cid or not o.terms:
        raise GlossaryError("give --id and at least --lang en=TERM, or --from-csv FILE")
    terms = dict(_pairs(o.terms, "--lang"))
    for lang in terms:
        problem = language_problem(lang)
        if problem is not None:
            raise GlossaryError(f"--lang {lang}=...: {problem}")
    extra: dict[str, tuple[list[str], list[str], list[str]]] = {lang: ([], [], []) for lang in terms}
    for option, slot, values in (
        ("--variant", 0, o.variants),
        ("--forbidden", 1, o.forbidden),
        ("--abbr", 2, o.abbr),
    ):
        for lang, value in _pairs(values, option):
            if lang not in terms:
                raise GlossaryError(f"{option} {lang}=...: give --lang {lang}=TERM first")
            extra[lang][slot].append(value)
    entries = tuple(
        (lang, TermEntry(term, tuple(extra[lang][0]), tuple(extra[lang][1]), tuple(extra[lang][2])))
        for lang, term in terms.items()
    )
    return Concept(cid, o.category, o.pos, o.note, o.source, o.pattern, entries)


def add_from_options(target: Path, options: ConceptOptions, *, replace: bool = False) -> Edit:
    """Add (or with ``replace`` rewrite) the concept the options describe; every other record keeps its bytes.

    Raises:
        GlossaryError: see :func:`concept_from_options` and :func:`pipeline.glossary.io.add_concepts`.
    """
    concept = concept_from_options(options)
    result = io.add_concepts(target, [concept], replace=replace, origin="the command line")
    return Edit(target, 1, result)


def add_from_csv(target: Path, csv_file: Path, *, replace: bool = False) -> Edit:
    """Add every row of a full-layout CSV (as ``extract`` writes it) to the glossary file ``target``.

    Raises:
        InputError: the CSV is unreadable.
        GlossaryError: a row is invalid, or see :func:`pipeline.glossary.io.add_concepts`.
    """
    concepts = exchange.loads_csv(io.read_glossary_text(csv_file), path=str(csv_file)).concepts
    result = io.add_concepts(target, concepts, replace=replace, origin=str(csv_file))
    return Edit(target, len(concepts), result)


def remove(target: Path, concept_ids: Sequence[str]) -> Edit:
    """Remove concepts from the glossary file ``target``; every other record keeps its bytes.

    Raises:
        GlossaryError: an id is not in the file.
    """
    return Edit(target, len(concept_ids), io.remove_concepts(target, concept_ids))


def validate_files(files: Sequence[Path]) -> Validation:
    """Validate glossary files; a file that cannot be read or parsed is reported, the others validated."""
    glossaries: list[Glossary] = []
    failed: list[PipelineError] = []
    for file in files:
        try:
            glossaries.append(load_glossary(file))
        except PipelineError as exc:
            failed.append(exc)
    return Validation(tuple(failed), tuple((g, tuple(validate_glossary(g))) for g in glossaries))


def merge_to_file(
    a: Path, b: Path, output: Path, *, prefer: str = "", force: bool = False
) -> tuple[Glossary, tuple[str, ...]]:
    """Merge glossary file ``b`` into ``a`` and write ``output`` (:func:`pipeline.glossary.io.merge_files`).

    Raises:
        ConfigError: ``output`` is ``a`` or ``b``.
        InputError, GlossaryError: see :func:`pipeline.glossary.io.merge_files`.
    """
    _check_output([a, b], output)
    return io.merge_files(a, b, output, prefer=prefer, force=force)


def import_file(
    file: Path,
    output: Path,
    spec: ExchangeSpec = ExchangeSpec(),
    *,
    glossary_id: str | None = None,
    title: str = "",
    version: str = "",
    force: bool = False,
) -> Glossary:
    """Import a CSV, TSV or TBX file into a new glossary file ``output`` (see :class:`ExchangeSpec`).

    Returns:
        The glossary as written.

    Raises:
        ConfigError: ``output`` is ``file``.
        InputError: ``file`` is unreadable.
        GlossaryError: the layout cannot be told, the file is invalid, or ``output`` exists without ``force``.
    """
    _check_output([file], output)
    exchange.layout_for(file, spec.layout)  # an unknown suffix fails before the file is read
    text = io.read_glossary_text(file)
    kind = exchange.layout_of(text, file, spec.layout)
    try:
        imported = exchange.loads(
            text,
            kind,
            pair=spec.pair,
            path=str(file),
            glossary_id=exchange.slug(file.stem),
            title=title,
            version=version,
        )
    except GlossaryError as exc:
        if exc.path is None:
            exc.path = str(file)
        raise
    imported = replace(
        imported,
        id=glossary_id or imported.id,
        title=title or imported.title,
        version=version or imported.version,
        path=str(output),
    )
    return io.write_new_glossary(output, io.dumps_glossary(imported), force=force)


def export_file(
    glossary: Path | None,
    output: Path,
    spec: ExchangeSpec = ExchangeSpec(),
    *,
    defaults: Sequence[Path] = (),
    force: bool = False,
) -> tuple[Layout, Glossary]:
    """Export the glossary file ``glossary`` (else the first of ``defaults``) to ``output``.

    The layout is the spec's, else told by the suffix of ``output`` (see :class:`ExchangeSpec`).

    Returns:
        The layout written and the glossary exported.

    Raises:
        ConfigError: ``output`` is ``glossary``.
        InputError: a file cannot be read or written, or ``output`` exists without ``force``.
        GlossaryError: the layout cannot be told, no glossary is given, or the glossary is invalid or does not
            fit the layout.
    """
    kind = exchange.layout_for(output, spec.layout)
    path = target_glossary(glossary, defaults)
    _check_output([path], output)
    loaded = load_glossary(path)
    text = exchange.dumps(loaded, kind, pair=spec.pair)
    _refuse_existing(output, force)
    io.write_text_atomic(output, text)
    return kind, loaded


def document_texts(doc: Document) -> list[tuple[int, str]]:
    """Each unit's prose: the unit's text with everything outside segments and protected spans blanked.

    Offsets into the returned texts equal offsets into the unit texts.
    """
    out: list[tuple[int, str]] = []
    for index, unit in enumerate(doc.units):
        chars = [" " if not ch.isspace() else ch for ch in unit.text]
        for segment in doc.segments:
            if segment.unit == index:
                chars[segment.start : segment.end] = blank_protected(unit.text, segment)
        out.append((index, "".join(chars)))
    return out


def _check_document(
    doc: Document, matcher: TermMatcher, glossaries: Sequence[Glossary]
) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    for index, prose in document_texts(doc):
        unit = doc.units[index]
        matches = matcher.find(prose, "en")
        for finding in check_text(unit.text, matches, glossaries, first_line=unit.line):
            findings.append(
                replace(finding, record=unit.record, field=unit.field) if unit.record else finding
            )
    return tuple(findings)


def check_paths(paths: Sequence[Path], glossaries: Sequence[Glossary], settings: Settings) -> AuditRun:
    """Terminology QA of English files: forbidden renderings and inconsistent spellings.

    Files are found and read exactly as ``glossa audit`` does: folders searched with the settings'
    ``include`` and ``exclude``, JSON Lines text taken from ``jsonl_field``, files over ``max_file_size``
    refused, and broken JSON Lines records reported as the file's error (see
    :func:`pipeline.app.audit.read_report`).

    Args:
        paths: files and folders.
        glossaries: the glossaries in force.
        settings: the resolved settings (globs, JSON Lines field, size limit).

    Returns:
        One report per file; unreadable files carry their error instead of findings.

    Raises:
        InputError: a named path does not exist.
    """
    from pipeline.app.audit import read_report
    from pipeline.formats import discover

    matcher = TermMatcher(glossaries, languages=("en",))
    reports = tuple(
        read_report(
            path,
            settings.jsonl_field,
            settings.max_file_size,
            lambda doc: _check_document(doc, matcher, glossaries),
        )
        for path in discover(paths, include=settings.include, exclude=settings.exclude)
    )
    return AuditRun(expected_language="en", files=reports)


def extract_paths(
    paths: Sequence[Path],
    glossaries: Sequence[Glossary],
    *,
    min_count: int = 2,
    min_foreign: int = 1,
    field: str = "text",
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
) -> tuple[list[Candidate], tuple[InputError, ...]]:
    """Mine candidate terms from files (see :func:`pipeline.glossary.extract.extract_candidates`).

    A file that cannot be read or decoded is left out and its error returned; the others are mined.

    Returns:
        The candidates, and the errors of the files left out.

    Raises:
        InputError: a named path does not exist.
    """
    from pipeline.formats import discover, read_path

    documents: list[tuple[str, str]] = []
    failed: list[InputError] = []
    for path in discover(paths):
        try:
            doc = read_path(path, field=field, max_bytes=max_bytes)
        except InputError as exc:
            failed.append(exc)
            continue
        documents += [(str(path), prose) for _, prose in document_texts(doc)]
    found = extract_candidates(
        documents, known_terms(glossaries), min_count=min_count, min_foreign=min_foreign
    )
    return found, tuple(failed)


def extract_to_file(
    corpus: Sequence[Path],
    glossaries: Sequence[Path],
    output: Path,
    *,
    min_count: int = 2,
    min_foreign: int = 1,
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
    force: bool = False,
) -> tuple[list[Candidate], tuple[InputError, ...]]:
    """Mine candidates not yet in the glossaries; write them to ``output`` as a CSV ``add --from-csv`` takes.

    Returns:
        The candidates written, and the errors of the files left out.

    Raises:
        ConfigError: ``output`` is an input.
        InputError: a named path does not exist, or ``output`` exists without ``force``.
        GlossaryError: a glossary is invalid.
    """
    _check_output([*corpus, *glossaries], output)
    found, failed = extract_paths(
        corpus, load_glossaries(glossaries), min_count=min_count, min_foreign=min_foreign, max_bytes=max_bytes
    )
    _refuse_existing(output, force)
    io.write_text_atomic(output, candidates_csv(found))
    return found, failed
