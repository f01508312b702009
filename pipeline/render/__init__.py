"""Renderers: pure functions from result values to text (table, JSON, JSON Lines, SARIF), and the exit codes.

Nothing here reads files or the environment; the CLI prints what these return.
"""

from __future__ import annotations
