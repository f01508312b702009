"""Run an :class:`~pipeline.app.executor.Executor`'s work on Ray: an actor pool holding each worker's state.

Each of ``jobs`` actors (one CPU each) runs ``setup(config)`` once, in its constructor, and then
``work(state, item)`` for every item it is given; the next item goes to the actor with the fewest items
queued, so a free actor gets it. Results are yielded in the items' order, and at most ``window`` items are
submitted or finished-but-not-yet-yielded at once (``ray.wait`` on the ones in flight), so the output is
the local executor's, byte for byte, and memory stays flat. An exception raised by ``setup`` or ``work``
reaches the caller at its item's place, as the exception it was; an actor that dies (killed, out of memory,
its node lost) ends the map with one :class:`~pipeline.errors.BackendError`.

Ray is imported only when this executor runs (``ray`` is the ``glossa[ray]`` extra). With an address
(``--ray-address``, ``RAY_ADDRESS``) it joins that cluster, whose every node needs Glossa installed; without
one it starts a Ray instance of ``jobs`` CPUs on this machine for the run and shuts it down afterwards. A
caller that has already called ``ray.init`` (a notebook, the tests) keeps its connection. The local instance
never touches the network (:func:`_local_environment`): usage statistics off, every Ray process bound to
the loopback address (no route lookup towards a public DNS server), the dashboard process's cloud-provider
probe of the metadata servers (``169.254.169.254``, ``metadata.google.internal``) sent to a closed local
port, and a fresh token authenticating the processes to each other (no ``~/.ray/auth_token`` written).
Its session files live in a temporary folder removed at the end.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from pipeline.errors import STOP_SIGNALS, BackendError, ConfigError

__all__ = ["RAY_MISSING", "RayExecutor", "require_ray"]

C = TypeVar("C")
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

#: The one line shown when the Ray executor is asked for and Ray is not installed.
RAY_MISSING = "the Ray executor needs the ray extra: pip install 'glossa[ray]'"

#: Set for every Ray connection: no usage statistics are collected or sent.
_NO_USAGE_STATS: dict[str, str | None] = {"RAY_USAGE_STATS_ENABLED": "0"}
#: Proxy variables a local instance's processes must not inherit: its gRPC stays on 127.0.0.1, and the
#: cloud probe (:func:`_local_environment`) must reach neither a proxy nor, through ``no_proxy``, the network.
_PROXIES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "grpc_proxy",
    "no_grpc_proxy",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)


def require_ray() -> None:
    """Check that Ray can be imported, without importing it.

    Raises:
        ConfigError: Ray is not installed (:data:`RAY_MISSING`).
    """
    try:
        found = importlib.util.find_spec("ray") is not None
    except (ImportError, ValueError):  # a finder that refuses it; a half-imported module
        found = False
    if not found:
        raise ConfigError(RAY_MISSING)


def _import_ray() -> Any:
    try:
        return importlib.import_module("ray")
    except ImportError as exc:
        raise ConfigError(RAY_MISSING) from exc


class _Worker:
    """One actor's body: the state ``setup(config)`` built once, then ``work(state, item)`` per call.

    A ``setup`` that raises does not kill the actor: each call re-raises its exception, so the caller gets
    it as it was (a glossary error stays a one-line glossary error) rather than as a dead actor.
    """

    def __init__(self, setup: Callable[[Any], Any], config: Any, work: Callable[[Any, Any], Any]) -> None:
        self._work = work
        self._failed: BaseException | None = None
        self._state: Any = None
        try:
            self._state = setup(config)
        except Exception as exc:  # re-raised by every call: see the class docstring
            self._failed = exc

    def run(self, item: Any) -> Any:
        if self._failed is not None:
            raise self._failed
        return self._work(self._state, item)


@dataclass(frozen=True, slots=True)
class RayExecutor:
    """Workers as Ray actors, on a cluster or on a Ray instance started on this machine.

    Attributes:
        jobs: actors (one CPU each); the local instance gets this many CPUs.
        address: the cluster (``HOST:PORT``, ``auto``, ``ray://HOST:PORT``); None: a local instance.
        window: items in flight at once (default ``2 * jobs``).
    """

    jobs: int = 1
    address: str | None = None
    window: int = 0

    @property
    def workers(self) -> int:
        """How many workers run at once."""
        return max(1, self.jobs)

    def map(
        self, setup: Callable[[C], S], config: C, work: Callable[[S, T], R], items: Iterable[T]
    ) -> Iterator[R]:
        """Yield ``work(setup(config), item)`` for each item, in order (see the module docstring).

        Raises:
            ConfigError: Ray is not installed.
            BackendError: the cluster cannot be reached or is too small, or an actor died.
        """
        with _connected(self.address, self.workers) as ray:
            _check_room(ray, self.workers)
            actor = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_Worker)
            shared = ray.put(config)
            actors = [actor.remote(setup, shared, work) for _ in range(self.workers)]
            try:
                yield from _ordered(ray, actors, items, self.window or 2 * self.workers)
            finally:
                for handle in actors:
                    ray.kill(handle)


_QUIET = {"log_to_driver": False, "logging_level": logging.WARNING}


def _failures(ray: Any) -> tuple[type[BaseException], ...]:
    return (ConnectionError, RuntimeError, ValueError, OSError, ray.exceptions.RayError)


@contextmanager
def _connected(address: str | None, cpus: int) -> Iterator[Any]:
    """Import Ray and connect for one map (yielding the module): the caller's connection if there is one,
    else the cluster at ``address``, else a local instance of ``cpus`` CPUs, shut down afterwards.

    Ray reads some of its variables when it is imported (the single-machine mode among them), so they are
    set before the import, and kept until the end: the driver reads its token lazily.
    """
    loaded = sys.modules.get("ray")
    if loaded is not None and loaded.is_initialized():
        yield loaded
        return
    local = not address
    variables = _local_environment() if local else _NO_USAGE_STATS
    with _environment(variables):
        ray = _import_ray()
    try:
        with _environment(variables):
            if loaded is not None:
                _reload_auth(ray)  # imported before: its cached authentication settings are stale
            folder = tempfile.mkdtemp(prefix="glossa-ray-") if local else None
            try:
                with _handlers_kept():
                    _init(ray, address, cpus, folder)
                yield ray
            finally:
                ray.shutdown()
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        _reload_auth(ray)  # the variables are back as they were


@contextmanager
def _handlers_kept() -> Iterator[None]:
    """Put back the stop signals' handlers after the block: ``ray.init`` replaces SIGTERM's with one that
    exits 15 at once (no interrupt message, no clean-up; ``ray.shutdown`` leaves it), where the command
    line's raises :class:`~pipeline.errors.Terminated`. Main thread only, like every handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in saved.items():
            if handler is not None:
                signal.signal(number, handler)


def _init(ray: Any, address: str | None, cpus: int, folder: str | None) -> None:
    """``ray.init`` for a cluster (``address``) or a local instance (session files in ``folder``)."""
    if address:
        _check_reachable(address)
    try:
        if address:
            ray.init(address=address, **_QUIET)
        else:
            ray.init(address="local", num_cpus=cpus, include_dashboard=False, _temp_dir=folder, **_QUIET)
    except _failures(ray) as exc:
        ray.shutdown()
        if address:
            raise BackendError(
                f"cannot connect to the Ray cluster at {address} ({_first_line(exc)}); check --ray-address / "
                "RAY_ADDRESS, and for a cluster with token authentication set RAY_AUTH_MODE=token and its "
                "token (RAY_AUTH_TOKEN or ~/.ray/auth_token) where glossa runs"
            ) from None
        raise BackendError(
            f"cannot start a local Ray instance ({_first_line(exc)}); run with --executor local, "
            "or start a cluster and pass --ray-address"
        ) from None


def _check_reachable(address: str) -> None:
    """Fail fast on a ``HOST:PORT`` nothing listens on: ``ray.init`` would retry it for minutes.

    ``auto`` (the cluster ``ray start`` left on this machine) and ``ray://`` (Ray Client) are left to Ray.
    """
    import socket

    host, sep, port = address.rpartition(":")
    if not sep or "://" in address or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise BackendError(
            f"cannot reach the Ray cluster at {address} ({exc.strerror or exc}); start it with "
            "`ray start --head`, or fix --ray-address / RAY_ADDRESS"
        ) from None


def _reload_auth(ray: Any) -> None:
    """Make this process's Ray core read the authentication variables again (it reads them once and caches
    them; Ray's own ``reset_auth_token_state`` does the same)."""
    raylet = ray._raylet
    raylet.Config.initialize("")
    raylet.AuthenticationTokenLoader.instance().reset_cache()


def _local_environment() -> dict[str, str | None]:
    """The variables a local Ray instance's processes start with (None: unset), so that none of them
    touches the network (checked with ``strace -f -e trace=connect`` on Ray 2.60: loopback only)."""
    return {
        **_NO_USAGE_STATS,
        # Ray's single-machine mode: every process binds 127.0.0.1, and the node address is not found by
        # a route lookup towards 8.8.8.8.
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        # The processes authenticate to each other (other users of this machine can reach 127.0.0.1)
        # with a token of this run's own, so Ray neither warns about it nor writes ~/.ray/auth_token.
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
        # Ray's dashboard process asks the cloud metadata servers which cloud it runs in (for its usage
        # report, even with the report off); point the requests library's proxy at a closed local port
        # so the question never leaves the machine. gRPC reads only the lower-case names.
        "HTTP_PROXY": "http://127.0.0.1:9",
        **dict.fromkeys(_PROXIES, None),
    }


@contextmanager
def _environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or unset, for None) environment variables while Ray starts its processes, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _check_room(ray: Any, workers: int) -> None:
    """Refuse a cluster with fewer CPUs than actors: the actors left over would wait for ever."""
    cpus = int(ray.cluster_resources().get("CPU", 0))
    if cpus < workers:
        raise BackendError(
            f"the Ray cluster has {cpus} CPU(s), fewer than the {workers} workers asked for; "
            "lower --jobs or add nodes"
        )


