"""Rules on how references and keys are spelt: malformed (SF004) and legacy (SF005) forms."""

from __future__ import annotations

from operator import attrgetter

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from ..diagnostics import Applicability, Edit, Severity, Span
from ..model.expressions import Ref, RefForm, RefKind, content_end
from ..model.flow import (LEGACY_ERROR_ACTIONS, LEGACY_ON_ERROR_KEYS, LEGACY_REF_KEYS, LEGACY_ROOT_KEYS,
                          LEGACY_STEP_KEYS, Flow)
from ..yaml.parse import scalar_value
from ..fix.rewrite import (delete_entry, end_of, entry, has_comment, has_key, nest_entries, render_scalar, rename_key,
                       replace_scalar, string_text)
from .base import LintContext, Rule, register

_MALFORMED = (RefForm.NESTED_BRACE, RefForm.HALF_STEP, RefForm.HALF_INPUT)
_LEGACY = (RefForm.LEGACY_FROM, RefForm.LEGACY_REF)
_SCHEMA_KEYS = ("input_schema", "output_schema", "inputSchema", "outputSchema")
_NAME = attrgetter("name")
# Keys that mean the same thing as a rename target: renaming next to one would clash.
_CLASHES = {"skipIf": ("skipIf", "skip")}
_WITHOUT_SKIP = {k: v for k, v in LEGACY_STEP_KEYS.items() if k != "skip_if"}


def _span(node: Node) -> Span:
    end, line, column = content_end(node)
    start = node.start_mark
    return Span(start.index, end, start.line, start.column, line, column)


def _index(mapping: MappingNode, *names: str) -> int | None:
    for i, (key, _) in enumerate(mapping.value):
        if isinstance(key, ScalarNode) and key.value in names:
            return i
    return None


