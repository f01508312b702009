"""Site interface text ("chrome"): subscribe buttons, newsfeeds, log-in prompts, in any language.

A segment is chrome when its whole text, normalised by :func:`normalise_chrome`, equals a known phrase,
or when it is a menu line whose every piece does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ChromeEntry", "ChromeIndex", "normalise_chrome"]

_MENU_SEPARATORS = re.compile(r"\s*[|•·/]\s*")


def normalise_chrome(text: str) -> str:
    """Casefold, drop punctuation, symbols and digits (counters like "23"), collapse spaces.

    >>> normalise_chrome("  Comments (23) »")
    'comments'
    >>> normalise_chrome("Log in  or\\nregister!")
    'log in or register'
    """
    out: list[str] = []
    for char in text.casefold():
        if char.isalpha() or unicodedata.category(char).startswith("M"):
            out.append(char)
        elif char == "'" or char == "\u2019":
            continue
        else:
            out.append(" ")
    return " ".join("".join(out).split())


@dataclass(frozen=True, slots=True)
class ChromeEntry:
    """One interface phrase.

    Attributes:
        language: ISO 639-1 code of the phrase.
        phrase: the phrase as written in the phrasebook.
        english: its English rendering.
    """

    language: str
    phrase: str
    english: str


class ChromeIndex:
    """Exact-match index of interface phrases, keyed by their normalised text.

    Args:
        entries: normalised phrase -> entry. Use :meth:`from_phrases` to build one.
    """

    def __init__(self, entries: dict[str, ChromeEntry]) -> None:
        self._entries = dict(entries)

    @classmethod
    def from_phrases(cls, phrases: Iterable[tuple[str, str, str]]) -> ChromeIndex:
        """Build an index from ``(language, phrase, english)`` triples; the first of duplicates wins.

        >>> index = ChromeIndex.from_phrases([("en", "Subscribe", "Subscribe")])
        >>> index.match("SUBSCRIBE!").language
        'en'
        """
        entries: dict[str, ChromeEntry] = {}
        for language, phrase, english in phrases:
            key = normalise_chrome(phrase)
            if key and key not in entries:
                entries[key] = ChromeEntry(language, phrase, english)
        return cls(entries)

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
