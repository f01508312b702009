"""XLIFF 2.0 review files (the format only): ``glossa translate --xliff`` writes one, apply reads it.

One ``<file>`` per input document (``original`` = its path), one ``<unit>`` per change, with notes that
locate the span (``unit start end`` offsets and ``line:column``), its language, provenance and the model
that produced it. Untranslated spans have no ``<target>`` and state ``initial``; a reviewer fills in
targets and sets ``state="reviewed"`` or ``"final"`` (what ``glossa apply`` takes by default). A
``target-sha256`` note records the target as translate wrote it, so apply can tell an untouched machine
translation from a reviewer's edit. Parsing uses defusedxml: entity expansion and external entities are
refused. Applying a reviewed file is :mod:`pipeline.app.review`.

Inline codes (XLIFF 2.0 core, 4.7): the codes of a change (:attr:`pipeline.document.Change.codes`: tags,
character references, Markdown markers, protected tokens) are written as inline elements, their markup in
the unit's ``<originalData>`` (one ``<data id="dK">`` per code, ``K`` its 1-based index):

* a paired code (``<b>`` ... ``</b>``, ``**`` ... ``**``, ``[`` ... ``](url)``) whose halves both lie in the
  unit is ``<pc id dataRefStart dataRefEnd>`` around its content, or ``<sc>``/``<ec startRef>`` in every
  pair of the unit when two pairs cross; a half without its partner is ``<sc>``/``<ec>`` with
  ``isolated="yes"``;
* any other code (void tags, entities, numbers, URLs) is ``<ph id dataRef>``, with ``disp`` and
  ``equiv`` giving the text it stands for when it is not a tag.

Reading maps the codes back through ``<originalData>``; a target missing a code of its source, holding one
twice, or naming one the source lacks is a :class:`~pipeline.errors.FormatError` naming the unit.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import FormatError, InputError
from pipeline.translation.inline import Piece, crossing, pair_codes, pieces, pieces_in_order

if TYPE_CHECKING:
    from pipeline.document import Change, TranslateRun

__all__ = ["ReviewedUnit", "dump_xliff", "load_xliff", "native_text", "xliff_base"]


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


def _text(parent: ET.Element, text: str) -> None:
    """Append ``text`` to ``parent``'s content (after its last child, if any)."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _isolated(code: str, index: int) -> tuple[str, dict[str, str]]:
    """A paired half without its partner: ``<ec isolated>`` for a closing one, else ``<sc isolated>``."""
    closing = code.strip().startswith(("</", "](", "]["))
    return ("ec" if closing else "sc"), {"id": str(index + 1), "isolated": "yes", "dataRef": f"d{index + 1}"}


def _placeholder(code: str, index: int) -> dict[str, str]:
    """``<ph>`` attributes: a tag is only a tag; an entity or token also says what text it stands for."""
    import html

    attrs = {"id": str(index + 1), "dataRef": f"d{index + 1}"}
    if not code.lstrip().startswith("<"):
        shown = html.unescape(code) if code.startswith("&") and code.endswith(";") else code
        attrs.update(disp=shown, equiv=shown)
    return attrs


def _content(element: ET.Element, sequence: Sequence[Piece], codes: Sequence[str], *, use_pc: bool) -> None:
    """Fill a ``<source>``/``<target>`` with text and inline codes (see the module docstring)."""
    from pipeline.translation.placeholders import is_paired

    pairs = pair_codes(codes)
    ends = {end: start for start, end in pairs.items()}
    present = {p for p in sequence if isinstance(p, int)}
    stack = [element]
    for piece in sequence:
        if isinstance(piece, str):
            _text(stack[-1], piece)
            continue
        k = piece
        if k in pairs and pairs[k] in present:
            end = pairs[k]
            if use_pc:
                attrs = {"id": str(k + 1), "dataRefStart": f"d{k + 1}", "dataRefEnd": f"d{end + 1}"}
                stack.append(ET.SubElement(stack[-1], "pc", attrs))
            else:
                ET.SubElement(stack[-1], "sc", {"id": str(k + 1), "dataRef": f"d{k + 1}"})
        elif k in ends and ends[k] in present:
            if use_pc:
                stack.pop()
            else:
                ET.SubElement(stack[-1], "ec", {"startRef": str(ends[k] + 1), "dataRef": f"d{k + 1}"})
        elif is_paired(codes[k]):
            ET.SubElement(stack[-1], *_isolated(codes[k], k))
        else:
            ET.SubElement(stack[-1], "ph", _placeholder(codes[k], k))


