"""Glossaries: the model, file I/O, inflection-aware matching, checks and exchange formats.

The names below are imported on first use (PEP 562), so importing one light submodule (``model``,
``exchange``: what the CLI needs to declare its options) does not load the file I/O and the matcher.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.glossary.io import load_glossary, loads_glossary
    from pipeline.glossary.match import TermMatch, TermMatcher, chrome_phrases, known_terms
    from pipeline.glossary.model import Concept, Glossary, TermEntry

__all__ = [
    "Concept",
    "Glossary",
    "TermEntry",
    "TermMatch",
    "TermMatcher",
    "chrome_phrases",
    "known_terms",
    "load_glossary",
    "loads_glossary",
]

_HOME = {
    "Concept": "model",
    "Glossary": "model",
    "TermEntry": "model",
    "TermMatch": "match",
    "TermMatcher": "match",
    "chrome_phrases": "match",
    "known_terms": "match",
    "load_glossary": "io",
    "loads_glossary": "io",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first use."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"pipeline.glossary.{_HOME[name]}"), name)
