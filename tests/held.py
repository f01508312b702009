"""A real ``glossa`` command whose work items past a point do not end on their own (kill and Ctrl-C tests).

A test that stops a run mid-way must know the run is still going when the signal lands: on a fast machine an
unhindered run of small items can end between the poll that saw the first results and the signal. The
command wraps one function of the pipeline so that some calls sleep for an hour first. The local executor
forks its workers from this process, so they inherit the wrapper. The signal, or the test's clean-up, ends
the sleep.
"""

from __future__ import annotations

import sys

__all__ = ["held_glossa"]


def held_glossa(module: str, function: str, held_when: str) -> list[str]:
    """The argv of ``glossa`` with ``module.function`` wrapped: a call whose positional arguments ``a``
    satisfy the Python expression ``held_when`` sleeps an hour before it runs. Append the command's own
    arguments."""
    code = (
        f"import sys, time; import {module} as m; real = m.{function}; "
        f"m.{function} = lambda *a, **k: (({held_when}) and time.sleep(3600), real(*a, **k))[1]; "
        "sys.argv[0] = 'glossa'; from pipeline.cli import main; main()"
    )
    return [sys.executable, "-c", code]
