"""The detection building blocks: scripts, homoglyphs, chrome, the langdetect adapter, lazy imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.detection import ChromeIndex, LangdetectDetector, normalise_code
from pipeline.detection.lexicon import lexicon_for
from pipeline.detection.scripts import cyrillic_language, fix_homoglyphs, script_language
from pipeline.detection.stray import _viterbi


def test_importing_detection_loads_no_heavy_module() -> None:
    code = (
        "import sys, pipeline.detection, pipeline.text.sentences; "
        "print(sorted(m for m in ('langdetect', 'wordfreq', 'lingua', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        pytest.param("Цього року відбудеться фестиваль", "uk", id="uk-i-ji"),
        pytest.param("Гэта беларуская мова і ўсё", "be", id="be-short-u"),
        pytest.param("Ово је ћирилица и ђак", "sr", id="sr-tshe-dje"),
        pytest.param("Ќе одам во ѓубре", "mk", id="mk-kje-gje"),
        pytest.param("Заголовок открываемого материала", "ru", id="ru-default"),
        pytest.param("Съединените щати", "bg", id="bg-hard-sign"),
    ],
)
def test_cyrillic_letters(text: str, language: str) -> None:
    assert cyrillic_language(text)[0] == language


@pytest.mark.parametrize(
    ("group", "text", "language"),
    [
        pytest.param("CJK", "美国与俄罗斯", "zh", id="han"),
        pytest.param("CJK", "クロノたちが再会", "ja", id="kana"),
        pytest.param("Hebrew", "צילום", "he", id="hebrew"),
        pytest.param("Arabic", "وزارة الخارجية", "ar", id="arabic"),
        pytest.param("Greek", "Καλημέρα", "el", id="greek"),
        pytest.param("Hangul", "우주 정거장", "ko", id="korean"),
    ],
)
def test_script_language(group: str, text: str, language: str) -> None:
    assert script_language(group, text) == language


@pytest.mark.parametrize(
    ("word", "script", "replacement"),
    [
        pytest.param("Nаval", "Latin", "Naval", id="cyrillic-a-in-latin"),
        pytest.param("ΝASA", "Latin", "NASA", id="greek-capital-nu"),
        pytest.param("Пeтербург", "Cyrillic", "Петербург", id="latin-e-in-cyrillic"),
        pytest.param("Roscosmos", None, None, id="pure-latin"),
        pytest.param("Москва", None, None, id="pure-cyrillic"),
    ],
)
def test_fix_homoglyphs(word: str, script: str | None, replacement: str | None) -> None:
    fix = fix_homoglyphs(word)
    if script is None:
        assert fix is None
    else:
        assert fix is not None
        assert (fix.script, fix.replacement) == (script, replacement)


def test_chrome_index_first_duplicate_wins_and_ignores_empty() -> None:
    index = ChromeIndex.from_phrases(
        [("en", "Subscribe", "Subscribe"), ("de", "subscribe!", "x"), ("en", "23", "")]
    )
    assert len(index) == 1
    entry = index.match("Subscribe")
    assert entry is not None
    assert entry.language == "en"
    assert index.match("Subscribe to our newsletter") is None
    assert index.match("") is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [("zh-cn", "zh"), ("zh-tw", "zh"), ("iw", "he"), ("no", "nb"), ("EN", "en"), ("pt_BR", "pt")],
)
def test_normalise_code(code: str, expected: str) -> None:
    assert normalise_code(code) == expected


def test_langdetect_adapter() -> None:
    detector = LangdetectDetector()
    short = detector.detect("ab")
    assert (short.language, short.reason) == (None, "too-short")
    german = detector.detect("Die Raumstation ist bereit für die neue Besatzung.")
    assert german.language == "de"
    assert german.confidence > 0.9
    assert german == detector.detect("Die Raumstation ist bereit für die neue Besatzung.")
    chinese = detector.detect("美国与俄罗斯的太空合作正在继续进行")
    assert chinese.language == "zh"
    among = detector.detect("Die Raumstation ist bereit", among=["de", "nl"])
    assert among.language == "de"
    assert among.confidence <= 1.0
    nowhere = detector.detect("Die Raumstation ist bereit", among=["ja"])
    assert (nowhere.language, nowhere.reason) == (None, "undetermined")
    assert detector.detect("1234 5678 ----").reason == "too-short"


def test_langdetect_likelihoods_are_deterministic_probabilities() -> None:
    detector = LangdetectDetector(languages=["en", "de", "sv"])
    scores = detector.likelihoods("übertragungssystem", ["en", "de", "sv"])
    assert max(scores, key=lambda k: scores[k]) == "de"
    assert abs(sum(scores.values()) - 1.0) < 1e-9
    assert scores == detector.likelihoods("übertragungssystem", ["en", "de", "sv"])
    assert detector.likelihoods("1234", ["en", "de"]) == {}


def test_lexicon_zipf() -> None:
    lexicon = lexicon_for("en")
    the = lexicon.zipf("The")
    assert the[0] > 7.0
    kostenlose = lexicon.zipf("kostenlose")
    assert kostenlose[0] == 0.0
    assert kostenlose[lexicon.languages.index("de")] > 3.0
    elided = lexicon.zipf("d'un")
    assert elided[0] == 0.0
    assert elided[lexicon.languages.index("fr")] > 5.0


@pytest.mark.parametrize(
    ("evidence", "runs"),
    [
        pytest.param([0.0, 10.0, 10.0, 0.0], [(0, 1, 2)], id="neutral-edges-stay-outside"),
        pytest.param([0.0, 3.0, 0.0], [], id="weak-word-alone-is-not-enough"),
        pytest.param([9.0, -1.0, 9.0], [(0, 0, 2)], id="bridges-a-weak-english-word"),
        pytest.param([9.0, -9.0, -9.0, 9.0], [(0, 0, 0), (0, 3, 3)], id="splits-at-strong-english"),
        pytest.param([], [], id="empty"),
    ],
)
def test_viterbi_runs(evidence: list[float], runs: list[tuple[int, int, int]]) -> None:
    assert _viterbi([(e,) for e in evidence], 1) == runs


def test_viterbi_picks_the_language_with_the_evidence() -> None:
    assert _viterbi([(0.0, 9.0), (0.0, 9.0)], 2) == [(1, 0, 1)]


def test_word_lists_are_read_as_wordfreq_reads_them() -> None:
    """The lexicon reads wordfreq's files itself (importing wordfreq costs each audit 0.05-0.08 s): the same
    languages in both sizes, and the same words in the same frequency bins as wordfreq's own reader."""
    import wordfreq

    from pipeline.detection.lexicon import _read_cbpack, _word_lists

    lists = _word_lists()
    for size in ("small", "large"):
        ours = {lang: str(path) for (name, lang), path in lists.items() if name == size}
        assert ours == {lang: str(path) for lang, path in wordfreq.available_languages(wordlist=size).items()}
    for key in (("small", "en"), ("large", "ru"), ("small", "ja")):
        assert _read_cbpack(lists[key]) == wordfreq.read_cBpack(str(lists[key]))
