"""The second stage: each class of issue 13, in sentences written for these tests (none from real articles)."""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.detection import StrayFinder
from pipeline.detection.judge import Verdict, judge_latin, judge_script
from pipeline.document import Document, FindingKind, Severity


def _kinds(finder: StrayFinder, doc: Callable[[str], Document], text: str) -> list[tuple[str, str, str]]:
    """(kind, text, reason) of every foreign finding of ``text``."""
    out = []
    for f in finder.find(doc(text)):
        if f.kind in (FindingKind.FOREIGN_TEXT, FindingKind.FOREIGN_INTENDED):
            out.append((f.kind.value, f.text, dict(f.details).get("reason", "")))
    return out


QUIET = [
    # 1. names with particles, and names of places and bodies in their own language
    pytest.param("The commission is led by Ursula von der Leyen, who spoke on Monday.", id="von-der"),
    pytest.param("Researchers at the Instituto de la Vivienda del Estado published the map.", id="institute"),
    pytest.param("Protesters filled the Plaza de los Héroes until late at night.", id="plaza"),
    pytest.param("The statement came from Abdullah al-Rashid and Omar bin Khalid.", id="arabic-particles"),
    pytest.param("She moved to Côte d'Ivoire in 2011 and never came back.", id="elided-particle"),
    pytest.param("Ms. Vandeberghe told reporters the vote would wait.", id="single-name"),
    pytest.param("von der Leyen said the vote would wait.", id="particle-first"),
    # 2. English it does not know: dialect, coinages, derivations, loanwords, species
    pytest.param("How y'all doing tonight? the host asked the crowd.", id="dialect"),
    pytest.param("Critics would only tut tut at the decision.", id="interjection"),
    pytest.param("He was a tireless boycotter and an even louder complainer.", id="derivation-er"),
    pytest.param("The whole affair had a certain en vogueiness about it.", id="coinage-on-loanword"),
    pytest.param("The debate grew squirmier by the minute.", id="derivation-ier"),
    pytest.param("The senator called it a casus belli and walked out.", id="latin-loan"),
    pytest.param("She wrote under the nom de plume of a retired sailor.", id="french-loan"),
    pytest.param("His speech was a cri de coeur for the forgotten towns.", id="cri-de-coeur"),
    pytest.param("A raison d'être, a tableau vivant and some papier-mâché props.", id="loan-list"),
    # 3. typography: soft hyphens and zero-width characters inside English words
    pytest.param("The inter\u00adnational com\u00admittee met again on Tues\u00adday.", id="soft-hyphens"),
    pytest.param("Govern\u200bment offi\u200dcials de\u2060clined to comment.", id="zero-width"),
    pytest.param("The\ufeff report was\u00a0released\u2009today.", id="bom-odd-spaces"),
    # 4. embeds
    pytest.param(
        "Not what I expected https : //t.co/AbCdEf12 — carlosmendezz ( @ carlosmendezz ) May 3 , 2019",
        id="tweet-signature",
    ),
    pytest.param("Proud of the team # vamosjuntos # equipoazul pic.twitter.com/xYz123", id="hashtags"),
    pytest.param("— ღ Lunita ღ ( @ lunita_bonita ) June 1 , 2020", id="decorative-display-name"),
    # 5. symbols
    pytest.param("Asked about the plan, he just went ¯\\_(ツ)_/¯ and left.", id="shrug"),
    pytest.param("The emoji (っ◔◡◔)っ was everywhere that week.", id="kaomoji"),
    pytest.param("The letter ن was painted on the doors of the houses.", id="single-letter"),
]


@pytest.mark.parametrize("text", QUIET)
def test_no_warning_for_what_belongs_in_english(
    finder: StrayFinder, doc: Callable[[str], Document], text: str
) -> None:
    found = _kinds(finder, doc, text)
    assert not [f for f in found if f[0] == "foreign-text"], found


INTENDED = [
    pytest.param(
        "Her Chinese name, Li Xiaoming (李小明), means little bright.",
        "李小明",
        "original-script name",
        id="cjk-name-transliterated",
    ),
    pytest.param(
        "The minister Oleksandr Kovalenko (Олександр Коваленко) resigned.",
        "Олександр Коваленко",
        "original-script name",
        id="cyrillic-name",
    ),
    pytest.param(
        "Activist Mary Chan 陳美玲 was arrested again.",
        "陳美玲",
        "original-script name",
        id="cjk-name-beside",
    ),
    pytest.param(
        "The crowd chanted “Nunca nos rendiremos” — Spanish for “we will never surrender”.",
        "Nunca nos rendiremos",
        "gloss",
        id="gloss-language-for",
    ),
    pytest.param(
        "Thousands of gilets jaunes (yellow vests) marched again.",
        "gilets jaunes",
        "gloss",
        id="gloss-brackets",
    ),
    pytest.param(
        "Kennedy's words, Ich bin ein Berliner, still echo in the city.",
        "Ich bin ein Berliner",
        "quotation",
        id="famous-quotation",
    ),
    pytest.param(
        "The town's motto, Labor omnia vincit improbus, is carved over the door.",
        "Labor omnia vincit improbus",
        "quotation",
        id="motto",
    ),
    pytest.param(
        "Moreau, J. et al. (2014). Les réseaux de la mémoire ouvrière. Paris: Éditions du Seuil.",
        "Les réseaux de la mémoire ouvrière",
        "citation",
        id="reference-list",
    ),
    pytest.param(
        "The colony of Eumetopias jubatus on the rocks has shrunk.",
        "Eumetopias jubatus",
        "name",
        id="species",
    ),
    pytest.param(
        "They met near the Place de la République at noon.",
        "Place de la République",
        "name",
        id="place-with-particles",
    ),
]


