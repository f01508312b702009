"""Markdown reader: block structure from markdown-it-py, protected inline markup, front matter."""

from __future__ import annotations

from pipeline.document import BlockKind, Document, Segment
from pipeline.formats import Edit, read_markdown, write_markdown

ARTICLE = """\
---
title: "Запуск Союза"
tags: [space, rockets]
date: 2024-01-01
source: https://example.com/feed
summary: >
  Folded summary
  on two lines
---
# Launch day ##

Para with `inline code` and [a link](https://x.com/a "Title") and
![Схема](img/scheme.png) then *emphasis* <span class="x">html</span> &amp; <https://auto.link/x>.

```python
print("не проза")
```

    indented code block

<div>
html block text
</div>

[ref]: https://example.com/ref "Reference title"

> Quoted line
> continues here

- First item
  wraps here
- Second with `code`

1. Numbered

| Name | Описание |
|------|----------|
| a \\| b | `c\\|d` |

Setext heading
==============
"""


def texts(doc: Document) -> list[tuple[str, str]]:
    return [(doc.text[s.start : s.end], s.kind.value) for s in doc.segments]


def protected(doc: Document, segment: Segment) -> list[str]:
    return [doc.text[s:e] for s, e in segment.protected]


def test_segments_and_kinds() -> None:
    doc = read_markdown(ARTICLE, source="a.md")
    assert texts(doc) == [
        ("Запуск Союза", "field"),
        ("space, rockets", "field"),
        ("Folded summary", "field"),
        ("on two lines", "field"),
        ("Launch day", "heading"),
        (
            'Para with `inline code` and [a link](https://x.com/a "Title") and\n'
            '![Схема](img/scheme.png) then *emphasis* <span class="x">html</span> &amp; <https://auto.link/x>.',
            "paragraph",
        ),
        ("Quoted line\n> continues here", "quote"),
        ("First item\n  wraps here", "list-item"),
        ("Second with `code`", "list-item"),
        ("Numbered", "list-item"),
        ("Name", "table-cell"),
        ("Описание", "table-cell"),
        ("a \\| b", "table-cell"),
        ("`c\\|d`", "table-cell"),
        ("Setext heading", "heading"),
    ]


def test_exact_offsets_of_a_small_document() -> None:
    text = "# Hi\n\nSome *text*.\n"
    doc = read_markdown(text, source="a.md")
    assert [(s.start, s.end, s.kind) for s in doc.segments] == [
        (2, 4, BlockKind.HEADING),
        (6, 18, BlockKind.PARAGRAPH),
    ]
    assert doc.segments[1].protected == ((11, 12), (16, 17))


def test_inline_markup_is_protected() -> None:
    doc = read_markdown(ARTICLE, source="a.md")
    paragraph = next(s for s in doc.segments if s.kind is BlockKind.PARAGRAPH)
    assert protected(doc, paragraph) == [
        "`inline code`",
        "[",
        '](https://x.com/a "Title")',
        "![",
        "](img/scheme.png)",
        "*",
        "*",
        '<span class="x">',
        "</span>",
        "&amp;",
        "<https://auto.link/x>",
    ]


def test_code_blocks_html_blocks_and_definitions_are_never_prose() -> None:
    doc = read_markdown(ARTICLE, source="a.md")
    for needle in (
        "не проза",
        "indented code block",
        "html block text",
        "Reference title",
        "https://example.com/ref",
    ):
        at = doc.text.index(needle)
        assert not any(s.start <= at < s.end for s in doc.segments), needle


def test_prose_never_contains_code_or_link_targets() -> None:
    """Blanking protected spans leaves no inline code, URL or markup in what is sent on."""
    from pipeline.text.spans import blank_protected

    doc = read_markdown(ARTICLE, source="a.md")
    prose = " ".join(blank_protected(doc.text, s) for s in doc.segments)
    for fragment in ("inline code", "https://", "img/scheme.png", "span", "&amp;", "`", "*"):
        assert fragment not in prose, fragment
    for word in ("Para", "Схема", "emphasis", "html", "Quoted", "First", "Описание", "Numbered"):
        assert word in prose, word


def test_front_matter_keys_and_literals_are_not_prose() -> None:
    doc = read_markdown(ARTICLE, source="a.md")
    front = [s for s in doc.segments if s.kind is BlockKind.FIELD]
    values = [doc.text[s.start : s.end] for s in front]
    assert "2024-01-01" not in values
    assert "https://example.com/feed" not in values
    assert not any(v.startswith(("title", "tags", "summary")) for v in values)


def test_blockquote_continuation_marker_is_protected() -> None:
    doc = read_markdown(ARTICLE, source="a.md")
    quote = next(s for s in doc.segments if s.kind is BlockKind.QUOTE)
    assert protected(doc, quote) == [">"]


def test_table_cells_with_escaped_pipes() -> None:
    text = "| Name | Value |\n|---|---|\n| a \\| b | Привет |\n"
    doc = read_markdown(text, source="a.md")
    assert texts(doc) == [
        ("Name", "table-cell"),
        ("Value", "table-cell"),
        ("a \\| b", "table-cell"),
        ("Привет", "table-cell"),
    ]


def test_unclosed_front_matter_is_a_thematic_break() -> None:
    doc = read_markdown("---\ntitle: x\n", source="a.md")
    assert texts(doc) == [("title: x", "paragraph")]


def test_crlf_and_lone_cr_keep_offsets_right() -> None:
    text = "# Title\r\n\r\nLine one\r\nline two\rstill two\r\n"
    doc = read_markdown(text, source="a.md")
    assert texts(doc) == [("Title", "heading"), ("Line one\r\nline two\rstill two", "paragraph")]


def test_no_front_matter_when_not_at_start() -> None:
    doc = read_markdown("Intro\n\n---\ntitle: x\n---\n", source="a.md")
    assert ("Intro", "paragraph") in texts(doc)


def test_code_span_across_lines_and_unmatched_backticks() -> None:
    text = "A `code\nspan` here and `` unmatched ` ok"
    doc = read_markdown(text, source="a.md")
    assert protected(doc, doc.segments[0]) == ["`code\nspan`"]


def test_writer_splices_and_keeps_everything_else() -> None:
    text = "# Привет\n\nText with `code`.\n"
    doc = read_markdown(text, source="a.md")
    heading = doc.segments[0]
    assert write_markdown(doc, []) == text
    assert (
        write_markdown(doc, [Edit(0, heading.start, heading.end, "Hello")])
        == "# Hello\n\nText with `code`.\n"
    )
