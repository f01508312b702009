"""Exchange formats: CSV/TSV term pairs (DeepL, Google), full multi-column CSV/TSV, and TBX-Basic.

* **Pairs** (``source term, target term``, no header): the layout DeepL and Google Cloud Translation accept
  for a one-direction glossary. Exported: each concept's source term and admitted variants against the target
  term; pattern concepts are left out (neither service knows ``{n}``). Imported: one concept per target
  term, the first source string its term and the rest variants.
* **Full CSV/TSV**: a header row, then one concept per row. Columns ``id, category, pos, pattern, note,
  source``, then per language ``xx`` (the preferred term), ``xx-variants``, ``xx-forbidden``, ``xx-abbr``
  (lists joined by `` | ``) and ``xx-case``. Export then import gives back the same concepts.
* **Google's equivalent term sets** (``google-csv``): a header of language codes, optionally ``pos`` and
  ``description``, then one concept per row. Read as the full layout (it is a subset); written with the
  preferred terms only (pattern concepts left out), ``description`` from the note.
* **Which layout**: given, else TBX by suffix, else (import) told from a ``.csv``/``.tsv`` file's first row:
  a header of known column names, or a term pair; anything else is an error naming the line and ``--layout``.
* **Language codes** (header columns, ``xml:lang``, the pair's languages) must be BCP 47 primary language
  subtags (:func:`pipeline.glossary.checks.language_problem`).
* **Formula-like cells** (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are written with a
  leading apostrophe, as OWASP advises against CSV injection, so a spreadsheet shows them as text; a cell
  that really starts with an apostrophe before such a character gets one more. Import (pairs, full CSV/TSV,
  ``add --from-csv``) drops exactly one apostrophe before those characters, so export then import gives back
  the same terms.
* **TBX-Basic** (ISO 30042, ``martif``): ``termEntry`` > ``langSet`` > ``tig`` > ``term`` with ``termNote``
  ``administrativeStatus`` ``preferredTerm-admn-sts`` (term), ``admittedTerm-admn-sts`` (variant and
  abbreviation) and ``deprecatedTerm-admn-sts`` (forbidden); abbreviations carry ``termType``
  ``abbreviation``.
  Parsed with defusedxml: entity declarations and external references are refused. Export then import gives
  back the same glossary. ``termEntry`` ids are XML IDs (NCNames): :func:`tbx_id` puts ``c-`` before an id
  that starts with a digit or with ``c-``, and reading a file Glossa wrote strips it again.

All functions are pure (text in, text or values out); the CLI reads and writes the files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring

from pipeline.errors import GlossaryError
from pipeline.glossary.checks import language_problem
from pipeline.glossary.model import (
    CASE_RULES,
    CONCEPT_ID,
    NUMBER,
    POS_VALUES,
    Concept,
    Glossary,
    Layout,
    TermEntry,
)

__all__ = [
    "FORMULA_TRIGGERS",
    "LIST_SEP",
    "Layout",
    "dumps",
    "dumps_csv",
    "dumps_google",
    "dumps_pairs",
    "dumps_tbx",
    "escape_cell",
    "loads_csv",
    "loads_pairs",
    "loads",
    "loads_tbx",
    "layout_for",
    "layout_of",
    "tbx_id",
    "slug",
    "unescape_cell",
]

LIST_SEP = " | "
_META = ("id", "category", "pos", "pattern", "note", "source")
_SUFFIXES = ("variants", "forbidden", "abbr", "case")
_REVIEW_COLUMNS = ("count", "example", "kind", "files")
_LANG = re.compile(r"[a-z]{2,3}\Z")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS = {
    "term": "preferredTerm-admn-sts",
    "variant": "admittedTerm-admn-sts",
    "abbr": "admittedTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}
_POS_TBX = {
    "noun": "noun",
    "proper-noun": "properNoun",
    "verb": "verb",
    "adjective": "adjective",
    "phrase": "other",
}
_POS_BACK = {v: k for k, v in _POS_TBX.items()}
_PATTERN_NOTE = "glossa:pattern"
_CASE_NOTE = "glossa:case="
_META_P = "glossa-"


def slug(text: str, taken: set[str] | None = None) -> str:
    """A concept id from a term: lower-case ASCII letters, digits and ``-``; unique within ``taken``.

    >>> slug("International Space Station")
    'international-space-station'
    >>> slug("Soyuz MS-{n}", {"soyuz-ms-n"})
    'soyuz-ms-n-2'
    >>> slug("Роскосмос")
    'term'
    """
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "term"
    if not base[0].isalnum():
        base = "t" + base
    taken = taken if taken is not None else set()
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = "=+-@\t\r"


def escape_cell(cell: str) -> str:
    """Neutralise a formula-like cell with a leading apostrophe, as OWASP advises; reversible.

    A cell that already starts with an apostrophe followed by a trigger (or by another apostrophe) gets one
    more, so :func:`unescape_cell` gives back exactly what was written.

    >>> escape_cell("=HYPERLINK(x)"), escape_cell("@SUM(A1)"), escape_cell("ISS"), escape_cell("'=x")
    ("'=HYPERLINK(x)", "'@SUM(A1)", 'ISS', "''=x")
    """
    if cell and (cell[0] in FORMULA_TRIGGERS or (cell[0] == "'" and cell[1:2] in (*FORMULA_TRIGGERS, "'"))):
        return "'" + cell
    return cell


def unescape_cell(cell: str) -> str:
    """Undo :func:`escape_cell`: drop one apostrophe before a formula trigger or another apostrophe.

    >>> unescape_cell("'=HYPERLINK(x)"), unescape_cell("''=x"), unescape_cell("'tis"), unescape_cell("'")
    ('=HYPERLINK(x)', "'=x", "'tis", "'")
    """
    if cell[:1] == "'" and cell[1:2] and cell[1:2] in (*FORMULA_TRIGGERS, "'"):
        return cell[1:]
    return cell


class _Writer:
    """CSV with standard quoting; TSV as DeepL and Google read it: no quoting, so no tabs or line breaks."""

    def __init__(self, buffer: io.StringIO, delimiter: str) -> None:
        self.tsv = delimiter == "\t"
        if self.tsv:
            self.writer = csv.writer(
                buffer,
                delimiter="\t",
                lineterminator="\n",
                quoting=csv.QUOTE_NONE,
                quotechar=None,
                escapechar=None,
            )
        else:
            self.writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")

    def writerow(self, row: Sequence[str]) -> None:
        if self.tsv:
            for cell in row:
                if any(c in cell for c in "\t\r\n"):
                    raise GlossaryError(
                        f"{cell!r} holds a tab or line break, which TSV cannot carry; export CSV"
                    )
        self.writer.writerow([escape_cell(cell) for cell in row])


def dumps_pairs(glossary: Glossary, source: str, target: str, *, delimiter: str = ",") -> str:
    """Term pairs ``source term, target term`` for DeepL or Google (no header; pattern concepts skipped).

    >>> ru = TermEntry("Роскосмос", variants=("Госкорпорация «Роскосмос»",))
    >>> c = Concept("x", terms=(("en", TermEntry("Roscosmos")), ("ru", ru)))
    >>> g = Glossary("g", languages=("en", "ru"), concepts=(c,))
    >>> print(dumps_pairs(g, "ru", "en"), end="")
    Роскосмос,Roscosmos
    Госкорпорация «Роскосмос»,Roscosmos
    """
    buffer = io.StringIO()
    writer = _Writer(buffer, delimiter)
    seen: set[str] = set()
    for concept in glossary.concepts:
        src, dst = concept.term(source), concept.term(target)
        if src is None or dst is None or concept.pattern or not dst.term:
            continue
        for string in (src.term, *src.variants):
            if string and string not in seen:
                seen.add(string)
                writer.writerow([string, dst.term])
        for i, abbr in enumerate(src.abbr):
            if i < len(dst.abbr) and abbr not in seen:
                seen.add(abbr)
                writer.writerow([abbr, dst.abbr[i]])
    return buffer.getvalue()


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    if delimiter == "\t":
        reader = csv.reader(
            io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter="\t", quoting=csv.QUOTE_NONE
        )
    else:
        reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                out.append((reader.line_num, [unescape_cell(cell) for cell in row]))
    except csv.Error as exc:
        raise GlossaryError(f"CSV syntax error: {exc}; fix the quoting", line=reader.line_num) from None
    return out


def _check_pair(source: str, target: str, *, path: str | None = None) -> None:
    """``--source`` and ``--target`` are BCP 47 language codes."""
    for option, code in (("--source", source), ("--target", target)):
        problem = language_problem(code)
        if problem is not None:
            raise GlossaryError(f"{option}: {problem}", path=path)


def loads_pairs(
    text: str,
    source: str,
    target: str,
    *,
    delimiter: str = ",",
    path: str = "<pairs>",
    glossary_id: str = "imported",
) -> Glossary:
    """Read ``source term, target term`` rows into a glossary (one concept per target term).

    Raises:
        GlossaryError: a row has fewer than two columns or an empty cell, or neither side is English.
    """
    _check_pair(source, target, path=path)
    if "en" not in (source, target):
        raise GlossaryError("term pairs need English on one side; pass --source en or --target en", path=path)
    if source == target:
        raise GlossaryError("--source and --target must differ", path=path)
    other = target if source == "en" else source
    grouped: dict[str, list[str]] = {}
    for line, row in _rows(text, delimiter):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise GlossaryError(
                f"expected 2 columns (source term, target term), found {len([c for c in row if c.strip()])}; "
                "fill in both terms",
                path=path,
                line=line,
            )
        if len(row) > 2 and not (len(row) == 4 and row[2].strip().lower()[:2] == source):
            raise GlossaryError(
                f"expected 2 columns (source term, target term), found {len(row)}; remove the extra columns",
                path=path,
                line=line,
            )
        grouped.setdefault(row[1].strip(), []).append(row[0].strip())
    taken: set[str] = set()
    concepts: list[Concept] = []
    for target_term, sources in grouped.items():
        unique = list(dict.fromkeys(sources))
        entries = {
            source: TermEntry(unique[0], variants=tuple(unique[1:])),
            target: TermEntry(target_term),
        }
        english = entries["en"].term
        concepts.append(
            Concept(
                id=slug(english, taken),
                pattern=NUMBER in english,
                terms=(("en", entries["en"]), (other, entries[other])),
            )
        )
    languages = ("en", other)
    return Glossary(id=glossary_id, languages=languages, concepts=tuple(concepts), path=path)


def _join(values: Sequence[str], *, what: str) -> str:
    for value in values:
        if "|" in value:
            raise GlossaryError(
                f"{what} {value!r} contains '|', which the CSV list format uses; export as TBX"
            )
    return LIST_SEP.join(values)


def dumps_csv(glossary: Glossary, *, delimiter: str = ",") -> str:
    """Full multi-column CSV (or TSV): one concept per row, lossless for concepts."""
    languages = [lang for lang in glossary.languages if any(c.term(lang) for c in glossary.concepts)]
    header: list[str] = list(_META)
    used: dict[str, list[str]] = {}
    for lang in languages:
        entries = [e for c in glossary.concepts if (e := c.term(lang)) is not None]
        kinds = [lang]
        kinds += [
            f"{lang}-{k}" for k in ("variants", "forbidden", "abbr") if any(getattr(e, k) for e in entries)
        ]
        if any(e.case != "auto" for e in entries):
            kinds.append(f"{lang}-case")
        used[lang] = kinds
        header += kinds
    buffer = io.StringIO()
    writer = _Writer(buffer, delimiter)
    writer.writerow(header)
    for concept in glossary.concepts:
        row = [
            concept.id,
            concept.category,
            concept.pos,
            "true" if concept.pattern else "",
            concept.note,
            concept.source,
        ]
        for lang in languages:
            entry = concept.term(lang)
            for column in used[lang]:
                if entry is None:
                    row.append("")
                elif column == lang:
                    row.append(entry.term)
                elif column.endswith("-case"):
                    row.append(entry.case if entry.case != "auto" else "")
                else:
                    kind = column.rsplit("-", 1)[1]
                    row.append(_join(getattr(entry, kind), what=f"{concept.id}.{lang}.{kind}"))
        writer.writerow(row)
    return buffer.getvalue()


def dumps_google(glossary: Glossary) -> str:
    """Google's equivalent term sets: a header of language codes (English first), then ``pos`` and
    ``description`` when a concept has one; one concept per row with its preferred terms (pattern concepts
    are left out, as in pairs; a language a concept lacks is an empty cell).

    >>> c = Concept("iss", pos="noun", terms=(("en", TermEntry("ISS")), ("ru", TermEntry("МКС"))))
    >>> print(dumps_google(Glossary("g", languages=("en", "ru"), concepts=(c,))), end="")
    en,ru,pos
    ISS,МКС,noun

    Raises:
        GlossaryError: fewer than two languages have terms (Google needs two).
    """
    concepts = [c for c in glossary.concepts if not c.pattern]
    order = dict.fromkeys(("en", *glossary.languages, *(lang for c in concepts for lang in c.languages)))
    languages = [lang for lang in order if any(c.term(lang) for c in concepts)]
    if len(languages) < 2:
        raise GlossaryError(
            f"equivalent term sets need terms in two languages, {glossary.id} has {len(languages)}; "
            "add a language or export pairs-csv",
            path=glossary.path or None,
        )
    extra = [
        name
        for name, used in (
            ("pos", any(c.pos for c in concepts)),
            ("description", any(c.note for c in concepts)),
        )
        if used
    ]
    buffer = io.StringIO()
    writer = _Writer(buffer, ",")
    writer.writerow([*languages, *extra])
    for concept in concepts:
        row = [e.term if (e := concept.term(lang)) is not None else "" for lang in languages]
        row += [concept.pos if name == "pos" else concept.note for name in extra]
        writer.writerow(row)
    return buffer.getvalue()


def _split_list(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _csv_languages(columns: Sequence[str], *, path: str, line: int) -> list[str]:
    """The languages a full-layout header names, in order; an unknown column or no ``en`` is an error."""
    languages: list[str] = []
    for column in columns:
        if column in _META or column in _REVIEW_COLUMNS or column in ("description",):
            continue
        lang, _, kind = column.partition("-")
        if not _LANG.match(lang) or (kind and kind not in _SUFFIXES):
            raise GlossaryError(
                f"unknown column {column!r}; use {', '.join(_META)}, language codes (en, ru...) and "
                f"xx-{'/xx-'.join(_SUFFIXES)}",
                path=path,
                line=line,
            )
        problem = language_problem(lang)
        if problem is not None:
            raise GlossaryError(f"column {column!r}: {problem}", path=path, line=line)
        if lang not in languages:
            languages.append(lang)
    if "en" not in columns:
        raise GlossaryError("no 'en' column; every concept needs an English term", path=path, line=line)
    return languages


def _csv_cells(cells: Sequence[str], columns: Sequence[str], *, path: str, line: int) -> dict[str, str]:
    """One row as ``column -> stripped cell`` (missing cells empty); more cells than columns is an error."""
    if len(cells) > len(columns):
        raise GlossaryError(
            f"row has {len(cells)} cells but the header names {len(columns)} columns; quote cells that "
            "contain the delimiter",
            path=path,
            line=line,
        )
    return dict(zip(columns, [c.strip() for c in cells] + [""] * (len(columns) - len(cells)), strict=True))


def _csv_terms(
    cell: dict[str, str], languages: Sequence[str], *, path: str, line: int
) -> tuple[tuple[str, TermEntry], ...]:
    """The row's entries, one per language whose term cell is filled."""
    terms: list[tuple[str, TermEntry]] = []
    for lang in languages:
        term = cell.get(lang, "")
        rest = {k: cell.get(f"{lang}-{k}", "") for k in _SUFFIXES}
        if not term:
            if any(rest.values()):
                raise GlossaryError(
                    f"{lang}-* cells are filled but {lang!r} is empty; fill in the term", path=path, line=line
                )
            continue
        case = rest["case"] or "auto"
        if case not in CASE_RULES:
            raise GlossaryError(
                f"{lang}-case is {case!r}; use one of {', '.join(CASE_RULES)}", path=path, line=line
            )
        lists = (_split_list(rest["variants"]), _split_list(rest["forbidden"]), _split_list(rest["abbr"]))
        terms.append((lang, TermEntry(term, *lists, case)))
    return tuple(terms)


