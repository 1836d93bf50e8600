"""Progress methods, one module each, registered by name.

``linear`` is the default; ``last`` and ``pace`` are simpler extrapolations, and
``open-sdg``, ``eurostat``, ``un-sdg`` (and its 2023 revision ``un-sdg-2023``) and
``destatis`` reproduce the progress assessments
the statistical offices publish (see docs/methods.md). Third-party packages add methods
through the ``goalengine.methods`` entry point group; each entry point names a
:class:`~goalengine.methods.base.ProgressMethod` instance (or a class that builds one).
"""

from __future__ import annotations

from importlib import import_module

from ..errors import UnknownNameError, did_you_mean
from .base import MethodInput, MethodOutcome, ProgressMethod

__all__ = [
    "MethodInput",
    "MethodOutcome",
    "ProgressMethod",
    "available",
    "get",
    "register",
]

# name -> module holding a module-level ``METHOD``; imported on first use to keep start-up light.
_BUILTIN = {
    "linear": "linear",
    "last": "last",
    "pace": "pace",
    "open-sdg": "open_sdg",
    "eurostat": "eurostat",
    "un-sdg": "un_sdg",
    "un-sdg-2023": "un_sdg_2023",
    "destatis": "destatis",
}
_registry: dict[str, ProgressMethod] = {}
_plugins_loaded = False


def register(method: ProgressMethod) -> ProgressMethod:
    """Make ``method`` selectable as ``method: <method.name>``."""
    if not isinstance(method, ProgressMethod):
        raise TypeError(f"{method!r} does not implement ProgressMethod")
    _registry[method.name] = method
    return method


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    # Here, not at the top: importlib.metadata (email, zipfile...) is a fifth of the
    # package's own import time, and a built-in method never needs it.
    from importlib.metadata import entry_points

    for entry in entry_points(group="goalengine.methods"):
        loaded = entry.load()
        register(loaded() if isinstance(loaded, type) else loaded)


def available() -> list[str]:
    """Names of every method, built-in and plugged in."""
    _load_plugins()
    return sorted(set(_BUILTIN) | set(_registry))


def get(name: str) -> ProgressMethod:
    """The method called ``name``; :class:`UnknownNameError` with a hint otherwise."""
    if name in _registry:
        return _registry[name]
    if name in _BUILTIN:
        module = import_module(f"{__name__}.{_BUILTIN[name]}")
        return register(module.METHOD)
    _load_plugins()
    if name in _registry:
        return _registry[name]
    raise UnknownNameError(
        f"unknown method '{name}'",
        hint=did_you_mean(name, available()) or f"choose one of {', '.join(available())}",
    )
