"""Markdown (CommonMark + GFM tables), parsed by markdown-it-py.

Segmentation rules:

1. One segment per paragraph, heading, list-item paragraph, table cell and block-quote paragraph; its
   ``start``/``end`` are the offsets of its first and last content characters, so heading ``#``, list
   bullets and ``>`` marks of the first line are outside it. A soft-wrapped paragraph is one segment.
2. Fenced and indented code blocks, HTML blocks and link reference definitions are not prose.
3. Inside a segment these are protected: inline code, link and image targets ``](...)`` and their opening
   ``[``/``![``, reference labels ``][...]``, autolinks ``<...>``, raw inline HTML, character references,
   emphasis markers ``*``/``_``, backslashes of escapes, ``>`` marks of continuation lines, bare URLs and
   e-mail addresses.
4. YAML front matter (``---`` ... ``---`` at the very start): keys are not prose; each scalar value is a
   ``FIELD`` segment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit
from pipeline.formats._splice import line_starts, merge_spans, splice, url_spans

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from pipeline.formats import Edit

__all__ = ["inline_protected", "read_markdown", "write_markdown"]

Span = tuple[int, int]

_TRIGGER = re.compile(r"\\[!-/:-@\[-`{-~\n]|`+|<|!\[|\[|\]|\*+|_+|&")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>")
_EMAIL_AUTOLINK = re.compile(
    r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*>"
)
_HTML_INLINE = re.compile(
    r"<[A-Za-z][A-Za-z0-9\-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:\-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
    r"\s*/?>"
    r"|</[A-Za-z][A-Za-z0-9\-]*\s*>"
    r"|<!--.*?-->|<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>",
    re.DOTALL,
)
_LINK_TARGET = re.compile(
    r"\(\s*(?:<[^<>\n]*>|[^\s()<]*(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|\((?:\\.|[^()\\])*\)))?\s*\)"
)
_REF_LABEL = re.compile(r"\[(?:\\.|[^\[\]\\]){0,999}\]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(?:.*?\n)??(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FM_LINE = re.compile(
    r"(?P<indent>[ \t]*)(?:-[ \t]+)*(?:(?P<key>[^\s:#\-][^:#\n]*?|-[^\s:#][^:#\n]*?):(?=[ \t]|$)[ \t]*)?"
    r"(?P<value>[^\n]*?)[ \t]*\r?$",
    re.MULTILINE,
)
_FM_LITERALS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "~"})
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    # Only block structure is used; inline parsing of huge paragraphs would be wasted work.
    md.core.ruler.disable("inline")
    return md


def _is_space(char: str) -> bool:
    return not char or char.isspace()


def inline_protected(text: str, start: int, end: int) -> list[Span]:
    """Return the spans of Markdown inline markup inside ``text[start:end]`` (absolute offsets).

    >>> t = "Use `x` and [docs](http://a.b) *now*"
    >>> [t[s:e] for s, e in inline_protected(t, 0, len(t))]
    ['`x`', '[', '](http://a.b)', '*', '*']
    """
    spans: list[Span] = []
    openers: list[Span] = []
    no_close: set[int] = set()  # backtick run lengths known to have no closing run further on
    pos = start
    while True:
        match = _TRIGGER.search(text, pos, end)
        if match is None:
            break
        p, q = match.span()
        token = match.group()
        pos = q
        char = token[0]
        if char == "\\":
            spans.append((p, p + 1))
        elif char == "`":
            n = len(token)
            closing = None if n in no_close else re.compile(f"(?<!`)`{{{n}}}(?!`)").search(text, q, end)
            if closing is None:
                no_close.add(n)
            else:
                spans.append((p, closing.end()))
                pos = closing.end()
        elif char == "<":
            tag = _AUTOLINK.match(text, p, end) or _EMAIL_AUTOLINK.match(text, p, end)
            tag = tag or _HTML_INLINE.match(text, p, end)
            if tag is not None:
                spans.append(tag.span())
                pos = tag.end()
        elif token in ("[", "!["):
            openers.append((p, q))
        elif char == "]":
            opener = openers.pop() if openers else None
            target = _LINK_TARGET.match(text, q, end) or _REF_LABEL.match(text, q, end)
            if target is not None and opener is not None:
                spans.append(opener)
                spans.append((p, target.end()))
                pos = target.end()
        elif char in "*_":
            before = text[p - 1] if p > start else ""
            after = text[q] if q < end else ""
            if _is_space(before) and _is_space(after):
                continue
            if char == "_" and before.isalnum() and after.isalnum():
                continue
            spans.append((p, q))
        else:  # "&"
            entity = _ENTITY.match(text, p, end)
            if entity is not None:
                spans.append(entity.span())
                pos = entity.end()
    return spans


def _segment(text: str, pieces: list[Span], unit_kind: BlockKind, extra: Sequence[Span] = ()) -> Segment:
    start, end = pieces[0][0], pieces[-1][1]
    protected: list[Span] = list(extra)
    for (_, gap_start), (gap_end, _) in zip(pieces, pieces[1:], strict=False):
        gap = text[gap_start:gap_end]
        stripped = gap.strip()
        if stripped:
            first = gap_start + len(gap) - len(gap.lstrip())
            protected.append((first, first + len(stripped)))
    protected += inline_protected(text, start, end)
    protected += url_spans(text, start, end)
    clipped = [(max(s, start), min(e, end)) for s, e in protected]
    return Segment(0, start, end, unit_kind, merge_spans(clipped))


def _line_bounds(text: str, starts: list[int], line: int) -> Span:
    begin = starts[line]
    stop = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
    return begin, stop


def _locate_lines(text: str, starts: list[int], first_line: int, content: str) -> list[Span]:
    """Find each line of a block's inline content in its raw source line."""
    pieces: list[Span] = []
    for k, content_line in enumerate(content.split("\n")):
        line = first_line + k
        if line >= len(starts):
            break
        wanted = content_line.strip()
        if not wanted:
            continue
        begin, stop = _line_bounds(text, starts, line)
        raw = text[begin:stop].rstrip()
        if raw.endswith(wanted):
            at = len(raw) - len(wanted)
        else:
            at = raw.rfind(wanted)
            if at < 0:
                continue
        pieces.append((begin + at, begin + at + len(wanted)))
    return pieces


