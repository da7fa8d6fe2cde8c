"""YAML text to ruamel.yaml nodes: the C composer when installed, else the pure-Python one.

Why the C path composes into lean node classes: ruamel's node constructors
wrap every tag in a ``Tag`` object and its resolver runs a regular
expression per scalar, which together cost as much as libyaml's whole
parse. A linter never uses tags (it never constructs objects from them), so
the C composer is handed subclasses of ruamel's own node classes whose
constructors only store what we read, and a resolver that does nothing.
ruamel's Cython composer finds the node classes through its module's
globals; they are swapped for the duration of one compose, under a lock,
and the standard path is used whenever that module does not look as
expected. The nodes are still ``ScalarNode``/``SequenceNode``/``MappingNode``
instances, so everything downstream (and the pure path) treats them alike.
"""

from __future__ import annotations

import importlib
import threading
from contextlib import contextmanager

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:
    from ruamel.yaml.cyaml import CBaseLoader, CParser
except ImportError:  # pragma: no cover - without ruamel.yaml.clib
    CBaseLoader = CParser = None

HAVE_C_PARSER = CParser is not None


# The C composer calls a node class once per node with (tag, value, start_mark, end_mark, style or
# flow_style) and sets a collection's end mark afterwards. The linter reads no tag, comment or
# anchor (the C composer keeps anchors in its own table), so a lean node stores None for them.


class _LeanScalar(ScalarNode):
    __slots__ = ()

    def __init__(self, tag, value, start_mark, end_mark, style):
        self.ctag = self.comment = self.anchor = None
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.style = style


class _LeanSequence(SequenceNode):
    __slots__ = ()

    def __init__(self, tag, value, start_mark, end_mark, flow_style):
        self.ctag = self.comment = self.anchor = None
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.flow_style = flow_style


class _LeanMapping(MappingNode):
    __slots__ = ()

    def __init__(self, tag, value, start_mark, end_mark, flow_style):
        self.ctag = self.comment = self.anchor = self.merge = None
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.flow_style = flow_style


if HAVE_C_PARSER:
    class _LeanComposer(CParser):
        """libyaml's parser and ruamel's Cython composer, with tag resolution switched off.

        The composer calls the three resolver hooks for every node; as Python methods they
        cost a frame each (an eighth of composing). These are C callables taking the same
        arguments, whose results the composer drops (descend, ascend) or hands to the lean
        nodes as the tag, which they drop.
        """

        descend_resolver = staticmethod(slice)  # (parent, index)
        ascend_resolver = staticmethod(tuple)   # ()
        resolve = staticmethod(slice)           # (node kind, value, implicit): the tag


def _c_module():
    try:
        module = importlib.import_module(CParser.__module__.rsplit(".", 1)[-1]) if HAVE_C_PARSER else None
    except ImportError:  # pragma: no cover - depends on how ruamel.yaml.clib is packaged
        return None
    names = ("ScalarNode", "SequenceNode", "MappingNode")
    if module is None or not all(getattr(module, n, None) is not None for n in names):
        return None  # pragma: no cover
    return module


_C_MODULE = _c_module()
_SWAP_LOCK = threading.Lock()


@contextmanager
def _lean_nodes():
    module = _C_MODULE
    with _SWAP_LOCK:
        saved = module.ScalarNode, module.SequenceNode, module.MappingNode
        module.ScalarNode, module.SequenceNode, module.MappingNode = _LeanScalar, _LeanSequence, _LeanMapping
        try:
            yield
        finally:
            module.ScalarNode, module.SequenceNode, module.MappingNode = saved


def compose(text: str, *, pure: bool = False) -> Node | None:
    """The single document in ``text`` as a node tree (None for an empty stream).

    Raises ruamel's ``YAMLError`` subclasses for invalid YAML.
    """
    if pure or not HAVE_C_PARSER:
        return YAML(typ="base", pure=True).compose(text)
    if _C_MODULE is None:  # pragma: no cover - unexpected ruamel.yaml.clib layout
        return CBaseLoader(text).get_single_node()
    with _lean_nodes():
        return _LeanComposer(text).get_single_node()


def events(text: str):
    """The YAML events of ``text`` (for the exact nesting check), from the fastest parser."""
    if not HAVE_C_PARSER:
        yield from YAML(typ="base", pure=True).parse(text)
        return
    parser = CParser(text)
    while parser.check_event():
        yield parser.get_event()
