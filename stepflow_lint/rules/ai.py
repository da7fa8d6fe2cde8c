"""AI-call rules: repeated calls, unbounded output, verbose prompts (late validation: validation.py)."""

from __future__ import annotations

from collections import Counter

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..diagnostics import Applicability, Edit, Severity, Span
from ..fix.edits import delete_sequence_item
from ..model import RefKind
from ..model.expressions import Arr, Coalesce, Conditional, Literal, Obj, Ref, Scalar
from ..model.walk import walk_values
from ..yaml.parse import scalar_value
from ..paths import PathError, explicit_path
from ..patterns import glob_match
from .base import LintContext, Rule, register

AI_COMPONENTS = ["/builtin/openai", "/openai", "*/openai*", "*/anthropic*", "*/claude*", "*/llm*", "*/llms/*",
                 "*/chat_completion*", "*/chatgpt*", "*/chat_model*", "*/gpt*", "*/gemini*", "*/ollama*",
                 "*/bedrock*", "*/mistral*", "*/cohere*", "*/completion*", "*/generate_text*"]
LIMIT_FIELDS = ["max_tokens", "max_completion_tokens", "max_output_tokens", "maxTokens", "maxOutputTokens",
                "num_predict", "max_new_tokens", "max_length", "maxLength"]


def matches(component: str | None, patterns) -> bool:
    return glob_match(component, patterns)


def ai_patterns(ctx: LintContext, rule: Rule) -> list[str]:
    opts = ctx.options(rule)
    return list(opts.get("ai-components", AI_COMPONENTS)) + list(opts.get("extend-ai-components", []))


@register
class DuplicateStep(Rule):
    """
    ## What it does
    Reports a step that calls the same component as an earlier step with the
    same input, once `onError` (and, for engines before 0.9, `skipIf`) agree
    too. Inputs are compared as values (key order, quoting, flow or block
    style and `$.a` vs `a` paths do not matter; a bare `a.b`, one field name
    to the engine, differs from `$.a.b`), not as text. Steps with `mustExecute: true`, and components
    whose name says they act on the world (`side-effect-components`: store,
    write, send, put, delete, …), are left alone: repeating a side effect may
    be the point (e.g. a test that runs three writes in parallel).

    ## Why is this bad?
    The component runs twice for one result. For an AI call that is twice the
    latency budget and twice the tokens — the guide's advice is to compute
    once and reuse (cache) the result.

    ## Example
    ```yaml
    steps:
      - id: summary
        component: /builtin/openai
        input: { messages: { $step: prompt }, max_tokens: 200 }
      - id: summary_again
        component: /builtin/openai
        input: { max_tokens: 200, messages: { $step: prompt } }
    ```

    ## Fix
    Delete the repeated step and point its references at the first one
    (unsafe: a non-deterministic component, e.g. an AI call with a non-zero
    temperature, gave two different answers before).
    """

    code = "SF401"
    name = "duplicate-step"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE
    default_options = {"side-effect-components": [
        "*store*", "*write*", "*save*", "*send*", "*post*", "*put*", "*delete*", "*remove*", "*insert*",
        "*update*", "*upsert*", "*create*", "*publish*", "*notify*", "*email*", "*upload*", "*execute*"]}

    def check(self, ctx: LintContext):
        patterns = ctx.options(self)["side-effect-components"]
        side_effect: dict[str, bool] = {}  # a flow uses a few components many times: match each once
        for flow in ctx.flows:
            graph = ctx.graph(flow)
            candidates = []
            for step in flow.steps:
                if step.id is None or graph.steps.get(step.id) is not step or not step.component \
                        or step.must_execute:
                    continue
                if step.component not in side_effect:
                    side_effect[step.component] = glob_match(step.component, patterns, fold=True)
                if not side_effect[step.component]:
                    candidates.append(step)
            # Steps with the same input reference the same steps: only steps that share the component
            # and the referenced steps need their whole inputs compared.
            shapes = [(step.component, frozenset([ref.target for ref in step.refs()])) for step in candidates]
            counts = Counter(shapes)
            seen: dict[tuple, object] = {}
            places = _Places(flow)  # shared by every fix of this flow: a flow may repeat a step thousands of times
            for step, shape in zip(candidates, shapes):
                if counts[shape] < 2:
                    continue
                key = (step.component, input_key(step))
                first = seen.setdefault(key, step)
                if first is step:
                    continue
                message = (f"`{step.id}` calls `{step.component}` with the same input as `{first.id}` "
                           f"(line {first.id_span.line + 1}): the call runs twice for one result; reuse `{first.id}`")
                yield self.diagnostic(step.id_span, message, fix=self._fix(ctx, graph, places, step, first))

    def _fix(self, ctx, graph, places: "_Places", dup, first):
        if not graph.is_acyclic or places.flow.steps_span is None:
            return None
        steps_node = places.steps_node
        position = places.position.get(id(dup.node))
        if steps_node is None or position is None:
            return None
        edits = delete_sequence_item(ctx.source, steps_node, position)
        removed = edits[0]
        for ref in places.refs_to(graph, dup):
            if ref.kind is RefKind.STEP and ref.target == dup.id:
                span = ref.target_span
                if span is None or span.start == span.end:
                    return None
                if removed.start <= span.start < removed.end:
                    continue
                text = ctx.source.text[span.start:span.end]
                quote = text[0] if text[:1] in "'\"" else ""
                edits.append(Edit(span.start, span.end, f"{quote}{first.id}{quote}"))
        return self.make_fix(f"Delete `{dup.id}` and use `{first.id}`", edits)


