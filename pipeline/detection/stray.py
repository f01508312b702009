"""Find stray foreign text, homoglyphs and site chrome in a Document: the heart of ``glossa audit``.

How a sentence is judged (each step measured by ``bench/detect/run.py``):

1. **Chrome.** A block or sentence whose whole normalised text is a known interface phrase is one
   ``ui-chrome`` finding (info) and nothing else is reported inside it; so is each chrome span inside a block
   (widgets glued to sentences, pickers: :mod:`pipeline.detection.chrome`, measured by
   ``bench/real/chrome.py``). Findings inside a span are dropped; a foreign passage longer than a foreign
   widget inside it is kept and the widget is not reported. Nothing inside quoted speech is chrome.
2. **Tokens.** Words are runs of letters and marks (apostrophes and hyphens inside words kept), read from
   the sentence with its protected spans (URLs, numbers, codes...) blanked out. A word changes at a change of
   script group, except that Latin, Cyrillic and Greek stay together so that mixes can be seen.
3. **Homoglyphs.** A word mixing Latin with Cyrillic or Greek letters, where every intruder has a look-alike
   in the word's real script, is a ``homoglyph`` finding with the intruding characters and the corrected
   word; it takes no further part (a mix without look-alikes, like ``Δv``, is notation and is skipped),
   except that a word whose real script is a foreign one joins the foreign passage around it as corrected.
4. **Script.** Words in a script other than the expected language's are foreign by script. Neighbouring
   ones (with only punctuation, digits or at most two capitalised names between them) form one span; its
   language comes from the script (CJK, Arabic, Hebrew, Greek...) or, for Cyrillic, from letters only some
   alphabets use (і ї є ґ ў ђ љ ѓ...) combined with the statistical detector restricted to those languages.
   In a non-Latin document, lone capitalised Latin names and acronyms are not reported.
5. **Lexicon.** Words in the expected script are scored by word frequency (wordfreq): the evidence for
   language L is how much more frequent the word is in L than in the expected language, damped when the
   expected language knows the word well (loanwords), for capitalised words (names) and zero for acronyms;
   letters a language does not use rule it out. Known terms and borrowed phrases (``de facto``,
   ``déjà vu``...) count as the expected language. A hidden Markov model (stay in a language for free, pay to
   enter and to leave a foreign one) finds the best labelling in linear time; each maximal foreign run is a
   candidate span, tight around its words. Its score is its evidence minus the entry and exit costs.
6. **Naming.** A lexicon span is named by its HMM state. Asking langdetect's sampling detector to confirm
   spans was measured on the tuning seed: no change in precision or recall, four times the time, so it is
   not done. langdetect's profiles are still used, through the adapter's deterministic ``likelihoods``, for
   words no list knows and to name Cyrillic and Latin runs of foreign script. An expected language that
   wordfreq has no list for (Swahili, say) cannot be tested word by word: each sentence's own words then go
   to the statistical detector, and a sentence it confidently puts in another language is reported whole.
7. **Confidence.** ``sigmoid(a * score + b)``, with ``a`` and ``b`` fitted (logistic regression) to whether
   spans were true fragments on the benchmark's tuning seed; spans under ``min_confidence`` are dropped.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import regex  # type: ignore[import-untyped]

from pipeline.detection import lexicon as lexicons
from pipeline.detection.base import Detector, LangdetectDetector
from pipeline.detection.chrome import ChromeIndex, ChromeSpan, quoted_ranges
from pipeline.detection.judge import (
    STRAY,
    Judgement,
    Verdict,
    capitalised,
    judge_latin,
    judge_script,
    particle,
)
from pipeline.detection.lexicon import (
    CANDIDATES,
    LOAN_PHRASES,
    Lexicon,
    alphabet_allows,
    group_lexicon,
    lexicon_for,
    single_lexicon,
)
from pipeline.detection.quiet import QuietBlocks
from pipeline.detection.scripts import (
    cyrillic_language,
    fix_homoglyphs,
    language_script,
    script_group,
    script_language,
    script_of,
)
from pipeline.document import BlockKind, Document, Finding, FindingKind, Segment, Severity, TextUnit
from pipeline.text.sentences import MAX_SENTENCE, split_block
from pipeline.text.spans import EMAIL, blank_protected

__all__ = ["AuditOptions", "StrayFinder"]

LN10 = math.log(10.0)
NAMING_CHARS = 200  # a run's language is read from its first characters...
NAMING_WORDS = 30  # ... and words
FALLBACK_LETTERS = 20  # expected language without a word list: sentences this long go to langdetect...
FALLBACK_CONFIDENCE = 0.9  # ... and are reported when it is this sure of another language
NAME_REACH = 3

# HMM costs (nats) and evidence shaping, tuned on the benchmark's tuning seed (see bench/detect/run.py).
ENTER_COST = 5.0
LEAVE_COST = 2.5
SWITCH_COST = 8.0
FLOOR_EXPECTED = 0.5
FLOOR_OTHER = 1.5
WEIGHT_COMMON = 0.5  # evidence weight for words the expected language uses often (Zipf >= 3)
WEIGHT_KNOWN = 0.8  # ... and for words it knows (Zipf >= 2)
WEIGHT_RARE = 0.8  # ... and for rare words it still lists
CAPITAL_DAMP = 0.6  # capitalised words inside a sentence are probably names
ALPHABET_BONUS = 2.0  # unknown word whose accented letters fit a language
LONG_WORD = 9
LONG_UNKNOWN_BONUS = 1.5  # long words the expected language does not know are rarely names or typos
JOIN_GAP = 24  # most characters (digits, punctuation, spaces) between two script warnings joined as one
UNKNOWN_NGRAM_LETTERS = 5  # words no list knows, this long or longer, go to the n-gram detector
UNKNOWN_NGRAM_WEIGHT = 0.5
# English suffixes (suffix, letters put back, shortest stem): a listed stem makes the word English.
_DERIVATIONS = (
    ("iness", "y", 3), ("iness", "", 3), ("ness", "", 4), ("ers", "", 5), ("ers", "e", 5), ("er", "", 5),
    ("er", "e", 5), ("ors", "e", 5), ("ors", "", 5), ("or", "e", 5), ("ists", "", 4), ("ist", "", 4),
    ("ist", "ism", 4), ("ists", "ism", 4), ("ity", "e", 4), ("ity", "", 4), ("ities", "e", 4), ("ier", "y", 4),  # noqa: E501
    ("iest", "y", 4), ("ier", "", 4), ("ily", "y", 4), ("ly", "", 5), ("isms", "", 4), ("ism", "", 4),
    ("ish", "", 4), ("ishly", "", 4), ("ization", "ize", 4), ("ize", "", 5), ("ized", "", 5),
    ("izing", "", 5), ("ification", "ify", 4), ("ful", "", 4), ("less", "", 4), ("ment", "", 5),
    ("ings", "", 4), ("ing", "", 4), ("ing", "e", 4), ("ed", "", 5), ("ed", "e", 5), ("s", "", 5),
)  # fmt: skip
DERIVED_STEM_ZIPF = 2.0
# Platt scaling of the span score into a probability, fitted on the tuning seed.
CALIB_A = 0.135
CALIB_B = 2.52

#: Characters that are invisible in print and only get in the way of detection: soft hyphen, zero-width
#: space/joiners, word joiner, BOM, direction marks. Inside a word they are skipped (the word is read
#: without them); offsets always point into the raw text.
INVISIBLE = (
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u202a-\u202e\u2066-\u2069"
)
_INVISIBLE = regex.compile(f"[{INVISIBLE}]")
#: Whether :meth:`StrayFinder.find` skips blocks the cheap path proves quiet (tests compare both paths).
_CHEAP_PATH = True
_WORD = regex.compile(
    rf"[\p{{L}}\p{{M}}]+(?:[{INVISIBLE}]+[\p{{L}}\p{{M}}]+|['’\-][{INVISIBLE}]*[\p{{L}}\p{{M}}]+)*"
)
#: Embeds scrapers leave tokenised ("( @ handle )", "# hashtag", "https : //t.co/...", "pic.twitter.com/..."):
#: blanked before words are read, like URLs.
_EMBED = regex.compile(
    r"(?<![\p{L}\p{N}_])[@＠]\s?[\p{L}\p{N}_]{1,40}"
    r"|(?<![\p{L}\p{N}_&])[#＃]\s?[\p{L}\p{N}_]+"
    r"|\bhttps?\s?:\s?//\s?[^\s]+"
    r"|\b(?:pic\.twitter\.com|t\.co|bit\.ly|instagram\.com|youtu\.be|twitter\.com|facebook\.com)/[^\s]*"
    r"|\b[\w\-]+\.(?:com|org|net|gov|edu|io|ly)/[^\s]*",
    regex.IGNORECASE,
)
_CYRILLIC_LANGS = ("ru", "uk", "be", "bg", "sr", "mk")
#: Lexicon languages langdetect has no profile for, and the profiled languages whose n-grams stand in for
#: them (the best of them, less a margin): Latin spelling reads like a Romance language's, and Welsh or
#: Tagalog words, which look like none of them, are then not claimed by Latin by default.
_NGRAM_PROXY = {"la": ("it", "es", "pt", "fr", "ro", "ca")}
NGRAM_PROXY_MARGIN = 1.5


def _proxied(probs: dict[str, float], lang: str, smooth: float) -> float:
    """``log(probs[lang] + smooth)``, through its stand-ins for a language without a profile."""
    proxies = _NGRAM_PROXY.get(lang)
    if proxies is None:
        return math.log(probs.get(lang, 0.0) + smooth)
    return max(math.log(probs.get(p, 0.0) + smooth) for p in proxies) - NGRAM_PROXY_MARGIN


CYRILLIC_CUE_WEIGHT = 2.0
BELARUSIAN_MARGIN = 3.0
RUSSIAN_PRIOR = 1.0  # most Cyrillic on the web is Russian: it wins ties (one word like "Орбита")
_SERBIAN_LATIN = {
    **dict(zip("абвгдђежзијклмнопрстћуфхцчш", "abvgdđežzijklmnoprstćufhcčš", strict=True)),
    "љ": "lj",
    "њ": "nj",
    "џ": "dž",
}


def _number_gap(gap: str) -> bool:
    """Whether ``gap`` holds a number and nothing else but punctuation and spaces (no letter, no line end).

    >>> _number_gap(". 1924.11.05 "), _number_gap("! "), _number_gap(" and 5 ")
    (True, False, False)
    """
    return any(c.isdigit() for c in gap) and not any(c.isalpha() or c == "\n" for c in gap)


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What an audit looks for.

    Attributes:
        expected_language: ISO 639-1 code the documents should be written in.
        min_chars: shortest fragment, in letters, that is reported when written in the expected script, in
            Latin or in Greek (single Greek letters are maths); one letter of any other script is foreign.
        min_confidence: fragments with a lower calibrated confidence are not reported.
    """

    expected_language: str = "en"
    min_chars: int = 3
    min_confidence: float = 0.5


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    word: str
    group: str


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -60 else 0.0


