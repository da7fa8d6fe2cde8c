"""Rules on the components steps call: a name the engine can route (SF106), the inputs it requires (SF117)."""

from __future__ import annotations

import difflib

from ..diagnostics import Applicability, Edit, Severity
from ..fix.rewrite import replace_scalar
from ..model import Literal, Obj
from .base import LintContext, Rule, register

_UNJUDGED = object()
BUILTIN_NAMES = ("eval", "map", "iterate", "put_blob", "get_blob", "load_file", "create_messages", "openai",
                 "sleep", "noop")


@register
class InvalidComponent(Rule):
    """
    ## What it does
    Reports a step `component` that is empty or does not start with `/`
    (`/builtin/eval`, `/python/udf`, `/mock/one_output`), and a builtin the
    engine does not have (`/builtin/opnai`, `/builtin/put_blb`, or a
    misspelt route such as `/buitin/openai`), with the closest builtin. The
    URL form of older dialects (`python://udf`, `builtin://eval`) and bare
    builtin names (`eval`) get the current spelling.

    ## Why is this bad?
    The engine routes a component by its path prefix; a component that is
    not a path matches no route and the flow is rejected, and an unknown
    builtin fails the step at run time.

    ## Example
    ```yaml
    - id: add
      component: python://udf
    - id: ask
      component: /builtin/opnai
    ```

    ## Fix
    ```yaml
    - id: add
      component: /python/udf
    - id: ask
      component: /builtin/openai
    ```
    The URL form and a bare builtin name are rewritten by a safe fix (the
    engine refuses them as written, and the meaning is certain). A misspelt
    builtin gets an unsafe fix: the closest name is a guess.
    """

    code = "SF106"
    name = "invalid-component"
    severity = Severity.ERROR
    fix = Applicability.SAFE

    def check(self, ctx: LintContext):
        judged: dict[str, tuple[str, str | None] | None | object] = {}
        for flow in ctx.flows:
            for step in flow.steps:
                component = step.component
                if component is None or step.component_node is None:
                    continue  # missing or not a string: SF002
                if component.startswith("/") and component.strip() == component and component != "/":
                    misspelt = judged.get(component, _UNJUDGED)
                    if misspelt is _UNJUDGED:  # a flow calls a few components many times
                        misspelt = judged[component] = _misspelt_builtin(component)
                    if misspelt is not None:  # (rare: most components are not near-misses of a builtin)
                        message, meant = misspelt
                        fix = meant and self.make_fix(f"write `{meant}`", [replace_scalar(step.component_node, meant)],
                                                      Applicability.UNSAFE)
                        yield self.diagnostic(step.component_span, message, fix or None)
                    continue  # the common case, decided before any message is built
                span = step.component_span
                label = f"step `{step.id}`" if step.id else f"step {step.index + 1}"
                text = component.strip()
                spelling = None  # the current spelling, when it is certain
                if not text:
                    message = f"{label} has an empty `component`; name one such as `/builtin/eval`"
                elif text != component:
                    message = f"component `{component}` of {label} has surrounding whitespace; write `{text}`"
                    spelling = text
                elif component == "/":
                    message = f"component `/` of {label} names no component"
                elif component.startswith("/"):
                    continue
                elif "://" in component:
                    scheme, rest = component.split("://", 1)
                    scheme = "builtin" if scheme == "builtins" else scheme
                    spelling = f"/{scheme}/{rest.strip('/')}"
                    message = (f"component `{component}` uses the URL form of an older dialect; "
                               f"components are paths now: `{spelling}`")
                elif component in BUILTIN_NAMES:
                    spelling = f"/builtin/{component}"
                    message = f"component `{component}` must be a path starting with `/`: `{spelling}`"
                else:
                    message = f"component `{component}` must be a path starting with `/`: `/{component}`"
                fix = None
                if spelling is not None and "\n" not in component:
                    fix = self.make_fix(f"write `{spelling}`", [replace_scalar(step.component_node, spelling)])
                yield self.diagnostic(span, message, fix)


@register
class MissingRequiredInput(Rule):
    """
    ## What it does
    Reports a step whose literal `input` lacks a field that the component's
    known input schema requires: the bundled builtins catalog (`put_blob`
    requires `data` and `blob_type`, `eval` requires `flow_id` and `input`,
    …) and any catalog given with `--components`. A field whose value is an
    expression counts as present; an `input` that is itself an expression
    (`input: { $step: build }`) is not judged.

    ## Why is this bad?
    The flow is accepted, and the step fails at run time with an invalid
    input (the engine reports the builtin as unreachable and retries it
    first, so the failure is slow as well).

    ## Example
    ```yaml
    - id: store
      component: /builtin/put_blob
      input:
        data: { $step: load }
    ```

    ## Fix
    ```yaml
    - id: store
      component: /builtin/put_blob
      input:
        data: { $step: load }
        blob_type: data
    ```
    No automatic fix: the value of a missing field is the author's choice.
    """

    code = "SF117"
    name = "missing-required-input"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        catalog = ctx.catalog
        if catalog is None:
            return
        required_of: dict[str | None, tuple[str, ...]] = {}  # per component: most flows call a few, many times
        for flow in ctx.flows:
            for step in flow.steps:
                required = required_of.get(step.component)
                if required is None:
                    required = required_of[step.component] = _required(catalog.lookup(step.component))
                if not required:
                    continue
                given = _given_fields(step.input)
                if given is None:
                    continue
                missing = [name for name in required if name not in given]
                if missing:
                    where = step.input.span if step.input is not None else step.span
                    names = ", ".join(f"`{m}`" for m in missing)
                    label = f"step `{step.id}`" if step.id else f"step {step.index + 1}"
                    yield self.diagnostic(where, f"{label} calls `{step.component}` without {names}, which it "
                                          "requires: the step fails at run time")


def _required(info) -> tuple[str, ...]:
    """The input fields a catalogued component requires (none for the guide's illustrative `/extract`)."""
    if info is None or info.source == "guide" or not isinstance(info.input_schema, dict):
        return ()
    required = info.input_schema.get("required")
    return tuple(r for r in required if isinstance(r, str)) if isinstance(required, list) else ()


def _given_fields(value) -> set[str] | None:
    """The field names of a literal input (`{}` when there is none); None when an expression gives the input."""
    if value is None:
        return set()
    if type(value) is Literal and value.inner is not None and hasattr(value.inner, "value"):
        inner = value.inner.value
        return {k.value for k, _ in inner if isinstance(k.value, str)} if isinstance(inner, list) else None
    if type(value) is Obj:
        return {f.name for f in value.fields}
    return None


def _misspelt_builtin(component: str) -> tuple[str, str | None] | None:
    """(message, the builtin meant if one is close) for `/builtin/opnai`, `/builtin/nothing` or
    `/buitin/openai`; None for any other component."""
    route, _, name = component[1:].partition("/")
    if route == "builtin":
        if name in BUILTIN_NAMES or not name:
            return None
        close = difflib.get_close_matches(name, BUILTIN_NAMES, n=1, cutoff=0.7)
        if close:
            return f"the engine has no builtin `{name}`; did you mean `/builtin/{close[0]}`?", f"/builtin/{close[0]}"
        return f"the engine has no builtin `{name}` (it has {', '.join(BUILTIN_NAMES)})", None
    if name in BUILTIN_NAMES and difflib.SequenceMatcher(None, route, "builtin").ratio() >= 0.8:
        return f"route `/{route}` looks like a misspelt `/builtin`; did you mean `/builtin/{name}`?", f"/builtin/{name}"
    return None
