"""Run the doctests of the format modules (pure helpers document themselves with examples)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "pipeline.formats",
    "pipeline.formats._splice",
    "pipeline.formats.encoding",
    "pipeline.formats.html",
    "pipeline.formats.jsonl",
    "pipeline.formats.markdown",
    "pipeline.formats.text",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
