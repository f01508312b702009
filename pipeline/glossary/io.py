"""Reading, writing and editing glossary files (``glossaries/*.toml``, see docs/glossary-format.md).

A file is split at every line that is exactly ``[[concept]]``; the part before the first such line is the
header (the ``[glossary]`` table), and each chunk is parsed on its own with :mod:`tomllib`. Errors therefore
name the line in the whole file, and edits (:func:`add_concepts`, :func:`remove_concepts`) rewrite only the
chunks they touch: every other byte of the file stays as it was. Writes are atomic (temp file, fsync,
``os.replace``) and happen under a lock file beside the glossary, so concurrent editors never lose an entry.

This module is the only reader and writer of glossary files.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import GlossaryError, InputError, PipelineError
from pipeline.glossary.model import (
    CASE_RULES,
    CONCEPT_ID,
    CONCEPT_ID_SYNTAX,
    NUMBER,
    POS_VALUES,
    Concept,
    Glossary,
    TermEntry,
)

if TYPE_CHECKING:
    from filelock import SoftFileLock

__all__ = [
    "CONCEPT_KEYS",
    "HEADER_KEYS",
    "RawGlossary",
    "add_concepts",
    "dump_concept",
    "dump_header",
    "dumps_glossary",
    "load_glossary",
    "loads_glossary",
    "merge_files",
    "merge_glossaries",
    "read_glossary_text",
    "remove_concepts",
    "split_chunks",
    "write_new_glossary",
    "write_text_atomic",
]

HEADER_KEYS = ("id", "title", "version", "languages", "license")
CONCEPT_KEYS = ("id", "category", "pos", "pattern", "note", "source")
ENTRY_KEYS = ("term", "variants", "forbidden", "abbr", "case")
_MARK = "[[concept]]"
_GLOSSARY_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_LANG = re.compile(r"[a-z]{2,3}\Z")
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_BRACES = re.compile(r"\{n\}")
_LOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class RawGlossary:
    """A glossary file's text split into its header and concept chunks.

    Attributes:
        header: the text before the first ``[[concept]]`` line.
        chunks: ``(first_line, text)`` of each concept chunk, the ``[[concept]]`` line included.
    """

    header: str
    chunks: tuple[tuple[int, str], ...]

    def text(self) -> str:
        """Join the parts back; ``split_chunks(t).text() == t`` for every ``t``."""
        return self.header + "".join(chunk for _, chunk in self.chunks)


def split_chunks(text: str) -> RawGlossary:
    """Split glossary text at every line that is exactly ``[[concept]]`` (trailing blanks allowed).

    >>> raw = split_chunks('[glossary]\\nid = "x"\\n[[concept]]\\nid = "a"\\n')
    >>> raw.header, raw.chunks
    ('[glossary]\\nid = "x"\\n', ((3, '[[concept]]\\nid = "a"\\n'),))
    """
    lines = text.splitlines(keepends=True)
    header: list[str] = []
    chunks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if line.rstrip() == _MARK:
            chunks.append((number, [line]))
        elif chunks:
            chunks[-1][1].append(line)
        else:
            header.append(line)
    return RawGlossary("".join(header), tuple((n, "".join(parts)) for n, parts in chunks))


def _toml(text: str, *, source: str, first_line: int) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_LINE.search(message)
        # without a position the error is "at end of document": name the last line with content
        line = first_line + (int(match.group(1)) - 1 if match else text.rstrip().count("\n"))
        reason = _TOML_LINE.sub("", message).replace("(at end of document)", "at the end").strip()
        raise GlossaryError(
            f"TOML syntax error: {reason}; fix the syntax (see docs/glossary-format.md)",
            path=source,
            line=line,
        ) from None


def _key_line(chunk: str, key: str, first_line: int) -> int:
    pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=", re.MULTILINE)
    match = pattern.search(chunk)
    return first_line if match is None else first_line + chunk.count("\n", 0, match.start())


def _check_pattern_string(value: str, *, pattern: bool, where: str, source: str, line: int) -> None:
    stripped = _BRACES.sub("", value)
    if "{" in stripped or "}" in stripped:
        raise GlossaryError(
            f"invalid pattern in {where} {value!r}: the only placeholder is {NUMBER} (a flight number); "
            "remove other braces",
            path=source,
            line=line,
        )
    count = value.count(NUMBER)
    if count > 1:
        raise GlossaryError(
            f"invalid pattern in {where} {value!r}: {NUMBER} may appear once; keep one placeholder",
            path=source,
            line=line,
        )
    if count and not pattern:
        raise GlossaryError(
            f"{where} {value!r} contains {NUMBER} but the concept has no `pattern = true`; add it",
            path=source,
            line=line,
        )


def _strings(value: Any, *, what: str, source: str, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GlossaryError(
            f'{what} must be a list of strings; write {what} = ["..."]', path=source, line=line
        )
    return tuple(value)


def _entry(lang: str, value: Any, *, pattern: bool, source: str, line: int, concept_id: str) -> TermEntry:
    where = f"{concept_id}.{lang}"
    if isinstance(value, str):
        value = {"term": value}
    if not isinstance(value, dict):
        raise GlossaryError(
            f'{where} must be an inline table; write {lang} = {{ term = "..." }}', path=source, line=line
        )
    unknown = sorted(set(value) - set(ENTRY_KEYS))
    if unknown:
        raise GlossaryError(
            f"unknown key {unknown[0]!r} in {where}; known keys: {', '.join(ENTRY_KEYS)}",
            path=source,
            line=line,
        )
    if "term" not in value:
        raise GlossaryError(f'{where} has no `term`; add term = "..."', path=source, line=line)
    term = value["term"]
    if not isinstance(term, str):
        raise GlossaryError(f"{where}.term must be a string", path=source, line=line)
    case = value.get("case", "auto")
    if case not in CASE_RULES:
        raise GlossaryError(
            f"{where}.case is {case!r}; use one of {', '.join(CASE_RULES)}", path=source, line=line
        )
    entry = TermEntry(
        term=term,
        variants=_strings(value.get("variants", []), what=f"{where}.variants", source=source, line=line),
        forbidden=_strings(value.get("forbidden", []), what=f"{where}.forbidden", source=source, line=line),
        abbr=_strings(value.get("abbr", []), what=f"{where}.abbr", source=source, line=line),
        case=case,
    )
    for form, string in entry.forms():
        _check_pattern_string(string, pattern=pattern, where=f"{where} {form}", source=source, line=line)
    return entry


def _refuse_extra(
    data: dict[str, Any], known: Iterable[str], message: str, *, text: str, first_line: int, source: str
) -> None:
    """Raise on the first key of ``data`` (sorted) not in ``known``; ``message`` has a ``{key}`` slot."""
    extra = sorted(set(data) - set(known))
    if extra:
        raise GlossaryError(
            message.format(key=repr(extra[0])), path=source, line=_key_line(text, extra[0], first_line)
        )


def _concept_id(table: dict[str, Any], *, chunk: str, first_line: int, source: str) -> str:
    """The concept's ``id``: present and of the :data:`CONCEPT_ID` syntax."""
    if "id" not in table:
        raise GlossaryError(
            f'concept has no `id`; add id = "..." ({CONCEPT_ID_SYNTAX})', path=source, line=first_line
        )
    cid = table["id"]
    if not isinstance(cid, str) or not CONCEPT_ID.match(cid):
        raise GlossaryError(
            f"concept id {cid!r} is invalid; use lower-case letters, digits, '.' and '-'",
            path=source,
            line=_key_line(chunk, "id", first_line),
        )
    return cid


