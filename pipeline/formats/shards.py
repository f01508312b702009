"""Cut input files into shards: whole files, and JSON Lines streams cut into line-aligned byte ranges.

A :class:`Shard` carries its bytes, so a worker needs no access to the file (a Ray worker on another machine
reads nothing from disk). :func:`plan_file` yields a file's shards lazily, reading the next one only when
the consumer asks for it, so the bytes in memory at once are those of the shards in flight. ``.jsonl.gz``
and ``.ndjson.gz`` files are decompressed as a stream and cut the same way; their byte ranges count in the
decompressed stream.

Decoding a shard must give what decoding the whole file gives (:func:`pipeline.formats.encoding.decode`).
Cut points follow ``\\n`` bytes, which never occur inside a multi-byte UTF-8 sequence, so a file is strict
UTF-8 exactly when each of its shards is, and its NUL and control bytes add up across shards: a worker
reports them (:func:`scan`) and the caller decides for the whole file. A file starting with a UTF-16 or
UTF-32 byte-order mark is one whole shard (its line ends are not ``\\n`` bytes); a file that is not UTF-8
after all (a legacy code page, a binary file) is read again whole by the caller. Pure but for
:func:`plan_file`, which reads the file.
"""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pipeline.document import DocFormat
from pipeline.errors import InputError

__all__ = ["GZIP_SUFFIXES", "Shard", "is_gzip", "plan_file", "scan"]

#: Compressed JSON Lines suffixes (lower case), read as a stream.
GZIP_SUFFIXES = (".jsonl.gz", ".ndjson.gz")

_OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


@dataclass(frozen=True, slots=True)
class Shard:
    """One piece of work: a whole file, or a line-aligned byte range of a JSON Lines file.

    Attributes:
        file: the file's index in the run's input order.
        index: the shard's index within its file (0-based).
        path: the file as the user named it.
        start: first byte of the range (in the decompressed stream for ``.gz``).
        end: the byte after the range.
        first_line: 1-based line number of the range's first line.
        lines: how many lines (``\\n`` bytes) the range holds, a last unterminated line counting one.
        codec: how to decode the bytes: ``utf-8``, or ``utf-8-sig`` for the first shard of a file with a
            UTF-8 byte-order mark; None for a whole file (decoded as :func:`~pipeline.formats.read_path`
            does, the encoding detected).
        encoding: the file's encoding when it is UTF-8 (``utf-8`` or ``utf-8-sig``), None for a whole file.
        whole: the shard is the whole file (any format).
        error: the file (or, from ``first_line`` on, its stream) could not be read: the reason.
        disk: bytes of the file on disk read once this shard was cut (progress).
        data: the bytes.
    """

    file: int
    index: int
    path: str
    start: int
    end: int
    first_line: int = 1
    lines: int = 0
    codec: str | None = None
    encoding: str | None = None
    whole: bool = False
    error: str | None = None
    disk: int = 0
    data: bytes = field(default=b"", repr=False)

    @property
    def last_line(self) -> int:
        """The range's last line (``first_line`` for an empty range)."""
        return self.first_line + max(self.lines, 1) - 1


def is_gzip(path: Path) -> bool:
    """Whether ``path`` names a compressed JSON Lines file (``.jsonl.gz``, ``.ndjson.gz``).

    >>> is_gzip(Path("a.JSONL.gz")), is_gzip(Path("a.gz")), is_gzip(Path("a.jsonl"))
    (True, False, False)
    """
    return path.name.lower().endswith(GZIP_SUFFIXES)


def scan(data: bytes) -> tuple[bool, int]:
    """``(has a NUL byte, number of control bytes)`` of a shard: what the binary check adds up.

    >>> scan(b"a\\x00\\x01\\n")
    (True, 2)
    """
    return b"\x00" in data, len(data) - len(data.translate(None, _CONTROL_BYTES))


def _stream(path: Path, max_bytes: int) -> tuple[BinaryIO, BinaryIO]:
    """Open a file for streaming after :func:`~pipeline.formats.read_bytes_capped`'s checks: ``(raw,
    stream)``, the stream decompressing a ``.gz`` file (close both)."""
    from pipeline.formats import open_checked

    handle, _ = open_checked(path, max_bytes=max_bytes)
    if is_gzip(path):
        return handle, _Gunzip(handle)  # type: ignore[return-value]
    return handle, handle


