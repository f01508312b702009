"""The languages added for issue 13: a stray quote is found and named; a loanword or name of it is not.

Sentences written for these tests (none is taken from the benchmark data or from the real-news set).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.detection import StrayFinder
from pipeline.detection.latin import latin_zipf
from pipeline.document import Document, FindingKind

Doc = Callable[[str], Document]

# (language, English sentence with a stray quote, the quote)
STRAY = [
    ("la", "The inscription reads in nomine patris et filii et spiritus sancti above the door.",
     "in nomine patris et filii et spiritus sancti"),
    ("ca", "The mayor added that el govern no ha pres cap decisió encara on the matter.",
     "el govern no ha pres cap decisió encara"),
    ("ro", "The minister told reporters că guvernul nu va accepta aceste condiții today.",
     "că guvernul nu va accepta aceste condiții"),
    ("hu", "The spokesman said that kormány nem fogadja el a javaslatot before the vote.",
     "kormány nem fogadja el a javaslatot"),
    ("id", "The statement said pemerintah akan segera mengumumkan keputusan tersebut on Monday.",
     "pemerintah akan segera mengumumkan keputusan tersebut"),
    ("nb", "The report concluded that regjeringen vil ikke endre skattene neste år, they said.",
     "regjeringen vil ikke endre skattene neste år"),
    ("da", "Officials wrote that regeringen ønsker ikke at ændre loven før valget in a letter.",
     "regeringen ønsker ikke at ændre loven før valget"),
    ("el", "The banner read Η κυβέρνηση πρέπει να παραιτηθεί and was taken down.",
     "Η κυβέρνηση πρέπει να παραιτηθεί"),
    ("he", "The sign said הממשלה החליטה לסגור את המעבר in large letters.",
     "הממשלה החליטה לסגור את המעבר"),
    ("ko", "The caption read 정부는 내일 새로운 정책을 발표할 예정이다 under the photo.",
     "정부는 내일 새로운 정책을 발표할 예정이다"),
    ("fi", "The notice said että hallitus ei hyväksy uutta lakia tänä vuonna after all.",
     "että hallitus ei hyväksy uutta lakia tänä vuonna"),
    ("sk", "The leaflet claimed že vláda nebude podporovať tento návrh zákona any longer.",
     "že vláda nebude podporovať tento návrh zákona"),
    ("sl", "The poster said da vlada ne bo podprla novega zakona this year.",
     "da vlada ne bo podprla novega zakona"),
    ("fa", "The placard read دولت باید پاسخگو باشد in red paint.", "دولت باید پاسخگو باشد"),
    ("hi", "The board read सरकार को जवाब देना होगा near the gate.", "सरकार को जवाब देना होगा"),
]  # fmt: skip

# (language, English sentence with a loanword or name from that language: nothing to report)
NOT_STRAY = [
    ("la", "The committee met ad hoc and the results were, per se, a matter of the status quo."),
    ("la", "The agreement holds mutatis mutandis, and the court ruled ultra vires on Tuesday."),
    ("la", "It was a tu quoque reply from a doctor honoris causa, primus inter pares among them."),
    ("ca", "Barcelona's mayor Ada Colau spoke at the Generalitat on Tuesday."),
    ("ro", "Prime minister Ludovic Orban met officials in Timișoara and Cluj-Napoca."),
    ("hu", "Viktor Orbán gave a speech in Debrecen before flying to Budapest."),
    ("id", "President Joko Widodo visited Surabaya and praised the local batik makers."),
    ("nb", "Jens Stoltenberg said Norway's Storting would debate the budget."),
    ("da", "Mette Frederiksen praised the Danish idea of hygge at the Folketing."),
    ("el", "Prime minister Kyriakos Mitsotakis spoke in Thessaloniki about the economy."),
    ("he", "Benjamin Netanyahu addressed the Knesset in Jerusalem on Monday."),
    ("ko", "Moon Jae-in met Kim Jong-un at Panmunjom, and fans of K-pop cheered."),
    ("fi", "Sanna Marin visited Helsinki's sauna district and talked about sisu."),
    ("sk", "Zuzana Čaputová spoke in Bratislava after meeting Peter Pellegrini."),
    ("sl", "Janez Janša flew from Ljubljana to Maribor on Friday."),
    ("fa", "Hassan Rouhani spoke in Tehran, and the ayatollah issued a fatwa."),
    ("hi", "Narendra Modi addressed a rally in Varanasi and praised yoga and ayurveda."),
]


@pytest.mark.parametrize(("language", "text", "quote"), STRAY, ids=[row[0] for row in STRAY])
def test_stray_quote_is_found_and_named(
    finder: StrayFinder, doc: Doc, language: str, text: str, quote: str
) -> None:
    found = [f for f in finder.find(doc(text)) if f.kind is FindingKind.FOREIGN_TEXT]
    assert [(f.text, f.language) for f in found] == [(quote, language)]


@pytest.mark.parametrize(
    ("language", "text"), NOT_STRAY, ids=[f"{row[0]}-{n}" for n, row in enumerate(NOT_STRAY)]
)
def test_loanword_or_name_is_not_reported(finder: StrayFinder, doc: Doc, language: str, text: str) -> None:
    found = [f for f in finder.find(doc(text)) if f.kind is FindingKind.FOREIGN_TEXT]
    assert found == [], (language, [(f.text, f.language) for f in found])


def test_latin_motto_is_named_latin_and_intended(finder: StrayFinder, doc: Doc) -> None:
    text = "Owen called it the old lie: Dulce et decorum est pro patria mori, he wrote."
    found = [f for f in finder.find(doc(text)) if f.kind.value.startswith("foreign")]
    assert [(f.kind, f.language) for f in found] == [(FindingKind.FOREIGN_INTENDED, "la")]


def test_latin_sentence_is_latin_not_italian(finder: StrayFinder, doc: Doc) -> None:
    text = "Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae."
    found = [f for f in finder.find(doc(text)) if f.kind is FindingKind.FOREIGN_TEXT]
    assert {f.language for f in found} == {"la"}


def test_latin_endings_and_enclitic() -> None:
    assert latin_zipf("legionibus", 0) > 0  # -ibus, no list knows it
    assert latin_zipf("populusque", 0) > 0  # -que on a listed word
    assert latin_zipf("unique", 0) == latin_zipf("clique", 0) == 0  # -que on no Latin word
    assert latin_zipf("table", 0) == 0


def test_cyrillic_word_typed_with_a_latin_letter_stays_in_its_passage(finder: StrayFinder, doc: Doc) -> None:
    text = "The caption read Гэта беларускi горад на мяжы and nothing more."  # Latin i in беларускi
    found = finder.find(doc(text))
    homoglyphs = [f.text for f in found if f.kind is FindingKind.HOMOGLYPH]
    foreign = [(f.text, f.language) for f in found if f.kind is FindingKind.FOREIGN_TEXT]
    assert homoglyphs == ["беларускi"]
    assert foreign == [("Гэта беларускi горад на мяжы", "be")]
