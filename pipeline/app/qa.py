"""``glossa qa`` over plain values: XLIFF and TMX pairs, or translated documents aligned with their sources.

Each function reads its pairs, runs the checks and returns a QARun.

The checks themselves are pure (:mod:`pipeline.translation.qa`); this module gives them Glossa's detector and
glossary (:class:`QAContextBuilder`, also used by translate) and reads the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.app.audit import AuditRequest, build_finder, terminology
from pipeline.config import Settings
from pipeline.document import QARun
from pipeline.errors import InputError

if TYPE_CHECKING:
    from pipeline.detection import StrayFinder
    from pipeline.glossary.match import TermMatcher
    from pipeline.translation.qa import Pair, QAContext

__all__ = ["QAContextBuilder", "document_pairs", "qa_documents", "qa_paths", "read_pairs"]


class QAContextBuilder:
    """Glossa's detector and glossary as a :class:`~pipeline.translation.qa.QAContext` (per target)."""

    def __init__(
        self,
        settings: Settings,
        *,
        matcher: TermMatcher | None = None,
        finders: dict[str, StrayFinder] | None = None,
    ) -> None:
        from pipeline.glossary.io import load_glossary
        from pipeline.glossary.match import TermMatcher

        self.settings = settings
        if matcher is None:  # translate passes its own: one matcher and one finder per run
            glossaries = [load_glossary(p) for p in settings.glossaries]
            matcher = TermMatcher([terminology(g) for g in glossaries])
        self.matcher = matcher
        self._finders: dict[str, StrayFinder] = dict(finders or {})

    def _finder(self, target: str) -> StrayFinder:
        if target not in self._finders:
            self._finders[target] = build_finder(AuditRequest.of(self.settings, target))
        return self._finders[target]

    def language_of(self, text: str, target: str) -> str | None:
        """The language most of ``text``'s letters are in, when it is not ``target`` (else None)."""
        from pipeline.document import BlockKind, DocFormat, Document, FindingKind, Segment, TextUnit

        doc = Document(
            "<qa>",
            DocFormat.TEXT,
            "utf-8",
            text,
            (TextUnit(text),),
            (Segment(0, 0, len(text), BlockKind.LINE),),
        )
        letters = sum(c.isalpha() for c in text) or 1
        covered: dict[str, int] = {}
        for f in self._finder(target).find(doc):
            if f.kind is FindingKind.FOREIGN_TEXT and f.language and f.language != target:
                covered[f.language] = covered.get(f.language, 0) + sum(c.isalpha() for c in f.text)
        best = max(sorted(covered), key=lambda lang: covered[lang], default=None)
        return best if best is not None and covered[best] * 2 >= letters else None

    def required(self, source: str, source_lang: str, target_lang: str) -> list[tuple[str, str, list[str]]]:
        """``(source term, required rendering, forbidden variants)`` of the glossary terms in ``source``."""
        from pipeline.translation.layers import _balanced

        out = []
        for m in self.matcher.find(source, lang=source_lang):
            rendering = self.matcher.rendering(m, target_lang)
            if rendering is None or not _balanced(m.text):
                continue
            forbidden = list(self.matcher.forbidden_variants(m, target_lang))
            out.append((m.text, rendering, forbidden))
        return out

    def context(self) -> QAContext:
        """The checks' context: this detector and glossary."""
        from pipeline.translation.qa import QAContext

        return QAContext(language_of=self.language_of, required=self.required)