def _csv_concept(
    cell: dict[str, str],
    languages: Sequence[str],
    taken: set[str],
    seen_ids: dict[str, int],
    *,
    path: str,
    line: int,
) -> Concept:
    """One row's concept: its id (made from ``en`` when empty, unique), ``pattern``, ``pos`` and entries."""
    if not cell.get("en"):
        raise GlossaryError(
            "the 'en' cell is empty; fill in the English term or delete the row", path=path, line=line
        )
    cid = cell.get("id", "") or slug(cell["en"], taken)
    if not CONCEPT_ID.match(cid):
        raise GlossaryError(
            f"invalid id {cid!r}; use lower-case letters, digits, '.' and '-'", path=path, line=line
        )
    if cid in seen_ids:
        raise GlossaryError(
            f"duplicate id {cid!r} (first at line {seen_ids[cid]}); rename one", path=path, line=line
        )
    seen_ids[cid] = line
    pattern_cell = cell.get("pattern", "").lower()
    if pattern_cell not in ("", "true", "false", "yes", "no", "1", "0"):
        raise GlossaryError(
            f"pattern is {pattern_cell!r}; write true or leave it empty", path=path, line=line
        )
    pos = cell.get("pos", "")
    if pos and pos not in POS_VALUES:
        raise GlossaryError(f"pos is {pos!r}; use one of {', '.join(POS_VALUES)}", path=path, line=line)
    terms = _csv_terms(cell, languages, path=path, line=line)
    return Concept(
        id=cid,
        category=cell.get("category", ""),
        pos=pos,
        note=cell.get("note", "") or cell.get("description", ""),
        source=cell.get("source", ""),
        pattern=pattern_cell in ("true", "yes", "1") or any(NUMBER in e.term for _, e in terms),
        terms=terms,
    )


