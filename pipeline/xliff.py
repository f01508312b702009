"""XLIFF 2.0 review round trip: ``glossa translate --xliff`` writes one, ``glossa apply`` reads it back.

One ``<file>`` per input document (``original`` = its path), one ``<unit>`` per change, with notes that
locate the span (``unit start end`` offsets and ``line:column``), its language, provenance and the model
that produced it. Untranslated spans have no ``<target>`` and state ``initial``; a reviewer fills in
targets (and may set ``state="reviewed"`` or ``"final"``). Parsing uses defusedxml: entity expansion
and external entities are refused.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import FormatError, InputError

if TYPE_CHECKING:
    from pipeline.config import Settings
    from pipeline.workflows import TranslateRun

__all__ = ["ReviewedUnit", "apply_xliff", "dump_xliff", "load_xliff"]

NS = "urn:oasis:names:tc:xliff:document:2.0"
_Q = f"{{{NS}}}"


def _note(parent: ET.Element, category: str, text: str) -> None:
    note = ET.SubElement(parent, "note", {"category": category})
    note.text = text


def dump_xliff(run: TranslateRun) -> str:
    """Return an XLIFF 2.0 document of every change of the run (deterministic)."""
    from pipeline.translating import Status

    ET.register_namespace("", NS)
    # The real source language when every change has the same one (--from, or one stray language).
    languages = {
        c.source_lang
        for item in run.files
        for c in item.changes
        if c.source_lang and c.provenance not in ("homoglyph", "dropped")
    }
    source_lang = languages.pop() if len(languages) == 1 else "mul"
    root = ET.Element("xliff", {"xmlns": NS, "version": "2.0", "srcLang": source_lang, "trgLang": run.target})
    for f_index, item in enumerate(run.files, start=1):
        if item.error is not None and not item.changes:
            continue
        file_el = ET.SubElement(root, "file", {"id": f"f{f_index}", "original": item.path})
        notes = ET.SubElement(file_el, "notes")
        _note(notes, "glossary-version", run.glossary_version)
        if item.output:
            _note(notes, "glossa-output", item.output)
        # Sentences kept as they were (already in the target language) have nothing to review.
        pairs = zip(item.changes, item.places, strict=True)
        review = [(c, p) for c, p in pairs if c.status is not Status.KEPT]
        for u_index, (change, (line, column)) in enumerate(review, start=1):
            unit = ET.SubElement(file_el, "unit", {"id": f"u{u_index}"})
            notes = ET.SubElement(unit, "notes")
            _note(notes, "offsets", f"{change.unit} {change.start} {change.end}")
            _note(notes, "location", f"{line}:{column}")
            _note(notes, "source-language", change.source_lang)
            _note(notes, "provenance", change.provenance)
            _note(notes, "status", change.status.value)
            if change.terms:
                _note(notes, "terms", "; ".join(f"{t.source} => {t.target}" for t in change.terms))
            if change.note:
                _note(notes, "comment", change.note)
            untranslated = change.status is Status.UNTRANSLATED
            segment = ET.SubElement(unit, "segment", {"state": "initial" if untranslated else "translated"})
            source = ET.SubElement(segment, "source")
            source.text = change.source_text
            if not untranslated:
                target = ET.SubElement(segment, "target")
                target.text = change.target_text
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    # ElementTree writes the default namespace twice when it is given as an attribute too.
    body = body.replace(f' xmlns="{NS}" xmlns="{NS}"', f' xmlns="{NS}"')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


@dataclass(frozen=True, slots=True)
class ReviewedUnit:
    """One unit of a reviewed XLIFF file."""

    original: str
    output: str | None
    unit: int
    start: int
    end: int
    source: str
    target: str | None
    source_lang: str
    target_lang: str
    provenance: str
    state: str
    glossary_version: str


def load_xliff(path: Path) -> list[ReviewedUnit]:
    """Parse an XLIFF 2.0 file written by Glossa.

    Raises:
        InputError: the file cannot be read.
        FormatError: it is not well-formed XLIFF 2.0 or lacks Glossa's offset notes.
    """
    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}; check the path", path=str(path)) from exc
    try:
        root = SafeET.fromstring(data)
    except ET.ParseError as exc:
        raise FormatError(
            f"not well-formed XML ({exc}); repair or re-export it", path=str(path), line=exc.position[0]
        ) from exc
    except DefusedXmlException as exc:
        raise FormatError(f"unsafe XML refused ({exc}); remove DTDs and entities", path=str(path)) from exc
    if root.tag != f"{_Q}xliff" or root.get("version") != "2.0":
        raise FormatError(
            "not an XLIFF 2.0 document; pass a file written by `glossa translate --xliff`", path=str(path)
        )
    units: list[ReviewedUnit] = []
    for file_el in root.findall(f"{_Q}file"):
        original = file_el.get("original")
        if not original:
            raise FormatError("a <file> has no original attribute", path=str(path))
        file_notes = {n.get("category"): n.text or "" for n in file_el.findall(f"{_Q}notes/{_Q}note")}
        output = file_notes.get("glossa-output")
        for unit_el in file_el.findall(f"{_Q}unit"):
            notes = {n.get("category"): n.text or "" for n in unit_el.findall(f"{_Q}notes/{_Q}note")}
            try:
                unit, start, end = (int(x) for x in notes["offsets"].split())
            except (KeyError, ValueError) as exc:
                raise FormatError(
                    f"unit {unit_el.get('id')} lacks Glossa's offsets note; only files written by "
                    "`glossa translate --xliff` can be applied",
                    path=str(path),
                ) from exc
            segment = unit_el.find(f"{_Q}segment")
            if segment is None:
                continue
            source_el = segment.find(f"{_Q}source")
            target_el = segment.find(f"{_Q}target")
            units.append(
                ReviewedUnit(
                    original=original,
                    output=output,
                    unit=unit,
                    start=start,
                    end=end,
                    source="" if source_el is None else "".join(source_el.itertext()),
                    target=None if target_el is None else "".join(target_el.itertext()),
                    source_lang=notes.get("source-language", ""),
                    target_lang=root.get("trgLang", "en"),
                    provenance=notes.get("provenance", ""),
                    state=segment.get("state", "initial"),
                    glossary_version=file_notes.get("glossary-version", ""),
                )
            )
    return units


def apply_xliff(
    path: Path, settings: Settings, *, output: Path | None = None, in_place: bool = False
) -> list[tuple[str, int]]:
    """Write the targets of a reviewed XLIFF file into its documents and the project memory.

    Every document is checked first (its text at each unit's offsets must still be the unit's source);
    only then is anything written, atomically.

    Args:
        path: the XLIFF file.
        settings: resolved settings (memory path, JSON Lines field).
        output: output file (one document) or folder; default: the output the XLIFF was made for.
        in_place: write into the original documents, keeping a ``.bak`` backup.

    Returns:
        ``(written path, units applied)`` per document.

    Raises:
        InputError: a document is missing or changed since the XLIFF was written.
        FormatError: the XLIFF is invalid.
    """
    from pipeline.formats import Edit, read_path, render_document, write_path
    from pipeline.placeholders import locate_codes
    from pipeline.translating import document_codes
    from pipeline.translation.memory import MemoryEntry, TranslationMemory

    units = load_xliff(path)
    by_file: dict[str, list[ReviewedUnit]] = {}
    for u in units:
        by_file.setdefault(u.original, []).append(u)
    plans = []
    for original, items in by_file.items():
        doc = read_path(Path(original), field=settings.jsonl_field)
        edits = []
        for u in items:
            if u.unit >= len(doc.units) or doc.units[u.unit].text[u.start : u.end] != u.source:
                raise InputError(
                    f"the document changed since the XLIFF was written (unit {u.unit} at {u.start}-{u.end}); "
                    "translate it again",
                    path=original,
                )
            if u.target is not None and u.target != u.source:
                codes = document_codes(doc, u.unit, u.start, u.end)  # tags come back verbatim, not escaped
                edits.append(Edit(u.unit, u.start, u.end, u.target, locate_codes(u.target, codes)))
        if in_place:
            destination = Path(original)
        elif output is not None:
            destination = output / Path(original).name if output.is_dir() or len(by_file) > 1 else output
        elif items[0].output:
            destination = Path(items[0].output)
        else:
            raise InputError("the XLIFF names no output for this document; pass -o OUT", path=original)
        plans.append((doc, edits, destination, items))
    results = []
    memory = TranslationMemory(settings.memory_path)
    try:
        for doc, edits, destination, items in plans:
            if in_place and edits:
                write_path(Path(doc.source + ".bak"), doc.text, doc.encoding, overwrite=True)
            destination.parent.mkdir(parents=True, exist_ok=True)
            text, codec, _ = render_document(doc, edits)
            write_path(destination, text, codec, overwrite=True)
            # A reviewed translation is accepted whatever model or glossary version asks next time, and it
            # replaces the machine translation it corrects (same model and glossary version key).
            # Homoglyph respellings and removals are not translations: they stay out of the memory.
            reviewed = [
                u
                for u in items
                if u.target is not None
                and u.target != u.source
                and u.source_lang
                and u.source_lang != u.target_lang
                and u.provenance not in ("homoglyph", "dropped")
            ]
            memory.add(
                MemoryEntry(u.source, u.source_lang, u.target_lang, u.target or "", provenance="review")
                for u in reviewed
            )
            memory.add(
                MemoryEntry(
                    u.source,
                    u.source_lang,
                    u.target_lang,
                    u.target or "",
                    u.provenance.removeprefix("argos:"),
                    u.glossary_version,
                    "review",
                )
                for u in reviewed
                if u.provenance.startswith("argos:")
            )
            results.append((str(destination), len(edits)))
    finally:
        memory.close()
    return results
