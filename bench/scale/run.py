"""Corpora at scale: sharded ``glossa audit`` throughput, scaling, resume overhead and memory a worker.

    python bench/scale/run.py [--data /work/shared/data] [--quick] [--big-mb 1024] [--json OUT]

Rows, each measured in this run (ratios only compare figures of the same run):

* ``langdetect-sentence``: the baseline, langdetect on every sentence (bench/detect's code) over the first
  ``--baseline-docs`` real-news articles: documents and MB a second of CPU;
* ``glossa 1 worker`` / ``glossa 2 workers``: ``glossa audit --format json`` on the real-news file
  (``real-news/articles.jsonl``, 9.5 MB) in a fresh process, wall time; documents and MB a second a core; the
  2-worker speed-up over 1 worker (target >= 1.6) and whether both reports are byte-identical;
* ``startup``: ``glossa audit`` of one record: the fixed part of every run (imports, word lists, glossaries,
  chrome index); the 1-worker row's ``steady_*`` rates leave it out (the rate a core keeps up on a corpus
  much larger than the file), and ``glossa_steady_over_langdetect`` compares that rate with the baseline;
* ``scaling_corpus`` / ``resume_corpus``: the same two rows on a generated corpus of ``--corpus-copies``
  (default 5) real-news files (new ids; 47.5 MB), where the fixed part weighs a fifth as much;
* ``warm``: the corpus's later copies alone (its 1-worker time less the file's): one core where every word
  is already known, start-up paid, so the ceiling of any speed-up of the per-word work;
* ``ray``: hook for the Ray executor (:func:`ray_rows`), same file, same comparison;
* ``resume``: a 2-worker run with ``--checkpoint`` killed (SIGKILL, whole process group) once half of its
  shards are done, then rerun: the rerun's wall time over a full run's (target <= 0.6) and its report
  compared with the uninterrupted one;
* ``memory``: a generated JSON Lines file of ``--big-mb`` MB (real-news records repeated with new ids, in the
  temporary folder, deleted after) audited with 2 workers: peak RSS (VmHWM) of each worker and of the driver,
  sampled from /proc (target <= 400 MB a worker at any input size); then (unless ``--skip resume``) the
  resume row on that file, where neither start-up nor the first pass over the vocabulary weighs;
* ``memory_light``: the same at ``--light-mb`` MB (default 1024) with the article moved to another field
  and one short sentence in ``text``: reading, cutting, parsing and merging at that size without detection;
* ``translate``: sharded translation with the copy model (:func:`translate_rows`, bench/scale/translate.py),
  and in the model-bound mode the rerun after a ``kill -9`` half-way over a full run and the same records in
  one file, shared by the workers in ranges; then :func:`translate_memory`: one generated file of
  ``--translate-mb`` MB (default 48) translated (``--scope stray``, 2 workers) in ranges and read whole,
  peak RSS of the driver and the workers, and whether both wrote the same bytes.

``--quick`` uses a 40 MB generated file and 150 baseline articles. Glossa's bytecode is compiled first, as
pip does when it installs Glossa: a checkout run under ``PYTHONDONTWRITEBYTECODE=1`` (as CI and these
machines set it) would otherwise compile every module at every start, 0.09 s of a one-record audit.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"


def _env(shard_size: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GLOSSA_SHARD_SIZE": shard_size,
        "GLOSSA_MAX_FILE_SIZE": "64GB",
    }


class Peaks(threading.Thread):
    """Samples the peak RSS (VmHWM) of every process in a process group until stopped."""

    def __init__(self, group: int) -> None:
        super().__init__(daemon=True)
        self.group = group
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}  # user + system seconds, last seen
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                    fields = stat.rsplit(")", 1)[1].split()
                    if int(fields[2]) != self.group:
                        continue
                    self.cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                    for line in Path(f"/proc/{entry}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            kb = int(line.split()[1])
                            self.peaks[int(entry)] = max(self.peaks.get(int(entry), 0), kb)
                except (OSError, ValueError, IndexError):
                    continue
            self.stop.wait(0.2)


def glossa(
    args: list[str], shard_size: str, *, kill_when: Path | None = None, kill_at: int = 0
) -> dict[str, Any]:
    """Run ``glossa`` in a new process group; wall time, peak RSS of the driver and of its workers (MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        env=_env(shard_size),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    peaks = Peaks(proc.pid)
    peaks.start()
    killed = False
    if kill_when is not None:
        while proc.poll() is None:
            if len(list(kill_when.glob("*.done"))) >= kill_at:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.05)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    peaks.stop.set()
    peaks.join()
    driver = peaks.peaks.pop(proc.pid, 0)
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(sum(peaks.cpu.values()), 2),
        "rc": proc.returncode,
        "killed": killed,
        "driver_peak_mb": round(driver / 1024, 1),
        "worker_peak_mb": round(max(peaks.peaks.values(), default=0) / 1024, 1),
        "workers_seen": len(peaks.peaks),
        "stderr_tail": err.decode("utf-8", "replace").strip().splitlines()[-1:],
    }


