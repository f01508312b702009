"""Write pipeline/detection/picker_names.py: the names that language and country pickers list.

Run from the repository root with Babel installed (a dev dependency, pinned in pyproject.toml):

    python tools/make_picker_names.py

The names come from the Unicode CLDR data that Babel ships: every language's name in its own language
(endonyms: "Deutsch", "한국어", "עברית", "українська") and every country's name in English and in each
language of the web phrasebook ("Côte d’Ivoire", "Deutschland", "Україна"). The output is sorted, so the
same Babel gives the same file byte for byte; ``tests/detection/test_chrome.py`` checks it is current.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

OUT = Path("pipeline/detection/picker_names.py")
#: Languages whose country names are listed (the web phrasebook's).
COUNTRY_LANGUAGES = ("en", "ru", "uk", "de", "fr", "es", "pt", "it", "pl", "zh", "ja", "ar")
_NOT_COUNTRIES = ("ZZ", "XA", "XB", "EU", "EZ", "UN", "QO")
MIN_LETTERS = 3  # shorter names ("Ido") are words in too many languages


def _letters(name: str) -> int:
    return sum(c.isalpha() for c in name)


def endonyms() -> list[str]:
    """Each CLDR base language's name in its own language."""
    out: set[str] = set()
    for ident in locale_identifiers():
        if "_" in ident or ident == "root":
            continue
        try:
            locale = Locale.parse(ident)
        except (UnknownLocaleError, ValueError):
            continue
        name = locale.get_display_name(ident)
        if name and _letters(name) >= MIN_LETTERS:
            out.add(name)
    return sorted(out)


def countries() -> list[str]:
    """Country and territory names (two-letter codes: no regions like "Europe") in each listed language."""
    out: set[str] = set()
    for lang in COUNTRY_LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            country = len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
            if country and _letters(name) >= MIN_LETTERS:
                out.add(name)
    return sorted(out)


def render() -> str:
    import babel

    lines = [
        '"""Names that language and country pickers list (by tools/make_picker_names.py: do not edit).',
        "",
        f"Source: Unicode CLDR through Babel {babel.__version__}: language endonyms and country names in",
        "English and the web phrasebook's languages.",
        '"""',
        "",
        "ENDONYMS: tuple[str, ...] = (",
        *(f"    {json.dumps(name, ensure_ascii=False)}," for name in endonyms()),
        ")",
        "",
        "COUNTRIES: tuple[str, ...] = (",
        *(f"    {json.dumps(name, ensure_ascii=False)}," for name in countries()),
        ")",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {OUT}\n")
