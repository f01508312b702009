"""The project translation memory (SQLite) and TMX 1.4b exchange.

Every accepted translation is remembered under ``(source text, source language, target language, model id,
glossary version)``, so a string a model translated once is answered from the memory in every later run
(``glossa translate`` reads the memory as it stood when the run began and writes what the run learned at
its end, in input order, so the output is the same for every job count: :mod:`pipeline.app.translate`).
The stored content is deterministic: no wall-clock time, only an insertion counter, which exports leave out;
exports are sorted. Entries imported from TMX files that did not come from Glossa (human translations, other
tools) are stored with the model and glossary version ``*`` and serve every model, after exact matches.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from pipeline.document import Provenance
from pipeline.errors import FormatError, InputError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = [
    "ANY",
    "MemoryEntry",
    "MemoryStats",
    "TranslationMemory",
    "export_tmx",
    "import_tmx",
    "parse_tmx",
    "render_tmx",
]


#: Model / glossary version of entries that serve any model (imported or human-reviewed translations).
ANY = "*"


#: A :meth:`TranslationMemory.lookup` bound above every sequence number (SQLite integers are 64-bit).
_NO_MARK = 2**63 - 1


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    source TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    model TEXT NOT NULL,
    glossary_version TEXT NOT NULL,
    target TEXT NOT NULL,
    provenance TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (source, source_lang, target_lang, model, glossary_version)
);
"""


@dataclass(frozen=True, slots=True)
class MemoryEntry:
    """One remembered translation.

    Attributes:
        source: the source text.
        source_lang: its language (ISO 639-1).
        target_lang: the target language.
        target: the translation.
        model: id of the model that produced it (``*``: any model).
        glossary_version: version of the glossaries in force (``*``: any).
        provenance: where the translation first came from (``argos:…``, ``phrasebook``, ``memory``…).
    """

    source: str
    source_lang: str
    target_lang: str
    target: str
    model: str = ANY
    glossary_version: str = ANY
    provenance: str = Provenance.MEMORY.value

    @property
    def sort_key(self) -> tuple[str, ...]:
        """Export order: pair, source text, model, glossary version."""
        return (self.source_lang, self.target_lang, self.source, self.model, self.glossary_version)


@dataclass(frozen=True, slots=True)
class MemoryStats:
    """Counts for ``glossa tm stats``.

    Attributes:
        entries: number of entries.
        pairs: ``(pair, count)`` sorted by pair.
        models: ``(model, count)`` sorted by model.
    """

    entries: int
    pairs: tuple[tuple[str, int], ...]
    models: tuple[tuple[str, int], ...]


