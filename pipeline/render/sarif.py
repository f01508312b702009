"""Build SARIF 2.1.0 logs, the one skeleton behind ``glossa audit`` and ``glossa qa`` SARIF output.

Rules: pure functions over plain values; keys are written in a fixed order, optional ones only when given,
so the same results always render to the same bytes (goldens).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.document import Severity

__all__ = ["LEVEL", "location", "log", "result", "rule"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

#: SARIF levels of Glossa's severities (info -> note).
LEVEL = {Severity.INFO: "note", Severity.WARNING: "warning", Severity.ERROR: "error"}


def rule(
    rule_id: str, description: str, *, name: str | None = None, help_uri: str | None = None
) -> dict[str, Any]:
    """A ``reportingDescriptor``: id, optional name, short description, optional help URI."""
    data: dict[str, Any] = {"id": rule_id}
    if name is not None:
        data["name"] = name
    data["shortDescription"] = {"text": description}
    if help_uri is not None:
        data["helpUri"] = help_uri
    return data


def location(
    uri: str, *, region: Mapping[str, Any] | None = None, logical: str | None = None
) -> dict[str, Any]:
    """A ``location``: the artifact's URI, with a region and/or a logical location when given."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if region is not None:
        physical["region"] = dict(region)
    data: dict[str, Any] = {"physicalLocation": physical}
    if logical is not None:
        data["logicalLocations"] = [{"name": logical}]
    return data


def result(
    rule_id: str,
    severity: Severity,
    message: str,
    where: Mapping[str, Any],
    *,
    rule_index: int | None = None,
    properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``result`` of one rule at one location."""
    data: dict[str, Any] = {"ruleId": rule_id}
    if rule_index is not None:
        data["ruleIndex"] = rule_index
    data["level"] = LEVEL[severity]
    data["message"] = {"text": message}
    data["locations"] = [dict(where)]
    if properties is not None:
        data["properties"] = dict(properties)
    return data


def log(
    *,
    version: str,
    rules: Sequence[Mapping[str, Any]],
    results: Sequence[Mapping[str, Any]],
    information_uri: str | None = None,
    invocations: Sequence[Mapping[str, Any]] | None = None,
    artifacts: Sequence[str] | None = None,
) -> str:
    """The whole log of one run of ``glossa`` as JSON text (2-space indent, UTF-8 kept, final newline)."""
    driver: dict[str, Any] = {"name": "glossa", "version": version}
    if information_uri is not None:
        driver["informationUri"] = information_uri
    driver["rules"] = list(rules)
    run: dict[str, Any] = {"tool": {"driver": driver}}
    if invocations is not None:
        run["invocations"] = list(invocations)
    if artifacts is not None:
        run["artifacts"] = [{"location": {"uri": uri}} for uri in artifacts]
    run["results"] = list(results)
    data = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