def _check_concept_keys(
    table: dict[str, Any], cid: str, *, chunk: str, first_line: int, languages: Sequence[str], source: str
) -> None:
    """Every key is a concept key or a declared language (an undeclared language is named as such)."""
    for key, value in table.items():
        if key in CONCEPT_KEYS or key in languages:
            continue
        line = _key_line(chunk, key, first_line)
        if _LANG.match(key) and isinstance(value, dict):
            raise GlossaryError(
                f"language {key!r} of concept {cid!r} is not declared; add it to [glossary].languages",
                path=source,
                line=line,
            )
        raise GlossaryError(
            f"unknown key {key!r} in concept {cid!r}; known keys: {', '.join(CONCEPT_KEYS)} "
            "and the declared language codes",
            path=source,
            line=line,
        )


def _concept_fields(
    table: dict[str, Any], cid: str, *, chunk: str, first_line: int, source: str
) -> tuple[str, bool]:
    """The concept's own fields, checked (strings, ``pos``, ``pattern``, an ``en`` entry): pos, pattern."""
    for key in ("category", "pos", "note", "source"):
        if key in table and not isinstance(table[key], str):
            raise GlossaryError(
                f"{key} of concept {cid!r} must be a string",
                path=source,
                line=_key_line(chunk, key, first_line),
            )
    pos = table.get("pos", "")
    if pos and pos not in POS_VALUES:
        raise GlossaryError(
            f"pos of concept {cid!r} is {pos!r}; use one of {', '.join(POS_VALUES)}",
            path=source,
            line=_key_line(chunk, "pos", first_line),
        )
    pattern = table.get("pattern", False)
    if not isinstance(pattern, bool):
        raise GlossaryError(
            f"pattern of concept {cid!r} must be true or false",
            path=source,
            line=_key_line(chunk, "pattern", first_line),
        )
    if "en" not in table:
        raise GlossaryError(
            f'concept {cid!r} has no `en` entry; every concept needs en = {{ term = "..." }}',
            path=source,
            line=first_line,
        )
    return pos, pattern


