"""``glossa translate`` of a large JSON Lines file in shards: translated on every worker, written as a stream.

A JSON Lines file (also ``.jsonl.gz``) longer than one shard (the ``shard_size`` setting, 1 MB by default) is
cut into line-aligned byte ranges (:func:`pipeline.formats.shards.plan_file`, the audit's shards). Each range
is a work item: a worker decodes it, reads its records, plans, translates and checks them
(:func:`translate_range`) and gives back the range's output text with its report, lines and records
already counted in the file. The driver (:func:`write_streamed`) writes the ranges' outputs in order into
one temporary file beside the output (gzip-compressed for a ``.gz`` input), so neither it nor a worker ever
holds the whole file; it moves the file into place once the last range is in. Each range's memory entries
are written as soon as its output is, so a killed run keeps them (and so does a file found at its end to be
binary: what its good ranges taught are real sentences the model translated). A damaged ``.gz`` file is
found before its ranges are cut (:func:`pipeline.app.translate._intact`) and refused whole.

**What reading the file whole gives.** The file's report is the whole file's: change units, lines and
records are counted from the file's start, errors are joined in line order, the per-sentence QA checks run
on the workers and the file-wide consistency checks on the driver, over every range's pairs; the output's
bytes (and its SHA-256) are those of the whole file's translation; the glossary's forbidden variants are
each record's own either way (:func:`pipeline.translation.layers.translate_jobs`). A file that is not UTF-8
after all (a legacy code page, a NUL byte, many control bytes) is translated whole, on the driver, as any
other file is (the ranges done so far are dropped), so its output and error are the same too.
Two things are per range rather than per file: ambiguous Cyrillic fragments take the majority language of
their range (:func:`pipeline.detection.stray.harmonise_cyrillic`; records are separate documents anyway),
and a sentence that recurs in two ranges is sent to the model in each (as across files). Ranges do not
depend on the job count, so the output is the same for every ``--jobs`` and executor.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from pipeline.app.checkpoint import file_digest
from pipeline.app.translate import FileResult, FileWork, Worker, Writes, qa_pairs, translate_doc
from pipeline.document import FileTranslation
from pipeline.formats import encode, write_with
from pipeline.formats.encoding import looks_binary
from pipeline.formats.shards import is_gzip, plan_file, scan
from pipeline.formats.targets import backup_of
from pipeline.translation.qa import check_consistency, check_pairs

if TYPE_CHECKING:
    from pipeline.formats.shards import Shard

__all__ = ["Part", "Redo", "shards_of", "translate_range", "write_streamed"]

# The header :func:`gzip.compress` writes at level 6 with no timestamp (:func:`pipeline.formats.file_bytes`):
# it does not depend on the data.
_GZIP_HEADER = gzip.compress(b"", compresslevel=6, mtime=0)[:10]


@dataclass(frozen=True, slots=True)
class Part:
    """A range's output and what the driver needs to merge it into the file's report.

    Attributes:
        last: the file's last range.
        units: the range's document units (the next range's units count on from here).
        size: the range's bytes.
        nul: the range holds a NUL byte.
        controls: control bytes in the range (the binary check adds them up for the file).
        redo: the file must be translated whole (not UTF-8 here, or its stream is damaged here).
        text: the range's translation.
        codec: how to encode ``text`` (``utf-8-sig`` for the first range of a file with a byte-order mark).
        edited: the range changes.
        error: the range could not be translated (a bug on the worker): nothing is written for the file.
    """

    last: bool
    units: int = 0
    size: int = 0
    nul: bool = False
    controls: int = 0
    redo: bool = False
    text: str = ""
    codec: str = "utf-8"
    edited: bool = False
    error: str | None = None


class Redo(Exception):
    """A file must be translated whole after all (raised inside the streamed write, which then removes its
    temporary file)."""


def shards_of(
    path: Path, file: int, *, shard_size: int, max_bytes: int
) -> Generator[tuple[Shard, bool], None, None]:
    """The file's shards, each with whether it is the last (one shard is read ahead to know)."""
    shards = plan_file(path, file, shard_size=shard_size, max_bytes=max_bytes)
    held = next(shards)
    for shard in shards:
        yield held, False
        held = shard
    yield held, True


def translate_range(worker: Worker, item: FileWork) -> FileResult:
    """Translate one line-aligned range of a UTF-8 JSON Lines file on a worker (see the module docstring).

    Raises:
        PipelineError: the worker's stages could not be built; the backend failed.
    """
    from pipeline.formats.jsonl import read_jsonl

    shard, stages, config = item.shard, worker.stages, worker.config
    assert shard is not None
    assert stages is not None
    nul, controls = scan(shard.data)
    base = Part(item.last, size=len(shard.data), nul=nul, controls=controls)
    codec = shard.codec or "utf-8"
    redo = replace(base, redo=True)
    if shard.error is not None:  # a .gz stream damaged here: read whole, it gives the whole file's error
        return FileResult(FileTranslation(str(item.path), str(item.target_path), None), part=redo)
    try:
        text = shard.data.decode(codec)
    except UnicodeDecodeError:  # not UTF-8 after all
        return FileResult(FileTranslation(str(item.path), str(item.target_path), None), part=redo)
    doc = read_jsonl(text, source=str(item.path), encoding=codec, field=config.settings.jsonl_field)
    merged, places, learned, output = translate_doc(doc, stages, config.request, config.memory_mark)
    shift = shard.first_line - 1
    places = [(line + shift, column) for line, column in places]
    pairs = qa_pairs(item.path, merged, places)
    translation = FileTranslation(
        path=str(item.path),
        output=str(item.target_path),
        error="; ".join(f"line {line + shift}: {message}" for line, message in doc.errors) or None,
        changes=tuple(merged),
        places=tuple(places),
        records=tuple(None if r is None else r + shift for r in (doc.units[c.unit].record for c in merged)),
        note=output[2],
        qa=tuple(check_pairs(pairs, stages.qa, consistency=False)),
    )
    part = replace(base, units=len(doc.units), text=output[0], codec=output[1], edited=output[3])
    return FileResult(translation, part=part, learned=learned)