_LINE_END = regex.compile(r"\r\n?|\n")
#: Language-neutral material beside a foreign passage that belongs to it: numbers (a phone number, a date)
#: and e-mail addresses, separated from the passage by spaces only.
_NUMBER = r"(?<![\w.,:/@-])\d(?:[\d.,:/-]*\d)?(?![\w@])"
_NEUTRAL_AFTER = regex.compile(r"(?:[ \t\u00a0]+(?:" + _NUMBER + "|(?<![\\w.+-])" + EMAIL + r"))+")
_NEUTRAL_BEFORE = regex.compile(r"(?:" + _NUMBER + r"[ \t\u00a0]+)+$")


def absorb_neutral(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` over numbers and e-mail addresses right beside it (spaces between only).

    A number carries no language: a phone number or a date next to a foreign passage is part of it, and
    translating the passage keeps it as it is (it is a placeholder), so the span is what a reviewer reads.

    >>> text = "Call vysílání na 257 22 22 57. Then 1970 бива here."
    >>> s, e = absorb_neutral(text, 5, 16); text[s:e]
    'vysílání na 257 22 22 57'
    >>> s, e = absorb_neutral(text, 41, 45); text[s:e]
    '1970 бива'
    """
    after = _NEUTRAL_AFTER.match(text, end)
    if after:
        end = after.end()
    before = _NEUTRAL_BEFORE.search(text, max(0, start - 64), start)
    if before:
        start = before.start()
    return start, end


class _Lines:
    """Line/column lookup for one unit (newline positions found once, then bisected)."""

    def __init__(self, unit: TextUnit) -> None:
        self.unit = unit
        self._newlines: list[int] | None = None

    def line_col(self, offset: int) -> tuple[int, int]:
        if self.unit.record is not None:
            return self.unit.line, offset + 1
        if self._newlines is None:
            # the last character of each line end: \n, \r\n or a lone \r
            self._newlines = [m.end() - 1 for m in _LINE_END.finditer(self.unit.text)]
        index = bisect_right(self._newlines, offset - 1)
        last = self._newlines[index - 1] if index else -1
        return self.unit.line + index, offset - last


def _tokens(text: str, offset: int) -> list[_Token]:
    """Words of ``text`` (already blanked), split at changes of script group (Latin/Cyrillic/Greek kept)."""
    out: list[_Token] = []
    for match in _WORD.finditer(text):
        word = match.group()
        start = match.start() + offset
        if word.isascii():
            out.append(_Token(start, start + len(word), word, "Latin"))
            continue
        piece = 0
        current = ""
        for i, char in enumerate(word):
            script = script_of(char)
            group = script_group(script)
            if group == "Other":
                continue
            mixable = group in ("Latin", "Cyrillic", "Greek")
            if (
                current
                and group != current
                and not (mixable and current in ("Latin", "Cyrillic", "Greek", "Mixed"))
            ):
                out.append(_Token(start + piece, start + i, _INVISIBLE.sub("", word[piece:i]), current))
                piece = i
                current = group
            elif not current:
                current = group
            elif group != current:
                current = "Mixed" if current != "Mixed" else current
        if current:
            if current == "Mixed":
                scripts = {script_group(script_of(c)) for c in word[piece:]} - {"Other"}
                current = "Mixed" if len(scripts) > 1 else scripts.pop()
            out.append(_Token(start + piece, start + len(word), _INVISIBLE.sub("", word[piece:]), current))
    return out


def _absorb(text: str, found: list[Finding], lines: _Lines) -> list[Finding]:
    """Stray foreign passages widened over the numbers and e-mail addresses beside them
    (:func:`absorb_neutral`), unless that would reach into another finding."""
    taken = sorted((f.start, f.end) for f in found)
    out: list[Finding] = []
    for f in found:
        if f.kind is not FindingKind.FOREIGN_TEXT:
            out.append(f)
            continue
        start, end = absorb_neutral(text, f.start, f.end)
        clash = any(a < end and start < b for a, b in taken if (a, b) != (f.start, f.end))
        if (start, end) == (f.start, f.end) or clash:
            out.append(f)
            continue
        line, column = lines.line_col(start)
        out.append(replace(f, start=start, end=end, text=text[start:end], line=line, column=column))
    return out


class _PhraseMatcher:
    """Marks tokens covered by any of a set of phrases (casefolded token sequences)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            words = tuple(m.group().casefold().replace("’", "'") for m in _WORD.finditer(phrase))
            if words:
                self._by_first.setdefault(words[0], []).append(words)
        for options in self._by_first.values():
            options.sort(key=len, reverse=True)

    def covered(self, words: Sequence[str]) -> set[int]:
        hits: set[int] = set()
        if not self._by_first:
            return hits
        for i, word in enumerate(words):
            for phrase in self._by_first.get(word, ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    hits.update(range(i, i + len(phrase)))
                    break
        return hits


#: Cyrillic languages that short fragments cannot tell apart by their letters alone.
_CYRILLIC_GROUP = ("ru", "bg", "mk", "sr")
#: Letters that prove a language of the group (a fragment without them may be any of the group).
_MARKERS = {"ru": "ыэё", "bg": "ъѝ", "mk": "ѓќѕљњџ", "sr": "ђћљњџј"}


def harmonise_cyrillic(findings: list[Finding], expected: str) -> list[Finding]:
    """Give ambiguous Cyrillic fragments the language the rest of the document's Cyrillic is in.

    "Публикация от Роскосмос" or "Орбита" read as Russian and Bulgarian alike; when the document's other
    Cyrillic fragments are (by length) mostly one language of the group and a fragment carries none of its
    own language's distinguishing letters, it takes the document's language. Pure and order-preserving.

    >>> from pipeline.document import FindingKind, Severity
    >>> def f(text, lang):
    ...     return Finding(FindingKind.FOREIGN_TEXT, Severity.WARNING, 0, len(text), 1, 1, text,
    ...                    f"text in {lang} where en is expected; translate it", language=lang)
    >>> [x.language for x in harmonise_cyrillic([f("Лента новостей", "ru"), f("Орбита", "bg")], "en")]
    ['ru', 'ru']
    """
    weight: dict[str, int] = {}
    for f in findings:
        if f.kind is FindingKind.FOREIGN_TEXT and f.language in _CYRILLIC_GROUP:
            weight[f.language] = weight.get(f.language, 0) + (f.end - f.start)
    if len(weight) < 2:
        return findings
    majority = max(sorted(weight), key=lambda lang: weight[lang])
    if majority == expected:
        return findings
    out = []
    for f in findings:
        lang = f.language
        if (
            lang in _CYRILLIC_GROUP
            and lang != majority
            and not any(ch in _MARKERS[lang] for ch in f.text.lower())
        ):
            f = replace(
                f, language=majority, message=f.message.replace(f"text in {lang} ", f"text in {majority} ")
            )
        out.append(f)
    return out


def _overlaps(start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in ranges)


def _covered(start: int, end: int, text: str, spans: Sequence[ChromeSpan]) -> bool:
    """Whether every letter of ``text[start:end]`` lies in a chrome span."""
    for i in range(start, end):
        if text[i].isalnum() and not any(c.start <= i < c.end for c in spans):
            return False
    return True


class StrayFinder:
    """Find foreign text, homoglyphs and site chrome in documents (see the module docstring).

    Args:
        options: expected language and thresholds.
        chrome: interface phrases to report as ``ui-chrome``; None reports none.
        known_terms: glossary terms and names that belong in the document whatever their language.
        detector: the statistical detector used to confirm spans and split Cyrillic languages; langdetect by
            default.
    """

    def __init__(
        self,
        options: AuditOptions,
        *,
        chrome: ChromeIndex | None = None,
        known_terms: Iterable[str] = (),
        detector: Detector | None = None,
    ) -> None:
        self.options = options
        self.expected = options.expected_language
        self.native = language_script(self.expected)
        self.chrome = chrome
        if detector is None:
            known = {self.expected, *CANDIDATES["Latin"], *CANDIDATES["Cyrillic"]}
            detector = LangdetectDetector(options.min_chars, languages=known)
        self.detector: Detector = detector
        loans = LOAN_PHRASES.get(self.expected, ())
        self._terms = _PhraseMatcher([*known_terms, *loans])
        self._lexicon: Lexicon | None = None
        self._evidence_cache: dict[str, tuple[float, ...]] = {}
        # Words with the same frequencies share one evidence tuple (most English words do): a third of the
        # cache's memory.
        self._shared: dict[tuple[float, ...], tuple[float, ...]] = {}
        # The cheap path's share of each casefolded word and whether it is exact (_top_evidence): a word
        # is read in several cases and again for its exact bound.
        self._tops: dict[str, tuple[float, bool]] = {}
        self._quiet: QuietBlocks | None = None
        self._cheap: bool | None = None  # whether the cheap path applies to this expected language

    # ----------------------------------------------------------------------------------------- public
    def find(self, doc: Document, *, harmonise: bool = True) -> list[Finding]:
        """Return every finding in ``doc``, in document order (by unit, then offset).

        Args:
            doc: a read document.
            harmonise: apply :func:`harmonise_cyrillic` over the document's findings (False: the caller
                does, over a whole file whose shards it finds one by one).

        Returns:
            Findings of kinds ``foreign-text``, ``homoglyph`` and ``ui-chrome``.
        """
        findings: list[Finding] = []
        lines = [_Lines(unit) for unit in doc.units]
        for block in doc.segments:
            text = doc.units[block.unit].text
            words = self._plain_words(text, block)
            quiet = words is not None and self._quiet_blocks().below(words)
            spans: list[ChromeSpan] = []
            candidates = False
            if self.chrome is not None:
                joined = None if words is None else " ".join(words).replace("-", " ")
                candidates, spans = self.chrome.scan(text, block.start, block.end, strings=joined)
            if quiet and not candidates:
                continue  # plain text that cannot hold a foreign run, and no chrome phrase in it
            plain = words is not None
            findings.extend(
                self._block(text, block, lines[block.unit], candidates, spans, plain=plain, quiet=quiet)
            )
        if harmonise:
            findings = harmonise_cyrillic(findings, self.expected)
        findings.sort(key=lambda f: (f.line, f.start, f.end, f.kind.value))
        return findings

    # ----------------------------------------------------------------------------------------- pieces
    def _plain_words(self, text: str, block: Segment) -> list[str] | None:
        """The block's words if the cheap path applies to it (:mod:`pipeline.detection.quiet`), else None."""
        if not _CHEAP_PATH or block.protected:
            return None
        if self._cheap is None:
            if self._lexicon is None:
                self._lexicon = lexicon_for(self.expected)
            # without a word list, sentences go to the statistical detector (_whole_sentence)
            self._cheap = self.native == "Latin" and self._lexicon.has_expected()
        return self._quiet_blocks().words(text[block.start : block.end]) if self._cheap else None

    def _quiet_blocks(self) -> QuietBlocks:
        if self._quiet is None:
            invisible = "".join(c for c in map(chr, range(0x10000)) if _INVISIBLE.match(c))
            self._quiet = QuietBlocks(
                self._top_evidence, limit=ENTER_COST + LEAVE_COST, invisible=invisible, long_run=MAX_SENTENCE
            )
        return self._quiet

    def _block(
        self,
        text: str,
        block: Segment,
        lines: _Lines,
        candidates: bool,
        spans: list[ChromeSpan],
        *,
        plain: bool,
        quiet: bool,
    ) -> list[Finding]:
        """The findings of one block.

        ``plain``: the cheap path applies to it, so a sentence whose own words are quiet yields nothing of its
        own; ``quiet``: no sentence of it does.
        """
        if candidates and block.kind is not BlockKind.SENTENCE:
            found = self._chrome(text, block, lines)
            if found:
                return found
        findings: list[Finding] = []
        overridden: set[int] = set()
        for sentence in split_block(text, block, self.expected):
            if spans and _covered(sentence.start, sentence.end, text, spans):
                continue  # nothing but chrome
            if candidates and not spans:
                found = self._chrome(text, sentence, lines, block)
                if found:
                    findings.extend(found)
                    continue
            silent = quiet or (plain and self._quiet_blocks().quiet(text, sentence.start, sentence.end))
            found = [] if silent else self._sentence(text, sentence, lines)
            if spans:
                found = self._beside_chrome(found, spans, overridden)
            findings.extend(found)
        for n, span in enumerate(spans):
            if n not in overridden:
                findings.extend(self._chrome_findings(text, span, lines))
        return _absorb(text, self._join_script_runs(text, findings, lines), lines)

    def _join_script_runs(self, text: str, found: list[Finding], lines: _Lines) -> list[Finding]:
        """Join a block's foreign-script warnings that only a number parts (one passage).

        The sentence splitter cuts ``Пекин. 1924.11.05 Пекин`` or ``... понад 21 000. Духовні ...`` in two;
        a passage in one language and script broken only by a number (a date, a figure) is one warning.
        Sentences parted by punctuation alone stay apart (each is translated as a sentence).
        """
        if sum(f.rule == "foreign-script" for f in found) < 2:
            return found
        out: list[Finding] = []
        for f in sorted(found, key=lambda f: (f.start, f.end)):
            prev = out[-1] if out else None
            if (
                prev is not None
                and f.rule == prev.rule == "foreign-script"
                and f.language == prev.language
                and 0 <= f.start - prev.end <= JOIN_GAP
                and _number_gap(text[prev.end : f.start])
            ):
                confidence = max(prev.confidence or 0.0, f.confidence or 0.0)
                out[-1] = self._foreign(text, prev.start, f.end, f.language, confidence, "script", lines)
                continue
            out.append(f)
        return out

    def _finding(
        self,
        kind: FindingKind,
        text: str,
        start: int,
        end: int,
        lines: _Lines,
        message: str,
        **extra: object,
    ) -> Finding:
        line, column = lines.line_col(start)
        info = kind in (FindingKind.UI_CHROME, FindingKind.FOREIGN_INTENDED)
        severity = Severity.INFO if info else Severity.WARNING
        return Finding(
            kind=kind,
            severity=severity,
            start=start,
            end=end,
            line=line,
            column=column,
            text=text[start:end],
            message=message,
            record=lines.unit.record,
            field=lines.unit.field,
            **extra,  # type: ignore[arg-type]
        )

    def _chrome(
        self, text: str, segment: Segment, lines: _Lines, block: Segment | None = None
    ) -> list[Finding]:
        """Findings for a segment that is site interface text (not inside quoted speech), else an empty list.

        Interface text in the expected language is one ``ui-chrome`` finding (info: strip it if you like).
        Interface text in another language is also stray foreign text that must be dealt with, so it is a
        ``foreign-text`` warning (translate, with the phrasebook's rendering as replacement) as well as the
        ``ui-chrome`` info finding over the same span (remove).
        """
        assert self.chrome is not None
        start, end = segment.start, segment.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start > 200 or start >= end:
            return []
        entry = self.chrome.match(text[start:end])
        if entry is None:
            return []
        around = block or segment
        if _overlaps(start, end, quoted_ranges(text, around.start, around.end)):
            return []  # "I agree ." said by someone is not a button
        return self._chrome_findings(text, ChromeSpan(start, end, entry), lines)

    def _beside_chrome(
        self, found: list[Finding], spans: Sequence[ChromeSpan], overridden: set[int]
    ) -> list[Finding]:
        """Drop findings inside chrome (not stray text); a longer foreign passage beats foreign chrome.

        "Фото: Олександр Клименко / Укрінформ" is one Ukrainian passage to translate, not the Russian widget
        "Фото" plus a name: the widget's span (``overridden``) gives way when it lies inside the passage.
        """
        out = []
        for f in found:
            if any(c.start <= f.start and f.end <= c.end for c in spans):
                continue
            if f.kind is FindingKind.FOREIGN_TEXT:
                for n, c in enumerate(spans):
                    if (
                        f.start <= c.start
                        and c.end <= f.end
                        and c.entry.language not in (None, self.expected)
                    ):
                        overridden.add(n)
            out.append(f)
        return out

    def _chrome_findings(self, text: str, span: ChromeSpan, lines: _Lines) -> list[Finding]:
        """The ``ui-chrome`` finding of one span, with a ``foreign-text`` one when it is another language's.

        A picker (languages or countries, in many languages) is chrome only: its names are not stray text.
        """
        entry, start, end = span.entry, span.start, span.end
        if span.picker is not None:
            return [
                self._finding(
                    FindingKind.UI_CHROME,
                    text,
                    start,
                    end,
                    lines,
                    f"site interface text ({span.picker} picker); remove it",
                    action="remove",
                    confidence=1.0,
                    rule="chrome-picker",
                )
            ]
        foreign = entry.language is not None and entry.language != self.expected
        where = f" in {entry.language}" if foreign else ""
        gloss = f" ('{entry.english}')" if foreign else ""
        chrome = self._finding(
            FindingKind.UI_CHROME,
            text,
            start,
            end,
            lines,
            f"site interface text{where}{gloss}; remove it",
            action="remove",
            language=entry.language,
            confidence=1.0,
            replacement=entry.english if foreign else None,
            rule="chrome",
        )
        if not foreign:
            return [chrome]
        stray = self._finding(
            FindingKind.FOREIGN_TEXT,
            text,
            start,
            end,
            lines,
            f"{entry.language} site interface text ('{entry.english}'); translate or remove it",
            action="translate",
            language=entry.language,
            confidence=1.0,
            replacement=entry.english,
            rule="chrome",
            details=(("ui-chrome", entry.english),),
        )
        return [stray, chrome]

    def _sentence(self, text: str, sentence: Segment, lines: _Lines) -> list[Finding]:
        blanked = blank_protected(text, sentence)
        embeds: list[int] = []
        if any(c in blanked for c in "@#/＠＃"):

            def blank(match: regex.Match[str]) -> str:
                embeds.append(match.start() + sentence.start)
                return " " * len(match.group())

            blanked = _EMBED.sub(blank, blanked)
        tokens = _tokens(blanked, sentence.start)
        if not tokens:
            return []
        out: list[Finding] = []
        native: list[int] = []
        foreign: list[int] = []
        for i, token in enumerate(tokens):
            if token.group == "Mixed" or (
                token.group in ("Latin", "Cyrillic", "Greek")
                and not token.word.isascii()
                and len({script_of(c) for c in token.word} & {"Latin", "Cyrillic", "Greek"}) > 1
            ):
                fix = fix_homoglyphs(token.word, prefer=self.native)
                if fix is not None and fix.replacement is not None:  # Δv is notation, not a spoof
                    out.append(
                        self._homoglyph(text, token, fix.script, fix.intruders, fix.replacement, lines)
                    )
                    if fix.script != self.native and fix.script in ("Cyrillic", "Greek"):
                        # a Belarusian word typed with a Latin i is still part of the Belarusian passage
                        tokens[i] = _Token(token.start, token.end, fix.replacement, fix.script)
                        foreign.append(i)
                    continue
            if token.group == "Mixed":
                continue
            if token.group == self.native:
                native.append(i)
            elif token.group != "Other":
                foreign.append(i)
        if foreign:
            out.extend(self._script_runs(text, tokens, foreign, lines))
        if native and self.native in ("Latin", "Cyrillic"):
            if self._lexicon is None:
                self._lexicon = lexicon_for(self.expected)
            if self._lexicon.has_expected():
                out.extend(self._lexicon_runs(text, tokens, native, lines, embeds))
            else:
                out.extend(self._whole_sentence(text, tokens, native, lines))
        return out

    def _whole_sentence(
        self, text: str, tokens: list[_Token], native: list[int], lines: _Lines
    ) -> list[Finding]:
        """Fallback for an expected language without a word list: langdetect on the sentence's own words."""
        head, tail = tokens[native[0]], tokens[native[-1]]
        letters = sum(len(tokens[i].word) for i in native)
        if letters < FALLBACK_LETTERS:
            return []
        detection = self.detector.detect(text[head.start : tail.end])
        if detection.language in (None, self.expected) or detection.confidence < FALLBACK_CONFIDENCE:
            return []
        return [
            self._foreign(
                text, head.start, tail.end, detection.language, detection.confidence, "ngram", lines
            )
        ]

    def _homoglyph(
        self,
        text: str,
        token: _Token,
        script: str,
        intruders: tuple[tuple[str, str], ...],
        replacement: str | None,
        lines: _Lines,
    ) -> Finding:
        names = ", ".join(f"{c} ({d})" for c, d in intruders)
        should = f"; it should read '{replacement}'" if replacement else ""
        return self._finding(
            FindingKind.HOMOGLYPH,
            text,
            token.start,
            token.end,
            lines,
            f"{script} word spelled with look-alike letters {names}{should}",
            action="replace",
            confidence=0.99,
            replacement=replacement,
            rule="homoglyph",
            details=(("script", script), *intruders),
        )

    # ------------------------------------------------------------------------------------ script runs
    def _script_runs(
        self, text: str, tokens: list[_Token], foreign: list[int], lines: _Lines
    ) -> list[Finding]:
        runs: list[list[int]] = []
        for i in foreign:
            if runs:
                prev = runs[-1][-1]
                between = tokens[prev + 1 : i]
                same = tokens[prev].group == tokens[i].group
                names = len(between) <= 2 and all(t.word[:1].isupper() for t in between)
                if same and (not between or names):
                    runs[-1].append(i)
                    continue
            runs.append([i])
        out: list[Finding] = []
        for run in runs:
            group = tokens[run[0]].group
            head, tail = tokens[run[0]], tokens[run[-1]]
            words = [tokens[i].word for i in run]
            letters = sum(len(w) for w in words)
            minimum = self.options.min_chars if group in ("Latin", "Greek") else 1
            if letters < minimum:
                continue
            if (
                group == "Latin"
                and self.native != "Latin"
                and all(any(c.isupper() for c in w) for w in words)
            ):
                continue  # names, brands (iPhone) and acronyms in a non-Latin document
            judgement = judge_script(text, head.start, tail.end, words)
            if judgement.verdict is Verdict.IGNORE:
                continue
            span = text[head.start : tail.end]
            for i in reversed(run):  # name the passage as corrected (homoglyph words read in their script)
                t = tokens[i]
                if text[t.start : t.end] != t.word and len(t.word) == t.end - t.start:
                    offset = t.start - head.start
                    span = span[:offset] + t.word + span[offset + len(t.word) :]
            language = self._script_language(group, span, words)
            confidence = round(1.0 - 0.5 ** (letters + 2), 4) if group != "Latin" else 0.9
            if confidence < self.options.min_confidence:
                continue
            out.append(
                self._foreign(text, head.start, tail.end, language, confidence, "script", lines, judgement)
            )
        return out

    def _script_language(self, group: str, span: str, words: list[str]) -> str | None:
        """Name the language of a run written in a foreign script.

        CJK, Arabic, Hebrew, Greek... are named by their letters. Cyrillic and Latin are voted on: word
        frequencies in each candidate language's list, the n-gram detector's likelihoods and, for Cyrillic,
        the letters only some alphabets use (the only evidence for Belarusian and Serbian, which have no
        lists).
        """
        if group not in CANDIDATES:
            return script_language(group, span)
        span, words = span[:NAMING_CHARS], words[:NAMING_WORDS]  # a name needs no more; keeps it linear
        languages = CANDIDATES[group]
        lexicon = group_lexicon(group)
        totals = dict.fromkeys(languages, 0.0)
        for word in words:
            zipf = lexicon.zipf(word)
            top = max(zipf)
            if top <= 0.0:
                continue
            for lang, z in zip(lexicon.languages, zipf, strict=True):
                totals[lang] += max(-5.0, (max(z, FLOOR_OTHER) - top) * LN10)
        scorer = getattr(self.detector, "likelihoods", None)
        if scorer is not None:
            probs: dict[str, float] = scorer(span, languages)
            if probs:
                top_p = max(probs.values())
                for lang in languages:
                    totals[lang] += max(-6.0, _proxied(probs, lang, 1e-3) - math.log(top_p + 1e-3))
        if group == "Cyrillic":
            _, cues = cyrillic_language(span)
            totals["sr"] = self._serbian(words, lexicon)
            # Belarusian has no list: the lexicon neither helps nor condemns it; its letters decide.
            totals["be"] = max(totals.values()) - BELARUSIAN_MARGIN
            for lang in _CYRILLIC_LANGS:
                totals[lang] += CYRILLIC_CUE_WEIGHT * cues[lang]
            totals["ru"] += RUSSIAN_PRIOR
        order = {lang: i for i, lang in enumerate([*languages, *_CYRILLIC_LANGS])}
        return max(totals, key=lambda lang: (totals[lang], -order[lang]))

    @staticmethod
    def _serbian(words: list[str], lexicon: Lexicon) -> float:
        """Lexicon score of Serbian: its Cyrillic is transliterated 1:1 and looked up in the Latin list."""
        latin = single_lexicon("sh")
        total = 0.0
        for word in words:
            low = word.casefold()
            zipf = lexicon.zipf(low)
            if any(c not in _SERBIAN_LATIN for c in low):
                if max(zipf) > 0.0:
                    total -= 5.0
                continue
            z = latin.zipf("".join(_SERBIAN_LATIN[c] for c in low))[0]
            top = max(*zipf, z)
            if top > 0.0:
                total += max(-5.0, (max(z, FLOOR_OTHER) - top) * LN10)
        return total

    def _foreign(
        self,
        text: str,
        start: int,
        end: int,
        language: str | None,
        confidence: float,
        rule: str,
        lines: _Lines,
        judgement: Judgement = STRAY,
    ) -> Finding:
        name = language or "another language"
        if judgement.verdict is Verdict.INTENDED:
            return self._finding(
                FindingKind.FOREIGN_INTENDED,
                text,
                start,
                end,
                lines,
                f"{name} text the author meant ({judgement.reason}); keep it",
                action="keep",
                language=language,
                confidence=confidence,
                rule=f"intended-{judgement.reason.replace(' ', '-')}",
                details=(("reason", judgement.reason),),
            )
        return self._finding(
            FindingKind.FOREIGN_TEXT,
            text,
            start,
            end,
            lines,
            f"text in {name} where {self.expected} is expected; translate it",
            action="translate",
            language=language,
            confidence=confidence,
            rule=f"foreign-{rule}",
        )

    # ----------------------------------------------------------------------------------- lexicon runs
    def _evidence(self, word: str) -> tuple[float, ...]:
        """Evidence (nats) for each other language over the expected one, for a lower-case word."""
        key = word.casefold()
        cached = self._evidence_cache.get(key)
        if cached is not None:
            return cached
        if self._lexicon is None:
            self._lexicon = lexicon_for(self.expected)
        lexicon = self._lexicon
        zipf = lexicon.zipf(key, keep=False)  # the evidence is kept instead
        z_expected, expected_eff, weight = self._expected_side(key, zipf[0], lexicon)
        accented = not key.isascii()  # alphabet_allows is None (no evidence) for all-ASCII words
        expected_alpha = alphabet_allows(self.expected, key) if accented else None
        ngram: dict[str, float] = {}
        if len(key) >= UNKNOWN_NGRAM_LETTERS and not any(zipf):
            # No list knows it: ask the character n-gram detector, among the lexicon's languages only.
            scorer = getattr(self.detector, "likelihoods", None)
            if scorer is not None:
                ngram = scorer(key, lexicon.languages)
            else:
                detection = self.detector.detect(key, among=lexicon.languages)
                if detection.language is not None:
                    ngram = {detection.language: detection.confidence, **dict(detection.candidates)}
        values: list[float] = []
        for lang, z in zip(lexicon.others, zipf[1:], strict=True):
            other_eff = z if z > 0 else FLOOR_OTHER
            value = (other_eff - expected_eff) * weight * LN10
            allowed = alphabet_allows(lang, key) if accented else None
            if allowed is False:
                value -= 4.0
            elif allowed is True and z_expected <= 0 and expected_alpha is not True:
                value += ALPHABET_BONUS
            if z_expected <= 0 and len(key) >= LONG_WORD:
                value += LONG_UNKNOWN_BONUS
            if ngram:
                ratio = _proxied(ngram, lang, 0.02) - math.log(ngram.get(self.expected, 0.0) + 0.02)
                value += UNKNOWN_NGRAM_WEIGHT * max(-3.0, min(3.0, ratio))
            values.append(value)
        result = self._shared.setdefault(tuple(values), tuple(values))
        if len(self._evidence_cache) > lexicons.WORD_CACHE_LIMIT:
            self._evidence_cache.clear()
            self._shared.clear()
        self._evidence_cache[key] = result
        return result

    def _expected_side(self, key: str, z_expected: float, lexicon: Lexicon) -> tuple[float, float, float]:
        """The expected language's Zipf of ``key`` (an English coinage gets its stem's), its effective value
        (a floor for unknown words) and the weight of the word's evidence."""
        if z_expected <= 0.0 and self.expected == "en":
            z_expected = self._derived(key, lexicon)
        expected_eff = z_expected if z_expected > 0 else FLOOR_EXPECTED
        if z_expected >= 3.0:
            weight = WEIGHT_COMMON
        elif z_expected >= 2.0:
            weight = WEIGHT_KNOWN
        elif z_expected > 0.0:
            weight = WEIGHT_RARE
        else:
            weight = 1.0
        return z_expected, expected_eff, weight

    def _top_evidence(self, word: str, rough: bool = False) -> tuple[float, bool]:
        """``max(0, max(self._evidence(word)))``, the cheap path's share of a word, to the last bit.

        An all-ASCII word that some list knows, or that is too short for the n-gram detector, gets the same
        adjustment in every language (no alphabet evidence, no n-gram ratio), and ``(eff - expected) *
        weight * LN10`` only grows with ``eff``; so its largest evidence is that of the largest effective
        frequency, computed once instead of a tuple of them (most words the cheap path reads are read
        nowhere else). Other words take :meth:`_evidence`, whose tuple the lexicon runs will want too.

        ``rough``: a word no list knows, that the n-gram detector would be asked about, gets an upper bound
        instead (the n-gram ratio at its cap), unless its evidence is known; the second value says whether
        the first is exact (:class:`~pipeline.detection.quiet.QuietBlocks`). Kept per casefolded word.
        """
        key = word.casefold()
        known = self._tops.get(key)
        if known is not None and (rough or known[1]):
            return known
        found = self._top_of(key, rough)
        if len(self._tops) > lexicons.WORD_CACHE_LIMIT:
            self._tops.clear()
        self._tops[key] = found
        return found

    def _top_of(self, key: str, rough: bool) -> tuple[float, bool]:
        """:meth:`_top_evidence` of a casefolded word, not kept."""
        cached = self._evidence_cache.get(key)
        if cached is not None or not key.isascii():
            values = cached if cached is not None else self._evidence(key)
            return max(0.0, max(values, default=0.0)), True
        if self._lexicon is None:
            self._lexicon = lexicon_for(self.expected)
        lexicon = self._lexicon
        if not lexicon.others:
            return 0.0, True
        if "-" in key or "'" in key:
            zipf = lexicon.zipf(key, keep=False)
            first, top, missing, listed = zipf[0], max(zipf[1:]), min(zipf[1:]) <= 0, any(zipf)
        else:
            first, top, missing, listed = lexicon.extremes(key)
        asks_ngram = len(key) >= UNKNOWN_NGRAM_LETTERS and not listed
        if asks_ngram and not rough:
            return max(0.0, max(self._evidence(key))), True
        z_expected, expected_eff, weight = self._expected_side(key, first, lexicon)
        other_eff = max(top, FLOOR_OTHER) if missing else top
        value = (other_eff - expected_eff) * weight * LN10
        if z_expected <= 0 and len(key) >= LONG_WORD:
            value += LONG_UNKNOWN_BONUS
        if asks_ngram:  # _evidence adds UNKNOWN_NGRAM_WEIGHT times a ratio clamped to [-3, 3]
            return max(0.0, value + UNKNOWN_NGRAM_WEIGHT * 3.0), False
        return max(0.0, value), True

    @staticmethod
    def _break_before(
        text: str, tokens: list[_Token], native: list[int], n: int, embeds: Sequence[int]
    ) -> bool:
        """Whether an embed (handle, hashtag, link) or a tweet's dash sits between word ``n - 1`` and ``n``."""  # noqa: E501
        if n == 0:
            return False
        lo, hi = tokens[native[n - 1]].end, tokens[native[n]].start
        return any(lo <= e < hi for e in embeds) or "—" in text[lo:hi]

    @staticmethod
    def _derived(key: str, lexicon: Lexicon) -> float:
        """Zipf of the English word ``key`` is derived from (boycotter, squirmier, vogueiness), else 0.

        English makes words freely with its own suffixes; a word the list lacks whose stem, with the suffix
        taken off, is a common English word is English (a coinage), not foreign.
        """
        for suffix, restore, shortest in _DERIVATIONS:
            if key.endswith(suffix) and len(key) - len(suffix) >= shortest:
                stem = key[: len(key) - len(suffix)] + restore
                z = lexicon.zipf(stem)[0]
                if z >= DERIVED_STEM_ZIPF:
                    return min(z, 3.0)
        return 0.0

    def _lexicon_runs(
        self,
        text: str,
        tokens: list[_Token],
        native: list[int],
        lines: _Lines,
        embeds: Sequence[int] = (),
    ) -> list[Finding]:
        words = [tokens[i].word.casefold().replace("’", "'") for i in native]
        covered = self._terms.covered(words)
        if self._lexicon is None:
            self._lexicon = lexicon_for(self.expected)
        k = len(self._lexicon.others)
        if k == 0:
            return []
        evidence: list[tuple[float, ...]] = []
        zero = (0.0,) * k
        budget = 0.0
        for n, i in enumerate(native):
            token = tokens[i]
            word = token.word
            if n in covered or len(word) < 2 or (word.isupper() and len(word) > 1):
                evidence.append(zero if n not in covered else (-3.0,) * k)
                continue
            values = self._evidence(word)
            initial = n == 0 or i == 0
            if word[:1].isupper() and not initial:
                values = tuple(v * CAPITAL_DAMP if v > 0 else v for v in values)
            evidence.append(values)
            budget += max(0.0, max(values))
        if budget <= ENTER_COST + LEAVE_COST:
            return []
        runs = _viterbi(evidence, k)
        if embeds:
            breaks = [self._break_before(text, tokens, native, n, embeds) for n in range(len(native))]
            runs = _cut_runs(runs, evidence, breaks)
        out: list[Finding] = []
        assert self._lexicon is not None
        for state, lo, hi in runs:
            score = sum(evidence[n][state] for n in range(lo, hi + 1)) - ENTER_COST - LEAVE_COST
            lo, hi = self._extend_names(text, tokens, native, evidence, covered, lo, hi)
            first, last = tokens[native[lo]], tokens[native[hi]]
            run_words = [tokens[native[n]].word for n in range(lo, hi + 1)]
            letters = sum(len(w) for w in run_words)
            if letters < self.options.min_chars:
                continue
            # A sentence's first word says nothing by its capital; written small (and no particle: von der
            # Leyen), it says the run is prose.
            inside = [
                w
                for n, w in zip(range(lo, hi + 1), run_words, strict=True)
                if n or native[0] or not (capitalised(w) or particle(w))
            ]
            if inside and all(capitalised(w) for w in inside if len(w) > 1):
                continue  # capitalised words only: names (a title, a list of authors), not foreign prose
            judgement = judge_latin(
                text,
                first.start,
                last.end,
                run_words,
                initial=native[lo] == 0 or lo == 0,
                alone=lo == 0 and hi == len(native) - 1,
            )
            if judgement.verdict is Verdict.IGNORE:
                continue
            language: str | None = self._lexicon.others[state]
            confidence = round(_sigmoid(CALIB_A * score + CALIB_B), 4)
            if confidence < self.options.min_confidence:
                continue
            out.append(
                self._foreign(text, first.start, last.end, language, confidence, "lexicon", lines, judgement)
            )
        return out

    @staticmethod
    def _extend_names(
        text: str,
        tokens: list[_Token],
        native: list[int],
        evidence: list[tuple[float, ...]],
        covered: set[int],
        lo: int,
        hi: int,
    ) -> tuple[int, int]:
        """Widen a foreign run over up to NAME_REACH capitalised, not-English-leaning words beside it."""

        def name_like(n: int) -> bool:
            word = tokens[native[n]].word
            return n not in covered and word[:1].isupper() and max(evidence[n], default=0.0) >= 0.0

        def adjacent(a: int, b: int) -> bool:
            return not text[tokens[native[a]].end : tokens[native[b]].start].strip()

        for _ in range(NAME_REACH):
            if lo > 0 and name_like(lo - 1) and adjacent(lo - 1, lo):
                lo -= 1
        for _ in range(NAME_REACH):
            if hi + 1 < len(native) and name_like(hi + 1) and adjacent(hi, hi + 1):
                hi += 1
        return lo, hi


def _cut_runs(
    runs: list[tuple[int, int, int]], evidence: list[tuple[float, ...]], breaks: list[bool]
) -> list[tuple[int, int, int]]:
    """Cut foreign runs at embeds, then trim each piece to its first and last word of positive evidence."""
    out: list[tuple[int, int, int]] = []
    for state, lo, hi in runs:
        pieces: list[tuple[int, int]] = []
        start = lo
        for n in range(lo + 1, hi + 1):
            if breaks[n]:
                pieces.append((start, n - 1))
                start = n
        pieces.append((start, hi))
        for a, b in pieces:
            while a <= b and evidence[a][state] <= 0.0:
                a += 1
            while b >= a and evidence[b][state] <= 0.0:
                b -= 1
            if a <= b and sum(evidence[n][state] for n in range(a, b + 1)) > ENTER_COST + LEAVE_COST:
                out.append((state, a, b))
    return out


def _viterbi(evidence: list[tuple[float, ...]], k: int) -> list[tuple[int, int, int]]:
    """Best labelling of words as expected (state -1) or one of ``k`` languages; returns foreign runs.

    Emission of the expected state is 0 (evidence is relative to it). Ties prefer the expected language, so
    runs are as tight as the evidence allows.

    Returns:
        ``(language index, first word, last word)`` for each maximal foreign run.
    """
    n = len(evidence)
    neg = -1e18
    # score[0] is the expected language, score[j+1] language j.
    score = [0.0] + [neg] * k
    back: list[list[int]] = []
    for t in range(n):
        ev = evidence[t]
        prev = score
        row = [0] * (k + 1)
        new = [0.0] * (k + 1)
        # expected state
        stay = prev[0]
        leave_state = max(range(1, k + 1), key=lambda s: prev[s]) if k else 0
        leave = prev[leave_state] - LEAVE_COST if k else neg
        if stay >= leave:  # on a tie, have left as early as possible (tight right edge)
            new[0], row[0] = stay, 0
        else:
            new[0], row[0] = leave, leave_state
        for j in range(1, k + 1):
            options = (prev[j], prev[0] - ENTER_COST)
            if options[0] > options[1]:  # on a tie, enter as late as possible (tight left edge)
                best, src = options[0], j
            else:
                best, src = options[1], 0
            # switching straight between foreign languages
            if leave_state != j and k > 1:
                alt = prev[leave_state] - SWITCH_COST
                if alt > best:
                    best, src = alt, leave_state
            new[j] = best + ev[j - 1]
            row[j] = src
        score = new
        back.append(row)
    # termination: leaving at the end costs LEAVE_COST as well (symmetric spans)
    final = [score[0]] + [score[j] - LEAVE_COST for j in range(1, k + 1)]
    state = max(range(k + 1), key=lambda s: (final[s], s == 0))
    path = [0] * n
    for t in range(n - 1, -1, -1):
        path[t] = state
        state = back[t][state]
    runs: list[tuple[int, int, int]] = []
    t = 0
    while t < n:
        if path[t] == 0:
            t += 1
            continue
        s = path[t]
        lo = t
        while t + 1 < n and path[t + 1] == s:
            t += 1
        runs.append((s - 1, lo, t))
        t += 1
    return runs
