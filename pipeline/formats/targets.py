"""Where a command may write: the one place that checks every planned output before anything is written.

Every command that writes a file (``audit -o``, ``translate -o/--xliff/--in-place`` or beside its input,
``apply``, ``tm export``, ``glossary export/import/merge/extract``) lists its inputs and its planned outputs
and passes them to :func:`check_outputs` before it writes the first byte. The rules:

1. An output never lands on an input of the same run: documents, glossaries, the XLIFF being applied, the
   translation memory. Paths are compared as the files they name (resolved real paths, and device and inode
   for files that exist), so ``a.txt``, ``./a.txt``, ``sub/../a.txt``, a symbolic link to it and a hard link
   are all one file. The only exception is ``--in-place``, which rewrites its own input (after a backup).
2. Two outputs never share a path: ``translate d1/a.txt d2/a.txt -o out`` is refused (exit 2) rather than
   writing both to ``out/a.txt``; so is ``--xliff`` equal to ``-o``.
3. A path read from a file's content (an XLIFF's ``original`` and output note) is accepted only by
   :func:`inside`: relative, without ``..``, and resolving (through any symbolic links) inside the root
   folder the user gave or implied.
4. An empty path argument names no file (:func:`nonempty`); it is not the current folder.

This module never writes; it only reads the file system to resolve links.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.errors import ConfigError, FormatError

__all__ = ["Planned", "backup_of", "check_outputs", "inside", "nonempty", "same_file"]


def backup_of(path: Path) -> Path:
    """The backup ``--in-place`` keeps of an input: ``NAME.bak`` beside it."""
    return path.with_name(path.name + ".bak")


@dataclass(frozen=True, slots=True)
class Planned:
    """One file a command plans to write.

    Attributes:
        path: where it will be written.
        what: how the user chose it, for messages (``-o``, ``--xliff``, ``backup``, ``output``).
        of: the input it is made from, if any.
        in_place: it is ``of`` itself, rewritten on purpose (``--in-place``).
    """

    path: Path
    what: str
    of: Path | None = None
    in_place: bool = False

    def describe(self) -> str:
        """``-o out/a.txt (from d1/a.txt)``: the output and where it comes from, for messages."""
        source = f" (from {self.of})" if self.of is not None and not self.in_place else ""
        return f"{self.what} {self.path}{source}"


def _key(path: Path) -> str:
    return os.path.realpath(path)


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return (status.st_dev, status.st_ino)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (resolved real path, or device and inode when both exist).

    >>> same_file(Path("a.txt"), Path("./x/../a.txt")), same_file(Path("a.txt"), Path("b.txt"))
    (True, False)
    """
    if _key(a) == _key(b):
        return True
    ia = _inode(a)
    return ia is not None and ia == _inode(b)


def check_outputs(
    inputs: Iterable[Path], outputs: Sequence[Planned], *, in_place_option: bool = False
) -> tuple[Planned, ...]:
    """Check a command's planned outputs against its inputs and each other, before anything is written.

    Args:
        inputs: every file the run reads (documents, glossaries, the XLIFF, the memory database).
        outputs: every file the run will write, in order.
        in_place_option: the command has ``--in-place`` (the message then mentions it).

    Returns:
        ``outputs``, unchanged, when every rule holds.

    Raises:
        ConfigError: an output is empty, would overwrite an input (other than its own ``--in-place``
            rewrite), or shares its path with another output. One line, naming both paths and the fix.
    """
    by_key: dict[str, Path] = {}
    by_inode: dict[tuple[int, int], Path] = {}
    for path in inputs:
        by_key.setdefault(_key(path), path)
        inode = _inode(path)
        if inode is not None:
            by_inode.setdefault(inode, path)
    seen: dict[str, Planned] = {}
    for out in outputs:
        if not str(out.path) or str(out.path) == ".":
            raise ConfigError(f"{out.what} names no file; give a file name")
        key = _key(out.path)
        inode = _inode(out.path)
        hit = by_key.get(key) or (by_inode.get(inode) if inode is not None else None)
        if hit is not None and not (out.in_place and out.of is not None and same_file(out.of, out.path)):
            hint = " (or --in-place to rewrite the inputs, with a .bak backup)" if in_place_option else ""
            raise ConfigError(
                f"{out.describe()} is the input {hit}; writing it would overwrite that input; "
                f"choose another output path{hint}"
            )
        first = seen.get(key)
        if first is not None:
            raise ConfigError(
                f"{first.describe()} and {out.describe()} would both be written to {out.path}; one would "
                "be lost: choose different output paths (or translate their common folder, which -o mirrors)"
            )
        seen[key] = out
    return tuple(outputs)


def inside(root: Path, name: str, *, what: str, source: str) -> Path:
    """Resolve a path read from a file's content under ``root``, or refuse it.

    Args:
        root: the folder such paths are relative to (the XLIFF's folder, or ``apply --root``).
        name: the path as written in the file (POSIX separators).
        what: what it is, for messages (``original``, ``output note``).
        source: the file it was read from, named in the error.

    Returns:
        ``root / name``.

    Raises:
        FormatError: ``name`` is empty, absolute, contains ``..``, or leads outside ``root`` through a
            symbolic link.

    >>> inside(Path("r"), "docs/a.txt", what="original", source="x.xlf")
    PosixPath('r/docs/a.txt')
    >>> inside(Path("r"), "../a.txt", what="original", source="x.xlf")
    Traceback (most recent call last):
    ...
    pipeline.errors.FormatError: x.xlf: original '../a.txt' climbs out with '..'; only paths inside r ...
    """
    folder = "the current folder" if str(root) == "." else str(root)
    fix = f"only paths inside {folder} are applied (pass --root DIR to choose that folder)"
    if not name or "\x00" in name:
        raise FormatError(f"{what} is empty or holds a NUL; {fix}", path=source)
    pure = PurePosixPath(name)
    if pure.is_absolute() or name.startswith("\\") or (len(name) > 1 and name[1] == ":"):
        raise FormatError(f"{what} {name!r} is an absolute path; {fix}", path=source)
    if ".." in pure.parts or ".." in name.split("\\"):
        raise FormatError(f"{what} {name!r} climbs out with '..'; {fix}", path=source)
    candidate = root / Path(*pure.parts)
    real_root = os.path.realpath(root)
    real = os.path.realpath(candidate)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise FormatError(
            f"{what} {name!r} leads out through a symbolic link (to {real}); {fix}", path=source
        )
    return candidate


def nonempty(paths: Sequence[str | os.PathLike[str]], *, what: str) -> None:
    """Refuse an empty path argument (``""``), which would otherwise mean the current folder.

    Raises:
        ConfigError: one of ``paths`` is empty.

    >>> nonempty(["a.txt", "."], what="PATH")
    >>> nonempty([""], what="PATH")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pipeline.errors.ConfigError: an empty PATH names no file or folder; give one (use . for the current ...
    """
    if any(os.fspath(p) == "" for p in paths):
        raise ConfigError(f"an empty {what} names no file or folder; give one (use . for the current folder)")
