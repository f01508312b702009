"""Nothing written where the user did not point, no input overwritten unless --in-place (issue 8).

One test per case of the issue this part covers (1 and 7: apply; 2: outputs over inputs; 3: two outputs to
one path; 4: empty path; 10: odd file names), each asserting the exit code, the one-line message and the
sha256 of every input; then a property test over random -o / --xliff / --in-place combinations.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import ConfigError, FormatError
from pipeline.formats.targets import Planned, check_outputs, inside

runner = CliRunner()
NEWSFEED = "News.\nЛента новостей\n"  # the phrasebook translates it: no model needed
SUBSCRIBE = "Подписаться\n"


def _hashes(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under ``folder`` (links not followed)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def _one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("glossa: error: ")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder (the current folder) with two documents."""
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "a.txt").write_text(NEWSFEED, encoding="utf-8")
    (folder / "b.txt").write_text(SUBSCRIBE + NEWSFEED, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


# ------------------------------------------------------------------------------------- the pure module


def test_check_outputs_sees_one_file_through_spellings_and_links(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(doc)
    os.link(doc, tmp_path / "hard.txt")
    for spelling in (tmp_path / "." / "a.txt", tmp_path / "sub" / ".." / "a.txt", tmp_path / "link.txt"):
        with pytest.raises(ConfigError, match="is the input"):
            check_outputs([doc], [Planned(spelling, "-o")])
    with pytest.raises(ConfigError, match="is the input"):
        check_outputs([doc], [Planned(tmp_path / "hard.txt", "-o")])
    # Its own --in-place rewrite is the one exception.
    assert check_outputs([doc], [Planned(doc, "--in-place", of=doc, in_place=True)])


def test_check_outputs_refuses_two_outputs_to_one_path(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    with pytest.raises(ConfigError, match="would both be written to"):
        check_outputs([], [Planned(out, "-o"), Planned(tmp_path / "." / "out.txt", "--xliff")])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("../x.txt", "climbs out", id="dotdot"),
        pytest.param("a/../../x.txt", "climbs out", id="dotdot-inside"),
        pytest.param("/etc/hostname", "absolute", id="absolute"),
        pytest.param("C:/x.txt", "absolute", id="drive"),
        pytest.param("\\\\server\\x.txt", "absolute", id="unc"),
        pytest.param("", "empty", id="empty"),
        pytest.param("out/x.txt", "symbolic link", id="symlink-out"),
    ],
)
def test_inside_refuses_paths_leading_out(tmp_path: Path, name: str, message: str) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "out").symlink_to(tmp_path)
    with pytest.raises(FormatError, match=message):
        inside(root, name, what="original", source="r.xlf")


def test_inside_accepts_a_relative_path(tmp_path: Path) -> None:
    assert inside(tmp_path, "docs/a.txt", what="original", source="r.xlf") == tmp_path / "docs" / "a.txt"


# ------------------------------------------------------------------------------- case 2: over an input


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["audit", "a.txt", "-o", "a.txt"], id="audit-o-input"),
        pytest.param(["audit", ".", "-o", "./b.txt"], id="audit-o-discovered-input"),
        pytest.param(["translate", "a.txt", "-o", "out.txt", "--xliff", "a.txt"], id="xliff-input"),
        pytest.param(["translate", "a.txt", "-o", "./a.txt"], id="translate-o-input"),
        pytest.param(
            ["translate", "a.txt", "b.txt", "-o", "out", "--xliff", "b.txt"], id="xliff-second-input"
        ),
        pytest.param(["translate", "a.txt", "b.txt", "-o", "."], id="o-folder-of-inputs"),
    ],
)
def test_an_output_over_an_input_is_refused(work: Path, args: list[str]) -> None:
    before = _hashes(work)
    code, stderr = _run(*args)
    assert code == 2
    assert "is the input" in _one_error(stderr)
    assert _hashes(work) == before


def test_xliff_equal_to_output_is_refused(work: Path) -> None:
    before = _hashes(work)
    code, stderr = _run("translate", "a.txt", "-o", "out.txt", "--xliff", "./out.txt")
    assert code == 2
    assert _one_error(stderr) == (
        "glossa: error: -o out.txt (from a.txt) and --xliff out.txt would both be written to out.txt; one "
        "would be lost: choose different output paths (or translate their common folder, which -o mirrors)"
    )
    assert _hashes(work) == before
    assert not (work / "out.txt").exists()


def test_a_glossary_is_an_input_too(work: Path) -> None:
    glossary = Path(__file__).resolve().parents[1] / "glossaries" / "space.toml"
    copy = work / "g.toml"
    copy.write_bytes(glossary.read_bytes())
    before = _hashes(work)
    code, stderr = _run("audit", "a.txt", "-g", "g.toml", "-o", "g.toml")
    assert code == 2
    assert "is the input g.toml" in _one_error(stderr)
    code, stderr = _run("glossary", "export", "-g", "g.toml", "g.toml", "--as", "csv", "--force")
    assert code == 2
    assert "is the input g.toml" in _one_error(stderr)
    assert _hashes(work) == before


