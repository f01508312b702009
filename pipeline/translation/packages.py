"""Install, list, remove and verify Argos Translate packages (``.argosmodel``) in a models folder.

An ``.argosmodel`` file is a zip archive of one folder holding ``metadata.json``, a CTranslate2 model in
``model/`` and a ``sentencepiece.model``. :func:`inspect_archive` checks all of that from the zip directory
before anything is written: no member escapes the folder, the language codes are plain codes, and the archive
stays under the :class:`ArchiveLimits` (total uncompressed size, compression ratio: zip bombs).
:func:`install_package` then extracts it member by member into a staging folder inside the models folder,
counting the bytes actually written against the same limits (a zip whose headers lie cannot get past), loads
the package as translation would (SentencePiece, then a one-thread CTranslate2 translator), and only then
moves it into place with one rename; ``replace`` keeps the old package until the new one has loaded. A failed
install leaves the models folder as it was.

The layout is argostranslate's own (``models/<zip folder>/metadata.json`` ...), so folders ``argospm``
filled elsewhere can be used as they are: point the models folder at them (:func:`argos_packages_dir` says
where argospm puts them). The package index is never consulted, argostranslate is not imported (it is not
even a dependency: the ``argos`` extra), and nothing here reads or changes the process's environment,
modules or settings beyond the arguments it is given.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import BackendError, ModelArchiveError, ModelNotInstalled

__all__ = [
    "ArchiveInfo",
    "ArchiveLimits",
    "InstalledPackage",
    "argos_packages_dir",
    "VerifyResult",
    "find_package",
    "inspect_archive",
    "install_package",
    "list_packages",
    "parse_pair",
    "remove_package",
    "verify_packages",
]


_REQUIRED_METADATA = ("from_code", "to_code", "package_version")


#: A language code in ``metadata.json``: two or three ASCII letters (Argos uses ISO 639-1 plus a few codes
#: of its own, such as ``zt`` and ``pb``). Anything else could name a path (``../../x``) and never be removed.
_CODE = re.compile(r"[a-z]{2,3}")


#: Members smaller than this are not held to the ratio limit (a JSON file of spaces compresses 100x).
_RATIO_FLOOR = 1024 * 1024


_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """What an archive may unpack to (the ``max_archive_size`` and ``max_archive_ratio`` settings).

    Attributes:
        max_size: total uncompressed bytes (real Argos packages are 50-300 MB).
        max_ratio: uncompressed/compressed size of the archive and of each member over 1 MiB (real packages
            compress 1.1-3x; a zip bomb of zeros, about 1000x).
    """

    max_size: int = 4 * 1024**3
    max_ratio: int = 200

    def hint(self) -> str:
        """How to raise the limits, for error messages."""
        return (
            "if the package is genuine, raise --max-size/--max-ratio (max_archive_size, max_archive_ratio in "
            "the config)"
        )


@dataclass(frozen=True, slots=True)
class ArchiveInfo:
    """What a valid ``.argosmodel`` archive holds.

    Attributes:
        path: the archive.
        folder: its one top-level folder.
        from_code: source language code.
        to_code: target language code.
        package_version: the package's version string.
        metadata: the whole ``metadata.json`` as ``(key, json text)`` pairs, sorted.
        size: total uncompressed size in bytes.
        compressed: total compressed size in bytes.
    """

    path: Path
    folder: str
    from_code: str
    to_code: str
    package_version: str
    metadata: tuple[tuple[str, str], ...]
    size: int
    compressed: int = 0

    @property
    def pair(self) -> str:
        """``from-to``, e.g. ``ru-en``."""
        return f"{self.from_code}-{self.to_code}"


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    """An installed package, read from its own ``metadata.json``.

    Attributes:
        path: its folder.
        from_code: source language code.
        to_code: target language code.
        package_version: version string.
        argos_version: the Argos version it targets ("" when absent).
        from_name: source language name ("" when absent).
        to_name: target language name ("" when absent).
        target_prefix: text Argos puts in front of every target (multilingual packages; usually "").
        size: bytes on disk.
    """

    path: Path
    from_code: str
    to_code: str
    package_version: str
    argos_version: str = ""
    from_name: str = ""
    to_name: str = ""
    target_prefix: str = ""
    size: int = 0

    @property
    def pair(self) -> str:
        """``from-to``, e.g. ``ru-en``."""
        return f"{self.from_code}-{self.to_code}"

    @property
    def model_id(self) -> str:
        """A stable id: ``pair@version`` (``ru-en@1.9``)."""
        return f"{self.pair}@{self.package_version}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``glossa models list --format json`` prints)."""
        return {
            "pair": self.pair,
            "from": self.from_code,
            "to": self.to_code,
            "version": self.package_version,
            "argos_version": self.argos_version,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "size": self.size,
            "path": str(self.path),
        }


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of verifying one installed package.

    Attributes:
        package: the package.
        problems: one line per problem; empty when the package is sound and its model loads.
    """

    package: InstalledPackage
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return not self.problems


def parse_pair(pair: str) -> tuple[str, str]:
    """Split ``ru-en``, ``ru_en``, ``ru→en`` or ``ru:en`` into its two codes.

    >>> parse_pair("ru-en")
    ('ru', 'en')
    >>> parse_pair("RU_EN")
    ('ru', 'en')

    Raises:
        ModelNotInstalled: not a pair of language codes.
    """
    for sep in ("→", "->", "-", "_", ":"):
        if sep in pair:
            left, _, right = pair.partition(sep)
            left, right = left.strip().lower(), right.strip().lower()
            if left.isalpha() and right.isalpha():
                return left, right
    raise ModelNotInstalled(f"{pair!r} is not a language pair; write it as FROM-TO, e.g. ru-en")


def argos_packages_dir(env: Mapping[str, str], home: Path) -> Path:
    """Where ``argospm`` installs packages, worked out as argostranslate 1.11's settings module does.

    Importing ``argostranslate.settings`` creates its data, config and cache folders, so its rules are
    restated here: ``$ARGOS_PACKAGES_DIR``, else the ``ARGOS_PACKAGES_DIR`` key of
    ``$XDG_CONFIG_HOME/argos-translate/settings.json`` (default ``~/.config``), else
    ``$XDG_DATA_HOME/argos-translate/packages`` (default ``~/.local/share``). Under snap, ``home`` is
    ``$SNAP_USER_DATA``. As there, a variable set to an empty string counts as set. Nothing is created.

    Args:
        env: the environment to read (the caller passes ``os.environ``).
        home: the user's home folder (the caller passes ``Path.home()``).

    >>> argos_packages_dir({}, Path("/home/u"))
    PosixPath('/home/u/.local/share/argos-translate/packages')
    >>> argos_packages_dir({"XDG_DATA_HOME": "/d"}, Path("/home/u"))
    PosixPath('/d/argos-translate/packages')
    >>> argos_packages_dir({"ARGOS_PACKAGES_DIR": "/p", "XDG_DATA_HOME": "/d"}, Path("/home/u"))
    PosixPath('/p')
    """
    if "SNAP" in env:
        home = Path(env["SNAP_USER_DATA"])
    override = env.get("ARGOS_PACKAGES_DIR")
    if override is None:
        config = Path(env.get("XDG_CONFIG_HOME", home / ".config")) / "argos-translate" / "settings.json"
        with contextlib.suppress(OSError, UnicodeDecodeError, json.JSONDecodeError):
            saved = json.loads(config.read_text(encoding="utf-8"))
            if isinstance(saved, dict) and saved.get("ARGOS_PACKAGES_DIR") is not None:
                override = str(saved["ARGOS_PACKAGES_DIR"])
    if override is not None:
        return Path(override)
    return Path(env.get("XDG_DATA_HOME", home / ".local" / "share")) / "argos-translate" / "packages"


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\\" in name:
        return f"member {name!r} uses backslashes"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return f"member {name!r} has an absolute path (zip slip)"
    if ".." in PurePosixPath(name).parts:
        return f"member {name!r} escapes the package folder with '..' (zip slip)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"member {name!r} is a symbolic link"
    return None


def inspect_archive(path: Path, limits: ArchiveLimits | None = None) -> ArchiveInfo:
    """Check that ``path`` is a complete, safe Argos package and return what it holds; write nothing.

    Args:
        path: an ``.argosmodel`` file.
        limits: size and ratio limits (the defaults when omitted).

    Returns:
        The archive's description.

    Raises:
        ModelArchiveError: not a zip, truncated or corrupt, files outside one top-level folder, a path that
            escapes it, no ``metadata.json`` (or one without from_code/to_code/package_version, or with a
            language code that is not two or three letters), no ``model/`` CTranslate2 folder, no
            ``sentencepiece.model``, or over the size or compression-ratio limit.
    """
    limits = limits or ArchiveLimits()
    where = str(path)
    _check_is_zip(path, where)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            folder = _package_folder(infos, where)
            _check_archive_limits(infos, limits, where)
            bad = archive.testzip()
            if bad is not None:
                raise ModelArchiveError(
                    f"damaged zip archive: {bad!r} fails its CRC check; download again", path=where
                )
            names = {info.filename for info in infos}
            meta_name = f"{folder}/metadata.json"
            if meta_name not in names:
                raise ModelArchiveError(f"no {meta_name}; not an Argos package", path=where)
            try:
                metadata = json.loads(archive.read(meta_name).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ModelArchiveError(f"{meta_name} is not valid JSON ({exc})", path=where) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ModelArchiveError(
            f"truncated or damaged zip archive ({exc}); download it again", path=where
        ) from exc
    _check_metadata(metadata, meta_name, where)
    for required, what in (("model/model.bin", " (CTranslate2 model folder)"), ("sentencepiece.model", "")):
        if f"{folder}/{required}" not in names:
            raise ModelArchiveError(f"no {folder}/{required}{what}", path=where)
    return ArchiveInfo(
        path=path,
        folder=folder,
        from_code=str(metadata["from_code"]).lower(),
        to_code=str(metadata["to_code"]).lower(),
        package_version=str(metadata["package_version"]),
        metadata=tuple(sorted((str(k), json.dumps(v, ensure_ascii=False)) for k, v in metadata.items())),
        size=sum(info.file_size for info in infos),
        compressed=sum(info.compress_size for info in infos),
    )


def _check_is_zip(path: Path, where: str) -> None:
    """A file that is a zip archive, or a one-line error saying what it is instead."""
    if not path.is_file():
        raise ModelArchiveError("no such file; pass the path of an .argosmodel file", path=where)
    with path.open("rb") as handle:
        head = handle.read(4)
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise ModelArchiveError(
                "truncated or damaged zip archive; download the package again", path=where
            )
        raise ModelArchiveError("not a zip archive; an .argosmodel package is a zip file", path=where)


def _package_folder(infos: list[zipfile.ZipInfo], where: str) -> str:
    """The one top-level folder every member lies in, after refusing any unsafe member."""
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise ModelArchiveError(f"unsafe archive: {problem}; refusing to install", path=where)
    tops = {PurePosixPath(info.filename).parts[0] for info in infos if info.filename.strip("/")}
    root_files = [i.filename for i in infos if "/" not in i.filename.rstrip("/") and not i.is_dir()]
    if len(tops) != 1 or root_files:
        shown = ", ".join(sorted(tops)[:3])
        raise ModelArchiveError(
            f"files outside one top-level folder ({shown}); a package is one zipped folder",
            path=where,
        )
    folder = tops.pop()
    if folder.startswith(".") or not folder.isprintable():
        raise ModelArchiveError(f"top-level folder {folder!r} is not a package name", path=where)
    return folder


def _check_archive_limits(infos: list[zipfile.ZipInfo], limits: ArchiveLimits, where: str) -> None:
    """The total size and ratio of the archive, then of each member, from the zip directory."""
    size = sum(info.file_size for info in infos)
    _check_limits(size, sum(info.compress_size for info in infos), limits, what="the archive", where=where)
    for info in infos:
        _check_limits(info.file_size, info.compress_size, limits, what=repr(info.filename), where=where)


def _check_metadata(metadata: object, meta_name: str, where: str) -> None:
    """``metadata.json``: an object with the required keys, language codes and the ``translate`` type."""
    if not isinstance(metadata, dict):
        raise ModelArchiveError(f"{meta_name} must hold a JSON object", path=where)
    missing = [k for k in _REQUIRED_METADATA if not isinstance(metadata.get(k), str) or not metadata.get(k)]
    if missing:
        raise ModelArchiveError(
            f"{meta_name} lacks {', '.join(missing)}; not a translation package", path=where
        )
    for key in ("from_code", "to_code"):
        if not _CODE.fullmatch(str(metadata[key]).lower()):
            raise ModelArchiveError(
                f"{meta_name}: {key} {metadata[key]!r} is not a language code (two or three letters)",
                path=where,
            )
    if metadata.get("type", "translate") != "translate":
        raise ModelArchiveError(f"package type {metadata.get('type')!r} is not 'translate'", path=where)


def _check_limits(size: int, compressed: int, limits: ArchiveLimits, *, what: str, where: str) -> None:
    """Refuse ``size`` uncompressed bytes (from ``compressed``) over the limits."""
    if size > limits.max_size:
        raise ModelArchiveError(
            f"{what} unpacks to more than {limits.max_size} bytes (zip bomb?); refusing. {limits.hint()}",
            path=where,
        )
    if size > _RATIO_FLOOR and size > limits.max_ratio * max(compressed, 1):
        raise ModelArchiveError(
            f"{what} expands more than {limits.max_ratio}x ({size} bytes from {compressed}; zip bomb?); "
            f"refusing. {limits.hint()}",
            path=where,
        )


def _dir_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink())


def _read_installed(folder: Path, *, with_size: bool = True) -> InstalledPackage | None:
    meta_path = folder / "metadata.json"
    try:
        metadata = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(metadata, dict) or metadata.get("type", "translate") != "translate":
        return None
    if not all(isinstance(metadata.get(k), str) and metadata.get(k) for k in _REQUIRED_METADATA):
        return None
    return InstalledPackage(
        path=folder,
        from_code=str(metadata["from_code"]).lower(),
        to_code=str(metadata["to_code"]).lower(),
        package_version=str(metadata["package_version"]),
        argos_version=str(metadata.get("argos_version", "")),
        from_name=str(metadata.get("from_name", "")),
        to_name=str(metadata.get("to_name", "")),
        target_prefix=str(metadata.get("target_prefix", "") or ""),
        size=_dir_size(folder) if with_size else 0,
    )


def list_packages(models_dir: Path, *, with_size: bool = True) -> tuple[InstalledPackage, ...]:
    """Return the translation packages installed in ``models_dir``, sorted by pair then version.

    ``with_size=False`` skips adding up file sizes (``size`` is then 0).

    Reads every ``*/metadata.json`` afresh (argostranslate caches its own list). Folders starting with
    ``.`` and folders without a readable translation ``metadata.json`` are skipped.
    """
    if not models_dir.is_dir():
        return ()
    found = [
        pkg
        for child in sorted(models_dir.iterdir())
        if child.is_dir() and not child.name.startswith(".")
        for pkg in (_read_installed(child, with_size=with_size),)
        if pkg is not None
    ]
    return tuple(sorted(found, key=lambda p: (p.pair, p.package_version, p.path.name)))


def find_package(models_dir: Path, source: str, target: str) -> InstalledPackage | None:
    """Return the installed package for ``source``→``target`` (highest version wins), or None."""
    matches = [
        p for p in list_packages(models_dir, with_size=False) if (p.from_code, p.to_code) == (source, target)
    ]
    return max(matches, key=lambda p: _version_key(p.package_version)) if matches else None


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Sort key for dotted versions: numbers numerically.

    >>> sorted(["1.10", "1.9", "1.0"], key=_version_key)
    ['1.0', '1.9', '1.10']
    """
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in version.split("."))


