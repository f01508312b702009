"""Install, list, remove and verify Argos Translate packages (``.argosmodel``) in a models folder.

An ``.argosmodel`` file is a zip archive of one folder holding ``metadata.json``, a CTranslate2 model in
``model/`` and a ``sentencepiece.model``. :func:`inspect_archive` checks all of that, and that no member
escapes the folder, before anything is written; :func:`install_package` then extracts it with
argostranslate's own ``package.install_from_path`` into a staging folder inside the models folder and moves
the result into place, so a failed install leaves nothing behind.

Argos's settings module reads the environment and creates folders when it is imported, so the first import
happens with ``ARGOS_PACKAGES_DIR``, ``ARGOS_DEVICE_TYPE=cpu`` and the ``XDG_*`` folders pointing into the
install's staging folder inside the models folder (removed afterwards: argostranslate takes every folder there
for a package), and the package folder is set on its settings module for every install. The
package index is never consulted. Folders ``argospm`` filled elsewhere can be used as they are: point the
models folder at them.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
import threading
import types
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import BackendError, ModelArchiveError, ModelNotInstalled

__all__ = [
    "ArchiveInfo",
    "InstalledPackage",
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
_MAX_UNCOMPRESSED = 16 * 1024**3  # refuse zip bombs: no real Argos package comes near 16 GiB
_LOCK = threading.Lock()


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
    """

    path: Path
    folder: str
    from_code: str
    to_code: str
    package_version: str
    metadata: tuple[tuple[str, str], ...]
    size: int

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


def inspect_archive(path: Path) -> ArchiveInfo:
    """Check that ``path`` is a complete, safe Argos package and return what it holds; write nothing.

    Args:
        path: an ``.argosmodel`` file.

    Returns:
        The archive's description.

    Raises:
        ModelArchiveError: not a zip, truncated or corrupt, files outside one top-level folder, a path that
            escapes it, no ``metadata.json`` (or one without from_code/to_code/package_version), no ``model/``
            CTranslate2 folder or no ``sentencepiece.model``.
    """
    where = str(path)
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
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
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
            size = sum(info.file_size for info in infos)
            if size > _MAX_UNCOMPRESSED:
                raise ModelArchiveError(f"archive unpacks to {size} bytes; refusing (zip bomb?)", path=where)
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
    if not isinstance(metadata, dict):
        raise ModelArchiveError(f"{meta_name} must hold a JSON object", path=where)
    missing = [k for k in _REQUIRED_METADATA if not isinstance(metadata.get(k), str) or not metadata.get(k)]
    if missing:
        raise ModelArchiveError(
            f"{meta_name} lacks {', '.join(missing)}; not a translation package", path=where
        )
    if metadata.get("type", "translate") != "translate":
        raise ModelArchiveError(f"package type {metadata.get('type')!r} is not 'translate'", path=where)
    if f"{folder}/model/model.bin" not in names:
        raise ModelArchiveError(f"no {folder}/model/model.bin (CTranslate2 model folder)", path=where)
    if f"{folder}/sentencepiece.model" not in names:
        raise ModelArchiveError(f"no {folder}/sentencepiece.model", path=where)
    return ArchiveInfo(
        path=path,
        folder=folder,
        from_code=str(metadata["from_code"]).lower(),
        to_code=str(metadata["to_code"]).lower(),
        package_version=str(metadata["package_version"]),
        metadata=tuple(sorted((str(k), json.dumps(v, ensure_ascii=False)) for k, v in metadata.items())),
        size=size,
    )


def _argos_env(staging: Path) -> dict[str, str]:
    base = staging / ".argos"
    return {
        "ARGOS_PACKAGES_DIR": str(staging),
        "ARGOS_DEVICE_TYPE": "cpu",
        "ARGOS_CHUNK_TYPE": "MINISBD",
        "XDG_DATA_HOME": str(base / "data"),
        "XDG_CACHE_HOME": str(base / "cache"),
        "XDG_CONFIG_HOME": str(base / "config"),
    }