# ------------------------------------------------------------------------ case 3: two outputs, one path


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["d1/a.txt", "d2/a.txt", "-o", "out"], id="two-files"),
        pytest.param(["d1", "d2", "-o", "out"], id="two-folders"),
    ],
)
def test_two_inputs_with_one_output_name_are_refused_before_writing(work: Path, args: list[str]) -> None:
    for name, text in (("d1", NEWSFEED), ("d2", SUBSCRIBE)):
        (work / name).mkdir()
        (work / name / "a.txt").write_text(text, encoding="utf-8")
    before = _hashes(work)
    code, stderr = _run("translate", *args)
    assert code == 2
    line = _one_error(stderr)
    assert "(from d1/a.txt) and -o out/a.txt (from d2/a.txt) would both be written to out/a.txt" in line
    assert _hashes(work) == before
    assert not (work / "out").exists()


# ---------------------------------------------------------------------------------- case 4: empty path


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["translate", "", "--in-place"], id="translate-in-place"),
        pytest.param(["translate", "a.txt", "-o", ""], id="translate-o"),
        pytest.param(["translate", "a.txt", "--xliff", ""], id="translate-xliff"),
        pytest.param(["audit", ""], id="audit"),
        pytest.param(["audit", "a.txt", "-o", ""], id="audit-o"),
        pytest.param(["glossary", "check", ""], id="glossary-check"),
    ],
)
def test_an_empty_path_is_a_usage_error(work: Path, args: list[str]) -> None:
    before = _hashes(work)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "an empty path names no file or folder" in result.output
    assert _hashes(work) == before


# ------------------------------------------------------------------------------- cases 1 and 7: apply


def _xliff(work: Path, *docs: str) -> str:
    (work / "out").mkdir()
    code, _ = _run("translate", *docs, "-o", "out", "--xliff", "r.xlf")
    assert code == 0
    return (work / "r.xlf").read_text(encoding="utf-8")


@pytest.fixture
def outside(work: Path) -> Path:
    """A file beside the working folder, which no apply may touch."""
    victim = work.parent / "v" / "i.txt"
    victim.parent.mkdir()
    victim.write_text(NEWSFEED, encoding="utf-8")
    return victim


@pytest.mark.parametrize(
    ("original", "output", "message"),
    [
        pytest.param("../v/i.txt", "../v/i.txt", "original '../v/i.txt' climbs out with '..'", id="dotdot"),
        pytest.param("{victim}", "out/a.txt", "is an absolute path", id="absolute-original"),
        pytest.param("a.txt", "{victim}", "output note '{victim}' is an absolute path", id="absolute-output"),
        pytest.param("a.txt", "../v/i.txt", "output note '../v/i.txt' climbs out", id="dotdot-output"),
        pytest.param("a.txt", "vlink/i.txt", "leads out through a symbolic link", id="symlink-output"),
        pytest.param("vlink/i.txt", "out/a.txt", "leads out through a symbolic link", id="symlink-original"),
        pytest.param("a.txt", "a.txt", "the output note of 'a.txt' names the original document", id="same"),
        pytest.param("a.txt", "./a.txt", "names the original document", id="same-dot"),
    ],
)
def test_apply_refuses_paths_from_the_xliff_that_lead_out(
    work: Path, outside: Path, original: str, output: str, message: str
) -> None:
    (work / "vlink").symlink_to(outside.parent)
    xml = _xliff(work, "a.txt")
    xml = xml.replace('original="a.txt"', f'original="{original.format(victim=outside)}"')
    xml = xml.replace(">out/a.txt<", f">{output.format(victim=outside)}<")
    xml = xml.replace("<target>Newsfeed</target>", "<target>CRAFTED</target>")
    (work / "evil.xlf").write_text(xml, encoding="utf-8")
    before, victim_before = _hashes(work), outside.read_bytes()
    code, stderr = _run("apply", "evil.xlf")
    assert code == 2
    assert message.format(victim=outside) in _one_error(stderr)
    assert _hashes(work) == before
    assert outside.read_bytes() == victim_before
    assert not (outside.parent / "i.txt.bak").exists()
    assert "CRAFTED" not in runner.invoke(app, ["tm", "list", "--format", "json"]).stdout


