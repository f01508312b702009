"""Grid-search the detector's costs on the tuning seed (1) only; report with run.py on seed 2.

Usage: python bench/detect/tune.py [--quick]
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import run  # noqa: E402

from pipeline.detection import stray  # noqa: E402

GRID = {
    "ENTER_COST": (3.0, 4.0, 5.0),
    "LEAVE_COST": (1.5, 2.5),
    "WEIGHT_COMMON": (0.35, 0.5),
    "WEIGHT_KNOWN": (0.6, 0.8),
    "CAPITAL_DAMP": (0.3, 0.6),
}


def main() -> None:
    n_docs = 40 if "--quick" in sys.argv else 160
    docs, clean = run.build(1, run.DEFAULT_DATA, n_docs)
    texts = [d.text for d in docs] + ["\n".join(clean)]
    rows = []
    for values in itertools.product(*GRID.values()):
        for name, value in zip(GRID, values, strict=True):
            setattr(stray, name, value)
        preds, _ = run.predict("glossa", texts, 0.5)
        result = run.score(docs, preds[:-1])
        rows.append((result["f1"], -len(preds[-1]), result["precision"], result["recall"], values))
    rows.sort(reverse=True)
    print(" ".join(GRID), "-> f1, -false alarms, precision, recall")
    for row in rows[:12]:
        print(row[4], row[:4])


if __name__ == "__main__":
    main()