_Fill = tuple[ET.Element, list[Piece], tuple[str, ...], bool]


def _segment(unit: ET.Element, change: Change) -> list[_Fill]:
    """The unit's ``<originalData>`` and ``<segment>``, inline codes as XLIFF 2.0 elements.

    The ``<source>``/``<target>`` are returned empty with what fills them: they are filled after the tree
    is indented, so indenting never adds white space to their content.
    """
    from pipeline.document import Status

    codes = change.codes
    source_seq = pieces_in_order(change.source_text, codes)
    untranslated = change.status is Status.UNTRANSLATED
    target_seq = [] if untranslated else pieces(change.target_text, codes)
    used = sorted({p for seq in (source_seq, target_seq) for p in seq if isinstance(p, int)})
    if used:
        original = ET.SubElement(unit, "originalData")
        for k in used:
            ET.SubElement(original, "data", {"id": f"d{k + 1}"}).text = codes[k]
    pairs = pair_codes(codes)
    use_pc = not (crossing(source_seq, pairs) or crossing(target_seq, pairs))
    segment = ET.SubElement(unit, "segment", {"state": "initial" if untranslated else "translated"})
    fills = [(ET.SubElement(segment, "source"), source_seq, codes, use_pc)]
    if not untranslated:
        fills.append((ET.SubElement(segment, "target"), target_seq, codes, use_pc))
    return fills


def _unit(file_el: ET.Element, index: int, change: Change, place: tuple[int, int]) -> list[_Fill]:
    """One ``<unit>``: Glossa's notes (offsets, location, provenance...), then the segment."""
    import hashlib

    from pipeline.document import Status

    unit = ET.SubElement(file_el, "unit", {"id": f"u{index}"})
    notes = ET.SubElement(unit, "notes")
    _note(notes, "offsets", f"{change.unit} {change.start} {change.end}")
    _note(notes, "location", f"{place[0]}:{place[1]}")
    _note(notes, "source-language", change.source_lang)
    _note(notes, "provenance", change.provenance)
    _note(notes, "status", change.status.value)
    if change.terms:
        _note(notes, "terms", "; ".join(f"{t.source} => {t.target}" for t in change.terms))
    if change.note:
        _note(notes, "comment", change.note)
    if change.status is not Status.UNTRANSLATED:
        _note(notes, "target-sha256", hashlib.sha256(change.target_text.encode("utf-8")).hexdigest())
    return _segment(unit, change)


def dump_xliff(run: TranslateRun, *, base: Path | None = None) -> str:
    """Return an XLIFF 2.0 document of every change of the run (deterministic).

    Args:
        run: the translate run.
        base: the folder document (``original``) and output paths are written relative to (see
            :func:`xliff_base`); None keeps them as the run names them.
    """
    from pipeline.document import Provenance, Status

    ET.register_namespace("", NS)
    # The real source language when every change has the same one (--from, or one stray language).
    languages = {
        c.source_lang
        for item in run.files
        for c in item.changes
        if c.source_lang and c.provenance not in (Provenance.HOMOGLYPH, Provenance.DROPPED)
    }
    source_lang = languages.pop() if len(languages) == 1 else "mul"
    root = ET.Element("xliff", {"xmlns": NS, "version": "2.0", "srcLang": source_lang, "trgLang": run.target})
    fills: list[_Fill] = []
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
        for u_index, (change, place) in enumerate(review, start=1):
            fills += _unit(file_el, u_index, change, place)
    ET.indent(root, space="  ")
    for element, sequence, codes, use_pc in fills:
        _content(element, sequence, codes, use_pc=use_pc)
    body = ET.tostring(root, encoding="unicode")
    # ElementTree writes the default namespace twice when it is given as an attribute too.
    body = body.replace(f' xmlns="{NS}" xmlns="{NS}"', f' xmlns="{NS}"')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