def _import_argos_package(staging: Path) -> types.ModuleType:
    """Import ``argostranslate.package`` with its settings pointed inside ``staging``.

    Argos creates its data, cache and config folders when its settings module is imported; they land in the
    staging folder and go with it, so the models folder only ever holds packages (argostranslate and argospm
    take every folder in it for a package).
    """
    if "argostranslate.settings" not in sys.modules:
        saved = {key: os.environ.get(key) for key in _argos_env(staging)}
        os.environ.update(_argos_env(staging))
        try:
            import argostranslate.package  # noqa: F401  (reads settings, creates folders)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    import argostranslate.package as package
    import argostranslate.settings as settings

    settings.device = "cpu"
    module: types.ModuleType = package
    return module


@contextmanager
def _argos_pointed_at(folder: Path) -> Iterator[types.ModuleType]:
    """Yield ``argostranslate.package`` with its package folder set to ``folder``.

    ``install_from_path`` ends by clearing the language cache of ``argostranslate.translate``, whose import
    pulls in stanza and torch (seconds, hundreds of MB) for a translator Glossa never uses; when that module
    is not loaded yet, a stand-in with a no-op cache is registered for the duration of the call.
    """
    package = _import_argos_package(folder)
    import argostranslate.settings as settings

    stand_in = None
    if "argostranslate.translate" not in sys.modules:
        stand_in = types.ModuleType("argostranslate.translate")

        def get_installed_languages() -> None:  # pragma: no cover - never called
            return None

        get_installed_languages.cache_clear = lambda: None  # type: ignore[attr-defined]
        stand_in.get_installed_languages = get_installed_languages  # type: ignore[attr-defined]
    with _LOCK:
        saved = settings.package_data_dir, list(settings.package_dirs)
        settings.package_data_dir = folder
        settings.package_dirs = [folder]
        if stand_in is not None:
            sys.modules["argostranslate.translate"] = stand_in
        try:
            yield package
        finally:
            settings.package_data_dir, settings.package_dirs = saved
            if stand_in is not None and sys.modules.get("argostranslate.translate") is stand_in:
                del sys.modules["argostranslate.translate"]


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


def install_package(archive: Path, models_dir: Path, *, replace: bool = False) -> InstalledPackage:
    """Validate ``archive`` and install it into ``models_dir`` with argostranslate's package code.

    Args:
        archive: the ``.argosmodel`` file.
        models_dir: the models folder (created when missing).
        replace: remove an installed package of the same pair first, instead of refusing.

    Returns:
        The installed package.

    Raises:
        ModelArchiveError: the archive is invalid (nothing was written), or the pair is already installed and
            ``replace`` is false.
        BackendError: the extraction failed.
    """
    info = inspect_archive(archive)
    existing = [p for p in list_packages(models_dir) if p.pair == info.pair]
    destination = models_dir / info.folder
    if (existing or destination.exists()) and not replace:
        where = existing[0].path if existing else destination
        raise ModelArchiveError(
            f"{info.pair} is already installed in {where}; run `glossa models remove {info.pair}` first "
            "or pass --replace",
            path=str(archive),
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=models_dir))
    try:
        with _argos_pointed_at(staging) as package:
            try:
                package.install_from_path(archive)
            except Exception as exc:  # argostranslate raises bare Exception
                raise BackendError(
                    f"argostranslate could not install the package: {exc}", path=str(archive)
                ) from exc
        staged = staging / info.folder
        if not (staged / "metadata.json").is_file():
            raise BackendError("argostranslate extracted nothing usable", path=str(archive))
        for old in existing:
            shutil.rmtree(old.path)
        if destination.exists():
            shutil.rmtree(destination)
        os.replace(staged, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = _read_installed(destination)
    if installed is None:  # pragma: no cover - inspect_archive checked the metadata
        raise BackendError("installed package has unreadable metadata.json", path=str(destination))
    return installed


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
        shutil.rmtree(pkg.path)
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
