"""The second stage of foreign-text detection: judge each candidate span in its context.

The first stage (script runs and the word-frequency HMM in :mod:`pipeline.detection.stray`) proposes spans;
this stage sees only those spans and the text around them, and decides what each one is. Rules, in order
(each one is tested in ``tests/detection/test_judge.py`` and documented with an example in the README):

1. **Symbol.** A run of at most two letters of another script inside a cluster of symbols (a kaomoji such
   as ``¯\\_(ツ)_/¯``), or a single letter standing alone (``the letter ن``, a decorative ``ღ`` in a display
   name), is not text at all: not reported.
2. **Tweet display name.** Words right before ``( @handle`` (tokenised or not) name an account: not reported.
3. **Original-script name.** A short run in another script whose transliteration (anyascii) matches
   capitalised Latin words near it (``Hu Xijin (胡锡进)``, ``Volodymyr Zelensky (Володимир Зеленський)``), or
   that sits in brackets or straight beside two or more capitalised Latin words (``Joshua Wong 黃之鋒``), is
   the name in its own script: intended, reason ``original-script name``.
4. **Citation.** A span in a line that reads like a bibliographic reference (a year in brackets, ``et al.``,
   ``pp.``, ``doi``, ``ISBN``, ``Vol.``, a reference number ``[3]``...; two cues or more): intended, reason
   ``citation``.
5. **Gloss.** A span followed or preceded, within a few words, by its English meaning: ``LANGUAGE for``,
   ``in LANGUAGE``, ``meaning``, ``which means``, ``translates as``, or brackets holding only English words
   (``gilets jaunes (yellow vests)``): intended, reason ``gloss``.
6. **Quotation.** A well-known motto or quotation (``Ich bin ein Berliner``, ``Je suis Charlie``), or a
   span the sentence calls a motto, slogan, chant, catchphrase or rallying cry: intended, reason
   ``quotation``.
7. **Name.** A Latin-script span that reads as a proper name: a single capitalised word (a person:
   not reported), a binomial species name (``Eumetopias jubatus``: intended, reason ``name``; ASCII
   words that are not, on average, common words of a living language: ``Kepada bagaimana`` is Indonesian), or
   capitalised words joined by particles and function words (``Ursula von der Leyen``, ``Place de la
   République``, ``Jamaat al-Islam wal-Muslimin``: intended, reason ``name``). Capitalised words alone are
   names and were never reported.

Everything else stays ``stray`` (a ``foreign-text`` warning). The stage is pure, never raises on any input
(a Hypothesis test proves it) and costs nothing on spans the first stage did not propose.
"""

from __future__ import annotations

import difflib
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import regex  # type: ignore[import-untyped]

from pipeline.text.spans import line_bounds

__all__ = ["STRAY", "Judgement", "Verdict", "capitalised", "judge_latin", "judge_script", "particle"]


