"""Rules on what the engine accepts and then ignores: removed skip conditions, unknown keys,
look-alike expressions."""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, ScalarNode

from ..diagnostics import Applicability, Edit, Severity
from ..fix.rewrite import delete_entry, has_key, rename_key, render_scalar
from ..model import Ref, RefForm, RefKind
from ..model.expressions import Conditional, Obj, Scalar
from ..paths import join_nested
from .base import LintContext, Rule, register

_SKIP_REF_KEYS = ("onSkip", "on_skip")
_OPERATOR_OF = {RefKind.STEP: "$step", RefKind.INPUT: "$input", RefKind.VARIABLE: "$variable"}
_REFERENCE_KEYS = {RefKind.STEP: "`$step` and `path`", RefKind.INPUT: "`$input` (the path)",
                   RefKind.VARIABLE: "`$variable` and `default`"}


def _text(value) -> str | None:
    """A scalar value's text when it reads as a string, else None."""
    return value.node.value if isinstance(value, Scalar) and isinstance(value.value, str) else None


@register
class IgnoredSkipCondition(Rule):
    """
    ## What it does
    Reports `skipIf` and `skip` on a step (and the legacy `skip_if`), and
    `onSkip` on a reference, when the target engine ignores them: Stepflow
    removed skip conditions in 0.9 (December 2025), and since then the engine
    accepts these keys as unknown fields and drops them without a word. With
    `target-version = "0.8"` in the configuration they are read as before and
    this rule is silent.

    ## Why is this bad?
    The step runs whenever the flow's output (or a `mustExecute` step) needs
    it, whatever the condition says. The performance guide's cache pattern,
    `skipIf: { $step: check_cache, path: cache_hit }` on the AI call, calls
    the AI on *every* request; the "skip" costs nothing but does nothing. The
    linter also stops counting references inside these keys as dependencies:
    the engine does not wait for them.

    ## Example
    ```yaml
    - id: generate_ai_response
      component: /builtin/openai
      skipIf: { $step: check_ai_cache, path: cache_hit }
      input: { messages: { $step: build_prompt } }
    ```

    ## Fix
    Decide with data instead of skipping: let the output pick the cached
    value, `output: { $coalesce: [{ $step: check_ai_cache, path: cached },
    …] }`, or split the expensive branch into a subflow called only when
    needed. No automatic fix: removing the key changes nothing at run time,
    and rewriting the intent takes a decision.
    """

    code = "SF114"
    name = "ignored-skip-condition"
    severity = Severity.WARNING

    def check(self, ctx: LintContext):
        if ctx.engine.honours_skip:
            return
        since = "removed in Stepflow 0.9"
        for flow in ctx.flows:
            for ignored in flow.ignored_keys:
                if ignored.skip_condition:
                    step = ignored.step
                    who = f"`{step.id}`" if step is not None and step.id else "the step"
                    yield self.diagnostic(ignored.field.key_span,
                                          f"the engine ignores `{ignored.field.name}` ({since}): {who} runs on every "
                                          "request that needs it, whatever the condition says")
            for ref in ctx.index(flow).unusual_refs:
                for extra in ref.extra:
                    if extra.name in _SKIP_REF_KEYS:
                        taken = f"`{ref.target}`'s output" if ref.target else "the referenced value"
                        yield self.diagnostic(extra.key_span,
                                              f"the engine ignores `{extra.name}` ({since}): no step is ever "
                                              f"skipped, this reference always takes {taken}")


