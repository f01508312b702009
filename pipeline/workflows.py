"""Wiring only: each command's whole job as one function over plain values.

Workflows open files through :mod:`pipeline.formats` and :mod:`pipeline.glossary.io`, build the pure stages
once, and return result values; they never print. Progress is reported through an optional callback.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import DEFAULT_MAX_FILE_SIZE, Settings
from pipeline.errors import InputError
from pipeline.models import AuditRun, FileReport

if TYPE_CHECKING:
    from pipeline.detection import StrayFinder
    from pipeline.glossary.model import Glossary

__all__ = [
    "AuditRequest",
    "FileTranslation",
    "TranslateRequest",
    "TranslateRun",
    "audit_paths",
    "build_finder",
    "output_path_for",
    "translate_paths",
]

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """What to audit and how: the picklable part of :class:`Settings` that workers need."""

    expected_language: str
    min_chars: int
    min_confidence: float
    glossaries: tuple[Path, ...]
    jsonl_field: str
    max_file_size: int = DEFAULT_MAX_FILE_SIZE


def interface_strings(glossary: Glossary) -> Glossary:
    """The glossary's site-interface concepts only (``category = "ui-chrome"``): the web phrasebook."""
    return replace(glossary, concepts=tuple(c for c in glossary.concepts if c.category == "ui-chrome"))


def terminology(glossary: Glossary) -> Glossary:
    """The glossary without its site-interface concepts: the terms enforced inside sentences."""
    return replace(glossary, concepts=tuple(c for c in glossary.concepts if c.category != "ui-chrome"))


def build_finder(request: AuditRequest) -> StrayFinder:
    """Load the glossaries and build the stray-text finder once (per process).

    Raises:
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.detection import AuditOptions, ChromeIndex, StrayFinder
    from pipeline.glossary.io import load_glossary
    from pipeline.glossary.match import chrome_phrases, known_terms

    glossaries = [load_glossary(path) for path in request.glossaries]
    phrases = [p for g in glossaries for p in chrome_phrases(interface_strings(g))]
    options = AuditOptions(
        expected_language=request.expected_language,
        min_chars=request.min_chars,
        min_confidence=request.min_confidence,
    )
    return StrayFinder(
        options,
        chrome=ChromeIndex.from_phrases(phrases) if phrases else None,
        known_terms=known_terms(glossaries),
    )


def _audit_one(finder: StrayFinder, path: Path, field: str, max_bytes: int) -> FileReport:
    from pipeline.formats import read_path

    try:
        doc = read_path(path, field=field, max_bytes=max_bytes)
    except InputError as exc:
        return FileReport(path=str(path), format=None, encoding=None, error=exc.message)
    error = "; ".join(f"line {line}: {message}" for line, message in doc.errors) or None
    return FileReport(
        path=str(path),
        format=doc.format,
        encoding=doc.encoding,
        error=error,
        findings=tuple(finder.find(doc)),
    )


_WORKER: tuple[StrayFinder, str, int] | None = None


def _init_worker(request: AuditRequest) -> None:
    global _WORKER  # one finder per worker process, built once
    _WORKER = (build_finder(request), request.jsonl_field, request.max_file_size)


def _work(path: Path) -> FileReport:
    assert _WORKER is not None
    finder, field, max_bytes = _WORKER
    return _audit_one(finder, path, field, max_bytes)


def audit_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    progress: Progress | None = None,
    output: Path | None = None,
) -> AuditRun:
    """Audit files and folders for stray non-English (or non-``expected_language``) text.

    Args:
        paths: files and folders; folders are searched recursively (see :func:`pipeline.formats.discover`).
        settings: the resolved settings (expected language, thresholds, glossaries, globs, jobs).
        progress: called with ``(done, total)`` after each file.
        output: the report file the caller will write (``-o``); checked against the inputs first.

    Returns:
        One :class:`FileReport` per file, in sorted discovery order, whatever ``jobs`` is.

    Raises:
        InputError: a named path does not exist.
        GlossaryError: a glossary in force is invalid.
        ConfigError: ``output`` is one of the inputs (see :mod:`pipeline.formats.targets`).
    """
    from pipeline.formats import discover
    from pipeline.formats.targets import Planned, check_outputs

    files = discover(paths, include=settings.include, exclude=settings.exclude)
    if output is not None:
        check_outputs([*files, *settings.glossaries], [Planned(output, "-o")])
    request = AuditRequest(
        expected_language=settings.expected_language,
        min_chars=settings.min_chars,
        min_confidence=settings.min_confidence,
        glossaries=settings.glossaries,
        jsonl_field=settings.jsonl_field,
        max_file_size=settings.max_file_size,
    )
    reports: list[FileReport] = []
    total = len(files)
    jobs = min(settings.jobs, total, os.cpu_count() or 1)
    if jobs <= 1:
        finder = build_finder(request)
        for path in files:
            reports.append(_audit_one(finder, path, request.jsonl_field, request.max_file_size))
            if progress:
                progress(len(reports), total)
    else:
        build_finder(request)  # fail fast on a bad glossary, in this process, with its message
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(request,)) as pool:
            for report in pool.map(_work, files, chunksize=max(1, total // (jobs * 8))):
                reports.append(report)
                if progress:
                    progress(len(reports), total)
    return AuditRun(expected_language=settings.expected_language, files=tuple(reports))


# --------------------------------------------------------------------------------------------- translate


@dataclass(frozen=True, slots=True)
class TranslateRequest:
    """What ``glossa translate`` was asked to do."""

    scope: str = "stray"
    source: str | None = None
    target: str = "en"
    drop_chrome: bool = False
    in_place: bool = False
    output: Path | None = None
    output_is_folder: bool = False  # ``-o out/``: a folder even for one input (pathlib drops the slash)
    xliff: Path | None = None


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
        qa: :class:`pipeline.qa.QAFinding` of the file's translated spans (ids are ``path:line:col``).
        output_sha256: SHA-256 of the bytes written to ``output`` (None when nothing was written), so
            ``glossa apply`` can tell whether someone edited the output since.
    """

    path: str
    output: str | None
    error: str | None
    changes: tuple[Any, ...] = ()
    places: tuple[tuple[int, int], ...] = ()
    records: tuple[int | None, ...] = ()
    note: str | None = None
    qa: tuple[Any, ...] = ()
    output_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class TranslateRun:
    """The result of translating a set of files.

    ``xliff_root`` is the folder the XLIFF's paths are relative to when it is not the XLIFF's own folder
    (the documents lie outside it): ``glossa apply`` then needs ``--root`` with that folder.
    """

    target: str
    scope: str
    files: tuple[FileTranslation, ...]
    glossary_version: str = ""
    xliff_root: str | None = None