def test_apply_in_place_rewrites_the_original_with_a_backup(work: Path) -> None:
    xml = _xliff(work, "a.txt").replace(">out/a.txt<", ">a.txt<")
    (work / "r.xlf").write_text(xml, encoding="utf-8")
    code, _ = _run("apply", "r.xlf", "--in-place")
    assert code == 0
    assert (work / "a.txt").read_text(encoding="utf-8") == "News.\nNewsfeed\n"
    assert (work / "a.txt.bak").read_text(encoding="utf-8") == NEWSFEED


def test_apply_with_root_finds_documents_outside_the_xliff_folder(work: Path) -> None:
    (work / "review").mkdir()
    code, stderr = _run("translate", "a.txt", "-o", "out/a.txt", "--xliff", "review/r.xlf")
    assert code == 0
    assert f"apply it with `glossa apply review/r.xlf --root {work}`" in stderr
    code, stderr = _run("apply", "review/r.xlf")
    assert code == 2
    assert "no such file" in _one_error(stderr)
    code, _ = _run("apply", "review/r.xlf", "--root", str(work))
    assert code == 0


def test_overlapping_units_in_a_second_document_write_nothing(work: Path) -> None:
    xml = _xliff(work, "a.txt", "b.txt")
    # A second, overlapping unit in the second document (b.txt: "Подписаться" at 0-11).
    first_unit = xml.index('<unit id="u1">', xml.index('original="b.txt"'))
    crafted = (
        '<unit id="u9"><notes><note category="offsets">0 0 5</note>'
        '<note category="source-language">ru</note></notes>'
        '<segment state="translated"><source>Подпи</source><target>CRAFTED</target></segment></unit>'
    )
    (work / "overlap.xlf").write_text(xml[:first_unit] + crafted + xml[first_unit:], encoding="utf-8")
    for name in ("a.txt", "b.txt"):
        (work / "out" / name).unlink()
    before = _hashes(work)
    code, stderr = _run("apply", "overlap.xlf")
    assert code == 2
    assert _one_error(stderr) == (
        "glossa: error: overlap.xlf: units f2/u9 and f2/u1 overlap (0-5 and 0-11 in unit 0); nothing was "
        "written: remove one of them or re-export the XLIFF"
    )
    assert _hashes(work) == before
    assert not (work / "out" / "a.txt").exists()  # the first document was not written either
    assert "CRAFTED" not in runner.invoke(app, ["tm", "list", "--format", "json"]).stdout


def test_apply_of_two_documents_writes_both_then_the_memory(work: Path) -> None:
    xml = _xliff(work, "a.txt", "b.txt").replace("<target>Subscribe</target>", "<target>Sign up</target>")
    xml = xml.replace('state="translated"', 'state="reviewed"')  # what a reviewer signs off is applied
    (work / "r.xlf").write_text(xml, encoding="utf-8")
    code, _ = _run("apply", "r.xlf", "-o", "reviewed")
    assert code == 0
    assert (work / "reviewed" / "b.txt").read_text(encoding="utf-8").startswith("Sign up\n")
    assert (work / "reviewed" / "a.txt").read_text(encoding="utf-8") == "News.\nNewsfeed\n"
    entries = json.loads(runner.invoke(app, ["tm", "list", "--format", "json"]).stdout)["items"]
    assert ("Подписаться", "Sign up") in {(e["source"], e["target"]) for e in entries}


def test_apply_offsets_out_of_range_are_one_line(work: Path) -> None:
    xml = _xliff(work, "a.txt").replace('"offsets">0 6 20<', '"offsets">0 -3 20<')
    (work / "r.xlf").write_text(xml, encoding="utf-8")
    before = _hashes(work)
    code, stderr = _run("apply", "r.xlf")
    assert code == 2
    assert "impossible offsets" in _one_error(stderr)
    assert _hashes(work) == before


# ----------------------------------------------------------------------------------- case 10: file names


@pytest.fixture
def odd_names(work: Path) -> Path:
    (work / os.fsdecode(b"bad\xff.txt")).write_text(NEWSFEED, encoding="utf-8")
    (work / "esc\x1b[31mred\x1b[0m.txt").write_text(NEWSFEED, encoding="utf-8")
    (work / "a.txt").unlink()
    (work / "b.txt").unlink()
    return work


