"""Sharded translation with the copy model: 1 against N local workers on real-news records split into files.

The ``glossa translate`` run of issue 12 ("corpora at scale"): the real-news articles
(``/work/shared/data/real-news/articles.jsonl``, never copied into the repository) are split into JSON Lines
files of ``--per-file`` records under a work folder (default under ``/tmp``) and translated twice, with
``glossa translate --jobs 1`` and ``--jobs WORKERS``, each in a fresh process (start-up included). Each
worker loads the suite's copy package (``tests/argos_fixture.py``: a real CTranslate2 model that gives back
its input) itself, on one thread. Printed: files/s and MB/s of each, their ratio, and whether the two runs
wrote the same bytes (outputs and report).

Two workloads (``--mode``):

* ``stray`` (default): ``--scope stray`` into English, the copy package as ru→en: the audit's finder on
  every record, the model on the Russian fragments it finds (real news holds few);
* ``all``: ``--scope all --from en --to fr``, the copy package as en→fr: every English sentence is sent
  to CTranslate2 (the model-bound case).

Each run has its own memory, empty at the start, so the second never answers from the first.

With ``--one-file``, the records go into one JSON Lines file instead, which the workers share in
line-aligned ranges of ``--shard-size`` bytes (``GLOSSA_SHARD_SIZE``); a third run translates it whole (one
worker, a shard larger than the file), and the ranges' runs must write its bytes.

With ``--resume``, a third WORKERS-worker run is killed (SIGKILL, whole process group) once half of its
output files are written and the same command is run again: the rerun's wall time over the full run's,
and how many of its changes went to the model again (what the finished files taught is in the memory).

    python bench/scale/translate.py --files 40 --workers 2
    python bench/scale/translate.py --files 40 --workers 2 --mode all --resume
    python bench/scale/translate.py --files 20 --workers 2 --mode all --one-file
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

DATA = Path("/work/shared/data/real-news/articles.jsonl")

_MODES = {  # mode -> (package languages, request options)
    "stray": (("ru", "en"), {"scope": "stray", "source": None, "target": "en"}),
    "all": (("en", "fr"), {"scope": "all", "source": "en", "target": "fr"}),
}


def split_records(data: Path, folder: Path, files: int, per_file: int) -> int:
    """Write ``files`` JSON Lines files of ``per_file`` records each (cycling through the data).

    Returns:
        The bytes written in all.
    """
    lines = [line for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(files):
        chunk = [lines[(i * per_file + j) % len(lines)] for j in range(per_file)]
        data_bytes = ("\n".join(chunk) + "\n").encode("utf-8")
        (folder / f"part-{i:05}.jsonl").write_bytes(data_bytes)
        total += len(data_bytes)
    return total


def copy_models(work: Path, source: str, target: str) -> Path:
    """A models folder with the suite's copy package installed for ``source`` -> ``target``."""
    from argos_fixture import build_argos_package

    from pipeline.translation.packages import install_package

    models = work / "models"
    if not models.is_dir():
        archive = build_argos_package(work / "archive", from_code=source, to_code=target)
        install_package(archive, models)
    return models


def one_file(folder: Path, name: str = "all.jsonl") -> None:
    """Join the files :func:`split_records` wrote into one (the ``--one-file`` workload)."""
    parts = sorted(folder.glob("part-*.jsonl"))
    (folder.parent / f"{folder.name}-one").mkdir(exist_ok=True)
    with (folder.parent / f"{folder.name}-one" / name).open("wb") as out:
        for part in parts:
            out.write(part.read_bytes())


