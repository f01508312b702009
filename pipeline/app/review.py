"""``glossa apply``: put the reviewed targets of an XLIFF file back into the documents it came from.

Every document path is checked (relative, inside the XLIFF's folder or ``--root``), every file and unit
validated (the document unchanged since translate, offsets and overlaps) and every output rendered before
anything is written; an output edited since translate wrote it is refused unless ``force``. Reviewed units
enter the project memory last, in one batch. The file format itself is :mod:`pipeline.translation.xliff`.

Which targets are applied (XLIFF 2.0 ``state``: initial < translated < reviewed < final):

* a target at ``min_state`` or above (default ``reviewed``: what a reviewer signed off) is applied and
  enters the memory as a reviewed translation;
* a target still as translate wrote it (its ``target-sha256`` note matches) is applied whatever its state:
  it is the machine translation already in the output, so the output does not revert to the source; it
  does not enter the memory as reviewed unless its state is ``reviewed`` or ``final``;
* a target edited below ``min_state``, or deleted (no target, or emptied, where translate wrote one), is
  refused with one line naming the units, and nothing is written: the edit is neither lost silently nor
  applied unreviewed, and a deleted target never silently becomes the source again;
* a unit translate left untranslated and nobody filled in keeps its source.

Inline codes come back from the XLIFF's ``<pc>``/``<ph>``/``<sc>``/``<ec>`` elements
(:func:`pipeline.translation.xliff.load_xliff`), a reviewer may move them; files without
``<originalData>`` (older Glossa) have their tags found in the target text as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.document import Provenance, model_of_provenance
from pipeline.errors import FormatError, InputError
from pipeline.translation.xliff import ReviewedUnit, load_xliff

if TYPE_CHECKING:
    from pipeline.config import Settings

__all__ = ["STATES", "apply_xliff", "select_units"]


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


#: XLIFF 2.0 segment states, in order.
STATES = ("initial", "translated", "reviewed", "final")


def _rank(state: str) -> int:
    return STATES.index(state) if state in STATES else 0


def _names(units: Sequence[ReviewedUnit]) -> str:
    shown = ", ".join(u.id for u in units[:5])
    return shown + (f" and {len(units) - 5} more" if len(units) > 5 else "")


def select_units(units: Sequence[ReviewedUnit], min_state: str, *, xliff: str) -> list[ReviewedUnit]:
    """The units whose targets are applied (see the module rules).

    Raises:
        FormatError: a target was deleted, or edited below ``min_state`` (nothing is written then).
    """
    deleted = [u for u in units if u.target_sha256 and not u.untouched and not u.target]
    if deleted:
        raise FormatError(
            f"the target of {_names(deleted)} was deleted, so apply would put the source back there; "
            "restore it (or copy the source into it to keep the source)",
            path=xliff,
        )
    with_target = [u for u in units if u.target is not None and (u.target or u.target_sha256)]
    edited = [u for u in with_target if not u.untouched and _rank(u.state) < _rank(min_state)]
    if edited:
        lower = sorted({u.state for u in edited}, key=_rank)
        raise FormatError(
            f"the target of {_names(edited)} was edited but its state is {'/'.join(lower)}, below "
            f"{min_state}; set "
            f'state="reviewed" (or "final") on what was reviewed, or pass --min-state {lower[0]}',
            path=xliff,
        )
    return with_target


def _documents(by_file: dict[str, list[ReviewedUnit]], base: Path, source: str) -> dict[str, Path]:
    """Each ``<file original>`` checked and resolved inside ``base``; two naming one document refused."""
    from pipeline.formats.targets import inside, same_file

    documents: dict[str, Path] = {}
    for original in by_file:
        doc_path = inside(base, original, what="original", source=source)
        for other, seen in documents.items():
            if same_file(seen, doc_path):
                raise FormatError(
                    f"<file> elements {other!r} and {original!r} name one document; merge them", path=source
                )
        documents[original] = doc_path
    return documents


@dataclass(frozen=True, slots=True)
class _Request:
    """What one apply was asked to do."""

    xliff: Path
    base: Path
    output: Path | None
    in_place: bool
    force: bool
    many: bool
    min_state: str


def _destination(request: _Request, original: str, doc_path: Path, first: ReviewedUnit) -> Path:
    """Where a document's result goes: in place, under ``-o``, or the output the XLIFF was made for."""
    from pipeline.errors import ConfigError
    from pipeline.formats.targets import inside, same_file

    source = str(request.xliff)
    if request.in_place:
        return doc_path
    if request.output is not None:
        if request.many:
            return request.output / Path(*Path(original).parts)
        return request.output / doc_path.name if request.output.is_dir() else request.output
    if not first.output:
        raise InputError("the XLIFF names no output for this document; pass -o OUT", path=str(doc_path))
    destination = inside(request.base, first.output, what="output note", source=source)
    if same_file(destination, doc_path):
        raise ConfigError(
            f"{source}: the output note of {original!r} names the original document; pass --in-place "
            "to rewrite it (a .bak backup is kept) or -o OUT"
        )
    _check_unchanged(destination, first.output_sha256, force=request.force, source=source)
    return destination


