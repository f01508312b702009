"""``glossa audit --checkpoint DIR``: finished shards are kept, a rerun resumes and ends with the same report.

The kill test runs the real command in a subprocess with two workers, kills the whole process group with
SIGKILL once some shards (not all) have finished, reruns it and compares the report with an uninterrupted
run's, byte for byte.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from held import held_glossa
from typer.testing import CliRunner

from pipeline.app.audit import AuditProgress, ShardResult, audit_paths
from pipeline.app.checkpoint import MANIFEST
from pipeline.cli import app
from pipeline.config import Settings, resolve
from pipeline.errors import ConfigError
from pipeline.formats.shards import Shard, plan_file
from pipeline.render.audit import render_json

REPO = Path(__file__).resolve().parents[2]
FEED = REPO / "samples" / "space-news-feed.jsonl"


def _corpus(path: Path, copies: int) -> Path:
    lines = FEED.read_text(encoding="utf-8").splitlines()
    out = []
    for n in range(copies):
        for line in lines:
            record = json.loads(line)
            record["id"] = f"{n}-{record['id']}"
            out.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _settings(shard_size: int = 2000) -> Settings:
    return resolve({"shard_size": shard_size}, env={}, cwd=REPO)


def _done(folder: Path) -> list[Path]:
    return sorted((folder / "shards").glob("*.done"))


def test_a_rerun_resumes_and_gives_the_same_report(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "feed.jsonl", 3)
    expected = render_json(audit_paths([corpus], _settings()))
    folder = tmp_path / "ckpt"
    assert render_json(audit_paths([corpus], _settings(), checkpoint=folder)) == expected
    markers = _done(folder)
    assert len(markers) > 3
    assert (folder / MANIFEST).is_file()
    for marker in markers[1::2]:
        marker.unlink()
    (folder / "shards" / markers[0].name.replace(".done", ".json")).write_text("{}")  # damaged: redone
    seen: list[AuditProgress] = []
    run = audit_paths([corpus], _settings(), checkpoint=folder, progress=seen.append)
    assert render_json(run) == expected
    assert seen[-1].resumed == len(markers) - len(markers[1::2]) - 1
    assert seen[-1].shards_done == len(markers)
    assert seen[-1].fraction == 1.0


def test_other_inputs_or_settings_are_refused(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "feed.jsonl", 1)
    folder = tmp_path / "ckpt"
    audit_paths([corpus], _settings(), checkpoint=folder)
    with pytest.raises(ConfigError, match="the shard size changed"):
        audit_paths([corpus], _settings(3000), checkpoint=folder)
    with pytest.raises(ConfigError, match="the setting min_confidence changed"):
        audit_paths([corpus], resolve({"shard_size": 2000, "min_confidence": 0.9}, env={}), checkpoint=folder)
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write('{"text": "one more"}\n')
    with pytest.raises(ConfigError, match=r"feed.jsonl changed \(size or modification time\)"):
        audit_paths([corpus], _settings(), checkpoint=folder)


def test_a_folder_that_is_not_a_checkpoint_is_left_alone(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "feed.jsonl", 1)
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(ConfigError, match="not empty and not a Glossa checkpoint"):
        audit_paths([corpus], _settings(), checkpoint=folder)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_failed_shard_is_not_kept_and_a_rerun_does_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.app.audit as audit

    corpus = _corpus(tmp_path / "feed.jsonl", 2)
    expected = render_json(audit_paths([corpus], _settings()))
    real = audit._range

    def flaky(state: object, shard: Shard) -> ShardResult:
        if shard.index == 2:
            raise RuntimeError("worker bug")
        return real(state, shard)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "_range", flaky)
    folder = tmp_path / "ckpt"
    run = audit_paths([corpus], _settings(), checkpoint=folder)
    assert run.files[0].error is not None
    assert "worker bug" in run.files[0].error
    total = len(list(plan_file(corpus, 0, shard_size=2000, max_bytes=10**9)))
    assert len(_done(folder)) == total - 1
    assert not (folder / "shards" / "0-2.done").exists()
    monkeypatch.setattr(audit, "_range", real)
    assert render_json(audit_paths([corpus], _settings(), checkpoint=folder)) == expected


def test_the_cli_refuses_a_changed_run_in_one_line(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "feed.jsonl", 1)
    folder = tmp_path / "ckpt"
    runner = CliRunner()
    env = {"GLOSSA_SHARD_SIZE": "3000"}
    first = runner.invoke(
        app, ["audit", str(corpus), "--format", "json", "--checkpoint", str(folder)], env=env
    )
    assert first.exit_code == 1, first.output
    assert "from the checkpoint" not in first.stderr
    assert "audited " in first.stderr
    again = runner.invoke(
        app, ["audit", str(corpus), "--format", "json", "--checkpoint", str(folder)], env=env
    )
    assert again.stdout == first.stdout
    assert "from the checkpoint" in again.stderr
    other = runner.invoke(
        app,
        ["audit", str(corpus), "--format", "json", "--checkpoint", str(folder)],
        env={"GLOSSA_SHARD_SIZE": "1"},
    )
    assert other.exit_code == 2
    assert other.stdout == ""
    assert other.stderr.count("\n") == 1
    assert "the shard size changed" in other.stderr


# The killed run's shards from the fifth on are held (tests/held.py), so the kill lands mid-run whatever the
# machine's speed: the feed's records repeat, the worker's caches make a shard a few milliseconds, and an
# unhindered run ended once in CI between the poll that saw two shards done and the kill. The resumed and the
# whole runs are unhindered.
_HELD = held_glossa("pipeline.app.audit", "_range", "a[1].index >= 4")


def _audit_args(corpus: Path, folder: Path, out: Path) -> list[str]:
    """``audit CORPUS --jobs 2 --checkpoint FOLDER -o OUT``: the interrupted runs of these tests."""
    return ["audit", str(corpus), "--jobs", "2", "--checkpoint", str(folder), "-o", str(out)]


def _glossa(*args: str, held: bool = False, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "GLOSSA_SHARD_SIZE": "2000"}
    command = _HELD if held else [sys.executable, "-m", "pipeline"]
    return subprocess.Popen(
        [*command, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_gives_the_uninterrupted_report(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "big.jsonl", 12)
    total = len(list(plan_file(corpus, 0, shard_size=2000, max_bytes=10**9)))
    assert total >= 10
    folder = tmp_path / "ckpt"
    killed = _glossa(
        *_audit_args(corpus, folder, tmp_path / "a.json"),
        held=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (folder / "shards").is_dir() or len(_done(folder)) < 2:
        assert killed.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.communicate()
    finished = len(_done(folder))
    assert 2 <= finished <= 4 < total
    assert not (tmp_path / "a.json").exists()
    resumed = _glossa(
        "audit", str(corpus), "--jobs", "2", "--checkpoint", str(folder), "-o", str(tmp_path / "a.json")
    )
    whole = _glossa("audit", str(corpus), "--jobs", "1", "-o", str(tmp_path / "b.json"))
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 1, err
    assert f"{finished} from the checkpoint" in err.decode() or "from the checkpoint" in err.decode()
    whole.communicate(timeout=600)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert len(_done(folder)) == total


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
        return [int(n) for n in handle.read().split()]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads child processes from /proc")
@pytest.mark.parametrize(
    ("name", "code"), [("SIGTERM", 143), ("SIGINT", 130), ("SIGHUP", 129), ("SIGKILL", -signal.SIGKILL)]
)
def test_a_signal_to_the_driver_alone_ends_the_run_and_its_workers(
    tmp_path: Path, name: str, code: int
) -> None:
    """``kill`` of the driver process only (a batch scheduler's cancel, ``timeout``, a closed terminal): the
    workers hold shards that would take an hour, yet the run ends at once and leaves no process; SIGKILL
    leaves the workers orphaned, and they exit by themselves. The checkpoint keeps what finished."""
    corpus = _corpus(tmp_path / "big.jsonl", 12)
    folder = tmp_path / "ckpt"
    args = ("audit", str(corpus), "--jobs", "2", "--checkpoint", str(folder), "-o", str(tmp_path / "a.json"))
    run = _glossa(*args, held=True)
    deadline = time.monotonic() + 300
    while not (folder / "shards").is_dir() or len(_done(folder)) < 2:
        assert run.poll() is None, "the run ended before the signal"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    workers = _children(run.pid)
    assert len(workers) == 2
    os.kill(run.pid, getattr(signal, name))
    try:
        _, err = run.communicate(timeout=60)  # the workers share its stderr: it closes when all are gone
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                if _running(pid):
                    os.kill(pid, signal.SIGKILL)
    assert run.returncode == code
    assert not any(map(_running, workers))
    kept = len(_done(folder))
    assert 2 <= kept <= 4
    if name != "SIGKILL":
        assert err.decode().strip().splitlines()[-1] == (
            f"glossa: interrupted; {kept} finished shards kept in {folder}: "
            "run the same command again to resume"
        )
    assert not (tmp_path / "a.json").exists()
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
    resumed = _glossa(*args)
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 1, err
    assert f"{kept} from the checkpoint" in err.decode()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="Linux: a pseudo-terminal, /proc")
def test_closing_the_terminal_ends_the_run_with_129(tmp_path: Path) -> None:
    """SIGHUP from a terminal that closed: the progress bar can no longer clear itself (the write fails with
    EIO) and the message cannot be shown, yet the run ends as interrupted (129), not with that error (1)."""
    import pty

    corpus = _corpus(tmp_path / "big.jsonl", 12)
    folder = tmp_path / "ckpt"
    env = {**os.environ, "PYTHONPATH": str(REPO), "GLOSSA_SHARD_SIZE": "2000"}
    argv = [*_HELD, *_audit_args(corpus, folder, tmp_path / "a")]
    pid, terminal = pty.fork()
    if pid == 0:  # the child: glossa on a terminal, so it draws its progress bar
        os.execve(argv[0], argv, env)
    status = None
    try:
        deadline = time.monotonic() + 300
        while not (folder / "shards").is_dir() or len(_done(folder)) < 2:
            if select.select([terminal], [], [], 0.05)[0]:
                with contextlib.suppress(OSError):
                    os.read(terminal, 65536)  # what it draws
            assert time.monotonic() < deadline
        workers = _children(pid)
        os.close(terminal)  # hang up: the kernel sends SIGHUP to the terminal's foreground group
        _, status = os.waitpid(pid, 0)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 129
    time.sleep(0.5)
    assert not any(map(_running, workers))
    assert 2 <= len(_done(folder)) <= 4