@register
class IgnoredKey(Rule):
    """
    ## What it does
    Reports a key that the engine accepts and silently drops: an unknown key
    of the flow, of a step, of `onError` or of `test`. Common cases are a step
    `description` or `output`, a flow-level `input` or `variables_schema`, a
    `depends_on` list, and misspellings such as `mustExecte` (with a "did you
    mean"). Also a key beside a reference's operator that the engine does
    not read: anything but `path` beside `$step`, anything but `default`
    beside `$variable`, and anything at all beside `$input`, whose path is
    the operator's own value (`{ $input: "$", path: "$.a" }` reads the whole
    input). Skip conditions have their own rule, SF114.

    ## Why is this bad?
    The flow runs as if the key were not written, so the author's intent is
    lost without a word: a misspelt `mustExecute` never forces the step to
    run, a `depends_on` orders nothing, a flow-level `input` is never the
    input.

    ## Example
    ```yaml
    input: { user_id: 42 }
    steps:
      - id: notify
        component: /email/send
        description: tell the user
        mustExecte: true
    ```

    ## Fix
    ```yaml
    schemas:
      type: object
      properties:
        input: { type: object, properties: { user_id: { type: integer } } }
    steps:
      - id: notify
        component: /email/send   # tell the user
        mustExecute: true
    ```
    A misspelt key is renamed to the key it is closest to by an unsafe fix
    (the rename switches its effect on), unless that key is already present.
    A `path` beside `$input` is joined into `$input` by an unsafe fix
    (`{ $input: "$.a" }`: the reference then reads what its author meant,
    which is not what it reads today). Moving content elsewhere is a
    decision: no fix.
    """

    code = "SF115"
    name = "ignored-key"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            for ignored in flow.ignored_keys:
                if ignored.skip_condition:
                    continue
                name, meant, key = ignored.field.name, ignored.suggestion, ignored.field.key_node
                fix = None
                if meant:
                    message = f"the engine ignores unknown {ignored.where} key `{name}`; did you mean `{meant}`?"
                    if isinstance(key, ScalarNode) and isinstance(ignored.mapping, MappingNode) \
                            and not has_key(ignored.mapping, meant):
                        fix = self.make_fix(f"rename to `{meant}`", [rename_key(key, meant)])
                else:
                    message = f"the engine ignores {ignored.where} key `{name}`: {ignored.consequence}"
                yield self.diagnostic(ignored.field.key_span, message, fix)
            for ref in ctx.index(flow).unusual_refs:
                if ref.form is RefForm.CURRENT:
                    yield from self._reference_keys(ctx, ref)

    def _reference_keys(self, ctx: LintContext, ref: Ref):
        operator = _OPERATOR_OF[ref.kind]
        for extra in ref.extra:
            if extra.name in _SKIP_REF_KEYS and not ctx.engine.honours_skip:
                continue  # SF114's
            if extra.name == "path" and ref.kind is RefKind.INPUT:
                joined = join_nested(ref.path or "$", _text(extra.value))
                where = f"; write the whole path in `$input` (`$input: {joined}`)" if joined else ""
                yield self.diagnostic(extra.key_span, "the engine ignores `path` beside `$input`: the reference "
                                      f"reads `$input: {ref.path or '$'}` as written{where}",
                                      self._join_fix(ctx, ref, extra, joined))
                continue
            yield self.diagnostic(extra.key_span, f"the engine ignores key `{extra.name}` in a `{operator}` "
                                  "reference: it reads only " + _REFERENCE_KEYS[ref.kind])

    def _join_fix(self, ctx: LintContext, ref: Ref, extra, joined: str | None):
        node, value = ref.node, ref.path_node
        if joined is None or not isinstance(value, ScalarNode) or ref.path is None:
            return None
        index = next(i for i, (key, _) in enumerate(node.value) if key is extra.key_node)
        removal = delete_entry(ctx.source, node, index)
        if removal is None or removal[1]:
            return None  # `path` written first, a layout we do not edit, or a comment would go with it
        rewrite = Edit(value.start_mark.index, value.end_mark.index, render_scalar(joined))
        return self.make_fix(f"write `$input: {joined}`", [rewrite, removal[0]])


# `$` keys that look like an operator the engine reads, and the one meant (None: the engine has no such thing).
_DOLLAR_LOOKALIKES = {"$inputs": "$input", "$steps": "$step", "$var": "$variable", "$vars": "$variable",
                      "$variables": "$variable", "$lit": "$literal", "$literals": "$literal", "$else": None,
                      "$env": None, "$expr": None, "$expression": None, "$secret": None, "$output": None,
                      "$then": None, "$switch": None, "$eval": None}
