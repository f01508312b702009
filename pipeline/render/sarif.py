"""Build SARIF 2.1.0 logs as GitHub code scanning reads them (audit, glossary check and qa use it).

Rules: pure functions over plain values; keys are written in a fixed order, optional ones only when given,
so the same results always render to the same bytes. Columns are UTF-16 code units (``columnKind``, what
GitHub assumes); artifact URIs are relative to ``%SRCROOT%`` (the base folder, given as a ``file://`` URI in
``originalUriBaseIds``) and percent-encoded, or absolute ``file://`` URIs for files outside the base.
``partialFingerprints`` hash the rule, the normalized text and its occurrence, not the line, so moving text
does not re-open an alert. ``helpUri`` is left out: the project has no public home page yet, so help is
given inline (``help.text``/``help.markdown``, naming the README section).
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from pipeline.document import Region, Severity

__all__ = [
    "BASE_ID",
    "LEVEL",
    "Fingerprints",
    "artifact",
    "location",
    "dump_chunks",
    "dumps",
    "log_data",
    "region",
    "result",
    "rule",
    "sentence",
]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "%SRCROOT%"
_FINGERPRINT = "glossaFinding/v1"

#: SARIF levels of Glossa's severities (info -> note).
LEVEL = {Severity.INFO: "note", Severity.WARNING: "warning", Severity.ERROR: "error"}


def sentence(text: str) -> str:
    """``text`` ended as a sentence (a full stop unless it ends in ``.``, ``!`` or ``?``).

    >>> sentence("ru site interface text; remove it"), sentence("Done.")
    ('ru site interface text; remove it.', 'Done.')
    """
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def rule(
    rule_id: str,
    description: str,
    *,
    level: Severity,
    name: str | None = None,
    full: str | None = None,
    help_text: str | None = None,
    help_markdown: str | None = None,
) -> dict[str, Any]:
    """A ``reportingDescriptor``: id, name, short and full description, help and its default level."""
    data: dict[str, Any] = {"id": rule_id}
    if name is not None:
        data["name"] = name
    data["shortDescription"] = {"text": sentence(description)}
    data["fullDescription"] = {"text": sentence(full or description)}
    help_body = sentence(help_text or full or description)
    data["help"] = {"text": help_body, "markdown": help_markdown or help_body}
    data["defaultConfiguration"] = {"level": LEVEL[level]}
    return data


def artifact(path: str, base: str) -> dict[str, str]:
    """An ``artifactLocation`` for ``path``: relative to ``base`` under :data:`BASE_ID`, else ``file://``.

    Names are percent-encoded from their bytes (spaces, non-ASCII, undecodable bytes, ``%``).

    >>> artifact("docs/a b é.txt", "/w")
    {'uri': 'docs/a%20b%20%C3%A9.txt', 'uriBaseId': '%SRCROOT%'}
    >>> artifact(os.fsdecode(b"bad\\xff%.txt"), "/w")["uri"], artifact("/etc/x y", "/w")
    ('bad%FF%25.txt', {'uri': 'file:///etc/x%20y'})
    >>> artifact("/w/sub/a.txt", "/w"), artifact("../up.txt", "/w/in")
    ({'uri': 'sub/a.txt', 'uriBaseId': '%SRCROOT%'}, {'uri': 'file:///w/up.txt'})
    """
    pure = PurePath(os.path.normpath(os.path.join(base, path)))
    try:
        relative = pure.relative_to(base)
    except ValueError:
        return {"uri": "file://" + quote(os.fsencode(pure.as_posix()), safe="/")}
    return {"uri": quote(os.fsencode(relative.as_posix()), safe="/"), "uriBaseId": BASE_ID}


def region(where: Region) -> dict[str, Any]:
    """A ``region``: 1-based lines, UTF-16 columns (end just past the last unit), the raw snippet."""
    return {
        "startLine": where.start_line,
        "startColumn": where.start_column,
        "endLine": where.end_line,
        "endColumn": where.end_column,
        "snippet": {"text": where.snippet},
    }


def location(
    where: Mapping[str, str], *, at: Region | None = None, logical: str | None = None
) -> dict[str, Any]:
    """A ``location``: the artifact (see :func:`artifact`), with a region and/or a logical location."""
    physical: dict[str, Any] = {"artifactLocation": dict(where)}
    if at is not None:
        physical["region"] = region(at)
    data: dict[str, Any] = {"physicalLocation": physical}
    if logical is not None:
        data["logicalLocations"] = [{"name": logical}]
    return data


class Fingerprints:
    """Stable ``partialFingerprints`` for the results of one artifact.

    The hash covers the rule, the text (NFC, whitespace collapsed, case folded) and which occurrence of that
    pair in the artifact it is; lines and columns are left out.

    >>> fp = Fingerprints()
    >>> a, b, c = fp.of("r", "Hola  mundo"), fp.of("r", "hola mundo"), fp.of("r", "Hola mundo")
    >>> a == Fingerprints().of("r", "hola mundo"), a == b, b == c
    (True, False, False)
    """

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], int] = {}

    def of(self, rule_id: str, text: str) -> dict[str, str]:
        """The fingerprints of the next result of ``rule_id`` over ``text``."""
        normal = " ".join(unicodedata.normalize("NFC", text).casefold().split())
        occurrence = self._seen.get((rule_id, normal), 0)
        self._seen[(rule_id, normal)] = occurrence + 1
        digest = hashlib.sha256(f"{rule_id}\0{normal}\0{occurrence}".encode()).hexdigest()[:32]
        return {_FINGERPRINT: digest}


def result(
    rule_id: str,
    severity: Severity,
    message: str,
    where: Mapping[str, Any],
    *,
    rule_index: int | None = None,
    fingerprints: Mapping[str, str] | None = None,
    properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``result`` of one rule at one location; ``message`` is ended as a sentence."""
    data: dict[str, Any] = {"ruleId": rule_id}
    if rule_index is not None:
        data["ruleIndex"] = rule_index
    data["level"] = LEVEL[severity]
    data["message"] = {"text": sentence(message)}
    data["locations"] = [dict(where)]
    if fingerprints is not None:
        data["partialFingerprints"] = dict(fingerprints)
    if properties is not None:
        data["properties"] = dict(properties)
    return data


def dumps(data: Any) -> str:
    """``data`` as Glossa writes every JSON document: 2-space indent, UTF-8 kept, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def dump_chunks(data: Any) -> Iterator[str]:
    """:func:`dumps` of ``data`` as pieces, for a writer that writes each as it comes: a large report is
    never held as one string (nor as the encoder's list of its pieces)."""
    yield from json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data)
    yield "\n"


def log_data(
    *,
    version: str,
    automation_id: str,
    base: str,
    rules: Sequence[Mapping[str, Any]],
    results: Sequence[Mapping[str, Any]],
    invocations: Sequence[Mapping[str, Any]] | None = None,
    artifacts: Sequence[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The whole log of one run of ``glossa``, as the JSON object :func:`log` writes.

    ``automation_id`` names the command (``glossa/audit/``) so code scanning keeps each command's alerts
    apart; ``base`` is the absolute folder relative URIs count from.
    """
    driver: dict[str, Any] = {"name": "glossa", "version": version, "rules": list(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": automation_id},
        "originalUriBaseIds": {BASE_ID: {"uri": Path(base).as_uri().rstrip("/") + "/"}},
        "columnKind": "utf16CodeUnits",
    }
    if invocations is not None:
        run["invocations"] = list(invocations)
    if artifacts is not None:
        run["artifacts"] = [{"location": dict(a)} for a in artifacts]
    run["results"] = list(results)
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
