"""The one-pass matcher returns exactly what the matcher before it returned (``bench/glossary/baseline.py``).

Every field of every match is compared, in order: on the benchmark's grown glossaries (1,000 and 10,000
concepts) over its text and over generated texts built to hit the edge cases (inflections, case changes,
hyphenated endings, flight numbers, quotes and dashes between words, letters glued on, a chunk boundary), and
on the shipped glossaries over the samples and real news (``/work/shared/data/real-news``, skipped where it
is absent), with and without a language filter.
"""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pipeline.glossary.io import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.glossary.model import NUMBER, Glossary

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "glossary"
SPACE = REPO / "glossaries" / "space.toml"
CHROME = REPO / "glossaries" / "web-chrome.toml"
REAL_NEWS = next(
    (
        root / "data" / "real-news" / "articles.jsonl"
        for root in (REPO.parent / "shared", Path("/work/shared"))
        if (root / "data" / "real-news" / "articles.jsonl").is_file()
    ),
    Path("absent"),
)
FIELDS = ("start", "end", "concept_id", "lang", "text", "form", "matched", "number", "glossary", "renderings")
SEPARATORS = [" ", " ", " ", "  ", "-", "‑", "–", " — ", "\n", ", ", ". ", " «", "» ", '"', "'", "/", "_", ""]


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


baseline = _module("glossary_baseline", BENCH / "baseline.py")
bench = _module("glossary_bench", BENCH / "run.py")


def rows(matches: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(getattr(m, name) for name in FIELDS) for m in matches]


@lru_cache(maxsize=2)
def grown(n: int) -> Glossary:
    return bench.grow(load_glossary(SPACE), n)  # type: ignore[no-any-return]


@lru_cache(maxsize=4)
def matchers(key: tuple[str, ...], n: int = 0, languages: tuple[str, ...] | None = None) -> tuple[Any, Any]:
    glossaries = [grown(n)] if n else [load_glossary(REPO / name) for name in key]
    return TermMatcher(glossaries, languages), baseline.TermMatcher(glossaries, languages)


def _mangle(string: str, rng: random.Random) -> str:
    """A glossary string as a text may have it: number filled, case changed, words inflected or glued."""
    string = string.replace(NUMBER, rng.choice(["7", "07", "19", "123", "1234", "x"]))
    choice = rng.random()
    if choice < 0.15:
        string = string.upper()
    elif choice < 0.3:
        string = string.lower()
    elif choice < 0.4:
        string = string.title()
    words = string.split(" ")
    for i, word in enumerate(words):
        roll = rng.random()
        if roll < 0.15:
            words[i] = word + rng.choice(["е", "ом", "а", "ой", "s", "es", "-ом", "-а", "ing"])
        elif roll < 0.2:
            words[i] = word[:-1]
    return rng.choice(SEPARATORS).join(words) if rng.random() < 0.2 else " ".join(words)


def generated_text(glossary: Glossary, seed: int, pieces: int) -> str:
    """Glossary strings (every form, every language) mangled, between filler words and separators."""
    rng = random.Random(seed)
    strings = [s for c in glossary.concepts for _, e in c.terms for _, s in e.forms() if s]
    filler = ["the", "and", "в", "на", "of", "космос", "Station", "МКС", "ISS", "2024", "—", "«", "»", "x1"]
    out: list[str] = []
    for _ in range(pieces):
        out.append(_mangle(rng.choice(strings), rng) if rng.random() < 0.6 else rng.choice(filler))
        out.append(rng.choice(SEPARATORS))
    return "".join(out)


def assert_same(new: TermMatcher, old: Any, text: str, lang: str | None = None) -> None:
    expected = rows(old.find(text, lang))
    assert expected, "the text should hold matches"
    assert rows(new.find(text, lang)) == expected


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_texts_shipped_glossaries(seed: int) -> None:
    new, old = matchers(("glossaries/space.toml", "glossaries/web-chrome.toml"))
    for glossary in new.glossaries:
        assert_same(new, old, generated_text(glossary, seed, 4_000))


def test_language_filter_and_restricted_matcher() -> None:
    new, old = matchers(("glossaries/space.toml",))
    text = generated_text(new.glossaries[0], 7, 4_000)
    for lang in ("en", "ru", "uk", "ja", "zh", "de"):
        assert rows(new.find(text, lang)) == rows(old.find(text, lang))
    new_en, old_en = matchers(("glossaries/space.toml",), languages=("en", "ru"))
    assert_same(new_en, old_en, text)


def test_chunk_boundaries_and_long_gaps() -> None:
    """Texts over the chunk size (262,144 characters) are cut at the same places; long punctuation runs."""
    new, old = matchers(("glossaries/space.toml",))
    text = bench.text_of(600_000)
    assert_same(new, old, text)
    assert_same(new, old, text[:300_000] + "-" * 50_000 + " МКС " + "." * 40_000)
    assert rows(new.find("." * 10_000)) == rows(old.find("." * 10_000)) == []


@pytest.mark.parametrize("n", [1_000, pytest.param(10_000, marks=pytest.mark.slow)])
def test_bench_glossary(n: int) -> None:
    new, old = matchers((), n)
    assert_same(new, old, bench.text_of(300_000))
    assert_same(new, old, generated_text(grown(n), n, 6_000))


@pytest.mark.skipif(not REAL_NEWS.is_file(), reason="real-news data set not on this machine")
def test_real_news_shipped_glossaries() -> None:
    new, old = matchers(("glossaries/space.toml", "glossaries/web-chrome.toml"))
    with REAL_NEWS.open(encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for _, line in zip(range(120), handle, strict=False)]
    text = "\n\n".join(texts)
    assert_same(new, old, text)
    assert_same(new, old, text, "en")


def test_samples_shipped_glossaries() -> None:
    new, old = matchers(("glossaries/space.toml", "glossaries/web-chrome.toml"))
    for path in sorted((REPO / "samples").iterdir()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert rows(new.find(text)) == rows(old.find(text)), path.name


def test_caches_start_afresh_past_their_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cache limit (here 64 text pairs or tokens) every per-text cache starts afresh, the token
    code tables of each language included, so a long run's memory stays flat; the matches do not change."""
    from pipeline.glossary import match

    glossaries = [load_glossary(SPACE), load_glossary(CHROME)]
    text = generated_text(glossaries[0], 11, 3_000)
    short = "Zyxwvut Qwertz: the ISS and Roscosmos. МКС-ом Роскосмоса, Soyuz MS-07."  # new words
    old = baseline.TermMatcher(glossaries)
    expected, expected_short = rows(old.find(text)), rows(old.find(short))
    monkeypatch.setattr(match, "_CACHE_LIMIT", 64)
    small = TermMatcher(glossaries)
    assert rows(small.find(text)) == expected
    sizes = [len(state.tokens) for state in small._automata.values() if state is not None]
    assert max(sizes) > 64  # one chunk's tokens are all coded, whatever the limit
    assert rows(small.find(short)) == expected_short
    assert rows(small.find(text)) == expected  # with what the passes before left in the caches
    assert rows(small.find(short)) == expected_short
    assert all(len(state.tokens) <= 64 for state in small._automata.values() if state is not None)
