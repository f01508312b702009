"""A checkpoint folder: each finished shard's result, so a rerun after a crash or a kill skips what finished.

Layout (every file JSON, never pickle: a checkpoint folder from elsewhere cannot run code)::

    DIR/glossa-checkpoint.json      the manifest: format version, what the run was, its inputs
    DIR/shards/F-S.json             the result of shard S of input F
    DIR/shards/F-S.done             its completion marker: the SHA-256 of the result file

A result file is written atomically (a temporary file, then a rename) and its marker after it, so a marker
always names a whole result; a result whose marker is missing or does not match (a crash between the two, a
disk that lost the last writes) is done again. The manifest holds a fingerprint of the settings (glossary
files by content) and each input's path, size and modification time: a rerun with other inputs or settings is
refused with one line saying what changed. A folder that is not empty and holds no manifest is refused
too: nothing but Glossa's own files is ever written into it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.document import Finding, FindingKind, Region, Severity
from pipeline.errors import ConfigError

__all__ = ["FORMAT_VERSION", "MANIFEST", "Checkpoint", "finding_from_json", "finding_to_json", "input_stamps"]

#: Version of the folder's layout and of its result files.
FORMAT_VERSION = 1
#: The manifest's file name: its presence makes a folder a Glossa checkpoint.
MANIFEST = "glossa-checkpoint.json"
_FIX = "pass another --checkpoint folder, or delete this one to start over"


def input_stamps(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Each input's path, size and modification time (nanoseconds); a missing file has neither."""
    out: list[dict[str, Any]] = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            out.append({"path": str(path), "size": None, "mtime_ns": None})
            continue
        out.append({"path": str(path), "size": info.st_size, "mtime_ns": info.st_mtime_ns})
    return out


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content (a glossary in force, a streamed output), read in blocks, or ``missing``
    when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return "missing"


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    """What differs between a stored manifest and this run's, in a few words (None: nothing)."""
    if old.get("version") != new["version"]:
        return f"it was written by another Glossa checkpoint format ({old.get('version')!r})"
    if old.get("command") != new["command"]:
        return f"it belongs to `glossa {old.get('command')}`"
    for key in sorted(new["settings"]):
        if old.get("settings", {}).get(key) != new["settings"][key]:
            return f"the setting {key} changed"
    if old.get("shard_size") != new["shard_size"]:
        return "the shard size changed"
    before = {entry["path"]: entry for entry in old.get("inputs", [])}
    now = {entry["path"]: entry for entry in new["inputs"]}
    if list(before) != list(now):
        added = [p for p in now if p not in before]
        gone = [p for p in before if p not in now]
        if added:
            return f"the input {added[0]} is new"
        if gone:
            return f"the input {gone[0]} is no longer named"
        return "the inputs are in another order"
    for path, entry in now.items():
        if before[path] != entry:
            return f"the input {path} changed (size or modification time)"
    return None


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """An open checkpoint folder (see the module docstring); :meth:`open` makes or checks it."""

    folder: Path

    @classmethod
    def open(
        cls,
        folder: Path,
        *,
        command: str,
        settings: Mapping[str, Any],
        inputs: Sequence[Path],
        shard_size: int,
    ) -> Checkpoint:
        """Open ``folder`` for a run, creating it (and its manifest) when missing or empty.

        Raises:
            ConfigError: the folder is a file, is not empty and not a checkpoint, or was made for other
                inputs or settings (the message says which and the fix).
        """
        from pipeline.formats import write_path

        manifest = {
            "glossa-checkpoint": True,
            "version": FORMAT_VERSION,
            "command": command,
            "settings": dict(settings),
            "shard_size": shard_size,
            "inputs": input_stamps(inputs),
        }
        where = str(folder)
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"--checkpoint {where} is a file, not a folder; {_FIX}")
        stored = folder / MANIFEST
        if stored.is_file():
            try:
                old = json.loads(stored.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigError(
                    f"--checkpoint {where}: its manifest cannot be read ({exc}); {_FIX}"
                ) from exc
            reason = _changed(old, manifest)
            if reason is not None:
                raise ConfigError(f"--checkpoint {where} was made for another run: {reason}; {_FIX}")
        else:
            if folder.is_dir() and any(folder.iterdir()):
                raise ConfigError(
                    f"--checkpoint {where} is not empty and not a Glossa checkpoint; "
                    "name a new or empty folder"
                )
            (folder / "shards").mkdir(parents=True, exist_ok=True)
            text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
            write_path(stored, text, "utf-8", overwrite=True)
        (folder / "shards").mkdir(exist_ok=True)
        return cls(folder)

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / "shards"
        return base / f"{key}.json", base / f"{key}.done"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored result of shard ``key`` (``F-S``), or None when it did not finish (or is damaged)."""
        result, marker = self._paths(key)
        try:
            data = result.read_bytes()
            expected = marker.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if hashlib.sha256(data).hexdigest() != expected:
            return None
        try:
            value = json.loads(data)
        except ValueError:
            return None
        return value if isinstance(value, dict) and value.get("version") == FORMAT_VERSION else None

    def finished(self) -> int:
        """How many shards have a completion marker (finished, as far as a listing can tell)."""
        return sum(1 for _ in (self.folder / "shards").glob("*.done"))

    def has(self, key: str) -> bool:
        """Whether shard ``key`` finished (its result is whole)."""
        return self.get(key) is not None

    def put(self, key: str, value: Mapping[str, Any]) -> None:
        """Store shard ``key``'s result atomically, then its completion marker."""
        from pipeline.formats import write_path

        result, marker = self._paths(key)
        text = json.dumps({"version": FORMAT_VERSION, **value}, ensure_ascii=False, sort_keys=True)
        write_path(result, text, "utf-8", overwrite=True)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        write_path(marker, digest + "\n", "ascii", overwrite=True)


def finding_to_json(f: Finding) -> dict[str, Any]:
    """A finding as a JSON object (every field; :func:`finding_from_json` is its inverse)."""
    return {
        "kind": f.kind.value,
        "severity": f.severity.value,
        "start": f.start,
        "end": f.end,
        "line": f.line,
        "column": f.column,
        "text": f.text,
        "message": f.message,
        "action": f.action,
        "language": f.language,
        "confidence": f.confidence,
        "replacement": f.replacement,
        "record": f.record,
        "field": f.field,
        "rule": f.rule,
        "details": [list(pair) for pair in f.details],
        "region": None if f.region is None else list(_region_tuple(f.region)),
    }


def _region_tuple(r: Region) -> tuple[int, int, int, int, str]:
    return r.start_line, r.start_column, r.end_line, r.end_column, r.snippet


def finding_from_json(obj: Mapping[str, Any]) -> Finding:
    """The finding :func:`finding_to_json` wrote.

    >>> f = Finding(FindingKind.HOMOGLYPH, Severity.ERROR, 0, 1, 2, 1, "а", "m", confidence=0.1 + 0.2,
    ...             details=(("k", "v"),), region=Region(2, 1, 2, 2, "а"))
    >>> finding_from_json(json.loads(json.dumps(finding_to_json(f)))) == f
    True
    """
    region = obj["region"]
    return Finding(
        kind=FindingKind(obj["kind"]),
        severity=Severity(obj["severity"]),
        start=obj["start"],
        end=obj["end"],
        line=obj["line"],
        column=obj["column"],
        text=obj["text"],
        message=obj["message"],
        action=obj["action"],
        language=obj["language"],
        confidence=obj["confidence"],
        replacement=obj["replacement"],
        record=obj["record"],
        field=obj["field"],
        rule=obj["rule"],
        details=tuple((str(k), str(v)) for k, v in obj["details"]),
        region=None if region is None else Region(*region),
    )
