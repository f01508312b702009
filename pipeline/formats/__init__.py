"""Document formats: reading and writing the documents Glossa audits and translates.

Readers are pure (``text -> Document``), writers are pure (``Document, edits -> str``); :func:`read_path`
and :func:`write_path` are the disk edge for documents (glossaries, XLIFF, TMX, the translation memory, config
files and model packages are read and written by their own modules). Formats are chosen by suffix:

=====================  ==========
suffix                 format
=====================  ==========
``.txt`` ``.text``     text
``.md`` ``.markdown``  markdown
``.html`` ``.htm``     html
``.xhtml``             html
``.jsonl`` ``.ndjson`` jsonl
``.jsonl.gz``          jsonl (gzip-compressed; also ``.ndjson.gz``)
=====================  ==========

A file with another suffix is read as plain text when named explicitly and skipped when found in a folder.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import BinaryIO

from pipeline.config import DEFAULT_MAX_FILE_SIZE
from pipeline.document import DocFormat, Document
from pipeline.errors import InputError, PipelineError
from pipeline.formats.encoding import decode, encode, fit_encoding
from pipeline.formats.files import create_beside, interrupts_deferred, keep_mode
from pipeline.formats.html import read_html, write_html
from pipeline.formats.jsonl import read_jsonl, write_jsonl
from pipeline.formats.markdown import read_markdown, write_markdown
from pipeline.formats.text import read_text, write_text

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "SUFFIXES",
    "DocFormat",
    "Edit",
    "decode",
    "discover",
    "encode",
    "file_bytes",
    "fit_encoding",
    "format_for",
    "read_html",
    "read_jsonl",
    "read_markdown",
    "open_checked",
    "read_bytes_capped",
    "read_path",
    "read_string",
    "check_output_target",
    "render_document",
    "read_text",
    "write_document",
    "write_html",
    "write_jsonl",
    "write_markdown",
    "write_chunks",
    "write_path",
    "write_with",
    "write_text",
]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``[start, end)`` of one unit's text with ``replacement``.

    Attributes:
        unit: index into :attr:`Document.units`.
        start: start offset (code points) into the unit's text.
        end: end offset (exclusive).
        replacement: the new text (plain text; the HTML writer escapes it).
        verbatim: ``(start, end)`` spans of ``replacement`` written as they are, never escaped (the inline
            codes of a translated sentence: tags and character references put back from the source).
    """

    unit: int
    start: int
    end: int
    replacement: str
    verbatim: tuple[tuple[int, int], ...] = field(default=(), repr=False)


#: Known suffixes (lower case) and their formats.
SUFFIXES: dict[str, DocFormat] = {
    ".txt": DocFormat.TEXT,
    ".text": DocFormat.TEXT,
    ".md": DocFormat.MARKDOWN,
    ".markdown": DocFormat.MARKDOWN,
    ".html": DocFormat.HTML,
    ".htm": DocFormat.HTML,
    ".xhtml": DocFormat.HTML,
    ".jsonl": DocFormat.JSONL,
    ".ndjson": DocFormat.JSONL,
}


def format_for(path: Path, *, explicit: bool = True) -> DocFormat | None:
    """Return the format a file is read as, by its suffix (case-insensitive).

    Args:
        path: the file.
        explicit: whether the user named the file (an unknown suffix is then plain text).

    Returns:
        The format, or None for an unknown suffix found under a folder.

    >>> format_for(Path("a.MD")), format_for(Path("a.csv")), format_for(Path("a.csv"), explicit=False)
    (<DocFormat.MARKDOWN: 'markdown'>, <DocFormat.TEXT: 'text'>, None)
    >>> format_for(Path("a.jsonl.gz"), explicit=False)
    <DocFormat.JSONL: 'jsonl'>
    """
    if path.name.lower().endswith((".jsonl.gz", ".ndjson.gz")):
        return DocFormat.JSONL
    known = SUFFIXES.get(path.suffix.lower())
    if known is None and explicit:
        return DocFormat.TEXT
    return known


