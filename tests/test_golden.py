"""Golden tests: every sample through `audit` and `translate` (FakeTranslator), compared byte for byte.

The goldens pin what users see. Regenerate on purpose with ``pytest tests/test_golden.py --update-golden``
and review the diff. Paths are made relative to the repository and the version is normalised.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import FakeTranslator

from pipeline import __version__
from pipeline.app.audit import audit_paths
from pipeline.app.translate import TranslateRequest, translate_paths
from pipeline.config import resolve
from pipeline.document import AuditRun
from pipeline.render import audit as reports

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
GOLDEN = REPO / "tests" / "golden"


def _normalise(text: str) -> str:
    return text.replace(str(REPO) + "/", "").replace(f'"version": "{__version__}"', '"version": "X"')


def _check(path: Path, actual: str | bytes, update: bool) -> None:
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.is_file(), f"missing golden {path.name}: run pytest --update-golden and review it"
    assert data == path.read_bytes(), f"{path.name} differs; review, then --update-golden"


def _audit(sample: Path) -> AuditRun:
    return audit_paths([sample], resolve({}, env={}, cwd=REPO))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_audit_golden(sample: Path, update_golden: bool) -> None:
    actual = _normalise(reports.render_json(_audit(sample)))
    _check(GOLDEN / "audit" / f"{sample.name}.json", actual, update_golden)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_translate_golden(sample: Path, tmp_path: Path, update_golden: bool) -> None:
    settings = resolve({}, env={"GLOSSA_HOME": str(tmp_path / "home")}, cwd=REPO)
    out = tmp_path / "out" / sample.name
    fake = FakeTranslator()
    run = translate_paths([sample], settings, TranslateRequest(output=out), translator=fake)
    _check(GOLDEN / "translate" / sample.name, out.read_bytes(), update_golden)
    from pipeline.render.translate import render_json

    report = json.loads(render_json(run))
    for item in report["files"]:
        item["output"] = Path(item["output"]).name
    _check(
        GOLDEN / "translate" / f"{sample.name}.report.json",
        _normalise(json.dumps(report, ensure_ascii=False, indent=2) + "\n"),
        update_golden,
    )
    # Every byte outside the reported spans is unchanged: splicing the reported targets into the input
    # gives exactly the output (plain text and Markdown are written back verbatim around the spans).
    if sample.suffix in (".txt", ".md"):
        from pipeline.formats import read_path

        doc = read_path(sample)
        text = doc.text
        for change in sorted(run.files[0].changes, key=lambda c: c.start, reverse=True):
            text = text[: change.start] + change.target_text + text[change.end :]
        assert out.read_bytes().decode(doc.encoding) == text


def test_seed_golden_has_the_russian_fragment() -> None:
    data = json.loads((GOLDEN / "audit" / "us-russia-space-cooperation.txt.json").read_text(encoding="utf-8"))
    foreign = [f for f in data["files"][0]["findings"] if f["kind"] == "foreign-text"]
    assert [(f["text"], f["language"], f["line"], f["column"]) for f in foreign] == [
        ("Заголовок открываемого материала", "ru", 24, 1)
    ]
    chrome = {f["text"] for f in data["files"][0]["findings"] if f["kind"] == "ui-chrome"}
    assert {"Subscribe", "Newsfeed", "Chats"} <= chrome


def test_audit_is_deterministic() -> None:
    sample = REPO / "samples" / "roscosmos-iss-2028.html"
    assert reports.render_json(_audit(sample)) == reports.render_json(_audit(sample))


@pytest.mark.parametrize("name", ["json", "sarif", "jsonl"])
def test_the_report_in_pieces_is_the_report(name: str) -> None:
    """The CLI writes a report as pieces (a corpus's report is never one string): the same bytes as one
    ``json.dumps`` of the whole report (``render_json``, ``render_sarif``), or one per line."""
    from pipeline.render import OutputFormat
    from pipeline.text.names import path_text

    run = _audit(REPO / "samples" / "roscosmos-iss-2028.html")
    pieces = list(reports.render_chunks(run, OutputFormat(name)))
    if name == "jsonl":
        expected = "".join(
            json.dumps({"path": path_text(r.path), **reports.finding_to_dict(f)}, ensure_ascii=False) + "\n"
            for r in run.files
            for f in r.findings
        )
    else:
        expected = reports.render_json(run) if name == "json" else reports.render_sarif(run)
        assert len(pieces) > 100  # the encoder's pieces, not one string
    assert "".join(pieces) == expected


def test_audit_report_file_is_stdout(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    sample = str(REPO / "samples" / "roscosmos-iss-2028.html")
    runner = CliRunner()
    for name in ("json", "sarif", "jsonl"):
        shown = runner.invoke(app, ["audit", sample, "--format", name])
        written = runner.invoke(app, ["audit", sample, "--format", name, "-o", str(tmp_path / name)])
        assert shown.exit_code == written.exit_code == 1
        assert (tmp_path / name).read_text(encoding="utf-8") == shown.stdout