def output_path_for(path: Path, root: Path | None, request: TranslateRequest, *, many: bool) -> Path:
    """Where the translation of ``path`` goes.

    * ``--in-place``: over the input (a backup is kept beside it);
    * ``-o OUT``: OUT itself for one file (unless OUT is a folder), else OUT/<path relative to its root>;
    * neither: beside the input, as ``name.<target>.ext``.

    >>> output_path_for(Path("a/x.txt"), None, TranslateRequest(target="en"), many=False)
    PosixPath('a/x.en.txt')
    >>> output_path_for(Path("s/a/x.md"), Path("s"), TranslateRequest(output=Path("out")), many=True)
    PosixPath('out/a/x.md')
    >>> folder = TranslateRequest(output=Path("o"), output_is_folder=True)
    >>> output_path_for(Path("a/x.txt"), None, folder, many=False)
    PosixPath('o/x.txt')
    """
    if request.in_place:
        return path
    if request.output is None:
        return path.with_name(f"{path.stem}.{request.target}{path.suffix}")
    out = request.output
    if not many and not out.is_dir() and not request.output_is_folder:
        return out
    relative = path.relative_to(root) if root is not None and path.is_relative_to(root) else Path(path.name)
    return out / relative


def translate_paths(
    paths: Sequence[Path],
    settings: Settings,
    request: TranslateRequest,
    *,
    translator: Any | None = None,
    progress: Progress | None = None,
) -> TranslateRun:
    """Translate stray fragments (or whole documents) of files, offline, and write the results.

    Args:
        paths: files and folders.
        settings: resolved settings (glossaries, models folder, memory, expected language).
        request: scope, languages, output placement.
        translator: the MT backend; by default the Argos packages installed in ``settings.models_dir``.
        progress: called with ``(done, total)`` after each file.

    Returns:
        One :class:`FileTranslation` per file.

    Raises:
        InputError: a named path does not exist.
        GlossaryError: a glossary in force is invalid.
        ConfigError: ``--scope all`` without ``--from``; an output would overwrite an input or another
            output (checked for every file before anything is written, see :mod:`pipeline.formats.targets`).
    """
    from pipeline.detection.chrome import normalise_chrome
    from pipeline.errors import ConfigError
    from pipeline.formats import Edit, discover, encode, read_path, render_document, write_path
    from pipeline.glossary.io import load_glossary
    from pipeline.glossary.match import TermMatcher
    from pipeline.placeholders import locate_codes
    from pipeline.segmenting import sentences
    from pipeline.translating import (
        Phrasebook,
        locate,
        merge_changes,
        plan_all,
        plan_stray,
        same_script,
        translate_jobs,
    )

    if request.scope == "all" and not request.source:
        raise ConfigError("--scope all needs the documents' language: add --from LANG (e.g. --from ru)")
    files = discover(paths, include=settings.include, exclude=settings.exclude)
    many = len(files) > 1 or any(p.is_dir() for p in paths)
    roots = [p for p in paths if p.is_dir()]
    placed = [
        (
            path,
            output_path_for(
                path, next((r for r in roots if path.is_relative_to(r)), None), request, many=many
            ),
        )
        for path in files
    ]
    _check_translate_outputs(placed, settings, request)

    glossaries = [load_glossary(p) for p in settings.glossaries]
    glossary_version = "+".join(f"{g.id}@{g.version}" for g in glossaries)
    # Terms are enforced from the domain glossaries; interface strings only ever match whole segments.
    matcher = TermMatcher([terminology(g) for g in glossaries])
    finder = build_finder(
        AuditRequest(
            expected_language=request.target,
            min_chars=settings.min_chars,
            min_confidence=settings.min_confidence,
            glossaries=settings.glossaries,
            jsonl_field=settings.jsonl_field,
        )
    )
    renderings: dict[str, tuple[tuple[str, str], ...]] = {}
    for g in glossaries:
        for concept in g.concepts:
            if concept.category != "ui-chrome":
                continue
            pairs = tuple((lang, entry.term) for lang, entry in concept.terms)
            for _, entry in concept.terms:
                for _, form in entry.forms():
                    renderings.setdefault(normalise_chrome(form), pairs)
    phrasebook = Phrasebook(chrome=finder.chrome, renderings=renderings)
    if translator is None:
        from pipeline.translation.ctranslate import ArgosCT2Translator

        # One CPU thread unless asked (-j): on Argos-size models CTranslate2's extra threads cost more than
        # they give on small machines (2 vCPUs: 1.2-1.7x slower with 2), and a fixed thread count keeps the
        # output the same from machine to machine.
        translator = ArgosCT2Translator(settings.models_dir, intra_threads=settings.jobs)
    memory = _open_memory(settings)
    from pipeline.qa import Pair, check_pairs

    # In translate reports the untranslated check reads scripts, not the detector (which would cost a
    # model load per run); `glossa qa` uses the detector too.
    qa_context = replace(
        QAContextBuilder(settings, matcher=matcher, finders={request.target: finder}).context(),
        language_of=None,
    )

    results: list[FileTranslation] = []
    try:
        for path, target_path in placed:
            try:
                doc = read_path(path, field=settings.jsonl_field, max_bytes=settings.max_file_size)
            except InputError as exc:
                results.append(FileTranslation(str(path), None, exc.message))
                continue
            if request.scope == "all":
                source = request.source or ""
                # Different scripts (ru→en): the letters tell which sentences are already English, with
                # no detector loaded; the same script (de→en): the audit's detector decides.
                jobs, direct = plan_all(
                    doc,
                    sentences(doc),
                    source=source,
                    target=request.target,
                    findings=finder.find(doc) if same_script(source, request.target) else [],
                )
            else:
                jobs, direct = plan_stray(
                    doc, finder.find(doc), target=request.target, drop_chrome=request.drop_chrome
                )
            changes = translate_jobs(
                jobs,
                target=request.target,
                translator=translator,
                phrasebook=phrasebook,
                matcher=matcher,
                memory=memory,
                glossary_version=glossary_version,
            )
            merged = merge_changes([*direct, *changes])
            edits = [
                Edit(c.unit, c.start, c.end, c.target_text, locate_codes(c.target_text, c.codes))
                for c in merged
                if c.changed
            ]
            text, codec, note = render_document(doc, edits)
            if request.in_place and edits:
                backup = path.with_name(path.name + ".bak")
                write_path(backup, doc.text, doc.encoding, overwrite=True)
            output_sha256 = None
            if edits or not request.in_place:
                target_path.parent.mkdir(parents=True, exist_ok=True)
                write_path(target_path, text, codec, overwrite=True)
                output_sha256 = hashlib.sha256(encode(text, codec)).hexdigest()
            error = "; ".join(f"line {line}: {message}" for line, message in doc.errors) or None
            places = [locate(doc, c) for c in merged]
            checked = [
                Pair(f"{path}:{line}:{column}", c.source_text, c.target_text, c.source_lang, c.target_lang)
                for c, (line, column) in zip(merged, places, strict=True)
                if c.status.value in ("translated", "term-missed") and c.provenance != "phrasebook"
            ]
            results.append(
                FileTranslation(
                    path=str(path),
                    output=str(target_path),
                    error=error,
                    changes=tuple(merged),
                    places=tuple(places),
                    records=tuple(doc.units[c.unit].record for c in merged),
                    note=note,
                    qa=tuple(check_pairs(checked, qa_context)),
                    output_sha256=output_sha256,
                )
            )
            if progress:
                progress(len(results), len(files))
    finally:
        memory.close()
    run = TranslateRun(
        target=request.target, scope=request.scope, files=tuple(results), glossary_version=glossary_version
    )
    if request.xliff is not None:
        from pipeline.xliff import dump_xliff, xliff_base

        base = xliff_base(
            request.xliff, [Path(p) for item in run.files for p in (item.path, item.output) if p]
        )
        write_path(request.xliff, dump_xliff(run, base=base), "utf-8", overwrite=True)
        if not same_folder(base, request.xliff.parent):
            run = replace(run, xliff_root=str(base))
    return run


