"""The Stepflow flow model: what a flow means, every part with its span."""

from .build import build_flow
from .expressions import (Arr, Coalesce, Conditional, Field, Literal, Obj, Ref, RefForm, RefKind, Scalar, Value,
                          content_end)
from .flow import LEGACY_ON_ERROR_KEYS, LEGACY_ROOT_KEYS, LEGACY_STEP_KEYS, Flow, OnError, Problem, Step, TestCase
from .read import ValueReader, read_value
from .walk import iter_refs, walk_values

__all__ = [
    "Arr", "Coalesce", "Conditional", "Field", "Flow", "LEGACY_ON_ERROR_KEYS", "LEGACY_ROOT_KEYS",
    "LEGACY_STEP_KEYS", "Literal", "Obj", "OnError", "Problem", "Ref", "RefForm", "RefKind", "Scalar", "Step",
    "TestCase", "Value", "ValueReader", "build_flow", "content_end", "iter_refs", "read_value", "walk_values",
]
