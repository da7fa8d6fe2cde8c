"""The variable rules: `$variable` names checked against the variables schema (SF109), and a schema at all (SF118)."""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, ScalarNode

from ..diagnostics import Applicability, Severity
from ..fix.rewrite import rewrite_scalar_text
from ..model import Ref, RefKind
from ..paths import FIELD, nested_path, try_parse_path
from .base import LintContext, Rule, register
from .references import _closest, _parents


def _declared_variables(node) -> set[str] | None:
    """Names a variables schema declares; None when it cannot be known (open or not a schema)."""
    if not isinstance(node, MappingNode):
        return None
    pairs = {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}
    schema_words = {"type", "properties", "$ref", "allOf", "anyOf", "oneOf", "additionalProperties",
                    "patternProperties", "required", "$defs", "description", "title"}
    if not schema_words & set(pairs):
        return set(pairs)  # a plain mapping of variable names
    properties = pairs.get("properties")
    if not isinstance(properties, MappingNode):
        return None
    for key in ("additionalProperties", "patternProperties", "$ref", "allOf", "anyOf", "oneOf"):
        value = pairs.get(key)
        if value is None or (key == "additionalProperties" and isinstance(value, ScalarNode)
                             and value.value in ("false", "False")):
            continue
        return None
    return {k.value for k, _ in properties.value if isinstance(k, ScalarNode)}


@register
class UndefinedVariable(Rule):
    """
    ## What it does
    Reports a `$variable` whose name the flow's variables schema does not
    declare (`schemas.properties.variables.properties`, or a top-level
    `variables` schema / mapping of names), with the closest declared name.
    A `$literal` subflow without a variables schema of its own is checked
    against the nearest enclosing flow's. Nothing is reported when no
    variables schema is declared at all (variables are then supplied freely
    at run time; the engine only notes the missing schema), or when the
    schema is open (`additionalProperties`, `patternProperties`,
    combinators). The name is read as the engine reads it: a `$` path names
    the variable with its first field (`$.settings.mode` is field `mode` of
    variable `settings`), a text without `$` is one name, dots included.

    ## Why is this bad?
    A run cannot supply a value for an undeclared variable through the
    schema, so the reference resolves to its `default` (or fails), usually
    because of a typo.

    ## Example
    ```yaml
    schemas:
      type: object
      properties:
        variables:
          type: object
          properties:
            OPENAI_API_KEY: { type: string }
    steps:
      - id: ask
        component: /builtin/openai
        input:
          api_key: { $variable: OPENAI_KEY }
    ```

    ## Fix
    Correct the name (`OPENAI_API_KEY`), or declare the variable in the
    schema. When a bare dotted name such as `settings.mode` starts with a
    declared variable, an unsafe fix writes `$.settings.mode`: the field
    `mode` of `settings`, which is what the REST API reads and almost
    certainly what was meant, but not what the engine reads from this file.
    """

    code = "SF109"
    name = "undefined-variable"
    severity = Severity.ERROR
    fix = Applicability.UNSAFE

    def check(self, ctx: LintContext):
        parents = _parents(ctx)
        for flow in ctx.flows:
            owner = _variables_owner(flow, parents)
            if owner.variables is None:
                continue
            declared = _declared_variables(owner.variables)
            if declared is None:
                continue
            refs: list[Ref] = [r for step in flow.steps for r in step.refs()] + flow.output_refs()
            for ref in refs:
                if ref.kind is not RefKind.VARIABLE or not ref.target:
                    continue
                name = variable_name(ref.target)
                if name is None or name in declared:
                    continue  # a malformed `$` path is SF107's
                where = "the flow's variables schema" if owner is flow else "the enclosing flow's variables schema"
                message = f"variable `{name}` is not declared in {where}"
                nested = _nested_reading(ref.target, declared)
                if nested is not None:
                    explicit, variable = nested
                    yield self.diagnostic(ref.target_span or ref.span, message + (
                        f": without a leading `$` the engine reads the whole text as one variable name (over the "
                        f"REST API it reads fields of `{variable}`); write `{explicit}`"),
                        self._fix(ctx.source.text, ref, explicit))
                    continue
                suggestion = _closest(name, declared)
                if suggestion:
                    message += f"; did you mean `{suggestion}`?"
                elif declared:
                    message += f" (declared: {', '.join(f'`{n}`' for n in sorted(declared)[:8])})"
                yield self.diagnostic(ref.target_span or ref.span, message)

    def _fix(self, text: str, ref: Ref, nested: str):
        edit = rewrite_scalar_text(text, ref.target_node, ref.target, nested)
        return self.make_fix(f"write `{nested}`", [edit]) if edit is not None else None


def variable_name(text: str) -> str | None:
    """The variable a `$variable` text names, as the engine reads it.

    A `$` path names the variable with its first field (`$.settings.mode` reads `mode` of
    `settings`); a text without `$` is one name, dots and brackets included (the engine's
    path parser reads it as a single field). None for a `$` path with no first field.
    """
    if not text.startswith("$"):
        return text
    path = try_parse_path(text)
    if path is None or not path.segments or path.segments[0].kind != FIELD:
        return None
    return str(path.segments[0].value)


def _nested_reading(text: str, declared: set[str]) -> tuple[str, str] | None:
    """The `$` path and the declared variable it reads, when a bare dotted name would read a
    declared variable's field that way (as the REST API reads it)."""
    if text.startswith("$") or ("." not in text and "[" not in text):
        return None
    explicit = nested_path(text)
    name = variable_name(explicit)
    return (explicit, name) if name is not None and name in declared else None


@register
class MissingVariableSchema(Rule):
    """
    ## What it does
    Reports a `$variable` without a `default` in a flow that declares no
    variables schema (`schemas.properties.variables`), and no enclosing flow
    declares one: once per variable name, at its first reference. The
    official validator notes the same (`missingVariableSchema`).

    ## Why is this bad?
    Nothing tells a caller which variables a run must pass. A run that does
    not pass this one fails with "Undefined variable" when the step needs it.

    ## Example
    ```yaml
    steps:
      - id: ask
        component: /builtin/openai
        input:
          api_key: { $variable: OPENAI_API_KEY }
    ```

    ## Fix
    ```yaml
    schemas:
      type: object
      properties:
        variables:
          type: object
          properties:
            OPENAI_API_KEY: { type: string }
          required: [OPENAI_API_KEY]
    ```
    Or give the reference a `default`.
    """

    code = "SF118"
    name = "missing-variable-schema"
    severity = Severity.WARNING

    def check(self, ctx: LintContext):
        parents = _parents(ctx)
        for flow in ctx.flows:
            owner = _variables_owner(flow, parents)
            if owner.variables is not None:
                continue
            seen: set[str] = set()
            for ref in [r for step in flow.steps for r in step.refs()] + flow.output_refs():
                if ref.kind is not RefKind.VARIABLE or not ref.target or ref.default is not None \
                        or variable_name(ref.target) in seen:
                    continue
                seen.add(variable_name(ref.target))
                yield self.diagnostic(ref.target_span or ref.span,
                                      f"`$variable: {ref.target}` in a flow without a variables schema: a run that "
                                      f"does not pass `{ref.target}` fails (\"Undefined variable\"); declare it "
                                      "under `schemas.properties.variables` or give it a `default`")


def _variables_owner(flow, parents: dict):
    """The flow whose variables schema governs ``flow``: itself, else the nearest enclosing flow
    that has one (a `$literal` subflow reads its parent's variables), else the outermost flow."""
    owner = flow
    while owner.variables is None and id(owner) in parents:
        owner = parents[id(owner)]
    return owner
