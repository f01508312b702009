"""Find glossary terms in text: every language, inflection-aware, longest match first, linear in the text.

How it works:

1. The text is cut into tokens: maximal runs of letters, or of digits (``МС-07`` is ``МС``, ``07``). The gap
   between two tokens is *soft* when it is only spaces, hyphens or dashes (or nothing, at a letter/digit
   change), and *hard* otherwise; a multi-word term matches only across soft gaps.
2. Each token gets a key per language: Russian and Ukrainian Cyrillic words are lemmatised with pymorphy3
   (``Роскосмосом`` -> ``роскосмос``, ``Международной`` -> ``международный``), Latin-script words are stemmed
   with the Snowball stemmer of the language (PyStemmer), everything else is lower-cased. Runs of 1-3 digits
   all key to ``#``, so one automaton entry serves every flight number of a pattern concept
   (``Союз МС-{n}``). A Cyrillic abbreviation with a case ending glued on (``ЦУПа``) keys as the abbreviation;
   one joined by a hyphen (``МКС-ом``) matches as ``МКС`` and the span takes the ending in.
3. Every glossary string (term, variant, forbidden rendering, abbreviation) becomes the key sequence of its
   tokens in its language. Each distinct key (and each hard-gap barrier) of a language gets a one-character
   code, so a string is a short word of codes, with a soft-gap code between two tokens that no barrier
   separates; one Aho-Corasick automaton per language (pyahocorasick) holds them. The text is split once
   (one ``re.split``), each distinct token and gap is coded once per language and cached, and the stream of
   codes (token, gap, token, ...) is one ``str.join``: the automaton's hit position is the last token's
   place, with no search back. Japanese and Chinese strings are matched on the characters instead, since
   those languages do not separate words.
4. Candidates are ints whose order is the selection order: longest first, earliest first, then ties to the
   string whose separators match the text exactly (so a forbidden ``Soyuz-MS-{n}`` beats the preferred
   ``Soyuz MS-{n}`` on ``Soyuz-MS-19``), then the earlier glossary language, then term > abbr > variant >
   forbidden, then glossary and concept order. They are sorted once and taken without overlap; the checks
   (case rule, literal digits, flight number, no letter or digit glued on) run only on a candidate that
   selection reaches, which returns what checking every candidate first would.

Offsets are Python string indices into the text given to :meth:`TermMatcher.find`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from pipeline.glossary.model import FORMS, NUMBER, Concept, Glossary, fill_number, is_all_caps

__all__ = ["TermMatch", "TermMatcher", "chrome_phrases", "known_terms"]

_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_SOFT_GAP = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u00ad]*\Z")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_CAPS_ENDING = re.compile(r"([A-ZА-ЯЁІЇЄҐ]{2,})([a-zа-яёіїєґ]{1,3})\Z")
_HYPHEN_ENDING = re.compile(r"[-\u2010\u2011]([а-яёіїєґ]{1,3})(?![^\W\d_])")
_SLAVIC = ("ru", "uk")
_CHAR_LANGS = ("ja", "zh")
_SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "sr": "serbian",
    "sv": "swedish",
    "tr": "turkish",
}
_BARRIER = "\x1e"
_QUOTES = str.maketrans(dict.fromkeys("«»“”„‟\"'‘’‚‹›「」『』", '"'))
_GAP_DROP = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u00ad]+")


def _barrier(gap: str) -> str:
    """The key of a hard gap: its punctuation with spaces dropped and quotes unified.

    >>> _barrier(" «") == _barrier(' "') == _BARRIER + '"'
    True
    """
    return _BARRIER + _GAP_DROP.sub("", gap).translate(_QUOTES).replace(_SEP, "").replace(_BARRIER, "")


_SEP = "\x1f"
_CHUNK = 1 << 18
_MAX_LEMMA_COMBOS = 8
# A chunk is read as pairs: the gap before a token, then the token (the last alternative takes the gap after
# the last token in one step, so a long run of punctuation at the end does not make findall quadratic).
_PAIRS = re.compile(r"[\W_]*+(?:\d++|[^\W\d_]++)|[\W_]++\Z")
_GAP_PART = re.compile(r"[\W_]*")
# Codes are Latin-1 characters, so a stream is bytes until it goes to the automaton.
_NONE = "\x01"  # a text token or hard gap that no glossary string of the language has
_SOFT = "\x02"  # a soft gap (between two tokens of a string, and in the text)
_END = "\x03"  # never in a stream: ends the words that put common characters first among the root's children
_DIGITS = (0x40, 64)  # token codes: fixed-width numbers in base 64, digits U+0040-U+007F
_BARRIER_DIGITS = (0x80, 128)  # barrier codes: fixed-width numbers in base 128, digits U+0080-U+00FF
# Characters most frequent in lower-cased text, first among the character automaton's root children.
_FREQUENT = " etaoinsrhldcumfpgwybvkxjqz\n,.0123456789-'\"()оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё"
_INDEX_BITS = 32
_INDEX_MASK = (1 << _INDEX_BITS) - 1
_POS_BITS = _CHUNK.bit_length()  # offsets and lengths in a chunk, and token indices
_CACHE_LIMIT = 1 << 17  # text pairs a cache keeps (it starts afresh past that)
_TAKEN_START = _INDEX_BITS + _POS_BITS  # a taken match as an int: start, stop, record (TermMatcher._select)
# What selection checks on a record's candidate (TermMatcher._kinds): only the word boundaries, the boundaries
# then case and digits (_verify), or nothing (a Japanese/Chinese candidate is checked when found).
_TRIVIAL, _CHECKED, _CHARS = 0, 1, 2


def _width(count: int, base: int) -> int:
    """How many digits of ``base`` number ``count`` things.

    >>> _width(1, 64), _width(64, 64), _width(65, 64), _width(4096, 64), _width(4097, 64)
    (1, 1, 2, 2, 3)
    """
    width = 1
    while base**width < count:
        width += 1
    return width


def _number(index: int, width: int, digits: tuple[int, int]) -> str:
    """``index`` as ``width`` digits (``digits`` is the first digit's code point and the base).

    >>> _number(0, 2, _DIGITS), _number(65, 2, _DIGITS), _number(1, 1, _BARRIER_DIGITS)
    ('@@', 'AA', '\\x81')
    """
    first, base = digits
    out = []
    for _ in range(width):
        index, digit = divmod(index, base)
        out.append(chr(first + digit))
    return "".join(reversed(out))


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each field of a candidate int sits (bit shifts), low to high: the record's index, the index of
    its last token (or a Japanese/Chinese match's last prefix character), its rank, the inexact-gaps flag,
    its start and ``mask - length``. Sorting the ints sorts candidates by length (longest first), start,
    exactness, rank, then position and record, which is the order the candidates were found in where the rest
    ties (see :meth:`TermMatcher._select`)."""

    rank: int
    exact: int
    start: int
    length: int
    end: int = _INDEX_BITS
    mask: int = (1 << _POS_BITS) - 1

    @classmethod
    def of(cls, ranks: int) -> _Layout:
        rank = _INDEX_BITS + _POS_BITS
        exact = rank + max(1, ranks.bit_length())
        return cls(rank=rank, exact=exact, start=exact + 1, length=exact + 1 + _POS_BITS)

    def pack(self, start: int, stop: int, exact: int, rank: int, end: int, index: int) -> int:
        """One candidate as an int."""
        return (
            ((self.mask - stop + start) << self.length)
            | (start << self.start)
            | (exact << self.exact)
            | (rank << self.rank)
            | (end << self.end)
            | index
        )


@dataclass(frozen=True, slots=True)
class _Scan:
    """One chunk being matched: the text, its pairs (the gap before a token, then the token), where each pair
    ends, each pair as ``(gap key, token)`` (shared cache), and the candidates found so far with the flight
    numbers of the Japanese/Chinese ones."""

    chunk: str
    pairs: list[str]
    ends: list[int]
    split: dict[str, tuple[str, str]]
    candidates: list[int] = field(default_factory=list)
    numbers: dict[int, str] = field(default_factory=dict)
    seen: set[int] = field(
        default_factory=set
    )  # signature marks of the candidates so far (TermMatcher._plan)


class _Lang:
    """One language's automaton and code tables (filled as texts are matched, up to the cache limit).

    A text pair codes as its gap's code (``gap_width`` characters: soft, a barrier or none) then its token's
    (``width`` digits, or none codes), so pair ``i`` of a chunk starts at ``i * step`` in the stream. Japanese
    and Chinese keep only ``table`` (string -> record indices), matched on the characters.
    """

    def __init__(
        self,
        automaton: Any = None,
        vocab: dict[str, str] | None = None,
        barriers: dict[str, str] | None = None,
        width: int = 0,
        gap_width: int = 1,
        table: dict[str, list[int]] | None = None,
    ) -> None:
        self.automaton = automaton
        self.vocab = vocab or {}
        self.barriers = barriers or {}
        self.table = table or {}
        self.step = width + gap_width
        self.none = _NONE * width
        self.soft = _SOFT * gap_width
        self.hard = _NONE * gap_width
        self.tokens: dict[str, str] = {}
        self.gaps: dict[str, str] = {}

    def codes(self, gaps: set[str], tokens: set[str], keyer: _Keyer) -> tuple[dict[str, str], ...]:
        """The gap and token code tables, holding at least ``gaps`` and ``tokens`` (each coded once, until
        the tables pass the cache limit and start afresh)."""
        new_tokens = tokens.difference(self.tokens)
        new_gaps = gaps.difference(self.gaps)
        if len(self.tokens) + len(new_tokens) > _CACHE_LIMIT:
            self.tokens.clear()
            new_tokens = tokens
        vocab, none, text_key = self.vocab, self.none, keyer.text_key
        for token in new_tokens:
            self.tokens[token] = vocab.get(text_key(token), none)
        for gap in new_gaps:
            soft = _SOFT_GAP.match(gap) is not None
            self.gaps[gap] = self.soft if soft else self.barriers.get(_barrier(gap), self.hard)
        return self.gaps, self.tokens


@dataclass(frozen=True, slots=True)
class TermMatch:
    """One occurrence of a glossary string in a text.

    Attributes:
        start: start offset (code points) in the text.
        end: end offset (exclusive).
        concept_id: the concept that matched.
        lang: the language of the glossary string that matched.
        text: the matched text itself, ``text[start:end]``.
        form: ``term``, ``abbr``, ``variant`` or ``forbidden``.
        matched: the glossary string that matched, flight number filled in.
        number: the flight number of a pattern concept, else None.
        glossary: the id of the glossary the concept belongs to.
        renderings: ``(language, preferred term)`` of every language of the concept, number filled in.
    """

    start: int
    end: int
    concept_id: str
    lang: str
    text: str
    form: str
    matched: str
    number: str | None = None
    glossary: str = ""
    renderings: tuple[tuple[str, str], ...] = ()

    def rendering(self, lang: str) -> str | None:
        """The preferred term in ``lang``, or None when the concept has no such language."""
        for code, term in self.renderings:
            if code == lang:
                return term
        return None


# TermMatch's slot setters: selection fills the ten fields of thousands of matches a chunk, and the frozen
# dataclass __init__ (an object.__setattr__ call per field) costs twice as much as setting the slots directly.
_new_match = object.__new__
_SLOTS: dict[str, Any] = dict(vars(TermMatch))
_set_start, _set_end, _set_concept, _set_lang, _set_text = (
    _SLOTS[name].__set__ for name in ("start", "end", "concept_id", "lang", "text")
)
_set_form, _set_matched, _set_number, _set_glossary, _set_renderings = (
    _SLOTS[name].__set__ for name in ("form", "matched", "number", "glossary", "renderings")
)


class _Record(NamedTuple):
    """One glossary string. The matcher keeps each as a plain tuple of strings, ints and tuples of them
    (:meth:`TermMatcher._record` names its fields again): the cyclic garbage collector stops tracking such a
    tuple after one look, where it keeps walking every slotted object (or named tuple) at every full
    collection, and a long ``find`` that returns 100,000s of matches makes several."""

    glossary: int
    concept: int
    lang: str
    form: str
    string: str
    tokens: tuple[str, ...]
    case: str
    priority: tuple[int, int, int, int]
    gaps: tuple[str, ...] = ()
    caps: tuple[bool, ...] = ()
    real: tuple[str, ...] = ()
    rank: int = 0  # the priority as one number (TermMatcher._rank)
    back: int = 0  # tokens before the last one (len(real) - 1)
    trivial: bool = False  # no case or digit check can fail
    chars: bool = False  # matched on characters (Japanese, Chinese)


# What a match of a record says beside where it is: concept id, language, form, matched string, glossary id,
# renderings (TermMatcher._match_parts).
_Parts = tuple[str, str, str, str, str, tuple[tuple[str, str], ...]]


@lru_cache(maxsize=2)
def _morph(lang: str) -> Any:
    """The pymorphy3 analyzer for ``ru`` or ``uk``: loaded on first use, once per process."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=32)
def _stemmer(lang: str) -> Any:
    """The Snowball stemmer of ``lang``: PyStemmer, the C build of the algorithms snowballstemmer has in pure
    Python (25x faster; tests/glossary/test_stemmer.py proves their stems the same).

    Without PyStemmer's own cache (``maxCacheSize`` 0): the matcher stems each distinct token once per
    language (``_Lang.tokens``, ``_Keyer.cache``), and that cache's upkeep cost three to four times the
    stemming (41,882 distinct real-news words: 0.09-0.10 s against 0.02-0.04 s a language), which made a
    first pass over real news 1.4-1.8x slower."""
    import Stemmer

    return Stemmer.Stemmer(_SNOWBALL[lang], 0)


def _lower(text: str) -> str:
    """Lower-case without changing the length (characters that would grow stay as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_FINAL_VOWELS = re.compile(r"(?<=..)[аеёиоуыэюяіїєйь]+\Z")


def _trim(lemma: str) -> str:
    """A lemma without its final vowels, so adjective lemmas pymorphy3 spells two ways agree.

    >>> _trim("міжнародний"), _trim("міжнародній"), _trim("станция"), _trim("роскосмос"), _trim("полёт")
    ('міжнародн', 'міжнародн', 'станц', 'роскосмос', 'полет')
    """
    return _FINAL_VOWELS.sub("", lemma.replace("ё", "е"))


class _Keyer:
    """Token -> key for one language, cached per token string."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.cache: dict[str, str] = {}
        self.parses: dict[str, list[Any]] = {}
        self.alts: dict[str, tuple[str, ...]] = {}
        self.slavic = lang in _SLAVIC
        self.stem = lang in _SNOWBALL

    def _parse(self, token: str) -> list[Any]:
        parses = self.parses.get(token)
        if parses is None:
            parses = self.parses[token] = list(_morph(self.lang).parse(token)[:4])
        return parses

    def text_key(self, token: str) -> str:
        """The key of a text token, without keeping its pymorphy3 parses (the caller caches the outcome)."""
        cached = self.cache.get(token)
        return cached if cached is not None else self._compute(token, keep=False)

    def key(self, token: str) -> str:
        cached = self.cache.get(token)
        if cached is not None:
            return cached
        key = self._compute(token)
        self.cache[token] = key
        return key

    def _compute(self, token: str, keep: bool = True) -> str:
        if token.isdigit():
            return "#" if len(token) <= 3 else token
        if self.slavic and _CYRILLIC.match(token):
            ending = _CAPS_ENDING.match(token)
            if ending:
                return ending.group(1).lower().replace("ё", "е")
            if is_all_caps(token):
                return token.lower().replace("ё", "е")
            parse = self._parse(token)[0] if keep else _morph(self.lang).parse(token)[0]
            return _trim(str(parse.normal_form))
        if self.stem and _LATIN.match(token):
            return str(_stemmer(self.lang).stemWord(token.lower()))
        return token.lower()

    def alternatives(self, token: str) -> tuple[str, ...]:
        """Keys a glossary token may take: every lemma pymorphy3 offers for a Russian/Ukrainian word."""
        known = self.alts.get(token)
        if known is None:
            known = self.alts[token] = self._alternatives(token)
        return known

    def _alternatives(self, token: str) -> tuple[str, ...]:
        first = self.key(token)
        if not (self.slavic and _CYRILLIC.match(token)) or is_all_caps(token) or _CAPS_ENDING.match(token):
            return (first,)
        lemmas = [first]
        for parse in self._parse(token)[:4]:
            lemma = _trim(str(parse.normal_form))
            if lemma not in lemmas:
                lemmas.append(lemma)
        return tuple(lemmas)


def _gaps(text: str) -> tuple[str, ...]:
    """The separators between a string's tokens, runs of white space as one space.

    >>> _gaps("Soyuz-MS-19"), _gaps("Soyuz  MS-19")
    (('-', '-'), (' ', '-'))
    """
    return tuple(_gap_key(gap) for gap in _TOKEN.split(text)[1:-1])


def _gap_key(gap: str) -> str:
    return " " if gap.isspace() else gap


@lru_cache(maxsize=1 << 16)
def _text_caps(token: str) -> bool:
    """Whether a text token is all caps (a Cyrillic case ending glued to an abbreviation ignored)."""
    core = _CAPS_ENDING.match(token)
    return is_all_caps(core.group(1) if core else token)


def _shape_ok(term_token: str, text_token: str, case: str) -> bool:
    if case == "ignore" or term_token.isdigit():
        return True
    caps_text = _text_caps(text_token)
    if case == "exact":
        if is_all_caps(term_token):
            return caps_text
        if term_token[:1].isupper():
            return text_token[:1].isupper()
        return not caps_text and text_token[:1].islower()
    return caps_text if is_all_caps(term_token) else True


_TERM_TOKEN = re.compile(r"\ue000|\d+|[^\W\d_]+")


def _term_tokens(string: str) -> tuple[str, ...]:
    """Tokens of a glossary string, ``{n}`` as a token of its own and a barrier at every hard gap.

    >>> _term_tokens("Госкорпорация «Роскосмос»") == ("Госкорпорация", _BARRIER + '"', "Роскосмос")
    True
    >>> _term_tokens("Союз ТМА-{n}М")
    ('Союз', 'ТМА', '{n}', 'М')
    """
    text = string.replace(NUMBER, "\ue000")
    out: list[str] = []
    previous = -1
    for m in _TERM_TOKEN.finditer(text):
        if previous >= 0 and _SOFT_GAP.match(text, previous, m.start()) is None:
            out.append(_barrier(text[previous : m.start()]))
        out.append(NUMBER if m.group() == "\ue000" else m.group())
        previous = m.end()
    return tuple(out)


def _table(words: Iterable[tuple[int, str]]) -> dict[str, list[int]]:
    """Word -> the indices of the records it belongs to, in record order."""
    table: dict[str, list[int]] = {}
    for index, word in words:
        table.setdefault(word, []).append(index)
    return table


class TermMatcher:
    """Finds glossary strings in text; build it once and reuse it.

    Args:
        glossaries: the glossaries to match, in priority order.
        languages: restrict to these languages (default: every language of every glossary).

    >>> from pipeline.glossary.model import TermEntry
    >>> c = Concept("iss", terms=(("en", TermEntry("International Space Station", abbr=("ISS",))),
    ...                           ("ru", TermEntry("Международная космическая станция", abbr=("МКС",)))))
    >>> m = TermMatcher([Glossary("g", languages=("en", "ru"), concepts=(c,))])
    >>> found = m.find("На МКС-ом и у Международной космической станции")
    >>> [(x.start, x.end, x.form, x.rendering("en")) for x in found]
    [(3, 9, 'abbr', 'International Space Station'), (14, 47, 'term', 'International Space Station')]
    """

    def __init__(self, glossaries: Sequence[Glossary], languages: Iterable[str] | None = None) -> None:
        self.glossaries = tuple(glossaries)
        wanted = None if languages is None else set(languages)
        order: list[str] = []
        for glossary in self.glossaries:
            for lang in glossary.languages:
                if lang not in order and (wanted is None or lang in wanted):
                    order.append(lang)
        self.languages = tuple(order)
        self._keyers = {lang: _Keyer(lang) for lang in self.languages}
        self._records: list[tuple[Any, ...]] = []  # each a _Record as a plain tuple (see _Record)
        self._renderings: dict[tuple[int, int], tuple[tuple[str, str], ...]] = {
            (g_index, c_index): tuple((lang, entry.term) for lang, entry in concept.terms if entry.term)
            for g_index, glossary in enumerate(self.glossaries)
            for c_index, concept in enumerate(glossary.concepts)
        }
        # One automaton per language, built the first time a text is matched in that language: a run that
        # only ever matches Russian never loads the Ukrainian lemmatiser (about 20 MB) nor keys the strings of
        # languages it does not see.
        self._automata: dict[str, _Lang | None] = {}
        self._split: dict[str, tuple[str, str]] = {}  # text pair -> (gap key, token), a cache
        self._block_cache: dict[tuple[str, ...], dict[str, bytes]] = {}
        self._signatures: dict[tuple[tuple[str, ...], str, tuple[str, ...], bool], int] = {}
        self._char_automata: dict[tuple[str, ...], Any] = {}
        self._kinds = bytearray()  # per record: _TRIVIAL, _CHECKED or _CHARS
        self._parts: dict[int, _Parts] = {}  # record index -> what its matches say (no flight number)
        self._numbered_parts: dict[tuple[int, str], _Parts] = {}  # the same with a flight number
        # A candidate is one int whose order is the selection order (see _Layout); the rank field holds the
        # priority (language, form, glossary, concept) in mixed radix.
        self._radix = (
            len(FORMS),
            len(self.glossaries),
            max((len(g.concepts) for g in self.glossaries), default=1),
        )
        self._layout = _Layout.of(len(self.languages) * self._radix[0] * self._radix[1] * self._radix[2])

    def prepare(self, languages: Iterable[str] | None = None) -> None:
        """Build the automata of ``languages`` (default: all) now rather than on first use."""
        for lang in self.languages if languages is None else languages:
            self._automaton(lang)

    def _automaton(self, lang: str) -> _Lang | None:
        """The automaton of ``lang`` (None when no string of the language has keys), built once."""
        if lang in self._automata:
            return self._automata[lang]
        automaton = self._build(lang)
        self._automata[lang] = automaton
        keyer = self._keyers[lang]
        keyer.alts.clear()  # only building needs a glossary token's lemmas and their pymorphy3 parses
        keyer.parses.clear()
        if len(self._automata) == len(self.languages):
            self._signatures.clear()  # only building needs them (every language is built)
        return automaton

    def _record(self, index: int) -> _Record:
        return _Record._make(self._records[index])

    def _rank(self, lang_priority: int, form: str, g_index: int, c_index: int) -> int:
        forms, glossaries, concepts = self._radix
        return ((lang_priority * forms + FORMS.index(form)) * glossaries + g_index) * concepts + c_index

    def _new_record(
        self, g_index: int, c_index: int, lang: str, form: str, string: str, case: str
    ) -> _Record:
        tokens = _term_tokens(string)
        real = tuple(t for t in tokens if t[:1] != _BARRIER)
        caps = tuple(is_all_caps(t) for t in real)
        lang_priority = self.languages.index(lang)
        return _Record(
            glossary=g_index,
            concept=c_index,
            lang=lang,
            form=form,
            string=string,
            tokens=tokens,
            case=case,
            priority=(lang_priority, FORMS.index(form), g_index, c_index),
            gaps=_gaps(string.replace(NUMBER, "0")),
            caps=caps,
            real=real,
            rank=self._rank(lang_priority, form, g_index, c_index),
            back=len(real) - 1,
            trivial=case in ("auto", "ignore")
            and not any(caps)
            and not any(t == NUMBER or t[:1].isdigit() for t in real),
            chars=lang in _CHAR_LANGS,
        )

    def _build(self, lang: str) -> _Lang | None:
        self.languages.index(lang)  # a language the matcher does not have: ValueError, as before
        combos: list[tuple[int, list[tuple[str, ...]]]] = []
        for g_index, glossary in enumerate(self.glossaries):
            for c_index, concept in enumerate(glossary.concepts):
                for entry_lang, entry in concept.terms:
                    if entry_lang != lang:
                        continue
                    for form, string in entry.forms():
                        if not string.strip():
                            continue
                        record = self._new_record(g_index, c_index, lang, form, string, entry.case)
                        self._records.append(tuple(record))
                        self._kinds.append(
                            _CHARS if record.chars else _TRIVIAL if record.trivial else _CHECKED
                        )
                        combos.append((len(self._records) - 1, self._combos(record)))
        if lang in _CHAR_LANGS:
            table = _table((index, keys[0]) for index, options in combos for keys in options)
            return _Lang(table=table) if table else None
        keys: dict[str, int] = {}
        barriers: dict[str, int] = {}
        for _, options in combos:
            for option in options:
                for key in option:
                    known = barriers if key[:1] == _BARRIER else keys
                    known.setdefault(key, len(known))
        width, gap_width = _width(len(keys), _DIGITS[1]), _width(len(barriers), _BARRIER_DIGITS[1])
        vocab = {key: _number(i, width, _DIGITS) for key, i in keys.items()}
        codes = {key: _number(i, gap_width, _BARRIER_DIGITS) for key, i in barriers.items()}
        state = _Lang(None, vocab, codes, width, gap_width)
        table = _table(
            (index, self._word(option, state)) for index, options in combos for option in options if option
        )
        return _Lang(self._token_automaton(table, width), vocab, codes, width, gap_width) if table else None

    def _token_automaton(self, table: dict[str, list[int]], width: int) -> Any:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        # pyahocorasick looks a character up among a node's children one by one: the codes most of a stream
        # is made of go first at the root, and no node has more than 128 children.
        automaton.add_word(_NONE + _END, (0, ()))
        automaton.add_word(_SOFT + _END, (0, ()))
        for word, indices in table.items():
            automaton.add_word(word, self._plan(indices))
        automaton.make_automaton()
        return automaton

    def _char_automaton(self, langs: tuple[str, ...]) -> Any:
        """One automaton for the Japanese and Chinese strings of ``langs``, on lower-cased characters."""
        automaton = self._char_automata.get(langs)
        if automaton is not None:
            return automaton
        import ahocorasick

        table: dict[str, list[int]] = {}
        for lang in langs:
            state = self._automaton(lang)
            for word, indices in state.table.items() if state else ():
                table.setdefault(word, []).extend(indices)
        automaton = ahocorasick.Automaton()
        for char in _FREQUENT:
            automaton.add_word(char + _END, ())
        for word, indices in table.items():
            automaton.add_word(word, tuple(indices))
        automaton.make_automaton()
        self._char_automata[langs] = automaton
        return automaton

    def _plan(
        self, indices: list[int]
    ) -> tuple[int, tuple[tuple[int, tuple[str, ...] | None, bool, int], ...]]:
        """The automaton value of a word: how many tokens before its last one it starts, and per record its
        candidate bits (rank, index), its gap keys (None for one token), whether a hyphenated case ending may
        extend it (``МКС-ом``) and its signature mark.

        Records that pass or fail every check alike and cover the same text (same tokens, case rule, gaps and
        ending rule: the same signature) differ only in rank, and the lower rank always wins: a word keeps one
        record per signature, and a chunk drops a candidate whose signature an earlier language already put
        on the same tokens (see ``_Scan.seen``)."""
        best: dict[int, tuple[int, int, tuple[str, ...] | None, bool]] = {}
        for index in indices:
            record = self._record(index)
            hyphen = record.lang in _SLAVIC and record.caps[-1]
            signature = (record.real, record.case, record.gaps, hyphen)
            sid = self._signatures.setdefault(signature, len(self._signatures))
            entry = (record.rank, index, record.gaps if record.back else None, hyphen)
            if sid not in best or entry[:2] < best[sid][:2]:
                best[sid] = entry
        plans = tuple(
            (rank << self._layout.rank | index, want, hyphen, sid << _POS_BITS)
            for sid, (rank, index, want, hyphen) in best.items()
        )
        return self._record(indices[0]).back, plans

    def _combos(self, record: _Record) -> list[tuple[str, ...]]:
        """The key sequences of a record: every combination of its tokens' keys (a few lemmas per Russian
        word), barriers as themselves; a Japanese or Chinese string's one key is its text up to ``{n}``."""
        if record.lang in _CHAR_LANGS:
            prefix = record.string.split(NUMBER)[0]
            return [(_lower(prefix),)] if prefix else []
        if not record.tokens:
            return []
        keyer = self._keyers[record.lang]
        options = [
            ("#",) if t == NUMBER else (t,) if t[:1] == _BARRIER else keyer.alternatives(t)
            for t in record.tokens
        ]
        return list(itertools.islice(itertools.product(*options), _MAX_LEMMA_COMBOS))

    @staticmethod
    def _word(keys: tuple[str, ...], state: _Lang) -> str:
        """A key sequence in codes: token codes, with a barrier's code or the soft-gap code between two."""
        out: list[str] = []
        after_token = False
        for key in keys:
            if key[:1] == _BARRIER:
                out.append(state.barriers[key])
                after_token = False
            else:
                if after_token:
                    out.append(state.soft)
                out.append(state.vocab[key])
                after_token = True
        return "".join(out)

    def find(self, text: str, lang: str | None = None) -> list[TermMatch]:
        """Find every glossary string in ``text``.

        Args:
            text: the text.
            lang: match only the strings of this language (default: every language of the matcher).

        Returns:
            Non-overlapping matches in text order.
        """
        langs = self.languages if lang is None else tuple(x for x in self.languages if x == lang)
        out: list[TermMatch] = []
        base = 0
        while base < len(text):
            end = len(text) if len(text) - base <= _CHUNK else self._cut(text, base + _CHUNK)
            out += self._find_chunk(text[base:end], base, langs)
            base = end
        return out

    @staticmethod
    def _cut(text: str, limit: int) -> int:
        for sep in ("\n\n", "\n", " "):
            at = text.rfind(sep, limit - _CHUNK // 2, limit)
            if at != -1:
                return at + len(sep)
        return limit

    def _find_chunk(self, chunk: str, base: int, langs: Sequence[str]) -> list[TermMatch]:
        pairs = _PAIRS.findall(chunk)
        if pairs and not pairs[-1][-1].isalnum():
            pairs.pop()  # the gap after the last token
        if not pairs:
            return []
        scan = _Scan(chunk, pairs, list(itertools.accumulate(map(len, pairs))), self._split)
        has_cyr = _CYRILLIC.search(chunk) is not None
        has_lat = _LATIN.search(chunk) is not None
        has_cjk = _CJK.search(chunk) is not None
        chars = tuple(x for x in langs if x in _CHAR_LANGS and self._automaton(x) is not None)
        if chars and (has_cjk or has_lat):
            self._char_candidates(scan, _lower(chunk), self._char_automaton(chars))
        active = tuple(
            x
            for x in langs
            if x not in _CHAR_LANGS
            and (has_cyr if x in _SLAVIC else has_lat)
            and self._automaton(x) is not None
        )
        if active:
            blocks = self._blocks(active, self._distinct(pairs))
            for state, stream in self._streams(active, b"".join(map(blocks.__getitem__, pairs)), len(pairs)):
                self._token_candidates(scan, stream, state)
        return self._select(scan, base)

    def _distinct(self, pairs: list[str]) -> set[str]:
        """The distinct pairs of a chunk, each split into ``(gap key, token)`` in the shared cache."""
        distinct = set(pairs)
        split = self._split
        missing = distinct.difference(split)
        if len(split) + len(missing) > _CACHE_LIMIT:
            split.clear()
            missing = distinct
        for pair in missing:
            cut = _GAP_PART.match(pair).end()  # type: ignore[union-attr]  # [\W_]* always matches
            split[pair] = (_gap_key(pair[:cut]), pair[cut:])
        return distinct

    def _blocks(self, active: tuple[str, ...], distinct: set[str]) -> dict[str, bytes]:
        """Per text pair, its codes in every language of ``active`` one after the other, as Latin-1 bytes:
        one look-up per pair then makes every language's stream (cached per language tuple)."""
        blocks = self._block_cache.setdefault(active, {})
        missing = distinct.difference(blocks)
        if len(blocks) + len(missing) > _CACHE_LIMIT:
            blocks.clear()
            missing = distinct
        new = list(missing)
        parts = list(map(self._split.__getitem__, new))  # (gap key, token) of each new pair
        gaps, tokens = {gap for gap, _ in parts}, {token for _, token in parts}  # once, for every language
        tables = [
            state.codes(gaps, tokens, self._keyers[x])
            for x in active
            if (state := self._automata[x]) is not None
        ]
        for pair, (gap, token) in zip(new, parts, strict=True):
            blocks[pair] = "".join([g[gap] + t[token] for g, t in tables]).encode("latin-1")
        return blocks

    def _streams(self, active: tuple[str, ...], joined: bytes, count: int) -> Iterator[tuple[_Lang, str]]:
        """Each language's code stream, cut out of the joined blocks (strided slices, no loop per pair)."""
        states = [state for state in map(self._automata.__getitem__, active) if state is not None]
        total = sum(state.step for state in states)
        offset = 0
        for state in states:
            step = state.step
            if step == total:
                yield state, joined.decode("latin-1")
                continue
            buf = bytearray(count * step)
            for j in range(step):
                buf[j::step] = joined[offset + j :: total]
            offset += step
            yield state, buf.decode("latin-1")

    def _token_candidates(self, scan: _Scan, stream: str, state: _Lang) -> None:
        """Every word the automaton finds in one language's code stream, as candidate ints (case, digits and
        word boundaries are checked later, on the candidates selection reaches)."""
        chunk, pairs, ends, split, out = scan.chunk, scan.pairs, scan.ends, scan.split, scan.candidates
        layout = self._layout
        s_len, s_start, s_end, full = layout.length, layout.start, layout.end, layout.mask
        exact_bit, step = 1 << layout.exact, state.step
        seen = scan.seen
        seen_add = seen.add
        for at, (back, plans) in state.automaton.iter(stream):
            last = at // step
            first = last - back
            start = ends[first] - len(split[pairs[first]][1])
            stop = ends[last]
            fixed = (start << s_start) | (last << s_end)
            gaps: tuple[str, ...] | None = None
            for bits, want, hyphen, mark in plans:
                mark |= last
                if mark in seen:
                    continue
                seen_add(mark)
                if want is not None:
                    if gaps is None:
                        gaps = tuple([split[pair][0] for pair in pairs[first + 1 : last + 1]])
                    if gaps != want:
                        bits |= exact_bit
                if hyphen and (ending := _HYPHEN_ENDING.match(chunk, stop)):
                    out.append(((full - ending.end() + start) << s_len) | fixed | bits)
                else:
                    out.append(((full - stop + start) << s_len) | fixed | bits)

    def _char_candidates(self, scan: _Scan, low: str, automaton: Any) -> None:
        chunk, out, layout = scan.chunk, scan.candidates, self._layout
        for end_pos, indices in automaton.iter(low):
            for index in indices:
                record = self._record(index)
                prefix, _, suffix = record.string.partition(NUMBER)
                start = end_pos - len(prefix) + 1
                stop = end_pos + 1
                number: str | None = None
                if NUMBER in record.string:
                    found = re.compile(r"(\d{1,3})" + re.escape(_lower(suffix))).match(low, stop)
                    if found is None:
                        continue
                    number, stop = found.group(1), found.end()
                if (
                    record.case != "ignore"
                    and is_all_caps(record.string)
                    and not is_all_caps(chunk[start:stop])
                ):
                    continue
                if (
                    start > 0
                    and chunk[start - 1].isascii()
                    and chunk[start - 1].isalnum()
                    and chunk[start].isascii()
                ) or (
                    stop < len(chunk)
                    and chunk[stop].isascii()
                    and chunk[stop].isalnum()
                    and chunk[stop - 1].isascii()
                ):
                    continue
                key = layout.pack(start, stop, 0, record.rank, end_pos, index)
                out.append(key)
                if number is not None:
                    scan.numbers[key] = number

    @staticmethod
    def _verify(record: _Record, tokens: Sequence[str]) -> str | None:
        """Check case and digits; return the flight number ("" when none), or None when it fails."""
        if record.trivial:
            return ""
        number = ""
        for term_token, caps, token in zip(record.real, record.caps, tokens, strict=True):
            if term_token == NUMBER:
                if not token.isdigit() or len(token) > 3:
                    return None
                number = token
            elif term_token.isdigit():
                if token != term_token:
                    return None
            elif record.case == "auto":
                if caps and not _text_caps(token):
                    return None
            elif not _shape_ok(term_token, token, record.case):
                return None
        return number

    def _select(self, scan: _Scan, base: int) -> list[TermMatch]:
        """Longest first, then earliest, then the best priority (candidate int order), without overlap.

        A token-language candidate gets here unchecked: it must have no letter or digit right before or after
        it, and pass its record's case and digit checks (see :meth:`_verify`). What is taken is kept as ints
        (start, stop, record), not tuples, and the flight numbers by start: a chunk's thousands of matches
        then make no container the garbage collector has to track."""
        candidates = scan.candidates
        candidates.sort()
        layout = self._layout
        s_start, s_end, full = layout.start, layout.end, layout.mask
        records, kinds = self._records, self._kinds
        chunk, ends, pairs, split, numbers = scan.chunk, scan.ends, scan.pairs, scan.split, scan.numbers
        size = len(chunk)
        verify = self._verify
        taken = bytearray(size)
        taken_find = taken.find
        chosen: list[int] = []
        chosen_add = chosen.append
        flight: dict[int, str] = {}  # start -> the flight number of what is taken there
        for key in candidates:
            top = key >> s_start
            start = top & full
            stop = start + full - (top >> _POS_BITS)
            if taken_find(1, start, stop) != -1:
                continue
            index = key & _INDEX_MASK
            kind = kinds[index]
            if kind == _CHARS:
                number = numbers.get(key)
                if number is not None:
                    flight[start] = number
            else:
                last = (key >> s_end) & full
                end = ends[last]  # the last token's end (before any hyphenated ending)
                if (start and chunk[start - 1].isalnum()) or (end < size and chunk[end].isalnum()):
                    continue
                if kind == _CHECKED:
                    record = _Record._make(records[index])
                    number = verify(record, [split[pair][1] for pair in pairs[last - record.back : last + 1]])
                    if number is None:
                        continue
                    if number:
                        flight[start] = number
            taken[start:stop] = b"\x01" * (stop - start)
            chosen_add((start << _TAKEN_START) | (stop << _INDEX_BITS) | index)
        chosen.sort()
        parts_of, numbered = self._parts, self._numbered_parts
        flight_get = flight.get
        out: list[TermMatch] = []
        out_add = out.append
        for taken_key in chosen:
            start = taken_key >> _TAKEN_START
            stop = (taken_key >> _INDEX_BITS) & full
            index = taken_key & _INDEX_MASK
            number = flight_get(start)
            if number is None:
                parts = parts_of.get(index)
                if parts is None:
                    parts = parts_of[index] = self._match_parts(index, None)
            else:
                parts = numbered.get((index, number))
                if parts is None:
                    parts = numbered[(index, number)] = self._match_parts(index, number)
            match = _new_match(TermMatch)
            _set_start(match, base + start)
            _set_end(match, base + stop)
            _set_text(match, chunk[start:stop])
            _set_number(match, number)
            _set_concept(match, parts[0])
            _set_lang(match, parts[1])
            _set_form(match, parts[2])
            _set_matched(match, parts[3])
            _set_glossary(match, parts[4])
            _set_renderings(match, parts[5])
            out_add(match)
        return out

    def _match_parts(self, index: int, number: str | None) -> _Parts:
        """What a match of record ``index`` (flight number ``number``) says beside where it is."""
        record = self._record(index)
        glossary = self.glossaries[record.glossary]
        renderings = tuple(
            (lang, fill_number(term, number))
            for lang, term in self._renderings[(record.glossary, record.concept)]
        )
        return (
            glossary.concepts[record.concept].id,
            record.lang,
            record.form,
            fill_number(record.string, number),
            glossary.id,
            renderings,
        )

    def rendering(self, match: TermMatch, lang: str) -> str | None:
        """The rendering translation writes for ``match`` in ``lang``: an abbreviation renders as the target
        language's abbreviation (``МКС`` -> ``ISS``), anything else as the preferred term."""
        if match.form == "abbr":
            entry = self.concept(match).term(lang)
            if entry is not None and entry.abbr:
                return fill_number(entry.abbr[0], match.number)
        return match.rendering(lang)

    def forbidden_variants(self, match: TermMatch, lang: str) -> tuple[str, ...]:
        """The forbidden renderings in ``lang`` of the concept ``match`` belongs to (see
        :meth:`Concept.forbidden_variants`)."""
        return self.concept(match).forbidden_variants(lang)

    def forbidden_renderings(self, concept_ids: Iterable[str], lang: str) -> dict[str, str]:
        """Each forbidden ``lang`` rendering of these concepts (in any glossary) -> the preferred term."""
        out: dict[str, str] = {}
        for concept_id in concept_ids:
            for glossary in self.glossaries:
                concept = glossary.get(concept_id)
                entry = concept.term(lang) if concept else None
                if concept is not None and entry is not None:
                    out.update(dict.fromkeys(concept.forbidden_variants(lang), entry.term))
        return out

    def concept(self, match: TermMatch) -> Concept:
        """The concept a match belongs to."""
        for glossary in self.glossaries:
            if glossary.id == match.glossary:
                found = glossary.get(match.concept_id)
                if found is not None:
                    return found
        raise KeyError(match.concept_id)


def known_terms(glossaries: Iterable[Glossary]) -> frozenset[str]:
    """Every term, variant and abbreviation string of every language (forbidden renderings excluded).

    Pattern strings are given with ``{n}`` as written. The audit uses this set to avoid flagging glossary
    terms as stray foreign text.
    """
    out: set[str] = set()
    for glossary in glossaries:
        for concept in glossary.concepts:
            for _, entry in concept.terms:
                out.update(s for form, s in entry.forms() if form != "forbidden" and s)
    return frozenset(out)


def chrome_phrases(glossary: Glossary) -> list[tuple[str, str, str]]:
    """``(language, phrase, english)`` for every term, variant and abbreviation of a phrasebook.

    English strings are included too (with themselves as the English rendering). Order: file order.
    """
    out: list[tuple[str, str, str]] = []
    for concept in glossary.concepts:
        english = concept.term("en")
        if english is None:
            continue
        for lang, entry in concept.terms:
            for form, string in entry.forms():
                if form != "forbidden" and string:
                    out.append((lang, string, english.term))
    return out