def _concept(
    table: dict[str, Any], *, chunk: str, first_line: int, languages: Sequence[str], source: str
) -> Concept:
    """Validate one ``[[concept]]`` table: its id, its keys, its fields, then each language entry."""
    cid = _concept_id(table, chunk=chunk, first_line=first_line, source=source)
    _check_concept_keys(table, cid, chunk=chunk, first_line=first_line, languages=languages, source=source)
    pos, pattern = _concept_fields(table, cid, chunk=chunk, first_line=first_line, source=source)
    terms = tuple(
        (
            key,
            _entry(
                key,
                value,
                pattern=pattern,
                source=source,
                line=_key_line(chunk, key, first_line),
                concept_id=cid,
            ),
        )
        for key, value in table.items()
        if key in languages and key not in CONCEPT_KEYS
    )
    return Concept(
        id=cid,
        category=table.get("category", ""),
        pos=pos,
        note=table.get("note", ""),
        source=table.get("source", ""),
        pattern=pattern,
        terms=terms,
        line=first_line,
    )


def _header(text: str, *, source: str) -> dict[str, Any]:
    """Parse and check the ``[glossary]`` table: known keys, an id, ISO 639-1 languages including ``en``."""
    data = _toml(text, source=source, first_line=1)
    table = data.get("glossary")
    if not isinstance(table, dict):
        raise GlossaryError(
            "no [glossary] table before the first [[concept]]; add [glossary] with id and languages",
            path=source,
            line=1,
        )
    _refuse_extra(
        data,
        ("glossary",),
        "unknown table or key {key} in the header; only [glossary] goes before the first [[concept]]",
        text=text,
        first_line=1,
        source=source,
    )
    _refuse_extra(
        table,
        HEADER_KEYS,
        f"unknown key {{key}} in [glossary]; known keys: {', '.join(HEADER_KEYS)}",
        text=text,
        first_line=1,
        source=source,
    )
    for key in ("id", "languages"):
        if key not in table:
            raise GlossaryError(
                f"[glossary] has no `{key}`; add it", path=source, line=_key_line(text, "[glossary]", 1)
            )
    if not isinstance(table["id"], str) or not _GLOSSARY_ID.match(table["id"]):
        raise GlossaryError(
            f"glossary id {table['id']!r} is invalid; use [a-z0-9-]+",
            path=source,
            line=_key_line(text, "id", 1),
        )
    langs = table["languages"]
    if not isinstance(langs, list) or not all(isinstance(x, str) and _LANG.match(x) for x in langs):
        raise GlossaryError(
            'languages must be a list of ISO 639-1 codes such as ["en", "ru"]',
            path=source,
            line=_key_line(text, "languages", 1),
        )
    if "en" not in langs:
        raise GlossaryError('languages must include "en"', path=source, line=_key_line(text, "languages", 1))
    for key in ("title", "version", "license"):
        if key in table and not isinstance(table[key], str):
            raise GlossaryError(f"{key} must be a string", path=source, line=_key_line(text, key, 1))
    return table