def _command(
    run_dir: Path, inputs: Path, models: Path, mode: str, workers: int, shard_size: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of ``glossa translate -j WORKERS`` into ``run_dir`` (its own memory)."""
    import os

    _, options = _MODES[mode]
    command = [sys.executable, "-m", "pipeline", "-q", "translate", str(inputs), "-o", f"{run_dir / 'out'}/"]
    command += ["--format", "json", "--jobs", str(workers), "--models-dir", str(models)]
    command += ["--scope", str(options["scope"]), "--to", str(options["target"])]
    command += ["--from", str(options["source"])] if options["source"] else []
    env = {**os.environ, "PYTHONPATH": str(REPO), "GLOSSA_HOME": str(run_dir / "home")}
    if shard_size is not None:
        env["GLOSSA_SHARD_SIZE"] = shard_size
    return command, env


def _outputs_digest(run_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((run_dir / "out").rglob("*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def translate_once(
    work: Path,
    inputs: Path,
    models: Path,
    mode: str,
    workers: int,
    *,
    name: str | None = None,
    fresh: bool = True,
    shard_size: str | None = None,
) -> dict[str, object]:
    """One ``glossa translate -j WORKERS`` in a fresh process (start-up included, as a user sees it); its
    wall time and digests of its outputs and of everything it wrote (outputs and report). ``fresh``: start
    from an empty run folder (else reuse what a killed run left there: outputs and memory)."""
    import subprocess

    run_dir = work / (name or f"run-{workers}")
    if fresh:
        shutil.rmtree(run_dir, ignore_errors=True)
    command, env = _command(run_dir, inputs, models, mode, workers, shard_size)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"glossa translate failed ({done.returncode}): {done.stderr.strip()}")
    outputs = _outputs_digest(run_dir)
    digest = hashlib.sha256(outputs.encode())
    digest.update(done.stdout.replace(str(run_dir), "RUN").encode())
    changes = [c for f in json.loads(done.stdout)["files"] for c in f["changes"]]
    return {
        "workers": workers,
        "seconds": took,
        "changes": len(changes),
        "from_model": sum(c["provenance"].startswith("argos:") for c in changes),
        "outputs_sha256": outputs,
        "sha256": digest.hexdigest(),
    }


def resume(
    work: Path, inputs: Path, models: Path, mode: str, workers: int, files: int, full: dict[str, object]
) -> dict[str, object]:
    """``kill -9`` of a WORKERS-worker run (its whole process group) once half of its output files are
    written, then the same command again: the rerun's wall time over the full run's, how many changes
    it still sent to the model, and whether its outputs equal the full run's."""
    import os
    import signal
    import subprocess

    run_dir = work / "resume"
    shutil.rmtree(run_dir, ignore_errors=True)
    command, env = _command(run_dir, inputs, models, mode, workers)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    out = run_dir / "out"
    while not out.is_dir() or sum(1 for _ in out.glob("*.jsonl")) < files // 2:
        if process.poll() is not None:
            sys.exit("the run ended before half of its files were written: use more --files")
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed_after = time.perf_counter() - started
    kept = sum(1 for _ in out.glob("*.jsonl"))
    rerun = translate_once(work, inputs, models, mode, workers, name="resume", fresh=False)
    return {
        "killed_after_s": killed_after,
        "files_kept": kept,
        "rerun_s": rerun["seconds"],
        "over_full": float(rerun["seconds"]) / float(full["seconds"]),  # type: ignore[arg-type]
        "rerun_from_model": rerun["from_model"],
        "full_from_model": full["from_model"],
        "outputs_same": rerun["outputs_sha256"] == full["outputs_sha256"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DATA, help="real-news articles.jsonl")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a new one in /tmp)")
    parser.add_argument("--files", type=int, default=40, help="input files (default 40)")
    parser.add_argument("--per-file", type=int, default=10, help="records per file (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the second run (default 2)")
    parser.add_argument("--mode", choices=sorted(_MODES), default="stray")
    parser.add_argument(
        "--resume", action="store_true", help="also kill -9 a WORKERS run half-way and time the rerun"
    )
    parser.add_argument(
        "--one-file", action="store_true", help="all records in one file, shared by the workers in ranges"
    )
    parser.add_argument("--shard-size", default="128KB", help="range size with --one-file (default 128KB)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    if args.one_file and args.resume:
        parser.error("--resume counts written files: it needs the files of the default workload")
    work = args.work or Path(tempfile.mkdtemp(prefix="glossa-scale-translate-"))
    (source, target), _ = _MODES[args.mode]
    size = split_records(args.data, work / "in", args.files, args.per_file)
    models = copy_models(work / f"models-{source}-{target}", source, target)
    inputs, shard_size, whole = work / "in", None, None
    if args.one_file:
        one_file(inputs)
        inputs, shard_size = work / "in-one", args.shard_size
        whole = translate_once(work, inputs, models, args.mode, 1, name="whole", shard_size="1GB")
        print(f"{args.mode}: one file read whole, 1 worker: {float(whole['seconds']):.2f} s")  # type: ignore[arg-type]
    runs = [
        translate_once(work, inputs, models, args.mode, n, shard_size=shard_size) for n in (1, args.workers)
    ]
    for run in runs:
        seconds = float(run["seconds"])  # type: ignore[arg-type]
        run["files_per_s"] = args.files / seconds
        run["mb_per_s"] = size / 1e6 / seconds
        print(
            f"{args.mode}: {run['workers']} worker(s): {seconds:.2f} s, {run['files_per_s']:.2f} files/s, "
            f"{run['mb_per_s']:.3f} MB/s ({run['changes']} changes, {run['from_model']} from the model)"
        )
    one, many = runs
    ratio = float(one["seconds"]) / float(many["seconds"])  # type: ignore[arg-type]
    same = one["sha256"] == many["sha256"]
    what = f"one file of {args.files * args.per_file} records" if args.one_file else f"{args.files} files"
    print(
        f"speed-up {args.workers} vs 1 worker: {ratio:.2f}x; same bytes: {same} ({what}, {size / 1e6:.2f} MB)"
    )
    as_whole = whole is None or all(run["sha256"] == whole["sha256"] for run in runs)
    if whole is not None:
        print(f"ranges of {shard_size} write what the whole file does: {as_whole}")
    resumed = resume(work, inputs, models, args.mode, args.workers, args.files, many) if args.resume else None
    if resumed is not None:
        print(
            f"resume after kill -9 with {resumed['files_kept']} of {args.files} files written "
            f"({resumed['killed_after_s']:.1f} s in): rerun {resumed['rerun_s']:.2f} s, "
            f"{resumed['over_full']:.2f} of a full run; {resumed['rerun_from_model']} of "
            f"{resumed['full_from_model']} changes from the model again; "
            f"same outputs: {resumed['outputs_same']}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "mode": args.mode,
                    "bytes": size,
                    "ratio": ratio,
                    "same": same,
                    "one_file": args.one_file,
                    "shard_size": shard_size,
                    "whole": whole,
                    "same_as_whole": as_whole,
                    "runs": runs,
                    "resume": resumed,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    if not same:
        sys.exit("the two runs wrote different bytes")
    if not as_whole:
        sys.exit("the ranges wrote other bytes than the whole file")
    if resumed is not None and not resumed["outputs_same"]:
        sys.exit("the resumed run wrote other outputs than the full run")


if __name__ == "__main__":
    main()