def same_folder(a: Path, b: Path) -> bool:
    """Whether two folders are one (resolved real paths)."""
    return os.path.realpath(a) == os.path.realpath(b)


def _check_translate_outputs(
    placed: Sequence[tuple[Path, Path]], settings: Settings, request: TranslateRequest
) -> None:
    """Every output of a translate run, checked against its inputs before the first write.

    Raises:
        ConfigError: an output is an input (not ``--in-place``), or two outputs share a path.
    """
    from pipeline.errors import ConfigError
    from pipeline.formats.targets import Planned, check_outputs

    outputs: list[Planned] = []
    for path, target in placed:
        if request.in_place:
            outputs.append(Planned(path.with_name(path.name + ".bak"), "backup", of=path))
            outputs.append(Planned(target, "--in-place", of=path, in_place=True))
        else:
            outputs.append(Planned(target, "-o" if request.output is not None else "output", of=path))
    if request.xliff is not None:
        outputs.append(Planned(request.xliff, "--xliff"))
        from pipeline.names import path_text

        for path, target in placed:
            for name in (path, target):
                if path_text(name) != str(name):
                    raise ConfigError(
                        f"--xliff cannot record the file name {path_text(name)} (not UTF-8); rename it or "
                        "translate without --xliff",
                        path=str(request.xliff),
                    )
    inputs = [path for path, _ in placed]
    check_outputs([*inputs, *settings.glossaries, settings.memory_path], outputs, in_place_option=True)