def _chunk_concept(chunk: str, *, first_line: int, languages: Sequence[str], source: str) -> Concept:
    """Parse one ``[[concept]]`` chunk: exactly one concept record and nothing else."""
    data = _toml(chunk, source=source, first_line=first_line)
    _refuse_extra(
        data,
        ("concept",),
        "unexpected table or key {key} inside a concept record; put it in [glossary] or remove it",
        text=chunk,
        first_line=first_line,
        source=source,
    )
    items = data.get("concept")
    if not isinstance(items, list) or len(items) != 1:
        raise GlossaryError(
            "a [[concept]] chunk must hold exactly one concept; "
            "start each record with a [[concept]] line alone",
            path=source,
            line=first_line,
        )
    return _concept(items[0], chunk=chunk, first_line=first_line, languages=languages, source=source)


def loads_glossary(text: str, *, source: str = "<glossary>") -> Glossary:
    """Parse and validate glossary text.

    Args:
        text: the file's decoded text.
        source: the path named in error messages.

    Returns:
        The glossary, concepts in file order.

    Raises:
        GlossaryError: the text is not a valid glossary (the message names the line and the fix).
    """
    raw = split_chunks(text.removeprefix("\ufeff"))
    table = _header(raw.header, source=source)
    languages = tuple(table["languages"])
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for first_line, chunk in raw.chunks:
        concept = _chunk_concept(chunk, first_line=first_line, languages=languages, source=source)
        if concept.id in seen:
            raise GlossaryError(
                f"duplicate concept id {concept.id!r} (first at line {seen[concept.id]}); "
                "rename or merge one",
                path=source,
                line=first_line,
            )
        seen[concept.id] = first_line
        concepts.append(concept)
    return Glossary(
        id=table["id"],
        title=table.get("title", ""),
        version=table.get("version", ""),
        languages=languages,
        concepts=tuple(concepts),
        path=source,
        license=table.get("license", ""),
    )


