"""The one exit-code policy (pipeline.render.exit_codes) and the CLI's use of it.

The codes are an API (README "Exit codes"): 0 clean, 1 findings at or above --fail-on or something left for a
person, 2 the run could not complete, 130 interrupted.
"""

from __future__ import annotations

import contextlib
import json
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pipeline.cli as cli_module
from pipeline import errors
from pipeline.app.audit import AuditInterrupted
from pipeline.cli import app
from pipeline.document import AuditRun, DocFormat, FileReport, Finding, FindingKind, QARun, Severity
from pipeline.errors import ConfigError, GlossaryError, ModelNotInstalled, Terminated
from pipeline.render import exit_codes
from pipeline.render.exit_codes import FailOn, audit_exit, findings_exit, for_exception, qa_exit


def _finding(severity: Severity) -> Finding:
    return Finding(FindingKind.FOREIGN_TEXT, severity, 0, 6, 1, 1, "Привет", "m", "translate", "ru", 0.9)


def _run(*severities: Severity, error: str | None = None) -> AuditRun:
    reports = [FileReport("a.txt", DocFormat.TEXT, "utf-8", None, tuple(_finding(s) for s in severities))]
    if error is not None:
        reports.append(FileReport("b.txt", None, None, error))
    return AuditRun("en", tuple(reports))


@pytest.mark.parametrize(
    ("worst", "fail_on", "code"),
    [
        (Severity.INFO, Severity.INFO, 1),
        (Severity.INFO, Severity.WARNING, 0),
        (Severity.WARNING, Severity.WARNING, 1),
        (Severity.WARNING, Severity.ERROR, 0),
        (Severity.ERROR, Severity.ERROR, 1),
        (Severity.ERROR, "never", 0),
    ],
)
def test_a_finding_fails_the_run_at_or_above_fail_on(worst: Severity, fail_on: FailOn, code: int) -> None:
    assert audit_exit(_run(Severity.INFO, worst), fail_on) == code
    assert findings_exit([worst], fail_on) == code


@pytest.mark.parametrize("fail_on", [Severity.INFO, Severity.ERROR, "never"])
def test_a_failed_file_outranks_every_finding(fail_on: FailOn) -> None:
    assert audit_exit(_run(Severity.ERROR, error="unreadable"), fail_on) == exit_codes.FAILED
    assert qa_exit(QARun(pairs=1, findings=(), errors=(("x.txt", "not XLIFF"),)), fail_on) == 2


def test_no_findings_is_clean() -> None:
    assert audit_exit(_run(), Severity.INFO) == exit_codes.OK
    assert qa_exit(QARun(pairs=0, findings=()), Severity.INFO) == 0


@pytest.mark.parametrize("exc", [ConfigError("x"), GlossaryError("x"), ModelNotInstalled("x"), OSError("x")])
def test_every_error_of_the_hierarchy_exits_2(exc: BaseException) -> None:
    assert for_exception(exc) == 2


def test_interrupt_and_closed_stdout() -> None:
    assert for_exception(KeyboardInterrupt()) == exit_codes.INTERRUPTED == 130
    assert for_exception(BrokenPipeError()) == exit_codes.OK


def test_a_stop_signal_exits_128_plus_its_number_even_when_wrapped() -> None:
    assert for_exception(Terminated(signal.SIGTERM)) == 143
    assert for_exception(Terminated(signal.SIGHUP)) == 129
    wrapped = AuditInterrupted(3, Path("ckpt"))  # audit and translate re-raise it as their own
    wrapped.__cause__ = Terminated(signal.SIGTERM)  # as `raise ... from exc` sets it
    assert for_exception(wrapped) == 143
    assert for_exception(AuditInterrupted(3, None)) == 130


@pytest.mark.parametrize("fail_on", ["info", "warning", "error", "never"])
def test_cli_fail_on_choices(tmp_path: Path, fail_on: str) -> None:
    doc = tmp_path / "a.md"
    doc.write_text(
        "The crew said «Поехали, мы летим к звёздам сегодня ночью» before launch.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["audit", str(doc), "--fail-on", fail_on, "-f", "json"])
    kinds = [(f["kind"], f["severity"]) for f in json.loads(result.stdout)["files"][0]["findings"]]
    assert kinds == [("foreign-text", "warning")]
    assert result.exit_code == (1 if fail_on in ("info", "warning") else 0)


@pytest.mark.parametrize(
    "args", [["audit", ""], ["audit", "a.txt", "-o", ""], ["translate", "a.txt", "-o", ""]]
)
def test_an_empty_path_is_one_line_naming_the_fix(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "glossa: error: an empty path names no file or folder; give one (use . for the current folder)"
    ]


def _stopped_while_building(*args: object, **kwargs: object) -> None:
    errors.stop(signal.SIGTERM)  # before click runs a command: typer builds it, reads argv


def _stopped_then_click_exits_130(*args: object, **kwargs: object) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        errors.stop(signal.SIGTERM)
    raise SystemExit(130)  # click's answer to an interrupt it caught


@pytest.mark.parametrize("app_call", [_stopped_while_building, _stopped_then_click_exits_130])
def test_a_stop_signal_outside_a_command_body_keeps_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, app_call: object
) -> None:
    monkeypatch.setattr(errors, "_STOPS", [])
    monkeypatch.setattr(cli_module, "app", app_call)
    with pytest.raises(SystemExit) as exited:
        cli_module.main(["audit", "x"])
    assert exited.value.code == 143
