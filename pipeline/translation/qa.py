"""Quality checks of translations: pure functions over ``(source, target)`` pairs.

Anchored on Translate Toolkit's ``pofilter`` tests (``numbers``, ``urls``, ``emails``, ``xmltags``,
``variables``, ``untranslated``, ``unchanged``, ``doublewords``, ``doublespacing``, ``brackets``,
``long``/``short``, ``musttranslatewords``/``notranslatewords``), Xbench's QA (inconsistency in source and
in target, tag mismatch, numeric mismatch, key terms) and Okapi CheckMate (target same as source, length,
missing/extra codes, patterns). One check per class, each ``(Pair, context) -> findings``; its docstring's
first line is its title:

========================  ========  ===========================================================
check                     severity  fires when
========================  ========  ===========================================================
``numbers``               error     a number (or date part) of the source is missing in the target
``placeholders``          error     a placeholder or tag of the source is missing, extra, or out of order
``urls``                  error     a URL, e-mail address, @handle or #hashtag is not kept verbatim
``untranslated``          warning   the target equals the source, is still mostly in the source's script
                                    (when the languages' scripts differ), or Glossa's detector reads it as
                                    another language than the target's
``terms``                 error     a required glossary rendering is absent or a forbidden variant present
``inconsistent-target``   warning   one source translated differently within the run
``inconsistent-source``   info      one target given for different sources
``length``                warning   target/source length ratio outside 0.4-2.5 (sources of 20+ chars)
``doubled``               warning   a word twice in a row (``the the``) or a run of spaces in the target
                                    that the source does not have
``brackets``              warning   brackets or quotes unpaired in the target where the source pairs them
========================  ========  ===========================================================
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from pipeline.document import QAFinding, Severity
from pipeline.text.spans import EMAIL, URL

__all__ = ["CHECKS", "Pair", "QAContext", "QAFinding", "check_consistency", "check_pairs"]


@dataclass(frozen=True, slots=True)
class Pair:
    """One translated unit.

    Attributes:
        id: where it is (``file.xlf#u3``, ``doc.md:4:1``).
        source: source text.
        target: target text.
        source_lang: source language (ISO 639-1, may be empty).
        target_lang: target language.
    """

    id: str
    source: str
    target: str
    source_lang: str = ""
    target_lang: str = "en"


@dataclass(frozen=True, slots=True)
class QAContext:
    """What the checks may consult besides the pair.

    Attributes:
        language_of: Glossa's detector: the language of a text, or None when undetermined.
        required: text -> ``(source term, required target rendering, forbidden variants)`` in it.
    """

    language_of: Callable[[str, str], str | None] | None = None
    required: Callable[[str, str, str], Sequence[tuple[str, str, Sequence[str]]]] | None = None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


_PLACEHOLDER = re.compile(r"⟦\d+⟧|</?[A-Za-z][\w-]*\b[^<>]*>|\{\w*\}|%\d*\$?[sd]")


_LINK = re.compile(URL + "|" + EMAIL + r"|(?<![\w&])[@#][^\W_]\w*")


_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)


_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"))


#: Each check's severity: its findings' and its SARIF rule's default level (one table, so they cannot drift).
#: ``alignment`` (:mod:`pipeline.translation.align`): a missing unit is an error, a changed one a warning; its
#: rule takes the higher.
SEVERITY: Mapping[str, Severity] = MappingProxyType(
    {
        "numbers": Severity.ERROR,
        "placeholders": Severity.ERROR,
        "urls": Severity.ERROR,
        "untranslated": Severity.WARNING,
        "terms": Severity.ERROR,
        "length": Severity.WARNING,
        "doubled": Severity.WARNING,
        "brackets": Severity.WARNING,
        "inconsistent-target": Severity.WARNING,
        "inconsistent-source": Severity.INFO,
        "alignment": Severity.ERROR,
    }
)


def _f(check: str, pair: Pair, message: str) -> QAFinding:
    return QAFinding(check, SEVERITY[check], pair.id, pair.source, pair.target, message)


def _digits(text: str) -> list[str]:
    """Numbers with their separators dropped (``1,5`` and ``1.5`` agree; so do ``2 024`` and ``2024``)."""
    return sorted(
        re.sub(r"[.,]", "", n) for n in _NUMBER.findall(re.sub(r"(?<=\d)[\u00a0\u202f ](?=\d{3})", "", text))
    )


def check_numbers(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """Numbers and dates kept."""
    source, target = _digits(pair.source), _digits(pair.target)
    missing = [n for n in source if source.count(n) > target.count(n)]
    if missing:
        yield _f(
            "numbers",
            pair,
            "number(s) missing in the target: " + ", ".join(sorted(set(missing))),
        )


def check_placeholders(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """Placeholders and tags kept, and in order."""
    source, target = _PLACEHOLDER.findall(pair.source), _PLACEHOLDER.findall(pair.target)
    if sorted(source) != sorted(target):
        missing = [c for c in dict.fromkeys(source) if source.count(c) > target.count(c)]
        extra = [c for c in dict.fromkeys(target) if target.count(c) > source.count(c)]
        parts = ([f"missing {' '.join(missing)}"] if missing else []) + (
            [f"extra {' '.join(extra)}"] if extra else []
        )
        yield _f("placeholders", pair, "placeholders/tags differ: " + "; ".join(parts))
    elif source != target:
        tags = [c for c in source if c.startswith("<")]
        if tags != [c for c in target if c.startswith("<")]:
            yield _f("placeholders", pair, "tags out of order: " + " ".join(target))


def check_urls(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """URLs, e-mail addresses and handles kept verbatim."""
    missing = [
        u.rstrip(".,;:!?)") for u in _LINK.findall(pair.source) if u.rstrip(".,;:!?)") not in pair.target
    ]
    if missing:
        yield _f("urls", pair, "not kept verbatim: " + ", ".join(missing))


def _letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def check_untranslated(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """Untranslated: the target equals the source, or reads as another language than the target's."""
    if not _letters(pair.source):
        return
    if pair.target.strip() == pair.source.strip() and pair.source_lang != pair.target_lang:
        yield _f("untranslated", pair, "target equals source")
        return
    if pair.source_lang and _script_share(pair.target, pair.source_lang, pair.target_lang) >= 0.5:
        yield _f("untranslated", pair, f"still mostly in {pair.source_lang}'s script")
        return
    if context.language_of is not None and pair.target.strip():
        found = context.language_of(pair.target, pair.target_lang)
        if found is not None and found != pair.target_lang:
            yield _f("untranslated", pair, f"the target reads as {found}, not {pair.target_lang}")


def _script_share(text: str, source: str, target: str) -> float:
    """The share of ``text``'s letters in ``source``'s script, when ``target`` writes another script."""
    from pipeline.translation.plan import has_script_of, is_letter

    letters = [c for c in text if is_letter(c)]
    if not letters or not has_script_of(text, source, target):
        return 0.0
    return sum(1 for c in letters if has_script_of(c, source, target)) / len(letters)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def check_terms(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """Required terms present, forbidden variants absent."""
    if context.required is None or not pair.source_lang:
        return
    target = _fold(pair.target)
    for source_term, rendering, forbidden in context.required(
        pair.source, pair.source_lang, pair.target_lang
    ):
        if _fold(rendering) not in target:
            yield _f("terms", pair, f"{source_term!r} must be rendered {rendering!r}")
        for bad in forbidden:
            if re.search(r"(?<!\w)" + re.escape(_fold(bad)) + r"(?!\w)", target):
                yield _f("terms", pair, f"forbidden variant {bad!r}; write {rendering!r}")


def check_length(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """Length ratio in range."""
    if len(pair.source) < 20 or not pair.target:
        return
    ratio = len(pair.target) / len(pair.source)
    if not 0.4 <= ratio <= 2.5:
        yield _f("length", pair, f"target is {ratio:.2f}x the source's length (0.4-2.5)")


def check_doubled(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """Doubled words and spaces."""
    for match in _WORD.finditer(pair.target):
        word = match.group(1)
        if not word.isdigit() and not _WORD.search(pair.source):
            yield _f("doubled", pair, f"doubled word {word!r}")
    if "  " in pair.target.strip() and "  " not in pair.source.strip():
        yield _f("doubled", pair, "doubled space")


def _unpaired(text: str) -> list[str]:
    out = [f"{a}{b}" for a, b in _PAIRS if text.count(a) != text.count(b)]
    if text.count('"') % 2:
        out.append('"')
    return out


def check_brackets(pair: Pair, context: QAContext) -> Iterable[QAFinding]:
    """Brackets and quotes paired."""
    bad = [p for p in _unpaired(pair.target) if p not in _unpaired(pair.source)]
    if bad:
        yield _f("brackets", pair, "unpaired in the target: " + " ".join(bad))


CHECKS: tuple[Callable[[Pair, QAContext], Iterable[QAFinding]], ...] = (
    check_numbers,
    check_placeholders,
    check_urls,
    check_untranslated,
    check_terms,
    check_length,
    check_doubled,
    check_brackets,
)


def check_consistency(pairs: Sequence[Pair]) -> list[QAFinding]:
    """The run-wide checks: one source translated differently, one target given for different sources.

    >>> pairs = [Pair("u1", "Пуск", "Launch", "ru"), Pair("u2", "Пуск", "Start", "ru")]
    >>> [f.check for f in check_consistency(pairs)]
    ['inconsistent-target']
    """
    pairs = [p for p in pairs if p.target]
    by_source: dict[tuple[str, str], set[str]] = {}
    by_target: dict[tuple[str, str], set[str]] = {}
    for p in pairs:
        if p.target and p.target != p.source:
            by_source.setdefault((p.source_lang, p.source.strip()), set()).add(p.target.strip())
            by_target.setdefault((p.target_lang, p.target.strip()), set()).add(p.source.strip())
    out: list[QAFinding] = []
    reported: set[tuple[str, str]] = set()
    for p in pairs:
        targets = by_source.get((p.source_lang, p.source.strip()), set())
        if len(targets) > 1 and ("s", p.source.strip()) not in reported:
            reported.add(("s", p.source.strip()))
            others = sorted(targets - {p.target.strip()})
            out.append(_f("inconsistent-target", p, "also translated as " + " | ".join(others)))
        sources = by_target.get((p.target_lang, p.target.strip()), set())
        if len(sources) > 1 and ("t", p.target.strip()) not in reported:
            reported.add(("t", p.target.strip()))
            others = sorted(sources - {p.source.strip()})
            out.append(_f("inconsistent-source", p, "same target for " + " | ".join(others)))
    return out


def check_pairs(
    pairs: Sequence[Pair], context: QAContext | None = None, *, consistency: bool = True
) -> list[QAFinding]:
    """Run every check on every pair, then the run-wide consistency checks (:func:`check_consistency`).

    Args:
        pairs: translated units (empty targets are skipped: nothing to check).
        context: the detector and glossary in force.
        consistency: also run the consistency checks (False: the caller runs them over more pairs).

    Returns:
        Findings in pair order, then consistency findings.

    >>> [f.check for f in check_pairs([Pair("u1", "Запуск в 2024 году.", "Launch in 2042.", "ru")])]
    ['numbers']
    """
    context = context or QAContext()
    out: list[QAFinding] = []
    for pair in pairs:
        if not pair.target:
            continue
        for check in CHECKS:
            out.extend(check(pair, context))
    if consistency:
        out.extend(check_consistency(pairs))
    return out
