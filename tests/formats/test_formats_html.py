"""HTML reader: visible text runs with raw offsets; scripts, styles and attributes never prose."""

from __future__ import annotations

import pytest

from pipeline.document import BlockKind, Document
from pipeline.formats import Edit, read_html, write_html
from pipeline.text.spans import blank_protected

PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8">
<title>Запуск &laquo;Союза&raquo;</title>
<meta name="description" content="Meta description text">
<style>p.hidden { content: "style text"; }</style>
<script>var t = "<p>script text</p>";</script>
</head>
<body>
<!-- comment text -->
<h1 class="title">Launch of <em>Soyuz</em> MS-25</h1>
<p>Tom &amp; Jerry&nbsp;watched <a href="https://example.com/live" title="attribute text">the stream</a>.<br>
Second line &#1047;&#x434;равствуйте <code>x = 1</code> end</p>
<ul><li>One</li><li>Two <span data-x="attr">three</span></li></ul>
<table><tr><td>Cell A</td><td>Cell B</td></tr></table>
<noscript>noscript text</noscript>
<template><p>template text</p></template>
<pre>preformatted code</pre>
<img src="a.png" alt="alt text">
</body></html>
"""


def runs(doc: Document) -> list[str]:
    return [doc.text[s.start : s.end] for s in doc.segments]


def test_visible_text_runs_with_raw_offsets() -> None:
    doc = read_html(PAGE, source="a.html")
    assert runs(doc) == [
        "Запуск &laquo;Союза&raquo;",
        "Launch of <em>Soyuz</em> MS-25",
        'Tom &amp; Jerry&nbsp;watched <a href="https://example.com/live" title="attribute text">'
        "the stream</a>.",
        "Second line &#1047;&#x434;равствуйте <code>x = 1</code> end",
        "One",
        'Two <span data-x="attr">three',
        "Cell A",
        "Cell B",
    ]
    assert {s.kind for s in doc.segments} == {BlockKind.TEXT_RUN}


def test_tags_and_character_references_are_protected() -> None:
    doc = read_html(PAGE, source="a.html")
    paragraph = doc.segments[2]
    assert [doc.text[s:e] for s, e in paragraph.protected] == [
        "&amp;",
        "&nbsp;",
        '<a href="https://example.com/live" title="attribute text">',
        "</a>",
    ]
    second = doc.segments[3]
    assert [doc.text[s:e] for s, e in second.protected] == ["&#1047;&#x434;", "<code>x = 1</code>"]


@pytest.mark.parametrize(
    "hidden",
    [
        "script text",
        "style text",
        "Meta description",
        "comment text",
        "attribute text",
        "noscript text",
        "template text",
        "preformatted code",
        "alt text",
        "DOCTYPE",
        "example.com",
        "x = 1",
    ],
)
def test_hidden_text_is_never_prose(hidden: str) -> None:
    doc = read_html(PAGE, source="a.html")
    prose = "\n".join(blank_protected(doc.text, s) for s in doc.segments)
    assert hidden not in prose


def test_exact_offsets() -> None:
    text = "<p>Hi <b>there</b></p>\n<div>  Two  </div>"
    doc = read_html(text, source="a.html")
    assert [(s.start, s.end, s.protected) for s in doc.segments] == [(3, 14, ((6, 9),)), (30, 33, ())]


def test_head_without_title_and_body_without_tags() -> None:
    doc = read_html("<head><link rel=x>junk</head>plain text &copy; 2024", source="a.html")
    assert runs(doc) == ["plain text &copy; 2024"]


@pytest.mark.parametrize(
    "text",
    [
        "<p>unclosed <b>bold <i>italic",
        "a < b and c > d",
        "<div",
        "<p>x</p><!-- unclosed comment",
        "<script>never closed",
        "</p></div>stray closers",
        "<![CDATA[x]]><?php echo 1 ?>text",
        "&#xZZ; & &; &#;",
        "<a href='x>broken</a>",
        "",
    ],
)
def test_malformed_html_does_not_crash(text: str) -> None:
    doc = read_html(text, source="a.html")
    assert write_html(doc, []) == text
    for segment in doc.segments:
        assert 0 <= segment.start < segment.end <= len(text)
        assert all(segment.start <= s < e <= segment.end for s, e in segment.protected)


def test_entity_only_run_is_not_prose() -> None:
    assert read_html("<p>&nbsp;</p><p><code>x</code></p>", source="a.html").segments == ()


def test_writer_escapes_replacements() -> None:
    text = "<p>Привет &amp; пока</p>"
    doc = read_html(text, source="a.html")
    (segment,) = doc.segments
    assert write_html(doc, []) == text
    assert (
        write_html(doc, [Edit(0, segment.start, segment.end, "Hi & <bye>")]) == "<p>Hi &amp; &lt;bye&gt;</p>"
    )
