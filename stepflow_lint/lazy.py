"""Modules imported on first use, for a quick start.

networkx takes about 0.3 s to import: more than linting a small flow. Most
lints never need it (the graph answers acyclicity and the executed set from a
plain dict), and `--version` or `--help` need nothing at all. A module that
uses networkx here and there names it with ``nx = lazy_module("networkx")``;
the real import happens at the first attribute read.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class _LazyModule:
    __slots__ = ("_name", "_module")

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str):
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str):
    """A stand-in for ``import name`` that imports the module when one of its attributes is first read."""
    return _LazyModule(name)


class _LazyAttribute:
    """A function or class of a module not imported yet: called (or read) once, it imports it."""

    __slots__ = ("_module", "_name", "_target")

    def __init__(self, module: str, name: str):
        self._module, self._name, self._target = module, name, None

    def _resolve(self):
        if self._target is None:
            self._target = getattr(importlib.import_module(self._module), self._name)
        return self._target

    def __call__(self, *args, **kwargs):
        return self._resolve()(*args, **kwargs)

    def __getattr__(self, attribute: str):
        return getattr(self._resolve(), attribute)

    def __repr__(self) -> str:
        return f"<lazy {self._module}.{self._name}>"


def lazy_attribute(module: str, name: str):
    """A stand-in for ``from module import name`` for names that are only called (functions, classes
    used as constructors), never used in ``isinstance``, ``except`` or as a base class."""
    return _LazyAttribute(module, name)


networkx = lazy_module("networkx")  # `from .lazy import networkx as nx` where `import networkx as nx` was

# rich costs about 0.1 s to import; `--version` and `--help` print without it. Drop-in names for
# `from rich.console import Console` and the like, in modules that only call them.
Console = lazy_attribute("rich.console", "Console")
Table = lazy_attribute("rich.table", "Table")
Text = lazy_attribute("rich.text", "Text")
Markdown = lazy_attribute("rich.markdown", "Markdown")
escape = lazy_attribute("rich.markup", "escape")
cell_len = lazy_attribute("rich.cells", "cell_len")