def _extract(archive: Path, info: ArchiveInfo, staging: Path, limits: ArchiveLimits) -> Path:
    """Extract ``archive`` member by member under ``staging``; return the package folder there.

    Bytes are counted as they are written: a member that yields more than its header declares, or an archive
    that goes over the limits, stops the extraction (the caller removes ``staging``).
    """
    where = str(archive)
    written = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                problem = _member_problem(member)
                if problem:  # inspect_archive saw the same directory; checked again, cheaply
                    raise ModelArchiveError(f"unsafe archive: {problem}; refusing to install", path=where)
                parts = PurePosixPath(member.filename).parts
                target = staging.joinpath(*parts)
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                member_written = 0
                with zf.open(member) as source, open(target, "xb") as sink:
                    while chunk := source.read(_CHUNK):
                        member_written += len(chunk)
                        written += len(chunk)
                        if member_written > member.file_size:
                            raise ModelArchiveError(
                                f"{member.filename!r} unpacks to more than the {member.file_size} bytes its "
                                "header declares; refusing a forged archive",
                                path=where,
                            )
                        _check_limits(written, info.compressed, limits, what="the archive", where=where)
                        _check_limits(
                            member_written,
                            member.compress_size,
                            limits,
                            what=repr(member.filename),
                            where=where,
                        )
                        sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ModelArchiveError(f"damaged zip archive ({exc}); download it again", path=where) from exc
    return staging / info.folder


