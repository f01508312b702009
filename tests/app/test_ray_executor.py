"""The Ray executor: the local executor's results, in order, from actors built once; errors where they belong.

Starting Ray takes about 10 s, so the tests that need it share one local instance of 2 CPUs, started the way
``glossa --executor ray`` starts its own (:func:`pipeline.app.ray_executor._connected`), and stay few. They
are skipped when the ``ray`` extra is not installed (``make install`` installs it). Only the instance's
driver runs in this process; it may connect to the loopback address and nowhere else.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.app.audit import audit_paths
from pipeline.app.executor import LocalExecutor, executor_for
from pipeline.config import Settings, resolve
from pipeline.errors import BackendError, ConfigError, GlossaryError

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "samples" / "us-russia-space-cooperation.txt"
HAVE_RAY = importlib.util.find_spec("ray") is not None
#: The audit runs through an Executor (the sharded audit); until then --executor changes nothing it does.
SHARDED = "executor" in inspect.signature(audit_paths).parameters
RAY_MISSING = "the Ray executor needs the ray extra: pip install 'glossa[ray]'"


def needs_ray(test: Any) -> Any:
    """Skip without the ray extra; let the test's own process connect to the loopback address only."""
    test = pytest.mark.allow_hosts(["127.0.0.1", "::1"])(test)
    return pytest.mark.skipif(not HAVE_RAY, reason="the ray extra is not installed: pip install -e '.[dev]'")(
        test
    )


def _setup(base: int) -> tuple[int, str, int]:
    """A worker's state: the base, an id of this setup call, and the process."""
    if base < 0:
        raise GlossaryError("bad glossary", path="g.toml")
    return base, uuid.uuid4().hex, os.getpid()


def _work(state: tuple[int, str, int], item: int) -> tuple[int, str, int]:
    import time

    base, built, pid = state
    if item == -1:
        raise ValueError("bad item -1")
    if item == -2:
        os._exit(3)  # the actor's process dies
    time.sleep(0.02 * (item % 3 == 0))  # every third item is slower: results finish out of order
    return base + item, built, pid


#: Before Ray starts: ray.init replaces SIGTERM's handler with one that exits 15 at once.
_HANDLERS = [signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)]


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[Any]:
    from ray import cloudpickle

    from pipeline.app.ray_executor import _connected

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test file
    with _connected(None, 2) as ray:
        yield ray
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


@needs_ray
def test_ray_gives_the_local_results_in_order_from_actors_built_once(ray_instance: Any) -> None:
    from pipeline.app.ray_executor import RayExecutor

    items = list(range(40))
    local = [value for value, _, _ in LocalExecutor(1).map(_setup, 100, _work, items)]
    results = list(RayExecutor(2).map(_setup, 100, _work, items))
    assert [value for value, _, _ in results] == local == [100 + i for i in items]
    built = {(setup_id, pid) for _, setup_id, pid in results}
    assert len(built) == 2  # two actors, each built by one setup call, both used
    assert len({pid for _, pid in built}) == 2


@needs_ray
def test_ray_leaves_the_stop_signals_to_glossa(ray_instance: Any) -> None:
    """SIGTERM still takes the interrupt path (message, clean-up, exit 143) with a Ray instance up."""
    assert [signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)] == _HANDLERS


@needs_ray
def test_ray_takes_items_lazily_within_the_window(ray_instance: Any) -> None:
    from pipeline.app.ray_executor import RayExecutor

    taken: list[int] = []

    def items() -> Iterator[int]:
        for i in range(30):
            taken.append(i)
            yield i

    results = RayExecutor(2, window=3).map(_setup, 0, _work, items())
    assert next(results)[0] == 0
    assert len(taken) <= 4  # the window, and the one that could not enter it yet
    assert [v for v, _, _ in results] == list(range(1, 30))


@needs_ray
def test_errors_reach_the_caller_as_raised_and_a_dead_actor_is_one_backend_error(ray_instance: Any) -> None:
    from pipeline.app.ray_executor import RayExecutor

    results = RayExecutor(2).map(_setup, 0, _work, [1, 2, -1, 4])
    assert [next(results)[0], next(results)[0]] == [1, 2]
    with pytest.raises(ValueError, match="bad item -1"):
        next(results)
    with pytest.raises(GlossaryError) as failed:  # setup's error, as it was: one line for the CLI
        list(RayExecutor(2).map(_setup, -1, _work, [1]))
    assert str(failed.value) == "g.toml: bad glossary"
    with pytest.raises(BackendError, match="a Ray worker died"):
        list(RayExecutor(2).map(_setup, 0, _work, [1, -2, 3]))


def _records(folder: Path) -> Path:
    """A JSON Lines file of several shards: English records, some with a foreign sentence in them."""
    foreign = [
        "Le lancement de la fusée a été reporté à demain matin.",
        "Экипаж корабля успешно прибыл на международную космическую станцию.",
        "Der Start der Rakete wurde wegen schlechten Wetters verschoben.",
    ]
    lines = []
    for i in range(120):
        text = f"Record {i}: the crew checked the docking port and reported no faults."
        if i % 4 == 0:
            text += " " + foreign[i % 3]
        lines.append(json.dumps({"id": i, "text": text}, ensure_ascii=False))
    path = folder / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@needs_ray
