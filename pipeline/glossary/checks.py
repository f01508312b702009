"""Pure terminology checks: ``(text, matches, glossary) -> Iterable[Finding]``, plus glossary validation.

Each check's docstring starts with its title; its severity is in :data:`SEVERITIES`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from pipeline.document import Finding, FindingKind, Severity
from pipeline.glossary.match import TermMatch
from pipeline.glossary.model import NUMBER, Concept, Glossary, TermEntry
from pipeline.text.spans import line_col

__all__ = [
    "CHECKS",
    "SEVERITIES",
    "check_forbidden",
    "check_inconsistent",
    "check_text",
    "language_problem",
    "validate_glossary",
]


def _as_list(glossary: Glossary | Sequence[Glossary]) -> Sequence[Glossary]:
    return (glossary,) if isinstance(glossary, Glossary) else glossary


def _rule(match: TermMatch) -> str:
    return (
        f"glossary:{match.glossary}:{match.concept_id}" if match.glossary else f"glossary:{match.concept_id}"
    )


def _preferred(match: TermMatch) -> str:
    return match.rendering(match.lang) or ""


def _term_finding(
    text: str, match: TermMatch, kind: FindingKind, message: str, *, first_line: int
) -> Finding:
    """A finding at ``match`` that asks to replace it with the preferred term of its language."""
    line, column = line_col(text, match.start, first_line=first_line)
    return Finding(
        kind=kind,
        severity=SEVERITIES[kind],
        start=match.start,
        end=match.end,
        line=line,
        column=column,
        text=match.text,
        message=message,
        action="replace",
        language=match.lang,
        replacement=_preferred(match),
        rule=_rule(match),
        details=(("concept", match.concept_id), ("form", match.form), ("matched", match.matched)),
    )


def check_forbidden(
    text: str, matches: Sequence[TermMatch], glossary: Glossary | Sequence[Glossary], *, first_line: int = 1
) -> Iterator[Finding]:
    """Forbidden term: a known wrong rendering is used; replace it with the preferred term.

    >>> from pipeline.glossary.match import TermMatcher
    >>> g = Glossary("g", languages=("en",), concepts=(Concept("iss", terms=(("en", TermEntry(
    ...     "International Space Station", forbidden=("International Space System",))),)),))
    >>> t = "At the International Space System."
    >>> [(f.column, f.replacement) for f in check_forbidden(t, TermMatcher([g]).find(t), g)]
    [(8, 'International Space Station')]
    """
    del glossary  # the matches carry what the message needs
    for match in matches:
        if match.form != "forbidden":
            continue
        message = f"{match.text!r} is a wrong rendering of {match.concept_id}; write {_preferred(match)!r}"
        yield _term_finding(text, match, FindingKind.FORBIDDEN_TERM, message, first_line=first_line)


def check_inconsistent(
    text: str, matches: Sequence[TermMatch], glossary: Glossary | Sequence[Glossary], *, first_line: int = 1
) -> Iterator[Finding]:
    """Inconsistent term: one concept is spelled in more than one way in one document.

    Abbreviations next to the full form are fine; a variant next to the preferred term (or two different
    variants) is flagged at every variant occurrence. Flights of a pattern concept count separately.

    >>> from pipeline.glossary.match import TermMatcher
    >>> g = Glossary("g", languages=("en",), concepts=(Concept("mcc", terms=(("en", TermEntry(
    ...     "Mission Control Center", variants=("Mission Control",))),)),))
    >>> t = "Mission Control Center said; later Mission Control said."
    >>> [(f.text, f.replacement) for f in check_inconsistent(t, TermMatcher([g]).find(t), g)]
    [('Mission Control', 'Mission Control Center')]
    """
    del glossary
    groups: dict[tuple[str, str, str, str | None], list[TermMatch]] = defaultdict(list)
    for match in matches:
        if match.form in ("term", "variant"):
            groups[(match.glossary, match.concept_id, match.lang, match.number)].append(match)
    flagged: list[Finding] = []
    for group in groups.values():
        spellings = sorted({m.matched.casefold() for m in group})
        if len(spellings) < 2:
            continue
        used = ", ".join(repr(s) for s in dict.fromkeys(m.matched for m in group))
        for match in group:
            if match.form != "variant":
                continue
            message = (
                f"{match.concept_id} is written {len(spellings)} ways in this document ({used}); "
                f"use {_preferred(match)!r} throughout"
            )
            flagged.append(
                _term_finding(text, match, FindingKind.INCONSISTENT_TERM, message, first_line=first_line)
            )
    flagged.sort(key=lambda f: f.start)
    yield from flagged


SEVERITIES: dict[FindingKind, Severity] = {
    FindingKind.FORBIDDEN_TERM: Severity.ERROR,
    FindingKind.INCONSISTENT_TERM: Severity.WARNING,
    FindingKind.GLOSSARY_INVALID: Severity.ERROR,
}

CHECKS: tuple[Callable[..., Iterator[Finding]], ...] = (check_forbidden, check_inconsistent)


def check_text(
    text: str, matches: Sequence[TermMatch], glossary: Glossary | Sequence[Glossary], *, first_line: int = 1
) -> list[Finding]:
    """Run every text check; findings in text order (forbidden before inconsistent at the same place)."""
    glossaries = _as_list(glossary)
    out: list[Finding] = []
    for check in CHECKS:
        out += check(text, matches, glossaries, first_line=first_line)
    out.sort(key=lambda f: (f.start, f.end, f.kind.value))
    return out


_PRIMARY = re.compile(r"[a-z]{2,3}\Z")


def language_problem(code: str) -> str | None:
    """Why ``code`` is no glossary language, or None: a BCP 47 primary language subtag of 2 or 3 letters.

    The registry check is ``--to``'s (:func:`pipeline.config.language_code`, langcodes' ``tag_is_valid``);
    glossaries also take ISO 639-2/3 codes (``fil``) and no region or script (terms are per language).

    >>> language_problem("ru"), language_problem("fil")
    (None, None)
    >>> language_problem("xx")
    "'xx' is not a BCP 47 language code (e.g. en, ru, de)"
    """
    import langcodes

    if _PRIMARY.match(code) and langcodes.tag_is_valid(code):
        return None
    return f"{code!r} is not a BCP 47 language code (e.g. en, ru, de)"


def _bad_languages(glossary: Glossary) -> Iterator[Finding]:
    """A declared language code that is not BCP 47 (``xx``): an error (loading already refuses a concept
    language that is not declared)."""
    for lang in glossary.languages:
        problem = language_problem(lang)
        if problem is not None:
            yield _invalid(glossary, 1, lang, f"language {problem}", "language", Severity.ERROR)


def _invalid(
    glossary: Glossary, line: int, subject: str, message: str, rule: str, severity: Severity
) -> Finding:
    return Finding(
        kind=FindingKind.GLOSSARY_INVALID,
        severity=severity,
        start=0,
        end=0,
        line=line,
        column=1,
        text=subject,
        message=message,
        action="review",
        rule=f"glossary-{rule}",
        details=(("path", glossary.path),),
    )


#: ``(lang, casefolded string) -> [(concept id, English term, line, form)]``: who uses each allowed string.
_Owners = dict[tuple[str, str], list[tuple[str, str, int, str]]]


def _entry_findings(
    glossary: Glossary, concept: Concept, lang: str, entry: TermEntry, owners: _Owners
) -> Iterator[Finding]:
    """One language entry: an empty term, a string listed twice or both allowed and forbidden, a pattern
    term without ``{n}``; each allowed string is recorded in ``owners``."""
    english = concept.term("en")
    en_term = english.term if english is not None else ""
    if not entry.term.strip():
        yield _invalid(
            glossary,
            concept.line,
            concept.id,
            f"{concept.id}.{lang} has an empty term; fill it in or remove the language",
            "empty-term",
            Severity.ERROR,
        )
    seen: dict[str, str] = {}
    for form, string in entry.forms():
        key = string.casefold()
        if key in seen:
            both = seen[key] != "forbidden" and form == "forbidden"
            yield _invalid(
                glossary,
                concept.line,
                concept.id,
                f"{concept.id}.{lang}: {string!r} is both {seen[key]} and {form}; keep one"
                if both or seen[key] != form
                else f"{concept.id}.{lang}: {string!r} is listed twice; remove one",
                "conflict" if both else "duplicate",
                Severity.ERROR,
            )
            continue
        seen[key] = form
        if form != "forbidden" and string.strip():
            owners[(lang, key)].append((concept.id, en_term, concept.line, form))
    missing = [s for form, s in entry.forms() if form == "term" and NUMBER not in s]
    if concept.pattern and missing:
        yield _invalid(
            glossary,
            concept.line,
            concept.id,
            f"{concept.id}.{lang} term {missing[0]!r} "
            f"lacks {NUMBER} although the concept is a pattern; add {NUMBER} or drop pattern = true",
            "pattern",
            Severity.ERROR,
        )


def _conflicting_renderings(glossary: Glossary, owners: _Owners) -> Iterator[Finding]:
    """A string used by two concepts whose English terms differ (error), or an abbreviation two share
    (warning); flagged at every concept after the first."""
    for (lang, key), users in owners.items():
        ids = list(dict.fromkeys(u[0] for u in users))
        if len(ids) < 2:
            continue
        targets = {u[1].casefold() for u in users}
        abbreviation_only = all(u[3] == "abbr" for u in users)
        if len(targets) < 2 and not abbreviation_only:
            continue
        first = users[0]
        for cid, en_term, line, _ in users[1:]:
            if cid == first[0]:
                continue
            yield _invalid(
                glossary,
                line,
                cid,
                f"{lang} {key!r} belongs to {first[0]} (line {first[2]}, {first[1]!r}) and to {cid} "
                f"({en_term!r}); give each concept its own term or merge them",
                "conflicting-rendering",
                Severity.WARNING if abbreviation_only else Severity.ERROR,
            )


def _unused_languages(glossary: Glossary) -> Iterator[Finding]:
    """A declared language in which no concept has a (non-blank) term."""
    used = {lang for c in glossary.concepts for lang, e in c.terms if e.term.strip()}
    for lang in glossary.languages:
        if lang not in used:
            yield _invalid(
                glossary,
                1,
                lang,
                f"language {lang!r} is declared but no concept has a term in it; "
                "add terms or remove it from languages",
                "empty-language",
                Severity.WARNING,
            )


def validate_glossary(glossary: Glossary) -> list[Finding]:
    """Glossary validation: duplicates, conflicting renderings, empty languages, broken patterns.

    Errors: a string listed twice in one concept and language, one string both allowed and forbidden, an
    empty preferred term, the same term or variant used by two concepts whose English terms differ, a pattern
    concept whose preferred term lacks ``{n}``, a language code that is not BCP 47 (``xx``). Warnings: an
    abbreviation shared by two concepts, a declared language no concept uses.

    Returns:
        Findings in line order (``line`` is the concept's ``[[concept]]`` line).
    """
    owners: _Owners = defaultdict(list)
    out = [
        finding
        for concept in glossary.concepts
        for lang, entry in concept.terms
        for finding in _entry_findings(glossary, concept, lang, entry, owners)
    ]
    out += _conflicting_renderings(glossary, owners)
    out += _unused_languages(glossary)
    out += _bad_languages(glossary)
    out.sort(key=lambda f: (f.line, f.rule, f.message))
    return out
