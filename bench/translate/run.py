"""Benchmark: Glossa's CTranslate2 path against argostranslate.translate.translate on one test package.

Everything is measured in one run, on the same suite-built ru→en package (tests/argos_fixture.py, the
exact-copy model) and the same generated segments, each measurement in a fresh subprocess:

* cold start: process spawn to first translated segment;
* total time for all segments and peak memory (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by a wrapper
  process around each worker);
* batching: Glossa batched vs Glossa one segment per call vs Argos one segment per call;
* the project memory on a corpus where UI strings repeat: plain batched vs ``CachedTranslator`` on an empty
  memory (each distinct string once) vs on a warm memory (all hits).

The Argos baseline runs fully offline: its settings and folders point into a temporary folder before import,
and because no ``ARGOS_CHUNK_TYPE`` avoids a fetch without sentence-splitter data packaged in the
``.argosmodel`` (``MINISBD``, the default, downloads an ONNX model; ``SPACY`` downloads ``xx_sent_ud_sm`` at
import; ``STANZA`` needs a packaged ``stanza/`` folder; ``NONE`` raises NotImplementedError), the baseline
keeps ``MINISBD`` and replaces its ``split_sentences`` with Glossa's rule-based splitter; sockets are disabled
in every worker. The baseline still imports stanza and torch: that is part of its cost.

Usage: ``python bench/translate/run.py [--quick] [--segments N] [--json OUT]`` (``--quick``: < 60 s).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

_WRAP = (
    "import resource, subprocess, sys, json\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(p.stderr)\n"
    "print(json.dumps({'rc': p.returncode, 'out': p.stdout,"
    " 'maxrss_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n"
)

# Words the test package's SentencePiece model was trained on (tests/argos_fixture.py), so segments tokenise
# at about the rate of real text with a real model (1-2 pieces a word).
_WORDS = (  # noqa: SIM905
    "экипаж станция ракета запуск орбита корабль спутник Роскосмоса МКС модуль стыковка полёт двигатель "
    "космонавт грузовой сообщили Байконур старт выход открытый на с и в к по из"
).split()
_FOREIGN = ("SpaceX", "Falcon 9", "Crew Dragon", "NASA", "Axiom Mission 4", "Ariane 6")
_STARTS = ("Роскосмос", "МКС", "Союз", "Прогресс", "Байконур", "Международной")
_UI = [
    "Войти", "Поиск", "Главная", "Новости", "Подписаться", "Читать далее", "Все материалы", "Комментарии",
    "Поделиться", "Заголовок открываемого материала", "Версия для печати", "Наверх", "Меню", "Закрыть",
    "Популярное", "Архив", "Контакты", "Реклама", "О проекте", "Написать нам",
]  # fmt: skip


# The same exact-copy construction at two sizes. "base" has the shape of a real Argos model (6+6 layers,
# d_model 512, feed-forward 2048, int8, a 16k-entry output layer) so compute, and what batching saves, are
# realistic; "tiny" is the suite's package, where per-call overheads dominate.
_SIZES: dict[str, dict[str, object]] = {
    "base": {
        "layers": 6,
        "d_model": 512,
        "ffn": 2048,
        "quantization": "int8",
        "vocab_pad": 16000,
        "byte_fallback": False,
    },
    "tiny": {},
}


def make_corpus(n: int, seed: int = 1) -> list[str]:
    """``n`` Russian segments of 1-3 sentences, 4-20 words each (deterministic).

    One segment in ten also names something in Latin letters the base package's vocabulary lacks, so both
    paths meet unknown tokens (and Argos's ``replace_unknowns`` decoding) as they do on real scraped text.
    """
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences = []
        for _ in range(rng.choice((1, 1, 2, 3))):
            words = [rng.choice(_STARTS)] + [rng.choice(_WORDS) for _ in range(rng.randint(4, 20))]
            sentences.append(" ".join(words) + rng.choice(".!?"))
        if rng.random() < 0.1:
            sentences[-1] = sentences[-1][:-1] + " " + rng.choice(_FOREIGN) + sentences[-1][-1]
        out.append(" ".join(sentences))
    return out


def make_ui_corpus(n: int, seed: int = 2) -> list[str]:
    """``n`` segments where 80% are repeated UI strings."""
    rng = random.Random(seed)
    unique = make_corpus(n // 5, seed)
    return [rng.choice(_UI) if rng.random() < 0.8 else rng.choice(unique) for _ in range(n)]


def _no_network() -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in the benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]


def _digest(outputs: list[str]) -> str:
    return hashlib.sha256("\x00".join(outputs).encode()).hexdigest()[:16]


def worker(mode: str, models: Path, corpus_path: Path, memory_path: Path | None) -> None:
    """Run one measurement; print JSON with the first-result time, the total time and a digest."""
    _no_network()
    segments: list[str] = json.loads(corpus_path.read_text(encoding="utf-8"))
    if mode == "argos":
        import argostranslate.sbd as sbd
        import argostranslate.translate as argos

        from pipeline.text.sentences import split_sentences

        def split(self: object, text: str) -> list[str]:
            return [text[s:e] for s, e in split_sentences(text, "ru")] or [text]

        sbd.MiniSBDSentencizer.split_sentences = split  # type: ignore[method-assign]
        first = argos.translate(segments[0], "ru", "en")
        t_first = time.time()
        start = time.perf_counter()
        outputs = [first] + [argos.translate(s, "ru", "en") for s in segments[1:]]
        total = time.perf_counter() - start
    else:
        from pipeline.translation.base import DecodeOptions
        from pipeline.translation.ctranslate import ArgosCT2Translator

        translator = ArgosCT2Translator(models, intra_threads=1, options=DecodeOptions(beam_size=4))
        first = translator.translate_batch(segments[:1], "ru", "en")[0]
        t_first = time.time()
        start = time.perf_counter()
        if mode == "ours":
            outputs = [first, *translator.translate_batch(segments[1:], "ru", "en")]
        elif mode == "ours-single":
            outputs = [first] + [translator.translate_batch([s], "ru", "en")[0] for s in segments[1:]]
        elif mode in ("memory-cold", "memory-warm"):
            from fakes import CachedTranslator

            from pipeline.translation.memory import TranslationMemory

            assert memory_path is not None
            with TranslationMemory(memory_path) as memory:
                cached = CachedTranslator(translator, memory, glossary_version="bench")
                outputs = [first, *cached.translate_batch(segments[1:], "ru", "en")]
        else:
            raise SystemExit(f"unknown mode {mode}")
        total = time.perf_counter() - start
    heavy = sorted(m for m in ("torch", "stanza", "argostranslate.translate") if m in sys.modules)
    exact = sum(a == b for a, b in zip(outputs, segments, strict=True))
    record = {"first": t_first, "total": total, "n": len(outputs), "digest": _digest(outputs)}
    print(json.dumps({**record, "exact": exact, "heavy": heavy}))


def _wrapped(name: str, cmd: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> dict:
    """Run ``cmd`` under a wrapper process, so RUSAGE_CHILDREN is the command's alone.

    Returns the wrapper's record: ``rc``, the command's stdout as ``out``, its peak RSS as ``maxrss_kb``.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, env=env, cwd=REPO, check=False
    )
    wrapped: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    if wrapped["rc"] not in ok:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    return wrapped