def _models_error(models_dir: Path, exc: OSError) -> BackendError:
    where = exc.filename or models_dir
    return BackendError(
        f"cannot write in the models folder: {exc.strerror or exc}; nothing was installed "
        "(pick a writable --models-dir)",
        path=str(where),
    )


def install_package(
    archive: Path,
    models_dir: Path,
    *,
    replace: bool = False,
    limits: ArchiveLimits | None = None,
) -> InstalledPackage:
    """Validate ``archive``, extract it, load it, and only then install it into ``models_dir``.

    Args:
        archive: the ``.argosmodel`` file.
        models_dir: the models folder (created when missing).
        replace: replace an installed package of the same pair (kept until the new one has loaded).
        limits: size and ratio limits (the defaults when omitted).

    Returns:
        The installed package.

    Raises:
        ModelArchiveError: the archive is invalid, over the limits, or its model does not load (nothing was
            written), or the pair is already installed and ``replace`` is false.
        BackendError: the models folder cannot be written.
    """
    limits = limits or ArchiveLimits()
    info = inspect_archive(archive, limits)
    existing = [p for p in list_packages(models_dir) if p.pair == info.pair]
    destination = models_dir / info.folder
    if (existing or os.path.lexists(destination)) and not replace:
        where = existing[0].path if existing else destination
        raise ModelArchiveError(
            f"{info.pair} is already installed in {where}; run `glossa models remove {info.pair}` first "
            "or pass --replace",
            path=str(archive),
        )
    created = not models_dir.exists()
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=models_dir))
    except OSError as exc:
        raise _models_error(models_dir, exc) from None
    committed = False
    try:
        try:
            staged = _extract(archive, info, staging / "new", limits)
        except OSError as exc:
            raise _models_error(models_dir, exc) from None
        candidate = _read_installed(staged)
        if candidate is None:
            raise ModelArchiveError("the extracted metadata.json does not read back", path=str(archive))
        problems = _load_problems(candidate)
        if problems:
            raise ModelArchiveError(
                f"the package does not load ({problems[0]}); nothing was installed"
                + ("; the installed package was kept" if existing else ""),
                path=str(archive),
            )
        try:
            _commit(staged, destination, [p.path for p in existing], staging / "old")
        except OSError as exc:
            raise _models_error(models_dir, exc) from None
        committed = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not committed:  # a refused install leaves no empty models folder behind
            with contextlib.suppress(OSError):
                models_dir.rmdir()
    installed = _read_installed(destination)
    if installed is None:  # pragma: no cover - checked in staging
        raise BackendError("installed package has unreadable metadata.json", path=str(destination))
    return installed


