"""Data-flow rules (SF301, SF302, SF304): how much data moves between steps, and through how many steps
(extraction steps, SF303: extraction.py)."""

from __future__ import annotations

import re
from collections import defaultdict

from ..diagnostics import Edit, Severity, capped
from ..diagnostics import Applicability as A
from ..fix.edits import insert_after_sequence_item, sequence_value, yaml_str
from ..model import Flow, Ref, RefForm, RefKind, Step, content_end
from ..paths import join_paths
from ..patterns import glob_match
from .base import REGISTRY, LintContext, Rule, register
from .extraction import extraction

_REPOINTABLE = (RefForm.CURRENT, RefForm.NESTED_BRACE, RefForm.LEGACY_FROM, RefForm.LEGACY_REF, RefForm.HALF_STEP)


def _matches(text: str | None, patterns) -> bool:
    return glob_match(text, patterns, fold=True)


_join = join_paths


def _names(steps) -> str:
    return capped(f"`{s.id}`" for s in steps)


@register
class RepeatedLargeCopy(Rule):
    """
    ## What it does
    Finds the whole output of a large-output step passed to two or more steps.
    A step counts as large when its component matches `large-components` or its
    id matches `large-steps` (glob patterns, case-insensitive; by default
    `*large*`, `*massive*`, `*huge*`, `*dataset*`, after the guide's
    `load_large_data` and `load_massive_dataset`). Consumers that take a `path`
    into the output, or a blob id, do not count; neither do extraction steps
    (SF303's `extractors`, which take one field) nor a `/builtin/put_blob`
    step storing it (`blob-components`).

    ## Why is this bad?
    Each consumer receives its own copy of the data: memory and transfer grow
    with the number of consumers. Stored once as a blob, it is passed by id.

    ## Example
    ```yaml
    steps:
      - id: step1
        component: /process/a
        input:
          large_dataset: { $step: load_large_data }
      - id: step2
        component: /process/b
        input:
          large_dataset: { $step: load_large_data }
    ```

    ## Fix
    Insert a `/builtin/put_blob` step right after the large step and pass
    `{ $step: store_load_large_data, path: blob_id }` instead. Unsafe: consumers
    then receive a blob id, not the data, so they must read the blob
    (`/builtin/get_blob`). Offered only when every edit is a plain text edit.

    Options: `large-components`, `large-steps`, `blob-components`,
    `min-consumers` (default 2).
    """

    code = "SF301"
    name = "repeated-large-copy"
    severity = Severity.WARNING
    fix = A.UNSAFE
    default_options = {"large-components": ["*large*", "*massive*", "*huge*", "*dataset*"],
                       "large-steps": ["*large*", "*massive*", "*huge*", "*dataset*"],
                       "blob-components": ["*/put_blob"], "min-consumers": 2}

    def check(self, ctx: LintContext):
        opts = ctx.options(self)
        for flow in ctx.flows:
            index = ctx.index(flow)
            by_id = ctx.graph(flow).steps
            copies: dict[str, list[tuple[Step, Ref]]] = defaultdict(list)
            stores: dict[str, Step] = {}
            extractors = ctx.options(REGISTRY["SF303"])["extractors"]
            for step, ref in index.whole_copies:
                if _matches(step.component, opts["blob-components"]):
                    stores.setdefault(ref.target, step)
                elif extraction(step, extractors) is not None:
                    continue  # takes one field, as a `path` does (SF303); a blob id would break it
                else:
                    copies[ref.target].append((step, ref))
            for target, uses in copies.items():
                consumers = list(dict.fromkeys(step for step, _ in uses))
                if len(consumers) < opts["min-consumers"]:
                    continue
                source = by_id.get(target)
                large = _matches(target, opts["large-steps"]) or (
                    source is not None and _matches(source.component, opts["large-components"]))
                if not large:
                    continue
                store = stores.get(target)
                advice = (f"pass the blob of `{store.id}` instead" if store else
                          "store it once with `/builtin/put_blob` and pass its `blob_id`")
                fix = self._fix(ctx, flow, source, store, uses)
                yield self.diagnostic(uses[0][1].span, f"the whole output of large step `{target}` is copied into "
                                      f"{len(consumers)} steps ({_names(consumers)}); {advice}", fix)

    def _fix(self, ctx: LintContext, flow: Flow, source: Step | None, store: Step | None, uses):
        text = ctx.source
        edits: list[Edit] = []
        if store is not None:
            store_id = store.id
        else:
            steps = sequence_value(flow.node, "steps")
            if source is None or steps is None:
                return None
            store_id = f"store_{source.id}"
            while store_id in {s.id for s in flow.steps}:
                store_id += "_blob"
            component = next((s.component for s in flow.steps if s.component and
                              _matches(s.component, ctx.options(self)["blob-components"])), "/builtin/put_blob")
            insert = insert_after_sequence_item(text, steps, source.index, [
                f"id: {yaml_str(store_id)}", f"component: {component}", "input:",
                f"  data: {{ $step: {yaml_str(source.id)} }}", "  blob_type: data"])  # put_blob requires both
            if insert is None:
                return None
            edits.append(insert)
        repoints = [_repoint(text.text, ref, store_id, '"blob_id"') for _, ref in uses]
        if None in repoints:
            return None
        edits += [edit for repoint in repoints for edit in repoint]
        return self.make_fix(f"store `{uses[0][1].target}` once in blob `{store_id}` and pass its `blob_id`", edits)


