"""Site chrome as spans inside text, with the shipped web phrasebook: one hand-written case per widget class,
pickers, and the negatives (quoted speech, prose using the same words). Texts are written for these tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.app.audit import interface_strings
from pipeline.config import shipped_glossaries
from pipeline.detection import AuditOptions, ChromeIndex, StrayFinder
from pipeline.detection.chrome import quoted_ranges
from pipeline.document import Document, FindingKind, Severity
from pipeline.glossary.io import load_glossary
from pipeline.glossary.match import chrome_phrases

Doc = Callable[[str], Document]


@pytest.fixture(scope="module")
def index() -> ChromeIndex:
    phrases = [
        p for path in shipped_glossaries() for p in chrome_phrases(interface_strings(load_glossary(path)))
    ]
    return ChromeIndex.from_phrases(phrases)


@pytest.fixture(scope="module")
def web(index: ChromeIndex) -> StrayFinder:
    return StrayFinder(AuditOptions(), chrome=index)


def spans(index: ChromeIndex, text: str) -> list[str]:
    return [text[s.start : s.end] for s in index.find_spans(text)]


def chrome(finder: StrayFinder, document: Document) -> list[str]:
    return [f.text for f in finder.find(document) if f.kind is FindingKind.UI_CHROME]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # video player, glued to the paragraph before it; the title between its strings is the player's
        (
            "The minister left on Friday . JUST WATCHED Senate votes on the budget Replay More Videos ... "
            "MUST WATCH Senate votes on the budget 01:58",
            ["JUST WATCHED Senate votes on the budget Replay More Videos ... MUST WATCH"],
        ),
        # poll, lower case as sites write it
        (
            "Voters were split . take our poll - story continues below The council meets again .",
            ["take our poll - story continues below"],
        ),
        # rating widget with its percentage
        (
            "The claim spread online . 71 % of readers think this story is Fact . Add your two cents .",
            ["71 % of readers think this story is Fact . Add your two cents"],
        ),
        # newsletter box
        (
            "Fares rise . Newsletter Sign Up Continue reading the main story Please verify you 're "
            "not a robot by clicking the box . Invalid email address . Please re-enter .",
            [
                "Newsletter Sign Up Continue reading the main story Please verify you 're not a robot by "
                "clicking the box . Invalid email address . Please re-enter"
            ],
        ),
        # gallery counter
        (
            "Hide Caption 4 of 22 Photos: Floods in the valley",
            ["Hide Caption 4 of 22 Photos"],
        ),
        # share bar and audio player
        (
            "LISTEN TO ARTICLE 4:10 SHARE THIS ARTICLE Share Tweet Post Email",
            ["LISTEN TO ARTICLE 4:10 SHARE THIS ARTICLE Share Tweet Post Email"],
        ),
        # labels of related links, an advertisement slot closing a paragraph
        ("Related : Flood warnings issued for the coast", ["Related"]),
        ("The vote was close . ADVERTISEMENT", ["ADVERTISEMENT"]),
        ("Story highlights The storm reached the coast at dawn", ["Story highlights"]),
        # a widget string in another phrasebook language
        ("Photo of the day . Werbung überspringen", ["Werbung überspringen"]),
    ],
)
def test_widget_spans(index: ChromeIndex, text: str, expected: list[str]) -> None:
    assert spans(index, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # quoted speech is never chrome
        "“ I agree . Subscribe , share , and tell your friends , ” the host said .",
        "`` Sign up here . It 's free , '' she told the crowd .",
        '"Read more," he said, "and then decide."',
        "“ Replay More Videos ” was the title of the exhibition .",
        # prose using the same words
        "Subscribe to our values , not to our fears .",
        "Well , I didn ’ t sign up for that either .",
        "I agree with much of what he says about the tax .",
        "More on this a little later on .",
        "She would share the news with her family and post it online .",
        "He took 30 photos of the parade .",
        "We must watch the markets closely .",
        # a list of countries in prose is not a picker
        "Delegates came from France , Germany , Italy , Spain and Portugal .",
    ],
)
def test_no_chrome(index: ChromeIndex, text: str) -> None:
    assert spans(index, text) == []


def test_quoted_ranges_cover_the_quote() -> None:
    text = "He said “ Subscribe now ” and left ."
    ((start, end),) = quoted_ranges(text)
    assert text[start:end] == "“ Subscribe now ”"


def test_language_picker_is_chrome_without_foreign_text(web: StrayFinder, doc: Doc) -> None:
    document = doc(
        "Read the story in your language .\nEnglish · Deutsch · Español · 한국어 · עברית · Українська\n"
    )
    findings = web.find(document)
    assert [(f.kind, f.severity, f.text, f.rule) for f in findings] == [
        (
            FindingKind.UI_CHROME,
            Severity.INFO,
            "English · Deutsch · Español · 한국어 · עברית · Українська",
            "chrome-picker",
        )
    ]


def test_country_picker_with_prompt(web: StrayFinder, doc: Doc) -> None:
    text = "Choose your country Canada Côte d’Ivoire Deutschland España France Italia"
    findings = web.find(doc(text))
    assert [f.kind for f in findings] == [FindingKind.UI_CHROME]
    assert findings[0].text == text
    assert all(f.kind is not FindingKind.FOREIGN_TEXT for f in findings)


def test_picker_one_name_a_line_is_not_guessed(index: ChromeIndex) -> None:
    assert spans(index, "France") == []


def test_chrome_suppresses_findings_inside_it(web: StrayFinder, doc: Doc) -> None:
    text = "The rally ended late . Choose your language Deutsch Français Español Italiano Polski"
    findings = web.find(doc(text))
    assert [f.kind for f in findings] == [FindingKind.UI_CHROME]


def test_foreign_chrome_span_is_also_foreign_text(web: StrayFinder, doc: Doc) -> None:
    findings = web.find(doc("The show ended . Werbung überspringen"))
    kinds = sorted(f.kind.value for f in findings)
    assert kinds == ["foreign-text", "ui-chrome"]
    assert {f.text for f in findings} == {"Werbung überspringen"}
    assert all(f.replacement == "Skip Ad" for f in findings)


def test_spans_point_into_raw_text(index: ChromeIndex) -> None:
    text = "Ünïcode first ， then JUST WATCHED ＿ a title Replay More Videos"
    (span,) = index.find_spans(text)
    assert text[span.start : span.end] == "JUST WATCHED ＿ a title Replay More Videos"


def test_one_finding_per_span_and_the_sentence_is_still_read(web: StrayFinder, doc: Doc) -> None:
    text = "Он сказал: «Заголовок открываемого материала». JUST WATCHED Talks resume Replay More Videos"
    findings = web.find(doc(text))
    chrome_texts = [f.text for f in findings if f.kind is FindingKind.UI_CHROME]
    assert chrome_texts == ["JUST WATCHED Talks resume Replay More Videos"]
    assert any(f.kind is FindingKind.FOREIGN_TEXT and f.language == "ru" for f in findings)


def test_whole_line_chrome_in_quotes_is_not_chrome(web: StrayFinder, doc: Doc) -> None:
    assert chrome(web, doc("“ I agree . ”")) == []
    assert chrome(web, doc("I agree")) == ["I agree"]


def test_picker_names_are_current() -> None:
    """The generated CLDR list matches what tools/make_picker_names.py writes with the pinned Babel."""
    pytest.importorskip("babel")
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "make_picker_names", root / "tools" / "make_picker_names.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (root / "pipeline" / "detection" / "picker_names.py").read_text(
        encoding="utf-8"
    ) == module.render()


_PIECES = st.sampled_from(
    ["JUST WATCHED", "Replay More Videos", "Deutsch", "한국어", "“", "”", "``", "''", '"', " · ", " ", "\n",
     "Subscribe", "3", "of", "30 Photos", ":", "Фото", "跳过广告", "\u0301", "ß", "İ", "Choose your country"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(pieces=st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=30))
def test_find_spans_never_raises_and_stays_in_bounds(index: ChromeIndex, pieces: list[str]) -> None:
    text = "".join(pieces)
    found = index.find_spans(text)
    assert all(0 <= s.start < s.end <= len(text) for s in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    assert found == index.find_spans(text)
