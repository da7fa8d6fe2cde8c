"""Extraction rules (SF303): steps that only select a field of another step's output."""

from __future__ import annotations

import json
from collections import defaultdict

from ..diagnostics import Edit, Severity
from ..diagnostics import Applicability as A
from ..fix.edits import delete_sequence_item, sequence_value, yaml_str
from ..model import Flow, Obj, Ref, RefForm, RefKind, Scalar, Step, content_end
from ..paths import PathError, join_paths
from ..patterns import glob_match
from .base import REGISTRY, LintContext, Rule, register


def _matches(text: str | None, patterns) -> bool:
    return glob_match(text, patterns, fold=True)


_join = join_paths


@register
class OverGranularSteps(Rule):
    """
    ## What it does
    Finds several extraction-only steps (component in `extractors`, by default
    the guide's `/extract` and `/builtin/extract`; input exactly `data` and a
    literal `path`, or only a `data` reference that selects a field itself,
    `data: { $step: load_data, path: "field1" }`) that read fields of one
    source (`min-steps`, default 2).

    ## Why is this bad?
    Each step is scheduled, run and its result stored, only to do what a
    reference's `path` does while it is resolved.

    ## Example
    ```yaml
    steps:
      - id: get_field_1
        component: /extract
        input:
          data: { $step: load_data }
          path: "field1"
      - id: get_field_2
        component: /extract
        input:
          data: { $step: load_data }
          path: "field2"
    ```

    ## Fix
    Every reference to an extraction step becomes a reference to its source
    with the path (`{ $step: get_field_1 }` → `{ $step: load_data, path: "$.field1" }`,
    a further `path` appended), and the step is deleted. Paths are written in
    the `$.` form: the engine reads a bare `a.b` in a YAML flow as one field
    named "a.b", while `/extract` reads its `path` as a dotted path. No
    finding for extraction from a blob store's output (a blob id). Safe: `/extract`
    resolves its `path` as a reference does (a missing field fails in both).
    Not offered for a step with `onError`, `skipIf`, `mustExecute` or
    `metadata`, a source reference with `onSkip`, or a reference to the step
    that cannot be rewritten exactly.
    """

    code = "SF303"
    name = "over-granular-steps"
    severity = Severity.WARNING
    fix = A.SAFE
    default_options = {"extractors": ["/extract", "/builtin/extract"], "min-steps": 2}

    def check(self, ctx: LintContext):
        opts = ctx.options(self)
        blob_stores = ctx.options(REGISTRY["SF301"])["blob-components"]
        extractors = opts["extractors"]
        is_extractor: dict[str | None, bool] = {}  # a flow uses a few components many times: match each once
        for flow in ctx.flows:
            by_id = ctx.graph(flow).steps
            groups: dict[tuple, list[tuple[Step, Ref, str | None, str]]] = defaultdict(list)
            for step in flow.steps:
                component = step.component
                known = is_extractor.get(component)
                if known is None:
                    known = is_extractor[component] = _matches(component, extractors)
                if not known:
                    continue
                found = extraction(step, extractors)
                if found is not None:
                    data, base, path = found
                    source = by_id.get(data.target) if data.kind is RefKind.STEP else None
                    if source is not None and _matches(source.component, blob_stores):
                        continue  # a blob store's output is a blob id: its fields are not the data's
                    groups[(data.kind, data.target, base)].append((step, data, base, path))
            flagged = [m for members in groups.values() if len(members) >= opts["min-steps"] for m in members]
            steps = sequence_value(flow.node, "steps")
            room = steps is not None and len(steps.value) > len(flagged)
            for step, data, base, path in flagged:
                source = f"`{data.target}`" if data.kind is RefKind.STEP else "the flow input"
                fix = None
                if room:
                    try:
                        fix = self._fix(ctx, flow, steps, step, data, _join(base, path))
                    except PathError:
                        pass  # a field name no `$` path can select: leave the step
                yield self.diagnostic(step.id_span or step.span, f"`{step.id}` only extracts `{path}` from {source}; "
                                      f"reference it with `path` instead of a step", fix)

    def _fix(self, ctx: LintContext, flow: Flow, steps, step: Step, data: Ref, extracted: str | None):
        if any(f.name not in ("id", "component", "input") for f in step.fields) or data.on_skip or data.extra:
            return None
        edits: list[Edit] = []
        refs = [r for s in flow.steps for r in s.refs()] + flow.output_refs()
        for ref in refs:
            if ref.kind is not RefKind.STEP or ref.target != step.id:
                continue
            if ref.extra or (ref.problem and ref.form is RefForm.CURRENT):
                return None
            full = _join(extracted, ref.path)
            if data.kind is RefKind.INPUT:
                parts = [f"$input: {json.dumps(full or '$')}"]
            else:
                parts = [f"$step: {yaml_str(data.target)}"] + ([f"path: {json.dumps(full)}"] if full else [])
            if ref.on_skip is not None:
                skip = ctx.source.text[ref.on_skip.node.start_mark.index:content_end(ref.on_skip.node)[0]]
                if "\n" in skip:
                    return None
                parts.append(f"onSkip: {skip}")
            if getattr(ref.node, "flow_style", True):
                content = "{ " + ", ".join(parts) + " }"
            else:   # keep block style: one key per line at the reference's column
                content = (ctx.source.newline + " " * ref.node.start_mark.column).join(parts)
            edits.append(Edit(ref.node.start_mark.index, content_end(ref.node)[0], content))
        delete = delete_sequence_item(ctx.source, steps, step.index)
        if not delete or any(e.content for e in delete):
            return None
        return self.make_fix(f"reference the source with `path` and delete `{step.id}`", edits + delete)


def extraction(step: Step, extractors) -> tuple[Ref, str | None, str] | None:
    """(source reference, the path of the source the step reads in, the path it extracts from that)
    of an extraction-only step: input `{data: REF, path: P}`, or `{data: REF}` whose reference
    itself selects the field (the shape upstream's docs use now)."""
    if not step.id or not _matches(step.component, extractors) or not isinstance(step.input, Obj):
        return None
    names = sorted(f.name for f in step.input.fields)
    if names != ["data", "path"] and names != ["data"]:
        return None
    data, path = step.input.get("data"), step.input.get("path")
    if not isinstance(data, Ref) or (data.problem and data.form is RefForm.CURRENT) or data.kind is RefKind.VARIABLE \
            or (data.kind is RefKind.STEP and (not data.target or data.target == step.id)):
        return None
    if path is None:
        return (data, None, data.path) if not data.whole and isinstance(data.path, str) else None
    if isinstance(path, Scalar) and isinstance(path.value, str) and path.value:
        # `/extract`'s own `path` is a dotted path into `data` (its catalog entry), unlike a reference's
        extracted = path.value if path.value.startswith(("$", "[")) else f"$.{path.value}"
        return data, _join(data.path, None), extracted if not extracted.startswith("[") else f"${extracted}"
    return None
