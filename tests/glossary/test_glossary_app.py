"""The glossary jobs (pipeline.app.glossary) and renderers (pipeline.render.glossary) over plain values."""

from __future__ import annotations

import json
from pathlib import Path, PurePath

import pytest

from pipeline.app.glossary import (
    ConceptOptions,
    concept_from_options,
    find_concept,
    list_concepts,
    load_glossaries,
    target_glossary,
    validate_files,
)
from pipeline.document import Severity
from pipeline.errors import GlossaryError
from pipeline.glossary.exchange import Layout, dumps, layout_for, loads
from pipeline.glossary.model import CONCEPT_ID, TermEntry
from pipeline.render import glossary as render

MINI = Path(__file__).resolve().parent / "data" / "mini.toml"


def test_concept_from_options_groups_strings_by_language() -> None:
    options = ConceptOptions(
        "esa",
        ("en=European Space Agency", "ru=ЕКА", "EN=ESA agency"),
        variants=("en=the Agency",),
        forbidden=("ru=ЕСА",),
        abbr=("en=ESA",),
        category="agency",
        pattern=False,
    )
    concept = concept_from_options(options)
    assert concept.id == "esa"
    assert concept.category == "agency"
    # a repeated language keeps its first place and its last term, as before
    assert concept.terms == (
        ("en", TermEntry("ESA agency", ("the Agency",), (), ("ESA",))),
        ("ru", TermEntry("ЕКА", (), ("ЕСА",), ())),
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(ConceptOptions(None, ("en=X",)), "give --id", id="no-id"),
        pytest.param(ConceptOptions("x", ()), "give --id", id="no-term"),
        pytest.param(ConceptOptions("x", ("en",)), "write LANG=TERM", id="malformed"),
        pytest.param(
            ConceptOptions("x", ("en=X",), abbr=("de=Y",)), "give --lang de=TERM first", id="no-lang"
        ),
    ],
)
def test_concept_from_options_errors(options: ConceptOptions, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        concept_from_options(options)


@pytest.mark.parametrize(
    ("name", "layout", "expected"),
    [
        pytest.param("a.csv", None, Layout.csv, id="csv"),
        pytest.param("a.TSV", None, Layout.tsv, id="tsv"),
        pytest.param("a.xml", None, Layout.tbx, id="xml"),
        pytest.param("a.txt", Layout.pairs_tsv, Layout.pairs_tsv, id="given"),
    ],
)
def test_layout_for(name: str, layout: Layout | None, expected: Layout) -> None:
    assert layout_for(PurePath(name), layout) is expected


def test_layout_for_unknown_suffix() -> None:
    with pytest.raises(GlossaryError, match="pass --layout"):
        layout_for(PurePath("a.bin"))


@pytest.mark.parametrize("layout", list(Layout))
def test_dumps_then_loads_keeps_the_english_terms(layout: Layout) -> None:
    (glossary,) = load_glossaries([MINI])
    back = loads(dumps(glossary, layout, pair=("ru", "en")), layout, pair=("ru", "en"))
    kept = {c.preferred("en") for c in back.concepts}
    plain = {c.preferred("en") for c in glossary.concepts if not c.pattern and c.term("ru")}
    assert plain <= kept


def test_one_concept_id_pattern() -> None:
    assert CONCEPT_ID.match("soyuz-ms.07")
    assert not CONCEPT_ID.match("Soyuz")
    assert not CONCEPT_ID.match("-x")


def test_list_find_and_target() -> None:
    glossaries = load_glossaries([MINI])
    assert [c.id for _, c in list_concepts(glossaries, "station")] == ["iss"]
    assert [c.id for _, c in find_concept(glossaries, "iss")] == ["iss"]
    with pytest.raises(GlossaryError, match="no concept 'nope'"):
        find_concept(glossaries, "nope")
    assert target_glossary(None, [MINI]) == MINI
    with pytest.raises(GlossaryError, match="no glossary to edit"):
        target_glossary(None, [])


def test_validation_renders_and_exit_codes(tmp_path: Path) -> None:
    checked = validate_files([MINI, tmp_path / "missing.toml"])
    assert len(checked.failed) == 1
    data = json.loads(render.render_validation_json(checked.failed, checked.results))
    assert data[0]["path"] == str(tmp_path / "missing.toml")
    assert data[1]["id"] == "mini"
    assert render.render_validation_table(checked.results).endswith("7 concepts, 0 finding(s)\n")
    assert render.validation_exit_code(True, checked.results, Severity.ERROR) == 2
    assert render.validation_exit_code(False, checked.results, Severity.INFO) == 0


def test_renderers_end_with_one_newline() -> None:
    glossaries = load_glossaries([MINI])
    rows = list_concepts(glossaries)
    for text in (
        render.render_list(glossaries, rows, as_json=True, width=100),
        render.render_list(glossaries, rows, as_json=False, width=100),
        render.render_concepts(find_concept(glossaries, "iss"), as_json=False, width=100),
        render.render_lookup("ISS", [], as_json=True, width=100),
    ):
        assert text.endswith("\n")
        assert not text.endswith("\n\n")