def _plan(
    request: _Request, original: str, doc_path: Path, items: Sequence[ReviewedUnit], settings: Settings
) -> _DocumentPlan:
    """One document read, its units checked and the applied ones rendered (nothing written)."""
    from pipeline.formats import Edit, read_path, render_document
    from pipeline.translation.placeholders import locate_codes
    from pipeline.translation.plan import document_codes

    source = str(request.xliff)
    doc = read_path(doc_path, field=settings.jsonl_field)
    _check_units(items, [unit.text for unit in doc.units], xliff=source, original=str(doc_path))
    destination = _destination(request, original, doc_path, items[0])
    applied = select_units(items, request.min_state, xliff=source)
    edits = []
    for u in applied:
        if u.target is not None and u.target != u.source:
            spans = (
                u.spans if u.inline else locate_codes(u.target, document_codes(doc, u.unit, u.start, u.end))
            )  # tags come back verbatim, not escaped
            edits.append(Edit(u.unit, u.start, u.end, u.target, spans))
    try:
        text, codec, _ = render_document(doc, edits)
    except ValueError as exc:
        raise FormatError(
            f"units of {original!r} cannot be applied ({exc}); nothing was written", path=source
        ) from exc
    return _DocumentPlan(
        doc_path, destination, text, codec, doc.text, doc.encoding, len(edits), tuple(applied)
    )


def _check_plans(request: _Request, plans: Sequence[_DocumentPlan], inputs: Sequence[Path]) -> None:
    """Every planned write checked against every input and every other write."""
    from pipeline.formats.targets import Planned, backup_of, check_outputs

    planned: list[Planned] = []
    for plan in plans:
        if request.in_place:
            planned.append(Planned(backup_of(plan.path), "backup", of=plan.path))
        planned.append(
            Planned(
                plan.destination,
                "--in-place" if request.in_place else ("-o" if request.output else "output"),
                of=plan.path,
                in_place=request.in_place,
            )
        )
    check_outputs([request.xliff, *inputs], planned, in_place_option=True)


