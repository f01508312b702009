"""Audit real English news articles and score the foreign-text findings against hand verdicts.

Usage::

    python bench/real/run.py [--data ../shared/data/real-news/articles.jsonl] [--limit N]
    python bench/real/run.py --measure          # also MB/s and peak memory in a fresh subprocess

Data: ``../shared/data/real-news/articles.jsonl`` (1,500 articles of the Article-Bias-Prediction dataset;
see its README). The texts are never copied into the project: ``verdicts.tsv`` beside this script keeps only
article ids, code-point offsets into the article's ``text``, a verdict and a short reason.

Outputs (git-ignored) under ``bench/results/real/``: ``findings.jsonl`` (every finding, with 120 characters
of context either side) and ``unjudged.tsv`` (foreign-text findings that have no verdict yet, in the
verdict layout, with their text and context for review).

Scoring: of the ``foreign-text`` warnings, ``stray`` ones are right, ``not-stray`` ones wrong and
``borderline`` ones are counted both ways (precision is printed as a range). Every passage judged ``stray``
(under any kind) must still be reported as ``foreign-text``: one that is not is a lost stray passage.
``foreign-intended`` findings (info) are listed by reason; a verdict of ``stray`` on one of them counts as a
lost stray passage too.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "real-news" / "articles.jsonl"  # the shared/ beside the checkout
VERDICTS = Path(__file__).with_name("verdicts.tsv")
RESULTS = ROOT / "bench" / "results" / "real"
CONTEXT = 120
BINS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.01)


@dataclass(frozen=True)
class Verdict:
    article: str
    start: int
    end: int
    verdict: str
    reason: str


def load_articles(path: Path, limit: int | None) -> list[tuple[str, str]]:
    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            out.append((str(record["id"]), str(record.get("text") or "")))
            if limit is not None and len(out) >= limit:
                break
    return out


def load_verdicts(path: Path) -> dict[tuple[str, int, int], Verdict]:
    found: dict[tuple[str, int, int], Verdict] = {}
    if not path.is_file():
        return found
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("article\t"):
            continue
        parts = line.split("\t")
        if len(parts) < 4 or parts[3] not in ("stray", "borderline", "not-stray"):
            raise SystemExit(f"{path}:{n}: expected article<TAB>start<TAB>end<TAB>verdict<TAB>reason")
        v = Verdict(parts[0], int(parts[1]), int(parts[2]), parts[3], parts[4] if len(parts) > 4 else "")
        found[(v.article, v.start, v.end)] = v
    return found


def match(
    verdicts: dict[tuple[str, int, int], Verdict], article: str, start: int, end: int
) -> Verdict | None:
    """The verdict of this span: exact offsets, else the judged span of the article it overlaps most (>= 50%)."""  # noqa: E501
    exact = verdicts.get((article, start, end))
    if exact is not None:
        return exact
    best, best_overlap = None, 0
    for (a, s, e), v in verdicts.items():
        if a != article:
            continue
        overlap = min(e, end) - max(s, start)
        if overlap > best_overlap and overlap * 2 >= min(e - s, end - start):
            best, best_overlap = v, overlap
    return best


def audit(articles: list[tuple[str, str]]) -> tuple[list[tuple[str, object]], float]:
    from pipeline.app.audit import AuditRequest, build_finder
    from pipeline.config import shipped_glossaries
    from pipeline.document import DocFormat
    from pipeline.formats import read_string

    finder = build_finder(
        AuditRequest(
            expected_language="en",
            min_chars=3,
            min_confidence=0.5,
            glossaries=shipped_glossaries(),
            jsonl_field="text",
        )
    )
    out: list[tuple[str, object]] = []
    started = time.process_time()
    for article, text in articles:
        doc = read_string(text, DocFormat.TEXT, source=article)
        for finding in finder.find(doc):
            out.append((article, finding))
    return out, time.process_time() - started


def measure(data: Path, limit: int | None) -> None:
    """Speed and memory of the audit alone, in a fresh subprocess (after a warm-up article)."""
    code = f"""
import resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
sys.argv = ['x']
from bench.real.run import load_articles, audit
articles = load_articles(__import__('pathlib').Path({str(data)!r}), {limit!r})
audit(articles[:3])
findings, cpu = audit(articles)
size = sum(len(t.encode('utf-8')) for _, t in articles)
print(size / cpu / 1e6, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    mbs, peak = result.stdout.split()
    print(f"speed: {float(mbs):.2f} MB/s (CPU time, one core); peak memory {float(peak):.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--verdicts", type=Path, default=VERDICTS)
    parser.add_argument("--measure", action="store_true", help="also MB/s and peak memory (subprocess)")
    args = parser.parse_args()
    if not args.data.is_file():
        raise SystemExit(f"{args.data}: not found; pass --data PATH to the real-news articles.jsonl")
    articles = load_articles(args.data, args.limit)
    texts = dict(articles)
    verdicts = load_verdicts(args.verdicts)
    findings, cpu = audit(articles)
    RESULTS.mkdir(parents=True, exist_ok=True)
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    tally: Counter[str] = Counter()
    reported_stray: set[tuple[str, int, int]] = set()
    unjudged: list[str] = []
    reliability: list[tuple[float, str]] = []
    with (RESULTS / "findings.jsonl").open("w", encoding="utf-8") as out:
        for article, f in findings:
            text = texts[article]
            kind = f.kind.value  # type: ignore[attr-defined]
            kinds[kind] += 1
            start, end = f.start, f.end  # type: ignore[attr-defined]
            v = match(verdicts, article, start, end) if kind in ("foreign-text", "foreign-intended") else None
            reason = dict(f.details).get("reason", "") if kind == "foreign-intended" else ""  # type: ignore[attr-defined]
            record = {
                "article": article,
                "kind": kind,
                "start": start,
                "end": end,
                "language": f.language,  # type: ignore[attr-defined]
                "confidence": f.confidence,  # type: ignore[attr-defined]
                "rule": f.rule,  # type: ignore[attr-defined]
                "reason": reason,
                "text": text[start:end],
                "before": text[max(0, start - CONTEXT) : start],
                "after": text[end : end + CONTEXT],
                "verdict": v.verdict if v else None,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if kind == "foreign-intended":
                reasons[reason] += 1
                if v is not None and v.verdict == "stray":
                    tally["intended-but-stray"] += 1
            if kind != "foreign-text":
                continue
            if v is None:
                tally["unjudged"] += 1
                ctx = text[max(0, start - 80) : start] + "[[" + text[start:end] + "]]" + text[end : end + 80]
                unjudged.append(
                    f"{article}\t{start}\t{end}\t?\t{f.language}\t{ctx.replace(chr(10), ' ⏎ ').replace(chr(9), ' ')}"  # noqa: E501
                )  # type: ignore[attr-defined]
                continue
            tally[v.verdict] += 1
            if v.verdict == "stray":
                reported_stray.add((v.article, v.start, v.end))
            reliability.append((float(f.confidence or 0.0), v.verdict))  # type: ignore[attr-defined]
    (RESULTS / "unjudged.tsv").write_text("".join(line + "\n" for line in unjudged), encoding="utf-8")
    stray_judged = {k for k, v in verdicts.items() if v.verdict == "stray"}
    lost = sorted(stray_judged - reported_stray)
    n = len(articles)
    warnings = sum(tally[k] for k in ("stray", "borderline", "not-stray", "unjudged"))
    print(f"articles: {n}  ({sum(len(t) for _, t in articles) / 1e6:.1f} M characters)")
    print("findings by kind: " + ", ".join(f"{k} {c}" for k, c in sorted(kinds.items())))
    if reasons:
        print("foreign-intended by reason: " + ", ".join(f"{k} {c}" for k, c in sorted(reasons.items())))
    print(
        f"foreign-text warnings: {warnings} (stray {tally['stray']}, borderline {tally['borderline']}, "
        f"not-stray {tally['not-stray']}, unjudged {tally['unjudged']})"
    )
    judged = tally["stray"] + tally["borderline"] + tally["not-stray"]
    if judged:
        low = tally["stray"] / judged
        high = (tally["stray"] + tally["borderline"]) / judged
        print(f"precision: {low:.3f} (borderline wrong) .. {high:.3f} (borderline right)")
        bad = tally["not-stray"] + tally["unjudged"]
        print(
            f"non-stray foreign-text warnings per 100 articles: {100 * bad / n:.2f}"
            f" (with borderline: {100 * (bad + tally['borderline']) / n:.2f})"
        )
    print(
        f"stray passages judged: {len(stray_judged)}, still reported as foreign-text: "
        f"{len(stray_judged) - len(lost)}" + (f"; LOST: {lost}" if lost else "")
    )
    if tally["intended-but-stray"]:
        print(f"stray passages reported only as foreign-intended: {tally['intended-but-stray']}")
    if reliability:
        print("reliability of foreign-text confidence (borderline counted as half right):")
        print("  bin           n   right")
        for lo, hi in zip(BINS, BINS[1:], strict=False):
            inside = [v for c, v in reliability if lo <= c < hi]
            if inside:
                right = sum(1.0 if v == "stray" else 0.5 if v == "borderline" else 0.0 for v in inside)
                print(f"  [{lo:.2f},{min(hi, 1.0):.2f}) {len(inside):4d}   {right / len(inside):.2f}")
    size = sum(len(t.encode("utf-8")) for _, t in articles)
    print(f"in-process: {size / cpu / 1e6:.2f} MB/s CPU; results in {RESULTS.relative_to(ROOT)}/")
    if args.measure:
        measure(args.data, args.limit)


if __name__ == "__main__":
    main()
