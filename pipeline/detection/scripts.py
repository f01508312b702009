"""Unicode script analysis: which writing system a character or word is in, and what that says.

Pure and dependency-free. A word in a script other than the expected language's is foreign by script (no
statistics needed); a word that mixes Latin with Cyrillic or Greek look-alikes is a homoglyph.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "HomoglyphFix",
    "cyrillic_language",
    "fix_homoglyphs",
    "language_script",
    "script_group",
    "script_language",
    "script_of",
]

# (first, last, script) code point ranges; anything else that is a letter is "Other".
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latin"),
    (0x0061, 0x007A, "Latin"),
    (0x00AA, 0x00AA, "Latin"),
    (0x00BA, 0x00BA, "Latin"),
    (0x00C0, 0x00D6, "Latin"),
    (0x00D8, 0x00F6, "Latin"),
    (0x00F8, 0x024F, "Latin"),
    (0x0250, 0x02AF, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x08A0, 0x08FF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"),
    (0x0980, 0x09FF, "Bengali"),
    (0x0B80, 0x0BFF, "Tamil"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1C80, 0x1C8F, "Cyrillic"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x2DE0, 0x2DFF, "Cyrillic"),
    (0x3005, 0x3007, "Han"),
    (0x3040, 0x309F, "Hiragana"),
    (0x30A0, 0x30FF, "Katakana"),
    (0x3130, 0x318F, "Hangul"),
    (0x31F0, 0x31FF, "Katakana"),
    (0x3400, 0x4DBF, "Han"),
    (0x4E00, 0x9FFF, "Han"),
    (0xA640, 0xA69F, "Cyrillic"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xF900, 0xFAFF, "Han"),
    (0xFB1D, 0xFB4F, "Hebrew"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0xFF21, 0xFF3A, "Latin"),
    (0xFF41, 0xFF5A, "Latin"),
    (0xFF66, 0xFF9F, "Katakana"),
    (0x20000, 0x2FFFF, "Han"),
)

# Scripts that are written together in one language (Japanese mixes kana and kanji).
_GROUP = {"Hiragana": "CJK", "Katakana": "CJK", "Han": "CJK"}

_SINGLE_LANGUAGE = {
    "Greek": "el",
    "Hebrew": "he",
    "Armenian": "hy",
    "Georgian": "ka",
    "Devanagari": "hi",
    "Bengali": "bn",
    "Tamil": "ta",
    "Thai": "th",
    "Hangul": "ko",
}

_LANGUAGE_SCRIPT = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"), "Cyrillic"),
    **dict.fromkeys(("ar", "fa", "ur", "ps"), "Arabic"),
    **dict.fromkeys(("zh", "ja"), "CJK"),
    "el": "Greek",
    "he": "Hebrew",
    "yi": "Hebrew",
    "hy": "Armenian",
    "ka": "Georgian",
    "hi": "Devanagari",
    "mr": "Devanagari",
    "ne": "Devanagari",
    "bn": "Bengali",
    "ta": "Tamil",
    "th": "Thai",
    "ko": "Hangul",
}


@lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """Return the script of one letter: ``Latin``, ``Cyrillic``, ``Greek``, ``Han``... or ``Other``.

    >>> script_of("a"), script_of("ж"), script_of("中"), script_of("の"), script_of("1")
    ('Latin', 'Cyrillic', 'Han', 'Hiragana', 'Other')
    """
    code = ord(char)
    lo, hi = 0, len(_RANGES) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        first, last, script = _RANGES[mid]
        if code < first:
            hi = mid - 1
        elif code > last:
            lo = mid + 1
        else:
            if script == "Latin" and code in (0x00D7, 0x00F7):
                return "Other"
            return script
    return "Other"


def script_group(script: str) -> str:
    """Return the group a script is written in (kana and Han are one group, ``CJK``).

    >>> script_group("Katakana"), script_group("Latin")
    ('CJK', 'Latin')
    """
    return _GROUP.get(script, script)


def language_script(language: str) -> str:
    """Return the script group a language is normally written in (Latin unless known otherwise).

    >>> language_script("ru"), language_script("de"), language_script("ja")
    ('Cyrillic', 'Latin', 'CJK')
    """
    return _LANGUAGE_SCRIPT.get(language, "Latin")


def script_language(group: str, text: str) -> str | None:
    """Guess the language of a run of text in one non-Latin script group from its letters alone.

    Cyrillic is left to :func:`cyrillic_language`; Latin and unknown scripts give None.

    >>> script_language("CJK", "美国和俄罗斯"), script_language("CJK", "クロノたち")
    ('zh', 'ja')
    >>> script_language("Hebrew", "צילום")
    'he'

    >>> script_language("Arabic", "گزارش"), script_language("Arabic", "قناة")
    ('fa', 'ar')
    >>> script_language("Arabic", "این است")
    'fa'
    """
    if group == "CJK":
        return "ja" if any(script_of(c) in ("Hiragana", "Katakana") for c in text) else "zh"
    if group == "Arabic":
        if any(c in "ٹڈڑںےھ" for c in text):
            return "ur"
        if any(c in "پچژگکی" for c in text):  # ی (U+06CC, Farsi yeh) and ک (keheh): Arabic writes ي and ك
            return "fa"
        return "ar"
    if group == "Hebrew" and any(c in "ײױװ" for c in text):
        return "yi"
    return _SINGLE_LANGUAGE.get(group)


# Letters that exist in only some Cyrillic alphabets: (letters, {language: weight}).
_CYRILLIC_CUES: tuple[tuple[str, dict[str, float]], ...] = (
    ("ў", {"be": 6.0}),
    ("ґєї", {"uk": 6.0}),
    ("і", {"uk": 2.0, "be": 2.0}),
    ("ђћџ", {"sr": 6.0}),
    ("ѓќѕ", {"mk": 6.0}),
    ("јљњ", {"sr": 3.0, "mk": 3.0}),
    ("ыэё", {"ru": 2.0, "be": 2.0}),
    ("ъ", {"ru": 0.5, "bg": 2.0}),
    ("щ", {"ru": 1.0, "bg": 1.0, "uk": 1.0}),
    ("и", {"ru": 0.3, "bg": 0.3, "uk": 0.3, "sr": 0.3, "mk": 0.3}),
    ("й", {"ru": 0.3, "bg": 0.3, "uk": 0.3, "be": 0.3}),
)
# Letters a language never uses: seeing one rules it out.
_CYRILLIC_ABSENT = {
    "uk": "ыэёъў",
    "be": "ищъїєґ",
    "bg": "ыэёіїєґў",
    "ru": "іїєґўјљњђћџѓќѕ",
    "sr": "щъыэёйіїєґўѓќѕ",
    "mk": "щъыэёйіїєґўђћ",
}


def cyrillic_language(text: str) -> tuple[str, dict[str, float]]:
    """Score the Cyrillic languages by the letters only some of them use.

    Returns:
        ``(best, scores)``: the best-scoring language (``ru`` on ties, the most common) and every score.

    >>> cyrillic_language("Цього року відбудеться фестиваль")[0]
    'uk'
    >>> cyrillic_language("Гэта беларуская мова і ўсё")[0]
    'be'
    >>> cyrillic_language("Ово је ћирилица")[0]
    'sr'
    >>> cyrillic_language("Заголовок открываемого материала")[0]
    'ru'
    """
    low = text.lower()
    scores = {"ru": 0.5, "uk": 0.0, "be": 0.0, "bg": 0.0, "sr": 0.0, "mk": 0.0}
    present = set(low)
    for letters, weights in _CYRILLIC_CUES:
        if present.intersection(letters):
            for lang, weight in weights.items():
                scores[lang] += weight
    for lang, absent in _CYRILLIC_ABSENT.items():
        if present.intersection(absent):
            scores[lang] -= 8.0
    best = max(scores, key=lambda k: (scores[k], k == "ru"))
    return best, scores


# Look-alikes: Cyrillic/Greek letter -> the Latin letter it imitates.
_TO_LATIN = {
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ү": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Һ": "h",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "ο": "o", "ν": "v", "ρ": "p", "ι": "i", "κ": "k",
}  # fmt: skip
# Latin letter -> the Cyrillic letter it imitates (for Cyrillic words spelled with a Latin intruder).
_TO_CYRILLIC = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "y": "у", "x": "х", "i": "і", "j": "ј", "s": "ѕ",
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т",
    "X": "Х", "Y": "У", "I": "І",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class HomoglyphFix:
    """What a mixed-script word should read.

    Attributes:
        script: the script the word is really written in (``Latin`` or ``Cyrillic``, ``Greek``).
        intruders: ``(character, "U+XXXX NAME-ish")`` for each letter from the other script, in order.
        replacement: the word with every intruder replaced, or None when some intruder has no look-alike.
    """

    script: str
    intruders: tuple[tuple[str, str], ...]
    replacement: str | None


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, script_of(char).upper())}"


def fix_homoglyphs(word: str, prefer: str = "Latin") -> HomoglyphFix | None:
    """Return how to fix a word mixing Latin with Cyrillic or Greek letters, or None if it does not mix.

    The word's real script is the one that can absorb every other letter through a look-alike; if both can,
    the one with more letters wins, then ``prefer``.

    Args:
        word: one word (letters only).
        prefer: the script to choose on a tie (the expected language's script).

    >>> fix = fix_homoglyphs("Nаval")
    >>> fix.replacement, fix.intruders
    ('Naval', (('а', 'U+0430 CYRILLIC SMALL LETTER A'),))
    >>> fix_homoglyphs("мoсква").replacement
    'москва'
    >>> fix_homoglyphs("Naval") is None
    True
    """
    counts: dict[str, int] = {}
    for char in word:
        script = script_of(char)
        if script in ("Latin", "Cyrillic", "Greek"):
            counts[script] = counts.get(script, 0) + 1
    if len(counts) < 2 or "Latin" not in counts:
        return None

    def absorb(target: str) -> str | None:
        out = []
        for char in word:
            script = script_of(char)
            if script == target or script not in counts:
                out.append(char)
            elif target == "Latin" and char in _TO_LATIN:
                out.append(_TO_LATIN[char])
            elif target == "Cyrillic" and script == "Latin" and char in _TO_CYRILLIC:
                out.append(_TO_CYRILLIC[char])
            else:
                return None
        return "".join(out)

    options: list[tuple[int, int, str, str | None]] = []
    for target in counts:
        fixed = absorb(target)
        options.append((fixed is not None, counts[target] * 2 + (target == prefer), target, fixed))
    options.sort(reverse=True)
    _, _, target, fixed = options[0]
    intruders = tuple((c, _describe(c)) for c in word if script_of(c) in counts and script_of(c) != target)
    return HomoglyphFix(target, intruders, fixed)
