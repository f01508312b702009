"""The glossary model: concepts with per-language terms, as loaded from ``glossaries/*.toml``.

A :class:`Glossary` is a tuple of :class:`Concept` values; each concept carries one :class:`TermEntry` per
language (the preferred term, admitted variants, forbidden renderings, abbreviations and a case rule).
Pattern concepts (``pattern = true``) hold ``{n}`` in their strings: a flight number of 1-3 digits that is
carried over to every rendering (``Союз МС-{n}`` -> ``Soyuz MS-{n}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "CASE_RULES",
    "CONCEPT_ID",
    "CONCEPT_ID_SYNTAX",
    "Layout",
    "Concept",
    "FORMS",
    "Glossary",
    "NUMBER",
    "POS_VALUES",
    "TermEntry",
    "fill_number",
    "is_all_caps",
]

#: The placeholder of a pattern concept.
NUMBER = "{n}"
#: Allowed ``case`` values of a term entry.
CASE_RULES = ("auto", "exact", "ignore")
#: Allowed ``pos`` values of a concept ("" when not given).
POS_VALUES = ("noun", "proper-noun", "verb", "adjective", "phrase")
#: The syntax of a concept id (the one definition: files, CSV/TBX import and ``add --id`` check it).
CONCEPT_ID_SYNTAX = "[a-z0-9][a-z0-9.-]*"
#: A whole concept id (``CONCEPT_ID.match(cid)``).
CONCEPT_ID = re.compile(CONCEPT_ID_SYNTAX + r"\Z")
#: The forms a glossary string can have, in match priority order.
FORMS = ("term", "abbr", "variant", "forbidden")

_LETTER = re.compile(r"[^\W\d_]")


def is_all_caps(text: str) -> bool:
    """Whether ``text`` has at least two letters and all of them are upper case.

    >>> is_all_caps("МКС"), is_all_caps("ISS-2"), is_all_caps("Iss"), is_all_caps("A")
    (True, True, False, False)
    """
    letters = _LETTER.findall(text)
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def fill_number(text: str, number: str | None) -> str:
    """Put a flight number into a pattern string (unchanged when ``number`` is None).

    >>> fill_number("Soyuz MS-{n}", "07")
    'Soyuz MS-07'
    >>> fill_number("Soyuz MS-{n}", None)
    'Soyuz MS-{n}'
    """
    return text if number is None else text.replace(NUMBER, number)


@dataclass(frozen=True, slots=True)
class TermEntry:
    """One language's strings for a concept.

    Attributes:
        term: the preferred term.
        variants: admitted variants (matched and accepted, never produced).
        forbidden: known wrong renderings.
        abbr: abbreviations.
        case: ``auto`` (all-caps strings are case-exact, others case-insensitive), ``exact`` or ``ignore``.
    """

    term: str
    variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    abbr: tuple[str, ...] = ()
    case: str = "auto"

    def forms(self) -> tuple[tuple[str, str], ...]:
        """Every string with its form name, preferred term first.

        >>> TermEntry("ISS station", abbr=("ISS",)).forms()
        (('term', 'ISS station'), ('abbr', 'ISS'))
        """
        out = [("term", self.term)]
        out += [("abbr", s) for s in self.abbr]
        out += [("variant", s) for s in self.variants]
        out += [("forbidden", s) for s in self.forbidden]
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept of a glossary.

    Attributes:
        id: unique id in its file, ``[a-z0-9][a-z0-9.-]*``.
        category: free tag (agency, station, spacecraft, ui-chrome...).
        pos: part of speech, one of :data:`POS_VALUES` or "".
        note: a short human note.
        source: where the concept and its renderings come from.
        pattern: the strings contain ``{n}``.
        terms: ``(language, entry)`` pairs in file order.
        line: 1-based line of the concept's ``[[concept]]`` header (0 when not from a file).
    """

    id: str
    category: str = ""
    pos: str = ""
    note: str = ""
    source: str = ""
    pattern: bool = False
    terms: tuple[tuple[str, TermEntry], ...] = ()
    line: int = 0

    def term(self, lang: str) -> TermEntry | None:
        """Return the entry for ``lang``, or None.

        >>> Concept("iss", terms=(("en", TermEntry("ISS")),)).term("en").term
        'ISS'
        """
        for code, entry in self.terms:
            if code == lang:
                return entry
        return None

    @property
    def languages(self) -> tuple[str, ...]:
        """The concept's languages in file order."""
        return tuple(code for code, _ in self.terms)

    def forbidden_variants(self, lang: str) -> tuple[str, ...]:
        """The forbidden renderings in ``lang`` that can be searched for as written (no ``{n}``).

        >>> entry = TermEntry("ISS", forbidden=("ISS-{n}", "MKS"))
        >>> Concept("iss", terms=(("en", entry),)).forbidden_variants("en")
        ('MKS',)
        """
        entry = self.term(lang)
        return () if entry is None else tuple(bad for bad in entry.forbidden if NUMBER not in bad)

    def preferred(self, lang: str, number: str | None = None) -> str | None:
        """The preferred term in ``lang`` with the flight number filled in, or None."""
        entry = self.term(lang)
        return None if entry is None else fill_number(entry.term, number)


@dataclass(frozen=True, slots=True)
class Glossary:
    """A loaded glossary file.

    Attributes:
        id: the glossary id (``[glossary].id``).
        title: human title.
        version: version string, bumped on every change.
        languages: declared language codes.
        concepts: concepts in file order.
        path: the file it was loaded from ("" when built in memory).
        license: license identifier, if any.
    """

    id: str
    title: str = ""
    version: str = ""
    languages: tuple[str, ...] = ()
    concepts: tuple[Concept, ...] = ()
    path: str = ""
    license: str = ""

    def get(self, concept_id: str) -> Concept | None:
        """Return the concept with ``concept_id``, or None."""
        for concept in self.concepts:
            if concept.id == concept_id:
                return concept
        return None

    def __getitem__(self, concept_id: str) -> Concept:
        concept = self.get(concept_id)
        if concept is None:
            raise KeyError(concept_id)
        return concept

    def __contains__(self, concept_id: object) -> bool:
        return isinstance(concept_id, str) and self.get(concept_id) is not None

    @property
    def ids(self) -> tuple[str, ...]:
        """Concept ids in file order."""
        return tuple(c.id for c in self.concepts)


# The exchange layouts live here, not in exchange.py, so the CLI can offer them without importing the readers.
class Layout(StrEnum):
    """The exchange layouts: full CSV/TSV, Google's equivalent term sets, term pairs, TBX-Basic."""

    csv = "csv"
    tsv = "tsv"
    google_csv = "google-csv"
    pairs_csv = "pairs-csv"
    pairs_tsv = "pairs-tsv"
    tbx = "tbx"

    @property
    def delimiter(self) -> str:
        """The cell delimiter of a CSV/TSV layout."""
        return "\t" if self in (Layout.tsv, Layout.pairs_tsv) else ","