@pytest.mark.parametrize(("text", "fragment", "reason"), INTENDED)
def test_intended_foreign_text_is_info_with_its_reason(
    finder: StrayFinder, doc: Callable[[str], Document], text: str, fragment: str, reason: str
) -> None:
    findings = [f for f in finder.find(doc(text)) if f.kind is not FindingKind.UI_CHROME]
    assert not [f for f in findings if f.kind is FindingKind.FOREIGN_TEXT], findings
    intended = [f for f in findings if f.kind is FindingKind.FOREIGN_INTENDED]
    if not intended:  # the first stage need not propose it at all; then nothing is reported, also fine
        return
    assert all(f.severity is Severity.INFO and f.action == "keep" for f in intended)
    assert any(fragment in f.text or f.text in fragment for f in intended), intended
    assert {dict(f.details)["reason"] for f in intended} == {reason}


STRAY = [
    pytest.param(
        "The sign on the door said: Hoy no hay servicio por la tarde, vuelva mañana.",
        "Hoy no hay servicio por la tarde, vuelva mañana",
        id="spanish-sentence",
    ),
    pytest.param(
        "Der Zug fällt heute wegen eines Streiks aus. The trains were empty all day.",
        "Der Zug fällt heute wegen eines Streiks aus",
        id="german-sentence",
    ),
    pytest.param(
        "Click here: Все права защищены и охраняются законом. Then nothing.",
        "Все права защищены и охраняются законом",
        id="russian-footer",
    ),
    pytest.param(
        "The caption read 本文仅代表作者本人观点 under the photo.", "本文仅代表作者本人观点", id="chinese"
    ),
    pytest.param(
        "Notes from the trip.\nstarý most z Nového Mesta\nWe left at dawn.",
        "starý most z Nového Mesta",
        id="line-opening-small-with-capitals-after",
    ),
    pytest.param(
        "The plaque read: Открыт в 1924 г. 1924.11.05 Открыт снова. Nobody knew why.",
        "Открыт в 1924 г. 1924.11.05 Открыт снова",
        id="script-passage-across-numbers",
    ),
    pytest.param("Notes.\nVetus domus. It burned.", "Vetus domus", id="binomial-shape-alone-is-a-sentence"),
    pytest.param(
        "Le gouvernement a annoncé de nouvelles mesures pour les agriculteurs.",
        "Le gouvernement a annoncé de nouvelles mesures pour les agriculteurs",
        id="french-line",
    ),
]


@pytest.mark.parametrize(("text", "fragment"), STRAY)
def test_stray_text_stays_a_warning(
    finder: StrayFinder, doc: Callable[[str], Document], text: str, fragment: str
) -> None:
    found = [f for f in finder.find(doc(text)) if f.kind is FindingKind.FOREIGN_TEXT]
    assert found, text
    assert all(f.severity is Severity.WARNING for f in found)
    assert any(fragment in f.text or f.text in fragment for f in found), found


def test_tweet_span_is_tight_and_skips_handles(finder: StrayFinder, doc: Callable[[str], Document]) -> None:
    text = "Qué vergüenza lo que pasó hoy en el congreso https : //t.co/Zz9 — Ana ( @ ana_p ) May 4 , 2020"
    found = [f for f in finder.find(doc(text)) if f.kind is FindingKind.FOREIGN_TEXT]
    assert [f.text for f in found] == ["Qué vergüenza lo que pasó hoy en el congreso"]


def test_soft_hyphen_offsets_point_into_the_raw_text(
    finder: StrayFinder, doc: Callable[[str], Document]
) -> None:
    text = "Then she wrote: Die Regie\u00adrung hat die Wahl ver\u00adloren, sagte er."
    found = [f for f in finder.find(doc(text)) if f.kind is FindingKind.FOREIGN_TEXT]
    assert found
    for f in found:
        assert text[f.start : f.end] == f.text
    assert "\u00ad" in found[0].text  # the raw span, soft hyphens and all


def test_judges_directly() -> None:
    assert judge_script("The letter ж is odd.", 11, 12, ["ж"]).verdict is Verdict.IGNORE
    text = "Mr. Petrov (Петров) spoke."
    assert judge_script(text, 12, 18, ["Петров"]).reason == "original-script name"
    text = "They sang la vie est belle ce soir at dawn."
    assert judge_latin(text, 10, 34, text[10:34].split(), initial=False).verdict is Verdict.STRAY


_SCRIPTS = st.sampled_from(
    [
        st.characters(min_codepoint=0x20, max_codepoint=0x24F),
        st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # combining marks
        st.characters(min_codepoint=0x370, max_codepoint=0x52F),
        st.characters(min_codepoint=0x590, max_codepoint=0x6FF),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4F00),
        st.characters(min_codepoint=0x2000, max_codepoint=0x2BFF),  # punctuation, symbols
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1F6FF),  # emoji
        st.sampled_from(["\u00ad", "\u200b", "\u200d", "\ufeff", " ", "(", "@", "#", "—", "'", "-"]),
    ]
)
_TEXT = st.lists(_SCRIPTS.flatmap(lambda s: st.text(s, min_size=1, max_size=12)), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, data=st.data())
def test_second_stage_never_raises(
    finder: StrayFinder, doc: Callable[[str], Document], text: str, data: st.DataObject
) -> None:
    if text:
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        words = text[start:end].split() or [text[start:end]]
        judge_script(text, start, end, words)
        judge_latin(text, start, end, words, initial=start == 0)
    for f in finder.find(doc(text)):
        assert text[f.start : f.end] == f.text
