"""The glossary matcher before the one-pass rewrite (main at 6daf096), kept verbatim as the reference.

The benchmark measures it beside ``pipeline.glossary.match`` in the same run (the ratio), and
``tests/glossary/test_match_equivalence.py`` checks the new matcher returns exactly what this one
returns. Only this docstring differs from the old ``pipeline/glossary/match.py``.

The old docstring: Find glossary terms in text: every language, inflection-aware, longest match first, linear
in the text.

How it works:

1. The text is cut into tokens: maximal runs of letters, or of digits (``МС-07`` is ``МС``, ``07``). The gap
   between two tokens is *soft* when it is only spaces, hyphens or dashes (or nothing, at a letter/digit
   change), and *hard* otherwise; a multi-word term matches only across soft gaps.
2. Each token gets a key per language: Russian and Ukrainian Cyrillic words are lemmatised with pymorphy3
   (``Роскосмосом`` -> ``роскосмос``, ``Международной`` -> ``международный``), Latin-script words are stemmed
   with the Snowball stemmer of the language, everything else is lower-cased. Runs of 1-3 digits all key to
   ``#``, so one automaton entry serves every flight number of a pattern concept (``Союз МС-{n}``). A
   Cyrillic abbreviation with a case ending glued on (``ЦУПа``) keys as the abbreviation; one joined by a
   hyphen (``МКС-ом``) matches as ``МКС`` and the span takes the ending in.
3. Every glossary string (term, variant, forbidden rendering, abbreviation) becomes the key sequence of its
   tokens in its language, and one Aho-Corasick automaton per language (pyahocorasick) finds all of them in
   one pass over the text's key sequence. Japanese and Chinese strings are matched on the characters
   instead, since those languages do not separate words.
4. Candidates are verified (case rule, literal digits, flight number), then chosen longest first, earliest
   first, without overlap. Ties go to the string whose separators match the text exactly (so a forbidden
   ``Soyuz-MS-{n}`` beats the preferred ``Soyuz MS-{n}`` on ``Soyuz-MS-19``), then to the earlier glossary
   language, then term > abbr > variant > forbidden.

Offsets are Python string indices into the text given to :meth:`TermMatcher.find`.
"""

from __future__ import annotations

import itertools
import operator
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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


@dataclass(frozen=True, slots=True)
class _Record:
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