def _commit(staged: Path, destination: Path, old: list[Path], attic: Path) -> None:
    """Move ``staged`` to ``destination``; the ``old`` packages go to ``attic`` first, back on failure."""
    attic.mkdir()
    moved: list[tuple[Path, Path]] = []
    doomed = list(dict.fromkeys([*old, *([destination] if os.path.lexists(destination) else [])]))
    try:
        for number, path in enumerate(doomed):
            parked = attic / str(number)
            os.replace(path, parked)
            moved.append((parked, path))
        os.replace(staged, destination)
    except OSError:
        for parked, path in reversed(moved):
            os.replace(parked, path)
        raise


def remove_package(models_dir: Path, pair: str) -> tuple[InstalledPackage, ...]:
    """Remove every installed package of ``pair`` (``ru-en``) and return what was removed.

    Raises:
        ModelNotInstalled: nothing of that pair is installed.
    """
    source, target = parse_pair(pair)
    doomed = [p for p in list_packages(models_dir) if (p.from_code, p.to_code) == (source, target)]
    if not doomed:
        raise ModelNotInstalled(
            f"no {source}-{target} package is installed in {models_dir}; `glossa models list` shows what is"
        )
    for pkg in doomed:
        try:
            shutil.rmtree(pkg.path)
        except OSError as exc:
            raise BackendError(
                f"cannot remove the package: {exc.strerror or exc}; check the models folder's permissions",
                path=str(pkg.path),
            ) from None
    return tuple(doomed)


