"""Inline codes of a translated sentence as exchange formats see them: which code is where, which pair.

Pure. Shared by the XLIFF 2.0 writer (``<pc>``/``<sc>``/``<ec>``/``<ph>``) and the TMX 1.4b writer
(``<bpt>``/``<ept>``/``<ph>``). Rules:

* a sentence is split into *pieces*: text (``str``) and code slots (``int``, the code's index in the
  change's :attr:`~pipeline.document.Change.codes`, which are in source order);
* in the source the codes are found in order; in a translation a standalone code may have moved, so each
  is found wherever it is, longest codes first, identical ones left to right (a code the translation
  lacks is simply absent: the text stays text);
* pairs are found on the source order: an HTML start tag with the next unmatched end tag of its name,
  a Markdown emphasis marker with the next identical one, ``[``/``![`` with the next ``](…)``/``][…]``.
  A paired half without its partner in the sentence is *isolated*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.translation.placeholders import is_paired

__all__ = ["Piece", "crossing", "pair_codes", "pieces", "pieces_in_order"]


#: A piece of a sentence: text, or the index of a code.
Piece = str | int


_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)")


def _split(text: str, found: Sequence[tuple[int, int, int]]) -> list[Piece]:
    out: list[Piece] = []
    cursor = 0
    for start, end, index in sorted(found):
        if start > cursor:
            out.append(text[cursor:start])
        out.append(index)
        cursor = end
    if cursor < len(text):
        out.append(text[cursor:])
    return out


def pieces_in_order(text: str, codes: Sequence[str]) -> list[Piece]:
    """``text`` split at ``codes``, found in order (a source sentence).

    >>> pieces_in_order("a <b>b</b> c", ["<b>", "</b>"])
    ['a ', 0, 'b', 1, ' c']
    """
    found: list[tuple[int, int, int]] = []
    cursor = 0
    for index, code in enumerate(codes):
        at = text.find(code, cursor) if code else -1
        if at >= 0:
            found.append((at, at + len(code), index))
            cursor = at + len(code)
    return _split(text, found)


def pieces(text: str, codes: Sequence[str]) -> list[Piece]:
    """``text`` split at ``codes``, each found wherever it is (a translation; see the module rules).

    >>> pieces("In 2024 <br>the 5", ["5", "<br>", "2024"])
    ['In ', 2, ' ', 1, 'the ', 0]
    """
    taken: list[tuple[int, int, int]] = []
    for index in sorted(range(len(codes)), key=lambda i: (-len(codes[i]), i)):
        code = codes[index]
        at = text.find(code) if code else -1
        while at >= 0 and any(at < b and a < at + len(code) for a, b, _ in taken):
            at = text.find(code, at + 1)
        if at >= 0:
            taken.append((at, at + len(code), index))
    return _split(text, taken)


def pair_codes(codes: Sequence[str]) -> dict[int, int]:
    """The paired codes of a sentence: start index to end index (see the module rules).

    >>> pair_codes(["<b>", "**", "</b>", "[", "](https://x)", "**", "</i>"])
    {0: 2, 3: 4, 1: 5}
    """
    pairs: dict[int, int] = {}
    open_: list[tuple[str, int]] = []
    for index, code in enumerate(codes):
        if not is_paired(code):
            continue
        stripped = code.strip()
        tag = _TAG.match(stripped)
        if tag:
            key, closing = "<" + tag.group(2).lower(), bool(tag.group(1))
        elif stripped in ("[", "!["):
            key, closing = "[", False
        elif stripped.startswith(("](", "][")):
            key, closing = "[", True
        else:  # emphasis marker: the next identical one closes it
            key = stripped
            closing = any(k == key for k, _ in open_)
        if not closing:
            open_.append((key, index))
            continue
        for k in range(len(open_) - 1, -1, -1):
            if open_[k][0] == key:
                pairs[open_.pop(k)[1]] = index
                break
    return pairs


def crossing(sequence: Sequence[Piece], pairs: dict[int, int]) -> bool:
    """Whether the pairs in ``sequence`` fail to nest (or an end comes before its start).

    >>> crossing([0, "a", 1, "b", 2, 3], {0: 2, 1: 3}), crossing([0, 1, "x", 3, 2], {0: 2, 1: 3})
    (True, False)
    """
    ends = {end: start for start, end in pairs.items()}
    slots = [p for p in sequence if isinstance(p, int)]
    stack: list[int] = []
    for slot in slots:
        if slot in pairs and pairs[slot] in slots:
            stack.append(slot)
        elif slot in ends and ends[slot] in slots:
            if not stack or stack[-1] != ends[slot]:
                return True
            stack.pop()
    return bool(stack)
