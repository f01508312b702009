"""``glossa audit`` as one function over plain values: read each file, find what is stray, return an AuditRun.

Files are cut into shards (:mod:`pipeline.formats.shards`: whole files, and JSON Lines files in line-aligned
byte ranges) that an :class:`~pipeline.app.executor.Executor` audits on workers built once
(:func:`build_finder`); each returns a small :class:`ShardResult`, and the results of one file are merged,
in order, into exactly the :class:`FileReport` reading the whole file gives, so the report is byte-identical
for every executor, job count and shard size. With a checkpoint (:mod:`pipeline.app.checkpoint`) each
finished shard's result is kept, and a rerun skips it. Nothing here prints.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.app.executor import shareable, stop
from pipeline.config import DEFAULT_MAX_FILE_SIZE, DEFAULT_SHARD_SIZE, Settings
from pipeline.document import AuditRun, DocFormat, Document, FileReport, Finding, FindingKind
from pipeline.errors import InputError, PipelineError

if TYPE_CHECKING:
    from pipeline.app.checkpoint import Checkpoint
    from pipeline.app.executor import Executor
    from pipeline.detection import StrayFinder
    from pipeline.formats.shards import Shard
    from pipeline.glossary.model import Glossary

__all__ = [
    "AuditInterrupted",
    "AuditProgress",
    "AuditRequest",
    "ShardResult",
    "audit_paths",
    "audit_shard",
    "build_finder",
    "fold_chrome",
    "read_report",
]


@dataclass(frozen=True, slots=True)
class AuditRequest:
    """What to audit and how: the picklable part of :class:`Settings` that workers need."""

    expected_language: str
    min_chars: int
    min_confidence: float
    glossaries: tuple[Path, ...]
    jsonl_field: str
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    shard_size: int = DEFAULT_SHARD_SIZE

    @classmethod
    def of(cls, settings: Settings, expected_language: str | None = None) -> AuditRequest:
        """The request ``settings`` make, expecting ``expected_language`` (default: the settings' own)."""
        return cls(
            expected_language=settings.expected_language if expected_language is None else expected_language,
            min_chars=settings.min_chars,
            min_confidence=settings.min_confidence,
            glossaries=settings.glossaries,
            jsonl_field=settings.jsonl_field,
            max_file_size=settings.max_file_size,
            shard_size=settings.shard_size,
        )

    def fingerprint(self) -> dict[str, Any]:
        """What decides the findings, as JSON values (glossaries by content): a checkpoint's identity."""
        from pipeline.app.checkpoint import file_digest

        return {
            "expected_language": self.expected_language,
            "min_chars": self.min_chars,
            "min_confidence": self.min_confidence,
            "glossaries": [[str(p), file_digest(p)] for p in self.glossaries],
            "jsonl_field": self.jsonl_field,
            "max_file_size": self.max_file_size,
        }


def interface_strings(glossary: Glossary) -> Glossary:
    """The glossary's site-interface concepts only (``category = "ui-chrome"``): the web phrasebook."""
    return replace(glossary, concepts=tuple(c for c in glossary.concepts if c.category == "ui-chrome"))


def terminology(glossary: Glossary) -> Glossary:
    """The glossary without its site-interface concepts: the terms enforced inside sentences."""
    return replace(glossary, concepts=tuple(c for c in glossary.concepts if c.category != "ui-chrome"))


def build_finder(request: AuditRequest, glossaries: Sequence[Glossary] | None = None) -> StrayFinder:
    """Load the glossaries (unless the caller has them) and build the stray-text finder once (per process).

    Raises:
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.detection import AuditOptions, ChromeIndex, StrayFinder
    from pipeline.glossary.io import load_glossary
    from pipeline.glossary.match import chrome_phrases, known_terms

    if glossaries is None:
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


def fold_chrome(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per span: drop the ``ui-chrome`` twin of a ``foreign-text`` finding over the same span.

    Foreign-language interface text is reported by detection as both (translate it; it is chrome). A report
    shows it once, as the ``foreign-text`` warning that carries ``details["ui-chrome"]`` (the English of
    the interface string). Translation reads detection directly and still sees both.

    >>> from pipeline.document import FindingKind as K, Severity as S
    >>> a = Finding(K.FOREIGN_TEXT, S.WARNING, 0, 4, 1, 1, "Вход", "m", details=(("ui-chrome", "Log in"),))
    >>> b = Finding(K.UI_CHROME, S.INFO, 0, 4, 1, 1, "Вход", "m")
    >>> [f.kind.value for f in fold_chrome([a, b])]
    ['foreign-text']
    """
    items = list(findings)
    foreign = {
        (f.record, f.start, f.end)
        for f in items
        if f.kind is FindingKind.FOREIGN_TEXT and any(key == "ui-chrome" for key, _ in f.details)
    }
    return [
        f for f in items if not (f.kind is FindingKind.UI_CHROME and (f.record, f.start, f.end) in foreign)
    ]


def read_report(
    path: Path, field: str, max_bytes: int, find: Callable[[Document], Iterable[Finding]]
) -> FileReport:
    """Read one file as ``glossa audit`` does and report what ``find`` finds in it.

    A file that cannot be read carries its error (the message, without the path) and no findings; a JSON
    Lines file with broken records carries them as ``line N: message`` and the findings of the rest.
    Findings are one per span (:func:`fold_chrome`) and carry their :class:`~pipeline.document.Region`.
    ``glossa glossary check`` reads through here too.
    """
    from pipeline.formats import read_path

    try:
        doc = read_path(path, field=field, max_bytes=max_bytes)
    except InputError as exc:
        return FileReport(path=str(path), format=None, encoding=None, error=exc.message)
    return _report(str(path), doc, find)


def _report(source: str, doc: Document, find: Callable[[Document], Iterable[Finding]]) -> FileReport:
    from pipeline.formats.regions import place

    error = "; ".join(f"line {line}: {message}" for line, message in doc.errors) or None
    return FileReport(
        path=source,
        format=doc.format,
        encoding=doc.encoding,
        error=error,
        findings=tuple(place(doc, fold_chrome(find(doc)))),
    )


@dataclass(frozen=True, slots=True)
class ShardResult:
    """What a worker found in one shard (small: findings and counts, never the text).

    Attributes:
        file: the file's index in the run.
        index: the shard's index in its file.
        findings: the shard's findings, placed, one per span, lines counted in the whole file (a JSON Lines
            range's are not yet harmonised across the file: the merge does that).
        errors: ``(line, message)`` of the broken records (JSON Lines ranges).
        records: records (JSON Lines) or documents (whole files) read.
        size: bytes read.
        whole: the shard was a whole file; ``format``, ``encoding`` and ``error`` are then its report's.
        format: the whole file's format (None: it could not be read).
        encoding: the whole file's encoding.
        error: a whole file's error; for a range, why it could not be audited (``lines A-B: ...``).
        failed: the range could not be audited (``error`` says why); it is not kept in a checkpoint.
        undecodable: the range is not strict UTF-8: the file is read again whole.
        nul: the range holds a NUL byte.
        controls: control bytes in the range (with ``nul``: the whole file's binary check).
    """

    file: int
    index: int
    findings: tuple[Finding, ...] = ()
    errors: tuple[tuple[int, str], ...] = ()
    records: int = 0
    size: int = 0
    whole: bool = False
    format: DocFormat | None = None
    encoding: str | None = None
    error: str | None = None
    failed: bool = False
    undecodable: bool = False
    nul: bool = False
    controls: int = 0

    def to_json(self) -> dict[str, Any]:
        """The result as JSON values (for a checkpoint)."""
        from pipeline.app.checkpoint import finding_to_json

        return {
            "file": self.file,
            "index": self.index,
            "findings": [finding_to_json(f) for f in self.findings],
            "errors": [list(e) for e in self.errors],
            "records": self.records,
            "size": self.size,
            "whole": self.whole,
            "format": None if self.format is None else self.format.value,
            "encoding": self.encoding,
            "error": self.error,
            "undecodable": self.undecodable,
            "nul": self.nul,
            "controls": self.controls,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> ShardResult:
        """The result :meth:`to_json` wrote."""
        from pipeline.app.checkpoint import finding_from_json

        return cls(
            file=obj["file"],
            index=obj["index"],
            findings=tuple(finding_from_json(f) for f in obj["findings"]),
            errors=tuple((int(line), str(message)) for line, message in obj["errors"]),
            records=obj["records"],
            size=obj["size"],
            whole=obj["whole"],
            format=None if obj["format"] is None else DocFormat(obj["format"]),
            encoding=obj["encoding"],
            error=obj["error"],
            undecodable=obj["undecodable"],
            nul=obj["nul"],
            controls=obj["controls"],
        )


@dataclass(frozen=True, slots=True)
class AuditProgress:
    """How far a run is, reported after each shard.

    Attributes:
        shards_done: shards finished (audited, or taken from the checkpoint).
        shards_total: shards planned so far plus an estimate of those to come.
        files_done: files whose every shard finished.
        files_total: files in the run.
        records: records (JSON Lines) and documents read so far.
        size: bytes read so far.
        fraction: of the input's bytes on disk, the part finished (0 to 1).
        elapsed: seconds since the run started.
        resumed: shards taken from the checkpoint.
    """

    shards_done: int
    shards_total: int
    files_done: int
    files_total: int
    records: int
    size: int
    fraction: float
    elapsed: float
    resumed: int = 0

    @property
    def records_per_second(self) -> float:
        """Records (and documents) a second so far."""
        return self.records / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def mb_per_second(self) -> float:
        """Megabytes (10^6 bytes) read a second so far."""
        return self.size / 1e6 / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds still to go at the rate so far (None: not known yet)."""
        if self.fraction <= 0 or self.elapsed <= 0:
            return None
        return max(0.0, self.elapsed * (1 - self.fraction) / self.fraction)


#: Called with the run's progress after each shard.
AuditProgressCallback = Callable[[AuditProgress], None]


@dataclass(frozen=True, slots=True)
class _Worker:
    finder: StrayFinder
    field: str


#: A line that makes the finder load every table it reads (the word lists of each language, the n-gram
#: profiles): built before the workers fork, they are loaded once for all of them.
_WARM_UP = "The crew said der Hund läuft schnell, très bien, multo bene.\n"


@dataclass(frozen=True, slots=True)
class _WorkerConfig:
    """What a worker is built from: the request and its glossaries, parsed once by the driver (they travel
    to a Ray actor with the config, so no node needs the glossary files)."""

    request: AuditRequest
    glossaries: tuple[Glossary, ...]


@shareable
def _setup(config: _WorkerConfig) -> _Worker:
    from pipeline.formats import read_string

    finder = build_finder(config.request, config.glossaries)
    finder.find(read_string(_WARM_UP, DocFormat.TEXT, source="warm-up"))
    return _Worker(finder, config.request.jsonl_field)


def audit_shard(state: _Worker, shard: Shard) -> ShardResult:
    """Audit one shard on a worker: never raises; a failure is a result naming the shard's lines."""
    try:
        if shard.whole:
            return _whole(state, shard)
        return _range(state, shard)
    except Exception as exc:  # noqa: BLE001 - any bug on one shard must not stop the others
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        return ShardResult(
            shard.file,
            shard.index,
            size=len(shard.data),
            failed=True,
            error=f"lines {shard.first_line}-{shard.last_line}: could not be audited ({reason}); "
            "the other records were; please report this",
        )


def _whole(state: _Worker, shard: Shard) -> ShardResult:
    """A whole file, decoded and read as :func:`~pipeline.formats.read_path` reads it."""
    from pipeline.formats import decode, format_for, read_string

    source = shard.path
    try:
        text, codec = decode(shard.data, source=source)
    except InputError as exc:
        return ShardResult(shard.file, shard.index, size=len(shard.data), whole=True, error=exc.message)
    chosen = format_for(Path(source)) or DocFormat.TEXT
    doc = read_string(text, chosen, source=source, encoding=codec, field=state.field)
    report = _report(source, doc, state.finder.find)
    return ShardResult(
        shard.file,
        shard.index,
        findings=report.findings,
        records=len(doc.units) if chosen is DocFormat.JSONL else 1,
        size=len(shard.data),
        whole=True,
        format=report.format,
        encoding=report.encoding,
        error=report.error,
    )


def _range(state: _Worker, shard: Shard) -> ShardResult:
    """A line-aligned range of a UTF-8 JSON Lines file: its findings with lines counted in the file."""
    from pipeline.formats.jsonl import read_jsonl
    from pipeline.formats.regions import place
    from pipeline.formats.shards import scan

    nul, controls = scan(shard.data)
    base = ShardResult(
        shard.file, shard.index, size=len(shard.data), encoding=shard.encoding, nul=nul, controls=controls
    )
    try:
        text = shard.data.decode(shard.codec or "utf-8")
    except UnicodeDecodeError:
        return replace(base, undecodable=True)
    doc = read_jsonl(text, source=shard.path, encoding=shard.encoding or "utf-8", field=state.field)
    findings = place(doc, fold_chrome(state.finder.find(doc, harmonise=False)))
    shift = shard.first_line - 1
    return replace(
        base,
        findings=tuple(_shifted(f, shift) for f in findings) if shift else tuple(findings),
        errors=tuple((line + shift, message) for line, message in doc.errors),
        records=len(doc.units),
    )


def _shifted(f: Finding, shift: int) -> Finding:
    region = f.region
    if region is not None:
        region = replace(region, start_line=region.start_line + shift, end_line=region.end_line + shift)
    record = None if f.record is None else f.record + shift
    return replace(f, line=f.line + shift, record=record, region=region)


@dataclass(frozen=True, slots=True)
class _Slot:
    """A planned shard without its bytes, and its result when the driver already has it."""

    file: int
    index: int
    path: str
    start: int
    end: int
    first_line: int
    last_line: int
    disk: int
    local: ShardResult | None = None

    @property
    def key(self) -> str:
        return f"{self.file}-{self.index}"


def _slot(shard: Shard, store: Checkpoint | None) -> _Slot:
    """The shard's slot; its result is local when the shard is an error or finished in the checkpoint."""
    local: ShardResult | None = None
    if shard.error is not None:
        opened = shard.encoding is not None  # a stream damaged part-way, else a file that cannot be opened
        local = ShardResult(
            shard.file, shard.index, whole=not opened, encoding=shard.encoding, error=shard.error, failed=True
        )
    slot = _Slot(
        shard.file,
        shard.index,
        shard.path,
        shard.start,
        shard.end,
        shard.first_line,
        shard.last_line,
        shard.disk,
    )
    if local is None and store is not None:
        stored = store.get(slot.key)
        if stored is not None and (stored.get("start"), stored.get("end")) == (shard.start, shard.end):
            local = ShardResult.from_json(stored)
    return replace(slot, local=local)


def _stopped(exc: BaseException, slot: _Slot, store: Checkpoint | None) -> PipelineError:
    kept = (
        "; the shards that finished are kept in the checkpoint: run the same command again to resume"
        if store is not None
        else "; rerun with --checkpoint DIR to keep finished shards across runs"
    )
    reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
    return PipelineError(
        f"a worker stopped ({reason}) while auditing lines {slot.first_line}-{slot.last_line}{kept}",
        path=slot.path,
    )


class AuditInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM, SIGHUP: :class:`~pipeline.errors.Terminated`) during an audit: no report was
    written; :attr:`message` says what the checkpoint keeps.

    A :class:`KeyboardInterrupt`, so whoever catches those still does.

    Args:
        kept: finished shards in the checkpoint (taken from it or added by this run).
        checkpoint: the checkpoint folder, if the run had one.
    """

    def __init__(self, kept: int, checkpoint: Path | None) -> None:
        super().__init__(kept)
        self.kept = kept
        self.checkpoint = checkpoint

    @property
    def message(self) -> str:
        """``interrupted; ...``: what is on disk, and how to go on."""
        if self.checkpoint is None:
            return (
                "interrupted; no report was written "
                "(with --checkpoint DIR a rerun of the same command skips the shards that finished)"
            )
        count = f"{self.kept} finished shard{'' if self.kept == 1 else 's'}"
        return f"interrupted; {count} kept in {self.checkpoint}: run the same command again to resume"


def _in_order(
    results: Iterator[ShardResult], order: deque[_Slot], store: Checkpoint | None
) -> Iterator[tuple[_Slot, ShardResult, bool]]:
    """Every slot with its result, in plan order: local results between the executor's; ``(.., resumed)``."""
    while True:
        try:
            result = next(results)
        except StopIteration:
            break
        except PipelineError:
            raise
        except Exception as exc:  # noqa: BLE001 - a worker process died; name its shard
            waiting = next((slot for slot in order if slot.local is None), order[0])
            raise _stopped(exc, waiting, store) from exc
        while order[0].local is not None:
            slot = order.popleft()
            assert slot.local is not None
            yield slot, slot.local, not slot.local.failed
        slot = order.popleft()
        if store is not None and not result.failed:
            store.put(slot.key, {**result.to_json(), "start": slot.start, "end": slot.end})
        yield slot, result, False
    while order:
        slot = order.popleft()
        assert slot.local is not None
        yield slot, slot.local, not slot.local.failed


def _merge_all(
    results: Iterator[ShardResult], order: deque[_Slot], store: Checkpoint | None, merge: _Merge
) -> None:
    """Merge every shard's result in plan order into ``merge``'s reports.

    Raises:
        AuditInterrupted: Ctrl-C, SIGTERM or SIGHUP; the workers are stopped at once either way.
    """
    try:
        for slot, result, resumed in _in_order(results, order, store):
            merge.add(slot, result, resumed)
    except KeyboardInterrupt as exc:
        raise AuditInterrupted(
            store.finished() if store is not None else 0, store.folder if store is not None else None
        ) from exc
    finally:
        stop(results)
    merge.close()


@dataclass(slots=True)
class _Merge:
    """The driver's side: one file's results merged into its report, progress counted."""

    files: Sequence[Path]
    request: AuditRequest
    progress: AuditProgressCallback | None
    before: list[int]  # bytes on disk of the files before each file, then of all
    started: float = field(default_factory=time.monotonic)
    reports: list[FileReport] = field(default_factory=list)
    current: list[ShardResult] = field(default_factory=list)
    planned: int = 0
    planned_disk: int = 0
    done: int = 0
    resumed: int = 0
    records: int = 0
    size: int = 0
    _finder: StrayFinder | None = None

    def plan(self, shard: Shard) -> None:
        self.planned += 1
        self.planned_disk = self.before[shard.file] + shard.disk

    def add(self, slot: _Slot, result: ShardResult, resumed: bool) -> None:
        if self.current and self.current[0].file != result.file:
            self.close()
        self.current.append(result)
        self.done += 1
        self.resumed += resumed
        self.records += result.records
        self.size += result.size
        if self.progress is not None:
            total_disk = self.before[-1] or 1
            ahead = max(0, total_disk - self.planned_disk) // max(1, self.request.shard_size)
            finished = self.before[slot.file] + slot.disk
            self.progress(
                AuditProgress(
                    self.done, max(self.planned + ahead, self.done), len(self.reports), len(self.files),
                    self.records, self.size, min(1.0, finished / total_disk),
                    time.monotonic() - self.started, self.resumed,
                )
            )  # fmt: skip

    def close(self) -> None:
        if self.current:
            path = self.files[self.current[0].file]
            self.reports.append(self._report(path, self.current))
            self.current = []

    def _report(self, path: Path, results: list[ShardResult]) -> FileReport:
        """The file's report from its shards' results: exactly what reading it whole gives."""
        from pipeline.detection.stray import harmonise_cyrillic
        from pipeline.formats.encoding import looks_binary

        first = results[0]
        if first.whole:
            return FileReport(str(path), first.format, first.encoding, first.error, first.findings)
        size = sum(r.size for r in results)
        binary = looks_binary(any(r.nul for r in results), sum(r.controls for r in results), size)
        if any(r.undecodable for r in results) or (first.encoding == "utf-8" and binary):
            if self._finder is None:  # not UTF-8 after all: detect its encoding from the whole file
                self._finder = build_finder(self.request)
            request = self.request
            return read_report(path, request.jsonl_field, request.max_file_size, self._finder.find)
        problems: list[str] = []
        for r in results:
            if r.error is not None:
                problems.append(r.error)
            problems += [f"line {line}: {message}" for line, message in r.errors]
        findings = [f for r in results for f in r.findings]
        return FileReport(
            str(path),
            DocFormat.JSONL,
            first.encoding,
            "; ".join(problems) or None,
            tuple(harmonise_cyrillic(findings, self.request.expected_language)),
        )


def _sizes_before(files: Sequence[Path]) -> list[int]:
    """Running totals of the files' sizes on disk: ``[0, size0, size0 + size1, ...]``."""
    totals = [0]
    for path in files:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0
        totals.append(totals[-1] + size)
    return totals


def audit_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    progress: AuditProgressCallback | None = None,
    output: Path | None = None,
    executor: Executor | None = None,
    checkpoint: Path | None = None,
) -> AuditRun:
    """Audit files and folders for stray non-English (or non-``expected_language``) text.

    Args:
        paths: files and folders; folders are searched recursively (see :func:`pipeline.formats.discover`).
        settings: the resolved settings (expected language, thresholds, glossaries, globs, jobs, shard size).
        progress: called after each shard.
        output: the report file the caller will write (``-o``); checked against the inputs first.
        executor: runs the shards (default: :class:`~pipeline.app.executor.LocalExecutor` with ``jobs``).
        checkpoint: a folder keeping each finished shard's result; a rerun skips them
            (:mod:`pipeline.app.checkpoint`).

    Returns:
        One :class:`FileReport` per file, in sorted discovery order, the same whatever the executor, job
        count, shard size or checkpoint.

    Raises:
        InputError: a named path does not exist.
        GlossaryError: a glossary in force is invalid.
        ConfigError: ``output`` is one of the inputs (see :mod:`pipeline.formats.targets`), or the checkpoint
            folder belongs to another run.
        PipelineError: a worker process died (the message names the shard's lines).
    """
    from pipeline.app.checkpoint import Checkpoint
    from pipeline.app.executor import LocalExecutor
    from pipeline.formats import discover
    from pipeline.formats.shards import plan_file
    from pipeline.formats.targets import Planned, check_outputs
    from pipeline.glossary.io import load_glossary

    files = discover(paths, include=settings.include, exclude=settings.exclude)
    if output is not None:
        check_outputs([*files, *settings.glossaries], [Planned(output, "-o")])
    request = AuditRequest.of(settings)
    # parsed once, here: a bad glossary fails with its message before any worker starts
    config = _WorkerConfig(request, tuple(load_glossary(path) for path in request.glossaries))
    if executor is None:
        executor = LocalExecutor(min(settings.jobs, os.cpu_count() or 1))
    store = None
    if checkpoint is not None:
        store = Checkpoint.open(
            checkpoint,
            command="audit",
            settings=request.fingerprint(),
            inputs=files,
            shard_size=request.shard_size,
        )
    merge = _Merge(files, request, progress, _sizes_before(files))
    order: deque[_Slot] = deque()

    def pending() -> Iterator[Shard]:
        for index, path in enumerate(files):
            for shard in plan_file(
                path, index, shard_size=request.shard_size, max_bytes=request.max_file_size
            ):
                merge.plan(shard)
                slot = _slot(shard, store)
                order.append(slot)
                if slot.local is None:
                    yield shard

    _merge_all(iter(executor.map(_setup, config, audit_shard, pending())), order, store, merge)
    return AuditRun(expected_language=settings.expected_language, files=tuple(merge.reports))
