"""Rules on paths, error actions, metadata and test cases (SF107, SF108, SF110-SF112)."""

from __future__ import annotations

import difflib
from itertools import chain
from functools import lru_cache

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from ..diagnostics import Severity, Span
from ..model import Flow, Ref, RefKind, Scalar
from ..yaml.parse import to_python
from ..paths import Path, PathError, parse_path, unknown_field
from .base import LintContext, Rule, register

@lru_cache(maxsize=4096)
def _parsed(path: str) -> Path | PathError:
    """``parse_path``, or the error it raises; memoised: a flow repeats the same few paths."""
    try:
        return parse_path(path)
    except PathError as exc:
        return exc


def _get(node: Node | None, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v
    return None


@register
class InvalidPath(Rule):
    """
    ## What it does
    Checks the syntax of the `path` of `$step` references and of `$input`
    paths: a field name, a dotted path (`profile.name`, `items[0]`), or a
    JSONPath beginning with `$` (`$.items[0].sku`, `$['odd key']`).
    Reports empty names (`a..b`, `a.`), unclosed or misplaced brackets,
    negative or non-numeric indexes, slices and filters, a `$` not followed
    by `.` or `[`, surrounding whitespace, and paths that are not strings.

    ## Why is this bad?
    A malformed path selects nothing (or is rejected when the flow loads),
    so the step fails at run time, often only on the rare branch that uses
    it.

    ## Example
    ```yaml
    input:
      name: { $step: load_user, path: "profile..name" }
      first: { $input: "items[-1]" }
    ```

    ## Fix
    ```yaml
    input:
      name: { $step: load_user, path: "profile.name" }
      first: { $input: "items[0]" }
    ```
    """

    code = "SF107"
    name = "invalid-path"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            index = ctx.index(flow)
            for path, refs in chain(index.step_refs_by_path.items(), index.input_refs_by_path.items()):
                if path is None:
                    for ref in refs:  # a non-string `$input` is already malformed (SF004)
                        if ref.problem is None:
                            yield self.diagnostic(ref.path_span, f"{_what(ref)} must be a string")
                    continue
                parsed = _parsed(path)
                if isinstance(parsed, PathError):
                    for ref in refs:
                        yield self.diagnostic(ref.path_span, f"invalid {_what(ref)}: `{path}`: {parsed.message}")


def _what(ref: Ref) -> str:
    return "`$input` path" if ref.kind is RefKind.INPUT else f"`path` of `$step: {ref.target}`"


@register
class UnknownField(Rule):
    """
    ## What it does
    Reports a path that selects a field the known schema does not have:
    `$input` paths against the flow's input schema (`schemas.properties.input`
    or legacy `input_schema`), `$step` paths against the step's output
    schema when the flow declares one (`schemas.properties.steps.<id>`, or a
    legacy per-step `output_schema`). Only closed schemas count: the object
    lists `properties`, and `additionalProperties` is absent or false, with
    no `patternProperties` or combinators on the way.

    ## Why is this bad?
    The reference resolves to nothing at run time, usually because of a
    typo or a renamed field.

    ## Example
    ```yaml
    schemas:
      type: object
      properties:
        input:
          type: object
          properties:
            user_id: { type: string }
    steps:
      - id: load
        component: /user/load
        input: { id: { $input: userid } }
    ```

    ## Fix
    Correct the path (`user_id`), or declare the field in the schema.
    """

    code = "SF108"
    name = "unknown-field"
    severity = Severity.WARNING

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            root = to_python(flow.schemas) if isinstance(flow.schemas, MappingNode) else None
            input_schema = to_python(flow.input_schema) if isinstance(flow.input_schema, MappingNode) else None
            step_schemas = self._step_schemas(flow)
            if input_schema is None and not step_schemas:
                continue  # no schema to look a path up in
            index = ctx.index(flow)
            groups = [(RefKind.INPUT, text, refs) for text, refs in index.input_refs_by_path.items()
                      if input_schema is not None]
            if step_schemas:
                groups += [(RefKind.STEP, text, refs) for text, refs in index.step_refs_by_path.items()]
            for kind, text, refs in groups:
                path = _parsed(text) if text is not None else None
                if not isinstance(path, Path):
                    continue  # not a string (SF107), or invalid (SF107)
                verdicts: dict[str | None, tuple | None] = {}  # schema owner (None: the flow input): the finding
                if kind is RefKind.INPUT:
                    verdicts[None] = unknown_field(input_schema, path, root)
                    if verdicts[None] is None:
                        continue  # the input schema has the path: every reference of the group is fine
                for ref in refs:
                    if kind is RefKind.INPUT:
                        schema, owner = input_schema, None
                    elif ref.target in step_schemas:
                        schema, owner = step_schemas[ref.target], ref.target
                    else:
                        continue
                    if owner not in verdicts:
                        verdicts[owner] = unknown_field(schema, path, root)
                    found = verdicts[owner]
                    if found is None:
                        continue
                    whose = "the flow's input schema" if owner is None else f"the output schema of step `{owner}`"
                    index, known = found
                    field = path.segments[index].value
                    where = f" under `{path.dotted(index)}`" if index else ""
                    message = f"path `{text}` selects field `{field}`, which {whose} does not declare{where}"
                    close = difflib.get_close_matches(str(field), known, n=1, cutoff=0.6)
                    if close:
                        message += f"; did you mean `{close[0]}`?"
                    elif known:
                        message += f" (declared: {', '.join(f'`{k}`' for k in known[:8])})"
                    yield self.diagnostic(ref.path_span, message)

    @staticmethod
    def _step_schemas(flow: Flow) -> dict[str, object]:
        result: dict[str, object] = {}
        steps = _get(_get(flow.schemas, "properties"), "steps")
        props = _get(steps, "properties")
        use_props = isinstance(props, MappingNode) and (
            _get(steps, "type") is not None or all(step.id != "properties" for step in flow.steps))
        table = props if use_props else steps
        if table is None and not flow.legacy_step_keys & {"output_schema", "outputSchema"}:
            return result  # no step declares an output schema: nothing to look up per step
        for step in flow.steps:
            if not step.id:
                continue
            node = _get(table, step.id)
            if node is None:
                node = _legacy_output_schema(step.node)
            if isinstance(node, MappingNode):
                result.setdefault(step.id, to_python(node))
        return result


def _legacy_output_schema(step: MappingNode) -> Node | None:
    """The step's first `output_schema`, else its first `outputSchema` (one pass over its keys)."""
    camel = None
    for key, value in step.value:
        if isinstance(key, ScalarNode):
            if key.value == "output_schema":
                return value
            if key.value == "outputSchema" and camel is None:
                camel = value
    return camel


ACTIONS = ("fail", "useDefault", "retry")
LEGACY_ACTIONS = {"use_default": "useDefault"}


@register
class InvalidErrorAction(Rule):
    """
    ## What it does
    Checks a step's `onError`: `action` is one of `fail`, `useDefault`,
    `retry`; `maxRetries` is a non-negative integer and appears only with
    `retry`; `defaultValue` appears only with `useDefault`. `useDefault`
    without `defaultValue` is valid (the step's result is then `null`, as
    the engine documents) and is not reported.

    ## Why is this bad?
    An unknown action makes the engine reject the flow. A `maxRetries` or
    `defaultValue` beside the wrong action is ignored, so the failure
    handling the author wrote never happens.

    ## Example
    ```yaml
    onError:
      action: fail
      maxRetries: 3
    ```

    ## Fix
    ```yaml
    onError:
      action: retry
      maxRetries: 3
    ```
    """

    code = "SF110"
    name = "invalid-error-action"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            for step in flow.steps:
                on_error = step.on_error
                if on_error is None or not isinstance(on_error.node, MappingNode) or on_error.key != "onError":
                    continue  # the engine ignores a legacy `on_error` whatever it holds: SF005 reports it
                key = on_error.key
                action = on_error.action
                if on_error.action_span is None:
                    yield self.diagnostic(on_error.key_span, f"`{key}` of step `{step.id}` has no `action` "
                                                             "(one of fail, useDefault, retry)")
                elif action in LEGACY_ACTIONS:
                    action = LEGACY_ACTIONS[action]  # spelling of an older dialect: SF005
                elif action not in ACTIONS:
                    close = difflib.get_close_matches(str(action), ACTIONS, n=1, cutoff=0.5)
                    hint = f"; did you mean `{close[0]}`?" if close else " (expected fail, useDefault or retry)"
                    if action == "skip":
                        hint += "; to go on without the step's result use `useDefault` (its result is then null)"
                    yield self.diagnostic(on_error.action_span, f"unknown `{key}` action `{action}`{hint}")
                    action = None
                for entry in on_error.fields:
                    if entry.name in ("maxRetries", "max_retries"):
                        if action is not None and action != "retry":
                            yield self.diagnostic(entry.key_span, f"`{entry.name}` has no effect with action "
                                                                  f"`{action}`; it applies only to `retry`")
                        value = entry.value
                        number = value.value if isinstance(value, Scalar) else None
                        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                            shown = (f"the string `\"{number}\"`" if isinstance(number, str) and value.node.style
                                     else f"`{value.node.value}`" if isinstance(value, Scalar) else "a collection")
                            yield self.diagnostic(value.span if value is not None else entry.key_span,
                                                  f"`{entry.name}` must be a non-negative integer, found {shown}")
                    elif entry.name in ("defaultValue", "default_value"):
                        if action is not None and action != "useDefault":
                            yield self.diagnostic(entry.key_span, f"`{entry.name}` has no effect with action "
                                                                  f"`{action}`; it applies only to `useDefault`")


@register
class MissingMetadata(Rule):
    """
    ## What it does
    Reports a flow without a `name` or without a `description` (an empty or
    `null` value counts as missing). Only the file's top-level flow is
    checked: a `$literal` subflow is an implementation detail of its step.

    ## Why is this bad?
    Names and descriptions are what people and tools (the UI, run lists,
    `GET /flows`) show; the engine itself warns about a missing description.

    ## Example
    ```yaml
    steps:
      - id: load
        component: /data/load
    ```

    ## Fix
    ```yaml
    name: Load data
    description: Loads the data set named in the input.
    steps:
      - id: load
        component: /data/load
    ```
    """

    code = "SF111"
    name = "missing-metadata"
    severity = Severity.INFO

    def check(self, ctx: LintContext):
        flow = ctx.flow
        if flow is None:
            return
        missing = [key for key, value in (("name", flow.name), ("description", flow.description))
                   if not (isinstance(value, str) and value.strip())]
        if not missing:
            return
        present = [e for e in flow.fields if e.name in missing]
        span = present[0].key_span if present else Span.of(flow.node)
        detail = " and no ".join(f"`{m}`" for m in missing)
        yield self.diagnostic(span, f"the flow has no {detail}; add {'them' if len(missing) > 1 else 'it'} so "
                                    "people and tools can tell what it does")
