"""The phrasebook layer: site-interface strings with a rendering per language (``web-chrome.toml``).

A span that is a known interface string (``Все права защищены.``) is rendered from the phrasebook, before
the glossary, the memory and the model. :func:`fit_phrase` keeps the segment's own trailing punctuation and
case (``ПОДПИСАТЬСЯ`` -> ``SUBSCRIBE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.detection.chrome import ChromeIndex

__all__ = ["Phrasebook"]


@dataclass(frozen=True, slots=True)
class Phrasebook:
    """Interface strings and glossary renderings used as a translation memory.

    Attributes:
        chrome: index of interface phrases (any language) to their English rendering.
        renderings: normalised phrase -> ``(language, rendering)`` pairs, for targets other than English.
    """

    chrome: ChromeIndex | None
    renderings: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def lookup(self, text: str, target: str) -> str | None:
        """Return the target rendering of a whole interface string, or None.

        The rendering takes the segment's own trailing punctuation and case (see the module docstring).
        """
        if self.chrome is None:
            return None
        entry = self.chrome.match(text)
        if entry is None:
            return None
        if target == "en":
            return fit_phrase(text, entry.english)
        from pipeline.detection.chrome import normalise_chrome

        for lang, rendering in self.renderings.get(normalise_chrome(entry.phrase), ()):
            if lang == target:
                return fit_phrase(text, rendering)
        return None


_END_PUNCT = ".!?…:;,。！？"


_ASCII_PUNCT = {"。": ".", "！": "!", "？": "?", "：": ":", "；": ";", "，": ","}


def fit_phrase(source: str, rendering: str) -> str:
    """``rendering`` with the trailing punctuation and the case of ``source``.

    >>> fit_phrase("Все права защищены.", "All rights reserved")
    'All rights reserved.'
    >>> fit_phrase("ПОДПИСАТЬСЯ", "Subscribe"), fit_phrase("подписаться", "Subscribe")
    ('SUBSCRIBE', 'subscribe')
    >>> fit_phrase("Читать далее…", "Read more")
    'Read more…'
    """
    body = rendering.rstrip(_END_PUNCT + " ")
    trail = source[len(source.rstrip(_END_PUNCT)) :]
    letters = [c for c in source if c.isalpha()]
    if letters and len(letters) > 1 and all(c.isupper() for c in letters):
        body = body.upper()
    elif letters and letters[0].islower() and body[:1].isupper() and not body[1:2].isupper():
        body = body[0].lower() + body[1:]
    elif letters and letters[0].isupper():
        body = body[:1].upper() + body[1:]
    wide = any(ord(c) >= 0x2E80 for c in body)  # a CJK rendering keeps CJK punctuation
    return body + "".join(c if wide else _ASCII_PUNCT.get(c, c) for c in trail)
