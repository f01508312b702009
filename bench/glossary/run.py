"""Benchmark the glossary matcher: throughput and memory by glossary size, and Russian inflection recall.

Usage::

    .venv/bin/python bench/glossary/run.py            # 100/1,000/10,000 concepts over 1 and 10 MB, + recall
    .venv/bin/python bench/glossary/run.py --quick    # 0.25 and 1 MB (a few minutes)
    .venv/bin/python bench/glossary/run.py --json     # machine-readable results
    .venv/bin/python bench/glossary/run.py --no-baseline   # skip the old matcher (no ratio)

Throughput: the large glossaries are generated from the shipped space glossary by pattern (every concept
copied with a made-up suffix word per language, ``Roscosmos`` -> ``Roscosmos Kavulo``), so they have the real
languages, lengths and inflection work. The text is the repository's sample articles (English with Russian,
Ukrainian, Chinese... fragments) plus Russian sentences, repeated to size. Each glossary size runs in its own
process so the peak resident memory (ru_maxrss) belongs to that size alone. The matcher before the one-pass
rewrite (``baseline.py``, main at 6daf096) runs the same workload in a process of its own right after, so
``x`` is the ratio of the two throughputs measured in the same run (the machine is shared: compare ratios).

Recall: 30 Russian terms of the space glossary, every case form in the singular (and the plural for common
nouns) generated with pymorphy3's ``inflect``, one per sentence; a form counts as found when a match covers
exactly its span with the right concept. The baseline is plain exact matching (is a glossary string a
substring of the form), measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pipeline.glossary.io import load_glossary  # noqa: E402
from pipeline.glossary.match import TermMatcher  # noqa: E402
from pipeline.glossary.model import Concept, Glossary, TermEntry  # noqa: E402

SPACE = REPO / "glossaries" / "space.toml"
SIZES = (100, 1_000, 10_000)
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_LAT = ["ka", "vu", "lo", "mi", "ne", "ro", "sa", "ti", "do", "pe", "zu", "ga"]
_CYR = ["ка", "ву", "ло", "ми", "не", "ро", "са", "ти", "до", "пе", "зу", "га"]


def _word(i: int, syllables: list[str]) -> str:
    out = ""
    n = i + 1
    while n:
        n, r = divmod(n, len(syllables))
        out += syllables[r]
    return out[:1].upper() + out[1:] + syllables[i % len(syllables)]


def _suffix(lang: str, i: int) -> str:
    if lang in ("ru", "uk"):
        return _word(i, _CYR)
    if lang in ("ja", "zh"):
        return chr(0x4E00 + (i * 7919) % 20000) + chr(0x4E00 + (i * 104729) % 20000)
    return _word(i, _LAT)


def grow(base: Glossary, n: int) -> Glossary:
    """A glossary of ``n`` concepts: the real ones, then copies with a made-up word appended per language."""
    plain = [c for c in base.concepts if not c.pattern]
    concepts: list[Concept] = list(base.concepts[:n])
    i = 0
    while len(concepts) < n:
        c = plain[i % len(plain)]
        terms = []
        for lang, e in c.terms:
            add = " " + _suffix(lang, i) if lang not in ("ja", "zh") else _suffix(lang, i)
            entry = TermEntry(
                e.term + add, tuple(v + add for v in e.variants), tuple(f + add for f in e.forbidden)
            )
            terms.append((lang, replace(entry, case=e.case)))
        concepts.append(replace(c, id=f"{c.id}-x{i}", terms=tuple(terms)))
        i += 1
    return replace(base, concepts=tuple(concepts))


def corpus() -> str:
    parts = []
    for path in sorted((REPO / "samples").iterdir()):
        if path.suffix in (".txt", ".md", ".html", ".jsonl"):
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    parts.append(
        "Экипаж «Союза МС-07» прибыл на МКС, сообщили в Роскосмосе. Ракета-носитель стартовала с Байконура.\n"
        "Грузовой корабль «Прогресс МС-18» пристыковался к Международной космической станции.\n"
    )
    return "\n".join(parts)


def text_of(size: int) -> str:
    base = corpus()
    text = base * (size // len(base) + 1)
    return text[: text.rfind(" ", 0, size) + 1]


def real_news(path: Path) -> str:
    """The ``text`` of every record of the real-news file, in order, as one text (blank lines between)."""
    with path.open(encoding="utf-8") as handle:
        return "\n\n".join(str(json.loads(line).get("text", "")) for line in handle if line.strip())


def _fields(m: Any) -> tuple[object, ...]:
    return (m.start, m.end, m.concept_id, m.lang, m.form, m.matched, m.number)


def _run(matcher: Any, text: str) -> dict[str, object]:
    t0 = time.perf_counter()
    found = matcher.find(text)
    seconds = time.perf_counter() - t0
    return {
        "bytes": len(text.encode("utf-8")),
        "chars": len(text),
        "seconds": round(seconds, 3),
        "mb_per_s": round(len(text.encode("utf-8")) / 1e6 / seconds, 2),
        "matches": len(found),
        "digest": hashlib.sha256(repr([_fields(m) for m in found]).encode()).hexdigest()[:16],
    }


def worker(n: int, sizes: list[int], old: bool = False, real: Path | None = None) -> dict[str, object]:
    base = load_glossary(SPACE)
    glossary = grow(base, n)
    if old:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from baseline import TermMatcher as Matcher  # the old matcher, measured alike
    else:
        Matcher = TermMatcher
    t0 = time.perf_counter()
    matcher = Matcher([glossary])
    matcher.prepare()  # every language's automaton, which find() would otherwise build on first use
    build = time.perf_counter() - t0
    # real news first, in one pass: nearly every word is new to the matcher, as in a user's first run
    news = _run(matcher, real_news(real)) if real is not None else None
    rows = []
    for size in sizes:
        text = text_of(size)
        matcher.find(text[:20_000])  # warm the per-token caches on a small slice, as a long run would
        rows.append(_run(matcher, text))
    return {
        "real_news": news,
        "concepts": n,
        "strings": sum(len(e.forms()) for c in glossary.concepts for _, e in c.terms),
        "build_s": round(build, 3),
        "runs": rows,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _run_worker(n: int, sizes: list[int], old: bool, real: Path | None) -> dict[str, object]:
    flag = ["--old"] if old else []
    flag += ["--real", str(real)] if real is not None else []
    proc = subprocess.run(
        [sys.executable, __file__, *flag, "--worker", str(n), *map(str, sizes)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def throughput(sizes: list[int], baseline: bool = True, real: Path | None = None) -> list[dict[str, object]]:
    out = []
    for n in SIZES:
        row = _run_worker(n, sizes, old=False, real=real)
        if baseline:
            row["old"] = _run_worker(n, sizes, old=True, real=real)
        out.append(row)
    return out


def _inflect_phrase(phrase: str, case: str, number: str, morph: object) -> str | None:
    words = phrase.split(" ")
    out = []
    for word in words:
        parses = morph.parse(word)  # type: ignore[attr-defined]
        parse = next((p for p in parses if "nomn" in p.tag and p.tag.POS in ("NOUN", "ADJF")), None)
        if parse is None:
            out.append(word)
            continue
        form = parse.inflect({case, number})
        if form is None:
            return None
        new = form.word
        if word[:1].isupper():
            new = new[:1].upper() + new[1:]
        if word.isupper():
            new = new.upper()
        out.append(new)
    return " ".join(out)


def recall_terms(glossary: Glossary, count: int = 30) -> list[tuple[str, str, list[str]]]:
    """``(concept id, term, forms)`` for the first ``count`` inflectable Russian terms."""
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer(lang="ru")
    chosen = []
    for concept in glossary.concepts:
        entry = concept.term("ru")
        if entry is None or concept.pattern or not entry.term or entry.term.isupper():
            continue
        if not all(ch.isalpha() or ch in " -" for ch in entry.term) or len(entry.term.split()) > 3:
            continue
        letters = entry.term.replace(" ", "").replace("-", "").replace("ё", "е")
        if any(ch.lower() < "а" or ch.lower() > "я" for ch in letters):
            continue  # Russian letters only
        if any(ch.isupper() for word in entry.term.split() for ch in word[1:]):
            continue  # mixed-case words (ЦНИИмаш) are abbreviations, not inflected as words
        numbers = ["plur", "sing"][entry.term != entry.term.lower() :]  # no plural of names
        forms: list[str] = []
        for number in numbers:
            for case in CASES:
                form = _inflect_phrase(entry.term, case, number, morph)
                if form and form not in forms:
                    forms.append(form)
        if len(forms) >= 4:
            chosen.append((concept.id, entry.term, forms))
        if len(chosen) == count:
            break
    return chosen


def recall(glossary: Glossary) -> dict[str, object]:
    terms = recall_terms(glossary)
    sentences: list[str] = []
    spans: list[tuple[int, int, str, str, bool]] = []
    pos = 0
    for cid, term, forms in terms:
        for form in forms:
            sentence = f"По сообщению агентства, {form} упоминается в отчёте.\n"
            start = pos + sentence.index(form)
            spans.append((start, start + len(form), cid, form, form != term))
            sentences.append(sentence)
            pos += len(sentence)
    text = "".join(sentences)
    matcher = TermMatcher([glossary], languages=("ru",))
    matcher.prepare()
    t0 = time.perf_counter()
    found = {(m.start, m.end, m.concept_id) for m in matcher.find(text)}
    seconds = time.perf_counter() - t0
    strings = {
        c.id: [s for _, s in e.forms() if s] for c in glossary.concepts if (e := c.term("ru")) is not None
    }
    ours = [(s, e, cid) in found for s, e, cid, _, _ in spans]
    exact = [any(x in form for x in strings[cid]) for _, _, cid, form, _ in spans]
    inflected = [i for i, span in enumerate(spans) if span[4]]
    missed = [spans[i][3] for i, ok in enumerate(ours) if not ok]
    return {
        "terms": len(terms),
        "occurrences": len(spans),
        "inflected_occurrences": len(inflected),
        "recall_all": round(sum(ours) / len(ours), 4),
        "recall_inflected": round(sum(ours[i] for i in inflected) / len(inflected), 4),
        "exact_recall_all": round(sum(exact) / len(exact), 4),
        "exact_recall_inflected": round(sum(exact[i] for i in inflected) / len(inflected), 4),
        "seconds": round(seconds, 3),
        "missed": missed,
        "sample": [(cid, forms[:6]) for cid, _, forms in terms[:3]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="0.25 and 1 MB instead of 1 and 10 MB")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--no-baseline", action="store_true", help="do not run the old matcher (no ratio)")
    parser.add_argument("--worker", nargs="+", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--old", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--data", type=Path, default=REPO.parent / "shared" / "data", help="shared data folder"
    )
    parser.add_argument("--real", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], args.worker[1:], old=args.old, real=args.real)))
        return
    news = args.data / "real-news" / "articles.jsonl"
    real = news if news.is_file() else None
    sizes = [250_000, 1_000_000] if args.quick else [1_000_000, 10_000_000]
    t0 = time.perf_counter()
    results = {
        "throughput": throughput(sizes, baseline=not args.no_baseline, real=real),
        "recall": recall(load_glossary(SPACE)),
    }
    results["total_s"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    print(
        f"{'concepts':>9} {'strings':>8} {'build s':>8} {'MB':>6} {'find s':>7} {'MB/s':>6} {'matches':>8} "
        f"{'peak RSS MB':>11} | {'old build s':>11} {'old MB/s':>8} {'old RSS MB':>10} {'x':>5} {'same':>5}"
    )
    for row in results["throughput"]:
        old = row.get("old")
        news = (
            [("real news, first pass", row["real_news"], old and old["real_news"])]
            if row["real_news"]
            else []
        )
        synthetic = [("", run, old and old["runs"][i]) for i, run in enumerate(row["runs"])]
        for label, run, was in news + synthetic:
            line = (
                f"{row['concepts']:>9} {row['strings']:>8} {row['build_s']:>8} {run['bytes'] / 1e6:>6.2f} "
                f"{run['seconds']:>7} {run['mb_per_s']:>6} {run['matches']:>8} {row['peak_rss_mb']:>11}"
            )
            if was:
                line += (
                    f" | {old['build_s']:>11} {was['mb_per_s']:>8} {old['peak_rss_mb']:>10} "
                    f"{run['mb_per_s'] / was['mb_per_s']:>5.1f} {str(run['digest'] == was['digest']):>5}"
                )
            print(line + (f"  ({label})" if label else ""))
    r = results["recall"]
    print(
        f"\nRussian inflection recall: {r['terms']} terms, {r['occurrences']} forms "
        f"({r['inflected_occurrences']} inflected)"
    )
    print(f"  glossa matcher: all {r['recall_all']:.1%}, inflected {r['recall_inflected']:.1%}")
    print(f"  exact matching: all {r['exact_recall_all']:.1%}, inflected {r['exact_recall_inflected']:.1%}")
    if r["missed"]:
        print(f"  missed: {', '.join(r['missed'])}")
    print(f"\ntotal {results['total_s']} s")


if __name__ == "__main__":
    main()