class TranslationMemory:
    """A translation memory in one SQLite file (created on first use).

    Args:
        path: the SQLite file (``Settings.memory_path``).
        read_only: open an existing memory for lookups only (translate's workers; the run's driver writes).

    Raises:
        InputError: the file exists but is not a Glossa memory (or cannot be opened); ``read_only`` and it
            does not exist.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        try:
            if read_only:
                self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
                self._db.execute("SELECT COUNT(*) FROM entries WHERE 0").fetchall()  # a Glossa memory?
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), timeout=30.0)
            self._db.executescript(_SCHEMA)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise InputError(
                f"cannot open the translation memory ({exc}); move the file away or set GLOSSA_HOME",
                path=str(path),
            ) from exc

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __len__(self) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM entries").fetchone()
        return int(row[0])

    def mark(self) -> int:
        """The sequence number of the newest entry (0 when empty): a run's lookups bounded by it see the
        memory as it stood at that moment, whatever is added after (:meth:`lookup`'s ``up_to``)."""
        (newest,) = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM entries").fetchone()
        return int(newest)

    def stamp(self, mark: int) -> str:
        """What tells this memory from another at :meth:`mark` ``mark``: a digest of the key of the entry
        numbered ``mark`` (empty for 0, or when no entry has that number).

        A run's workers check it against the driver's, so a worker that opened another file by that name
        (a Ray node without the shared folder) stops instead of translating without the run's memory.
        """
        row = self._db.execute(
            "SELECT source, source_lang, target_lang, model, glossary_version FROM entries WHERE seq = ?",
            (mark,),
        ).fetchone()
        if mark == 0 or row is None:
            return ""
        return hashlib.sha256("\x00".join(row).encode("utf-8")).hexdigest()[:16]

    def add(self, entries: Iterable[MemoryEntry], *, replace: bool = True) -> int:
        """Store entries; return how many rows were written.

        An entry whose key is already stored replaces its target and provenance (``replace``, the default:
        an import, a review) but keeps its sequence number, so a run whose lookups stop at an earlier
        :meth:`mark` still sees the row (with its new text); with ``replace=False`` (what a run learned)
        a stored key is left as it is: a review written meanwhile is never overwritten by a model.

        Raises:
            InputError: the memory cannot be written (locked by another process for 30 s, disk full...).
        """
        rows = [
            (e.source, e.source_lang, e.target_lang, e.model, e.glossary_version, e.target, e.provenance)
            for e in entries
        ]
        if not rows:
            return 0
        conflict = (
            "DO UPDATE SET target = excluded.target, provenance = excluded.provenance"
            if replace
            else "DO NOTHING"
        )
        before = self._db.total_changes
        try:
            with self._db:
                start = self.mark()
                self._db.executemany(
                    "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?) "  # noqa: S608 - no user text
                    f"ON CONFLICT (source, source_lang, target_lang, model, glossary_version) {conflict}",
                    [(*row, start + i + 1) for i, row in enumerate(rows)],
                )
        except sqlite3.Error as exc:
            raise InputError(
                f"cannot write the translation memory ({exc}); retry once the process using it ends, "
                "or set GLOSSA_HOME",
                path=str(self.path),
            ) from exc
        return self._db.total_changes - before

    def lookup(
        self,
        texts: Iterable[str],
        source_lang: str,
        target_lang: str,
        model: str,
        glossary_version: str,
        *,
        up_to: int | None = None,
    ) -> dict[str, MemoryEntry]:
        """Return the best entry for each text that has one.

        An entry of the exact model and glossary version wins; then the exact model with any glossary
        version; then any model with the exact glossary version; then any model and version. ``up_to``: only
        entries at or under this :meth:`mark` (None: all).
        """
        newest = _NO_MARK if up_to is None else up_to
        wanted = sorted(set(texts))
        found: dict[str, tuple[int, MemoryEntry]] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, target, model, glossary_version, provenance FROM entries "  # noqa: S608
                f"WHERE source_lang = ? AND target_lang = ? AND model IN (?, ?) "
                f"AND glossary_version IN (?, ?) AND seq <= ? AND source IN ({marks})",
                (source_lang, target_lang, model, ANY, glossary_version, ANY, newest, *chunk),
            ).fetchall()
            for source, target, row_model, row_version, provenance in rows:
                rank = (row_model != model) * 2 + (row_version != glossary_version)
                entry = MemoryEntry(
                    source, source_lang, target_lang, target, row_model, row_version, provenance
                )
                if source not in found or rank < found[source][0]:
                    found[source] = (rank, entry)
        return {source: entry for source, (_, entry) in found.items()}

    def entries(self, source_lang: str | None = None, target_lang: str | None = None) -> list[MemoryEntry]:
        """Return all entries (optionally of one language pair), sorted for export."""
        columns = "source, source_lang, target_lang, target, model, glossary_version, provenance"
        query = f"SELECT {columns} FROM entries"  # noqa: S608
        clauses, params = [], []
        if source_lang:
            clauses.append("source_lang = ?")
            params.append(source_lang)
        if target_lang:
            clauses.append("target_lang = ?")
            params.append(target_lang)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self._db.execute(query, params).fetchall()
        return sorted((MemoryEntry(*row) for row in rows), key=lambda e: e.sort_key)

    def stats(self) -> MemoryStats:
        """Count entries per language pair and per model."""
        pairs = self._db.execute(
            "SELECT source_lang || '-' || target_lang AS pair, COUNT(*) FROM entries "
            "GROUP BY pair ORDER BY pair"
        ).fetchall()
        models = self._db.execute(
            "SELECT model, COUNT(*) FROM entries GROUP BY model ORDER BY model"
        ).fetchall()
        return MemoryStats(
            len(self), tuple((str(p), int(n)) for p, n in pairs), tuple((str(m), int(n)) for m, n in models)
        )


def _lang(code: str) -> str:
    """Primary language subtag, lower case.

    >>> _lang("en-US"), _lang("RU")
    ('en', 'ru')
    """
    return code.replace("_", "-").split("-")[0].strip().lower()


def _seg_text(seg: Element) -> str:
    """The native text of a ``<seg>``: inline codes (``<bpt>``, ``<ept>``, ``<ph>``, ``<it>``, ``<ut>``)
    give back the markup they carry, ``<hi>`` and ``<sub>`` their text (a code that carries no native data
    adds nothing)."""
    return "".join(seg.itertext())


#: Markup written as TMX inline codes: HTML tags, character references, Markdown emphasis and links.
_MARKUP = re.compile(
    r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w*);"
    r"|\*\*|__|!?\[(?=[^\[\]\n]*\]\()|\]\([^()\s]*\)"
)


