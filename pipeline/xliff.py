"""XLIFF 2.0 review round trip: ``glossa translate --xliff`` writes one, ``glossa apply`` reads it back.

One ``<file>`` per input document (``original`` = its path), one ``<unit>`` per change, with notes that
locate the span (``unit start end`` offsets and ``line:column``), its language, provenance and the model
that produced it. Untranslated spans have no ``<target>`` and state ``initial``; a reviewer fills in
targets (and may set ``state="reviewed"`` or ``"final"``). Parsing uses defusedxml: entity expansion
and external entities are refused.
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
    from pipeline.config import Settings
    from pipeline.workflows import TranslateRun

__all__ = ["ReviewedUnit", "apply_xliff", "dump_xliff", "load_xliff", "xliff_base"]

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


def _check_unchanged(destination: Path, sha256: str, *, force: bool, source: str) -> None:
    """Refuse to overwrite an output edited since ``glossa translate`` wrote it (unless ``force``).

    Raises:
        InputError: the output's bytes no longer have the SHA-256 the XLIFF recorded.
    """
    import hashlib

    if force or not sha256 or not destination.is_file():
        return
    try:
        current = hashlib.sha256(destination.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}; check the path", path=str(destination)) from exc
    if current != sha256:
        raise InputError(
            f"changed since {source} was written (edited by hand?); applying would overwrite those edits: "
            "pass --force to overwrite it, or -o OUT to write elsewhere",
            path=str(destination),
        )


@dataclass(frozen=True, slots=True)
class _DocumentPlan:
    """One document of an apply, checked and rendered, ready to write."""

    path: Path
    destination: Path
    text: str
    codec: str
    original_text: str
    original_codec: str
    edits: int
    units: tuple[ReviewedUnit, ...]


def _check_units(
    items: Sequence[ReviewedUnit], doc_units: Sequence[str], *, xliff: str, original: str
) -> None:
    """Offsets in range, no two units overlapping, the document's text still the units' sources.

    Raises:
        FormatError: a unit's offsets are impossible, or two units overlap (a crafted or damaged XLIFF).
        InputError: the document changed since the XLIFF was written.
    """
    spans = sorted(items, key=lambda u: (u.unit, u.start, u.end))
    for u in spans:
        if u.unit < 0 or u.start < 0 or u.end < u.start:
            raise FormatError(
                f"unit {u.id} has impossible offsets ({u.unit} {u.start} {u.end}); re-export the XLIFF",
                path=xliff,
            )
    for a, b in zip(spans, spans[1:], strict=False):
        if a.unit == b.unit and b.start < a.end:
            raise FormatError(
                f"units {a.id} and {b.id} overlap ({a.start}-{a.end} and {b.start}-{b.end} in unit "
                f"{a.unit}); nothing was written: remove one of them or re-export the XLIFF",
                path=xliff,
            )
    for u in spans:
        if (
            u.unit >= len(doc_units)
            or doc_units[u.unit][u.start : u.end] != u.source
            or u.end > len(doc_units[u.unit])
        ):
            raise InputError(
                f"the document changed since the XLIFF was written (unit {u.unit} at {u.start}-{u.end}); "
                "translate it again",
                path=original,
            )


def apply_xliff(
    path: Path,
    settings: Settings,
    *,
    output: Path | None = None,
    in_place: bool = False,
    root: Path | None = None,
    force: bool = False,
) -> list[tuple[str, int]]:
    """Write the targets of a reviewed XLIFF file into its documents and the project memory.

    The paths inside the XLIFF (each ``<file original>`` and its output note) are data from whoever sent the
    file back: they must be relative, without ``..``, and resolve inside ``root`` (default: the XLIFF's
    folder), symbolic links included (:func:`pipeline.formats.targets.inside`). The output note may not
    name the original document unless ``in_place``. All or nothing: every document is read, every unit
    checked (offsets in range, no overlaps, the text still the unit's source) and every output rendered,
    and every output checked against every input (:func:`pipeline.formats.targets.check_outputs`) before
    the first write; the memory gets the reviewed translations only after every document was written.

    Args:
        path: the XLIFF file.
        settings: resolved settings (memory path, JSON Lines field).
        output: output file (one document) or folder (documents keep their relative paths under it);
            default: the output the XLIFF was made for.
        in_place: write into the original documents, keeping a ``.bak`` backup beside each.
        root: the folder the XLIFF's paths are relative to (default: the XLIFF's folder).
        force: overwrite the output the XLIFF was made for even when it changed since translate wrote it
            (by default that is refused, so hand edits to it are not lost).

    Returns:
        ``(written path, units applied)`` per document.

    Raises:
        InputError: a document is missing or changed since the XLIFF was written.
        FormatError: the XLIFF is invalid, names a path outside ``root``, or has overlapping units.
        ConfigError: an output would overwrite an input or another output.
    """
    from pipeline.errors import ConfigError
    from pipeline.formats import Edit, read_path, render_document, write_path
    from pipeline.formats.targets import Planned, check_outputs, inside, same_file
    from pipeline.placeholders import locate_codes
    from pipeline.translating import document_codes
    from pipeline.translation.memory import MemoryEntry, TranslationMemory

    source = str(path)
    base = root if root is not None else path.parent
    units = load_xliff(path)
    by_file: dict[str, list[ReviewedUnit]] = {}
    for u in units:
        by_file.setdefault(u.original, []).append(u)
    documents: dict[str, Path] = {}
    for original in by_file:
        doc_path = inside(base, original, what="original", source=source)
        for other, seen in documents.items():
            if same_file(seen, doc_path):
                raise FormatError(
                    f"<file> elements {other!r} and {original!r} name one document; merge them", path=source
                )
        documents[original] = doc_path
    many = len(by_file) > 1

    plans: list[_DocumentPlan] = []
    for original, items in by_file.items():
        doc_path = documents[original]
        doc = read_path(doc_path, field=settings.jsonl_field)
        _check_units(items, [unit.text for unit in doc.units], xliff=source, original=str(doc_path))
        edits = []
        for u in items:
            if u.target is not None and u.target != u.source:
                codes = document_codes(doc, u.unit, u.start, u.end)  # tags come back verbatim, not escaped
                edits.append(Edit(u.unit, u.start, u.end, u.target, locate_codes(u.target, codes)))
        if in_place:
            destination = doc_path
        elif output is not None:
            destination = (
                output / Path(*Path(original).parts)
                if many
                else (output / doc_path.name if output.is_dir() else output)
            )
        elif items[0].output:
            destination = inside(base, items[0].output, what="output note", source=source)
            if same_file(destination, doc_path):
                raise ConfigError(
                    f"{source}: the output note of {original!r} names the original document; pass --in-place "
                    "to rewrite it (a .bak backup is kept) or -o OUT"
                )
            _check_unchanged(destination, items[0].output_sha256, force=force, source=source)
        else:
            raise InputError("the XLIFF names no output for this document; pass -o OUT", path=str(doc_path))
        try:
            text, codec, _ = render_document(doc, edits)
        except ValueError as exc:
            raise FormatError(
                f"units of {original!r} cannot be applied ({exc}); nothing was written", path=source
            ) from exc
        plans.append(
            _DocumentPlan(
                doc_path, destination, text, codec, doc.text, doc.encoding, len(edits), tuple(items)
            )
        )

    planned: list[Planned] = []
    for plan in plans:
        if in_place:
            planned.append(Planned(plan.path.with_name(plan.path.name + ".bak"), "backup", of=plan.path))
        planned.append(
            Planned(
                plan.destination,
                "--in-place" if in_place else ("-o" if output else "output"),
                of=plan.path,
                in_place=in_place,
            )
        )
    check_outputs([path, *documents.values(), settings.memory_path], planned, in_place_option=True)

    # Everything is checked: write every document (backups first), then the memory.
    for plan in plans:
        if in_place and plan.edits:
            write_path(
                plan.path.with_name(plan.path.name + ".bak"),
                plan.original_text,
                plan.original_codec,
                overwrite=True,
            )
    results = []
    for plan in plans:
        if in_place and not plan.edits:
            results.append((str(plan.destination), 0))
            continue
        plan.destination.parent.mkdir(parents=True, exist_ok=True)
        write_path(plan.destination, plan.text, plan.codec, overwrite=True)
        results.append((str(plan.destination), plan.edits))
    # A reviewed translation is accepted whatever model or glossary version asks next time, and it
    # replaces the machine translation it corrects (same model and glossary version key).
    # Homoglyph respellings and removals are not translations: they stay out of the memory.
    reviewed = [
        u
        for plan in plans
        for u in plan.units
        if u.target is not None
        and u.target != u.source
        and u.source_lang
        and u.source_lang != u.target_lang
        and u.provenance not in ("homoglyph", "dropped")
    ]
    entries = [
        MemoryEntry(u.source, u.source_lang, u.target_lang, u.target or "", provenance="review")
        for u in reviewed
    ]
    entries += [
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
    ]
    with TranslationMemory(settings.memory_path) as memory:
        memory.add(entries)
    return results