def _repoint(text: str, ref: Ref, target: str, path: str) -> list[Edit] | None:
    """Edits making a whole reference point at ``target`` with ``path``, leaving its spelling alone."""
    if ref.form not in _REPOINTABLE or ref.target_span is None or ref.extra or (
            ref.problem and ref.form is RefForm.CURRENT):
        return None
    edits = [Edit(ref.target_span.start, ref.target_span.end, yaml_str(target))]
    if ref.path_span is not None:   # `path: "$"` or `path: ""`: replace the value
        return edits + [Edit(ref.path_span.start, ref.path_span.end, path)]
    node = ref.node
    if getattr(node, "flow_style", False):
        close = node.end_mark.index - 1
        if text[close] != "}":
            return None
        at = len(text[:close].rstrip(" \t"))
        if text[at - 1] in "\r\n":
            return None
        return edits + [Edit(at, at, f", path: {path}")]
    end = content_end(node)[0]
    line_end = text.find("\n", end)
    rest = text[end:line_end].strip(" \t\r") if line_end >= 0 else "x"
    if rest and not rest.startswith("#"):
        return None
    newline = "\r\n" if text[line_end - 1] == "\r" else "\n"
    return edits + [Edit(line_end + 1, line_end + 1, " " * node.start_mark.column + f"path: {path}{newline}")]


