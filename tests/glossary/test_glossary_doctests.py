"""Run the doctests of the glossary modules."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "pipeline.glossary.model",
    "pipeline.glossary.io",
    "pipeline.glossary.match",
    "pipeline.glossary.checks",
    "pipeline.glossary.exchange",
    "pipeline.glossary.extract",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
