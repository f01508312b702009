"""``glossa apply``: put the reviewed targets of an XLIFF file back into the documents it came from.

Every document path is checked (relative, inside the XLIFF's folder or ``--root``), every file and unit
validated (the document unchanged since translate, offsets and overlaps) and every output rendered before
anything is written; an output edited since translate wrote it is refused unless ``force``. Reviewed units
enter the project memory last, in one batch. The file format itself is :mod:`pipeline.translation.xliff`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import FormatError, InputError
from pipeline.translation.xliff import ReviewedUnit, load_xliff

if TYPE_CHECKING:
    from pipeline.config import Settings

__all__ = ["apply_xliff"]


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
    from pipeline.translation.memory import MemoryEntry, TranslationMemory
    from pipeline.translation.placeholders import locate_codes
    from pipeline.translation.plan import document_codes

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
