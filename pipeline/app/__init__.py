"""Whole jobs over plain values: each command's work as one function, wiring the pure stages to the formats.

Application functions open files through :mod:`pipeline.formats` and :mod:`pipeline.glossary.io`, build the
pure stages once, and return result values (:mod:`pipeline.document`); they never print. Progress is reported
through an optional :data:`Progress` callback.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress"]

Progress = Callable[[int, int], None]
"""``(done, total)`` callback, called after each file."""
