"""Inline codes inside a sentence: what the model is sent in their place, and how they come back.

Pure. A translation unit is a whole sentence; the pieces of it that are not prose (HTML tags and character
references, Markdown emphasis markers, link brackets and targets, inline code, URLs, e-mail addresses,
handles, numbers and codes) are *codes*. Each code is sent as ``⟦k⟧`` (``k`` its 0-based index in the
sentence) and put back after translation. Why this form:

* the brackets ``⟦⟧`` (U+27E6/U+27E7) never occur in prose, so a placeholder cannot be confused with text;
* a SentencePiece vocabulary without byte fallback (the real Argos ones) does not know them: they are
  ``<unk>``, and CTranslate2's ``replace_unknowns`` (on, as in Argos) copies the source token back; the
  digit between them is an ordinary token every model copies. The suite checks it on a BPE model without
  byte fallback (``tests/argos_fixture.py``, ``dictionary`` model);
* a model that damages one (``⟦ 1 ⟧``, ``⟦1``) is still read: spaces inside are ignored.

Repair, deterministic, each step reported in :attr:`Restored.repairs`:

1. a placeholder whose number is not a code of the sentence is removed (``invented ⟦7⟧``);
2. a duplicate is removed, the first occurrence kept (``duplicated ⟦1⟧``);
3. a missing one is inserted just before the next code (in source order) the output has, or at the end,
   before the final punctuation, when none follows (``dropped ⟦1⟧``);
4. paired markup (opening/closing HTML tags, emphasis markers, link brackets) must keep its source order,
   or the markup would no longer nest: when the output has it in another order, the paired codes are put
   back in source order into the places the output gave them (``reordered ⟦0⟧ ⟦1⟧``). Standalone codes
   (numbers, URLs, entities, inline code, images) may move, as word order does between languages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "PLACEHOLDER",
    "Restored",
    "is_paired",
    "locate_codes",
    "mask_codes",
    "placeholder",
    "restore",
]


PLACEHOLDER = re.compile(r"⟦\s*(\d+)\s*⟧?|⟦?\s*(\d+)\s*⟧")


_TAG = re.compile(r"</?([A-Za-z][\w-]*)\b[^>]*>\Z", re.S)


_VOID = frozenset({"img", "br", "wbr", "hr", "input", "area", "col", "embed", "source", "track"})


_TRAILING = re.compile(r"[\s.!?…:;,。！？\"'”’»)\]]*\Z")


def placeholder(index: int) -> str:
    """The placeholder of code ``index``.

    >>> placeholder(3)
    '⟦3⟧'
    """
    return f"⟦{index}⟧"


def is_paired(code: str) -> bool:
    """Whether ``code`` is one half of paired markup (its order against the other half matters).

    >>> [is_paired(c) for c in ("<b>", "</a>", "<img src=x>", "**", "[", "](https://x)", "&amp;", "2024")]
    [True, True, False, True, True, True, False, False]
    """
    tag = _TAG.match(code)
    if tag:
        return not code.endswith("/>") and tag.group(1).lower() not in _VOID
    stripped = code.strip()
    if stripped and set(stripped) <= set("*_~"):
        return True
    return stripped in ("[", "![") or stripped.startswith(("](", "]["))


def mask_codes(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, tuple[str, ...]]:
    """Replace each ``(start, end)`` span of ``text`` (sorted, not overlapping) by its placeholder.

    >>> mask_codes("a <b>b</b> c", [(2, 5), (6, 10)])
    ('a ⟦0⟧b⟦1⟧ c', ('<b>', '</b>'))
    """
    out: list[str] = []
    codes: list[str] = []
    cursor = 0
    for start, end in spans:
        out.append(text[cursor:start])
        out.append(placeholder(len(codes)))
        codes.append(text[start:end])
        cursor = end
    out.append(text[cursor:])
    return "".join(out), tuple(codes)


@dataclass(frozen=True, slots=True)
class Restored:
    """A model output with its codes back.

    Attributes:
        text: the output with each placeholder replaced by its code.
        spans: ``(start, end)`` of every restored code in ``text`` (what a writer must not escape).
        repairs: what had to be repaired, one short phrase each (empty when the model kept every code).
    """

    text: str
    spans: tuple[tuple[int, int], ...]
    repairs: tuple[str, ...]


def restore(output: str, codes: Sequence[str]) -> Restored:
    """Put ``codes`` back into a model ``output`` in place of their placeholders (see the module rules).

    >>> restore("⟦0⟧Roscosmos⟦1⟧ said", ["<b>", "</b>"]).text
    '<b>Roscosmos</b> said'
    >>> r = restore("Roscosmos⟦0⟧ said.", ["<b>", "</b>"])
    >>> r.text, r.repairs
    ('Roscosmos<b> said</b>.', ('dropped ⟦1⟧',))
    >>> restore("⟦1⟧x⟦0⟧ y ⟦1⟧", ["<i>", "</i>"]).repairs
    ('duplicated ⟦1⟧', 'reordered ⟦0⟧ ⟦1⟧')
    """
    repairs: list[str] = []
    seen: set[int] = set()
    cursor = 0
    kept_text: list[tuple[str, int | None]] = []  # text pieces and code slots, in output order
    for match in PLACEHOLDER.finditer(output):
        if "⟦" not in match.group() and "⟧" not in match.group():
            continue
        index = int(match.group(1) or match.group(2))
        kept_text.append((output[cursor : match.start()], None))
        cursor = match.end()
        if index >= len(codes):
            repairs.append(f"invented {placeholder(index)}")
            continue
        if index in seen:
            repairs.append(f"duplicated {placeholder(index)}")
            continue
        seen.add(index)
        kept_text.append(("", index))
    kept_text.append((output[cursor:], None))
    # Drop empty text pieces; keep the order of slots.
    sequence: list[str | int] = []
    for piece, slot in kept_text:
        if slot is not None:
            sequence.append(slot)
        elif piece and sequence and isinstance(sequence[-1], str):
            sequence[-1] += piece
        elif piece:
            sequence.append(piece)
    for index in range(len(codes)):
        if index in seen:
            continue
        repairs.append(f"dropped {placeholder(index)}")
        later = [i for i, item in enumerate(sequence) if isinstance(item, int) and item > index]
        if later:
            sequence.insert(later[0], index)
        else:
            tail = sequence[-1] if sequence and isinstance(sequence[-1], str) else ""
            cut = _TRAILING.search(tail)
            keep = len(tail) if cut is None else cut.start()
            if tail and keep < len(tail):
                sequence[-1:] = [tail[:keep], index, tail[keep:]]
            else:
                sequence.append(index)
        seen.add(index)
    paired_slots = [i for i, item in enumerate(sequence) if isinstance(item, int) and is_paired(codes[item])]
    paired = [int(sequence[i]) for i in paired_slots]
    if paired != sorted(paired):
        repairs.append("reordered " + " ".join(placeholder(p) for p in sorted(paired)))
        for slot, index in zip(paired_slots, sorted(paired), strict=True):
            sequence[slot] = index
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for item in sequence:
        piece = item if isinstance(item, str) else codes[item]
        if not isinstance(item, str):
            spans.append((length, length + len(piece)))
        out.append(piece)
        length += len(piece)
    return Restored("".join(out), tuple(spans), tuple(repairs))


def locate_codes(text: str, codes: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Find ``codes`` in ``text``, in order where possible (a reviewer's target keeps its tags verbatim).

    >>> locate_codes("<b>Roscosmos</b> said", ["<b>", "</b>"])
    ((0, 3), (12, 16))
    """
    spans: list[tuple[int, int]] = []
    cursor = 0
    for code in codes:
        if not code:
            continue
        at = text.find(code, cursor)
        if at < 0:
            continue
        spans.append((at, at + len(code)))
        cursor = at + len(code)
    return tuple(spans)
