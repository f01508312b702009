"""Loading, validation errors with file:line, byte-preserving edits, locking and merging."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import GlossaryError, InputError
from pipeline.glossary.io import (
    add_concepts,
    dump_concept,
    dumps_glossary,
    load_glossary,
    loads_glossary,
    merge_files,
    remove_concepts,
    split_chunks,
)
from pipeline.glossary.model import Concept, TermEntry

MINI = Path(__file__).resolve().parent / "data" / "mini.toml"

HEADER = '[glossary]\nid = "t"\nlanguages = ["en", "ru"]\n\n'


def test_load_fixture() -> None:
    g = load_glossary(MINI)
    assert g.id == "mini"
    assert g.languages == ("en", "ru", "de", "uk", "ja")
    assert g.ids[:3] == ("iss", "roscosmos", "soyuz-ms")
    iss = g["iss"]
    assert iss.line == 9
    assert iss.term("en") == TermEntry(
        "International Space Station", abbr=("ISS",), forbidden=("International Space System", "MKS")
    )
    assert g["soyuz-ms"].pattern
    assert g["soyuz-ms"].preferred("en", "07") == "Soyuz MS-07"
    assert "nope" not in g
    with pytest.raises(KeyError):
        g["nope"]


def test_split_is_lossless() -> None:
    text = MINI.read_text(encoding="utf-8")
    assert split_chunks(text).text() == text


def test_dump_round_trip() -> None:
    g = load_glossary(MINI)
    again = loads_glossary(dumps_glossary(g), source=str(MINI))
    strip = [Concept(**{**{s: getattr(c, s) for s in Concept.__slots__}, "line": 0}) for c in g.concepts]
    strip2 = [Concept(**{**{s: getattr(c, s) for s in Concept.__slots__}, "line": 0}) for c in again.concepts]
    assert strip == strip2


@pytest.mark.parametrize(
    ("body", "line", "needle"),
    [
        pytest.param('[[concept]]\ncategory = "x"\nen = { term = "A" }\n', 5, "has no `id`", id="missing-id"),
        pytest.param('[[concept]]\nid = "a"\ncategory = "x"\n', 5, "no `en` entry", id="missing-en"),
        pytest.param(
            '[[concept]]\nid = "a"\ncategry = "x"\nen = { term = "A" }\n',
            7,
            "unknown key 'categry'",
            id="unknown-key",
        ),
        pytest.param(
            '[[concept]]\nid = "a"\nen = { term = "A", varients = ["B"] }\n',
            7,
            "unknown key 'varients'",
            id="unknown-entry-key",
        ),
        pytest.param(
            '[[concept]]\nid = "a"\nen = { term = "A" }\nfr = { term = "B" }\n',
            8,
            "not declared",
            id="undeclared-language",
        ),
        pytest.param(
            '[[concept]]\nid = "a"\nen = { term = "A" }\n\n[[concept]]\nid = "a"\nen = { term = "B" }\n',
            9,
            "duplicate concept id 'a' (first at line 5)",
            id="duplicate-id",
        ),
        pytest.param(
            '[[concept]]\nid = "a"\npattern = true\nen = { term = "Soyuz MS-{m}" }\n',
            8,
            "invalid pattern",
            id="bad-placeholder",
        ),
        pytest.param(
            '[[concept]]\nid = "a"\npattern = true\nen = { term = "S-{n}-{n}" }\n',
            8,
            "may appear once",
            id="two-placeholders",
        ),
        pytest.param(
            '[[concept]]\nid = "a"\nen = { term = "Soyuz MS-{n}" }\n',
            7,
            "pattern = true",
            id="placeholder-without-pattern",
        ),
        pytest.param('[[concept]]\nid = "a"\nen = { term = "A" \n', 7, "TOML syntax error", id="toml-syntax"),
        pytest.param(
            '[[concept]]\nid = "a"\npos = "nown"\nen = { term = "A" }\n', 7, "pos of concept", id="bad-pos"
        ),
        pytest.param(
            '[[concept]]\nid = "a"\nen = { term = "A", case = "upper" }\n', 7, "case", id="bad-case"
        ),
        pytest.param('[[concept]]\nid = "Bad Id"\nen = { term = "A" }\n', 6, "invalid", id="bad-id"),
    ],
)
def test_invalid_concepts_name_the_line(body: str, line: int, needle: str) -> None:
    with pytest.raises(GlossaryError) as info:
        loads_glossary(HEADER + body, source="g.toml")
    assert info.value.line == line
    assert needle in info.value.message
    assert str(info.value).startswith(f"g.toml:{line}: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        pytest.param('id = "x"\n', 1, "no [glossary] table", id="no-header"),
        pytest.param('[glossary]\nid = "x"\n', 1, "no `languages`", id="no-languages"),
        pytest.param(
            '[glossary]\nid = "x"\nlanguages = ["en"]\nowner = "me"\n',
            4,
            "unknown key 'owner'",
            id="unknown-header-key",
        ),
        pytest.param('[glossary]\nid = "x"\nlanguages = ["ru"]\n', 3, 'include "en"', id="no-english"),
        pytest.param('[glossary]\nid = "x"\nlanguages = ["en"\n', 3, "TOML syntax error", id="header-syntax"),
    ],
)
def test_invalid_headers(text: str, line: int, needle: str) -> None:
    with pytest.raises(GlossaryError) as info:
        loads_glossary(text, source="g.toml")
    assert info.value.line == line
    assert needle in info.value.message


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.toml"
    path.write_bytes(
        (HEADER + '[[concept]]\nid = "a"\nen = { term = "A" }\nru = { term = "Роскосмос" }\n').encode(
            "cp1251"
        )
    )
    with pytest.raises(InputError) as info:
        load_glossary(path)
    assert info.value.line == 8
    assert "not UTF-8" in info.value.message
    assert "re-save" in info.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_glossary(tmp_path / "nope.toml")


NEW = Concept(
    "vostochny",
    category="cosmodrome",
    terms=(("en", TermEntry("Vostochny Cosmodrome")), ("ru", TermEntry("космодром Восточный"))),
)


def test_add_keeps_every_other_byte(mini: Path) -> None:
    before = mini.read_text(encoding="utf-8")
    g = add_concepts(mini, [NEW])
    after = mini.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == "\n" + dump_concept(NEW)
    assert g.ids[-1] == "vostochny"
    assert load_glossary(mini)["vostochny"].term("ru") == TermEntry("космодром Восточный")


def test_add_existing_id_fails_without_replace(mini: Path) -> None:
    before = mini.read_bytes()
    with pytest.raises(GlossaryError, match="exists already"):
        add_concepts(mini, [Concept("iss", terms=(("en", TermEntry("ISS")),))])
    assert mini.read_bytes() == before


def test_replace_rewrites_only_that_chunk(mini: Path) -> None:
    before = split_chunks(mini.read_text(encoding="utf-8"))
    new = Concept(
        "roscosmos", category="agency", terms=(("en", TermEntry("Roscosmos", forbidden=("Roskosmos",))),)
    )
    add_concepts(mini, [new], replace=True)
    after = split_chunks(mini.read_text(encoding="utf-8"))
    assert after.header == before.header
    assert len(after.chunks) == len(before.chunks)
    for i, (old, now) in enumerate(zip(before.chunks, after.chunks, strict=True)):
        if i == 1:
            assert now[1].startswith(dump_concept(new))
        else:
            assert now[1] == old[1]


def test_remove_keeps_every_other_byte(mini: Path) -> None:
    raw = split_chunks(mini.read_text(encoding="utf-8"))
    remove_concepts(mini, ["roscosmos"])
    assert mini.read_text(encoding="utf-8") == raw.header + raw.chunks[0][1] + "".join(
        c for _, c in raw.chunks[2:]
    )
    with pytest.raises(GlossaryError, match="no concept 'nope'"):
        remove_concepts(mini, ["nope"])


def test_invalid_edit_leaves_the_file_alone(mini: Path) -> None:
    before = mini.read_bytes()
    with pytest.raises(GlossaryError):
        add_concepts(mini, [Concept("x", terms=(("fr", TermEntry("Station")),))])
    assert mini.read_bytes() == before
    assert not [p for p in mini.parent.iterdir() if p.name.endswith(".tmp")]


WORKER = textwrap.dedent(
    """
    import sys
    from pipeline.glossary.io import add_concepts
    from pipeline.glossary.model import Concept, TermEntry
    path, prefix = sys.argv[1], sys.argv[2]
    for i in range(15):
        add_concepts(path, [Concept(f"{prefix}-{i}", terms=(("en", TermEntry(f"{prefix} term {i}")),))])
    """
)


def test_concurrent_adds_lose_nothing(mini: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(mini), name], cwd=Path(__file__).resolve().parents[2]
        )
        for name in ("alpha", "beta")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    ids = load_glossary(mini).ids
    for name in ("alpha", "beta"):
        assert [i for i in ids if i.startswith(name)] == [f"{name}-{i}" for i in range(15)]
    assert len(ids) == 7 + 30


def test_merge(tmp_path: Path, mini: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(
        '[glossary]\nid = "other"\nlanguages = ["en", "ru", "fr"]\n\n'
        '[[concept]]\nid = "iss"\nen = { term = "International Space Station", variants = ["the station"] }\n'
        'fr = { term = "Station spatiale internationale" }\n\n'
        '# the new one\n[[concept]]\nid = "esa"\nen = { term = "European Space Agency", abbr = ["ESA"] }\n',
        encoding="utf-8",
    )
    out = tmp_path / "merged.toml"
    merged, changed = merge_files(mini, other, out)
    assert changed == ("iss", "esa")
    assert merged.languages == ("en", "ru", "de", "uk", "ja", "fr")
    assert merged["iss"].term("en").variants == ("the station",)  # type: ignore[union-attr]
    assert merged["iss"].term("fr") == TermEntry("Station spatiale internationale")
    text = out.read_text(encoding="utf-8")
    assert '[[concept]]\nid = "esa"\nen = { term = "European Space Agency", abbr = ["ESA"] }\n' in text
    # untouched chunks keep their bytes, comments included
    assert "# Flights of the Soyuz MS series.\n" in text
    with pytest.raises(GlossaryError, match="exists already"):
        merge_files(mini, other, out)


def test_merge_conflict_needs_prefer(tmp_path: Path, mini: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(
        HEADER + '[[concept]]\nid = "roscosmos"\nen = { term = "Russian Space Agency" }\n', encoding="utf-8"
    )
    with pytest.raises(GlossaryError, match="--prefer"):
        merge_files(mini, other, tmp_path / "out.toml")
    assert not (tmp_path / "out.toml").exists()
    merged, _ = merge_files(mini, other, tmp_path / "out.toml", prefer="a")
    assert merged["roscosmos"].term("en").term == "Roscosmos"  # type: ignore[union-attr]
    assert "Russian Space Agency" in merged["roscosmos"].term("en").variants  # type: ignore[union-attr]