class _Places:
    """Where a flow's steps sit in its `steps` list, and its output's references by target."""

    def __init__(self, flow):
        self.flow = flow
        self.steps_node = _steps_node(flow)
        self.position = {id(node): i for i, node in enumerate(self.steps_node.value)} if self.steps_node else {}
        self._output: dict[str, list] | None = None

    def refs_to(self, graph, step) -> list:
        """Every reference to ``step`` made by another step or by the output, in step order."""
        if self._output is None:
            self._output = {}
            for ref in self.flow.output_refs():
                self._output.setdefault(ref.target, []).append(ref)
        users = sorted((u for u in graph.consumers.get(step.id, ()) if u != step.id), key=lambda u: graph.steps[u].index)
        found = [ref for user in users for ref in graph.waits_for[user][step.id]]
        return found + self._output.get(step.id, [])


def _steps_node(flow):
    for key, value in flow.node.value:
        if isinstance(key, ScalarNode) and key.value == "steps" and isinstance(value, SequenceNode):
            return value
    return None


@register
class UnboundedAiOutput(Rule):
    """
    ## What it does
    Reports a call to an AI component (matched by `ai-components` glob
    patterns, or any component whose known input schema accepts
    `max_tokens`) whose input sets no output limit (`max_tokens` or an alias
    in `limit-fields`, at any depth of the input).

    ## Why is this bad?
    Without a limit the model decides how long to talk: latency and cost grow
    with every token, and a runaway answer can blow the step's time budget.

    ## Example
    ```yaml
    - id: answer
      component: /builtin/openai
      input:
        messages: { $step: create_messages }
    ```

    ## Fix
    ```yaml
    - id: answer
      component: /builtin/openai
      input:
        messages: { $step: create_messages }
        max_tokens: 150
    ```
    Silent when the whole input comes from a reference, when a settings field
    (`config`, `options`, `parameters`, …) is a reference that may carry the
    limit, and when the component's known closed schema has no limit field.
    """

    code = "SF402"
    name = "unbounded-ai-output"
    severity = Severity.INFO
    default_options = {"ai-components": AI_COMPONENTS, "extend-ai-components": [], "limit-fields": LIMIT_FIELDS,
                       "settings-fields": ["config", "options", "parameters", "params", "settings",
                                           "model_kwargs", "generation_config", "llm_config"]}

    def check(self, ctx: LintContext):
        opts = ctx.options(self)
        limits = set(opts["limit-fields"])
        settings = set(opts["settings-fields"])
        patterns = ai_patterns(ctx, self)
        boundable: dict[str | None, bool] = {}  # per component: an AI call that an input field can bound
        for flow in ctx.flows:
            for step in flow.steps:
                component = step.component
                if component not in boundable:
                    boundable[component] = self._boundable(ctx, component, patterns, limits)
                if not boundable[component]:
                    continue
                if not isinstance(step.input, Obj) or step.component_node is None:
                    continue
                if _has_field(step.input, limits) or any(
                        f.name in settings and not isinstance(f.value, (Obj, Scalar, Arr))
                        for f in step.input.fields):
                    continue
                yield self.diagnostic(step.component_span,
                                      f"AI call `{step.id}` sets no `max_tokens`: the answer's length, "
                                      "latency and cost are unbounded")

    @staticmethod
    def _boundable(ctx: LintContext, component: str | None, patterns, limits: set[str]) -> bool:
        accepted, declared = ctx.component_inputs(component)
        if not (matches(component, patterns) or declared & limits):
            return False
        return accepted is None or bool(accepted & limits)  # else it cannot be bounded from here


def _has_field(value, names: set[str]) -> bool:
    for item in walk_values(value):
        if isinstance(item, Obj) and any(f.name in names for f in item.fields):
            return True
        if isinstance(item, Literal) and isinstance(item.inner, MappingNode) and _node_has_key(item.inner, names):
            return True
    return False


def _node_has_key(node, names) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            for key, value in current.value:
                if isinstance(key, ScalarNode) and key.value in names:
                    return True
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
    return False


# -- comparing inputs as values -------------------------------------------------

