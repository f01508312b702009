"""`glossa glossary ...` through typer's CliRunner on the real app: output, exit codes, no partial writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.glossary.io import load_glossary

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini.toml"
REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "samples" / "us-russia-space-cooperation.txt"
SPACE = REPO / "glossaries" / "space.toml"
DONE_WHEN = "Экипаж «Союза МС-07» прибыл на МКС, сообщили в Роскосмосе"
COMMANDS = [
    "list",
    "show",
    "lookup",
    "add",
    "remove",
    "validate",
    "merge",
    "import",
    "export",
    "extract",
    "check",
]


def invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["glossary", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help(runner: CliRunner, command: str, flag: str) -> None:
    code, out, _ = invoke(runner, command, flag)
    assert code == 0
    assert "Usage:" in out


def test_lookup_json_offsets(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "lookup", DONE_WHEN, "-g", str(MINI), "--format", "json")
    assert code == 0
    data = json.loads(out)
    got = [(m["start"], m["end"], m["text"], m["renderings"]["en"]) for m in data["matches"]]
    assert got == [
        (8, 19, "Союза МС-07", "Soyuz MS-07"),
        (31, 34, "МКС", "ISS"),
        (47, 57, "Роскосмосе", "Roscosmos"),
    ]


@pytest.mark.skipif(not SPACE.is_file(), reason="shipped space glossary not written yet")
def test_lookup_with_shipped_glossary(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "lookup", DONE_WHEN, "--format", "json")
    assert code == 0
    found = {(m["start"], m["end"]): m["renderings"]["en"] for m in json.loads(out)["matches"]}
    assert found[(8, 19)] == "Soyuz MS-07"
    assert found[(31, 34)] == "ISS"  # the abbreviation translation writes
    assert found[(47, 57)] == "Roscosmos"
    code, out, _ = invoke(runner, "lookup", DONE_WHEN)
    assert code == 0
    assert "Soyuz MS-07" in out


def test_lookup_table(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "lookup", DONE_WHEN, "-g", str(MINI))
    assert code == 0
    assert "Союза МС-07" in out
    assert " ISS " in out  # the rendering translation writes for an abbreviation


def test_list_and_show(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "list", "-g", str(MINI), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["glossaries"][0]["concepts"] == 7
    assert [c["id"] for c in data["concepts"]][:2] == ["iss", "roscosmos"]
    code, out, _ = invoke(runner, "list", "-g", str(MINI), "--category", "agency")
    assert code == 0
    assert "roscosmos" in out
    assert "iss" not in out
    code, out, _ = invoke(runner, "show", "iss", "-g", str(MINI), "--format", "json")
    assert code == 0
    assert json.loads(out)[0]["terms"]["ru"]["abbr"] == ["МКС"]
    code, out, _ = invoke(runner, "show", "iss", "-g", str(MINI))
    assert code == 0
    assert "Международная космическая станция" in out
    code, _, err = invoke(runner, "show", "nope", "-g", str(MINI))
    assert code == 2
    assert "no concept 'nope'" in err


def test_check_flags_the_seed_article(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "check", str(SEED), "-g", str(MINI), "--format", "json")
    assert code == 1
    findings = json.loads(out)["files"][0]["findings"]
    forbidden = [f for f in findings if f["kind"] == "forbidden-term"]
    assert [(f["text"], f["line"], f["replacement"]) for f in forbidden] == [
        ("International Space System", 8, "International Space Station")
    ]


@pytest.mark.skipif(not SPACE.is_file(), reason="shipped space glossary not written yet")
def test_check_seed_with_shipped_glossary(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "check", str(SEED), "--format", "sarif", "--fail-on", "error")
    assert code == 1
    assert "International Space System" in out
    assert json.loads(out)["version"] == "2.1.0"


def test_check_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("The International Space Station (ISS) is in orbit.\n", encoding="utf-8")
    assert invoke(runner, "check", str(clean), "-g", str(MINI))[0] == 0
    warn = tmp_path / "warn.txt"
    warn.write_text("Roscosmos said; the Russian space agency agreed.\n", encoding="utf-8")
    assert invoke(runner, "check", str(warn), "-g", str(MINI))[0] == 1
    assert invoke(runner, "check", str(warn), "-g", str(MINI), "--fail-on", "error")[0] == 0
    code, _, err = invoke(runner, "check", str(tmp_path / "missing.txt"), "-g", str(MINI))
    assert code == 2
    assert "missing.txt" in err


def test_validate_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    code, out, _ = invoke(runner, "validate", str(MINI))
    assert (code, "7 concepts, 0 finding(s)" in out) == (0, True)
    bad = tmp_path / "conflict.toml"
    bad.write_text(
        '[glossary]\nid = "c"\nlanguages = ["en", "ru"]\n\n[[concept]]\nid = "a"\n'
        'en = { term = "Union" }\nru = { term = "Союз" }\n\n[[concept]]\nid = "b"\n'
        'en = { term = "Soyuz" }\nru = { term = "Союз" }\n',
        encoding="utf-8",
    )
    code, out, _ = invoke(runner, "validate", str(bad), "--format", "json")
    assert code == 1
    assert json.loads(out)[0]["findings"][0]["rule"] == "glossary-conflicting-rendering"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        pytest.param(
            '[glossary]\nid = "x"\nlanguages = ["en"]\n\n[[concept]]\nen = { term = "A" }\n',
            ":5: concept has no `id`",
            id="missing-column",
        ),
        pytest.param(
            '[glossary]\nid = "x"\nlanguages = ["en"]\n\n[[concept]]\nid = "a"\nnotes = "x"\n'
            'en = { term = "A" }\n',
            ":7: unknown key 'notes'",
            id="unknown-field",
        ),
        pytest.param(
            '[glossary]\nid = "x"\nlanguages = ["en"]\n\n[[concept]]\nid = "a"\nen = { term = "A" }\n'
            '\n[[concept]]\nid = "a"\nen = { term = "B" }\n',
            ":9: duplicate concept id",
            id="duplicate-id",
        ),
        pytest.param(
            '[glossary]\nid = "x"\nlanguages = ["en"]\n\n[[concept]]\nid = "a"\npattern = true\n'
            'en = { term = "MS-{nn}" }\n',
            ":8: invalid pattern",
            id="invalid-pattern",
        ),
    ],
)
def test_validate_bad_input_exit_2(runner: CliRunner, tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    code, _, err = invoke(runner, "validate", str(path))
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1


def test_validate_wrong_encoding_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "cp1251.toml"
    path.write_bytes('[glossary]\nid = "x"\nlanguages = ["en"]\n# Роскосмос\n'.encode("cp1251"))
    code, _, err = invoke(runner, "validate", str(path))
    assert code == 2
    assert "cp1251.toml:4: not UTF-8" in err


def test_add_remove_by_flags(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "g.toml"
    shutil.copyfile(MINI, target)
    before = target.read_text(encoding="utf-8")
    code, _, err = invoke(
        runner,
        "add",
        "-g",
        str(target),
        "--id",
        "esa",
        "--lang",
        "en=European Space Agency",
        "--abbr",
        "en=ESA",
        "--lang",
        "ru=Европейское космическое агентство",
        "--abbr",
        "ru=ЕКА",
        "--category",
        "agency",
    )
    assert code == 0, err
    after = target.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == (
        '\n[[concept]]\nid = "esa"\ncategory = "agency"\n'
        'en = { term = "European Space Agency", abbr = ["ESA"] }\n'
        'ru = { term = "Европейское космическое агентство", abbr = ["ЕКА"] }\n'
    )
    code, _, err = invoke(runner, "add", "-g", str(target), "--id", "esa", "--lang", "en=ESA")
    assert code == 2
    assert "exists already" in err
    code, _, _ = invoke(runner, "remove", "esa", "-g", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8") == before
    code, _, err = invoke(runner, "add", "-g", str(target), "--id", "x", "--lang", "en")
    assert code == 2
    assert "LANG=TERM" in err
    code, _, err = invoke(runner, "add", "-g", str(target), "--id", "x", "--lang", "en=X", "--lang", "fr=Y")
    assert code == 2
    assert err.startswith("glossa: error: the command line: language 'fr' of concept 'x' is not declared")
    code, _, err = invoke(runner, "add", "-g", str(target), "--id", "x", "--lang", "en=MS-{n}")
    assert code == 2
    assert "pattern = true" in err
    assert target.read_text(encoding="utf-8") == before


def test_add_from_csv_bad_row_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "g.toml"
    shutil.copyfile(MINI, target)
    before = target.read_bytes()
    rows = tmp_path / "rows.csv"
    rows.write_text("id,en,ru\nesa,European Space Agency,ЕКА\njaxa,,ДЖАКСА\n", encoding="utf-8")
    code, _, err = invoke(runner, "add", "-g", str(target), "--from-csv", str(rows))
    assert code == 2
    assert "rows.csv:3:" in err
    assert target.read_bytes() == before
    rows.write_text("id,en,ru,colour\nesa,European Space Agency,ЕКА,blue\n", encoding="utf-8")
    code, _, err = invoke(runner, "add", "-g", str(target), "--from-csv", str(rows))
    assert (code, "rows.csv:1: unknown column 'colour'" in err) == (2, True)
    assert target.read_bytes() == before


@pytest.mark.parametrize("suffix", [".tbx", ".csv", ".tsv"])
def test_export_import_round_trip(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    exported = tmp_path / f"mini{suffix}"
    assert invoke(runner, "export", str(exported), "-g", str(MINI))[0] == 0
    out = tmp_path / "back.toml"
    args = ["import", str(exported), "-o", str(out), "--id", "mini"]
    if suffix != ".tbx":
        args += ["--title", "Mini space glossary", "--version", "1.0.0"]
    code, _, err = invoke(runner, *args)
    assert code == 0, err
    original, back = load_glossary(MINI), load_glossary(out)
    assert [c.terms for c in back.concepts] == [c.terms for c in original.concepts]
    assert [(c.id, c.category, c.pos, c.note, c.source, c.pattern) for c in back.concepts] == [
        (c.id, c.category, c.pos, c.note, c.source, c.pattern) for c in original.concepts
    ]
    assert (back.id, back.title, back.version, back.languages) == (
        original.id,
        original.title,
        original.version,
        original.languages,
    )
    # never overwrite without --force
    code, _, err = invoke(runner, *args)
    assert (code, "exists already" in err) == (2, True)


def test_export_pairs(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "deepl.csv"
    assert invoke(runner, "export", str(out), "-g", str(MINI), "--as", "pairs-csv", "--source", "ru")[0] == 0
    assert out.read_text(encoding="utf-8").splitlines()[1] == "МКС,ISS"
    back = tmp_path / "pairs.toml"
    code, _, err = invoke(runner, "import", str(out), "--as", "pairs-csv", "--source", "ru", "-o", str(back))
    assert code == 0, err
    assert load_glossary(back).get("international-space-station") is not None


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        pytest.param(
            "bomb.tbx",
            '<?xml version="1.0"?>\n<!DOCTYPE m [\n<!ENTITY a "aaaa">\n'
            '<!ENTITY b "&a;&a;&a;&a;">\n]>\n<martif>&b;</martif>\n',
            "bomb.tbx:3: TBX declares",
            id="bomb",
        ),
        pytest.param(
            "cut.tbx",
            '<?xml version="1.0"?>\n<martif type="TBX-Basic">\n<text><body>\n<termEntry id="a">\n',
            "cut.tbx:5: TBX is not well-formed",
            id="truncated",
        ),
        pytest.param("pairs.csv", "id,en\na,A,extra\n", "pairs.csv:2: row has 3 cells", id="bad-csv"),
    ],
)
def test_import_bad_input_exit_2_no_write(
    runner: CliRunner, tmp_path: Path, name: str, content: str, needle: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.toml"
    code, _, err = invoke(runner, "import", str(source), "-o", str(out))
    assert code == 2
    assert needle in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [name]


def test_merge(runner: CliRunner, tmp_path: Path) -> None:
    other = tmp_path / "b.toml"
    other.write_text(
        '[glossary]\nid = "b"\nlanguages = ["en"]\n\n[[concept]]\nid = "esa"\n'
        'en = { term = "European Space Agency" }\n',
        encoding="utf-8",
    )
    out = tmp_path / "merged.toml"
    code, _, err = invoke(runner, "merge", str(MINI), str(other), "-o", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").startswith(MINI.read_text(encoding="utf-8"))
    assert load_glossary(out).ids[-1] == "esa"


def test_extract_then_add(runner: CliRunner, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "The Vostochny Cosmodrome hosted a launch. ESA watched.\nVostochny Cosmodrome again; ESA again.\n"
        "Sources at Roscosmos cited «Восточный».\n",
        encoding="utf-8",
    )
    (corpus / "b.md").write_text(
        "# Notes\n\nThe ISS and ESA and the Vostochny Cosmodrome.\n", encoding="utf-8"
    )
    out = tmp_path / "candidates.csv"
    code, _, err = invoke(runner, "extract", str(corpus), "-o", str(out), "-g", str(MINI))
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,category,en,en-abbr,ru,kind,count,files,example"
    assert lines[1].startswith("vostochny-cosmodrome,,Vostochny Cosmodrome,,,name,3,2,")
    assert lines[2].startswith("esa,abbreviation,ESA,ESA,,abbreviation,3,2,")
    assert lines[3].startswith(",,,,Восточный,foreign,1,1,")
    terms = {line.split(",")[2] or line.split(",")[4] for line in lines[1:]}
    assert "Roscosmos" not in terms
    assert "ISS" not in terms
    # the reviewer drops the row without English, then adds the rest
    out.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    target = tmp_path / "g.toml"
    shutil.copyfile(MINI, target)
    code, _, err = invoke(runner, "add", "-g", str(target), "--from-csv", str(out))
    assert code == 0, err
    assert load_glossary(target).ids[-2:] == ("vostochny-cosmodrome", "esa")


def test_check_html_skips_markup(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '<html><body>\n<p>The crew reached the <a href="https://example.org/International Space System">'
        "International Space System</a> today.</p>\n</body></html>\n",
        encoding="utf-8",
    )
    code, out, _ = invoke(runner, "check", str(page), "-g", str(MINI), "--format", "json")
    assert code == 1
    (finding,) = json.loads(out)["files"][0]["findings"]
    text = page.read_text(encoding="utf-8")
    assert text[finding["start"] : finding["end"]] == "International Space System"
    assert (finding["line"], finding["column"]) == (2, 82)


def test_two_glossa_processes_add_concurrently(tmp_path: Path) -> None:
    """Two real `glossa glossary add` runs in parallel processes, four commands each: nothing is lost."""
    import subprocess
    import sys

    target = tmp_path / "g.toml"
    shutil.copyfile(MINI, target)
    script = (
        "import sys\nfrom pipeline.cli import main\n"
        "for i in range(4):\n"
        "    try:\n"
        "        n, g = sys.argv[2], sys.argv[1]\n"
        "        main(['glossary', 'add', '-g', g, '--id', f'{n}-{i}', '--lang', f'en={n} {i}'])\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(target), name], cwd=REPO) for name in ("p", "q")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    ids = load_glossary(target).ids
    assert sorted(i for i in ids if i[:2] in ("p-", "q-")) == [f"{n}-{i}" for n in "pq" for i in range(4)]
