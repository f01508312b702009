"""Mine candidate terms from a corpus for extending a glossary (pure: texts in, candidates out).

Three kinds of candidates, each not yet in the glossary:

* ``name``: multi-word capitalised names (``Mission Control Center``, ``Vostochny Cosmodrome``), two to six
  words, ``of``/``the``/``for``/``and`` allowed inside;
* ``abbreviation``: all-caps words of 2-6 letters (``ESA``, ``TsUP`` is not one, ``МКС`` is);
* ``foreign``: runs of one to four words in another script (Cyrillic, Greek, Arabic, Hebrew, CJK), the kind
  of text the audit flags in English articles, with a guessed language.

Each candidate has its count, the number of documents it occurs in, and the first example context.
:func:`candidates_csv` writes them in the full CSV layout that ``glossa glossary add --from-csv`` reads.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.glossary.exchange import escape_cell, slug

__all__ = ["Candidate", "candidates_csv", "extract_candidates"]

_CAP = r"[A-Z][a-z][A-Za-z0-9'’\-]*"
_NAME = re.compile(rf"\b{_CAP}(?:(?:\s+(?:of|the|for|and|de|von|da|del))?\s+{_CAP}){{1,5}}\b")
_ABBR = re.compile(r"(?<![\w-])[A-ZА-ЯЁІЇЄҐ]{2,6}(?![\w])")
_FOREIGN_WORD = (
    r"[\u0400-\u04ff]+|[\u0370-\u03ff]+|[\u0600-\u06ff]+|[\u0590-\u05ff]+|[\u3040-\u30ff\u3400-\u9fff]+"
)
_FOREIGN = re.compile(rf"(?:{_FOREIGN_WORD})(?:[ \-](?:{_FOREIGN_WORD})){{0,3}}")
_LEADING = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "Of",
        "For",
        "And",
        "But",
        "Or",
        "As",
        "By",
        "From",
        "To",
        "With",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "You",
        "His",
        "Her",
        "Their",
        "Our",
        "When",
        "While",
        "After",
        "Before",
        "Since",
        "If",
        "Then",
        "So",
        "Yet",
        "However",
        "According",
        "Also",
        "On",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)
_NOT_ABBR = frozenset(
    ["I", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "XX", "OK", "TV", "AM", "PM", "AD", "BC"]
)
_KINDS = ("name", "abbreviation", "foreign")
#: Script -> language guesses, first match wins (Ukrainian letters before the rest of Cyrillic, kana before
#: the CJK ideographs Japanese shares with Chinese).
_SCRIPTS = tuple(
    (re.compile(pattern), lang)
    for pattern, lang in (
        (r"[іїєґІЇЄҐ]", "uk"),
        (r"[\u0400-\u04ff]", "ru"),
        (r"[\u3040-\u30ff]", "ja"),
        (r"[\u3400-\u9fff]", "zh"),
        (r"[\u0370-\u03ff]", "el"),
        (r"[\u0600-\u06ff]", "ar"),
        (r"[\u0590-\u05ff]", "he"),
    )
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate term found in a corpus.

    Attributes:
        kind: ``name``, ``abbreviation`` or ``foreign``.
        term: the most frequent surface form.
        lang: its language (``en`` for names and Latin abbreviations; a guess for foreign text).
        count: occurrences in the corpus.
        files: documents it occurs in.
        example: the first occurrence with some context, on one line.
        source: the first document it occurs in.
    """

    kind: str
    term: str
    lang: str
    count: int
    files: int
    example: str
    source: str


@dataclass(slots=True)
class _Tally:
    example: str
    source: str
    count: int = 0
    forms: dict[str, int] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)


def _script_lang(text: str) -> str:
    """Guess a language from the script (Ukrainian letters make Cyrillic ``uk``).

    >>> _script_lang("Роскосмос"), _script_lang("Їжак"), _script_lang("宇宙"), _script_lang("うちゅう")
    ('ru', 'uk', 'zh', 'ja')
    """
    for script, lang in _SCRIPTS:
        if script.search(text):
            return lang
    return "en"


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    snippet = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    return " ".join(snippet.split())