def langdetect_baseline(articles: Path, docs: int) -> dict[str, Any]:
    """langdetect on every sentence of the first ``docs`` articles (bench/detect's ``predict``)."""
    spec = importlib.util.spec_from_file_location("bench_detect", ROOT / "bench" / "detect" / "run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_detect"] = module
    spec.loader.exec_module(module)
    texts = []
    with articles.open(encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) >= docs:
                break
    _, (wall, cpu) = module.predict("langdetect-sentence", texts, 0.5)
    size = sum(len(t.encode("utf-8")) for t in texts)
    return {
        "docs": len(texts),
        "cpu_s": round(cpu, 2),
        "docs_per_s": len(texts) / cpu,
        "mb_per_s": size / 1e6 / cpu,
    }


def generate(articles: Path, target: Path, megabytes: int, *, light: bool = False) -> int:
    """Write ``megabytes`` MB of real-news records with fresh ids; return the number of records.

    ``light``: the article moves to another field (``body``) and ``text`` holds one short English sentence,
    so the run measures reading, cutting, parsing and merging at that size, not detection."""
    lines = articles.read_bytes().splitlines()
    written = records = copy = 0
    with target.open("wb") as out:
        while written < megabytes * 1e6:
            for line in lines:
                record = json.loads(line)
                record["id"] = f"{copy}-{record.get('id', records)}"
                if light:
                    record["body"] = record.pop("text")
                    record["text"] = "The crew returned to Earth on schedule."
                data = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
                out.write(data)
                written += len(data)
                records += 1
                if written >= megabytes * 1e6:
                    break
            copy += 1
    return records


def ray_rows(articles: Path, tmp: Path, one_worker_wall: float, shard_size: str) -> list[dict[str, Any]]:
    """``glossa audit --executor ray`` on a local Ray instance (started and stopped by each run, as a user's
    run does), 1 and 2 workers, the same file: wall time, speed-up over the local 1-worker run, byte-identity
    with its report; and the instance's start-up alone (a one-line file). Skipped without the ray extra."""
    if importlib.util.find_spec("ray") is None:
        return [{"skipped": "the ray extra is not installed: pip install -e '.[dev]'"}]
    tiny = tmp / "one-line.jsonl"
    tiny.write_text('{"text": "One short English sentence."}\n', encoding="utf-8")
    start = glossa(["audit", str(tiny), "--format", "json", "--executor", "ray", "--jobs", "2"], shard_size)
    rows: list[dict[str, Any]] = [{"row": "ray start-up and shut-down, 2 workers, one line", **start}]
    reference = (tmp / "jobs1.json").read_bytes()
    for jobs in (1, 2):
        out = tmp / f"ray{jobs}.json"
        args = [
            "audit",
            str(articles),
            "--format",
            "json",
            "--jobs",
            str(jobs),
            "--executor",
            "ray",
            "-o",
            str(out),
        ]
        row = glossa(args, shard_size)
        row["row"] = f"ray, {jobs} worker(s), local instance"
        row["speedup_over_local_1"] = round(one_worker_wall / row["wall_s"], 2)
        row["identical_to_local_1"] = out.read_bytes() == reference
        row["load_average"] = os.getloadavg()[0]
        rows.append(row)
    return rows


def _translate_resume(resumed: dict[str, Any] | None) -> dict[str, Any]:
    if not resumed:
        return {}
    return {
        "resume_over_full": round(resumed["over_full"], 2),
        "resume_from_model": resumed["rerun_from_model"],
        "resume_outputs_identical": resumed["outputs_same"],
    }