def _open_memory(settings: Settings) -> Any:
    """Open the project translation memory (created on first use)."""
    from pipeline.translation.memory import TranslationMemory

    return TranslationMemory(settings.memory_path)


# -------------------------------------------------------------------------------------------------- qa


@dataclass(frozen=True, slots=True)
class QARun:
    """The result of ``glossa qa``: pairs checked, findings, and files that could not be read."""

    pairs: int
    findings: tuple[Any, ...]
    errors: tuple[tuple[str, str], ...] = ()


class QAContextBuilder:
    """Glossa's detector and glossary as a :class:`pipeline.qa.QAContext` (finders built per target)."""

    def __init__(
        self,
        settings: Settings,
        *,
        matcher: Any | None = None,
        finders: dict[str, StrayFinder] | None = None,
    ) -> None:
        from pipeline.glossary.io import load_glossary
        from pipeline.glossary.match import TermMatcher

        self.settings = settings
        if matcher is None:  # translate passes its own: one matcher and one finder per run
            glossaries = [load_glossary(p) for p in settings.glossaries]
            matcher = TermMatcher([terminology(g) for g in glossaries])
        self.matcher = matcher
        self._finders: dict[str, StrayFinder] = dict(finders or {})

    def _finder(self, target: str) -> StrayFinder:
        if target not in self._finders:
            self._finders[target] = build_finder(
                AuditRequest(
                    expected_language=target,
                    min_chars=self.settings.min_chars,
                    min_confidence=self.settings.min_confidence,
                    glossaries=self.settings.glossaries,
                    jsonl_field=self.settings.jsonl_field,
                )
            )
        return self._finders[target]

    def language_of(self, text: str, target: str) -> str | None:
        """The language most of ``text``'s letters are in, when it is not ``target`` (else None)."""
        from pipeline.models import BlockKind, DocFormat, Document, FindingKind, Segment, TextUnit

        doc = Document(
            "<qa>",
            DocFormat.TEXT,
            "utf-8",
            text,
            (TextUnit(text),),
            (Segment(0, 0, len(text), BlockKind.LINE),),
        )
        letters = sum(c.isalpha() for c in text) or 1
        covered: dict[str, int] = {}
        for f in self._finder(target).find(doc):
            if f.kind is FindingKind.FOREIGN_TEXT and f.language and f.language != target:
                covered[f.language] = covered.get(f.language, 0) + sum(c.isalpha() for c in f.text)
        best = max(sorted(covered), key=lambda lang: covered[lang], default=None)
        return best if best is not None and covered[best] * 2 >= letters else None

    def required(self, source: str, source_lang: str, target_lang: str) -> list[tuple[str, str, list[str]]]:
        """``(source term, required rendering, forbidden variants)`` of the glossary terms in ``source``."""
        from pipeline.translating import _balanced

        out = []
        for m in self.matcher.find(source, lang=source_lang):
            rendering = self.matcher.rendering(m, target_lang)
            if rendering is None or not _balanced(m.text):
                continue
            entry = self.matcher.concept(m).term(target_lang)
            forbidden = [b for b in (entry.forbidden if entry else ()) if "{n}" not in b]
            out.append((m.text, rendering, forbidden))
        return out

    def context(self) -> Any:
        from pipeline.qa import QAContext

        return QAContext(language_of=self.language_of, required=self.required)