def _path(path: str | None) -> str | None:
    """The path as the engine reads it from YAML: `a` is `$.a`, but a bare `a.b` is one field name."""
    if path in (None, "", "$"):
        return None
    try:
        return explicit_path(path)
    except PathError:
        return "bare:" + path


def _canonical_node(node):
    if isinstance(node, ScalarNode):
        return ("s", scalar_value(node))
    if isinstance(node, SequenceNode):
        return ("a", tuple(_canonical_node(i) for i in node.value))
    if isinstance(node, MappingNode):
        return ("o", tuple(sorted((str(_canonical_node(k)), _canonical_node(v)) for k, v in node.value)))
    return ("?",)


def canonical(value):
    """A hashable form of a value expression: equal when the engine sees the same value."""
    if value is None:
        return None
    kind = type(value)
    if kind is Scalar:
        return ("s", value.value)
    if kind is Obj:
        return ("o", tuple(sorted((f.name, canonical(f.value)) for f in value.fields)))
    if kind is Arr:
        return ("a", tuple(canonical(i) for i in value.items))
    if kind is Ref:
        return ("r", value.kind.value, value.target, _path(value.path), canonical(value.on_skip),
                canonical(value.default))
    if kind is Literal:
        return ("l", _canonical_node(value.inner))
    if kind is Coalesce:
        return ("c", tuple(canonical(i) for i in value.items))
    if kind is Conditional:
        return ("if", canonical(value.condition), canonical(value.then), canonical(value.otherwise))
    return ("?", id(value))


def input_key(step) -> tuple:
    on_error = step.on_error
    error = (on_error.action, canonical(on_error.default_value)) if on_error is not None else None
    metadata = next((v for k, v in step.node.value if isinstance(k, ScalarNode) and k.value == "metadata"), None)
    # Step metadata reaches the component too (the SDKs expose it): different metadata, different call.
    return canonical(step.input), canonical(step.skip_if), error, _canonical_node(metadata) if metadata else None


@register
class VerbosePrompt(Rule):
    """
    ## What it does
    Reports a literal system prompt longer than `max-chars` (default 1000
    characters): the `content` of a `role: system` message in a message list,
    or a `system` / `system_prompt` / `system_instructions` field
    (`prompt-fields`), in any step's input, `$literal` blocks included.

    ## Why is this bad?
    The system prompt is sent, tokenized and paid for on every call. The
    guide asks for "concise, optimized prompts": long instructions add latency
    and cost to each call and are rarely all needed.

    ## Example
    ```yaml
    messages:
      - role: system
        content: "You are a helpful assistant. … (2,000 characters)"
    ```

    ## Fix
    Shorten the prompt to what the task needs ("Answer briefly and
    directly."); move reference material into the user message only when it
    is needed, or raise `max-chars` for this project.
    """

    code = "SF403"
    name = "verbose-prompt"
    severity = Severity.INFO
    default_options = {"max-chars": 1000,
                       "prompt-fields": ["system", "system_prompt", "system_instructions", "systemPrompt",
                                         "system_message", "systemInstructions"]}

    def check(self, ctx: LintContext):
        opts = ctx.options(self)
        limit = int(opts["max-chars"])
        fields = set(opts["prompt-fields"])
        # Without aliases every node of an input lies inside the input's text, and a scalar's value
        # is never longer than its text (escapes, folding and indentation only shorten it): an
        # input whose text is within the limit cannot hold a prompt over it.
        bounded = "*" not in ctx.source.text
        for flow in ctx.flows:
            for step in flow.steps:
                if step.input is None:
                    continue
                node = step.input.node
                if bounded and node.end_mark.index - node.start_mark.index <= limit:
                    continue
                for node, where in _system_prompts(node, fields):
                    text = scalar_value(node)
                    if isinstance(text, str) and len(text) > limit:
                        yield self.diagnostic(Span.of(node), f"{where} of `{step.id}` is {len(text):,} characters "
                                              f"(limit {limit:,}): it is sent with every call")


def _system_prompts(root, fields: set[str]):
    """(scalar node, description) of each literal system prompt under ``root`` (not inside subflows)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
            continue
        if not isinstance(node, MappingNode):
            continue
        role = content = steps = None  # the last of each key counts, as in a dict
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                if key.value == "role":
                    role = value
                elif key.value == "content":
                    content = value
                elif key.value == "steps":
                    steps = value
        if isinstance(steps, SequenceNode) and node is not root:
            continue  # a subflow: linted as a flow of its own
        system = isinstance(role, ScalarNode) and role.value == "system"
        if system and isinstance(content, ScalarNode):
            yield content, "system message"
        for key, value in node.value:
            if isinstance(value, ScalarNode):  # a scalar holds nothing further down
                if isinstance(key, ScalarNode) and key.value in fields:
                    yield value, f"`{key.value}`"
            elif not (system and value is content and isinstance(key, ScalarNode) and key.value == "content"):
                stack.append(value)