def _ordered(ray: Any, actors: list[Any], items: Iterable[Any], window: int) -> Iterator[Any]:
    """Give each item to the least-loaded actor; yield the results in order, ``window`` at most in flight."""
    order: deque[Any] = deque()  # refs not yet yielded, in the items' order
    running: dict[Any, int] = {}  # refs not yet seen finished -> the actor running them
    load = [0] * len(actors)  # items queued on each actor
    source = iter(items)
    more = True
    while True:
        while more and len(order) < window:
            item = next(source, _END)
            if item is _END:
                more = False
                break
            _reap(ray, running, load, block=False)
            chosen = min(range(len(actors)), key=load.__getitem__)
            ref = actors[chosen].run.remote(item)
            order.append(ref)
            running[ref] = chosen
            load[chosen] += 1
        if not order:
            return
        head = order.popleft()
        while head in running:
            _reap(ray, running, load, block=True)
        yield _result(ray, head)


_END = object()


def _reap(ray: Any, running: dict[Any, int], load: list[int], *, block: bool) -> None:
    """Forget the refs that have finished (waiting for one when ``block``), freeing their actors."""
    if not running:
        return
    refs = list(running)
    ready, _ = ray.wait(refs, num_returns=1 if block else len(refs), timeout=None if block else 0)
    for ref in ready:
        load[running.pop(ref)] -= 1


def _result(ray: Any, ref: Any) -> Any:
    """The value of a finished item; its exception as it was raised, or a BackendError for a dead actor."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as exc:
        cause = exc.cause
        if isinstance(cause, Exception) and not isinstance(cause, ray.exceptions.RayError):
            raise cause from exc
        raise BackendError(f"a Ray worker failed: {_first_line(exc)}") from exc
    except ray.exceptions.RayError as exc:
        raise BackendError(
            f"a Ray worker died ({_first_line(exc)}); see the Ray logs, and check the workers' memory"
        ) from exc


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:300]
