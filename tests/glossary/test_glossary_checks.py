"""Terminology checks on English text and glossary validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import FindingKind, Severity
from pipeline.glossary.checks import check_text, validate_glossary
from pipeline.glossary.io import load_glossary, loads_glossary
from pipeline.glossary.match import TermMatcher

DATA = Path(__file__).resolve().parent / "data"
SPACE = Path(__file__).resolve().parents[2] / "glossaries" / "space.toml"


@pytest.fixture(scope="module")
def glossary():  # type: ignore[no-untyped-def]
    return load_glossary(DATA / "mini.toml")


def run(text: str, glossary) -> list:  # type: ignore[no-untyped-def,type-arg]
    return check_text(text, TermMatcher([glossary]).find(text, "en"), glossary)


def test_forbidden_variants_are_errors(glossary) -> None:  # type: ignore[no-untyped-def]
    text = "Crew at the International Space System.\nRoskosmos said MKS is fine."
    findings = run(text, glossary)
    assert [(f.kind, f.severity, f.line, f.column, f.text, f.replacement, f.action) for f in findings] == [
        (
            FindingKind.FORBIDDEN_TERM,
            Severity.ERROR,
            1,
            13,
            "International Space System",
            "International Space Station",
            "replace",
        ),
        (FindingKind.FORBIDDEN_TERM, Severity.ERROR, 2, 1, "Roskosmos", "Roscosmos", "replace"),
        (FindingKind.FORBIDDEN_TERM, Severity.ERROR, 2, 16, "MKS", "International Space Station", "replace"),
    ]
    assert findings[0].rule == "glossary:mini:iss"
    assert text[findings[0].start : findings[0].end] == "International Space System"


def test_forbidden_pattern_keeps_the_number(glossary) -> None:  # type: ignore[no-untyped-def]
    (f,) = run("aboard Soyuz-MS-19 today", glossary)
    assert (f.text, f.replacement) == ("Soyuz-MS-19", "Soyuz MS-19")


def test_inconsistent_spellings_are_warnings(glossary) -> None:  # type: ignore[no-untyped-def]
    text = "Roscosmos said. The Russian space agency added. Roscosmos again."
    (f,) = run(text, glossary)
    assert f.kind is FindingKind.INCONSISTENT_TERM
    assert f.severity is Severity.WARNING
    assert (f.text, f.replacement, f.column) == ("Russian space agency", "Roscosmos", 21)


def test_abbreviation_with_full_form_is_consistent(glossary) -> None:  # type: ignore[no-untyped-def]
    assert run("The International Space Station (ISS) orbits; the ISS is big.", glossary) == []


def test_different_flights_are_not_inconsistent(glossary) -> None:  # type: ignore[no-untyped-def]
    assert run("Soyuz MS-07 and Soyuz MS-08", glossary) == []


def test_clean_text(glossary) -> None:  # type: ignore[no-untyped-def]
    assert run("Nothing to see here.", glossary) == []


def test_shipped_glossary_flags_the_seed_slip() -> None:
    if not SPACE.is_file():
        pytest.skip("shipped glossary not written yet")
    g = load_glossary(SPACE)
    text = "arrival of a new crew at the International Space System (ISS), adding"
    findings = check_text(text, TermMatcher([g]).find(text, "en"), g)
    assert [(f.kind, f.text) for f in findings] == [
        (FindingKind.FORBIDDEN_TERM, "International Space System")
    ]


def test_fixture_glossary_is_valid(glossary) -> None:  # type: ignore[no-untyped-def]
    assert validate_glossary(glossary) == []


@pytest.mark.skipif(not SPACE.is_file(), reason="shipped glossary not written yet")
def test_shipped_glossary_has_no_errors() -> None:
    findings = validate_glossary(load_glossary(SPACE))
    assert [f.message for f in findings if f.severity is Severity.ERROR] == []


BAD = """[glossary]
id = "bad"
languages = ["en", "ru", "fr"]

[[concept]]
id = "a"
pattern = true
en = { term = "Soyuz", variants = ["Soyuz MS-{n}", "soyuz"] }
ru = { term = "Союз", forbidden = ["Союз"] }

[[concept]]
id = "b"
en = { term = "Union" }
ru = { term = "Союз" }

[[concept]]
id = "c"
en = { term = "Empty" }
ru = { term = "" }
"""


def test_validation_findings() -> None:
    findings = validate_glossary(loads_glossary(BAD, source="bad.toml"))
    got = [(f.line, f.rule, f.severity.value) for f in findings]
    assert got == [
        (1, "glossary-empty-language", "warning"),
        (5, "glossary-conflict", "error"),
        (5, "glossary-duplicate", "error"),
        (5, "glossary-pattern", "error"),
        (5, "glossary-pattern", "error"),
        (11, "glossary-conflicting-rendering", "error"),
        (16, "glossary-empty-term", "error"),
    ]
    assert all(f.kind is FindingKind.GLOSSARY_INVALID for f in findings)
    conflict = next(f for f in findings if f.rule == "glossary-conflicting-rendering")
    assert "'союз' belongs to a (line 5" in conflict.message
