"""Glossaries: the model, file I/O, inflection-aware matching, checks and exchange formats."""

from __future__ import annotations

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