def read_glossary_text(path: Path) -> str:
    """Read a glossary file as UTF-8 text.

    Raises:
        InputError: the file is missing, unreadable or not UTF-8.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("glossary file not found; check the path", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a glossary file; name a .toml file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read glossary: {exc.strerror}", path=str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x}); re-save the glossary as UTF-8",
            path=str(path),
            line=line,
        ) from None


def load_glossary(path: Path | str) -> Glossary:
    """Read and validate one glossary file.

    Args:
        path: the ``.toml`` file.

    Returns:
        The glossary with ``path`` set.

    Raises:
        InputError: the file is missing, unreadable or not UTF-8.
        GlossaryError: the content is invalid (message with file:line and the fix).
    """
    path = Path(path)
    return loads_glossary(read_glossary_text(path), source=str(path))


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def dump_entry(entry: TermEntry) -> str:
    """The canonical inline table of one language entry.

    >>> dump_entry(TermEntry("Roscosmos", forbidden=("Roskosmos",)))
    '{ term = "Roscosmos", forbidden = ["Roskosmos"] }'
    """
    parts = [f"term = {_toml_str(entry.term)}"]
    if entry.variants:
        parts.append(f"variants = {_toml_list(entry.variants)}")
    if entry.forbidden:
        parts.append(f"forbidden = {_toml_list(entry.forbidden)}")
    if entry.abbr:
        parts.append(f"abbr = {_toml_list(entry.abbr)}")
    if entry.case != "auto":
        parts.append(f"case = {_toml_str(entry.case)}")
    return "{ " + ", ".join(parts) + " }"


def dump_concept(concept: Concept) -> str:
    """The canonical chunk text of one concept (ends with a newline; no blank line).

    >>> print(dump_concept(Concept("iss", category="station", terms=(("en", TermEntry("ISS")),))), end="")
    [[concept]]
    id = "iss"
    category = "station"
    en = { term = "ISS" }
    """
    lines = [_MARK, f"id = {_toml_str(concept.id)}"]
    if concept.category:
        lines.append(f"category = {_toml_str(concept.category)}")
    if concept.pos:
        lines.append(f"pos = {_toml_str(concept.pos)}")
    if concept.pattern:
        lines.append("pattern = true")
    if concept.note:
        lines.append(f"note = {_toml_str(concept.note)}")
    if concept.source:
        lines.append(f"source = {_toml_str(concept.source)}")
    lines += [f"{lang} = {dump_entry(entry)}" for lang, entry in concept.terms]
    return "\n".join(lines) + "\n"


def dump_header(glossary: Glossary) -> str:
    """The canonical ``[glossary]`` table (ends with a blank line)."""
    lines = ["[glossary]", f"id = {_toml_str(glossary.id)}"]
    if glossary.title:
        lines.append(f"title = {_toml_str(glossary.title)}")
    if glossary.version:
        lines.append(f"version = {_toml_str(glossary.version)}")
    lines.append(f"languages = {_toml_list(glossary.languages)}")
    if glossary.license:
        lines.append(f"license = {_toml_str(glossary.license)}")
    return "\n".join(lines) + "\n\n"


def dumps_glossary(glossary: Glossary) -> str:
    """The canonical text of a whole glossary (loads back equal up to ``line`` and ``path``)."""
    return dump_header(glossary) + "\n".join(dump_concept(c) for c in glossary.concepts)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` via a temp file in the same folder and ``os.replace``.

    Every failure (folder missing or read-only, disk full, a file in the way) leaves ``path`` as it was and
    no temporary file behind.

    Raises:
        InputError: the file cannot be written (the message names the path and the reason).
    """
    from pipeline.formats import check_output_target
    from pipeline.formats.files import create_beside, interrupts_deferred, keep_mode

    try:
        check_output_target(path)
    except PipelineError as exc:
        raise InputError(exc.message, path=str(path)) from None
    tmp: Path | None = None
    try:
        try:
            with interrupts_deferred():
                fd, tmp = create_beside(path)
        except OSError as exc:
            raise InputError(f"cannot write here: {exc.strerror}", path=str(path)) from None
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        keep_mode(tmp, path)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise InputError(
            f"cannot write: {exc.strerror or exc}; nothing was changed", path=str(path)
        ) from None
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise


def _lock(path: Path) -> SoftFileLock:
    """The lock beside ``path``: ``.NAME.lock``, created exclusively and removed on release.

    A soft (existence) lock rather than ``flock``: an ``flock`` file must stay behind after use, or two
    writers could lock two different inodes; this one is removed, and a marker left by a process that died
    is reclaimed by the next writer (the marker holds its pid and host).
    """
    from filelock import SoftFileLock  # only writers lock: every command reads glossaries, few write them

    return SoftFileLock(str(path.parent / f".{path.name}.lock"), timeout=_LOCK_TIMEOUT_S)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold :func:`_lock` for ``path``; a lock that cannot be taken is a one-line error."""
    from filelock import Timeout

    lock = _lock(path)
    try:
        lock.acquire()
    except Timeout:
        raise GlossaryError(
            f"another process holds the lock for {_LOCK_TIMEOUT_S:.0f} s; retry when it is done",
            path=str(path),
        ) from None
    except OSError as exc:
        raise GlossaryError(
            f"cannot create the lock file {lock.lock_file}: {exc.strerror or exc}; "
            "the folder must be writable and have free space",
            path=str(path),
        ) from None
    try:
        yield
    finally:
        lock.release()


def _edit(path: Path, change: Any) -> Glossary:
    """Apply ``change(text) -> new_text`` under the lock, validate the result, write it atomically."""
    with _locked(path):
        text = read_glossary_text(path)
        loads_glossary(text, source=str(path))
        new_text = change(text)
        glossary = loads_glossary(new_text, source=str(path))
        write_text_atomic(path, new_text)
        return glossary


def add_concepts(
    path: Path | str, concepts: Sequence[Concept], *, replace: bool = False, origin: str = "the new concept"
) -> Glossary:
    """Append concepts to a glossary file, keeping every other byte of it.

    Args:
        path: the glossary file (must exist and be valid).
        concepts: the concepts to add.
        replace: rewrite an existing concept with the same id in place instead of failing.
        origin: where the concepts come from, named when they are invalid on their own (a CSV file, "the
            command line").

    Returns:
        The glossary as written.

    Raises:
        GlossaryError: an id exists already (without ``replace``), or the result would be invalid.
    """
    path = Path(path)

    def change(text: str) -> str:
        raw = split_chunks(text)
        chunks = [chunk for _, chunk in raw.chunks]
        current = loads_glossary(text, source=str(path))
        # the new records alone under this file's header, so an error names them rather than the file
        try:
            loads_glossary(dump_header(current) + "\n".join(dump_concept(c) for c in concepts), source=origin)
        except GlossaryError as exc:  # its line is in the text made here, which the user never sees
            raise GlossaryError(f"{exc.message} (adding to {path})", path=origin) from None
        ids = list(current.ids)
        tail: list[str] = []
        for concept in concepts:
            if concept.id in ids:
                if not replace:
                    where = raw.chunks[ids.index(concept.id)][0]
                    raise GlossaryError(
                        f"concept {concept.id!r} exists already (line {where}); "
                        "pass --replace or pick another id",
                        path=str(path),
                        line=where,
                    )
                index = ids.index(concept.id)
                old = chunks[index]
                trailing = old[len(old.rstrip("\n")) :]
                chunks[index] = dump_concept(concept).rstrip("\n") + (trailing or "\n")
            else:
                tail.append(dump_concept(concept))
                ids.append(concept.id)
        body = raw.header + "".join(chunks)
        for chunk in tail:
            if body and not body.endswith("\n"):
                body += "\n"
            if body and not body.endswith("\n\n"):
                body += "\n"
            body += chunk
        return body

    return _edit(path, change)


def remove_concepts(path: Path | str, concept_ids: Sequence[str]) -> Glossary:
    """Remove concepts from a glossary file, keeping every other byte of it.

    Raises:
        GlossaryError: an id is not in the file.
    """
    path = Path(path)

    def change(text: str) -> str:
        raw = split_chunks(text)
        glossary = loads_glossary(text, source=str(path))
        missing = [cid for cid in concept_ids if cid not in glossary]
        if missing:
            raise GlossaryError(f"no concept {missing[0]!r}; see `glossa glossary list`", path=str(path))
        keep = [
            chunk
            for concept, (_, chunk) in zip(glossary.concepts, raw.chunks, strict=True)
            if concept.id not in concept_ids
        ]
        text = raw.header + "".join(keep)
        if raw.chunks and glossary.concepts[-1].id in concept_ids:
            text = text.rstrip("\n") + "\n"  # no blank lines left at the end by the removed last record
        return text

    return _edit(path, change)


def write_new_glossary(path: Path | str, text: str, *, force: bool = False) -> Glossary:
    """Validate glossary text and write it to a new file (atomic; an existing file needs ``force``).

    Raises:
        GlossaryError: the text is invalid, or the file exists and ``force`` is false.
    """
    path = Path(path)
    glossary = loads_glossary(text, source=str(path))
    with _locked(path):
        if path.exists() and not force:
            raise GlossaryError("exists already; pick a new output file or pass --force", path=str(path))
        write_text_atomic(path, text)
    return glossary


def _merge_entry(a: TermEntry, b: TermEntry) -> TermEntry:
    def union(x: tuple[str, ...], y: tuple[str, ...]) -> tuple[str, ...]:
        return x + tuple(v for v in y if v not in x)

    return TermEntry(
        term=a.term,
        variants=union(a.variants, b.variants + ((b.term,) if b.term != a.term else ())),
        forbidden=union(a.forbidden, b.forbidden),
        abbr=union(a.abbr, b.abbr),
        case=a.case,
    )


def merge_glossaries(a: Glossary, b: Glossary, *, prefer: str = "") -> tuple[Glossary, tuple[str, ...]]:
    """Merge ``b`` into ``a``: new concepts are appended, shared ids are merged language by language.

    Languages missing in ``a`` come from ``b``. Where both have a language and the preferred terms differ,
    ``prefer="a"`` keeps a's term (b's becomes a variant), ``prefer="b"`` the reverse, and no preference is
    an error. Variants, forbidden renderings and abbreviations are united.

    Returns:
        The merged glossary and the ids of the concepts that changed or were added.

    Raises:
        GlossaryError: a preferred term conflicts and ``prefer`` is empty.
    """
    changed: list[str] = []
    merged: list[Concept] = []
    b_by_id = {c.id: c for c in b.concepts}
    for concept in a.concepts:
        other = b_by_id.get(concept.id)
        if other is None or other == concept:
            merged.append(concept)
            continue
        terms = dict(concept.terms)
        for lang, entry in other.terms:
            mine = terms.get(lang)
            if mine is None:
                terms[lang] = entry
            elif mine.term != entry.term and not prefer:
                raise GlossaryError(
                    f"concept {concept.id!r} prefers {mine.term!r} ({a.path}:{concept.line}) "
                    f"but {entry.term!r} "
                    f"({b.path}:{other.line}) in {lang}; reconcile them or pass --prefer a|b",
                    path=a.path,
                    line=concept.line,
                )
            else:
                terms[lang] = _merge_entry(entry, mine) if prefer == "b" else _merge_entry(mine, entry)
        new = Concept(
            id=concept.id,
            category=concept.category or other.category,
            pos=concept.pos or other.pos,
            note=concept.note or other.note,
            source=concept.source
            if not other.source or other.source == concept.source
            else f"{concept.source}; {other.source}".strip("; "),
            pattern=concept.pattern or other.pattern,
            terms=tuple(terms.items()),
            line=concept.line,
        )
        if new != concept:
            changed.append(concept.id)
        merged.append(new)
    a_ids = set(a.ids)
    for concept in b.concepts:
        if concept.id not in a_ids:
            merged.append(concept)
            changed.append(concept.id)
    languages = a.languages + tuple(x for x in b.languages if x not in a.languages)
    glossary = Glossary(
        id=a.id,
        title=a.title,
        version=a.version,
        languages=languages,
        concepts=tuple(merged),
        path=a.path,
        license=a.license,
    )
    return glossary, tuple(changed)


def merge_files(
    a_path: Path | str, b_path: Path | str, out: Path | str, *, prefer: str = "", force: bool = False
) -> tuple[Glossary, tuple[str, ...]]:
    """Merge glossary file ``b`` into ``a`` and write the result to ``out`` (see :func:`merge_glossaries`).

    Chunks of ``a`` that do not change keep their bytes; new concepts keep their bytes from ``b``; the
    header of ``a`` is kept unless ``b`` adds languages.

    Returns:
        The merged glossary and the ids that changed or were added.

    Raises:
        InputError: a file is unreadable.
        GlossaryError: a file is invalid, a preferred term conflicts, or ``out`` exists without ``force``.
    """
    a_path, b_path = Path(a_path), Path(b_path)
    a_text, b_text = read_glossary_text(a_path), read_glossary_text(b_path)
    a, b = loads_glossary(a_text, source=str(a_path)), loads_glossary(b_text, source=str(b_path))
    merged, changed = merge_glossaries(a, b, prefer=prefer)
    a_raw, b_raw = split_chunks(a_text.removeprefix("\ufeff")), split_chunks(b_text.removeprefix("\ufeff"))
    header = a_raw.header if merged.languages == a.languages else dump_header(merged)
    parts: list[str] = []
    b_chunks = {c.id: chunk for c, (_, chunk) in zip(b.concepts, b_raw.chunks, strict=True)}
    a_chunks = {c.id: chunk for c, (_, chunk) in zip(a.concepts, a_raw.chunks, strict=True)}
    for concept in merged.concepts:
        if concept.id in a_chunks:
            old = a_chunks[concept.id]
            if concept.id in changed:
                trailing = old[len(old.rstrip("\n")) :]
                parts.append(dump_concept(concept).rstrip("\n") + (trailing or "\n"))
            else:
                parts.append(old)
        else:
            chunk = b_chunks[concept.id]
            if parts and not parts[-1].endswith("\n\n"):
                parts[-1] = parts[-1].rstrip("\n") + "\n\n"
            parts.append(chunk if chunk.endswith("\n") else chunk + "\n")
    glossary = write_new_glossary(out, header + "".join(parts), force=force)
    return glossary, changed