def test_json_report_is_valid_utf8_for_any_file_name(odd_names: Path) -> None:
    result = runner.invoke(app, ["audit", ".", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout_bytes.decode("utf-8"))
    assert sorted(f["path"] for f in report["files"]) == ["bad%FF.txt", "esc\x1b[31mred\x1b[0m.txt"]


@pytest.mark.parametrize("fmt", ["json", "sarif", "jsonl"])
def test_report_files_are_written_for_any_file_name(odd_names: Path, fmt: str) -> None:
    code, _ = _run("audit", ".", "--format", fmt, "-o", f"r.{fmt}")
    assert code == 1
    text = (odd_names / f"r.{fmt}").read_bytes().decode("utf-8")
    if fmt == "sarif":
        uris = {a["location"]["uri"] for a in json.loads(text)["runs"][0]["artifacts"]}
        assert uris == {"bad%FF.txt", "esc%1B%5B31mred%1B%5B0m.txt"}
    elif fmt == "json":
        json.loads(text)
    else:
        for line in text.splitlines():
            json.loads(line)


def test_control_characters_in_names_never_reach_the_terminal(odd_names: Path) -> None:
    for args in (["audit", "."], ["translate", "."]):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), result.output
        assert "\x1b" not in result.output
        assert "esc\\x1b[31mred\\x1b[0m.txt" in result.output
    # A message naming the file (here: it does not exist) escapes it too.
    result = runner.invoke(app, ["audit", "gone\x1b[2J.txt", "--format", "json"])
    assert result.exit_code == 2
    assert (
        _one_error(result.stderr) == "glossa: error: gone\\x1b[2J.txt: no such file or folder; check the path"
    )


def test_xliff_refuses_a_name_it_cannot_record_before_writing(odd_names: Path) -> None:
    before = _hashes(odd_names)
    code, stderr = _run("translate", os.fsdecode(b"bad\xff.txt"), "-o", "out.txt", "--xliff", "r.xlf")
    assert code == 2
    assert _one_error(stderr) == (
        "glossa: error: r.xlf: --xliff cannot record the file name bad%FF.txt (not UTF-8); rename it or "
        "translate without --xliff"
    )
    assert _hashes(odd_names) == before


# ------------------------------------------------------------------------------------ the property test

_TARGETS = ["a.txt", "./a.txt", "b.txt", "sub/../b.txt", "link.txt", "out.txt", "out", "r.xlf", "out.txt"]


@pytest.mark.slow  # 40 whole translate runs: 15-40 s on a shared 2-core machine
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    inputs=st.lists(st.sampled_from(["a.txt", "b.txt", "."]), min_size=1, max_size=3),
    output=st.none() | st.sampled_from(_TARGETS),
    xliff=st.none() | st.sampled_from(_TARGETS),
    in_place=st.booleans(),
)
def test_no_combination_of_outputs_modifies_an_input(
    tmp_path_factory: pytest.TempPathFactory,
    inputs: list[str],
    output: str | None,
    xliff: str | None,
    in_place: bool,
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    (folder / "a.txt").write_text(NEWSFEED, encoding="utf-8")
    (folder / "b.txt").write_text(SUBSCRIBE, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "link.txt").symlink_to(folder / "a.txt")
    before = _hashes(folder)
    args = ["translate", *(str(folder / p) for p in inputs)]
    if output is not None:
        args += ["-o", str(folder / output)]
    if xliff is not None:
        args += ["--xliff", str(folder / xliff)]
    if in_place:
        args.append("--in-place")
    result = runner.invoke(app, args)
    assert "Traceback" not in result.output
    after = _hashes(folder)
    # The run's inputs: the files named, or every document under the folder (link.txt is a.txt).
    named = {"a.txt", "b.txt"} if "." in inputs else set(inputs)
    touched = {name for name in named if before[name] != after.get(name)}
    if in_place and output is None and result.exit_code in (0, 1):
        assert all(after.get(n + ".bak") == before[n] for n in touched)  # rewritten only with a backup
    else:
        assert touched == set(), (args, result.output)


def test_output_with_a_trailing_slash_is_a_folder_even_for_one_input(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The crew docked.\nЗаголовок открываемого материала\n", encoding="utf-8")
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    result = runner.invoke(app, ["translate", str(source), "-o", f"{tmp_path / 'new'}/"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new").is_dir()
    assert "Title of the opened material" in (tmp_path / "new" / "a.txt").read_text(encoding="utf-8")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_the_temporary_file_is_made_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT landing right as the temporary file is created (the end of ``os.open``) is held back until the
    code that removes the file knows its name: nothing is left behind and the target is not written."""
    import signal

    import pipeline.formats as formats
    from pipeline.formats import files

    real = files.create_beside

    def signalled(path: Path, suffix: str = ".tmp") -> tuple[int, Path]:
        made = real(path, suffix)
        os.kill(os.getpid(), signal.SIGINT)  # delivered before this returns, unless held back
        return made

    monkeypatch.setattr(formats, "create_beside", signalled)
    target = tmp_path / "out.txt"
    # A background job (nohup, `cmd &`) starts with SIGINT ignored, and Python keeps it so: Ctrl-C's handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            formats.write_path(target, "text", "utf-8")
        assert list(tmp_path.iterdir()) == []
        monkeypatch.undo()
        formats.write_path(target, "text", "utf-8")  # Ctrl-C is back to normal afterwards
        assert target.read_text(encoding="utf-8") == "text"
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
