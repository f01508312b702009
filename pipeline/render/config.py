"""``glossa config``: every resolved setting and where it came from, as a table or JSON.

Rules: pure functions of a :class:`~pipeline.config.Resolved`; the JSON shape is ``glossa.config/1``
(pipeline/schemas/).
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from pipeline.config import ENV_VARIABLES, Resolved

__all__ = ["CONFIG_SCHEMA", "render_config_json", "render_config_table"]

CONFIG_SCHEMA = "glossa.config/1"


def _plain(value: object) -> object:
    """A JSON value for a setting: paths as strings, tuples as lists, enums as their value."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str):
        return str(value)
    return value


def _rows(resolved: Resolved) -> list[tuple[str, object, str]]:
    return [
        (f.name, _plain(getattr(resolved.settings, f.name)), resolved.sources[f.name])
        for f in fields(resolved.settings)
    ]


def render_config_json(resolved: Resolved) -> str:
    """The settings as ``{"schema", "config_file", "settings": [{name, value, source, env}]}``."""
    data = {
        "schema": CONFIG_SCHEMA,
        "config_file": None if resolved.config_file is None else str(resolved.config_file),
        "settings": [
            {"name": name, "value": value, "source": source, "env": ENV_VARIABLES.get(name)}
            for name, value, source in _rows(resolved)
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_config_table(resolved: Resolved) -> str:
    """One line per setting: ``name  value  source``, columns aligned, no trailing spaces."""
    rows = [
        (name, ", ".join(map(str, value)) if isinstance(value, list) else str(value), source)
        for name, value, source in _rows(resolved)
    ]
    header = ("setting", "value", "source")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(2)]
    lines = [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}".rstrip() for r in [header, *rows]]
    found = "none found" if resolved.config_file is None else str(resolved.config_file)
    return "\n".join([f"config file: {found}", *lines]) + "\n"
