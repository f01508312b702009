"""Align a translated document with its source, for ``glossa qa --source``: pure, over two read Documents.

Rules:

* both documents are read by the same reader (one format), so their blocks (paragraphs, headings, list
  items, cells, HTML text runs, JSON Lines fields) correspond one to one, in order;
* inside a pair of blocks, sentences pair in order when both have as many; otherwise the two blocks are
  one pair (the checks still run, on the whole block) and an ``alignment`` finding says so;
* when the block counts differ nothing can be trusted past the first difference: one ``alignment`` error
  for the file and no pairs;
* a block pair whose two sides are the same text with no letters (numbers, code, a lone tag) is no
  translation to check and is left out; identical prose is kept (the ``untranslated`` check decides);
* a pair's id is ``TRANSLATED-PATH#LINE:COLUMN`` of the target (``#`` as in XLIFF ids, so reports and
  SARIF split path and place the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.document import Document, Segment, Severity
from pipeline.text.spans import line_col
from pipeline.translation.qa import Pair, QAFinding

__all__ = ["Alignment", "align_documents"]


@dataclass(frozen=True, slots=True)
class Alignment:
    """The pairs of a source and a translated document, and what did not align.

    Attributes:
        pairs: the aligned ``(source, target)`` units, in document order.
        findings: ``alignment`` findings (blocks of different sentence counts, different block counts).
    """

    pairs: tuple[Pair, ...]
    findings: tuple[QAFinding, ...]


def _where(doc: Document, seg: Segment) -> str:
    unit = doc.units[seg.unit]
    if unit.record is not None:
        return f"{doc.source}#{unit.line}:{seg.start + 1}"
    line, col = line_col(unit.text, seg.start, first_line=unit.line)
    return f"{doc.source}#{line}:{col}"


def _text(doc: Document, seg: Segment) -> str:
    return doc.units[seg.unit].text[seg.start : seg.end].strip()


def _blocks(doc: Document) -> list[Segment]:
    return [s for s in doc.segments if _text(doc, s)]


def align_documents(source: Document, target: Document, source_lang: str, target_lang: str) -> Alignment:
    """Pair the sentences of ``target`` (the translation) with those of ``source`` (see the module rules).

    >>> from pipeline.document import BlockKind, DocFormat, TextUnit
    >>> def doc(name, *blocks):
    ...     units = tuple(TextUnit(b) for b in blocks)
    ...     segs = tuple(Segment(i, 0, len(b), BlockKind.PARAGRAPH) for i, b in enumerate(blocks))
    ...     return Document(name, DocFormat.TEXT, "utf-8", "", units, segs)
    >>> src, out = doc("s", "Один. Два.", "Три."), doc("t", "One. Two.", "Three and four.")
    >>> a = align_documents(src, out, "ru", "en")
    >>> [(p.source, p.target) for p in a.pairs], a.findings
    ([('Один.', 'One.'), ('Два.', 'Two.'), ('Три.', 'Three and four.')], ())
    >>> a = align_documents(doc("s", "Один. Два."), doc("t", "One and two."), "ru", "en")
    >>> [(p.source, p.target) for p in a.pairs], [f.message[:40] for f in a.findings]
    ([('Один. Два.', 'One and two.')], ['2 sentences in the source, 1 in the tran'])
    >>> [f.severity.value for f in align_documents(doc("s", "А.", "Б."), doc("t", "A."), "ru", "en").findings]
    ['error']
    """
    from pipeline.text.sentences import split_block

    src_blocks, tgt_blocks = _blocks(source), _blocks(target)
    if len(src_blocks) != len(tgt_blocks):
        message = (
            f"{len(src_blocks)} text blocks in the source {source.source}, {len(tgt_blocks)} in the "
            "translation: the documents do not align, nothing was checked; translate the source again or "
            "check that these two files belong together"
        )
        finding = QAFinding("alignment", Severity.ERROR, target.source, "", "", message)
        return Alignment((), (finding,))
    pairs: list[Pair] = []
    findings: list[QAFinding] = []
    for s_block, t_block in zip(src_blocks, tgt_blocks, strict=True):
        s_text, t_text = _text(source, s_block), _text(target, t_block)
        if s_text == t_text and not any(c.isalpha() for c in s_text):
            continue
        s_sents = split_block(source.units[s_block.unit].text, s_block, source_lang or "en")
        t_sents = split_block(target.units[t_block.unit].text, t_block, target_lang)
        if len(s_sents) == len(t_sents):
            for s, t in zip(s_sents, t_sents, strict=True):
                pairs.append(
                    Pair(_where(target, t), _text(source, s), _text(target, t), source_lang, target_lang)
                )
            continue
        pair = Pair(_where(target, t_block), s_text, t_text, source_lang, target_lang)
        pairs.append(pair)
        message = (
            f"{len(s_sents)} sentences in the source, {len(t_sents)} in the translation: checked as one "
            "block; a sentence may be missing, merged or split"
        )
        findings.append(QAFinding("alignment", Severity.WARNING, pair.id, s_text, t_text, message))
    return Alignment(tuple(pairs), tuple(findings))
