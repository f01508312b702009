"""Hostile and careless input refused (issue 8, cases 6, 8, 9, 12 and 13).

Each refusal: the exact exit code, one line naming the file, no traceback, every input byte for byte
unchanged. Disk-full and read-only cases run on real tmpfs mounts (tests/fs_fixture.py) and skip elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fs_fixture import fill, remount_readonly
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.glossary.exchange import dumps_csv, escape_cell, loads_csv, unescape_cell
from pipeline.glossary.io import load_glossary

REPO = Path(__file__).resolve().parent.parent
SPACE = REPO / "glossaries" / "space.toml"
runner = CliRunner()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _glossa(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the real CLI in a subprocess with a timeout (a regression must fail, not hang the suite)."""
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def _errors(text: str) -> list[str]:
    assert "Traceback" not in text
    return [line for line in text.splitlines() if line.startswith("glossa: error:")]


# ------------------------------------------------------------------------------------------- case 6: inputs


@pytest.mark.parametrize("command", ["audit", "translate"])
def test_a_fifo_in_a_folder_is_refused_and_the_rest_goes_on(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text("The crew docked with the station.\n", encoding="utf-8")
    os.mkfifo(folder / "f.txt")
    before = _sha(folder / "a.txt")
    code, out, err = _glossa(command, str(folder), cwd=tmp_path)
    assert code == 2, err
    assert _errors(err) == [
        f"glossa: error: {folder}/f.txt: is a FIFO (named pipe), not a regular file; skipped"
    ]
    assert _sha(folder / "a.txt") == before
    if command == "audit":
        assert "2 file(s) audited" in out + err
    else:
        assert (folder / "a.en.txt").is_file()  # the regular file was still translated


def test_dev_zero_is_refused_without_reading_it(tmp_path: Path) -> None:
    code, _, err = _glossa("audit", "/dev/zero", cwd=tmp_path)
    assert code == 2
    assert _errors(err) == ["glossa: error: /dev/zero: is a device, not a regular file; skipped"]


def test_the_size_cap_is_a_setting_with_a_clear_message(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Orbit. " * 300, encoding="utf-8")
    code, _, err = _glossa("audit", str(big), cwd=tmp_path, env={"GLOSSA_MAX_FILE_SIZE": "1KB"})
    assert code == 2
    assert _errors(err) == [
        f"glossa: error: {big}: larger than the 1024-byte limit on input files; split it, or raise the limit "
        "with $GLOSSA_MAX_FILE_SIZE or max_file_size in the config (e.g. 1GB)"
    ]
    (tmp_path / "glossa.toml").write_text('max_file_size = "1MB"\n', encoding="utf-8")
    code, _, err = _glossa("audit", str(big), cwd=tmp_path)
    assert code in (0, 1), err


# ---------------------------------------------------------------------------------- case 8: errors at edges


def test_output_on_a_read_only_file_system(tmp_path: Path, readonly_dir: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The crew docked.\n", encoding="utf-8")
    before = _sha(source)
    code, _, err = _glossa("audit", str(source), "-o", str(readonly_dir / "r.json"), "--format", "json")
    assert code == 2
    assert _errors(err) == [
        f"glossa: error: {readonly_dir}/r.json: cannot write in {readonly_dir}: Read-only file system"
    ]
    code, _, err = _glossa("translate", str(tmp_path), "-o", str(readonly_dir / "out"))
    assert code == 2
    assert _errors(err) == [
        f"glossa: error: {readonly_dir}/out: Read-only file system; check the path, its permissions and "
        "free space"
    ]
    assert _sha(source) == before


@pytest.mark.parametrize("output", ["reg/out.txt", "reg"])
def test_an_output_folder_under_or_naming_a_regular_file(tmp_path: Path, output: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The crew docked.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Launch at dawn.\n", encoding="utf-8")
    (tmp_path / "reg").write_text("a regular file\n", encoding="utf-8")
    before = {p.name: _sha(p) for p in [*folder.iterdir(), tmp_path / "reg"]}
    code, _, err = _glossa("translate", str(folder), "-o", str(tmp_path / output))
    assert code == 2
    assert _errors(err) == [
        f"glossa: error: {tmp_path / output}: a file is in the way where a folder is needed; "
        "choose another output"
    ]
    assert {p.name: _sha(p) for p in [*folder.iterdir(), tmp_path / "reg"]} == before


def test_an_output_naming_a_device_never_replaces_it(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The crew docked.\n", encoding="utf-8")
    code, _, err = _glossa("audit", str(source), "-o", "/dev/null")
    assert code == 2
    assert _errors(err) == [
        "glossa: error: /dev/null: is a device, not a regular file; name a regular output file"
    ]
    assert Path("/dev/null").is_char_device()


def _glossary_in(folder: Path) -> Path:
    target = folder / "g.toml"
    shutil.copyfile(SPACE, target)
    return target


GLOSSARY_WRITES = {
    "add": lambda g, d: ["glossary", "add", "-g", str(g), "--id", "new-term", "--lang", "en=New Term"],
    "remove": lambda g, d: ["glossary", "remove", "-g", str(g), load_glossary(SPACE).concepts[0].id],
    "export": lambda g, d: ["glossary", "export", str(d / "g.csv"), "-g", str(g)],
    "import": lambda g, d: ["glossary", "import", str(d.parent / "terms.csv"), "-o", str(d / "new.toml")],
    "merge": lambda g, d: ["glossary", "merge", str(g), str(SPACE), "-o", str(d / "m.toml")],
    "extract": lambda g, d: ["glossary", "extract", str(REPO / "samples"), "-o", str(d / "c.csv")],
}


@pytest.mark.parametrize("command", sorted(GLOSSARY_WRITES))
def test_every_glossary_write_on_a_full_disk(tmp_path: Path, tmpfs_dir: Path, command: str) -> None:
    glossary = _glossary_in(tmpfs_dir)
    (tmp_path / "terms.csv").write_text("id,en,ru\niss,ISS,МКС\n", encoding="utf-8")
    fill(tmpfs_dir)
    before = {p.name: _sha(p) for p in tmpfs_dir.iterdir()}
    code, _, err = _glossa(*GLOSSARY_WRITES[command](glossary, tmpfs_dir), cwd=tmp_path)
    assert code == 2, err
    errors = _errors(err)
    assert len(errors) == 1, err
    assert "No space left on device" in errors[0]
    assert str(tmpfs_dir) in errors[0]
    assert {p.name: _sha(p) for p in tmpfs_dir.iterdir()} == before  # no temp or lock file left behind


def test_glossary_add_when_its_lock_file_cannot_be_created(tmp_path: Path, tmpfs_dir: Path) -> None:
    glossary = _glossary_in(tmpfs_dir)
    remount_readonly(tmpfs_dir)
    before = _sha(glossary)
    code, _, err = _glossa(
        "glossary", "add", "-g", str(glossary), "--id", "new-term", "--lang", "en=New Term", cwd=tmp_path
    )
    assert code == 2
    assert _errors(err) == [
        f"glossa: error: {glossary}: cannot create the lock file {tmpfs_dir}/.g.toml.lock: Read-only file "
        "system; the folder must be writable and have free space"
    ]
    assert _sha(glossary) == before


def test_lock_files_are_removed_after_use(tmp_path: Path) -> None:
    glossary = _glossary_in(tmp_path)
    code, _, err = _glossa(
        "glossary", "add", "-g", str(glossary), "--id", "new-term", "--lang", "en=New Term", cwd=tmp_path
    )
    assert code == 0, err
    code, _, err = _glossa("glossary", "remove", "-g", str(glossary), "new-term", cwd=tmp_path)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.toml"]
    assert _sha(glossary) == _sha(SPACE)


# --------------------------------------------------------------------------------- case 9: batches go on


def test_validate_reports_every_bad_file_and_validates_the_rest(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "c.toml"
    shutil.copyfile(SPACE, a)
    b.write_bytes(b"\xff\xfe not a glossary")
    c.write_text("this is = not [valid toml\n", encoding="utf-8")
    result = runner.invoke(app, ["glossary", "validate", str(a), str(b), str(c)])
    assert result.exit_code == 2
    errors = _errors(result.output)
    assert len(errors) == 2
    assert errors[0].startswith(f"glossa: error: {b}:1: not UTF-8")
    assert errors[1].startswith(f"glossa: error: {c}")
    assert f"{a}: {len(load_glossary(SPACE).concepts)} concepts" in result.output


def test_extract_reports_an_undecodable_file_and_mines_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "samples", corpus)
    bad = corpus / "zz-binary.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 20)
    before = {p.name: _sha(p) for p in corpus.iterdir()}
    out = tmp_path / "c.csv"
    result = runner.invoke(app, ["glossary", "extract", str(corpus), "-o", str(out)])
    assert result.exit_code == 2
    assert _errors(result.output) == [
        f"glossa: error: {bad}: binary file (NUL or control bytes); pass a text, Markdown, HTML or JSON "
        "Lines file; left out"
    ]
    assert out.read_text(encoding="utf-8").count("\n") > 1  # the other files were mined and written
    assert {p.name: _sha(p) for p in corpus.iterdir()} == before


# ------------------------------------------------------------------------------- case 12: CSV injection

FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1+1)", "@SUM(A1)", '=HYPERLINK("http://x","y")', "-2+3", "'=quoted"]


@pytest.mark.parametrize("cell", [*FORMULAS, "plain", "'tis", "'", "", "\tTab", "\rCR"])
def test_escape_is_reversed_exactly(cell: str) -> None:
    assert unescape_cell(escape_cell(cell)) == cell
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert escape_cell(cell) == "'" + cell


def test_csv_export_neutralises_formulas_and_import_gives_them_back(tmp_path: Path) -> None:
    glossary = _glossary_in(tmp_path)
    for number, formula in enumerate(FORMULAS):
        result = runner.invoke(
            app, ["glossary", "add", "-g", str(glossary), "--id", f"f{number}", "--lang", f"en={formula}"]
        )
        assert result.exit_code == 0, result.output
    for layout, name in (("csv", "g.csv"), ("tsv", "g.tsv"), ("pairs-csv", "p.csv")):
        out = tmp_path / name
        result = runner.invoke(
            app,
            [
                "glossary",
                "export",
                str(out),
                "-g",
                str(glossary),
                "--as",
                layout,
                "--source",
                "en",
                "--target",
                "ru",
            ],
        )
        assert result.exit_code == 0, result.output
        if layout == "pairs-csv":
            continue  # the formulas have no Russian term: not exported as pairs
        cells = [cell for line in out.read_text(encoding="utf-8").splitlines() for cell in line.split(",")]
        assert not any(cell.lstrip('"')[:1] in "=+-@" and cell for cell in cells)
        back = tmp_path / f"{name}.toml"
        result = runner.invoke(app, ["glossary", "import", str(out), "-o", str(back), "--as", layout])
        assert result.exit_code == 0, result.output
        terms = {c.id: c.preferred("en") for c in load_glossary(back).concepts}
        assert [terms[f"f{n}"] for n in range(len(FORMULAS))] == FORMULAS
    g = load_glossary(glossary)
    again = loads_csv(dumps_csv(g))
    assert [c.preferred("en") for c in again.concepts] == [c.preferred("en") for c in g.concepts]


# ------------------------------------------------------------------------------ case 13: smaller items


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["translate", "{file}", "--jobs", "10000"], "invalid value 10000 for jobs (must be between 1 and "),
        (["audit", "{file}", "--include", "["], "glob '[' has an unclosed '['"),
        (["translate", "{file}", "--to", ""], "--to: '' is not an ISO 639-1 language code"),
        (["translate", "{file}", "--to", "xx"], "--to: 'xx' is not an ISO 639-1 language code"),
        (["audit", "{file}", "--expect", "xx"], "'xx' is not an ISO 639-1 language code"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "a.txt"
    source.write_text("The crew docked.\n", encoding="utf-8")
    before = _sha(source)
    result = runner.invoke(app, [a.replace("{file}", str(source)) for a in args])
    assert result.exit_code == 2
    errors = _errors(result.output)
    assert len(errors) == 1
    assert message in errors[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
    assert _sha(source) == before


def test_tm_export_never_overwrites_the_memory(tmp_path: Path) -> None:
    tmx = tmp_path / "m.tmx"
    tmx.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="ru" datatype="plaintext" '
        'segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body><tu>'
        '<tuv xml:lang="ru">'
        '<seg>МКС</seg></tuv><tuv xml:lang="en"><seg>ISS</seg></tuv></tu></body></tmx>',
        encoding="utf-8",
    )
    assert runner.invoke(app, ["tm", "import", str(tmx)]).exit_code == 0
    memory = Path(os.environ["GLOSSA_HOME"]) / "memory.sqlite"
    before = _sha(memory)
    for extra in ([], ["--force"]):
        result = runner.invoke(app, ["tm", "export", str(memory), *extra])
        assert result.exit_code == 2
        assert _errors(result.output) == [
            f"glossa: error: {memory}: is the translation memory itself; export to another file (--force "
            "never overwrites it)"
        ]
    assert _sha(memory) == before


def test_a_non_tbx_xml_file_is_not_an_empty_glossary(tmp_path: Path) -> None:
    xml = tmp_path / "feed.xml"
    xml.write_text(
        '<?xml version="1.0"?>\n<rss><channel><title>x</title></channel></rss>\n', encoding="utf-8"
    )
    before = _sha(xml)
    result = runner.invoke(app, ["glossary", "import", str(xml), "-o", str(tmp_path / "g.toml")])
    assert result.exit_code == 2
    assert _errors(result.output) == [
        f"glossa: error: {xml}:2: root element <rss> is not TBX (<martif> or <tbx>); pass a TBX file, or "
        "name the layout with --as"
    ]
    assert not (tmp_path / "g.toml").exists()
    assert _sha(xml) == before


def test_utf16_without_a_bom_is_read(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(
        "The crew docked with the station.\nЭкипаж пристыковался к станции.\n".encode("utf-16-le")
    )
    result = runner.invoke(app, ["audit", str(source), "--format", "json"])
    assert result.exit_code == 1, result.output  # read, and the Russian line found
    assert '"encoding": "utf-16-le"' in result.output
    assert '"line": 2' in result.output


def test_a_lone_cr_is_a_line_break(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes("The crew docked with the station.\rЭкипаж пристыковался к станции.\r".encode())
    result = runner.invoke(app, ["audit", str(source), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert '"line": 2' in result.output
    assert '"column": 1' in result.output
