"""Site interface text ("chrome"): buttons, video players, newsletter boxes, pickers, in any language.

Two ways a piece of text is chrome:

* **Whole segments** (:meth:`ChromeIndex.match`): a line or sentence whose whole text, normalised by
  :func:`normalise_chrome`, equals a known phrase, or a menu line whose every piece does.
* **Spans inside text** (:meth:`ChromeIndex.find_spans`): scrapers glue widgets to real sentences
  ("... in politics . Newsletter Sign Up Continue reading the main story Invalid email address ."). The
  text is cut into words (casefolded, apostrophes dropped, every number as ``0``, so a phrasebook ``{n}``
  matches any number) and every phrasebook string is looked up at once with an Aho-Corasick automaton; a
  hit must start and end at word boundaries and its offsets point into the raw text. A hit is chrome only in
  a chrome context:

  - *strong* strings are accepted where they stand: three words or more ("Replay More Videos", "Invalid
    email address", "take our poll - story continues below"), two words written with the phrasebook's
    capitals ("JUST WATCHED", "Hide Caption", "Ad Policy"), a number pattern written so ("30 Photos"), or
    two words opening a line ("Story highlights ...");
  - *weak* strings (one or two everyday words: "Subscribe", "Read more", "Share", "Advertisement") are
    accepted only standing alone, between the start of a line or a sentence end and the end of the line, a
    separator (``| • ·``) or a label colon ("Related : ..."), or right beside accepted chrome ("Share Tweet
    Post Email");
  - a string whose phrasebook form begins with a capital must begin with one in the text ("I didn't sign up
    for that" is prose), and nothing inside quoted speech is chrome (“ ... ”, « ... », `` ... '', "...").

  Accepted hits on one line separated by punctuation or numbers only, or two strong hits with a short
  title between them (a video player's "JUST WATCHED <title> Replay More Videos"), are one span.
* **Pickers**: three or more language names in their own language ("Deutsch · Español · 한국어 · עברית"), or
  four or more country names ("Canada France Côte d’Ivoire Germany"), separated by spaces, separators or
  line breaks but not by commas or words (a list in prose has them), or two after a picker prompt ("Choose
  your country"). The names are Unicode CLDR's (:mod:`pipeline.detection.picker_names`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

import ahocorasick
import regex  # type: ignore[import-untyped]

__all__ = ["ChromeEntry", "ChromeIndex", "ChromeSpan", "normalise_chrome", "quoted_ranges"]

_MENU_SEPARATORS = re.compile(r"\s*[|•·/]\s*")
#: Words for span matching: letters (with inner apostrophes), or a number (with inner , and .).
#: (Standard ``re``, faster here than ``regex``: ``[^\W\d_]`` is a letter, ``\d`` a decimal digit.)
_SPAN_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
_APOSTROPHES = str.maketrans("", "", "'’")
_LETTERS = regex.compile(r"[\p{L}\p{M}]+")
_NUMBERS = re.compile(r"\d+(?:[.,:]\d+)*")
_UNCASED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Arabic}\p{Hebrew}\p{Thai}]")
#: Left of a standalone string: start of line, a sentence end, a separator, an opening bracket.
_LEFT_BOUND = frozenset('.!?:;|•·()[]—–-…>«»"“”')
#: Right of one: end of line, a separator, a label colon, a closing bracket.
_RIGHT_BOUND = frozenset("|•·:)]—–>")
_SENTENCE_END = frozenset(".!?")
_PICKER_SEPARATORS = frozenset(" \t\r\n|•·/-–—()[]")
TITLE_GAP_WORDS = 12  # the longest title a video player or gallery shows between two of its strings
MAX_GAP_CHARS = 4  # punctuation between two pieces of one widget ("Replay More Videos ... MUST WATCH")
PICKER_LANGUAGES = 3
PICKER_COUNTRIES = 4
_PICKER_PROMPT = "picker-prompt"

_OPENERS = {"“": "”", "«": "»", "„": "“", "``": "''", '"': '"', "‹": "›", "「": "」", "『": "』"}
_QUOTE_TOKEN = re.compile(r"``|''|[“”«»„\"‹›「」『』]")


def normalise_chrome(text: str) -> str:
    """Casefold, drop punctuation, symbols and digits (counters like "23"), collapse spaces.

    >>> normalise_chrome("  Comments (23) »")
    'comments'
    >>> normalise_chrome("Log in  or\\nregister!")
    'log in or register'
    """
    return " ".join(_LETTERS.findall(text.casefold().translate(_APOSTROPHES)))


def _span_key(text: str) -> str:
    """Words of ``text`` for span matching: casefolded, apostrophes dropped, numbers and ``{n}`` as ``0``.

    >>> _span_key("Hide Caption {n} of 30 Photos:")
    'hide caption 0 of 0 photos'
    >>> _span_key("Please verify you're not a robot")
    'please verify youre not a robot'
    """
    text = text.replace("{n}", "0")
    return " ".join(_word_form(m.group()) for m in _SPAN_WORD.finditer(text))


def _word_form(word: str) -> str:
    if word[0].isdigit():
        return "0"
    return word.casefold().translate(_APOSTROPHES)


def quoted_ranges(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Ranges of ``text[start:end]`` in quotation marks, line by line (an unclosed quote: to the line end).

    >>> text = "He said “ I agree . ” Then `` no '' and « oui »."
    >>> [text[a:b] for a, b in quoted_ranges(text)]
    ['“ I agree . ”', "`` no ''", '« oui »']
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        newline = text.find("\n", pos, end)
        line_end = end if newline < 0 else newline
        opener: str | None = None
        opened = 0
        for match in _QUOTE_TOKEN.finditer(text, pos, line_end):
            mark = match.group()
            if opener is None:
                if mark in _OPENERS:
                    opener, opened = mark, match.start()
            elif mark == _OPENERS[opener] or (opener == "“" and mark == '"'):
                out.append((opened, match.end()))
                opener = None
        if opener is not None:
            out.append((opened, line_end))
        pos = line_end + 1
    return out


@dataclass(frozen=True, slots=True)
class ChromeEntry:
    """One interface phrase.

    Attributes:
        language: ISO 639-1 code of the phrase (``None`` for a picker, whose names are in many languages).
        phrase: the phrase as written in the phrasebook.
        english: its English rendering.
    """

    language: str | None
    phrase: str
    english: str


@dataclass(frozen=True, slots=True)
class ChromeSpan:
    """Chrome found inside a text: ``text[start:end]``, tight around the widget's words.

    Attributes:
        start: offset of the first character, in the raw text.
        end: offset after the last character.
        entry: the phrasebook entry of the span's first string (for a picker, ``language`` is None).
        picker: ``"language"`` or ``"country"`` for a picker, else None.
    """

    start: int
    end: int
    entry: ChromeEntry
    picker: str | None = None


@dataclass(frozen=True, slots=True)
class _Key:
    """What one automaton key stands for."""

    entry: ChromeEntry
    words: int
    capitals: tuple[bool, ...]  # first-letter case of each word of the phrase, as written
    cased: bool  # the phrase is in a script with capitals
    pattern: bool  # the phrase holds a number
    padded: bool  # matched at word boundaries (cased scripts, picker names)
    length: int  # length of the key without its padding
    picker: str | None  # "language" / "country" for picker names, "picker-prompt" for "Choose your country"


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    key: _Key
    strong: bool
    accepted: bool = False


def _capitals(text: str) -> tuple[bool, ...]:
    return tuple(m.group()[0].isupper() for m in _SPAN_WORD.finditer(text) if not m.group()[0].isdigit())


class ChromeIndex:
    """Index of interface phrases: exact whole-segment lookup and an automaton for spans inside text.

    Args:
        entries: normalised phrase -> entry. Use :meth:`from_phrases` to build one.
        pickers: find language and country pickers (CLDR names) as well.
        spans: find chrome inside text; False matches whole segments only (as Glossa did before spans).
    """

    def __init__(self, entries: dict[str, ChromeEntry], *, pickers: bool = True, spans: bool = True) -> None:
        self._entries = dict(entries)
        self.spans = spans
        self._automaton = ahocorasick.Automaton()
        keys: dict[str, _Key] = {}
        for entry in self._entries.values():
            self._add_key(keys, entry.phrase, entry, _PICKER_PROMPT if _is_prompt(entry) else None)
        if pickers:
            from pipeline.detection.picker_names import COUNTRIES, ENDONYMS

            for kind, names in (("language", ENDONYMS), ("country", COUNTRIES)):
                for name in names:
                    self._add_key(keys, name, ChromeEntry(None, name, name), kind)
        for key, value in keys.items():
            self._automaton.add_word(key, value)
        self._empty = not keys
        if keys:
            self._automaton.make_automaton()

    @staticmethod
    def _add_key(keys: dict[str, _Key], phrase: str, entry: ChromeEntry, picker: str | None) -> None:
        key = _span_key(phrase)
        if not key:
            return
        cased = _UNCASED.search(phrase) is None
        padded = f" {key} " if cased or picker is not None else key
        if padded in keys:
            return
        keys[padded] = _Key(
            entry=entry,
            words=key.count(" ") + 1,
            capitals=_capitals(phrase.replace("{n}", "0")),
            cased=cased,
            pattern="0" in key.split(" "),
            padded=padded != key,
            length=len(key),
            picker=picker,
        )

    @classmethod
    def from_phrases(
        cls, phrases: Iterable[tuple[str, str, str]], *, pickers: bool = True, spans: bool = True
    ) -> ChromeIndex:
        """Build an index from ``(language, phrase, english)`` triples; the first of duplicates wins.

        >>> index = ChromeIndex.from_phrases([("en", "Subscribe", "Subscribe")])
        >>> index.match("SUBSCRIBE!").language
        'en'
        """
        entries: dict[str, ChromeEntry] = {}
        for language, phrase, english in phrases:
            key = normalise_chrome(phrase) if "{n}" not in phrase else "\x00" + _span_key(phrase)
            if key and key not in entries:
                entries[key] = ChromeEntry(language, phrase, english)
        return cls(entries, pickers=pickers, spans=spans)

    def __len__(self) -> int:
        return len(self._entries)

    def match(self, text: str) -> ChromeEntry | None:
        """Return the entry whose phrase is the whole of ``text`` (after normalisation), or None.

        A menu line, phrases joined by ``|``, ``•``, ``·`` or ``/``, matches when every piece does; the first
        piece's entry is returned.

        >>> index = ChromeIndex.from_phrases([("en", "Subscribe", "Subscribe"), ("en", "Log in", "Log in")])
        >>> index.match("Subscribe | Log in").phrase
        'Subscribe'
        >>> index.match("Subscribe | Read the story") is None
        True
        """
        if len(text) > 200:
            return None
        key = normalise_chrome(text)
        if not key:
            return None
        found = self._entries.get(key)
        if found is not None:
            return found
        pieces = [p for p in _MENU_SEPARATORS.split(text) if normalise_chrome(p)]
        if len(pieces) < 2:
            return None
        entries = [self._entries.get(normalise_chrome(p)) for p in pieces]
        return entries[0] if all(e is not None for e in entries) else None

    # ------------------------------------------------------------------------------------------ spans
    def find_spans(
        self,
        text: str,
        start: int = 0,
        end: int | None = None,
        *,
        quoted: list[tuple[int, int]] | None = None,
    ) -> list[ChromeSpan]:
        """Chrome spans inside ``text[start:end]`` (offsets into ``text``), in order, not overlapping.

        The same as ``scan(...)[1]``.
        """
        return self.scan(text, start, end, quoted=quoted)[1]

    def scan(
        self,
        text: str,
        start: int = 0,
        end: int | None = None,
        *,
        quoted: list[tuple[int, int]] | None = None,
        strings: str | None = None,
    ) -> tuple[bool, list[ChromeSpan]]:
        """Whether any phrase occurs in ``text[start:end]`` at all, and the chrome spans there.

        Where no phrase occurs no part of the text can be a whole-segment match either, so callers skip
        :meth:`match`. Spans are in order, do not overlap and have offsets into ``text``.

        Args:
            text: the raw text.
            start: where the part to search begins.
            end: where it ends (default: the end of ``text``).
            quoted: ranges of quoted speech (default: found with :func:`quoted_ranges`); no span lies in one.
            strings: the span words of ``text[start:end]`` joined by spaces, when the caller has them already.

        >>> index = ChromeIndex.from_phrases([("en", "Replay More Videos", "Replay More Videos"),
        ...     ("en", "JUST WATCHED", "JUST WATCHED"), ("en", "MUST WATCH", "MUST WATCH"),
        ...     ("en", "Subscribe", "Subscribe")])
        >>> text = "Talks . JUST WATCHED Rouhani speaks Replay More Videos ... MUST WATCH Rouhani 03:42"
        >>> [text[s.start:s.end] for s in index.find_spans(text)]
        ['JUST WATCHED Rouhani speaks Replay More Videos ... MUST WATCH']
        >>> index.find_spans("“ Subscribe , ” she said .") + index.find_spans("Please subscribe to it .")
        []
        """
        end = len(text) if end is None else end
        if self._empty or start >= end:
            return False, []
        if strings is None:
            strings = " ".join(_SPAN_WORD.findall(text, start, end))
        if not strings:
            return False, []
        # The word string " w1 w2 ... wn ": one pass of the automaton; most blocks stop here.
        joined = _NUMBERS.sub("0", strings.casefold().replace("'", "").replace("’", ""))
        line = f" {joined} "
        found = list(self._automaton.iter(line))
        names = sum(1 for _, key in found if key.picker in ("language", "country"))
        if names == len(found) and names < PICKER_LANGUAGES:
            return False, []  # no phrase, and too few names for a picker ("Iran and Russia")
        if not self.spans:
            return True, []
        words = list(_SPAN_WORD.finditer(text, start, end))
        forms = joined.split(" ")
        offsets = list(accumulate((len(f) + 1 for f in forms[:-1]), initial=1))
        hits = self._hits(text, found, words, forms, offsets)
        if not hits:
            return True, []
        if quoted is None:
            quoted = quoted_ranges(text, start, end)
        if quoted:
            hits = [h for h in hits if not _inside(h.start, h.end, quoted)]
        spans = self._pickers(text, hits)
        phrases = [h for h in hits if h.key.picker in (None, _PICKER_PROMPT)]
        spans.extend(self._phrases(text, phrases, start, end))
        spans.sort(key=lambda s: s.start)
        out: list[ChromeSpan] = []
        for span in spans:  # a picker and its prompt may overlap: keep the first, widen it
            if out and span.start < out[-1].end:
                last = out[-1]
                out[-1] = ChromeSpan(
                    last.start, max(last.end, span.end), last.entry, last.picker or span.picker
                )
                continue
            out.append(span)
        return True, out

    @staticmethod
    def _hits(
        text: str,
        matches: list[tuple[int, _Key]],
        words: list[re.Match[str]],
        forms: list[str],
        offsets: list[int],
    ) -> list[_Hit]:
        found: list[tuple[int, int, _Key]] = []
        for last, key in matches:
            if key.padded:
                # " a b " ends at its closing space: the hit covers the words between the spaces.
                first_char = last - key.length
                lo = bisect_right(offsets, first_char) - 1
                if lo < 0 or offsets[lo] != first_char:
                    continue
                hi = bisect_right(offsets, last - 1) - 1
                s, e = words[lo].start(), words[hi].end()
            else:
                # Unspaced (CJK, Arabic...): may sit inside a word; map back where the word kept its length.
                begin = last - key.length + 1
                hi = bisect_right(offsets, last) - 1
                lo = bisect_right(offsets, begin) - 1
                if lo != hi or lo < 0 or len(forms[hi]) != len(words[hi].group()):
                    continue
                s = words[hi].start() + (begin - offsets[hi])
                e = s + key.length
            found.append((s, e, key))
        if not found:
            return []
        # Leftmost-longest, not overlapping (pickers and phrases are kept apart: a name may be in a phrase).
        found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
        hits: list[_Hit] = []
        reach = {True: -1, False: -1}
        for s, e, key in found:
            is_name = key.picker in ("language", "country")
            if s < reach[is_name] or not (is_name or _case_ok(text, s, e, key)):
                continue
            reach[is_name] = e
            hits.append(_Hit(s, e, key, _strong(text, s, e, key) if not is_name else False))
        return hits

    # -------------------------------------------------------------------------------------- phrases
    def _phrases(self, text: str, hits: list[_Hit], start: int, end: int) -> list[ChromeSpan]:
        if not hits:
            return []
        for hit in hits:
            hit.accepted = hit.strong or _standalone(text, hit.start, hit.end, start, end)
        changed = True
        while changed:  # weak strings beside accepted chrome are chrome too
            changed = False
            for i, hit in enumerate(hits):
                if hit.accepted:
                    continue
                for j in (i - 1, i + 1):
                    if 0 <= j < len(hits) and hits[j].accepted:
                        a, b = (hits[j], hit) if j < i else (hit, hits[j])
                        if _glued(text, a.end, b.start):
                            hit.accepted = changed = True
                            break
        accepted = [h for h in hits if h.accepted]
        out: list[ChromeSpan] = []
        group: list[_Hit] = []
        for hit in accepted:
            if group:
                prev = group[-1]
                same = prev.key.entry.language == hit.key.entry.language
                if same and (
                    _glued(text, prev.end, hit.start)
                    or (prev.strong and hit.strong and _title_between(text, prev.end, hit.start))
                ):
                    group.append(hit)
                    continue
                out.append(ChromeSpan(group[0].start, group[-1].end, group[0].key.entry))
            group = [hit]
        if group:
            out.append(ChromeSpan(group[0].start, group[-1].end, group[0].key.entry))
        return out

    # -------------------------------------------------------------------------------------- pickers
    @staticmethod
    def _pickers(text: str, hits: list[_Hit]) -> list[ChromeSpan]:
        names = [h for h in hits if h.key.picker is not None]
        out: list[ChromeSpan] = []
        i = 0
        while i < len(names):
            j = i
            while j + 1 < len(names) and _picker_gap(text, names[j].end, names[j + 1].start):
                j += 1
            run = names[i : j + 1]
            prompt = [h for h in run if h.key.picker == _PICKER_PROMPT]
            listed = [h for h in run if h.key.picker in ("language", "country")]
            languages = {h.key.entry.phrase for h in listed if h.key.picker == "language"}
            kinds = "language" if len(languages) * 2 >= len(listed) else "country"
            big = len(languages) >= PICKER_LANGUAGES or len(listed) >= PICKER_COUNTRIES
            if listed and (big or (prompt and len(listed) >= 2)):
                first = run[0]
                entry = ChromeEntry(None, text[first.start : run[-1].end], f"{kinds} picker")
                out.append(ChromeSpan(first.start, run[-1].end, entry, kinds))
            i = j + 1
        return out


def _is_prompt(entry: ChromeEntry) -> bool:
    english = entry.english.casefold()
    return english.startswith(("choose your", "select your", "select a", "choose a")) and (
        "country" in english or "language" in english or "region" in english or "edition" in english
    )


def _inside(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in ranges) or any(a < end and start < b for a, b in ranges)


def _case_ok(text: str, start: int, end: int, key: _Key) -> bool:
    """A phrase written with a leading capital needs one in the text (prose "sign up", widget "Sign up")."""
    if not key.cased or not key.capitals or not key.capitals[0]:
        return True
    for char in text[start:end]:
        if char.isalpha():
            return char.isupper()
    return True


def _strong(text: str, start: int, end: int, key: _Key) -> bool:
    if not key.cased:
        return len(key.entry.phrase) >= 4
    written = _capitals(text[start:end])
    if written != key.capitals and _prose_follows(text, end):
        return False  # "I agree with much of it", "More on this a little later": a sentence, not a widget
    if key.words >= 3 and not (key.pattern and key.words == 3 and key.capitals.count(True) == 0):
        return True
    as_written = written == key.capitals and written.count(True) >= 2 - key.pattern
    if key.words >= 2 and as_written:
        return True
    opens_line = _line_start(text, start) and written[:1] == (True,)
    return key.words >= 2 and opens_line and not _prose_follows(text, end)


def _prose_follows(text: str, end: int) -> bool:
    """The next word, on the same line, begins with a small letter: the sentence goes on."""
    j = end
    while j < len(text) and text[j] in " \t":
        j += 1
    return j < len(text) and text[j].islower()


def _line_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def _standalone(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """Nothing but a line start or sentence end before, a line end or separator or label colon after."""
    first = next((c for c in text[start:end] if c.isalpha()), "")
    if first and first.isupper() is False and first.lower() != first.upper():
        return False
    i = start - 1
    while i >= lo and text[i] in " \t":
        i -= 1
    if i >= lo and text[i] != "\n" and text[i] not in _LEFT_BOUND:
        return False
    j = end
    while j < hi and text[j] in " \t":
        j += 1
    if j >= hi or text[j] in "\r\n" or text[j] in _RIGHT_BOUND:
        return True
    if text[j] in _SENTENCE_END:  # "Subscribe ." closing its line
        k = j + 1
        while k < hi and text[k] in " \t":
            k += 1
        return k >= hi or text[k] in "\r\n"
    return False


def _glued(text: str, a: int, b: int) -> bool:
    """Only spaces, punctuation and numbers between two pieces on one line."""
    if b < a:
        return False
    gap = text[a:b]
    return len(gap) <= MAX_GAP_CHARS + 8 and "\n" not in gap and not any(c.isalpha() for c in gap)


def _title_between(text: str, a: int, b: int) -> bool:
    """A short title between two widget strings: a few words on one line, no sentence end inside."""
    gap = text[a:b]
    if "\n" in gap:
        return False
    body = gap.rstrip(" .!?")
    if any(c in _SENTENCE_END for c in body.replace("...", "").replace("…", "")):
        return False
    return len(_SPAN_WORD.findall(gap)) <= TITLE_GAP_WORDS


def _picker_gap(text: str, a: int, b: int) -> bool:
    if b < a or b - a > 8:
        return False
    return all(c in _PICKER_SEPARATORS for c in text[a:b])
