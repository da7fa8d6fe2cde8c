"""Every rule, one module per family; importing this package registers them all."""

# Imported for their side effect: each rule class registers itself.
from . import (ai, dataflow, dependencies, legacy, noqa, references, structure, syntax,  # noqa: F401
               testcases, validation, variables)
from .base import REGISTRY, LintContext, Rule, register

__all__ = ["REGISTRY", "LintContext", "Rule", "register", "all_rules"]


def all_rules() -> list[type[Rule]]:
    return [REGISTRY[code] for code in sorted(REGISTRY)]