def loads_csv(
    text: str,
    *,
    delimiter: str = ",",
    path: str = "<csv>",
    glossary_id: str = "imported",
    title: str = "",
    version: str = "",
    license: str = "",
) -> Glossary:
    """Read a full multi-column CSV/TSV (also Google's header-of-language-codes layout).

    Rows with an empty ``id`` get one made from the English term. Review columns written by
    ``glossa glossary extract`` (``count``, ``example``, ``kind``, ``files``) are ignored.

    Raises:
        GlossaryError: unknown column, missing English column or cell, a row with too many cells, a bad
            ``pattern``/``case``/``pos`` value, a duplicate id (each with the line).
    """
    rows = _rows(text, delimiter)
    if not rows:
        raise GlossaryError(
            "empty file; the first row must name the columns (id, en, ru, ...)", path=path, line=1
        )
    header_line, header = rows[0]
    columns = [c.strip().lower() for c in header]
    languages = _csv_languages(columns, path=path, line=header_line)
    id_at = columns.index("id") if "id" in columns else None
    # ids given explicitly are taken before any is made, so a made one never collides with a later row
    taken = {cells[id_at].strip() for _, cells in rows[1:] if id_at is not None and len(cells) > id_at}
    taken.discard("")
    concepts: list[Concept] = []
    seen_ids: dict[str, int] = {}
    for line, cells in rows[1:]:
        cell = _csv_cells(cells, columns, path=path, line=line)
        concepts.append(_csv_concept(cell, languages, taken, seen_ids, path=path, line=line))
    return Glossary(
        id=glossary_id,
        title=title,
        version=version,
        languages=tuple(languages),
        concepts=tuple(concepts),
        path=path,
        license=license,
    )


