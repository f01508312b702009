"""Fixtures for detection tests: documents built from plain strings, and one shared finder."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.detection import AuditOptions, ChromeIndex, StrayFinder
from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit

CHROME = (
    ("ru", "Заголовок открываемого материала", "Title of the opened material"),
    ("en", "Subscribe", "Subscribe"),
    ("en", "Newsfeed", "Newsfeed"),
    ("en", "log in or register", "log in or register"),
    ("en", "To participate in the discussion", "To participate in the discussion"),
)


def text_document(text: str) -> Document:
    """A plain-text document: one LINE segment per non-blank line (what the text reader produces)."""
    segments = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            segments.append(Segment(0, pos, pos + len(line), BlockKind.LINE))
        pos += len(line) + 1
    return Document("test.txt", DocFormat.TEXT, "utf-8", text, (TextUnit(text),), tuple(segments))


@pytest.fixture(scope="session")
def finder() -> StrayFinder:
    """A finder for English documents, without chrome phrases."""
    return StrayFinder(AuditOptions())


@pytest.fixture(scope="session")
def chrome_finder() -> StrayFinder:
    """A finder for English documents that knows a handful of chrome phrases."""
    return StrayFinder(AuditOptions(), chrome=ChromeIndex.from_phrases(CHROME))


@pytest.fixture
def doc() -> Callable[[str], Document]:
    """Build a plain-text Document from a string."""
    return text_document