def translate_rows(data: Path, tmp: Path) -> list[dict[str, Any]]:
    """Sharded translation with the copy model (``bench/scale/translate.py``, both modes): 1 against 2 local
    workers over real-news records in 40 files, start-up included, and whether both wrote the same bytes;
    in the model-bound mode (``all``) also the rerun after a ``kill -9`` half-way, over a full run."""
    rows: list[dict[str, Any]] = []
    for mode, extra in (("stray", []), ("all", ["--resume"]), ("all", ["--one-file", "--files", "20"])):
        name = f"{mode}{len(rows)}"
        out = tmp / f"translate-{name}.json"
        command = [sys.executable, str(ROOT / "bench" / "scale" / "translate.py"), "--mode", mode]
        command += ["--data", str(data / "real-news" / "articles.jsonl"), "--work", str(tmp / f"tr-{name}")]
        command += ["--json", str(out), *extra]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.is_file():
            rows.append({"mode": mode, "failed": done.stderr.strip().splitlines()[-1:]})
            continue
        result = json.loads(out.read_text(encoding="utf-8"))
        runs = result["runs"]
        rows.append(
            {
                "mode": mode + (" one file" if result.get("one_file") else ""),
                "mb": round(result["bytes"] / 1e6, 2),
                "jobs1_s": round(runs[0]["seconds"], 2),
                "jobs2_s": round(runs[1]["seconds"], 2),
                "speedup_2_over_1": round(result["ratio"], 2),
                "changes": runs[0]["changes"],
                "from_model": runs[0]["from_model"],
                "identical": result["same"],
                **({"identical_to_whole": result["same_as_whole"]} if result.get("one_file") else {}),
                **_translate_resume(result.get("resume")),
            }
        )
    return rows