@dataclass(frozen=True, slots=True)
class ReviewedUnit:
    """One unit of a reviewed XLIFF file.

    ``source`` and ``target`` are native text, inline codes mapped back to their markup; ``spans`` are
    the ``(start, end)`` of those codes in ``target`` (what a writer puts back verbatim). ``inline`` is
    false for a unit without ``<originalData>`` (a file from a Glossa before inline codes).
    ``target_sha256`` is the target as translate wrote it ("" when it wrote none or the file does not say).
    """

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
    spans: tuple[tuple[int, int], ...] = ()
    inline: bool = False
    target_sha256: str = ""

    @property
    def untouched(self) -> bool:
        """Whether the target is still the one translate wrote (no reviewer changed it)."""
        import hashlib

        if not self.target_sha256 or self.target is None:
            return False
        return hashlib.sha256(self.target.encode("utf-8")).hexdigest() == self.target_sha256


_Run = tuple[str, str]  # ("text", characters) or ("code", data id)


def _runs(element: ET.Element, where: str) -> list[_Run]:
    """The text and inline codes of a ``<source>``/``<target>`` (or of a ``<pc>``/``<mrk>`` in it), in order.

    Raises:
        FormatError: an element that is not an XLIFF 2.0 inline code, or a code without its data reference.
    """
    runs: list[_Run] = [("text", element.text)] if element.text else []
    for child in element:
        name = child.tag.removeprefix(_Q)
        if name == "pc":
            runs.append(("code", child.get("dataRefStart", "")))
            runs += _runs(child, where)
            runs.append(("code", child.get("dataRefEnd", "")))
        elif name in ("ph", "sc", "ec"):
            runs.append(("code", child.get("dataRef", "")))
        elif name == "mrk":  # an annotation a CAT tool added: its content is ordinary content
            runs += _runs(child, where)
        elif name == "cp":
            try:
                runs.append(("text", chr(int(child.get("hex", ""), 16))))
            except ValueError as exc:
                raise FormatError(f"{where} has a <cp> without a valid hex code point", path=None) from exc
        elif name not in ("sm", "em"):
            raise FormatError(f"{where} holds <{name}>, which is not an XLIFF 2.0 inline code", path=None)
        if ("code", "") in runs:
            raise FormatError(f"{where} has a <{name}> without its data reference; re-export it", path=None)
        if child.tail:
            runs.append(("text", child.tail))
    return runs