class Verdict(StrEnum):
    """What a candidate span turned out to be."""

    STRAY = "stray"  # foreign text a reviewer would translate: a foreign-text warning
    INTENDED = "intended"  # foreign text the author meant: a foreign-intended info finding
    IGNORE = "ignore"  # not foreign text at all (a symbol, a person's name, a handle): not reported


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict on one span and why.

    Attributes:
        verdict: stray, intended or ignore.
        reason: ``name``, ``original-script name``, ``gloss``, ``quotation``, ``citation``, ``symbol``,
            ``display name``; empty for stray text.
    """

    verdict: Verdict
    reason: str = ""


STRAY = Judgement(Verdict.STRAY)
WINDOW = 80  # characters of context either side that the rules read
NAME_SIMILARITY = 0.7
MODERN_ZIPF = 4.5  # mean Zipf in a living language's list above which a binomial-shaped span is not a species

LANGUAGE_NAMES = [
    "afrikaans",
    "albanian",
    "arabic",
    "armenian",
    "basque",
    "belarusian",
    "bengali",
    "bosnian",
    "bulgarian",
    "cantonese",
    "catalan",
    "chinese",
    "croatian",
    "czech",
    "danish",
    "dutch",
    "esperanto",
    "estonian",
    "farsi",
    "filipino",
    "finnish",
    "flemish",
    "french",
    "gaelic",
    "georgian",
    "german",
    "greek",
    "hebrew",
    "hindi",
    "hungarian",
    "icelandic",
    "indonesian",
    "irish",
    "italian",
    "japanese",
    "kazakh",
    "korean",
    "kurdish",
    "latin",
    "latvian",
    "lithuanian",
    "macedonian",
    "malay",
    "maltese",
    "mandarin",
    "maori",
    "mongolian",
    "norwegian",
    "pashto",
    "persian",
    "polish",
    "portuguese",
    "punjabi",
    "romanian",
    "russian",
    "serbian",
    "slovak",
    "slovenian",
    "somali",
    "spanish",
    "swahili",
    "swedish",
    "tagalog",
    "tamil",
    "thai",
    "tibetan",
    "turkish",
    "ukrainian",
    "urdu",
    "uzbek",
    "vietnamese",
    "welsh",
    "yiddish",
    "yoruba",
    "zulu",
]  # noqa: E501
_LANG = "|".join(LANGUAGE_NAMES)
_GLOSS_AFTER = regex.compile(
    rf"^\W{{0,6}}(?:\s*[-–—,:(]\s*)?(?:(?:the\s+)?(?:{_LANG})\s+(?:for|word|phrase|term)\b"
    rf"|(?:which|that|it)?\s*(?:means?|meaning|translat\w*|roughly|literally)\b"
    rf"|.{{0,60}}\bin\s+(?:{_LANG})\b|.{{0,60}}\b(?:{_LANG})\s+for\b)",
    regex.IGNORECASE,
)
_GLOSS_BEFORE = regex.compile(
    rf"(?:\b(?:{_LANG})\s+(?:for|word|phrase|term|expression|saying|slogan|motto|chant)"
    rf"|\bin\s+(?:{_LANG})|\b(?:meaning|means|translated|translation)\b)"
    rf"[^.!?]{{0,25}}$",
    regex.IGNORECASE,
)
_BRACKET_AFTER = regex.compile(r"^\W{0,3}\s*\(\s*([^()]{2,80})\)")
_QUOTE_CUE = regex.compile(
    r"\b(?:motto|slogan|chant(?:ed|ing|s)?|catch-?phrase|rallying\s+cry|battle\s+cry|mantra|maxim|"
    r"famous(?:ly)?\s+(?:line|words|declared|said|phrase|quote)|immortal\s+words|adage|proverb|refrain|"
    r"hashtag|watchword|war\s+cry)\b",
    regex.IGNORECASE,
)
_CITATION_CUES = (
    regex.compile(r"\(\s*(?:1[5-9]|20)\d\d[a-z]?\s*\)"),
    regex.compile(r"\bet\s+al\b", regex.IGNORECASE),
    regex.compile(r"\bpp?\s*\.\s*\d"),
    regex.compile(r"\bdoi\s*:|\bdoi\.org\b", regex.IGNORECASE),
    regex.compile(r"\bISBN\b|\bISSN\b"),
    regex.compile(r"\b(?:Vol|vol|No|Ed|eds|ed)\s*\.\s*\d"),
    regex.compile(r"^\s*\[\s*\d{1,3}\s*\]|^\s*\d{1,3}\s*\.\s+\p{Lu}"),
    regex.compile(r"\b(?:Press|Verlag|Éditions|Editorial|Journal|Revue|Zeitschrift|Review)\b"),
)
_HANDLE_AFTER = regex.compile(r"^[\s\p{So}\p{Sk}\p{Sm}\p{Pd}|]*\(\s*@")
_SYMBOL = regex.compile(r"[\p{S}\p{P}]")
_LATIN_WORD = regex.compile(r"\p{Latin}[\p{Latin}\p{M}'’\-]*")
_PARTICLES = frozenset(
    [
        "a",
        "al",
        "ad",
        "ap",
        "as",
        "ash",
        "at",
        "av",
        "az",
        "bat",
        "ben",
        "bin",
        "bint",
        "d",
        "da",
        "das",
        "dal",
        "dalla",
        "de",
        "degli",
        "dei",
        "del",
        "della",
        "dello",
        "den",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "e",
        "el",
        "en",
        "et",
        "ibn",
        "im",
        "l",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "o",
        "op",
        "san",
        "santa",
        "sant",
        "st",
        "ter",
        "ten",
        "um",
        "una",
        "van",
        "vom",
        "von",
        "y",
        "zu",
        "zum",
        "zur",
        "wal",
        "wa",
        "u",
        "ul",
        "ur",
    ]  # noqa: E501
)
_ARABIC_ARTICLE = regex.compile(
    r"^(?:al|el|ul|wal|bil|ad|an|ar|as|ash|at|az|ibn|bin|abu|abd|d|l|dell|dall|nell|sull|o|mc|mac)[-‐'’]\p{Lu}"
)
_LATIN_ENDINGS = ("us", "a", "um", "is", "ae", "i", "ensis", "oides", "ata", "atus", "ii", "ix", "es", "ax")

#: Mottos and quotations English writers quote in the original (general knowledge, not taken from any
#: development article). Compared casefolded, letters only.
FAMOUS_QUOTATIONS = (
    "ich bin ein berliner",
    "je suis charlie",
    "honi soit qui mal y pense",
    "dulce et decorum est pro patria mori",
    "dulce et decorum est",
    "veni vidi vici",
    "alea iacta est",
    "alea jacta est",
    "et tu brute",
    "e pluribus unum",
    "in god we trust",
    "liberté égalité fraternité",
    "liberte egalite fraternite",
    "cogito ergo sum",
    "carthago delenda est",
    "memento mori",
    "sic semper tyrannis",
    "semper fidelis",
    "semper fi",
    "annuit coeptis",
    "novus ordo seclorum",
    "l'état c'est moi",
    "après moi le déluge",
    "qu'ils mangent de la brioche",
    "plus ça change",
    "plus ça change plus c'est la même chose",
    "arbeit macht frei",
    "wir schaffen das",
    "nunca más",
    "no pasarán",
    "hasta la vista",
    "hasta la victoria siempre",
    "patria o muerte",
    "sí se puede",
    "si se puede",
    "el pueblo unido jamás será vencido",
    "vive la france",
    "vive le québec libre",
    "allahu akbar",
    "inshallah",
    "hakuna matata",
    "que sera sera",
    "dolce vita",
    "la dolce vita",
    "mamma mia",
    "non serviam",
    "ora et labora",
    "pax romana",
    "vox populi vox dei",
    "quis custodiet ipsos custodes",
    "panem et circenses",
    "fiat lux",
    "fiat justitia ruat caelum",
    "sapere aude",
    "ad astra per aspera",
    "per aspera ad astra",
    "nolite te bastardes carborundorum",
    "tempus fugit",
    "in vino veritas",
    "lasciate ogne speranza voi ch'intrate",
    "lasciate ogni speranza voi ch'entrate",
    "eppur si muove",
    "noblesse oblige",
    "sic transit gloria mundi",
    "o tempora o mores",
    "deus vult",
    "ubi sunt",
    "slava ukraini",
    "слава україні",
    "героям слава",
)
_FAMOUS = frozenset(" ".join(regex.findall(r"[\p{L}']+", q.casefold())) for q in FAMOUS_QUOTATIONS)
_FAMOUS_PREFIXES = tuple(sorted(_FAMOUS))  # for str.startswith and bisection
_LETTER_RUN = regex.compile(r"[\p{L}\p{M}']+")
_WORD_RUN = regex.compile(r"[\p{L}']+")
_NAME_BEFORE = regex.compile(r"(\p{Lu}\p{Ll}+[\s\-]+){1,3}\p{Lu}[\p{L}\-]+[\s,:(\[]*$")
_NAME_AFTER = regex.compile(r"^[\s)\]]*[,(\[–—-]?\s*(\p{Lu}\p{Ll}+[\s\-]+)\p{Lu}\p{Ll}+")


def _letters_key(text: str) -> str:
    return " ".join(_LETTER_RUN.findall(text.casefold().replace("’", "'")))


def _famous(key: str) -> bool:
    """Whether ``key`` is a famous quotation, or (10 letters or more) starts one or is started by one."""
    if key in _FAMOUS:
        return True
    if len(key) < 10:
        return False
    if key.startswith(_FAMOUS_PREFIXES):
        return True
    at = bisect_left(_FAMOUS_PREFIXES, key)  # quotations that start with key sort right after it
    return at < len(_FAMOUS_PREFIXES) and _FAMOUS_PREFIXES[at].startswith(key)


def _skeleton(text: str) -> str:
    """Lower-case ASCII letters of a transliteration, without vowels after the first letter."""
    low = "".join(c for c in text.lower() if "a" <= c <= "z")
    return low[:1] + "".join(c for c in low[1:] if c not in "aeiouy'")


def _transliterate(text: str) -> str:
    from anyascii import anyascii

    return str(anyascii(text))


def _capitalised_runs(context: str) -> list[str]:
    """Sequences of capitalised Latin words (with particles between) in ``context``, longest first."""
    runs: list[str] = []
    current: list[str] = []
    for match in _LATIN_WORD.finditer(context):
        word = match.group()
        if word[:1].isupper() or (current and word.casefold() in _PARTICLES):
            current.append(word)
        else:
            if current:
                runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


def _similar(a: str, b: str, threshold: float) -> bool:
    """``SequenceMatcher(None, a, b).ratio() >= threshold``, its cheap upper bounds tried first."""
    total = len(a) + len(b)
    if total and 2.0 * min(len(a), len(b)) / total < threshold:  # real_quick_ratio, without the matcher
        return False
    matcher = difflib.SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and matcher.ratio() >= threshold
    )


def _matches_latin(span: str, context: str) -> bool:
    """Whether the transliteration of ``span`` is close to some capitalised Latin words of ``context``."""
    latin = _transliterate(span)
    target = "".join(c for c in latin.lower() if c.isalpha())
    if len(target) < 2:
        return False
    skeleton = _skeleton(latin)
    for run in _capitalised_runs(context):
        words = run.split()
        # compare with every contiguous part of the run (a title or first name may precede the name)
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 5) + 1):
                cand = "".join(c for c in "".join(words[i:j]).lower() if c.isalpha())
                if not cand:
                    continue
                if len(cand) >= 4 and _similar(target, cand, NAME_SIMILARITY):
                    return True
                if len(skeleton) >= 4 and _similar(
                    skeleton, _skeleton(" ".join(words[i:j])), NAME_SIMILARITY + 0.15
                ):
                    return True
    return False


def _cluster(text: str, start: int, end: int) -> str:
    """The whitespace-delimited chunk of ``text`` around ``[start, end)``."""
    lo, hi = start, end
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return text[lo:hi]


def _line(text: str, start: int, end: int) -> str:
    lo, hi = line_bounds(text, start, end)
    return text[lo:hi]


_SENTENCE_END = regex.compile(r"[.!?…\n]")


def _sentence_around(text: str, start: int, end: int) -> str:
    """The text from the sentence end before ``start`` to the one after ``end`` (at most 2 windows each)."""
    lo = max(0, start - 2 * WINDOW)
    before = text[lo:start]
    stops = [m.end() for m in _SENTENCE_END.finditer(before)]
    if stops:
        lo += stops[-1]
    after = text[end : end + 2 * WINDOW]
    stop = _SENTENCE_END.search(after)
    return text[lo : end + (stop.start() if stop else len(after))]


def _common(text: str, start: int, end: int) -> Judgement | None:
    """Rules shared by both kinds of span: citation, gloss, quotation."""
    span = text[start:end]
    line = _line(text, start, end)
    if len(line) <= 1000 and _citation(line):
        return Judgement(Verdict.INTENDED, "citation")
    after = text[end : end + WINDOW]
    before = text[max(0, start - WINDOW) : start]
    if _GLOSS_AFTER.search(after) or _GLOSS_BEFORE.search(before):
        return Judgement(Verdict.INTENDED, "gloss")
    bracket = _BRACKET_AFTER.match(after)
    if bracket and _english_words(bracket.group(1)):
        return Judgement(Verdict.INTENDED, "gloss")
    key = _letters_key(span)
    if _famous(key):
        return Judgement(Verdict.INTENDED, "quotation")
    if _QUOTE_CUE.search(_sentence_around(text, start, end)):
        return Judgement(Verdict.INTENDED, "quotation")
    return None


@lru_cache(maxsize=256)
def _citation(line: str) -> bool:
    """Whether a line carries two citation cues or more (lines are judged once for all their spans)."""
    hits = 0
    for cue in _CITATION_CUES:
        if cue.search(line):
            hits += 1
            if hits >= 2:
                return True
    return False


def _english_words(text: str) -> bool:
    """Whether ``text`` is a few words that are all common English (a gloss in brackets)."""
    from pipeline.detection.lexicon import lexicon_for

    words = _WORD_RUN.findall(text)
    if not words or len(words) > 12 or not any(w.islower() for w in words):
        return False  # "(NGOs)" is an abbreviation, not a gloss
    lexicon = lexicon_for("en")
    return all(lexicon.zipf(w)[0] >= 3.0 for w in words)


def _modern_words(words: list[str]) -> bool:
    """Whether ``words`` are, on average, common words of some modern language (not a species name).

    ``Kepada bagaimana`` (Indonesian) and ``Ministro rivolta`` (Italian) have the shape of a binomial, but
    their words are frequent in a living language's list; ``Sus scrofa`` and ``Bos taurus`` are not.
    """
    from pipeline.detection.lexicon import lexicon_for

    lexicon = lexicon_for("en")  # the lists the first stage loaded (a second set would cost 80 MB)
    modern = [i for i, lang in enumerate(lexicon.languages) if lang not in ("en", "la")]
    total = 0.0
    for word in words:
        zipf = lexicon.zipf(word)
        total += max(zipf[i] for i in modern)
    return total / len(words) >= MODERN_ZIPF


def judge_script(text: str, start: int, end: int, words: list[str]) -> Judgement:
    """Judge a run of another script (Cyrillic, CJK, Arabic...) in an English text.

    Args:
        text: the whole unit's text (offsets are into it).
        start: the span's start.
        end: its end.
        words: the span's words.

    Returns:
        The :class:`Judgement`.

    >>> judge_script("Hu Xijin (胡锡进) said", 10, 13, ["胡锡进"]).reason
    'original-script name'
    >>> judge_script("shrug ¯\\\\_(ツ)_/¯ ok", 10, 11, ["ツ"]).verdict.value
    'ignore'
    """
    letters = sum(len(w) for w in words)
    cluster = _cluster(text, start, end)
    symbols = sum(1 for c in cluster if _SYMBOL.match(c))
    if letters <= 2 and symbols >= 2:
        return Judgement(Verdict.IGNORE, "symbol")
    if len(words) == 1 and letters == 1:
        return Judgement(Verdict.IGNORE, "symbol")
    if _HANDLE_AFTER.match(text[end : end + 12]):
        return Judgement(Verdict.IGNORE, "display name")
    cased = any(c.isupper() or c.islower() for w in words for c in w)
    names = not cased or all(w[:1].isupper() for w in words)  # names in a cased script are capitalised
    names = names and not any(c in text[start:end] for c in ":/|")  # "Фото: ... / ..." is a credit line
    if names and len(words) <= 6 and letters <= 40:
        before = text[max(0, start - 2 * WINDOW) : start]
        after = text[end : end + 2 * WINDOW]
        if _matches_latin(text[start:end], before + " " + after):
            return Judgement(Verdict.INTENDED, "original-script name")
        near_before = _NAME_BEFORE.search(before[-60:])
        near_after = _NAME_AFTER.match(after)
        short = letters <= 4 if not cased else len(words) <= 4  # a CJK name is two to four characters
        if (near_before or near_after) and short:
            return Judgement(Verdict.INTENDED, "original-script name")
    return _common(text, start, end) or STRAY


def capitalised(word: str) -> bool:
    """Whether a word is written as a name: a capital, or a particle glued to one (al-Islam).

    >>> capitalised("Vida"), capitalised("d'Ivoire"), capitalised("al-Islam"), capitalised("vida")
    (True, True, True, False)
    """
    return word[:1].isupper() or bool(_ARABIC_ARTICLE.match(word))


def particle(word: str) -> bool:
    """Whether a small word is a name particle or joiner (von, der, de, la, van, bin, al...).

    >>> particle("von"), particle("Haus")
    (True, False)
    """
    return word.casefold() in _PARTICLES


def judge_latin(
    text: str, start: int, end: int, words: list[str], *, initial: bool, alone: bool = False
) -> Judgement:
    """Judge a Latin-script span the word-frequency stage called foreign.

    Args:
        text: the whole unit's text.
        start: the span's start.
        end: its end.
        words: the span's words.
        initial: whether the span starts its sentence (so a capital letter there says nothing).
        alone: whether the span is the whole sentence (a lone capitalised word, or two words shaped like
            a binomial, is then not a name in an English sentence but a sentence of its own).

    Returns:
        The :class:`Judgement`.

    >>> judge_latin("Visitors to the Jardins de Picardie home.", 16, 35,
    ...             ["Jardins", "de", "Picardie"], initial=False).reason
    'name'
    >>> judge_latin("He said no hay nada que hacer here.", 8, 29,
    ...             ["no", "hay", "nada", "que", "hacer"], initial=False).verdict.value
    'stray'
    """
    if not words:
        return Judgement(Verdict.IGNORE, "symbol")
    if _HANDLE_AFTER.match(text[end : end + 12]):
        return Judgement(Verdict.IGNORE, "display name")
    if len(words) == 1 and capitalised(words[0]) and not alone:
        return Judgement(Verdict.IGNORE, "name")
    found = _common(text, start, end)
    if found is not None:
        return found
    if (
        not alone  # two Latin-looking words that make up a sentence are a sentence, not a species name
        and len(words) in (2, 3)
        and words[0][:1].isupper()
        and words[0][1:].islower()
        and all(w.isascii() for w in words)  # scientific names carry no diacritics
        and all(w.islower() and w.endswith(_LATIN_ENDINGS) for w in words[1:])
        and words[0].casefold().endswith(_LATIN_ENDINGS + ("on", "os", "er", "x", "o"))
        and not _modern_words(words)
    ):
        return Judgement(Verdict.INTENDED, "name")  # a binomial species name: Eumetopias jubatus
    lead = 0  # a name may open with its particles: von der Leyen, de la Cruz
    while lead < len(words) - 1 and particle(words[lead]):
        lead += 1
    if capitalised(words[lead]) and capitalised(words[-1]) and len(words) >= 2:
        lower = [w for w in words if not capitalised(w)]
        content = [w for w in lower if w.casefold() not in _PARTICLES]
        capitals = len(words) - len(lower)
        if not content or (len(content) == 1 and capitals >= 3) or (len(content) == 1 and len(words) <= 4):
            return Judgement(Verdict.INTENDED, "name")
    return STRAY


def is_symbolic(char: str) -> bool:
    """Whether ``char`` is a symbol or punctuation (used by tests and renderers).

    >>> is_symbolic("¯"), is_symbolic("a")
    (True, False)
    """
    return unicodedata.category(char)[0] in "SP"
