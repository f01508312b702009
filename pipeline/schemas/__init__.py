"""The JSON Schemas (draft 2020-12) of Glossa's JSON reports, shipped as package data.

Every ``--format json`` report names its schema in its ``schema`` field (``glossa.audit/1``); this module
maps those ids to the schema files beside it. Rules: a schema id is ``glossa.NAME/VERSION``, its file
``NAME-VERSION.schema.json`` and its ``$id`` ``urn:glossa:schema:NAME:VERSION``; a report gains, loses or
changes a field only under a new version. Pure: reading the files is the only side effect.
"""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

__all__ = ["SCHEMA_IDS", "load_schema", "schema_file"]

#: Every published report schema id, in the order the README lists them.
SCHEMA_IDS = (
    "glossa.audit/1",
    "glossa.check/1",
    "glossa.translate/1",
    "glossa.qa/1",
    "glossa.lookup/1",
    "glossa.tm-list/1",
    "glossa.models-list/1",
    "glossa.config/1",
)


def schema_file(schema_id: str) -> Traversable:
    """The shipped file of a schema id.

    >>> schema_file("glossa.tm-list/1").name
    'tm-list-1.schema.json'
    """
    if schema_id not in SCHEMA_IDS:
        raise KeyError(f"unknown schema id {schema_id!r}; known: {', '.join(SCHEMA_IDS)}")
    name, _, version = schema_id.removeprefix("glossa.").partition("/")
    return files(__name__) / f"{name}-{version}.schema.json"


def load_schema(schema_id: str) -> dict[str, Any]:
    """The parsed JSON Schema of a schema id (a boundary: JSON is untyped)."""
    data: dict[str, Any] = json.loads(schema_file(schema_id).read_text(encoding="utf-8"))
    return data
