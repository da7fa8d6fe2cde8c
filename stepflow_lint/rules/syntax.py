"""YAML-level and shape rules: the file parses, holds a flow, repeats no key."""

from __future__ import annotations

from ..diagnostics import Severity
from .base import LintContext, Rule, register


@register
class YamlSyntaxError(Rule):
    """
    ## What it does
    Reports a file that is not valid YAML, or that the linter refuses to read
    (not UTF-8, binary content, alias bombs, nesting deeper than 256 levels),
    at the position where the parser stopped.

    ## Why is this bad?
    The engine cannot load the flow at all; every other check is blind until
    the file parses.

    ## Example
    ```yaml
    steps:
      - id: load
        component: /data/load
        input: { path: "a.csv"    # the flow mapping is never closed
    ```

    ## Fix
    Correct the YAML at the reported position. Indent with spaces, not tabs.
    """

    code = "SF001"
    name = "yaml-syntax-error"
    severity = Severity.ERROR
    needs_flow = False

    def check(self, ctx: LintContext):
        if ctx.parse_error is not None:
            yield self.diagnostic(ctx.parse_error.span, ctx.parse_error.message)


@register
class InvalidFlowStructure(Rule):
    """
    ## What it does
    Checks the shape of the flow: the root is a mapping, `steps` is a list of
    mappings, every step has an `id` and a `component`, values have the type
    the format requires, and no key is unknown (with a "did you mean" for
    near misses such as `componnet` or `onErorr`). Schemas sit under
    `schemas.properties` (`input`, `output`, `variables`); expression
    operators have their required shape: `$if` has a `then`, `$coalesce`
    holds a list.

    ## Why is this bad?
    The engine rejects a flow of the wrong shape, or worse, silently ignores
    an unknown key: a misspelt `mustExecute` or a `depends_on` list changes
    nothing at run time, so the author's intent is lost without a word.

    ## Example
    ```yaml
    steps:
      - id: notify
        componnet: /email/send
        mustExecute: "yes"
    ```

    ## Fix
    ```yaml
    steps:
      - id: notify
        component: /email/send
        mustExecute: true
    ```
    """

    code = "SF002"
    name = "invalid-flow-structure"
    severity = Severity.ERROR
    needs_flow = False

    def check(self, ctx: LintContext):
        for problem in ctx.root_problems:
            yield self.diagnostic(problem.span, problem.message)
        for flow in ctx.flows:
            for problem in flow.problems:
                yield self.diagnostic(problem.span, problem.message)
            for item in flow.operator_problems:
                yield self.diagnostic(item.problem_span or item.span, item.problem)


@register
class DuplicateKey(Rule):
    """
    ## What it does
    Reports a key that a mapping repeats, anywhere in the file.

    ## Why is this bad?
    YAML keeps only one of the two values (which one depends on the loader),
    so half of what was written is silently dropped: a second `input:` in a
    step replaces the first without a warning.

    ## Example
    ```yaml
    - id: summarize
      component: /ai/summarize
      input: { text: { $step: load } }
      input: { text: { $input: text } }
    ```

    ## Fix
    Keep one of the keys, merging what both meant.
    """

    code = "SF003"
    name = "duplicate-key"
    severity = Severity.ERROR
    needs_flow = False

    def check(self, ctx: LintContext):
        if ctx.document is None:
            return
        for dup in ctx.document.duplicate_keys:
            first = dup.first
            yield self.diagnostic(
                dup.duplicate,
                f"duplicate key `{dup.key}`: first defined at line {first.line + 1}, column {first.column + 1}; "
                "YAML keeps only one of them",
            )
