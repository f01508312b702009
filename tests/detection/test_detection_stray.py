"""StrayFinder on real text: what must be flagged (tight offsets, language), what must not, determinism."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.detection import AuditOptions, StrayFinder
from pipeline.document import BlockKind, DocFormat, Document, FindingKind, Segment, Severity, TextUnit

Doc = Callable[[str], Document]


def _foreign(finder: StrayFinder, document: Document) -> list[tuple[str, str | None]]:
    return [(f.text, f.language) for f in finder.find(document) if f.kind is FindingKind.FOREIGN_TEXT]


@pytest.mark.parametrize(
    ("text", "fragment", "language"),
    [
        pytest.param(
            "Заголовок открываемого материала",
            "Заголовок открываемого материала",
            "ru",
            id="seed-russian-ui-line",
        ),
        pytest.param(
            "Lea este artículo en español", "Lea este artículo en español", "es", id="spanish-promo"
        ),
        pytest.param(
            "The crew docked with the ISS on Tuesday.美国与俄罗斯的太空合作",
            "美国与俄罗斯的太空合作",
            "zh",
            id="chinese-link-title-glued",
        ),
        pytest.param(
            'He said "Die Zeit ist reif für eine neue Raumstation" before leaving.',
            "Die Zeit ist reif für eine neue Raumstation",
            "de",
            id="german-quote-in-sentence",
        ),
        pytest.param("Photo: צילום: משה כהן", "צילום: משה כהן", "he", id="hebrew-photo-credit"),
        pytest.param(
            "Photo: Фото: Олександр Петренко / Укрінформ",
            "Фото: Олександр Петренко / Укрінформ",
            "uk",
            id="ukrainian-photo-credit",
        ),
        pytest.param(
            "The astronauts said que la misión fue un éxito total and then left.",
            "que la misión fue un éxito total",
            "es",
            id="spanish-trailing-clause",
        ),
        pytest.param(
            "Посмотреть эту публикацию в Instagram",
            "Посмотреть эту публикацию в",
            "ru",
            id="russian-instagram-embed-label",
        ),
        pytest.param(
            "Сьогодні екіпаж повернувся на Землю.",
            "Сьогодні екіпаж повернувся на Землю",
            "uk",
            id="ukrainian-sentence",
        ),
        pytest.param("Гэта беларуская мова, і ўсё.", "Гэта беларуская мова, і ўсё", "be", id="belarusian"),
        pytest.param(
            "The launch was delayed. Der Start wurde wegen des schlechten Wetters verschoben. It flew later.",
            "Der Start wurde wegen des schlechten Wetters verschoben",
            "de",
            id="german-sentence-in-paragraph",
        ),
        pytest.param(
            "Officials wrote «Le lancement aura lieu demain matin» in the statement.",
            "Le lancement aura lieu demain matin",
            "fr",
            id="french-title-in-guillemets",
        ),
    ],
)
def test_must_flag(finder: StrayFinder, doc: Doc, text: str, fragment: str, language: str) -> None:
    document = doc(text)
    found = [f for f in finder.find(document) if f.kind is FindingKind.FOREIGN_TEXT]
    assert [(f.text, f.language) for f in found] == [(fragment, language)]
    finding = found[0]
    assert (finding.start, finding.end) == (text.index(fragment), text.index(fragment) + len(fragment))
    assert text[finding.start : finding.end] == finding.text
    assert finding.severity is Severity.WARNING
    assert finding.action == "translate"
    assert finding.confidence is not None
    assert 0.5 <= finding.confidence <= 1.0
    assert (finding.line, finding.column) == (1, finding.start + 1)


def test_homoglyph_latin_word_with_cyrillic_letter(finder: StrayFinder, doc: Doc) -> None:
    text = "The Nаval Observatory confirmed the launch."
    found = finder.find(doc(text))
    assert len(found) == 1
    finding = found[0]
    assert finding.kind is FindingKind.HOMOGLYPH
    assert (finding.text, finding.start, finding.end) == ("Nаval", 4, 9)
    assert finding.replacement == "Naval"
    assert finding.action == "replace"
    assert ("а", "U+0430 CYRILLIC SMALL LETTER A") in finding.details
    assert "U+0430" in finding.message


def test_homoglyph_cyrillic_word_with_latin_letter(finder: StrayFinder, doc: Doc) -> None:
    text = "Экипаж прибыл в Пeтербург вчера."  # Latin e inside a Russian word
    found = finder.find(doc(text))
    homoglyphs = [f for f in found if f.kind is FindingKind.HOMOGLYPH]
    assert [(f.text, f.replacement) for f in homoglyphs] == [("Пeтербург", "Петербург")]
    assert ("e", "U+0065 LATIN SMALL LETTER E") in homoglyphs[0].details
    assert any(f.kind is FindingKind.FOREIGN_TEXT and f.language == "ru" for f in found)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "The agreement was de facto a détente, a déjà vu of the status quo.", id="latin-french-1"
        ),
        pytest.param("It was ad hoc per se, a bona fide coup d'état and vice versa.", id="latin-french-2"),
        pytest.param("Smith et al. were naïve about the café and her résumé.", id="loanwords-1"),
        pytest.param("Her fiancé said the kindergarten captured the zeitgeist.", id="loanwords-2"),
        pytest.param("The raison d'être of the fait accompli was carte blanche.", id="loanwords-3"),
        pytest.param(
            "Roscosmos, Soyuz, Zvezda and Baikonur were named by Huntsman and Shkaplerov.",
            id="transliterated-names",
        ),
        pytest.param("The Dnipro team met Norishige Kanai and Anton Shkaplerov.", id="names-2"),
        pytest.param(
            "The Soyuz MS-07 docked with the ISS in 2024-2026 at 12.5 km and 27,600 km/h.", id="codes"
        ),
        pytest.param(
            "Launch on 12.03.2025 at 14:30, version 3.2.1, 50% done, the 1990s.", id="numbers-dates"
        ),
        pytest.param(
            "Mail press@roscosmos.ru or see https://www.roscosmos.ru/22/статья and www.nasa.gov today.",
            id="urls-email",
        ),
        pytest.param("Follow #космос and @roscosmos_ru for updates.", id="hashtag-handle"),
        pytest.param("The α and β particles hit the μ detector.", id="greek-letters-maths"),
        pytest.param("A burn with a small Δv of 0.5 m/s near 2.5 μm.", id="delta-v-notation"),
        pytest.param("Buy it at FabriPaint.Com today.", id="bare-domain"),
        pytest.param(
            "US, Russia Have 'Limitless' Potential to Continue Space Cooperation - Envoy",
            id="seed-title",
        ),
        pytest.param(
            'MOSCOW (Sputnik) - The United States and Russia have a "limitless" potential to continue '
            "cooperation on space exploration, US Ambassador to Moscow Jon Huntsman said Tuesday.",
            id="seed-sentence",
        ),
        pytest.param("The mover said golfers in Kerrisdale play bridge.", id="rare-english"),
        pytest.param(
            "Koehn, P., Logacheva, V., Monz, C., Negri, M., Post, M., Scarton, C.", id="author-list"
        ),
        pytest.param("Remember, your application's user is not using a shell.", id="possessive"),
        pytest.param("I haven't checked if expat, pyexpat or libxml2 are vulnerable.", id="identifiers"),
    ],
)
def test_must_not_flag(finder: StrayFinder, doc: Doc, text: str) -> None:
    assert finder.find(doc(text)) == []


def test_known_terms_are_not_flagged(doc: Doc) -> None:
    text = "The crew signed the weltraum abkommen yesterday."
    plain = StrayFinder(AuditOptions())
    assert _foreign(plain, doc(text)) == [("weltraum abkommen", "de")]
    with_terms = StrayFinder(AuditOptions(), known_terms=["Weltraum Abkommen"])
    assert with_terms.find(doc(text)) == []


def test_seed_article_tail_with_chrome(chrome_finder: StrayFinder, doc: Doc) -> None:
    text = (
        "Space - Sputnik International\nSubscribe\nMOSCOW (Sputnik) - The crew docked.\n\n"
        "Newsfeed\n0\nTo participate in the discussion\nlog in or register\nloader\nChats\n"
        "Заголовок открываемого материала"
    )
    found = chrome_finder.find(doc(text))
    chrome = [f for f in found if f.kind is FindingKind.UI_CHROME]
    assert all(f.severity is Severity.INFO for f in chrome)
    assert [(f.text, f.language, f.line) for f in chrome] == [
        ("Subscribe", "en", 2),
        ("Newsfeed", "en", 5),
        ("To participate in the discussion", "en", 7),
        ("log in or register", "en", 8),
        ("Заголовок открываемого материала", "ru", 11),
    ]
    last = chrome[-1]
    assert last.replacement == "Title of the opened material"
    assert last.action == "remove"
    assert (last.start, last.end) == (text.index("Заголовок"), len(text))
    assert last.column == 1
    # Interface text in another language is also stray foreign text: a warning, translated by the phrasebook.
    stray = [f for f in found if f.kind is FindingKind.FOREIGN_TEXT]
    assert [(f.start, f.end, f.language, f.severity, f.action, f.replacement) for f in stray] == [
        (last.start, last.end, "ru", Severity.WARNING, "translate", "Title of the opened material")
    ]


def test_chrome_matches_after_normalisation(chrome_finder: StrayFinder, doc: Doc) -> None:
    found = chrome_finder.find(doc("  SUBSCRIBE!  \nNewsfeed (23)"))
    assert [(f.kind, f.text) for f in found] == [
        (FindingKind.UI_CHROME, "SUBSCRIBE!"),
        (FindingKind.UI_CHROME, "Newsfeed (23)"),
    ]


def test_expected_german_flags_english_and_russian(doc: Doc) -> None:
    text = (
        "Die Raumstation ist bereit für die neue Besatzung.\n"
        "The crew is ready to launch tomorrow morning.\n"
        "Экипаж готов к запуску."
    )
    finder = StrayFinder(AuditOptions(expected_language="de"))
    assert _foreign(finder, doc(text)) == [
        ("The crew is ready to launch tomorrow morning", "en"),
        ("Экипаж готов к запуску", "ru"),
    ]


def test_line_and_column_across_lines(finder: StrayFinder, doc: Doc) -> None:
    text = "First line is English.\nSecond line too.\nThe word is\tNаval here."
    (finding,) = finder.find(doc(text))
    assert (finding.line, finding.column) == (3, 13)


def test_jsonl_unit_reports_record_and_field(finder: StrayFinder) -> None:
    field = "Read this: Lea este artículo en español"
    unit = TextUnit(field, line=7, record=7, field="body")
    document = Document(
        "x.jsonl", DocFormat.JSONL, "utf-8", "", (unit,), (Segment(0, 0, len(field), BlockKind.FIELD),)
    )
    (finding,) = finder.find(document)
    assert (finding.record, finding.field, finding.line) == (7, "body", 7)
    assert finding.column == field.index("Lea") + 1


def test_deterministic(doc: Doc) -> None:
    text = (
        "The crew said que la misión fue un éxito total.\nФото: Олександр Петренко\n"
        "The Nаval base.\nLea este artículo en español\n美国与俄罗斯的太空合作"
    )
    first = StrayFinder(AuditOptions()).find(doc(text))
    second = StrayFinder(AuditOptions()).find(doc(text))
    assert first == second
    assert StrayFinder(AuditOptions()).find(doc(text)) == first
    assert len(first) == 5


def test_min_confidence_filters(doc: Doc) -> None:
    text = "The new module, called kostenlose Lieferung, arrived in orbit."
    assert _foreign(StrayFinder(AuditOptions(min_confidence=0.5)), doc(text))
    assert _foreign(StrayFinder(AuditOptions(min_confidence=0.9999)), doc(text)) == []


#: The same checks at 1 MB (every run) and 20 MB (``slow``: ``make test`` only, not ``make test-fast``).
LINE_SIZES = [
    pytest.param(1_000_000, id="1MB"),
    pytest.param(20_000_000, id="20MB", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("size", LINE_SIZES)
def test_a_huge_line_finishes(finder: StrayFinder, doc: Doc, size: int) -> None:
    words = "the crew of the station said that the module was ready for launch and docking "
    text = (words * (size // len(words) + 1))[:size]
    start = time.perf_counter()
    found = finder.find(doc(text))
    assert found == []
    assert time.perf_counter() - start < 120 * size / 20_000_000  # at least 1/6 MB/s


@pytest.mark.parametrize(
    ("expected", "text", "found"),
    [
        pytest.param(
            "ru",
            "Экипаж прибыл на МКС, сообщили в Роскосмосе. Глава NASA поздравил коллег. "
            "The crew is ready for the spacewalk tomorrow. Команда работает с iPhone и Zvezda.",
            [("The crew is ready for the spacewalk tomorrow", "en")],
            id="russian-document",
        ),
        pytest.param(
            "zh",
            "嫦娥六号返回器携带月球背面样品安全着陆。NASA表示祝贺。"
            "The lander returned samples from the far side.",
            [("The lander returned samples from the far side", "en")],
            id="chinese-document",
        ),
        pytest.param(
            "sw",
            "Wanaanga watatu walirudi duniani salama baada ya miezi sita. "
            "The crew landed safely in Kazakhstan.",
            [("The crew landed safely in Kazakhstan", "en")],
            id="no-word-list-falls-back-to-langdetect",
        ),
    ],
)
def test_other_expected_languages(doc: Doc, expected: str, text: str, found: list[tuple[str, str]]) -> None:
    assert _foreign(StrayFinder(AuditOptions(expected_language=expected)), doc(text)) == found


def test_chrome_menu_line(chrome_finder: StrayFinder, doc: Doc) -> None:
    found = chrome_finder.find(
        doc("Subscribe | Newsfeed • log in or register\nSubscribe | Read the story now")
    )
    # line 1 is a menu; on line 2 only the button before the separator is chrome
    assert [(f.kind, f.line, f.text) for f in found] == [
        (FindingKind.UI_CHROME, 1, "Subscribe | Newsfeed • log in or register"),
        (FindingKind.UI_CHROME, 2, "Subscribe"),
    ]


_WORDS = [
    "the", "crew", "docked", "Die", "Zeit", "ist", "reif", "que", "la", "misión", "Экипаж", "готов", "і",
    "美国", "Nаval", "déjà", "vu", "https://x.org", "MS-07", "12.5", "km", ".", ",", "!", "\n", "«", "»",
]  # fmt: skip


@given(words=st.lists(st.sampled_from(_WORDS), max_size=40))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_findings_are_exact_sorted_and_deterministic(finder: StrayFinder, doc: Doc, words: list[str]) -> None:
    text = " ".join(words)
    document = doc(text)
    found = finder.find(document)
    for finding in found:
        assert text[finding.start : finding.end] == finding.text
        assert finding.text == finding.text.strip()
        assert finding.line == text.count("\n", 0, finding.start) + 1
        assert finding.column == finding.start - text.rfind("\n", 0, finding.start)
    assert found == sorted(found, key=lambda f: (f.line, f.start, f.end, f.kind.value))
    assert finder.find(document) == found


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param(
            "For tickets ring the box office: pokladna je otevřena denně, volejte na 257 22 22 57",
            "pokladna je otevřena denně, volejte na 257 22 22 57",
            id="phone-number-after-czech",
        ),
        pytest.param(
            "Write to the club. Skriv till föreningen på adressen kansliet@example.se",
            "Skriv till föreningen på adressen kansliet@example.se",
            id="e-mail-after-swedish",
        ),
        pytest.param(
            "The caption read: 1970 было холодно в Москве",
            "1970 было холодно в Москве",
            id="year-before-russian",
        ),
    ],
)
def test_numbers_and_e_mail_beside_a_passage_belong_to_it(
    finder: StrayFinder, doc: Doc, text: str, fragment: str
) -> None:
    assert [t for t, _ in _foreign(finder, doc(text))] == [fragment]


def test_only_a_number_touching_the_passage_joins_it(finder: StrayFinder, doc: Doc) -> None:
    text = "He said ich liebe dich 3 times before the 2024 season."
    assert [t for t, _ in _foreign(finder, doc(text))] == ["ich liebe dich 3"]