@lru_cache(maxsize=2)
def _morph(lang: str) -> Any:
    """The pymorphy3 analyzer for ``ru`` or ``uk``: loaded on first use, once per process."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=32)
def _stemmer(lang: str) -> Any:
    # The pure-Python stemmer this matcher had: snowballstemmer.stemmer() hands out PyStemmer's once that is
    # installed (it is a dependency now), so take the algorithm's class itself.
    import importlib

    module = importlib.import_module(f"snowballstemmer.{_SNOWBALL[lang]}_stemmer")
    return getattr(module, _SNOWBALL[lang].title().replace("_", "") + "Stemmer")()


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
        self.slavic = lang in _SLAVIC
        self.stem = lang in _SNOWBALL

    def _parse(self, token: str) -> list[Any]:
        parses = self.parses.get(token)
        if parses is None:
            parses = self.parses[token] = list(_morph(self.lang).parse(token)[:4])
        return parses

    def keys(self, tokens: Sequence[str]) -> list[str]:
        """Keys of many tokens (barriers map to themselves), computing each new token once."""
        cache = self.cache
        for token in set(tokens).difference(cache):
            cache[token] = token if token[:1] == _BARRIER else self._compute(token)
        return list(map(cache.__getitem__, tokens))

    def key(self, token: str) -> str:
        cached = self.cache.get(token)
        if cached is not None:
            return cached
        key = self._compute(token)
        self.cache[token] = key
        return key

    def _compute(self, token: str) -> str:
        if token.isdigit():
            return "#" if len(token) <= 3 else token
        if self.slavic and _CYRILLIC.match(token):
            ending = _CAPS_ENDING.match(token)
            if ending:
                return ending.group(1).lower().replace("ё", "е")
            if is_all_caps(token):
                return token.lower().replace("ё", "е")
            return _trim(str(self._parse(token)[0].normal_form))
        if self.stem and _LATIN.match(token):
            return str(_stemmer(self.lang).stemWord(token.lower()))
        return token.lower()

    def alternatives(self, token: str) -> tuple[str, ...]:
        """Keys a glossary token may take: every lemma pymorphy3 offers for a Russian/Ukrainian word."""
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
        self._records: list[_Record] = []
        self._renderings: dict[tuple[int, int], tuple[tuple[str, str], ...]] = {
            (g_index, c_index): tuple((lang, entry.term) for lang, entry in concept.terms if entry.term)
            for g_index, glossary in enumerate(self.glossaries)
            for c_index, concept in enumerate(glossary.concepts)
        }
        # One automaton per language, built the first time a text is matched in that language: a run that
        # only ever matches Russian never loads the Ukrainian lemmatiser (about 20 MB) nor keys the strings of
        # languages it does not see.
        self._automata: dict[str, Any] = {}
        self._barrier_cache: dict[str, str] = {}
        self._rendering_cache: dict[tuple[int, int, str | None], tuple[tuple[str, str], ...]] = {}

    def prepare(self, languages: Iterable[str] | None = None) -> None:
        """Build the automata of ``languages`` (default: all) now rather than on first use."""
        for lang in self.languages if languages is None else languages:
            self._automaton(lang)

    def _automaton(self, lang: str) -> Any:
        """The automaton of ``lang`` (None when no string of the language has keys), built once."""
        if lang in self._automata:
            return self._automata[lang]
        automaton = self._build(lang)
        self._automata[lang] = automaton
        return automaton

    def _build(self, lang: str) -> Any:
        import ahocorasick

        table: dict[str, list[int]] = {}
        lang_priority = self.languages.index(lang)
        for g_index, glossary in enumerate(self.glossaries):
            for c_index, concept in enumerate(glossary.concepts):
                for entry_lang, entry in concept.terms:
                    if entry_lang != lang:
                        continue
                    for form, string in entry.forms():
                        if not string.strip():
                            continue
                        tokens = _term_tokens(string)
                        real = tuple(t for t in tokens if t[:1] != _BARRIER)
                        record = _Record(
                            glossary=g_index,
                            concept=c_index,
                            lang=lang,
                            form=form,
                            string=string,
                            tokens=tokens,
                            case=entry.case,
                            priority=(lang_priority, FORMS.index(form), g_index, c_index),
                            gaps=_gaps(string.replace(NUMBER, "0")),
                            caps=tuple(is_all_caps(t) for t in real),
                            real=real,
                        )
                        self._records.append(record)
                        index = len(self._records) - 1
                        for key in self._record_keys(record):
                            table.setdefault(key, []).append(index)
        if not table:
            return None
        automaton = ahocorasick.Automaton()
        for key, indices in table.items():
            automaton.add_word(key, tuple(indices))
        automaton.make_automaton()
        return automaton

    def _record_keys(self, record: _Record) -> list[str]:
        if record.lang in _CHAR_LANGS:
            prefix = record.string.split(NUMBER)[0]
            return [_lower(prefix)] if prefix else []
        if not record.tokens:
            return []
        keyer = self._keyers[record.lang]
        options = [
            ("#",) if t == NUMBER else (t,) if t[:1] == _BARRIER else keyer.alternatives(t)
            for t in record.tokens
        ]
        combos = itertools.islice(itertools.product(*options), _MAX_LEMMA_COMBOS)
        return [_SEP + _SEP.join(combo) + _SEP for combo in combos]

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
        candidates: list[tuple[tuple[int, ...], int, int, int, str | None]] = []
        token_spans = [m.span() for m in _TOKEN.finditer(chunk)]
        if not token_spans:
            return []
        token_texts = [chunk[s:e] for s, e in token_spans]
        has_cyr = _CYRILLIC.search(chunk) is not None
        has_lat = _LATIN.search(chunk) is not None
        has_cjk = _CJK.search(chunk) is not None
        # The sequence the automata run over: tokens, with a barrier before each token after a hard gap.
        gaps = _TOKEN.split(chunk)[1:-1]  # gaps[i] separates token i and token i + 1
        seq: list[str] = [token_texts[0]]
        seq_token: list[int] = [0]
        barrier_of = self._barrier_cache
        for i, gap in enumerate(gaps, start=1):
            barrier = barrier_of.get(gap)
            if barrier is None:
                barrier = barrier_of[gap] = "" if _SOFT_GAP.match(gap) else _barrier(gap)
            if barrier:
                seq.append(barrier)
                seq_token.append(-1)
            seq.append(token_texts[i])
            seq_token.append(i)
        for lang in langs:
            automaton = self._automaton(lang)
            if automaton is None:
                continue
            if lang in _CHAR_LANGS:
                if has_cjk or has_lat:
                    candidates += self._char_candidates(chunk, lang, automaton)
                continue
            if not (has_cyr if lang in _SLAVIC else has_lat):
                continue
            keys = self._keyers[lang].keys(seq)
            # stream = SEP k0 SEP k1 SEP ...; the SEP after key j sits at 1 + len(k0..kj) + j
            sep_after = list(map(operator.add, itertools.accumulate(map(len, keys)), range(1, len(keys) + 1)))
            stream = _SEP + _SEP.join(keys) + _SEP
            for end_pos, indices in automaton.iter(stream):
                last_part = bisect_left(sep_after, end_pos)
                for index in indices:
                    record = self._records[index]
                    first, last = seq_token[last_part - len(record.tokens) + 1], seq_token[last_part]
                    number = self._verify(record, token_texts[first : last + 1])
                    if number is None:
                        continue
                    start, stop = token_spans[first][0], token_spans[last][1]
                    if (start > 0 and chunk[start - 1].isalnum()) or (
                        stop < len(chunk) and chunk[stop].isalnum()
                    ):
                        continue
                    exact = (
                        0
                        if (first == last or tuple(_gap_key(g) for g in gaps[first:last]) == record.gaps)
                        else 1
                    )
                    if lang in _SLAVIC and record.caps[-1]:
                        ending = _HYPHEN_ENDING.match(chunk, stop)
                        if ending:
                            stop = ending.end()
                    candidates.append(((exact, *record.priority), start, stop, index, number or None))
        return self._select(chunk, base, candidates)

    def _char_candidates(
        self, chunk: str, lang: str, automaton: Any
    ) -> list[tuple[tuple[int, ...], int, int, int, str | None]]:
        out: list[tuple[tuple[int, ...], int, int, int, str | None]] = []
        low = _lower(chunk)
        for end_pos, indices in automaton.iter(low):
            for index in indices:
                record = self._records[index]
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
                out.append(((0, *record.priority), start, stop, index, number))
        return out

    @staticmethod
    def _verify(record: _Record, tokens: Sequence[str]) -> str | None:
        """Check case and digits; return the flight number ("" when none), or None when it fails."""
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

    def _select(
        self, chunk: str, base: int, candidates: list[tuple[tuple[int, ...], int, int, int, str | None]]
    ) -> list[TermMatch]:
        candidates.sort(key=lambda c: (c[1] - c[2], c[1], c[0]))
        taken = bytearray(len(chunk))
        chosen: list[TermMatch] = []
        renderings_of = self._rendering_cache
        for _, start, stop, index, number in candidates:
            if taken.find(1, start, stop) != -1:
                continue
            taken[start:stop] = b"\x01" * (stop - start)
            record = self._records[index]
            glossary = self.glossaries[record.glossary]
            key = (record.glossary, record.concept, number)
            renderings = renderings_of.get(key)
            if renderings is None:
                renderings = renderings_of[key] = tuple(
                    (lang, fill_number(term, number))
                    for lang, term in self._renderings[(record.glossary, record.concept)]
                )
            chosen.append(
                TermMatch(
                    start=base + start,
                    end=base + stop,
                    concept_id=glossary.concepts[record.concept].id,
                    lang=record.lang,
                    text=chunk[start:stop],
                    form=record.form,
                    matched=fill_number(record.string, number),
                    number=number,
                    glossary=glossary.id,
                    renderings=renderings,
                )
            )
        chosen.sort(key=lambda m: m.start)
        return chosen

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
