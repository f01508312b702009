"""Settings, resolved once and passed down.

Precedence, highest first: command-line flags > ``GLOSSA_*`` environment variables > the config file >
built-in defaults. The config file is ``--config FILE``, else the nearest ``glossa.toml`` or
``pyproject.toml`` holding ``[tool.glossa]``, searched from the working directory upward and no further than
the repository root (a folder holding ``.git``) or the filesystem root; in each folder ``glossa.toml`` wins
over ``pyproject.toml``, and a ``pyproject.toml`` without ``[tool.glossa]`` is passed over (as ruff does).
Relative paths in a config file (``glossary``, ``models_dir``) are relative to the file's folder, as ruff and
mypy read theirs; relative paths in flags and variables are relative to the working directory. Every layer is
validated by the same rules (:func:`_coerce`). :func:`resolve` is the only place that reads settings from the
environment (``GLOSSA_*``, and ``XDG_DATA_HOME``/``HOME`` for the data folder) or from config files; the code
below the CLI gets them as one frozen :class:`Settings`. (The CLI edge also reads ``TERM``, whether a progress
bar fits, and argospm's variables, for the hint of ``models list``.) The Ray cluster's address also comes from
Ray's own ``RAY_ADDRESS``, ranked where a ``GLOSSA_*`` variable would be.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from pipeline.document import Severity
from pipeline.errors import ConfigError

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_SHARD_SIZE",
    "EXECUTORS",
    "MAX_JOBS",
    "Settings",
    "ENV_VARIABLES",
    "Resolved",
    "check_glob",
    "find_config",
    "data_home",
    "language_code",
    "parse_size",
    "resolve",
    "resolve_with_sources",
    "shipped_glossaries",
    "shipped_glossary_dir",
]

_PACKAGE_DIR = Path(__file__).resolve().parent

#: Where a run's workers can run: ``local`` (this machine's cores) or ``ray`` (a Ray cluster, the ray extra).
EXECUTORS = ("local", "ray")

#: Largest input file read by default (bytes); the ``max_file_size`` setting changes it.
DEFAULT_MAX_FILE_SIZE = 256 * 1024**2
#: Bytes of a JSON Lines file an audit or translate worker takes at a time by default (``shard_size``).
DEFAULT_SHARD_SIZE = 1024**2


def shipped_glossary_dir() -> Path:
    """Return the folder holding the glossaries that ship with Glossa.

    In a source checkout (or an editable install) that is the repository's ``glossaries/``; in an installed
    wheel the same files live in ``pipeline/_data/glossaries``.
    """
    installed = _PACKAGE_DIR / "_data" / "glossaries"
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / "glossaries"


def shipped_glossaries() -> tuple[Path, ...]:
    """Return the default glossaries: the space-domain glossary and the web UI phrasebook."""
    folder = shipped_glossary_dir()
    return tuple(p for p in (folder / "space.toml", folder / "web-chrome.toml") if p.is_file())


def data_home(env: Mapping[str, str]) -> Path:
    """Return Glossa's data folder: ``$GLOSSA_HOME``, else ``$XDG_DATA_HOME/glossa``, else ~/.local/share."""
    if env.get("GLOSSA_HOME"):
        return Path(env["GLOSSA_HOME"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "glossa"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every knob of a run.

    Attributes:
        expected_language: ISO 639-1 code the documents should be written in.
        min_chars: shortest fragment (letters) the statistical detector is asked about.
        min_confidence: a fragment is reported only at or above this calibrated confidence.
        fail_on: lowest severity that makes the run exit 1, or ``"never"``.
        glossaries: glossary files in force (the shipped ones by default).
        home: data folder (models, translation memory).
        models_dir: folder of installed Argos packages.
        jsonl_field: JSON Lines field holding the text.
        include: glob patterns a file under a folder must match (empty: every supported suffix).
        exclude: glob patterns that skip files under a folder.
        jobs: worker processes of ``audit`` and ``translate`` (each translate worker runs its model on one
            CPU thread).
        max_file_size: largest input file read, in bytes (larger ones are refused, the run goes on).
        shard_size: bytes of a JSON Lines file an audit or translate worker takes at a time (line-aligned;
            the audit's report is the same for every value; see :mod:`pipeline.app.translate_stream`).
        max_archive_size: largest total an ``.argosmodel`` archive may unpack to, in bytes.
        max_archive_ratio: largest uncompressed/compressed ratio of an archive member (zip bombs).
        executor: where audit and translate run their workers: ``local`` or ``ray`` (:data:`EXECUTORS`).
        ray_address: the Ray cluster to run on (``HOST:PORT``, ``auto``); empty: a local Ray instance.
    """

    expected_language: str = "en"
    min_chars: int = 3
    min_confidence: float = 0.5
    fail_on: Severity | Literal["never"] = Severity.WARNING
    glossaries: tuple[Path, ...] = ()
    home: Path = Path(".glossa")
    models_dir: Path = Path(".glossa/models")
    jsonl_field: str = "text"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int = 1
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    shard_size: int = DEFAULT_SHARD_SIZE
    max_archive_size: int = 4 * 1024**3
    max_archive_ratio: int = 200
    executor: Literal["local", "ray"] = "local"
    ray_address: str = ""

    @property
    def memory_path(self) -> Path:
        """SQLite file of the project translation memory."""
        return self.home / "memory.sqlite"


_ENV_KEYS = {
    "expected_language": "GLOSSA_EXPECT",
    "min_chars": "GLOSSA_MIN_CHARS",
    "min_confidence": "GLOSSA_MIN_CONFIDENCE",
    "fail_on": "GLOSSA_FAIL_ON",
    "glossaries": "GLOSSA_GLOSSARY",
    "models_dir": "GLOSSA_MODELS_DIR",
    "jsonl_field": "GLOSSA_FIELD",
    "jobs": "GLOSSA_JOBS",
    "max_file_size": "GLOSSA_MAX_FILE_SIZE",
    "shard_size": "GLOSSA_SHARD_SIZE",
    "max_archive_size": "GLOSSA_MAX_ARCHIVE_SIZE",
    "max_archive_ratio": "GLOSSA_MAX_ARCHIVE_RATIO",
    "executor": "GLOSSA_EXECUTOR",
    "ray_address": "RAY_ADDRESS",  # Ray's own variable, as `ray` and `ray.init` read it
}
#: Every ``GLOSSA_*`` variable read (and Ray's ``RAY_ADDRESS``), with the setting it sets (``GLOSSA_HOME``
#: sets the data folder).
ENV_VARIABLES = {"home": "GLOSSA_HOME", **_ENV_KEYS}
_FILE_KEYS = {
    "expected_language": "expected_language",
    "min_chars": "min_chars",
    "min_confidence": "min_confidence",
    "fail_on": "fail_on",
    "glossaries": "glossary",
    "models_dir": "models_dir",
    "jsonl_field": "field",
    "include": "include",
    "exclude": "exclude",
    "jobs": "jobs",
    "max_file_size": "max_file_size",
    "shard_size": "shard_size",
    "max_archive_size": "max_archive_size",
    "max_archive_ratio": "max_archive_ratio",
    "executor": "executor",
    "ray_address": "ray_address",
}

#: Jobs beyond this are refused: more threads than this only slow a run down (and 10000 took minutes).
MAX_JOBS = max(4, (os.cpu_count() or 1) * 4)
_SIZE_UNITS = {
    "": 1,
    "B": 1,
    "K": 1024,
    "KB": 1024,
    "KIB": 1024,
    "M": 1024**2,
    "MB": 1024**2,
    "MIB": 1024**2,
    "G": 1024**3,
    "GB": 1024**3,
    "GIB": 1024**3,
}


def parse_size(value: object) -> int:
    """A byte count from an int or a string such as ``256MB`` (binary units: 1 KB = 1024 bytes).

    >>> parse_size("256MB"), parse_size(10), parse_size("1.5 GiB")
    (268435456, 10, 1610612736)

    Raises:
        ValueError: not a positive size.
    """
    if isinstance(value, bool):
        raise ValueError("expected a size such as 256MB")
    if isinstance(value, int):
        number = float(value)
    else:
        text = str(value).strip().upper().replace(" ", "")
        digits = text.rstrip("BKMGI")
        unit = text[len(digits) :]
        if unit not in _SIZE_UNITS or not digits:
            raise ValueError("expected a size such as 256MB")
        number = float(digits) * _SIZE_UNITS[unit]
    if number < 1:
        raise ValueError("must be at least 1 byte")
    return int(number)


def _coerce(name: str, value: Any, origin: str, base: Path | None = None) -> Any:
    """``value`` of setting ``name`` checked and converted; relative paths joined to ``base`` when given."""
    try:
        if name in ("glossaries", "models_dir"):
            return _paths(name, value, base)
        if name in ("include", "exclude"):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(check_glob(str(v)) for v in items if str(v))
        return _scalar(name, value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid value {value!r} for {name} ({exc}); fix it in {origin}") from exc


def _paths(name: str, value: Any, base: Path | None) -> Any:
    def place(item: object) -> Path:
        path = Path(str(item)).expanduser()
        return base / path if base is not None and not path.is_absolute() else path

    if name == "models_dir":
        return place(value)
    items = value.split(os.pathsep) if isinstance(value, str) else list(value)
    return tuple(place(v) for v in items if str(v))


def _scalar(name: str, value: Any) -> Any:
    if name in ("min_chars", "jobs"):
        number = int(value)
        if name == "jobs" and not 1 <= number <= MAX_JOBS:
            raise ValueError(f"must be between 1 and {MAX_JOBS}")
        return number
    if name in ("max_file_size", "max_archive_size", "shard_size"):
        return parse_size(value)
    if name == "max_archive_ratio":
        ratio = int(value)
        if ratio < 1:
            raise ValueError("must be at least 1")
        return ratio
    if name == "min_confidence":
        number_f = float(value)
        if not 0.0 <= number_f <= 1.0:
            raise ValueError("must be between 0 and 1")
        return number_f
    if name == "fail_on":
        word = str(value).strip().lower()
        if word == "never":
            return "never"
        if word not in {s.value for s in Severity}:
            raise ValueError("expected info, warning, error or never")
        return Severity(word)
    if name == "expected_language":
        return language_code(str(value))
    if name == "executor":
        word = str(value).strip().lower()
        if word not in EXECUTORS:
            raise ValueError(f"expected {' or '.join(EXECUTORS)}")
        return word
    if name == "ray_address":
        address = str(value).strip()
        if not address:
            raise ValueError("expected HOST:PORT, auto, or ray://HOST:PORT")
        return address
    return str(value)


def check_glob(pattern: str) -> str:
    """Return ``pattern`` if it is a well-formed glob; an unclosed ``[`` is an error, not a literal.

    >>> check_glob("*.md"), check_glob("[!.]*"), check_glob("[]]x")
    ('*.md', '[!.]*', '[]]x')
    >>> check_glob("[")
    Traceback (most recent call last):
    ...
    ValueError: glob '[' has an unclosed '['; write [[] for a literal bracket
    """
    i, n = 0, len(pattern)
    while i < n:
        if pattern[i] == "[":
            j = i + 1
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                raise ValueError(f"glob {pattern!r} has an unclosed '['; write [[] for a literal bracket")
            i = j
        i += 1
    return pattern


def language_code(value: str) -> str:
    """Return ``value`` as a lower-case ISO 639-1 code, checked against langcodes' registry.

    >>> language_code(" RU ")
    'ru'
    >>> language_code("xx")
    Traceback (most recent call last):
    ...
    ValueError: 'xx' is not an ISO 639-1 language code (e.g. en, ru, de)
    """
    import langcodes

    code = value.strip().lower()
    if len(code) == 2 and code.isascii() and code.isalpha() and langcodes.tag_is_valid(code):
        return code
    raise ValueError(f"{value!r} is not an ISO 639-1 language code (e.g. en, ru, de)")


def find_config(cwd: Path) -> Path | None:
    """Return the nearest config file from ``cwd`` upward: ``glossa.toml``, else a ``pyproject.toml`` that
    has a ``[tool.glossa]`` table; the search stops after the repository root (a folder holding ``.git``)
    or at the filesystem root.

    Raises:
        ConfigError: a ``pyproject.toml`` on the way cannot be read or parsed.
    """
    for folder in (cwd, *cwd.parents):
        if (folder / "glossa.toml").is_file():
            return folder / "glossa.toml"
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _read_toml(pyproject).get("tool", {}).get("glossa") is not None:
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}; fix the TOML syntax", path=str(path)) from exc


def _file_table(config: Path | None, cwd: Path) -> tuple[dict[str, Any], Path | None]:
    if config is not None and not config.is_file():
        raise ConfigError(f"config file {config} not found; pass an existing --config FILE")
    path = config if config is not None else find_config(cwd)
    if path is None:
        return {}, None
    data = _read_toml(path)
    table = data.get("tool", {}).get("glossa") if path.name == "pyproject.toml" else data
    if table is None:
        return {}, path
    if path.name != "pyproject.toml" and "tool" in table:
        table = table["tool"].get("glossa", table)
    unknown = set(table) - set(_FILE_KEYS.values())
    if unknown:
        known = ", ".join(sorted(_FILE_KEYS.values()))
        raise ConfigError(f"unknown setting(s) {', '.join(sorted(unknown))}; known: {known}", path=str(path))
    return dict(table), path


@dataclass(frozen=True, slots=True)
class Resolved:
    """Settings and where each came from: ``flag``, ``env NAME``, ``file PATH`` or ``default``."""

    settings: Settings
    sources: Mapping[str, str]
    config_file: Path | None


def resolve(
    flags: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    config: Path | None = None,
) -> Settings:
    """Build :class:`Settings` from flags, environment, config file and defaults.

    Args:
        flags: values given on the command line; ``None`` values mean "not given".
        env: the environment (``os.environ`` when omitted).
        cwd: folder the config file search starts in (the working directory when omitted).
        config: an explicit config file, which must exist.

    Returns:
        The resolved settings.

    Raises:
        ConfigError: a value is invalid or the config file is unreadable.
    """
    return resolve_with_sources(flags, env=env, cwd=cwd, config=config).settings


def resolve_with_sources(
    flags: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    config: Path | None = None,
) -> Resolved:
    """:func:`resolve`, also saying where each setting came from (for ``glossa config``)."""
    env = os.environ if env is None else env
    cwd = Path.cwd() if cwd is None else cwd
    table, path = _file_table(config, cwd)
    home = data_home(env)
    values: dict[str, Any] = {"home": home, "models_dir": home / "models", "glossaries": shipped_glossaries()}
    sources = {f.name: "default" for f in fields(Settings)}
    if env.get("GLOSSA_HOME"):
        sources["home"] = sources["models_dir"] = "env GLOSSA_HOME"
    for name, key in _FILE_KEYS.items():
        if key in table and path is not None:
            values[name] = _coerce(name, table[key], str(path), base=path.parent)
            sources[name] = f"file {path}"
    for name, key in _ENV_KEYS.items():
        if env.get(key):
            values[name] = _coerce(name, env[key], f"${key}")
            sources[name] = f"env {key}"
    for name, value in (flags or {}).items():
        if value is None or (isinstance(value, tuple | list) and not value):
            continue
        if name not in sources:
            raise ConfigError(f"unknown setting {name}")
        values[name] = _coerce(name, value, "the command line") if name != "home" else Path(value)
        sources[name] = "flag"
    return Resolved(replace(Settings(), **values), sources, path)
