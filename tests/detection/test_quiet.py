"""The audit's cheap path (pipeline.detection.quiet) changes no finding: both paths, same findings.

Hundreds of generated documents mix plain English with what the full path exists for: foreign words and
phrases, names, accents, Cyrillic and Greek, look-alike letters, soft hyphens and zero-width characters,
numbers, units, codes, links, handles and hashtags, hyphens and apostrophes next to protected spans
(``km-long``, ``site.com's``), the shipped phrasebook's chrome phrases, long lines. Each is audited with
the cheap path and without it (the private module switch); the findings must be equal, and the cheap path
must actually have skipped work.
"""

from __future__ import annotations

import random

import pytest

from pipeline.app.audit import AuditRequest, build_finder
from pipeline.config import shipped_glossaries
from pipeline.detection import StrayFinder, stray
from pipeline.detection.quiet import QuietBlocks
from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit

ENGLISH = (
    "the launch was delayed again because of the weather over the range",
    "officials said the crew would return to the station next week",
    "Mr. Smith told reporters that the mission had gone well",
    "it's a well-known problem and they don't expect a quick fix",
    "the agency's budget, approved on Tuesday, covers three more flights",
    "Engineers at Baikonur and NASA's Johnson centre worked through the night",
    "a 30 km-long plume rose above the pad at 5 p.m. local time",
    "see nasa.gov/artemis or www.esa.int for details, e.g. the timeline",
    "the probe, which weighs 1,200 kg, reached orbit in 2024-2026",
    "he said: “We are ready.” Then he left the room",
    "Roscosmos chief Yuri Borisov met Bill Nelson in Washington",
    "the so-called déjà vu moment came when the rocket's engine cut out",
    "café owners near Cape Canaveral said business was booming",
    "COVID-19 rules and MS-07 delays were discussed at length",
)
FOREIGN = (
    "und die Regierung hat gestern beschlossen",
    "c'est la vie, mais nous sommes très contents",
    "el gobierno anunció ayer que no habrá cambios",
    "questo è il momento più importante della storia",
    "Заголовок открываемого материала",
    "пресс-служба Роскосмоса сообщила",
    "Καλημέρα σας φίλοι",
    "天气很好。好的",
    "Deutsch · Español · Français · Русский",
    "ja, wir schaffen das",
    "de facto",
    "Straße",
    "naïve façade",
)
ODD = (
    "Cоюз",  # Latin C in a Cyrillic word
    "Sоyuz",  # Cyrillic о in a Latin word
    "infor\u00admation",
    "zero\u200bwidth",
    "a\u200db",
    "@nasa",
    "#space",
    "https://t.co/abc",
    "pic.twitter.com/xyz",
    "foo.com's",
    "site.com’s",
    "A320's",
    "5 million-dollar",
    "l’abc5",
    "x’www.y.com",
    "ca\u0301fe\u0301",
    "½",
    "km²",
    "—",
    "Δv",
    "I.B.M.",
    "U.S.",
    "—Reuters",
)


def _phrases() -> list[str]:
    finder = _finder()
    assert finder.chrome is not None
    return [entry.phrase for entry in finder.chrome._entries.values()]


_CACHE: list[StrayFinder] = []


def _finder() -> StrayFinder:
    if not _CACHE:
        request = AuditRequest("en", 3, 0.5, shipped_glossaries(), "text")
        _CACHE.append(build_finder(request))
    return _CACHE[0]


def _snippet(rng: random.Random, phrases: list[str]) -> str:
    parts = []
    for _ in range(rng.randint(1, 8)):
        pick = rng.random()
        if pick < 0.45:
            part = rng.choice(ENGLISH)
        elif pick < 0.65:
            part = rng.choice(FOREIGN)
        elif pick < 0.85:
            part = rng.choice(ODD)
        else:
            part = rng.choice(phrases)
        if rng.random() < 0.3:
            part = part.capitalize()
        parts.append(part)
        parts.append(rng.choice((" ", ". ", "! ", "? ", ", ", "\n", "\n\n", " | ", " : ", " - ", "'", "-")))
    if rng.random() < 0.05:
        parts.append("x" * rng.choice((499, 500, 600)) + " tail")
    return "".join(parts).strip()


def _document(rng: random.Random, phrases: list[str]) -> Document:
    units = []
    segments = []
    for n in range(rng.randint(1, 4)):
        text = _snippet(rng, phrases)
        units.append(TextUnit(text, record=n + 1, field="text"))
        kind = rng.choice((BlockKind.FIELD, BlockKind.LINE, BlockKind.PARAGRAPH, BlockKind.SENTENCE))
        protected: tuple[tuple[int, int], ...] = ()
        if rng.random() < 0.1 and len(text) > 4:
            protected = ((1, 3),)
        segments.append(Segment(n, 0, len(text), kind, protected))
    return Document("gen.jsonl", DocFormat.JSONL, "utf-8", "", tuple(units), tuple(segments))


def test_cheap_path_changes_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    finder = _finder()
    phrases = _phrases()
    rng = random.Random(12)
    docs = [_document(rng, phrases) for _ in range(400)]
    quiet = 0
    below = QuietBlocks.below

    def counting(self: QuietBlocks, words: list[str]) -> bool:
        nonlocal quiet
        result = below(self, words)
        quiet += result
        return result

    monkeypatch.setattr(QuietBlocks, "below", counting)
    cheap = [finder.find(doc) for doc in docs]
    monkeypatch.setattr(stray, "_CHEAP_PATH", False)
    full = [finder.find(doc) for doc in docs]
    assert sum(map(len, full)) > 400  # the documents do hold findings
    assert quiet > 300  # and the cheap path did skip blocks and sentences
    for doc, a, b in zip(docs, cheap, full, strict=True):
        assert a == b, [u.text for u in doc.units]


