"""Pure terminology checks: ``(text, matches, glossary) -> Iterable[Finding]``, plus glossary validation.

Each check's docstring starts with its title; its severity is in :data:`SEVERITIES`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

from pipeline.document import Finding, FindingKind, Severity
from pipeline.glossary.match import TermMatch
from pipeline.glossary.model import NUMBER, Glossary
from pipeline.text.spans import line_col

__all__ = [
    "CHECKS",
    "SEVERITIES",
    "check_forbidden",
    "check_inconsistent",
    "check_text",
    "validate_glossary",
]

Check = Callable[[str, Sequence[TermMatch], Sequence[Glossary]], Iterable[Finding]]


def _as_list(glossary: Glossary | Sequence[Glossary]) -> Sequence[Glossary]:
    return (glossary,) if isinstance(glossary, Glossary) else glossary


def _rule(match: TermMatch) -> str:
    return (
        f"glossary:{match.glossary}:{match.concept_id}" if match.glossary else f"glossary:{match.concept_id}"
    )


def check_forbidden(
    text: str, matches: Sequence[TermMatch], glossary: Glossary | Sequence[Glossary], *, first_line: int = 1
) -> Iterator[Finding]:
    """Forbidden term: a known wrong rendering is used; replace it with the preferred term.

    >>> from pipeline.glossary.model import Concept, TermEntry
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
        preferred = match.rendering(match.lang) or ""
        line, column = line_col(text, match.start, first_line=first_line)
        yield Finding(
            kind=FindingKind.FORBIDDEN_TERM,
            severity=SEVERITIES[FindingKind.FORBIDDEN_TERM],
            start=match.start,
            end=match.end,
            line=line,
            column=column,
            text=match.text,
            message=f"{match.text!r} is a wrong rendering of {match.concept_id}; write {preferred!r}",
            action="replace",
            language=match.lang,
            replacement=preferred,
            rule=_rule(match),
            details=(("concept", match.concept_id), ("form", "forbidden"), ("matched", match.matched)),
        )


def check_inconsistent(
    text: str, matches: Sequence[TermMatch], glossary: Glossary | Sequence[Glossary], *, first_line: int = 1
) -> Iterator[Finding]:
    """Inconsistent term: one concept is spelled in more than one way in one document.

    Abbreviations next to the full form are fine; a variant next to the preferred term (or two different
    variants) is flagged at every variant occurrence. Flights of a pattern concept count separately.

    >>> from pipeline.glossary.model import Concept, TermEntry
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
            preferred = match.rendering(match.lang) or ""
            line, column = line_col(text, match.start, first_line=first_line)
            flagged.append(
                Finding(
                    kind=FindingKind.INCONSISTENT_TERM,
                    severity=SEVERITIES[FindingKind.INCONSISTENT_TERM],
                    start=match.start,
                    end=match.end,
                    line=line,
                    column=column,
                    text=match.text,
                    message=f"{match.concept_id} is written {len(spellings)} ways in this document ({used}); "
                    f"use {preferred!r} throughout",
                    action="replace",
                    language=match.lang,
                    replacement=preferred,
                    rule=_rule(match),
                    details=(("concept", match.concept_id), ("form", "variant"), ("matched", match.matched)),
                )
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


def validate_glossary(glossary: Glossary) -> list[Finding]:
    """Glossary validation: duplicates, conflicting renderings, empty languages, broken patterns.

    Errors: a string listed twice in one concept and language, one string both allowed and forbidden, an
    empty preferred term, the same term or variant used by two concepts whose English terms differ, a pattern
    concept whose preferred term lacks ``{n}``. Warnings: an abbreviation shared by two concepts, a declared
    language no concept uses.

    Returns:
        Findings in line order (``line`` is the concept's ``[[concept]]`` line).
    """
    out: list[Finding] = []
    owners: dict[tuple[str, str], list[tuple[str, str, int, str]]] = defaultdict(list)
    used_languages: set[str] = set()
    for concept in glossary.concepts:
        english = concept.term("en")
        en_term = english.term if english is not None else ""
        for lang, entry in concept.terms:
            if entry.term.strip():
                used_languages.add(lang)
            else:
                out.append(
                    _invalid(
                        glossary,
                        concept.line,
                        concept.id,
                        f"{concept.id}.{lang} has an empty term; fill it in or remove the language",
                        "empty-term",
                        Severity.ERROR,
                    )
                )
            seen: dict[str, str] = {}
            for form, string in entry.forms():
                key = string.casefold()
                if key in seen:
                    both = seen[key] != "forbidden" and form == "forbidden"
                    out.append(
                        _invalid(
                            glossary,
                            concept.line,
                            concept.id,
                            f"{concept.id}.{lang}: {string!r} is both {seen[key]} and {form}; keep one"
                            if both or seen[key] != form
                            else f"{concept.id}.{lang}: {string!r} is listed twice; remove one",
                            "conflict" if both else "duplicate",
                            Severity.ERROR,
                        )
                    )
                    continue
                seen[key] = form
                if form != "forbidden" and string.strip():
                    owners[(lang, key)].append((concept.id, en_term, concept.line, form))
            if concept.pattern:
                missing = [s for form, s in entry.forms() if form in ("term",) and NUMBER not in s]
                if missing:
                    out.append(
                        _invalid(
                            glossary,
                            concept.line,
                            concept.id,
                            f"{concept.id}.{lang} term {missing[0]!r} "
                            f"lacks {NUMBER} although the concept is a pattern; add {NUMBER} or drop "
                            "pattern = true",
                            "pattern",
                            Severity.ERROR,
                        )
                    )
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
            severity = Severity.WARNING if abbreviation_only else Severity.ERROR
            out.append(
                _invalid(
                    glossary,
                    line,
                    cid,
                    f"{lang} {key!r} belongs to {first[0]} (line {first[2]}, {first[1]!r}) and to {cid} "
                    f"({en_term!r}); give each concept its own term or merge them",
                    "conflicting-rendering",
                    severity,
                )
            )
    for lang in glossary.languages:
        if lang not in used_languages:
            out.append(
                _invalid(
                    glossary,
                    1,
                    lang,
                    f"language {lang!r} is declared but no concept has a term in it; "
                    "add terms or remove it from languages",
                    "empty-language",
                    Severity.WARNING,
                )
            )
    out.sort(key=lambda f: (f.line, f.rule, f.message))
    return out
