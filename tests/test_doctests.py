"""Run the doctests of every module of the package: pure helpers document themselves with examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import pipeline

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(pipeline.__path__, prefix="pipeline.")
    if not info.name.endswith("__main__")
)


def test_every_module_is_found() -> None:
    assert "pipeline.translation.layers" in MODULES
    assert "pipeline.formats.encoding" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
