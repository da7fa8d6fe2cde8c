"""Test-case rule of the structure family (SF112), imported by :mod:`.structure`."""

from __future__ import annotations

import difflib

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from ..diagnostics import Severity, Span
from ..model import Flow
from ..yaml.parse import scalar_value, to_python
from .base import LintContext, Rule, register


def _get(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


OUTCOMES = {"success": ("result",), "failed": ("error",)}   # the engine knows no other outcome
ERROR_CODES = ("UNSPECIFIED", "TIMEOUT", "INVALID_INPUT", "COMPONENT_FAILED", "CANCELLED", "UNREACHABLE",
               "COMPONENT_NOT_FOUND", "RESOURCE_UNAVAILABLE", "EXPRESSION_FAILURE", "ORCHESTRATOR_ERROR",
               "WORKER_ERROR")                                 # `error.code` (stepflow-orchestrator 0.13)
MATCHERS = ("$less_than", "$less_than_or_equal", "$greater_than", "$greater_than_or_equal", "$equals")


# Input schemas the metaschema accepted: checking one costs ~4 ms, and a directory of flows repeats them.
_VALID_SCHEMAS: set[tuple[type, str]] = set()


@register
class InvalidTestCase(Rule):
    """
    ## What it does
    Checks `test.cases` as the engine reads them: each case is a mapping
    with a string `name`, a string `description` if any, and an `input`; the
    `input` validates against the flow's input schema (JSON Schema, when the
    flow declares one); an `output`, when given, is `{outcome: success,
    result}` or `{outcome: failed, error: {code, message}}` — there is no
    other outcome (no `skipped`), a `success` case needs a `result` (`null`
    is one) even when it checks `performance_metrics`, and `error.code` is
    one of the engine's codes (`COMPONENT_FAILED`, `TIMEOUT`,
    `INVALID_INPUT`, …), not a number. Each performance metric (the guide's
    performance tests) is a matcher mapping with one or more of
    `$less_than`, `$less_than_or_equal`, `$greater_than`,
    `$greater_than_or_equal`, `$equals`, each with a number.

    ## Why is this bad?
    The engine refuses the whole flow when one test case is malformed, and
    a case that loads but compares the wrong thing passes or fails for the
    wrong reason: an input the schema rejects tests the validator, not the
    flow.

    ## Example
    ```yaml
    test:
      cases:
        - name: fast enough
          input: { m: "8" }          # the schema says integer
          output:
            outcome: succes
            performance_metrics:
              execution_time_ms: { $less: 3000 }
        - name: rejects bad input
          input: { m: -1 }
          output: { outcome: failed, error: { code: 400, message: bad } }
    ```

    ## Fix
    ```yaml
          input: { m: 8 }
          output:
            outcome: success
            result: { total: 8 }
            performance_metrics:
              execution_time_ms: { $less_than: 3000 }
        - name: rejects bad input
          input: { m: -1 }
          output: { outcome: failed, error: { code: INVALID_INPUT, message: bad } }
    ```
    """

    code = "SF112"
    name = "invalid-test-case"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            validator = self._validator(flow) if flow.test_cases else None
            for number, case in enumerate(flow.test_cases, 1):
                label = f"test case `{case.name}`" if isinstance(case.name, str) and case.name else f"test case {number}"
                if not isinstance(case.node, MappingNode):
                    yield self.diagnostic(case.span, f"{label} must be a mapping with `name`, `input` and `output`")
                    continue
                name = _get(case.node, "name")
                if name is None:
                    yield self.diagnostic(case.span, f"{label} has no `name`")
                elif not (isinstance(name, ScalarNode) and isinstance(scalar_value(name), str) and name.value):
                    yield self.diagnostic(Span.of(name), f"the `name` of {label} must be a non-empty string")
                if case.input is None:
                    yield self.diagnostic(case.span, f"{label} has no `input` (write `input: {{}}` for none)")
                elif validator is not None:
                    yield from self._check_input(validator, case.input, label)
                description = _get(case.node, "description")
                if description is not None and not (isinstance(description, ScalarNode)
                                                    and isinstance(scalar_value(description), str)):
                    yield self.diagnostic(Span.of(description), f"the `description` of {label} must be a string")
                if case.output is not None and not (isinstance(case.output, ScalarNode)
                                                    and scalar_value(case.output) is None):
                    yield from self._check_output(case.output, label)

    @staticmethod
    def _validator(flow: Flow):
        if not isinstance(flow.input_schema, MappingNode):
            return None
        import jsonschema
        schema = to_python(flow.input_schema)
        root = to_python(flow.schemas) if isinstance(flow.schemas, MappingNode) else {}
        for key in ("$defs", "definitions", "defs"):
            if isinstance(root.get(key), dict) and key not in schema:
                schema[key] = root[key]
        try:
            cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
            key = (cls, repr(schema))
            if key not in _VALID_SCHEMAS:
                cls.check_schema(schema)
                if len(_VALID_SCHEMAS) >= 1024:
                    _VALID_SCHEMAS.clear()
                _VALID_SCHEMAS.add(key)
            return cls(schema)
        except Exception:  # an invalid schema is not a test-case problem
            return None

    def _check_input(self, validator, node: Node, label: str):
        try:
            errors = sorted(validator.iter_errors(to_python(node)), key=lambda e: list(map(str, e.absolute_path)))
        except Exception:  # unresolvable $ref and the like: nothing can be said
            return
        for error in errors[:10]:
            target, where = node, []
            for part in error.absolute_path:
                child = target.value[part] if isinstance(part, int) and not isinstance(target, MappingNode) \
                    and part < len(getattr(target, "value", [])) else _get(target, str(part))
                if child is None:
                    break
                target, where = child, where + [part]
            at = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
            yield self.diagnostic(Span.of(target), f"the input of {label} does not match the flow's input schema"
                                                   f"{f' at `input{at}`' if at else ''}: {error.message}")

    def _check_output(self, node: Node, label: str):
        if not isinstance(node, MappingNode):
            yield self.diagnostic(Span.of(node), f"the `output` of {label} must be a mapping such as "
                                                 "`{outcome: success, result: …}`")
            return
        outcome_node = _get(node, "outcome")
        if outcome_node is None:
            yield self.diagnostic(Span.of(node), f"the `output` of {label} has no `outcome` (success or failed)")
            return
        outcome = outcome_node.value if isinstance(outcome_node, ScalarNode) else None
        if outcome not in OUTCOMES:
            close = difflib.get_close_matches(str(outcome), list(OUTCOMES), n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else " (expected success or failed)"
            yield self.diagnostic(Span.of(outcome_node), f"unknown outcome `{outcome}` in {label}{hint}")
            return
        keys = {k.value: (k, v) for k, v in node.value if isinstance(k, ScalarNode)}
        metrics = keys.get("performance_metrics")
        for needed in OUTCOMES[outcome]:
            if needed not in keys:
                why = " (the engine requires it even with `performance_metrics`; `null` is a result)" \
                    if outcome == "success" and metrics else ""
                yield self.diagnostic(Span.of(outcome_node), f"{label} expects outcome `{outcome}` but gives no "
                                                             f"`{needed}` to compare{why}")
        if outcome == "failed" and "error" in keys:
            yield from self._check_error(keys["error"][1], label)
        allowed = set(OUTCOMES[outcome]) | {"outcome", "performance_metrics"}
        for key, (key_node, _) in keys.items():
            if key not in allowed:
                other = [o for o, needs in OUTCOMES.items() if key in needs]
                hint = f"; `{key}` belongs to outcome `{other[0]}`" if other else ""
                yield self.diagnostic(Span.of(key_node), f"unexpected key `{key}` in the `output` of {label}{hint}")
        if metrics is not None:
            yield from self._check_metrics(metrics[1], label)

    def _check_error(self, node: Node, label: str):
        if not isinstance(node, MappingNode):
            yield self.diagnostic(Span.of(node), f"the expected `error` of {label} must be a mapping "
                                                 "`{code: COMPONENT_FAILED, message: …}`")
            return
        code, message = _get(node, "code"), _get(node, "message")
        if code is None:
            yield self.diagnostic(Span.of(node), f"the expected `error` of {label} has no `code` (one of "
                                                 f"{', '.join(ERROR_CODES[:4])}, …)")
        else:
            name = code.value[0][0] if isinstance(code, MappingNode) and len(code.value) == 1 else code
            text = scalar_value(name) if isinstance(name, ScalarNode) else None
            if not isinstance(text, str) or text not in ERROR_CODES:
                if isinstance(text, str):
                    close = difflib.get_close_matches(text.upper(), ERROR_CODES, n=1, cutoff=0.6)
                    found = f"`{text}`" + (f"; did you mean `{close[0]}`?" if close else "")
                else:
                    found = (f"`{code.value}`, not a string" if isinstance(code, ScalarNode) else "a collection")
                yield self.diagnostic(Span.of(code), f"the error `code` of {label} must be one of the engine's "
                                                     f"codes ({', '.join(ERROR_CODES)}), found {found}")
        if message is None:
            yield self.diagnostic(Span.of(node), f"the expected `error` of {label} has no `message`")
        elif not (isinstance(message, ScalarNode) and isinstance(scalar_value(message), str)):
            yield self.diagnostic(Span.of(message), f"the error `message` of {label} must be a string")

    def _check_metrics(self, node: Node, label: str):
        if not isinstance(node, MappingNode):
            yield self.diagnostic(Span.of(node), f"`performance_metrics` of {label} must map metric names to "
                                                 "matchers such as `{$less_than: 30000}`")
            return
        for key, matcher in node.value:
            metric = key.value if isinstance(key, ScalarNode) else "?"
            if not isinstance(matcher, MappingNode) or not matcher.value:
                yield self.diagnostic(Span.of(matcher), f"metric `{metric}` of {label} needs a matcher such as "
                                                        "`{$less_than: 30000}`")
                continue
            for op_node, operand in matcher.value:
                op = op_node.value if isinstance(op_node, ScalarNode) else "?"
                if op not in MATCHERS:
                    close = difflib.get_close_matches(str(op), MATCHERS, n=1, cutoff=0.6)
                    hint = f"; did you mean `{close[0]}`?" if close else f" (known: {', '.join(MATCHERS)})"
                    yield self.diagnostic(Span.of(op_node), f"unknown matcher `{op}` for metric `{metric}`{hint}")
                    continue
                value = scalar_value(operand) if isinstance(operand, ScalarNode) else None
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    shown = operand.value if isinstance(operand, ScalarNode) else "a collection"
                    yield self.diagnostic(Span.of(operand), f"`{op}` for metric `{metric}` needs a number, "
                                                            f"found `{shown}`")
