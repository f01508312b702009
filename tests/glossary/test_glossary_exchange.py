"""CSV/TSV and TBX-Basic exchange: exact round trips and safe, line-numbered failures."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import GlossaryError
from pipeline.glossary.exchange import dumps_csv, dumps_pairs, dumps_tbx, loads_csv, loads_pairs, loads_tbx
from pipeline.glossary.io import load_glossary
from pipeline.glossary.model import Concept, Glossary, TermEntry

DATA = Path(__file__).resolve().parent / "data"
SPACE = Path(__file__).resolve().parents[2] / "glossaries" / "space.toml"


def concepts(g: Glossary) -> tuple[Concept, ...]:
    return tuple(replace(c, line=0) for c in g.concepts)


def header(g: Glossary) -> tuple[str, str, str, tuple[str, ...], str]:
    return (g.id, g.title, g.version, g.languages, g.license)


GLOSSARIES = [DATA / "mini.toml"] + ([SPACE] if SPACE.is_file() else [])


@pytest.mark.parametrize("path", GLOSSARIES, ids=lambda p: p.name)
def test_tbx_round_trip_is_exact(path: Path) -> None:
    g = load_glossary(path)
    again = loads_tbx(dumps_tbx(g))
    assert concepts(again) == concepts(g)
    assert header(again) == header(g)
    assert dumps_tbx(again) == dumps_tbx(g)


@pytest.mark.parametrize("delimiter", [",", "\t"], ids=["csv", "tsv"])
@pytest.mark.parametrize("path", GLOSSARIES, ids=lambda p: p.name)
def test_full_csv_round_trip_is_exact(path: Path, delimiter: str) -> None:
    g = load_glossary(path)
    text = dumps_csv(g, delimiter=delimiter)
    again = loads_csv(text, delimiter=delimiter, glossary_id=g.id)
    assert concepts(again) == concepts(g)
    assert dumps_csv(again, delimiter=delimiter) == text


def test_tbx_structure() -> None:
    text = dumps_tbx(load_glossary(DATA / "mini.toml"))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic" xml:lang="en">')
    assert '<termEntry id="iss">' in text
    assert '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>' in text
    assert '<termNote type="termType">abbreviation</termNote>' in text
    assert '<langSet xml:lang="ru">' in text


def test_pairs_for_deepl() -> None:
    g = load_glossary(DATA / "mini.toml")
    text = dumps_pairs(g, "ru", "en")
    assert text.splitlines()[:2] == [
        "Международная космическая станция,International Space Station",
        "МКС,ISS",
    ]
    assert "{n}" not in text
    again = loads_pairs(text, "ru", "en")
    roscosmos = again["roscosmos"]
    assert roscosmos.term("ru") == TermEntry("Роскосмос", variants=("Госкорпорация «Роскосмос»",))
    assert roscosmos.term("en") == TermEntry("Roscosmos")


def test_pairs_tsv_and_quoting() -> None:
    g = Glossary(
        "g",
        languages=("en", "ru"),
        concepts=(
            Concept("a", terms=(("en", TermEntry('Say "hi", now')), ("ru", TermEntry("Привет, мир")))),
        ),
    )
    text = dumps_pairs(g, "en", "ru", delimiter="\t")
    assert text == 'Say "hi", now\tПривет, мир\n'
    assert loads_pairs(text, "en", "ru", delimiter="\t")["say-hi-now"].term("ru") == TermEntry("Привет, мир")


def test_google_header_of_language_codes() -> None:
    g = loads_csv("en,ru,pos,description\nRoscosmos,Роскосмос,proper-noun,state corporation\n")
    (c,) = g.concepts
    assert (c.id, c.pos, c.note, c.term("ru")) == (
        "roscosmos",
        "proper-noun",
        "state corporation",
        TermEntry("Роскосмос"),
    )


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        pytest.param("id,en,ru,colour\na,A,Б,red\n", 1, "unknown column 'colour'", id="unknown-column"),
        pytest.param("id,ru\na,Б\n", 1, "no 'en' column", id="no-english-column"),
        pytest.param("id,en,ru\na,A,Б\nb,,В\n", 3, "'en' cell is empty", id="missing-english-cell"),
        pytest.param("id,en,ru\na,A,Б\na,B,В\n", 3, "duplicate id 'a' (first at line 2)", id="duplicate-id"),
        pytest.param("id,en,ru\na,A,Б,extra\n", 2, "row has 4 cells", id="extra-cell"),
        pytest.param("id,en,en-case\na,A,loud\n", 2, "en-case is 'loud'", id="bad-case"),
        pytest.param("id,en,pattern\na,A,maybe\n", 2, "pattern is 'maybe'", id="bad-pattern"),
        pytest.param("", 1, "empty file", id="empty"),
    ],
)
def test_bad_csv(text: str, line: int, needle: str) -> None:
    with pytest.raises(GlossaryError) as info:
        loads_csv(text, path="t.csv")
    assert info.value.line == line
    assert needle in info.value.message


def test_bad_pairs() -> None:
    with pytest.raises(GlossaryError) as info:
        loads_pairs("Роскосмос,Roscosmos\nМКС\n", "ru", "en", path="p.csv")
    assert (info.value.line, "expected 2 columns" in info.value.message) == (2, True)
    with pytest.raises(GlossaryError, match="English on one side"):
        loads_pairs("a,b\n", "ru", "de")


def test_truncated_tbx_names_the_line() -> None:
    text = dumps_tbx(load_glossary(DATA / "mini.toml"))
    cut = text[: text.index('<termEntry id="soyuz">') + 40]
    with pytest.raises(GlossaryError) as info:
        loads_tbx(cut, path="cut.tbx")
    assert "truncated" in info.value.message
    assert info.value.line == cut.count("\n") + 1


BOMB = """<?xml version="1.0"?>
<!DOCTYPE martif [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<martif type="TBX-Basic"><text><body><termEntry id="x"><langSet xml:lang="en"><tig><term>&c;</term></tig>
</langSet></termEntry></body></text></martif>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE martif [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<martif type="TBX-Basic"><text><body><termEntry id="x"><langSet xml:lang="en"><tig><term>&secret;</term>
</tig></langSet></termEntry></body></text></martif>
"""


@pytest.mark.parametrize(
    ("text", "line"), [pytest.param(BOMB, 3, id="entity-bomb"), pytest.param(XXE, 2, id="external-entity")]
)
def test_entities_are_refused(text: str, line: int) -> None:
    with pytest.raises(GlossaryError) as info:
        loads_tbx(text, path="evil.tbx")
    assert "refused" in info.value.message
    assert info.value.line == line


def test_tbx_without_english() -> None:
    text = (
        '<martif type="TBX-Basic"><text><body>\n<termEntry id="x"><langSet xml:lang="ru"><tig><term>Б</term>'
        "</tig></langSet></termEntry></body></text></martif>"
    )
    with pytest.raises(GlossaryError) as info:
        loads_tbx(text, path="ru.tbx")
    assert (info.value.line, "no English" in info.value.message) == (2, True)


def test_foreign_tbx_basic() -> None:
    """A TBX-Basic file from a CAT tool: region codes, no glossa metadata, admitted terms."""
    text = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US"><martifHeader><fileDesc><titleStmt><title>Space</title></titleStmt>
</fileDesc></martifHeader><text><body>
<termEntry id="c1"><descrip type="subjectField">agency</descrip>
<langSet xml:lang="en-US"><tig><term>Roscosmos</term></tig></langSet>
<langSet xml:lang="ru-RU"><tig><term>Роскосмос</term>
<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
<tig><term>Роскосмос ГК</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
</langSet>
</termEntry></body></text></martif>"""
    g = loads_tbx(text, glossary_id="space")
    assert (g.id, g.title, g.languages) == ("space", "Space", ("en", "ru"))
    assert g["c1"].term("ru") == TermEntry("Роскосмос", variants=("Роскосмос ГК",))


_TERM = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda s: s and "|" not in s and "{" not in s and "}" not in s)
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_TERM, _TERM, st.lists(_TERM, max_size=2)), min_size=1, max_size=5))
def test_round_trips_hypothesis(rows: list[tuple[str, str, list[str]]]) -> None:
    g = Glossary(
        "h",
        languages=("en", "ru"),
        concepts=tuple(
            Concept(f"c{i}", note=ru, terms=(("en", TermEntry(en, variants=tuple(v))), ("ru", TermEntry(ru))))
            for i, (en, ru, v) in enumerate(rows)
        ),
    )
    assert concepts(loads_tbx(dumps_tbx(g), glossary_id="h")) == concepts(g)
    assert concepts(loads_csv(dumps_csv(g))) == concepts(g)