def measure(mode: str, models: Path, corpus: Path, env: dict[str, str], memory: Path | None = None) -> dict:
    """Spawn a wrapper that spawns the worker, so RUSAGE_CHILDREN is this worker's alone."""
    cmd = [sys.executable, __file__, "--worker", mode, "--models", str(models), "--corpus", str(corpus)]
    if memory is not None:
        cmd += ["--memory", str(memory)]
    spawned = time.time()
    wrapped = _wrapped(mode, cmd, env)
    result = json.loads(wrapped["out"].strip().splitlines()[-1])
    result["cold_start"] = result["first"] - spawned
    result["maxrss_mb"] = wrapped["maxrss_kb"] / 1024
    return result


def measure_command(models: Path, corpus: Path, work: Path, env: dict[str, str]) -> dict:
    """Run the whole ``glossa translate --scope all`` command on the corpus as one text document.

    It does more than the engine rows (reads and segments the document, matches and enforces the glossary
    with a Russian lemmatiser, keeps a project memory, writes the output and a JSON report), so it is
    reported beside them, not as one of them. Its own memory starts empty.
    """
    segments = json.loads(corpus.read_text(encoding="utf-8"))
    work.mkdir(parents=True, exist_ok=True)
    document = work / "corpus.ru.txt"
    document.write_text("\n\n".join(segments) + "\n", encoding="utf-8")
    cmd = [
        sys.executable, "-m", "pipeline", "translate", str(document), "--scope", "all", "--from", "ru",
        "--models-dir", str(models), "-o", str(work / "out") + "/", "--format", "json",
    ]  # fmt: skip
    spawned = time.perf_counter()
    # exit 1: a required term missed somewhere, still a full run
    wrapped = _wrapped("glossa translate", cmd, {**env, "GLOSSA_HOME": str(work / "home")}, ok=(0, 1))
    total = time.perf_counter() - spawned
    report = json.loads(wrapped["out"])
    changes = [c for f in report["files"] for c in f["changes"]]
    return {
        "total": total,
        "n": len(segments),
        "maxrss_mb": wrapped["maxrss_kb"] / 1024,
        "changes": len(changes),
        "from_model": sum(c["provenance"].startswith("argos:") for c in changes),
    }