def _front_matter(text: str, starts: list[int]) -> tuple[int, list[Segment]]:
    """Return the end offset of YAML front matter (0 if none) and its value segments."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return 0, []
    body_start = starts[1]
    body_end = text.rfind("\n", 0, match.end() - 1) + 1 if match.end() > body_start else body_start
    segments: list[Segment] = []
    block_indent: int | None = None
    for line in _FM_LINE.finditer(text, body_start, body_end):
        if not line.group().strip():
            continue
        indent = len(line.group("indent").expandtabs())
        value_start, value_end = line.span("value")
        if block_indent is not None:
            if indent > block_indent:
                value_start = line.start() + len(line.group("indent"))
                value_end = line.end("value")
            else:
                block_indent = None
        if block_indent is None:
            if line.group().lstrip().startswith("#"):
                continue
            value = text[value_start:value_end]
            if re.fullmatch(r"[|>][+-]?[0-9]?", value):
                block_indent = indent
                continue
            quoted = value[:1] in ("'", '"') and value[-1] == value[0]
            if len(value) >= 2 and (quoted or (value[0] in "[{" and value[-1] in "]}")):
                value_start, value_end = value_start + 1, value_end - 1
            else:
                comment = re.search(r"[ \t]#", value)
                if comment is not None:
                    value_end = value_start + comment.start()
        value = text[value_start:value_end]
        stripped = value.strip()
        if not stripped or stripped.lower() in _FM_LITERALS or not _LETTER.search(stripped):
            continue
        value_start += len(value) - len(value.lstrip())
        value_end = value_start + len(stripped)
        protected = merge_spans(url_spans(text, value_start, value_end))
        if protected == ((value_start, value_end),):
            continue  # a bare URL is not prose
        segments.append(Segment(0, value_start, value_end, BlockKind.FIELD, protected))
    return match.end(), segments


def _parse_source(text: str, front_matter_end: int) -> str:
    """The text markdown-it sees: same lines and lengths, front matter blanked, lone CRs as spaces."""
    source = text
    if front_matter_end:
        source = re.sub(r"[^\n]", " ", text[:front_matter_end]) + text[front_matter_end:]
    if "\r" in source:
        source = re.sub(r"\r(?!\n)", " ", source)
    if "\x00" in source:
        source = source.replace("\x00", "\ufffd")
    return source


def _kind(stack: list[str]) -> BlockKind | None:
    if not stack:
        return None
    top = stack[-1]
    if top == "heading":
        return BlockKind.HEADING
    if top in ("th", "td"):
        return BlockKind.TABLE_CELL
    if top != "paragraph":
        return None
    for name in reversed(stack):
        if name == "list_item":
            return BlockKind.LIST_ITEM
        if name == "blockquote":
            return BlockKind.QUOTE
    return BlockKind.PARAGRAPH


def _cell_pattern(content: str) -> re.Pattern[str]:
    # markdown-it unescapes "\|" in cell content; the raw row still has the backslash.
    return re.compile(r"\\?\|".join(re.escape(part) for part in content.split("|")))


def _block_segments(text: str, tokens: Sequence[Token], starts: list[int]) -> list[Segment]:
    segments: list[Segment] = []
    stack: list[str] = []
    row_cursor = 0
    for token in tokens:
        if token.nesting == 1:
            stack.append(token.type.removesuffix("_open"))
            if token.type == "tr_open" and token.map:
                row_cursor = starts[token.map[0]]
            continue
        if token.nesting == -1:
            if stack:
                stack.pop()
            continue
        if token.type != "inline" or not token.map:
            continue
        kind = _kind(stack)
        if kind is None:
            continue
        if kind is BlockKind.TABLE_CELL:
            wanted = token.content.strip()
            if not wanted:
                continue
            _, row_end = _line_bounds(text, starts, token.map[0])
            found = _cell_pattern(wanted).search(text, row_cursor, row_end)
            if found is None:
                continue
            row_cursor = found.end()
            segments.append(_segment(text, [found.span()], kind))
            continue
        pieces = _locate_lines(text, starts, token.map[0], token.content)
        if pieces:
            segments.append(_segment(text, pieces, kind))
    return segments


def read_markdown(text: str, *, source: str, encoding: str = "utf-8") -> Document:
    """Read Markdown.

    Args:
        text: the decoded file.
        source: the file as the user named it.
        encoding: the codec it was decoded with.

    Returns:
        A document with one unit (the whole text) and its prose segments in document order.

    >>> doc = read_markdown("# Hi `x`\\n\\n    code\\n\\n- item\\n", source="a.md")
    >>> [(doc.text[s.start : s.end], s.kind.value) for s in doc.segments]
    [('Hi `x`', 'heading'), ('item', 'list-item')]
    """
    starts = line_starts(text)
    front_matter_end, segments = _front_matter(text, starts)
    # Offsets are located in the text markdown-it saw: same length and lines as ``text``.
    parsed = _parse_source(text, front_matter_end)
    segments += _block_segments(parsed, _parser().parse(parsed), starts)
    return Document(source, DocFormat.MARKDOWN, encoding, text, (TextUnit(text),), tuple(segments))


def write_markdown(doc: Document, edits: Sequence[Edit] = ()) -> str:
    """Splice ``edits`` into a Markdown document's text; with no edits this is ``doc.text``.

    >>> from pipeline.formats import Edit
    >>> write_markdown(read_markdown("# Hola", source="a.md"), [Edit(0, 2, 6, "Hello")])
    '# Hello'
    """
    return splice(doc.units[0].text, edits)
