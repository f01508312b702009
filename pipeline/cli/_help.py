"""Help in the style of click tools: ``PATH...``, ``[PATH]...``, ``FLOAT``, ``TEXT``, ``[table|json]``.

typer 0.2x writes Python types into help (``<list[Path]>``, ``<float range>``, ``{paths}...``);
:func:`install` replaces the four methods of typer's parameter classes that spell them, once, at import of
:mod:`pipeline.cli`. Rules: help text only (parsing is untouched); an explicit ``metavar=`` always wins.
"""

from __future__ import annotations

import types
from pathlib import PurePath
from typing import Any, Union, get_args, get_origin

from typer import core

__all__ = ["install", "type_label"]

_NAMES = {str: "TEXT", int: "INTEGER", float: "FLOAT", bool: "BOOLEAN"}


def type_label(param: Any) -> str:
    """Click's word for the value of ``param``: ``TEXT``, ``INTEGER``, ``FLOAT``, ``PATH``/``FILE``/
    ``DIRECTORY``, or the choices as ``[a|b]`` (a repeatable option names one value)."""
    desc = param.type_descriptor
    if desc.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices or ()) + "]"
    annotation = _element(desc.annotation)
    if desc.is_path or (isinstance(annotation, type) and issubclass(annotation, PurePath)):
        return {"file": "FILE", "dir": "DIRECTORY"}.get(desc.path_type, "PATH")
    return _NAMES.get(annotation, "TEXT")


def _element(annotation: Any) -> Any:
    """``list[X] | None`` -> ``X``."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    return annotation


def _option_type(self: Any, ctx: Any) -> str | None:
    if self.metavar is not None:
        return str(self.metavar)
    return type_label(self)


def _argument_name(self: Any) -> str:
    if self.metavar is not None:
        return str(self.metavar)
    name = str(self.name or "").upper()
    return name + ("..." if self.nargs != 1 else "")


def _argument_usage(self: Any) -> str:
    if self.metavar is not None:
        name = str(self.metavar)
        return name if self.required else f"[{name.removesuffix('...')}]" + ("..." * name.endswith("..."))
    name = str(self.name or "").upper()
    shown = name if self.required else f"[{name}]"
    return shown + ("..." if self.nargs != 1 else "")


def _argument_type(self: Any, ctx: Any) -> str | None:
    return None  # the name already says it (PATH..., FILE)


def install() -> None:
    """Make typer's help speak click's metavars (idempotent)."""
    core.TyperOption.display_type_rich = _option_type  # type: ignore[method-assign]
    core.TyperArgument._rich_display_name = _argument_name  # type: ignore[method-assign]
    core.TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]
    core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign]
