"""``glossa translate`` as one function over plain values: plan, translate layer by layer, write, report.

Every planned output is checked before the first write (:mod:`pipeline.formats.targets`); documents are
read through :mod:`pipeline.formats`, translated by :mod:`pipeline.translation.layers` with the project
memory and the installed models, and written atomically. Returns a :class:`~pipeline.document.TranslateRun`;
nothing here prints.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.app import Progress
from pipeline.app.audit import AuditRequest, build_finder, terminology
from pipeline.app.qa import QAContextBuilder
from pipeline.config import Settings
from pipeline.document import FileTranslation, TranslateRun
from pipeline.errors import InputError

if TYPE_CHECKING:
    pass

__all__ = ["TranslateRequest", "output_path_for", "translate_paths"]


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
    from pipeline.text.sentences import sentences
    from pipeline.translation.layers import translate_jobs
    from pipeline.translation.phrasebook import Phrasebook
    from pipeline.translation.placeholders import locate_codes
    from pipeline.translation.plan import locate, merge_changes, plan_all, plan_stray, same_script

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
    from pipeline.translation.qa import Pair, check_pairs

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
        from pipeline.translation.xliff import dump_xliff, xliff_base

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
        from pipeline.text.names import path_text

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