_NO_EQUIVALENT = {
    "$env": "pass the value as flow input (`$input`) or as a run variable (`$variable`)",
    "$secret": "pass the value as a run variable (`$variable`)",
    "$output": "reference a step's result with `$step`",
}
_OPERATORS = ("$step", "$input", "$variable", "$literal", "$if", "$coalesce")
_BARE_KEYS = {"step": frozenset(("step", "path")), "input": frozenset(("input", "path"))}


@register
class LookalikeExpression(Rule):
    """
    ## What it does
    Reports data that looks like an expression but is not one, so the engine
    passes it to the component as literal data: a mapping keyed by a `$` word
    the engine does not read (`$env`, `$expr`, `$inputs`, `$steps`, `$var`,
    …), a reference whose `$` was forgotten (`{ step: load_users, path: id }`
    naming a step of the flow, `{ input: "$.user" }`), and a `$if` whose
    condition is a literal mapping or list (always true: only `null` and
    `false` are false to the engine). The engine reads only `$literal`, `$if`,
    `$coalesce`, `$step`, `$input` and `$variable` (and refuses `$from`).
    JSON Schema keys (`$schema`, `$id`, `$defs`, …) and query operators
    (`$gt`, `$set`, …) are left alone.

    ## Why is this bad?
    Nothing fails: the component receives `{"$env": "API_KEY"}` instead of a
    key, or `{"step": "load_users"}` instead of the users, and the step that
    was meant to be waited for is not even run.

    ## Example
    ```yaml
    input:
      api_key: { $env: API_KEY }
      users: { step: load_users, path: items }
      region: { $inputs: region }
      summary: { $if: { flag: true }, then: long, else: short }
    ```

    ## Fix
    ```yaml
    input:
      api_key: { $variable: api_key }
      users: { $step: load_users, path: items }
      region: { $input: region }
    ```
    Unsafe fix (it turns data into a reference, which changes the run) where
    the intent is certain: a near-miss of an operator (`$inputs`, `$steps`,
    `$var`, …) is renamed, and a bare `step` key naming a step of the flow or
    an `input` key holding a `$` path gets its `$`. No fix for `$env`,
    `$expr` or a literal `$if` condition: the right expression is a decision.
    """

    code = "SF116"
    name = "lookalike-expression"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            for value in flow.lookalikes:
                if type(value) is Conditional:
                    kind = "mapping" if type(value.condition) is Obj else "list"
                    yield self.diagnostic(value.condition.span,
                                          f"`$if` condition is a literal {kind}: always true to the engine (only "
                                          "`null` and `false` are false), so `then` is always taken")
                else:
                    yield from self._object(ctx, flow, value)

    def _object(self, ctx: LintContext, flow, obj: Obj):
        names = {f.name for f in obj.fields}
        for entry in obj.fields:
            name = entry.name
            if name in _BARE_KEYS:
                if names <= _BARE_KEYS[name] and _bare_target(ctx, flow, name, entry.value):
                    yield self.diagnostic(entry.key_span, f"`{{{name}: …}}` is literal data to the engine; did you "
                                          f"mean `${name}`?", self.make_fix(f"write `${name}`",
                                                                            [rename_key(entry.key_node, f"${name}")]))
                continue
            if name not in _DOLLAR_LOOKALIKES:
                continue
            meant = _DOLLAR_LOOKALIKES[name]
            if meant is not None:
                yield self.diagnostic(entry.key_span, f"the engine has no `{name}`: this mapping is literal data; "
                                      f"did you mean `{meant}`?",
                                      self.make_fix(f"write `{meant}`", [rename_key(entry.key_node, meant)]))
            else:
                hint = _NO_EQUIVALENT.get(name, f"it reads only {', '.join(f'`{o}`' for o in _OPERATORS)}")
                yield self.diagnostic(entry.key_span, f"the engine has no `{name}`: this mapping reaches the "
                                      f"component as literal data; {hint}")


def _bare_target(ctx: LintContext, flow, key: str, value) -> bool:
    """Whether the value of a bare `step` / `input` key shows that a reference was meant."""
    if type(value) is not Scalar:
        return False
    text = value.value
    if not isinstance(text, str):
        return False
    if key == "step":
        return text in ctx.graph(flow).steps
    return text.startswith("$")