class _Gunzip:
    """A gzip stream's content, read on demand: every byte before a damaged or cut-off part is returned
    before the error is raised (:class:`gzip.GzipFile` behind a buffer can lose the last good block).
    Concatenated members are read one after the other, as ``gunzip`` does."""

    _BLOCK = 1 << 16

    def __init__(self, raw: BinaryIO) -> None:
        self.fileobj = raw
        self._inflate = zlib.decompressobj(wbits=31)
        self._ready = bytearray()
        self._done = False

    def _fill(self, size: int) -> None:
        while len(self._ready) < size and not self._done:
            data = self._inflate.unconsumed_tail or self.fileobj.read(self._BLOCK)
            if not data:
                if self._inflate.eof or not self._started:
                    self._done = True
                    return
                raise EOFError("the compressed stream ends before its end marker: the file is cut off")
            self._started = True
            self._ready += self._inflate.decompress(data, self._BLOCK)
            if self._inflate.eof and self._inflate.unused_data:
                rest = self._inflate.unused_data
                self._inflate = zlib.decompressobj(wbits=31)
                self._ready += self._inflate.decompress(rest, self._BLOCK)

    _started = False

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative); ``b""`` at the end."""
        try:
            self._fill(size if size >= 0 else 1 << 62)
        except EOFError:
            if self._ready:
                return self._take(size)
            raise
        except zlib.error:
            if self._ready:
                return self._take(size)
            raise
        return self._take(size)

    def _take(self, size: int) -> bytes:
        size = len(self._ready) if size < 0 else size
        out = bytes(self._ready[:size])
        del self._ready[:size]
        return out

    def close(self) -> None:
        """Nothing to release (the raw file is closed by its owner)."""

    def __enter__(self) -> _Gunzip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _disk(handle: BinaryIO) -> int:
    raw = getattr(handle, "fileobj", None)
    return int((raw or handle).tell())


def plan_file(
    path: Path, file: int, *, shard_size: int, max_bytes: int, stream: bool = True
) -> Iterator[Shard]:
    """Yield the shards of one file, reading each one's bytes when it is asked for.

    Args:
        path: the file.
        file: its index in the run.
        shard_size: JSON Lines: bytes a shard holds at most (a longer line makes a shard of its own).
        max_bytes: the ``max_file_size`` setting (for ``.gz``: the compressed size).
        stream: cut JSON Lines files (False: every file is one whole shard).

    Yields:
        At least one shard; a file that cannot be opened yields one shard with ``error`` set, a ``.gz`` file
        damaged part-way yields the shards read up to there and then one with ``error`` (from the first line
        that was not read whole).
    """
    from pipeline.formats import format_for, read_bytes_capped

    source = str(path)
    if not stream or format_for(path) is not DocFormat.JSONL:
        try:
            data = read_bytes_capped(path, max_bytes=max_bytes)
        except InputError as exc:
            yield Shard(file, 0, source, 0, 0, error=exc.message)
            return
        yield Shard(file, 0, source, 0, len(data), whole=True, disk=len(data), data=data)
        return
    try:
        raw, handle = _stream(path, max_bytes)
    except InputError as exc:
        yield Shard(file, 0, source, 0, 0, error=exc.message)
        return
    with raw, handle:
        yield from _cut(handle, file, source, max(1, shard_size))


def _whole(handle: BinaryIO, file: int, source: str, head: bytes) -> Shard:
    data = head + handle.read()
    return Shard(file, 0, source, 0, len(data), whole=True, disk=_disk(handle), data=data)


def _read(handle: BinaryIO, size: int) -> tuple[bytes, str | None]:
    """``(bytes, None)``, or ``(b"", reason)`` when the stream is damaged here."""
    try:
        return handle.read(size), None
    except (OSError, EOFError, zlib.error) as exc:
        return b"", str(exc) or type(exc).__name__


def _damaged(
    handle: BinaryIO, file: int, source: str, index: int, start: int, line: int, encoding: str, reason: str
) -> Shard:
    if hasattr(handle, "fileobj"):  # a _Gunzip stream
        error = (
            f"line {line}: cannot decompress ({reason}); the file is damaged from this line on (the records "
            "before it were audited); re-create the .gz file"
        )
    else:
        error = f"line {line}: cannot read ({reason}); the records before it were audited; check the file"
    return Shard(file, index, source, start, start, line, encoding=encoding, error=error)


def _cut(handle: BinaryIO, file: int, source: str, shard_size: int) -> Iterator[Shard]:
    """The line-aligned shards of an open stream (see :func:`plan_file`)."""
    index = start = 0
    line = 1
    encoding = "utf-8"
    head, failure = _read(handle, 4)
    if head.startswith(_OTHER_BOMS):
        yield _whole(handle, file, source, head)
        return
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    pending, held = [head], len(head)
    while True:
        chunk = b""
        if failure is None:
            chunk, failure = _read(handle, shard_size - held if held < shard_size else shard_size)
        if chunk:
            pending.append(chunk)
            held += len(chunk)
            if held < shard_size or b"\n" not in chunk:
                continue
        data = b"".join(pending)
        cut = data.rfind(b"\n") + 1 if chunk or failure else len(data)
        if cut == 0 and chunk:
            pending = [data]
            continue
        piece, rest = data[:cut], data[cut:]
        if piece or (index == 0 and failure is None):
            lines = piece.count(b"\n") + (0 if piece.endswith(b"\n") or not piece else 1)
            codec = "utf-8-sig" if index == 0 and encoding == "utf-8-sig" else "utf-8"
            yield Shard(
                file, index, source, start, start + len(piece), line, lines, codec, encoding,
                disk=_disk(handle), data=piece,
            )  # fmt: skip
            index, start, line = index + 1, start + len(piece), line + lines
        pending, held = [rest], len(rest)
        if failure is not None:
            yield _damaged(handle, file, source, index, start, line, encoding, failure)
            return
        if not chunk:
            return
