"""English site chrome on real news: how many articles carrying widgets get their chrome tagged.

    python bench/real/chrome.py [--data ../shared/data/real-news/articles.jsonl] [--json OUT] [--review FILE]

Ground truth: ``bench/real/chrome-truth.tsv``, one row per widget found by reading the 1,500 articles of
``../shared/data/real-news/`` (document id, widget class, offsets of the widget's first words in the
article's ``text``; never the text itself). An article's widget counts as tagged when a ``ui-chrome``
finding overlaps it. The figures:

* ``articles_tagged``: articles with at least one widget of the table's classes whose widgets are all tagged,
  over those articles (target >= 0.9); ``widgets_tagged`` the same per widget, and per class;
* ``chrome_in_quotes``: ``ui-chrome`` findings inside quoted speech (target 0);
* ``chrome_elsewhere``: ``ui-chrome`` findings that touch no widget of the table: read them with
  ``--review`` (each with its context);
* speed: MB/s of UTF-8 over the CPU time of ``StrayFinder.find`` on the whole file, in a fresh process, for
  the audit as shipped and, as the baseline measured in the same run, the same audit with chrome matched as
  whole segments only (as before chrome spans); peak RSS of each process (the whole file is one document).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "real-news" / "articles.jsonl"
if not DEFAULT_DATA.exists():
    DEFAULT_DATA = Path("/work/shared/data/real-news/articles.jsonl")
TRUTH = Path(__file__).with_name("chrome-truth.tsv")


def _finder(spans: bool):  # type: ignore[no-untyped-def]
    """The audit as ``glossa audit`` builds it; without ``spans``, chrome is whole segments only."""
    sys.path.insert(0, str(ROOT))
    from pipeline.app.audit import AuditRequest, build_finder, interface_strings
    from pipeline.config import shipped_glossaries
    from pipeline.detection.chrome import ChromeIndex
    from pipeline.glossary.io import load_glossary
    from pipeline.glossary.match import chrome_phrases

    request = AuditRequest(
        expected_language="en",
        min_chars=3,
        min_confidence=0.5,
        glossaries=shipped_glossaries(),
        jsonl_field="text",
    )
    finder = build_finder(request)
    if not spans:
        glossaries = [load_glossary(path) for path in request.glossaries]
        phrases = [p for g in glossaries for p in chrome_phrases(interface_strings(g))]
        finder.chrome = ChromeIndex.from_phrases(phrases, pickers=False, spans=False)
    return finder


def worker(data: Path, chrome: bool) -> None:
    """Audit the file in this process; print findings (chrome only) and figures as JSON."""
    sys.path.insert(0, str(ROOT))
    from pipeline.document import FindingKind
    from pipeline.formats import read_path

    doc = read_path(data, field="text")
    finder = _finder(chrome)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    findings = finder.find(doc)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    size = sum(len(u.text.encode("utf-8")) for u in doc.units)
    ids = [json.loads(line)["id"] for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    chrome_found = [
        {"id": ids[f.record - 1], "start": f.start, "end": f.end, "rule": f.rule, "text": f.text}
        for f in findings
        if f.kind is FindingKind.UI_CHROME and f.record is not None
    ]
    kinds = Counter(f.kind.value for f in findings)
    print(
        json.dumps(
            {
                "chrome": chrome_found,
                "by_kind": dict(kinds),
                "throughput_mb_s": round(size / cpu / 1e6, 4),
                "wall_throughput_mb_s": round(size / wall / 1e6, 4),
                "cpu_seconds": round(cpu, 2),
                "megabytes": round(size / 1e6, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def _run(data: Path, chrome: bool) -> dict:  # type: ignore[type-arg]
    cmd = [sys.executable, __file__, "--worker", "spans" if chrome else "segments", "--data", str(data)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)


def load_truth(path: Path) -> list[tuple[str, str, int, int]]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            if row and row[0] != "id":
                rows.append((row[0], row[1], int(row[2]), int(row[3])))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--truth", type=Path, default=TRUTH)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--review", type=Path, help="write every chrome finding with its context here")
    parser.add_argument("--worker", choices=("spans", "segments"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.data, args.worker == "spans")
        return 0
    sys.path.insert(0, str(ROOT))
    from pipeline.detection.chrome import quoted_ranges

    texts = {}
    for line in args.data.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            texts[record["id"]] = record["text"]
    baseline = _run(args.data, chrome=False)
    shipped = _run(args.data, chrome=True)
    truth = load_truth(args.truth)
    found = defaultdict(list)
    for f in shipped["chrome"]:
        found[f["id"]].append((f["start"], f["end"]))
    per_class: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_article: dict[str, bool] = {}
    touched: set[tuple[str, int, int]] = set()
    for doc_id, cls, start, end in truth:
        hit = [(s, e) for s, e in found[doc_id] if s < end and start < e]
        touched.update((doc_id, s, e) for s, e in hit)
        per_class[cls][1] += 1
        per_class[cls][0] += bool(hit)
        per_article[doc_id] = per_article.get(doc_id, True) and bool(hit)
    in_quotes = []
    elsewhere = []
    for f in shipped["chrome"]:
        text = texts[f["id"]]
        if any(a <= f["start"] and f["end"] <= b for a, b in quoted_ranges(text)):
            in_quotes.append(f)
        if (f["id"], f["start"], f["end"]) not in touched:
            elsewhere.append(f)
    widgets = sum(v[1] for v in per_class.values())
    result = {
        "articles": len(texts),
        "articles_with_widgets": len(per_article),
        "articles_tagged": round(sum(per_article.values()) / max(1, len(per_article)), 4),
        "widgets": widgets,
        "widgets_tagged": round(sum(v[0] for v in per_class.values()) / max(1, widgets), 4),
        "per_class": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_class.items())},
        "chrome_findings": len(shipped["chrome"]),
        "chrome_in_quotes": len(in_quotes),
        "chrome_elsewhere": len(elsewhere),
        "throughput_mb_s": shipped["throughput_mb_s"],
        "baseline_throughput_mb_s": baseline["throughput_mb_s"],
        "speed_ratio": round(shipped["throughput_mb_s"] / baseline["throughput_mb_s"], 3),
        "peak_rss_mb": shipped["peak_rss_mb"],
        "baseline_peak_rss_mb": baseline["peak_rss_mb"],
        "by_kind": shipped["by_kind"],
        "baseline_by_kind": baseline["by_kind"],
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.review:
        with args.review.open("w", encoding="utf-8") as out:
            for f in shipped["chrome"]:
                text = texts[f["id"]]
                mark = "TRUTH" if (f["id"], f["start"], f["end"]) in touched else "OTHER"
                left = text[max(0, f["start"] - 60) : f["start"]].replace("\n", "⏎")
                right = text[f["end"] : f["end"] + 60].replace("\n", "⏎")
                out.write(f"{mark}\t{f['id']}\t{f['start']}\t{f['end']}\t{left}[[{f['text']}]]{right}\n")
            for doc_id, cls, start, end in truth:
                if not any(s < end and start < e for s, e in found[doc_id]):
                    out.write(f"MISS\t{doc_id}\t{start}\t{end}\t{cls}\t{texts[doc_id][start : end + 60]!r}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