def translate_memory(articles: Path, tmp: Path, megabytes: int, shard_size: str) -> dict[str, Any]:
    """``glossa translate --scope stray --jobs 2`` of one generated file of ``megabytes`` MB with the copy
    package as ru→en, in ranges of ``shard_size`` and read whole (a shard larger than the file): wall time,
    peak RSS of the driver and of the workers, and whether both runs wrote the same bytes."""
    spec = importlib.util.spec_from_file_location(
        "bench_translate", ROOT / "bench" / "scale" / "translate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    models = module.copy_models(tmp / "tr-models-ru-en", "ru", "en")
    big = tmp / "translate-big.jsonl"
    generate(articles, big, megabytes)
    rows: dict[str, Any] = {"input_mb": megabytes}
    try:
        for name, size in (("ranges", shard_size), ("whole", "1GB")):
            home, out = tmp / f"tr-home-{name}", tmp / f"translate-{name}.jsonl"
            args = ["translate", str(big), "-o", str(out), "--jobs", "2", "--models-dir", str(models)]
            os.environ["GLOSSA_HOME"] = str(home)  # _env copies os.environ
            try:
                rows[name] = glossa([*args, "--format", "json"], size)
            finally:
                del os.environ["GLOSSA_HOME"]
            rows[name]["output_sha256"] = hashlib.sha256(out.read_bytes()).hexdigest()
            out.unlink()
    finally:
        big.unlink()
    rows["identical"] = rows["ranges"]["output_sha256"] == rows["whole"]["output_sha256"]
    rows["speedup_ranges_over_whole"] = round(rows["whole"]["wall_s"] / rows["ranges"]["wall_s"], 2)
    return rows


def startup(articles: Path, tmp: Path, shard_size: str) -> dict[str, Any]:
    """``glossa audit`` of the first record alone: the fixed part of every run (imports, word lists,
    glossaries, chrome index), which the steady rate of :func:`scaling` leaves out."""
    one = tmp / "one.jsonl"
    with articles.open("rb") as handle:
        one.write_bytes(handle.readline())
    return glossa(["audit", str(one), "--format", "json", "-o", str(tmp / "one.json")], shard_size)


def scaling(
    articles: Path, tmp: Path, shard_size: str, fixed_s: float | None, *, name: str = ""
) -> dict[str, Any]:
    """1 and 2 workers on ``articles``; ``fixed_s``: the start-up run's wall time, for the steady rate."""
    size = articles.stat().st_size
    docs = sum(1 for _ in articles.open("rb"))
    rows: dict[str, Any] = {"input_mb": round(size / 1e6, 2), "docs": docs}
    for jobs in (1, 2):
        out = tmp / f"{name}jobs{jobs}.json"
        rows[f"jobs{jobs}"] = glossa(
            ["audit", str(articles), "--format", "json", "--jobs", str(jobs), "-o", str(out)], shard_size
        )
        row = rows[f"jobs{jobs}"]
        wall = row["wall_s"]
        row["docs_per_s_core"] = round(docs / wall / jobs, 2)
        row["mb_per_s_core"] = round(size / 1e6 / wall / jobs, 3)
        row["mb_per_cpu_s"] = round(size / 1e6 / row["cpu_s"], 3)
        if jobs == 1 and fixed_s is not None and wall > fixed_s:
            # the rate once started: what a core adds per document on a corpus much larger than this file
            row["steady_docs_per_s"] = round(docs / (wall - fixed_s), 2)
            row["steady_mb_per_s"] = round(size / 1e6 / (wall - fixed_s), 3)
    rows["speedup_2_over_1"] = round(rows["jobs1"]["wall_s"] / rows["jobs2"]["wall_s"], 2)
    rows["load_average"] = os.getloadavg()[0]
    rows["identical"] = (tmp / f"{name}jobs1.json").read_bytes() == (tmp / f"{name}jobs2.json").read_bytes()
    return rows


def warm(single: dict[str, Any], corpus: dict[str, Any]) -> dict[str, Any]:
    """One core on the corpus's later copies, every word of which the first copy already met: the corpus's
    1-worker wall time less the real-news file's, over the MB between them. Start-up and the per-word work
    (word lists, the n-gram detector) are paid in the first copy, so this rate is a ceiling for any speed-up
    of the per-word work alone; what remains is reading, segmenting, the cheap path's scans and chrome."""
    extra_mb = corpus["input_mb"] - single["input_mb"]
    extra_s = corpus["jobs1"]["wall_s"] - single["jobs1"]["wall_s"]
    rate = extra_mb / extra_s if extra_s > 0 else None
    return {
        "copies_mb": round(extra_mb, 2),
        "copies_s": round(extra_s, 2),
        "mb_per_s": None if rate is None else round(rate, 3),
        "seconds_per_real_news_file": None if rate is None else round(single["input_mb"] / rate, 2),
    }


def resume(articles: Path, tmp: Path, shard_size: str, full_wall: float, full_report: Path) -> dict[str, Any]:
    """A 2-worker run with a checkpoint, killed once half its shards are done, then rerun; the rerun's wall
    time over ``full_wall`` (an uninterrupted 2-worker run of the same file, report ``full_report``)."""
    from pipeline.formats.shards import plan_file

    total = sum(1 for _ in plan_file(articles, 0, shard_size=_size(shard_size), max_bytes=1 << 40))
    folder = tmp / f"ckpt-{articles.stem}"
    out = tmp / f"resumed-{articles.stem}.json"
    command = [
        "audit",
        str(articles),
        "--format",
        "json",
        "--jobs",
        "2",
        "--checkpoint",
        str(folder),
        "-o",
        str(out),
    ]
    first = glossa(command, shard_size, kill_when=folder / "shards", kill_at=total // 2)
    kept = len(list((folder / "shards").glob("*.done")))
    second = glossa(command, shard_size)
    return {
        "input_mb": round(articles.stat().st_size / 1e6, 2),
        "shards": total,
        "kept_after_kill": kept,
        "killed_run_s": first["wall_s"],
        "resumed_run_s": second["wall_s"],
        "resume_over_full": round(second["wall_s"] / full_wall, 2),
        "identical": out.read_bytes() == full_report.read_bytes(),
    }


def _size(text: str) -> int:
    from pipeline.config import parse_size

    return parse_size(text)


def memory(
    articles: Path,
    tmp: Path,
    megabytes: int,
    shard_size: str,
    *,
    light: bool = False,
    with_resume: bool = False,
) -> dict[str, Any]:
    """A generated file of ``megabytes`` MB audited with 2 workers: peak memory of each process;
    ``with_resume``: then the resume row (:func:`resume`) on the same file, against that run."""
    big = tmp / "big.jsonl"
    records = generate(articles, big, megabytes, light=light)
    resumed: dict[str, Any] | None = None
    try:
        row = glossa(
            ["audit", str(big), "--format", "json", "--jobs", "2", "-o", str(tmp / "big.json")], shard_size
        )
        if with_resume:
            resumed = resume(big, tmp, shard_size, row["wall_s"], tmp / "big.json")
    finally:
        big.unlink()
        shutil.rmtree(tmp / f"ckpt-{big.stem}", ignore_errors=True)
    row.update(
        {
            "input_mb": megabytes,
            "records": records,
            "light": light,
            "mb_per_s": round(megabytes / row["wall_s"], 3),
        }
    )
    if resumed is not None:
        row["resume"] = resumed
    (tmp / "big.json").unlink(missing_ok=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="a 40 MB generated file, 150 baseline articles")
    parser.add_argument("--big-mb", type=int, default=None, help="size of the generated file (default 1024)")
    parser.add_argument("--baseline-docs", type=int, default=None)
    parser.add_argument("--light-mb", type=int, default=None, help="detection-light file (default 1024)")
    parser.add_argument("--shard-size", default="512KB")
    parser.add_argument(
        "--skip", action="append", default=[], help="baseline, scaling, resume, memory, light, translate"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--translate-mb", type=int, default=48, help="file of the translate memory row (MB)")
    parser.add_argument(
        "--corpus-copies", type=int, default=5, help="size of the corpus file, in real-news files (default 5)"
    )
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "pipeline", quiet=1)  # as an installed Glossa starts (see the docstring)
    articles = args.data / "real-news" / "articles.jsonl"
    big_mb = args.big_mb or (40 if args.quick else 1024)
    base_docs = args.baseline_docs or (150 if args.quick else 1500)
    results: dict[str, Any] = {"cores": os.cpu_count(), "shard_size": args.shard_size}
    with tempfile.TemporaryDirectory(prefix="glossa-scale-") as name:
        tmp = Path(name)
        if "baseline" not in args.skip:
            results["langdetect_sentence"] = langdetect_baseline(articles, base_docs)
        if "scaling" not in args.skip:
            results["startup"] = startup(articles, tmp, args.shard_size)
            fixed = results["startup"]["wall_s"]
            results["scaling"] = scaling(articles, tmp, args.shard_size, fixed)
            results["ray"] = ray_rows(articles, tmp, results["scaling"]["jobs1"]["wall_s"], args.shard_size)
            # a corpus five times the real-news file (new ids): start-up weighs a fifth as much
            corpus = tmp / "corpus.jsonl"
            generate(articles, corpus, args.corpus_copies * articles.stat().st_size // 1_000_000 + 1)
            results["scaling_corpus"] = scaling(corpus, tmp, args.shard_size, fixed, name="corpus-")
        if "resume" not in args.skip and "scaling" in results:
            results["resume"] = resume(
                articles, tmp, args.shard_size, results["scaling"]["jobs2"]["wall_s"], tmp / "jobs2.json"
            )
            results["resume_corpus"] = resume(
                tmp / "corpus.jsonl",
                tmp,
                args.shard_size,
                results["scaling_corpus"]["jobs2"]["wall_s"],
                tmp / "corpus-jobs2.json",
            )
        if "memory" not in args.skip:
            results["memory"] = memory(
                articles, tmp, big_mb, args.shard_size, with_resume="resume" not in args.skip
            )
        if "light" not in args.skip:
            light_mb = args.light_mb or (100 if args.quick else 1024)
            results["memory_light"] = memory(articles, tmp, light_mb, "4MB", light=True)
        if "translate" not in args.skip:
            results["translate"] = translate_rows(args.data, tmp)
            results["translate_memory"] = translate_memory(articles, tmp, args.translate_mb, args.shard_size)
    if "langdetect_sentence" in results and "scaling" in results:
        base = results["langdetect_sentence"]["docs_per_s"]
        one = results["scaling"]["jobs1"]
        results["glossa_1_worker_over_langdetect"] = round(one["docs_per_s_core"] / base, 2)
        if "steady_docs_per_s" in one:
            results["glossa_steady_over_langdetect"] = round(one["steady_docs_per_s"] / base, 2)
    if "scaling_corpus" in results:
        results["warm"] = warm(results["scaling"], results["scaling_corpus"])
    text = json.dumps(results, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