class _Sink:
    """The bytes of a file being written, gzip-compressed as a stream when asked, and their SHA-256.

    The stream is what :func:`gzip.compress` makes of the whole text at level 6 with no timestamp (deflate's
    output does not depend on how its input is cut), so a compressed translation is the same in shards.
    """

    def __init__(self, handle: BinaryIO, compress: bool) -> None:
        self._handle = handle
        self._digest = hashlib.sha256()
        self._deflate = zlib.compressobj(6, zlib.DEFLATED, -15) if compress else None
        self._crc = 0
        self._size = 0
        if compress:
            self._put(_GZIP_HEADER)

    def _put(self, data: bytes) -> None:
        self._handle.write(data)
        self._digest.update(data)

    def write(self, data: bytes) -> None:
        if self._deflate is None:
            self._put(data)
            return
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        self._put(self._deflate.compress(data))

    def close(self) -> str:
        """Finish the stream; the SHA-256 of every byte written."""
        if self._deflate is not None:
            self._put(self._deflate.flush() + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF))
        return self._digest.hexdigest()


@dataclass(slots=True)
class _File:
    """The driver's side of one streamed file: what its ranges add up to, as they come."""

    units: int = 0
    size: int = 0
    nul: bool = False
    controls: int = 0
    edited: bool = False
    redo: bool = False
    error: str | None = None  # the first range that failed

    def add(self, result: FileResult, translation: list[FileTranslation]) -> None:
        part = result.part
        assert part is not None
        self.redo = self.redo or part.redo or part.nul  # a NUL byte: binary, or UTF-16 (read whole)
        self.error = self.error or part.error
        if not self.redo and self.error is None:
            shifted = tuple(replace(c, unit=c.unit + self.units) for c in result.translation.changes)
            translation.append(replace(result.translation, changes=shifted))
        self.units += part.units
        self.size += part.size
        self.nul = self.nul or part.nul
        self.controls += part.controls
        self.edited = self.edited or part.edited


class _Unchanged(Exception):
    """Nothing to write (``--in-place`` and nothing changed, or a range failed): the temporary file goes,
    the output stays as it was."""


def write_streamed(
    first: FileResult,
    results: Iterator[FileResult],
    *,
    writes: Writes,
    in_place: bool,
    learn: Callable[[FileResult], None],
) -> FileTranslation:
    """Write a streamed file's ranges (``first``, then the rest taken from ``results``) into its output and
    return the file's report; ``learn`` is called with each range's result once its output is written (it
    stores the range's memory entries and counts progress).

    Raises:
        Redo: the file must be translated whole (every range was taken from ``results``; nothing written).
    """
    path = Path(first.translation.path)
    target = Path(first.translation.output or path)
    state = _File()
    parts: list[FileTranslation] = []
    digest: list[str] = []

    def write(handle: BinaryIO) -> None:
        sink = _Sink(handle, is_gzip(path))
        result = first
        while True:
            state.add(result, parts)
            part = result.part
            assert part is not None
            if not state.redo and state.error is None:
                sink.write(encode(part.text, part.codec))
                learn(result)
            if part.last:
                break
            result = next(results)
        if state.redo or looks_binary(state.nul, state.controls, state.size):
            raise Redo(str(path))  # not UTF-8 text after all: what reading it whole says
        if state.error is not None:
            raise _Unchanged
        digest.append(sink.close())
        if in_place:
            if not state.edited:
                raise _Unchanged
            writes.copy(backup_of(path), path)

    try:
        write_with(target, write, overwrite=True)
    except _Unchanged:
        if state.error is not None:
            return FileTranslation(str(path), None, state.error)
        return _merged(parts, None)
    except KeyboardInterrupt:
        if digest and file_digest(target) == digest[0]:  # Ctrl-C came after the rename: the file is there
            writes.done.append(target)
        raise
    writes.done.append(target)
    return _merged(parts, digest[0])


def _merged(parts: list[FileTranslation], sha256: str | None) -> FileTranslation:
    """One file's report from its ranges' (units already counted in the file)."""
    first = parts[0]
    changes = tuple(c for p in parts for c in p.changes)
    places = tuple(x for p in parts for x in p.places)
    consistency = check_consistency(qa_pairs(Path(first.path), list(changes), list(places)))
    return FileTranslation(
        path=first.path,
        output=first.output,
        error="; ".join(p.error for p in parts if p.error) or None,
        changes=changes,
        places=places,
        records=tuple(r for p in parts for r in p.records),
        note=next((p.note for p in parts if p.note), None),
        qa=(*(f for p in parts for f in p.qa), *consistency),
        output_sha256=sha256,
    )
