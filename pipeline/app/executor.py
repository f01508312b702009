"""Run one function over many work items on this machine's cores, results in input order.

An executor builds each worker's heavy state once (``setup(config)``: detectors, glossaries, models) and then
calls ``work(state, item)`` for each item it is given. :meth:`Executor.map` yields the results in the order of
the items, whatever the number of workers, so output merged from them is byte-identical for every job count
and executor. At most ``window`` items are in flight (submitted, or finished but not yet yielded), so memory
stays flat however many items the iterable yields; items are taken from it lazily.

``work`` is expected to catch what it can and return a failed result: an exception it raises ends the map
(raised to the caller at that item's place), and so does a worker that dies.

Stopping: the driver owns every stop. Worker processes ignore Ctrl-C, SIGTERM and SIGHUP, and a map that
ends early (an interrupt or error in the driver, or the caller closing it) kills them at once instead of
waiting for the items they hold, so Ctrl-C, ``kill`` of the driver alone and a batch scheduler's cancel all
end the run promptly and leave no process behind. A worker whose driver is gone (``kill -9`` of the driver
alone) exits by itself within :data:`WATCH_INTERVAL` seconds instead of waiting for work for ever.

``setup``, ``work``, ``config``, the items and the results must be picklable (module-level functions and
frozen dataclasses) when ``jobs > 1`` or on Ray. :func:`executor_for` picks the executor a run's settings
ask for: :class:`LocalExecutor`, or :class:`~pipeline.app.ray_executor.RayExecutor` (``executor = "ray"``).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pipeline.errors import STOP_SIGNALS, raise_if_stopped

if TYPE_CHECKING:
    from pipeline.config import Settings

__all__ = ["Executor", "LocalExecutor", "executor_for", "shareable", "stop"]

C = TypeVar("C")  # the configuration a worker is built from
S = TypeVar("S")  # a worker's state
T = TypeVar("T")  # a work item
R = TypeVar("R")  # a result


class Executor(Protocol):
    """Something that maps ``work`` over items on workers built once by ``setup``, results in order."""

    @property
    def workers(self) -> int:
        """How many workers run at once."""
        ...

    def map(
        self, setup: Callable[[C], S], config: C, work: Callable[[S, T], R], items: Iterable[T]
    ) -> Iterator[R]:
        """Yield ``work(setup(config), item)`` for each item, in the items' order."""
        ...


_STATE: Any = None  # one worker process's state, built once by _init
#: Seconds between a worker's checks that its driver is still there.
WATCH_INTERVAL = 0.5


def _worker_start(driver: int) -> None:
    """Leave stopping to the driver (see the module docstring), and exit once the driver (its pid, taken
    before the fork: one that died since is not taken for init) is gone."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == driver:
            time.sleep(WATCH_INTERVAL)
        os._exit(1)  # orphaned: the driver died without stopping us (its own pipes keep ours open)

    threading.Thread(target=watch, name="glossa-driver-watch", daemon=True).start()


def _init(driver: int, setup: Callable[[Any], Any], config: Any) -> None:
    global _STATE  # a process pool's worker keeps its state between items
    _worker_start(driver)
    _STATE = setup(config)


def _call(work: Callable[[Any, Any], Any], item: Any) -> Any:
    return work(_STATE, item)


def _adopt(driver: int, state: Any) -> None:
    global _STATE  # a forked worker takes the state its parent built (copy-on-write, never pickled)
    _worker_start(driver)
    _STATE = state


def _halt(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes now: the items they hold are not wanted (the map ended early).

    ``ProcessPoolExecutor.shutdown`` waits for running items (``cancel_futures`` drops only queued ones),
    which held a Ctrl-C'd run for as long as its slowest item. Workers keep nothing that needs a clean-up:
    the driver writes every output and checkpoint file.
    """
    processes = getattr(pool, "_processes", None) or {}  # CPython's pool keeps them by pid
    for process in list(processes.values()):
        if process.is_alive():
            process.kill()
    for process in list(processes.values()):
        process.join()
    # A result cut off mid-send (a large translated file) leaves the pool's manager thread waiting for the
    # rest, for ever: this process holds the pipe's other end too. Closing it ends that read (EOF), and the
    # pool shuts down as after any dead worker.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


_SHAREABLE: set[Callable[..., Any]] = set()
_NONE: Any = object()  # no item


def stop(results: Iterable[Any]) -> None:
    """Stop the workers behind an :meth:`Executor.map` result stream now, not when it is collected (a
    stream with no ``close``, a plain list, is left as it is)."""
    close = getattr(results, "close", None)
    if close is not None:
        close()


def shareable(setup: Callable[[C], S]) -> Callable[[C], S]:
    """Mark ``setup`` as building state that forked workers may inherit from the parent.

    :class:`LocalExecutor` then builds it once in this process and forks its workers from there, so they
    start with the tables already loaded and share their pages until they write to them (audit: the word
    lists, ~2 s and ~120 MB a worker). Only for state of plain Python objects: no threads, open models or
    sockets, which do not survive a fork (translation's CTranslate2 models are built in each worker).
    """
    _SHAREABLE.add(setup)
    return setup


@dataclass(frozen=True, slots=True)
class LocalExecutor:
    """Workers on this machine: in this process with ``jobs=1``, else a pool of ``jobs`` processes.

    Attributes:
        jobs: worker processes (1: none, everything runs here).
        window: items in flight at once (default ``2 * jobs``: each worker has one queued behind its current).

    >>> list(LocalExecutor().map(int, 10, lambda base, x: base * x, range(3)))
    [0, 10, 20]
    """

    jobs: int = 1
    window: int = 0

    @property
    def workers(self) -> int:
        """How many workers run at once."""
        return max(1, self.jobs)

    def map(
        self, setup: Callable[[C], S], config: C, work: Callable[[S, T], R], items: Iterable[T]
    ) -> Iterator[R]:
        """Yield ``work(setup(config), item)`` for each item, in order (see the module docstring).

        Nothing is set up when there is no item (a resumed run whose shards are all done).
        """
        items = iter(items)
        first = next(items, _NONE)
        if first is _NONE:
            return
        items = itertools.chain([first], items)
        if self.jobs <= 1:
            state = setup(config)
            raise_if_stopped()  # a stop signal swallowed by a library (see pipeline.errors.stop)
            for item in items:
                result = work(state, item)
                raise_if_stopped()
                yield result
            return
        window = self.window or 2 * self.jobs
        if setup in _SHAREABLE and "fork" in multiprocessing.get_all_start_methods():
            pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_adopt,
                initargs=(os.getpid(), setup(config)),
            )
            raise_if_stopped()
        else:
            pool = ProcessPoolExecutor(
                max_workers=self.jobs, initializer=_init, initargs=(os.getpid(), setup, config)
            )
        pending: deque[Future[R]] = deque()
        finished = False
        try:
            for item in items:
                pending.append(pool.submit(_call, work, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
            finished = True
        finally:
            if not finished:
                _halt(pool)
            pool.shutdown(wait=True, cancel_futures=True)


def executor_for(settings: Settings) -> Executor:
    """The executor ``settings`` ask for: ``settings.jobs`` Ray actors, or workers here (one a core at most).

    Ray is imported only for ``executor = "ray"``, and only when the executor runs.

    Raises:
        ConfigError: the Ray executor is asked for and Ray is not installed.
    """
    if settings.executor == "ray":
        from pipeline.app.ray_executor import RayExecutor, require_ray

        require_ray()
        return RayExecutor(settings.jobs, address=settings.ray_address or None)
    return LocalExecutor(max(1, min(settings.jobs, os.cpu_count() or 1)))
