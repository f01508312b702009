"""The audit's cheap path: blocks of plain Latin text whose words cannot add up to a foreign run.

Most blocks of an English article yield nothing: no foreign script, no look-alike letter, and no run of
words that leans foreign enough to pay the HMM's entry and exit costs. :class:`QuietBlocks` tells such a
block from its words in one pass, before it is split into sentences, so
:meth:`~pipeline.detection.stray.StrayFinder.find` never splits it, blanks it or labels it. The test is
sound, never a guess; the full path is only skipped where it provably finds nothing:

1. **Plain characters** (:meth:`QuietBlocks.words`). Every character of the block is ASCII other than
   ``@``, or a Latin letter (``[^\\W\\d_]`` for ``re`` and ``[\\p{L}\\p{M}]`` for ``regex`` alike, and not a
   mark), or a character neither calls a letter (punctuation, spaces, digits), and none is invisible
   (soft hyphen, zero-width...) or ``＠``. Then every word is Latin, so nothing is in a foreign script and
   nothing is a homoglyph, and the detector's word pattern reads exactly :data:`_PLAIN_TOKEN`'s words,
   whose pieces at ``-`` are the words chrome matching reads.
2. **Words are only ever cut where they already break.** The sentence splitter cuts after whitespace,
   terminators or line ends, never between two letters, unless a piece of over 1,000 characters has no
   whitespace in its last 500 (no block with a 500-character run without whitespace is plain). Protected
   spans (URLs, numbers, codes...) and embeds (``#tag``, links) start after a non-word character and end
   before a non-letter (their look-behinds, greedy ``\\w`` runs, ``\\b`` and ``(?![^\\W\\d_])``), and
   ``@handles``, which may stop after 40 letters, are excluded above. So each word the detector reads
   in a sentence of the block is a run of whole letter segments of one block word (``don`` or ``t`` of
   ``don't``, ``long`` of ``km-long``).
3. **The budget bound** (:meth:`QuietBlocks.below`). A sentence's lexicon runs are only searched when
   its budget, the sum over its words of their largest positive evidence (words under two letters,
   all-capital words and known terms count 0, capitalised words are damped), is over the entry plus exit
   cost, and no run can score above the budget. Each word's share is at most ``b(w)``, the sum over every
   run of whole segments of ``w`` of its undamped largest positive evidence; the block's sum of ``b``
   bounds every sentence's budget. At or under the cost (less a margin for rounding), no sentence can
   have a run. A word no list knows would need the n-gram detector for its evidence; its share is first
   bounded with the n-gram ratio at its cap (a rough bound), and the detector is asked only for the words
   of a block whose rough sum is over the cost.

A quiet block whose words also hold no chrome phrase (:meth:`~pipeline.detection.chrome.ChromeIndex.scan`
on the same words) has no finding at all; one that does is still checked for chrome, sentence by sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import regex  # type: ignore[import-untyped]

from pipeline.detection import lexicon
from pipeline.detection.scripts import script_group, script_of

__all__ = ["QuietBlocks"]

#: The detector's words (letters joined by ``'``, ``’`` or ``-``) and chrome's numbers, in one ``re`` pass.
_PLAIN_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,:]\d+)*")
#: The same on ASCII text (where ``[^\\W\\d_]`` is ``[A-Za-z]`` and ``\\d`` is ``[0-9]``), a little faster.
_ASCII_TOKEN = re.compile(r"[A-Za-z]+(?:['\-][A-Za-z]+)*|[0-9]+(?:[.,:][0-9]+)*")
#: The letter segments of a word.
_SEGMENT = re.compile(r"[^\W\d_]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_LETTER_RX = regex.compile(r"[\p{L}\p{M}]")
_MARK = regex.compile(r"\p{M}")
#: Characters that end the cheap path whatever they are: handles may cut a word after 40 letters.
_HANDLES = "@＠"
MARGIN = 1e-6  # rounding: a sentence's budget sums the same evidence in another order


class QuietBlocks:
    """Which blocks of plain Latin text can yield no finding (see the module docstring for why).

    Args:
        top: ``top(word, rough)``: the largest positive evidence (nats, 0.0 when no other language gains)
            of a word, as the lexicon runs see it, ``max(0, max(evidence(word)))``, and whether it is exact.
            With ``rough`` it may instead be an upper bound of it that is cheaper to compute (``False``).
        limit: the budget at or under which a sentence's lexicon runs are not searched.
        invisible: the characters the detector skips inside words.
        long_run: the sentence splitter's longest segment; blocks with a whitespace-free run of half of it
            are not plain.
    """

    def __init__(
        self,
        top: Callable[[str, bool], tuple[float, bool]],
        *,
        limit: float,
        invisible: str,
        long_run: int,
    ) -> None:
        self._top = top
        self._unsafe = set(invisible) | set(_HANDLES)
        self._safe = {chr(c) for c in range(128)} - self._unsafe
        self._long = long_run
        self._run = long_run - long_run // 2
        self._limit = limit
        self._rough = _Bounds(lambda word: self._bound(word, rough=True)[0])
        self._bounds = _Bounds(lambda word: self._bound(word, rough=False)[0])
        self._inexact: set[str] = set()  # words whose rough bound is not their bound

    def words(self, text: str) -> list[str] | None:
        """The block's words and numbers (:data:`_PLAIN_TOKEN`) if all its characters are plain, else None."""
        ascii = text.isascii()
        if ascii:
            if "@" in text:
                return None
        elif not self._safe.issuperset(text) and not self._plain(set(text) - self._safe):
            return None
        if len(text) > self._long and max(map(len, text.split()), default=0) >= self._run:
            return None
        return (_ASCII_TOKEN if ascii else _PLAIN_TOKEN).findall(text)

    def _plain(self, chars: set[str]) -> bool:
        """Classify characters not seen before; whether all are plain."""
        if chars & self._unsafe:
            return False
        for char in chars:
            letter = bool(_LETTER_RE.match(char))
            plain = letter == bool(_LETTER_RX.match(char)) and not _MARK.match(char)
            if plain and letter:
                plain = script_group(script_of(char)) == "Latin"
            (self._safe if plain else self._unsafe).add(char)
            if not plain:
                return False
        return True

    def quiet(self, text: str, start: int, end: int) -> bool:
        """Whether the sentence ``text[start:end]`` of a plain block can have no lexicon run of its own."""
        return self.below(_PLAIN_TOKEN.findall(text, start, end))

    def below(self, words: Sequence[str]) -> bool:
        """Whether the budget bound of ``words`` (from :meth:`words`) is at most the limit, less a margin.

        The rough bounds (:meth:`_bound`) are summed first: at or under the limit, so is the bound; over it,
        the bound is summed only if some word's rough bound was not exact.
        """
        limit = self._limit - MARGIN
        if sum(map(self._rough.__getitem__, words)) <= limit:
            return True
        if self._inexact.isdisjoint(words):
            return False
        return sum(map(self._bounds.__getitem__, words)) <= limit

    def _bound(self, word: str, *, rough: bool) -> tuple[float, bool]:
        """``b(word)``, the sum over every run of whole letter segments of its largest positive evidence, and
        whether it is exact; ``rough``: each run's evidence may be bounded from above instead."""
        segments = [m.span() for m in _SEGMENT.finditer(word)]
        total = 0.0
        exact = True
        for i, (start, _) in enumerate(segments):
            for _, end in segments[i:]:
                part = word[start:end]
                if len(part) >= 2 and not part.isupper():
                    value, known = self._top(part, rough)
                    total += value
                    exact = exact and known
        if rough and not exact:
            # a word must not lose its mark while its bound is kept
            if len(self._inexact) >= lexicon.WORD_CACHE_LIMIT:
                self._rough.clear()
                self._inexact.clear()
            self._inexact.add(word)
        return total, exact


class _Bounds(dict[str, float]):
    """Word -> ``b(word)`` (or its rough bound), computed on first use (a lookup in C for every word seen
    before)."""

    def __init__(self, bound: Callable[[str], float]) -> None:
        super().__init__()
        self._bound = bound

    def __missing__(self, word: str) -> float:
        value = self._bound(word)
        if len(self) >= lexicon.WORD_CACHE_LIMIT:
            self.clear()
        self[word] = value
        return value