def _matches(relative: str, patterns: Iterable[str]) -> bool:
    """Whether a ``/``-separated relative path matches a glob, gitignore-style.

    A pattern with a ``/`` matches the whole relative path; one without matches any of its parts.

    >>> _matches("drafts/a.md", ["drafts"]), _matches("sub/a.md", ["*.md"]), _matches("sub/a.md", ["a/*"])
    (True, True, False)
    """
    parts = relative.split("/")
    for pattern in patterns:
        if "/" in pattern.rstrip("/"):
            if fnmatchcase(relative, pattern):
                return True
        elif any(fnmatchcase(part, pattern.rstrip("/")) for part in parts):
            return True
    return False


def discover(
    paths: Iterable[Path], *, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> list[Path]:
    """Expand the paths a user named into the files to read.

    Files are kept as given (whatever their suffix). Folders are walked recursively, skipping hidden
    folders and files; their files are sorted by relative path and kept when the suffix is known, the
    path matches one of ``include`` (if any) and none of ``exclude``. Globs are case-sensitive and
    gitignore-like: one containing ``/`` matches the path relative to the folder (``*`` also crosses ``/``),
    one without matches any single part of it (``drafts``, ``*.md``). Each file appears once, first
    place wins.

    Args:
        paths: files and folders.
        include: glob patterns a file under a folder must match (empty: every known suffix).
        exclude: glob patterns that skip files under a folder.

    Returns:
        The files, in order.

    Raises:
        InputError: a path does not exist.
    """
    found: list[Path] = []
    seen: set[Path] = set()

    def keep(path: Path) -> None:
        if path not in seen:
            seen.add(path)
            found.append(path)

    for path in paths:
        if path.is_dir():
            under: list[tuple[str, Path]] = []
            for folder, dirnames, filenames in os.walk(path):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for name in filenames:
                    file = Path(folder, name)
                    relative = file.relative_to(path).as_posix()
                    if name.startswith(".") or format_for(file, explicit=False) is None:
                        continue
                    if include and not _matches(relative, include):
                        continue
                    if _matches(relative, exclude):
                        continue
                    under.append((relative, file))
            for _, file in sorted(under):
                keep(file)
        elif path.exists():
            keep(path)
        else:
            raise InputError("no such file or folder; check the path", path=str(path))
    return found


def read_string(
    text: str, format: DocFormat, *, source: str, encoding: str = "utf-8", field: str = "text"
) -> Document:
    """Read already-decoded text in ``format``.

    Args:
        text: the text.
        format: how to read it.
        source: the name used in reports.
        encoding: the codec the text was decoded with (kept for writing back).
        field: JSON Lines only: the key or dotted path holding the text.

    Returns:
        The document.

    >>> read_string("hi", DocFormat.TEXT, source="-").segments[0].end
    2
    """
    if format is DocFormat.MARKDOWN:
        return read_markdown(text, source=source, encoding=encoding)
    if format is DocFormat.HTML:
        return read_html(text, source=source, encoding=encoding)
    if format is DocFormat.JSONL:
        return read_jsonl(text, source=source, encoding=encoding, field=field)
    return read_text(text, source=source, encoding=encoding)


def _kind(mode: int) -> str:
    """A short name for a file type that is not a regular file."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _too_big(max_bytes: int) -> str:
    return (
        f"larger than the {max_bytes}-byte limit on input files; split it, or raise the limit "
        "with $GLOSSA_MAX_FILE_SIZE or max_file_size in the config (e.g. 1GB)"
    )


def open_checked(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> tuple[BinaryIO, int]:
    """Open a regular file of at most ``max_bytes`` bytes for reading; refuse anything else without blocking.

    FIFOs, devices and sockets are refused from their ``stat`` before they are opened (opening a FIFO blocks
    until a writer comes; ``/dev/zero`` never ends); the file is opened with ``O_NONBLOCK`` and checked again
    on the open descriptor.

    Returns:
        The open binary handle (the caller closes it) and the file's size.

    Raises:
        InputError: missing, a folder, not a regular file, larger than ``max_bytes``, or unreadable.
    """
    source = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"is {_kind(info.st_mode)}, not a regular file; skipped", path=source)
        if info.st_size > max_bytes:
            raise InputError(_too_big(max_bytes), path=source)
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        handle = os.fdopen(descriptor, "rb")
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):  # swapped between the stat and the open
            handle.close()
            raise InputError(f"is {_kind(mode)}, not a regular file; skipped", path=source)
    except OSError as exc:
        raise _read_error(exc, source) from exc
    return handle, info.st_size


def _read_error(exc: OSError, source: str) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError("no such file; check the path", path=source)
    if isinstance(exc, IsADirectoryError):
        return InputError("is a folder, not a file; pass the folder to scan it or name a file", path=source)
    if isinstance(exc, PermissionError):
        return InputError("permission denied; make the file readable (chmod u+r)", path=source)
    return InputError(f"cannot read: {exc.strerror or exc}; check the file", path=source)


def read_bytes_capped(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """Read a regular file of at most ``max_bytes`` bytes; refuse anything else without blocking.

    The checks are :func:`open_checked`'s; at most ``max_bytes + 1`` bytes are ever read, so a file that grows
    while it is read is refused too. A ``.jsonl.gz`` or ``.ndjson.gz`` file is decompressed (``max_bytes``
    caps the compressed file; its content is read as a stream by the audit, see
    :mod:`pipeline.formats.shards`).

    Raises:
        InputError: missing, a folder, not a regular file, larger than ``max_bytes``, unreadable, or a
            damaged ``.gz`` file.
    """
    from pipeline.formats.shards import is_gzip

    source = str(path)
    handle, _ = open_checked(path, max_bytes=max_bytes)
    try:
        with handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _read_error(exc, source) from exc
    if len(data) > max_bytes:
        raise InputError(_too_big(max_bytes), path=source)
    if is_gzip(path):
        import gzip
        import zlib

        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            reason = str(exc) or type(exc).__name__
            raise InputError(f"cannot decompress ({reason}); re-create the .gz file", path=source) from exc
    return data


def read_path(
    path: Path,
    *,
    field: str = "text",
    format: DocFormat | None = None,
    max_bytes: int = DEFAULT_MAX_FILE_SIZE,
) -> Document:
    """Read and decode one input file.

    Args:
        path: the file.
        field: JSON Lines only: the key or dotted path holding the text.
        format: how to read it; by suffix when omitted (unknown suffixes are plain text).
        max_bytes: refuse files larger than this (the ``max_file_size`` setting).

    Returns:
        The document; ``source`` is ``str(path)`` and ``encoding`` the detected codec.

    Raises:
        InputError: the file is missing, a folder, not a regular file (FIFO, device, socket), over
            ``max_bytes``, unreadable, binary or in no supported encoding.
    """
    source = str(path)
    data = read_bytes_capped(path, max_bytes=max_bytes)
    text, codec = decode(data, source=source)
    chosen = format or format_for(path) or DocFormat.TEXT
    return read_string(text, chosen, source=source, encoding=codec, field=field)


def write_document(doc: Document, edits: Sequence[Edit] = ()) -> str:
    """Serialise ``doc`` with ``edits`` spliced in, by its format; with no edits this is ``doc.text``.

    Raises:
        ValueError: an edit lies outside its unit or overlaps another (a bug in the caller).
        FormatError: a JSON Lines record changed since it was read.
    """
    if doc.format is DocFormat.MARKDOWN:
        return write_markdown(doc, edits)
    if doc.format is DocFormat.HTML:
        return write_html(doc, edits)
    if doc.format is DocFormat.JSONL:
        return write_jsonl(doc, edits)
    return write_text(doc, edits)


def render_document(doc: Document, edits: Sequence[Edit] = ()) -> tuple[str, str, str | None]:
    """:func:`write_document`, made writable: ``(text, codec, note)`` by :func:`fit_encoding`.

    HTML keeps its encoding with character references for what it cannot carry; other formats fall back
    to UTF-8; the note (None when nothing had to change) says which.
    """
    return fit_encoding(write_document(doc, edits), doc.encoding, markup=doc.format is DocFormat.HTML)


def check_output_target(path: Path) -> None:
    """Refuse an output path that names a folder or anything but a regular file (a device, a FIFO).

    Replacing ``/dev/null`` or a FIFO with a regular file would break the system or a user's pipeline; writing
    into a folder is never what was meant. A missing path, or a symlink to a regular file, is fine.

    Raises:
        PipelineError: the path is a folder, a device, a FIFO or a socket, or lies under a regular file.
    """
    target = str(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise PipelineError(
            "a part of this path is a regular file, not a folder; choose another output", path=target
        ) from None
    except OSError as exc:
        raise PipelineError(f"cannot write: {exc.strerror or exc}", path=target) from None
    if stat.S_ISDIR(mode):
        raise PipelineError("is a folder; name an output file", path=target)
    if not stat.S_ISREG(mode):
        raise PipelineError(f"is {_kind(mode)}, not a regular file; name a regular output file", path=target)


def file_bytes(text: str, codec: str, *, compress: bool = False) -> bytes:
    """The bytes :func:`write_path` writes for ``text``: encoded in ``codec``, and gzip-compressed with
    ``compress`` (no timestamp or name in the header, so the same text gives the same bytes on every run).

    >>> import gzip
    >>> gzip.decompress(file_bytes("é", "utf-8", compress=True)) == "é".encode()
    True
    >>> file_bytes("x", "utf-8", compress=True) == file_bytes("x", "utf-8", compress=True)
    True
    """
    data = encode(text, codec)
    if not compress:
        return data
    import gzip

    return gzip.compress(data, compresslevel=6, mtime=0)


def write_path(
    path: Path, text: str, codec: str, *, overwrite: bool = False, compress: bool | None = None
) -> None:
    """Write ``text`` atomically: a temporary file in the same folder, fsync, then ``os.replace``.

    Args:
        path: the output file.
        text: what to write.
        codec: the encoding (use the input's, from ``Document.encoding``, to keep it and its BOM).
        overwrite: replace an existing file (never done otherwise).
        compress: gzip the bytes (:func:`file_bytes`); by default when ``path`` is a ``.jsonl.gz`` or
            ``.ndjson.gz`` file, so a compressed input's translation is compressed too.

    Raises:
        PipelineError: the file exists and ``overwrite`` is false, the folder is missing or unwritable, or the
            text cannot be encoded in ``codec``.
    """
    from pipeline.formats.shards import is_gzip

    data = file_bytes(text, codec, compress=is_gzip(path) if compress is None else compress)
    write_with(path, lambda handle: handle.write(data), overwrite=overwrite)


def write_chunks(path: Path, chunks: Iterable[str], *, overwrite: bool = False) -> None:
    """Write the concatenation of ``chunks`` as UTF-8, atomically (as :func:`write_path`), encoding and
    writing about 1 MB at a time: a large report is never held whole, as text or as bytes.

    Raises:
        PipelineError: as :func:`write_path`; a chunk that cannot be encoded (nothing is left behind).
    """

    def write(handle: BinaryIO) -> None:
        batch: list[str] = []
        size = 0
        for chunk in chunks:
            batch.append(chunk)
            size += len(chunk)
            if size >= 1 << 20:
                handle.write(encode("".join(batch), "utf-8"))
                batch, size = [], 0
        handle.write(encode("".join(batch), "utf-8"))

    write_with(path, write, overwrite=overwrite)


def write_with(path: Path, write: Callable[[BinaryIO], object], *, overwrite: bool = False) -> None:
    """Call ``write`` on a temporary file beside ``path``, fsync it, then move it over ``path``; on any
    failure (an exception ``write`` raises included) the temporary file is removed and ``path`` is as it was.

    Raises:
        PipelineError: as :func:`write_path`; whatever ``write`` raises.
    """
    target = str(path)
    check_output_target(path)
    if not overwrite and os.path.lexists(path):
        raise PipelineError("already exists; choose another output or pass --overwrite", path=target)
    folder = path.parent
    temp: Path | None = None
    try:
        try:
            with interrupts_deferred():
                descriptor, temp = create_beside(path)
        except FileNotFoundError as exc:
            raise PipelineError(f"folder {folder} does not exist; create it first", path=target) from exc
        except NotADirectoryError as exc:
            raise PipelineError(
                f"{folder} is a regular file, not a folder; choose another output", path=target
            ) from exc
        except OSError as exc:
            raise PipelineError(f"cannot write in {folder}: {exc.strerror or exc}", path=target) from exc
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            keep_mode(temp, path)
        if not overwrite and os.path.lexists(path):
            raise PipelineError("already exists; choose another output or pass --overwrite", path=target)
        os.replace(temp, path)
    except OSError as exc:
        raise PipelineError(f"cannot write: {exc.strerror or exc}", path=target) from exc
    finally:
        if temp is not None and os.path.lexists(temp):
            os.unlink(temp)
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows it (best effort)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
