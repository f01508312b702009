"""Term matching: inflection, case rules, patterns, longest match, offsets, and linear-time helpers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.glossary.io import load_glossary
from pipeline.glossary.match import TermMatch, TermMatcher, chrome_phrases, known_terms
from pipeline.glossary.model import Concept, Glossary, TermEntry

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[2]
SPACE = REPO / "glossaries" / "space.toml"
CHROME = Path(__file__).resolve().parents[2] / "glossaries" / "web-chrome.toml"
DONE_WHEN = "Экипаж «Союза МС-07» прибыл на МКС, сообщили в Роскосмосе"


@pytest.fixture(scope="module")
def matcher() -> TermMatcher:
    return TermMatcher([load_glossary(DATA / "mini.toml")])


def spans(matches: list[TermMatch]) -> list[tuple[int, int, str, str, str]]:
    return [(m.start, m.end, m.text, m.concept_id, m.form) for m in matches]


def test_done_when_sentence(matcher: TermMatcher) -> None:
    found = matcher.find(DONE_WHEN)
    assert spans(found) == [
        (8, 19, "Союза МС-07", "soyuz-ms", "term"),
        (31, 34, "МКС", "iss", "abbr"),
        (47, 57, "Роскосмосе", "roscosmos", "term"),
    ]
    assert [m.rendering("en") for m in found] == ["Soyuz MS-07", "International Space Station", "Roscosmos"]
    assert found[0].number == "07"
    assert found[0].matched == "Союз МС-07"
    for m in found:
        assert DONE_WHEN[m.start : m.end] == m.text


@pytest.mark.skipif(not SPACE.is_file(), reason="shipped space glossary not written yet")
def test_done_when_sentence_shipped_glossary() -> None:
    found = TermMatcher([load_glossary(SPACE)]).find(DONE_WHEN)
    by_span = {(m.start, m.end): m.rendering("en") for m in found}
    assert by_span[(8, 19)] == "Soyuz MS-07"
    assert by_span[(31, 34)] == "International Space Station"
    assert by_span[(47, 57)] == "Roscosmos"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Роскосмоса", "roscosmos", id="genitive"),
        pytest.param("Роскосмосом", "roscosmos", id="instrumental"),
        pytest.param("Роскосмосу", "roscosmos", id="dative"),
        pytest.param("на «Союзе МС-07»", "soyuz-ms", id="prepositional-pattern"),
        pytest.param("Международной космической станции", "iss", id="multiword-genitive"),
        pytest.param("Международную космическую станцию", "iss", id="multiword-accusative"),
        pytest.param("в ЦУПе", "mcc", id="abbr-glued-ending"),
        pytest.param("Центром управления полётами", "mcc", id="yo-spelling"),
        pytest.param("Центром управления полетами", "mcc", id="ye-for-yo"),
        pytest.param("на Міжнародній космічній станції", "iss", id="ukrainian"),
        pytest.param("auf der Internationalen Raumstation", "iss", id="german-stemmed"),
        pytest.param("the International Space Station's crew", "iss", id="english-possessive"),
        pytest.param("国際宇宙ステーションに到着", "iss", id="japanese-substring"),
    ],
)
def test_inflected_forms(matcher: TermMatcher, text: str, expected: str) -> None:
    found = matcher.find(text)
    assert [m.concept_id for m in found] == [expected]


def test_hyphenated_case_ending_is_inside_the_span(matcher: TermMatcher) -> None:
    text = "стыковка с МКС-ом прошла"
    (m,) = matcher.find(text)
    assert (m.start, m.end, m.text) == (11, 17, "МКС-ом")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("the iss of the day", id="lowercase-abbr"),
        pytest.param("Iss", id="titlecase-abbr"),
        pytest.param("ISSUE tracker", id="inside-a-word"),
        pytest.param("мкс", id="lowercase-cyrillic-abbr"),
    ],
)
def test_no_match(matcher: TermMatcher, text: str) -> None:
    assert matcher.find(text) == []


def test_all_caps_matches_only_all_caps(matcher: TermMatcher) -> None:
    assert spans(matcher.find("ISS and iss")) == [(0, 3, "ISS", "iss", "abbr")]


def test_longest_match_first(matcher: TermMatcher) -> None:
    text = "the Baikonur Cosmodrome and Baikonur, then Soyuz MS-25 and Soyuz"
    assert spans(matcher.find(text, "en")) == [
        (4, 23, "Baikonur Cosmodrome", "baikonur", "term"),
        (28, 36, "Baikonur", "baikonur", "variant"),
        (43, 54, "Soyuz MS-25", "soyuz-ms", "term"),
        (59, 64, "Soyuz", "soyuz", "term"),
    ]


def test_four_digit_number_is_not_a_flight(matcher: TermMatcher) -> None:
    assert [m.concept_id for m in matcher.find("Soyuz MS-1234")] == ["soyuz"]


def test_pattern_number_carries_over(matcher: TermMatcher) -> None:
    (m,) = matcher.find("Прогресс МС-18 отстыковался")
    assert m.concept_id == "progress-ms"
    assert m.number == "18"
    assert m.rendering("en") == "Progress MS-18"
    assert dict(m.renderings)["ru"] == "Прогресс МС-18"


def test_hard_gaps_break_multiword_terms(matcher: TermMatcher) -> None:
    assert [m.concept_id for m in matcher.find("International Space. Station")] == []
    found = matcher.find("в Госкорпорации «Роскосмос»")
    assert [(m.concept_id, m.form) for m in found] == [("roscosmos", "variant")]


def test_forbidden_forms_in_english(matcher: TermMatcher) -> None:
    text = "International Space System, Roskosmos and MKS"
    assert [(m.text, m.form, m.lang) for m in matcher.find(text, "en")] == [
        ("International Space System", "forbidden", "en"),
        ("Roskosmos", "forbidden", "en"),
        ("MKS", "forbidden", "en"),
    ]


def test_language_filter(matcher: TermMatcher) -> None:
    assert matcher.find(DONE_WHEN, "en") == []
    assert len(matcher.find(DONE_WHEN, "ru")) == 3


def test_case_exact_and_ignore() -> None:
    g = Glossary(
        "g",
        languages=("en",),
        concepts=(
            Concept("a", terms=(("en", TermEntry("Progress", case="exact")),)),
            Concept("b", terms=(("en", TermEntry("NASA", case="ignore")),)),
        ),
    )
    m = TermMatcher([g])
    assert [x.text for x in m.find("progress Progress nasa")] == ["Progress", "nasa"]


def test_offsets_across_chunks(matcher: TermMatcher) -> None:
    filler = " " + ("word " * 20 + "\n") * 4000  # > 256k characters: several chunks
    text = filler + "Роскосмосом" + filler + "ISS"
    found = matcher.find(text)
    assert [(m.start, m.text) for m in found] == [(len(filler), "Роскосмосом"), (len(text) - 3, "ISS")]


def test_deterministic(matcher: TermMatcher) -> None:
    text = DONE_WHEN * 3
    assert matcher.find(text) == TermMatcher([load_glossary(DATA / "mini.toml")]).find(text)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "МКС",
                "ISS",
                "Роскосмоса",
                " ",
                ", ",
                "«",
                "Союзе МС-",
                "07",
                "x",
                "\n",
                "International Space",
                " Station",
                "iss",
            ]
        ),
        max_size=30,
    )
)
def test_matches_are_exact_and_disjoint(parts: list[str]) -> None:
    text = "".join(parts)
    found = _MATCHER.find(text)
    last = 0
    for m in found:
        assert text[m.start : m.end] == m.text
        assert m.start >= last
        last = m.end


_MATCHER = TermMatcher([load_glossary(DATA / "mini.toml")])


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["МКС", "Роскосмосом", "International Space Station"]))
def test_any_text_around_a_term(noise: str, term: str) -> None:
    """Control characters (even the matcher's own separators), marks and any script around a term."""
    text = noise + " " + term + " " + noise
    found = _MATCHER.find(text)
    last = 0
    for m in found:
        assert text[m.start : m.end] == m.text
        assert m.start >= last
        last = m.end
    assert any(m.start == len(noise) + 1 and m.text.startswith(term[:3]) for m in found)


def test_known_terms_and_chrome_phrases() -> None:
    g = load_glossary(DATA / "mini.toml")
    known = known_terms([g])
    assert {"ISS", "МКС", "Roscosmos", "Baikonur", "Soyuz MS-{n}"} <= known
    assert "Roskosmos" in known  # the German term, not the forbidden English one
    assert "International Space System" not in known
    phrases = chrome_phrases(g)
    assert ("ru", "Роскосмос", "Roscosmos") in phrases
    assert ("en", "MKS", "International Space Station") not in phrases


@pytest.mark.skipif(not CHROME.is_file(), reason="web phrasebook not written yet")
def test_shipped_phrasebook_loads() -> None:
    g = load_glossary(CHROME)
    phrases = chrome_phrases(g)
    assert len({p[2] for p in phrases}) >= 80


def test_languages_are_built_on_first_use_only() -> None:
    # A Russian run must not pay for the Ukrainian lemmatiser (about 20 MB): each language's automaton and
    # lemmatiser load when a text is first matched in that language.
    script = (
        "import sys\n"
        "from pipeline.config import shipped_glossaries\n"
        "from pipeline.glossary.io import load_glossary\n"
        "from pipeline.glossary.match import TermMatcher, _morph\n"
        "m = TermMatcher([load_glossary(p) for p in shipped_glossaries()])\n"
        "assert 'pymorphy3' not in sys.modules\n"
        "found = m.find('Экипаж прибыл на МКС, сообщили в Роскосмосе.', lang='ru')\n"
        "print(sorted({x.concept_id for x in found}), _morph.cache_info().currsize)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    concepts, lemmatisers = out.rsplit(" ", 1)
    assert "iss" in concepts
    assert "roscosmos" in concepts
    assert lemmatisers.strip() == "1"  # Russian only
