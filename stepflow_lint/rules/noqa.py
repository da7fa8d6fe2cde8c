"""SF006: `# noqa` comments that suppress nothing, or name codes no rule has."""

from __future__ import annotations

import bisect

from ..diagnostics import Applicability, Edit, Severity, Span
from ..suppression import Directive, Usage, directives
from .base import REGISTRY, LintContext, Rule, register


def _scalar_spans(root) -> tuple[list[int], list[int]]:
    """Start and end offsets of every scalar, sorted: a `# noqa` inside one is text, not a comment."""
    spans, stack, seen = [], [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # aliases share nodes
            continue
        seen.add(id(node))
        if isinstance(node.value, str):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))
    spans.sort()
    return [s for s, _ in spans], [e for _, e in spans]


@register
class UnusedNoqa(Rule):
    """
    ## What it does
    Reports `# noqa` comments (and `# stepflow-lint: noqa-file` comments) that suppress no
    finding, and codes in them that no rule has. Codes of rules that are not enabled in this run
    are left alone.

    ## Why is this bad?
    A suppression outlives the finding it was written for: once the flow is fixed, the stale
    comment still hides any *new* finding of that code on the line. An unknown code (`SF2O1`) is
    a typo that suppresses nothing at all.

    ## Example
    ```yaml
    steps:
      - id: a
        component: /x  # noqa: SF201
    ```

    ## Fix
    Remove the unused codes, or the whole comment when none is used (a safe fix).
    """

    code = "SF006"
    name = "unused-noqa"
    severity = Severity.WARNING
    fix = Applicability.SAFE
    needs_flow = False
    after_suppression = True  # the engine runs it once the other rules' findings are filtered

    def check(self, ctx: LintContext):
        usage: Usage | None = ctx.noqa_usage
        if usage is None or ctx.document is None or ctx.document.root is None:
            return
        found = directives(ctx.source)
        if not found:
            return
        starts, ends = _scalar_spans(ctx.document.root)
        for directive in found:
            offset = ctx.source.offset(directive.line, directive.start)
            i = bisect.bisect_right(starts, offset) - 1
            if i >= 0 and offset < ends[i]:
                continue  # inside a string: a comment of embedded code, not ours
            yield from self._judge(ctx, directive, usage)

    def _judge(self, ctx: LintContext, directive: Directive, usage: Usage):
        enabled = ctx.enabled_codes
        if not directive.codes:
            used = "*" in usage.file_codes if directive.file_level else (directive.line, "*") in usage.lines
            if not used:
                yield self._finding(ctx, directive, (), "blanket `noqa` suppresses nothing")
            return
        unknown = [c for c in directive.codes if c not in REGISTRY]
        unused = [c for c in directive.codes if c in REGISTRY and c in enabled and c != self.code and not (
            c in usage.file_codes if directive.file_level else (directive.line, c) in usage.lines)]
        if not unknown and not unused:
            return
        parts = []
        if unused:
            parts.append(f"unused `noqa` code{'s' if len(unused) > 1 else ''} {', '.join(unused)}")
        if unknown:
            parts.append(f"unknown code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
        keep = tuple(c for c in directive.codes if c not in unused and c not in unknown)
        yield self._finding(ctx, directive, keep, "; ".join(parts))

    def _finding(self, ctx: LintContext, directive: Directive, keep: tuple[str, ...], message: str):
        source = ctx.source
        start = source.offset(directive.line, directive.start)
        end = source.offset(directive.line, directive.end)
        span = Span(start, end, directive.line, directive.start, directive.line, directive.end)
        if keep:
            codes_at = source.offset(directive.line, directive.codes_start)
            edit = Edit(codes_at, end, ", ".join(keep))
            fix = self.make_fix("Remove the unused codes", [edit])
        elif reason := _reason_after(source.text, end, source.line_end(directive.line)):
            # The comment goes on after the codes (`# noqa: SF201 -- why`): only the directive goes.
            stop, space = reason
            fix = self.make_fix("Remove the `noqa` directive", [Edit(start, stop, "#" if space else "# ")])
        else:
            line_start = source.offset(directive.line, 0)
            before = source.text[line_start:start]
            cut = start - (len(before) - len(before.rstrip())) if before.strip() else line_start
            end += len(source.text[end:source.line_end(directive.line)].rstrip("\r\n"))  # a `:` or spaces left over
            fix = self.make_fix("Remove the `noqa` comment", [Edit(cut, end, "")])
            if not before.strip():  # a comment alone on its line: drop the line too
                fix = self.make_fix("Remove the `noqa` comment", [Edit(line_start, source.line_end(directive.line), "")])
        return self.diagnostic(span, message, fix=fix)


def _reason_after(text: str, end: int, line_end: int) -> tuple[int, bool] | None:
    """Where the rest of a comment starts after a directive's codes (a `:` after them goes with
    the directive), and whether it starts with a space; None when nothing follows."""
    stop = end + 1 if text[end:end + 1] == ":" else end
    rest = text[stop:line_end]
    return (stop, rest[:1].isspace()) if rest.strip() else None