def read_pairs(path: Path) -> list[Any]:
    """The translated pairs of an XLIFF (1.2 or 2.0) or TMX file.

    Raises:
        InputError: unreadable, or not XLIFF/TMX.
    """
    from pipeline.qa import Pair

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}; check the path", path=str(path)) from exc
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        from pipeline.translation.memory import parse_tmx

        entries = parse_tmx(data, source=str(path))
        return [
            Pair(f"{path}#tu{i}", e.source, e.target, e.source_lang, e.target_lang)
            for i, e in enumerate(entries, start=1)
        ]
    if suffix not in (".xlf", ".xliff"):
        raise InputError("not an XLIFF (.xlf/.xliff) or TMX (.tmx) file; pass one of those", path=str(path))
    from xml.etree.ElementTree import ParseError

    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    from pipeline.errors import FormatError

    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise FormatError(
            f"not well-formed, safe XML ({exc}); repair or re-export it", path=str(path)
        ) from exc

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    pairs = []
    source_lang = root.get("srcLang", "")
    target_lang = root.get("trgLang", "en")
    for element in root.iter():
        name = local(element.tag)
        if name == "file" and element.get("source-language"):  # XLIFF 1.2
            source_lang = element.get("source-language", "")
            target_lang = element.get("target-language", target_lang)
        if name not in ("unit", "trans-unit"):
            continue
        notes = {n.get("category"): n.text or "" for n in element.iter() if local(n.tag) == "note"}
        lang = notes.get("source-language") or source_lang
        for holder in [s for s in element.iter() if local(s.tag) == "segment"] or [element]:
            src = next((c for c in holder if local(c.tag) == "source"), None)
            tgt = next((c for c in holder if local(c.tag) == "target"), None)
            if src is None or tgt is None:
                continue
            pairs.append(
                Pair(
                    f"{path}#{element.get('id', '')}",
                    "".join(src.itertext()),
                    "".join(tgt.itertext()),
                    "" if lang == "mul" else lang,
                    target_lang,
                )
            )
    return pairs


def qa_paths(paths: Sequence[Path], settings: Settings) -> QARun:
    """Check the translations in XLIFF and TMX files (:mod:`pipeline.qa`).

    Raises:
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.qa import check_pairs

    builder = QAContextBuilder(settings)
    pairs: list[Any] = []
    errors: list[tuple[str, str]] = []
    for path in paths:
        try:
            pairs.extend(read_pairs(path))
        except InputError as exc:  # reported per file; the others are still checked
            errors.append((str(path), exc.message))
    return QARun(len(pairs), tuple(check_pairs(pairs, builder.context())), tuple(errors))