def _write(plans: Sequence[_DocumentPlan], *, in_place: bool) -> list[tuple[str, int]]:
    """Write every document (backups first); ``(written path, units applied)`` each."""
    from pipeline.formats import write_path
    from pipeline.formats.targets import backup_of

    for plan in plans:
        if in_place and plan.edits:
            write_path(
                backup_of(plan.path),
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
    return results


def _remember(plans: Sequence[_DocumentPlan], memory_path: Path) -> None:
    """The reviewed translations into the memory, in one batch."""
    from pipeline.translation.memory import MemoryEntry, TranslationMemory

    # A reviewed translation is accepted whatever model or glossary version asks next time, and it
    # replaces the machine translation it corrects (same model and glossary version key). A machine
    # translation nobody touched or signed off is already remembered as one: it is not promoted.
    # Homoglyph respellings and removals are not translations: they stay out of the memory.
    reviewed = [
        u
        for plan in plans
        for u in plan.units
        if u.target
        and u.target != u.source
        and (not u.untouched or _rank(u.state) >= _rank("reviewed"))
        and u.source_lang
        and u.source_lang != u.target_lang
        and u.provenance not in (Provenance.HOMOGLYPH, Provenance.DROPPED)
    ]
    entries = [
        MemoryEntry(u.source, u.source_lang, u.target_lang, u.target or "", provenance=Provenance.REVIEW)
        for u in reviewed
    ]
    entries += [
        MemoryEntry(
            u.source,
            u.source_lang,
            u.target_lang,
            u.target or "",
            model,
            u.glossary_version,
            Provenance.REVIEW,
        )
        for u in reviewed
        if (model := model_of_provenance(u.provenance)) is not None
    ]
    with TranslationMemory(memory_path) as memory:
        memory.add(entries)


def apply_xliff(
    path: Path,
    settings: Settings,
    *,
    output: Path | None = None,
    in_place: bool = False,
    root: Path | None = None,
    force: bool = False,
    min_state: str = "reviewed",
) -> list[tuple[str, int]]:
    """Write the targets of a reviewed XLIFF file into its documents and the project memory.

    The paths inside the XLIFF (each ``<file original>`` and its output note) are data from whoever sent the
    file back: they must be relative, without ``..``, and resolve inside ``root`` (default: the XLIFF's
    folder), symbolic links included (:func:`pipeline.formats.targets.inside`). The output note may not
    name the original document unless ``in_place``. All or nothing: every document is read, every unit
    checked (offsets in range, no overlaps, the text still the unit's source, states and deleted targets:
    see the module rules) and every output rendered, and every output checked against every input
    (:func:`pipeline.formats.targets.check_outputs`) before the first write; the memory gets the reviewed
    translations only after every document was written.

    Args:
        path: the XLIFF file.
        settings: resolved settings (memory path, JSON Lines field).
        output: output file (one document) or folder (documents keep their relative paths under it);
            default: the output the XLIFF was made for.
        in_place: write into the original documents, keeping a ``.bak`` backup beside each.
        root: the folder the XLIFF's paths are relative to (default: the XLIFF's folder).
        force: overwrite the output the XLIFF was made for even when it changed since translate wrote it
            (by default that is refused, so hand edits to it are not lost).
        min_state: the lowest segment state (:data:`STATES`) whose edited targets are applied.

    Returns:
        ``(written path, units applied)`` per document.

    Raises:
        InputError: a document is missing or changed since the XLIFF was written.
        FormatError: the XLIFF is invalid, names a path outside ``root``, has overlapping units, a target
            edited below ``min_state`` or deleted, or inline codes that do not map back.
        ConfigError: an output would overwrite an input or another output.
    """
    if min_state not in STATES:
        from pipeline.errors import ConfigError

        raise ConfigError(f"unknown state {min_state!r}; use one of {', '.join(STATES)}")
    source = str(path)
    base = root if root is not None else path.parent
    by_file: dict[str, list[ReviewedUnit]] = {}
    for u in load_xliff(path):
        by_file.setdefault(u.original, []).append(u)
    documents = _documents(by_file, base, source)
    request = _Request(path, base, output, in_place, force, len(by_file) > 1, min_state)
    plans = [
        _plan(request, original, documents[original], items, settings) for original, items in by_file.items()
    ]
    _check_plans(request, plans, [*documents.values(), settings.memory_path])
    # Everything is checked: write every document (backups first), then the memory.
    results = _write(plans, in_place=in_place)
    _remember(plans, settings.memory_path)
    return results
