"""XLIFF 2.0 review files (the format only): ``glossa translate --xliff`` writes one, apply reads it.

One ``<file>`` per input document (``original`` = its path), one ``<unit>`` per change, with notes that
locate the span (``unit start end`` offsets and ``line:column``), its language, provenance and the model
that produced it. Untranslated spans have no ``<target>`` and state ``initial``; a reviewer fills in
targets (and may set ``state="reviewed"`` or ``"final"``). Parsing uses defusedxml: entity expansion
and external entities are refused. Applying a reviewed file is :mod:`pipeline.app.review`.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import FormatError, InputError

if TYPE_CHECKING:
    from pipeline.document import TranslateRun

__all__ = ["ReviewedUnit", "dump_xliff", "load_xliff", "xliff_base"]


NS = "urn:oasis:names:tc:xliff:document:2.0"


_Q = f"{{{NS}}}"


def _note(parent: ET.Element, category: str, text: str) -> None:
    note = ET.SubElement(parent, "note", {"category": category})
    note.text = text


def xliff_base(xliff: Path, paths: Sequence[Path]) -> Path:
    """The folder an XLIFF's paths are written relative to: its own folder when it holds every document and
    output, else the deepest folder that holds them all (``glossa apply --root`` must then name it).

    >>> xliff_base(Path("/w/r.xlf"), [Path("/w/a.txt"), Path("/w/out/a.txt")])
    PosixPath('/w')
    >>> xliff_base(Path("/tmp/r.xlf"), [Path("/w/d/a.txt"), Path("/w/e/a.txt")])
    PosixPath('/w')
    """
    home = os.path.realpath(xliff.parent)
    folders = [os.path.dirname(os.path.realpath(p)) for p in paths]
    if all(f == home or f.startswith(home.rstrip(os.sep) + os.sep) for f in folders):
        return Path(home)
    return Path(os.path.commonpath(folders)) if folders else Path(home)


def _relative(path: str, base: Path | None) -> str:
    if base is None:
        return path
    return Path(os.path.relpath(os.path.realpath(path), os.path.realpath(base))).as_posix()


def dump_xliff(run: TranslateRun, *, base: Path | None = None) -> str:
    """Return an XLIFF 2.0 document of every change of the run (deterministic).

    Args:
        run: the translate run.
        base: the folder document (``original``) and output paths are written relative to (see
            :func:`xliff_base`); None keeps them as the run names them.
    """
    from pipeline.document import Status

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
        file_el = ET.SubElement(root, "file", {"id": f"f{f_index}", "original": _relative(item.path, base)})
        notes = ET.SubElement(file_el, "notes")
        _note(notes, "glossary-version", run.glossary_version)
        if item.output:
            _note(notes, "glossa-output", _relative(item.output, base))
            if item.output_sha256:
                _note(notes, "glossa-output-sha256", item.output_sha256)
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
    id: str = ""
    output_sha256: str = ""  # of the output as translate wrote it; "" when the XLIFF does not say


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
                    id=f"{file_el.get('id') or original}/{unit_el.get('id') or '?'}",
                    output_sha256=file_notes.get("glossa-output-sha256", ""),
                )
            )
    return units