def _seg_xml(text: str) -> str:
    """``text`` as TMX 1.4b ``<seg>`` content, its markup as inline codes.

    A paired tag or marker (:func:`pipeline.translation.inline.pair_codes`) is ``<bpt i>``/``<ept i>``, a
    tag whose partner is not in the segment ``<it pos>``, any other tag or character reference ``<ph>``;
    a Markdown marker without its partner stays text.

    >>> print(_seg_xml('Say <b>hi</b> to [ISS](https://x) &amp; <br> <i>x').replace("> ", ">\\n"))
    Say <bpt i="1">&lt;b&gt;</bpt>hi<ept i="1">&lt;/b&gt;</ept>
    to <bpt i="2">[</bpt>ISS<ept i="2">](https://x)</ept>
    <ph>&amp;amp;</ph>
    <ph>&lt;br&gt;</ph>
    <it pos="begin">&lt;i&gt;</it>x
    """
    from xml.sax.saxutils import escape

    from pipeline.translation.inline import pair_codes
    from pipeline.translation.placeholders import is_paired

    matches = list(_MARKUP.finditer(text))
    codes = [m.group() for m in matches]
    pairs = pair_codes(codes)
    number = {k: n for n, k in enumerate(sorted(pairs), start=1)}
    number.update({end: number[start] for start, end in pairs.items()})
    out: list[str] = []
    cursor = 0
    for k, match in enumerate(matches):
        code = match.group()
        if k in pairs:
            element = f'<bpt i="{number[k]}">{escape(_xml_clean(code))}</bpt>'
        elif k in number:
            element = f'<ept i="{number[k]}">{escape(_xml_clean(code))}</ept>'
        elif not is_paired(code):
            element = f"<ph>{escape(_xml_clean(code))}</ph>"
        elif code.startswith("<"):
            pos = "end" if code.startswith("</") else "begin"
            element = f'<it pos="{pos}">{escape(_xml_clean(code))}</it>'
        else:
            continue  # a lone Markdown marker: text
        out.append(escape(_xml_clean(text[cursor : match.start()])))
        out.append(element)
        cursor = match.end()
    out.append(escape(_xml_clean(text[cursor:])))
    return "".join(out)