def verify_packages(
    models_dir: Path, pair: str | None = None, *, load: bool = True
) -> tuple[VerifyResult, ...]:
    """Re-check installed packages: files present, SentencePiece and CTranslate2 model loadable.

    Args:
        models_dir: the models folder.
        pair: only this pair (``ru-en``); every package when None.
        load: also load the SentencePiece and CTranslate2 models (and translate one word).

    Returns:
        One result per package.

    Raises:
        ModelNotInstalled: ``pair`` was given and is not installed.
    """
    packages = list_packages(models_dir)
    if pair is not None:
        wanted = parse_pair(pair)
        packages = tuple(p for p in packages if (p.from_code, p.to_code) == wanted)
        if not packages:
            raise ModelNotInstalled(
                f"no {wanted[0]}-{wanted[1]} package is installed in {models_dir}; "
                "run `glossa models install FILE.argosmodel`"
            )
    results = []
    for pkg in packages:
        problems: list[str] = []
        for required in ("model/model.bin", "model/config.json", "sentencepiece.model"):
            if not (pkg.path / required).is_file():
                problems.append(f"missing {required}")
        if load and not problems:
            problems.extend(_load_problems(pkg))
        results.append(VerifyResult(pkg, tuple(problems)))
    return tuple(results)


def _load_problems(pkg: InstalledPackage) -> list[str]:
    import ctranslate2
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=str(pkg.path / "sentencepiece.model"))
        pieces = processor.encode("test", out_type=str)
    except (OSError, RuntimeError) as exc:
        return [f"sentencepiece.model does not load: {exc}"]
    try:
        translator = ctranslate2.Translator(
            str(pkg.path / "model"), device="cpu", inter_threads=1, intra_threads=1
        )
        translator.translate_batch([pieces], beam_size=1, max_decoding_length=8)
    except (OSError, RuntimeError, ValueError) as exc:
        return [f"CTranslate2 model does not load: {exc}"]
    return []