def _single_line(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.start_mark.line == node.end_mark.line and node.style not in ("|", ">")


def _text_value(node: Node | None) -> str | None:
    if not isinstance(node, ScalarNode):
        return None
    value = scalar_value(node)
    return None if value is None else (value if isinstance(value, str) else node.value)


def _whole(path: str | None) -> bool:
    return path in (None, "", "$")


def _input_path(source, ref: Ref, inner: Node | None, outer: Node | None) -> str | None:
    """The `$input` path of an input reference, reusing written text where it can."""
    inner_path, outer_path = _text_value(inner), _text_value(outer)
    if _whole(inner_path) and _whole(outer_path):
        return "$"
    if _whole(inner_path):
        return string_text(source, outer) if _single_line(outer) else render_scalar(outer_path)
    if _whole(outer_path):
        return string_text(source, inner) if _single_line(inner) else render_scalar(inner_path)
    return render_scalar(ref.path) if ref.path else None


def ref_fix(source, ref: Ref) -> tuple[list[Edit], bool] | None:
    """Edits turning ``ref`` into its current spelling, and whether they are safe.

    The entry that carries the reference (`$from`, `$ref`, the half-migrated
    `$step`, or the guide's mapping-as-key) is replaced in place; an input
    reference also absorbs its `path` entry. Other entries (`onSkip`, …) and
    the mapping's style stay as written.
    """
    node = ref.node
    if ref.form is RefForm.NESTED_BRACE:
        main = 0
        inner, empty = node.value[0]
        inner_key, inner_value = inner.value[0]
        region = (inner.start_mark.index, end_of(inner))  # the empty value adds no text
        if ref.kind is RefKind.STEP:
            if not ref.target or not _single_line(inner_value):
                return None
            new = source.text[inner_key.start_mark.index:end_of(inner_value)]
            return [Edit(*region, new)], not has_comment(source, *region, (inner,))
        inner_path = inner_value
    else:
        main = _index(node, "$step") if ref.form in _MALFORMED else _index(node, "$from", "$ref")
        if main is None:
            return None
        key, value = node.value[main]
        region = (key.start_mark.index, end_of(value))
        inner_path = None
        if ref.kind is RefKind.STEP:
            target = value if isinstance(value, ScalarNode) else (entry(value, "step") or (None, None))[1]
            if not ref.target or not _single_line(target):
                return None
            new = f"$step: {string_text(source, target)}"
            return [Edit(*region, new)], not has_comment(source, *region, (key, value))
        if ref.form is RefForm.HALF_INPUT:
            inner_path = (entry(value, "$input") or (None, None))[1]
    if ref.kind is not RefKind.INPUT:
        return None
    path_index = _index(node, "path")
    path_node = node.value[path_index][1] if path_index is not None else None
    text = _input_path(source, ref, inner_path, path_node)
    if text is None:
        return None
    safe = not has_comment(source, *region, (node.value[main][0], node.value[main][1]))
    if path_index is None:
        return [Edit(*region, f"$input: {text}")], safe
    first, later = sorted((main, path_index))
    if first != main:
        key, value = node.value[first]
        region = (key.start_mark.index, end_of(value))
        safe = safe and not has_comment(source, *region, (key, value))
    deletion = delete_entry(source, node, later)
    if deletion is None:
        return None
    return [Edit(*region, f"$input: {text}"), deletion[0]], safe and not deletion[1]


def _move_schemas(source, root: MappingNode):
    """`input_schema` / `output_schema` (or camelCase) moved to `schemas.properties`."""
    names = {name: LEGACY_ROOT_KEYS[name].rsplit(".", 1)[1] for name in _SCHEMA_KEYS if has_key(root, name)}
    written = [k.value for k, _ in root.value if isinstance(k, ScalarNode) and k.value in names]
    if has_key(root, "schemas") or len(set(names.values())) != len(written):
        return None
    return nest_entries(source, root, names, [(0, "schemas:"), (1, "type: object"), (1, "properties:")], 2)


_ACTIONS = ("fail", "useDefault", "retry", *LEGACY_ERROR_ACTIONS)
_ERROR_KEYS = ("action", "defaultValue", "maxRetries", *LEGACY_ON_ERROR_KEYS)


def _error_caveat(node: Node) -> tuple[str, bool] | None:
    """Why renaming `on_error` needs a look, and whether the rename would make the engine refuse
    the flow: the engine ignores the legacy key, so a value it cannot read as `onError` (not a
    mapping, an action such as `skip` or `continue`) must not be switched on by a fix."""
    if not isinstance(node, MappingNode):
        return "its value is not a mapping (rewrite it by hand)", True
    found = entry(node, "action")
    if found and isinstance(found[1], ScalarNode) and found[1].value not in _ACTIONS:
        return (f"`action: {found[1].value}` has no current equivalent and the engine would refuse it "
                "(rewrite it by hand)"), True
    unknown = [k.value for k, _ in node.value if isinstance(k, ScalarNode) and k.value not in _ERROR_KEYS]
    return (f"`{unknown[0]}` is not a current `onError` key (check it by hand)", False) if unknown else None


def _fix_or_none(rule: Rule, message: str, plan):
    if plan is None:
        return None
    edits, safe = plan
    return rule.make_fix(message, edits, Applicability.SAFE if safe else Applicability.UNSAFE)


def _current_spelling(ref: Ref) -> str:
    if ref.kind is RefKind.STEP:
        return f"`$step: {ref.target}`" + (f" with `path: {ref.path}`" if ref.path is not None else "")
    return f"`$input: {ref.path or '$'}`"


@register
class MalformedReference(Rule):
    """
    ## What it does
    Reports references that are written in a shape the engine does not read:
    the performance guide's notation `{ { $step: load_user }, path: "id" }`
    (YAML reads the inner braces as a *mapping used as a key*), half-migrated
    references such as `$step: {step: load_user}` or `$step: {$input: $}`,
    and references missing their target (`$step` without a step id).

    ## Why is this bad?
    The engine sees a plain object, or a `$step` whose id is a mapping, and
    rejects the flow or passes the wrong value: the dependency the author
    meant does not exist.

    ## Example
    ```yaml
    input:
      user_id: { { $step: load_user }, path: "id" }
      region: { { $input }, path: "region" }
      rows:
        $step:
          $input: $
        path: sales_data
    ```

    ## Fix
    Rewritten in place, keeping the mapping's style and the scalars' quoting:
    ```yaml
    input:
      user_id: { $step: load_user, path: "id" }
      region: { $input: "region" }
      rows:
        $input: sales_data
    ```
    The paths of a half-migrated input reference are combined. The fix is
    safe; it is offered as unsafe when it would drop a comment. A reference
    with no target cannot be repaired mechanically and has no fix.
    """

    code = "SF004"
    name = "malformed-reference"
    severity = Severity.ERROR
    fix = Applicability.SAFE

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            index = ctx.index(flow)
            for ref in index.unusual_refs:  # the others are well formed
                if ref.form in _MALFORMED:
                    message = f"malformed reference: {ref.problem}; write {_current_spelling(ref)}"
                    fix = _fix_or_none(self, f"rewrite as {_current_spelling(ref)}", ref_fix(ctx.source, ref))
                    yield self.diagnostic(_span(ref.node), message, fix)
                elif ref.problem:
                    yield self.diagnostic(_span(ref.node), f"malformed reference: {ref.problem}")
            for field in flow.complex_key_fields:
                key = field.key_node
                if isinstance(key, MappingNode) and any(
                        isinstance(k, ScalarNode) and k.value in ("$step", "$input") for k, _ in key.value):
                    yield self.diagnostic(_span(key), "malformed reference: a reference is used as a mapping key "
                                          "(write `{ $step: ID, path: P }` or `{ $input: P }`)")


@register
class LegacySyntax(Rule):
    """
    ## What it does
    Reports spellings of older Stepflow dialects: `$from` / `$ref` references,
    top-level `input_schema` / `output_schema` (or `inputSchema` /
    `outputSchema`), `outputs`, `test_cases`, step `args`, and snake_case keys
    (`on_error`, `skip_if`, `must_execute`, `default_value`, `max_retries`,
    `on_skip`, `action: use_default`).

    ## Why is this bad?
    The current engine does not read them: a `$from` reference or an
    `on_error` key is ignored or rejected, so the flow silently loses a
    dependency, its schemas or its error handling.

    ## Example
    ```yaml
    input_schema:
      type: object
    steps:
      - id: greet
        component: /python/greet
        on_error: { action: use_default, default_value: "hi" }
        args:
          name: { $from: { workflow: input }, path: name }
          prev: { $from: { step: load }, path: result }
    outputs: { $from: { step: greet } }
    ```

    ## Fix
    ```yaml
    schemas:
      type: object
      properties:
        input:
          type: object
    steps:
      - id: greet
        component: /python/greet
        onError: { action: useDefault, defaultValue: "hi" }
        input:
          name: { $input: name }
          prev: { $step: load, path: result }
    output: { $step: greet }
    ```
    Edits keep the file's style, comments and quoting. The fix is safe; it
    is unsafe where it would drop a comment, and there is no fix when the
    current key already exists beside the legacy one (a rename would repeat
    it), when a `schemas` mapping already exists, for a flow-style root, and
    for step-level `input_schema` / `output_schema` (the current format keeps
    step schemas in the flow's `schemas`, which is not a mechanical move).
    For the current engine `skip_if` and `on_skip` are left to SF114 (the
    engine ignores skip conditions under any spelling since 0.9); with
    `target-version = "0.8"` they are renamed to `skipIf` / `onSkip`.
    A `$from` of any other shape is reported by SF004 without a fix. Renaming
    `on_error` is unsafe when it holds an unknown key (the rename switches the
    error handling on), and not offered when its action has no current
    equivalent (`skip`, `continue`) or its value is not a mapping: the engine
    ignores `on_error` but would refuse the renamed `onError`.
    """

    code = "SF005"
    name = "legacy-syntax"
    severity = Severity.WARNING
    fix = Applicability.SAFE

    def check(self, ctx: LintContext):
        source = ctx.source
        # `skip_if` renamed to a key the engine ignores as well would only hide SF114's finding
        step_keys = LEGACY_STEP_KEYS if ctx.engine.honours_skip else _WITHOUT_SKIP
        for flow in ctx.flows:
            for ref in ctx.index(flow).unusual_refs:  # a current reference has no legacy spelling
                if ref.form in _LEGACY and not ref.problem:
                    spelling = _current_spelling(ref)
                    fix = _fix_or_none(self, f"rewrite as {spelling}", ref_fix(source, ref))
                    yield self.diagnostic(_span(ref.node), f"legacy `{ref.form.value}` reference; write {spelling}", fix)
                if isinstance(ref.node, MappingNode) and ctx.engine.honours_skip:  # else SF114 reports `on_skip`
                    yield from self._renames(ref.node, LEGACY_REF_KEYS, "reference")
                    for name in ("on_skip", "onSkip"):
                        found = entry(ref.node, name)
                        if found and isinstance(found[1], MappingNode):
                            yield from self._error_action(found[1], "`onSkip`")
            yield from self._root(source, flow)
            for step in flow.steps:
                if flow.legacy_step_keys and not LEGACY_STEP_KEYS.keys().isdisjoint(map(_NAME, step.fields)):
                    caveat = _error_caveat(step.on_error.node) if step.on_error is not None else None
                    yield from self._renames(step.node, step_keys, "step", {"on_error": caveat})
                if step.on_error is not None and isinstance(step.on_error.node, MappingNode):
                    yield from self._error_action(step.on_error.node, "`onError`")

    def _renames(self, mapping: MappingNode, table: dict, where: str, caveats: dict | None = None):
        for key, _ in mapping.value:
            if not isinstance(key, ScalarNode) or key.value not in table:
                continue
            new = table[key.value]
            if new is None:
                yield self.diagnostic(Span.of(key), f"legacy {where} key `{key.value}`: the current format keeps "
                                      "step schemas in the flow's `schemas`; move or delete it")
                continue
            clash = next((c for c in _CLASHES.get(new, (new,)) if has_key(mapping, c)), None)
            message = f"legacy {where} key `{key.value}`: the current dialect spells it `{new}`"
            if clash is not None:
                yield self.diagnostic(Span.of(key), f"{message} (`{clash}` is already present: merge them by hand)")
            elif caveats and caveats.get(key.value):
                caveat, refused = caveats[key.value]
                fix = None if refused else self.make_fix(f"rename to `{new}`", [rename_key(key, new)],
                                                         Applicability.UNSAFE)
                yield self.diagnostic(Span.of(key), f"{message}; {caveat}", fix)
            else:
                yield self.diagnostic(Span.of(key), message, self.make_fix(f"rename to `{new}`", [rename_key(key, new)]))

    def _error_action(self, mapping: MappingNode, where: str):
        yield from self._renames(mapping, LEGACY_ON_ERROR_KEYS, where)
        found = entry(mapping, "action")
        if found and isinstance(found[1], ScalarNode) and found[1].value in LEGACY_ERROR_ACTIONS:
            new = LEGACY_ERROR_ACTIONS[found[1].value]
            yield self.diagnostic(Span.of(found[1]), f"legacy {where} action `{found[1].value}`: write `{new}`",
                                  self.make_fix(f"write `{new}`", [replace_scalar(found[1], new)]))

    def _root(self, source, flow: Flow):
        root = flow.node
        schema_fix = None
        for key, value in root.value:
            name = key.value if isinstance(key, ScalarNode) else None
            if name not in LEGACY_ROOT_KEYS:
                continue
            span = Span.of(key)
            if name in _SCHEMA_KEYS:
                if schema_fix is None:
                    plan = _move_schemas(source, root)
                    schema_fix = _fix_or_none(self, "move under `schemas.properties`", plan) or False
                note = "" if schema_fix else (" (`schemas` is already present: merge them by hand)"
                                              if has_key(root, "schemas") else " (no automatic fix for this layout)")
                yield self.diagnostic(span, f"legacy key `{name}`: the current format keeps it as "
                                      f"`{LEGACY_ROOT_KEYS[name]}`{note}", schema_fix or None)
            elif name == "test_cases":
                plan = None if has_key(root, "test") else nest_entries(
                    source, root, {"test_cases": "cases"}, [(0, "test:")], 1)
                fix = _fix_or_none(self, "move under `test: {cases: …}`", plan)
                yield self.diagnostic(span, "legacy key `test_cases`: the current format spells it `test: {cases: …}`",
                                      fix)
            else:
                new = LEGACY_ROOT_KEYS[name]
                message = f"legacy key `{name}`: the current dialect spells it `{new}`"
                if has_key(root, new):
                    yield self.diagnostic(span, f"{message} (`{new}` is already present: merge them by hand)")
                else:
                    yield self.diagnostic(span, message, self.make_fix(f"rename to `{new}`", [rename_key(key, new)]))