@pytest.mark.parametrize(
    "text",
    ["plain text @nasa", "infor\u00admation here", "ca\u0301fe", "a Cоюз word", "x" * 1001, "½ of it"],
)
def test_what_is_not_plain(text: str) -> None:
    quiet = QuietBlocks(lambda w, rough: (0.0, True), limit=7.5, invisible="\u00ad", long_run=1000)
    assert quiet.words(text) is None


def test_plain_words_are_the_detectors_and_chromes() -> None:
    quiet = QuietBlocks(lambda w, rough: (0.0, True), limit=7.5, invisible="\u00ad", long_run=1000)
    words = ["It’s", "a", "well-known", "1,200", "km", "café"]
    assert quiet.words("It’s a well-known 1,200-km café.") == words


def test_the_bound_covers_every_piece_of_a_word() -> None:
    seen: list[str] = []

    def top(word: str, rough: bool) -> tuple[float, bool]:
        seen.append(word)
        return 1.0, True

    quiet = QuietBlocks(top, limit=7.5, invisible="", long_run=1000)
    assert quiet.below(["don't-stop"])  # 5 of its 6 runs of whole segments have two letters or more
    assert sorted(seen) == sorted(["don", "don't", "don't-stop", "t-stop", "stop"])
    assert not quiet.below(["don't-stop", "words", "more", "evidence"])


@pytest.mark.parametrize("expected", ["en", "de"])
def test_the_cheap_share_of_a_word_is_its_largest_evidence_to_the_bit(expected: str) -> None:
    """``_top_evidence`` skips the per-language tuple for most words; it must equal ``max(0, max(tuple))``."""
    words = [
        *{w for text in ENGLISH + FOREIGN for w in text.replace(",", " ").replace(".", " ").split()},
        "die", "und", "Zzyzxqwerty", "qwrtzpl", "boycotter", "squirmier", "abcdefghijklm", "Cathédrale",
        "don't", "d'un", "well-known", "km-long", "x-ray", "application's", "ISS", "Baikonur", "naïve",
        "überhaupt", "Wasserstoffrakete", "et", "a", "ad", "hoc", "habeas", "corpus",
    ]  # fmt: skip
    options = stray.AuditOptions(expected_language=expected)
    cheap, full = StrayFinder(options), StrayFinder(options)
    for word in words:
        evidence = full._evidence(word.casefold())
        top = max(0.0, max(evidence, default=0.0))
        assert cheap._top_evidence(word) == (top, True), word
        rough, exact = StrayFinder(options)._top_evidence(word, rough=True)
        assert rough == top if exact else rough >= top, word


def test_a_rough_bound_over_the_limit_is_checked_exactly() -> None:
    asked: list[tuple[str, bool]] = []

    def top(word: str, rough: bool) -> tuple[float, bool]:
        asked.append((word, rough))
        if word == "zorblat" and rough:
            return 6.0, False  # the n-gram ratio at its cap
        return (1.0 if word == "zorblat" else 2.0), True

    quiet = QuietBlocks(top, limit=7.5, invisible="", long_run=1000)
    assert quiet.below(["zorblat", "plain"])  # 8.0 rough, 3.0 exact
    assert asked == [("zorblat", True), ("plain", True), ("zorblat", False), ("plain", False)]
    assert not quiet.below(["plain", "more", "words", "here"])  # 8.0, every bound exact: no second sum
    assert ("more", False) not in asked


def test_word_caches_stay_bounded_and_change_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every per-word cache of a worker starts afresh past the limit (here 40 words), so a worker's memory
    stays flat however large the vocabulary of what it audits grows; the findings do not change. Before,
    the lexicon kept every distinct frequency tuple it computed for words it was told not to keep."""
    from pipeline.detection import lexicon

    phrases = _phrases()
    rng = random.Random(5)
    docs = [_document(rng, phrases) for _ in range(150)]
    expected = [_finder().find(doc) for doc in docs]
    monkeypatch.setattr(lexicon, "WORD_CACHE_LIMIT", 40)
    for shared in (lexicon.lexicon_for, lexicon.group_lexicon, lexicon.single_lexicon):
        shared.cache_clear()  # lexicons are shared by the finders of a process: start with new ones
    finder = build_finder(AuditRequest("en", 3, 0.5, shipped_glossaries(), "text"))  # empty caches
    assert [finder.find(doc) for doc in docs] == expected
    assert [finder.find(doc) for doc in docs] == expected  # with what the first pass left in the caches
    blocks = finder._quiet_blocks()
    assert finder._lexicon is not None
    sizes = {
        "tops": len(finder._tops),
        "evidence": len(finder._evidence_cache),
        "shared evidence": len(finder._shared),
        "rough bounds": len(blocks._rough),
        "bounds": len(blocks._bounds),
        "inexact": len(blocks._inexact),
        "lexicon": len(finder._lexicon._cache),
        "lexicon tuples": len(finder._lexicon._shared),
    }
    assert max(sizes.values()) <= 41, sizes
    assert sizes["tops"] > 0, sizes  # the caches were used
    assert sizes["rough bounds"] > 0, sizes