def parse_tmx(data: bytes, *, source: str) -> list[MemoryEntry]:
    """Parse a TMX document into memory entries (one per source/target variant pair).

    The source language is the ``<tu srclang>``, else the header's ``srclang``, else (``*all*``) the first
    ``<tuv>``. Glossa's own ``x-glossa-*`` properties restore model, glossary version and provenance; other
    entries get model and version ``*``. Parsed with defusedxml: entity declarations and DTDs are refused.

    >>> tmx = ('<tmx version="1.4"><header srclang="ru" creationtool="t" creationtoolversion="1" '
    ...        'segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext"/><body><tu>'
    ...        '<tuv xml:lang="ru"><seg>Привет</seg></tuv><tuv xml:lang="en-GB"><seg>Hello</seg></tuv>'
    ...        '</tu></body></tmx>').encode()
    >>> [(e.source, e.source_lang, e.target_lang, e.target, e.model) for e in parse_tmx(tmx, source="x")]
    [('Привет', 'ru', 'en', 'Hello', '*')]

    Raises:
        FormatError: not well-formed XML, not TMX, or forbidden entities (with the line).
    """
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise FormatError(f"not well-formed XML ({exc}); fix the TMX file", path=source, line=line) from exc
    except DefusedXmlException as exc:
        raise FormatError(f"refusing XML entities or DTDs in a TMX file ({exc})", path=source) from exc
    if root.tag != "tmx":
        raise FormatError(f"root element is <{root.tag}>, not <tmx>; not a TMX file", path=source)
    header = root.find("header")
    header_src = header.get("srclang", "*all*") if header is not None else "*all*"
    body = root.find("body")
    if body is None:
        raise FormatError("no <body> element; not a TMX file", path=source)
    entries: list[MemoryEntry] = []
    for number, tu in enumerate(body.iter("tu"), start=1):
        props = {p.get("type", ""): (p.text or "") for p in tu.findall("prop")}
        variants = []
        for tuv in tu.findall("tuv"):
            lang = tuv.get(_XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            if not lang or seg is None:
                raise FormatError(f"<tu> number {number} has a <tuv> without xml:lang or <seg>", path=source)
            variants.append((_lang(lang), _seg_text(seg)))
        if len(variants) < 2:
            continue
        src = tu.get("srclang") or header_src
        src_lang = variants[0][0] if src.lower() == "*all*" else _lang(src)
        sources = [text for lang, text in variants if lang == src_lang]
        if not sources:
            continue
        for lang, text in variants:
            if lang == src_lang:
                continue
            entries.append(
                MemoryEntry(
                    sources[0],
                    src_lang,
                    lang,
                    text,
                    props.get("x-glossa-model", ANY) or ANY,
                    props.get("x-glossa-glossary-version", ANY) or ANY,
                    props.get("x-glossa-provenance", Provenance.MEMORY.value) or Provenance.MEMORY.value,
                )
            )
    return entries


def _xml_clean(text: str) -> str:
    """Replace characters XML 1.0 cannot carry with U+FFFD (escaping is the caller's)."""
    return "".join(
        ch
        if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ch >= "\U00010000"
        else "\ufffd"
        for ch in text
    )


def render_tmx(entries: Iterable[MemoryEntry], *, tool_version: str = "0.1.0") -> str:
    """Render entries as a TMX 1.4b document: sorted, no dates, so the same memory gives the same bytes.

    Markup in a segment (HTML tags and character references, Markdown emphasis and links) is written as
    TMX inline codes (``<bpt>``/``<ept>``/``<ph>``/``<it>``, see :func:`_seg_xml`), so CAT tools show it as
    tags; :func:`parse_tmx` reads it back as the same text.

    >>> print(render_tmx([MemoryEntry("Да", "ru", "en", "Yes")]))  # doctest: +NORMALIZE_WHITESPACE
    <?xml version="1.0" encoding="UTF-8"?>
    <tmx version="1.4">
      <header creationtool="glossa" creationtoolversion="0.1.0" segtype="sentence" o-tmf="glossa"
        adminlang="en" srclang="ru" datatype="plaintext"/>
      <body>
        <tu srclang="ru">
          <tuv xml:lang="ru"><seg>Да</seg></tuv>
          <tuv xml:lang="en"><seg>Yes</seg></tuv>
        </tu>
      </body>
    </tmx>
    """
    from xml.sax.saxutils import escape, quoteattr  # imports urllib: only when writing TMX

    def xml(text: str) -> str:
        return escape(_xml_clean(text))

    ordered = sorted(entries, key=lambda e: e.sort_key)
    sources = {e.source_lang for e in ordered}
    srclang = sources.pop() if len(sources) == 1 else "*all*"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<tmx version="1.4">',
        f'  <header creationtool="glossa" creationtoolversion={quoteattr(tool_version)} segtype="sentence" '
        f'o-tmf="glossa"\n    adminlang="en" srclang={quoteattr(srclang)} datatype="plaintext"/>',
        "  <body>",
    ]
    for e in ordered:
        lines.append(f"    <tu srclang={quoteattr(e.source_lang)}>")
        for kind, value, default in (
            ("x-glossa-model", e.model, ANY),
            ("x-glossa-glossary-version", e.glossary_version, ANY),
            ("x-glossa-provenance", e.provenance, Provenance.MEMORY.value),
        ):
            if value != default:
                lines.append(f'      <prop type="{kind}">{xml(value)}</prop>')
        lines.append(f"      <tuv xml:lang={quoteattr(e.source_lang)}><seg>{_seg_xml(e.source)}</seg></tuv>")
        lines.append(f"      <tuv xml:lang={quoteattr(e.target_lang)}><seg>{_seg_xml(e.target)}</seg></tuv>")
        lines.append("    </tu>")
    lines += ["  </body>", "</tmx>", ""]
    return "\n".join(lines)


def import_tmx(memory: TranslationMemory, path: Path) -> int:
    """Read a TMX file into the memory; return the number of entries stored.

    Raises:
        InputError: the file cannot be read.
        FormatError: it is not valid TMX.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror}); pass an existing TMX file", path=str(path)) from exc
    return memory.add(parse_tmx(data, source=str(path)))


def export_tmx(memory: TranslationMemory, path: Path, *, overwrite: bool = False, **filters: Any) -> int:
    """Write the memory (optionally ``source_lang=``/``target_lang=`` filtered) as TMX, atomically.

    Returns:
        The number of entries written.

    Raises:
        InputError: ``path`` is the memory database itself (or its journal), exists and ``overwrite`` is
            false, or it cannot be written.
    """
    database = Path(os.path.realpath(memory.path))
    own = {database, *(database.with_name(database.name + s) for s in ("-journal", "-wal", "-shm"))}
    if Path(os.path.realpath(path)) in own:
        raise InputError(
            "is the translation memory itself; export to another file (--force never overwrites it)",
            path=str(path),
        )
    if path.exists() and not overwrite:
        raise InputError(
            "already exists; pass --force to overwrite it or choose another name", path=str(path)
        )
    entries = memory.entries(**filters)
    text = render_tmx(entries)
    _write_atomic(path, text)
    return len(entries)


def _write_atomic(path: Path, text: str) -> None:
    from pipeline.formats.files import create_beside, interrupts_deferred, keep_mode

    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with interrupts_deferred():
                fd, tmp = create_beside(path)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            keep_mode(tmp, path)
            os.replace(tmp, path)
        except BaseException:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror}); check the folder", path=str(path)) from exc