def test_audit_on_ray_is_byte_identical_to_local(
    ray_instance: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.app import ray_executor
    from pipeline.cli import app

    if not SHARDED:
        pytest.skip("the audit does not run through an Executor yet (the sharded audit is not merged)")
    feed = _records(tmp_path)
    monkeypatch.setenv("GLOSSA_SHARD_SIZE", "2KB")  # 120 records of ~100 bytes: several shards
    maps = []
    real = ray_executor._ordered
    monkeypatch.setattr(ray_executor, "_ordered", lambda *a: maps.append(1) or real(*a))
    runner = CliRunner()
    outputs = {}
    for executor in ("local", "ray"):
        args = ["audit", str(feed), str(SAMPLE), "-f", "json", "--jobs", "2", "--executor", executor]
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        outputs[executor] = result.stdout
    assert maps == [1]  # the ray run ran on Ray
    assert outputs["ray"] == outputs["local"]
    assert '"foreign-text"' in outputs["ray"]


# ------------------------------------------------------------------------- without Ray, or not asked for


def _without_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )


def test_the_settings_pick_the_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(executor_for(Settings()), LocalExecutor)
    settings = resolve({"executor": "ray", "ray_address": "10.0.0.1:6379", "jobs": 3}, env={})
    assert (settings.executor, settings.ray_address) == ("ray", "10.0.0.1:6379")
    with pytest.raises(ConfigError, match="expected local or ray"):
        resolve({"executor": "dask"}, env={})
    _without_ray(monkeypatch)
    with pytest.raises(ConfigError) as missing:
        executor_for(settings)
    assert str(missing.value) == RAY_MISSING


def test_the_ray_options_reach_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--executor ray --ray-address``; without Ray installed that is one line and exit 2."""
    from pipeline.cli import _common, app

    flags: list[dict[str, Any]] = []
    real = _common.resolve
    monkeypatch.setattr(_common, "resolve", lambda given, **kw: flags.append(given) or real(given, **kw))
    _without_ray(monkeypatch)
    args = ["audit", str(SAMPLE), "--executor", "ray", "--ray-address", "head:6379"]
    result = CliRunner().invoke(app, args)
    assert (flags[0]["executor"], flags[0]["ray_address"]) == ("ray", "head:6379")
    if SHARDED:
        assert (result.exit_code, result.output.strip()) == (2, f"glossa: error: {RAY_MISSING}")


def _imported(args: list[str]) -> set[str]:
    code = (
        "import contextlib, io, sys\n"
        "from pipeline.cli import app\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        f"    app({args!r})\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("GLOSSA_EXECUTOR", "RAY_ADDRESS")}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, env=env
    )
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["audit", str(SAMPLE)], id="audit-default"),
        pytest.param(["audit", str(SAMPLE), "--executor", "local", "--jobs", "2"], id="audit-local"),
        pytest.param(
            ["translate", str(SAMPLE), "--executor", "local", "-o", os.devnull], id="translate-local"
        ),
    ],
)
def test_the_local_executor_never_imports_ray(args: list[str], tmp_path: Path) -> None:
    modules = _imported([str(tmp_path / "out.txt") if a == "OUT" else a for a in args])
    assert "pipeline.cli.audit" in modules or "pipeline.cli.translate" in modules
    assert not {m for m in modules if m == "ray" or m.startswith("ray.")}


@needs_ray
def test_translate_in_ranges_on_ray_writes_the_local_bytes(
    ray_instance: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One JSON Lines file in ranges, translated by two Ray actors: the bytes one local worker writes."""
    import fakes
    from ray import cloudpickle

    from pipeline.app.ray_executor import RayExecutor
    from pipeline.app.translate import TranslateRequest, translate_paths
    from pipeline.document import Scope

    cloudpickle.register_pickle_by_value(fakes)  # the actors cannot import the suite's fakes
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    sentences = ["Экипаж прибыл на МКС.", "Ракета стартовала с Байконура.", "The crew is back."]
    feed.write_text(
        "".join(f'{{"id": {i}, "text": "{sentences[i % 3]} {i}"}}\n' for i in range(60)), encoding="utf-8"
    )
    written = {}
    for name, executor in (("local", LocalExecutor(1)), ("ray", RayExecutor(2))):
        monkeypatch.chdir(tmp_path)
        # a relative home, and the actors' working folder is not the test's: the driver sends it absolute
        settings = resolve({"shard_size": 300}, env={"GLOSSA_HOME": f"home-{name}"}, cwd=REPO)
        assert not settings.home.is_absolute()
        request = TranslateRequest(scope=Scope.all, source="ru", output=Path(f"out-{name}.jsonl"))
        run = translate_paths(
            [Path("in/feed.jsonl")], settings, request, translator=fakes.FakeTranslator(), executor=executor
        )
        written[name] = (Path(f"out-{name}.jsonl").read_bytes(), run.files[0].changes)
    cloudpickle.unregister_pickle_by_value(fakes)
    assert written["ray"] == written["local"]
    assert b"(Crew" in written["ray"][0]
    assert not (REPO / "home-ray").exists()  # the actors opened the driver's memory, not one of their own
    assert (tmp_path / "home-ray" / "memory.sqlite").stat().st_size > 0
    assert feed.stat().st_size > 10 * 300  # more than ten ranges
