"""Exchange with other tools: layouts told from the content, Google's term sets, XML ids, language codes.

The DeepL and Google files are shaped as their glossary documentation shows them: DeepL's entries are
``source,target`` rows without a header (optionally followed by the two language codes), TSV the same with a
tab; Google's equivalent term sets have a header row of language codes and the optional ``pos`` and
``description`` columns.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath

import pytest
from typer.testing import CliRunner

from pipeline.app.glossary import ConceptOptions, concept_from_options
from pipeline.cli import app
from pipeline.errors import GlossaryError
from pipeline.glossary.checks import language_problem, validate_glossary
from pipeline.glossary.exchange import (
    Layout,
    dumps,
    dumps_google,
    dumps_tbx,
    layout_of,
    loads,
    loads_csv,
    loads_pairs,
    loads_tbx,
    tbx_id,
)
from pipeline.glossary.io import load_glossary
from pipeline.glossary.model import Concept, Glossary, TermEntry

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini.toml"
DEEPL_CSV = "Hello,Guten Tag\nfriend,Freund\n"
DEEPL_TAGGED = "Hello,Guten Tag,en,de\nfriend,Freund,en,de\n"
DEEPL_TSV = "Hello\tGuten Tag\nfriend\tFreund\n"
DEEPL_DOC = "hermosa,belle\nexquisito,delicieux\n"
GOOGLE = (
    "en,ru,es,pos,description\n"
    "International Space Station,Международная космическая станция,Estación Espacial Internacional,noun,"
    "the orbital station\n"
    "Roscosmos,Роскосмос,Roscosmos,proper-noun,\n"
)
#: NCName, the lexical space of xml:id (ASCII part: Glossa ids are ASCII).
NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*\Z")


@pytest.mark.parametrize(
    ("text", "name", "layout"),
    [
        (DEEPL_CSV, "deepl.csv", Layout.pairs_csv),
        (DEEPL_TAGGED, "deepl.csv", Layout.pairs_csv),
        (DEEPL_DOC, "es-fr.csv", Layout.pairs_csv),
        (DEEPL_TSV, "deepl.tsv", Layout.pairs_tsv),
        (GOOGLE, "google.csv", Layout.google_csv),
        ("en,ja\nISS,国際宇宙ステーション\n", "two.csv", Layout.google_csv),
        ("id,en,ru\niss,ISS,МКС\n", "full.csv", Layout.csv),
        ("id\ten\tru-abbr\niss\tISS\tМКС\n", "full.tsv", Layout.tsv),
        ("en\tru\nISS\tМКС\n", "codes.tsv", Layout.tsv),
        ("\n\nen,ru,count,example\nISS,МКС,3,x\n", "extract.csv", Layout.csv),
        ("id,en,xx\nx,A,B\n", "bad-column.csv", Layout.csv),
    ],
)
def test_layout_told_from_content(text: str, name: str, layout: Layout) -> None:
    assert layout_of(text, PurePath(name)) is layout


def test_layout_given_or_tbx_wins() -> None:
    assert layout_of(DEEPL_CSV, PurePath("a.csv"), Layout.csv) is Layout.csv
    assert layout_of("<martif/>", PurePath("a.tbx")) is Layout.tbx


@pytest.mark.parametrize(
    ("text", "line"), [("a,b,c\n", 1), ("\n\nTerm;Translation;Note;Extra;More\n", 3), ("ISS\n", 1)]
)
def test_undecidable_layout_is_one_line_naming_file_line_and_option(text: str, line: int) -> None:
    with pytest.raises(GlossaryError) as caught:
        layout_of(text, PurePath("odd.csv"))
    message = str(caught.value)
    assert message.startswith(f"odd.csv:{line}: cannot tell the layout")
    assert "--layout" in message
    assert "\n" not in message


def test_deepl_files_import_without_a_layout(tmp_path: Path) -> None:
    for name, text in (("a.csv", DEEPL_CSV), ("b.csv", DEEPL_TAGGED), ("c.tsv", DEEPL_TSV)):
        layout = layout_of(text, PurePath(name))
        g = loads(text, layout, pair=("en", "de"))
        assert [
            (c.term("en").term, c.term("de").term) for c in g.concepts if c.term("en") and c.term("de")
        ] == [
            ("Hello", "Guten Tag"),
            ("friend", "Freund"),
        ]


def test_google_term_sets_import() -> None:
    g = loads(GOOGLE, layout_of(GOOGLE, PurePath("google.csv")))
    assert g.languages == ("en", "ru", "es")
    iss, agency = g.concepts
    assert (iss.id, iss.pos, iss.note) == ("international-space-station", "noun", "the orbital station")
    assert iss.term("es") == TermEntry("Estación Espacial Internacional")
    assert (agency.pos, agency.term("ru")) == ("proper-noun", TermEntry("Роскосмос"))


def test_google_term_sets_export_round_trip() -> None:
    assert dumps_google(loads_csv(GOOGLE)) == GOOGLE
    assert dumps(loads_csv(GOOGLE), Layout.google_csv) == GOOGLE


def test_google_export_of_the_fixture() -> None:
    g = load_glossary(MINI)
    text = dumps_google(g)
    header, *rows = text.splitlines()
    assert header.split(",")[:2] == ["en", "ru"]
    assert "description" in header.split(",")
    assert len(rows) == len([c for c in g.concepts if not c.pattern])
    back = loads_csv(text)
    for concept, again in zip((c for c in g.concepts if not c.pattern), back.concepts, strict=True):
        assert [(lang, e.term) for lang, e in concept.terms] == [(lang, e.term) for lang, e in again.terms]
        assert (again.pos, again.note) == (concept.pos, concept.note)


def test_google_export_needs_two_languages() -> None:
    g = Glossary("g", languages=("en",), concepts=(Concept("iss", terms=(("en", TermEntry("ISS")),)),))
    with pytest.raises(GlossaryError, match="two languages"):
        dumps_google(g)


def _ids_glossary() -> Glossary:
    def concept(cid: str, en: str, ru: str) -> Concept:
        return Concept(cid, terms=(("en", TermEntry(en)), ("ru", TermEntry(ru))))

    return Glossary(
        "ids",
        languages=("en", "ru"),
        concepts=(
            concept("2024-launch", "Launch", "Запуск"),
            concept("c-3po", "Droid", "Дроид"),
            concept("iss", "ISS", "МКС"),
            concept("1", "One", "Один"),
        ),
    )


def test_tbx_ids_are_ncnames_and_come_back() -> None:
    g = _ids_glossary()
    text = dumps_tbx(g)
    ids = re.findall(r'<termEntry id="([^"]*)"', text)
    assert ids == ["c-2024-launch", "c-c-3po", "iss", "c-1"]
    assert all(NCNAME.match(i) for i in ids)
    assert [c.id for c in loads_tbx(text).concepts] == ["2024-launch", "c-3po", "iss", "1"]
    assert dumps_tbx(loads_tbx(text)) == text


def test_tbx_ids_of_the_fixture_unchanged() -> None:
    g = load_glossary(MINI)
    assert [tbx_id(c.id) for c in g.concepts] == [c.id for c in g.concepts]


def test_foreign_tbx_ids_are_not_stripped() -> None:
    text = (
        '<martif type="TBX-Basic"><text><body><termEntry id="c-7"><langSet xml:lang="en"><tig><term>A</term>'
        "</tig></langSet></termEntry></body></text></martif>"
    )
    assert [c.id for c in loads_tbx(text).concepts] == ["c-7"]


@pytest.mark.parametrize("glossary", [_ids_glossary(), load_glossary(MINI)], ids=["ids", "mini"])
def test_translate_toolkit_reads_our_tbx(glossary: Glossary) -> None:
    from translate.storage import tbx

    store = tbx.tbxfile.parsestring(dumps_tbx(glossary).encode("utf-8"))
    units = store.units
    assert [u.getid() for u in units] == [tbx_id(c.id) for c in glossary.concepts]
    assert [u.source for u in units] == [c.term("en").term for c in glossary.concepts if c.term("en")]
    expected = [e.term if (e := c.term("ru")) is not None else "" for c in glossary.concepts]
    assert [u.target or "" for u in units] == expected


@pytest.mark.parametrize("code", ["en", "ru", "de", "uk", "ja", "fil", "es"])
def test_real_language_codes(code: str) -> None:
    assert language_problem(code) is None


@pytest.mark.parametrize("code", ["xx", "zz", "iss", "e", "english", "en-US", "EN", ""])
def test_bad_language_codes(code: str) -> None:
    assert "BCP 47" in (language_problem(code) or "")


def test_validate_reports_bad_language(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(
        '[glossary]\nid = "g"\nlanguages = ["en", "xx", "zz"]\n\n[[concept]]\nid = "iss"\n'
        'en = { term = "ISS" }\nxx = { term = "I" }\nzz = { term = "Z" }\n',
        encoding="utf-8",
    )
    findings = [f for f in validate_glossary(load_glossary(path)) if f.rule == "glossary-language"]
    assert [(f.text, f.line, f.severity.value) for f in findings] == [("xx", 1, "error"), ("zz", 1, "error")]


def test_validate_of_the_fixture_has_no_language_findings() -> None:
    assert not [f for f in validate_glossary(load_glossary(MINI)) if f.rule == "glossary-language"]


def test_import_refuses_bad_language_codes() -> None:
    with pytest.raises(GlossaryError, match=r"column 'xx': 'xx' is not a BCP 47") as caught:
        loads_csv("id,en,xx\nx,A,B\n", path="g.csv")
    assert str(caught.value).startswith("g.csv:1: ")
    with pytest.raises(GlossaryError, match="--target: 'xx' is not a BCP 47"):
        loads_pairs(DEEPL_CSV, "en", "xx")
    text = (
        '<martif type="TBX-Basic"><text><body>\n<termEntry id="x"><langSet xml:lang="en"><tig><term>A</term>'
        '</tig></langSet><langSet xml:lang="xx"><tig><term>B</term></tig></langSet></termEntry></body></text>'
        "</martif>"
    )
    with pytest.raises(GlossaryError, match="xml:lang of entry 'x': 'xx'") as caught:
        loads_tbx(text, path="g.tbx")
    assert caught.value.line == 2


def test_pairs_export_refuses_bad_language_codes() -> None:
    with pytest.raises(GlossaryError, match="--source: 'qq' is not"):
        dumps(load_glossary(MINI), Layout.pairs_csv, pair=("qq", "en"))


def test_add_refuses_bad_language_codes() -> None:
    with pytest.raises(GlossaryError, match=r"--lang xx=\.\.\.: 'xx' is not a BCP 47"):
        concept_from_options(ConceptOptions("foo", ("en=Foo", "xx=Fu")))


def _glossa(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["glossary", *args])
    return result.exit_code, result.stderr


def test_cli_imports_deepl_and_google_without_layout(tmp_path: Path) -> None:
    deepl, google = tmp_path / "deepl.csv", tmp_path / "google.csv"
    deepl.write_text(DEEPL_CSV, encoding="utf-8")
    google.write_text(GOOGLE, encoding="utf-8")
    code, err = _glossa(
        "import", str(deepl), "-o", str(tmp_path / "d.toml"), "--source", "en", "--target", "de"
    )
    assert code == 0, err
    assert load_glossary(tmp_path / "d.toml").languages == ("en", "de")
    code, err = _glossa("import", str(google), "-o", str(tmp_path / "g.toml"))
    assert code == 0, err
    out = tmp_path / "back.csv"
    code, err = _glossa("export", str(out), "-g", str(tmp_path / "g.toml"), "--layout", "google-csv")
    assert code == 0, err
    assert out.read_text(encoding="utf-8") == GOOGLE


def test_cli_undecidable_layout(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n", encoding="utf-8")
    code, err = _glossa("import", str(odd), "-o", str(tmp_path / "o.toml"))
    assert code != 0
    assert err.strip().splitlines() == [
        f"glossa: error: {odd}:1: cannot tell the layout: the first row has 3 cells and is neither a "
        "header of known columns (id, en, ru, ...) nor a term pair; pass --layout csv, google-csv, pairs-csv"
    ]
    code, err = _glossa("import", str(odd), "-o", str(tmp_path / "o.toml"), "--layout", "pairs-csv")
    assert "expected 2 columns" in err


def test_cli_validate_and_add_refuse_xx(tmp_path: Path, mini: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[glossary]\nid = "b"\nlanguages = ["en", "xx"]\n\n[[concept]]\nid = "a"\nen = { term = "A" }\n'
        'xx = { term = "B" }\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["glossary", "validate", str(bad)])
    assert result.exit_code == 1
    assert "'xx' is not a BCP 47 language code" in result.stdout
    before = mini.read_bytes()
    code, err = _glossa("add", "-g", str(mini), "--id", "foo", "--lang", "en=Foo", "--lang", "xx=Fu")
    assert code != 0
    assert "'xx' is not a BCP 47" in err
    assert mini.read_bytes() == before