def read_pairs(path: Path) -> list[Pair]:
    """The translated pairs of an XLIFF (1.2 or 2.0) or TMX file.

    Raises:
        InputError: unreadable, or not XLIFF/TMX.
    """
    from pipeline.translation.qa import Pair

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}; check the path", path=str(path)) from exc
    suffix = path.suffix.lower()
    if suffix == ".tmx":
        from pipeline.translation.memory import parse_tmx

        entries = parse_tmx(data, source=str(path))
        return [
            Pair(f"{path}#tu{i}", e.source, e.target, e.source_lang, e.target_lang)
            for i, e in enumerate(entries, start=1)
        ]
    if suffix not in (".xlf", ".xliff"):
        raise InputError("not an XLIFF (.xlf/.xliff) or TMX (.tmx) file; pass one of those", path=str(path))
    from xml.etree.ElementTree import ParseError

    from defusedxml import ElementTree as SafeET
    from defusedxml.common import DefusedXmlException

    from pipeline.errors import FormatError
    from pipeline.translation.xliff import native_text

    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        raise FormatError(
            f"not well-formed, safe XML ({exc}); repair or re-export it", path=str(path)
        ) from exc

    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    pairs: list[Pair] = []
    source_lang = root.get("srcLang", "")
    target_lang = root.get("trgLang", "en")
    for element in root.iter():
        name = local(element.tag)
        if name == "file" and element.get("source-language"):  # XLIFF 1.2
            source_lang = element.get("source-language", "")
            target_lang = element.get("target-language", target_lang)
        if name not in ("unit", "trans-unit"):
            continue
        notes = {n.get("category"): n.text or "" for n in element.iter() if local(n.tag) == "note"}
        lang = notes.get("source-language") or source_lang
        for holder in [s for s in element.iter() if local(s.tag) == "segment"] or [element]:
            src = next((c for c in holder if local(c.tag) == "source"), None)
            tgt = next((c for c in holder if local(c.tag) == "target"), None)
            if src is None or tgt is None:
                continue
            pairs.append(
                Pair(
                    f"{path}#{element.get('id', '')}",
                    native_text(src, element),  # XLIFF 2.0 inline codes as their markup
                    native_text(tgt, element),
                    "" if lang == "mul" else lang,
                    target_lang,
                )
            )
    return pairs


def qa_paths(paths: Sequence[Path], settings: Settings) -> QARun:
    """Check the translations in XLIFF and TMX files (:mod:`pipeline.translation.qa`).

    Raises:
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.translation.qa import check_pairs

    builder = QAContextBuilder(settings)
    pairs: list[Pair] = []
    errors: list[tuple[str, str]] = []
    for path in paths:
        try:
            pairs.extend(read_pairs(path))
        except InputError as exc:  # reported per file; the others are still checked
            errors.append((str(path), exc.message))
    return QARun(len(pairs), tuple(check_pairs(pairs, builder.context())), tuple(errors))


def document_pairs(source: Path, translated: Path) -> list[tuple[Path, Path]]:
    """The ``(source file, translated file)`` pairs ``glossa qa --source SOURCE TRANSLATED`` checks.

    As translate's ``-o`` places its outputs: a file and a file; a file and a folder (``out/<name>``); a
    folder and a folder, mirrored (``out/<path relative to the source folder>``).

    Raises:
        InputError: a source folder with a translated file, or a source that does not exist.
    """
    from pipeline.formats import discover

    if source.is_dir():
        if not translated.is_dir():
            raise InputError(
                "the source is a folder, so the translation must be one too (as translate's -o wrote it)",
                path=str(translated),
            )
        return [(f, translated / f.relative_to(source)) for f in discover([source])]
    if not source.exists():
        raise InputError("no such source file or folder; check the path", path=str(source))
    return [(source, translated / source.name if translated.is_dir() else translated)]


def qa_documents(
    source: Path, translated: Path, settings: Settings, *, source_lang: str = "", target_lang: str = "en"
) -> QARun:
    """Check translated documents against their sources: align them (:mod:`pipeline.translation.align`),
    then run the checks. A pair of files that cannot be read is reported in :attr:`QARun.errors`.

    Raises:
        InputError: the paths do not pair (:func:`document_pairs`).
        GlossaryError: a glossary in force is invalid.
    """
    from pipeline.formats import read_path
    from pipeline.translation.align import align_documents
    from pipeline.translation.qa import QAFinding, check_pairs

    builder = QAContextBuilder(settings)
    pairs: list[Pair] = []
    findings: list[QAFinding] = []
    errors: list[tuple[str, str]] = []
    for src, out in document_pairs(source, translated):
        try:
            read = [
                read_path(p, field=settings.jsonl_field, max_bytes=settings.max_file_size) for p in (src, out)
            ]
        except InputError as exc:
            errors.append((exc.path or str(out), exc.message))
            continue
        aligned = align_documents(read[0], read[1], source_lang, target_lang)
        findings.extend(aligned.findings)
        pairs.extend(aligned.pairs)
    checked = check_pairs(pairs, builder.context())
    return QARun(len(pairs), (*findings, *checked), tuple(errors))