def _native(
    runs: Sequence[_Run], data: dict[str, str], where: str
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Native text of ``runs`` (codes replaced by their ``<originalData>``) and the codes' spans in it."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for kind, value in runs:
        if kind == "code":
            if value not in data:
                raise FormatError(f"{where} names code {value!r}, which its <originalData> lacks", path=None)
            value = data[value]
            spans.append((length, length + len(value)))
        out.append(value)
        length += len(value)
    return "".join(out), tuple(spans)


def native_text(content: ET.Element, unit: ET.Element) -> str:
    """The native text of a ``<source>``/``<target>`` of ``unit`` (its codes as the markup they stand for),
    for readers that only check (``glossa qa``); content that does not map back reads as its plain text."""
    original_data = unit.find(f"{_Q}originalData")
    data = {} if original_data is None else {d.get("id", ""): d.text or "" for d in original_data}
    try:
        return _native(_runs(content, "unit"), data, "unit")[0]
    except FormatError:
        return "".join(content.itertext())


def _check_codes(source: Sequence[_Run], target: Sequence[_Run], data: dict[str, str], where: str) -> None:
    """The target holds each code of its source once, and no other.

    Raises:
        FormatError: a code is missing, doubled or unknown (one line naming the unit and the code).
    """
    from collections import Counter

    want = Counter(v for k, v in source if k == "code")
    have = Counter(v for k, v in target if k == "code")
    for ref in sorted(set(want) | set(have)):
        markup = data.get(ref, "?")
        if ref not in want:
            raise FormatError(
                f"{where}: the target holds code {ref} ({markup}), which its source lacks; remove it",
                path=None,
            )
        if have[ref] < want[ref]:
            raise FormatError(
                f"{where}: the target lacks code {ref} ({markup}) of its source; put it back", path=None
            )
        if have[ref] > want[ref]:
            raise FormatError(
                f"{where}: the target holds code {ref} ({markup}) {have[ref]} times; keep one", path=None
            )


def _read_root(path: Path) -> ET.Element:
    """The ``<xliff>`` element of ``path``, parsed safely.

    Raises:
        InputError: the file cannot be read.
        FormatError: it is not well-formed or not XLIFF 2.0.
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
    return root


def _read_unit(unit_el: ET.Element, file_id: str, fields: dict[str, str | None]) -> ReviewedUnit | None:
    """One ``<unit>`` (None without a segment); ``fields`` are the file's (original, output, languages...).

    Raises:
        FormatError: no offsets note, or inline codes that do not map back (naming the unit).
    """
    where = f"unit {file_id}/{unit_el.get('id') or '?'}"
    notes = {n.get("category"): n.text or "" for n in unit_el.findall(f"{_Q}notes/{_Q}note")}
    try:
        unit, start, end = (int(x) for x in notes["offsets"].split())
    except (KeyError, ValueError) as exc:
        raise FormatError(
            f"unit {unit_el.get('id')} lacks Glossa's offsets note; only files written by "
            "`glossa translate --xliff` can be applied",
            path=None,
        ) from exc
    segment = unit_el.find(f"{_Q}segment")
    if segment is None:
        return None
    original_data = unit_el.find(f"{_Q}originalData")
    data = {} if original_data is None else {d.get("id", ""): d.text or "" for d in original_data}
    source_el = segment.find(f"{_Q}source")
    target_el = segment.find(f"{_Q}target")
    source_runs = [] if source_el is None else _runs(source_el, where)
    source, _ = _native(source_runs, data, where)
    target: str | None = None
    spans: tuple[tuple[int, int], ...] = ()
    if target_el is not None:
        target_runs = _runs(target_el, where)
        _check_codes(source_runs, target_runs, data, where)
        target, spans = _native(target_runs, data, where)
    return ReviewedUnit(
        original=fields["original"] or "",
        output=fields["output"],
        unit=unit,
        start=start,
        end=end,
        source=source,
        target=target,
        source_lang=notes.get("source-language", ""),
        target_lang=fields["target_lang"] or "en",
        provenance=notes.get("provenance", ""),
        state=segment.get("state") or unit_el.get("state") or "initial",
        glossary_version=fields["glossary_version"] or "",
        id=f"{file_id}/{unit_el.get('id') or '?'}",
        output_sha256=fields["output_sha256"] or "",
        spans=spans,
        inline=original_data is not None,
        target_sha256=notes.get("target-sha256", ""),
    )


def load_xliff(path: Path) -> list[ReviewedUnit]:
    """Parse an XLIFF 2.0 file written by Glossa.

    Raises:
        InputError: the file cannot be read.
        FormatError: it is not well-formed XLIFF 2.0, lacks Glossa's offset notes, or a unit's inline codes
            do not map back (a code missing, doubled or unknown: the message names the unit).
    """
    root = _read_root(path)
    units: list[ReviewedUnit] = []
    for file_el in root.findall(f"{_Q}file"):
        original = file_el.get("original")
        if not original:
            raise FormatError("a <file> has no original attribute", path=str(path))
        file_notes = {n.get("category"): n.text or "" for n in file_el.findall(f"{_Q}notes/{_Q}note")}
        fields = {
            "original": original,
            "output": file_notes.get("glossa-output"),
            "target_lang": root.get("trgLang", "en"),
            "glossary_version": file_notes.get("glossary-version", ""),
            "output_sha256": file_notes.get("glossa-output-sha256", ""),
        }
        for unit_el in file_el.findall(f"{_Q}unit"):
            try:
                read = _read_unit(unit_el, file_el.get("id") or original, fields)
            except FormatError as exc:
                raise FormatError(exc.message, path=str(path)) from exc
            if read is not None:
                units.append(read)
    return units