def _tig(lang_set: Element, string: str, status: str, *, pos: str, abbr: bool, case: str) -> None:
    tig = SubElement(lang_set, "tig")
    SubElement(tig, "term").text = string
    if pos:
        SubElement(tig, "termNote", type="partOfSpeech").text = _POS_TBX[pos]
    if abbr:
        SubElement(tig, "termNote", type="termType").text = "abbreviation"
    SubElement(tig, "termNote", type="administrativeStatus").text = status
    if case != "auto":
        SubElement(tig, "note").text = _CASE_NOTE + case


_ID_PREFIX = "c-"


def tbx_id(concept_id: str) -> str:
    """The concept id as a valid XML ID (an NCName starts with a letter): ``c-`` before one that starts
    with a digit or already with ``c-``, so reading a Glossa TBX strips exactly one ``c-`` back.

    >>> tbx_id("iss"), tbx_id("2024-launch"), tbx_id("c-3po")
    ('iss', 'c-2024-launch', 'c-c-3po')
    """
    if concept_id[:1].isdigit() or concept_id.startswith(_ID_PREFIX):
        return _ID_PREFIX + concept_id
    return concept_id


def dumps_tbx(glossary: Glossary) -> str:
    """TBX-Basic (``martif``) text of a glossary, UTF-8, indented, ending with a newline."""
    root = Element("martif", {"type": "TBX-Basic", _XML_LANG: "en"})
    header = SubElement(root, "martifHeader")
    file_desc = SubElement(header, "fileDesc")
    SubElement(SubElement(file_desc, "titleStmt"), "title").text = glossary.title or glossary.id
    source_desc = SubElement(file_desc, "sourceDesc")
    SubElement(source_desc, "p").text = f"{_META_P}id: {glossary.id}"
    SubElement(source_desc, "p").text = f"{_META_P}title: {glossary.title}"
    SubElement(source_desc, "p").text = f"{_META_P}version: {glossary.version}"
    SubElement(source_desc, "p").text = f"{_META_P}license: {glossary.license}"
    SubElement(source_desc, "p").text = f"{_META_P}languages: {' '.join(glossary.languages)}"
    SubElement(SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = SubElement(SubElement(root, "text"), "body")
    for concept in glossary.concepts:
        entry_el = SubElement(body, "termEntry", id=tbx_id(concept.id))
        if concept.category:
            SubElement(entry_el, "descrip", type="subjectField").text = concept.category
        if concept.note:
            SubElement(entry_el, "note").text = concept.note
        if concept.source:
            SubElement(entry_el, "admin", type="source").text = concept.source
        if concept.pattern:
            SubElement(entry_el, "note").text = _PATTERN_NOTE
        for lang, entry in concept.terms:
            lang_set = SubElement(entry_el, "langSet", {_XML_LANG: lang})
            _tig(lang_set, entry.term, _STATUS["term"], pos=concept.pos, abbr=False, case=entry.case)
            for form, string in entry.forms()[1:]:
                _tig(lang_set, string, _STATUS[form], pos=concept.pos, abbr=form == "abbr", case="auto")
    indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, *names: str) -> list[Element]:
    return [child for child in element if _local(child.tag) in names]


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def _parse_tbx(text: str, *, path: str) -> Element:
    """The root element of TBX text: well-formed XML, no entities or external references, a TBX root."""
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        root: Element = safe_et.fromstring(
            text.encode("utf-8"), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise GlossaryError(
            f"TBX is not well-formed XML ({str(exc).split(':')[0]}); the file is truncated or broken, "
            "re-export it",
            path=path,
            line=line,
        ) from None
    except DefusedXmlException as exc:
        raise GlossaryError(
            f"TBX declares XML entities or external references ({type(exc).__name__}), which are refused "
            "(entity bombs, XXE); remove the DOCTYPE",
            path=path,
            line=_line_of(text, "<!ENTITY") or _line_of(text, "<!DOCTYPE"),
        ) from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(
            f"root element <{_local(root.tag)}> is not TBX (<martif> or <tbx>); pass a TBX file, or name the "
            "layout with --as",
            path=path,
            line=_line_of(text, f"<{_local(root.tag)}") or 1,
        )
    return root


def _tbx_meta(root: Element) -> tuple[dict[str, str], str]:
    """The ``glossa-KEY: value`` paragraphs Glossa writes into the header, and the first ``title``."""
    meta: dict[str, str] = {}
    title = ""
    for element in root.iter():
        name = _local(element.tag)
        if name == "title" and not title:
            title = (element.text or "").strip()
        if name == "p" and (element.text or "").startswith(_META_P):
            key, _, value = (element.text or "")[len(_META_P) :].partition(": ")
            meta[key.strip()] = value.strip().removesuffix(":").strip() if value else ""
    return meta, title


@dataclass(slots=True)
class _TbxEntry:
    """What a ``termEntry`` says about its concept, gathered while reading it."""

    category: str = ""
    note: str = ""
    source: str = ""
    pattern: bool = False
    pos: str = ""


def _tbx_entry_fields(entry_el: Element) -> _TbxEntry:
    """The concept-level children of a ``termEntry``: subject field, notes, source, the pattern marker."""
    fields = _TbxEntry()
    for child in entry_el:
        name = _local(child.tag)
        value = (child.text or "").strip()
        if name == "descrip" and child.get("type") == "subjectField":
            fields.category = value
        elif name == "note" and value == _PATTERN_NOTE:
            fields.pattern = True
        elif name == "note":
            fields.note = value
        elif name == "admin" and child.get("type") == "source":
            fields.source = value
    return fields


def _tbx_lang_entry(lang_set: Element, fields: _TbxEntry) -> TermEntry | None:
    """One ``langSet`` as an entry (None without any term); the first part of speech goes to ``fields``."""
    preferred = ""
    case = "auto"
    variants: list[str] = []
    forbidden: list[str] = []
    abbr: list[str] = []
    for tig in _children(lang_set, "tig", "ntig", "termSec"):
        term_el = next((e for e in tig.iter() if _local(e.tag) == "term"), None)
        string = (term_el.text or "").strip() if term_el is not None else ""
        notes = {n.get("type", ""): (n.text or "").strip() for n in tig.iter() if _local(n.tag) == "termNote"}
        status = notes.get("administrativeStatus", "")
        if notes.get("partOfSpeech") and not fields.pos:
            fields.pos = _POS_BACK.get(notes["partOfSpeech"], "")
        for n in tig.iter():
            if _local(n.tag) == "note" and (n.text or "").startswith(_CASE_NOTE):
                case = (n.text or "")[len(_CASE_NOTE) :]
        if not string:
            continue
        if status.startswith("preferred") and not preferred:
            preferred = string
        elif status.startswith(("deprecated", "superseded")):
            forbidden.append(string)
        elif notes.get("termType") in ("abbreviation", "acronym", "shortForm"):
            abbr.append(string)
        elif not status and not preferred:
            preferred = string
        else:
            variants.append(string)
    if not preferred and variants:
        preferred = variants.pop(0)
    if not preferred:
        return None
    return TermEntry(
        preferred, tuple(variants), tuple(forbidden), tuple(abbr), case if case in CASE_RULES else "auto"
    )


def _tbx_concept(
    entry_el: Element, languages: list[str], taken: set[str], *, text: str, path: str, ours: bool
) -> Concept:
    """One ``termEntry`` as a concept; new languages are appended to ``languages``, its id to ``taken``.

    ``ours``: the file was written by Glossa, whose ids carry :func:`tbx_id`'s ``c-``, stripped here.
    """
    raw_id = entry_el.get("id", "")
    cid = raw_id.removeprefix(_ID_PREFIX) if ours else raw_id
    fields = _tbx_entry_fields(entry_el)
    terms: list[tuple[str, TermEntry]] = []
    for lang_set in _children(entry_el, "langSet", "langSec"):
        lang = (lang_set.get(_XML_LANG) or lang_set.get("lang") or "").lower().split("-")[0]
        if not _LANG.match(lang):
            raise GlossaryError(
                f'langSet without a valid xml:lang in entry {cid!r}; add xml:lang="xx"',
                path=path,
                line=_line_of(text, f'id="{raw_id}"'),
            )
        problem = language_problem(lang)
        if problem is not None:
            raise GlossaryError(
                f"xml:lang of entry {cid!r}: {problem}",
                path=path,
                line=_line_of(text, f'id="{raw_id}"'),
            )
        if lang not in languages:
            languages.append(lang)
        entry = _tbx_lang_entry(lang_set, fields)
        if entry is not None:
            terms.append((lang, entry))
    english = dict(terms).get("en")
    if english is None:
        raise GlossaryError(
            f"entry {cid or '(no id)'} has no English preferred term; add an en langSet",
            path=path,
            line=_line_of(text, f'id="{raw_id}"') if raw_id else None,
        )
    if not cid or not CONCEPT_ID.match(cid):
        cid = slug(english.term, taken)
    taken.add(cid)
    return Concept(
        id=cid,
        category=fields.category,
        pos=fields.pos,
        note=fields.note,
        source=fields.source,
        pattern=fields.pattern or any(NUMBER in e.term for _, e in terms),
        terms=tuple(terms),
    )


def loads_tbx(text: str, *, path: str = "<tbx>", glossary_id: str = "imported") -> Glossary:
    """Parse TBX-Basic (v2 ``martif``/``termEntry``/``langSet``/``tig``; v3 ``conceptEntry`` names too).

    Raises:
        GlossaryError: the XML is malformed or truncated (with its line), declares entities or external
            references (refused: entity bombs, XXE), its root is not ``martif``/``tbx`` (another XML file), or
            an entry lacks an English preferred term.
    """
    root = _parse_tbx(text, path=path)
    meta, title = _tbx_meta(root)
    taken: set[str] = set()
    languages: list[str] = meta["languages"].split() if meta.get("languages") else []
    entries = [e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")]
    ours = "id" in meta
    concepts = [_tbx_concept(e, languages, taken, text=text, path=path, ours=ours) for e in entries]
    if "en" in languages:
        languages.remove("en")
    return Glossary(
        id=meta.get("id") or glossary_id,
        title=meta.get("title", title),
        version=meta.get("version", ""),
        languages=("en", *languages),
        concepts=tuple(concepts),
        path=path,
        license=meta.get("license", ""),
    )


def layout_for(path: PurePath, layout: Layout | None = None) -> Layout:
    """The layout given, else the one the suffix names (``.csv``, ``.tsv`` full; ``.tbx``/``.xml`` TBX).

    >>> layout_for(PurePath("terms.TBX")), layout_for(PurePath("a.csv"), Layout.pairs_csv)
    (<Layout.tbx: 'tbx'>, <Layout.pairs_csv: 'pairs-csv'>)

    Raises:
        GlossaryError: no layout is given and the suffix names none.
    """
    if layout is not None:
        return layout
    by_suffix = {".tbx": Layout.tbx, ".xml": Layout.tbx, ".tsv": Layout.tsv, ".csv": Layout.csv}
    found = by_suffix.get(path.suffix.lower())
    if found is None:
        raise GlossaryError(f"cannot tell the layout of {path.name}; pass --layout {'|'.join(Layout)}")
    return found


#: Header cells of Google's equivalent term sets besides language codes.
_GOOGLE_EXTRA = ("pos", "description")


def _known_column(cell: str) -> bool:
    """A column name of the full layout (or of Google's): meta, review, ``xx`` or ``xx-kind``."""
    if cell in _META or cell in _REVIEW_COLUMNS or cell in _GOOGLE_EXTRA:
        return True
    lang, _, kind = cell.partition("-")
    return bool(_LANG.match(lang)) and kind in ("", *_SUFFIXES) and language_problem(lang) is None


def _sniff(text: str, delimiter: str, *, path: str) -> Layout:
    """The CSV/TSV layout the first row shows: a header of known column names (only language codes, ``pos``
    and ``description``: Google's equivalent term sets), else two cells (DeepL's four: terms and their
    languages) of term pairs; anything else is an error naming the line and ``--layout``."""
    rows = _rows(text, delimiter)
    if not rows:
        raise GlossaryError("empty file; nothing to import", path=path, line=1)
    line, first = rows[0]
    cells = [c.strip().lower() for c in first]
    tsv = delimiter == "\t"
    if all(_known_column(c) for c in cells):
        google = all(
            c in _GOOGLE_EXTRA or ("-" not in c and c not in (*_META, *_REVIEW_COLUMNS)) for c in cells
        )
        if google and not tsv:
            return Layout.google_csv
        return Layout.tsv if tsv else Layout.csv
    tagged = len(cells) == 4 and all(language_problem(c.split("-")[0]) is None for c in cells[2:])
    if len(cells) == 2 or tagged:
        return Layout.pairs_tsv if tsv else Layout.pairs_csv
    if "en" in cells or "id" in cells:  # a header with a bad column: the full layout's reader names it
        return Layout.tsv if tsv else Layout.csv
    kinds = "tsv, pairs-tsv" if tsv else "csv, google-csv, pairs-csv"
    raise GlossaryError(
        f"cannot tell the layout: the first row has {len(cells)} cells and is neither a header of known "
        f"columns (id, en, ru, ...) nor a term pair; pass --layout {kinds}",
        path=path,
        line=line,
    )


def layout_of(text: str, path: PurePath, layout: Layout | None = None) -> Layout:
    """The layout given, else TBX by suffix (``.tbx``/``.xml``), else told from the content of a ``.csv`` or
    ``.tsv`` (see :func:`_sniff`).

    >>> layout_of("hermosa,belle\\n", PurePath("es.csv")), layout_of("en,es\\nISS,EEI\\n", PurePath("g.csv"))
    (<Layout.pairs_csv: 'pairs-csv'>, <Layout.google_csv: 'google-csv'>)

    Raises:
        GlossaryError: no layout is given and neither the suffix nor the first row tells one.
    """
    found = layout_for(path, layout)
    if layout is not None or found is Layout.tbx:
        return found
    return _sniff(text, found.delimiter, path=str(path))


def loads(
    text: str,
    layout: Layout,
    *,
    pair: tuple[str, str] = ("ru", "en"),
    path: str = "<glossary>",
    glossary_id: str = "imported",
    title: str = "",
    version: str = "",
) -> Glossary:
    """Read exchange text in ``layout``: term pairs ``(source, target)``; ``title``/``version`` for CSV.

    Raises:
        GlossaryError: see :func:`loads_tbx`, :func:`loads_pairs` and :func:`loads_csv`.
    """
    if layout is Layout.tbx:
        return loads_tbx(text, path=path, glossary_id=glossary_id)
    if layout in (Layout.pairs_csv, Layout.pairs_tsv):
        return loads_pairs(text, *pair, delimiter=layout.delimiter, path=path, glossary_id=glossary_id)
    # Google's equivalent term sets are a subset of the full layout (language codes, pos, description)
    return loads_csv(
        text, delimiter=layout.delimiter, path=path, glossary_id=glossary_id, title=title, version=version
    )


def dumps(glossary: Glossary, layout: Layout, *, pair: tuple[str, str] = ("ru", "en")) -> str:
    """The glossary as exchange text in ``layout`` (term pairs ``(source, target)``).

    Raises:
        GlossaryError: a string cannot be carried by the layout (a tab in TSV, ``|`` in a CSV list).
    """
    if layout is Layout.tbx:
        return dumps_tbx(glossary)
    if layout in (Layout.pairs_csv, Layout.pairs_tsv):
        _check_pair(*pair)
        return dumps_pairs(glossary, *pair, delimiter=layout.delimiter)
    if layout is Layout.google_csv:
        return dumps_google(glossary)
    return dumps_csv(glossary, delimiter=layout.delimiter)
