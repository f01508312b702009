"""One audit worker's memory as the vocabulary it meets keeps growing: the per-word caches at their limit.

    python bench/scale/caches.py [--words 2500000] [--json OUT]

The generated files of ``run.py`` repeat the real-news records, so after the first copy a worker meets no new
word and its caches stop growing: they cannot show what an archive whose vocabulary keeps growing does (about
50,000 distinct words in the 9.5 MB real-news file; Heaps' law puts a 1 GB archive at several hundred
thousand). This feeds a worker's finder (built as ``glossa audit`` builds it, English expected) distinct real
words, those of wordfreq's lists of ten languages (2.7 million), the way a block and a sentence of new words
reach it: the cheap path's bound of each word, then its evidence. It prints the process's resident memory
(VmRSS) every ``--step`` words against the same process once the finder has loaded everything it loads
lazily (word lists, n-gram profiles): the baseline of this run. ``--limit`` runs it with another cache
limit (500,000 was the limit before 2026-12-04).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pipeline.app.audit import AuditRequest, build_finder  # noqa: E402
from pipeline.config import shipped_glossaries  # noqa: E402
from pipeline.detection import lexicon  # noqa: E402
from pipeline.detection.lexicon import WORD_CACHE_LIMIT, _table, _word_lists  # noqa: E402

LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "pl", "sv", "cs")


def rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def words(count: int) -> list[str]:
    """``count`` distinct alphabetic words of wordfreq's lists, the most frequent first, list by list."""
    out: list[str] = []
    seen: set[str] = set()
    for lang in LANGUAGES:
        for word in _table(lang, big=("large", lang) in _word_lists()):
            if word.isalpha() and word not in seen:
                seen.add(word)
                out.append(word)
                if len(out) == count:
                    return out
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=2_500_000)
    parser.add_argument("--step", type=int, default=250_000)
    parser.add_argument("--limit", type=int, default=WORD_CACHE_LIMIT, help="the caches' limit (words)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    lexicon.WORD_CACHE_LIMIT = args.limit  # every per-word cache reads it there
    vocabulary = words(args.words)
    _table.cache_clear()  # the finder loads the lists it reads itself
    finder = build_finder(AuditRequest("en", 3, 0.5, shipped_glossaries(), "text"))
    blocks = finder._quiet_blocks()
    for word in ("warm", "zzqxjkwvb", "straße-haus", "l'homme"):  # load the lists and n-gram profiles
        blocks.below([word])
        finder._evidence(word)
    gc.collect()
    base = rss_mb()
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    for i, word in enumerate(vocabulary, 1):
        blocks.below([word])
        finder._evidence(word)
        if i % args.step == 0 or i == len(vocabulary):
            now = rss_mb()
            rows.append(
                {
                    "words": i,
                    "rss_mb": now,
                    "over_base_mb": now - base,
                    "seconds": round(time.perf_counter() - start, 1),
                    "cached": {"bounds": len(blocks._rough), "tops": len(finder._tops)},
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    summary = {
        "limit": args.limit,
        "words": len(vocabulary),
        "base_mb": base,
        "largest_over_base_mb": max(r["over_base_mb"] for r in rows),
        "peak_mb": peak,
        "rows": rows,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "rows"}))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
