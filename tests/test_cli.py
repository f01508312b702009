"""The command line edge: help for every command, exit codes as API, output streams."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from pipeline.cli import app

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "samples" / "us-russia-space-cooperation.txt"
runner = CliRunner()


def _commands() -> list[list[str]]:
    """Every command path of the app, e.g. ["audit"], ["glossary", "lookup"]."""
    root = get_command(app)
    paths: list[list[str]] = [[]]
    for name, cmd in sorted(root.commands.items()):  # type: ignore[attr-defined]
        paths.append([name])
        if hasattr(cmd, "commands"):
            paths.extend([name, sub] for sub in sorted(cmd.commands))
    return paths


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "glossa")
def test_every_command_has_help(path: list[str], flag: str) -> None:
    result = runner.invoke(app, [*path, flag])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    command = get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help or command.short_help, f"{' '.join(path)} has no help text"


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path in _commands()[1:]:
        assert f"glossa {' '.join(path)}" in readme, f"README does not mention `glossa {' '.join(path)}`"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("glossa ")


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["audit", "--format", "yaml", str(SEED)])
    assert result.exit_code == 2


def test_missing_path_exits_2_with_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt" in result.output
    assert "Traceback" not in result.output


def test_seed_article_exit_1_and_russian_fragment() -> None:
    result = runner.invoke(app, ["audit", "--format", "json", str(SEED)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["schema"] == "glossa.audit/1"
    text = SEED.read_text(encoding="utf-8")
    russian = "Заголовок открываемого материала"
    start = text.index(russian)
    found = [f for f in data["files"][0]["findings"] if f["kind"] == "foreign-text"]
    assert [(f["start"], f["end"], f["language"]) for f in found] == [(start, start + len(russian), "ru")]
    assert found[0]["line"] == 24
    assert found[0]["column"] == 1
    assert text[found[0]["start"] : found[0]["end"]] == found[0]["text"]


def test_fail_on_error_exits_0_when_only_warnings() -> None:
    result = runner.invoke(app, ["audit", "--fail-on", "error", str(SEED)])
    assert result.exit_code == 0


def test_clean_file_exits_0(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("The crew docked with the station on Tuesday.\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(clean)])
    assert result.exit_code == 0, result.output


def test_unreadable_file_reported_rest_audited_exit_2(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Заголовок открываемого материала\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    result = runner.invoke(app, ["audit", "--format", "json", str(tmp_path)])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    by_name = {Path(f["path"]).name: f for f in data["files"]}
    assert by_name["bad.txt"]["error"]
    assert by_name["good.txt"]["findings"]
    assert "bad.txt" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "sarif"])
def test_machine_formats_are_deterministic_json(fmt: str) -> None:
    first = runner.invoke(app, ["audit", "--format", fmt, str(SEED)])
    second = runner.invoke(app, ["audit", "--format", fmt, str(SEED)])
    assert first.stdout == second.stdout
    for line in first.stdout.splitlines() if fmt == "jsonl" else [first.stdout]:
        json.loads(line)


def test_sarif_shape() -> None:
    result = runner.invoke(app, ["audit", "--format", "sarif", str(SEED)])
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "glossa"
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    for res in run["results"]:
        assert res["ruleId"] in rules
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert region["startColumn"] >= 1


def test_jobs_gives_the_same_report() -> None:
    samples = str(REPO / "samples")
    one = runner.invoke(app, ["audit", "--format", "json", samples])
    two = runner.invoke(app, ["audit", "--format", "json", "--jobs", "2", samples])
    assert one.exit_code == two.exit_code
    assert one.stdout == two.stdout


def test_output_file_written(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["audit", "--format", "json", "-o", str(out), str(SEED)])
    assert result.exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["files"][0]["path"] == str(SEED)


def _imported_modules(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return set(out.stdout.split())


def test_help_imports_nothing_heavy() -> None:
    mods = _imported_modules(
        "from pipeline.cli import app\n"
        "import contextlib, io\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    app(['--help'])"
    )
    for heavy in ("torch", "argostranslate", "ctranslate2", "langdetect", "stanza", "pymorphy3", "wordfreq"):
        assert heavy not in mods, heavy


def test_audit_never_imports_torch_or_the_argos_translator() -> None:
    mods = _imported_modules(
        "from pipeline.cli import app\n"
        "import contextlib, io\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        f"    app(['audit', {str(SEED)!r}])"
    )
    assert "torch" not in mods
    assert "argostranslate.translate" not in mods
    assert "stanza" not in mods
    # wordfreq's lists are read from their files and only writers lock a glossary: each import cost every
    # audit tens of milliseconds of start-up (wordfreq: langcodes' tables, ftfy; filelock: inspect, logging)
    assert "wordfreq" not in mods
    assert "filelock" not in mods
    assert "pipeline.detection.stray" in mods  # the audit did run its detector
    assert "msgpack" in mods  # and read the word lists


def test_python_dash_m_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert out.returncode == 0
    assert out.stdout.startswith("glossa ")


def test_readme_command_reference_is_current() -> None:
    """The `--help` blocks in the README are generated by cog; regenerate with `cog -r README.md`."""
    from cogapp import Cog

    assert Cog().main(["cog", "--check", str(REPO / "README.md")]) == 0, "run `cog -r README.md`"


# ---------------------------------------------------------------- global options, help, formats, stdin


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "-q", "--fail-on", "never", str(SEED)],
        ["audit", "--fail-on", "never", str(SEED), "-q"],
        ["translate", "-q", "--help"],
        ["glossary", "check", "-q", str(SEED)],
        ["tm", "stats", "--quiet"],
    ],
)
def test_global_options_are_accepted_after_the_subcommand(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    assert "No such option" not in result.output


def test_config_option_after_the_subcommand(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('expected_language = "de"\n', encoding="utf-8")
    result = runner.invoke(
        app, ["audit", "-f", "json", "--fail-on", "never", str(SEED), "--config", str(config)]
    )
    assert json.loads(result.stdout)["expected_language"] == "de"


def test_a_double_dash_ends_the_global_options(tmp_path: Path) -> None:
    from pipeline.cli import hoist_global_options

    assert hoist_global_options(["audit", "--", "-q"]) == ["audit", "--", "-q"]
    assert hoist_global_options(["audit", "x", "--config=c.toml"]) == ["--config=c.toml", "audit", "x"]


def test_shell_completion_is_offered() -> None:
    result = runner.invoke(app, ["--help"])
    assert "--install-completion" in result.output
    assert "--show-completion" in result.output


@pytest.mark.parametrize("path", _commands(), ids=lambda p: " ".join(p) or "glossa")
def test_help_speaks_click_metavars_not_python_types(path: list[str]) -> None:
    text = runner.invoke(app, [*path, "--help"], terminal_width=100).output
    for python_type in ("<list[", "<float", "<int", "<str>", "<path>", "<file>", "<dir>", "range>", "{"):
        usage_and_options = text.replace("{n}", "")  # `glossary add --pattern` documents a placeholder
        assert python_type not in usage_and_options, f"{python_type!r} in help of {path}:\n{text}"


def test_audit_help_metavars() -> None:
    text = runner.invoke(app, ["audit", "--help"], terminal_width=100).output
    assert "Usage: glossa audit [OPTIONS] PATH..." in text
    assert "--min-confidence FLOAT" in text
    assert "--expect TEXT" in text
    assert "-g, --glossary FILE" in text


def test_export_glossary_option_does_not_say_edit() -> None:
    text = runner.invoke(app, ["glossary", "export", "--help"], terminal_width=100).output
    assert "to edit" not in text


def test_compact_format_is_one_line_per_finding() -> None:
    result = runner.invoke(app, ["audit", "-f", "compact", str(REPO / "samples")])
    data = json.loads(runner.invoke(app, ["audit", "-f", "json", str(REPO / "samples")]).stdout)
    lines = result.stdout.splitlines()
    assert len(lines) == sum(len(f["findings"]) for f in data["files"])
    first_file = data["files"][0]
    first = first_file["findings"][0]
    assert lines[0].startswith(
        f"{first_file['path']}:{first['line']}:{first['column']}: {first['severity']} "
    )
    for line in lines:
        assert line == line.rstrip()
        location, _, rest = line.partition(": ")
        assert location.count(":") >= 2
        severity, kind, lang, *_ = rest.split(" ")
        assert severity in ("info", "warning", "error")
        assert lang.startswith("[")
        assert lang.endswith("]")


def test_table_has_no_trailing_spaces_and_fits_the_width() -> None:
    from pipeline.app.audit import audit_paths
    from pipeline.config import resolve
    from pipeline.render.audit import render_table

    run = audit_paths([REPO / "samples"], resolve({}))
    for width in (80, 120):
        text = render_table(run, width=width)
        for line in text.splitlines():
            assert line == line.rstrip()
            assert len(line) <= width


def _glossa(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )


def test_compact_is_the_default_when_stdout_is_not_a_terminal() -> None:
    piped = _glossa("audit", str(SEED))
    compact = _glossa("audit", "-f", "compact", str(SEED))
    assert piped.returncode == 1
    assert piped.stdout == compact.stdout
    assert piped.stdout.decode().startswith(f"{SEED}:")


def test_stdin_is_audited_as_dash() -> None:
    text = "The launch went well. Le lancement de la fusée a été reporté à demain matin.\n"
    result = _glossa("audit", "-", "-f", "json", stdin=text.encode())
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["files"][0]["path"] == "-"
    assert data["files"][0]["format"] == "text"
    assert [f["language"] for f in data["files"][0]["findings"]] == ["fr"]
    compact = _glossa("audit", "-", stdin=text.encode())
    assert compact.stdout.decode().startswith("-:1:23: warning foreign-text [fr] ")


def test_stdin_format_is_sniffed_or_given() -> None:
    html = "<p>The launch went well.</p><!-- Le lancement de la fusée a été reporté -->".encode()
    sniffed = json.loads(runner.invoke(app, ["audit", "-", "-f", "json"], input=html).stdout)
    assert sniffed["files"][0]["format"] == "html"
    assert sniffed["files"][0]["findings"] == []  # a comment is not prose
    as_text = json.loads(
        runner.invoke(app, ["audit", "-", "-f", "json", "--stdin-format", "text"], input=html).stdout
    )
    assert as_text["files"][0]["format"] == "text"


def test_stdin_for_glossary_check_and_not_mixed() -> None:
    result = runner.invoke(app, ["glossary", "check", "-", "-f", "json"], input="The crew flew on Soyuz.\n")
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["files"][0]["path"] == "-"
    mixed = runner.invoke(app, ["audit", "-", str(SEED)], input="x")
    assert mixed.exit_code == 2
    assert "cannot be mixed" in mixed.output