@register
class WholeObjectReference(Rule):
    """
    ## What it does
    Finds a step that takes the whole output of another step (`$step` without
    `path`) while another step calls the *same component* with only fields
    selected from that output (`path: …`): the component demonstrably works on
    fields, so the whole object is more than it needs. The data input of a
    blob store (`/builtin/put_blob`), extraction steps (`/extract`) and the
    flow's `output` are never reported. Neither are generic components whose
    behaviour comes from their input (`generic-components`: UDFs, `eval`,
    `map`, `iterate`, custom code, by default): two calls of `/python/udf` run
    different code, so one of them taking fields proves nothing of the other.

    ## Why is this bad?
    The whole object is copied into the step, however large it is, and the step
    depends on every field of it rather than on the ones it uses.

    ## Example
    ```yaml
    steps:
      - id: process_user_data
        component: /user/process
        input:
          user_id: { $step: load_user, path: id }
      - id: inefficient_processing
        component: /user/process
        input:
          user_data: { $step: load_user }
    ```

    ## Fix
    Pass the fields the component needs: `user_id: { $step: load_user, path: id }`.
    """

    code = "SF302"
    name = "whole-object-reference"
    severity = Severity.INFO
    default_options = {"blob-components": ["*/put_blob"], "extractors": ["/extract", "/builtin/extract"],
                       "generic-components": ["*udf*", "*custom_code*", "*/eval", "*/map", "*/iterate"]}

    def check(self, ctx: LintContext):
        opts = ctx.options(self)
        skip = list(opts["blob-components"]) + list(opts["extractors"]) + list(opts["generic-components"])
        skipped: dict[str, bool] = {}  # a flow uses a few components many times: match each once
        for flow in ctx.flows:
            index = ctx.index(flow)
            whole = []
            for step, ref in index.whole_copies:
                component = step.component
                if component and component not in skipped:
                    skipped[component] = _matches(component, skip)
                if component and not skipped[component]:
                    whole.append((step, ref))
            # Only field copies of a target some whole copy takes can matter (a set lookup before grouping).
            targets = {ref.target for _, ref in whole}
            by_path: dict[tuple[str, str], list[tuple[Step, Ref]]] = defaultdict(list)
            for step, ref in index.field_copies:
                if ref.target in targets and step.component:
                    by_path[(step.component, ref.target)].append((step, ref))
            for step, ref in whole:
                others = [(s, r) for s, r in by_path.get((step.component, ref.target), ()) if s is not step]
                if others:
                    fields = capped(dict.fromkeys(f"`{r.path}`" for _, r in others))
                    yield self.diagnostic(ref.span, (
                        f"`{step.id}` takes the whole output of `{ref.target}`, while `{others[0][0].id}` calls the "
                        f"same component `{step.component}` with only {fields} of it; pass the fields it needs"))


_INDEX = re.compile(r"^\$?\.?(?P<prefix>[^\[]*)\[(?P<index>\d+)\]")


@register
class PerItemSteps(Rule):
    """
    ## What it does
    Finds the same component applied to `items[0]`, `items[1]`, … of one
    source in separate steps (`min-items` distinct indices, default 2). This
    includes the guide's hand-written fan-out over `$input` items.

    ## Why is this bad?
    One step per item costs a scheduling round, a component call and a stored
    result each, and hard-codes the number of items: a fourth item is silently
    dropped, a missing one fails the flow. A batch component, or
    `/builtin/map` over the list, handles any count with the same parallelism.

    ## Example
    ```yaml
    steps:
      - id: process_item_1
        component: /item/process
        input:
          item: { $input: "items[0]" }
      - id: process_item_2
        component: /item/process
        input:
          item: { $input: "items[1]" }
    ```

    ## Fix
    Use a batch component (`items: { $input: items }`) or `/builtin/map` with
    the per-item flow; no automatic fix.
    """

    code = "SF304"
    name = "per-item-steps"
    severity = Severity.INFO
    default_options = {"min-items": 2}

    def check(self, ctx: LintContext):
        minimum = ctx.options(self)["min-items"]
        variable = RefKind.VARIABLE  # read once: an Enum member costs a call to read
        for flow in ctx.flows:
            groups: dict[tuple, dict[str, tuple[Step, Ref, int]]] = defaultdict(dict)
            for step in flow.steps:
                if not step.id or not step.component:
                    continue
                for ref in step.input_refs():
                    if not ref.path or "[" not in ref.path or ref.kind is variable:
                        continue  # no index to group by
                    match = _INDEX.match(ref.path)
                    if match:
                        key = (step.component, ref.kind, ref.target, match["prefix"])
                        groups[key].setdefault(step.id, (step, ref, int(match["index"])))
            for (component, kind, target, prefix), members in groups.items():
                if len(members) < minimum or len({m[2] for m in members.values()}) < minimum:
                    continue
                step, ref, _ = next(iter(members.values()))
                source = f"`{target}`" if kind is RefKind.STEP else "the flow input"
                items = f"`{prefix}[…]`" if prefix else "items"
                yield self.diagnostic(ref.span, (
                    f"{len(members)} steps ({_names(m[0] for m in members.values())}) apply `{component}` to "
                    f"single {items} of {source}; use a batch component or `/builtin/map`"))
