"""Every rule, one module per family; importing this package registers them all."""

# Imported for their side effect: each rule class registers itself.
from . import (ai, ambiguous, components, dataflow, dependencies, execution, extraction, ignored,  # noqa: F401
               legacy, noqa, references, structure, syntax, testcases, validation, variables)
from .base import REGISTRY, LintContext, Rule, register

__all__ = ["REGISTRY", "LintContext", "Rule", "register", "all_rules"]


def all_rules() -> list[type[Rule]]:
    return [REGISTRY[code] for code in sorted(REGISTRY)]