_INLINE_HTML = (
    'Представитель <b>Роскосмоса</b> заявил, что экипаж <a href="https://x.ru/{i}">МКС</a> готов к выходу.',
    "Экипаж <i>«Союза МС-{n:02d}»</i> прибыл на станцию в {y} году.",
    "Модуль <code>dock-{i}</code> и <em>двигатель</em> проверены &amp; готовы.",
)
_INLINE_MD = (
    "Представитель **Роскосмоса** заявил, что экипаж [МКС](https://x.ru/{i}) готов к выходу.",
    "Экипаж _«Союза МС-{n:02d}»_ прибыл на станцию в {y} году.",
    "Модуль `dock-{i}` и ![двигатель](e{i}.png) проверены.",
)


def measure_markup(models: Path, work: Path, n: int) -> dict:
    """HTML and Markdown with inline markup through ``translate --scope all``: sentences sent whole,
    placeholders restored, and the QA pass's time per 1,000 segments."""
    from pipeline.app.qa import QAContextBuilder
    from pipeline.app.translate import TranslateRequest, translate_paths
    from pipeline.config import resolve
    from pipeline.translation.qa import Pair, check_pairs

    os.environ["GLOSSA_HOME"] = str(work / "home")
    settings = resolve({"models_dir": models})
    out: dict = {}
    for kind, templates, wrap in (("html", _INLINE_HTML, "<p>{}</p>"), ("markdown", _INLINE_MD, "{}\n")):
        sentences = [templates[i % 3].format(i=i, n=i % 30, y=2000 + i % 25) for i in range(n)]
        doc = work / f"corpus.{'html' if kind == 'html' else 'md'}"
        doc.write_text("\n".join(wrap.format(s) for s in sentences) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        run = translate_paths(
            [doc], settings, TranslateRequest(scope="all", source="ru", output=work / f"out-{doc.name}")
        )
        took = time.perf_counter() - t0
        changes = [c for f in run.files for c in f.changes]
        whole = sum(1 for c in changes if c.source_text in set(sentences))
        codes = sum(len(c.codes) for c in changes)
        restored = sum(sum(1 for code in c.codes if code in c.target_text) for c in changes)
        repaired = sum(1 for c in changes if c.repairs)
        pairs = [Pair(str(i), c.source_text, c.target_text, "ru", "en") for i, c in enumerate(changes)]
        context = QAContextBuilder(settings).context()
        q0 = time.perf_counter()
        check_pairs(pairs, context)
        qa_s = time.perf_counter() - q0
        out[kind] = {
            "sentences": n,
            "sent_whole": whole / n,
            "placeholders": codes,
            "placeholders_restored": restored / codes if codes else 1.0,
            "repaired_units": repaired,
            "translate_s": took,
            "qa_s_per_1000": qa_s / max(1, len(pairs)) * 1000,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer segments (well under 60 s)")
    parser.add_argument("--segments", type=int, default=None)
    parser.add_argument(
        "--size", choices=sorted(_SIZES), default="base", help="test package size (default base)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--models", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--memory", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.models, args.corpus, args.memory)
        return
    if importlib.util.find_spec("argostranslate") is None:
        sys.exit(
            "bench/translate/run.py compares against argostranslate, the `argos` extra: run `make bench`, "
            "or pip install torch==2.13.0 -e '.[argos]'"
        )

    from argos_fixture import build_argos_package

    from pipeline.translation.packages import install_package

    n = args.segments or (60 if args.quick else 1000)
    with tempfile.TemporaryDirectory(prefix="glossa-bench-") as tmp_name:
        tmp = Path(tmp_name)
        t0 = time.perf_counter()
        archive = build_argos_package(tmp, **_SIZES[args.size])
        models = tmp / "models"
        install_package(archive, models)
        build_s = time.perf_counter() - t0
        corpus = tmp / "corpus.json"
        corpus.write_text(json.dumps(make_corpus(n), ensure_ascii=False), encoding="utf-8")
        ui = tmp / "ui.json"
        ui.write_text(json.dumps(make_ui_corpus(n), ensure_ascii=False), encoding="utf-8")
        env = dict(os.environ)
        env.update(
            {
                "ARGOS_PACKAGES_DIR": str(models),
                "ARGOS_DEVICE_TYPE": "cpu",
                "ARGOS_CHUNK_TYPE": "MINISBD",
                "ARGOS_INTER_THREADS": "1",
                "ARGOS_INTRA_THREADS": "1",
                "XDG_DATA_HOME": str(tmp / "xdg-data"),
                "XDG_CACHE_HOME": str(tmp / "xdg-cache"),
                "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
                "OMP_NUM_THREADS": "1",
                "PYTHONHASHSEED": "0",
            }
        )
        results = {
            "ours": measure("ours", models, corpus, env),
            "ours-single": measure("ours-single", models, corpus, env),
            "argos": measure("argos", models, corpus, env),
            "ui-plain": measure("ours", models, ui, env),
            "ui-memory-cold": measure("memory-cold", models, ui, env, tmp / "memory.sqlite"),
            "ui-memory-warm": measure("memory-warm", models, ui, env, tmp / "memory.sqlite"),
        }
        command = measure_command(models, corpus, tmp / "command", env)
        (tmp / "markup").mkdir()
        markup = measure_markup(models, tmp / "markup", n)
    ours, single, argos = results["ours"], results["ours-single"], results["argos"]
    print(
        f"{args.size} package built and installed in {build_s:.2f} s; {n} segments; "
        "1 CPU thread per process; beam 4"
    )
    print(f"{'run':<16}{'cold start s':>13}{'total s':>10}{'seg/s':>10}{'peak MB':>10}{'exact':>8}  heavy")
    for name, r in results.items():
        rate = (r["n"] - 1) / r["total"] if r["total"] else float("inf")
        heavy = ",".join(r["heavy"]) or "-"
        print(
            f"{name:<16}{r['cold_start']:>13.2f}{r['total']:>10.3f}{rate:>10.0f}{r['maxrss_mb']:>10.0f}"
            f"{r['exact']:>8}  {heavy}"
        )
    print(
        f"{'glossa command':<16}{'-':>13}{command['total']:>10.3f}{command['n'] / command['total']:>10.0f}"
        f"{command['maxrss_mb']:>10.0f}{'-':>8}  (whole CLI run, {command['from_model']} of "
        f"{command['changes']} changes from the model)"
    )
    ratios = {
        "cold_start_speedup": argos["cold_start"] / ours["cold_start"],
        "peak_memory_fraction": ours["maxrss_mb"] / argos["maxrss_mb"],
        "batching_vs_own_per_segment": single["total"] / ours["total"],
        "batching_vs_argos_per_segment": argos["total"] / ours["total"],
        "memory_cold_speedup": results["ui-plain"]["total"] / results["ui-memory-cold"]["total"],
        "memory_warm_speedup": results["ui-plain"]["total"] / results["ui-memory-warm"]["total"],
        "command_peak_memory_fraction": command["maxrss_mb"] / argos["maxrss_mb"],
        "command_vs_argos_per_segment": argos["total"] / command["total"],
    }
    targets = {
        "cold_start_speedup": ">= 5",
        "peak_memory_fraction": "<= 0.333",
        "batching_vs_argos_per_segment": ">= 2",
    }
    ok = {
        "cold_start_speedup": ratios["cold_start_speedup"] >= 5,
        "peak_memory_fraction": ratios["peak_memory_fraction"] <= 1 / 3,
        "batching_vs_argos_per_segment": ratios["batching_vs_argos_per_segment"] >= 2,
    }
    for key, value in ratios.items():
        verdict = ("met" if ok[key] else "MISSED") + f" (target {targets[key]})" if key in targets else ""
        print(f"{key:<32}{value:>8.2f}  {verdict}")
    for kind, m in markup.items():
        print(
            f"{kind:<9} inline markup: {m['sent_whole']:.0%} of sentences sent whole (target 100 %), "
            f"{m['placeholders_restored']:.0%} of {m['placeholders']} placeholders restored (target 100 %), "
            f"{m['repaired_units']} unit(s) repaired; QA {m['qa_s_per_1000']:.2f} s per 1,000 segments"
        )
    same = ours["digest"] == argos["digest"]
    print(f"outputs identical to the Argos baseline: {same}")
    print(
        "exact = outputs equal to their input (the copy model); the base package's word-level vocabulary "
        "lacks Latin letters, and both paths replace those unknown tokens alike (replace_unknowns)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "segments": n,
                    "results": results,
                    "command": command,
                    "markup": markup,
                    "ratios": ratios,
                    "targets_met": ok,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
