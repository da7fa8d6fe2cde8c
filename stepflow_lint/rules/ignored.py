"""Rules on what the engine accepts and then ignores: removed skip conditions, unknown keys."""

from __future__ import annotations

from ..diagnostics import Severity
from .base import LintContext, Rule, register

_SKIP_REF_KEYS = ("onSkip", "on_skip")


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
    mean"). Skip conditions have their own rule, SF114.

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
    No automatic fix: renaming a misspelt key switches its effect on, and
    moving content is a decision.
    """

    code = "SF115"
    name = "ignored-key"
    severity = Severity.WARNING

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            for ignored in flow.ignored_keys:
                if ignored.skip_condition:
                    continue
                name = ignored.field.name
                if ignored.suggestion:
                    message = (f"the engine ignores unknown {ignored.where} key `{name}`; "
                               f"did you mean `{ignored.suggestion}`?")
                else:
                    message = f"the engine ignores {ignored.where} key `{name}`: {ignored.consequence}"
                yield self.diagnostic(ignored.field.key_span, message)
