"""``glossa translate`` as one function over plain values: plan, translate layer by layer, write, report.

The run in steps, each a function here: plan where every output goes (:func:`plan_outputs`), check them all
against the inputs before the first write (:func:`check_translate_outputs`, :mod:`pipeline.formats.targets`),
load the glossaries once, then run the files as work items on an :class:`~pipeline.app.executor.Executor`
(a JSON Lines file longer than one shard as line-aligned ranges, :mod:`pipeline.app.translate_stream`):
each worker builds its stages once (:func:`start_worker`, :func:`load_stages`: finder, matcher,
phrasebook, model, memory, QA) and for each file reads, plans, translates
(:mod:`pipeline.translation.layers`) and checks it (:func:`translate_file`), returning the bytes to write.
This process (the driver) writes the outputs in input order, each followed by the memory entries it
taught, then the XLIFF (:func:`write_xliff`). Every write is atomic; on Ctrl-C the run says which files it
had written (:class:`TranslateInterrupted`). Returns a :class:`~pipeline.document.TranslateRun`; nothing
here prints.

**The same output for every job count.** Results are merged in input order, every model runs on one CPU
thread, and the translation memory is read as it stood when the run began: workers open it read-only
and look up only entries at or under the memory's mark taken then, so they never see what another file
of the same run taught it (which worker got there first is timing). What a run learns is written by the
driver in input order, each file's right after its outputs, so a run killed outright (``kill -9``, out
of memory) keeps what its finished files learned: run again, those sentences come from the memory, not
the model. A sentence that recurs in two files of one run is sent to the model in each (the same model,
the same text: the same translation); within one run, ``memory`` means the memory had it before the run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pipeline.app import Progress
from pipeline.app.audit import AuditRequest, build_finder, terminology
from pipeline.app.executor import Executor, LocalExecutor, executor_for, stop
from pipeline.app.qa import QAContextBuilder
from pipeline.config import Settings
from pipeline.document import FileTranslation, Scope, TranslateRun
from pipeline.errors import ConfigError, InputError, PipelineError
from pipeline.formats.shards import GZIP_SUFFIXES
from pipeline.formats.targets import backup_of

if TYPE_CHECKING:
    from pipeline.app.translate_stream import Part
    from pipeline.detection import StrayFinder
    from pipeline.document import Change, Document, Job
    from pipeline.formats.shards import Shard
    from pipeline.glossary.match import TermMatcher
    from pipeline.glossary.model import Glossary
    from pipeline.translation.base import Translator
    from pipeline.translation.memory import MemoryEntry, TranslationMemory
    from pipeline.translation.phrasebook import Phrasebook
    from pipeline.translation.qa import Pair, QAContext

__all__ = [
    "FileResult",
    "FileWork",
    "Output",
    "Stages",
    "TranslateInterrupted",
    "TranslateRequest",
    "Worker",
    "WorkerConfig",
    "Writes",
    "check_translate_outputs",
    "load_stages",
    "output_path_for",
    "plan_outputs",
    "start_worker",
    "translate_file",
    "translate_item",
    "translate_paths",
    "translate_request",
    "write_xliff",
]


@dataclass(frozen=True, slots=True)
class TranslateRequest:
    """What ``glossa translate`` was asked to do."""

    scope: Scope = Scope.stray
    source: str | None = None
    target: str = "en"
    drop_chrome: bool = False
    in_place: bool = False
    output: Path | None = None
    output_is_folder: bool = False  # ``-o out/``: a folder even for one input (pathlib drops the slash)
    xliff: Path | None = None


def translate_request(
    scope: Scope | str,
    source: str | None,
    target: str,
    *,
    output: str | None = None,
    in_place: bool = False,
    drop_chrome: bool = False,
    xliff: Path | None = None,
) -> TranslateRequest:
    """The request the command line's options make, checked.

    ``scope``, ``source`` and ``target`` are ``--scope``, ``--from`` and ``--to``; ``output`` is the ``-o``
    text as typed: a trailing slash makes it a folder even for one input.

    Raises:
        ConfigError: ``--in-place`` with ``--output``; ``--to`` or ``--from`` is not an ISO 639-1 code.
    """
    from pipeline.config import language_code

    if in_place and output is not None:
        raise ConfigError("--in-place and --output exclude each other; pick one")
    for option, code in (("--to", target), ("--from", source)):
        if code is not None:
            try:
                language_code(code)
            except ValueError as exc:
                raise ConfigError(f"{option}: {exc}") from None
    return TranslateRequest(
        scope=Scope(scope),
        source=source,
        target=target.lower(),
        drop_chrome=drop_chrome,
        in_place=in_place,
        output=Path(output) if output is not None else None,
        output_is_folder=output is not None and output.endswith(("/", os.sep)),
        xliff=xliff,
    )


class TranslateInterrupted(KeyboardInterrupt):
    """Ctrl-C during a translate run, with the files it had written: each whole, since every write is atomic.

    A :class:`KeyboardInterrupt`, so whoever catches those still does; :attr:`message` says what is on disk.
    """

    def __init__(self, written: Sequence[Path]) -> None:
        super().__init__(len(written))
        self.written = tuple(written)

    @property
    def message(self) -> str:
        """``interrupted; ...``: what was written before the interrupt."""
        if not self.written:
            return "interrupted; no output was written"
        count = len(self.written)
        return (
            f"interrupted after writing {count} file{'' if count == 1 else 's'}, each complete "
            f"(the last: {self.written[-1]}); no other output was written"
        )


class Writes:
    """Writes a run's files atomically and lists those on disk, for :class:`TranslateInterrupted`."""

    def __init__(self) -> None:
        self.done: list[Path] = []  # in the order written

    def copy(self, path: Path, source: Path) -> None:
        """Copy ``source``'s bytes to ``path`` atomically (an ``--in-place`` backup of a streamed file)."""
        import filecmp
        import shutil

        from pipeline.formats import write_with

        def write(handle: BinaryIO) -> None:
            with source.open("rb") as original:
                shutil.copyfileobj(original, handle, 1 << 20)

        try:
            write_with(path, write, overwrite=True)
        except KeyboardInterrupt:
            if path.exists() and filecmp.cmp(path, source, shallow=False):
                self.done.append(path)  # Ctrl-C came after the rename
            raise
        self.done.append(path)

    def write(self, path: Path, text: str, codec: str, *, compress: bool = False) -> None:
        """Write ``text`` to ``path`` (replacing it) and, once it is there, add ``path`` to :attr:`done`."""
        from pipeline.formats import file_bytes, write_path

        finished = False
        try:
            write_path(path, text, codec, overwrite=True, compress=compress)
            finished = True
        except KeyboardInterrupt:
            # Ctrl-C may come after the rename
            finished = _holds(path, file_bytes(text, codec, compress=compress))
            raise
        finally:
            if finished:
                self.done.append(path)


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` holds exactly ``data``."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def output_path_for(path: Path, root: Path | None, request: TranslateRequest, *, many: bool) -> Path:
    """Where the translation of ``path`` goes.

    * ``--in-place``: over the input (a backup is kept beside it);
    * ``-o OUT``: OUT itself for one file (unless OUT is a folder), else OUT/<path relative to its root>;
    * neither: beside the input, as ``name.<target>.ext``.

    >>> output_path_for(Path("a/x.txt"), None, TranslateRequest(target="en"), many=False)
    PosixPath('a/x.en.txt')
    >>> output_path_for(Path("a/x.JSONL.gz"), None, TranslateRequest(target="en"), many=False)
    PosixPath('a/x.en.JSONL.gz')
    >>> output_path_for(Path("s/a/x.md"), Path("s"), TranslateRequest(output=Path("out")), many=True)
    PosixPath('out/a/x.md')
    >>> folder = TranslateRequest(output=Path("o"), output_is_folder=True)
    >>> output_path_for(Path("a/x.txt"), None, folder, many=False)
    PosixPath('o/x.txt')
    """
    if request.in_place:
        return path
    if request.output is None:
        name = path.name
        suffix = next((s for s in GZIP_SUFFIXES if name.lower().endswith(s)), path.suffix)
        stem = name[: len(name) - len(suffix)] if suffix else name
        return path.with_name(f"{stem}.{request.target}{name[len(stem) :]}")
    out = request.output
    if not many and not out.is_dir() and not request.output_is_folder:
        return out
    relative = path.relative_to(root) if root is not None and path.is_relative_to(root) else Path(path.name)
    return out / relative


def plan_outputs(
    paths: Sequence[Path], settings: Settings, request: TranslateRequest
) -> list[tuple[Path, Path]]:
    """``(input, output)`` for every file the named paths hold, in discovery order.

    Raises:
        InputError: a named path does not exist.
    """
    from pipeline.formats import discover

    files = discover(paths, include=settings.include, exclude=settings.exclude)
    many = len(files) > 1 or any(p.is_dir() for p in paths)
    roots = [p for p in paths if p.is_dir()]
    return [
        (
            path,
            output_path_for(
                path, next((r for r in roots if path.is_relative_to(r)), None), request, many=many
            ),
        )
        for path in files
    ]


def check_translate_outputs(
    placed: Sequence[tuple[Path, Path]], settings: Settings, request: TranslateRequest
) -> None:
    """Every output of a translate run, checked against its inputs before the first write.

    Raises:
        ConfigError: an output is an input (not ``--in-place``), two outputs share a path, or ``--xliff``
            cannot record a file name.
    """
    from pipeline.formats.targets import Planned, check_outputs

    outputs: list[Planned] = []
    for path, target in placed:
        if request.in_place:
            outputs.append(Planned(backup_of(path), "backup", of=path))
            outputs.append(Planned(target, "--in-place", of=path, in_place=True))
        else:
            outputs.append(Planned(target, "-o" if request.output is not None else "output", of=path))
    if request.xliff is not None:
        outputs.append(Planned(request.xliff, "--xliff"))
        _check_xliff_names(placed, request.xliff)
    inputs = [path for path, _ in placed]
    check_outputs([*inputs, *settings.glossaries, settings.memory_path], outputs, in_place_option=True)


def _check_xliff_names(placed: Sequence[tuple[Path, Path]], xliff: Path) -> None:
    """Refuse file names an XLIFF cannot record (not UTF-8)."""
    from pipeline.text.names import path_text

    names = (name for pair in placed for name in pair)
    unrecordable = next((name for name in names if path_text(name) != str(name)), None)
    if unrecordable is not None:
        reason = f"cannot record the file name {path_text(unrecordable)} (not UTF-8)"
        raise ConfigError(f"--xliff {reason}; rename it or translate without --xliff", path=str(xliff))


@dataclass(frozen=True, slots=True)
class Stages:
    """The stages of a translate run, built once per worker and used for every file it is given.

    Attributes:
        finder: the audit's stray-text finder for the target language (what ``--scope stray`` translates).
        matcher: the terms enforced inside sentences (the domain glossaries, without interface strings).
        phrasebook: interface strings, matched as whole segments.
        translator: the MT backend.
        memory: the project translation memory, open read-only, as it stood when the run began.
        qa: the QA checks' context (scripts, not the detector, tell untranslated text).
        glossary_version: ``id@version`` of every glossary in force, joined with ``+``.
    """

    finder: StrayFinder
    matcher: TermMatcher
    phrasebook: Phrasebook
    translator: Translator
    memory: TranslationMemory
    qa: QAContext
    glossary_version: str


def load_glossaries(settings: Settings) -> tuple[Glossary, ...]:
    """The glossaries in force, parsed once by the driver and handed to every worker.

    Raises:
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.glossary.io import load_glossary

    return tuple(load_glossary(p) for p in settings.glossaries)


def load_stages(
    settings: Settings,
    request: TranslateRequest,
    translator: Translator | None = None,
    glossaries: Sequence[Glossary] | None = None,
    *,
    stamp: tuple[int, str] | None = None,
) -> Stages:
    """Build the finder, phrasebook and matcher, and open the model and the memory (read-only).

    Args:
        settings: the run's settings.
        request: the run's request (its target language).
        translator: the MT backend; by default the Argos packages in ``settings.models_dir``, on one thread.
        glossaries: the glossaries in force, already loaded (default: load ``settings.glossaries``).
        stamp: ``(mark, stamp)`` of the memory the driver opened (:class:`WorkerConfig`): the memory must
            exist and be that one (default: it is created if missing).

    Raises:
        GlossaryError: a glossary in force is invalid.
        InputError: the translation memory cannot be opened; it is not the driver's (``stamp``).
    """
    from pipeline.glossary.match import TermMatcher
    from pipeline.translation.phrasebook import Phrasebook

    if glossaries is None:
        glossaries = load_glossaries(settings)
    # Terms are enforced from the domain glossaries; interface strings only ever match whole segments.
    matcher = TermMatcher([terminology(g) for g in glossaries])
    finder = build_finder(AuditRequest.of(settings, request.target), glossaries)  # parsed once
    phrasebook = Phrasebook(chrome=finder.chrome, renderings=_chrome_renderings(glossaries))
    if stamp is None and not settings.memory_path.exists():
        open_memory(settings.memory_path).close()  # created on first use
    memory = _driver_memory(settings.memory_path, stamp)
    if translator is None:
        from pipeline.translation.ctranslate import ArgosCT2Translator

        # One CPU thread per model, whatever -j (which sets worker processes): on Argos-size models
        # CTranslate2's extra threads cost more than they give on small machines (2 vCPUs: 1.2-1.7x slower
        # with 2), and a fixed thread count keeps the output the same from machine to machine.
        translator = ArgosCT2Translator(settings.models_dir, intra_threads=1)
    # In translate reports the untranslated check reads scripts, not the detector (which would cost a
    # model load per run); `glossa qa` uses the detector too.
    qa = replace(
        QAContextBuilder(settings, matcher=matcher, finders={request.target: finder}).context(),
        language_of=None,
    )
    version = glossary_version(glossaries)
    return Stages(finder, matcher, phrasebook, translator, memory, qa, version)


def _driver_memory(path: Path, stamp: tuple[int, str] | None) -> TranslationMemory:
    """The memory at ``path``, read-only; with ``stamp``, checked to be the one the driver opened.

    A worker on a Ray node opens the memory by its path there: without a filesystem shared at that path it
    would find none, or another, and translate what the driver's memory knows again, with other bytes.

    Raises:
        InputError: no memory there, or another one (``stamp``); it cannot be opened.
    """
    from pipeline.translation.memory import TranslationMemory

    shared = "put GLOSSA_HOME on a filesystem every Ray node mounts at the same path"
    if stamp is not None and not path.exists():
        raise InputError(f"the translation memory is not on this worker's machine; {shared}", path=str(path))
    memory = TranslationMemory(path, read_only=True)
    if stamp is not None and memory.stamp(stamp[0]) != stamp[1]:
        memory.close()
        raise InputError(
            f"this worker's translation memory is not the one the run began with; {shared}", path=str(path)
        )
    return memory


def glossary_version(glossaries: Sequence[Glossary]) -> str:
    """``id@version`` of every glossary, joined with ``+`` (part of every memory key)."""
    return "+".join(f"{g.id}@{g.version}" for g in glossaries)


def open_memory(path: Path) -> TranslationMemory:
    """The project memory, open for writing (created on first use).

    Raises:
        InputError: the file is not a Glossa memory or cannot be opened.
    """
    from pipeline.translation.memory import TranslationMemory

    return TranslationMemory(path)


def _chrome_renderings(glossaries: Sequence[Glossary]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Every form of every interface string (normalised) -> its ``(language, term)`` renderings."""
    from pipeline.detection.chrome import normalise_chrome

    renderings: dict[str, tuple[tuple[str, str], ...]] = {}
    for g in glossaries:
        for concept in g.concepts:
            if concept.category != "ui-chrome":
                continue
            pairs = tuple((lang, entry.term) for lang, entry in concept.terms)
            for _, entry in concept.terms:
                for _, form in entry.forms():
                    renderings.setdefault(normalise_chrome(form), pairs)
    return renderings


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What every worker builds its :class:`Stages` from: plain, picklable values.

    Attributes:
        settings: the run's settings.
        request: the run's request.
        glossaries: the glossaries in force, loaded once by the driver.
        translator: a translator given by the caller (tests, benchmarks), copied into each worker process;
            None (the default): each worker opens the Argos packages in ``settings.models_dir`` itself.
        memory_mark: the memory's :meth:`~pipeline.translation.memory.TranslationMemory.mark` when the run
            began: lookups see no newer entry (None: every entry).
        memory_stamp: its :meth:`~pipeline.translation.memory.TranslationMemory.stamp` at that mark, which
            each worker checks (None: not checked, the memory is created if missing).
    """

    settings: Settings
    request: TranslateRequest
    glossaries: tuple[Glossary, ...]
    translator: Translator | None = None
    memory_mark: int | None = None
    memory_stamp: str | None = None


@dataclass(frozen=True, slots=True)
class Worker:
    """One worker's state: its stages (or why they could not be built) and what it was built from."""

    config: WorkerConfig
    stages: Stages | None
    error: PipelineError | None = None


@dataclass(frozen=True, slots=True)
class FileWork:
    """One work item: a file, where its translation goes, and its bytes (read by the driver, so a worker
    needs no access to the file).

    Attributes:
        path: the input file.
        target_path: its output.
        data: the file's bytes (None: the worker reads the file itself).
        error: why the driver could not read it (then nothing is translated).
        shard: a line-aligned range of a JSON Lines file, with its bytes (None: the whole file); see
            :mod:`pipeline.app.translate_stream`.
        last: the shard is the file's last.
    """

    path: Path
    target_path: Path
    data: bytes | None = None
    error: str | None = None
    shard: Shard | None = None
    last: bool = True

    @classmethod
    def read(cls, path: Path, target_path: Path, max_bytes: int) -> FileWork:
        """The work item of ``path``, its bytes read (or the reason they could not be)."""
        from pipeline.formats import read_bytes_capped

        try:
            return cls(path, target_path, read_bytes_capped(path, max_bytes=max_bytes))
        except InputError as exc:
            return cls(path, target_path, error=exc.message)


@dataclass(frozen=True, slots=True)
class Output:
    """A file to write: its path, its text, the encoding to write it in, and whether to gzip it (the
    translation of a ``.jsonl.gz`` input and its ``--in-place`` backup)."""

    path: Path
    text: str
    codec: str
    compress: bool = False


@dataclass(frozen=True, slots=True)
class FileResult:
    """What a worker gives back for one file.

    Attributes:
        translation: the report of the file.
        outputs: what to write, in order (an ``--in-place`` backup first); nothing when it was not read.
        learned: the model's accepted translations, for the memory (written by the driver).
        part: a range's output, which the driver writes into the file's stream (None: a whole file).
    """

    translation: FileTranslation
    outputs: tuple[Output, ...] = ()
    learned: tuple[MemoryEntry, ...] = ()
    part: Part | None = None


def start_worker(config: WorkerConfig) -> Worker:
    """Build one worker's stages (:meth:`Executor.map`'s ``setup``); an error is kept for its first item."""
    try:
        stages = load_stages(
            config.settings, config.request, config.translator, config.glossaries, stamp=_stamp(config)
        )
    except PipelineError as exc:
        return Worker(config, None, exc)
    return Worker(config, stages)


def _stamp(config: WorkerConfig) -> tuple[int, str] | None:
    if config.memory_mark is None or config.memory_stamp is None:
        return None
    return config.memory_mark, config.memory_stamp


def translate_item(worker: Worker, item: FileWork) -> FileResult:
    """Translate one work item on a worker (:meth:`Executor.map`'s ``work``).

    Any other failure (a bug) is the item's: its file is reported as not translated, nothing is written for
    it, and the other files go on (the run exits 2).

    Raises:
        PipelineError: the worker's stages could not be built; the backend failed.
    """
    if worker.stages is None:
        assert worker.error is not None
        raise worker.error
    if item.error is not None:
        return FileResult(FileTranslation(str(item.path), None, item.error))
    try:
        if item.shard is not None:
            from pipeline.app.translate_stream import translate_range

            return translate_range(worker, item)
        config = worker.config
        return translate_file(
            item.path,
            item.target_path,
            worker.stages,
            config.settings,
            config.request,
            data=item.data,
            memory_mark=config.memory_mark,
        )
    except PipelineError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug on one file must not stop the others
        return _failed(item, exc)


def _failed(item: FileWork, exc: Exception) -> FileResult:
    """The result of an item whose translation raised an unexpected error: its file is not translated."""
    from pipeline.app.translate_stream import Part

    reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
    shard = item.shard
    where = f"lines {shard.first_line}-{shard.last_line}: " if shard is not None else ""
    message = (
        f"{where}could not be translated ({reason}); nothing was written for this file; please report this"
    )
    translation = FileTranslation(str(item.path), None, message)
    if shard is None:
        return FileResult(translation)
    return FileResult(translation, part=Part(item.last, size=len(shard.data), error=message))


class _RunMemory:
    """The memory as the run found it (entries at or under ``mark``), for lookups; what the layers learn is
    kept, not written."""

    def __init__(self, memory: TranslationMemory, mark: int | None = None) -> None:
        self._memory = memory
        self._mark = mark
        self.learned: list[MemoryEntry] = []

    def lookup(
        self, texts: Iterable[str], source_lang: str, target_lang: str, model: str, glossary_version: str
    ) -> Mapping[str, MemoryEntry]:
        """The entry of each text the memory had when the run began."""
        return self._memory.lookup(texts, source_lang, target_lang, model, glossary_version, up_to=self._mark)

    def add(self, entries: Iterable[MemoryEntry]) -> int:
        """Keep ``entries`` for the driver to write at the end of the run."""
        before = len(self.learned)
        self.learned.extend(entries)
        return len(self.learned) - before


def translate_paths(
    paths: Sequence[Path],
    settings: Settings,
    request: TranslateRequest,
    *,
    translator: Translator | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> TranslateRun:
    """Translate stray fragments (or whole documents) of files, offline, and write the results.

    Args:
        paths: files and folders.
        settings: resolved settings (glossaries, models folder, memory, expected language, jobs).
        request: scope, languages, output placement.
        translator: the MT backend (copied into each worker process); by default each worker opens the
            Argos packages installed in ``settings.models_dir``.
        progress: called with ``(done, total)`` after each file, and after each range of a JSON Lines file
            translated in ranges (``total`` counts those ranges as estimated from the files' sizes).
        executor: where the files are translated (default: ``settings.jobs`` local processes, at most one
            per file and per CPU); the output is the same for every executor and job count.

    Returns:
        One :class:`FileTranslation` per file, in discovery order.

    Raises:
        InputError: a named path does not exist; the memory cannot be opened.
        GlossaryError: a glossary in force is invalid.
        ConfigError: ``--scope all`` without ``--from``; an output would overwrite an input or another
            output (checked for every file before anything is written, see :mod:`pipeline.formats.targets`).
        TranslateInterrupted: Ctrl-C; it names the files written before it.
    """
    from pipeline.formats import DocFormat, format_for

    if request.scope == "all" and not request.source:
        raise ConfigError("--scope all needs the documents' language: add --from LANG (e.g. --from ru)")
    placed = plan_outputs(paths, settings, request)
    check_translate_outputs(placed, settings, request)
    glossaries = load_glossaries(settings)  # fail fast, here, with the glossary's own message
    with open_memory(settings.memory_path) as memory:  # the same for the memory, before any worker reads it
        mark = memory.mark()
        stamp = memory.stamp(mark)
    # Workers may run elsewhere (Ray actors start in another folder, or on another node): absolute paths.
    absolute = replace(settings, home=settings.home.absolute(), models_dir=settings.models_dir.absolute())
    config = WorkerConfig(absolute, request, glossaries, translator, mark, stamp)
    if executor is None and settings.executor == "ray":
        executor = executor_for(settings)
    if executor is None:
        # a JSON Lines file is cut into ranges, which any number of workers can share
        items = (
            len(placed)
            if all(format_for(path) is not DocFormat.JSONL for path, _ in placed)
            else settings.jobs
        )
        executor = LocalExecutor(max(1, min(settings.jobs, items, os.cpu_count() or 1)))
    writes = Writes()
    files = _run_files(executor, config, placed, writes, progress)
    run = TranslateRun(
        target=request.target,
        scope=request.scope,
        files=tuple(files),
        glossary_version=glossary_version(glossaries),
    )
    if request.xliff is None:
        return run
    try:
        return write_xliff(run, request.xliff, writes)
    except KeyboardInterrupt as exc:
        raise TranslateInterrupted(writes.done) from exc


def _work(placed: Sequence[tuple[Path, Path]], settings: Settings) -> Iterator[FileWork]:
    """The run's work items, read as the workers ask for them: a whole file, or each line-aligned range of a
    JSON Lines file longer than one shard (:mod:`pipeline.app.translate_stream`)."""
    from pipeline.app.translate_stream import shards_of

    limit = settings.max_file_size
    for index, (path, target) in enumerate(placed):
        if not _intact(path, limit):  # a damaged .gz: refused whole, before any range goes to a model
            yield FileWork.read(path, target, limit)
            continue
        shards = shards_of(path, index, shard_size=settings.shard_size, max_bytes=limit)
        for shard, last in shards:
            if shard.index == 0 and (last or shard.whole or shard.error is not None):
                # one piece: the whole file, read (or refused) as any other file is
                yield (
                    FileWork.read(path, target, limit) if shard.error else FileWork(path, target, shard.data)
                )
                shards.close()
                break
            yield FileWork(path, target, shard=shard, last=last)


def _intact(path: Path, max_bytes: int) -> bool:
    """Whether a ``.jsonl.gz`` file decompresses to its end (True for other files, and for files too large
    or unreadable: reading them says why). Checked before its ranges are translated, so a file that would be
    refused at its end costs seconds of decompression, not hours of translation."""
    import gzip
    import zlib

    from pipeline.formats import DocFormat, format_for
    from pipeline.formats.shards import is_gzip

    if not is_gzip(path) or format_for(path) is not DocFormat.JSONL:
        return True
    try:
        if os.stat(path).st_size > max_bytes:
            return True
        with gzip.open(path, "rb") as handle:
            while handle.read(1 << 20):
                pass
    except (EOFError, zlib.error, gzip.BadGzipFile):
        return False
    except OSError:
        return True
    return True


def _run_files(
    executor: Executor,
    config: WorkerConfig,
    placed: Sequence[tuple[Path, Path]],
    writes: Writes,
    progress: Progress | None,
) -> list[FileTranslation]:
    """Translate every file on ``executor``, write each result in input order, and what it learned after it.

    Raises:
        TranslateInterrupted: Ctrl-C; the memory still gets what the files written before it learned.
    """
    files: list[FileTranslation] = []
    learned: tuple[MemoryEntry, ...] = ()  # a file's, until the memory has them
    results = executor.map(start_worker, config, translate_item, _work(placed, config.settings))
    stream = iter(results)
    ticks = _Ticks(progress, _planned(placed, config.settings))
    whole = functools.cache(lambda: start_worker(config))  # for files translated whole after all
    try:
        for result in stream:
            if result.part is not None:
                files.append(_streamed(result, stream, config, writes, ticks, whole))
            else:
                _write_outputs(result, writes)
                files.append(result.translation)
                learned = result.learned
                _learn(config.settings.memory_path, learned)
                learned = ()
                ticks.tick()
    except KeyboardInterrupt as exc:
        raise TranslateInterrupted(writes.done) from exc
    except BaseException:
        learned = ()  # a write that failed is not tried again (its error is the one to report)
        raise
    finally:
        stop(results)
        _learn(config.settings.memory_path, learned)  # a write a Ctrl-C rolled back
    return files


@dataclass(slots=True)
class _Ticks:
    """The run's progress in work items: files, and the ranges of files translated in ranges."""

    progress: Progress | None
    planned: int
    done: int = 0

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, max(self.planned, self.done))


def _planned(placed: Sequence[tuple[Path, Path]], settings: Settings) -> int:
    """How many work items the run will have, estimated from the files' sizes on disk (a ``.gz`` file's
    text taken as four times its size: JSON text compresses about that much)."""
    from pipeline.formats import DocFormat, format_for
    from pipeline.formats.shards import is_gzip

    total = 0
    for path, _ in placed:
        try:
            size = os.stat(path).st_size * (4 if is_gzip(path) else 1)
        except OSError:
            size = 0
        whole = format_for(path) is not DocFormat.JSONL or size <= settings.shard_size
        total += 1 if whole else -(-size // settings.shard_size)
    return total


def _streamed(
    first: FileResult,
    results: Iterator[FileResult],
    config: WorkerConfig,
    writes: Writes,
    ticks: _Ticks,
    whole: Callable[[], Worker],
) -> FileTranslation:
    """Write a JSON Lines file translated in ranges as they come; one that is not UTF-8 text after all is
    translated whole here, in the driver (on the ``whole`` worker, built once), as any other file would be.
    Folders made for the output are removed again when nothing was written into them."""
    from pipeline.app.translate_stream import Redo, write_streamed

    target = Path(first.translation.output or first.translation.path)
    made = _missing_folders(target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    memory_path = config.settings.memory_path

    def written(result: FileResult) -> None:
        _learn(memory_path, result.learned)
        ticks.tick()

    try:
        return write_streamed(first, results, writes=writes, in_place=config.request.in_place, learn=written)
    except Redo:
        pass
    finally:
        for folder in reversed(made):  # the deepest first; one that holds something stays
            with contextlib.suppress(OSError):
                folder.rmdir()
    path = Path(first.translation.path)
    item = FileWork.read(path, target, config.settings.max_file_size)
    result = (
        FileResult(FileTranslation(str(path), None, item.error))
        if item.error
        else translate_item(whole(), item)
    )
    _write_outputs(result, writes)
    _learn(memory_path, result.learned)
    ticks.tick()
    return result.translation


def _write_outputs(result: FileResult, writes: Writes) -> None:
    """Write a whole file's outputs (an ``--in-place`` backup first), making their folders."""
    for output in result.outputs:
        output.path.parent.mkdir(parents=True, exist_ok=True)
        writes.write(output.path, output.text, output.codec, compress=output.compress)


def _missing_folders(folder: Path) -> list[Path]:
    """``folder`` and its parents that do not exist yet, the outermost first."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]


def _learn(memory_path: Path, entries: Sequence[MemoryEntry]) -> None:
    """Add what one file's model translations taught to the memory, in one transaction (a kill leaves all
    of it or none; a file the model did not touch costs no write). A key stored meanwhile (a review by
    another process) is kept: the run only learns keys it did not find."""
    if entries:
        with open_memory(memory_path) as memory:
            memory.add(entries, replace=False)


def translate_file(
    path: Path,
    target_path: Path,
    stages: Stages,
    settings: Settings,
    request: TranslateRequest,
    *,
    data: bytes | None = None,
    memory_mark: int | None = None,
) -> FileResult:
    """Read one file, translate what the request asks for, check it; return what to write to ``target_path``.

    ``data`` is the file's bytes when the caller read them (else the file is read here); the memory is
    looked up at or under ``memory_mark``. A file that cannot be read comes back with its error (and nothing
    to write).
    """
    from pipeline.translation.qa import check_pairs

    try:
        doc = _read(path, settings, data)
    except InputError as exc:
        return FileResult(FileTranslation(str(path), None, exc.message))
    merged, places, learned, rendered = translate_doc(doc, stages, request, memory_mark)
    note, outputs, output_sha256 = _outputs(doc, rendered, path, target_path, request)
    translation = FileTranslation(
        path=str(path),
        output=str(target_path),
        error="; ".join(f"line {line}: {message}" for line, message in doc.errors) or None,
        changes=tuple(merged),
        places=tuple(places),
        records=tuple(doc.units[c.unit].record for c in merged),
        note=note,
        qa=tuple(check_pairs(qa_pairs(path, merged, places), stages.qa)),
        output_sha256=output_sha256,
    )
    return FileResult(translation, outputs, learned)


def translate_doc(
    doc: Document, stages: Stages, request: TranslateRequest, memory_mark: int | None
) -> tuple[list[Change], list[tuple[int, int]], tuple[MemoryEntry, ...], tuple[str, str, str | None, bool]]:
    """Plan, translate and render one document: its changes in document order, the ``(line, column)`` of
    each, what the model taught the memory, and ``(text, codec, note, edited)`` of its translation
    (:func:`pipeline.formats.render_document`; ``edited``: some change changes the text)."""
    from pipeline.formats import DocFormat, Edit, render_document
    from pipeline.translation.layers import translate_jobs
    from pipeline.translation.placeholders import locate_codes
    from pipeline.translation.plan import locate, merge_changes

    jobs, direct = _plan(doc, stages.finder, request)
    memory = _RunMemory(stages.memory, memory_mark)
    changes = translate_jobs(
        jobs,
        target=request.target,
        translator=stages.translator,
        phrasebook=stages.phrasebook,
        matcher=stages.matcher,
        memory=memory,
        glossary_version=stages.glossary_version,
        document=(lambda job: doc.units[job.unit].record) if doc.format is DocFormat.JSONL else None,
    )
    merged = merge_changes([*direct, *changes])
    edits = [
        Edit(c.unit, c.start, c.end, c.target_text, locate_codes(c.target_text, c.codes))
        for c in merged
        if c.changed
    ]
    text, codec, note = render_document(doc, edits)
    places = [locate(doc, c) for c in merged]
    return merged, places, tuple(memory.learned), (text, codec, note, bool(edits))


def _read(path: Path, settings: Settings, data: bytes | None) -> Document:
    """The document of ``path``, from its bytes when the driver read them.

    Raises:
        InputError: unreadable, binary or in no supported encoding.
    """
    from pipeline.formats import DocFormat, decode, format_for, read_path, read_string

    if data is None:
        return read_path(path, field=settings.jsonl_field, max_bytes=settings.max_file_size)
    text, codec = decode(data, source=str(path))
    chosen = format_for(path) or DocFormat.TEXT
    return read_string(text, chosen, source=str(path), encoding=codec, field=settings.jsonl_field)


def _plan(doc: Document, finder: StrayFinder, request: TranslateRequest) -> tuple[list[Job], list[Change]]:
    """The jobs to translate in ``doc`` and the changes made without a model (``--drop-chrome``)."""
    from pipeline.text.sentences import sentences
    from pipeline.translation.plan import plan_all, plan_stray, same_script

    if request.scope != "all":
        return plan_stray(doc, finder.find(doc), target=request.target, drop_chrome=request.drop_chrome)
    source = request.source or ""
    # Different scripts (ru→en): the letters tell which sentences are already English, with no detector
    # loaded; the same script (de→en): the audit's detector decides.
    return plan_all(
        doc,
        sentences(doc, source),
        source=source,
        target=request.target,
        findings=finder.find(doc) if same_script(source, request.target) else [],
    )


def _outputs(
    doc: Document,
    rendered: tuple[str, str, str | None, bool],
    path: Path,
    target_path: Path,
    request: TranslateRequest,
) -> tuple[str | None, tuple[Output, ...], str | None]:
    """What to write for the translated document (and the ``--in-place`` backup first), the encoding note
    and the SHA-256 of the output's bytes.

    ``--in-place`` leaves a file with nothing to change alone (nothing to write, SHA-256 None).
    """
    from pipeline.formats import file_bytes
    from pipeline.formats.shards import is_gzip

    text, codec, note, edited = rendered
    if request.in_place and not edited:
        return note, (), None
    compress = is_gzip(path)
    output = Output(target_path, text, codec, compress)
    backup = Output(backup_of(path), doc.text, doc.encoding, compress)
    outputs = (backup, output) if request.in_place else (output,)
    return note, outputs, hashlib.sha256(file_bytes(text, codec, compress=compress)).hexdigest()


def qa_pairs(path: Path, merged: Sequence[Change], places: Sequence[tuple[int, int]]) -> list[Pair]:
    """The spans a model or the memory translated, as QA pairs (ids ``path:line:column``)."""
    from pipeline.translation.qa import Pair

    return [
        Pair(f"{path}:{line}:{column}", c.source_text, c.target_text, c.source_lang, c.target_lang)
        for c, (line, column) in zip(merged, places, strict=True)
        if c.status.value in ("translated", "term-missed") and c.provenance != "phrasebook"
    ]


def write_xliff(run: TranslateRun, xliff: Path, writes: Writes | None = None) -> TranslateRun:
    """Write the run's changes as an XLIFF 2.0 file for review; record its paths' root when it is not the
    XLIFF's own folder (``glossa apply`` then needs ``--root``)."""
    from pipeline.translation.xliff import dump_xliff, xliff_base

    base = xliff_base(xliff, [Path(p) for item in run.files for p in (item.path, item.output) if p])
    (writes or Writes()).write(xliff, dump_xliff(run, base=base), "utf-8")
    if not same_folder(base, xliff.parent):
        return replace(run, xliff_root=str(base))
    return run


def same_folder(a: Path, b: Path) -> bool:
    """Whether two folders are one (resolved real paths)."""
    return os.path.realpath(a) == os.path.realpath(b)