def _strip_leading(name: str) -> str:
    words = name.split()
    while words and words[0] in _LEADING:
        words = words[1:]
    while words and words[-1] in ("of", "the", "for", "and"):
        words = words[:-1]
    return " ".join(words)


def extract_candidates(
    documents: Iterable[tuple[str, str]], known: frozenset[str], *, min_count: int = 2, min_foreign: int = 1
) -> list[Candidate]:
    """Find candidate terms in ``(source, text)`` documents.

    Args:
        documents: ``(name, text)`` pairs.
        known: strings already in the glossary (compared case-insensitively; see ``known_terms``).
        min_count: fewest occurrences for a name or an abbreviation.
        min_foreign: fewest occurrences for foreign-script text.

    Returns:
        Candidates by kind (name, abbreviation, foreign), then by count (most first), then alphabetically.

    >>> docs = [("a.txt", "The Vostochny Cosmodrome opened. Vostochny Cosmodrome and ESA, ESA. «Роскосмос».")]
    >>> [(c.kind, c.term, c.count) for c in extract_candidates(docs, frozenset({"ISS"}))]
    [('name', 'Vostochny Cosmodrome', 2), ('abbreviation', 'ESA', 2), ('foreign', 'Роскосмос', 1)]
    """
    known_folded = {k.casefold() for k in known}
    found: dict[tuple[str, str], _Tally] = {}

    def note(kind: str, term: str, source: str, text: str, start: int, end: int) -> None:
        key = (kind, term.casefold())
        if key[1] in known_folded:
            return
        tally = found.get(key)
        if tally is None:
            tally = found[key] = _Tally(example=_context(text, start, end), source=source)
        tally.forms[term] = tally.forms.get(term, 0) + 1
        tally.count += 1
        tally.files.add(source)

    for source, text in documents:
        for m in _NAME.finditer(text):
            name = _strip_leading(m.group())
            if len(name.split()) >= 2:
                offset = m.group().find(name)
                note("name", name, source, text, m.start() + offset, m.start() + offset + len(name))
        for m in _ABBR.finditer(text):
            if m.group() not in _NOT_ABBR:
                note("abbreviation", m.group(), source, text, m.start(), m.end())
        for m in _FOREIGN.finditer(text):
            note("foreign", m.group(), source, text, m.start(), m.end())
    out: list[Candidate] = []
    for (kind, _), tally in found.items():
        if tally.count < (min_foreign if kind == "foreign" else min_count):
            continue
        term = sorted(tally.forms.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out.append(
            Candidate(
                kind=kind,
                term=term,
                lang=_script_lang(term),
                count=tally.count,
                files=len(tally.files),
                example=tally.example,
                source=tally.source,
            )
        )
    out.sort(key=lambda c: (_KINDS.index(c.kind), -c.count, c.term))
    return out


def candidates_csv(candidates: Iterable[Candidate]) -> str:
    """The candidates as a full-layout CSV that ``glossa glossary add --from-csv`` reads.

    Names and Latin abbreviations fill ``en``; foreign text fills its language's column and leaves ``en``
    empty for the reviewer (``add`` refuses rows without ``en``). Review columns: kind, count, files, example.
    """
    items = list(candidates)
    langs = sorted({c.lang for c in items if c.lang != "en"})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "category", "en", "en-abbr", *langs, "kind", "count", "files", "example"])
    taken: set[str] = set()
    for c in items:
        is_en = c.lang == "en"
        cid = slug(c.term, taken) if is_en else ""
        category = "abbreviation" if c.kind == "abbreviation" else ""
        en = c.term if is_en else ""
        en_abbr = c.term if is_en and c.kind == "abbreviation" else ""
        row = [cid, category, en, en_abbr, *[c.term if lang == c.lang else "" for lang in langs]]
        writer.writerow([escape_cell(cell) for cell in (*row, c.kind, str(c.count), str(c.files), c.example)])
    return buffer.getvalue()
