"""Every JSON report validates against its shipped JSON Schema (draft 2020-12), and the schemas are valid.

The outputs are real runs of the commands on the shipped samples and the suite's tiny Argos packages
(tests/argos_fixture.py), read with ``jsonschema``, the library users validate our reports with.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from argos_fixture import argos_dictionary_archive, install_archive  # noqa: F401  (a fixture, by name)
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli.models import MODELS_LIST_SCHEMA
from pipeline.cli.tm import TM_LIST_SCHEMA
from pipeline.render.audit import AUDIT_SCHEMA, CHECK_SCHEMA
from pipeline.render.config import CONFIG_SCHEMA
from pipeline.render.glossary import LOOKUP_SCHEMA
from pipeline.render.qa import QA_SCHEMA
from pipeline.render.translate import TRANSLATE_SCHEMA
from pipeline.schemas import SCHEMA_IDS, load_schema, schema_file

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
runner = CliRunner()


def _run(*args: str, codes: tuple[int, ...] = (0,)) -> dict[str, Any]:
    result = runner.invoke(app, list(args))
    assert result.exit_code in codes, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _valid(data: dict[str, Any]) -> None:
    """Validate a report against the schema its ``schema`` field names; every error is shown."""
    validator = Draft202012Validator(load_schema(data["schema"]))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, "\n".join(errors[:20])


@pytest.mark.parametrize("schema_id", SCHEMA_IDS)
def test_schema_is_valid_against_the_metaschema(schema_id: str) -> None:
    schema = load_schema(schema_id)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    name, _, version = schema_id.removeprefix("glossa.").partition("/")
    assert schema["$id"] == f"urn:glossa:schema:{name}:{version}"
    assert schema["properties"]["schema"] == {"const": schema_id}


def test_every_report_id_in_the_code_has_a_schema() -> None:
    in_code = [
        AUDIT_SCHEMA,
        CHECK_SCHEMA,
        TRANSLATE_SCHEMA,
        QA_SCHEMA,
        LOOKUP_SCHEMA,
        TM_LIST_SCHEMA,
        MODELS_LIST_SCHEMA,
        CONFIG_SCHEMA,
    ]
    assert in_code == list(SCHEMA_IDS)
    shipped = sorted(p.name for p in schema_file(AUDIT_SCHEMA).parent.iterdir() if p.name.endswith(".json"))
    assert shipped == sorted(schema_file(s).name for s in SCHEMA_IDS)


def test_check_and_audit_schemas_differ_only_in_their_names() -> None:
    audit, check = load_schema(AUDIT_SCHEMA), load_schema(CHECK_SCHEMA)
    names = ("$id", "title", "description")
    assert {k: v for k, v in audit.items() if k not in names} | {"properties": None} == {
        k: v for k, v in check.items() if k not in names
    } | {"properties": None}
    assert {**audit["properties"], "schema": None} == {**check["properties"], "schema": None}


def test_audit_json_of_the_samples() -> None:
    data = _run("audit", str(SAMPLES), "--format", "json", codes=(1,))
    _valid(data)
    assert data["schema"] == "glossa.audit/1"
    findings = [f for file in data["files"] for f in file["findings"]]
    assert {f["kind"] for f in findings} >= {"foreign-text", "ui-chrome", "homoglyph"}
    assert any("record" in f for f in findings)  # the JSON Lines sample
    assert any("details" in f for f in findings)


def test_glossary_check_json_has_its_own_id() -> None:
    data = _run("glossary", "check", str(SAMPLES), "--format", "json", codes=(1,))
    _valid(data)
    assert data["schema"] == "glossa.check/1"
    assert any(file["findings"] for file in data["files"])


def test_config_json() -> None:
    data = _run("config", "--format", "json")
    _valid(data)
    assert {s["name"] for s in data["settings"]} >= {"fail_on", "glossaries", "expected_language"}


def test_lookup_json() -> None:
    data = _run("glossary", "lookup", "Экипаж «Союза МС-07» прибыл на МКС", "--format", "json")
    _valid(data)
    assert {m["concept"] for m in data["matches"]} >= {"crew", "iss"}
    assert any(m["number"] for m in data["matches"])


def test_translate_qa_tm_and_models_json(
    argos_dictionary_archive: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    models = tmp_path / "models"
    install_archive(argos_dictionary_archive, models)
    listed = _run("models", "list", "--format", "json", "--models-dir", str(models))
    _valid(listed)
    assert listed["count"] == len(listed["items"]) == 1

    review = tmp_path / "review.xlf"
    translated = _run(
        "translate",
        str(SAMPLES / "us-russia-space-cooperation.txt"),
        str(SAMPLES / "space-news-feed.jsonl"),
        "-o",
        str(tmp_path / "out"),
        "--xliff",
        str(review),
        "--models-dir",
        str(models),
        "--format",
        "json",
        codes=(0, 1),
    )
    _valid(translated)
    changes = [c for file in translated["files"] for c in file["changes"]]
    assert any(c["provenance"].startswith("argos") for c in changes)
    assert any("record" in c for c in changes)

    checked = _run("qa", str(review), "--format", "json", codes=(0, 1))
    _valid(checked)
    assert checked["summary"]["pairs"] > 0

    memory = _run("tm", "list", "--format", "json")
    _valid(memory)
    assert memory["count"] == len(memory["items"]) > 0


def test_empty_lists_are_objects_too(tmp_path: Path) -> None:
    for args in (["tm", "list"], ["models", "list", "--models-dir", str(tmp_path / "none")]):
        data = _run(*args, "--format", "json")
        _valid(data)
        assert (data["count"], data["items"]) == (0, [])
